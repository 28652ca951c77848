/*
 * fuzz_dns_tcp.c — dns_tcp_feed() framing, then dns_decode() on each
 * message.  The input is cut into pieces as a stream engine would deliver
 * them: a byte of length (0: a gap), then that many bytes.
 */
#include "../../decoders/dns.h"
#include "../../decoders/dns_tcp.h"
#include "fuzz.h"

static struct dns_message msg;

static void
message(void *ctx, struct slice m)
{
	FUZZ_CHECK(m.len > 0 && m.len <= 65535);
	(void)dns_decode(m, &msg, ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	struct dns_tcp d = { 0 };
	struct counters cnt = { 0 };

	while (cur_left(&c) > 0) {
		uint8_t n = cur_u8(&c);
		if (n == 0) {
			dns_tcp_gap(&d);
			continue;
		}
		struct slice piece = cur_bytes(&c, n <= cur_left(&c) ? n :
		    cur_left(&c));
		dns_tcp_feed(&d, piece.p, piece.len, message, &cnt, &cnt);
	}
	FUZZ_CHECK(dns_tcp_memory(&d) <= 65535);
	dns_tcp_free(&d);
	return 0;
}
