/*
 * tcp_stream.c — in-order delivery from captured TCP segments.
 *
 * Held segments are a singly linked list sorted by sequence number and
 * kept disjoint: a new segment is trimmed against what is held (first data
 * wins, RFC 9293 leaves overlapping data to the receiver; we keep what we
 * saw first and count the overlap).  The list is short in practice, and its
 * length is bounded by the per-direction byte cap.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_stream.h"

struct tcp_segment {
	struct tcp_segment	*next;
	uint32_t		 seq;
	uint32_t		 len;
	uint8_t			 data[];
};

/* Holding costs the payload, the list node and the allocator's header. */
#define SEG_COST(len)	(sizeof(struct tcp_segment) + (len) + 2 * sizeof(size_t))

static void
seg_free(struct tcp_stream *s, struct tcp_segment *g, const struct tcp_env *env)
{
	s->ooo_bytes -= g->len;
	*env->mem_used -= SEG_COST(g->len);
	free(g);
}

/* Delivers held segments that now touch next_seq. */
static void
drain(struct tcp_stream *s, const struct tcp_env *env)
{
	struct tcp_segment *g;

	while ((g = s->ooo) != NULL && seq_leq(g->seq, s->next_seq)) {
		uint32_t end = g->seq + g->len;
		if (seq_lt(s->next_seq, end)) {
			uint32_t off = s->next_seq - g->seq;
			env->deliver(env->ctx, g->data + off, g->len - off);
			s->next_seq = end;
		}
		s->ooo = g->next;
		seg_free(s, g, env);
	}
}

/* Skips the hole before the first held segment (or up to `to`). */
static void
skip_hole(struct tcp_stream *s, uint32_t to, const struct tcp_env *env)
{
	if (!seq_lt(s->next_seq, to))
		return;
	env->cnt->tcp_gaps++;
	env->deliver(env->ctx, NULL, to - s->next_seq);
	s->next_seq = to;
	drain(s, env);
}

/*
 * Holds [seq, seq+len) minus what is already held.  The new bytes are cut
 * into the pieces that fall in the holes between held segments.
 */
static void
hold(struct tcp_stream *s, uint32_t seq, const uint8_t *data, size_t len,
    const struct tcp_env *env)
{
	struct tcp_segment **pp = &s->ooo;
	uint32_t end = seq + (uint32_t)len;

	while (seq_lt(seq, end)) {
		/* Skip held segments entirely before seq. */
		while (*pp != NULL && seq_leq((*pp)->seq + (*pp)->len, seq))
			pp = &(*pp)->next;
		struct tcp_segment *next = *pp;
		uint32_t piece_end = end;
		if (next != NULL) {
			if (seq_leq(next->seq, seq)) {
				/* seq is inside a held segment: drop the overlap. */
				env->cnt->tcp_overlaps++;
				uint32_t held_end = next->seq + next->len;
				if (!seq_lt(held_end, end))
					return;
				data += held_end - seq;
				seq = held_end;
				pp = &next->next;
				continue;
			}
			if (seq_lt(next->seq, end)) {
				env->cnt->tcp_overlaps++;
				piece_end = next->seq;
			}
		}
		uint32_t plen = piece_end - seq;
		if (*env->mem_used + SEG_COST(plen) > env->mem_max) {
			env->cnt->tcp_memory_capped++;
			return;
		}
		struct tcp_segment *g = malloc(sizeof(*g) + plen);
		if (g == NULL) {
			env->cnt->tcp_memory_capped++;
			return;
		}
		g->seq = seq;
		g->len = plen;
		memcpy(g->data, data, plen);
		g->next = next;
		*pp = g;
		pp = &g->next;
		s->ooo_bytes += plen;
		*env->mem_used += SEG_COST(plen);
		env->cnt->tcp_out_of_order++;
		data += plen;
		seq = piece_end;
	}
}

void
tcp_stream_segment(struct tcp_stream *s, uint32_t seq, uint8_t flags,
    const uint8_t *data, size_t len, const struct tcp_env *env)
{
	if (flags & 0x02) {			/* SYN: data starts after it */
		if (!s->init) {
			s->init = true;
			s->next_seq = seq + 1;
		}
		seq += 1;
	}
	if (len == 0 || len > UINT32_MAX / 2) {
		if ((flags & 0x01) && s->init)
			s->fin = true;
		return;
	}
	if (!s->init) {
		/* Picked up mid-stream: start at the first byte we see. */
		s->init = true;
		s->next_seq = seq;
		env->cnt->tcp_midstream++;
	}
	if (flags & 0x01)
		s->fin = true;

	/*
	 * Each pass either places the segment or gives up the oldest hole to
	 * make room, which removes a held segment: the loop ends.
	 */
	for (;;) {
		uint32_t end = seq + (uint32_t)len;
		if (seq_leq(end, s->next_seq)) {
			env->cnt->tcp_retransmitted++;
			return;
		}
		if (seq_lt(seq, s->next_seq)) {
			/* Partly delivered already: keep only the new tail. */
			env->cnt->tcp_overlaps++;
			uint32_t off = s->next_seq - seq;
			data += off;
			len -= off;
			seq = s->next_seq;
		}
		if (seq == s->next_seq) {
			/*
			 * Held data may start inside this segment (first
			 * wins): deliver only up to it, then drain.
			 */
			if (s->ooo != NULL && seq_lt(s->ooo->seq, end)) {
				env->cnt->tcp_overlaps++;
				len = s->ooo->seq - seq;
				end = s->ooo->seq;
			}
			env->deliver(env->ctx, data, len);
			s->next_seq = end;
			drain(s, env);
			return;
		}
		if (s->ooo_bytes + len <= env->max_buffer)
			break;
		env->cnt->tcp_buffer_capped++;
		if (s->ooo == NULL || len > env->max_buffer)
			return;
		skip_hole(s, s->ooo->seq, env);
	}
	hold(s, seq, data, len, env);
}

void
tcp_stream_ack(struct tcp_stream *s, uint32_t ack, const struct tcp_env *env)
{
	if (!s->init || !seq_lt(s->next_seq, ack)) {
		s->hole_acked = false;
		return;
	}
	/* A FIN takes a sequence number but carries no byte. */
	if (s->fin && ack - s->next_seq == 1 && s->ooo == NULL)
		return;
	if (!s->hole_acked || !seq_lt(s->next_seq, s->hole_ack)) {
		s->hole_acked = true;
		s->hole_ack = ack;
		return;
	}
	/* Still a hole at the second look: skip what the first ack covered. */
	uint32_t upto = s->hole_ack;
	s->hole_acked = seq_lt(upto, ack);
	s->hole_ack = ack;
	while (seq_lt(s->next_seq, upto)) {
		uint32_t to = upto;
		if (s->ooo != NULL && seq_lt(s->ooo->seq, upto))
			to = s->ooo->seq;
		skip_hole(s, to, env);
	}
}

void
tcp_stream_flush(struct tcp_stream *s, const struct tcp_env *env)
{
	while (s->ooo != NULL)
		skip_hole(s, s->ooo->seq, env);
}

void
tcp_stream_free(struct tcp_stream *s, const struct tcp_env *env)
{
	struct tcp_segment *g, *next;

	for (g = s->ooo; g != NULL; g = next) {
		next = g->next;
		seg_free(s, g, env);
	}
	s->ooo = NULL;
}
