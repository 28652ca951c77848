/*
 * dns_tcp.c — split a DNS-over-TCP byte stream into messages.
 *
 * A message that arrives whole inside one delivered piece is passed on in
 * place, without copying; only a message split across pieces is gathered
 * into the direction's buffer (allocated once, at most 65535 bytes).
 */
#include <stdlib.h>
#include <string.h>

#include "dns_tcp.h"

#define DNS_TCP_MAX	65535

void
dns_tcp_feed(struct dns_tcp *d, const uint8_t *data, size_t len,
    dns_tcp_msg_fn fn, void *ctx, struct counters *cnt)
{
	struct cursor c = cur_init(data, len);

	while (!d->lost && cur_left(&c) > 0) {
		if (d->have_len < 2) {
			d->lenbuf[d->have_len++] = cur_u8(&c);
			if (d->have_len < 2)
				continue;
			d->msg_len = (uint16_t)(d->lenbuf[0] << 8 | d->lenbuf[1]);
			d->got = 0;
			if (d->msg_len == 0) {
				d->have_len = 0;
				continue;
			}
		}
		size_t want = d->msg_len - d->got;
		if (d->got == 0 && cur_left(&c) >= want) {
			/* Whole in this piece: no copy. */
			struct slice msg = cur_bytes(&c, want);
			cnt->dns_tcp_messages++;
			fn(ctx, msg);
			d->have_len = 0;
			continue;
		}
		if (d->buf == NULL && (d->buf = malloc(DNS_TCP_MAX)) == NULL) {
			d->lost = true;
			return;
		}
		size_t n = cur_left(&c) < want ? cur_left(&c) : want;
		cur_copy(&c, d->buf + d->got, n);
		d->got += (uint32_t)n;
		if (d->got == d->msg_len) {
			struct slice msg = { d->buf, d->msg_len };
			cnt->dns_tcp_messages++;
			fn(ctx, msg);
			d->have_len = 0;
		}
	}
}

void
dns_tcp_gap(struct dns_tcp *d)
{
	d->lost = true;
}

void
dns_tcp_free(struct dns_tcp *d)
{
	free(d->buf);
	memset(d, 0, sizeof(*d));
}

size_t
dns_tcp_memory(const struct dns_tcp *d)
{
	return d->buf != NULL ? DNS_TCP_MAX : 0;
}
