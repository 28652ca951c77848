/*
 * strmap.c — open-addressing string map (see strmap.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../decoders/siphash.h"
#include "strmap.h"

struct slot {
	char		*key;		/* NULL: empty */
	size_t		 len;
	uint64_t	 hash;
	uint32_t	 value;
};

struct strmap {
	struct slot	*slots;
	size_t		 cap;		/* a power of two */
	size_t		 count;
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

struct strmap *
strmap_new(void)
{
	struct strmap *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->cap = 64;
	m->slots = calloc(m->cap, sizeof(*m->slots));
	if (m->slots == NULL) {
		free(m);
		return NULL;
	}
	random_seed(m->seed);
	return m;
}

void
strmap_free(struct strmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

static struct slot *
find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1;

	for (size_t i = (size_t)h & mask; ; i = (i + 1) & mask) {
		struct slot *s = &m->slots[i];
		if (s->key == NULL)
			return s;
		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
	}
}

static int
grow(struct strmap *m)
{
	size_t ncap = m->cap * 2;
	struct slot *old = m->slots, *ns = calloc(ncap, sizeof(*ns));

	if (ns == NULL)
		return -1;
	size_t ocap = m->cap;
	m->slots = ns;
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i].key == NULL)
			continue;
		*find(m, old[i].key, old[i].len, old[i].hash) = old[i];
	}
	free(old);
	return 0;
}

int
strmap_add(struct strmap *m, const char *key, size_t len, uint32_t value)
{
	/* Keep the load under one half so probes stay short. */
	if ((m->count + 1) * 2 > m->cap && grow(m) != 0)
		return -1;
	uint64_t h = siphash24(key, len, m->seed);
	struct slot *s = find(m, key, len, h);
	if (s->key != NULL)
		return 0;
	s->key = malloc(len + 1);
	if (s->key == NULL)
		return -1;
	memcpy(s->key, key, len);
	s->key[len] = '\0';
	s->len = len;
	s->hash = h;
	s->value = value;
	m->count++;
	return 1;
}

bool
strmap_get(const struct strmap *m, const char *key, size_t len,
    uint32_t *value)
{
	struct slot *s = find(m, key, len, siphash24(key, len, m->seed));

	if (s->key == NULL)
		return false;
	*value = s->value;
	return true;
}

size_t
strmap_count(const struct strmap *m)
{
	return m->count;
}
