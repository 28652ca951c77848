/*
 * config_policy.c — the policy section of the configuration: the action
 * `typosentry policyd` answers for a typo (overridden per severity and per
 * typo class), the senders and client networks that are exempt, and the
 * limits of the service.  Same rules as the rest of the file: every key
 * known, every value checked, errors name file, line and column.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "config_keys.h"
#include "config_policy.h"
#include "config_show.h"
#include "config_values.h"

static const char *const action_names[POLICY_ACTION_COUNT] = {
	[POLICY_DUNNO] = "DUNNO",
	[POLICY_REJECT] = "REJECT",
	[POLICY_DEFER] = "DEFER",
	[POLICY_HOLD] = "HOLD",
	[POLICY_WARN] = "WARN",
	[POLICY_PREPEND] = "PREPEND",
};

const char *
policy_action_name(enum policy_action a)
{
	return (unsigned)a < POLICY_ACTION_COUNT ? action_names[a] : "?";
}

void
config_policy_defaults(struct policy_config *p)
{
	memset(p, 0, sizeof(*p));
	p->action = POLICY_REJECT;
	for (int i = 0; i < 5; i++)
		p->severity_action[i] = -1;
	p->max_connections = 1024;
	p->idle_timeout = 300;
	p->max_request = 16u << 10;
}

static void
free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
config_policy_free(struct policy_config *p)
{
	free_list(p->class_key, p->n_class);
	free(p->class_line);
	free(p->class_col);
	free(p->class_action);
	free(p->header);
	free_list(p->except_senders, p->n_except_senders);
	free_list(p->except_domains, p->n_except_domains);
	free(p->except_clients);
	memset(p, 0, sizeof(*p));
}

/* A key left empty ("clients:" alone): its default. */
static bool
empty(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0;
}

static int
parse_action(struct loader *l, yaml_node_t *n, const char *key,
    enum policy_action *out)
{
	if (want_scalar(l, n, key) != 0)
		return -1;
	for (int a = 0; a < POLICY_ACTION_COUNT; a++)
		if (strcasecmp(scalar(n), action_names[a]) == 0) {
			*out = (enum policy_action)a;
			return 0;
		}
	return fail(l, n, "%s: '%s' is not an action (REJECT, DEFER, HOLD, "
	    "WARN, PREPEND or DUNNO)", key, scalar(n));
}

int
config_ld_policy_action(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return parse_action(l, n, "policy.action", &c->policy.action);
}

/* policy.severity-actions: { 1: REJECT, 3: WARN } */
int
config_ld_policy_severity_actions(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	const char *key = "policy.severity-actions";

	for (int i = 0; i < 5; i++)
		c->policy.severity_action[i] = -1;
	if (empty(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n, "%s: expected a mapping of severities (1 to "
		    "4) to actions", key);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		enum policy_action a;
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			return fail(l, n, "%s: keys must be severities", key);
		const char *s = scalar(k);
		if (strlen(s) != 1 || s[0] < '1' || s[0] > '4')
			return fail(l, k, "%s: '%s' is not a severity (1 to 4)",
			    key, s);
		if (c->policy.severity_action[s[0] - '0'] != -1)
			return fail(l, k, "key '%s' given twice in %s", s, key);
		if (parse_action(l, v, key, &a) != 0)
			return -1;
		c->policy.severity_action[s[0] - '0'] = (int)a;
	}
	return 0;
}

/* policy.class-actions: { homoglyph: REJECT, appended-tld: WARN } */
int
config_ld_policy_class_actions(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	const char *key = "policy.class-actions";
	struct policy_config *pc = &c->policy;

	free_list(pc->class_key, pc->n_class);
	free(pc->class_line);
	free(pc->class_col);
	free(pc->class_action);
	pc->class_key = NULL;
	pc->class_line = pc->class_col = NULL;
	pc->class_action = NULL;
	pc->n_class = 0;
	if (empty(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n, "%s: expected a mapping of typo classes to "
		    "actions", key);
	size_t count = (size_t)(n->data.mapping.pairs.top -
	    n->data.mapping.pairs.start);
	if (count == 0)
		return 0;
	pc->class_key = calloc(count, sizeof(*pc->class_key));
	pc->class_line = calloc(count, sizeof(*pc->class_line));
	pc->class_col = calloc(count, sizeof(*pc->class_col));
	pc->class_action = calloc(count, sizeof(*pc->class_action));
	if (pc->class_key == NULL || pc->class_line == NULL ||
	    pc->class_col == NULL || pc->class_action == NULL)
		return fail(l, n, "%s: out of memory", key);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			return fail(l, n, "%s: keys must be typo classes", key);
		for (size_t i = 0; i < pc->n_class; i++)
			if (strcmp(pc->class_key[i], scalar(k)) == 0)
				return fail(l, k, "key '%s' given twice in %s",
				    scalar(k), key);
		if (parse_action(l, v, key, &pc->class_action[pc->n_class]) != 0)
			return -1;
		if ((pc->class_key[pc->n_class] = strdup(scalar(k))) == NULL)
			return fail(l, k, "%s: out of memory", key);
		pc->class_line[pc->n_class] = (unsigned)k->start_mark.line + 1;
		pc->class_col[pc->n_class] = (unsigned)k->start_mark.column + 1;
		pc->n_class++;
	}
	return 0;
}

