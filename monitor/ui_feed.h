/*
 * ui_feed.h: the dashboard's food, made on the packet thread.
 *
 * Jobs: decide cheaply when a snapshot is due (packet time in a paced
 * replay and live, wall time checked every 1024 packets and on idle ticks
 * otherwise); build it by one walk over the flow table that keeps the top
 * flows of each verdict by bytes (a small heap each) and sums outbound
 * bytes by verdict; classify and name only the flows kept; total what
 * ended flows sent, by verdict, country and operator; keep the latest
 * alerts; hand the snapshot over (ui/snapshot.h, a pointer swap).
 *
 * Outbound bytes are the bytes sent by the home end (CONTRACT.md section
 * 2), counted per packet under the winning verdict of the flows it
 * belongs to, as the summary counts them; "now" is the change since the
 * previous snapshot. Top countries and operators: what ended flows sent,
 * plus the live flows kept.
 *
 * Must never: be called from another thread than the packet thread,
 * allocate while building, or keep a flow pointer past a build.
 */
#ifndef BERGERIE_UI_FEED_H
#define BERGERIE_UI_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "flow.h"
#include "flow_table.h"
#include "geo/verdict.h"
#include "stats.h"

struct geo_result;
struct ui_exchange;

struct ui_feed_config {
	struct ui_exchange *exchange;
	const char *source;		/* "eth0", "office.pcap" */
	bool live;
	double refresh_s;		/* wall seconds between snapshots */
	double speed;			/* replay pace; 0: as fast as possible */
	struct capture *capture;	/* kernel drops (live); may be NULL */
};

struct ui_feed;

struct ui_feed *ui_feed_new(const struct ui_feed_config *cfg);

struct pseudonym;

/* With --pseudonymize, home ends are shown as their pseudonyms. */
void ui_feed_set_pseudonym(struct ui_feed *feed, struct pseudonym *p);
void ui_feed_free(struct ui_feed *feed);

/*
 * Every packet, after its layers joined their flows: counts its outbound
 * bytes under the winning verdict (as report_packet_verdict(): verdict -1
 * when no layer was classified, ip_bytes the outer layer's, home_sent
 * whether a home end sent it), then says whether a snapshot is due.
 */
bool ui_feed_packet(struct ui_feed *feed, int verdict, uint64_t ip_bytes,
		    bool home_sent, uint64_t clock_ns);

/*
 * Whether a snapshot is due at packet time clock_ns. Cheap enough for
 * every packet: a comparison, and the wall clock every 1024 calls or when
 * check_wall (idle ticks, the replay pacer's waits).
 */
bool ui_feed_due(struct ui_feed *feed, uint64_t clock_ns, bool check_wall);

/* Builds and publishes a snapshot (the pipeline calls it when due). */
void ui_feed_build(struct ui_feed *feed, struct flow_table *flows,
		   const struct stats *st, uint64_t clock_ns);

/* A flow ended (not an interim record); r NULL when unclassified. */
void ui_feed_flow_end(struct ui_feed *feed, const struct flow *f,
		      const struct geo_result *r);

/*
 * An alert went out (monitor/alerts.c's decision point). Strings are
 * copied (and cut); any may be NULL. feed may be NULL (no dashboard).
 * internal and remote are text: the remote's server name when known,
 * else its address.
 */
void ui_feed_alert(struct ui_feed *feed, uint64_t ts_ns, const char *rule_id,
		   const char *rule_name, enum severity severity,
		   const char *internal, const char *remote,
		   enum verdict verdict);

/* The same from the decision's own values (the alert decision point:
 * right after alerts_raise()); name may be NULL. */
struct policy_rule;
void ui_feed_alert_flow(struct ui_feed *feed, const struct flow *f,
			const struct geo_result *r,
			const struct policy_rule *rule, const char *name,
			uint64_t ts_ns);

/* The input ended (replay): the next build is the last, marked finished;
 * nothing is built after it. */
void ui_feed_finish(struct ui_feed *feed);

/* Milliseconds the last build took (for -v and the tests). */
double ui_feed_last_build_ms(const struct ui_feed *feed);

#endif
