/*
 * test_decode.c — decode_packet() on hand-built frames: every link type we
 * claim, VLAN stacks, IPv4 options, padding and lying lengths, fragments,
 * IPv6 extension chains, UDP lengths, and every truncation of a valid frame.
 *
 * Each frame is decoded from a heap copy of exactly the captured length, so
 * that AddressSanitizer reports any read past the capture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#include "../../decoders/counters.h"
#include "../../decoders/decode.h"
#include "../../decoders/decode_ip.h"
#include "../../decoders/decode_udp.h"
#include "../../decoders/packet.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif

#define IP6_HOPOPTS	0
#define IP6_ROUTING	43
#define IP6_FRAGMENT	44
#define IP6_AH		51
#define IP6_NONE	59
#define IP6_DSTOPTS	60

static const uint8_t src4[4] = { 192, 0, 2, 1 };
static const uint8_t dst4[4] = { 198, 51, 100, 53 };
static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };
static const uint8_t payload[11] = {
	'h', 'e', 'l', 'l', 'o', ',', ' ', 'd', 'n', 's', '!',
};

/*
 * Ethernet, IPv4 (DF, TTL 64, UDP), UDP 49152 -> 53, 11 bytes of payload:
 * written out by hand once, and used to check the builder below.
 */
static const uint8_t eth_ipv4_udp[] = {
	/* Ethernet: destination, source, type IPv4 */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00,
	/* IPv4: version 4 IHL 5, total length 39, id, DF, TTL, UDP, sum */
	0x45, 0x00, 0x00, 0x27, 0x12, 0x34, 0x40, 0x00,
	0x40, 0x11, 0x00, 0x00,
	192, 0, 2, 1,
	198, 51, 100, 53,
	/* UDP: 49152 -> 53, length 19, checksum */
	0xc0, 0x00, 0x00, 0x35, 0x00, 0x13, 0x00, 0x00,
	'h', 'e', 'l', 'l', 'o', ',', ' ', 'd', 'n', 's', '!',
};

/* ---- Building frames ---- */

struct frame {
	uint8_t		 b[1024];	/* being built */
	size_t		 len;
	uint8_t		*data;		/* what was decoded: a heap copy */
};

static void
put8(struct frame *f, uint8_t v)
{
	assert_true(f->len < sizeof(f->b));
	f->b[f->len++] = v;
}

static void
put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void
put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void
putn(struct frame *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, p[i]);
}

static void
fill(struct frame *f, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, v);
}

static void
eth(struct frame *f, uint16_t type)
{
	static const uint8_t macs[12] = {
		0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02,
	};

	putn(f, macs, sizeof(macs));
	put16(f, type);
}

static void
vlan(struct frame *f, uint16_t tci, uint16_t type)
{
	put16(f, tci);
	put16(f, type);
}

/* An IPv4 header of ihl words; options are NOPs. */
static void
ipv4(struct frame *f, uint8_t vihl, uint16_t total, uint16_t frag,
    uint8_t proto)
{
	put8(f, vihl);
	put8(f, 0);
	put16(f, total);
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	putn(f, src4, 4);
	putn(f, dst4, 4);
	if ((vihl & 0x0f) > 5)
		fill(f, 0x01, ((size_t)(vihl & 0x0f) - 5) * 4);
}

static void
udp(struct frame *f, uint16_t len)
{
	put16(f, 49152);
	put16(f, 53);
	put16(f, len);
	put16(f, 0);
}

static void
ipv6(struct frame *f, uint16_t plen, uint8_t next)
{
	put32(f, 0x60000000);
	put16(f, plen);
	put8(f, next);
	put8(f, 64);
	putn(f, src6, 16);
	putn(f, dst6, 16);
}

/* A hop-by-hop, routing or destination options header of (len + 1) * 8. */
static void
ext(struct frame *f, uint8_t next, uint8_t len)
{
	put8(f, next);
	put8(f, len);
	fill(f, 0, (size_t)len * 8 + 6);	/* Pad1 options */
}

static void
frag6(struct frame *f, uint8_t next, uint16_t off_m)
{
	put8(f, next);
	put8(f, 0);
	put16(f, off_m);
	put32(f, 0xdeadbeef);
}

/* IPv4, UDP and the payload, all lengths consistent. */
static void
ipv4_udp(struct frame *f)
{
	ipv4(f, 0x45, 20 + 8 + sizeof(payload), 0x4000, IPPROTO_UDP);
	udp(f, 8 + sizeof(payload));
	putn(f, payload, sizeof(payload));
}

static void
ipv6_udp(struct frame *f)
{
	ipv6(f, 8 + sizeof(payload), IPPROTO_UDP);
	udp(f, 8 + sizeof(payload));
	putn(f, payload, sizeof(payload));
}

/* ---- Decoding and checking ---- */

static void
frame_free(struct frame *f)
{
	free(f->data);
	f->data = NULL;
}

static struct decode_opts opts;

/* Decodes the first caplen bytes of f from a heap copy of that size. */
static enum ts_status
decode_n(struct frame *f, size_t caplen, int dlt, struct packet *pkt,
    struct counters *cnt)
{
	assert_true(caplen <= f->len);
	frame_free(f);
	f->data = malloc(caplen > 0 ? caplen : 1);
	assert_non_null(f->data);
	memcpy(f->data, f->b, caplen);
	memset(pkt, 0, sizeof(*pkt));
	memset(cnt, 0, sizeof(*cnt));
	pkt->datalink = dlt;
	decode_opts_default(&opts);
	return decode_packet(pkt, f->data, caplen, &opts, cnt);
}

