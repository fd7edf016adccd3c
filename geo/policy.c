/*
 * policy.c: loading and matching the policy (format: docs/policy.md).
 *
 * The JSON document stays loaded; ids and names point into it. Walkers
 * return false on the first bad value with err filled; the JSON pointer is
 * only popped on success, since an error ends the load.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "json_file.h"
#include "policy.h"
#include "prefix_map.h"

enum {
	POLICY_MAX_BYTES = 4 << 20,
	NAME_MAX_LEN = 253,
};

struct name_pattern {
	char *name;		/* lowercase, without the leading dot */
	bool suffix;		/* ".example.fr": itself and its subdomains */
};

struct port_range {
	uint16_t lo, hi;
};

struct policy_match {
	struct geo_prefix *internal, *remote;
	size_t ninternal, nremote;
	uint32_t *asns;
	size_t nasns;
	char (*countries)[3];
	size_t ncountries;
	char (*jurisdictions)[3];
	size_t njurisdictions;
	unsigned zones, verdicts;	/* bit masks; 0 = key absent */
	int extraterritorial;		/* -1 absent, 0 false, 1 true */
	struct name_pattern *names;
	size_t nnames;
	uint8_t transports[32];		/* bit set of protocol numbers */
	bool has_transport;
	struct port_range *ports;
	size_t nports;
};

struct policy {
	json_t *doc;
	char hash[13];
	char sensor_country[3];
	bool home_default;
	struct geo_prefix *home;
	size_t nhome;
	struct prefix_map *home_map;
	struct geo_prefix *nat64;
	size_t nnat64;
	struct policy_site *sites;
	size_t nsites;
	struct prefix_map *site_map;
	struct policy_rule *rules;
	struct policy_match *matches;
	size_t nrules;
};

/*
 * Home networks when the policy does not say: RFC 1918, the shared
 * address space of carrier-grade NAT (RFC 6598: a CGNAT customer's
 * neighbours are still the provider's network, not a remote country) and
 * IPv6 unique local addresses (RFC 4193). Link-local and loopback are
 * special ranges, local anyway.
 */
static const char *const default_home[] = {
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
	"fc00::/7",
};

const char policy_default_json[] =
	"{\n"
	"  \"description\": \"bergerie's default policy: flag third_country (high), eu_foreign_control (medium) and unknown (low); allow everything else\",\n"
	"  \"rules\": [\n"
	"    {\"id\": \"default.third_country\", \"name\": \"Data sent to a third country\",\n"
	"     \"action\": \"flag\", \"severity\": \"high\", \"verdict\": \"third_country\"},\n"
	"    {\"id\": \"default.eu_foreign_control\", \"name\": \"EU-hosted, controlled from an extraterritorial jurisdiction\",\n"
	"     \"action\": \"flag\", \"severity\": \"medium\", \"verdict\": \"eu_foreign_control\"},\n"
	"    {\"id\": \"default.unknown\", \"name\": \"No geolocation data for the remote address\",\n"
	"     \"action\": \"flag\", \"severity\": \"low\", \"verdict\": \"unknown\"}\n"
	"  ]\n"
	"}\n";

const char *policy_action_name(enum policy_action a)
{
	return a == POLICY_FLAG ? "flag" : "allow";
}

/* Error helpers. */

struct ctx {
	const char *file;
	struct json_path p;
	char *err;
	size_t errlen;
	const struct operators *ops;
};

static bool fail(struct ctx *c, const char *msg)
{
	return json_file_error(c->err, c->errlen, c->file, &c->p, "%s", msg);
}

/* "expected X, got <the value as JSON>", the value cut to 64 bytes. */
static bool fail_got(struct ctx *c, const char *what, json_t *v)
{
	char *s = NULL;

	if (json_is_object(v))
		return json_file_error(c->err, c->errlen, c->file, &c->p,
				       "expected %s, got an object", what);
	if (json_is_array(v))
		return json_file_error(c->err, c->errlen, c->file, &c->p,
				       "expected %s, got an array", what);
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (s != NULL && strlen(s) > 64) {
		/* Cut at a character boundary: json_dumps() writes UTF-8
		 * as is, and half a character would make the message
		 * invalid UTF-8 (found by tests/fuzz/fuzz_policy.c). */
		size_t cut = 61;

		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
		strcpy(s + cut, "...");
	}
	json_file_error(c->err, c->errlen, c->file, &c->p,
			"expected %s, got %s", what, s ? s : "?");
	free(s);
	return false;
}

