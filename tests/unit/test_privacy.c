/*
 * test_privacy.c — hiding the local part of mail addresses: every address
 * form the SMTP decoder passes on (brackets, quoted local parts, source
 * routes, address literals, the null sender), keyed hashing, reply texts,
 * and short output buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../sensor/privacy.h"

static const char *
mask(const char *addr, char *buf, size_t len)
{
	struct privacy p;

	privacy_init(&p, PRIVACY_MASK, NULL);
	return privacy_address(&p, addr, buf, len);
}

static void
mask_forms(void **state)
{
	char b[256];

	(void)state;
	assert_string_equal(mask("<john@army.ml>", b, sizeof(b)), "<j***@army.ml>");
	assert_string_equal(mask("john@army.ml", b, sizeof(b)), "j***@army.ml");
	assert_string_equal(mask("<\"john doe\"@army.ml>", b, sizeof(b)),
	    "<j***@army.ml>");
	assert_string_equal(mask("<@a.mil,@b.mil:user@army.ml>", b, sizeof(b)),
	    "<@a.mil,@b.mil:u***@army.ml>");
	assert_string_equal(mask("user@[192.0.2.1]", b, sizeof(b)),
	    "u***@[192.0.2.1]");
	assert_string_equal(mask("<USER@ARMY.ML.>", b, sizeof(b)),
	    "<U***@ARMY.ML.>");
	/* A quoted local part holding '@': the domain's is the last one. */
	assert_string_equal(mask("<\"a@b\"@army.ml>", b, sizeof(b)),
	    "<a***@army.ml>");
}

static void
nothing_to_hide(void **state)
{
	struct privacy p;
	char b[64];
	const char *s;

	(void)state;
	privacy_init(&p, PRIVACY_MASK, NULL);
	s = "<>";
	assert_ptr_equal(privacy_address(&p, s, b, sizeof(b)), s);
	s = "postmaster";
	assert_ptr_equal(privacy_address(&p, s, b, sizeof(b)), s);
	s = "<@army.ml>";		/* no local part */
	assert_ptr_equal(privacy_address(&p, s, b, sizeof(b)), s);
	privacy_init(&p, PRIVACY_KEEP, NULL);
	s = "<john@army.ml>";
	assert_ptr_equal(privacy_address(&p, s, b, sizeof(b)), s);
	assert_ptr_equal(privacy_text(&p, "250 john@army.ml ok", b, sizeof(b)),
	    privacy_text(&p, "250 john@army.ml ok", b, sizeof(b)));
}

static void
hash_keyed_and_case_blind(void **state)
{
	struct privacy k1, k2;
	char a[128], b[128], c[128];

	(void)state;
	privacy_init(&k1, PRIVACY_HASH, "a key of sixteen characters");
	privacy_init(&k2, PRIVACY_HASH, "another key of sixteen chars");
	privacy_address(&k1, "<John@army.ml>", a, sizeof(a));
	privacy_address(&k1, "<john@army.ml>", b, sizeof(b));
	privacy_address(&k2, "<john@army.ml>", c, sizeof(c));
	assert_string_equal(a, b);
	assert_string_not_equal(b, c);
	/* <, 16 hex digits, @army.ml> */
	assert_int_equal(strlen(a), 1 + 16 + strlen("@army.ml>"));
	assert_int_equal(a[0], '<');
	for (int i = 1; i <= 16; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_equal(a + 17, "@army.ml>");
	privacy_address(&k1, "<jane@army.ml>", c, sizeof(c));
	assert_string_not_equal(b, c);
}

static void
reply_text(void **state)
{
	struct privacy p;
	char b[256];

	(void)state;
	privacy_init(&p, PRIVACY_MASK, NULL);
	assert_string_equal(privacy_text(&p, "2.1.5 <john@army.ml>... Recipient "
	    "ok", b, sizeof(b)), "2.1.5 <j***@army.ml>... Recipient ok");
	assert_string_equal(privacy_text(&p, "john.doe@army.ml and "
	    "x+tag@b.example ok", b, sizeof(b)), "j***@army.ml and x***@b.example ok");
	const char *t = "2.1.5 Ok";
	assert_ptr_equal(privacy_text(&p, t, b, sizeof(b)), t);
	t = "mail @ home";
	assert_ptr_equal(privacy_text(&p, t, b, sizeof(b)), t);
}

static void
short_buffer(void **state)
{
	char b[6];

	(void)state;
	/* Cut short, never overrun, always terminated. */
	assert_string_equal(mask("<john@army.ml>", b, sizeof(b)), "<j***");
	assert_string_equal(mask("<john@army.ml>", b, 1), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mask_forms),
		cmocka_unit_test(nothing_to_hide),
		cmocka_unit_test(hash_keyed_and_case_blind),
		cmocka_unit_test(reply_text),
		cmocka_unit_test(short_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
