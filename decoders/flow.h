/*
 * flow.h — the flow table: TCP connections by 5-tuple, both directions in
 * one entry, with timeouts, a flow cap and a memory cap.
 *
 * A table belongs to one worker (no locks, no globals).  Expiry and
 * eviction hand each flow to a release callback before freeing it, so the
 * application layer can finish what it holds (pending SMTP replies).
 */
#ifndef TS_FLOW_H
#define TS_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "counters.h"
#include "packet.h"
#include "tcp_stream.h"

enum flow_state {
	FLOW_NEW,		/* SYN seen, or picked up: not established yet */
	FLOW_ESTABLISHED,	/* data or a handshake seen both ways */
	FLOW_CLOSED,		/* FIN both ways, or RST */
	FLOW_NSTATES,
};

/* Which application parser the flow's bytes go to. */
enum flow_app {
	APP_UNKNOWN,		/* not decided yet: look at the first bytes */
	APP_NONE,		/* nothing for us: bytes are not reassembled */
	APP_DNS,		/* DNS over TCP */
	APP_SMTP,
	APP_TLS,		/* TLS records: after STARTTLS, or implicit */
};

/* Direction of a packet within its flow. */
enum flow_dir {
	FLOW_TO_SERVER = 0,
	FLOW_TO_CLIENT = 1,
};

struct flow_key {
	uint64_t	 tenant;	/* pkt->tun.tenant: 0 untunnelled */
	uint8_t		 family;
	uint8_t		 vlan_count;
	uint16_t	 vlan[TS_MAX_VLAN];
	uint8_t		 client[16], server[16];
	uint16_t	 cport, sport;
};

struct flow {
	/*
	 * What the lookup and every packet read come first, so that they
	 * share as few cache lines as they can: the chain, the hash, the
	 * state and the key.
	 */
	struct flow	*hnext;			/* hash chain */
	uint32_t	 hash;			/* flow_hash() */
	uint8_t		 state;			/* enum flow_state */
	uint8_t		 app;			/* enum flow_app */
	bool		 fin[2];		/* FIN seen, by direction */
	struct flow_key	 key;
	struct timeval	 last_seen;
	struct tcp_stream stream[2];		/* by enum flow_dir */
	void		*app_state;		/* owned through the release callback */
	size_t		 app_mem;		/* bytes app_state holds */
	struct flow	*older, *newer;		/* list of its state, by last_seen */
	struct timeval	 first_seen;
	uint64_t	 id;			/* flow_id in EVE */
	struct tunnel_info tun;			/* oriented client to server */
	bool		 watch_checked;		/* server looked up as an exchange */
};

struct flow_limits {
	uint32_t	max_flows;
	size_t		max_memory;		/* flows, held segments, app state */
	uint32_t	timeout_new;		/* seconds */
	uint32_t	timeout_established;
	uint32_t	timeout_closed;
};

typedef void (*flow_release_fn)(void *ctx, struct flow *f);

/*
 * 32-bit chunks of a flow key: kind, ports, two addresses, the VLANs, the
 * tenant's two halves.
 */
#define FLOW_HASH_CHUNKS	(2 + 2 * 4 + TS_MAX_VLAN + 2)

struct flow_table {
	struct flow	**buckets;
	size_t		  nbuckets;		/* a power of two */
	uint64_t	  hkey[FLOW_HASH_CHUNKS + 1];	/* random, per table */
	size_t		  count;
	size_t		  mem_used;		/* shared with the streams' tcp_env */
	struct flow_limits lim;
	struct flow	 *oldest[FLOW_NSTATES], *newest[FLOW_NSTATES];
	time_t		  last_expiry;
	flow_release_fn	  release;
	void		 *release_ctx;
	struct counters	 *cnt;
};

int flow_table_init(struct flow_table *t, const struct flow_limits *lim,
    flow_release_fn release, void *ctx, struct counters *cnt);
/* Releases and frees every flow. */
void flow_table_free(struct flow_table *t);

/*
 * The flow of a TCP packet, created if it does not exist (NULL when it
 * cannot be: table full of flows that cannot be evicted, or no memory).
 * *dir says which way the packet goes.  Moves the flow to the newest end
 * of its list.
 */
struct flow *flow_get(struct flow_table *t, const struct packet *pkt,
    enum flow_dir *dir);

/* Updates the state from the packet's flags (SYN, FIN, RST). */
void flow_update_state(struct flow_table *t, struct flow *f,
    enum flow_dir dir, uint8_t tcp_flags);

/* Expires flows idle past their timeout at time now (packet time). */
void flow_table_expire(struct flow_table *t, const struct timeval *now);

/* Frees a flow now (after releasing it). */
void flow_remove(struct flow_table *t, struct flow *f);

/* Makes room: evicts oldest flows until mem_used + need fits the cap. */
bool flow_table_reserve(struct flow_table *t, size_t need, struct flow *keep);

#endif
