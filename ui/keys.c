/*
 * keys.c: the dashboard's key table. One row per key: the action it
 * takes, and how the help screen and the footer name it. Aliases have no
 * label. The loop looks keys up here; it never switches on a key itself.
 */
#include "dash.h"

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>

#define CTRL(c) ((c) & 0x1f)

static const struct ui_key key_table[] = {
	{'q', UI_ACT_QUIT, "q", "quit (in a view: back to the dashboard)", "q quit"},
	{'?', UI_ACT_HELP, "?", "this help (again: close it)", "? help"},
	{KEY_F(1), UI_ACT_HELP, NULL, NULL, NULL},
	{'p', UI_ACT_PAUSE, "p, Space",
	 "pause / resume the display (a replay waits meanwhile)", "p pause"},
	{' ', UI_ACT_PAUSE, NULL, NULL, NULL},
	{'/', UI_ACT_SEARCH, "/",
	 "filter flows by text: host, name, address, country, operator, verdict",
	 "/ filter"},
	{'1', UI_ACT_FILTER_V0 + 0, "1 .. 6",
	 "show only a verdict (toggle): 1 local 2 eu 3 eu_foreign_control "
	 "4 adequate 5 third_country 6 unknown", "1-6 verdict"},
	{'2', UI_ACT_FILTER_V0 + 1, NULL, NULL, NULL},
	{'3', UI_ACT_FILTER_V0 + 2, NULL, NULL, NULL},
	{'4', UI_ACT_FILTER_V0 + 3, NULL, NULL, NULL},
	{'5', UI_ACT_FILTER_V0 + 4, NULL, NULL, NULL},
	{'6', UI_ACT_FILTER_V0 + 5, NULL, NULL, NULL},
	{'0', UI_ACT_FILTER_CLEAR, "0", "clear the verdict and text filters",
	 NULL},
	{'s', UI_ACT_SORT_NEXT, "s", "next sort key: bytes, rate, age, verdict",
	 "s sort"},
	{'b', UI_ACT_SORT_BYTES, "b", "sort by bytes (again: reverse)", NULL},
	{'r', UI_ACT_SORT_RATE, "r", "sort by rate (again: reverse)", NULL},
	{'a', UI_ACT_SORT_AGE, "a", "sort by age, oldest first (again: reverse)",
	 NULL},
	{'v', UI_ACT_SORT_VERDICT, "v",
	 "sort by verdict, third_country first (again: reverse)", NULL},
	{'\n', UI_ACT_OPEN, "Enter", "the selected flow's detail and explain chain",
	 "Enter detail"},
	{'\r', UI_ACT_OPEN, NULL, NULL, NULL},
	{KEY_ENTER, UI_ACT_OPEN, NULL, NULL, NULL},
	{27, UI_ACT_BACK, "Esc, Left", "back to the dashboard", NULL},
	{KEY_LEFT, UI_ACT_BACK, NULL, NULL, NULL},
	{KEY_BACKSPACE, UI_ACT_BACK, NULL, NULL, NULL},
	{KEY_UP, UI_ACT_UP, "Up, k", "previous flow (in a view: scroll)", NULL},
	{'k', UI_ACT_UP, NULL, NULL, NULL},
	{KEY_DOWN, UI_ACT_DOWN, "Down, j", "next flow (in a view: scroll)", NULL},
	{'j', UI_ACT_DOWN, NULL, NULL, NULL},
	{KEY_PPAGE, UI_ACT_PAGE_UP, "PgUp", "a page up", NULL},
	{KEY_NPAGE, UI_ACT_PAGE_DOWN, "PgDn", "a page down", NULL},
	{KEY_HOME, UI_ACT_HOME, "Home, g", "first flow", NULL},
	{'g', UI_ACT_HOME, NULL, NULL, NULL},
	{KEY_END, UI_ACT_END, "End, G", "last flow", NULL},
	{'G', UI_ACT_END, NULL, NULL, NULL},
	{CTRL('l'), UI_ACT_REDRAW, "Ctrl-L", "repaint the terminal", NULL},
};

const struct ui_key *ui_keys(size_t *n)
{
	*n = sizeof(key_table) / sizeof(key_table[0]);
	return key_table;
}

enum ui_action ui_key_action(int key)
{
	for (size_t i = 0; i < sizeof(key_table) / sizeof(key_table[0]); i++)
		if (key_table[i].key == key)
			return key_table[i].action;
	return UI_ACT_NONE;
}
