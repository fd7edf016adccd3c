/*
 * test_names.c: the per-flow orchestrator. Flows and packet layers are
 * built by hand (a struct flow with its key, a struct pkt_layer per
 * packet); expected names written out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hello_builder.h"
#include "monitor/names.h"

#define SEC 1000000000ull

static const uint8_t client_a[4] = { 10, 0, 0, 5 };
static const uint8_t client_b[4] = { 10, 0, 0, 6 };
static const uint8_t resolver[4] = { 10, 0, 0, 53 };
static const uint8_t server[4] = { 198, 51, 100, 7 };

static struct names *new_names(uint64_t memcap)
{
	struct names_config cfg = { .dns_cache_memcap = 1 << 20,
				    .names_memcap = memcap };

	return names_new(&cfg);
}

static void addr4(struct ip_addr *a, const uint8_t v4[4])
{
	memset(a, 0, sizeof(*a));
	memcpy(a->b, v4, 4);
}

/* A flow whose initiator is `from` (key.a) and responder `to`. */
static void flow_init(struct flow *f, const uint8_t from[4],
		      const uint8_t to[4], uint16_t sport, uint16_t dport,
		      uint8_t proto)
{
	memset(f, 0, sizeof(*f));
	addr4(&f->key.a, from);
	addr4(&f->key.b, to);
	f->key.aport = sport;
	f->key.bport = dport;
	f->key.family = 4;
	f->key.proto = proto;
	f->initiator_is_a = 1;
}

static void layer_init(struct pkt_layer *l, const struct flow *f, int side,
		       const void *payload, size_t len)
{
	memset(l, 0, sizeof(*l));
	l->t.src = side == 0 ? f->key.a : f->key.b;
	l->t.dst = side == 0 ? f->key.b : f->key.a;
	l->t.sport = side == 0 ? f->key.aport : f->key.bport;
	l->t.dport = side == 0 ? f->key.bport : f->key.aport;
	l->t.family = 4;
	l->t.proto = f->key.proto;
	l->has_ports = true;
	l->payload = payload;
	l->payload_len = (uint32_t)len;
}

/* Feeds one packet as the flow table would have counted it. */
static bool feed(struct names *n, struct flow *f, int side,
		 struct pkt_layer *l, uint64_t now)
{
	f->side[side].packets++;
	return names_packet(n, f, side, l, now);
}

/* A DNS response from the resolver to client: qname -> CNAME -> A. */
static size_t dns_response(uint8_t *m, const char *label1,
			   const uint8_t addr[4], uint32_t ttl)
{
	size_t n = 0, l1 = strlen(label1);

	static const uint8_t hdr[12] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2,
					 0, 0, 0, 0 };
	memcpy(m, hdr, 12);
	n = 12;
	/* question: <label1>.example.com A IN */
	m[n++] = (uint8_t)l1;
	memcpy(m + n, label1, l1);
	n += l1;
	memcpy(m + n, "\x07" "example" "\x03" "com" "\x00", 13);
	n += 13;
	memcpy(m + n, "\x00\x01\x00\x01", 4);
	n += 4;
	/* answer 1: <q> CNAME cdn.<example.com> */
	memcpy(m + n, "\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x06"
		      "\x03" "cdn" "\xc0", 17);
	n += 17;
	m[n++] = (uint8_t)(12 + 1 + l1);	/* pointer to example.com */
	/* answer 2: cdn.example.com A addr */
	m[n++] = 0xc0;
	m[n++] = (uint8_t)(12 + 1 + l1 + 13 + 4 + 12);
	memcpy(m + n, "\x00\x01\x00\x01", 4);
	n += 4;
	m[n++] = (uint8_t)(ttl >> 24);
	m[n++] = (uint8_t)(ttl >> 16);
	m[n++] = (uint8_t)(ttl >> 8);
	m[n++] = (uint8_t)ttl;
	m[n++] = 0;
	m[n++] = 4;
	memcpy(m + n, addr, 4);
	return n + 4;
}

