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
#include <syslog.h>

#include <stdbool.h>		/* before ldns, which else makes bool a signed char */

#include <ldns/ldns.h>
#include <yaml.h>

#include "../decoders/smtp.h"
#include "correlate.h"
#include "config.h"
#include "config_keys.h"
#include "config_policy.h"
#include "config_show.h"
#include "config_values.h"

/* The built-in configuration (etc/typosentry.yaml), compiled in. */
extern const char default_config_yaml[];
extern const size_t default_config_yaml_len;

#define TOP_LEVEL	"the top level"

/* Notes that the file gave key k of section where (for the dump). */
static int
note_key(struct loader *l, const yaml_node_t *k, const char *where,
    struct ts_config *cfg)
{
	char path[256];
	bool top = strcmp(where, TOP_LEVEL) == 0;

	snprintf(path, sizeof(path), "%s%s%s", top ? "" : where,
	    top ? "" : ".", scalar(k));
	if (strlist_add(&cfg->keys_set, path, (unsigned)k->start_mark.line + 1,
	    (unsigned)k->start_mark.column + 1) != 0)
		return fail(l, k, "%s: out of memory", path);
	return 0;
}

int
config_walk(struct loader *l, yaml_node_t *n, const char *where,
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
		if (l->record && note_key(l, k, where, cfg) != 0)
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
	/* Given, even empty: live capture then builds no filter from ports. */
	c->bpf_filter_set = true;
	return load_string(l, n, "capture.filter", &c->bpf_filter);
}

static void
show_capture_filter(FILE *f, const struct ts_config *c)
{
	if (!c->bpf_filter_set)
		fputs("(unset)", f);
	else
		config_show_string(f, c->bpf_filter != NULL ? c->bpf_filter : "");
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
ld_smtp_max_pending(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "smtp.max-pending", 1, SMTP_MAX_PENDING,
	    &c->smtp_max_pending);
}

static int
ld_smtp_max_rcpts(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "smtp.max-recipients", 1, SMTP_MAX_RCPTS,
	    &c->smtp_max_rcpts);
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
	KEY("new", ld_timeout_new, COUNT, flow_timeout_new),
	KEY("established", ld_timeout_established, COUNT, flow_timeout_established),
	KEY("closed", ld_timeout_closed, COUNT, flow_timeout_closed),
	END_KEYS,
};

static int
ld_flow_timeouts(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "flow.timeouts", timeout_keys, c);
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

/*
 * Running as a sensor: capture, output, syslog, alerts, stats, privacy and
 * run keys.
 */
static int
ld_capture_interfaces(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (load_strlist(l, n, "capture.interfaces", &c->capture_ifaces) != 0)
		return -1;
	if (c->capture_ifaces.n > CONFIG_MAX_IFACES)
		return fail(l, n, "capture.interfaces: at most %d interfaces",
		    CONFIG_MAX_IFACES);
	return 0;
}

static int
ld_capture_promisc(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "capture.promisc", &c->capture_promisc);
}

static int
ld_capture_snaplen(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "capture.snaplen", 64, 262144,
	    &c->capture_snaplen);
}

static int
ld_capture_buffer(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_size(l, n, "capture.buffer-size", 64ULL << 10, 1ULL << 31,
	    &c->capture_buffer);
}

static int
ld_capture_immediate(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "capture.immediate", &c->capture_immediate);
}

static int
ld_suppress_window(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "alerts.suppress-window", 0, 86400,
	    &c->suppress_window);
}

static int
ld_suppress_max(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "alerts.suppress-max-entries", 16, 1U << 24,
	    &c->suppress_max);
}

static int
ld_alerts_per_second(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "alerts.max-per-second", 0, 1000000,
	    &c->alerts_per_second);
}

static int
ld_stats_interval(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "stats.interval", 0, 86400, &c->stats_interval);
}

static int
ld_privacy_local_part(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (want_scalar(l, n, "privacy.local-part") != 0)
		return -1;
	if (strcmp(scalar(n), "keep") == 0)
		c->privacy = PRIVACY_KEEP;
	else if (strcmp(scalar(n), "mask") == 0)
		c->privacy = PRIVACY_MASK;
	else if (strcmp(scalar(n), "hash") == 0)
		c->privacy = PRIVACY_HASH;
	else
		return fail(l, n, "privacy.local-part: '%s': expected keep, "
		    "mask or hash", scalar(n));
	return 0;
}

static void
show_privacy_local_part(FILE *f, const struct ts_config *c)
{
	fputs(c->privacy == PRIVACY_HASH ? "hash" :
	    c->privacy == PRIVACY_MASK ? "mask" : "keep", f);
}

