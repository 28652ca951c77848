/*
 * config.h — the typosentry configuration, loaded from YAML.
 *
 * The whole configuration is read and checked before anything starts; an
 * error names the file, line and column.  After loading it is read-only.
 */
#ifndef TS_CONFIG_H
#define TS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../decoders/decode.h"
#include "policy_config.h"

#define CONFIG_MAX_PORTS	32
#define CONFIG_MAX_QTYPES	16
#define CONFIG_MAX_IFACES	16

/* A list of strings, each with the line it came from (for later errors). */
struct strlist {
	char		**v;
	unsigned	 *line;		/* 1-based */
	unsigned	 *col;
	size_t		  n;
};

/* privacy.local-part: what EVE and syslog show of an address's local part. */
enum privacy_mode {
	PRIVACY_KEEP,		/* as sent */
	PRIVACY_MASK,		/* first character, then "***" */
	PRIVACY_HASH,		/* keyed SipHash of the local part */
};

/* output.redis.mode, as Suricata's: list is LPUSH, channel PUBLISH. */
enum redis_mode {
	REDIS_LPUSH,		/* list, lpush */
	REDIS_RPUSH,		/* rpush */
	REDIS_PUBLISH,		/* channel, publish */
	REDIS_XADD,		/* stream, xadd */
};

/*
 * output.format: EVE JSON records, or one readable line per record; auto
 * is line when records go to a terminal (not with --stdout), else EVE.
 */
enum output_format {
	OUTPUT_FORMAT_AUTO,
	OUTPUT_FORMAT_EVE,
	OUTPUT_FORMAT_LINE,
};

/* A mapping of names to lists of names (protect.labels). */
struct labelmap {
	char		**key;
	unsigned	 *line, *col;
	struct strlist	 *list;
	size_t		  n;
};

/* A mapping of names to small integers (severities). */
struct intmap {
	char		**key;
	unsigned	 *line, *col;
	int		 *value;
	size_t		  n;
};

struct ts_config {
	char		*path;			/* where it was read from */
	struct strlist	 keys_set;		/* keys the file gave, dotted */

	struct strlist	 protect_tlds;		/* protect.tlds */
	struct strlist	 protect_domains;	/* protect.domains */
	struct strlist	 allow;			/* allow */
	struct labelmap	 protect_labels;	/* protect.labels: TLD → labels */
	struct strlist	 typo_flag_tlds;	/* typo.flag-tlds */
	struct strlist	 typo_append_tlds;	/* typo.append-tlds */
	struct strlist	 typo_swap_tlds;	/* typo.swap-tlds */
	uint32_t	 typo_min_label;	/* typo.min-label-length */
	uint32_t	 incident_window;	/* correlation.window, seconds; 0 off */
	uint32_t	 corr_max_lookups;	/* correlation.max-lookups */
	uint32_t	 corr_max_incidents;	/* correlation.max-incidents */
	uint32_t	 corr_tls_bytes;	/* correlation.tls-delivery-bytes */
	uint32_t	 typo_max_distance;	/* typo.max-distance */
	uint32_t	 typo_long_label;	/* typo.long-label-length */
	struct intmap	 typo_class_severity;	/* typo.severity: class → 1..4 */
	struct intmap	 typo_rule_severity;	/* typo.rule-severity: name → 1..4 */

	uint16_t	 dns_ports[CONFIG_MAX_PORTS];	/* dns.ports */
	size_t		 n_dns_ports;
	uint16_t	 alert_qtypes[CONFIG_MAX_QTYPES]; /* dns.alert-qtypes */
	size_t		 n_alert_qtypes;

	uint16_t	 smtp_ports[CONFIG_MAX_PORTS];	/* smtp.ports */
	size_t		 n_smtp_ports;
	bool		 smtp_detect;		/* smtp.detect-any-port */
	uint16_t	 tls_ports[CONFIG_MAX_PORTS];	/* tls.ports: names read */
	size_t		 n_tls_ports;
	uint32_t	 smtp_max_pending;	/* smtp.max-pending */
	uint32_t	 smtp_max_rcpts;	/* smtp.max-recipients */

	uint32_t	 flow_max_flows;	/* flow.max-flows */
	size_t		 flow_max_memory;	/* flow.max-memory */
	uint32_t	 flow_timeout_new;	/* flow.timeouts.new */
	uint32_t	 flow_timeout_established; /* flow.timeouts.established */
	uint32_t	 flow_timeout_closed;	/* flow.timeouts.closed */
	size_t		 stream_max_buffer;	/* stream.max-buffer */
	uint32_t	 defrag_max_datagrams;	/* defrag.max-datagrams */
	size_t		 defrag_max_memory;	/* defrag.max-memory */
	uint32_t	 defrag_timeout;	/* defrag.timeout */
	struct decode_opts decoder;		/* decoder.*: encapsulations */

