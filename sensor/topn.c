/*
 * topn.c — Space-Saving counters: a hash table of the strings counted and
 * a min-heap on their counts, so that a count grows and the smallest is
 * found in O(log cap).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "topn.h"

int
topn_init(struct topn *t, uint32_t cap)
{
	memset(t, 0, sizeof(*t));
	if (cap == 0 || cap > (1U << 24))
		return -1;
	t->cap = cap;
	t->nslots = 1;
	while (t->nslots < cap * 2)
		t->nslots <<= 1;
	t->e = calloc(cap, sizeof(*t->e));
	t->heap = calloc(cap, sizeof(*t->heap));
	t->slot = calloc(t->nslots, sizeof(*t->slot));
	if (t->e == NULL || t->heap == NULL || t->slot == NULL) {
		topn_free(t);
		return -1;
	}
	return 0;
}

void
topn_free(struct topn *t)
{
	free(t->e);
	free(t->heap);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* FNV-1a: the keys are names and addresses, not chosen against us... */
static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* ...and a probe never runs long: the table is at most half full. */
static uint32_t
find(const struct topn *t, const char *key, uint32_t *at)
{
	uint32_t mask = t->nslots - 1, i = hash(key) & mask;

	while (t->slot[i] != 0) {
		if (strcmp(t->e[t->slot[i] - 1].key, key) == 0)
			break;
		i = (i + 1) & mask;
	}
	*at = i;
	return t->slot[i];
}

/* Removes slot i, moving later members of its run back (no tombstones). */
static void
unslot(struct topn *t, uint32_t i)
{
	uint32_t mask = t->nslots - 1, j = i;

	t->slot[i] = 0;
	for (;;) {
		j = (j + 1) & mask;
		if (t->slot[j] == 0)
			return;
		uint32_t home = hash(t->e[t->slot[j] - 1].key) & mask;
		/* Move j to i unless its home lies cyclically in (i, j]. */
		bool stay = i <= j ? (home > i && home <= j) :
		    (home > i || home <= j);
		if (stay)
			continue;
		t->slot[i] = t->slot[j];
		t->slot[j] = 0;
		i = j;
	}
}

static void
swap(struct topn *t, uint32_t a, uint32_t b)
{
	uint32_t x = t->heap[a];

	t->heap[a] = t->heap[b];
	t->heap[b] = x;
	t->e[t->heap[a]].heap = a;
	t->e[t->heap[b]].heap = b;
}

/* An entry's count grew: move it down toward the leaves. */
static void
sift_down(struct topn *t, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < t->n && t->e[t->heap[l]].count < t->e[t->heap[m]].count)
			m = l;
		if (r < t->n && t->e[t->heap[r]].count < t->e[t->heap[m]].count)
			m = r;
		if (m == i)
			return;
		swap(t, i, m);
		i = m;
	}
}

static void
copy_key(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n >= TOPN_KEY_MAX) {
		n = TOPN_KEY_MAX - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
topn_add(struct topn *t, const char *key)
{
	char k[TOPN_KEY_MAX];
	uint32_t at, e;

	if (t->cap == 0)
		return;
	copy_key(k, key);
	t->total++;
	if ((e = find(t, k, &at)) != 0) {
		t->e[e - 1].count++;
		sift_down(t, t->e[e - 1].heap);
		return;
	}
	if (t->n < t->cap) {
		/* A new entry with count 1 is a minimum: heap order holds. */
		uint32_t i = t->n++;
		struct topn_entry *n = &t->e[i];
		memcpy(n->key, k, sizeof(k));
		n->count = 1;
		n->err = 0;
		n->heap = i;
		t->heap[i] = i;
		/* Bubble up past larger counts. */
		for (uint32_t h = i; h > 0 &&
		    t->e[t->heap[(h - 1) / 2]].count > n->count; h = (h - 1) / 2)
			swap(t, h, (h - 1) / 2);
		t->slot[at] = i + 1;
		return;
	}
	/* Full: the smallest gives its place and its count. */
	uint32_t victim = t->heap[0], vat;
	struct topn_entry *v = &t->e[victim];
	find(t, v->key, &vat);
	unslot(t, vat);
	memcpy(v->key, k, sizeof(k));
	v->err = v->count;
	v->count++;
	t->evictions++;
	find(t, v->key, &at);
	t->slot[at] = victim + 1;
	sift_down(t, 0);
}

static int
by_count_desc(const void *a, const void *b)
{
	const struct topn_entry *x = *(const struct topn_entry *const *)a;
	const struct topn_entry *y = *(const struct topn_entry *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

uint32_t
topn_top(const struct topn *t, const struct topn_entry **out, uint32_t k)
{
	const struct topn_entry **all;
	uint32_t n;

	if (t->n == 0 || k == 0 || (all = malloc(t->n * sizeof(*all))) == NULL)
		return 0;
	for (uint32_t i = 0; i < t->n; i++)
		all[i] = &t->e[i];
	qsort(all, t->n, sizeof(*all), by_count_desc);
	n = k < t->n ? k : t->n;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}
