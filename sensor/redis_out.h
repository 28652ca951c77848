/*
 * redis_out.h — EVE records to Redis, as Suricata's redis output does: a
 * list (LPUSH or RPUSH to the key), a channel (PUBLISH on it) or a stream
 * (XADD key * eve RECORD).
 *
 * Records are copied into a spool in memory and sent by a thread of their
 * own, pipelined, so neither a slow nor an absent server ever holds up a
 * packet.  When the connection breaks, the thread reconnects with back-off
 * (1 s doubling to 30 s) and sends what the spool kept, starting with the
 * records whose replies it had not read (so a record in flight at the
 * break may arrive twice, never not at all).  The spool is bounded
 * (output.redis.spool, bytes): a record that finds it full is dropped and
 * counted, and the drops are said once per OUTPUT_ERROR_INTERVAL.
 */
#ifndef TS_REDIS_OUT_H
#define TS_REDIS_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../rules/config.h"

struct redis_out;

/* At exit, how long a server that is away is waited for. */
#define REDIS_DRAIN_SECONDS	5

/* What the output did, for the summary at exit. */
struct redis_out_counts {
	uint64_t	sent;		/* records the server acknowledged */
	uint64_t	dropped;	/* spool full, or left at exit */
	uint64_t	rejected;	/* the server answered with an error */
	uint64_t	reconnects;	/* connections made after a break */
};

/*
 * Checks the configuration's output.redis and resolves the server (once:
 * reconnects use the address, so a sandbox that hides /etc does not stop
 * them), then tries to connect.  An unresolvable name is an error (-1, err
 * names output.redis.server); a server that does not answer yet is not:
 * the output starts, says so, spools and keeps trying.  *out is NULL when
 * output.redis is off.  No thread runs yet (see redis_out_start()).
 */
int redis_out_open(struct redis_out **out, const struct ts_config *cfg,
    char *err, size_t errlen);

/* Starts the sending thread (after --daemon has forked).  0 or -1. */
int redis_out_start(struct redis_out *r);

/*
 * Copies one record into the spool (any thread; never waits for the
 * server).  Returns 0, or -1 when the spool was full (counted).
 */
int redis_out_push(struct redis_out *r, const char *line, size_t len);

/*
 * Sends what the spool holds, waiting at most drain_seconds for a server
 * that is away (what is left then is counted as dropped and said), stops
 * the thread, closes and frees.  NULL is fine.
 */
void redis_out_close(struct redis_out *r, unsigned drain_seconds,
    struct redis_out_counts *counts);

#endif
