/*
 * dns_tcp.h — DNS over TCP framing (RFC 1035 4.2.2, RFC 7766): each
 * message is preceded by its 2-byte length; messages may share a segment
 * or span many.
 */
#ifndef TS_DNS_TCP_H
#define TS_DNS_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "cursor.h"

/* One direction's framing state. */
struct dns_tcp {
	uint8_t		 lenbuf[2];
	uint8_t		 have_len;	/* bytes of the length read */
	uint16_t	 msg_len;
	uint32_t	 got;		/* bytes of the message read */
	uint8_t		*buf;		/* 65535 bytes, allocated on first use */
	bool		 lost;		/* a gap broke the framing: ignore the rest */
};

typedef void (*dns_tcp_msg_fn)(void *ctx, struct slice msg);

/* Feeds in-order bytes; calls fn for each complete message. */
void dns_tcp_feed(struct dns_tcp *d, const uint8_t *data, size_t len,
    dns_tcp_msg_fn fn, void *ctx, struct counters *cnt);

/* A gap: the framing cannot be trusted any more. */
void dns_tcp_gap(struct dns_tcp *d);

void dns_tcp_free(struct dns_tcp *d);

/* Bytes held (the message buffer once allocated). */
size_t dns_tcp_memory(const struct dns_tcp *d);

#endif
