/*
 * report_html.c — the report as one self-contained HTML file.
 *
 * Everything is inline: the style sheet, a few lines of script that sort
 * the incidents table, and the charts as SVG drawn here.  No font, image,
 * script or style is fetched, and a Content-Security-Policy forbids the
 * page any request at all.  Every string from the log is escaped, and
 * bytes that are not valid UTF-8 or are control characters become U+FFFD.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"

#define TOP_BARS	10	/* rows of each top-N chart */
#define TIMELINE_BARS	120	/* at most, in the timeline */

static const char *const verdict_color[EVE_VERDICT_COUNT] = {
	"#b71c1c", "#e65100", "#757575", "#1565c0", "#2e7d32",
};

/* Severity 1..4 and "other". */
static const char *const sev_color[REPORT_SEVERITIES] = {
	"#9e9e9e", "#c62828", "#ef6c00", "#f9a825", "#78909c",
};

/* Text for HTML: escaped; invalid UTF-8 and controls as U+FFFD. */
static void
esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		unsigned char ch = *p;
		if (ch == '&') {
			fputs("&amp;", f);
		} else if (ch == '<') {
			fputs("&lt;", f);
		} else if (ch == '>') {
			fputs("&gt;", f);
		} else if (ch == '"') {
			fputs("&quot;", f);
		} else if (ch == '\'') {
			fputs("&#39;", f);
		} else if (ch < 0x20 || ch == 0x7f) {
			fputs("\xef\xbf\xbd", f);
		} else if (ch < 0x80) {
			fputc(ch, f);
		} else {
			/* A whole, valid sequence, or one replacement. */
			size_t n = ch >= 0xf0 && ch <= 0xf4 ? 4 : ch >= 0xe0 &&
			    ch < 0xf0 ? 3 : ch >= 0xc2 && ch < 0xe0 ? 2 : 0;
			unsigned cp = n == 0 ? 0 : ch & (0x7f >> n);
			size_t i = 1;
			for (; i < n && (p[i] & 0xc0) == 0x80; i++)
				cp = cp << 6 | (p[i] & 0x3f);
			if (n == 0 || i < n || (n == 3 && cp < 0x800) ||
			    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
			    (cp >= 0xd800 && cp < 0xe000) ||
			    (cp >= 0x80 && cp < 0xa0)) {
				fputs("\xef\xbf\xbd", f);
				p += i > 1 ? i : 1;
				continue;
			}
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		p++;
	}
}

