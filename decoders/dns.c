/*
 * dns.c — DNS message decoding.
 *
 * Two steps.  dns_outline() reads the 12-byte header (RFC 1035 4.1.1) and
 * walks the records with a bounds-checked cursor: it checks every name
 * (compression pointers must point backwards) and notes the question and
 * answer types.  That is all most messages need: the caller decides from
 * the outline whether the message can matter.  Those that can go to
 * dns_decode_outlined(): ldns does the full parse (name compression,
 * record formats) and we copy out, into fixed-size fields, the question
 * and answer records in presentation form.  The ldns packet is freed
 * before returning; nothing of it outlives the call.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <stdbool.h>		/* before ldns, which else makes bool a signed char */

#include <ldns/ldns.h>

#include "addr_text.h"
#include "dns.h"

#define DNS_HEADER_LEN	12
#define DNS_OPCODE_QUERY 0

enum label_step { LABEL, NAME_END, NAME_BAD };

/*
 * Reads the next label of the name at c into *label, following
 * compression pointers of msg; each must point before *limit (the
 * previous one), so a name cannot loop.
 */
static inline __attribute__((always_inline)) enum label_step
next_label(struct cursor *c, struct slice msg, size_t *limit,
    struct slice *label)
{
	for (;;) {
		uint8_t len = cur_u8(c);
		if (c->err)
			return NAME_BAD;
		if (len == 0)
			return NAME_END;
		if ((len & 0xc0) == 0xc0) {
			size_t to = (size_t)(len & 0x3f) << 8 | cur_u8(c);
			if (c->err || to >= *limit)
				return NAME_BAD;
			*limit = to;
			*c = cur_init(msg.p, msg.len);
			cur_skip(c, to);
			continue;
		}
		if (len > 63)
			return NAME_BAD;
		*label = cur_bytes(c, len);
		return c->err ? NAME_BAD : LABEL;
	}
}

/*
 * Writes the name at off in presentation form without the final dot: "."
 * for the root, special and non-printable bytes escaped as "\." "\\"
 * "\DDD" (RFC 4343 section 2.1).  A bad name gives "".
 */
void
dns_name_text(struct slice msg, size_t off, char *out, size_t outlen)
{
	struct cursor c = cur_init(msg.p, msg.len);
	struct slice label;
	enum label_step st;
	size_t o = 0, limit = off;

	cur_skip(&c, off);
	while ((st = next_label(&c, msg, &limit, &label)) == LABEL) {
		if (o > 0 && o + 1 < outlen)
			out[o++] = '.';
		for (size_t i = 0; i < label.len; i++) {
			uint8_t b = label.p[i];
			if (o + 5 >= outlen)
				goto done;
			if (b == '.' || b == '\\') {
				out[o++] = '\\';
				out[o++] = (char)b;
			} else if (b <= 0x20 || b >= 0x7f) {
				out[o++] = '\\';
				out[o++] = (char)('0' + b / 100);
				out[o++] = (char)('0' + b / 10 % 10);
				out[o++] = (char)('0' + b % 10);
			} else {
				out[o++] = (char)b;
			}
		}
	}
	if (st == NAME_BAD) {
		out[0] = '\0';
		return;
	}
done:
	if (o == 0 && outlen > 1)
		out[o++] = '.';
	out[o] = '\0';
}

/* Eight bytes of name, upper case made lower with a few word operations
 * (bit 7 of each byte: at least 'A', above 'Z', not 7-bit). */
static uint64_t
fold_word(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x80 * ones;
	uint64_t low7 = x & ~high;
	uint64_t upper = (low7 + (0x80 - 'A') * ones) &
	    ~(low7 + (0x80 - 'Z' - 1) * ones) & ~x & high;

	return x | upper >> 2;			/* 'A' | 0x20 == 'a' */
}

/*
 * The hash of a name in uncompressed wire form (length bytes and labels,
 * no final zero), lowercased, eight bytes at a time, each word mixed by
 * a multiply and a shift.  Length bytes (at most 63) are never letters.
 */
