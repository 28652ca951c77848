/*
 * match_bench.c — names matched per second by the typo model with 10,000
 * protected domains, and what building that model costs.
 *
 * The protected domains are made up (seeded, so every run uses the same):
 * labels of 5 to 12 letters under common TLDs.  The names matched are half
 * typos of them (one random edit each) and half unrelated names, so both
 * the hit and the miss paths are timed.  One core, one thread.
 *
 * usage: match_bench [NDOMAINS [SECONDS]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../rules/config.h"
#include "../rules/typo.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static const char *const tlds[] = { "com", "net", "org", "de", "co.uk", "fr" };

static void
random_label(char *out, size_t min, size_t max)
{
	size_t len = min + next() % (max - min + 1);

	for (size_t i = 0; i < len; i++)
		out[i] = (char)('a' + next() % 26);
	out[len] = '\0';
}

int
main(int argc, char **argv)
{
	size_t ndomains = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	double seconds = argc > 2 ? strtod(argv[2], NULL) : 2.0;
	size_t cap = 64 + ndomains * 40;
	char *yaml = malloc(cap), (*domains)[64] = malloc(ndomains * 64);
	size_t o = 0;
	char err[1024];

	if (yaml == NULL || domains == NULL) {
		free(yaml);
		free(domains);
		return 1;
	}
	o += (size_t)snprintf(yaml + o, cap - o, "protect:\n  domains:\n");
	for (size_t i = 0; i < ndomains; i++) {
		char label[16];
		random_label(label, 5, 12);
		snprintf(domains[i], 64, "%s.%s", label,
		    tlds[next() % (sizeof(tlds) / sizeof(tlds[0]))]);
		o += (size_t)snprintf(yaml + o, cap - o, "    - %s\n", domains[i]);
	}

	struct ts_config cfg;
	long rss0 = rss_kb();
	double t0 = now();
	if (config_parse(&cfg, "bench.yaml", yaml, o, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		config_free(&cfg);
		free(yaml);
		free(domains);
		return 1;
	}
	struct typo_model *m = typo_model_build(&cfg, err, sizeof(err));
	if (m == NULL) {
		fprintf(stderr, "%s\n", err);
		config_free(&cfg);
		free(yaml);
		free(domains);
		return 1;
	}
	double build = now() - t0;
	long rss1 = rss_kb();

	/* 4096 names to cycle through: half typos, half unrelated. */
	enum { NNAMES = 4096 };
	static char names[NNAMES][80];
	for (size_t i = 0; i < NNAMES; i++) {
		if (i % 2 == 0) {
			const char *d = domains[next() % ndomains];
			size_t len = strlen(d), at = next() % (size_t)(strchr(d, '.') - d);
			/* One substitution, or one omission. */
			if (next() % 2) {
				snprintf(names[i], sizeof(names[i]), "%s", d);
				names[i][at] = (char)('a' + next() % 26);
			} else {
				snprintf(names[i], sizeof(names[i]), "%.*s%s",
				    (int)at, d, d + at + 1);
			}
			(void)len;
		} else {
			char label[16];
			random_label(label, 4, 14);
			snprintf(names[i], sizeof(names[i]), "mx%u.%s.%s",
			    next() % 10, label, tlds[next() % 6]);
		}
	}

	printf("typo model: %zu protected domains, %zu table entries, built in "
	    "%.2f s, %ld MiB resident for the model\n", ndomains,
	    typo_model_variants(m), build, (rss1 - rss0) / 1024);

	/* Three runs: names that are no typo (most traffic), typos, a mix. */
	static const char *const what[] = { "no typo", "typos", "half and half" };
	for (int run = 0; run < 3; run++) {
		size_t matched = 0, hits = 0;
		struct typo_match t;
		double t1 = now(), t2;
		do {
			for (size_t i = 0; i < NNAMES; i++) {
				if ((run == 0 && i % 2 == 0) ||
				    (run == 1 && i % 2 == 1))
					continue;
				hits += typo_match(m, names[i],
				    strlen(names[i]), &t) == TYPO_MATCH;
				matched++;
			}
			t2 = now();
		} while (t2 - t1 < seconds / 3);
		printf("matching %-14s %.2f M names/s on one core (%zu names, "
		    "%.0f%% alerting)\n", what[run],
		    (double)matched / (t2 - t1) / 1e6, matched,
		    100.0 * (double)hits / (double)matched);
	}
	typo_model_free(m);
	config_free(&cfg);
	free(yaml);
	free(domains);
	return 0;
}
