/*
 * fanout.c — the client-address hash, in C and in classic BPF.
 *
 * The two must agree on every packet: the C one reads the same bytes in
 * the same way, and gives 0 wherever the BPF program would read past the
 * packet (the kernel then returns 0 from the program).  A unit test runs
 * the BPF program through libpcap's interpreter on the test captures and
 * compares.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_packet.h>
#include <pcap/pcap.h>

#include "../decoders/cursor.h"
#include "../decoders/decode_tunnel.h"
#include "../decoders/packet.h"
#include "fanout.h"

#define FANOUT_MULT	0x9e3779b1u

void
fanout_rule_init(struct fanout_rule *r, const struct ts_config *cfg)
{
	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	for (size_t i = 0; i < cfg->n_dns_ports; i++)
		r->server[cfg->dns_ports[i] >> 3] |=
		    (uint8_t)(1u << (cfg->dns_ports[i] & 7));
	for (size_t i = 0; i < cfg->n_smtp_ports; i++)
		r->server[cfg->smtp_ports[i] >> 3] |=
		    (uint8_t)(1u << (cfg->smtp_ports[i] & 7));
}

static inline bool
server_port(const struct fanout_rule *r, uint16_t port)
{
	return (r->server[port >> 3] >> (port & 7)) & 1;
}

/*
 * Whether the source is the client, by the ports: the side on a server
 * port is the server; when both are (a lookup from port 2525) or neither
 * is (SMTP detected on another port), the lower port is the server's.
 */
static inline bool
source_is_client(const struct fanout_rule *r, uint16_t sport, uint16_t dport)
{
	bool ss = server_port(r, sport), ds = server_port(r, dport);

	if (ss != ds)
		return ds;
	return sport >= dport;
}

/*
 * Past the link header to the IP header: false for what is not IP.  Its
 * own, not decode_link(): that one stays in line in the packet loop.
 */
static bool
to_network(int dlt, struct cursor *c)
{
	uint16_t type;

	switch (dlt) {
	case DLT_EN10MB:
		cur_skip(c, 12);
		type = cur_u16(c);
		/* 802.1Q and 802.1ad tags, as many as the decoder takes. */
		for (int i = 0; i < TS_MAX_VLAN && (type == 0x8100 ||
		    type == 0x88a8 || type == 0x9100); i++) {
			cur_skip(c, 2);
			type = cur_u16(c);
		}
		break;
	case DLT_LINUX_SLL:
		cur_skip(c, 14);
		type = cur_u16(c);
		break;
	case 276:			/* DLT_LINUX_SLL2 */
		type = cur_u16(c);
		cur_skip(c, 18);
		break;
	case DLT_NULL:
	case DLT_LOOP:
		cur_skip(c, 4);
		return !c->err;
	default:			/* raw IP */
		return true;
	}
	return !c->err && (type == 0x0800 || type == 0x86dd);
}

/*
 * The packet from its network header, read at offsets as the BPF program
 * loads it (big-endian, through the cursor): a read past the end marks
 * the packet bad (the kernel's program returns 0 there) and gives 0.
 */
struct net_bytes {
	const uint8_t	*p;
	size_t		 len;
	bool		 bad;
};

static inline __attribute__((always_inline)) uint32_t
rd(struct net_bytes *r, size_t off, size_t n)
{
	if (off > r->len) {
		r->bad = true;
		return 0;
	}
	struct cursor c = cur_init(r->p + off, r->len - off);
	uint32_t v = n == 1 ? cur_u8(&c) : n == 2 ? cur_u16(&c) : cur_u32(&c);
	if (c.err) {
		r->bad = true;
		return 0;
	}
	return v;
}

/* Whether n bytes at off are there; if not, the packet is bad. */
static inline bool
need(struct net_bytes *r, size_t off, size_t n)
{
	if (off > r->len || n > r->len - off) {
		r->bad = true;
		return false;
	}
	return true;
}

