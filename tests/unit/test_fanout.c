/*
 * test_fanout.c — the worker of a packet: the C hash and the classic BPF
 * program the kernel runs for the fanout group agree on every packet of
 * the test captures (the program run by libpcap's interpreter, reading
 * from a fixed Ethernet header instead of the kernel's network offset);
 * a client's lookups and sessions, both directions, go to one worker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "../../rules/config.h"
#include "../../sensor/fanout.h"

static struct ts_config cfg;

static int
setup(void **state)
{
	(void)state;
	config_defaults(&cfg);
	return 0;
}

/* Every packet of path: BPF and C agree; returns the packets compared. */
static unsigned
compare_capture(const char *path)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct sock_filter prog[FANOUT_PROG_MAX];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct counters scratch;
	unsigned n = 0;
	pcap_t *p = pcap_open_offline(path, eb);

	assert_non_null(p);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	size_t len = fanout_program(&cfg, 14, prog);
	assert_true(len > 0);
	while (pcap_next_ex(p, &h, &data) == 1) {
		memset(&scratch, 0, sizeof(scratch));
		uint32_t c = fanout_hash(&cfg, DLT_EN10MB, data, h->caplen,
		    &scratch);
		u_int b = bpf_filter((const struct bpf_insn *)prog, data, h->len,
		    h->caplen);
		/* The kernel takes the program's value modulo the workers. */
		for (unsigned workers = 1; workers <= 8; workers++)
			assert_int_equal(b % workers, fanout_worker(c, workers));
		n++;
	}
	pcap_close(p);
	return n;
}

static void
bpf_agrees_with_c(void **state)
{
	static const char *caps[] = {
		"pcaps/dns-mx-eth.pcap", "pcaps/dns-fragments.pcap",
		"pcaps/dns-tcp.pcap", "pcaps/smtp-basic.pcap",
		"pcaps/smtp-port-2626.pcap", "pcaps/correlate-delivered.pcap",
		"pcaps/correlate-relay.pcap", "pcaps/demo.pcap",
	};
	unsigned total = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		total += compare_capture(caps[i]);
	assert_true(total > 100);
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
	struct counters scratch;

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
	memset(&scratch, 0, sizeof(scratch));
	uint32_t hq = fanout_hash(&cfg, DLT_EN10MB, q, sizeof(q), &scratch);
	uint32_t hr = fanout_hash(&cfg, DLT_EN10MB, r, sizeof(r), &scratch);
	uint32_t hs = fanout_hash(&cfg, DLT_EN10MB, s, sizeof(s), &scratch);
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
	assert_int_equal(fanout_hash(&cfg, DLT_EN10MB, q, sizeof(q), &scratch),
	    hq);
	assert_int_equal(fanout_hash(&cfg, DLT_EN10MB, r, sizeof(r), &scratch),
	    hq);
	for (int k = 0; k < 2; k++) {
		const uint8_t *pkt = k == 0 ? q : r;
		u_int b = bpf_filter((const struct bpf_insn *)prog, pkt,
		    sizeof(q), sizeof(q));
		assert_int_equal(b, (hq * 0x9e3779b1u) >> 16);
	}
	/* Cut short: worker 0, as the kernel's program gives. */
	assert_int_equal(fanout_hash(&cfg, DLT_EN10MB, q, 30, &scratch), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bpf_agrees_with_c),
		cmocka_unit_test(client_keeps_its_worker),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