static void resolve(struct names *n, const uint8_t client[4],
		    const char *label, uint64_t now)
{
	struct flow d;
	struct pkt_layer l;
	uint8_t msg[512];
	size_t len = dns_response(msg, label, server, 300);

	flow_init(&d, client, resolver, 40000, 53, IPPROTO_NUM_UDP);
	d.side[0].packets = 1;	/* the query went before */
	layer_init(&l, &d, 1, msg, len);
	feed(n, &d, 1, &l, now);
	names_flow_release(n, &d);
}

static void test_dns_then_flow(void **state)
{
	struct names *n = new_names(1 << 20);
	struct flow f;
	struct pkt_layer l;
	enum name_source src;
	struct names_stats st;

	(void)state;
	resolve(n, client_a, "www", 1 * SEC);
	flow_init(&f, client_a, server, 50000, 443, IPPROTO_NUM_TCP);
	layer_init(&l, &f, 0, NULL, 0);
	l.tcp_flags = TCPF_SYN;
	assert_true(feed(n, &f, 0, &l, 2 * SEC));
	assert_string_equal(names_flow_name(&f, &src), "www.example.com");
	assert_int_equal(src, NAME_SRC_DNS);
	assert_string_equal(name_source_name(src), "dns");
	assert_null(names_flow_dns_name(&f));
	assert_null(names_flow_sni(&f));
	names_stats(n, &st);
	assert_int_equal(st.dns_responses, 1);
	assert_int_equal(st.dns_answers, 1);
	assert_int_equal(st.names_from_dns, 1);
	names_flow_release(n, &f);
	names_stats(n, &st);
	assert_int_equal(st.names_memory, 0);
	names_free(n);
}

/* Client A resolved "a", then client B resolved "b" for the same
 * address: A's flow gets "a" (its own), a third client gets "b". */
static void test_per_client_preference(void **state)
{
	static const uint8_t client_c[4] = { 10, 0, 0, 7 };
	struct names *n = new_names(1 << 20);
	struct flow f;
	struct pkt_layer l;

	(void)state;
	resolve(n, client_a, "a", 1 * SEC);
	resolve(n, client_b, "b", 2 * SEC);
	flow_init(&f, client_a, server, 50000, 443, IPPROTO_NUM_TCP);
	layer_init(&l, &f, 0, NULL, 0);
	l.tcp_flags = TCPF_SYN;
	feed(n, &f, 0, &l, 3 * SEC);
	assert_string_equal(names_flow_name(&f, NULL), "a.example.com");
	names_flow_release(n, &f);
	flow_init(&f, client_c, server, 50000, 443, IPPROTO_NUM_TCP);
	layer_init(&l, &f, 0, NULL, 0);
	l.tcp_flags = TCPF_SYN;
	feed(n, &f, 0, &l, 3 * SEC);
	assert_string_equal(names_flow_name(&f, NULL), "b.example.com");
	names_flow_release(n, &f);
	/* After the TTL (300 s) nothing. */
	flow_init(&f, client_a, server, 50001, 443, IPPROTO_NUM_TCP);
	layer_init(&l, &f, 0, NULL, 0);
	feed(n, &f, 0, &l, 400 * SEC);
	assert_null(names_flow_name(&f, NULL));
	names_flow_release(n, &f);
	names_free(n);
}

/* TCP handshake then ClientHello segments; returns what the last feed
 * returned. order: indices into the segments, -1 ends. */
