/*
 * defrag.h — IPv4 and IPv6 fragment reassembly.
 *
 * Fragments are held per datagram (addresses, protocol, identification)
 * until the datagram is complete, then handed back whole.  Everything is
 * capped: datagrams pending, bytes held, time to complete.  Overlapping
 * fragments are counted and the datagram dropped (RFC 5722 for IPv6; for
 * IPv4 it is the safe choice against evasion).
 */
#ifndef TS_DEFRAG_H
#define TS_DEFRAG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "counters.h"
#include "packet.h"

struct defrag_limits {
	uint32_t	max_datagrams;
	size_t		max_memory;
	uint32_t	timeout;	/* seconds */
};

struct defrag_entry;

struct defrag_table {
	struct defrag_entry	**buckets;
	size_t			  nbuckets;
	uint8_t			  seed[16];
	struct defrag_entry	 *oldest, *newest;
	size_t			  count;
	size_t			  mem_used;
	struct defrag_limits	  lim;
	struct counters		 *cnt;
	uint8_t			 *out;		/* the reassembled datagram */
};

int defrag_init(struct defrag_table *t, const struct defrag_limits *lim,
    struct counters *cnt);
void defrag_free(struct defrag_table *t);

/*
 * Adds the fragment described by pkt->frag.  When it completes its
 * datagram, sets pkt->l4 to the reassembled transport bytes (valid until
 * the next call) and pkt->ip_proto, and returns TS_OK; otherwise returns
 * TS_FRAGMENT (held, or dropped and counted).
 */
enum ts_status defrag_add(struct defrag_table *t, struct packet *pkt);

/* Drops datagrams older than the timeout at time now. */
void defrag_expire(struct defrag_table *t, const struct timeval *now);

#endif
