/*
 * test_tunnel_frames.c — each encapsulation decoded from a frame.
 *
 * Real frames where a capture has them: read at test time from the public
 * captures in ../shared/pcaps/tunnels (suricata-verify's; never copied
 * into the repository), the expected values taken from tshark's
 * dissection of the same frame (quoted above each test).  A test whose
 * capture is not there is skipped, saying so.
 *
 * Hand-made frames only for what no capture here holds and this kernel
 * cannot record (ERSPAN type III, MPLS, GRE over UDP, PPPoE in QinQ):
 * marked HAND-MADE, each checked against tshark when written (the
 * dissection is quoted above it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#include "../../decoders/counters.h"
#include "../../decoders/decode.h"
#include "../../decoders/packet.h"

#define TUNNELS	"../shared/pcaps/tunnels/"

struct decoded {
	struct packet	 pkt;
	struct counters	 cnt;
	enum ts_status	 st;
	uint8_t		*data;		/* the frame's bytes (heap) */
};

static struct decode_opts opts;

static void
decode_bytes(struct decoded *d, const uint8_t *b, size_t len, int dlt)
{
	d->data = malloc(len > 0 ? len : 1);
	assert_non_null(d->data);
	memcpy(d->data, b, len);
	memset(&d->pkt, 0, sizeof(d->pkt));
	memset(&d->cnt, 0, sizeof(d->cnt));
	d->pkt.datalink = dlt;
	decode_opts_default(&opts);
	d->st = decode_packet(&d->pkt, d->data, len, &opts, &d->cnt);
}

/*
 * Decodes frame n (1-based) of the capture at TUNNELS/rel; skips the test
 * when the capture is not there.
 */
static void
decode_shared(struct decoded *d, const char *rel, unsigned n)
{
	char path[512], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;

	snprintf(path, sizeof(path), "%s%s", TUNNELS, rel);
	if ((p = pcap_open_offline(path, err)) == NULL) {
		print_message("skipped: %s\n", err);
		skip();
	}
	for (unsigned i = 0; i < n; i++)
		if (pcap_next_ex(p, &h, &data) != 1)
			fail_msg("%s has no frame %u", path, n);
	decode_bytes(d, data, h->caplen, pcap_datalink(p));
	pcap_close(p);
}

static void
done(struct decoded *d)
{
	free(d->data);
	d->data = NULL;
}

static void
expect_addr(const struct ip_addr *a, const char *text)
{
	uint8_t want[16];
	int fam = strchr(text, ':') != NULL ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(fam, text, want), 1);
	assert_int_equal(a->family, fam);
	assert_memory_equal(a->bytes, want, fam == AF_INET ? 4 : 16);
}

/* The inner packet: addresses and protocol. */
static void
expect_inner(const struct decoded *d, const char *src, const char *dst,
    uint8_t proto)
{
	expect_addr(&d->pkt.src, src);
	expect_addr(&d->pkt.dst, dst);
	assert_int_equal(d->pkt.ip_proto, proto);
}

/* The outermost carrier, as EVE's tunnel object shows it. */
static void
expect_tunnel(const struct decoded *d, unsigned depth, const char *src,
    const char *dst, uint8_t proto)
{
	assert_int_equal(d->pkt.tun.depth, depth);
	assert_true(d->pkt.tun.tenant != 0);
	expect_addr(&d->pkt.tun.src, src);
	expect_addr(&d->pkt.tun.dst, dst);
	assert_int_equal(d->pkt.tun.proto, proto);
}

/* ---- Real frames ---- */

/*
 * bug-5633-gre-02/gre-sample.pcap frame 11, tshark:
 * eth:ethertype:ip:gre:ip:tcp  ip 172.27.1.66 > 66.59.109.137,
 * GRE flags 0x0000 (no key), inner 66.59.111.190:40264 > 172.28.2.3:22.
 */
