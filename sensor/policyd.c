/*
 * policyd.c — `typosentry policyd`: the service loop.
 *
 * One thread, one epoll set: the listening socket, a signalfd (SIGHUP
 * reload, SIGTERM/SIGINT stop, SIGUSR1 counters to the log) and every
 * connection from Postfix's smtpd processes.  Each connection has its
 * input (policy_proto.h: bounded by policy.max-request-size) and at most
 * one reply waiting to be written; replies are a few hundred bytes, so a
 * slow reader is the exception, not the rule.  Connections sit on a list
 * ordered by the time of their last reply (or of their connect): one that
 * has not completed a request within policy.idle-timeout of it is closed
 * from the head of the list, whatever it sent meanwhile, so a client
 * trickling bytes cannot hold a slot.  At policy.max-connections the
 * listening socket leaves the epoll set (new connections wait in the
 * kernel's backlog) until one closes.
 *
 * A request that is malformed or over the size cap gets action=DUNNO
 * (Postfix goes on with its own rules) and an error in the log, at most
 * one message a second with the count of the others.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libpsl.h>

#include "../decoders/flow_id.h"
#include "../rules/config.h"
#include "../rules/policy_rules.h"
#include "../rules/signatures.h"
#include "../rules/typo.h"
#include "eve.h"
#include "json.h"
#include "log.h"
#include "output.h"
#include "policy_proto.h"
#include "policyd.h"
#include "policy_listen.h"
#include "privacy.h"
#include "sandbox.h"
#include "service.h"
#include "syslog_out.h"

extern const char default_config_yaml[];
extern const size_t default_config_yaml_len;

#define EXIT_USAGE	2
#define EVE_RECORD_MAX	(64 * 1024)
#define REPLY_MAX	1024
#define READ_BUDGET	(64 * 1024)	/* bytes read per event and connection */

/* The service's counters, logged at exit and on SIGUSR1. */
#define POLICYD_COUNTERS(X)						\
	X(connections,	"connections accepted")				\
	X(requests,	"requests answered")				\
	X(typos,	"recipients that are typos (alerts)")		\
	X(exempt,	"typos let through by policy.exceptions")	\
	X(rejected,	"answered REJECT")				\
	X(deferred,	"answered DEFER")				\
	X(held,		"answered HOLD")				\
	X(warned,	"answered WARN")				\
	X(prepended,	"answered PREPEND")				\
	X(logged_only,	"typos answered DUNNO (policy.action DUNNO)")	\
	X(malformed,	"malformed requests (answered DUNNO)")		\
	X(oversized,	"requests over policy.max-request-size (DUNNO)") \
	X(idle_closed,	"connections closed by policy.idle-timeout")	\
	X(cap_reached,	"times policy.max-connections was reached")	\
	X(output_errors, "EVE records that could not be written")	\
	X(syslog_alerts, "alerts sent to syslog")			\
	X(reloads,	"configuration reloads")			\
	X(reload_errors, "configuration reloads refused")

struct policyd_counters {
#define X(n, d) uint64_t n;
	POLICYD_COUNTERS(X)
#undef X
};

struct options {
	const char	*config_path;
	const char	*listen;
	const char	*log_dir;
	bool		 to_stdout;
	bool		 syslog;
	bool		 daemon;
	const char	*pidfile;
	const char	*user;
	const char	*group;
	bool		 test_config;
	bool		 quiet;
};

struct conn {
	int		 fd;
	struct policy_input in;
	char		 out[REPLY_MAX];
	size_t		 out_len, out_off;	/* a reply being written */
	int64_t		 since;		/* monotonic ms: connect or last reply */
	struct conn	*prev, *next;	/* by since, oldest first */
};

