/*
 * main.c: wires the modules together; no protocol logic lives here.
 *
 *   options -> outputs -> capture -> pipeline (per packet) -> summary
 *
 * Exit statuses (CONTRACT.md section 4): 0 success, also after SIGINT or
 * SIGTERM; 1 --fail-on matched (wins over a signal's 0); 2 usage,
 * configuration, policy or database error (nothing was started); 3 capture
 * or output error, after flushing what was produced (wins over 1).
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "datafiles.h"
#include "geo/classify.h"
#include "geo/explain.h"
#include "options.h"
#include "output.h"
#include "pipeline.h"
#include "privs.h"
#include "ui_session.h"
#include "syslog.h"
#include "writer.h"

enum {
	EXIT_OK = 0,
	EXIT_FAIL_ON = 1,
	EXIT_USAGE = 2,
	EXIT_CAPTURE = 3,
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reopen_requested;
static volatile sig_atomic_t metrics_requested;

static void on_signal(int sig)
{
	switch (sig) {
	case SIGINT:
	case SIGTERM:
		stop_requested = 1;
		break;
	case SIGHUP:
		reopen_requested = 1;
		break;
	case SIGUSR1:
		metrics_requested = 1;
		break;
	default:
		break;
	}
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* SIGINT and SIGTERM without SA_RESTART: a blocking read (a pipe on
	 * standard input) must return so the loop sees the stop. SIGHUP and
	 * SIGUSR1 with it: they must not break a read; they are handled after
	 * the next packet, or at the next idle tick live (poll() returns on
	 * any signal). */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

__attribute__((format(printf, 1, 2)))
static void die_usage(const char *fmt, ...);

static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("bergerie: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static bool observer_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* The default observer.name: the short host name, other characters as
 * '-' (CONTRACT.md section 1). */
static void default_observer_name(const char *host, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = host; *p && *p != '.' && n + 1 < len && n < 64; p++)
		out[n++] = isalnum((unsigned char)*p) || *p == '_' || *p == '-'
				   ? *p : '-';
	if (n == 0)
		out[n++] = '-';
	out[n] = '\0';
}

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void random_seed(uint8_t seed[16])
{
	size_t got = 0;

	while (got < 16) {
		ssize_t n = getrandom(seed + got, 16 - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* Without entropy the table still works, only
			 * less protected against crafted collisions. */
			uint64_t t = wall_ns() ^ (uint64_t)getpid();

			memcpy(seed, &t, sizeof(t));
			return;
		}
		got += (size_t)n;
	}
}

static struct output *open_output(const char *path, const char *what)
{
	char err[512];
	struct output *o;

	if (!path)
		return NULL;
	o = output_open(path, err, sizeof(err));
	if (!o)
		die_usage("%s: %s", what, err);
	return o;
}

static void close_output(struct output *o, int *status)
{
	char err[512];

	if (o && !output_close(o, err, sizeof(err))) {
		fprintf(stderr, "bergerie: %s\n", err);
		if (*status == EXIT_OK)
			*status = EXIT_CAPTURE;
	}
}

/* An output file belongs to the run-as user, so SIGHUP can reopen it. */
static void give_output(const struct privs *pv, struct output *o,
			const char *what)
{
	char err[512];

	if (o && !privs_give_fd(pv, output_fd(o), err, sizeof(err)))
		fprintf(stderr, "bergerie: warning: %s: %s: %s; a reopen on "
			"SIGHUP may fail\n", what, output_path(o), err);
}

/*
 * Live capture, at most once a second when the link is quiet: what the
 * output thread has written reaches the files, so a statistics record
 * written every --stats-interval, or an alert, shows without waiting for
 * a full buffer. The writer is idle after writer_sync(), and only this
 * thread queues work, so flushing here races with nothing.
 */
static void flush_live(struct writer *w, struct output *const *outs, size_t n,
		       uint64_t now, uint64_t *last)
{
	if (now - *last < 1000000000ull)
		return;
	*last = now;
	writer_sync(w);
	for (size_t i = 0; i < n; i++)
		if (outs[i])
			output_flush(outs[i]);
}

