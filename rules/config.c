/*
 * config.c — load the YAML configuration with libyaml.
 *
 * The file is loaded as a document and walked; every key is known, every
 * value is checked for its type and range, and the first problem is
 * reported as "FILE:LINE:COL: message".  Unknown keys are errors: a typo
 * in a key must not silently switch a protection off.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <ldns/ldns.h>
#include <yaml.h>

#include "../decoders/smtp.h"
#include "config.h"

struct loader {
	const char	*name;
	yaml_document_t	*doc;
	char		*err;
	size_t		 errlen;
};

/*
 * Writes "NAME:LINE:COL: message" to the loader's error buffer.  Called as
 * fail(...), whose value is -1: a macro, so that the static analysers
 * (which do not follow variadic calls) see that every error path returns
 * -1 and leaves no output half set.
 */
static void fail_at(struct loader *l, const yaml_node_t *n, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
#define fail(...)	(fail_at(__VA_ARGS__), -1)

static void
fail_at(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int o;

	o = snprintf(l->err, l->errlen, "%s:%zu:%zu: ", l->name,
	    n->start_mark.line + 1, n->start_mark.column + 1);
	if (o < 0 || (size_t)o >= l->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(l->err + o, l->errlen - (size_t)o, fmt, ap);
	va_end(ap);
}

static const char *
scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int
want_scalar(struct loader *l, const yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE)
		return fail(l, n, "%s: expected a single value", key);
	return 0;
}

static void
strlist_free(struct strlist *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	free(s->line);
	free(s->col);
	memset(s, 0, sizeof(*s));
}

/* A sequence of strings; a single scalar is taken as a list of one. */
static int
load_strlist(struct loader *l, yaml_node_t *n, const char *key,
    struct strlist *out)
{
	yaml_node_item_t *items = NULL;
	size_t count = 1;

	strlist_free(out);
	if (n->type == YAML_SEQUENCE_NODE) {
		items = n->data.sequence.items.start;
		count = (size_t)(n->data.sequence.items.top - items);
	} else if (n->type != YAML_SCALAR_NODE) {
		return fail(l, n, "%s: expected a list of names", key);
	}
	if (count == 0)
		return 0;
	out->v = calloc(count, sizeof(*out->v));
	out->line = calloc(count, sizeof(*out->line));
	out->col = calloc(count, sizeof(*out->col));
	if (out->v == NULL || out->line == NULL || out->col == NULL)
		return fail(l, n, "%s: out of memory", key);
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *it = items != NULL ?
		    yaml_document_get_node(l->doc, items[i]) : n;
		if (it == NULL || it->type != YAML_SCALAR_NODE)
			return fail(l, it != NULL ? it : n,
			    "%s: each entry must be a name", key);
		if (it->data.scalar.length == 0)
			return fail(l, it, "%s: empty name", key);
		out->v[i] = strdup(scalar(it));
		if (out->v[i] == NULL)
			return fail(l, it, "%s: out of memory", key);
		out->line[i] = (unsigned)it->start_mark.line + 1;
		out->col[i] = (unsigned)it->start_mark.column + 1;
		out->n++;
	}
	return 0;
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
load_ports(struct loader *l, yaml_node_t *n, const char *key, uint16_t *ports,
    size_t *count)
{
	struct strlist s = { 0 };

	if (load_strlist(l, n, key, &s) != 0) {
		strlist_free(&s);
		return -1;
	}
	if (s.n == 0 || s.n > CONFIG_MAX_PORTS) {
		strlist_free(&s);
		return fail(l, n, "%s: give between 1 and %d ports", key,
		    CONFIG_MAX_PORTS);
	}
	for (size_t i = 0; i < s.n; i++) {
		unsigned long v;
		if (parse_uint(s.v[i], 65535, &v) != 0 || v == 0) {
			snprintf(l->err, l->errlen,
			    "%s:%u:%u: %s: '%s' is not a port (1-65535)",
			    l->name, s.line[i], s.col[i], key, s.v[i]);
			strlist_free(&s);
			return -1;
		}
		ports[i] = (uint16_t)v;
	}
	*count = s.n;
	strlist_free(&s);
	return 0;
}

static int
load_qtypes(struct loader *l, yaml_node_t *n, const char *key,
    uint16_t *types, size_t *count)
{
	struct strlist s = { 0 };

	if (load_strlist(l, n, key, &s) != 0) {
		strlist_free(&s);
		return -1;
	}
	if (s.n == 0 || s.n > CONFIG_MAX_QTYPES) {
		strlist_free(&s);
		return fail(l, n, "%s: give between 1 and %d record types", key,
		    CONFIG_MAX_QTYPES);
	}
	for (size_t i = 0; i < s.n; i++) {
		unsigned long v;
		ldns_rr_type t = 0;
		/*
		 * ldns reads the RFC 3597 form "TYPE65280" with atoi(), with
		 * no check of syntax or range, so we read the number.
		 */
		if (strncasecmp(s.v[i], "TYPE", 4) == 0) {
			if (parse_uint(s.v[i] + 4, 65535, &v) == 0)
				t = (ldns_rr_type)v;
		} else {
			t = ldns_get_rr_type_by_name(s.v[i]);
			if (t == 0 && parse_uint(s.v[i], 65535, &v) == 0)
				t = (ldns_rr_type)v;
		}
		if (t == 0) {
			snprintf(l->err, l->errlen,
			    "%s:%u:%u: %s: '%s' is not a DNS record type",
			    l->name, s.line[i], s.col[i], key, s.v[i]);
			strlist_free(&s);
			return -1;
		}
		types[i] = (uint16_t)t;
	}
	*count = s.n;
	strlist_free(&s);
	return 0;
}

/* A count, or a size with an optional k/m/g suffix (powers of 1024). */
static int
load_number(struct loader *l, yaml_node_t *n, const char *key, bool size,
    unsigned long long min, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (want_scalar(l, n, key) != 0)
		return -1;
	const char *s = scalar(n);
	errno = 0;
	unsigned long long v = (*s >= '0' && *s <= '9') ? strtoull(s, &end, 10) : 0;
	if (*s < '0' || *s > '9' || errno != 0)
		return fail(l, n, "%s: '%s' is not a number", key, s);
	if (size && *end != '\0') {
		unsigned long long mult = 0;
		if (strcasecmp(end, "k") == 0 || strcasecmp(end, "kb") == 0)
			mult = 1ULL << 10;
		else if (strcasecmp(end, "m") == 0 || strcasecmp(end, "mb") == 0)
			mult = 1ULL << 20;
		else if (strcasecmp(end, "g") == 0 || strcasecmp(end, "gb") == 0)
			mult = 1ULL << 30;
		if (mult == 0 || v > max / mult)
			return fail(l, n, "%s: '%s' is not a size (like 64mb)",
			    key, s);
		v *= mult;
	} else if (*end != '\0') {
		return fail(l, n, "%s: '%s' is not a number", key, s);
	}
	if (v < min || v > max)
		return fail(l, n, "%s: %s is out of range (%llu to %llu)", key,
		    s, min, max);
	*out = v;
	return 0;
}

static int
load_u32(struct loader *l, yaml_node_t *n, const char *key,
    unsigned long long min, unsigned long long max, uint32_t *out)
{
	unsigned long long v;

	if (load_number(l, n, key, false, min, max, &v) != 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int
load_size(struct loader *l, yaml_node_t *n, const char *key,
    unsigned long long min, unsigned long long max, size_t *out)
{
	unsigned long long v;

	if (load_number(l, n, key, true, min, max, &v) != 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int
load_bool(struct loader *l, yaml_node_t *n, const char *key, bool *out)
{
	if (want_scalar(l, n, key) != 0)
		return -1;
	const char *s = scalar(n);
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 ||
	    strcmp(s, "on") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 ||
	    strcmp(s, "off") == 0)
		*out = false;
	else
		return fail(l, n, "%s: expected true or false, not '%s'", key, s);
	return 0;
}

static int
load_string(struct loader *l, yaml_node_t *n, const char *key, char **out)
{
	if (want_scalar(l, n, key) != 0)
		return -1;
	free(*out);
	*out = NULL;
	if (n->data.scalar.length == 0)
		return 0;
	if ((*out = strdup(scalar(n))) == NULL)
		return fail(l, n, "%s: out of memory", key);
	return 0;
}

/* The keys of one mapping, dispatched by a table. */
struct key_handler {
	const char	*key;
	int		(*load)(struct loader *, yaml_node_t *, struct ts_config *);
};

static int
walk_mapping(struct loader *l, yaml_node_t *n, const char *where,
    const struct key_handler *keys, struct ts_config *cfg)
{
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n, "%s: expected a mapping of keys", where);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		const struct key_handler *h;

		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			return fail(l, n, "%s: keys must be plain names", where);
		/* A key given twice would silently drop the first value. */
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *qk = yaml_document_get_node(l->doc, q->key);
			if (qk != NULL && qk->type == YAML_SCALAR_NODE &&
			    strcmp(scalar(qk), scalar(k)) == 0)
				return fail(l, k, "key '%s' given twice in %s",
				    scalar(k), where);
		}
		for (h = keys; h->key != NULL; h++)
			if (strcmp(h->key, scalar(k)) == 0)
				break;
		if (h->key == NULL)
			return fail(l, k, "unknown key '%s' in %s", scalar(k),
			    where);
		if (h->load(l, v, cfg) != 0)
			return -1;
	}
	return 0;
}

static int
ld_protect_tlds(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_strlist(l, n, "protect.tlds", &c->protect_tlds);
}

static int
ld_protect_domains(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_strlist(l, n, "protect.domains", &c->protect_domains);
}

static int
ld_allow(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_strlist(l, n, "allow", &c->allow);
}

static int
ld_dns_ports(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_ports(l, n, "dns.ports", c->dns_ports, &c->n_dns_ports);
}

static int
ld_dns_qtypes(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_qtypes(l, n, "dns.alert-qtypes", c->alert_qtypes,
	    &c->n_alert_qtypes);
}

static int
ld_capture_filter(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	/* Given, even empty: live capture then builds no filter from ports. */
	c->bpf_filter_set = true;
	return load_string(l, n, "capture.filter", &c->bpf_filter);
}

static int
ld_output_dir(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_string(l, n, "output.dir", &c->log_dir);
}

static int
ld_output_stdout(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "output.stdout", &c->eve_stdout);
}

