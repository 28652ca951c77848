/*
 * siphash.c — SipHash-2-4, after the reference implementation
 * (https://github.com/veorq/SipHash, CC0).
 */
#include <string.h>

#include "siphash.h"

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

static inline uint64_t
load64le(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));	/* one load, not eight */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/*
 * SipHash-c-d: c compression rounds a word, d finalisation rounds.
 * Inlined into each variant so that the round loops are unrolled.
 */
static inline __attribute__((always_inline)) uint64_t
siphash(const void *data, size_t len, const uint8_t key[16], int c, int d)
{
	const uint8_t *in = data;
	uint64_t k0 = load64le(key), k1 = load64le(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)len << 56;
	size_t i, whole = len - len % 8;

	for (i = 0; i < whole; i += 8) {
		uint64_t m = load64le(in + i);
		v3 ^= m;
		for (int r = 0; r < c; r++)
			SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= b;
	for (int r = 0; r < c; r++)
		SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	for (int r = 0; r < d; r++)
		SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
siphash24(const void *data, size_t len, const uint8_t key[16])
{
	return siphash(data, len, key, 2, 4);
}

uint64_t
siphash13(const void *data, size_t len, const uint8_t key[16])
{
	return siphash(data, len, key, 1, 3);
}