static int
ld_privacy_key(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (load_string(l, n, "privacy.hash-key", &c->privacy_key) != 0)
		return -1;
	if (c->privacy_key == NULL || strlen(c->privacy_key) < 16)
		return fail(l, n, "privacy.hash-key: give at least 16 "
		    "characters");
	return 0;
}

static int
ld_run_user(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_string(l, n, "run.user", &c->run_user);
}

static int
ld_run_group(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_string(l, n, "run.group", &c->run_group);
}

static int
ld_run_pidfile(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_string(l, n, "run.pidfile", &c->run_pidfile);
}

static int
ld_run_sandbox(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "run.sandbox", &c->run_sandbox);
}

/* A section whose keys are all commented out ("run:" alone): defaults. */
bool
config_empty_section(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0;
}

static const struct key_handler alerts_keys[] = {
	KEY("suppress-window", ld_suppress_window, COUNT, suppress_window),
	KEY("suppress-max-entries", ld_suppress_max, COUNT, suppress_max),
	KEY("max-per-second", ld_alerts_per_second, COUNT, alerts_per_second),
	END_KEYS,
};
static const struct key_handler stats_keys[] = {
	KEY("interval", ld_stats_interval, COUNT, stats_interval),
	END_KEYS,
};
static const struct key_handler privacy_keys[] = {
	KEY_FN("local-part", ld_privacy_local_part, show_privacy_local_part),
	KEY("hash-key", ld_privacy_key, SECRET, privacy_key),
	END_KEYS,
};
static const struct key_handler run_keys[] = {
	KEY("user", ld_run_user, STRING, run_user),
	KEY("group", ld_run_group, STRING, run_group),
	KEY("pidfile", ld_run_pidfile, STRING, run_pidfile),
	KEY("sandbox", ld_run_sandbox, BOOL, run_sandbox),
	END_KEYS,
};

static int
ld_alerts(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (config_empty_section(n))
		return 0;
	return config_walk(l, n, "alerts", alerts_keys, c);
}

static int
ld_stats(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (config_empty_section(n))
		return 0;
	return config_walk(l, n, "stats", stats_keys, c);
}

static int
ld_privacy(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (config_empty_section(n))
		return 0;
	if (config_walk(l, n, "privacy", privacy_keys, c) != 0)
		return -1;
	/* A hash without a key would be a hash anyone can reverse. */
	if (c->privacy == PRIVACY_HASH && c->privacy_key == NULL)
		return fail(l, n, "privacy: local-part: hash needs hash-key");
	return 0;
}

static int
ld_run(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (config_empty_section(n))
		return 0;
	return config_walk(l, n, "run", run_keys, c);
}

static const struct key_handler smtp_keys[] = {
	KEY_N("ports", ld_smtp_ports, PORTS, smtp_ports, n_smtp_ports),
	KEY("detect-any-port", ld_smtp_detect, BOOL, smtp_detect),
	KEY("max-pending", ld_smtp_max_pending, COUNT, smtp_max_pending),
	KEY("max-recipients", ld_smtp_max_rcpts, COUNT, smtp_max_rcpts),
	END_KEYS,
};
static const struct key_handler flow_keys[] = {
	KEY("max-flows", ld_flow_max_flows, COUNT, flow_max_flows),
	KEY("max-memory", ld_flow_max_memory, SIZE, flow_max_memory),
	SECTION("timeouts", ld_flow_timeouts, timeout_keys),
	END_KEYS,
};
static const struct key_handler stream_keys[] = {
	KEY("max-buffer", ld_stream_max_buffer, SIZE, stream_max_buffer),
	END_KEYS,
};
static const struct key_handler defrag_keys[] = {
	KEY("max-datagrams", ld_defrag_max_datagrams, COUNT, defrag_max_datagrams),
	KEY("max-memory", ld_defrag_max_memory, SIZE, defrag_max_memory),
	KEY("timeout", ld_defrag_timeout, COUNT, defrag_timeout),
	END_KEYS,
};

static int
ld_smtp(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "smtp", smtp_keys, c);
}

static int
ld_flow(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "flow", flow_keys, c);
}

static int
ld_stream(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "stream", stream_keys, c);
}

static int
ld_defrag(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "defrag", defrag_keys, c);
}

/* protect.labels: { mil: [army, navy], gov: [irs] } */
static int
ld_protect_labels(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_labelmap(l, n, "protect.labels", &c->protect_labels);
}

static int
ld_typo_flag_tlds(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_strlist(l, n, "typo.flag-tlds", &c->typo_flag_tlds);
}

