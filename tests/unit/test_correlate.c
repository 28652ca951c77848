/*
 * test_correlate.c — the correlator: an MX lookup of a flagged name, the
 * A lookup of its exchange, an SMTP session to that address, and the
 * incident that groups them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "../../rules/correlate.h"

static struct ip_addr
ip4(const char *s)
{
	struct ip_addr a;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, s, a.bytes), 1);
	return a;
}

static void
rr(struct dns_rr *r, const char *name, uint16_t type, const char *rdata)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->type = type;
	r->has_rdata = rdata != NULL;
	if (rdata != NULL)
		snprintf(r->rdata, sizeof(r->rdata), "%s", rdata);
}

static const struct incident *closed[8];
static struct incident closed_copy[8];
static unsigned nclosed;

static void
on_close(void *ctx, const struct incident *inc)
{
	(void)ctx;
	closed_copy[nclosed] = *inc;
	closed[nclosed] = &closed_copy[nclosed];
	nclosed++;
}

static void
lookup_then_delivery(void **state)
{
	static struct dns_message mx, a;
	struct counters cnt;
	struct correlator *c = correlator_new(600);
	struct ip_addr client = ip4("192.0.2.1"), resolver = ip4("192.0.2.53");
	struct ip_addr server = ip4("192.0.2.25");
	struct timeval t0 = { 1000, 0 }, t1 = { 1001, 0 }, t2 = { 1002, 0 };
	struct corr_link link;
	(void)state;

	memset(&cnt, 0, sizeof(cnt));
	nclosed = 0;
	assert_non_null(c);
	/* MX army.ml -> mail.army.ml; then A mail.army.ml -> 192.0.2.25. */
	mx.qr = true;
	mx.nanswers = 1;
	rr(&mx.answers[0], "army.ml", DNS_TYPE_MX, "mail.army.ml");
	struct incident *inc = correlate_dns(c, &t0, &client, &resolver, 77,
	    "army.ml", "army.mil", &mx, &cnt);
	assert_non_null(inc);
	uint64_t id = inc->id;
	assert_false(correlate_server(c, &server, &link));
	a.qr = true;
	a.nanswers = 1;
	rr(&a.answers[0], "MAIL.army.ml.", DNS_TYPE_A, "192.0.2.25");
	correlate_dns_addresses(c, &a);
	assert_true(correlate_server(c, &server, &link));
	assert_string_equal(link.name, "army.ml");
	assert_string_equal(link.exchange, "mail.army.ml");
	assert_int_equal(link.flow_id, 77);
	assert_int_equal(link.ts.tv_sec, 1000);

	/* The RCPT, accepted, then the message, accepted: one incident. */
	const char *rcpts[] = { "<john@army.ml>" };
	struct smtp_event ev = { .type = SMTP_EV_RCPT, .helo = "c",
	    .mail_from = "<alice@example.org>", .rcpt_to = rcpts, .nrcpt = 1,
	    .rcpt_index = 0, .domain = "army.ml", .reply_code = 250,
	    .reply_text = "ok" };
	inc = correlate_rcpt(c, &t1, &client, &server, 99, "army.ml",
	    "army.mil", &ev, &cnt);
	assert_non_null(inc);
	assert_int_equal(inc->id, id);
	struct smtp_event msg = { .type = SMTP_EV_MESSAGE, .reply_code = 250,
	    .message_bytes = 1234 };
	correlate_message(c, id, &msg);
	assert_int_equal(incident_severity(inc), 1);

	/* Not yet idle: nothing closes; past the window, it does. */
	correlate_expire(c, &t2, on_close, NULL, &cnt);
	assert_int_equal(nclosed, 0);
	struct timeval late = { 1001 + 601, 0 };
	correlate_expire(c, &late, on_close, NULL, &cnt);
	assert_int_equal(nclosed, 1);
	assert_int_equal(closed[0]->lookups, 1);
	assert_int_equal(closed[0]->sessions, 1);
	assert_true(closed[0]->rcpt_accepted);
	assert_true(closed[0]->message_accepted);
	assert_int_equal(closed[0]->bytes, 1234);
	assert_string_equal(closed[0]->sender, "<alice@example.org>");
	assert_int_equal(closed[0]->nrcpt, 1);
	assert_int_equal(cnt.incidents_opened, 1);
	assert_int_equal(cnt.incidents_closed, 1);
	correlator_free(c);
}

static void
two_mistakes_two_incidents(void **state)
{
	static struct dns_message mx;
	struct counters cnt;
	struct correlator *c = correlator_new(600);
	struct ip_addr client = ip4("192.0.2.1"), resolver = ip4("192.0.2.53");
	struct timeval t = { 5, 0 };
	(void)state;

	memset(&cnt, 0, sizeof(cnt));
	nclosed = 0;
	mx.qr = false;
	struct incident *a = correlate_dns(c, &t, &client, &resolver, 1,
	    "army.ml", "army.mil", &mx, &cnt);
	uint64_t ida = a->id;
	struct incident *b = correlate_dns(c, &t, &client, &resolver, 2,
	    "gmial.com", "gmail.com", &mx, &cnt);
	assert_int_not_equal(ida, b->id);
	/* The same name again: the same incident. */
	assert_int_equal(correlate_dns(c, &t, &client, &resolver, 3,
	    "army.ml", "army.mil", &mx, &cnt)->id, ida);
	correlate_expire(c, NULL, on_close, NULL, &cnt);
	assert_int_equal(nclosed, 2);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(incident_severity(closed[i]), 3);
	correlator_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_then_delivery),
		cmocka_unit_test(two_mistakes_two_incidents),
	};

	return cmocka_run_group_tests_name("correlate", tests, NULL, NULL);
}
