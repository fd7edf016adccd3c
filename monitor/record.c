/*
 * record.c: building flow records.
 *
 * Field names follow the Elastic Common Schema, nested as Elastic stores
 * them; types follow CONTRACT.md section 1 (times as RFC 3339 with six
 * fractional digits, VLAN IDs as strings, bytes as IP bytes). A field
 * without a value is left out, never null.
 */
#include "record.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "community_id.h"
#include "flow_verdict.h"
#include "geo/classify.h"
#include "timefmt.h"

const char *record_addr_str(const struct ip_addr *a, uint8_t family, char *buf,
			    unsigned len)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a->b, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

void record_set_endpoint(json_t *obj, const struct ip_addr *a, uint8_t family,
			 uint16_t port, bool has_port)
{
	char buf[64];

	json_object_set_new(obj, "ip",
			    json_string(record_addr_str(a, family, buf,
							sizeof(buf))));
	if (has_port)
		json_object_set_new(obj, "port", json_integer(port));
}

const char *record_transport_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_NUM_TCP:
		return "tcp";
	case IPPROTO_NUM_UDP:
		return "udp";
	case IPPROTO_NUM_ICMP:
		return "icmp";
	case IPPROTO_NUM_ICMPV6:
		return "ipv6-icmp";
	case IPPROTO_NUM_SCTP:
		return "sctp";
	case IPPROTO_NUM_GRE:
		return "gre";
	case IPPROTO_NUM_ESP:
		return "esp";
	default:
		return NULL;
	}
}

void record_tcp_flags(uint8_t flags, char out[9])
{
	static const char letters[] = "FSRPAUEC";
	int n = 0;

	for (int i = 0; i < 8; i++)
		if (flags & (1u << i))
			out[n++] = letters[i];
	out[n] = '\0';
}

static bool proto_has_ports(uint8_t proto)
{
	return proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP ||
	       proto == IPPROTO_NUM_SCTP;
}

static json_t *side_object(const struct flow *f, int side,
			   const struct flow_tuple *t)
{
	json_t *o = json_object();
	bool src = side == 0;

	record_set_endpoint(o, src ? &t->src : &t->dst, t->family,
			    src ? t->sport : t->dport,
			    proto_has_ports(t->proto));
	json_object_set_new(o, "bytes", json_integer((json_int_t)f->side[side].bytes));
	json_object_set_new(o, "packets",
			    json_integer((json_int_t)f->side[side].packets));
	return o;
}

/* bergerie.flow.source / .destination: what ECS has no place for. */
static json_t *side_detail(const struct flow *f, int side)
{
	const struct flow_side *s = &f->side[side];
	json_t *o = json_object();
	char tbuf[TIMEFMT_LEN];
	char flags[9];

	if (s->packets) {
		json_object_set_new(o, "start",
				    json_string(timefmt_rfc3339(s->first_ns, tbuf)));
		json_object_set_new(o, "end",
				    json_string(timefmt_rfc3339(s->last_ns, tbuf)));
	}
	if (f->key.proto == IPPROTO_NUM_TCP && s->tcp_flags) {
		record_tcp_flags(s->tcp_flags, flags);
		json_object_set_new(o, "tcp_flags", json_string(flags));
	}
	return o;
}

/* A field with no value is left out (CONTRACT.md section 1). */
static void set_nonempty(json_t *obj, const char *key, json_t *value)
{
	if (json_object_size(value))
		json_object_set_new(obj, key, value);
	else
		json_decref(value);
}

static void set_vlans(json_t *network, const struct flow *f)
{
	char id[8];

	if (f->key.vlan[0]) {
		snprintf(id, sizeof(id), "%u", f->key.vlan[0]);
		json_object_set_new(network, "vlan",
				    json_pack("{s:s}", "id", id));
	}
	if (f->key.vlan[1]) {
		snprintf(id, sizeof(id), "%u", f->key.vlan[1]);
		json_object_set_new(network, "inner",
				    json_pack("{s:{s:s}}", "vlan", "id", id));
	}
}

static json_t *tunnel_object(const struct flow *f)
{
	json_t *o = json_object();
	char a[64], b[64];

	json_object_set_new(o, "type", json_string(tunnel_type_name(f->tunnel)));
	json_object_set_new(o, "depth", json_integer(f->key.depth));
	if (f->outer_family) {
		record_addr_str(&f->outer_src, f->outer_family, a, sizeof(a));
		record_addr_str(&f->outer_dst, f->outer_family, b, sizeof(b));
		json_object_set_new(o, "outer",
				    json_pack("{s:{s:s},s:{s:s}}", "source", "ip",
					      a, "destination", "ip", b));
	}
	if (f->has_vni)
		json_object_set_new(o, "vni", json_integer(f->key.vni));
	return o;
}

json_t *record_flow(const struct record_context *ctx, const struct flow *f,
		    enum flow_end_reason why)
{
	struct flow_tuple t;
	json_t *rec = json_object(), *event, *network, *observer, *bg, *bflow;
	char tbuf[TIMEFMT_LEN], cid[COMMUNITY_ID_STRLEN];
	const char *transport;
	bool interim = why == FLOW_END_ACTIVE_TIMEOUT;

	flow_tuple_of(f, &t);
	json_object_set_new(rec, "@timestamp",
			    json_string(timefmt_rfc3339(f->last_ns, tbuf)));

	event = json_object();
	json_object_set_new(event, "kind", json_string("event"));
	json_object_set_new(event, "category", json_pack("[s]", "network"));
	json_object_set_new(event, "type",
			    json_pack("[s,s]", "connection",
				      interim ? "info" : "end"));
	json_object_set_new(event, "start",
			    json_string(timefmt_rfc3339(f->start_ns, tbuf)));
	json_object_set_new(event, "end",
			    json_string(timefmt_rfc3339(f->last_ns, tbuf)));
	json_object_set_new(event, "duration",
			    json_integer((json_int_t)(f->last_ns - f->start_ns)));
	json_object_set_new(rec, "event", event);

