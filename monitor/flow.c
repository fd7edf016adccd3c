/*
 * flow.c: the small helpers flow.h declares for every reader of a flow.
 */
#include <string.h>

#include "flow.h"

#include "community_id.h"

const char *flow_end_reason_name(enum flow_end_reason r)
{
	/* The words of bergerie.flow.end_reason (CONTRACT.md section 1). */
	switch (r) {
	case FLOW_END_IDLE_TIMEOUT: return "idle_timeout";
	case FLOW_END_ACTIVE_TIMEOUT: return "active_timeout";
	case FLOW_END_FIN: return "fin";
	case FLOW_END_RST: return "rst";
	case FLOW_END_EVICTED: return "evicted";
	case FLOW_END_END_OF_INPUT: return "end_of_input";
	case FLOW_END_SHUTDOWN: return "shutdown";
	case FLOW_END_NONE: break;
	}
	return "none";
}

void flow_tuple_of(const struct flow *f, struct flow_tuple *out)
{
	const struct flow_key *k = &f->key;

	memset(out, 0, sizeof(*out));
	if (f->initiator_is_a) {
		out->src = k->a;
		out->dst = k->b;
		out->sport = k->aport;
		out->dport = k->bport;
	} else {
		out->src = k->b;
		out->dst = k->a;
		out->sport = k->bport;
		out->dport = k->aport;
	}
	out->family = k->family;
	out->proto = k->proto;
}

void flow_community_id_ensure(struct flow *f)
{
	struct flow_tuple tup;

	if (f->cid_valid)
		return;
	flow_tuple_of(f, &tup);
	if (tup.proto == IPPROTO_NUM_ICMP || tup.proto == IPPROTO_NUM_ICMPV6) {
		/* The spec hashes type and code, not the echo id. */
		tup.sport = f->icmp_type;
		tup.dport = f->icmp_code;
	}
	community_id_hash(&tup, 0, f->community_id);
	f->cid_valid = true;
}
