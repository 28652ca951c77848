/*
 * live.c — libpcap live capture: open, poll, read, fail, retry.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/decode_link.h"
#include "live.h"
#include "log.h"

/* Packets handled per pcap_dispatch() before the loop looks around. */
#define LIVE_BATCH	512

/* Longest sleep in poll(): housekeeping runs at least this often. */
#define LIVE_TICK_MS	250

/* After this long up, an interface's back-off starts again at 1 s. */
#define LIVE_STABLE_S	30

struct dispatch_ctx {
	struct live			*l;
	struct live_iface		*f;
	const volatile sig_atomic_t	*stop;
};

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* What live_default_filter() puts before the copy inside a VLAN tag. */
#define VLAN_PART	" or (vlan and ("

char *
live_filter_for_link(const char *filter, int dlt)
{
	const char *v;

	if (filter == NULL)
		filter = "";
	/* libpcap knows VLAN tags on Ethernet only (not on "any"). */
	if (dlt != DLT_EN10MB && (v = strstr(filter, VLAN_PART)) != NULL)
		return strndup(filter, (size_t)(v - filter));
	return strdup(filter);
}

static int
apply_filter(pcap_t *p, const char *name, const char *filter, char *err,
    size_t errlen)
{
	struct bpf_program prog;
	char *f = live_filter_for_link(filter, pcap_datalink(p));

	if (f == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (pcap_compile(p, &prog, f, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "%s: bad filter '%s': %s", name, f,
		    pcap_geterr(p));
		free(f);
		return -1;
	}
	free(f);
	int rc = pcap_setfilter(p, &prog);
	if (rc != 0)
		snprintf(err, errlen, "%s: cannot set the filter: %s", name,
		    pcap_geterr(p));
	pcap_freecode(&prog);
	return rc;
}

/* Opens f; on failure err says why and f stays closed. */
static int
iface_open(struct live *l, struct live_iface *f, char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int rc;

	eb[0] = '\0';
	if ((p = pcap_create(f->name, eb)) == NULL) {
		snprintf(err, errlen, "%s: %s", f->name, eb);
		return -1;
	}
	pcap_set_snaplen(p, (int)l->opts.snaplen);
	pcap_set_promisc(p, l->opts.promisc);
	pcap_set_buffer_size(p, (int)l->opts.buffer_size);
	pcap_set_immediate_mode(p, l->opts.immediate);
	/* Without immediate mode, packets wait at most this long. */
	pcap_set_timeout(p, 100);
	rc = pcap_activate(p);
	if (rc < 0) {
		const char *what = pcap_statustostr(rc);
		const char *why = pcap_geterr(p);
		if (why[0] == '\0' || strcmp(why, what) == 0)
			snprintf(err, errlen, "%s: %s", f->name, what);
		else
			snprintf(err, errlen, "%s: %s: %s", f->name, what, why);
		pcap_close(p);
		return -1;
	}
	if (rc > 0)
		ts_log(LOG_WARNING, "%s: %s: %s", f->name, pcap_statustostr(rc),
		    pcap_geterr(p));
	int dlt = pcap_datalink(p);
	if (!link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(err, errlen, "%s: link type %d (%s) is not supported",
		    f->name, dlt, name != NULL ? name : "unknown");
		pcap_close(p);
		return -1;
	}
	if (apply_filter(p, f->name, l->filter, err, errlen) != 0) {
		pcap_close(p);
		return -1;
	}
	if (pcap_setnonblock(p, 1, eb) != 0 ||
	    (f->fd = pcap_get_selectable_fd(p)) < 0) {
		snprintf(err, errlen, "%s: cannot poll the capture: %s",
		    f->name, eb);
		pcap_close(p);
		return -1;
	}
	f->p = p;
	f->dlt = dlt;
	memset(&f->last, 0, sizeof(f->last));
	f->up_since = mono_now();
	return 0;
}

/* The open handle's latest figures into f->last (kept if it fails). */
static void
iface_refresh_stats(struct live_iface *f)
{
	struct pcap_stat st;

	memset(&st, 0, sizeof(st));
	if (f->p != NULL && pcap_stats(f->p, &st) == 0)
		memcpy(&f->last, &st, sizeof(st));
}

/* Closes f's handle, keeping its figures. */
static void
iface_close(struct live_iface *f)
{
	/* live_close() passes ifs[i] for i < n, and n is 0 without ifs. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	if (f->p == NULL)
		return;
	iface_refresh_stats(f);
	f->recv_closed += f->last.ps_recv;
	f->drop_closed += f->last.ps_drop;
	f->ifdrop_closed += f->last.ps_ifdrop;
	memset(&f->last, 0, sizeof(f->last));
	pcap_close(f->p);
	f->p = NULL;
	f->fd = -1;
}

int
live_open(struct live *l, const char *const *names, size_t n,
    const struct live_opts *opts, const char *filter, char *err,
    size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->opts = *opts;
	if (filter != NULL && filter[0] != '\0' &&
	    (l->filter = strdup(filter)) == NULL)
		goto nomem;
	if ((l->ifs = calloc(n, sizeof(*l->ifs))) == NULL)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		struct live_iface *f = &l->ifs[i];
		f->fd = -1;
		f->backoff = LIVE_BACKOFF_MIN;
		if ((f->name = strdup(names[i])) == NULL)
			goto nomem;
		l->n++;
		if (iface_open(l, f, err, errlen) != 0) {
			live_close(l);
			return -1;
		}
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	live_close(l);
	return -1;
}

int
live_set_filter(struct live *l, const char *filter, char *err, size_t errlen)
{
	char *copy = NULL;

	if (filter != NULL && filter[0] != '\0' &&
	    (copy = strdup(filter)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Check it on every open handle before changing any. */
	for (size_t i = 0; i < l->n; i++) {
		struct bpf_program prog;
		pcap_t *p = l->ifs[i].p;
		if (p == NULL || copy == NULL)
			continue;
		char *f = live_filter_for_link(copy, pcap_datalink(p));
		if (f == NULL ||
		    pcap_compile(p, &prog, f, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errlen, "%s: bad filter '%s': %s",
			    l->ifs[i].name, copy, f != NULL ? pcap_geterr(p) :
			    "out of memory");
			free(f);
			free(copy);
			return -1;
		}
		free(f);
		pcap_freecode(&prog);
	}
	free(l->filter);
	l->filter = copy;
	for (size_t i = 0; i < l->n; i++) {
		struct live_iface *f = &l->ifs[i];
		if (f->p != NULL && apply_filter(f->p, f->name, l->filter, err,
		    errlen) != 0)
			ts_log(LOG_ERR, "%s", err);
	}
	return 0;
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct dispatch_ctx *d = (struct dispatch_ctx *)user;
	struct worker *w = d->l->w;

	w->src.pcap_filename = NULL;
	w->src.iface = d->f->name;
	worker_packet(w, d->f->dlt, h, data, ++d->f->packets);
	if (*d->stop)
		pcap_breakloop(d->f->p);
}

/* The handle failed: say so once, close it, schedule a new try. */
static void
iface_failed(struct live *l, struct live_iface *f, const char *why)
{
	time_t now = mono_now();

	l->w->cnt.capture_failures++;
	if (now - f->up_since >= LIVE_STABLE_S)
		f->backoff = LIVE_BACKOFF_MIN;
	ts_log(LOG_ERR, "%s: capture stopped: %s; opening it again in %u s "
	    "(then with back-off up to %d s)", f->name, why, f->backoff,
	    LIVE_BACKOFF_MAX);
	iface_close(f);
	f->down_since = now;
	f->retry_at = now + (time_t)f->backoff;
	f->failed_tries = 0;
}

static void
iface_retry(struct live *l, struct live_iface *f)
{
	char err[PCAP_ERRBUF_SIZE + 256];
	time_t now = mono_now();

	if (f->p != NULL || now < f->retry_at)
		return;
	if (iface_open(l, f, err, sizeof(err)) == 0) {
		if (l->reopened != NULL &&
		    l->reopened(l->reopened_ctx, (size_t)(f - l->ifs), f->p) != 0) {
			iface_failed(l, f, "cannot join the workers' fanout "
			    "group");
			return;
		}
		l->w->cnt.capture_reopens++;
		ts_log(LOG_NOTICE, "%s: capture resumed after %lld s", f->name,
		    (long long)(now - f->down_since));
		return;
	}
	f->failed_tries++;
	if (f->backoff < LIVE_BACKOFF_MAX) {
		f->backoff *= 2;
		if (f->backoff > LIVE_BACKOFF_MAX)
			f->backoff = LIVE_BACKOFF_MAX;
	}
	/* Each try while backing off, then one line every ten tries. */
	if (f->backoff < LIVE_BACKOFF_MAX || f->failed_tries % 10 == 1)
		ts_log(LOG_WARNING, "%s: still cannot capture (%s); next try "
		    "in %u s", f->name, err, f->backoff);
	f->retry_at = now + (time_t)f->backoff;
}

void
live_run(struct live *l, struct worker *w, const volatile sig_atomic_t *stop,
    void (*housekeeping)(void *), void *ctx)
{
	struct pollfd *pfd = calloc(l->n > 0 ? l->n : 1, sizeof(*pfd));
	size_t *which = calloc(l->n > 0 ? l->n : 1, sizeof(*which));

	l->w = w;
	if (pfd == NULL || which == NULL) {
		ts_log(LOG_ERR, "out of memory");
		free(pfd);
		free(which);
		return;
	}
	while (!*stop) {
		nfds_t nfds = 0;
		int timeout = LIVE_TICK_MS;
		time_t now = mono_now();

		for (size_t i = 0; i < l->n; i++) {
			struct live_iface *f = &l->ifs[i];
			if (f->p == NULL) {
				/* Sleep no longer than the next retry. */
				time_t wait = f->retry_at - now;
				if (wait <= 0)
					timeout = 0;
				continue;
			}
			pfd[nfds].fd = f->fd;
			pfd[nfds].events = POLLIN;
			pfd[nfds].revents = 0;
			which[nfds++] = i;
		}
		int r = poll(pfd, nfds, timeout);
		if (r < 0 && errno != EINTR) {
			ts_log(LOG_ERR, "poll: %s", strerror(errno));
			struct timespec ts = { 0, LIVE_TICK_MS * 1000000L };
			nanosleep(&ts, NULL);
		}
		for (nfds_t k = 0; r > 0 && k < nfds && !*stop; k++) {
			struct live_iface *f = &l->ifs[which[k]];
			if (pfd[k].revents == 0)
				continue;
			struct dispatch_ctx d = { l, f, stop };
			int n = pcap_dispatch(f->p, LIVE_BATCH, on_packet,
			    (u_char *)&d);
			if (n == PCAP_ERROR_BREAK)
				continue;
			if (n < 0) {
				char why[PCAP_ERRBUF_SIZE + 64];
				snprintf(why, sizeof(why), "%s",
				    pcap_geterr(f->p));
				iface_failed(l, f, why);
			} else if (n == 0 && (pfd[k].revents &
			    (POLLERR | POLLHUP | POLLNVAL))) {
				/* An error libpcap did not turn into one. */
				iface_failed(l, f, (pfd[k].revents & POLLNVAL) ?
				    "descriptor closed" : "the interface went "
				    "down or away");
			}
		}
		for (size_t i = 0; i < l->n && !*stop; i++)
			iface_retry(l, &l->ifs[i]);
		housekeeping(ctx);
	}
	free(pfd);
	free(which);
}

void
live_stats(struct live *l, struct capture_stats *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->live = true;
	for (size_t i = 0; i < l->n; i++) {
		struct live_iface *f = &l->ifs[i];
		iface_refresh_stats(f);
		cs->received += f->recv_closed + f->last.ps_recv;
		cs->dropped += f->drop_closed + f->last.ps_drop;
		cs->ifdropped += f->ifdrop_closed + f->last.ps_ifdrop;
	}
}

void
live_close(struct live *l)
{
	for (size_t i = 0; i < l->n; i++) {
		iface_close(&l->ifs[i]);
		free(l->ifs[i].name);
	}
	free(l->ifs);
	free(l->filter);
	memset(l, 0, sizeof(*l));
}

/* Appends text to the growing string *s (length *len). */
static int
append(char **s, size_t *len, const char *text)
{
	size_t n = strlen(text);
	char *p = realloc(*s, *len + n + 1);

	if (p == NULL)
		return -1;
	memcpy(p + *len, text, n + 1);
	*s = p;
	*len += n;
	return 0;
}

/* " or udp dst port N" for each port of an enabled UDP encapsulation. */
static int
append_udp_ports(char **s, size_t *len, bool on, const uint16_t *ports,
    unsigned n)
{
	char item[64];
	int bad = 0;

	for (unsigned i = 0; on && i < n; i++) {
		snprintf(item, sizeof(item), " or udp dst port %u", ports[i]);
		bad |= append(s, len, item);
	}
	return bad;
}

/*
 * What the enabled encapsulations need.  "ether proto", unlike libpcap's
 * "mpls" and "pppoes", leaves the offsets of the rest of the expression
 * alone; on link types without an EtherType it matches nothing.
 */
static int
append_encaps(char **s, size_t *len, const struct decode_opts *d)
{
	int bad = 0;

	bad |= append_udp_ports(s, len, d->vxlan, d->vxlan_ports,
	    d->n_vxlan_ports);
	bad |= append_udp_ports(s, len, d->geneve, d->geneve_ports,
	    d->n_geneve_ports);
	bad |= append_udp_ports(s, len, d->gre, d->gre_udp_ports,
	    d->n_gre_udp_ports);
	if (d->gre)
		bad |= append(s, len, " or ip proto 47 or ip6 proto 47");
	if (d->ipip)
		bad |= append(s, len, " or ip proto 4 or ip proto 41 or "
		    "ip6 proto 4 or ip6 proto 41");
	if (d->mpls)
		bad |= append(s, len, " or ether proto 0x8847 or "
		    "ether proto 0x8848");
	if (d->pppoe)
		bad |= append(s, len, " or ether proto 0x8864");
	return bad;
}

char *
live_default_filter(const uint16_t *dns, size_t ndns, const uint16_t *smtp,
    size_t nsmtp, const struct decode_opts *dec)
{
	char *base = NULL, *out = NULL, item[64];
	size_t blen = 0, olen = 0;
	int bad = 0;

	for (size_t i = 0; i < ndns; i++) {
		snprintf(item, sizeof(item), "%sport %u", blen ? " or " : "",
		    dns[i]);
		bad |= append(&base, &blen, item);
	}
	for (size_t i = 0; i < nsmtp; i++) {
		snprintf(item, sizeof(item), "%stcp port %u",
		    blen ? " or " : "", smtp[i]);
		bad |= append(&base, &blen, item);
	}
	if (dec != NULL && blen > 0)
		bad |= append_encaps(&base, &blen, dec);
	/* Later IPv4 fragments have no ports; IPv6 fragment headers. */
	bad |= append(&base, &blen, blen ? " or " : "");
	bad |= append(&base, &blen, "(ip[6:2] & 0x1fff != 0) or (ip6[6] == 44)");
	if (bad) {
		free(base);
		return NULL;
	}
	bad |= append(&out, &olen, base);
	bad |= append(&out, &olen, VLAN_PART);
	bad |= append(&out, &olen, base);
	bad |= append(&out, &olen, "))");
	free(base);
	if (bad) {
		free(out);
		return NULL;
	}
	return out;
}
