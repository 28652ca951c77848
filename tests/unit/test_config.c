/*
 * test_config.c — the YAML configuration: defaults, every key, the
 * single-value shorthand for lists, and errors that name the file, line
 * and column of the value at fault.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../rules/config.h"

static int
parse(struct ts_config *cfg, const char *text, char *err, size_t errlen)
{
	err[0] = '\0';
	return config_parse(cfg, "t.yaml", text, strlen(text), err, errlen);
}

static void
expect_base(const struct ts_config *cfg)
{
	assert_int_equal(cfg->n_dns_ports, 1);
	assert_int_equal(cfg->dns_ports[0], 53);
	assert_int_equal(cfg->n_alert_qtypes, 1);
	assert_int_equal(cfg->alert_qtypes[0], 15);	/* MX */
	assert_null(cfg->bpf_filter);
	assert_null(cfg->log_dir);
	assert_false(cfg->eve_stdout);
	assert_false(cfg->log_dns);
}

/* What a file that leaves every key out gets: the README's defaults. */
static void
expect_defaults(const struct ts_config *cfg)
{
	expect_base(cfg);
	assert_int_equal(cfg->protect_tlds.n, 2);
	assert_string_equal(cfg->protect_tlds.v[0], "mil");
	assert_string_equal(cfg->protect_tlds.v[1], "gov");
	assert_int_equal(cfg->protect_labels.n, 2);
	assert_int_equal(cfg->protect_domains.n, 30);
	assert_string_equal(cfg->protect_domains.v[0], "gmail.com");
	assert_int_equal(cfg->allow.n, 1);
	assert_string_equal(cfg->allow.v[0], "mailru.com");
	assert_int_equal(cfg->typo_flag_tlds.n, 1);
	assert_string_equal(cfg->typo_flag_tlds.v[0], "ml");
	assert_int_equal(cfg->typo_append_tlds.n, 3);
	assert_string_equal(cfg->typo_append_tlds.v[0], "com");
	assert_string_equal(cfg->typo_append_tlds.v[1], "net");
	assert_string_equal(cfg->typo_append_tlds.v[2], "org");
	assert_int_equal(cfg->typo_swap_tlds.n, 3);
	assert_string_equal(cfg->typo_swap_tlds.v[2], "co");
	assert_int_equal(cfg->typo_class_severity.n, 1);
	assert_string_equal(cfg->typo_class_severity.key[0], "homoglyph");
	assert_int_equal(cfg->typo_class_severity.value[0], 1);
	assert_int_equal(cfg->typo_rule_severity.n, 0);
	assert_int_equal(cfg->keys_set.n, 0);
}

static void
defaults(void **state)
{
	(void)state;
	struct ts_config cfg;

	memset(&cfg, 0xa5, sizeof(cfg));
	config_defaults(&cfg);
	expect_base(&cfg);
	/* The lists come from the built-in file, over this base. */
	assert_int_equal(cfg.protect_tlds.n, 0);
	assert_int_equal(cfg.protect_domains.n, 0);
	assert_null(cfg.path);
	config_free(&cfg);
}

/* An empty file, or one of comments only, is the defaults. */
static void
empty_file(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"", "\n", "# nothing here\n\n# at all\n",
	};
	struct ts_config cfg;
	char err[256];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (parse(&cfg, texts[i], err, sizeof(err)) != 0)
			fail_msg("'%s': %s", texts[i], err);
		expect_defaults(&cfg);
		assert_string_equal(cfg.path, "t.yaml");
		config_free(&cfg);
	}
}

static const char full_text[] =
    "# every key\n"
    "protect:\n"
    "  tlds: [mil, gov]\n"
    "  domains:\n"
    "    - gmail.com\n"
    "    - army.mil\n"
    "allow: [gmial.net, example.org]\n"
    "dns:\n"
    "  ports: [53, 5353, \"8053\"]\n"
    "  alert-qtypes: [MX, a, 28, TYPE65280]\n"
    "capture:\n"
    "  filter: \"udp port 53\"\n"
    "output:\n"
    "  dir: /var/log/typosentry\n"
    "  stdout: yes\n"
    "  dns: true\n";

