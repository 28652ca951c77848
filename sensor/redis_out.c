/*
 * redis_out.c — the Redis sink: a spool filled by the workers, emptied by
 * one thread over one hiredis connection.
 *
 * The spool is a FIFO of copied records under a mutex; the thread takes a
 * batch of up to REDIS_BATCH records, appends one command per record to
 * hiredis's output buffer and then reads the replies (pipelining: one
 * round trip per batch, not per record).  A batch stays counted in the
 * spool's bytes until its replies are read, so the bound covers what is in
 * flight too.  Every wait is bounded (connect and reply timeouts), and the
 * thread looks at the stop flag between batches and every second.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "output.h"
#include "redis_out.h"

#define REDIS_BATCH		256	/* commands per round trip */
#define REDIS_TIMEOUT_MS	2000	/* connect, and each reply */
#define REDIS_BACKOFF_MIN	1	/* seconds before a reconnect */
#define REDIS_BACKOFF_MAX	30

struct rec {
	struct rec	*next;
	size_t		 len;
	char		 data[];
};

struct redis_out {
	/* Set at open, read-only afterwards. */
	char		 addr[INET6_ADDRSTRLEN];	/* resolved server */
	char		*server;			/* as configured */
	int		 port;
	char		*key;
	enum redis_mode	 mode;
	size_t		 spool_max;

	pthread_t	 thread;
	bool		 started;

	/* Under lock: the spool and what the workers count. */
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;
	struct rec	*head, *tail;
	size_t		 bytes;		/* spooled and in flight */
	bool		 stop;
	time_t		 stop_deadline;	/* monotonic */
	uint64_t	 dropped;	/* spool full */
	uint64_t	 dropped_said;	/* of those, already said */

	/* The thread's own. */
	redisContext	*c;
	unsigned	 backoff;
	time_t		 retry_at;
	bool		 down_said;	/* "cannot connect" said for this break */
	bool		 stop_tried;	/* reconnected once since the stop */
	time_t		 drops_said_at;
	struct redis_out_counts	 n;
};

static time_t
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static const char *
mode_command(enum redis_mode m)
{
	switch (m) {
	case REDIS_RPUSH:
		return "RPUSH";
	case REDIS_PUBLISH:
		return "PUBLISH";
	case REDIS_XADD:
		return "XADD";
	case REDIS_LPUSH:
	default:
		return "LPUSH";
	}
}

static redisContext *
connect_server(const struct redis_out *r, char *why, size_t whylen)
{
	struct timeval tv = { REDIS_TIMEOUT_MS / 1000,
	    (REDIS_TIMEOUT_MS % 1000) * 1000 };
	redisContext *c = redisConnectWithTimeout(r->addr, r->port, tv);

	if (c == NULL) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	if (c->err != 0 || redisSetTimeout(c, tv) != REDIS_OK) {
		snprintf(why, whylen, "%s", c->errstr[0] != '\0' ? c->errstr :
		    "cannot set the timeout");
		redisFree(c);
		return NULL;
	}
	(void)redisEnableKeepAlive(c);
	return c;
}

