/*
 * decode_udp.h — UDP (RFC 768).
 */
#ifndef TS_DECODE_UDP_H
#define TS_DECODE_UDP_H

#include "counters.h"
#include "packet.h"

/*
 * Decodes the UDP header in pkt->l4; sets ports and payload.  When the
 * UDP length runs past what is left of the datagram, returns TS_TRUNCATED
 * with the payload unset and pkt->udp_cut set.
 */
enum ts_status decode_udp(struct packet *pkt, struct counters *cnt);

/*
 * After decode_udp() set udp_cut: the part of the payload that was
 * captured (the caller decides whether the capture, not a lying length,
 * cut it: a pcap record shorter than the frame).
 */
struct slice udp_captured(const struct packet *pkt);

#endif
