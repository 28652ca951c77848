/*
 * pcap_map.h — a pcap file read in place (mmap), for the reader of
 * several workers: each packet is handed over as a pointer into the file
 * instead of being copied, so the reader does little more than find the
 * records and their clients.
 *
 * Only plain pcap files (microsecond or nanosecond, either byte order) of
 * a supported link type are taken; anything else (pcapng, standard input,
 * a BPF filter) is for libpcap.  Each record is checked as it is reached,
 * as libpcap checks it (a record past the end or longer than the largest
 * snap length ends the file with libpcap's words for it; one longer than
 * the file's snap length is cut to it), so the file is read once.
 */
#ifndef TS_PCAP_MAP_H
#define TS_PCAP_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

struct pcap_map {
	const uint8_t	*base;
	size_t		 size;
	size_t		 off;		/* the next record */
	int		 dlt;
	bool		 swapped;	/* written in the other byte order */
	bool		 nsec;		/* nanosecond timestamps */
	uint32_t	 snaplen;
	char		 err[128];	/* why pcap_map_next() gave -1 */
};

/* 0: mapped and checked; -1: leave it to libpcap (nothing kept open). */
int pcap_map_open(struct pcap_map *m, const char *path);

/*
 * The next packet (1), the end (0), or a record that cannot be read (-1,
 * why in m->err).  data points into the file.
 */
int pcap_map_next(struct pcap_map *m, struct pcap_pkthdr *h,
    const uint8_t **data);

void pcap_map_close(struct pcap_map *m);

#endif
