/*
 * cloud_ranges.c: the providers' own range files, placed in countries.
 *
 * Jobs: read every *.json in --cloud-ranges DIR (in name order, so the
 * result never depends on readdir), recognise each provider's format by its
 * top-level keys rather than its name, map each region to a country with
 * geo/data/cloud-regions.json, and answer "most specific range containing
 * this address" through a prefix trie.
 *
 * Formats, as the providers publish them:
 *   AWS ip-ranges.json: {"syncToken","createDate","prefixes":[{"ip_prefix",
 *     "region","service","network_border_group"}],"ipv6_prefixes":[{
 *     "ipv6_prefix","region",...}]}; region "GLOBAL" for CloudFront & co.
 *   Google cloud.json: {"syncToken","creationTime","prefixes":[{
 *     "ipv4Prefix"|"ipv6Prefix","service","scope"}]}; scope is the region.
 *   Azure ServiceTags_Public_YYYYMMDD.json: {"changeNumber","cloud",
 *     "values":[{"name","id","properties":{"region","addressPrefixes":[]}}]};
 *     region "" for tags that span every region.
 *   Oracle public_ip_ranges.json: {"last_updated_timestamp","regions":[{
 *     "region","cidrs":[{"cidr","tags":[]}]}]}.
 * The same prefix often appears more than once (AWS lists it per service,
 * Azure in the global "AzureCloud" tag and again in "AzureCloud.<region>"):
 * the first regional entry wins, and a regional entry replaces a global one.
 *
 * Must never: trust a value's type, or let a bad file half-load (any error
 * fails the whole load, naming the file and the JSON pointer).
 */
#include "geo/cloud_ranges.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "geo/json_file.h"
#include "geo/prefix_map.h"

/* The largest provider file today is Azure's at about 5 MB. */
#define CLOUD_FILE_MAX ((size_t)64 << 20)
#define REGIONS_FILE_MAX ((size_t)4 << 20)

struct cloud_ranges {
	struct prefix_map *map;		/* prefix -> index + 1 into ranges */
	struct cloud_range *ranges;
	size_t n, cap;
	char **strings;			/* interned region names */
	size_t nstrings, capstrings;
	size_t unmapped, global, files;
};

struct region_entry {
	const char *provider;
	const char *region;		/* borrowed from the regions JSON */
	char country[3];
};

struct loader {
	struct cloud_ranges *cr;
	struct region_entry *regions;
	size_t nregions;
	const struct region_entry *last;	/* consecutive prefixes share it */
	const char *file;
	struct json_path jp;
	char *err;
	size_t errlen;
};

/* One copy of each name: region entries are matched to ranges by pointer. */
static const char P_AWS[] = "aws", P_GOOGLE[] = "google", P_AZURE[] = "azure",
		  P_ORACLE[] = "oracle";
static const char *const providers[] = { P_AWS, P_GOOGLE, P_AZURE, P_ORACLE,
					 NULL };

/* ---- region -> country table ---------------------------------------- */

static bool country_code_ok(const char *s)
{
	return s && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' &&
	       s[1] >= 'A' && s[1] <= 'Z';
}

