/*
 * correlate.c — MX lookups, SMTP sessions and incidents (see correlate.h).
 *
 * Lookups sit in a ring: a new one takes the oldest slot.  Two small
 * open-addressing indexes find a lookup by its exchange name (to learn the
 * exchange's address from a later A/AAAA answer) and by that address (to
 * recognise an SMTP session to it); an entry whose lookup was overwritten
 * is simply stale and ignored.  Open incidents are found by (client,
 * name) through a third index, so an alert storm costs a few probes per
 * alert, not a walk over every incident.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "../decoders/siphash.h"
#include "correlate.h"

#define INDEX_SLOTS	(4 * CORR_LOOKUPS)	/* a power of two */
#define INC_SLOTS	(4 * CORR_INCIDENTS)	/* a power of two */
#define INC_NONE	UINT32_MAX
/* 16 bits per lookup, two probes, at most two rings of lookups in it
 * (see filter_add): under 5% false positives. */
#define EXCHANGE_FILTER_BITS	(16 * CORR_LOOKUPS)

struct lookup {
	bool		 used;
	uint32_t	 gen;		/* bumped when the slot is reused */
	char		 name[NAME_MAX_LEN + 1];
	char		 exchange[NAME_MAX_LEN + 1];
	struct ip_addr	 address;
	bool		 has_address;
	struct ip_addr	 resolver;
	uint64_t	 flow_id;
	struct timeval	 ts;
	uint64_t	 tenant;	/* the DNS message's (pkt->tun.tenant) */
};

/* What the indexes match a lookup by: a name or an address, in a tenant. */
struct lookup_key {
	const char		*exchange;
	const struct ip_addr	*address;
	uint64_t		 tenant;
};

/* An incident index slot: hash 0 is empty. */
struct inc_slot {
	uint64_t	hash;
	uint32_t	incident;
};

/* An index slot: which lookup, of which generation; hash 0 is empty. */
struct slot {
	uint64_t	hash;
	uint32_t	lookup;
	uint32_t	gen;
};

struct correlator {
	struct lookup	 lookups[CORR_LOOKUPS];
	unsigned	 next;			/* ring position */
	/* A Bloom filter of the live exchanges' dns_name_hash_text(), */
	uint64_t	 exchanges[EXCHANGE_FILTER_BITS / 64];
	/* and the set of their lengths on the wire (at most 255). */
	uint64_t	 exchange_wire[4];
	unsigned	 added;			/* to it since its rebuild */
	struct slot	 by_name[INDEX_SLOTS];
	struct slot	 by_addr[INDEX_SLOTS];
	struct incident	 incidents[CORR_INCIDENTS];
	/*
	 * Open incidents by (client, name): linear probing, entries
	 * removed by shifting back (no tombstones), so a lookup costs a
	 * few probes however many incidents come and go.  Open incidents
	 * are also on a list by last activity (the oldest is the one a new
	 * incident replaces when all are open); closed ones on a free list.
	 */
	struct inc_slot	 by_client[INC_SLOTS];
	uint32_t	 older[CORR_INCIDENTS], newer[CORR_INCIDENTS];
	uint32_t	 oldest, newest;
	uint32_t	 free_inc[CORR_INCIDENTS];
	unsigned	 nfree;
	uint32_t	 window;
	uint64_t	 id_seq;
	uint8_t		 seed[16];
};

static uint64_t
hash_of(const struct correlator *c, const void *p, size_t len)
{
	uint64_t h = siphash13(p, len, c->seed);
	return h != 0 ? h : 1;
}

/* An address in a tenant: the same private address in two is two hosts. */
static uint64_t
addr_hash(const struct correlator *c, uint64_t tenant, const struct ip_addr *a)
{
	uint8_t key[8 + 16];
	size_t alen = a->family == AF_INET ? 4 : 16;

	memcpy(key, &tenant, 8);
	memcpy(key + 8, a->bytes, alen);
	return hash_of(c, key, 8 + alen);
}

static bool
addr_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16) == 0;
}

