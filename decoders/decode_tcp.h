/*
 * decode_tcp.h — TCP header (RFC 9293).
 */
#ifndef TS_DECODE_TCP_H
#define TS_DECODE_TCP_H

#include "counters.h"
#include "packet.h"

/* Decodes the TCP header in pkt->l4: ports, sequence numbers, flags, payload. */
enum ts_status decode_tcp(struct packet *pkt, struct counters *cnt);

#endif
