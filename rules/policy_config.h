/*
 * policy_config.h — the policy.* keys: what `typosentry policyd` answers
 * Postfix for a recipient that is a typo, who is exempt, and the limits of
 * the service.  Part of struct ts_config (config.h); loaded by
 * config_policy.c.
 */
#ifndef TS_POLICY_CONFIG_H
#define TS_POLICY_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* The access(5) actions a typo can get (policy.action). */
enum policy_action {
	POLICY_DUNNO,		/* log only: Postfix goes on with its rules */
	POLICY_REJECT,		/* 554 5.7.1 with the explanation */
	POLICY_DEFER,		/* 450 4.7.1: the sender's server retries */
	POLICY_HOLD,		/* accepted into the hold queue */
	POLICY_WARN,		/* accepted; Postfix logs a warning */
	POLICY_PREPEND,		/* accepted with an X-Typo-Warning header */
	POLICY_ACTION_COUNT,
};

/* A network of policy.exceptions.clients: 192.0.2.0/24, 2001:db8::/32. */
struct policy_net {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned	 prefix;	/* bits */
	uint8_t		 bytes[16];
};

struct policy_config {
	enum policy_action action;		/* policy.action */
	/* policy.severity-actions: index 1..4; -1 where not given. */
	int		 severity_action[5];
	/* policy.class-actions: typo class → action. */
	char		**class_key;
	unsigned	 *class_line, *class_col;
	enum policy_action *class_action;
	size_t		  n_class;
	char		*header;		/* policy.header */
	/* policy.exceptions */
	char		**except_senders;	/* lower case */
	size_t		  n_except_senders;
	char		**except_domains;	/* lower case, no final dot */
	size_t		  n_except_domains;
	struct policy_net *except_clients;
	size_t		  n_except_clients;
	/* The service. */
	uint32_t	 max_connections;	/* policy.max-connections */
	uint32_t	 idle_timeout;		/* policy.idle-timeout, s */
	size_t		 max_request;		/* policy.max-request-size */
};

/* "REJECT", "DEFER", ... */
const char *policy_action_name(enum policy_action a);

#endif
