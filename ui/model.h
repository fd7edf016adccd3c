/*
 * model.h: what the dashboard shows and where the user is, as values.
 *
 * Jobs: the flow list's view of a snapshot (verdict and text filters, the
 * sort, the selection kept on the same flow from one snapshot to the
 * next, the page), the screen shown (main, detail, help), pause, and what
 * each action does to all that. Actions return what must happen next
 * (htop's Htop_Reaction), so the key table and the drawing stay apart.
 *
 * Must never: include curses, draw, read the clock or touch a flow. Unit
 * tests drive it with hand-made snapshots (tests/unit/test_ui_model.c).
 */
#ifndef BERGERIE_UI_MODEL_H
#define BERGERIE_UI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

enum ui_sort {
	UI_SORT_BYTES = 0,	/* most bytes first */
	UI_SORT_RATE,		/* fastest first */
	UI_SORT_AGE,		/* oldest first */
	UI_SORT_VERDICT,	/* by precedence: third_country first */
	UI_SORT_COUNT,
};

/* "bytes", "rate", "age", "verdict". */
const char *ui_sort_name(enum ui_sort s);

enum ui_screen {
	UI_SCREEN_MAIN = 0,
	UI_SCREEN_DETAIL,	/* one flow and its explain chain */
	UI_SCREEN_HELP,
};

enum ui_action {
	UI_ACT_NONE = 0,
	UI_ACT_QUIT,		/* closes an overlay, or quits from main */
	UI_ACT_BACK,		/* closes an overlay */
	UI_ACT_HELP,		/* toggles the help screen */
	UI_ACT_PAUSE,		/* toggles pause */
	UI_ACT_UP,
	UI_ACT_DOWN,
	UI_ACT_PAGE_UP,
	UI_ACT_PAGE_DOWN,
	UI_ACT_HOME,
	UI_ACT_END,
	UI_ACT_OPEN,		/* Enter: the selected flow's detail */
	UI_ACT_SORT_BYTES,	/* a sort key again reverses it */
	UI_ACT_SORT_RATE,
	UI_ACT_SORT_AGE,
	UI_ACT_SORT_VERDICT,
	UI_ACT_SORT_NEXT,
	UI_ACT_FILTER_V0,	/* toggles verdict 0 (local) in the filter */
	UI_ACT_FILTER_V5 = UI_ACT_FILTER_V0 + VERDICT_COUNT - 1,
	UI_ACT_FILTER_CLEAR,	/* no verdict filter, no text filter */
	UI_ACT_SEARCH,		/* asks for a text filter (the prompt) */
	UI_ACT_REDRAW,		/* redraw everything (Ctrl-L) */
	UI_ACT_COUNT,
};

/* What the caller must do after an action (bits). */
enum ui_reaction {
	UI_REACT_NONE = 0,
	UI_REACT_REDRAW = 1,	/* the screen changed */
	UI_REACT_QUIT = 2,	/* stop bergerie */
	UI_REACT_PROMPT = 4,	/* read a text filter, then ui_model_set_text */
	UI_REACT_EXPLAIN = 8,	/* the detail opened: fetch its explain text */
	UI_REACT_PAUSE = 16,	/* pause changed (a replay holds while paused) */
	UI_REACT_CLEAR = 32,	/* repaint the whole terminal */
};

enum { UI_TEXT_FILTER_LEN = 64 };

struct ui_model {
	const struct ui_snapshot *snap;	/* NULL until the first */
	uint16_t view[UI_SNAP_FLOWS];	/* indices into snap->flows */
	size_t nview;
	enum ui_sort sort;
	bool reverse;
	unsigned verdict_mask;		/* bit v: verdict v shown; 0: all */
	char text[UI_TEXT_FILTER_LEN];	/* "" : no text filter */
	size_t sel;			/* index into view */
	size_t top;			/* first row shown */
	uint64_t sel_id;		/* flow id of the selection, 0: none */
	size_t page;			/* rows the list shows (set by drawing) */
	enum ui_screen screen;
	struct ui_flow detail;		/* a copy: snapshots move on */
	size_t detail_scroll;
	bool paused;
	bool quit;
};

void ui_model_init(struct ui_model *m);

/* Adopts a new snapshot (NULL allowed); the view is rebuilt and the
 * selection follows its flow when the flow is still there. */
void ui_model_set_snapshot(struct ui_model *m, const struct ui_snapshot *s);

/* Whether a new snapshot may be taken now (not while paused). */
bool ui_model_wants_snapshot(const struct ui_model *m);

/* The list's height in rows; the selection is kept on the page. */
void ui_model_set_page(struct ui_model *m, size_t rows);

/* Sets (or, with "", clears) the text filter. */
void ui_model_set_text(struct ui_model *m, const char *text);

/* Shows only verdict v (toggled); the mask is kept apart from text. */
void ui_model_toggle_verdict(struct ui_model *m, enum verdict v);

unsigned ui_model_act(struct ui_model *m, enum ui_action a);

/* The selected flow, or NULL when the view is empty. */
const struct ui_flow *ui_model_selected(const struct ui_model *m);

/* Row i of the view (0 <= i < nview). */
const struct ui_flow *ui_model_row(const struct ui_model *m, size_t i);

/* Whether a flow passes the filters (verdict mask and text). */
bool ui_model_matches(const struct ui_model *m, const struct ui_flow *f);

/*
 * A bar for value out of total over width cells, in eighths of a cell:
 * round(value / total * width * 8), at least 1 for a non-zero value, at
 * most width * 8. 0 when total is 0.
 */
unsigned ui_bar_eighths(uint64_t value, uint64_t total, unsigned width);

/* ---- Numbers for people ---------------------------------------------- */

enum { UI_FMT_LEN = 16 };

/* 812B 12.3k 4.56M 1.20G (SI, at most 6 characters). */
const char *ui_fmt_bytes(uint64_t bytes, char buf[UI_FMT_LEN]);

/* 0b/s 812b/s 12.3kb/s 4.56Mb/s. */
const char *ui_fmt_bits(double bps, char buf[UI_FMT_LEN]);

/* 59s 12m 3h05 2d03. */
const char *ui_fmt_age(uint64_t ns, char buf[UI_FMT_LEN]);

/* 12.3% (0.0% .. 100%). */
const char *ui_fmt_pct(double fraction, char buf[UI_FMT_LEN]);

/* "tcp", "udp", "icmp", "ipv6-icmp", "sctp", or the number. */
const char *ui_fmt_proto(uint8_t proto, char buf[UI_FMT_LEN]);

#endif
