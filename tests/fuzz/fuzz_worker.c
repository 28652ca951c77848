/*
 * fuzz_worker.c — the whole pipeline: worker_packet() on a sequence of raw
 * IP packets (decoding, fragments, flows, streams, DNS and SMTP, rules,
 * correlation, every EVE record built and thrown away), worker_flush().
 * Each packet is a byte of seconds to wait, a 16-bit length and the bytes.
 * The configuration, built once, has small caps and every record on.
 * Checked: the flow and fragment tables stay within their caps.
 */
#include <string.h>

#include "../../sensor/worker.h"
#include "fuzz_model.h"

static const char yaml[] =
    "protect: {tlds: [mil], labels: {mil: [army]}, domains: [gmail.com]}\n"
    "typo: {flag-tlds: [ml]}\n"
    "output: {dns: true, smtp: true}\n"
    "flow: {max-flows: 16, max-memory: 1mb}\n"
    "stream: {max-buffer: 4kb}\n"
    "defrag: {max-datagrams: 4, max-memory: 64kb}\n"
    "alerts: {suppress-window: 60, suppress-max-entries: 16,\n"
    "  max-per-second: 5}\n"
    "stats: {interval: 1}\n"
    "privacy: {local-part: hash, hash-key: 0123456789abcdef}\n";

static struct ts_config cfg;
static struct typo_model *model;
static struct worker w;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	model = fuzz_model(&cfg, yaml, sizeof(yaml) - 1, "fuzz_worker");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	struct pcap_pkthdr h = { .ts = { 1700000000, 0 } };
	struct output out;
	uint64_t n = 0;

	output_open_none(&out);
	if (worker_init(&w, &cfg, model, &out) != 0)
		return 0;
	suppress_set_rate(&w.suppress, cfg.alerts_per_second);
	w.src.pcap_filename = "fuzz";
	while (cur_left(&c) >= 3) {
		h.ts.tv_sec += cur_u8(&c);
		h.ts.tv_usec = (h.ts.tv_usec + 1) % 1000000;
		size_t len = cur_u16(&c);
		struct slice pkt = cur_bytes(&c, len < cur_left(&c) ? len :
		    cur_left(&c));
		h.caplen = h.len = (bpf_u_int32)pkt.len;
		worker_packet(&w, DLT_RAW, &h, pkt.p, ++n);
		FUZZ_CHECK(w.flows.count <= cfg.flow_max_flows &&
		    w.defrag.mem_used <= cfg.defrag_max_memory);
	}
	worker_flush(&w);
	worker_free(&w);
	return 0;
}
