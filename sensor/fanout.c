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
#include "../decoders/packet.h"
#include "fanout.h"

#define FANOUT_MULT	0x9e3779b1u

static bool
server_port(const struct ts_config *cfg, uint16_t port)
{
	for (size_t i = 0; i < cfg->n_dns_ports; i++)
		if (cfg->dns_ports[i] == port)
			return true;
	for (size_t i = 0; i < cfg->n_smtp_ports; i++)
		if (cfg->smtp_ports[i] == port)
			return true;
	return false;
}

/*
 * Whether the source is the client, by the ports: the side on a server
 * port is the server; when both are (a lookup from port 2525) or neither
 * is (SMTP detected on another port), the lower port is the server's.
 */
static bool
source_is_client(const struct ts_config *cfg, uint16_t sport, uint16_t dport)
{
	bool ss = server_port(cfg, sport), ds = server_port(cfg, dport);

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

uint32_t
fanout_hash(const struct ts_config *cfg, int dlt, const uint8_t *data,
    size_t caplen, struct counters *scratch)
{
	struct cursor c = cur_init(data, caplen);

	(void)scratch;
	if (!to_network(dlt, &c))
		return 0;
	struct cursor ip = c;
	uint8_t vihl = cur_u8(&c);
	if (c.err)
		return 0;
	if (vihl >> 4 == 4) {
		cur_skip(&c, 5);
		uint16_t frag = cur_u16(&c);
		cur_skip(&c, 1);
		uint8_t proto = cur_u8(&c);
		cur_skip(&c, 2);
		uint32_t src = cur_u32(&c), dst = cur_u32(&c);
		if (c.err)
			return 0;
		if ((frag & 0x3fff) != 0 ||
		    (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
			return dst;
		cur_skip(&ip, (size_t)(vihl & 0xf) * 4);
		uint16_t sport = cur_u16(&ip), dport = cur_u16(&ip);
		if (ip.err)
			return 0;
		return source_is_client(cfg, sport, dport) ? src : dst;
	}
	if (vihl >> 4 == 6) {
		uint32_t src = 0, dst = 0;
		cur_skip(&c, 5);
		uint8_t next = cur_u8(&c);
		cur_skip(&c, 1);
		for (int i = 0; i < 4; i++)
			src ^= cur_u32(&c);
		for (int i = 0; i < 4; i++)
			dst ^= cur_u32(&c);
		if (c.err)
			return 0;
		if (next == 44 || (next != IPPROTO_TCP && next != IPPROTO_UDP))
			return dst;
		uint16_t sport = cur_u16(&c), dport = cur_u16(&c);
		if (c.err)
			return 0;
		return source_is_client(cfg, sport, dport) ? src : dst;
	}
	return 0;
}

/* A program being written, with jumps to labels fixed at the end. */
struct asm_ctx {
	struct sock_filter	*p;
	size_t			 n;
	bool			 overflow;
	/* Jumps waiting for a label: instruction, which branch, label. */
	struct { size_t at; int branch; int label; } fix[256];
	size_t			 nfix;
	size_t			 label_at[32];
};

enum { L_V4, L_V6, L_RET0, L_PORTS4, L_PORTS6, L_V4SRC, L_V4DST, L_V6SRC,
    L_V6DST, L_MIX, L_CHOOSE, L_NEXT = -1 };

/* choose()'s own labels, L_CHOOSE + 4 * k + these. */
enum { C_SS, C_D, C_CMP, C_TIE };

static void
emit(struct asm_ctx *a, uint16_t code, int jt, int jf, uint32_t k)
{
	if (a->n >= FANOUT_PROG_MAX || a->nfix + 2 > 256) {
		a->overflow = true;
		return;
	}
	struct sock_filter ins = { code, 0, 0, k };
	if (jt != L_NEXT) {
		a->fix[a->nfix].at = a->n;
		a->fix[a->nfix].branch = 0;
		a->fix[a->nfix++].label = jt;
	}
	if (jf != L_NEXT) {
		a->fix[a->nfix].at = a->n;
		a->fix[a->nfix].branch = 1;
		a->fix[a->nfix++].label = jf;
	}
	a->p[a->n++] = ins;
}

static void
label(struct asm_ctx *a, int l)
{
	a->label_at[l] = a->n;
}

/*
 * M[0] sport, M[1] dport: to src_label (the source is the client) or
 * dst_label, as source_is_client(); k numbers its labels.
 */
static void
choose(struct asm_ctx *a, const struct ts_config *cfg, int k, int src_label,
    int dst_label)
{
	int base = L_CHOOSE + 4 * k;

	/* M[2]: the source port is a server port. */
	emit(a, BPF_LD | BPF_MEM, L_NEXT, L_NEXT, 0);
	for (size_t i = 0; i < cfg->n_dns_ports; i++)
		emit(a, BPF_JMP | BPF_JEQ | BPF_K, base + C_SS, L_NEXT,
		    cfg->dns_ports[i]);
	for (size_t i = 0; i < cfg->n_smtp_ports; i++)
		emit(a, BPF_JMP | BPF_JEQ | BPF_K, base + C_SS, L_NEXT,
		    cfg->smtp_ports[i]);
	emit(a, BPF_LD | BPF_IMM, L_NEXT, L_NEXT, 0);
	emit(a, BPF_JMP | BPF_JA, L_NEXT, L_NEXT, 0);
	a->fix[a->nfix].at = a->n - 1;
	a->fix[a->nfix].branch = 2;
	a->fix[a->nfix++].label = base + C_D;
	label(a, base + C_SS);
	emit(a, BPF_LD | BPF_IMM, L_NEXT, L_NEXT, 1);
	label(a, base + C_D);
	emit(a, BPF_ST, L_NEXT, L_NEXT, 2);
	/* A: the destination port is a server port. */
	emit(a, BPF_LD | BPF_MEM, L_NEXT, L_NEXT, 1);
	for (size_t i = 0; i < cfg->n_dns_ports; i++)
		emit(a, BPF_JMP | BPF_JEQ | BPF_K, base + C_TIE, L_NEXT,
		    cfg->dns_ports[i]);
	for (size_t i = 0; i < cfg->n_smtp_ports; i++)
		emit(a, BPF_JMP | BPF_JEQ | BPF_K, base + C_TIE, L_NEXT,
		    cfg->smtp_ports[i]);
	/* Not a server port: a server source port makes it the server. */
	emit(a, BPF_LD | BPF_MEM, L_NEXT, L_NEXT, 2);
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, dst_label, base + C_CMP, 1);
	label(a, base + C_TIE);
	/* A server destination port: the source is the client, unless the
	 * source port is one too. */
	emit(a, BPF_LD | BPF_MEM, L_NEXT, L_NEXT, 2);
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, base + C_CMP, src_label, 1);
	label(a, base + C_CMP);
	/* Both or neither: the lower port is the server's. */
	emit(a, BPF_LDX | BPF_MEM, L_NEXT, L_NEXT, 1);
	emit(a, BPF_LD | BPF_MEM, L_NEXT, L_NEXT, 0);
	emit(a, BPF_JMP | BPF_JGE | BPF_X, src_label, dst_label, 0);
}

static void
fold_words(struct asm_ctx *a, uint32_t base)
{
	emit(a, BPF_LD | BPF_W | BPF_ABS, L_NEXT, L_NEXT, base);
	for (uint32_t i = 1; i < 4; i++) {
		emit(a, BPF_MISC | BPF_TAX, L_NEXT, L_NEXT, 0);
		emit(a, BPF_LD | BPF_W | BPF_ABS, L_NEXT, L_NEXT, base + 4 * i);
		emit(a, BPF_ALU | BPF_XOR | BPF_X, L_NEXT, L_NEXT, 0);
	}
	emit(a, BPF_JMP | BPF_JA, L_NEXT, L_NEXT, 0);
	a->fix[a->nfix].at = a->n - 1;
	a->fix[a->nfix].branch = 2;
	a->fix[a->nfix++].label = L_MIX;
}

static void
jump_mix(struct asm_ctx *a)
{
	emit(a, BPF_JMP | BPF_JA, L_NEXT, L_NEXT, 0);
	a->fix[a->nfix].at = a->n - 1;
	a->fix[a->nfix].branch = 2;
	a->fix[a->nfix++].label = L_MIX;
}

size_t
fanout_program(const struct ts_config *cfg, int32_t net_base,
    struct sock_filter *prog)
{
	struct asm_ctx a;
	uint32_t b = (uint32_t)net_base;

	memset(&a, 0, sizeof(a));
	a.p = prog;
	emit(&a, BPF_LD | BPF_B | BPF_ABS, L_NEXT, L_NEXT, b);
	emit(&a, BPF_ALU | BPF_RSH | BPF_K, L_NEXT, L_NEXT, 4);
	emit(&a, BPF_JMP | BPF_JEQ | BPF_K, L_V4, L_NEXT, 4);
	emit(&a, BPF_JMP | BPF_JEQ | BPF_K, L_V6, L_RET0, 6);

	label(&a, L_V4);
	emit(&a, BPF_LD | BPF_H | BPF_ABS, L_NEXT, L_NEXT, b + 6);
	emit(&a, BPF_JMP | BPF_JSET | BPF_K, L_V4DST, L_NEXT, 0x3fff);
	emit(&a, BPF_LD | BPF_B | BPF_ABS, L_NEXT, L_NEXT, b + 9);
	emit(&a, BPF_JMP | BPF_JEQ | BPF_K, L_PORTS4, L_NEXT, IPPROTO_TCP);
	emit(&a, BPF_JMP | BPF_JEQ | BPF_K, L_PORTS4, L_V4DST, IPPROTO_UDP);
	label(&a, L_PORTS4);
	emit(&a, BPF_LDX | BPF_B | BPF_MSH, L_NEXT, L_NEXT, b);
	emit(&a, BPF_LD | BPF_H | BPF_IND, L_NEXT, L_NEXT, b);
	emit(&a, BPF_ST, L_NEXT, L_NEXT, 0);
	emit(&a, BPF_LD | BPF_H | BPF_IND, L_NEXT, L_NEXT, b + 2);
	emit(&a, BPF_ST, L_NEXT, L_NEXT, 1);
	/* The addresses are read last, as fanout_hash() reads them first:
	 * both need the whole header, and a short one gives 0 either way. */
	emit(&a, BPF_LD | BPF_W | BPF_ABS, L_NEXT, L_NEXT, b + 16);
	choose(&a, cfg, 0, L_V4SRC, L_V4DST);
	label(&a, L_V4SRC);
	emit(&a, BPF_LD | BPF_W | BPF_ABS, L_NEXT, L_NEXT, b + 12);
	jump_mix(&a);
	label(&a, L_V4DST);
	emit(&a, BPF_LD | BPF_W | BPF_ABS, L_NEXT, L_NEXT, b + 16);
	jump_mix(&a);

	label(&a, L_V6);
	/* The whole fixed header first, as fanout_hash() reads it. */
	emit(&a, BPF_LD | BPF_W | BPF_ABS, L_NEXT, L_NEXT, b + 36);
	emit(&a, BPF_LD | BPF_B | BPF_ABS, L_NEXT, L_NEXT, b + 6);
	emit(&a, BPF_JMP | BPF_JEQ | BPF_K, L_V6DST, L_NEXT, 44);
	emit(&a, BPF_JMP | BPF_JEQ | BPF_K, L_PORTS6, L_NEXT, IPPROTO_TCP);
	emit(&a, BPF_JMP | BPF_JEQ | BPF_K, L_PORTS6, L_V6DST, IPPROTO_UDP);
	label(&a, L_PORTS6);
	emit(&a, BPF_LD | BPF_H | BPF_ABS, L_NEXT, L_NEXT, b + 40);
	emit(&a, BPF_ST, L_NEXT, L_NEXT, 0);
	emit(&a, BPF_LD | BPF_H | BPF_ABS, L_NEXT, L_NEXT, b + 42);
	emit(&a, BPF_ST, L_NEXT, L_NEXT, 1);
	choose(&a, cfg, 1, L_V6SRC, L_V6DST);
	label(&a, L_V6SRC);
	fold_words(&a, b + 8);
	label(&a, L_V6DST);
	fold_words(&a, b + 24);

	label(&a, L_MIX);
	emit(&a, BPF_ALU | BPF_MUL | BPF_K, L_NEXT, L_NEXT, FANOUT_MULT);
	emit(&a, BPF_ALU | BPF_RSH | BPF_K, L_NEXT, L_NEXT, 16);
	emit(&a, BPF_RET | BPF_A, L_NEXT, L_NEXT, 0);
	label(&a, L_RET0);
	emit(&a, BPF_RET | BPF_K, L_NEXT, L_NEXT, 0);
	if (a.overflow)
		return 0;

	/* Jumps are relative to the next instruction, forward only. */
	for (size_t i = 0; i < a.nfix; i++) {
		size_t at = a.fix[i].at, to = a.label_at[a.fix[i].label];
		if (to <= at)
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
