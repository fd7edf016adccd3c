/*
 * snapshot.h: what the dashboard shows, as plain values, and the exchange
 * that carries it from the packet thread to the UI thread.
 *
 * A snapshot holds no pointer: strings are copied into fixed buffers and
 * numbers are numbers, so the UI thread can read it while the packet
 * thread changes (or frees) the flows it was built from. The packet thread
 * builds one at most once per refresh interval (monitor/ui_feed.c).
 *
 * The exchange is a triple buffer: the producer fills its own buffer and
 * swaps it with the "ready" one under a mutex; the consumer swaps "ready"
 * with its own when something new is there. Neither side ever waits for
 * the other beyond a pointer swap, so a slow terminal costs redraws, never
 * packets.
 *
 * Must never: hold a pointer into the flow table, the engine or a packet.
 */
#ifndef BERGERIE_UI_SNAPSHOT_H
#define BERGERIE_UI_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "geo/verdict.h"

enum {
	UI_SNAP_PER_VERDICT = 256,	/* flows kept per verdict (top by bytes) */
	UI_SNAP_FLOWS = UI_SNAP_PER_VERDICT * VERDICT_COUNT,
	UI_SNAP_TOP = 16,		/* countries, operators */
	UI_SNAP_ALERTS = 64,
	UI_ADDR_LEN = 46,		/* INET6_ADDRSTRLEN */
	UI_NAME_LEN = 80,		/* server names are cut here */
	UI_OPERATOR_LEN = 48,
	UI_SOURCE_LEN = 96,
	UI_RULE_LEN = 48,
};

/* One flow as the list and the detail view show it. */
struct ui_flow {
	uint64_t id;			/* creation sequence: stable identity */
	uint64_t start_ns, last_ns;
	uint64_t bytes;			/* both directions (IP bytes) */
	uint64_t bytes_out;		/* sent by the home end */
	uint64_t bytes_in;		/* received by the home end */
	uint64_t packets;
	double rate_bps;		/* bits/s over the last interval */
	enum verdict verdict;
	uint8_t proto;			/* IANA number */
	uint8_t direction;		/* enum flow_direction (flow.h) */
	uint16_t remote_port;		/* 0 when none */
	char internal[UI_ADDR_LEN];	/* the home end ("" when none) */
	char remote[UI_ADDR_LEN];	/* the remote end's address */
	char name[UI_NAME_LEN];		/* server name, sanitised; "" */
	char country[3];		/* "" when unknown */
	char controller[3];		/* operator's controlling jurisdiction */
	char operator_name[UI_OPERATOR_LEN];
};

/* A destination (country or operator) by outbound bytes. */
struct ui_top {
	char key[UI_OPERATOR_LEN];	/* "US", "Amazon Web Services" */
	char controller[3];		/* operators: who controls it */
	uint64_t bytes_out;
	enum verdict verdict;		/* the worst seen */
};

struct ui_alert {
	uint64_t ts_ns;			/* packet time of the decision */
	char rule_id[UI_RULE_LEN];
	char rule_name[UI_RULE_LEN];
	enum severity severity;
	char internal[UI_ADDR_LEN];
	char remote[UI_NAME_LEN];	/* name or address */
	enum verdict verdict;
};

struct ui_snapshot {
	uint64_t seq;			/* 1, 2, ... per build */
	char source[UI_SOURCE_LEN];	/* interface or file names */
	bool live;
	bool finished;			/* replay: the end of the input */
	uint64_t clock_ns;		/* the capture's clock */
	double interval_s;		/* packet time since the previous one */
	double pps, bps;		/* over that interval (frames) */
	uint64_t packets, frame_bytes;
	uint64_t kernel_drops;		/* live: kernel + interface drops */
	uint64_t flows_active;
	/* Outbound bytes (sent by home ends) by verdict, since the start,
	 * and over the last interval. */
	uint64_t out_total[VERDICT_COUNT];
	uint64_t out_delta[VERDICT_COUNT];
	size_t ncountries, noperators, nalerts, nflows;
	uint64_t alerts_total;		/* alerts seen since the start */
	struct ui_top countries[UI_SNAP_TOP];
	struct ui_top operators[UI_SNAP_TOP];
	struct ui_alert alerts[UI_SNAP_ALERTS];	/* newest first */
	struct ui_flow flows[UI_SNAP_FLOWS];
};

/*
 * Shares of outbound bytes: leaving the EU (adequate + third_country),
 * eu_foreign_control and unknown, shown beside it, never folded in
 * (CONTRACT.md section 2). Fractions in [0, 1]; 0 when nothing went out.
 */
struct ui_shares {
	double leaving, foreign_control, unknown;
};

void ui_shares_of(const uint64_t out[VERDICT_COUNT], struct ui_shares *s);

/* ---- The exchange ---------------------------------------------------- */

struct ui_exchange;

struct ui_exchange *ui_exchange_new(void);
void ui_exchange_free(struct ui_exchange *x);

/* Producer: the buffer to fill (the producer owns it until publish). */
struct ui_snapshot *ui_exchange_back(struct ui_exchange *x);

/* Producer: makes the filled buffer the newest; a fresh one is the back
 * buffer from now on. */
void ui_exchange_publish(struct ui_exchange *x);

/* Consumer: the newest snapshot if one came since the last call, else
 * NULL. The pointer stays valid (and unchanged) until the next call that
 * returns non-NULL. */
const struct ui_snapshot *ui_exchange_take(struct ui_exchange *x);

/* The sequence of the newest published snapshot (0: none yet). */
uint64_t ui_exchange_published(struct ui_exchange *x);

/* Readable when a snapshot was published and not taken yet (for poll()). */
int ui_exchange_fd(const struct ui_exchange *x);

#endif
