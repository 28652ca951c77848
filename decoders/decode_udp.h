/*
 * decode_udp.h — UDP (RFC 768).
 */
#ifndef TS_DECODE_UDP_H
#define TS_DECODE_UDP_H

#include "counters.h"
#include "packet.h"

/* Decodes the UDP header in pkt->l4; sets ports and payload. */
enum ts_status decode_udp(struct packet *pkt, struct counters *cnt);

#endif
