/*
 * cursor.h — bounds-checked reader over packet bytes.
 *
 * Every byte read from a packet goes through a cursor.  Once a read fails
 * the error sticks: later reads return zero and do not move, so a parser may
 * do several reads and check `err` once (the Knot DNS wire_ctx idiom).
 * Lengths are compared with what remains, never by forming `p + n`.  A
 * failed read also empties the cursor (end = p), so that a read of a fixed
 * length needs one compare, not a test of `err` as well.
 */
#ifndef TS_CURSOR_H
#define TS_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t	*p;	/* next byte to read */
	const uint8_t	*end;	/* one past the last readable byte */
	bool		 err;	/* a read went past end; sticky */
};

/* A slice of packet bytes: borrowed, never NUL-terminated. */
struct slice {
	const uint8_t	*p;
	size_t		 len;
};

static inline struct cursor
cur_init(const uint8_t *p, size_t len)
{
	struct cursor c = { p, p + len, false };
	return c;
}

/* Sets the sticky error; nothing is left to read. */
static inline void
cur_fail(struct cursor *c)
{
	c->err = true;
	c->end = c->p;
}

static inline size_t
cur_left(const struct cursor *c)
{
	return (size_t)(c->end - c->p);	/* 0 after an error */
}

static inline bool
cur_need(struct cursor *c, size_t n)
{
	/* After an error nothing is left: only n == 0 must look at err. */
	if ((size_t)(c->end - c->p) < n || (n == 0 && c->err)) {
		cur_fail(c);
		return false;
	}
	return true;
}

static inline uint8_t
cur_u8(struct cursor *c)
{
	if (!cur_need(c, 1))
		return 0;
	return *c->p++;
}

static inline uint16_t
cur_u16(struct cursor *c)
{
	if (!cur_need(c, 2))
		return 0;
	uint16_t v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return v;
}

/* Little-endian 16 bits (Linux cooked headers carry some host-order fields). */
static inline uint16_t
cur_u16le(struct cursor *c)
{
	if (!cur_need(c, 2))
		return 0;
	uint16_t v = (uint16_t)(c->p[1] << 8 | c->p[0]);
	c->p += 2;
	return v;
}

static inline uint32_t
cur_u32(struct cursor *c)
{
	if (!cur_need(c, 4))
		return 0;
	uint32_t v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	    (uint32_t)c->p[2] << 8 | (uint32_t)c->p[3];
	c->p += 4;
	return v;
}

static inline uint32_t
cur_u32le(struct cursor *c)
{
	if (!cur_need(c, 4))
		return 0;
	uint32_t v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 |
	    (uint32_t)c->p[1] << 8 | (uint32_t)c->p[0];
	c->p += 4;
	return v;
}

static inline void
cur_skip(struct cursor *c, size_t n)
{
	if (cur_need(c, n))
		c->p += n;
}

/* Copies n bytes out; on failure dst is zero-filled. */
static inline void
cur_copy(struct cursor *c, void *dst, size_t n)
{
	if (!cur_need(c, n)) {
		memset(dst, 0, n);
		return;
	}
	/* memcpy: a byte loop through dst could alias c, and is slow. */
	memcpy(dst, c->p, n);
	c->p += n;
}

/* Returns the next n bytes as a slice and moves past them. */
static inline struct slice
cur_bytes(struct cursor *c, size_t n)
{
	struct slice s = { NULL, 0 };

	if (cur_need(c, n)) {
		s.p = c->p;
		s.len = n;
		c->p += n;
	}
	return s;
}

/* The rest of the cursor as a slice. */
static inline struct slice
cur_rest(const struct cursor *c)
{
	struct slice s = { c->p, cur_left(c) };
	return s;
}

/*
 * Carves a child cursor of exactly n bytes and moves the parent past them,
 * so an inner parser cannot read beyond its field.
 */
static inline struct cursor
cur_sub(struct cursor *c, size_t n)
{
	struct cursor sub = { c->p, c->p, true };

	if (cur_need(c, n)) {
		sub.end = c->p + n;
		sub.err = false;
		c->p += n;
	}
	return sub;
}

/* Peeks at byte i ahead without moving; 0 and err set when out of range. */
static inline uint8_t
cur_peek(struct cursor *c, size_t i)
{
	if ((size_t)(c->end - c->p) <= i) {
		cur_fail(c);
		return 0;
	}
	return c->p[i];
}

/* Shortens the cursor to at most n readable bytes (IP/UDP length clamps). */
static inline void
cur_clamp(struct cursor *c, size_t n)
{
	if ((size_t)(c->end - c->p) > n)
		c->end = c->p + n;
}

#endif /* TS_CURSOR_H */
