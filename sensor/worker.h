/*
 * worker.h — one packet pipeline: decode → (defragment) → flows and
 * streams → DNS and SMTP parsers → rules → EVE.
 *
 * A worker owns everything that changes while packets flow: its counters,
 * its flow table, its fragment table, its scratch records and its JSON
 * buffer (allocated once, reused for every packet).  The configuration and
 * the typo model are shared and read-only.  Several workers fed by a flow
 * hash could each run one of these.
 */
#ifndef TS_WORKER_H
#define TS_WORKER_H

#include <pcap/pcap.h>

#include "../decoders/counters.h"
#include "../decoders/defrag.h"
#include "../decoders/dns.h"
#include "../decoders/flow.h"
#include "../rules/config.h"
#include "../rules/signatures.h"
#include "../rules/typo.h"
#include "eve.h"
#include "json.h"
#include "output.h"
#include "privacy.h"
#include "stats.h"
#include "suppress.h"
#include "syslog_out.h"

struct worker {
	const struct ts_config	*cfg;
	const struct typo_model	*model;
	struct output		*out;
	struct eve_source	 src;
	struct counters		 cnt;
	struct flow_table	 flows;
	struct defrag_table	 defrag;
	struct timeval		 now;		/* time of the latest packet */
	uint64_t		 now_cnt;	/* and its pcap_cnt */
	struct dns_message	 dns;		/* scratch */
	struct rule_hit		 hit;		/* scratch */
	struct correlator	*corr;		/* NULL: correlation off */
	struct name_cache	*names;		/* NULL: every name to the model */
	time_t			 corr_last;	/* last incident expiry, packet time */
	time_t			 tick_last;	/* second of the last housekeeping */
	bool			 ticked;		/* tick_last is set */
	bool			 flushing;	/* worker_flush(): the input ended */
	struct json		 json;

	/* Alert volume, privacy, syslog and stats (set by worker_init and
	 * worker_configure from the configuration). */
	struct suppress		 suppress;
	struct privacy		 privacy;
	const struct privacy	*priv;		/* NULL: addresses as sent */
	const struct syslog_out	*slog;		/* NULL: no syslog output */
	const struct capture_stats *cap;	/* NULL: offline */
	uint32_t		 stats_interval;	/* seconds; 0 off */
	bool			 stats_packet_time;	/* offline */
	time_t			 stats_next;	/* packet time of the next one */
	struct timespec		 started;	/* monotonic, for uptime */
	char			 hostname[256];	/* sensor.name's default */
};

int worker_init(struct worker *w, const struct ts_config *cfg,
    const struct typo_model *model, struct output *out);
/*
 * Takes a new configuration and typo model (SIGHUP): the flow, stream and
 * fragment limits stay those the tables were made with; the rest (ports,
 * rules, suppression, privacy, stats interval) applies from the next
 * packet.  The caller keeps both alive until the next call or
 * worker_free().  Returns 0, or -1 (no memory for the suppression table:
 * the old settings stay).
 */
int worker_configure(struct worker *w, const struct ts_config *cfg,
    const struct typo_model *model);

/* Alerts also go to syslog through s (NULL: not). */
void worker_set_syslog(struct worker *w, const struct syslog_out *s);

/*
 * Stats records: every interval seconds of packet time (offline) or when
 * the caller says (live: worker_stats() on wall time); cap gives pcap's
 * figures (NULL offline).
 */
void worker_set_capture(struct worker *w, const struct capture_stats *cap);

/* Writes one stats record now (time ts). */
void worker_stats(struct worker *w, const struct timeval *ts);

/*
 * Live capture with no packets: time passes all the same, so idle flows
 * and fragments expire (their pending events come out) at wall time now.
 */
void worker_tick(struct worker *w, const struct timeval *now);

/* Ends every flow (pending SMTP replies become "not seen") and frees. */
void worker_free(struct worker *w);

/* Runs one captured frame of link type dlt through the pipeline. */
void worker_packet(struct worker *w, int dlt, const struct pcap_pkthdr *h,
    const uint8_t *data, uint64_t pcap_cnt);

/*
 * Packet time reached ts at packet pcap_cnt of the input, in a packet
 * another worker took: the same timeouts run here as at that packet, so
 * several workers expire flows and incidents when one would.
 */
void worker_advance(struct worker *w, const struct timeval *ts,
    uint64_t pcap_cnt);

/* Ends the flows still open (end of input) so their events come out. */
void worker_flush(struct worker *w);

#endif
