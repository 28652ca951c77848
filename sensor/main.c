/*
 * main.c — typosentry: command line, start-up, the run over capture files
 * or live interfaces, signals, and the configuration reload.
 *
 * Everything that can fail for a user's mistake (options, configuration,
 * typo model, output file, filter, interfaces, user and group) is checked
 * before the first packet is read; those failures exit with a message
 * naming what is wrong (2; 1 for an interface or capture that cannot be
 * opened).  Afterwards nothing is fatal: signals set flags that the loops
 * look at between packets.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <stdbool.h>		/* before ldns, which else makes bool a signed char */

#include <ldns/ldns.h>
#include <libpsl.h>
#include <pcap/pcap.h>
#include <yaml.h>

#include "../rules/config.h"
#include "../rules/config_show.h"
#include "../rules/typo.h"
#include "capture.h"
#include "caps.h"
#include "live.h"
#include "log.h"
#include "options.h"
#include "output.h"
#include "redis_out.h"
#include "policyd.h"
#include "sandbox.h"
#include "tools.h"
#include "service.h"
#include "syslog_out.h"
#include "version.h"
#include "worker.h"
#include "workers.h"


/* Signals: set here, acted on by the loops between packets. */
static volatile sig_atomic_t got_stop;	/* SIGINT, SIGTERM */
static volatile sig_atomic_t got_hup;	/* SIGHUP */
static volatile sig_atomic_t pending;	/* either */

/* What the run holds; the configuration and model change on SIGHUP. */
struct app {
	struct options		*o;
	struct ts_config	*cfg;
	struct typo_model	*model;
	struct output		 out;
	struct redis_out	*redis;		/* output.redis; NULL: off */
	struct redis_out_counts	 redis_n;	/* at exit */
	struct syslog_out	 slog;
	struct worker		 w;		/* one worker (capture.workers 1) */
	struct pool		 pool;		/* or several */
	bool			 pooled;
	struct worker		*ctl;		/* counts reloads: w or worker 1 */
	struct live		 live;
	bool			 is_live;
	struct capture_stats	 cap;
	char			*filter;	/* in effect */
	time_t			 stats_next;	/* monotonic, live */
	struct caps_report	 caps;		/* caps logged so far */
};

/* A bad filter is a usage error: find it before reading anything. */
static int
check_filter(const char *filter)
{
	struct bpf_program prog;
	pcap_t *p;
	int rc = 0;

	if (filter == NULL || filter[0] == '\0')
		return 0;
	if ((p = pcap_open_dead(DLT_EN10MB, 262144)) == NULL)
		return -1;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		fprintf(stderr, "typosentry: bad filter '%s': %s\n", filter,
		    pcap_geterr(p));
		rc = -1;
	} else {
		pcap_freecode(&prog);
	}
	pcap_close(p);
	return rc;
}

/* Loads the configuration (-c FILE, or the built-in one) and its model. */
static int
load_config(const struct options *o, struct ts_config *cfg,
    struct typo_model **model, char *err, size_t errlen)
{
	int rc;

	*model = NULL;
	if (o->config_path != NULL)
		rc = config_load(cfg, o->config_path, err, errlen);
	else
		rc = config_builtin(cfg, err, errlen);
	if (rc == 0 && (*model = typo_model_build(cfg, err, errlen)) == NULL)
		rc = -1;
	if (rc != 0)
		config_free(cfg);
	return rc;
}

/* The filter in effect: -f, else capture.filter, else (live) the ports. */
static char *
effective_filter(const struct options *o, const struct ts_config *cfg,
    bool live)
{
	if (o->filter != NULL)
		return strdup(o->filter);
	if (cfg->bpf_filter_set || !live)
		return strdup(cfg->bpf_filter != NULL ? cfg->bpf_filter : "");
	/* TCP: the SMTP ports and the TLS mail ports (tls.ports). */
	uint16_t tcp[2 * CONFIG_MAX_PORTS];
	size_t ntcp = 0;
	for (size_t i = 0; i < cfg->n_smtp_ports; i++)
		tcp[ntcp++] = cfg->smtp_ports[i];
	for (size_t i = 0; i < cfg->n_tls_ports; i++) {
		bool dup = false;
		for (size_t k = 0; k < cfg->n_smtp_ports; k++)
			dup |= cfg->smtp_ports[k] == cfg->tls_ports[i];
		if (!dup)
			tcp[ntcp++] = cfg->tls_ports[i];
	}
	return live_default_filter(cfg->dns_ports, cfg->n_dns_ports, tcp,
	    ntcp, &cfg->decoder);
}

