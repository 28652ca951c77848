/*
 * config_show.c — the values of the configuration as text: what
 * `typosentry --dump-config` writes for each key (in YAML flow form, so a
 * line can be pasted back into a file), and what -T says is protected.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <ldns/ldns.h>

#include "config_show.h"

/* Plain YAML scalars need no quotes: names, numbers, paths. */
static bool
plain(const char *s)
{
	if (*s == '\0' || strchr("-?:,[]{}#&*!|>'\"%@` ", *s) != NULL)
		return false;
	for (const char *p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c >= 0x7f || strchr(",[]{}#'\"", c) != NULL ||
		    (c == ':' && (p[1] == ' ' || p[1] == '\0')))
			return false;
	}
	return s[strlen(s) - 1] != ' ';
}

void
config_show_string(FILE *f, const char *s)
{
	if (plain(s)) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (const char *p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
show_names(FILE *f, const struct strlist *l)
{
	fputc('[', f);
	for (size_t i = 0; i < l->n; i++) {
		if (i > 0)
			fputs(", ", f);
		config_show_string(f, l->v[i]);
	}
	fputc(']', f);
}

static void
show_size(FILE *f, size_t v)
{
	static const struct {
		const char	*unit;
		unsigned	 shift;
	} units[] = { { "gb", 30 }, { "mb", 20 }, { "kb", 10 } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (v != 0 && v % ((size_t)1 << units[i].shift) == 0) {
			fprintf(f, "%zu%s", v >> units[i].shift, units[i].unit);
			return;
		}
	fprintf(f, "%zu", v);
}

void
config_show_value(FILE *f, const struct ts_config *cfg,
    const struct config_show *s)
{
	const char *field = (const char *)cfg + s->off;
	size_t count = 0;

	if (s->kind == SHOW_PORTS || s->kind == SHOW_QTYPES)
		memcpy(&count, (const char *)cfg + s->off2, sizeof(count));
	switch (s->kind) {
	case SHOW_NONE:
		break;
	case SHOW_NAMES:
		show_names(f, (const struct strlist *)(const void *)field);
		break;
	case SHOW_LABELS: {
		const struct labelmap *m = (const void *)field;
		fputc('{', f);
		for (size_t i = 0; i < m->n; i++) {
			fprintf(f, "%s", i > 0 ? ", " : "");
			config_show_string(f, m->key[i]);
			fputs(": ", f);
			show_names(f, &m->list[i]);
		}
		fputc('}', f);
		break;
	}
	case SHOW_SEVERITIES: {
		const struct intmap *m = (const void *)field;
		fputc('{', f);
		for (size_t i = 0; i < m->n; i++) {
			fprintf(f, "%s", i > 0 ? ", " : "");
			config_show_string(f, m->key[i]);
			fprintf(f, ": %d", m->value[i]);
		}
		fputc('}', f);
		break;
	}
	case SHOW_COUNT: {
		uint32_t v;
		memcpy(&v, field, sizeof(v));
		fprintf(f, "%u", v);
		break;
	}
	case SHOW_SIZE: {
		size_t v;
		memcpy(&v, field, sizeof(v));
		show_size(f, v);
		break;
	}
	case SHOW_BOOL: {
		bool v;
		memcpy(&v, field, sizeof(v));
		fputs(v ? "true" : "false", f);
		break;
	}
	case SHOW_STRING:
	case SHOW_SECRET: {
		const char *v;
		memcpy(&v, field, sizeof(v));
		if (v == NULL)
			fputs("(unset)", f);
		else if (s->kind == SHOW_SECRET)
			fputs("(set, not shown)", f);
		else
			config_show_string(f, v);
		break;
	}
	case SHOW_PORTS:
	case SHOW_QTYPES: {
		const uint16_t *v = (const void *)field;
		fputc('[', f);
		for (size_t i = 0; i < count; i++) {
			fprintf(f, "%s", i > 0 ? ", " : "");
			const ldns_rr_descriptor *d = s->kind == SHOW_QTYPES ?
			    ldns_rr_descript(v[i]) : NULL;
			if (d != NULL && d->_name != NULL)
				fputs(d->_name, f);
			else if (s->kind == SHOW_QTYPES)
				fprintf(f, "TYPE%u", v[i]);
			else
				fprintf(f, "%u", v[i]);
		}
		fputc(']', f);
		break;
	}
	case SHOW_FN:
		s->fn(f, cfg);
		break;
	}
}

static void
origin(FILE *f, const struct ts_config *cfg, const char *key)
{
	unsigned line;

	if (config_key_set(cfg, key, &line))
		fprintf(f, " (%s:%u)\n", cfg->path, line);
	else
		fputs(" (default)\n", f);
}

void
config_describe_protected(FILE *f, const char *prefix,
    const struct ts_config *cfg)
{
	const struct labelmap *m = &cfg->protect_labels;
	size_t nlabels = 0;

	fprintf(f, "%sprotected TLDs: ", prefix);
	show_names(f, &cfg->protect_tlds);
	origin(f, cfg, "protect.tlds");

	for (size_t i = 0; i < m->n; i++)
		nlabels += m->list[i].n;
	fprintf(f, "%sknown labels (%zu): ", prefix, nlabels);
	config_show_value(f, cfg, &(struct config_show){ SHOW_LABELS,
	    offsetof(struct ts_config, protect_labels), 0, NULL });
	origin(f, cfg, "protect.labels");

	fprintf(f, "%sprotected domains (%zu): ", prefix,
	    cfg->protect_domains.n);
	show_names(f, &cfg->protect_domains);
	origin(f, cfg, "protect.domains");

	fprintf(f, "%sallowed: ", prefix);
	show_names(f, &cfg->allow);
	origin(f, cfg, "allow");
}
