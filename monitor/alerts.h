/*
 * alerts.h: policy hits -> alert records, with dedup and rate limits
 * (issue 4, CONTRACT.md section 7).
 *
 * Jobs: build an alert record from a flow the policy flagged at its
 * decision point (the flow record's fields so far, event.kind "alert", the
 * rule and its severity); fold repeats; cap the rate; hand the record to
 * the outputs (--alerts through struct output, --syslog) on the writer
 * thread, so capture never waits on them.
 *
 * Dedup: the first alert for an (internal host, remote address, rule id)
 * goes out at once and opens a window of --alert-window seconds of packet
 * time (default ALERTS_DEFAULT_WINDOW). Later alerts for the same key
 * inside the window are folded (counted, not written). When the clock
 * passes the window's end, a window that folded anything is closed by one
 * record: the window's first alert again, with @timestamp at the window's
 * end and bergerie.alert.folded_count, window_start and window_end. At the
 * end of the run open windows close at the last packet time (the window is
 * cut short, never dated after the capture). A window that folded nothing
 * closes silently. Windows run on the pipeline's clock, so they open and
 * close in order; the table of open windows is bounded
 * (--alert-window-memcap, bytes: a window keeps its first alert's text):
 * at the cap the oldest windows close early (alert_window_memcap_evictions).
 *
 * Rate cap: at most --alert-rate alerts a second of packet time (0: no
 * cap), counted in alerts_suppressed; a suppressed alert opens no window.
 * Closing records are not capped (one per window at most).
 *
 * Must never: decide whether a flow alerts (the pipeline and the policy
 * do), block on an output, or keep a pointer into a flow.
 */
#ifndef BERGERIE_ALERTS_H
#define BERGERIE_ALERTS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "flow.h"
#include "record.h"

enum {
	ALERTS_DEFAULT_WINDOW = 60,	/* seconds */
	ALERTS_DEFAULT_RATE_LIVE = 1000,	/* per second; replay: none */
};

/* Default --alert-window-memcap: 16 MiB, about 10,000 open windows. */
#define ALERTS_DEFAULT_WINDOW_MEMCAP (16ull << 20)

struct output;
struct syslog;
struct writer;
struct geo_result;
struct policy_rule;
struct pseudonym;

struct alerts_config {
	uint32_t window_s;		/* 0: no folding */
	uint64_t rate;			/* per second of packet time; 0: no cap */
	uint64_t window_memcap;		/* bytes; 0: ALERTS_DEFAULT_WINDOW_MEMCAP */
	struct output *out;		/* --alerts, NULL: none */
	struct syslog *syslog;		/* --syslog, NULL: none */
	struct writer *writer;		/* NULL: write in the caller's thread */
	const struct record_context *rctx;	/* must outlive the alerts */
	struct pseudonym *pseudonym;	/* --pseudonymize: home ends; NULL: off */
	uint8_t seed[16];		/* hash key of the window table */
};

/* Counters: name in statistics, help (monitor/stats.h copies them). */
#define ALERTS_COUNTERS(X)                                                  \
	X(alerts, "alerts raised: first alerts and window closings")       \
	X(alerts_folded, "alerts folded into an open dedup window")          \
	X(alerts_suppressed, "alerts over --alert-rate, not written")        \
	X(alerts_dropped, "alert records lost: output queue full (live)")    \
	X(alert_window_memcap_evictions,                                      \
	  "dedup windows closed early at --alert-window-memcap")

struct alerts_stats {
#define X(name, help) uint64_t name;
	ALERTS_COUNTERS(X)
#undef X
};

enum alert_outcome {
	ALERT_QUEUED,		/* written (or queued for the writer) */
	ALERT_FOLDED,
	ALERT_SUPPRESSED,
	ALERT_DROPPED,		/* live: the output queue was full */
};

struct alerts;

/* NULL when out of memory. */
struct alerts *alerts_new(const struct alerts_config *cfg);

/* Frees the table; call alerts_finish() first to close the windows. */
void alerts_free(struct alerts *a);

/*
 * A flow the policy flagged (rule->action is flag), at its decision.
 * r is the remote end's classification (without reason: it is added here
 * for records that go out). server_name is the flow's sanitised server
 * name, NULL until names are known (destination.domain). now_ns is the
 * pipeline's clock; the record's @timestamp is the deciding packet's time
 * (f->last_ns). f is only read during the call (its Community ID is
 * computed if needed). evidence_path, when not NULL, is the flow's
 * --evidence file (bergerie.evidence.path).
 */
enum alert_outcome alerts_raise(struct alerts *a, struct flow *f,
				const struct geo_result *r,
				const struct policy_rule *rule,
				const char *server_name,
				const char *evidence_path, uint64_t now_ns);

/* The clock moved to now_ns: windows that ended by then close. */
void alerts_advance(struct alerts *a, uint64_t now_ns);

/* End of the run at now_ns: every open window closes (cut short). */
void alerts_finish(struct alerts *a, uint64_t now_ns);

void alerts_stats(const struct alerts *a, struct alerts_stats *out);

/*
 * The alert record of f (new reference), as alerts_raise() writes it: the
 * flow record's fields so far, then event.kind "alert", event.type
 * ["connection","info"], no event.end, duration or end reason,
 * event.severity, rule.id and rule.name, bergerie.severity, and
 * destination.domain when server_name is given, bergerie.evidence.path
 * when evidence_path is. r must carry its reason. Exposed for tests.
 */
json_t *alerts_record(const struct record_context *ctx, struct flow *f,
		      const struct geo_result *r,
		      const struct policy_rule *rule, const char *server_name,
		      const char *evidence_path);

#endif