/* Where EVE goes: a directory, standard output (NULL), or nowhere. */
static bool
eve_target(const struct options *o, const struct ts_config *cfg,
    const char **dir)
{
	*dir = o->to_stdout ? NULL : o->log_dir != NULL ? o->log_dir :
	    cfg->log_dir;
	if (cfg->eve_stdout && o->log_dir == NULL)
		*dir = NULL;
	return o->to_stdout || o->log_dir != NULL || cfg->eve_enabled;
}

/*
 * The line format: asked for (--format, output.format), or by default
 * when records go to a terminal and not at the user's request for EVE
 * (--stdout, output.stdout): scripts and pipes get EVE.
 */
static bool
line_format(const struct options *o, const struct ts_config *cfg,
    const char *dir)
{
	enum output_format f = o->format != OUTPUT_FORMAT_AUTO ? o->format :
	    cfg->output_format;

	if (f != OUTPUT_FORMAT_AUTO)
		return f == OUTPUT_FORMAT_LINE;
	return dir == NULL && !o->to_stdout && !cfg->eve_stdout &&
	    isatty(STDOUT_FILENO);
}

static void
syslog_apply(struct app *a)
{
	const struct ts_config *c = a->cfg;

	syslog_out_configure(&a->slog, c->syslog_enabled || a->o->syslog,
	    c->syslog_ident, c->syslog_facility, c->syslog_level,
	    c->syslog_json);
}

/* Settings a reload cannot change without reopening captures. */
static bool
same_capture(const struct ts_config *a, const struct ts_config *b)
{
	if (a->capture_ifaces.n != b->capture_ifaces.n ||
	    a->capture_promisc != b->capture_promisc ||
	    a->capture_snaplen != b->capture_snaplen ||
	    a->capture_buffer != b->capture_buffer ||
	    a->capture_immediate != b->capture_immediate)
		return false;
	for (size_t i = 0; i < a->capture_ifaces.n; i++)
		if (strcmp(a->capture_ifaces.v[i], b->capture_ifaces.v[i]) != 0)
			return false;
	return true;
}

