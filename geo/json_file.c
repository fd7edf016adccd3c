/*
 * json_file.c: one way to load a JSON file and one way to say what is
 * wrong with it (CONTRACT.md section 6).
 *
 * Jobs: read a file under a size cap, parse it with jansson rejecting
 * duplicate keys, report syntax errors as "path:line:column: text" and bad
 * values as "path: /json/pointer: text" (RFC 6901 pointers), and quote
 * untrusted strings so a message never carries a control byte or invalid
 * UTF-8.
 * Must never: read more than the cap, or let a byte from the file reach
 * the terminal unescaped.
 */
#include "geo/json_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdint.h>
#include <unistd.h>

size_t json_file_utf8_len(const unsigned char *p, size_t n)
{
	unsigned c;
	size_t need;
	unsigned min;

	if (n == 0)
		return 0;
	c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		min = 0x80;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		min = 0x800;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		min = 0x10000;
		c &= 0x07;
	} else {
		return 0;	/* continuation byte, C0/C1 overlong lead, F5+ */
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return need;
}

/* quotes: escape '"' and '\\' too (for text going between quotes). */
static const char *quote(const char *s, char *buf, size_t len, bool quotes)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, o = 0;

	if (!buf || len == 0)
		return buf;
	buf[0] = '\0';
	if (!s)
		return buf;
	n = strlen(s);
	while (n > 0) {
		char unit[12];
		size_t ulen = json_file_utf8_len(p, n), consumed;

		if (ulen == 1 && (*p < 0x20 || *p == 0x7f)) {
			ulen = 0;	/* a control byte: escape it */
		}
		if (ulen == 0) {
			snprintf(unit, sizeof(unit), "\\x%02x", *p);
			consumed = 1;
		} else if (quotes && ulen == 1 && (*p == '"' || *p == '\\')) {
			unit[0] = '\\';
			unit[1] = (char)*p;
			unit[2] = '\0';
			consumed = 1;
		} else if (ulen == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			/* C1 controls (U+0080..U+009F) move terminals too. */
			snprintf(unit, sizeof(unit), "\\x%02x\\x%02x", p[0], p[1]);
			consumed = 2;
		} else {
			memcpy(unit, p, ulen);
			unit[ulen] = '\0';
			consumed = ulen;
		}
		size_t ul = strlen(unit);
		/* Keep room for "..." unless this is the last unit. */
		size_t reserve = consumed < n ? 3 : 0;

		if (o + ul + reserve >= len) {
			if (o + 3 < len) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(buf + o, unit, ul);
		o += ul;
		p += consumed;
		n -= consumed;
	}
	buf[o] = '\0';
	return buf;
}

const char *json_file_quote(const char *s, char *buf, size_t len)
{
	return quote(s, buf, len, true);
}

const char *json_file_type_name(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
	default:
		return "null";
	}
}

__attribute__((format(printf, 3, 4)))
static json_t *load_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return NULL;
}

