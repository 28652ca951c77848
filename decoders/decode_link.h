/*
 * decode_link.h — link layers: Ethernet (802.1Q, QinQ), Linux cooked v1/v2,
 * raw IP, BSD loopback (NULL and LOOP).
 */
#ifndef TS_DECODE_LINK_H
#define TS_DECODE_LINK_H

#include <stdbool.h>

#include "counters.h"
#include "cursor.h"
#include "packet.h"

#define ETHERTYPE_IPV4_	0x0800
#define ETHERTYPE_IPV6_	0x86dd

/* True when decode_link() understands this pcap link type. */
bool link_supported(int dlt);

/*
 * Moves c past the link header of a packet of link type dlt and sets
 * *ethertype to ETHERTYPE_IPV4_ or ETHERTYPE_IPV6_.  VLAN ids go to pkt.
 */
enum ts_status decode_link(int dlt, struct cursor *c, struct packet *pkt,
    uint16_t *ethertype, struct counters *cnt);

#endif
