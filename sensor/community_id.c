/*
 * community_id.c — Community ID v1.
 *
 * The spec: SHA-1 over the seed (2 bytes, network order), the source and
 * destination addresses, the protocol, one byte of padding and the two
 * ports, with the endpoints ordered so that the smaller address (or, for
 * equal addresses, the smaller port) comes first; the digest in base64
 * behind the version, "1:".  SHA-1 is ldns's (linked already).
 */
#include <netinet/in.h>
#include <string.h>

#include <ldns/sha1.h>

#include "community_id.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 with '=' padding of n bytes into out; returns length. */
static size_t
base64(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0, i = 0;

	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = b64[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = '=';
	}
	return o;
}

size_t
community_id(uint16_t seed, const struct ip_addr *a, uint16_t pa,
    const struct ip_addr *b, uint16_t pb, uint8_t proto, char *out)
{
	uint8_t buf[2 + 16 + 16 + 2 + 2 + 2];
	uint8_t digest[LDNS_SHA1_DIGEST_LENGTH];
	size_t alen = a->family == AF_INET ? 4 : 16, o = 0;

	int c = memcmp(a->bytes, b->bytes, alen);
	if (c > 0 || (c == 0 && pa > pb)) {
		const struct ip_addr *t = a;
		a = b;
		b = t;
		uint16_t tp = pa;
		pa = pb;
		pb = tp;
	}
	buf[o++] = (uint8_t)(seed >> 8);
	buf[o++] = (uint8_t)seed;
	memcpy(buf + o, a->bytes, alen);
	o += alen;
	memcpy(buf + o, b->bytes, alen);
	o += alen;
	buf[o++] = proto;
	buf[o++] = 0;
	buf[o++] = (uint8_t)(pa >> 8);
	buf[o++] = (uint8_t)pa;
	buf[o++] = (uint8_t)(pb >> 8);
	buf[o++] = (uint8_t)pb;
	ldns_sha1(buf, (unsigned)o, digest);
	memcpy(out, "1:", 2);
	size_t n = 2 + base64(digest, sizeof(digest), out + 2);
	out[n] = '\0';
	return n;
}
