/*
 * name_cache.c — the typo model's recent verdicts on names that are not
 * typos (see name_cache.h).
 *
 * Mail goes to a few domains: the MX of gmail.com is asked for again and
 * again, and its response names it once more.  typo_match() normalises,
 * folds lookalikes and probes the deletion neighbourhood of every label;
 * a verdict kept here costs one keyed hash and a compare instead.  The
 * table is direct-mapped and fixed in size: a new name takes the slot of
 * the one before it, so the cache never grows and never needs sweeping.
 * The hash is keyed with a secret, so crafted names cannot all land in
 * one slot (they could at worst make every lookup a miss, which costs what
 * no cache costs).  TYPO_MATCH is never kept: its details are needed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include "../decoders/siphash.h"
#include "name_cache.h"

struct slot {
	uint64_t	tag;		/* the name's hash, 0 when empty */
	uint8_t		len;
	uint8_t		verdict;	/* enum typo_result */
	char		name[NAME_CACHE_NAME_MAX];
};

struct name_cache {
	uint8_t		key[16];
	struct slot	slots[NAME_CACHE_SLOTS];
};

struct name_cache *
name_cache_new(void)
{
	struct name_cache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	for (size_t got = 0; got < sizeof(c->key); ) {
		ssize_t r = getrandom(c->key + got, sizeof(c->key) - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return c;
}

void
name_cache_free(struct name_cache *c)
{
	free(c);
}

void
name_cache_clear(struct name_cache *c)
{
	if (c != NULL)
		memset(c->slots, 0, sizeof(c->slots));
}

enum typo_result
name_cache_match(struct name_cache *c, const struct typo_model *model,
    const char *name, size_t len, struct typo_match *m)
{
	if (c == NULL || len > NAME_CACHE_NAME_MAX)
		return typo_match(model, name, len, m);

	uint64_t h = siphash13(name, len, c->key);
	uint64_t tag = h | 1;
	struct slot *s = &c->slots[(h >> 32) & (NAME_CACHE_SLOTS - 1)];
	if (s->tag == tag && s->len == len && memcmp(s->name, name, len) == 0)
		return (enum typo_result)s->verdict;

	enum typo_result r = typo_match(model, name, len, m);
	if (r != TYPO_MATCH) {
		s->tag = tag;
		s->len = (uint8_t)len;
		s->verdict = (uint8_t)r;
		memcpy(s->name, name, len);
	}
	return r;
}