static void
gre_ip(void **state)
{
	(void)state;
	struct decoded d;

	decode_shared(&d, "bug-5633-gre-02/gre-sample.pcap", 11);
	assert_int_equal(d.st, TS_OK);
	expect_inner(&d, "66.59.111.190", "172.28.2.3", IPPROTO_TCP);
	assert_int_equal(d.pkt.sport, 40264);
	assert_int_equal(d.pkt.dport, 22);
	expect_tunnel(&d, 1, "172.27.1.66", "66.59.109.137", IPPROTO_GRE);
	assert_int_equal(d.cnt.gre, 1);
	assert_int_equal(d.cnt.ip_in_gre, 1);
	done(&d);
}

/*
 * bug-5633-gre-01/gre-udp.pcap frame 1, tshark:
 * eth:ethertype:vlan:ethertype:ip:gre:ip:udp:syslog  VLAN 6,
 * ip 1.1.1.2 > 1.1.1.1, inner 2.2.2.3:12345 > 2.2.2.2:514.
 */
static void
gre_in_vlan(void **state)
{
	(void)state;
	struct decoded d;

	decode_shared(&d, "bug-5633-gre-01/gre-udp.pcap", 1);
	assert_int_equal(d.st, TS_OK);
	expect_inner(&d, "2.2.2.3", "2.2.2.2", IPPROTO_UDP);
	assert_int_equal(d.pkt.sport, 12345);
	assert_int_equal(d.pkt.dport, 514);
	expect_tunnel(&d, 1, "1.1.1.2", "1.1.1.1", IPPROTO_GRE);
	assert_int_equal(d.cnt.ip_in_gre, 1);
	done(&d);
}

/*
 * bug-6942-6887-defrag-eth-ip-gre-ppp-ip-udp-data/
 * eth-ip-gre-ppp-max-ip-packet.pcap frame 1, tshark:
 * eth:ethertype:ip:gre:ppp:ip:data  ip 7.7.7.7 > 9.9.9.9, GRE 0x0000
 * carrying PPP, inner 1.1.1.1 > 2.2.2.2 a first fragment (MF 1,
 * offset 0) of a UDP datagram.
 */
static void
gre_ppp_fragment(void **state)
{
	(void)state;
	struct decoded d;

	decode_shared(&d, "bug-6942-6887-defrag-eth-ip-gre-ppp-ip-udp-data/"
	    "eth-ip-gre-ppp-max-ip-packet.pcap", 1);
	assert_int_equal(d.st, TS_FRAGMENT);
	expect_addr(&d.pkt.src, "1.1.1.1");
	expect_addr(&d.pkt.dst, "2.2.2.2");
	assert_int_equal(d.pkt.frag.proto, IPPROTO_UDP);
	assert_int_equal(d.pkt.frag.offset, 0);
	assert_true(d.pkt.frag.more);
	expect_tunnel(&d, 1, "7.7.7.7", "9.9.9.9", IPPROTO_GRE);
	assert_int_equal(d.cnt.ppp, 1);
	assert_int_equal(d.cnt.ip_in_ppp, 1);
	done(&d);
}

/*
 * decode-erspan-typeI-02/input.pcap frame 1, tshark:
 * eth:ethertype:ip:gre:erspan:eth:ethertype:vlan:ethertype:ip:icmp:data
 * ip 100.95.0.15 > 100.95.254.129, inner VLAN 1011,
 * 100.95.2.201 > 100.95.3.105 ICMP.
 */
static void
erspan_type1(void **state)
{
	(void)state;
	struct decoded d;

	decode_shared(&d, "decode-erspan-typeI-02/input.pcap", 1);
	assert_int_equal(d.st, TS_UNSUPPORTED);	/* ICMP */
	expect_inner(&d, "100.95.2.201", "100.95.3.105", IPPROTO_ICMP);
	assert_int_equal(d.pkt.vlan_count, 1);
	assert_int_equal(d.pkt.vlan[0], 1011);
	expect_tunnel(&d, 1, "100.95.0.15", "100.95.254.129", IPPROTO_GRE);
	assert_int_equal(d.cnt.erspan, 1);
	assert_int_equal(d.cnt.ip_in_erspan, 1);
	done(&d);
}

