/*
 * eve_reader.c — a strict JSON tokeniser for EVE lines, and lookups.
 *
 * One pass over the line through the bounds-checked cursor, with an
 * explicit stack of the containers still open (EVE_MAX_DEPTH): each token
 * is appended when its value starts, and a container's `next` is filled in
 * when it closes.  Strings are checked (escapes, no raw control bytes) but
 * not copied; eve_string() unescapes on demand into the caller's buffer.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../decoders/cursor.h"
#include "eve_reader.h"

/* What the parser expects next. */
enum want {
	W_VALUE,		/* a value (after ':' or '[' or ',') */
	W_VALUE_OR_CLOSE,	/* a value or ']' (just after '[') */
	W_KEY,			/* a key (after ',' in an object) */
	W_KEY_OR_CLOSE,		/* a key or '}' (just after '{') */
	W_COLON,
	W_COMMA_OR_CLOSE,
	W_END,			/* the top-level value is complete */
};

static int
fail(struct eve_doc *d, const struct cursor *c, const char *what)
{
	d->err_at = (size_t)(c->p - (const uint8_t *)d->text);
	snprintf(d->err, sizeof(d->err), "%s", what);
	return -1;
}

static void
skip_space(struct cursor *c)
{
	while (cur_left(c) > 0) {
		uint8_t b = cur_peek(c, 0);
		if (b != ' ' && b != '\t' && b != '\r' && b != '\n')
			return;
		cur_skip(c, 1);
	}
}

static bool
is_hex(uint8_t b)
{
	return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') ||
	    (b >= 'A' && b <= 'F');
}

/* A string after its opening quote; t gets its extent. */
static int
scan_string(struct eve_doc *d, struct cursor *c, struct eve_tok *t)
{
	const uint8_t *start = c->p;

	t->type = EVE_STRING;
	t->escaped = false;
	for (;;) {
		if (cur_left(c) == 0)
			return fail(d, c, "unterminated string");
		uint8_t b = cur_peek(c, 0);
		if (b == '"')
			break;
		if (b < 0x20)
			return fail(d, c, "control character in a string");
		if (b != '\\') {
			cur_skip(c, 1);
			continue;
		}
		t->escaped = true;
		if (cur_left(c) < 2)
			return fail(d, c, "unterminated escape");
		uint8_t e = cur_peek(c, 1);
		if (e == 'u') {
			if (cur_left(c) < 6 || !is_hex(cur_peek(c, 2)) ||
			    !is_hex(cur_peek(c, 3)) || !is_hex(cur_peek(c, 4)) ||
			    !is_hex(cur_peek(c, 5)))
				return fail(d, c, "bad \\u escape");
			cur_skip(c, 6);
		} else if (strchr("\"\\/bfnrt", e) != NULL && e != '\0') {
			cur_skip(c, 2);
		} else {
			return fail(d, c, "bad escape");
		}
	}
	t->start = (uint32_t)(start - (const uint8_t *)d->text);
	t->len = (uint32_t)(c->p - start);
	cur_skip(c, 1);		/* the closing quote */
	return 0;
}

