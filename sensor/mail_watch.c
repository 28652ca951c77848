/*
 * mail_watch.c — following the TCP sessions to a typo domain's mail
 * exchange, readable or not, and reading the names that travel in TLS on
 * mail ports.
 *
 * A flow is looked up once, at its first packet: when its server is an
 * address a flagged lookup's answers gave for the exchange, the session
 * is followed (struct mail_watch): an alert at once on a mail port, then
 * every packet's flags and sequence numbers (bytes each way), the SMTP
 * replies while in the clear, the TLS handshake and records after
 * STARTTLS or on an implicit-TLS port, and when the flow is released an
 * alert with the verdict, which also goes to the incident's summary.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker_int.h"

static struct corr_host
host_of(const struct flow *f, bool server)
{
	struct corr_host h;

	memset(&h, 0, sizeof(h));
	h.ip.family = f->key.family;
	memcpy(h.ip.bytes, server ? f->key.server : f->key.client,
	    sizeof(h.ip.bytes));
	h.tenant = f->key.tenant;	/* the tunnel's (0: none) */
	return h;
}

static bool
mail_port(const struct worker *w, uint16_t port)
{
	return port_in(w->cfg->smtp_ports, w->cfg->n_smtp_ports, port) ||
	    port_in(w->cfg->tls_ports, w->cfg->n_tls_ports, port);
}

/* The flow's tcp_app, made (empty) when it has none. */
static struct tcp_app *
app_of(struct worker *w, struct flow *f)
{
	struct tcp_app *a = f->app_state;

	if (a != NULL)
		return a;
	if (!flow_table_reserve(&w->flows, sizeof(*a), f) ||
	    (a = calloc(1, sizeof(*a))) == NULL) {
		w->cnt.tcp_memory_capped++;
		return NULL;
	}
	f->app_state = a;
	f->app_mem += sizeof(*a);
	w->flows.mem_used += sizeof(*a);
	return a;
}

/* Copies what TLS showed into the session's evidence. */
static void
sync_tls(struct mail_session *ms, const struct tls_state *t)
{
	if (t == NULL)
		return;
	const struct tls_info *i = &t->info;
	ms->tls = ms->tls || i->client_hello || i->server_hello ||
	    i->app_records[0] > 0;
	ms->client_hello = i->client_hello;
	ms->server_hello = i->server_hello;
	ms->tls_client_version = i->client_version;
	ms->tls_version = i->version;
	ms->tls_handshake_done = i->server_hello &&
	    (i->app_records[0] > 0 ||
	    (i->change_cipher[0] && i->change_cipher[1]));
	ms->app_bytes[0] = i->app_bytes[0];
	ms->app_bytes[1] = i->app_bytes[1];
	snprintf(ms->sni, sizeof(ms->sni), "%s", i->sni);
	if (i->ncert_names > 0)
		snprintf(ms->cert_name, sizeof(ms->cert_name), "%s",
		    i->cert_names[0]);
}

/* Fills w->hit for a session alert; false when the name is no typo. */
static bool
session_hit(struct worker *w, const struct mail_watch *m, enum sig_id sig,
    const struct tcp_app *a)
{
	if (!m->alertable || typo_match(w->model, m->link.name,
	    strlen(m->link.name), &w->hit.match) != TYPO_MATCH)
		return false;
	w->hit.sig = sig;
	snprintf(w->hit.field, sizeof(w->hit.field), "dest_ip");
	w->hit.incident = a->incident_id;
	w->hit.link = m->link;
	return true;
}

void
watch_check(struct worker *w, struct flow *f)
{
	struct corr_link link;

	f->watch_checked = true;
	if (w->corr == NULL)
		return;
	struct corr_host server = host_of(f, true);
	if (!correlate_server(w->corr, &server, &link))
		return;
	struct tcp_app *a = app_of(w, f);
	if (a == NULL)
		return;
	struct mail_watch *m = calloc(1, sizeof(*m));
	if (m == NULL || !flow_table_reserve(&w->flows, sizeof(*m), f)) {
		free(m);
		w->cnt.tcp_memory_capped++;
		return;
	}
	f->app_mem += sizeof(*m);
	w->flows.mem_used += sizeof(*m);
	a->watch = m;
	w->cnt.mail_sessions++;
	m->link = link;
	m->ms.first = m->ms.last = w->now;
	m->ms.cport = f->key.cport;
	m->ms.sport = f->key.sport;
	struct corr_host client = host_of(f, false);
	struct incident *inc = correlate_session(w->corr, &w->now, &client,
	    &server, f->id, &link, &w->cnt);
	a->incident = inc;
	a->incident_id = inc->id;
	m->alertable = true;

	/* A mail port: the analyst hears of it now, readable or not. */
	if (!mail_port(w, f->key.sport) ||
	    !session_hit(w, m, SIG_SESSION_OPEN, a))
		return;
	struct eve_endpoints ep;
	flow_endpoints(f, FLOW_TO_SERVER, &ep);
	if (alert_suppressed(w, &ep))
		return;
	struct eve_ctx c = { &w->src, w->now, w->now_cnt, &ep, f->id, w->priv };
	struct eve_session s = { &m->ms, NULL, false, VERDICT_NONE, NULL,
	    port_in(w->cfg->smtp_ports, w->cfg->n_smtp_ports, f->key.sport) ?
	    "smtp" : "tls" };
	eve_session_alert(&w->json, &c, &w->hit, &s);
	alert_emit(w, &ep);
}

