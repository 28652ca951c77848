/*
 * options.c — typosentry's command line: getopt_long over the options
 * of usage(), sizes as the configuration writes them, trailing arguments
 * as a BPF expression (as tcpdump takes them).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdbool.h>		/* before ldns, which else makes bool a signed char */

#include <ldns/ldns.h>
#include <pcap/pcap.h>
#include <yaml.h>

#include "options.h"
#include "version.h"

void
usage(FILE *f)
{
	fprintf(f,
	    "usage: typosentry -r FILE [-r FILE ...] [options] [BPF expression]\n"
	    "       typosentry -i IFACE [-i IFACE ...] [options] [BPF expression]\n"
	    "\n"
	    "Reads captures or listens on interfaces and alerts on DNS lookups\n"
	    "and SMTP recipients that are typos of protected TLDs and domains\n"
	    "(army.ml for army.mil, gmial.com for gmail.com).\n"
	    "\n"
	    "  -r, --read FILE     read a pcap or pcapng file; '-' reads standard\n"
	    "                      input; repeat for several files, read in order\n"
	    "  -i, --interface IF  capture live on IF (repeat for several)\n"
	    "  -c, --config FILE   YAML configuration (default: the built-in one)\n"
	    "  -f, --filter EXPR   BPF filter (overrides capture.filter)\n"
	    "  -l, --log-dir DIR   append EVE JSON records to DIR/eve.json\n"
	    "      --stdout        write EVE JSON records to standard output\n"
	    "      --format FMT    eve (JSON records) or line (one readable line\n"
	    "                      per alert; DIR/fast.log with -l); default:\n"
	    "                      line on a terminal without -l or --stdout\n"
	    "      --syslog        also send alerts to syslog (syslog.enabled)\n"
	    "  -s, --snaplen N     live: bytes kept of each packet\n"
	    "  -B, --buffer-size SIZE  live: kernel buffer (like 32mb)\n"
	    "  -p, --no-promisc    live: do not put interfaces in promiscuous mode\n"
	    "      --immediate     live: hand each packet over at once (more CPU)\n"
	    "      --no-immediate  live: let the kernel batch packets (at most\n"
	    "                      100 ms; the default)\n"
	    "      --workers N     N packet threads (capture.workers; at most\n"
	    "                      the CPUs)\n"
	    "  -D, --daemon        detach and run in the background\n"
	    "      --pidfile FILE  write the process id to FILE\n"
	    "  -u, --user USER     run as USER once the captures are open\n"
	    "  -g, --group GROUP   and as GROUP (default: USER's group)\n"
	    "  -T, --test-config   check the configuration and exit (0 ok, 2 bad),\n"
	    "                      saying which names are protected\n"
	    "      --dump-config   print every configuration key, its value and\n"
	    "                      where it came from (the file or the default)\n"
	    "  -q, --quiet         no summary on standard error at exit\n"
	    "  -h, --help          this message\n"
	    "  -V, --version       version and libraries\n"
	    "\n"
	    "Without -l or --stdout (or output.dir in the configuration), records\n"
	    "go to standard output.  SIGHUP reopens the EVE file and reloads the\n"
	    "configuration; SIGINT and SIGTERM stop cleanly.  Exit status: 0 ok,\n"
	    "1 a capture or interface could not be read, 2 usage or\n"
	    "configuration error.  See typosentry(8).\n");
}

static void
version(void)
{
	printf("typosentry %s\n%s\nldns %s\nlibyaml %s\n", TS_VERSION,
	    pcap_lib_version(), ldns_version(), yaml_get_version_string());
}

enum {
	OPT_STDOUT = 256,
	OPT_SYSLOG,
	OPT_IMMEDIATE,
	OPT_NO_IMMEDIATE,
	OPT_PIDFILE,
	OPT_WORKERS,
	OPT_DUMP_CONFIG,
	OPT_FORMAT,
};

/* A size like the configuration's: 65536, 512kb, 32mb, 1g. */
static long long
parse_size(const char *s)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	unsigned long long mult = 1;
	if (*end == 'k' || *end == 'K')
		mult = 1ULL << 10;
	else if (*end == 'm' || *end == 'M')
		mult = 1ULL << 20;
	else if (*end == 'g' || *end == 'G')
		mult = 1ULL << 30;
	else if (*end != '\0')
		return -1;
	if (mult != 1 && end[1] != '\0' &&
	    !((end[1] == 'b' || end[1] == 'B') && end[2] == '\0'))
		return -1;
	if (v > (1ULL << 31) / mult)
		return -1;
	return (long long)(v * mult);
}