static size_t
digits(struct cursor *c)
{
	size_t n = 0;

	while (cur_left(c) > 0 && cur_peek(c, 0) >= '0' &&
	    cur_peek(c, 0) <= '9') {
		cur_skip(c, 1);
		n++;
	}
	return n;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
scan_number(struct eve_doc *d, struct cursor *c, struct eve_tok *t)
{
	const uint8_t *start = c->p;

	t->type = EVE_NUMBER;
	if (cur_peek(c, 0) == '-')
		cur_skip(c, 1);
	if (cur_left(c) > 0 && cur_peek(c, 0) == '0')
		cur_skip(c, 1);
	else if (digits(c) == 0)
		return fail(d, c, "bad number");
	if (cur_left(c) > 0 && cur_peek(c, 0) == '.') {
		cur_skip(c, 1);
		if (digits(c) == 0)
			return fail(d, c, "bad number");
	}
	if (cur_left(c) > 0 && (cur_peek(c, 0) == 'e' || cur_peek(c, 0) == 'E')) {
		cur_skip(c, 1);
		if (cur_left(c) > 0 && (cur_peek(c, 0) == '+' ||
		    cur_peek(c, 0) == '-'))
			cur_skip(c, 1);
		if (digits(c) == 0)
			return fail(d, c, "bad number");
	}
	t->start = (uint32_t)(start - (const uint8_t *)d->text);
	t->len = (uint32_t)(c->p - start);
	return 0;
}

static int
scan_literal(struct eve_doc *d, struct cursor *c, struct eve_tok *t)
{
	static const struct {
		const char	*word;
		uint8_t		 type;
	} lits[] = {
		{ "true", EVE_TRUE }, { "false", EVE_FALSE }, { "null", EVE_NULL },
	};

	for (size_t i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		size_t n = strlen(lits[i].word);
		if (cur_left(c) >= n && memcmp(c->p, lits[i].word, n) == 0) {
			t->type = lits[i].type;
			t->start = (uint32_t)(c->p - (const uint8_t *)d->text);
			t->len = (uint32_t)n;
			cur_skip(c, n);
			return 0;
		}
	}
	return fail(d, c, "unexpected character");
}

int
eve_parse(struct eve_doc *d, const char *text, size_t len)
{
	uint32_t stack[EVE_MAX_DEPTH];
	int depth = 0;
	enum want want = W_VALUE;
	struct cursor c = cur_init((const uint8_t *)text, len);

	d->text = text;
	d->len = len;
	d->ntok = 0;
	d->err[0] = '\0';
	d->err_at = 0;
	if (len > UINT32_MAX)
		return fail(d, &c, "line too long");
	for (;;) {
		skip_space(&c);
		if (cur_left(&c) == 0) {
			if (want == W_END)
				return 0;
			return fail(d, &c, d->ntok == 0 ? "empty line" :
			    "unexpected end of line");
		}
		uint8_t b = cur_peek(&c, 0);
		if (want == W_END)
			return fail(d, &c, "text after the record");
		if (want == W_COLON) {
			if (b != ':')
				return fail(d, &c, "':' expected");
			cur_skip(&c, 1);
			want = W_VALUE;
			continue;
		}
		if (want == W_COMMA_OR_CLOSE || ((want == W_KEY_OR_CLOSE ||
		    want == W_VALUE_OR_CLOSE) && (b == '}' || b == ']'))) {
			struct eve_tok *top = &d->tok[stack[depth - 1]];
			uint8_t close = top->type == EVE_OBJECT ? '}' : ']';
			if (b == ',') {
				if (want != W_COMMA_OR_CLOSE)
					return fail(d, &c, "value expected");
				cur_skip(&c, 1);
				want = top->type == EVE_OBJECT ? W_KEY : W_VALUE;
				continue;
			}
			if (b != close)
				return fail(d, &c, top->type == EVE_OBJECT ?
				    "',' or '}' expected" : "',' or ']' expected");
			cur_skip(&c, 1);
			top->next = d->ntok;
			top->len = (uint32_t)(c.p - (const uint8_t *)text) -
			    top->start;
			depth--;
			want = depth == 0 ? W_END : W_COMMA_OR_CLOSE;
			continue;
		}
		/* A key or a value starts: it takes a token. */
		if (d->ntok == EVE_MAX_TOKENS)
			return fail(d, &c, "too many values in the record");
		uint32_t at = d->ntok;
		struct eve_tok *t = &d->tok[at];
		memset(t, 0, sizeof(*t));
		if (want == W_KEY || want == W_KEY_OR_CLOSE) {
			if (b != '"')
				return fail(d, &c, "key expected");
			cur_skip(&c, 1);
			if (scan_string(d, &c, t) != 0)
				return -1;
			t->next = ++d->ntok;
			d->tok[stack[depth - 1]].n++;
			want = W_COLON;
			continue;
		}
		if (depth == 0 && b != '{')
			return fail(d, &c, "not a JSON object");
		if (depth > 0 && d->tok[stack[depth - 1]].type == EVE_ARRAY)
			d->tok[stack[depth - 1]].n++;
		if (b == '{' || b == '[') {
			if (depth == EVE_MAX_DEPTH)
				return fail(d, &c, "nested too deep");
			t->type = b == '{' ? EVE_OBJECT : EVE_ARRAY;
			t->start = (uint32_t)(c.p - (const uint8_t *)text);
			cur_skip(&c, 1);
			stack[depth++] = at;
			d->ntok++;
			want = b == '{' ? W_KEY_OR_CLOSE : W_VALUE_OR_CLOSE;
			continue;
		}
		int rc;
		if (b == '}' || b == ']' || b == ',' || b == ':')
			return fail(d, &c, "value expected");
		if (b == '"') {
			cur_skip(&c, 1);
			rc = scan_string(d, &c, t);
		} else if (b == '-' || (b >= '0' && b <= '9')) {
			rc = scan_number(d, &c, t);
		} else {
			rc = scan_literal(d, &c, t);
		}
		if (rc != 0)
			return -1;
		t->next = ++d->ntok;
		want = W_COMMA_OR_CLOSE;
	}
}

static bool
valid(const struct eve_doc *d, int t)
{
	return t >= 0 && (uint32_t)t < d->ntok;
}

/* Whether the string token t equals the n bytes of s. */
static bool
string_equals(const struct eve_doc *d, int t, const char *s, size_t n)
{
	const struct eve_tok *k = &d->tok[t];
	char buf[256];

	if (k->type != EVE_STRING)
		return false;
	if (!k->escaped)
		return k->len == n && memcmp(d->text + k->start, s, n) == 0;
	if (n >= sizeof(buf))
		return false;
	eve_string(d, t, buf, sizeof(buf));
	return strlen(buf) == n && memcmp(buf, s, n) == 0;
}

static int
member_n(const struct eve_doc *d, int obj, const char *key, size_t n)
{
	if (!valid(d, obj) || d->tok[obj].type != EVE_OBJECT)
		return -1;
	uint32_t i = (uint32_t)obj + 1;
	for (uint32_t m = 0; m < d->tok[obj].n && i + 1 < d->ntok; m++) {
		if (string_equals(d, (int)i, key, n))
			return (int)i + 1;
		i = d->tok[i + 1].next;
	}
	return -1;
}

int
eve_member(const struct eve_doc *d, int obj, const char *key)
{
	return member_n(d, obj, key, strlen(key));
}

int
eve_index(const struct eve_doc *d, int arr, uint32_t i)
{
	if (!valid(d, arr) || d->tok[arr].type != EVE_ARRAY ||
	    i >= d->tok[arr].n)
		return -1;
	uint32_t at = (uint32_t)arr + 1;
	for (uint32_t k = 0; k < i && at < d->ntok; k++)
		at = d->tok[at].next;
	return at < d->ntok ? (int)at : -1;
}

uint32_t
eve_count(const struct eve_doc *d, int t)
{
	return valid(d, t) && d->tok[t].type == EVE_ARRAY ? d->tok[t].n : 0;
}

int
eve_path(const struct eve_doc *d, int obj, const char *path)
{
	const char *p = path;
	int t = obj;

	while (*p != '\0' && t >= 0) {
		size_t n = strcspn(p, ".[");
		if (n > 0)
			t = member_n(d, t, p, n);
		p += n;
		while (*p == '[' && t >= 0) {
			unsigned long i = 0;
			p++;
			while (*p >= '0' && *p <= '9' && i < UINT32_MAX)
				i = i * 10 + (unsigned long)(*p++ - '0');
			if (*p != ']')
				return -1;
			p++;
			t = eve_index(d, t, (uint32_t)i);
		}
		if (*p == '.')
			p++;
	}
	return t;
}

static unsigned
hex4(const char *s)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char ch = s[i];
		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v |= (unsigned)(ch - 'a' + 10);
		else
			v |= (unsigned)(ch - 'A' + 10);
	}
	return v;
}

