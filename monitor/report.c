/*
 * report.c: what a replay did, for people: the summary printed at the end
 * and the --report JSON for auditors (issue 4). Fed every packet's winning
 * verdict (per-verdict byte totals) and one ended flow at a time (flow
 * counts and the tables); every table is bounded (tally.h). Packets and
 * flagged flows are counted on the packet thread, ended flows on the
 * output thread (pipeline.c), in the order they ended; the report is
 * read after both are done.
 *
 * What is counted where (the report's "counting" section says the same):
 *   - per-verdict packets, bytes and outbound bytes: per packet, once,
 *     under the winning verdict among the flows its layers belong to, with
 *     the outer layer's IP bytes; outbound = sent by a home end of the
 *     outer flow (both ends of an internal flow are home);
 *   - per-verdict flows and flagged flows: per flow (a tunnel's inner and
 *     outer flows are flows of their own);
 *   - countries, operators, senders and services: per ended flow, its own
 *     outbound bytes (an inner flow's bytes also travelled in its outer
 *     flow, so those tables may count a tunnelled byte twice).
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "flow_verdict.h"
#include "pseudonymize.h"
#include "geo/classify.h"
#include "record.h"
#include "tally.h"
#include "timefmt.h"

enum { SUMMARY_ROWS = 4096, SUMMARY_TOP = 10 };

struct report {
	uint64_t first_ns, last_ns;
	uint64_t flows_by_proto[4];	/* tcp, udp, icmp, other */
	uint64_t bytes_by_proto[4];
	uint64_t flows_by_verdict[VERDICT_COUNT];
	uint64_t flagged_by_verdict[VERDICT_COUNT];
	/* Per packet, under its winning verdict (report_packet_verdict). */
	uint64_t packets_by_verdict[VERDICT_COUNT];
	uint64_t bytes_by_verdict[VERDICT_COUNT];
	uint64_t out_by_verdict[VERDICT_COUNT];	/* bytes sent by home ends */
	struct tally *countries;	/* remote country -> outbound bytes */
	struct tally *operators;	/* operator -> outbound bytes */
	struct tally *senders;		/* home host -> bytes leaving the EU */
	struct tally *services;		/* remote end -> bytes leaving the EU */
	struct pseudonym *pseudonym;	/* --pseudonymize, NULL: off */
};

static int proto_slot(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_NUM_TCP:
		return 0;
	case IPPROTO_NUM_UDP:
		return 1;
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		return 2;
	default:
		return 3;
	}
}

