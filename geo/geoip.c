/*
 * geoip.c: country and AS look-ups in MaxMind DB files (libmaxminddb).
 *
 * Jobs: open a country database and an AS database memory-mapped; tell
 * their schema apart (metadata database_type, then the keys that records
 * actually carry: a few well-known addresses first, then the first records
 * of the search tree); refuse a database of the wrong kind with a message
 * saying what it holds; answer look-ups with values copied out, bounded and
 * validated (country codes as two letters, AS names as printable UTF-8).
 *
 * Must never: cache answers (the classifier caches whole verdicts), crash
 * on a corrupt file (a bad record is counted in lookup_errors and answers
 * nothing), or hand jansson a byte it would refuse.
 *
 * The files are mapped: replacing a database must be done by rename(2), as
 * MaxMind's geoipupdate does; truncating a mapped file in place would
 * fault on the next look-up, as it would for any mmap reader.
 */
#include "geo/geoip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "geo/json_file.h"

struct geoip_db {
	MMDB_s mmdb;
	bool open;
	char *path;
	enum geoip_schema schema;
	char type[64];		/* database_type, quoted for display */
	uint64_t build_epoch;
};

struct geoip {
	struct geoip_db country, asn;
	uint64_t lookup_errors;	/* atomic: look-ups may run on workers */
};

enum fetch { FETCH_ABSENT, FETCH_OK, FETCH_CORRUPT };

/* A value at path, telling "not there" (or not a map on the way) from
 * "the data section is broken". */
static enum fetch fetch_value(MMDB_entry_s *e, MMDB_entry_data_s *d,
			      const char *const *path)
{
	int rc;

	memset(d, 0, sizeof(*d));
	rc = MMDB_aget_value(e, d, path);
	if (rc == MMDB_SUCCESS)
		return d->has_data ? FETCH_OK : FETCH_ABSENT;
	if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
	    rc == MMDB_INVALID_LOOKUP_PATH_ERROR)
		return FETCH_ABSENT;
	return FETCH_CORRUPT;
}

static const char *const path_country[] = { "country", "iso_code", NULL };
static const char *const path_registered[] = { "registered_country",
					       "iso_code", NULL };
static const char *const path_continent[] = { "continent", "code", NULL };
static const char *const path_country_code[] = { "country_code", NULL };
static const char *const path_country_flat[] = { "country", NULL };
static const char *const path_continent_code[] = { "continent_code", NULL };
static const char *const path_asn[] = { "asn", NULL };
static const char *const path_as_name[] = { "as_name", NULL };
static const char *const path_as_number[] = { "autonomous_system_number",
					      NULL };
static const char *const path_as_org[] = { "autonomous_system_organization",
					   NULL };

/* ISO 3166-1 alpha-2: two ASCII letters, upper-cased. Anything else (a
 * country name, "", bytes) is unknown rather than a guess. */
static void copy_country(const MMDB_entry_data_s *d, char out[3])
{
	char c0, c1;

	out[0] = '\0';
	if (d->type != MMDB_DATA_TYPE_UTF8_STRING || d->data_size != 2)
		return;
	c0 = d->utf8_string[0];
	c1 = d->utf8_string[1];
	if (c0 >= 'a' && c0 <= 'z')
		c0 = (char)(c0 - 'a' + 'A');
	if (c1 >= 'a' && c1 <= 'z')
		c1 = (char)(c1 - 'a' + 'A');
	if (c0 < 'A' || c0 > 'Z' || c1 < 'A' || c1 > 'Z')
		return;
	out[0] = c0;
	out[1] = c1;
	out[2] = '\0';
}

/*
 * Copies at most outlen - 1 bytes of s, keeping well-formed UTF-8 and
 * replacing control characters (C0, DEL, C1) and every byte that does not
 * start a well-formed character with '?'. Never cuts a character in two.
 */
