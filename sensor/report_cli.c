/*
 * report_cli.c — `typosentry report`: EVE files (or captures, replayed
 * by this same program) into one HTML file or a text summary.
 *
 *   typosentry report [-o FILE] [--format html|text] EVE_FILE...
 *   typosentry report [-o FILE] [--format html|text] [-c CONFIG] -r CAPTURE...
 *
 * EVE files are read line by line ('-' is standard input).  With -r the
 * captures are replayed by a child typosentry (-q --stdout --format eve,
 * the configuration of -c) whose standard output is read through a pipe:
 * nothing is written to disk, and the sensor's memory is its own.
 * Exit status: 0, 1 when an input could not be read (the report of the
 * rest is still written), 2 on a usage error or when the report cannot be
 * written.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "tools.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: typosentry report [-o FILE] [--format html|text] EVE_FILE...\n"
	    "       typosentry report [-o FILE] [--format html|text] [-c CONFIG]\n"
	    "                         -r CAPTURE [-r CAPTURE ...]\n"
	    "\n"
	    "Reads EVE logs (or replays captures) and writes one self-contained\n"
	    "HTML report: incidents worst first, alerts by signature, severity\n"
	    "and verdict, a timeline, the top typo domains, clients and\n"
	    "protected names.  Lines that are not JSON or not typosentry's are\n"
	    "counted and listed by line number.\n"
	    "\n"
	    "  -o, --output FILE   write the report to FILE (default: standard\n"
	    "                      output)\n"
	    "      --format FMT    html (the default, but text when writing to a\n"
	    "                      terminal) or text\n"
	    "  -r, --read CAPTURE  replay a pcap or pcapng file and report on it\n"
	    "                      (repeat for several)\n"
	    "  -c, --config FILE   the configuration for -r\n"
	    "  -h, --help          this message\n"
	    "\n"
	    "'-' reads EVE lines from standard input.  Exit status: 0 ok, 1 an\n"
	    "input could not be read, 2 usage error or the report could not be\n"
	    "written.\n");
}

/* Reads one EVE file; -1 (with a message) when it cannot be read. */
static int
read_file(struct report *r, const char *path, uint32_t input)
{
	char err[256];
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO :
	    open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "typosentry report: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	int rc = report_read_fd(r, fd, input, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "typosentry report: %s: %s\n", path, err);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/* Replays the captures in a child typosentry and reads its EVE. */
static int
replay(struct report *r, const char *config, char **caps, int ncaps)
{
	char *args[2 * REPORT_MAX_INPUTS + 10];
	int n = 0, p[2], status = 0;
	char err[256];

	args[n++] = (char *)(uintptr_t)"typosentry";
	args[n++] = (char *)(uintptr_t)"-q";
	args[n++] = (char *)(uintptr_t)"--stdout";
	args[n++] = (char *)(uintptr_t)"--format";
	args[n++] = (char *)(uintptr_t)"eve";
	if (config != NULL) {
		args[n++] = (char *)(uintptr_t)"-c";
		args[n++] = (char *)(uintptr_t)config;
	}
	for (int i = 0; i < ncaps; i++) {
		args[n++] = (char *)(uintptr_t)"-r";
		args[n++] = caps[i];
	}
	args[n] = NULL;
	if (pipe(p) != 0) {
		fprintf(stderr, "typosentry report: pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "typosentry report: fork: %s\n", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(127);
		close(p[1]);
		execv("/proc/self/exe", args);
		fprintf(stderr, "typosentry report: cannot run the sensor: %s\n",
		    strerror(errno));
		_exit(127);
	}
	close(p[1]);
	int rc = report_read_fd(r, p[0], 0, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "typosentry report: replay: %s\n", err);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "typosentry report: the replay %s %d\n",
		    WIFEXITED(status) ? "exited with status" : "was killed by signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		rc = -1;
	}
	return rc;
}

enum { OPT_FORMAT = 256 };

int
tool_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "read",   required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *caps[REPORT_MAX_INPUTS];
	int ncaps = 0, ch, format = -1;	/* -1: by destination */
	const char *out_path = NULL, *config = NULL;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:r:c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			out_path = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "html") == 0)
				format = 0;
			else if (strcmp(optarg, "text") == 0)
				format = 1;
			else {
				fprintf(stderr, "typosentry report: --format %s: "
				    "give html or text\n", optarg);
				return 2;
			}
			break;
		case 'r':
			if (ncaps == REPORT_MAX_INPUTS) {
				fprintf(stderr, "typosentry report: more than %d "
				    "captures\n", REPORT_MAX_INPUTS);
				return 2;
			}
			caps[ncaps++] = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	int nfiles = argc - optind;
	if ((ncaps == 0) == (nfiles == 0)) {
		fprintf(stderr, "typosentry report: give EVE files or -r "
		    "captures (not both)\n");
		usage(stderr);
		return 2;
	}
	if (config != NULL && ncaps == 0) {
		fprintf(stderr, "typosentry report: -c applies to -r only\n");
		return 2;
	}
	if (nfiles > REPORT_MAX_INPUTS) {
		fprintf(stderr, "typosentry report: more than %d EVE files\n",
		    REPORT_MAX_INPUTS);
		return 2;
	}
	if (format < 0)
		format = out_path == NULL && isatty(STDOUT_FILENO) ? 1 : 0;

	struct report *r = malloc(sizeof(*r));
	if (r == NULL || report_init(r) != 0) {
		fprintf(stderr, "typosentry report: out of memory\n");
		free(r);
		return 2;
	}
	int rc = 0;
	if (ncaps > 0) {
		r->replayed = true;
		for (int i = 0; i < ncaps; i++)
			report_add_input(r, caps[i]);
		if (replay(r, config, caps, ncaps) != 0)
			rc = 1;
	} else {
		for (int i = 0; i < nfiles; i++) {
			report_add_input(r, argv[optind + i]);
			if (read_file(r, argv[optind + i], (uint32_t)i) != 0)
				rc = 1;
		}
	}
	report_finish(r);

	FILE *f = out_path != NULL ? fopen(out_path, "w") : stdout;
	if (f == NULL) {
		fprintf(stderr, "typosentry report: %s: %s\n", out_path,
		    strerror(errno));
		report_free(r);
		free(r);
		return 2;
	}
	int wrc = format == 1 ? report_text(r, f) : report_html(r, f);
	if (fflush(f) != 0 || ferror(f))
		wrc = -1;
	if (out_path != NULL && fclose(f) != 0)
		wrc = -1;
	if (wrc != 0) {
		fprintf(stderr, "typosentry report: cannot write %s: %s\n",
		    out_path != NULL ? out_path : "standard output",
		    strerror(errno));
		rc = 2;
	}
	report_free(r);
	free(r);
	return rc;
}
