/*
 * strmap.c — open-addressing string map (see strmap.h).
 *
 * Keys live in one arena (NUL-terminated, so callers may read them as C
 * strings) and slots hold their offsets: no allocation per key, and 24
 * bytes a slot, which matters with hundreds of thousands of variants.
 * A bit filter of eight bits a slot, small enough to stay in cache, turns
 * most lookups of absent keys (the common case: most names are no typo)
 * away before they touch the slots.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "strmap.h"

/*
 * The hash.  These tables are built once from the configuration and then
 * only read: a name from the wire can make a lookup walk at most the
 * longest probe run the build left, never a longer one, so it cannot
 * degrade them the way inserting chosen keys degrades a flow table (whose
 * hash is keyed too, flow.c).  The hash is a polynomial in a secret odd
 * base, finished by a bit mixer: polynomial so that the hash of a string
 * with one character deleted can be had from prefix and suffix hashes
 * without hashing it again (strmap_get_hashed()), secret so that nobody
 * can aim names at one probe run.
 */
static uint64_t
finish(uint64_t poly, size_t len)
{
	uint64_t h = poly ^ ((uint64_t)len * 0x9e3779b97f4a7c15ULL);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

#define EMPTY	UINT32_MAX

struct slot {
	uint64_t	 hash;
	uint32_t	 off;		/* into the arena; EMPTY: free slot */
	uint32_t	 value;
	uint32_t	 len;
};

struct strmap {
	uint64_t	 base;		/* the polynomial's secret odd base */
	uint8_t		*filter;	/* one bit a slot: may the hash be here? */
	struct slot	*slots;
	size_t		 cap;		/* a power of two */
	size_t		 count;
	char		*arena;
	size_t		 used, acap;
	uint8_t		 seed[16];
};

static void
random_seed(uint8_t seed[16])
{
	size_t got = 0;

	while (got < 16) {
		ssize_t n = getrandom(seed + got, 16 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	/* Without getrandom the map still works; it is only predictable. */
}

static struct slot *
new_slots(size_t cap)
{
	struct slot *s = malloc(cap * sizeof(*s));

	if (s != NULL)
		for (size_t i = 0; i < cap; i++)
			s[i].off = EMPTY;
	return s;
}

struct strmap *
strmap_new(void)
{
	struct strmap *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->cap = 64;
	m->slots = new_slots(m->cap);
	m->filter = calloc(m->cap, 1);
	if (m->slots == NULL || m->filter == NULL) {
		free(m->slots);
		free(m->filter);
		free(m);
		return NULL;
	}
	random_seed(m->seed);
	memcpy(&m->base, m->seed, sizeof(m->base));
	m->base |= 1;
	return m;
}

void
strmap_free(struct strmap *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	free(m->filter);
	free(m->arena);
	free(m);
}

/* The filter has 8 * cap bits; the hash's high half picks one. */
static size_t
filter_bit(const struct strmap *m, uint64_t h)
{
	return (size_t)(h >> 32) & (m->cap * 8 - 1);
}

static void
filter_set(struct strmap *m, uint64_t h)
{
	size_t b = filter_bit(m, h);
	m->filter[b >> 3] |= (uint8_t)(1u << (b & 7));
}

static bool
filter_has(const struct strmap *m, uint64_t h)
{
	size_t b = filter_bit(m, h);
	return (m->filter[b >> 3] >> (b & 7)) & 1;
}

uint64_t
strmap_base(const struct strmap *m)
{
	return m->base;
}

uint64_t
strmap_poly(uint64_t base, uint64_t acc, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++)
		acc = acc * base + (uint64_t)p[i] + 1;
	return acc;
}

static uint64_t
hash_of(const struct strmap *m, const char *key, size_t len)
{
	return finish(strmap_poly(m->base, 0, key, len), len);
}

static struct slot *
find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1;

	for (size_t i = (size_t)h & mask; ; i = (i + 1) & mask) {
		struct slot *s = &m->slots[i];
		if (s->off == EMPTY)
			return s;
		if (s->hash == h && s->len == len &&
		    memcmp(m->arena + s->off, key, len) == 0)
			return s;
	}
}

static int
grow(struct strmap *m)
{
	size_t ocap = m->cap;
	struct slot *old = m->slots, *ns = new_slots(ocap * 2);
	uint8_t *nf = calloc(ocap * 2, 1);

	if (ns == NULL || nf == NULL) {
		free(ns);
		free(nf);
		return -1;
	}
	free(m->filter);
	m->filter = nf;
	m->slots = ns;
	m->cap = ocap * 2;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i].off == EMPTY)
			continue;
		size_t mask = m->cap - 1, j = (size_t)old[i].hash & mask;
		/* new_slots() set every off: the analyser loses track. */
		/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
		while (m->slots[j].off != EMPTY)
			j = (j + 1) & mask;
		m->slots[j] = old[i];
		filter_set(m, old[i].hash);
	}
	free(old);
	return 0;
}

int
strmap_add(struct strmap *m, const char *key, size_t len, uint32_t value)
{
	/* Keep the load under three quarters so probes stay short. */
	if ((m->count + 1) * 4 > m->cap * 3 && grow(m) != 0)
		return -1;
	uint64_t h = hash_of(m, key, len);
	struct slot *s = find(m, key, len, h);
	if (s->off != EMPTY)
		return 0;
	if (len >= UINT32_MAX / 2 || m->used + len + 1 >= EMPTY)
		return -1;
	if (m->used + len + 1 > m->acap) {
		size_t ncap = m->acap == 0 ? 4096 : m->acap * 2;
		while (ncap < m->used + len + 1)
			ncap *= 2;
		char *na = realloc(m->arena, ncap);
		if (na == NULL)
			return -1;
		m->arena = na;
		m->acap = ncap;
	}
	memcpy(m->arena + m->used, key, len);
	m->arena[m->used + len] = '\0';
	s->off = (uint32_t)m->used;
	s->len = (uint32_t)len;
	s->hash = h;
	s->value = value;
	filter_set(m, h);
	m->used += len + 1;
	m->count++;
	return 1;
}

bool
strmap_get(const struct strmap *m, const char *key, size_t len,
    uint32_t *value)
{
	uint64_t h = hash_of(m, key, len);

	if (!filter_has(m, h))
		return false;
	struct slot *s = find(m, key, len, h);
	if (s->off == EMPTY)
		return false;
	*value = s->value;
	return true;
}

bool
strmap_set(struct strmap *m, const char *key, size_t len, uint32_t value)
{
	struct slot *s = find(m, key, len, hash_of(m, key, len));

	if (s->off == EMPTY)
		return false;
	s->value = value;
	return true;
}

bool
strmap_get_hashed(const struct strmap *m, uint64_t poly, size_t len,
    uint32_t *value)
{
	uint64_t h = finish(poly, len);
	size_t mask = m->cap - 1;

	if (!filter_has(m, h))
		return false;
	for (size_t i = (size_t)h & mask; ; i = (i + 1) & mask) {
		const struct slot *s = &m->slots[i];
		if (s->off == EMPTY)
			return false;
		if (s->hash == h && s->len == len) {
			*value = s->value;
			return true;
		}
	}
}

size_t
strmap_count(const struct strmap *m)
{
	return m->count;
}

size_t
strmap_memory(const struct strmap *m)
{
	return m->cap * (sizeof(struct slot) + 1) + m->acap;
}

void
strmap_each(const struct strmap *m,
    void (*fn)(void *, const char *, size_t, uint32_t), void *ctx)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].off != EMPTY)
			fn(ctx, m->arena + m->slots[i].off, m->slots[i].len,
			    m->slots[i].value);
}
