/*
 * report_text.c — the report for a terminal: the summary and the top of
 * each table.  Every string from the log goes through eve_line_text(), so
 * nothing in a log can drive the terminal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "eve_line.h"
#include "report.h"

#define TEXT_INCIDENTS	20	/* incidents shown */
#define TEXT_TOP	10	/* rows of each top table */

/* s made printable and cut to width characters (bytes, roughly). */
static const char *
safe(const char *s, char *buf, size_t size, size_t width)
{
	size_t n = 0;

	buf[0] = '\0';
	eve_line_text(buf, size, &n, s);
	if (width > 0 && n > width && width > 3 && width < size) {
		size_t cut = width - 3;
		while (cut > 0 && ((unsigned char)buf[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(buf + cut, "...", 4);
	}
	return buf;
}

static void
top(FILE *f, const char *title, const struct topn *t)
{
	const struct topn_entry *e[TEXT_TOP];
	uint32_t n = topn_top(t, e, TEXT_TOP);
	char b[256];

	fprintf(f, "\n%s (%" PRIu64 " alerts%s):\n", title, t->total,
	    t->evictions > 0 ? "; counts marked ~ are upper bounds" : "");
	if (n == 0)
		fprintf(f, "  none\n");
	for (uint32_t i = 0; i < n; i++)
		fprintf(f, "  %8" PRIu64 "%s  %s\n", e[i]->count,
		    e[i]->err > 0 ? "~" : " ", safe(e[i]->key, b, sizeof(b), 60));
}

int
report_text(const struct report *r, FILE *f)
{
	char a[512], b[512], c[512], d[512];

	fprintf(f, "typosentry report\n");
	fprintf(f, "  %-12s", r->replayed ? "captures" : "EVE files");
	for (uint32_t i = 0; i < r->ninputs; i++)
		fprintf(f, "%s%s", i > 0 ? ", " : "",
		    safe(r->inputs[i], a, sizeof(a), 0));
	fprintf(f, "\n");
	if (r->have_span)
		fprintf(f, "  %-12s%s .. %s UTC\n", "time span",
		    safe(r->first, a, sizeof(a), 0), safe(r->last, b, sizeof(b), 0));
	else
		fprintf(f, "  %-12s none (no record with a timestamp)\n",
		    "time span");
	fprintf(f, "  %-12s", "sources");
	for (uint32_t i = 0; i < r->nsources; i++)
		fprintf(f, "%s%s", i > 0 ? ", " : "",
		    safe(r->sources[i], a, sizeof(a), 0));
	if (r->sources_other > 0)
		fprintf(f, ", and more (%" PRIu64 " records)", r->sources_other);
	fprintf(f, "%s\n", r->nsources == 0 ? "none named" : "");
	fprintf(f, "  %-12s%" PRIu64 " lines: %" PRIu64 " records (%" PRIu64
	    " alerts, %" PRIu64 " dns, %" PRIu64 " smtp, %" PRIu64 " stats, %"
	    PRIu64 " other), %" PRIu64 " not JSON, %" PRIu64 " not "
	    "typosentry's, %" PRIu64 " too long\n", "input", r->lines,
	    r->records, r->by_type[0], r->by_type[1], r->by_type[2],
	    r->by_type[3], r->by_type[4], r->not_json, r->foreign, r->too_long);

	fprintf(f, "\nAlerts: %" PRIu64 "; by severity: 1: %" PRIu64 ", 2: %"
	    PRIu64 ", 3: %" PRIu64 ", 4: %" PRIu64 "%s\n", r->alerts,
	    r->by_severity[1], r->by_severity[2], r->by_severity[3],
	    r->by_severity[4], r->by_severity[0] > 0 ? ", other: some" : "");
	for (uint32_t i = 0; i < r->nsigs; i++)
		fprintf(f, "  %8" PRIu64 "  [1:%" PRIu32 "] sev %u  %s\n",
		    r->sigs[i].count, r->sigs[i].sid, r->sigs[i].severity,
		    safe(r->sigs[i].msg, a, sizeof(a), 80));
	if (r->sigs_other > 0)
		fprintf(f, "  %8" PRIu64 "  other signatures\n", r->sigs_other);

	fprintf(f, "\nIncidents: %" PRIu64, r->incidents);
	for (int v = 0; v < EVE_VERDICT_COUNT; v++)
		fprintf(f, "%s%s %" PRIu64, v == 0 ? ": " : ", ",
		    eve_verdict_label((enum eve_verdict)v), r->by_verdict[v]);
	fprintf(f, "\n");
	if (r->open_at_end > 0)
		fprintf(f, "  %" PRIu64 " without a summary (still open at the "
		    "end of the log)\n", r->open_at_end);
	if (r->open_evicted > 0)
		fprintf(f, "  %" PRIu64 " open incidents had their alerts let go "
		    "(more than %d open at once)\n", r->open_evicted,
		    REPORT_MAX_OPEN);

	uint32_t n = r->ninc < TEXT_INCIDENTS ? r->ninc : TEXT_INCIDENTS;
	if (n > 0) {
		fprintf(f, "\nIncidents, worst first (%" PRIu32 " of %" PRIu64
		    "):\n", n, r->incidents);
		fprintf(f, "  %-17s %-3s %-20s %-36s %-28s %10s  %s\n", "VERDICT",
		    "SEV", "CLIENT", "OBSERVED -> PROTECTED", "RECIPIENTS",
		    "BYTES", "FIRST SEEN");
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct report_incident *inc = r->inc[i];
		char names[600];
		snprintf(names, sizeof(names), "%s -> %s", inc->observed,
		    inc->protected_name);
		fprintf(f, "  %-17s %-3u %-20s %-36s %-28s %10" PRIu64 "  %s%s\n",
		    eve_verdict_label(inc->verdict), inc->severity,
		    safe(inc->clients, a, sizeof(a), 20),
		    safe(names, b, sizeof(b), 36),
		    safe(inc->nrcpt > 0 ? inc->recipients : "-", c, sizeof(c), 28),
		    inc->bytes, safe(inc->first_seen, d, sizeof(d), 0),
		    inc->summary ? "" : "  (no summary)");
	}

	top(f, "Top typo domains", &r->domains);
	top(f, "Top clients", &r->clients);
	top(f, "Alerts per protected name", &r->protected_names);

	if (r->nbad > 0) {
		fprintf(f, "\nLines not read (%" PRIu32 " of %" PRIu64 " shown):\n",
		    r->nbad, r->not_json + r->foreign + r->too_long);
		for (uint32_t i = 0; i < r->nbad; i++)
			fprintf(f, "  %s:%" PRIu64 ": %s\n",
			    safe(r->replayed ? "replay" :
			    r->inputs[r->bad[i].input], a, sizeof(a), 0),
			    r->bad[i].line, safe(r->bad[i].why, b, sizeof(b), 0));
	}
	return ferror(f) ? -1 : 0;
}
