/*
 * model.c: the dashboard's state and what actions do to it (model.h).
 *
 * Jobs: filter and sort the snapshot's flows into the view, keep the
 * selection on its flow across snapshots and on the visible page, switch
 * screens, pause; bar lengths and human-readable numbers.
 * Must never: include curses or read the clock.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *ui_sort_name(enum ui_sort s)
{
	static const char *const names[UI_SORT_COUNT] = {"bytes", "rate", "age",
							 "verdict"};

	return (unsigned)s < UI_SORT_COUNT ? names[s] : "?";
}

void ui_model_init(struct ui_model *m)
{
	memset(m, 0, sizeof(*m));
	m->page = 10;
}

bool ui_model_wants_snapshot(const struct ui_model *m)
{
	return !m->paused;
}

const struct ui_flow *ui_model_row(const struct ui_model *m, size_t i)
{
	if (!m->snap || i >= m->nview)
		return NULL;
	return &m->snap->flows[m->view[i]];
}

const struct ui_flow *ui_model_selected(const struct ui_model *m)
{
	return ui_model_row(m, m->sel);
}

/* Case-insensitive substring; needle is not empty. */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

bool ui_model_matches(const struct ui_model *m, const struct ui_flow *f)
{
	if (m->verdict_mask && !(m->verdict_mask & (1u << f->verdict)))
		return false;
	if (!m->text[0])
		return true;
	return contains(f->internal, m->text) || contains(f->remote, m->text) ||
	       contains(f->name, m->text) || contains(f->country, m->text) ||
	       contains(f->operator_name, m->text) ||
	       contains(verdict_name(f->verdict), m->text);
}

/* qsort has no context argument: the sort in force for the comparator.
 * Only the UI thread sorts. */
static const struct ui_model *sorting;

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct ui_flow *a = &sorting->snap->flows[*(const uint16_t *)pa];
	const struct ui_flow *b = &sorting->snap->flows[*(const uint16_t *)pb];
	int c = 0;

	switch (sorting->sort) {
	case UI_SORT_BYTES:
		c = cmp_u64_desc(a->bytes, b->bytes);
		break;
	case UI_SORT_RATE:
		c = a->rate_bps > b->rate_bps ? -1 : a->rate_bps < b->rate_bps;
		break;
	case UI_SORT_AGE:	/* oldest first: earliest start */
		c = -cmp_u64_desc(a->start_ns, b->start_ns);
		break;
	case UI_SORT_VERDICT:
		c = verdict_precedence(b->verdict) - verdict_precedence(a->verdict);
		if (!c)
			c = cmp_u64_desc(a->bytes, b->bytes);
		break;
	case UI_SORT_COUNT:
		break;
	}
	if (sorting->reverse)
		c = -c;
	if (!c)		/* stable whatever the snapshot's order */
		c = a->id < b->id ? -1 : a->id > b->id;
	return c;
}

/* Keeps the selection on the page: top <= sel < top + page. */
static void scroll_fix(struct ui_model *m)
{
	size_t page = m->page ? m->page : 1;

	if (m->nview == 0) {
		m->sel = m->top = 0;
		return;
	}
	if (m->sel >= m->nview)
		m->sel = m->nview - 1;
	if (m->sel < m->top)
		m->top = m->sel;
	if (m->sel >= m->top + page)
		m->top = m->sel - page + 1;
	if (m->top + page > m->nview)
		m->top = m->nview > page ? m->nview - page : 0;
	m->sel_id = ui_model_selected(m)->id;
}

static void view_rebuild(struct ui_model *m)
{
	const struct ui_snapshot *s = m->snap;
	size_t n = 0;

	m->nview = 0;
	if (!s)
		return;
	for (size_t i = 0; i < s->nflows && i < UI_SNAP_FLOWS; i++)
		if (ui_model_matches(m, &s->flows[i]))
			m->view[n++] = (uint16_t)i;
	m->nview = n;
	sorting = m;
	qsort(m->view, n, sizeof(m->view[0]), row_cmp);
	sorting = NULL;
	/* Follow the selected flow; if it went, keep the position. */
	if (m->sel_id) {
		for (size_t i = 0; i < n; i++)
			if (s->flows[m->view[i]].id == m->sel_id) {
				m->sel = i;
				break;
			}
	}
	scroll_fix(m);
}

void ui_model_set_snapshot(struct ui_model *m, const struct ui_snapshot *s)
{
	m->snap = s;
	view_rebuild(m);
}

