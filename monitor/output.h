/*
 * output.h: JSON-lines sinks (files and standard output).
 *
 * A file is opened for appending, so a restart or logrotate's copy never
 * loses what was written; output_reopen() (on SIGHUP) closes and opens the
 * path again for logrotate's rename-and-signal. Lines are buffered and
 * flushed at the end, on SIGINT/SIGTERM and on reopen, so everything
 * produced reaches the file.
 */
#ifndef BERGERIE_OUTPUT_H
#define BERGERIE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct output;

/* "-" is standard output. NULL with "PATH: reason" in err. */
struct output *output_open(const char *path, char *err, size_t errlen);

/* Writes line and a newline. False after a write error (counted; the
 * first error is kept for output_error()). */
bool output_write(struct output *o, const char *line, size_t len);

bool output_flush(struct output *o);

/* Closes and reopens a file (no-op for standard output). */
bool output_reopen(struct output *o, char *err, size_t errlen);

/* Flushes and closes; false when anything written was lost. */
bool output_close(struct output *o, char *err, size_t errlen);

bool output_is_stdout(const struct output *o);
const char *output_path(const struct output *o);
/* The open file's descriptor (-1 for standard output), e.g. to hand the
 * file to the run-as user before privileges are dropped. */
int output_fd(const struct output *o);
uint64_t output_lines(const struct output *o);
uint64_t output_errors(const struct output *o);

#endif
