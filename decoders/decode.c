/*
 * decode.c — the decoder chain: link → IP → UDP (TCP is counted and left
 * for the stream engine).
 */
#include <netinet/in.h>

#include "decode.h"
#include "decode_ip.h"
#include "decode_link.h"
#include "decode_udp.h"

enum ts_status
decode_packet(struct packet *pkt, const uint8_t *data, size_t caplen,
    struct counters *cnt)
{
	struct cursor c = cur_init(data, caplen);
	uint16_t ethertype = 0;
	enum ts_status st;

	st = decode_link(pkt->datalink, &c, pkt, &ethertype, cnt);
	if (st != TS_OK)
		return st;
	st = decode_ip(ethertype, &c, pkt, cnt);
	if (st != TS_OK)
		return st;

	switch (pkt->ip_proto) {
	case IPPROTO_UDP:
		return decode_udp(pkt, cnt);
	case IPPROTO_TCP:
		cnt->tcp++;
		return TS_UNSUPPORTED;
	default:
		cnt->ip_other_proto++;
		return TS_UNSUPPORTED;
	}
}
