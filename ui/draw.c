/*
 * draw.c: the dashboard's screens, drawn into curses' stdscr.
 *
 * Jobs: lay the main screen out for the terminal's size (header, the
 * verdict bars beside the top countries and operators, the flow list, the
 * alerts, the footer), the detail and help screens; map verdicts and
 * severities to colours, or to attributes without colour; bars in UTF-8
 * eighths or ASCII; text cut to its column by display width, with every
 * control byte replaced (nothing from the wire reaches the terminal raw).
 * Must never: change the model, or read anything but the view it is given.
 */
#include "dash.h"

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <langinfo.h>
#include <ncursesw/curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

enum {
	PAIR_LOCAL = 1,		/* + verdict */
	PAIR_TITLE = PAIR_LOCAL + VERDICT_COUNT,
	PAIR_SEVERE,
};

void ui_theme_init(struct ui_theme *t)
{
	const char *nc = getenv("NO_COLOR");
	const char *cs = nl_langinfo(CODESET);

	t->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	/* no-color.org: present and not empty disables colour. */
	t->color = has_colors() && !(nc && *nc);
	if (!t->color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_LOCAL + VERDICT_LOCAL, -1, -1);
	init_pair(PAIR_LOCAL + VERDICT_EU, COLOR_GREEN, -1);
	init_pair(PAIR_LOCAL + VERDICT_EU_FOREIGN_CONTROL, COLOR_YELLOW, -1);
	init_pair(PAIR_LOCAL + VERDICT_ADEQUATE, COLOR_CYAN, -1);
	init_pair(PAIR_LOCAL + VERDICT_THIRD_COUNTRY, COLOR_RED, -1);
	init_pair(PAIR_LOCAL + VERDICT_UNKNOWN, COLOR_MAGENTA, -1);
	init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_SEVERE, COLOR_RED, -1);
}

/* ---- Semantic values to looks (only here) ------------------------------ */

static attr_t verdict_attr(const struct ui_theme *t, enum verdict v)
{
	if ((unsigned)v >= VERDICT_COUNT)
		v = VERDICT_UNKNOWN;
	if (t->color)
		return COLOR_PAIR(PAIR_LOCAL + v) |
		       (v == VERDICT_THIRD_COUNTRY ? A_BOLD : A_NORMAL);
	switch (v) {
	case VERDICT_THIRD_COUNTRY:
		return A_BOLD;
	case VERDICT_EU_FOREIGN_CONTROL:
	case VERDICT_UNKNOWN:
		return A_UNDERLINE;
	case VERDICT_LOCAL:
		return A_DIM;
	default:
		return A_NORMAL;
	}
}

static attr_t severity_attr(const struct ui_theme *t, enum severity s)
{
	if (s < SEVERITY_HIGH)
		return A_NORMAL;
	return t->color ? COLOR_PAIR(PAIR_SEVERE) | A_BOLD : A_BOLD;
}

static attr_t title_attr(const struct ui_theme *t)
{
	return t->color ? COLOR_PAIR(PAIR_TITLE) : A_REVERSE;
}

/* Verdict names, and shorter ones for narrow columns. */
static const char *verdict_label(enum verdict v, bool narrow)
{
	static const char *const shorts[VERDICT_COUNT] = {
		"local", "eu", "eu_foreign", "adequate", "third_country",
		"unknown"};

	if (narrow && (unsigned)v < VERDICT_COUNT)
		return shorts[v];
	return verdict_name(v);
}

/* ---- Text ------------------------------------------------------------ */

/*
 * Writes s at (y, x) in exactly width columns: cut by display width (a
 * cut is marked with '~'), padded with spaces. Control bytes and invalid
 * sequences become '?'; without a UTF-8 locale every byte >= 0x80 does.
 */