static void
full(void **state)
{
	(void)state;
	struct ts_config cfg;
	char err[256];

	if (parse(&cfg, full_text, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg.path, "t.yaml");

	assert_int_equal(cfg.protect_tlds.n, 2);
	assert_string_equal(cfg.protect_tlds.v[0], "mil");
	assert_string_equal(cfg.protect_tlds.v[1], "gov");
	assert_int_equal(cfg.protect_tlds.line[0], 3);
	assert_int_equal(cfg.protect_tlds.col[0], 10);
	assert_int_equal(cfg.protect_tlds.line[1], 3);
	assert_int_equal(cfg.protect_tlds.col[1], 15);

	assert_int_equal(cfg.protect_domains.n, 2);
	assert_string_equal(cfg.protect_domains.v[0], "gmail.com");
	assert_string_equal(cfg.protect_domains.v[1], "army.mil");
	assert_int_equal(cfg.protect_domains.line[0], 5);
	assert_int_equal(cfg.protect_domains.col[0], 7);
	assert_int_equal(cfg.protect_domains.line[1], 6);

	assert_int_equal(cfg.allow.n, 2);
	assert_string_equal(cfg.allow.v[0], "gmial.net");
	assert_string_equal(cfg.allow.v[1], "example.org");
	assert_int_equal(cfg.allow.line[1], 7);
	assert_int_equal(cfg.allow.col[1], 20);

	assert_int_equal(cfg.n_dns_ports, 3);
	assert_int_equal(cfg.dns_ports[0], 53);
	assert_int_equal(cfg.dns_ports[1], 5353);
	assert_int_equal(cfg.dns_ports[2], 8053);

	assert_int_equal(cfg.n_alert_qtypes, 4);
	assert_int_equal(cfg.alert_qtypes[0], 15);	/* MX */
	assert_int_equal(cfg.alert_qtypes[1], 1);	/* a: case-insensitive */
	assert_int_equal(cfg.alert_qtypes[2], 28);	/* by number */
	assert_int_equal(cfg.alert_qtypes[3], 65280);	/* RFC 3597 form */

	assert_string_equal(cfg.bpf_filter, "udp port 53");
	assert_string_equal(cfg.log_dir, "/var/log/typosentry");
	assert_true(cfg.eve_stdout);
	assert_true(cfg.log_dns);
	config_free(&cfg);

	/* config_free leaves nothing behind, and can be called again. */
	assert_null(cfg.path);
	assert_null(cfg.protect_tlds.v);
	assert_int_equal(cfg.n_dns_ports, 0);
	config_free(&cfg);
}

/* correlation.* table sizes and tls.ports: defaults, values, bounds. */
static void
correlation_keys(void **state)
{
	(void)state;
	struct ts_config cfg;
	char err[256];

	config_defaults(&cfg);
	assert_int_equal(cfg.corr_max_lookups, 1024);
	assert_int_equal(cfg.corr_max_incidents, 1024);
	assert_int_equal(cfg.corr_tls_bytes, 1024);
	assert_int_equal(cfg.n_tls_ports, 3);
	assert_int_equal(cfg.tls_ports[1], 465);
	config_free(&cfg);
	if (parse(&cfg, "correlation: {max-lookups: 4096, max-incidents: 16, "
	    "tls-delivery-bytes: 2000}\ntls: {ports: [465]}\n", err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.corr_max_lookups, 4096);
	assert_int_equal(cfg.corr_max_incidents, 16);
	assert_int_equal(cfg.corr_tls_bytes, 2000);
	assert_int_equal(cfg.n_tls_ports, 1);
	assert_int_equal(cfg.tls_ports[0], 465);
	config_free(&cfg);
	assert_int_not_equal(parse(&cfg, "correlation: {max-incidents: 0}\n",
	    err, sizeof(err)), 0);
	assert_non_null(strstr(err, "correlation.max-incidents"));
	config_free(&cfg);
	assert_int_not_equal(parse(&cfg,
	    "correlation: {max-lookups: 1000000}\n", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "correlation.max-lookups"));
	config_free(&cfg);
}

/* A single value where a list is expected is a list of one. */
static void
scalar_is_list_of_one(void **state)
{
	(void)state;
	static const char text[] =
	    "protect:\n"
	    "  tlds: mil\n"
	    "  domains: gmail.com\n"
	    "allow: example.org\n"
	    "dns:\n"
	    "  ports: 5353\n"
	    "  alert-qtypes: AAAA\n";
	struct ts_config cfg;
	char err[256];

	if (parse(&cfg, text, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.protect_tlds.n, 1);
	assert_string_equal(cfg.protect_tlds.v[0], "mil");
	assert_int_equal(cfg.protect_tlds.line[0], 2);
	assert_int_equal(cfg.protect_tlds.col[0], 9);
	assert_int_equal(cfg.protect_domains.n, 1);
	assert_string_equal(cfg.protect_domains.v[0], "gmail.com");
	assert_int_equal(cfg.allow.n, 1);
	assert_string_equal(cfg.allow.v[0], "example.org");
	assert_int_equal(cfg.n_dns_ports, 1);
	assert_int_equal(cfg.dns_ports[0], 5353);
	assert_int_equal(cfg.n_alert_qtypes, 1);
	assert_int_equal(cfg.alert_qtypes[0], 28);
	config_free(&cfg);
}

/* Keys left out keep their defaults; empty lists and strings are allowed. */
static void
partial(void **state)
{
	(void)state;
	static const char text[] =
	    "allow: []\n"
	    "capture:\n"
	    "  filter: \"\"\n"
	    "output: {stdout: on}\n";
	struct ts_config cfg;
	char err[256];

	if (parse(&cfg, text, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.allow.n, 0);
	assert_null(cfg.bpf_filter);
	assert_true(cfg.eve_stdout);
	assert_false(cfg.log_dns);
	assert_int_equal(cfg.n_dns_ports, 1);
	assert_int_equal(cfg.dns_ports[0], 53);
	assert_int_equal(cfg.n_alert_qtypes, 1);
	assert_int_equal(cfg.alert_qtypes[0], 15);
	config_free(&cfg);
}

/*
 * A file that only protects its own domains keeps every other default of
 * the README: the typo TLD lists, the severities, the protected TLDs and
 * their labels (issue: a three-line file used to get empty lists).
 */
static void
documented_defaults(void **state)
{
	(void)state;
	static const char text[] =
	    "protect:\n"
	    "  domains: [usps.com, navy.mil]\n";
	struct ts_config cfg;
	char err[256];
	unsigned line = 0;

	if (parse(&cfg, text, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.protect_domains.n, 2);
	assert_string_equal(cfg.protect_domains.v[1], "navy.mil");
	assert_true(config_key_set(&cfg, "protect.domains", &line));
	assert_int_equal(line, 2);
	assert_true(config_key_set(&cfg, "protect", &line));
	assert_int_equal(line, 1);
	assert_false(config_key_set(&cfg, "protect.tlds", NULL));
	assert_int_equal(cfg.protect_tlds.n, 2);
	assert_int_equal(cfg.protect_labels.n, 2);
	assert_int_equal(cfg.typo_append_tlds.n, 3);
	assert_int_equal(cfg.typo_swap_tlds.n, 3);
	assert_int_equal(cfg.typo_flag_tlds.n, 1);
	assert_int_equal(cfg.typo_class_severity.n, 1);
	assert_int_equal(cfg.typo_min_label, 3);
	assert_int_equal(cfg.allow.n, 1);
	config_free(&cfg);
}

/* [] is none; a key given replaces its default whole. */
static void
empty_lists_are_none(void **state)
{
	(void)state;
	static const char text[] =
	    "protect: {tlds: [], domains: [], labels: {}}\n"
	    "allow: []\n"
	    "typo:\n"
	    "  flag-tlds: []\n"
	    "  append-tlds: [net]\n"
	    "  swap-tlds: []\n"
	    "  severity: {}\n";
	struct ts_config cfg;
	char err[256];

	if (parse(&cfg, text, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.protect_tlds.n, 0);
	assert_int_equal(cfg.protect_domains.n, 0);
	assert_int_equal(cfg.protect_labels.n, 0);
	assert_int_equal(cfg.allow.n, 0);
	assert_int_equal(cfg.typo_flag_tlds.n, 0);
	assert_int_equal(cfg.typo_append_tlds.n, 1);
	assert_string_equal(cfg.typo_append_tlds.v[0], "net");
	assert_int_equal(cfg.typo_swap_tlds.n, 0);
	assert_int_equal(cfg.typo_class_severity.n, 0);
	config_free(&cfg);
}

/* protect.tlds given, protect.labels not: the default labels of those. */
static void
labels_follow_tlds(void **state)
{
	(void)state;
	struct ts_config cfg;
	char err[256];

	if (parse(&cfg, "protect: {tlds: [gov]}\n", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.protect_tlds.n, 1);
	assert_int_equal(cfg.protect_labels.n, 1);
	assert_string_equal(cfg.protect_labels.key[0], "gov");
	assert_string_equal(cfg.protect_labels.list[0].v[0], "irs");
	config_free(&cfg);

	if (parse(&cfg, "protect: {tlds: []}\n", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.protect_labels.n, 0);
	config_free(&cfg);

	/* Labels given for a TLD the file protects are taken as they are. */
	if (parse(&cfg, "protect: {labels: {gov: [nasa]}}\n", err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.protect_tlds.n, 2);
	assert_int_equal(cfg.protect_labels.n, 1);
	assert_int_equal(cfg.protect_labels.list[0].n, 1);
	config_free(&cfg);
}

static char *
dump_of(const struct ts_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	config_dump(f, cfg, false);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/*
 * --dump-config: every key once, "key = value  # origin", the origin
 * being the file and line of a key given, "default" otherwise.
 */
static void
dump(void **state)
{
	(void)state;
	static const char text[] =
	    "typo:\n"
	    "  append-tlds: [com]\n"
	    "flow:\n"
	    "  timeouts: {new: 5}\n"
	    "capture: {filter: \"\", buffer-size: 100000}\n"
	    "privacy: {local-part: hash, hash-key: \"0123456789abcdef\"}\n"
	    "syslog: {facility: daemon, format: json}\n"
	    "dns: {alert-qtypes: [MX, 65280]}\n";
	struct ts_config cfg;
	char err[256];

	if (parse(&cfg, text, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	char *d = dump_of(&cfg);
	static const char *const want[] = {
		"\ntypo.append-tlds = [com]  # t.yaml:2\n",
		"\ntypo.swap-tlds = [net, org, co]  # default\n",
		"\ntypo.severity = {homoglyph: 1}  # default\n",
		"protect.tlds = [mil, gov]  # default\n",
		"\nflow.timeouts.new = 5  # t.yaml:4\n",
		"\nflow.timeouts.established = 600  # default\n",
		"\nflow.max-memory = 64mb  # default\n",
		"\ncapture.filter = \"\"  # t.yaml:5\n",
		"\ncapture.buffer-size = 100000  # t.yaml:5\n",
		"\ncapture.interfaces = []  # default\n",
		"\noutput.dir = (unset)  # default\n",
		"\nprivacy.local-part = hash  # t.yaml:6\n",
		"\nprivacy.hash-key = (set, not shown)  # t.yaml:6\n",
		"\nsyslog.facility = daemon  # t.yaml:7\n",
		"\nsyslog.format = json  # t.yaml:7\n",
		"\nsyslog.level = notice  # default\n",
		"\ndns.alert-qtypes = [MX, TYPE65280]  # t.yaml:8\n",
		"\nsmtp.ports = [25, 587, 2525]  # default\n",
		"\nrun.sandbox = true  # default\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(d, want[i]) == NULL)
			fail_msg("dump lacks '%s':\n%s", want[i], d);
	assert_null(strstr(d, "0123456789abcdef"));
	/* Every line is one key: "key = value  # origin". */
	size_t lines = 0;
	for (char *p = d; *p != '\0'; p = strchr(p, '\n') + 1) {
		char *nl = strchr(p, '\n');
		assert_non_null(nl);
		*nl = '\0';
		if (strstr(p, " = ") == NULL || strstr(p, "  # ") == NULL)
			fail_msg("bad dump line '%s'", p);
		*nl = '\n';
		lines++;
	}
	assert_true(lines >= 50);
	free(d);

	/* Only the keys the file set, as postconf -n. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	config_dump(f, &cfg, true);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(buf, "typo.append-tlds = [com]  # t.yaml:2\n"));
	assert_null(strstr(buf, "# default"));
	assert_null(strstr(buf, "typo.swap-tlds"));
	free(buf);
	config_free(&cfg);
}

/* The built-in configuration and an empty file dump the same. */
static void
dump_builtin(void **state)
{
	(void)state;
	struct ts_config a, b;
	char err[256];

	if (config_builtin(&a, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if (parse(&b, "", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	expect_defaults(&a);
	char *da = dump_of(&a), *db = dump_of(&b);
	assert_string_equal(da, db);
	assert_null(strstr(da, "t.yaml"));
	free(da);
	free(db);
	config_free(&a);
	config_free(&b);
}

/* Every key the dump lists is documented in the README's table. */
static void
dump_keys_documented(void **state)
{
	(void)state;
	struct ts_config cfg;
	char err[256], want[160];
	FILE *f = fopen("README.md", "r");
	static char readme[1 << 20];

	if (f == NULL)
		fail_msg("README.md: run from the repository root");
	size_t n = fread(readme, 1, sizeof(readme) - 1, f);
	fclose(f);
	readme[n] = '\0';
	if (config_builtin(&cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	char *d = dump_of(&cfg);
	for (char *p = d; *p != '\0'; p = strchr(p, '\n') + 1) {
		size_t kl = strcspn(p, " ");
		const char *last = p + kl;
		while (last > p && last[-1] != '.')
			last--;
		/* "`flow.timeouts.new`, `.established`" documents both. */
		snprintf(want, sizeof(want), "`%.*s`", (int)kl, p);
		bool found = strstr(readme, want) != NULL;
		snprintf(want, sizeof(want), "`.%.*s`", (int)(p + kl - last),
		    last);
		found = found || (last != p && strstr(readme, want) != NULL);
		if (!found)
			fail_msg("README.md does not document '%.*s'", (int)kl,
			    p);
	}
	free(d);
	config_free(&cfg);
}

static void
booleans(void **state)
{
	(void)state;
	static const struct {
		const char	*word;
		bool		 value;
	} cases[] = {
		{ "true", true }, { "yes", true }, { "on", true },
		{ "false", false }, { "no", false }, { "off", false },
	};
	struct ts_config cfg;
	char text[64], err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "output:\n  stdout: %s\n"
		    "  dns: %s\n", cases[i].word, cases[i].word);
		if (parse(&cfg, text, err, sizeof(err)) != 0)
			fail_msg("%s: %s", cases[i].word, err);
		assert_int_equal(cfg.eve_stdout, cases[i].value);
		assert_int_equal(cfg.log_dns, cases[i].value);
		config_free(&cfg);
	}
}

/* ---- Errors: "NAME:LINE:COL: message" ---- */

static void
expect_error(const char *text, const char *want)
{
	struct ts_config cfg;
	char err[512];

	if (parse(&cfg, text, err, sizeof(err)) == 0) {
		config_free(&cfg);
		fail_msg("accepted:\n%s", text);
	}
	config_free(&cfg);
	if (strcmp(err, want) != 0)
		fail_msg("got  '%s'\nwant '%s'", err, want);
}

/* Only the start of the message is ours; the rest is libyaml's. */
static void
expect_error_prefix(const char *text, const char *want)
{
	struct ts_config cfg;
	char err[512];

	if (parse(&cfg, text, err, sizeof(err)) == 0) {
		config_free(&cfg);
		fail_msg("accepted:\n%s", text);
	}
	config_free(&cfg);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("got  '%s'\nwant '%s...'", err, want);
}

static void
unknown_keys(void **state)
{
	(void)state;

	expect_error("foo: 1\n",
	    "t.yaml:1:1: unknown key 'foo' in the top level");
	expect_error("allow: []\n\nprotekt:\n  tlds: [mil]\n",
	    "t.yaml:3:1: unknown key 'protekt' in the top level");
	expect_error("protect:\n  tld: [mil]\n",
	    "t.yaml:2:3: unknown key 'tld' in protect");
	expect_error("dns:\n  ports: [53]\n  port: [54]\n",
	    "t.yaml:3:3: unknown key 'port' in dns");
	expect_error("output: {stdout: true, std-out: true}\n",
	    "t.yaml:1:24: unknown key 'std-out' in output");
	expect_error("capture:\n  bpf: udp\n",
	    "t.yaml:2:3: unknown key 'bpf' in capture");
}

static void
bad_ports(void **state)
{
	(void)state;

	expect_error("dns:\n  ports: [53, 0]\n",
	    "t.yaml:2:15: dns.ports: '0' is not a port (1-65535)");
	expect_error("dns:\n  ports: [70000]\n",
	    "t.yaml:2:11: dns.ports: '70000' is not a port (1-65535)");
	expect_error("dns: {ports: abc}\n",
	    "t.yaml:1:14: dns.ports: 'abc' is not a port (1-65535)");
	expect_error("dns: {ports: [65536]}\n",
	    "t.yaml:1:15: dns.ports: '65536' is not a port (1-65535)");
	expect_error("dns: {ports: [-1]}\n",
	    "t.yaml:1:15: dns.ports: '-1' is not a port (1-65535)");
	expect_error("dns: {ports: [53.0]}\n",
	    "t.yaml:1:15: dns.ports: '53.0' is not a port (1-65535)");
	expect_error("dns: {ports: [99999999999999999999999]}\n",
	    "t.yaml:1:15: dns.ports: '99999999999999999999999' is not a "
	    "port (1-65535)");
	expect_error("dns:\n  ports: []\n",
	    "t.yaml:2:10: dns.ports: give between 1 and 32 ports");

	/* The edges are fine. */
	struct ts_config cfg;
	char err[256];
	if (parse(&cfg, "dns: {ports: [1, 65535]}\n", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.n_dns_ports, 2);
	assert_int_equal(cfg.dns_ports[0], 1);
	assert_int_equal(cfg.dns_ports[1], 65535);
	config_free(&cfg);
}

static void
too_many_values(void **state)
{
	(void)state;
	char text[1024], want[128];
	size_t o;

	/* CONFIG_MAX_PORTS + 1 ports. */
	o = (size_t)snprintf(text, sizeof(text), "dns:\n  ports: [");
	for (int i = 0; i <= CONFIG_MAX_PORTS; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%d",
		    i > 0 ? ", " : "", 1000 + i);
	snprintf(text + o, sizeof(text) - o, "]\n");
	snprintf(want, sizeof(want),
	    "t.yaml:2:10: dns.ports: give between 1 and %d ports",
	    CONFIG_MAX_PORTS);
	expect_error(text, want);

	/* CONFIG_MAX_QTYPES + 1 record types. */
	o = (size_t)snprintf(text, sizeof(text), "dns: {alert-qtypes: [");
	for (int i = 0; i <= CONFIG_MAX_QTYPES; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%d",
		    i > 0 ? ", " : "", 1 + i);
	snprintf(text + o, sizeof(text) - o, "]}\n");
	snprintf(want, sizeof(want),
	    "t.yaml:1:21: dns.alert-qtypes: give between 1 and %d record "
	    "types", CONFIG_MAX_QTYPES);
	expect_error(text, want);
}

static void
bad_qtypes(void **state)
{
	(void)state;

	expect_error("dns:\n  alert-qtypes: [MX, MXX]\n",
	    "t.yaml:2:22: dns.alert-qtypes: 'MXX' is not a DNS record type");
	expect_error("dns: {alert-qtypes: [0]}\n",
	    "t.yaml:1:22: dns.alert-qtypes: '0' is not a DNS record type");
	expect_error("dns: {alert-qtypes: [65536]}\n",
	    "t.yaml:1:22: dns.alert-qtypes: '65536' is not a DNS record "
	    "type");
	/* The RFC 3597 form is held to the same range and syntax. */
	expect_error("dns: {alert-qtypes: [TYPE70000]}\n",
	    "t.yaml:1:22: dns.alert-qtypes: 'TYPE70000' is not a DNS record "
	    "type");
	expect_error("dns: {alert-qtypes: [TYPE65536]}\n",
	    "t.yaml:1:22: dns.alert-qtypes: 'TYPE65536' is not a DNS record "
	    "type");
	expect_error("dns: {alert-qtypes: [TYPE12abc]}\n",
	    "t.yaml:1:22: dns.alert-qtypes: 'TYPE12abc' is not a DNS record "
	    "type");
	expect_error("dns: {alert-qtypes: [TYPE0]}\n",
	    "t.yaml:1:22: dns.alert-qtypes: 'TYPE0' is not a DNS record "
	    "type");
	expect_error("dns: {alert-qtypes: [TYPE]}\n",
	    "t.yaml:1:22: dns.alert-qtypes: 'TYPE' is not a DNS record "
	    "type");
}

static void
bad_values(void **state)
{
	(void)state;

	expect_error("output:\n  stdout: maybe\n",
	    "t.yaml:2:11: output.stdout: expected true or false, not "
	    "'maybe'");
	expect_error("output: {dns: maybe}\n",
	    "t.yaml:1:15: output.dns: expected true or false, not 'maybe'");
	expect_error("output: {stdout: [true]}\n",
	    "t.yaml:1:18: output.stdout: expected a single value");
	expect_error("capture: {filter: [udp]}\n",
	    "t.yaml:1:19: capture.filter: expected a single value");
	expect_error("output: {dir: {a: b}}\n",
	    "t.yaml:1:15: output.dir: expected a single value");
	expect_error("allow: ['']\n",
	    "t.yaml:1:9: allow: empty name");
}

/* Mappings where lists are expected, and the reverse. */
static void
wrong_shapes(void **state)
{
	(void)state;

	expect_error("allow: {a: b}\n",
	    "t.yaml:1:8: allow: expected a list of names");
	expect_error("protect:\n  domains:\n    gmail: com\n",
	    "t.yaml:3:5: protect.domains: expected a list of names");
	expect_error("dns:\n  ports: {a: 53}\n",
	    "t.yaml:2:10: dns.ports: expected a list of names");
	expect_error("allow: [a, [b]]\n",
	    "t.yaml:1:12: allow: each entry must be a name");
	expect_error("dns: [53]\n",
	    "t.yaml:1:6: dns: expected a mapping of keys");
	expect_error("protect: mil\n",
	    "t.yaml:1:10: protect: expected a mapping of keys");
	expect_error("- a\n- b\n",
	    "t.yaml:1:1: the top level: expected a mapping of keys");
	expect_error("just text\n",
	    "t.yaml:1:1: the top level: expected a mapping of keys");
}

static void
yaml_syntax(void **state)
{
	(void)state;

	expect_error_prefix("allow: [a, b\n", "t.yaml:2:1: YAML error: ");
	expect_error_prefix("protect:\n  tlds: [mil\n  domains: [x]\n",
	    "t.yaml:3:");
	expect_error_prefix("a: b: c\n", "t.yaml:1:5: YAML error: ");
	expect_error_prefix("allow: \"open\n", "t.yaml:");

	/* Whatever the place, the message says it is a YAML error. */
	static const char *const texts[] = {
		"allow: [a, b\n", "a: b: c\n", "allow: \"open\n",
		"protect: {tlds: [mil}\n", "\t- tab\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct ts_config cfg;
		char err[512];
		unsigned line, col;
		int used = 0;
		assert_int_equal(parse(&cfg, texts[i], err, sizeof(err)), -1);
		config_free(&cfg);
		if (sscanf(err, "t.yaml:%u:%u: YAML error: %n", &line, &col,
		    &used) != 2 || used == 0 || line == 0 || col == 0)
			fail_msg("'%s': got '%s'", texts[i], err);
	}
}

/* A short error buffer truncates the message and nothing more. */
static void
short_error_buffer(void **state)
{
	(void)state;
	struct ts_config cfg;
	char err[16];

	memset(err, 'x', sizeof(err));
	assert_int_equal(config_parse(&cfg, "t.yaml", "foo: 1\n", 7, err, 12),
	    -1);
	config_free(&cfg);
	assert_string_equal(err, "t.yaml:1:1:");
	assert_int_equal(err[12], 'x');

	memset(err, 'x', sizeof(err));
	assert_int_equal(config_parse(&cfg, "t.yaml", "output: {dns: maybe}",
	    20, err, sizeof(err)), -1);
	config_free(&cfg);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_memory_equal(err, "t.yaml:1:15: out", 15);
}

/* ---- Files ---- */

static void
load_missing(void **state)
{
	(void)state;
	struct ts_config cfg;
	char err[256];

	assert_int_equal(config_load(&cfg, "no/such/dir/typosentry.yaml", err,
	    sizeof(err)), -1);
	assert_string_equal(err,
	    "no/such/dir/typosentry.yaml: No such file or directory");
	config_free(&cfg);
}

/* Writes text to a new temporary file; returns its name (to free). */
static char *
temp_file(const char *text)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	size_t n;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	n = strlen(dir) + sizeof("/test_config.XXXXXX");
	path = malloc(n);
	assert_non_null(path);
	snprintf(path, n, "%s/test_config.XXXXXX", dir);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return path;
}

static void
load_file(void **state)
{
	(void)state;
	struct ts_config cfg;
	char err[512], want[512];

	char *path = temp_file(full_text);
	if (config_load(&cfg, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg.path, path);
	assert_int_equal(cfg.protect_tlds.n, 2);
	assert_int_equal(cfg.n_alert_qtypes, 4);
	assert_string_equal(cfg.log_dir, "/var/log/typosentry");
	config_free(&cfg);
	unlink(path);
	free(path);

	/* Errors name the file. */
	path = temp_file("dns:\n  ports: [53]\n  portz: [54]\n");
	assert_int_equal(config_load(&cfg, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3:3: unknown key 'portz' in dns",
	    path);
	assert_string_equal(err, want);
	config_free(&cfg);
	unlink(path);
	free(path);

	/* An empty file is the defaults. */
	path = temp_file("");
	if (config_load(&cfg, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	expect_defaults(&cfg);
	config_free(&cfg);
	unlink(path);
	free(path);

	/* A file larger than the first read buffer. */
	size_t big = 3 * 4096;
	char *text = malloc(big + 64);
	assert_non_null(text);
	memset(text, '#', big);
	text[big - 1] = '\n';
	strcpy(text + big, "allow: [end.example]\n");
	path = temp_file(text);
	free(text);
	if (config_load(&cfg, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.allow.n, 1);
	assert_string_equal(cfg.allow.v[0], "end.example");
	assert_int_equal(cfg.allow.line[0], 2);
	config_free(&cfg);
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(empty_file),
		cmocka_unit_test(full),
		cmocka_unit_test(scalar_is_list_of_one),
		cmocka_unit_test(partial),
		cmocka_unit_test(documented_defaults),
		cmocka_unit_test(empty_lists_are_none),
		cmocka_unit_test(labels_follow_tlds),
		cmocka_unit_test(dump),
		cmocka_unit_test(dump_builtin),
		cmocka_unit_test(dump_keys_documented),
		cmocka_unit_test(booleans),
		cmocka_unit_test(unknown_keys),
		cmocka_unit_test(bad_ports),
		cmocka_unit_test(too_many_values),
		cmocka_unit_test(bad_qtypes),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(wrong_shapes),
		cmocka_unit_test(yaml_syntax),
		cmocka_unit_test(short_error_buffer),
		cmocka_unit_test(load_missing),
		cmocka_unit_test(load_file),
		cmocka_unit_test(correlation_keys),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
