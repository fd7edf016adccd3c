/*
 * cursor.h: bounds-checked reads over untrusted packet bytes.
 *
 * Every decoder reads the wire through a cursor. A read past the end of the
 * window returns 0 and sets a sticky failure flag instead of touching memory
 * it does not own; the decoder checks cursor_ok() once per header, before it
 * acts on any length it read. There is no longjmp: a half-decoded packet must
 * never leave a half-updated flow behind.
 *
 * A nested parser gets its own window with cursor_sub(), so it can neither
 * read past its header's declared length (Ethernet padding never reads as
 * payload) nor move its parent's position.
 *
 * Must never: allocate, or read a byte outside [base, base + len).
 */
#ifndef BERGERIE_CURSOR_H
#define BERGERIE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t *base;	/* first byte of the window */
	size_t len;		/* bytes in the window */
	size_t off;		/* next byte to read, always <= len */
	bool failed;		/* a read went past the end; sticky */
};

static inline void cursor_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->base = p;
	c->len = p ? len : 0;
	c->off = 0;
	c->failed = false;
}

static inline bool cursor_ok(const struct cursor *c)
{
	return !c->failed;
}

static inline size_t cursor_remaining(const struct cursor *c)
{
	return c->len - c->off;
}

static inline size_t cursor_offset(const struct cursor *c)
{
	return c->off;
}

/* True when n more bytes can be read. Compares against what remains rather
 * than computing off + n, which could wrap for a hostile n. */
static inline bool cursor_has(const struct cursor *c, size_t n)
{
	return !c->failed && n <= c->len - c->off;
}

static inline void cursor_fail(struct cursor *c)
{
	c->failed = true;
	c->off = c->len;
}

static inline void cursor_skip(struct cursor *c, size_t n)
{
	if (!cursor_has(c, n)) {
		cursor_fail(c);
		return;
	}
	c->off += n;
}

/* Pointer to the next n bytes, advancing past them; NULL (and failed) when
 * fewer remain. */
static inline const uint8_t *cursor_bytes(struct cursor *c, size_t n)
{
	const uint8_t *p;

	if (!cursor_has(c, n)) {
		cursor_fail(c);
		return NULL;
	}
	p = c->base + c->off;
	c->off += n;
	return p;
}

/* Copies n bytes out; on failure the destination is zeroed. */
static inline void cursor_copy(struct cursor *c, void *dst, size_t n)
{
	const uint8_t *p = cursor_bytes(c, n);

	if (p)
		memcpy(dst, p, n);
	else
		memset(dst, 0, n);
}

static inline const uint8_t *cursor_peek(const struct cursor *c, size_t n)
{
	return cursor_has(c, n) ? c->base + c->off : NULL;
}

static inline uint8_t cursor_u8(struct cursor *c)
{
	const uint8_t *p = cursor_bytes(c, 1);

	return p ? p[0] : 0;
}

static inline uint16_t cursor_be16(struct cursor *c)
{
	const uint8_t *p = cursor_bytes(c, 2);

	return p ? (uint16_t)((unsigned)p[0] << 8 | p[1]) : 0;
}

static inline uint16_t cursor_le16(struct cursor *c)
{
	const uint8_t *p = cursor_bytes(c, 2);

	return p ? (uint16_t)((unsigned)p[1] << 8 | p[0]) : 0;
}

static inline uint32_t cursor_be24(struct cursor *c)
{
	const uint8_t *p = cursor_bytes(c, 3);

	return p ? (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2] : 0;
}

static inline uint32_t cursor_be32(struct cursor *c)
{
	const uint8_t *p = cursor_bytes(c, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		   (uint32_t)p[2] << 8 | p[3] : 0;
}

static inline uint32_t cursor_le32(struct cursor *c)
{
	const uint8_t *p = cursor_bytes(c, 4);

	return p ? (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		   (uint32_t)p[1] << 8 | p[0] : 0;
}

/* Big-endian reads at a fixed offset from the current position, without
 * advancing: for fields a decoder wants to look at before committing. */
static inline uint8_t cursor_peek_u8(const struct cursor *c, size_t at)
{
	return cursor_has(c, at + 1) && at + 1 > at ? c->base[c->off + at] : 0;
}

static inline uint16_t cursor_peek_be16(const struct cursor *c, size_t at)
{
	const uint8_t *p;

	if (at > SIZE_MAX - 2 || !cursor_has(c, at + 2))
		return 0;
	p = c->base + c->off + at;
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/*
 * Takes the next n bytes as a window of their own and advances the parent
 * past them. When fewer than n remain the child is empty and failed, and so
 * is the parent.
 */
static inline struct cursor cursor_sub(struct cursor *c, size_t n)
{
	struct cursor sub;
	const uint8_t *p = cursor_bytes(c, n);

	cursor_init(&sub, p, p ? n : 0);
	if (!p)
		sub.failed = true;
	return sub;
}

/* Everything from the current position to the end, as a window of its own. */
static inline struct cursor cursor_rest(struct cursor *c)
{
	return cursor_sub(c, cursor_remaining(c));
}

/* Narrows the window so that at most n bytes remain after the current
 * position (an IP header's total length trimming link-layer padding). Never
 * widens it. */
static inline void cursor_limit(struct cursor *c, size_t n)
{
	if (n < c->len - c->off)
		c->len = c->off + n;
}

#endif
