/*
 * operators.c: the operator table (ASN -> operator, prefix -> operator).
 *
 * The JSON document stays loaded: names point into it. ASNs sit in a
 * sorted array (binary search); prefixes in a prefix_map.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_file.h"
#include "operators.h"
#include "prefix_map.h"

enum { OPERATORS_MAX_BYTES = 16 << 20 };

struct asn_entry {
	uint32_t asn;
	uint32_t op_index, asn_index;	/* where it was, for errors */
};

struct operators {
	json_t *doc;
	struct geo_operator *ops;
	size_t nops;
	struct asn_entry *asns;
	size_t nasns;
	struct operator_prefix *prefixes;
	size_t nprefixes;
	struct prefix_map *map;
};

static const char *const category_names[] = {
	[OPERATOR_CLOUD] = "cloud",
	[OPERATOR_CDN] = "cdn",
	[OPERATOR_SAAS] = "saas",
	[OPERATOR_SOCIAL] = "social",
	[OPERATOR_TELECOM] = "telecom",
	[OPERATOR_HOSTING] = "hosting",
	[OPERATOR_SECURITY] = "security",
	[OPERATOR_OTHER] = "other",
};

const char *operator_category_name(enum operator_category c)
{
	if ((unsigned)c > OPERATOR_OTHER)
		return "?";
	return category_names[c];
}

static bool id_valid(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '.' || *s == '-'))
			return false;
	}
	return true;
}

static bool bad(char *err, size_t errlen, const char *file,
		struct json_path *p, const char *key, const char *msg,
		const char *got)
{
	if (key != NULL)
		json_path_push_key(p, key);
	if (got != NULL)
		json_file_error(err, errlen, file, p, "%s, got \"%s\"", msg,
				got);
	else
		json_file_error(err, errlen, file, p, "%s", msg);
	if (key != NULL)
		json_path_pop(p);
	return false;
}

static bool get_str(json_t *obj, const char *key, bool required,
		    const char **out, const char *file, struct json_path *p,
		    char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL) {
		if (!required)
			return true;
		return json_file_error(err, errlen, file, p,
				       "missing key \"%s\"", key);
	}
	if (!json_is_string(v) || json_string_length(v) == 0)
		return bad(err, errlen, file, p, key,
			   "expected a non-empty string", NULL);
	*out = json_string_value(v);
	return true;
}

static bool load_asns(struct operators *o, struct geo_operator *op,
		      json_t *e, const char *file, struct json_path *p,
		      char *err, size_t errlen)
{
	json_t *arr = json_object_get(e, "asns"), *v;
	uint32_t *asns;
	size_t i;

	if (arr == NULL)
		return true;
	json_path_push_key(p, "asns");
	if (!json_is_array(arr)) {
		bad(err, errlen, file, p, NULL, "expected an array of ASNs",
		    NULL);
		goto fail;
	}
	asns = calloc(json_array_size(arr) + 1, sizeof(*asns));
	if (asns == NULL) {
		bad(err, errlen, file, p, NULL, "out of memory", NULL);
		goto fail;
	}
	op->asns = asns;
	json_array_foreach(arr, i, v) {
		json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;

		json_path_push_index(p, i);
		if (n < 1 || n > (json_int_t)UINT32_MAX) {
			bad(err, errlen, file, p, NULL,
			    "expected an AS number (an integer from 1 to 4294967295)",
			    NULL);
			json_path_pop(p);
			goto fail;
		}
		json_path_pop(p);
		asns[op->nasns++] = (uint32_t)n;
		o->asns[o->nasns++] = (struct asn_entry){
			.asn = (uint32_t)n,
			.op_index = (uint32_t)(op - o->ops),
			.asn_index = (uint32_t)i,
		};
	}
	json_path_pop(p);
	return true;
fail:
	json_path_pop(p);
	return false;
}

static bool load_matches(struct geo_operator *op, json_t *e, const char *file,
			 struct json_path *p, char *err, size_t errlen)
{
	json_t *arr = json_object_get(e, "as_org_match"), *v;
	const char **m;
	size_t i;

	if (arr == NULL) {
		if (op->nasns == 0)
			return true;
		return json_file_error(err, errlen, file, p,
				       "missing key \"as_org_match\" (required with \"asns\")");
	}
	json_path_push_key(p, "as_org_match");
	if (!json_is_array(arr) ||
	    (json_array_size(arr) == 0 && op->nasns > 0)) {
		bad(err, errlen, file, p, NULL,
		    "expected a non-empty array of lowercase strings", NULL);
		goto fail;
	}
	m = calloc(json_array_size(arr) + 1, sizeof(*m));
	if (m == NULL) {
		bad(err, errlen, file, p, NULL, "out of memory", NULL);
		goto fail;
	}
	op->as_org_match = m;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);

		json_path_push_index(p, i);
		if (s == NULL || *s == '\0') {
			bad(err, errlen, file, p, NULL,
			    "expected a non-empty lowercase string", NULL);
			json_path_pop(p);
			goto fail;
		}
		for (const char *c = s; *c; c++) {
			if (*c >= 'A' && *c <= 'Z') {
				bad(err, errlen, file, p, NULL,
				    "expected a lowercase string", s);
				json_path_pop(p);
				goto fail;
			}
		}
		json_path_pop(p);
		m[op->nas_org_match++] = s;
	}
	json_path_pop(p);
	return true;
