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

#include <ldns/ldns.h>
#include <yaml.h>

#include "config.h"

struct loader {
	const char	*name;
	yaml_document_t	*doc;
	char		*err;
	size_t		 errlen;
};

static int
fail(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int o;

	o = snprintf(l->err, l->errlen, "%s:%zu:%zu: ", l->name,
	    n->start_mark.line + 1, n->start_mark.column + 1);
	if (o < 0 || (size_t)o >= l->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(l->err + o, l->errlen - (size_t)o, fmt, ap);
	va_end(ap);
	return -1;
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

static const struct key_handler smtp_keys[] = {
	{ "ports", ld_smtp_ports },
	{ "detect-any-port", ld_smtp_detect },
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

static const struct key_handler protect_keys[] = {
	{ "tlds", ld_protect_tlds },
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

static const struct key_handler output_keys[] = {
	{ "dir", ld_output_dir },
	{ "dns", ld_output_dns },
	{ "smtp", ld_output_smtp },
	{ "stdout", ld_output_stdout },
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
	{ "dns", ld_dns },
	{ "smtp", ld_smtp },
	{ "flow", ld_flow },
	{ "stream", ld_stream },
	{ "defrag", ld_defrag },
	{ "capture", ld_capture },
	{ "output", ld_output },
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
	cfg->flow_max_flows = 65536;
	cfg->flow_max_memory = 64u << 20;
	cfg->flow_timeout_new = 30;
	cfg->flow_timeout_established = 600;
	cfg->flow_timeout_closed = 10;
	cfg->stream_max_buffer = 256u << 10;
	cfg->defrag_max_datagrams = 4096;
	cfg->defrag_max_memory = 16u << 20;
	cfg->defrag_timeout = 30;
}

void
config_free(struct ts_config *cfg)
{
	strlist_free(&cfg->protect_tlds);
	strlist_free(&cfg->protect_domains);
	strlist_free(&cfg->allow);
	free(cfg->bpf_filter);
	free(cfg->log_dir);
	free(cfg->path);
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