static bool regions_load(struct loader *L, const char *path, json_t **keep)
{
	static const char *const provider_keys[] = { "source", "regions",
						     "comment", NULL };
	static const char *const top_keys[] = { "aws", "google", "azure",
						"oracle", "comment", NULL };
	json_t *root, *pv, *regions, *cv;
	const char *pname, *rname;
	size_t total = 0;

	root = json_file_load(path, REGIONS_FILE_MAX, L->err, L->errlen);
	if (!root)
		return false;
	*keep = root;
	json_path_init(&L->jp);
	if (!json_file_check_keys(root, top_keys, L->err, L->errlen, path,
				  &L->jp))
		return false;
	json_object_foreach(root, pname, pv) {
		if (strcmp(pname, "comment") == 0)
			continue;
		json_path_push_key(&L->jp, pname);
		if (!json_file_check_keys(pv, provider_keys, L->err, L->errlen,
					  path, &L->jp))
			return false;
		regions = json_object_get(pv, "regions");
		if (!regions)
			return json_file_error(L->err, L->errlen, path, &L->jp,
					       "missing \"regions\"");
		if (!json_is_object(regions)) {
			json_path_push_key(&L->jp, "regions");
			return json_file_error(L->err, L->errlen, path, &L->jp,
					       "expected an object, got %s",
					       json_file_type_name(regions));
		}
		total += json_object_size(regions);
		json_path_pop(&L->jp);
	}
	L->regions = calloc(total ? total : 1, sizeof(*L->regions));
	if (!L->regions)
		return json_file_error(L->err, L->errlen, path, NULL,
				       "out of memory");
	json_object_foreach(root, pname, pv) {
		const char *prov = NULL;

		for (size_t i = 0; providers[i]; i++)
			if (strcmp(pname, providers[i]) == 0)
				prov = providers[i];
		if (!prov)
			continue;
		json_path_push_key(&L->jp, pname);
		json_path_push_key(&L->jp, "regions");
		json_object_foreach(json_object_get(pv, "regions"), rname, cv) {
			struct region_entry *r = &L->regions[L->nregions++];
			char q[64];

			if (!json_is_string(cv) ||
			    !country_code_ok(json_string_value(cv))) {
				json_path_push_key(&L->jp, rname);
				if (!json_is_string(cv))
					return json_file_error(L->err, L->errlen,
							       path, &L->jp,
							       "expected a country code, got %s",
							       json_file_type_name(cv));
				return json_file_error(L->err, L->errlen, path,
						       &L->jp,
						       "expected an ISO 3166-1 alpha-2 code like \"FR\", got \"%s\"",
						       json_file_quote(json_string_value(cv),
								       q, sizeof(q)));
			}
			r->provider = prov;
			r->region = rname;
			memcpy(r->country, json_string_value(cv), 3);
		}
		json_path_pop(&L->jp);
		json_path_pop(&L->jp);
	}
	return true;
}

/* Region names compare without case: Azure writes "francecentral" in the
 * service tags and "FranceCentral" in places. */
static const char *region_country(struct loader *L, const char *provider,
				  const char *region)
{
	if (L->last && L->last->provider == provider &&
	    strcasecmp(L->last->region, region) == 0)
		return L->last->country;
	for (size_t i = 0; i < L->nregions; i++) {
		const struct region_entry *r = &L->regions[i];

		if (r->provider == provider &&
		    strcasecmp(r->region, region) == 0) {
			L->last = r;
			return r->country;
		}
	}
	return NULL;
}

/* ---- the range store -------------------------------------------------- */

static const char *intern(struct cloud_ranges *cr, const char *s)
{
	/* Consecutive entries nearly always share a region, and a file has
	 * a few hundred regions at most: a backwards scan is enough. */
	for (size_t i = cr->nstrings; i-- > 0;)
		if (strcmp(cr->strings[i], s) == 0)
			return cr->strings[i];
	if (cr->nstrings == cr->capstrings) {
		size_t cap = cr->capstrings ? cr->capstrings * 2 : 64;
		char **p = realloc(cr->strings, cap * sizeof(*p));

		if (!p)
			return NULL;
		cr->strings = p;
		cr->capstrings = cap;
	}
	cr->strings[cr->nstrings] = strdup(s);
	if (!cr->strings[cr->nstrings])
		return NULL;
	return cr->strings[cr->nstrings++];
}

static bool oom(struct loader *L)
{
	return json_file_error(L->err, L->errlen, L->file, &L->jp,
			       "out of memory");
}

/*
 * Adds one prefix. want_family is 4 or 6 when the key says which (AWS's
 * ip_prefix, Google's ipv4Prefix), 0 when either is fine. The JSON path
 * points at the prefix value.
 */
