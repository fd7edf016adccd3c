/*
 * report.h: what a replay did, for people (the summary at the end) and for
 * auditors (--report JSON, issue 4). Everything is bounded.
 */
#ifndef BERGERIE_REPORT_H
#define BERGERIE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "flow.h"
#include "geo/verdict.h"
#include "stats.h"

struct geo_result;
struct report;

struct report *report_new(void);
void report_free(struct report *rp);

/* --pseudonymize: home hosts appear by their pseudonyms (NULL: off). */
struct pseudonym;
void report_set_pseudonym(struct report *rp, struct pseudonym *p);

/* Every packet's time, for the capture's span. */
void report_packet_time(struct report *rp, uint64_t ts_ns);

/*
 * One packet, for per-verdict totals (CONTRACT.md section 2): verdict is
 * the winning verdict (verdict_precedence) among the flows its layers
 * belong to (outer and inner flows of a tunnel), -1 when none was
 * classified; ip_bytes the outer layer's IP bytes; home_sent whether the
 * outer layer's sender is a home end of its flow (outbound bytes). Each
 * packet counts once, so a tunnel's bytes are not counted twice.
 */
void report_packet_verdict(struct report *rp, int verdict, uint64_t ip_bytes,
			   bool home_sent);

/* A flow the policy flagged at its alert decision. */
void report_flow_flagged(struct report *rp, enum verdict v);

/* An ended flow (not interim records); r is NULL when unclassified. */
void report_flow_end(struct report *rp, const struct flow *f,
		     const struct geo_result *r);

/* Adds what src counted to dst (src: flows the output thread never saw,
 * its queue being full live). */
void report_merge(struct report *dst, const struct report *src);

struct record_context;
struct geo_engine_info;

/* What the JSON report says about the run besides the counts. */
struct report_meta {
	const struct record_context *rctx;	/* observer, inputs */
	const struct geo_engine_info *engine;	/* NULL: no engine */
};

/*
 * The --report document (one JSON object, indented, then a newline): the
 * capture's time span; per verdict flows, flagged flows, packets, IP bytes
 * and outbound bytes; leaving the EU (adequate + third_country) with
 * eu_foreign_control and unknown beside it; per destination country, per
 * operator with its controlling jurisdiction, the home hosts sending most
 * out of the EU and the remote services receiving it; the counters; the
 * policy hash and the databases' build dates. False on a write error.
 */
bool report_write_json(const struct report *rp, const struct stats *s,
		       const struct report_meta *m, FILE *out);

/* The human summary: packets, flows, and with verdicts where the data
 * went (per verdict, country, operator, sending host, remote service). */
void report_print_summary(const struct report *rp, const struct stats *s,
			  bool verdicts, FILE *out);

#endif
