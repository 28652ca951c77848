/*
 * correlate.h — did the mail leave?  Links the MX lookup of a flagged name
 * to the sessions that follow it (to an address the lookup's answers gave
 * for the exchange, whatever the client's address), and groups the
 * evidence of one mistake (one flagged name, within a window) into an
 * incident with a summary when it closes.
 *
 * A worker owns one correlator: tables of a configured size (lookups,
 * exchange names, addresses, incidents), allocated once, so memory does
 * not grow with traffic.  A lookup is overwritten by newer ones in a
 * ring; an incident pushed out of a full table has its summary written
 * first (closed early): no evidence is dropped unsaid.  Times are packet
 * times.
 */
#ifndef TS_CORRELATE_H
#define TS_CORRELATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "../decoders/counters.h"
#include "../decoders/dns.h"
#include "../decoders/packet.h"
#include "../decoders/smtp.h"
#include "mail_session.h"
#include "name.h"

#define CORR_RCPTS	8	/* recipients listed in a summary */
#define CORR_CLIENTS	8	/* client addresses listed in a summary */
#define CORR_SESSIONS	8	/* sessions listed in a summary */
#define CORR_ADDRS	4	/* addresses remembered per exchange */

/* Table sizes: the defaults, and what correlation.* accepts. */
#define CORR_DEFAULT_LOOKUPS	1024
#define CORR_DEFAULT_INCIDENTS	1024
#define CORR_MAX_LOOKUPS	65536
#define CORR_MAX_INCIDENTS	16384
#define CORR_DEFAULT_TLS_BYTES	1024

/*
 * An address as the correlator keys it: the IP address and the tenant it
 * was seen in (tunnel identity; 0: not tunnelled), so that the same
 * private address in two tenants is two hosts.
 */
struct corr_host {
	struct ip_addr	 ip;
	uint64_t	 tenant;
};

/* The lookup a session or an SMTP alert is linked to. */
struct corr_link {
	bool		 valid;
	uint64_t	 flow_id;		/* the DNS flow */
	struct timeval	 ts;
	struct ip_addr	 resolver;		/* who answered */
	struct ip_addr	 client;		/* who asked */
	char		 name[NAME_MAX_LEN + 1];	/* the flagged name looked up */
	char		 protected_name[NAME_MAX_LEN + 64];
	char		 exchange[NAME_MAX_LEN + 1];
	struct ip_addr	 address;		/* the exchange's address used */
	uint64_t	 incident;		/* the lookup's incident id */
	uint32_t	 incident_slot;		/* and where it was */
};

/* Why an incident's summary was written. */
enum incident_close {
	CLOSE_WINDOW,			/* idle for the window */
	CLOSE_EARLY,			/* pushed out of a full table */
	CLOSE_END,			/* the input ended */
};

/* One session of an incident, as its summary lists it. */
struct corr_session {
	struct ip_addr	 client, server;
	uint16_t	 sport;
	uint8_t		 verdict;		/* enum mail_verdict */
	uint8_t		 end;			/* enum mail_end */
	bool		 tls;
	uint64_t	 bytes_toserver, app_bytes_toserver;
	uint64_t	 flow_id;
};

struct incident {
	bool		 open;
	uint64_t	 id;
	struct ip_addr	 client;		/* the first: who looked up or sent */
	uint64_t	 tenant;
	/* The tunnel of its first record, for EVE's tunnel object (the
	 * worker sets it; depth 0: not tunnelled). */
	struct tunnel_info tun;
	struct ip_addr	 clients[CORR_CLIENTS];	/* every client address seen */
	unsigned	 nclients;
	bool		 more_clients;		/* more than CORR_CLIENTS */
	struct ip_addr	 server;		/* last SMTP server, or resolver */
	bool		 have_server;
	char		 name[NAME_MAX_LEN + 1];	/* the flagged name */
	char		 protected_name[NAME_MAX_LEN + 64];
	char		 sender[SMTP_ADDR_MAX + 1];
	char		 rcpt[CORR_RCPTS][SMTP_ADDR_MAX + 1];
	unsigned	 nrcpt;
	struct timeval	 first, last;
	unsigned	 lookups;		/* DNS messages seen */
	unsigned	 sessions;		/* sessions (SMTP or followed) */
	bool		 rcpt_accepted;
	bool		 message_accepted;
	uint64_t	 bytes;			/* message bytes sent in the clear */
	uint64_t	 app_bytes;		/* TLS application data sent */
	uint64_t	 last_flow;		/* session flow last counted */
	struct corr_session sess[CORR_SESSIONS];	/* sessions ended */
	unsigned	 nsess;
	unsigned	 sessions_ended;
	uint8_t		 verdict;		/* enum mail_verdict: the best */
	uint8_t		 closed_by;		/* enum incident_close */
};

