/*
 * worker_int.h — what the parts of the per-packet pipeline share inside
 * the worker (worker.c, mail_watch.c): a TCP flow's application state and
 * the helpers that write alerts.  Not an interface for anything else.
 */
#ifndef TS_WORKER_INT_H
#define TS_WORKER_INT_H

#include "../decoders/dns_tcp.h"
#include "../decoders/smtp.h"
#include "../decoders/tls.h"
#include "../rules/correlate.h"
#include "../rules/mail_session.h"
#include "worker.h"

/* TLS read on a flow (after STARTTLS, or implicit). */
struct tls_state {
	struct tls_reader	 r[2];		/* by enum flow_dir */
	struct tls_info		 info;
	bool			 done;		/* the handshake is read */
};

/* A session followed to a typo domain's exchange. */
struct mail_watch {
	struct mail_session	 ms;
	struct corr_link	 link;
	bool			 alertable;	/* the link's name is a typo */
};

/* What a TCP flow's application state holds. */
struct tcp_app {
	struct smtp_session	*smtp;		/* APP_SMTP */
	/* The incident its mail belongs to (correlate_rcpt()), id 0: none. */
	const struct incident	*incident;
	uint64_t		 incident_id;
	struct dns_tcp		 dns[2];	/* APP_DNS, by direction */
	struct tls_state	*tls;		/* APP_TLS */
	struct mail_watch	*watch;		/* NULL: not followed */
};

/* The context of one delivery from the stream engine. */
struct delivery {
	struct worker		*w;
	struct flow		*f;
	enum flow_dir		 dir;
};

bool port_in(const uint16_t *ports, size_t n, uint16_t port);
void emit(struct worker *w);
bool alert_suppressed(struct worker *w, const struct eve_endpoints *ep);
void alert_emit(struct worker *w, const struct eve_endpoints *ep);
void flow_endpoints(const struct flow *f, enum flow_dir dir,
    struct eve_endpoints *ep);

/*
 * A new flow: when its server is the remembered address of a flagged
 * name's exchange, the session is followed (a->watch) and, on a mail
 * port, alerted at once.  Returns the flow's tcp_app if it made one.
 */
void watch_check(struct worker *w, struct flow *f);

/* Every packet of a followed session: handshake, bytes, FIN, RST. */
void watch_packet(struct worker *w, struct flow *f, enum flow_dir dir,
    const struct packet *pkt);

/* A followed session's SMTP event (recipient and message replies). */
void watch_smtp_event(struct mail_watch *m, const struct smtp_event *ev);

/* A followed session is over (its flow released): verdict and alert. */
void watch_end(struct worker *w, struct flow *f);

/* Starts reading TLS on the flow; false when out of memory. */
bool tls_start(struct worker *w, struct flow *f);

/* In-order bytes (or a gap) of a TLS flow. */
void tls_deliver(struct delivery *d, const uint8_t *data, size_t len);

/* Frees a flow's TLS state. */
void tls_free(struct tls_state *t);

#endif
