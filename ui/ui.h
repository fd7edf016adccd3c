/*
 * ui.h: the live dashboard (ncurses), as main() starts and stops it.
 *
 * The dashboard runs in a thread of its own and reads snapshots from an
 * exchange (snapshot.h) that the packet thread fills; it never touches a
 * flow. It owns the terminal from ui_start() to ui_stop(): standard error
 * is held in a temporary file meanwhile (when it is the terminal) and
 * written out after, and the terminal is restored on every way out: q,
 * SIGINT/SIGTERM (main's loop ends, then ui_stop), exit(), and the crash
 * signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT: restore, then the
 * signal is raised again with its default action).
 */
#ifndef BERGERIE_UI_H
#define BERGERIE_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

struct geo_engine;

struct ui_config {
	struct ui_exchange *exchange;
	struct geo_engine *engine;	/* the explain chain; a reference is
					 * taken; NULL: no chain */
	/* Called on the UI thread when the user quits (q): main stops. */
	void (*on_quit)(void *ctx);
	void *ctx;
};

struct ui;

/*
 * Takes the terminal (standard output must be one; keys come from
 * standard input, or /dev/tty when standard input is not a terminal).
 * NULL with err set when there is no usable terminal.
 */
struct ui *ui_start(const struct ui_config *cfg, char *err, size_t errlen);

/* The user paused the dashboard (a replay holds while paused). */
bool ui_paused(const struct ui *ui);

/* The user pressed q. */
bool ui_quit_requested(const struct ui *ui);

/* Gives the terminal back and ends the thread; prints what went to
 * standard error meanwhile. NULL is allowed. */
void ui_stop(struct ui *ui);

#endif
