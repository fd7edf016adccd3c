/*
 * Unit tests: the dashboard's feed (monitor/ui_feed.c) over a real flow
 * table: the top flows of each verdict kept, outbound bytes per verdict
 * from the packets, rates between snapshots, the alerts ring, the end of
 * a replay, when a snapshot is due; flow_table_foreach; and the walk's
 * cost (BERGERIE_UI_FEED_FLOWS=1000000 measures it on a release build).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "monitor/flow_table.h"
#include "monitor/ui_feed.h"
#include "ui/snapshot.h"

#define NS 1000000000ULL
#define T0 (1772442000ULL * NS)

struct env {
	struct flow_table *t;
	struct ui_exchange *x;
	struct ui_feed *feed;
	struct stats st;
};

static struct pkt_layer udp4(uint32_t src, uint32_t dst, uint16_t sport,
			     uint32_t bytes)
{
	struct pkt_layer l;

	memset(&l, 0, sizeof(l));
	l.t.family = 4;
	l.t.src.b[0] = (uint8_t)(src >> 24);
	l.t.src.b[1] = (uint8_t)(src >> 16);
	l.t.src.b[2] = (uint8_t)(src >> 8);
	l.t.src.b[3] = (uint8_t)src;
	l.t.dst.b[0] = (uint8_t)(dst >> 24);
	l.t.dst.b[1] = (uint8_t)(dst >> 16);
	l.t.dst.b[2] = (uint8_t)(dst >> 8);
	l.t.dst.b[3] = (uint8_t)dst;
	l.t.proto = IPPROTO_NUM_UDP;
	l.t.sport = sport;
	l.t.dport = 443;
	l.has_ports = true;
	l.ip_bytes = bytes;
	return l;
}

/* A flow of `bytes` bytes from 10.x to 198.51.x with verdict v (set by
 * hand: no engine here, as the packet path would after classifying). */
static struct flow *add_flow(struct env *e, uint32_t i, uint32_t bytes,
			     enum verdict v, uint64_t ts)
{
	struct pkt_layer l = udp4(0x0a000000u | i, 0xc6330000u | (i & 0xffff),
				  (uint16_t)(1024 + i % 60000), bytes);
	int side;
	struct flow *f = flow_table_packet(e->t, &l, ts, 0, &side);

	assert_non_null(f);
	f->classified = true;
	f->verdict = (uint8_t)v;
	f->home = f->initiator_is_a ? 1 : 2;
	return f;
}

static void env_init(struct env *e, uint64_t memcap, bool live, double speed)
{
	struct flow_table_config ftc;
	struct ui_feed_config fc;
	char err[256];

	memset(e, 0, sizeof(*e));
	memset(&ftc, 0, sizeof(ftc));
	ftc.memcap = memcap;
	flow_timeouts_default(&ftc.timeouts);
	e->t = flow_table_new(&ftc, NULL, NULL, err, sizeof(err));
	assert_non_null(e->t);
	e->x = ui_exchange_new();
	assert_non_null(e->x);
	memset(&fc, 0, sizeof(fc));
	fc.exchange = e->x;
	fc.source = "test.pcap";
	fc.live = live;
	fc.refresh_s = 1;
	fc.speed = speed;
	e->feed = ui_feed_new(&fc);
	assert_non_null(e->feed);
}

static void env_fini(struct env *e)
{
	ui_feed_free(e->feed);
	ui_exchange_free(e->x);
	flow_table_free(e->t);
}

static void count_flow(void *ctx, const struct flow *f)
{
	(void)f;
	(*(size_t *)ctx)++;
}

static void test_foreach_sees_live_flows_only(void **state)
{
	struct env e;
	size_t n = 0;

	(void)state;
	env_init(&e, 64u << 20, false, 0);
	for (uint32_t i = 0; i < 5000; i++)
		add_flow(&e, i, 100, VERDICT_EU, T0);
	flow_table_foreach(e.t, count_flow, &n);
	assert_int_equal(n, 5000);
	/* 60 s later every UDP flow has ended; the slots are free. */
	flow_table_advance(e.t, T0 + 61 * NS);
	n = 0;
	flow_table_foreach(e.t, count_flow, &n);
	assert_int_equal(n, 0);
	add_flow(&e, 1, 100, VERDICT_EU, T0 + 62 * NS);
	flow_table_foreach(e.t, count_flow, &n);
	assert_int_equal(n, 1);
	env_fini(&e);
}

