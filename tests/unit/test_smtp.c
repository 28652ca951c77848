/*
 * test_smtp.c — the SMTP decoder on hand-written sessions: what makes a
 * RCPT event and with which reply, what must never make one (message
 * bodies, BDAT chunks, SASL lines, bytes after STARTTLS), how gaps, caps
 * and odd framing are survived, and smtp_address_domain() on a table of
 * paths.
 *
 * Every feed is a heap copy of exactly its length, so that AddressSanitizer
 * reports any read past it.  Every test ends with smtp_close() and checks
 * that each RCPT command produced exactly one event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../decoders/counters.h"
#include "../../decoders/smtp.h"

#define C	SMTP_FROM_CLIENT
#define S	SMTP_FROM_SERVER

/* The start of a TLS ClientHello record. */
#define CLIENT_HELLO	"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"

/* ---- Recording events ---- */

#define MAX_EVENTS	256

struct rec_event {
	char		 helo[SMTP_HELO_MAX + 1];
	char		 mail_from[SMTP_ADDR_MAX + 1];
	char		 rcpt[SMTP_ADDR_MAX + 1];	/* rcpt_to[index] */
	char		 list[2048];			/* rcpt_to, '|' */
	unsigned	 nrcpt, rcpt_index;
	char		 domain[SMTP_ADDR_MAX + 1];
	unsigned	 code;
	char		 text[SMTP_REPLY_TEXT_MAX + 1];
	bool		 smtputf8;
};

struct harness {
	struct smtp_session	*s;
	struct counters		 cnt;
	unsigned		 n;		/* RCPT events seen */
	unsigned		 nmsg;		/* message events seen */
	unsigned		 msg_code;	/* the last one's reply */
	uint64_t		 msg_bytes;	/* and its size */
	struct rec_event	 ev[MAX_EVENTS];	/* the first ones */
};

static void
copy_field(char *dst, size_t size, const char *src)
{
	assert_non_null(src);
	assert_true(strlen(src) < size);
	snprintf(dst, size, "%s", src);
}

static void
on_event(void *ctx, const struct smtp_event *ev)
{
	struct harness *h = ctx;
	struct rec_event *r;

	if (ev->type == SMTP_EV_MESSAGE) {
		assert_true(ev->reply_code >= 200 && ev->reply_code <= 599);
		assert_int_equal(ev->nrcpt, 0);
		h->nmsg++;
		h->msg_code = ev->reply_code;
		h->msg_bytes = ev->message_bytes;
		return;
	}
	/* What every event must satisfy. */
	assert_int_equal(ev->type, SMTP_EV_RCPT);
	assert_true(ev->nrcpt >= 1 && ev->nrcpt <= SMTP_MAX_RCPTS + 1);
	assert_int_equal(ev->rcpt_index, ev->nrcpt - 1);
	assert_non_null(ev->rcpt_to);
	for (unsigned i = 0; i < ev->nrcpt; i++)
		assert_non_null(ev->rcpt_to[i]);
	assert_true(strlen(ev->helo) <= SMTP_HELO_MAX);
	assert_true(strlen(ev->mail_from) <= SMTP_ADDR_MAX);
	assert_true(strlen(ev->reply_text) <= SMTP_REPLY_TEXT_MAX);
	if (ev->reply_code == 0)
		assert_string_equal(ev->reply_text, "");
	else
		assert_true(ev->reply_code >= 100 && ev->reply_code <= 599);

	if (h->n++ >= MAX_EVENTS)
		return;
	r = &h->ev[h->n - 1];
	copy_field(r->helo, sizeof(r->helo), ev->helo);
	copy_field(r->mail_from, sizeof(r->mail_from), ev->mail_from);
	copy_field(r->rcpt, sizeof(r->rcpt), ev->rcpt_to[ev->rcpt_index]);
	r->list[0] = '\0';
	for (unsigned i = 0; i < ev->nrcpt; i++) {
		size_t o = strlen(r->list);
		snprintf(r->list + o, sizeof(r->list) - o, "%s%s",
		    i > 0 ? "|" : "", ev->rcpt_to[i]);
	}
	r->nrcpt = ev->nrcpt;
	r->rcpt_index = ev->rcpt_index;
	copy_field(r->domain, sizeof(r->domain), ev->domain);
	r->code = ev->reply_code;
	copy_field(r->text, sizeof(r->text), ev->reply_text);
	r->smtputf8 = ev->smtputf8;
}

static int
setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	h->s = smtp_session_new();
	assert_non_null(h->s);
	*state = h;
	return 0;
}

/* Every RCPT command yields exactly one event, whatever happened. */
static int
teardown(void **state)
{
	struct harness *h = *state;

	smtp_close(h->s, on_event, h);
	assert_int_equal(h->n, h->cnt.smtp_rcpt);
	smtp_session_free(h->s);
	free(h);
	return 0;
}

static void
feedn(struct harness *h, enum smtp_dir dir, const void *p, size_t n)
{
	uint8_t *copy = malloc(n > 0 ? n : 1);

	assert_non_null(copy);
	if (n > 0)
		memcpy(copy, p, n);
	smtp_feed(h->s, dir, copy, n, on_event, h, &h->cnt);
	free(copy);
}

static void
feed(struct harness *h, enum smtp_dir dir, const char *text)
{
	feedn(h, dir, text, strlen(text));
}

/* One byte per call. */
static void
feed_bytes(struct harness *h, enum smtp_dir dir, const char *text)
{
	for (size_t i = 0; text[i] != '\0'; i++)
		feedn(h, dir, text + i, 1);
}

static void
gap(struct harness *h, enum smtp_dir dir, size_t len)
{
	smtp_gap(h->s, dir, len, on_event, h, &h->cnt);
}

static void
expect_event(const struct harness *h, unsigned i, const char *rcpt,
    const char *domain, unsigned code)
{
	if (i >= h->n)
		fail_msg("event %u expected (%s), only %u seen", i, rcpt, h->n);
	assert_string_equal(h->ev[i].rcpt, rcpt);
	assert_string_equal(h->ev[i].domain, domain);
	assert_int_equal(h->ev[i].code, code);
}

/* A session up to an accepted EHLO. */
static void
greet(struct harness *h)
{
	feed(h, S, "220 mx.army.ml ESMTP ready\r\n");
	feed(h, C, "EHLO client.example.org\r\n");
	feed(h, S, "250-mx.army.ml\r\n250-PIPELINING\r\n250-CHUNKING\r\n"
	    "250 STARTTLS\r\n");
}

/* ---- Transcripts fed whole, byte by byte and in random pieces ---- */

struct step {
	enum smtp_dir	 dir;
	const char	*text;
};

static const struct step plain[] = {
	{ S, "220 mx.army.ml ESMTP Postfix\r\n" },
	{ C, "EHLO client.example.org\r\n" },
	{ S, "250-mx.army.ml\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n" },
	{ C, "MAIL FROM:<sender@example.org> SIZE=1024 BODY=8BITMIME\r\n" },
	{ S, "250 2.1.0 Ok\r\n" },
	{ C, "RCPT TO:<john@army.ml> NOTIFY=NEVER\r\n" },
	{ S, "550 5.1.1 <john@army.ml>: Recipient address rejected\r\n" },
	{ C, "RCPT TO:jane@ARMY.ML.\r\n" },
	{ S, "250 2.1.5 Ok\r\n" },
	{ C, "DATA\r\n" },
	{ S, "354 End data with <CR><LF>.<CR><LF>\r\n" },
	{ C, "Subject: hi\r\n\r\nRCPT TO:<x@gmial.com>\r\n"
	     "..RCPT TO:<y@gmial.com>\r\n.\r\n" },
	{ S, "250 2.0.0 Ok: queued as 4F2A\r\n" },
	{ C, "QUIT\r\n" },
	{ S, "221 2.0.0 Bye\r\n" },
};

