/*
 * test_tcp_stream.c — TCP reassembly: segments in hand-made orders
 * (reordered, duplicated, overlapping, gapped, across the 2^32 wrap) must
 * come out as the original bytes, once each, with gaps reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../decoders/tcp_stream.h"

/* What the stream delivered: bytes, and '#' for every byte of a gap. */
struct sink {
	char	out[4096];
	size_t	len;
	int	calls, gaps;
};

static void
collect(void *ctx, const uint8_t *data, size_t len)
{
	struct sink *s = ctx;

	s->calls++;
	if (data == NULL)
		s->gaps++;
	for (size_t i = 0; i < len && s->len < sizeof(s->out) - 1; i++)
		s->out[s->len++] = data != NULL ? (char)data[i] : '#';
	s->out[s->len] = '\0';
}

struct fixture {
	struct tcp_stream	st;
	struct sink		sink;
	struct counters		cnt;
	size_t			mem;
	struct tcp_env		env;
};

static void
fixture_init(struct fixture *f, size_t max_buffer)
{
	memset(f, 0, sizeof(*f));
	f->env.deliver = collect;
	f->env.ctx = &f->sink;
	f->env.max_buffer = max_buffer;
	f->env.mem_used = &f->mem;
	f->env.mem_max = 1 << 20;
	f->env.cnt = &f->cnt;
}

static const char text[] = "EHLO client.example\r\nMAIL FROM:<a@b>\r\n"
    "RCPT TO:<john@army.ml>\r\n";

/* Segment [off, off+len) of text, with ISN isn. */
static void
seg(struct fixture *f, uint32_t isn, size_t off, size_t len)
{
	tcp_stream_segment(&f->st, isn + 1 + (uint32_t)off, 0,
	    (const uint8_t *)text + off, len, &f->env);
}

static void
syn(struct fixture *f, uint32_t isn)
{
	tcp_stream_segment(&f->st, isn, 0x02, NULL, 0, &f->env);
}

static void
done(struct fixture *f)
{
	tcp_stream_flush(&f->st, &f->env);
	tcp_stream_free(&f->st, &f->env);
	assert_int_equal(f->mem, 0);
}

static void
in_order(void **state)
{
	struct fixture f;
	(void)state;

	fixture_init(&f, 65536);
	syn(&f, 1000);
	seg(&f, 1000, 0, 10);
	seg(&f, 1000, 10, 30);
	seg(&f, 1000, 40, sizeof(text) - 1 - 40);
	done(&f);
	assert_string_equal(f.sink.out, text);
	assert_int_equal(f.cnt.tcp_out_of_order, 0);
}

static void
reordered(void **state)
{
	struct fixture f;
	(void)state;

	fixture_init(&f, 65536);
	syn(&f, 5);
	seg(&f, 5, 40, sizeof(text) - 1 - 40);
	seg(&f, 5, 10, 30);
	assert_int_equal(f.sink.len, 0);	/* nothing until the start */
	seg(&f, 5, 0, 10);
	done(&f);
	assert_string_equal(f.sink.out, text);
	assert_int_equal(f.cnt.tcp_out_of_order, 2);
	assert_int_equal(f.sink.gaps, 0);
}

static void
duplicated(void **state)
{
	struct fixture f;
	(void)state;

	fixture_init(&f, 65536);
	syn(&f, 77);
	seg(&f, 77, 0, 20);
	seg(&f, 77, 0, 20);			/* retransmission */
	seg(&f, 77, 30, 10);
	seg(&f, 77, 30, 10);			/* duplicate while held */
	seg(&f, 77, 20, 10);
	seg(&f, 77, 40, sizeof(text) - 1 - 40);
	seg(&f, 77, 40, sizeof(text) - 1 - 40);
	done(&f);
	assert_string_equal(f.sink.out, text);
	assert_int_equal(f.cnt.tcp_retransmitted, 2);
}

static void
overlapping_first_wins(void **state)
{
	struct fixture f;
	static const uint8_t evil[] = "XXXXXXXXXXXXXXXXXXXX";
	(void)state;

	fixture_init(&f, 65536);
	syn(&f, 0);
	seg(&f, 0, 10, 20);			/* held: bytes 10..29 */
	/* Bytes 5..24 with other content: only 5..9 are new. */
	tcp_stream_segment(&f.st, 1 + 5, 0, evil, 20, &f.env);
	seg(&f, 0, 0, 8);			/* 0..7, overlapping 5..7 */
	seg(&f, 0, 25, sizeof(text) - 1 - 25);	/* overlaps 25..29 */
	done(&f);
	/* Bytes 5..7 came first from evil, as did 8..9. */
	char want[sizeof(text)];
	memcpy(want, text, sizeof(text));
	memset(want + 5, 'X', 5);
	assert_string_equal(f.sink.out, want);
	assert_true(f.cnt.tcp_overlaps >= 3);
}

