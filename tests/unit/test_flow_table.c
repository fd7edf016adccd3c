/*
 * test_flow_table.c: the flow table's behaviour, packet by packet.
 *
 * Expected values are worked out by hand from the rules in flow_table.h:
 * which side a packet counts on, when each timeout class fires (inclusive
 * boundary: last + timeout ends the flow, one second earlier it lives),
 * which flow the cap evicts, and the emission order. Community IDs used to
 * check the order are the spec's published ones (community-id-spec
 * baseline/baseline_deflt.json), whose first bytes are read off the base64:
 * "1:LQU9..." starts 0x2d, "1:X0sn..." 0x5f, "1:d/FP..." 0x77.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "monitor/community_id.h"
#include "monitor/flow_table.h"

#define NS 1000000000ULL
#define T0 (1700000000ULL * NS)
#define AT(s) (T0 + (uint64_t)(s) * NS)

/* ---- Recording what the table emits ---------------------------------- */

struct rec {
	struct flow f;
	enum flow_end_reason why;
};

struct recorder {
	struct rec *r;
	size_t n, cap;
	bool keep;		/* copy flows; the flood test only counts */
	size_t count;
};

static void on_emit(void *ctx, struct flow *f, enum flow_end_reason why)
{
	struct recorder *rc = ctx;

	rc->count++;
	if (!rc->keep)
		return;
	if (rc->n == rc->cap) {
		rc->cap = rc->cap ? rc->cap * 2 : 64;
		rc->r = realloc(rc->r, rc->cap * sizeof(*rc->r));
		assert_non_null(rc->r);
	}
	rc->r[rc->n].f = *f;
	rc->r[rc->n].why = why;
	rc->n++;
}

static void rec_reset(struct recorder *rc)
{
	rc->n = 0;
	rc->count = 0;
}

/* ---- Building layers --------------------------------------------------- */

static struct pkt_layer layer(uint8_t proto, const char *src, uint16_t sport,
			      const char *dst, uint16_t dport)
{
	struct pkt_layer l;
	int af = strchr(src, ':') ? AF_INET6 : AF_INET;

	memset(&l, 0, sizeof(l));
	l.t.family = af == AF_INET6 ? 6 : 4;
	assert_int_equal(inet_pton(af, src, l.t.src.b), 1);
	assert_int_equal(inet_pton(af, dst, l.t.dst.b), 1);
	l.t.proto = proto;
	l.t.sport = sport;
	l.t.dport = dport;
	l.has_ports = proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP ||
		      proto == IPPROTO_NUM_SCTP;
	l.ip_bytes = 100;
	return l;
}

static struct pkt_layer tcp(const char *src, uint16_t sport, const char *dst,
			    uint16_t dport, uint8_t flags)
{
	struct pkt_layer l = layer(IPPROTO_NUM_TCP, src, sport, dst, dport);

	l.tcp_flags = flags;
	return l;
}

static struct pkt_layer udp(const char *src, uint16_t sport, const char *dst,
			    uint16_t dport)
{
	return layer(IPPROTO_NUM_UDP, src, sport, dst, dport);
}

static struct pkt_layer icmp(const char *src, const char *dst, uint8_t type,
			     uint8_t code, uint16_t id)
{
	struct pkt_layer l = layer(IPPROTO_NUM_ICMP, src, id, dst, id);

	l.icmp_type = type;
	l.icmp_code = code;
	return l;
}

static struct flow_table_config config(uint64_t memcap)
{
	struct flow_table_config c;

	memset(&c, 0, sizeof(c));
	c.memcap = memcap;
	flow_timeouts_default(&c.timeouts);
	for (unsigned i = 0; i < sizeof(c.seed); i++)
		c.seed[i] = (uint8_t)(0xa5 ^ i);
	return c;
}

static struct flow_table *table(const struct flow_table_config *c,
				struct recorder *rc)
{
	char err[256];
	struct flow_table *t = flow_table_new(c, on_emit, rc, err, sizeof(err));

	assert_non_null(t);
	return t;
}

static struct flow_table_stats stats(const struct flow_table *t)
{
	struct flow_table_stats s;

	flow_table_stats(t, &s);
	return s;
}

static void id_string(struct flow *f, char out[COMMUNITY_ID_STRLEN])
{
	/* Computed on demand since the table stopped paying a SHA-1 per new
	 * flow; the value must be the same as ever. */
	flow_community_id_ensure(f);
	community_id_format(f->community_id, out);
}

/* ---- Keys -------------------------------------------------------------- */