/*
 * decode-erspan-typeII-01/input.pcap frame 3, tshark:
 * eth:ethertype:ip:gre:erspan:eth:ethertype:ip:icmp:data  GRE 0x1000
 * (sequence 1796), ERSPAN version 1 (type II), span id 100,
 * ip 2.2.2.2 > 1.1.1.1, inner 23.0.0.2 > 23.0.0.3 ICMP.
 */
static void
erspan_type2(void **state)
{
	(void)state;
	struct decoded d;

	decode_shared(&d, "decode-erspan-typeII-01/input.pcap", 3);
	assert_int_equal(d.st, TS_UNSUPPORTED);	/* ICMP */
	expect_inner(&d, "23.0.0.2", "23.0.0.3", IPPROTO_ICMP);
	expect_tunnel(&d, 1, "2.2.2.2", "1.1.1.1", IPPROTO_GRE);
	assert_int_equal(d.cnt.erspan, 1);
	assert_int_equal(d.cnt.ip_in_erspan, 1);
	done(&d);
}

/*
 * vxlan-decoder-02/vxlan.pcap frame 1, tshark:
 * eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data
 * ip 192.168.203.1:45149 > 192.168.202.1:4789, VNI 100,
 * inner 192.168.203.3 > 192.168.203.5 ICMP.
 */
static void
vxlan(void **state)
{
	(void)state;
	struct decoded d;

	decode_shared(&d, "vxlan-decoder-02/vxlan.pcap", 1);
	assert_int_equal(d.st, TS_UNSUPPORTED);	/* ICMP */
	expect_inner(&d, "192.168.203.3", "192.168.203.5", IPPROTO_ICMP);
	expect_tunnel(&d, 1, "192.168.203.1", "192.168.202.1", IPPROTO_UDP);
	assert_int_equal(d.pkt.tun.sport, 45149);
	assert_int_equal(d.pkt.tun.dport, 4789);
	assert_int_equal(d.cnt.vxlan, 1);
	assert_int_equal(d.cnt.ip_in_vxlan, 1);
	uint64_t tenant = d.pkt.tun.tenant;

	/* The same frame with VNI 101 (its last byte, at 14 + 20 + 8 + 6):
	 * the same endpoints, another tenant. */
	assert_int_equal(d.data[48], 100);
	d.data[48] = 101;
	memset(&d.pkt, 0, sizeof(d.pkt));
	d.pkt.datalink = DLT_EN10MB;
	d.st = decode_packet(&d.pkt, d.data, 148, &opts, &d.cnt);
	assert_int_equal(d.st, TS_UNSUPPORTED);
	expect_inner(&d, "192.168.203.3", "192.168.203.5", IPPROTO_ICMP);
	assert_true(d.pkt.tun.tenant != 0 && d.pkt.tun.tenant != tenant);
	done(&d);
}

/*
 * The same VXLAN frame cut by the capture at every length: the outer UDP
 * datagram is truncated (udp_cut), and still decoded as far as it goes,
 * as tshark does: from 14 + 20 + 8 + 8 + 14 + 20 bytes on, the inner
 * IPv4 header is whole and the packet is the inner one.  Never a read
 * past the cut (the copy is exactly that long, for ASan).
 */