static bool get_str(struct ctx *c, json_t *obj, const char *key,
		    bool required, const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL) {
		if (!required)
			return true;
		return json_file_error(c->err, c->errlen, c->file, &c->p,
				       "missing key \"%s\"", key);
	}
	json_path_push_key(&c->p, key);
	if (!json_is_string(v) || json_string_length(v) == 0)
		return fail_got(c, "a non-empty string", v);
	json_path_pop(&c->p);
	*out = json_string_value(v);
	return true;
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

/*
 * A key whose value is one item or a list of them (ORed). The callback
 * parses one item with the pointer already at it.
 */
typedef bool (*item_fn)(struct ctx *c, json_t *item, void *arg, size_t i);

static bool each_item(struct ctx *c, json_t *obj, const char *key,
		      bool allow_empty, item_fn fn, void *arg, size_t *count)
{
	json_t *v = json_object_get(obj, key);

	*count = 0;
	if (v == NULL)
		return true;
	json_path_push_key(&c->p, key);
	if (json_is_array(v)) {
		size_t i;
		json_t *item;

		if (json_array_size(v) == 0 && !allow_empty)
			return fail(c, "expected a value or a non-empty list");
		json_array_foreach(v, i, item) {
			json_path_push_index(&c->p, i);
			if (!fn(c, item, arg, i))
				return false;
			json_path_pop(&c->p);
		}
		*count = json_array_size(v);
	} else {
		if (!fn(c, v, arg, 0))
			return false;
		*count = 1;
	}
	json_path_pop(&c->p);
	return true;
}

static size_t item_count(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return 0;
	return json_is_array(v) ? json_array_size(v) : 1;
}

/* Item parsers. */

static bool item_cidr(struct ctx *c, json_t *item, void *arg, size_t i)
{
	struct geo_prefix *out = arg;
	char why[128];

	if (!json_is_string(item) ||
	    !geo_prefix_parse(json_string_value(item), &out[i], why,
			      sizeof(why)))
		return fail_got(c, "a CIDR", item);
	return true;
}

static bool item_nat64(struct ctx *c, json_t *item, void *arg, size_t i)
{
	struct geo_prefix *out = arg;

	if (!item_cidr(c, item, arg, i))
		return false;
	if (out[i].addr.family != 6 || out[i].len != 96)
		return fail_got(c, "an IPv6 /96 NAT64 prefix", item);
	return true;
}

static bool item_asn(struct ctx *c, json_t *item, void *arg, size_t i)
{
	uint32_t *out = arg;
	json_int_t n = json_is_integer(item) ? json_integer_value(item) : 0;

	if (n < 1 || n > (json_int_t)UINT32_MAX)
		return fail_got(c, "an AS number (1 to 4294967295)", item);
	out[i] = (uint32_t)n;
	return true;
}

static bool item_country(struct ctx *c, json_t *item, void *arg, size_t i)
{
	char (*out)[3] = arg;

	if (!country_code_valid(json_string_value(item)))
		return fail_got(c, "a two-letter uppercase country code",
				item);
	memcpy(out[i], json_string_value(item), 3);
	return true;
}

static bool item_zone(struct ctx *c, json_t *item, void *arg, size_t i)
{
	unsigned *mask = arg;
	enum zone z;

	(void)i;
	if (!zone_parse(json_string_value(item), &z))
		return fail_got(c, "a zone (eu, eea, adequacy, third)", item);
	*mask |= 1u << z;
	return true;
}

static bool item_verdict(struct ctx *c, json_t *item, void *arg, size_t i)
{
	unsigned *mask = arg;
	enum verdict v;

	(void)i;
	if (!verdict_parse(json_string_value(item), &v))
		return fail_got(c,
				"a verdict (local, eu, eu_foreign_control, adequate, third_country, unknown)",
				item);
	*mask |= 1u << v;
	return true;
}

