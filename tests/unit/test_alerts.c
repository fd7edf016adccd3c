/*
 * test_alerts.c: alert records, dedup windows and the rate cap, on a fake
 * clock (the now_ns every call takes).
 *
 * Expected values follow alerts.h by hand: the first alert of a key goes
 * out at once and opens a window [t, t + window); repeats inside it are
 * folded; at the window's end a window that folded anything is closed by
 * one record with folded_count and @timestamp at the end; the end of the
 * run cuts open windows short at the last time; the cap counts alerts a
 * second of packet time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <jansson.h>

#include "geo/classify.h"
#include "geo/policy.h"
#include "monitor/alerts.h"
#include "monitor/output.h"

#define NS 1000000000ULL
#define T0 (1772442000ULL * NS)	/* 2026-03-02T09:00:00Z */
#define AT(s) (T0 + (uint64_t)((s) * (double)NS))

static const struct policy_rule rule_high = {
	.id = "test.third_country", .name = "Data sent to a third country",
	.action = POLICY_FLAG, .severity = SEVERITY_HIGH,
};
static const struct policy_rule rule_low = {
	.id = "test.unknown", .name = "Unknown", .action = POLICY_FLAG,
	.severity = SEVERITY_LOW,
};

struct fixture {
	char path[64];
	struct output *out;
	struct record_context rctx;
	struct alerts *a;
};

static const char *const inputs[] = {"test.pcap"};

static void fixture_open(struct fixture *fx, uint32_t window, uint64_t rate,
			 uint64_t window_memcap)
{
	char err[256];
	struct alerts_config cfg;
	int fd;

	snprintf(fx->path, sizeof(fx->path), "/tmp/test_alerts.XXXXXX");
	fd = mkstemp(fx->path);
	assert_true(fd >= 0);
	close(fd);
	fx->out = output_open(fx->path, err, sizeof(err));
	assert_non_null(fx->out);
	memset(&fx->rctx, 0, sizeof(fx->rctx));
	fx->rctx.observer_hostname = "host";
	fx->rctx.observer_name = "unit";
	fx->rctx.input_names = inputs;
	fx->rctx.ninputs = 1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.window_s = window;
	cfg.rate = rate;
	cfg.window_memcap = window_memcap;
	cfg.out = fx->out;
	cfg.rctx = &fx->rctx;
	fx->a = alerts_new(&cfg);
	assert_non_null(fx->a);
}

/* The records written so far (a JSON array; the caller decrefs). */
static json_t *records(struct fixture *fx)
{
	FILE *f;
	char line[8192];
	json_t *arr = json_array();

	output_flush(fx->out);
	f = fopen(fx->path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		json_error_t e;
		json_t *rec = json_loads(line, 0, &e);

		assert_non_null(rec);
		json_array_append_new(arr, rec);
	}
	fclose(f);
	return arr;
}

static void fixture_close(struct fixture *fx)
{
	char err[256];

	alerts_free(fx->a);
	assert_true(output_close(fx->out, err, sizeof(err)));
	unlink(fx->path);
}

/* An outbound TCP flow home -> remote (dotted quads), at t seconds, with
 * a few packets counted so far. */
static void make_flow(struct flow *f, const char *home, const char *remote,
		      uint16_t sport, double t)
{
	memset(f, 0, sizeof(*f));
	f->key.family = 4;
	f->key.proto = IPPROTO_NUM_TCP;
	assert_int_equal(inet_pton(AF_INET, home, f->key.a.b), 1);
	assert_int_equal(inet_pton(AF_INET, remote, f->key.b.b), 1);
	f->key.aport = sport;
	f->key.bport = 443;
	f->initiator_is_a = 1;
	f->home = 1;
	f->classified = true;
	f->verdict = VERDICT_THIRD_COUNTRY;
	f->start_ns = AT(t) - NS / 10;
	f->last_ns = AT(t);
	f->side[0].packets = 3;
	f->side[0].bytes = 300;
	f->side[0].first_ns = f->start_ns;
	f->side[0].last_ns = f->last_ns;
	f->side[1].packets = 2;
	f->side[1].bytes = 1200;
	f->side[1].first_ns = f->start_ns + NS / 100;
	f->side[1].last_ns = f->last_ns;
}

