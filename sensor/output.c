/*
 * output.c — EVE file and standard-output sinks.
 *
 * The file is opened with O_APPEND and never truncated, so a restart or a
 * second run adds to what is there, and logrotate can move it away: on
 * SIGHUP output_reopen() creates a new one.  Each record is written with
 * a single writev() of the line and its newline.  In the line format the
 * file is fast.log and each record is first read back (eve_reader.h) and
 * told in one line (eve_line.h).
 *
 * Standard output (or an eve.json that is a FIFO) is often a pipe to
 * another program.  Reading a capture file, a slow reader slows the
 * replay and nothing is lost; capturing live (or from a stream on
 * standard input), it is written without blocking (output_never_block()),
 * through a file description of our own (/proc/self/fd/1 opened again,
 * so the shell's stays as it was), and what the reader cannot take yet is
 * held, up to a bound: a reader that stops costs records, counted, never
 * the capture.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "eve_line.h"
#include "log.h"
#include "output.h"
#include "redis_out.h"

/* The longest line of the line format (a record with many recipients is
 * cut there). */
#define LINE_MAX_LEN	8192

/* output.max-pending's default. */
#define OUTPUT_MAX_PENDING	(4u << 20)

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

/*
 * fd is not a regular file: write it without blocking.  A pipe, FIFO or
 * terminal gets a file description of its own (opened again through
 * /proc, so that O_NONBLOCK does not reach the shell's, which it shares);
 * a socket is written with MSG_DONTWAIT.  Returns the fd to use.
 */
static int
unblock(struct output *o, int fd, bool ours)
{
	struct stat st;
	char path[64];
	int nfd;

	o->nonblock = o->socket = false;
	if (fstat(fd, &st) != 0 || S_ISREG(st.st_mode))
		return fd;
	if (S_ISSOCK(st.st_mode)) {
		o->nonblock = o->socket = true;
		return fd;
	}
	if (ours) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0)
			o->nonblock = true;
		return fd;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY |
	    (S_ISFIFO(st.st_mode) ? 0 : O_APPEND));
	if (nfd < 0)
		return fd;	/* no /proc: blocking, as before */
	o->nonblock = true;
	o->owned = true;
	return nfd;
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
	o->max_pending = OUTPUT_MAX_PENDING;
	pthread_mutex_init(&o->lock, NULL);
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
	pthread_mutex_init(&o->lock, NULL);
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
	pthread_mutex_lock(&o->lock);
	/* What the old file's reader has not taken goes to the new one. */
	close(o->fd);
	free(o->path);
	o->fd = o->want_nonblock ? unblock(o, fd, true) : fd;
	o->path = path;
	pthread_mutex_unlock(&o->lock);
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

/*
 * One try to write iov without blocking: the bytes written (0 when the
 * reader has no room), or -1 with errno.
 */