static enum ts_status
decode(struct frame *f, int dlt, struct packet *pkt, struct counters *cnt)
{
	return decode_n(f, f->len, dlt, pkt, cnt);
}

static const struct {
	const char	*name;
	size_t		 off;
} counter_fields[] = {
#define TS_COUNTER_ENTRY(name, desc) { #name, offsetof(struct counters, name) },
	TS_COUNTERS(TS_COUNTER_ENTRY)
#undef TS_COUNTER_ENTRY
};

#define NCOUNTERS (sizeof(counter_fields) / sizeof(counter_fields[0]))

static uint64_t
counter(const struct counters *cnt, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)cnt + counter_fields[i].off, sizeof(v));
	return v;
}

/*
 * Checks every counter: the ones named (name, value pairs ending in NULL)
 * have those values, all others are zero.
 */
static void
expect_counters(const struct counters *cnt, ...)
{
	uint64_t want[NCOUNTERS] = { 0 };
	const char *name;
	va_list ap;

	va_start(ap, cnt);
	while ((name = va_arg(ap, const char *)) != NULL) {
		int v = va_arg(ap, int);
		size_t i;
		for (i = 0; i < NCOUNTERS; i++)
			if (strcmp(counter_fields[i].name, name) == 0)
				break;
		if (i == NCOUNTERS)
			fail_msg("no counter named %s", name);
		want[i] = (uint64_t)v;
	}
	va_end(ap);
	for (size_t i = 0; i < NCOUNTERS; i++)
		if (counter(cnt, i) != want[i])
			fail_msg("counter %s is %llu, expected %llu",
			    counter_fields[i].name,
			    (unsigned long long)counter(cnt, i),
			    (unsigned long long)want[i]);
}

static uint64_t
sum_counters(const struct counters *cnt)
{
	uint64_t n = 0;

	for (size_t i = 0; i < NCOUNTERS; i++)
		n += counter(cnt, i);
	return n;
}

/* A decoded IPv4/UDP packet from src4:49152 to dst4:53 carrying payload[]. */
static void
expect_udp4(const struct frame *f, const struct packet *pkt, size_t at)
{
	assert_int_equal(pkt->ip_version, 4);
	assert_int_equal(pkt->src.family, AF_INET);
	assert_int_equal(pkt->dst.family, AF_INET);
	assert_memory_equal(pkt->src.bytes, src4, 4);
	assert_memory_equal(pkt->dst.bytes, dst4, 4);
	assert_int_equal(pkt->ip_proto, IPPROTO_UDP);
	assert_int_equal(pkt->sport, 49152);
	assert_int_equal(pkt->dport, 53);
	assert_ptr_equal(pkt->payload.p, f->data + at);
	assert_int_equal(pkt->payload.len, sizeof(payload));
	assert_memory_equal(pkt->payload.p, payload, sizeof(payload));
	assert_ptr_equal(pkt->l4.p, f->data + at - 8);
}

static void
expect_udp6(const struct frame *f, const struct packet *pkt, size_t at)
{
	assert_int_equal(pkt->ip_version, 6);
	assert_int_equal(pkt->src.family, AF_INET6);
	assert_int_equal(pkt->dst.family, AF_INET6);
	assert_memory_equal(pkt->src.bytes, src6, 16);
	assert_memory_equal(pkt->dst.bytes, dst6, 16);
	assert_int_equal(pkt->ip_proto, IPPROTO_UDP);
	assert_int_equal(pkt->sport, 49152);
	assert_int_equal(pkt->dport, 53);
	assert_ptr_equal(pkt->payload.p, f->data + at);
	assert_int_equal(pkt->payload.len, sizeof(payload));
	assert_memory_equal(pkt->payload.p, payload, sizeof(payload));
	assert_ptr_equal(pkt->l4.p, f->data + at - 8);
}

/* ---- Link layers ---- */

static void
ethernet_ipv4(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	putn(&f, eth_ipv4_udp, sizeof(eth_ipv4_udp));
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	expect_udp4(&f, &pkt, 42);
	assert_ptr_equal(pkt.l3.p, f.data + 14);
	assert_int_equal(pkt.l3.len, 39);
	assert_int_equal(pkt.l4.len, 19);
	assert_int_equal(pkt.vlan_count, 0);
	expect_counters(&cnt, "ipv4", 1, "udp", 1, NULL);
	frame_free(&f);

	/* The builder makes the same bytes, so later frames can trust it. */
	struct frame g = { .len = 0 };
	eth(&g, 0x0800);
	ipv4_udp(&g);
	assert_int_equal(g.len, sizeof(eth_ipv4_udp));
	assert_memory_equal(g.b, eth_ipv4_udp, sizeof(eth_ipv4_udp));
}

static void
ethernet_ipv6(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	eth(&f, 0x86dd);
	ipv6_udp(&f);
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	expect_udp6(&f, &pkt, 14 + 40 + 8);
	assert_ptr_equal(pkt.l3.p, f.data + 14);
	assert_int_equal(pkt.l3.len, 40 + 19);
	expect_counters(&cnt, "ipv6", 1, "udp", 1, NULL);
	frame_free(&f);
}

