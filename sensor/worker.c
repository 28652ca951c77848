/*
 * worker.c — the per-packet pipeline.
 */
#include <netinet/in.h>
#include <string.h>

#include "../decoders/decode.h"
#include "../rules/dns_rules.h"
#include "flow_id.h"
#include "worker.h"

/* Largest EVE record: 4 queries and 16 answers of 1 KiB names fit. */
#define EVE_RECORD_MAX	(64 * 1024)

int
worker_init(struct worker *w, const struct ts_config *cfg,
    const struct typo_model *model, struct output *out)
{
	memset(w, 0, sizeof(*w));
	w->cfg = cfg;
	w->model = model;
	w->out = out;
	return json_init(&w->json, EVE_RECORD_MAX);
}

void
worker_free(struct worker *w)
{
	json_free(&w->json);
}

static bool
is_dns_port(const struct ts_config *cfg, uint16_t port)
{
	for (size_t i = 0; i < cfg->n_dns_ports; i++)
		if (cfg->dns_ports[i] == port)
			return true;
	return false;
}

static void
emit(struct worker *w)
{
	if (w->json.overflow ||
	    output_write(w->out, w->json.buf, w->json.len) != 0)
		w->cnt.output_errors++;
}

static void
dns_message(struct worker *w, const struct packet *pkt)
{
	if (dns_decode(pkt->payload, &w->dns, &w->cnt) != TS_OK)
		return;
	if (w->cfg->log_dns) {
		eve_dns_event(&w->json, &w->src, pkt, flow_id_of(pkt), &w->dns);
		emit(w);
	}
	if (dns_rules_eval(w->model, w->cfg, &w->dns, &w->alert, &w->cnt) == 0)
		return;
	w->cnt.alerts++;
	eve_dns_alert(&w->json, &w->src, pkt, flow_id_of(pkt), &w->dns,
	    &w->alert);
	emit(w);
}

void
worker_packet(struct worker *w, int dlt, const struct pcap_pkthdr *h,
    const uint8_t *data, uint64_t pcap_cnt)
{
	struct packet pkt;

	w->cnt.packets++;
	w->cnt.bytes += h->caplen;
	memset(&pkt, 0, sizeof(pkt));
	pkt.ts = h->ts;
	pkt.pcap_cnt = pcap_cnt;
	pkt.datalink = dlt;
	if (decode_packet(&pkt, data, h->caplen, &w->cnt) != TS_OK)
		return;
	if (pkt.ip_proto == IPPROTO_UDP &&
	    (is_dns_port(w->cfg, pkt.dport) || is_dns_port(w->cfg, pkt.sport)))
		dns_message(w, &pkt);
}
