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
	struct json		 json;
};

int worker_init(struct worker *w, const struct ts_config *cfg,
    const struct typo_model *model, struct output *out);
/* Ends every flow (pending SMTP replies become "not seen") and frees. */
void worker_free(struct worker *w);

/* Runs one captured frame of link type dlt through the pipeline. */
void worker_packet(struct worker *w, int dlt, const struct pcap_pkthdr *h,
    const uint8_t *data, uint64_t pcap_cnt);

/* Ends the flows still open (end of input) so their events come out. */
void worker_flush(struct worker *w);

#endif
