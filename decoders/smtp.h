/*
 * smtp.h — the SMTP decoder (RFC 5321), fed the in-order bytes of both
 * directions of one TCP connection by the stream engine.
 *
 * It follows the client's commands and the server's replies, matches
 * replies to commands in order (pipelining, RFC 2920), skips message
 * bodies (DATA up to CRLF.CRLF, BDAT chunks by length) without buffering
 * them, and stops at an accepted STARTTLS.  What the rules need comes out
 * as events through a callback; the decoder itself never logs or alerts.
 */
#ifndef TS_SMTP_H
#define TS_SMTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"

#define SMTP_LINE_MAX		1024	/* longer lines are capped and counted */
#define SMTP_ADDR_MAX		512	/* raw address strings kept */
#define SMTP_HELO_MAX		256
#define SMTP_MAX_PENDING	64	/* commands awaiting a reply */
#define SMTP_MAX_RCPTS		64	/* recipients kept per transaction */
#define SMTP_REPLY_TEXT_MAX	128

enum smtp_dir {
	SMTP_FROM_CLIENT = 0,
	SMTP_FROM_SERVER = 1,
};

enum smtp_event_type {
	/*
	 * A RCPT TO command, resolved: its reply was seen (reply_code set),
	 * or can no longer be (reply_code 0: connection ended, gap, TLS).
	 */
	SMTP_EV_RCPT,
	/*
	 * The server's final reply to a message: after a DATA body (once
	 * 354 was seen) or to a BDAT ... LAST.  reply_code, reply_text and
	 * message_bytes are set; the other fields are empty.
	 */
	SMTP_EV_MESSAGE,
};

struct smtp_event {
	enum smtp_event_type	 type;
	const char		*helo;		/* raw EHLO/HELO argument, or "" */
	const char		*mail_from;	/* raw MAIL FROM argument, brackets kept, or "" */
	const char * const	*rcpt_to;	/* raw RCPT TO arguments of this transaction so far */
	unsigned		 nrcpt;
	unsigned		 rcpt_index;	/* which of rcpt_to this event is about */
	const char		*domain;	/* its domain, unquoted, as sent (not lower-cased);
						 * "" for an address literal or none */
	unsigned		 reply_code;	/* 250, 550, ...; 0 when not seen */
	const char		*reply_text;	/* first line of the reply text, or "" */
	bool			 smtputf8;	/* the address is not ASCII (RFC 6531) */
	uint64_t		 message_bytes;	/* SMTP_EV_MESSAGE: body or chunks sent */
};

typedef void (*smtp_event_fn)(void *ctx, const struct smtp_event *ev);

struct smtp_session;

/* NULL when out of memory.  Caps at their maximum (SMTP_MAX_*). */
struct smtp_session *smtp_session_new(void);

/*
 * Lowers a session's caps (smtp.max-pending, smtp.max-recipients):
 * commands awaiting a reply, and recipients listed per transaction; each
 * is kept between 1 and its SMTP_MAX_* maximum.
 */
void smtp_session_limit(struct smtp_session *s, unsigned max_pending,
    unsigned max_rcpts);
void smtp_session_free(struct smtp_session *s);

/*
 * Feeds len in-order bytes from one direction.  Events for RCPT commands
 * whose replies this completes are passed to fn.  Counts what it skips or
 * caps in cnt.
 */
void smtp_feed(struct smtp_session *s, enum smtp_dir dir, const uint8_t *data,
    size_t len, smtp_event_fn fn, void *ctx, struct counters *cnt);

/*
 * len bytes of one direction were lost (a hole the stream engine could not
 * fill).  The decoder drops its partial line and resynchronises at the
 * next line that makes sense; a body or chunk in progress is shortened.
 */
void smtp_gap(struct smtp_session *s, enum smtp_dir dir, size_t len,
    smtp_event_fn fn, void *ctx, struct counters *cnt);

/* The connection ended: resolve pending RCPTs with reply_code 0. */
void smtp_close(struct smtp_session *s, smtp_event_fn fn, void *ctx);

/* True after an accepted STARTTLS (or QUIT): no more bytes are wanted. */
bool smtp_done(const struct smtp_session *s);

/* True after an accepted STARTTLS: what follows is TLS. */
bool smtp_tls_started(const struct smtp_session *s);

/* Bytes this session holds, for the flow memory cap. */
size_t smtp_memory(const struct smtp_session *s);

/*
 * Does this look like the start of SMTP?  The server's first line
 * ("220 " or "220-" and "SMTP" in it) or the client's first command
 * (EHLO or HELO).  Used on ports not configured for SMTP.
 */
bool smtp_detect(enum smtp_dir dir, const uint8_t *data, size_t len);

/*
 * Extracts the domain of a RCPT TO or MAIL FROM argument ("<a@b>", bare
 * "a@b", quoted local parts, source routes "<@x:a@b>", ESMTP parameters
 * after the address): the domain is copied to out as sent, without a
 * trailing dot.  Returns the domain length, 0 for an address literal
 * ("[192.0.2.1]") or an empty path ("<>"), -1 when no address is found.
 */
int smtp_address_domain(const char *arg, size_t len, char *out,
    size_t outsize);

#endif
