/*
 * flow_table.h: the bidirectional flow table.
 *
 * Jobs: find or create the flow of a packet layer (keyed hash, per-process
 * random seed); count the packet on the right side; follow TCP far enough
 * to know the initiator and the end (FIN both ways, RST); expire idle flows
 * per timeout class on packet time; emit interim records for long flows;
 * evict the longest-idle flow at the memory cap and count it; flush at the
 * end. Flows handed to the emit callback are in a stable order (event.start,
 * Community ID, VLAN, tunnel depth, creation sequence) whatever the seed.
 *
 * Must never: read the wall clock, print, or know about outputs or geo.
 */
#ifndef BERGERIE_FLOW_TABLE_H
#define BERGERIE_FLOW_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "packet.h"

/*
 * Seconds. Defaults per CONTRACT.md section 3. A flow ends when the table's
 * clock reaches its last packet plus the timeout (inclusive: at exactly
 * last + timeout it has ended; one nanosecond earlier it lives). The TCP
 * linger runs from the packet that closed the flow (second FIN, or RST);
 * later packets are still counted but do not extend it. active = 0 turns
 * interim records off.
 */
struct flow_timeouts {
	uint32_t tcp_idle;	/* 300 */
	uint32_t tcp_syn;	/* 30: a SYN nobody answered */
	uint32_t tcp_linger;	/* 5: after FIN both ways or RST */
	uint32_t udp;		/* 60 */
	uint32_t icmp;		/* 60 */
	uint32_t other;		/* 60 */
	uint32_t active;	/* 300: interim record for a long flow */
};

void flow_timeouts_default(struct flow_timeouts *to);

struct flow_table_config {
	uint64_t memcap;	/* bytes: flows plus buckets */
	struct flow_timeouts timeouts;
	uint8_t seed[16];	/* hash key; random per process in production */
};

/*
 * Default --flow-memcap: room for at least 1,000,000 flows (flow_table.c
 * gives the per-flow figure). The cap covers buckets, flows and the emit
 * batch array; what it allows is flows_max in the statistics.
 */
uint64_t flow_table_default_memcap(void);

/*
 * Called for every flow that ends (idle, FIN, RST, eviction, flush) and for
 * every interim record (FLOW_END_ACTIVE_TIMEOUT; the flow lives on, its
 * counters cumulative). The flow is valid only during the call; for an
 * ending flow it is freed after: the callback may release what it attached
 * to the flow (the pipeline's engine reference). The callback must not
 * call back into the table. Flows ending or reported in one advance/flush call come in the
 * stable order (start_ns, community_id, vlan[0], vlan[1], depth, seq).
 */
typedef void (*flow_emit_fn)(void *ctx, struct flow *f,
			     enum flow_end_reason why);

struct flow_table;

/* NULL with a message in err when the cap leaves room for no flow. */
struct flow_table *flow_table_new(const struct flow_table_config *cfg,
				  flow_emit_fn emit, void *ctx, char *err,
				  size_t errlen);
void flow_table_free(struct flow_table *t);

/*
 * Finds the flow of a layer or creates it, then counts the packet in it.
 * *side is set to 0 when the packet went initiator -> responder, 1 for the
 * reverse. input_index names the capture file of the first packet. Returns
 * NULL only when no memory could be had even after eviction (counted in
 * flow_alloc_failures).
 *
 * It first advances the clock to ts_ns (as flow_table_advance()), so flows
 * may be emitted from inside the call; and at the cap it may evict any
 * other flow. A flow pointer is therefore valid only until the next call
 * that can end flows (packet, advance, flush). flow_is_new(f) tells the
 * caller this packet created the flow (flow.h).
 *
 * Ports are keyed when l->has_ports, and always for ICMP/ICMPv6 (sport =
 * dport = echo identifier, 0 for other types). Community ID is computed at
 * creation (seed 0) from the initiator -> responder tuple; for ICMP from
 * the first packet's type and code.
 */
struct flow *flow_table_packet(struct flow_table *t, const struct pkt_layer *l,
			       uint64_t ts_ns, uint16_t input_index, int *side);

/*
 * Finds the flow an ICMP error quotes: the tuple is the quoted (offending)
 * packet's, the VLANs, depth and VNI those of the layer carrying the error.
 * Does not create. *side is the side that sent the quoted packet.
 */
struct flow *flow_table_find_quoted(struct flow_table *t,
				    const struct pkt_layer *icmp_layer,
				    int *side);

/*
 * Counts a packet (an ICMP error) toward an existing flow, on side `side`:
 * the side that received the quoted packet, i.e. 1 minus the side
 * flow_table_find_quoted() returned (the error travels back to the quoted
 * packet's sender). Call it right after flow_table_find_quoted(), with no
 * other table call in between. It moves the clock to ts_ns if later, but
 * expires nothing itself.
 */
void flow_table_count(struct flow_table *t, struct flow *f, int side,
		      uint32_t ip_bytes, uint64_t ts_ns);

/*
 * Moves the table's clock to now: ends flows whose timeout passed and emits
 * interim records due. Cheap when nothing is due; call it for every packet
 * and on idle ticks. A clock going backwards is ignored here (the caller
 * counts it).
 */
void flow_table_advance(struct flow_table *t, uint64_t now_ns);

/* Ends every flow with the given reason (end_of_input or shutdown), a TCP
 * flow lingering after FIN or RST included, in the stable order. */
void flow_table_flush(struct flow_table *t, enum flow_end_reason why);

struct flow_table_stats {
	uint64_t flows_created;
	uint64_t flows_ended;		/* records for ended flows, any reason */
	uint64_t flows_interim;		/* interim records */
	uint64_t flow_memcap_evictions;	/* ended early to stay under the cap */
	uint64_t flows_active;
	uint64_t flows_max;		/* what the cap allows */
	uint64_t memory_used;		/* bytes now held by flows and buckets */
	uint64_t flow_alloc_failures;	/* packets dropped: no flow could be had */
};

void flow_table_stats(const struct flow_table *t, struct flow_table_stats *s);

/*
 * Calls fn for every live flow (the dashboard's snapshot). The order is
 * the table's memory order, which never depends on the seed. fn must not
 * call back into the table; flows are read-only there.
 */
void flow_table_foreach(struct flow_table *t,
			void (*fn)(void *ctx, const struct flow *f), void *ctx);

#endif
