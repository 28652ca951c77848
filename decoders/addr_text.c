/*
 * addr_text.c — IP addresses in text, as inet_ntop() writes them.
 *
 * IPv6 follows glibc's inet_ntop6() (after BIND's): groups in lower-case
 * hex without leading zeros; the first longest run of two or more zero
 * groups becomes "::"; an address whose first 80 bits are zero and whose
 * next 16 are all zeros or all ones ends in dotted IPv4 ("::1.2.3.4",
 * "::ffff:1.2.3.4").  test_addr_text checks it against inet_ntop().
 */
#include <sys/socket.h>

#include "addr_text.h"

static const char hex[] = "0123456789abcdef";

/* A byte in decimal; returns the digits written. */
static size_t
put_dec(char *out, unsigned v)
{
	size_t n = 0;

	if (v >= 100)
		out[n++] = (char)('0' + v / 100);
	if (v >= 10)
		out[n++] = (char)('0' + v / 10 % 10);
	out[n++] = (char)('0' + v % 10);
	return n;
}

static size_t
put_ipv4(char *out, const uint8_t *b)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		if (i > 0)
			out[n++] = '.';
		n += put_dec(out + n, b[i]);
	}
	out[n] = '\0';
	return n;
}

/* A 16-bit group in hex, no leading zeros. */
static size_t
put_group(char *out, unsigned w)
{
	size_t n = 0;

	for (int shift = 12; shift >= 0; shift -= 4)
		if ((w >> shift) != 0 || shift == 0)
			out[n++] = hex[(w >> shift) & 0xf];
	return n;
}

static size_t
put_ipv6(char *out, const uint8_t *b)
{
	unsigned words[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;
	size_t n = 0;

	for (int i = 0; i < 8; i++)
		words[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
	/* The first longest run of zero groups. */
	for (int i = 0; i < 8; i++) {
		if (words[i] == 0) {
			if (cur < 0) {
				cur = i;
				cur_len = 0;
			}
			cur_len++;
			if (cur_len > best_len) {
				best = cur;
				best_len = cur_len;
			}
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				out[n++] = ':';
			continue;
		}
		if (i != 0)
			out[n++] = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && words[5] == 0xffff)))
			return n + put_ipv4(out + n, b + 12);
		n += put_group(out + n, words[i]);
	}
	if (best >= 0 && best + best_len == 8)
		out[n++] = ':';
	out[n] = '\0';
	return n;
}

size_t
addr_text(int family, const uint8_t *bytes, char *out)
{
	if (family == AF_INET)
		return put_ipv4(out, bytes);
	if (family == AF_INET6)
		return put_ipv6(out, bytes);
	out[0] = '\0';
	return 0;
}
