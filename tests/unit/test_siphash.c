/*
 * test_siphash.c — SipHash-2-4 against the reference vectors of the
 * SipHash paper (key 00..0f, messages 00..len-1), and SipHash-1-3 against
 * its own construction (same code, fewer rounds: it must differ from 2-4).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../decoders/siphash.h"

static void
reference_vectors(void **state)
{
	uint8_t key[16], msg[64];
	(void)state;

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	assert_int_equal(siphash24(msg, 0, key), 0x726fdb47dd0e0e31ULL);
	assert_int_equal(siphash24(msg, 1, key), 0x74f839c593dc67fdULL);
	assert_int_equal(siphash24(msg, 8, key), 0x93f5f5799a932462ULL);
	assert_int_equal(siphash24(msg, 15, key), 0xa129ca6149be45e5ULL);
	assert_int_not_equal(siphash13(msg, 15, key), siphash24(msg, 15, key));
	assert_int_equal(siphash13(msg, 15, key), siphash13(msg, 15, key));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reference_vectors),
	};

	return cmocka_run_group_tests_name("siphash", tests, NULL, NULL);
}
