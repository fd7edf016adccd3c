/*
 * record.h: flow records as JSON objects (jansson), the one place that
 * knows the record shape (CONTRACT.md section 1: nested ECS, bergerie's own
 * fields under "bergerie", no nulls).
 */
#ifndef BERGERIE_RECORD_H
#define BERGERIE_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "flow.h"
#include "json_fill.h"

/* What every record of a run shares. */
struct record_context {
	const char *observer_hostname;
	const char *observer_name;
	bool live;			/* inputs are interfaces, not files */
	const char *const *input_names;	/* by flow.input_index */
	uint16_t ninputs;
};

/* Adds "ip" (and "port" when has_port) to obj for one address. */
void record_set_endpoint(json_t *obj, const struct ip_addr *a, uint8_t family,
			 uint16_t port, bool has_port);

/* Writes the address as inet_ntop does; buf of at least 46 bytes. */
const char *record_addr_str(const struct ip_addr *a, uint8_t family, char *buf,
			    unsigned len);

/* The ECS transport keyword ("tcp", "ipv6-icmp", ...), NULL if none. */
const char *record_transport_name(uint8_t proto);

/* "FSRPAUEC" letters of the flags set, in that order. */
void record_tcp_flags(uint8_t flags, char out[9]);

/*
 * The flow record of f as it ends (or an interim record). The caller adds
 * the jurisdiction fields and serialises it. New reference.
 */
json_t *record_flow(const struct record_context *ctx, const struct flow *f,
		    enum flow_end_reason why);

struct geo_result;

/* The flow's server name, as the names module found it. */
struct record_names {
	const char *name;		/* destination.domain, NULL: none */
	const char *source;		/* "dns", "sni", "http", "quic" */
	const char *dns_name;		/* bergerie.dns_name when it differs */
	const char *sni;		/* tls.client.server_name */
	bool ech;			/* bergerie.tls.ech */
};

void record_add_names(json_t *rec, const struct record_names *n);

/*
 * Adds the jurisdiction fields of a classified flow: network.direction,
 * the remote end's geo and AS fields on whichever object it is, and
 * bergerie.remote, verdict, zone, operator, jurisdiction, laws, reason,
 * rule and policy.hash. r is the remote end's classification.
 */
void record_add_jurisdiction(json_t *rec, const struct flow *f,
			     const struct geo_result *r,
			     const char *policy_hash);

/*
 * The same record refilled in place (json_fill.h): the output thread keeps
 * one tree and refills it per flow, which writes exactly what
 * record_flow() + record_add_jurisdiction() + record_add_names() would.
 * Call begin, flow, then optionally jurisdiction and names, then end.
 */
struct record_fill {
	struct json_fill root, src, dst, net, bg;
};

void record_fill_begin(struct record_fill *rf, json_t *rec);
void record_fill_flow(struct record_fill *rf, const struct record_context *ctx,
		      const struct flow *f, enum flow_end_reason why);
void record_fill_jurisdiction(struct record_fill *rf, const struct flow *f,
			      const struct geo_result *r,
			      const char *policy_hash);
void record_fill_names(struct record_fill *rf, const struct record_names *n);
void record_fill_end(struct record_fill *rf);

#endif
