/*
 * test_fanout.c — the worker of a packet: the C hash and the classic BPF
 * program the kernel runs for the fanout group agree on every packet of
 * the test captures (the program run by libpcap's interpreter, reading
 * from a fixed Ethernet header instead of the kernel's network offset);
 * a client's lookups and sessions, both directions, go to one worker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "../../rules/config.h"
#include "../../sensor/fanout.h"

static struct ts_config cfg;
static struct fanout_rule rule;

static int
setup(void **state)
{
	(void)state;
	config_defaults(&cfg);
	fanout_rule_init(&rule, &cfg);
	return 0;
}

/*
 * Every packet of path: BPF and C agree; returns the packets compared (0
 * for a capture that is not there, or not Ethernet, when optional).
 */
static unsigned
compare_capture_opt(const char *path, bool optional)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned n = 0;
	pcap_t *p = pcap_open_offline(path, eb);

	if (optional && (p == NULL || pcap_datalink(p) != DLT_EN10MB)) {
		if (p != NULL)
			pcap_close(p);
		return 0;
	}
	assert_non_null(p);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	/* The kernel strips VLAN tags before the program runs (its network
	 * offset is past them): here one program per number of tags. */
	static struct sock_filter progs[3][FANOUT_PROG_MAX];
	for (int t = 0; t < 3; t++)
		assert_true(fanout_program(&cfg, 14 + 4 * t, progs[t]) > 0);
	while (pcap_next_ex(p, &h, &data) == 1) {
		int tags = 0;
		while (tags < 2 && h->caplen >= 14u + 4 * tags + 2 &&
		    ((data[12 + 4 * tags] << 8 | data[13 + 4 * tags]) == 0x8100 ||
		    (data[12 + 4 * tags] << 8 | data[13 + 4 * tags]) == 0x88a8))
			tags++;
		uint32_t c = fanout_hash(&rule, DLT_EN10MB, data, h->caplen);
		u_int b = bpf_filter((const struct bpf_insn *)progs[tags], data,
		    h->len, h->caplen);
		if (b != ((c * 0x9e3779b1u) >> 16))
			fprintf(stderr, "%s: packet %u: BPF %u, C %u\n", path,
			    n + 1, b, (c * 0x9e3779b1u) >> 16);
		/* The kernel takes the program's value modulo the workers. */
		for (unsigned workers = 1; workers <= 8; workers++)
			assert_int_equal(b % workers, fanout_worker(c, workers));
		n++;
	}
	pcap_close(p);
	return n;
}

static unsigned
compare_capture(const char *path)
{
	return compare_capture_opt(path, false);
}

static void
bpf_agrees_with_c(void **state)
{
	static const char *caps[] = {
		"pcaps/dns-mx-eth.pcap", "pcaps/dns-fragments.pcap",
		"pcaps/dns-tcp.pcap", "pcaps/smtp-basic.pcap",
		"pcaps/smtp-port-2626.pcap", "pcaps/correlate-delivered.pcap",
		"pcaps/correlate-relay.pcap", "pcaps/demo.pcap",
		"pcaps/vxlan-mx-smtp.pcap", "pcaps/vxlan-two-tenants.pcap",
		"pcaps/mail-tls-aaaa-only.pcap",
	};
	/* The public tunnel captures, where they are (../shared). */
	static const char *tunnels[] = {
		"vxlan-decoder-01/input.pcap", "vxlan-decoder-02/vxlan.pcap",
		"geneve-decoder/input.pcap", "bug-5633-gre-01/gre-udp.pcap",
		"bug-5633-gre-02/gre-sample.pcap",
		"decode-erspan-typeI-02/input.pcap",
		"decode-erspan-typeII-01/input.pcap",
		"bug-6942-6887-defrag-eth-ip-gre-ppp-ip-udp-data/"
		    "eth-ip-gre-ppp-max-ip-packet.pcap",
		"flow-pkt-recursion/tunnel-pkt-flows.pcap",
		"decode-teredo-01/input.pcap", "pppoe/input.pcap",
		"vxlan-non-zero-reserved-fields/input.pcap",
	};
	unsigned total = 0;
	char path[512];

	(void)state;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		total += compare_capture(caps[i]);
	assert_true(total > 100);
	for (size_t i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++) {
		snprintf(path, sizeof(path), "../shared/pcaps/tunnels/%s",
		    tunnels[i]);
		total += compare_capture_opt(path, true);
	}
}

