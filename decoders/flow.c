/*
 * flow.c — the flow table.
 *
 * Chained hash table under a random key (so nobody can aim packets at one
 * bucket; see flow_hash()), plus one list per state ordered by the
 * second of last activity: expiry walks each list from its idle end, and eviction takes
 * the idlest flow of the cheapest state first (closed, then new, then
 * established).  Everything is O(1) per packet.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "flow.h"
#include "flow_id.h"

/* What a flow costs: the struct and the allocator's own header. */
#define FLOW_COST	(sizeof(struct flow) + 2 * sizeof(size_t))

static size_t
addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

/*
 * Address comparisons of a fixed length, which the compiler inlines (a
 * memcmp() of a variable length is a call, on every packet).
 */
static bool
addr_eq(const uint8_t *a, const uint8_t *b, uint8_t family)
{
	return family == AF_INET ? memcmp(a, b, 4) == 0 : memcmp(a, b, 16) == 0;
}

static void
list_unlink(struct flow_table *t, struct flow *f)
{
	if (f->older != NULL)
		f->older->newer = f->newer;
	else
		t->oldest[f->state] = f->newer;
	if (f->newer != NULL)
		f->newer->older = f->older;
	else
		t->newest[f->state] = f->older;
	f->older = f->newer = NULL;
}

static void
list_append(struct flow_table *t, struct flow *f)
{
	f->newer = NULL;
	f->older = t->newest[f->state];
	if (f->older != NULL)
		f->older->newer = f;
	else
		t->oldest[f->state] = f;
	t->newest[f->state] = f;
}

/*
 * The table's hash of pkt's flow, the same both ways: multilinear hashing
 * (Lemire and Kaser, "Strongly universal string hashing is fast", 2014)
 * of the key in 32-bit chunks, h = (k0 + k1 c1 + ... + kn cn) mod 2^64,
 * top 32 bits.  With the keys k random and secret, the family is strongly
 * universal: two different flow keys, however chosen, share a bucket with
 * probability 1/nbuckets.  The first chunk fixes the key's length (family
 * and VLAN count), so keys of different lengths are told apart as well.
 * A few multiplies where SipHash took rounds of its own on every packet.
 */
static uint32_t
flow_hash(const struct flow_table *t, const struct packet *pkt)
{
	const uint8_t *a = pkt->src.bytes, *b = pkt->dst.bytes;
	uint32_t pa = pkt->sport, pb = pkt->dport;
	unsigned words = pkt->src.family == AF_INET ? 1 : 4;
	const uint64_t *k = t->hkey;

	/* Order the endpoints so both directions give one key. */
	int c = flow_addr_order(a, b, 4 * words);
	if (c > 0 || (c == 0 && pb < pa)) {
		const uint8_t *ta = a;
		a = b;
		b = ta;
		uint32_t tp = pa;
		pa = pb;
		pb = tp;
	}
	uint64_t h = k[0];
	h += k[1] * (uint64_t)(pkt->src.family | (uint32_t)pkt->vlan_count << 8);
	h += k[2] * (uint64_t)(pa << 16 | pb);
	k += 3;
	for (unsigned i = 0; i < words; i++) {
		uint32_t x, y;
		memcpy(&x, a + 4 * i, 4);
		memcpy(&y, b + 4 * i, 4);
		h += k[i] * (uint64_t)x + k[words + i] * (uint64_t)y;
	}
	k += 2 * words;
	for (unsigned i = 0; i < pkt->vlan_count && i < TS_MAX_VLAN; i++)
		h += k[i] * (uint64_t)pkt->vlan[i];
	k += TS_MAX_VLAN;
	/* Tenant 0 (no tunnel) adds nothing: skip the multiplies. */
	if (pkt->tun.tenant != 0)
		h += k[0] * (pkt->tun.tenant & 0xffffffff) +
		    k[1] * (pkt->tun.tenant >> 32);
	return (uint32_t)(h >> 32);
}