/* Pipelining (RFC 2920), CHUNKING (RFC 3030) and two transactions. */
static const struct step piped[] = {
	{ S, "220-mx.army.ml ESMTP\r\n220 second greeting line\r\n" },
	{ C, "EHLO [192.0.2.7]\r\n" },
	{ S, "250-mx\r\n250-PIPELINING\r\n250 CHUNKING\r\n" },
	{ C, "MAIL FROM:<a@example.org>\r\nRCPT TO:<one@army.ml>\r\n"
	     "RCPT TO:<two@gmial.com>\r\nRCPT TO:<three@army.ml>\r\n"
	     "BDAT 28 LAST\r\nRCPT TO:<trap@gmial.com>\r\n\r\n"
	     "MAIL FROM:<b@example.org>\r\nRCPT TO:<four@army.ml>\r\n"
	     "DATA\r\n" },
	{ S, "250 ok\r\n250 one\r\n550 two\r\n250 three\r\n250 chunk\r\n"
	     "250 ok\r\n251 four\r\n354 go\r\n" },
	{ C, "body\r\n.\r\nRSET\r\n" },
	{ S, "250 queued\r\n250 reset\r\n" },
};

static void
check_plain(const struct harness *h)
{
	/* One message, accepted after its body (the final dot line counted). */
	assert_int_equal(h->nmsg, 1);
	assert_int_equal(h->msg_code, 250);
	assert_int_equal(h->msg_bytes, strlen("Subject: hi\r\n\r\n"
	    "RCPT TO:<x@gmial.com>\r\n..RCPT TO:<y@gmial.com>\r\n.\r\n"));
	assert_int_equal(h->n, 2);
	expect_event(h, 0, "<john@army.ml>", "army.ml", 550);
	assert_string_equal(h->ev[0].helo, "client.example.org");
	assert_string_equal(h->ev[0].mail_from, "<sender@example.org>");
	assert_string_equal(h->ev[0].list, "<john@army.ml>");
	assert_int_equal(h->ev[0].nrcpt, 1);
	assert_int_equal(h->ev[0].rcpt_index, 0);
	assert_string_equal(h->ev[0].text,
	    "5.1.1 <john@army.ml>: Recipient address rejected");
	assert_false(h->ev[0].smtputf8);

	expect_event(h, 1, "jane@ARMY.ML.", "ARMY.ML", 250);
	assert_string_equal(h->ev[1].list, "<john@army.ml>|jane@ARMY.ML.");
	assert_int_equal(h->ev[1].nrcpt, 2);
	assert_int_equal(h->ev[1].rcpt_index, 1);
	assert_string_equal(h->ev[1].text, "2.1.5 Ok");

	/* Sessions are counted by whoever creates them, not here. */
	assert_int_equal(h->cnt.smtp_sessions, 0);
	assert_int_equal(h->cnt.smtp_commands, 6);
	assert_int_equal(h->cnt.smtp_replies, 8);
	assert_int_equal(h->cnt.smtp_rcpt, 2);
	assert_int_equal(h->cnt.smtp_data_bodies, 1);
	assert_int_equal(h->cnt.smtp_unknown_commands, 0);
	assert_int_equal(h->cnt.smtp_line_too_long, 0);
	assert_int_equal(h->cnt.smtp_bad_address, 0);
	assert_true(smtp_done(h->s));
}

static void
check_piped(const struct harness *h)
{
	/* Two messages: the BDAT LAST chunk (28 bytes) and the DATA body. */
	assert_int_equal(h->nmsg, 2);
	assert_int_equal(h->msg_code, 250);
	assert_int_equal(h->msg_bytes, strlen("body\r\n.\r\n"));
	assert_int_equal(h->n, 4);
	expect_event(h, 0, "<one@army.ml>", "army.ml", 250);
	expect_event(h, 1, "<two@gmial.com>", "gmial.com", 550);
	expect_event(h, 2, "<three@army.ml>", "army.ml", 250);
	assert_string_equal(h->ev[2].list,
	    "<one@army.ml>|<two@gmial.com>|<three@army.ml>");
	assert_string_equal(h->ev[2].helo, "[192.0.2.7]");
	assert_string_equal(h->ev[2].mail_from, "<a@example.org>");
	expect_event(h, 3, "<four@army.ml>", "army.ml", 251);
	assert_string_equal(h->ev[3].list, "<four@army.ml>");
	assert_string_equal(h->ev[3].mail_from, "<b@example.org>");
	assert_string_equal(h->ev[3].helo, "[192.0.2.7]");
	assert_int_equal(h->cnt.smtp_bdat_chunks, 1);
	assert_int_equal(h->cnt.smtp_data_bodies, 1);
	assert_int_equal(h->cnt.smtp_commands, 10);
	assert_int_equal(h->cnt.smtp_replies, 12);
	assert_false(smtp_done(h->s));
}

static void
run(struct harness *h, const struct step *steps, size_t n, int how,
    unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		const char *t = steps[i].text;
		size_t len = strlen(t);

		if (how == 0) {
			feed(h, steps[i].dir, t);
		} else if (how == 1) {
			feed_bytes(h, steps[i].dir, t);
		} else {
			/* Random pieces, often splitting CRLF. */
			size_t o = 0;
			while (o < len) {
				seed = seed * 1103515245u + 12345u;
				size_t k = 1 + (seed >> 16) % 7;
				if (k > len - o)
					k = len - o;
				feedn(h, steps[i].dir, t + o, k);
				o += k;
			}
		}
	}
}

static void
assert_same_events(const struct harness *a, const struct harness *b)
{
	assert_int_equal(a->n, b->n);
	for (unsigned i = 0; i < a->n && i < MAX_EVENTS; i++) {
		const struct rec_event *x = &a->ev[i], *y = &b->ev[i];
		assert_string_equal(x->helo, y->helo);
		assert_string_equal(x->mail_from, y->mail_from);
		assert_string_equal(x->list, y->list);
		assert_string_equal(x->rcpt, y->rcpt);
		assert_string_equal(x->domain, y->domain);
		assert_string_equal(x->text, y->text);
		assert_int_equal(x->nrcpt, y->nrcpt);
		assert_int_equal(x->rcpt_index, y->rcpt_index);
		assert_int_equal(x->code, y->code);
		assert_int_equal(x->smtputf8, y->smtputf8);
	}
	assert_memory_equal(&a->cnt, &b->cnt, sizeof(a->cnt));
}

static void
plain_session(void **state)
{
	struct harness *h = *state;

	run(h, plain, sizeof(plain) / sizeof(plain[0]), 0, 0);
	check_plain(h);
}

static void
pipelined_bdat_session(void **state)
{
	struct harness *h = *state;

	run(h, piped, sizeof(piped) / sizeof(piped[0]), 0, 0);
	check_piped(h);
}

/* Whatever the pieces, the same events and the same counters. */
static void
any_split_same_events(void **state)
{
	static const struct {
		const struct step	*steps;
		size_t			 n;
		void			(*check)(const struct harness *);
	} sessions[] = {
		{ plain, sizeof(plain) / sizeof(plain[0]), check_plain },
		{ piped, sizeof(piped) / sizeof(piped[0]), check_piped },
	};
	(void)state;

	for (size_t k = 0; k < 2; k++) {
		void *whole_state, *piece_state;
		assert_int_equal(setup(&whole_state), 0);
		run(whole_state, sessions[k].steps, sessions[k].n, 0, 0);
		for (int how = 1; how <= 2; how++) {
			for (unsigned seed = 1; seed <= (how == 1 ? 1u : 20u);
			    seed++) {
				assert_int_equal(setup(&piece_state), 0);
				run(piece_state, sessions[k].steps,
				    sessions[k].n, how, seed);
				sessions[k].check(piece_state);
				assert_same_events(whole_state, piece_state);
				assert_int_equal(teardown(&piece_state), 0);
			}
		}
		assert_int_equal(teardown(&whole_state), 0);
	}
}

