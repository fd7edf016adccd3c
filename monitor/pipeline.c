/*
 * pipeline.c: the packet path, top to bottom.
 *
 * Jobs: keep the clock (packet time; never backwards), decode, count
 * malformations by reason, join later fragments to their first, count ICMP
 * errors toward the flow they quote, update flows, and write a record for
 * every flow that ends. Statistics records on packet time.
 *
 * Time: the clock is the latest packet time seen. A packet older than the
 * clock (several -r files, a reordered capture) is counted in ts_backwards
 * and accounted at the clock's time, so flows never expire early and a
 * flow's end never moves backwards.
 */
#include "pipeline.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "decode.h"
#include "evidence.h"
#include "flow_table.h"
#include "flow_verdict.h"
#include "json_line.h"
#include "names.h"
#include "report.h"
#include "frag_table.h"
#include "packet.h"
#include "pseudonym.h"
#include "pseudonymize.h"
#include "timefmt.h"
#include "ui_feed.h"
#include "writer.h"
#include "geo/policy.h"

enum { FRAG_TIMEOUT_S = 30 };

/* The alert decision point (CONTRACT.md section 7). */
enum {
	DECIDE_CLIENT_PAYLOAD_PACKETS = 10,
};
#define DECIDE_AFTER_NS (5ull * 1000000000ull)

struct pipeline {
	const struct config *cfg;
	struct flow_table *flows;
	struct frag_table *frags;
	struct output *flow_out;
	struct output *metrics_out;
	struct capture *capture;	/* live: libpcap's counters, NULL */
	struct record_context rctx;
	struct stats stats;
	struct report *report;		/* ended flows: the writer thread's */
	struct report *spill;		/* ended flows whose job was dropped
					 * (live, queue full); merged at the
					 * end. NULL until needed. */
	uint64_t clock_ns;
	uint64_t next_metrics_ns;
	struct geo_engine *engine;	/* current; flows hold their own refs */
	struct writer *writer;
	_Atomic uint64_t records_written;	/* counted on the writer thread */
	struct json_line line;			/* the writer thread's buffer */
	json_t *flow_tree;			/* the writer thread's flow record,
						 * refilled per flow (record_fill) */
	struct names *names;			/* server names per flow */
	struct alerts *alerts;
	struct syslog *syslog;			/* for its counters */
	uint32_t fail_on;			/* bit (1 << verdict) */
	struct ui_feed *ui;			/* the dashboard's; NULL: none */
	struct pseudonym *pseudonym;		/* --pseudonymize; NULL: off */
	struct evidence *evidence;		/* --evidence; NULL: off */
	const struct capture_packet *cp;	/* the packet being handled */
	/* The remote end's result when this packet's flow was classified
	 * by this packet (fresh_flow, NULL: none): its alert decision, if
	 * taken now, needs no second look-up. */
	const struct flow *fresh_flow;
	struct geo_result fresh;
	struct packet pkt;	/* reused: decoders fill it per packet */
};

/* Serialises rec and queues the line for out (writer thread). */
static void write_json(struct pipeline *pl, struct output *out, json_t *rec)
{
	char *line = json_dumps(rec, JSON_COMPACT);

	if (line)
		writer_line(pl->writer, out, line, &pl->records_written);
}

/*
 * A flow record is built on the writer thread from a copy of the flow and
 * of its remote end's classification, so JSON costs the packet path
 * nothing but the copy; the report's per-flow tables are counted there
 * too, so an ended flow goes to the writer even without --flows. The job
 * holds its own reference on the engine the classification's strings
 * point into.
 */
struct flow_job {
	struct flow f;
	uint8_t why;
	bool ech;
	bool has_name;			/* name is not NULL (policy match) */
	uint8_t name_source;		/* enum name_source */
	uint16_t dns_off, sni_off;	/* of dns_name and sni in text */
	/* name, dns_name and sni, each "" when none, one after the other;
	 * only the bytes used are queued. */
	char text[3 * (NAME_MAX_LEN + 1)];
};

/* Copies src (NULL: "") to dst, cut at NAME_MAX_LEN; returns the bytes
 * used, its NUL included. */
static size_t put_name(char *dst, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n > NAME_MAX_LEN)
		n = NAME_MAX_LEN;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return n + 1;
}