static uint64_t
wire_hash(const uint8_t *w, size_t len)
{
	uint64_t h = DNS_NAME_HASH_INIT ^ len, x;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&x, w + i, 8);
		h = (h ^ fold_word(x)) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	if (i < len) {
		/* Shifted in (a copy loop here becomes a memcpy() call). */
		x = 0;
		for (size_t k = 0; i + k < len; k++)
			x |= (uint64_t)w[i + k] << (8 * k);
		h = (h ^ fold_word(x)) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return h;
}

bool
dns_name_hash(struct slice msg, size_t off, uint64_t *hash)
{
	struct cursor c = cur_init(msg.p, msg.len);
	struct slice label;
	enum label_step st;
	size_t limit = off, n = 0;
	uint8_t wire[256];

	cur_skip(&c, off);
	/* Most names (the question's) are in one piece: hash them there. */
	for (struct cursor f = c;;) {
		uint8_t len = cur_u8(&f);
		if (f.err || len > 63)
			break;			/* a pointer: copy below */
		if (len == 0) {
			size_t n1 = (size_t)(f.p - 1 - c.p);
			if (n1 == 0 || n1 > 255)
				return false;
			*hash = wire_hash(c.p, n1);
			return true;
		}
		cur_skip(&f, len);
	}
	while ((st = next_label(&c, msg, &limit, &label)) == LABEL) {
		if (n + 1 + label.len > sizeof(wire))
			return false;
		wire[n++] = (uint8_t)label.len;
		memcpy(wire + n, label.p, label.len);
		n += label.len;
	}
	if (st != NAME_END || n == 0)
		return false;
	*hash = wire_hash(wire, n);
	return true;
}

uint64_t
dns_name_hash_text(const char *text)
{
	uint8_t wire[256];
	size_t n = 0, at = 0;

	/* "a.bc" is \1 a \2 b c: each label after its length. */
	for (size_t i = 0;; i++) {
		if (text[i] != '.' && text[i] != '\0')
			continue;
		size_t len = i - at;
		if (len > 63 || n + 1 + len > 256)
			return 0;
		wire[n++] = (uint8_t)len;
		memcpy(wire + n, text + at, len);
		n += len;
		at = i + 1;
		if (text[i] == '\0')
			break;
	}
	return wire_hash(wire, n);
}

/* A name ldns decoded: uncompressed wire format in the rdf. */
static void
name_to_text(const ldns_rdf *rdf, char *out, size_t outlen)
{
	struct slice name = { ldns_rdf_data(rdf), ldns_rdf_size(rdf) };

	dns_name_text(name, 0, out, outlen);
}

const char *
dns_type_name(uint16_t type, char *buf)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);

	if (d != NULL && d->_type == type && d->_name != NULL)
		return d->_name;
	snprintf(buf, 16, "TYPE%u", type);
	return buf;
}

const char *
dns_rcode_name(uint8_t rcode, char *buf)
{
	ldns_lookup_table *t = ldns_lookup_by_id(ldns_rcodes, rcode);

	if (t != NULL && t->name != NULL)
		return t->name;
	snprintf(buf, 16, "RCODE%u", rcode);
	return buf;
}

