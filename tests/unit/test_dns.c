/*
 * test_dns.c — dns_decode() on hand-built DNS messages: queries and
 * responses with compression, the presentation form of odd names, the
 * record caps, and malformed messages (loops, forward pointers, cut
 * records), which must be counted and never crash.
 *
 * Each message is decoded from a heap copy of exactly its length, so that
 * AddressSanitizer reports any read past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../decoders/counters.h"
#include "../../decoders/dns.h"

#define CLASS_IN	1
#define TYPE_TXT	16

/* ---- Building messages ---- */

struct msg {
	uint8_t		 b[2048];
	size_t		 len;
	uint8_t		*data;		/* what was decoded: a heap copy */
};

static void
put8(struct msg *m, uint8_t v)
{
	assert_true(m->len < sizeof(m->b));
	m->b[m->len++] = v;
}

static void
put16(struct msg *m, uint16_t v)
{
	put8(m, (uint8_t)(v >> 8));
	put8(m, (uint8_t)v);
}

static void
put32(struct msg *m, uint32_t v)
{
	put16(m, (uint16_t)(v >> 16));
	put16(m, (uint16_t)v);
}

static void
putn(struct msg *m, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		put8(m, b[i]);
}

static void
header(struct msg *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
    uint16_t ns, uint16_t ar)
{
	m->len = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* One label of raw bytes. */
static void
label(struct msg *m, const void *p, size_t n)
{
	assert_true(n > 0 && n <= 63);
	put8(m, (uint8_t)n);
	putn(m, p, n);
}

/* The labels of a plain dotted name, without the final zero. */
static void
labels(struct msg *m, const char *text)
{
	while (*text != '\0') {
		size_t n = strcspn(text, ".");
		label(m, text, n);
		text += n;
		if (*text == '.')
			text++;
	}
}

/* A whole uncompressed name; returns its offset. */
static size_t
name(struct msg *m, const char *text)
{
	size_t at = m->len;

	labels(m, text);
	put8(m, 0);
	return at;
}

static void
pointer(struct msg *m, size_t to)
{
	put16(m, (uint16_t)(0xc000 | to));
}

static void
question(struct msg *m, uint16_t type)
{
	put16(m, type);
	put16(m, CLASS_IN);
}

/* Type, class, TTL and rdata length of a record whose owner is written. */
static void
rr(struct msg *m, uint16_t type, uint32_t ttl, uint16_t rdlen)
{
	put16(m, type);
	put16(m, CLASS_IN);
	put32(m, ttl);
	put16(m, rdlen);
}

/* ---- Decoding and checking ---- */

static struct dns_message out;

static void
msg_free(struct msg *m)
{
	free(m->data);
	m->data = NULL;
}

static enum ts_status
decode_n(struct msg *m, size_t len, struct counters *cnt)
{
	assert_true(len <= m->len);
	msg_free(m);
	m->data = malloc(len > 0 ? len : 1);
	assert_non_null(m->data);
	memcpy(m->data, m->b, len);
	memset(&out, 0xa5, sizeof(out));
	memset(cnt, 0, sizeof(*cnt));
	struct slice s = { m->data, len };
	return dns_decode(s, &out, cnt);
}

static enum ts_status
decode(struct msg *m, struct counters *cnt)
{
	return decode_n(m, m->len, cnt);
}

static const struct {
	const char	*name;
	size_t		 off;
} counter_fields[] = {
#define TS_COUNTER_ENTRY(name, desc) { #name, offsetof(struct counters, name) },
	TS_COUNTERS(TS_COUNTER_ENTRY)
#undef TS_COUNTER_ENTRY
};

#define NCOUNTERS (sizeof(counter_fields) / sizeof(counter_fields[0]))

/*
 * Checks every counter: the ones named (name, value pairs ending in NULL)
 * have those values, all others are zero.
 */
static void
expect_counters(const struct counters *cnt, ...)
{
	uint64_t want[NCOUNTERS] = { 0 };
	const char *cname;
	va_list ap;

	va_start(ap, cnt);
	while ((cname = va_arg(ap, const char *)) != NULL) {
		int v = va_arg(ap, int);
		size_t i;
		for (i = 0; i < NCOUNTERS; i++)
			if (strcmp(counter_fields[i].name, cname) == 0)
				break;
		if (i == NCOUNTERS)
			fail_msg("no counter named %s", cname);
		want[i] = (uint64_t)v;
	}
	va_end(ap);
	for (size_t i = 0; i < NCOUNTERS; i++) {
		uint64_t got;
		memcpy(&got, (const char *)cnt + counter_fields[i].off,
		    sizeof(got));
		if (got != want[i])
			fail_msg("counter %s is %llu, expected %llu",
			    counter_fields[i].name, (unsigned long long)got,
			    (unsigned long long)want[i]);
	}
}

/* ---- Queries and responses ---- */

static void
mx_query(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct counters cnt;

	header(&m, 0xbeef, 0x0100, 1, 0, 0, 0);		/* RD */
	name(&m, "example.com");
	question(&m, DNS_TYPE_MX);
	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_int_equal(out.id, 0xbeef);
	assert_int_equal(out.flags, 0x0100);
	assert_false(out.qr);
	assert_int_equal(out.opcode, 0);
	assert_int_equal(out.rcode, 0);
	assert_int_equal(out.nqueries, 1);
	assert_int_equal(out.nanswers, 0);
	assert_string_equal(out.queries[0].name, "example.com");
	assert_int_equal(out.queries[0].type, DNS_TYPE_MX);
	assert_false(out.queries[0].has_rdata);
	expect_counters(&cnt, "dns_messages", 1, "dns_queries", 1,
	    "dns_mx_questions", 1, NULL);
	msg_free(&m);
}

/*
 * An MX response whose names are compressed: owners point at the
 * question, the exchanges end in pointers to the whole question name and
 * to its last label.  Upper case is kept as sent.
 */
static void
mx_response_compressed(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct counters cnt;

	header(&m, 0x1234, 0x8180, 1, 2, 0, 0);		/* QR RD RA */
	size_t q = name(&m, "Example.COM");
	question(&m, DNS_TYPE_MX);

	pointer(&m, q);
	rr(&m, DNS_TYPE_MX, 3600, 2 + 4 + 2);
	put16(&m, 10);
	labels(&m, "MX1");
	pointer(&m, q);

	pointer(&m, q);
	rr(&m, DNS_TYPE_MX, 300, 2 + 4 + 2);
	put16(&m, 20);
	labels(&m, "mx2");
	pointer(&m, q + 8);			/* "COM" */

	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_int_equal(out.id, 0x1234);
	assert_int_equal(out.flags, 0x8180);
	assert_true(out.qr);
	assert_int_equal(out.opcode, 0);
	assert_int_equal(out.rcode, 0);
	assert_int_equal(out.nqueries, 1);
	assert_string_equal(out.queries[0].name, "Example.COM");
	assert_int_equal(out.queries[0].type, DNS_TYPE_MX);
	assert_int_equal(out.nanswers, 2);
	assert_string_equal(out.answers[0].name, "Example.COM");
	assert_int_equal(out.answers[0].type, DNS_TYPE_MX);
	assert_int_equal(out.answers[0].ttl, 3600);
	assert_true(out.answers[0].has_rdata);
	assert_string_equal(out.answers[0].rdata, "MX1.Example.COM");
	assert_string_equal(out.answers[1].name, "Example.COM");
	assert_int_equal(out.answers[1].ttl, 300);
	assert_true(out.answers[1].has_rdata);
	assert_string_equal(out.answers[1].rdata, "mx2.COM");
	expect_counters(&cnt, "dns_messages", 1, "dns_responses", 1,
	    "dns_mx_questions", 1, "dns_mx_answers", 2, NULL);
	msg_free(&m);
}

/*
 * The outline of the compressed MX response above, read without ldns:
 * the offsets it gives name the same names ldns decodes, and the hash of
 * a name is the hash of its lowercase text.
 */
static void
outline_of_mx_response(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct dns_outline o;
	struct counters cnt = { 0 };
	char text[DNS_NAME_TEXT_MAX];
	uint64_t h;

	header(&m, 0x1234, 0x8180, 1, 3, 0, 0);
	size_t q = name(&m, "Example.COM");
	question(&m, DNS_TYPE_MX);
	pointer(&m, q);
	rr(&m, DNS_TYPE_MX, 3600, 2 + 4 + 2);
	put16(&m, 10);
	size_t mx1 = m.len;
	labels(&m, "MX1");
	pointer(&m, q);
	pointer(&m, q);
	rr(&m, DNS_TYPE_MX, 300, 2 + 4 + 2);
	put16(&m, 20);
	labels(&m, "mx2");
	pointer(&m, q + 8);			/* "COM" */
	pointer(&m, mx1);
	rr(&m, DNS_TYPE_A, 60, 4);
	putn(&m, "\xc0\x00\x02\x01", 4);

	struct slice s = { m.b, m.len };
	assert_int_equal(dns_outline(s, &o, &cnt), TS_OK);
	assert_true(o.qr);
	assert_int_equal(o.nquestions, 1);
	assert_int_equal(o.qtypes[0], DNS_TYPE_MX);
	assert_int_equal(o.qnames[0], q);
	assert_int_equal(o.mx_questions, 1);
	assert_int_equal(o.mx_answers, 2);
	assert_int_equal(o.nmx, 2);
	/* An owner that is one pointer is the name it points at. */
	assert_int_equal(o.mx_owners[0], q);
	assert_int_equal(o.mx_owners[1], q);
	assert_int_equal(o.mx_exchanges[0], mx1);
	dns_name_text(s, o.mx_exchanges[1], text, sizeof(text));
	assert_string_equal(text, "mx2.COM");
	assert_int_equal(o.naddr_owners, 1);
	assert_int_equal(o.addr_owners[0], mx1);
	/* \3MX1\7Example\3COM\0, however it is compressed. */
	assert_int_equal(o.addr_owner_wire[0], 17);
	dns_name_text(s, o.addr_owners[0], text, sizeof(text));
	assert_string_equal(text, "MX1.Example.COM");
	assert_true(dns_name_hash(s, o.addr_owners[0], &h));
	assert_true(h == dns_name_hash_text("mx1.example.com"));
	assert_true(h != dns_name_hash_text("mx1.example.co"));
	/* Only dns_messages so far: the rest is counted by dns_count(). */
	expect_counters(&cnt, "dns_messages", 1, NULL);
	dns_count(&o, &cnt);
	expect_counters(&cnt, "dns_messages", 1, "dns_responses", 1,
	    "dns_mx_questions", 1, "dns_mx_answers", 2, NULL);

	/* The same through ldns. */
	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_string_equal(out.answers[0].rdata, "MX1.Example.COM");
	assert_string_equal(out.answers[2].name, "MX1.Example.COM");
	msg_free(&m);
}

/* The root and bad names have no hash, bad offsets no text. */
static void
name_hash_refusals(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	char text[DNS_NAME_TEXT_MAX];
	uint64_t h;

	header(&m, 1, 0x0100, 1, 0, 0, 0);
	size_t spaced = m.len;
	label(&m, "a b", 3);
	labels(&m, "ml");
	size_t root = m.len;
	put8(&m, 0);
	size_t fwd = m.len;
	pointer(&m, fwd);			/* points at itself */

	struct slice s = { m.b, m.len };
	/* Any bytes hash, in any case; the text escapes them. */
	assert_true(dns_name_hash(s, spaced, &h));
	assert_true(h == dns_name_hash_text("A B.ML"));
	dns_name_text(s, spaced, text, sizeof(text));
	assert_string_equal(text, "a\\032b.ml");
	assert_false(dns_name_hash(s, root, &h));
	dns_name_text(s, root, text, sizeof(text));
	assert_string_equal(text, ".");
	assert_false(dns_name_hash(s, fwd, &h));
	dns_name_text(s, fwd, text, sizeof(text));
	assert_string_equal(text, "");
	dns_name_text(s, m.len + 10, text, sizeof(text));
	assert_string_equal(text, "");
}

/*
 * Rdata longer than its fields: ldns would read the next record from the
 * leftover (found by fuzz_dns, tests/fuzz/README.md); the message is
 * malformed.  Likewise an address of the wrong length.
 */
static void
rdata_past_its_fields(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct counters cnt;

	header(&m, 9, 0x8180, 1, 1, 0, 0);
	size_t q = name(&m, "gmail.com");
	question(&m, DNS_TYPE_MX);
	pointer(&m, q);
	rr(&m, DNS_TYPE_MX, 60, 2 + 4 + 2 + 3);
	put16(&m, 10);
	labels(&m, "mx1");
	pointer(&m, q);
	putn(&m, "\x01x\x00", 3);			/* left over */
	/* The question is whole: partial, the answer left out. */
	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_int_equal(out.nqueries, 1);
	assert_int_equal(out.nanswers, 0);
	expect_counters(&cnt, "dns_messages", 1, "dns_partial", 1,
	    "dns_responses", 1, "dns_mx_questions", 1, NULL);

	m.len = 0;
	header(&m, 9, 0x8180, 1, 1, 0, 0);
	q = name(&m, "example.com");
	question(&m, DNS_TYPE_A);
	pointer(&m, q);
	rr(&m, DNS_TYPE_A, 60, 5);
	putn(&m, "\xc0\x00\x02\x01\x00", 5);
	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_int_equal(out.nanswers, 0);
	expect_counters(&cnt, "dns_messages", 1, "dns_partial", 1,
	    "dns_responses", 1, NULL);
	msg_free(&m);
}

/* A CNAME chain to A and AAAA records; TXT has no rdata we log. */
static void
address_answers(void **state)
{
	(void)state;
	static const uint8_t v4[4] = { 192, 0, 2, 80 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x80 };
	struct msg m = { .len = 0 };
	struct counters cnt;

	header(&m, 7, 0x8580, 1, 4, 0, 0);		/* QR AA RD RA */
	size_t q = name(&m, "www.example.com");
	question(&m, DNS_TYPE_A);

	pointer(&m, q);
	rr(&m, DNS_TYPE_CNAME, 60, 4 + 2);
	size_t web = m.len;
	labels(&m, "web");
	pointer(&m, q + 4);			/* "example.com" */

	pointer(&m, web);
	rr(&m, DNS_TYPE_A, 120, 4);
	putn(&m, v4, 4);

	pointer(&m, web);
	rr(&m, DNS_TYPE_AAAA, 0x7fffffff, 16);
	putn(&m, v6, 16);

	pointer(&m, web);
	rr(&m, TYPE_TXT, 5, 3);
	label(&m, "hi", 2);

	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_int_equal(out.rcode, 0);
	assert_int_equal(out.nanswers, 4);
	assert_string_equal(out.answers[0].name, "www.example.com");
	assert_int_equal(out.answers[0].type, DNS_TYPE_CNAME);
	assert_true(out.answers[0].has_rdata);
	assert_string_equal(out.answers[0].rdata, "web.example.com");
	assert_string_equal(out.answers[1].name, "web.example.com");
	assert_int_equal(out.answers[1].type, DNS_TYPE_A);
	assert_int_equal(out.answers[1].ttl, 120);
	assert_true(out.answers[1].has_rdata);
	assert_string_equal(out.answers[1].rdata, "192.0.2.80");
	assert_int_equal(out.answers[2].type, DNS_TYPE_AAAA);
	assert_int_equal(out.answers[2].ttl, 0x7fffffff);
	assert_true(out.answers[2].has_rdata);
	assert_string_equal(out.answers[2].rdata, "2001:db8::80");
	assert_int_equal(out.answers[3].type, TYPE_TXT);
	assert_false(out.answers[3].has_rdata);
	expect_counters(&cnt, "dns_messages", 1, "dns_responses", 1, NULL);
	msg_free(&m);
}

static void
nxdomain(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct counters cnt;
	char buf[16];

	header(&m, 9, 0x8183, 1, 0, 0, 0);
	name(&m, "gmial.com");
	question(&m, DNS_TYPE_MX);
	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_true(out.qr);
	assert_int_equal(out.rcode, 3);
	assert_string_equal(dns_rcode_name(out.rcode, buf), "NXDOMAIN");
	assert_int_equal(out.nanswers, 0);
	expect_counters(&cnt, "dns_messages", 1, "dns_responses", 1,
	    "dns_mx_questions", 1, NULL);
	msg_free(&m);
}

/* More answers than DNS_MAX_ANSWERS: the first ones are kept. */
static void
answers_capped(void **state)
{
	(void)state;
	const unsigned n = DNS_MAX_ANSWERS + 4;
	struct msg m = { .len = 0 };
	struct counters cnt;

	header(&m, 1, 0x8180, 1, (uint16_t)n, 0, 0);
	size_t q = name(&m, "many.example");
	question(&m, DNS_TYPE_A);
	for (unsigned i = 0; i < n; i++) {
		pointer(&m, q);
		rr(&m, DNS_TYPE_A, i, 4);
		put32(&m, 0x0a000000 | i);
	}
	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_int_equal(out.nanswers, DNS_MAX_ANSWERS);
	assert_string_equal(out.answers[0].rdata, "10.0.0.0");
	assert_string_equal(out.answers[DNS_MAX_ANSWERS - 1].rdata,
	    "10.0.0.15");
	assert_int_equal(out.answers[DNS_MAX_ANSWERS - 1].ttl,
	    DNS_MAX_ANSWERS - 1);
	expect_counters(&cnt, "dns_messages", 1, "dns_responses", 1,
	    "dns_records_capped", 4, NULL);
	msg_free(&m);
}

static void
queries_capped(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct counters cnt;
	char text[8];

	header(&m, 2, 0x0000, DNS_MAX_QUERIES + 1, 0, 0, 0);
	for (unsigned i = 0; i < DNS_MAX_QUERIES + 1; i++) {
		snprintf(text, sizeof(text), "q%u.mil", i);
		name(&m, text);
		question(&m, DNS_TYPE_MX);
	}
	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_int_equal(out.nqueries, DNS_MAX_QUERIES);
	assert_string_equal(out.queries[0].name, "q0.mil");
	assert_string_equal(out.queries[DNS_MAX_QUERIES - 1].name, "q3.mil");
	expect_counters(&cnt, "dns_messages", 1, "dns_queries", 1,
	    "dns_mx_questions", DNS_MAX_QUERIES + 1,
	    "dns_records_capped", 1, NULL);
	msg_free(&m);
}

/*
 * A message the capture cut (dns_outline(), then dns_outline_cut()): cut
 * in the questions it is truncated, not malformed; cut after them,
 * partial as usual.
 */
static void
cut_by_capture(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct counters cnt;
	struct dns_outline o;

	header(&m, 3, 0x0100, 1, 0, 0, 1);
	name(&m, "army.ml");
	question(&m, DNS_TYPE_MX);
	size_t q_end = m.len;
	put8(&m, 0);				/* OPT: root owner, */
	put16(&m, 41);				/* type, */
	put16(&m, 1232);			/* class: payload size, */
	put32(&m, 0);				/* TTL, */
	put16(&m, 0);				/* no options */
	for (size_t len = 12; len < m.len; len++) {
		struct slice cut = { m.b, len };
		memset(&cnt, 0, sizeof(cnt));
		enum ts_status st = dns_outline(cut, &o, &cnt);
		dns_outline_cut(st, &cnt);
		if (len < q_end) {
			assert_int_equal(st, TS_INVALID);
			expect_counters(&cnt, "dns_messages", 1,
			    "dns_truncated", 1, NULL);
			/* The same bytes, not known to be cut: malformed. */
			memset(&cnt, 0, sizeof(cnt));
			assert_int_equal(dns_outline(cut, &o, &cnt),
			    TS_INVALID);
			expect_counters(&cnt, "dns_messages", 1,
			    "dns_malformed", 1, NULL);
		} else {
			assert_int_equal(st, TS_OK);
			assert_int_equal(o.mx_questions, 1);
			expect_counters(&cnt, "dns_messages", 1,
			    "dns_partial", 1, NULL);
		}
	}
	msg_free(&m);
}

/* ---- What is not decoded ---- */

static void
short_header(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct counters cnt;

	header(&m, 3, 0x0100, 1, 0, 0, 0);
	for (size_t len = 0; len < 12; len++) {
		assert_int_equal(decode_n(&m, len, &cnt), TS_TRUNCATED);
		expect_counters(&cnt, "dns_messages", 1, "dns_truncated", 1,
		    NULL);
	}
	msg_free(&m);
}

static void
not_query_opcode(void **state)
{
	(void)state;
	static const uint8_t opcodes[] = { 1, 2, 4, 5, 15 };
	struct msg m = { .len = 0 };
	struct counters cnt;

	for (size_t i = 0; i < sizeof(opcodes); i++) {
		/* NOTIFY (RFC 1996) and UPDATE (RFC 2136) have a zone. */
		header(&m, 4, (uint16_t)(opcodes[i] << 11), 1, 0, 0, 0);
		name(&m, "example.com");
		question(&m, 6);			/* SOA */
		assert_int_equal(decode(&m, &cnt), TS_UNSUPPORTED);
		assert_int_equal(out.opcode, opcodes[i]);
		assert_int_equal(out.nqueries, 0);
		expect_counters(&cnt, "dns_messages", 1,
		    "dns_not_query_opcode", 1, NULL);
	}
	msg_free(&m);
}

static void
no_question(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct counters cnt;

	header(&m, 5, 0x8180, 0, 1, 0, 0);
	name(&m, "example.com");
	rr(&m, DNS_TYPE_A, 1, 4);
	put32(&m, 0x7f000001);
	assert_int_equal(decode(&m, &cnt), TS_UNSUPPORTED);
	assert_int_equal(out.nqueries, 0);
	assert_int_equal(out.nanswers, 0);
	expect_counters(&cnt, "dns_messages", 1, "dns_no_question", 1, NULL);
	msg_free(&m);
}

/* ---- Malformed messages ---- */

static void
expect_malformed(struct msg *m, const char *what)
{
	struct counters cnt;
	enum ts_status st = decode(m, &cnt);

	if (st != TS_INVALID)
		fail_msg("%s: status %d, expected TS_INVALID", what, st);
	expect_counters(&cnt, "dns_messages", 1, "dns_malformed", 1, NULL);
	msg_free(m);
}

/*
 * A message whose header and questions are whole but a later record is
 * not: partial.  Its questions are decoded, its answers left out.
 */
static void
expect_partial(struct msg *m, const char *what)
{
	struct counters cnt;
	enum ts_status st = decode(m, &cnt);

	if (st != TS_OK)
		fail_msg("%s: status %d, expected TS_OK (partial)", what, st);
	if (cnt.dns_partial != 1 || cnt.dns_malformed != 0 ||
	    out.nqueries == 0 || out.nanswers != 0)
		fail_msg("%s: partial %d, malformed %d, %u questions, %u answers",
		    what, (int)cnt.dns_partial, (int)cnt.dns_malformed,
		    out.nqueries, out.nanswers);
	msg_free(m);
}

static void
compression_loop(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };

	/* The question name is a pointer to itself. */
	header(&m, 6, 0x0100, 1, 0, 0, 0);
	pointer(&m, 12);
	question(&m, DNS_TYPE_MX);
	expect_malformed(&m, "pointer to itself");

	/* Two pointers to each other. */
	header(&m, 6, 0x0100, 1, 0, 0, 0);
	pointer(&m, 14);
	pointer(&m, 12);
	question(&m, DNS_TYPE_MX);
	expect_malformed(&m, "pointers to each other");

	/* A label, then a pointer back to the start of the same name. */
	header(&m, 6, 0x0100, 1, 0, 0, 0);
	labels(&m, "loop");
	pointer(&m, 12);
	question(&m, DNS_TYPE_MX);
	expect_malformed(&m, "label then pointer to itself");

	/* In an answer: the owner points at itself. */
	header(&m, 6, 0x8180, 1, 1, 0, 0);
	name(&m, "example.com");
	question(&m, DNS_TYPE_MX);
	pointer(&m, m.len);
	rr(&m, DNS_TYPE_A, 1, 4);
	put32(&m, 0x7f000001);
	expect_partial(&m, "answer owner pointer to itself");
}