/* Bytes sent by the home end of a flow (CONTRACT.md section 2). */
static uint64_t home_bytes_out(const struct flow *f)
{
	switch (flow_direction_of(f)) {
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

static int worse_verdict(int a, int b)
{
	return (int)verdict_worst((enum verdict)a, (enum verdict)b);
}

/* Where an ended flow's data went, for the summary. */
static void summarise(struct report *sm, const struct flow *f,
		      const struct geo_result *r)
{
	uint64_t out = home_bytes_out(f);
	int rs = flow_remote_side(f);
	char addr[GEO_ADDR_STRLEN], key[TALLY_KEY_MAX];
	struct geo_addr a;

	sm->flows_by_verdict[r->verdict]++;
	if (rs < 0)
		return;
	tally_add(sm->countries, r->country[0] ? r->country : "(unknown)",
		  NULL, out, f->side[rs].bytes, r->verdict, worse_verdict);
	if (r->operator_name && *r->operator_name)
		tally_add(sm->operators, r->operator_name, r->controller, out,
			  f->side[rs].bytes, r->verdict, worse_verdict);
	if (r->verdict != VERDICT_ADEQUATE && r->verdict != VERDICT_THIRD_COUNTRY)
		return;
	tally_add(sm->senders,
		  pseudonymize_side(sm->pseudonym, f, rs == 0 ? 1 : 0, addr,
				    sizeof(addr)),
		  NULL, out, 0, r->verdict, worse_verdict);
	flow_side_addr(f, rs, &a);
	geo_addr_format(&a, addr, sizeof(addr));
	snprintf(key, sizeof(key), "%s%s%s", addr, r->operator_name ? " " : "",
		 r->operator_name ? r->operator_name : "");
	tally_add(sm->services, key, r->country, out, 0, r->verdict,
		  worse_verdict);
}

struct report *report_new(void)
{
	struct report *rp = calloc(1, sizeof(*rp));

	if (!rp)
		return NULL;
	rp->countries = tally_new(SUMMARY_ROWS);
	rp->operators = tally_new(SUMMARY_ROWS);
	rp->senders = tally_new(SUMMARY_ROWS);
	rp->services = tally_new(SUMMARY_ROWS);
	if (!rp->countries || !rp->operators || !rp->senders || !rp->services) {
		report_free(rp);
		return NULL;
	}
	return rp;
}

void report_set_pseudonym(struct report *rp, struct pseudonym *p)
{
	rp->pseudonym = p;
}

void report_free(struct report *rp)
{
	if (!rp)
		return;
	tally_free(rp->countries);
	tally_free(rp->operators);
	tally_free(rp->senders);
	tally_free(rp->services);
	free(rp);
}

void report_packet_time(struct report *rp, uint64_t ts_ns)
{
	if (!rp->first_ns || ts_ns < rp->first_ns)
		rp->first_ns = ts_ns;
	if (ts_ns > rp->last_ns)
		rp->last_ns = ts_ns;
}

void report_packet_verdict(struct report *rp, int verdict, uint64_t ip_bytes,
			   bool home_sent)
{
	if (verdict < 0 || verdict >= VERDICT_COUNT)
		return;
	rp->packets_by_verdict[verdict]++;
	rp->bytes_by_verdict[verdict] += ip_bytes;
	if (home_sent)
		rp->out_by_verdict[verdict] += ip_bytes;
}

void report_flow_flagged(struct report *rp, enum verdict v)
{
	if ((unsigned)v < VERDICT_COUNT)
		rp->flagged_by_verdict[v]++;
}

void report_flow_end(struct report *rp, const struct flow *f,
		     const struct geo_result *r)
{
	int slot = proto_slot(f->key.proto);

	rp->flows_by_proto[slot]++;
	rp->bytes_by_proto[slot] += f->side[0].bytes + f->side[1].bytes;
	if (r)
		summarise(rp, f, r);
}

void report_merge(struct report *dst, const struct report *src)
{
	if (!dst || !src)
		return;
	if (src->first_ns && (!dst->first_ns || src->first_ns < dst->first_ns))
		dst->first_ns = src->first_ns;
	if (src->last_ns > dst->last_ns)
		dst->last_ns = src->last_ns;
	for (int i = 0; i < 4; i++) {
		dst->flows_by_proto[i] += src->flows_by_proto[i];
		dst->bytes_by_proto[i] += src->bytes_by_proto[i];
	}
	for (int v = 0; v < VERDICT_COUNT; v++) {
		dst->flows_by_verdict[v] += src->flows_by_verdict[v];
		dst->flagged_by_verdict[v] += src->flagged_by_verdict[v];
		dst->packets_by_verdict[v] += src->packets_by_verdict[v];
		dst->bytes_by_verdict[v] += src->bytes_by_verdict[v];
		dst->out_by_verdict[v] += src->out_by_verdict[v];
	}
	tally_merge(dst->countries, src->countries, worse_verdict);
	tally_merge(dst->operators, src->operators, worse_verdict);
	tally_merge(dst->senders, src->senders, worse_verdict);
	tally_merge(dst->services, src->services, worse_verdict);
}

static void human_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)b;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", b);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
}

static void print_top(FILE *out, const char *title, struct tally *t,
		      bool show_in, bool with_verdict)
{
	size_t n;
	struct tally_row *rows = tally_sorted(t, &n);
	char b[32];

	if (!rows || n == 0) {
		free(rows);
		return;
	}
	fprintf(out, "\n%s\n", title);
	for (size_t i = 0; i < n && i < SUMMARY_TOP; i++) {
		char key[48];

		human_bytes(rows[i].bytes_out, b, sizeof(b));
		/* Keep the columns: a long operator or service name is cut,
		 * with "..." saying so (the JSON report has it whole). */
		if (strlen(rows[i].key) > 44)
			snprintf(key, sizeof(key), "%.41s...", rows[i].key);
		else
			snprintf(key, sizeof(key), "%s", rows[i].key);
		fprintf(out, "  %-44s %10s  %5" PRIu64 " flows", key, b,
			rows[i].flows);
		if (rows[i].extra[0])
			fprintf(out, "  %s", rows[i].extra);
		if (with_verdict && rows[i].verdict >= 0)
			fprintf(out, "  %s",
				verdict_name((enum verdict)rows[i].verdict));
		(void)show_in;
		fputc('\n', out);
	}
	if (n > SUMMARY_TOP)
		fprintf(out, "  ... %zu more\n", n - SUMMARY_TOP);
	free(rows);
}