/* The rdata we log: names for MX/NS/CNAME/PTR, addresses for A/AAAA. */
static void
rdata_to_text(const ldns_rr *rr, struct dns_rr *out)
{
	const ldns_rdf *rdf = NULL;

	out->has_rdata = false;
	switch (ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_MX:
		/* RFC 1035 3.3.9: preference, then exchange. */
		if (ldns_rr_rd_count(rr) == 2)
			rdf = ldns_rr_rdf(rr, 1);
		break;
	case LDNS_RR_TYPE_NS:
	case LDNS_RR_TYPE_CNAME:
	case LDNS_RR_TYPE_PTR:
		if (ldns_rr_rd_count(rr) == 1)
			rdf = ldns_rr_rdf(rr, 0);
		break;
	case LDNS_RR_TYPE_A:
		if (ldns_rr_rd_count(rr) == 1 &&
		    ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) == LDNS_RDF_TYPE_A &&
		    ldns_rdf_size(ldns_rr_rdf(rr, 0)) == 4)
			out->has_rdata = addr_text(AF_INET,
			    ldns_rdf_data(ldns_rr_rdf(rr, 0)), out->rdata) > 0;
		return;
	case LDNS_RR_TYPE_AAAA:
		if (ldns_rr_rd_count(rr) == 1 &&
		    ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) == LDNS_RDF_TYPE_AAAA &&
		    ldns_rdf_size(ldns_rr_rdf(rr, 0)) == 16)
			out->has_rdata = addr_text(AF_INET6,
			    ldns_rdf_data(ldns_rr_rdf(rr, 0)), out->rdata) > 0;
		return;
	default:
		return;
	}
	if (rdf != NULL && ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME) {
		name_to_text(rdf, out->rdata, sizeof(out->rdata));
		out->has_rdata = true;
	}
}

/*
 * Names already checked in this message: where each starts and its length
 * on the wire.  Answers point at the question's name; its walk is not
 * repeated for each of them.
 */
#define CHECKED_NAMES	8

struct checked_names {
	unsigned	n;
	uint16_t	off[CHECKED_NAMES];
	uint16_t	wire[CHECKED_NAMES];
};

/*
 * Moves c past the name at c, following its compression pointers through
 * msg; false if the name is bad.  RFC 1035 4.1.4: a pointer refers to a
 * prior occurrence of a name, so each pointer must point before the
 * previous one (tcpdump's rule), which makes loops impossible.  ldns
 * follows forward pointers too, and reads a name in rdata beyond the
 * rdata length, so we check first.  A pointer to a name in seen (checked
 * by the same rule from where it starts) ends the walk there.
 */
static inline __attribute__((always_inline)) bool
skip_name(struct cursor *c, struct slice msg, struct checked_names *seen,
    size_t *wire_len)
{
	struct cursor at = *c;
	size_t start = (size_t)(c->p - msg.p);
	size_t max = start;			/* where the name starts */
	size_t wire = 1;			/* its length, final zero included */
	bool jumped = false;

	for (;;) {
		uint8_t len = cur_u8(&at);
		if (at.err || len == 0)
			break;
		if ((len & 0xc0) == 0xc0) {
			size_t off = (size_t)(len & 0x3f) << 8 | cur_u8(&at);
			if (at.err || off >= max)
				return false;
			max = off;
			if (!jumped)
				*c = at;	/* the name ends with its first pointer */
			jumped = true;
			for (unsigned k = 0; k < seen->n; k++)
				if (seen->off[k] == off) {
					wire += seen->wire[k] - 1u;
					goto known;
				}
			at = cur_init(msg.p, msg.len);
			cur_skip(&at, off);
			continue;
		}
		/* Lengths 64-191 are not labels; a name is at most 255 bytes. */
		wire += (size_t)len + 1;
		if (len > 63 || wire > 255)
			return false;
		cur_skip(&at, len);
	}
	if (at.err)
		return false;
known:
	if (wire > 255)
		return false;
	if (!jumped)
		*c = at;
	if (wire_len != NULL)
		*wire_len = wire;
	if (seen->n < CHECKED_NAMES) {
		seen->off[seen->n] = (uint16_t)start;
		seen->wire[seen->n++] = (uint16_t)wire;
	}
	return true;
}

/*
 * Where the name at c lives: the target of its pointer when the whole name
 * is one (answers name their owner "\xc0\x0c", the question), so that
 * equal names have equal offsets.
 */
static uint16_t
name_offset(const struct cursor *c, struct slice msg)
{
	if (cur_left(c) >= 2 && (c->p[0] & 0xc0) == 0xc0)
		return (uint16_t)((c->p[0] & 0x3f) << 8 | c->p[1]);
	return (uint16_t)(c->p - msg.p);
}

