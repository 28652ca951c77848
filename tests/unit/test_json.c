/*
 * test_json.c — the JSON writer: structure and commas, escaping, UTF-8
 * passed through or replaced, and a buffer that overflows without being
 * written past its end.  Every output is also run through a small strict
 * JSON checker, so that no case can produce text a parser would refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sensor/json.h"

/* ---- A strict JSON checker (RFC 8259), for our own output ---- */

static bool check_value(const char **s, int depth);

/* Length of the valid UTF-8 sequence at s, or 0 (RFC 3629 section 4). */
static size_t
utf8_len(const unsigned char *s)
{
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		unsigned char lo = s[0] == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = s[0] == 0xed ? 0x9f : 0xbf;
		if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		unsigned char lo = s[0] == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = s[0] == 0xf4 ? 0x8f : 0xbf;
		if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

static bool
check_string(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;

	if (*p++ != '"')
		return false;
	for (;;) {
		if (*p == '"')
			break;
		if (*p < 0x20)
			return false;		/* includes the final NUL */
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (strchr("0123456789abcdefABCDEF",
					    p[i]) == NULL || p[i] == '\0')
						return false;
				p += 5;
			} else if (*p != '\0' && strchr("\"\\/bfnrt", *p) != NULL) {
				p++;
			} else {
				return false;
			}
		} else if (*p < 0x80) {
			p++;
		} else {
			size_t n = utf8_len(p);
			if (n == 0)
				return false;
			p += n;
		}
	}
	*s = (const char *)p + 1;
	return true;
}

static bool
check_number(const char **s)
{
	const char *p = *s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return false;
	*s = p;
	return true;
}

static bool
check_literal(const char **s, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*s, word, n) != 0)
		return false;
	*s += n;
	return true;
}

static bool
check_members(const char **s, char close, bool keys, int depth)
{
	(*s)++;
	if (**s == close) {
		(*s)++;
		return true;
	}
	for (;;) {
		if (keys && (!check_string(s) || *(*s)++ != ':'))
			return false;
		if (!check_value(s, depth + 1))
			return false;
		if (**s == close) {
			(*s)++;
			return true;
		}
		if (*(*s)++ != ',')
			return false;
	}
}

static bool
check_value(const char **s, int depth)
{
	if (depth > 64)
		return false;
	switch (**s) {
	case '{':
		return check_members(s, '}', true, depth);
	case '[':
		return check_members(s, ']', false, depth);
	case '"':
		return check_string(s);
	case 't':
		return check_literal(s, "true");
	case 'f':
		return check_literal(s, "false");
	case 'n':
		return check_literal(s, "null");
	default:
		return check_number(s);
	}
}

/* Exactly one well-formed JSON value, nothing after it. */
static void
assert_json(const char *text)
{
	const char *s = text;

	if (!check_value(&s, 0) || *s != '\0')
		fail_msg("not well-formed JSON: %s", text);
}

static void
checker_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "{", "}", "[1,]", "{\"a\"}", "{\"a\":}", "\"\x01\"",
		"\"\\x\"", "\"\\u12\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
		"\"\xf4\x90\x80\x80\"", "\"abc", "[1][2]", "tru", "01",
	};
	static const char *const good[] = {
		"{}", "[]", "{\"a\":[1,-2,\"x\",true,false,null,{}]}",
		"\"\\u00e9\xc3\xa9\xf0\x9f\x98\x80\"", "0", "-0",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *s = bad[i];
		if (check_value(&s, 0) && *s == '\0')
			fail_msg("checker accepted %s", bad[i]);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_json(good[i]);
}

/* ---- The writer ---- */

static struct json j;

static int
setup(void **state)
{
	(void)state;
	return json_init(&j, 4096);
}

static int
teardown(void **state)
{
	(void)state;
	json_free(&j);
	return 0;
}

static void
expect(const char *want)
{
	assert_false(j.overflow);
	assert_string_equal(j.buf, want);
	assert_int_equal(j.len, strlen(want));
	assert_json(j.buf);
}

static void
empty_containers(void **state)
{
	(void)state;

	json_reset(&j);
	json_open_object(&j, NULL);
	json_close_object(&j);
	expect("{}");

	json_reset(&j);
	json_open_array(&j, NULL);
	json_close_array(&j);
	expect("[]");

	json_reset(&j);
	json_open_object(&j, NULL);
	json_open_object(&j, "a");
	json_close_object(&j);
	json_open_array(&j, "b");
	json_close_array(&j);
	json_close_object(&j);
	expect("{\"a\":{},\"b\":[]}");
}