static void
vxlan_cut(void **state)
{
	(void)state;
	struct decoded d;
	const size_t inner_ip_end = 14 + 20 + 8 + 8 + 14 + 20;

	decode_shared(&d, "vxlan-decoder-02/vxlan.pcap", 1);
	uint8_t whole[148];
	memcpy(whole, d.data, sizeof(whole));
	done(&d);
	for (size_t len = 14 + 20 + 8; len < sizeof(whole); len++) {
		decode_bytes(&d, whole, len, DLT_EN10MB);
		assert_int_equal(d.cnt.udp_truncated, 1);
		if (len < 14 + 20 + 8 + 8) {
			/* The VXLAN header itself is cut. */
			assert_int_equal(d.st, TS_TRUNCATED);
			assert_int_equal(d.cnt.vxlan_truncated, 1);
			assert_null(d.pkt.payload.p);
		} else if (len >= inner_ip_end) {
			assert_int_equal(d.st, TS_UNSUPPORTED);	/* ICMP */
			expect_inner(&d, "192.168.203.3", "192.168.203.5",
			    IPPROTO_ICMP);
			assert_int_equal(d.pkt.tun.depth, 1);
			assert_int_equal(d.cnt.vxlan, 1);
		} else {
			/* VXLAN whole, the inner frame cut. */
			assert_int_equal(d.st, TS_TRUNCATED);
			assert_int_equal(d.cnt.vxlan, 1);
		}
		done(&d);
	}
}

/*
 * geneve-decoder/input.pcap frame 3, tshark:
 * eth:ethertype:ip:udp:geneve:eth:ethertype:ip:icmp:data
 * ip 192.168.56.11:35671 > 192.168.56.12:6081, VNI 0x00007b,
 * inner 10.0.0.1 > 10.0.0.2 ICMP.
 */
static void
geneve(void **state)
{
	(void)state;
	struct decoded d;

	decode_shared(&d, "geneve-decoder/input.pcap", 3);
	assert_int_equal(d.st, TS_UNSUPPORTED);	/* ICMP */
	expect_inner(&d, "10.0.0.1", "10.0.0.2", IPPROTO_ICMP);
	expect_tunnel(&d, 1, "192.168.56.11", "192.168.56.12", IPPROTO_UDP);
	assert_int_equal(d.pkt.tun.dport, 6081);
	assert_int_equal(d.cnt.geneve, 1);
	assert_int_equal(d.cnt.ip_in_geneve, 1);
	done(&d);
}

/*
 * flow-pkt-recursion/tunnel-pkt-flows.pcap frame 2, tshark:
 * eth:ethertype:ipv6:ip:icmp:data  ipv6 fd02::202:202 > fd01::101:101,
 * inner 2.2.2.2 > 1.1.1.1 ICMP (IPv4 in IPv6, protocol 4).
 */
static void
ipv4_in_ipv6(void **state)
{
	(void)state;
	struct decoded d;

	decode_shared(&d, "flow-pkt-recursion/tunnel-pkt-flows.pcap", 2);
	assert_int_equal(d.st, TS_UNSUPPORTED);	/* ICMP */
	expect_inner(&d, "2.2.2.2", "1.1.1.1", IPPROTO_ICMP);
	expect_tunnel(&d, 1, "fd02::202:202", "fd01::101:101", IPPROTO_IPIP);
	assert_int_equal(d.cnt.ipv4_in_ipv6, 1);
	assert_int_equal(d.cnt.ip_in_ip, 1);
	done(&d);
}

/*
 * bug-4810/pppoe-session-http.pcap frame 1, tshark:
 * eth:ethertype:pppoes:ppp:ip:tcp  10.100.0.0:57013 > 142.250.179.131:80.
 * PPPoE is a link encapsulation, not a tunnel: no tenant.
 */
static void
pppoe(void **state)
{
	(void)state;
	struct decoded d;

	decode_shared(&d, "bug-4810/pppoe-session-http.pcap", 1);
	assert_int_equal(d.st, TS_OK);
	expect_inner(&d, "10.100.0.0", "142.250.179.131", IPPROTO_TCP);
	assert_int_equal(d.pkt.sport, 57013);
	assert_int_equal(d.pkt.dport, 80);
	assert_int_equal(d.pkt.tun.depth, 0);
	assert_int_equal(d.cnt.pppoe, 1);
	assert_int_equal(d.cnt.ppp, 1);
	assert_int_equal(d.cnt.ip_in_ppp, 1);
	done(&d);
}