static bool
port_listed(const uint16_t *ports, unsigned n, uint16_t port)
{
	for (unsigned i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* The tunnels the fanout follows (as the decoder, by configuration). */
enum fan_tunnel { FT_NONE, FT_VXLAN, FT_GENEVE, FT_GRE_UDP, FT_GRE, FT_IPIP };

static enum fan_tunnel
udp_tunnel(const struct decode_opts *o, uint16_t dport)
{
	if (o->vxlan && port_listed(o->vxlan_ports, o->n_vxlan_ports, dport))
		return FT_VXLAN;
	if (o->geneve && port_listed(o->geneve_ports, o->n_geneve_ports,
	    dport))
		return FT_GENEVE;
	if (o->gre && port_listed(o->gre_udp_ports, o->n_gre_udp_ports,
	    dport))
		return FT_GRE_UDP;
	return FT_NONE;
}

static enum fan_tunnel
ip_tunnel(const struct decode_opts *o, uint8_t proto)
{
	if (o->gre && proto == IPPROTO_GRE)
		return FT_GRE;
	if (o->ipip && (proto == IPPROTO_IPIP || proto == IPPROTO_IPV6))
		return FT_IPIP;
	return FT_NONE;
}

#define NO_INNER	SIZE_MAX

/* An Ethernet frame at e, one VLAN tag allowed: its IP header's offset. */
static size_t
inner_ethernet(struct net_bytes *r, size_t e)
{
	uint32_t type = rd(r, e + 12, 2);

	if (type == 0x8100 || type == 0x88a8) {
		type = rd(r, e + 16, 2);
		return type == 0x0800 || type == 0x86dd ? e + 18 : NO_INNER;
	}
	return type == 0x0800 || type == 0x86dd ? e + 14 : NO_INNER;
}

/* GRE version 0 at g (RFC 2784/2890, ERSPAN I-III): the inner IP header. */
static size_t
inner_gre(const struct decode_opts *o, struct net_bytes *r, size_t g)
{
	uint32_t flags = rd(r, g, 2), proto = rd(r, g + 2, 2);
	size_t off = g + 4;

	if (flags & 0x4fff)	/* routing, recursion, ack, version: not ours */
		return NO_INNER;
	off += (flags & 0x8000) ? 4 : 0;
	off += (flags & 0x2000) ? 4 : 0;
	off += (flags & 0x1000) ? 4 : 0;
	switch (proto) {
	case 0x0800:
	case 0x86dd:
		return off;
	case 0x6558:
		return inner_ethernet(r, off);
	case 0x88be:		/* ERSPAN II, or I without a sequence */
		if (!o->erspan)
			return NO_INNER;
		return inner_ethernet(r, (flags & 0x1000) ? off + 8 : off);
	case 0x22eb:		/* ERSPAN III, O: platform subheader */
		if (!o->erspan)
			return NO_INNER;
		return inner_ethernet(r, (rd(r, off + 11, 1) & 1) ? off + 20 :
		    off + 12);
	default:
		return NO_INNER;
	}
}

/* The tunnel's payload at l4 (UDP header, or GRE): the inner IP header. */
static size_t
inner_of(const struct decode_opts *o, struct net_bytes *r,
    enum fan_tunnel t, size_t l4)
{
	uint32_t b, proto;
	size_t in;

	switch (t) {
	case FT_VXLAN:
		if (!(rd(r, l4 + 8, 1) & 0x08))
			return NO_INNER;
		return inner_ethernet(r, l4 + 16);
	case FT_GENEVE:
		b = rd(r, l4 + 8, 1);
		if (b & 0xc0)
			return NO_INNER;
		in = l4 + 16 + (size_t)(b & 0x3f) * 4;
		proto = rd(r, l4 + 10, 2);
		if (proto == 0x6558)
			return inner_ethernet(r, in);
		return proto == 0x0800 || proto == 0x86dd ? in : NO_INNER;
	case FT_GRE_UDP:
		return inner_gre(o, r, l4 + 8);
	case FT_GRE:
		return inner_gre(o, r, l4);
	case FT_IPIP:
		return l4;
	default:
		return NO_INNER;
	}
}

/*
 * The client rule at the IP header at 0, then once more inside a tunnel
 * the fanout follows; a tunnel inside that, or one that cannot be read,
 * gives the symmetric hash of its endpoints (source XOR destination), so
 * that both directions still meet.  The same reads as fanout_program().
 */
static uint32_t
client_of(const struct fanout_rule *rule, struct net_bytes *r)
{
	const struct decode_opts *o = &rule->cfg->decoder;
	uint32_t sym = 0;
	size_t ip = 0;

	for (int level = 0; level < 2; level++) {
		uint32_t v = rd(r, ip, 1) >> 4, src, dst;
		uint8_t proto;
		size_t l4;
		struct cursor h;

		/*
		 * The whole fixed header or nothing, as the program's first
		 * load of its last word; then read from it in order.
		 */
		if (v == 4) {
			if (!need(r, ip, 20))
				return 0;
			h = cur_init(r->p + ip, 20);
			uint8_t ihl = cur_u8(&h) & 0xf;
			cur_skip(&h, 5);
			uint16_t frag = cur_u16(&h);
			cur_skip(&h, 1);
			proto = cur_u8(&h);
			cur_skip(&h, 2);
			src = cur_u32(&h);
			dst = cur_u32(&h);
			sym = src ^ dst;
			if (frag & 0x3fff)
				return dst;
			l4 = ip + (size_t)ihl * 4;
		} else if (v == 6) {
			if (!need(r, ip, 40))
				return 0;
			h = cur_init(r->p + ip, 40);
			cur_skip(&h, 6);
			proto = cur_u8(&h);
			cur_skip(&h, 1);
			src = cur_u32(&h) ^ cur_u32(&h) ^ cur_u32(&h) ^
			    cur_u32(&h);
			dst = cur_u32(&h) ^ cur_u32(&h) ^ cur_u32(&h) ^
			    cur_u32(&h);
			sym = src ^ dst;
			if (proto == 44)
				return dst;
			l4 = ip + 40;
		} else
			return level == 0 ? 0 : sym;
		enum fan_tunnel t = ip_tunnel(o, proto);
		if (t == FT_NONE && proto != IPPROTO_TCP &&
		    proto != IPPROTO_UDP)
			return dst;
		if (t == FT_NONE) {
			if (!need(r, l4, 4))
				return 0;
			h = cur_init(r->p + l4, 4);
			uint16_t sport = cur_u16(&h);
			uint16_t dport = cur_u16(&h);
			if (proto == IPPROTO_UDP && udp_tunnel_port(o, dport))
				t = udp_tunnel(o, dport);
			if (t == FT_NONE)
				return source_is_client(rule, sport, dport) ?
				    src : dst;
		}
		if (level > 0)
			return sym;
		ip = inner_of(o, r, t, l4);
		if (ip == NO_INNER)
			return sym;
	}
	return sym;	/* not reached: level 1 returns */
}

uint32_t
fanout_hash(const struct fanout_rule *rule, int dlt, const uint8_t *data,
    size_t caplen)
{
	struct cursor c = cur_init(data, caplen);

	if (!to_network(dlt, &c))
		return 0;
	struct net_bytes r = { c.p, (size_t)(c.end - c.p), false };
	uint32_t h = client_of(rule, &r);
	return r.bad ? 0 : h;
}

/*
 * A program being written: labels are numbers handed out by new_label(),
 * jumps to them fixed at the end (forward only, as classic BPF wants).
 * Scratch memory: M_SPORT/M_DPORT the ports, M_SERVER choose()'s flag and
 * GRE's protocol, M_IP the IP header's offset, M_L4 the transport header's,
 * M_TMP GRE's flags, M_SYM the symmetric hash, M_OFF a running offset.
 * Every load is indirect: X holds an offset from the network header.
 */
enum { M_SPORT, M_DPORT, M_SERVER, M_IP, M_L4, M_TMP, M_SYM, M_OFF };

#define ASM_LABELS	160
#define ASM_FIXES	640

struct asm_ctx {
	struct sock_filter	*p;
	size_t			 n;
	uint32_t		 base;	/* where offset 0 is */
	bool			 overflow;
	struct { size_t at; int branch; int label; } fix[ASM_FIXES];
	size_t			 nfix;
	size_t			 label_at[ASM_LABELS];
	int			 nlabels;
};

#define L_NEXT	(-1)

static int
new_label(struct asm_ctx *a)
{
	if (a->nlabels >= ASM_LABELS) {
		a->overflow = true;
		return 0;
	}
	a->label_at[a->nlabels] = SIZE_MAX;
	return a->nlabels++;
}

static void
want(struct asm_ctx *a, int branch, int l)
{
	if (a->nfix >= ASM_FIXES) {
		a->overflow = true;
		return;
	}
	a->fix[a->nfix].at = a->n;
	a->fix[a->nfix].branch = branch;
	a->fix[a->nfix++].label = l;
}

static void
emit(struct asm_ctx *a, uint16_t code, int jt, int jf, uint32_t k)
{
	if (a->n >= FANOUT_PROG_MAX) {
		a->overflow = true;
		return;
	}
	if (jt != L_NEXT)
		want(a, 0, jt);
	if (jf != L_NEXT)
		want(a, 1, jf);
	struct sock_filter ins = { code, 0, 0, k };
	a->p[a->n++] = ins;
}

static void
op(struct asm_ctx *a, uint16_t code, uint32_t k)
{
	emit(a, code, L_NEXT, L_NEXT, k);
}

static void
jump(struct asm_ctx *a, int l)
{
	want(a, 2, l);
	op(a, BPF_JMP | BPF_JA, 0);
}

static void
label(struct asm_ctx *a, int l)
{
	a->label_at[l] = a->n;
}

/* A = the packet's size bytes at X + off (from the network header). */
static void
load(struct asm_ctx *a, uint16_t size, uint32_t off)
{
	op(a, BPF_LD | size | BPF_IND, a->base + off);
}

/*
 * M_SPORT, M_DPORT: to src_label (the source is the client) or
 * dst_label, as source_is_client().
 */
static void
choose(struct asm_ctx *a, const struct ts_config *cfg, int src_label,
    int dst_label)
{
	int ss = new_label(a), d = new_label(a), cmp = new_label(a),
	    tie = new_label(a);

	/* M_SERVER: the source port is a server port. */
	op(a, BPF_LD | BPF_MEM, M_SPORT);
	for (size_t i = 0; i < cfg->n_dns_ports; i++)
		emit(a, BPF_JMP | BPF_JEQ | BPF_K, ss, L_NEXT,
		    cfg->dns_ports[i]);
	for (size_t i = 0; i < cfg->n_smtp_ports; i++)
		emit(a, BPF_JMP | BPF_JEQ | BPF_K, ss, L_NEXT,
		    cfg->smtp_ports[i]);
	op(a, BPF_LD | BPF_IMM, 0);
	jump(a, d);
	label(a, ss);
	op(a, BPF_LD | BPF_IMM, 1);
	label(a, d);
	op(a, BPF_ST, M_SERVER);
	/* A: the destination port is a server port. */
	op(a, BPF_LD | BPF_MEM, M_DPORT);
	for (size_t i = 0; i < cfg->n_dns_ports; i++)
		emit(a, BPF_JMP | BPF_JEQ | BPF_K, tie, L_NEXT,
		    cfg->dns_ports[i]);
	for (size_t i = 0; i < cfg->n_smtp_ports; i++)
		emit(a, BPF_JMP | BPF_JEQ | BPF_K, tie, L_NEXT,
		    cfg->smtp_ports[i]);
	/* Not a server port: a server source port makes it the server. */
	op(a, BPF_LD | BPF_MEM, M_SERVER);
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, dst_label, cmp, 1);
	label(a, tie);
	/* A server destination port: the source is the client, unless the
	 * source port is one too. */
	op(a, BPF_LD | BPF_MEM, M_SERVER);
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, cmp, src_label, 1);
	label(a, cmp);
	/* Both or neither: the lower port is the server's. */
	op(a, BPF_LDX | BPF_MEM, M_DPORT);
	op(a, BPF_LD | BPF_MEM, M_SPORT);
	emit(a, BPF_JMP | BPF_JGE | BPF_X, src_label, dst_label, 0);
}