static void make_result(struct geo_result *r)
{
	memset(r, 0, sizeof(*r));
	r->verdict = VERDICT_THIRD_COUNTRY;
	memcpy(r->country, "US", 3);
	r->asn = 64500;
	snprintf(r->as_org, sizeof(r->as_org), "Example Org");
	snprintf(r->reason, sizeof(r->reason), "test reason");
}

static enum alert_outcome raise_at(struct fixture *fx, const char *home,
				   const char *remote, uint16_t sport,
				   const struct policy_rule *rule, double t)
{
	struct flow f;
	struct geo_result r;

	make_flow(&f, home, remote, sport, t);
	make_result(&r);
	return alerts_raise(fx->a, &f, &r, rule, "api.example.com", NULL,
			    AT(t));
}

static const char *str_at(json_t *rec, const char *path)
{
	json_t *v = rec;
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && v;
	     k = strtok_r(NULL, ".", &save))
		v = json_object_get(v, k);
	return v ? json_string_value(v) : NULL;
}

static json_int_t int_at(json_t *rec, const char *path)
{
	json_t *v = rec;
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && v;
	     k = strtok_r(NULL, ".", &save))
		v = json_object_get(v, k);
	assert_non_null(v);
	return json_integer_value(v);
}

static void test_first_alert_at_once(void **state)
{
	struct fixture fx;
	json_t *recs, *rec;
	struct alerts_stats st;

	(void)state;
	fixture_open(&fx, 60, 0, 0);
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.20", 50000,
				  &rule_high, 10.5),
			 ALERT_QUEUED);
	recs = records(&fx);
	assert_int_equal(json_array_size(recs), 1);
	rec = json_array_get(recs, 0);
	assert_string_equal(str_at(rec, "@timestamp"),
			    "2026-03-02T09:00:10.500000Z");
	assert_string_equal(str_at(rec, "event.kind"), "alert");
	assert_int_equal(int_at(rec, "event.severity"), 73);
	assert_string_equal(str_at(rec, "bergerie.severity"), "high");
	assert_string_equal(str_at(rec, "rule.id"), "test.third_country");
	assert_string_equal(str_at(rec, "rule.name"),
			    "Data sent to a third country");
	assert_string_equal(str_at(rec, "source.ip"), "10.1.0.21");
	assert_int_equal(int_at(rec, "source.packets"), 3);
	assert_int_equal(int_at(rec, "destination.bytes"), 1200);
	assert_string_equal(str_at(rec, "destination.domain"),
			    "api.example.com");
	assert_string_equal(str_at(rec, "destination.geo.country_iso_code"),
			    "US");
	assert_int_equal(int_at(rec, "destination.as.number"), 64500);
	assert_string_equal(str_at(rec, "network.direction"), "outbound");
	assert_string_equal(str_at(rec, "bergerie.verdict"), "third_country");
	assert_string_equal(str_at(rec, "log.file.path"), "test.pcap");
	/* A flow record's end fields have no place in an alert. */
	assert_null(json_object_get(json_object_get(rec, "event"), "end"));
	assert_null(json_object_get(json_object_get(rec, "event"), "duration"));
	assert_null(str_at(rec, "bergerie.flow.end_reason"));
	assert_null(json_object_get(json_object_get(rec, "bergerie"), "rule"));
	assert_null(json_object_get(json_object_get(rec, "bergerie"), "alert"));
	json_decref(recs);
	alerts_stats(fx.a, &st);
	assert_int_equal(st.alerts, 1);
	assert_int_equal(st.alerts_folded, 0);
	fixture_close(&fx);
}

