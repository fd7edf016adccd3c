/*
 * ui_feed.c: snapshots for the dashboard, built on the packet thread
 * (ui_feed.h says what and when).
 *
 * Cost: per packet, an add and a comparison (ui_feed_packet). Per
 * refresh interval, one sequential walk over the flow table: a few loads
 * and a comparison per flow (a heap operation only for flows that enter
 * a verdict's top); classification, names and address text only for the
 * kept flows (at most UI_SNAP_FLOWS).
 */
#include "ui_feed.h"

#include "pseudonymize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow_verdict.h"
#include "geo/addr.h"
#include "geo/classify.h"
#include "names.h"
#include "ui/snapshot.h"

enum {
	WALL_CHECK_EVERY = 1024,	/* packets between wall-clock looks */
	AGG_SLOTS = 512,		/* countries or operators kept */
};

/* A destination's running total (open addressing on the key). */
struct agg {
	char key[UI_OPERATOR_LEN];
	char extra[3];
	uint8_t verdict;
	bool used;
	uint64_t out;
};

struct agg_table {
	struct agg slot[AGG_SLOTS];
	size_t used;
};

struct heap_entry {
	uint64_t bytes;
	const struct flow *f;
};

/* The top flows of one verdict: a min-heap on bytes. */
struct heap {
	struct heap_entry e[UI_SNAP_PER_VERDICT];
	size_t n;
};

struct rate_mark {
	uint64_t id, bytes;
};

struct ui_feed {
	struct ui_exchange *x;
	struct pseudonym *pseudonym;	/* --pseudonymize: home ends shown so */
	char source[UI_SOURCE_LEN];
	bool live;
	struct capture *capture;
	uint64_t pkt_interval_ns;	/* 0: wall time only */
	uint64_t wall_interval_ns;
	uint64_t next_pkt_ns, next_wall_ns;
	uint32_t calls;
	bool finishing, finished;
	uint64_t seq;

	/* Outbound bytes by verdict, per packet (the summary's figures);
	 * what ended flows sent, by destination. */
	uint64_t out[VERDICT_COUNT];
	struct agg_table ended_countries, ended_operators;

	/* The previous snapshot, for rates and "now". */
	uint64_t prev_clock_ns, prev_packets, prev_frame_bytes;
	uint64_t prev_total[VERDICT_COUNT];
	struct rate_mark marks[UI_SNAP_FLOWS], new_marks[UI_SNAP_FLOWS];
	size_t nmarks;

	/* The latest alerts: a ring, newest at head - 1. */
	struct ui_alert alerts[UI_SNAP_ALERTS];
	size_t alert_head, nalerts;
	uint64_t alerts_total;

	/* Scratch for a build. */
	struct heap heaps[VERDICT_COUNT];
	struct agg_table countries, operators;
	double last_build_ms;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

struct ui_feed *ui_feed_new(const struct ui_feed_config *cfg)
{
	struct ui_feed *feed = calloc(1, sizeof(*feed));
	double refresh = cfg->refresh_s > 0 ? cfg->refresh_s : 1.0;

