/*
 * flow_verdict.c: home ends, direction, remote end, verdict and rule.
 */
#include "flow_verdict.h"

#include <string.h>

const char *flow_direction_name(enum flow_direction d)
{
	static const char *const names[] = {"outbound", "inbound", "internal",
					    "external"};

	return (unsigned)d < 4 ? names[d] : "external";
}

void flow_side_addr(const struct flow *f, int side, struct geo_addr *out)
{
	/* Side 0 is key.a when initiator_is_a. */
	bool is_a = (side == 0) == (f->initiator_is_a != 0);
	const struct ip_addr *a = is_a ? &f->key.a : &f->key.b;

	out->family = f->key.family;
	memcpy(out->b, a->b, sizeof(out->b));
}

/* Home bit of one side: bit 0 belongs to key.a, bit 1 to key.b. */
static bool side_is_home(const struct flow *f, int side)
{
	bool is_a = (side == 0) == (f->initiator_is_a != 0);

	return f->home & (is_a ? 1 : 2);
}

enum flow_direction flow_direction_of(const struct flow *f)
{
	bool src = side_is_home(f, 0), dst = side_is_home(f, 1);

	if (src && dst)
		return FLOW_DIR_INTERNAL;
	if (src)
		return FLOW_DIR_OUTBOUND;
	if (dst)
		return FLOW_DIR_INBOUND;
	return FLOW_DIR_EXTERNAL;
}

int flow_remote_side(const struct flow *f)
{
	switch (flow_direction_of(f)) {
	case FLOW_DIR_INBOUND:
		return 0;
	case FLOW_DIR_INTERNAL:
		return -1;
	default:
		return 1;
	}
}

static void classify_remote(const struct flow *f, struct geo_engine *e,
			    struct geo_result *r)
{
	struct geo_addr a;
	int side = flow_remote_side(f);

	flow_side_addr(f, side < 0 ? 0 : side, &a);
	geo_engine_classify_fast(e, &a, r);
	if (side < 0)	/* both ends home: the traffic never left */
		r->verdict = VERDICT_LOCAL;
}

bool flow_verdict_update(struct flow *f, struct geo_engine *e,
			 struct geo_result *r)
{
	struct geo_addr a, b;

	if (!e || (f->classified && f->engine == e))
		return false;
	a.family = b.family = f->key.family;
	memcpy(a.b, f->key.a.b, sizeof(a.b));
	memcpy(b.b, f->key.b.b, sizeof(b.b));
	f->home = (uint8_t)((geo_engine_is_home(e, &a) ? 1 : 0) |
			    (geo_engine_is_home(e, &b) ? 2 : 0));
	if (f->engine != e) {
		geo_engine_ref(e);
		if (f->engine)
			geo_engine_unref(f->engine);
		f->engine = e;
		f->rule = NULL;
	}
	classify_remote(f, e, r);
	f->verdict = (uint8_t)r->verdict;
	f->classified = true;
	return true;
}

void flow_verdict_reason(const struct flow *f, struct geo_result *r)
{
	struct geo_addr a;
	int side = flow_remote_side(f);

	if (!f->engine)
		return;
	flow_side_addr(f, side < 0 ? 0 : side, &a);
	geo_engine_reason(f->engine, &a, r);
}

bool flow_verdict_result(const struct flow *f, struct geo_result *out)
{
	if (!f->classified || !f->engine)
		return false;
	classify_remote(f, f->engine, out);
	return true;
}

const struct policy_rule *flow_verdict_match(struct flow *f,
					     const struct geo_result *r,
					     const char *server_name)
{
	struct geo_addr internal, remote;
	struct policy_query q;
	int rs = flow_remote_side(f);
	uint16_t port;

	if (!f->engine)
		return NULL;
	memset(&q, 0, sizeof(q));
	flow_side_addr(f, rs == 0 ? 1 : 0, &internal);
	flow_side_addr(f, rs < 0 ? 1 : rs, &remote);
	q.internal = &internal;
	q.remote = &remote;
	q.result = r;
	q.server_name = server_name;
	q.transport = f->key.proto;
	q.remote_port = -1;
	if (f->key.proto == IPPROTO_NUM_TCP || f->key.proto == IPPROTO_NUM_UDP ||
	    f->key.proto == IPPROTO_NUM_SCTP) {
		bool remote_is_a = (rs != 0) != (f->initiator_is_a != 0);

		port = remote_is_a ? f->key.aport : f->key.bport;
		q.remote_port = port;
	}
	f->rule = geo_engine_match(f->engine, &q);
	return f->rule;
}

void flow_verdict_release(struct flow *f)
{
	if (f->engine) {
		geo_engine_unref(f->engine);
		f->engine = NULL;
	}
}