static int
ld_smtp_ports(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_ports(l, n, "smtp.ports", c->smtp_ports, &c->n_smtp_ports);
}

static int
ld_smtp_detect(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "smtp.detect-any-port", &c->smtp_detect);
}

static int
ld_smtp_max_pending(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "smtp.max-pending", 1, SMTP_MAX_PENDING,
	    &c->smtp_max_pending);
}

static int
ld_smtp_max_rcpts(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "smtp.max-recipients", 1, SMTP_MAX_RCPTS,
	    &c->smtp_max_rcpts);
}

static int
ld_flow_max_flows(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "flow.max-flows", 16, 1U << 26, &c->flow_max_flows);
}

static int
ld_flow_max_memory(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_size(l, n, "flow.max-memory", 1ULL << 20, 1ULL << 40,
	    &c->flow_max_memory);
}

static int
ld_timeout_new(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "flow.timeouts.new", 1, 86400,
	    &c->flow_timeout_new);
}

static int
ld_timeout_established(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "flow.timeouts.established", 1, 86400,
	    &c->flow_timeout_established);
}

static int
ld_timeout_closed(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "flow.timeouts.closed", 1, 86400,
	    &c->flow_timeout_closed);
}

static const struct key_handler timeout_keys[] = {
	{ "new", ld_timeout_new },
	{ "established", ld_timeout_established },
	{ "closed", ld_timeout_closed },
	{ NULL, NULL },
};

