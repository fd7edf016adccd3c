/*
 * report.c: what a replay did, for people: the summary printed at the end
 * and (issue 4) the --report JSON. Fed one ended flow at a time; every
 * table is bounded (tally.h).
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flow_verdict.h"
#include "tally.h"
#include "timefmt.h"

enum { SUMMARY_ROWS = 4096, SUMMARY_TOP = 10 };

struct report {
	uint64_t first_ns, last_ns;
	uint64_t flows_by_proto[4];	/* tcp, udp, icmp, other */
	uint64_t bytes_by_proto[4];
	uint64_t flows_by_verdict[VERDICT_COUNT];
	uint64_t out_by_verdict[VERDICT_COUNT];	/* bytes sent by home ends */
	struct tally *countries;	/* remote country -> outbound bytes */
	struct tally *operators;	/* operator -> outbound bytes */
	struct tally *senders;		/* home host -> bytes leaving the EU */
	struct tally *services;		/* remote end -> bytes leaving the EU */
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
	sm->out_by_verdict[r->verdict] += out;
	if (rs < 0)
		return;
	tally_add(sm->countries, r->country[0] ? r->country : "(unknown)",
		  NULL, out, f->side[rs].bytes, r->verdict, worse_verdict);
	if (r->operator_name && *r->operator_name)
		tally_add(sm->operators, r->operator_name, r->controller, out,
			  f->side[rs].bytes, r->verdict, worse_verdict);
	if (r->verdict != VERDICT_ADEQUATE && r->verdict != VERDICT_THIRD_COUNTRY)
		return;
	flow_side_addr(f, rs == 0 ? 1 : 0, &a);
	tally_add(sm->senders, geo_addr_format(&a, addr, sizeof(addr)), NULL,
		  out, 0, r->verdict, worse_verdict);
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

void report_flow_end(struct report *rp, const struct flow *f,
		     const struct geo_result *r)
{
	int slot = proto_slot(f->key.proto);

	rp->flows_by_proto[slot]++;
	rp->bytes_by_proto[slot] += f->side[0].bytes + f->side[1].bytes;
	if (r)
		summarise(rp, f, r);
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
		human_bytes(rows[i].bytes_out, b, sizeof(b));
		fprintf(out, "  %-44s %10s  %5" PRIu64 " flows", rows[i].key, b,
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
