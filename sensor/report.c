/*
 * report.c — EVE lines folded into a report's aggregates.
 *
 * Reading: a fixed buffer, lines found with memchr, each handed to the
 * EVE reader in place; a line longer than REPORT_LINE_MAX is refused and
 * skipped to its end without being held.  Folding: counters, top-N
 * tables, the timeline, and incidents (open ones hold their alerts until
 * their summary arrives; the worst REPORT_MAX_INCIDENTS are kept).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eve_line.h"
#include "report.h"

/* Signature ids of typosentry's alerts (signatures.h). */
#define SID_FIRST	1610000
#define SID_LAST	1610999
#define SID_SUMMARY	1610200

/* An incident whose alerts are held until its summary arrives. */
struct report_open {
	uint64_t		 id;		/* 0: free slot */
	uint64_t		 clock;		/* last alert, for eviction */
	struct report_incident	*inc;
};

#define OPEN_SLOTS	(REPORT_MAX_OPEN * 2)
#define EVICTED_RING	4096

/* Ids of open incidents let go: their summaries say alerts were lost. */
static uint64_t *
evicted_ring(struct report *r)
{
	return (uint64_t *)(r->open + OPEN_SLOTS);
}

int
report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->doc = malloc(sizeof(*r->doc));
	r->timeline = calloc(1, sizeof(*r->timeline));
	r->inc = calloc(REPORT_MAX_INCIDENTS, sizeof(*r->inc));
	/* The open table, then the ring of evicted ids. */
	r->open = calloc(1, OPEN_SLOTS * sizeof(*r->open) +
	    EVICTED_RING * sizeof(uint64_t));
	if (r->doc == NULL || r->timeline == NULL || r->inc == NULL ||
	    r->open == NULL || topn_init(&r->domains, REPORT_TOP_TRACK) != 0 ||
	    topn_init(&r->clients, REPORT_TOP_TRACK) != 0 ||
	    topn_init(&r->protected_names, REPORT_TOP_TRACK) != 0) {
		report_free(r);
		return -1;
	}
	return 0;
}

void
report_free(struct report *r)
{
	for (uint32_t i = 0; i < r->ninputs; i++)
		free(r->inputs[i]);
	for (uint32_t i = 0; r->inc != NULL && i < r->ninc; i++)
		free(r->inc[i]);
	if (r->open != NULL)
		for (uint32_t i = 0; i < OPEN_SLOTS; i++)
			free(r->open[i].inc);
	free(r->inc);
	free(r->open);
	free(r->doc);
	free(r->timeline);
	topn_free(&r->domains);
	topn_free(&r->clients);
	topn_free(&r->protected_names);
	memset(r, 0, sizeof(*r));
}

int
report_add_input(struct report *r, const char *name)
{
	if (r->ninputs == REPORT_MAX_INPUTS ||
	    (r->inputs[r->ninputs] = strdup(name)) == NULL)
		return -1;
	r->ninputs++;
	return 0;
}

static void
bad_line(struct report *r, uint64_t lineno, const char *why)
{
	if (r->nbad == REPORT_MAX_BAD)
		return;
	struct report_bad *b = &r->bad[r->nbad++];
	b->input = r->input;
	b->line = lineno;
	snprintf(b->why, sizeof(b->why), "%s", why);
}

/* ---- the timeline ---- */

/* Bucket widths, each a multiple of the one before. */
static const uint32_t ladder[] = {
	1, 2, 10, 60, 300, 600, 3600, 21600, 86400, 604800, 2419200,
	31449600,
};
#define NLADDER	(sizeof(ladder) / sizeof(ladder[0]))

static int64_t
floor_to(int64_t v, int64_t w)
{
	int64_t q = v / w;

	if (v % w != 0 && v < 0)
		q--;
	return q * w;
}

static uint32_t
wider(uint32_t w)
{
	for (size_t i = 0; i < NLADDER; i++)
		if (ladder[i] > w)
			return ladder[i];
	return w <= UINT32_MAX / 2 ? w * 2 : w;
}