void
watch_packet(struct worker *w, struct flow *f, enum flow_dir dir,
    const struct packet *pkt)
{
	struct tcp_app *a = f->app_state;
	struct mail_session *ms = &a->watch->ms;
	uint8_t fl = pkt->tcp_flags;
	int d = dir == FLOW_TO_SERVER ? 0 : 1;

	(void)w;
	ms->last = pkt->ts;
	if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN && d == 0)
		ms->syn = true;
	if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) && d == 1)
		ms->answered = true;
	if (fl & TCP_SYN) {
		ms->seq_init[d] = true;
		ms->seq_next[d] = pkt->tcp_seq + 1;
	}
	if (pkt->payload.len > 0) {
		uint32_t end = pkt->tcp_seq + (uint32_t)pkt->payload.len;
		if (!ms->seq_init[d]) {
			ms->seq_init[d] = true;
			ms->seq_next[d] = end;
			ms->bytes[d] += pkt->payload.len;
		} else if (seq_lt(ms->seq_next[d], end)) {
			/* New bytes only: retransmissions count once. */
			uint32_t add = end - ms->seq_next[d];
			if (add <= pkt->payload.len + (1u << 20))
				ms->bytes[d] += add;
			ms->seq_next[d] = end;
		}
	}
	if ((fl & TCP_RST) && !ms->rst) {
		ms->rst = true;
		if (d == 1 && !ms->answered)
			ms->refused = true;
		if (ms->bytes[0] == 0 && ms->bytes[1] == 0 && !ms->refused &&
		    !ms->fin[0] && !ms->fin[1])
			ms->rst_before_data = true;
	}
	if (fl & TCP_FIN)
		ms->fin[d] = true;
}

void
watch_smtp_event(struct mail_watch *m, const struct smtp_event *ev)
{
	struct mail_session *ms = &m->ms;

	if (ev->type == SMTP_EV_MESSAGE) {
		ms->message_bytes += ev->message_bytes;
		if (ev->reply_code / 100 == 2)
			ms->message_accepted = true;
		else if (ev->reply_code / 100 == 5)
			ms->message_rejected = true;
		return;
	}
	if (ev->reply_code / 100 == 2)
		ms->rcpt_accepted++;
	else if (ev->reply_code / 100 == 5)
		ms->rcpt_rejected++;
}

void
watch_end(struct worker *w, struct flow *f)
{
	struct tcp_app *a = f->app_state;
	struct mail_watch *m = a->watch;
	struct mail_session *ms = &m->ms;
	const char *why;

	sync_tls(ms, a->tls);
	if (ms->fin[0] || ms->fin[1])
		ms->end = END_FIN;		/* a RST after a FIN too */
	else if (ms->rst)
		ms->end = END_RST;
	else if (w->flushing)
		ms->end = END_CAPTURE;
	else
		ms->end = END_TIMEOUT;
	enum mail_verdict v = mail_verdict(ms, w->cfg->corr_tls_bytes, &why);

	if (w->corr != NULL) {
		struct corr_session cs;
		memset(&cs, 0, sizeof(cs));
		cs.client = host_of(f, false).ip;
		cs.server = host_of(f, true).ip;
		cs.sport = ms->sport;
		cs.verdict = (uint8_t)v;
		cs.end = ms->end;
		cs.tls = ms->tls;
		cs.bytes_toserver = ms->bytes[0];
		cs.app_bytes_toserver = ms->app_bytes[0];
		cs.flow_id = f->id;
		correlate_session_end(w->corr, a->incident, a->incident_id, &cs);
	}
	if (!session_hit(w, m, SIG_SESSION_END, a))
		return;
	struct eve_endpoints ep;
	flow_endpoints(f, FLOW_TO_SERVER, &ep);
	struct eve_ctx c = { &w->src, w->now, w->now_cnt, &ep, f->id, w->priv };
	struct eve_session s = { ms, a->tls != NULL ? &a->tls->info : NULL,
	    true, v, why, NULL };
	/* Evidence, not a repeat: never suppressed. */
	eve_session_alert(&w->json, &c, &w->hit, &s);
	alert_emit(w, &ep);
}

