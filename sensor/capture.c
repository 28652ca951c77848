/*
 * capture.c — offline capture through libpcap (pcap and pcapng).
 *
 * A truncated or corrupt file is read up to the bad record: everything
 * before it is processed, and the message says after which packet and at
 * which byte offset reading stopped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "../decoders/decode_link.h"
#include "capture.h"

static int
apply_filter(pcap_t *p, const char *path, const char *filter)
{
	struct bpf_program prog;

	if (filter == NULL || filter[0] == '\0')
		return 0;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		fprintf(stderr, "typosentry: %s: bad filter '%s': %s\n", path,
		    filter, pcap_geterr(p));
		return -1;
	}
	int rc = pcap_setfilter(p, &prog);
	if (rc != 0)
		fprintf(stderr, "typosentry: %s: cannot set filter: %s\n",
		    path, pcap_geterr(p));
	pcap_freecode(&prog);
	return rc;
}

void
capture_stopped(const char *path, uint64_t packets, long long off,
    const char *why)
{
	if (off >= 0)
		fprintf(stderr, "typosentry: %s: stopped after packet %" PRIu64
		    " (byte offset %lld): %s\n", path, packets, off, why);
	else
		fprintf(stderr, "typosentry: %s: stopped after packet %" PRIu64
		    ": %s\n", path, packets, why);
}

/* The end of a file's loop (rc: pcap_next_ex()'s last); closes p. */
static int
finish(pcap_t *p, const char *path, const struct capture_hooks *hooks,
    struct capture_result *res, int rc)
{
	/*
	 * A signal can interrupt a read from a pipe: libpcap then reports a
	 * read error, which is no fault of the capture.
	 */
	if (hooks != NULL && hooks->stop != NULL && *hooks->stop) {
		res->interrupted = true;
		pcap_close(p);
		return 0;
	}
	if (rc == PCAP_ERROR) {
		FILE *f = pcap_file(p);
		res->stopped_early = true;
		capture_stopped(path, res->packets, f != NULL ? ftell(f) : -1,
		    pcap_geterr(p));
	}
	pcap_close(p);
	return res->stopped_early ? -1 : 0;
}

int
capture_file(struct worker *w, const char *path, const char *filter,
    const struct capture_hooks *hooks, struct capture_result *res)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int rc;

	memset(res, 0, sizeof(*res));
	errbuf[0] = '\0';
	if ((p = pcap_open_offline(path, errbuf)) == NULL) {
		fprintf(stderr, "typosentry: %s: %s\n", path, errbuf);
		return -1;
	}
	int dlt = pcap_datalink(p);
	if (!link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		fprintf(stderr, "typosentry: %s: link type %d (%s) is not "
		    "supported\n", path, dlt, name != NULL ? name : "unknown");
		pcap_close(p);
		return -1;
	}
	if (apply_filter(p, path, filter) != 0) {
		pcap_close(p);
		return -1;
	}
	res->opened = true;
	w->src.pcap_filename = path;
	w->src.iface = NULL;

	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		/* A reload signalled while we waited applies to this packet. */
		if (hooks != NULL && hooks->pending != NULL &&
		    *hooks->pending && hooks->housekeeping != NULL)
			hooks->housekeeping(hooks->ctx);
		res->packets++;
		/* pcap_cnt counts every record, as tshark's frame.number does. */
		uint64_t records = w->cnt.stats_records;
		worker_packet(w, dlt, h, data, res->packets);
		if (hooks != NULL && hooks->stats_written != NULL &&
		    w->cnt.stats_records != records)
			hooks->stats_written(hooks->ctx);
		if (hooks != NULL && hooks->stop != NULL && *hooks->stop)
			break;
	}
	return finish(p, path, hooks, res, rc);
}

/*
 * capture_file()'s loop with the packet handed on: kept apart from it so
 * that one worker's loop calls worker_packet() directly, in line (it is
 * the packet path of a single worker).
 */
int
capture_file_each(const char *path, const char *filter,
    const struct capture_hooks *hooks, struct capture_result *res,
    capture_packet_fn packet, void *ctx)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int rc;

	memset(res, 0, sizeof(*res));
	errbuf[0] = '\0';
	if ((p = pcap_open_offline(path, errbuf)) == NULL) {
		fprintf(stderr, "typosentry: %s: %s\n", path, errbuf);
		return -1;
	}
	int dlt = pcap_datalink(p);
	if (!link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		fprintf(stderr, "typosentry: %s: link type %d (%s) is not "
		    "supported\n", path, dlt, name != NULL ? name : "unknown");
		pcap_close(p);
		return -1;
	}
	if (apply_filter(p, path, filter) != 0) {
		pcap_close(p);
		return -1;
	}
	res->opened = true;

	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		/* A reload signalled while we waited applies to this packet. */
		if (hooks != NULL && hooks->pending != NULL &&
		    *hooks->pending && hooks->housekeeping != NULL)
			hooks->housekeeping(hooks->ctx);
		res->packets++;
		packet(ctx, dlt, h, data, res->packets);
		if (hooks != NULL && hooks->stop != NULL && *hooks->stop)
			break;
	}
	return finish(p, path, hooks, res, rc);
}
