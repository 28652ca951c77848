/*
 * mail_session.h — what one TCP session to a typo domain's mail exchange
 * showed, readable or not, and the verdict drawn from it: was the mail
 * delivered?
 *
 * The worker fills a struct mail_session from the packets of the session
 * (handshake, bytes each way, how it ended), from the SMTP decoder while
 * the session is in the clear (replies to RCPT and to the message) and
 * from the TLS reader once it is not (versions, names, application data).
 * mail_verdict() turns that into one of four answers, with the reason.
 */
#ifndef TS_MAIL_SESSION_H
#define TS_MAIL_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "../decoders/packet.h"

/* Ordered: the best evidence of an incident is the largest. */
enum mail_verdict {
	VERDICT_NONE = 0,		/* no session seen */
	VERDICT_NOT_DELIVERED,
	VERDICT_UNKNOWN,
	VERDICT_LIKELY_DELIVERED,
	VERDICT_DELIVERED,
};

/* How a session ended. */
enum mail_end {
	END_OPEN = 0,			/* not yet */
	END_FIN,			/* FIN (both ways, or one and then idle) */
	END_RST,
	END_TIMEOUT,			/* idle past the flow timeout, or evicted */
	END_CAPTURE,			/* the input ended first */
};

#define MAIL_NAME_MAX	255		/* a DNS name */

struct mail_session {
	struct timeval	 first, last;
	uint16_t	 cport, sport;
	bool		 syn;			/* the client's SYN was seen */
	bool		 answered;		/* the server's SYN-ACK */
	bool		 refused;		/* RST from the server before SYN-ACK */
	bool		 rst;			/* a RST, either way */
	bool		 rst_before_data;	/* ... before any payload */
	bool		 fin[2];		/* FIN seen, by direction */
	uint8_t		 end;			/* enum mail_end */
	/* TCP payload each way (enum flow_dir), from sequence numbers. */
	uint64_t	 bytes[2];
	bool		 seq_init[2];
	uint32_t	 seq_next[2];
	/* In the clear. */
	bool		 smtp;			/* read as SMTP */
	unsigned	 rcpt_accepted, rcpt_rejected;
	bool		 message_accepted;	/* 2xx after DATA or BDAT LAST */
	bool		 message_rejected;
	uint64_t	 message_bytes;
	bool		 starttls;		/* STARTTLS answered 220 */
	/* TLS (after STARTTLS, or implicit). */
	bool		 tls;			/* a TLS record seen */
	bool		 client_hello, server_hello;
	uint16_t	 tls_client_version;	/* highest the client offered */
	uint16_t	 tls_version;		/* the server chose */
	bool		 tls_handshake_done;
	uint64_t	 app_bytes[2];		/* application data after it */
	char		 sni[MAIL_NAME_MAX + 1];
	char		 cert_name[MAIL_NAME_MAX + 1];	/* first in the clear */
	bool		 not_tls;		/* bytes that are not TLS */
};

/*
 * The verdict, and in *why a short phrase of evidence (static text).
 * tls_min_bytes: application data the client must send over TLS for
 * "likely-delivered" (correlation.tls-delivery-bytes).
 */
enum mail_verdict mail_verdict(const struct mail_session *s,
    uint64_t tls_min_bytes, const char **why);

/* "delivered", "likely-delivered", "not-delivered", "unknown". */
const char *mail_verdict_name(enum mail_verdict v);

/* "fin", "rst", "timeout", "capture-end", "open". */
const char *mail_end_name(enum mail_end e);

/* "TLS 1.2", "TLS 1.3", ... (as Suricata writes them); NULL for 0. */
const char *tls_version_name(uint16_t v);

#endif
