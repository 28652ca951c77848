/*
 * decode.c — the decoder chain: link → IP → UDP or TCP.
 */
#include <netinet/in.h>

#include "decode.h"
#include "decode_ip.h"
#include "decode_link.h"
#include "decode_tcp.h"
#include "decode_udp.h"

/* UDP or TCP, in line in the chain below (every packet comes this way). */
static inline __attribute__((always_inline)) enum ts_status
transport(struct packet *pkt, struct counters *cnt)
{
	switch (pkt->ip_proto) {
	case IPPROTO_UDP:
		return decode_udp(pkt, cnt);
	case IPPROTO_TCP:
		return decode_tcp(pkt, cnt);
	default:
		cnt->ip_other_proto++;
		return TS_UNSUPPORTED;
	}
}

enum ts_status
decode_transport(struct packet *pkt, struct counters *cnt)
{
	return transport(pkt, cnt);
}

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
	return transport(pkt, cnt);
}