/* A = the four words at X + off XORed (X is M_IP again after). */
static void
fold_words(struct asm_ctx *a, uint32_t off)
{
	load(a, BPF_W, off);
	for (uint32_t i = 1; i < 4; i++) {
		op(a, BPF_ST, M_OFF);
		op(a, BPF_LDX | BPF_MEM, M_IP);
		load(a, BPF_W, off + 4 * i);
		op(a, BPF_LDX | BPF_MEM, M_OFF);
		op(a, BPF_ALU | BPF_XOR | BPF_X, 0);
	}
	op(a, BPF_LDX | BPF_MEM, M_IP);
}

/* The labels the blocks jump to. */
struct fan_labels {
	int	 mix, sym, sym1, ip1;
	int	 vxlan, geneve, gre_udp, gre, eth;
};

static void
jeq(struct asm_ctx *a, uint32_t k, int l)
{
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, l, L_NEXT, k);
}

/*
 * The UDP tunnels on the destination port in M_DPORT: to their label at
 * level 0, to the symmetric hash inside a tunnel.  Falls through when
 * none.
 */
static void
udp_tunnels(struct asm_ctx *a, const struct decode_opts *o, int level,
    const struct fan_labels *fl)
{
	int sym = level == 0 ? fl->sym : fl->sym1;
	int vx = new_label(a), ge = new_label(a), gu = new_label(a),
	    none = new_label(a);

	op(a, BPF_LD | BPF_MEM, M_DPORT);
	for (unsigned i = 0; o->vxlan && i < o->n_vxlan_ports; i++)
		jeq(a, o->vxlan_ports[i], vx);
	for (unsigned i = 0; o->geneve && i < o->n_geneve_ports; i++)
		jeq(a, o->geneve_ports[i], ge);
	for (unsigned i = 0; o->gre && i < o->n_gre_udp_ports; i++)
		jeq(a, o->gre_udp_ports[i], gu);
	jump(a, none);
	/* Stubs, so that the conditional jumps above stay short. */
	if (o->vxlan) {
		label(a, vx);
		jump(a, level == 0 ? fl->vxlan : sym);
	}
	if (o->geneve) {
		label(a, ge);
		jump(a, level == 0 ? fl->geneve : sym);
	}
	if (o->gre) {
		label(a, gu);
		jump(a, level == 0 ? fl->gre_udp : sym);
	}
	label(a, none);
}