static bool tls_flow(struct names *n, struct flow *f, const uint8_t *stream,
		     const size_t *cuts, size_t nseg, const int *order,
		     uint32_t isn, uint64_t now)
{
	struct pkt_layer l;
	bool became = false;

	layer_init(&l, f, 0, NULL, 0);
	l.tcp_flags = TCPF_SYN;
	l.tcp_seq = isn;
	became |= feed(n, f, 0, &l, now);
	layer_init(&l, f, 1, NULL, 0);
	l.tcp_flags = TCPF_SYN | TCPF_ACK;
	l.tcp_ack = isn + 1;
	became |= feed(n, f, 1, &l, now);
	for (int k = 0; order[k] >= 0; k++) {
		int i = order[k];
		size_t from = i ? cuts[i - 1] : 0;

		assert_true((size_t)i < nseg);
		layer_init(&l, f, 0, stream + from, cuts[i] - from);
		l.tcp_flags = TCPF_ACK | TCPF_PSH;
		l.tcp_seq = isn + 1 + (uint32_t)from;
		became |= feed(n, f, 0, &l, now);
	}
	return became;
}

static void test_sni_beats_dns(void **state)
{
	struct names *n = new_names(1 << 20);
	struct flow f;
	struct hb hs, rec;
	struct hello_opts o = { .sni = "api.other.example" };
	size_t cuts[1];
	static const int order[] = { 0, -1 };
	enum name_source src;

	(void)state;
	resolve(n, client_a, "www", 1 * SEC);
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 16384);
	cuts[0] = rec.n;
	flow_init(&f, client_a, server, 50000, 443, IPPROTO_NUM_TCP);
	assert_true(tls_flow(n, &f, rec.b, cuts, 1, order, 1000, 2 * SEC));
	assert_string_equal(names_flow_name(&f, &src), "api.other.example");
	assert_int_equal(src, NAME_SRC_SNI);
	assert_string_equal(names_flow_dns_name(&f), "www.example.com");
	assert_string_equal(names_flow_sni(&f), "api.other.example");
	names_flow_release(n, &f);
	names_free(n);
}

/* Three segments delivered 2, 0 (retransmitted), 1... with ISN near the
 * wrap and a record split too. */
static void test_split_out_of_order(void **state)
{
	struct names *n = new_names(1 << 20);
	struct flow f;
	struct hb hs, rec;
	struct hello_opts o = { .sni = "split.example.org", .grease = true,
				.ech = true, .padding = 300 };
	size_t cuts[3];
	static const int order[] = { 2, 0, 0, 2, 1, -1 };
	struct names_stats st;

	(void)state;
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 200);
	cuts[0] = 50;
	cuts[1] = 260;
	cuts[2] = rec.n;
	flow_init(&f, client_a, server, 50000, 443, IPPROTO_NUM_TCP);
	assert_true(tls_flow(n, &f, rec.b, cuts, 3, order, 0xfffffff0u,
			     1 * SEC));
	assert_string_equal(names_flow_sni(&f), "split.example.org");
	assert_true(names_flow_ech(&f));
	names_stats(n, &st);
	assert_int_equal(st.tls_client_hellos, 1);
	assert_int_equal(st.tls_ech, 1);
	names_flow_release(n, &f);
	names_stats(n, &st);
	assert_int_equal(st.names_memory, 0);
	names_free(n);
}

/* SMTP-like: EHLO, STARTTLS, then the ClientHello in the 3rd segment. */
static void test_starttls(void **state)
{
	struct names *n = new_names(1 << 20);
	struct flow f;
	struct hb hs, rec;
	struct hello_opts o = { .sni = "mail.example.net" };
	uint8_t stream[4096];
	size_t cuts[3], k = 0;
	static const int order[] = { 0, 1, 2, -1 };

	(void)state;
	memcpy(stream, "EHLO client.example\r\n", 21);
	k = 21;
	cuts[0] = k;
	memcpy(stream + k, "STARTTLS\r\n", 10);
	k += 10;
	cuts[1] = k;
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 16384);
	memcpy(stream + k, rec.b, rec.n);
	k += rec.n;
	cuts[2] = k;
	flow_init(&f, client_a, server, 50000, 25, IPPROTO_NUM_TCP);
	assert_true(tls_flow(n, &f, stream, cuts, 3, order, 77, 1 * SEC));
	assert_string_equal(names_flow_sni(&f), "mail.example.net");
	names_flow_release(n, &f);
	names_free(n);
}

