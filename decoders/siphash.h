/*
 * siphash.h — SipHash-2-4 (Aumasson and Bernstein), a keyed hash.
 *
 * Tables whose keys can be chosen by whoever sends us packets hash with a
 * secret random key, so that nobody can aim many keys at one bucket.
 */
#ifndef TS_SIPHASH_H
#define TS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash24(const void *data, size_t len, const uint8_t key[16]);

/*
 * SipHash-1-3: one compression and three finalisation rounds, the variant
 * Rust's and Python's hash tables use; still keyed, about twice as fast on
 * the short names of the typo tables.
 */
uint64_t siphash13(const void *data, size_t len, const uint8_t key[16]);

#endif