/* ---- Pipelining ---- */

static void
pipelined_replies_in_order(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<s@example.org>\r\nRCPT TO:<a@army.ml>\r\n"
	    "RCPT TO:<b@army.ml>\r\nRCPT TO:<c@army.ml>\r\nDATA\r\n");
	assert_int_equal(h->n, 0);
	feed(h, S, "250 2.1.0 Ok\r\n250 2.1.5 a Ok\r\n"
	    "550 5.1.1 b unknown\r\n250 2.1.5 c Ok\r\n354 go ahead\r\n");
	assert_int_equal(h->n, 3);
	expect_event(h, 0, "<a@army.ml>", "army.ml", 250);
	expect_event(h, 1, "<b@army.ml>", "army.ml", 550);
	expect_event(h, 2, "<c@army.ml>", "army.ml", 250);
	assert_string_equal(h->ev[0].text, "2.1.5 a Ok");
	assert_string_equal(h->ev[1].text, "5.1.1 b unknown");
	assert_string_equal(h->ev[2].text, "2.1.5 c Ok");
	assert_string_equal(h->ev[1].list, "<a@army.ml>|<b@army.ml>");
	assert_int_equal(h->ev[2].nrcpt, 3);
}

/*
 * RSET and a new MAIL FROM pipelined before the RCPT replies: each event
 * still carries its own transaction.  A third transaction before any reply
 * forces the first one's events out with code 0.
 */
static void
pipelined_transactions(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<a@example.org>\r\nRCPT TO:<x@army.ml>\r\n"
	    "RSET\r\nMAIL FROM:<b@example.org>\r\nRCPT TO:<y@army.ml>\r\n");
	feed(h, S, "250 ok\r\n250 x\r\n250 reset\r\n250 ok\r\n550 y\r\n");
	assert_int_equal(h->n, 2);
	expect_event(h, 0, "<x@army.ml>", "army.ml", 250);
	assert_string_equal(h->ev[0].mail_from, "<a@example.org>");
	expect_event(h, 1, "<y@army.ml>", "army.ml", 550);
	assert_string_equal(h->ev[1].mail_from, "<b@example.org>");
	assert_string_equal(h->ev[1].list, "<y@army.ml>");
	assert_int_equal(h->cnt.smtp_pending_capped, 0);

	feed(h, C, "RSET\r\nMAIL FROM:<c@example.org>\r\n"
	    "RCPT TO:<p@army.ml>\r\n"
	    "RSET\r\nMAIL FROM:<d@example.org>\r\nRCPT TO:<q@army.ml>\r\n"
	    "RSET\r\nMAIL FROM:<e@example.org>\r\nRCPT TO:<r@army.ml>\r\n");
	/* The third transaction pushed the first one's RCPT out. */
	assert_int_equal(h->n, 3);
	expect_event(h, 2, "<p@army.ml>", "army.ml", 0);
	assert_string_equal(h->ev[2].mail_from, "<c@example.org>");
	assert_int_equal(h->cnt.smtp_pending_capped, 1);
	feed(h, S, "250 reset\r\n250 ok\r\n250 p\r\n250 reset\r\n250 ok\r\n"
	    "251 q\r\n250 reset\r\n250 ok\r\n552 r\r\n");
	assert_int_equal(h->n, 5);
	expect_event(h, 3, "<q@army.ml>", "army.ml", 251);
	assert_string_equal(h->ev[3].mail_from, "<d@example.org>");
	expect_event(h, 4, "<r@army.ml>", "army.ml", 552);
	assert_string_equal(h->ev[4].mail_from, "<e@example.org>");
	assert_string_equal(h->ev[4].helo, "client.example.org");
}

/* 200 pipelined NOOPs: the FIFO stays capped and pairing stays right. */
static void
pending_fifo_overflow(void **state)
{
	struct harness *h = *state;
	size_t mem = smtp_memory(h->s);
	char *noops = malloc(4096);
	char *oks = malloc(4096);

	assert_non_null(noops);
	assert_non_null(oks);
	noops[0] = oks[0] = '\0';
	for (int i = 0; i < 200; i++) {
		strcat(noops, "NOOP\r\n");
		strcat(oks, "250 ok\r\n");
	}
	strcat(noops, "RCPT TO:<late@army.ml>\r\n");
	strcat(oks, "550 late\r\n");

	greet(h);
	feed(h, C, noops);
	assert_int_equal(h->cnt.smtp_pending_capped, 201 - SMTP_MAX_PENDING);
	assert_int_equal(smtp_memory(h->s), mem);
	assert_int_equal(h->n, 0);
	feed(h, S, oks);
	assert_int_equal(h->n, 1);
	expect_event(h, 0, "<late@army.ml>", "army.ml", 550);
	assert_string_equal(h->ev[0].text, "late");
	assert_int_equal(h->cnt.smtp_commands, 202);

	/* And afterwards, plain pairing again. */
	feed(h, C, "RCPT TO:<next@army.ml>\r\n");
	feed(h, S, "251 next\r\n");
	expect_event(h, 1, "<next@army.ml>", "army.ml", 251);

	/*
	 * MAIL and 70 RCPTs pipelined: the 7 oldest are forgotten, their
	 * events go out at once with code 0, in order, and their replies
	 * are skipped.
	 */
	noops[0] = oks[0] = '\0';
	strcat(noops, "MAIL FROM:<s@example.org>\r\n");
	strcat(oks, "250 ok\r\n");
	for (int i = 0; i < 70; i++) {
		char line[64];
		snprintf(line, sizeof(line), "RCPT TO:<r%d@army.ml>\r\n", i);
		strcat(noops, line);
		strcat(oks, i == 10 ? "550 r10\r\n" : "250 ok\r\n");
	}
	feed(h, C, noops);
	assert_int_equal(h->n, 2 + 6);
	for (unsigned i = 0; i < 6; i++) {
		char want[32];
		snprintf(want, sizeof(want), "<r%u@army.ml>", i);
		expect_event(h, 2 + i, want, "army.ml", 0);
	}
	feed(h, S, oks);
	assert_int_equal(h->n, 2 + 70);
	expect_event(h, 8, "<r6@army.ml>", "army.ml", 250);
	expect_event(h, 12, "<r10@army.ml>", "army.ml", 550);
	expect_event(h, 71, "<r69@army.ml>", "army.ml", 250);
	assert_int_equal(h->cnt.smtp_pending_capped, 137 + 7);
	assert_int_equal(smtp_memory(h->s), mem);
	free(noops);
	free(oks);
}

/* ---- Message bodies, chunks, TLS, SASL ---- */

static void
rcpt_in_body_never_alerts(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<s@example.org>\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "RCPT TO:<real@army.mil>\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "DATA\r\n");
	feed(h, S, "354 go\r\n");
	feed(h, C, "From: s@example.org\r\n\r\n"
	    "RCPT TO:<x@gmial.com>\r\n"
	    "..RCPT TO:<x@gmial.com>\r\n"
	    ".RCPT TO:<x@gmial.com>\r\n"
	    " .\r\n"
	    "..\r\n"
	    ". \r\n"
	    "MAIL FROM:<z@example.org>\r\n");
	feed(h, C, "RCPT TO:<x@gmial.com>\r\n.");
	feed(h, C, "\r");
	feed(h, C, "\nRCPT TO:<after@army.ml>\r\n");
	feed(h, S, "250 queued\r\n550 no transaction\r\n");
	assert_int_equal(h->n, 2);
	expect_event(h, 0, "<real@army.mil>", "army.mil", 250);
	expect_event(h, 1, "<after@army.ml>", "army.ml", 550);
	assert_string_equal(h->ev[1].mail_from, "");	/* transaction over */
	assert_int_equal(h->cnt.smtp_data_bodies, 1);
	assert_int_equal(h->cnt.smtp_rcpt, 2);
}

