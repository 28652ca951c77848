/*
 * capture.h — reading packets from capture files through libpcap.
 */
#ifndef TS_CAPTURE_H
#define TS_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "worker.h"

struct capture_result {
	uint64_t	packets;	/* records read and processed */
	bool		opened;		/* the file was a readable capture */
	bool		stopped_early;	/* a truncated or corrupt record */
	bool		interrupted;	/* stopped by SIGINT or SIGTERM */
};

/*
 * Signals while reading: *stop ends the read (after the packet in hand);
 * when *pending is set, housekeeping(ctx) runs between two packets (EVE
 * reopen and configuration reload on SIGHUP).  stats_written(ctx) runs
 * after a packet that made the worker write a stats record (the end of
 * an interval of packet time).  NULL members are unused.
 */
struct capture_hooks {
	const volatile sig_atomic_t	*stop;
	const volatile sig_atomic_t	*pending;
	void				(*housekeeping)(void *);
	void				*ctx;
	void				(*stats_written)(void *);
};

/*
 * Reads the pcap or pcapng file at path ("-": standard input) and runs each
 * packet through w, after applying the BPF filter if not NULL.  Problems
 * are reported on standard error naming the file and where reading
 * stopped.  Returns 0 when the file was opened and read to its end, -1
 * otherwise; res says how far it got.
 */
int capture_file(struct worker *w, const char *path, const char *filter,
    const struct capture_hooks *hooks, struct capture_result *res);

/*
 * Says that reading path stopped after packets records, at file offset
 * off (-1: not known), because of why (libpcap's words).
 */
void capture_stopped(const char *path, uint64_t packets, long long off,
    const char *why);

/*
 * The same, each packet to packet(ctx, ...) (the reader of several
 * workers: sensor/workers.h) with its 1-based index in the file.
 */
typedef void (*capture_packet_fn)(void *ctx, int dlt,
    const struct pcap_pkthdr *h, const u_char *data, uint64_t cnt);
int capture_file_each(const char *path, const char *filter,
    const struct capture_hooks *hooks, struct capture_result *res,
    capture_packet_fn packet, void *ctx);

#endif