static void
add_addr_owner(struct dns_outline *o, uint16_t off, size_t wire)
{
	for (unsigned i = 0; i < o->naddr_owners; i++)
		if (o->addr_owners[i] == off)
			return;
	o->addr_owner_wire[o->naddr_owners] = (uint16_t)wire;
	o->addr_owners[o->naddr_owners++] = off;
}

/*
 * Walks the records after the header, checking every owner name and the
 * names in the rdata we log, and noting what the rules look at.  rrcount
 * is the answer, authority and additional counts together.
 */
/*
 * Record i after the questions is cut short or malformed: the message is
 * partial.  Answers are kept only when all of them were whole.
 */
static bool
cut_at(struct dns_outline *o, unsigned i)
{
	o->partial = true;
	if (i < o->ancount) {
		o->ancount = 0;
		o->an_end = 0;
		o->mx_answers = 0;
		o->nmx = 0;
		o->naddr_owners = 0;
	}
	return true;
}

static bool
walk(struct slice msg, struct dns_outline *o, unsigned rrcount)
{
	struct cursor c = cur_init(msg.p, msg.len);
	struct checked_names seen = { .n = 0 };

	cur_skip(&c, DNS_HEADER_LEN);
	for (unsigned i = 0; i < o->qdcount; i++) {
		uint16_t name = name_offset(&c, msg);
		if (!skip_name(&c, msg, &seen, NULL))
			return false;
		uint16_t type = cur_u16(&c);
		cur_skip(&c, 2);		/* class */
		if (type == DNS_TYPE_MX)
			o->mx_questions++;
		if (o->nquestions < DNS_MAX_QUERIES) {
			o->qtypes[o->nquestions] = type;
			o->qnames[o->nquestions++] = name;
		}
	}
	if (c.err)
		return false;
	o->q_end = (uint16_t)(c.p - msg.p);
	o->an_end = o->ancount == 0 ? o->q_end : 0;
	for (unsigned i = 0; i < rrcount; i++) {
		bool kept = i < o->ancount && i < DNS_MAX_ANSWERS;
		uint16_t owner = name_offset(&c, msg);
		size_t owner_wire = 0;
		if (!skip_name(&c, msg, &seen, &owner_wire))
			return cut_at(o, i);
		uint16_t type = cur_u16(&c);
		cur_skip(&c, 6);		/* class, TTL */
		struct cursor rd = cur_sub(&c, cur_u16(&c));
		bool ok = true;
		switch (type) {
		case DNS_TYPE_MX:
			cur_skip(&rd, 2);	/* preference */
			if (kept) {
				o->mx_owners[o->nmx] = owner;
				o->mx_exchanges[o->nmx++] =
				    name_offset(&rd, msg);
			}
			ok = skip_name(&rd, msg, &seen, NULL);
			if (i < o->ancount)
				o->mx_answers++;
			break;
		case DNS_TYPE_NS:
		case DNS_TYPE_CNAME:
		case DNS_TYPE_PTR:
			ok = skip_name(&rd, msg, &seen, NULL);
			break;
		case DNS_TYPE_A:
		case DNS_TYPE_AAAA:
			/* RFC 1035 3.4.1, RFC 3596 2.2: the address, no more. */
			ok = cur_left(&rd) == (type == DNS_TYPE_A ? 4u : 16u);
			if (kept)
				add_addr_owner(o, owner, owner_wire);
			break;
		}
		/*
		 * These rdata are their fields and nothing after them (ldns
		 * would go on reading the next record from the leftover).
		 */
		if (type == DNS_TYPE_MX || type == DNS_TYPE_NS ||
		    type == DNS_TYPE_CNAME || type == DNS_TYPE_PTR)
			ok = ok && !rd.err && cur_left(&rd) == 0;
		if (kept)
			o->antypes[i] = type;
		if (!ok || c.err)
			return cut_at(o, i);
		if (i + 1 == o->ancount)
			o->an_end = (uint16_t)(c.p - msg.p);
	}
	return true;
}