	json_object_set_new(rec, "source", side_object(f, 0, &t));
	json_object_set_new(rec, "destination", side_object(f, 1, &t));

	network = json_object();
	transport = record_transport_name(t.proto);
	if (transport) {
		json_object_set_new(network, "transport", json_string(transport));
	} else {
		char num[4];

		snprintf(num, sizeof(num), "%u", t.proto);
		json_object_set_new(network, "iana_number", json_string(num));
	}
	json_object_set_new(network, "type",
			    json_string(t.family == 6 ? "ipv6" : "ipv4"));
	community_id_format(f->community_id, cid);
	json_object_set_new(network, "community_id", json_string(cid));
	json_object_set_new(network, "bytes",
			    json_integer((json_int_t)(f->side[0].bytes +
						      f->side[1].bytes)));
	json_object_set_new(network, "packets",
			    json_integer((json_int_t)(f->side[0].packets +
						      f->side[1].packets)));
	set_vlans(network, f);
	json_object_set_new(rec, "network", network);

	observer = json_object();
	json_object_set_new(observer, "hostname",
			    json_string(ctx->observer_hostname));
	json_object_set_new(observer, "name", json_string(ctx->observer_name));
	if (ctx->live && f->input_index < ctx->ninputs)
		json_object_set_new(observer, "ingress",
				    json_pack("{s:{s:s}}", "interface", "name",
					      ctx->input_names[f->input_index]));
	json_object_set_new(rec, "observer", observer);
	if (!ctx->live && f->input_index < ctx->ninputs)
		json_object_set_new(rec, "log",
				    json_pack("{s:{s:s}}", "file", "path",
					      ctx->input_names[f->input_index]));

	bg = json_object();
	json_object_set_new(bg, "input", json_string(ctx->live ? "live" : "pcap"));
	bflow = json_object();
	json_object_set_new(bflow, "end_reason",
			    json_string(flow_end_reason_name(why)));
	if (interim)
		json_object_set_new(bflow, "interim", json_true());
	set_nonempty(bflow, "source", side_detail(f, 0));
	set_nonempty(bflow, "destination", side_detail(f, 1));
	json_object_set_new(bg, "flow", bflow);
	if (t.proto == IPPROTO_NUM_ICMP || t.proto == IPPROTO_NUM_ICMPV6)
		json_object_set_new(bg, "icmp",
				    json_pack("{s:i,s:i}", "type", f->icmp_type,
					      "code", f->icmp_code));
	if (f->key.depth > 0)
		json_object_set_new(bg, "tunnel", tunnel_object(f));
	json_object_set_new(rec, "bergerie", bg);
	return rec;
}

void record_add_jurisdiction(json_t *rec, const struct flow *f,
			     const struct geo_result *r,
			     const char *policy_hash)
{
	json_t *network = json_object_get(rec, "network");
	json_t *bg = json_object_get(rec, "bergerie");
	int remote = flow_remote_side(f);
	const char *zone = zone_name(r->zone);

	json_object_set_new(network, "direction",
			    json_string(flow_direction_name(flow_direction_of(f))));
	if (remote >= 0) {
		json_t *end = json_object_get(rec, remote == 0 ? "source"
								: "destination");

		if (r->country[0])
			json_object_set_new(end, "geo",
					    json_pack("{s:s}", "country_iso_code",
						      r->country));
		if (r->asn) {
			json_t *as = json_pack("{s:I}", "number",
					       (json_int_t)r->asn);

			if (r->as_org[0])
				json_object_set_new(as, "organization",
						    json_pack("{s:s}", "name",
							      r->as_org));
			json_object_set_new(end, "as", as);
		}
		json_object_set_new(bg, "remote",
				    json_string(remote == 0 ? "source"
							    : "destination"));
	}
	json_object_set_new(bg, "verdict",
			    json_string(verdict_name(r->verdict)));
	if (zone)
		json_object_set_new(bg, "zone", json_string(zone));
	if (r->operator_name && *r->operator_name)
		json_object_set_new(bg, "operator", json_string(r->operator_name));
	if (r->controller[0]) {
		json_object_set_new(bg, "jurisdiction", json_string(r->controller));
		if (r->jurisdiction && r->jurisdiction->nlaws) {
			json_t *laws = json_array();

			for (size_t i = 0; i < r->jurisdiction->nlaws; i++)
				json_array_append_new(
					laws, json_string(r->jurisdiction->laws[i]));
			json_object_set_new(bg, "laws", laws);
		}
	}
	json_object_set_new(bg, "reason", json_string(r->reason));
	if (f->rule)
		json_object_set_new(bg, "rule", json_string(f->rule->id));
	if (policy_hash)
		json_object_set_new(bg, "policy",
				    json_pack("{s:s}", "hash", policy_hash));
}

void record_add_names(json_t *rec, const struct record_names *n)
{
	json_t *bg = json_object_get(rec, "bergerie");

	if (n->name) {
		json_object_set_new(json_object_get(rec, "destination"), "domain",
				    json_string(n->name));
		json_object_set_new(bg, "name_source", json_string(n->source));
	}
	if (n->dns_name)
		json_object_set_new(bg, "dns_name", json_string(n->dns_name));
	if (n->sni)
		json_object_set_new(rec, "tls",
				    json_pack("{s:{s:s}}", "client", "server_name",
					      n->sni));
	if (n->ech)
		json_object_set_new(bg, "tls", json_pack("{s:b}", "ech", 1));
}
