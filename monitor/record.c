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
#include "json_fill.h"
#include "timefmt.h"

const char *record_addr_str(const struct ip_addr *a, uint8_t family, char *buf,
			    unsigned len)
{
	if (!geo_addr_ntop(family == 6 ? 6 : 4, a->b, buf, len))
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

/* A string formatted here (time, address, flags): ASCII, no UTF-8 check. */
static void fill_ascii(struct json_fill *c, const char *key, const char *s)
{
	json_fill_ascii(c, key, s, strlen(s));
}

/* source / destination: the address, port and the side's counters (the
 * remote end's geo and AS come later, record_fill_jurisdiction()). */
static void fill_side(struct json_fill *o, const struct flow *f, int side,
		      const struct flow_tuple *t)
{
	char buf[64];
	bool src = side == 0;

	fill_ascii(o, "ip", record_addr_str(src ? &t->src : &t->dst,
					    t->family, buf, sizeof(buf)));
	if (proto_has_ports(t->proto))
		json_fill_int(o, "port", src ? t->sport : t->dport);
	json_fill_int(o, "bytes", (json_int_t)f->side[side].bytes);
	json_fill_int(o, "packets", (json_int_t)f->side[side].packets);
}

/* bergerie.flow.source / .destination: what ECS has no place for. Left
 * out when empty (CONTRACT.md section 1). */
static void fill_side_detail(struct json_fill *bflow, const char *key,
			     const struct flow *f, int side)
{
	const struct flow_side *s = &f->side[side];
	struct json_fill o;
	char tbuf[TIMEFMT_LEN];
	char flags[9];

	json_fill_open(bflow, key, &o);
	if (s->packets) {
		fill_ascii(&o, "start", timefmt_rfc3339(s->first_ns, tbuf));
		fill_ascii(&o, "end", timefmt_rfc3339(s->last_ns, tbuf));
	}
	if (f->key.proto == IPPROTO_NUM_TCP && s->tcp_flags) {
		record_tcp_flags(s->tcp_flags, flags);
		fill_ascii(&o, "tcp_flags", flags);
	}
	json_fill_close(bflow, key, &o, true);
}

/* {key: {inner: value}}, left out when value is (as json_pack would). */
static void fill_nested_str(struct json_fill *c, const char *key,
			    const char *inner, const char *value)
{
	struct json_fill o;

	json_fill_open(c, key, &o);
	json_fill_str(&o, inner, value);
	json_fill_close(c, key, &o, true);
}

static void fill_vlans(struct json_fill *network, const struct flow *f)
{
	char id[8];

	if (f->key.vlan[0]) {
		snprintf(id, sizeof(id), "%u", f->key.vlan[0]);
		fill_nested_str(network, "vlan", "id", id);
	}
	if (f->key.vlan[1]) {
		struct json_fill inner;

		snprintf(id, sizeof(id), "%u", f->key.vlan[1]);
		json_fill_open(network, "inner", &inner);
		fill_nested_str(&inner, "vlan", "id", id);
		json_fill_close(network, "inner", &inner, true);
	}
}

static void fill_tunnel(struct json_fill *bg, const struct flow *f)
{
	struct json_fill o;
	char a[64], b[64];

	json_fill_open(bg, "tunnel", &o);
	json_fill_str(&o, "type", tunnel_type_name(f->tunnel));
	json_fill_int(&o, "depth", f->key.depth);
	if (f->outer_family) {
		struct json_fill outer;

		record_addr_str(&f->outer_src, f->outer_family, a, sizeof(a));
		record_addr_str(&f->outer_dst, f->outer_family, b, sizeof(b));
		json_fill_open(&o, "outer", &outer);
		fill_nested_str(&outer, "source", "ip", a);
		fill_nested_str(&outer, "destination", "ip", b);
		json_fill_close(&o, "outer", &outer, true);
	}
	if (f->has_vni)
		json_fill_int(&o, "vni", f->key.vni);
	json_fill_close(bg, "tunnel", &o, false);
}

void record_fill_begin(struct record_fill *rf, json_t *rec)
{
	memset(rf, 0, sizeof(*rf));
	json_fill_begin(&rf->root, rec);
}

void record_fill_flow(struct record_fill *rf, const struct record_context *ctx,
		      const struct flow *f, enum flow_end_reason why)
{
	static const char *const category[] = {"network"};
	struct flow_tuple t;
	struct json_fill event, observer, bflow;
	char tbuf[TIMEFMT_LEN], cid[COMMUNITY_ID_STRLEN];
	const char *transport, *type[2];
	bool interim = why == FLOW_END_ACTIVE_TIMEOUT;

	flow_tuple_of(f, &t);
	fill_ascii(&rf->root, "@timestamp", timefmt_rfc3339(f->last_ns, tbuf));

	json_fill_open(&rf->root, "event", &event);
	json_fill_str(&event, "kind", "event");
	json_fill_strs(&event, "category", category, 1);
	type[0] = "connection";
	type[1] = interim ? "info" : "end";
	json_fill_strs(&event, "type", type, 2);
	fill_ascii(&event, "start", timefmt_rfc3339(f->start_ns, tbuf));
	fill_ascii(&event, "end", timefmt_rfc3339(f->last_ns, tbuf));
	json_fill_int(&event, "duration", (json_int_t)(f->last_ns - f->start_ns));
	json_fill_close(&rf->root, "event", &event, false);

	json_fill_open(&rf->root, "source", &rf->src);
	fill_side(&rf->src, f, 0, &t);
	json_fill_open(&rf->root, "destination", &rf->dst);
	fill_side(&rf->dst, f, 1, &t);

	json_fill_open(&rf->root, "network", &rf->net);
	transport = record_transport_name(t.proto);
	if (transport) {
		json_fill_str(&rf->net, "transport", transport);
	} else {
		char num[4];

		snprintf(num, sizeof(num), "%u", t.proto);
		json_fill_str(&rf->net, "iana_number", num);
	}
	json_fill_str(&rf->net, "type", t.family == 6 ? "ipv6" : "ipv4");
	community_id_format(f->community_id, cid);
	fill_ascii(&rf->net, "community_id", cid);
	json_fill_int(&rf->net, "bytes",
		      (json_int_t)(f->side[0].bytes + f->side[1].bytes));
	json_fill_int(&rf->net, "packets",
		      (json_int_t)(f->side[0].packets + f->side[1].packets));
	fill_vlans(&rf->net, f);

	json_fill_open(&rf->root, "observer", &observer);
	json_fill_str(&observer, "hostname", ctx->observer_hostname);
	json_fill_str(&observer, "name", ctx->observer_name);
	if (ctx->live && f->input_index < ctx->ninputs) {
		struct json_fill ingress;

		json_fill_open(&observer, "ingress", &ingress);
		fill_nested_str(&ingress, "interface", "name",
				ctx->input_names[f->input_index]);
		json_fill_close(&observer, "ingress", &ingress, true);
	}
	json_fill_close(&rf->root, "observer", &observer, false);
	if (!ctx->live && f->input_index < ctx->ninputs) {
		struct json_fill log;

		json_fill_open(&rf->root, "log", &log);
		fill_nested_str(&log, "file", "path",
				ctx->input_names[f->input_index]);
		json_fill_close(&rf->root, "log", &log, true);
	}

	json_fill_open(&rf->root, "bergerie", &rf->bg);
	json_fill_str(&rf->bg, "input", ctx->live ? "live" : "pcap");
	json_fill_open(&rf->bg, "flow", &bflow);
	json_fill_str(&bflow, "end_reason", flow_end_reason_name(why));
	if (interim)
		json_fill_true(&bflow, "interim");
	fill_side_detail(&bflow, "source", f, 0);
	fill_side_detail(&bflow, "destination", f, 1);
	json_fill_close(&rf->bg, "flow", &bflow, false);
	if (t.proto == IPPROTO_NUM_ICMP || t.proto == IPPROTO_NUM_ICMPV6) {
		struct json_fill icmp;

		json_fill_open(&rf->bg, "icmp", &icmp);
		json_fill_int(&icmp, "type", f->icmp_type);
		json_fill_int(&icmp, "code", f->icmp_code);
		json_fill_close(&rf->bg, "icmp", &icmp, false);
	}
	if (f->key.depth > 0)
		fill_tunnel(&rf->bg, f);
}

void record_fill_jurisdiction(struct record_fill *rf, const struct flow *f,
			      const struct geo_result *r,
			      const char *policy_hash)
{
	int remote = flow_remote_side(f);
	const char *zone = zone_name(r->zone);

	json_fill_str(&rf->net, "direction",
		      flow_direction_name(flow_direction_of(f)));
	if (remote >= 0) {
		struct json_fill *end = remote == 0 ? &rf->src : &rf->dst;

		if (r->country[0])
			fill_nested_str(end, "geo", "country_iso_code",
					r->country);
		if (r->asn) {
			struct json_fill as;

			json_fill_open(end, "as", &as);
			json_fill_int(&as, "number", (json_int_t)r->asn);
			if (r->as_org[0])
				fill_nested_str(&as, "organization", "name",
						r->as_org);
			json_fill_close(end, "as", &as, false);
		}
		json_fill_str(&rf->bg, "remote",
			      remote == 0 ? "source" : "destination");
	}
	json_fill_str(&rf->bg, "verdict", verdict_name(r->verdict));
	if (zone)
		json_fill_str(&rf->bg, "zone", zone);
	if (r->operator_name && *r->operator_name)
		json_fill_str(&rf->bg, "operator", r->operator_name);
	if (r->controller[0]) {
		json_fill_str(&rf->bg, "jurisdiction", r->controller);
		if (r->jurisdiction && r->jurisdiction->nlaws)
			json_fill_strs(&rf->bg, "laws",
				       r->jurisdiction->laws,
				       r->jurisdiction->nlaws);
	}
	json_fill_str(&rf->bg, "reason", r->reason);
	if (f->rule)
		json_fill_str(&rf->bg, "rule", f->rule->id);
	if (policy_hash)
		fill_nested_str(&rf->bg, "policy", "hash", policy_hash);
}

void record_fill_names(struct record_fill *rf, const struct record_names *n)
{
	if (n->name) {
		json_fill_str(&rf->dst, "domain", n->name);
		json_fill_str(&rf->bg, "name_source", n->source);
	}
	if (n->dns_name)
		json_fill_str(&rf->bg, "dns_name", n->dns_name);
	if (n->sni) {
		struct json_fill tls;

		json_fill_open(&rf->root, "tls", &tls);
		fill_nested_str(&tls, "client", "server_name", n->sni);
		json_fill_close(&rf->root, "tls", &tls, true);
	}
	if (n->ech) {
		struct json_fill tls;

		json_fill_open(&rf->bg, "tls", &tls);
		json_fill_true(&tls, "ech");
		json_fill_close(&rf->bg, "tls", &tls, false);
	}
}

void record_fill_end(struct record_fill *rf)
{
	json_fill_end(&rf->src);
	json_fill_end(&rf->dst);
	json_fill_end(&rf->net);
	json_fill_end(&rf->bg);
	json_fill_end(&rf->root);
}

json_t *record_flow(const struct record_context *ctx, const struct flow *f,
		    enum flow_end_reason why)
{
	struct record_fill rf;
	json_t *rec = json_object();

	record_fill_begin(&rf, rec);
	record_fill_flow(&rf, ctx, f, why);
	record_fill_end(&rf);
	return rec;
}

/* Cursors appending to a record record_flow() built. */
static void fill_append(struct record_fill *rf, json_t *rec)
{
	json_fill_append(&rf->root, rec);
	json_fill_append(&rf->src, json_object_get(rec, "source"));
	json_fill_append(&rf->dst, json_object_get(rec, "destination"));
	json_fill_append(&rf->net, json_object_get(rec, "network"));
	json_fill_append(&rf->bg, json_object_get(rec, "bergerie"));
}

void record_add_jurisdiction(json_t *rec, const struct flow *f,
			     const struct geo_result *r,
			     const char *policy_hash)
{
	struct record_fill rf;

	fill_append(&rf, rec);
	record_fill_jurisdiction(&rf, f, r, policy_hash);
}

void record_add_names(json_t *rec, const struct record_names *n)
{
	struct record_fill rf;

	fill_append(&rf, rec);
	record_fill_names(&rf, n);
}
