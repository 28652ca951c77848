/*
 * pcap_chunks.h — a pcap file read in large chunks, for the reader of
 * several workers: the file is read with read() into a few buffers of
 * some megabytes (huge pages where the kernel gives them), and each packet
 * is handed over as a pointer into its chunk instead of being copied, so
 * the reader does little more than find the records and their clients.
 * (Walking a mapped file costs a page-table walk per page, nested in a
 * virtual machine: six times the time of reading it, measured.)
 *
 * Only plain pcap files (microsecond or nanosecond, either byte order) of
 * a supported link type are taken; anything else (pcapng, standard input,
 * a BPF filter) is for libpcap.  Each record is checked as it is reached,
 * as libpcap checks it: a record cut short or longer than the largest
 * snap length ends the file with libpcap's words for it; one longer than
 * the file's snap length is cut to it.
 *
 * A chunk is refilled only once every packet in it has been handled:
 * each chunk fill has a generation number, and the caller waits until no
 * worker holds a batch of the generation a buffer last held
 * (sensor/workers.c).
 */
#ifndef TS_PCAP_CHUNKS_H
#define TS_PCAP_CHUNKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <pcap/pcap.h>

#define PCAP_CHUNKS		4		/* buffers in turn */
#define PCAP_CHUNK_BYTES	(4u << 20)	/* read at once */

struct pcap_chunks {
	int		 fd;
	int		 dlt;
	bool		 swapped;	/* written in the other byte order */
	bool		 nsec;		/* nanosecond timestamps */
	uint32_t	 snaplen;
	uint8_t		*buf[PCAP_CHUNKS];
	size_t		 cap;		/* bytes of each buffer */
	unsigned	 cur;		/* the buffer being read */
	size_t		 have, pos;	/* its bytes, and the next record */
	off_t		 base;		/* file offset of its first byte */
	uint64_t	 gen;		/* its fill, from 1 */
	bool		 eof;		/* read() said the end */
	char		 err[128];	/* why pcap_chunks_next() gave -1 */
	size_t		 err_off;	/* the file offset then (libpcap's) */
};

/* 0: opened (the global header checked); -1: leave it to libpcap. */
int pcap_chunks_open(struct pcap_chunks *c, const char *path);

/*
 * The next packet (1; data points into the current chunk), the end of
 * the file (0), the end of the chunk (2: pcap_chunks_refill() next), or a
 * record that cannot be read (-1, why in c->err, where in c->err_off).
 */
int pcap_chunks_next(struct pcap_chunks *c, struct pcap_pkthdr *h,
    const uint8_t **data);

/*
 * Moves to the next buffer (which the caller has made sure no packet of
 * generation c->gen + 1 - PCAP_CHUNKS still uses), carrying over a record
 * cut at the end of the chunk, and reads.  0, or -1 with c->err.
 */
int pcap_chunks_refill(struct pcap_chunks *c);

void pcap_chunks_close(struct pcap_chunks *c);

#endif
