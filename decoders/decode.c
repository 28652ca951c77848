/*
 * decode.c — the decoder chain: link → (encapsulations) → IP → UDP or TCP.
 *
 * A tunnel's inner packet goes round a loop: link-level encapsulations,
 * IP, then UDP, TCP or the next tunnel.  The loop, not recursion, follows
 * the nesting, and decode_tunnel.c stops it at decoder.max-depth.  A bare
 * packet never enters it: it pays the test for a tunnel port (UDP) or
 * protocol, nothing more.
 */
#include <netinet/in.h>

#include "decode.h"
#include "decode_ip.h"
#include "decode_link.h"
#include "decode_tcp.h"
#include "decode_tunnel.h"
#include "decode_udp.h"

/* An IP packet found inside encapsulation `via`: counted by kind. */
static void
count_inner_ip(enum encap via, struct counters *cnt)
{
	switch (via) {
	case ENCAP_IPIP:	cnt->ip_in_ip++; break;
	case ENCAP_GRE:		cnt->ip_in_gre++; break;
	case ENCAP_ERSPAN:	cnt->ip_in_erspan++; break;
	case ENCAP_VXLAN:	cnt->ip_in_vxlan++; break;
	case ENCAP_GENEVE:	cnt->ip_in_geneve++; break;
	case ENCAP_MPLS:	cnt->ip_in_mpls++; break;
	case ENCAP_PPP:		cnt->ip_in_ppp++; break;
	case ENCAP_NONE:	break;
	}
}

/*
 * What pkt->l4 holds, per pkt->ip_proto: TS_OK with the transport decoded;
 * TS_TUNNEL_ when c is now at the inner frame of type *ethertype.
 */
#define TS_TUNNEL_	((enum ts_status)100)

/*
 * A datagram to a tunnel port that the capture cut (decode_udp() said
 * TS_TRUNCATED and set udp_cut): the tunnel header and the start of the
 * inner packet may still be there, and are read as tshark reads them (a
 * mirror recorded with a small snap length).  TS_TUNNEL_ when c is at the
 * inner frame; otherwise the datagram stays truncated, payload unset.
 */
static __attribute__((noinline)) enum ts_status
cut_udp_tunnel(struct packet *pkt, struct cursor *c, uint16_t *ethertype,
    enum encap *via, const struct decode_opts *o, struct counters *cnt)
{
	bool plain;
	enum ts_status st;

	pkt->payload = udp_captured(pkt);
	st = decode_udp_tunnel(pkt, c, ethertype, via, &plain, o, cnt);
	if (st == TS_OK && !plain) {
		pkt->udp_cut = false;
		return TS_TUNNEL_;
	}
	pkt->payload.p = NULL;
	pkt->payload.len = 0;
	return plain ? TS_TRUNCATED : st;
}

static inline __attribute__((always_inline)) enum ts_status
transport(struct packet *pkt, struct cursor *c, uint16_t *ethertype,
    enum encap *via, const struct decode_opts *o, struct counters *cnt)
{
	enum ts_status st;
	bool plain;

	switch (pkt->ip_proto) {
	case IPPROTO_UDP:
		st = decode_udp(pkt, cnt);
		if (st != TS_OK) {
			if (st == TS_TRUNCATED && pkt->udp_cut &&
			    udp_tunnel_port(o, pkt->dport))
				return cut_udp_tunnel(pkt, c, ethertype, via,
				    o, cnt);
			return st;
		}
		if (!udp_tunnel_port(o, pkt->dport))
			return st;
		st = decode_udp_tunnel(pkt, c, ethertype, via, &plain, o, cnt);
		if (plain)
			return TS_OK;
		return st == TS_OK ? TS_TUNNEL_ : st;
	case IPPROTO_TCP:
		return decode_tcp(pkt, cnt);
	case IPPROTO_GRE:
	case IPPROTO_IPIP:
	case IPPROTO_IPV6:
		st = decode_ip_tunnel(pkt, c, ethertype, via, o, cnt);
		return st == TS_OK ? TS_TUNNEL_ : st;
	default:
		cnt->ip_other_proto++;
		return TS_UNSUPPORTED;
	}
}

/*
 * Inside a tunnel, or under a link encapsulation (PPP, PPPoE, MPLS): from
 * a frame of type ethertype at c to the innermost transport.  Out of
 * line, so that the path of a bare packet stays short.
 */
static __attribute__((noinline)) enum ts_status
decode_nested(struct packet *pkt, struct cursor *c, uint16_t ethertype,
    enum encap via, const struct decode_opts *o, struct counters *cnt)
{
	enum ts_status st;

	for (;;) {
		if (ethertype != ETHERTYPE_IPV4_ && ethertype != ETHERTYPE_IPV6_) {
			st = decode_encap_link(c, pkt, &ethertype, &via, o, cnt);
			if (st != TS_OK)
				return st;
		}
		st = decode_ip(ethertype, c, pkt, cnt);
		if (via != ENCAP_NONE && (st == TS_OK || st == TS_FRAGMENT)) {
			count_inner_ip(via, cnt);
			via = ENCAP_NONE;
		}
		if (st != TS_OK)
			return st;
		st = transport(pkt, c, &ethertype, &via, o, cnt);
		if (st != TS_TUNNEL_)
			return st;
	}
}

enum ts_status
decode_transport(struct packet *pkt, const struct decode_opts *o,
    struct counters *cnt)
{
	struct cursor c;
	uint16_t ethertype = 0;
	enum encap via = ENCAP_NONE;
	enum ts_status st = transport(pkt, &c, &ethertype, &via, o, cnt);

	if (st != TS_TUNNEL_)
		return st;
	return decode_nested(pkt, &c, ethertype, via, o, cnt);
}

enum ts_status
decode_packet(struct packet *pkt, const uint8_t *data, size_t caplen,
    const struct decode_opts *o, struct counters *cnt)
{
	struct cursor c = cur_init(data, caplen);
	uint16_t ethertype;		/* decode_link() sets it on TS_OK */
	enum encap via = ENCAP_NONE;	/* a tunnel decoder sets it */
	enum ts_status st;

	st = decode_link(pkt->datalink, &c, pkt, &ethertype, cnt);
	if (st != TS_OK)
		return st;
	/* A bare IP packet: the usual case. */
	if (ethertype == ETHERTYPE_IPV4_ || ethertype == ETHERTYPE_IPV6_) {
		st = decode_ip(ethertype, &c, pkt, cnt);
		if (st != TS_OK)
			return st;
		st = transport(pkt, &c, &ethertype, &via, o, cnt);
		if (st != TS_TUNNEL_)
			return st;
	}
	return decode_nested(pkt, &c, ethertype, via, o, cnt);
}