_Static_assert(sizeof(struct flow_job) <= WRITER_JOB_DATA,
	       "a flow job must fit in a writer slot");

static void flow_job_run(void *ctx, void *data, size_t len)
{
	struct pipeline *pl = ctx;
	struct flow_job *j = data;
	const char *name = j->text, *dns_name = j->text + j->dns_off,
		   *sni = j->text + j->sni_off;
	struct record_fill rf;
	struct geo_result r;
	bool classified = flow_verdict_result(&j->f, &r);

	(void)len;
	/* A reload since the decision (or no rule then): the record names
	 * the rule in force (on_flow_end does it for interim records). */
	if (classified && !j->f.rule && j->why != FLOW_END_ACTIVE_TIMEOUT)
		flow_verdict_match(&j->f, &r, j->has_name ? name : NULL);
	if (j->why != FLOW_END_ACTIVE_TIMEOUT)
		report_flow_end(pl->report, &j->f, classified ? &r : NULL);
	if (!pl->flow_out)
		goto done;
	if (!pl->flow_tree && !(pl->flow_tree = json_object()))
		goto done;
	flow_community_id_ensure(&j->f);
	record_fill_begin(&rf, pl->flow_tree);
	record_fill_flow(&rf, &pl->rctx, &j->f, (enum flow_end_reason)j->why);
	if (classified) {
		flow_verdict_reason(&j->f, &r);
		record_fill_jurisdiction(&rf, &j->f, &r,
					 geo_engine_policy_hash(j->f.engine));
	}
	if (name[0] || sni[0]) {
		struct record_names rn = {
			.name = name[0] ? name : NULL,
			.source = name_source_name((enum name_source)j->name_source),
			.dns_name = dns_name[0] ? dns_name : NULL,
			.sni = sni[0] ? sni : NULL,
			.ech = j->ech,
		};

		record_fill_names(&rf, &rn);
	}
	record_fill_end(&rf);
	/* Home addresses out, after the reason was found on the real ones. */
	pseudonymize_record(pl->pseudonym, pl->flow_tree, &j->f);
	if (json_line_dump(&pl->line, pl->flow_tree) &&
	    output_write(pl->flow_out, pl->line.buf, pl->line.len))
		atomic_fetch_add(&pl->records_written, 1);
done:
	if (j->f.engine)
		geo_engine_unref(j->f.engine);
}

/*
 * The alert decision, once per flow (CONTRACT.md section 7): when the
 * flow's server name becomes known (name_known: names_packet() says so, a
 * DNS name at the first packet included), after the client's first
 * DECIDE_CLIENT_PAYLOAD_PACKETS payload packets or DECIDE_AFTER_NS of
 * packet time, or at the flow's end (at_end), whichever comes first; so a
 * rule allowing a server name can still spare the flow. The policy's
 * first matching rule is kept in f->rule; a flag raises one alert.
 */
static void alert_decide(struct pipeline *pl, struct flow *f, bool name_known,
			 bool at_end)
{
	struct geo_result rbuf;
	const struct geo_result *rp = &rbuf;
	const struct policy_rule *rule;
	const char *name, *evidence = NULL;

	if (f->decided)
		return;
	if (!at_end && !name_known &&
	    f->client_payload_packets < DECIDE_CLIENT_PAYLOAD_PACKETS &&
	    f->last_ns - f->start_ns < DECIDE_AFTER_NS)
		return;
	f->decided = true;
	if (pl->fresh_flow == f)
		rp = &pl->fresh;
	else if (!flow_verdict_result(f, &rbuf))
		return;
	name = names_flow_name(f, NULL);
	rule = flow_verdict_match(f, rp, name);
	if (!rule || rule->action != POLICY_FLAG)
		return;
	pl->stats.flows_flagged++;
	report_flow_flagged(pl->report, rp->verdict);
	if (pl->fail_on & (1u << rp->verdict))
		pl->stats.flows_fail_on++;
	if (pl->evidence) {
		flow_community_id_ensure(f);	/* names the file */
		evidence = evidence_flow_alert(pl->evidence, f);
	}
	if (alerts_raise(pl->alerts, f, rp, rule, name, evidence,
			 pl->clock_ns) != ALERT_QUEUED && evidence)
		evidence_flow_discard(pl->evidence, f);	/* no alert names it */
	ui_feed_alert_flow(pl->ui, f, rp, rule, name, pl->clock_ns);
}