/* The used buckets: [*lo, *hi], false when none. */
static bool
used_range(const struct report_timeline *t, uint32_t *lo, uint32_t *hi)
{
	bool any = false;

	for (uint32_t i = 0; i < REPORT_TIMELINE; i++) {
		uint64_t sum = 0;
		for (int s = 0; s < REPORT_SEVERITIES; s++)
			sum += t->n[i][s];
		if (sum == 0)
			continue;
		if (!any)
			*lo = i;
		*hi = i;
		any = true;
	}
	return any;
}

/* Widens the buckets until sec and every used bucket fit. */
static void
timeline_widen(struct report_timeline *t, int64_t sec)
{
	uint32_t lo = 0, hi = 0;
	bool any = used_range(t, &lo, &hi);
	int64_t min = sec, max = sec;

	if (any) {
		int64_t a = t->base + (int64_t)lo * t->width;
		int64_t b = t->base + (int64_t)hi * t->width;
		min = a < min ? a : min;
		max = b > max ? b : max;
	}
	uint32_t w = t->width;
	int64_t base;
	do {
		uint32_t nw = wider(w);
		if (nw == w)
			return;		/* cannot widen: the caller drops it */
		w = nw;
		base = floor_to(min, w);
	} while ((max - base) / w >= REPORT_TIMELINE);
	uint64_t (*old)[REPORT_SEVERITIES] = malloc(sizeof(t->n));
	if (old == NULL)
		return;		/* the caller drops the alert from the chart */
	memcpy(old, t->n, sizeof(t->n));
	memset(t->n, 0, sizeof(t->n));
	for (uint32_t i = 0; any && i <= hi; i++) {
		int64_t start = t->base + (int64_t)i * t->width;
		uint32_t ni = (uint32_t)((start - base) / w);
		for (int s = 0; s < REPORT_SEVERITIES; s++)
			t->n[ni][s] += old[i][s];
	}
	free(old);
	t->base = base;
	t->width = w;
}

static void
timeline_add(struct report_timeline *t, int64_t sec, unsigned sev)
{
	if (!t->any) {
		t->any = true;
		t->width = 1;
		t->base = sec;
	}
	if (sec < t->base || (sec - t->base) / t->width >= REPORT_TIMELINE)
		timeline_widen(t, sec);
	if (sec < t->base || (sec - t->base) / t->width >= REPORT_TIMELINE)
		return;
	t->n[(sec - t->base) / t->width][sev < REPORT_SEVERITIES ? sev : 0]++;
}

uint32_t
report_timeline_width(const struct report_timeline *t, uint32_t max_bars)
{
	uint32_t lo = 0, hi = 0, w = t->width;

	if (!t->any || !used_range(t, &lo, &hi))
		return w;
	int64_t first = t->base + (int64_t)lo * t->width;
	int64_t last = t->base + (int64_t)hi * t->width;
	/* A minute at least when the span allows: "alerts per minute". */
	while (w < 60 && (last - first) / 60 + 1 <= max_bars && w != wider(w))
		w = wider(w);
	while ((last - floor_to(first, w)) / w + 1 > max_bars && w != wider(w))
		w = wider(w);
	return w;
}

/* ---- incidents ---- */

static int
sev_rank(uint8_t s)
{
	return s >= 1 && s <= 4 ? s : 5;
}

int
report_incident_cmp(const struct report_incident *a,
    const struct report_incident *b)
{
	if (a->verdict != b->verdict)
		return a->verdict < b->verdict ? -1 : 1;
	if (sev_rank(a->severity) != sev_rank(b->severity))
		return sev_rank(a->severity) < sev_rank(b->severity) ? -1 : 1;
	if (a->nrcpt != b->nrcpt)
		return a->nrcpt > b->nrcpt ? -1 : 1;
	if (a->nalerts != b->nalerts)
		return a->nalerts > b->nalerts ? -1 : 1;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->first_sec != b->first_sec)
		return a->first_sec < b->first_sec ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The heap's root is the least bad incident kept. */
static bool
heap_above(const struct report_incident *a, const struct report_incident *b)
{
	return report_incident_cmp(a, b) > 0;
}