static bool
same_string(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* A new live filter on every handle (each worker's, when several). */
static int
set_filter(struct app *a, const char *filter, char *err, size_t errlen)
{
	if (!a->pooled)
		return live_set_filter(&a->live, filter, err, errlen);
	for (unsigned i = 0; i < a->pool.n; i++)
		if (live_set_filter(&a->pool.ws[i].live, filter, err,
		    errlen) != 0)
			return -1;
	return 0;
}

/* The new configuration to every worker (paused, when there are several). */
static int
configure_workers(struct app *a, const struct ts_config *cfg,
    const struct typo_model *model)
{
	if (!a->pooled) {
		if (worker_configure(&a->w, cfg, model) != 0)
			return -1;
		suppress_set_rate(&a->w.suppress, cfg->alerts_per_second);
		return 0;
	}
	for (unsigned i = 0; i < a->pool.n; i++) {
		struct worker *w = &a->pool.ws[i].w;
		if (worker_configure(w, cfg, model) != 0)
			return -1;
		suppress_set_rate(&w->suppress, cfg->alerts_per_second);
		w->stats_interval = 0;		/* the pool writes them */
	}
	pool_set_config(&a->pool, cfg);
	return 0;
}

/*
 * SIGHUP: a new configuration and typo model are built aside and checked;
 * only when everything is right do they replace the running ones, between
 * two packets.  Then the EVE file is opened anew (logrotate moved it).
 */
static void
reload(struct app *a)
{
	struct ts_config *ncfg = calloc(1, sizeof(*ncfg));
	struct typo_model *nmodel = NULL;
	char err[1024];
	char *nfilter = NULL;
	const char *dir;

	if (ncfg == NULL) {
		ts_log(LOG_ERR, "SIGHUP: out of memory; configuration kept");
		a->ctl->cnt.config_reload_errors++;
		goto reopen;
	}
	if (load_config(a->o, ncfg, &nmodel, err, sizeof(err)) != 0) {
		ts_log(LOG_ERR, "SIGHUP: configuration not reloaded, the "
		    "running one is kept: %s", err);
		a->ctl->cnt.config_reload_errors++;
		free(ncfg);
		goto reopen;
	}
	nfilter = effective_filter(a->o, ncfg, a->is_live);
	if (nfilter == NULL || check_filter(nfilter) != 0) {
		ts_log(LOG_ERR, "SIGHUP: configuration not reloaded, the "
		    "running one is kept: bad capture filter");
		goto reject;
	}
	/* The tables were sized with the old limits: they keep them. */
	if (ncfg->flow_max_flows != a->cfg->flow_max_flows ||
	    ncfg->flow_max_memory != a->cfg->flow_max_memory ||
	    ncfg->flow_timeout_new != a->cfg->flow_timeout_new ||
	    ncfg->flow_timeout_established != a->cfg->flow_timeout_established ||
	    ncfg->flow_timeout_closed != a->cfg->flow_timeout_closed ||
	    ncfg->stream_max_buffer != a->cfg->stream_max_buffer ||
	    ncfg->defrag_max_datagrams != a->cfg->defrag_max_datagrams ||
	    ncfg->defrag_max_memory != a->cfg->defrag_max_memory ||
	    ncfg->defrag_timeout != a->cfg->defrag_timeout)
		ts_log(LOG_WARNING, "SIGHUP: flow, stream and defrag limits "
		    "take effect at the next start");
	ncfg->flow_max_flows = a->cfg->flow_max_flows;
	ncfg->flow_max_memory = a->cfg->flow_max_memory;
	ncfg->flow_timeout_new = a->cfg->flow_timeout_new;
	ncfg->flow_timeout_established = a->cfg->flow_timeout_established;
	ncfg->flow_timeout_closed = a->cfg->flow_timeout_closed;
	ncfg->stream_max_buffer = a->cfg->stream_max_buffer;
	ncfg->defrag_max_datagrams = a->cfg->defrag_max_datagrams;
	ncfg->defrag_max_memory = a->cfg->defrag_max_memory;
	ncfg->defrag_timeout = a->cfg->defrag_timeout;
	if (!same_capture(ncfg, a->cfg) ||
	    !same_string(ncfg->run_user, a->cfg->run_user) ||
	    !same_string(ncfg->run_group, a->cfg->run_group) ||
	    !same_string(ncfg->run_pidfile, a->cfg->run_pidfile) ||
	    ncfg->run_sandbox != a->cfg->run_sandbox ||
	    ncfg->output_format != a->cfg->output_format)
		ts_log(LOG_WARNING, "SIGHUP: capture interfaces and options "
		    "(but the filter), output.format and run.* take effect at the next start");

	if (a->is_live && strcmp(nfilter, a->filter) != 0 &&
	    set_filter(a, nfilter, err, sizeof(err)) != 0) {
		ts_log(LOG_ERR, "SIGHUP: configuration not reloaded, the "
		    "running one is kept: %s", err);
		goto reject;
	}
	if (configure_workers(a, ncfg, nmodel) != 0) {
		ts_log(LOG_ERR, "SIGHUP: out of memory; configuration kept");
		goto reject;
	}
	/* The switch: from here on the new ones are in use. */
	config_free(a->cfg);
	free(a->cfg);
	typo_model_free(a->model);
	a->cfg = ncfg;
	a->model = nmodel;
	free(a->filter);
	a->filter = nfilter;
	syslog_apply(a);
	output_set_max_pending(&a->out, a->cfg->output_max_pending);
	a->ctl->cnt.config_reloads++;
	ts_log(LOG_NOTICE, "SIGHUP: configuration %s reloaded (%zu typo "
	    "variants)", a->cfg->path, typo_model_variants(a->model));
	goto reopen;

reject:
	a->ctl->cnt.config_reload_errors++;
	if (a->is_live)
		(void)set_filter(a, a->filter, err, sizeof(err));
	free(nfilter);
	typo_model_free(nmodel);
	config_free(ncfg);
	free(ncfg);
reopen:
	if (eve_target(a->o, a->cfg, &dir) && dir != NULL) {
		if (output_reopen(&a->out, dir, err, sizeof(err)) != 0)
			ts_log(LOG_ERR, "SIGHUP: cannot reopen the EVE log, "
			    "still writing to the old one: %s", err);
		else
			a->ctl->cnt.eve_reopens++;
	}
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
	pending = 1;
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Stop: interrupt a blocking read (a pipe on standard input). */
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Reload: a read just goes on. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
}

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Between packets: signals, and for live capture wall-clock duties. */
static void
housekeeping(void *ctx)
{
	struct app *a = ctx;

	pending = 0;
	if (got_hup) {
		got_hup = 0;
		if (a->pooled)
			pool_pause(&a->pool);
		reload(a);
		if (a->pooled)
			pool_resume(&a->pool);
	}
	if (!a->is_live)
		return;
	/* Records held for a slow reader leave while no new one comes. */
	output_flush(&a->out);
	if (a->pooled) {
		/* The workers tick on their own; stats come from here. */
		uint32_t piv = a->cfg->stats_interval;
		time_t pt = mono_now();
		if (piv == 0) {
			a->stats_next = 0;
		} else if (a->stats_next == 0 ||
		    a->stats_next > pt + (time_t)piv) {
			a->stats_next = pt + (time_t)piv;
		} else if (pt >= a->stats_next) {
			struct timeval pnow;
			struct counters sum;
			gettimeofday(&pnow, NULL);
			pool_pause(&a->pool);
			pool_stats(&a->pool, &pnow);
			pool_counters(&a->pool, &sum);
			pool_resume(&a->pool);
			caps_report(&a->caps, &sum);
			a->stats_next = pt + (time_t)piv;
		}
		return;
	}
	struct timeval now;
	gettimeofday(&now, NULL);
	worker_tick(&a->w, &now);
	uint32_t iv = a->cfg->stats_interval;
	time_t t = mono_now();
	if (iv == 0) {
		a->stats_next = 0;
	} else if (a->stats_next == 0 || a->stats_next > t + (time_t)iv) {
		a->stats_next = t + (time_t)iv;
	} else if (t >= a->stats_next) {
		live_stats(&a->live, &a->cap);
		worker_stats(&a->w, &now);
		caps_report(&a->caps, &a->w.cnt);
		a->stats_next = t + (time_t)iv;
	}
}

/*
 * From here on, the file system only where a running sensor needs it
 * (sandbox.h): its EVE directory (a new eve.json on SIGHUP), the
 * directories of its configuration and of the Public Suffix List (a
 * reload reads both), the capture files still to read, the time zone
 * (syslog's timestamps), interface counters under /sys (live), and the
 * pidfile's directory (removed at exit).
 */
static int
enter_sandbox(const struct app *a, const char *eve_dir, const char *pidfile,
    char *err, size_t errlen)
{
	struct sandbox_rule r[MAX_INPUTS + 16];
	char cfg_dir[4096], psl_dir[4096], pid_dir[4096];
	const char *psl = psl_dist_filename();
	size_t n = 0;
	int abi;

	if (eve_dir != NULL)
		r[n++] = (struct sandbox_rule){ eve_dir, SANDBOX_WRITE };
	if (a->o->config_path != NULL)
		r[n++] = (struct sandbox_rule){
		    service_dir_of(a->o->config_path, cfg_dir,
		    sizeof(cfg_dir)), SANDBOX_READ };
	if (psl != NULL && psl[0] != '\0')
		r[n++] = (struct sandbox_rule){ service_dir_of(psl, psl_dir,
		    sizeof(psl_dir)), SANDBOX_READ };
	for (size_t i = 0; i < a->o->ninputs; i++)
		if (strcmp(a->o->inputs[i], "-") != 0)
			r[n++] = (struct sandbox_rule){ a->o->inputs[i],
			    SANDBOX_READ };
	r[n++] = (struct sandbox_rule){ "/etc/localtime", SANDBOX_READ };
	if (a->is_live) {
		/* pcap_stats() reads /sys/class/net/IF/statistics. */
		r[n++] = (struct sandbox_rule){ "/sys/class/net", SANDBOX_READ };
		r[n++] = (struct sandbox_rule){ "/sys/devices", SANDBOX_READ };
	}
	if (pidfile != NULL)
		r[n++] = (struct sandbox_rule){ service_dir_of(pidfile,
		    pid_dir, sizeof(pid_dir)), SANDBOX_READ | SANDBOX_REMOVE };
#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer reads /proc/self/maps and /proc/self/task at exit. */
	r[n++] = (struct sandbox_rule){ "/proc/self", SANDBOX_READ };
#endif
	if ((abi = sandbox_enter(r, n, err, errlen)) < 0)
		return -1;
	if (abi == 0 && a->is_live)
		ts_log(LOG_NOTICE, "run.sandbox: this kernel has no Landlock; "
		    "file system access is not restricted");
	return 0;
}

/* Offline: a stats record was written (packet time crossed an interval). */
static void
stats_written(void *ctx)
{
	struct app *a = ctx;

	if (a->pooled) {
		/* The pool is paused while this runs. */
		struct counters sum;
		pool_counters(&a->pool, &sum);
		caps_report(&a->caps, &sum);
		return;
	}
	caps_report(&a->caps, &a->w.cnt);
}

static void
print_summary(const struct app *a, size_t files, size_t failed)
{
	static const struct {
		const char	*name;
		const char	*desc;
		size_t		 off;
	} rows[] = {
#define TS_COUNTER_ROW(n, d) { #n, d, offsetof(struct counters, n) },
		TS_COUNTERS(TS_COUNTER_ROW)
#undef TS_COUNTER_ROW
	};
	const struct worker *w = &a->w;
	struct rusage ru;

	if (a->is_live) {
		fprintf(stderr, "typosentry: captured on %zu interface(s)\n",
		    a->live.n);
		fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n", "kernel_packets",
		    a->cap.received, "packets that passed the filter (pcap_stats)");
		fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n", "kernel_drops",
		    a->cap.dropped, "dropped: no room in the kernel buffer");
		fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n", "kernel_ifdrops",
		    a->cap.ifdropped, "dropped by the interface");
	} else {
		fprintf(stderr, "typosentry: %zu file(s) read, %zu with "
		    "errors\n", files - failed, failed);
	}
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		fprintf(stderr, "  %-22s %12ld  %s\n", "peak_rss_kb", ru.ru_maxrss,
		    "peak resident memory, KiB");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v;
		memcpy(&v, (const char *)&w->cnt + rows[i].off, sizeof(v));
		if (v != 0)
			fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n",
			    rows[i].name, v, rows[i].desc);
	}
	for (unsigned i = 0; a->pooled && i < a->pool.n; i++) {
		const struct pool_worker *pw = &a->pool.ws[i];
		char name[40];
		snprintf(name, sizeof(name), "worker %s", pw->name);
		fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n", name,
		    pw->w.cnt.packets, "packets this worker processed");
		if (pw->live.n > 0)
			fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n", name,
			    pw->cap.dropped, "dropped in its own kernel buffer");
	}
	if (a->cfg->redis_enabled) {
		const struct redis_out_counts *r = &a->redis_n;
		fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n", "redis_sent",
		    r->sent, "EVE records Redis acknowledged");
		fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n", "redis_dropped",
		    r->dropped, "EVE records not sent to Redis (spool full, or "
		    "left at exit)");
		if (r->rejected != 0)
			fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n",
			    "redis_rejected", r->rejected, "EVE records Redis "
			    "answered with an error");
		if (r->reconnects != 0)
			fprintf(stderr, "  %-22s %12" PRIu64 "  %s\n",
			    "redis_reconnects", r->reconnects, "connections "
			    "to Redis made again after a break");
	}
}