/* Inserts (overwriting a stale or equal slot when the probe meets one). */
static void
index_put(struct correlator *c, struct slot *ix, uint64_t h, uint32_t lk)
{
	for (size_t i = h & (INDEX_SLOTS - 1), n = 0; n < INDEX_SLOTS;
	    i = (i + 1) & (INDEX_SLOTS - 1), n++) {
		struct slot *s = &ix[i];
		bool stale = s->hash != 0 &&
		    (!c->lookups[s->lookup].used ||
		    c->lookups[s->lookup].gen != s->gen);
		if (s->hash == 0 || stale || s->hash == h) {
			s->hash = h;
			s->lookup = lk;
			s->gen = c->lookups[lk].gen;
			return;
		}
	}
}

/* Finds a live lookup for hash h accepted by match(); -1 when none. */
static int
index_get(const struct correlator *c, const struct slot *ix, uint64_t h,
    bool (*match)(const struct lookup *, const void *), const void *key)
{
	for (size_t i = h & (INDEX_SLOTS - 1), n = 0; n < INDEX_SLOTS;
	    i = (i + 1) & (INDEX_SLOTS - 1), n++) {
		const struct slot *s = &ix[i];
		if (s->hash == 0)
			return -1;
		const struct lookup *l = &c->lookups[s->lookup];
		if (s->hash == h && l->used && l->gen == s->gen && match(l, key))
			return (int)s->lookup;
	}
	return -1;
}

static bool
match_exchange(const struct lookup *l, const void *key)
{
	const struct lookup_key *k = key;

	return l->tenant == k->tenant && strcmp(l->exchange, k->exchange) == 0;
}

/* Any tenant's: whether an A/AAAA answer is worth decoding. */
static bool
match_exchange_any(const struct lookup *l, const void *key)
{
	return strcmp(l->exchange, key) == 0;
}

static bool
match_address(const struct lookup *l, const void *key)
{
	const struct lookup_key *k = key;

	return l->has_address && l->tenant == k->tenant &&
	    addr_eq(&l->address, k->address);
}

