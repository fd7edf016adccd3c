/*
 * ui_session.c: the dashboard in a run (ui_session.h).
 */
#include "ui_session.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pace.h"
#include "pipeline.h"
#include "ui/snapshot.h"
#include "ui/ui.h"
#include "ui_feed.h"

struct ui_session {
	bool tui;
	bool live;
	bool ended;			/* the replay reached its end */
	double speed;			/* 0: as fast as possible */
	double refresh;
	char source[UI_SOURCE_LEN];
	struct pace pace;
	struct ui_exchange *x;
	struct ui_feed *feed;
	struct ui *ui;
	struct pipeline *pl;
	volatile sig_atomic_t *stop;
	pthread_t main_thread;
};

static bool parse_refresh(const char *s, double *out)
{
	char *end;
	double v;

	if (!s) {
		*out = 1.0;
		return true;
	}
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= 0.1 && v <= 60))
		return false;
	*out = v;
	return true;
}

/* "eth0,eth1" or "office.pcap" (base names). */
static void source_label(const struct config *cfg, char *buf, size_t len)
{
	const char *const *names = cfg->ninterfaces ? cfg->interfaces
						    : cfg->read_files;
	size_t n = cfg->ninterfaces ? cfg->ninterfaces : cfg->nread_files;
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++) {
		const char *b = strrchr(names[i], '/');

		b = b ? b + 1 : names[i];
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "",
				      strcmp(names[i], "-") == 0 ? "stdin" : b);
	}
}

struct ui_session *ui_session_new(const struct config *cfg,
				  bool json_on_stdout, char *err,
				  size_t errlen)
{
	struct ui_session *s;
	bool live = cfg->ninterfaces > 0, tui;
	double speed = 0, refresh;

	err[0] = '\0';
	if (cfg->tui && !cfg->no_tui && json_on_stdout) {
		snprintf(err, errlen, "--tui: standard output carries JSON; "
			 "give the JSON a file or drop --tui");
		return NULL;
	}
	tui = !cfg->no_tui &&
	      (cfg->tui || (live && !json_on_stdout && isatty(STDOUT_FILENO)));
	if (cfg->speed && !pace_parse_speed(cfg->speed, &speed)) {
		snprintf(err, errlen, "--speed '%s': use a number above 0 or "
			 "max", cfg->speed);
		return NULL;
	}
	if (!parse_refresh(cfg->refresh, &refresh)) {
		snprintf(err, errlen, "--refresh '%s': use seconds from 0.1 "
			 "to 60", cfg->refresh);
		return NULL;
	}
	if (!cfg->speed && tui && !live)
		speed = 1;	/* a replay in the dashboard: real time */
	if (live)
		speed = 0;	/* the wire sets the pace */
	if (!tui && speed == 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->tui = tui;
	s->live = live;
	s->speed = speed;
	s->refresh = refresh;
	source_label(cfg, s->source, sizeof(s->source));
	return s;
}

static bool hook_hold(void *ctx)
{
	struct ui_session *s = ctx;

	return ui_paused(s->ui);
}

static bool hook_stop(void *ctx)
{
	struct ui_session *s = ctx;

	return (s->stop && *s->stop) || ui_quit_requested(s->ui);
}

static void hook_tick(void *ctx)
{
	struct ui_session *s = ctx;

	pipeline_ui_tick(s->pl, false);
}

/* On the UI thread: q stops the run as SIGINT would, and wakes main. */
static void on_quit(void *ctx)
{
	struct ui_session *s = ctx;

	pthread_kill(s->main_thread, SIGINT);
}

bool ui_session_start(struct ui_session *s, struct pipeline *pl,
		      struct capture *cap, struct geo_engine *engine,
		      volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	struct pace_hooks hooks = {hook_hold, hook_stop, hook_tick, s};
	struct ui_feed_config fc;
	struct ui_config uc;

	s->pl = pl;
	s->stop = stop;
	s->main_thread = pthread_self();
	pace_init(&s->pace, s->speed, &hooks);
	if (!s->tui)
		return true;
	s->x = ui_exchange_new();
	if (!s->x) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memset(&fc, 0, sizeof(fc));
	fc.exchange = s->x;
	fc.source = s->source;
	fc.live = s->live;
	fc.refresh_s = s->refresh;
	fc.speed = s->speed;
	fc.capture = cap;
	s->feed = ui_feed_new(&fc);
	if (!s->feed) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memset(&uc, 0, sizeof(uc));
	uc.exchange = s->x;
	uc.engine = engine;
	uc.on_quit = on_quit;
	uc.ctx = s;
	s->ui = ui_start(&uc, err, errlen);
	if (!s->ui)
		return false;
	pipeline_set_ui(pl, s->feed);
	/* Something on the screen before the first packet. */
	pipeline_ui_tick(pl, true);
	return true;
}

void ui_session_pace(struct ui_session *s, uint64_t ts_ns)
{
	if (s && !s->live)
		pace_wait(&s->pace, ts_ns);
}

void ui_session_end_of_input(struct ui_session *s)
{
	if (!s || !s->feed || s->live)
		return;
	s->ended = true;
	ui_feed_finish(s->feed);
	pipeline_ui_tick(s->pl, true);
}

bool ui_session_has_ui(const struct ui_session *s)
{
	return s && s->tui;
}

void ui_session_close(struct ui_session *s)
{
	struct timespec slice = {0, 100000000};

	if (!s || !s->ui)
		return;
	/* The final state stays until q (or a signal). */
	while (s->ended && !hook_stop(s))
		nanosleep(&slice, NULL);
	ui_stop(s->ui);
	s->ui = NULL;
}

void ui_session_free(struct ui_session *s)
{
	if (!s)
		return;
	ui_stop(s->ui);
	ui_feed_free(s->feed);
	ui_exchange_free(s->x);
	free(s);
}