static void
ethernet_other(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	/* ARP is neither IPv4 nor IPv6. */
	eth(&f, 0x0806);
	fill(&f, 0, 28);
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_UNSUPPORTED);
	expect_counters(&cnt, "link_other", 1, NULL);

	/* One byte short of the EtherType. */
	assert_int_equal(decode_n(&f, 13, DLT_EN10MB, &pkt, &cnt),
	    TS_TRUNCATED);
	expect_counters(&cnt, "link_truncated", 1, NULL);

	/* A link type we do not know (802.11). */
	assert_int_equal(decode(&f, 105, &pkt, &cnt), TS_UNSUPPORTED);
	expect_counters(&cnt, "link_unsupported", 1, NULL);
	frame_free(&f);
}

static void
vlan_8021q(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	/* Priority 5 and DEI set: only the low 12 bits are the id. */
	eth(&f, 0x8100);
	vlan(&f, 0xb064, 0x0800);
	ipv4_udp(&f);
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	assert_int_equal(pkt.vlan_count, 1);
	assert_int_equal(pkt.vlan[0], 100);
	expect_udp4(&f, &pkt, 14 + 4 + 28);
	assert_ptr_equal(pkt.l3.p, f.data + 18);
	expect_counters(&cnt, "ipv4", 1, "udp", 1, NULL);

	/* Cut inside the tag. */
	assert_int_equal(decode_n(&f, 16, DLT_EN10MB, &pkt, &cnt),
	    TS_TRUNCATED);
	expect_counters(&cnt, "link_truncated", 1, NULL);
	frame_free(&f);
}

static void
vlan_qinq(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	/* 802.1ad service tag 200, then 802.1Q customer tag 300. */
	eth(&f, 0x88a8);
	vlan(&f, 0x00c8, 0x8100);
	vlan(&f, 0x312c, 0x86dd);
	ipv6_udp(&f);
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	assert_int_equal(pkt.vlan_count, 2);
	assert_int_equal(pkt.vlan[0], 200);
	assert_int_equal(pkt.vlan[1], 300);
	expect_udp6(&f, &pkt, 14 + 8 + 48);
	expect_counters(&cnt, "ipv6", 1, "udp", 1, NULL);
	frame_free(&f);

	/* The pre-standard 0x9100 outer tag. */
	f.len = 0;
	eth(&f, 0x9100);
	vlan(&f, 0x0fff, 0x8100);
	vlan(&f, 0x0001, 0x0800);
	ipv4_udp(&f);
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	assert_int_equal(pkt.vlan_count, 2);
	assert_int_equal(pkt.vlan[0], 4095);
	assert_int_equal(pkt.vlan[1], 1);
	expect_udp4(&f, &pkt, 14 + 8 + 28);
	frame_free(&f);
}

static void
vlan_three_tags(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	eth(&f, 0x88a8);
	vlan(&f, 10, 0x8100);
	vlan(&f, 20, 0x8100);
	vlan(&f, 30, 0x0800);
	ipv4_udp(&f);
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_UNSUPPORTED);
	expect_counters(&cnt, "vlan_too_deep", 1, NULL);
	assert_int_equal(pkt.vlan_count, TS_MAX_VLAN);
	assert_int_equal(pkt.vlan[0], 10);
	assert_int_equal(pkt.vlan[1], 20);
	assert_null(pkt.payload.p);
	frame_free(&f);
}

static void
linux_sll(void **state)
{
	(void)state;
	static const uint8_t sll[14] = {
		0x00, 0x00,			/* to us */
		0x00, 0x01,			/* ARPHRD_ETHER */
		0x00, 0x06,			/* address length */
		0x02, 0, 0, 0, 0, 0x02, 0, 0,	/* address, padded to 8 */
	};
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	putn(&f, sll, sizeof(sll));
	put16(&f, 0x0800);
	ipv4_udp(&f);
	assert_int_equal(decode(&f, DLT_LINUX_SLL, &pkt, &cnt), TS_OK);
	expect_udp4(&f, &pkt, 16 + 28);
	assert_ptr_equal(pkt.l3.p, f.data + 16);
	expect_counters(&cnt, "ipv4", 1, "udp", 1, NULL);

	assert_int_equal(decode_n(&f, 15, DLT_LINUX_SLL, &pkt, &cnt),
	    TS_TRUNCATED);
	expect_counters(&cnt, "link_truncated", 1, NULL);
	frame_free(&f);
}

static void
linux_sll2(void **state)
{
	(void)state;
	static const uint8_t sll2[18] = {
		0x00, 0x00,			/* reserved */
		0x00, 0x00, 0x00, 0x03,		/* interface index */
		0x00, 0x01,			/* ARPHRD_ETHER */
		0x04,				/* outgoing */
		0x06,				/* address length */
		0x02, 0, 0, 0, 0, 0x02, 0, 0,	/* address, padded to 8 */
	};
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	put16(&f, 0x86dd);
	putn(&f, sll2, sizeof(sll2));
	ipv6_udp(&f);
	assert_int_equal(decode(&f, DLT_LINUX_SLL2, &pkt, &cnt), TS_OK);
	expect_udp6(&f, &pkt, 20 + 48);
	assert_ptr_equal(pkt.l3.p, f.data + 20);
	expect_counters(&cnt, "ipv6", 1, "udp", 1, NULL);

	assert_int_equal(decode_n(&f, 19, DLT_LINUX_SLL2, &pkt, &cnt),
	    TS_TRUNCATED);
	expect_counters(&cnt, "link_truncated", 1, NULL);
	frame_free(&f);
}

