/*
 * test_addr_text.c — addr_text() against the C library's inet_ntop(), on
 * the addresses RFC 5952 discusses and on a million others whose groups
 * are mostly zero, so that every run of zeros and every IPv4 form occurs.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../decoders/addr_text.h"

static void
same_as_inet_ntop(int family, const uint8_t *b)
{
	char want[INET6_ADDRSTRLEN], got[ADDR_TEXT_MAX];

	assert_non_null(inet_ntop(family, b, want, sizeof(want)));
	size_t n = addr_text(family, b, got);
	assert_string_equal(got, want);
	assert_int_equal(n, strlen(want));
}

static void
known_addresses(void **state)
{
	static const char *const v6[] = {
		"::", "::1", "1::", "2001:db8::1", "2001:db8:0:1:1:1:1:1",
		"2001:db8::1:0:0:1", "2001:0:0:1::1", "::ffff:192.0.2.1",
		"::192.0.2.1", "::ffff:0:192.0.2.1", "fe80::1:2:3:4",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "1:0:0:2:0:0:0:3",
		"0:1::", "::1:0:0:0", "64:ff9b::192.0.2.33", "::0.0.0.1",
	};
	static const char *const v4[] = {
		"0.0.0.0", "255.255.255.255", "10.0.0.1", "192.0.2.100",
	};
	uint8_t b[16];
	char out[ADDR_TEXT_MAX];
	(void)state;

	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		assert_int_equal(inet_pton(AF_INET6, v6[i], b), 1);
		same_as_inet_ntop(AF_INET6, b);
	}
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		assert_int_equal(inet_pton(AF_INET, v4[i], b), 1);
		same_as_inet_ntop(AF_INET, b);
	}
	assert_int_equal(addr_text(AF_UNIX, b, out), 0);
	assert_string_equal(out, "");
}

static void
many_addresses(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	uint8_t b[16];
	(void)state;

	for (int n = 0; n < 1000000; n++) {
		for (int g = 0; g < 8; g++) {
			/* xorshift64: a group is zero, 0xffff, small or any. */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			unsigned w;
			switch (x & 7) {
			case 0: case 1: case 2: case 3: w = 0; break;
			case 4: w = 0xffff; break;
			case 5: w = (unsigned)(x >> 8) & 0xf; break;
			default: w = (unsigned)(x >> 16) & 0xffff; break;
			}
			b[2 * g] = (uint8_t)(w >> 8);
			b[2 * g + 1] = (uint8_t)w;
		}
		same_as_inet_ntop(AF_INET6, b);
		same_as_inet_ntop(AF_INET, b + 12);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_addresses),
		cmocka_unit_test(many_addresses),
	};

	return cmocka_run_group_tests_name("addr_text", tests, NULL, NULL);
}
