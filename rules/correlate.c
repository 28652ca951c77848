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

#define INC_NONE	UINT32_MAX
#define ADDR_FILTER_BITS 4096

struct lookup {
	bool		 used;
	uint32_t	 gen;		/* bumped when the slot is reused */
	char		 name[NAME_MAX_LEN + 1];
	char		 protected_name[NAME_MAX_LEN + 64];
	char		 exchange[NAME_MAX_LEN + 1];
	struct ip_addr	 addrs[CORR_ADDRS];	/* the exchange's, newest last */
	unsigned	 naddrs;
	uint64_t	 tenant;
	struct ip_addr	 client, resolver;
	uint64_t	 flow_id;
	struct timeval	 ts;
	uint32_t	 incident;	/* its incident's slot, and id */
	uint64_t	 incident_id;
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
	struct corr_limits lim;
	corr_close_fn	 close_fn;
	void		*close_ctx;
	struct lookup	*lookups;		/* lim.max_lookups */
	unsigned	 next;			/* ring position */
	/*
	 * A Bloom filter of the live exchanges' dns_name_hash_text() (16
	 * bits per lookup, two probes, at most two rings of lookups in it,
	 * see filter_add: under 5% false positives),
	 */
	uint64_t	*exchanges;
	size_t		 filter_bits;
	/* and the set of their lengths on the wire (at most 255). */
	uint64_t	 exchange_wire[4];
	unsigned	 added;			/* to it since its rebuild */
	/*
	 * A Bloom filter (one cheap probe) of the exchanges' addresses,
	 * rebuilt with the one above: most new TCP flows are ruled out
	 * without SipHash.
	 */
	uint64_t	 addr_filter[ADDR_FILTER_BITS / 64];
	struct slot	*by_name, *by_addr;	/* index_slots each */
	size_t		 index_slots;		/* a power of two */
	struct incident	*incidents;		/* lim.max_incidents */
	/*
	 * Open incidents by (tenant, client, name): linear probing, entries
	 * removed by shifting back (no tombstones), so a lookup costs a
	 * few probes however many incidents come and go.  Open incidents
	 * are also on a list by last activity (the oldest is the one a new
	 * incident replaces when all are open); closed ones on a free list.
	 */
	struct inc_slot	*by_client;
	size_t		 inc_slots;		/* a power of two */
	uint32_t	*older, *newer;
	uint32_t	 oldest, newest;
	uint32_t	*free_inc;
	unsigned	 nfree;
	uint64_t	 id_seq;
	uint32_t	 id_step;	/* workers: ids apart (correlator_ids) */
	uint8_t		 seed[16];
};

static uint64_t
hash_of(const struct correlator *c, const void *p, size_t len)
{
	uint64_t h = siphash13(p, len, c->seed);
	return h != 0 ? h : 1;
}

/* The key of an address: tenant, family, bytes. */
static size_t
host_key(const struct ip_addr *a, uint64_t tenant, uint8_t *key)
{
	size_t alen = a->family == AF_INET ? 4 : 16;

	memcpy(key, &tenant, 8);
	key[8] = a->family;
	memcpy(key + 9, a->bytes, alen);
	return 9 + alen;
}