static bool item_name(struct ctx *c, json_t *item, void *arg, size_t i)
{
	struct name_pattern *out = arg;
	const char *s = json_string_value(item);
	const char *what = "a server name (\"example.fr\") or suffix (\".example.fr\")";
	size_t len;
	char *n;

	if (s == NULL)
		return fail_got(c, what, item);
	out[i].suffix = s[0] == '.';
	if (out[i].suffix)
		s++;
	len = strlen(s);
	if (len == 0 || len > NAME_MAX_LEN || s[0] == '.' ||
	    s[len - 1] == '.' || strstr(s, "..") != NULL)
		return fail_got(c, what, item);
	n = malloc(len + 1);
	if (n == NULL)
		return fail(c, "out of memory");
	for (size_t k = 0; k <= len; k++) {
		char ch = s[k];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (k < len && !((ch >= 'a' && ch <= 'z') ||
				 (ch >= '0' && ch <= '9') || ch == '-' ||
				 ch == '_' || ch == '.')) {
			free(n);
			return fail_got(c, what, item);
		}
		n[k] = ch;
	}
	out[i].name = n;
	return true;
}

static const struct {
	const char *name;
	uint8_t number;
} transports[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 },
	{ "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "ipv6-icmp", 58 },
	{ "sctp", 132 }, { "udplite", 136 },
};

static bool item_transport(struct ctx *c, json_t *item, void *arg, size_t i)
{
	uint8_t *set = arg;
	const char *s = json_string_value(item);
	int n = -1;

	(void)i;
	if (json_is_integer(item) && json_integer_value(item) >= 0 &&
	    json_integer_value(item) <= 255)
		n = (int)json_integer_value(item);
	for (size_t k = 0; s && k < sizeof(transports) / sizeof(*transports);
	     k++) {
		if (strcmp(s, transports[k].name) == 0)
			n = transports[k].number;
	}
	if (n < 0)
		return fail_got(c,
				"a transport (tcp, udp, icmp, ipv6-icmp, sctp, gre, esp, ah, igmp, udplite or a protocol number)",
				item);
	set[n / 8] |= (uint8_t)(1u << (n % 8));
	return true;
}

static bool item_port(struct ctx *c, json_t *item, void *arg, size_t i)
{
	struct port_range *out = arg;
	const char *what = "a port (0-65535) or a range (\"8000-8100\")";
	long lo, hi;

	if (json_is_integer(item)) {
		lo = hi = (long)json_integer_value(item);
		if (json_integer_value(item) < 0 ||
		    json_integer_value(item) > 65535)
			return fail_got(c, what, item);
	} else if (json_is_string(item)) {
		const char *s = json_string_value(item);
		char *end;

		if (*s < '0' || *s > '9')
			return fail_got(c, what, item);
		lo = strtol(s, &end, 10);
		if (*end != '-' || end[1] < '0' || end[1] > '9')
			return fail_got(c, what, item);
		hi = strtol(end + 1, &end, 10);
		if (*end != '\0' || lo > hi || hi > 65535)
			return fail_got(c, what, item);
	} else {
		return fail_got(c, what, item);
	}
	out[i].lo = (uint16_t)lo;
	out[i].hi = (uint16_t)hi;
	return true;
}

/* Allocates room for key's items, then parses them. */
static bool parse_list(struct ctx *c, json_t *obj, const char *key,
		       size_t elem_size, void **out, size_t *count,
		       item_fn fn)
{
	size_t n = item_count(obj, key);

	*out = NULL;
	*count = 0;
	if (n == 0 && json_object_get(obj, key) == NULL)
		return true;
	*out = calloc(n + 1, elem_size);
	if (*out == NULL)
		return fail(c, "out of memory");
	return each_item(c, obj, key, false, fn, *out, count);
}

static bool parse_rule(struct ctx *c, json_t *r, struct policy_rule *rule,
		       struct policy_match *m, struct policy *pol)
{
	static const char *const keys[] = {
		"id", "name", "action", "severity", "note",
		"internal_cidr", "cidr", "asn", "country", "zone", "verdict",
		"jurisdiction", "extraterritorial", "server_name",
		"transport", "port", NULL
	};
	const char *action, *sev, *note;
	json_t *ext;
	size_t n;