static void copy_sanitised(const char *s, size_t n, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	while (n > 0) {
		size_t ulen = json_file_utf8_len(p, n);
		bool bad = ulen == 0 ||
			   (ulen == 1 && (*p < 0x20 || *p == 0x7f)) ||
			   (ulen == 2 && p[0] == 0xc2 && p[1] < 0xa0);
		size_t w = bad ? 1 : ulen;

		if (o + w >= outlen)
			break;
		if (bad) {
			out[o++] = '?';
			p++;
			n--;
			continue;
		}
		memcpy(out + o, p, ulen);
		o += ulen;
		p += ulen;
		n -= ulen;
	}
	out[o] = '\0';
}

/* "AS16509", "as16509" or "16509" -> 16509; 0 for anything else. */
static uint32_t parse_asn_text(const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		i = 2;
	if (i == n || n - i > 10)
		return 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v <= UINT32_MAX ? (uint32_t)v : 0;
}

static uint32_t asn_value(const MMDB_entry_data_s *d)
{
	switch (d->type) {
	case MMDB_DATA_TYPE_UINT16:
		return d->uint16;
	case MMDB_DATA_TYPE_UINT32:
		return d->uint32;
	case MMDB_DATA_TYPE_UINT64:
		return d->uint64 <= UINT32_MAX ? (uint32_t)d->uint64 : 0;
	case MMDB_DATA_TYPE_INT32:
		return d->int32 > 0 ? (uint32_t)d->int32 : 0;
	case MMDB_DATA_TYPE_UTF8_STRING:
		return parse_asn_text(d->utf8_string, d->data_size);
	default:
		return 0;
	}
}

static void copy_org(const MMDB_entry_data_s *d, char *out, size_t outlen)
{
	out[0] = '\0';
	if (d->type == MMDB_DATA_TYPE_UTF8_STRING)
		copy_sanitised(d->utf8_string, d->data_size, out, outlen);
}

/* One answer field: false when the record is corrupt. */
static bool get_country(MMDB_entry_s *e, const char *const *path, char out[3])
{
	MMDB_entry_data_s d;
	enum fetch f = fetch_value(e, &d, path);

	if (f == FETCH_OK)
		copy_country(&d, out);
	return f != FETCH_CORRUPT;
}

static bool get_asn(MMDB_entry_s *e, const char *const *num_path,
		    const char *const *org_path, struct geoip_answer *out)
{
	MMDB_entry_data_s d;
	enum fetch f = fetch_value(e, &d, num_path);

	if (f == FETCH_CORRUPT)
		return false;
	if (f == FETCH_OK)
		out->asn = asn_value(&d);
	f = fetch_value(e, &d, org_path);
	if (f == FETCH_CORRUPT)
		return false;
	if (f == FETCH_OK)
		copy_org(&d, out->as_org, sizeof(out->as_org));
	return true;
}

/* Fills the fields schema s carries; false on a corrupt record. */
static bool extract(MMDB_entry_s *e, enum geoip_schema s, bool want_country,
		    bool want_asn, struct geoip_answer *out)
{
	bool ok = true;

	switch (s) {
	case GEOIP_SCHEMA_MAXMIND_COUNTRY:
		ok = get_country(e, path_country, out->country) &&
		     get_country(e, path_registered, out->registered_country) &&
		     get_country(e, path_continent, out->continent);
		break;
	case GEOIP_SCHEMA_FLAT_COUNTRY:
		ok = get_country(e, path_country_code, out->country);
		break;
	case GEOIP_SCHEMA_IPINFO_LITE:
		if (want_country) {
			ok = get_country(e, path_country_code, out->country) &&
			     get_country(e, path_continent_code,
					 out->continent);
			/* IPinfo's older country_asn files put the code in
			 * "country"; Lite puts the name there, which
			 * copy_country rejects. */
			if (ok && !out->country[0])
				ok = get_country(e, path_country_flat,
						 out->country);
		}
		if (ok && want_asn)
			ok = get_asn(e, path_asn, path_as_name, out);
		break;
	case GEOIP_SCHEMA_MAXMIND_ASN:
		ok = get_asn(e, path_as_number, path_as_org, out);
		break;
	case GEOIP_SCHEMA_NONE:
	default:
		break;
	}
	return ok;
}

