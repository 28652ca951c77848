/*
 * syslog_out.c — the syslog alert line and its sending.
 *
 * Names in the line come from the wire (normalised by the typo matcher,
 * but still): every byte outside printable ASCII is written as \xHH, so a
 * line can never be split or carry terminal controls.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "../decoders/addr_text.h"
#include "syslog_out.h"

static char ident_store[64];

void
syslog_out_configure(struct syslog_out *s, bool on, const char *ident,
    int facility, int level, bool json)
{
	s->on = on;
	s->json = json;
	s->priority = facility | level;
	closelog();
	snprintf(ident_store, sizeof(ident_store), "%s",
	    ident != NULL ? ident : "typosentry");
	/* LOG_NDELAY: connect now, while /dev/log is surely reachable. */
	openlog(ident_store, LOG_PID | LOG_NDELAY, facility);
}

/* Appends s, escaped, to buf at *o. */
static void
put_safe(char *buf, size_t len, size_t *o, const char *s)
{
	for (; *s != '\0' && *o + 1 < len; s++) {
		unsigned char c = (unsigned char)*s;
		if (c > ' ' && c < 0x7f && c != '\\') {
			buf[(*o)++] = (char)c;
		} else if (*o + 5 < len) {
			snprintf(buf + *o, len - *o, "\\x%02x", c);
			*o += 4;
		} else {
			break;
		}
	}
	buf[*o] = '\0';
}

static void
put_fmt(char *buf, size_t len, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
put_fmt(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
	va_list ap;

	if (*o + 1 >= len)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *o, len - *o, fmt, ap);
	va_end(ap);
	if (n > 0)
		*o = *o + (size_t)n < len ? *o + (size_t)n : len - 1;
}

static void
put_endpoint(char *buf, size_t len, size_t *o, const struct ip_addr *a,
    uint16_t port)
{
	char text[ADDR_TEXT_MAX];

	if (addr_text(a->family, a->bytes, text) == 0)
		snprintf(text, sizeof(text), "?");
	if (a->family == AF_INET6)
		put_fmt(buf, len, o, "[%s]:%u", text, port);
	else
		put_fmt(buf, len, o, "%s:%u", text, port);
}

size_t
syslog_alert_line(char *buf, size_t len, const struct rule_hit *hit,
    const struct eve_endpoints *ep)
{
	const struct signature *sig = &signatures[hit->sig];
	size_t o = 0;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	put_fmt(buf, len, &o, "[%u:%u:%u] %s [Severity: %u] {%s} ", SIG_GID,
	    sig->sid, sig->rev, sig->msg, sig->severity,
	    ep->ip_proto == IPPROTO_TCP ? "TCP" : "UDP");
	put_endpoint(buf, len, &o, &ep->src, ep->sport);
	put_fmt(buf, len, &o, " -> ");
	put_endpoint(buf, len, &o, &ep->dst, ep->dport);
	put_fmt(buf, len, &o, " ");
	put_safe(buf, len, &o, hit->match.observed);
	put_fmt(buf, len, &o, " ~ ");
	put_safe(buf, len, &o, hit->match.protected_name);
	put_fmt(buf, len, &o, " (");
	put_safe(buf, len, &o, hit->match.class != NULL ? hit->match.class : "");
	put_fmt(buf, len, &o, ")");
	return o;
}

void
syslog_out_alert(const struct syslog_out *s, const struct rule_hit *hit,
    const struct eve_endpoints *ep, const char *json, size_t len)
{
	char line[2048];

	if (!s->on)
		return;
	if (s->json) {
		/* The JSON writer has escaped everything from the wire. */
		syslog(s->priority, "@cee: %.*s", (int)len, json);
		return;
	}
	syslog_alert_line(line, sizeof(line), hit, ep);
	syslog(s->priority, "%s", line);
}
