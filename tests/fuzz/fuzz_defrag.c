/*
 * fuzz_defrag.c — defrag_add() and defrag_expire() on a sequence of
 * fragments.  Each is a control byte (bit 0: more fragments; bit 1: IPv6;
 * bits 2-3: which of four datagrams; bit 4: TCP, else UDP; bits 5-7: seconds
 * to wait first, times 8), a 16-bit offset in 8-byte units, a 16-bit
 * length and that many bytes.  The caps are small so that they are hit.
 */
#include <sys/socket.h>

#include "../../decoders/decode.h"
#include "../../decoders/defrag.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct defrag_limits lim = { 3, 160 * 1024, 30 };
	struct cursor c = cur_init(data, size);
	struct counters cnt = { 0 };
	struct defrag_table t;
	struct timeval now = { 1000000, 0 };
	static struct decode_opts opts;

	decode_opts_default(&opts);

	if (defrag_init(&t, &lim, &cnt) != 0)
		return 0;
	while (cur_left(&c) >= 5) {
		uint8_t ctl = cur_u8(&c);
		uint16_t off = cur_u16(&c), len = cur_u16(&c);
		struct packet pkt = { .ts = now };
		bool v6 = ctl & 2;

		pkt.ts.tv_sec = now.tv_sec += (ctl >> 5) * 8;
		pkt.ip_version = v6 ? 6 : 4;
		pkt.src.family = pkt.dst.family = v6 ? AF_INET6 : AF_INET;
		pkt.src.bytes[0] = 192;
		pkt.dst.bytes[0] = 10;
		pkt.frag.id = (ctl >> 2) & 3;
		pkt.frag.offset = (uint32_t)(off & 0x1fff) * 8;
		pkt.frag.more = ctl & 1;
		pkt.frag.proto = ctl & 0x10 ? 6 : 17;
		pkt.frag.data = cur_bytes(&c, len < cur_left(&c) ? len :
		    cur_left(&c));
		defrag_expire(&t, &pkt.ts);
		if (defrag_add(&t, &pkt) == TS_OK) {
			FUZZ_CHECK(pkt.l4.len <= 65535);
			fuzz_touch(pkt.l4.p, pkt.l4.len);
			(void)decode_transport(&pkt, &opts, &cnt);
		}
		FUZZ_CHECK(t.count <= lim.max_datagrams &&
		    t.mem_used <= lim.max_memory);
	}
	defrag_free(&t);
	return 0;
}