/* A ClientHello in the 18th segment is past the limit. */
static void test_segment_limit(void **state)
{
	struct names *n = new_names(1 << 20);
	struct flow f;
	struct pkt_layer l;
	struct hb hs, rec;
	struct hello_opts o = { .sni = "late.example" };
	uint32_t seq = 1;

	(void)state;
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 16384);
	flow_init(&f, client_a, server, 50000, 1234, IPPROTO_NUM_TCP);
	for (int i = 0; i < 17; i++) {
		layer_init(&l, &f, 0, "NOOP\r\n", 6);
		l.tcp_seq = seq;
		seq += 6;
		feed(n, &f, 0, &l, 1 * SEC);
	}
	layer_init(&l, &f, 0, rec.b, rec.n);
	l.tcp_seq = seq;
	assert_false(feed(n, &f, 0, &l, 1 * SEC));
	assert_null(names_flow_name(&f, NULL));
	assert_true(f.names != NULL);	/* the shared "nothing" */
	names_flow_release(n, &f);
	assert_null(f.names);
	names_free(n);
}

static void test_http_host(void **state)
{
	static const char req1[] = "GET /index.html HTTP/1.1\r\nUser-Agent: x\r\n";
	static const char req2[] = "HoSt:  WWW.Example.ORG:8080 \r\nAccept: */*\r\n\r\n";
	struct names *n = new_names(1 << 20);
	struct flow f;
	struct pkt_layer l;
	enum name_source src;

	(void)state;
	flow_init(&f, client_a, server, 50000, 80, IPPROTO_NUM_TCP);
	layer_init(&l, &f, 0, req1, sizeof(req1) - 1);
	l.tcp_seq = 100;
	assert_false(feed(n, &f, 0, &l, 1 * SEC));
	layer_init(&l, &f, 0, req2, sizeof(req2) - 1);
	l.tcp_seq = 100 + sizeof(req1) - 1;
	assert_true(feed(n, &f, 0, &l, 1 * SEC));
	assert_string_equal(names_flow_name(&f, &src), "www.example.org");
	assert_int_equal(src, NAME_SRC_HTTP);
	assert_null(names_flow_sni(&f));
	names_flow_release(n, &f);
	names_free(n);
}

/* The cap: too small for reassembly buffers, the split hello is lost
 * and counted; the flow table's memory is all returned. */
static void test_memcap(void **state)
{
	struct names *n = new_names(2048);
	struct flow f;
	struct hb hs, rec;
	struct hello_opts o = { .sni = "capped.example" };
	size_t cuts[2];
	static const int order[] = { 0, 1, -1 };
	struct names_stats st;

	(void)state;
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 16384);
	cuts[0] = 30;
	cuts[1] = rec.n;
	flow_init(&f, client_a, server, 50000, 443, IPPROTO_NUM_TCP);
	assert_false(tls_flow(n, &f, rec.b, cuts, 2, order, 5, 1 * SEC));
	assert_null(names_flow_name(&f, NULL));
	names_stats(n, &st);
	assert_true(st.names_memcap_drops >= 1);
	names_flow_release(n, &f);
	names_stats(n, &st);
	assert_int_equal(st.names_memory, 0);
	names_free(n);
}

/* Flows with nothing to look at: ICMP, DNS, UDP that is not QUIC. */
static void test_nothing_flows(void **state)
{
	struct names *n = new_names(1 << 20);
	struct flow f;
	struct pkt_layer l;
	struct names_stats st;

	(void)state;
	flow_init(&f, client_a, server, 50000, 4500, IPPROTO_NUM_UDP);
	layer_init(&l, &f, 0, "hello", 5);
	assert_false(feed(n, &f, 0, &l, 1 * SEC));
	assert_false(feed(n, &f, 0, &l, 1 * SEC));
	assert_null(names_flow_name(&f, NULL));
	names_stats(n, &st);
	assert_int_equal(st.names_memory, 0);
	names_flow_release(n, &f);
	names_free(n);
}

/* ---- DNS over TCP ---- */

