/* Unit tests: the dashboard's model (ui/model.c), without ncurses:
 * sorting, filtering, selection across snapshots, paging, the verdict
 * bars' proportions, pause, screens, shares and number formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/model.h"
#include "ui/snapshot.h"

#define S 1000000000ull

static struct ui_snapshot *snap_new(void)
{
	struct ui_snapshot *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	return s;
}

static void add(struct ui_snapshot *s, uint64_t id, uint64_t bytes,
		double rate, uint64_t start_s, enum verdict v,
		const char *internal, const char *name, const char *cc,
		const char *op)
{
	struct ui_flow *f = &s->flows[s->nflows++];

	memset(f, 0, sizeof(*f));
	f->id = id;
	f->bytes = bytes;
	f->bytes_out = bytes / 2;
	f->rate_bps = rate;
	f->start_ns = start_s * S;
	f->verdict = v;
	snprintf(f->internal, sizeof(f->internal), "%s", internal);
	snprintf(f->remote, sizeof(f->remote), "203.0.113.%u", (unsigned)id);
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->country, sizeof(f->country), "%s", cc);
	snprintf(f->operator_name, sizeof(f->operator_name), "%s", op);
}

/* Six flows, one per verdict, with distinct bytes, rates and ages. */
static struct ui_snapshot *office(void)
{
	struct ui_snapshot *s = snap_new();

	add(s, 1, 500, 10, 100, VERDICT_LOCAL, "10.1.0.5", "", "", "");
	add(s, 2, 9000, 5, 104, VERDICT_EU, "10.1.0.20", "www.example.fr",
	    "FR", "OVHcloud");
	add(s, 3, 7000, 70, 101, VERDICT_EU_FOREIGN_CONTROL, "10.1.0.21",
	    "s3.eu-west-3.amazonaws.com", "FR", "Amazon Web Services");
	add(s, 4, 3000, 30, 103, VERDICT_ADEQUATE, "10.1.0.22", "ch.example",
	    "CH", "");
	add(s, 5, 12000, 20, 102, VERDICT_THIRD_COUNTRY, "10.1.0.20",
	    "api.example.com", "US", "Cloudflare");
	add(s, 6, 100, 1, 105, VERDICT_UNKNOWN, "10.1.0.30", "", "", "");
	return s;
}

static uint64_t row_id(const struct ui_model *m, size_t i)
{
	const struct ui_flow *f = ui_model_row(m, i);

	assert_non_null(f);
	return f->id;
}

