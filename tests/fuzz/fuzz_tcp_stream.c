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
 * stream's next sequence number, and memory accounting returns to zero.
 */
#include "../../decoders/tcp_stream.h"
#include "fuzz.h"

static uint64_t delivered;

static void
deliver(void *ctx, const uint8_t *data, size_t len)
{
	(void)ctx;
	if (data != NULL)
		fuzz_touch(data, len);
	delivered += len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	struct tcp_stream s[2] = { { 0 }, { 0 } };
	struct counters cnt = { 0 };
	size_t mem = 0;
	const struct tcp_env env = { deliver, NULL, 4096, &mem, 12 * 1024,
	    &cnt };
	uint32_t base[2] = { cur_u32(&c), cur_u32(&c) };

	while (cur_left(&c) > 0) {
		uint8_t ctl = cur_u8(&c);
		struct tcp_stream *st = &s[ctl & 1];
		uint32_t seq = ctl & 0x80 ? cur_u32(&c) :
		    base[ctl & 1] + cur_u16(&c);
		size_t want = ctl & 0x20 ? cur_u16(&c) : cur_u8(&c);
		struct slice p = cur_bytes(&c, want < cur_left(&c) ? want :
		    cur_left(&c));
		bool was_init = st->init;
		uint32_t before = st->next_seq;

		delivered = 0;
		switch ((ctl >> 1) & 3) {
		case 1:
			tcp_stream_ack(st, seq, &env);
			break;
		case 2:
			tcp_stream_flush(st, &env);
			break;
		default:
			tcp_stream_segment(st, seq, (uint8_t)((ctl >> 3) & 3),
			    p.p, p.len, &env);
			break;
		}
		if (was_init)
			FUZZ_CHECK((uint32_t)(st->next_seq - before) ==
			    (uint32_t)delivered);
		FUZZ_CHECK(st->ooo_bytes <= env.max_buffer && mem <= env.mem_max);
	}
	for (int d = 0; d < 2; d++) {
		tcp_stream_flush(&s[d], &env);
		FUZZ_CHECK(s[d].ooo == NULL && s[d].ooo_bytes == 0);
		tcp_stream_free(&s[d], &env);
	}
	FUZZ_CHECK(mem == 0);
	return 0;
}