static bool has_key(MMDB_entry_s *e, const char *const *path, bool *corrupt)
{
	MMDB_entry_data_s d;
	enum fetch f = fetch_value(e, &d, path);

	if (f == FETCH_CORRUPT)
		*corrupt = true;
	return f == FETCH_OK;
}

/* The schema one record's keys show, or NONE. */
static enum geoip_schema entry_schema(MMDB_entry_s *e, bool ipinfo_type,
				      bool *corrupt)
{
	if (has_key(e, path_country, corrupt) ||
	    has_key(e, path_registered, corrupt) ||
	    has_key(e, path_continent, corrupt))
		return GEOIP_SCHEMA_MAXMIND_COUNTRY;
	if (has_key(e, path_as_number, corrupt))
		return GEOIP_SCHEMA_MAXMIND_ASN;
	bool ipinfo_keys = has_key(e, path_asn, corrupt) ||
			   has_key(e, path_as_name, corrupt);
	if (has_key(e, path_country_code, corrupt))
		return ipinfo_type || ipinfo_keys ? GEOIP_SCHEMA_IPINFO_LITE :
						    GEOIP_SCHEMA_FLAT_COUNTRY;
	if (ipinfo_keys && ipinfo_type)
		return GEOIP_SCHEMA_IPINFO_LITE;
	return GEOIP_SCHEMA_NONE;
}

static void addr_sockaddr(const struct geo_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->b, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->b, 16);
	}
}

enum found { FOUND_NONE, FOUND_ENTRY, FOUND_CORRUPT };