static bool add_range(struct loader *L, const char *provider, json_t *pv,
		      int want_family, const char *region, bool global)
{
	struct cloud_ranges *cr = L->cr;
	struct geo_prefix p;
	char why[96], q[128];
	const char *country = NULL, *reg;
	void *old;

	if (!json_is_string(pv))
		return json_file_error(L->err, L->errlen, L->file, &L->jp,
				       "expected a CIDR, got %s",
				       json_file_type_name(pv));
	if (!geo_prefix_parse(json_string_value(pv), &p, why, sizeof(why)))
		return json_file_error(L->err, L->errlen, L->file, &L->jp,
				       "expected a CIDR, got \"%s\" (%s)",
				       json_file_quote(json_string_value(pv), q,
						       sizeof(q)), why);
	if (want_family && p.addr.family != want_family)
		return json_file_error(L->err, L->errlen, L->file, &L->jp,
				       "expected an IPv%d prefix, got \"%s\"",
				       want_family,
				       json_file_quote(json_string_value(pv), q,
						       sizeof(q)));
	if (!global)
		country = region_country(L, provider, region);
	reg = intern(cr, region);
	if (!reg)
		return oom(L);

	if (cr->n == cr->cap) {
		size_t cap = cr->cap ? cr->cap * 2 : 1024;
		struct cloud_range *r = realloc(cr->ranges, cap * sizeof(*r));

		if (!r)
			return oom(L);
		cr->ranges = r;
		cr->cap = cap;
	}
	struct cloud_range *r = &cr->ranges[cr->n];

	memset(r, 0, sizeof(*r));
	r->provider = provider;
	r->region = reg;
	if (country)
		memcpy(r->country, country, 3);
	r->prefix = p;
	if (!prefix_map_insert(cr->map, &p, (void *)(uintptr_t)(cr->n + 1),
			       &old)) {
		struct cloud_range *prev;

		if (!old)
			return oom(L);
		/* A duplicate: the first regional entry stays, but a
		 * regional one replaces a global one (Azure lists every
		 * prefix in "AzureCloud", region "", before its regional
		 * tag). Global entries are the only ones named so. */
		prev = &cr->ranges[(uintptr_t)old - 1];
		if (global || prev->provider != provider ||
		    strcasecmp(prev->region, "global") != 0)
			return true;
		cr->global--;
		prev->region = reg;
		memcpy(prev->country, r->country, 3);
		if (!country)
			cr->unmapped++;
		return true;
	}
	cr->n++;
	if (global)
		cr->global++;
	else if (!country)
		cr->unmapped++;
	return true;
}

/* ---- JSON walking helpers --------------------------------------------- */

/* obj[key] must be of the type check accepts; the path ends on the key
 * when this fails, and is restored when it succeeds. */
