/*
 * eve_line.c — the line output format: an EVE record read back and told
 * in one line.
 *
 * The record is the one the sensor has just written into its JSON buffer
 * (or a line of an eve.json file): reading it back keeps one source of
 * truth for what an alert says, and keeps the packet path free of a second
 * formatter.  Fields a record lacks are left out of its line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "eve_line.h"
#include "eve_verdict.h"

struct lb {
	char	*buf;
	size_t	 size, len;
};

static void
lb_fmt(struct lb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
lb_fmt(struct lb *b, const char *fmt, ...)
{
	va_list ap;

	if (b->len + 1 >= b->size)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(b->buf + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len = b->len + (size_t)n < b->size ? b->len + (size_t)n :
		    b->size - 1;
}

/* Length of the valid UTF-8 sequence at s (0: invalid), its code point. */
static size_t
utf8_seq(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 :
	    s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (n == 0 || s[0] > 0xf4)
		return 0;
	unsigned v = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v < 0xe000))
		return 0;
	*cp = v;
	return n;
}

/* Code points a terminal must not get: controls, C1, bidi overrides. */
static bool
unsafe(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

void
eve_line_text(char *buf, size_t size, size_t *len, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (size == 0)
		return;
	while (*p != '\0' && *len + 1 < size) {
		unsigned cp = 0;
		size_t n = utf8_seq(p, &cp);
		if (n > 0 && !unsafe(cp) && cp != '\\') {
			if (*len + n >= size)
				break;
			memcpy(buf + *len, p, n);
			*len += n;
			p += n;
			continue;
		}
		/* Escape the sequence's bytes, or the one invalid byte. */
		if (n == 0)
			n = 1;
		for (size_t i = 0; i < n; i++) {
			if (*len + 5 >= size)
				goto out;
			snprintf(buf + *len, size - *len, "\\x%02x", p[i]);
			*len += 4;
		}
		p += n;
	}
out:
	buf[*len] = '\0';
}

static void
lb_text(struct lb *b, const char *s)
{
	eve_line_text(b->buf, b->size, &b->len, s);
}

/* The string at path, printable, with a prefix; nothing when absent. */
static bool
lb_field(struct lb *b, const struct eve_doc *d, int obj, const char *prefix,
    const char *path)
{
	char v[1024];

	if (!eve_string(d, eve_path(d, obj, path), v, sizeof(v)) || v[0] == '\0')
		return false;
	lb_fmt(b, "%s", prefix);
	lb_text(b, v);
	return true;
}

/* "2026-11-23T04:20:56.334595+0000" as "2026-11-23 04:20:56.334595". */
static void
put_time(struct lb *b, const struct eve_doc *d)
{
	char ts[64];

	if (!eve_get_string(d, "timestamp", ts, sizeof(ts))) {
		lb_fmt(b, "-");
		return;
	}
	size_t n = strlen(ts);
	if (n > 19 && ts[10] == 'T' && strcmp(ts + n - 5, "+0000") == 0) {
		ts[10] = ' ';
		ts[n - 5] = '\0';
	}
	lb_text(b, ts);
}

static void
put_endpoint(struct lb *b, const struct eve_doc *d, const char *ip,
    const char *port)
{
	char a[64];
	uint64_t p = 0;

	if (!eve_get_string(d, ip, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	bool v6 = strchr(a, ':') != NULL;
	lb_fmt(b, v6 ? "[" : "");
	lb_text(b, a);
	lb_fmt(b, v6 ? "]" : "");
	if (eve_get_u64(d, port, &p) && p != 0)
		lb_fmt(b, ":%llu", (unsigned long long)p);
}

/* "UDP 192.0.2.1:42407 -> 192.0.2.53:53" */
static void
put_flow(struct lb *b, const struct eve_doc *d)
{
	char proto[16];

	if (eve_get_string(d, "proto", proto, sizeof(proto))) {
		lb_text(b, proto);
		lb_fmt(b, " ");
	}
	put_endpoint(b, d, "src_ip", "src_port");
	lb_fmt(b, " -> ");
	put_endpoint(b, d, "dest_ip", "dest_port");
}

/* The DNS question: "DNS query MX army.ml". */
static void
put_dns(struct lb *b, const struct eve_doc *d)
{
	char type[16];

	if (!eve_get_string(d, "dns.type", type, sizeof(type)))
		return;
	lb_fmt(b, "  DNS %s", strcmp(type, "request") == 0 ? "query" : "response");
	lb_field(b, d, 0, " ", "dns.queries[0].rrtype");
	lb_field(b, d, 0, " ", "dns.queries[0].rrname");
	char rcode[16];
	if (strcmp(type, "response") == 0 &&
	    eve_get_string(d, "dns.rcode", rcode, sizeof(rcode)) &&
	    strcmp(rcode, "NOERROR") != 0) {
		lb_fmt(b, " ");
		lb_text(b, rcode);
	}
}

/* "RCPT TO <x> from <y> (250 accepted)" for the recipient at field. */
static void
put_smtp(struct lb *b, const struct eve_doc *d, const char *field)
{
	uint64_t code = 0;
	bool accepted = false;

	if (!lb_field(b, d, 0, "  RCPT TO ", field) &&
	    !lb_field(b, d, 0, "  RCPT TO ", "smtp.rcpt_to[0]"))
		lb_fmt(b, "  SMTP");
	lb_field(b, d, 0, " from ", "smtp.mail_from");
	if (eve_get_u64(d, "alert.context.smtp.reply_code", &code)) {
		eve_get_bool(d, "alert.context.smtp.accepted", &accepted);
		lb_fmt(b, " (%llu %s)", (unsigned long long)code,
		    accepted ? "accepted" : "refused");
	} else if (eve_path(d, 0, "alert.context.smtp") >= 0) {
		lb_fmt(b, " (no reply seen)");
	}
}

/* An incident summary: verdict, bytes, what and who. */
static void
put_incident(struct lb *b, const struct eve_doc *d, int inc)
{
	uint64_t id = 0, bytes = 0, lookups = 0, sessions = 0;

	eve_u64(d, eve_member(d, inc, "id"), &id);
	eve_u64(d, eve_member(d, inc, "bytes_sent"), &bytes);
	eve_u64(d, eve_member(d, inc, "lookups"), &lookups);
	eve_u64(d, eve_member(d, inc, "smtp_sessions"), &sessions);
	/* Encrypted sessions (when the sensor follows them). */
	uint64_t app = 0;
	if (eve_u64(d, eve_member(d, inc, "app_bytes_sent"), &app) && app > bytes)
		bytes = app;
	if (eve_count(d, eve_member(d, inc, "sessions")) > sessions)
		sessions = eve_count(d, eve_member(d, inc, "sessions"));
	lb_fmt(b, "incident %llu  ", (unsigned long long)id);
	int clients = eve_member(d, inc, "clients");
	if (eve_count(d, clients) > 0) {
		for (uint32_t i = 0; i < eve_count(d, clients); i++) {
			char a[64];
			eve_string(d, eve_index(d, clients, i), a, sizeof(a));
			lb_fmt(b, i > 0 ? "," : "");
			lb_text(b, a);
		}
	} else {
		lb_field(b, d, inc, "", "client");
	}
	char server[64];
	if (sessions > 0 &&
	    eve_get_string(d, "dest_ip", server, sizeof(server)) &&
	    !eve_string_is(d, eve_path(d, 0, "src_ip"), server)) {
		lb_fmt(b, " -> ");
		lb_text(b, server);
	}
	lb_fmt(b, "  %s, %llu bytes", eve_verdict_name(eve_verdict_of(d, inc)),
	    (unsigned long long)bytes);
	lb_fmt(b, ", %llu lookup%s, %llu session%s",
	    (unsigned long long)lookups, lookups == 1 ? "" : "s",
	    (unsigned long long)sessions, sessions == 1 ? "" : "s");
	lb_field(b, d, inc, ", ", "sender");
	int rcpts = eve_member(d, inc, "recipients");
	for (uint32_t i = 0; i < eve_count(d, rcpts); i++) {
		char r[512];
		eve_string(d, eve_index(d, rcpts, i), r, sizeof(r));
		lb_fmt(b, i == 0 ? " -> " : ", ");
		lb_text(b, r);
	}
}

static void
put_alert(struct lb *b, const struct eve_doc *d)
{
	uint64_t gid = 1, sid = 0, rev = 0, sev = 0;
	char field[64] = "";

	eve_get_u64(d, "alert.gid", &gid);
	eve_get_u64(d, "alert.signature_id", &sid);
	eve_get_u64(d, "alert.rev", &rev);
	eve_get_u64(d, "alert.severity", &sev);
	lb_fmt(b, "  [%llu:%llu:%llu] sev %llu  ", (unsigned long long)gid,
	    (unsigned long long)sid, (unsigned long long)rev,
	    (unsigned long long)sev);
	int inc = eve_path(d, 0, "alert.context.incident");
	bool summary = false, named = false;
	eve_bool(d, eve_member(d, inc, "summary"), &summary);
	if (summary) {
		put_incident(b, d, inc);
	} else {
		put_flow(b, d);
		eve_get_string(d, "alert.context.typo.field", field,
		    sizeof(field));
		char app[16] = "";
		eve_get_string(d, "app_proto", app, sizeof(app));
		if (strcmp(app, "dns") == 0 && eve_path(d, 0, "dns") >= 0)
			put_dns(b, d);
		else if (eve_path(d, 0, "smtp") >= 0)
			put_smtp(b, d, field);
		else
			named = lb_field(b, d, 0, "  ", "alert.signature");
	}
	if (!lb_field(b, d, 0, "  ", "alert.context.typo.explanation") &&
	    !summary && !named)
		lb_field(b, d, 0, "  ", "alert.signature");
}

/* A "dns" record: the question and, for a response, the first answer. */
static void
put_dns_event(struct lb *b, const struct eve_doc *d)
{
	lb_fmt(b, "  dns  ");
	put_flow(b, d);
	put_dns(b, d);
	lb_field(b, d, 0, " -> ", "dns.answers[0].rdata");
}

static void
put_smtp_event(struct lb *b, const struct eve_doc *d)
{
	int rcpts = eve_path(d, 0, "smtp.rcpt_to");
	uint32_t n = eve_count(d, rcpts);

	lb_fmt(b, "  smtp  ");
	put_flow(b, d);
	lb_field(b, d, 0, "  MAIL FROM ", "smtp.mail_from");
	if (n > 0) {
		char r[512];
		eve_string(d, eve_index(d, rcpts, n - 1), r, sizeof(r));
		lb_fmt(b, " RCPT TO ");
		lb_text(b, r);
	}
}

static void
put_stats(struct lb *b, const struct eve_doc *d)
{
	static const struct {
		const char	*label;
		const char	*path;
	} rows[] = {
		{ "packets", "stats.decoder.pkts" },
		{ "alerts", "stats.detect.alert" },
		{ "kernel drops", "stats.capture.kernel_drops" },
		{ "flows", "stats.flow.active" },
		{ "uptime", "stats.uptime" },
	};
	const char *sep = "  stats  ";

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v;
		if (!eve_get_u64(d, rows[i].path, &v))
			continue;
		lb_fmt(b, "%s%s %llu", sep, rows[i].label, (unsigned long long)v);
		sep = ", ";
	}
	if (sep[0] == ' ')
		lb_fmt(b, "  stats");
}

size_t
eve_line_format(const struct eve_doc *d, char *buf, size_t size)
{
	struct lb b = { buf, size, 0 };
	char type[32];

	if (size == 0)
		return 0;
	buf[0] = '\0';
	put_time(&b, d);
	if (!eve_get_string(d, "event_type", type, sizeof(type)))
		type[0] = '\0';
	if (strcmp(type, "alert") == 0)
		put_alert(&b, d);
	else if (strcmp(type, "dns") == 0)
		put_dns_event(&b, d);
	else if (strcmp(type, "smtp") == 0)
		put_smtp_event(&b, d);
	else if (strcmp(type, "stats") == 0)
		put_stats(&b, d);
	else {
		lb_fmt(&b, "  ");
		lb_text(&b, type[0] != '\0' ? type : "record");
	}
	return b.len;
}

/* The pieces: each writes into a fresh buffer, without leading blanks. */
static size_t
piece(struct lb *b)
{
	size_t skip = 0;

	while (skip < b->len && b->buf[skip] == ' ')
		skip++;
	memmove(b->buf, b->buf + skip, b->len - skip + 1);
	return b->len - skip;
}

size_t
eve_line_time(const struct eve_doc *d, char *buf, size_t size)
{
	struct lb b = { buf, size, 0 };

	if (size == 0)
		return 0;
	buf[0] = '\0';
	put_time(&b, d);
	return b.len;
}

size_t
eve_line_flow(const struct eve_doc *d, char *buf, size_t size)
{
	struct lb b = { buf, size, 0 };

	if (size == 0)
		return 0;
	buf[0] = '\0';
	put_flow(&b, d);
	return b.len;
}

size_t
eve_line_what(const struct eve_doc *d, char *buf, size_t size)
{
	struct lb b = { buf, size, 0 };
	char field[64] = "", app[16] = "";

	if (size == 0)
		return 0;
	buf[0] = '\0';
	eve_get_string(d, "alert.context.typo.field", field, sizeof(field));
	eve_get_string(d, "app_proto", app, sizeof(app));
	if (strcmp(app, "dns") == 0 && eve_path(d, 0, "dns") >= 0)
		put_dns(&b, d);
	else if (eve_path(d, 0, "smtp") >= 0)
		put_smtp(&b, d, field);
	else
		lb_field(&b, d, 0, "", "alert.signature");
	return piece(&b);
}
