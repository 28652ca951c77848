/*
 * pcap_map.c — the pcap file format read in place.
 *
 * The global header is 24 bytes: magic (0xa1b2c3d4 for microseconds,
 * 0xa1b23c4d for nanoseconds, in the writer's byte order), version,
 * zone, accuracy, snap length, link type; then each record has a 16-byte
 * header (seconds, micro- or nanoseconds, captured length, original
 * length) and its captured bytes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../decoders/cursor.h"
#include "../decoders/decode_link.h"
#include "pcap_map.h"

#define PCAP_MAP_MAX_SNAPLEN	262144	/* libpcap's largest */
#define PCAP_MAP_AHEAD		2048	/* bytes prefetched ahead */

static inline __attribute__((always_inline)) uint32_t
u32(const struct pcap_map *m, struct cursor *c)
{
	return m->swapped ? cur_u32(c) : cur_u32le(c);
}

int
pcap_map_open(struct pcap_map *m, const char *path)
{
	struct stat st;
	int fd;

	memset(m, 0, sizeof(*m));
	if (strcmp(path, "-") == 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 24) {
		close(fd);
		return -1;
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	m->base = p;
	m->size = (size_t)st.st_size;
	(void)madvise(p, m->size, MADV_SEQUENTIAL);

	struct cursor c = cur_init(m->base, m->size);
	uint32_t magic = cur_u32le(&c);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
		m->swapped = false;
	} else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
		m->swapped = true;
	} else {
		pcap_map_close(m);
		return -1;
	}
	m->nsec = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	cur_skip(&c, 12);		/* version, zone, accuracy */
	uint32_t snaplen = u32(m, &c);
	uint32_t link = u32(m, &c) & 0x03ffffff;	/* FCS bits off */
	/* LINKTYPE_ values are the DLT_ ones but for raw IP. */
	m->dlt = link == 101 ? DLT_RAW : (int)link;
	if (c.err || !link_supported(m->dlt) || snaplen == 0) {
		pcap_map_close(m);
		return -1;
	}
	if (snaplen > PCAP_MAP_MAX_SNAPLEN)
		snaplen = PCAP_MAP_MAX_SNAPLEN;
	m->snaplen = snaplen;
	m->off = 24;
	return 0;
}

int
pcap_map_next(struct pcap_map *m, struct pcap_pkthdr *h, const uint8_t **data)
{
	if (m->off == m->size)
		return 0;
	/*
	 * Records are found one after the other at irregular strides, which
	 * the hardware does not prefetch across pages: ask for the bytes a
	 * few records ahead (a hint; never a read).
	 */
	if (m->size - m->off > PCAP_MAP_AHEAD)
		__builtin_prefetch(m->base + m->off + PCAP_MAP_AHEAD);
	struct cursor c = cur_init(m->base + m->off, m->size - m->off);
	uint32_t sec = u32(m, &c), frac = u32(m, &c);
	uint32_t caplen = u32(m, &c);

	h->len = u32(m, &c);
	/* As libpcap reads a record (sf-pcap.c), and says what is wrong. */
	if (c.err) {
		snprintf(m->err, sizeof(m->err), "truncated dump file; tried "
		    "to read 16 header bytes, only got %zu", m->size - m->off);
		m->off = m->size;
		return -1;
	}
	if (caplen > PCAP_MAP_MAX_SNAPLEN) {
		snprintf(m->err, sizeof(m->err), "invalid packet capture "
		    "length %u, bigger than snaplen of %u", caplen,
		    PCAP_MAP_MAX_SNAPLEN);
		m->off += 16;		/* libpcap has read the header */
		return -1;
	}
	if ((size_t)(c.end - c.p) < caplen) {
		snprintf(m->err, sizeof(m->err), "truncated dump file; tried "
		    "to read %u captured bytes, only got %zu", caplen,
		    (size_t)(c.end - c.p));
		m->off = m->size;
		return -1;
	}
	/* Longer than the file's snap length: the rest is skipped. */
	h->caplen = caplen > m->snaplen ? m->snaplen : caplen;
	h->ts.tv_sec = (time_t)sec;
	h->ts.tv_usec = (suseconds_t)(m->nsec ? frac / 1000 : frac);
	*data = c.p;
	m->off += 16 + (size_t)caplen;
	return 1;
}

void
pcap_map_close(struct pcap_map *m)
{
	if (m->base != NULL)
		munmap((void *)(uintptr_t)m->base, m->size);
	memset(m, 0, sizeof(*m));
}