static void test_fold_and_close(void **state)
{
	struct fixture fx;
	json_t *recs, *rec;
	struct alerts_stats st;

	(void)state;
	fixture_open(&fx, 60, 0, 0);
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.20", 50000,
				  &rule_high, 10),
			 ALERT_QUEUED);
	/* Another flow, same host, remote and rule: folded. */
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.20", 50001,
				  &rule_high, 20),
			 ALERT_FOLDED);
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.20", 50002,
				  &rule_high, 69.999),
			 ALERT_FOLDED);
	alerts_advance(fx.a, AT(69.9999));
	recs = records(&fx);
	assert_int_equal(json_array_size(recs), 1);
	json_decref(recs);
	/* The window [10, 70) ends at 70. */
	alerts_advance(fx.a, AT(70));
	recs = records(&fx);
	assert_int_equal(json_array_size(recs), 2);
	rec = json_array_get(recs, 1);
	assert_string_equal(str_at(rec, "@timestamp"),
			    "2026-03-02T09:01:10.000000Z");
	assert_string_equal(str_at(rec, "event.kind"), "alert");
	assert_int_equal(int_at(rec, "bergerie.alert.folded_count"), 2);
	assert_string_equal(str_at(rec, "bergerie.alert.window_start"),
			    "2026-03-02T09:00:10.000000Z");
	assert_string_equal(str_at(rec, "bergerie.alert.window_end"),
			    "2026-03-02T09:01:10.000000Z");
	assert_string_equal(str_at(rec, "rule.id"), "test.third_country");
	json_decref(recs);
	/* After the window, the next one goes out at once. */
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.20", 50003,
				  &rule_high, 71),
			 ALERT_QUEUED);
	recs = records(&fx);
	assert_int_equal(json_array_size(recs), 3);
	assert_null(str_at(json_array_get(recs, 2), "bergerie.alert.window_end"));
	json_decref(recs);
	alerts_stats(fx.a, &st);
	assert_int_equal(st.alerts, 3);
	assert_int_equal(st.alerts_folded, 2);
	fixture_close(&fx);
}

static void test_keys_apart(void **state)
{
	struct fixture fx;
	json_t *recs;

	(void)state;
	fixture_open(&fx, 60, 0, 0);
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.20", 1, &rule_high, 1),
			 ALERT_QUEUED);
	/* Another rule, another remote, another internal host: not folded. */
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.20", 2, &rule_low, 2),
			 ALERT_QUEUED);
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.21", 3, &rule_high, 3),
			 ALERT_QUEUED);
	assert_int_equal(raise_at(&fx, "10.1.0.22", "52.217.100.20", 4, &rule_high, 4),
			 ALERT_QUEUED);
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.20", 5, &rule_high, 5),
			 ALERT_FOLDED);
	recs = records(&fx);
	assert_int_equal(json_array_size(recs), 4);
	json_decref(recs);
	fixture_close(&fx);
}

static void test_quiet_window_closes_silently(void **state)
{
	struct fixture fx;
	json_t *recs;

	(void)state;
	fixture_open(&fx, 60, 0, 0);
	raise_at(&fx, "10.1.0.21", "52.217.100.20", 1, &rule_high, 1);
	alerts_advance(fx.a, AT(500));
	alerts_finish(fx.a, AT(500));
	recs = records(&fx);
	assert_int_equal(json_array_size(recs), 1);
	json_decref(recs);
	fixture_close(&fx);
}

static void test_finish_cuts_window_short(void **state)
{
	struct fixture fx;
	json_t *recs, *rec;

	(void)state;
	fixture_open(&fx, 60, 0, 0);
	raise_at(&fx, "10.1.0.21", "52.217.100.20", 1, &rule_high, 10);
	raise_at(&fx, "10.1.0.21", "52.217.100.20", 2, &rule_high, 20);
	alerts_finish(fx.a, AT(30));
	recs = records(&fx);
	assert_int_equal(json_array_size(recs), 2);
	rec = json_array_get(recs, 1);
	assert_string_equal(str_at(rec, "@timestamp"),
			    "2026-03-02T09:00:30.000000Z");
	assert_int_equal(int_at(rec, "bergerie.alert.folded_count"), 1);
	json_decref(recs);
	fixture_close(&fx);
}