struct correlator *
correlator_new(uint32_t window)
{
	struct correlator *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->window = window;
	c->oldest = c->newest = INC_NONE;
	for (uint32_t i = 0; i < CORR_INCIDENTS; i++)
		c->free_inc[c->nfree++] = CORR_INCIDENTS - 1 - i;
	for (size_t got = 0; got < sizeof(c->seed); ) {
		ssize_t r = getrandom(c->seed + got, sizeof(c->seed) - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return c;
}

void
correlator_free(struct correlator *c)
{
	free(c);
}

/* DNS names in presentation form, normalised for comparison. */
static bool
norm(const char *in, char *out)
{
	return name_normalise(in, strlen(in), out, NAME_MAX_LEN + 1) > 0;
}

static void
filter_set(struct correlator *c, const char *exchange)
{
	uint64_t h = dns_name_hash_text(exchange);
	uint64_t a = h % EXCHANGE_FILTER_BITS, b = (h >> 32) % EXCHANGE_FILTER_BITS;

	c->exchanges[a / 64] |= 1ULL << (a % 64);
	c->exchanges[b / 64] |= 1ULL << (b % 64);
	/* "mx.example" is \2mx\7example\0: two bytes more than the text. */
	size_t wire = strlen(exchange) + 2;
	if (wire <= 255)
		c->exchange_wire[wire / 64] |= 1ULL << (wire % 64);
}

/*
 * Adds a remembered exchange to the filter.  Lookups are overwritten in a
 * ring, so once a ring's worth has been added the filter is rebuilt from
 * the live ones and does not fill up.
 */
static void
filter_add(struct correlator *c, const char *exchange)
{
	if (++c->added > CORR_LOOKUPS) {
		memset(c->exchanges, 0, sizeof(c->exchanges));
		memset(c->exchange_wire, 0, sizeof(c->exchange_wire));
		for (size_t i = 0; i < CORR_LOOKUPS; i++)
			if (c->lookups[i].used)
				filter_set(c, c->lookups[i].exchange);
		c->added = 0;
	}
	filter_set(c, exchange);
}

static uint64_t
incident_hash(const struct correlator *c, uint64_t tenant,
    const struct ip_addr *client, const char *name)
{
	uint8_t key[8 + 1 + 16 + NAME_MAX_LEN + 1];
	size_t n = strlen(name);

	if (n > NAME_MAX_LEN)
		n = NAME_MAX_LEN;
	size_t alen = client->family == AF_INET ? 4 : 16;

	memcpy(key, &tenant, 8);
	key[8] = client->family;
	memcpy(key + 9, client->bytes, alen);
	memcpy(key + 9 + alen, name, n);
	return hash_of(c, key, 9 + alen + n);
}

static void
inc_list_unlink(struct correlator *c, uint32_t i)
{
	if (c->older[i] != INC_NONE)
		c->newer[c->older[i]] = c->newer[i];
	else
		c->oldest = c->newer[i];
	if (c->newer[i] != INC_NONE)
		c->older[c->newer[i]] = c->older[i];
	else
		c->newest = c->older[i];
}

static void
inc_list_append(struct correlator *c, uint32_t i)
{
	c->newer[i] = INC_NONE;
	c->older[i] = c->newest;
	if (c->newest != INC_NONE)
		c->newer[c->newest] = i;
	else
		c->oldest = i;
	c->newest = i;
}

static void
inc_index_put(struct correlator *c, uint64_t h, uint32_t i)
{
	size_t at = h & (INC_SLOTS - 1);

	/* At most CORR_INCIDENTS of INC_SLOTS are used: there is room. */
	while (c->by_client[at].hash != 0)
		at = (at + 1) & (INC_SLOTS - 1);
	c->by_client[at].hash = h;
	c->by_client[at].incident = i;
}

/* Removes incident i (hash h), shifting back the entries after it. */
static void
inc_index_del(struct correlator *c, uint64_t h, uint32_t i)
{
	size_t at = h & (INC_SLOTS - 1);

	for (size_t n = 0; n < INC_SLOTS; n++, at = (at + 1) & (INC_SLOTS - 1)) {
		if (c->by_client[at].hash == 0)
			return;				/* not there */
		if (c->by_client[at].incident == i)
			break;
	}
	for (size_t next = (at + 1) & (INC_SLOTS - 1);;
	    next = (next + 1) & (INC_SLOTS - 1)) {
		struct inc_slot *e = &c->by_client[next];
		if (e->hash == 0)
			break;
		size_t home = e->hash & (INC_SLOTS - 1);
		/* e may move to at unless its home lies in (at, next]. */
		bool stays = at <= next ? (home > at && home <= next) :
		    (home > at || home <= next);
		if (!stays) {
			c->by_client[at] = *e;
			at = next;
		}
	}
	c->by_client[at].hash = 0;
}

/* Closes incident i: off the index and the activity list, free. */
static void
incident_close(struct correlator *c, uint32_t i)
{
	struct incident *inc = &c->incidents[i];

	inc_index_del(c, incident_hash(c, inc->tun.tenant, &inc->client,
	    inc->name), i);
	inc_list_unlink(c, i);
	inc->open = false;
	c->free_inc[c->nfree++] = i;
}

/* The open incident of (tenant, client, name), or a new one. */
static struct incident *
incident_for(struct correlator *c, const struct timeval *ts,
    const struct tunnel_info *tun, const struct ip_addr *client,
    const char *name, const char *protected_name, struct counters *cnt)
{
	uint64_t h = incident_hash(c, tun->tenant, client, name);

	for (size_t at = h & (INC_SLOTS - 1);
	    c->by_client[at].hash != 0; at = (at + 1) & (INC_SLOTS - 1)) {
		uint32_t i = c->by_client[at].incident;
		struct incident *inc = &c->incidents[i];
		if (c->by_client[at].hash == h && addr_eq(&inc->client, client) &&
		    inc->tun.tenant == tun->tenant &&
		    strcmp(inc->name, name) == 0) {
			inc->last = *ts;
			inc_list_unlink(c, i);
			inc_list_append(c, i);
			return inc;
		}
	}
	if (c->nfree == 0) {
		/* All open: the one idle longest gives way, unsummarised. */
		cnt->incidents_evicted++;
		incident_close(c, c->oldest);
	}
	uint32_t i = c->free_inc[--c->nfree];
	struct incident *inc = &c->incidents[i];
	memset(inc, 0, sizeof(*inc));
	inc->open = true;
	/* Stable and unique: time of the first evidence, then a sequence. */
	inc->id = (uint64_t)ts->tv_sec << 20 | (++c->id_seq & 0xfffff);
	inc->client = *client;
	inc->tun = *tun;
	snprintf(inc->name, sizeof(inc->name), "%s", name);
	snprintf(inc->protected_name, sizeof(inc->protected_name), "%s",
	    protected_name);
	inc->first = inc->last = *ts;
	inc_index_put(c, h, i);
	inc_list_append(c, i);
	cnt->incidents_opened++;
	return inc;
}

struct incident *
correlate_dns(struct correlator *c, const struct timeval *ts,
    const struct tunnel_info *tun, const struct ip_addr *client,
    const struct ip_addr *resolver,
    uint64_t flow_id, const char *name, const char *protected_name,
    const struct dns_message *msg, struct counters *cnt)
{
	char owner[NAME_MAX_LEN + 1];

	/* Remember each MX exchange of the flagged name. */
	for (unsigned i = 0; msg->qr && i < msg->nanswers; i++) {
		const struct dns_rr *a = &msg->answers[i];
		if (a->type != DNS_TYPE_MX || !a->has_rdata)
			continue;
		struct lookup *l = &c->lookups[c->next];
		c->next = (c->next + 1) % CORR_LOOKUPS;
		uint32_t gen = l->gen + 1;
		memset(l, 0, sizeof(*l));
		l->used = true;
		l->gen = gen;
		if (!norm(a->rdata, l->exchange) || !norm(a->name, owner)) {
			l->used = false;
			continue;
		}
		snprintf(l->name, sizeof(l->name), "%s", name);
		filter_add(c, l->exchange);
		l->resolver = *resolver;
		l->tenant = tun->tenant;
		l->flow_id = flow_id;
		l->ts = *ts;
		index_put(c, c->by_name, hash_of(c, l->exchange,
		    strlen(l->exchange)), (uint32_t)(l - c->lookups));
	}
	correlate_dns_addresses(c, tun->tenant, msg);

	struct incident *inc = incident_for(c, ts, tun, client, name,
	    protected_name, cnt);
	if (inc != NULL) {
		inc->lookups++;
		if (!inc->have_server) {
			inc->server = *resolver;
			inc->have_server = true;
		}
	}
	return inc;
}

void
correlate_dns_addresses(struct correlator *c, uint64_t tenant,
    const struct dns_message *msg)
{
	char owner[NAME_MAX_LEN + 1];

	if (!msg->qr)
		return;
	for (unsigned i = 0; i < msg->nanswers; i++) {
		const struct dns_rr *a = &msg->answers[i];
		struct ip_addr ad;
		if ((a->type != DNS_TYPE_A && a->type != DNS_TYPE_AAAA) ||
		    !a->has_rdata || !norm(a->name, owner))
			continue;
		struct lookup_key k = { owner, NULL, tenant };
		int lk = index_get(c, c->by_name, hash_of(c, owner,
		    strlen(owner)), match_exchange, &k);
		if (lk < 0)
			continue;
		memset(&ad, 0, sizeof(ad));
		ad.family = a->type == DNS_TYPE_A ? AF_INET : AF_INET6;
		if (inet_pton(ad.family, a->rdata, ad.bytes) != 1)
			continue;
		struct lookup *l = &c->lookups[lk];
		l->address = ad;
		l->has_address = true;
		index_put(c, c->by_addr, addr_hash(c, tenant, &ad),
		    (uint32_t)lk);
	}
}

bool
correlate_may_be_exchange(const struct correlator *c, uint64_t name_hash)
{
	uint64_t a = name_hash % EXCHANGE_FILTER_BITS;
	uint64_t b = (name_hash >> 32) % EXCHANGE_FILTER_BITS;

	return (c->exchanges[a / 64] >> (a % 64) & 1) != 0 &&
	    (c->exchanges[b / 64] >> (b % 64) & 1) != 0;
}

bool
correlate_may_be_exchange_wire(const struct correlator *c, size_t wire_len)
{
	return wire_len <= 255 &&
	    (c->exchange_wire[wire_len / 64] >> (wire_len % 64) & 1) != 0;
}

bool
correlate_is_exchange(const struct correlator *c, const char *name)
{
	char norm_name[NAME_MAX_LEN + 1];

	if ( !norm(name, norm_name))
		return false;
	return index_get(c, c->by_name, hash_of(c, norm_name,
	    strlen(norm_name)), match_exchange_any, norm_name) >= 0;
}

bool
correlate_server(struct correlator *c, uint64_t tenant,
    const struct ip_addr *server, struct corr_link *link)
{
	struct lookup_key k = { NULL, server, tenant };
	int lk = index_get(c, c->by_addr, addr_hash(c, tenant, server),
	    match_address, &k);

	memset(link, 0, sizeof(*link));
	if (lk < 0)
		return false;
	const struct lookup *l = &c->lookups[lk];
	link->valid = true;
	link->flow_id = l->flow_id;
	link->ts = l->ts;
	link->resolver = l->resolver;
	link->address = l->address;
	snprintf(link->name, sizeof(link->name), "%s", l->name);
	snprintf(link->exchange, sizeof(link->exchange), "%s", l->exchange);
	return true;
}

struct incident *
correlate_rcpt(struct correlator *c, const struct timeval *ts,
    const struct tunnel_info *tun, const struct ip_addr *client,
    const struct ip_addr *server, uint64_t flow_id, const char *name,
    const char *protected_name, const struct smtp_event *ev,
    struct counters *cnt)
{
	struct incident *inc = incident_for(c, ts, tun, client, name,
	    protected_name, cnt);

	if (inc == NULL)
		return NULL;
	if (inc->last_flow != flow_id) {
		inc->last_flow = flow_id;
		inc->sessions++;
	}
	inc->server = *server;
	inc->have_server = true;
	if (ev->mail_from[0] != '\0')
		snprintf(inc->sender, sizeof(inc->sender), "%s", ev->mail_from);
	const char *r = ev->rcpt_to[ev->rcpt_index];
	bool listed = false;
	for (unsigned i = 0; i < inc->nrcpt; i++)
		listed |= strcmp(inc->rcpt[i], r) == 0;
	if (!listed && inc->nrcpt < CORR_RCPTS)
		snprintf(inc->rcpt[inc->nrcpt++], sizeof(inc->rcpt[0]), "%s",
		    r);
	if (ev->reply_code / 100 == 2)
		inc->rcpt_accepted = true;
	return inc;
}

void
correlate_message(struct correlator *c, const struct incident *inc,
    uint64_t id, const struct smtp_event *ev)
{
	/* Its slot, found without a scan of every incident. */
	uintptr_t at = (uintptr_t)inc, first = (uintptr_t)c->incidents;
	size_t slot = (at - first) / sizeof(*inc);
	if (at < first || slot >= CORR_INCIDENTS)
		return;
	struct incident *in = &c->incidents[slot];
	if (!in->open || in->id != id)
		return;
	in->bytes += ev->message_bytes;
	if (ev->reply_code / 100 == 2)
		in->message_accepted = true;
}

void
correlate_expire(struct correlator *c, const struct timeval *now,
    void (*fn)(void *, const struct incident *), void *ctx,
    struct counters *cnt)
{
	for (size_t i = 0; i < CORR_INCIDENTS; i++) {
		struct incident *inc = &c->incidents[i];
		if (!inc->open)
			continue;
		if (now != NULL &&
		    now->tv_sec - inc->last.tv_sec <= (time_t)c->window)
			continue;
		fn(ctx, inc);
		incident_close(c, (uint32_t)i);
		cnt->incidents_closed++;
	}
}

int
incident_severity(const struct incident *inc)
{
	if (inc->message_accepted)
		return 1;
	if (inc->rcpt_accepted)
		return 2;
	return 3;
}