	rule->match = m;
	m->extraterritorial = -1;
	if (!json_is_object(r))
		return fail_got(c, "a rule object", r);
	if (!json_file_check_keys(r, keys, c->err, c->errlen, c->file, &c->p) ||
	    !get_str(c, r, "id", true, &rule->id) ||
	    !get_str(c, r, "name", true, &rule->name) ||
	    !get_str(c, r, "action", true, &action) ||
	    !get_str(c, r, "severity", false, &sev) ||
	    !get_str(c, r, "note", false, &note))
		return false;
	json_path_push_key(&c->p, "id");
	if (!id_valid(rule->id))
		return fail_got(c, "an id of [a-z0-9_.-]",
				json_object_get(r, "id"));
	for (size_t i = 0; i < rule->index; i++) {
		if (strcmp(pol->rules[i].id, rule->id) == 0)
			return json_file_error(c->err, c->errlen, c->file,
					       &c->p,
					       "duplicate rule id \"%s\" (also /rules/%zu)",
					       rule->id, i);
	}
	json_path_pop(&c->p);
	json_path_push_key(&c->p, "action");
	if (strcmp(action, "allow") == 0)
		rule->action = POLICY_ALLOW;
	else if (strcmp(action, "flag") == 0)
		rule->action = POLICY_FLAG;
	else
		return fail_got(c, "\"allow\" or \"flag\"",
				json_object_get(r, "action"));
	json_path_pop(&c->p);
	if (rule->action == POLICY_FLAG && sev == NULL)
		return fail(c, "a flag rule needs a \"severity\"");
	if (rule->action == POLICY_ALLOW && sev != NULL) {
		json_path_push_key(&c->p, "severity");
		return fail(c, "an allow rule has no severity");
	}
	if (sev != NULL && !severity_parse(sev, &rule->severity)) {
		json_path_push_key(&c->p, "severity");
		return fail_got(c, "a severity (low, medium, high, critical)",
				json_object_get(r, "severity"));
	}
	if (!parse_list(c, r, "internal_cidr", sizeof(*m->internal),
			(void **)&m->internal, &m->ninternal, item_cidr) ||
	    !parse_list(c, r, "cidr", sizeof(*m->remote), (void **)&m->remote,
			&m->nremote, item_cidr) ||
	    !parse_list(c, r, "asn", sizeof(*m->asns), (void **)&m->asns,
			&m->nasns, item_asn) ||
	    !parse_list(c, r, "country", sizeof(*m->countries),
			(void **)&m->countries, &m->ncountries,
			item_country) ||
	    !parse_list(c, r, "jurisdiction", sizeof(*m->jurisdictions),
			(void **)&m->jurisdictions, &m->njurisdictions,
			item_country) ||
	    !parse_list(c, r, "server_name", sizeof(*m->names),
			(void **)&m->names, &m->nnames, item_name) ||
	    !parse_list(c, r, "port", sizeof(*m->ports), (void **)&m->ports,
			&m->nports, item_port) ||
	    !each_item(c, r, "zone", false, item_zone, &m->zones, &n) ||
	    !each_item(c, r, "verdict", false, item_verdict, &m->verdicts,
		       &n) ||
	    !each_item(c, r, "transport", false, item_transport,
		       m->transports, &n))
		return false;
	m->has_transport = json_object_get(r, "transport") != NULL;
	ext = json_object_get(r, "extraterritorial");
	if (ext != NULL) {
		json_path_push_key(&c->p, "extraterritorial");
		if (!json_is_boolean(ext))
			return fail_got(c, "true or false", ext);
		json_path_pop(&c->p);
		m->extraterritorial = json_is_true(ext);
	}
	return true;
}

