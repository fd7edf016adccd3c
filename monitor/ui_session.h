/*
 * ui_session.h: the dashboard's life in a run, so main() only calls in.
 *
 * Jobs: decide from the options whether the dashboard runs (CONTRACT.md
 * section 4: --tui, or -i with a terminal on standard output that carries
 * no JSON; --no-tui never; --tui with JSON on standard output is a usage
 * error) and check --speed and --refresh; start the exchange, the feed and
 * the UI thread; pace a replay (--speed; default 1 with the dashboard,
 * as fast as possible without); keep the final state of a replay on the
 * screen until the user quits; stop it all.
 */
#ifndef BERGERIE_UI_SESSION_H
#define BERGERIE_UI_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "config.h"

struct geo_engine;
struct pipeline;
struct ui_session;

/*
 * From the options alone, before anything starts. NULL and err "" when
 * there is nothing to do (no dashboard, no pacing); NULL with err set on
 * a usage error (exit 2).
 */
struct ui_session *ui_session_new(const struct config *cfg,
				  bool json_on_stdout, char *err,
				  size_t errlen);

/*
 * Starts the feed and the dashboard (when there is one). stop is main's
 * flag: a quit from the dashboard sets it (by sending SIGINT to the
 * calling thread, which also wakes it), and the pacer stops waiting when
 * it is set. False with err set when the terminal cannot be used.
 */
bool ui_session_start(struct ui_session *s, struct pipeline *pl,
		      struct capture *cap, struct geo_engine *engine,
		      volatile sig_atomic_t *stop, char *err, size_t errlen);

/* Before a replayed packet goes in: waits for its time (--speed), and
 * while the dashboard is paused. NULL is allowed. */
void ui_session_pace(struct ui_session *s, uint64_t ts_ns);

/* The replay reached its end: the last snapshot, marked as the end.
 * Call before pipeline_finish(). NULL is allowed. */
void ui_session_end_of_input(struct ui_session *s);

/* Whether the dashboard holds standard output (the summary goes to
 * standard error then). */
bool ui_session_has_ui(const struct ui_session *s);

/* Waits for the user to quit when the replay ended (a signal ends the
 * wait too), then gives the terminal back. NULL is allowed. */
void ui_session_close(struct ui_session *s);

/* After pipeline_free(). NULL is allowed. */
void ui_session_free(struct ui_session *s);

#endif