static void
members(void **state)
{
	(void)state;

	json_reset(&j);
	json_open_object(&j, NULL);
	json_string(&j, "s", "x");
	json_uint(&j, "u", 42);
	json_int(&j, "i", -7);
	json_bool(&j, "t", true);
	json_bool(&j, "f", false);
	json_raw(&j, "r", "null");
	json_string(&j, "e", "");
	json_close_object(&j);
	expect("{\"s\":\"x\",\"u\":42,\"i\":-7,\"t\":true,\"f\":false,"
	    "\"r\":null,\"e\":\"\"}");
}

static void
numbers(void **state)
{
	(void)state;

	json_reset(&j);
	json_open_array(&j, NULL);
	json_uint(&j, NULL, 0);
	json_uint(&j, NULL, UINT64_MAX);
	json_int(&j, NULL, 0);
	json_int(&j, NULL, INT64_MAX);
	json_int(&j, NULL, INT64_MIN);
	json_close_array(&j);
	expect("[0,18446744073709551615,0,9223372036854775807,"
	    "-9223372036854775808]");
}

/* Commas between members at every level, none after a container opens. */
static void
nesting(void **state)
{
	(void)state;

	json_reset(&j);
	json_open_object(&j, NULL);
	json_open_array(&j, "a");
	json_uint(&j, NULL, 1);
	json_string(&j, NULL, "two");
	json_open_object(&j, NULL);
	json_open_array(&j, "k");
	json_close_array(&j);
	json_close_object(&j);
	json_open_array(&j, NULL);
	json_bool(&j, NULL, true);
	json_close_array(&j);
	json_close_array(&j);
	json_open_object(&j, "b");
	json_open_object(&j, "c");
	json_uint(&j, "d", 0);
	json_close_object(&j);
	json_uint(&j, "e", 5);
	json_close_object(&j);
	json_uint(&j, "z", 9);
	json_close_object(&j);
	expect("{\"a\":[1,\"two\",{\"k\":[]},[true]],"
	    "\"b\":{\"c\":{\"d\":0},\"e\":5},\"z\":9}");
}

/* JSON_MAX_DEPTH levels cannot be opened: the record overflows. */
static void
too_deep(void **state)
{
	(void)state;

	json_reset(&j);
	for (int i = 0; i < JSON_MAX_DEPTH - 1; i++)
		json_open_array(&j, NULL);
	assert_false(j.overflow);
	for (int i = 0; i < JSON_MAX_DEPTH - 1; i++)
		json_close_array(&j);
	assert_false(j.overflow);
	assert_int_equal(j.len, 2 * (JSON_MAX_DEPTH - 1));
	assert_json(j.buf);

	json_reset(&j);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_open_array(&j, NULL);
	assert_true(j.overflow);
	assert_true(j.depth < JSON_MAX_DEPTH);
}

static void
string_is(const char *in, size_t n, const char *want)
{
	json_reset(&j);
	json_string_n(&j, NULL, in, n);
	if (j.overflow || strcmp(j.buf, want) != 0)
		fail_msg("got %s, want %s", j.buf, want);
	assert_json(j.buf);
}

#define STRING_IS(in, want)	string_is(in, sizeof(in) - 1, want)

static void
escaping(void **state)
{
	(void)state;

	STRING_IS("plain / text", "\"plain / text\"");
	STRING_IS("a\"b", "\"a\\\"b\"");
	STRING_IS("a\\b", "\"a\\\\b\"");
	STRING_IS("\n\r\t", "\"\\n\\r\\t\"");
	STRING_IS("\x01", "\"\\u0001\"");
	STRING_IS("\x08\x0c\x1f", "\"\\u0008\\u000c\\u001f\"");
	STRING_IS("\x7f", "\"\\u007f\"");
	STRING_IS("a\0b", "\"a\\u0000b\"");		/* NUL from the wire */
	STRING_IS(" ~", "\" ~\"");

	/* Only n bytes are taken. */
	string_is("abcdef", 3, "\"abc\"");

	/* Keys are escaped the same way. */
	json_reset(&j);
	json_open_object(&j, NULL);
	json_string(&j, "k\"\n\x01", "v");
	json_close_object(&j);
	expect("{\"k\\\"\\n\\u0001\":\"v\"}");
}

static void
utf8_valid(void **state)
{
	(void)state;

	STRING_IS("caf\xc3\xa9", "\"caf\xc3\xa9\"");		/* é */
	STRING_IS("\xe2\x82\xac", "\"\xe2\x82\xac\"");		/* € */
	STRING_IS("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");	/* U+1F600 */
	/* The edges of each length, and around the surrogates. */
	STRING_IS("\xc2\x80", "\"\xc2\x80\"");			/* U+0080 */
	STRING_IS("\xdf\xbf", "\"\xdf\xbf\"");			/* U+07FF */
	STRING_IS("\xe0\xa0\x80", "\"\xe0\xa0\x80\"");		/* U+0800 */
	STRING_IS("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");		/* U+D7FF */
	STRING_IS("\xee\x80\x80", "\"\xee\x80\x80\"");		/* U+E000 */
	STRING_IS("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");		/* U+FFFF */
	STRING_IS("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\"");	/* U+10000 */
	STRING_IS("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	STRING_IS("\xd0\xb0\xe4\xb8\xad\xf0\x9f\x98\x80z",
	    "\"\xd0\xb0\xe4\xb8\xad\xf0\x9f\x98\x80z\"");
}