static bool parse_rules(struct ctx *c, struct policy *pol)
{
	json_t *arr = json_object_get(pol->doc, "rules"), *r;
	size_t i;

	if (arr == NULL)
		return true;	/* no rules: nothing is ever flagged */
	json_path_push_key(&c->p, "rules");
	if (!json_is_array(arr))
		return fail_got(c, "an array of rules", arr);
	pol->rules = calloc(json_array_size(arr) + 1, sizeof(*pol->rules));
	pol->matches = calloc(json_array_size(arr) + 1, sizeof(*pol->matches));
	if (pol->rules == NULL || pol->matches == NULL)
		return fail(c, "out of memory");
	json_array_foreach(arr, i, r) {
		json_path_push_index(&c->p, i);
		pol->rules[i].index = i;
		pol->nrules = i + 1;	/* owns its match data from here */
		if (!parse_rule(c, r, &pol->rules[i], &pol->matches[i], pol))
			return false;
		json_path_pop(&c->p);
	}
	json_path_pop(&c->p);
	return true;
}

static bool parse_site_operator(struct ctx *c, json_t *s,
				struct policy_site *site)
{
	static const char *const keys[] = { "name", "parent", "controller",
					    NULL };
	json_t *v = json_object_get(s, "operator");
	const char *ctl;

	if (v == NULL)
		return true;
	json_path_push_key(&c->p, "operator");
	if (json_is_string(v)) {
		site->op = c->ops ? operators_by_id(c->ops,
						    json_string_value(v)) :
				    NULL;
		if (site->op == NULL)
			return fail_got(c,
					"an operator id from operators.json or an object {\"name\", \"controller\"}",
					v);
		site->operator_name = site->op->name;
		site->operator_parent = site->op->parent;
		memcpy(site->controller, site->op->controller, 3);
	} else if (json_is_object(v)) {
		if (!json_file_check_keys(v, keys, c->err, c->errlen, c->file,
					  &c->p) ||
		    !get_str(c, v, "name", true, &site->operator_name) ||
		    !get_str(c, v, "parent", false, &site->operator_parent) ||
		    !get_str(c, v, "controller", true, &ctl))
			return false;
		if (!country_code_valid(ctl)) {
			json_path_push_key(&c->p, "controller");
			return fail_got(c,
					"a two-letter uppercase country code",
					json_object_get(v, "controller"));
		}
		memcpy(site->controller, ctl, 3);
	} else {
		return fail_got(c,
				"an operator id from operators.json or an object {\"name\", \"controller\"}",
				v);
	}
	json_path_pop(&c->p);
	return true;
}

static bool parse_site(struct ctx *c, json_t *s, struct policy_site *site,
		       struct policy *pol)
{
	static const char *const keys[] = { "name", "prefixes", "country",
					    "operator", "note", NULL };
	const char *country, *note;
	struct geo_prefix *prefixes;
	bool ok;

	if (!json_is_object(s))
		return fail_got(c, "a site object", s);
	if (!json_file_check_keys(s, keys, c->err, c->errlen, c->file, &c->p) ||
	    !get_str(c, s, "name", true, &site->name) ||
	    !get_str(c, s, "country", true, &country) ||
	    !get_str(c, s, "note", false, &note))
		return false;
	for (size_t i = 0; pol->sites + i < site; i++) {
		if (strcmp(pol->sites[i].name, site->name) == 0) {
			json_path_push_key(&c->p, "name");
			return json_file_error(c->err, c->errlen, c->file,
					       &c->p,
					       "duplicate site name \"%s\"",
					       site->name);
		}
	}
	if (!country_code_valid(country)) {
		json_path_push_key(&c->p, "country");
		return fail_got(c, "a two-letter uppercase country code",
				json_object_get(s, "country"));
	}
	memcpy(site->country, country, 3);
	if (json_object_get(s, "prefixes") == NULL)
		return fail(c, "missing key \"prefixes\"");
	ok = parse_list(c, s, "prefixes", sizeof(*prefixes),
			(void **)&prefixes, &site->nprefixes, item_cidr);
	site->prefixes = prefixes;	/* freed with the policy, even on error */
	if (!ok)
		return false;
	if (!parse_site_operator(c, s, site))
		return false;
	json_path_push_key(&c->p, "prefixes");
	for (size_t i = 0; i < site->nprefixes; i++) {
		void *old = NULL;

		if (json_is_array(json_object_get(s, "prefixes")))
			json_path_push_index(&c->p, i);
		if (!prefix_map_insert(pol->site_map, &prefixes[i], site,
				       &old)) {
			char buf[64];

			if (old == NULL)
				return fail(c, "out of memory");
			return json_file_error(c->err, c->errlen, c->file,
					       &c->p,
					       "%s is already declared for site \"%s\"",
					       geo_prefix_format(&prefixes[i],
								 buf,
								 sizeof(buf)),
					       ((const struct policy_site *)old)->name);
		}
		if (json_is_array(json_object_get(s, "prefixes")))
			json_path_pop(&c->p);
	}
	json_path_pop(&c->p);
	return true;
}