/* Feeds server (resolver) segment [from, to) of stream as the responder
 * of a TCP flow to port 53 whose server ISN is isn. */
static void dns_tcp_seg(struct names *n, struct flow *d, const uint8_t *stream,
			size_t from, size_t to, uint32_t isn, uint64_t now)
{
	struct pkt_layer l;

	layer_init(&l, d, 1, stream + from, to - from);
	l.tcp_flags = TCPF_ACK | TCPF_PSH;
	l.tcp_seq = isn + 1 + (uint32_t)from;
	feed(n, d, 1, &l, now);
}

/* A TCP DNS flow from client_a to the resolver, handshake seen. */
static void dns_tcp_open(struct names *n, struct flow *d, uint32_t isn)
{
	struct pkt_layer l;

	flow_init(d, client_a, resolver, 40001, 53, IPPROTO_NUM_TCP);
	layer_init(&l, d, 0, NULL, 0);
	l.tcp_flags = TCPF_SYN;
	l.tcp_seq = 7;
	feed(n, d, 0, &l, 1 * SEC);
	layer_init(&l, d, 1, NULL, 0);
	l.tcp_flags = TCPF_SYN | TCPF_ACK;
	l.tcp_seq = isn;
	l.tcp_ack = 8;
	feed(n, d, 1, &l, 1 * SEC);
}

static void expect_named(struct names *n, const char *want)
{
	struct flow f;
	struct pkt_layer l;

	flow_init(&f, client_a, server, 50000, 443, IPPROTO_NUM_TCP);
	layer_init(&l, &f, 0, NULL, 0);
	l.tcp_flags = TCPF_SYN;
	feed(n, &f, 0, &l, 3 * SEC);
	if (want)
		assert_string_equal(names_flow_name(&f, NULL), want);
	else
		assert_null(names_flow_name(&f, NULL));
	names_flow_release(n, &f);
}

/* One response (length prefix + message) split in three segments that
 * arrive last, first, middle, with a retransmission of the first: read
 * once, whole, when the gap closes. The server's ISN wraps around 2^32. */
static void test_dns_tcp_split(void **state)
{
	struct names *n = new_names(1 << 20);
	struct names_stats st;
	struct flow d;
	uint8_t stream[600];
	size_t len = dns_response(stream + 2, "tcp", server, 300) + 2;
	uint32_t isn = 0xfffffff0u;

	(void)state;
	stream[0] = (uint8_t)((len - 2) >> 8);
	stream[1] = (uint8_t)(len - 2);
	dns_tcp_open(n, &d, isn);
	dns_tcp_seg(n, &d, stream, 30, len, isn, 1 * SEC);	/* last */
	names_stats(n, &st);
	assert_int_equal(st.dns_responses, 0);
	dns_tcp_seg(n, &d, stream, 0, 1, isn, 1 * SEC);		/* first */
	dns_tcp_seg(n, &d, stream, 0, 1, isn, 1 * SEC);		/* again */
	names_stats(n, &st);
	assert_int_equal(st.dns_responses, 0);
	assert_true(st.names_memory > 0);
	dns_tcp_seg(n, &d, stream, 1, 30, isn, 1 * SEC);	/* middle */
	names_stats(n, &st);
	assert_int_equal(st.dns_responses, 1);
	assert_int_equal(st.dns_answers, 1);
	assert_int_equal(st.dns_malformed, 0);
	/* A retransmission of everything changes nothing. */
	dns_tcp_seg(n, &d, stream, 0, len, isn, 2 * SEC);
	names_stats(n, &st);
	assert_int_equal(st.dns_responses, 1);
	expect_named(n, "tcp.example.com");
	names_flow_release(n, &d);
	names_stats(n, &st);
	assert_int_equal(st.names_memory, 0);
	names_free(n);
}

/* Two responses in one segment, the second's tail in the next one; then
 * a message longer than the join cap is skipped and counted, and the
 * response after it is still read. */