static void on_flow_end(void *ctx, struct flow *f, enum flow_end_reason why)
{
	struct pipeline *pl = ctx;
	struct geo_result r;
	enum name_source src = NAME_SRC_NONE;
	const char *name;

	alert_decide(pl, f, false, why != FLOW_END_ACTIVE_TIMEOUT);
	name = names_flow_name(f, &src);
	/* A reload since the decision: the record names the rule in force.
	 * For a flow that ended the writer matches on its copy (flow_job_run);
	 * an interim record's match stays with the flow that goes on. */
	if (why == FLOW_END_ACTIVE_TIMEOUT && !f->rule &&
	    flow_verdict_result(f, &r))
		flow_verdict_match(f, &r, name);
	if (pl->ui && why != FLOW_END_ACTIVE_TIMEOUT)
		ui_feed_flow_end(pl->ui, f,
				 flow_verdict_result(f, &r) ? &r : NULL);
	/* The record (--flows) and, for a flow that ended, the report: the
	 * writer classifies the remote end once for both. */
	if (pl->flow_out || why != FLOW_END_ACTIVE_TIMEOUT) {
		struct flow_job j;
		size_t used;

		j.f = *f;
		j.f.names = NULL;	/* the writer must not follow it */
		j.why = (uint8_t)why;
		j.name_source = (uint8_t)src;
		used = put_name(j.text, name);
		j.has_name = name != NULL;
		j.dns_off = (uint16_t)used;
		used += put_name(j.text + used, names_flow_dns_name(f));
		j.sni_off = (uint16_t)used;
		used += put_name(j.text + used, names_flow_sni(f));
		j.ech = names_flow_ech(f);
		if (j.f.engine)
			geo_engine_ref(j.f.engine);
		if (!writer_submit(pl->writer, flow_job_run, pl, &j,
				   offsetof(struct flow_job, text) + used)) {
			if (pl->flow_out)
				pl->stats.records_dropped++;
			if (why != FLOW_END_ACTIVE_TIMEOUT && !pl->spill &&
			    (pl->spill = report_new()))
				report_set_pseudonym(pl->spill, pl->pseudonym);
			if (why != FLOW_END_ACTIVE_TIMEOUT && pl->spill)
				report_flow_end(pl->spill, f,
						flow_verdict_result(f, &r) ? &r
									   : NULL);
			if (j.f.engine)
				geo_engine_unref(j.f.engine);
		}
	}
	if (why != FLOW_END_ACTIVE_TIMEOUT) {
		flow_verdict_release(f);
		names_flow_release(pl->names, f);
		if (pl->evidence)
			evidence_flow_end(pl->evidence, f);
	}
}

/*
 * --pseudonymize and --evidence (CONTRACT.md section 7). Together they are
 * a usage error: a pcap would carry the real addresses.
 */
static bool pipeline_open_privacy(struct pipeline *pl, const struct config *cfg,
				  char *err, size_t errlen)
{
	char why[1024];

	if (cfg->pseudonymize_path && cfg->evidence_dir) {
		snprintf(err, errlen, "--evidence with --pseudonymize: the pcap "
			 "files would carry the real addresses");
		return false;
	}
	if (cfg->pseudonymize_path) {
		pl->pseudonym = pseudonym_load(cfg->pseudonymize_path, why,
					       sizeof(why));
		if (!pl->pseudonym) {
			snprintf(err, errlen, "--pseudonymize %s", why);
			return false;
		}
	}
	if (cfg->evidence_dir) {
		struct evidence_config ec = {
			.dir = cfg->evidence_dir,
			.packets = cfg->evidence_packets,
			.memcap = cfg->evidence_memcap,
			.buffer_memcap = cfg->evidence_buffer_memcap,
		};

		if (!cfg->evidence_packets) {
			snprintf(err, errlen, "--evidence-packets: give 1 or more");
			return false;
		}
		pl->evidence = evidence_new(&ec, err, errlen);
		if (!pl->evidence)
			return false;
	}
	return true;
}

void pipeline_set_engine(struct pipeline *pl, struct geo_engine *e)
{
	if (e)
		geo_engine_ref(e);
	if (pl->engine)
		geo_engine_unref(pl->engine);
	pl->engine = e;
}

