/*
 * eve.h — EVE JSON records, in Suricata's format.
 */
#ifndef TS_EVE_H
#define TS_EVE_H

#include <stdint.h>

#include "../decoders/dns.h"
#include "../decoders/packet.h"
#include "../rules/dns_rules.h"
#include "json.h"

/* Where the packet came from: a capture file or an interface. */
struct eve_source {
	const char	*pcap_filename;	/* offline, else NULL */
	const char	*iface;		/* live, else NULL */
};

/*
 * Writes one "alert" record for a DNS message into j (reset first):
 * timestamp, flow_id, pcap_cnt or in_iface, addresses, the alert with its
 * typo context, and the dns object in Suricata's v3 form.
 */
void eve_dns_alert(struct json *j, const struct eve_source *src,
    const struct packet *pkt, uint64_t flow_id,
    const struct dns_message *msg, const struct dns_alert *a);

/* Writes one "dns" record (every decoded message, when output.dns is on). */
void eve_dns_event(struct json *j, const struct eve_source *src,
    const struct packet *pkt, uint64_t flow_id,
    const struct dns_message *msg);

/* "2026-11-23T02:45:57.123456+0000" into buf (at least 40 bytes). */
void eve_timestamp(const struct timeval *tv, char *buf, size_t len);

#endif
