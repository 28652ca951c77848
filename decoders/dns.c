/*
 * dns.c — DNS message decoding.
 *
 * A cheap look at the 12-byte header first (RFC 1035 4.1.1): only standard
 * queries with a question can matter to us.  A walk over the names checks
 * that compression pointers point backwards.  Then ldns does the full parse
 * (name compression, record formats) and we copy out, into fixed-size
 * fields, the question and answer records in presentation form.  The ldns
 * packet is freed before returning; nothing of it outlives the call.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns.h"

#define DNS_HEADER_LEN	12
#define DNS_OPCODE_QUERY 0

/*
 * Writes a wire-format name (uncompressed, as ldns stores it) in
 * presentation form without the final dot: "." for the root, special and
 * non-printable bytes escaped as "\." "\\" "\DDD" (RFC 4343 section 2.1).
 */
static void
name_to_text(const ldns_rdf *rdf, char *out, size_t outlen)
{
	struct cursor c = cur_init(ldns_rdf_data(rdf), ldns_rdf_size(rdf));
	size_t o = 0;

	out[0] = '\0';
	while (cur_left(&c) > 0) {
		uint8_t len = cur_u8(&c);
		if (len == 0)
			break;
		struct slice label = cur_bytes(&c, len);
		if (c.err)
			break;
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
				snprintf(out + o, outlen - o, "\\%03u", b);
				o += 4;
			} else {
				out[o++] = (char)b;
			}
		}
	}
done:
	if (o == 0 && outlen > 1)
		out[o++] = '.';
	out[o] = '\0';
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
			out->has_rdata = inet_ntop(AF_INET,
			    ldns_rdf_data(ldns_rr_rdf(rr, 0)), out->rdata,
			    sizeof(out->rdata)) != NULL;
		return;
	case LDNS_RR_TYPE_AAAA:
		if (ldns_rr_rd_count(rr) == 1 &&
		    ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) == LDNS_RDF_TYPE_AAAA &&
		    ldns_rdf_size(ldns_rr_rdf(rr, 0)) == 16)
			out->has_rdata = inet_ntop(AF_INET6,
			    ldns_rdf_data(ldns_rr_rdf(rr, 0)), out->rdata,
			    sizeof(out->rdata)) != NULL;
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
 * Moves c past the name at c, following its compression pointers through
 * msg; false if the name is bad.  RFC 1035 4.1.4: a pointer refers to a prior occurrence of a name,
 * so each pointer must point before the previous one (tcpdump's rule),
 * which makes loops impossible.  ldns follows forward pointers too, and
 * reads a name in rdata beyond the rdata length, so we check first.
 */
static bool
skip_name(struct cursor *c, struct slice msg)
{
	struct cursor at = *c;
	size_t max = (size_t)(c->p - msg.p);	/* where the name starts */
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
	if (!jumped)
		*c = at;
	return true;
}

/*
 * Checks every owner name, and the names in the rdata we log, before ldns
 * sees the message.  rrcount is the answer, authority and additional
 * counts together.
 */
static bool
names_point_back(struct slice msg, unsigned qdcount, unsigned rrcount)
{
	struct cursor c = cur_init(msg.p, msg.len);

	cur_skip(&c, DNS_HEADER_LEN);
	for (unsigned i = 0; i < qdcount; i++) {
		if (!skip_name(&c, msg))
			return false;
		cur_skip(&c, 4);		/* type, class */
	}
	for (unsigned i = 0; i < rrcount; i++) {
		if (!skip_name(&c, msg))
			return false;
		uint16_t type = cur_u16(&c);
		cur_skip(&c, 6);		/* class, TTL */
		struct cursor rd = cur_sub(&c, cur_u16(&c));
		bool ok = true;
		switch (type) {
		case DNS_TYPE_MX:
			cur_skip(&rd, 2);	/* preference */
			ok = skip_name(&rd, msg);
			break;
		case DNS_TYPE_NS:
		case DNS_TYPE_CNAME:
		case DNS_TYPE_PTR:
			ok = skip_name(&rd, msg);
			break;
		}
		if (!ok || c.err)
			return false;
	}
	return !c.err;
}

enum ts_status
dns_decode(struct slice msg, struct dns_message *out, struct counters *cnt)
{
	struct cursor c = cur_init(msg.p, msg.len);
	ldns_pkt *pkt = NULL;

	cnt->dns_messages++;
	out->id = cur_u16(&c);
	out->flags = cur_u16(&c);
	uint16_t qdcount = cur_u16(&c);
	unsigned rrcount = cur_u16(&c);		/* answer, */
	rrcount += cur_u16(&c);			/* authority, */
	rrcount += cur_u16(&c);			/* additional */
	if (c.err) {
		cnt->dns_truncated++;
		return TS_TRUNCATED;
	}
	out->qr = (out->flags & 0x8000) != 0;
	out->opcode = (uint8_t)((out->flags >> 11) & 0x0f);
	out->rcode = (uint8_t)(out->flags & 0x000f);
	out->nqueries = 0;
	out->nanswers = 0;
	if (out->opcode != DNS_OPCODE_QUERY) {
		cnt->dns_not_query_opcode++;
		return TS_UNSUPPORTED;
	}
	if (qdcount == 0) {
		cnt->dns_no_question++;
		return TS_UNSUPPORTED;
	}

	if (!names_point_back(msg, qdcount, rrcount) ||
	    ldns_wire2pkt(&pkt, msg.p, msg.len) != LDNS_STATUS_OK) {
		cnt->dns_malformed++;
		return TS_INVALID;
	}
	if (out->qr)
		cnt->dns_responses++;
	else
		cnt->dns_queries++;

	const ldns_rr_list *q = ldns_pkt_question(pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(q); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(q, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_MX)
			cnt->dns_mx_questions++;
		if (out->nqueries == DNS_MAX_QUERIES) {
			cnt->dns_records_capped++;
			continue;
		}
		struct dns_rr *o = &out->queries[out->nqueries++];
		name_to_text(ldns_rr_owner(rr), o->name, sizeof(o->name));
		o->type = (uint16_t)ldns_rr_get_type(rr);
		o->ttl = 0;
		o->has_rdata = false;
	}

	const ldns_rr_list *an = ldns_pkt_answer(pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_MX)
			cnt->dns_mx_answers++;
		if (out->nanswers == DNS_MAX_ANSWERS) {
			cnt->dns_records_capped++;
			continue;
		}
		struct dns_rr *o = &out->answers[out->nanswers++];
		name_to_text(ldns_rr_owner(rr), o->name, sizeof(o->name));
		o->type = (uint16_t)ldns_rr_get_type(rr);
		o->ttl = ldns_rr_ttl(rr);
		rdata_to_text(rr, o);
	}
	ldns_pkt_free(pkt);
	return TS_OK;
}
