/*
 * json_file.h: loading the JSON files bergerie reads (policy, jurisdiction
 * data, cloud range files) with one error style (CONTRACT.md section 6):
 *   syntax:    "policy.json:12:7: '}' expected near ']'"   (jansson's text)
 *   bad value: "policy.json: /rules/3/cidr: expected a CIDR, got \"10.0.0/33\""
 * Every loader reports through these helpers so the messages agree.
 */
#ifndef BERGERIE_GEO_JSON_FILE_H
#define BERGERIE_GEO_JSON_FILE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Parses path; NULL with "path:line:column: message" in err. Rejects
 * duplicate object keys (JSON_REJECT_DUPLICATES) and files over max_bytes. */
json_t *json_file_load(const char *path, size_t max_bytes, char *err,
		       size_t errlen);

/*
 * A JSON pointer being built while a loader walks a document, for error
 * messages. Push an object key or an array index on the way down, pop on
 * the way back. Keys are escaped as RFC 6901 wants ("~0", "~1").
 */
struct json_path {
	char buf[256];
	size_t len;
	size_t stack[16];
	size_t depth;
};

void json_path_init(struct json_path *p);
void json_path_push_key(struct json_path *p, const char *key);
void json_path_push_index(struct json_path *p, size_t index);
void json_path_pop(struct json_path *p);
const char *json_path_str(const struct json_path *p);	/* "" is the root: "/" */

/* Writes "file: /pointer: message" to err; returns false for tail calls. */
bool json_file_error(char *err, size_t errlen, const char *file,
		     const struct json_path *p, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Strict objects: fails (with the pointer of the offending key) when obj
 * holds a key not in the NULL-terminated list allowed.
 */
bool json_file_check_keys(json_t *obj, const char *const *allowed,
			  char *err, size_t errlen, const char *file,
			  struct json_path *p);

/*
 * s as it may appear in a message: printable ASCII and valid UTF-8 kept,
 * '"' and '\\' backslash-escaped, control bytes and invalid UTF-8 as \xNN,
 * cut with "..." at a character boundary when buf is too small. Returns
 * buf. Use it for any value quoted back from a file ("got \"%s\"").
 */
const char *json_file_quote(const char *s, char *buf, size_t len);

/*
 * Length of the well-formed UTF-8 character at p (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), at most n bytes; 0 when
 * the bytes there are not one. jansson refuses strings that fail this, so
 * bytes from a file or a database pass through it before reaching jansson.
 */
size_t json_file_utf8_len(const unsigned char *p, size_t n);

/* "an object", "an array", "a string", "an integer", "a number",
 * "a boolean", "null": what a loader got instead of what it wanted. */
const char *json_file_type_name(const json_t *v);

#endif