static void
heap_swap(struct report *r, uint32_t a, uint32_t b)
{
	struct report_incident *x = r->inc[a];

	r->inc[a] = r->inc[b];
	r->inc[b] = x;
}

/* Keeps inc if it is among the worst; frees it otherwise. */
static void
keep_incident(struct report *r, struct report_incident *inc)
{
	r->incidents++;
	r->by_verdict[inc->verdict]++;
	if (r->ninc < REPORT_MAX_INCIDENTS) {
		uint32_t i = r->ninc++;
		r->inc[i] = inc;
		while (i > 0 && heap_above(r->inc[i], r->inc[(i - 1) / 2])) {
			heap_swap(r, i, (i - 1) / 2);
			i = (i - 1) / 2;
		}
		return;
	}
	r->inc_dropped++;
	if (!heap_above(r->inc[0], inc)) {
		free(inc);
		return;
	}
	free(r->inc[0]);
	r->inc[0] = inc;
	for (uint32_t i = 0;;) {
		uint32_t l = 2 * i + 1, m = i;
		if (l < r->ninc && heap_above(r->inc[l], r->inc[m]))
			m = l;
		if (l + 1 < r->ninc && heap_above(r->inc[l + 1], r->inc[m]))
			m = l + 1;
		if (m == i)
			break;
		heap_swap(r, i, m);
		i = m;
	}
}

static uint32_t
open_hash(uint64_t id)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (uint32_t)id & (OPEN_SLOTS - 1);
}

static struct report_open *
open_find(struct report *r, uint64_t id)
{
	for (uint32_t i = open_hash(id), k = 0; k < OPEN_SLOTS; k++,
	    i = (i + 1) & (OPEN_SLOTS - 1)) {
		if (r->open[i].id == id)
			return &r->open[i];
		if (r->open[i].id == 0)
			return NULL;
	}
	return NULL;
}

/* Frees slot e (backward shift: no tombstones); returns its incident. */
static struct report_incident *
open_remove(struct report *r, struct report_open *e)
{
	struct report_incident *inc = e->inc;
	uint32_t i = (uint32_t)(e - r->open), j = i;

	memset(e, 0, sizeof(*e));
	for (;;) {
		j = (j + 1) & (OPEN_SLOTS - 1);
		if (r->open[j].id == 0)
			break;
		uint32_t home = open_hash(r->open[j].id);
		bool stay = i <= j ? (home > i && home <= j) :
		    (home > i || home <= j);
		if (stay)
			continue;
		r->open[i] = r->open[j];
		memset(&r->open[j], 0, sizeof(r->open[j]));
		i = j;
	}
	r->nopen--;
	return inc;
}