/* ---- HAND-MADE frames (no capture holds these; see the top) ---- */

/*
 * The inner packet of every hand-made frame: IPv4 192.0.2.1:40000 >
 * 198.51.100.53:33333 UDP, 4 bytes "ping".
 */
static void
expect_handmade_inner(const struct decoded *d)
{
	assert_int_equal(d->st, TS_OK);
	expect_inner(d, "192.0.2.1", "198.51.100.53", IPPROTO_UDP);
	assert_int_equal(d->pkt.sport, 40000);
	assert_int_equal(d->pkt.dport, 33333);
	assert_int_equal(d->pkt.payload.len, 4);
	assert_memory_equal(d->pkt.payload.p, "ping", 4);
}

/*
 * HAND-MADE.  Ethernet, MPLS labels 100 and 200 (bottom of stack), TTL
 * 64, IPv4.  tshark: eth:ethertype:mpls:ip:udp:data, mpls.label 100,200,
 * 192.0.2.1:40000 > 198.51.100.53:33333, no expert message.
 */
static const uint8_t hm_mpls[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x88, 0x47, 0x00, 0x06, 0x40, 0x40, 0x00, 0x0c, 0x81, 0x40, 0x45, 0x00,
	0x00, 0x20, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11, 0x4e, 0x62, 0xc0, 0x00,
	0x02, 0x01, 0xc6, 0x33, 0x64, 0x35, 0x9c, 0x40, 0x82, 0x35, 0x00, 0x0c,
	0x00, 0x00, 0x70, 0x69, 0x6e, 0x67,
};

static void
mpls_stack(void **state)
{
	(void)state;
	struct decoded d;

	decode_bytes(&d, hm_mpls, sizeof(hm_mpls), DLT_EN10MB);
	expect_handmade_inner(&d);
	assert_int_equal(d.pkt.tun.depth, 0);
	assert_int_equal(d.cnt.mpls, 1);
	assert_int_equal(d.cnt.ip_in_mpls, 1);
	done(&d);
}

/*
 * HAND-MADE.  GRE over UDP (RFC 8086): IPv4 203.0.113.1:50000 >
 * 203.0.113.2:4754, GRE version 0 without options, protocol IPv4.
 * tshark: eth:ethertype:ip:udp:gre:ip:udp:data, no expert message.
 */
static const uint8_t hm_gre_udp[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x40, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11,
	0xc2, 0xa7, 0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02, 0xc3, 0x50,
	0x12, 0x92, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00,
	0x00, 0x20, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11, 0x4e, 0x62, 0xc0, 0x00,
	0x02, 0x01, 0xc6, 0x33, 0x64, 0x35, 0x9c, 0x40, 0x82, 0x35, 0x00, 0x0c,
	0x00, 0x00, 0x70, 0x69, 0x6e, 0x67,
};

static void
gre_over_udp(void **state)
{
	(void)state;
	struct decoded d;

	decode_bytes(&d, hm_gre_udp, sizeof(hm_gre_udp), DLT_EN10MB);
	expect_handmade_inner(&d);
	expect_tunnel(&d, 1, "203.0.113.1", "203.0.113.2", IPPROTO_UDP);
	assert_int_equal(d.pkt.tun.dport, 4754);
	assert_int_equal(d.cnt.gre, 1);
	assert_int_equal(d.cnt.ip_in_gre, 1);
	done(&d);
}

/*
 * HAND-MADE.  ERSPAN type III in GRE (flags 0x1000, sequence 7, protocol
 * 0x22eb) from 203.0.113.1 to 203.0.113.2: version 2, session 77,
 * hardware id 1, O set, then the 8-byte platform-specific subheader
 * (platform 3), then an Ethernet frame.  tshark: eth:ethertype:ip:gre:
 * erspan:eth:ethertype:ip:udp:data, "Type III (2)", SpanID 77, Optional
 * Sub headers 1, Platform ID 3, no expert message.
 */
