/*
 * decode_tunnel.h — the encapsulations between a capture's link layer and
 * the IP packet we analyse: link-level ones (PPPoE, PPP, MPLS, an Ethernet
 * frame inside a tunnel) and tunnels (GRE with ERSPAN, VXLAN, GENEVE, GRE
 * over UDP, IP in IP).  decode.c calls these in a loop, never recursively.
 */
#ifndef TS_DECODE_TUNNEL_H
#define TS_DECODE_TUNNEL_H

#include <stdbool.h>

#include "counters.h"
#include "cursor.h"
#include "decode.h"
#include "packet.h"

/* What an IP packet was found inside, for the ip_in_* counters. */
enum encap {
	ENCAP_NONE,
	ENCAP_IPIP,
	ENCAP_GRE,
	ENCAP_ERSPAN,
	ENCAP_VXLAN,
	ENCAP_GENEVE,
	ENCAP_MPLS,
	ENCAP_PPP,
};

/*
 * Follows link-level encapsulations at c, starting from *ethertype, until
 * an IPv4 or IPv6 header (TS_OK, *ethertype says which).  *via is set to
 * the last encapsulation passed (PPP, MPLS), when any.
 */
enum ts_status decode_encap_link(struct cursor *c, struct packet *pkt,
    uint16_t *ethertype, enum encap *via, const struct decode_opts *o,
    struct counters *cnt);

/*
 * pkt->l4 holds IP protocol 4, 41 or 47: on TS_OK c is at the inner frame,
 * of type *ethertype, and pkt->tun has one more layer.
 */
enum ts_status decode_ip_tunnel(struct packet *pkt, struct cursor *c,
    uint16_t *ethertype, enum encap *via, const struct decode_opts *o,
    struct counters *cnt);

/* Whether a UDP datagram to this port may be a tunnel we decode. */
static inline bool
udp_tunnel_port(const struct decode_opts *o, uint16_t port)
{
	if ((uint16_t)(port - o->udp_tunnel_lo) > o->udp_tunnel_span)
		return false;
	return (o->udp_tunnel[port >> 3] >> (port & 7)) & 1;
}

/*
 * The UDP payload of pkt on a tunnel port: like decode_ip_tunnel().  When
 * the header is no tunnel's after all (counted), *plain is set: the
 * datagram is ordinary UDP.
 */
enum ts_status decode_udp_tunnel(struct packet *pkt, struct cursor *c,
    uint16_t *ethertype, enum encap *via, bool *plain,
    const struct decode_opts *o, struct counters *cnt);

#endif
