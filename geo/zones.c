/*
 * zones.c: country -> zone, adequacy decisions, jurisdictions.
 *
 * Both JSON documents stay loaded for the life of the table: every string
 * handed out points into them, so nothing is copied and nothing changes
 * after load. Countries index a 26 x 26 table, so a look-up is two
 * subtractions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_file.h"
#include "zones.h"

enum {
	CC_SLOTS = 26 * 26,
	ZONES_MAX_BYTES = 4 << 20,	/* a few KiB in practice */
};

struct zones {
	json_t *zdoc, *jdoc;
	const char *version;
	unsigned char zone[CC_SLOTS];		/* enum zone; 0 = not listed */
	const char *name[CC_SLOTS];
	const struct adequacy *adequacy[CC_SLOTS];
	const struct jurisdiction *juris[CC_SLOTS];
	struct adequacy *adequacies;
	size_t nadequacies;
	struct jurisdiction *jurisdictions;
	size_t njurisdictions;
};

static const char *const zone_names[] = {
	[ZONE_NONE] = NULL,
	[ZONE_EU] = "eu",
	[ZONE_EEA] = "eea",
	[ZONE_ADEQUACY] = "adequacy",
	[ZONE_THIRD] = "third",
};

const char *zone_name(enum zone z)
{
	if ((unsigned)z > ZONE_THIRD)
		return NULL;
	return zone_names[z];
}

bool zone_parse(const char *s, enum zone *out)
{
	if (s == NULL)
		return false;
	for (unsigned i = ZONE_EU; i <= ZONE_THIRD; i++) {
		if (strcmp(s, zone_names[i]) == 0) {
			*out = (enum zone)i;
			return true;
		}
	}
	return false;
}

bool country_code_valid(const char *s)
{
	return s != NULL && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
	       s[1] <= 'Z' && s[2] == '\0';
}

static int cc_index(const char *cc)
{
	if (!country_code_valid(cc))
		return -1;
	return (cc[0] - 'A') * 26 + (cc[1] - 'A');
}

/* Shared walkers: each reports "file: /pointer: message" and returns
 * false on a bad value. */

static bool get_string(json_t *obj, const char *key, bool required,
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
	json_path_push_key(p, key);
	if (!json_is_string(v) || json_string_length(v) == 0) {
		json_file_error(err, errlen, file, p,
				"expected a non-empty string");
		json_path_pop(p);
		return false;
	}
	json_path_pop(p);
	*out = json_string_value(v);
	return true;
}

static bool check_string_array(json_t *obj, const char *key, bool required,
			       const char *file, struct json_path *p,
			       char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, key), *s;
	size_t i;

	if (v == NULL) {
		if (!required)
			return true;
		return json_file_error(err, errlen, file, p,
				       "missing key \"%s\"", key);
	}
	json_path_push_key(p, key);
	if (!json_is_array(v)) {
		json_file_error(err, errlen, file, p,
				"expected an array of strings");
		json_path_pop(p);
		return false;
	}
	json_array_foreach(v, i, s) {
		if (!json_is_string(s) || json_string_length(s) == 0) {
			json_path_push_index(p, i);
			json_file_error(err, errlen, file, p,
					"expected a non-empty string");
			json_path_pop(p);
			json_path_pop(p);
			return false;
		}
	}
	json_path_pop(p);
	return true;
}

static bool get_code(json_t *obj, const char **out, const char *file,
		     struct json_path *p, char *err, size_t errlen)
{
	if (!get_string(obj, "code", true, out, file, p, err, errlen))
		return false;
	if (!country_code_valid(*out)) {
		json_path_push_key(p, "code");
		json_file_error(err, errlen, file, p,
				"expected a two-letter uppercase country code, got \"%s\"",
				*out);
		json_path_pop(p);
		return false;
	}
	return true;
}