/*
 * RFC 1035 4.1.4: a pointer refers to a prior occurrence of a name.  A
 * pointer forward is refused even when it leads to a valid name.
 */
static void
forward_pointer(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };

	/* The question name points to a name after the question. */
	header(&m, 7, 0x0100, 1, 0, 0, 0);
	pointer(&m, 12 + 2 + 4);
	question(&m, DNS_TYPE_MX);
	name(&m, "foo.example");
	expect_malformed(&m, "question name pointing forward");

	/* An MX exchange pointing forward into the additional section. */
	header(&m, 7, 0x8180, 1, 1, 0, 1);
	size_t q = name(&m, "example.com");
	question(&m, DNS_TYPE_MX);
	pointer(&m, q);
	rr(&m, DNS_TYPE_MX, 60, 4);
	put16(&m, 10);
	size_t fwd = m.len;
	pointer(&m, 0);				/* patched below */
	size_t mx = m.len;
	labels(&m, "mx");
	pointer(&m, q);
	rr(&m, DNS_TYPE_A, 60, 4);
	put32(&m, 0xc0000201);
	m.b[fwd] = (uint8_t)(0xc0 | mx >> 8);
	m.b[fwd + 1] = (uint8_t)mx;
	expect_partial(&m, "MX exchange pointing forward");

	/* An answer owner pointing into the name of a later record. */
	header(&m, 7, 0x8180, 1, 2, 0, 0);
	q = name(&m, "example.com");
	question(&m, DNS_TYPE_A);
	pointer(&m, m.len + 2 + 10 + 4);
	rr(&m, DNS_TYPE_A, 60, 4);
	put32(&m, 0xc0000201);
	name(&m, "later.example.com");
	rr(&m, DNS_TYPE_A, 60, 4);
	put32(&m, 0xc0000202);
	expect_partial(&m, "answer owner pointing forward");

	/* A pointer beyond the end of the message. */
	header(&m, 7, 0x0100, 1, 0, 0, 0);
	pointer(&m, 0x3fff);
	question(&m, DNS_TYPE_MX);
	expect_malformed(&m, "pointer past the end");
}

