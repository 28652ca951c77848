/*
 * worker.h — one packet pipeline: decode → DNS → rules → EVE.
 *
 * A worker owns everything that changes while packets flow: its counters,
 * its scratch DNS record and JSON buffer (allocated once, reused for every
 * packet).  The configuration and the typo model are shared and read-only.
 * Several workers fed by a flow hash could each run one of these.
 */
#ifndef TS_WORKER_H
#define TS_WORKER_H

#include <pcap/pcap.h>

#include "../decoders/counters.h"
#include "../decoders/dns.h"
#include "../rules/config.h"
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
	struct dns_message	 dns;		/* scratch */
	struct dns_alert	 alert;		/* scratch */
	struct json		 json;
};

int worker_init(struct worker *w, const struct ts_config *cfg,
    const struct typo_model *model, struct output *out);
void worker_free(struct worker *w);

/* Runs one captured frame of link type dlt through the pipeline. */
void worker_packet(struct worker *w, int dlt, const struct pcap_pkthdr *h,
    const uint8_t *data, uint64_t pcap_cnt);

#endif