struct pipeline *pipeline_new(const struct pipeline_setup *setup, char *err,
			      size_t errlen)
{
	const struct config *cfg = setup->cfg;
	struct pipeline *pl = calloc(1, sizeof(*pl));
	struct flow_table_config ftc;

	if (!pl) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pl->cfg = cfg;
	pl->flow_out = setup->flows;
	pl->metrics_out = setup->metrics;
	pl->capture = setup->capture;
	pl->rctx = setup->rctx;
	pl->writer = setup->writer;
	pl->syslog = setup->syslog;
	pl->fail_on = setup->fail_on;
	if (!pipeline_open_privacy(pl, cfg, err, errlen)) {
		free(pl);
		return NULL;
	}
	{
		struct alerts_config ac;

		memset(&ac, 0, sizeof(ac));
		ac.window_s = cfg->alert_window;
		ac.window_memcap = cfg->alert_window_memcap;
		ac.rate = cfg->alert_rate;
		if (ac.rate == CONFIG_ALERT_RATE_AUTO)
			ac.rate = setup->rctx.live ? ALERTS_DEFAULT_RATE_LIVE : 0;
		ac.out = setup->alerts;
		ac.syslog = setup->syslog;
		ac.writer = setup->writer;
		ac.rctx = &pl->rctx;
		ac.pseudonym = pl->pseudonym;
		memcpy(ac.seed, setup->seed, sizeof(ac.seed));
		pl->alerts = alerts_new(&ac);
	}
	{
		struct names_config nc;

		memset(&nc, 0, sizeof(nc));
		nc.dns_cache_memcap = cfg->dns_cache_memcap;
		nc.names_memcap = cfg->names_memcap;
		memcpy(nc.seed, setup->seed, sizeof(nc.seed));
		pl->names = names_new(&nc);
	}
	pl->report = report_new();
	if (pl->report)
		report_set_pseudonym(pl->report, pl->pseudonym);
	if (!pl->report || !pl->names || !pl->alerts) {
		snprintf(err, errlen, "out of memory");
		evidence_free(pl->evidence);
		pseudonym_free(pl->pseudonym);
		report_free(pl->report);
		names_free(pl->names);
		alerts_free(pl->alerts);
		free(pl);
		return NULL;
	}
	if (setup->engine)
		pipeline_set_engine(pl, setup->engine);

	memset(&ftc, 0, sizeof(ftc));
	ftc.memcap = cfg->flow_memcap;
	ftc.timeouts.tcp_idle = cfg->tcp_timeout;
	ftc.timeouts.tcp_syn = cfg->tcp_syn_timeout;
	ftc.timeouts.tcp_linger = cfg->tcp_linger;
	ftc.timeouts.udp = cfg->udp_timeout;
	ftc.timeouts.icmp = cfg->icmp_timeout;
	ftc.timeouts.other = cfg->other_timeout;
	ftc.timeouts.active = cfg->active_timeout;
	memcpy(ftc.seed, setup->seed, sizeof(ftc.seed));
	pl->flows = flow_table_new(&ftc, on_flow_end, pl, err, errlen);
	if (!pl->flows) {
		free(pl);
		return NULL;
	}
	pl->frags = frag_table_new(cfg->frag_memcap, FRAG_TIMEOUT_S, setup->seed);
	if (!pl->frags) {
		snprintf(err, errlen, "--frag-memcap: no room for the fragment table");
		flow_table_free(pl->flows);
		free(pl);
		return NULL;
	}
	return pl;
}

void pipeline_free(struct pipeline *pl)
{
	if (!pl)
		return;
	flow_table_free(pl->flows);
	frag_table_free(pl->frags);
	pipeline_set_engine(pl, NULL);
	report_free(pl->report);
	report_free(pl->spill);
	names_free(pl->names);
	alerts_free(pl->alerts);
	json_line_fini(&pl->line);
	json_decref(pl->flow_tree);
	evidence_free(pl->evidence);
	pseudonym_free(pl->pseudonym);
	free(pl);
}