static void
truncated_records(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };

	/* The rdata length claims more than there is. */
	header(&m, 8, 0x8180, 1, 1, 0, 0);
	size_t q = name(&m, "example.com");
	question(&m, DNS_TYPE_MX);
	pointer(&m, q);
	rr(&m, DNS_TYPE_MX, 60, 20);
	put16(&m, 10);
	labels(&m, "mx");
	pointer(&m, q);
	expect_partial(&m, "rdata length past the end");

	/* An MX exchange running past its rdata length. */
	header(&m, 8, 0x8180, 1, 1, 0, 0);
	q = name(&m, "example.com");
	question(&m, DNS_TYPE_MX);
	pointer(&m, q);
	rr(&m, DNS_TYPE_MX, 60, 4);
	put16(&m, 10);
	labels(&m, "mx");
	pointer(&m, q);
	expect_partial(&m, "exchange past its rdata");

	/* A record cut inside its TTL. */
	header(&m, 8, 0x8180, 1, 1, 0, 0);
	q = name(&m, "example.com");
	question(&m, DNS_TYPE_MX);
	pointer(&m, q);
	put16(&m, DNS_TYPE_MX);
	put16(&m, CLASS_IN);
	put16(&m, 0);
	expect_partial(&m, "cut inside the TTL");

	/* A label longer than what is left. */
	header(&m, 8, 0x0100, 1, 0, 0, 0);
	put8(&m, 63);
	putn(&m, "abc", 3);
	expect_malformed(&m, "label past the end");

	/* A question without its type and class. */
	header(&m, 8, 0x0100, 1, 0, 0, 0);
	name(&m, "example.com");
	put16(&m, DNS_TYPE_MX);
	expect_malformed(&m, "question cut before its class");

	/* Label lengths 64-191 are not labels (RFC 6891 section 5). */
	header(&m, 8, 0x0100, 1, 0, 0, 0);
	put8(&m, 0x40);
	putn(&m, "abc", 3);
	put8(&m, 0);
	question(&m, DNS_TYPE_MX);
	expect_malformed(&m, "extended label type");

	/* Four labels of 63: 257 bytes, longer than 255 (RFC 1035 3.1). */
	uint8_t a63[63];
	memset(a63, 'a', sizeof(a63));
	header(&m, 8, 0x0100, 1, 0, 0, 0);
	for (int i = 0; i < 4; i++)
		label(&m, a63, sizeof(a63));
	put8(&m, 0);
	question(&m, DNS_TYPE_MX);
	expect_malformed(&m, "name longer than 255 bytes");
}

