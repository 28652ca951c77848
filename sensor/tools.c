/*
 * tools.c — `typosentry check` and `typosentry variants`.
 *
 * check: for each name (arguments, or lines of standard input with "-"),
 * whether it alerts under the configuration, which protected name it
 * imitates, the class and a one-line explanation.  Exit 0 when at least
 * one name alerts, 1 when none does, 2 on a usage or configuration error
 * (as grep does), so scripts can ask "is this a typo?".
 *
 * variants: the enumerated variants of the given domains that would alert,
 * in a form a mail or DNS team can deploy to prevent the mistake: a plain
 * list, a Postfix check_recipient_access map, an RPZ zone for unbound or
 * BIND, or a Suricata dataset (base64 strings).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../rules/config.h"
#include "../rules/typo.h"
#include "tools.h"

static int
load(const char *path, struct ts_config *cfg, struct typo_model **model,
    bool keep_domains)
{
	char err[1024];
	int rc;

	if (path != NULL)
		rc = config_load(cfg, path, err, sizeof(err));
	else
		rc = config_builtin(cfg, err, sizeof(err));
	if (rc == 0 && keep_domains &&
	    (*model = typo_model_build(cfg, err, sizeof(err))) == NULL)
		rc = -1;
	if (rc != 0) {
		fprintf(stderr, "typosentry: %s\n", err);
		config_free(cfg);
		return -1;
	}
	return 0;
}

static bool
check_one(const struct typo_model *m, const char *name)
{
	struct typo_match t;

	switch (typo_match(m, name, strlen(name), &t)) {
	case TYPO_MATCH:
		printf("%s: alert: %s \u2190 %s [%s, distance %u, rule %s]: %s\n",
		    name, t.observed, t.protected_name, t.class, t.distance,
		    t.rule, t.explanation);
		return true;
	case TYPO_EXEMPT:
		printf("%s: no alert: protected or allowed\n", name);
		return false;
	case TYPO_INVALID:
		printf("%s: no alert: not a valid domain name\n", name);
		return false;
	default:
		printf("%s: no alert\n", name);
		return false;
	}
}

static void
check_usage(FILE *f)
{
	fprintf(f, "usage: typosentry check [-c CONFIG] NAME... | -\n"
	    "  Says for each name whether it alerts, what it imitates and "
	    "how.\n  '-' reads names from standard input, one per line.\n"
	    "  Exit status: 0 some name alerts, 1 none does, 2 error.\n");
}

int
tool_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct ts_config cfg;
	struct typo_model *m = NULL;
	bool any = false;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			check_usage(stdout);
			return 0;
		default:
			check_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		check_usage(stderr);
		return 2;
	}
	if (load(path, &cfg, &m, true) != 0)
		return 2;
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0) {
			any |= check_one(m, argv[i]);
			continue;
		}
		char line[1024];
		while (fgets(line, sizeof(line), stdin) != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] != '\0')
				any |= check_one(m, line);
		}
	}
	typo_model_free(m);
	config_free(&cfg);
	return any ? 0 : 1;
}

enum format { FMT_LIST, FMT_POSTFIX, FMT_RPZ, FMT_SURICATA };

struct entry {
	char		*name;
	const char	*rule;		/* borrowed from the model */
	const char	*class;
};

struct collect {
	struct entry		*v;
	size_t			 n, cap;
	const struct strlist	*only;	/* the domains asked for */
	int			 err;
};

static void
collect_one(void *ctx, const struct typo_variant *v)
{
	struct collect *c = ctx;
	bool wanted = false;

	/* Whole typo TLDs are no list of names; and only the asked domains. */
	if (v->whole_suffix)
		return;
	for (size_t i = 0; i < c->only->n; i++)
		if (strcasecmp(c->only->v[i], v->rule) == 0)
			wanted = true;
	if (!wanted)
		return;
	if (c->n == c->cap) {
		size_t ncap = c->cap == 0 ? 1024 : c->cap * 2;
		struct entry *nv = realloc(c->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			c->err = -1;
			return;
		}
		c->v = nv;
		c->cap = ncap;
	}
	c->v[c->n].rule = v->rule;
	c->v[c->n].class = v->class;
	if ((c->v[c->n].name = strdup(v->name)) == NULL) {
		c->err = -1;
		return;
	}
	c->n++;
}

static int
by_name(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int r = strcmp(x->rule, y->rule);

	return r != 0 ? r : strcmp(x->name, y->name);
}

static void
base64(const char *in, char *out)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(in), o = 0;
	const unsigned char *s = (const unsigned char *)in;

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < len ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? tab[v & 63] : '=';
	}
	out[o] = '\0';
}

static void
variants_usage(FILE *f)
{
	fprintf(f, "usage: typosentry variants [-c CONFIG] "
	    "[-f list|postfix|rpz|suricata] DOMAIN...\n"
	    "  Lists the variants of each domain that would alert, in a "
	    "format to deploy:\n"
	    "  list      one name per line, with its class\n"
	    "  postfix   a check_recipient_access map (NAME REJECT ...)\n"
	    "  rpz       a DNS Response Policy Zone (NXDOMAIN for each name "
	    "and its subdomains)\n"
	    "  suricata  a Suricata dataset file (type string, base64)\n");
}