static int
ld_typo_append_tlds(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_strlist(l, n, "typo.append-tlds", &c->typo_append_tlds);
}

static int
ld_typo_swap_tlds(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_strlist(l, n, "typo.swap-tlds", &c->typo_swap_tlds);
}

static int
ld_typo_min_label(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "typo.min-label-length", 1, 63,
	    &c->typo_min_label);
}

static int
ld_typo_max_distance(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "typo.max-distance", 1, 2,
	    &c->typo_max_distance);
}

static int
ld_typo_long_label(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "typo.long-label-length", 1, 63,
	    &c->typo_long_label);
}

static int
ld_typo_severity(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_intmap(l, n, "typo.severity", &c->typo_class_severity);
}

static int
ld_typo_rule_severity(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_intmap(l, n, "typo.rule-severity", &c->typo_rule_severity);
}

static int
ld_correlation_window(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "correlation.window", 0, 86400,
	    &c->incident_window);
}

static int
ld_correlation_max_lookups(struct loader *l, yaml_node_t *n,
    struct ts_config *c)
{
	return load_u32(l, n, "correlation.max-lookups", 1, CORR_MAX_LOOKUPS,
	    &c->corr_max_lookups);
}

static int
ld_correlation_max_incidents(struct loader *l, yaml_node_t *n,
    struct ts_config *c)
{
	return load_u32(l, n, "correlation.max-incidents", 1,
	    CORR_MAX_INCIDENTS, &c->corr_max_incidents);
}

static int
ld_correlation_tls_bytes(struct loader *l, yaml_node_t *n,
    struct ts_config *c)
{
	return load_u32(l, n, "correlation.tls-delivery-bytes", 1,
	    1u << 30, &c->corr_tls_bytes);
}

static const struct key_handler correlation_keys[] = {
	KEY("window", ld_correlation_window, COUNT, incident_window),
	KEY("max-lookups", ld_correlation_max_lookups, COUNT, corr_max_lookups),
	KEY("max-incidents", ld_correlation_max_incidents, COUNT,
	    corr_max_incidents),
	KEY("tls-delivery-bytes", ld_correlation_tls_bytes, COUNT,
	    corr_tls_bytes),
	END_KEYS,
};

static int
ld_correlation(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "correlation", correlation_keys, c);
}

static const struct key_handler typo_keys[] = {
	KEY("flag-tlds", ld_typo_flag_tlds, NAMES, typo_flag_tlds),
	KEY("append-tlds", ld_typo_append_tlds, NAMES, typo_append_tlds),
	KEY("swap-tlds", ld_typo_swap_tlds, NAMES, typo_swap_tlds),
	KEY("min-label-length", ld_typo_min_label, COUNT, typo_min_label),
	KEY("max-distance", ld_typo_max_distance, COUNT, typo_max_distance),
	KEY("long-label-length", ld_typo_long_label, COUNT, typo_long_label),
	KEY("severity", ld_typo_severity, SEVERITIES, typo_class_severity),
	KEY("rule-severity", ld_typo_rule_severity, SEVERITIES, typo_rule_severity),
	END_KEYS,
};

static int
ld_typo(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "typo", typo_keys, c);
}

static const struct key_handler protect_keys[] = {
	KEY("tlds", ld_protect_tlds, NAMES, protect_tlds),
	KEY("labels", ld_protect_labels, LABELS, protect_labels),
	KEY("domains", ld_protect_domains, NAMES, protect_domains),
	END_KEYS,
};
static const struct key_handler dns_keys[] = {
	KEY_N("ports", ld_dns_ports, PORTS, dns_ports, n_dns_ports),
	KEY_N("alert-qtypes", ld_dns_qtypes, QTYPES, alert_qtypes, n_alert_qtypes),
	END_KEYS,
};
static int
ld_capture_workers(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "capture.workers", 1, 1024, &c->capture_workers);
}

static const struct key_handler capture_keys[] = {
	KEY_FN("filter", ld_capture_filter, show_capture_filter),
	KEY("interfaces", ld_capture_interfaces, NAMES, capture_ifaces),
	KEY("promisc", ld_capture_promisc, BOOL, capture_promisc),
	KEY("snaplen", ld_capture_snaplen, COUNT, capture_snaplen),
	KEY("buffer-size", ld_capture_buffer, SIZE, capture_buffer),
	KEY("immediate", ld_capture_immediate, BOOL, capture_immediate),
	KEY("workers", ld_capture_workers, COUNT, capture_workers),
	END_KEYS,
};
static int
ld_protect(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "protect", protect_keys, c);
}