static void
gap_reported_at_flush(void **state)
{
	struct fixture f;
	(void)state;

	fixture_init(&f, 65536);
	syn(&f, 9);
	seg(&f, 9, 0, 10);
	seg(&f, 9, 20, sizeof(text) - 1 - 20);	/* 10..19 never comes */
	assert_int_equal(f.sink.len, 10);
	done(&f);
	char want[sizeof(text)];
	memcpy(want, text, sizeof(text));
	memset(want + 10, '#', 10);
	assert_string_equal(f.sink.out, want);
	assert_int_equal(f.sink.gaps, 1);
	assert_int_equal(f.cnt.tcp_gaps, 1);
}

static void
gap_from_peer_ack(void **state)
{
	struct fixture f;
	(void)state;

	fixture_init(&f, 65536);
	syn(&f, 9);
	seg(&f, 9, 0, 10);
	/*
	 * The peer acknowledged up to byte 30: once could be reordering, a
	 * second time means 10..29 were lost to us.
	 */
	tcp_stream_ack(&f.st, 9 + 1 + 30, &f.env);
	assert_int_equal(f.sink.len, 10);
	tcp_stream_ack(&f.st, 9 + 1 + 30, &f.env);
	assert_int_equal(f.sink.len, 30);
	assert_int_equal(f.sink.gaps, 1);
	seg(&f, 9, 30, sizeof(text) - 1 - 30);
	done(&f);
	assert_int_equal(f.sink.len, sizeof(text) - 1);
	assert_memory_equal(f.sink.out + 30, text + 30, sizeof(text) - 1 - 30);
}

static void
ack_before_reordered_data(void **state)
{
	struct fixture f;
	(void)state;

	/* The capture shows the ack before the data it acknowledges. */
	fixture_init(&f, 65536);
	syn(&f, 9);
	seg(&f, 9, 0, 10);
	tcp_stream_ack(&f.st, 9 + 1 + 30, &f.env);
	seg(&f, 9, 10, 20);
	tcp_stream_ack(&f.st, 9 + 1 + 30, &f.env);
	seg(&f, 9, 30, sizeof(text) - 1 - 30);
	done(&f);
	assert_string_equal(f.sink.out, text);
	assert_int_equal(f.sink.gaps, 0);
}

static void
sequence_wrap(void **state)
{
	struct fixture f;
	uint32_t isn = 0xffffffff - 15;		/* the data crosses 2^32 */
	(void)state;

	fixture_init(&f, 65536);
	syn(&f, isn);
	seg(&f, isn, 20, sizeof(text) - 1 - 20);
	seg(&f, isn, 0, 12);
	seg(&f, isn, 12, 8);
	seg(&f, isn, 0, 12);			/* old retransmission */
	done(&f);
	assert_string_equal(f.sink.out, text);
	assert_int_equal(f.cnt.tcp_retransmitted, 1);
}

static void
midstream_pickup(void **state)
{
	struct fixture f;
	(void)state;

	fixture_init(&f, 65536);
	/* No SYN: the stream starts at the first data byte seen. */
	seg(&f, 123456, 21, sizeof(text) - 1 - 21);
	done(&f);
	assert_string_equal(f.sink.out, text + 21);
	assert_int_equal(f.cnt.tcp_midstream, 1);
}

static void
buffer_cap(void **state)
{
	struct fixture f;
	(void)state;

	/* Room for 16 held bytes: the oldest hole is given up for more. */
	fixture_init(&f, 16);
	syn(&f, 0);
	seg(&f, 0, 10, 10);
	seg(&f, 0, 30, 10);			/* over the cap */
	assert_true(f.cnt.tcp_buffer_capped >= 1);
	assert_true(f.sink.gaps >= 1);
	assert_true(f.mem <= 16 + 2 * 64);
	done(&f);
	assert_int_equal(f.mem, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order),
		cmocka_unit_test(reordered),
		cmocka_unit_test(duplicated),
		cmocka_unit_test(overlapping_first_wins),
		cmocka_unit_test(gap_reported_at_flush),
		cmocka_unit_test(gap_from_peer_ack),
		cmocka_unit_test(ack_before_reordered_data),
		cmocka_unit_test(sequence_wrap),
		cmocka_unit_test(midstream_pickup),
		cmocka_unit_test(buffer_cap),
	};

	return cmocka_run_group_tests_name("tcp_stream", tests, NULL, NULL);
}