/* Only the client's side captured: no 354, the body is still a body. */
static void
body_without_server_side(void **state)
{
	struct harness *h = *state;

	feed(h, C, "EHLO c.example.org\r\nMAIL FROM:<s@example.org>\r\n"
	    "RCPT TO:<real@army.ml>\r\nDATA\r\n"
	    "Subject: x\r\n\r\nRCPT TO:<x@gmial.com>\r\n.\r\nQUIT\r\n");
	assert_int_equal(h->n, 0);
	assert_int_equal(h->cnt.smtp_rcpt, 1);
	assert_int_equal(h->cnt.smtp_commands, 5);
	smtp_close(h->s, on_event, h);
	assert_int_equal(h->n, 1);
	expect_event(h, 0, "<real@army.ml>", "army.ml", 0);
	assert_string_equal(h->ev[0].text, "");
	assert_string_equal(h->ev[0].helo, "c.example.org");
}

/* DATA refused: no body follows, the next lines are commands. */
static void
data_refused(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<s@example.org>\r\nRCPT TO:<a@army.ml>\r\n"
	    "DATA\r\n");
	feed(h, S, "250 ok\r\n550 no\r\n554 5.5.1 No valid recipients\r\n");
	feed(h, C, "RSET\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "MAIL FROM:<s@example.org>\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "RCPT TO:<b@army.ml>\r\n");
	feed(h, S, "250 ok\r\n");
	assert_int_equal(h->n, 2);
	expect_event(h, 0, "<a@army.ml>", "army.ml", 550);
	expect_event(h, 1, "<b@army.ml>", "army.ml", 250);
	assert_int_equal(h->cnt.smtp_data_bodies, 0);
}

static void
bdat_chunks_skipped(void **state)
{
	struct harness *h = *state;
	static const char chunk[] =
	    "RCPT TO:<trap@gmial.com>\r\n.\r\nMAIL FROM:<t@x>\r\n";

	greet(h);
	feed(h, C, "MAIL FROM:<s@example.org>\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "RCPT TO:<first@army.ml>\r\n");
	feed(h, S, "250 ok\r\n");

	/* Two chunks pipelined, the command split from its data. */
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "BDAT %zu\r\n", sizeof(chunk) - 1);
	feed(h, C, cmd);
	feed(h, C, chunk);
	snprintf(cmd, sizeof(cmd), "bdat %zu last\r\n", sizeof(chunk) - 1);
	feed(h, C, cmd);
	feed_bytes(h, C, chunk);
	feed(h, C, "BDAT 0 LAST\r\n");
	feed(h, S, "250 2.0.0 chunk\r\n250 2.0.0 queued\r\n250 empty\r\n");
	assert_int_equal(h->n, 1);
	assert_int_equal(h->cnt.smtp_bdat_chunks, 3);

	/* A second transaction after BDAT LAST does make events. */
	feed(h, C, "MAIL FROM:<s2@example.org>\r\n"
	    "RCPT TO:<second@army.ml>\r\n");
	feed(h, S, "250 ok\r\n550 no such user\r\n");
	assert_int_equal(h->n, 2);
	expect_event(h, 1, "<second@army.ml>", "army.ml", 550);
	assert_string_equal(h->ev[1].list, "<second@army.ml>");
	assert_string_equal(h->ev[1].mail_from, "<s2@example.org>");
	assert_int_equal(h->cnt.smtp_commands, 8);
}

/* Sizes up to 64 bits are skipped by count; beyond, nothing is skipped. */
static void
bdat_absurd_sizes(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "BDAT 99999999999999999999999\r\n");	/* > 64 bits */
	feed(h, C, "BDAT 12x\r\n");
	feed(h, C, "BDAT\r\n");
	feed(h, S, "501 a\r\n501 b\r\n501 c\r\n");
	feed(h, C, "RCPT TO:<seen@army.ml>\r\n");
	feed(h, S, "250 ok\r\n");
	assert_int_equal(h->n, 1);
	assert_int_equal(h->cnt.smtp_bdat_chunks, 0);

	feed(h, C, "BDAT 18446744073709551615\r\n");	/* UINT64_MAX */
	assert_int_equal(h->cnt.smtp_bdat_chunks, 1);
	feed(h, C, "RCPT TO:<hidden@gmial.com>\r\n");
	assert_int_equal(h->cnt.smtp_rcpt, 1);
	assert_int_equal(h->cnt.smtp_commands, 6);
}

static void
starttls_accepted(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "STARTTLS\r\n");
	feed(h, S, "220 2.0.0 Ready to start TLS\r\n");
	assert_true(smtp_done(h->s));
	assert_int_equal(h->cnt.smtp_starttls, 1);
	feed(h, C, CLIENT_HELLO);
	feed(h, C, "RCPT TO:<x@army.ml>\r\n");
	feed(h, S, "250 ok\r\n");
	gap(h, C, 10);
	assert_int_equal(h->n, 0);
	assert_int_equal(h->cnt.smtp_rcpt, 0);
	assert_int_equal(h->cnt.smtp_commands, 2);
	assert_int_equal(h->cnt.smtp_gaps, 0);
}

/* RFC 3207 4.2: a command pipelined after STARTTLS is not one. */
static void
starttls_injection(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "STARTTLS\r\nRCPT TO:<x@army.ml>\r\n");
	feed(h, S, "220 go ahead\r\n");
	assert_true(smtp_done(h->s));
	assert_int_equal(h->cnt.smtp_rcpt, 0);
}

static void
starttls_refused(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "STARTTLS\r\n");
	feed(h, S, "454 4.7.0 TLS not available\r\n");
	assert_false(smtp_done(h->s));
	feed(h, C, "MAIL FROM:<s@example.org>\r\nRCPT TO:<x@army.ml>\r\n");
	feed(h, S, "250 ok\r\n250 ok\r\n");
	assert_int_equal(h->n, 1);
	expect_event(h, 0, "<x@army.ml>", "army.ml", 250);
	assert_int_equal(h->cnt.smtp_starttls, 0);
}

static void
auth_lines_not_commands(void **state)
{
	struct harness *h = *state;

	greet(h);
	/* PLAIN without an initial response: one SASL line. */
	feed(h, C, "AUTH PLAIN\r\n");
	feed(h, S, "334 \r\n");
	feed(h, C, "AHVzZXIAcGFzc3dvcmQ=\r\n");
	feed(h, S, "235 2.7.0 Authentication successful\r\n");
	assert_int_equal(h->cnt.smtp_commands, 2);
	/* LOGIN: two challenges, two lines, one looking like a verb. */
	feed(h, C, "AUTH LOGIN\r\n");
	feed(h, S, "334 VXNlcm5hbWU6\r\n");
	feed(h, C, "RATA\r\n");
	feed(h, S, "334 UGFzc3dvcmQ6\r\n");
	feed(h, C, "cGFzcw==\r\n");
	feed(h, S, "535 5.7.8 Authentication failed\r\n");
	assert_int_equal(h->cnt.smtp_commands, 3);
	/* Cancelled exchange (RFC 4954 4: "*"). */
	feed(h, C, "AUTH CRAM-MD5\r\n");
	feed(h, S, "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+\r\n");
	feed(h, C, "*\r\n");
	feed(h, S, "501 5.0.0 cancelled\r\n");
	assert_int_equal(h->cnt.smtp_commands, 4);
	/* PLAIN with an initial response may have commands pipelined. */
	feed(h, C, "AUTH PLAIN AHVzZXIAcGFzc3dvcmQ=\r\n"
	    "MAIL FROM:<u@example.org>\r\nRCPT TO:<x@army.ml>\r\n");
	feed(h, S, "235 ok\r\n250 ok\r\n250 ok\r\n");
	assert_int_equal(h->n, 1);
	expect_event(h, 0, "<x@army.ml>", "army.ml", 250);
	assert_int_equal(h->cnt.smtp_commands, 7);
	assert_int_equal(h->cnt.smtp_unknown_commands, 0);
}

