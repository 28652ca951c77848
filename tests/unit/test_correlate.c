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

static struct correlator *
new_corr(corr_close_fn fn, uint32_t max_incidents)
{
	struct corr_limits lim = { .window = 600, .max_lookups = 1024,
	    .max_incidents = max_incidents };

	return correlator_new(&lim, fn, NULL);
}

static struct corr_host
host4(const char *s)
{
	struct corr_host h = { .tenant = 0 };

	memset(&h, 0, sizeof(h));
	h.ip.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, s, h.ip.bytes), 1);
	return h;
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
	struct correlator *c = new_corr(on_close, 1024);
	struct corr_host client = host4("192.0.2.1");
	struct ip_addr resolver = ip4("192.0.2.53");
	struct ip_addr server = ip4("192.0.2.25");
	struct corr_host server_h = { server, 0 };
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
	assert_false(correlate_server(c, &server_h, &link));
	/* The exchange is remembered: \4mail\4army\2ml\0 is 14 bytes. */
	assert_true(correlate_may_be_exchange_wire(c, 14));
	assert_false(correlate_may_be_exchange_wire(c, 13));
	assert_false(correlate_may_be_exchange_wire(c, 15));
	assert_false(correlate_may_be_exchange_wire(c, 300));
	assert_true(correlate_may_be_exchange(c,
	    dns_name_hash_text("mail.army.ml")));
	assert_true(correlate_is_exchange(c, "mail.army.ml"));
	a.qr = true;
	a.nanswers = 1;
	rr(&a.answers[0], "MAIL.army.ml.", DNS_TYPE_A, "192.0.2.25");
	correlate_dns_addresses(c, 0, &a);
	assert_true(correlate_server(c, &server_h, &link));
	/* Another tenant's address is another host. */
	struct corr_host other = { server, 7 };
	assert_false(correlate_server(c, &other, &link));
	assert_true(correlate_server(c, &server_h, &link));
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
	    "army.mil", &ev, NULL, 0, &cnt);
	assert_non_null(inc);
	assert_int_equal(inc->id, id);
	struct smtp_event msg = { .type = SMTP_EV_MESSAGE, .reply_code = 250,
	    .message_bytes = 1234 };
	correlate_message(c, inc, id, &msg);
	assert_int_equal(incident_severity(inc), 1);

	/* Not yet idle: nothing closes; past the window, it does. */
	correlate_expire(c, &t2, &cnt);
	assert_int_equal(nclosed, 0);
	struct timeval late = { 1001 + 601, 0 };
	correlate_expire(c, &late, &cnt);
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

	/*
	 * The slot is free again and a new incident may take it: a message
	 * of the old session counts nowhere.
	 */
	struct timeval later = { 5000, 0 };
	struct incident *again = correlate_rcpt(c, &later, &client, &server,
	    100, "army.ml", "army.mil", &ev, inc, id, &cnt);
	assert_non_null(again);
	assert_int_not_equal(again->id, id);
	correlate_message(c, inc, id, &msg);
	assert_int_equal(again->bytes, 0);
	correlate_message(c, again, again->id, &msg);
	assert_int_equal(again->bytes, 1234);
	correlator_free(c);
}

static void
two_mistakes_two_incidents(void **state)
{
	static struct dns_message mx;
	struct counters cnt;
	struct correlator *c = new_corr(on_close, 1024);
	struct corr_host client = host4("192.0.2.1");
	struct ip_addr resolver = ip4("192.0.2.53");
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
	correlate_expire(c, NULL, &cnt);
	assert_int_equal(nclosed, 2);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(incident_severity(closed[i]), 3);
	correlator_free(c);
}

/*
 * A dual-stack host: the MX and AAAA lookups over IPv4, the session over
 * IPv6 to the AAAA address; one incident lists both client addresses and
 * the session's verdict.  A second host's session to the same exchange
 * joins the lookup's incident too (and shows as a third client).
 */
static void
dual_stack_one_incident(void **state)
{
	static struct dns_message mx, aaaa;
	struct counters cnt;
	struct correlator *c = new_corr(on_close, 16);
	struct corr_host client4 = host4("192.0.2.1"), client6, server6;
	struct ip_addr resolver = ip4("192.0.2.53");
	struct timeval t0 = { 2000, 0 }, t1 = { 2001, 0 };
	struct corr_link link;
	(void)state;

	memset(&cnt, 0, sizeof(cnt));
	memset(&client6, 0, sizeof(client6));
	memset(&server6, 0, sizeof(server6));
	client6.ip.family = server6.ip.family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", client6.ip.bytes), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::25", server6.ip.bytes), 1);
	nclosed = 0;
	mx.qr = true;
	mx.nanswers = 1;
	rr(&mx.answers[0], "army.ml", DNS_TYPE_MX, "mail.army.ml");
	struct incident *inc = correlate_dns(c, &t0, &client4, &resolver, 1,
	    "army.ml", "army.mil", &mx, &cnt);
	uint64_t id = inc->id;
	aaaa.qr = true;
	aaaa.nanswers = 2;
	rr(&aaaa.answers[0], "mail.army.ml", DNS_TYPE_AAAA, "2001:db8::25");
	rr(&aaaa.answers[1], "mail.army.ml", DNS_TYPE_A, "192.0.2.25");
	correlate_dns_addresses(c, 0, &aaaa);
	assert_true(correlate_server(c, &server6, &link));
	struct corr_host server4 = host4("192.0.2.25");
	assert_true(correlate_server(c, &server4, &link));
	assert_true(correlate_server(c, &server6, &link));
	assert_int_equal(link.incident, id);

	struct incident *s = correlate_session(c, &t1, &client6, &server6, 42,
	    &link, &cnt);
	assert_int_equal(s->id, id);
	assert_int_equal(s->nclients, 2);
	assert_int_equal(s->sessions, 1);
	struct corr_session cs = { .client = client6.ip, .server = server6.ip,
	    .sport = 25, .verdict = VERDICT_LIKELY_DELIVERED, .tls = true,
	    .app_bytes_toserver = 4000, .flow_id = 42 };
	correlate_session_end(c, s, id, &cs);
	struct corr_host other = host4("198.51.100.7");
	assert_int_equal(correlate_session(c, &t1, &other, &server4, 43,
	    &link, &cnt)->id, id);
	correlate_expire(c, NULL, &cnt);
	assert_int_equal(nclosed, 1);
	assert_int_equal(cnt.incidents_opened, 1);
	assert_int_equal(closed[0]->nclients, 3);
	assert_int_equal(closed[0]->sessions, 2);
	assert_int_equal(closed[0]->verdict, VERDICT_LIKELY_DELIVERED);
	assert_int_equal(closed[0]->app_bytes, 4000);
	assert_int_equal(incident_severity(closed[0]), 1);
	assert_int_equal(closed[0]->closed_by, CLOSE_END);
	correlator_free(c);
}