/* The live options: configuration, then the command line. */
static void
live_options(const struct options *o, const struct ts_config *cfg,
    struct live_opts *lo)
{
	lo->promisc = cfg->capture_promisc && !o->no_promisc;
	lo->snaplen = o->snaplen > 0 ? (uint32_t)o->snaplen :
	    cfg->capture_snaplen;
	lo->buffer_size = o->buffer_size > 0 ? (size_t)o->buffer_size :
	    cfg->capture_buffer;
	lo->immediate = o->immediate >= 0 ? o->immediate == 1 :
	    cfg->capture_immediate;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct app a;
	char err[1024];
	int rc;

	/* Subcommands that explain and export the typo model. */
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return tool_check(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "variants") == 0)
		return tool_variants(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "config") == 0)
		return tool_config(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return tool_report(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "policyd") == 0)
		return policyd_main(argc - 1, argv + 1);
	memset(&o, 0, sizeof(o));
	memset(&a, 0, sizeof(a));
	a.o = &o;
	if ((rc = parse_options(argc, argv, &o)) != 0) {
		free(o.filter_args);
		return rc;
	}
	/*
	 * A daemon moves to "/": the files it opens later (captures, the
	 * configuration and the EVE file on SIGHUP, the pidfile at exit)
	 * are named from here.
	 */
	char *abs_keep[MAX_INPUTS + 3] = { NULL };
	if (o.daemon) {
		o.config_path = service_absolute_path(o.config_path,
		    &abs_keep[0]);
		o.log_dir = service_absolute_path(o.log_dir, &abs_keep[1]);
		o.pidfile = service_absolute_path(o.pidfile, &abs_keep[2]);
		for (size_t i = 0; i < o.ninputs; i++)
			o.inputs[i] = service_absolute_path(o.inputs[i], &abs_keep[3 + i]);
	}
	rc = EXIT_USAGE;
	if ((a.cfg = calloc(1, sizeof(*a.cfg))) == NULL)
		goto out;
	if (load_config(&o, a.cfg, &a.model, err, sizeof(err)) != 0) {
		fprintf(stderr, "typosentry: %s\n", err);
		goto out;
	}

	/* Worker threads: at least one, at most one per CPU. */
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned workers = o.workers > 0 ? (unsigned)o.workers :
	    a.cfg->capture_workers;
	if (ncpu > 0 && workers > (unsigned long)ncpu) {
		fprintf(stderr, "typosentry: %s %u: more worker threads than "
		    "the %ld CPUs of this machine\n", o.workers > 0 ?
		    "--workers" : "capture.workers:", workers, ncpu);
		goto out;
	}

	/* What to read: -r files, else interfaces (-i or the configuration). */
	const char *const *ifaces = o.ifaces;
	size_t nifaces = o.nifaces;
	if (o.ninputs == 0 && nifaces == 0) {
		ifaces = (const char *const *)a.cfg->capture_ifaces.v;
		nifaces = a.cfg->capture_ifaces.n;
	}
	a.is_live = o.ninputs == 0 && nifaces > 0;
	a.filter = effective_filter(&o, a.cfg, a.is_live);

	if (a.filter == NULL || check_filter(a.filter) != 0)
		goto out;
	if (o.test_config || o.dump_config) {
		if (o.dump_config)
			config_dump(stdout, a.cfg, false);
		if (o.test_config) {
			fprintf(stderr, "typosentry: configuration %s is valid "
			    "(%zu typo variants)\n", a.cfg->path,
			    typo_model_variants(a.model));
			config_describe_protected(stderr, "typosentry: ",
			    a.cfg);
		}
		rc = fflush(stdout) == 0 ? 0 : EXIT_USAGE;
		goto out;
	}
	if (o.ninputs == 0 && !a.is_live) {
		fprintf(stderr, "typosentry: nothing to read: give -r FILE or "
		    "-i IFACE (or capture.interfaces)\n");
		usage(stderr);
		goto out;
	}

	const char *dir;
	bool eve_on = eve_target(&o, a.cfg, &dir);
	if (o.daemon && eve_on && dir == NULL) {
		fprintf(stderr, "typosentry: --daemon: EVE records would go to "
		    "standard output, which a daemon closes; give -l DIR or "
		    "output.dir (or output.eve: false)\n");
		goto out;
	}
	if (!eve_on) {
		output_open_none(&a.out);
	} else if (output_open_format(&a.out, dir, line_format(&o, a.cfg, dir),
	    err, sizeof(err)) != 0) {
		fprintf(stderr, "typosentry: cannot open the EVE log: %s\n", err);
		goto out;
	}
	if (redis_out_open(&a.redis, a.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "typosentry: %s\n", err);
		output_close(&a.out);
		goto out;
	}
	output_set_redis(&a.out, a.redis);
	output_set_max_pending(&a.out, a.cfg->output_max_pending);
	/*
	 * Capture that cannot wait (an interface, a stream on standard
	 * input) never waits for a reader of the records either; a file
	 * being read can, and then loses nothing.
	 */
	bool stream_in = false;
	for (size_t i = 0; i < o.ninputs; i++)
		stream_in |= strcmp(o.inputs[i], "-") == 0;
	if (a.is_live || stream_in)
		(void)output_never_block(&a.out);
	syslog_apply(&a);
	if (!eve_on && !a.slog.on && a.redis == NULL)
		ts_log(LOG_WARNING, "output.eve is false and syslog is off: "
		    "alerts are counted but written nowhere");
	if (worker_init(&a.w, a.cfg, a.model, &a.out) != 0) {
		fprintf(stderr, "typosentry: out of memory\n");
		output_close(&a.out);
		goto out;
	}
	worker_set_syslog(&a.w, &a.slog);
	suppress_set_rate(&a.w.suppress, a.cfg->alerts_per_second);
	a.ctl = &a.w;
	if (workers > 1) {
		/* a.w stays idle: the workers' counters are summed into it. */
		if (pool_init(&a.pool, workers, a.cfg, a.model, &a.out, &a.slog,
		    err, sizeof(err)) != 0) {
			fprintf(stderr, "typosentry: %s\n", err);
			goto out_worker;
		}
		a.pooled = true;
		a.ctl = &a.pool.ws[0].w;
	}

	if (a.is_live) {
		struct live_opts lo;
		live_options(&o, a.cfg, &lo);
		if ((a.pooled ? pool_live_open(&a.pool, ifaces, nifaces, &lo,
		    a.filter, err, sizeof(err)) : live_open(&a.live, ifaces,
		    nifaces, &lo, a.filter, err, sizeof(err))) != 0) {
			fprintf(stderr, "typosentry: cannot capture on %s\n", err);
			rc = EXIT_READ_ERROR;
			goto out_worker;
		}
		a.cap.live = true;
		worker_set_capture(&a.w, &a.cap);
	}

	/* Everything is open: detach, note our PID, give up root. */
	if (o.daemon) {
		if (service_daemonize(err, sizeof(err)) != 0) {
			fprintf(stderr, "typosentry: --daemon: %s\n", err);
			goto out_live;
		}
		ts_log_to_stderr(false);
		ts_log_to_syslog(true);
		o.quiet = true;
	}
	const char *pidfile = o.pidfile != NULL ? o.pidfile :
	    a.cfg->run_pidfile;
	char *pidfile_copy = pidfile != NULL ? strdup(pidfile) : NULL;
	if (pidfile != NULL && (pidfile_copy == NULL ||
	    service_pidfile_write(pidfile_copy, err, sizeof(err)) != 0)) {
		ts_log(LOG_ERR, "--pidfile: %s", pidfile_copy != NULL ? err :
		    "out of memory");
		free(pidfile_copy);
		goto out_live;
	}
	const char *user = o.user != NULL ? o.user : a.cfg->run_user;
	const char *group = o.user != NULL ? o.group : a.cfg->run_group;
	if (user != NULL && service_drop_privileges(user, group, a.is_live,
	    err, sizeof(err)) != 0) {
		ts_log(LOG_ERR, "cannot drop privileges to %s%s%s: %s", user,
		    group != NULL ? ":" : "", group != NULL ? group : "", err);
		service_pidfile_remove(pidfile_copy);
		free(pidfile_copy);
		goto out_live;
	}
	if (a.cfg->run_sandbox && enter_sandbox(&a, eve_on ? dir : NULL,
	    pidfile_copy, err, sizeof(err)) != 0) {
		ts_log(LOG_ERR, "run.sandbox: cannot restrict file system "
		    "access: %s", err);
		service_pidfile_remove(pidfile_copy);
		free(pidfile_copy);
		goto out_live;
	}
	/* Threads do not survive the fork, and Landlock holds the threads
	 * started after it: the Redis sender and the workers start here. */
	if (redis_out_start(a.redis) != 0) {
		ts_log(LOG_ERR, "output.redis: cannot start its thread");
		service_pidfile_remove(pidfile_copy);
		free(pidfile_copy);
		goto out_live;
	}
	install_signals();
	if (a.pooled && a.is_live &&
	    pool_live_start(&a.pool, err, sizeof(err)) != 0) {
		ts_log(LOG_ERR, "%s", err);
		pool_stop(&a.pool);
		service_pidfile_remove(pidfile_copy);
		free(pidfile_copy);
		goto out_live;
	}

	size_t failed = 0;
	bool unreadable = false;
	if (a.is_live) {
		ts_log(LOG_NOTICE, "capturing on %zu interface(s)%s%s%s",
		    nifaces, a.filter[0] != '\0' ? " with filter '" : "",
		    a.filter, a.filter[0] != '\0' ? "'" : "");
		if (a.pooled) {
			while (!got_stop) {
				struct timespec tick = { 0, 250 * 1000000L };
				nanosleep(&tick, NULL);
				housekeeping(&a);
			}
		} else {
			live_run(&a.live, &a.w, &got_stop, housekeeping, &a);
		}
		ts_log(LOG_NOTICE, "stopping (signal)");
	} else {
		struct capture_hooks hooks = { &got_stop, &pending,
		    housekeeping, &a, stats_written };
		for (size_t i = 0; i < o.ninputs && !got_stop; i++) {
			struct capture_result res;
			if ((a.pooled ? pool_capture_file(&a.pool, o.inputs[i],
			    a.filter, &hooks, &res) : capture_file(&a.w,
			    o.inputs[i], a.filter, &hooks, &res)) != 0) {
				failed++;
				if (res.packets == 0)
					unreadable = true;
			}
			if (res.interrupted)
				ts_log(LOG_NOTICE, "%s: stopped by a signal after "
				    "packet %" PRIu64, o.inputs[i], res.packets);
		}
	}
	/* End of input: flows still open give up what they hold. */
	if (a.pooled) {
		pool_stop(&a.pool);
		pool_counters(&a.pool, &a.w.cnt);
	} else {
		worker_flush(&a.w);
	}
	if (a.is_live) {
		struct timeval now;
		gettimeofday(&now, NULL);
		if (a.pooled) {
			if (a.cfg->stats_interval != 0)
				pool_stats(&a.pool, &now);
			memset(&a.cap, 0, sizeof(a.cap));
			for (unsigned i = 0; i < a.pool.n; i++) {
				live_stats(&a.pool.ws[i].live, &a.pool.ws[i].cap);
				a.cap.received += a.pool.ws[i].cap.received;
				a.cap.dropped += a.pool.ws[i].cap.dropped;
				a.cap.ifdropped += a.pool.ws[i].cap.ifdropped;
			}
		} else {
			live_stats(&a.live, &a.cap);
			if (a.cfg->stats_interval != 0)
				worker_stats(&a.w, &now);
		}
		ts_log(LOG_NOTICE, "%" PRIu64 " packets, %" PRIu64 " alerts, %"
		    PRIu64 " suppressed; kernel: %" PRIu64 " received, %" PRIu64
		    " dropped, %" PRIu64 " dropped by the interface",
		    a.w.cnt.packets, a.w.cnt.alerts, a.w.cnt.alerts_suppressed,
		    a.cap.received, a.cap.dropped, a.cap.ifdropped);
	}
	/* The caps reached since the last stats record. */
	caps_report(&a.caps, &a.w.cnt);
	/* What Redis has not taken yet goes now (a server away: 5 s). */
	redis_out_close(a.redis, REDIS_DRAIN_SECONDS, &a.redis_n);
	a.redis = NULL;
	output_set_redis(&a.out, NULL);
	if (!o.quiet)
		print_summary(&a, o.ninputs, failed);
	service_pidfile_remove(pidfile_copy);
	free(pidfile_copy);
	rc = unreadable ? EXIT_READ_ERROR : 0;

out_live:
	if (a.is_live)
		live_close(&a.live);
out_worker:
	if (a.pooled)
		pool_free(&a.pool);
	worker_free(&a.w);
	redis_out_close(a.redis, 0, NULL);
	output_close(&a.out);
out:
	typo_model_free(a.model);
	if (a.cfg != NULL)
		config_free(a.cfg);
	free(a.cfg);
	free(a.filter);
	free(o.filter_args);
	for (size_t i = 0; i < sizeof(abs_keep) / sizeof(abs_keep[0]); i++)
		free(abs_keep[i]);
	return rc;
}
