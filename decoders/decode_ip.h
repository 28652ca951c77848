/*
 * decode_ip.h — IPv4 (RFC 791) and IPv6 (RFC 8200) headers, extension
 * headers skipped safely.
 *
 * The readable end of the packet is the captured length clamped to the IP
 * total length, so Ethernet padding never reaches the transport parsers and
 * a lying length field cannot take us past what was captured.  Fragments
 * are described in pkt->frag for the reassembler.
 *
 * In line, like cursor.h: every packet comes this way, once for its outer
 * header and again inside each tunnel (decode.c), and a call at each of
 * the two places costs more than the code.
 */
#ifndef TS_DECODE_IP_H
#define TS_DECODE_IP_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "counters.h"
#include "cursor.h"
#include "decode_link.h"
#include "packet.h"

/* Longest chain of IPv6 extension headers we walk before giving up. */
#define TS_IPV6_MAX_EXT	8

#define IP6_NEXT_HOPOPTS	0
#define IP6_NEXT_ROUTING	43
#define IP6_NEXT_FRAGMENT	44
#define IP6_NEXT_ESP		50
#define IP6_NEXT_AH		51
#define IP6_NEXT_NONE		59
#define IP6_NEXT_DSTOPTS	60
#define IP6_NEXT_MOBILITY	135
#define IP6_NEXT_HIP		139
#define IP6_NEXT_SHIM6		140

static inline __attribute__((always_inline)) enum ts_status
decode_ipv4(struct cursor *c, struct packet *pkt, struct counters *cnt)
{
	struct cursor ip = *c;
	uint8_t vihl = cur_u8(&ip);
	cur_skip(&ip, 1);			/* DSCP, ECN */
	uint16_t total = cur_u16(&ip);
	uint16_t ident = cur_u16(&ip);
	uint16_t frag = cur_u16(&ip);
	cur_skip(&ip, 1);			/* TTL */
	uint8_t proto = cur_u8(&ip);
	cur_skip(&ip, 2);			/* checksum */
	cur_copy(&ip, pkt->src.bytes, 4);
	cur_copy(&ip, pkt->dst.bytes, 4);

	/* Cut inside the addresses is truncated too, not an IPv4 packet. */
	if (ip.err) {
		cnt->ip_truncated++;
		return TS_TRUNCATED;
	}
	size_t hlen = (size_t)(vihl & 0x0f) * 4;
	if (vihl >> 4 != 4 || hlen < 20 || total < hlen) {
		cnt->ip_invalid++;
		return TS_INVALID;
	}
	pkt->ip_version = 4;
	pkt->src.family = AF_INET;
	pkt->dst.family = AF_INET;
	pkt->ip_proto = proto;
	cnt->ipv4++;

	/* Clamp to the datagram: trailing link padding is not IP payload. */
	struct cursor dgram = *c;
	cur_clamp(&dgram, total);
	pkt->l3 = cur_rest(&dgram);
	cur_skip(&dgram, hlen);			/* header and options */
	if (dgram.err) {
		cnt->ip_truncated++;
		return TS_TRUNCATED;
	}
	/* More fragments set, or a non-zero offset: a fragment. */
	if ((frag & 0x3fff) != 0) {
		cnt->ip_fragment++;
		pkt->frag.id = ident;
		pkt->frag.offset = (uint32_t)(frag & 0x1fff) * 8;
		pkt->frag.more = (frag & 0x2000) != 0;
		pkt->frag.proto = proto;
		pkt->frag.data = cur_rest(&dgram);
		return TS_FRAGMENT;
	}
	pkt->l4 = cur_rest(&dgram);
	return TS_OK;
}