static void
raw_ip(void **state)
{
	(void)state;
	static const int dlts[] = { DLT_RAW, DLT_IPV4, DLT_IPV6 };
	struct frame f4 = { .len = 0 }, f6 = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	ipv4_udp(&f4);
	ipv6_udp(&f6);
	for (size_t i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		assert_int_equal(decode(&f4, dlts[i], &pkt, &cnt), TS_OK);
		expect_udp4(&f4, &pkt, 28);
		assert_ptr_equal(pkt.l3.p, f4.data);
		expect_counters(&cnt, "ipv4", 1, "udp", 1, NULL);

		assert_int_equal(decode(&f6, dlts[i], &pkt, &cnt), TS_OK);
		expect_udp6(&f6, &pkt, 48);
		assert_ptr_equal(pkt.l3.p, f6.data);
		expect_counters(&cnt, "ipv6", 1, "udp", 1, NULL);
	}

	/* Version 5 is neither; nothing at all is truncated. */
	f4.b[0] = 0x55;
	assert_int_equal(decode(&f4, DLT_RAW, &pkt, &cnt), TS_UNSUPPORTED);
	expect_counters(&cnt, "link_other", 1, NULL);
	assert_int_equal(decode_n(&f4, 0, DLT_RAW, &pkt, &cnt), TS_TRUNCATED);
	expect_counters(&cnt, "link_truncated", 1, NULL);
	frame_free(&f4);
	frame_free(&f6);
}

/* BSD loopback: a 4-byte address family, then the IP packet. */
static void
null_and_loop(void **state)
{
	(void)state;
	static const struct {
		int		dlt;
		uint8_t		af[4];
		int		version;	/* 0: refused */
	} cases[] = {
		{ DLT_NULL, { 2, 0, 0, 0 }, 4 },	/* little-endian writer */
		{ DLT_NULL, { 0, 0, 0, 2 }, 4 },	/* big-endian writer */
		{ DLT_NULL, { 24, 0, 0, 0 }, 6 },	/* NetBSD, OpenBSD */
		{ DLT_NULL, { 0, 0, 0, 24 }, 6 },
		{ DLT_NULL, { 28, 0, 0, 0 }, 6 },	/* FreeBSD */
		{ DLT_NULL, { 0, 0, 0, 28 }, 6 },
		{ DLT_NULL, { 30, 0, 0, 0 }, 6 },	/* macOS */
		{ DLT_NULL, { 0, 0, 0, 30 }, 6 },
		{ DLT_NULL, { 10, 0, 0, 0 }, 6 },	/* Linux */
		{ DLT_NULL, { 7, 0, 0, 0 }, 0 },	/* not IP */
		{ DLT_NULL, { 0, 0, 0, 7 }, 0 },
		{ DLT_LOOP, { 0, 0, 0, 2 }, 4 },	/* always big-endian */
		{ DLT_LOOP, { 0, 0, 0, 24 }, 6 },
		{ DLT_LOOP, { 0, 0, 0, 30 }, 6 },
		{ DLT_LOOP, { 2, 0, 0, 0 }, 0 },
		{ DLT_LOOP, { 24, 0, 0, 0 }, 0 },
	};
	struct packet pkt;
	struct counters cnt;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct frame f = { .len = 0 };
		putn(&f, cases[i].af, 4);
		if (cases[i].version == 6)
			ipv6_udp(&f);
		else
			ipv4_udp(&f);
		enum ts_status st = decode(&f, cases[i].dlt, &pkt, &cnt);
		switch (cases[i].version) {
		case 4:
			assert_int_equal(st, TS_OK);
			expect_udp4(&f, &pkt, 4 + 28);
			expect_counters(&cnt, "ipv4", 1, "udp", 1, NULL);
			break;
		case 6:
			assert_int_equal(st, TS_OK);
			expect_udp6(&f, &pkt, 4 + 48);
			expect_counters(&cnt, "ipv6", 1, "udp", 1, NULL);
			break;
		default:
			if (st != TS_UNSUPPORTED)
				fail_msg("case %zu: status %d", i, st);
			expect_counters(&cnt, "link_other", 1, NULL);
		}
		assert_int_equal(decode_n(&f, 3, cases[i].dlt, &pkt, &cnt),
		    TS_TRUNCATED);
		expect_counters(&cnt, "link_truncated", 1, NULL);
		frame_free(&f);
	}
}

/* ---- IPv4 ---- */

static void
ipv4_options(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	/* IHL 6: one Router Alert option (RFC 2113). */
	eth(&f, 0x0800);
	put8(&f, 0x46);
	put8(&f, 0);
	put16(&f, 24 + 8 + sizeof(payload));
	put16(&f, 1);
	put16(&f, 0);
	put8(&f, 1);
	put8(&f, IPPROTO_UDP);
	put16(&f, 0);
	putn(&f, src4, 4);
	putn(&f, dst4, 4);
	put32(&f, 0x94040000);
	udp(&f, 8 + sizeof(payload));
	putn(&f, payload, sizeof(payload));
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	expect_udp4(&f, &pkt, 14 + 24 + 8);
	assert_int_equal(pkt.l3.len, 24 + 8 + sizeof(payload));
	assert_int_equal(pkt.l4.len, 8 + sizeof(payload));
	expect_counters(&cnt, "ipv4", 1, "udp", 1, NULL);
	frame_free(&f);

	/* IHL 15, the longest header: 40 bytes of options. */
	f.len = 0;
	eth(&f, 0x0800);
	ipv4(&f, 0x4f, 60 + 8 + sizeof(payload), 0, IPPROTO_UDP);
	udp(&f, 8 + sizeof(payload));
	putn(&f, payload, sizeof(payload));
	assert_int_equal(f.len, 14 + 60 + 8 + sizeof(payload));
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	expect_udp4(&f, &pkt, 14 + 60 + 8);
	frame_free(&f);
}