struct policyd {
	struct options	*o;
	struct ts_config *cfg;
	struct typo_model *model;
	struct privacy	 privacy;
	struct output	 out;
	struct syslog_out slog;
	struct json	 json;
	int		 epfd, lfd, sigfd;
	bool		 listening;	/* lfd is in the epoll set */
	char		*unix_path;	/* to remove at exit */
	struct conn	*head, *tail;
	size_t		 nconns;
	bool		 stop;
	struct policyd_counters cnt;
	/* Error messages: one a second, the others counted. */
	time_t		 err_second;
	uint64_t	 err_unsaid;
	time_t		 cap_said;	/* the last "cap reached" message */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: typosentry policyd [-c CONFIG] --listen ADDR [options]\n"
	    "\n"
	    "A Postfix SMTP access policy service: for each recipient that is a\n"
	    "typo of a protected name, answers policy.action (REJECT, DEFER,\n"
	    "HOLD, WARN, PREPEND or DUNNO) with the explanation, and logs an\n"
	    "EVE alert.  In main.cf:\n"
	    "  smtpd_recipient_restrictions = ..., check_policy_service ADDR\n"
	    "\n"
	    "  -c, --config FILE   YAML configuration (default: the built-in one)\n"
	    "  -L, --listen ADDR   unix:/path/to/socket or inet:HOST:PORT (as in\n"
	    "                      Postfix: inet:127.0.0.1:10040)\n"
	    "  -l, --log-dir DIR   append EVE JSON records to DIR/eve.json\n"
	    "      --stdout        EVE JSON records to standard output\n"
	    "      --syslog        also send alerts to syslog (syslog.enabled)\n"
	    "  -D, --daemon        detach and run in the background\n"
	    "      --pidfile FILE  write the process id to FILE\n"
	    "  -u, --user USER     run as USER once listening\n"
	    "  -g, --group GROUP   and as GROUP (default: USER's group)\n"
	    "  -T, --test-config   check the configuration and exit (0 ok, 2 bad)\n"
	    "  -q, --quiet         no counters on standard error at exit\n"
	    "  -h, --help          this message\n"
	    "\n"
	    "SIGHUP reloads the configuration (a bad one is refused, the running\n"
	    "one kept) and reopens eve.json; SIGUSR1 logs the counters; SIGTERM\n"
	    "and SIGINT stop.  See typosentry(8).\n");
}

enum { OPT_STDOUT = 256, OPT_SYSLOG, OPT_PIDFILE };

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config",	 required_argument, NULL, 'c' },
		{ "listen",	 required_argument, NULL, 'L' },
		{ "log-dir",	 required_argument, NULL, 'l' },
		{ "stdout",	 no_argument,	    NULL, OPT_STDOUT },
		{ "syslog",	 no_argument,	    NULL, OPT_SYSLOG },
		{ "daemon",	 no_argument,	    NULL, 'D' },
		{ "pidfile",	 required_argument, NULL, OPT_PIDFILE },
		{ "user",	 required_argument, NULL, 'u' },
		{ "group",	 required_argument, NULL, 'g' },
		{ "test-config", no_argument,	    NULL, 'T' },
		{ "quiet",	 no_argument,	    NULL, 'q' },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:L:l:Du:g:Tqh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': o->config_path = optarg; break;
		case 'L': o->listen = optarg; break;
		case 'l': o->log_dir = optarg; break;
		case OPT_STDOUT: o->to_stdout = true; break;
		case OPT_SYSLOG: o->syslog = true; break;
		case 'D': o->daemon = true; break;
		case OPT_PIDFILE: o->pidfile = optarg; break;
		case 'u': o->user = optarg; break;
		case 'g': o->group = optarg; break;
		case 'T': o->test_config = true; break;
		case 'q': o->quiet = true; break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "typosentry policyd: unexpected argument '%s'\n",
		    argv[optind]);
		return EXIT_USAGE;
	}
	if (o->listen == NULL && !o->test_config) {
		fprintf(stderr, "typosentry policyd: give --listen ADDR "
		    "(unix:/path or inet:127.0.0.1:10040)\n");
		return EXIT_USAGE;
	}
	if (o->group != NULL && o->user == NULL) {
		fprintf(stderr, "typosentry policyd: -g needs -u\n");
		return EXIT_USAGE;
	}
	return 0;
}

/* The configuration (-c FILE or the built-in one), its model, checked. */
static int
load(const struct options *o, struct ts_config *cfg,
    struct typo_model **model, char *err, size_t errlen)
{
	int rc;

	*model = NULL;
	if (o->config_path != NULL)
		rc = config_load(cfg, o->config_path, err, errlen);
	else
		rc = config_parse(cfg, "(built-in configuration)",
		    default_config_yaml, default_config_yaml_len, err, errlen);
	if (rc == 0)
		rc = policy_rules_check(cfg, err, errlen);
	if (rc == 0 && (*model = typo_model_build(cfg, err, errlen)) == NULL)
		rc = -1;
	if (rc != 0)
		config_free(cfg);
	return rc;
}