static unsigned nclosed_count, nclosed_early;

static void
count_close(void *ctx, const struct incident *inc)
{
	(void)ctx;
	assert_true(inc->open);
	if (inc->closed_by == CLOSE_EARLY)
		nclosed_early++;
	else
		nclosed_count++;
}

/*
 * Thousands of incidents coming and going, more than the table holds:
 * the index finds the open incident of (client, name), the one idle
 * longest gives way when all are open, expiry closes what the window
 * says; all checked against a plain model of the same rules.
 */
#define CH_CLIENTS	48
#define CH_NAMES	48
#define CH_TABLE	1024
static void
incident_table_churn(void **state)
{
	static struct dns_message mx;
	static struct {
		bool		open;
		uint64_t	id;
		time_t		last;
		unsigned long	touch;
	} model[CH_CLIENTS][CH_NAMES];
	struct counters cnt;
	struct correlator *c = new_corr(count_close, CH_TABLE);
	struct ip_addr resolver = ip4("192.0.2.53");
	struct timeval t = { 100000, 0 };
	uint32_t rnd = 12345;
	unsigned open = 0, evicted = 0;
	(void)state;

	memset(&cnt, 0, sizeof(cnt));
	memset(model, 0, sizeof(model));
	mx.qr = false;
	for (unsigned long n = 1; n <= 30000; n++) {
		rnd = rnd * 1103515245u + 12345u;
		unsigned ci = (rnd >> 8) % CH_CLIENTS, ni = (rnd >> 20) % CH_NAMES;
		char addr[32], name[32];
		snprintf(addr, sizeof(addr), "10.0.%u.%u", ci / 8, ci % 8 + 1);
		snprintf(name, sizeof(name), "typo%u.ml", ni);
		struct corr_host client = host4(addr);
		if (rnd % 7 == 0)
			t.tv_sec++;

		if (!model[ci][ni].open && open == CH_TABLE) {
			unsigned long best = ~0UL;
			unsigned bi = 0, bj = 0;
			for (unsigned i = 0; i < CH_CLIENTS; i++)
				for (unsigned j = 0; j < CH_NAMES; j++)
					if (model[i][j].open &&
					    model[i][j].touch < best) {
						best = model[i][j].touch;
						bi = i;
						bj = j;
					}
			model[bi][bj].open = false;
			open--;
			evicted++;
		}
		struct incident *inc = correlate_dns(c, &t, &client, &resolver,
		    n, name, "army.mil", &mx, &cnt);
		assert_non_null(inc);
		if (model[ci][ni].open) {
			assert_true(inc->id == model[ci][ni].id);
		} else {
			model[ci][ni].open = true;
			model[ci][ni].id = inc->id;
			open++;
		}
		model[ci][ni].last = t.tv_sec;
		model[ci][ni].touch = n;

		if (n % 500 == 0) {
			unsigned want = 0;
			for (unsigned i = 0; i < CH_CLIENTS; i++)
				for (unsigned j = 0; j < CH_NAMES; j++)
					if (model[i][j].open &&
					    t.tv_sec - model[i][j].last > 600) {
						model[i][j].open = false;
						want++;
					}
			nclosed_count = 0;
			correlate_expire(c, &t, &cnt);
			assert_int_equal(nclosed_count, want);
			open -= want;
		}
	}
	assert_true(evicted > 0);
	/* Every incident pushed out had its summary written first. */
	assert_int_equal(cnt.incidents_closed_early, evicted);
	assert_int_equal(nclosed_early, evicted);
	nclosed_count = 0;
	correlate_expire(c, NULL, &cnt);
	assert_int_equal(nclosed_count, open);
	assert_int_equal(cnt.incidents_opened,
	    cnt.incidents_closed + cnt.incidents_closed_early);
	correlator_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_then_delivery),
		cmocka_unit_test(two_mistakes_two_incidents),
		cmocka_unit_test(incident_table_churn),
		cmocka_unit_test(dual_stack_one_incident),
	};

	return cmocka_run_group_tests_name("correlate", tests, NULL, NULL);
}