/* Only the client's side captured: SASL lines are still not commands. */
static void
auth_without_server_side(void **state)
{
	struct harness *h = *state;

	feed(h, C, "EHLO c\r\nAUTH LOGIN\r\ndXNlcg==\r\nRSET\r\n"
	    "MAIL FROM:<u@example.org>\r\nRCPT TO:<x@army.ml>\r\n");
	assert_int_equal(h->cnt.smtp_commands, 4);
	assert_int_equal(h->cnt.smtp_unknown_commands, 0);
	assert_int_equal(h->cnt.smtp_rcpt, 1);
}

/*
 * RFC 4954 4: after PLAIN with an initial response the next line is a
 * command even when it looks like base64.
 */
static void
auth_plain_initial_response(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "AUTH PLAIN AHVzZXIAcGFzc3dvcmQ=\r\nRSET\r\nNOOP\r\n");
	feed(h, S, "235 ok\r\n250 ok\r\n250 ok\r\n");
	assert_int_equal(h->cnt.smtp_commands, 4);
	feed(h, C, "AUTH EXTERNAL =\r\nQUIT\r\n");
	feed(h, S, "235 ok\r\n221 bye\r\n");
	assert_true(smtp_done(h->s));
}

/* The server's final reply to AUTH was lost: a command ends SASL mode. */
static void
auth_reply_lost(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "AUTH LOGIN\r\n");
	feed(h, S, "334 VXNlcm5hbWU6\r\n");
	feed(h, C, "dXNlcg==\r\n");
	gap(h, S, 100);
	feed(h, C, "MAIL FROM:<u@example.org>\r\nRCPT TO:<x@army.ml>\r\n");
	feed(h, S, "250 ok\r\n250 ok\r\n");
	assert_int_equal(h->n, 1);
	expect_event(h, 0, "<x@army.ml>", "army.ml", 250);
}

/* ---- Transactions ---- */

static void
rset_restarts_transaction(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<a@example.org>\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "RCPT TO:<one@army.ml>\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "RSET\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "RCPT TO:<nomail@army.ml>\r\n");
	feed(h, S, "503 5.5.1 need MAIL\r\n");
	feed(h, C, "MAIL FROM:<b@example.org>\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "RCPT TO:<two@army.ml>\r\n");
	feed(h, S, "250 ok\r\n");
	assert_int_equal(h->n, 3);
	assert_string_equal(h->ev[0].list, "<one@army.ml>");
	assert_string_equal(h->ev[1].mail_from, "");
	assert_string_equal(h->ev[1].list, "<nomail@army.ml>");
	expect_event(h, 2, "<two@army.ml>", "army.ml", 250);
	assert_string_equal(h->ev[2].list, "<two@army.ml>");
	assert_int_equal(h->ev[2].nrcpt, 1);
	assert_string_equal(h->ev[2].mail_from, "<b@example.org>");

	/* RFC 5321 4.1.4: EHLO resets the transaction too. */
	feed(h, C, "EHLO again.example.org\r\nRCPT TO:<three@army.ml>\r\n");
	feed(h, S, "250 hi\r\n503 need MAIL\r\n");
	expect_event(h, 3, "<three@army.ml>", "army.ml", 503);
	assert_string_equal(h->ev[3].list, "<three@army.ml>");
	assert_string_equal(h->ev[3].mail_from, "");
	assert_string_equal(h->ev[3].helo, "again.example.org");
}

static void
several_transactions(void **state)
{
	struct harness *h = *state;

	greet(h);
	for (int i = 0; i < 3; i++) {
		char line[128];
		snprintf(line, sizeof(line), "MAIL FROM:<s%d@example.org>\r\n"
		    "RCPT TO:<r%d@army.ml>\r\nRCPT TO:<q%d@army.ml>\r\n"
		    "DATA\r\n", i, i, i);
		feed(h, C, line);
		feed(h, S, "250 ok\r\n250 ok\r\n550 no\r\n354 go\r\n");
		feed(h, C, "text\r\n.\r\n");
		feed(h, S, "250 queued\r\n");
	}
	/* A new EHLO also ends the transaction and changes the helo. */
	feed(h, C, "EHLO other.example.org\r\nRCPT TO:<late@army.ml>\r\n");
	feed(h, S, "250 hi\r\n503 need MAIL\r\n");
	assert_int_equal(h->n, 7);
	for (int i = 0; i < 3; i++) {
		char want[64];
		snprintf(want, sizeof(want), "<s%d@example.org>", i);
		assert_string_equal(h->ev[2 * i].mail_from, want);
		assert_string_equal(h->ev[2 * i + 1].mail_from, want);
		snprintf(want, sizeof(want), "<r%d@army.ml>|<q%d@army.ml>", i,
		    i);
		assert_string_equal(h->ev[2 * i + 1].list, want);
		assert_int_equal(h->ev[2 * i].code, 250);
		assert_int_equal(h->ev[2 * i + 1].code, 550);
	}
	assert_string_equal(h->ev[6].helo, "other.example.org");
	assert_string_equal(h->ev[6].mail_from, "");
	assert_string_equal(h->ev[6].list, "<late@army.ml>");
	assert_int_equal(h->cnt.smtp_data_bodies, 3);
}

/* Raw strings: brackets and quotes kept, ESMTP parameters dropped. */
static void
raw_strings(void **state)
{
	struct harness *h = *state;

	feed(h, S, "220 mx ESMTP\r\n");
	feed(h, C, "helo   mail.example.org  \r\n");
	feed(h, S, "250 hi\r\n");
	feed(h, C, "mail from: <> SIZE=10\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "rcpt to:<\"john doe\"@army.ml> NOTIFY=SUCCESS,FAILURE "
	    "ORCPT=rfc822;john@army.ml\r\n");
	feed(h, C, "Rcpt To: <@a.mil,@b.mil:user@army.ml>\r\n");
	feed(h, C, "RCPT TO:<\"a>b\"@army.ml> X=1\r\n");
	feed(h, C, "RCPT TO:<user@[192.0.2.1]>\r\n");
	feed(h, C, "RCPT TO:no-at-sign\r\n");
	feed(h, C, "RCPT TO:bare@army.ml NOTIFY=NEVER\r\n");
	feed(h, S, "250 a\r\n250 b\r\n250 c\r\n250 d\r\n501 e\r\n250 f\r\n");
	assert_int_equal(h->n, 6);
	assert_string_equal(h->ev[0].helo, "mail.example.org");
	assert_string_equal(h->ev[0].mail_from, "<>");
	expect_event(h, 0, "<\"john doe\"@army.ml>", "army.ml", 250);
	expect_event(h, 1, "<@a.mil,@b.mil:user@army.ml>", "army.ml", 250);
	expect_event(h, 2, "<\"a>b\"@army.ml>", "army.ml", 250);
	expect_event(h, 3, "<user@[192.0.2.1]>", "", 250);
	expect_event(h, 4, "no-at-sign", "", 501);
	expect_event(h, 5, "bare@army.ml", "army.ml", 250);
	assert_int_equal(h->cnt.smtp_bad_address, 1);
}

static void
smtputf8_address(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<s@example.org> SMTPUTF8\r\n"
	    "RCPT TO:<user@b\xc3\xbc" "cher.example>\r\n"
	    "RCPT TO:<user@army.ml>\r\n");
	feed(h, S, "250 ok\r\n250 ok\r\n250 ok\r\n");
	assert_int_equal(h->n, 2);
	expect_event(h, 0, "<user@b\xc3\xbc" "cher.example>",
	    "b\xc3\xbc" "cher.example", 250);
	assert_true(h->ev[0].smtputf8);
	assert_false(h->ev[1].smtputf8);
}