/* Appends code point cp as UTF-8 if it fits entirely. */
static void
put_utf8(char *buf, size_t size, size_t *o, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (*o + n < size) {
		memcpy(buf + *o, u, n);
		*o += n;
	}
}

bool
eve_string(const struct eve_doc *d, int t, char *buf, size_t size)
{
	if (size == 0)
		return false;
	buf[0] = '\0';
	if (!valid(d, t) || d->tok[t].type != EVE_STRING)
		return false;
	const char *s = d->text + d->tok[t].start;
	size_t len = d->tok[t].len, o = 0;

	if (!d->tok[t].escaped) {
		size_t n = len < size - 1 ? len : size - 1;
		/* Cut on a character boundary. */
		if (n < len)
			while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
				n--;
		memcpy(buf, s, n);
		buf[n] = '\0';
		return true;
	}
	/* The tokeniser checked every escape: they are whole. */
	for (size_t i = 0; i < len && o + 1 < size;) {
		if (s[i] != '\\') {
			size_t run = 1;
			/* Copy a UTF-8 sequence whole or not at all. */
			if (((unsigned char)s[i] & 0xc0) == 0xc0)
				while (i + run < len && run < 4 &&
				    ((unsigned char)s[i + run] & 0xc0) == 0x80)
					run++;
			if (o + run >= size)
				break;
			memcpy(buf + o, s + i, run);
			o += run;
			i += run;
			continue;
		}
		char e = s[i + 1];
		if (e != 'u') {
			static const char from[] = "\"\\/bfnrt";
			static const char to[] = "\"\\/\b\f\n\r\t";
			buf[o++] = to[strchr(from, e) - from];
			i += 2;
			continue;
		}
		unsigned cp = hex4(s + i + 2);
		i += 6;
		if (cp >= 0xd800 && cp < 0xdc00 && i + 6 <= len &&
		    s[i] == '\\' && s[i + 1] == 'u') {
			unsigned lo = hex4(s + i + 2);
			if (lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			}
		}
		if (cp == 0 || (cp >= 0xd800 && cp < 0xe000))
			cp = 0xfffd;
		put_utf8(buf, size, &o, cp);
	}
	buf[o] = '\0';
	return true;
}

