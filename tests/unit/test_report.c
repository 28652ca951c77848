/*
 * test_report.c — the report's bounded parts: Space-Saving top-N (exact
 * while it fits, upper bounds after), the timeline's widening buckets,
 * the incident order, open incidents holding their alerts until the
 * summary, and the line reader (blank, not JSON, foreign, too long,
 * a last line without newline).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../sensor/report.h"

static void
topn_exact_then_bounded(void **state)
{
	struct topn t;
	const struct topn_entry *e[4];
	char key[32];

	(void)state;
	assert_int_equal(topn_init(&t, 8), 0);
	for (int i = 0; i < 100; i++)
		topn_add(&t, "army.ml");
	for (int i = 0; i < 50; i++)
		topn_add(&t, "gmial.com");
	topn_add(&t, "once.ml");
	assert_int_equal(topn_top(&t, e, 4), 3);
	assert_string_equal(e[0]->key, "army.ml");
	assert_int_equal(e[0]->count, 100);
	assert_int_equal(e[0]->err, 0);
	assert_int_equal(e[1]->count, 50);
	/* A thousand distinct names through 8 counters. */
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "n%d.ml", i);
		topn_add(&t, key);
		topn_add(&t, "army.ml");
	}
	assert_int_equal(t.n, 8);
	assert_int_equal(t.total, 2151);
	assert_int_equal(topn_top(&t, e, 2), 2);
	/* The frequent one stays, exactly counted; a rare one that took
	 * an evicted place says its count may be too high. */
	assert_string_equal(e[0]->key, "army.ml");
	assert_int_equal(e[0]->count, 1100);
	assert_int_equal(e[0]->err, 0);
	assert_true(e[1]->err > 0 && e[1]->count > e[1]->err);
	/* Every count is an upper bound, and count - err a lower one. */
	for (uint32_t i = 0; i < t.n; i++)
		assert_true(t.e[i].count >= t.e[i].err);
	/* Keys are cut, never overrun. */
	char longkey[300];
	memset(longkey, 'x', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	topn_add(&t, longkey);
	topn_free(&t);
}

static struct report *
fresh(void)
{
	struct report *r = malloc(sizeof(*r));

	assert_non_null(r);
	assert_int_equal(report_init(r), 0);
	assert_int_equal(report_add_input(r, "t.json"), 0);
	return r;
}

static void
line(struct report *r, const char *s, uint64_t n)
{
	report_line(r, s, strlen(s), n);
}

#define ALERT(ts, id, sid, sev, obs) "{\"timestamp\":\"" ts "\"," \
	"\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\",\"dest_ip\":" \
	"\"192.0.2.53\",\"proto\":\"UDP\",\"app_proto\":\"dns\",\"alert\":{" \
	"\"gid\":1,\"signature_id\":" #sid ",\"severity\":" #sev ",\"context\"" \
	":{\"typo\":{\"observed\":\"" obs "\",\"protected\":\"army.mil\"}," \
	"\"incident\":{\"id\":" #id "}}},\"dns\":{\"type\":\"request\"," \
	"\"queries\":[{\"rrname\":\"" obs "\",\"rrtype\":\"MX\"}]}}"

#define SUMMARY(id, extra) "{\"timestamp\":\"2026-11-23T04:30:00.0+0000\"," \
	"\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\",\"dest_ip\":" \
	"\"192.0.2.25\",\"alert\":{\"gid\":1,\"signature_id\":1610200," \
	"\"severity\":1,\"context\":{\"incident\":{\"id\":" #id ",\"summary\":" \
	"true,\"first_seen\":\"2026-11-23T04:20:00.0+0000\",\"client\":" \
	"\"192.0.2.1\",\"observed\":\"army.ml\",\"protected\":\"army.mil\"," \
	extra "}}}}"