static void test_top_per_verdict_and_totals(void **state)
{
	struct env e;
	const struct ui_snapshot *s;
	size_t per[VERDICT_COUNT] = {0};
	uint64_t min_third = UINT64_MAX;

	(void)state;
	env_init(&e, 256u << 20, false, 0);
	/* 3000 flows, most of them eu; 10 third_country ones, small. */
	for (uint32_t i = 0; i < 3000; i++)
		add_flow(&e, i, 1000 + i, VERDICT_EU, T0);
	for (uint32_t i = 0; i < 10; i++)
		add_flow(&e, 5000 + i, 50 + i, VERDICT_THIRD_COUNTRY, T0);
	/* Outbound bytes come from the packets, under their verdict. */
	ui_feed_packet(e.feed, VERDICT_EU, 700, true, T0);
	ui_feed_packet(e.feed, VERDICT_THIRD_COUNTRY, 300, true, T0);
	ui_feed_packet(e.feed, VERDICT_THIRD_COUNTRY, 999, false, T0);
	ui_feed_packet(e.feed, -1, 999, true, T0);
	e.st.packets_read = 3010;
	ui_feed_build(e.feed, e.t, &e.st, T0);
	s = ui_exchange_take(e.x);
	assert_non_null(s);
	assert_int_equal(s->seq, 1);
	assert_string_equal(s->source, "test.pcap");
	assert_int_equal(s->flows_active, 3010);
	assert_int_equal(s->out_total[VERDICT_EU], 700);
	assert_int_equal(s->out_total[VERDICT_THIRD_COUNTRY], 300);
	assert_int_equal(s->out_total[VERDICT_UNKNOWN], 0);
	assert_int_equal(s->nflows, UI_SNAP_PER_VERDICT + 10);
	for (size_t i = 0; i < s->nflows; i++) {
		per[s->flows[i].verdict]++;
		if (s->flows[i].verdict == VERDICT_EU)
			/* The biggest eu flows: 1000 + 2744 .. 1000 + 2999. */
			assert_true(s->flows[i].bytes >= 1000 + 3000 -
							 UI_SNAP_PER_VERDICT);
		else
			min_third = s->flows[i].bytes < min_third
					    ? s->flows[i].bytes : min_third;
	}
	/* Every verdict keeps its own top: the small ones are not drowned. */
	assert_int_equal(per[VERDICT_EU], UI_SNAP_PER_VERDICT);
	assert_int_equal(per[VERDICT_THIRD_COUNTRY], 10);
	assert_int_equal(min_third, 50);
	/* Rows carry text, not pointers. */
	assert_true(strncmp(s->flows[0].internal, "10.", 3) == 0);
	assert_true(strncmp(s->flows[0].remote, "198.51.", 7) == 0);
	assert_int_equal(s->flows[0].remote_port, 443);
	env_fini(&e);
}

static void test_rates_and_deltas(void **state)
{
	struct env e;
	const struct ui_snapshot *s;
	struct flow *f;
	int side;
	struct pkt_layer l;

	(void)state;
	env_init(&e, 64u << 20, false, 0);
	f = add_flow(&e, 7, 1000, VERDICT_ADEQUATE, T0);
	ui_feed_packet(e.feed, VERDICT_ADEQUATE, 1000, true, T0);
	e.st.packets_read = 1;
	e.st.frame_bytes = 1014;
	ui_feed_build(e.feed, e.t, &e.st, T0);
	assert_non_null(ui_exchange_take(e.x));
	/* 2 s later: 4000 more bytes in the flow, 2 more packets. */
	l = udp4(0x0a000007u, 0xc6330007u, 1031, 4000);
	assert_ptr_equal(flow_table_packet(e.t, &l, T0 + 2 * NS, 0, &side), f);
	ui_feed_packet(e.feed, VERDICT_ADEQUATE, 4000, true, T0 + 2 * NS);
	e.st.packets_read = 3;
	e.st.frame_bytes = 1014 + 2 * 2014;
	ui_feed_build(e.feed, e.t, &e.st, T0 + 2 * NS);
	s = ui_exchange_take(e.x);
	assert_non_null(s);
	assert_true(s->interval_s > 1.999 && s->interval_s < 2.001);
	assert_true(s->pps > 0.999 && s->pps < 1.001);
	assert_true(s->bps > 2014 * 8 - 1 && s->bps < 2014 * 8 + 1);
	assert_int_equal(s->out_total[VERDICT_ADEQUATE], 5000);
	assert_int_equal(s->out_delta[VERDICT_ADEQUATE], 4000);
	assert_int_equal(s->nflows, 1);
	/* 4000 bytes in 2 s: 16 kb/s. */
	assert_true(s->flows[0].rate_bps > 15999 && s->flows[0].rate_bps < 16001);
	assert_int_equal(s->flows[0].bytes_out, 5000);
	env_fini(&e);
}