/* 70 recipients: 64 listed, the others reported with the list + self. */
static void
recipient_list_cap(void **state)
{
	struct harness *h = *state;
	char line[64];

	greet(h);
	feed(h, C, "MAIL FROM:<s@example.org>\r\n");
	feed(h, S, "250 ok\r\n");
	for (int i = 0; i < 70; i += 10) {
		for (int j = i; j < i + 10; j++) {
			snprintf(line, sizeof(line),
			    "RCPT TO:<r%d@army.ml>\r\n", j);
			feed(h, C, line);
		}
		for (int j = i; j < i + 10; j++)
			feed(h, S, j % 2 ? "550 no\r\n" : "250 ok\r\n");
	}
	assert_int_equal(h->n, 70);
	assert_int_equal(h->cnt.smtp_rcpt_capped, 6);
	assert_int_equal(h->cnt.smtp_pending_capped, 0);
	for (int i = 0; i < 70; i++) {
		snprintf(line, sizeof(line), "<r%d@army.ml>", i);
		expect_event(h, (unsigned)i, line, "army.ml",
		    i % 2 ? 550 : 250);
		assert_int_equal(h->ev[i].nrcpt, i < 64 ? i + 1 : 65);
	}
	assert_non_null(strstr(h->ev[69].list, "<r63@army.ml>|<r69@army.ml>"));
	assert_non_null(strstr(h->ev[64].list, "<r0@army.ml>|<r1@army.ml>"));
}

/*
 * Abusively long addresses, all pipelined: storage runs out, yet every
 * RCPT gets one event, in order, with its domain.
 */
static void
long_addresses_bounded(void **state)
{
	struct harness *h = *state;
	size_t mem = smtp_memory(h->s);
	char *line = malloc(1024);
	unsigned codes_seen = 0;

	assert_non_null(line);
	greet(h);
	feed(h, C, "MAIL FROM:<s@example.org>\r\n");
	for (int i = 0; i < 60; i++) {
		int n = snprintf(line, 1024, "RCPT TO:<%03d", i);
		memset(line + n, 'a', 480);
		snprintf(line + n + 480, 1024 - (size_t)n - 480,
		    "@army.ml> NOTIFY=NEVER\r\n");
		feed(h, C, line);
	}
	for (int i = 0; i < 61; i++)
		feed(h, S, "250 ok\r\n");
	assert_int_equal(h->n, 60);
	for (unsigned i = 0; i < 60; i++) {
		char want[8];
		snprintf(want, sizeof(want), "<%03u", i);
		assert_memory_equal(h->ev[i].rcpt, want, 4);
		assert_string_equal(h->ev[i].domain, "army.ml");
		assert_int_equal(strlen(h->ev[i].rcpt), 4 + 480 + 9);
		if (h->ev[i].code == 250)
			codes_seen++;
	}
	assert_true(codes_seen > 0 && codes_seen < 60);
	assert_true(h->cnt.smtp_rcpt_capped > 0);

	/* One at a time, each gets its reply; the first ones are listed. */
	feed(h, C, "RSET\r\nMAIL FROM:<s@example.org>\r\n");
	feed(h, S, "250 ok\r\n250 ok\r\n");
	for (int i = 0; i < 60; i++) {
		int n = snprintf(line, 1024, "RCPT TO:<%03d", i);
		memset(line + n, 'b', 480);
		snprintf(line + n + 480, 1024 - (size_t)n - 480,
		    "@army.ml>\r\n");
		feed(h, C, line);
		feed(h, S, "251 ok\r\n");
	}
	assert_int_equal(h->n, 120);
	for (unsigned i = 60; i < 120; i++) {
		assert_int_equal(h->ev[i].code, 251);
		assert_string_equal(h->ev[i].domain, "army.ml");
	}
	assert_int_equal(h->ev[60].nrcpt, 1);
	assert_true(h->ev[119].nrcpt > 1 && h->ev[119].nrcpt < 60);
	assert_int_equal(smtp_memory(h->s), mem);
	free(line);
}

/* ---- Framing ---- */

static void
long_line_capped(void **state)
{
	struct harness *h = *state;
	char *big = malloc(5000 + 3);

	assert_non_null(big);
	greet(h);
	memset(big, 'X', 5000);
	memcpy(big + 5000, "\r\n", 3);
	feed(h, C, big);
	assert_int_equal(h->cnt.smtp_line_too_long, 1);
	assert_int_equal(h->cnt.smtp_unknown_commands, 1);
	feed(h, S, "500 5.5.2 line too long\r\n");

	/* A long RCPT is still a RCPT, its path capped. */
	memcpy(big, "RCPT TO:<", 9);
	memset(big + 9, 'a', 4000);
	memcpy(big + 4009, "@army.ml>\r\n", 12);
	feed(h, C, big);
	assert_int_equal(h->cnt.smtp_line_too_long, 2);
	feed(h, S, "501 5.1.3 bad address\r\n");
	assert_int_equal(h->n, 1);
	assert_int_equal(strlen(h->ev[0].rcpt), SMTP_ADDR_MAX);
	assert_int_equal(h->ev[0].code, 501);

	/* The parser goes on, pairing intact. */
	feed(h, C, "MAIL FROM:<s@example.org>\r\nRCPT TO:<ok@army.ml>\r\n");
	feed(h, S, "250 ok\r\n251 ok\r\n");
	expect_event(h, 1, "<ok@army.ml>", "army.ml", 251);

	/* Exactly SMTP_LINE_MAX bytes is not too long; one more is. */
	memset(big, 'N', SMTP_LINE_MAX);
	memcpy(big + SMTP_LINE_MAX, "\r\n", 3);
	feed_bytes(h, C, big);
	assert_int_equal(h->cnt.smtp_line_too_long, 2);
	memset(big, 'N', SMTP_LINE_MAX + 1);
	memcpy(big + SMTP_LINE_MAX + 1, "\r\n", 3);
	feed(h, C, big);
	assert_int_equal(h->cnt.smtp_line_too_long, 3);
	/* A long reply line is capped too and still completes a reply. */
	memcpy(big, "250 ", 4);
	memset(big + 4, 'r', 3000);
	memcpy(big + 3004, "\r\n", 3);
	feed(h, S, big);
	assert_int_equal(h->cnt.smtp_line_too_long, 4);
	feed(h, S, "500 b\r\n");
	feed(h, C, "RCPT TO:<last@army.ml>\r\n");
	feed(h, S, "250 last\r\n");
	expect_event(h, 2, "<last@army.ml>", "army.ml", 250);
	free(big);
}

static void
bare_lf_lines(void **state)
{
	struct harness *h = *state;

	feed(h, S, "220 mx ESMTP\n");
	feed(h, C, "EHLO c\nMAIL FROM:<s@x>\nRCPT TO:<a@army.ml>\nDATA\n");
	feed(h, S, "250 hi\n250 ok\n250-a\n250 b\n354 go\n");
	feed(h, C, "RCPT TO:<x@gmial.com>\n.\nRCPT TO:<b@army.ml>\r\n");
	feed(h, S, "250 queued\n503 no\n");
	assert_int_equal(h->n, 2);
	expect_event(h, 0, "<a@army.ml>", "army.ml", 250);
	assert_string_equal(h->ev[0].text, "a");
	expect_event(h, 1, "<b@army.ml>", "army.ml", 503);
	assert_int_equal(h->cnt.smtp_replies, 7);
}

static void
quit_ends_session(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "QUIT\r\n");
	assert_false(smtp_done(h->s));
	feed(h, S, "221 bye\r\n");
	assert_true(smtp_done(h->s));
	feed(h, C, "RCPT TO:<x@army.ml>\r\n");
	assert_int_equal(h->cnt.smtp_rcpt, 0);
	assert_int_equal(h->cnt.smtp_commands, 2);
}