/* The hashes of every packet of a capture, in order; returns how many. */
static size_t
capture_hashes(const char *path, uint32_t *out, size_t max)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t n = 0;
	pcap_t *p = pcap_open_offline(path, eb);

	assert_non_null(p);
	while (n < max && pcap_next_ex(p, &h, &data) == 1)
		out[n++] = fanout_hash(&rule, pcap_datalink(p), data,
		    h->caplen);
	pcap_close(p);
	return n;
}

/*
 * Inside VXLAN the hash is the inner client's: the recorded overlay
 * capture and the same traffic taken inside the overlay (its twin) give
 * the same hash packet for packet, so a client's lookups and sessions
 * meet in one worker whichever way the mirror delivers them.
 */
static void
vxlan_hashes_inner_client(void **state)
{
	static uint32_t outer[256], inner[256];

	(void)state;
	size_t n = capture_hashes("pcaps/vxlan-mx-smtp.pcap", outer, 256);
	size_t m = capture_hashes("pcaps/vxlan-mx-smtp-inner.pcap", inner,
	    256);
	assert_int_equal(n, m);
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(outer[i], inner[i]);
}

/* Query and response, lookup and session: the client's worker. */
static void
client_keeps_its_worker(void **state)
{
	/* Ethernet + IPv4 + UDP/TCP headers, client 192.0.2.1. */
	uint8_t q[14 + 20 + 8] = { [12] = 0x08, [13] = 0x00, [14] = 0x45,
	    [23] = 17, [26] = 192, [27] = 0, [28] = 2, [29] = 1,
	    [30] = 192, [31] = 0, [32] = 2, [33] = 53,
	    [34] = 0xc3, [35] = 0x50, [36] = 0, [37] = 53 };
	uint8_t r[sizeof(q)], s[sizeof(q)];

	(void)state;
	memcpy(r, q, sizeof(q));
	/* The response: addresses and ports swapped. */
	memcpy(r + 26, q + 30, 4);
	memcpy(r + 30, q + 26, 4);
	memcpy(r + 34, q + 36, 2);
	memcpy(r + 36, q + 34, 2);
	/* A session to the exchange 198.51.100.25 port 25, TCP. */
	memcpy(s, q, sizeof(q));
	s[23] = 6;
	s[30] = 198; s[31] = 51; s[32] = 100; s[33] = 25;
	s[36] = 0; s[37] = 25;
	uint32_t hq = fanout_hash(&rule, DLT_EN10MB, q, sizeof(q));
	uint32_t hr = fanout_hash(&rule, DLT_EN10MB, r, sizeof(r));
	uint32_t hs = fanout_hash(&rule, DLT_EN10MB, s, sizeof(s));
	assert_int_equal(hq, 0xc0000201u);
	assert_int_equal(hr, hq);
	assert_int_equal(hs, hq);
	/* A lookup from port 2525 (an SMTP port): both are server ports,
	 * the lower one is the server's; its answer too.  The BPF program
	 * agrees. */
	struct sock_filter prog[FANOUT_PROG_MAX];
	size_t len = fanout_program(&cfg, 14, prog);
	assert_true(len > 0);
	q[34] = 2525 >> 8;
	q[35] = 2525 & 0xff;
	memcpy(r + 36, q + 34, 2);
	assert_int_equal(fanout_hash(&rule, DLT_EN10MB, q, sizeof(q)),
	    hq);
	assert_int_equal(fanout_hash(&rule, DLT_EN10MB, r, sizeof(r)),
	    hq);
	for (int k = 0; k < 2; k++) {
		const uint8_t *pkt = k == 0 ? q : r;
		u_int b = bpf_filter((const struct bpf_insn *)prog, pkt,
		    sizeof(q), sizeof(q));
		assert_int_equal(b, (hq * 0x9e3779b1u) >> 16);
	}
	/* Cut short: worker 0, as the kernel's program gives. */
	assert_int_equal(fanout_hash(&rule, DLT_EN10MB, q, 30), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bpf_agrees_with_c),
		cmocka_unit_test(client_keeps_its_worker),
		cmocka_unit_test(vxlan_hashes_inner_client),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