static int
ld_flow_timeouts(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "flow.timeouts", timeout_keys, c);
}

static int
ld_stream_max_buffer(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_size(l, n, "stream.max-buffer", 4096, 1ULL << 30,
	    &c->stream_max_buffer);
}

static int
ld_defrag_max_datagrams(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "defrag.max-datagrams", 1, 1U << 20,
	    &c->defrag_max_datagrams);
}

static int
ld_defrag_max_memory(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_size(l, n, "defrag.max-memory", 1ULL << 16, 1ULL << 40,
	    &c->defrag_max_memory);
}

static int
ld_defrag_timeout(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "defrag.timeout", 1, 3600, &c->defrag_timeout);
}

/*
 * Running as a sensor: capture, output, syslog, alerts, stats, privacy and
 * run keys.
 */
static int
ld_capture_interfaces(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (load_strlist(l, n, "capture.interfaces", &c->capture_ifaces) != 0)
		return -1;
	if (c->capture_ifaces.n > CONFIG_MAX_IFACES)
		return fail(l, n, "capture.interfaces: at most %d interfaces",
		    CONFIG_MAX_IFACES);
	return 0;
}

static int
ld_capture_promisc(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "capture.promisc", &c->capture_promisc);
}

static int
ld_capture_snaplen(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "capture.snaplen", 64, 262144,
	    &c->capture_snaplen);
}

static int
ld_capture_buffer(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_size(l, n, "capture.buffer-size", 64ULL << 10, 1ULL << 31,
	    &c->capture_buffer);
}

static int
ld_capture_immediate(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "capture.immediate", &c->capture_immediate);
}

static int
ld_output_eve(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "output.eve", &c->eve_enabled);
}

static int
ld_syslog_enabled(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "syslog.enabled", &c->syslog_enabled);
}

static int
ld_syslog_ident(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (load_string(l, n, "syslog.ident", &c->syslog_ident) != 0)
		return -1;
	if (c->syslog_ident == NULL)
		return fail(l, n, "syslog.ident: empty");
	for (const char *p = c->syslog_ident; *p != '\0'; p++)
		if (*p <= ' ' || *p == ':' || *p == '[' || *p > '~')
			return fail(l, n, "syslog.ident: '%s': use letters, "
			    "digits and punctuation other than ':' and '['",
			    c->syslog_ident);
	if (strlen(c->syslog_ident) > 32)
		return fail(l, n, "syslog.ident: at most 32 characters");
	return 0;
}