static int
ld_dns(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "dns", dns_keys, c);
}

static int
ld_capture(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "capture", capture_keys, c);
}

static int
ld_tls_ports(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_ports(l, n, "tls.ports", c->tls_ports, &c->n_tls_ports);
}

static const struct key_handler tls_keys[] = {
	KEY_N("ports", ld_tls_ports, PORTS, tls_ports, n_tls_ports),
	END_KEYS,
};

static int
ld_tls(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "tls", tls_keys, c);
}

static const struct key_handler top_keys[] = {
	SECTION("protect", ld_protect, protect_keys),
	KEY("allow", ld_allow, NAMES, allow),
	SECTION("typo", ld_typo, typo_keys),
	SECTION("correlation", ld_correlation, correlation_keys),
	SECTION("dns", ld_dns, dns_keys),
	SECTION("smtp", ld_smtp, smtp_keys),
	SECTION("tls", ld_tls, tls_keys),
	SECTION("flow", ld_flow, flow_keys),
	SECTION("stream", ld_stream, stream_keys),
	SECTION("defrag", ld_defrag, defrag_keys),
	SECTION("decoder", config_ld_decoder, config_decoder_keys),
	SECTION("capture", ld_capture, capture_keys),
	SECTION("output", config_ld_output, config_output_keys),
	SECTION("syslog", config_ld_syslog, config_syslog_keys),
	SECTION("alerts", ld_alerts, alerts_keys),
	SECTION("stats", ld_stats, stats_keys),
	SECTION("privacy", ld_privacy, privacy_keys),
	SECTION("run", ld_run, run_keys),
	SECTION("sensor", config_ld_sensor, config_sensor_keys),
	SECTION("policy", config_ld_policy, config_policy_keys),
	END_KEYS,
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
	cfg->smtp_max_pending = SMTP_MAX_PENDING;
	cfg->smtp_max_rcpts = SMTP_MAX_RCPTS;
	cfg->typo_min_label = 3;
	cfg->incident_window = 600;
	cfg->corr_max_lookups = CORR_DEFAULT_LOOKUPS;
	cfg->corr_max_incidents = CORR_DEFAULT_INCIDENTS;
	cfg->corr_tls_bytes = CORR_DEFAULT_TLS_BYTES;
	cfg->tls_ports[0] = 25;
	cfg->tls_ports[1] = 465;
	cfg->tls_ports[2] = 587;
	cfg->n_tls_ports = 3;
	cfg->typo_max_distance = 1;
	cfg->typo_long_label = 10;
	cfg->flow_max_flows = 65536;
	cfg->flow_max_memory = 64u << 20;
	cfg->flow_timeout_new = 30;
	cfg->flow_timeout_established = 600;
	cfg->flow_timeout_closed = 10;
	cfg->stream_max_buffer = 256u << 10;
	cfg->defrag_max_datagrams = 4096;
	cfg->defrag_max_memory = 16u << 20;
	cfg->defrag_timeout = 30;
	decode_opts_default(&cfg->decoder);

	cfg->capture_promisc = true;
	cfg->capture_snaplen = 65535;
	cfg->capture_buffer = 32u << 20;
	cfg->capture_immediate = false;
	cfg->capture_workers = 1;
	cfg->eve_enabled = true;
	cfg->output_format = OUTPUT_FORMAT_AUTO;
	cfg->syslog_facility = LOG_LOCAL5;
	cfg->syslog_level = LOG_NOTICE;
	cfg->suppress_window = 0;
	cfg->suppress_max = 65536;
	cfg->alerts_per_second = 1000;
	cfg->run_sandbox = true;
	cfg->stats_interval = 60;
	cfg->privacy = PRIVACY_KEEP;
	cfg->community_id = true;
	cfg->output_max_pending = 4u << 20;
	cfg->redis_port = 6379;
	cfg->redis_mode = REDIS_LPUSH;
	cfg->redis_spool = 64u << 20;
	/* Strings: set by config_parse() (an allocation can fail there). */
	config_policy_defaults(&cfg->policy);
}