static int
by_clock(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The open table is full: the eighth of it idle the longest lets its
 * alerts go (they stay counted; their summaries will say so).
 */
static void
open_evict(struct report *r)
{
	uint64_t *clocks = malloc(REPORT_MAX_OPEN * sizeof(*clocks));
	uint32_t n = 0;

	if (clocks == NULL)
		return;
	for (uint32_t i = 0; i < OPEN_SLOTS && n < REPORT_MAX_OPEN; i++)
		if (r->open[i].id != 0)
			clocks[n++] = r->open[i].clock;
	if (n == 0) {
		free(clocks);
		return;
	}
	qsort(clocks, n, sizeof(clocks[0]), by_clock);
	uint64_t cut = clocks[n / 8];
	free(clocks);
	for (uint32_t i = 0; i < OPEN_SLOTS;) {
		struct report_open *e = &r->open[i];
		if (e->id == 0 || e->clock > cut) {
			i++;
			continue;
		}
		evicted_ring(r)[r->open_evicted % EVICTED_RING] = e->id;
		r->open_evicted++;
		free(open_remove(r, e));
		/* A later entry may have moved into slot i: look again. */
	}
}

static struct report_open *
open_add(struct report *r, uint64_t id)
{
	struct report_incident *inc;

	if (r->nopen >= REPORT_MAX_OPEN)
		open_evict(r);
	if (r->nopen >= REPORT_MAX_OPEN)
		return NULL;
	if ((inc = calloc(1, sizeof(*inc))) == NULL)
		return NULL;
	inc->id = id;
	inc->verdict = EVE_VERDICT_UNKNOWN;
	for (uint32_t i = open_hash(id);; i = (i + 1) & (OPEN_SLOTS - 1)) {
		if (r->open[i].id == 0) {
			r->open[i].id = id;
			r->open[i].inc = inc;
			r->nopen++;
			return &r->open[i];
		}
	}
}

static bool
was_evicted(const struct report *r, uint64_t id)
{
	uint64_t n = r->open_evicted < EVICTED_RING ? r->open_evicted :
	    EVICTED_RING;
	const uint64_t *ring = (const uint64_t *)(r->open + OPEN_SLOTS);

	for (uint64_t i = 0; i < n; i++)
		if (ring[i] == id)
			return true;
	return false;
}

/* ---- one record ---- */

static void
count_source(struct report *r, const char *name)
{
	if (name[0] == '\0')
		return;
	for (uint32_t i = 0; i < r->nsources; i++)
		if (strcmp(r->sources[i], name) == 0)
			return;
	if (r->nsources == REPORT_MAX_SOURCES) {
		r->sources_other++;
		return;
	}
	snprintf(r->sources[r->nsources++], sizeof(r->sources[0]), "%s", name);
}

static void
count_sig(struct report *r, uint32_t sid, uint8_t sev)
{
	for (uint32_t i = 0; i < r->nsigs; i++)
		if (r->sigs[i].sid == sid) {
			r->sigs[i].count++;
			return;
		}
	if (r->nsigs == REPORT_MAX_SIGS) {
		r->sigs_other++;
		return;
	}
	struct report_sig *s = &r->sigs[r->nsigs++];
	s->sid = sid;
	s->severity = sev;
	s->count = 1;
	eve_get_string(r->doc, "alert.signature", s->msg, sizeof(s->msg));
}

/* Names and text of a record into an incident's fields (when empty). */
static void
fill_typo(const struct eve_doc *d, struct report_incident *inc)
{
	if (inc->observed[0] == '\0')
		eve_get_string(d, "alert.context.typo.observed", inc->observed,
		    sizeof(inc->observed));
	if (inc->protected_name[0] == '\0')
		eve_get_string(d, "alert.context.typo.protected",
		    inc->protected_name, sizeof(inc->protected_name));
	if (inc->class[0] == '\0')
		eve_get_string(d, "alert.context.typo.class", inc->class,
		    sizeof(inc->class));
	if (inc->explanation[0] == '\0')
		eve_get_string(d, "alert.context.typo.explanation",
		    inc->explanation, sizeof(inc->explanation));
}

/* Joins the strings of array arr with ", " into buf; their number. */
static uint32_t
join(const struct eve_doc *d, int arr, char *buf, size_t size)
{
	uint32_t n = eve_count(d, arr);
	size_t o = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < n && o + 1 < size; i++) {
		char v[256];
		eve_string(d, eve_index(d, arr, i), v, sizeof(v));
		int k = snprintf(buf + o, size - o, "%s%s", i > 0 ? ", " : "", v);
		if (k < 0 || (size_t)k >= size - o) {
			/* Cut: end on a whole character and say so. */
			buf[o] = '\0';
			if (o + 4 < size)
				memcpy(buf + o, o > 0 ? ", \xe2\x80\xa6" : "\xe2\x80\xa6",
				    o > 0 ? 6 : 4);
			break;
		}
		o += (size_t)k;
	}
	return n;
}

static void
short_time(const char *eve_ts, char *out, size_t size)
{
	/* "2026-11-23T04:20:56.334595+0000" -> "2026-11-23 04:20:56" */
	snprintf(out, size, "%.19s", eve_ts);
	if (strlen(out) > 10 && out[10] == 'T')
		out[10] = ' ';
}

