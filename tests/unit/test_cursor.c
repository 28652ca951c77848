/*
 * test_cursor.c — the bounds-checked reader: every reader at its exact
 * bound and one byte past it, the sticky error, child cursors that cannot
 * outgrow their field, and lengths so large that `p + n` would wrap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../decoders/cursor.h"

static const uint8_t bytes[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
};

/* Where the cursor stands, as an offset into bytes[]. */
static size_t
pos(const struct cursor *c)
{
	return (size_t)(c->p - bytes);
}

/* A failed cursor reads nothing more and reports nothing left. */
static void
assert_failed_at(struct cursor *c, size_t at)
{
	assert_true(c->err);
	assert_int_equal(pos(c), at);
	assert_int_equal(cur_left(c), 0);
}

static void
test_init_and_left(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, sizeof(bytes));

	assert_ptr_equal(c.p, bytes);
	assert_ptr_equal(c.end, bytes + sizeof(bytes));
	assert_false(c.err);
	assert_int_equal(cur_left(&c), sizeof(bytes));

	struct cursor e = cur_init(bytes, 0);
	assert_int_equal(cur_left(&e), 0);
	assert_false(e.err);
	assert_int_equal(cur_u8(&e), 0);
	assert_true(e.err);
	assert_ptr_equal(e.p, bytes);
}

static void
test_need(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 3);

	assert_true(cur_need(&c, 0));
	assert_true(cur_need(&c, 3));
	assert_false(c.err);
	assert_int_equal(pos(&c), 0);	/* need never moves */
	assert_false(cur_need(&c, 4));
	assert_failed_at(&c, 0);
	/* Sticky: even a zero-byte need fails now. */
	assert_false(cur_need(&c, 0));
}

static void
test_u8(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 2);

	assert_int_equal(cur_u8(&c), 0x01);
	assert_int_equal(cur_u8(&c), 0x02);
	assert_false(c.err);
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(cur_u8(&c), 0);
	assert_failed_at(&c, 2);
}

static void
test_u16(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 2);

	assert_int_equal(cur_u16(&c), 0x0102);
	assert_false(c.err);
	assert_int_equal(pos(&c), 2);

	c = cur_init(bytes, 1);
	assert_int_equal(cur_u16(&c), 0);
	assert_failed_at(&c, 0);
}

static void
test_u16le(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 2);

	assert_int_equal(cur_u16le(&c), 0x0201);
	assert_false(c.err);
	assert_int_equal(pos(&c), 2);

	c = cur_init(bytes, 1);
	assert_int_equal(cur_u16le(&c), 0);
	assert_failed_at(&c, 0);
}

static void
test_u32(void **state)
{
	(void)state;
	static const uint8_t high[] = { 0xfe, 0xdc, 0xba, 0x98 };
	struct cursor c = cur_init(bytes, 4);

	assert_int_equal(cur_u32(&c), 0x01020304);
	assert_false(c.err);
	assert_int_equal(pos(&c), 4);

	/* The top byte must not go through a signed int. */
	c = cur_init(high, sizeof(high));
	assert_int_equal(cur_u32(&c), 0xfedcba98u);

	c = cur_init(bytes, 3);
	assert_int_equal(cur_u32(&c), 0);
	assert_failed_at(&c, 0);
}

static void
test_u32le(void **state)
{
	(void)state;
	static const uint8_t high[] = { 0x98, 0xba, 0xdc, 0xfe };
	struct cursor c = cur_init(bytes, 4);

	assert_int_equal(cur_u32le(&c), 0x04030201);
	assert_false(c.err);
	assert_int_equal(pos(&c), 4);

	c = cur_init(high, sizeof(high));
	assert_int_equal(cur_u32le(&c), 0xfedcba98u);

	c = cur_init(bytes, 3);
	assert_int_equal(cur_u32le(&c), 0);
	assert_failed_at(&c, 0);
}

/* A wide read after a narrow one, at the very end. */
static void
test_mixed_reads_at_end(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 7);

	assert_int_equal(cur_u8(&c), 0x01);
	assert_int_equal(cur_u16(&c), 0x0203);
	assert_int_equal(cur_u32(&c), 0x04050607);
	assert_false(c.err);
	assert_int_equal(cur_left(&c), 0);

	c = cur_init(bytes, 6);
	assert_int_equal(cur_u8(&c), 0x01);
	assert_int_equal(cur_u16(&c), 0x0203);
	assert_int_equal(cur_u32(&c), 0);	/* 3 left, 4 wanted */
	assert_failed_at(&c, 3);
}

static void
test_skip(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 5);

	cur_skip(&c, 0);
	assert_int_equal(pos(&c), 0);
	cur_skip(&c, 5);
	assert_false(c.err);
	assert_int_equal(pos(&c), 5);

	c = cur_init(bytes, 5);
	cur_skip(&c, 2);
	cur_skip(&c, 4);			/* 3 left */
	assert_failed_at(&c, 2);
}

