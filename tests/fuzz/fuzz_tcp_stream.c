/*
 * fuzz_tcp_stream.c — TCP reassembly: tcp_stream_segment(), _ack() and
 * _flush() on both directions of one connection.  The input starts with
 * each direction's base sequence number (so wrap-around is one seed away);
 * then each step is a control byte (bit 0: direction; bits 1-2: segment,
 * ack, flush, segment; bit 3: FIN; bit 4: SYN; bit 5: a 16-bit length,
 * else 8-bit; bit 7: an absolute 32-bit sequence number, else base plus a
 * 16-bit offset), the number, the length and the payload.
 *
 * Checked: every call delivers exactly the bytes (and gaps) that move the
 * stream's next sequence number; every byte delivered is one that some
 * segment carried at that sequence number (never a byte from elsewhere,
 * whatever the overlaps); memory accounting returns to zero.
 */
#include <string.h>

#include "../../decoders/tcp_stream.h"
#include "fuzz.h"

/* The byte values sent at each sequence number, by direction. */
#define SENT_SLOTS	(1U << 17)

struct sent {
	uint32_t	seq;
	uint32_t	gen;		/* the input it belongs to */
	uint64_t	bits[4];	/* byte values seen */
};

static struct sent sent[2][SENT_SLOTS];
static uint32_t gen;
static bool sent_full;		/* too many to track: no byte check */

struct side {
	int			 dir;
	const struct tcp_stream	*s;
	uint64_t		 delivered;
};

static struct sent *
sent_at(int dir, uint32_t seq, bool add)
{
	uint32_t i = (seq * 2654435761U) & (SENT_SLOTS - 1);

	for (uint32_t n = 0; n < SENT_SLOTS; n++, i = (i + 1) & (SENT_SLOTS - 1)) {
		struct sent *e = &sent[dir][i];
		if (e->gen != gen) {
			if (!add)
				return NULL;
			memset(e, 0, sizeof(*e));
			e->gen = gen;
			e->seq = seq;
			return e;
		}
		if (e->seq == seq)
			return e;
	}
	sent_full = true;
	return NULL;
}

static void
record(int dir, uint32_t seq, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len && !sent_full; i++) {
		struct sent *e = sent_at(dir, seq + (uint32_t)i, true);
		if (e != NULL)
			e->bits[p[i] >> 6] |= 1ULL << (p[i] & 63);
	}
}

/* Bytes are delivered at next_seq, which moves after the call. */
static void
deliver(void *ctx, const uint8_t *data, size_t len)
{
	struct side *d = ctx;

	d->delivered += len;
	if (data == NULL)
		return;
	fuzz_touch(data, len);
	for (size_t i = 0; i < len && !sent_full; i++) {
		const struct sent *e = sent_at(d->dir,
		    d->s->next_seq + (uint32_t)i, false);
		FUZZ_CHECK(e != NULL &&
		    (e->bits[data[i] >> 6] >> (data[i] & 63) & 1));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	struct tcp_stream s[2] = { { 0 }, { 0 } };
	struct side side[2] = { { 0, &s[0], 0 }, { 1, &s[1], 0 } };
	struct counters cnt = { 0 };
	size_t mem = 0;
	const struct tcp_env env[2] = {
		{ deliver, &side[0], 4096, &mem, 12 * 1024, &cnt },
		{ deliver, &side[1], 4096, &mem, 12 * 1024, &cnt },
	};
	uint32_t base[2] = { cur_u32(&c), cur_u32(&c) };

	gen++;
	sent_full = false;
	while (cur_left(&c) > 0) {
		uint8_t ctl = cur_u8(&c);
		int d = ctl & 1;
		struct tcp_stream *st = &s[d];
		uint32_t seq = ctl & 0x80 ? cur_u32(&c) :
		    base[d] + cur_u16(&c);
		size_t want = ctl & 0x20 ? cur_u16(&c) : cur_u8(&c);
		struct slice p = cur_bytes(&c, want < cur_left(&c) ? want :
		    cur_left(&c));
		bool was_init = st->init;
		uint32_t before = st->next_seq;
		uint8_t flags = (uint8_t)((ctl >> 3) & 3);	/* FIN, SYN */

		side[d].delivered = 0;
		switch ((ctl >> 1) & 3) {
		case 1:
			tcp_stream_ack(st, seq, &env[d]);
			break;
		case 2:
			tcp_stream_flush(st, &env[d]);
			break;
		default:
			/* A SYN takes a number: the data starts after it. */
			record(d, seq + (flags & 2 ? 1 : 0), p.p, p.len);
			tcp_stream_segment(st, seq, flags, p.p, p.len, &env[d]);
			break;
		}
		if (was_init)
			FUZZ_CHECK((uint32_t)(st->next_seq - before) ==
			    (uint32_t)side[d].delivered);
		FUZZ_CHECK(st->ooo_bytes <= env[d].max_buffer &&
		    mem <= env[d].mem_max);
	}
	for (int d = 0; d < 2; d++) {
		tcp_stream_flush(&s[d], &env[d]);
		FUZZ_CHECK(s[d].ooo == NULL && s[d].ooo_bytes == 0);
		tcp_stream_free(&s[d], &env[d]);
	}
	FUZZ_CHECK(mem == 0);
	return 0;
}
