/*
 * strmap.h — a map from byte strings to 32-bit values, built once at
 * configuration time and then only read.
 *
 * Open addressing with linear probing, hashed under a key chosen at random
 * when the map is made (see strmap.c for why not SipHash).  Keys are copied into the map's arena;
 * the pointers strmap_each() passes stay valid until the next strmap_add().
 */
#ifndef TS_STRMAP_H
#define TS_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap;

struct strmap *strmap_new(void);
void strmap_free(struct strmap *m);

/*
 * Adds key → value unless key is present.  Returns 1 when added, 0 when the
 * key was already there (the first value stays), -1 when out of memory.
 */
int strmap_add(struct strmap *m, const char *key, size_t len, uint32_t value);

/* Looks key up; true and *value set when found. */
bool strmap_get(const struct strmap *m, const char *key, size_t len,
    uint32_t *value);

/*
 * The map's polynomial hash, for callers that hash variants of one string
 * cheaply: strmap_poly(base, acc, data, len) extends the hash acc of a
 * prefix by len more bytes (acc 0 for the empty string); the hash of a
 * concatenation a+b is poly(a) * base^len(b) + poly(b).
 */
uint64_t strmap_base(const struct strmap *m);
uint64_t strmap_poly(uint64_t base, uint64_t acc, const void *data,
    size_t len);

/*
 * Looks up by a key's polynomial hash and length alone, without comparing
 * the bytes: a hit is a candidate that the caller must check (a 64-bit
 * collision is possible in principle).
 */
bool strmap_get_hashed(const struct strmap *m, uint64_t poly, size_t len,
    uint32_t *value);

/* Replaces the value of a present key; false when the key is absent. */
bool strmap_set(struct strmap *m, const char *key, size_t len,
    uint32_t value);

size_t strmap_count(const struct strmap *m);

/* Bytes the map holds (slots and keys). */
size_t strmap_memory(const struct strmap *m);

/* Calls fn for every entry, in no particular order. */
void strmap_each(const struct strmap *m,
    void (*fn)(void *ctx, const char *key, size_t len, uint32_t value),
    void *ctx);

#endif