/* policy.header: a header name as RFC 5322 section 3.6.8 allows. */
int
config_ld_policy_header(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (load_string(l, n, "policy.header", &c->policy.header) != 0)
		return -1;
	const char *h = c->policy.header;
	if (h == NULL)
		return fail(l, n, "policy.header: empty");
	if (strlen(h) > 64)
		return fail(l, n, "policy.header: at most 64 characters");
	for (; *h != '\0'; h++)
		if (*h <= ' ' || *h > '~' || *h == ':')
			return fail(l, n, "policy.header: '%s' is not a header "
			    "name (printable characters but ':' and space)",
			    c->policy.header);
	return 0;
}

/* A list of strings, lower-cased, into a plain array. */
static int
load_lower_list(struct loader *l, yaml_node_t *n, const char *key,
    bool domain, char ***out, size_t *count)
{
	struct strlist s = { 0 };

	free_list(*out, *count);
	*out = NULL;
	*count = 0;
	if (empty(n))
		return 0;
	if (load_strlist(l, n, key, &s) != 0) {
		strlist_free(&s);
		return -1;
	}
	for (size_t i = 0; i < s.n; i++) {
		char *v = s.v[i];
		size_t len = strlen(v);
		for (char *q = v; *q != '\0'; q++)
			*q = (char)tolower((unsigned char)*q);
		if (domain && len > 1 && v[len - 1] == '.')
			v[--len] = '\0';
		/* A sender address needs an '@'; a domain must not have one. */
		if ((domain && strchr(v, '@') != NULL) ||
		    (!domain && strchr(v, '@') == NULL) ||
		    (domain && v[0] == '.')) {
			snprintf(l->err, l->errlen, "%s:%u:%u: %s: '%s' is not "
			    "a %s", l->name, s.line[i], s.col[i], key, s.v[i],
			    domain ? "domain (like example.org)" :
			    "mail address (like ops@example.org)");
			strlist_free(&s);
			return -1;
		}
	}
	*out = s.v;
	*count = s.n;
	free(s.line);
	free(s.col);
	return 0;
}

int
config_ld_policy_except_senders(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_lower_list(l, n, "policy.exceptions.senders", false,
	    &c->policy.except_senders, &c->policy.n_except_senders);
}

int
config_ld_policy_except_domains(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_lower_list(l, n, "policy.exceptions.sender-domains", true,
	    &c->policy.except_domains, &c->policy.n_except_domains);
}

/* "192.0.2.0/24", "2001:db8::/32", or one address (a /32 or /128). */
static bool
parse_net(const char *text, struct policy_net *out)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t alen = slash != NULL ? (size_t)(slash - text) : strlen(text);

	if (alen == 0 || alen >= sizeof(addr))
		return false;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, addr, out->bytes) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, addr, out->bytes) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else {
		return false;
	}
	if (slash != NULL) {
		const char *p = slash + 1;
		unsigned v = 0;
		if (*p == '\0' || strlen(p) > 3)
			return false;
		for (; *p != '\0'; p++) {
			if (*p < '0' || *p > '9')
				return false;
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (v > out->prefix)
			return false;
		out->prefix = v;
	}
	/* Host bits set (192.0.2.1/24) are a mistake worth naming. */
	for (unsigned bit = out->prefix; bit < (out->family == AF_INET ?
	    32u : 128u); bit++)
		if (out->bytes[bit / 8] & (0x80u >> (bit % 8)))
			return false;
	return true;
}

int
config_ld_policy_except_clients(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	const char *key = "policy.exceptions.clients";
	struct policy_config *pc = &c->policy;
	struct strlist s = { 0 };

	free(pc->except_clients);
	pc->except_clients = NULL;
	pc->n_except_clients = 0;
	if (empty(n))
		return 0;
	if (load_strlist(l, n, key, &s) != 0) {
		strlist_free(&s);
		return -1;
	}
	if (s.n > 0 && (pc->except_clients = calloc(s.n,
	    sizeof(*pc->except_clients))) == NULL) {
		strlist_free(&s);
		return fail(l, n, "%s: out of memory", key);
	}
	for (size_t i = 0; i < s.n; i++) {
		if (!parse_net(s.v[i], &pc->except_clients[i])) {
			snprintf(l->err, l->errlen, "%s:%u:%u: %s: '%s' is not "
			    "a network (like 192.0.2.0/24 or 2001:db8::/32, no "
			    "host bits set)", l->name, s.line[i], s.col[i], key,
			    s.v[i]);
			strlist_free(&s);
			return -1;
		}
		pc->n_except_clients++;
	}
	strlist_free(&s);
	return 0;
}