static void assert_order(const struct ui_model *m, const uint64_t *ids,
			 size_t n)
{
	assert_int_equal(m->nview, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(row_id(m, i), ids[i]);
}

static void test_sorting(void **state)
{
	struct ui_snapshot *s = office();
	struct ui_model m;
	static const uint64_t by_bytes[] = {5, 2, 3, 4, 1, 6};
	static const uint64_t by_bytes_rev[] = {6, 1, 4, 3, 2, 5};
	static const uint64_t by_rate[] = {3, 4, 5, 1, 2, 6};
	static const uint64_t by_age[] = {1, 3, 5, 4, 2, 6};
	static const uint64_t by_verdict[] = {5, 6, 4, 3, 2, 1};

	(void)state;
	ui_model_init(&m);
	ui_model_set_snapshot(&m, s);
	assert_order(&m, by_bytes, 6);
	assert_int_equal(ui_model_act(&m, UI_ACT_SORT_BYTES), UI_REACT_REDRAW);
	assert_true(m.reverse);
	assert_order(&m, by_bytes_rev, 6);
	ui_model_act(&m, UI_ACT_SORT_RATE);
	assert_false(m.reverse);
	assert_order(&m, by_rate, 6);
	ui_model_act(&m, UI_ACT_SORT_AGE);
	assert_order(&m, by_age, 6);
	ui_model_act(&m, UI_ACT_SORT_VERDICT);
	assert_order(&m, by_verdict, 6);
	ui_model_act(&m, UI_ACT_SORT_NEXT);
	assert_int_equal(m.sort, UI_SORT_BYTES);
	assert_string_equal(ui_sort_name(UI_SORT_VERDICT), "verdict");
	free(s);
}

static void test_ties_break_on_id(void **state)
{
	struct ui_snapshot *s = snap_new();
	struct ui_model m;
	static const uint64_t want[] = {2, 7, 9};

	(void)state;
	add(s, 9, 100, 0, 1, VERDICT_EU, "a", "", "", "");
	add(s, 2, 100, 0, 1, VERDICT_EU, "b", "", "", "");
	add(s, 7, 100, 0, 1, VERDICT_EU, "c", "", "", "");
	ui_model_init(&m);
	ui_model_set_snapshot(&m, s);
	assert_order(&m, want, 3);
	free(s);
}

static void test_verdict_filter(void **state)
{
	struct ui_snapshot *s = office();
	struct ui_model m;
	static const uint64_t third[] = {5};
	static const uint64_t third_unknown[] = {5, 6};

	(void)state;
	ui_model_init(&m);
	ui_model_set_snapshot(&m, s);
	ui_model_act(&m, (enum ui_action)(UI_ACT_FILTER_V0 + VERDICT_THIRD_COUNTRY));
	assert_order(&m, third, 1);
	ui_model_act(&m, (enum ui_action)(UI_ACT_FILTER_V0 + VERDICT_UNKNOWN));
	assert_order(&m, third_unknown, 2);
	/* Toggling again removes it. */
	ui_model_act(&m, (enum ui_action)(UI_ACT_FILTER_V0 + VERDICT_UNKNOWN));
	assert_order(&m, third, 1);
	ui_model_act(&m, UI_ACT_FILTER_CLEAR);
	assert_int_equal(m.nview, 6);
	assert_int_equal(m.verdict_mask, 0);
	free(s);
}

static void test_text_filter(void **state)
{
	struct ui_snapshot *s = office();
	struct ui_model m;
	static const uint64_t amazon[] = {3};
	static const uint64_t host20[] = {5, 2};
	static const uint64_t fr[] = {2, 3};

	(void)state;
	ui_model_init(&m);
	ui_model_set_snapshot(&m, s);
	assert_int_equal(ui_model_act(&m, UI_ACT_SEARCH), UI_REACT_PROMPT);
	ui_model_set_text(&m, "AMAZON");	/* case-insensitive, operator */
	assert_order(&m, amazon, 1);
	ui_model_set_text(&m, "10.1.0.20");	/* internal host */
	assert_order(&m, host20, 2);
	ui_model_set_text(&m, "third_country");	/* verdict name */
	assert_int_equal(m.nview, 1);
	ui_model_set_text(&m, "203.0.113.6");	/* remote address */
	assert_int_equal(row_id(&m, 0), 6);
	ui_model_set_text(&m, "fr");		/* country and name */
	assert_order(&m, fr, 2);
	/* Text and verdict filters combine. */
	ui_model_toggle_verdict(&m, VERDICT_EU);
	assert_int_equal(m.nview, 1);
	assert_int_equal(row_id(&m, 0), 2);
	ui_model_set_text(&m, "nothing-matches-this");
	assert_int_equal(m.nview, 0);
	assert_null(ui_model_selected(&m));
	assert_int_equal(ui_model_act(&m, UI_ACT_OPEN), UI_REACT_NONE);
	ui_model_set_text(&m, "");
	assert_int_equal(m.nview, 1);
	free(s);
}

static void test_selection_follows_flow(void **state)
{
	struct ui_snapshot *a = office(), *b = office();
	struct ui_model m;

	(void)state;
	ui_model_init(&m);
	ui_model_set_snapshot(&m, a);
	ui_model_act(&m, UI_ACT_DOWN);
	ui_model_act(&m, UI_ACT_DOWN);
	assert_int_equal(ui_model_selected(&m)->id, 3);
	/* Next snapshot: flow 3 grew to the top. */
	b->flows[2].bytes = 50000;
	ui_model_set_snapshot(&m, b);
	assert_int_equal(m.sel, 0);
	assert_int_equal(ui_model_selected(&m)->id, 3);
	/* Flow 3 is gone: the position stays, on another flow. */
	b->flows[2] = b->flows[--b->nflows];
	ui_model_set_snapshot(&m, b);
	assert_int_equal(m.sel, 0);
	assert_int_equal(ui_model_selected(&m)->id, 5);
	/* Up at the top stays there; End goes to the last. */
	ui_model_act(&m, UI_ACT_UP);
	assert_int_equal(m.sel, 0);
	ui_model_act(&m, UI_ACT_END);
	assert_int_equal(m.sel, m.nview - 1);
	ui_model_set_snapshot(&m, NULL);
	assert_int_equal(m.nview, 0);
	free(a);
	free(b);
}

static void test_paging(void **state)
{
	struct ui_snapshot *s = snap_new();
	struct ui_model m;

	(void)state;
	for (uint64_t i = 1; i <= 100; i++)
		add(s, i, 1000 - i, 0, i, VERDICT_EU, "10.0.0.1", "", "", "");
	ui_model_init(&m);
	ui_model_set_snapshot(&m, s);
	ui_model_set_page(&m, 10);
	ui_model_act(&m, UI_ACT_PAGE_DOWN);
	assert_int_equal(m.sel, 10);
	assert_int_equal(m.top, 1);	/* selection on the last visible row */
	ui_model_act(&m, UI_ACT_PAGE_DOWN);
	assert_int_equal(m.sel, 20);
	assert_int_equal(m.top, 11);
	ui_model_act(&m, UI_ACT_PAGE_UP);
	assert_int_equal(m.sel, 10);
	assert_int_equal(m.top, 10);
	ui_model_act(&m, UI_ACT_END);
	assert_int_equal(m.sel, 99);
	assert_int_equal(m.top, 90);
	ui_model_act(&m, UI_ACT_HOME);
	assert_int_equal(m.sel, 0);
	assert_int_equal(m.top, 0);
	/* A smaller terminal: the selection stays visible. */
	ui_model_act(&m, UI_ACT_END);
	ui_model_set_page(&m, 3);
	assert_int_equal(m.top, 97);
	/* The view shrinks under the selection: it is clamped. */
	ui_model_set_text(&m, "nothing");
	assert_int_equal(m.sel, 0);
	assert_int_equal(m.top, 0);
	free(s);
}

static void test_bars(void **state)
{
	(void)state;
	assert_int_equal(ui_bar_eighths(0, 100, 10), 0);
	assert_int_equal(ui_bar_eighths(5, 0, 10), 0);
	assert_int_equal(ui_bar_eighths(100, 100, 10), 80);
	assert_int_equal(ui_bar_eighths(50, 100, 10), 40);
	assert_int_equal(ui_bar_eighths(1, 3, 12), 32);
	/* A tiny non-zero share still shows. */
	assert_int_equal(ui_bar_eighths(1, 1000000, 10), 1);
	assert_int_equal(ui_bar_eighths(200, 100, 10), 80);
	/* Proportions hold: a + b of one total never exceed the width. */
	for (uint64_t a = 0; a <= 1000; a += 37)
		assert_true(ui_bar_eighths(a, 1000, 20) +
				    ui_bar_eighths(1000 - a, 1000, 20) <= 161);
}

static void test_shares(void **state)
{
	uint64_t out[VERDICT_COUNT] = {0};
	struct ui_shares sh;

	(void)state;
	ui_shares_of(out, &sh);
	assert_true(sh.leaving == 0 && sh.unknown == 0);
	out[VERDICT_LOCAL] = 400;
	out[VERDICT_EU] = 100;
	out[VERDICT_EU_FOREIGN_CONTROL] = 200;
	out[VERDICT_ADEQUATE] = 50;
	out[VERDICT_THIRD_COUNTRY] = 150;
	out[VERDICT_UNKNOWN] = 100;
	ui_shares_of(out, &sh);
	/* adequate + third_country only; the other two beside it. */
	assert_true(sh.leaving > 0.1999 && sh.leaving < 0.2001);
	assert_true(sh.foreign_control > 0.1999 && sh.foreign_control < 0.2001);
	assert_true(sh.unknown > 0.0999 && sh.unknown < 0.1001);
}

static void test_pause_and_screens(void **state)
{
	struct ui_snapshot *s = office();
	struct ui_model m;

	(void)state;
	ui_model_init(&m);
	ui_model_set_snapshot(&m, s);
	assert_true(ui_model_wants_snapshot(&m));
	assert_true(ui_model_act(&m, UI_ACT_PAUSE) & UI_REACT_PAUSE);
	assert_true(m.paused);
	assert_false(ui_model_wants_snapshot(&m));
	ui_model_act(&m, UI_ACT_PAUSE);
	assert_true(ui_model_wants_snapshot(&m));

	/* Enter opens the selected flow (a copy) and asks for its chain. */
	ui_model_act(&m, UI_ACT_DOWN);
	assert_int_equal(ui_model_act(&m, UI_ACT_OPEN),
			 UI_REACT_REDRAW | UI_REACT_EXPLAIN);
	assert_int_equal(m.screen, UI_SCREEN_DETAIL);
	assert_int_equal(m.detail.id, 2);
	/* In the detail view, arrows scroll the text, not the list. */
	ui_model_act(&m, UI_ACT_DOWN);
	ui_model_act(&m, UI_ACT_DOWN);
	assert_int_equal(m.detail_scroll, 2);
	assert_int_equal(m.sel, 1);
	ui_model_act(&m, UI_ACT_UP);
	assert_int_equal(m.detail_scroll, 1);
	/* Sorting keys do nothing there. */
	assert_int_equal(ui_model_act(&m, UI_ACT_SORT_AGE), UI_REACT_NONE);
	/* q closes an overlay first, then quits. */
	assert_int_equal(ui_model_act(&m, UI_ACT_QUIT), UI_REACT_REDRAW);
	assert_int_equal(m.screen, UI_SCREEN_MAIN);
	ui_model_act(&m, UI_ACT_HELP);
	assert_int_equal(m.screen, UI_SCREEN_HELP);
	ui_model_act(&m, UI_ACT_HELP);
	assert_int_equal(m.screen, UI_SCREEN_MAIN);
	ui_model_act(&m, UI_ACT_HELP);
	assert_int_equal(ui_model_act(&m, UI_ACT_BACK), UI_REACT_REDRAW);
	assert_int_equal(ui_model_act(&m, UI_ACT_BACK), UI_REACT_NONE);
	assert_false(m.quit);
	assert_int_equal(ui_model_act(&m, UI_ACT_QUIT), UI_REACT_QUIT);
	assert_true(m.quit);
	free(s);
}

static void test_formats(void **state)
{
	char b[UI_FMT_LEN];

	(void)state;
	assert_string_equal(ui_fmt_bytes(0, b), "0B");
	assert_string_equal(ui_fmt_bytes(812, b), "812B");
	assert_string_equal(ui_fmt_bytes(12345, b), "12.3k");
	assert_string_equal(ui_fmt_bytes(4560000, b), "4.56M");
	assert_string_equal(ui_fmt_bytes(999999, b), "1.00M");
	assert_string_equal(ui_fmt_bytes(1200000000000ull, b), "1.20T");
	assert_string_equal(ui_fmt_bits(0, b), "0b/s");
	assert_string_equal(ui_fmt_bits(125000, b), "125kb/s");
	assert_string_equal(ui_fmt_bits(-5, b), "0b/s");
	assert_string_equal(ui_fmt_age(59 * S, b), "59s");
	assert_string_equal(ui_fmt_age(125 * S, b), "2m");
	assert_string_equal(ui_fmt_age(3 * 3600 * S + 5 * 60 * S, b), "3h05");
	assert_string_equal(ui_fmt_age(2 * 86400 * S + 3 * 3600 * S, b), "2d03");
	assert_string_equal(ui_fmt_pct(0.123, b), "12.3%");
	assert_string_equal(ui_fmt_pct(1.0, b), "100%");
	assert_string_equal(ui_fmt_pct(-1, b), "0.0%");
	assert_string_equal(ui_fmt_proto(6, b), "tcp");
	assert_string_equal(ui_fmt_proto(58, b), "ipv6-icmp");
	assert_string_equal(ui_fmt_proto(99, b), "99");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorting),
		cmocka_unit_test(test_ties_break_on_id),
		cmocka_unit_test(test_verdict_filter),
		cmocka_unit_test(test_text_filter),
		cmocka_unit_test(test_selection_follows_flow),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_shares),
		cmocka_unit_test(test_pause_and_screens),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
