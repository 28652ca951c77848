/*
 * workers.c — the threads of capture.workers, their queues and pauses.
 *
 * Offline, a batch is a buffer of packets (header, index, bytes) the
 * reader fills for one worker and queues when it is full (or at once when
 * the input is a pipe, whose next packet may be long in coming); each
 * worker has 8 queued and one being filled at most, so the memory is
 * bounded and a slow worker holds the reader, which is the back-pressure
 * an offline run wants (nothing dropped).  One mutex per worker, taken
 * per batch, not per packet.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "fanout.h"
#include "log.h"
#include "pcap_chunks.h"
#include "workers.h"

#define BATCH_BYTES	(512u << 10)	/* a packet of the largest snaplen fits */
#define BATCH_PACKETS	512

/*
 * One packet in a batch, its bytes after it, 8-byte aligned; dlt -1: no
 * packet, packet time entered a new second at packet cnt of another
 * worker (worker_advance()).
 */
struct batch_pkt {
	struct pcap_pkthdr	 h;
	uint64_t		 cnt;
	const uint8_t		*ref;	/* the bytes in the mapped file, or
					 * NULL: copied after this */
	int			 dlt;
};

struct batch {
	const char	*path;		/* the file (pcap_filename) */
	uint64_t	 gen;		/* the chunk its packets lie in */
	size_t		 used;
	size_t		 packets;
	uint8_t		 data[BATCH_BYTES];
};

#define ALIGN8(n)	(((n) + 7) & ~(size_t)7)

static void
block_signals(sigset_t *old)
{
	sigset_t all;

	sigemptyset(&all);
	sigaddset(&all, SIGINT);
	sigaddset(&all, SIGTERM);
	sigaddset(&all, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &all, old);
}

void
pool_set_config(struct pool *p, const struct ts_config *cfg)
{
	p->cfg = cfg;
	fanout_rule_init(&p->rule, cfg);
}

int
pool_init(struct pool *p, unsigned n, const struct ts_config *cfg,
    const struct typo_model *model, struct output *out,
    const struct syslog_out *slog, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	pool_set_config(p, cfg);
	if ((p->ws = calloc(n, sizeof(*p->ws))) == NULL)
		goto nomem;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct pool_worker *pw = &p->ws[i];
		pw->index = i;
		pw->pool = p;
		snprintf(pw->name, sizeof(pw->name), "W#%02u", i + 1);
		if (worker_init(&pw->w, cfg, model, out) != 0)
			goto nomem;
		p->n++;
		worker_set_syslog(&pw->w, slog);
		suppress_set_rate(&pw->w.suppress, cfg->alerts_per_second);
		/* Stats come from the pool, with the sums. */
		pw->w.stats_interval = 0;
		if (pw->w.corr != NULL)
			correlator_ids(pw->w.corr, i, n);
		pthread_mutex_init(&pw->lock, NULL);
		pthread_cond_init(&pw->cond, NULL);
		for (unsigned k = 0; k < 9; k++) {
			struct batch *b = malloc(sizeof(*b));
			if (b == NULL)
				goto nomem;
			pw->spare[pw->nspare++] = b;
		}
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory for %u workers", n);
	pool_free(p);
	return -1;
}

/* ------------------------------------------------------------ offline */

static void
run_batch(struct pool_worker *pw, struct batch *b)
{
	size_t off = 0;

	pw->w.src.pcap_filename = b->path;
	pw->w.src.iface = NULL;
	for (size_t i = 0; i < b->packets; i++) {
		const struct batch_pkt *bp =
		    (const struct batch_pkt *)(const void *)(b->data + off);
		if (bp->dlt < 0)
			worker_advance(&pw->w, &bp->h.ts, bp->cnt);
		else
			worker_packet(&pw->w, bp->dlt, &bp->h, bp->ref != NULL ?
			    bp->ref : (const uint8_t *)(bp + 1), bp->cnt);
		off += ALIGN8(sizeof(*bp) + (bp->dlt < 0 || bp->ref != NULL ?
		    0 : bp->h.caplen));
	}
}

