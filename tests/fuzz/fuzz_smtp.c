/*
 * fuzz_smtp.c — the SMTP decoder: smtp_feed() in both directions,
 * smtp_gap() and smtp_close().  Each step is a control byte (bit 0: from
 * the server, else the client; bit 1: a gap of the 16-bit length instead
 * of bytes; bit 2: a 16-bit length, else 8-bit), the length and the bytes.
 *
 * Checked: every event is well formed, and once the session is closed
 * every RCPT TO command has had exactly one RCPT event (so none is lost).
 */
#include <string.h>

#include "../../decoders/smtp.h"
#include "fuzz.h"

static uint64_t events;

static void
check_str(const char *s, size_t max)
{
	FUZZ_CHECK(s != NULL && strlen(s) <= max);
}

static void
event(void *ctx, const struct smtp_event *ev)
{
	(void)ctx;
	check_str(ev->reply_text, SMTP_REPLY_TEXT_MAX);
	FUZZ_CHECK(ev->reply_code == 0 ||
	    (ev->reply_code >= 100 && ev->reply_code <= 599));
	if (ev->type != SMTP_EV_RCPT)
		return;
	events++;
	FUZZ_CHECK(ev->nrcpt > 0 && ev->rcpt_index < ev->nrcpt &&
	    ev->nrcpt <= SMTP_MAX_RCPTS + 1);
	check_str(ev->helo, SMTP_HELO_MAX);
	check_str(ev->mail_from, SMTP_ADDR_MAX);
	check_str(ev->domain, SMTP_ADDR_MAX);
	for (unsigned i = 0; i < ev->nrcpt; i++)
		check_str(ev->rcpt_to[i], SMTP_ADDR_MAX);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	struct smtp_session *s = smtp_session_new();
	struct counters cnt = { 0 };

	if (s == NULL)
		return 0;
	events = 0;
	while (cur_left(&c) > 0) {
		uint8_t ctl = cur_u8(&c);
		enum smtp_dir dir = ctl & 1 ? SMTP_FROM_SERVER : SMTP_FROM_CLIENT;
		size_t n = ctl & 6 ? cur_u16(&c) : cur_u8(&c);

		if (ctl & 2) {
			smtp_gap(s, dir, n, event, NULL, &cnt);
			continue;
		}
		struct slice p = cur_bytes(&c, n < cur_left(&c) ? n :
		    cur_left(&c));
		smtp_feed(s, dir, p.p, p.len, event, NULL, &cnt);
		FUZZ_CHECK(events <= cnt.smtp_rcpt);
	}
	smtp_close(s, event, NULL);
	FUZZ_CHECK(events == cnt.smtp_rcpt);
	smtp_session_free(s);
	return 0;
}
