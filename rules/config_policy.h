/*
 * config_policy.h — the loaders of the policy.* keys (config_policy.c)
 * and how --dump-config shows them; config.c's key tables name them.
 */
#ifndef TS_CONFIG_POLICY_H
#define TS_CONFIG_POLICY_H

#include <stdio.h>

#include <yaml.h>

#include "config.h"

/* The header PREPEND adds when policy.header is not given. */
#define POLICY_DEFAULT_HEADER	"X-Typo-Warning"

struct loader;

void config_policy_defaults(struct policy_config *p);
void config_policy_free(struct policy_config *p);

int config_ld_policy_action(struct loader *l, yaml_node_t *n,
    struct ts_config *c);
int config_ld_policy_severity_actions(struct loader *l, yaml_node_t *n,
    struct ts_config *c);
int config_ld_policy_class_actions(struct loader *l, yaml_node_t *n,
    struct ts_config *c);
int config_ld_policy_header(struct loader *l, yaml_node_t *n,
    struct ts_config *c);
int config_ld_policy_except_senders(struct loader *l, yaml_node_t *n,
    struct ts_config *c);
int config_ld_policy_except_domains(struct loader *l, yaml_node_t *n,
    struct ts_config *c);
int config_ld_policy_except_clients(struct loader *l, yaml_node_t *n,
    struct ts_config *c);
int config_ld_policy_max_connections(struct loader *l, yaml_node_t *n,
    struct ts_config *c);
int config_ld_policy_idle_timeout(struct loader *l, yaml_node_t *n,
    struct ts_config *c);
int config_ld_policy_max_request(struct loader *l, yaml_node_t *n,
    struct ts_config *c);

void config_show_policy_action(FILE *f, const struct ts_config *c);
void config_show_policy_severity_actions(FILE *f, const struct ts_config *c);
void config_show_policy_class_actions(FILE *f, const struct ts_config *c);
void config_show_policy_header(FILE *f, const struct ts_config *c);
void config_show_policy_except_senders(FILE *f, const struct ts_config *c);
void config_show_policy_except_domains(FILE *f, const struct ts_config *c);
void config_show_policy_except_clients(FILE *f, const struct ts_config *c);

#endif