/*
 * A: IP protocol 47, 4 or 41 (a tunnel the fanout follows), its header
 * at M_L4: at level 0 on to GRE or to the inner IP header; inside a
 * tunnel, the symmetric hash.
 */
static void
tunnel_proto(struct asm_ctx *a, const struct decode_opts *o, int level,
    const struct fan_labels *fl)
{
	int gre = new_label(a);

	if (level > 0) {
		jump(a, fl->sym1);
		return;
	}
	if (o->gre && o->ipip)
		jeq(a, IPPROTO_GRE, gre);
	if (o->ipip) {
		op(a, BPF_LD | BPF_MEM, M_L4);
		jump(a, fl->ip1);
	}
	if (o->gre) {
		label(a, gre);
		op(a, BPF_LD | BPF_MEM, M_L4);
		jump(a, fl->gre);
	}
}

/*
 * A: the IP protocol (also in M_TMP), its header at M_L4: a tunnel the
 * fanout follows, or the client rule on the ports of TCP and UDP (to
 * src_label when the source is the client, else dst_label); any other
 * protocol goes by its destination.
 */
static void
transport(struct asm_ctx *a, const struct ts_config *cfg, int level,
    const struct fan_labels *fl, int src_label, int dst_label)
{
	const struct decode_opts *o = &cfg->decoder;
	int tun = new_label(a), ports = new_label(a), rule = new_label(a);

	if (o->gre)
		jeq(a, IPPROTO_GRE, tun);
	if (o->ipip) {
		jeq(a, IPPROTO_IPIP, tun);
		jeq(a, IPPROTO_IPV6, tun);
	}
	jeq(a, IPPROTO_TCP, ports);
	jeq(a, IPPROTO_UDP, ports);
	jump(a, dst_label);
	label(a, tun);
	tunnel_proto(a, o, level, fl);
	label(a, ports);
	op(a, BPF_LDX | BPF_MEM, M_L4);
	load(a, BPF_H, 0);
	op(a, BPF_ST, M_SPORT);
	load(a, BPF_H, 2);
	op(a, BPF_ST, M_DPORT);
	op(a, BPF_LD | BPF_MEM, M_TMP);
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, L_NEXT, rule, IPPROTO_UDP);
	udp_tunnels(a, o, level, fl);
	label(a, rule);
	choose(a, cfg, src_label, dst_label);
}