	if (!feed)
		return NULL;
	feed->x = cfg->exchange;
	copy_str(feed->source, sizeof(feed->source), cfg->source);
	feed->live = cfg->live;
	feed->capture = cfg->capture;
	feed->wall_interval_ns = (uint64_t)(refresh * 1e9);
	/* Live, packet time is wall time; in a paced replay one refresh of
	 * wall time is `speed` refreshes of packet time. As fast as possible,
	 * packet time says nothing about the screen: wall time only. */
	if (cfg->live)
		feed->pkt_interval_ns = feed->wall_interval_ns;
	else if (cfg->speed > 0)
		feed->pkt_interval_ns = (uint64_t)(refresh * cfg->speed * 1e9);
	return feed;
}

void ui_feed_free(struct ui_feed *feed)
{
	free(feed);
}

bool ui_feed_due(struct ui_feed *feed, uint64_t clock_ns, bool check_wall)
{
	if (feed->finished)
		return false;
	if (feed->finishing)
		return true;
	if (feed->pkt_interval_ns && clock_ns >= feed->next_pkt_ns)
		return true;
	if (!check_wall && (++feed->calls % WALL_CHECK_EVERY) != 0)
		return false;
	return mono_ns() >= feed->next_wall_ns;
}

bool ui_feed_packet(struct ui_feed *feed, int verdict, uint64_t ip_bytes,
		    bool home_sent, uint64_t clock_ns)
{
	if (home_sent && verdict >= 0 && verdict < VERDICT_COUNT)
		feed->out[verdict] += ip_bytes;
	return ui_feed_due(feed, clock_ns, false);
}

void ui_feed_finish(struct ui_feed *feed)
{
	if (feed)
		feed->finishing = true;
}

double ui_feed_last_build_ms(const struct ui_feed *feed)
{
	return feed->last_build_ms;
}

/* ---- Destinations ------------------------------------------------------ */

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void agg_add(struct agg_table *t, const char *key, const char *extra,
		    uint64_t out, enum verdict v)
{
	uint32_t h = str_hash(key);

	for (;;) {
		for (size_t i = 0; i < AGG_SLOTS; i++) {
			struct agg *a = &t->slot[(h + i) % AGG_SLOTS];

			if (a->used && strncmp(a->key, key, sizeof(a->key) - 1) == 0) {
				a->out += out;
				a->verdict = (uint8_t)verdict_worst(
					(enum verdict)a->verdict, v);
				return;
			}
			if (!a->used) {
				/* Keep one slot for "(other)". */
				if (t->used + 1 >= AGG_SLOTS &&
				    strcmp(key, "(other)") != 0)
					break;
				a->used = true;
				t->used++;
				copy_str(a->key, sizeof(a->key), key);
				copy_str(a->extra, sizeof(a->extra), extra);
				a->out = out;
				a->verdict = (uint8_t)v;
				return;
			}
		}
		/* Full: the rest goes to one row. */
		key = "(other)";
		extra = "";
		h = str_hash(key);
	}
}

/* One remote end's outbound bytes under its country and operator. */
static void dest_add(struct agg_table *countries, struct agg_table *operators,
		     const struct geo_result *r, uint64_t out)
{
	agg_add(countries, r->country[0] ? r->country : "??", "", out,
		r->verdict);
	if (r->operator_name && *r->operator_name)
		agg_add(operators, r->operator_name, r->controller, out,
			r->verdict);
}

/* The n largest by outbound bytes (ties: key), into top[]. */
static size_t agg_top(const struct agg_table *t, struct ui_top *top, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < AGG_SLOTS; i++) {
		const struct agg *a = &t->slot[i];
		size_t j;

		if (!a->used)
			continue;
		/* Insertion into a sorted array of at most max. */
		for (j = n; j > 0; j--) {
			const struct ui_top *b = &top[j - 1];

			if (b->bytes_out > a->out ||
			    (b->bytes_out == a->out && strcmp(b->key, a->key) < 0))
				break;
			if (j < max)
				top[j] = top[j - 1];
		}
		if (j >= max)
			continue;
		copy_str(top[j].key, sizeof(top[j].key), a->key);
		copy_str(top[j].controller, sizeof(top[j].controller), a->extra);
		top[j].bytes_out = a->out;
		top[j].verdict = (enum verdict)a->verdict;
		if (n < max)
			n++;
	}
	return n;
}

/* ---- Flows --------------------------------------------------------------- */

/* Bytes sent by the home end (CONTRACT.md section 2; as the summary). */
static uint64_t home_bytes_out(const struct flow *f, enum flow_direction d)
{
	switch (d) {
	case FLOW_DIR_OUTBOUND:
		return f->side[0].bytes;
	case FLOW_DIR_INBOUND:
		return f->side[1].bytes;
	case FLOW_DIR_INTERNAL:
		return f->side[0].bytes + f->side[1].bytes;
	default:
		return 0;
	}
}

static void heap_down(struct heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct heap_entry t;

		if (l < h->n && h->e[l].bytes < h->e[m].bytes)
			m = l;
		if (r < h->n && h->e[r].bytes < h->e[m].bytes)
			m = r;
		if (m == i)
			return;
		t = h->e[i];
		h->e[i] = h->e[m];
		h->e[m] = t;
		i = m;
	}
}

static void heap_offer(struct heap *h, uint64_t bytes, const struct flow *f)
{
	if (h->n < UI_SNAP_PER_VERDICT) {
		size_t i = h->n++;

		h->e[i].bytes = bytes;
		h->e[i].f = f;
		while (i > 0 && h->e[(i - 1) / 2].bytes > h->e[i].bytes) {
			struct heap_entry t = h->e[i];

			h->e[i] = h->e[(i - 1) / 2];
			h->e[(i - 1) / 2] = t;
			i = (i - 1) / 2;
		}
		return;
	}
	if (bytes <= h->e[0].bytes)
		return;
	h->e[0].bytes = bytes;
	h->e[0].f = f;
	heap_down(h, 0);
}

/* The walk: every live flow once. */
static void walk_flow(void *ctx, const struct flow *f)
{
	struct ui_feed *feed = ctx;
	enum verdict v;

	if (!f->classified)
		return;
	v = f->verdict < VERDICT_COUNT ? (enum verdict)f->verdict
				       : VERDICT_UNKNOWN;
	heap_offer(&feed->heaps[v], f->side[0].bytes + f->side[1].bytes, f);
}

