/*
 * config_output.c — where records go: the output section (EVE file and
 * standard output, their format, the DNS and SMTP records, Community ID,
 * Redis), the syslog section and the sensor's name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "config_keys.h"

/* syslog.facility and syslog.level: the names syslog.conf uses. */
static const struct {
	const char	*name;
	int		 value;
} syslog_facilities[] = {
	{ "kern", LOG_KERN }, { "user", LOG_USER }, { "mail", LOG_MAIL },
	{ "daemon", LOG_DAEMON }, { "auth", LOG_AUTH },
	{ "authpriv", LOG_AUTHPRIV }, { "syslog", LOG_SYSLOG },
	{ "lpr", LOG_LPR }, { "news", LOG_NEWS }, { "uucp", LOG_UUCP },
	{ "cron", LOG_CRON }, { "ftp", LOG_FTP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	{ NULL, 0 },
}, syslog_levels[] = {
	{ "emerg", LOG_EMERG }, { "alert", LOG_ALERT }, { "crit", LOG_CRIT },
	{ "err", LOG_ERR }, { "error", LOG_ERR }, { "warning", LOG_WARNING },
	{ "warn", LOG_WARNING }, { "notice", LOG_NOTICE },
	{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
	{ NULL, 0 },
};

static int
ld_output_dir(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_string(l, n, "output.dir", &c->log_dir);
}

static int
ld_output_stdout(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "output.stdout", &c->eve_stdout);
}

static int
ld_output_eve(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "output.eve", &c->eve_enabled);
}

static int
ld_output_dns(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "output.dns", &c->log_dns);
}

static int
ld_output_smtp(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "output.smtp", &c->log_smtp);
}

static int
ld_output_format(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (want_scalar(l, n, "output.format") != 0)
		return -1;
	if (strcmp(scalar(n), "auto") == 0)
		c->output_format = OUTPUT_FORMAT_AUTO;
	else if (strcmp(scalar(n), "eve") == 0)
		c->output_format = OUTPUT_FORMAT_EVE;
	else if (strcmp(scalar(n), "line") == 0)
		c->output_format = OUTPUT_FORMAT_LINE;
	else
		return fail(l, n, "output.format: '%s': expected eve, line or "
		    "auto", scalar(n));
	return 0;
}

static void
show_output_format(FILE *f, const struct ts_config *c)
{
	fputs(c->output_format == OUTPUT_FORMAT_EVE ? "eve" :
	    c->output_format == OUTPUT_FORMAT_LINE ? "line" : "auto", f);
}

static int
ld_output_max_pending(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_size(l, n, "output.max-pending", 64ULL << 10, 1ULL << 30,
	    &c->output_max_pending);
}

static int
ld_output_community_id(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "output.community-id", &c->community_id);
}

static int
ld_output_community_id_seed(struct loader *l, yaml_node_t *n,
    struct ts_config *c)
{
	return load_u32(l, n, "output.community-id-seed", 0, 65535,
	    &c->community_id_seed);
}

static int
ld_redis_enabled(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "output.redis.enabled", &c->redis_enabled);
}

static int
ld_redis_server(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	char *v = NULL;

	if (load_string(l, n, "output.redis.server", &v) != 0)
		return -1;
	if (v == NULL)
		return fail(l, n, "output.redis.server: empty");
	free(c->redis_server);
	c->redis_server = v;
	return 0;
}

static int
ld_redis_port(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_u32(l, n, "output.redis.port", 1, 65535, &c->redis_port);
}

static int
ld_redis_key(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	char *v = NULL;

	if (load_string(l, n, "output.redis.key", &v) != 0)
		return -1;
	if (v == NULL)
		return fail(l, n, "output.redis.key: empty");
	free(c->redis_key);
	c->redis_key = v;
	return 0;
}

static int
ld_redis_mode(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	static const struct {
		const char	*name;
		enum redis_mode	 mode;
	} modes[] = {
		{ "list", REDIS_LPUSH }, { "lpush", REDIS_LPUSH },
		{ "rpush", REDIS_RPUSH }, { "channel", REDIS_PUBLISH },
		{ "publish", REDIS_PUBLISH }, { "stream", REDIS_XADD },
		{ "xadd", REDIS_XADD },
	};

	if (want_scalar(l, n, "output.redis.mode") != 0)
		return -1;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(scalar(n), modes[i].name) == 0) {
			c->redis_mode = modes[i].mode;
			return 0;
		}
	return fail(l, n, "output.redis.mode: '%s' is not list, rpush, "
	    "channel or stream", scalar(n));
}

static int
ld_redis_spool(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_size(l, n, "output.redis.spool", 4ULL << 10, 1ULL << 32,
	    &c->redis_spool);
}

static void
show_redis_mode(FILE *f, const struct ts_config *c)
{
	fputs(c->redis_mode == REDIS_RPUSH ? "rpush" :
	    c->redis_mode == REDIS_PUBLISH ? "channel" :
	    c->redis_mode == REDIS_XADD ? "stream" : "list", f);
}

static const struct key_handler redis_keys[] = {
	KEY("enabled", ld_redis_enabled, BOOL, redis_enabled),
	KEY("server", ld_redis_server, STRING, redis_server),
	KEY("port", ld_redis_port, COUNT, redis_port),
	KEY("key", ld_redis_key, STRING, redis_key),
	KEY_FN("mode", ld_redis_mode, show_redis_mode),
	KEY("spool", ld_redis_spool, SIZE, redis_spool),
	END_KEYS,
};

