/*
 * pcap_chunks.c — the pcap file format read in chunks.
 *
 * The global header is 24 bytes: magic (0xa1b2c3d4 for microseconds,
 * 0xa1b23c4d for nanoseconds, in the writer's byte order), version,
 * zone, accuracy, snap length, link type; then each record has a 16-byte
 * header (seconds, micro- or nanoseconds, captured length, original
 * length) and its captured bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../decoders/cursor.h"
#include "../decoders/decode_link.h"
#include "pcap_chunks.h"

#define PCAP_MAX_SNAPLEN	262144u	/* libpcap's largest */
#define HUGE_PAGE		(2u << 20)

static inline __attribute__((always_inline)) uint32_t
u32(const struct pcap_chunks *c, struct cursor *cur)
{
	return c->swapped ? cur_u32(cur) : cur_u32le(cur);
}

int
pcap_chunks_open(struct pcap_chunks *c, const char *path)
{
	uint8_t hdr[24];
	struct stat st;
	size_t got = 0;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (strcmp(path, "-") == 0 ||
	    (c->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(c->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 24)
		goto fail;
	while (got < sizeof(hdr)) {
		ssize_t r = read(c->fd, hdr + got, sizeof(hdr) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto fail;
		got += (size_t)r;
	}
	struct cursor cur = cur_init(hdr, sizeof(hdr));
	uint32_t magic = cur_u32le(&cur);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		c->swapped = false;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		c->swapped = true;
	else
		goto fail;
	c->nsec = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	cur_skip(&cur, 12);		/* version, zone, accuracy */
	uint32_t snaplen = u32(c, &cur);
	uint32_t link = u32(c, &cur) & 0x03ffffff;	/* FCS bits off */
	/* LINKTYPE_ values are the DLT_ ones but for raw IP. */
	c->dlt = link == 101 ? DLT_RAW : (int)link;
	if (cur.err || !link_supported(c->dlt) || snaplen == 0)
		goto fail;
	c->snaplen = snaplen > PCAP_MAX_SNAPLEN ? PCAP_MAX_SNAPLEN : snaplen;
	/* A chunk, and room for a whole record carried over from the last. */
	c->cap = (PCAP_CHUNK_BYTES + PCAP_MAX_SNAPLEN + 16 + HUGE_PAGE - 1) /
	    HUGE_PAGE * HUGE_PAGE;
	for (unsigned i = 0; i < PCAP_CHUNKS; i++) {
		if ((c->buf[i] = aligned_alloc(HUGE_PAGE, c->cap)) == NULL)
			goto fail;
		(void)madvise(c->buf[i], c->cap, MADV_HUGEPAGE);
	}
	c->cur = PCAP_CHUNKS - 1;
	c->base = 24;
	return 0;
fail:
	pcap_chunks_close(c);
	return -1;
}

int
pcap_chunks_next(struct pcap_chunks *c, struct pcap_pkthdr *h,
    const uint8_t **data)
{
	size_t left = c->have - c->pos;

	if (left == 0 && c->eof)
		return 0;
	if (left < 16) {
		if (!c->eof)
			return 2;
		/* As libpcap reads a record (sf-pcap.c), and says it. */
		snprintf(c->err, sizeof(c->err), "truncated dump file; tried "
		    "to read 16 header bytes, only got %zu", left);
		c->err_off = (size_t)c->base + c->have;
		return -1;
	}
	struct cursor cur = cur_init(c->buf[c->cur] + c->pos, left);
	uint32_t sec = u32(c, &cur), frac = u32(c, &cur);
	uint32_t caplen = u32(c, &cur);

	h->len = u32(c, &cur);
	if (caplen > PCAP_MAX_SNAPLEN) {
		snprintf(c->err, sizeof(c->err), "invalid packet capture "
		    "length %u, bigger than snaplen of %u", caplen,
		    PCAP_MAX_SNAPLEN);
		c->err_off = (size_t)c->base + c->pos + 16;
		return -1;
	}
	if (cur_left(&cur) < caplen) {
		if (!c->eof)
			return 2;
		snprintf(c->err, sizeof(c->err), "truncated dump file; tried "
		    "to read %u captured bytes, only got %zu", caplen,
		    cur_left(&cur));
		c->err_off = (size_t)c->base + c->have;
		return -1;
	}
	/* Longer than the file's snap length: the rest is skipped. */
	h->caplen = caplen > c->snaplen ? c->snaplen : caplen;
	h->ts.tv_sec = (time_t)sec;
	h->ts.tv_usec = (suseconds_t)(c->nsec ? frac / 1000 : frac);
	*data = cur.p;
	c->pos += 16 + (size_t)caplen;
	return 1;
}

int
pcap_chunks_refill(struct pcap_chunks *c)
{
	unsigned next = (c->cur + 1) % PCAP_CHUNKS;
	size_t left = c->have - c->pos;

	memcpy(c->buf[next], c->buf[c->cur] + c->pos, left);
	c->base += (off_t)c->pos;
	c->cur = next;
	c->have = left;
	c->pos = 0;
	c->gen++;
	while (c->have < PCAP_CHUNK_BYTES && !c->eof) {
		ssize_t r = read(c->fd, c->buf[c->cur] + c->have,
		    c->cap - c->have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(c->err, sizeof(c->err), "read error: %s",
			    strerror(errno));
			c->err_off = (size_t)c->base + c->have;
			return -1;
		}
		if (r == 0)
			c->eof = true;
		c->have += (size_t)r;
	}
	return 0;
}

void
pcap_chunks_close(struct pcap_chunks *c)
{
	if (c->fd >= 0)
		close(c->fd);
	for (unsigned i = 0; i < PCAP_CHUNKS; i++)
		free(c->buf[i]);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}