static const uint8_t hm_erspan3[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x5e, 0x00, 0x01, 0x40, 0x00, 0x40, 0x2f,
	0xc2, 0x6b, 0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02, 0x10, 0x00,
	0x22, 0xeb, 0x00, 0x00, 0x00, 0x07, 0x20, 0x00, 0x00, 0x4d, 0x01, 0x02,
	0x03, 0x04, 0x00, 0x00, 0x00, 0x11, 0x0c, 0x00, 0x00, 0x00, 0x0a, 0x0b,
	0x0c, 0x0d, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x40, 0x00,
	0x40, 0x11, 0x4e, 0x62, 0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x35,
	0x9c, 0x40, 0x82, 0x35, 0x00, 0x0c, 0x00, 0x00, 0x70, 0x69, 0x6e, 0x67,
};

static void
erspan_type3(void **state)
{
	(void)state;
	struct decoded d;

	decode_bytes(&d, hm_erspan3, sizeof(hm_erspan3), DLT_EN10MB);
	expect_handmade_inner(&d);
	expect_tunnel(&d, 1, "203.0.113.1", "203.0.113.2", IPPROTO_GRE);
	assert_int_equal(d.cnt.erspan, 1);
	assert_int_equal(d.cnt.ip_in_erspan, 1);
	done(&d);
}

/*
 * HAND-MADE.  PPPoE session 1 in QinQ: 802.1ad tag 200, 802.1Q tag 300,
 * PPP protocol 0x0021, IPv4.  tshark: eth:ethertype:ieee8021ad:
 * ethertype:vlan:ethertype:pppoes:ppp:ip:udp:data, ieee8021ad.id 200,
 * vlan.id 300, pppoe.session_id 0x0001, no expert message.
 */
static const uint8_t hm_pppoe_qinq[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x88, 0xa8, 0x00, 0xc8, 0x81, 0x00, 0x01, 0x2c, 0x88, 0x64, 0x11, 0x00,
	0x00, 0x01, 0x00, 0x22, 0x00, 0x21, 0x45, 0x00, 0x00, 0x20, 0x00, 0x01,
	0x40, 0x00, 0x40, 0x11, 0x4e, 0x62, 0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33,
	0x64, 0x35, 0x9c, 0x40, 0x82, 0x35, 0x00, 0x0c, 0x00, 0x00, 0x70, 0x69,
	0x6e, 0x67,
};

static void
pppoe_in_qinq(void **state)
{
	(void)state;
	struct decoded d;

	decode_bytes(&d, hm_pppoe_qinq, sizeof(hm_pppoe_qinq), DLT_EN10MB);
	expect_handmade_inner(&d);
	assert_int_equal(d.pkt.vlan_count, 2);
	assert_int_equal(d.pkt.vlan[0], 200);
	assert_int_equal(d.pkt.vlan[1], 300);
	assert_int_equal(d.cnt.pppoe, 1);
	assert_int_equal(d.cnt.ip_in_ppp, 1);
	done(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gre_ip),
		cmocka_unit_test(gre_in_vlan),
		cmocka_unit_test(gre_ppp_fragment),
		cmocka_unit_test(erspan_type1),
		cmocka_unit_test(erspan_type2),
		cmocka_unit_test(vxlan),
		cmocka_unit_test(vxlan_cut),
		cmocka_unit_test(geneve),
		cmocka_unit_test(ipv4_in_ipv6),
		cmocka_unit_test(pppoe),
		cmocka_unit_test(mpls_stack),
		cmocka_unit_test(gre_over_udp),
		cmocka_unit_test(erspan_type3),
		cmocka_unit_test(pppoe_in_qinq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
