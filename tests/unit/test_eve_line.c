/*
 * test_eve_line.c — the line output format on records the sensor writes
 * (DNS and SMTP alerts, incident summaries, dns, smtp and stats records),
 * names that try to drive a terminal, and the verdicts read back from
 * summaries old and new.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sensor/eve_line.h"
#include "../../sensor/eve_verdict.h"

static struct eve_doc *d;
static char line[4096];

static int
setup(void **state)
{
	(void)state;
	d = malloc(sizeof(*d));
	return d == NULL;
}

static int
teardown(void **state)
{
	(void)state;
	free(d);
	return 0;
}

static const char *
format(const char *rec)
{
	if (eve_parse(d, rec, strlen(rec)) != 0)
		fail_msg("not JSON at %zu: %s", d->err_at, d->err);
	size_t n = eve_line_format(d, line, sizeof(line));
	assert_int_equal(n, strlen(line));
	assert_null(strchr(line, '\n'));
	return line;
}

#define DNS_ALERT "{\"timestamp\":\"2026-11-23T04:20:56.334595+0000\"," \
	"\"flow_id\":1,\"event_type\":\"alert\",\"src_ip\":\"2001:db8::1\"," \
	"\"src_port\":42407,\"dest_ip\":\"2001:db8::53\",\"dest_port\":53," \
	"\"proto\":\"UDP\",\"app_proto\":\"dns\",\"alert\":{\"gid\":1," \
	"\"signature_id\":1610001,\"rev\":1,\"severity\":2,\"context\":" \
	"{\"typo\":{\"observed\":\"army.ml\",\"explanation\":\"army.ml " \
	"imitates army.mil: TLD 'mil' typed as 'ml', omission of 'i'\"}}}," \
	"\"dns\":{\"type\":\"request\",\"queries\":[{\"rrname\":\"army.ml\"," \
	"\"rrtype\":\"MX\"}]}}"

static void
dns_alert(void **state)
{
	(void)state;
	assert_string_equal(format(DNS_ALERT),
	    "2026-11-23 04:20:56.334595  [1:1610001:1] sev 2  UDP "
	    "[2001:db8::1]:42407 -> [2001:db8::53]:53  DNS query MX army.ml  "
	    "army.ml imitates army.mil: TLD 'mil' typed as 'ml', omission of "
	    "'i'");
}

static void
smtp_alert(void **state)
{
	(void)state;
	assert_string_equal(format("{\"timestamp\":\"2026-11-23T04:20:56."
	    "341502+0000\",\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\","
	    "\"src_port\":43978,\"dest_ip\":\"192.0.2.25\",\"dest_port\":25,"
	    "\"proto\":\"TCP\",\"app_proto\":\"smtp\",\"alert\":{\"gid\":1,"
	    "\"signature_id\":1610101,\"rev\":1,\"severity\":1,\"context\":{"
	    "\"typo\":{\"explanation\":\"army.ml imitates army.mil\",\"field\":"
	    "\"smtp.rcpt_to[1]\"},\"smtp\":{\"reply_seen\":true,\"reply_code\":"
	    "550,\"accepted\":false}}},\"smtp\":{\"mail_from\":\"<alice@example."
	    "org>\",\"rcpt_to\":[\"<bob@example.org>\",\"<john@army.ml>\"]}}"),
	    "2026-11-23 04:20:56.341502  [1:1610101:1] sev 1  TCP "
	    "192.0.2.1:43978 -> 192.0.2.25:25  RCPT TO <john@army.ml> from "
	    "<alice@example.org> (550 refused)  army.ml imitates army.mil");
	/* No reply seen (the capture ended). */
	format("{\"timestamp\":\"x\",\"event_type\":\"alert\",\"alert\":{"
	    "\"signature_id\":1610102,\"context\":{\"smtp\":{\"reply_seen\":"
	    "false}}},\"smtp\":{\"rcpt_to\":[\"<a@gmial.com>\"]}}");
	assert_non_null(strstr(line, "RCPT TO <a@gmial.com> (no reply seen)"));
}

