/*
 * defrag.c — fragment reassembly.
 *
 * Each pending datagram keeps its fragments in a list sorted by offset.
 * It is complete when the last fragment (no "more" flag) has been seen and
 * the pieces cover [0, end) without a hole; it is then copied into one
 * buffer owned by the table, so nothing is allocated per datagram beyond
 * the held fragments themselves.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "defrag.h"
#include "siphash.h"

#define IP_MAX_DATAGRAM	65535

struct frag_piece {
	struct frag_piece	*next;
	uint32_t		 off, len;
	uint8_t			 data[];
};

struct defrag_entry {
	struct defrag_entry	*hnext;
	struct defrag_entry	*older, *newer;
	uint64_t		 hash;
	uint8_t			 family, proto;
	uint32_t		 id;
	uint8_t			 src[16], dst[16];
	uint16_t		 vlan[TS_MAX_VLAN];
	uint8_t			 vlan_count;
	uint64_t		 tenant;	/* the tunnel's, 0 untunnelled */
	time_t			 first_seen;
	bool			 have_last;
	bool			 dead;		/* overlapped: drop the rest */
	uint32_t		 end;		/* datagram length, once known */
	struct frag_piece	*pieces;
	size_t			 mem;
};

#define PIECE_COST(len)	(sizeof(struct frag_piece) + (len))

int
defrag_init(struct defrag_table *t, const struct defrag_limits *lim,
    struct counters *cnt)
{
	size_t n = 256;