/* "Where the data went": outbound bytes per verdict, in display order
 * (CONTRACT.md section 2), leaving-the-EU beside EU-hosted-foreign and
 * unknown, never folded together. */
static void print_verdicts(const struct report *sm, FILE *out)
{
	uint64_t total = 0, leaving;
	char b[32];

	for (int v = 0; v < VERDICT_COUNT; v++)
		total += sm->out_by_verdict[v];
	fprintf(out, "\nWhere the data went (bytes sent by home hosts):\n");
	for (int v = 0; v < VERDICT_COUNT; v++) {
		human_bytes(sm->out_by_verdict[v], b, sizeof(b));
		fprintf(out, "  %-20s %10s %6.1f%%  %5" PRIu64 " flows\n",
			verdict_name((enum verdict)v), b,
			total ? 100.0 * (double)sm->out_by_verdict[v] / (double)total
			      : 0.0,
			sm->flows_by_verdict[v]);
	}
	leaving = sm->out_by_verdict[VERDICT_ADEQUATE] +
		  sm->out_by_verdict[VERDICT_THIRD_COUNTRY];
	human_bytes(leaving, b, sizeof(b));
	fprintf(out, "Leaving the EU: %s (%.1f%%)", b,
		total ? 100.0 * (double)leaving / (double)total : 0.0);
	human_bytes(sm->out_by_verdict[VERDICT_EU_FOREIGN_CONTROL], b, sizeof(b));
	fprintf(out, "; EU-hosted, foreign-controlled: %s", b);
	human_bytes(sm->out_by_verdict[VERDICT_UNKNOWN], b, sizeof(b));
	fprintf(out, "; unknown: %s\n", b);
	print_top(out, "Top destination countries:", sm->countries, false, true);
	print_top(out, "Top operators (controlling jurisdiction):", sm->operators,
		  false, true);
	print_top(out, "Internal hosts sending most data out of the EU:",
		  sm->senders, false, true);
	print_top(out, "Remote services receiving it:", sm->services, false, true);
}

void report_print_summary(const struct report *rp, const struct stats *s,
			  bool verdicts, FILE *out)
{
	static const char *const names[] = {"TCP", "UDP", "ICMP", "other"};
	char t0[TIMEFMT_LEN], t1[TIMEFMT_LEN], b[32];
	uint64_t flows = 0;

	human_bytes(s->frame_bytes, b, sizeof(b));
	fprintf(out, "Packets: %" PRIu64 " (%s)", s->packets_read, b);
	if (s->packets_read)
		fprintf(out, ", %s to %s",
			timefmt_rfc3339(rp->first_ns, t0),
			timefmt_rfc3339(rp->last_ns, t1));
	fputc('\n', out);
	for (int i = 0; i < 4; i++)
		flows += rp->flows_by_proto[i];
	fprintf(out, "Flows:   %" PRIu64, flows);
	for (int i = 0; i < 4; i++) {
		if (!rp->flows_by_proto[i])
			continue;
		human_bytes(rp->bytes_by_proto[i], b, sizeof(b));
		fprintf(out, "  %s %" PRIu64 " (%s)", names[i],
			rp->flows_by_proto[i], b);
	}
	fputc('\n', out);
	if (s->flow_memcap_evictions)
		fprintf(out, "Evicted: %" PRIu64 " flows at --flow-memcap\n",
			s->flow_memcap_evictions);
	if (s->packets_malformed) {
		fprintf(out, "Malformed: %" PRIu64, s->packets_malformed);
		for (int a = 1; a < ANOMALY_COUNT; a++)
			if (s->anomaly[a])
				fprintf(out, "  %s %" PRIu64,
					decode_anomaly_name((enum decode_anomaly)a),
					s->anomaly[a]);
		fputc('\n', out);
	}
	if (s->packets_non_ip)
		fprintf(out, "Not IP:  %" PRIu64 " frames\n", s->packets_non_ip);
	if (verdicts)
		print_verdicts(rp, out);
}

/* --- The --report document ------------------------------------------ */

static json_t *time_json(uint64_t ns)
{
	char t[TIMEFMT_LEN];

	return json_string(timefmt_rfc3339(ns, t));
}

static void set_verdict(json_t *o, int v)
{
	if (v >= 0)
		json_object_set_new(o, "verdict",
				    json_string(verdict_name((enum verdict)v)));
}