static void
summary(void **state)
{
	(void)state;
	assert_string_equal(format("{\"timestamp\":\"2026-11-23T04:20:56."
	    "474889+0000\",\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\","
	    "\"src_port\":0,\"dest_ip\":\"192.0.2.25\",\"dest_port\":0,"
	    "\"proto\":\"TCP\",\"alert\":{\"gid\":1,\"signature_id\":1610200,"
	    "\"rev\":1,\"severity\":1,\"context\":{\"typo\":{\"explanation\":"
	    "\"army.ml imitates army.mil\"},\"incident\":{\"id\":7,\"summary\":"
	    "true,\"client\":\"192.0.2.1\",\"sender\":\"<alice@example.org>\","
	    "\"recipients\":[\"<john@army.ml>\",\"<jim@army.ml>\"],\"lookups\":"
	    "2,\"smtp_sessions\":1,\"recipient_accepted\":true,"
	    "\"message_accepted\":true,\"bytes_sent\":144}}}}"),
	    "2026-11-23 04:20:56.474889  [1:1610200:1] sev 1  incident 7  "
	    "192.0.2.1 -> 192.0.2.25  delivered, 144 bytes, 2 lookups, 1 "
	    "session, <alice@example.org> -> <john@army.ml>, <jim@army.ml>  "
	    "army.ml imitates army.mil");
	/* Several client addresses (a dual-stack host), a given verdict. */
	format("{\"timestamp\":\"t\",\"event_type\":\"alert\",\"alert\":{"
	    "\"signature_id\":1610200,\"context\":{\"incident\":{\"id\":8,"
	    "\"summary\":true,\"clients\":[\"192.0.2.1\",\"2001:db8::1\"],"
	    "\"verdict\":\"likely-delivered\",\"bytes_sent\":204800,"
	    "\"smtp_sessions\":1}}}}");
	assert_non_null(strstr(line, "incident 8  192.0.2.1,2001:db8::1  "
	    "likely-delivered, 204800 bytes"));
}

static void
other_records(void **state)
{
	(void)state;
	assert_string_equal(format("{\"timestamp\":\"2026-11-23T04:20:56."
	    "000001+0000\",\"event_type\":\"dns\",\"src_ip\":\"192.0.2.53\","
	    "\"src_port\":53,\"dest_ip\":\"192.0.2.1\",\"dest_port\":5353,"
	    "\"proto\":\"UDP\",\"dns\":{\"type\":\"response\",\"rcode\":"
	    "\"NXDOMAIN\",\"queries\":[{\"rrname\":\"x.test\",\"rrtype\":\"A\"}]"
	    "}}"), "2026-11-23 04:20:56.000001  dns  UDP 192.0.2.53:53 -> "
	    "192.0.2.1:5353  DNS response A x.test NXDOMAIN");
	format("{\"timestamp\":\"t\",\"event_type\":\"smtp\",\"smtp\":{"
	    "\"mail_from\":\"<a@b>\",\"rcpt_to\":[\"<c@d>\",\"<e@f>\"]}}");
	assert_non_null(strstr(line, "smtp  ? -> ?  MAIL FROM <a@b> RCPT TO "
	    "<e@f>"));
	assert_string_equal(format("{\"timestamp\":\"t\",\"event_type\":"
	    "\"stats\",\"stats\":{\"uptime\":60,\"decoder\":{\"pkts\":10},"
	    "\"detect\":{\"alert\":2}}}"),
	    "t  stats  packets 10, alerts 2, uptime 60");
	assert_string_equal(format("{\"event_type\":\"flow\"}"), "-  flow");
}

static void
terminal_safe(void **state)
{
	char out[64];
	size_t n = 0;

	(void)state;
	/* ESC, a C1 CSI, a bidi override, invalid UTF-8, a backslash. */
	eve_line_text(out, sizeof(out), &n, "a\x1b[2Jb\xc2\x9b" "c\xe2\x80\xae"
	    "d\xff\\\xc3\xa9");
	assert_string_equal(out, "a\\x1b[2Jb\\xc2\\x9bc\\xe2\\x80\\xaed\\xff"
	    "\\x5c\xc3\xa9");
	format("{\"timestamp\":\"t\",\"event_type\":\"alert\",\"alert\":{"
	    "\"signature_id\":1610001,\"context\":{\"typo\":{\"explanation\":"
	    "\"x\\n\\u001b]0;owned\\u0007\"}}}}");
	assert_null(strchr(line, '\x1b'));
	assert_non_null(strstr(line, "x\\x0a\\x1b]0;owned\\x07"));
	/* Cut short, still terminated, never half an escape. */
	char small[8];
	n = 0;
	eve_line_text(small, sizeof(small), &n, "ab\x01\x02");
	assert_string_equal(small, "ab\\x01");
}

