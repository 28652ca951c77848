/*
 * config_show.h — how --dump-config writes the value of each key
 * (config_show.c), and the -T summary of what is protected.
 *
 * Each row of config.c's key tables says how its value is shown: a kind
 * and the offset of the field in struct ts_config (and of its count, for
 * fixed arrays), or a function of its own for values that need one.
 */
#ifndef TS_CONFIG_SHOW_H
#define TS_CONFIG_SHOW_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"

enum show_kind {
	SHOW_NONE,		/* a section: its keys are shown */
	SHOW_NAMES,		/* struct strlist: [a, b] */
	SHOW_LABELS,		/* struct labelmap: {mil: [army, navy]} */
	SHOW_SEVERITIES,	/* struct intmap: {homoglyph: 1} */
	SHOW_COUNT,		/* uint32_t */
	SHOW_SIZE,		/* size_t, in bytes: 64mb when exact */
	SHOW_BOOL,		/* bool */
	SHOW_STRING,		/* char *, NULL: unset */
	SHOW_SECRET,		/* char *, never written out: (set) */
	SHOW_PORTS,		/* uint16_t[], count at off2 (size_t) */
	SHOW_QTYPES,		/* uint16_t[] of record types, count at off2 */
	SHOW_FN,		/* fn writes it */
};

struct config_show {
	enum show_kind	 kind;
	size_t		 off;		/* of the field in struct ts_config */
	size_t		 off2;		/* of its count (SHOW_PORTS, _QTYPES) */
	void		(*fn)(FILE *f, const struct ts_config *cfg);
};

/* Writes the value of one key in YAML flow form ("[53]", "64mb", "(unset)"). */
void config_show_value(FILE *f, const struct ts_config *cfg,
    const struct config_show *s);

/* Writes a YAML flow string: plain when it can be, quoted otherwise. */
void config_show_string(FILE *f, const char *s);

/*
 * Writes, one line each after prefix, the protected TLDs, known labels,
 * protected domains and allowed names in force, and where each list came
 * from (the file, or the default): what -T reports.
 */
void config_describe_protected(FILE *f, const char *prefix,
    const struct ts_config *cfg);

#endif