	char		*bpf_filter;		/* capture.filter, or NULL */
	char		*log_dir;		/* output.dir, or NULL */
	bool		 eve_stdout;		/* output.stdout */
	bool		 log_dns;		/* output.dns: every DNS message */
	bool		 log_smtp;		/* output.smtp: every RCPT TO */
	enum output_format output_format;	/* output.format */

	/*
	 * Running as a sensor: live capture, outputs, alert volume, stats,
	 * privacy, privileges (README "Running as a sensor").
	 */
	bool		 bpf_filter_set;	/* capture.filter given, even "" */
	struct strlist	 capture_ifaces;	/* capture.interfaces */
	bool		 capture_promisc;	/* capture.promisc */
	uint32_t	 capture_snaplen;	/* capture.snaplen */
	size_t		 capture_buffer;	/* capture.buffer-size, bytes */
	bool		 capture_immediate;	/* capture.immediate */
	uint32_t	 capture_workers;	/* capture.workers, threads */
	bool		 eve_enabled;		/* output.eve */
	bool		 syslog_enabled;	/* syslog.enabled */
	char		*syslog_ident;		/* syslog.ident */
	int		 syslog_facility;	/* syslog.facility (LOG_LOCAL5) */
	int		 syslog_level;		/* syslog.level (LOG_NOTICE) */
	bool		 syslog_json;		/* syslog.format: json */
	uint32_t	 suppress_window;	/* alerts.suppress-window, s; 0 off */
	uint32_t	 suppress_max;		/* alerts.suppress-max-entries */
	uint32_t	 alerts_per_second;	/* alerts.max-per-second; 0 off */
	uint32_t	 stats_interval;	/* stats.interval, s; 0 off */
	enum privacy_mode privacy;		/* privacy.local-part */
	char		*privacy_key;		/* privacy.hash-key */
	char		*run_user;		/* run.user */
	char		*run_group;		/* run.group */
	char		*run_pidfile;		/* run.pidfile */
	bool		 run_sandbox;		/* run.sandbox (Landlock) */

	/* Joining records of many sensors and tools (README "Outputs"). */
	char		*sensor_name;		/* sensor.name; NULL: host name */
	size_t		 output_max_pending;	/* output.max-pending, bytes */
	bool		 community_id;		/* output.community-id */
	uint32_t	 community_id_seed;	/* output.community-id-seed */
	bool		 redis_enabled;		/* output.redis.enabled */
	char		*redis_server;		/* output.redis.server */
	uint32_t	 redis_port;		/* output.redis.port */
	char		*redis_key;		/* output.redis.key */
	enum redis_mode	 redis_mode;		/* output.redis.mode */
	size_t		 redis_spool;		/* output.redis.spool, bytes */
	struct policy_config policy;		/* policy.*: typosentry policyd */
};

/*
 * Parses the YAML text (len bytes, named `name` in messages) into cfg.
 * Every key the text leaves out takes its default: its value in the
 * built-in configuration (etc/typosentry.yaml), else config_defaults()'s.
 * A key given replaces its default whole (`protect.domains: []` is none).
 * protect.labels left out keeps the default labels of the protected TLDs
 * only.  Returns 0, or -1 with a "NAME:LINE:COL: what" message in err.
 */
int config_parse(struct ts_config *cfg, const char *name, const char *text,
    size_t len, char *err, size_t errlen);

/* Reads and parses a file; same contract as config_parse(). */
int config_load(struct ts_config *cfg, const char *path, char *err,
    size_t errlen);

/* The built-in configuration alone (no -c); same contract. */
int config_builtin(struct ts_config *cfg, char *err, size_t errlen);

void config_free(struct ts_config *cfg);

/*
 * Writes every key, one "key = value  # origin" line each, in the order
 * of the README: the origin is "default" or FILE:LINE (--dump-config).
 * With only_set, the keys the file gave alone (as postconf -n).
 */
void config_dump(FILE *f, const struct ts_config *cfg, bool only_set);

/* Whether the file gave key ("typo.append-tlds"), and on which line. */
bool config_key_set(const struct ts_config *cfg, const char *key,
    unsigned *line);

/*
 * Resets cfg to the defaults of the keys the built-in file leaves unset
 * or comments out (capture.filter, output.dir, run.user, ...): the base
 * under the built-in configuration.  Lists are empty here.
 */
void config_defaults(struct ts_config *cfg);

#endif