static void put(const struct ui_theme *t, int y, int x, int width,
		const char *s, attr_t attr)
{
	char out[1024];
	size_t o = 0;
	int used = 0, last_w = 0;
	mbstate_t st;

	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + width > COLS)
		width = COLS - x;
	memset(&st, 0, sizeof(st));
	while (s && *s && o + 8 < sizeof(out)) {
		unsigned char c = (unsigned char)*s;
		wchar_t wc;
		size_t n = 1;
		int w = 1;

		if (c < 0x20 || c == 0x7f) {
			c = '?';
		} else if (c >= 0x80) {
			if (t->utf8) {
				n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
				if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
					memset(&st, 0, sizeof(st));
					n = 1;
					c = '?';
				} else {
					w = wcwidth(wc);
					if (w < 0) {
						c = '?';
						w = 1;
					} else {
						c = 0;	/* copy the sequence */
					}
				}
			} else {
				c = '?';
			}
		}
		if (used + w > width)
			break;
		if (c) {
			out[o++] = (char)c;
		} else {
			memcpy(out + o, s, n);
			o += n;
		}
		used += w;
		last_w = w;
		s += n;
	}
	if (s && *s && used > 0 && width > 1) {
		/* Cut: the last column says so. Back up one character, giving
		 * back all its columns (two for a wide one). */
		while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 0)
			o--;
		used -= last_w > 0 ? last_w : 1;
		out[o++] = '~';
		used++;
	}
	while (used < width && o + 1 < sizeof(out)) {
		out[o++] = ' ';
		used++;
	}
	out[o] = '\0';
	attron(attr);
	mvaddstr(y, x, out);
	attroff(attr);
}

__attribute__((format(printf, 6, 7)))
static void putf(const struct ui_theme *t, int y, int x, int width,
		 attr_t attr, const char *fmt, ...);

static void putf(const struct ui_theme *t, int y, int x, int width,
		 attr_t attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(t, y, x, width, buf, attr);
}

/* Right-aligned number-like text in width columns. */
static void put_right(const struct ui_theme *t, int y, int x, int width,
		      const char *s, attr_t attr)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%*s", width, s);
	put(t, y, x, width, buf + (strlen(buf) > (size_t)width
					   ? strlen(buf) - (size_t)width : 0),
	    attr);
}

static void clock_text(uint64_t ns, char *buf, size_t len)
{
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!ns || !gmtime_r(&s, &tm)) {
		snprintf(buf, len, "--");
		return;
	}
	strftime(buf, len, "%Y-%m-%d %H:%M:%SZ", &tm);
}

/* A bar of e eighths, padded to width cells. */
static void put_bar(const struct ui_theme *t, int y, int x, int width,
		    unsigned e, attr_t attr)
{
	static const char *const part[8] = {"", "\u258f", "\u258e", "\u258d",
					    "\u258c", "\u258b", "\u258a",
					    "\u2589"};
	char buf[512];
	size_t o = 0;
	unsigned full = e / 8, rem = e % 8;

	if (width <= 0)
		return;
	for (unsigned i = 0; i < full && o + 4 < sizeof(buf); i++) {
		if (t->utf8) {
			memcpy(buf + o, "\u2588", 3);
			o += 3;
		} else {
			buf[o++] = '#';
		}
	}
	if (rem && o + 4 < sizeof(buf)) {
		if (t->utf8) {
			memcpy(buf + o, part[rem], 3);
			o += 3;
		} else if (rem >= 4 || full == 0) {
			buf[o++] = rem >= 4 ? '#' : '.';
		}
	}
	buf[o] = '\0';
	put(t, y, x, width, buf, attr);
}

/* ---- Main screen ------------------------------------------------------ */

struct layout {
	int header, panel, panel_h, list_title, list, list_h, alerts, alerts_h,
	    footer;
	int left_w, mid_x, mid_w, right_x, right_w;
};

static void layout_of(struct layout *l)
{
	int h = LINES, w = COLS, rest;

	memset(l, 0, sizeof(*l));
	l->header = 0;
	l->panel = 2;
	l->panel_h = 7;
	l->footer = h - 1;
	rest = h - 2 - l->panel_h - 1;	/* header, panel, footer */
	l->alerts_h = rest >= 16 ? 2 + (rest - 16) / 3 : rest >= 10 ? 3 : 0;
	if (l->alerts_h > 11)
		l->alerts_h = 11;
	l->list_title = l->panel + l->panel_h;
	l->list = l->list_title + 1;
	l->list_h = l->footer - l->alerts_h - l->list;
	if (l->list_h < 1)
		l->list_h = 1;
	l->alerts = l->list + l->list_h;
	l->left_w = w >= 120 ? w * 45 / 100 : w * 55 / 100;
	l->mid_x = l->left_w + 1;
	l->mid_w = w >= 120 ? 16 : 12;
	l->right_x = l->mid_x + l->mid_w + 1;
	l->right_w = w - l->right_x;
}