static const struct {
	const char	*name;
	int		 value;
} syslog_facilities[] = {
	{ "kern", LOG_KERN }, { "user", LOG_USER }, { "mail", LOG_MAIL },
	{ "daemon", LOG_DAEMON }, { "auth", LOG_AUTH },
	{ "authpriv", LOG_AUTHPRIV }, { "syslog", LOG_SYSLOG },
	{ "lpr", LOG_LPR }, { "news", LOG_NEWS }, { "uucp", LOG_UUCP },
	{ "cron", LOG_CRON }, { "ftp", LOG_FTP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	{ NULL, 0 },
}, syslog_levels[] = {
	{ "emerg", LOG_EMERG }, { "alert", LOG_ALERT }, { "crit", LOG_CRIT },
	{ "err", LOG_ERR }, { "error", LOG_ERR }, { "warning", LOG_WARNING },
	{ "warn", LOG_WARNING }, { "notice", LOG_NOTICE },
	{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
	{ NULL, 0 },
};

static int
ld_syslog_facility(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (want_scalar(l, n, "syslog.facility") != 0)
		return -1;
	for (size_t i = 0; syslog_facilities[i].name != NULL; i++)
		if (strcasecmp(scalar(n), syslog_facilities[i].name) == 0) {
			c->syslog_facility = syslog_facilities[i].value;
			return 0;
		}
	return fail(l, n, "syslog.facility: '%s' is not a facility (local0 "
	    "to local7, daemon, user, ...)", scalar(n));
}

static int
ld_syslog_level(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (want_scalar(l, n, "syslog.level") != 0)
		return -1;
	for (size_t i = 0; syslog_levels[i].name != NULL; i++)
		if (strcasecmp(scalar(n), syslog_levels[i].name) == 0) {
			c->syslog_level = syslog_levels[i].value;
			return 0;
		}
	return fail(l, n, "syslog.level: '%s' is not a level (emerg, alert, "
	    "crit, err, warning, notice, info, debug)", scalar(n));
}

static int
ld_syslog_format(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (want_scalar(l, n, "syslog.format") != 0)
		return -1;
	if (strcmp(scalar(n), "line") == 0)
		c->syslog_json = false;
	else if (strcmp(scalar(n), "json") == 0)
		c->syslog_json = true;
	else
		return fail(l, n, "syslog.format: '%s': expected line or json",
		    scalar(n));
	return 0;
}

static int
ld_suppress_window(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "alerts.suppress-window", 0, 86400,
	    &c->suppress_window);
}

static int
ld_suppress_max(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "alerts.suppress-max-entries", 16, 1U << 24,
	    &c->suppress_max);
}

static int
ld_alerts_per_second(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "alerts.max-per-second", 0, 1000000,
	    &c->alerts_per_second);
}

static int
ld_stats_interval(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "stats.interval", 0, 86400, &c->stats_interval);
}

static int
ld_privacy_local_part(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (want_scalar(l, n, "privacy.local-part") != 0)
		return -1;
	if (strcmp(scalar(n), "keep") == 0)
		c->privacy = PRIVACY_KEEP;
	else if (strcmp(scalar(n), "mask") == 0)
		c->privacy = PRIVACY_MASK;
	else if (strcmp(scalar(n), "hash") == 0)
		c->privacy = PRIVACY_HASH;
	else
		return fail(l, n, "privacy.local-part: '%s': expected keep, "
		    "mask or hash", scalar(n));
	return 0;
}

static int
ld_privacy_key(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (load_string(l, n, "privacy.hash-key", &c->privacy_key) != 0)
		return -1;
	if (c->privacy_key == NULL || strlen(c->privacy_key) < 16)
		return fail(l, n, "privacy.hash-key: give at least 16 "
		    "characters");
	return 0;
}

static int
ld_run_user(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_string(l, n, "run.user", &c->run_user);
}

static int
ld_run_group(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_string(l, n, "run.group", &c->run_group);
}

static int
ld_run_pidfile(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_string(l, n, "run.pidfile", &c->run_pidfile);
}

static int
ld_run_sandbox(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "run.sandbox", &c->run_sandbox);
}

/* A section whose keys are all commented out ("run:" alone): defaults. */
static bool
empty_section(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0;
}

static const struct key_handler syslog_keys[] = {
	{ "enabled", ld_syslog_enabled },
	{ "ident", ld_syslog_ident },
	{ "facility", ld_syslog_facility },
	{ "level", ld_syslog_level },
	{ "format", ld_syslog_format },
	{ NULL, NULL },
};
static const struct key_handler alerts_keys[] = {
	{ "suppress-window", ld_suppress_window },
	{ "suppress-max-entries", ld_suppress_max },
	{ "max-per-second", ld_alerts_per_second },
	{ NULL, NULL },
};
static const struct key_handler stats_keys[] = {
	{ "interval", ld_stats_interval },
	{ NULL, NULL },
};
static const struct key_handler privacy_keys[] = {
	{ "local-part", ld_privacy_local_part },
	{ "hash-key", ld_privacy_key },
	{ NULL, NULL },
};
static const struct key_handler run_keys[] = {
	{ "user", ld_run_user },
	{ "group", ld_run_group },
	{ "pidfile", ld_run_pidfile },
	{ "sandbox", ld_run_sandbox },
	{ NULL, NULL },
};