int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "read",	 required_argument, NULL, 'r' },
		{ "interface",	 required_argument, NULL, 'i' },
		{ "config",	 required_argument, NULL, 'c' },
		{ "filter",	 required_argument, NULL, 'f' },
		{ "log-dir",	 required_argument, NULL, 'l' },
		{ "stdout",	 no_argument,	    NULL, OPT_STDOUT },
		{ "format",	 required_argument, NULL, OPT_FORMAT },
		{ "syslog",	 no_argument,	    NULL, OPT_SYSLOG },
		{ "snaplen",	 required_argument, NULL, 's' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "no-promisc",	 no_argument,	    NULL, 'p' },
		{ "immediate",	 no_argument,	    NULL, OPT_IMMEDIATE },
		{ "no-immediate", no_argument,	    NULL, OPT_NO_IMMEDIATE },
		{ "daemon",	 no_argument,	    NULL, 'D' },
		{ "pidfile",	 required_argument, NULL, OPT_PIDFILE },
		{ "workers",	 required_argument, NULL, OPT_WORKERS },
		{ "user",	 required_argument, NULL, 'u' },
		{ "group",	 required_argument, NULL, 'g' },
		{ "test-config", no_argument,	    NULL, 'T' },
		{ "dump-config", no_argument,	    NULL, OPT_DUMP_CONFIG },
		{ "quiet",	 no_argument,	    NULL, 'q' },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ "version",	 no_argument,	    NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	char *end;

	o->snaplen = -1;
	o->buffer_size = -1;
	o->immediate = -1;
	while ((ch = getopt_long(argc, argv, "r:i:c:f:l:s:B:pDu:g:TqhV",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (o->ninputs == MAX_INPUTS) {
				fprintf(stderr, "typosentry: more than %d -r "
				    "files\n", MAX_INPUTS);
				return EXIT_USAGE;
			}
			o->inputs[o->ninputs++] = optarg;
			break;
		case 'i':
			if (o->nifaces == CONFIG_MAX_IFACES) {
				fprintf(stderr, "typosentry: more than %d -i "
				    "interfaces\n", CONFIG_MAX_IFACES);
				return EXIT_USAGE;
			}
			o->ifaces[o->nifaces++] = optarg;
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
		case OPT_FORMAT:
			if (strcmp(optarg, "eve") == 0)
				o->format = OUTPUT_FORMAT_EVE;
			else if (strcmp(optarg, "line") == 0)
				o->format = OUTPUT_FORMAT_LINE;
			else {
				fprintf(stderr, "typosentry: --format %s: give "
				    "eve or line\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_SYSLOG:
			o->syslog = true;
			break;
		case 's':
			errno = 0;
			o->snaplen = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o->snaplen < 64 ||
			    o->snaplen > 262144) {
				fprintf(stderr, "typosentry: -s %s: give a snap "
				    "length from 64 to 262144\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'B':
			o->buffer_size = parse_size(optarg);
			if (o->buffer_size < (64 << 10)) {
				fprintf(stderr, "typosentry: -B %s: give a size "
				    "from 64kb to 2gb (like 32mb)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			o->no_promisc = true;
			break;
		case OPT_NO_IMMEDIATE:
			o->immediate = 0;
			break;
		case OPT_IMMEDIATE:
			o->immediate = 1;
			break;
		case 'D':
			o->daemon = true;
			break;
		case OPT_PIDFILE:
			o->pidfile = optarg;
			break;
		case OPT_WORKERS:
			errno = 0;
			o->workers = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg ||
			    o->workers < 1 || o->workers > 1024) {
				fprintf(stderr, "typosentry: --workers %s: give a "
				    "number of worker threads from 1 to the number "
				    "of CPUs\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'g':
			o->group = optarg;
			break;
		case 'T':
			o->test_config = true;
			break;
		case OPT_DUMP_CONFIG:
			o->dump_config = true;
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
		size_t len = 1, at = 0;
		for (int i = optind; i < argc; i++)
			len += strlen(argv[i]) + 1;
		if ((o->filter_args = calloc(1, len)) == NULL)
			return EXIT_USAGE;
		/* The words joined by spaces, as tcpdump does. */
		for (int i = optind; i < argc; i++) {
			size_t n = strlen(argv[i]);
			if (i > optind)
				o->filter_args[at++] = ' ';
			memcpy(o->filter_args + at, argv[i], n);
			at += n;
		}
		o->filter = o->filter_args;
	}
	if (o->ninputs > 0 && o->nifaces > 0) {
		fprintf(stderr, "typosentry: give -r FILE or -i IFACE, not "
		    "both\n");
		return EXIT_USAGE;
	}
	if (o->group != NULL && o->user == NULL) {
		fprintf(stderr, "typosentry: -g needs -u\n");
		return EXIT_USAGE;
	}
	return 0;
}

