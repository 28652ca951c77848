/*
 * output.c — EVE file and standard-output sinks.
 *
 * The file is opened with O_APPEND and never truncated, so a restart or a
 * second run adds to what is there, and logrotate can move it away: on
 * SIGHUP output_reopen() creates a new one.  Each record is written with
 * a single writev() of the line and its newline.  In the line format the
 * file is fast.log and each record is first read back (eve_reader.h) and
 * told in one line (eve_line.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "eve_line.h"
#include "log.h"
#include "output.h"

/* The longest line of the line format (a record with many recipients is
 * cut there). */
#define LINE_MAX_LEN	8192

static time_t
monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static char *
log_path(const char *dir, bool line)
{
	const char *name = line ? OUTPUT_LINE_FILE : "eve.json";
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int
open_append(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY, 0640);
}

int
output_open(struct output *o, const char *dir, char *err, size_t errlen)
{
	return output_open_format(o, dir, false, err, errlen);
}

int
output_open_format(struct output *o, const char *dir, bool line, char *err,
    size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (line && ((o->doc = malloc(sizeof(*o->doc))) == NULL ||
	    (o->line = malloc(LINE_MAX_LEN)) == NULL)) {
		free(o->doc);
		o->doc = NULL;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (dir == NULL) {
		o->fd = STDOUT_FILENO;
		if ((o->path = strdup("-")) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		return 0;
	}
	if ((o->path = log_path(dir, o->doc != NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((o->fd = open_append(o->path)) < 0) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		goto fail;
	}
	o->owned = true;
	return 0;
fail:
	free(o->path);
	free(o->doc);
	free(o->line);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	return -1;
}

void
output_open_none(struct output *o)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

int
output_reopen(struct output *o, const char *dir, char *err, size_t errlen)
{
	char *path;
	int fd;

	if (dir == NULL || o->fd < 0 || !o->owned)
		return 0;
	if ((path = log_path(dir, o->doc != NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((fd = open_append(path)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	close(o->fd);
	free(o->path);
	o->fd = fd;
	o->path = path;
	return 0;
}

/* A failed write: count it for the next message, report if due. */
static void
write_failed(struct output *o, int err)
{
	time_t now = monotonic_seconds();

	o->unreported++;
	if (o->failing && now - o->reported_at < OUTPUT_ERROR_INTERVAL)
		return;
	if (!o->failing)
		ts_log(LOG_ERR, "%s: write error: %s (EVE records are dropped "
		    "and counted in output_errors until writes work again)",
		    o->path, strerror(err));
	else
		ts_log(LOG_ERR, "%s: write error: %s (%llu records dropped in "
		    "the last %d s)", o->path, strerror(err),
		    (unsigned long long)o->unreported, OUTPUT_ERROR_INTERVAL);
	o->failing = true;
	o->unreported = 0;
	o->reported_at = now;
}

int
output_write(struct output *o, const char *line, size_t len)
{
	struct iovec iov[2] = {
		{ (void *)(uintptr_t)line, len },
		{ (void *)(uintptr_t)"\n", 1 },
	};
	size_t total = len + 1, done = 0;
	int err = 0;

	if (o->fd < 0)
		return 0;
	/* Our own records always parse; anything else goes out as it is. */
	if (o->doc != NULL && eve_parse(o->doc, line, len) == 0) {
		len = eve_line_format(o->doc, o->line, LINE_MAX_LEN);
		iov[0].iov_base = o->line;
		iov[0].iov_len = len;
		total = len + 1;
	}
	while (done < total) {
		ssize_t r = writev(o->fd, iov, 2);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		if (r == 0) {
			err = EIO;
			break;
		}
		done += (size_t)r;
		/* Pipes may take a long line in pieces: write the rest. */
		for (int i = 0; i < 2; i++) {
			size_t take = (size_t)r < iov[i].iov_len ? (size_t)r :
			    iov[i].iov_len;
			iov[i].iov_base = (char *)iov[i].iov_base + take;
			iov[i].iov_len -= take;
			r -= (ssize_t)take;
		}
	}
	if (done == total) {
		if (o->failing) {
			ts_log(LOG_NOTICE, "%s: writes work again (%llu "
			    "records dropped since the last message)", o->path,
			    (unsigned long long)o->unreported);
			o->failing = false;
			o->unreported = 0;
		}
		return 0;
	}
	/*
	 * Part of the line went out (a full disk): take it back, so that
	 * the file holds whole lines only.  With O_APPEND the offset is just
	 * past what was written.
	 */
	struct stat st;
	if (done > 0 && fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t end = lseek(o->fd, 0, SEEK_CUR);
		if (end >= (off_t)done && ftruncate(o->fd, end - (off_t)done) != 0)
			ts_log(LOG_ERR, "%s: cannot remove a partial record: %s",
			    o->path, strerror(errno));
	}
	write_failed(o, err);
	return -1;
}

void
output_close(struct output *o)
{
	if (o->owned && o->fd >= 0 && close(o->fd) != 0)
		ts_log(LOG_ERR, "%s: %s", o->path, strerror(errno));
	free(o->path);
	free(o->doc);
	free(o->line);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}