/* Ethernet pads short frames to 60 bytes; the padding is not payload. */
static void
ipv4_ethernet_padding(void **state)
{
	(void)state;
	static const uint8_t two[2] = { 'o', 'k' };
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	eth(&f, 0x0800);
	ipv4(&f, 0x45, 20 + 8 + 2, 0, IPPROTO_UDP);
	udp(&f, 8 + 2);
	putn(&f, two, 2);
	fill(&f, 0xee, 16);
	assert_int_equal(f.len, 60);
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	assert_ptr_equal(pkt.l3.p, f.data + 14);
	assert_int_equal(pkt.l3.len, 30);
	assert_int_equal(pkt.l4.len, 10);
	assert_ptr_equal(pkt.payload.p, f.data + 42);
	assert_int_equal(pkt.payload.len, 2);
	assert_memory_equal(pkt.payload.p, two, 2);
	expect_counters(&cnt, "ipv4", 1, "udp", 1, NULL);

	/*
	 * A UDP length that reaches into the padding: the datagram ends at
	 * the IP total length, so the padding must not become payload.
	 */
	f.b[14 + 20 + 4] = 0;
	f.b[14 + 20 + 5] = 8 + 2 + 10;
	enum ts_status st = decode(&f, DLT_EN10MB, &pkt, &cnt);
	assert_int_not_equal(st, TS_OK);
	assert_null(pkt.payload.p);
	assert_int_equal(pkt.payload.len, 0);
	assert_int_equal(cnt.ipv4, 1);
	assert_int_equal(cnt.udp, 1);
	assert_int_equal(cnt.udp_truncated + cnt.udp_invalid, 1);
	assert_int_equal(sum_counters(&cnt), 3);
	frame_free(&f);
}

/* A total length larger than what was captured. */
static void
ipv4_length_lies(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	/* Both IP and UDP claim 100 more bytes than there are. */
	eth(&f, 0x0800);
	ipv4(&f, 0x45, 20 + 8 + sizeof(payload) + 100, 0, IPPROTO_UDP);
	udp(&f, 8 + sizeof(payload) + 100);
	putn(&f, payload, sizeof(payload));
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_TRUNCATED);
	assert_null(pkt.payload.p);
	/* The datagram is what was captured, not what the header says. */
	assert_ptr_equal(pkt.l3.p, f.data + 14);
	assert_int_equal(pkt.l3.len, 20 + 8 + sizeof(payload));
	expect_counters(&cnt, "ipv4", 1, "udp", 1, "udp_truncated", 1, NULL);
	frame_free(&f);

	/* Only IP lies; the UDP datagram is whole and within the capture. */
	f.len = 0;
	eth(&f, 0x0800);
	ipv4(&f, 0x45, 20 + 8 + sizeof(payload) + 100, 0, IPPROTO_UDP);
	udp(&f, 8 + sizeof(payload));
	putn(&f, payload, sizeof(payload));
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	expect_udp4(&f, &pkt, 42);
	assert_int_equal(pkt.l3.len, 20 + 8 + sizeof(payload));
	frame_free(&f);

	/* IHL 15 with only the fixed 20 bytes captured. */
	f.len = 0;
	eth(&f, 0x0800);
	ipv4(&f, 0x45, 60 + 8, 0, IPPROTO_UDP);
	f.b[14] = 0x4f;
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_TRUNCATED);
	expect_counters(&cnt, "ipv4", 1, "ip_truncated", 1, NULL);
	assert_null(pkt.l4.p);
	frame_free(&f);
}

static void
ipv4_invalid(void **state)
{
	(void)state;
	static const struct {
		uint8_t		vihl;
		uint16_t	total;
	} cases[] = {
		{ 0x44, 20 + 8 + sizeof(payload) },	/* IHL 4 < 5 */
		{ 0x40, 20 + 8 + sizeof(payload) },	/* IHL 0 */
		{ 0x65, 20 + 8 + sizeof(payload) },	/* version 6 */
		{ 0x45, 19 },				/* total < IHL */
		{ 0x46, 20 },
	};
	struct packet pkt;
	struct counters cnt;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct frame f = { .len = 0 };
		eth(&f, 0x0800);
		ipv4(&f, cases[i].vihl, cases[i].total, 0, IPPROTO_UDP);
		udp(&f, 8 + sizeof(payload));
		putn(&f, payload, sizeof(payload));
		if (decode(&f, DLT_EN10MB, &pkt, &cnt) != TS_INVALID)
			fail_msg("case %zu: not invalid", i);
		expect_counters(&cnt, "ip_invalid", 1, NULL);
		assert_null(pkt.l4.p);
		frame_free(&f);
	}
}