static void
apply_config(struct policyd *d)
{
	const struct ts_config *c = d->cfg;

	syslog_out_configure(&d->slog, c->syslog_enabled || d->o->syslog,
	    c->syslog_ident, c->syslog_facility, c->syslog_level,
	    c->syslog_json);
	privacy_init(&d->privacy, c->privacy, c->privacy_key);
	output_set_max_pending(&d->out, c->output_max_pending);
}

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An error about a request: at most one message a second. */
static void
request_error(struct policyd *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
request_error(struct policyd *d, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	time_t now = mono_now();

	if (now == d->err_second) {
		d->err_unsaid++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->err_unsaid > 0)
		ts_log(LOG_ERR, "policyd: %s (and %" PRIu64 " more errors in "
		    "the last second)", msg, d->err_unsaid);
	else
		ts_log(LOG_ERR, "policyd: %s", msg);
	d->err_second = now;
	d->err_unsaid = 0;
}

/* The connection list, oldest reply (or connect) first. */
static void
list_unlink(struct policyd *d, struct conn *c)
{
	if (d->head == c)
		d->head = c->next;
	else
		c->prev->next = c->next;
	if (d->tail == c)
		d->tail = c->prev;
	else
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

static void
list_append(struct policyd *d, struct conn *c)
{
	c->prev = d->tail;
	c->next = NULL;
	if (d->tail != NULL)
		d->tail->next = c;
	else
		d->head = c;
	d->tail = c;
}

static void
listening(struct policyd *d, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

	if (on == d->listening)
		return;
	if (on)
		(void)epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->lfd, &ev);
	else
		(void)epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->lfd, NULL);
	d->listening = on;
}

static void
conn_close(struct policyd *d, struct conn *c)
{
	(void)epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	list_unlink(d, c);
	policy_input_free(&c->in);
	free(c);
	d->nconns--;
	if (d->nconns < d->cfg->policy.max_connections)
		listening(d, true);
}

static void
accept_all(struct policyd *d)
{
	while (d->nconns < d->cfg->policy.max_connections) {
		int fd = accept4(d->lfd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				request_error(d, "accept: %s", strerror(errno));
			return;
		}
		struct conn *c = calloc(1, sizeof(*c));
		struct epoll_event ev = { .events = EPOLLIN };
		if (c == NULL) {
			request_error(d, "out of memory for a connection");
			close(fd);
			return;
		}
		c->fd = fd;
		policy_input_init(&c->in, d->cfg->policy.max_request);
		c->since = mono_ms();
		ev.data.ptr = c;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			request_error(d, "epoll: %s", strerror(errno));
			close(fd);
			free(c);
			return;
		}
		list_append(d, c);
		d->nconns++;
		d->cnt.connections++;
	}
	if (d->listening) {
		/* Said once a minute at most: a busy server sits at the cap. */
		time_t now = mono_now();
		d->cnt.cap_reached++;
		if (d->cap_said == 0 || now - d->cap_said >= 60) {
			ts_log(LOG_WARNING, "policyd: %zu connections, the cap "
			    "(policy.max-connections): new ones wait until one "
			    "closes (reached %" PRIu64 " times so far)",
			    d->nconns, d->cnt.cap_reached);
			d->cap_said = now;
		}
		listening(d, false);
	}
}

/* A value of the request as a C string, in storage of n bytes. */
static const char *
cstr(const struct policy_value *v, char *buf, size_t n)
{
	size_t len = v->len < n - 1 ? v->len : n - 1;

	if (!v->set)
		return NULL;
	memcpy(buf, v->p, len);
	buf[len] = '\0';
	/* A NUL cannot be in a value (the parser refuses it). */
	return buf;
}

static void
endpoint(struct ip_addr *a, uint16_t *port, const struct policy_value *addr,
    const struct policy_value *pv)
{
	char text[INET6_ADDRSTRLEN + 1], p[8];

	memset(a, 0, sizeof(*a));
	*port = 0;
	if (cstr(addr, text, sizeof(text)) != NULL) {
		if (inet_pton(AF_INET, text, a->bytes) == 1)
			a->family = AF_INET;
		else if (inet_pton(AF_INET6, text, a->bytes) == 1)
			a->family = AF_INET6;
	}
	if (cstr(pv, p, sizeof(p)) != NULL && p[0] != '\0' &&
	    strspn(p, "0123456789") == strlen(p) && atol(p) <= 65535)
		*port = (uint16_t)atol(p);
}