void
config_free(struct ts_config *cfg)
{
	strlist_free(&cfg->keys_set);
	strlist_free(&cfg->protect_tlds);
	strlist_free(&cfg->protect_domains);
	strlist_free(&cfg->allow);
	labelmap_free(&cfg->protect_labels);
	strlist_free(&cfg->typo_flag_tlds);
	strlist_free(&cfg->typo_append_tlds);
	strlist_free(&cfg->typo_swap_tlds);
	intmap_free(&cfg->typo_class_severity);
	intmap_free(&cfg->typo_rule_severity);
	free(cfg->bpf_filter);
	free(cfg->log_dir);
	free(cfg->path);
	strlist_free(&cfg->capture_ifaces);
	free(cfg->syslog_ident);
	free(cfg->privacy_key);
	free(cfg->run_user);
	free(cfg->run_group);
	free(cfg->run_pidfile);
	free(cfg->sensor_name);
	free(cfg->redis_server);
	free(cfg->redis_key);
	config_policy_free(&cfg->policy);
	memset(cfg, 0, sizeof(*cfg));
}

/* Parses text over what cfg holds; with record, notes the keys given. */
static int
parse_text(struct ts_config *cfg, const char *name, const char *text,
    size_t len, bool record, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct loader l = { name, &doc, err, errlen, record };
	int rc = -1;

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
		rc = config_walk(&l, root, TOP_LEVEL, top_keys, cfg);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

#define BUILTIN_NAME	"(built-in configuration)"

/* The defaults: config_defaults(), then the built-in file over them. */
static int
builtin_defaults(struct ts_config *cfg, const char *name, char *err,
    size_t errlen)
{
	config_defaults(cfg);
	/* The built-in file sets them too; a copy of its own does not. */
	cfg->redis_server = strdup("127.0.0.1");
	cfg->redis_key = strdup("typosentry");
	if ((cfg->path = strdup(name)) == NULL || cfg->redis_server == NULL ||
	    cfg->redis_key == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	return parse_text(cfg, BUILTIN_NAME, default_config_yaml,
	    default_config_yaml_len, false, err, errlen);
}

int
config_builtin(struct ts_config *cfg, char *err, size_t errlen)
{
	return builtin_defaults(cfg, BUILTIN_NAME, err, errlen);
}

bool
config_key_set(const struct ts_config *cfg, const char *key, unsigned *line)
{
	for (size_t i = 0; i < cfg->keys_set.n; i++)
		if (strcmp(cfg->keys_set.v[i], key) == 0) {
			if (line != NULL)
				*line = cfg->keys_set.line[i];
			return true;
		}
	return false;
}

/*
 * A file that protects its own TLDs but leaves protect.labels out keeps
 * the default labels of those TLDs only (the labels of a TLD it does not
 * protect would be an error).
 */
static void
keep_labels_of_protected_tlds(struct ts_config *cfg)
{
	struct labelmap *m = &cfg->protect_labels;
	size_t o = 0;

	if (config_key_set(cfg, "protect.labels", NULL) ||
	    !config_key_set(cfg, "protect.tlds", NULL))
		return;
	for (size_t i = 0; i < m->n; i++) {
		bool keep = false;
		for (size_t t = 0; t < cfg->protect_tlds.n; t++)
			if (strcasecmp(cfg->protect_tlds.v[t], m->key[i]) == 0)
				keep = true;
		if (!keep) {
			free(m->key[i]);
			strlist_free(&m->list[i]);
			continue;
		}
		m->key[o] = m->key[i];
		m->line[o] = m->line[i];
		m->col[o] = m->col[i];
		m->list[o] = m->list[i];
		o++;
	}
	m->n = o;
}

int
config_parse(struct ts_config *cfg, const char *name, const char *text,
    size_t len, char *err, size_t errlen)
{
	if (builtin_defaults(cfg, name, err, errlen) != 0 ||
	    parse_text(cfg, name, text, len, true, err, errlen) != 0)
		return -1;
	keep_labels_of_protected_tlds(cfg);
	return 0;
}

static void
dump_keys(FILE *f, const struct ts_config *cfg,
    const struct key_handler *keys, const char *prefix, bool only_set)
{
	char path[256];
	unsigned line;

	for (const struct key_handler *h = keys; h->key != NULL; h++) {
		snprintf(path, sizeof(path), "%s%s%s", prefix,
		    *prefix != '\0' ? "." : "", h->key);
		if (h->sub != NULL) {
			dump_keys(f, cfg, h->sub, path, only_set);
			continue;
		}
		if (only_set && !config_key_set(cfg, path, NULL))
			continue;
		fprintf(f, "%s = ", path);
		config_show_value(f, cfg, &h->show);
		if (config_key_set(cfg, path, &line))
			fprintf(f, "  # %s:%u\n", cfg->path, line);
		else
			fputs("  # default\n", f);
	}
}

void
config_dump(FILE *f, const struct ts_config *cfg, bool only_set)
{
	dump_keys(f, cfg, top_keys, "", only_set);
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