void ui_model_set_page(struct ui_model *m, size_t rows)
{
	m->page = rows ? rows : 1;
	scroll_fix(m);
}

void ui_model_set_text(struct ui_model *m, const char *text)
{
	snprintf(m->text, sizeof(m->text), "%s", text ? text : "");
	m->sel = m->top = 0;
	m->sel_id = 0;
	view_rebuild(m);
}

void ui_model_toggle_verdict(struct ui_model *m, enum verdict v)
{
	if ((unsigned)v >= VERDICT_COUNT)
		return;
	m->verdict_mask ^= 1u << v;
	view_rebuild(m);
}

static void move_sel(struct ui_model *m, long delta)
{
	long sel = (long)m->sel + delta;

	if (m->nview == 0)
		return;
	if (sel < 0)
		sel = 0;
	if (sel >= (long)m->nview)
		sel = (long)m->nview - 1;
	m->sel = (size_t)sel;
	scroll_fix(m);
}

static unsigned set_sort(struct ui_model *m, enum ui_sort s)
{
	if (m->sort == s) {
		m->reverse = !m->reverse;
	} else {
		m->sort = s;
		m->reverse = false;
	}
	view_rebuild(m);
	return UI_REACT_REDRAW;
}

/* Up and down in the detail screen scroll its text. */
static unsigned detail_act(struct ui_model *m, enum ui_action a)
{
	size_t page = m->page ? m->page : 1;

	switch (a) {
	case UI_ACT_UP:
		if (m->detail_scroll)
			m->detail_scroll--;
		return UI_REACT_REDRAW;
	case UI_ACT_DOWN:
		m->detail_scroll++;
		return UI_REACT_REDRAW;
	case UI_ACT_PAGE_UP:
		m->detail_scroll = m->detail_scroll > page ? m->detail_scroll - page : 0;
		return UI_REACT_REDRAW;
	case UI_ACT_PAGE_DOWN:
		m->detail_scroll += page;
		return UI_REACT_REDRAW;
	case UI_ACT_HOME:
		m->detail_scroll = 0;
		return UI_REACT_REDRAW;
	default:
		return UI_REACT_NONE;
	}
}

unsigned ui_model_act(struct ui_model *m, enum ui_action a)
{
	size_t page = m->page ? m->page : 1;

	/* Keys common to every screen. */
	switch (a) {
	case UI_ACT_QUIT:
		if (m->screen != UI_SCREEN_MAIN) {
			m->screen = UI_SCREEN_MAIN;
			return UI_REACT_REDRAW;
		}
		m->quit = true;
		return UI_REACT_QUIT;
	case UI_ACT_BACK:
		if (m->screen == UI_SCREEN_MAIN)
			return UI_REACT_NONE;
		m->screen = UI_SCREEN_MAIN;
		return UI_REACT_REDRAW;
	case UI_ACT_HELP:
		m->screen = m->screen == UI_SCREEN_HELP ? UI_SCREEN_MAIN
							: UI_SCREEN_HELP;
		return UI_REACT_REDRAW;
	case UI_ACT_PAUSE:
		m->paused = !m->paused;
		return UI_REACT_REDRAW | UI_REACT_PAUSE;
	case UI_ACT_REDRAW:
		return UI_REACT_REDRAW | UI_REACT_CLEAR;
	default:
		break;
	}
	if (m->screen == UI_SCREEN_DETAIL)
		return detail_act(m, a);
	if (m->screen != UI_SCREEN_MAIN)
		return UI_REACT_NONE;

	if (a >= UI_ACT_FILTER_V0 && a <= UI_ACT_FILTER_V5) {
		ui_model_toggle_verdict(m, (enum verdict)(a - UI_ACT_FILTER_V0));
		return UI_REACT_REDRAW;
	}
	switch (a) {
	case UI_ACT_UP:
		move_sel(m, -1);
		return UI_REACT_REDRAW;
	case UI_ACT_DOWN:
		move_sel(m, 1);
		return UI_REACT_REDRAW;
	case UI_ACT_PAGE_UP:
		move_sel(m, -(long)page);
		return UI_REACT_REDRAW;
	case UI_ACT_PAGE_DOWN:
		move_sel(m, (long)page);
		return UI_REACT_REDRAW;
	case UI_ACT_HOME:
		move_sel(m, -(long)m->nview);
		return UI_REACT_REDRAW;
	case UI_ACT_END:
		move_sel(m, (long)m->nview);
		return UI_REACT_REDRAW;
	case UI_ACT_OPEN: {
		const struct ui_flow *f = ui_model_selected(m);

		if (!f)
			return UI_REACT_NONE;
		m->detail = *f;
		m->detail_scroll = 0;
		m->screen = UI_SCREEN_DETAIL;
		return UI_REACT_REDRAW | UI_REACT_EXPLAIN;
	}
	case UI_ACT_SORT_BYTES:
		return set_sort(m, UI_SORT_BYTES);
	case UI_ACT_SORT_RATE:
		return set_sort(m, UI_SORT_RATE);
	case UI_ACT_SORT_AGE:
		return set_sort(m, UI_SORT_AGE);
	case UI_ACT_SORT_VERDICT:
		return set_sort(m, UI_SORT_VERDICT);
	case UI_ACT_SORT_NEXT:
		m->sort = (enum ui_sort)((m->sort + 1) % UI_SORT_COUNT);
		m->reverse = false;
		view_rebuild(m);
		return UI_REACT_REDRAW;
	case UI_ACT_FILTER_CLEAR:
		m->verdict_mask = 0;
		ui_model_set_text(m, "");
		return UI_REACT_REDRAW;
	case UI_ACT_SEARCH:
		return UI_REACT_PROMPT;
	default:
		return UI_REACT_NONE;
	}
}