static json_t *member(struct loader *L, json_t *obj, const char *key,
		      json_type type, bool required)
{
	json_t *v = json_object_get(obj, key);
	static const char *const want[] = {
		[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
		[JSON_STRING] = "a string",
	};

	if (!v) {
		if (required)
			json_file_error(L->err, L->errlen, L->file, &L->jp,
					"missing \"%s\"", key);
		return NULL;
	}
	if (json_typeof(v) != type) {
		json_path_push_key(&L->jp, key);
		json_file_error(L->err, L->errlen, L->file, &L->jp,
				"expected %s, got %s", want[type],
				json_file_type_name(v));
		return NULL;
	}
	return v;
}

static bool expect_object(struct loader *L, json_t *v)
{
	if (json_is_object(v))
		return true;
	return json_file_error(L->err, L->errlen, L->file, &L->jp,
			       "expected an object, got %s",
			       json_file_type_name(v));
}

/* ---- the four formats ------------------------------------------------- */

static bool aws_list(struct loader *L, json_t *root, const char *list,
		     const char *key, int family)
{
	json_t *arr, *e;
	size_t i;

	/* Old files (before 2016) have no IPv6 list. */
	if (family == 6 && !json_object_get(root, list))
		return true;
	arr = member(L, root, list, JSON_ARRAY, true);
	if (!arr)
		return false;
	json_path_push_key(&L->jp, list);
	json_array_foreach(arr, i, e) {
		json_t *region, *pv;

		json_path_push_index(&L->jp, i);
		if (!expect_object(L, e))
			return false;
		region = member(L, e, "region", JSON_STRING, true);
		if (!region)
			return false;
		pv = json_object_get(e, key);
		if (!pv)
			return json_file_error(L->err, L->errlen, L->file,
					       &L->jp, "missing \"%s\"", key);
		json_path_push_key(&L->jp, key);
		/* CloudFront, Route 53 and Global Accelerator are GLOBAL:
		 * served from everywhere. */
		if (!add_range(L, P_AWS, pv, family, json_string_value(region),
			       strcmp(json_string_value(region), "GLOBAL") == 0))
			return false;
		json_path_pop(&L->jp);
		json_path_pop(&L->jp);
	}
	json_path_pop(&L->jp);
	return true;
}

static bool load_aws(struct loader *L, json_t *root)
{
	return aws_list(L, root, "prefixes", "ip_prefix", 4) &&
	       aws_list(L, root, "ipv6_prefixes", "ipv6_prefix", 6);
}

static bool load_google(struct loader *L, json_t *root)
{
	json_t *arr = member(L, root, "prefixes", JSON_ARRAY, true), *e;
	size_t i;

	if (!arr)
		return false;
	json_path_push_key(&L->jp, "prefixes");
	json_array_foreach(arr, i, e) {
		json_t *scope, *v4, *v6;

		json_path_push_index(&L->jp, i);
		if (!expect_object(L, e))
			return false;
		scope = member(L, e, "scope", JSON_STRING, true);
		if (!scope)
			return false;
		v4 = json_object_get(e, "ipv4Prefix");
		v6 = json_object_get(e, "ipv6Prefix");
		if (!v4 == !v6)
			return json_file_error(L->err, L->errlen, L->file,
					       &L->jp,
					       "expected one of \"ipv4Prefix\" and \"ipv6Prefix\"");
		json_path_push_key(&L->jp, v4 ? "ipv4Prefix" : "ipv6Prefix");
		if (!add_range(L, P_GOOGLE, v4 ? v4 : v6, v4 ? 4 : 6,
			       json_string_value(scope), false))
			return false;
		json_path_pop(&L->jp);
		json_path_pop(&L->jp);
	}
	json_path_pop(&L->jp);
	return true;
}

static bool load_azure(struct loader *L, json_t *root)
{
	json_t *arr = member(L, root, "values", JSON_ARRAY, true), *e;
	size_t i;

	if (!arr)
		return false;
	json_path_push_key(&L->jp, "values");
	json_array_foreach(arr, i, e) {
		json_t *props, *region, *list, *pv;
		const char *reg;
		bool global;
		size_t j;

		json_path_push_index(&L->jp, i);
		if (!expect_object(L, e))
			return false;
		props = member(L, e, "properties", JSON_OBJECT, true);
		if (!props)
			return false;
		json_path_push_key(&L->jp, "properties");
		region = member(L, props, "region", JSON_STRING, true);
		if (!region)
			return false;
		list = member(L, props, "addressPrefixes", JSON_ARRAY, true);
		if (!list)
			return false;
		/* Tags with region "" (AzureCloud, the service-wide tags)
		 * span every region. */
		reg = json_string_value(region);
		global = reg[0] == '\0';
		json_path_push_key(&L->jp, "addressPrefixes");
		json_array_foreach(list, j, pv) {
			json_path_push_index(&L->jp, j);
			if (!add_range(L, P_AZURE, pv, 0,
				       global ? "global" : reg, global))
				return false;
			json_path_pop(&L->jp);
		}
		json_path_pop(&L->jp);
		json_path_pop(&L->jp);
		json_path_pop(&L->jp);
	}
	json_path_pop(&L->jp);
	return true;
}

static bool load_oracle(struct loader *L, json_t *root)
{
	json_t *arr = member(L, root, "regions", JSON_ARRAY, true), *e;
	size_t i;

	if (!arr)
		return false;
	json_path_push_key(&L->jp, "regions");
	json_array_foreach(arr, i, e) {
		json_t *region, *cidrs, *c;
		size_t j;

		json_path_push_index(&L->jp, i);
		if (!expect_object(L, e))
			return false;
		region = member(L, e, "region", JSON_STRING, true);
		if (!region)
			return false;
		cidrs = member(L, e, "cidrs", JSON_ARRAY, true);
		if (!cidrs)
			return false;
		json_path_push_key(&L->jp, "cidrs");
		json_array_foreach(cidrs, j, c) {
			json_t *pv;

			json_path_push_index(&L->jp, j);
			if (!expect_object(L, c))
				return false;
			pv = json_object_get(c, "cidr");
			if (!pv)
				return json_file_error(L->err, L->errlen,
						       L->file, &L->jp,
						       "missing \"cidr\"");
			json_path_push_key(&L->jp, "cidr");
			if (!add_range(L, P_ORACLE, pv, 0,
				       json_string_value(region), false))
				return false;
			json_path_pop(&L->jp);
			json_path_pop(&L->jp);
		}
		json_path_pop(&L->jp);
		json_path_pop(&L->jp);
	}
	json_path_pop(&L->jp);
	return true;
}

enum format { FMT_UNKNOWN, FMT_AWS, FMT_GOOGLE, FMT_AZURE, FMT_ORACLE };

/* By content: the top-level keys each provider always writes. */
static enum format recognise(json_t *root)
{
	if (!json_is_object(root))
		return FMT_UNKNOWN;
#define HAS(k) (json_object_get(root, k) != NULL)
	if (HAS("prefixes") && HAS("creationTime"))
		return FMT_GOOGLE;
	if (HAS("prefixes") && (HAS("createDate") || HAS("ipv6_prefixes")))
		return FMT_AWS;
	if (HAS("values") && (HAS("cloud") || HAS("changeNumber")))
		return FMT_AZURE;
	if (HAS("regions") && HAS("last_updated_timestamp"))
		return FMT_ORACLE;
#undef HAS
	return FMT_UNKNOWN;
}

static int json_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	       strcmp(d->d_name + n - 5, ".json") == 0;
}