static inline __attribute__((always_inline)) enum ts_status
decode_ipv6(struct cursor *c, struct packet *pkt, struct counters *cnt)
{
	struct cursor ip = *c;
	uint32_t vtcfl = cur_u32(&ip);
	uint16_t plen = cur_u16(&ip);
	uint8_t next = cur_u8(&ip);
	cur_skip(&ip, 1);			/* hop limit */
	cur_copy(&ip, pkt->src.bytes, 16);
	cur_copy(&ip, pkt->dst.bytes, 16);

	if (ip.err) {
		cnt->ip_truncated++;
		cnt->ipv6_truncated++;
		return TS_TRUNCATED;
	}
	if (vtcfl >> 28 != 6) {
		cnt->ip_invalid++;
		cnt->ipv6_invalid++;
		return TS_INVALID;
	}
	pkt->ip_version = 6;
	pkt->src.family = AF_INET6;
	pkt->dst.family = AF_INET6;
	cnt->ipv6++;

	/* A zero payload length means a jumbogram (RFC 2675): not for us. */
	if (plen == 0 && next != IP6_NEXT_NONE) {
		cnt->ip_invalid++;
		cnt->ipv6_invalid++;
		return TS_INVALID;
	}
	struct cursor dgram = *c;
	cur_clamp(&dgram, 40 + (size_t)plen);
	pkt->l3 = cur_rest(&dgram);
	cur_skip(&dgram, 40);

	/*
	 * Walk the extension headers: a bounded loop, never recursion.  n
	 * headers are behind us, so a chain of exactly TS_IPV6_MAX_EXT still
	 * reaches its upper-layer header; one more is too many.
	 */
	for (int n = 0; ; n++) {
		if (n > TS_IPV6_MAX_EXT) {
			cnt->ip_ext_too_many++;
			return TS_UNSUPPORTED;
		}
		switch (next) {
		case IP6_NEXT_HOPOPTS:
		case IP6_NEXT_ROUTING:
		case IP6_NEXT_DSTOPTS:
		case IP6_NEXT_MOBILITY:
		case IP6_NEXT_HIP:
		case IP6_NEXT_SHIM6: {
			/* RFC 8200 4.3: length in 8-octet units, not counting the first 8. */
			uint8_t nh = cur_u8(&dgram);
			uint8_t len = cur_u8(&dgram);
			cur_skip(&dgram, (size_t)len * 8 + 6);
			next = nh;
			break;
		}
		case IP6_NEXT_AH: {
			/* RFC 4302: length in 4-octet units, minus 2. */
			uint8_t nh = cur_u8(&dgram);
			uint8_t len = cur_u8(&dgram);
			cur_skip(&dgram, ((size_t)len + 2) * 4 - 2);
			next = nh;
			break;
		}
		case IP6_NEXT_FRAGMENT: {
			uint8_t nh = cur_u8(&dgram);
			cur_skip(&dgram, 1);
			uint16_t off_m = cur_u16(&dgram);
			uint32_t ident = cur_u32(&dgram);
			if (dgram.err)
				break;
			/* An atomic fragment (RFC 6946) is a whole datagram. */
			if ((off_m & 0xfff9) != 0) {
				cnt->ip_fragment++;
				pkt->frag.id = ident;
				pkt->frag.offset = off_m & 0xfff8;
				pkt->frag.more = (off_m & 0x0001) != 0;
				pkt->frag.proto = nh;
				pkt->frag.data = cur_rest(&dgram);
				return TS_FRAGMENT;
			}
			next = nh;
			break;
		}
		default:
			if (dgram.err) {
				cnt->ip_truncated++;
				cnt->ipv6_truncated++;
				return TS_TRUNCATED;
			}
			pkt->ip_proto = next;
			pkt->l4 = cur_rest(&dgram);
			return TS_OK;
		}
		if (dgram.err) {
			cnt->ip_truncated++;
			cnt->ipv6_truncated++;
			return TS_TRUNCATED;
		}
	}
}

/*
 * Decodes the IP header at c (ethertype says which version); sets the
 * addresses, ip_proto, l3 and l4 in pkt.  l4 is clamped to the IP length.
 */
static inline __attribute__((always_inline)) enum ts_status
decode_ip(uint16_t ethertype, struct cursor *c, struct packet *pkt,
    struct counters *cnt)
{
	if (ethertype == ETHERTYPE_IPV4_)
		return decode_ipv4(c, pkt, cnt);
	return decode_ipv6(c, pkt, cnt);
}

#endif
