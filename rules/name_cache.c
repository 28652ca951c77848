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
 *
 * A slot is eight bytes: 62 bits of the name's keyed hash and the verdict
 * (16,384 names in 128 KiB, small enough to stay in cache between
 * lookups, where keeping the names themselves took 64 bytes a slot).  Two
 * names whose tags agree share a verdict; with the hash keyed by a secret
 * nobody can make that happen, and by chance it happens about once in
 * 2^48 lookups (the slot index takes 14 of the 62 bits).  A typo's
 * verdict is kept for the screen (name_cache_verdict()); whoever needs
 * its details gets them from the model.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include "../decoders/siphash.h"
#include "name_cache.h"

/* The low two bits of a slot hold the verdict; 0 is an empty slot. */
#define VERDICT_BITS	3ULL

struct name_cache {
	uint8_t		key[16];
	uint64_t	slots[NAME_CACHE_SLOTS];
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

/* The slot of a name, and its tag (0: not to be kept). */
static uint64_t *
slot_of(struct name_cache *c, const char *name, size_t len, uint64_t *tag)
{
	uint64_t h = siphash13(name, len, c->key);

	*tag = h & ~VERDICT_BITS;
	return &c->slots[(h >> 48) & (NAME_CACHE_SLOTS - 1)];
}

enum typo_result
name_cache_match(struct name_cache *c, const struct typo_model *model,
    const char *name, size_t len, struct typo_match *m)
{
	uint64_t tag;

	if (c == NULL)
		return typo_match(model, name, len, m);
	uint64_t *s = slot_of(c, name, len, &tag);
	if (tag != 0 && (*s & ~VERDICT_BITS) == tag &&
	    (*s & VERDICT_BITS) != TYPO_MATCH)
		return (enum typo_result)(*s & VERDICT_BITS);

	enum typo_result r = typo_match(model, name, len, m);
	if (tag != 0)
		*s = tag | (uint64_t)r;
	return r;
}

enum typo_result
name_cache_verdict(struct name_cache *c, const struct typo_model *model,
    const char *name, size_t len)
{
	struct typo_match m;
	uint64_t tag;

	if (c == NULL)
		return typo_match(model, name, len, &m);
	uint64_t *s = slot_of(c, name, len, &tag);
	if (tag != 0 && (*s & ~VERDICT_BITS) == tag)
		return (enum typo_result)(*s & VERDICT_BITS);

	enum typo_result r = typo_match(model, name, len, &m);
	if (tag != 0)
		*s = tag | (uint64_t)r;
	return r;
}
