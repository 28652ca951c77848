/*
 * topn.h — the most frequent strings of a stream, in bounded memory.
 *
 * The Space-Saving algorithm (Metwally, Agrawal, El Abbadi, 2005): at most
 * `cap` strings are counted; when a new one arrives with the table full,
 * it takes the place of the one with the smallest count, and inherits that
 * count as its possible overestimate (`err`).  Every string seen more
 * than total/cap times is in the table, and a count minus its err is a
 * guaranteed lower bound: the report prints "≈" where err is not 0.
 * Memory: cap entries of TOPN_KEY_MAX bytes, allocated once.
 */
#ifndef TS_TOPN_H
#define TS_TOPN_H

#include <stddef.h>
#include <stdint.h>

#define TOPN_KEY_MAX	128	/* longer keys are cut (on a character) */

struct topn_entry {
	char		 key[TOPN_KEY_MAX];
	uint64_t	 count;
	uint64_t	 err;		/* count may exceed the truth by this */
	uint32_t	 heap;		/* position in the heap */
};

struct topn {
	struct topn_entry *e;		/* cap entries */
	uint32_t	*heap;		/* min-heap of entries by count */
	uint32_t	*slot;		/* hash table: entry + 1, 0 empty */
	uint32_t	 cap, n, nslots;
	uint64_t	 total;		/* every add, counted or not */
	uint64_t	 evictions;
};

/* Returns 0, or -1 when out of memory. */
int topn_init(struct topn *t, uint32_t cap);
void topn_free(struct topn *t);

/* Counts one occurrence of key (cut to TOPN_KEY_MAX - 1 bytes). */
void topn_add(struct topn *t, const char *key);

/*
 * The k largest counts, largest first, into out (k pointers into the
 * table, valid until the next add).  Returns how many there are.
 */
uint32_t topn_top(const struct topn *t, const struct topn_entry **out,
    uint32_t k);

#endif