/* The EVE alert (and syslog) of a decision on a typo. */
static void
log_decision(struct policyd *d, const struct policy_request *r,
    const struct policy_decision *dec, const char *reply)
{
	char sender[1024], rcpt[1024], caddr[64], cname[256], helo[256],
	    state[32], qid[64], inst[64];
	struct eve_endpoints ep;
	struct eve_source src;
	struct rule_hit hit;
	struct packet pkt;
	char hostname[256];

	/* Every record names the sensor (README "Outputs"): sensor.name. */
	memset(&src, 0, sizeof(src));
	if (d->cfg->sensor_name != NULL)
		src.host = d->cfg->sensor_name;
	else if (gethostname(hostname, sizeof(hostname) - 1) == 0) {
		hostname[sizeof(hostname) - 1] = '\0';
		src.host = hostname;
	}

	memset(&ep, 0, sizeof(ep));
	endpoint(&ep.src, &ep.sport, &r->client_address, &r->client_port);
	endpoint(&ep.dst, &ep.dport, &r->server_address, &r->server_port);
	if (ep.src.family == 0)
		ep.src.family = ep.dst.family != 0 ? ep.dst.family : AF_INET;
	if (ep.dst.family != ep.src.family) {
		memset(&ep.dst, 0, sizeof(ep.dst));
		ep.dst.family = ep.src.family;
	}
	ep.ip_version = ep.src.family == AF_INET6 ? 6 : 4;
	ep.ip_proto = IPPROTO_TCP;
	/* The flow id the sensor gives the same SMTP session on the wire. */
	memset(&pkt, 0, sizeof(pkt));
	pkt.src = ep.src;
	pkt.dst = ep.dst;
	pkt.sport = ep.sport;
	pkt.dport = ep.dport;
	pkt.ip_version = ep.ip_version;
	pkt.ip_proto = IPPROTO_TCP;

	memset(&hit, 0, sizeof(hit));
	hit.sig = dec->match.target == TYPO_TARGET_TLD ? SIG_POLICY_RCPT_TLD :
	    SIG_POLICY_RCPT_DOMAIN;
	hit.match = dec->match;
	snprintf(hit.field, sizeof(hit.field), "policy.recipient");

	struct eve_policy p = {
		.action = policy_action_name(dec->action),
		.reply = reply,
		.blocked = dec->action == POLICY_REJECT ||
		    dec->action == POLICY_DEFER || dec->action == POLICY_HOLD,
		.severity = (unsigned)dec->severity,
		.sender = cstr(&r->sender, sender, sizeof(sender)),
		.recipient = cstr(&r->recipient, rcpt, sizeof(rcpt)),
		.client_address = cstr(&r->client_address, caddr, sizeof(caddr)),
		.client_name = cstr(&r->client_name, cname, sizeof(cname)),
		.helo = cstr(&r->helo_name, helo, sizeof(helo)),
		.protocol_state = cstr(&r->protocol_state, state, sizeof(state)),
		.queue_id = cstr(&r->queue_id, qid, sizeof(qid)),
		.instance = cstr(&r->instance, inst, sizeof(inst)),
	};
	struct eve_ctx ctx = { &src, { 0, 0 }, 0, &ep, flow_id_of(&pkt),
	    d->cfg->privacy == PRIVACY_KEEP ? NULL : &d->privacy };
	gettimeofday(&ctx.ts, NULL);
	eve_policy_alert(&d->json, &ctx, &hit, &p);
	if (d->json.overflow ||
	    output_write(&d->out, d->json.buf, d->json.len) != 0)
		d->cnt.output_errors++;
	if (d->slog.on && !(d->slog.json && d->json.overflow)) {
		syslog_out_alert(&d->slog, &hit, &ep, d->json.buf, d->json.len);
		d->cnt.syslog_alerts++;
	}
}

static void
count_action(struct policyd *d, enum policy_action a)
{
	switch (a) {
	case POLICY_REJECT: d->cnt.rejected++; break;
	case POLICY_DEFER: d->cnt.deferred++; break;
	case POLICY_HOLD: d->cnt.held++; break;
	case POLICY_WARN: d->cnt.warned++; break;
	case POLICY_PREPEND: d->cnt.prepended++; break;
	default: d->cnt.logged_only++; break;
	}
}

