/*
 * flow_id.c — direction-independent hash of a packet's flow key.
 *
 * The key is fixed so that a replay of the same capture gives the same ids;
 * the id names a flow in the log, it is not a table index an attacker could
 * aim at (the flow table hashes with a secret key of its own).
 */
#include <arpa/inet.h>
#include <string.h>

#include "siphash.h"
#include "flow_id.h"

static const uint8_t flow_id_key[16] = "typosentry-flow";

int
flow_addr_order(const uint8_t *a, const uint8_t *b, size_t alen)
{
	for (size_t i = 0; i < alen; i += 4) {
		uint32_t x, y;
		memcpy(&x, a + i, 4);
		memcpy(&y, b + i, 4);
		if (x != y)
			return ntohl(x) < ntohl(y) ? -1 : 1;
	}
	return 0;
}

size_t
flow_key_bytes(const struct packet *pkt, uint8_t *key)
{
	const struct ip_addr *a = &pkt->src, *b = &pkt->dst;
	uint16_t pa = pkt->sport, pb = pkt->dport;
	size_t alen = pkt->ip_version == 4 ? 4 : 16, o = 0;

	/* Order the endpoints so both directions give one key. */
	int c = flow_addr_order(a->bytes, b->bytes, alen);
	if (c > 0 || (c == 0 && pa > pb)) {
		const struct ip_addr *t = a;
		a = b;
		b = t;
		uint16_t tp = pa;
		pa = pb;
		pb = tp;
	}
	key[o++] = pkt->ip_version;
	key[o++] = pkt->ip_proto;
	memcpy(key + o, a->bytes, alen);
	o += alen;
	key[o++] = (uint8_t)(pa >> 8);
	key[o++] = (uint8_t)pa;
	memcpy(key + o, b->bytes, alen);
	o += alen;
	key[o++] = (uint8_t)(pb >> 8);
	key[o++] = (uint8_t)pb;
	for (unsigned i = 0; i < pkt->vlan_count; i++) {
		key[o++] = (uint8_t)(pkt->vlan[i] >> 8);
		key[o++] = (uint8_t)pkt->vlan[i];
	}
	/* Untunnelled keys (and their ids) stay what they were. */
	if (pkt->tun.tenant != 0) {
		memcpy(key + o, &pkt->tun.tenant, 8);
		o += 8;
	}
	return o;
}

uint64_t
flow_id_of_key(const uint8_t *key, size_t n)
{
	uint64_t id = siphash24(key, n, flow_id_key) & ((1ULL << 51) - 1);

	return id != 0 ? id : 1;
}

uint64_t
flow_id_of(const struct packet *pkt)
{
	uint8_t key[FLOW_KEY_MAX];

	return flow_id_of_key(key, flow_key_bytes(pkt, key));
}