/* A client that talks before the greeting: the 220 is still the greeting. */
static void
early_talker(void **state)
{
	struct harness *h = *state;

	feed(h, C, "EHLO c.example.org\r\nMAIL FROM:<s@x>\r\n"
	    "RCPT TO:<a@army.ml>\r\n");
	feed(h, S, "220 mx ESMTP\r\n250 hi\r\n250 ok\r\n550 no\r\n");
	assert_int_equal(h->n, 1);
	expect_event(h, 0, "<a@army.ml>", "army.ml", 550);
}

/* ---- Gaps and the end of the connection ---- */

static void
gap_client_in_body(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<s@example.org>\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "RCPT TO:<a@army.ml>\r\n");
	feed(h, S, "250 ok\r\n");
	feed(h, C, "DATA\r\n");
	feed(h, S, "354 go\r\n");
	feed(h, C, "line one\r\nline two, cut");
	gap(h, C, 1400);	/* the end of the body and its "." lost */
	feed(h, C, "end of a line.\r\nRCPT TO:<trap@gmial.com>\r\n");
	feed(h, S, "250 2.0.0 queued\r\n");
	/* The body is over, but only a clear command ends it. */
	feed(h, C, "RCPT TO:<trap2@gmial.com>\r\n");
	feed(h, C, "MAIL FROM:<s2@example.org>\r\nRCPT TO:<b@army.ml>\r\n");
	feed(h, S, "250 ok\r\n550 no\r\n");
	assert_int_equal(h->n, 2);
	expect_event(h, 0, "<a@army.ml>", "army.ml", 250);
	expect_event(h, 1, "<b@army.ml>", "army.ml", 550);
	assert_string_equal(h->ev[1].mail_from, "<s2@example.org>");
	assert_int_equal(h->cnt.smtp_gaps, 1);
	assert_int_equal(h->cnt.smtp_data_bodies, 1);
}

/* A gap inside the body that spares the terminator: plain ending. */
static void
gap_client_body_terminator_kept(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<s@x>\r\nRCPT TO:<a@army.ml>\r\nDATA\r\n");
	feed(h, S, "250 ok\r\n250 ok\r\n354 go\r\n");
	feed(h, C, "some text\r\nmore");
	gap(h, C, 800);
	/* After a hole, "." most likely ends a sentence, not the message. */
	feed(h, C, ".\r\nRCPT TO:<trap@gmial.com>\r\n.\r\n"
	    "RCPT TO:<b@army.ml>\r\n");
	feed(h, S, "250 queued\r\n503 need MAIL\r\n");
	assert_int_equal(h->n, 2);
	expect_event(h, 1, "<b@army.ml>", "army.ml", 503);
	assert_int_equal(h->cnt.smtp_data_bodies, 1);
}

static void
gap_client_in_chunk(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<s@x>\r\nBDAT 100 LAST\r\n");
	feed(h, C, "RCPT TO:<trap@gmial.com>\r\n");	/* 26 of 100 */
	gap(h, C, 50);
	feed(h, C, "RCPT TO:<trap@gmial.com>");	/* the last 24 */
	feed(h, C, "RCPT TO:<after@army.ml>\r\n");
	feed(h, S, "250 ok\r\n250 queued\r\n250 ok\r\n");
	assert_int_equal(h->n, 1);
	expect_event(h, 0, "<after@army.ml>", "army.ml", 250);

	/* A gap longer than what is left of the chunk ends it. */
	feed(h, C, "BDAT 10\r\nabc");
	gap(h, C, 500);
	feed(h, C, "RCPT TO:<more@army.ml>\r\n");
	feed(h, S, "250 chunk\r\n252 more\r\n");
	assert_int_equal(h->n, 2);
	expect_event(h, 1, "<more@army.ml>", "army.ml", 252);
	assert_int_equal(h->cnt.smtp_gaps, 2);
}

static void
gap_server_resolves_pending(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<s@x>\r\nRCPT TO:<a@army.ml>\r\n"
	    "RCPT TO:<b@army.ml>\r\n");
	feed(h, S, "250 ok\r\n250-a is fine\r\n");
	gap(h, S, 300);
	assert_int_equal(h->n, 2);
	expect_event(h, 0, "<a@army.ml>", "army.ml", 0);
	expect_event(h, 1, "<b@army.ml>", "army.ml", 0);
	assert_string_equal(h->ev[0].text, "");
	/* A late reply matches nothing. */
	feed(h, S, "550 b\r\n");
	feed(h, C, "RCPT TO:<c@army.ml>\r\n");
	feed(h, S, "251 c\r\n");
	assert_int_equal(h->n, 3);
	expect_event(h, 2, "<c@army.ml>", "army.ml", 251);
	assert_string_equal(h->ev[2].list,
	    "<a@army.ml>|<b@army.ml>|<c@army.ml>");
	assert_int_equal(h->cnt.smtp_gaps, 1);
}

/* The 354 and the DATA both lost: the server's 250 still ends the body. */
static void
gap_server_then_client_in_body(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<s@x>\r\nRCPT TO:<a@army.ml>\r\nDATA\r\n");
	feed(h, S, "250 ok\r\n250 ok\r\n");
	gap(h, S, 20);
	feed(h, C, "text\r\nRCPT TO:<trap@gmial.com>\r\npartial");
	gap(h, C, 300);
	feed(h, S, "250 queued\r\n");
	feed(h, C, "rest\r\nRSET\r\nMAIL FROM:<t@x>\r\n"
	    "RCPT TO:<b@army.ml>\r\n");
	feed(h, S, "250 ok\r\n250 ok\r\n250 ok\r\n");
	assert_int_equal(h->n, 2);
	expect_event(h, 1, "<b@army.ml>", "army.ml", 250);
}

static void
close_resolves_pending(void **state)
{
	struct harness *h = *state;

	greet(h);
	feed(h, C, "MAIL FROM:<s@x>\r\nRCPT TO:<a@army.ml>\r\n"
	    "RCPT TO:<b@army.ml>\r\n");
	feed(h, S, "250 ok\r\n550 a\r\n");
	assert_int_equal(h->n, 1);
	smtp_close(h->s, on_event, h);
	assert_int_equal(h->n, 2);
	expect_event(h, 1, "<b@army.ml>", "army.ml", 0);
	assert_string_equal(h->ev[1].text, "");
	/* Closing twice reports nothing twice. */
	smtp_close(h->s, on_event, h);
	assert_int_equal(h->n, 2);
}

/* Random bytes, pieces and gaps: no crash, bounded memory, sane events. */
static void
random_input_survived(void **state)
{
	static const char *const pieces[] = {
		"RCPT TO:<a@army.ml>", "MAIL FROM:<b@x>", "DATA", "BDAT 7",
		"BDAT 3 LAST", "AUTH LOGIN", "STARTTLS", "RSET", "EHLO x",
		"QUIT", "250 ok", "250-", "354 go", "334 ", "220 ", "550 no",
		"\r\n", "\r\n", "\n", ".", "\r\n.\r\n", "..", "<", ">", "\"",
		"@", " ", "\\",
	};
	struct harness *h = *state;
	size_t mem = smtp_memory(h->s);
	uint32_t seed = 12345;
	uint8_t buf[256];

	for (int round = 0; round < 20000; round++) {
		size_t n = 0;
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 8;
		enum smtp_dir dir = (r & 1) ? S : C;
		int k = 1 + (int)((r >> 1) % 6);
		for (int j = 0; j < k; j++) {
			seed = seed * 1103515245u + 12345u;
			r = seed >> 8;
			if (r % 5 == 0) {
				buf[n++] = (uint8_t)(r >> 8);
			} else {
				const char *p = pieces[(r >> 3) %
				    (sizeof(pieces) / sizeof(pieces[0]))];
				size_t l = strlen(p);
				memcpy(buf + n, p, l);
				n += l;
			}
		}
		if ((r >> 20) % 50 == 0)
			gap(h, dir, (r >> 4) % 2000);
		feedn(h, dir, buf, n);
		if (smtp_done(h->s)) {
			smtp_close(h->s, on_event, h);
			smtp_session_free(h->s);
			h->s = smtp_session_new();
			assert_non_null(h->s);
		}
		assert_int_equal(smtp_memory(h->s), mem);
	}
	/* The events counted by the harness match the RCPTs. */
	assert_true(h->cnt.smtp_rcpt > 0);
	assert_true(h->cnt.smtp_replies > 0);
}