enum ts_status
dns_outline(struct slice msg, struct dns_outline *o, struct counters *cnt)
{
	struct cursor c = cur_init(msg.p, msg.len);

	cnt->dns_messages++;
	o->mx_questions = o->mx_answers = 0;
	o->nquestions = o->nmx = o->naddr_owners = 0;
	o->qr = false;
	o->partial = false;
	o->q_end = o->an_end = 0;
	o->id = cur_u16(&c);
	o->flags = cur_u16(&c);
	o->qdcount = cur_u16(&c);
	o->ancount = cur_u16(&c);
	unsigned rrcount = o->ancount;
	rrcount += cur_u16(&c);			/* authority */
	rrcount += cur_u16(&c);			/* additional */
	if (c.err) {
		cnt->dns_truncated++;
		return TS_TRUNCATED;
	}
	o->qr = (o->flags & 0x8000) != 0;
	if (((o->flags >> 11) & 0x0f) != DNS_OPCODE_QUERY) {
		cnt->dns_not_query_opcode++;
		return TS_UNSUPPORTED;
	}
	if (o->qdcount == 0) {
		cnt->dns_no_question++;
		return TS_UNSUPPORTED;
	}
	/* At most 65,535 bytes (RFC 1035 4.2.2), so offsets fit 16 bits. */
	if (msg.len > 0xffff || !walk(msg, o, rrcount)) {
		cnt->dns_malformed++;
		return TS_INVALID;
	}
	if (o->partial)
		cnt->dns_partial++;
	return TS_OK;
}

void
dns_outline_cut(enum ts_status st, struct counters *cnt)
{
	/* The only TS_INVALID: questions that run past the end, which the
	 * capture cut, not the sender. */
	if (st == TS_INVALID) {
		cnt->dns_malformed--;
		cnt->dns_truncated++;
	}
}

void
dns_count(const struct dns_outline *o, struct counters *cnt)
{
	if (o->qr)
		cnt->dns_responses++;
	else
		cnt->dns_queries++;
	cnt->dns_mx_questions += o->mx_questions;
	cnt->dns_mx_answers += o->mx_answers;
	if (o->qdcount > DNS_MAX_QUERIES)
		cnt->dns_records_capped += o->qdcount - DNS_MAX_QUERIES;
	if (o->ancount > DNS_MAX_ANSWERS)
		cnt->dns_records_capped += o->ancount - DNS_MAX_ANSWERS;
}

/*
 * Whether ldns read the records the outline walked: the same questions,
 * the same answer types, the same MX owners and exchanges.  The rules
 * screened the outline's names, and alert on ldns's; where the two differ
 * (a message ldns reads out of step, from bytes the record lengths leave
 * out) the message is malformed.
 */
static bool
same_records(struct slice msg, const struct dns_outline *o,
    const struct dns_message *out)
{
	char text[DNS_NAME_TEXT_MAX];
	unsigned nmx = 0;

	if (out->nqueries != o->nquestions ||
	    out->nanswers != (o->ancount < DNS_MAX_ANSWERS ? o->ancount :
	    DNS_MAX_ANSWERS))
		return false;
	for (unsigned i = 0; i < out->nqueries; i++) {
		dns_name_text(msg, o->qnames[i], text, sizeof(text));
		if (out->queries[i].type != o->qtypes[i] ||
		    strcmp(out->queries[i].name, text) != 0)
			return false;
	}
	for (unsigned i = 0; i < out->nanswers; i++) {
		const struct dns_rr *a = &out->answers[i];
		if (a->type != o->antypes[i])
			return false;
		if (a->type != DNS_TYPE_MX)
			continue;
		if (nmx >= o->nmx || !a->has_rdata)
			return false;
		dns_name_text(msg, o->mx_owners[nmx], text, sizeof(text));
		if (strcmp(a->name, text) != 0)
			return false;
		dns_name_text(msg, o->mx_exchanges[nmx], text, sizeof(text));
		if (strcmp(a->rdata, text) != 0)
			return false;
		nmx++;
	}
	return nmx == o->nmx;
}

