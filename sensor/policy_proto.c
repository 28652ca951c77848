/*
 * policy_proto.c — reading Postfix policy requests (policy_proto.h).
 *
 * Framing first, parsing second: the end of a request (an empty line) is
 * searched for incrementally, each byte once, and only a complete request
 * is parsed.  Lines end with "\n"; a "\r" before it is tolerated (a client
 * speaking CRLF), as is an empty line of "\r" alone.  A line without '=',
 * with an empty name, or with a NUL byte, a known attribute given twice,
 * or a request without request=smtpd_access_policy is malformed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_proto.h"

/* The buffer starts small and doubles up to the cap. */
#define INPUT_START	2048

void
policy_input_init(struct policy_input *in, size_t max)
{
	memset(in, 0, sizeof(*in));
	in->max = max;
}

void
policy_input_free(struct policy_input *in)
{
	free(in->buf);
	memset(in, 0, sizeof(*in));
}

/* Drops the request handed out last, keeping what follows it. */
static void
drop_done(struct policy_input *in)
{
	if (in->done == 0)
		return;
	memmove(in->buf, in->buf + in->done, in->len - in->done);
	in->len -= in->done;
	in->done = 0;
	in->scan = 0;
}

char *
policy_input_room(struct policy_input *in, size_t *room)
{
	drop_done(in);
	if (in->len == in->cap) {
		size_t ncap = in->cap == 0 ? INPUT_START : in->cap * 2;
		if (ncap > in->max)
			ncap = in->max;
		if (ncap <= in->cap) {
			/* Full at the cap: policy_input_next() skips. */
			*room = 0;
			return NULL;
		}
		char *nb = realloc(in->buf, ncap);
		if (nb == NULL) {
			*room = 0;
			return NULL;
		}
		in->buf = nb;
		in->cap = ncap;
	}
	*room = in->cap - in->len;
	return in->buf + in->len;
}

void
policy_input_added(struct policy_input *in, size_t n)
{
	in->len += n;
}

size_t
policy_input_pending(const struct policy_input *in)
{
	return in->skipping ? in->skipped + in->len : in->len - in->done;
}

/*
 * Skipping an oversized request: consumes buf up to its ending empty line
 * (then returns true) or all of it.
 */
static bool
skip(struct policy_input *in)
{
	for (size_t i = 0; i < in->len; i++) {
		char c = in->buf[i];
		if (c == '\r')
			continue;
		if (c == '\n' && in->line_start) {
			in->skipped += i + 1;
			memmove(in->buf, in->buf + i + 1, in->len - i - 1);
			in->len -= i + 1;
			in->skipping = false;
			return true;
		}
		in->line_start = c == '\n';
	}
	in->skipped += in->len;
	in->len = 0;
	return false;
}

/* The end of the request in buf (bytes through its empty line), or 0. */
static size_t
find_end(struct policy_input *in)
{
	while (in->scan < in->len) {
		const char *line = in->buf + in->scan;
		const char *nl = memchr(line, '\n', in->len - in->scan);
		if (nl == NULL)
			return 0;
		size_t n = (size_t)(nl - line);
		in->scan += n + 1;
		if (n == 0 || (n == 1 && line[0] == '\r'))
			return in->scan;
	}
	return 0;
}

enum policy_next
policy_input_next(struct policy_input *in, struct policy_request *r,
    char *err, size_t errlen)
{
	drop_done(in);
	if (in->skipping) {
		if (!skip(in))
			return POLICY_NEED_MORE;
		snprintf(err, errlen, "request of %zu bytes, over the cap of "
		    "%zu (policy.max-request-size)", in->skipped, in->max);
		in->skipped = 0;
		return POLICY_OVERSIZED;
	}
	size_t end = find_end(in);
	if (end == 0) {
		if (in->len < in->max)
			return POLICY_NEED_MORE;
		/* Full, and no end in sight: skip to the end, keep nothing. */
		in->skipping = true;
		in->line_start = in->buf[in->len - 1] == '\n';
		in->skipped = in->len;
		in->len = 0;
		in->scan = 0;
		return policy_input_next(in, r, err, errlen);
	}
	in->done = end;
	if (policy_parse(in->buf, end, r, err, errlen) != 0)
		return POLICY_MALFORMED;
	return POLICY_REQUEST;
}

static const struct {
	const char	*name;
	size_t		 len;
	size_t		 off;
} attrs[] = {
#define X(name) { #name, sizeof(#name) - 1, offsetof(struct policy_request, name) },
#include "policy_attrs.def"
#undef X
};

/* Up to 40 bytes of a line, for a message; control bytes as '?'. */
static void
quote(const char *p, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < size && i < 40; i++)
		out[o++] = (unsigned char)p[i] >= ' ' &&
		    (unsigned char)p[i] < 0x7f ? p[i] : '?';
	if (n > 40 && o + 4 < size) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

int
policy_parse(const char *text, size_t len, struct policy_request *r,
    char *err, size_t errlen)
{
	char q[64];
	unsigned lineno = 0;
	size_t at = 0;

	memset(r, 0, sizeof(*r));
	while (at < len) {
		const char *line = text + at;
		const char *nl = memchr(line, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - line) : len - at;
		at += n + (nl != NULL);
		lineno++;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			break;		/* the empty line: the end */
		if (memchr(line, '\0', n) != NULL) {
			snprintf(err, errlen, "line %u: a NUL byte", lineno);
			return -1;
		}
		const char *eq = memchr(line, '=', n);
		if (eq == NULL || eq == line) {
			quote(line, n, q, sizeof(q));
			snprintf(err, errlen, "line %u: %s in '%s'", lineno,
			    eq == NULL ? "no '='" : "no name before '='", q);
			return -1;
		}
		size_t nlen = (size_t)(eq - line);
		r->nattrs++;
		for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
			if (attrs[i].len != nlen ||
			    memcmp(attrs[i].name, line, nlen) != 0)
				continue;
			struct policy_value *v = (struct policy_value *)
			    (void *)((char *)r + attrs[i].off);
			if (v->set) {
				snprintf(err, errlen, "line %u: attribute '%s' "
				    "given twice", lineno, attrs[i].name);
				return -1;
			}
			v->p = eq + 1;
			v->len = n - nlen - 1;
			v->set = true;
			break;
		}
	}
	if (!r->request.set) {
		snprintf(err, errlen, "no request= attribute");
		return -1;
	}
	if (r->request.len != sizeof("smtpd_access_policy") - 1 ||
	    memcmp(r->request.p, "smtpd_access_policy", r->request.len) != 0) {
		quote(r->request.p, r->request.len, q, sizeof(q));
		snprintf(err, errlen, "request=%s: not an SMTPD access policy "
		    "request", q);
		return -1;
	}
	return 0;
}

size_t
policy_reply(const char *action, char *out, size_t outsize)
{
	size_t o = 0, n = strlen(action);

	if (outsize < sizeof("action=\n\n") + n) {
		if (outsize > 0)
			out[0] = '\0';
		return 0;
	}
	memcpy(out, "action=", 7);
	o = 7;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)action[i];
		out[o++] = c < ' ' || c == 0x7f ? ' ' : (char)c;
	}
	out[o++] = '\n';
	out[o++] = '\n';
	out[o] = '\0';
	return o;
}
