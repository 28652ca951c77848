/*
 * sandbox.c — Landlock (Documentation/userspace-api/landlock.rst).
 *
 * glibc has no wrappers for the three system calls, so they are made
 * with syscall(2).  The access rights handled are those of ABI 3 (the
 * file system, truncation included) as far as the kernel knows them: any
 * of them not granted by a rule is denied.  Reading and executing the
 * shared libraries already mapped needs nothing; opening anything new
 * does.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset	444
#define SYS_landlock_add_rule		445
#define SYS_landlock_restrict_self	446
#endif

/* ABI 1, then what ABI 2 (REFER) and ABI 3 (TRUNCATE) added. */
#define FS_ABI1	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |	\
	LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |	\
	LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |	\
	LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |	\
	LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |	\
	LANDLOCK_ACCESS_FS_MAKE_SYM)
#define FS_REFER	(1ULL << 13)	/* LANDLOCK_ACCESS_FS_REFER */
#define FS_TRUNCATE	(1ULL << 14)	/* LANDLOCK_ACCESS_FS_TRUNCATE */
/* The rights that make sense on a file rather than a directory. */
#define FS_FILE	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | FS_TRUNCATE)

static uint64_t
rights(unsigned allow)
{
	uint64_t r = 0;

	if (allow & SANDBOX_READ)
		r |= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	if (allow & SANDBOX_WRITE)
		r |= LANDLOCK_ACCESS_FS_WRITE_FILE |
		    LANDLOCK_ACCESS_FS_MAKE_REG | FS_TRUNCATE;
	if (allow & SANDBOX_REMOVE)
		r |= LANDLOCK_ACCESS_FS_REMOVE_FILE;
	return r;
}

int
sandbox_enter(const struct sandbox_rule *rules, size_t n, char *err,
    size_t errlen)
{
	struct landlock_ruleset_attr attr;
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	int rs;

	if (abi < 0) {
		if (errno == ENOSYS || errno == EOPNOTSUPP)
			return 0;		/* not built in, or disabled */
		snprintf(err, errlen, "landlock: %s", strerror(errno));
		return -1;
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = FS_ABI1;
	if (abi >= 2)
		attr.handled_access_fs |= FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= FS_TRUNCATE;
	rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (rs < 0) {
		snprintf(err, errlen, "landlock_create_ruleset: %s",
		    strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct landlock_path_beneath_attr pb;
		struct stat st;
		int fd = open(rules[i].path, O_PATH | O_CLOEXEC);

		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 || fstat(fd, &st) != 0) {
			snprintf(err, errlen, "%s: %s", rules[i].path,
			    strerror(errno));
			if (fd >= 0)
				close(fd);
			close(rs);
			return -1;
		}
		memset(&pb, 0, sizeof(pb));
		pb.parent_fd = fd;
		pb.allowed_access = rights(rules[i].allow) &
		    attr.handled_access_fs;
		if (!S_ISDIR(st.st_mode))
			pb.allowed_access &= FS_FILE;
		if (pb.allowed_access != 0 && syscall(SYS_landlock_add_rule, rs,
		    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0) {
			snprintf(err, errlen, "%s: landlock_add_rule: %s",
			    rules[i].path, strerror(errno));
			close(fd);
			close(rs);
			return -1;
		}
		close(fd);
	}
	/* Required without CAP_SYS_ADMIN; -u sets it already. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_landlock_restrict_self, rs, 0) != 0) {
		snprintf(err, errlen, "landlock_restrict_self: %s",
		    strerror(errno));
		close(rs);
		return -1;
	}
	close(rs);
	return (int)abi;
}