/* The decision for one request, its reply into c->out. */
static void
answer(struct policyd *d, struct conn *c, const struct policy_request *r)
{
	struct policy_decision dec;
	struct policy_query q = {
		r->recipient.p, r->recipient.len,
		r->sender.p, r->sender.len,
		r->client_address.p, r->client_address.len,
	};
	char action[REPLY_MAX - 16];

	policy_decide(d->cfg, d->model, &q, &dec);
	policy_action_text(d->cfg, &dec, action, sizeof(action));
	c->out_len = policy_reply(action, c->out, sizeof(c->out));
	c->out_off = 0;
	d->cnt.requests++;
	if (dec.verdict == POLICY_EXEMPT) {
		d->cnt.exempt++;
	} else if (dec.verdict == POLICY_TYPO) {
		d->cnt.typos++;
		count_action(d, dec.action);
		log_decision(d, r, &dec, action);
	}
}

static void
answer_dunno(struct conn *c)
{
	c->out_len = policy_reply("DUNNO", c->out, sizeof(c->out));
	c->out_off = 0;
}

/* Writes what is left of the reply; false when the connection failed. */
static bool
flush_reply(struct policyd *d, struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
		    c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct epoll_event ev = { .events = EPOLLOUT,
			    .data.ptr = c };
			(void)epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->fd, &ev);
			return true;
		}
		if (n <= 0)
			return false;
		c->out_off += (size_t)n;
	}
	c->out_len = c->out_off = 0;
	/* A reply sent: the idle clock starts again. */
	c->since = mono_ms();
	list_unlink(d, c);
	list_append(d, c);
	return true;
}

/* Answers the complete requests held; false when c must be closed. */
static bool
process(struct policyd *d, struct conn *c)
{
	struct policy_request r;
	char err[256];

	while (c->out_len == 0) {
		switch (policy_input_next(&c->in, &r, err, sizeof(err))) {
		case POLICY_NEED_MORE:
			return true;
		case POLICY_REQUEST:
			answer(d, c, &r);
			break;
		case POLICY_MALFORMED:
			d->cnt.malformed++;
			request_error(d, "malformed request, answered DUNNO: %s",
			    err);
			answer_dunno(c);
			break;
		case POLICY_OVERSIZED:
			d->cnt.oversized++;
			request_error(d, "%s, answered DUNNO", err);
			answer_dunno(c);
			break;
		}
		if (!flush_reply(d, c))
			return false;
	}
	return true;
}

static void
on_readable(struct policyd *d, struct conn *c)
{
	size_t total = 0;

	while (total < READ_BUDGET && c->out_len == 0) {
		size_t room;
		char *at = policy_input_room(&c->in, &room);
		if (at == NULL) {
			request_error(d, "out of memory for a request");
			conn_close(d, c);
			return;
		}
		ssize_t n = recv(c->fd, at, room, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* Postfix closed it (idle, max_ttl) or it failed. */
			if (n == 0 && policy_input_pending(&c->in) > 0)
				request_error(d, "connection closed in the "
				    "middle of a request (%zu bytes dropped)",
				    policy_input_pending(&c->in));
			conn_close(d, c);
			return;
		}
		policy_input_added(&c->in, (size_t)n);
		total += (size_t)n;
		if (!process(d, c)) {
			conn_close(d, c);
			return;
		}
		/*
		 * Less than asked for: the socket is drained (Postfix waits
		 * for each reply), and a recv() now would only say EAGAIN;
		 * epoll tells when more comes.
		 */
		if ((size_t)n < room)
			return;
	}
}

static void
on_writable(struct policyd *d, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

	if (!flush_reply(d, c)) {
		conn_close(d, c);
		return;
	}
	if (c->out_len != 0)
		return;
	(void)epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	/* Requests that came in meanwhile. */
	if (!process(d, c))
		conn_close(d, c);
}

static void
expire_idle(struct policyd *d)
{
	int64_t now = mono_ms(), limit = (int64_t)d->cfg->policy.idle_timeout *
	    1000;
	struct conn *c, *next;

	/* Oldest first: the first one still in time ends the walk. */
	for (c = d->head; c != NULL && now - c->since >= limit; c = next) {
		next = c->next;
		d->cnt.idle_closed++;
		conn_close(d, c);
	}
}

