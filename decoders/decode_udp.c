/*
 * decode_udp.c — UDP header and payload bounds.
 *
 * The payload is clamped to the UDP length field; a length larger than the
 * datagram is invalid unless the snap length explains it (then truncated).
 */
#include "decode_udp.h"

enum ts_status
decode_udp(struct packet *pkt, struct counters *cnt)
{
	struct cursor c = cur_init(pkt->l4.p, pkt->l4.len);

	pkt->sport = cur_u16(&c);
	pkt->dport = cur_u16(&c);
	uint16_t len = cur_u16(&c);
	cur_skip(&c, 2);			/* checksum */
	if (c.err) {
		cnt->udp_truncated++;
		return TS_TRUNCATED;
	}
	cnt->udp++;
	if (len < 8) {
		cnt->udp_invalid++;
		return TS_INVALID;
	}
	if ((size_t)len - 8 > cur_left(&c)) {
		cnt->udp_truncated++;
		return TS_TRUNCATED;
	}
	cur_clamp(&c, (size_t)len - 8);
	pkt->payload = cur_rest(&c);
	return TS_OK;
}
