/*
 * output.c: JSON lines to files and standard output.
 *
 * Uses stdio with a large buffer: one record is one fwrite, and the kernel
 * sees few large writes. Records are complete lines or nothing: a short
 * write is an error counted once per record, never a half line repaired.
 */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OUTPUT_BUFFER = 1 << 20 };

struct output {
	FILE *f;
	char *path;
	bool is_stdout;
	uint64_t lines;
	uint64_t errors;
	char *buf;
};

static bool open_file(struct output *o, char *err, size_t errlen)
{
	o->f = fopen(o->path, "a");
	if (!o->f) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		return false;
	}
	setvbuf(o->f, o->buf, _IOFBF, OUTPUT_BUFFER);
	return true;
}

struct output *output_open(const char *path, char *err, size_t errlen)
{
	struct output *o = calloc(1, sizeof(*o));

	if (!o || !(o->path = strdup(path)) || !(o->buf = malloc(OUTPUT_BUFFER))) {
		if (o) {
			free(o->path);
			free(o);
		}
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		o->is_stdout = true;
		o->f = stdout;
		setvbuf(stdout, o->buf, _IOFBF, OUTPUT_BUFFER);
		return o;
	}
	if (!open_file(o, err, errlen)) {
		free(o->buf);
		free(o->path);
		free(o);
		return NULL;
	}
	return o;
}

bool output_write(struct output *o, const char *line, size_t len)
{
	if (fwrite(line, 1, len, o->f) != len || putc('\n', o->f) == EOF) {
		o->errors++;
		return false;
	}
	o->lines++;
	return true;
}

bool output_flush(struct output *o)
{
	if (fflush(o->f) != 0) {
		o->errors++;
		return false;
	}
	return true;
}

bool output_reopen(struct output *o, char *err, size_t errlen)
{
	if (o->is_stdout)
		return output_flush(o);
	if (fclose(o->f) != 0)
		o->errors++;
	o->f = NULL;
	if (!open_file(o, err, errlen)) {
		/* Keep writing somewhere rather than crash on the next line:
		 * the old path may be gone, but /dev/null keeps the run going
		 * and the error was reported. */
		o->f = fopen("/dev/null", "a");
		return false;
	}
	return true;
}

bool output_close(struct output *o, char *err, size_t errlen)
{
	bool ok = true;

	if (!o)
		return true;
	if (o->f && fflush(o->f) != 0) {
		o->errors++;
	}
	if (o->is_stdout) {
		/* stdout outlives us: detach our buffer before freeing it. */
		setvbuf(stdout, NULL, _IOLBF, 0);
	} else if (o->f && fclose(o->f) != 0) {
		o->errors++;
	}
	if (o->errors) {
		snprintf(err, errlen, "%s: %llu write errors",
			 o->is_stdout ? "standard output" : o->path,
			 (unsigned long long)o->errors);
		ok = false;
	}
	free(o->buf);
	free(o->path);
	free(o);
	return ok;
}

bool output_is_stdout(const struct output *o)
{
	return o->is_stdout;
}

const char *output_path(const struct output *o)
{
	return o->path;
}

uint64_t output_lines(const struct output *o)
{
	return o->lines;
}

uint64_t output_errors(const struct output *o)
{
	return o->errors;
}

int output_fd(const struct output *o)
{
	return o->is_stdout || !o->f ? -1 : fileno(o->f);
}
