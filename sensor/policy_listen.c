/*
 * policy_listen.c — the policy service's listening socket, from an
 * address as Postfix writes it: "unix:/path" (a stale socket left by a
 * previous run is replaced; a live one is an error) or "inet:HOST:PORT"
 * ("[::1]:10040" for IPv6).
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "policy_listen.h"

static int
open_unix(char **unix_path, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (path[0] == '\0' || strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "unix:%s: give a path of 1 to %zu bytes",
		    path, sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "unix:%s exists and is not a "
			    "socket", path);
			close(fd);
			return -1;
		}
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sun,
		    sizeof(sun)) == 0) {
			close(probe);
			snprintf(err, errlen, "unix:%s: another process is "
			    "listening there", path);
			close(fd);
			return -1;
		}
		if (probe >= 0)
			close(probe);
		(void)unlink(path);
	}
	/*
	 * Postfix's smtpd (user postfix) must be able to connect: the socket
	 * is made 0666, as Postfix makes its own in private/; the directory
	 * it is in decides who reaches it.
	 */
	mode_t old = umask(0111);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc != 0 || listen(fd, SOMAXCONN) != 0) {
		snprintf(err, errlen, "unix:%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if ((*unix_path = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return -1;
	}
	return fd;
}

static int
open_inet(const char *spec, char *err, size_t errlen)
{
	char host[256];
	const char *port;
	struct addrinfo hints, *res = NULL;
	int fd = -1, one = 1, gai;

	if (spec[0] == '[') {
		const char *close_br = strchr(spec, ']');
		if (close_br == NULL || close_br[1] != ':' ||
		    (size_t)(close_br - spec - 1) >= sizeof(host)) {
			snprintf(err, errlen, "inet:%s: expected [ADDRESS]:PORT",
			    spec);
			return -1;
		}
		memcpy(host, spec + 1, (size_t)(close_br - spec - 1));
		host[close_br - spec - 1] = '\0';
		port = close_br + 2;
	} else {
		const char *colon = strrchr(spec, ':');
		if (colon == NULL || (size_t)(colon - spec) >= sizeof(host)) {
			snprintf(err, errlen, "inet:%s: expected HOST:PORT",
			    spec);
			return -1;
		}
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
		port = colon + 1;
	}
	if (port[0] == '\0' || strspn(port, "0123456789") != strlen(port) ||
	    strlen(port) > 5 || atoi(port) < 1 || atoi(port) > 65535) {
		snprintf(err, errlen, "inet:%s: '%s' is not a port (1-65535)",
		    spec, port);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((gai = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints,
	    &res)) != 0) {
		snprintf(err, errlen, "inet:%s: %s", spec, gai_strerror(gai));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, res->ai_protocol);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		snprintf(err, errlen, "inet:%s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
policy_listen(char **unix_path, const char *addr, char *err,
    size_t errlen)
{
	if (strncmp(addr, "unix:", 5) == 0)
		return open_unix(unix_path, addr + 5, err, errlen);
	if (strncmp(addr, "inet:", 5) == 0)
		return open_inet(addr + 5, err, errlen);
	snprintf(err, errlen, "'%s': give unix:/path/to/socket or "
	    "inet:HOST:PORT", addr);
	return -1;
}
