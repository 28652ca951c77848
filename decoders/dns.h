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
 * What a walk over a message tells without ldns: the header, the types of
 * the questions and answers, and where the owner names of the address
 * answers are.  Enough to decide whether the message can matter; most
 * messages (A and AAAA lookups) never need more.
 */
struct dns_outline {
	uint16_t	id;
	uint16_t	flags;		/* the raw 16-bit flags word */
	bool		qr;
	uint16_t	qdcount;
	uint16_t	ancount;
	unsigned	mx_questions;
	unsigned	mx_answers;
	/* Of the first DNS_MAX_QUERIES questions: types, names' offsets. */
	unsigned	nquestions;
	uint16_t	qtypes[DNS_MAX_QUERIES];
	uint16_t	qnames[DNS_MAX_QUERIES];
	/* Of the first DNS_MAX_ANSWERS answers: their types, */
	uint16_t	antypes[DNS_MAX_ANSWERS];
	/* the MX owners and exchanges, */
	unsigned	nmx;
	uint16_t	mx_owners[DNS_MAX_ANSWERS];
	uint16_t	mx_exchanges[DNS_MAX_ANSWERS];
	/* and the distinct owner names of the A/AAAA answers, with their
	 * lengths on the wire (uncompressed, the final zero included). */
	unsigned	naddr_owners;
	uint16_t	addr_owners[DNS_MAX_ANSWERS];
	uint16_t	addr_owner_wire[DNS_MAX_ANSWERS];
	/*
	 * A partial message: header and questions whole, a later record
	 * cut short or malformed.  Its answers are kept only when they are
	 * all whole (ancount is set to 0 otherwise); the rest is left out.
	 */
	bool		partial;
	uint16_t	q_end;		/* offset just past the questions */
	uint16_t	an_end;		/* just past the answers; 0: not whole */
};

/*
 * Reads the header of msg and walks its records, checking every name
 * (labels, length, compression pointers that point backwards) and every
 * record length.  Returns TS_OK, TS_TRUNCATED (shorter than a header),
 * TS_UNSUPPORTED (not a QUERY, or no question) or TS_INVALID (a bad name
 * or length in the questions); each outcome but TS_OK is counted in cnt,
 * with the message.  A message whose questions are whole but a later
 * record is not is TS_OK with o->partial set (counted in dns_partial):
 * its questions are still checked, its answers used only when whole.
 */
enum ts_status dns_outline(struct slice msg, struct dns_outline *o,
    struct counters *cnt);

/*
 * After dns_outline() of the captured part of a message the capture cut
 * short (a small snap length) returned st: what it counted malformed
 * (questions running past the cut) is counted truncated instead.  A cut
 * in a later record made the message partial as usual.  (A call after
 * dns_outline(), not a variant of it, so that the usual path keeps
 * dns_outline() in line.)
 */
void dns_outline_cut(enum ts_status st, struct counters *cnt);

/* Counts a message that passed dns_outline() but is not decoded further. */
void dns_count(const struct dns_outline *o, struct counters *cnt);

/*
 * Decodes, with ldns, the message msg that dns_outline() accepted into
 * out.  A partial message, or one whose later sections ldns refuses (an
 * EDNS option longer than its record), is decoded from its whole
 * sections only: the questions, and the answers when they are whole
 * (counted in dns_partial).  Returns TS_OK, or TS_INVALID when even the
 * questions cannot be read the way the outline read them (counted as
 * dns_malformed).
 */
enum ts_status dns_decode_outlined(struct slice msg,
    const struct dns_outline *o, struct dns_message *out,
    struct counters *cnt);

/* Both steps: dns_outline(), then dns_decode_outlined(). */
enum ts_status dns_decode(struct slice msg, struct dns_message *out,
    struct counters *cnt);

/*
 * Writes the name at offset off of msg (checked by dns_outline(), or
 * uncompressed) in presentation form without the final dot, as
 * dns_decode() does; "" when it is bad.
 */
void dns_name_text(struct slice msg, size_t off, char *out, size_t outlen);

/* "MX", "A", ... or "TYPE65280"; buf must hold 16 bytes. */
const char *dns_type_name(uint16_t type, char *buf);
/* "NOERROR", "NXDOMAIN", ... or "RCODE15"; buf must hold 16 bytes. */
const char *dns_rcode_name(uint8_t rcode, char *buf);

/*
 * A hash of the name at off of msg, the same for any case of its letters
 * (not keyed: a pre-filter, never an index); false for the root and bad
 * names.  dns_name_hash_text() of a name's text, without escapes, is the
 * hash of that name.
 */
#define DNS_NAME_HASH_INIT	0xcbf29ce484222325ULL
bool dns_name_hash(struct slice msg, size_t off, uint64_t *hash);
uint64_t dns_name_hash_text(const char *text);

#endif