static void
log_counters(const struct policyd *d, bool to_stderr)
{
	static const struct {
		const char	*name;
		const char	*desc;
		size_t		 off;
	} rows[] = {
#define X(n, desc) { #n, desc, offsetof(struct policyd_counters, n) },
		POLICYD_COUNTERS(X)
#undef X
	};
	char line[1024];
	size_t o = 0;

	if (to_stderr) {
		struct rusage ru;
		fprintf(stderr, "typosentry policyd: %zu connection(s) open\n",
		    d->nconns);
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			fprintf(stderr, "  %-16s %12ld  %s\n", "peak_rss_kb",
			    ru.ru_maxrss, "peak resident memory, KiB");
	}
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v;
		memcpy(&v, (const char *)&d->cnt + rows[i].off, sizeof(v));
		if (to_stderr)
			fprintf(stderr, "  %-16s %12" PRIu64 "  %s\n",
			    rows[i].name, v, rows[i].desc);
		else if (o < sizeof(line))
			o += (size_t)snprintf(line + o, sizeof(line) - o,
			    "%s%s=%" PRIu64, o > 0 ? " " : "", rows[i].name, v);
	}
	if (!to_stderr)
		ts_log(LOG_NOTICE, "policyd: %zu connections open; %s",
		    d->nconns, line);
}

/* SIGHUP: the new configuration replaces the running one if it is good. */
static void
reload(struct policyd *d)
{
	struct ts_config *ncfg = calloc(1, sizeof(*ncfg));
	struct typo_model *nmodel = NULL;
	char err[1024];
	const char *dir;

	if (ncfg == NULL || load(d->o, ncfg, &nmodel, err, sizeof(err)) != 0) {
		ts_log(LOG_ERR, "SIGHUP: configuration not reloaded, the "
		    "running one is kept: %s", ncfg == NULL ? "out of memory" :
		    err);
		free(ncfg);
		d->cnt.reload_errors++;
	} else {
		config_free(d->cfg);
		free(d->cfg);
		typo_model_free(d->model);
		d->cfg = ncfg;
		d->model = nmodel;
		apply_config(d);
		d->cnt.reloads++;
		ts_log(LOG_NOTICE, "SIGHUP: configuration %s reloaded (%zu "
		    "typo variants, policy.action %s)", d->cfg->path,
		    typo_model_variants(d->model),
		    policy_action_name(d->cfg->policy.action));
		/* A higher cap takes effect at once. */
		if (d->nconns < d->cfg->policy.max_connections)
			listening(d, true);
	}
	dir = d->o->to_stdout ? NULL : d->o->log_dir != NULL ? d->o->log_dir :
	    d->cfg->log_dir;
	if (dir != NULL && output_reopen(&d->out, dir, err, sizeof(err)) != 0)
		ts_log(LOG_ERR, "SIGHUP: cannot reopen the EVE log, still "
		    "writing to the old one: %s", err);
}

static void
on_signal(struct policyd *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(d);
		else if (si.ssi_signo == SIGUSR1)
			log_counters(d, false);
		else
			d->stop = true;
	}
}

static void
run(struct policyd *d)
{
	struct epoll_event evs[64];
	struct epoll_event sev = { .events = EPOLLIN, .data.ptr = &d->sigfd };

	(void)epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sigfd, &sev);
	listening(d, true);
	while (!d->stop) {
		int timeout = 1000;
		if (d->head != NULL) {
			int64_t left = d->head->since +
			    (int64_t)d->cfg->policy.idle_timeout * 1000 -
			    mono_ms();
			if (left < timeout)
				timeout = left > 0 ? (int)left : 0;
		}
		int n = epoll_wait(d->epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			ts_log(LOG_ERR, "policyd: epoll_wait: %s",
			    strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (p == NULL)
				accept_all(d);
			else if (p == &d->sigfd)
				on_signal(d);
		}
		/* Connections after: a signal may have stopped us. */
		for (int i = 0; i < n && !d->stop; i++) {
			void *p = evs[i].data.ptr;
			if (p == NULL || p == &d->sigfd)
				continue;
			struct conn *c = p;
			if (evs[i].events & EPOLLOUT)
				on_writable(d, c);
			else
				on_readable(d, c);
		}
		expire_idle(d);
	}
}

/*
 * After start-up the service needs the file system only to write its EVE
 * file (anew on SIGHUP), read its configuration and the Public Suffix
 * List (SIGHUP), the time zone, and remove its pidfile and socket at
 * exit.
 */
