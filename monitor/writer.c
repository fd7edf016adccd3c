/*
 * writer.c: a single-producer, single-consumer ring of jobs and the thread
 * that runs them.
 *
 * The ring's indices are C11 atomics (release on publish, acquire on
 * read), so the common path takes no lock. The mutex and condition
 * variables are only for sleeping: the consumer when the ring is empty,
 * the producer (replay) when it is full. Each side says it is about to
 * sleep before re-checking, so no wake-up is lost.
 *
 * Wake-ups are batched: a sleeping consumer is woken once WAKE_BATCH jobs
 * wait (or at writer_sync), and sleeps at most SLEEP_MS, so a quiet live
 * link still sees its records within a fraction of a second; a waiting
 * producer is woken once the ring is half empty. Waking per job would
 * cost a context switch per record.
 */
#include "writer.h"

#include "output.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

enum { WAKE_BATCH = 64, SLEEP_MS = 200 };

struct writer_job {
	writer_run_fn run;
	void *ctx;
	size_t len;
	unsigned char data[WRITER_JOB_DATA];
};

struct writer {
	struct writer_job *ring;
	size_t slots;
	bool drop_when_full;
	_Atomic size_t head;	/* next slot the producer fills */
	_Atomic size_t tail;	/* next slot the consumer runs */
	_Atomic bool stopping;
	_Atomic bool consumer_sleeping;
	_Atomic bool producer_sleeping;	/* full ring, replay */
	_Atomic bool sync_waiting;	/* in writer_sync */
	pthread_mutex_t lock;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	pthread_t thread;
	_Atomic uint64_t dropped;
	uint64_t cpu_us;	/* the writer thread's CPU time, set as it ends */
	bool joined;
	uint64_t waits;
};

static void wake(struct writer *w, pthread_cond_t *cond, _Atomic bool *sleeping)
{
	if (atomic_load_explicit(sleeping, memory_order_seq_cst)) {
		pthread_mutex_lock(&w->lock);
		pthread_cond_signal(cond);
		pthread_mutex_unlock(&w->lock);
	}
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	pthread_setname_np(pthread_self(), "bergerie-out");
	for (;;) {
		size_t tail = atomic_load_explicit(&w->tail, memory_order_relaxed);
		size_t head = atomic_load_explicit(&w->head, memory_order_acquire);

		if (tail == head) {
			if (atomic_load(&w->stopping))
				break;
			pthread_mutex_lock(&w->lock);
			atomic_store(&w->consumer_sleeping, true);
			if (atomic_load(&w->head) == tail &&
			    !atomic_load(&w->stopping)) {
				struct timespec ts;

				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_nsec += SLEEP_MS * 1000000L;
				if (ts.tv_nsec >= 1000000000L) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000L;
				}
				pthread_cond_timedwait(&w->not_empty, &w->lock,
						       &ts);
			}
			atomic_store(&w->consumer_sleeping, false);
			pthread_mutex_unlock(&w->lock);
			continue;
		}
		while (tail != head) {
			struct writer_job *j = &w->ring[tail % w->slots];

			j->run(j->ctx, j->data, j->len);
			tail++;
			atomic_store_explicit(&w->tail, tail, memory_order_release);
			if (head - tail <= w->slots / 2)
				wake(w, &w->not_full, &w->producer_sleeping);
		}
		/* A producer waiting in writer_sync must hear that the
		 * batch is done. */
		wake(w, &w->not_full, &w->sync_waiting);
	}
	{
		struct rusage ru;

		if (getrusage(RUSAGE_THREAD, &ru) == 0)
			w->cpu_us = (uint64_t)ru.ru_utime.tv_sec * 1000000u +
				    (uint64_t)ru.ru_utime.tv_usec +
				    (uint64_t)ru.ru_stime.tv_sec * 1000000u +
				    (uint64_t)ru.ru_stime.tv_usec;
	}
	return NULL;
}

struct writer *writer_new(size_t slots, bool drop_when_full)
{
	struct writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->slots = slots ? slots : 1;
	w->drop_when_full = drop_when_full;
	w->ring = calloc(w->slots, sizeof(*w->ring));
	if (!w->ring) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->not_empty, NULL);
	pthread_cond_init(&w->not_full, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		free(w->ring);
		free(w);
		return NULL;
	}
	return w;
}

uint64_t writer_stop(struct writer *w)
{
	if (!w)
		return 0;
	if (!atomic_load(&w->stopping)) {
		atomic_store(&w->stopping, true);
		pthread_mutex_lock(&w->lock);
		pthread_cond_signal(&w->not_empty);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
		w->joined = true;
	}
	return w->cpu_us;
}

void writer_free(struct writer *w)
{
	if (!w)
		return;
	writer_stop(w);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->not_empty);
	pthread_cond_destroy(&w->not_full);
	free(w->ring);
	free(w);
}

bool writer_submit(struct writer *w, writer_run_fn run, void *ctx,
		   const void *data, size_t len)
{
	size_t head, tail;
	struct writer_job *j;
	unsigned char copy[WRITER_JOB_DATA];

	if (len > WRITER_JOB_DATA)
		return false;
	if (!w) {
		memcpy(copy, data, len);
		run(ctx, copy, len);
		return true;
	}
	head = atomic_load_explicit(&w->head, memory_order_relaxed);
	tail = atomic_load_explicit(&w->tail, memory_order_acquire);
	if (head - tail >= w->slots) {
		if (w->drop_when_full) {
			atomic_fetch_add(&w->dropped, 1);
			return false;
		}
		w->waits++;
		pthread_mutex_lock(&w->lock);
		atomic_store(&w->producer_sleeping, true);
		while (head - atomic_load(&w->tail) >= w->slots)
			pthread_cond_wait(&w->not_full, &w->lock);
		atomic_store(&w->producer_sleeping, false);
		pthread_mutex_unlock(&w->lock);
	}
	j = &w->ring[head % w->slots];
	j->run = run;
	j->ctx = ctx;
	j->len = len;
	memcpy(j->data, data, len);
	atomic_store_explicit(&w->head, head + 1, memory_order_release);
	if (head + 1 - tail >= WAKE_BATCH)
		wake(w, &w->not_empty, &w->consumer_sleeping);
	return true;
}

void writer_sync(struct writer *w)
{
	size_t head;

	if (!w)
		return;
	head = atomic_load(&w->head);
	pthread_mutex_lock(&w->lock);
	pthread_cond_signal(&w->not_empty);
	atomic_store(&w->sync_waiting, true);
	while (atomic_load(&w->tail) != head)
		pthread_cond_wait(&w->not_full, &w->lock);
	atomic_store(&w->sync_waiting, false);
	pthread_mutex_unlock(&w->lock);
}

uint64_t writer_dropped(struct writer *w)
{
	return w ? atomic_load(&w->dropped) : 0;
}

uint64_t writer_waits(const struct writer *w)
{
	return w ? w->waits : 0;
}

struct line_job {
	struct output *out;
	char *line;
	_Atomic uint64_t *written;
};

static void line_run(void *ctx, void *data, size_t len)
{
	struct line_job *j = data;

	(void)ctx;
	(void)len;
	if (output_write(j->out, j->line, strlen(j->line)) && j->written)
		atomic_fetch_add(j->written, 1);
	free(j->line);
}

bool writer_line(struct writer *w, struct output *out, char *line,
		 _Atomic uint64_t *written)
{
	struct line_job j = {out, line, written};

	if (!writer_submit(w, line_run, NULL, &j, sizeof(j))) {
		free(line);
		return false;
	}
	return true;
}
