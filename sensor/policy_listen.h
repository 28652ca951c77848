/*
 * policy_listen.h — the policy service's listening socket
 * (policy_listen.c).
 */
#ifndef TS_POLICY_LISTEN_H
#define TS_POLICY_LISTEN_H

#include <stddef.h>

/*
 * Listens on addr ("unix:/path" or "inet:HOST:PORT"), non-blocking:
 * the socket, or -1 with a message naming the address in err.  For a
 * unix socket *unix_path gets a copy of its path (to remove at exit).
 */
int policy_listen(char **unix_path, const char *addr, char *err,
    size_t errlen);

#endif
