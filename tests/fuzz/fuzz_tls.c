/*
 * fuzz_tls.c — the TLS reader: tls_feed() on both directions of one
 * connection, and tls_gap().  Each step is a control byte (bit 0: from the
 * server, else the client; bit 1: a gap instead of bytes; bit 2: a 16-bit
 * length, else 8-bit), the length and the bytes.
 *
 * Checked: names within their limits and printable, counts within their
 * arrays, the handshake buffer within its cap, and everything freed.
 */
#include <string.h>

#include "../../decoders/tls.h"
#include "fuzz.h"

static void
check_name(const char *s)
{
	size_t n = strlen(s);

	FUZZ_CHECK(n <= TLS_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(s[i] > 0x20 && s[i] < 0x7f);
}

static void
event(void *ctx, enum tls_event ev, const struct tls_info *info)
{
	(void)ctx;
	FUZZ_CHECK(ev == TLS_EV_CLIENT_HELLO || ev == TLS_EV_SERVER_HELLO ||
	    ev == TLS_EV_CERTIFICATE);
	check_name(info->sni);
	FUZZ_CHECK(info->ncert_names <= TLS_CERT_NAMES);
	for (unsigned i = 0; i < info->ncert_names; i++)
		check_name(info->cert_names[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	struct tls_reader r[2];
	struct tls_info info;
	struct counters cnt = { 0 };

	memset(r, 0, sizeof(r));
	memset(&info, 0, sizeof(info));
	while (cur_left(&c) > 0) {
		uint8_t ctl = cur_u8(&c);
		int dir = ctl & 1;
		size_t n = ctl & 4 ? cur_u16(&c) : cur_u8(&c);

		if (ctl & 2) {
			tls_gap(&r[dir], &cnt);
			continue;
		}
		struct slice p = cur_bytes(&c, n < cur_left(&c) ? n :
		    cur_left(&c));
		tls_feed(&r[dir], dir == 1, p.p, p.len, &info, event, NULL,
		    &cnt);
		FUZZ_CHECK(r[dir].hs_len <= TLS_HS_MAX);
		FUZZ_CHECK(tls_reader_memory(&r[dir]) <= TLS_HS_MAX);
	}
	check_name(info.sni);
	tls_reader_free(&r[0]);
	tls_reader_free(&r[1]);
	FUZZ_CHECK(r[0].hs == NULL && r[1].hs == NULL);
	return 0;
}
