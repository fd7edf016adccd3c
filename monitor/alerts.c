/*
 * alerts.c: alert records, dedup windows and the rate cap.
 *
 * Open windows live in a hash table (seeded SipHash over the key, so
 * crafted addresses cannot pile into one bucket) and in a FIFO list in the
 * order they opened. Windows open on the pipeline's clock, which never goes
 * backwards, and all last the same time, so the list is also in the order
 * they end: closing is popping the head while it is due.
 *
 * A window keeps the serialised first alert, to be written again as the
 * closing record; folded alerts cost a look-up and nothing else.
 */
#include "alerts.h"

#include <stdlib.h>
#include <string.h>

#include "flow_verdict.h"
#include "geo/classify.h"
#include "geo/policy.h"
#include "output.h"
#include "pseudonymize.h"
#include "siphash.h"
#include "syslog.h"
#include "timefmt.h"
#include "writer.h"

#define NS_PER_S 1000000000ull

struct window_key {
	uint8_t family;
	uint8_t internal[16];
	uint8_t remote[16];
};

struct window {
	struct window *hash_next;
	struct window *fifo_prev, *fifo_next;
	struct window_key key;
	char *rule_id;
	uint64_t hash;
	uint64_t start_ns, end_ns;
	uint64_t folded;
	char *line;			/* the first alert, NULL when not written */
	uint64_t ts_ns;			/* its @timestamp */
	enum syslog_severity sev;
};

struct alerts {
	struct alerts_config cfg;
	struct window **buckets;
	size_t nbuckets;		/* a power of two */
	size_t nwindows;
	uint64_t window_bytes;		/* held by open windows */
	struct window *fifo_head, *fifo_tail;
	uint64_t rate_second;		/* the second rate_count counts */
	uint64_t rate_count;
	struct alerts_stats st;		/* packet thread only */
};

/* A policy severity as a syslog severity (RFC 5424 6.2.1). */
static enum syslog_severity syslog_severity_of(enum severity s)
{
	switch (s) {
	case SEVERITY_CRITICAL:
		return SYSLOG_SEV_CRIT;
	case SEVERITY_HIGH:
		return SYSLOG_SEV_ERR;
	case SEVERITY_MEDIUM:
		return SYSLOG_SEV_WARNING;
	default:
		return SYSLOG_SEV_NOTICE;
	}
}

struct alerts *alerts_new(const struct alerts_config *cfg)
{
	struct alerts *a = calloc(1, sizeof(*a));
	uint64_t want;

	if (!a)
		return NULL;
	a->cfg = *cfg;
	if (!a->cfg.window_memcap)
		a->cfg.window_memcap = ALERTS_DEFAULT_WINDOW_MEMCAP;
	/* Buckets for the windows the cap can hold at ~1.5 KB each. */
	want = a->cfg.window_memcap / 1536;
	a->nbuckets = 16;
	while (a->nbuckets < want && a->nbuckets < (1u << 20))
		a->nbuckets <<= 1;
	a->buckets = calloc(a->nbuckets, sizeof(*a->buckets));
	if (!a->buckets) {
		free(a);
		return NULL;
	}
	return a;
}

static void window_free(struct window *w)
{
	free(w->rule_id);
	free(w->line);
	free(w);
}

void alerts_free(struct alerts *a)
{
	struct window *w, *next;

	if (!a)
		return;
	for (w = a->fifo_head; w; w = next) {
		next = w->fifo_next;
		window_free(w);
	}
	free(a->buckets);
	free(a);
}

/* --- Writing (the writer thread runs alert_job_run) ---------------- */

struct alert_job {
	struct alerts *a;
	char *line;
	size_t len;
	uint64_t ts_ns;
	enum syslog_severity sev;
};

static void alert_job_run(void *ctx, void *data, size_t len)
{
	struct alert_job *j = data;

	(void)ctx;
	(void)len;
	/* Both count their own failures (output_errors, syslog_*). */
	if (j->a->cfg.out)
		output_write(j->a->cfg.out, j->line, j->len);
	if (j->a->cfg.syslog)
		syslog_send(j->a->cfg.syslog, j->sev, j->ts_ns, "alert",
			    j->line, j->len);
	free(j->line);
}

/* Queues line (taking it) for the outputs; false when dropped. */
static bool submit(struct alerts *a, char *line, uint64_t ts_ns,
		   enum syslog_severity sev)
{
	struct alert_job j = {a, line, strlen(line), ts_ns, sev};

	if (!writer_submit(a->cfg.writer, alert_job_run, NULL, &j, sizeof(j))) {
		free(line);
		a->st.alerts_dropped++;
		return false;
	}
	a->st.alerts++;
	return true;
}