static bool load_country_list(struct zones *z, json_t *root, const char *key,
			      enum zone zone, const char *file,
			      struct json_path *p, char *err, size_t errlen)
{
	static const char *const keys[] = { "code", "name", "source", "note",
					    NULL };
	static const char *const adequacy_keys[] = {
		"code", "name", "decision", "date", "scope", "source", "note",
		NULL
	};
	json_t *arr = json_object_get(root, key), *e;
	size_t i;

	if (arr == NULL)
		return json_file_error(err, errlen, file, p,
				       "missing key \"%s\"", key);
	json_path_push_key(p, key);
	if (!json_is_array(arr)) {
		json_file_error(err, errlen, file, p, "expected an array");
		goto fail;
	}
	if (zone == ZONE_ADEQUACY) {
		z->adequacies = calloc(json_array_size(arr) + 1,
				       sizeof(*z->adequacies));
		if (z->adequacies == NULL) {
			json_file_error(err, errlen, file, p, "out of memory");
			goto fail;
		}
	}
	json_array_foreach(arr, i, e) {
		const char *code, *name;
		int ix;

		json_path_push_index(p, i);
		if (!json_is_object(e)) {
			json_file_error(err, errlen, file, p,
					"expected an object");
			goto fail_entry;
		}
		if (!json_file_check_keys(e, zone == ZONE_ADEQUACY ?
					  adequacy_keys : keys,
					  err, errlen, file, p))
			goto fail_entry;
		if (!get_code(e, &code, file, p, err, errlen) ||
		    !get_string(e, "name", true, &name, file, p, err, errlen))
			goto fail_entry;
		ix = cc_index(code);
		if (z->zone[ix] != ZONE_NONE) {
			json_path_push_key(p, "code");
			json_file_error(err, errlen, file, p,
					"%s is listed twice (already in \"%s\")",
					code, zone_name((enum zone)z->zone[ix]));
			json_path_pop(p);
			goto fail_entry;
		}
		z->zone[ix] = (unsigned char)zone;
		z->name[ix] = name;
		if (zone == ZONE_ADEQUACY) {
			struct adequacy *a = &z->adequacies[z->nadequacies++];
			const char *note;

			memcpy(a->code, code, 3);
			a->name = name;
			if (!get_string(e, "decision", true, &a->decision, file,
					p, err, errlen) ||
			    !get_string(e, "date", true, &a->date, file, p,
					err, errlen) ||
			    !get_string(e, "scope", true, &a->scope, file, p,
					err, errlen) ||
			    !get_string(e, "source", true, &a->source, file,
					p, err, errlen) ||
			    !get_string(e, "note", false, &note, file, p, err,
					errlen))
				goto fail_entry;
			z->adequacy[ix] = a;
		} else {
			const char *s;

			if (!get_string(e, "source", false, &s, file, p, err,
					errlen) ||
			    !get_string(e, "note", false, &s, file, p, err,
					errlen))
				goto fail_entry;
		}
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

static bool load_zones_file(struct zones *z, const char *file, char *err,
			    size_t errlen)
{
	static const char *const keys[] = { "version", "eu", "eea", "adequacy",
					    "notes", "sources", NULL };
	struct json_path p;

	z->zdoc = json_file_load(file, ZONES_MAX_BYTES, err, errlen);
	if (z->zdoc == NULL)
		return false;
	json_path_init(&p);
	if (!json_is_object(z->zdoc))
		return json_file_error(err, errlen, file, &p,
				       "expected an object");
	if (!json_file_check_keys(z->zdoc, keys, err, errlen, file, &p) ||
	    !get_string(z->zdoc, "version", false, &z->version, file, &p, err,
			errlen) ||
	    !check_string_array(z->zdoc, "notes", false, file, &p, err,
				errlen) ||
	    !check_string_array(z->zdoc, "sources", false, file, &p, err,
				errlen))
		return false;
	return load_country_list(z, z->zdoc, "eu", ZONE_EU, file, &p, err,
				 errlen) &&
	       load_country_list(z, z->zdoc, "eea", ZONE_EEA, file, &p, err,
				 errlen) &&
	       load_country_list(z, z->zdoc, "adequacy", ZONE_ADEQUACY, file,
				 &p, err, errlen);
}

static bool load_laws(struct jurisdiction *j, json_t *e, const char *file,
		      struct json_path *p, char *err, size_t errlen)
{
	json_t *laws = json_object_get(e, "laws"), *s;
	const char **arr;
	size_t i, total = 1;
	char *text;

	if (!check_string_array(e, "laws", true, file, p, err, errlen))
		return false;
	j->nlaws = json_array_size(laws);
	arr = calloc(j->nlaws + 1, sizeof(*arr));
	if (arr == NULL)
		return json_file_error(err, errlen, file, p, "out of memory");
	j->laws = arr;
	json_array_foreach(laws, i, s) {
		arr[i] = json_string_value(s);
		total += strlen(arr[i]) + 2;
	}
	text = malloc(total);
	if (text == NULL)
		return json_file_error(err, errlen, file, p, "out of memory");
	text[0] = '\0';
	for (i = 0; i < j->nlaws; i++) {
		if (i > 0)
			strcat(text, ", ");
		strcat(text, arr[i]);
	}
	j->laws_text = text;
	return true;
}

static bool load_jurisdiction(struct zones *z, json_t *e, const char *file,
			      struct json_path *p, char *err, size_t errlen)
{
	static const char *const keys[] = { "code", "name", "extraterritorial",
					    "laws", "sources", "note", NULL };
	struct jurisdiction *j = &z->jurisdictions[z->njurisdictions];
	const char *code, *note;
	json_t *ext;
	int ix;

	if (!json_is_object(e))
		return json_file_error(err, errlen, file, p,
				       "expected an object");
	if (!json_file_check_keys(e, keys, err, errlen, file, p) ||
	    !get_code(e, &code, file, p, err, errlen) ||
	    !get_string(e, "name", true, &j->name, file, p, err, errlen) ||
	    !get_string(e, "note", false, &note, file, p, err, errlen) ||
	    !check_string_array(e, "sources", true, file, p, err, errlen))
		return false;
	memcpy(j->code, code, 3);
	ix = cc_index(code);
	if (z->juris[ix] != NULL) {
		json_path_push_key(p, "code");
		json_file_error(err, errlen, file, p,
				"jurisdiction %s is listed twice", code);
		json_path_pop(p);
		return false;
	}
	ext = json_object_get(e, "extraterritorial");
	if (ext == NULL)
		return json_file_error(err, errlen, file, p,
				       "missing key \"extraterritorial\"");
	json_path_push_key(p, "extraterritorial");
	if (!json_is_boolean(ext)) {
		json_file_error(err, errlen, file, p,
				"expected true or false");
		json_path_pop(p);
		return false;
	}
	json_path_pop(p);
	j->extraterritorial = json_is_true(ext);
	z->njurisdictions++;	/* owns its laws from here, even on error */
	if (!load_laws(j, e, file, p, err, errlen))
		return false;
	json_path_push_key(p, j->nlaws == 0 ? "extraterritorial" : "laws");
	if (j->extraterritorial && j->nlaws == 0) {
		json_file_error(err, errlen, file, p,
				"an extraterritorial jurisdiction must name the laws that reach data abroad");
		json_path_pop(p);
		return false;
	}
	if (!j->extraterritorial && j->nlaws > 0) {
		json_file_error(err, errlen, file, p,
				"laws are listed only for an extraterritorial jurisdiction");
		json_path_pop(p);
		return false;
	}
	json_path_pop(p);
	if (json_array_size(json_object_get(e, "sources")) == 0) {
		json_path_push_key(p, "sources");
		json_file_error(err, errlen, file, p,
				"at least one source is required");
		json_path_pop(p);
		return false;
	}
	z->juris[ix] = j;
	return true;
}

static bool load_jurisdictions_file(struct zones *z, const char *file,
				    char *err, size_t errlen)
{
	static const char *const keys[] = { "version", "jurisdictions",
					    "notes", "sources", NULL };
	struct json_path p;
	const char *version;
	json_t *arr, *e;
	size_t i;

	z->jdoc = json_file_load(file, ZONES_MAX_BYTES, err, errlen);
	if (z->jdoc == NULL)
		return false;
	json_path_init(&p);
	if (!json_is_object(z->jdoc))
		return json_file_error(err, errlen, file, &p,
				       "expected an object");
	if (!json_file_check_keys(z->jdoc, keys, err, errlen, file, &p) ||
	    !get_string(z->jdoc, "version", false, &version, file, &p, err,
			errlen) ||
	    !check_string_array(z->jdoc, "notes", false, file, &p, err,
				errlen) ||
	    !check_string_array(z->jdoc, "sources", false, file, &p, err,
				errlen))
		return false;
	arr = json_object_get(z->jdoc, "jurisdictions");
	if (arr == NULL)
		return json_file_error(err, errlen, file, &p,
				       "missing key \"jurisdictions\"");
	json_path_push_key(&p, "jurisdictions");
	if (!json_is_array(arr))
		return json_file_error(err, errlen, file, &p,
				       "expected an array");
	z->jurisdictions = calloc(json_array_size(arr) + 1,
				  sizeof(*z->jurisdictions));
	if (z->jurisdictions == NULL)
		return json_file_error(err, errlen, file, &p, "out of memory");
	json_array_foreach(arr, i, e) {
		json_path_push_index(&p, i);
		if (!load_jurisdiction(z, e, file, &p, err, errlen))
			return false;
		json_path_pop(&p);
	}
	return true;
}

struct zones *zones_load(const char *zones_path, const char *juris_path,
			 char *err, size_t errlen)
{
	struct zones *z = calloc(1, sizeof(*z));

	if (z == NULL) {
		snprintf(err, errlen, "%s: out of memory", zones_path);
		return NULL;
	}
	if (!load_zones_file(z, zones_path, err, errlen) ||
	    !load_jurisdictions_file(z, juris_path, err, errlen)) {
		zones_free(z);
		return NULL;
	}
	if (z->version == NULL)
		z->version = "";
	return z;
}

void zones_free(struct zones *z)
{
	if (z == NULL)
		return;
	for (size_t i = 0; i < z->njurisdictions; i++) {
		free((void *)(uintptr_t)z->jurisdictions[i].laws);
		free((void *)(uintptr_t)z->jurisdictions[i].laws_text);
	}
	free(z->jurisdictions);
	free(z->adequacies);
	json_decref(z->zdoc);
	json_decref(z->jdoc);
	free(z);
}

enum zone zones_zone(const struct zones *z, const char *cc)
{
	int ix = cc_index(cc);

	if (ix < 0)
		return ZONE_NONE;
	/* "ZZ" (DB-IP, IPinfo) and "XX" mean unknown; user-assigned codes
	 * say nothing about a place. */
	if (strcmp(cc, "ZZ") == 0 || strcmp(cc, "XX") == 0)
		return ZONE_NONE;
	if (z->zone[ix] != ZONE_NONE)
		return (enum zone)z->zone[ix];
	return ZONE_THIRD;
}

const char *zones_country_name(const struct zones *z, const char *cc)
{
	int ix = cc_index(cc);

	if (ix < 0)
		return NULL;
	if (z->name[ix] != NULL)
		return z->name[ix];
	if (z->juris[ix] != NULL)
		return z->juris[ix]->name;
	return NULL;
}

const struct adequacy *zones_adequacy(const struct zones *z, const char *cc)
{
	int ix = cc_index(cc);

	return ix < 0 ? NULL : z->adequacy[ix];
}

const struct jurisdiction *zones_jurisdiction(const struct zones *z,
					      const char *cc)
{
	int ix = cc_index(cc);

	return ix < 0 ? NULL : z->juris[ix];
}

const char *zones_version(const struct zones *z)
{
	return z->version;
}

size_t zones_jurisdiction_count(const struct zones *z)
{
	return z->njurisdictions;
}

const struct jurisdiction *zones_jurisdiction_at(const struct zones *z,
						 size_t i)
{
	return i < z->njurisdictions ? &z->jurisdictions[i] : NULL;
}
