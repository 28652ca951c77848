/*
 * smtp_address.c — the domain of a MAIL FROM or RCPT TO argument.
 *
 * RFC 5321 4.1.2: Path = "<" [ A-d-l ":" ] Mailbox ">", Mailbox =
 * Local-part "@" ( Domain / address-literal ), and the Local-part may be
 * a quoted string in which '@', '>' and blanks are ordinary characters
 * and a backslash escapes the next one.  The source route (A-d-l) is to
 * be ignored (RFC 5321 4.1.1.3 and appendix C), so everything up to its
 * ':' is skipped.  The domain is what follows the first '@' outside
 * quotes, up to the '>' or a blank; it is returned as sent (case kept,
 * UTF-8 kept for SMTPUTF8, RFC 6531), only a trailing dot removed.
 *
 * We are lenient where a missing byte changes nothing (no closing '>',
 * as on a capped line) and strict where the bytes cannot be an address
 * (no '@', an unterminated quote, control bytes): the caller counts the
 * latter as a bad address rather than feeding rubbish to the matcher.
 */
#include <limits.h>
#include <string.h>

#include "cursor.h"
#include "smtp.h"

static bool
is_blank(uint8_t b)
{
	return b == ' ' || b == '\t';
}

/* NUL, CR and LF cannot occur in a command line's path. */
static bool
is_forbidden(uint8_t b)
{
	return b == '\0' || b == '\r' || b == '\n';
}

int
smtp_address_domain(const char *arg, size_t len, char *out, size_t outsize)
{
	struct cursor c;
	struct slice dom;
	bool bracketed = false, quoted = false;
	size_t n = 0;

	if (out == NULL || outsize == 0)
		return -1;
	out[0] = '\0';
	if (arg == NULL)
		return -1;
	c = cur_init((const uint8_t *)arg, len);

	while (cur_left(&c) > 0 && is_blank(cur_peek(&c, 0)))
		cur_skip(&c, 1);
	if (cur_left(&c) > 0 && cur_peek(&c, 0) == '<') {
		bracketed = true;
		cur_skip(&c, 1);
		/* The null reverse-path of bounces (RFC 5321 4.5.5). */
		if (cur_left(&c) > 0 && cur_peek(&c, 0) == '>')
			return 0;
	}

	/* A source route "@a,@b:" is skipped up to its colon. */
	if (cur_left(&c) > 0 && cur_peek(&c, 0) == '@') {
		for (;;) {
			if (cur_left(&c) == 0)
				return -1;
			uint8_t b = cur_u8(&c);
			if (b == ':')
				break;
			if (b == '>' || is_blank(b) || is_forbidden(b))
				return -1;
		}
	}

	/* The local part, up to the first '@' outside a quoted string. */
	for (;;) {
		if (cur_left(&c) == 0)
			return -1;	/* no '@', or an unterminated quote */
		uint8_t b = cur_u8(&c);
		if (is_forbidden(b))
			return -1;
		if (quoted) {
			if (b == '\\') {
				if (cur_left(&c) == 0 ||
				    is_forbidden(cur_u8(&c)))
					return -1;
			} else if (b == '"') {
				quoted = false;
			}
			continue;
		}
		if (b == '"')
			quoted = true;
		else if (b == '@')
			break;
		else if (b == '>' || (!bracketed && is_blank(b)))
			return -1;
	}

	/* An address literal "[192.0.2.1]" or "[IPv6:...]" has no name. */
	if (cur_left(&c) > 0 && cur_peek(&c, 0) == '[')
		return 0;

	dom = cur_rest(&c);
	while (cur_left(&c) > 0) {
		uint8_t b = cur_peek(&c, 0);
		if (b == '>' || is_blank(b))
			break;
		if (b < 0x20 || b == 0x7f || b == '@')
			return -1;
		cur_skip(&c, 1);
		n++;
	}
	/* "ARMY.ML." names the same domain as "ARMY.ML" (RFC 1034 3.1). */
	if (n > 0) {
		struct cursor last = cur_init(dom.p, n);
		if (cur_peek(&last, n - 1) == '.')
			n--;
	}
	if (n == 0 || n >= outsize || n > INT_MAX)
		return -1;
	memcpy(out, dom.p, n);
	out[n] = '\0';
	return (int)n;
}