static int
enter_sandbox(const struct policyd *d, const char *eve_dir,
    const char *pidfile, char *err, size_t errlen)
{
	struct sandbox_rule r[8];
	char cfg_dir[4096], psl_dir[4096], pid_dir[4096], sock_dir[4096];
	const char *psl = psl_dist_filename();
	size_t n = 0;

	if (eve_dir != NULL)
		r[n++] = (struct sandbox_rule){ eve_dir, SANDBOX_WRITE };
	if (d->o->config_path != NULL)
		r[n++] = (struct sandbox_rule){ service_dir_of(d->o->config_path,
		    cfg_dir, sizeof(cfg_dir)), SANDBOX_READ };
	if (psl != NULL && psl[0] != '\0')
		r[n++] = (struct sandbox_rule){ service_dir_of(psl, psl_dir,
		    sizeof(psl_dir)), SANDBOX_READ };
	r[n++] = (struct sandbox_rule){ "/etc/localtime", SANDBOX_READ };
	if (pidfile != NULL)
		r[n++] = (struct sandbox_rule){ service_dir_of(pidfile, pid_dir,
		    sizeof(pid_dir)), SANDBOX_READ | SANDBOX_REMOVE };
	if (d->unix_path != NULL)
		r[n++] = (struct sandbox_rule){ service_dir_of(d->unix_path, sock_dir,
		    sizeof(sock_dir)), SANDBOX_REMOVE };
#if defined(__SANITIZE_ADDRESS__)
	r[n++] = (struct sandbox_rule){ "/proc/self", SANDBOX_READ };
#endif
	return sandbox_enter(r, n, err, errlen) < 0 ? -1 : 0;
}

/*
 * The unix socket and the EVE file we created as root become the user's
 * we run as: it removes the one at exit and opens the other anew after
 * logrotate.
 */
