/*
 * worker.c — the per-packet pipeline.
 *
 * UDP on a DNS port is decoded statelessly, message by message.  TCP goes
 * through the flow table and, for flows whose application we follow (DNS
 * on a DNS port, SMTP on an SMTP port or recognised by its first bytes),
 * through per-direction reassembly into the parsers.  Other TCP flows are
 * tracked (so their state and memory are bounded) but never reassembled.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../decoders/decode.h"
#include "../decoders/decode_udp.h"
#include "../decoders/flow_id.h"
#include "../decoders/dns_tcp.h"
#include "../decoders/smtp.h"
#include "../rules/dns_rules.h"
#include "../rules/smtp_rules.h"
#include "worker.h"
#include "worker_int.h"

/* Largest EVE record: 4 queries and 16 answers of 1 KiB names fit. */
#define EVE_RECORD_MAX	(64 * 1024)

bool
port_in(const uint16_t *ports, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

void
emit(struct worker *w)
{
	if (w->json.overflow ||
	    output_write(w->out, w->json.buf, w->json.len) != 0)
		w->cnt.output_errors++;
}

/*
 * Whether the alert in w->hit, from ep->src, repeats one sent within the
 * suppression window (then it is only counted).  Checked before the record
 * is built: a flood of repeats costs no JSON.
 */
bool
alert_suppressed(struct worker *w, const struct eve_endpoints *ep)
{
	return suppress_check(&w->suppress, signatures[w->hit.sig].sid,
	    &ep->src, w->hit.match.observed, w->now.tv_sec, &w->cnt);
}

/* The alert record in w->json goes to EVE and to syslog. */
void
alert_emit(struct worker *w, const struct eve_endpoints *ep)
{
	w->cnt.alerts++;
	emit(w);
	if (w->slog != NULL && w->slog->on) {
		if (w->slog->json && w->json.overflow)
			return;
		syslog_out_alert(w->slog, &w->hit, ep, w->json.buf,
		    w->json.len);
		w->cnt.syslog_alerts++;
	}
}

/* The endpoints of data flowing in direction dir of f. */
void
flow_endpoints(const struct flow *f, enum flow_dir dir,
    struct eve_endpoints *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->src.family = ep->dst.family = f->key.family;
	ep->ip_version = f->key.family == AF_INET ? 4 : 6;
	ep->ip_proto = IPPROTO_TCP;
	ep->vlan_count = f->key.vlan_count;
	memcpy(ep->vlan, f->key.vlan, sizeof(ep->vlan));
	ep->tun = f->tun;
	if (dir == FLOW_TO_CLIENT) {
		ep->tun.src = f->tun.dst;
		ep->tun.dst = f->tun.src;
		ep->tun.sport = f->tun.dport;
		ep->tun.dport = f->tun.sport;
	}
	if (dir == FLOW_TO_SERVER) {
		memcpy(ep->src.bytes, f->key.client, sizeof(ep->src.bytes));
		memcpy(ep->dst.bytes, f->key.server, sizeof(ep->dst.bytes));
		ep->sport = f->key.cport;
		ep->dport = f->key.sport;
	} else {
		memcpy(ep->src.bytes, f->key.server, sizeof(ep->src.bytes));
		memcpy(ep->dst.bytes, f->key.client, sizeof(ep->dst.bytes));
		ep->sport = f->key.sport;
		ep->dport = f->key.cport;
	}
}

/* Whether a response answers for the exchange of a remembered lookup. */
static bool
dns_for_exchange(const struct worker *w, struct slice msg,
    const struct dns_outline *o)
{
	char name[DNS_NAME_TEXT_MAX];

	if (w->corr == NULL || !o->qr)
		return false;
	for (unsigned i = 0; i < o->naddr_owners; i++) {
		uint64_t h;
		if (!correlate_may_be_exchange_wire(w->corr,
		    o->addr_owner_wire[i]) ||
		    !dns_name_hash(msg, o->addr_owners[i], &h) ||
		    !correlate_may_be_exchange(w->corr, h))
			continue;
		dns_name_text(msg, o->addr_owners[i], name, sizeof(name));
		if (correlate_is_exchange(w->corr, name))
			return true;
	}
	return false;
}

/*
 * A DNS message, over UDP (pkt set) or TCP (ep and flow_id set), that
 * dns_outline() accepted into o.  Most messages end at their outline:
 * only those that are logged, that alert, or that answer for a remembered
 * exchange are decoded in full.
 */
static void
dns_outlined(struct worker *w, struct slice msg, struct dns_outline *o,
    const struct packet *pkt, const struct eve_endpoints *ep,
    uint64_t flow_id)
{
	struct eve_endpoints pkt_ep;

	bool alerts = dns_rules_screen(w->names, w->model, w->cfg, msg,
	    o, &w->cnt);
	if (!alerts && !w->cfg->log_dns && !dns_for_exchange(w, msg, o)) {
		dns_count(o, &w->cnt);
		return;
	}
	if (dns_decode_outlined(msg, o, &w->dns, &w->cnt) != TS_OK)
		return;
	if (pkt != NULL) {
		eve_endpoints_of_packet(&pkt_ep, pkt);
		ep = &pkt_ep;
		flow_id = flow_id_of(pkt);
	}

	struct eve_ctx c = { &w->src, w->now, w->now_cnt, ep, flow_id, w->priv };
	if (w->cfg->log_dns) {
		eve_dns_event(&w->json, &c, &w->dns);
		emit(w);
	}
	/* The addresses of typo domains' exchanges, from any answer. */
	if (w->corr != NULL && w->dns.qr)
		correlate_dns_addresses(w->corr, ep->tun.tenant, &w->dns);
	/* The names were counted when screened. */
	if (!alerts ||
	    dns_rules_eval(w->model, w->cfg, &w->dns, &w->hit, NULL) == 0)
		return;
	w->hit.incident = 0;
	w->hit.link.valid = false;
	if (w->corr != NULL) {
		/* The client asked; the resolver answered. */
		bool resp = w->dns.qr;
		struct corr_host client = { resp ? ep->dst : ep->src,
		    ep->tun.tenant };
		struct incident *inc = correlate_dns(w->corr, &w->now,
		    &client, resp ? &ep->src : &ep->dst,
		    flow_id, w->hit.match.observed, w->hit.match.protected_name,
		    &w->dns, &w->cnt);
		if (inc != NULL) {
			w->hit.incident = inc->id;
			if (inc->tun.depth == 0)
				inc->tun = ep->tun;
		}
	}
	if (alert_suppressed(w, ep))
		return;
	eve_dns_alert(&w->json, &c, &w->dns, &w->hit);
	alert_emit(w, ep);
}

/*
 * A DNS message, over UDP (pkt set) or TCP (ep and flow_id set).  cut: the
 * captured part of a UDP datagram the snap length cut, whose header and
 * questions may still be whole (tcpdump -s 96 keeps most queries).
 */
static void
dns_message(struct worker *w, struct slice msg, const struct packet *pkt,
    const struct eve_endpoints *ep, uint64_t flow_id, bool cut)
{
	struct dns_outline o;
	enum ts_status st = dns_outline(msg, &o, &w->cnt);

	if (st == TS_OK)
		dns_outlined(w, msg, &o, pkt, ep, flow_id);
	else if (cut)
		dns_outline_cut(st, &w->cnt);
}

/* dns_tcp callback: one whole message of the flow. */
static void
dns_tcp_message(void *ctx, struct slice msg)
{
	struct delivery *d = ctx;
	struct eve_endpoints ep;

	flow_endpoints(d->f, d->dir, &ep);
	dns_message(d->w, msg, NULL, &ep, d->f->id, false);
}

/* smtp callback: a RCPT TO, resolved with its reply (or without). */
static void
smtp_event(void *ctx, const struct smtp_event *ev)
{
	struct delivery *d = ctx;
	struct worker *w = d->w;
	struct tcp_app *a = d->f->app_state;
	struct eve_endpoints ep;
	struct corr_link link;

	if (a != NULL && a->watch != NULL)
		watch_smtp_event(a->watch, ev);
	if (ev->type == SMTP_EV_MESSAGE) {
		/* Was the message accepted, and how big was it? */
		if (w->corr != NULL && a != NULL && a->incident_id != 0)
			correlate_message(w->corr, a->incident, a->incident_id,
			    ev);
		return;
	}
	/* The recipient travels from client to server. */
	flow_endpoints(d->f, FLOW_TO_SERVER, &ep);
	struct eve_ctx c = { &w->src, w->now, w->now_cnt, &ep, d->f->id,
	    w->priv };
	if (w->cfg->log_smtp) {
		eve_smtp_event(&w->json, &c, ev);
		emit(w);
	}
	bool hit = smtp_rules_eval(w->names, w->model, ev, &w->hit,
	    &w->cnt) != 0;
	struct corr_host client = { ep.src, ep.tun.tenant };
	struct corr_host server = { ep.dst, ep.tun.tenant };
	bool linked = w->corr != NULL &&
	    correlate_server(w->corr, &server, &link);
	if (!hit && linked) {
		/*
		 * The recipient's domain is no typo, but the server is the
		 * mail server of a typo domain looked up before: the mail
		 * goes there all the same.
		 */
		if (typo_match(w->model, link.name, strlen(link.name),
		    &w->hit.match) != TYPO_MATCH)
			return;
		w->hit.sig = SIG_SMTP_TYPO_SERVER;
		snprintf(w->hit.field, sizeof(w->hit.field),
		    "smtp.rcpt_to[%u]", ev->rcpt_index);
		hit = true;
	}
	if (!hit)
		return;
	w->hit.incident = 0;
	w->hit.link = link;
	w->hit.link.valid = linked;
	if (w->corr != NULL) {
		struct incident *inc = correlate_rcpt(w->corr, &w->now, &client,
		    &ep.dst, d->f->id, w->hit.match.observed,
		    w->hit.match.protected_name, ev,
		    a != NULL ? a->incident : NULL,
		    a != NULL ? a->incident_id : 0, &w->cnt);
		if (inc != NULL) {
			w->hit.incident = inc->id;
			if (inc->tun.depth == 0)
				inc->tun = ep.tun;
			if (a != NULL) {
				a->incident = inc;
				a->incident_id = inc->id;
			}
		}
	}
	if (alert_suppressed(w, &ep))
		return;
	eve_smtp_alert(&w->json, &c, ev, &w->hit);
	alert_emit(w, &ep);
}

/* An incident closed: write its summary. */
static void
incident_closed(void *ctx, const struct incident *inc)
{
	struct worker *w = ctx;
	struct eve_endpoints ep;
	struct typo_match m;

	memset(&ep, 0, sizeof(ep));
	ep.src = inc->client;
	ep.dst = inc->have_server ? inc->server : inc->client;
	ep.ip_version = inc->client.family == AF_INET ? 4 : 6;
	ep.ip_proto = inc->sessions > 0 ? IPPROTO_TCP : IPPROTO_UDP;
	ep.tun = inc->tun;
	bool typo = typo_match(w->model, inc->name, strlen(inc->name), &m) ==
	    TYPO_MATCH;
	struct eve_ctx c = { &w->src, w->now, w->now_cnt, &ep, inc->last_flow,
	    w->priv };
	eve_incident(&w->json, &c, inc, typo ? &m : NULL);
	emit(w);
}

static void
incidents_expire(struct worker *w, const struct timeval *now)
{
	if (w->corr == NULL)
		return;
	if (now != NULL) {
		/* Once per second of packet time is enough. */
		if (now->tv_sec == w->corr_last)
			return;
		w->corr_last = now->tv_sec;
	}
	correlate_expire(w->corr, now, &w->cnt);
}

/* Frees the SMTP and DNS parsers of a flow (pending RCPTs resolved). */
static void
app_parsers_free(struct worker *w, struct flow *f)
{
	struct tcp_app *a = f->app_state;

	if (a->smtp != NULL) {
		struct delivery d = { w, f, FLOW_TO_SERVER };
		smtp_close(a->smtp, smtp_event, &d);
		smtp_session_free(a->smtp);
		a->smtp = NULL;
	}
	dns_tcp_free(&a->dns[0]);
	dns_tcp_free(&a->dns[1]);
}

static void
app_release(struct worker *w, struct flow *f)
{
	struct tcp_app *a = f->app_state;

	if (a == NULL)
		return;
	app_parsers_free(w, f);
	if (a->watch != NULL)
		watch_end(w, f);
	tls_free(a->tls);
	free(a->watch);
	free(a);
	f->app_state = NULL;
	w->flows.mem_used -= f->app_mem;
	f->app_mem = 0;
}

/* Sets up the parser state of a flow whose application is now known. */
static void
app_start(struct worker *w, struct flow *f, enum flow_app app)
{
	struct tcp_app *a = f->app_state;
	bool fresh = a == NULL;		/* a followed session has one */
	size_t need = fresh ? sizeof(*a) : 0;

	f->app = APP_NONE;
	if (app == APP_TLS) {
		if (tls_start(w, f))
			f->app = APP_TLS;
		return;
	}
	if (!flow_table_reserve(&w->flows, need, f)) {
		w->cnt.tcp_memory_capped++;
		return;
	}
	if (fresh && (a = calloc(1, sizeof(*a))) == NULL) {
		w->cnt.tcp_memory_capped++;
		return;
	}
	if (app == APP_SMTP) {
		if ((a->smtp = smtp_session_new()) != NULL)
			smtp_session_limit(a->smtp, w->cfg->smtp_max_pending,
			    w->cfg->smtp_max_rcpts);
		if (a->smtp == NULL) {
			if (fresh)
				free(a);
			w->cnt.tcp_memory_capped++;
			return;
		}
		need += smtp_memory(a->smtp);
		w->cnt.smtp_sessions++;
		if (a->watch != NULL)
			a->watch->ms.smtp = true;
	}
	f->app_state = a;
	f->app_mem += need;
	w->flows.mem_used += need;
	f->app = (uint8_t)app;
}

/*
 * Decides what a flow carries, from its ports or its first bytes.  Called
 * at the first delivered byte, so a flow that never carries data (a SYN
 * flood) never costs parser state.
 */
static void
app_detect(struct worker *w, struct flow *f, enum flow_dir dir,
    const uint8_t *data, size_t len)
{
	const struct ts_config *cfg = w->cfg;

	if (port_in(cfg->dns_ports, cfg->n_dns_ports, f->key.sport))
		app_start(w, f, APP_DNS);
	else if (port_in(cfg->smtp_ports, cfg->n_smtp_ports, f->key.sport))
		app_start(w, f, APP_SMTP);
	else if (port_in(cfg->tls_ports, cfg->n_tls_ports, f->key.sport))
		app_start(w, f, APP_TLS);
	else if (cfg->smtp_detect && data != NULL &&
	    smtp_detect(dir == FLOW_TO_SERVER ? SMTP_FROM_CLIENT :
	    SMTP_FROM_SERVER, data, len))
		app_start(w, f, APP_SMTP);
	else if (data != NULL && f->app_state != NULL &&
	    ((struct tcp_app *)f->app_state)->watch != NULL &&
	    tls_detect(data, len))
		app_start(w, f, APP_TLS);	/* followed: TLS on any port */
	else if (data != NULL)
		f->app = APP_NONE;
}

/* tcp_stream callback: in-order bytes (or a gap) of one direction. */
static void
deliver(void *ctx, const uint8_t *data, size_t len)
{
	struct delivery *d = ctx;
	struct worker *w = d->w;
	struct flow *f = d->f;

	if (f->app == APP_UNKNOWN)
		app_detect(w, f, d->dir, data, len);
	struct tcp_app *a = f->app_state;
	if (a == NULL)
		return;

	if (f->app == APP_DNS) {
		if (data == NULL)
			dns_tcp_gap(&a->dns[d->dir]);
		else
			dns_tcp_feed(&a->dns[d->dir], data, len,
			    dns_tcp_message, d, &w->cnt);
		return;
	}
	if (f->app == APP_TLS) {
		tls_deliver(d, data, len);
		return;
	}
	if (f->app == APP_SMTP && a->smtp != NULL) {
		enum smtp_dir sd = d->dir == FLOW_TO_SERVER ?
		    SMTP_FROM_CLIENT : SMTP_FROM_SERVER;
		if (data == NULL)
			smtp_gap(a->smtp, sd, len, smtp_event, d, &w->cnt);
		else
			smtp_feed(a->smtp, sd, data, len, smtp_event, d,
			    &w->cnt);
	}
}

static struct tcp_env
stream_env(struct worker *w, struct delivery *d)
{
	struct tcp_env env = {
		.deliver = deliver,
		.ctx = d,
		.max_buffer = w->cfg->stream_max_buffer,
		.mem_used = &w->flows.mem_used,
		.mem_max = w->cfg->flow_max_memory,
		.cnt = &w->cnt,
	};
	return env;
}

/* The flow table's release callback: finish the streams and the parser. */
static void
flow_release(void *ctx, struct flow *f)
{
	struct worker *w = ctx;

	for (int dir = 0; dir < 2; dir++) {
		struct delivery d = { w, f, (enum flow_dir)dir };
		struct tcp_env env = stream_env(w, &d);
		if (f->app != APP_NONE)
			tcp_stream_flush(&f->stream[dir], &env);
		tcp_stream_free(&f->stream[dir], &env);
	}
	app_release(w, f);
}

/*
 * Nothing more to read on the flow: its streams and parsers go, but a
 * followed session keeps its evidence until the flow is released.
 */
static void
app_stop(struct worker *w, struct flow *f)
{
	struct tcp_app *a = f->app_state;

	if (a == NULL || a->watch == NULL) {
		flow_release(w, f);
		f->app = APP_NONE;
		return;
	}
	for (int dir = 0; dir < 2; dir++) {
		struct delivery d = { w, f, (enum flow_dir)dir };
		struct tcp_env env = stream_env(w, &d);
		tcp_stream_free(&f->stream[dir], &env);
	}
	app_parsers_free(w, f);
	if (a->tls != NULL && a->tls->done) {
		/* Keep the counts; the reading is over. */
		tls_reader_free(&a->tls->r[0]);
		tls_reader_free(&a->tls->r[1]);
	}
	f->app = APP_NONE;
}

static void
tcp_packet(struct worker *w, const struct packet *pkt)
{
	enum flow_dir dir;
	struct flow *f = flow_get(&w->flows, pkt, &dir);

	if (f == NULL)
		return;
	/*
	 * A new connection on the 5-tuple of one that has closed (the port
	 * reused before the closed timeout): the old flow ends here and the
	 * new one starts from its SYN.
	 */
	if ((pkt->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
	    f->state == FLOW_CLOSED) {
		flow_remove(&w->flows, f);
		if ((f = flow_get(&w->flows, pkt, &dir)) == NULL)
			return;
	}

	if (!f->watch_checked)
		watch_check(w, f);
	if (f->app_state != NULL &&
	    ((struct tcp_app *)f->app_state)->watch != NULL)
		watch_packet(w, f, dir, pkt);

	if (f->app != APP_NONE) {
		/* The peer's ACK tells which of our bytes it has. */
		if (pkt->tcp_flags & TCP_ACK) {
			struct delivery od = { w, f, (enum flow_dir)!dir };
			struct tcp_env oenv = stream_env(w, &od);
			tcp_stream_ack(&f->stream[!dir], pkt->tcp_ack, &oenv);
		}
		struct delivery d = { w, f, dir };
		struct tcp_env env = stream_env(w, &d);
		if (f->app != APP_NONE)
			tcp_stream_segment(&f->stream[dir], pkt->tcp_seq,
			    pkt->tcp_flags, pkt->payload.p, pkt->payload.len,
			    &env);
	}
	struct tcp_app *a = f->app_state;
	/*
	 * SMTP after STARTTLS: TLS from here on a mail port or a followed
	 * session; otherwise (or after QUIT) nothing more to read.
	 */
	if (f->app == APP_SMTP && a != NULL && a->smtp != NULL &&
	    smtp_done(a->smtp)) {
		bool tls = smtp_tls_started(a->smtp) && (a->watch != NULL ||
		    port_in(w->cfg->tls_ports, w->cfg->n_tls_ports,
		    f->key.sport));
		if (a->watch != NULL)
			a->watch->ms.starttls = smtp_tls_started(a->smtp);
		app_parsers_free(w, f);
		if (tls && tls_start(w, f))
			f->app = APP_TLS;
		else
			app_stop(w, f);
	}
	/* TLS whose names are read, on a session not followed: done. */
	if (f->app == APP_TLS && a != NULL && a->tls != NULL &&
	    a->tls->done && a->watch == NULL)
		app_stop(w, f);
	flow_update_state(&w->flows, f, dir, pkt->tcp_flags);
	if (pkt->tcp_flags & TCP_RST) {
		/* Reset: finish now rather than at the closed timeout. */
		flow_release(w, f);
		f->app = APP_NONE;
	}
}

int
worker_init(struct worker *w, const struct ts_config *cfg,
    const struct typo_model *model, struct output *out)
{
	struct flow_limits fl = {
		.max_flows = cfg->flow_max_flows,
		.max_memory = cfg->flow_max_memory,
		.timeout_new = cfg->flow_timeout_new,
		.timeout_established = cfg->flow_timeout_established,
		.timeout_closed = cfg->flow_timeout_closed,
	};
	struct defrag_limits dl = {
		.max_datagrams = cfg->defrag_max_datagrams,
		.max_memory = cfg->defrag_max_memory,
		.timeout = cfg->defrag_timeout,
	};

	memset(w, 0, sizeof(*w));
	w->cfg = cfg;
	w->model = model;
	w->out = out;
	w->stats_packet_time = true;
	clock_gettime(CLOCK_MONOTONIC, &w->started);
	/* sensor.name's default, as Suricata's: the host name. */
	if (gethostname(w->hostname, sizeof(w->hostname) - 1) != 0)
		snprintf(w->hostname, sizeof(w->hostname), "localhost");
	if (json_init(&w->json, EVE_RECORD_MAX) != 0)
		return -1;
	if (flow_table_init(&w->flows, &fl, flow_release, w, &w->cnt) != 0) {
		json_free(&w->json);
		return -1;
	}
	if (defrag_init(&w->defrag, &dl, &w->cnt) != 0) {
		flow_table_free(&w->flows);
		json_free(&w->json);
		return -1;
	}
	struct corr_limits cl = {
		.window = cfg->incident_window,
		.max_lookups = cfg->corr_max_lookups,
		.max_incidents = cfg->corr_max_incidents,
	};
	if (cfg->incident_window > 0 &&
	    (w->corr = correlator_new(&cl, incident_closed, w)) == NULL) {
		defrag_free(&w->defrag);
		flow_table_free(&w->flows);
		json_free(&w->json);
		return -1;
	}
	if (worker_configure(w, cfg, model) != 0) {
		correlator_free(w->corr);
		defrag_free(&w->defrag);
		flow_table_free(&w->flows);
		json_free(&w->json);
		return -1;
	}
	/* Without it (out of memory) every name goes to the model. */
	w->names = name_cache_new();
	return 0;
}

int
worker_configure(struct worker *w, const struct ts_config *cfg,
    const struct typo_model *model)
{
	if (suppress_configure(&w->suppress, cfg->suppress_window,
	    cfg->suppress_max) != 0)
		return -1;
	w->cfg = cfg;
	w->model = model;
	name_cache_clear(w->names);		/* verdicts of the old model */
	privacy_init(&w->privacy, cfg->privacy, cfg->privacy_key);
	w->priv = cfg->privacy == PRIVACY_KEEP ? NULL : &w->privacy;
	if (cfg->stats_interval != w->stats_interval)
		w->stats_next = 0;
	w->stats_interval = cfg->stats_interval;
	w->src.host = cfg->sensor_name != NULL ? cfg->sensor_name : w->hostname;
	w->src.community_id = cfg->community_id;
	w->src.community_id_seed = (uint16_t)cfg->community_id_seed;
	return 0;
}

void
worker_set_syslog(struct worker *w, const struct syslog_out *s)
{
	w->slog = s;
}

void
worker_set_capture(struct worker *w, const struct capture_stats *cap)
{
	w->cap = cap;
	w->stats_packet_time = cap == NULL;
}

void
worker_stats(struct worker *w, const struct timeval *ts)
{
	static const struct capture_stats offline = { .live = false };
	struct timespec now;
	struct stats_gauges g = {
		.flows_active = w->flows.count,
		.flow_memuse = w->flows.mem_used,
		.defrag_memuse = w->defrag.mem_used,
	};

	clock_gettime(CLOCK_MONOTONIC, &now);
	g.uptime = (uint64_t)(now.tv_sec - w->started.tv_sec);
	w->cnt.stats_records++;
	eve_stats(&w->json, ts, w->src.host, NULL, &w->cnt, w->cap != NULL ? w->cap : &offline,
	    &g);
	emit(w);
}

/* Offline: a stats record each time packet time crosses an interval. */
static void
stats_by_packet_time(struct worker *w)
{
	time_t t = w->now.tv_sec;

	if (w->stats_interval == 0 || !w->stats_packet_time)
		return;
	/* The first packet (or a capture going back in time) starts the
	 * count again. */
	if (w->stats_next == 0 || t + (time_t)w->stats_interval < w->stats_next) {
		w->stats_next = t + (time_t)w->stats_interval;
		return;
	}
	if (t >= w->stats_next) {
		worker_stats(w, &w->now);
		w->stats_next = t + (time_t)w->stats_interval;
	}
}

void
worker_tick(struct worker *w, const struct timeval *now)
{
	w->now = *now;
	flow_table_expire(&w->flows, now);
	defrag_expire(&w->defrag, now);
	incidents_expire(w, now);
}

void
worker_flush(struct worker *w)
{
	struct flow_limits lim = w->flows.lim;

	/* Free every flow: each release delivers what it still holds. */
	w->flushing = true;
	flow_table_free(&w->flows);
	flow_table_init(&w->flows, &lim, flow_release, w, &w->cnt);
	w->flushing = false;
	/* Then every incident is over: their summaries. */
	incidents_expire(w, NULL);
}

void
worker_free(struct worker *w)
{
	flow_table_free(&w->flows);
	correlator_free(w->corr);
	name_cache_free(w->names);
	suppress_free(&w->suppress);
	defrag_free(&w->defrag);
	json_free(&w->json);
}

/* A new second of packet time (or time going back): the timeouts. */
static void
new_second(struct worker *w, const struct timeval *ts)
{
	w->ticked = true;
	w->tick_last = ts->tv_sec;
	flow_table_expire(&w->flows, ts);
	defrag_expire(&w->defrag, ts);
	incidents_expire(w, ts);
	stats_by_packet_time(w);
}

void
worker_advance(struct worker *w, const struct timeval *ts, uint64_t pcap_cnt)
{
	w->now = *ts;
	w->now_cnt = pcap_cnt;
	if (!w->ticked || ts->tv_sec != w->tick_last)
		new_second(w, ts);
}

static const struct packet blank_packet;

void
worker_packet(struct worker *w, int dlt, const struct pcap_pkthdr *h,
    const uint8_t *data, uint64_t pcap_cnt)
{
	struct packet pkt;
	enum ts_status st;

	w->cnt.packets++;
	w->cnt.bytes += h->caplen;
	/* A copy of a blank one: vector moves, where gcc makes a memset or
	 * a compound literal a "rep stos", slow to start on every packet. */
	memcpy((char *)&pkt + PACKET_BLANK_FROM,
	    (const char *)&blank_packet + PACKET_BLANK_FROM,
	    PACKET_BLANK_TO - PACKET_BLANK_FROM);
	pkt.ts = h->ts;
	pkt.pcap_cnt = pcap_cnt;
	pkt.datalink = dlt;
	w->now = h->ts;
	w->now_cnt = pcap_cnt;

	/*
	 * Timeouts count whole seconds: the housekeeping runs when packet
	 * time enters a new second (or goes back), not on every packet.
	 */
	if (!w->ticked || pkt.ts.tv_sec != w->tick_last)
		new_second(w, &pkt.ts);

	st = decode_packet(&pkt, data, h->caplen, &w->cfg->decoder, &w->cnt);
	/*
	 * A whole datagram may carry a tunnel whose inner packet is a
	 * fragment again; each round is one tunnel deeper, so the depth cap
	 * ends the loop.
	 */
	while (st == TS_FRAGMENT) {
		if (defrag_add(&w->defrag, &pkt) != TS_OK)
			return;
		st = decode_transport(&pkt, &w->cfg->decoder, &w->cnt);
	}
	if (st != TS_OK) {
		/* A datagram the snap length cut: the pcap record is shorter
		 * than the frame. */
		if (st == TS_TRUNCATED && pkt.udp_cut && h->len > h->caplen &&
		    (port_in(w->cfg->dns_ports, w->cfg->n_dns_ports, pkt.dport) ||
		    port_in(w->cfg->dns_ports, w->cfg->n_dns_ports, pkt.sport)))
			dns_message(w, udp_captured(&pkt), &pkt, NULL, 0,
			    true);
		return;
	}

	if (pkt.ip_proto == IPPROTO_UDP) {
		if (port_in(w->cfg->dns_ports, w->cfg->n_dns_ports, pkt.dport) ||
		    port_in(w->cfg->dns_ports, w->cfg->n_dns_ports, pkt.sport)) {
			dns_message(w, pkt.payload, &pkt, NULL, 0, false);
		}
	} else if (pkt.ip_proto == IPPROTO_TCP) {
		tcp_packet(w, &pkt);
	}
}
