/*
 * pace.c: --speed for replays (pace.h).
 *
 * The first packet fixes the origin: packet time p is due at wall time
 * origin + (p - first) / speed. Waits are cut into slices of at most
 * SLICE_NS so a pause, a stop or a tick is never late by more than that.
 */
#include "pace.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SLICE_NS = 100000000 };	/* 100 ms */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000ull),
			      (long)(ns % 1000000000ull)};

	/* A signal cuts the sleep short: the caller looks at its flags. */
	nanosleep(&ts, NULL);
}

bool pace_parse_speed(const char *s, double *out)
{
	char *end;
	double v;

	if (!s)
		return false;
	if (strcmp(s, "max") == 0) {
		*out = 0;
		return true;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || !isfinite(v) || v <= 0 ||
	    v > 1e9)
		return false;
	*out = v;
	return true;
}

void pace_init(struct pace *p, double speed, const struct pace_hooks *hooks)
{
	memset(p, 0, sizeof(*p));
	p->speed = speed;
	if (hooks)
		p->hooks = *hooks;
}

static bool want(bool (*fn)(void *), void *ctx)
{
	return fn && fn(ctx);
}

/* While paused: wait, then move the origin by the time spent. */
static void hold(struct pace *p)
{
	uint64_t t0;

	if (!want(p->hooks.hold, p->hooks.ctx))
		return;
	t0 = mono_ns();
	while (want(p->hooks.hold, p->hooks.ctx) &&
	       !want(p->hooks.stop, p->hooks.ctx)) {
		sleep_ns(SLICE_NS);
		if (p->hooks.tick)
			p->hooks.tick(p->hooks.ctx);
	}
	p->base_wall_ns += mono_ns() - t0;
}

void pace_wait(struct pace *p, uint64_t ts_ns)
{
	hold(p);
	if (p->speed <= 0)
		return;
	if (!p->started) {
		p->started = true;
		p->base_pkt_ns = ts_ns;
		p->base_wall_ns = mono_ns();
		return;
	}
	for (;;) {
		uint64_t due, now;

		if (want(p->hooks.stop, p->hooks.ctx))
			return;
		if (ts_ns <= p->base_pkt_ns)
			return;
		due = p->base_wall_ns +
		      (uint64_t)((double)(ts_ns - p->base_pkt_ns) / p->speed);
		now = mono_ns();
		if (now >= due)
			return;
		sleep_ns(due - now < SLICE_NS ? due - now : SLICE_NS);
		if (p->hooks.tick)
			p->hooks.tick(p->hooks.ctx);
		hold(p);
	}
}
