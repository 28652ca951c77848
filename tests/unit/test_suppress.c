/*
 * test_suppress.c — alert suppression: the first alert always goes out,
 * repeats within the window are counted, the window is not extended by
 * repeats, different keys are independent, the table is bounded and
 * evicts its oldest entry, time going backwards ends a window; the rate
 * cap lets at most N alerts a second through, with or without
 * suppression, and survives a reconfiguration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "../../sensor/suppress.h"

static struct ip_addr
v4(uint8_t last)
{
	struct ip_addr a;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.bytes[0] = 192;
	a.bytes[2] = 2;
	a.bytes[3] = last;
	return a;
}

static void
window(void **state)
{
	struct suppress s;
	struct counters c;
	struct ip_addr a = v4(1);

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(suppress_init(&s, 60, 64), 0);
	assert_false(suppress_check(&s, 1610001, &a, "army.ml", 1000, &c));
	assert_true(suppress_check(&s, 1610001, &a, "army.ml", 1001, &c));
	assert_true(suppress_check(&s, 1610001, &a, "army.ml", 1059, &c));
	/* The window started with the first alert, not the last repeat. */
	assert_false(suppress_check(&s, 1610001, &a, "army.ml", 1060, &c));
	assert_true(suppress_check(&s, 1610001, &a, "army.ml", 1100, &c));
	assert_int_equal(c.alerts_suppressed, 3);
	suppress_free(&s);
}

static void
keys_apart(void **state)
{
	struct suppress s;
	struct counters c;
	struct ip_addr a = v4(1), b = v4(2), a6;

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(&a6, 0, sizeof(a6));
	a6.family = AF_INET6;
	memcpy(a6.bytes, a.bytes, 4);	/* same bytes, other family */
	assert_int_equal(suppress_init(&s, 60, 64), 0);
	assert_false(suppress_check(&s, 1610001, &a, "army.ml", 10, &c));
	assert_false(suppress_check(&s, 1610003, &a, "army.ml", 10, &c));
	assert_false(suppress_check(&s, 1610001, &b, "army.ml", 10, &c));
	assert_false(suppress_check(&s, 1610001, &a6, "army.ml", 10, &c));
	assert_false(suppress_check(&s, 1610001, &a, "gmial.com", 10, &c));
	assert_true(suppress_check(&s, 1610001, &a, "army.ml", 11, &c));
	assert_int_equal(c.alerts_suppressed, 1);
	suppress_free(&s);
}

static void
bounded(void **state)
{
	struct suppress s;
	struct counters c;
	char name[32];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(suppress_init(&s, 60, 16), 0);
	for (int i = 0; i < 100; i++) {
		struct ip_addr a = v4((uint8_t)i);
		snprintf(name, sizeof(name), "n%d.army.ml", i);
		assert_false(suppress_check(&s, 1, &a, name, 5, &c));
		assert_true(s.count <= 16);
	}
	assert_int_equal(c.suppress_evicted, 100 - 16);
	/* The newest 16 are remembered, the oldest were evicted. */
	struct ip_addr a99 = v4(99), a0 = v4(0);
	assert_true(suppress_check(&s, 1, &a99, "n99.army.ml", 6, &c));
	assert_false(suppress_check(&s, 1, &a0, "n0.army.ml", 6, &c));
	suppress_free(&s);
}

static void
expiry_frees_room(void **state)
{
	struct suppress s;
	struct counters c;
	char name[32];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(suppress_init(&s, 10, 16), 0);
	for (int round = 0; round < 5; round++)
		for (int i = 0; i < 16; i++) {
			struct ip_addr a = v4((uint8_t)i);
			snprintf(name, sizeof(name), "n%d.army.ml", i);
			assert_false(suppress_check(&s, 1, &a, name,
			    100 + round * 10, &c));
		}
	/* Every window had ended: nothing evicted early. */
	assert_int_equal(c.suppress_evicted, 0);
	assert_int_equal(c.alerts_suppressed, 0);
	suppress_free(&s);
}

static void
time_backwards_and_off(void **state)
{
	struct suppress s;
	struct counters c;
	struct ip_addr a = v4(1);

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(suppress_init(&s, 60, 64), 0);
	assert_false(suppress_check(&s, 1, &a, "army.ml", 5000, &c));
	assert_false(suppress_check(&s, 1, &a, "army.ml", 100, &c));
	assert_true(suppress_check(&s, 1, &a, "army.ml", 101, &c));
	/* Reconfigured with the same size: entries kept. */
	assert_int_equal(suppress_configure(&s, 120, 64), 0);
	assert_true(suppress_check(&s, 1, &a, "army.ml", 200, &c));
	/* Off: everything goes out, nothing is allocated. */
	assert_int_equal(suppress_configure(&s, 0, 64), 0);
	assert_null(s.ring);
	assert_false(suppress_check(&s, 1, &a, "army.ml", 201, &c));
	assert_false(suppress_check(&s, 1, &a, "army.ml", 201, &c));
	suppress_free(&s);
}

static void
rate_cap(void **state)
{
	struct suppress s;
	struct counters c;
	struct ip_addr a = v4(1);
	char name[32];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(suppress_init(&s, 0, 64), 0);
	suppress_set_rate(&s, 3);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "a%d.ml", i);
		assert_int_equal(suppress_check(&s, 1, &a, name, 1000, &c),
		    i >= 3);
	}
	/* The next second starts again, and so does a clock going back. */
	assert_false(suppress_check(&s, 1, &a, "b.ml", 1001, &c));
	assert_false(suppress_check(&s, 1, &a, "c.ml", 999, &c));
	assert_int_equal(c.alerts_rate_capped, 2);
	assert_int_equal(c.alerts_suppressed, 0);
	/* A reconfiguration keeps the cap; 0 lifts it. */
	assert_int_equal(suppress_configure(&s, 60, 64), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "d%d.ml", i);
		assert_int_equal(suppress_check(&s, 1, &a, name, 2000, &c),
		    i >= 3);
	}
	suppress_set_rate(&s, 0);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "e%d.ml", i);
		assert_false(suppress_check(&s, 1, &a, name, 2000, &c));
	}
	assert_int_equal(c.alerts_rate_capped, 3);
	suppress_free(&s);
}

/* A repeat is suppressed, not capped; a capped alert is not remembered. */
static void
rate_cap_with_window(void **state)
{
	struct suppress s;
	struct counters c;
	struct ip_addr a = v4(1);

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(suppress_init(&s, 60, 64), 0);
	suppress_set_rate(&s, 1);
	assert_false(suppress_check(&s, 1, &a, "army.ml", 1000, &c));
	assert_true(suppress_check(&s, 1, &a, "army.ml", 1000, &c));
	assert_true(suppress_check(&s, 1, &a, "navy.ml", 1000, &c));
	assert_int_equal(c.alerts_suppressed, 1);
	assert_int_equal(c.alerts_rate_capped, 1);
	/* navy.ml never went out: the next second it does. */
	assert_false(suppress_check(&s, 1, &a, "navy.ml", 1001, &c));
	suppress_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window),
		cmocka_unit_test(keys_apart),
		cmocka_unit_test(bounded),
		cmocka_unit_test(expiry_frees_room),
		cmocka_unit_test(time_backwards_and_off),
		cmocka_unit_test(rate_cap),
		cmocka_unit_test(rate_cap_with_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
