/*
 * sandbox.h — after start-up, the file system the sensor may still use.
 *
 * Once captures, outputs and privileges are settled, a running sensor
 * needs to create and write its EVE file in its log directory (SIGHUP
 * after logrotate), read its configuration and the Public Suffix List
 * (SIGHUP reload), read the capture files still to come, read interface
 * counters under /sys (live), and remove its pidfile at exit.  Nothing
 * else: sandbox_enter() makes that the rule with Landlock (Linux 5.13 and
 * later), for the process and anything it would start.  A parser bug
 * turned into code execution then still cannot read /etc/shadow, write
 * a cron job or plant a file outside the log directory.
 */
#ifndef TS_SANDBOX_H
#define TS_SANDBOX_H

#include <stddef.h>

/* What a rule allows under its path (a directory: the whole tree). */
#define SANDBOX_READ	0x1	/* open files for reading, list directories */
#define SANDBOX_WRITE	0x2	/* create, write and truncate regular files */
#define SANDBOX_REMOVE	0x4	/* unlink files */

struct sandbox_rule {
	const char	*path;	/* a missing path is skipped */
	unsigned	 allow;	/* SANDBOX_* */
};

/*
 * Allows only what the rules say, from now on and irrevocably.  Returns
 * the Landlock ABI version in force (1 or more), 0 when the kernel has no
 * Landlock (nothing is restricted), or -1 with a message in err.
 */
int sandbox_enter(const struct sandbox_rule *rules, size_t n, char *err,
    size_t errlen);

#endif