static int
chown_files(const char *path, const struct output *out, const char *user,
    const char *group, char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;

	if (service_lookup_ids(user, group, &uid, &gid, err, errlen) != 0)
		return -1;
	if (path != NULL && chown(path, uid, gid) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (out->owned && out->fd >= 0 && fchown(out->fd, uid, gid) != 0) {
		snprintf(err, errlen, "%s: %s", out->path, strerror(errno));
		return -1;
	}
	return 0;
}

int
policyd_main(int argc, char **argv)
{
	struct options o;
	struct policyd d;
	char err[1024], *abs_keep[3] = { NULL, NULL, NULL };
	char *pidfile = NULL;
	const char *dir;
	sigset_t mask;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	d.o = &o;
	d.epfd = d.lfd = d.sigfd = -1;
	if ((rc = parse_options(argc, argv, &o)) != 0)
		return rc;
	if (o.daemon) {
		o.config_path = service_absolute_path(o.config_path, &abs_keep[0]);
		o.log_dir = service_absolute_path(o.log_dir, &abs_keep[1]);
		o.pidfile = service_absolute_path(o.pidfile, &abs_keep[2]);
	}
	rc = EXIT_USAGE;
	if ((d.cfg = calloc(1, sizeof(*d.cfg))) == NULL)
		goto out;
	if (load(&o, d.cfg, &d.model, err, sizeof(err)) != 0) {
		fprintf(stderr, "typosentry: %s\n", err);
		free(d.cfg);
		d.cfg = NULL;
		goto out;
	}
	if (o.test_config) {
		fprintf(stderr, "typosentry: configuration %s is valid (%zu "
		    "typo variants; policy.action %s)\n", d.cfg->path,
		    typo_model_variants(d.model),
		    policy_action_name(d.cfg->policy.action));
		rc = 0;
		goto out;
	}
	dir = o.to_stdout ? NULL : o.log_dir != NULL ? o.log_dir :
	    d.cfg->log_dir;
	bool eve_on = o.to_stdout || o.log_dir != NULL || d.cfg->eve_enabled;
	if (o.daemon && eve_on && dir == NULL) {
		fprintf(stderr, "typosentry policyd: --daemon: EVE records "
		    "would go to standard output, which a daemon closes; give "
		    "-l DIR or output.dir (or output.eve: false)\n");
		goto out;
	}
	if (json_init(&d.json, EVE_RECORD_MAX) != 0) {
		fprintf(stderr, "typosentry policyd: out of memory\n");
		goto out;
	}
	/*
	 * output.format as for the sensor: line (fast.log) when asked, or
	 * when records would go to a terminal without --stdout.
	 */
	bool line = d.cfg->output_format != OUTPUT_FORMAT_AUTO ?
	    d.cfg->output_format == OUTPUT_FORMAT_LINE :
	    dir == NULL && !o.to_stdout && !d.cfg->eve_stdout &&
	    isatty(STDOUT_FILENO);
	if (!eve_on) {
		output_open_none(&d.out);
	} else if (output_open_format(&d.out, dir, line, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "typosentry policyd: cannot open the EVE log: "
		    "%s\n", err);
		goto out_json;
	}
	/* Postfix waits for the answers: a stalled reader never holds them. */
	(void)output_never_block(&d.out);
	apply_config(&d);
	if ((d.lfd = policy_listen(&d.unix_path, o.listen, err,
	    sizeof(err))) < 0) {
		fprintf(stderr, "typosentry policyd: --listen %s\n", err);
		goto out_output;
	}
	const char *user = o.user != NULL ? o.user : d.cfg->run_user;
	const char *group = o.user != NULL ? o.group : d.cfg->run_group;
	if (user != NULL && chown_files(d.unix_path, &d.out, user, group, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "typosentry policyd: -u %s: %s\n", user, err);
		goto out_listen;
	}
	if (o.daemon) {
		if (service_daemonize(err, sizeof(err)) != 0) {
			fprintf(stderr, "typosentry policyd: --daemon: %s\n",
			    err);
			goto out_listen;
		}
		ts_log_to_stderr(false);
		ts_log_to_syslog(true);
		o.quiet = true;
	}
	const char *pf = o.pidfile != NULL ? o.pidfile : d.cfg->run_pidfile;
	if (pf != NULL && ((pidfile = strdup(pf)) == NULL ||
	    service_pidfile_write(pidfile, err, sizeof(err)) != 0)) {
		ts_log(LOG_ERR, "--pidfile: %s", pidfile != NULL ? err :
		    "out of memory");
		free(pidfile);
		pidfile = NULL;
		goto out_listen;
	}
	/* Signals come through a descriptor in the loop. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((d.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    (d.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		ts_log(LOG_ERR, "policyd: %s", strerror(errno));
		goto out_pid;
	}
	if (user != NULL && service_drop_privileges(user, group, false, err,
	    sizeof(err)) != 0) {
		ts_log(LOG_ERR, "cannot drop privileges to %s%s%s: %s", user,
		    group != NULL ? ":" : "", group != NULL ? group : "", err);
		goto out_pid;
	}
	if (d.cfg->run_sandbox && enter_sandbox(&d, eve_on ? dir : NULL,
	    pidfile, err, sizeof(err)) != 0) {
		ts_log(LOG_ERR, "run.sandbox: cannot restrict file system "
		    "access: %s", err);
		goto out_pid;
	}
	ts_log(LOG_NOTICE, "policyd: listening on %s (policy.action %s, %zu "
	    "typo variants)", o.listen, policy_action_name(d.cfg->policy.action),
	    typo_model_variants(d.model));
	run(&d);
	ts_log(LOG_NOTICE, "policyd: stopping (signal)");
	for (struct conn *c = d.head, *next; c != NULL; c = next) {
		next = c->next;
		conn_close(&d, c);
	}
	log_counters(&d, false);
	if (!o.quiet)
		log_counters(&d, true);
	rc = 0;
out_pid:
	service_pidfile_remove(pidfile);
	free(pidfile);
out_listen:
	if (d.epfd >= 0)
		close(d.epfd);
	if (d.sigfd >= 0)
		close(d.sigfd);
	close(d.lfd);
	if (d.unix_path != NULL && unlink(d.unix_path) != 0 && errno != ENOENT)
		ts_log(LOG_WARNING, "policyd: cannot remove %s: %s (the next "
		    "start replaces it)", d.unix_path, strerror(errno));
	free(d.unix_path);
out_output:
	output_close(&d.out);
out_json:
	json_free(&d.json);
out:
	typo_model_free(d.model);
	if (d.cfg != NULL)
		config_free(d.cfg);
	free(d.cfg);
	for (size_t i = 0; i < 3; i++)
		free(abs_keep[i]);
	return rc;
}