static bool parse_sites(struct ctx *c, struct policy *pol)
{
	json_t *arr = json_object_get(pol->doc, "sites"), *s;
	size_t i;

	pol->site_map = prefix_map_new();
	if (pol->site_map == NULL)
		return fail(c, "out of memory");
	if (arr == NULL)
		return true;
	json_path_push_key(&c->p, "sites");
	if (!json_is_array(arr))
		return fail_got(c, "an array of sites", arr);
	pol->sites = calloc(json_array_size(arr) + 1, sizeof(*pol->sites));
	if (pol->sites == NULL)
		return fail(c, "out of memory");
	json_array_foreach(arr, i, s) {
		json_path_push_index(&c->p, i);
		pol->nsites = i + 1;
		if (!parse_site(c, s, &pol->sites[i], pol))
			return false;
		json_path_pop(&c->p);
	}
	json_path_pop(&c->p);
	return true;
}

static bool parse_home(struct ctx *c, struct policy *pol)
{
	json_t *v = json_object_get(pol->doc, "home_networks");
	size_t n = sizeof(default_home) / sizeof(*default_home);

	pol->home_map = prefix_map_new();
	if (pol->home_map == NULL)
		return fail(c, "out of memory");
	if (v == NULL) {
		char why[128];

		pol->home_default = true;
		pol->home = calloc(n, sizeof(*pol->home));
		if (pol->home == NULL)
			return fail(c, "out of memory");
		for (size_t i = 0; i < n; i++) {
			if (!geo_prefix_parse(default_home[i], &pol->home[i],
					      why, sizeof(why)))
				return fail(c, "bad built-in home network");
		}
		pol->nhome = n;
	} else {
		if (!json_is_array(v)) {
			json_path_push_key(&c->p, "home_networks");
			return fail_got(c, "a list of CIDRs", v);
		}
		pol->home = calloc(json_array_size(v) + 1, sizeof(*pol->home));
		if (pol->home == NULL)
			return fail(c, "out of memory");
		if (!each_item(c, pol->doc, "home_networks", true, item_cidr,
			       pol->home, &pol->nhome))
			return false;
	}
	for (size_t i = 0; i < pol->nhome; i++) {
		void *old;

		/* A repeated home prefix is harmless; keep the first. */
		if (!prefix_map_insert(pol->home_map, &pol->home[i],
				       &pol->home[i], &old) && old == NULL)
			return fail(c, "out of memory");
	}
	return true;
}

static bool parse_top(struct ctx *c, struct policy *pol)
{
	static const char *const keys[] = {
		"name", "description", "sensor_country", "home_networks",
		"sites", "nat64_prefixes", "rules", NULL
	};
	const char *s;
	json_t *n64;

	if (!json_is_object(pol->doc))
		return fail_got(c, "a policy object", pol->doc);
	if (!json_file_check_keys(pol->doc, keys, c->err, c->errlen, c->file,
				  &c->p) ||
	    !get_str(c, pol->doc, "name", false, &s) ||
	    !get_str(c, pol->doc, "description", false, &s) ||
	    !get_str(c, pol->doc, "sensor_country", false, &s))
		return false;
	if (s != NULL) {
		if (!country_code_valid(s)) {
			json_path_push_key(&c->p, "sensor_country");
			return fail_got(c,
					"a two-letter uppercase country code",
					json_object_get(pol->doc,
							"sensor_country"));
		}
		memcpy(pol->sensor_country, s, 3);
	}
	n64 = json_object_get(pol->doc, "nat64_prefixes");
	if (n64 != NULL && !json_is_array(n64)) {
		json_path_push_key(&c->p, "nat64_prefixes");
		return fail_got(c, "a list of IPv6 /96 prefixes", n64);
	}
	pol->nat64 = calloc(json_array_size(n64) + 1, sizeof(*pol->nat64));
	if (pol->nat64 == NULL)
		return fail(c, "out of memory");
	return each_item(c, pol->doc, "nat64_prefixes", true, item_nat64,
			 pol->nat64, &pol->nnat64) &&
	       parse_home(c, pol) && parse_sites(c, pol) &&
	       parse_rules(c, pol);
}