/* What the per-packet callback needs from main(). */
struct packet_loop {
	struct pipeline *pl;
	struct ui_session *uis;
	uint64_t count;		/* -c, 0: no limit */
	uint64_t npackets;
	bool count_reached;
};

/* One packet through the pipeline; false (stop the dispatch) when the
 * count is reached or a signal asks main() to act. */
static bool on_packet(void *ctx, const struct capture_packet *cp)
{
	struct packet_loop *lp = ctx;

	ui_session_pace(lp->uis, cp->ts_ns);
	pipeline_packet(lp->pl, cp);
	if (lp->count && ++lp->npackets >= lp->count) {
		lp->count_reached = true;
		return false;
	}
	return !stop_requested && !reopen_requested && !metrics_requested;
}

static bool is_stdout(const char *path)
{
	return path && strcmp(path, "-") == 0;
}

/* --fail-on VERDICT[,VERDICT...] as a mask of (1 << verdict). */
static uint32_t parse_fail_on(const char *list)
{
	uint32_t mask = 0;
	char buf[256], *save = NULL;

	if (!list)
		return 0;
	if (strlen(list) >= sizeof(buf))
		die_usage("--fail-on: list too long");
	memcpy(buf, list, strlen(list) + 1);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		enum verdict v;

		if (!verdict_parse(w, &v))
			die_usage("--fail-on: '%s' is not a verdict (local, eu, "
				  "eu_foreign_control, adequate, third_country, "
				  "unknown)", w);
		mask |= 1u << v;
	}
	if (!mask)
		die_usage("--fail-on: give one or more verdicts");
	return mask;
}

/* Loads the jurisdiction engine from the configured or default files.
 * NULL with err set (a usage-class error: exit 2). */
static struct geo_engine *load_engine(const struct config *cfg, char *err,
				      size_t errlen)
{
	struct datafiles df;
	struct geo_config gc;

	if (!datafiles_resolve(cfg, &df, err, errlen))
		return NULL;
	memset(&gc, 0, sizeof(gc));
	gc.data_dir = df.geo_dir;
	gc.country_db = df.country_db[0] ? df.country_db : NULL;
	gc.asn_db = df.asn_db[0] ? df.asn_db : NULL;
	gc.policy_path = cfg->policy_path;
	gc.cloud_ranges_dir = cfg->cloud_ranges_dir;
	gc.cache_memcap = cfg->geo_cache_memcap;
	return geo_engine_load(&gc, err, errlen);
}

/*
 * SIGHUP: loads the policy and the databases again. The new engine
 * applies to every flow from its next packet on; flows keep the engine
 * that classified them until then. A file that does not load is reported
 * and the engine in force stays.
 */
static void reload_engine(const struct config *cfg, struct pipeline *pl)
{
	char err[1024];
	struct geo_engine *e = load_engine(cfg, err, sizeof(err));

	if (!e) {
		fprintf(stderr, "bergerie: reload refused, keeping the policy "
			"and databases in force: %s\n", err);
		return;
	}
	pipeline_set_engine(pl, e);
	geo_engine_unref(e);	/* the pipeline holds its own reference */
	if (cfg->verbose && !cfg->quiet)
		fprintf(stderr, "bergerie: reloaded policy %s\n",
			geo_engine_policy_hash(e));
}

/* bergerie explain [--json] [options] ADDRESS... */
static int run_explain(struct config *cfg)
{
	char err[1024];
	struct geo_engine *e;
	int status = EXIT_OK;

	if (cfg->nargs == 0)
		die_usage("explain: give one or more addresses");
	e = load_engine(cfg, err, sizeof(err));
	if (!e)
		die_usage("%s", err);
	for (int i = 0; i < cfg->nargs; i++)
		if (geo_explain(e, cfg->args[i], cfg->json, stdout, err,
				sizeof(err)) != 0) {
			fprintf(stderr, "bergerie: explain: %s\n", err);
			status = EXIT_USAGE;
		}
	geo_engine_unref(e);
	return status;
}