int
redis_out_open(struct redis_out **out, const struct ts_config *cfg,
    char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	struct redis_out *r;
	char why[256];
	int gai;

	*out = NULL;
	if (!cfg->redis_enabled)
		return 0;
	const char *server = cfg->redis_server != NULL ? cfg->redis_server :
	    "127.0.0.1";
	const char *key = cfg->redis_key != NULL ? cfg->redis_key : "typosentry";
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((gai = getaddrinfo(server, NULL, &hints, &res)) != 0) {
		snprintf(err, errlen, "output.redis.server: cannot resolve "
		    "'%s': %s", server, gai_strerror(gai));
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		freeaddrinfo(res);
		snprintf(err, errlen, "output.redis: out of memory");
		return -1;
	}
	const void *a = res->ai_family == AF_INET ?
	    (const void *)&((const struct sockaddr_in *)(const void *)
	    res->ai_addr)->sin_addr :
	    (const void *)&((const struct sockaddr_in6 *)(const void *)
	    res->ai_addr)->sin6_addr;
	inet_ntop(res->ai_family, a, r->addr, sizeof(r->addr));
	freeaddrinfo(res);
	r->server = strdup(server);
	r->key = strdup(key);
	r->port = (int)cfg->redis_port;
	r->mode = cfg->redis_mode;
	r->spool_max = cfg->redis_spool;
	r->backoff = REDIS_BACKOFF_MIN;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (r->server == NULL || r->key == NULL ||
	    pthread_mutex_init(&r->lock, NULL) != 0 ||
	    pthread_cond_init(&r->wake, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		free(r->server);
		free(r->key);
		free(r);
		snprintf(err, errlen, "output.redis: out of memory");
		return -1;
	}
	pthread_condattr_destroy(&ca);
	if ((r->c = connect_server(r, why, sizeof(why))) == NULL) {
		ts_log(LOG_WARNING, "output.redis: cannot connect to %s port %d "
		    "(output.redis.server, output.redis.port): %s; records are "
		    "spooled (up to %zu bytes) until it answers", r->server,
		    r->port, why, r->spool_max);
		r->down_said = true;
		r->retry_at = mono() + (time_t)r->backoff;
	}
	*out = r;
	return 0;
}

int
redis_out_push(struct redis_out *r, const char *line, size_t len)
{
	struct rec *e;

	pthread_mutex_lock(&r->lock);
	if (r->bytes + len + sizeof(*e) > r->spool_max ||
	    (e = malloc(sizeof(*e) + len)) == NULL) {
		r->dropped++;
		pthread_mutex_unlock(&r->lock);
		return -1;
	}
	e->next = NULL;
	e->len = len;
	memcpy(e->data, line, len);
	if (r->tail != NULL)
		r->tail->next = e;
	else
		r->head = e;
	r->tail = e;
	r->bytes += len + sizeof(*e);
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* Drops since the last message: the first at once, then once a while. */
static void
say_drops(struct redis_out *r, uint64_t dropped, bool force)
{
	uint64_t new_drops = dropped - r->dropped_said;
	time_t now = mono();

	if (new_drops == 0)
		return;
	if (!force && r->drops_said_at != 0 &&
	    now - r->drops_said_at < OUTPUT_ERROR_INTERVAL)
		return;
	ts_log(LOG_ERR, "output.redis: spool full (%zu bytes, "
	    "output.redis.spool): %" PRIu64 " records dropped%s", r->spool_max,
	    new_drops, r->drops_said_at == 0 ? "" : " since the last message");
	r->dropped_said = dropped;
	r->drops_said_at = now;
}

/* Sleeps until t (monotonic seconds) or a wake-up; lock held. */
static void
wait_until(struct redis_out *r, time_t t)
{
	struct timespec ts = { t, 0 };

	pthread_cond_timedwait(&r->wake, &r->lock, &ts);
}

static void
broken(struct redis_out *r, const char *what)
{
	ts_log(LOG_ERR, "output.redis: %s %s port %d: %s; reconnecting, "
	    "records are spooled meanwhile", what, r->server, r->port,
	    r->c != NULL && r->c->errstr[0] != '\0' ? r->c->errstr :
	    "connection lost");
	if (r->c != NULL)
		redisFree(r->c);
	r->c = NULL;
	r->down_said = true;
	r->backoff = REDIS_BACKOFF_MIN;
	r->retry_at = mono() + (time_t)r->backoff;
}

/*
 * Sends the n records from first, pipelined.  Returns the number the
 * server answered (acknowledged or rejected), all n unless the connection
 * broke.
 */
static size_t
send_batch(struct redis_out *r, struct rec *first, size_t n)
{
	const char *cmd = mode_command(r->mode);
	struct rec *e = first;
	size_t i, answered = 0;

	for (i = 0; i < n; i++, e = e->next) {
		int rc = r->mode == REDIS_XADD ?
		    redisAppendCommand(r->c, "%s %s * eve %b", cmd, r->key,
		    e->data, e->len) :
		    redisAppendCommand(r->c, "%s %s %b", cmd, r->key,
		    e->data, e->len);
		if (rc != REDIS_OK)
			return 0;
	}
	for (i = 0; i < n; i++) {
		redisReply *reply = NULL;
		if (redisGetReply(r->c, (void **)&reply) != REDIS_OK ||
		    reply == NULL)
			return answered;
		if (reply->type == REDIS_REPLY_ERROR) {
			r->n.rejected++;
			if (r->n.rejected == 1 ||
			    (r->n.rejected & (r->n.rejected - 1)) == 0)
				ts_log(LOG_ERR, "output.redis: %s %s: the server "
				    "says %s (%" PRIu64 " records rejected so "
				    "far)", cmd, r->key, reply->str,
				    r->n.rejected);
		} else {
			r->n.sent++;
		}
		freeReplyObject(reply);
		answered++;
	}
	return answered;
}

static void *
run(void *arg)
{
	struct redis_out *r = arg;
	char why[256];
	sigset_t pipe;

	/* A server gone away: EPIPE for this thread, not a fatal SIGPIPE. */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);

	pthread_mutex_lock(&r->lock);
	for (;;) {
		say_drops(r, r->dropped, false);
		bool leaving = r->stop && (r->head == NULL ||
		    (r->c == NULL && mono() >= r->stop_deadline));
		if (leaving)
			break;
		if (r->head == NULL) {
			wait_until(r, mono() + 1);
			continue;
		}
		if (r->c == NULL) {
			time_t now = mono(), due = r->retry_at;
			/* Stopping: one more try at once, then the deadline. */
			if (r->stop && !r->stop_tried)
				due = now;
			else if (r->stop && due > r->stop_deadline)
				due = r->stop_deadline;
			if (now < due) {
				wait_until(r, due);
				continue;
			}
			r->stop_tried = r->stop;
			pthread_mutex_unlock(&r->lock);
			r->c = connect_server(r, why, sizeof(why));
			if (r->c == NULL) {
				if (!r->down_said)
					ts_log(LOG_ERR, "output.redis: cannot "
					    "connect to %s port %d: %s; retrying",
					    r->server, r->port, why);
				r->down_said = true;
				r->retry_at = mono() + (time_t)r->backoff;
				r->backoff = r->backoff * 2 > REDIS_BACKOFF_MAX ?
				    REDIS_BACKOFF_MAX : r->backoff * 2;
			} else {
				if (r->down_said)
					ts_log(LOG_NOTICE, "output.redis: "
					    "connected to %s port %d", r->server,
					    r->port);
				if (r->down_said || r->n.sent > 0)
					r->n.reconnects++;
				r->down_said = false;
				r->backoff = REDIS_BACKOFF_MIN;
			}
			pthread_mutex_lock(&r->lock);
			continue;
		}
		/* The batch stays at the head of the spool until answered:
		 * the workers only append. */
		struct rec *first = r->head;
		size_t n = 0;
		for (struct rec *e = first; e != NULL && n < REDIS_BATCH;
		    e = e->next)
			n++;
		pthread_mutex_unlock(&r->lock);
		size_t done = send_batch(r, first, n);
		if (done < n)
			broken(r, "lost the connection to");
		pthread_mutex_lock(&r->lock);
		for (size_t i = 0; i < done && r->head != NULL; i++) {
			struct rec *e = r->head;
			r->head = e->next;
			if (r->head == NULL)
				r->tail = NULL;
			r->bytes -= e->len + sizeof(*e);
			free(e);
		}
	}
	/* What could not be sent before the deadline. */
	uint64_t left = 0;
	while (r->head != NULL) {
		struct rec *e = r->head;
		r->head = e->next;
		free(e);
		left++;
	}
	r->tail = NULL;
	r->bytes = 0;
	say_drops(r, r->dropped, true);
	r->n.dropped = r->dropped + left;
	pthread_mutex_unlock(&r->lock);
	if (left > 0)
		ts_log(LOG_ERR, "output.redis: %s port %d did not answer before "
		    "the end: %" PRIu64 " records not delivered", r->server,
		    r->port, left);
	return NULL;
}

int
redis_out_start(struct redis_out *r)
{
	if (r == NULL)
		return 0;
	if (pthread_create(&r->thread, NULL, run, r) != 0)
		return -1;
	r->started = true;
	return 0;
}

void
redis_out_close(struct redis_out *r, unsigned drain_seconds,
    struct redis_out_counts *counts)
{
	if (r == NULL) {
		if (counts != NULL)
			memset(counts, 0, sizeof(*counts));
		return;
	}
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	r->stop_deadline = mono() + (time_t)drain_seconds;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	if (r->started)
		pthread_join(r->thread, NULL);
	else
		run(r);
	if (counts != NULL)
		*counts = r->n;
	if (r->c != NULL)
		redisFree(r->c);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	free(r->server);
	free(r->key);
	free(r);
}