static void test_alerts_newest_first(void **state)
{
	struct env e;
	const struct ui_snapshot *s;
	char id[16];

	(void)state;
	env_init(&e, 64u << 20, false, 0);
	ui_feed_alert(NULL, T0, "x", "x", SEVERITY_LOW, "a", "b", VERDICT_EU);
	for (int i = 0; i < UI_SNAP_ALERTS + 5; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		ui_feed_alert(e.feed, T0 + (uint64_t)i * NS, id,
			      "third country transfer", SEVERITY_HIGH,
			      "10.1.0.20", i == 0 ? NULL : "api.example.com",
			      VERDICT_THIRD_COUNTRY);
	}
	ui_feed_build(e.feed, e.t, &e.st, T0 + 100 * NS);
	s = ui_exchange_take(e.x);
	assert_non_null(s);
	assert_int_equal(s->alerts_total, UI_SNAP_ALERTS + 5);
	assert_int_equal(s->nalerts, UI_SNAP_ALERTS);
	snprintf(id, sizeof(id), "r%d", UI_SNAP_ALERTS + 4);
	assert_string_equal(s->alerts[0].rule_id, id);
	assert_string_equal(s->alerts[0].remote, "api.example.com");
	assert_int_equal(s->alerts[0].severity, SEVERITY_HIGH);
	assert_string_equal(s->alerts[UI_SNAP_ALERTS - 1].rule_id, "r5");
	env_fini(&e);
}

static void test_due_and_finish(void **state)
{
	struct env e;

	(void)state;
	/* A paced replay at 10x: one refresh = 10 s of packet time. */
	env_init(&e, 64u << 20, false, 10);
	assert_true(ui_feed_due(e.feed, T0, false));
	ui_feed_build(e.feed, e.t, &e.st, T0);
	assert_false(ui_feed_due(e.feed, T0 + 9 * NS, false));
	assert_true(ui_feed_due(e.feed, T0 + 10 * NS, false));
	ui_feed_build(e.feed, e.t, &e.st, T0 + 10 * NS);
	/* The end: one more build, marked, then nothing. */
	ui_feed_finish(e.feed);
	assert_true(ui_feed_due(e.feed, T0 + 11 * NS, false));
	ui_feed_build(e.feed, e.t, &e.st, T0 + 11 * NS);
	assert_true(ui_exchange_take(e.x)->finished);
	assert_false(ui_feed_due(e.feed, T0 + 100 * NS, true));
	ui_feed_build(e.feed, e.t, &e.st, T0 + 100 * NS);
	assert_int_equal(ui_exchange_published(e.x), 3);
	env_fini(&e);

	/* As fast as possible: packet time says nothing, wall time does. */
	env_init(&e, 64u << 20, false, 0);
	ui_feed_build(e.feed, e.t, &e.st, T0);
	assert_false(ui_feed_due(e.feed, T0 + 1000 * NS, false));
	assert_false(ui_feed_due(e.feed, T0 + 1000 * NS, true));
	env_fini(&e);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The walk's cost: BERGERIE_UI_FEED_FLOWS flows (default 100,000 here,
 * under the sanitizers), printed; a loose bound keeps it honest. */
static void test_walk_cost(void **state)
{
	const char *env = getenv("BERGERIE_UI_FEED_FLOWS");
	uint32_t n = env ? (uint32_t)strtoul(env, NULL, 10) : 100000;
	struct env e;
	double t0, best = 1e9;

	(void)state;
	env_init(&e, (uint64_t)n * 600 + (64u << 20), false, 0);
	for (uint32_t i = 0; i < n; i++)
		add_flow(&e, i, 100 + (i * 2654435761u) % 100000,
			 (enum verdict)(i % VERDICT_COUNT), T0);
	for (int r = 0; r < 5; r++) {
		t0 = now_ms();
		ui_feed_build(e.feed, e.t, &e.st, T0 + (uint64_t)r * NS);
		if (now_ms() - t0 < best)
			best = now_ms() - t0;
		assert_non_null(ui_exchange_take(e.x));
	}
	printf("ui_feed: %u flows, snapshot built in %.2f ms (best of 5)\n", n,
	       best);
	assert_true(best < 2000);
	env_fini(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreach_sees_live_flows_only),
		cmocka_unit_test(test_top_per_verdict_and_totals),
		cmocka_unit_test(test_rates_and_deltas),
		cmocka_unit_test(test_alerts_newest_first),
		cmocka_unit_test(test_due_and_finish),
		cmocka_unit_test(test_walk_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
