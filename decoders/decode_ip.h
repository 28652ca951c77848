/*
 * decode_ip.h — IPv4 and IPv6 (extension headers skipped safely).
 */
#ifndef TS_DECODE_IP_H
#define TS_DECODE_IP_H

#include "counters.h"
#include "cursor.h"
#include "packet.h"

/* Longest chain of IPv6 extension headers we walk before giving up. */
#define TS_IPV6_MAX_EXT	8

/*
 * Decodes the IP header at c (ethertype says which version); sets the
 * addresses, ip_proto, l3 and l4 in pkt.  l4 is clamped to the IP length.
 */
enum ts_status decode_ip(uint16_t ethertype, struct cursor *c,
    struct packet *pkt, struct counters *cnt);

#endif