static bool emitting(const struct alerts *a)
{
	return a->cfg.out || a->cfg.syslog;
}

/* --- The record ----------------------------------------------------- */

json_t *alerts_record(const struct record_context *ctx, struct flow *f,
		      const struct geo_result *r,
		      const struct policy_rule *rule, const char *server_name,
		      const char *evidence_path)
{
	json_t *rec, *event, *bg, *bflow, *dst;

	flow_community_id_ensure(f);
	rec = record_flow(ctx, f, FLOW_END_NONE);
	record_add_jurisdiction(rec, f, r,
				f->engine ? geo_engine_policy_hash(f->engine)
					  : NULL);
	event = json_object_get(rec, "event");
	json_object_set_new(event, "kind", json_string("alert"));
	json_object_set_new(event, "type", json_pack("[s,s]", "connection",
						     "info"));
	json_object_del(event, "end");
	json_object_del(event, "duration");
	json_object_set_new(event, "severity",
			    json_integer(severity_ecs(rule->severity)));
	json_object_set_new(rec, "rule", json_pack("{s:s,s:s}", "id", rule->id,
						   "name", rule->name ? rule->name
								      : rule->id));
	dst = json_object_get(rec, "destination");
	if (server_name && *server_name)
		json_object_set_new(dst, "domain", json_string(server_name));
	bg = json_object_get(rec, "bergerie");
	bflow = json_object_get(bg, "flow");
	json_object_del(bflow, "end_reason");
	json_object_del(bflow, "interim");
	if (!json_object_size(bflow))
		json_object_del(bg, "flow");
	/* rule.id is where the rule goes in an alert. */
	json_object_del(bg, "rule");
	json_object_set_new(bg, "severity",
			    json_string(severity_name(rule->severity)));
	if (evidence_path)
		json_object_set_new(bg, "evidence",
				    json_pack("{s:s}", "path", evidence_path));
	return rec;
}

/* --- Windows -------------------------------------------------------- */

static void key_of(const struct flow *f, struct window_key *k)
{
	struct geo_addr internal, remote;
	int rs = flow_remote_side(f);

	memset(k, 0, sizeof(*k));
	flow_side_addr(f, rs == 0 ? 1 : 0, &internal);
	flow_side_addr(f, rs < 0 ? 1 : rs, &remote);
	k->family = f->key.family;
	memcpy(k->internal, internal.b, sizeof(k->internal));
	memcpy(k->remote, remote.b, sizeof(k->remote));
}

static uint64_t key_hash(const struct alerts *a, const struct window_key *k,
			 const char *rule_id)
{
	uint8_t buf[sizeof(*k) + 256];
	size_t n = strlen(rule_id);

	if (n > 256)
		n = 256;
	memcpy(buf, k, sizeof(*k));
	memcpy(buf + sizeof(*k), rule_id, n);
	return siphash13(a->cfg.seed, buf, sizeof(*k) + n);
}

static struct window *window_find(struct alerts *a, const struct window_key *k,
				  const char *rule_id, uint64_t h)
{
	struct window *w;

	for (w = a->buckets[h & (a->nbuckets - 1)]; w; w = w->hash_next)
		if (w->hash == h && memcmp(&w->key, k, sizeof(*k)) == 0 &&
		    strcmp(w->rule_id, rule_id) == 0)
			return w;
	return NULL;
}

/* What a window holds, for --alert-window-memcap. */
static uint64_t window_size(const struct window *w)
{
	return sizeof(*w) + strlen(w->rule_id) + 1 +
	       (w->line ? strlen(w->line) + 1 : 0);
}

static void window_unlink(struct alerts *a, struct window *w)
{
	struct window **pp = &a->buckets[w->hash & (a->nbuckets - 1)];

	while (*pp && *pp != w)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = w->hash_next;
	if (w->fifo_prev)
		w->fifo_prev->fifo_next = w->fifo_next;
	else
		a->fifo_head = w->fifo_next;
	if (w->fifo_next)
		w->fifo_next->fifo_prev = w->fifo_prev;
	else
		a->fifo_tail = w->fifo_prev;
	a->nwindows--;
	a->window_bytes -= window_size(w);
}