static int mark_cmp(const void *pa, const void *pb)
{
	const struct rate_mark *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

/* The flow's bytes at the previous snapshot, or false when it is new. */
static bool mark_find(const struct ui_feed *feed, uint64_t id, uint64_t *bytes)
{
	struct rate_mark key = {id, 0};
	const struct rate_mark *m = bsearch(&key, feed->marks, feed->nmarks,
					    sizeof(key), mark_cmp);

	if (!m)
		return false;
	*bytes = m->bytes;
	return true;
}

/* One end of a flow as the screen shows it: with --pseudonymize, a home
 * end appears as its pseudonym, as in every other output (CONTRACT 7). */
static void side_text(const struct ui_feed *feed, const struct flow *f,
		      int side, char *buf, size_t len)
{
	struct geo_addr a;

	if (feed->pseudonym) {
		pseudonymize_side(feed->pseudonym, f, side, buf, len);
		return;
	}
	flow_side_addr(f, side, &a);
	geo_addr_format(&a, buf, len);
}

void ui_feed_set_pseudonym(struct ui_feed *feed, struct pseudonym *p)
{
	if (feed)
		feed->pseudonym = p;
}

static void fill_row(struct ui_feed *feed, struct ui_flow *row,
		     const struct flow *f, uint64_t clock_ns, double interval_s)
{
	enum flow_direction d = flow_direction_of(f);
	int rs = flow_remote_side(f);
	int rside = rs < 0 ? 1 : rs;
	struct geo_result r;
	const char *name;
	uint64_t prev;

	memset(row, 0, sizeof(*row));
	row->id = f->seq + 1;	/* 0 means "none" to the model */
	row->start_ns = f->start_ns;
	row->last_ns = f->last_ns;
	row->bytes = f->side[0].bytes + f->side[1].bytes;
	row->bytes_out = home_bytes_out(f, d);
	row->bytes_in = row->bytes - row->bytes_out;
	row->packets = f->side[0].packets + f->side[1].packets;
	row->proto = f->key.proto;
	row->direction = (uint8_t)d;
	if (f->key.proto == IPPROTO_NUM_TCP || f->key.proto == IPPROTO_NUM_UDP ||
	    f->key.proto == IPPROTO_NUM_SCTP) {
		bool remote_is_a = (rside == 0) == (f->initiator_is_a != 0);

		row->remote_port = remote_is_a ? f->key.aport : f->key.bport;
	}
	if (d != FLOW_DIR_EXTERNAL)
		side_text(feed, f, rs == 0 ? 1 : 0, row->internal,
			  sizeof(row->internal));
	side_text(feed, f, rside, row->remote, sizeof(row->remote));
	name = names_flow_name(f, NULL);
	copy_str(row->name, sizeof(row->name), name);
	row->verdict = f->classified && f->verdict < VERDICT_COUNT
			       ? (enum verdict)f->verdict : VERDICT_UNKNOWN;
	if (flow_verdict_result(f, &r)) {
		row->verdict = r.verdict;
		copy_str(row->country, sizeof(row->country), r.country);
		copy_str(row->controller, sizeof(row->controller), r.controller);
		copy_str(row->operator_name, sizeof(row->operator_name),
			 r.operator_name);
		if (rs >= 0)
			dest_add(&feed->countries, &feed->operators, &r,
				 row->bytes_out);
	}
	if (mark_find(feed, row->id, &prev) && interval_s > 0)
		row->rate_bps = (double)(row->bytes - prev) * 8 / interval_s;
	else {
		/* New since the last snapshot: over its life, at least a
		 * second (a one-packet flow is no line rate). */
		double age = (double)(clock_ns > f->start_ns
					      ? clock_ns - f->start_ns : 0) / 1e9;

		row->rate_bps = (double)row->bytes * 8 / (age > 1 ? age : 1);
	}
}

void ui_feed_build(struct ui_feed *feed, struct flow_table *flows,
		   const struct stats *st, uint64_t clock_ns)
{
	struct ui_snapshot *s = ui_exchange_back(feed->x);
	uint64_t t0 = mono_ns();
	struct flow_table_stats fs;
	size_t n = 0;

	if (feed->finished)
		return;
	s->seq = ++feed->seq;
	copy_str(s->source, sizeof(s->source), feed->source);
	s->live = feed->live;
	s->finished = feed->finishing;
	s->clock_ns = clock_ns;
	s->interval_s = feed->prev_clock_ns && clock_ns > feed->prev_clock_ns
				? (double)(clock_ns - feed->prev_clock_ns) / 1e9
				: 0;
	s->packets = st->packets_read;
	s->frame_bytes = st->frame_bytes;
	if (s->interval_s > 0) {
		s->pps = (double)(st->packets_read - feed->prev_packets) /
			 s->interval_s;
		s->bps = (double)(st->frame_bytes - feed->prev_frame_bytes) * 8 /
			 s->interval_s;
	} else {
		s->pps = s->bps = 0;
	}
	s->kernel_drops = 0;
	if (feed->live && feed->capture) {
		struct capture_stats cs;

		capture_stats(feed->capture, &cs);
		s->kernel_drops = cs.dropped + cs.if_dropped;
	}
	flow_table_stats(flows, &fs);
	s->flows_active = fs.flows_active;

	/* The walk. */
	for (int v = 0; v < VERDICT_COUNT; v++)
		feed->heaps[v].n = 0;
	flow_table_foreach(flows, walk_flow, feed);

	for (int v = 0; v < VERDICT_COUNT; v++) {
		uint64_t total = feed->out[v];

		s->out_total[v] = total;
		s->out_delta[v] = feed->prev_clock_ns && total > feed->prev_total[v]
					  ? total - feed->prev_total[v] : 0;
		feed->prev_total[v] = total;
	}

	/* The kept flows, and the destinations with them. */
	feed->countries = feed->ended_countries;
	feed->operators = feed->ended_operators;
	for (int v = 0; v < VERDICT_COUNT; v++)
		for (size_t i = 0; i < feed->heaps[v].n; i++) {
			struct ui_flow *row = &s->flows[n++];

			fill_row(feed, row, feed->heaps[v].e[i].f, clock_ns,
				 s->interval_s);
			feed->new_marks[n - 1].id = row->id;
			feed->new_marks[n - 1].bytes = row->bytes;
		}
	s->nflows = n;
	qsort(feed->new_marks, n, sizeof(feed->new_marks[0]), mark_cmp);
	memcpy(feed->marks, feed->new_marks, n * sizeof(feed->marks[0]));
	feed->nmarks = n;
	s->ncountries = agg_top(&feed->countries, s->countries, UI_SNAP_TOP);
	s->noperators = agg_top(&feed->operators, s->operators, UI_SNAP_TOP);

	/* Alerts, newest first. */
	s->nalerts = feed->nalerts;
	s->alerts_total = feed->alerts_total;
	for (size_t i = 0; i < feed->nalerts; i++)
		s->alerts[i] = feed->alerts[(feed->alert_head + UI_SNAP_ALERTS -
					     1 - i) % UI_SNAP_ALERTS];

	feed->prev_clock_ns = clock_ns;
	feed->prev_packets = st->packets_read;
	feed->prev_frame_bytes = st->frame_bytes;
	{
		uint64_t now = mono_ns();

		feed->next_wall_ns = now + feed->wall_interval_ns;
		if (feed->pkt_interval_ns)
			feed->next_pkt_ns = clock_ns + feed->pkt_interval_ns;
		feed->last_build_ms = (double)(now - t0) / 1e6;
	}
	if (feed->finishing)
		feed->finished = true;
	ui_exchange_publish(feed->x);
}

void ui_feed_flow_end(struct ui_feed *feed, const struct flow *f,
		      const struct geo_result *r)
{
	if (!feed || !r || !f->classified || flow_remote_side(f) < 0)
		return;
	dest_add(&feed->ended_countries, &feed->ended_operators, r,
		 home_bytes_out(f, flow_direction_of(f)));
}

void ui_feed_alert(struct ui_feed *feed, uint64_t ts_ns, const char *rule_id,
		   const char *rule_name, enum severity severity,
		   const char *internal, const char *remote,
		   enum verdict verdict)
{
	struct ui_alert *a;

	if (!feed)
		return;
	a = &feed->alerts[feed->alert_head];
	feed->alert_head = (feed->alert_head + 1) % UI_SNAP_ALERTS;
	if (feed->nalerts < UI_SNAP_ALERTS)
		feed->nalerts++;
	feed->alerts_total++;
	a->ts_ns = ts_ns;
	copy_str(a->rule_id, sizeof(a->rule_id), rule_id);
	copy_str(a->rule_name, sizeof(a->rule_name), rule_name);
	a->severity = severity;
	copy_str(a->internal, sizeof(a->internal), internal);
	copy_str(a->remote, sizeof(a->remote), remote);
	a->verdict = verdict;
}

void ui_feed_alert_flow(struct ui_feed *feed, const struct flow *f,
			const struct geo_result *r,
			const struct policy_rule *rule, const char *name,
			uint64_t ts_ns)
{
	char internal[UI_ADDR_LEN] = "", remote[UI_ADDR_LEN];
	int rs;

	if (!feed || !f || !r || !rule)
		return;
	rs = flow_remote_side(f);
	if (flow_direction_of(f) != FLOW_DIR_EXTERNAL)
		side_text(feed, f, rs == 0 ? 1 : 0, internal, sizeof(internal));
	side_text(feed, f, rs < 0 ? 1 : rs, remote, sizeof(remote));
	ui_feed_alert(feed, ts_ns, rule->id, rule->name, rule->severity,
		      internal, name && *name ? name : remote, r->verdict);
}
