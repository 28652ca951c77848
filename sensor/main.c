/*
 * main.c — typosentry: command line, start-up, and the run over the
 * capture files.
 *
 * Everything that can fail for a user's mistake (options, configuration,
 * typo model, output file, filter) is checked before the first packet is
 * read; those failures exit 2 with a message naming what is wrong.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <ldns/ldns.h>
#include <pcap/pcap.h>
#include <yaml.h>

#include "../rules/config.h"
#include "../rules/typo.h"
#include "capture.h"
#include "output.h"
#include "version.h"
#include "worker.h"

/* The bundled default configuration, compiled in (etc/typosentry.yaml). */
extern const char default_config_yaml[];
extern const size_t default_config_yaml_len;

#define EXIT_READ_ERROR	1	/* a capture could not be read at all */
#define EXIT_USAGE	2	/* bad option or configuration */

#define MAX_INPUTS	256

struct options {
	const char	*inputs[MAX_INPUTS];
	size_t		 ninputs;
	const char	*config_path;
	const char	*filter;	/* -f or trailing arguments */
	char		*filter_args;
	const char	*log_dir;
	bool		 to_stdout;
	bool		 quiet;
	bool		 test_config;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: typosentry -r FILE [-r FILE ...] [options] [BPF expression]\n"
	    "\n"
	    "Reads captures and alerts on DNS lookups of typos of protected\n"
	    "TLDs and domains (army.ml for army.mil, gmial.com for gmail.com).\n"
	    "\n"
	    "  -r, --read FILE     read a pcap or pcapng file; '-' reads standard\n"
	    "                      input; repeat for several files, read in order\n"
	    "  -c, --config FILE   YAML configuration (default: the built-in one)\n"
	    "  -f, --filter EXPR   BPF filter (overrides capture.filter)\n"
	    "  -l, --log-dir DIR   append EVE JSON alerts to DIR/eve.json\n"
	    "      --stdout        write EVE JSON alerts to standard output\n"
	    "  -T, --test-config   check the configuration and exit (0 ok, 2 bad)\n"
	    "  -q, --quiet         no summary on standard error at exit\n"
	    "  -h, --help          this message\n"
	    "  -V, --version       version and libraries\n"
	    "\n"
	    "Without -l or --stdout (or output.dir in the configuration), alerts\n"
	    "go to standard output.  Exit status: 0 ok, 1 a capture could not be\n"
	    "read, 2 usage or configuration error.\n");
}

static void
version(void)
{
	printf("typosentry %s\n%s\nldns %s\nlibyaml %s\n", TS_VERSION,
	    pcap_lib_version(), ldns_version(), yaml_get_version_string());
}

enum { OPT_STDOUT = 256 };

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "read",	 required_argument, NULL, 'r' },
		{ "config",	 required_argument, NULL, 'c' },
		{ "filter",	 required_argument, NULL, 'f' },
		{ "log-dir",	 required_argument, NULL, 'l' },
		{ "stdout",	 no_argument,	    NULL, OPT_STDOUT },
		{ "test-config", no_argument,	    NULL, 'T' },
		{ "quiet",	 no_argument,	    NULL, 'q' },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ "version",	 no_argument,	    NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "r:c:f:l:TqhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (o->ninputs == MAX_INPUTS) {
				fprintf(stderr, "typosentry: more than %d -r "
				    "files\n", MAX_INPUTS);
				return EXIT_USAGE;
			}
			o->inputs[o->ninputs++] = optarg;
			break;
		case 'c':
			o->config_path = optarg;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'l':
			o->log_dir = optarg;
			break;
		case OPT_STDOUT:
			o->to_stdout = true;
			break;
		case 'T':
			o->test_config = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			version();
			exit(0);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	/* Trailing arguments form a BPF expression, as with tcpdump. */
	if (optind < argc) {
		if (o->filter != NULL) {
			fprintf(stderr, "typosentry: give the filter either "
			    "with -f or after the options, not both\n");
			return EXIT_USAGE;
		}
		size_t len = 1;
		for (int i = optind; i < argc; i++)
			len += strlen(argv[i]) + 1;
		if ((o->filter_args = calloc(1, len)) == NULL)
			return EXIT_USAGE;
		for (int i = optind; i < argc; i++) {
			if (i > optind)
				strcat(o->filter_args, " ");
			strcat(o->filter_args, argv[i]);
		}
		o->filter = o->filter_args;
	}
	if (o->ninputs == 0 && !o->test_config) {
		fprintf(stderr, "typosentry: nothing to read: give -r FILE\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

/* A bad filter is a usage error: find it before reading anything. */
static int
check_filter(const char *filter)
{
	struct bpf_program prog;
	pcap_t *p;
	int rc = 0;

	if (filter == NULL || filter[0] == '\0')
		return 0;
	if ((p = pcap_open_dead(DLT_EN10MB, 262144)) == NULL)
		return -1;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		fprintf(stderr, "typosentry: bad filter '%s': %s\n", filter,
		    pcap_geterr(p));
		rc = -1;
	} else {
		pcap_freecode(&prog);
	}
	pcap_close(p);
	return rc;
}

static void
print_summary(const struct worker *w, size_t files, size_t failed)
{
	static const struct {
		const char	*name;
		const char	*desc;
		size_t		 off;
	} rows[] = {
#define TS_COUNTER_ROW(n, d) { #n, d, offsetof(struct counters, n) },
		TS_COUNTERS(TS_COUNTER_ROW)
#undef TS_COUNTER_ROW
	};

	struct rusage ru;

	fprintf(stderr, "typosentry: %zu file(s) read, %zu with errors\n",
	    files - failed, failed);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		fprintf(stderr, "  %-22s %12ld  %s\n", "peak_rss_kb", ru.ru_maxrss,
		    "peak resident memory, KiB");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v;
		memcpy(&v, (const char *)&w->cnt + rows[i].off, sizeof(v));
		if (v != 0)
			fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n",
			    rows[i].name, v, rows[i].desc);
	}
}

