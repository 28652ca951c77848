/*
 * config_values.h — reading the typed values of the configuration from
 * libyaml nodes (config_values.c); shared by the key walk (config.c).
 *
 * Every loader returns 0, or -1 with "NAME:LINE:COL: KEY: message" in the
 * loader's error buffer.  A loader replaces what its output held before
 * (a default), so a key given in a file wins over the default whole.
 */
#ifndef TS_CONFIG_VALUES_H
#define TS_CONFIG_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "config.h"

struct loader {
	const char	*name;		/* the file, for messages */
	yaml_document_t	*doc;
	char		*err;
	size_t		 errlen;
	bool		 record;	/* note the keys set (a user's file) */
};

/*
 * Writes "NAME:LINE:COL: message" to the loader's error buffer.  Called as
 * fail(...), whose value is -1: a macro, so that the static analysers
 * (which do not follow variadic calls) see that every error path returns
 * -1 and leaves no output half set.
 */
void fail_at(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define fail(...)	(fail_at(__VA_ARGS__), -1)

const char *scalar(const yaml_node_t *n);
int want_scalar(struct loader *l, const yaml_node_t *n, const char *key);

/* A sequence of names; a single scalar is taken as a list of one. */
int load_strlist(struct loader *l, yaml_node_t *n, const char *key,
    struct strlist *out);
int load_ports(struct loader *l, yaml_node_t *n, const char *key,
    uint16_t *ports, size_t *count);
int load_qtypes(struct loader *l, yaml_node_t *n, const char *key,
    uint16_t *types, size_t *count);
/* A count, or with size, a size with an optional k/m/g suffix. */
int load_number(struct loader *l, yaml_node_t *n, const char *key, bool size,
    unsigned long long min, unsigned long long max, unsigned long long *out);
int load_u32(struct loader *l, yaml_node_t *n, const char *key,
    unsigned long long min, unsigned long long max, uint32_t *out);
int load_size(struct loader *l, yaml_node_t *n, const char *key,
    unsigned long long min, unsigned long long max, size_t *out);
int load_bool(struct loader *l, yaml_node_t *n, const char *key, bool *out);
/* A string; an empty one leaves *out NULL (unset). */
int load_string(struct loader *l, yaml_node_t *n, const char *key,
    char **out);
int load_labelmap(struct loader *l, yaml_node_t *n, const char *key,
    struct labelmap *m);
/* A mapping of names to severities 1 (high) to 4 (low). */
int load_intmap(struct loader *l, yaml_node_t *n, const char *key,
    struct intmap *m);

/* Appends a copy of name to s; -1 when out of memory. */
int strlist_add(struct strlist *s, const char *name, unsigned line,
    unsigned col);
void strlist_free(struct strlist *s);
void labelmap_free(struct labelmap *m);
void intmap_free(struct intmap *m);

#endif