/* ---- TLS on a flow ---------------------------------------------------- */

bool
tls_start(struct worker *w, struct flow *f)
{
	struct tcp_app *a = app_of(w, f);
	size_t need = sizeof(struct tls_state) + 2 * TLS_HS_MAX;

	if (a == NULL)
		return false;
	if (a->tls != NULL)
		return true;
	if (!flow_table_reserve(&w->flows, need, f) ||
	    (a->tls = calloc(1, sizeof(*a->tls))) == NULL) {
		w->cnt.tcp_memory_capped++;
		return false;
	}
	f->app_mem += need;
	w->flows.mem_used += need;
	w->cnt.tls_sessions++;
	if (a->watch != NULL)
		a->watch->ms.tls = true;
	return true;
}

void
tls_free(struct tls_state *t)
{
	if (t == NULL)
		return;
	tls_reader_free(&t->r[0]);
	tls_reader_free(&t->r[1]);
	free(t);
}

/* A name read in TLS that is a typo: an alert. */
static void
tls_name_alert(struct delivery *d, enum sig_id sig, const char *name,
    const char *field)
{
	struct worker *w = d->w;
	struct flow *f = d->f;
	struct tcp_app *a = f->app_state;
	struct eve_endpoints ep;

	if (typo_match(w->model, name, strlen(name), &w->hit.match) !=
	    TYPO_MATCH)
		return;
	w->hit.sig = sig;
	snprintf(w->hit.field, sizeof(w->hit.field), "%s", field);
	w->hit.incident = a->incident_id;
	w->hit.link.valid = false;
	if (a->watch != NULL)
		w->hit.link = a->watch->link;
	flow_endpoints(f, FLOW_TO_SERVER, &ep);
	if (alert_suppressed(w, &ep))
		return;
	struct eve_ctx c = { &w->src, w->now, w->now_cnt, &ep, f->id, w->priv };
	struct mail_session none;
	memset(&none, 0, sizeof(none));
	none.sport = f->key.sport;
	none.tls = true;
	struct mail_session *ms = a->watch != NULL ? &a->watch->ms : &none;
	sync_tls(ms, a->tls);
	struct eve_session s = { ms, &a->tls->info, false, VERDICT_NONE, NULL,
	    "tls" };
	eve_tls_alert(&w->json, &c, &w->hit, &s);
	alert_emit(w, &ep);
}

static void
tls_event(void *ctx, enum tls_event ev, const struct tls_info *info)
{
	struct delivery *d = ctx;
	struct tcp_app *a = d->f->app_state;
	char field[48];

	/* Names are read on mail ports (tls.ports) only. */
	if (!port_in(d->w->cfg->tls_ports, d->w->cfg->n_tls_ports,
	    d->f->key.sport))
		return;
	if (ev == TLS_EV_CLIENT_HELLO && info->sni[0] != '\0') {
		tls_name_alert(d, SIG_TLS_SNI, info->sni, "tls.sni");
	} else if (ev == TLS_EV_CERTIFICATE) {
		for (unsigned i = 0; i < info->ncert_names; i++) {
			if (typo_match(d->w->model, info->cert_names[i],
			    strlen(info->cert_names[i]), &d->w->hit.match) !=
			    TYPO_MATCH)
				continue;
			snprintf(field, sizeof(field),
			    "session.certificate_names[%u]", i);
			tls_name_alert(d, SIG_TLS_CERT, info->cert_names[i],
			    field);
			break;
		}
	}
	(void)a;
}

void
tls_deliver(struct delivery *d, const uint8_t *data, size_t len)
{
	struct tcp_app *a = d->f->app_state;
	struct tls_state *t = a->tls;

	if (t == NULL)
		return;
	struct tls_reader *r = &t->r[d->dir];
	if (data == NULL)
		tls_gap(r, &d->w->cnt);
	else
		tls_feed(r, d->dir == FLOW_TO_CLIENT, data, len, &t->info,
		    tls_event, d, &d->w->cnt);
	/*
	 * Unless the session is followed (its application data counted),
	 * reading stops once the names that travel in the clear are read.
	 */
	const struct tls_info *i = &t->info;
	if ((r->stopped && t->r[!d->dir].stopped) ||
	    (i->server_hello && (i->version == 0x0304 || i->certificate ||
	    i->change_cipher[1])))
		t->done = true;
}
