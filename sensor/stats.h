/*
 * stats.h — the periodic "stats" EVE record.
 *
 * Suricata's EVE schema allows only Suricata's own counter names under
 * "stats", so each typosentry counter is reported under the Suricata name
 * that means the same (decoder.pkts, flow.memuse, detect.alert,
 * app_layer.tx.dns_udp, ...); README "Stats" has the table.  Counters with
 * no such name are in the summary at exit only.
 */
#ifndef TS_STATS_H
#define TS_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "../decoders/counters.h"
#include "json.h"

/* What the capture side knows (pcap_stats, summed over interfaces). */
struct capture_stats {
	bool		live;
	uint64_t	received;	/* ps_recv: packets that passed the filter */
	uint64_t	dropped;	/* ps_drop: no room in the kernel buffer */
	uint64_t	ifdropped;	/* ps_ifdrop: dropped by the interface */
};

/* Gauges of the worker at the time of the record. */
struct stats_gauges {
	uint64_t	flows_active;
	uint64_t	flow_memuse;	/* flows, held segments, parser state */
	uint64_t	defrag_memuse;
	uint64_t	uptime;		/* seconds since start */
};

/*
 * One stats record (time ts; host: sensor.name or NULL) into j (reset
 * first); thread names the worker whose counters these are
 * (engine.thread_name, as Suricata names its threads), NULL for the
 * sensor's sums.
 */
void eve_stats(struct json *j, const struct timeval *ts, const char *host,
    const char *thread, const struct counters *c, const struct capture_stats *cap,
    const struct stats_gauges *g);

#endif