/* The header fields of out, and no records yet. */
static void
header_of(const struct dns_outline *o, struct dns_message *out)
{
	out->id = o->id;
	out->flags = o->flags;
	out->qr = o->qr;
	out->opcode = (uint8_t)((o->flags >> 11) & 0x0f);
	out->rcode = (uint8_t)(o->flags & 0x000f);
	out->nqueries = 0;
	out->nanswers = 0;
}

/* The questions and answers ldns reads in wire into out; false if none. */
static bool
ldns_fill(const uint8_t *wire, size_t len, struct dns_message *out)
{
	ldns_pkt *pkt = NULL;

	if (ldns_wire2pkt(&pkt, wire, len) != LDNS_STATUS_OK)
		return false;
	const ldns_rr_list *q = ldns_pkt_question(pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(q) &&
	    out->nqueries < DNS_MAX_QUERIES; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(q, i);
		struct dns_rr *r = &out->queries[out->nqueries++];
		name_to_text(ldns_rr_owner(rr), r->name, sizeof(r->name));
		r->type = (uint16_t)ldns_rr_get_type(rr);
		r->ttl = 0;
		r->has_rdata = false;
	}

	const ldns_rr_list *an = ldns_pkt_answer(pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an) &&
	    out->nanswers < DNS_MAX_ANSWERS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		struct dns_rr *r = &out->answers[out->nanswers++];
		name_to_text(ldns_rr_owner(rr), r->name, sizeof(r->name));
		r->type = (uint16_t)ldns_rr_get_type(rr);
		r->ttl = ldns_rr_ttl(rr);
		rdata_to_text(rr, r);
	}
	ldns_pkt_free(pkt);
	return true;
}

/* The whole sections of a partial message are copied to decode them. */
#define DNS_CUT_MAX	4096

/*
 * Decodes the header and questions of msg, and its answers too when
 * `answers` (they must be whole), as if the message ended there: a copy
 * with the later counts set to zero goes to ldns.
 */
static bool
decode_cut(struct slice msg, const struct dns_outline *o, bool answers,
    struct dns_message *out)
{
	uint8_t wire[DNS_CUT_MAX];
	size_t len = answers ? o->an_end : o->q_end;
	struct cursor c = cur_init(msg.p, msg.len);
	struct dns_outline kept = *o;

	if (len < DNS_HEADER_LEN || len > sizeof(wire))
		return false;
	cur_copy(&c, wire, len);
	if (c.err)
		return false;
	if (!answers) {
		wire[6] = wire[7] = 0;		/* ancount */
		kept.ancount = 0;
		kept.nmx = 0;
	}
	memset(wire + 8, 0, 4);			/* nscount, arcount */
	header_of(o, out);
	return ldns_fill(wire, len, out) && same_records(msg, &kept, out);
}

enum ts_status
dns_decode_outlined(struct slice msg, const struct dns_outline *o,
    struct dns_message *out, struct counters *cnt)
{
	header_of(o, out);
	if (!o->partial && ldns_fill(msg.p, msg.len, out) &&
	    same_records(msg, o, out)) {
		dns_count(o, cnt);
		return TS_OK;
	}
	/*
	 * Partial, or ldns refused (or read out of step) a later section:
	 * the whole sections alone, answers first if they are whole.
	 */
	if ((o->an_end != 0 && decode_cut(msg, o, true, out)) ||
	    decode_cut(msg, o, false, out)) {
		if (!o->partial)
			cnt->dns_partial++;
		dns_count(o, cnt);
		return TS_OK;
	}
	header_of(o, out);
	cnt->dns_malformed++;
	return TS_INVALID;
}

enum ts_status
dns_decode(struct slice msg, struct dns_message *out, struct counters *cnt)
{
	struct dns_outline o;
	enum ts_status st = dns_outline(msg, &o, cnt);

	if (st != TS_OK) {
		header_of(&o, out);
		return st;
	}
	return dns_decode_outlined(msg, &o, out, cnt);
}