bool
eve_get_string(const struct eve_doc *d, const char *path, char *buf,
    size_t size)
{
	return eve_string(d, eve_path(d, 0, path), buf, size);
}

bool
eve_string_is(const struct eve_doc *d, int t, const char *s)
{
	return valid(d, t) && string_equals(d, t, s, strlen(s));
}

bool
eve_u64(const struct eve_doc *d, int t, uint64_t *v)
{
	if (!valid(d, t) || d->tok[t].type != EVE_NUMBER)
		return false;
	const char *s = d->text + d->tok[t].start;
	uint64_t x = 0;

	for (uint32_t i = 0; i < d->tok[t].len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;	/* negative, fraction, exponent */
		unsigned dig = (unsigned)(s[i] - '0');
		if (x > (UINT64_MAX - dig) / 10)
			return false;
		x = x * 10 + dig;
	}
	*v = x;
	return true;
}

bool
eve_get_u64(const struct eve_doc *d, const char *path, uint64_t *v)
{
	return eve_u64(d, eve_path(d, 0, path), v);
}

bool
eve_bool(const struct eve_doc *d, int t, bool *v)
{
	if (!valid(d, t) || (d->tok[t].type != EVE_TRUE &&
	    d->tok[t].type != EVE_FALSE))
		return false;
	*v = d->tok[t].type == EVE_TRUE;
	return true;
}

bool
eve_get_bool(const struct eve_doc *d, const char *path, bool *v)
{
	return eve_bool(d, eve_path(d, 0, path), v);
}

/* n digits at s into *v. */
static bool
num(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool
eve_time(const char *s, int64_t *sec, uint32_t *usec)
{
	int y, mo, d, h, mi, se, off_h = 0, off_m = 0;
	size_t len = strlen(s);

	if (len < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' &&
	    s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
	    !num(s, 4, &y) || !num(s + 5, 2, &mo) || !num(s + 8, 2, &d) ||
	    !num(s + 11, 2, &h) || !num(s + 14, 2, &mi) ||
	    !num(s + 17, 2, &se) || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || se > 60)
		return false;
	const char *p = s + 19;
	uint32_t us = 0;
	if (*p == '.') {
		int k = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, k++)
			if (k < 6)
				us = us * 10 + (uint32_t)(*p - '0');
		if (k == 0)
			return false;
		for (; k < 6; k++)
			us *= 10;
	}
	int sign = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		p++;
		if (!num(p, 2, &off_h))
			return false;
		p += 2;
		if (*p == ':')
			p++;
		if (!num(p, 2, &off_m))
			return false;
		p += 2;
	}
	if (*p != '\0')
		return false;
	*sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	    sign * (off_h * 3600 + off_m * 60);
	*usec = us;
	return true;
}