static enum found db_find(MMDB_s *mmdb, const struct geo_addr *a,
			  MMDB_entry_s *entry)
{
	struct sockaddr_storage ss;
	MMDB_lookup_result_s r;
	int rc = MMDB_SUCCESS;

	if (a->family != 4 && a->family != 6)
		return FOUND_NONE;
	addr_sockaddr(a, &ss);
	r = MMDB_lookup_sockaddr(mmdb, (const struct sockaddr *)&ss, &rc);
	if (rc == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return FOUND_NONE;	/* an IPv4-only file: no data, no fault */
	if (rc != MMDB_SUCCESS)
		return FOUND_CORRUPT;
	if (!r.found_entry)
		return FOUND_NONE;
	*entry = r.entry;
	return FOUND_ENTRY;
}

/* Addresses whose records a real database is sure to have: public DNS
 * resolvers and MaxMind's own test networks. */
static const char *const probe_addrs[] = {
	"1.1.1.1", "8.8.8.8", "9.9.9.9", "81.2.69.142", "2.125.160.216",
	"89.160.20.112", "193.0.6.139", "13.32.0.1", "52.94.0.1",
	"2001:4860:4860::8888", "2606:4700:4700::1111", "2a02:cf40::1",
	"2001:67c:2e8:22::c100:68b",
};

/*
 * Depth-first over the search tree from the root, looking at the first few
 * data records it meets. Bounded in nodes visited so a hostile tree cannot
 * keep us here.
 */
static enum geoip_schema walk_schema(MMDB_s *mmdb, bool ipinfo_type,
				     bool *corrupt)
{
	enum { MAX_VISIT = 20000, MAX_RECORDS = 16, STACK = 256 };
	uint32_t stack[STACK];
	size_t sp = 0, visits = 0, records = 0;

	if (mmdb->metadata.node_count == 0)
		return GEOIP_SCHEMA_NONE;
	stack[sp++] = 0;
	while (sp > 0 && visits++ < MAX_VISIT && records < MAX_RECORDS) {
		MMDB_search_node_s node;
		uint32_t n = stack[--sp];

		if (MMDB_read_node(mmdb, n, &node) != MMDB_SUCCESS) {
			*corrupt = true;
			return GEOIP_SCHEMA_NONE;
		}
		/* Right first onto the stack so the left side is seen first. */
		const uint8_t types[2] = { node.right_record_type,
					   node.left_record_type };
		const uint64_t recs[2] = { node.right_record,
					   node.left_record };
		MMDB_entry_s entries[2] = { node.right_record_entry,
					    node.left_record_entry };

		for (int i = 0; i < 2; i++) {
			if (types[i] == MMDB_RECORD_TYPE_SEARCH_NODE) {
				if (sp < STACK)
					stack[sp++] = (uint32_t)recs[i];
			} else if (types[i] == MMDB_RECORD_TYPE_DATA) {
				enum geoip_schema s;

				records++;
				s = entry_schema(&entries[i], ipinfo_type,
						 corrupt);
				if (s != GEOIP_SCHEMA_NONE)
					return s;
			} else if (types[i] == MMDB_RECORD_TYPE_INVALID) {
				*corrupt = true;
			}
		}
	}
	return GEOIP_SCHEMA_NONE;
}

static bool contains_word(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

static enum geoip_schema detect_schema(MMDB_s *mmdb, bool *corrupt)
{
	const char *type = mmdb->metadata.database_type;
	bool ipinfo = contains_word(type, "ipinfo");
	enum geoip_schema s;

	for (size_t i = 0; i < sizeof(probe_addrs) / sizeof(probe_addrs[0]);
	     i++) {
		struct geo_addr a;
		MMDB_entry_s e;
		enum found f;

		if (!geo_addr_parse(probe_addrs[i], &a))
			continue;
		f = db_find(mmdb, &a, &e);
		if (f == FOUND_CORRUPT)
			*corrupt = true;
		if (f != FOUND_ENTRY)
			continue;
		s = entry_schema(&e, ipinfo, corrupt);
		if (s != GEOIP_SCHEMA_NONE)
			return s;
	}
	s = walk_schema(mmdb, ipinfo, corrupt);
	if (s != GEOIP_SCHEMA_NONE || *corrupt)
		return s;
	/* No record says and none was broken: the name the producer gave
	 * the file decides. */
	if (contains_word(type, "ipinfo"))
		return GEOIP_SCHEMA_IPINFO_LITE;
	if (contains_word(type, "ASN"))
		return GEOIP_SCHEMA_MAXMIND_ASN;
	if (contains_word(type, "Country") || contains_word(type, "City"))
		return GEOIP_SCHEMA_MAXMIND_COUNTRY;
	return GEOIP_SCHEMA_NONE;
}

__attribute__((format(printf, 3, 4)))
static bool open_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool db_open(struct geoip_db *db, const char *path, bool as_asn,
		    char *err, size_t errlen)
{
	struct stat st;
	bool corrupt = false;
	int rc;

	if (stat(path, &st) != 0)
		return open_fail(err, errlen, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return open_fail(err, errlen, "%s: not a regular file", path);
	rc = MMDB_open(path, MMDB_MODE_MMAP, &db->mmdb);
	if (rc != MMDB_SUCCESS) {
		if (rc == MMDB_FILE_OPEN_ERROR || rc == MMDB_IO_ERROR)
			return open_fail(err, errlen, "%s: %s (%s)", path,
					 MMDB_strerror(rc), strerror(errno));
		return open_fail(err, errlen,
				 "%s: not a usable MaxMind DB file: %s", path,
				 MMDB_strerror(rc));
	}
	db->open = true;
	db->path = strdup(path);
	if (!db->path)
		return open_fail(err, errlen, "%s: out of memory", path);
	json_file_quote(db->mmdb.metadata.database_type ?
			db->mmdb.metadata.database_type : "",
			db->type, sizeof(db->type));
	db->build_epoch = db->mmdb.metadata.build_epoch;
	db->schema = detect_schema(&db->mmdb, &corrupt);

	switch (db->schema) {
	case GEOIP_SCHEMA_NONE:
		if (corrupt)
			return open_fail(err, errlen,
					 "%s: corrupt search tree or data section (database_type %s)",
					 path, db->type);
		return open_fail(err, errlen,
				 "%s: no record holds country or AS fields (database_type %s)",
				 path, db->type);
	case GEOIP_SCHEMA_MAXMIND_ASN:
		if (!as_asn)
			return open_fail(err, errlen,
					 "%s: holds AS numbers (database_type %s), not countries; give it to --geoip-asn",
					 path, db->type);
		break;
	case GEOIP_SCHEMA_MAXMIND_COUNTRY:
	case GEOIP_SCHEMA_FLAT_COUNTRY:
		if (as_asn)
			return open_fail(err, errlen,
					 "%s: holds countries (database_type %s), not AS numbers; give it to --geoip-country",
					 path, db->type);
		break;
	case GEOIP_SCHEMA_IPINFO_LITE:
	default:
		break;	/* countries and AS numbers both */
	}
	return true;
}

static void db_close(struct geoip_db *db)
{
	if (db->open)
		MMDB_close(&db->mmdb);
	free(db->path);
	memset(db, 0, sizeof(*db));
}

struct geoip *geoip_open(const char *country_path, const char *asn_path,
			 char *err, size_t errlen)
{
	struct geoip *g = calloc(1, sizeof(*g));

	if (!g) {
		open_fail(err, errlen, "out of memory");
		return NULL;
	}
	if ((country_path && !db_open(&g->country, country_path, false, err,
				      errlen)) ||
	    (asn_path && !db_open(&g->asn, asn_path, true, err, errlen))) {
		geoip_close(g);
		return NULL;
	}
	return g;
}

void geoip_close(struct geoip *g)
{
	if (!g)
		return;
	db_close(&g->country);
	db_close(&g->asn);
	free(g);
}

/* Looks a up in one database and merges what it says; a corrupt record
 * contributes nothing and is counted. */
static void db_lookup(struct geoip *g, struct geoip_db *db,
		      const struct geo_addr *a, bool want_country,
		      bool want_asn, struct geoip_answer *out)
{
	struct geoip_answer part;
	MMDB_entry_s e;
	enum found f;

	if (!db->open)
		return;
	f = db_find(&db->mmdb, a, &e);
	if (f == FOUND_NONE)
		return;
	memset(&part, 0, sizeof(part));
	if (f == FOUND_CORRUPT ||
	    !extract(&e, db->schema, want_country, want_asn, &part)) {
		__atomic_fetch_add(&g->lookup_errors, 1, __ATOMIC_RELAXED);
		return;
	}
	if (want_country) {
		memcpy(out->country, part.country, sizeof(out->country));
		memcpy(out->registered_country, part.registered_country,
		       sizeof(out->registered_country));
		memcpy(out->continent, part.continent, sizeof(out->continent));
	}
	if (want_asn) {
		out->asn = part.asn;
		memcpy(out->as_org, part.as_org, sizeof(out->as_org));
	}
}

bool geoip_lookup(struct geoip *g, const struct geo_addr *a,
		  struct geoip_answer *out)
{
	if (!out)
		return false;
	memset(out, 0, sizeof(*out));
	if (!g || !a)
		return false;
	/* An IPinfo Lite file given as country answers AS questions only
	 * when no AS file was given (geoip.h). */
	db_lookup(g, &g->country, a, true,
		  !g->asn.open && g->country.schema == GEOIP_SCHEMA_IPINFO_LITE,
		  out);
	db_lookup(g, &g->asn, a, false, true, out);
	return out->country[0] || out->registered_country[0] ||
	       out->continent[0] || out->asn || out->as_org[0];
}

void geoip_info(const struct geoip *g, struct geoip_info *info)
{
	memset(info, 0, sizeof(*info));
	if (!g)
		return;
	if (g->country.open) {
		info->country_path = g->country.path;
		info->country_schema = g->country.schema;
		info->country_type = g->country.type;
		info->country_build_epoch = g->country.build_epoch;
	}
	if (g->asn.open) {
		info->asn_path = g->asn.path;
		info->asn_schema = g->asn.schema;
		info->asn_type = g->asn.type;
		info->asn_build_epoch = g->asn.build_epoch;
	}
	info->lookup_errors = __atomic_load_n(&g->lookup_errors,
					      __ATOMIC_RELAXED);
}
