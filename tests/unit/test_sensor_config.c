/*
 * test_sensor_config.c — the configuration keys of running as a sensor
 * (capture, output.eve, syslog, alerts, stats, privacy, run): defaults,
 * every key, errors naming file, line and column; the default live filter
 * built from the ports; the stats record's shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "../../rules/config.h"
#include "../../sensor/live.h"
#include "../../sensor/stats.h"

static int
parse(struct ts_config *cfg, const char *text, char *err, size_t errlen)
{
	err[0] = '\0';
	return config_parse(cfg, "t.yaml", text, strlen(text), err, errlen);
}

static void
defaults(void **state)
{
	struct ts_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse(&c, "", err, sizeof(err)), 0);
	assert_false(c.bpf_filter_set);
	assert_int_equal(c.capture_ifaces.n, 0);
	assert_true(c.capture_promisc);
	assert_int_equal(c.capture_snaplen, 65535);
	assert_int_equal(c.capture_buffer, 32u << 20);
	assert_false(c.capture_immediate);
	assert_true(c.eve_enabled);
	assert_int_equal(c.output_format, OUTPUT_FORMAT_AUTO);
	assert_false(c.syslog_enabled);
	assert_string_equal(c.syslog_ident, "typosentry");
	assert_int_equal(c.syslog_facility, LOG_LOCAL5);
	assert_int_equal(c.syslog_level, LOG_NOTICE);
	assert_false(c.syslog_json);
	assert_int_equal(c.suppress_window, 0);
	assert_int_equal(c.suppress_max, 65536);
	assert_int_equal(c.alerts_per_second, 1000);
	assert_int_equal(c.stats_interval, 60);
	assert_int_equal(c.privacy, PRIVACY_KEEP);
	assert_null(c.run_user);
	config_free(&c);
}

static void
every_key(void **state)
{
	struct ts_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse(&c,
	    "capture:\n"
	    "  filter: \"\"\n"
	    "  interfaces: [eth1, eth2]\n"
	    "  promisc: false\n"
	    "  snaplen: 1500\n"
	    "  buffer-size: 4mb\n"
	    "  immediate: yes\n"
	    "output: {eve: false, format: line}\n"
	    "syslog:\n"
	    "  enabled: true\n"
	    "  ident: ts-1\n"
	    "  facility: LOCAL0\n"
	    "  level: warn\n"
	    "  format: json\n"
	    "alerts: {suppress-window: 300, suppress-max-entries: 100,\n"
	    "  max-per-second: 0}\n"
	    "stats: {interval: 0}\n"
	    "privacy: {local-part: hash, hash-key: 0123456789abcdef}\n"
	    "run: {user: nobody, group: nogroup, pidfile: /run/x.pid}\n",
	    err, sizeof(err)), 0);
	assert_true(c.bpf_filter_set);
	assert_null(c.bpf_filter);
	assert_int_equal(c.capture_ifaces.n, 2);
	assert_string_equal(c.capture_ifaces.v[1], "eth2");
	assert_false(c.capture_promisc);
	assert_int_equal(c.capture_snaplen, 1500);
	assert_int_equal(c.capture_buffer, 4u << 20);
	assert_true(c.capture_immediate);
	assert_false(c.eve_enabled);
	assert_int_equal(c.output_format, OUTPUT_FORMAT_LINE);
	assert_true(c.syslog_enabled);
	assert_string_equal(c.syslog_ident, "ts-1");
	assert_int_equal(c.syslog_facility, LOG_LOCAL0);
	assert_int_equal(c.syslog_level, LOG_WARNING);
	assert_true(c.syslog_json);
	assert_int_equal(c.suppress_window, 300);
	assert_int_equal(c.suppress_max, 100);
	assert_int_equal(c.alerts_per_second, 0);
	assert_int_equal(c.stats_interval, 0);
	assert_int_equal(c.privacy, PRIVACY_HASH);
	assert_string_equal(c.privacy_key, "0123456789abcdef");
	assert_string_equal(c.run_user, "nobody");
	assert_string_equal(c.run_group, "nogroup");
	assert_string_equal(c.run_pidfile, "/run/x.pid");
	config_free(&c);

	/* Sections whose keys are all commented out. */
	assert_int_equal(parse(&c, "syslog:\nalerts:\nstats:\nprivacy:\nrun:\n",
	    err, sizeof(err)), 0);
	assert_int_equal(c.stats_interval, 60);
	config_free(&c);
}

