/*
 * tls.c — TLS records, hellos and the first certificate (see tls.h).
 *
 * The record layer is a small state machine over the bytes as they come
 * (a record header may be split anywhere); handshake records are copied
 * into one buffer per direction until a whole message is there, then read
 * through the cursor.  Certificates are DER: read by a loop over
 * tag-length-value headers, each length checked against what its parent
 * holds, no recursion.
 */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "tls.h"

#define REC_CHANGE_CIPHER	20
#define REC_ALERT		21
#define REC_HANDSHAKE		22
#define REC_APP_DATA		23
#define REC_HEARTBEAT		24
#define REC_MAX_LEN		(16384 + 2048)	/* RFC 5246 6.2.3 */

#define HS_CLIENT_HELLO		1
#define HS_SERVER_HELLO		2
#define HS_CERTIFICATE		11

#define EXT_SERVER_NAME		0
#define EXT_SUPPORTED_VERSIONS	43

/* GREASE values (RFC 8701) are 0x?a?a: never a real version. */
static bool
grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a;
}

/* Copies a name of printable ASCII only, lower-cased; false otherwise. */
static bool
copy_name(struct slice s, char *out, size_t outsize)
{
	struct cursor c = cur_init(s.p, s.len);
	size_t n = 0;

	if (s.len == 0 || s.len >= outsize)
		return false;
	while (cur_left(&c) > 0) {
		uint8_t b = cur_u8(&c);
		if (b <= 0x20 || b >= 0x7f)
			return false;
		out[n++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
	}
	out[n] = '\0';
	return true;
}

/* The server_name extension: the first host_name entry. */
static void
read_sni(struct cursor *ext, struct tls_info *info)
{
	struct cursor list = cur_sub(ext, cur_u16(ext));

	while (cur_left(&list) >= 3) {
		uint8_t type = cur_u8(&list);
		struct slice name = cur_bytes(&list, cur_u16(&list));
		if (list.err)
			return;
		if (type == 0) {
			if (!copy_name(name, info->sni, sizeof(info->sni)))
				info->sni[0] = '\0';
			return;
		}
	}
}

static bool
read_client_hello(struct cursor *c, struct tls_info *info)
{
	uint16_t version = cur_u16(c);

	cur_skip(c, 32);			/* random */
	cur_skip(c, cur_u8(c));			/* session id */
	cur_skip(c, cur_u16(c));		/* cipher suites */
	cur_skip(c, cur_u8(c));			/* compression methods */
	if (c->err)
		return false;
	info->client_version = version;
	if (cur_left(c) == 0)
		return true;			/* no extensions */
	struct cursor exts = cur_sub(c, cur_u16(c));
	while (!exts.err && cur_left(&exts) >= 4) {
		uint16_t type = cur_u16(&exts);
		struct cursor ext = cur_sub(&exts, cur_u16(&exts));
		if (exts.err)
			break;
		if (type == EXT_SERVER_NAME) {
			read_sni(&ext, info);
		} else if (type == EXT_SUPPORTED_VERSIONS) {
			struct cursor v = cur_sub(&ext, cur_u8(&ext));
			while (cur_left(&v) >= 2) {
				uint16_t x = cur_u16(&v);
				if (!grease(x) && x > info->client_version)
					info->client_version = x;
			}
		}
	}
	return !exts.err;
}

static bool
read_server_hello(struct cursor *c, struct tls_info *info)
{
	uint16_t version = cur_u16(c);

	cur_skip(c, 32);			/* random */
	cur_skip(c, cur_u8(c));			/* session id */
	cur_skip(c, 2);				/* cipher suite */
	cur_skip(c, 1);				/* compression method */
	if (c->err)
		return false;
	info->version = version;
	if (cur_left(c) == 0)
		return true;
	struct cursor exts = cur_sub(c, cur_u16(c));
	while (!exts.err && cur_left(&exts) >= 4) {
		uint16_t type = cur_u16(&exts);
		struct cursor ext = cur_sub(&exts, cur_u16(&exts));
		if (exts.err)
			break;
		if (type == EXT_SUPPORTED_VERSIONS && cur_left(&ext) == 2)
			info->version = cur_u16(&ext);
	}
	return !exts.err;
}

/*
 * A DER header: tag (low-tag-number form only) and definite length, the
 * length checked against what the cursor holds.  The content becomes a
 * child cursor.
 */
static bool
der(struct cursor *c, uint8_t *tag, struct cursor *content)
{
	*tag = cur_u8(c);
	uint8_t l = cur_u8(c);
	size_t len = l;

	if (c->err || (*tag & 0x1f) == 0x1f)
		return false;
	if (l & 0x80) {
		unsigned n = l & 0x7f;
		if (n == 0 || n > 3)
			return false;		/* indefinite, or > 16 MB */
		len = 0;
		for (unsigned i = 0; i < n; i++)
			len = len << 8 | cur_u8(c);
	}
	*content = cur_sub(c, len);
	return !c->err;
}

/* The next element must have this tag: its content. */
static bool
der_expect(struct cursor *c, uint8_t want, struct cursor *content)
{
	uint8_t tag;

	return der(c, &tag, content) && tag == want;
}

static void
add_cert_name(struct tls_info *info, struct slice s)
{
	char name[TLS_NAME_MAX + 1];

	if (!copy_name(s, name, sizeof(name)))
		return;
	for (unsigned i = 0; i < info->ncert_names; i++)
		if (strcmp(info->cert_names[i], name) == 0)
			return;
	if (info->ncert_names < TLS_CERT_NAMES)
		memcpy(info->cert_names[info->ncert_names++], name,
		    strlen(name) + 1);
}

/* The common names (2.5.4.3) of a Name: SET { SEQUENCE { OID, value } }. */
static bool
read_subject(struct cursor name, struct tls_info *info)
{
	static const uint8_t cn[] = { 0x55, 0x04, 0x03 };

	while (cur_left(&name) > 0) {
		struct cursor rdn, atv, oid, value;
		uint8_t vtag;
		if (!der_expect(&name, 0x31, &rdn))
			return false;
		while (cur_left(&rdn) > 0) {
			if (!der_expect(&rdn, 0x30, &atv) ||
			    !der_expect(&atv, 0x06, &oid) ||
			    !der(&atv, &vtag, &value))
				return false;
			struct slice o = cur_rest(&oid);
			/* UTF8String, PrintableString, IA5String, T61String. */
			if (o.len == sizeof(cn) && memcmp(o.p, cn, sizeof(cn)) == 0 &&
			    (vtag == 0x0c || vtag == 0x13 || vtag == 0x16 ||
			    vtag == 0x14))
				add_cert_name(info, cur_rest(&value));
		}
	}
	return true;
}

/* subjectAltName (2.5.29.17): the dNSName entries, [2] IA5String. */
static bool
read_extensions(struct cursor exts, struct tls_info *info)
{
	static const uint8_t san[] = { 0x55, 0x1d, 0x11 };
	struct cursor list;

	if (!der_expect(&exts, 0x30, &list))
		return false;
	while (cur_left(&list) > 0) {
		struct cursor ext, oid, value, names;
		uint8_t tag;
		if (!der_expect(&list, 0x30, &ext) ||
		    !der_expect(&ext, 0x06, &oid) || !der(&ext, &tag, &value))
			return false;
		if (tag == 0x01 && !der_expect(&ext, 0x04, &value))
			return false;		/* critical, then the value */
		if (tag != 0x01 && tag != 0x04)
			return false;
		struct slice o = cur_rest(&oid);
		if (o.len != sizeof(san) || memcmp(o.p, san, sizeof(san)) != 0)
			continue;
		if (!der_expect(&value, 0x30, &names))
			return false;
		while (cur_left(&names) > 0) {
			struct cursor gn;
			if (!der(&names, &tag, &gn))
				return false;
			if (tag == 0x82)
				add_cert_name(info, cur_rest(&gn));
		}
	}
	return true;
}

/* One X.509 certificate (RFC 5280 4.1): its subject and extensions. */
static bool
read_certificate(struct cursor cert, struct tls_info *info)
{
	struct cursor crt, tbs, skip, subject;
	uint8_t tag;

	if (!der_expect(&cert, 0x30, &crt) || !der_expect(&crt, 0x30, &tbs))
		return false;
	if (!der(&tbs, &tag, &skip))
		return false;
	if (tag == 0xa0 && !der(&tbs, &tag, &skip))	/* version, serial */
		return false;
	if (tag != 0x02 ||
	    !der_expect(&tbs, 0x30, &skip) ||		/* signature */
	    !der_expect(&tbs, 0x30, &skip) ||		/* issuer */
	    !der_expect(&tbs, 0x30, &skip) ||		/* validity */
	    !der_expect(&tbs, 0x30, &subject) ||
	    !der_expect(&tbs, 0x30, &skip))		/* public key */
		return false;
	if (!read_subject(subject, info))
		return false;
	while (cur_left(&tbs) > 0) {
		struct cursor field;
		if (!der(&tbs, &tag, &field))
			return false;
		if (tag == 0xa3)
			return read_extensions(field, info);
	}
	return true;
}

/* Certificate (TLS 1.2): a 24-bit list of 24-bit certificates; the first. */
static bool
read_certificates(struct cursor *c, struct tls_info *info)
{
	uint32_t list = (uint32_t)cur_u8(c) << 16 | cur_u16(c);
	struct cursor certs = cur_sub(c, list);
	uint32_t n = (uint32_t)cur_u8(&certs) << 16 | cur_u16(&certs);
	struct cursor first = cur_sub(&certs, n);

	if (certs.err)
		return false;
	info->certificate = true;
	return read_certificate(first, info);
}

/* Reads the whole handshake messages at the front of the buffer. */
static void
read_handshake(struct tls_reader *r, bool from_server, struct tls_info *info,
    tls_event_fn fn, void *ctx, struct counters *cnt)
{
	struct cursor c = cur_init(r->hs, r->hs_len);

	while (cur_left(&c) >= 4) {
		struct cursor peek = c;
		uint8_t type = cur_u8(&peek);
		uint32_t len = (uint32_t)cur_u8(&peek) << 16 | cur_u16(&peek);
		if (cur_left(&peek) < len)
			break;				/* not whole yet */
		struct cursor msg = cur_sub(&peek, len);
		c = peek;
		bool ok = true;
		if (type == HS_CLIENT_HELLO && !from_server) {
			cnt->tls_client_hellos++;
			ok = read_client_hello(&msg, info);
			info->client_hello = ok;
			if (ok && fn != NULL)
				fn(ctx, TLS_EV_CLIENT_HELLO, info);
		} else if (type == HS_SERVER_HELLO && from_server) {
			cnt->tls_server_hellos++;
			ok = read_server_hello(&msg, info);
			info->server_hello = ok;
			if (ok && fn != NULL)
				fn(ctx, TLS_EV_SERVER_HELLO, info);
		} else if (type == HS_CERTIFICATE && from_server &&
		    !info->certificate && info->version != 0x0304) {
			cnt->tls_certificates++;
			ok = read_certificates(&msg, info);
			if (info->ncert_names > 0 && fn != NULL)
				fn(ctx, TLS_EV_CERTIFICATE, info);
		}
		if (!ok)
			cnt->tls_malformed++;
	}
	size_t used = r->hs_len - cur_left(&c);
	if (used > 0) {
		memmove(r->hs, r->hs + used, r->hs_len - used);
		r->hs_len -= used;
	}
}

static void
stop(struct tls_reader *r)
{
	r->stopped = true;
	free(r->hs);
	r->hs = NULL;
	r->hs_len = 0;
}

/* A piece of a handshake record's body. */
static void
handshake_bytes(struct tls_reader *r, bool from_server, const uint8_t *p,
    size_t n, struct tls_info *info, tls_event_fn fn, void *ctx,
    struct counters *cnt)
{
	if (r->encrypted || n == 0)
		return;				/* Finished, after CCS */
	if (r->hs == NULL && (r->hs = malloc(TLS_HS_MAX)) == NULL) {
		cnt->tls_handshake_capped++;
		stop(r);
		return;
	}
	if (n > TLS_HS_MAX - r->hs_len) {
		cnt->tls_handshake_capped++;
		stop(r);
		return;
	}
	memcpy(r->hs + r->hs_len, p, n);
	r->hs_len += n;
	read_handshake(r, from_server, info, fn, ctx, cnt);
	if (r->hs_len == 0) {
		free(r->hs);
		r->hs = NULL;
	}
}

void
tls_feed(struct tls_reader *r, bool from_server, const uint8_t *data,
    size_t len, struct tls_info *info, tls_event_fn fn, void *ctx,
    struct counters *cnt)
{
	if (data == NULL || len == 0)
		return;
	struct cursor c = cur_init(data, len);
	int dir = from_server ? 1 : 0;

	while (!r->stopped && cur_left(&c) > 0) {
		if (r->left == 0 && r->nhdr < sizeof(r->hdr)) {
			r->hdr[r->nhdr++] = cur_u8(&c);
			if (r->nhdr < sizeof(r->hdr))
				continue;
			struct cursor h = cur_init(r->hdr, sizeof(r->hdr));
			uint8_t type = cur_u8(&h);
			uint16_t version = cur_u16(&h);
			uint16_t rlen = cur_u16(&h);
			if (type < REC_CHANGE_CIPHER || type > REC_HEARTBEAT ||
			    (version >> 8) != 3 || rlen > REC_MAX_LEN) {
				cnt->tls_not_tls++;
				stop(r);
				return;
			}
			cnt->tls_records++;
			r->type = type;
			r->left = rlen;
			r->nhdr = 0;
			if (type == REC_APP_DATA)
				info->app_records[dir]++;
			if (type == REC_CHANGE_CIPHER) {
				r->encrypted = true;
				info->change_cipher[dir] = true;
			}
			continue;
		}
		size_t n = cur_left(&c) < r->left ? cur_left(&c) : r->left;
		struct slice s = cur_bytes(&c, n);
		if (s.p == NULL)
			break;
		r->left = (uint16_t)(r->left - n);
		if (r->type == REC_HANDSHAKE)
			handshake_bytes(r, from_server, s.p, s.len, info, fn,
			    ctx, cnt);
		else if (r->type == REC_APP_DATA)
			info->app_bytes[dir] += s.len;
	}
}

void
tls_gap(struct tls_reader *r, struct counters *cnt)
{
	if (r->stopped)
		return;
	cnt->tls_gaps++;
	stop(r);
}

void
tls_reader_free(struct tls_reader *r)
{
	free(r->hs);
	r->hs = NULL;
	r->hs_len = 0;
}

size_t
tls_reader_memory(const struct tls_reader *r)
{
	return r->hs != NULL ? TLS_HS_MAX : 0;
}

bool
tls_detect(const uint8_t *data, size_t len)
{
	struct cursor c = cur_init(data, len);
	uint8_t type = cur_u8(&c);
	uint8_t major = cur_u8(&c);

	return !c.err && type == REC_HANDSHAKE && major == 3;
}