/* A tally as an array of objects: key under key_name, extra under
 * extra_name (omitted when NULL or empty). */
static json_t *tally_json(const struct tally *t, const char *key_name,
			  const char *extra_name, bool with_in)
{
	size_t n;
	struct tally_row *rows = tally_sorted(t, &n);
	json_t *a = json_array();

	for (size_t i = 0; rows && i < n; i++) {
		json_t *o = json_object();

		if (strcmp(rows[i].key, "(unknown)") != 0)
			json_object_set_new(o, key_name, json_string(rows[i].key));
		else
			json_object_set_new(o, "unknown", json_true());
		if (extra_name && rows[i].extra[0])
			json_object_set_new(o, extra_name,
					    json_string(rows[i].extra));
		set_verdict(o, rows[i].verdict);
		json_object_set_new(o, "flows", json_integer((json_int_t)rows[i].flows));
		json_object_set_new(o, "bytes_out",
				    json_integer((json_int_t)rows[i].bytes_out));
		if (with_in)
			json_object_set_new(o, "bytes_in",
					    json_integer((json_int_t)rows[i].bytes_in));
		json_array_append_new(a, o);
	}
	free(rows);
	return a;
}

/* Services are keyed "ADDRESS OPERATOR": split for the document. */
static json_t *services_json(const struct tally *t)
{
	size_t n;
	struct tally_row *rows = tally_sorted(t, &n);
	json_t *a = json_array();

	for (size_t i = 0; rows && i < n; i++) {
		json_t *o = json_object();
		const char *sp = strchr(rows[i].key, ' ');

		if (sp) {
			json_object_set_new(o, "ip",
					    json_stringn(rows[i].key,
							 (size_t)(sp - rows[i].key)));
			if (sp[1])
				json_object_set_new(o, "operator",
						    json_string(sp + 1));
		} else {
			json_object_set_new(o, "ip", json_string(rows[i].key));
		}
		if (rows[i].extra[0])
			json_object_set_new(o, "country",
					    json_string(rows[i].extra));
		set_verdict(o, rows[i].verdict);
		json_object_set_new(o, "flows", json_integer((json_int_t)rows[i].flows));
		json_object_set_new(o, "bytes_out",
				    json_integer((json_int_t)rows[i].bytes_out));
		json_array_append_new(a, o);
	}
	free(rows);
	return a;
}

static json_t *database_json(const char *path, uint64_t epoch)
{
	json_t *o = json_object();

	if (path)
		json_object_set_new(o, "path", json_string(path));
	if (epoch) {
		char t[TIMEFMT_LEN];

		json_object_set_new(o, "build_date",
				    json_string(timefmt_rfc3339(epoch * 1000000000ull,
								t)));
	}
	return o;
}

