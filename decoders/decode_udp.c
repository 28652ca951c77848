/*
 * decode_udp.c — UDP header and payload bounds.
 *
 * The payload is clamped to the UDP length field; a length larger than the
 * datagram is truncated: the payload is left unset, and pkt->udp_cut says
 * that what was captured of it can still be had (udp_captured()).
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
		/* The payload stays unset; udp_cut tells the caller that the
		 * captured part is in l4 (udp_captured()). */
		pkt->udp_cut = true;
		cnt->udp_truncated++;
		return TS_TRUNCATED;
	}
	cur_clamp(&c, (size_t)len - 8);
	pkt->payload = cur_rest(&c);
	return TS_OK;
}

struct slice
udp_captured(const struct packet *pkt)
{
	struct cursor c = cur_init(pkt->l4.p, pkt->l4.len);

	cur_skip(&c, 8);
	return cur_rest(&c);
}
