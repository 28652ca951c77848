/*
 * eve.c — build EVE alert records.
 *
 * The field names and shapes follow Suricata 8 (see etc/schema.json in
 * OISF/suricata) so that what reads Suricata's eve.json reads ours: DNS in
 * the v3 form (type request/response, queries[], answers[], flags as hex),
 * the alert object with gid/signature_id/rev, and our typo explanation in
 * alert.context (free-form there) with string-array copies in
 * alert.metadata for tools that only index metadata.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "../decoders/addr_text.h"
#include "community_id.h"
#include "eve.h"

/* v in exactly width digits, zero-padded. */
static void
put_digits(char *out, unsigned long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
eve_timestamp(const struct timeval *tv, char *buf, size_t len)
{
	struct tm tm;
	time_t t = tv->tv_sec;
	char day[32];
	bool ok = gmtime_r(&t, &tm) != NULL;
	int year = ok ? tm.tm_year + 1900 : 0;

	/* Digits by hand in the usual case: two a record, printf is slow. */
	if (ok && year >= 1000 && year <= 9999 && tv->tv_usec >= 0 &&
	    tv->tv_usec < 1000000 && len >= sizeof("YYYY-mm-ddTHH:MM:SS.uuuuuu+0000")) {
		memcpy(buf, "YYYY-mm-ddTHH:MM:SS.uuuuuu+0000",
		    sizeof("YYYY-mm-ddTHH:MM:SS.uuuuuu+0000"));
		put_digits(buf, (unsigned long)year, 4);
		put_digits(buf + 5, (unsigned long)tm.tm_mon + 1, 2);
		put_digits(buf + 8, (unsigned long)tm.tm_mday, 2);
		put_digits(buf + 11, (unsigned long)tm.tm_hour, 2);
		put_digits(buf + 14, (unsigned long)tm.tm_min, 2);
		put_digits(buf + 17, (unsigned long)tm.tm_sec, 2);
		put_digits(buf + 20, (unsigned long)tv->tv_usec, 6);
		return;
	}
	if (!ok || strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(day, sizeof(day), "1970-01-01T00:00:00");
	snprintf(buf, len, "%s.%06ld+0000", day, (long)tv->tv_usec);
}

static void
addr_string(struct json *j, const char *key, const struct ip_addr *a)
{
	char text[ADDR_TEXT_MAX];

	json_string_n(j, key, text, addr_text(a->family, a->bytes, text));
}

static void
meta_one(struct json *j, const char *key, const char *value)
{
	json_open_array(j, key);
	json_string(j, NULL, value);
	json_close_array(j);
}

/* The largest address or reply text we mask: the SMTP line cap. */
#define MASKED_MAX	2048

/* A string holding mail addresses, with privacy.local-part applied. */
static void
json_address(struct json *j, const char *key, const char *addr,
    const struct privacy *priv)
{
	char buf[MASKED_MAX];

	json_string(j, key, priv != NULL ?
	    privacy_address(priv, addr, buf, sizeof(buf)) : addr);
}

static void
json_text(struct json *j, const char *key, const char *text,
    const struct privacy *priv)
{
	char buf[MASKED_MAX];

	json_string(j, key, priv != NULL ?
	    privacy_text(priv, text, buf, sizeof(buf)) : text);
}

/* Opens the "alert" object with the signature's fields. */
static void
open_alert_action(struct json *j, const struct signature *s,
    unsigned severity, const char *action)
{
	json_open_object(j, "alert");
	json_string(j, "action", action);
	json_uint(j, "gid", SIG_GID);
	json_uint(j, "signature_id", s->sid);
	json_uint(j, "rev", s->rev);
	json_string(j, "signature", s->msg);
	json_string(j, "category", SIG_CATEGORY);
	json_uint(j, "severity", severity);
}

static void session_object(struct json *j, const struct eve_session *s);

static void
open_alert(struct json *j, const struct signature *s, unsigned severity)
{
	open_alert_action(j, s, severity, "allowed");
}

static void policy_object(struct json *j, const struct eve_policy *p,
    const struct privacy *priv);

static void
alert_object(struct json *j, const struct rule_hit *a,
    const struct smtp_event *smtp, const struct privacy *priv,
    const struct eve_policy *pol, const struct eve_session *sess,
    unsigned severity)
{
	const struct signature *s = &signatures[a->sig];
	const struct typo_match *m = &a->match;
	const char *target = m->target == TYPO_TARGET_TLD ? "tld" : "domain";
	char dist[8];

	snprintf(dist, sizeof(dist), "%u", m->distance);
	if (pol != NULL)
		open_alert_action(j, s, pol->severity,
		    pol->blocked ? "blocked" : "allowed");
	else
		open_alert(j, s, severity != 0 ? severity : s->severity);

	json_open_object(j, "metadata");
	meta_one(j, "typo_observed", m->observed);
	meta_one(j, "typo_protected", m->protected_name);
	meta_one(j, "typo_rule", m->rule);
	meta_one(j, "typo_target", target);
	meta_one(j, "typo_class", m->class);
	meta_one(j, "typo_distance", dist);
	json_close_object(j);

	json_open_object(j, "context");
	json_open_object(j, "typo");
	json_string(j, "observed", m->observed);
	json_string(j, "protected", m->protected_name);
	json_string(j, "rule", m->rule);
	json_string(j, "target", target);
	json_string(j, "class", m->class);
	json_uint(j, "distance", m->distance);
	json_string(j, "explanation", m->explanation);
	json_string(j, "field", a->field);
	json_close_object(j);
	if (a->incident != 0) {
		json_open_object(j, "incident");
		json_uint(j, "id", a->incident);
		json_close_object(j);
	}
	if (a->link.valid) {
		/* The MX lookup that led to this session (issue: did it leave?). */
		char ts[48];
		eve_timestamp(&a->link.ts, ts, sizeof(ts));
		json_open_object(j, "correlation");
		json_string(j, "lookup", a->link.name);
		json_uint(j, "lookup_flow_id", a->link.flow_id);
		json_string(j, "lookup_time", ts);
		addr_string(j, "resolver", &a->link.resolver);
		json_string(j, "exchange", a->link.exchange);
		addr_string(j, "exchange_address", &a->link.address);
		json_close_object(j);
	}
	if (smtp != NULL) {
		/* The server's answer to this RCPT TO: was it going to leave? */
		json_open_object(j, "smtp");
		json_bool(j, "reply_seen", smtp->reply_code != 0);
		if (smtp->reply_code != 0) {
			json_uint(j, "reply_code", smtp->reply_code);
			json_text(j, "reply_text", smtp->reply_text, priv);
			json_bool(j, "accepted", smtp->reply_code / 100 == 2);
		}
		json_close_object(j);
	}
	if (pol != NULL)
		policy_object(j, pol, priv);
	if (sess != NULL)
		session_object(j, sess);
	json_close_object(j);

	json_close_object(j);
}

static void
dns_object(struct json *j, const struct dns_message *msg)
{
	char flags[8], tbuf[16];

	snprintf(flags, sizeof(flags), "%x", msg->flags);
	json_open_object(j, "dns");
	json_uint(j, "version", 3);
	json_string(j, "type", msg->qr ? "response" : "request");
	json_uint(j, "id", msg->id);
	json_string(j, "flags", flags);
	if (msg->qr)
		json_bool(j, "qr", true);
	if (msg->flags & 0x0400)
		json_bool(j, "aa", true);
	if (msg->flags & 0x0200)
		json_bool(j, "tc", true);
	if (msg->flags & 0x0100)
		json_bool(j, "rd", true);
	if (msg->flags & 0x0080)
		json_bool(j, "ra", true);
	json_uint(j, "opcode", msg->opcode);
	json_string(j, "rcode", dns_rcode_name(msg->rcode, tbuf));
	if (msg->nqueries > 0) {
		json_open_array(j, "queries");
		for (unsigned i = 0; i < msg->nqueries; i++) {
			json_open_object(j, NULL);
			json_string(j, "rrname", msg->queries[i].name);
			json_string(j, "rrtype",
			    dns_type_name(msg->queries[i].type, tbuf));
			json_close_object(j);
		}
		json_close_array(j);
	}
	if (msg->qr && msg->nanswers > 0) {
		json_open_array(j, "answers");
		for (unsigned i = 0; i < msg->nanswers; i++) {
			const struct dns_rr *a = &msg->answers[i];
			json_open_object(j, NULL);
			json_string(j, "rrname", a->name);
			json_string(j, "rrtype", dns_type_name(a->type, tbuf));
			json_uint(j, "ttl", a->ttl);
			if (a->has_rdata)
				json_string(j, "rdata", a->rdata);
			json_close_object(j);
		}
		json_close_array(j);
	}
	json_close_object(j);
}

void
eve_endpoints_of_packet(struct eve_endpoints *ep, const struct packet *pkt)
{
	ep->src = pkt->src;
	ep->dst = pkt->dst;
	ep->sport = pkt->sport;
	ep->dport = pkt->dport;
	ep->ip_version = pkt->ip_version;
	ep->ip_proto = pkt->ip_proto;
	ep->vlan_count = pkt->vlan_count;
	memcpy(ep->vlan, pkt->vlan, sizeof(ep->vlan));
	ep->tun = pkt->tun;
}

/* The name Suricata gives the outer packet's IP protocol. */
static const char *
tunnel_proto(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_UDP:	return "UDP";
	case IPPROTO_GRE:	return "GRE";
	case IPPROTO_IPIP:	return "IPIP";
	case IPPROTO_IPV6:	return "IPv6";
	default:		return "IP";
	}
}

/*
 * Suricata's "tunnel" object: the outermost packet's addresses (ports for
 * UDP tunnels), its protocol and how many tunnels deep the record's
 * packet was.
 */
static void
tunnel_object(struct json *j, const struct tunnel_info *t)
{
	json_open_object(j, "tunnel");
	addr_string(j, "src_ip", &t->src);
	if (t->proto == IPPROTO_UDP)
		json_uint(j, "src_port", t->sport);
	addr_string(j, "dest_ip", &t->dst);
	if (t->proto == IPPROTO_UDP)
		json_uint(j, "dest_port", t->dport);
	json_string(j, "proto", tunnel_proto(t->proto));
	json_uint(j, "depth", t->depth);
	json_close_object(j);
}

/*
 * The fields every record starts with, up to app_proto; a flow's record
 * (flow set: not an incident's summary, which spans flows) has its
 * community_id.
 */
static void
header(struct json *j, const struct eve_ctx *c, const char *event_type,
    const char *app_proto, bool flow)
{
	const struct eve_endpoints *ep = c->ep;
	char ts[48];

	json_reset(j);
	eve_timestamp(&c->ts, ts, sizeof(ts));
	json_open_object(j, NULL);
	json_string(j, "timestamp", ts);
	json_uint(j, "flow_id", c->flow_id);
	if (c->src->pcap_filename != NULL) {
		json_uint(j, "pcap_cnt", c->pcap_cnt);
		json_string(j, "pcap_filename", c->src->pcap_filename);
	}
	if (c->src->iface != NULL)
		json_string(j, "in_iface", c->src->iface);
	json_string(j, "event_type", event_type);
	if (c->src->host != NULL)
		json_string(j, "host", c->src->host);
	if (ep->vlan_count > 0) {
		json_open_array(j, "vlan");
		for (unsigned i = 0; i < ep->vlan_count; i++)
			json_uint(j, NULL, ep->vlan[i]);
		json_close_array(j);
	}
	addr_string(j, "src_ip", &ep->src);
	json_uint(j, "src_port", ep->sport);
	addr_string(j, "dest_ip", &ep->dst);
	json_uint(j, "dest_port", ep->dport);
	json_uint(j, "ip_v", ep->ip_version);
	json_string(j, "proto", ep->ip_proto == IPPROTO_TCP ? "TCP" : "UDP");
	if (flow && c->src->community_id) {
		char cid[COMMUNITY_ID_MAX];
		json_string_n(j, "community_id", cid, community_id(
		    c->src->community_id_seed, &ep->src, ep->sport, &ep->dst,
		    ep->dport, ep->ip_proto, cid));
	}
	if (ep->tun.depth > 0)
		tunnel_object(j, &ep->tun);
	json_string(j, "app_proto", app_proto);
}

void
eve_dns_alert(struct json *j, const struct eve_ctx *c,
    const struct dns_message *msg, const struct rule_hit *hit)
{
	header(j, c, "alert", "dns", true);
	alert_object(j, hit, NULL, NULL, NULL, NULL, 0);
	dns_object(j, msg);
	json_close_object(j);
}

void
eve_dns_event(struct json *j, const struct eve_ctx *c,
    const struct dns_message *msg)
{
	header(j, c, "dns", "dns", true);
	dns_object(j, msg);
	json_close_object(j);
}

static void
smtp_object(struct json *j, const struct smtp_event *ev,
    const struct privacy *priv)
{
	json_open_object(j, "smtp");
	if (ev->helo[0] != '\0')
		json_string(j, "helo", ev->helo);
	if (ev->mail_from[0] != '\0')
		json_address(j, "mail_from", ev->mail_from, priv);
	if (ev->nrcpt > 0) {
		json_open_array(j, "rcpt_to");
		for (unsigned i = 0; i < ev->nrcpt; i++)
			json_address(j, NULL, ev->rcpt_to[i], priv);
		json_close_array(j);
	}
	json_close_object(j);
}

void
eve_smtp_alert(struct json *j, const struct eve_ctx *c,
    const struct smtp_event *ev, const struct rule_hit *hit)
{
	header(j, c, "alert", "smtp", true);
	alert_object(j, hit, ev, c->priv, NULL, NULL, 0);
	smtp_object(j, ev, c->priv);
	json_close_object(j);
}

void
eve_smtp_event(struct json *j, const struct eve_ctx *c,
    const struct smtp_event *ev)
{
	header(j, c, "smtp", "smtp", true);
	smtp_object(j, ev, c->priv);
	json_close_object(j);
}

static const char *
close_name(uint8_t why)
{
	switch (why) {
	case CLOSE_EARLY:	return "table-full";
	case CLOSE_END:		return "end-of-input";
	default:		return "window";
	}
}

/* What an incident's sessions showed, and how its summary came. */
static void
incident_evidence(struct json *j, const struct incident *inc)
{
	json_uint(j, "app_bytes_sent", inc->app_bytes);
	json_string(j, "verdict", inc->verdict == VERDICT_NONE ?
	    "unknown" : mail_verdict_name((enum mail_verdict)inc->verdict));
	json_open_array(j, "clients");
	for (unsigned i = 0; i < inc->nclients; i++)
		addr_string(j, NULL, &inc->clients[i]);
	json_close_array(j);
	if (inc->more_clients)
		json_bool(j, "clients_truncated", true);
	json_uint(j, "sessions_ended", inc->sessions_ended);
	json_open_array(j, "sessions");
	for (unsigned i = 0; i < inc->nsess; i++) {
		const struct corr_session *s = &inc->sess[i];
		json_open_object(j, NULL);
		json_uint(j, "flow_id", s->flow_id);
		addr_string(j, "client", &s->client);
		addr_string(j, "server", &s->server);
		json_uint(j, "server_port", s->sport);
		json_string(j, "verdict",
		    mail_verdict_name((enum mail_verdict)s->verdict));
		json_bool(j, "tls", s->tls);
		json_uint(j, "bytes_toserver", s->bytes_toserver);
		json_uint(j, "app_bytes_toserver", s->app_bytes_toserver);
		json_string(j, "end", mail_end_name((enum mail_end)s->end));
		json_close_object(j);
	}
	json_close_array(j);
	json_bool(j, "closed_early", inc->closed_by == CLOSE_EARLY);
	json_string(j, "closed_by", close_name(inc->closed_by));
}

void
eve_incident(struct json *j, const struct eve_ctx *c,
    const struct incident *inc, const struct typo_match *m)
{
	const struct signature *s = &signatures[SIG_INCIDENT];
	char ts[48];

	header(j, c, "alert", inc->sessions > 0 ? "smtp" : "dns", false);
	/* Evidence raises it: lookup only 3, recipient 2, message 1. */
	open_alert(j, s, (unsigned)incident_severity(inc));
	json_open_object(j, "context");
	if (m != NULL) {
		json_open_object(j, "typo");
		json_string(j, "observed", m->observed);
		json_string(j, "protected", m->protected_name);
		json_string(j, "rule", m->rule);
		json_string(j, "class", m->class);
		json_uint(j, "distance", m->distance);
		json_string(j, "explanation", m->explanation);
		json_close_object(j);
	}
	json_open_object(j, "incident");
	json_uint(j, "id", inc->id);
	json_bool(j, "summary", true);
	eve_timestamp(&inc->first, ts, sizeof(ts));
	json_string(j, "first_seen", ts);
	eve_timestamp(&inc->last, ts, sizeof(ts));
	json_string(j, "last_seen", ts);
	addr_string(j, "client", &inc->client);
	json_string(j, "observed", inc->name);
	json_string(j, "protected", inc->protected_name);
	if (inc->sender[0] != '\0')
		json_address(j, "sender", inc->sender, c->priv);
	json_open_array(j, "recipients");
	for (unsigned i = 0; i < inc->nrcpt; i++)
		json_address(j, NULL, inc->rcpt[i], c->priv);
	json_close_array(j);
	json_uint(j, "lookups", inc->lookups);
	json_uint(j, "smtp_sessions", inc->sessions);
	json_bool(j, "recipient_accepted", inc->rcpt_accepted);
	json_bool(j, "message_accepted", inc->message_accepted);
	json_uint(j, "bytes_sent", inc->bytes);
	incident_evidence(j, inc);
	json_close_object(j);
	json_close_object(j);
	json_close_object(j);
	json_close_object(j);
}

static void
opt_string(struct json *j, const char *key, const char *v)
{
	if (v != NULL && v[0] != '\0')
		json_string(j, key, v);
}

/* alert.context.policy: what policyd answered, and to whom. */
static void
policy_object(struct json *j, const struct eve_policy *p,
    const struct privacy *priv)
{
	json_open_object(j, "policy");
	json_string(j, "action", p->action);
	json_text(j, "reply", p->reply, priv);
	if (p->sender != NULL)
		json_address(j, "sender", p->sender, priv);
	if (p->recipient != NULL)
		json_address(j, "recipient", p->recipient, priv);
	opt_string(j, "client_address", p->client_address);
	opt_string(j, "client_name", p->client_name);
	opt_string(j, "helo_name", p->helo);
	opt_string(j, "protocol_state", p->protocol_state);
	opt_string(j, "queue_id", p->queue_id);
	opt_string(j, "instance", p->instance);
	json_close_object(j);
}

/* An address as Suricata logs SMTP's: in angle brackets, as sent. */
static void
json_bracketed(struct json *j, const char *key, const char *addr,
    const struct privacy *priv)
{
	char buf[MASKED_MAX + 2];

	snprintf(buf, sizeof(buf), "<%s>", addr);
	json_address(j, key, buf, priv);
}

void
eve_policy_alert(struct json *j, const struct eve_ctx *c,
    const struct rule_hit *hit, const struct eve_policy *p)
{
	header(j, c, "alert", "smtp", false);
	alert_object(j, hit, NULL, c->priv, p, NULL, 0);
	json_open_object(j, "smtp");
	opt_string(j, "helo", p->helo);
	if (p->sender != NULL)
		json_bracketed(j, "mail_from", p->sender, c->priv);
	if (p->recipient != NULL) {
		json_open_array(j, "rcpt_to");
		json_bracketed(j, NULL, p->recipient, c->priv);
		json_close_array(j);
	}
	json_close_object(j);
	json_close_object(j);
}

static void
tls_names(struct json *j, const struct tls_info *t)
{
	json_open_array(j, "certificate_names");
	for (unsigned i = 0; i < t->ncert_names; i++)
		json_string(j, NULL, t->cert_names[i]);
	json_close_array(j);
}

/* alert.context.session: what the session showed so far. */
static void
session_object(struct json *j, const struct eve_session *s)
{
	const struct mail_session *ms = s->ms;
	const struct tls_info *t = s->tls;
	const char *v;

	json_open_object(j, "session");
	json_string(j, "state", s->end ? "ended" : "open");
	json_uint(j, "server_port", ms->sport);
	json_bool(j, "syn", ms->syn);
	json_bool(j, "answered", ms->answered);
	json_bool(j, "refused", ms->refused);
	json_bool(j, "starttls", ms->starttls);
	json_bool(j, "tls", ms->tls);
	if (t != NULL && (v = tls_version_name(t->client_version)) != NULL)
		json_string(j, "tls_client_version", v);
	if (t != NULL && (v = tls_version_name(t->version)) != NULL)
		json_string(j, "tls_version", v);
	if (t != NULL && t->sni[0] != '\0')
		json_string(j, "sni", t->sni);
	if (t != NULL && t->certificate)
		tls_names(j, t);
	json_uint(j, "bytes_toserver", ms->bytes[0]);
	json_uint(j, "bytes_toclient", ms->bytes[1]);
	json_uint(j, "app_bytes_toserver", ms->app_bytes[0]);
	json_uint(j, "app_bytes_toclient", ms->app_bytes[1]);
	if (ms->smtp) {
		json_uint(j, "rcpt_accepted", ms->rcpt_accepted);
		json_uint(j, "rcpt_rejected", ms->rcpt_rejected);
		json_bool(j, "message_accepted", ms->message_accepted);
	}
	if (s->end) {
		char ts[48];
		eve_timestamp(&ms->first, ts, sizeof(ts));
		json_string(j, "start", ts);
		json_string(j, "end", mail_end_name((enum mail_end)ms->end));
		json_string(j, "verdict", mail_verdict_name(s->verdict));
		json_string(j, "evidence", s->why);
	}
	json_close_object(j);
}

/* Severity of a session's end: its verdict. */
static unsigned
session_severity(const struct eve_session *s)
{
	if (!s->end)
		return 0;
	switch (s->verdict) {
	case VERDICT_DELIVERED:
	case VERDICT_LIKELY_DELIVERED:
		return 1;
	case VERDICT_NOT_DELIVERED:
		return 3;
	default:
		return 2;
	}
}

static void
tls_object(struct json *j, const struct tls_info *t)
{
	const char *v;

	if (t == NULL || (!t->client_hello && !t->server_hello))
		return;
	json_open_object(j, "tls");
	if (t->sni[0] != '\0')
		json_string(j, "sni", t->sni);
	if ((v = tls_version_name(t->version)) != NULL)
		json_string(j, "version", v);
	json_close_object(j);
}

void
eve_session_alert(struct json *j, const struct eve_ctx *c,
    const struct rule_hit *hit, const struct eve_session *s)
{
	const char *proto = s->ms->tls ? "tls" : s->ms->smtp ? "smtp" :
	    "failed";

	if (s->proto != NULL)
		proto = s->proto;
	header(j, c, "alert", proto, true);
	alert_object(j, hit, NULL, NULL, NULL, s, session_severity(s));
	tls_object(j, s->tls);
	json_close_object(j);
}

void
eve_tls_alert(struct json *j, const struct eve_ctx *c,
    const struct rule_hit *hit, const struct eve_session *s)
{
	header(j, c, "alert", "tls", true);
	alert_object(j, hit, NULL, NULL, NULL, s, 0);
	tls_object(j, s->tls);
	json_close_object(j);
}
