/*
 * json_line.c: a compact JSON writer over jansson's tree.
 *
 * jansson's own dumper formats every integer with snprintf and calls back
 * per token; a flow record has some fifty values. Here integers are
 * converted by hand and text is appended to one growing buffer.
 */
#include "json_line.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_line_init(struct json_line *jl)
{
	jl->buf = NULL;
	jl->len = jl->cap = 0;
}

void json_line_fini(struct json_line *jl)
{
	free(jl->buf);
	json_line_init(jl);
}

static bool reserve(struct json_line *jl, size_t more)
{
	size_t cap;
	char *p;

	if (jl->len + more + 1 <= jl->cap)
		return true;
	cap = jl->cap ? jl->cap : 1024;
	while (cap < jl->len + more + 1)
		cap *= 2;
	p = realloc(jl->buf, cap);
	if (!p)
		return false;
	jl->buf = p;
	jl->cap = cap;
	return true;
}

static bool put(struct json_line *jl, const char *s, size_t n)
{
	if (!reserve(jl, n))
		return false;
	memcpy(jl->buf + jl->len, s, n);
	jl->len += n;
	return true;
}

/* One byte; the caller reserved room. */
static inline void put_c(struct json_line *jl, char c)
{
	jl->buf[jl->len++] = c;
}

static bool put_int(struct json_line *jl, json_int_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return put(jl, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Bytes jansson escapes by default: '"', '\\' and those below 0x20. */
static inline bool needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Non-zero when a byte of w is below 0x20, '"' or '\\' (the classic
 * has-zero-byte test on w, w ^ '"' and w ^ '\\'; bytes of 0x80 and above
 * never match). A false alarm only sends the word to the byte loop. */
static inline uint64_t word_needs_escape(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	return (((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) |
		((b - ONES) & ~b)) & HIGHS;
}

/* As jansson escapes by default: '"', '\\', and bytes below 0x20 (the
 * usual short forms for \b \f \n \r \t, \u00XX for the rest). Room is
 * reserved once for the worst case (every byte six), so the copy runs
 * without checks. */
static bool put_string(struct json_line *jl, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";	/* as jansson */
	char *o;

	if (n > (SIZE_MAX - 3) / 6 || !reserve(jl, n * 6 + 2))
		return false;
	o = jl->buf + jl->len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c;

		/* Eight bytes at a time while none needs escaping. */
		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (word_needs_escape(w))
				break;
			memcpy(o, &w, 8);
			o += 8;
			i += 8;
		}
		if (i == n)
			break;
		c = (unsigned char)s[i];

		if (!needs_escape(c)) {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
			break;
		}
	}
	*o++ = '"';
	jl->len = (size_t)(o - jl->buf);
	return true;
}

static bool dump(struct json_line *jl, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		void *it = json_object_iter(v);
		bool first = true;

		if (!reserve(jl, 1))
			return false;
		put_c(jl, '{');
		for (; it; it = json_object_iter_next(v, it)) {
			if (!first) {
				if (!reserve(jl, 1))
					return false;
				put_c(jl, ',');
			}
			first = false;
			if (!put_string(jl, json_object_iter_key(it),
					json_object_iter_key_len(it)) ||
			    !reserve(jl, 1))
				return false;
			put_c(jl, ':');
			if (!dump(jl, json_object_iter_value(it)))
				return false;
		}
		return put(jl, "}", 1);
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *val;

		if (!put(jl, "[", 1))
			return false;
		json_array_foreach(v, i, val) {
			if (i && !put(jl, ",", 1))
				return false;
			if (!dump(jl, val))
				return false;
		}
		return put(jl, "]", 1);
	}
	case JSON_STRING:
		return put_string(jl, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return put_int(jl, json_integer_value(v));
	case JSON_REAL: {
		char tmp[32];
		int n = snprintf(tmp, sizeof(tmp), "%.17g", json_real_value(v));

		return n > 0 && put(jl, tmp, (size_t)n);
	}
	case JSON_TRUE:
		return put(jl, "true", 4);
	case JSON_FALSE:
		return put(jl, "false", 5);
	case JSON_NULL:
		return put(jl, "null", 4);
	}
	return false;
}

bool json_line_dump(struct json_line *jl, json_t *v)
{
	jl->len = 0;
	if (!dump(jl, v))
		return false;
	jl->buf[jl->len] = '\0';
	return true;
}
