/*
 * decode_link.c — strip the link-layer header down to IPv4 or IPv6.
 *
 * Ethernet II with up to TS_MAX_VLAN 802.1Q/802.1ad tags (QinQ), Linux
 * "cooked" captures from `tcpdump -i any` (SLL v1, 16 bytes, and SLL2,
 * 20 bytes), raw IP, and the BSD loopback encapsulations NULL (address
 * family in the writer's byte order) and LOOP (network byte order).
 */
#include <pcap/pcap.h>

#include "decode_link.h"

#define ETHERTYPE_VLAN_		0x8100	/* IEEE 802.1Q */
#define ETHERTYPE_QINQ_		0x88a8	/* IEEE 802.1ad service tag */
#define ETHERTYPE_QINQ_OLD_	0x9100	/* pre-standard QinQ */

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif
#ifndef DLT_PPP_ETHER
#define DLT_PPP_ETHER	51
#endif
#ifndef DLT_C_HDLC
#define DLT_C_HDLC	104
#endif

bool
link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_PPP_ETHER:
	case DLT_C_HDLC:
		return true;
	default:
		return false;
	}
}

/* Follows VLAN tags after an EtherType field; no recursion, bounded loop. */
static inline __attribute__((always_inline)) enum ts_status
decode_ethertype(struct cursor *c, uint16_t type, struct packet *pkt,
    uint16_t *ethertype, struct counters *cnt)
{
	while (type == ETHERTYPE_VLAN_ || type == ETHERTYPE_QINQ_ ||
	    type == ETHERTYPE_QINQ_OLD_) {
		if (pkt->vlan_count == TS_MAX_VLAN) {
			cnt->vlan_too_deep++;
			return TS_UNSUPPORTED;
		}
		uint16_t tci = cur_u16(c);
		type = cur_u16(c);
		if (c->err) {
			cnt->link_truncated++;
			return TS_TRUNCATED;
		}
		pkt->vlan[pkt->vlan_count++] = tci & 0x0fff;
	}
	*ethertype = type;
	return TS_OK;
}

enum ts_status
decode_ether(struct cursor *c, struct packet *pkt, uint16_t *ethertype,
    struct counters *cnt)
{
	cur_skip(c, 12);			/* destination, source MAC */
	uint16_t type = cur_u16(c);

	if (c->err) {
		cnt->link_truncated++;
		return TS_TRUNCATED;
	}
	return decode_ethertype(c, type, pkt, ethertype, cnt);
}

/*
 * Cisco HDLC: address (0x0f unicast, 0x8f broadcast), control 0, then an
 * EtherType.
 */
static enum ts_status
decode_chdlc(struct cursor *c, uint16_t *ethertype, struct counters *cnt)
{
	cur_skip(c, 2);
	*ethertype = cur_u16(c);
	if (c->err) {
		cnt->chdlc_truncated++;
		return TS_TRUNCATED;
	}
	cnt->chdlc++;
	return TS_OK;
}

/* Raw IP: the version nibble says which. */
static enum ts_status
decode_raw(struct cursor *c, uint16_t *ethertype, struct counters *cnt)
{
	uint8_t v = cur_peek(c, 0);

	if (c->err) {
		cnt->link_truncated++;
		return TS_TRUNCATED;
	}
	switch (v >> 4) {
	case 4:
		*ethertype = ETHERTYPE_IPV4_;
		return TS_OK;
	case 6:
		*ethertype = ETHERTYPE_IPV6_;
		return TS_OK;
	default:
		cnt->link_other++;
		return TS_UNSUPPORTED;
	}
}

/*
 * BSD address families for IPv4 (2 everywhere) and IPv6 (24 on NetBSD and
 * OpenBSD, 28 on FreeBSD, 30 on macOS, 10 on Linux).
 */
static enum ts_status
family_to_ethertype(uint32_t af, uint16_t *ethertype)
{
	switch (af) {
	case 2:
		*ethertype = ETHERTYPE_IPV4_;
		return TS_OK;
	case 10: case 24: case 28: case 30:
		*ethertype = ETHERTYPE_IPV6_;
		return TS_OK;
	default:
		return TS_UNSUPPORTED;
	}
}

enum ts_status
decode_link(int dlt, struct cursor *c, struct packet *pkt,
    uint16_t *ethertype, struct counters *cnt)
{
	uint16_t type;
	uint32_t af;

	/* Ethernet first: almost every capture, and the switch below is a
	 * tree of compares since the PPP and HDLC link types joined it. */
	if (dlt == DLT_EN10MB) {
		cur_skip(c, 12);		/* destination, source MAC */
		type = cur_u16(c);
		if (c->err) {
			cnt->link_truncated++;
			return TS_TRUNCATED;
		}
		return decode_ethertype(c, type, pkt, ethertype, cnt);
	}
	switch (dlt) {
	case DLT_PPP:
		/* The PPP decoder skips RFC 1662's 0xff 0x03 when present. */
		*ethertype = ETHERTYPE_PPP_;
		return TS_OK;

	case DLT_PPP_SERIAL: {
		/* RFC 1662 HDLC-like framing, or Cisco HDLC. */
		struct cursor peek = *c;
		uint8_t addr = cur_u8(&peek);
		if (peek.err) {
			cnt->link_truncated++;
			return TS_TRUNCATED;
		}
		if (addr == 0x0f || addr == 0x8f)
			return decode_chdlc(c, ethertype, cnt);
		*ethertype = ETHERTYPE_PPP_;
		return TS_OK;
	}

	case DLT_C_HDLC:
		return decode_chdlc(c, ethertype, cnt);

	case DLT_PPP_ETHER:
		/* A PPPoE header without the Ethernet one. */
		*ethertype = ETHERTYPE_PPPOE_SESS_;
		return TS_OK;

	case DLT_LINUX_SLL:
		/* packet type, ARPHRD, address length, 8 address bytes, protocol */
		cur_skip(c, 14);
		type = cur_u16(c);
		if (c->err) {
			cnt->link_truncated++;
			return TS_TRUNCATED;
		}
		return decode_ethertype(c, type, pkt, ethertype, cnt);

	case DLT_LINUX_SLL2:
		/* protocol, reserved, ifindex, ARPHRD, type, addr len, address */
		type = cur_u16(c);
		cur_skip(c, 18);
		if (c->err) {
			cnt->link_truncated++;
			return TS_TRUNCATED;
		}
		return decode_ethertype(c, type, pkt, ethertype, cnt);

	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return decode_raw(c, ethertype, cnt);

	case DLT_NULL:
	case DLT_LOOP: {
		struct cursor peek = *c;
		uint32_t be = cur_u32(&peek);

		af = cur_u32le(c);
		if (c->err) {
			cnt->link_truncated++;
			return TS_TRUNCATED;
		}
		/*
		 * NULL carries the family in the byte order of the host that
		 * wrote the file, which need not be ours: a small value in
		 * either order is the family.
		 */
		if (dlt == DLT_LOOP || af > 0xffff)
			af = be;
		if (family_to_ethertype(af, ethertype) != TS_OK) {
			cnt->link_other++;
			return TS_UNSUPPORTED;
		}
		return TS_OK;
	}

	default:
		cnt->link_unsupported++;
		return TS_UNSUPPORTED;
	}
}
