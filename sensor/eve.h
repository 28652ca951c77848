/*
 * eve.h — EVE JSON records, in Suricata's format.
 */
#ifndef TS_EVE_H
#define TS_EVE_H

#include <stdbool.h>
#include <stdint.h>

#include "../decoders/dns.h"
#include "../decoders/packet.h"
#include "../decoders/smtp.h"
#include "../rules/signatures.h"
#include "json.h"
#include "../decoders/tls.h"
#include "../rules/mail_session.h"
#include "privacy.h"

/*
 * Where the packet came from: a capture file or an interface; and what
 * every record says of the sensor (host) and of its flow (community_id).
 */
struct eve_source {
	const char	*pcap_filename;	/* offline, else NULL */
	const char	*iface;		/* live, else NULL */
	const char	*host;		/* sensor.name; NULL: none */
	bool		 community_id;	/* output.community-id */
	uint16_t	 community_id_seed;
};

/*
 * The addresses a record names, in the direction of the data it is about
 * (for reassembled TCP that need not be the direction of the packet that
 * completed it).
 */
struct eve_endpoints {
	struct ip_addr	 src, dst;
	uint16_t	 sport, dport;
	uint8_t		 ip_version;
	uint8_t		 ip_proto;	/* IPPROTO_UDP or IPPROTO_TCP */
	uint8_t		 vlan_count;
	uint16_t	 vlan[TS_MAX_VLAN];
	struct tunnel_info tun;		/* depth 0: not tunnelled */
};

/*
 * What every record shares: where packets come from, the time and index
 * of the packet that produced the record (or of the last packet, for a
 * record made when a flow ends), the endpoints and the flow.
 */
struct eve_ctx {
	const struct eve_source		*src;
	struct timeval			 ts;
	uint64_t			 pcap_cnt;
	const struct eve_endpoints	*ep;
	uint64_t			 flow_id;
	const struct privacy		*priv;	/* NULL: addresses as sent */
};

void eve_endpoints_of_packet(struct eve_endpoints *ep, const struct packet *pkt);

/*
 * One "alert" record for a DNS message: the envelope, the alert with its
 * typo context, and the dns object in Suricata's v3 form.  j is reset.
 */
void eve_dns_alert(struct json *j, const struct eve_ctx *c,
    const struct dns_message *msg, const struct rule_hit *hit);

/* One "dns" record (every decoded message, when output.dns is on). */
void eve_dns_event(struct json *j, const struct eve_ctx *c,
    const struct dns_message *msg);

/*
 * One "alert" record for an SMTP recipient: the smtp object (helo,
 * mail_from, rcpt_to, raw) and, in alert.context.smtp, the server's reply
 * to that RCPT TO.
 */
void eve_smtp_alert(struct json *j, const struct eve_ctx *c,
    const struct smtp_event *ev, const struct rule_hit *hit);

/*
 * One "smtp" record per RCPT TO (when output.smtp is on): the smtp object
 * of the transaction up to that recipient, the last one being it.
 */
void eve_smtp_event(struct json *j, const struct eve_ctx *c,
    const struct smtp_event *ev);

/*
 * The summary of an incident when it closes: an "alert" (sid 1610200) whose
 * alert.context.incident holds first/last seen, client, sender,
 * recipients, the names, lookups and sessions seen, whether the server
 * accepted the recipients and the message, and the bytes sent; severity
 * rises with the evidence.  m, when not NULL, is the typo explanation.
 */
void eve_incident(struct json *j, const struct eve_ctx *c,
    const struct incident *inc, const struct typo_match *m);

/*
 * What a policy decision's alert adds (typosentry policyd): the action
 * taken and the reply Postfix got, and the request's parties.  Strings
 * are NUL-terminated; NULL or "" ones are left out.
 */
struct eve_policy {
	const char	*action;	/* "REJECT", "HOLD", ... */
	const char	*reply;		/* the action= value sent */
	bool		 blocked;	/* the mail does not leave as sent */
	unsigned	 severity;	/* 1..4 */
	const char	*sender;	/* as Postfix gives it, "" for <> */
	const char	*recipient;
	const char	*client_address;
	const char	*client_name;
	const char	*helo;
	const char	*protocol_state;
	const char	*queue_id;
	const char	*instance;
};

/*
 * One "alert" record for a policy decision: the typo context as the
 * sensor's, alert.action "blocked" or "allowed", alert.context.policy,
 * and an smtp object (helo, mail_from, rcpt_to) as for a RCPT TO seen on
 * the wire.
 */
void eve_policy_alert(struct json *j, const struct eve_ctx *c,
    const struct rule_hit *hit, const struct eve_policy *p);

/* A followed session, for its alerts. */
struct eve_session {
	const struct mail_session	*ms;
	const struct tls_info		*tls;	/* NULL: no TLS read */
	bool				 end;	/* the session ended */
	enum mail_verdict		 verdict;	/* when ended */
	const char			*why;
	const char			*proto;	/* app_proto; NULL: from ms */
};

/*
 * An alert about a session to a typo domain's exchange: when it opens
 * (sid 1610104) and when it ends (1610105, with its verdict and
 * evidence), in alert.context.session; the lookup in
 * alert.context.correlation.
 */
void eve_session_alert(struct json *j, const struct eve_ctx *c,
    const struct rule_hit *hit, const struct eve_session *s);

/*
 * An alert for a name read in TLS on a mail port (SNI, sid 1610111; a
 * certificate name, 1610112): the tls object (sni, version) and, in
 * alert.context.session, what is known of the connection.
 */
void eve_tls_alert(struct json *j, const struct eve_ctx *c,
    const struct rule_hit *hit, const struct eve_session *s);

/* "2026-11-23T02:45:57.123456+0000" into buf (at least 40 bytes). */
void eve_timestamp(const struct timeval *tv, char *buf, size_t len);

#endif
