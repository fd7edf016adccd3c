/*
 * flow_verdict.h: a flow's place in the jurisdiction model.
 *
 * Jobs: which ends are home networks, hence network.direction and the
 * remote end (CONTRACT.md section 2: source is the initiator; outbound
 * classifies the responder, inbound the initiator, internal is local,
 * external classifies the responder); the remote end's verdict; the policy
 * rule the flow matches. The flow holds a reference on the engine that
 * classified it, so a reload never pulls data from under it.
 */
#ifndef BERGERIE_FLOW_VERDICT_H
#define BERGERIE_FLOW_VERDICT_H

#include <stdbool.h>

#include "flow.h"
#include "geo/classify.h"

/* "outbound", "inbound", "internal", "external". */
const char *flow_direction_name(enum flow_direction d);

enum flow_direction flow_direction_of(const struct flow *f);

/* 0 (source), 1 (destination) or -1 (internal: no remote end). */
int flow_remote_side(const struct flow *f);

/* Classifies f with engine e (taking a reference) when it is new or when
 * e replaced the engine that classified it (a reload applies from the
 * flow's next packet on). True when it did, with the remote end's result
 * in *r (without the reason; what flow_verdict_result() would give until
 * the flow's roles change), so the caller need not classify again. */
bool flow_verdict_update(struct flow *f, struct geo_engine *e,
			 struct geo_result *r);

/* The remote end's full classification, from the flow's engine (its cache
 * makes this cheap). False for a flow never classified. For an internal
 * flow the result is the initiator's, which is home (verdict local). */
bool flow_verdict_result(const struct flow *f, struct geo_result *out);

/* Fills r->reason (results from the packet path come without it). */
void flow_verdict_reason(const struct flow *f, struct geo_result *r);

/* Matches the policy (first rule wins) and stores the rule in f->rule. */
const struct policy_rule *flow_verdict_match(struct flow *f,
					     const struct geo_result *r,
					     const char *server_name);

/* Drops the engine reference (the flow is ending). */
void flow_verdict_release(struct flow *f);

/* The address of one side (0 initiator, 1 responder) as geo sees it. */
void flow_side_addr(const struct flow *f, int side, struct geo_addr *out);

#endif
