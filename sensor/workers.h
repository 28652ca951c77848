/*
 * workers.h — several workers, one thread each (capture.workers > 1).
 *
 * Each worker runs the whole pipeline with its own flow table, fragment
 * table, correlator, name cache and suppression table (struct worker);
 * nothing on the packet path is shared but the read-only configuration
 * and typo model, and the outputs, which write each record whole under
 * their own lock (the file) or copy it into their spool (Redis).
 *
 * Offline, the calling thread reads the files and hands each packet to
 * the worker of its client (fanout.h) through a bounded queue of batches
 * per worker (Suricata's autofp): a worker that falls behind makes the
 * reader wait, nothing is dropped.  Live, each worker has its own capture
 * handle on every interface, all in one PACKET_FANOUT group whose BPF
 * program picks the worker by the same hash.
 *
 * The calling thread keeps signals, reloads and stats: pool_pause() holds
 * every worker between two packets (offline: with its queue emptied) so
 * that their state can be read and changed, pool_resume() lets them go.
 */
#ifndef TS_WORKERS_H
#define TS_WORKERS_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "live.h"
#include "fanout.h"
#include "worker.h"

struct batch;

struct pool_worker {
	struct worker		 w;
	unsigned		 index;
	char			 name[32];	/* "W#01" */
	pthread_t		 thread;
	bool			 running;
	struct pool		*pool;

	/* Offline: batches from the reader, and back. */
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* queue or state changed */
	struct batch		*queue[8];
	unsigned		 qhead, qlen;
	struct batch		*spare[9];
	unsigned		 nspare;
	struct batch		*filling;	/* the reader's, not queued */
	bool			 busy;		/* processing a batch */
	uint64_t		 done_gen;	/* chunk of the last one done */
	uint64_t		 dispatched;	/* packets handed to it */

	/* Live: its own handles in the fanout group. */
	struct live		 live;
	struct capture_stats	 cap;
	bool			 paused;	/* acknowledged a pause */
};

struct pool {
	struct pool_worker	*ws;
	unsigned		 n;
	const struct ts_config	*cfg;
	bool			 pipe;		/* input may pause: no batching */
	struct fanout_rule	 rule;		/* which worker (pool_set_config) */
	uint64_t		 gen;		/* the chunk being read, from 1 */
	time_t			 stats_next;	/* offline: packet time, all files */
	volatile sig_atomic_t	 stop;		/* live: end now */
	bool			 done;		/* offline: no more input */
	bool			 ticked;	/* offline: packet time seen */
	time_t			 tick_last;	/* its second */
	struct timeval		 last_ts;	/* the last packet's */
	uint64_t		 last_cnt;

	/* Pausing (live): workers wait on cond while pause is set. */
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	bool			 pause;
	unsigned		 paused;
};

/*
 * n workers with cfg and model, writing to out (and syslog through slog).
 * Returns 0, or -1 with err set (nothing left allocated).
 */
int pool_init(struct pool *p, unsigned n, const struct ts_config *cfg,
    const struct typo_model *model, struct output *out,
    const struct syslog_out *slog, char *err, size_t errlen);

/* A reloaded configuration: the reader's fanout rule follows it. */
void pool_set_config(struct pool *p, const struct ts_config *cfg);

/* Offline: reads path through the workers (capture_file()'s contract). */
int pool_capture_file(struct pool *p, const char *path, const char *filter,
    const struct capture_hooks *hooks, struct capture_result *res);

/*
 * Live: opens every interface once per worker and joins the handles of
 * each interface to one fanout group.  Returns 0, or -1 with err set.
 */
int pool_live_open(struct pool *p, const char *const *names, size_t n,
    const struct live_opts *opts, const char *filter, char *err,
    size_t errlen);

/* Live: starts the workers' capture threads; they run until pool_stop(). */
int pool_live_start(struct pool *p, char *err, size_t errlen);

/* Holds every worker between two packets (offline: queues emptied). */
void pool_pause(struct pool *p);
void pool_resume(struct pool *p);

/*
 * Ends the input: offline, the workers finish their queues; live, they
 * stop capturing.  Then every worker ends its flows (worker_flush()) and
 * its thread.
 */
void pool_stop(struct pool *p);

/* The workers' counters summed (paused or stopped). */
void pool_counters(const struct pool *p, struct counters *sum);

/*
 * Stats records (paused or stopped): one per worker (engine.thread_name
 * W#01, ...; capture.kernel_packets the packets handed to it, live from
 * its own socket, so one that falls behind shows) and one with the sums.
 */
void pool_stats(struct pool *p, const struct timeval *ts);

void pool_free(struct pool *p);

#endif