static uint64_t
addr_hash(const struct correlator *c, const struct ip_addr *a,
    uint64_t tenant)
{
	uint8_t key[8 + 1 + 16];

	return hash_of(c, key, host_key(a, tenant, key));
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
	size_t mask = c->index_slots - 1;

	for (size_t i = h & mask, n = 0; n < c->index_slots;
	    i = (i + 1) & mask, n++) {
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
	size_t mask = c->index_slots - 1;

	for (size_t i = h & mask, n = 0; n < c->index_slots;
	    i = (i + 1) & mask, n++) {
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
	return strcmp(l->exchange, key) == 0;
}

static bool
match_address(const struct lookup *l, const void *key)
{
	const struct corr_host *h = key;

	if (l->tenant != h->tenant)
		return false;
	for (unsigned i = 0; i < l->naddrs; i++)
		if (addr_eq(&l->addrs[i], &h->ip))
			return true;
	return false;
}

static size_t
pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static uint32_t
clamp(uint32_t v, uint32_t lo, uint32_t hi, uint32_t dflt)
{
	if (v == 0)
		return dflt;
	return v < lo ? lo : v > hi ? hi : v;
}

struct correlator *
correlator_new(const struct corr_limits *lim, corr_close_fn fn, void *ctx)
{
	struct correlator *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->id_step = 1;
	c->lim = *lim;
	c->lim.max_lookups = clamp(lim->max_lookups, 1, CORR_MAX_LOOKUPS,
	    CORR_DEFAULT_LOOKUPS);
	c->lim.max_incidents = clamp(lim->max_incidents, 1,
	    CORR_MAX_INCIDENTS, CORR_DEFAULT_INCIDENTS);
	c->close_fn = fn;
	c->close_ctx = ctx;
	c->index_slots = pow2_at_least(4 * (size_t)c->lim.max_lookups);
	c->inc_slots = pow2_at_least(4 * (size_t)c->lim.max_incidents);
	c->filter_bits = 16 * (size_t)c->lim.max_lookups;
	size_t ni = c->lim.max_incidents;
	c->lookups = calloc(c->lim.max_lookups, sizeof(*c->lookups));
	c->exchanges = calloc(c->filter_bits / 64, sizeof(uint64_t));
	c->by_name = calloc(c->index_slots, sizeof(*c->by_name));
	c->by_addr = calloc(c->index_slots, sizeof(*c->by_addr));
	c->incidents = calloc(ni, sizeof(*c->incidents));
	c->by_client = calloc(c->inc_slots, sizeof(*c->by_client));
	c->older = calloc(ni, sizeof(uint32_t));
	c->newer = calloc(ni, sizeof(uint32_t));
	c->free_inc = calloc(ni, sizeof(uint32_t));
	if (c->lookups == NULL || c->exchanges == NULL || c->by_name == NULL ||
	    c->by_addr == NULL || c->incidents == NULL ||
	    c->by_client == NULL || c->older == NULL || c->newer == NULL ||
	    c->free_inc == NULL) {
		correlator_free(c);
		return NULL;
	}
	c->oldest = c->newest = INC_NONE;
	for (uint32_t i = 0; i < ni; i++)
		c->free_inc[c->nfree++] = (uint32_t)ni - 1 - i;
	for (size_t got = 0; got < sizeof(c->seed); ) {
		ssize_t r = getrandom(c->seed + got, sizeof(c->seed) - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return c;
}

void
correlator_ids(struct correlator *c, uint32_t first, uint32_t step)
{
	c->id_seq = first;
	c->id_step = step > 0 ? step : 1;
}

void
correlator_free(struct correlator *c)
{
	if (c == NULL)
		return;
	free(c->lookups);
	free(c->exchanges);
	free(c->by_name);
	free(c->by_addr);
	free(c->incidents);
	free(c->by_client);
	free(c->older);
	free(c->newer);
	free(c->free_inc);
	free(c);
}

size_t
correlator_memory(const struct correlator *c)
{
	size_t ni = c->lim.max_incidents;

	return sizeof(*c) + c->lim.max_lookups * sizeof(*c->lookups) +
	    c->filter_bits / 8 + 2 * c->index_slots * sizeof(struct slot) +
	    ni * (sizeof(struct incident) + 3 * sizeof(uint32_t)) +
	    c->inc_slots * sizeof(struct inc_slot);
}

/* DNS names in presentation form, normalised for comparison. */
static bool
norm(const char *in, char *out)
{
	return name_normalise(in, strlen(in), out, NAME_MAX_LEN + 1) > 0;
}

/* The address filter's bit for a: its first and last words, mixed. */
static uint32_t
addr_bit(const struct ip_addr *a)
{
	uint32_t x, y;

	memcpy(&x, a->bytes, 4);
	memcpy(&y, a->bytes + 12, 4);
	return ((x ^ y ^ a->family) * 0x9e3779b1u) >> 20;	/* 12 bits */
}

static void
addr_filter_set(struct correlator *c, const struct ip_addr *a)
{
	uint32_t b = addr_bit(a);

	c->addr_filter[b / 64] |= 1ULL << (b % 64);
}

static void
filter_set(struct correlator *c, const char *exchange)
{
	uint64_t h = dns_name_hash_text(exchange);
	uint64_t a = h % c->filter_bits, b = (h >> 32) % c->filter_bits;

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
	if (++c->added > c->lim.max_lookups) {
		memset(c->exchanges, 0, c->filter_bits / 8);
		memset(c->exchange_wire, 0, sizeof(c->exchange_wire));
		memset(c->addr_filter, 0, sizeof(c->addr_filter));
		for (size_t i = 0; i < c->lim.max_lookups; i++) {
			const struct lookup *l = &c->lookups[i];
			if (!l->used)
				continue;
			filter_set(c, l->exchange);
			for (unsigned k = 0; k < l->naddrs; k++)
				addr_filter_set(c, &l->addrs[k]);
		}
		c->added = 0;
	}
	filter_set(c, exchange);
}

static uint64_t
incident_hash(const struct correlator *c, const struct ip_addr *client,
    uint64_t tenant, const char *name)
{
	uint8_t key[8 + 1 + 16 + NAME_MAX_LEN + 1];
	size_t n = strlen(name);

	if (n > NAME_MAX_LEN)
		n = NAME_MAX_LEN;
	size_t k = host_key(client, tenant, key);
	memcpy(key + k, name, n);
	return hash_of(c, key, k + n);
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
	size_t mask = c->inc_slots - 1, at = h & mask;

	/* At most a quarter of the slots are used: there is room. */
	while (c->by_client[at].hash != 0)
		at = (at + 1) & mask;
	c->by_client[at].hash = h;
	c->by_client[at].incident = i;
}

/* Removes incident i (hash h), shifting back the entries after it. */
static void
inc_index_del(struct correlator *c, uint64_t h, uint32_t i)
{
	size_t mask = c->inc_slots - 1, at = h & mask;

	for (size_t n = 0; n < c->inc_slots; n++, at = (at + 1) & mask) {
		if (c->by_client[at].hash == 0)
			return;				/* not there */
		if (c->by_client[at].incident == i)
			break;
	}
	for (size_t next = (at + 1) & mask;; next = (next + 1) & mask) {
		struct inc_slot *e = &c->by_client[next];
		if (e->hash == 0)
			break;
		size_t home = e->hash & mask;
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

/*
 * Closes incident i: its summary first (the callback), then off the
 * index and the activity list, free.
 */
static void
incident_close(struct correlator *c, uint32_t i, enum incident_close why,
    struct counters *cnt)
{
	struct incident *inc = &c->incidents[i];

	inc->closed_by = (uint8_t)why;
	if (c->close_fn != NULL)
		c->close_fn(c->close_ctx, inc);
	if (why == CLOSE_EARLY)
		cnt->incidents_closed_early++;
	else
		cnt->incidents_closed++;
	inc_index_del(c, incident_hash(c, &inc->client, inc->tenant,
	    inc->name), i);
	inc_list_unlink(c, i);
	inc->open = false;
	c->free_inc[c->nfree++] = i;
}

/* Incident i is active at ts: the newest on the activity list. */
static void
incident_touch(struct correlator *c, uint32_t i, const struct timeval *ts)
{
	struct incident *inc = &c->incidents[i];

	if (timercmp(ts, &inc->last, >))
		inc->last = *ts;
	inc_list_unlink(c, i);
	inc_list_append(c, i);
}

static void
incident_add_client(struct incident *inc, const struct ip_addr *a)
{
	for (unsigned i = 0; i < inc->nclients; i++)
		if (addr_eq(&inc->clients[i], a))
			return;
	if (inc->nclients < CORR_CLIENTS)
		inc->clients[inc->nclients++] = *a;
	else
		inc->more_clients = true;
}

/* The open incident of (client, name); NULL when none. */
static struct incident *
incident_find(struct correlator *c, const struct corr_host *client,
    const char *name)
{
	uint64_t h = incident_hash(c, &client->ip, client->tenant, name);
	size_t mask = c->inc_slots - 1;

	for (size_t at = h & mask; c->by_client[at].hash != 0;
	    at = (at + 1) & mask) {
		struct incident *inc = &c->incidents[c->by_client[at].incident];
		if (c->by_client[at].hash == h && inc->tenant == client->tenant &&
		    addr_eq(&inc->client, &client->ip) &&
		    strcmp(inc->name, name) == 0)
			return inc;
	}
	return NULL;
}

/* The open incident of (client, name), or a new one. */
static struct incident *
incident_for(struct correlator *c, const struct timeval *ts,
    const struct corr_host *client, const char *name,
    const char *protected_name, struct counters *cnt)
{
	struct incident *inc = incident_find(c, client, name);

	if (inc != NULL) {
		incident_touch(c, (uint32_t)(inc - c->incidents), ts);
		return inc;
	}
	if (c->nfree == 0) {
		/* All open: the one idle longest gives way, summarised. */
		incident_close(c, c->oldest, CLOSE_EARLY, cnt);
	}
	uint32_t i = c->free_inc[--c->nfree];
	inc = &c->incidents[i];
	memset(inc, 0, sizeof(*inc));
	inc->open = true;
	/* Stable and unique: time of the first evidence, then a sequence. */
	c->id_seq += c->id_step;
	inc->id = (uint64_t)ts->tv_sec << 20 | (c->id_seq & 0xfffff);
	inc->client = client->ip;
	inc->tenant = client->tenant;
	incident_add_client(inc, &client->ip);
	snprintf(inc->name, sizeof(inc->name), "%s", name);
	snprintf(inc->protected_name, sizeof(inc->protected_name), "%s",
	    protected_name);
	inc->first = inc->last = *ts;
	inc_index_put(c, incident_hash(c, &client->ip, client->tenant, name),
	    i);
	inc_list_append(c, i);
	cnt->incidents_opened++;
	return inc;
}

/* The incident (slot, id) if it is still open; NULL otherwise. */
static struct incident *
incident_live(struct correlator *c, const struct incident *inc, uint64_t id)
{
	if (inc == NULL || id == 0)
		return NULL;
	/* Its slot, found without a scan of every incident. */
	uintptr_t at = (uintptr_t)inc, first = (uintptr_t)c->incidents;
	if (at < first)
		return NULL;
	size_t slot = (at - first) / sizeof(*inc);
	if (slot >= c->lim.max_incidents)
		return NULL;
	struct incident *in = &c->incidents[slot];
	return in->open && in->id == id ? in : NULL;
}

struct incident *
correlate_dns(struct correlator *c, const struct timeval *ts,
    const struct corr_host *client, const struct ip_addr *resolver,
    uint64_t flow_id, const char *name, const char *protected_name,
    const struct dns_message *msg, struct counters *cnt)
{
	char owner[NAME_MAX_LEN + 1];
	struct incident *inc = incident_for(c, ts, client, name,
	    protected_name, cnt);

	inc->lookups++;
	if (!inc->have_server) {
		inc->server = *resolver;
		inc->have_server = true;
	}
	/* Remember each MX exchange of the flagged name. */
	for (unsigned i = 0; msg->qr && i < msg->nanswers; i++) {
		const struct dns_rr *a = &msg->answers[i];
		if (a->type != DNS_TYPE_MX || !a->has_rdata)
			continue;
		struct lookup *l = &c->lookups[c->next];
		c->next = (c->next + 1) % c->lim.max_lookups;
		uint32_t gen = l->gen + 1;
		memset(l, 0, sizeof(*l));
		l->used = true;
		l->gen = gen;
		if (!norm(a->rdata, l->exchange) || !norm(a->name, owner)) {
			l->used = false;
			continue;
		}
		snprintf(l->name, sizeof(l->name), "%s", name);
		snprintf(l->protected_name, sizeof(l->protected_name), "%s",
		    protected_name);
		filter_add(c, l->exchange);
		l->tenant = client->tenant;
		l->client = client->ip;
		l->resolver = *resolver;
		l->flow_id = flow_id;
		l->ts = *ts;
		l->incident = (uint32_t)(inc - c->incidents);
		l->incident_id = inc->id;
		index_put(c, c->by_name, hash_of(c, l->exchange,
		    strlen(l->exchange)), (uint32_t)(l - c->lookups));
	}
	correlate_dns_addresses(c, client->tenant, msg);
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
		int lk = index_get(c, c->by_name, hash_of(c, owner,
		    strlen(owner)), match_exchange, owner);
		if (lk < 0)
			continue;
		memset(&ad, 0, sizeof(ad));
		ad.family = a->type == DNS_TYPE_A ? AF_INET : AF_INET6;
		if (inet_pton(ad.family, a->rdata, ad.bytes) != 1)
			continue;
		struct lookup *l = &c->lookups[lk];
		/* The address's DNS message came in the lookup's tenant. */
		if (l->tenant != tenant)
			continue;
		bool known = false;
		for (unsigned k = 0; k < l->naddrs; k++)
			known |= addr_eq(&l->addrs[k], &ad);
		if (known)
			continue;
		if (l->naddrs == CORR_ADDRS) {
			memmove(&l->addrs[0], &l->addrs[1],
			    (CORR_ADDRS - 1) * sizeof(l->addrs[0]));
			l->naddrs--;
		}
		l->addrs[l->naddrs++] = ad;
		addr_filter_set(c, &ad);
		index_put(c, c->by_addr, addr_hash(c, &ad, l->tenant),
		    (uint32_t)lk);
	}
}

bool
correlate_may_be_exchange(const struct correlator *c, uint64_t name_hash)
{
	uint64_t a = name_hash % c->filter_bits;
	uint64_t b = (name_hash >> 32) % c->filter_bits;

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

	if (!norm(name, norm_name))
		return false;
	return index_get(c, c->by_name, hash_of(c, norm_name,
	    strlen(norm_name)), match_exchange, norm_name) >= 0;
}

bool
correlate_server(struct correlator *c, const struct corr_host *server,
    struct corr_link *link)
{
	uint32_t b = addr_bit(&server->ip);

	link->valid = false;
	if ((c->addr_filter[b / 64] >> (b % 64) & 1) == 0)
		return false;
	int lk = index_get(c, c->by_addr, addr_hash(c, &server->ip,
	    server->tenant), match_address, server);

	memset(link, 0, sizeof(*link));
	if (lk < 0)
		return false;
	const struct lookup *l = &c->lookups[lk];
	link->valid = true;
	link->flow_id = l->flow_id;
	link->ts = l->ts;
	link->resolver = l->resolver;
	link->client = l->client;
	link->address = server->ip;
	link->incident = l->incident_id;
	link->incident_slot = l->incident;
	snprintf(link->name, sizeof(link->name), "%s", l->name);
	snprintf(link->protected_name, sizeof(link->protected_name), "%s",
	    l->protected_name);
	snprintf(link->exchange, sizeof(link->exchange), "%s", l->exchange);
	return true;
}

/*
 * The incident of a session from client about the lookup of link: the
 * client's own incident for the name, else the lookup's if still open,
 * else a new one.
 */
static struct incident *
incident_of_link(struct correlator *c, const struct timeval *ts,
    const struct corr_host *client, const struct corr_link *link,
    struct counters *cnt)
{
	struct incident *inc = incident_find(c, client, link->name);

	if (inc == NULL && link->incident_slot < c->lim.max_incidents) {
		struct incident *li = &c->incidents[link->incident_slot];
		if (li->open && li->id == link->incident)
			inc = li;
	}
	if (inc != NULL) {
		incident_touch(c, (uint32_t)(inc - c->incidents), ts);
		return inc;
	}
	return incident_for(c, ts, client, link->name, link->protected_name,
	    cnt);
}

struct incident *
correlate_session(struct correlator *c, const struct timeval *ts,
    const struct corr_host *client, const struct corr_host *server,
    uint64_t flow_id, const struct corr_link *link, struct counters *cnt)
{
	struct incident *inc = incident_of_link(c, ts, client, link, cnt);

	incident_add_client(inc, &client->ip);
	if (inc->last_flow != flow_id) {
		inc->last_flow = flow_id;
		inc->sessions++;
	}
	inc->server = server->ip;
	inc->have_server = true;
	return inc;
}

void
correlate_session_end(struct correlator *c, const struct incident *inc,
    uint64_t id, const struct corr_session *s)
{
	struct incident *in = incident_live(c, inc, id);

	if (in == NULL)
		return;
	in->sessions_ended++;
	if (in->nsess < CORR_SESSIONS)
		in->sess[in->nsess++] = *s;
	if (s->verdict > in->verdict)
		in->verdict = s->verdict;
	if (s->tls)
		in->app_bytes += s->app_bytes_toserver;
}

struct incident *
correlate_rcpt(struct correlator *c, const struct timeval *ts,
    const struct corr_host *client, const struct ip_addr *server,
    uint64_t flow_id, const char *name, const char *protected_name,
    const struct smtp_event *ev, const struct incident *prefer,
    uint64_t prefer_id, struct counters *cnt)
{
	struct incident *inc = incident_live(c, prefer, prefer_id);

	if (inc != NULL && strcmp(inc->name, name) == 0)
		incident_touch(c, (uint32_t)(inc - c->incidents), ts);
	else
		inc = incident_for(c, ts, client, name, protected_name, cnt);
	incident_add_client(inc, &client->ip);
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
	struct incident *in = incident_live(c, inc, id);

	if (in == NULL)
		return;
	in->bytes += ev->message_bytes;
	if (ev->reply_code / 100 == 2) {
		in->message_accepted = true;
		in->verdict = VERDICT_DELIVERED;
	}
}

void
correlate_expire(struct correlator *c, const struct timeval *now,
    struct counters *cnt)
{
	/* The activity list is oldest first: stop at the first still live. */
	while (c->oldest != INC_NONE) {
		uint32_t i = c->oldest;
		const struct incident *inc = &c->incidents[i];
		if (now != NULL &&
		    now->tv_sec - inc->last.tv_sec <= (time_t)c->lim.window)
			break;
		incident_close(c, i, now != NULL ? CLOSE_WINDOW : CLOSE_END,
		    cnt);
	}
}

int
incident_severity(const struct incident *inc)
{
	if (inc->message_accepted || inc->verdict >= VERDICT_LIKELY_DELIVERED)
		return 1;
	if (inc->rcpt_accepted)
		return 2;
	return 3;
}
