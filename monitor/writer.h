/*
 * writer.h: the output thread and its bounded queue.
 *
 * Capture never waits on a slow output (CONTRACT.md sections 3 and 7):
 * records are queued by the packet path and built and written by one
 * writer thread. A job carries a small payload (a flow's snapshot, a ready
 * JSON line) and the function that turns it into output on the writer
 * thread. The queue is bounded: in replay a full queue makes the reader
 * wait (nothing is dropped); live, a full queue drops the job and counts
 * it, because the wire does not wait.
 *
 * Single producer (the packet thread), single consumer (the writer).
 */
#ifndef BERGERIE_WRITER_H
#define BERGERIE_WRITER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { WRITER_JOB_DATA = 2304 };

struct writer_job;

/* Runs on the writer thread. data is the job's payload. */
typedef void (*writer_run_fn)(void *ctx, void *data, size_t len);

struct writer;

/* slots: queue length in jobs; drop_when_full: live capture. NULL on
 * failure (no thread, no memory). */
struct writer *writer_new(size_t slots, bool drop_when_full);

/* Drains the queue and stops the thread; returns the thread's CPU time in
 * microseconds (for the benchmark's figures). */
uint64_t writer_stop(struct writer *w);

/* Drains the queue, stops the thread, frees. */
void writer_free(struct writer *w);

/*
 * Queues run(ctx, copy of data) for the writer thread. len must be at most
 * WRITER_JOB_DATA. False when the job was dropped (live, queue full): the
 * caller counts what it lost. A NULL writer runs the job at once, in the
 * caller's thread (tests, and --threads 0 style debugging).
 */
bool writer_submit(struct writer *w, writer_run_fn run, void *ctx,
		   const void *data, size_t len);

struct output;

/*
 * Queues a ready JSON line for out; takes ownership of line (malloc'd),
 * which the writer frees after writing. False when dropped (line freed).
 * written, if not NULL, is incremented on the writer thread per line
 * written.
 */
bool writer_line(struct writer *w, struct output *out, char *line,
		 _Atomic uint64_t *written);

/* Waits until every job queued so far has run (before a reopen, a
 * statistics record that must follow the records before it, the end). */
void writer_sync(struct writer *w);

uint64_t writer_dropped(struct writer *w);
uint64_t writer_waits(const struct writer *w);	/* replay: times it was full */

#endif