/* Copies the tables' own counters into the run's statistics. */
static void stats_refresh(struct pipeline *pl)
{
	struct flow_table_stats fs;
	struct frag_table_stats gs;

	flow_table_stats(pl->flows, &fs);
	frag_table_stats(pl->frags, &gs);
	if (pl->engine) {
		struct geo_engine_info gi;

		geo_engine_info(pl->engine, &gi);
		pl->stats.geo_cache_memcap_evictions = gi.cache.memcap_evictions;
	}
	pl->stats.flows_created = fs.flows_created;
	pl->stats.flows_ended = fs.flows_ended;
	pl->stats.flows_interim = fs.flows_interim;
	pl->stats.flow_memcap_evictions = fs.flow_memcap_evictions;
	pl->stats.flows_active = fs.flows_active;
	pl->stats.frag_orphans = gs.frag_orphans;
	pl->stats.frag_memcap_evictions = gs.frag_memcap_evictions;
	pl->stats.records_written = atomic_load(&pl->records_written);
	{
		struct alerts_stats as;
		struct syslog_stats ss;

		alerts_stats(pl->alerts, &as);
#define X(field, help) pl->stats.field = as.field;
		ALERTS_COUNTERS(X)
#undef X
		syslog_stats(pl->syslog, &ss);
#define X(field, help) pl->stats.field = ss.field;
		SYSLOG_COUNTERS(X)
#undef X
	}
	{
		struct names_stats ns;

		names_stats(pl->names, &ns);
#define X(field, help) pl->stats.field = ns.field;
		NAMES_COUNTERS(X)
#undef X
	}
}

const struct stats *pipeline_stats(struct pipeline *pl)
{
	stats_refresh(pl);
	return &pl->stats;
}

/* The policy in force and the databases' build dates (CONTRACT.md 6). */
static void add_engine_info(json_t *bg, const struct geo_engine *e)
{
	struct geo_engine_info gi;
	json_t *db = json_object();
	char t[TIMEFMT_LEN];

	geo_engine_info(e, &gi);
	json_object_set_new(bg, "policy", json_pack("{s:s}", "hash", gi.policy_hash));
	if (gi.country_build_epoch)
		json_object_set_new(db, "country_build",
				    json_string(timefmt_rfc3339(
					    gi.country_build_epoch * 1000000000ull, t)));
	if (gi.asn_build_epoch)
		json_object_set_new(db, "asn_build",
				    json_string(timefmt_rfc3339(
					    gi.asn_build_epoch * 1000000000ull, t)));
	if (json_object_size(db))
		json_object_set_new(bg, "geoip", db);
	else
		json_decref(db);
}