static bool load_file(struct loader *L, const char *path)
{
	json_t *root = json_file_load(path, CLOUD_FILE_MAX, L->err, L->errlen);
	bool ok = true;

	if (!root)
		return false;
	L->file = path;
	json_path_init(&L->jp);
	switch (recognise(root)) {
	case FMT_AWS:
		ok = load_aws(L, root);
		break;
	case FMT_GOOGLE:
		ok = load_google(L, root);
		break;
	case FMT_AZURE:
		ok = load_azure(L, root);
		break;
	case FMT_ORACLE:
		ok = load_oracle(L, root);
		break;
	case FMT_UNKNOWN:
	default:
		json_decref(root);
		return true;	/* not a range file: left alone */
	}
	if (ok)
		L->cr->files++;
	json_decref(root);
	return ok;
}

struct cloud_ranges *cloud_ranges_load(const char *dir,
				       const char *regions_path, char *err,
				       size_t errlen)
{
	struct loader L;
	struct dirent **names = NULL;
	json_t *regions_root = NULL;
	int n;
	bool ok = true;

	memset(&L, 0, sizeof(L));
	L.err = err;
	L.errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	L.cr = calloc(1, sizeof(*L.cr));
	if (L.cr)
		L.cr->map = prefix_map_new();
	if (!L.cr || !L.cr->map) {
		snprintf(err, errlen, "%s: out of memory", dir);
		cloud_ranges_free(L.cr);
		return NULL;
	}
	if (!regions_load(&L, regions_path, &regions_root)) {
		ok = false;
		goto out;
	}
	n = scandir(dir, &names, json_name, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		ok = false;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (ok) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
					     names[i]->d_name) >= sizeof(path)) {
				snprintf(err, errlen, "%s: path too long", dir);
				ok = false;
			} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				ok = load_file(&L, path);
			}
		}
		free(names[i]);
	}
	free(names);
	if (ok && L.cr->files == 0) {
		snprintf(err, errlen,
			 "%s: no AWS, Google Cloud, Azure or Oracle range file (*.json) found",
			 dir);
		ok = false;
	}
out:
	free(L.regions);
	json_decref(regions_root);
	if (!ok) {
		cloud_ranges_free(L.cr);
		return NULL;
	}
	return L.cr;
}

void cloud_ranges_free(struct cloud_ranges *cr)
{
	if (!cr)
		return;
	prefix_map_free(cr->map);
	for (size_t i = 0; i < cr->nstrings; i++)
		free(cr->strings[i]);
	free(cr->strings);
	free(cr->ranges);
	free(cr);
}

const struct cloud_range *cloud_ranges_lookup(const struct cloud_ranges *cr,
					      const struct geo_addr *a)
{
	void *v;

	if (!cr || !a)
		return NULL;
	v = prefix_map_lookup(cr->map, a, NULL);
	if (!v)
		return NULL;
	return &cr->ranges[(uintptr_t)v - 1];
}

size_t cloud_ranges_count(const struct cloud_ranges *cr)
{
	return cr ? cr->n : 0;
}

size_t cloud_ranges_unmapped(const struct cloud_ranges *cr)
{
	return cr ? cr->unmapped : 0;
}

size_t cloud_ranges_global(const struct cloud_ranges *cr)
{
	return cr ? cr->global : 0;
}

size_t cloud_ranges_files(const struct cloud_ranges *cr)
{
	return cr ? cr->files : 0;
}