static void
errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "syslog:\n  facility: local8\n",
		  "t.yaml:2:13: syslog.facility: 'local8' is not a facility" },
		{ "syslog:\n  level: loud\n",
		  "t.yaml:2:10: syslog.level: 'loud' is not a level" },
		{ "syslog:\n  format: xml\n",
		  "t.yaml:2:11: syslog.format: 'xml': expected line or json" },
		{ "syslog:\n  ident: \"a b\"\n",
		  "t.yaml:2:10: syslog.ident: 'a b': use letters" },
		{ "capture:\n  snaplen: 10\n",
		  "t.yaml:2:12: capture.snaplen: 10 is out of range" },
		{ "capture:\n  buffer-size: 1k\n",
		  "t.yaml:2:16: capture.buffer-size: 1k is out of range" },
		{ "alerts:\n  suppress-window: -1\n",
		  "t.yaml:2:20: alerts.suppress-window: '-1' is not a number" },
		{ "alerts:\n  max-per-second: 2000000\n",
		  "t.yaml:2:19: alerts.max-per-second: 2000000 is out of range" },
		{ "stats:\n  interval: 1m\n",
		  "t.yaml:2:13: stats.interval: '1m' is not a number" },
		{ "privacy:\n  local-part: blur\n",
		  "t.yaml:2:15: privacy.local-part: 'blur': expected keep" },
		{ "privacy:\n  local-part: hash\n  hash-key: short\n",
		  "t.yaml:3:13: privacy.hash-key: give at least 16" },
		{ "privacy:\n  local-part: hash\n",
		  "t.yaml:2:3: privacy: local-part: hash needs hash-key" },
		{ "run:\n  chroot: /var/empty\n",
		  "t.yaml:2:3: unknown key 'chroot' in run" },
		{ "output:\n  format: xml\n",
		  "t.yaml:2:11: output.format: 'xml': expected eve, line or auto" },
		{ "output:\n  eve: maybe\n",
		  "t.yaml:2:8: output.eve: expected true or false" },
	};
	struct ts_config c;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&c, cases[i].text, err, sizeof(err)), -1);
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("%s: got '%s', want '%s...'", cases[i].text, err,
			    cases[i].msg);
		config_free(&c);
	}
}

static void
default_filter(void **state)
{
	static const uint16_t dns[] = { 53, 5353 }, smtp[] = { 25, 587 };
	struct bpf_program prog;
	char *f;
	pcap_t *p;

	(void)state;
	f = live_default_filter(dns, 2, smtp, 2, NULL);
	assert_non_null(f);
	assert_non_null(strstr(f, "port 53 or port 5353 or tcp port 25 or "
	    "tcp port 587 or (ip[6:2] & 0x1fff != 0)"));
	/* With the default encapsulations, what each needs, before VLANs. */
	struct decode_opts dec;
	decode_opts_default(&dec);
	char *t = live_default_filter(dns, 2, smtp, 2, &dec);
	assert_non_null(t);
	assert_non_null(strstr(t, "tcp port 587 or udp dst port 4789 or "
	    "udp dst port 6081 or udp dst port 4754 or ip proto 47 or "
	    "ip6 proto 47 or ip proto 4 or ip proto 41 or ip6 proto 4 or "
	    "ip6 proto 41 or ether proto 0x8847 or ether proto 0x8848 or "
	    "ether proto 0x8864 or (ip[6:2]"));
	assert_true(strstr(t, "ether proto") < strstr(t, " or (vlan and ("));
	free(f);
	f = t;
	assert_non_null(strstr(f, " or (vlan and ("));
	/* It compiles for the link types of live capture ("any" too). */
	static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
	    DLT_RAW };
	for (size_t i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		char *g = live_filter_for_link(f, dlts[i]);
		assert_non_null(g);
		assert_true((strstr(g, "vlan") != NULL) == (dlts[i] == DLT_EN10MB));
		p = pcap_open_dead(dlts[i], 65535);
		assert_int_equal(pcap_compile(p, &prog, g, 1,
		    PCAP_NETMASK_UNKNOWN), 0);
		pcap_freecode(&prog);
		pcap_close(p);
		free(g);
	}
	/* Any other filter is left alone. */
	char *g = live_filter_for_link("vlan and port 53", DLT_LINUX_SLL);
	assert_string_equal(g, "vlan and port 53");
	free(g);
	free(f);
}

static void
stats_record(void **state)
{
	struct json j;
	struct counters c;
	struct capture_stats cap = { true, 1000, 7, 1 };
	struct stats_gauges g = { 3, 4096, 0, 42 };
	struct timeval tv = { 1700000000, 5 };

	(void)state;
	memset(&c, 0, sizeof(c));
	c.packets = 993;
	c.alerts = 4;
	c.alerts_suppressed = 9;
	c.alerts_rate_capped = 2;
	c.smtp_pending_capped = 5;
	c.smtp_rcpt_capped = 6;
	c.dns_messages = 10;
	c.dns_tcp_messages = 3;
	c.ip_truncated = 5;
	c.ipv6_truncated = 2;
	c.tcp_truncated = 1;
	assert_int_equal(json_init(&j, 8192), 0);
	eve_stats(&j, &tv, NULL, NULL, &c, &cap, &g);
	assert_false(j.overflow);
	j.buf[j.len] = '\0';
	assert_non_null(strstr(j.buf, "{\"timestamp\":\"2023-11-14T22:13:20."
	    "000005+0000\",\"event_type\":\"stats\",\"stats\":{\"uptime\":42,"
	    "\"capture\":{\"kernel_packets\":1000,\"kernel_drops\":7,"
	    "\"kernel_ifdrops\":1,"));
	assert_non_null(strstr(j.buf, "\"ipv4\":{\"trunc_pkt\":2,"));
	assert_non_null(strstr(j.buf, "\"ipv6\":{\"trunc_pkt\":2,"));
	assert_non_null(strstr(j.buf, "\"tx\":{\"dns_udp\":7,\"dns_tcp\":3,"));
	assert_non_null(strstr(j.buf, "\"detect\":{\"alert\":4,"
	    "\"alerts_suppressed\":9,\"alert_queue_overflow\":2}"));
	assert_non_null(strstr(j.buf, "\"gap\":0,\"internal\":11}"));
	assert_non_null(strstr(j.buf, "\"flow\":{\"total\":0,\"tcp\":0,"
	    "\"active\":3,\"memuse\":4096,"));
	json_free(&j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_key),
		cmocka_unit_test(errors),
		cmocka_unit_test(default_filter),
		cmocka_unit_test(stats_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