fail:
	json_path_pop(p);
	return false;
}

static bool load_prefixes(struct operators *o, const struct geo_operator *op,
			  json_t *e, const char *file, struct json_path *p,
			  char *err, size_t errlen)
{
	static const char *const keys[] = { "cidr", "anycast", "note", NULL };
	json_t *arr = json_object_get(e, "prefixes"), *v;
	size_t i;

	if (arr == NULL)
		return true;
	json_path_push_key(p, "prefixes");
	if (!json_is_array(arr)) {
		bad(err, errlen, file, p, NULL, "expected an array", NULL);
		goto fail;
	}
	json_array_foreach(arr, i, v) {
		struct operator_prefix *op_p = &o->prefixes[o->nprefixes];
		const char *cidr;
		char why[128];
		json_t *any;
		void *existing = NULL;

		json_path_push_index(p, i);
		if (!json_is_object(v)) {
			bad(err, errlen, file, p, NULL, "expected an object",
			    NULL);
			goto fail_entry;
		}
		if (!json_file_check_keys(v, keys, err, errlen, file, p) ||
		    !get_str(v, "cidr", true, &cidr, file, p, err, errlen) ||
		    !get_str(v, "note", false, &op_p->note, file, p, err,
			     errlen))
			goto fail_entry;
		why[0] = '\0';
		if (!geo_prefix_parse(cidr, &op_p->prefix, why, sizeof(why))) {
			bad(err, errlen, file, p, "cidr", "expected a CIDR",
			    cidr);
			goto fail_entry;
		}
		any = json_object_get(v, "anycast");
		if (any != NULL && !json_is_boolean(any)) {
			bad(err, errlen, file, p, "anycast",
			    "expected true or false", NULL);
			goto fail_entry;
		}
		op_p->anycast = json_is_true(any);
		op_p->op = op;
		if (!prefix_map_insert(o->map, &op_p->prefix, op_p,
				       &existing)) {
			const struct operator_prefix *old = existing;

			if (old == NULL)
				bad(err, errlen, file, p, NULL,
				    "out of memory", NULL);
			else {
				json_path_push_key(p, "cidr");
				json_file_error(err, errlen, file, p,
						"%s is already listed for operator \"%s\"",
						cidr, old->op->id);
				json_path_pop(p);
			}
			goto fail_entry;
		}
		o->nprefixes++;
		json_path_pop(p);
	}
	json_path_pop(p);
	return true;
fail_entry:
	json_path_pop(p);
fail:
	json_path_pop(p);
	return false;
}

static bool load_operator(struct operators *o, struct geo_operator *op,
			  json_t *e, const struct zones *z, const char *file,
			  struct json_path *p, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"id", "name", "parent", "controller", "asns", "as_org_match",
		"prefixes", "category", "source", "asn_source", "note", NULL
	};
	const char *ctl, *cat, *note;
	bool found = false;

	if (!json_is_object(e))
		return bad(err, errlen, file, p, NULL, "expected an object",
			   NULL);
	if (!json_file_check_keys(e, keys, err, errlen, file, p) ||
	    !get_str(e, "id", true, &op->id, file, p, err, errlen) ||
	    !get_str(e, "name", true, &op->name, file, p, err, errlen) ||
	    !get_str(e, "parent", true, &op->parent, file, p, err, errlen) ||
	    !get_str(e, "controller", true, &ctl, file, p, err, errlen) ||
	    !get_str(e, "category", true, &cat, file, p, err, errlen) ||
	    !get_str(e, "source", true, &op->source, file, p, err, errlen) ||
	    !get_str(e, "asn_source", false, &op->asn_source, file, p, err,
		     errlen) ||
	    !get_str(e, "note", false, &note, file, p, err, errlen))
		return false;
	if (!id_valid(op->id))
		return bad(err, errlen, file, p, "id",
			   "expected an id of [a-z0-9_.-]", op->id);
	for (size_t i = 0; i < (size_t)(op - o->ops); i++) {
		if (strcmp(o->ops[i].id, op->id) == 0)
			return bad(err, errlen, file, p, "id",
				   "duplicate operator id", op->id);
	}
	if (!country_code_valid(ctl))
		return bad(err, errlen, file, p, "controller",
			   "expected a two-letter uppercase country code",
			   ctl);
	memcpy(op->controller, ctl, 3);
	op->jurisdiction = zones_jurisdiction(z, ctl);
	if (op->jurisdiction == NULL)
		return bad(err, errlen, file, p, "controller",
			   "controller is not in jurisdictions.json", ctl);
	for (unsigned c = 0; c <= OPERATOR_OTHER; c++) {
		if (strcmp(cat, category_names[c]) == 0) {
			op->category = (enum operator_category)c;
			found = true;
		}
	}
	if (!found)
		return bad(err, errlen, file, p, "category",
			   "expected one of cloud, cdn, saas, social, telecom, hosting, security, other",
			   cat);
	if (!load_asns(o, op, e, file, p, err, errlen) ||
	    !load_matches(op, e, file, p, err, errlen) ||
	    !load_prefixes(o, op, e, file, p, err, errlen))
		return false;
	/* An operator with neither ASNs nor prefixes (a joint venture whose
	 * ranges are not public) is still useful: a policy site names it. */
	return true;
}