/* 1234567 as "1,234,567". */
static const char *
num(uint64_t v, char *buf, size_t size)
{
	char raw[32];
	int n = snprintf(raw, sizeof(raw), "%" PRIu64, v);
	size_t o = 0;

	for (int i = 0; i < n && o + 2 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	buf[o] = '\0';
	return buf;
}

static void
time_label(int64_t sec, bool seconds, char *buf, size_t size)
{
	struct tm tm;
	time_t t = (time_t)sec;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, seconds ? "%Y-%m-%d %H:%M:%S" :
	    "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, size, "%" PRId64, sec);
}

static void
width_label(uint32_t w, char *buf, size_t size)
{
	if (w % 86400 == 0)
		snprintf(buf, size, "%" PRIu32 " day%s", w / 86400,
		    w == 86400 ? "" : "s");
	else if (w % 3600 == 0)
		snprintf(buf, size, "%" PRIu32 " hour%s", w / 3600,
		    w == 3600 ? "" : "s");
	else if (w % 60 == 0)
		snprintf(buf, size, "%" PRIu32 " minute%s", w / 60,
		    w == 60 ? "" : "s");
	else
		snprintf(buf, size, "%" PRIu32 " second%s", w, w == 1 ? "" : "s");
}

static const char style[] =
"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
"margin:0;color:#212121;background:#f5f5f5}"
"header{background:#263238;color:#fff;padding:16px 24px}"
"header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#cfd8dc}"
"main{padding:8px 24px 32px}section{background:#fff;margin:16px 0;"
"padding:12px 16px;border-radius:6px;box-shadow:0 1px 2px rgba(0,0,0,.15)}"
"h2{font-size:17px;margin:4px 0 10px}h3{font-size:14px;margin:8px 0 6px}"
".cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 100px;"
"border:1px solid #e0e0e0;border-radius:6px;padding:8px 12px}"
".card .n{font-size:24px;font-weight:600}.card .l{color:#616161}"
".grid{display:flex;flex-wrap:wrap;gap:24px}.grid>div{flex:1 1 380px}"
"table{border-collapse:collapse;width:100%}th,td{text-align:left;"
"padding:4px 6px;border-bottom:1px solid #eee;vertical-align:top}"
"th{background:#eceff1;position:sticky;top:0}"
"table.sortable>thead th{cursor:pointer;user-select:none}"
"table.sortable>thead th:hover{background:#cfd8dc}"
"#incidents-table td{font-size:13px}"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
"th{white-space:nowrap}td.explanation{min-width:200px}"
"td.first,td.last,td.names{white-space:nowrap}"
".badge{display:inline-block;padding:1px 8px;border-radius:10px;"
"color:#fff;font-size:12px;white-space:nowrap}"
".mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}"
".small{color:#616161;font-size:12px}details summary{cursor:pointer;"
"color:#1565c0;white-space:nowrap}table.alerts td{font-size:12px;"
"border-bottom:1px dotted #ddd}svg text{font:12px system-ui,sans-serif}"
"ul.bad{font-size:13px}";

static const char script[] =
"document.querySelectorAll('table.sortable').forEach(function(t){"
"var hs=t.tHead.rows[0].cells;"
"Array.prototype.forEach.call(hs,function(th,i){"
"th.addEventListener('click',function(){"
"var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),"
"num=th.getAttribute('data-sort')==='num',"
"dir=th.getAttribute('data-dir')==='asc'?-1:1;"
"th.setAttribute('data-dir',dir===1?'asc':'desc');"
"function key(r){var c=r.cells[i],v=c.getAttribute('data-v');"
"if(v===null)v=c.textContent;return num?parseFloat(v):v.toLowerCase();}"
"rows.sort(function(x,y){var a=key(x),c=key(y);"
"return (a<c?-1:a>c?1:0)*dir;});"
"rows.forEach(function(r){b.appendChild(r);});});});});";

/* A horizontal bar chart: labels, values, one color or one per bar. */
static void
bars(FILE *f, const char *id, const char *const *labels,
    const uint64_t *values, const char *const *approx, uint32_t n,
    const char *color, const char *const *colors)
{
	const int label_w = 200, bar_w = 260, row = 24;
	uint64_t max = 1;
	char b[32];

	for (uint32_t i = 0; i < n; i++)
		max = values[i] > max ? values[i] : max;
	fprintf(f, "<svg id=\"%s\" class=\"bars\" width=\"%d\" height=\"%u\" "
	    "role=\"img\">", id, label_w + bar_w + 90,
	    (unsigned)(n == 0 ? row : n * row + 4));
	if (n == 0)
		fprintf(f, "<text x=\"0\" y=\"16\" fill=\"#757575\">none</text>");
	for (uint32_t i = 0; i < n; i++) {
		int y = (int)i * row + 2;
		double w = (double)values[i] * bar_w / (double)max;
		char shown[64];
		size_t len = strlen(labels[i]);
		/* Long labels are cut (on a character); <title> has it all. */
		snprintf(shown, sizeof(shown), "%s", labels[i]);
		if (len > 34) {
			size_t cut = 32;
			while (cut > 0 && ((unsigned char)shown[cut] & 0xc0) == 0x80)
				cut--;
			memcpy(shown + cut, "\xe2\x80\xa6", 4);
		}
		fprintf(f, "<g class=\"bar\"><title>");
		esc(f, labels[i]);
		fprintf(f, ": %s</title><text x=\"%d\" y=\"%d\" "
		    "text-anchor=\"end\">", num(values[i], b, sizeof(b)),
		    label_w - 8, y + 15);
		esc(f, shown);
		fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
		    "height=\"%d\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\">%s%s"
		    "</text></g>", label_w, y + 2, w < 1 ? 1 : w, row - 6,
		    colors != NULL ? colors[i] : color, label_w + w + 6, y + 15,
		    approx != NULL && approx[i] != NULL ? approx[i] : "",
		    num(values[i], b, sizeof(b)));
	}
	fprintf(f, "</svg>\n");
}