static void test_both_directions_one_flow(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer l;
	struct flow *f1, *f2, *f3;
	int side;
	(void)state;

	l = tcp("10.0.0.1", 40000, "10.0.0.2", 443, TCPF_SYN);
	f1 = flow_table_packet(t, &l, AT(1), 0, &side);
	assert_non_null(f1);
	assert_int_equal(side, 0);
	assert_true(flow_is_new(f1));
	l = tcp("10.0.0.2", 443, "10.0.0.1", 40000, TCPF_SYN | TCPF_ACK);
	l.ip_bytes = 60;
	f2 = flow_table_packet(t, &l, AT(2), 0, &side);
	assert_ptr_equal(f1, f2);
	assert_int_equal(side, 1);
	assert_false(flow_is_new(f2));
	l = tcp("10.0.0.1", 40000, "10.0.0.2", 443, TCPF_ACK);
	l.ip_bytes = 52;
	f3 = flow_table_packet(t, &l, AT(3), 0, &side);
	assert_ptr_equal(f1, f3);
	assert_int_equal(side, 0);

	assert_int_equal(f1->side[0].packets, 2);
	assert_int_equal(f1->side[0].bytes, 152);
	assert_int_equal(f1->side[0].first_ns, AT(1));
	assert_int_equal(f1->side[0].last_ns, AT(3));
	assert_int_equal(f1->side[0].tcp_flags, TCPF_SYN | TCPF_ACK);
	assert_int_equal(f1->side[1].packets, 1);
	assert_int_equal(f1->side[1].bytes, 60);
	assert_int_equal(f1->side[1].first_ns, AT(2));
	assert_int_equal(f1->side[1].tcp_flags, TCPF_SYN | TCPF_ACK);
	assert_int_equal(f1->start_ns, AT(1));
	assert_int_equal(f1->last_ns, AT(3));
	assert_int_equal(f1->tcp_state, TCP_STATE_ESTABLISHED);

	/* IPv6 UDP, the higher address speaking first. */
	l = udp("2001:db8::9", 5353, "2001:db8::1", 53);
	f1 = flow_table_packet(t, &l, AT(4), 0, &side);
	assert_int_equal(side, 0);
	assert_int_equal(f1->initiator_is_a, 0);
	l = udp("2001:db8::1", 53, "2001:db8::9", 5353);
	f2 = flow_table_packet(t, &l, AT(5), 0, &side);
	assert_ptr_equal(f1, f2);
	assert_int_equal(side, 1);
	assert_int_equal(stats(t).flows_active, 2);
	assert_int_equal(stats(t).flows_created, 2);

	flow_table_free(t);
	free(rc.r);
}

static void test_vlan_depth_vni_separate(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer base = udp("10.1.1.1", 1000, "10.2.2.2", 2000), l;
	struct flow *plain, *f;
	int side;
	(void)state;

	plain = flow_table_packet(t, &base, AT(1), 0, &side);

	l = base;
	l.nvlan = 1;
	l.vlan[0] = 10;
	f = flow_table_packet(t, &l, AT(1), 0, &side);
	assert_ptr_not_equal(f, plain);

	l.nvlan = 2;
	l.vlan[1] = 20;		/* QinQ inner tag */
	assert_ptr_not_equal(flow_table_packet(t, &l, AT(1), 0, &side), f);

	l = base;
	l.depth = 1;
	l.tunnel = TUNNEL_VXLAN;
	l.has_vni = true;
	l.vni = 5;
	f = flow_table_packet(t, &l, AT(1), 0, &side);
	assert_int_equal(f->tunnel, TUNNEL_VXLAN);
	assert_true(f->has_vni);
	assert_int_equal(f->key.vni, 5);
	l.vni = 6;
	assert_ptr_not_equal(flow_table_packet(t, &l, AT(1), 0, &side), f);

	/* A VLAN slot beyond nvlan is not part of the key. */
	l = base;
	l.vlan[0] = 77;
	assert_ptr_equal(flow_table_packet(t, &l, AT(2), 0, &side), plain);

	assert_int_equal(stats(t).flows_active, 5);
	flow_table_free(t);
	free(rc.r);
}

/* ---- Initiator --------------------------------------------------------- */

