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

#endif