static void draw_header(const struct ui_view *v, const struct layout *l)
{
	const struct ui_theme *t = v->theme;
	const struct ui_snapshot *s = v->m->snap;
	char clk[40], bps[UI_FMT_LEN], a[UI_FMT_LEN],
		b[UI_FMT_LEN], c[UI_FMT_LEN], d[UI_FMT_LEN];
	const char *state;
	struct ui_shares now, all;

	if (!s) {
		putf(t, l->header, 0, COLS, title_attr(t),
		     " bergerie  waiting for the first snapshot...");
		return;
	}
	clock_text(s->clock_ns, clk, sizeof(clk));
	state = v->m->paused ? " [PAUSED]" : s->finished ? " [END: q quits]" : "";
	putf(t, l->header, 0, COLS, title_attr(t) | A_BOLD,
	     " bergerie  %s%s  %s%s  %.0f pkt/s  %s  drops %llu  flows %llu",
	     s->live ? "live " : "", s->source, clk, state, s->pps,
	     ui_fmt_bits(s->bps, bps), (unsigned long long)s->kernel_drops,
	     (unsigned long long)s->flows_active);
	ui_shares_of(s->out_delta, &now);
	ui_shares_of(s->out_total, &all);
	put(t, l->header + 1, 0, 17, " Leaving the EU: ", A_BOLD);
	putf(t, l->header + 1, 17, COLS - 17, A_NORMAL,
	     "%s (now %s)  |  eu_foreign_control %s  |  unknown %s",
	     ui_fmt_pct(all.leaving, b), ui_fmt_pct(now.leaving, a),
	     ui_fmt_pct(all.foreign_control, c), ui_fmt_pct(all.unknown, d));
}

static void draw_panel(const struct ui_view *v, const struct layout *l)
{
	const struct ui_theme *t = v->theme;
	const struct ui_snapshot *s = v->m->snap;
	uint64_t total = 0;
	int name_w = l->left_w >= 48 ? 19 : 14, bar_w;
	bool narrow = name_w < 19;

	put(t, l->panel, 0, l->left_w, " Outbound bytes by verdict", A_BOLD);
	put(t, l->panel, l->mid_x, l->mid_w, "Countries", A_BOLD);
	put(t, l->panel, l->right_x, l->right_w, "Operators (controlled from)",
	    A_BOLD);
	if (!s)
		return;
	for (int i = 0; i < VERDICT_COUNT; i++)
		total += s->out_total[i];
	bar_w = l->left_w - 1 - name_w - 1 - 6 - 1 - 5 - 1;
	for (int i = 0; i < VERDICT_COUNT && i + 1 < l->panel_h; i++) {
		enum verdict vd = (enum verdict)i;
		char b[UI_FMT_LEN], p[UI_FMT_LEN];
		int y = l->panel + 1 + i, x = 1;

		put(t, y, 0, 1, "", A_NORMAL);
		put(t, y, x, name_w, verdict_label(vd, narrow), verdict_attr(t, vd));
		x += name_w + 1;
		if (bar_w > 0) {
			put_bar(t, y, x, bar_w,
				ui_bar_eighths(s->out_total[i], total,
					       (unsigned)bar_w),
				verdict_attr(t, vd));
			x += bar_w + 1;
		}
		put_right(t, y, x, 6, ui_fmt_bytes(s->out_total[i], b), A_NORMAL);
		x += 7;
		put_right(t, y, x, 5,
			  total ? ui_fmt_pct((double)s->out_total[i] /
						     (double)total, p)
				: "-",
			  A_NORMAL);
	}
	for (int i = 0; i + 1 < l->panel_h; i++) {
		int y = l->panel + 1 + i;
		char b[UI_FMT_LEN], line[128];

		put(t, y, l->left_w, 1, "", A_NORMAL);
		if ((size_t)i < s->ncountries) {
			const struct ui_top *c = &s->countries[i];

			snprintf(line, sizeof(line), "%-2s %s",
				 strcmp(c->key, "??") == 0 ? "?" : c->key,
				 ui_fmt_bytes(c->bytes_out, b));
			put(t, y, l->mid_x, l->mid_w, line,
			    verdict_attr(t, c->verdict));
		} else {
			put(t, y, l->mid_x, l->mid_w, "", A_NORMAL);
		}
		if ((size_t)i < s->noperators && l->right_w > 12) {
			const struct ui_top *o = &s->operators[i];
			int nw = l->right_w - 10;

			put(t, y, l->right_x, nw, o->key,
			    verdict_attr(t, o->verdict));
			putf(t, y, l->right_x + nw, 10, A_NORMAL, " %-2s %6s",
			     o->controller, ui_fmt_bytes(o->bytes_out, b));
		} else if (l->right_w > 0) {
			put(t, y, l->right_x, l->right_w, "", A_NORMAL);
		}
	}
}

