/*
 * tcp_stream.h — TCP reassembly for one direction of a connection.
 *
 * Segments go in as they are captured; bytes come out in sequence order,
 * once each, through a callback.  Out-of-order segments are copied and held
 * (up to a per-direction cap and a shared memory budget); retransmitted and
 * overlapping bytes are dropped, the first copy wins (counted).  A hole that
 * will never be filled (the peer acknowledged past it, the buffer is full,
 * or the connection ends) is reported to the callback as a gap so the
 * parser can resynchronise.  Sequence numbers wrap: every comparison is
 * modulo 2^32 (RFC 9293 3.4).
 */
#ifndef TS_TCP_STREAM_H
#define TS_TCP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"

struct tcp_segment;

struct tcp_stream {
	bool			 init;		/* next_seq is known */
	bool			 fin;		/* FIN seen */
	uint32_t		 next_seq;	/* next byte to deliver */
	struct tcp_segment	*ooo;		/* held segments, by seq, disjoint */
	size_t			 ooo_bytes;
	bool			 hole_acked;	/* the peer acked past next_seq once */
	uint32_t		 hole_ack;	/* that ack */
};

/*
 * Where delivered bytes go: data != NULL, len bytes in order; data == NULL,
 * a gap of len bytes that will never be seen.
 */
typedef void (*tcp_deliver_fn)(void *ctx, const uint8_t *data, size_t len);

/* What one call may use: the callback, the caps, and the counters. */
struct tcp_env {
	tcp_deliver_fn	 deliver;
	void		*ctx;
	size_t		 max_buffer;	/* held bytes per direction */
	size_t		*mem_used;	/* shared across all streams */
	size_t		 mem_max;
	struct counters	*cnt;
};

/*
 * One segment of this direction: seq, flags (SYN/FIN as on the wire) and
 * payload.  A stream that has seen no SYN starts at its first data byte
 * (a connection picked up in the middle).
 */
void tcp_stream_segment(struct tcp_stream *s, uint32_t seq, uint8_t flags,
    const uint8_t *data, size_t len, const struct tcp_env *env);

/*
 * The peer acknowledged everything before ack.  Bytes before it that we
 * have not seen are lost to us, unless the capture merely reordered them:
 * so the first such ack is noted, and only when a later one still finds the
 * hole are the bytes up to the first ack reported as a gap.
 */
void tcp_stream_ack(struct tcp_stream *s, uint32_t ack,
    const struct tcp_env *env);

/* The connection is over: deliver what is held, with gaps for the holes. */
void tcp_stream_flush(struct tcp_stream *s, const struct tcp_env *env);

/* Frees held segments (without delivering them). */
void tcp_stream_free(struct tcp_stream *s, const struct tcp_env *env);

/* True when a is before b in sequence space. */
static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool
seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

#endif