static void
top_chart(FILE *f, const char *id, const char *title, const struct topn *t,
    const char *color)
{
	const struct topn_entry *e[TOP_BARS];
	const char *labels[TOP_BARS], *approx[TOP_BARS];
	uint64_t values[TOP_BARS];
	uint32_t n = topn_top(t, e, TOP_BARS);
	char b[32];

	for (uint32_t i = 0; i < n; i++) {
		labels[i] = e[i]->key;
		values[i] = e[i]->count;
		approx[i] = e[i]->err > 0 ? "\xe2\x89\xa4 " : NULL;
	}
	fprintf(f, "<div><h3>%s</h3>", title);
	bars(f, id, labels, values, approx, n, color, NULL);
	fprintf(f, "<p class=\"small\">%s alerts", num(t->total, b, sizeof(b)));
	if (t->evictions > 0)
		fprintf(f, "; more than %d distinct: counts marked \xe2\x89\xa4 "
		    "are upper bounds", REPORT_TOP_TRACK);
	fprintf(f, "</p></div>\n");
}

static void
timeline(FILE *f, const struct report *r)
{
	const struct report_timeline *t = r->timeline;
	uint64_t sums[TIMELINE_BARS][REPORT_SEVERITIES];
	uint32_t lo = REPORT_TIMELINE, hi = 0;
	char l1[64], l2[64], wl[32], b[32];

	fprintf(f, "<section id=\"timeline\"><h2>Timeline of alerts</h2>\n");
	for (uint32_t i = 0; t->any && i < REPORT_TIMELINE; i++)
		for (int s = 0; s < REPORT_SEVERITIES; s++)
			if (t->n[i][s] != 0) {
				lo = i < lo ? i : lo;
				hi = i;
			}
	if (lo == REPORT_TIMELINE) {
		fprintf(f, "<p>No alert with a timestamp.</p></section>\n");
		return;
	}
	uint32_t w = report_timeline_width(t, TIMELINE_BARS);
	int64_t first = t->base + (int64_t)lo * t->width;
	int64_t b0 = first / w * (int64_t)w;
	if (first < 0 && first % w != 0)
		b0 -= w;
	int64_t last = t->base + (int64_t)hi * t->width;
	uint32_t nb = (uint32_t)((last - b0) / w + 1);
	if (nb > TIMELINE_BARS)
		nb = TIMELINE_BARS;
	memset(sums, 0, sizeof(sums));
	uint64_t max = 1;
	for (uint32_t i = lo; i <= hi; i++) {
		int64_t k = (t->base + (int64_t)i * t->width - b0) / w;
		if (k < 0 || k >= nb)
			continue;
		for (int s = 0; s < REPORT_SEVERITIES; s++)
			sums[k][s] += t->n[i][s];
	}
	for (uint32_t k = 0; k < nb; k++) {
		uint64_t tot = 0;
		for (int s = 0; s < REPORT_SEVERITIES; s++)
			tot += sums[k][s];
		max = tot > max ? tot : max;
	}
	const int left = 56, top = 10, plot_w = 880, plot_h = 180;
	double bw = (double)plot_w / nb;
	width_label(w, wl, sizeof(wl));
	fprintf(f, "<p class=\"small\">Alerts per %s, by severity "
	    "(incident summaries not included).</p>\n", wl);
	fprintf(f, "<svg id=\"timeline-chart\" width=\"%d\" height=\"%d\" "
	    "role=\"img\">", left + plot_w + 20, top + plot_h + 50);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#9e9e9e\"/>", left, top + plot_h, left + plot_w,
	    top + plot_h);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#eeeeee\"/><text x=\"%d\" y=\"%d\" text-anchor=\"end\">"
	    "%s</text>", left, top, left + plot_w, top, left - 6, top + 4,
	    num(max, b, sizeof(b)));
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>",
	    left - 6, top + plot_h + 4);
	for (uint32_t k = 0; k < nb; k++) {
		double y = top + plot_h;
		int64_t start = b0 + (int64_t)k * w;
		time_label(start, w < 60, l1, sizeof(l1));
		uint64_t tot = 0;
		for (int s = 0; s < REPORT_SEVERITIES; s++)
			tot += sums[k][s];
		if (tot == 0)
			continue;
		fprintf(f, "<g class=\"tbar\" data-start=\"%" PRId64 "\" "
		    "data-n=\"%" PRIu64 "\"><title>%s UTC: %s alerts</title>",
		    start, tot, l1, num(tot, b, sizeof(b)));
		for (int s = 1; s <= REPORT_SEVERITIES; s++) {
			int sv = s % REPORT_SEVERITIES;	/* 1, 2, 3, 4, then 0 */
			if (sums[k][sv] == 0)
				continue;
			double h = (double)sums[k][sv] * plot_h / (double)max;
			y -= h;
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" fill=\"%s\"/>", left + k * bw + 0.5,
			    y, bw > 2 ? bw - 1 : bw, h < 0.5 ? 0.5 : h,
			    sev_color[sv]);
		}
		fprintf(f, "</g>");
	}
	time_label(b0, w < 60, l1, sizeof(l1));
	time_label(b0 + (int64_t)nb * w, w < 60, l2, sizeof(l2));
	fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" "
	    "text-anchor=\"end\">%s UTC</text>", left, top + plot_h + 16, l1,
	    left + plot_w, top + plot_h + 16, l2);
	/* The legend. */
	static const char *const names[REPORT_SEVERITIES] = {
		"other", "severity 1", "severity 2", "severity 3", "severity 4",
	};
	for (int s = 1, x = left; s <= REPORT_SEVERITIES; s++, x += 110) {
		int sv = s % REPORT_SEVERITIES;
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		    "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>", x,
		    top + plot_h + 30, sev_color[sv], x + 14, top + plot_h + 39,
		    names[sv]);
	}
	fprintf(f, "</svg></section>\n");
}

