/*
 * service.h — running as a service: detaching, the pidfile, and dropping
 * privileges after the capture handles are open.
 */
#ifndef TS_SERVICE_H
#define TS_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Detaches from the terminal (fork, setsid, fork), moves to "/", and
 * points standard input, output and error at /dev/null.  Returns 0 in the
 * daemon (the parents exit 0), or -1 with err set (still attached).
 */
int service_daemonize(char *err, size_t errlen);

/*
 * Writes our PID to path.  A pidfile naming another running process is an
 * error ("already running"); a stale one is replaced.
 */
int service_pidfile_write(const char *path, char *err, size_t errlen);

/* Removes path if it still holds our PID (best effort). */
void service_pidfile_remove(const char *path);

/*
 * The ids of user (name or number) and group (name or number; NULL: the
 * user's primary group).  Returns 0, or -1 with "unknown user 'x'" in err.
 */
int service_lookup_ids(const char *user, const char *group, uid_t *uid,
    gid_t *gid, char *err, size_t errlen);

/*
 * Becomes user (name or number) and group (NULL: the user's primary
 * group): setgroups(), setresgid(), setresuid(), each checked, then checks
 * that none of root's ids can be taken back.  Every capability is dropped
 * (bounding set included) except, when keep_capture is true, CAP_NET_RAW
 * and CAP_NET_ADMIN, so that an interface that went away can be opened
 * again.  Any failure is reported in err and must be fatal.
 */
int service_drop_privileges(const char *user, const char *group,
    bool keep_capture, char *err, size_t errlen);

/*
 * path made absolute against the current directory (a daemon runs in
 * "/"): path itself when already absolute, NULL or "-", else a copy the
 * caller frees through *keep.
 */
const char *service_absolute_path(const char *path, char **keep);

/* The directory part of path ("." for none), into buf of size bytes. */
const char *service_dir_of(const char *path, char *buf, size_t size);

#endif