static int asn_cmp(const void *a, const void *b)
{
	const struct asn_entry *x = a, *y = b;

	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	if (x->op_index != y->op_index)
		return x->op_index < y->op_index ? -1 : 1;
	return x->asn_index < y->asn_index ? -1 :
	       x->asn_index > y->asn_index;
}

/* Counts array elements under key in every entry, for sizing. */
static size_t count_all(json_t *arr, const char *key)
{
	size_t i, n = 0;
	json_t *e;

	json_array_foreach(arr, i, e)
		n += json_array_size(json_object_get(e, key));
	return n;
}

static bool load_doc(struct operators *o, const struct zones *z,
		     const char *file, char *err, size_t errlen)
{
	static const char *const keys[] = { "version", "operators", "notes",
					    "sources", NULL };
	struct json_path p;
	json_t *arr, *e;
	size_t i;

	json_path_init(&p);
	if (!json_is_object(o->doc))
		return bad(err, errlen, file, &p, NULL, "expected an object",
			   NULL);
	if (!json_file_check_keys(o->doc, keys, err, errlen, file, &p))
		return false;
	arr = json_object_get(o->doc, "operators");
	if (arr == NULL)
		return json_file_error(err, errlen, file, &p,
				       "missing key \"operators\"");
	if (!json_is_array(arr))
		return bad(err, errlen, file, &p, "operators",
			   "expected an array", NULL);
	o->ops = calloc(json_array_size(arr) + 1, sizeof(*o->ops));
	o->asns = calloc(count_all(arr, "asns") + 1, sizeof(*o->asns));
	o->prefixes = calloc(count_all(arr, "prefixes") + 1,
			     sizeof(*o->prefixes));
	o->map = prefix_map_new();
	if (o->ops == NULL || o->asns == NULL || o->prefixes == NULL ||
	    o->map == NULL)
		return bad(err, errlen, file, &p, NULL, "out of memory", NULL);
	json_path_push_key(&p, "operators");
	json_array_foreach(arr, i, e) {
		json_path_push_index(&p, i);
		o->nops++;	/* owns its arrays from here, even on error */
		if (!load_operator(o, &o->ops[i], e, z, file, &p, err, errlen))
			return false;
		json_path_pop(&p);
	}
	qsort(o->asns, o->nasns, sizeof(*o->asns), asn_cmp);
	for (i = 1; i < o->nasns; i++) {
		const struct asn_entry *a = &o->asns[i - 1], *b = &o->asns[i];

		if (a->asn != b->asn)
			continue;
		json_path_push_index(&p, b->op_index);
		json_path_push_key(&p, "asns");
		json_path_push_index(&p, b->asn_index);
		return json_file_error(err, errlen, file, &p,
				       "AS%u is already listed for operator \"%s\"",
				       b->asn, o->ops[a->op_index].id);
	}
	return true;
}

struct operators *operators_load(const char *path, const struct zones *z,
				 char *err, size_t errlen)
{
	struct operators *o = calloc(1, sizeof(*o));

	if (o == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	o->doc = json_file_load(path, OPERATORS_MAX_BYTES, err, errlen);
	if (o->doc == NULL || !load_doc(o, z, path, err, errlen)) {
		operators_free(o);
		return NULL;
	}
	return o;
}

void operators_free(struct operators *o)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < o->nops; i++) {
		free((void *)(uintptr_t)o->ops[i].asns);
		free((void *)(uintptr_t)o->ops[i].as_org_match);
	}
	free(o->ops);
	free(o->asns);
	free(o->prefixes);
	prefix_map_free(o->map);
	json_decref(o->doc);
	free(o);
}

const struct geo_operator *operators_by_asn(const struct operators *o,
					    uint32_t asn)
{
	size_t lo = 0, hi = o->nasns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->asns[mid].asn == asn)
			return &o->ops[o->asns[mid].op_index];
		if (o->asns[mid].asn < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct geo_operator *operators_by_id(const struct operators *o,
					   const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t i = 0; i < o->nops; i++) {
		if (strcmp(o->ops[i].id, id) == 0)
			return &o->ops[i];
	}
	return NULL;
}

const struct operator_prefix *operators_by_prefix(const struct operators *o,
						  const struct geo_addr *a)
{
	return prefix_map_lookup(o->map, a, NULL);
}

size_t operators_count(const struct operators *o)
{
	return o->nops;
}

const struct geo_operator *operators_at(const struct operators *o, size_t i)
{
	return i < o->nops ? &o->ops[i] : NULL;
}