	memset(t, 0, sizeof(*t));
	t->lim = *lim;
	while (n < lim->max_datagrams && n < ((size_t)1 << 20))
		n <<= 1;
	t->buckets = calloc(n, sizeof(*t->buckets));
	t->out = malloc(IP_MAX_DATAGRAM);
	if (t->buckets == NULL || t->out == NULL) {
		free(t->buckets);
		free(t->out);
		return -1;
	}
	t->nbuckets = n;
	t->cnt = cnt;
	for (size_t got = 0; got < sizeof(t->seed); ) {
		ssize_t r = getrandom(t->seed + got, sizeof(t->seed) - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return 0;
}

static void
entry_free(struct defrag_table *t, struct defrag_entry *e)
{
	struct defrag_entry **pp = &t->buckets[e->hash & (t->nbuckets - 1)];
	struct frag_piece *p, *next;

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	for (p = e->pieces; p != NULL; p = next) {
		next = p->next;
		free(p);
	}
	t->mem_used -= e->mem + sizeof(*e);
	t->count--;
	free(e);
}

void
defrag_free(struct defrag_table *t)
{
	while (t->oldest != NULL)
		entry_free(t, t->oldest);
	free(t->buckets);
	free(t->out);
	t->buckets = NULL;
	t->out = NULL;
}

void
defrag_expire(struct defrag_table *t, const struct timeval *now)
{
	while (t->oldest != NULL &&
	    now->tv_sec - t->oldest->first_seen > (time_t)t->lim.timeout) {
		if (!t->oldest->dead)
			t->cnt->frag_timeouts++;
		entry_free(t, t->oldest);
	}
}

static bool
same_datagram(const struct defrag_entry *e, const struct packet *pkt)
{
	size_t alen = e->family == AF_INET ? 4 : 16;

	return e->family == pkt->src.family && e->id == pkt->frag.id &&
	    e->tenant == pkt->tun.tenant &&
	    e->proto == pkt->frag.proto && e->vlan_count == pkt->vlan_count &&
	    memcmp(e->vlan, pkt->vlan, sizeof(e->vlan[0]) * e->vlan_count) == 0 &&
	    memcmp(e->src, pkt->src.bytes, alen) == 0 &&
	    memcmp(e->dst, pkt->dst.bytes, alen) == 0;
}

static struct defrag_entry *
lookup(struct defrag_table *t, const struct packet *pkt, uint64_t *hash)
{
	uint8_t key[4 + 1 + 1 + 32 + 2 * TS_MAX_VLAN + 8];
	size_t alen = pkt->ip_version == 4 ? 4 : 16, o = 0;

	memcpy(key + o, &pkt->frag.id, 4);
	o += 4;
	key[o++] = pkt->src.family;
	key[o++] = pkt->frag.proto;
	memcpy(key + o, pkt->src.bytes, alen);
	o += alen;
	memcpy(key + o, pkt->dst.bytes, alen);
	o += alen;
	memcpy(key + o, pkt->vlan, sizeof(pkt->vlan[0]) * pkt->vlan_count);
	o += sizeof(pkt->vlan[0]) * pkt->vlan_count;
	memcpy(key + o, &pkt->tun.tenant, 8);
	o += 8;
	*hash = siphash24(key, o, t->seed);
	for (struct defrag_entry *e = t->buckets[*hash & (t->nbuckets - 1)];
	    e != NULL; e = e->hnext)
		if (e->hash == *hash && same_datagram(e, pkt))
			return e;
	return NULL;
}

static struct defrag_entry *
create(struct defrag_table *t, const struct packet *pkt, uint64_t hash)
{
	struct defrag_entry *e;

	/* Make room: the oldest pending datagrams give way. */
	while (t->oldest != NULL && (t->count >= t->lim.max_datagrams ||
	    t->mem_used + sizeof(*e) > t->lim.max_memory)) {
		t->cnt->frag_capped++;
		/* The analyser cannot know that the oldest has no older. */
		/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		entry_free(t, t->oldest);
	}
	if (t->count >= t->lim.max_datagrams ||
	    t->mem_used + sizeof(*e) > t->lim.max_memory ||
	    (e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->hash = hash;
	e->family = pkt->src.family;
	e->proto = pkt->frag.proto;
	e->id = pkt->frag.id;
	memcpy(e->src, pkt->src.bytes, sizeof(e->src));
	memcpy(e->dst, pkt->dst.bytes, sizeof(e->dst));
	memcpy(e->vlan, pkt->vlan, sizeof(e->vlan));
	e->vlan_count = pkt->vlan_count;
	e->tenant = pkt->tun.tenant;
	e->first_seen = pkt->ts.tv_sec;
	e->hnext = t->buckets[hash & (t->nbuckets - 1)];
	t->buckets[hash & (t->nbuckets - 1)] = e;
	e->older = t->newest;
	if (t->newest != NULL)
		t->newest->newer = e;
	else
		t->oldest = e;
	t->newest = e;
	t->count++;
	t->mem_used += sizeof(*e);
	return e;
}

/* Copies the pieces out when they cover [0, end). */
static bool
complete(struct defrag_table *t, struct defrag_entry *e)
{
	uint32_t at = 0;

	if (!e->have_last)
		return false;
	for (struct frag_piece *p = e->pieces; p != NULL; p = p->next) {
		if (p->off != at)
			return false;
		at += p->len;
	}
	if (at != e->end)
		return false;
	at = 0;
	for (struct frag_piece *p = e->pieces; p != NULL; p = p->next) {
		memcpy(t->out + at, p->data, p->len);
		at += p->len;
	}
	return true;
}

enum ts_status
defrag_add(struct defrag_table *t, struct packet *pkt)
{
	const struct ip_frag *fr = &pkt->frag;
	uint32_t off = fr->offset, len = (uint32_t)fr->data.len;
	uint64_t hash;
	struct defrag_entry *e;

	/* RFC 791/8200: all but the last fragment carry multiples of 8. */
	if (len == 0 || (fr->more && len % 8 != 0)) {
		t->cnt->ip_invalid++;
		if (pkt->ip_version == 6)
			t->cnt->ipv6_invalid++;
		return TS_FRAGMENT;
	}
	if (off + len > IP_MAX_DATAGRAM) {
		t->cnt->frag_too_big++;
		if ((e = lookup(t, pkt, &hash)) != NULL)
			e->dead = true;
		return TS_FRAGMENT;
	}
	if ((e = lookup(t, pkt, &hash)) == NULL &&
	    (e = create(t, pkt, hash)) == NULL) {
		t->cnt->frag_capped++;
		return TS_FRAGMENT;
	}
	if (e->dead)
		return TS_FRAGMENT;

	/* Where it goes; any overlap with a held piece kills the datagram. */
	struct frag_piece **pp = &e->pieces;
	while (*pp != NULL && (*pp)->off + (*pp)->len <= off)
		pp = &(*pp)->next;
	if ((*pp != NULL && (*pp)->off < off + len) ||
	    (e->have_last && (off + len > e->end ||
	    (!fr->more && off + len != e->end)))) {
		t->cnt->frag_overlaps++;
		e->dead = true;
		return TS_FRAGMENT;
	}
	if (t->mem_used + PIECE_COST(len) > t->lim.max_memory) {
		t->cnt->frag_capped++;
		e->dead = true;
		return TS_FRAGMENT;
	}
	struct frag_piece *p = malloc(PIECE_COST(len));
	if (p == NULL) {
		t->cnt->frag_capped++;
		return TS_FRAGMENT;
	}
	p->off = off;
	p->len = len;
	memcpy(p->data, fr->data.p, len);
	p->next = *pp;
	*pp = p;
	e->mem += PIECE_COST(len);
	t->mem_used += PIECE_COST(len);
	if (!fr->more) {
		e->have_last = true;
		e->end = off + len;
	}
	if (!complete(t, e))
		return TS_FRAGMENT;

	pkt->l4.p = t->out;
	pkt->l4.len = e->end;
	pkt->ip_proto = e->proto;
	t->cnt->frag_reassembled++;
	entry_free(t, e);
	return TS_OK;
}
