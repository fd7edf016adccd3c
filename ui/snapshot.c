/*
 * snapshot.c: the triple buffer between the packet thread and the UI
 * thread, and the shares of outbound bytes.
 *
 * Jobs: hand the newest snapshot over with nothing but a pointer swap
 * under a mutex; wake the UI thread (a pipe it polls) when one arrives.
 * Must never: copy a snapshot, or make the producer wait for the consumer.
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct ui_exchange {
	pthread_mutex_t lock;
	struct ui_snapshot *back;	/* the producer's */
	struct ui_snapshot *ready;	/* the newest published */
	struct ui_snapshot *front;	/* the consumer's */
	bool fresh;			/* ready was not taken yet */
	uint64_t published;
	int wake[2];			/* pipe: readable when fresh */
	struct ui_snapshot buf[3];
};

void ui_shares_of(const uint64_t out[VERDICT_COUNT], struct ui_shares *s)
{
	uint64_t total = 0;

	for (int v = 0; v < VERDICT_COUNT; v++)
		total += out[v];
	if (!total) {
		s->leaving = s->foreign_control = s->unknown = 0;
		return;
	}
	s->leaving = (double)(out[VERDICT_ADEQUATE] + out[VERDICT_THIRD_COUNTRY]) /
		     (double)total;
	s->foreign_control = (double)out[VERDICT_EU_FOREIGN_CONTROL] /
			     (double)total;
	s->unknown = (double)out[VERDICT_UNKNOWN] / (double)total;
}

struct ui_exchange *ui_exchange_new(void)
{
	struct ui_exchange *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	if (pipe2(x->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		free(x);
		return NULL;
	}
	pthread_mutex_init(&x->lock, NULL);
	x->back = &x->buf[0];
	x->ready = &x->buf[1];
	x->front = &x->buf[2];
	return x;
}

void ui_exchange_free(struct ui_exchange *x)
{
	if (!x)
		return;
	close(x->wake[0]);
	close(x->wake[1]);
	pthread_mutex_destroy(&x->lock);
	free(x);
}

struct ui_snapshot *ui_exchange_back(struct ui_exchange *x)
{
	return x->back;
}

void ui_exchange_publish(struct ui_exchange *x)
{
	struct ui_snapshot *t;
	bool was_fresh;

	pthread_mutex_lock(&x->lock);
	t = x->ready;
	x->ready = x->back;
	x->back = t;
	was_fresh = x->fresh;
	x->fresh = true;
	x->published = x->ready->seq;
	pthread_mutex_unlock(&x->lock);
	if (!was_fresh) {
		char c = 1;

		/* Full pipe (never with one byte pending): nothing to do. */
		if (write(x->wake[1], &c, 1) < 0 && errno != EAGAIN)
			return;
	}
}

const struct ui_snapshot *ui_exchange_take(struct ui_exchange *x)
{
	struct ui_snapshot *t = NULL;
	char drain[16];

	pthread_mutex_lock(&x->lock);
	if (x->fresh) {
		t = x->ready;
		x->ready = x->front;
		x->front = t;
		x->fresh = false;
		while (read(x->wake[0], drain, sizeof(drain)) > 0)
			;
	}
	pthread_mutex_unlock(&x->lock);
	return t;
}

uint64_t ui_exchange_published(struct ui_exchange *x)
{
	uint64_t n;

	pthread_mutex_lock(&x->lock);
	n = x->published;
	pthread_mutex_unlock(&x->lock);
	return n;
}

int ui_exchange_fd(const struct ui_exchange *x)
{
	return x->wake[0];
}
