/*
 * pace.h: replay at the capture's own pace (--speed).
 *
 * Jobs: hold each packet back until its time, scaled by the speed, has
 * come on the wall clock (--speed 1 real time, N times faster, max: no
 * wait); hold while the dashboard is paused, then go on from where it
 * stopped; give the caller a tick while waiting (the dashboard's
 * snapshots) and stop waiting when asked to stop.
 * Must never: touch packets or the pipeline's clock (a replay's output
 * stays the same whatever the pace: CONTRACT.md section 3).
 */
#ifndef BERGERIE_PACE_H
#define BERGERIE_PACE_H

#include <stdbool.h>
#include <stdint.h>

struct pace_hooks {
	bool (*hold)(void *ctx);	/* true: paused, wait */
	bool (*stop)(void *ctx);	/* true: return at once */
	void (*tick)(void *ctx);	/* called while waiting */
	void *ctx;
};

struct pace {
	double speed;			/* 0: as fast as possible */
	bool started;
	uint64_t base_pkt_ns, base_wall_ns;
	struct pace_hooks hooks;
};

/* "max" -> 0, or a positive number ("1", "10", "0.5"); false otherwise. */
bool pace_parse_speed(const char *s, double *out);

void pace_init(struct pace *p, double speed, const struct pace_hooks *hooks);

/* Waits until the packet stamped ts_ns is due. */
void pace_wait(struct pace *p, uint64_t ts_ns);

#endif
