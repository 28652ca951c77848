/*
 * community_id.h — Community ID v1 of a flow (corelight/community-id-spec),
 * the hash Suricata, Zeek, Arkime and tshark write so that their records of
 * one connection can be joined.
 */
#ifndef TS_COMMUNITY_ID_H
#define TS_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

#include "../decoders/packet.h"

/* "1:" and the base64 of a SHA-1 (28 characters), and the NUL. */
#define COMMUNITY_ID_MAX	32

/*
 * The Community ID of the flow between a (port pa) and b (port pb) over IP
 * protocol proto, with the seed (0 unless the other tools were set up
 * otherwise), into out (COMMUNITY_ID_MAX bytes).  The direction does not
 * matter.  Returns the length written.
 */
size_t community_id(uint16_t seed, const struct ip_addr *a, uint16_t pa,
    const struct ip_addr *b, uint16_t pb, uint8_t proto, char *out);

#endif
