/*
 * config_values.c — the typed values of the configuration, read from
 * libyaml nodes: lists of names, ports, DNS record types, counts and sizes,
 * booleans, strings, and mappings of names to lists or to severities.
 *
 * Each loader checks the node's type and range and reports the first
 * problem as "FILE:LINE:COL: key: message" (config.c walks the keys).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stdbool.h>		/* before ldns, which else makes bool a signed char */

#include <ldns/ldns.h>

#include "config_values.h"

void
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

const char *
scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

int
want_scalar(struct loader *l, const yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE)
		return fail(l, n, "%s: expected a single value", key);
	return 0;
}

void
strlist_free(struct strlist *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	free(s->line);
	free(s->col);
	memset(s, 0, sizeof(*s));
}

int
strlist_add(struct strlist *s, const char *name, unsigned line, unsigned col)
{
	char **v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (v != NULL)
		s->v = v;
	unsigned *nl = realloc(s->line, (s->n + 1) * sizeof(*nl));
	if (nl != NULL)
		s->line = nl;
	unsigned *nc = realloc(s->col, (s->n + 1) * sizeof(*nc));
	if (nc != NULL)
		s->col = nc;
	if (v == NULL || nl == NULL || nc == NULL ||
	    (s->v[s->n] = strdup(name)) == NULL)
		return -1;
	s->line[s->n] = line;
	s->col[s->n] = col;
	s->n++;
	return 0;
}

/* A sequence of strings; a single scalar is taken as a list of one. */
int
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

int
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

int
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
int
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

int
load_u32(struct loader *l, yaml_node_t *n, const char *key,
    unsigned long long min, unsigned long long max, uint32_t *out)
{
	unsigned long long v;

	if (load_number(l, n, key, false, min, max, &v) != 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
load_size(struct loader *l, yaml_node_t *n, const char *key,
    unsigned long long min, unsigned long long max, size_t *out)
{
	unsigned long long v;

	if (load_number(l, n, key, true, min, max, &v) != 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

int
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

int
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

void
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

void
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

/* A mapping of names to lists of names: { mil: [army, navy], gov: [irs] } */
int
load_labelmap(struct loader *l, yaml_node_t *n, const char *key,
    struct labelmap *m)
{
	size_t count;

	labelmap_free(m);
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n, "%s: expected a mapping of TLDs to lists of "
		    "labels", key);
	count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (count == 0)
		return 0;
	m->key = calloc(count, sizeof(*m->key));
	m->line = calloc(count, sizeof(*m->line));
	m->col = calloc(count, sizeof(*m->col));
	m->list = calloc(count, sizeof(*m->list));
	if (m->key == NULL || m->line == NULL || m->col == NULL ||
	    m->list == NULL)
		return fail(l, n, "%s: out of memory", key);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			return fail(l, n, "%s: keys must be TLDs", key);
		/* The analyser misses *_free()'s memset: n starts at 0. */
		for (size_t i = 0; i < m->n; i++)
			/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
			if (strcmp(m->key[i], scalar(k)) == 0)
				return fail(l, k, "key '%s' given twice in %s",
				    scalar(k), key);
		if ((m->key[m->n] = strdup(scalar(k))) == NULL)
			return fail(l, k, "%s: out of memory", key);
		m->line[m->n] = (unsigned)k->start_mark.line + 1;
		m->col[m->n] = (unsigned)k->start_mark.column + 1;
		m->n++;
		if (load_strlist(l, v, key, &m->list[m->n - 1]) != 0)
			return -1;
	}
	return 0;
}

/* A mapping of names to severities 1 (high) to 4 (low). */
int
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