/* 65535 questions announced, one present. */
static void
question_count_lies(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };

	header(&m, 9, 0x0100, 65535, 0, 0, 0);
	name(&m, "example.com");
	question(&m, DNS_TYPE_MX);
	expect_malformed(&m, "qdcount 65535");

	header(&m, 9, 0x8180, 1, 65535, 65535, 65535);
	name(&m, "example.com");
	question(&m, DNS_TYPE_MX);
	expect_partial(&m, "every record count 65535");
}

/* Every prefix of a valid response: counted, never a crash. */
static void
every_truncation(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct counters cnt;

	header(&m, 10, 0x8180, 1, 2, 0, 1);
	size_t q = name(&m, "example.com");
	question(&m, DNS_TYPE_MX);
	size_t qend = m.len;
	pointer(&m, q);
	rr(&m, DNS_TYPE_MX, 3600, 2 + 4 + 2);
	put16(&m, 10);
	size_t mx = m.len;
	labels(&m, "mx1");
	pointer(&m, q);
	pointer(&m, q);
	rr(&m, DNS_TYPE_CNAME, 3600, 2);
	pointer(&m, mx);
	size_t anend = m.len;
	pointer(&m, mx);
	rr(&m, DNS_TYPE_AAAA, 3600, 16);
	for (int i = 0; i < 16; i++)
		put8(&m, (uint8_t)i);

	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_int_equal(out.nanswers, 2);
	assert_string_equal(out.answers[1].rdata, "mx1.example.com");
	for (size_t len = 0; len < m.len; len++) {
		enum ts_status st = decode_n(&m, len, &cnt);
		if (len < 12) {
			assert_int_equal(st, TS_TRUNCATED);
			expect_counters(&cnt, "dns_messages", 1,
			    "dns_truncated", 1, NULL);
		} else if (len < qend) {
			if (st != TS_INVALID)
				fail_msg("length %zu: status %d", len, st);
			expect_counters(&cnt, "dns_messages", 1,
			    "dns_malformed", 1, NULL);
		} else {
			/*
			 * The question whole, a record cut: partial, the
			 * answers kept only when both are whole.
			 */
			if (st != TS_OK || cnt.dns_partial != 1 ||
			    out.nqueries != 1 ||
			    out.nanswers != (len >= anend ? 2u : 0u))
				fail_msg("length %zu: status %d, not partial",
				    len, st);
		}
	}
	msg_free(&m);
}