static void
incidents_and_order(void **state)
{
	struct report *r = fresh();

	(void)state;
	line(r, ALERT("2026-11-23T04:20:00.0+0000", 7, 1610001, 2, "army.ml"), 1);
	line(r, ALERT("2026-11-23T04:20:01.0+0000", 8, 1610002, 2, "gmial.com"), 2);
	line(r, ALERT("2026-11-23T04:20:02.0+0000", 7, 1610003, 2, "army.ml"), 3);
	line(r, ALERT("2026-11-23T04:20:03.0+0000", 9, 1610001, 2, "navy.ml"), 4);
	/* 7: lookups only; 8: delivered; 9 never closes. */
	line(r, SUMMARY(7, "\"lookups\":2,\"smtp_sessions\":0"), 5);
	line(r, SUMMARY(8, "\"smtp_sessions\":1,\"message_accepted\":true,"
	    "\"recipients\":[\"<a@gmial.com>\",\"<b@gmial.com>\"]"), 6);
	report_finish(r);
	assert_int_equal(r->alerts, 6);
	assert_int_equal(r->summaries, 2);
	assert_int_equal(r->incidents, 3);
	assert_int_equal(r->open_at_end, 1);
	assert_int_equal(r->ninc, 3);
	assert_int_equal(r->by_verdict[EVE_VERDICT_DELIVERED], 1);
	assert_int_equal(r->by_verdict[EVE_VERDICT_LOOKUP_ONLY], 1);
	assert_int_equal(r->by_verdict[EVE_VERDICT_UNKNOWN], 1);
	/* Worst first: delivered, unknown (open), lookup only. */
	assert_int_equal(r->inc[0]->id, 8);
	assert_int_equal(r->inc[0]->nrcpt, 2);
	assert_string_equal(r->inc[0]->recipients, "<a@gmial.com>, <b@gmial.com>");
	assert_int_equal(r->inc[1]->id, 9);
	assert_false(r->inc[1]->summary);
	assert_string_equal(r->inc[1]->observed, "navy.ml");
	assert_int_equal(r->inc[2]->id, 7);
	/* The alerts of 7, in order, held until its summary. */
	assert_int_equal(r->inc[2]->nalerts, 2);
	assert_int_equal(r->inc[2]->kept, 2);
	assert_int_equal(r->inc[2]->alerts[0].sid, 1610001);
	assert_int_equal(r->inc[2]->alerts[1].sid, 1610003);
	assert_string_equal(r->inc[2]->alerts[0].what, "DNS query MX army.ml");
	assert_string_equal(r->inc[2]->alerts[0].time,
	    "2026-11-23 04:20:00.0");
	assert_string_equal(r->first, "2026-11-23 04:20:00");
	assert_string_equal(r->last, "2026-11-23 04:30:00");
	report_free(r);
	free(r);
}

static void
many_incidents_bounded(void **state)
{
	struct report *r = fresh();
	char buf[1024];

	(void)state;
	/* More incidents than listed; more open at once than held. */
	for (int i = 1; i <= REPORT_MAX_OPEN + 500; i++) {
		snprintf(buf, sizeof(buf), ALERT("2026-11-23T04:20:00.0+0000",
		    %d, 1610001, 2, "army.ml"), i);
		line(r, buf, (uint64_t)i);
	}
	assert_true(r->nopen <= REPORT_MAX_OPEN);
	assert_true(r->open_evicted > 0);
	for (int i = 1; i <= REPORT_MAX_OPEN + 500; i++) {
		snprintf(buf, sizeof(buf), SUMMARY(%d, "\"smtp_sessions\":%d,"
		    "\"message_accepted\":%s"), i, i <= 600,
		    i <= 600 ? "true" : "false");
		line(r, buf, (uint64_t)i);
	}
	report_finish(r);
	assert_int_equal(r->incidents, REPORT_MAX_OPEN + 500);
	assert_int_equal(r->ninc, REPORT_MAX_INCIDENTS);
	assert_int_equal(r->open_at_end, 0);
	/* The listed ones are the worst: delivered. */
	for (uint32_t i = 0; i < r->ninc; i++)
		assert_int_equal(r->inc[i]->verdict, EVE_VERDICT_DELIVERED);
	assert_int_equal(r->by_verdict[EVE_VERDICT_DELIVERED], 600);
	/* The first incidents were let go while open: said so; the later
	 * ones kept their alert. */
	bool lost = false, kept = false;
	for (uint32_t i = 0; i < r->ninc; i++) {
		lost = lost || (r->inc[i]->alerts_lost && r->inc[i]->kept == 0);
		kept = kept || (!r->inc[i]->alerts_lost && r->inc[i]->kept == 1);
	}
	assert_true(lost && kept);
	report_free(r);
	free(r);
}