/* Flow list columns for the terminal's width. */
struct cols {
	int host, remote, cc, op, verdict, bytes, rate, age;
	bool narrow;
};

static void cols_of(struct cols *c)
{
	int w = COLS, flex;

	c->narrow = w < 110;
	c->cc = 2;
	c->verdict = c->narrow ? 13 : 18;
	c->bytes = 6;
	c->rate = 8;
	c->age = 5;
	flex = w - (c->cc + c->verdict + c->bytes + c->rate + c->age) - 8;
	if (flex < 24)
		flex = 24;
	c->host = flex * 30 / 100;
	if (c->host > 39)
		c->host = 39;
	c->op = flex * 25 / 100;
	c->remote = flex - c->host - c->op;
}

static void draw_list(const struct ui_view *v, const struct layout *l)
{
	const struct ui_theme *t = v->theme;
	const struct ui_model *m = v->m;
	struct cols c;
	char hdr[512], filt[160] = "";
	const char *arrow = v->theme->utf8 ? (m->reverse ? "\u25b2" : "\u25bc")
					   : (m->reverse ? "^" : "v");
	int x;

	cols_of(&c);
	if (m->verdict_mask) {
		size_t o = 0;

		o += (size_t)snprintf(filt, sizeof(filt), "  verdict:");
		for (int i = 0; i < VERDICT_COUNT && o < sizeof(filt); i++)
			if (m->verdict_mask & (1u << i))
				o += (size_t)snprintf(filt + o, sizeof(filt) - o,
						      " %s", verdict_name((enum verdict)i));
	}
	if (m->text[0]) {
		size_t o = strlen(filt);

		snprintf(filt + o, sizeof(filt) - o, "  /%s", m->text);
	}
	putf(t, l->list_title, 0, COLS, A_BOLD,
	     " Flows %zu of %zu  sort %s %s%s", m->nview,
	     m->snap ? m->snap->nflows : 0, ui_sort_name(m->sort), arrow, filt);
	snprintf(hdr, sizeof(hdr), " %-*s %-*s %-*s %-*s %-*s %*s %*s %*s",
		 c.host - 1, "Host", c.remote, "Remote", c.cc, "CC", c.op,
		 "Operator", c.verdict, "Verdict", c.bytes, "Bytes", c.rate,
		 "Rate", c.age, "Age");
	put(t, l->list, 0, COLS, hdr, A_REVERSE);
	for (int i = 0; i + 1 < l->list_h; i++) {
		size_t r = m->top + (size_t)i;
		const struct ui_flow *f = ui_model_row(m, r);
		int y = l->list + 1 + i;
		attr_t sel = r == m->sel ? A_REVERSE : A_NORMAL;
		char b[UI_FMT_LEN], rt[UI_FMT_LEN], ag[UI_FMT_LEN];
		uint64_t now = m->snap ? m->snap->clock_ns : 0;

		if (!f) {
			put(t, y, 0, COLS, "", A_NORMAL);
			continue;
		}
		x = 0;
		put(t, y, x, 1, r == m->sel ? ">" : " ", sel);
		x += 1;
		put(t, y, x, c.host - 1, f->internal[0] ? f->internal : "-", sel);
		x += c.host;
		put(t, y, x - 1, 1, "", sel);
		put(t, y, x, c.remote, f->name[0] ? f->name : f->remote, sel);
		x += c.remote;
		put(t, y, x, 1, "", sel);
		put(t, y, x + 1, c.cc, f->country, sel);
		x += c.cc + 1;
		put(t, y, x, 1, "", sel);
		put(t, y, x + 1, c.op, f->operator_name, sel);
		x += c.op + 1;
		put(t, y, x, 1, "", sel);
		put(t, y, x + 1, c.verdict, verdict_label(f->verdict, c.narrow),
		    sel | verdict_attr(t, f->verdict));
		x += c.verdict + 1;
		put(t, y, x, 1, "", sel);
		put_right(t, y, x + 1, c.bytes, ui_fmt_bytes(f->bytes, b), sel);
		x += c.bytes + 1;
		put(t, y, x, 1, "", sel);
		put_right(t, y, x + 1, c.rate, ui_fmt_bits(f->rate_bps, rt), sel);
		x += c.rate + 1;
		put(t, y, x, 1, "", sel);
		put_right(t, y, x + 1, c.age,
			  ui_fmt_age(now > f->start_ns ? now - f->start_ns : 0, ag),
			  sel);
		x += c.age + 1;
		if (x < COLS)
			put(t, y, x, COLS - x, "", sel);
	}
}