static int
ld_syslog(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (empty_section(n))
		return 0;
	return walk_mapping(l, n, "syslog", syslog_keys, c);
}

static int
ld_alerts(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (empty_section(n))
		return 0;
	return walk_mapping(l, n, "alerts", alerts_keys, c);
}

static int
ld_stats(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (empty_section(n))
		return 0;
	return walk_mapping(l, n, "stats", stats_keys, c);
}

static int
ld_privacy(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (empty_section(n))
		return 0;
	if (walk_mapping(l, n, "privacy", privacy_keys, c) != 0)
		return -1;
	/* A hash without a key would be a hash anyone can reverse. */
	if (c->privacy == PRIVACY_HASH && c->privacy_key == NULL)
		return fail(l, n, "privacy: local-part: hash needs hash-key");
	return 0;
}

static int
ld_run(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (empty_section(n))
		return 0;
	return walk_mapping(l, n, "run", run_keys, c);
}

static const struct key_handler smtp_keys[] = {
	{ "ports", ld_smtp_ports },
	{ "detect-any-port", ld_smtp_detect },
	{ "max-pending", ld_smtp_max_pending },
	{ "max-recipients", ld_smtp_max_rcpts },
	{ NULL, NULL },
};
static const struct key_handler flow_keys[] = {
	{ "max-flows", ld_flow_max_flows },
	{ "max-memory", ld_flow_max_memory },
	{ "timeouts", ld_flow_timeouts },
	{ NULL, NULL },
};
static const struct key_handler stream_keys[] = {
	{ "max-buffer", ld_stream_max_buffer },
	{ NULL, NULL },
};
static const struct key_handler defrag_keys[] = {
	{ "max-datagrams", ld_defrag_max_datagrams },
	{ "max-memory", ld_defrag_max_memory },
	{ "timeout", ld_defrag_timeout },
	{ NULL, NULL },
};

static int
ld_smtp(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "smtp", smtp_keys, c);
}

static int
ld_flow(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "flow", flow_keys, c);
}

static int
ld_stream(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "stream", stream_keys, c);
}

static int
ld_defrag(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "defrag", defrag_keys, c);
}

/*
 * decoder.*: which encapsulations are decoded (decoders/decode_tunnel.c).
 * A disabled one is left as the outer packet, as before.
 */
static int
load_decoder_ports(struct loader *l, yaml_node_t *n, const char *key,
    uint16_t *ports, uint8_t *count)
{
	uint16_t v[CONFIG_MAX_PORTS];
	size_t got;

	if (load_ports(l, n, key, v, &got) != 0)
		return -1;
	if (got > DECODE_MAX_PORTS)
		return fail(l, n, "%s: give at most %d ports", key,
		    DECODE_MAX_PORTS);
	memcpy(ports, v, got * sizeof(v[0]));
	*count = (uint8_t)got;
	return 0;
}

#define DECODER_BOOL(fn, field, key)					\
static int								\
fn(struct loader *l, yaml_node_t *n, struct ts_config *c)		\
{									\
	return load_bool(l, n, key, &c->decoder.field);			\
}
DECODER_BOOL(ld_dec_vxlan, vxlan, "decoder.vxlan.enabled")
DECODER_BOOL(ld_dec_geneve, geneve, "decoder.geneve.enabled")
DECODER_BOOL(ld_dec_gre, gre, "decoder.gre.enabled")
DECODER_BOOL(ld_dec_erspan, erspan, "decoder.erspan.enabled")
DECODER_BOOL(ld_dec_ipip, ipip, "decoder.ipip.enabled")
DECODER_BOOL(ld_dec_mpls, mpls, "decoder.mpls.enabled")
DECODER_BOOL(ld_dec_pppoe, pppoe, "decoder.pppoe.enabled")
#undef DECODER_BOOL

static int
ld_dec_vxlan_ports(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_decoder_ports(l, n, "decoder.vxlan.ports",
	    c->decoder.vxlan_ports, &c->decoder.n_vxlan_ports);
}

static int
ld_dec_geneve_ports(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_decoder_ports(l, n, "decoder.geneve.ports",
	    c->decoder.geneve_ports, &c->decoder.n_geneve_ports);
}

static int
ld_dec_gre_udp_ports(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_decoder_ports(l, n, "decoder.gre.udp-ports",
	    c->decoder.gre_udp_ports, &c->decoder.n_gre_udp_ports);
}

static int
ld_dec_max_depth(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	uint32_t v;

	if (load_u32(l, n, "decoder.max-depth", 1, DECODE_DEPTH_MAX, &v) != 0)
		return -1;
	c->decoder.max_depth = (uint8_t)v;
	return 0;
}

static int
ld_dec_mpls_labels(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	uint32_t v;

	if (load_u32(l, n, "decoder.mpls.max-labels", 1, 64, &v) != 0)
		return -1;
	c->decoder.mpls_max_labels = (uint8_t)v;
	return 0;
}