static void
timeline_widens(void **state)
{
	struct report *r = fresh();
	char buf[1024];

	(void)state;
	line(r, ALERT("2026-11-23T04:20:00.0+0000", 1, 1610001, 2, "a.ml"), 1);
	line(r, ALERT("2026-11-23T04:20:00.5+0000", 1, 1610101, 1, "a.ml"), 2);
	assert_int_equal(r->timeline->width, 1);
	/* Two days later, then a day before: buckets widen, none is lost. */
	line(r, ALERT("2026-11-25T04:20:00.0+0000", 1, 1610001, 2, "a.ml"), 3);
	line(r, ALERT("2026-11-22T04:20:00.0+0000", 1, 1610001, 3, "a.ml"), 4);
	uint64_t total = 0, sev1 = 0;
	for (uint32_t i = 0; i < REPORT_TIMELINE; i++) {
		for (int s = 0; s < REPORT_SEVERITIES; s++)
			total += r->timeline->n[i][s];
		sev1 += r->timeline->n[i][1];
	}
	assert_int_equal(total, 4);
	assert_int_equal(sev1, 1);
	assert_true(r->timeline->width >= 60);
	assert_true((uint64_t)r->timeline->width * REPORT_TIMELINE >= 3 * 86400);
	assert_true(report_timeline_width(r->timeline, 120) * 120ULL >= 3 * 86400);
	/* Timestamps that cannot be read are not counted, and no crash. */
	snprintf(buf, sizeof(buf), "%s", ALERT("9999-12-31T23:59:59.0+0000", 1,
	    1610001, 2, "a.ml"));
	line(r, buf, 5);
	line(r, ALERT("0001-01-01T00:00:00.0+0000", 1, 1610001, 2, "a.ml"), 6);
	report_free(r);
	free(r);
}

static void
reader(void **state)
{
	struct report *r = fresh();
	char err[128];
	int p[2];
	size_t big = REPORT_LINE_MAX + 10;
	char *huge = malloc(big);

	(void)state;
	assert_non_null(huge);
	memset(huge, 'x', big);
	huge[big - 1] = '\n';
	FILE *f = tmpfile();
	assert_non_null(f);
	fputs("\n", f);							/* 1 */
	fputs("not json\n", f);						/* 2 */
	fputs("{\"event_type\":\"flow\"}\r\n", f);			/* 3 */
	fwrite(huge, 1, big, f);					/* 4 */
	fputs("{\"event_type\":\"alert\",\"alert\":{\"gid\":1,"
	    "\"signature_id\":2013028}}\n", f);				/* 5 */
	fputs("{\"timestamp\":\"2026-11-23T04:20:00.0+0000\",\"event_type\":"
	    "\"stats\"}", f);						/* 6 */
	fflush(f);
	rewind(f);
	(void)p;
	assert_int_equal(report_read_fd(r, fileno(f), 0, err, sizeof(err)), 0);
	fclose(f);
	free(huge);
	assert_int_equal(r->lines, 6);
	assert_int_equal(r->records, 1);
	assert_int_equal(r->by_type[3], 1);
	assert_int_equal(r->not_json, 1);
	assert_int_equal(r->foreign, 2);
	assert_int_equal(r->too_long, 1);
	assert_int_equal(r->nbad, 4);
	assert_int_equal(r->bad[0].line, 2);
	assert_int_equal(r->bad[1].line, 3);
	assert_string_equal(r->bad[1].why, "not typosentry's: event_type flow");
	assert_int_equal(r->bad[2].line, 4);
	assert_int_equal(r->bad[3].line, 5);
	assert_non_null(strstr(r->bad[3].why, "1:2013028"));
	report_free(r);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(topn_exact_then_bounded),
		cmocka_unit_test(incidents_and_order),
		cmocka_unit_test(many_incidents_bounded),
		cmocka_unit_test(timeline_widens),
		cmocka_unit_test(reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