static void test_initiator_from_first_packet(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer l = udp("192.168.1.52", 54585, "8.8.8.8", 53);
	struct flow_tuple tup;
	struct flow *f;
	char id[COMMUNITY_ID_STRLEN];
	int side;
	(void)state;

	f = flow_table_packet(t, &l, AT(1), 7, &side);
	flow_tuple_of(f, &tup);
	assert_memory_equal(tup.src.b, l.t.src.b, 16);
	assert_memory_equal(tup.dst.b, l.t.dst.b, 16);
	assert_int_equal(tup.sport, 54585);
	assert_int_equal(tup.dport, 53);
	assert_int_equal(tup.proto, IPPROTO_NUM_UDP);
	assert_int_equal(f->input_index, 7);
	id_string(f, id);
	assert_string_equal(id, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");

	flow_table_free(t);
	free(rc.r);
}

static void test_synack_first_corrects_initiator(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer l;
	struct flow_tuple tup;
	struct flow *f;
	char id[COMMUNITY_ID_STRLEN];
	int side;
	(void)state;

	/* The capture starts on the server's SYN-ACK. */
	l = tcp("66.35.250.204", 80, "128.232.110.120", 34855,
		TCPF_SYN | TCPF_ACK);
	l.ip_bytes = 60;
	f = flow_table_packet(t, &l, AT(1), 0, &side);
	assert_int_equal(side, 1);
	assert_true(flow_is_new(f));
	assert_int_equal(f->side[1].packets, 1);
	assert_int_equal(f->side[1].bytes, 60);
	assert_int_equal(f->side[0].packets, 0);
	assert_int_equal(f->side[0].first_ns, 0);
	flow_tuple_of(f, &tup);
	assert_int_equal(tup.sport, 34855);
	assert_int_equal(tup.dport, 80);
	/* An answer was seen: established (tcp_idle), not SYN. */
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	id_string(f, id);
	assert_string_equal(id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");

	l = tcp("128.232.110.120", 34855, "66.35.250.204", 80, TCPF_ACK);
	assert_ptr_equal(flow_table_packet(t, &l, AT(2), 0, &side), f);
	assert_int_equal(side, 0);

	/* A flow first seen from the server's data, then the client's pure
	 * SYN: the SYN's sender becomes the initiator, counters follow. */
	l = tcp("10.9.9.9", 22, "10.9.9.1", 50000, TCPF_ACK | TCPF_PSH);
	l.ip_bytes = 500;
	f = flow_table_packet(t, &l, AT(3), 0, &side);
	assert_int_equal(side, 0);
	l = tcp("10.9.9.1", 50000, "10.9.9.9", 22, TCPF_SYN);
	l.ip_bytes = 60;
	assert_ptr_equal(flow_table_packet(t, &l, AT(4), 0, &side), f);
	assert_int_equal(side, 0);
	assert_int_equal(f->side[0].bytes, 60);
	assert_int_equal(f->side[0].tcp_flags, TCPF_SYN);
	assert_int_equal(f->side[1].bytes, 500);
	assert_int_equal(f->side[1].tcp_flags, TCPF_ACK | TCPF_PSH);
	flow_tuple_of(f, &tup);
	assert_int_equal(tup.sport, 50000);
	assert_int_equal(tup.dport, 22);

	flow_table_free(t);
	free(rc.r);
}

/* ---- Timeouts ---------------------------------------------------------- */

/* One flow from one packet at AT(10); alive at AT(10 + to - 1), ended with
 * the given reason at AT(10 + to). */
static void check_expiry(struct pkt_layer l, uint32_t to,
			 enum flow_end_reason why, uint8_t want_state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t;
	struct flow *f;
	int side;

	/* Distinct values, so a wrong class shows. */
	c.timeouts.tcp_idle = 300;
	c.timeouts.tcp_syn = 30;
	c.timeouts.tcp_linger = 5;
	c.timeouts.udp = 61;
	c.timeouts.icmp = 62;
	c.timeouts.other = 63;
	c.timeouts.active = 0;
	t = table(&c, &rc);

	f = flow_table_packet(t, &l, AT(10), 0, &side);
	assert_non_null(f);
	assert_int_equal(f->tcp_state, want_state);
	flow_table_advance(t, AT(10 + to) - NS);
	assert_int_equal(rc.n, 0);
	assert_int_equal(stats(t).flows_active, 1);
	flow_table_advance(t, AT(10 + to) - 1);
	assert_int_equal(rc.n, 0);
	flow_table_advance(t, AT(10 + to));
	assert_int_equal(rc.n, 1);
	assert_int_equal(rc.r[0].why, why);
	assert_int_equal(rc.r[0].f.side[0].packets, 1);
	assert_int_equal(stats(t).flows_active, 0);
	assert_int_equal(stats(t).flows_ended, 1);

	/* The next packet of the same tuple is a new flow. */
	f = flow_table_packet(t, &l, AT(10 + to), 0, &side);
	assert_true(flow_is_new(f));
	assert_int_equal(f->seq, 1);
	flow_table_free(t);
	free(rc.r);
}

static void test_timeout_classes(void **state)
{
	struct pkt_layer gre = layer(IPPROTO_NUM_GRE, "10.0.0.1", 0,
				     "10.0.0.2", 0);
	struct pkt_layer sctp = layer(IPPROTO_NUM_SCTP, "10.0.0.1", 7,
				      "10.0.0.2", 7);
	struct pkt_layer icmp6 = layer(IPPROTO_NUM_ICMPV6, "2001:db8::1", 9,
				       "2001:db8::2", 9);
	(void)state;

	icmp6.icmp_type = 128;
	check_expiry(udp("10.0.0.1", 1, "10.0.0.2", 2), 61,
		     FLOW_END_IDLE_TIMEOUT, TCP_STATE_NONE);
	check_expiry(icmp("10.0.0.1", "10.0.0.2", 8, 0, 1), 62,
		     FLOW_END_IDLE_TIMEOUT, TCP_STATE_NONE);
	check_expiry(icmp6, 62, FLOW_END_IDLE_TIMEOUT, TCP_STATE_NONE);
	check_expiry(gre, 63, FLOW_END_IDLE_TIMEOUT, TCP_STATE_NONE);
	check_expiry(sctp, 63, FLOW_END_IDLE_TIMEOUT, TCP_STATE_NONE);
	/* An unanswered SYN: 30 s. */
	check_expiry(tcp("10.0.0.1", 1, "10.0.0.2", 2, TCPF_SYN), 30,
		     FLOW_END_IDLE_TIMEOUT, TCP_STATE_SYN);
	/* Mid-stream data: established, 300 s. */
	check_expiry(tcp("10.0.0.1", 1, "10.0.0.2", 2, TCPF_ACK), 300,
		     FLOW_END_IDLE_TIMEOUT, TCP_STATE_ESTABLISHED);
	/* A lone RST: closing at once, 5 s, reason rst. */
	check_expiry(tcp("10.0.0.1", 1, "10.0.0.2", 2, TCPF_RST | TCPF_ACK),
		     5, FLOW_END_RST, TCP_STATE_CLOSING);
}

static void test_idle_restarts_and_syn_answered(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t;
	struct pkt_layer l;
	struct flow *f;
	int side;
	(void)state;

	c.timeouts.active = 0;	/* no interim records in the way */
	t = table(&c, &rc);
	/* UDP at 0 and 50: ends at 50 + 60. */
	l = udp("10.0.0.1", 1, "10.0.0.2", 2);
	flow_table_packet(t, &l, AT(0), 0, &side);
	flow_table_packet(t, &l, AT(50), 0, &side);
	flow_table_advance(t, AT(109));
	assert_int_equal(rc.n, 0);
	flow_table_advance(t, AT(110));
	assert_int_equal(rc.n, 1);

	/* SYN at 200, SYN retransmitted at 220: still unanswered, 30 s from
	 * the last one. Then the SYN-ACK at 249 moves it to tcp_idle. */
	rec_reset(&rc);
	l = tcp("10.0.0.1", 3, "10.0.0.2", 4, TCPF_SYN);
	f = flow_table_packet(t, &l, AT(200), 0, &side);
	flow_table_packet(t, &l, AT(220), 0, &side);
	assert_int_equal(f->tcp_state, TCP_STATE_SYN);
	flow_table_advance(t, AT(249));
	assert_int_equal(rc.n, 0);
	l = tcp("10.0.0.2", 4, "10.0.0.1", 3, TCPF_SYN | TCPF_ACK);
	flow_table_packet(t, &l, AT(249), 0, &side);
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	flow_table_advance(t, AT(250));
	flow_table_advance(t, AT(548));
	assert_int_equal(rc.n, 0);
	flow_table_advance(t, AT(549));
	assert_int_equal(rc.n, 1);
	assert_int_equal(rc.r[0].why, FLOW_END_IDLE_TIMEOUT);

	flow_table_free(t);
	free(rc.r);
}

static void test_fin_both_ways_linger(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	const char *cl = "10.0.0.1", *sv = "10.0.0.2";
	struct pkt_layer l;
	struct flow *f;
	int side;
	(void)state;

	l = tcp(cl, 1111, sv, 80, TCPF_SYN);
	f = flow_table_packet(t, &l, AT(0), 0, &side);
	l = tcp(sv, 80, cl, 1111, TCPF_SYN | TCPF_ACK);
	flow_table_packet(t, &l, AT(0), 0, &side);
	l = tcp(cl, 1111, sv, 80, TCPF_ACK);
	flow_table_packet(t, &l, AT(1), 0, &side);
	l = tcp(cl, 1111, sv, 80, TCPF_FIN | TCPF_ACK);
	flow_table_packet(t, &l, AT(10), 0, &side);
	/* One FIN is not the end. */
	assert_int_equal(f->tcp_state, TCP_STATE_ESTABLISHED);
	assert_int_equal(f->fin_seen, 1);
	l = tcp(sv, 80, cl, 1111, TCPF_FIN | TCPF_ACK);
	flow_table_packet(t, &l, AT(12), 0, &side);
	assert_int_equal(f->tcp_state, TCP_STATE_CLOSING);
	/* The last ACK and a retransmission count, but do not extend the
	 * linger, which runs from 12. */
	l = tcp(cl, 1111, sv, 80, TCPF_ACK);
	flow_table_packet(t, &l, AT(13), 0, &side);
	l = tcp(sv, 80, cl, 1111, TCPF_FIN | TCPF_ACK);
	flow_table_packet(t, &l, AT(16), 0, &side);
	flow_table_advance(t, AT(16));
	assert_int_equal(rc.n, 0);
	flow_table_advance(t, AT(17));
	assert_int_equal(rc.n, 1);
	assert_int_equal(rc.r[0].why, FLOW_END_FIN);
	assert_int_equal(rc.r[0].f.side[0].packets, 4);
	assert_int_equal(rc.r[0].f.side[1].packets, 3);
	assert_int_equal(rc.r[0].f.last_ns, AT(16));
	assert_int_equal(stats(t).flows_active, 0);

	flow_table_free(t);
	free(rc.r);
}

static void test_rst(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer l;
	int side;
	(void)state;

	l = tcp("10.0.0.1", 1, "10.0.0.2", 2, TCPF_SYN);
	flow_table_packet(t, &l, AT(0), 0, &side);
	l = tcp("10.0.0.2", 2, "10.0.0.1", 1, TCPF_RST | TCPF_ACK);
	flow_table_packet(t, &l, AT(1), 0, &side);
	flow_table_advance(t, AT(5));
	assert_int_equal(rc.n, 0);
	flow_table_advance(t, AT(6));
	assert_int_equal(rc.n, 1);
	assert_int_equal(rc.r[0].why, FLOW_END_RST);

	/* FIN both ways, then a RST inside the linger: RST wins. */
	rec_reset(&rc);
	l = tcp("10.0.0.1", 3, "10.0.0.2", 4, TCPF_ACK);
	flow_table_packet(t, &l, AT(10), 0, &side);
	l = tcp("10.0.0.1", 3, "10.0.0.2", 4, TCPF_FIN | TCPF_ACK);
	flow_table_packet(t, &l, AT(11), 0, &side);
	l = tcp("10.0.0.2", 4, "10.0.0.1", 3, TCPF_FIN | TCPF_ACK);
	flow_table_packet(t, &l, AT(11), 0, &side);
	l = tcp("10.0.0.1", 3, "10.0.0.2", 4, TCPF_RST);
	flow_table_packet(t, &l, AT(12), 0, &side);
	flow_table_advance(t, AT(16));
	assert_int_equal(rc.n, 1);
	assert_int_equal(rc.r[0].why, FLOW_END_RST);

	flow_table_free(t);
	free(rc.r);
}

/* ---- Active timeout ---------------------------------------------------- */

static void test_active_timeout_interim(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t;
	struct pkt_layer l = udp("10.0.0.1", 1, "10.0.0.2", 2);
	struct flow *f = NULL;
	int side;
	(void)state;

	c.timeouts.active = 100;
	t = table(&c, &rc);
	/* One packet every 10 s from 0 to 250: 26 packets. The packet at 100
	 * first advances the clock, so the interim at 100 holds the 10 sent
	 * at 0..90, the one at 200 the 20 sent at 0..190. */
	for (unsigned s = 0; s <= 250; s += 10) {
		struct flow *g = flow_table_packet(t, &l, AT(s), 0, &side);

		if (f)
			assert_ptr_equal(f, g);
		f = g;
	}
	assert_int_equal(rc.n, 2);
	assert_int_equal(rc.r[0].why, FLOW_END_ACTIVE_TIMEOUT);
	assert_int_equal(rc.r[0].f.side[0].packets, 10);
	assert_int_equal(rc.r[0].f.side[0].bytes, 1000);
	assert_true(rc.r[0].f.interim_sent);
	assert_int_equal(rc.r[0].f.start_ns, AT(0));
	assert_int_equal(rc.r[1].why, FLOW_END_ACTIVE_TIMEOUT);
	assert_int_equal(rc.r[1].f.side[0].packets, 20);
	assert_int_equal(f->active_mark_ns, AT(200));
	assert_int_equal(stats(t).flows_interim, 2);
	assert_int_equal(stats(t).flows_ended, 0);
	assert_int_equal(stats(t).flows_active, 1);

	flow_table_flush(t, FLOW_END_END_OF_INPUT);
	assert_int_equal(rc.n, 3);
	assert_int_equal(rc.r[2].why, FLOW_END_END_OF_INPUT);
	assert_int_equal(rc.r[2].f.side[0].packets, 26);
	assert_true(rc.r[2].f.interim_sent);
	assert_int_equal(stats(t).flows_ended, 1);

	flow_table_free(t);
	free(rc.r);
}

/* ---- Memory cap -------------------------------------------------------- */

/* The smallest cap that holds exactly n flows. */
static uint64_t memcap_for(uint64_t n)
{
	for (uint64_t cap = 64; cap < (1 << 24); cap += 8) {
		struct flow_table_config c = config(cap);
		char err[256];
		struct flow_table *t = flow_table_new(&c, NULL, NULL, err,
						      sizeof(err));

		if (t) {
			uint64_t m = stats(t).flows_max;

			flow_table_free(t);
			if (m == n)
				return cap;
		}
	}
	fail();
	return 0;
}

static void test_memcap_too_small(void **state)
{
	struct flow_table_config c = config(100);
	char err[256] = "";
	(void)state;

	assert_null(flow_table_new(&c, NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "flow-memcap"));
}

static void test_evict_longest_idle(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(memcap_for(4));
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer l[5];
	struct flow *f;
	int side;
	(void)state;

	assert_int_equal(stats(t).flows_max, 4);
	l[0] = udp("10.0.0.1", 1, "10.0.0.9", 53);
	l[1] = udp("10.0.0.2", 1, "10.0.0.9", 53);
	l[2] = tcp("10.0.0.3", 1, "10.0.0.9", 80, TCPF_SYN);
	l[3] = icmp("10.0.0.4", "10.0.0.9", 8, 0, 1);
	l[4] = udp("10.0.0.5", 1, "10.0.0.9", 53);
	for (unsigned i = 0; i < 4; i++)
		flow_table_packet(t, &l[i], AT(1 + i), 0, &side);
	/* Flow 0 is busy again: flow 1 (last seen at 2) is the idlest. */
	flow_table_packet(t, &l[0], AT(6), 0, &side);
	assert_int_equal(rc.n, 0);
	f = flow_table_packet(t, &l[4], AT(7), 0, &side);
	assert_non_null(f);
	assert_true(flow_is_new(f));
	assert_int_equal(rc.n, 1);
	assert_int_equal(rc.r[0].why, FLOW_END_EVICTED);
	assert_memory_equal(rc.r[0].f.key.a.b, l[1].t.src.b, 16);
	assert_int_equal(stats(t).flow_memcap_evictions, 1);
	assert_int_equal(stats(t).flows_active, 4);
	assert_true(stats(t).memory_used <= c.memcap);

	flow_table_free(t);
	free(rc.r);
}

/* Two flows equally idle, in different lists: the stable order decides.
 * Same start, so the Community ID does: the TCP flow's (0x2d...) sorts
 * before the UDP flow's (0x77...), though the UDP flow is older. */
static void test_evict_tie_stable(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(memcap_for(2));
	struct pkt_layer u = udp("192.168.1.52", 54585, "8.8.8.8", 53);
	struct pkt_layer k = tcp("128.232.110.120", 34855, "66.35.250.204", 80,
				 TCPF_SYN);
	struct pkt_layer x = udp("10.0.0.1", 1, "10.0.0.2", 2);
	char id[COMMUNITY_ID_STRLEN];
	int side;
	(void)state;

	for (unsigned seed = 0; seed < 2; seed++) {
		struct flow_table *t;

		c.seed[0] = (uint8_t)seed;
		t = table(&c, &rc);
		rec_reset(&rc);
		flow_table_packet(t, &u, AT(5), 0, &side);
		flow_table_packet(t, &k, AT(5), 0, &side);
		flow_table_packet(t, &x, AT(5), 0, &side);
		assert_int_equal(rc.n, 1);
		id_string(&rc.r[0].f, id);
		assert_string_equal(id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
		flow_table_free(t);
	}
	free(rc.r);
}

static void test_flood_stays_under_cap(void **state)
{
	struct recorder rc = { .keep = false };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer l = tcp("0.0.0.0", 0, "198.51.100.7", 80, TCPF_SYN);
	struct flow_table_stats s;
	uint32_t x = 12345;
	const uint32_t n = 1000000;
	int side;
	(void)state;

	for (uint32_t i = 0; i < n; i++) {
		/* A full-period LCG mod 2^32 (Hull-Dobell: c odd, a - 1
		 * divisible by 4): a million distinct sources. */
		x = x * 1664525u + 1013904223u;
		memcpy(l.t.src.b, &x, 4);
		l.t.sport = (uint16_t)(x >> 7);
		assert_non_null(flow_table_packet(t, &l, T0 + i * 1000ULL, 0,
						  &side));
		if ((i & 0xffff) == 0)
			assert_true(stats(t).memory_used <= c.memcap);
	}
	s = stats(t);
	assert_true(s.memory_used <= c.memcap);
	assert_true(s.flows_max > 1000 && s.flows_max < n);
	assert_int_equal(s.flows_created, n);
	assert_int_equal(s.flows_active, s.flows_max);
	assert_int_equal(s.flow_memcap_evictions, n - s.flows_max);
	assert_int_equal(rc.count, n - s.flows_max);
	assert_int_equal(s.flow_alloc_failures, 0);

	flow_table_flush(t, FLOW_END_SHUTDOWN);
	assert_int_equal(rc.count, n);
	assert_true(stats(t).memory_used <= c.memcap);
	flow_table_free(t);
}

/* ---- Order ------------------------------------------------------------- */

static void test_order_hand_checked(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer u = udp("192.168.1.52", 54585, "8.8.8.8", 53);
	struct pkt_layer uv = u;
	struct pkt_layer k = tcp("128.232.110.120", 34855, "66.35.250.204", 80,
				 TCPF_ACK);
	struct pkt_layer i = icmp("192.168.0.89", "192.168.0.1", 8, 0, 99);
	struct pkt_layer first = udp("10.0.0.1", 1, "10.0.0.2", 2);
	static const char *const want[] = {
		"1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
		"1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
		"1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
		"1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
	};
	char id[COMMUNITY_ID_STRLEN];
	int side;
	(void)state;

	uv.nvlan = 1;
	uv.vlan[0] = 5;
	/* The earliest start goes first whatever its ID. */
	flow_table_packet(t, &first, AT(1), 0, &side);
	/* Same start, created in the reverse of the expected order. */
	flow_table_packet(t, &uv, AT(2), 0, &side);
	flow_table_packet(t, &u, AT(2), 0, &side);
	flow_table_packet(t, &i, AT(2), 0, &side);
	flow_table_packet(t, &k, AT(2), 0, &side);
	flow_table_flush(t, FLOW_END_END_OF_INPUT);

	/* By Community ID: TCP 0x2d, ICMP 0x5f, UDP 0x77 twice, vlan 0
	 * before vlan 5 though created after it. */
	assert_int_equal(rc.n, 5);
	assert_int_equal(rc.r[0].f.start_ns, AT(1));
	assert_int_equal(rc.r[0].f.seq, 0);
	for (unsigned j = 0; j < 5; j++)
		assert_int_equal(rc.r[j].why, FLOW_END_END_OF_INPUT);
	for (unsigned j = 0; j < 4; j++) {
		assert_int_equal(rc.r[j + 1].f.start_ns, AT(2));
		id_string(&rc.r[j + 1].f, id);
		assert_string_equal(id, want[j]);
	}
	assert_int_equal(rc.r[3].f.key.vlan[0], 0);
	assert_int_equal(rc.r[4].f.key.vlan[0], 5);
	assert_int_equal(rc.r[2].f.icmp_type, 8);
	assert_int_equal(stats(t).flows_active, 0);
	assert_int_equal(stats(t).flows_ended, 5);

	flow_table_free(t);
	free(rc.r);
}

/* A mixed workload with idle expiry, interims, evictions and a flush, fed
 * to tables with different seeds: the same records in the same order. */
static void run_workload(uint8_t seed, struct recorder *rc)
{
	struct flow_table_config c = config(memcap_for(50));
	struct flow_table *t;
	uint32_t x = 777;
	int side;

	c.timeouts.active = 40;
	c.timeouts.udp = 20;
	for (unsigned i = 0; i < sizeof(c.seed); i++)
		c.seed[i] = (uint8_t)(seed * 31 + i);
	t = table(&c, rc);
	for (unsigned i = 0; i < 3000; i++) {
		struct pkt_layer l;
		char src[32];

		x = x * 1103515245u + 12345u;
		/* A quarter of the packets go to three busy hosts, whose flows
		 * live long enough for interim records; the rest churn through
		 * more flows than the cap holds. */
		if ((x >> 4) % 4 == 0) {
			snprintf(src, sizeof(src), "10.8.0.%u", (x >> 8) % 3);
			l = udp(src, 1000, "10.9.0.1", 53);
			flow_table_packet(t, &l, AT(i / 10), 0, &side);
			continue;
		}
		snprintf(src, sizeof(src), "10.0.%u.%u", (x >> 8) & 3,
			 (x >> 12) % 40);
		switch ((x >> 20) % 3) {
		case 0:
			l = udp(src, 1000, "10.9.0.1", 53);
			break;
		case 1:
			l = tcp(src, 2000, "10.9.0.1", 443,
				(x >> 24) % 5 == 0 ? TCPF_FIN : TCPF_ACK);
			break;
		default:
			l = icmp(src, "10.9.0.1", 8, 0, 5);
			break;
		}
		l.nvlan = (x >> 26) & 1;
		l.vlan[0] = 100;
		/* Ten packets per second: many flows share a start. */
		flow_table_packet(t, &l, AT(i / 10), 0, &side);
	}
	/* A quiet spell ends the UDP flows (20 s), then the rest is flushed. */
	flow_table_advance(t, AT(300 + 25));
	flow_table_flush(t, FLOW_END_END_OF_INPUT);
	flow_table_free(t);
}

static void test_seed_does_not_change_output(void **state)
{
	struct recorder a = { .keep = true }, b = { .keep = true };
	size_t evicted = 0, interim = 0, idle = 0;
	(void)state;

	run_workload(1, &a);
	run_workload(2, &b);
	assert_true(a.n > 100);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		struct flow fa = a.r[i].f, fb = b.r[i].f;

		assert_int_equal(a.r[i].why, b.r[i].why);
		assert_int_equal(fa.seq, fb.seq);
		assert_int_equal(fa.start_ns, fb.start_ns);
		assert_int_equal(fa.last_ns, fb.last_ns);
		assert_int_equal(fa.side[0].packets, fb.side[0].packets);
		assert_int_equal(fa.side[1].packets, fb.side[1].packets);
		assert_memory_equal(&fa.key, &fb.key, sizeof(fa.key));
		evicted += a.r[i].why == FLOW_END_EVICTED;
		interim += a.r[i].why == FLOW_END_ACTIVE_TIMEOUT;
		idle += a.r[i].why == FLOW_END_IDLE_TIMEOUT;
	}
	/* The workload exercises every path it means to. */
	assert_true(evicted > 0);
	assert_true(interim > 0);
	assert_true(idle > 0);
	free(a.r);
	free(b.r);
}

/* ---- ICMP -------------------------------------------------------------- */

static void test_icmp_error_counts_toward_quoted_flow(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer u = udp("10.0.0.1", 5000, "10.0.0.2", 53), e;
	struct flow *f, *q;
	int side, qside = -1;
	(void)state;

	f = flow_table_packet(t, &u, AT(1), 0, &side);
	/* 10.0.0.2 answers with port unreachable, quoting the datagram. */
	e = icmp("10.0.0.2", "10.0.0.1", 3, 3, 0);
	e.icmp_error = true;
	e.has_quoted = true;
	e.quoted = u.t;
	e.ip_bytes = 56;
	q = flow_table_find_quoted(t, &e, &qside);
	assert_ptr_equal(q, f);
	assert_int_equal(qside, 0);
	/* Counted on the side that received the quoted datagram. */
	flow_table_count(t, q, 1 - qside, e.ip_bytes, AT(2));
	assert_int_equal(f->side[0].packets, 1);
	assert_int_equal(f->side[1].packets, 1);
	assert_int_equal(f->side[1].bytes, 56);
	assert_int_equal(f->last_ns, AT(2));
	assert_int_equal(stats(t).flows_active, 1);

	/* The same error in another VLAN quotes no flow. */
	e.nvlan = 1;
	e.vlan[0] = 3;
	assert_null(flow_table_find_quoted(t, &e, &qside));

	/* Counting refreshed the idle timer: 60 s from 2. */
	flow_table_advance(t, AT(61));
	assert_int_equal(rc.n, 0);
	flow_table_advance(t, AT(62));
	assert_int_equal(rc.n, 1);

	flow_table_free(t);
	free(rc.r);
}

static void test_icmp_echo_flow(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer req = icmp("192.168.0.89", "192.168.0.1", 8, 0, 4242);
	struct pkt_layer rep = icmp("192.168.0.1", "192.168.0.89", 0, 0, 4242);
	struct pkt_layer other = icmp("192.168.0.89", "192.168.0.1", 8, 0, 7);
	struct pkt_layer err;
	struct flow *f;
	char id[COMMUNITY_ID_STRLEN];
	int side;
	(void)state;

	f = flow_table_packet(t, &req, AT(1), 0, &side);
	assert_int_equal(side, 0);
	assert_ptr_equal(flow_table_packet(t, &rep, AT(1), 0, &side), f);
	assert_int_equal(side, 1);
	/* Another identifier is another flow. */
	assert_ptr_not_equal(flow_table_packet(t, &other, AT(1), 0, &side), f);
	assert_int_equal(f->icmp_type, 8);
	assert_int_equal(f->icmp_code, 0);
	id_string(f, id);
	assert_string_equal(id, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");

	/* An error quoting the echo request (id in both ports). */
	err = icmp("192.168.0.1", "192.168.0.89", 11, 0, 0);
	err.has_quoted = true;
	err.quoted = req.t;
	assert_ptr_equal(flow_table_find_quoted(t, &err, &side), f);
	assert_int_equal(side, 0);

	flow_table_free(t);
	free(rc.r);
}

/* ---- Small things ------------------------------------------------------ */

static void test_names_and_defaults(void **state)
{
	struct flow_timeouts to;
	struct flow_table_config c;
	struct flow_table *t;
	char err[256];
	uint64_t cap = flow_table_default_memcap();
	(void)state;

	assert_string_equal(flow_end_reason_name(FLOW_END_IDLE_TIMEOUT),
			    "idle_timeout");
	assert_string_equal(flow_end_reason_name(FLOW_END_ACTIVE_TIMEOUT),
			    "active_timeout");
	assert_string_equal(flow_end_reason_name(FLOW_END_FIN), "fin");
	assert_string_equal(flow_end_reason_name(FLOW_END_RST), "rst");
	assert_string_equal(flow_end_reason_name(FLOW_END_EVICTED), "evicted");
	assert_string_equal(flow_end_reason_name(FLOW_END_END_OF_INPUT),
			    "end_of_input");
	assert_string_equal(flow_end_reason_name(FLOW_END_SHUTDOWN),
			    "shutdown");

	flow_timeouts_default(&to);
	assert_int_equal(to.tcp_idle, 300);
	assert_int_equal(to.tcp_syn, 30);
	assert_int_equal(to.tcp_linger, 5);
	assert_int_equal(to.udp, 60);
	assert_int_equal(to.icmp, 60);
	assert_int_equal(to.other, 60);
	assert_int_equal(to.active, 300);

	/* A whole number of MiB, holding a million flows. */
	assert_int_equal(cap % (1 << 20), 0);
	c = config(cap);
	t = flow_table_new(&c, NULL, NULL, err, sizeof(err));
	assert_non_null(t);
	assert_true(stats(t).flows_max >= 1000000);
	assert_true(stats(t).memory_used <= cap);
	flow_table_free(t);
}

/* A packet older than the clock is counted at the clock and expires
 * nothing early. */
static void test_time_backwards(void **state)
{
	struct recorder rc = { .keep = true };
	struct flow_table_config c = config(1 << 20);
	struct flow_table *t = table(&c, &rc);
	struct pkt_layer a = udp("10.0.0.1", 1, "10.0.0.2", 2);
	struct pkt_layer b = udp("10.0.0.3", 1, "10.0.0.4", 2);
	struct flow *f;
	int side;
	(void)state;

	flow_table_packet(t, &a, AT(100), 0, &side);
	f = flow_table_packet(t, &b, AT(40), 0, &side);
	assert_int_equal(f->start_ns, AT(100));
	flow_table_advance(t, AT(50));
	flow_table_advance(t, AT(159));
	assert_int_equal(rc.n, 0);
	flow_table_advance(t, AT(160));
	assert_int_equal(rc.n, 2);

	flow_table_free(t);
	free(rc.r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_directions_one_flow),
		cmocka_unit_test(test_vlan_depth_vni_separate),
		cmocka_unit_test(test_initiator_from_first_packet),
		cmocka_unit_test(test_synack_first_corrects_initiator),
		cmocka_unit_test(test_timeout_classes),
		cmocka_unit_test(test_idle_restarts_and_syn_answered),
		cmocka_unit_test(test_fin_both_ways_linger),
		cmocka_unit_test(test_rst),
		cmocka_unit_test(test_active_timeout_interim),
		cmocka_unit_test(test_memcap_too_small),
		cmocka_unit_test(test_evict_longest_idle),
		cmocka_unit_test(test_evict_tie_stable),
		cmocka_unit_test(test_flood_stays_under_cap),
		cmocka_unit_test(test_order_hand_checked),
		cmocka_unit_test(test_seed_does_not_change_output),
		cmocka_unit_test(test_icmp_error_counts_toward_quoted_flow),
		cmocka_unit_test(test_icmp_echo_flow),
		cmocka_unit_test(test_names_and_defaults),
		cmocka_unit_test(test_time_backwards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