static void
test_copy(void **state)
{
	(void)state;
	uint8_t dst[6];
	struct cursor c = cur_init(bytes, 5);

	memset(dst, 0xaa, sizeof(dst));
	cur_copy(&c, dst, 5);
	assert_false(c.err);
	assert_memory_equal(dst, bytes, 5);
	assert_int_equal(dst[5], 0xaa);		/* nothing beyond n */
	assert_int_equal(pos(&c), 5);

	/* One byte short: dst is zero-filled, the cursor does not move. */
	static const uint8_t zero[6];
	c = cur_init(bytes, 5);
	cur_skip(&c, 1);
	memset(dst, 0xaa, sizeof(dst));
	cur_copy(&c, dst, 5);
	assert_failed_at(&c, 1);
	assert_memory_equal(dst, zero, 5);
	assert_int_equal(dst[5], 0xaa);
}

static void
test_bytes_slice(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 6);

	cur_skip(&c, 2);
	struct slice s = cur_bytes(&c, 4);
	assert_false(c.err);
	assert_ptr_equal(s.p, bytes + 2);
	assert_int_equal(s.len, 4);
	assert_int_equal(pos(&c), 6);

	c = cur_init(bytes, 6);
	cur_skip(&c, 2);
	s = cur_bytes(&c, 5);
	assert_null(s.p);
	assert_int_equal(s.len, 0);
	assert_failed_at(&c, 2);

	/* A zero-length slice is fine and points at the current byte. */
	c = cur_init(bytes, 6);
	s = cur_bytes(&c, 0);
	assert_false(c.err);
	assert_ptr_equal(s.p, bytes);
	assert_int_equal(s.len, 0);
}

static void
test_rest(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 6);

	cur_skip(&c, 6);
	struct slice s = cur_rest(&c);
	assert_ptr_equal(s.p, bytes + 6);
	assert_int_equal(s.len, 0);

	c = cur_init(bytes, 6);
	cur_skip(&c, 1);
	s = cur_rest(&c);
	assert_ptr_equal(s.p, bytes + 1);
	assert_int_equal(s.len, 5);
	assert_int_equal(pos(&c), 1);		/* rest does not move */

	/* After an error nothing is left to hand out. */
	cur_skip(&c, 6);
	s = cur_rest(&c);
	assert_int_equal(s.len, 0);
}

static void
test_sub(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 8);

	cur_skip(&c, 1);
	struct cursor s = cur_sub(&c, 3);
	assert_false(c.err);
	assert_false(s.err);
	assert_int_equal(pos(&c), 4);		/* parent moved past the field */
	assert_int_equal(pos(&s), 1);
	assert_int_equal(cur_left(&s), 3);

	/* The child reads exactly its field and not the parent's next byte. */
	assert_int_equal(cur_u16(&s), 0x0203);
	assert_int_equal(cur_u16(&s), 0);
	assert_failed_at(&s, 3);
	assert_int_equal(cur_u8(&s), 0);	/* byte 0x04 stays out of reach */
	assert_failed_at(&s, 3);

	/* The child's error is its own; the parent carries on. */
	assert_false(c.err);
	assert_int_equal(cur_u8(&c), 0x05);

	/* Exactly what is left is allowed; one more is not. */
	c = cur_init(bytes, 8);
	s = cur_sub(&c, 8);
	assert_false(c.err);
	assert_int_equal(cur_left(&s), 8);
	assert_int_equal(cur_left(&c), 0);

	c = cur_init(bytes, 8);
	cur_skip(&c, 2);
	s = cur_sub(&c, 7);
	assert_failed_at(&c, 2);
	assert_true(s.err);
	assert_int_equal(cur_left(&s), 0);
	assert_int_equal(cur_u8(&s), 0);

	/* A child of a failed cursor is failed too. */
	s = cur_sub(&c, 0);
	assert_true(s.err);
	assert_int_equal(cur_left(&s), 0);
}

static void
test_peek(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 4);

	cur_skip(&c, 1);
	assert_int_equal(cur_peek(&c, 0), 0x02);
	assert_int_equal(cur_peek(&c, 2), 0x04);	/* the last byte */
	assert_false(c.err);
	assert_int_equal(pos(&c), 1);			/* peek never moves */
	assert_int_equal(cur_peek(&c, 3), 0);		/* one past */
	assert_failed_at(&c, 1);
	assert_int_equal(cur_peek(&c, 0), 0);		/* sticky */
}