/* Closes w at end_ns: the closing record when it folded anything. */
static void window_close(struct alerts *a, struct window *w, uint64_t end_ns)
{
	window_unlink(a, w);
	if (w->folded && w->line) {
		json_t *rec = json_loads(w->line, 0, NULL);
		json_t *bg = rec ? json_object_get(rec, "bergerie") : NULL;
		char *line = NULL;

		if (bg) {
			char t0[TIMEFMT_LEN], t1[TIMEFMT_LEN];

			json_object_set_new(rec, "@timestamp",
					    json_string(timefmt_rfc3339(end_ns, t1)));
			json_object_set_new(
				bg, "alert",
				json_pack("{s:I,s:s,s:s}", "folded_count",
					  (json_int_t)w->folded, "window_start",
					  timefmt_rfc3339(w->start_ns, t0),
					  "window_end", t1));
			line = json_dumps(rec, JSON_COMPACT);
		}
		json_decref(rec);
		if (line)
			submit(a, line, end_ns, w->sev);
	}
	window_free(w);
}

void alerts_advance(struct alerts *a, uint64_t now_ns)
{
	while (a->fifo_head && a->fifo_head->end_ns <= now_ns)
		window_close(a, a->fifo_head, a->fifo_head->end_ns);
}

void alerts_finish(struct alerts *a, uint64_t now_ns)
{
	alerts_advance(a, now_ns);
	while (a->fifo_head)
		window_close(a, a->fifo_head, now_ns);
}

static struct window *window_open(struct alerts *a, const struct window_key *k,
				  const char *rule_id, uint64_t h,
				  uint64_t now_ns)
{
	struct window *w;

	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->rule_id = strdup(rule_id);
	if (!w->rule_id) {
		free(w);
		return NULL;
	}
	w->key = *k;
	w->hash = h;
	w->start_ns = now_ns;
	w->end_ns = now_ns + (uint64_t)a->cfg.window_s * NS_PER_S;
	w->hash_next = a->buckets[h & (a->nbuckets - 1)];
	a->buckets[h & (a->nbuckets - 1)] = w;
	w->fifo_prev = a->fifo_tail;
	if (a->fifo_tail)
		a->fifo_tail->fifo_next = w;
	else
		a->fifo_head = w;
	a->fifo_tail = w;
	a->nwindows++;
	a->window_bytes += window_size(w);
	return w;
}

/*
 * Keeps the open windows under --alert-window-memcap: the oldest close
 * early, each with its closing record if it folded anything. The newest
 * window (the one just opened) always stays.
 */
static void windows_trim(struct alerts *a, uint64_t now_ns)
{
	while (a->window_bytes > a->cfg.window_memcap && a->fifo_head &&
	       a->fifo_head != a->fifo_tail) {
		window_close(a, a->fifo_head, now_ns);
		a->st.alert_window_memcap_evictions++;
	}
}

enum alert_outcome alerts_raise(struct alerts *a, struct flow *f,
				const struct geo_result *r,
				const struct policy_rule *rule,
				const char *server_name,
				const char *evidence_path, uint64_t now_ns)
{
	struct window_key k;
	struct window *w = NULL;
	uint64_t h = 0, second = now_ns / NS_PER_S;
	char *line = NULL;

	alerts_advance(a, now_ns);
	if (a->cfg.window_s) {
		key_of(f, &k);
		h = key_hash(a, &k, rule->id);
		w = window_find(a, &k, rule->id, h);
		if (w) {
			w->folded++;
			a->st.alerts_folded++;
			return ALERT_FOLDED;
		}
	}
	if (second != a->rate_second) {
		a->rate_second = second;
		a->rate_count = 0;
	}
	if (a->cfg.rate && a->rate_count >= a->cfg.rate) {
		a->st.alerts_suppressed++;
		return ALERT_SUPPRESSED;
	}
	a->rate_count++;
	if (emitting(a)) {
		struct geo_result rr = *r;
		json_t *rec;

		flow_verdict_reason(f, &rr);
		rec = alerts_record(a->cfg.rctx, f, &rr, rule, server_name,
				    evidence_path);
		pseudonymize_record(a->cfg.pseudonym, rec, f);
		line = json_dumps(rec, JSON_COMPACT);
		json_decref(rec);
	}
	if (a->cfg.window_s) {
		w = window_open(a, &k, rule->id, h, now_ns);
		if (w && line) {
			a->window_bytes -= window_size(w);
			w->line = strdup(line);
			w->ts_ns = f->last_ns;
			w->sev = syslog_severity_of(rule->severity);
			a->window_bytes += window_size(w);
		}
		windows_trim(a, now_ns);
	}
	if (!emitting(a)) {
		a->st.alerts++;
		return ALERT_QUEUED;
	}
	if (!line) {
		a->st.alerts_dropped++;
		return ALERT_DROPPED;
	}
	if (!submit(a, line, f->last_ns, syslog_severity_of(rule->severity)))
		return ALERT_DROPPED;
	return ALERT_QUEUED;
}

void alerts_stats(const struct alerts *a, struct alerts_stats *out)
{
	*out = a->st;
}