int
tool_variants(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	enum format fmt = FMT_LIST;
	struct ts_config cfg;
	struct typo_model *m = NULL;
	char err[1024];
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:f:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "list") == 0)
				fmt = FMT_LIST;
			else if (strcmp(optarg, "postfix") == 0)
				fmt = FMT_POSTFIX;
			else if (strcmp(optarg, "rpz") == 0)
				fmt = FMT_RPZ;
			else if (strcmp(optarg, "suricata") == 0)
				fmt = FMT_SURICATA;
			else {
				fprintf(stderr, "typosentry: unknown format "
				    "'%s'\n", optarg);
				variants_usage(stderr);
				return 2;
			}
			break;
		case 'h':
			variants_usage(stdout);
			return 0;
		default:
			variants_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		variants_usage(stderr);
		return 2;
	}
	if (load(path, &cfg, &m, false) != 0)
		return 2;

	/*
	 * The asked domains become the protected domains, on top of the
	 * configuration's TLDs, labels and policy.
	 */
	struct strlist asked = { 0 };
	asked.v = calloc((size_t)(argc - optind), sizeof(*asked.v));
	asked.line = calloc((size_t)(argc - optind), sizeof(*asked.line));
	asked.col = calloc((size_t)(argc - optind), sizeof(*asked.col));
	if (asked.v == NULL || asked.line == NULL || asked.col == NULL) {
		fprintf(stderr, "typosentry: out of memory\n");
		free(asked.v);
		free(asked.line);
		free(asked.col);
		config_free(&cfg);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		asked.v[asked.n] = argv[i];
		asked.line[asked.n] = 0;
		asked.col[asked.n] = (unsigned)(i - optind + 1);
		asked.n++;
	}
	struct strlist saved = cfg.protect_domains;
	char *saved_path = cfg.path;
	cfg.protect_domains = asked;
	static char cmdline[] = "(command line)";
	cfg.path = cmdline;
	m = typo_model_build(&cfg, err, sizeof(err));
	cfg.protect_domains = saved;
	cfg.path = saved_path;
	if (m == NULL) {
		fprintf(stderr, "typosentry: %s\n", err);
		free(asked.v);
		free(asked.line);
		free(asked.col);
		config_free(&cfg);
		return 2;
	}

	struct collect c = { NULL, 0, 0, &asked, 0 };
	typo_model_each_variant(m, collect_one, &c);
	if (c.n > 0)
		qsort(c.v, c.n, sizeof(*c.v), by_name);
	if (fmt == FMT_RPZ)
		printf("; typosentry variants: a Response Policy Zone answering "
		    "NXDOMAIN\n; for typos of the protected names, so the "
		    "mistake fails early.\n$TTL 300\n"
		    "@ IN SOA localhost. hostmaster.localhost. 1 3600 600 "
		    "86400 300\n@ IN NS localhost.\n");
	for (size_t i = 0; i < c.n; i++) {
		const struct entry *v = &c.v[i];
		/* The same name by two edits (repetition, insertion): once. */
		if (i > 0 && strcmp(v->name, c.v[i - 1].name) == 0 &&
		    strcmp(v->rule, c.v[i - 1].rule) == 0)
			continue;
		char b64[NAME_MAX_LEN * 2];
		switch (fmt) {
		case FMT_LIST:
			printf("%s\t%s\t%s\n", v->name, v->class, v->rule);
			break;
		case FMT_POSTFIX:
			printf("%s\tREJECT possible typo of %s (%s)\n", v->name,
			    v->rule, v->class);
			break;
		case FMT_RPZ:
			printf("%s\tCNAME .\n*.%s\tCNAME .\n", v->name, v->name);
			break;
		case FMT_SURICATA:
			base64(v->name, b64);
			printf("%s\n", b64);
			break;
		}
	}
	int rc = c.err != 0 ? 2 : 0;
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i].name);
	free(c.v);
	free(asked.v);
	free(asked.line);
	free(asked.col);
	typo_model_free(m);
	config_free(&cfg);
	return rc;
}

static void
config_usage(FILE *f)
{
	fprintf(f, "usage: typosentry config [-c CONFIG] [-n]\n"
	    "  Prints every configuration key, one \"key = value  # origin\"\n"
	    "  line each: the origin is \"default\" or the file and line that\n"
	    "  set it.  -n: only the keys the file sets (as postconf -n).\n"
	    "  The configuration and its typo model are checked first.\n"
	    "  Exit status: 0 valid, 2 error.\n");
}

int
tool_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct ts_config cfg;
	struct typo_model *m = NULL;
	bool only_set = false;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:nh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			only_set = true;
			break;
		case 'h':
			config_usage(stdout);
			return 0;
		default:
			config_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		config_usage(stderr);
		return 2;
	}
	if (load(path, &cfg, &m, true) != 0)
		return 2;
	config_dump(stdout, &cfg, only_set);
	typo_model_free(m);
	config_free(&cfg);
	return fflush(stdout) == 0 ? 0 : 2;
}
