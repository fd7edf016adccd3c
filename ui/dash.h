/*
 * dash.h: what the dashboard's own files share (ui/ only; main uses ui.h).
 *
 *   keys.c   the key table: key -> action, the footer and the help;
 *   draw.c   the screens, from the model's values to cells and colours;
 *   dashboard.c  the thread, the terminal, the loop.
 */
#ifndef BERGERIE_UI_DASH_H
#define BERGERIE_UI_DASH_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct ui_key {
	int key;		/* a character or a curses KEY_* code */
	enum ui_action action;
	const char *label;	/* as the help shows it; NULL: an alias */
	const char *help;
	const char *footer;	/* "q quit" in the footer; NULL: none */
};

/* The table, and the action of a key (UI_ACT_NONE when unbound). */
const struct ui_key *ui_keys(size_t *n);
enum ui_action ui_key_action(int key);

/* How things look: decided once at start (NO_COLOR, has_colors, the
 * locale's codeset). */
struct ui_theme {
	bool color;
	bool utf8;
};

/* The prompt of a text filter while it is typed. */
struct ui_prompt {
	bool active;
	char text[UI_TEXT_FILTER_LEN];
	size_t len;
};

struct ui_view {
	const struct ui_model *m;
	const struct ui_theme *theme;
	const struct ui_prompt *prompt;
	const char *explain;		/* the detail's chain, or NULL */
};

void ui_theme_init(struct ui_theme *t);

/* Draws the screen the model says into stdscr (no refresh). Returns the
 * list's height, for paging. */
size_t ui_draw(const struct ui_view *v);

#endif
