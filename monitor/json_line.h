/*
 * json_line.h: one jansson value as one compact line, fast.
 *
 * Records are built with jansson (CONTRACT.md section 1); this writes the
 * tree out byte for byte as json_dumps(JSON_COMPACT) does (keys in
 * insertion order, UTF-8 kept, control characters, quote and backslash
 * escaped), several times faster, into a buffer the caller reuses, so the
 * output thread keeps up with the packet path. Strings in the tree are
 * valid UTF-8 by construction: jansson refuses anything else.
 */
#ifndef BERGERIE_JSON_LINE_H
#define BERGERIE_JSON_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct json_line {
	char *buf;
	size_t len, cap;
};

void json_line_init(struct json_line *jl);
void json_line_fini(struct json_line *jl);

/* Replaces the buffer's content with v's compact text (no newline).
 * False when out of memory. */
bool json_line_dump(struct json_line *jl, json_t *v);

#endif