/* ---- Detection and addresses ---- */

static void
detect(void **state)
{
	static const struct {
		enum smtp_dir	 dir;
		const char	*text;
		size_t		 len;	/* 0: strlen */
		bool		 want;
	} cases[] = {
		{ S, "220 mx.example.com ESMTP Postfix\r\n", 0, true },
		{ S, "220-mx.example.com ESMTP\r\n220 ok\r\n", 0, true },
		{ S, "220 mx smtp ready", 0, true },
		{ S, "220 mx Microsoft ESMTP MAIL Service", 0, true },
		{ S, "220 FTP server ready\r\n", 0, false },
		{ S, "220 ready\r\nSMTP\r\n", 0, false },
		{ S, "221 ESMTP", 0, false },
		{ S, "220ESMTP", 0, false },
		{ S, "220 SMT", 0, false },
		{ S, "220 ", 0, false },
		{ S, "220", 0, false },
		{ S, "22", 0, false },
		{ S, "2", 0, false },
		{ S, "", 0, false },
		{ S, "EHLO x", 0, false },
		{ C, "EHLO client.example.org\r\n", 0, true },
		{ C, "helo x", 0, true },
		{ C, "HeLo x", 0, true },
		{ C, "EHLO", 0, false },
		{ C, "EHLO\r\n", 0, false },
		{ C, "EHL", 0, false },
		{ C, "EH", 0, false },
		{ C, "E", 0, false },
		{ C, "", 0, false },
		{ C, "MAIL FROM:<a@b>", 0, false },
		{ C, "220 mx ESMTP", 0, false },
		{ C, CLIENT_HELLO, 11, false },
		{ S, CLIENT_HELLO, 11, false },
		{ C, "\x16\x03\x01", 3, false },
		{ S, "\x16\x03\x01", 3, false },
		{ C, "EHLO \0", 6, true },
		{ S, "220 \0SMTP", 9, true },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len :
		    strlen(cases[i].text);
		uint8_t *copy = malloc(len > 0 ? len : 1);
		assert_non_null(copy);
		memcpy(copy, cases[i].text, len);
		if (smtp_detect(cases[i].dir, copy, len) != cases[i].want)
			fail_msg("case %zu (%s): want %d", i, cases[i].text,
			    cases[i].want);
		free(copy);
	}
	assert_false(smtp_detect(S, NULL, 0));
	assert_false(smtp_detect(C, NULL, 0));
}

static void
address_domain(void **state)
{
	static const struct {
		const char	*arg;
		size_t		 len;	/* 0: strlen */
		int		 want;
		const char	*domain;
	} cases[] = {
		{ "<john@army.ml>", 0, 7, "army.ml" },
		{ "john@army.ml", 0, 7, "army.ml" },
		{ "  <john@army.ml>", 0, 7, "army.ml" },
		{ "<john@army.ml> NOTIFY=NEVER", 0, 7, "army.ml" },
		{ "john@army.ml SIZE=10", 0, 7, "army.ml" },
		{ "<\"john doe\"@army.ml>", 0, 7, "army.ml" },
		{ "<\"jo@hn\\\"x>\"@army.ml>", 0, 7, "army.ml" },
		{ "\"john doe\"@army.ml", 0, 7, "army.ml" },
		{ "<@a.mil,@b.mil:user@army.ml>", 0, 7, "army.ml" },
		{ "<USER@ARMY.ML.>", 0, 7, "ARMY.ML" },
		{ "<user@[192.0.2.1]>", 0, 0, "" },
		{ "<user@[IPv6:2001:db8::1]>", 0, 0, "" },
		{ "<>", 0, 0, "" },
		{ "<> SIZE=10", 0, 0, "" },
		{ "<user@b\xc3\xbc" "cher.example>", 0, 15,
		  "b\xc3\xbc" "cher.example" },
		{ "<john@army.ml", 0, 7, "army.ml" },	/* capped line */
		{ "garbage", 0, -1, "" },
		{ "", 0, -1, "" },
		{ "   ", 0, -1, "" },
		{ "<", 0, -1, "" },
		{ "<john@", 0, -1, "" },
		{ "<john@>", 0, -1, "" },
		{ "<john@.>", 0, -1, "" },
		{ "<@:>", 0, -1, "" },
		{ "<@a.mil>", 0, -1, "" },
		{ "<\"unterminated@army.ml>", 0, -1, "" },
		{ "<a@b@army.ml>", 0, -1, "" },
		{ "john @army.ml", 0, -1, "" },
		{ "<john@army\0.ml>", 15, -1, "" },
		{ "<jo\0hn@army.ml>", 15, -1, "" },
		{ "<john@army.ml>", 6, -1, "" },	/* never past len */
		{ "<john@army.ml>", 9, 3, "arm" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].arg);
		char *copy = malloc(len > 0 ? len : 1);
		char out[64];
		assert_non_null(copy);
		memcpy(copy, cases[i].arg, len);
		memset(out, 'Z', sizeof(out));
		int got = smtp_address_domain(copy, len, out, sizeof(out));
		if (got != cases[i].want || strcmp(out, cases[i].domain) != 0)
			fail_msg("case %zu (%s): got %d '%s', want %d '%s'", i,
			    cases[i].arg, got, out, cases[i].want,
			    cases[i].domain);
		free(copy);
	}

	/* The output size: exactly enough, one short, none. */
	char out[8];
	assert_int_equal(smtp_address_domain("<j@army.ml>", 11, out, 8), 7);
	assert_string_equal(out, "army.ml");
	assert_int_equal(smtp_address_domain("<j@army.mil>", 12, out, 8), -1);
	assert_string_equal(out, "");
	assert_int_equal(smtp_address_domain("<j@army.ml>", 11, out, 0), -1);
	assert_int_equal(smtp_address_domain(NULL, 0, out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(plain_session),
		T(pipelined_bdat_session),
		cmocka_unit_test(any_split_same_events),
		T(pipelined_replies_in_order),
		T(pipelined_transactions),
		T(pending_fifo_overflow),
		T(rcpt_in_body_never_alerts),
		T(body_without_server_side),
		T(data_refused),
		T(bdat_chunks_skipped),
		T(bdat_absurd_sizes),
		T(starttls_accepted),
		T(starttls_injection),
		T(starttls_refused),
		T(auth_lines_not_commands),
		T(auth_without_server_side),
		T(auth_plain_initial_response),
		T(auth_reply_lost),
		T(rset_restarts_transaction),
		T(several_transactions),
		T(raw_strings),
		T(smtputf8_address),
		T(recipient_list_cap),
		T(long_addresses_bounded),
		T(long_line_capped),
		T(bare_lf_lines),
		T(quit_ends_session),
		T(early_talker),
		T(gap_client_in_body),
		T(gap_client_body_terminator_kept),
		T(gap_client_in_chunk),
		T(gap_server_resolves_pending),
		T(gap_server_then_client_in_body),
		T(close_resolves_pending),
		T(random_input_survived),
		cmocka_unit_test(detect),
		cmocka_unit_test(address_domain),
	};
#undef T

	return cmocka_run_group_tests_name("smtp", tests, NULL, NULL);
}