static void draw_alerts(const struct ui_view *v, const struct layout *l)
{
	const struct ui_theme *t = v->theme;
	const struct ui_snapshot *s = v->m->snap;

	if (l->alerts_h <= 0)
		return;
	putf(t, l->alerts, 0, COLS, A_BOLD, " Alerts (latest first)  %llu in all",
	     s ? (unsigned long long)s->alerts_total : 0ull);
	for (int i = 0; i + 1 < l->alerts_h; i++) {
		int y = l->alerts + 1 + i;
		const struct ui_alert *a;
		char clk[40], line[512];

		if (!s || (size_t)i >= s->nalerts) {
			put(t, y, 0, COLS, i == 0 && (!s || !s->nalerts)
						   ? "  none" : "", A_NORMAL);
			continue;
		}
		a = &s->alerts[i];
		clock_text(a->ts_ns, clk, sizeof(clk));
		put(t, y, 0, 10, clk + (strlen(clk) > 9 ? strlen(clk) - 9 : 0),
		    A_NORMAL);
		put(t, y, 10, 9, severity_name(a->severity),
		    severity_attr(t, a->severity));
		put(t, y, 19, 14, verdict_name(a->verdict),
		    verdict_attr(t, a->verdict));
		snprintf(line, sizeof(line), "%s -> %s  %s %s", a->internal,
			 a->remote, a->rule_id, a->rule_name);
		put(t, y, 34, COLS - 34, line, A_NORMAL);
	}
}

static void draw_footer(const struct ui_view *v, int y)
{
	const struct ui_theme *t = v->theme;
	char line[512];
	size_t n, o = 0;
	const struct ui_key *k = ui_keys(&n);

	if (v->prompt && v->prompt->active) {
		putf(t, y, 0, COLS, A_NORMAL, "/%s", v->prompt->text);
		move(y, 1 + (int)v->prompt->len < COLS ? 1 + (int)v->prompt->len
						       : COLS - 1);
		return;
	}
	line[0] = '\0';
	for (size_t i = 0; i < n && o < sizeof(line); i++)
		if (k[i].footer)
			o += (size_t)snprintf(line + o, sizeof(line) - o, " %s ",
					      k[i].footer);
	put(t, y, 0, COLS, line, title_attr(t));
}

/* ---- Detail and help --------------------------------------------------- */

struct lines {
	char text[200][160];
	int n;
};

__attribute__((format(printf, 2, 3)))
static void addl(struct lines *ls, const char *fmt, ...);

static void addl(struct lines *ls, const char *fmt, ...)
{
	va_list ap;

	if (ls->n >= 200)
		return;
	va_start(ap, fmt);
	vsnprintf(ls->text[ls->n++], sizeof(ls->text[0]), fmt, ap);
	va_end(ap);
}

static void draw_lines(const struct ui_view *v, const char *title,
		       const struct lines *ls, size_t scroll)
{
	const struct ui_theme *t = v->theme;
	int h = LINES - 2;

	putf(t, 0, 0, COLS, title_attr(t) | A_BOLD, " %s", title);
	if (scroll > (size_t)(ls->n > h ? ls->n - h : 0))
		scroll = (size_t)(ls->n > h ? ls->n - h : 0);
	for (int i = 0; i < h; i++) {
		int k = (int)scroll + i;

		put(t, 1 + i, 0, COLS, k < ls->n ? ls->text[k] : "", A_NORMAL);
	}
	put(t, LINES - 1, 0, COLS,
	    " Esc/Left/q back   Up/Down/PgUp/PgDn scroll   ? help",
	    title_attr(t));
}