static void
summary(struct report *r, int inc_tok, uint64_t id)
{
	const struct eve_doc *d = r->doc;
	struct report_open *e = id != 0 ? open_find(r, id) : NULL;
	struct report_incident *inc;
	char ts[48];
	uint64_t sev = 0;
	int64_t sec;
	uint32_t us;

	if (e != NULL) {
		inc = open_remove(r, e);
	} else {
		if ((inc = calloc(1, sizeof(*inc))) == NULL)
			return;
		inc->id = id;
		inc->alerts_lost = id != 0 && was_evicted(r, id);
	}
	inc->summary = true;
	inc->verdict = eve_verdict_of(d, inc_tok);
	eve_get_u64(d, "alert.severity", &sev);
	inc->severity = sev <= 4 ? (uint8_t)sev : 0;
	if (eve_string(d, eve_member(d, inc_tok, "first_seen"), ts, sizeof(ts))) {
		short_time(ts, inc->first_seen, sizeof(inc->first_seen));
		if (eve_time(ts, &sec, &us))
			inc->first_sec = sec;
	}
	if (eve_string(d, eve_member(d, inc_tok, "last_seen"), ts, sizeof(ts)))
		short_time(ts, inc->last_seen, sizeof(inc->last_seen));
	int clients = eve_member(d, inc_tok, "clients");
	if (eve_count(d, clients) > 0)
		join(d, clients, inc->clients, sizeof(inc->clients));
	else
		eve_string(d, eve_member(d, inc_tok, "client"), inc->clients,
		    sizeof(inc->clients));
	eve_string(d, eve_member(d, inc_tok, "sender"), inc->sender,
	    sizeof(inc->sender));
	inc->nrcpt = join(d, eve_member(d, inc_tok, "recipients"),
	    inc->recipients, sizeof(inc->recipients));
	eve_u64(d, eve_member(d, inc_tok, "lookups"), &inc->lookups);
	eve_u64(d, eve_member(d, inc_tok, "smtp_sessions"), &inc->sessions);
	eve_u64(d, eve_member(d, inc_tok, "bytes_sent"), &inc->bytes);
	/*
	 * Sensors that follow encrypted sessions list them in "sessions"
	 * (with their server) and count what they carried in
	 * "app_bytes_sent": the bytes of an encrypted delivery.
	 */
	int sess = eve_member(d, inc_tok, "sessions");
	uint64_t app = 0;
	if (eve_count(d, sess) > inc->sessions)
		inc->sessions = eve_count(d, sess);
	if (eve_u64(d, eve_member(d, inc_tok, "app_bytes_sent"), &app) &&
	    app > inc->bytes)
		inc->bytes = app;
	if (!eve_string(d, eve_member(d, eve_index(d, sess, 0), "server"),
	    inc->server, sizeof(inc->server)) && inc->sessions > 0)
		eve_get_string(d, "dest_ip", inc->server, sizeof(inc->server));
	/* The summary's names win over those of its first alert. */
	char v[256];
	if (eve_string(d, eve_member(d, inc_tok, "observed"), v, sizeof(v)))
		snprintf(inc->observed, sizeof(inc->observed), "%s", v);
	if (eve_string(d, eve_member(d, inc_tok, "protected"), v, sizeof(v)))
		snprintf(inc->protected_name, sizeof(inc->protected_name), "%s", v);
	fill_typo(d, inc);
	keep_incident(r, inc);
}

