/*
 * fuzz_fanout.c — which worker a frame goes to (sensor/fanout.c): the C
 * hash of the offline reader and the classic BPF program of the live
 * fanout group, run by libpcap's interpreter, must agree on every frame,
 * whatever its headers and tunnels (a differential target); neither may
 * read outside the frame.  The first byte picks the encapsulations
 * enabled (one bit each: VXLAN, GENEVE, GRE, ERSPAN, IP in IP); the rest
 * is an Ethernet frame of IPv4 or IPv6 (others are skipped: the kernel
 * strips VLAN tags first, and what is not IP is of no use to any worker).
 */
#include <pcap/pcap.h>

#include "../../rules/config.h"
#include "../../sensor/fanout.h"
#include "fuzz.h"

static struct ts_config cfgs[32];
static struct fanout_rule rules[32];
static struct sock_filter progs[32][FANOUT_PROG_MAX];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (unsigned i = 0; i < 32; i++) {
		struct decode_opts *o = &cfgs[i].decoder;
		config_defaults(&cfgs[i]);
		o->vxlan = i & 1;
		o->geneve = (i >> 1) & 1;
		o->gre = (i >> 2) & 1;
		o->erspan = (i >> 3) & 1;
		o->ipip = (i >> 4) & 1;
		decode_opts_finish(o);
		fanout_rule_init(&rules[i], &cfgs[i]);
		if (fanout_program(&cfgs[i], 14, progs[i]) == 0)
			abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	uint8_t ctl = cur_u8(&c);
	struct slice frame = cur_rest(&c);

	if (c.err)
		return 0;
	/* The kernel runs the program on IP packets, VLAN tags taken off. */
	if (frame.len >= 14 && !(frame.p[12] == 0x08 && frame.p[13] == 0x00) &&
	    !(frame.p[12] == 0x86 && frame.p[13] == 0xdd))
		return 0;
	unsigned k = ctl & 31;
	uint32_t h = fanout_hash(&rules[k], DLT_EN10MB, frame.p, frame.len);
	u_int b = bpf_filter((const struct bpf_insn *)progs[k], frame.p,
	    (u_int)frame.len, (u_int)frame.len);
	FUZZ_CHECK(b == ((h * 0x9e3779b1u) >> 16));
	return 0;
}
