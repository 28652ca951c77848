/*
 * report.h — what `typosentry report` learns from EVE files, in bounded
 * memory whatever their size.
 *
 * Lines are read one at a time (report_read_fd) and folded into
 * aggregates: counts by signature, severity, verdict and event type; the
 * time span; a timeline of alerts by severity; the most frequent typo
 * domains, clients and protected names (topn.h); the sources (capture
 * files, interfaces, sensors).  Incidents come from their summaries (sid
 * 1610200): the REPORT_MAX_INCIDENTS worst are kept, each with its first
 * REPORT_INCIDENT_ALERTS alerts, which were held while the incident was
 * open (alerts name their incident; the summary comes at its close).
 * Lines that are not JSON, or not typosentry's, are counted, and the
 * first REPORT_MAX_BAD are kept with their file and line number.  Every
 * table has a cap; what a cap leaves out is counted and said.
 */
#ifndef TS_REPORT_H
#define TS_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "topn.h"
#include "eve_verdict.h"

#define REPORT_MAX_INCIDENTS	500	/* incidents listed, worst first */
#define REPORT_INCIDENT_ALERTS	16	/* alerts kept per incident */
#define REPORT_MAX_OPEN		2048	/* open incidents whose alerts are held */
#define REPORT_MAX_SIGS		64	/* distinct signatures counted apart */
#define REPORT_MAX_SOURCES	32	/* capture files, interfaces, sensors */
#define REPORT_MAX_INPUTS	64	/* EVE files or captures named */
#define REPORT_MAX_BAD		20	/* bad lines listed */
#define REPORT_TOP_TRACK	4096	/* keys counted per top-N table */
#define REPORT_TIMELINE		4096	/* timeline buckets held */
#define REPORT_LINE_MAX		(1 << 20)	/* longer lines are refused */

/* Severity 1..4; 0 holds anything else. */
#define REPORT_SEVERITIES	5

/* One alert of an incident, as the report shows it. */
struct report_alert {
	char		 time[32];	/* "2026-11-23 04:20:56.334595" */
	uint32_t	 sid;
	uint8_t		 severity;
	char		 flow[112];	/* "UDP 192.0.2.1:42407 -> 192.0.2.53:53" */
	char		 what[320];	/* "DNS query MX army.ml" */
};

struct report_incident {
	uint64_t	 id;
	bool		 summary;	/* false: open at the end of the input */
	enum eve_verdict	 verdict;
	uint8_t		 severity;
	char		 first_seen[32], last_seen[32];
	int64_t		 first_sec;
	char		 clients[160];
	char		 server[64];
	char		 sender[256];
	char		 recipients[512];
	uint32_t	 nrcpt;
	char		 observed[256], protected_name[256];
	char		 class[48];
	char		 explanation[320];
	uint64_t	 lookups, sessions, bytes;
	uint64_t	 nalerts;	/* alerts seen for it */
	uint32_t	 kept;		/* of which held in alerts[] */
	bool		 alerts_lost;	/* the open table was full */
	struct report_alert alerts[REPORT_INCIDENT_ALERTS];
};

struct report_sig {
	uint32_t	 sid;
	char		 msg[96];
	uint8_t		 severity;
	uint64_t	 count;
};

struct report_bad {
	uint32_t	 input;		/* index into inputs */
	uint64_t	 line;
	char		 why[128];
};

struct report_timeline {
	int64_t		 base;		/* seconds, a multiple of width */
	uint32_t	 width;		/* seconds per bucket */
	bool		 any;
	uint64_t	 n[REPORT_TIMELINE][REPORT_SEVERITIES];
};

struct report_open;

struct report {
	/* Inputs: the EVE files read, or the captures replayed. */
	char		*inputs[REPORT_MAX_INPUTS];
	uint32_t	 ninputs;
	uint32_t	 input;		/* the one being read */
	bool		 replayed;	/* inputs are captures */

	uint64_t	 lines, records;
	uint64_t	 by_type[5];	/* alert, dns, smtp, stats, other ours */
	uint64_t	 alerts, summaries;
	uint64_t	 by_severity[REPORT_SEVERITIES];
	struct report_sig sigs[REPORT_MAX_SIGS];
	uint32_t	 nsigs;
	uint64_t	 sigs_other;	/* alerts of signatures past the cap */
	uint64_t	 by_verdict[EVE_VERDICT_COUNT];
	uint64_t	 incidents;	/* summaries and open ones */
	uint64_t	 open_at_end;	/* incidents without a summary */
	uint64_t	 open_evicted;	/* open incidents whose alerts were let go */

	bool		 have_span;
	int64_t		 first_sec, last_sec;
	char		 first[32], last[32];

	char		 sources[REPORT_MAX_SOURCES][160];
	uint32_t	 nsources;
	uint64_t	 sources_other;

	/* Lines refused: not JSON (or too long), or not typosentry's. */
	uint64_t	 not_json, foreign, too_long;
	struct report_bad bad[REPORT_MAX_BAD];
	uint32_t	 nbad;

	struct topn	 domains, clients, protected_names;
	struct report_timeline *timeline;

	/* The worst incidents: a heap, the least bad at the root. */
	struct report_incident **inc;
	uint32_t	 ninc;
	uint64_t	 inc_dropped;	/* better ones not listed */

	struct report_open *open;	/* open incidents, by id */
	uint32_t	 nopen;
	uint64_t	 open_clock;

	struct eve_doc	*doc;		/* the line being read */
	char		*scratch;	/* a line's text */
};

int report_init(struct report *r);
void report_free(struct report *r);

/* Names an input (an EVE file, or a capture when replayed). */
int report_add_input(struct report *r, const char *name);

/* Reads EVE lines from fd to its end, as input number `input`. */
int report_read_fd(struct report *r, int fd, uint32_t input, char *err,
    size_t errlen);

/* One line (no newline), number lineno of the current input. */
void report_line(struct report *r, const char *line, size_t len,
    uint64_t lineno);

/* End of input: open incidents join the list; the list is sorted. */
void report_finish(struct report *r);

/* Worst first: a verdict, then severity, alerts, first seen. */
int report_incident_cmp(const struct report_incident *a,
    const struct report_incident *b);

/* The renderers; each returns 0, or -1 when the output failed. */
int report_html(const struct report *r, FILE *f);
int report_text(const struct report *r, FILE *f);

/* The timeline merged to at most max_bars buckets: their width. */
uint32_t report_timeline_width(const struct report_timeline *t,
    uint32_t max_bars);

#endif
