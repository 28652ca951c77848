/*
 * fuzz_decode.c — decode_packet(): link, IP, UDP and TCP headers of one
 * frame.  The first byte picks the link type, the rest is the frame.
 */
#include "../../decoders/decode.h"
#include "fuzz.h"

static const int dlts[] = { 1 /* EN10MB */, 113 /* LINUX_SLL */,
    276 /* LINUX_SLL2 */, 12 /* RAW */, 228 /* IPV4 */, 229 /* IPV6 */,
    0 /* NULL */, 108 /* LOOP */, 147 /* unsupported */ };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	struct packet pkt = { .datalink = dlts[cur_u8(&c) % 9] };
	struct counters cnt = { 0 };
	struct slice frame = cur_rest(&c);
	static struct decode_opts opts;

	decode_opts_default(&opts);

	switch (decode_packet(&pkt, frame.p, frame.len, &opts, &cnt)) {
	case TS_OK:
		fuzz_touch(pkt.payload.p, pkt.payload.len);
		break;
	case TS_FRAGMENT:
		fuzz_touch(pkt.frag.data.p, pkt.frag.data.len);
		break;
	default:
		break;
	}
	return 0;
}