/* ---- Names in presentation form ---- */

/*
 * RFC 4343 section 2.1: '.' and '\' inside a label are escaped with a
 * backslash, and bytes that are not printable ASCII (space included) as
 * "\DDD" in decimal.
 */
static void
name_escaping(void **state)
{
	(void)state;
	static const uint8_t odd[] = { 'a', '.', 'b', ' ', 'c', 0xff };
	static const uint8_t back[] = { 'x', '\\', 'y' };
	static const uint8_t ctl[] = { 0x00, 0x1f, 0x20, 0x21, 0x7e, 0x7f,
	    0x80, '-', '_' };
	struct msg m = { .len = 0 };
	struct counters cnt;

	header(&m, 11, 0x0000, 3, 0, 0, 0);
	label(&m, odd, sizeof(odd));
	label(&m, back, sizeof(back));
	name(&m, "com");
	question(&m, DNS_TYPE_MX);
	label(&m, ctl, sizeof(ctl));
	put8(&m, 0);
	question(&m, DNS_TYPE_A);
	name(&m, "UPPER.Case.ORG");
	question(&m, DNS_TYPE_MX);
	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_int_equal(out.nqueries, 3);
	assert_string_equal(out.queries[0].name, "a\\.b\\032c\\255.x\\\\y.com");
	assert_string_equal(out.queries[1].name,
	    "\\000\\031\\032!~\\127\\128-_");
	assert_string_equal(out.queries[2].name, "UPPER.Case.ORG");
	msg_free(&m);
}

