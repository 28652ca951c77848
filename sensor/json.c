/*
 * json.c — JSON writer with full escaping (RFC 8259 section 7).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int
json_init(struct json *j, size_t cap)
{
	memset(j, 0, sizeof(*j));
	/* At least the terminating NUL must fit: we write it below. */
	if (cap == 0 || (j->buf = malloc(cap)) == NULL)
		return -1;
	j->cap = cap;
	j->buf[0] = '\0';
	return 0;
}

void
json_free(struct json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

void
json_reset(struct json *j)
{
	j->len = 0;
	j->overflow = false;
	j->depth = 0;
	j->need_comma[0] = false;
	if (j->cap > 0)
		j->buf[0] = '\0';
}

/* Keys up to this long are written in one piece. */
#define JSON_KEY_FAST	32

static void
put(struct json *j, const char *s, size_t n)
{
	if (j->overflow || j->cap - j->len <= n) {
		j->overflow = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void
putc_(struct json *j, char c)
{
	put(j, &c, 1);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, and beyond U+10FFFF are invalid. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Printable ASCII other than '"' and '\\': written as it is. */
static bool
plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/*
 * Whether the eight bytes of x are all plain, with word operations (the
 * "has a byte less than n" family of bit tricks; exact for "any byte").
 */
static bool
plain_word(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x80 * ones;
	uint64_t q = x ^ ('"' * ones), b = x ^ ('\\' * ones);
	uint64_t bad = ((x - 0x20 * ones) & ~x) |	/* below 0x20 */
	    (x + ones) | x |				/* 0x7f and above */
	    ((q - ones) & ~q) | ((b - ones) & ~b);	/* '"', '\\' */

	return (bad & high) == 0;
}

/* How many bytes from s[i] on, up to n, need no escape. */
static inline __attribute__((always_inline)) size_t
plain_run(const unsigned char *s, size_t i, size_t n)
{
	size_t run = i;

	for (uint64_t x; run + 8 <= n; run += 8) {
		memcpy(&x, s + run, 8);
		if (!plain_word(x))
			break;
	}
	while (run < n && plain_byte(s[run]))
		run++;
	return run - i;
}

/*
 * Writes the n bytes of s between quotes in one go; false when s needs an
 * escape (nothing is written then).  No room: overflow is set.
 */
static bool
put_plain(struct json *j, const char *s, size_t n)
{
	if (plain_run((const unsigned char *)s, 0, n) != n)
		return false;
	if (j->overflow || j->cap - j->len <= n + 2) {
		j->overflow = true;
		return true;
	}
	char *p = j->buf + j->len;
	*p++ = '"';
	memcpy(p, s, n);
	p += n;
	*p++ = '"';
	*p = '\0';
	j->len = (size_t)(p - j->buf);
	return true;
}

static void
put_escaped(struct json *j, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char esc[8];

	/* Most strings need no escape: one copy. */
	if (put_plain(j, str, n))
		return;
	putc_(j, '"');
	for (size_t i = 0; i < n; ) {
		/* A run of printable ASCII that needs no escape, at once. */
		size_t run = i + plain_run(s, i, n);
		if (run > i) {
			put(j, str + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(j, esc, 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': put(j, "\\n", 2); break;
			case '\r': put(j, "\\r", 2); break;
			case '\t': put(j, "\\t", 2); break;
			default:
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				put(j, esc, 6);
			}
			i++;
		} else {
			size_t len = utf8_seq(s + i, n - i);
			if (len == 0) {
				put(j, "\\ufffd", 6);
				i++;
			} else {
				put(j, (const char *)s + i, len);
				i += len;
			}
		}
	}
	putc_(j, '"');
}

static void
member(struct json *j, const char *key)
{
	bool comma = j->need_comma[j->depth];
	char pre[1 + 1 + JSON_KEY_FAST + 2];
	size_t n;

	j->need_comma[j->depth] = true;
	if (key == NULL) {
		if (comma)
			putc_(j, ',');
		return;
	}
	/* A short key that needs no escape (ours all): ,"key": at once. */
	n = strlen(key);
	if (n <= JSON_KEY_FAST &&
	    plain_run((const unsigned char *)key, 0, n) == n) {
		size_t o = 0;
		if (comma)
			pre[o++] = ',';
		pre[o++] = '"';
		memcpy(pre + o, key, n);
		o += n;
		pre[o++] = '"';
		pre[o++] = ':';
		put(j, pre, o);
		return;
	}
	if (comma)
		putc_(j, ',');
	put_escaped(j, key, n);
	putc_(j, ':');
}

static void
open_(struct json *j, const char *key, char c)
{
	member(j, key);
	putc_(j, c);
	if (j->depth + 1 >= JSON_MAX_DEPTH) {
		j->overflow = true;
		return;
	}
	j->need_comma[++j->depth] = false;
}

static void
close_(struct json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	putc_(j, c);
}

void
json_open_object(struct json *j, const char *key)
{
	open_(j, key, '{');
}

void
json_close_object(struct json *j)
{
	close_(j, '}');
}

void
json_open_array(struct json *j, const char *key)
{
	open_(j, key, '[');
}

void
json_close_array(struct json *j)
{
	close_(j, ']');
}

void
json_string_n(struct json *j, const char *key, const char *s, size_t n)
{
	member(j, key);
	put_escaped(j, s, n);
}

void
json_string(struct json *j, const char *key, const char *s)
{
	json_string_n(j, key, s, strlen(s));
}

void
json_uint(struct json *j, const char *key, uint64_t v)
{
	char num[24];
	size_t at = sizeof(num);

	/* Digits from the right: several numbers a record, no printf. */
	do {
		num[--at] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	member(j, key);
	put(j, num + at, sizeof(num) - at);
}

void
json_int(struct json *j, const char *key, int64_t v)
{
	char num[24];
	size_t at = sizeof(num);
	/* The magnitude, INT64_MIN's included, as unsigned. */
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		num[--at] = (char)('0' + m % 10);
		m /= 10;
	} while (m != 0);
	if (v < 0)
		num[--at] = '-';
	member(j, key);
	put(j, num + at, sizeof(num) - at);
}

void
json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void
json_raw(struct json *j, const char *key, const char *text)
{
	member(j, key);
	put(j, text, strlen(text));
}