/*
 * The client rule on the IP header whose offset is in A, as client_of()
 * at one level; level 0 goes on to the tunnel blocks, level 1 ends.
 */
static void
ip_block(struct asm_ctx *a, const struct ts_config *cfg, int level,
    const struct fan_labels *fl)
{
	int v4 = new_label(a), v6 = new_label(a), v4src = new_label(a),
	    v4dst = new_label(a), v6src = new_label(a), v6dst = new_label(a),
	    notip = new_label(a);
	int sym = level == 0 ? fl->sym : fl->sym1;

	op(a, BPF_ST, M_IP);
	op(a, BPF_MISC | BPF_TAX, 0);
	load(a, BPF_B, 0);
	op(a, BPF_ALU | BPF_RSH | BPF_K, 4);
	jeq(a, 4, v4);
	jeq(a, 6, v6);
	label(a, notip);
	if (level == 0)
		op(a, BPF_RET | BPF_K, 0);
	else
		jump(a, sym);

	label(a, v4);
	load(a, BPF_W, 16);
	load(a, BPF_W, 12);
	op(a, BPF_ST, M_OFF);
	load(a, BPF_W, 16);
	op(a, BPF_LDX | BPF_MEM, M_OFF);
	op(a, BPF_ALU | BPF_XOR | BPF_X, 0);
	op(a, BPF_ST, M_SYM);
	op(a, BPF_LDX | BPF_MEM, M_IP);
	load(a, BPF_H, 6);
	emit(a, BPF_JMP | BPF_JSET | BPF_K, v4dst, L_NEXT, 0x3fff);
	load(a, BPF_B, 9);
	op(a, BPF_ST, M_TMP);
	/* The transport (or tunnel) header's offset: X + IHL * 4. */
	load(a, BPF_B, 0);
	op(a, BPF_ALU | BPF_AND | BPF_K, 0xf);
	op(a, BPF_ALU | BPF_LSH | BPF_K, 2);
	op(a, BPF_ALU | BPF_ADD | BPF_X, 0);
	op(a, BPF_ST, M_L4);
	op(a, BPF_LD | BPF_MEM, M_TMP);
	transport(a, cfg, level, fl, v4src, v4dst);
	label(a, v4src);
	op(a, BPF_LDX | BPF_MEM, M_IP);
	load(a, BPF_W, 12);
	jump(a, fl->mix);
	label(a, v4dst);
	op(a, BPF_LDX | BPF_MEM, M_IP);
	load(a, BPF_W, 16);
	jump(a, fl->mix);

	label(a, v6);
	load(a, BPF_W, 36);
	fold_words(a, 8);
	op(a, BPF_ST, M_SYM);
	fold_words(a, 24);
	op(a, BPF_LDX | BPF_MEM, M_SYM);
	op(a, BPF_ALU | BPF_XOR | BPF_X, 0);
	op(a, BPF_ST, M_SYM);
	op(a, BPF_LD | BPF_MEM, M_IP);
	op(a, BPF_ALU | BPF_ADD | BPF_K, 40);
	op(a, BPF_ST, M_L4);
	op(a, BPF_LDX | BPF_MEM, M_IP);
	load(a, BPF_B, 6);
	op(a, BPF_ST, M_TMP);
	jeq(a, 44, v6dst);
	transport(a, cfg, level, fl, v6src, v6dst);
	label(a, v6src);
	op(a, BPF_LDX | BPF_MEM, M_IP);
	fold_words(a, 8);
	jump(a, fl->mix);
	label(a, v6dst);
	op(a, BPF_LDX | BPF_MEM, M_IP);
	fold_words(a, 24);
	jump(a, fl->mix);
}