int
config_ld_policy_max_connections(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "policy.max-connections", 1, 65536,
	    &c->policy.max_connections);
}

int
config_ld_policy_idle_timeout(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "policy.idle-timeout", 1, 86400,
	    &c->policy.idle_timeout);
}

int
config_ld_policy_max_request(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_size(l, n, "policy.max-request-size", 1024, 1u << 20,
	    &c->policy.max_request);
}

/* What --dump-config writes for the keys above. */
void
config_show_policy_action(FILE *f, const struct ts_config *c)
{
	fputs(policy_action_name(c->policy.action), f);
}

void
config_show_policy_severity_actions(FILE *f, const struct ts_config *c)
{
	bool first = true;

	fputc('{', f);
	for (int i = 1; i <= 4; i++) {
		if (c->policy.severity_action[i] < 0)
			continue;
		fprintf(f, "%s%d: %s", first ? "" : ", ", i, policy_action_name(
		    (enum policy_action)c->policy.severity_action[i]));
		first = false;
	}
	fputc('}', f);
}

void
config_show_policy_class_actions(FILE *f, const struct ts_config *c)
{
	fputc('{', f);
	for (size_t i = 0; i < c->policy.n_class; i++) {
		fputs(i > 0 ? ", " : "", f);
		config_show_string(f, c->policy.class_key[i]);
		fprintf(f, ": %s", policy_action_name(c->policy.class_action[i]));
	}
	fputc('}', f);
}

void
config_show_policy_header(FILE *f, const struct ts_config *c)
{
	config_show_string(f, c->policy.header != NULL ? c->policy.header :
	    POLICY_DEFAULT_HEADER);
}

static void
show_list(FILE *f, char *const *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fputs(i > 0 ? ", " : "", f);
		config_show_string(f, v[i]);
	}
	fputc(']', f);
}

void
config_show_policy_except_senders(FILE *f, const struct ts_config *c)
{
	show_list(f, c->policy.except_senders, c->policy.n_except_senders);
}

void
config_show_policy_except_domains(FILE *f, const struct ts_config *c)
{
	show_list(f, c->policy.except_domains, c->policy.n_except_domains);
}

void
config_show_policy_except_clients(FILE *f, const struct ts_config *c)
{
	fputc('[', f);
	for (size_t i = 0; i < c->policy.n_except_clients; i++) {
		const struct policy_net *n = &c->policy.except_clients[i];
		char text[INET6_ADDRSTRLEN];
		if (inet_ntop(n->family, n->bytes, text, sizeof(text)) == NULL)
			snprintf(text, sizeof(text), "?");
		fprintf(f, "%s%s%s/%u%s", i > 0 ? ", " : "",
		    n->family == AF_INET6 ? "\"" : "", text, n->prefix,
		    n->family == AF_INET6 ? "\"" : "");
	}
	fputc(']', f);
}

/* The policy section's keys (typosentry policyd). */
/* policy: typosentry policyd (config_policy.c). */
static const struct key_handler policy_exception_keys[] = {
	KEY_FN("senders", config_ld_policy_except_senders,
	    config_show_policy_except_senders),
	KEY_FN("sender-domains", config_ld_policy_except_domains,
	    config_show_policy_except_domains),
	KEY_FN("clients", config_ld_policy_except_clients,
	    config_show_policy_except_clients),
	END_KEYS,
};

static int
ld_policy_exceptions(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (config_empty_section(n))
		return 0;
	return config_walk(l, n, "policy.exceptions", policy_exception_keys, c);
}

const struct key_handler config_policy_keys[] = {
	KEY_FN("action", config_ld_policy_action, config_show_policy_action),
	KEY_FN("class-actions", config_ld_policy_class_actions,
	    config_show_policy_class_actions),
	KEY_FN("severity-actions", config_ld_policy_severity_actions,
	    config_show_policy_severity_actions),
	KEY_FN("header", config_ld_policy_header, config_show_policy_header),
	SECTION("exceptions", ld_policy_exceptions, policy_exception_keys),
	KEY("max-connections", config_ld_policy_max_connections, COUNT,
	    policy.max_connections),
	KEY("idle-timeout", config_ld_policy_idle_timeout, COUNT,
	    policy.idle_timeout),
	KEY("max-request-size", config_ld_policy_max_request, SIZE,
	    policy.max_request),
	END_KEYS,
};

int
config_ld_policy(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (config_empty_section(n))
		return 0;
	return config_walk(l, n, "policy", config_policy_keys, c);
}
