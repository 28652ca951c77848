/*
 * decode_link.h — link layers: Ethernet (802.1Q, QinQ), Linux cooked v1/v2,
 * raw IP, BSD loopback (NULL and LOOP), PPP (DLT_PPP, DLT_PPP_SERIAL,
 * PPPoE without Ethernet) and Cisco HDLC.
 */
#ifndef TS_DECODE_LINK_H
#define TS_DECODE_LINK_H

#include <stdbool.h>

#include "counters.h"
#include "cursor.h"
#include "packet.h"

#define ETHERTYPE_IPV4_	0x0800
#define ETHERTYPE_IPV6_	0x86dd
#define ETHERTYPE_TEB_		0x6558	/* an Ethernet frame follows (RFC 1701) */
#define ETHERTYPE_PPP_		0x880b	/* a PPP frame follows (RFC 2637, GRE) */
#define ETHERTYPE_PPPOE_SESS_	0x8864	/* RFC 2516 session stage */
#define ETHERTYPE_MPLS_		0x8847	/* RFC 3032 */
#define ETHERTYPE_MPLS_MCAST_	0x8848

/* True when decode_link() understands this pcap link type. */
bool link_supported(int dlt);

/*
 * Moves c past the link header of a packet of link type dlt and sets
 * *ethertype to what follows: usually ETHERTYPE_IPV4_ or ETHERTYPE_IPV6_,
 * otherwise an encapsulation for decode_encap_link() (PPP, PPPoE, MPLS)
 * or something we do not decode.  VLAN ids go to pkt.
 */
enum ts_status decode_link(int dlt, struct cursor *c, struct packet *pkt,
    uint16_t *ethertype, struct counters *cnt);

/*
 * An Ethernet header (addresses, EtherType, VLAN tags) at c: moves past it
 * and sets *ethertype.  For frames inside tunnels.
 */
enum ts_status decode_ether(struct cursor *c, struct packet *pkt,
    uint16_t *ethertype, struct counters *cnt);

#endif