static int
ld_output_redis(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (config_empty_section(n))
		return 0;
	return config_walk(l, n, "output.redis", redis_keys, c);
}

const struct key_handler config_output_keys[] = {
	KEY("dir", ld_output_dir, STRING, log_dir),
	KEY("dns", ld_output_dns, BOOL, log_dns),
	KEY("smtp", ld_output_smtp, BOOL, log_smtp),
	KEY("stdout", ld_output_stdout, BOOL, eve_stdout),
	KEY("eve", ld_output_eve, BOOL, eve_enabled),
	KEY_FN("format", ld_output_format, show_output_format),
	KEY("max-pending", ld_output_max_pending, SIZE, output_max_pending),
	KEY("community-id", ld_output_community_id, BOOL, community_id),
	KEY("community-id-seed", ld_output_community_id_seed, COUNT,
	    community_id_seed),
	SECTION("redis", ld_output_redis, redis_keys),
	END_KEYS,
};

int
config_ld_output(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return config_walk(l, n, "output", config_output_keys, c);
}

static int
ld_syslog_enabled(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_bool(l, n, "syslog.enabled", &c->syslog_enabled);
}

static int
ld_syslog_ident(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (load_string(l, n, "syslog.ident", &c->syslog_ident) != 0)
		return -1;
	if (c->syslog_ident == NULL)
		return fail(l, n, "syslog.ident: empty");
	for (const char *p = c->syslog_ident; *p != '\0'; p++)
		if (*p <= ' ' || *p == ':' || *p == '[' || *p > '~')
			return fail(l, n, "syslog.ident: '%s': use letters, "
			    "digits and punctuation other than ':' and '['",
			    c->syslog_ident);
	if (strlen(c->syslog_ident) > 32)
		return fail(l, n, "syslog.ident: at most 32 characters");
	return 0;
}

static int
ld_syslog_facility(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (want_scalar(l, n, "syslog.facility") != 0)
		return -1;
	for (size_t i = 0; syslog_facilities[i].name != NULL; i++)
		if (strcasecmp(scalar(n), syslog_facilities[i].name) == 0) {
			c->syslog_facility = syslog_facilities[i].value;
			return 0;
		}
	return fail(l, n, "syslog.facility: '%s' is not a facility (local0 "
	    "to local7, daemon, user, ...)", scalar(n));
}

static void
show_syslog_facility(FILE *f, const struct ts_config *c)
{
	for (size_t i = 0; syslog_facilities[i].name != NULL; i++)
		if (syslog_facilities[i].value == c->syslog_facility) {
			fputs(syslog_facilities[i].name, f);
			return;
		}
	fprintf(f, "%d", c->syslog_facility);
}

static int
ld_syslog_level(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (want_scalar(l, n, "syslog.level") != 0)
		return -1;
	for (size_t i = 0; syslog_levels[i].name != NULL; i++)
		if (strcasecmp(scalar(n), syslog_levels[i].name) == 0) {
			c->syslog_level = syslog_levels[i].value;
			return 0;
		}
	return fail(l, n, "syslog.level: '%s' is not a level (emerg, alert, "
	    "crit, err, warning, notice, info, debug)", scalar(n));
}

static void
show_syslog_level(FILE *f, const struct ts_config *c)
{
	for (size_t i = 0; syslog_levels[i].name != NULL; i++)
		if (syslog_levels[i].value == c->syslog_level) {
			fputs(syslog_levels[i].name, f);
			return;
		}
	fprintf(f, "%d", c->syslog_level);
}

static int
ld_syslog_format(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (want_scalar(l, n, "syslog.format") != 0)
		return -1;
	if (strcmp(scalar(n), "line") == 0)
		c->syslog_json = false;
	else if (strcmp(scalar(n), "json") == 0)
		c->syslog_json = true;
	else
		return fail(l, n, "syslog.format: '%s': expected line or json",
		    scalar(n));
	return 0;
}

static void
show_syslog_format(FILE *f, const struct ts_config *c)
{
	fputs(c->syslog_json ? "json" : "line", f);
}

const struct key_handler config_syslog_keys[] = {
	KEY("enabled", ld_syslog_enabled, BOOL, syslog_enabled),
	KEY("ident", ld_syslog_ident, STRING, syslog_ident),
	KEY_FN("facility", ld_syslog_facility, show_syslog_facility),
	KEY_FN("level", ld_syslog_level, show_syslog_level),
	KEY_FN("format", ld_syslog_format, show_syslog_format),
	END_KEYS,
};
int
config_ld_syslog(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (config_empty_section(n))
		return 0;
	return config_walk(l, n, "syslog", config_syslog_keys, c);
}

static int
ld_sensor_name(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (load_string(l, n, "sensor.name", &c->sensor_name) != 0)
		return -1;
	if (c->sensor_name != NULL && strlen(c->sensor_name) > 255)
		return fail(l, n, "sensor.name: longer than 255 characters");
	return 0;
}

const struct key_handler config_sensor_keys[] = {
	KEY("name", ld_sensor_name, STRING, sensor_name),
	END_KEYS,
};

int
config_ld_sensor(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (config_empty_section(n))
		return 0;
	return config_walk(l, n, "sensor", config_sensor_keys, c);
}