static const struct key_handler dec_vxlan_keys[] = {
	{ "enabled", ld_dec_vxlan },
	{ "ports", ld_dec_vxlan_ports },
	{ NULL, NULL },
};
static const struct key_handler dec_geneve_keys[] = {
	{ "enabled", ld_dec_geneve },
	{ "ports", ld_dec_geneve_ports },
	{ NULL, NULL },
};
static const struct key_handler dec_gre_keys[] = {
	{ "enabled", ld_dec_gre },
	{ "udp-ports", ld_dec_gre_udp_ports },
	{ NULL, NULL },
};
static const struct key_handler dec_erspan_keys[] = {
	{ "enabled", ld_dec_erspan },
	{ NULL, NULL },
};
static const struct key_handler dec_ipip_keys[] = {
	{ "enabled", ld_dec_ipip },
	{ NULL, NULL },
};
static const struct key_handler dec_mpls_keys[] = {
	{ "enabled", ld_dec_mpls },
	{ "max-labels", ld_dec_mpls_labels },
	{ NULL, NULL },
};
static const struct key_handler dec_pppoe_keys[] = {
	{ "enabled", ld_dec_pppoe },
	{ NULL, NULL },
};

#define DECODER_SECTION(fn, name)					\
static int								\
fn(struct loader *l, yaml_node_t *n, struct ts_config *c)		\
{									\
	if (empty_section(n))						\
		return 0;						\
	return walk_mapping(l, n, "decoder." #name, dec_##name##_keys, c); \
}
DECODER_SECTION(ld_dec_vxlan_section, vxlan)
DECODER_SECTION(ld_dec_geneve_section, geneve)
DECODER_SECTION(ld_dec_gre_section, gre)
DECODER_SECTION(ld_dec_erspan_section, erspan)
DECODER_SECTION(ld_dec_ipip_section, ipip)
DECODER_SECTION(ld_dec_mpls_section, mpls)
DECODER_SECTION(ld_dec_pppoe_section, pppoe)
#undef DECODER_SECTION

static const struct key_handler decoder_keys[] = {
	{ "max-depth", ld_dec_max_depth },
	{ "vxlan", ld_dec_vxlan_section },
	{ "geneve", ld_dec_geneve_section },
	{ "gre", ld_dec_gre_section },
	{ "erspan", ld_dec_erspan_section },
	{ "ipip", ld_dec_ipip_section },
	{ "mpls", ld_dec_mpls_section },
	{ "pppoe", ld_dec_pppoe_section },
	{ NULL, NULL },
};

static int
ld_decoder(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (empty_section(n))
		return 0;
	if (walk_mapping(l, n, "decoder", decoder_keys, c) != 0)
		return -1;
	decode_opts_finish(&c->decoder);
	return 0;
}

static void
labelmap_free(struct labelmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->key[i]);
		strlist_free(&m->list[i]);
	}
	free(m->key);
	free(m->line);
	free(m->col);
	free(m->list);
	memset(m, 0, sizeof(*m));
}

static void
intmap_free(struct intmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->key[i]);
	free(m->key);
	free(m->line);
	free(m->col);
	free(m->value);
	memset(m, 0, sizeof(*m));
}

/* protect.labels: { mil: [army, navy], gov: [irs] } */
static int
ld_protect_labels(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	struct labelmap *m = &c->protect_labels;
	size_t count;

	labelmap_free(m);
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n, "protect.labels: expected a mapping of TLDs "
		    "to lists of labels");
	count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (count == 0)
		return 0;
	m->key = calloc(count, sizeof(*m->key));
	m->line = calloc(count, sizeof(*m->line));
	m->col = calloc(count, sizeof(*m->col));
	m->list = calloc(count, sizeof(*m->list));
	if (m->key == NULL || m->line == NULL || m->col == NULL ||
	    m->list == NULL)
		return fail(l, n, "protect.labels: out of memory");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			return fail(l, n, "protect.labels: keys must be TLDs");
		/* The analyser misses *_free()'s memset: n starts at 0. */
		for (size_t i = 0; i < m->n; i++)
			/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
			if (strcmp(m->key[i], scalar(k)) == 0)
				return fail(l, k, "key '%s' given twice in "
				    "protect.labels", scalar(k));
		if ((m->key[m->n] = strdup(scalar(k))) == NULL)
			return fail(l, k, "protect.labels: out of memory");
		m->line[m->n] = (unsigned)k->start_mark.line + 1;
		m->col[m->n] = (unsigned)k->start_mark.column + 1;
		m->n++;
		if (load_strlist(l, v, "protect.labels", &m->list[m->n - 1]) != 0)
			return -1;
	}
	return 0;
}

/* A mapping of names to severities 1 (high) to 4 (low). */
static int
load_intmap(struct loader *l, yaml_node_t *n, const char *key,
    struct intmap *m)
{
	size_t count;