static void
summary(FILE *f, const struct report *r)
{
	char b[32];

	fprintf(f, "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
	fprintf(f, "<div class=\"card\"><div class=\"n\" id=\"count-alerts\">%s"
	    "</div><div class=\"l\">alerts</div></div>",
	    num(r->alerts, b, sizeof(b)));
	fprintf(f, "<div class=\"card\"><div class=\"n\" id=\"count-incidents\">"
	    "%s</div><div class=\"l\">incidents</div></div>",
	    num(r->incidents, b, sizeof(b)));
	for (int v = 0; v < EVE_VERDICT_COUNT; v++)
		fprintf(f, "<div class=\"card\"><div class=\"n verdict-count\" "
		    "data-verdict=\"%s\" style=\"color:%s\">%s</div><div "
		    "class=\"l\">%s</div></div>", eve_verdict_name((enum eve_verdict)v),
		    verdict_color[v], num(r->by_verdict[v], b, sizeof(b)),
		    eve_verdict_label((enum eve_verdict)v));
	fprintf(f, "</div>\n<p>");
	if (r->have_span) {
		fprintf(f, "Time span: <b id=\"span\">");
		esc(f, r->first);
		fprintf(f, " \xe2\x80\x93 ");
		esc(f, r->last);
		fprintf(f, " UTC</b>. ");
	}
	fprintf(f, "%s: ", r->replayed ? "Captures replayed" : "EVE files");
	for (uint32_t i = 0; i < r->ninputs; i++) {
		fprintf(f, "%s<span class=\"mono input\">", i > 0 ? ", " : "");
		esc(f, r->inputs[i]);
		fprintf(f, "</span>");
	}
	fprintf(f, ". Sources (capture files, interfaces, sensors): ");
	for (uint32_t i = 0; i < r->nsources; i++) {
		fprintf(f, "%s<span class=\"mono source\">", i > 0 ? ", " : "");
		esc(f, r->sources[i]);
		fprintf(f, "</span>");
	}
	if (r->nsources == 0)
		fprintf(f, "none named");
	if (r->sources_other > 0)
		fprintf(f, " and more");
	fprintf(f, ".</p>\n");
	if (r->open_at_end > 0)
		fprintf(f, "<p>%s incident(s) had no summary in the log (still "
		    "open when it ends): listed with what their alerts say.</p>\n",
		    num(r->open_at_end, b, sizeof(b)));

	fprintf(f, "<div class=\"grid\"><div><h3>Alerts by signature</h3>"
	    "<table id=\"signatures\"><thead><tr><th>sid</th><th>signature</th>"
	    "<th class=\"n\">severity</th><th class=\"n\">alerts</th></tr>"
	    "</thead><tbody>");
	for (uint32_t i = 0; i < r->nsigs; i++) {
		fprintf(f, "<tr data-sid=\"%" PRIu32 "\"><td class=\"mono\">%"
		    PRIu32 "</td><td>", r->sigs[i].sid, r->sigs[i].sid);
		esc(f, r->sigs[i].msg);
		fprintf(f, "</td><td class=\"n\">%u</td><td class=\"n count\">%s"
		    "</td></tr>", r->sigs[i].severity,
		    num(r->sigs[i].count, b, sizeof(b)));
	}
	if (r->sigs_other > 0)
		fprintf(f, "<tr><td></td><td>other signatures</td><td></td>"
		    "<td class=\"n\">%s</td></tr>", num(r->sigs_other, b, sizeof(b)));
	fprintf(f, "</tbody></table></div>\n");

	const char *sl[4] = { "severity 1", "severity 2", "severity 3",
	    "severity 4" };
	uint64_t sv[4] = { r->by_severity[1], r->by_severity[2],
	    r->by_severity[3], r->by_severity[4] };
	const char *sc[4] = { sev_color[1], sev_color[2], sev_color[3],
	    sev_color[4] };
	fprintf(f, "<div><h3>Alerts by severity</h3>");
	bars(f, "by-severity", sl, sv, NULL, 4, NULL, sc);
	const char *vl[EVE_VERDICT_COUNT];
	uint64_t vv[EVE_VERDICT_COUNT];
	for (int v = 0; v < EVE_VERDICT_COUNT; v++) {
		vl[v] = eve_verdict_label((enum eve_verdict)v);
		vv[v] = r->by_verdict[v];
	}
	fprintf(f, "<h3>Incidents by verdict</h3>");
	bars(f, "by-verdict", vl, vv, NULL, EVE_VERDICT_COUNT, NULL, verdict_color);
	fprintf(f, "</div></div></section>\n");
}

static void
incident_row(FILE *f, const struct report_incident *inc, uint32_t rank)
{
	char b[32];

	fprintf(f, "<tr class=\"incident\" data-id=\"%" PRIu64 "\" "
	    "data-verdict=\"%s\"><td class=\"n\">%" PRIu32 "</td>"
	    "<td class=\"verdict\" data-v=\"%d\"><span class=\"badge\" "
	    "style=\"background:%s\">%s</span>%s</td><td class=\"n sev\">%u</td>"
	    "<td class=\"client mono\">", inc->id, eve_verdict_name(inc->verdict),
	    rank, (int)inc->verdict, verdict_color[inc->verdict],
	    eve_verdict_label(inc->verdict), inc->summary ? "" :
	    "<br><span class=\"small\">no summary</span>", inc->severity);
	esc(f, inc->clients);
	if (inc->server[0] != '\0') {
		fprintf(f, "<br><span class=\"small\">to ");
		esc(f, inc->server);
		fprintf(f, "</span>");
	}
	fprintf(f, "</td><td class=\"sender mono\">");
	esc(f, inc->sender);
	fprintf(f, "</td><td class=\"recipients mono\" data-v=\"%" PRIu32 "\">",
	    inc->nrcpt);
	esc(f, inc->recipients);
	fprintf(f, "</td><td class=\"names\"><span class=\"observed mono\">");
	esc(f, inc->observed);
	fprintf(f, "</span> \xe2\x86\x92 <span class=\"protected mono\">");
	esc(f, inc->protected_name);
	fprintf(f, "</span></td><td class=\"explanation\"><b>");
	esc(f, inc->class);
	fprintf(f, "</b>%s", inc->class[0] != '\0' ? "<br>" : "");
	esc(f, inc->explanation);
	fprintf(f, "</td><td class=\"n lookups\">%" PRIu64 "</td>"
	    "<td class=\"n sessions\">%" PRIu64 "</td>"
	    "<td class=\"n bytes\" data-v=\"%" PRIu64 "\">%s</td>"
	    "<td class=\"first mono\" data-v=\"%" PRId64 "\">", inc->lookups,
	    inc->sessions, inc->bytes, num(inc->bytes, b, sizeof(b)),
	    inc->first_sec);
	esc(f, inc->first_seen);
	fprintf(f, "</td><td class=\"last mono\">");
	esc(f, inc->last_seen);
	fprintf(f, "</td><td class=\"alerts-cell\" data-v=\"%" PRIu64 "\">",
	    inc->nalerts);
	if (inc->kept == 0) {
		fprintf(f, "<span class=\"small\">%s</span>", inc->alerts_lost ?
		    "alerts not kept (too many open incidents)" :
		    "none in the log");
	} else {
		fprintf(f, "<details><summary>%s alert%s</summary>"
		    "<table class=\"alerts\"><tbody>",
		    num(inc->nalerts, b, sizeof(b)), inc->nalerts == 1 ? "" : "s");
		for (uint32_t i = 0; i < inc->kept; i++) {
			const struct report_alert *a = &inc->alerts[i];
			fprintf(f, "<tr class=\"alert\" data-sid=\"%" PRIu32 "\">"
			    "<td class=\"mono\">", a->sid);
			esc(f, a->time);
			fprintf(f, "</td><td class=\"mono\">%" PRIu32 "</td><td>"
			    "sev %u</td><td class=\"mono\">", a->sid, a->severity);
			esc(f, a->flow);
			fprintf(f, "</td><td>");
			esc(f, a->what);
			fprintf(f, "</td></tr>");
		}
		fprintf(f, "</tbody></table>");
		if (inc->nalerts > inc->kept)
			fprintf(f, "<span class=\"small\">the first %" PRIu32
			    " shown</span>", inc->kept);
		fprintf(f, "</details>");
	}
	fprintf(f, "</td></tr>\n");
}

static void
incidents(FILE *f, const struct report *r)
{
	char b[32], c[32];

	fprintf(f, "<section id=\"incidents\"><h2>Incidents, worst first</h2>\n");
	fprintf(f, "<p class=\"small\">One row per mistake: a client and a typo "
	    "domain, its lookups and mail sessions. Worst first: delivered, "
	    "likely delivered, unknown, lookup only, not delivered; then "
	    "severity, recipients, alerts. Click a column to sort.");
	if (r->ninc < r->incidents)
		fprintf(f, " The %s worst of %s are listed.",
		    num(r->ninc, b, sizeof(b)), num(r->incidents, c, sizeof(c)));
	fprintf(f, "</p>\n");
	if (r->ninc == 0) {
		fprintf(f, "<p id=\"no-incidents\">No incident in the log.</p>"
		    "</section>\n");
		return;
	}
	fprintf(f, "<div style=\"overflow-x:auto\"><table id=\"incidents-table\" "
	    "class=\"sortable\"><thead><tr>"
	    "<th class=\"n\" data-sort=\"num\">#</th>"
	    "<th data-sort=\"num\">verdict</th>"
	    "<th class=\"n\" data-sort=\"num\">sev</th>"
	    "<th>client</th><th>sender</th>"
	    "<th data-sort=\"num\">recipients</th>"
	    "<th>observed \xe2\x86\x92 protected</th>"
	    "<th>class and explanation</th>"
	    "<th class=\"n\" data-sort=\"num\">lookups</th>"
	    "<th class=\"n\" data-sort=\"num\">sessions</th>"
	    "<th class=\"n\" data-sort=\"num\">bytes</th>"
	    "<th data-sort=\"num\">first seen (UTC)</th>"
	    "<th>last seen</th><th data-sort=\"num\">alerts</th>"
	    "</tr></thead><tbody>\n");
	for (uint32_t i = 0; i < r->ninc; i++)
		incident_row(f, r->inc[i], i + 1);
	fprintf(f, "</tbody></table></div></section>\n");
}

static void
input(FILE *f, const struct report *r)
{
	char b[32], c[32], d[32], e[32], g[32], h[32], k[32];

	fprintf(f, "<section id=\"input\"><h2>Input</h2><p>%s lines read: "
	    "<span id=\"count-records\">%s</span> typosentry records "
	    "(%s alerts, %s dns, %s smtp, %s stats, %s other); ",
	    num(r->lines, b, sizeof(b)), num(r->records, c, sizeof(c)),
	    num(r->by_type[0], d, sizeof(d)), num(r->by_type[1], e, sizeof(e)),
	    num(r->by_type[2], g, sizeof(g)), num(r->by_type[3], h, sizeof(h)),
	    num(r->by_type[4], k, sizeof(k)));
	fprintf(f, "<span id=\"count-not-json\">%s</span> not JSON, "
	    "<span id=\"count-foreign\">%s</span> not typosentry's, "
	    "<span id=\"count-too-long\">%s</span> too long.</p>\n",
	    num(r->not_json, b, sizeof(b)), num(r->foreign, c, sizeof(c)),
	    num(r->too_long, d, sizeof(d)));
	if (r->nbad > 0) {
		fprintf(f, "<p>The first %" PRIu32 " of them:</p><ul class=\"bad\">",
		    r->nbad);
		for (uint32_t i = 0; i < r->nbad; i++) {
			fprintf(f, "<li class=\"bad-line\" data-line=\"%" PRIu64
			    "\"><span class=\"mono\">", r->bad[i].line);
			esc(f, r->replayed ? "replay" : r->inputs[r->bad[i].input]);
			fprintf(f, ":%" PRIu64 "</span>: ", r->bad[i].line);
			esc(f, r->bad[i].why);
			fprintf(f, "</li>");
		}
		fprintf(f, "</ul>\n");
	}
	fprintf(f, "</section>\n");
}

int
report_html(const struct report *r, FILE *f)
{
	char b[32], c[32];

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	    "charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	    "script-src 'unsafe-inline'\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<title>typosentry report</title>\n<style>%s</style></head>\n"
	    "<body><header><h1>typosentry report</h1><p>Mail about to go to "
	    "typo domains: %s alerts, %s incidents", style,
	    num(r->alerts, b, sizeof(b)), num(r->incidents, c, sizeof(c)));
	if (r->have_span) {
		fprintf(f, ", ");
		esc(f, r->first);
		fprintf(f, " \xe2\x80\x93 ");
		esc(f, r->last);
		fprintf(f, " UTC");
	}
	fprintf(f, "</p></header><main>\n");
	summary(f, r);
	incidents(f, r);
	timeline(f, r);
	fprintf(f, "<section id=\"top\"><h2>Who and what</h2><div class=\"grid\">");
	top_chart(f, "top-domains", "Top typo domains", &r->domains, "#6a1b9a");
	top_chart(f, "top-clients", "Top clients", &r->clients, "#00838f");
	top_chart(f, "per-protected", "Alerts per protected name",
	    &r->protected_names, "#37474f");
	fprintf(f, "</div></section>\n");
	input(f, r);
	fprintf(f, "</main><script>%s</script></body></html>\n", script);
	return ferror(f) ? -1 : 0;
}
