/*
 * config_keys.h — the tables of keys the configuration loader walks
 * (config.c), shared by the files that hold a section's keys
 * (config_decoder.c, config_output.c, config_policy.c).  Internal to
 * rules/config*.c.
 */
#ifndef TS_CONFIG_KEYS_H
#define TS_CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "config.h"
#include "config_show.h"
#include "config_values.h"

/*
 * The keys of one mapping, dispatched by a table.  A row is a key, with
 * how --dump-config shows its value (config_show.h), or a section, with
 * the table of its keys: adding a key is one row, and the dump has it.
 */
struct key_handler {
	const char	*key;
	int		(*load)(struct loader *, yaml_node_t *, struct ts_config *);
	const struct key_handler *sub;		/* a section's keys */
	struct config_show show;		/* a key's value */
};

#define KEY(name, fn, kind, field) { name, fn, NULL, \
	{ SHOW_##kind, offsetof(struct ts_config, field), 0, NULL } }
/* A fixed array and its count (ports, record types). */
#define KEY_N(name, fn, kind, field, count) { name, fn, NULL, \
	{ SHOW_##kind, offsetof(struct ts_config, field), \
	offsetof(struct ts_config, count), NULL } }
/* A value shown by a function of its own. */
#define KEY_FN(name, fn, show_fn) { name, fn, NULL, \
	{ SHOW_FN, 0, 0, show_fn } }
#define SECTION(name, fn, keys) { name, fn, keys, { SHOW_NONE, 0, 0, NULL } }
#define END_KEYS { NULL, NULL, NULL, { SHOW_NONE, 0, 0, NULL } }

/*
 * Walks mapping n (section where: "output.redis") by keys: an unknown key,
 * one given twice or a value its loader refuses is an error naming it.
 */
int config_walk(struct loader *l, yaml_node_t *n, const char *where,
    const struct key_handler *keys, struct ts_config *cfg);

/* A section whose keys are all commented out ("run:" alone): defaults. */
bool config_empty_section(const yaml_node_t *n);

/* The sections kept in files of their own, and their loaders. */
extern const struct key_handler config_decoder_keys[];
extern const struct key_handler config_output_keys[];
extern const struct key_handler config_syslog_keys[];
extern const struct key_handler config_sensor_keys[];
extern const struct key_handler config_policy_keys[];
int config_ld_decoder(struct loader *l, yaml_node_t *n, struct ts_config *c);
int config_ld_output(struct loader *l, yaml_node_t *n, struct ts_config *c);
int config_ld_syslog(struct loader *l, yaml_node_t *n, struct ts_config *c);
int config_ld_sensor(struct loader *l, yaml_node_t *n, struct ts_config *c);
int config_ld_policy(struct loader *l, yaml_node_t *n, struct ts_config *c);

#endif
