/*
 * fuzz_tunnel.c — the encapsulation decoders (decode_tunnel.c) through
 * decode_packet(): GRE and ERSPAN, VXLAN, GENEVE, GRE over UDP, IP in IP,
 * MPLS, PPPoE and PPP, nested.  The first byte picks the link type (low
 * three bits) and the depth cap (the rest, 1 to 16); the rest is the
 * frame.  Checked: the depth never passes the cap, a tunnelled packet has
 * a tenant, and the payload lies inside the frame.
 */
#include "../../decoders/decode.h"
#include "fuzz.h"

static const int dlts[] = { 1 /* EN10MB */, 12 /* RAW */, 9 /* PPP */,
    50 /* PPP_SERIAL */, 51 /* PPP_ETHER */, 104 /* C_HDLC */,
    113 /* LINUX_SLL */, 1 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	uint8_t ctl = cur_u8(&c);
	struct packet pkt = { .datalink = dlts[ctl & 7] };
	struct counters cnt = { 0 };
	struct slice frame = cur_rest(&c);
	static struct decode_opts opts;

	decode_opts_default(&opts);
	opts.max_depth = (uint8_t)(1 + (ctl >> 3) % DECODE_DEPTH_MAX);
	opts.mpls_max_labels = (uint8_t)(1 + (ctl >> 3) % 8);
	enum ts_status st = decode_packet(&pkt, frame.p, frame.len, &opts,
	    &cnt);
	FUZZ_CHECK(pkt.tun.depth <= opts.max_depth);
	FUZZ_CHECK((pkt.tun.depth == 0) == (pkt.tun.tenant == 0));
	if (st == TS_OK) {
		FUZZ_CHECK(pkt.payload.len == 0 ||
		    (pkt.payload.p >= frame.p &&
		    pkt.payload.p + pkt.payload.len <= frame.p + frame.len));
		fuzz_touch(pkt.payload.p, pkt.payload.len);
	} else if (st == TS_FRAGMENT) {
		fuzz_touch(pkt.frag.data.p, pkt.frag.data.len);
	}
	return 0;
}