static void
ipv4_fragments(void **state)
{
	(void)state;
	static const struct {
		uint16_t	frag;
		bool		fragment;
	} cases[] = {
		{ 0x2000, true },	/* more fragments, offset 0 */
		{ 0x0001, true },	/* last fragment, offset 8 */
		{ 0x3fff, true },
		{ 0x1fff, true },
		{ 0x6000, true },	/* DF and MF: still a fragment */
		{ 0x4000, false },	/* don't fragment */
		{ 0x0000, false },
	};
	struct packet pkt;
	struct counters cnt;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct frame f = { .len = 0 };
		eth(&f, 0x0800);
		ipv4(&f, 0x45, 20 + 8 + sizeof(payload), cases[i].frag,
		    IPPROTO_UDP);
		udp(&f, 8 + sizeof(payload));
		putn(&f, payload, sizeof(payload));
		enum ts_status st = decode(&f, DLT_EN10MB, &pkt, &cnt);
		if (cases[i].fragment) {
			/* Not decoded as a datagram of its own. */
			if (st == TS_OK)
				fail_msg("frag 0x%04x: decoded", cases[i].frag);
			expect_counters(&cnt, "ipv4", 1, "ip_fragment", 1,
			    NULL);
			assert_null(pkt.payload.p);
			assert_null(pkt.l4.p);
		} else {
			assert_int_equal(st, TS_OK);
			expect_udp4(&f, &pkt, 42);
			expect_counters(&cnt, "ipv4", 1, "udp", 1, NULL);
		}
		frame_free(&f);
	}
}

/* Neither UDP nor TCP: counted, with l4 still pointing past the header. */
static void
ipv4_other_proto(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	eth(&f, 0x0800);
	ipv4(&f, 0x45, 28, 0, IPPROTO_ICMP);
	fill(&f, 0, 8);
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_UNSUPPORTED);
	expect_counters(&cnt, "ipv4", 1, "ip_other_proto", 1, NULL);
	assert_int_equal(pkt.ip_proto, IPPROTO_ICMP);
	assert_ptr_equal(pkt.l4.p, f.data + 34);
	assert_int_equal(pkt.l4.len, 8);
	assert_null(pkt.payload.p);
	frame_free(&f);
}

/* ---- IPv6 ---- */

/*
 * Hop-by-hop, destination options and an atomic fragment header
 * (RFC 6946: offset 0, M clear) before UDP: a whole datagram.
 */
static void
ipv6_extension_headers(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	eth(&f, 0x86dd);
	ipv6(&f, 8 + 16 + 8 + 8 + sizeof(payload), IP6_HOPOPTS);
	ext(&f, IP6_DSTOPTS, 0);
	ext(&f, IP6_FRAGMENT, 1);
	frag6(&f, IPPROTO_UDP, 0x0000);
	udp(&f, 8 + sizeof(payload));
	putn(&f, payload, sizeof(payload));
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	expect_udp6(&f, &pkt, 14 + 40 + 32 + 8);
	assert_int_equal(pkt.l4.len, 8 + sizeof(payload));
	assert_int_equal(pkt.l3.len, 40 + 32 + 8 + sizeof(payload));
	expect_counters(&cnt, "ipv6", 1, "udp", 1, NULL);

	/* Reserved bits in the fragment header do not make a fragment. */
	f.b[14 + 40 + 24 + 3] = 0x06;
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	expect_udp6(&f, &pkt, 14 + 40 + 32 + 8);
	frame_free(&f);

	/* Routing and AH (RFC 4302: length in 4-octet units, minus 2). */
	f.len = 0;
	eth(&f, 0x86dd);
	ipv6(&f, 8 + 24 + 8 + sizeof(payload), IP6_ROUTING);
	ext(&f, IP6_AH, 0);
	put8(&f, IPPROTO_UDP);
	put8(&f, 4);			/* (4 + 2) * 4 = 24 bytes */
	fill(&f, 0xaa, 22);
	udp(&f, 8 + sizeof(payload));
	putn(&f, payload, sizeof(payload));
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	expect_udp6(&f, &pkt, 14 + 40 + 32 + 8);
	frame_free(&f);
}

static void
ipv6_fragments(void **state)
{
	(void)state;
	static const uint16_t frags[] = {
		0x0001,		/* first fragment: offset 0, M set */
		0x0008,		/* last fragment: offset 1, M clear */
		0xfff8,
		0x0009,
	};
	struct packet pkt;
	struct counters cnt;

	for (size_t i = 0; i < sizeof(frags) / sizeof(frags[0]); i++) {
		struct frame f = { .len = 0 };
		eth(&f, 0x86dd);
		ipv6(&f, 8 + 8 + sizeof(payload), IP6_FRAGMENT);
		frag6(&f, IPPROTO_UDP, frags[i]);
		udp(&f, 8 + sizeof(payload));
		putn(&f, payload, sizeof(payload));
		enum ts_status st = decode(&f, DLT_EN10MB, &pkt, &cnt);
		if (st == TS_OK)
			fail_msg("off_m 0x%04x: decoded", frags[i]);
		expect_counters(&cnt, "ipv6", 1, "ip_fragment", 1, NULL);
		assert_null(pkt.payload.p);
		assert_null(pkt.l4.p);
		frame_free(&f);
	}
}

