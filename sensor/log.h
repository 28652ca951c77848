/*
 * log.h — typosentry's own messages (not alerts): start-up problems,
 * interfaces going down, write errors, reloads.
 *
 * They go to standard error (which systemd's journal collects from a
 * foreground service), and also to syslog (facility daemon) once the
 * process runs as a daemon with standard error closed.
 */
#ifndef TS_LOG_H
#define TS_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* Send messages to syslog as well (after --daemon detaches). */
void ts_log_to_syslog(bool on);

/* Stop writing to standard error (it is /dev/null after --daemon). */
void ts_log_to_stderr(bool on);

/* "typosentry: MESSAGE" with level LOG_ERR, LOG_WARNING, LOG_NOTICE, ... */
void ts_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