static void draw_detail(const struct ui_view *v)
{
	static struct lines ls;
	const struct ui_flow *f = &v->m->detail;
	char p[UI_FMT_LEN], a[UI_FMT_LEN], b[UI_FMT_LEN], clk[40], clk2[40],
		title[256];
	static const char *const dirs[] = {"outbound", "inbound", "internal",
					   "external"};
	const char *e;

	ls.n = 0;
	snprintf(title, sizeof(title), "Flow %s -> %s", f->internal[0] ? f->internal : "-",
		 f->name[0] ? f->name : f->remote);
	addl(&ls, " Internal host   %s", f->internal[0] ? f->internal : "- (transit)");
	if (f->remote_port)
		addl(&ls, " Remote          %s port %u (%s), %s", f->remote,
		     f->remote_port, ui_fmt_proto(f->proto, p),
		     dirs[f->direction & 3]);
	else
		addl(&ls, " Remote          %s (%s), %s", f->remote,
		     ui_fmt_proto(f->proto, p), dirs[f->direction & 3]);
	addl(&ls, " Server name     %s", f->name[0] ? f->name : "-");
	addl(&ls, " Verdict         %s", verdict_name(f->verdict));
	addl(&ls, " Country         %s", f->country[0] ? f->country : "-");
	if (f->operator_name[0])
		addl(&ls, " Operator        %s (controlled from %s)",
		     f->operator_name, f->controller[0] ? f->controller : "?");
	else
		addl(&ls, " Operator        -");
	addl(&ls, " Bytes           %s sent by the home end, %s received, "
		  "%llu packets",
	     ui_fmt_bytes(f->bytes_out, a), ui_fmt_bytes(f->bytes_in, b),
	     (unsigned long long)f->packets);
	clock_text(f->start_ns, clk, sizeof(clk));
	clock_text(f->last_ns, clk2, sizeof(clk2));
	addl(&ls, " Time            %s to %s", clk, clk2);
	addl(&ls, "%s", "");
	addl(&ls, " Explain: bergerie explain %s", f->remote);
	e = v->explain ? v->explain : "  (no jurisdiction engine)";
	while (*e) {
		const char *nl = strchr(e, '\n');
		int len = nl ? (int)(nl - e) : (int)strlen(e);

		addl(&ls, "   %.*s", len, e);
		e += len + (nl ? 1 : 0);
	}
	draw_lines(v, title, &ls, v->m->detail_scroll);
}

static void draw_help(const struct ui_view *v)
{
	static struct lines ls;
	size_t n;
	const struct ui_key *k = ui_keys(&n);

	ls.n = 0;
	addl(&ls, " Keys");
	for (size_t i = 0; i < n; i++)
		if (k[i].label)
			addl(&ls, "   %-10s %s", k[i].label, k[i].help);
	addl(&ls, "%s", "");
	addl(&ls, " Verdicts of the remote end, in display order");
	addl(&ls, "   1 local               home networks, special ranges");
	addl(&ls, "   2 eu                  EU/EEA, not foreign-controlled");
	addl(&ls, "   3 eu_foreign_control  EU/EEA, controlled from an "
		  "extraterritorial jurisdiction");
	addl(&ls, "   4 adequate            an EU adequacy decision");
	addl(&ls, "   5 third_country       anywhere else");
	addl(&ls, "   6 unknown             no location data");
	addl(&ls, "%s", "");
	addl(&ls, " Leaving the EU: bytes sent by home ends to adequate and "
		  "third_country");
	addl(&ls, " ends; eu_foreign_control and unknown are shown beside it, "
		  "never in it.");
	addl(&ls, " Flows: the top %d of each verdict by bytes; countries and "
		  "operators:", UI_SNAP_PER_VERDICT);
	addl(&ls, " ended flows and the flows listed.");
	draw_lines(v, "bergerie help", &ls, 0);
}

size_t ui_draw(const struct ui_view *v)
{
	struct layout l;

	erase();
	if (v->m->screen == UI_SCREEN_HELP) {
		draw_help(v);
		return (size_t)(LINES > 2 ? LINES - 2 : 1);
	}
	if (v->m->screen == UI_SCREEN_DETAIL) {
		draw_detail(v);
		return (size_t)(LINES > 2 ? LINES - 2 : 1);
	}
	layout_of(&l);
	draw_header(v, &l);
	draw_panel(v, &l);
	draw_list(v, &l);
	draw_alerts(v, &l);
	draw_footer(v, l.footer);
	return (size_t)(l.list_h > 1 ? l.list_h - 1 : 1);
}
