/*
 * decode.h — one captured frame down to its transport payload, through
 * whatever encapsulations the decoder options allow.
 */
#ifndef TS_DECODE_H
#define TS_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "packet.h"

/* Encapsulations deeper than this are never followed, whatever is set. */
#define DECODE_DEPTH_MAX	16
/* UDP ports one encapsulation may be configured on. */
#define DECODE_MAX_PORTS	8

/*
 * Which encapsulations are decoded (the configuration's decoder.* keys),
 * read-only while packets flow.  decode_opts_default() gives the
 * defaults; after changing a port list, decode_opts_finish() rebuilds the
 * table of UDP ports.
 */
struct decode_opts {
	uint8_t		 max_depth;		/* decoder.max-depth */
	uint8_t		 mpls_max_labels;	/* decoder.mpls.max-labels */
	bool		 vxlan;			/* decoder.vxlan.enabled */
	bool		 geneve;		/* decoder.geneve.enabled */
	bool		 gre;			/* decoder.gre.enabled */
	bool		 erspan;		/* decoder.erspan.enabled */
	bool		 ipip;			/* decoder.ipip.enabled */
	bool		 mpls;			/* decoder.mpls.enabled */
	bool		 pppoe;			/* decoder.pppoe.enabled */
	uint16_t	 vxlan_ports[DECODE_MAX_PORTS];	/* decoder.vxlan.ports */
	uint8_t		 n_vxlan_ports;
	uint16_t	 geneve_ports[DECODE_MAX_PORTS]; /* decoder.geneve.ports */
	uint8_t		 n_geneve_ports;
	uint16_t	 gre_udp_ports[DECODE_MAX_PORTS]; /* decoder.gre.udp-ports */
	uint8_t		 n_gre_udp_ports;
	/*
	 * One bit per UDP destination port an enabled tunnel uses, and the
	 * span of those ports: most datagrams (DNS to 53, replies to
	 * ephemeral ports) fall outside it and skip the table.
	 */
	uint16_t	 udp_tunnel_lo, udp_tunnel_span;
	uint8_t		 udp_tunnel[65536 / 8];
};

void decode_opts_default(struct decode_opts *o);
void decode_opts_finish(struct decode_opts *o);

/*
 * Decodes link, encapsulation, IP and transport headers of one frame of
 * link type pkt->datalink.  On TS_OK, pkt has addresses, ports and the
 * payload of the innermost packet, and pkt->tun what carried it.  On
 * TS_FRAGMENT, pkt->frag describes an IP fragment for the reassembler;
 * once it gives back a whole datagram in pkt->l4 (with pkt->ip_proto
 * set), decode_transport() finishes the job.  Anything else has been
 * counted.
 */
enum ts_status decode_packet(struct packet *pkt, const uint8_t *data,
    size_t caplen, const struct decode_opts *o, struct counters *cnt);

/*
 * Decodes what pkt->l4 holds: UDP or TCP, or a tunnel whose inner packet
 * is then decoded in turn (it may be a fragment again: TS_FRAGMENT).
 */
enum ts_status decode_transport(struct packet *pkt,
    const struct decode_opts *o, struct counters *cnt);

#endif