/* A chain of n destination options headers, then UDP. */
static enum ts_status
ext_chain(size_t n, struct packet *pkt, struct counters *cnt)
{
	struct frame f = { .len = 0 };

	eth(&f, 0x86dd);
	ipv6(&f, (uint16_t)(n * 8 + 8 + sizeof(payload)),
	    n > 0 ? IP6_DSTOPTS : IPPROTO_UDP);
	for (size_t i = 0; i < n; i++)
		ext(&f, i + 1 < n ? IP6_DSTOPTS : IPPROTO_UDP, 0);
	udp(&f, 8 + sizeof(payload));
	putn(&f, payload, sizeof(payload));
	enum ts_status st = decode(&f, DLT_EN10MB, pkt, cnt);
	if (st == TS_OK)
		expect_udp6(&f, pkt, 14 + 40 + n * 8 + 8);
	frame_free(&f);
	return st;
}

static void
ipv6_extension_limit(void **state)
{
	(void)state;
	struct packet pkt;
	struct counters cnt;

	/* Up to TS_IPV6_MAX_EXT extension headers are walked... */
	for (size_t n = 0; n <= TS_IPV6_MAX_EXT; n++) {
		if (ext_chain(n, &pkt, &cnt) != TS_OK)
			fail_msg("%zu extension headers refused", n);
		expect_counters(&cnt, "ipv6", 1, "udp", 1, NULL);
	}
	/* ...one more is too many. */
	assert_int_equal(ext_chain(TS_IPV6_MAX_EXT + 1, &pkt, &cnt),
	    TS_UNSUPPORTED);
	expect_counters(&cnt, "ipv6", 1, "ip_ext_too_many", 1, NULL);
	assert_null(pkt.payload.p);
	assert_int_equal(ext_chain(9, &pkt, &cnt), TS_UNSUPPORTED);
	expect_counters(&cnt, "ipv6", 1, "ip_ext_too_many", 1, NULL);
}

static void
ipv6_lengths(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	/* Payload length 0 is a jumbogram (RFC 2675): not decoded. */
	eth(&f, 0x86dd);
	ipv6(&f, 0, IPPROTO_UDP);
	udp(&f, 8 + sizeof(payload));
	putn(&f, payload, sizeof(payload));
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_INVALID);
	expect_counters(&cnt, "ipv6", 1, "ip_invalid", 1, "ipv6_invalid", 1,
	    NULL);
	frame_free(&f);

	/* No next header, nothing after the fixed header. */
	f.len = 0;
	eth(&f, 0x86dd);
	ipv6(&f, 0, IP6_NONE);
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_UNSUPPORTED);
	expect_counters(&cnt, "ipv6", 1, "ip_other_proto", 1, NULL);
	frame_free(&f);

	/*
	 * A payload length that ends inside an extension header: the header
	 * may not be read beyond the datagram even though bytes follow.
	 */
	f.len = 0;
	eth(&f, 0x86dd);
	ipv6(&f, 4, IP6_HOPOPTS);
	ext(&f, IPPROTO_UDP, 0);
	udp(&f, 8 + sizeof(payload));
	putn(&f, payload, sizeof(payload));
	assert_int_not_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	assert_null(pkt.l4.p);
	assert_null(pkt.payload.p);
	assert_int_equal(cnt.ipv6, 1);
	assert_int_equal(cnt.ip_truncated + cnt.ip_invalid, 1);
	/* ... and the per-version copy of the same counter. */
	assert_int_equal(cnt.ipv6_truncated + cnt.ipv6_invalid, 1);
	assert_int_equal(sum_counters(&cnt), 3);
	frame_free(&f);

	/* A version other than 6 under the IPv6 EtherType. */
	f.len = 0;
	eth(&f, 0x86dd);
	ipv6_udp(&f);
	f.b[14] = 0x40;
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_INVALID);
	expect_counters(&cnt, "ip_invalid", 1, "ipv6_invalid", 1, NULL);
	frame_free(&f);
}

/* ---- UDP ---- */

static void
udp_lengths(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };
	struct packet pkt;
	struct counters cnt;

	eth(&f, 0x0800);
	ipv4_udp(&f);
	const size_t ulen = 14 + 20 + 4;	/* where the UDP length sits */

	for (uint8_t len = 0; len < 8; len++) {
		f.b[ulen] = 0;
		f.b[ulen + 1] = len;
		assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt),
		    TS_INVALID);
		expect_counters(&cnt, "ipv4", 1, "udp", 1, "udp_invalid", 1,
		    NULL);
		assert_null(pkt.payload.p);
	}

	/* Exactly the header: an empty payload. */
	f.b[ulen + 1] = 8;
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	assert_ptr_equal(pkt.payload.p, f.data + 42);
	assert_int_equal(pkt.payload.len, 0);

	/* Shorter than the datagram: the payload stops at the UDP length. */
	f.b[ulen + 1] = 8 + 5;
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_OK);
	assert_int_equal(pkt.payload.len, 5);

	/* Whole datagrams never say they were cut. */
	assert_false(pkt.udp_cut);

	/*
	 * One byte more than there is: truncated, the payload unset, but
	 * udp_cut says what was captured of it can be had.
	 */
	f.b[ulen + 1] = 8 + sizeof(payload) + 1;
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_TRUNCATED);
	expect_counters(&cnt, "ipv4", 1, "udp", 1, "udp_truncated", 1, NULL);
	assert_null(pkt.payload.p);
	assert_true(pkt.udp_cut);
	struct slice got = udp_captured(&pkt);
	assert_ptr_equal(got.p, f.data + 42);
	assert_int_equal(got.len, sizeof(payload));

	/* The largest length on a small datagram. */
	f.b[ulen] = 0xff;
	f.b[ulen + 1] = 0xff;
	assert_int_equal(decode(&f, DLT_EN10MB, &pkt, &cnt), TS_TRUNCATED);
	expect_counters(&cnt, "ipv4", 1, "udp", 1, "udp_truncated", 1, NULL);
	frame_free(&f);
}

