/*
 * live.h — capturing from network interfaces (a SPAN port, a tap).
 *
 * One libpcap handle per interface, all non-blocking, read in one poll()
 * loop: a quiet interface costs nothing and a busy one cannot starve the
 * others for more than one batch.  An interface that goes down or
 * disappears is closed, reported once, and opened again with back-off (1
 * s, doubling up to 30 s); the loop never spins.
 */
#ifndef TS_LIVE_H
#define TS_LIVE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <pcap/pcap.h>

#include "../decoders/decode.h"

#include "stats.h"
#include "worker.h"

#define LIVE_BACKOFF_MIN	1	/* seconds before the first retry */
#define LIVE_BACKOFF_MAX	30	/* longest wait between retries */

struct live_opts {
	bool		 promisc;
	uint32_t	 snaplen;
	size_t		 buffer_size;	/* kernel buffer, bytes */
	bool		 immediate;	/* deliver each packet at once */
};

struct live_iface {
	char		*name;
	pcap_t		*p;		/* NULL while down */
	int		 fd;		/* its selectable descriptor */
	int		 dlt;
	uint64_t	 packets;	/* read from this interface */
	/* pcap_stats: sums over the handles closed so far, and the latest
	 * figures of the open one (libpcap resets them on each open). */
	uint64_t	 recv_closed, drop_closed, ifdrop_closed;
	struct pcap_stat last;
	unsigned	 backoff;	/* seconds to wait after a failure */
	time_t		 retry_at;	/* monotonic seconds */
	time_t		 up_since;	/* monotonic seconds */
	time_t		 down_since;
	unsigned	 failed_tries;
};

struct live {
	struct live_iface	*ifs;
	size_t			 n;
	struct live_opts	 opts;
	char			*filter;	/* NULL: every packet */
	struct worker		*w;
	/*
	 * Called for a handle opened again after a failure (the workers
	 * join it to their fanout group); a failure closes it again.
	 */
	int			(*reopened)(void *ctx, size_t iface, pcap_t *p);
	void			*reopened_ctx;
};

/*
 * Opens every interface with opts and the BPF filter (NULL or "": none).
 * Returns 0, or -1 with a message naming the interface in err (nothing is
 * left open).
 */
int live_open(struct live *l, const char *const *names, size_t n,
    const struct live_opts *opts, const char *filter, char *err,
    size_t errlen);

/*
 * A new filter for every open handle (configuration reload), also used
 * when a handle is opened again.  Returns 0, or -1 with err set (the old
 * filter stays).
 */
int live_set_filter(struct live *l, const char *filter, char *err,
    size_t errlen);

/*
 * Reads packets into w until *stop is set.  housekeeping(ctx) runs at
 * least every 250 ms and after every signal (stats, reload, idle expiry).
 */
void live_run(struct live *l, struct worker *w,
    const volatile sig_atomic_t *stop, void (*housekeeping)(void *),
    void *ctx);

/* pcap_stats summed over interfaces, including handles closed since. */
void live_stats(struct live *l, struct capture_stats *cs);

void live_close(struct live *l);

/*
 * The default live filter: the configured DNS and SMTP ports (UDP and TCP
 * for DNS, TCP for SMTP), IP fragments (a later fragment carries no port),
 * what the encapsulations enabled in dec (NULL: none) need (their UDP
 * ports, GRE, IP in IP, MPLS and PPPoE packets), and the same inside one
 * VLAN tag.  Returns a malloc'd string.
 */
char *live_default_filter(const uint16_t *dns, size_t ndns,
    const uint16_t *smtp, size_t nsmtp, const struct decode_opts *dec);

/*
 * The filter as applied to a handle of link type dlt: the default
 * filter's VLAN alternative is left out where libpcap has no VLAN tags
 * (Linux cooked capture of "any", raw IP).  Returns a malloc'd string.
 */
char *live_filter_for_link(const char *filter, int dlt);

#endif
