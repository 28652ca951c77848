/*
 * test_output.c — the EVE file: appended to, never truncated; reopened
 * after logrotate moved it; a full disk (/dev/full, and a file size limit
 * that cuts a record in the middle) loses the record but never leaves
 * half a line; EVE off writes nothing; the line format goes to fast.log,
 * one line per record, and survives the reopen too.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../sensor/log.h"
#include "../../sensor/output.h"

static char dir[] = "/tmp/ts-test-output-XXXXXX";

static char *
slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	buf[0] = '\0';
	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void
path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void
append_and_reopen(void **state)
{
	struct output o;
	char err[256], eve[256], old[256];

	(void)state;
	path_of(eve, sizeof(eve), "eve.json");
	path_of(old, sizeof(old), "eve.json.1");
	FILE *f = fopen(eve, "w");
	fputs("{\"before\":1}\n", f);
	fclose(f);
	assert_int_equal(output_open(&o, dir, err, sizeof(err)), 0);
	assert_int_equal(output_write(&o, "{\"a\":1}", 7), 0);
	assert_string_equal(slurp(eve), "{\"before\":1}\n{\"a\":1}\n");
	/* logrotate moves the file; until the reopen records follow it. */
	assert_int_equal(rename(eve, old), 0);
	assert_int_equal(output_write(&o, "{\"b\":2}", 7), 0);
	assert_int_equal(output_reopen(&o, dir, err, sizeof(err)), 0);
	assert_int_equal(output_write(&o, "{\"c\":3}", 7), 0);
	assert_string_equal(slurp(old), "{\"before\":1}\n{\"a\":1}\n{\"b\":2}\n");
	assert_string_equal(slurp(eve), "{\"c\":3}\n");
	output_close(&o);
	unlink(eve);
	unlink(old);
}

static void
reopen_failure_keeps_old(void **state)
{
	struct output o;
	char err[256], eve[256];

	(void)state;
	path_of(eve, sizeof(eve), "eve.json");
	assert_int_equal(output_open(&o, dir, err, sizeof(err)), 0);
	assert_int_equal(output_reopen(&o, "/nonexistent-ts-dir", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent-ts-dir/eve.json"));
	assert_int_equal(output_write(&o, "{\"d\":4}", 7), 0);
	assert_string_equal(slurp(eve), "{\"d\":4}\n");
	output_close(&o);
	unlink(eve);
}

static void
dev_full(void **state)
{
	struct output o;
	char err[256], eve[256];

	(void)state;
	path_of(eve, sizeof(eve), "eve.json");
	assert_int_equal(symlink("/dev/full", eve), 0);
	assert_int_equal(output_open(&o, dir, err, sizeof(err)), 0);
	assert_int_equal(output_write(&o, "{\"e\":5}", 7), -1);
	assert_true(o.failing);
	assert_int_equal(output_write(&o, "{\"e\":6}", 7), -1);
	/* Reported once; the second failure waits for the next message. */
	assert_int_equal(o.unreported, 1);
	output_close(&o);
	unlink(eve);
}

static void
cut_short_is_taken_back(void **state)
{
	struct output o;
	struct rlimit old, lim;
	char err[256], eve[256], line[64];

	(void)state;
	path_of(eve, sizeof(eve), "eve.json");
	memset(line, 'x', sizeof(line));
	line[0] = '{';
	line[sizeof(line) - 1] = '}';
	assert_int_equal(output_open(&o, dir, err, sizeof(err)), 0);
	/* Room for one record and a half: the second write is cut. */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 100;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(output_write(&o, line, sizeof(line)), 0);
	assert_int_equal(output_write(&o, line, sizeof(line)), -1);
	setrlimit(RLIMIT_FSIZE, &old);
	struct stat st;
	assert_int_equal(stat(eve, &st), 0);
	assert_int_equal(st.st_size, sizeof(line) + 1);
	/* Writes work again, on a line of their own. */
	assert_int_equal(output_write(&o, "{\"f\":7}", 7), 0);
	assert_false(o.failing);
	const char *text = slurp(eve);
	assert_int_equal(strlen(text), sizeof(line) + 1 + 8);
	assert_string_equal(text + sizeof(line) + 1, "{\"f\":7}\n");
	output_close(&o);
	unlink(eve);
}

static void
eve_off(void **state)
{
	struct output o;

	(void)state;
	output_open_none(&o);
	assert_int_equal(output_write(&o, "{}", 2), 0);
	assert_int_equal(output_reopen(&o, dir, NULL, 0), 0);
	output_close(&o);
}

static int
setup(void **state)
{
	(void)state;
	ts_log_to_stderr(false);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

static void
line_format(void **state)
{
	struct output o;
	char err[256], fast[256], eve[256];

	(void)state;
	path_of(fast, sizeof(fast), OUTPUT_LINE_FILE);
	path_of(eve, sizeof(eve), "eve.json");
	unlink(eve);
	assert_int_equal(output_open_format(&o, dir, true, err, sizeof(err)), 0);
	const char *rec = "{\"timestamp\":\"2026-11-23T04:20:56.000001+0000\","
	    "\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\",\"src_port\":1,"
	    "\"dest_ip\":\"192.0.2.53\",\"dest_port\":53,\"proto\":\"UDP\","
	    "\"alert\":{\"gid\":1,\"signature_id\":1610001,\"rev\":1,"
	    "\"severity\":2,\"signature\":\"S\"}}";
	assert_int_equal(output_write(&o, rec, strlen(rec)), 0);
	assert_int_equal(output_reopen(&o, dir, err, sizeof(err)), 0);
	/* Not a record of ours: written as it came, nothing is lost. */
	assert_int_equal(output_write(&o, "not json", 8), 0);
	assert_string_equal(slurp(fast), "2026-11-23 04:20:56.000001  "
	    "[1:1610001:1] sev 2  UDP 192.0.2.1:1 -> 192.0.2.53:53  S\n"
	    "not json\n");
	assert_int_equal(access(eve, F_OK), -1);
	output_close(&o);
	unlink(fast);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_and_reopen),
		cmocka_unit_test(reopen_failure_keeps_old),
		cmocka_unit_test(dev_full),
		cmocka_unit_test(cut_short_is_taken_back),
		cmocka_unit_test(eve_off),
		cmocka_unit_test(line_format),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