/* An alert of an open incident: held, in order, up to the cap. */
static void
incident_alert(struct report *r, uint64_t id, uint64_t sev, const char *client)
{
	const struct eve_doc *d = r->doc;
	struct report_open *e = open_find(r, id);
	char ts[48];
	int64_t sec;
	uint32_t us;

	if (e == NULL && (e = open_add(r, id)) == NULL)
		return;
	e->clock = ++r->open_clock;
	struct report_incident *inc = e->inc;
	if (inc->nalerts++ == 0) {
		/* What an incident without a summary will show. */
		fill_typo(d, inc);
		snprintf(inc->clients, sizeof(inc->clients), "%s", client);
		if (eve_get_string(d, "timestamp", ts, sizeof(ts))) {
			short_time(ts, inc->first_seen, sizeof(inc->first_seen));
			if (eve_time(ts, &sec, &us))
				inc->first_sec = sec;
		}
	}
	if (eve_get_string(d, "timestamp", ts, sizeof(ts)))
		short_time(ts, inc->last_seen, sizeof(inc->last_seen));
	if (sev >= 1 && sev <= 4 && (inc->severity == 0 || sev < inc->severity))
		inc->severity = (uint8_t)sev;
	if (inc->kept == REPORT_INCIDENT_ALERTS)
		return;
	struct report_alert *a = &inc->alerts[inc->kept++];
	uint64_t sid = 0;
	eve_get_u64(d, "alert.signature_id", &sid);
	a->sid = (uint32_t)sid;
	a->severity = (uint8_t)(sev <= 4 ? sev : 0);
	eve_line_time(d, a->time, sizeof(a->time));
	eve_line_flow(d, a->flow, sizeof(a->flow));
	eve_line_what(d, a->what, sizeof(a->what));
}

/* The client of an alert: who asked, or who sent. */
static void
alert_client(const struct eve_doc *d, char *buf, size_t size)
{
	bool response = eve_string_is(d, eve_path(d, 0, "dns.type"), "response");

	eve_get_string(d, response ? "dest_ip" : "src_ip", buf, size);
}

static void
alert(struct report *r)
{
	const struct eve_doc *d = r->doc;
	uint64_t sid = 0, sev = 0, id = 0;
	bool is_summary = false;
	char ts[48], name[256], client[64];
	int64_t sec;
	uint32_t us;

	eve_get_u64(d, "alert.signature_id", &sid);
	eve_get_u64(d, "alert.severity", &sev);
	r->alerts++;
	r->by_severity[sev >= 1 && sev <= 4 ? sev : 0]++;
	count_sig(r, (uint32_t)sid, (uint8_t)(sev <= 4 ? sev : 0));
	int inc = eve_path(d, 0, "alert.context.incident");
	eve_u64(d, eve_member(d, inc, "id"), &id);
	eve_bool(d, eve_member(d, inc, "summary"), &is_summary);
	if (is_summary || sid == SID_SUMMARY) {
		r->summaries++;
		summary(r, inc, id);
		return;
	}
	alert_client(d, client, sizeof(client));
	if (client[0] != '\0')
		topn_add(&r->clients, client);
	if (eve_get_string(d, "alert.context.typo.observed", name, sizeof(name)))
		topn_add(&r->domains, name);
	if (eve_get_string(d, "alert.context.typo.protected", name, sizeof(name)))
		topn_add(&r->protected_names, name);
	if (eve_get_string(d, "timestamp", ts, sizeof(ts)) &&
	    eve_time(ts, &sec, &us))
		timeline_add(r->timeline, sec, (unsigned)(sev <= 4 ? sev : 0));
	if (id != 0)
		incident_alert(r, id, sev, client);
}

static bool
ours(struct report *r, uint64_t lineno, const char *type)
{
	char why[128];
	uint64_t sid = 0, gid = 1;

	if (strcmp(type, "alert") == 0) {
		eve_get_u64(r->doc, "alert.gid", &gid);
		if (eve_get_u64(r->doc, "alert.signature_id", &sid) && gid == 1 &&
		    sid >= SID_FIRST && sid <= SID_LAST)
			return true;
		snprintf(why, sizeof(why), "not typosentry's: an alert of "
		    "signature %" PRIu64 ":%" PRIu64, gid, sid);
	} else if (strcmp(type, "dns") == 0 || strcmp(type, "smtp") == 0 ||
	    strcmp(type, "stats") == 0 || strcmp(type, "tls") == 0) {
		return true;
	} else if (type[0] == '\0') {
		snprintf(why, sizeof(why), "not an EVE record: no event_type");
	} else {
		char shown[48];
		size_t n = 0;
		eve_line_text(shown, sizeof(shown), &n, type);
		snprintf(why, sizeof(why), "not typosentry's: event_type %s",
		    shown);
	}
	r->foreign++;
	bad_line(r, lineno, why);
	return false;
}