void pipeline_write_metrics(struct pipeline *pl, const struct capture_stats *cs)
{
	json_t *rec, *st, *mal;
	char tbuf[TIMEFMT_LEN];
	struct capture_stats now;

	if (!pl->metrics_out)
		return;
	stats_refresh(pl);
	/* A periodic record (no cs) asks libpcap too, so live drop counts
	 * are current in every record. */
	if (!cs && pl->capture) {
		capture_stats(pl->capture, &now);
		cs = &now;
	}
	if (cs) {
		pl->stats.pcap_received = cs->received;
		pl->stats.pcap_dropped = cs->dropped;
		pl->stats.pcap_if_dropped = cs->if_dropped;
		pl->stats.capture_retries = cs->retries;
	}
	rec = json_object();
	json_object_set_new(rec, "@timestamp",
			    json_string(timefmt_rfc3339(pl->clock_ns, tbuf)));
	json_object_set_new(rec, "event",
			    json_pack("{s:s,s:[s]}", "kind", "metric",
				      "category", "network"));
	json_object_set_new(rec, "observer",
			    json_pack("{s:s,s:s}", "hostname",
				      pl->rctx.observer_hostname, "name",
				      pl->rctx.observer_name));
	st = json_object();
#define X(name, help) \
	json_object_set_new(st, #name, json_integer((json_int_t)pl->stats.name));
	STATS_COUNTERS(X)
#undef X
	mal = json_object();
	for (int a = 1; a < ANOMALY_COUNT; a++)
		if (pl->stats.anomaly[a])
			json_object_set_new(
				mal, decode_anomaly_name((enum decode_anomaly)a),
				json_integer((json_int_t)pl->stats.anomaly[a]));
	json_object_set_new(st, "malformed", mal);
	if (pl->evidence) {
		/* Only with --evidence: other runs' records stay as they were. */
		struct evidence_stats es;

		evidence_stats(pl->evidence, &es);
#define X(name, help) \
	json_object_set_new(st, #name, json_integer((json_int_t)es.name));
		EVIDENCE_COUNTERS(X)
#undef X
	}
	json_object_set_new(rec, "bergerie",
			    json_pack("{s:s,s:o}", "input",
				      pl->rctx.live ? "live" : "pcap", "stats", st));
	if (pl->engine)
		add_engine_info(json_object_get(rec, "bergerie"), pl->engine);
	write_json(pl, pl->metrics_out, rec);
	json_decref(rec);
}

/* Moves the clock forward: flows and statistics records come due. */
static void clock_advance(struct pipeline *pl, uint64_t now)
{
	uint64_t interval = (uint64_t)pl->cfg->stats_interval * 1000000000ull;

	pl->clock_ns = now;
	flow_table_advance(pl->flows, now);
	alerts_advance(pl->alerts, now);
	if (pl->metrics_out && interval) {
		if (!pl->next_metrics_ns)
			pl->next_metrics_ns = now + interval;
		else if (now >= pl->next_metrics_ns) {
			pipeline_write_metrics(pl, NULL);
			pl->next_metrics_ns = now - (now % interval) + interval;
		}
	}
}

/* One IP layer of a packet into its flow. */
/* What one layer of a packet did, for per-verdict totals (CONTRACT.md
 * section 2: each packet counts once, under the winning verdict among
 * the flows it belongs to). */
struct layer_mark {
	int verdict;		/* of the layer's flow; -1: none */
	bool home_sent;		/* sent by a home end of that flow */
};

static void mark_layer(const struct flow *f, int sender,
		       struct layer_mark *m)
{
	bool is_a = (sender == 0) == (f->initiator_is_a != 0);

	m->verdict = f->classified ? f->verdict : -1;
	m->home_sent = f->classified && (f->home & (is_a ? 1 : 2));
}

static void layer_to_flow(struct pipeline *pl, struct packet *pkt, int i,
			  uint16_t input_index, struct layer_mark *m)
{
	struct pkt_layer *l = &pkt->layer[i];
	struct flow *f;
	int side;
	bool name_known;

	m->verdict = -1;
	m->home_sent = false;

	if (l->fragment) {
		if (l->first_fragment) {
			frag_table_learn(pl->frags, l, pl->clock_ns);
		} else if (!frag_table_resolve(pl->frags, l, pl->clock_ns)) {
			pl->stats.packets_no_flow++;
			return;
		}
	}
	/* An ICMP error belongs to the conversation it reports on (CONTRACT.md
	 * section 3), when that flow is known; otherwise it is an ICMP flow. */
	if (l->icmp_error && l->has_quoted) {
		f = flow_table_find_quoted(pl->flows, l, &side);
		if (f) {
			flow_table_count(pl->flows, f, 1 - side, l->ip_bytes,
					 pl->clock_ns);
			pl->stats.icmp_errors_matched++;
			mark_layer(f, 1 - side, m);
			return;
		}
	}
	f = flow_table_packet(pl->flows, l, pl->clock_ns, input_index, &side);
	if (!f) {
		pl->stats.packets_no_flow++;
		return;
	}
	if (flow_verdict_update(f, pl->engine, &pl->fresh))
		pl->fresh_flow = f;
	/* The server name, from DNS answers seen before or the flow's own
	 * first bytes. True when it became known with this packet: the alert
	 * decision (CONTRACT.md section 7) can then be taken. */
	name_known = names_packet(pl->names, f, side, l, pl->clock_ns);
	if (side == 0 && l->payload_len > 0 &&
	    f->client_payload_packets < DECIDE_CLIENT_PAYLOAD_PACKETS)
		f->client_payload_packets++;
	if (pl->evidence && pl->cp)
		evidence_packet(pl->evidence, f, pl->cp);
	alert_decide(pl, f, name_known, false);
	pl->fresh_flow = NULL;
	mark_layer(f, side, m);
	if (i > 0 && flow_is_new(f)) {
		/* A new inner flow: remember the tunnel it came through. */
		const struct pkt_layer *outer = &pkt->layer[i - 1];

		f->outer_src = outer->t.src;
		f->outer_dst = outer->t.dst;
		f->outer_family = outer->t.family;
	}
}

void pipeline_packet(struct pipeline *pl, const struct capture_packet *cp)
{
	struct packet *pkt = &pl->pkt;
	int winner = -1;
	bool home_sent = false;

	if (cp->ts_ns > pl->clock_ns)
		clock_advance(pl, cp->ts_ns);
	else if (cp->ts_ns < pl->clock_ns)
		pl->stats.ts_backwards++;
	report_packet_time(pl->report, cp->ts_ns);

	pl->stats.packets_read++;
	pl->stats.frame_bytes += cp->wirelen;

	pkt->ts_ns = cp->ts_ns;
	pl->cp = cp;
	decode_packet(pkt, cp->linktype, cp->data, cp->caplen, cp->wirelen);
	if (pkt->anomaly != ANOMALY_NONE) {
		pl->stats.packets_malformed++;
		pl->stats.anomaly[pkt->anomaly]++;
	}
	if (pkt->non_ip)
		pl->stats.packets_non_ip++;
	if (pkt->nlayers == 0)
		return;
	pl->stats.packets_decoded++;
	for (int i = 0; i < pkt->nlayers; i++) {
		struct layer_mark m;

		layer_to_flow(pl, pkt, i, cp->input_index, &m);
		if (i == 0)
			home_sent = m.home_sent;
		if (m.verdict >= 0 &&
		    (winner < 0 || verdict_precedence((enum verdict)m.verdict) >
					   verdict_precedence((enum verdict)winner)))
			winner = m.verdict;
	}
	/* IP bytes of the outer layer, as on the wire. */
	report_packet_verdict(pl->report, winner, pkt->layer[0].ip_bytes,
			      home_sent);
	if (pl->ui && ui_feed_packet(pl->ui, winner, pkt->layer[0].ip_bytes,
				     home_sent, pl->clock_ns))
		pipeline_ui_tick(pl, true);
}

void pipeline_idle(struct pipeline *pl, uint64_t wall_ns)
{
	if (wall_ns > pl->clock_ns)
		clock_advance(pl, wall_ns);
	pipeline_ui_tick(pl, false);
}

void pipeline_set_ui(struct pipeline *pl, struct ui_feed *feed)
{
	pl->ui = feed;
	ui_feed_set_pseudonym(feed, pl->pseudonym);
}

void pipeline_ui_tick(struct pipeline *pl, bool due)
{
	if (pl->ui && (due || ui_feed_due(pl->ui, pl->clock_ns, true)))
		ui_feed_build(pl->ui, pl->flows, pipeline_stats(pl),
			      pl->clock_ns);
}

void pipeline_finish(struct pipeline *pl, enum flow_end_reason why,
		     const struct capture_stats *cs)
{
	flow_table_flush(pl->flows, why);
	alerts_finish(pl->alerts, pl->clock_ns);
	/* The last statistics record counts every record before it. */
	writer_sync(pl->writer);
	/* The writer is idle: what syslog could not deliver is known. */
	syslog_drain(pl->syslog);
	if (pl->metrics_out)
		pipeline_write_metrics(pl, cs);
	writer_sync(pl->writer);
	/* The writer is idle: flows it never saw join its report. */
	if (pl->spill) {
		report_merge(pl->report, pl->spill);
		report_free(pl->spill);
		pl->spill = NULL;
	}
	if (cs) {
		pl->stats.pcap_received = cs->received;
		pl->stats.pcap_dropped = cs->dropped;
		pl->stats.pcap_if_dropped = cs->if_dropped;
		pl->stats.capture_retries = cs->retries;
	}
	stats_refresh(pl);
}

void pipeline_print_summary(struct pipeline *pl, FILE *out)
{
	report_print_summary(pl->report, pipeline_stats(pl), pl->engine != NULL,
			     out);
}

struct report *pipeline_report(struct pipeline *pl)
{
	return pl->report;
}

bool pipeline_write_report(struct pipeline *pl, FILE *out)
{
	struct report_meta meta;
	struct geo_engine_info info;

	memset(&meta, 0, sizeof(meta));
	meta.rctx = &pl->rctx;
	if (pl->engine) {
		geo_engine_info(pl->engine, &info);
		meta.engine = &info;
	}
	return report_write_json(pl->report, pipeline_stats(pl), &meta, out);
}

uint64_t pipeline_fail_on_count(struct pipeline *pl)
{
	return pl->stats.flows_fail_on;
}

uint64_t pipeline_clock(const struct pipeline *pl)
{
	return pl->clock_ns;
}
