/*
 * service.c — daemon, pidfile, privilege separation.
 *
 * The order follows OpenSMTPD's: everything that needs root (capture
 * handles, the EVE file, the syslog socket, the pidfile) is opened first,
 * then setgroups/setresgid/setresuid, and every step is checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "service.h"

int
service_daemonize(char *err, size_t errlen)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		_exit(0);
	if (setsid() < 0) {
		snprintf(err, errlen, "setsid: %s", strerror(errno));
		return -1;
	}
	/* The session leader exits: we can never get a terminal back. */
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0) {
		snprintf(err, errlen, "chdir /: %s", strerror(errno));
		return -1;
	}
	if ((fd = open("/dev/null", O_RDWR)) < 0) {
		snprintf(err, errlen, "/dev/null: %s", strerror(errno));
		return -1;
	}
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* The PID in path, or 0. */
static long
pidfile_read(const char *path)
{
	char buf[32];
	long pid = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		pid = strtol(buf, NULL, 10);
	}
	return pid > 0 && pid <= INT_MAX ? pid : 0;
}

int
service_pidfile_write(const char *path, char *err, size_t errlen)
{
	char buf[32];
	long old = pidfile_read(path);

	if (old != 0 && old != (long)getpid() &&
	    (kill((pid_t)old, 0) == 0 || errno == EPERM)) {
		snprintf(err, errlen, "%s: typosentry is already running as "
		    "PID %ld", path, old);
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

void
service_pidfile_remove(const char *path)
{
	if (path != NULL && pidfile_read(path) == (long)getpid())
		(void)unlink(path);
}

/* A user or group given by name or by number. */
static int
parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || *out >= UINT_MAX ? -1 : 0;
}

static int
set_caps(uint64_t keep, char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data) != 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	/* Check what we got. */
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0) {
		snprintf(err, errlen, "capget: %s", strerror(errno));
		return -1;
	}
	uint64_t eff = data[0].effective | (uint64_t)data[1].effective << 32;
	uint64_t prm = data[0].permitted | (uint64_t)data[1].permitted << 32;
	uint64_t inh = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	if (eff != keep || prm != keep || inh != 0) {
		snprintf(err, errlen, "capabilities not as asked after the "
		    "change (effective %llx, permitted %llx)",
		    (unsigned long long)eff, (unsigned long long)prm);
		return -1;
	}
	return 0;
}

int
service_lookup_ids(const char *user, const char *group, uid_t *uid,
    gid_t *gid, char *err, size_t errlen)
{
	unsigned long n;

	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (pw != NULL) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else if (parse_id(user, &n) == 0) {
		*uid = (uid_t)n;
		*gid = (gid_t)n;
	} else {
		snprintf(err, errlen, "unknown user '%s'", user);
		return -1;
	}
	if (group != NULL) {
		struct group *gr = getgrnam(group);
		if (gr != NULL)
			*gid = gr->gr_gid;
		else if (parse_id(group, &n) == 0)
			*gid = (gid_t)n;
		else {
			snprintf(err, errlen, "unknown group '%s'", group);
			return -1;
		}
	}
	return 0;
}

int
service_drop_privileges(const char *user, const char *group,
    bool keep_capture, char *err, size_t errlen)
{
	uint64_t keep = keep_capture ?
	    (1ULL << CAP_NET_RAW) | (1ULL << CAP_NET_ADMIN) : 0;
	uid_t uid;
	gid_t gid;

	if (service_lookup_ids(user, group, &uid, &gid, err, errlen) != 0)
		return -1;
	if (geteuid() != 0) {
		snprintf(err, errlen, "-u/-g need root (running as uid %u)",
		    (unsigned)geteuid());
		return -1;
	}

	/* Capabilities beyond capture can never come back (bounding set). */
	for (int cap = 0; cap < 64; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 &&
		    errno != EINVAL) {
			snprintf(err, errlen, "dropping capability %d: %s", cap,
			    strerror(errno));
			return -1;
		}
	}
	if (keep != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
		return -1;
	}
	if (setgroups(1, &gid) != 0) {
		snprintf(err, errlen, "setgroups: %s", strerror(errno));
		return -1;
	}
	if (setresgid(gid, gid, gid) != 0) {
		snprintf(err, errlen, "setresgid(%u): %s", (unsigned)gid,
		    strerror(errno));
		return -1;
	}
	if (setresuid(uid, uid, uid) != 0) {
		snprintf(err, errlen, "setresuid(%u): %s", (unsigned)uid,
		    strerror(errno));
		return -1;
	}

	/* Verify: every id changed, and root's cannot be taken back. */
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
	    ru != uid || eu != uid || su != uid ||
	    rg != gid || eg != gid || sg != gid) {
		snprintf(err, errlen, "user and group ids did not all change");
		return -1;
	}
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen, "could become root again after setresuid");
		return -1;
	}
	if (gid != 0 && (setgid(0) == 0 || setegid(0) == 0)) {
		snprintf(err, errlen, "could take group 0 again after setresgid");
		return -1;
	}
	if (set_caps(keep, err, errlen) != 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "prctl: %s", strerror(errno));
		return -1;
	}
	return 0;
}

const char *
service_absolute_path(const char *path, char **keep)
{
	char cwd[4096];

	if (path == NULL || path[0] == '/' || strcmp(path, "-") == 0 ||
	    getcwd(cwd, sizeof(cwd)) == NULL)
		return path;
	size_t n = strlen(cwd) + strlen(path) + 2;
	if ((*keep = malloc(n)) == NULL)
		return path;
	snprintf(*keep, n, "%s/%s", cwd, path);
	return *keep;
}

const char *
service_dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return ".";
	snprintf(buf, size, "%.*s", slash == path ? 1 : (int)(slash - path),
	    path);
	return buf;
}
