/*
 * flow_id.h — a stable identifier for the flow a packet belongs to.
 */
#ifndef TS_FLOW_ID_H
#define TS_FLOW_ID_H

#include <stdint.h>

#include "packet.h"

/*
 * The same value for both directions of a 5-tuple (plus VLAN ids), so a
 * query and its response share it, as Suricata's flow_id does.  Kept below
 * 2^51 so that JSON readers using doubles read it exactly.
 */
uint64_t flow_id_of(const struct packet *pkt);

#endif
