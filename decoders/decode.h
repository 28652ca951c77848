/*
 * decode.h — one captured frame down to its transport payload.
 */
#ifndef TS_DECODE_H
#define TS_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "packet.h"

/*
 * Decodes link, IP and transport headers of one frame of link type
 * pkt->datalink.  On TS_OK, pkt has addresses, ports and the payload.  On
 * TS_FRAGMENT, pkt->frag describes an IP fragment for the reassembler;
 * once it gives back a whole datagram in pkt->l4 (with pkt->ip_proto set),
 * decode_transport() finishes the job.  Anything else has been counted.
 */
enum ts_status decode_packet(struct packet *pkt, const uint8_t *data,
    size_t caplen, struct counters *cnt);

/* Decodes the UDP or TCP header at pkt->l4. */
enum ts_status decode_transport(struct packet *pkt, struct counters *cnt);

#endif