struct corr_limits {
	uint32_t	 window;		/* seconds */
	uint32_t	 max_lookups;
	uint32_t	 max_incidents;
};

/* Called with each incident as it closes, before it is forgotten. */
typedef void (*corr_close_fn)(void *ctx, const struct incident *inc);

/* NULL when out of memory.  Sizes are clamped to their bounds. */
struct correlator *correlator_new(const struct corr_limits *lim,
    corr_close_fn fn, void *ctx);
/*
 * Workers: worker i of n numbers its incidents i + 1, i + 1 + n, ... so
 * that no two workers give the same id in the same second.
 */
void correlator_ids(struct correlator *c, uint32_t first, uint32_t step);
void correlator_free(struct correlator *c);

/* Bytes the correlator holds (for the note on memory). */
size_t correlator_memory(const struct correlator *c);

/*
 * A DNS message that alerted for `name` (normalised): remember the MX
 * exchanges and addresses it gives, and return the incident it belongs to.
 */
struct incident *correlate_dns(struct correlator *c,
    const struct timeval *ts, const struct corr_host *client,
    const struct ip_addr *resolver, uint64_t flow_id, const char *name,
    const char *protected_name, const struct dns_message *msg,
    struct counters *cnt);

/*
 * Any DNS response: learn the addresses of exchanges already remembered
 * (the A/AAAA lookup of mail.army.ml after the MX lookup of army.ml).
 */
void correlate_dns_addresses(struct correlator *c, uint64_t tenant,
    const struct dns_message *msg);

/*
 * False when no remembered exchange has this dns_name_hash(): most A/AAAA
 * answers are ruled out without decoding their names.
 */
bool correlate_may_be_exchange(const struct correlator *c,
    uint64_t name_hash);

/*
 * False when no remembered exchange is this long on the wire (final zero
 * included; exchanges as text without escapes, as for the hash): a check
 * cheaper still, made before the name is hashed.
 */
bool correlate_may_be_exchange_wire(const struct correlator *c,
    size_t wire_len);

/*
 * Whether name (presentation form) is the exchange of a remembered lookup:
 * an A/AAAA answer for it must be decoded to learn the address.
 */
bool correlate_is_exchange(const struct correlator *c, const char *name);

/*
 * The newest lookup whose exchange has address `server`, if remembered (a
 * session to a typo domain's mail server).
 */
bool correlate_server(struct correlator *c, const struct corr_host *server,
    struct corr_link *link);

/*
 * A session from client to a remembered exchange (link from
 * correlate_server()) opens: the incident it belongs to (the client's own
 * incident for that name if it has one, else the lookup's, else a new
 * one), with the client's address recorded and the session counted.
 */
struct incident *correlate_session(struct correlator *c,
    const struct timeval *ts, const struct corr_host *client,
    const struct corr_host *server, uint64_t flow_id,
    const struct corr_link *link, struct counters *cnt);

/*
 * A followed session ended: its evidence and verdict join the incident
 * (inc and id as correlate_session() gave them; nothing happens when that
 * incident has closed since).
 */
void correlate_session_end(struct correlator *c, const struct incident *inc,
    uint64_t id, const struct corr_session *s);

/*
 * An SMTP recipient that alerted (flagged name `name`), or one sent to a
 * flagged name's server (name from the link): the incident it belongs to,
 * updated with the recipient and its reply.  prefer/prefer_id: the
 * incident the session was already linked to (NULL/0 for none), used
 * when it is still open and about the same name.
 */
struct incident *correlate_rcpt(struct correlator *c,
    const struct timeval *ts, const struct corr_host *client,
    const struct ip_addr *server, uint64_t flow_id, const char *name,
    const char *protected_name, const struct smtp_event *ev,
    const struct incident *prefer, uint64_t prefer_id,
    struct counters *cnt);

/*
 * The server's answer to a message of an incident's session: inc and id
 * as correlate_rcpt() gave them (nothing happens when that incident has
 * closed since, its slot perhaps taken by another).
 */
void correlate_message(struct correlator *c, const struct incident *inc,
    uint64_t id, const struct smtp_event *ev);

/*
 * Closes the incidents idle past the window at time now (all of them with
 * now NULL: the input ended), passing each to the close callback first.
 */
void correlate_expire(struct correlator *c, const struct timeval *now,
    struct counters *cnt);

/* Severity of an incident: 3 lookup only, 2 recipient accepted, 1 message. */
int incident_severity(const struct incident *inc);

#endif
