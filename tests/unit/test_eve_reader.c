/*
 * test_eve_reader.c — the EVE line reader: strict JSON (what it refuses
 * and where), lookups by path, strings unescaped and cut safely, numbers,
 * timestamps, and its limits (depth, tokens).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sensor/eve_reader.h"

static struct eve_doc *d;

static int
setup(void **state)
{
	(void)state;
	d = malloc(sizeof(*d));
	return d == NULL;
}

static int
teardown(void **state)
{
	(void)state;
	free(d);
	return 0;
}

static int
parse(const char *s)
{
	return eve_parse(d, s, strlen(s));
}

static void
accepts_json(void **state)
{
	static const char *const ok[] = {
		"{}", " { } ", "{\"a\":1}", "{\"a\":[1,2,{\"b\":null}],\"c\":true}",
		"{\"n\":-0.5e+10,\"m\":0,\"k\":12.25E-2}",
		"{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}",
		"{\"a\":{}, \"b\":[]}\r\n", "{\"\":\"\"}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(parse(ok[i]), 0);
}

static void
refuses_with_place(void **state)
{
	static const struct {
		const char	*text;
		size_t		 at;
	} bad[] = {
		{ "", 0 }, { "   ", 3 }, { "[1]", 0 }, { "\"x\"", 0 },
		{ "{", 1 }, { "{\"a\"}", 4 }, { "{\"a\":}", 5 },
		{ "{\"a\":1,}", 7 }, { "{\"a\":1 \"b\":2}", 7 },
		{ "{\"a\":01}", 6 }, { "{\"a\":1.}", 7 }, { "{\"a\":-}", 6 },
		{ "{\"a\":tru}", 5 }, { "{\"a\":\"x}", 8 },
		{ "{\"a\":\"\\x\"}", 6 }, { "{\"a\":\"\\u12g4\"}", 6 },
		{ "{\"a\":\"\x01\"}", 6 }, { "{} x", 3 }, { "{}{}", 2 },
		{ "{\"a\":[1,]}", 8 }, { "{\"a\":[1}", 7 }, { "{1:2}", 1 },
		{ "{\"a\":1]", 6 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i].text), -1);
		assert_true(d->err[0] != '\0');
		if (d->err_at != bad[i].at)
			fail_msg("'%s': at %zu, expected %zu (%s)", bad[i].text,
			    d->err_at, bad[i].at, d->err);
	}
	/* A NUL inside the line is a control character, not its end. */
	assert_int_equal(eve_parse(d, "{\"a\":\"x\0\"}", 10), -1);
}

static void
limits(void **state)
{
	char deep[2 * EVE_MAX_DEPTH + 16];
	size_t o = 0;

	(void)state;
	deep[o++] = '{';
	deep[o++] = '"';
	deep[o++] = 'a';
	deep[o++] = '"';
	deep[o++] = ':';
	for (int i = 0; i < EVE_MAX_DEPTH; i++)
		deep[o++] = '[';
	deep[o] = '\0';
	assert_int_equal(parse(deep), -1);
	assert_string_equal(d->err, "nested too deep");

	size_t n = 4 * EVE_MAX_TOKENS + 16;
	char *many = malloc(n);
	assert_non_null(many);
	o = 0;
	o += (size_t)snprintf(many, n, "{\"a\":[");
	for (int i = 0; i < EVE_MAX_TOKENS && o + 3 < n; i++) {
		many[o++] = '1';
		many[o++] = ',';
	}
	many[o++] = '1';
	many[o++] = ']';
	many[o++] = '}';
	assert_int_equal(eve_parse(d, many, o), -1);
	assert_string_equal(d->err, "too many values in the record");
	free(many);
}