static void
root_name(void **state)
{
	(void)state;
	struct msg m = { .len = 0 };
	struct counters cnt;

	/* A priming query and its answer: the root's name servers. */
	header(&m, 12, 0x8400, 1, 1, 0, 0);
	put8(&m, 0);
	question(&m, DNS_TYPE_NS);
	put8(&m, 0);
	rr(&m, DNS_TYPE_NS, 518400, 20);
	name(&m, "a.root-servers.net");
	assert_int_equal(decode(&m, &cnt), TS_OK);
	assert_int_equal(out.nqueries, 1);
	assert_string_equal(out.queries[0].name, ".");
	assert_int_equal(out.queries[0].type, DNS_TYPE_NS);
	assert_int_equal(out.nanswers, 1);
	assert_string_equal(out.answers[0].name, ".");
	assert_true(out.answers[0].has_rdata);
	assert_string_equal(out.answers[0].rdata, "a.root-servers.net");
	msg_free(&m);
}

/* The longest name, every byte escaped, fits the text buffer whole. */
static void
longest_name(void **state)
{
	(void)state;
	uint8_t l[63];
	struct msg m = { .len = 0 };
	struct counters cnt;

	memset(l, 0xff, sizeof(l));
	header(&m, 13, 0x0000, 1, 0, 0, 0);
	label(&m, l, 63);
	label(&m, l, 63);
	label(&m, l, 63);
	label(&m, l, 61);			/* 3 * 64 + 62 + 1 = 255 */
	put8(&m, 0);
	question(&m, DNS_TYPE_MX);
	assert_int_equal(decode(&m, &cnt), TS_OK);
	const char *text = out.queries[0].name;
	assert_int_equal(strlen(text), 250 * 4 + 3);
	/* Labels of 63, 63, 63 and 61 escaped bytes. */
	size_t i = 0, dots = 0, bytes = 0;
	while (text[i] != '\0') {
		if (text[i] == '.') {
			assert_int_equal(bytes, 63);
			bytes = 0;
			dots++;
			i++;
			continue;
		}
		assert_memory_equal(text + i, "\\255", 4);
		bytes++;
		i += 4;
	}
	assert_int_equal(dots, 3);
	assert_int_equal(bytes, 61);
	msg_free(&m);
}

