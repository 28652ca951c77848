/*
 * dns.h — DNS messages (RFC 1035), decoded with ldns into a fixed-size,
 * caller-owned record of what the rules and the EVE output need.
 */
#ifndef TS_DNS_H
#define TS_DNS_H

#include <stdbool.h>
#include <stdint.h>

#include "counters.h"
#include "cursor.h"
#include "packet.h"

/* A wire name is at most 255 bytes; "\DDD" escaping makes each byte 4. */
#define DNS_NAME_TEXT_MAX	(255 * 4 + 1)
/* Records kept per section; the rest are counted, not logged. */
#define DNS_MAX_QUERIES		4
#define DNS_MAX_ANSWERS		16

#define DNS_TYPE_A	1
#define DNS_TYPE_NS	2
#define DNS_TYPE_CNAME	5
#define DNS_TYPE_PTR	12
#define DNS_TYPE_MX	15
#define DNS_TYPE_AAAA	28

struct dns_rr {
	char		name[DNS_NAME_TEXT_MAX];	/* presentation form, no final dot */
	uint16_t	type;
	uint32_t	ttl;				/* answers only */
	bool		has_rdata;
	char		rdata[DNS_NAME_TEXT_MAX];	/* MX exchange, NS/CNAME/PTR target, address */
};

struct dns_message {
	uint16_t	id;
	uint16_t	flags;		/* the raw 16-bit flags word */
	bool		qr;		/* true for a response */
	uint8_t		opcode;
	uint8_t		rcode;
	unsigned	nqueries;
	unsigned	nanswers;
	struct dns_rr	queries[DNS_MAX_QUERIES];
	struct dns_rr	answers[DNS_MAX_ANSWERS];
};

/*
 * Decodes the DNS message in msg into out.  Returns TS_OK, TS_TRUNCATED
 * (shorter than a header), TS_UNSUPPORTED (not a QUERY, or no question) or
 * TS_INVALID (ldns refused it); each outcome is counted in cnt.
 */
enum ts_status dns_decode(struct slice msg, struct dns_message *out,
    struct counters *cnt);

/* "MX", "A", ... or "TYPE65280"; buf must hold 16 bytes. */
const char *dns_type_name(uint16_t type, char *buf);
/* "NOERROR", "NXDOMAIN", ... or "RCODE15"; buf must hold 16 bytes. */
const char *dns_rcode_name(uint8_t rcode, char *buf);

#endif
