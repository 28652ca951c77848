/*
 * correlate.h — did the mail leave?  Links the MX lookup of a flagged name
 * to the SMTP session that follows it, and groups the alerts of one
 * mistake (one client, one flagged name, within a window) into an
 * incident with a summary when it closes.
 *
 * A worker owns one correlator: fixed-size tables (lookups, exchange
 * names, addresses, incidents), the oldest entry overwritten when full, so
 * memory does not grow with traffic.  Times are packet times.
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
#include "name.h"

#define CORR_LOOKUPS	1024	/* MX lookups of flagged names remembered */
#define CORR_INCIDENTS	1024	/* incidents open at once */
#define CORR_RCPTS	8	/* recipients listed in a summary */

/* The lookup an SMTP alert is linked to. */
struct corr_link {
	bool		 valid;
	uint64_t	 flow_id;		/* the DNS flow */
	struct timeval	 ts;
	struct ip_addr	 resolver;		/* who answered */
	char		 name[NAME_MAX_LEN + 1];	/* the flagged name looked up */
	char		 exchange[NAME_MAX_LEN + 1];
	struct ip_addr	 address;		/* the exchange's address */
};

struct incident {
	bool		 open;
	uint64_t	 id;
	struct tunnel_info tun;			/* its tenant, for EVE's tunnel */
	struct ip_addr	 client;
	struct ip_addr	 server;		/* last SMTP server, or resolver */
	bool		 have_server;
	char		 name[NAME_MAX_LEN + 1];	/* the flagged name */
	char		 protected_name[NAME_MAX_LEN + 64];
	char		 sender[SMTP_ADDR_MAX + 1];
	char		 rcpt[CORR_RCPTS][SMTP_ADDR_MAX + 1];
	unsigned	 nrcpt;
	struct timeval	 first, last;
	unsigned	 lookups;		/* DNS messages seen */
	unsigned	 sessions;		/* SMTP sessions seen */
	bool		 rcpt_accepted;
	bool		 message_accepted;
	uint64_t	 bytes;			/* message bytes sent */
	uint64_t	 last_flow;		/* SMTP flow last counted */
};

struct correlator;

struct correlator *correlator_new(uint32_t window);
void correlator_free(struct correlator *c);

/*
 * A DNS message that alerted for `name` (normalised): remember the MX
 * exchanges and addresses it gives, and return the incident it belongs to.
 * Everything is keyed in the tunnel's tenant (tun->tenant, 0 untunnelled):
 * the same addresses in two tenants are different hosts.
 */
struct incident *correlate_dns(struct correlator *c,
    const struct timeval *ts, const struct tunnel_info *tun,
    const struct ip_addr *client,
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
 * The lookup whose exchange has address `server`, if remembered (an SMTP
 * session to a typo domain's mail server).
 */
bool correlate_server(struct correlator *c, uint64_t tenant,
    const struct ip_addr *server, struct corr_link *link);

/*
 * An SMTP recipient that alerted (flagged name `name`), or one sent to a
 * flagged name's server (name from the link): the incident it belongs to,
 * updated with the recipient and its reply.
 */
struct incident *correlate_rcpt(struct correlator *c,
    const struct timeval *ts, const struct tunnel_info *tun,
    const struct ip_addr *client,
    const struct ip_addr *server, uint64_t flow_id, const char *name,
    const char *protected_name, const struct smtp_event *ev,
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
 * now NULL), passing each to fn before it is forgotten.
 */
void correlate_expire(struct correlator *c, const struct timeval *now,
    void (*fn)(void *ctx, const struct incident *inc), void *ctx,
    struct counters *cnt);

/* Severity of an incident: 3 lookup only, 2 recipient accepted, 1 message. */
int incident_severity(const struct incident *inc);

#endif