static ssize_t
try_write(struct output *o, struct iovec *iov, int n)
{
	for (;;) {
		ssize_t r;
		if (o->socket) {
			struct msghdr m;
			memset(&m, 0, sizeof(m));
			m.msg_iov = iov;
			m.msg_iovlen = (size_t)n;
			r = sendmsg(o->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
		} else
			r = writev(o->fd, iov, n);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -1;
	}
}

/* Sends what is held as far as the reader takes it: 0, or -1 (errno). */
static int
flush_pending(struct output *o)
{
	while (o->pend_off < o->pend_len) {
		struct iovec iov = { o->pend + o->pend_off,
		    o->pend_len - o->pend_off };
		ssize_t r = try_write(o, &iov, 1);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		o->pend_off += (size_t)r;
	}
	o->pend_len = o->pend_off = 0;
	return 0;
}

/* Holds the bytes of iov the reader did not take (skip of them went). */
static int
hold(struct output *o, const struct iovec *iov, int n, size_t skip)
{
	size_t need = 0;

	for (int i = 0; i < n; i++)
		need += iov[i].iov_len;
	need -= skip;
	if (o->pend_off > 0) {
		memmove(o->pend, o->pend + o->pend_off,
		    o->pend_len - o->pend_off);
		o->pend_len -= o->pend_off;
		o->pend_off = 0;
	}
	if (o->pend_len + need > o->pend_cap) {
		size_t cap = o->pend_cap > 0 ? o->pend_cap : 65536;
		while (cap < o->pend_len + need)
			cap *= 2;
		char *p = realloc(o->pend, cap);
		if (p == NULL)
			return -1;
		o->pend = p;
		o->pend_cap = cap;
	}
	for (int i = 0; i < n; i++) {
		size_t len = iov[i].iov_len, off = 0;
		if (skip >= len) {
			skip -= len;
			continue;
		}
		off = skip;
		skip = 0;
		memcpy(o->pend + o->pend_len, (const char *)iov[i].iov_base + off,
		    len - off);
		o->pend_len += len - off;
	}
	return 0;
}

/* A record dropped for a reader that does not keep up: count and say. */
static void
stalled(struct output *o)
{
	time_t now = monotonic_seconds();

	o->unreported++;
	if (o->failing && now - o->reported_at < OUTPUT_ERROR_INTERVAL)
		return;
	if (!o->failing)
		ts_log(LOG_ERR, "%s: the reader is not keeping up (%zu bytes "
		    "held for it): EVE records are dropped and counted in "
		    "output_errors until it reads again", o->path,
		    o->pend_len - o->pend_off);
	else
		ts_log(LOG_ERR, "%s: the reader is not keeping up (%llu records "
		    "dropped in the last %d s)", o->path,
		    (unsigned long long)o->unreported, OUTPUT_ERROR_INTERVAL);
	o->failing = true;
	o->unreported = 0;
	o->reported_at = now;
}

/*
 * A record to a pipe, terminal or socket: after what is held, without
 * blocking; what does not go now is held, or the record dropped when the
 * hold is full.  Lines stay whole and in order.
 */
static int
write_nonblocking(struct output *o, struct iovec *iov, size_t total)
{
	if (o->pend_len > o->pend_off && flush_pending(o) != 0) {
		int err = errno;
		o->pend_len = o->pend_off = 0;
		write_failed(o, err);
		return -1;
	}
	if (o->pend_len > o->pend_off) {
		if (o->pend_len - o->pend_off + total > o->max_pending) {
			stalled(o);
			return -1;
		}
		if (hold(o, iov, 2, 0) != 0) {
			write_failed(o, ENOMEM);
			return -1;
		}
		return 0;
	}
	ssize_t r = try_write(o, iov, 2);
	if (r < 0) {
		write_failed(o, errno);
		return -1;
	}
	if ((size_t)r < total && hold(o, iov, 2, (size_t)r) != 0) {
		/* The start of the line went out: end it, so the next one
		 * starts on a line of its own. */
		struct iovec nl = { (void *)(uintptr_t)"\n", 1 };
		(void)try_write(o, &nl, 1);
		write_failed(o, ENOMEM);
		return -1;
	}
	if (o->failing) {
		ts_log(LOG_NOTICE, "%s: writes work again (%llu records dropped "
		    "since the last message)", o->path,
		    (unsigned long long)o->unreported);
		o->failing = false;
		o->unreported = 0;
	}
	return 0;
}

int
output_never_block(struct output *o)
{
	if (o->fd < 0)
		return 0;
	pthread_mutex_lock(&o->lock);
	o->want_nonblock = true;
	o->fd = unblock(o, o->fd, o->owned);
	pthread_mutex_unlock(&o->lock);
	return 0;
}

void
output_flush(struct output *o)
{
	if (o->fd < 0 || !o->nonblock)
		return;
	pthread_mutex_lock(&o->lock);
	if (o->pend_len > o->pend_off && flush_pending(o) != 0) {
		int err = errno;
		o->pend_len = o->pend_off = 0;
		write_failed(o, err);
	}
	pthread_mutex_unlock(&o->lock);
}

void
output_set_max_pending(struct output *o, size_t bytes)
{
	pthread_mutex_lock(&o->lock);
	o->max_pending = bytes;
	pthread_mutex_unlock(&o->lock);
}

static int write_record(struct output *o, const char *line, size_t len);

int
output_write(struct output *o, const char *line, size_t len)
{
	/* A full spool is counted there (redis_out.h). */
	if (o->redis != NULL)
		(void)redis_out_push(o->redis, line, len);
	if (o->fd < 0)
		return 0;
	pthread_mutex_lock(&o->lock);
	int rc = write_record(o, line, len);
	pthread_mutex_unlock(&o->lock);
	return rc;
}

static int
write_record(struct output *o, const char *line, size_t len)
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
	if (o->nonblock)
		return write_nonblocking(o, iov, total);
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
output_set_redis(struct output *o, struct redis_out *r)
{
	o->redis = r;
}

/* At exit: what is held gets OUTPUT_DRAIN_SECONDS to leave. */
static void
drain(struct output *o)
{
	struct timespec t0, t;
	struct pollfd p = { .fd = o->fd, .events = POLLOUT };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (o->pend_len > o->pend_off) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long ms = (long)(t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= OUTPUT_DRAIN_SECONDS * 1000)
			break;
		if (poll(&p, 1, (int)(OUTPUT_DRAIN_SECONDS * 1000 - ms)) < 0 &&
		    errno != EINTR)
			break;
		if (flush_pending(o) != 0)
			break;
	}
	if (o->pend_len > o->pend_off) {
		const char *q = o->pend + o->pend_off, *end = o->pend + o->pend_len;
		unsigned long long lines = 0;
		for (; q < end; q++)
			lines += *q == '\n';
		ts_log(LOG_ERR, "%s: the reader took nothing for %d s: %llu "
		    "records held for it are dropped", o->path,
		    OUTPUT_DRAIN_SECONDS, lines);
	}
}

void
output_close(struct output *o)
{
	if (o->fd >= 0 && o->nonblock && o->pend_len > o->pend_off)
		drain(o);
	free(o->pend);
	if (o->owned && o->fd >= 0 && close(o->fd) != 0)
		ts_log(LOG_ERR, "%s: %s", o->path, strerror(errno));
	free(o->path);
	free(o->doc);
	free(o->line);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}