/* A = M_OFF + k, then on to label l. */
static void
offset_to(struct asm_ctx *a, uint32_t k, int l)
{
	op(a, BPF_LD | BPF_MEM, M_OFF);
	if (k != 0)
		op(a, BPF_ALU | BPF_ADD | BPF_K, k);
	jump(a, l);
}

/* A = M_L4 + k, then on to label l. */
static void
l4_to(struct asm_ctx *a, uint32_t k, int l)
{
	op(a, BPF_LD | BPF_MEM, M_L4);
	op(a, BPF_ALU | BPF_ADD | BPF_K, k);
	jump(a, l);
}

/*
 * The tunnels, as inner_of(): each ends with the inner IP header's
 * offset in A at fl->ip1, or at fl->sym.
 */
static void
tunnel_blocks(struct asm_ctx *a, const struct decode_opts *o,
    const struct fan_labels *fl)
{
	if (o->vxlan) {
		label(a, fl->vxlan);
		op(a, BPF_LDX | BPF_MEM, M_L4);
		load(a, BPF_B, 8);
		emit(a, BPF_JMP | BPF_JSET | BPF_K, L_NEXT, fl->sym, 0x08);
		l4_to(a, 16, fl->eth);
	}
	if (o->geneve) {
		int eth = new_label(a), ip = new_label(a);
		label(a, fl->geneve);
		op(a, BPF_LDX | BPF_MEM, M_L4);
		load(a, BPF_B, 8);
		emit(a, BPF_JMP | BPF_JSET | BPF_K, fl->sym, L_NEXT, 0xc0);
		op(a, BPF_ALU | BPF_AND | BPF_K, 0x3f);
		op(a, BPF_ALU | BPF_LSH | BPF_K, 2);
		op(a, BPF_ALU | BPF_ADD | BPF_K, 16);
		op(a, BPF_ALU | BPF_ADD | BPF_X, 0);
		op(a, BPF_ST, M_OFF);
		load(a, BPF_H, 10);
		jeq(a, 0x6558, eth);
		jeq(a, 0x0800, ip);
		jeq(a, 0x86dd, ip);
		jump(a, fl->sym);
		label(a, eth);
		offset_to(a, 0, fl->eth);
		label(a, ip);
		offset_to(a, 0, fl->ip1);
	}
	if (o->gre) {
		int c = new_label(a), k0 = new_label(a), k = new_label(a),
		    s0 = new_label(a), s = new_label(a), proto = new_label(a),
		    ip = new_label(a), eth = new_label(a),
		    e2 = new_label(a), e3 = new_label(a), e2s = new_label(a),
		    e3o = new_label(a);
		label(a, fl->gre_udp);
		l4_to(a, 8, fl->gre);
		label(a, fl->gre);
		op(a, BPF_ST, M_OFF);
		op(a, BPF_MISC | BPF_TAX, 0);
		load(a, BPF_H, 0);
		op(a, BPF_ST, M_TMP);
		load(a, BPF_H, 2);
		op(a, BPF_ST, M_SERVER);
		op(a, BPF_LD | BPF_MEM, M_TMP);
		emit(a, BPF_JMP | BPF_JSET | BPF_K, fl->sym, L_NEXT, 0x4fff);
		op(a, BPF_LD | BPF_MEM, M_OFF);
		op(a, BPF_ALU | BPF_ADD | BPF_K, 4);
		op(a, BPF_ST, M_OFF);
		op(a, BPF_LD | BPF_MEM, M_TMP);
		emit(a, BPF_JMP | BPF_JSET | BPF_K, c, k0, 0x8000);
		label(a, c);
		op(a, BPF_LD | BPF_MEM, M_OFF);
		op(a, BPF_ALU | BPF_ADD | BPF_K, 4);
		op(a, BPF_ST, M_OFF);
		label(a, k0);
		op(a, BPF_LD | BPF_MEM, M_TMP);
		emit(a, BPF_JMP | BPF_JSET | BPF_K, k, s0, 0x2000);
		label(a, k);
		op(a, BPF_LD | BPF_MEM, M_OFF);
		op(a, BPF_ALU | BPF_ADD | BPF_K, 4);
		op(a, BPF_ST, M_OFF);
		label(a, s0);
		op(a, BPF_LD | BPF_MEM, M_TMP);
		emit(a, BPF_JMP | BPF_JSET | BPF_K, s, proto, 0x1000);
		label(a, s);
		op(a, BPF_LD | BPF_MEM, M_OFF);
		op(a, BPF_ALU | BPF_ADD | BPF_K, 4);
		op(a, BPF_ST, M_OFF);
		label(a, proto);
		op(a, BPF_LD | BPF_MEM, M_SERVER);
		jeq(a, 0x0800, ip);
		jeq(a, 0x86dd, ip);
		jeq(a, 0x6558, eth);
		if (o->erspan) {
			jeq(a, 0x88be, e2);
			jeq(a, 0x22eb, e3);
		}
		jump(a, fl->sym);
		label(a, ip);
		offset_to(a, 0, fl->ip1);
		label(a, eth);
		offset_to(a, 0, fl->eth);
		if (o->erspan) {
			label(a, e2);
			op(a, BPF_LD | BPF_MEM, M_TMP);
			emit(a, BPF_JMP | BPF_JSET | BPF_K, e2s, L_NEXT, 0x1000);
			offset_to(a, 0, fl->eth);	/* type I */
			label(a, e2s);
			offset_to(a, 8, fl->eth);
			label(a, e3);
			op(a, BPF_LDX | BPF_MEM, M_OFF);
			load(a, BPF_B, 11);
			emit(a, BPF_JMP | BPF_JSET | BPF_K, e3o, L_NEXT, 1);
			offset_to(a, 12, fl->eth);
			label(a, e3o);
			offset_to(a, 20, fl->eth);
		}
	}
	if (o->vxlan || o->geneve || o->gre) {
		int vlan = new_label(a), e14 = new_label(a), e18 = new_label(a);
		label(a, fl->eth);
		op(a, BPF_ST, M_OFF);
		op(a, BPF_MISC | BPF_TAX, 0);
		load(a, BPF_H, 12);
		jeq(a, 0x8100, vlan);
		jeq(a, 0x88a8, vlan);
		jeq(a, 0x0800, e14);
		jeq(a, 0x86dd, e14);
		jump(a, fl->sym);
		label(a, vlan);
		load(a, BPF_H, 16);
		jeq(a, 0x0800, e18);
		jeq(a, 0x86dd, e18);
		jump(a, fl->sym);
		label(a, e14);
		offset_to(a, 14, fl->ip1);
		label(a, e18);
		offset_to(a, 18, fl->ip1);
	}
}