int
main(int argc, char **argv)
{
	struct options o;
	struct ts_config cfg;
	struct typo_model *model = NULL;
	struct output out;
	struct worker w;
	char err[1024];
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = parse_options(argc, argv, &o)) != 0) {
		free(o.filter_args);
		return rc;
	}

	if (o.config_path != NULL)
		rc = config_load(&cfg, o.config_path, err, sizeof(err));
	else
		rc = config_parse(&cfg, "(built-in configuration)",
		    default_config_yaml, default_config_yaml_len, err,
		    sizeof(err));
	if (rc == 0 && (model = typo_model_build(&cfg, err, sizeof(err))) == NULL)
		rc = -1;
	if (rc != 0) {
		fprintf(stderr, "typosentry: %s\n", err);
		config_free(&cfg);
		free(o.filter_args);
		return EXIT_USAGE;
	}
	if (o.test_config) {
		fprintf(stderr, "typosentry: configuration %s is valid (%zu "
		    "typo variants)\n", cfg.path, typo_model_variants(model));
		typo_model_free(model);
		config_free(&cfg);
		free(o.filter_args);
		return 0;
	}

	const char *filter = o.filter != NULL ? o.filter : cfg.bpf_filter;
	if (check_filter(filter) != 0) {
		typo_model_free(model);
		config_free(&cfg);
		free(o.filter_args);
		return EXIT_USAGE;
	}

	const char *dir = o.to_stdout ? NULL :
	    o.log_dir != NULL ? o.log_dir : cfg.log_dir;
	if (cfg.eve_stdout && o.log_dir == NULL)
		dir = NULL;
	if (output_open(&out, dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "typosentry: cannot open the EVE log: %s\n", err);
		typo_model_free(model);
		config_free(&cfg);
		free(o.filter_args);
		return EXIT_USAGE;
	}
	if (worker_init(&w, &cfg, model, &out) != 0) {
		fprintf(stderr, "typosentry: out of memory\n");
		output_close(&out);
		typo_model_free(model);
		config_free(&cfg);
		free(o.filter_args);
		return EXIT_USAGE;
	}

	size_t failed = 0;
	bool unreadable = false;
	for (size_t i = 0; i < o.ninputs; i++) {
		struct capture_result res;
		if (capture_file(&w, o.inputs[i], filter, &res) != 0) {
			failed++;
			if (res.packets == 0)
				unreadable = true;
		}
	}
	/* End of input: flows still open give up what they hold. */
	worker_flush(&w);
	if (!o.quiet)
		print_summary(&w, o.ninputs, failed);

	worker_free(&w);
	output_close(&out);
	typo_model_free(model);
	config_free(&cfg);
	free(o.filter_args);
	return unreadable ? EXIT_READ_ERROR : 0;
}
