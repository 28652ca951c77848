/*
 * decode_tunnel.c — encapsulations: GRE (RFC 2784, 2890; PPTP's enhanced
 * GRE, RFC 2637), ERSPAN types I, II and III (draft-foschiano-erspan),
 * VXLAN (RFC 7348), GENEVE (RFC 8926), GRE over UDP (RFC 8086), IPv4 and
 * IPv6 in IPv4 and IPv6 (RFC 2003, 4213), MPLS label stacks (RFC 3032,
 * 4385), PPPoE sessions (RFC 2516) and PPP (RFC 1661, 1662).
 *
 * Each function checks one header through the cursor and says what
 * follows; decode.c loops, so nesting costs no stack and ends at
 * decoder.max-depth.  A tunnel layer folds its identity (the outer
 * addresses in a fixed order, the VNI, GRE key or ERSPAN session, the
 * outer VLANs) into pkt->tun.tenant, which the flow, fragment and
 * correlation keys carry: two tenants with the same inner addresses never
 * share a flow.  Like Suricata, malformed headers are counted, not fatal.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "decode_link.h"
#include "decode_tunnel.h"
#include "flow_id.h"
#include "siphash.h"

#define GRE_C		0x8000	/* checksum present */
#define GRE_R		0x4000	/* routing present (RFC 1701) */
#define GRE_K		0x2000	/* key present */
#define GRE_S		0x1000	/* sequence number present */
#define GRE_SSR		0x0800	/* strict source route (RFC 1701) */
#define GRE_RECUR	0x0700	/* recursion control (RFC 1701) */
#define GRE_A		0x0080	/* acknowledgment present (RFC 2637) */
#define GRE_FLAGS	0x0078	/* reserved */
#define GRE_VERSION	0x0007

#define PROTO_ERSPAN_II		0x88be	/* type I without a sequence number */
#define PROTO_ERSPAN_III	0x22eb

/* Link-level layers followed between two IP headers at most. */
#define LINK_STEPS_MAX	8

/* Fixed, so that replays give the same tenants and flow ids. */
static const uint8_t tenant_key[16] = "typosentry-tenan";

void
decode_opts_default(struct decode_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_depth = 8;
	o->mpls_max_labels = 8;
	o->vxlan = o->geneve = o->gre = o->erspan = o->ipip = o->mpls =
	    o->pppoe = true;
	o->vxlan_ports[0] = 4789;
	o->n_vxlan_ports = 1;
	o->geneve_ports[0] = 6081;
	o->n_geneve_ports = 1;
	o->gre_udp_ports[0] = 4754;
	o->n_gre_udp_ports = 1;
	decode_opts_finish(o);
}

static void
mark_ports(struct decode_opts *o, bool on, const uint16_t *ports, unsigned n,
    unsigned *lo, unsigned *hi)
{
	for (unsigned i = 0; on && i < n; i++) {
		o->udp_tunnel[ports[i] >> 3] |= (uint8_t)(1u << (ports[i] & 7));
		if (ports[i] < *lo)
			*lo = ports[i];
		if (ports[i] > *hi)
			*hi = ports[i];
	}
}

void
decode_opts_finish(struct decode_opts *o)
{
	unsigned lo = 0xffff, hi = 0;

	memset(o->udp_tunnel, 0, sizeof(o->udp_tunnel));
	mark_ports(o, o->vxlan, o->vxlan_ports, o->n_vxlan_ports, &lo, &hi);
	mark_ports(o, o->geneve, o->geneve_ports, o->n_geneve_ports, &lo, &hi);
	mark_ports(o, o->gre, o->gre_udp_ports, o->n_gre_udp_ports, &lo, &hi);
	/* No port: a span of one at 65535, whose bit is clear. */
	if (hi < lo)
		lo = hi = 0xffff;
	o->udp_tunnel_lo = (uint16_t)lo;
	o->udp_tunnel_span = (uint16_t)(hi - lo);
}

