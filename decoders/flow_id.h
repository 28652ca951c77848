/*
 * flow_id.h — a stable identifier for the flow a packet belongs to.
 */
#ifndef TS_FLOW_ID_H
#define TS_FLOW_ID_H

#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/*
 * The same value for both directions of a 5-tuple (plus VLAN ids and the
 * tunnel's tenant), so a query and its response share it, as Suricata's
 * flow_id does, and the same inner 5-tuple in two tunnels does not.  Kept below
 * 2^51 so that JSON readers using doubles read it exactly.
 */
uint64_t flow_id_of(const struct packet *pkt);

/* Bytes of the direction-independent flow key, at most this many. */
#define FLOW_KEY_MAX	(2 + 2 * (16 + 2) + 2 * TS_MAX_VLAN + 8)

/*
 * Writes pkt's flow key, the same for both directions (IP version and
 * protocol, the lower endpoint first, then the VLAN ids, then the tenant
 * when tunnelled) into buf, which
 * holds FLOW_KEY_MAX bytes; returns its length.  What flow_id_of() and
 * the flow table's keyed hash both hash.
 */
size_t flow_key_bytes(const struct packet *pkt, uint8_t *buf);

/*
 * memcmp()'s order of two addresses of alen bytes (4 or 16), a 32-bit word
 * at a time (a call on every packet otherwise: the length is not a
 * constant): -1, 0 or 1.  Both directions of a flow order their endpoints
 * by it.
 */
int flow_addr_order(const uint8_t *a, const uint8_t *b, size_t alen);

/* flow_id_of() of the packet whose key flow_key_bytes() wrote. */
uint64_t flow_id_of_key(const uint8_t *key, size_t n);

#endif