size_t
fanout_program(const struct ts_config *cfg, int32_t net_base,
    struct sock_filter *prog)
{
	struct asm_ctx a;
	struct fan_labels fl;

	memset(&a, 0, sizeof(a));
	a.p = prog;
	a.base = (uint32_t)net_base;
	fl.mix = new_label(&a);
	fl.sym = new_label(&a);
	fl.sym1 = new_label(&a);
	fl.ip1 = new_label(&a);
	fl.vxlan = new_label(&a);
	fl.geneve = new_label(&a);
	fl.gre_udp = new_label(&a);
	fl.gre = new_label(&a);
	fl.eth = new_label(&a);

	op(&a, BPF_LD | BPF_IMM, 0);
	ip_block(&a, cfg, 0, &fl);
	tunnel_blocks(&a, &cfg->decoder, &fl);
	label(&a, fl.sym);
	op(&a, BPF_LD | BPF_MEM, M_SYM);
	jump(&a, fl.mix);
	label(&a, fl.ip1);
	ip_block(&a, cfg, 1, &fl);
	label(&a, fl.sym1);
	op(&a, BPF_LD | BPF_MEM, M_SYM);
	label(&a, fl.mix);
	op(&a, BPF_ALU | BPF_MUL | BPF_K, FANOUT_MULT);
	op(&a, BPF_ALU | BPF_RSH | BPF_K, 16);
	op(&a, BPF_RET | BPF_A, 0);
	if (a.overflow)
		return 0;

	/* Jumps are relative to the next instruction, forward only. */
	for (size_t i = 0; i < a.nfix; i++) {
		size_t at = a.fix[i].at, to = a.label_at[a.fix[i].label];
		if (to == SIZE_MAX || to <= at)
			return 0;
		size_t off = to - at - 1;
		if (a.fix[i].branch == 2) {
			prog[at].k = (uint32_t)off;
		} else {
			if (off > 255)
				return 0;
			if (a.fix[i].branch == 0)
				prog[at].jt = (uint8_t)off;
			else
				prog[at].jf = (uint8_t)off;
		}
	}
	return a.n;
}

int
fanout_join(int fd, uint16_t id, const struct ts_config *cfg)
{
	struct sock_filter prog[FANOUT_PROG_MAX];
	struct sock_fprog fp;
	size_t n = fanout_program(cfg, SKF_NET_OFF, prog);
	int arg = id | (PACKET_FANOUT_CBPF | PACKET_FANOUT_FLAG_DEFRAG) << 16;

	if (n == 0) {
		errno = E2BIG;
		return -1;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) != 0)
		return -1;
	fp.len = (unsigned short)n;
	fp.filter = prog;
	return setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &fp, sizeof(fp));
}