unsigned ui_bar_eighths(uint64_t value, uint64_t total, unsigned width)
{
	double e;
	unsigned n, max = width * 8;

	if (!total || !value || !width)
		return 0;
	if (value >= total)
		return max;
	e = (double)value / (double)total * (double)max + 0.5;
	n = (unsigned)e;
	if (n == 0)
		n = 1;
	return n > max ? max : n;
}

/* SI with three significant digits: 812, 12.3k, 4.56M. */
static const char *fmt_si(double v, const char *unit, char buf[UI_FMT_LEN])
{
	static const char prefixes[] = " kMGTPE";
	int p = 0;

	while (v >= 999.5 && p < 6) {
		v /= 1000;
		p++;
	}
	if (p == 0)
		snprintf(buf, UI_FMT_LEN, "%.0f%s", v, unit);
	else if (v < 9.995)
		snprintf(buf, UI_FMT_LEN, "%.2f%c%s", v, prefixes[p], unit);
	else if (v < 99.95)
		snprintf(buf, UI_FMT_LEN, "%.1f%c%s", v, prefixes[p], unit);
	else
		snprintf(buf, UI_FMT_LEN, "%.0f%c%s", v, prefixes[p], unit);
	return buf;
}

const char *ui_fmt_bytes(uint64_t bytes, char buf[UI_FMT_LEN])
{
	return fmt_si((double)bytes, bytes < 1000 ? "B" : "", buf);
}

const char *ui_fmt_bits(double bps, char buf[UI_FMT_LEN])
{
	return fmt_si(bps < 0 ? 0 : bps, "b/s", buf);
}

const char *ui_fmt_age(uint64_t ns, char buf[UI_FMT_LEN])
{
	uint64_t s = ns / 1000000000ull;

	if (s < 60)
		snprintf(buf, UI_FMT_LEN, "%us", (unsigned)s);
	else if (s < 3600)
		snprintf(buf, UI_FMT_LEN, "%um", (unsigned)(s / 60));
	else if (s < 86400)
		snprintf(buf, UI_FMT_LEN, "%uh%02u", (unsigned)(s / 3600),
			 (unsigned)(s % 3600 / 60));
	else
		snprintf(buf, UI_FMT_LEN, "%ud%02u", (unsigned)(s / 86400 % 100000),
			 (unsigned)(s % 86400 / 3600));
	return buf;
}

const char *ui_fmt_pct(double fraction, char buf[UI_FMT_LEN])
{
	double p = fraction * 100;

	if (p < 0)
		p = 0;
	if (p > 100)
		p = 100;
	if (p >= 99.95)
		snprintf(buf, UI_FMT_LEN, "100%%");
	else
		snprintf(buf, UI_FMT_LEN, "%.1f%%", p);
	return buf;
}

const char *ui_fmt_proto(uint8_t proto, char buf[UI_FMT_LEN])
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
		return "icmp";
	case 58:
		return "ipv6-icmp";
	case 132:
		return "sctp";
	case 47:
		return "gre";
	case 50:
		return "esp";
	default:
		snprintf(buf, UI_FMT_LEN, "%u", proto);
		return buf;
	}
}