/* Each byte that does not start a valid sequence becomes U+FFFD. */
static void
utf8_invalid(void **state)
{
	(void)state;

	/* A lone continuation byte. */
	STRING_IS("\x80", "\"\\ufffd\"");
	STRING_IS("a\xbf" "b", "\"a\\ufffdb\"");
	/* Overlong forms of '/' and of U+0000..U+FFFF. */
	STRING_IS("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	STRING_IS("\xc1\xbf", "\"\\ufffd\\ufffd\"");
	STRING_IS("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	STRING_IS("\xe0\x9f\xbf", "\"\\ufffd\\ufffd\\ufffd\"");
	STRING_IS("\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	STRING_IS("\xf0\x8f\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* UTF-16 surrogates, U+D800 and U+DFFF. */
	STRING_IS("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	STRING_IS("\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\"");
	/* Beyond U+10FFFF, and lead bytes that never occur. */
	STRING_IS("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	STRING_IS("\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	STRING_IS("\xf8", "\"\\ufffd\"");
	STRING_IS("\xfe\xff", "\"\\ufffd\\ufffd\"");
	/* Sequences cut by the end of the string or by an ASCII byte. */
	STRING_IS("\xc3", "\"\\ufffd\"");
	STRING_IS("ab\xe2\x82", "\"ab\\ufffd\\ufffd\"");
	STRING_IS("\xf0\x9f\x98", "\"\\ufffd\\ufffd\\ufffd\"");
	STRING_IS("\xe2\x82" "A", "\"\\ufffd\\ufffdA\"");
	/* A valid sequence right after an invalid byte survives. */
	STRING_IS("\xff\xc3\xa9", "\"\\ufffd\xc3\xa9\"");

	/* The length given is the end: a sequence may not run past it. */
	string_is("\xc3\xa9", 1, "\"\\ufffd\"");
	string_is("\xf0\x9f\x98\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");
}

/* A record exercising every kind of output, and its text. */
static void
emit(struct json *w)
{
	json_open_object(w, NULL);
	json_string(w, "name", "caf\xc3\xa9\x01\"\xff");
	json_open_array(w, "list");
	json_uint(w, NULL, 1234567);
	json_int(w, NULL, -5);
	json_bool(w, NULL, false);
	json_close_array(w);
	json_raw(w, "raw", "null");
	json_close_object(w);
}

static const char emitted[] =
    "{\"name\":\"caf\xc3\xa9\\u0001\\\"\\ufffd\",\"list\":[1234567,-5,false],"
    "\"raw\":null}";

/*
 * With every buffer size from 1 to one more than needed: either the whole
 * record fits, or overflow is set, what was written is a prefix of the
 * record, NUL-terminated, and nothing beyond cap was touched.
 */
/* The escape of one ASCII byte, written out by hand. */
static size_t
ascii_escape(unsigned char c, char *out)
{
	switch (c) {
	case '"': return (size_t)sprintf(out, "\\\"");
	case '\\': return (size_t)sprintf(out, "\\\\");
	case '\n': return (size_t)sprintf(out, "\\n");
	case '\r': return (size_t)sprintf(out, "\\r");
	case '\t': return (size_t)sprintf(out, "\\t");
	default:
		if (c < 0x20 || c == 0x7f)
			return (size_t)sprintf(out, "\\u%04x", c);
		out[0] = (char)c;
		return 1;
	}
}

/*
 * Strings of every length up to 40 at every alignment, most bytes plain,
 * some needing an escape at any position: the writer finds plain runs
 * eight bytes at a time, and must find each byte that is not.
 */
static void
escaping_runs(void **state)
{
	static const unsigned char odd[] = { '"', '\\', 0, 0x01, '\n', 0x1f,
	    0x7f, 0x20, 0x7e, '!', '[', ']' };
	uint64_t x = 88172645463325252ULL;
	char in[48], want[48 * 6 + 3];
	(void)state;

	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)round % 41, at = (size_t)round % 7, w = 0;
		want[w++] = '"';
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			unsigned char c = (x & 15) == 0 ?
			    odd[(x >> 8) % sizeof(odd)] :
			    (unsigned char)(0x20 + (x >> 16) % 0x5f);
			in[at + i] = (char)c;
			w += ascii_escape(c, want + w);
		}
		want[w++] = '"';
		want[w] = '\0';
		json_reset(&j);
		json_string_n(&j, NULL, in + at, len);
		assert_false(j.overflow);
		assert_int_equal(j.len, w);
		assert_memory_equal(j.buf, want, w);
	}
}