static enum eve_verdict
verdict(const char *inc)
{
	char rec[1024];

	snprintf(rec, sizeof(rec), "{\"alert\":{\"context\":{\"incident\":%s}}}",
	    inc);
	assert_int_equal(eve_parse(d, rec, strlen(rec)), 0);
	return eve_verdict_of(d, eve_path(d, 0, "alert.context.incident"));
}

static void
verdicts(void **state)
{
	(void)state;
	/* Derived from the evidence of today's summaries. */
	assert_int_equal(verdict("{\"smtp_sessions\":1,\"message_accepted\":"
	    "true,\"recipient_accepted\":true}"), EVE_VERDICT_DELIVERED);
	assert_int_equal(verdict("{\"lookups\":2,\"smtp_sessions\":0,"
	    "\"message_accepted\":false}"), EVE_VERDICT_LOOKUP_ONLY);
	assert_int_equal(verdict("{\"smtp_sessions\":1,\"recipients\":["
	    "\"<m@gmial.com>\"],\"recipient_accepted\":false,"
	    "\"message_accepted\":false,\"bytes_sent\":0}"),
	    EVE_VERDICT_NOT_DELIVERED);
	assert_int_equal(verdict("{\"smtp_sessions\":1,\"recipients\":[\"<a>\"],"
	    "\"recipient_accepted\":true,\"bytes_sent\":3000}"),
	    EVE_VERDICT_LIKELY_DELIVERED);
	assert_int_equal(verdict("{\"smtp_sessions\":1,\"recipients\":[\"<a>\"],"
	    "\"recipient_accepted\":true,\"bytes_sent\":0}"), EVE_VERDICT_UNKNOWN);
	/* STARTTLS: a session, no recipient readable. */
	assert_int_equal(verdict("{\"smtp_sessions\":1,\"recipients\":[]}"),
	    EVE_VERDICT_UNKNOWN);
	/* Given by the sensor: taken as it is. */
	assert_int_equal(verdict("{\"verdict\":\"not-delivered\","
	    "\"message_accepted\":true}"), EVE_VERDICT_NOT_DELIVERED);
	assert_int_equal(verdict("{\"verdict\":\"likely-delivered\"}"),
	    EVE_VERDICT_LIKELY_DELIVERED);
	assert_int_equal(verdict("{\"verdict\":\"unknown\",\"smtp_sessions\":0}"),
	    EVE_VERDICT_LOOKUP_ONLY);
	assert_int_equal(verdict("{\"verdict\":\"unknown\",\"smtp_sessions\":1}"),
	    EVE_VERDICT_UNKNOWN);
	/* A TLS session to the exchange, no SMTP readable: not lookup only. */
	assert_int_equal(verdict("{\"verdict\":\"unknown\",\"smtp_sessions\":0,"
	    "\"sessions\":[{\"tls\":true,\"verdict\":\"unknown\"}]}"),
	    EVE_VERDICT_UNKNOWN);
	assert_int_equal(verdict("{\"verdict\":\"maybe\",\"smtp_sessions\":1}"),
	    EVE_VERDICT_UNKNOWN);
	assert_string_equal(eve_verdict_label(EVE_VERDICT_LIKELY_DELIVERED),
	    "likely delivered");
	assert_string_equal(eve_verdict_name(EVE_VERDICT_NOT_DELIVERED), "not-delivered");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dns_alert),
		cmocka_unit_test(smtp_alert),
		cmocka_unit_test(summary),
		cmocka_unit_test(other_records),
		cmocka_unit_test(terminal_safe),
		cmocka_unit_test(verdicts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
