/*
 * options.h — typosentry's command line (the sensor's; the tools and
 * policyd parse their own): what was given, checked for form; main.c
 * checks it against the configuration.
 */
#ifndef TS_OPTIONS_H
#define TS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../rules/config.h"

#define EXIT_READ_ERROR	1	/* a capture could not be read at all */
#define EXIT_USAGE	2	/* bad option or configuration */

#define MAX_INPUTS	256

struct options {
	const char	*inputs[MAX_INPUTS];
	size_t		 ninputs;
	const char	*ifaces[CONFIG_MAX_IFACES];
	size_t		 nifaces;
	const char	*config_path;
	const char	*filter;	/* -f or trailing arguments */
	char		*filter_args;
	const char	*log_dir;
	bool		 to_stdout;
	enum output_format format;	/* --format; AUTO: not given */
	bool		 quiet;
	bool		 test_config;
	bool		 dump_config;	/* --dump-config */
	/* Live capture; -1 or 0: from the configuration. */
	long		 snaplen;
	long long	 buffer_size;
	bool		 no_promisc;
	int		 immediate;	/* -1: capture.immediate */
	long		 workers;	/* 0: capture.workers */
	bool		 syslog;
	/* Service. */
	bool		 daemon;
	const char	*pidfile;
	const char	*user;
	const char	*group;
};

/*
 * Parses argv into o (zeroed by the caller): 0, or EXIT_USAGE with a
 * message on standard error; -h and -V print and exit.  o->filter_args is
 * the caller's to free.
 */
int parse_options(int argc, char **argv, struct options *o);

/* The usage message. */
void usage(FILE *f);

#endif
