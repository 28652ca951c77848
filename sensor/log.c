/*
 * log.c — where typosentry's own messages go.
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static bool to_syslog;
static bool to_stderr = true;

void
ts_log_to_syslog(bool on)
{
	to_syslog = on;
}

void
ts_log_to_stderr(bool on)
{
	to_stderr = on;
}

void
ts_log(int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (to_stderr)
		fprintf(stderr, "typosentry: %s\n", msg);
	if (to_syslog)
		syslog(LOG_DAEMON | level, "%s", msg);
}