/* Does f carry pkt, and which way? */
static bool
key_match(const struct flow *f, const struct packet *pkt, enum flow_dir *dir)
{
	const struct flow_key *k = &f->key;
	uint8_t fam = k->family;

	if (fam != pkt->src.family || k->vlan_count != pkt->vlan_count ||
	    k->tenant != pkt->tun.tenant)
		return false;
	for (unsigned i = 0; i < k->vlan_count; i++)
		if (k->vlan[i] != pkt->vlan[i])
			return false;
	if (pkt->sport == k->cport && pkt->dport == k->sport &&
	    addr_eq(pkt->src.bytes, k->client, fam) &&
	    addr_eq(pkt->dst.bytes, k->server, fam)) {
		*dir = FLOW_TO_SERVER;
		return true;
	}
	if (pkt->sport == k->sport && pkt->dport == k->cport &&
	    addr_eq(pkt->src.bytes, k->server, fam) &&
	    addr_eq(pkt->dst.bytes, k->client, fam)) {
		*dir = FLOW_TO_CLIENT;
		return true;
	}
	return false;
}

int
flow_table_init(struct flow_table *t, const struct flow_limits *lim,
    flow_release_fn release, void *ctx, struct counters *cnt)
{
	size_t n = 1024;

	memset(t, 0, sizeof(*t));
	t->lim = *lim;
	/*
	 * One bucket per flow allowed, but the buckets may take at most an
	 * eighth of the memory cap: the flows themselves need the rest.
	 */
	while (n < lim->max_flows && n < ((size_t)1 << 24) &&
	    (n << 1) * sizeof(*t->buckets) <= lim->max_memory / 8)
		n <<= 1;
	if ((t->buckets = calloc(n, sizeof(*t->buckets))) == NULL)
		return -1;
	t->nbuckets = n;
	t->mem_used = n * sizeof(*t->buckets);
	t->release = release;
	t->release_ctx = ctx;
	t->cnt = cnt;
	uint8_t *seed = (uint8_t *)t->hkey;
	for (size_t got = 0; got < sizeof(t->hkey); ) {
		ssize_t r = getrandom(seed + got, sizeof(t->hkey) - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return 0;
}

void
flow_remove(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->buckets[f->hash & (t->nbuckets - 1)];

	t->release(t->release_ctx, f);	/* frees app state and streams */
	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	list_unlink(t, f);
	t->mem_used -= FLOW_COST;
	t->count--;
	free(f);
}

void
flow_table_free(struct flow_table *t)
{
	for (int s = 0; s < FLOW_NSTATES; s++)
		while (t->oldest[s] != NULL)
			flow_remove(t, t->oldest[s]);
	free(t->buckets);
	t->buckets = NULL;
}

/* The idlest flow other than keep, cheapest state first. */
static struct flow *
victim(struct flow_table *t, const struct flow *keep)
{
	static const uint8_t order[] = { FLOW_CLOSED, FLOW_NEW,
	    FLOW_ESTABLISHED };

	for (size_t i = 0; i < sizeof(order); i++) {
		struct flow *f = t->oldest[order[i]];
		if (f != NULL && f == keep)
			f = f->newer;
		if (f != NULL)
			return f;
	}
	return NULL;
}

bool
flow_table_reserve(struct flow_table *t, size_t need, struct flow *keep)
{
	while (t->mem_used + need > t->lim.max_memory) {
		struct flow *f = victim(t, keep);
		if (f == NULL)
			return false;
		t->cnt->flows_evicted++;
		flow_remove(t, f);
	}
	return true;
}

struct flow *
flow_get(struct flow_table *t, const struct packet *pkt, enum flow_dir *dir)
{
	uint32_t h = flow_hash(t, pkt);
	struct flow *f;

	for (f = t->buckets[h & (t->nbuckets - 1)]; f != NULL; f = f->hnext) {
		if (f->hash == h && key_match(f, pkt, dir)) {
			/*
			 * The lists are in order of the second last seen
			 * (timeouts count whole seconds): a flow seen again
			 * within its second stays where it is, and the
			 * packets of a burst touch no other flow.
			 */
			if (f->last_seen.tv_sec != pkt->ts.tv_sec) {
				list_unlink(t, f);
				list_append(t, f);
			}
			f->last_seen = pkt->ts;
			return f;
		}
	}

	/* A new flow: make room first. */
	while (t->count >= t->lim.max_flows) {
		struct flow *v = victim(t, NULL);
		if (v == NULL)
			break;
		t->cnt->flows_evicted++;
		flow_remove(t, v);
	}
	if (t->count >= t->lim.max_flows ||
	    !flow_table_reserve(t, FLOW_COST, NULL) ||
	    (f = calloc(1, sizeof(*f))) == NULL) {
		t->cnt->flows_refused++;
		return NULL;
	}

	/*
	 * Who is the client?  The sender of a SYN; the receiver of a
	 * SYN-ACK; otherwise (picked up mid-stream) the side with the higher
	 * port, servers usually having the lower, well-known one.
	 */
	bool sender_is_client;
	uint8_t fl = pkt->tcp_flags & (TCP_SYN | TCP_ACK);
	if (fl == TCP_SYN)
		sender_is_client = true;
	else if (fl == (TCP_SYN | TCP_ACK))
		sender_is_client = false;
	else
		sender_is_client = pkt->sport >= pkt->dport;

	size_t alen = addr_len(pkt->src.family);
	f->key.tenant = pkt->tun.tenant;
	f->key.family = pkt->src.family;
	f->key.vlan_count = pkt->vlan_count;
	memcpy(f->key.vlan, pkt->vlan, sizeof(f->key.vlan));
	if (sender_is_client) {
		memcpy(f->key.client, pkt->src.bytes, alen);
		memcpy(f->key.server, pkt->dst.bytes, alen);
		f->key.cport = pkt->sport;
		f->key.sport = pkt->dport;
		f->tun = pkt->tun;
		*dir = FLOW_TO_SERVER;
	} else {
		memcpy(f->key.client, pkt->dst.bytes, alen);
		memcpy(f->key.server, pkt->src.bytes, alen);
		f->key.cport = pkt->dport;
		f->key.sport = pkt->sport;
		f->tun = pkt->tun;
		f->tun.src = pkt->tun.dst;
		f->tun.dst = pkt->tun.src;
		f->tun.sport = pkt->tun.dport;
		f->tun.dport = pkt->tun.sport;
		*dir = FLOW_TO_CLIENT;
	}
	f->id = flow_id_of(pkt);
	f->hash = h;
	f->first_seen = f->last_seen = pkt->ts;
	f->state = FLOW_NEW;
	f->app = APP_UNKNOWN;
	f->hnext = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = f;
	list_append(t, f);
	t->count++;
	t->mem_used += FLOW_COST;
	t->cnt->flows_created++;
	return f;
}

static void
set_state(struct flow_table *t, struct flow *f, enum flow_state st)
{
	if (f->state == st)
		return;
	list_unlink(t, f);
	f->state = (uint8_t)st;
	list_append(t, f);
}

void
flow_update_state(struct flow_table *t, struct flow *f, enum flow_dir dir,
    uint8_t tcp_flags)
{
	if (tcp_flags & TCP_RST) {
		t->cnt->tcp_rst++;
		set_state(t, f, FLOW_CLOSED);
		return;
	}
	if (tcp_flags & TCP_FIN)
		f->fin[dir] = true;
	if (f->fin[0] && f->fin[1])
		set_state(t, f, FLOW_CLOSED);
	else if (f->state == FLOW_NEW && !(tcp_flags & TCP_SYN))
		set_state(t, f, FLOW_ESTABLISHED);
}

void
flow_table_expire(struct flow_table *t, const struct timeval *now)
{
	/* Once per second of packet time is enough. */
	if (now->tv_sec == t->last_expiry)
		return;
	t->last_expiry = now->tv_sec;

	const uint32_t timeout[FLOW_NSTATES] = {
		[FLOW_NEW] = t->lim.timeout_new,
		[FLOW_ESTABLISHED] = t->lim.timeout_established,
		[FLOW_CLOSED] = t->lim.timeout_closed,
	};
	for (int s = 0; s < FLOW_NSTATES; s++) {
		struct flow *f;
		/* flow_remove() unlinks f: the analyser misses it. */
		while ((f = t->oldest[s]) != NULL &&
		    /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		    now->tv_sec - f->last_seen.tv_sec > (time_t)timeout[s]) {
			t->cnt->flows_expired++;
			flow_remove(t, f);
		}
	}
}
