/*
 * config_load.h — the YAML walking helpers of config.c, shared with the
 * files that load one section each (config_policy.c).  Not for use outside
 * the configuration loader.
 */
#ifndef TS_CONFIG_LOAD_H
#define TS_CONFIG_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

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
void fail_at(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define fail(...)	(fail_at(__VA_ARGS__), -1)

/* The keys of one mapping, dispatched by a table. */
struct key_handler {
	const char	*key;
	int		(*load)(struct loader *, yaml_node_t *, struct ts_config *);
};

int walk_mapping(struct loader *l, yaml_node_t *n, const char *where,
    const struct key_handler *keys, struct ts_config *cfg);
/* A section whose keys are all commented out ("run:" alone). */
bool empty_section(const yaml_node_t *n);

const char *scalar(const yaml_node_t *n);
int want_scalar(struct loader *l, const yaml_node_t *n, const char *key);
int load_strlist(struct loader *l, yaml_node_t *n, const char *key,
    struct strlist *out);
void strlist_free(struct strlist *s);
int load_u32(struct loader *l, yaml_node_t *n, const char *key,
    unsigned long long min, unsigned long long max, uint32_t *out);
int load_size(struct loader *l, yaml_node_t *n, const char *key,
    unsigned long long min, unsigned long long max, size_t *out);
int load_string(struct loader *l, yaml_node_t *n, const char *key,
    char **out);

/* config_policy.c: the policy section. */
int config_load_policy(struct loader *l, yaml_node_t *n, struct ts_config *c);
void config_policy_defaults(struct policy_config *p);
void config_policy_free(struct policy_config *p);

#endif
