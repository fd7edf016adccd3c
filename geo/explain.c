/*
 * explain.c: the decision chain for one address, as text or JSON.
 *
 * Everything comes from the engine's result and tables; nothing here
 * decides. Strings from data files are printed with control bytes
 * escaped, so a hostile file cannot drive the terminal.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "explain.h"
#include "json_file.h"

/* fputs with control bytes and '\\' as \xNN. */
static void put_safe(FILE *out, const char *s)
{
	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

static void field(FILE *out, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void field(FILE *out, const char *key, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(out, "%-15s ", key);
	put_safe(out, buf);
	fputc('\n', out);
}

static void explain_text(const struct geo_engine *e,
			 const struct geo_addr *a, const struct geo_result *r,
			 const struct policy_rule *rule, FILE *out)
{
	char t[GEO_ADDR_STRLEN], p[64];
	const struct geo_operator *op = r->op;

	field(out, "address", "%s", geo_addr_format(a, t, sizeof(t)));
	if (r->unwrapped)
		field(out, "embedded IPv4", "%s (looked up as this address)",
		      geo_addr_format(&r->v4, t, sizeof(t)));
	if (r->site != NULL)
		field(out, "site", "%s, %s (declared in policy)", r->site,
		      geo_prefix_format(&r->prefix, p, sizeof(p)));
	else
		field(out, "site", "none");
	if (r->home)
		field(out, "home network", "yes, %s",
		      geo_prefix_format(&r->prefix, p, sizeof(p)));
	else
		field(out, "home network", "no");
	field(out, "special range", "%s", r->special ? r->special : "none");
	if (r->located_by == GEO_LOCATED_SITE ||
	    r->located_by == GEO_LOCATED_HOME ||
	    r->located_by == GEO_LOCATED_SPECIAL)
		goto decision;
	if (r->cloud_provider != NULL)
		field(out, "cloud range", "%s %s, %s -> %s",
		      r->cloud_provider, r->cloud_region,
		      geo_prefix_format(&r->cloud_prefix, p, sizeof(p)),
		      r->located_by == GEO_LOCATED_CLOUD_RANGE ?
		      r->country : "region not mapped");
	else
		field(out, "cloud range", "none");
	if (r->anycast)
		field(out, "anycast", "%s prefix %s%s%s", r->operator_name,
		      geo_prefix_format(&r->prefix, p, sizeof(p)),
		      r->located_by == GEO_LOCATED_ANYCAST_SENSOR ?
		      ", located at the sensor's country " : ", no sensor_country: GeoIP's country stands",
		      r->located_by == GEO_LOCATED_ANYCAST_SENSOR ?
		      r->country : "");
	field(out, "geoip country", "%s%s%s%s",
	      r->geoip_country[0] ? r->geoip_country : "none",
	      r->registered_country[0] &&
	      strcmp(r->registered_country, r->geoip_country) != 0 ?
	      " (registered in " : "",
	      r->registered_country[0] &&
	      strcmp(r->registered_country, r->geoip_country) != 0 ?
	      r->registered_country : "",
	      r->registered_country[0] &&
	      strcmp(r->registered_country, r->geoip_country) != 0 ?
	      "; registration is not location)" : "");
	if (r->asn != 0)
		field(out, "asn", "AS%u %s", r->asn, r->as_org);
	else
		field(out, "asn", "none");
decision:
	if (op != NULL)
		field(out, "operator", "%s (%s), parent %s, %s; source %s",
		      op->name, op->id, op->parent,
		      operator_category_name(op->category), op->source);
	else if (r->operator_name != NULL)
		field(out, "operator", "%s%s%s (declared in policy)",
		      r->operator_name, r->operator_parent ? ", parent " : "",
		      r->operator_parent ? r->operator_parent : "");
	else if (r->located_by == GEO_LOCATED_SITE)
		field(out, "operator", "none declared for the site");
	else if (r->located_by != GEO_LOCATED_HOME &&
		 r->located_by != GEO_LOCATED_SPECIAL)
		field(out, "operator", "not in the operator table");
	if (r->controller[0] != '\0') {
		if (r->jurisdiction != NULL && r->jurisdiction->extraterritorial)
			field(out, "jurisdiction", "%s (%s): extraterritorial: %s",
			      r->controller, r->jurisdiction->name,
			      r->jurisdiction->laws_text);
		else
			field(out, "jurisdiction", "%s%s%s%s: not extraterritorial",
			      r->controller, r->jurisdiction ? " (" : "",
			      r->jurisdiction ? r->jurisdiction->name : "",
			      r->jurisdiction ? ")" : "");
	}
	if (r->country[0] != '\0') {
		const char *name = zones_country_name(geo_engine_zones(e),
						      r->country);

		field(out, "location", "%s%s%s%s, by %s", r->country,
		      name ? " (" : "", name ? name : "", name ? ")" : "",
		      geo_located_name(r->located_by));
	}
	if (r->zone != ZONE_NONE) {
		if (r->adequacy != NULL)
			field(out, "zone", "%s: decision %s of %s, scope %s",
			      zone_name(r->zone), r->adequacy->decision,
			      r->adequacy->date, r->adequacy->scope);
		else
			field(out, "zone", "%s", zone_name(r->zone));
	}
	if (rule != NULL) {
		if (rule->action == POLICY_FLAG)
			field(out, "rule", "%s \"%s\": flag, %s", rule->id,
			      rule->name, severity_name(rule->severity));
		else
			field(out, "rule", "%s \"%s\": allow", rule->id,
			      rule->name);
	} else {
		field(out, "rule", "none matched: no alert");
	}
	field(out, "policy", "%s", geo_engine_policy_hash(e));
	field(out, "verdict", "%s", verdict_name(r->verdict));
	field(out, "reason", "%s", r->reason);
}

static void set_str(json_t *o, const char *key, const char *v)
{
	json_t *s;

	if (v == NULL || v[0] == '\0')
		return;
	s = json_string(v);	/* NULL for invalid UTF-8: left out */
	if (s != NULL)
		json_object_set_new(o, key, s);
}

static json_t *explain_json(const struct geo_engine *e,
			    const struct geo_addr *a,
			    const struct geo_result *r,
			    const struct policy_rule *rule)
{
	json_t *o = json_object();
	char t[GEO_ADDR_STRLEN];

	if (o == NULL)
		return NULL;
	set_str(o, "address", geo_addr_format(a, t, sizeof(t)));
	if (r->unwrapped)
		set_str(o, "embedded_ipv4",
			geo_addr_format(&r->v4, t, sizeof(t)));
	set_str(o, "verdict", verdict_name(r->verdict));
	set_str(o, "reason", r->reason);
	set_str(o, "located_by", geo_located_name(r->located_by));
	set_str(o, "country", r->country);
	set_str(o, "geoip_country", r->geoip_country);
	set_str(o, "registered_country", r->registered_country);
	set_str(o, "zone", zone_name(r->zone));
	if (r->adequacy != NULL)
		set_str(o, "adequacy_decision", r->adequacy->decision);
	if (r->asn != 0)
		json_object_set_new(o, "asn", json_integer(r->asn));
	set_str(o, "as_org", r->as_org);
	set_str(o, "operator", r->operator_name);
	if (r->op != NULL)
		set_str(o, "operator_id", r->op->id);
	set_str(o, "operator_parent", r->operator_parent);
	set_str(o, "jurisdiction", r->controller);
	if (r->controller[0] != '\0') {
		json_t *laws = json_array();

		json_object_set_new(o, "extraterritorial",
				    json_boolean(r->extraterritorial));
		for (size_t i = 0; r->extraterritorial && r->jurisdiction &&
				   i < r->jurisdiction->nlaws; i++)
			json_array_append_new(laws,
					      json_string(r->jurisdiction->laws[i]));
		if (json_array_size(laws) > 0)
			json_object_set_new(o, "laws", laws);
		else
			json_decref(laws);
	}
	set_str(o, "special", r->special);
	set_str(o, "site", r->site);
	json_object_set_new(o, "home", json_boolean(r->home));
	set_str(o, "cloud_provider", r->cloud_provider);
	set_str(o, "cloud_region", r->cloud_region);
	if (r->anycast)
		json_object_set_new(o, "anycast", json_true());
	if (rule != NULL) {
		set_str(o, "rule", rule->id);
		set_str(o, "rule_name", rule->name);
		set_str(o, "rule_action", policy_action_name(rule->action));
		if (rule->action == POLICY_FLAG)
			set_str(o, "severity", severity_name(rule->severity));
	}
	set_str(o, "policy_hash", geo_engine_policy_hash(e));
	return o;
}

int geo_explain(struct geo_engine *e, const char *address_text, bool json,
		FILE *out, char *err, size_t errlen)
{
	struct geo_addr a;
	struct geo_result r;
	struct policy_query q = { .remote_port = -1 };
	const struct policy_rule *rule;

	if (address_text == NULL || !geo_addr_parse(address_text, &a)) {
		char shown[96];

		snprintf(err, errlen, "%s: not an IP address",
			 json_file_quote(address_text ? address_text : "",
					 shown, sizeof(shown)));
		return -1;
	}
	geo_engine_classify(e, &a, &r);
	q.remote = &a;
	q.result = &r;
	rule = geo_engine_match(e, &q);
	if (json) {
		json_t *o = explain_json(e, &a, &r, rule);
		char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

		json_decref(o);
		if (s == NULL) {
			snprintf(err, errlen, "%s: out of memory", address_text);
			return -1;
		}
		fprintf(out, "%s\n", s);
		free(s);
	} else {
		explain_text(e, &a, &r, rule, out);
	}
	if (ferror(out)) {
		snprintf(err, errlen, "%s: write error", address_text);
		return -1;
	}
	return 0;
}