/* ---- Every truncation of a valid frame ---- */

/*
 * Decodes every prefix of f.  A prefix never decodes to a payload that
 * extends past it, and exactly one counter says why it stopped.  With
 * `whole` set the UDP datagram fills the frame, so every prefix must be
 * truncated.
 */
static void
truncation_sweep(struct frame *f, int dlt, bool whole)
{
	struct packet pkt;
	struct counters cnt;

	assert_int_equal(decode(f, dlt, &pkt, &cnt), TS_OK);
	for (size_t caplen = 0; caplen < f->len; caplen++) {
		enum ts_status st = decode_n(f, caplen, dlt, &pkt, &cnt);
		uint64_t trunc = cnt.link_truncated + cnt.ip_truncated +
		    cnt.udp_truncated;

		if (st == TS_OK) {
			if (whole)
				fail_msg("caplen %zu decoded", caplen);
			assert_non_null(pkt.payload.p);
			assert_true(pkt.payload.p >= f->data);
			assert_true(pkt.payload.p <= f->data + caplen);
			assert_true(pkt.payload.len <=
			    caplen - (size_t)(pkt.payload.p - f->data));
			assert_int_equal(trunc, 0);
			continue;
		}
		if (st != TS_TRUNCATED)
			fail_msg("caplen %zu: status %d", caplen, st);
		if (trunc != 1)
			fail_msg("caplen %zu: %llu truncation counts", caplen,
			    (unsigned long long)trunc);
		assert_int_equal(cnt.ip_invalid + cnt.udp_invalid +
		    cnt.link_other + cnt.ip_fragment, 0);
		assert_null(pkt.payload.p);
	}
	frame_free(f);
}

static void
truncation_ipv4(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };

	eth(&f, 0x0800);
	ipv4_udp(&f);
	truncation_sweep(&f, DLT_EN10MB, true);

	/* QinQ and IP options. */
	f.len = 0;
	eth(&f, 0x88a8);
	vlan(&f, 1, 0x8100);
	vlan(&f, 2, 0x0800);
	ipv4(&f, 0x47, 28 + 8 + sizeof(payload), 0, IPPROTO_UDP);
	udp(&f, 8 + sizeof(payload));
	putn(&f, payload, sizeof(payload));
	truncation_sweep(&f, DLT_EN10MB, true);

	/* With Ethernet padding, prefixes that keep the datagram decode. */
	f.len = 0;
	eth(&f, 0x0800);
	ipv4_udp(&f);
	fill(&f, 0xee, 20);
	truncation_sweep(&f, DLT_EN10MB, false);

	f.len = 0;
	put32(&f, 0x02000000);
	ipv4_udp(&f);
	truncation_sweep(&f, DLT_NULL, true);
}

static void
truncation_ipv6(void **state)
{
	(void)state;
	struct frame f = { .len = 0 };

	eth(&f, 0x86dd);
	ipv6_udp(&f);
	truncation_sweep(&f, DLT_EN10MB, true);

	f.len = 0;
	eth(&f, 0x86dd);
	ipv6(&f, 8 + 16 + 8 + 24 + 8 + sizeof(payload), IP6_HOPOPTS);
	ext(&f, IP6_DSTOPTS, 0);
	ext(&f, IP6_FRAGMENT, 1);
	frag6(&f, IP6_AH, 0);
	put8(&f, IPPROTO_UDP);
	put8(&f, 4);
	fill(&f, 0xaa, 22);
	udp(&f, 8 + sizeof(payload));
	putn(&f, payload, sizeof(payload));
	truncation_sweep(&f, DLT_EN10MB, true);

	f.len = 0;
	put16(&f, 0x86dd);
	fill(&f, 0, 18);
	ipv6_udp(&f);
	truncation_sweep(&f, DLT_LINUX_SLL2, true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ethernet_ipv4),
		cmocka_unit_test(ethernet_ipv6),
		cmocka_unit_test(ethernet_other),
		cmocka_unit_test(vlan_8021q),
		cmocka_unit_test(vlan_qinq),
		cmocka_unit_test(vlan_three_tags),
		cmocka_unit_test(linux_sll),
		cmocka_unit_test(linux_sll2),
		cmocka_unit_test(raw_ip),
		cmocka_unit_test(null_and_loop),
		cmocka_unit_test(ipv4_options),
		cmocka_unit_test(ipv4_ethernet_padding),
		cmocka_unit_test(ipv4_length_lies),
		cmocka_unit_test(ipv4_invalid),
		cmocka_unit_test(ipv4_fragments),
		cmocka_unit_test(ipv4_other_proto),
		cmocka_unit_test(ipv6_extension_headers),
		cmocka_unit_test(ipv6_fragments),
		cmocka_unit_test(ipv6_extension_limit),
		cmocka_unit_test(ipv6_lengths),
		cmocka_unit_test(udp_lengths),
		cmocka_unit_test(truncation_ipv4),
		cmocka_unit_test(truncation_ipv6),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