static void test_dns_tcp_pipelined(void **state)
{
	struct names *n = new_names(1 << 20);
	struct names_stats st;
	struct flow d;
	static uint8_t stream[2 * 600 + NAMES_REASM_CAP + 700];
	size_t a, b, big, c, at;
	uint32_t isn = 1000;

	(void)state;
	a = dns_response(stream + 2, "one", server, 300);
	stream[0] = 0;
	stream[1] = (uint8_t)a;
	b = dns_response(stream + 2 + a + 2, "two", server, 300);
	stream[2 + a] = 0;
	stream[2 + a + 1] = (uint8_t)b;
	at = 2 + a + 2 + b;
	big = NAMES_REASM_CAP + 10;	/* 2 + big > the cap */
	stream[at] = (uint8_t)(big >> 8);
	stream[at + 1] = (uint8_t)big;
	memset(stream + at + 2, 0, big);
	c = dns_response(stream + at + 2 + big + 2, "three", server, 300);
	stream[at + 2 + big] = 0;
	stream[at + 2 + big + 1] = (uint8_t)c;
	dns_tcp_open(n, &d, isn);
	dns_tcp_seg(n, &d, stream, 0, 2 + a + 10, isn, 1 * SEC);
	names_stats(n, &st);
	assert_int_equal(st.dns_responses, 1);
	dns_tcp_seg(n, &d, stream, 2 + a + 10, at + 100, isn, 1 * SEC);
	names_stats(n, &st);
	assert_int_equal(st.dns_responses, 2);
	assert_int_equal(st.dns_tcp_dropped, 1);
	/* The big message's rest in 1400-byte segments, then "three". */
	for (size_t from = at + 100; from < at + 2 + big + 2 + c;
	     from += 1400) {
		size_t to = from + 1400;

		if (to > at + 2 + big + 2 + c)
			to = at + 2 + big + 2 + c;
		dns_tcp_seg(n, &d, stream, from, to, isn, 1 * SEC);
	}
	names_stats(n, &st);
	assert_int_equal(st.dns_responses, 3);
	assert_int_equal(st.dns_malformed, 0);
	expect_named(n, "three.example.com");
	names_flow_release(n, &d);
	names_free(n);
}

/* Port 53 at both ends: only the responder's stream is read. */
static void test_dns_tcp_both_ports(void **state)
{
	struct names *n = new_names(1 << 20);
	struct names_stats st;
	struct flow d;
	struct pkt_layer l;
	uint8_t stream[600];
	size_t len = dns_response(stream + 2, "zx", server, 300) + 2;

	(void)state;
	stream[0] = 0;
	stream[1] = (uint8_t)(len - 2);
	flow_init(&d, client_a, resolver, 53, 53, IPPROTO_NUM_TCP);
	layer_init(&l, &d, 0, stream, len);
	l.tcp_flags = TCPF_ACK | TCPF_PSH;
	l.tcp_seq = 500;
	feed(n, &d, 0, &l, 1 * SEC);
	names_stats(n, &st);
	assert_int_equal(st.dns_responses, 0);
	layer_init(&l, &d, 1, stream, len);
	l.tcp_flags = TCPF_ACK | TCPF_PSH;
	l.tcp_seq = 9000;
	feed(n, &d, 1, &l, 1 * SEC);
	names_stats(n, &st);
	assert_int_equal(st.dns_responses, 1);
	names_flow_release(n, &d);
	names_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_then_flow),
		cmocka_unit_test(test_per_client_preference),
		cmocka_unit_test(test_sni_beats_dns),
		cmocka_unit_test(test_split_out_of_order),
		cmocka_unit_test(test_starttls),
		cmocka_unit_test(test_segment_limit),
		cmocka_unit_test(test_http_host),
		cmocka_unit_test(test_memcap),
		cmocka_unit_test(test_nothing_flows),
		cmocka_unit_test(test_dns_tcp_split),
		cmocka_unit_test(test_dns_tcp_pipelined),
		cmocka_unit_test(test_dns_tcp_both_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