	intmap_free(m);
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n, "%s: expected a mapping of names to "
		    "severities", key);
	count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (count == 0)
		return 0;
	m->key = calloc(count, sizeof(*m->key));
	m->line = calloc(count, sizeof(*m->line));
	m->col = calloc(count, sizeof(*m->col));
	m->value = calloc(count, sizeof(*m->value));
	if (m->key == NULL || m->line == NULL || m->col == NULL ||
	    m->value == NULL)
		return fail(l, n, "%s: out of memory", key);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		unsigned long long sev;
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			return fail(l, n, "%s: keys must be names", key);
		/* The analyser misses *_free()'s memset: n starts at 0. */
		for (size_t i = 0; i < m->n; i++)
			/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
			if (strcmp(m->key[i], scalar(k)) == 0)
				return fail(l, k, "key '%s' given twice in %s",
				    scalar(k), key);
		if (load_number(l, v, key, false, 1, 4, &sev) != 0)
			return -1;
		if ((m->key[m->n] = strdup(scalar(k))) == NULL)
			return fail(l, k, "%s: out of memory", key);
		m->line[m->n] = (unsigned)k->start_mark.line + 1;
		m->col[m->n] = (unsigned)k->start_mark.column + 1;
		m->value[m->n] = (int)sev;
		m->n++;
	}
	return 0;
}

static int
ld_typo_flag_tlds(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_strlist(l, n, "typo.flag-tlds", &c->typo_flag_tlds);
}

static int
ld_typo_append_tlds(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_strlist(l, n, "typo.append-tlds", &c->typo_append_tlds);
}

static int
ld_typo_swap_tlds(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_strlist(l, n, "typo.swap-tlds", &c->typo_swap_tlds);
}

static int
ld_typo_min_label(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "typo.min-label-length", 1, 63,
	    &c->typo_min_label);
}

static int
ld_typo_max_distance(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "typo.max-distance", 1, 2,
	    &c->typo_max_distance);
}

static int
ld_typo_long_label(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "typo.long-label-length", 1, 63,
	    &c->typo_long_label);
}

static int
ld_typo_severity(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_intmap(l, n, "typo.severity", &c->typo_class_severity);
}

static int
ld_typo_rule_severity(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_intmap(l, n, "typo.rule-severity", &c->typo_rule_severity);
}

static int
ld_correlation_window(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "correlation.window", 0, 86400,
	    &c->incident_window);
}

static const struct key_handler correlation_keys[] = {
	{ "window", ld_correlation_window },
	{ NULL, NULL },
};

static int
ld_correlation(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "correlation", correlation_keys, c);
}

static const struct key_handler typo_keys[] = {
	{ "flag-tlds", ld_typo_flag_tlds },
	{ "append-tlds", ld_typo_append_tlds },
	{ "swap-tlds", ld_typo_swap_tlds },
	{ "min-label-length", ld_typo_min_label },
	{ "max-distance", ld_typo_max_distance },
	{ "long-label-length", ld_typo_long_label },
	{ "severity", ld_typo_severity },
	{ "rule-severity", ld_typo_rule_severity },
	{ NULL, NULL },
};

static int
ld_typo(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "typo", typo_keys, c);
}

static const struct key_handler protect_keys[] = {
	{ "tlds", ld_protect_tlds },
	{ "labels", ld_protect_labels },
	{ "domains", ld_protect_domains },
	{ NULL, NULL },
};
static const struct key_handler dns_keys[] = {
	{ "ports", ld_dns_ports },
	{ "alert-qtypes", ld_dns_qtypes },
	{ NULL, NULL },
};
static const struct key_handler capture_keys[] = {
	{ "filter", ld_capture_filter },
	{ "interfaces", ld_capture_interfaces },
	{ "promisc", ld_capture_promisc },
	{ "snaplen", ld_capture_snaplen },
	{ "buffer-size", ld_capture_buffer },
	{ "immediate", ld_capture_immediate },
	{ NULL, NULL },
};
static int
ld_output_dns(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "output.dns", &c->log_dns);
}

static int
ld_output_smtp(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "output.smtp", &c->log_smtp);
}

static int
ld_output_format(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (want_scalar(l, n, "output.format") != 0)
		return -1;
	if (strcmp(scalar(n), "auto") == 0)
		c->output_format = OUTPUT_FORMAT_AUTO;
	else if (strcmp(scalar(n), "eve") == 0)
		c->output_format = OUTPUT_FORMAT_EVE;
	else if (strcmp(scalar(n), "line") == 0)
		c->output_format = OUTPUT_FORMAT_LINE;
	else
		return fail(l, n, "output.format: '%s': expected eve, line or "
		    "auto", scalar(n));
	return 0;
}

static const struct key_handler output_keys[] = {
	{ "dir", ld_output_dir },
	{ "dns", ld_output_dns },
	{ "smtp", ld_output_smtp },
	{ "stdout", ld_output_stdout },
	{ "eve", ld_output_eve },
	{ "format", ld_output_format },
	{ NULL, NULL },
};

static int
ld_protect(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "protect", protect_keys, c);
}

static int
ld_dns(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "dns", dns_keys, c);
}

