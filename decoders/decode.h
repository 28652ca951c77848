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
 * pkt->datalink.  On TS_OK, pkt has addresses, ports and the payload.
 * Anything else has been counted in cnt.
 */
enum ts_status decode_packet(struct packet *pkt, const uint8_t *data,
    size_t caplen, struct counters *cnt);

#endif
