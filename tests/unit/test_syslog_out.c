/*
 * test_syslog_out.c — the syslog alert line: the documented format for
 * IPv4 and IPv6 (in brackets), UDP and TCP; bytes that could split a line
 * or drive a terminal escaped; a short buffer cut cleanly.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../sensor/syslog_out.h"

static void
hit_of(struct rule_hit *h, enum sig_id sig, const char *observed,
    const char *protected_name, const char *class)
{
	memset(h, 0, sizeof(*h));
	h->sig = sig;
	snprintf(h->match.observed, sizeof(h->match.observed), "%s", observed);
	snprintf(h->match.protected_name, sizeof(h->match.protected_name), "%s",
	    protected_name);
	h->match.class = class;
}

static void
endpoints(struct eve_endpoints *ep, int family, const char *src,
    uint16_t sport, const char *dst, uint16_t dport, uint8_t proto)
{
	memset(ep, 0, sizeof(*ep));
	ep->src.family = ep->dst.family = (uint8_t)family;
	inet_pton(family, src, ep->src.bytes);
	inet_pton(family, dst, ep->dst.bytes);
	ep->sport = sport;
	ep->dport = dport;
	ep->ip_version = family == AF_INET ? 4 : 6;
	ep->ip_proto = proto;
}

static void
smtp_v4(void **state)
{
	struct rule_hit h;
	struct eve_endpoints ep;
	char line[512];

	(void)state;
	hit_of(&h, SIG_SMTP_RCPT_TLD, "army.ml", "army.mil", "tld-omission");
	endpoints(&ep, AF_INET, "192.0.2.1", 46788, "192.0.2.25", 25, 6);
	size_t n = syslog_alert_line(line, sizeof(line), &h, &ep);
	assert_string_equal(line, "[1:1610101:1] TYPOSENTRY SMTP RCPT TO a "
	    "typo of a protected TLD [Severity: 1] {TCP} 192.0.2.1:46788 -> "
	    "192.0.2.25:25 army.ml ~ army.mil (tld-omission)");
	assert_int_equal(n, strlen(line));
}

static void
dns_v6(void **state)
{
	struct rule_hit h;
	struct eve_endpoints ep;
	char line[512];

	(void)state;
	hit_of(&h, SIG_DNS_RESPONSE_DOMAIN, "gmial.com", "gmail.com",
	    "transposition");
	endpoints(&ep, AF_INET6, "2001:db8::53", 53, "2001:db8::1", 40000, 17);
	syslog_alert_line(line, sizeof(line), &h, &ep);
	assert_string_equal(line, "[1:1610004:1] TYPOSENTRY DNS response for "
	    "a typo of a protected domain [Severity: 2] {UDP} "
	    "[2001:db8::53]:53 -> [2001:db8::1]:40000 gmial.com ~ gmail.com "
	    "(transposition)");
}

static void
escaped(void **state)
{
	struct rule_hit h;
	struct eve_endpoints ep;
	char line[512];

	(void)state;
	hit_of(&h, SIG_DNS_QUERY_TLD, "a\nb \x1b[31m\\.ml", "x\xff.mil",
	    "tld-omission");
	endpoints(&ep, AF_INET, "192.0.2.1", 1, "192.0.2.53", 53, 17);
	syslog_alert_line(line, sizeof(line), &h, &ep);
	assert_non_null(strstr(line, " a\\x0ab\\x20\\x1b[31m\\x5c.ml ~ "
	    "x\\xff.mil "));
	for (const char *p = line; *p != '\0'; p++)
		assert_true(*p >= ' ' && *p < 0x7f);
}

static void
short_buffer(void **state)
{
	struct rule_hit h;
	struct eve_endpoints ep;
	char line[40];

	(void)state;
	hit_of(&h, SIG_SMTP_RCPT_TLD, "army.ml", "army.mil", "tld-omission");
	endpoints(&ep, AF_INET, "192.0.2.1", 46788, "192.0.2.25", 25, 6);
	size_t n = syslog_alert_line(line, sizeof(line), &h, &ep);
	assert_true(n < sizeof(line));
	assert_int_equal(strlen(line), n);
	assert_memory_equal(line, "[1:1610101:1] TYPOSENTRY SMTP", 29);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(smtp_v4),
		cmocka_unit_test(dns_v6),
		cmocka_unit_test(escaped),
		cmocka_unit_test(short_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