static void test_rate_cap(void **state)
{
	struct fixture fx;
	json_t *recs;
	struct alerts_stats st;
	char remote[32];
	int queued = 0, suppressed = 0;

	(void)state;
	/* No folding, at most 2 a second. */
	fixture_open(&fx, 0, 2, 0);
	for (int i = 0; i < 5; i++) {
		snprintf(remote, sizeof(remote), "52.217.100.%d", i + 1);
		switch (raise_at(&fx, "10.1.0.21", remote, 1, &rule_high,
				 100 + i * 0.1)) {
		case ALERT_QUEUED:
			queued++;
			break;
		case ALERT_SUPPRESSED:
			suppressed++;
			break;
		default:
			fail();
		}
	}
	assert_int_equal(queued, 2);
	assert_int_equal(suppressed, 3);
	/* The next second starts afresh. */
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.9", 1,
				  &rule_high, 101),
			 ALERT_QUEUED);
	/* Without a window the same key is never folded. */
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.9", 2,
				  &rule_high, 101.5),
			 ALERT_QUEUED);
	recs = records(&fx);
	assert_int_equal(json_array_size(recs), 4);
	json_decref(recs);
	alerts_stats(fx.a, &st);
	assert_int_equal(st.alerts, 4);
	assert_int_equal(st.alerts_suppressed, 3);
	fixture_close(&fx);
}

static void test_suppressed_opens_no_window(void **state)
{
	struct fixture fx;

	(void)state;
	fixture_open(&fx, 60, 1, 0);
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.1", 1,
				  &rule_high, 5),
			 ALERT_QUEUED);
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.2", 1,
				  &rule_high, 5.5),
			 ALERT_SUPPRESSED);
	/* Not folded into a window it never opened. */
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.2", 2,
				  &rule_high, 6),
			 ALERT_QUEUED);
	fixture_close(&fx);
}

static void test_window_cap(void **state)
{
	struct fixture fx;
	json_t *recs, *rec;
	struct alerts_stats st;

	(void)state;
	/* A cap of one byte: only the newest window may stay open, so each new
	 * window closes the one before it, early, at the clock. */
	fixture_open(&fx, 60, 0, 1);
	raise_at(&fx, "10.1.0.21", "52.217.100.1", 1, &rule_high, 1);
	raise_at(&fx, "10.1.0.21", "52.217.100.1", 2, &rule_high, 2);
	raise_at(&fx, "10.1.0.21", "52.217.100.2", 3, &rule_high, 3);
	raise_at(&fx, "10.1.0.21", "52.217.100.3", 4, &rule_high, 4);
	recs = records(&fx);
	/* alert 1, the closing of its window (it folded one), alerts 2 and 3;
	 * window 2 folded nothing and closes silently. */
	assert_int_equal(json_array_size(recs), 4);
	rec = json_array_get(recs, 1);
	assert_int_equal(int_at(rec, "bergerie.alert.folded_count"), 1);
	assert_string_equal(str_at(rec, "@timestamp"),
			    "2026-03-02T09:00:03.000000Z");
	json_decref(recs);
	alerts_stats(fx.a, &st);
	assert_int_equal(st.alert_window_memcap_evictions, 2);
	/* The evicted key starts a new window. */
	assert_int_equal(raise_at(&fx, "10.1.0.21", "52.217.100.1", 5,
				  &rule_high, 5),
			 ALERT_QUEUED);
	fixture_close(&fx);
}

static void test_window_cap_holds_many(void **state)
{
	struct fixture fx;
	struct alerts_stats st;
	char remote[32];

	(void)state;
	/* 64 KiB holds a few dozen windows (~1.5 KB each), not 200. */
	fixture_open(&fx, 60, 0, 64 * 1024);
	for (int i = 0; i < 200; i++) {
		snprintf(remote, sizeof(remote), "52.217.%d.%d", i / 250, i % 250 + 1);
		raise_at(&fx, "10.1.0.21", remote, (uint64_t)i + 1, &rule_high,
			 (uint64_t)i + 1);
	}
	alerts_stats(fx.a, &st);
	assert_true(st.alert_window_memcap_evictions > 100);
	assert_true(st.alert_window_memcap_evictions < 200);
	fixture_close(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_alert_at_once),
		cmocka_unit_test(test_fold_and_close),
		cmocka_unit_test(test_keys_apart),
		cmocka_unit_test(test_quiet_window_closes_silently),
		cmocka_unit_test(test_finish_cuts_window_short),
		cmocka_unit_test(test_rate_cap),
		cmocka_unit_test(test_suppressed_opens_no_window),
		cmocka_unit_test(test_window_cap),
		cmocka_unit_test(test_window_cap_holds_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
