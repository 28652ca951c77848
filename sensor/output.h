/*
 * output.h — where EVE lines go: a file appended to, or standard output;
 * as EVE JSON, or as one readable line per record (eve_line.h).
 */
#ifndef TS_OUTPUT_H
#define TS_OUTPUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "eve_reader.h"

/* Write errors are reported at most once per this many seconds. */
#define OUTPUT_ERROR_INTERVAL	60
/* At exit, how long records held for a slow reader may wait for it. */
#define OUTPUT_DRAIN_SECONDS	5

struct redis_out;

struct output {
	int		 fd;		/* -1 when EVE output is off */
	struct redis_out *redis;	/* records also to Redis; NULL: not */
	/* Workers write whole records one at a time (the state below too). */
	pthread_mutex_t	 lock;
	char		*path;		/* DIR/eve.json; "-" for standard output */
	bool		 owned;		/* we opened it and must close it */
	bool		 failing;	/* the last write failed */
	uint64_t	 unreported;	/* failures since the last message */
	time_t		 reported_at;	/* monotonic seconds of that message */
	/*
	 * Live (output_never_block()), a pipe, FIFO, terminal or socket is
	 * written without blocking: what
	 * its reader has not taken yet waits here, up to max_pending bytes
	 * (output.max-pending); past that, records are dropped and counted
	 * (output_write() fails), so a reader that stops never stops
	 * capture.  A regular file is written as it comes.
	 */
	bool		 want_nonblock;	/* output_never_block() was called */
	bool		 nonblock;
	bool		 socket;	/* sendmsg() with MSG_DONTWAIT */
	char		*pend;
	size_t		 pend_len, pend_off, pend_cap, max_pending;
	/* Line format: each record read back and told in a line. */
	struct eve_doc	*doc;		/* NULL: EVE JSON as given */
	char		*line;
};

/* Where the line format goes in a log directory (Suricata's name). */
#define OUTPUT_LINE_FILE	"fast.log"

/*
 * Opens DIR/eve.json for appending (dir != NULL) or standard output.
 * Returns 0, or -1 with a message in err.
 */
int output_open(struct output *o, const char *dir, char *err, size_t errlen);

/*
 * The same, in the line format (line true): DIR/fast.log, or standard
 * output, gets one line per record instead of its JSON.
 */
int output_open_format(struct output *o, const char *dir, bool line,
    char *err, size_t errlen);

/* EVE output off: every write succeeds and goes nowhere. */
void output_open_none(struct output *o);

/*
 * Writes one record (EVE JSON; in the line format its line) and a newline in one system call, so that an alert
 * reaches the file at once and a reader never sees half of a line.
 * Returns 0, or -1: the caller counts every failure; the first one, and
 * then one per OUTPUT_ERROR_INTERVAL, is reported with the number of
 * failures since.  A record cut short by a full disk is taken back out
 * of the file, so the lines already there stay whole and the next one
 * starts on a line of its own.
 */
int output_write(struct output *o, const char *line, size_t len);

/*
 * From now on a pipe, FIFO, terminal or socket is written without
 * blocking (capture that cannot wait: live, or a stream on standard
 * input); a regular file is left as it is.  Before the sandbox (it may
 * open /proc/self/fd/N).  Returns 0.
 */
int output_never_block(struct output *o);

/*
 * Records held for a slow reader go on if it has room now (called from
 * the housekeeping of the loops, so that they leave while no new record
 * comes).
 */
void output_flush(struct output *o);

/* output.max-pending: bytes held for a slow reader (default 4 MiB). */
void output_set_max_pending(struct output *o, size_t bytes);

/* Records also go to r (output.redis; NULL: not) from now on. */
void output_set_redis(struct output *o, struct redis_out *r);

/*
 * Opens DIR/eve.json (or DIR/fast.log) anew (SIGHUP: logrotate has moved the old file).  On
 * failure the old file stays in use and -1 is returned with a message in
 * err.  dir NULL: standard output, nothing to do.
 */
int output_reopen(struct output *o, const char *dir, char *err,
    size_t errlen);

/*
 * Closes; records still held for a slow reader get OUTPUT_DRAIN_SECONDS
 * to leave, then are dropped and said.
 */
void output_close(struct output *o);

#endif
