/*
 * policy_proto.h — Postfix's SMTP access policy delegation protocol, the
 * server side: requests are "name=value" lines ended by an empty line;
 * the reply is "action=..." and an empty line; a connection carries many
 * requests, one after the other (SMTPD_POLICY_README).
 *
 * The input of one connection is a buffer that grows up to the request
 * size cap (policy.max-request-size).  A request that does not end within
 * the cap is skipped up to its empty line without being kept, so memory
 * stays bounded whatever a client sends; the caller answers it DUNNO.
 * No I/O here: the service reads into policy_input_room() and writes what
 * policy_reply() formats, and the fuzz target drives the same functions.
 */
#ifndef TS_POLICY_PROTO_H
#define TS_POLICY_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A value of the request: borrowed from the input buffer, not NUL-ended. */
struct policy_value {
	const char	*p;
	size_t		 len;
	bool		 set;
};

struct policy_request {
#define X(name) struct policy_value name;
#include "policy_attrs.def"
#undef X
	unsigned	 nattrs;	/* lines, known or not */
};

struct policy_input {
	char		*buf;
	size_t		 len;		/* bytes held */
	size_t		 cap;		/* bytes allocated */
	size_t		 max;		/* the request size cap */
	size_t		 scan;		/* searched for the end so far */
	size_t		 done;		/* the request handed out last */
	bool		 skipping;	/* an oversized request, to its end */
	bool		 line_start;	/* skipping: the last byte ended a line */
	size_t		 skipped;	/* skipping: its bytes so far */
};

enum policy_next {
	POLICY_NEED_MORE,	/* no complete request yet */
	POLICY_REQUEST,		/* *r is a well-formed request */
	POLICY_MALFORMED,	/* a complete request, not well formed: err */
	POLICY_OVERSIZED,	/* a request over the cap ended: err */
};

/* An empty input for requests of at most max bytes. */
void policy_input_init(struct policy_input *in, size_t max);
void policy_input_free(struct policy_input *in);

/*
 * Where the next bytes read go, and how many fit (at least 1; the buffer
 * grows as needed, up to the cap).  NULL when no memory is left.
 */
char *policy_input_room(struct policy_input *in, size_t *room);

/* n bytes were written at policy_input_room(). */
void policy_input_added(struct policy_input *in, size_t n);

/*
 * The next request: call until POLICY_NEED_MORE.  The values in *r stay
 * valid until the next call.  err gets a message for MALFORMED and
 * OVERSIZED ("line 3: no '=' in 'foo'").
 */
enum policy_next policy_input_next(struct policy_input *in,
    struct policy_request *r, char *err, size_t errlen);

/* Bytes held that belong to no request handed out yet. */
size_t policy_input_pending(const struct policy_input *in);

/*
 * Parses one whole request (its lines, the ending empty line optional);
 * the values point into text.  Returns 0, or -1 with a message in err.
 */
int policy_parse(const char *text, size_t len, struct policy_request *r,
    char *err, size_t errlen);

/*
 * "action=ACTION\n\n" into out, ACTION with line breaks and other control
 * bytes replaced; returns the length (always < outsize; 0 when it does
 * not fit at all).
 */
size_t policy_reply(const char *action, char *out, size_t outsize);

#endif