static void
overflow(void **state)
{
	(void)state;
	const size_t need = sizeof(emitted) - 1;

	for (size_t cap = 1; cap <= need + 1; cap++) {
		/* A heap buffer of exactly cap bytes, for ASan... */
		struct json w;
		assert_int_equal(json_init(&w, cap), 0);
		emit(&w);
		if (cap > need) {
			assert_false(w.overflow);
			assert_string_equal(w.buf, emitted);
		} else {
			if (!w.overflow)
				fail_msg("cap %zu: no overflow", cap);
			assert_true(w.len < cap);
			assert_int_equal(w.buf[w.len], '\0');
			assert_memory_equal(w.buf, emitted, w.len);
		}
		json_free(&w);

		/* ...and one inside a larger one, to see the bytes after. */
		char area[sizeof(emitted) + 32];
		memset(area, 0x5a, sizeof(area));
		memset(&w, 0, sizeof(w));
		w.buf = area;
		w.cap = cap;
		emit(&w);
		assert_int_equal(w.overflow, cap <= need);
		for (size_t i = cap; i < sizeof(area); i++)
			if (area[i] != 0x5a)
				fail_msg("cap %zu: byte %zu written", cap, i);
	}

	/* Once overflowed, later small writes do not sneak in. */
	struct json w;
	assert_int_equal(json_init(&w, 8), 0);
	json_string(&w, NULL, "far too long for eight");
	assert_true(w.overflow);
	size_t len = w.len;
	json_uint(&w, NULL, 1);
	json_close_array(&w);
	assert_true(w.overflow);
	assert_int_equal(w.len, len);
	json_free(&w);
}

/*
 * A buffer of nothing cannot even hold the terminating NUL, so it is
 * refused.  (AddressSanitizer cannot see a write into malloc(0): it hands
 * out one usable byte.)
 */
static void
zero_capacity(void **state)
{
	(void)state;
	struct json w;

	assert_int_equal(json_init(&w, 0), -1);
	assert_null(w.buf);
	assert_int_equal(w.cap, 0);
	json_free(&w);

	/* The smallest writer holds the empty string and nothing else. */
	assert_int_equal(json_init(&w, 1), 0);
	assert_string_equal(w.buf, "");
	json_bool(&w, NULL, true);
	assert_true(w.overflow);
	assert_int_equal(w.len, 0);
	assert_string_equal(w.buf, "");
	json_free(&w);
}

static void
reset_reuses(void **state)
{
	(void)state;
	struct json w;

	assert_int_equal(json_init(&w, 16), 0);
	json_open_object(&w, NULL);
	json_uint(&w, "a", 1);
	json_close_object(&w);
	assert_string_equal(w.buf, "{\"a\":1}");

	/* No comma carried over from the previous record. */
	json_reset(&w);
	assert_int_equal(w.len, 0);
	assert_string_equal(w.buf, "");
	json_open_object(&w, NULL);
	json_uint(&w, "b", 2);
	json_close_object(&w);
	assert_string_equal(w.buf, "{\"b\":2}");

	/* Overflow, then reset: the writer works again. */
	json_reset(&w);
	json_string(&w, NULL, "this does not fit in sixteen");
	assert_true(w.overflow);
	json_reset(&w);
	assert_false(w.overflow);
	assert_int_equal(w.depth, 0);
	json_open_array(&w, NULL);
	json_bool(&w, NULL, true);
	json_close_array(&w);
	assert_false(w.overflow);
	assert_string_equal(w.buf, "[true]");

	/* Reset in the middle of a nested record. */
	json_reset(&w);
	json_open_object(&w, NULL);
	json_open_array(&w, "x");
	json_uint(&w, NULL, 1);
	json_reset(&w);
	json_uint(&w, NULL, 7);
	assert_string_equal(w.buf, "7");
	assert_int_equal(w.depth, 0);
	json_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checker_refuses),
		cmocka_unit_test(empty_containers),
		cmocka_unit_test(members),
		cmocka_unit_test(numbers),
		cmocka_unit_test(nesting),
		cmocka_unit_test(too_deep),
		cmocka_unit_test(escaping),
		cmocka_unit_test(escaping_runs),
		cmocka_unit_test(utf8_valid),
		cmocka_unit_test(utf8_invalid),
		cmocka_unit_test(overflow),
		cmocka_unit_test(zero_capacity),
		cmocka_unit_test(reset_reuses),
	};

	return cmocka_run_group_tests_name("json", tests, setup, teardown);
}