static void
lookups(void **state)
{
	char buf[64];
	uint64_t v = 0;
	bool b = false;

	(void)state;
	assert_int_equal(parse("{\"event_type\":\"alert\",\"x\":{\"skip\":"
	    "[1,{\"y\":2}]},\"alert\":{\"signature_id\":1610101,\"context\":"
	    "{\"incident\":{\"id\":18446744073709551615,\"summary\":true}}},"
	    "\"smtp\":{\"rcpt_to\":[\"<a@b>\",\"<c@d>\"]},\"neg\":-1,"
	    "\"big\":18446744073709551616,\"f\":1.5}"), 0);
	assert_true(eve_get_string(d, "event_type", buf, sizeof(buf)));
	assert_string_equal(buf, "alert");
	assert_true(eve_get_u64(d, "alert.signature_id", &v));
	assert_int_equal(v, 1610101);
	assert_true(eve_get_u64(d, "alert.context.incident.id", &v));
	assert_true(v == UINT64_MAX);
	assert_true(eve_get_bool(d, "alert.context.incident.summary", &b));
	assert_true(b);
	assert_true(eve_get_string(d, "smtp.rcpt_to[1]", buf, sizeof(buf)));
	assert_string_equal(buf, "<c@d>");
	assert_int_equal(eve_count(d, eve_path(d, 0, "smtp.rcpt_to")), 2);
	assert_true(eve_get_u64(d, "x.skip[1].y", &v));
	assert_int_equal(v, 2);
	/* Absent, wrong type, out of range: false, never a wrong value. */
	assert_false(eve_get_string(d, "smtp.rcpt_to[2]", buf, sizeof(buf)));
	assert_string_equal(buf, "");
	assert_false(eve_get_u64(d, "neg", &v));
	assert_false(eve_get_u64(d, "big", &v));
	assert_false(eve_get_u64(d, "f", &v));
	assert_false(eve_get_u64(d, "event_type", &v));
	assert_false(eve_get_bool(d, "alert.signature_id", &b));
	assert_int_equal(eve_path(d, 0, "alert.nothing.id"), -1);
	assert_int_equal(eve_path(d, 0, "smtp.rcpt_to[x]"), -1);
	assert_int_equal(eve_member(d, -1, "a"), -1);
	assert_int_equal(eve_index(d, 99999, 0), -1);
}

static void
strings(void **state)
{
	char buf[64], small[4];

	(void)state;
	assert_int_equal(parse("{\"a\":\"caf\\u00e9 \\ud83d\\ude00 \\ud800x "
	    "\\u0000\",\"b\":\"\xc3\xa9\xc3\xa9\",\"k\\u0065y\":1}"), 0);
	assert_true(eve_get_string(d, "a", buf, sizeof(buf)));
	assert_string_equal(buf, "caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbdx "
	    "\xef\xbf\xbd");
	/* Cut on a character boundary, whether escaped or not. */
	assert_true(eve_get_string(d, "b", small, sizeof(small)));
	assert_string_equal(small, "\xc3\xa9");
	assert_true(eve_get_string(d, "a", small, sizeof(small)));
	assert_string_equal(small, "caf");
	/* Escaped keys are found by their meaning. */
	assert_true(eve_path(d, 0, "key") >= 0);
	assert_true(eve_string_is(d, eve_path(d, 0, "b"), "\xc3\xa9\xc3\xa9"));
}

static void
timestamps(void **state)
{
	int64_t s = 0;
	uint32_t us = 0;

	(void)state;
	assert_true(eve_time("2026-11-23T04:20:56.334595+0000", &s, &us));
	assert_true(s == 1795407656 && us == 334595);
	assert_true(eve_time("2026-11-23T05:20:56.5+01:00", &s, &us));
	assert_true(s == 1795407656 && us == 500000);
	assert_true(eve_time("1970-01-01T00:00:00Z", &s, &us));
	assert_true(s == 0 && us == 0);
	assert_true(eve_time("2000-02-29 12:00:00", &s, &us));
	assert_true(s == 951825600);
	assert_false(eve_time("2026-13-01T00:00:00Z", &s, &us));
	assert_false(eve_time("2026-11-23T04:20", &s, &us));
	assert_false(eve_time("2026-11-23T04:20:56.+0000", &s, &us));
	assert_false(eve_time("2026-11-23T04:20:56+00", &s, &us));
	assert_false(eve_time("yesterday", &s, &us));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_json),
		cmocka_unit_test(refuses_with_place),
		cmocka_unit_test(limits),
		cmocka_unit_test(lookups),
		cmocka_unit_test(strings),
		cmocka_unit_test(timestamps),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
