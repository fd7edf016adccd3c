/*
 * flow.h: one bidirectional flow, as the flow table keeps it and the outputs
 * read it.
 *
 * Side 0 of a flow is its initiator (ECS "source"), side 1 the responder
 * ("destination"). The initiator is the sender of the first packet seen,
 * corrected when a TCP SYN or SYN-ACK shows the other way round.
 *
 * Hot fields (key, hash link, counters) come first: they are touched by
 * every packet. The rest is read at the flow's end.
 */
#ifndef BERGERIE_FLOW_H
#define BERGERIE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

struct geo_engine;
struct policy_rule;
struct flow_names;

/*
 * The flow key. Every input to the hash and to equality is here:
 *   - the two endpoints, stored in canonical order (lower address, then
 *     lower port, first) so both directions find the same flow;
 *   - family and IANA protocol;
 *   - ports (TCP, UDP, SCTP) or the ICMP echo identifier (in both ports),
 *     zero for protocols without them;
 *   - the VLAN IDs (outer and inner QinQ tag, 0 when untagged);
 *   - the tunnel depth and VNI/key, so an inner flow never merges with an
 *     outer one or with the same addresses in another tenant's tunnel.
 * The per-process random seed is mixed in by the table, not stored here.
 */
struct flow_key {
	struct ip_addr a, b;	/* canonical order: a <= b */
	uint16_t aport, bport;
	uint16_t vlan[PKT_MAX_VLANS];
	uint32_t vni;
	uint8_t family;
	uint8_t proto;
	uint8_t depth;
	uint8_t pad;		/* always 0: keys are compared with memcmp */
};

enum flow_end_reason {
	FLOW_END_NONE = 0,
	FLOW_END_IDLE_TIMEOUT,
	FLOW_END_ACTIVE_TIMEOUT,	/* interim record; the flow goes on */
	FLOW_END_FIN,
	FLOW_END_RST,
	FLOW_END_EVICTED,
	FLOW_END_END_OF_INPUT,
	FLOW_END_SHUTDOWN,
};

/* "idle_timeout", ... as in bergerie.flow.end_reason. */
const char *flow_end_reason_name(enum flow_end_reason r);

struct flow_side {
	uint64_t packets;
	uint64_t bytes;		/* IP bytes */
	uint64_t first_ns;	/* 0 until this side sent a packet */
	uint64_t last_ns;
	uint8_t tcp_flags;	/* OR of every flag this side sent */
};

enum flow_tcp_state {
	TCP_STATE_NONE = 0,	/* not TCP */
	TCP_STATE_SYN,		/* SYN seen, no answer yet (short timeout) */
	TCP_STATE_ESTABLISHED,	/* anything past the handshake */
	TCP_STATE_CLOSING,	/* FIN both ways or RST: linger, then end */
};

struct flow {
	struct flow_key key;
	struct flow *hash_next;		/* bucket chain */
	struct flow *lru_prev, *lru_next;	/* in the list of its timeout class */
	uint64_t hash;			/* siphash of key, under the table's seed */
	uint64_t last_ns;		/* last packet, either side */
	uint64_t lru_ns;		/* when it took its place in its LRU list:
					 * the last packet, or the packet that
					 * closed a TCP flow (linger runs from
					 * there); its deadline is lru_ns plus
					 * its class's timeout */
	struct flow_side side[2];	/* 0 initiator, 1 responder */
	uint8_t initiator_is_a;		/* side 0 is key.a */
	uint8_t timeout_class;		/* which LRU list (flow_table.c) */
	uint8_t tcp_state;		/* enum flow_tcp_state */
	uint8_t end_reason;		/* enum flow_end_reason, while ending */
	uint8_t fin_seen;		/* bit 0: side 0 sent FIN; bit 1: side 1 */
	bool interim_sent;		/* an active-timeout record went out */

	/* Cold: read at the flow's end. */
	uint64_t start_ns;		/* first packet */
	uint64_t active_mark_ns;	/* start, or the last interim record */
	struct flow *active_prev, *active_next;	/* ordered by active_mark_ns */
	uint64_t seq;			/* creation sequence, for stable order */
	uint8_t community_id[20];	/* SHA-1 of the Community ID v1 input,
					 * valid once cid_valid */
	bool cid_valid;
	uint8_t icmp_type, icmp_code;	/* of the first packet */
	enum tunnel_type tunnel;
	bool has_vni;
	struct ip_addr outer_src, outer_dst;	/* tunnel endpoints, inner flows */
	uint8_t outer_family;
	uint16_t input_index;		/* which -r file the first packet came from */

	/* Jurisdiction: filled by the pipeline (monitor/flow_verdict.c), never
	 * by the table. The engine reference is held while the flow lives. */
	struct geo_engine *engine;
	const struct policy_rule *rule;	/* first matching rule, NULL: none */
	uint8_t home;			/* bit 0: key.a is home; bit 1: key.b */
	uint8_t verdict;		/* enum verdict of the remote end */
	bool classified;		/* home/verdict are set */

	/* Server name (monitor/names.c): NULL until the flow needs state. */
	struct flow_names *names;

	/* Alert decision (CONTRACT.md section 7): taken once per flow. */
	bool decided;
	uint16_t client_payload_packets;	/* initiator's, up to the cap */
};

/* ECS network.direction, from which ends are home networks. */
enum flow_direction {
	FLOW_DIR_OUTBOUND,	/* home initiator, remote responder */
	FLOW_DIR_INBOUND,	/* remote initiator, home responder */
	FLOW_DIR_INTERNAL,	/* both home */
	FLOW_DIR_EXTERNAL,	/* neither: transit seen on a span port */
};

/*
 * The flow's initiator and responder as a tuple (source -> destination).
 * For ICMP and ICMPv6 the ports hold the echo identifier (0 for other
 * types); records write no ports for them (use icmp_type/icmp_code).
 */
void flow_tuple_of(const struct flow *f, struct flow_tuple *out);

/* Computes f->community_id if not done yet (seed 0; ICMP hashes the first
 * packet's type and code, as the spec wants). Done lazily because a SHA-1
 * per new flow is a large share of the packet path's cost. */
void flow_community_id_ensure(struct flow *f);

/*
 * True when the packet flow_table_packet() just counted was the flow's
 * first, i.e. the flow was created by that call: the caller then sets
 * outer_src/outer_dst/outer_family. Counting starts at one packet and only
 * grows (an ICMP error counted by flow_table_count() joins an existing
 * flow), so the sum is 1 exactly once.
 */
static inline bool flow_is_new(const struct flow *f)
{
	return f->side[0].packets + f->side[1].packets == 1;
}

#endif