static void *
offline_main(void *arg)
{
	struct pool_worker *pw = arg;

	pthread_mutex_lock(&pw->lock);
	for (;;) {
		while (pw->qlen == 0 && !pw->pool->done)
			pthread_cond_wait(&pw->cond, &pw->lock);
		if (pw->qlen == 0)
			break;
		struct batch *b = pw->queue[pw->qhead];
		pw->qhead = (pw->qhead + 1) % 8;
		pw->qlen--;
		pw->busy = true;
		pthread_mutex_unlock(&pw->lock);
		run_batch(pw, b);
		pthread_mutex_lock(&pw->lock);
		pw->busy = false;
		pw->done_gen = b->gen;
		pw->spare[pw->nspare++] = b;
		pthread_cond_broadcast(&pw->cond);
	}
	pthread_mutex_unlock(&pw->lock);
	return NULL;
}

static int
start_offline(struct pool *p)
{
	sigset_t old;

	block_signals(&old);
	for (unsigned i = 0; i < p->n; i++) {
		struct pool_worker *pw = &p->ws[i];
		if (pthread_create(&pw->thread, NULL, offline_main, pw) != 0) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			return -1;
		}
		pw->running = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

/* Queues pw's batch in the filling (waiting for room). */
static void
queue_filling(struct pool_worker *pw)
{
	struct batch *b = pw->filling;

	if (b == NULL || b->packets == 0)
		return;
	pthread_mutex_lock(&pw->lock);
	while (pw->qlen == 8)
		pthread_cond_wait(&pw->cond, &pw->lock);
	pw->queue[(pw->qhead + pw->qlen) % 8] = b;
	pw->qlen++;
	pw->filling = NULL;
	pthread_cond_broadcast(&pw->cond);
	pthread_mutex_unlock(&pw->lock);
}

/* A batch to fill for pw (waiting for one to come back). */
static struct batch *
take_spare(struct pool_worker *pw, const char *path)
{
	pthread_mutex_lock(&pw->lock);
	while (pw->nspare == 0)
		pthread_cond_wait(&pw->cond, &pw->lock);
	struct batch *b = pw->spare[--pw->nspare];
	pthread_mutex_unlock(&pw->lock);
	b->gen = pw->pool->gen;
	b->path = path;
	b->used = 0;
	b->packets = 0;
	return b;
}

struct reader {
	struct pool			*p;
	const char			*path;
	const struct capture_hooks	*hooks;
	bool				 byref;		/* packets in chunks */
};

/*
 * Appends a packet (or, dlt -1, a new second) to pw's batch: a copy of
 * it, or with byref (a chunk of the file) where it is.
 */
static void
put(struct pool_worker *pw, const char *path, int dlt,
    const struct pcap_pkthdr *h, const u_char *data, uint64_t cnt,
    bool byref)
{
	size_t len = dlt < 0 || byref ? 0 : h->caplen;
	size_t need = ALIGN8(sizeof(struct batch_pkt) + len);

	if (pw->filling != NULL && (pw->filling->used + need > BATCH_BYTES ||
	    pw->filling->path != path))
		queue_filling(pw);
	if (pw->filling == NULL)
		pw->filling = take_spare(pw, path);
	struct batch *b = pw->filling;
	struct batch_pkt *bp = (struct batch_pkt *)(void *)(b->data + b->used);
	bp->h = *h;
	bp->cnt = cnt;
	bp->dlt = dlt;
	bp->ref = byref ? data : NULL;
	if (len > 0)
		memcpy(bp + 1, data, len);
	b->used += need;
	b->packets++;
}

static void
dispatch(void *ctx, int dlt, const struct pcap_pkthdr *h,
    const u_char *data, uint64_t cnt)
{
	struct reader *r = ctx;
	struct pool *p = r->p;
	uint32_t hash = fanout_hash(&p->rule, dlt, data, h->caplen);
	unsigned to = fanout_worker(hash, p->n);
	struct pool_worker *pw = &p->ws[to];

	/* Stats by packet time, as one worker writes them. */
	uint32_t iv = p->cfg->stats_interval;
	time_t t = h->ts.tv_sec;
	if (iv != 0) {
		if (p->stats_next == 0 || t + (time_t)iv < p->stats_next) {
			p->stats_next = t + (time_t)iv;
		} else if (t >= p->stats_next) {
			pool_pause(p);
			pool_stats(p, &h->ts);
			if (r->hooks != NULL && r->hooks->stats_written != NULL)
				r->hooks->stats_written(r->hooks->ctx);
			pool_resume(p);
			p->stats_next = t + (time_t)iv;
		}
	}
	/* A new second: every worker's timeouts run at this packet. */
	if (!p->ticked || h->ts.tv_sec != p->tick_last) {
		p->ticked = true;
		p->tick_last = h->ts.tv_sec;
		for (unsigned i = 0; i < p->n; i++)
			if (i != to)
				put(&p->ws[i], r->path, -1, h, NULL, cnt,
				    false);
	}
	p->last_ts = h->ts;
	p->last_cnt = cnt;
	put(pw, r->path, dlt, h, data, cnt, r->byref);
	pw->dispatched++;
	/* Only this worker's batch grew (a new second's marks aside, which
	 * a pipe sends at once below). */
	if (p->pipe) {
		for (unsigned i = 0; i < p->n; i++)
			queue_filling(&p->ws[i]);
	} else if (pw->filling != NULL &&
	    pw->filling->packets >= BATCH_PACKETS)
		queue_filling(pw);
}

/*
 * Waits until no worker holds a batch of chunk generation gen or older:
 * each has handled a later batch (its batches go in order), or has
 * nothing queued.
 */
static void
wait_chunk_free(struct pool *p, uint64_t gen)
{
	for (unsigned i = 0; i < p->n; i++) {
		struct pool_worker *pw = &p->ws[i];
		pthread_mutex_lock(&pw->lock);
		while (pw->done_gen <= gen && (pw->qlen > 0 || pw->busy))
			pthread_cond_wait(&pw->cond, &pw->lock);
		pthread_mutex_unlock(&pw->lock);
	}
}

int
pool_capture_file(struct pool *p, const char *path, const char *filter,
    const struct capture_hooks *hooks, struct capture_result *res)
{
	struct reader r = { p, path, hooks, false };
	struct pcap_chunks ch;

	if (!p->ws[0].running && start_offline(p) != 0) {
		ts_log(LOG_ERR, "cannot start the worker threads: %s",
		    strerror(errno));
		memset(res, 0, sizeof(*res));
		return -1;
	}
	/* Standard input may be a pipe fed slowly: no packet waits. */
	p->pipe = strcmp(path, "-") == 0;
	if ((filter != NULL && filter[0] != '\0') ||
	    pcap_chunks_open(&ch, path) != 0) {
		int rc = capture_file_each(path, filter, hooks, res, dispatch,
		    &r);
		for (unsigned i = 0; i < p->n; i++)
			queue_filling(&p->ws[i]);
		return rc;
	}
	/* A plain pcap file: the workers read the packets in its chunks. */
	struct pcap_pkthdr h;
	const uint8_t *data;
	memset(res, 0, sizeof(*res));
	res->opened = true;
	r.byref = true;
	/* Generations go on from file to file: a worker's last one done
	 * always names a chunk of this file or an earlier one. */
	ch.gen = p->gen;
	int got;
	while ((got = pcap_chunks_next(&ch, &h, &data)) != 0) {
		if (got == 2) {
			/* No batch spans two chunks; the buffer to fill is
			 * free once no worker holds its last fill. */
			for (unsigned i = 0; i < p->n; i++)
				queue_filling(&p->ws[i]);
			if (ch.gen + 1 > PCAP_CHUNKS)
				wait_chunk_free(p, ch.gen + 1 - PCAP_CHUNKS);
			if (pcap_chunks_refill(&ch) != 0) {
				got = -1;
				break;
			}
			p->gen = ch.gen;
			continue;
		}
		if (got < 0)
			break;
		if (hooks != NULL && hooks->pending != NULL &&
		    *hooks->pending && hooks->housekeeping != NULL)
			hooks->housekeeping(hooks->ctx);
		res->packets++;
		dispatch(&r, ch.dlt, &h, data, res->packets);
		if (hooks != NULL && hooks->stop != NULL && *hooks->stop) {
			res->interrupted = true;
			break;
		}
	}
	/* The workers are done with the chunks before they are freed. */
	pool_pause(p);
	if (got < 0) {
		/* As capture_file() says it of what libpcap could not read. */
		res->stopped_early = true;
		capture_stopped(path, res->packets, (long long)ch.err_off,
		    ch.err);
	}
	pcap_chunks_close(&ch);
	return res->stopped_early ? -1 : 0;
}

/* --------------------------------------------------------------- live */

static void
live_housekeeping(void *ctx)
{
	struct pool_worker *pw = ctx;
	struct pool *p = pw->pool;
	struct timeval now;

	gettimeofday(&now, NULL);
	worker_tick(&pw->w, &now);
	pthread_mutex_lock(&p->lock);
	if (p->pause) {
		p->paused++;
		pthread_cond_broadcast(&p->cond);
		while (p->pause)
			pthread_cond_wait(&p->cond, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
}

static void *
live_main(void *arg)
{
	struct pool_worker *pw = arg;

	live_run(&pw->live, &pw->w, &pw->pool->stop, live_housekeeping, pw);
	return NULL;
}

/* One group per interface, its id from our PID and the interface. */
static uint16_t
group_id(size_t iface)
{
	return (uint16_t)((getpid() & 0xffff) + iface);
}

/* A handle opened again after a failure joins its group again. */
static int
rejoin(void *ctx, size_t iface, pcap_t *h)
{
	struct pool_worker *pw = ctx;

	return fanout_join(pcap_fileno(h), group_id(iface), pw->pool->cfg);
}

int
pool_live_open(struct pool *p, const char *const *names, size_t n,
    const struct live_opts *opts, const char *filter, char *err,
    size_t errlen)
{
	for (unsigned i = 0; i < p->n; i++) {
		struct pool_worker *pw = &p->ws[i];
		if (live_open(&pw->live, names, n, opts, filter, err,
		    errlen) != 0)
			return -1;
		for (size_t k = 0; k < pw->live.n; k++) {
			struct live_iface *f = &pw->live.ifs[k];
			if (fanout_join(pcap_fileno(f->p), group_id(k),
			    p->cfg) != 0) {
				snprintf(err, errlen, "%s: cannot join the "
				    "workers' fanout group (capture.workers): "
				    "%s", f->name, strerror(errno));
				return -1;
			}
		}
		pw->live.reopened = rejoin;
		pw->live.reopened_ctx = pw;
		pw->cap.live = true;
		worker_set_capture(&pw->w, &pw->cap);
		pw->w.stats_interval = 0;
	}
	return 0;
}

int
pool_live_start(struct pool *p, char *err, size_t errlen)
{
	sigset_t old;

	block_signals(&old);
	for (unsigned i = 0; i < p->n; i++) {
		struct pool_worker *pw = &p->ws[i];
		if (pthread_create(&pw->thread, NULL, live_main, pw) != 0) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			snprintf(err, errlen, "cannot start worker %u: %s", i + 1,
			    strerror(errno));
			return -1;
		}
		pw->running = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

/* ------------------------------------------------------- pause, stats */

void
pool_pause(struct pool *p)
{
	if (p->ws[0].live.n > 0) {
		unsigned running = 0;
		for (unsigned i = 0; i < p->n; i++)
			running += p->ws[i].running;
		pthread_mutex_lock(&p->lock);
		p->pause = true;
		p->paused = 0;
		while (p->paused < running)
			pthread_cond_wait(&p->cond, &p->lock);
		pthread_mutex_unlock(&p->lock);
		return;
	}
	/* Offline: everything read so far goes through first. */
	for (unsigned i = 0; i < p->n; i++) {
		struct pool_worker *pw = &p->ws[i];
		queue_filling(pw);
		pthread_mutex_lock(&pw->lock);
		while (pw->qlen > 0 || pw->busy)
			pthread_cond_wait(&pw->cond, &pw->lock);
		pthread_mutex_unlock(&pw->lock);
	}
}

void
pool_resume(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->pause = false;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void
pool_counters(const struct pool *p, struct counters *sum)
{
	uint64_t *s = (uint64_t *)(void *)sum;

	memset(sum, 0, sizeof(*sum));
	for (unsigned i = 0; i < p->n; i++) {
		const uint64_t *c = (const uint64_t *)(const void *)&p->ws[i].w.cnt;
		for (size_t k = 0; k < sizeof(*sum) / sizeof(uint64_t); k++)
			s[k] += c[k];
	}
}

static void
worker_gauges(const struct worker *w, struct stats_gauges *g)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	g->flows_active = w->flows.count;
	g->flow_memuse = w->flows.mem_used;
	g->defrag_memuse = w->defrag.mem_used;
	g->uptime = (uint64_t)(now.tv_sec - w->started.tv_sec);
}

void
pool_stats(struct pool *p, const struct timeval *ts)
{
	struct worker *w0 = &p->ws[0].w;
	struct stats_gauges sum_g;
	struct capture_stats sum_cap;
	struct counters sum;

	memset(&sum_g, 0, sizeof(sum_g));
	memset(&sum_cap, 0, sizeof(sum_cap));
	for (unsigned i = 0; i < p->n; i++) {
		struct pool_worker *pw = &p->ws[i];
		struct stats_gauges g;
		struct capture_stats cap;
		worker_gauges(&pw->w, &g);
		if (pw->live.n > 0) {
			live_stats(&pw->live, &pw->cap);
			cap = pw->cap;
		} else {
			/* Handed to it by the reader: against decoder.pkts,
			 * what it has not got to yet. */
			memset(&cap, 0, sizeof(cap));
			cap.live = true;
			cap.received = pw->dispatched;
		}
		pw->w.cnt.stats_records++;
		eve_stats(&pw->w.json, ts, pw->w.src.host, pw->name, &pw->w.cnt,
		    &cap, &g);
		if (pw->w.json.overflow ||
		    output_write(pw->w.out, pw->w.json.buf, pw->w.json.len) != 0)
			pw->w.cnt.output_errors++;
		sum_g.flows_active += g.flows_active;
		sum_g.flow_memuse += g.flow_memuse;
		sum_g.defrag_memuse += g.defrag_memuse;
		sum_g.uptime = g.uptime;
		sum_cap.live = cap.live;
		sum_cap.received += cap.received;
		sum_cap.dropped += cap.dropped;
		sum_cap.ifdropped += cap.ifdropped;
	}
	pool_counters(p, &sum);
	eve_stats(&w0->json, ts, w0->src.host, NULL, &sum, &sum_cap, &sum_g);
	if (w0->json.overflow ||
	    output_write(w0->out, w0->json.buf, w0->json.len) != 0)
		w0->cnt.output_errors++;
}

/* ---------------------------------------------------------------- end */

void
pool_stop(struct pool *p)
{
	p->stop = 1;
	for (unsigned i = 0; i < p->n; i++)
		queue_filling(&p->ws[i]);
	for (unsigned i = 0; i < p->n; i++) {
		struct pool_worker *pw = &p->ws[i];
		pthread_mutex_lock(&pw->lock);
		p->done = true;
		pthread_cond_broadcast(&pw->cond);
		pthread_mutex_unlock(&pw->lock);
	}
	/* A live worker may be waiting in a pause. */
	pool_resume(p);
	for (unsigned i = 0; i < p->n; i++) {
		struct pool_worker *pw = &p->ws[i];
		if (pw->running)
			pthread_join(pw->thread, NULL);
		pw->running = false;
	}
	/* Flows still open give up what they hold, worker by worker, at
	 * the last packet of the input, as one worker would. */
	for (unsigned i = 0; i < p->n; i++) {
		struct worker *w = &p->ws[i].w;
		if (p->ticked) {
			w->now = p->last_ts;
			w->now_cnt = p->last_cnt;
		}
		worker_flush(w);
	}
}

void
pool_free(struct pool *p)
{
	if (p->ws == NULL)
		return;
	for (unsigned i = 0; i < p->n; i++) {
		struct pool_worker *pw = &p->ws[i];
		if (pw->live.n > 0)
			live_close(&pw->live);
		worker_free(&pw->w);
		free(pw->filling);
		for (unsigned k = 0; k < pw->nspare; k++)
			free(pw->spare[k]);
		for (unsigned k = 0; k < pw->qlen; k++)
			free(pw->queue[(pw->qhead + k) % 8]);
		pthread_mutex_destroy(&pw->lock);
		pthread_cond_destroy(&pw->cond);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p->ws);
	memset(p, 0, sizeof(*p));
}
