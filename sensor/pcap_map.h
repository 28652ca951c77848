/*
 * pcap_map.h — a pcap file read in place (mmap), for the reader of
 * several workers: each packet is handed over as a pointer into the file
 * instead of being copied, so the reader does little more than find the
 * records and their clients.
 *
 * Only plain pcap files (microsecond or nanosecond, either byte order) of
 * a supported link type whose every record is whole and no longer than
 * the snap length are taken (all record headers are checked before the
 * first packet); anything else (pcapng, standard input, a cut or corrupt
 * file, a BPF filter) is for libpcap, which reports what is wrong.
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
};

/* 0: mapped and checked; -1: leave it to libpcap (nothing kept open). */
int pcap_map_open(struct pcap_map *m, const char *path);

/* The next packet (1), or the end (0).  data points into the file. */
int pcap_map_next(struct pcap_map *m, struct pcap_pkthdr *h,
    const uint8_t **data);

void pcap_map_close(struct pcap_map *m);

#endif