static bool
port_in(const uint16_t *ports, unsigned n, uint16_t port)
{
	for (unsigned i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

/*
 * One more tunnel layer around the packet whose outer IP header pkt
 * holds: false (counted by the caller) past the depth cap.  id is what
 * names the tunnel besides its endpoints (VNI, key, session), with a bit
 * above the 32 of the field when the field is present.
 */
static bool
tunnel_enter(struct packet *pkt, uint8_t kind, uint64_t id,
    const struct decode_opts *o, struct counters *cnt)
{
	struct tunnel_info *t = &pkt->tun;
	uint8_t key[8 + 2 + 32 + 8 + 1 + 2 * TS_MAX_VLAN];
	size_t alen = pkt->src.family == AF_INET ? 4 : 16, n = 0;
	const uint8_t *lo = pkt->src.bytes, *hi = pkt->dst.bytes;

	if (t->depth >= o->max_depth || t->depth >= DECODE_DEPTH_MAX) {
		cnt->tunnel_too_deep++;
		return false;
	}
	if (t->depth == 0) {
		t->proto = pkt->ip_proto;
		t->src = pkt->src;
		t->dst = pkt->dst;
		if (pkt->ip_proto == IPPROTO_UDP) {
			t->sport = pkt->sport;
			t->dport = pkt->dport;
		}
	}
	/* Both directions of a tunnel are one tenant: endpoints in order. */
	if (flow_addr_order(lo, hi, alen) > 0) {
		const uint8_t *x = lo;
		lo = hi;
		hi = x;
	}
	memcpy(key + n, &t->tenant, 8);
	n += 8;
	key[n++] = kind;
	key[n++] = pkt->src.family;
	memcpy(key + n, lo, alen);
	n += alen;
	memcpy(key + n, hi, alen);
	n += alen;
	memcpy(key + n, &id, 8);
	n += 8;
	key[n++] = pkt->vlan_count;
	for (unsigned i = 0; i < pkt->vlan_count && i < TS_MAX_VLAN; i++) {
		key[n++] = (uint8_t)(pkt->vlan[i] >> 8);
		key[n++] = (uint8_t)pkt->vlan[i];
	}
	t->tenant = siphash24(key, n, tenant_key);
	if (t->tenant == 0)
		t->tenant = 1;		/* 0 means "no tunnel" */
	t->depth++;
	/* The inner frame's VLANs are its own; the outer ones are in tenant. */
	pkt->vlan_count = 0;
	return true;
}

/* ERSPAN type II (version 1) or III (version 2) header at c, after GRE. */
static enum ts_status
erspan(struct cursor *c, bool type3, uint16_t *ethertype, uint32_t *session,
    struct counters *cnt)
{
	uint16_t ver_vlan = cur_u16(c);
	uint16_t cos_session = cur_u16(c);
	unsigned ft = 0;

	cur_skip(c, 4);			/* II: reserved, index; III: timestamp */
	if (type3) {
		cur_skip(c, 2);		/* security group tag */
		uint16_t bits = cur_u16(c);
		ft = (bits >> 10) & 0x1f;	/* frame type: 0 Ethernet, 2 IP */
		if (bits & 0x0001)	/* O: the platform-specific subheader */
			cur_skip(c, 8);
	}
	if (c->err) {
		cnt->erspan_truncated++;
		return TS_TRUNCATED;
	}
	if ((ver_vlan >> 12) != (type3 ? 2 : 1) || (ft != 0 && ft != 2)) {
		cnt->erspan_invalid++;
		return TS_INVALID;
	}
	*session = cos_session & 0x03ff;
	if (ft == 2) {
		uint8_t v = cur_peek(c, 0) >> 4;
		if (c->err || (v != 4 && v != 6)) {
			cnt->erspan_invalid++;
			return TS_INVALID;
		}
		*ethertype = v == 4 ? ETHERTYPE_IPV4_ : ETHERTYPE_IPV6_;
	} else {
		*ethertype = ETHERTYPE_TEB_;
	}
	return TS_OK;
}

/*
 * A GRE header at c (IP protocol 47, or UDP on a GRE port): moves c to
 * the payload (past ERSPAN's header too) and enters the tunnel.
 */
static enum ts_status
gre(struct packet *pkt, struct cursor *c, uint16_t *ethertype, enum encap *via,
    const struct decode_opts *o, struct counters *cnt)
{
	uint16_t flags = cur_u16(c);
	uint16_t proto = cur_u16(c);
	uint64_t id = 0;
	enum encap kind = ENCAP_GRE;

	if (c->err) {
		cnt->gre_truncated++;
		return TS_TRUNCATED;
	}
	switch (flags & GRE_VERSION) {
	case 0:
		/*
		 * RFC 2784 with RFC 2890's key and sequence number.  RFC
		 * 1701's routing and recursion fields are obsolete: counted
		 * as invalid, as is any reserved bit.
		 */
		if (flags & (GRE_R | GRE_SSR | GRE_RECUR | GRE_A | GRE_FLAGS)) {
			cnt->gre_invalid++;
			return TS_INVALID;
		}
		if (flags & GRE_C)
			cur_skip(c, 4);		/* checksum, reserved */
		if (flags & GRE_K)
			id = (uint64_t)1 << 32 | cur_u32(c);
		if (flags & GRE_S)
			cur_skip(c, 4);
		break;
	case 1:
		/*
		 * RFC 2637's enhanced GRE (PPTP): the key holds the payload
		 * length and the peer's call id, which differs each way, so
		 * it is left out of the tenant.
		 */
		if ((flags & (GRE_C | GRE_R | GRE_SSR | GRE_RECUR | GRE_FLAGS)) ||
		    !(flags & GRE_K) || proto != ETHERTYPE_PPP_) {
			cnt->gre_invalid++;
			return TS_INVALID;
		}
		cur_skip(c, 4);
		if (flags & GRE_S)
			cur_skip(c, 4);
		if (flags & GRE_A)
			cur_skip(c, 4);
		break;
	default:
		cnt->gre_invalid++;
		return TS_INVALID;
	}
	if (c->err) {
		cnt->gre_truncated++;
		return TS_TRUNCATED;
	}
	cnt->gre++;

	switch (proto) {
	case ETHERTYPE_IPV4_:
	case ETHERTYPE_IPV6_:
	case ETHERTYPE_TEB_:
	case ETHERTYPE_PPP_:
	case ETHERTYPE_MPLS_:
	case ETHERTYPE_MPLS_MCAST_:
		*ethertype = proto;
		break;
	case PROTO_ERSPAN_II:
	case PROTO_ERSPAN_III: {
		uint32_t session = 0;
		if (!o->erspan) {
			cnt->gre_other++;
			return TS_UNSUPPORTED;
		}
		if (proto == PROTO_ERSPAN_II && !(flags & GRE_S)) {
			/* Type I: no header, the mirrored frame at once. */
			*ethertype = ETHERTYPE_TEB_;
		} else {
			enum ts_status st = erspan(c, proto == PROTO_ERSPAN_III,
			    ethertype, &session, cnt);
			if (st != TS_OK)
				return st;
		}
		cnt->erspan++;
		kind = ENCAP_ERSPAN;
		id |= (uint64_t)session << 40 | (uint64_t)1 << 33;
		break;
	}
	default:
		cnt->gre_other++;
		return TS_UNSUPPORTED;
	}
	if (!tunnel_enter(pkt, (uint8_t)kind, id, o, cnt)) {
		cnt->gre_too_deep++;
		return TS_UNSUPPORTED;
	}
	*via = kind;
	return TS_OK;
}

enum ts_status
decode_ip_tunnel(struct packet *pkt, struct cursor *c, uint16_t *ethertype,
    enum encap *via, const struct decode_opts *o, struct counters *cnt)
{
	*c = cur_init(pkt->l4.p, pkt->l4.len);
	if (pkt->ip_proto == IPPROTO_GRE) {
		if (!o->gre) {
			cnt->ip_other_proto++;
			return TS_UNSUPPORTED;
		}
		return gre(pkt, c, ethertype, via, o, cnt);
	}
	/* IP protocol 4 or 41. */
	if (!o->ipip) {
		cnt->ip_other_proto++;
		return TS_UNSUPPORTED;
	}
	bool inner4 = pkt->ip_proto == IPPROTO_IPIP;
	if (!tunnel_enter(pkt, ENCAP_IPIP, 0, o, cnt)) {
		cnt->ipip_too_deep++;
		return TS_UNSUPPORTED;
	}
	if (pkt->ip_version == 4) {
		if (inner4)
			cnt->ipv4_in_ipv4++;
		else
			cnt->ipv6_in_ipv4++;
	} else if (inner4) {
		cnt->ipv4_in_ipv6++;
	} else {
		cnt->ipv6_in_ipv6++;
	}
	*ethertype = inner4 ? ETHERTYPE_IPV4_ : ETHERTYPE_IPV6_;
	*via = ENCAP_IPIP;
	return TS_OK;
}

/* RFC 7348: flags (I set), 24 reserved bits, VNI, 8 reserved bits. */
static enum ts_status
vxlan(struct packet *pkt, struct cursor *c, uint16_t *ethertype,
    enum encap *via, bool *plain, const struct decode_opts *o,
    struct counters *cnt)
{
	uint8_t flags = cur_u8(c);
	cur_skip(c, 3);
	uint32_t vni = cur_u32(c) >> 8;

	if (c->err) {
		cnt->vxlan_truncated++;
		*plain = true;
		return TS_TRUNCATED;
	}
	/*
	 * Only the I flag is required: reserved bits set by other
	 * implementations (VXLAN-GBP's group policy) do not stop Suricata
	 * either.
	 */
	if (!(flags & 0x08)) {
		cnt->vxlan_invalid++;
		*plain = true;
		return TS_INVALID;
	}
	cnt->vxlan++;
	if (!tunnel_enter(pkt, ENCAP_VXLAN, (uint64_t)1 << 32 | vni, o, cnt)) {
		cnt->vxlan_too_deep++;
		return TS_UNSUPPORTED;
	}
	*ethertype = ETHERTYPE_TEB_;
	*via = ENCAP_VXLAN;
	return TS_OK;
}

/*
 * RFC 8926: version (0) and options length in 4-byte words, flags, the
 * protocol of the payload (an EtherType), VNI; options skipped by length.
 */
static enum ts_status
geneve(struct packet *pkt, struct cursor *c, uint16_t *ethertype,
    enum encap *via, bool *plain, const struct decode_opts *o,
    struct counters *cnt)
{
	uint8_t ver_len = cur_u8(c);
	cur_skip(c, 1);				/* O, C, reserved */
	uint16_t proto = cur_u16(c);
	uint32_t vni = cur_u32(c) >> 8;

	if (c->err) {
		cnt->geneve_truncated++;
		*plain = true;
		return TS_TRUNCATED;
	}
	if (ver_len >> 6 != 0) {
		cnt->geneve_invalid++;
		*plain = true;
		return TS_INVALID;
	}
	cur_skip(c, (size_t)(ver_len & 0x3f) * 4);
	if (c->err) {
		cnt->geneve_truncated++;
		*plain = true;
		return TS_TRUNCATED;
	}
	cnt->geneve++;
	if (proto != ETHERTYPE_TEB_ && proto != ETHERTYPE_IPV4_ &&
	    proto != ETHERTYPE_IPV6_) {
		cnt->geneve_other++;
		return TS_UNSUPPORTED;
	}
	if (!tunnel_enter(pkt, ENCAP_GENEVE, (uint64_t)1 << 32 | vni, o,
	    cnt)) {
		cnt->geneve_too_deep++;
		return TS_UNSUPPORTED;
	}
	*ethertype = proto;
	*via = ENCAP_GENEVE;
	return TS_OK;
}

enum ts_status
decode_udp_tunnel(struct packet *pkt, struct cursor *c, uint16_t *ethertype,
    enum encap *via, bool *plain, const struct decode_opts *o,
    struct counters *cnt)
{
	uint16_t port = pkt->dport;

	*plain = false;
	*c = cur_init(pkt->payload.p, pkt->payload.len);
	if (o->vxlan && port_in(o->vxlan_ports, o->n_vxlan_ports, port))
		return vxlan(pkt, c, ethertype, via, plain, o, cnt);
	if (o->geneve && port_in(o->geneve_ports, o->n_geneve_ports, port))
		return geneve(pkt, c, ethertype, via, plain, o, cnt);
	/* GRE over UDP (RFC 8086). */
	enum ts_status st = gre(pkt, c, ethertype, via, o, cnt);
	if (st == TS_TRUNCATED || st == TS_INVALID)
		*plain = true;
	return st;
}

/* A PPP protocol field at c (RFC 1661 2: one byte when compressed). */
static enum ts_status
ppp(struct cursor *c, uint16_t *ethertype, struct counters *cnt)
{
	struct cursor peek = *c;

	/* RFC 1662's address and control bytes, when not left out. */
	if (cur_u8(&peek) == 0xff && cur_u8(&peek) == 0x03)
		cur_skip(c, 2);
	uint16_t proto = cur_u8(c);
	if (!(proto & 1))
		proto = (uint16_t)(proto << 8 | cur_u8(c));
	if (c->err) {
		cnt->ppp_truncated++;
		return TS_TRUNCATED;
	}
	cnt->ppp++;
	switch (proto) {
	case 0x0021:
		*ethertype = ETHERTYPE_IPV4_;
		return TS_OK;
	case 0x0057:
		*ethertype = ETHERTYPE_IPV6_;
		return TS_OK;
	case 0x0281:
		*ethertype = ETHERTYPE_MPLS_;
		return TS_OK;
	case 0x0283:
		*ethertype = ETHERTYPE_MPLS_MCAST_;
		return TS_OK;
	default:
		/* LCP, IPCP, CHAP, Van Jacobson compressed TCP ... */
		cnt->ppp_other++;
		return TS_UNSUPPORTED;
	}
}

/* RFC 2516: version and type 1, code 0 in a session, the length. */
static enum ts_status
pppoe(struct cursor *c, uint16_t *ethertype, struct counters *cnt)
{
	uint8_t vt = cur_u8(c);
	uint8_t code = cur_u8(c);
	cur_skip(c, 2);				/* session id */
	uint16_t len = cur_u16(c);

	if (c->err) {
		cnt->pppoe_truncated++;
		return TS_TRUNCATED;
	}
	if (vt != 0x11 || code != 0) {
		cnt->pppoe_invalid++;
		return TS_INVALID;
	}
	if (len > cur_left(c)) {
		cnt->pppoe_truncated++;
		return TS_TRUNCATED;
	}
	cur_clamp(c, len);			/* Ethernet padding is not PPP */
	cnt->pppoe++;
	*ethertype = ETHERTYPE_PPP_;
	return TS_OK;
}

/*
 * RFC 3032 label stack entries down to the bottom of the stack, then
 * what the payload looks like: the explicit null labels say IPv4 (0) or
 * IPv6 (2); otherwise the first nibble, 0 being RFC 4385's pseudowire
 * control word before an Ethernet frame.
 */
static enum ts_status
mpls(struct cursor *c, uint16_t *ethertype, const struct decode_opts *o,
    struct counters *cnt)
{
	uint32_t e = 0;

	for (unsigned n = 0; ; n++) {
		if (n >= o->mpls_max_labels) {
			cnt->mpls_too_many_labels++;
			return TS_UNSUPPORTED;
		}
		e = cur_u32(c);
		if (c->err) {
			cnt->mpls_truncated++;
			return TS_TRUNCATED;
		}
		if (e & 0x100)
			break;
	}
	uint32_t label = e >> 12;
	uint8_t first = cur_peek(c, 0);
	if (c->err) {
		cnt->mpls_truncated++;
		return TS_TRUNCATED;
	}
	cnt->mpls++;
	if (label == 0 || (label > 3 && first >> 4 == 4)) {
		*ethertype = ETHERTYPE_IPV4_;
	} else if (label == 2 || (label > 3 && first >> 4 == 6)) {
		*ethertype = ETHERTYPE_IPV6_;
	} else if (label > 3 && first >> 4 == 0) {
		cur_skip(c, 4);			/* control word */
		*ethertype = ETHERTYPE_TEB_;
	} else {
		cnt->mpls_other++;
		return TS_UNSUPPORTED;
	}
	return TS_OK;
}

enum ts_status
decode_encap_link(struct cursor *c, struct packet *pkt, uint16_t *ethertype,
    enum encap *via, const struct decode_opts *o, struct counters *cnt)
{
	enum ts_status st;

	for (unsigned step = 0; ; step++) {
		if (*ethertype == ETHERTYPE_IPV4_ || *ethertype == ETHERTYPE_IPV6_)
			return TS_OK;
		if (step == LINK_STEPS_MAX) {
			cnt->link_too_deep++;
			return TS_UNSUPPORTED;
		}
		switch (*ethertype) {
		case ETHERTYPE_TEB_:
			st = decode_ether(c, pkt, ethertype, cnt);
			break;
		case ETHERTYPE_PPP_:
			st = ppp(c, ethertype, cnt);
			if (st == TS_OK)
				*via = ENCAP_PPP;
			break;
		case ETHERTYPE_PPPOE_SESS_:
			if (!o->pppoe) {
				cnt->link_other++;
				return TS_UNSUPPORTED;
			}
			st = pppoe(c, ethertype, cnt);
			break;
		case ETHERTYPE_MPLS_:
		case ETHERTYPE_MPLS_MCAST_:
			if (!o->mpls) {
				cnt->link_other++;
				return TS_UNSUPPORTED;
			}
			st = mpls(c, ethertype, o, cnt);
			if (st == TS_OK)
				*via = ENCAP_MPLS;
			break;
		default:
			cnt->link_other++;
			return TS_UNSUPPORTED;
		}
		if (st != TS_OK)
			return st;
	}
}
