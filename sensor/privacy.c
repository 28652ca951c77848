/*
 * privacy.c — masking and keyed hashing of address local parts.
 *
 * The strings come from the wire and are only copied here, byte for byte
 * apart from the local part; escaping is the JSON writer's and the syslog
 * line's job.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../decoders/siphash.h"
#include "privacy.h"

void
privacy_init(struct privacy *p, enum privacy_mode mode, const char *key)
{
	static const uint8_t k0[16] = { 0 };
	static const uint8_t k1[16] = { 1 };

	memset(p, 0, sizeof(*p));
	p->mode = mode;
	if (mode != PRIVACY_HASH || key == NULL)
		return;
	/* 128 bits of key from the configured string, any length. */
	uint64_t a = siphash24(key, strlen(key), k0);
	uint64_t b = siphash24(key, strlen(key), k1);
	memcpy(p->key, &a, 8);
	memcpy(p->key + 8, &b, 8);
}

/* Appends n bytes of s to out at *o, never past outlen - 1. */
static void
put(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
	if (*o + 1 >= outlen)
		return;
	if (n > outlen - 1 - *o)
		n = outlen - 1 - *o;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
}

/* The replacement for the local part local[0..n). */
static void
put_local(const struct privacy *p, char *out, size_t outlen, size_t *o,
    const char *local, size_t n)
{
	if (p->mode == PRIVACY_MASK) {
		/* The first character that is not a quote, then ***. */
		size_t i = 0;
		while (i < n && local[i] == '"')
			i++;
		if (i < n)
			put(out, outlen, o, local + i, 1);
		put(out, outlen, o, "***", 3);
		return;
	}
	/* Lower case, so that John and john are one sender. */
	char low[512];
	size_t m = n < sizeof(low) ? n : sizeof(low);
	for (size_t i = 0; i < m; i++)
		low[i] = local[i] >= 'A' && local[i] <= 'Z' ?
		    (char)(local[i] - 'A' + 'a') : local[i];
	char hex[17];
	snprintf(hex, sizeof(hex), "%016llx",
	    (unsigned long long)siphash24(low, m, p->key));
	put(out, outlen, o, hex, 16);
}

/*
 * The local part of the address in s[0..n): where it starts (after "<"
 * and a source route "@a,@b:") and ends (the last '@', which is the
 * domain's: a quoted local part may hold '@' but a domain may not).
 * Returns false when there is none.
 */
static bool
local_part(const char *s, size_t n, size_t *start, size_t *end)
{
	size_t b = 0, at = n;

	while (b < n && (s[b] == '<' || s[b] == ' '))
		b++;
	if (b < n && s[b] == '@') {
		/* RFC 5321 section 4.1.2: A-d-l ":" before the mailbox. */
		const char *colon = memchr(s + b, ':', n - b);
		if (colon == NULL)
			return false;
		b = (size_t)(colon - s) + 1;
	}
	for (size_t i = n; i > b; i--)
		if (s[i - 1] == '@') {
			at = i - 1;
			break;
		}
	if (at == n || at == b)
		return false;
	*start = b;
	*end = at;
	return true;
}

const char *
privacy_address(const struct privacy *p, const char *addr, char *out,
    size_t outlen)
{
	size_t len = strlen(addr), b, e, o = 0;

	if (p->mode == PRIVACY_KEEP || outlen == 0)
		return addr;
	/* Up to the closing bracket: ESMTP parameters (removed by the SMTP
	 * decoder, but this does not rely on it) may hold '@'. */
	const char *gt = memchr(addr, '>', len);
	size_t n = gt != NULL ? (size_t)(gt - addr) : len;
	if (!local_part(addr, n, &b, &e))
		return addr;
	out[0] = '\0';
	put(out, outlen, &o, addr, b);
	put_local(p, out, outlen, &o, addr + b, e - b);
	put(out, outlen, &o, addr + e, len - e);
	return out;
}

/* Characters of a dot-atom local part (RFC 5322 atext and '.'). */
static bool
atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr(".!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

const char *
privacy_text(const struct privacy *p, const char *text, char *out,
    size_t outlen)
{
	size_t len = strlen(text), o = 0, copied = 0;
	bool any = false;

	if (p->mode == PRIVACY_KEEP || outlen == 0)
		return text;
	out[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '@' || i == 0 || !atext(text[i - 1]) ||
		    i + 1 >= len || text[i + 1] == ' ')
			continue;
		size_t b = i;
		while (b > copied && atext(text[b - 1]))
			b--;
		put(out, outlen, &o, text + copied, b - copied);
		put_local(p, out, outlen, &o, text + b, i - b);
		copied = i;
		any = true;
	}
	if (!any)
		return text;
	put(out, outlen, &o, text + copied, len - copied);
	return out;
}