static bool compute_hash(struct policy *pol)
{
	static const char hex[] = "0123456789abcdef";
	char *dump = json_dumps(pol->doc, JSON_SORT_KEYS | JSON_COMPACT);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	bool ok;

	if (dump == NULL)
		return false;
	ok = EVP_Digest(dump, strlen(dump), md, &mdlen, EVP_sha256(), NULL) == 1;
	free(dump);
	if (!ok || mdlen < 6)
		return false;
	for (int i = 0; i < 6; i++) {
		pol->hash[2 * i] = hex[md[i] >> 4];
		pol->hash[2 * i + 1] = hex[md[i] & 15];
	}
	pol->hash[12] = '\0';
	return true;
}

static struct policy *policy_build(json_t *doc, const char *name,
				   const struct operators *ops, char *err,
				   size_t errlen)
{
	struct policy *pol = calloc(1, sizeof(*pol));
	struct ctx c = {
		.file = name, .err = err, .errlen = errlen, .ops = ops,
	};

	if (pol == NULL) {
		json_decref(doc);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	pol->doc = doc;
	json_path_init(&c.p);
	if (!parse_top(&c, pol)) {
		policy_free(pol);
		return NULL;
	}
	if (!compute_hash(pol)) {
		snprintf(err, errlen, "%s: cannot compute the policy hash",
			 name);
		policy_free(pol);
		return NULL;
	}
	return pol;
}

struct policy *policy_load_string(const char *text, const char *name,
				  const struct operators *ops, char *err,
				  size_t errlen)
{
	json_error_t je;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &je);

	if (doc == NULL) {
		char quoted[JSON_ERROR_TEXT_LENGTH * 4];

		json_file_quote(je.text, quoted, sizeof(quoted));
		snprintf(err, errlen, "%s:%d:%d: %s", name, je.line, je.column,
			 quoted);
		return NULL;
	}
	return policy_build(doc, name, ops, err, errlen);
}

struct policy *policy_load(const char *path, const struct operators *ops,
			   char *err, size_t errlen)
{
	json_t *doc;

	if (path == NULL)
		return policy_load_string(policy_default_json,
					  "(built-in default policy)", ops,
					  err, errlen);
	doc = json_file_load(path, POLICY_MAX_BYTES, err, errlen);
	if (doc == NULL)
		return NULL;
	return policy_build(doc, path, ops, err, errlen);
}

void policy_free(struct policy *pol)
{
	if (pol == NULL)
		return;
	for (size_t i = 0; i < pol->nrules; i++) {
		struct policy_match *m = &pol->matches[i];

		free(m->internal);
		free(m->remote);
		free(m->asns);
		free(m->countries);
		free(m->jurisdictions);
		for (size_t k = 0; m->names && m->names[k].name; k++)
			free(m->names[k].name);
		free(m->names);
		free(m->ports);
	}
	free(pol->rules);
	free(pol->matches);
	for (size_t i = 0; i < pol->nsites; i++)
		free((void *)(uintptr_t)pol->sites[i].prefixes);
	free(pol->sites);
	prefix_map_free(pol->site_map);
	prefix_map_free(pol->home_map);
	free(pol->home);
	free(pol->nat64);
	json_decref(pol->doc);
	free(pol);
}

const char *policy_hash(const struct policy *p)
{
	return p->hash;
}

const struct policy_site *policy_site_lookup(const struct policy *p,
					     const struct geo_addr *a,
					     struct geo_prefix *matched)
{
	uint8_t len = 0;
	const struct policy_site *s = prefix_map_lookup(p->site_map, a, &len);

	if (s != NULL && matched != NULL) {
		for (size_t i = 0; i < s->nprefixes; i++) {
			if (s->prefixes[i].len == len &&
			    geo_prefix_contains(&s->prefixes[i], a))
				*matched = s->prefixes[i];
		}
	}
	return s;
}

