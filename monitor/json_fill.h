/*
 * json_fill.h: refilling a jansson object in place, key by key.
 *
 * A flow record has some fifty values in a dozen objects; building a
 * fresh jansson tree per record and freeing it costs about a hundred
 * allocations. The output thread instead keeps one tree and refills it:
 * a cursor walks the object's keys in insertion order while the record's
 * code sets them in the order a fresh build would. A key found where
 * expected has its value updated in place (json_integer_set,
 * json_string_set); a key missing or out of place drops every key from
 * that point on, and the rest is appended. The tree after json_fill_end()
 * is therefore the one a fresh build would make, same keys, same order
 * (jansson keeps insertion order), so the output is byte for byte the
 * same; only shape changes cost allocations.
 *
 * A cursor started with json_fill_append() only appends (a fresh object,
 * or adding keys after others, as json_object_set_new does).
 *
 * As with json_object_set_new(json_string(s)), a string that is not valid
 * UTF-8 (or NULL) leaves its key out.
 */
#ifndef BERGERIE_JSON_FILL_H
#define BERGERIE_JSON_FILL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct json_fill {
	json_t *obj;
	void *it;	/* the next key expected; NULL: appending */
};

/* Refills obj from its first key. */
void json_fill_begin(struct json_fill *c, json_t *obj);

/* Appends to obj (keys already set stay). */
void json_fill_append(struct json_fill *c, json_t *obj);

/* Drops the keys not set since json_fill_begin(). */
void json_fill_end(struct json_fill *c);

void json_fill_int(struct json_fill *c, const char *key, json_int_t v);
void json_fill_str(struct json_fill *c, const char *key, const char *s);
void json_fill_true(struct json_fill *c, const char *key);

/* A string formatted here, known to be ASCII (a time, an address): no
 * UTF-8 check. */
void json_fill_ascii(struct json_fill *c, const char *key, const char *s,
		     size_t n);

/* An array of n strings (an invalid one is left out of the array). */
void json_fill_strs(struct json_fill *c, const char *key,
		    const char *const *v, size_t n);

/*
 * Starts refilling the object under key into child (creating it if
 * needed). json_fill_close() ends child and, when drop_empty and the
 * object ended with no key, removes key from the parent.
 */
void json_fill_open(struct json_fill *c, const char *key,
		    struct json_fill *child);
void json_fill_close(struct json_fill *c, const char *key,
		     struct json_fill *child, bool drop_empty);

#endif
