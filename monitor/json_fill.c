/*
 * json_fill.c: refilling a jansson object in place (see json_fill.h).
 */
#include "json_fill.h"

#include <string.h>

void json_fill_begin(struct json_fill *c, json_t *obj)
{
	c->obj = obj;
	c->it = json_object_iter(obj);
}

void json_fill_append(struct json_fill *c, json_t *obj)
{
	c->obj = obj;
	c->it = NULL;
}

/* Drops every key from the cursor's position on: from here, append. */
static void truncate_rest(struct json_fill *c)
{
	while (c->it) {
		char key[128];
		const char *k = json_object_iter_key(c->it);
		size_t n = json_object_iter_key_len(c->it);

		c->it = json_object_iter_next(c->obj, c->it);
		if (n < sizeof(key)) {
			memcpy(key, k, n + 1);
			json_object_del(c->obj, key);
		} else {
			json_object_del(c->obj, k);
		}
	}
}

void json_fill_end(struct json_fill *c)
{
	truncate_rest(c);
}

/* The value under key when it is the next key and of type t (the cursor
 * moves past it); otherwise NULL, and the cursor appends from here. */
static json_t *slot(struct json_fill *c, const char *key, json_type t)
{
	json_t *v;

	if (!c->it)
		return NULL;
	if (strcmp(json_object_iter_key(c->it), key) == 0) {
		v = json_object_iter_value(c->it);
		if (json_typeof(v) == t) {
			c->it = json_object_iter_next(c->obj, c->it);
			return v;
		}
	}
	truncate_rest(c);
	return NULL;
}

void json_fill_int(struct json_fill *c, const char *key, json_int_t v)
{
	json_t *s = slot(c, key, JSON_INTEGER);

	if (s)
		json_integer_set(s, v);
	else
		json_object_set_new(c->obj, key, json_integer(v));
}

void json_fill_str(struct json_fill *c, const char *key, const char *str)
{
	json_t *s;

	if (!str)
		return;
	s = slot(c, key, JSON_STRING);
	if (s) {
		if (strcmp(json_string_value(s), str) == 0 ||
		    json_string_set(s, str) == 0)
			return;
		/* Not UTF-8: the key is left out, as a fresh build would. */
		json_object_del(c->obj, key);
		truncate_rest(c);
		return;
	}
	json_object_set_new(c->obj, key, json_string(str));
}

void json_fill_ascii(struct json_fill *c, const char *key, const char *str,
		     size_t n)
{
	json_t *s = slot(c, key, JSON_STRING);

	if (s) {
		if (json_string_length(s) == n &&
		    memcmp(json_string_value(s), str, n) == 0)
			return;
		json_string_setn_nocheck(s, str, n);
		return;
	}
	json_object_set_new(c->obj, key, json_stringn_nocheck(str, n));
}

void json_fill_true(struct json_fill *c, const char *key)
{
	if (!slot(c, key, JSON_TRUE))
		json_object_set_new(c->obj, key, json_true());
}

void json_fill_strs(struct json_fill *c, const char *key,
		    const char *const *v, size_t n)
{
	json_t *a = slot(c, key, JSON_ARRAY);
	size_t k = 0;

	if (!a) {
		a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_string(v[i]));
		json_object_set_new(c->obj, key, a);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(a, k);

		if (e && json_is_string(e) &&
		    strcmp(json_string_value(e), v[i]) == 0) {
			k++;
			continue;
		}
		e = json_string(v[i]);
		if (!e)
			continue;	/* left out, as json_array_append_new */
		if (k < json_array_size(a))
			json_array_set_new(a, k, e);
		else
			json_array_append_new(a, e);
		k++;
	}
	while (json_array_size(a) > k)
		json_array_remove(a, json_array_size(a) - 1);
}

void json_fill_open(struct json_fill *c, const char *key,
		    struct json_fill *child)
{
	json_t *o = slot(c, key, JSON_OBJECT);

	if (o) {
		json_fill_begin(child, o);
		return;
	}
	o = json_object();
	json_object_set_new(c->obj, key, o);
	json_fill_append(child, o);
}

void json_fill_close(struct json_fill *c, const char *key,
		     struct json_fill *child, bool drop_empty)
{
	json_fill_end(child);
	if (drop_empty && json_object_size(child->obj) == 0)
		json_object_del(c->obj, key);
}