static int
ld_capture(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "capture", capture_keys, c);
}

static int
ld_output(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return walk_mapping(l, n, "output", output_keys, c);
}

static const struct key_handler top_keys[] = {
	{ "protect", ld_protect },
	{ "allow", ld_allow },
	{ "typo", ld_typo },
	{ "correlation", ld_correlation },
	{ "dns", ld_dns },
	{ "smtp", ld_smtp },
	{ "flow", ld_flow },
	{ "stream", ld_stream },
	{ "defrag", ld_defrag },
	{ "decoder", ld_decoder },
	{ "capture", ld_capture },
	{ "output", ld_output },
	{ "syslog", ld_syslog },
	{ "alerts", ld_alerts },
	{ "stats", ld_stats },
	{ "privacy", ld_privacy },
	{ "run", ld_run },
	{ NULL, NULL },
};

void
config_defaults(struct ts_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->dns_ports[0] = 53;
	cfg->n_dns_ports = 1;
	cfg->alert_qtypes[0] = LDNS_RR_TYPE_MX;
	cfg->n_alert_qtypes = 1;
	cfg->smtp_ports[0] = 25;
	cfg->smtp_ports[1] = 587;
	cfg->smtp_ports[2] = 2525;
	cfg->n_smtp_ports = 3;
	cfg->smtp_detect = true;
	cfg->smtp_max_pending = SMTP_MAX_PENDING;
	cfg->smtp_max_rcpts = SMTP_MAX_RCPTS;
	cfg->typo_min_label = 3;
	cfg->incident_window = 600;
	cfg->typo_max_distance = 1;
	cfg->typo_long_label = 10;
	cfg->flow_max_flows = 65536;
	cfg->flow_max_memory = 64u << 20;
	cfg->flow_timeout_new = 30;
	cfg->flow_timeout_established = 600;
	cfg->flow_timeout_closed = 10;
	cfg->stream_max_buffer = 256u << 10;
	cfg->defrag_max_datagrams = 4096;
	cfg->defrag_max_memory = 16u << 20;
	cfg->defrag_timeout = 30;
	decode_opts_default(&cfg->decoder);

	cfg->capture_promisc = true;
	cfg->capture_snaplen = 65535;
	cfg->capture_buffer = 32u << 20;
	cfg->capture_immediate = false;
	cfg->eve_enabled = true;
	cfg->output_format = OUTPUT_FORMAT_AUTO;
	cfg->syslog_facility = LOG_LOCAL5;
	cfg->syslog_level = LOG_NOTICE;
	cfg->suppress_window = 0;
	cfg->suppress_max = 65536;
	cfg->alerts_per_second = 1000;
	cfg->run_sandbox = true;
	cfg->stats_interval = 60;
	cfg->privacy = PRIVACY_KEEP;
}

void
config_free(struct ts_config *cfg)
{
	strlist_free(&cfg->protect_tlds);
	strlist_free(&cfg->protect_domains);
	strlist_free(&cfg->allow);
	labelmap_free(&cfg->protect_labels);
	strlist_free(&cfg->typo_flag_tlds);
	strlist_free(&cfg->typo_append_tlds);
	strlist_free(&cfg->typo_swap_tlds);
	intmap_free(&cfg->typo_class_severity);
	intmap_free(&cfg->typo_rule_severity);
	free(cfg->bpf_filter);
	free(cfg->log_dir);
	free(cfg->path);
	strlist_free(&cfg->capture_ifaces);
	free(cfg->syslog_ident);
	free(cfg->privacy_key);
	free(cfg->run_user);
	free(cfg->run_group);
	free(cfg->run_pidfile);
	memset(cfg, 0, sizeof(*cfg));
}

int
config_parse(struct ts_config *cfg, const char *name, const char *text,
    size_t len, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct loader l = { name, &doc, err, errlen };
	int rc = -1;

	config_defaults(cfg);
	if ((cfg->path = strdup(name)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "%s: cannot initialise the YAML parser",
		    name);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: YAML error: %s%s%s", name,
		    parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1,
		    parser.problem != NULL ? parser.problem : "unknown",
		    parser.context != NULL ? " " : "",
		    parser.context != NULL ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root == NULL)
		rc = 0;			/* an empty file: all defaults */
	else
		rc = walk_mapping(&l, root, "the top level", top_keys, cfg);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int
config_load(struct ts_config *cfg, const char *path, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc;

	config_defaults(cfg);
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			/* A configuration is small; 16 MiB is a generous cap. */
			if (cap >= (16u << 20)) {
				snprintf(err, errlen, "%s: file too large", path);
				goto fail;
			}
			cap = cap == 0 ? 4096 : cap * 2;
			char *n = realloc(text, cap);
			if (n == NULL) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			text = n;
		}
		size_t got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	fclose(f);
	rc = config_parse(cfg, path, text, len, err, errlen);
	free(text);
	return rc;
fail:
	fclose(f);
	free(text);
	return -1;
}