int main(int argc, char **argv)
{
	struct config cfg;
	char err[1024], host[256] = "", obs[80];
	enum options_result r;
	bool explain = argc > 1 && strcmp(argv[1], "explain") == 0;
	struct geo_engine *engine;
	struct output *flows, *metrics, *alerts;
	struct syslog *syslog = NULL;
	FILE *report = NULL;
	uint32_t fail_on;
	int facility = SYSLOG_DEFAULT_FACILITY;
	struct capture_config cc;
	struct capture *cap;
	enum capture_open_error why;
	struct pipeline_setup ps;
	struct pipeline *pl;
	struct writer *writer;
	struct packet_loop loop;
	struct capture_stats cs;
	enum flow_end_reason end = FLOW_END_END_OF_INPUT;
	int status = EXIT_OK;
	bool json_on_stdout;
	struct ui_session *uis;
	struct privs privs;
	char privs_warn[256];
	uint64_t last_flush = 0;

	options_defaults(&cfg);
	if (explain) {
		/* The subcommand takes the same options; its words are
		 * addresses instead of a filter. */
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	r = options_parse(&cfg, argc, argv, err, sizeof(err));
	switch (r) {
	case OPTIONS_ERROR:
		die_usage("%s", err);
		break;
	case OPTIONS_HELP:
		options_print_help(stdout, "bergerie");
		return EXIT_OK;
	case OPTIONS_VERSION:
		printf("bergerie %s\n", BERGERIE_VERSION);
		return EXIT_OK;
	case OPTIONS_DUMP:
		options_dump(stdout);
		return EXIT_OK;
	case OPTIONS_RUN:
		break;
	}
	if (explain) {
		int st = run_explain(&cfg);

		options_free(&cfg);
		return st;
	}

	gethostname(host, sizeof(host) - 1);
	if (cfg.observer_name) {
		if (!observer_name_valid(cfg.observer_name))
			die_usage("--observer-name '%s': use 1 to 64 of "
				  "A-Z a-z 0-9 _ -", cfg.observer_name);
		snprintf(obs, sizeof(obs), "%s", cfg.observer_name);
	} else {
		default_observer_name(host, obs, sizeof(obs));
	}

	if (is_stdout(cfg.flows_path) + is_stdout(cfg.metrics_path) +
	    is_stdout(cfg.alerts_path) + is_stdout(cfg.report_path) > 1)
		die_usage("standard output carries one stream: give files to "
			  "the others");
	json_on_stdout = is_stdout(cfg.flows_path) || is_stdout(cfg.metrics_path) ||
			 is_stdout(cfg.alerts_path) || is_stdout(cfg.report_path);
	fail_on = parse_fail_on(cfg.fail_on);
	uis = ui_session_new(&cfg, json_on_stdout, err, sizeof(err));
	if (!uis && err[0])
		die_usage("%s", err);
	if (cfg.syslog_facility &&
	    !syslog_parse_facility(cfg.syslog_facility, &facility))
		die_usage("--syslog-facility '%s': use a name (user, daemon, "
			  "local0-7, ...) or 0-23", cfg.syslog_facility);

	/* Before anything is opened: an unknown user starts nothing. */
	if (!privs_plan(&privs, cfg.user, cfg.retry, privs_warn,
			sizeof(privs_warn), err, sizeof(err)))
		die_usage("%s", err);

	memset(&cc, 0, sizeof(cc));
	cc.files = cfg.read_files;
	cc.nfiles = cfg.nread_files;
	cc.interfaces = cfg.interfaces;
	cc.ninterfaces = cfg.ninterfaces;
	cc.bpf = cfg.bpf;
	cc.snaplen = cfg.snaplen;
	cc.buffer_kib = cfg.buffer_kib;
	cc.promisc = !cfg.no_promisc;
	cc.immediate = cfg.immediate;
	cc.retry = cfg.retry;
	cc.retry_max_s = cfg.retry_max;
	cap = capture_open(&cc, &why, err, sizeof(err));
	if (!cap) {
		fprintf(stderr, "bergerie: %s\n", err);
		options_free(&cfg);
		return why == CAPTURE_OPEN_BAD_FILTER ||
				       (!cfg.nread_files && !cfg.ninterfaces)
			       ? EXIT_USAGE : EXIT_CAPTURE;
	}

	engine = load_engine(&cfg, err, sizeof(err));
	if (!engine) {
		fprintf(stderr, "bergerie: %s\n", err);
		capture_close(cap);
		options_free(&cfg);
		return EXIT_USAGE;
	}

	flows = open_output(cfg.flows_path, "--flows");
	metrics = open_output(cfg.metrics_path, "--metrics");
	alerts = open_output(cfg.alerts_path, "--alerts");
	if (cfg.syslog_url) {
		syslog = syslog_open(cfg.syslog_url, facility, host, err,
				     sizeof(err));
		if (!syslog)
			die_usage("--syslog: %s", err);
	}
	if (cfg.report_path) {
		report = is_stdout(cfg.report_path) ? stdout
						    : fopen(cfg.report_path, "w");
		if (!report)
			die_usage("--report: %s: %s", cfg.report_path,
				  strerror(errno));
	}

	/* Everything is open: hand the files over, then drop the user and
	 * every capability, before the first thread starts (CONTRACT.md
	 * section 10). */
	give_output(&privs, flows, "--flows");
	give_output(&privs, metrics, "--metrics");
	give_output(&privs, alerts, "--alerts");
	if (report && report != stdout &&
	    !privs_give_fd(&privs, fileno(report), err, sizeof(err)))
		fprintf(stderr, "bergerie: warning: --report: %s: %s\n",
			cfg.report_path, err);
	if (!privs_drop(&privs, err, sizeof(err)))
		die_usage("cannot drop privileges: %s", err);
	if (privs_warn[0] && !cfg.quiet)
		fprintf(stderr, "bergerie: warning: %s\n", privs_warn);
	if (cfg.verbose && !cfg.quiet)
		fprintf(stderr, "bergerie: running as uid %u gid %u%s\n",
			(unsigned)getuid(), (unsigned)getgid(),
			cfg.retry ? ", CAP_NET_RAW kept for --retry" : "");

	memset(&ps, 0, sizeof(ps));
	ps.cfg = &cfg;
	ps.flows = flows;
	ps.metrics = metrics;
	ps.alerts = alerts;
	ps.syslog = syslog;
	ps.fail_on = fail_on;
	ps.capture = capture_is_live(cap) ? cap : NULL;
	ps.rctx.observer_hostname = host;
	ps.rctx.observer_name = obs;
	ps.rctx.live = capture_is_live(cap);
	ps.rctx.input_names = capture_is_live(cap) ? cfg.interfaces
						   : cfg.read_files;
	ps.rctx.ninputs = (uint16_t)capture_input_count(cap);
	random_seed(ps.seed);
	ps.engine = engine;
	/* 4096 jobs: a few MB, enough to ride out a slow disk for a moment. */
	writer = writer_new(4096, capture_is_live(cap));
	if (!writer)
		die_usage("cannot start the output thread");
	ps.writer = writer;
	pl = pipeline_new(&ps, err, sizeof(err));
	if (!pl)
		die_usage("%s", err);

	install_signals();
	if (uis && !ui_session_start(uis, pl, cap, engine, &stop_requested, err,
				     sizeof(err)))
		die_usage("%s", err);
	memset(&loop, 0, sizeof(loop));
	loop.pl = pl;
	loop.uis = uis;
	loop.count = cfg.count;
	while (!stop_requested) {
		enum capture_status st = capture_dispatch(cap, on_packet, &loop,
							  1000);

		if (st == CAPTURE_PACKET) {
			if (loop.count_reached)
				break;
		} else if (st == CAPTURE_IDLE) {
			struct output *outs[] = {flows, metrics, alerts};
			uint64_t now = wall_ns();

			pipeline_idle(pl, now);
			flush_live(writer, outs, 3, now, &last_flush);
		} else if (st == CAPTURE_END) {
			break;
		} else if (st == CAPTURE_NOTICE) {
			/* --retry: an interface was lost or is back. */
			fprintf(stderr, "bergerie: %s\n", capture_error(cap));
			pipeline_idle(pl, wall_ns());
		} else if (stop_requested) {
			/* A read interrupted by SIGINT/SIGTERM (a pipe on
			 * standard input): a shutdown, not a capture error. */
			break;
		} else {
			fprintf(stderr, "bergerie: %s\n", capture_error(cap));
			status = EXIT_CAPTURE;
			break;
		}
		if (reopen_requested) {
			reopen_requested = 0;
			/* Everything queued goes to the old file first. */
			writer_sync(writer);
			if (flows && !output_reopen(flows, err, sizeof(err)))
				fprintf(stderr, "bergerie: --flows: %s\n", err);
			if (metrics && !output_reopen(metrics, err, sizeof(err)))
				fprintf(stderr, "bergerie: --metrics: %s\n", err);
			if (alerts && !output_reopen(alerts, err, sizeof(err)))
				fprintf(stderr, "bergerie: --alerts: %s\n", err);
			reload_engine(&cfg, pl);
		}
		if (metrics_requested) {
			metrics_requested = 0;
			capture_stats(cap, &cs);
			pipeline_write_metrics(pl, &cs);
		}
	}
	if (stop_requested || capture_is_live(cap))
		end = FLOW_END_SHUTDOWN;
	if (end == FLOW_END_END_OF_INPUT && status == EXIT_OK)
		ui_session_end_of_input(uis);

	capture_stats(cap, &cs);
	pipeline_finish(pl, end, &cs);
	ui_session_close(uis);
	if (!cfg.quiet) {
		FILE *out = json_on_stdout || capture_is_live(cap) ||
					    ui_session_has_ui(uis)
				    ? stderr : stdout;

		pipeline_print_summary(pl, out);
	}
	if (!cfg.quiet) {
		/* Data older than 90 days at the time of the traffic (the
		 * capture's in a replay) deserves a word (CONTRACT.md 6). */
		char warn[512];
		time_t now = capture_is_live(cap)
				     ? time(NULL)
				     : (time_t)(pipeline_clock(pl) / 1000000000ull);

		if (geo_engine_stale_warning(engine, now, warn, sizeof(warn)))
			fprintf(stderr, "bergerie: warning: %s\n", warn);
	}
	if (cfg.stats && !cfg.quiet)
		stats_print(pipeline_stats(pl), stderr);
	if (report) {
		if (!pipeline_write_report(pl, report)) {
			fprintf(stderr, "bergerie: --report: %s: write error\n",
				cfg.report_path);
			status = EXIT_CAPTURE;
		}
		if (report != stdout && fclose(report) != 0 &&
		    status == EXIT_OK) {
			fprintf(stderr, "bergerie: --report: %s: %s\n",
				cfg.report_path, strerror(errno));
			status = EXIT_CAPTURE;
		}
	}

	{
		uint64_t wus = writer_stop(writer);
		struct rusage ru;

		if (cfg.verbose && !cfg.quiet && getrusage(RUSAGE_THREAD, &ru) == 0)
			fprintf(stderr, "cpu: packet thread %.3f s, output thread %.3f s\n",
				(double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
					(double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
				(double)wus / 1e6);
	}
	writer_free(writer);
	close_output(flows, &status);
	close_output(metrics, &status);
	close_output(alerts, &status);
	/* After the writer: it was the one sending. */
	syslog_close(syslog);
	/* 1 wins over a signal's 0; 3 wins over 1 (CONTRACT.md section 4). */
	if (status == EXIT_OK && pipeline_fail_on_count(pl) > 0)
		status = EXIT_FAIL_ON;
	pipeline_free(pl);
	ui_session_free(uis);
	geo_engine_unref(engine);
	capture_close(cap);
	options_free(&cfg);
	return status;
}