/* ---- Names of types and rcodes ---- */

static void
type_and_rcode_names(void **state)
{
	(void)state;
	char buf[16];

	assert_string_equal(dns_type_name(DNS_TYPE_MX, buf), "MX");
	assert_string_equal(dns_type_name(DNS_TYPE_A, buf), "A");
	assert_string_equal(dns_type_name(DNS_TYPE_AAAA, buf), "AAAA");
	assert_string_equal(dns_type_name(DNS_TYPE_CNAME, buf), "CNAME");
	const char *s = dns_type_name(65280, buf);
	assert_string_equal(s, "TYPE65280");
	assert_ptr_equal(s, buf);
	assert_string_equal(dns_type_name(65535, buf), "TYPE65535");

	assert_string_equal(dns_rcode_name(0, buf), "NOERROR");
	assert_string_equal(dns_rcode_name(2, buf), "SERVFAIL");
	assert_string_equal(dns_rcode_name(3, buf), "NXDOMAIN");
	assert_string_equal(dns_rcode_name(5, buf), "REFUSED");
	s = dns_rcode_name(15, buf);
	assert_string_equal(s, "RCODE15");
	assert_ptr_equal(s, buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mx_query),
		cmocka_unit_test(mx_response_compressed),
		cmocka_unit_test(outline_of_mx_response),
		cmocka_unit_test(name_hash_refusals),
		cmocka_unit_test(rdata_past_its_fields),
		cmocka_unit_test(address_answers),
		cmocka_unit_test(nxdomain),
		cmocka_unit_test(answers_capped),
		cmocka_unit_test(queries_capped),
		cmocka_unit_test(cut_by_capture),
		cmocka_unit_test(short_header),
		cmocka_unit_test(not_query_opcode),
		cmocka_unit_test(no_question),
		cmocka_unit_test(compression_loop),
		cmocka_unit_test(forward_pointer),
		cmocka_unit_test(truncated_records),
		cmocka_unit_test(question_count_lies),
		cmocka_unit_test(every_truncation),
		cmocka_unit_test(name_escaping),
		cmocka_unit_test(root_name),
		cmocka_unit_test(longest_name),
		cmocka_unit_test(type_and_rcode_names),
	};

	return cmocka_run_group_tests_name("dns", tests, NULL, NULL);
}
