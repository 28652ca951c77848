/*
 * decode_tcp.c — TCP header fields and payload bounds.
 *
 * The payload runs from the data offset to the end of the IP datagram
 * (already clamped to the IP length and the captured bytes); options are
 * skipped, we need none of them.
 */
#include "decode_tcp.h"

enum ts_status
decode_tcp(struct packet *pkt, struct counters *cnt)
{
	struct cursor c = cur_init(pkt->l4.p, pkt->l4.len);

	pkt->sport = cur_u16(&c);
	pkt->dport = cur_u16(&c);
	pkt->tcp_seq = cur_u32(&c);
	pkt->tcp_ack = cur_u32(&c);
	uint8_t off = cur_u8(&c);
	pkt->tcp_flags = cur_u8(&c);
	cur_skip(&c, 6);			/* window, checksum, urgent */
	if (c.err) {
		cnt->ip_truncated++;
		cnt->tcp_truncated++;
		return TS_TRUNCATED;
	}
	size_t hlen = (size_t)(off >> 4) * 4;
	if (hlen < 20) {
		cnt->tcp_invalid++;
		return TS_INVALID;
	}
	cur_skip(&c, hlen - 20);		/* options */
	if (c.err) {
		cnt->ip_truncated++;
		cnt->tcp_truncated++;
		return TS_TRUNCATED;
	}
	cnt->tcp++;
	pkt->payload = cur_rest(&c);
	return TS_OK;
}