void
report_line(struct report *r, const char *line, size_t len, uint64_t lineno)
{
	struct eve_doc *d = r->doc;
	char type[32] = "", src[160];

	r->lines++;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (len == 0)
		return;			/* a blank line says nothing */
	if (eve_parse(d, line, len) != 0) {
		char why[128];
		r->not_json++;
		snprintf(why, sizeof(why), "not JSON: %s at byte %zu", d->err,
		    d->err_at + 1);
		bad_line(r, lineno, why);
		return;
	}
	if (!eve_get_string(d, "event_type", type, sizeof(type)))
		type[0] = '\0';
	if (!ours(r, lineno, type))
		return;
	r->records++;
	static const char *const types[] = { "alert", "dns", "smtp", "stats" };
	size_t t = 0;
	while (t < 4 && strcmp(type, types[t]) != 0)
		t++;
	r->by_type[t]++;
	char ts[48];
	int64_t sec;
	uint32_t us;
	if (eve_get_string(d, "timestamp", ts, sizeof(ts)) &&
	    eve_time(ts, &sec, &us)) {
		if (!r->have_span || sec < r->first_sec) {
			r->first_sec = sec;
			short_time(ts, r->first, sizeof(r->first));
		}
		if (!r->have_span || sec > r->last_sec) {
			r->last_sec = sec;
			short_time(ts, r->last, sizeof(r->last));
		}
		r->have_span = true;
	}
	if (eve_get_string(d, "pcap_filename", src, sizeof(src)))
		count_source(r, src);
	if (eve_get_string(d, "in_iface", src, sizeof(src)))
		count_source(r, src);
	if (eve_get_string(d, "host", src, sizeof(src)))
		count_source(r, src);
	if (t == 0)
		alert(r);
}

/* Room for a whole line and a read after it. */
#define READ_CHUNK	(256 << 10)
#define BUF_SIZE	(REPORT_LINE_MAX + READ_CHUNK)

int
report_read_fd(struct report *r, int fd, uint32_t input, char *err,
    size_t errlen)
{
	char *buf = malloc(BUF_SIZE);
	size_t have = 0;
	uint64_t lineno = 0;
	bool skipping = false;	/* inside a line too long to hold */
	int rc = 0;

	if (buf == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->input = input;
	for (;;) {
		ssize_t n = read(fd, buf + have, BUF_SIZE - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "read error after line %" PRIu64
			    ": %s", lineno, strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0) {
			if (have > 0 && !skipping)
				report_line(r, buf, have, ++lineno);
			break;
		}
		have += (size_t)n;
		size_t start = 0;
		for (;;) {
			char *nl = memchr(buf + start, '\n', have - start);
			if (nl == NULL)
				break;
			size_t len = (size_t)(nl - (buf + start));
			if (skipping) {
				skipping = false;
			} else if (len >= REPORT_LINE_MAX) {
				r->lines++;
				r->too_long++;
				bad_line(r, ++lineno, "longer than 1 MiB: skipped");
			} else {
				report_line(r, buf + start, len, ++lineno);
			}
			start += len + 1;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have >= REPORT_LINE_MAX) {
			if (!skipping) {
				r->lines++;
				r->too_long++;
				bad_line(r, ++lineno, "longer than 1 MiB: skipped");
			}
			skipping = true;
			have = 0;
		}
	}
	free(buf);
	return rc;
}

static int
cmp_inc(const void *a, const void *b)
{
	return report_incident_cmp(*(const struct report_incident *const *)a,
	    *(const struct report_incident *const *)b);
}

void
report_finish(struct report *r)
{
	/* Incidents still open at the end: listed without a summary. */
	for (uint32_t i = 0; i < OPEN_SLOTS; i++) {
		if (r->open[i].id == 0)
			continue;
		struct report_incident *inc = r->open[i].inc;
		r->open[i].inc = NULL;
		r->open[i].id = 0;
		r->open_at_end++;
		keep_incident(r, inc);
	}
	r->nopen = 0;
	qsort(r->inc, r->ninc, sizeof(r->inc[0]), cmp_inc);
}