bool policy_in_home(const struct policy *p, const struct geo_addr *a,
		    struct geo_prefix *matched)
{
	const struct geo_prefix *h = prefix_map_lookup(p->home_map, a, NULL);

	if (h != NULL && matched != NULL)
		*matched = *h;
	return h != NULL;
}

bool policy_home_is_default(const struct policy *p)
{
	return p->home_default;
}

const char *policy_sensor_country(const struct policy *p)
{
	return p->sensor_country;
}

const struct geo_prefix *policy_nat64_prefixes(const struct policy *p,
					       size_t *count)
{
	*count = p->nnat64;
	return p->nat64;
}

size_t policy_rule_count(const struct policy *p)
{
	return p->nrules;
}

const struct policy_rule *policy_rule_at(const struct policy *p, size_t i)
{
	return i < p->nrules ? &p->rules[i] : NULL;
}

/* Matching. */

static bool any_prefix(const struct geo_prefix *ps, size_t n,
		       const struct geo_addr *a)
{
	if (a == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (geo_prefix_contains(&ps[i], a))
			return true;
	}
	return false;
}

static bool any_code(const char (*codes)[3], size_t n, const char *cc)
{
	if (cc == NULL || cc[0] == '\0')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(codes[i], cc) == 0)
			return true;
	}
	return false;
}

static bool name_matches(const struct name_pattern *np, const char *name)
{
	size_t nl = strlen(name), pl = strlen(np->name);

	if (strcmp(name, np->name) == 0)
		return true;
	/* ".example.fr": example.fr itself (above) and any name ending in
	 * ".example.fr", at any depth. */
	return np->suffix && nl > pl + 1 && name[nl - pl - 1] == '.' &&
	       memcmp(name + nl - pl, np->name, pl) == 0;
}

bool policy_rule_matches(const struct policy_rule *r,
			 const struct policy_subject *s)
{
	const struct policy_match *m = r->match;

	if (m->ninternal > 0 && !any_prefix(m->internal, m->ninternal,
					    s->internal))
		return false;
	if (m->nremote > 0 &&
	    !any_prefix(m->remote, m->nremote, s->remote) &&
	    !any_prefix(m->remote, m->nremote, s->remote_v4))
		return false;
	if (m->nasns > 0) {
		bool hit = false;

		for (size_t i = 0; i < m->nasns && s->asn != 0; i++)
			hit |= m->asns[i] == s->asn;
		if (!hit)
			return false;
	}
	if (m->ncountries > 0 &&
	    !any_code((const char (*)[3])m->countries, m->ncountries,
		      s->country))
		return false;
	if (m->njurisdictions > 0 &&
	    !any_code((const char (*)[3])m->jurisdictions, m->njurisdictions,
		      s->jurisdiction))
		return false;
	if (m->zones != 0 &&
	    (s->zone == ZONE_NONE || !(m->zones & (1u << s->zone))))
		return false;
	if (m->verdicts != 0 && !(m->verdicts & (1u << s->verdict)))
		return false;
	if (m->extraterritorial >= 0 &&
	    m->extraterritorial != (int)s->extraterritorial)
		return false;
	if (m->nnames > 0) {
		bool hit = false;

		for (size_t i = 0; i < m->nnames && s->server_name; i++)
			hit |= name_matches(&m->names[i], s->server_name);
		if (!hit)
			return false;
	}
	if (m->has_transport &&
	    !(m->transports[s->transport / 8] & (1u << (s->transport % 8))))
		return false;
	if (m->nports > 0) {
		bool hit = false;

		for (size_t i = 0; i < m->nports && s->remote_port >= 0; i++)
			hit |= s->remote_port >= m->ports[i].lo &&
			       s->remote_port <= m->ports[i].hi;
		if (!hit)
			return false;
	}
	return true;
}

const struct policy_rule *policy_match(const struct policy *p,
				       const struct policy_subject *s)
{
	for (size_t i = 0; i < p->nrules; i++) {
		if (policy_rule_matches(&p->rules[i], s))
			return &p->rules[i];
	}
	return NULL;
}
