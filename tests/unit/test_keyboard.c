/*
 * test_keyboard.c — key neighbourhoods: keys next to each other on the
 * layouts, the first layout that has them, and nothing for characters
 * that are no key (bytes beyond ASCII included: the lookup is a table).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../rules/keyboard.h"

static void
neighbours(void **state)
{
	(void)state;

	assert_int_equal(keyboard_adjacent('q', 'w'), KB_QWERTY);
	assert_int_equal(keyboard_adjacent('w', 'q'), KB_QWERTY);
	assert_int_equal(keyboard_adjacent('a', 'z'), KB_QWERTY);
	assert_int_equal(keyboard_adjacent('1', '2'), KB_QWERTY);
	assert_int_equal(keyboard_adjacent('0', 'p'), KB_QWERTY);
	assert_int_equal(keyboard_adjacent('m', 'l'), KB_AZERTY);
	assert_int_equal(keyboard_adjacent('q', 'p'), KB_NONE);
	assert_int_equal(keyboard_adjacent('q', 'q'), KB_NONE);
	assert_int_equal(keyboard_adjacent('q', '\0'), KB_NONE);
	assert_int_equal(keyboard_adjacent('\0', 'q'), KB_NONE);
	assert_int_equal(keyboard_adjacent('.', 'q'), KB_NONE);
	assert_int_equal(keyboard_adjacent('Q', 'w'), KB_NONE);
	assert_int_equal(keyboard_adjacent((char)0xe9, 'w'), KB_NONE);
	assert_int_equal(keyboard_adjacent((char)0xff, (char)0xff), KB_NONE);
}

/*
 * Every pair of bytes: how many fall to each layout (the tables as
 * dnstwist has them), so that no neighbour is lost or added unnoticed.
 */
static void
every_pair(void **state)
{
	unsigned n[4] = { 0 };
	(void)state;

	for (int a = 0; a < 256; a++)
		for (int b = 0; b < 256; b++) {
			enum keyboard_layout kb = keyboard_adjacent((char)a,
			    (char)b);
			assert_true(kb <= KB_AZERTY);
			n[kb]++;
		}
	assert_int_equal(n[KB_QWERTY], 166);
	assert_int_equal(n[KB_QWERTZ], 9);
	assert_int_equal(n[KB_AZERTY], 20);
	assert_int_equal(n[KB_NONE], 256 * 256 - 166 - 9 - 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(neighbours),
		cmocka_unit_test(every_pair),
	};

	return cmocka_run_group_tests_name("keyboard", tests, NULL, NULL);
}