json_t *json_file_load(const char *path, size_t max_bytes, char *err,
		       size_t errlen)
{
	struct stat st;
	json_error_t je;
	char *data;
	size_t got = 0;
	json_t *root;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return load_fail(err, errlen, "%s: %s", path, strerror(errno));
	/* fstat on the descriptor we read, so the size checked is the size of
	 * the file parsed even if the name is replaced meanwhile. */
	if (fstat(fd, &st) != 0) {
		int e = errno;

		close(fd);
		return load_fail(err, errlen, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return load_fail(err, errlen, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > max_bytes) {
		close(fd);
		return load_fail(err, errlen,
				 "%s: %llu bytes, over the limit of %zu", path,
				 (unsigned long long)st.st_size, max_bytes);
	}
	/* Read at most max_bytes + 1: a file that grows after fstat still
	 * cannot make us read past the cap. */
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		close(fd);
		return load_fail(err, errlen, "%s: out of memory", path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, data + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(data);
			close(fd);
			return load_fail(err, errlen, "%s: %s", path,
					 strerror(e));
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	root = json_loadb(data, got, JSON_REJECT_DUPLICATES, &je);
	free(data);
	if (!root) {
		char text[JSON_ERROR_TEXT_LENGTH * 4];

		/* jansson quotes the text near the error, which came from the
		 * file: control bytes escaped, its own quotes left alone. */
		quote(je.text, text, sizeof(text), false);
		if (je.line > 0)
			return load_fail(err, errlen, "%s:%d:%d: %s", path,
					 je.line, je.column, text);
		return load_fail(err, errlen, "%s: %s", path, text);
	}
	return root;
}

/*
 * The pointer buffer: content is cut with "..." once it would pass
 * PATH_ROOM bytes, and buf[PATH_FLAG] (never part of the string) remembers
 * that it was cut, so later pushes add nothing after the "...". Each stack
 * slot keeps the length and the cut flag from before its push; the last
 * slot stands for every level deeper than the stack, shown as "/...".
 */
enum {
	PATH_BUF = sizeof(((struct json_path *)0)->buf),
	PATH_FLAG = PATH_BUF - 1,
	PATH_ROOM = PATH_BUF - 2 - 3,	/* flag, NUL, "..." */
	PATH_STACK = sizeof(((struct json_path *)0)->stack) / sizeof(size_t),
};
#define PATH_CUT ((size_t)1 << (sizeof(size_t) * 8 - 1))

void json_path_init(struct json_path *p)
{
	memset(p->buf, 0, sizeof(p->buf));
	p->len = 0;
	p->depth = 0;
}

/* Appends one unit (an escape or a UTF-8 character, never split). */
static void path_append(struct json_path *p, const char *unit, size_t ulen)
{
	if (p->buf[PATH_FLAG])
		return;
	if (p->len + ulen <= PATH_ROOM) {
		memcpy(p->buf + p->len, unit, ulen);
		p->len += ulen;
	} else {
		memcpy(p->buf + p->len, "...", 3);
		p->len += 3;
		p->buf[PATH_FLAG] = 1;
	}
	p->buf[p->len] = '\0';
}

/* False when the level is deeper than the stack and adds nothing. */
static bool path_enter(struct json_path *p)
{
	size_t depth = p->depth++;

	if (depth >= PATH_STACK)
		return false;
	p->stack[depth] = p->len | (p->buf[PATH_FLAG] ? PATH_CUT : 0);
	if (depth == PATH_STACK - 1) {
		path_append(p, "/", 1);
		path_append(p, "...", 3);
		p->buf[PATH_FLAG] = 1;
		return false;
	}
	return true;
}

void json_path_push_key(struct json_path *p, const char *key)
{
	const unsigned char *k = (const unsigned char *)(key ? key : "");
	size_t n = strlen((const char *)k);

	if (!path_enter(p))
		return;
	path_append(p, "/", 1);
	while (n > 0) {
		char unit[12];
		size_t ulen = json_file_utf8_len(k, n), consumed;

		if (ulen == 1 && *k == '~') {
			memcpy(unit, "~0", 2);	/* RFC 6901 section 3 */
			ulen = 2;
			consumed = 1;
		} else if (ulen == 1 && *k == '/') {
			memcpy(unit, "~1", 2);
			ulen = 2;
			consumed = 1;
		} else if (ulen == 0 ||
			   (ulen == 1 && (*k < 0x20 || *k == 0x7f))) {
			/* Not RFC 6901: the pointer is for people to read and
			 * a key may hold control bytes. */
			snprintf(unit, sizeof(unit), "\\x%02x", *k);
			ulen = 4;
			consumed = 1;
		} else {
			memcpy(unit, k, ulen);
			consumed = ulen;
		}
		path_append(p, unit, ulen);
		k += consumed;
		n -= consumed;
	}
}

void json_path_push_index(struct json_path *p, size_t index)
{
	char unit[32];
	int n = snprintf(unit, sizeof(unit), "/%zu", index);

	if (!path_enter(p))
		return;
	path_append(p, unit, (size_t)n);
}

void json_path_pop(struct json_path *p)
{
	size_t saved;

	if (p->depth == 0)
		return;
	p->depth--;
	if (p->depth >= PATH_STACK)
		return;
	saved = p->stack[p->depth];
	p->len = saved & ~PATH_CUT;
	p->buf[p->len] = '\0';
	p->buf[PATH_FLAG] = (saved & PATH_CUT) ? 1 : 0;
}

const char *json_path_str(const struct json_path *p)
{
	return p->buf;
}

bool json_file_error(char *err, size_t errlen, const char *file,
		     const struct json_path *p, const char *fmt, ...)
{
	char msg[512];
	const char *ptr = p ? json_path_str(p) : "";
	va_list ap;

	if (!err || errlen == 0)
		return false;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The root's pointer is "" (RFC 6901); shown as "/" so every message
	 * has the same three parts. */
	snprintf(err, errlen, "%s: %s: %s", file, ptr[0] ? ptr : "/", msg);
	return false;
}

bool json_file_check_keys(json_t *obj, const char *const *allowed,
			  char *err, size_t errlen, const char *file,
			  struct json_path *p)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return json_file_error(err, errlen, file, p,
				       "expected an object, got %s",
				       json_file_type_name(obj));
	json_object_foreach(obj, key, v) {
		size_t i;
		char list[256], q[96];
		size_t o = 0;

		(void)v;
		for (i = 0; allowed && allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed && allowed[i])
			continue;
		list[0] = '\0';
		for (i = 0; allowed && allowed[i] && o < sizeof(list); i++) {
			int w = snprintf(list + o, sizeof(list) - o, "%s%s",
					 i ? ", " : "", allowed[i]);

			if (w < 0)
				break;
			o += (size_t)w;
		}
		json_file_quote(key, q, sizeof(q));
		json_path_push_key(p, key);
		json_file_error(err, errlen, file, p,
				"unknown key \"%s\" (known: %s)", q,
				list[0] ? list : "none");
		json_path_pop(p);
		return false;
	}
	return true;
}