bool report_write_json(const struct report *rp, const struct stats *s,
		       const struct report_meta *m, FILE *out)
{
	json_t *doc = json_object(), *o, *v;
	uint64_t total_out = 0, flows = 0;
	const struct record_context *rc = m ? m->rctx : NULL;
	const struct geo_engine_info *ei = m ? m->engine : NULL;
	int rc_dump;

	json_object_set_new(doc, "report",
			    json_pack("{s:s,s:s}", "kind",
				      "bergerie data-residency report", "version",
				      BERGERIE_VERSION));
	if (rc) {
		json_t *a = json_array();

		json_object_set_new(doc, "observer",
				    json_pack("{s:s,s:s}", "hostname",
					      rc->observer_hostname, "name",
					      rc->observer_name));
		for (uint16_t i = 0; i < rc->ninputs; i++)
			json_array_append_new(a, json_string(rc->input_names[i]));
		json_object_set_new(doc, "inputs",
				    json_pack("{s:s,s:o}", "type",
					      rc->live ? "live" : "pcap",
					      "names", a));
	}

	o = json_object();
	if (s->packets_read) {
		json_object_set_new(o, "start", time_json(rp->first_ns));
		json_object_set_new(o, "end", time_json(rp->last_ns));
		json_object_set_new(o, "duration_ns",
				    json_integer((json_int_t)(rp->last_ns -
							      rp->first_ns)));
	}
	json_object_set_new(o, "packets", json_integer((json_int_t)s->packets_read));
	json_object_set_new(o, "frame_bytes", json_integer((json_int_t)s->frame_bytes));
	json_object_set_new(doc, "capture", o);

	o = json_object();
	for (int i = 0; i < 4; i++)
		flows += rp->flows_by_proto[i];
	json_object_set_new(o, "total", json_integer((json_int_t)flows));
	{
		static const char *const names[] = {"tcp", "udp", "icmp", "other"};

		for (int i = 0; i < 4; i++)
			json_object_set_new(o, names[i],
					    json_pack("{s:I,s:I}", "flows",
						      (json_int_t)rp->flows_by_proto[i],
						      "bytes",
						      (json_int_t)rp->bytes_by_proto[i]));
	}
	json_object_set_new(doc, "flows", o);

	/* Display order (CONTRACT.md section 2). */
	o = json_object();
	for (int i = 0; i < VERDICT_COUNT; i++) {
		total_out += rp->out_by_verdict[i];
		json_object_set_new(
			o, verdict_name((enum verdict)i),
			json_pack("{s:I,s:I,s:I,s:I,s:I}", "flows",
				  (json_int_t)rp->flows_by_verdict[i],
				  "flagged_flows",
				  (json_int_t)rp->flagged_by_verdict[i], "packets",
				  (json_int_t)rp->packets_by_verdict[i], "bytes",
				  (json_int_t)rp->bytes_by_verdict[i], "bytes_out",
				  (json_int_t)rp->out_by_verdict[i]));
	}
	json_object_set_new(doc, "verdicts", o);

	/* Leaving the EU, with foreign-controlled and unknown beside it,
	 * never folded in. */
	v = json_object();
	json_object_set_new(v, "bytes_out", json_integer((json_int_t)total_out));
	json_object_set_new(
		v, "leaving_eu",
		json_pack("{s:I,s:[s,s]}", "bytes_out",
			  (json_int_t)(rp->out_by_verdict[VERDICT_ADEQUATE] +
				       rp->out_by_verdict[VERDICT_THIRD_COUNTRY]),
			  "verdicts", "adequate", "third_country"));
	json_object_set_new(
		v, "eu_foreign_control",
		json_pack("{s:I}", "bytes_out",
			  (json_int_t)rp->out_by_verdict[VERDICT_EU_FOREIGN_CONTROL]));
	json_object_set_new(v, "unknown",
			    json_pack("{s:I}", "bytes_out",
				      (json_int_t)rp->out_by_verdict[VERDICT_UNKNOWN]));
	json_object_set_new(doc, "outbound", v);

	json_object_set_new(doc, "countries",
			    tally_json(rp->countries, "country", NULL, true));
	json_object_set_new(doc, "operators",
			    tally_json(rp->operators, "operator", "jurisdiction",
				       true));
	json_object_set_new(doc, "senders",
			    tally_json(rp->senders, "ip", NULL, false));
	json_object_set_new(doc, "services", services_json(rp->services));

	o = json_object();
#define X(name, help) \
	json_object_set_new(o, #name, json_integer((json_int_t)s->name));
	STATS_COUNTERS(X)
#undef X
	json_object_set_new(doc, "counters", o);

	if (ei) {
		o = json_object();
		if (ei->policy_hash)
			json_object_set_new(o, "hash", json_string(ei->policy_hash));
		json_object_set_new(o, "path",
				    json_string(ei->policy_path ? ei->policy_path
								: "(built-in)"));
		json_object_set_new(doc, "policy", o);
		o = json_object();
		json_object_set_new(o, "country",
				    database_json(ei->country_db,
						  ei->country_build_epoch));
		json_object_set_new(o, "asn",
				    database_json(ei->asn_db, ei->asn_build_epoch));
		if (ei->zones_version)
			json_object_set_new(o, "zones_version",
					    json_string(ei->zones_version));
		json_object_set_new(doc, "data", o);
	}
	json_object_set_new(
		doc, "counting",
		json_pack("{s:s,s:s,s:s}", "verdicts",
			  "packets, bytes and bytes_out per packet, once, under "
			  "the winning verdict among the flows its layers belong "
			  "to (outer IP bytes); flows and flagged_flows per flow",
			  "bytes_out", "IP bytes sent by a home end",
			  "tables",
			  "per ended flow, its own bytes: a tunnelled byte may "
			  "appear under both its inner and its outer flow"));
	rc_dump = json_dumpf(doc, out, JSON_INDENT(2));
	json_decref(doc);
	if (rc_dump != 0 || fputc('\n', out) == EOF)
		return false;
	return fflush(out) == 0 && !ferror(out);
}