static void
test_clamp(void **state)
{
	(void)state;
	struct cursor c = cur_init(bytes, 8);

	cur_skip(&c, 2);
	cur_clamp(&c, 3);
	assert_int_equal(cur_left(&c), 3);
	assert_ptr_equal(c.end, bytes + 5);
	assert_int_equal(cur_u16(&c), 0x0304);
	assert_int_equal(cur_u16(&c), 0);		/* clamped away */
	assert_failed_at(&c, 4);

	/* Clamping to more than is left changes nothing. */
	c = cur_init(bytes, 8);
	cur_clamp(&c, 9);
	assert_ptr_equal(c.end, bytes + 8);
	cur_clamp(&c, 8);
	assert_ptr_equal(c.end, bytes + 8);
	assert_false(c.err);

	/* Clamping to zero leaves a valid, empty cursor. */
	cur_clamp(&c, 0);
	assert_false(c.err);
	assert_int_equal(cur_left(&c), 0);
	assert_ptr_equal(c.end, bytes);

	/* A failed cursor is empty, and clamping leaves it so. */
	c = cur_init(bytes, 8);
	cur_skip(&c, 9);
	assert_ptr_equal(c.end, c.p);
	cur_clamp(&c, 1);
	assert_ptr_equal(c.end, c.p);
	assert_int_equal(cur_left(&c), 0);
	assert_true(c.err);
}

/*
 * After a failed read every reader returns zero and nothing moves, even
 * where enough bytes would remain for the smaller read: the cursor is
 * empty (end = p), and a read of zero bytes fails too.
 */
static void
test_sticky_error(void **state)
{
	(void)state;
	uint8_t dst[2] = { 0xaa, 0xaa };
	struct cursor c = cur_init(bytes, 8);

	cur_skip(&c, 2);
	assert_int_equal(cur_u32(&c), 0x03040506);
	assert_int_equal(cur_u32(&c), 0);		/* 2 left: fails */
	assert_failed_at(&c, 6);

	assert_int_equal(cur_u8(&c), 0);
	assert_int_equal(cur_u16(&c), 0);
	assert_int_equal(cur_u16le(&c), 0);
	assert_int_equal(cur_u32(&c), 0);
	assert_int_equal(cur_u32le(&c), 0);
	cur_skip(&c, 1);
	cur_skip(&c, 0);
	cur_copy(&c, dst, 1);
	assert_int_equal(dst[0], 0);
	assert_int_equal(dst[1], 0xaa);
	struct slice s = cur_bytes(&c, 1);
	assert_null(s.p);
	assert_int_equal(s.len, 0);
	assert_int_equal(cur_rest(&c).len, 0);
	assert_int_equal(cur_peek(&c, 0), 0);
	struct cursor child = cur_sub(&c, 1);
	assert_true(child.err);
	assert_int_equal(cur_u8(&child), 0);
	cur_clamp(&c, 1);

	/* Failed at 6, and empty from there on. */
	assert_failed_at(&c, 6);
	assert_ptr_equal(c.end, bytes + 6);
}

/*
 * Lengths near SIZE_MAX: a check written as `p + n <= end` would wrap and
 * pass; comparing with what remains must refuse them.
 */
static void
test_huge_lengths(void **state)
{
	(void)state;
	static const size_t huge[] = {
		SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 7, SIZE_MAX / 2 + 1,
		(size_t)PTRDIFF_MAX, (size_t)PTRDIFF_MAX + 1,
	};

	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		size_t n = huge[i];
		struct cursor c = cur_init(bytes, 8);

		cur_skip(&c, 4);
		cur_skip(&c, n);
		assert_failed_at(&c, 4);

		c = cur_init(bytes, 8);
		cur_skip(&c, 4);
		struct slice s = cur_bytes(&c, n);
		assert_null(s.p);
		assert_int_equal(s.len, 0);
		assert_failed_at(&c, 4);

		c = cur_init(bytes, 8);
		cur_skip(&c, 4);
		struct cursor child = cur_sub(&c, n);
		assert_true(child.err);
		assert_int_equal(cur_left(&child), 0);
		assert_failed_at(&c, 4);

		c = cur_init(bytes, 8);
		cur_skip(&c, 4);
		assert_int_equal(cur_peek(&c, n), 0);
		assert_failed_at(&c, 4);

		c = cur_init(bytes, 8);
		cur_skip(&c, 4);
		assert_false(cur_need(&c, n));
		assert_failed_at(&c, 4);

		c = cur_init(bytes, 8);
		cur_skip(&c, 4);
		cur_clamp(&c, n);
		assert_false(c.err);
		assert_ptr_equal(c.end, bytes + 8);
		assert_int_equal(cur_left(&c), 4);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_left),
		cmocka_unit_test(test_need),
		cmocka_unit_test(test_u8),
		cmocka_unit_test(test_u16),
		cmocka_unit_test(test_u16le),
		cmocka_unit_test(test_u32),
		cmocka_unit_test(test_u32le),
		cmocka_unit_test(test_mixed_reads_at_end),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_bytes_slice),
		cmocka_unit_test(test_rest),
		cmocka_unit_test(test_sub),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_huge_lengths),
	};

	return cmocka_run_group_tests_name("cursor", tests, NULL, NULL);
}
