/*
 * test_decode.c: the packet decoders, frame by frame.
 *
 * Frames are assembled byte by byte with small helpers; every expected value
 * is written out by hand. Hostile cases cut and corrupt headers and check
 * the anomaly's name. The last test decodes every packet of the public
 * tcpdump captures under the sanitizers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <time.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "monitor/decode.h"
#include "monitor/packet.h"

/* ---- frame builder ---- */

struct frame {
	uint8_t b[4096];
	size_t n;
};

static void put8(struct frame *f, unsigned v)
{
	assert_true(f->n < sizeof(f->b));
	f->b[f->n++] = (uint8_t)v;
}

static void put16(struct frame *f, unsigned v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void putn(struct frame *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof(f->b));
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void zeros(struct frame *f, size_t n)
{
	while (n--)
		put8(f, 0);
}

static void set16(struct frame *f, size_t at, unsigned v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

/* Ethernet: 02:00:00:00:00:01 <- 02:00:00:00:00:02. */
static void eth(struct frame *f, unsigned type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

	putn(f, macs, sizeof(macs));
	put16(f, type);
}

static void vlan(struct frame *f, unsigned tci, unsigned type)
{
	put16(f, tci);
	put16(f, type);
}

/* IPv4 header without options, ID 0x1234, no fragment; total length patched
 * by ipv4_end(). Returns the header's offset. */
static size_t ipv4(struct frame *f, unsigned proto, uint32_t src, uint32_t dst)
{
	size_t at = f->n;

	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0);		/* total length, later */
	put16(f, 0x1234);
	put16(f, 0);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put32(f, src);
	put32(f, dst);
	return at;
}

static void ipv4_end(struct frame *f, size_t at)
{
	set16(f, at + 2, (unsigned)(f->n - at));
}

/* IPv6 2001:db8::<s> -> 2001:db8::<d>; payload length patched by
 * ipv6_end(). */
static size_t ipv6(struct frame *f, unsigned nh, unsigned s, unsigned d)
{
	size_t at = f->n;

	put32(f, 0x60000000);
	put16(f, 0);
	put8(f, nh);
	put8(f, 64);
	put32(f, 0x20010db8);
	zeros(f, 11);
	put8(f, s);
	put32(f, 0x20010db8);
	zeros(f, 11);
	put8(f, d);
	return at;
}

static void ipv6_end(struct frame *f, size_t at)
{
	set16(f, at + 4, (unsigned)(f->n - at - 40));
}

static void tcp(struct frame *f, unsigned sport, unsigned dport, uint32_t seq,
		uint32_t ack, unsigned flags)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, seq);
	put32(f, ack);
	put8(f, 0x50);
	put8(f, flags);
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
}

static size_t udp(struct frame *f, unsigned sport, unsigned dport)
{
	size_t at = f->n;

	put16(f, sport);
	put16(f, dport);
	put16(f, 0);
	put16(f, 0);
	return at;
}

static void udp_end(struct frame *f, size_t at)
{
	set16(f, at + 4, (unsigned)(f->n - at));
}

static struct packet pkt;

static const struct packet *decode_n(const struct frame *f, int lt,
				     size_t caplen, size_t wirelen)
{
	/* Dirty the struct first: decode_packet must reset what it uses. */
	memset(&pkt, 0xa5, sizeof(pkt));
	decode_packet(&pkt, lt, f->b, (uint32_t)caplen, (uint32_t)wirelen);
	return &pkt;
}

static const struct packet *decode(const struct frame *f, int lt)
{
	return decode_n(f, lt, f->n, f->n);
}

/* A macro, so a failure names the caller's line. */
#define assert_anomaly(p, name) \
	assert_string_equal(decode_anomaly_name((p)->anomaly), (name))

static void assert_v4(const struct ip_addr *a, uint8_t b0, uint8_t b1,
		      uint8_t b2, uint8_t b3)
{
	const uint8_t want[16] = { b0, b1, b2, b3 };

	assert_memory_equal(a->b, want, 16);
}

static void assert_v6_doc(const struct ip_addr *a, uint8_t last)
{
	const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = last };

	assert_memory_equal(a->b, want, 16);
}

enum {
	LT_NULL = 0, LT_EN10MB = 1, LT_RAW12 = 12, LT_RAW14 = 14,
	LT_RAW101 = 101, LT_LOOP = 108, LT_SLL = 113, LT_IPV4 = 228,
	LT_IPV6 = 229, LT_SLL2 = 276,
};

#define A_10_0_0_1 0x0a000001u
#define A_10_0_0_2 0x0a000002u
#define A_192_0_2_1 0xc0000201u
#define A_192_0_2_2 0xc0000202u

/* ---- plain packets on every link type ---- */

static void test_eth_ipv4_tcp(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	const struct pkt_layer *l;
	size_t ip;

	(void)state;
	eth(&f, 0x0800);
	ip = ipv4(&f, 6, A_10_0_0_1, A_192_0_2_1);
	tcp(&f, 51234, 443, 0x01020304, 0xa0b0c0d0, 0x18);
	putn(&f, "hello", 5);
	ipv4_end(&f, ip);

	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_false(p->non_ip);
	assert_int_equal(p->nlayers, 1);
	assert_int_equal(p->caplen, 59);
	assert_int_equal(p->linktype, 1);
	l = &p->layer[0];
	assert_int_equal(l->t.family, 4);
	assert_int_equal(l->t.proto, 6);
	assert_v4(&l->t.src, 10, 0, 0, 1);
	assert_v4(&l->t.dst, 192, 0, 2, 1);
	assert_int_equal(l->t.sport, 51234);
	assert_int_equal(l->t.dport, 443);
	assert_true(l->has_ports);
	assert_int_equal(l->tcp_seq, 0x01020304);
	assert_int_equal(l->tcp_ack, 0xa0b0c0d0);
	assert_int_equal(l->tcp_flags, TCPF_PSH | TCPF_ACK);
	assert_int_equal(l->ip_bytes, 45);
	assert_int_equal(l->payload_len, 5);
	assert_memory_equal(l->payload, "hello", 5);
	assert_int_equal(l->depth, 0);
	assert_int_equal(l->tunnel, TUNNEL_NONE);
	assert_false(l->has_vni);
	assert_int_equal(l->nvlan, 0);
	assert_false(l->fragment);
	assert_false(l->icmp_error);
}

/* A 30-byte IP packet in a minimum-size (60-byte) frame: the 16 padding
 * bytes are neither IP bytes nor payload. */
static void test_eth_padding(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	size_t ip, u;

	(void)state;
	eth(&f, 0x0800);
	ip = ipv4(&f, 17, A_10_0_0_1, A_10_0_0_2);
	u = udp(&f, 1000, 2000);
	put16(&f, 0xbeef);
	udp_end(&f, u);
	ipv4_end(&f, ip);
	assert_int_equal(f.n, 44);
	while (f.n < 60)
		put8(&f, 0xee);

	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	assert_int_equal(p->layer[0].ip_bytes, 30);
	assert_int_equal(p->layer[0].payload_len, 2);
	assert_int_equal(p->layer[0].payload[0], 0xbe);
	assert_int_equal(p->layer[0].t.sport, 1000);
	assert_int_equal(p->layer[0].t.dport, 2000);
}

/* IPv4 UDP 10.0.0.1:53 -> 10.0.0.2:5353, 4 payload bytes: 32 IP bytes. */
static void ipv4_udp_packet(struct frame *f)
{
	size_t ip = ipv4(f, 17, A_10_0_0_1, A_10_0_0_2);
	size_t u = udp(f, 53, 5353);

	put32(f, 0xdeadbeef);
	udp_end(f, u);
	ipv4_end(f, ip);
}

/* IPv6 UDP 2001:db8::1:53 -> 2001:db8::2:5353, 4 payload bytes: 52 bytes. */
static void ipv6_udp_packet(struct frame *f)
{
	size_t ip = ipv6(f, 17, 1, 2);
	size_t u = udp(f, 53, 5353);

	put32(f, 0xdeadbeef);
	udp_end(f, u);
	ipv6_end(f, ip);
}

static void check_v4_udp(const struct packet *p)
{
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	assert_int_equal(p->layer[0].t.family, 4);
	assert_v4(&p->layer[0].t.src, 10, 0, 0, 1);
	assert_int_equal(p->layer[0].t.sport, 53);
	assert_int_equal(p->layer[0].t.dport, 5353);
	assert_int_equal(p->layer[0].ip_bytes, 32);
	assert_int_equal(p->layer[0].payload_len, 4);
}

static void check_v6_udp(const struct packet *p)
{
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	assert_int_equal(p->layer[0].t.family, 6);
	assert_v6_doc(&p->layer[0].t.src, 1);
	assert_v6_doc(&p->layer[0].t.dst, 2);
	assert_int_equal(p->layer[0].t.proto, 17);
	assert_int_equal(p->layer[0].ip_bytes, 52);
	assert_int_equal(p->layer[0].payload_len, 4);
}

static void test_link_types(void **state)
{
	struct frame f;
	static const int raw[] = { LT_RAW12, LT_RAW14, LT_RAW101 };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		f.n = 0;
		ipv4_udp_packet(&f);
		check_v4_udp(decode(&f, raw[i]));
		f.n = 0;
		ipv6_udp_packet(&f);
		check_v6_udp(decode(&f, raw[i]));
	}
	f.n = 0;
	ipv4_udp_packet(&f);
	check_v4_udp(decode(&f, LT_IPV4));
	/* DLT_IPV4 is IPv4 only. */
	assert_anomaly(decode(&f, LT_IPV6), "ipv6_bad_version");
	f.n = 0;
	ipv6_udp_packet(&f);
	check_v6_udp(decode(&f, LT_IPV6));
	assert_anomaly(decode(&f, LT_IPV4), "ipv4_bad_version");

	/* Raw IP with version 5. */
	f.n = 0;
	put8(&f, 0x50);
	zeros(&f, 30);
	assert_anomaly(decode(&f, LT_RAW12), "ip_bad_version");
	f.n = 0;
	assert_anomaly(decode(&f, LT_RAW101), "link_truncated");

	/* Linux SLL: outgoing (4), ARPHRD_ETHER, 6-byte address, IPv4. */
	f.n = 0;
	put16(&f, 4);
	put16(&f, 1);
	put16(&f, 6);
	zeros(&f, 8);
	put16(&f, 0x0800);
	ipv4_udp_packet(&f);
	check_v4_udp(decode(&f, LT_SLL));
	assert_anomaly(decode_n(&f, LT_SLL, 15, 15), "sll_truncated");

	/* SLL2: protocol, reserved, ifindex, hatype, pkttype, addrlen, addr. */
	f.n = 0;
	put16(&f, 0x86dd);
	put16(&f, 0);
	put32(&f, 3);
	put16(&f, 1);
	put8(&f, 0);
	put8(&f, 6);
	zeros(&f, 8);
	ipv6_udp_packet(&f);
	check_v6_udp(decode(&f, LT_SLL2));
	assert_anomaly(decode_n(&f, LT_SLL2, 19, 19), "sll_truncated");

	/* DLT_NULL: AF_INET written by a little-endian host... */
	f.n = 0;
	put32(&f, 0x02000000);
	ipv4_udp_packet(&f);
	check_v4_udp(decode(&f, LT_NULL));
	/* ...and by a big-endian one. */
	f.n = 0;
	put32(&f, 2);
	ipv4_udp_packet(&f);
	check_v4_udp(decode(&f, LT_NULL));
	assert_anomaly(decode_n(&f, LT_NULL, 3, 3), "null_truncated");
	/* IPv6 as NetBSD (24), FreeBSD (28) and Darwin (30) number it. */
	f.n = 0;
	put32(&f, 0x1c000000);
	ipv6_udp_packet(&f);
	check_v6_udp(decode(&f, LT_NULL));
	f.b[0] = 30;
	check_v6_udp(decode(&f, LT_NULL));
	f.b[0] = 24;
	check_v6_udp(decode(&f, LT_NULL));

	/* DLT_LOOP: network byte order, always. */
	f.n = 0;
	put32(&f, 2);
	ipv4_udp_packet(&f);
	check_v4_udp(decode(&f, LT_LOOP));
	f.n = 0;
	put32(&f, 24);
	ipv6_udp_packet(&f);
	check_v6_udp(decode(&f, LT_LOOP));
	/* AF_APPLETALK (16): not IP. */
	f.b[3] = 16;
	assert_true(decode(&f, LT_LOOP)->non_ip);
	assert_anomaly(&pkt, "none");
}

static void test_linktype_table(void **state)
{
	static const int yes[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 276 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(decode_linktype_supported(yes[i]));
	assert_false(decode_linktype_supported(105));	/* 802.11 */
	assert_false(decode_linktype_supported(-1));
	assert_string_equal(decode_anomaly_name(ANOMALY_NONE), "none");
	assert_string_equal(decode_anomaly_name(ANOMALY_IPV4_TRUNCATED),
			    "ipv4_truncated");
	assert_string_equal(decode_anomaly_name(ANOMALY_TOO_MANY_LAYERS),
			    "too_many_layers");
	assert_string_equal(decode_anomaly_name(ANOMALY_COUNT), "unknown");
	assert_string_equal(tunnel_type_name(TUNNEL_GTPU), "gtp-u");
	assert_string_equal(tunnel_type_name(TUNNEL_6IN4), "6in4");
	assert_string_equal(tunnel_type_name(TUNNEL_VXLAN), "vxlan");
	assert_null(tunnel_type_name(TUNNEL_NONE));
}

static void test_non_ip(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;

	(void)state;
	/* ARP request. */
	eth(&f, 0x0806);
	put16(&f, 1);
	put16(&f, 0x0800);
	put8(&f, 6);
	put8(&f, 4);
	put16(&f, 1);
	zeros(&f, 20);
	p = decode(&f, LT_EN10MB);
	assert_true(p->non_ip);
	assert_int_equal(p->nlayers, 0);
	assert_anomaly(p, "none");

	/* STP: 802.3 length 38, LLC 42 42 03. */
	f.n = 0;
	eth(&f, 38);
	put8(&f, 0x42);
	put8(&f, 0x42);
	put8(&f, 0x03);
	zeros(&f, 35);
	p = decode(&f, LT_EN10MB);
	assert_true(p->non_ip);
	assert_anomaly(p, "none");

	/* PPPoE discovery (PADI). */
	f.n = 0;
	eth(&f, 0x8863);
	put8(&f, 0x11);
	put8(&f, 0x09);
	put16(&f, 0);
	put16(&f, 0);
	p = decode(&f, LT_EN10MB);
	assert_true(p->non_ip);
	assert_anomaly(p, "none");

	/* LLDP behind a VLAN tag. */
	f.n = 0;
	eth(&f, 0x8100);
	vlan(&f, 5, 0x88cc);
	zeros(&f, 20);
	p = decode(&f, LT_EN10MB);
	assert_true(p->non_ip);

	/* 802.3 + LLC/SNAP (RFC 1042) carrying IPv4 is IP. */
	f.n = 0;
	eth(&f, 8 + 32);
	put8(&f, 0xaa);
	put8(&f, 0xaa);
	put8(&f, 0x03);
	put8(&f, 0);
	put8(&f, 0);
	put8(&f, 0);
	put16(&f, 0x0800);
	ipv4_udp_packet(&f);
	check_v4_udp(decode(&f, LT_EN10MB));
	assert_false(pkt.non_ip);

	/* Truncated Ethernet. */
	assert_anomaly(decode_n(&f, LT_EN10MB, 13, 13), "eth_truncated");
	assert_int_equal(pkt.nlayers, 0);
}

static void test_vlan(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;

	(void)state;
	/* One 802.1Q tag, PCP 5, VID 100. */
	eth(&f, 0x8100);
	vlan(&f, 0xa064, 0x0800);
	ipv4_udp_packet(&f);
	p = decode(&f, LT_EN10MB);
	check_v4_udp(p);
	assert_int_equal(p->layer[0].nvlan, 1);
	assert_int_equal(p->layer[0].vlan[0], 100);

	/* QinQ: S-tag 10 (802.1ad), C-tag 20. */
	f.n = 0;
	eth(&f, 0x88a8);
	vlan(&f, 10, 0x8100);
	vlan(&f, 20, 0x0800);
	ipv4_udp_packet(&f);
	p = decode(&f, LT_EN10MB);
	check_v4_udp(p);
	assert_int_equal(p->layer[0].nvlan, 2);
	assert_int_equal(p->layer[0].vlan[0], 10);
	assert_int_equal(p->layer[0].vlan[1], 20);

	/* Three tags (0x9100 first): the first two are kept. */
	f.n = 0;
	eth(&f, 0x9100);
	vlan(&f, 1, 0x88a8);
	vlan(&f, 2, 0x8100);
	vlan(&f, 3, 0x86dd);
	ipv6_udp_packet(&f);
	p = decode(&f, LT_EN10MB);
	check_v6_udp(p);
	assert_int_equal(p->layer[0].nvlan, 2);
	assert_int_equal(p->layer[0].vlan[0], 1);
	assert_int_equal(p->layer[0].vlan[1], 2);

	/* A priority tag (VID 0) names no VLAN. */
	f.n = 0;
	eth(&f, 0x8100);
	vlan(&f, 0xe000, 0x0800);
	ipv4_udp_packet(&f);
	p = decode(&f, LT_EN10MB);
	check_v4_udp(p);
	assert_int_equal(p->layer[0].nvlan, 0);

	/* Cut inside the tag. */
	assert_anomaly(decode_n(&f, LT_EN10MB, 17, 17), "vlan_truncated");

	/* Twenty stacked tags: the walk stops at DECODE_MAX_DEPTH. */
	f.n = 0;
	eth(&f, 0x8100);
	for (int i = 0; i < 20; i++)
		vlan(&f, 7, 0x8100);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "too_many_layers");
	assert_int_equal(p->nlayers, 0);
}

static void test_mpls(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;

	(void)state;
	/* Two labels: 1000 (S=0), 2000 (S=1), then IPv4 by its nibble. */
	eth(&f, 0x8847);
	put32(&f, 1000u << 12 | 0x40);
	put32(&f, 2000u << 12 | 0x100 | 0x40);
	ipv4_udp_packet(&f);
	check_v4_udp(decode(&f, LT_EN10MB));
	/* Cut in the second label. */
	assert_anomaly(decode_n(&f, LT_EN10MB, 20, 20), "mpls_truncated");
	/* Stack ends with the frame. */
	assert_anomaly(decode_n(&f, LT_EN10MB, 22, 22), "mpls_truncated");

	/* Multicast MPLS, one label, IPv6. */
	f.n = 0;
	eth(&f, 0x8848);
	put32(&f, 16u << 12 | 0x100 | 1);
	ipv6_udp_packet(&f);
	check_v6_udp(decode(&f, LT_EN10MB));

	/* Ethernet pseudowire with a control word (first nibble 0). */
	f.n = 0;
	eth(&f, 0x8847);
	put32(&f, 3000u << 12 | 0x100 | 0xff);
	put32(&f, 0x00000001);
	eth(&f, 0x8100);
	vlan(&f, 42, 0x0800);
	ipv4_udp_packet(&f);
	p = decode(&f, LT_EN10MB);
	check_v4_udp(p);
	assert_int_equal(p->layer[0].nvlan, 1);
	assert_int_equal(p->layer[0].vlan[0], 42);

	/* G-ACh (first nibble 1): not IP. */
	f.n = 0;
	eth(&f, 0x8847);
	put32(&f, 13u << 12 | 0x100 | 1);
	put32(&f, 0x10000000);
	assert_true(decode(&f, LT_EN10MB)->non_ip);
}

static void pppoe_head(struct frame *f, unsigned len, unsigned ppp)
{
	eth(f, 0x8864);
	put8(f, 0x11);
	put8(f, 0);
	put16(f, 0x0042);
	put16(f, len);
	put16(f, ppp);
}

static void test_pppoe(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;

	(void)state;
	/* PPPoE length = 2 (PPP protocol) + 32 (IP packet). */
	pppoe_head(&f, 34, 0x0021);
	ipv4_udp_packet(&f);
	check_v4_udp(decode(&f, LT_EN10MB));

	f.n = 0;
	pppoe_head(&f, 54, 0x0057);
	ipv6_udp_packet(&f);
	check_v6_udp(decode(&f, LT_EN10MB));

	/* LCP echo request: not IP. */
	f.n = 0;
	pppoe_head(&f, 10, 0xc021);
	put8(&f, 9);
	put8(&f, 1);
	put16(&f, 8);
	put32(&f, 0);
	p = decode(&f, LT_EN10MB);
	assert_true(p->non_ip);
	assert_anomaly(p, "none");

	/* Version 2. */
	f.n = 0;
	pppoe_head(&f, 34, 0x0021);
	ipv4_udp_packet(&f);
	f.b[14] = 0x21;
	assert_anomaly(decode(&f, LT_EN10MB), "pppoe_bad_version");
	/* Length longer than the frame. */
	f.b[14] = 0x11;
	set16(&f, 18, 200);
	assert_anomaly(decode(&f, LT_EN10MB), "pppoe_bad_length");
	/* Header cut. */
	assert_anomaly(decode_n(&f, LT_EN10MB, 18, 18), "pppoe_truncated");
}

static void test_ipv4_options(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	size_t ip, u;

	(void)state;
	/* IHL 7: 8 bytes of options (router alert + 4 NOPs). */
	eth(&f, 0x0800);
	ip = ipv4(&f, 17, A_10_0_0_1, A_10_0_0_2);
	f.b[ip] = 0x47;
	put32(&f, 0x94040000);
	put32(&f, 0x01010101);
	u = udp(&f, 67, 68);
	putn(&f, "abc", 3);
	udp_end(&f, u);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	assert_int_equal(p->layer[0].ip_bytes, 39);
	assert_int_equal(p->layer[0].t.sport, 67);
	assert_int_equal(p->layer[0].t.dport, 68);
	assert_int_equal(p->layer[0].payload_len, 3);
	assert_memory_equal(p->layer[0].payload, "abc", 3);
}

static void test_ipv4_fragments(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	const struct pkt_layer *l;
	size_t ip, u;

	(void)state;
	/* First fragment: MF, offset 0; UDP length says 1000 (the whole
	 * datagram), the fragment holds 8 + 16 bytes. */
	eth(&f, 0x0800);
	ip = ipv4(&f, 17, A_10_0_0_1, A_10_0_0_2);
	set16(&f, ip + 6, 0x2000);
	u = udp(&f, 4000, 53);
	zeros(&f, 16);
	set16(&f, u + 4, 1000);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	l = &p->layer[0];
	assert_true(l->fragment);
	assert_true(l->first_fragment);
	assert_true(l->has_ports);
	assert_int_equal(l->frag_id, 0x1234);
	assert_int_equal(l->t.sport, 4000);
	assert_int_equal(l->t.dport, 53);
	assert_int_equal(l->ip_bytes, 44);
	assert_int_equal(l->payload_len, 16);

	/* Later fragment: offset 185 (1480 bytes), no MF. */
	set16(&f, ip + 6, 185);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	l = &p->layer[0];
	assert_true(l->fragment);
	assert_false(l->first_fragment);
	assert_false(l->has_ports);
	assert_int_equal(l->t.proto, 17);
	assert_int_equal(l->t.sport, 0);
	assert_int_equal(l->t.dport, 0);
	assert_int_equal(l->frag_id, 0x1234);
	assert_int_equal(l->ip_bytes, 44);

	/* DF alone is not a fragment. */
	set16(&f, ip + 6, 0x4000);
	set16(&f, u + 4, 24);
	p = decode(&f, LT_EN10MB);
	assert_false(p->layer[0].fragment);

	/* Offset 8189 * 8 = 65512, plus 24 bytes: past 65535. */
	set16(&f, ip + 6, 8189);
	assert_anomaly(decode(&f, LT_EN10MB), "ipv4_bad_fragment");
}

static void test_ipv4_hostile(void **state)
{
	struct frame f = { .n = 0 };
	size_t ip;

	(void)state;
	eth(&f, 0x0800);
	ip = ipv4(&f, 6, A_10_0_0_1, A_10_0_0_2);
	tcp(&f, 1, 2, 0, 0, TCPF_SYN);
	ipv4_end(&f, ip);
	assert_int_equal(decode(&f, LT_EN10MB)->nlayers, 1);

	f.b[ip] = 0x44;		/* IHL 4 */
	assert_anomaly(decode(&f, LT_EN10MB), "ipv4_bad_ihl");
	assert_int_equal(pkt.nlayers, 0);
	f.b[ip] = 0x40;		/* IHL 0 */
	assert_anomaly(decode(&f, LT_EN10MB), "ipv4_bad_ihl");
	f.b[ip] = 0x65;		/* version 6 */
	assert_anomaly(decode(&f, LT_EN10MB), "ipv4_bad_version");

	/* IHL 15 (60 bytes) in a 40-byte packet whose total length says 40. */
	f.b[ip] = 0x4f;
	assert_anomaly(decode(&f, LT_EN10MB), "ipv4_bad_total_length");
	/* IHL 15 and a total length of 60: the options run off the frame. */
	set16(&f, ip + 2, 60);
	assert_anomaly(decode(&f, LT_EN10MB), "ipv4_truncated");

	/* Total length 19, below even the minimum header. */
	f.b[ip] = 0x45;
	set16(&f, ip + 2, 19);
	assert_anomaly(decode(&f, LT_EN10MB), "ipv4_bad_total_length");
	/* Total length 8 bytes beyond a complete frame. */
	set16(&f, ip + 2, 48);
	assert_anomaly(decode(&f, LT_EN10MB), "ipv4_truncated");
	/* ...but if the capture was cut (wirelen larger) it is fine. */
	decode_n(&f, LT_EN10MB, f.n, f.n + 8);
	assert_anomaly(&pkt, "none");
	assert_int_equal(pkt.nlayers, 1);
	assert_int_equal(pkt.layer[0].ip_bytes, 48);
	assert_int_equal(pkt.layer[0].payload_len, 0);
	set16(&f, ip + 2, 40);

	/* Header cut at 19 bytes. */
	assert_anomaly(decode_n(&f, LT_EN10MB, 14 + 19, 14 + 19),
		       "ipv4_truncated");

	/* Total length 0: a TSO segment seen on the sending host, as long
	 * as the frame (60 - 14 = 46 bytes here, 1500 under a snaplen). */
	zeros(&f, 6);
	set16(&f, ip + 2, 0);
	decode(&f, LT_EN10MB);
	assert_anomaly(&pkt, "none");
	assert_int_equal(pkt.layer[0].ip_bytes, 46);
	assert_int_equal(pkt.layer[0].payload_len, 6);
	decode_n(&f, LT_EN10MB, 60, 1514);
	assert_anomaly(&pkt, "none");
	assert_int_equal(pkt.layer[0].ip_bytes, 1500);
}

static void test_tcp_hostile(void **state)
{
	struct frame f = { .n = 0 };
	size_t ip, t;

	(void)state;
	eth(&f, 0x0800);
	ip = ipv4(&f, 6, A_10_0_0_1, A_10_0_0_2);
	t = f.n;
	tcp(&f, 1, 2, 0, 0, TCPF_SYN);
	zeros(&f, 12);		/* options or data */
	ipv4_end(&f, ip);
	f.b[t + 12] = 0x80;	/* offset 8: 12 bytes of options */
	assert_anomaly(decode(&f, LT_EN10MB), "none");
	assert_int_equal(pkt.layer[0].payload_len, 0);

	f.b[t + 12] = 0x40;	/* offset 4 */
	assert_anomaly(decode(&f, LT_EN10MB), "tcp_bad_offset");
	assert_int_equal(pkt.nlayers, 0);
	f.b[t + 12] = 0xf0;	/* offset 15 = 60 bytes in a 32-byte segment */
	assert_anomaly(decode(&f, LT_EN10MB), "tcp_bad_offset");
	/* Offset 8 in a snaplen-cut capture missing the options. */
	f.b[t + 12] = 0x80;
	assert_anomaly(decode_n(&f, LT_EN10MB, t + 24, f.n), "tcp_truncated");
	/* Header cut at 19 bytes. */
	assert_anomaly(decode_n(&f, LT_EN10MB, t + 19, f.n),
		       "tcp_truncated");
	/* The same cut in a frame that really is that short: the IP header
	 * promised more. */
	assert_anomaly(decode_n(&f, LT_EN10MB, t + 19, t + 19),
		       "ipv4_truncated");
}

static void test_udp_hostile(void **state)
{
	struct frame f = { .n = 0 };
	size_t ip, u;

	(void)state;
	eth(&f, 0x0800);
	ip = ipv4(&f, 17, A_10_0_0_1, A_10_0_0_2);
	u = udp(&f, 1, 2);
	zeros(&f, 10);
	ipv4_end(&f, ip);
	set16(&f, u + 4, 12);	/* shorter than the IP payload: clipped */
	assert_anomaly(decode(&f, LT_EN10MB), "none");
	assert_int_equal(pkt.layer[0].payload_len, 4);
	assert_int_equal(pkt.layer[0].ip_bytes, 38);

	set16(&f, u + 4, 7);
	assert_anomaly(decode(&f, LT_EN10MB), "udp_bad_length");
	assert_int_equal(pkt.nlayers, 0);
	set16(&f, u + 4, 0);
	assert_anomaly(decode(&f, LT_EN10MB), "udp_bad_length");
	set16(&f, u + 4, 19);	/* IP payload is 18 */
	assert_anomaly(decode(&f, LT_EN10MB), "udp_bad_length");
	set16(&f, u + 4, 18);
	assert_anomaly(decode(&f, LT_EN10MB), "none");
	assert_anomaly(decode_n(&f, LT_EN10MB, u + 7, f.n), "udp_truncated");
}

/* Whole headers, a short payload: what a -s 64 capture looks like. */
static void test_snaplen(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	size_t ip, u;

	(void)state;
	eth(&f, 0x0800);
	ip = ipv4(&f, 17, A_10_0_0_1, A_10_0_0_2);
	u = udp(&f, 1111, 2222);
	zeros(&f, 1000);
	udp_end(&f, u);
	ipv4_end(&f, ip);
	p = decode_n(&f, LT_EN10MB, 64, f.n);
	assert_anomaly(p, "none");
	assert_int_equal(p->caplen, 64);
	assert_int_equal(p->wirelen, 1042);
	assert_int_equal(p->nlayers, 1);
	assert_int_equal(p->layer[0].ip_bytes, 1028);
	assert_int_equal(p->layer[0].payload_len, 64 - 42);

	/* The same for IPv6/TCP. */
	f.n = 0;
	eth(&f, 0x86dd);
	ip = ipv6(&f, 6, 1, 2);
	tcp(&f, 5, 6, 7, 8, TCPF_ACK);
	zeros(&f, 500);
	ipv6_end(&f, ip);
	p = decode_n(&f, LT_EN10MB, 96, f.n);
	assert_anomaly(p, "none");
	assert_int_equal(p->layer[0].ip_bytes, 560);
	assert_int_equal(p->layer[0].payload_len, 96 - 74);
	/* A complete frame that is shorter than its IPv6 header says. */
	p = decode_n(&f, LT_EN10MB, 96, 96);
	assert_anomaly(p, "ipv6_truncated");
}

/* IPv6 with Hop-by-Hop (8), Routing (16), Destination Options (8),
 * Fragment (8, first), AH (24) and TCP (20) + 4 payload bytes. */
static void test_ipv6_chain(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	const struct pkt_layer *l;
	size_t ip, frag;

	(void)state;
	eth(&f, 0x86dd);
	ip = ipv6(&f, 0, 0x10, 0x20);
	put8(&f, 43);		/* HBH -> Routing */
	put8(&f, 0);
	put8(&f, 1);		/* PadN, 4 */
	put8(&f, 4);
	put32(&f, 0);
	put8(&f, 60);		/* Routing -> DstOpts, 16 bytes */
	put8(&f, 1);
	put8(&f, 4);		/* SRH type 4, segments left 0 */
	put8(&f, 0);
	zeros(&f, 12);
	put8(&f, 44);		/* DstOpts -> Fragment */
	put8(&f, 0);
	put8(&f, 1);
	put8(&f, 4);
	put32(&f, 0);
	frag = f.n;
	put8(&f, 51);		/* Fragment -> AH; offset 0, M */
	put8(&f, 0);
	put16(&f, 0x0001);
	put32(&f, 0xcafef00d);
	put8(&f, 6);		/* AH -> TCP; length 4: (4 + 2) * 4 = 24 */
	put8(&f, 4);
	put16(&f, 0);
	put32(&f, 0x100);	/* SPI */
	put32(&f, 1);		/* sequence */
	zeros(&f, 12);		/* ICV */
	tcp(&f, 2000, 80, 1, 2, TCPF_SYN);
	put32(&f, 0x61626364);
	ipv6_end(&f, ip);
	/* plen = 8+16+8+8+24+20+4 = 88; a multiple of 8 after Fragment. */
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	l = &p->layer[0];
	assert_int_equal(l->t.family, 6);
	assert_int_equal(l->t.proto, 6);
	assert_v6_doc(&l->t.src, 0x10);
	assert_v6_doc(&l->t.dst, 0x20);
	assert_int_equal(l->t.sport, 2000);
	assert_int_equal(l->t.dport, 80);
	assert_true(l->fragment);
	assert_true(l->first_fragment);
	assert_int_equal(l->frag_id, 0xcafef00d);
	assert_int_equal(l->ip_bytes, 128);
	assert_int_equal(l->payload_len, 4);
	assert_memory_equal(l->payload, "abcd", 4);
	assert_int_equal(l->tcp_flags, TCPF_SYN);

	/* Every cut inside the extension headers is exthdr_truncated. */
	for (size_t cut = 54; cut < 54 + 64; cut += 5)
		assert_anomaly(decode_n(&f, LT_EN10MB, cut, f.n),
			       "ipv6_exthdr_truncated");

	/* Later fragment (offset 1448 = 181 * 8): TCP not parsed, the
	 * protocol is the Fragment header's next header. */
	set16(&f, frag + 2, 181 << 3);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	l = &p->layer[0];
	assert_true(l->fragment);
	assert_false(l->first_fragment);
	assert_false(l->has_ports);
	assert_int_equal(l->t.proto, 51);
	assert_int_equal(l->frag_id, 0xcafef00d);

	/* Atomic fragment (offset 0, no M; RFC 6946): a whole packet. */
	set16(&f, frag + 2, 0);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_false(p->layer[0].fragment);
	assert_int_equal(p->layer[0].t.dport, 80);

	/* M set but 88 - 40 = 48... make the fragment 4 bytes longer:
	 * 52 is not a multiple of 8. */
	set16(&f, frag + 2, 1);
	put32(&f, 0);
	ipv6_end(&f, ip);
	assert_anomaly(decode(&f, LT_EN10MB), "ipv6_bad_fragment");
}

static void test_ipv6_hostile(void **state)
{
	struct frame f = { .n = 0 };
	size_t ip;
	int i;

	(void)state;
	/* Nine Destination Options headers: over the cap of eight. */
	eth(&f, 0x86dd);
	ip = ipv6(&f, 60, 1, 2);
	for (i = 0; i < 9; i++) {
		put8(&f, i == 8 ? 59 : 60);
		put8(&f, 0);
		put8(&f, 1);
		put8(&f, 4);
		put32(&f, 0);
	}
	ipv6_end(&f, ip);
	assert_anomaly(decode(&f, LT_EN10MB), "ipv6_too_many_exthdrs");
	assert_int_equal(pkt.nlayers, 0);
	/* Eight are fine, and end in No Next Header. */
	f.b[14 + 40 + 7 * 8] = 59;
	f.n -= 8;
	ipv6_end(&f, ip);
	assert_anomaly(decode(&f, LT_EN10MB), "none");
	assert_int_equal(pkt.layer[0].t.proto, 59);
	assert_int_equal(pkt.layer[0].ip_bytes, 104);

	/* An option header whose length runs past the payload. */
	f.b[14 + 40 + 1] = 200;
	assert_anomaly(decode(&f, LT_EN10MB), "ipv6_exthdr_truncated");

	/* Payload length 0 and a Hop-by-Hop header without a Jumbo Payload
	 * option (PadN only). */
	f.n = 0;
	eth(&f, 0x86dd);
	ipv6(&f, 0, 1, 2);
	put32(&f, 0x3a000104);
	put32(&f, 0);
	assert_anomaly(decode(&f, LT_EN10MB), "ipv6_bad_payload_length");
	/* A Jumbo Payload option saying 65535: not a jumbogram (RFC 2675
	 * section 3). */
	f.b[14 + 40 + 2] = 0xc2;
	f.b[14 + 40 + 6] = 0xff;
	f.b[14 + 40 + 7] = 0xff;
	assert_anomaly(decode(&f, LT_EN10MB), "ipv6_bad_payload_length");
	/* Payload length 0 and straight to UDP. */
	f.b[14 + 6] = 17;
	assert_anomaly(decode(&f, LT_EN10MB), "ipv6_bad_payload_length");
	f.b[14] = 0x40;
	assert_anomaly(decode(&f, LT_EN10MB), "ipv6_bad_version");
	f.b[14] = 0x60;
	assert_anomaly(decode_n(&f, LT_EN10MB, 53, 53), "ipv6_truncated");
}

/* An RFC 2675 jumbogram: Hop-by-Hop with a Jumbo Payload of 70000 bytes
 * (8 HBH + 8 UDP + 69984 data), UDP length 0; captured with a short
 * snaplen. */
static void test_ipv6_jumbo(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;

	(void)state;
	eth(&f, 0x86dd);
	ipv6(&f, 0, 1, 2);	/* payload length 0 */
	put8(&f, 17);
	put8(&f, 0);
	put8(&f, 0xc2);
	put8(&f, 4);
	put32(&f, 70000);
	put16(&f, 7);
	put16(&f, 9);
	put16(&f, 0);
	put16(&f, 0);
	zeros(&f, 40);
	p = decode_n(&f, LT_EN10MB, f.n, 14 + 40 + 70000);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	assert_int_equal(p->layer[0].ip_bytes, 70040);
	assert_int_equal(p->layer[0].t.proto, 17);
	assert_int_equal(p->layer[0].t.sport, 7);
	assert_int_equal(p->layer[0].payload_len, 40);
	/* A 70000-byte jumbogram in a complete 110-byte frame: truncated. */
	assert_anomaly(decode(&f, LT_EN10MB), "ipv6_truncated");
}

static void test_icmp(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	const struct pkt_layer *l;
	size_t ip, inner, u;

	(void)state;
	/* Echo request, identifier 0x4242, sequence 7. */
	eth(&f, 0x0800);
	ip = ipv4(&f, 1, A_10_0_0_1, A_192_0_2_1);
	put8(&f, 8);
	put8(&f, 0);
	put16(&f, 0);
	put16(&f, 0x4242);
	put16(&f, 7);
	putn(&f, "ping", 4);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	l = &p->layer[0];
	assert_int_equal(l->t.proto, 1);
	assert_int_equal(l->icmp_type, 8);
	assert_int_equal(l->icmp_code, 0);
	assert_int_equal(l->t.sport, 0x4242);
	assert_int_equal(l->t.dport, 0x4242);
	assert_false(l->has_ports);
	assert_false(l->icmp_error);
	assert_int_equal(l->payload_len, 4);
	assert_anomaly(decode_n(&f, LT_EN10MB, 14 + 20 + 7, f.n),
		       "icmp_truncated");

	/* Port unreachable from 192.0.2.2 quoting 10.0.0.1:5000 ->
	 * 192.0.2.1:53 UDP with its 8 UDP bytes. */
	f.n = 0;
	eth(&f, 0x0800);
	ip = ipv4(&f, 1, A_192_0_2_2, A_10_0_0_1);
	put8(&f, 3);
	put8(&f, 3);
	put16(&f, 0);
	put32(&f, 0);
	inner = ipv4(&f, 17, A_10_0_0_1, A_192_0_2_1);
	u = udp(&f, 5000, 53);
	zeros(&f, 30);		/* not quoted */
	udp_end(&f, u);
	ipv4_end(&f, inner);
	f.n -= 30;
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	l = &p->layer[0];
	assert_int_equal(l->icmp_type, 3);
	assert_int_equal(l->icmp_code, 3);
	assert_true(l->icmp_error);
	assert_true(l->has_quoted);
	assert_false(l->has_ports);
	assert_int_equal(l->quoted.family, 4);
	assert_int_equal(l->quoted.proto, 17);
	assert_v4(&l->quoted.src, 10, 0, 0, 1);
	assert_v4(&l->quoted.dst, 192, 0, 2, 1);
	assert_int_equal(l->quoted.sport, 5000);
	assert_int_equal(l->quoted.dport, 53);
	assert_int_equal(l->ip_bytes, 56);

	/* Only 4 of the 8 transport bytes quoted: addresses, no ports. */
	f.n -= 4;
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_true(p->layer[0].has_quoted);
	assert_int_equal(p->layer[0].quoted.proto, 17);
	assert_int_equal(p->layer[0].quoted.sport, 0);
	/* Quote cut inside the IP header: an error without a quote. */
	f.n -= 10;
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_true(p->layer[0].icmp_error);
	assert_false(p->layer[0].has_quoted);
}

static void test_icmpv6_sctp(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	const struct pkt_layer *l;
	size_t ip;

	(void)state;
	eth(&f, 0x86dd);
	ip = ipv6(&f, 58, 1, 2);
	put8(&f, 129);		/* echo reply */
	put8(&f, 0);
	put16(&f, 0);
	put16(&f, 0x0777);
	put16(&f, 1);
	ipv6_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	l = &p->layer[0];
	assert_int_equal(l->t.proto, 58);
	assert_int_equal(l->icmp_type, 129);
	assert_int_equal(l->t.sport, 0x777);
	assert_int_equal(l->t.dport, 0x777);
	assert_false(l->has_ports);
	assert_int_equal(l->ip_bytes, 48);
	assert_anomaly(decode_n(&f, LT_EN10MB, 14 + 40 + 3, f.n),
		       "icmpv6_truncated");

	/* ICMPv6 packet too big (2) quoting a TCP segment. */
	f.n = 0;
	eth(&f, 0x86dd);
	ip = ipv6(&f, 58, 9, 1);
	put8(&f, 2);
	put8(&f, 0);
	put16(&f, 0);
	put32(&f, 1280);
	ipv6(&f, 6, 1, 3);
	f.b[f.n - 36] = 0;	/* quoted payload length: irrelevant */
	tcp(&f, 40000, 443, 0, 0, TCPF_ACK);
	ipv6_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	l = &p->layer[0];
	assert_true(l->icmp_error);
	assert_true(l->has_quoted);
	assert_int_equal(l->quoted.family, 6);
	assert_int_equal(l->quoted.proto, 6);
	assert_v6_doc(&l->quoted.src, 1);
	assert_v6_doc(&l->quoted.dst, 3);
	assert_int_equal(l->quoted.sport, 40000);
	assert_int_equal(l->quoted.dport, 443);

	/* SCTP INIT from 2001:db8::1:3868 to ::2:3868. */
	f.n = 0;
	eth(&f, 0x86dd);
	ip = ipv6(&f, 132, 1, 2);
	put16(&f, 3868);
	put16(&f, 3869);
	put32(&f, 0);
	put32(&f, 0x12345678);
	put32(&f, 0x01000014);
	zeros(&f, 16);
	ipv6_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->layer[0].t.proto, 132);
	assert_int_equal(p->layer[0].t.sport, 3868);
	assert_int_equal(p->layer[0].t.dport, 3869);
	assert_true(p->layer[0].has_ports);
	assert_int_equal(p->layer[0].payload_len, 20);
	assert_anomaly(decode_n(&f, LT_EN10MB, 14 + 40 + 11, f.n),
		       "sctp_truncated");

	/* ESP: a layer with a protocol and no ports. */
	f.n = 0;
	eth(&f, 0x0800);
	ip = ipv4(&f, 50, A_10_0_0_1, A_10_0_0_2);
	put32(&f, 0x1000);
	put32(&f, 1);
	zeros(&f, 16);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	assert_int_equal(p->layer[0].t.proto, 50);
	assert_false(p->layer[0].has_ports);
	assert_int_equal(p->layer[0].payload_len, 24);
}

/* ---- tunnels ---- */

static void test_gre(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	const struct pkt_layer *l;
	size_t ip, gre;

	(void)state;
	/* VLAN 30, IPv4 GRE with checksum, key 0xabcdef01 and sequence. */
	eth(&f, 0x8100);
	vlan(&f, 30, 0x0800);
	ip = ipv4(&f, 47, A_192_0_2_1, A_192_0_2_2);
	gre = f.n;
	put16(&f, 0xb000);
	put16(&f, 0x0800);
	put32(&f, 0);
	put32(&f, 0xabcdef01);
	put32(&f, 99);
	ipv4_udp_packet(&f);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);
	l = &p->layer[0];
	assert_int_equal(l->t.proto, 47);
	assert_false(l->has_ports);
	assert_int_equal(l->ip_bytes, 68);
	assert_int_equal(l->vlan[0], 30);
	l = &p->layer[1];
	assert_int_equal(l->depth, 1);
	assert_int_equal(l->tunnel, TUNNEL_GRE);
	assert_true(l->has_vni);
	assert_int_equal(l->vni, 0xabcdef01);
	assert_int_equal(l->nvlan, 1);
	assert_int_equal(l->vlan[0], 30);
	assert_v4(&l->t.src, 10, 0, 0, 1);
	assert_int_equal(l->t.dport, 5353);
	assert_int_equal(l->ip_bytes, 32);

	/* Cut in the key: the outer flow stays. */
	p = decode_n(&f, LT_EN10MB, gre + 10, f.n);
	assert_anomaly(p, "gre_truncated");
	assert_int_equal(p->nlayers, 1);
	/* Inner IPv4 cut: outer stays, the inner's own anomaly. */
	p = decode_n(&f, LT_EN10MB, gre + 16 + 10, f.n);
	assert_anomaly(p, "ipv4_truncated");
	assert_int_equal(p->nlayers, 1);

	/* Version 2 does not exist. */
	f.b[gre + 1] = 0x02;
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "gre_bad_version");
	assert_int_equal(p->nlayers, 1);

	/* Transparent Ethernet bridging, no key; VLAN 77 inside replaces 30. */
	f.n = 0;
	eth(&f, 0x8100);
	vlan(&f, 30, 0x0800);
	ip = ipv4(&f, 47, A_192_0_2_1, A_192_0_2_2);
	put16(&f, 0x0000);
	put16(&f, 0x6558);
	eth(&f, 0x8100);
	vlan(&f, 77, 0x86dd);
	ipv6_udp_packet(&f);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);
	l = &p->layer[1];
	assert_int_equal(l->tunnel, TUNNEL_GRE);
	assert_false(l->has_vni);
	assert_int_equal(l->t.family, 6);
	assert_int_equal(l->nvlan, 1);
	assert_int_equal(l->vlan[0], 77);
	assert_int_equal(p->layer[0].vlan[0], 30);

	/* PPTP (version 1): key = payload length 35, call ID 0x0102;
	 * sequence present; PPP with address/control, IPv4. */
	f.n = 0;
	eth(&f, 0x0800);
	ip = ipv4(&f, 47, A_192_0_2_1, A_192_0_2_2);
	put16(&f, 0x3001);
	put16(&f, 0x880b);
	put16(&f, 36);
	put16(&f, 0x0102);
	put32(&f, 5);
	put8(&f, 0xff);
	put8(&f, 0x03);
	put8(&f, 0x21);		/* protocol field compressed */
	ipv4_udp_packet(&f);
	put8(&f, 0);		/* beyond the GRE payload length */
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);
	assert_int_equal(p->layer[1].tunnel, TUNNEL_GRE);
	assert_int_equal(p->layer[1].vni, 0x0102);
	assert_int_equal(p->layer[1].ip_bytes, 32);
	/* LCP inside PPTP: the outer flow only, quietly. */
	f.b[ip + 20 + 14] = 0xc0;
	f.b[ip + 20 + 15] = 0x21;
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	assert_false(p->non_ip);
}

static void test_vxlan(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	const struct pkt_layer *l;
	size_t ip, u, vx;

	(void)state;
	eth(&f, 0x8100);
	vlan(&f, 100, 0x0800);
	ip = ipv4(&f, 17, A_192_0_2_1, A_192_0_2_2);
	u = udp(&f, 49152, 4789);
	vx = f.n;
	put32(&f, 0x08000000);
	put32(&f, 0x12345600);
	eth(&f, 0x8100);
	vlan(&f, 7, 0x0800);
	ipv4_udp_packet(&f);
	udp_end(&f, u);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);
	l = &p->layer[0];
	assert_int_equal(l->t.dport, 4789);
	assert_int_equal(l->ip_bytes, 20 + 8 + 8 + 18 + 32);
	assert_int_equal(l->vlan[0], 100);
	l = &p->layer[1];
	assert_int_equal(l->tunnel, TUNNEL_VXLAN);
	assert_int_equal(l->vni, 0x123456);
	assert_true(l->has_vni);
	assert_int_equal(l->depth, 1);
	assert_int_equal(l->nvlan, 1);
	assert_int_equal(l->vlan[0], 7);
	assert_int_equal(l->t.sport, 53);

	p = decode_n(&f, LT_EN10MB, vx + 7, f.n);
	assert_anomaly(p, "vxlan_truncated");
	assert_int_equal(p->nlayers, 1);
	/* A frame that really ends there: the outer IP header claimed more. */
	p = decode_n(&f, LT_EN10MB, vx + 8 + 13, vx + 8 + 13);
	assert_int_equal(p->nlayers, 0);
	assert_anomaly(p, "ipv4_truncated");
	p = decode_n(&f, LT_EN10MB, vx + 8 + 13, f.n);
	assert_anomaly(p, "eth_truncated");
	assert_int_equal(p->nlayers, 1);

	/* Without the I flag: not followed. */
	f.b[vx] = 0;
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);

	/* ARP inside VXLAN: the frame is still IP. */
	f.b[vx] = 0x08;
	f.b[vx + 8 + 16] = 0x08;
	f.b[vx + 8 + 17] = 0x06;
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	assert_false(p->non_ip);
}

static void test_geneve(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	size_t ip, u, gn;

	(void)state;
	eth(&f, 0x86dd);
	ip = ipv6(&f, 17, 0xa, 0xb);
	u = udp(&f, 40000, 6081);
	gn = f.n;
	put8(&f, 0x02);		/* version 0, 2 words of options */
	put8(&f, 0);
	put16(&f, 0x6558);
	put32(&f, 0x00abcd00);
	put32(&f, 0x01020301);	/* option class 0x0102, type 3, 1 word */
	put32(&f, 0xfeedface);
	eth(&f, 0x0800);
	ipv4_udp_packet(&f);
	udp_end(&f, u);
	ipv6_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);
	assert_int_equal(p->layer[1].tunnel, TUNNEL_GENEVE);
	assert_int_equal(p->layer[1].vni, 0xabcd);
	assert_int_equal(p->layer[1].t.family, 4);
	assert_int_equal(p->layer[1].ip_bytes, 32);
	assert_int_equal(p->layer[0].ip_bytes, 40 + 8 + 16 + 14 + 32);

	/* Options cut. */
	p = decode_n(&f, LT_EN10MB, gn + 12, f.n);
	assert_anomaly(p, "geneve_truncated");
	assert_int_equal(p->nlayers, 1);

	/* IPv4 payload directly (protocol type 0x0800). */
	f.n = 0;
	eth(&f, 0x0800);
	ip = ipv4(&f, 17, A_192_0_2_1, A_192_0_2_2);
	u = udp(&f, 40000, 6081);
	put8(&f, 0);
	put8(&f, 0);
	put16(&f, 0x0800);
	put32(&f, 0x00000500);
	ipv4_udp_packet(&f);
	udp_end(&f, u);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);
	assert_int_equal(p->layer[1].vni, 5);
}

static void test_gtpu(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	size_t ip, u, g;

	(void)state;
	/* Version 1, PT, E and S; G-PDU; TEID 0x11223344; a PDU session
	 * container extension (type 0x85, 1 word). */
	eth(&f, 0x0800);
	ip = ipv4(&f, 17, A_192_0_2_1, A_192_0_2_2);
	u = udp(&f, 2152, 2152);
	g = f.n;
	put8(&f, 0x36);
	put8(&f, 0xff);
	put16(&f, 4 + 4 + 52);
	put32(&f, 0x11223344);
	put16(&f, 1);		/* sequence */
	put8(&f, 0);		/* N-PDU */
	put8(&f, 0x85);		/* next extension */
	put8(&f, 1);
	put8(&f, 0x00);
	put8(&f, 0x09);
	put8(&f, 0);		/* no more */
	ipv6_udp_packet(&f);
	udp_end(&f, u);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);
	assert_int_equal(p->layer[1].tunnel, TUNNEL_GTPU);
	assert_int_equal(p->layer[1].vni, 0x11223344);
	assert_true(p->layer[1].has_vni);
	assert_int_equal(p->layer[1].t.family, 6);
	assert_int_equal(p->layer[1].ip_bytes, 52);

	/* Extension length 0 is impossible. */
	f.b[g + 12] = 0;
	assert_anomaly(decode(&f, LT_EN10MB), "gtpu_bad_header");
	f.b[g + 12] = 1;
	/* Not IP inside. */
	f.b[g + 16] = 0x20;
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "tunnel_bad_inner");
	assert_int_equal(p->nlayers, 1);
	f.b[g + 16] = 0x60;
	/* Echo request (type 1): not a user packet. */
	f.b[g + 1] = 1;
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 1);
	f.b[g + 1] = 0xff;
	/* Header cut. */
	p = decode_n(&f, LT_EN10MB, g + 7, f.n);
	assert_anomaly(p, "gtpu_truncated");
	assert_int_equal(p->nlayers, 1);
}

static void test_ipip_6in4(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	size_t ip, ip2;

	(void)state;
	eth(&f, 0x0800);
	ip = ipv4(&f, 4, A_192_0_2_1, A_192_0_2_2);
	ipv4_udp_packet(&f);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);
	assert_int_equal(p->layer[0].t.proto, 4);
	assert_int_equal(p->layer[0].ip_bytes, 52);
	assert_int_equal(p->layer[1].tunnel, TUNNEL_IPIP);
	assert_false(p->layer[1].has_vni);
	assert_int_equal(p->layer[1].depth, 1);

	f.n = 0;
	eth(&f, 0x0800);
	ip = ipv4(&f, 41, A_192_0_2_1, A_192_0_2_2);
	ipv6_udp_packet(&f);
	ipv4_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);
	assert_int_equal(p->layer[1].tunnel, TUNNEL_6IN4);
	assert_int_equal(p->layer[1].t.family, 6);
	/* Protocol 41 with an IPv4 packet inside. */
	f.b[ip + 20] = 0x45;
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "ipv6_bad_version");
	assert_int_equal(p->nlayers, 1);

	/* IPv6 in IPv6 and IPv4 in IPv6: "ipip". */
	f.n = 0;
	eth(&f, 0x86dd);
	ip = ipv6(&f, 41, 1, 2);
	ipv6_udp_packet(&f);
	ipv6_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_int_equal(p->nlayers, 2);
	assert_int_equal(p->layer[1].tunnel, TUNNEL_IPIP);
	f.n = 0;
	eth(&f, 0x86dd);
	ip = ipv6(&f, 4, 1, 2);
	ip2 = f.n;
	ipv4_udp_packet(&f);
	ipv6_end(&f, ip);
	p = decode(&f, LT_EN10MB);
	assert_int_equal(p->nlayers, 2);
	assert_int_equal(p->layer[1].tunnel, TUNNEL_IPIP);
	assert_int_equal(p->layer[1].t.family, 4);
	/* Inner total length beyond the outer payload: the inner lies. */
	set16(&f, ip2 + 2, 40);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "ipv4_truncated");
	assert_int_equal(p->nlayers, 1);
}

/* IPv4 in IPv4 `levels` times around a UDP packet. */
static void nest_ipip(struct frame *f, int levels)
{
	size_t at[8];
	int i;

	eth(f, 0x0800);
	for (i = 0; i < levels; i++)
		at[i] = ipv4(f, 4, A_192_0_2_1, (uint32_t)(A_192_0_2_2 + i));
	ipv4_udp_packet(f);
	for (i = levels - 1; i >= 0; i--)
		ipv4_end(f, at[i]);
}

static void test_layer_cap(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;

	(void)state;
	/* Three tunnels: four layers, the cap, and no anomaly. */
	nest_ipip(&f, 3);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 4);
	assert_int_equal(p->layer[3].depth, 3);
	assert_int_equal(p->layer[3].t.proto, 17);
	assert_int_equal(p->layer[2].t.proto, 4);
	assert_v4(&p->layer[2].t.dst, 192, 0, 2, 4);

	/* Four tunnels: a fifth layer would be needed. */
	f.n = 0;
	nest_ipip(&f, 4);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "too_many_layers");
	assert_int_equal(p->nlayers, 4);

	/* GRE inside VXLAN inside GRE: four layers, mixed tunnel types. */
	f.n = 0;
	{
		size_t o, u, m;

		eth(&f, 0x0800);
		o = ipv4(&f, 47, A_192_0_2_1, A_192_0_2_2);
		put16(&f, 0x2000);
		put16(&f, 0x0800);
		put32(&f, 7);
		m = ipv4(&f, 17, A_10_0_0_1, A_10_0_0_2);
		u = udp(&f, 1, 4789);
		put32(&f, 0x08000000);
		put32(&f, 0x00000900);
		eth(&f, 0x0800);
		{
			size_t g = ipv4(&f, 47, A_10_0_0_1, A_10_0_0_2);

			put16(&f, 0);
			put16(&f, 0x0800);
			ipv4_udp_packet(&f);
			ipv4_end(&f, g);
		}
		udp_end(&f, u);
		ipv4_end(&f, m);
		ipv4_end(&f, o);
	}
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 4);
	assert_int_equal(p->layer[1].tunnel, TUNNEL_GRE);
	assert_int_equal(p->layer[1].vni, 7);
	assert_int_equal(p->layer[2].tunnel, TUNNEL_VXLAN);
	assert_int_equal(p->layer[2].vni, 9);
	assert_int_equal(p->layer[3].tunnel, TUNNEL_GRE);
	assert_false(p->layer[3].has_vni);
	assert_int_equal(p->layer[3].depth, 3);
}

/*
 * A full frame cut at every length: never a crash, never a layer unless its
 * headers are whole, and the right anomaly at chosen cuts. Eth / VLAN /
 * IPv4 / UDP / VXLAN / Eth / IPv6 / TCP.
 */
static void test_every_cut(void **state)
{
	struct frame f = { .n = 0 };
	const struct packet *p;
	size_t ip, u, cut;
	static const struct {
		size_t cut;
		const char *name;
		uint8_t nlayers;
	} want[] = {
		{ 0, "eth_truncated", 0 },
		{ 13, "eth_truncated", 0 },
		{ 17, "vlan_truncated", 0 },
		{ 18, "ipv4_truncated", 0 },
		{ 37, "ipv4_truncated", 0 },
		/* The frame really ends: the IP header promised more. */
		{ 38, "ipv4_truncated", 0 },
		{ 45, "ipv4_truncated", 0 },
		{ 100, "ipv4_truncated", 0 },
	};

	(void)state;
	eth(&f, 0x8100);
	vlan(&f, 9, 0x0800);
	ip = ipv4(&f, 17, A_192_0_2_1, A_192_0_2_2);
	u = udp(&f, 5555, 4789);
	put32(&f, 0x08000000);
	put32(&f, 0x00000100);
	eth(&f, 0x86dd);
	{
		size_t i6 = ipv6(&f, 6, 1, 2);

		tcp(&f, 1, 2, 3, 4, TCPF_SYN);
		put32(&f, 0);
		ipv6_end(&f, i6);
	}
	udp_end(&f, u);
	ipv4_end(&f, ip);
	assert_int_equal(f.n, 18 + 20 + 8 + 8 + 14 + 40 + 20 + 4);
	p = decode(&f, LT_EN10MB);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);

	for (cut = 0; cut < f.n; cut++) {
		/* A complete (short) frame, then a snaplen cut. */
		p = decode_n(&f, LT_EN10MB, cut, cut);
		assert_true(p->nlayers <= 1);
		assert_true(p->anomaly != ANOMALY_NONE);
		p = decode_n(&f, LT_EN10MB, cut, f.n);
		/* Outer headers whole from 46 bytes on, inner from 128. */
		if (cut >= 128)
			assert_int_equal(p->nlayers, 2);
		else if (cut >= 46)
			assert_int_equal(p->nlayers, 1);
		else
			assert_int_equal(p->nlayers, 0);
		if (cut < 128)
			assert_true(p->anomaly != ANOMALY_NONE);
		else
			assert_anomaly(p, "none");
	}
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		p = decode_n(&f, LT_EN10MB, want[i].cut, want[i].cut);
		assert_anomaly(p, want[i].name);
		assert_int_equal(p->nlayers, want[i].nlayers);
	}
	/* Snaplen cuts: each header's own anomaly. */
	assert_anomaly(decode_n(&f, LT_EN10MB, 37, f.n), "ipv4_truncated");
	assert_anomaly(decode_n(&f, LT_EN10MB, 45, f.n), "udp_truncated");
	assert_anomaly(decode_n(&f, LT_EN10MB, 53, f.n), "vxlan_truncated");
	assert_anomaly(decode_n(&f, LT_EN10MB, 60, f.n), "eth_truncated");
	assert_anomaly(decode_n(&f, LT_EN10MB, 80, f.n), "ipv6_truncated");
	assert_anomaly(decode_n(&f, LT_EN10MB, 120, f.n), "tcp_truncated");
	/* Whole TCP header, 4 payload bytes missing: not malformed. */
	p = decode_n(&f, LT_EN10MB, 128, f.n);
	assert_anomaly(p, "none");
	assert_int_equal(p->nlayers, 2);
	assert_int_equal(p->layer[1].payload_len, 0);
	assert_int_equal(p->layer[1].ip_bytes, 64);

	/* The same for every link type's header, with random garbage after:
	 * must not crash. */
	srand(42);
	for (int round = 0; round < 2000; round++) {
		static const int lts[] = { 0, 1, 12, 101, 108, 113, 228, 229,
					   276 };
		size_t n = (size_t)rand() % 200;

		f.n = n;
		for (size_t i = 0; i < n; i++)
			f.b[i] = (uint8_t)rand();
		/* Steer some of them into IP. */
		if (round % 3 == 0 && n > 20) {
			f.b[12] = 0x08;
			f.b[13] = 0x00;
			f.b[14] = 0x45;
		}
		p = decode(&f, lts[round % 9]);
		assert_true(p->nlayers <= PKT_MAX_LAYERS);
		assert_true(p->anomaly < ANOMALY_COUNT);
	}
}

/* Frames for the cut loop below; each returns the layers it decodes to. */
static int frame_gre_key(struct frame *f)
{
	size_t ip;

	eth(f, 0x0800);
	ip = ipv4(f, 47, A_192_0_2_1, A_192_0_2_2);
	put16(f, 0x3000);
	put16(f, 0x86dd);
	put32(f, 1);
	put32(f, 2);
	ipv6_udp_packet(f);
	ipv4_end(f, ip);
	return 2;
}

static int frame_gtpu(struct frame *f)
{
	size_t ip, u;

	eth(f, 0x86dd);
	ip = ipv6(f, 17, 1, 2);
	u = udp(f, 2152, 2152);
	put8(f, 0x34);		/* E only: the 4 optional bytes follow */
	put8(f, 0xff);
	put16(f, 4 + 8 + 32);
	put32(f, 9);
	put32(f, 0x000000c0);	/* next extension 0xc0 */
	put32(f, 0x02000000);	/* 2 words */
	put32(f, 0x00000000);	/* last byte: no more */
	ipv4_udp_packet(f);
	udp_end(f, u);
	ipv6_end(f, ip);
	return 2;
}

static int frame_pppoe_qinq(struct frame *f)
{
	eth(f, 0x88a8);
	vlan(f, 5, 0x8100);
	vlan(f, 6, 0x8864);
	put8(f, 0x11);
	put8(f, 0);
	put16(f, 1);
	put16(f, 34);
	put16(f, 0x0021);
	ipv4_udp_packet(f);
	return 1;
}

static int frame_mpls_icmp_error(struct frame *f)
{
	size_t ip, in;

	eth(f, 0x8847);
	put32(f, 0x00001000);
	put32(f, 0x00010140);	/* label 16, bottom of stack */
	ip = ipv4(f, 1, A_192_0_2_2, A_10_0_0_1);
	put32(f, 0x0b000000);	/* time exceeded */
	put32(f, 0);
	in = ipv4(f, 6, A_10_0_0_1, A_192_0_2_1);
	set16(f, in + 2, 60);
	put32(f, 0x04d20050);
	put32(f, 1);
	ipv4_end(f, ip);
	return 1;
}

static int frame_sll2_ipip(struct frame *f)
{
	size_t ip;

	put16(f, 0x0800);
	put16(f, 0);
	put32(f, 1);
	put16(f, 1);
	put8(f, 0);
	put8(f, 6);
	zeros(f, 8);
	ip = ipv4(f, 4, A_192_0_2_1, A_192_0_2_2);
	ipv4_udp_packet(f);
	ipv4_end(f, ip);
	return 2;
}

/*
 * Every cut of several frames. A frame that really is that short (caplen =
 * wirelen) is always an anomaly; one the snaplen cut is an anomaly unless
 * every layer's headers made it.
 */
static void test_every_cut_more(void **state)
{
	static const struct {
		int (*build)(struct frame *f);
		int linktype;
	} frames[] = {
		{ frame_gre_key, LT_EN10MB },
		{ frame_gtpu, LT_EN10MB },
		{ frame_pppoe_qinq, LT_EN10MB },
		{ frame_mpls_icmp_error, LT_EN10MB },
		{ frame_sll2_ipip, LT_SLL2 },
	};
	struct frame f;
	const struct packet *p;
	size_t i, cut;
	int layers;

	(void)state;
	for (i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		f.n = 0;
		layers = frames[i].build(&f);
		p = decode(&f, frames[i].linktype);
		assert_anomaly(p, "none");
		assert_int_equal(p->nlayers, layers);
		for (cut = 0; cut < f.n; cut++) {
			p = decode_n(&f, frames[i].linktype, cut, cut);
			assert_true(p->anomaly != ANOMALY_NONE);
			assert_true(p->nlayers < layers);
			p = decode_n(&f, frames[i].linktype, cut, f.n);
			assert_true(p->anomaly != ANOMALY_NONE ||
				    p->nlayers == layers);
		}
	}
	/* A few chosen cuts, with the snaplen. */
	f.n = 0;
	frame_gre_key(&f);
	assert_anomaly(decode_n(&f, LT_EN10MB, 14 + 20 + 11, f.n),
		       "gre_truncated");
	f.n = 0;
	frame_gtpu(&f);
	assert_anomaly(decode_n(&f, LT_EN10MB, 14 + 48 + 13, f.n),
		       "gtpu_truncated");
	assert_anomaly(decode_n(&f, LT_EN10MB, 14 + 48 + 20, f.n),
		       "gtpu_truncated");
	assert_int_equal(pkt.nlayers, 1);
	f.n = 0;
	frame_pppoe_qinq(&f);
	assert_anomaly(decode_n(&f, LT_EN10MB, 21, f.n), "vlan_truncated");
	assert_anomaly(decode_n(&f, LT_EN10MB, 25, f.n), "pppoe_truncated");
	assert_anomaly(decode_n(&f, LT_EN10MB, 30, f.n), "ipv4_truncated");
	f.n = 0;
	frame_mpls_icmp_error(&f);
	assert_anomaly(decode_n(&f, LT_EN10MB, 14 + 8 + 20 + 7, f.n),
		       "icmp_truncated");
	/* The quote cut inside its IP header: still a valid ICMP error. */
	p = decode_n(&f, LT_EN10MB, 14 + 8 + 20 + 8 + 12, f.n);
	assert_anomaly(p, "none");
	assert_true(p->layer[0].icmp_error);
	assert_false(p->layer[0].has_quoted);
	p = decode(&f, LT_EN10MB);
	assert_true(p->layer[0].has_quoted);
	assert_int_equal(p->layer[0].icmp_type, 11);
	assert_int_equal(p->layer[0].quoted.sport, 1234);
	assert_int_equal(p->layer[0].quoted.dport, 80);
	assert_int_equal(p->layer[0].quoted.proto, 6);
	f.n = 0;
	frame_sll2_ipip(&f);
	assert_anomaly(decode_n(&f, LT_SLL2, 20 + 20 + 10, f.n),
		       "ipv4_truncated");
	assert_int_equal(pkt.nlayers, 1);
	assert_int_equal(pkt.layer[0].t.proto, 4);
}

/* ---- the public captures ---- */

static void test_pcap_corpus(void **state)
{
	static const char dir[] = "/work/shared/pcaps/public/tcpdump";
	char errbuf[PCAP_ERRBUF_SIZE], path[4096];
	struct dirent *de;
	unsigned long files = 0, packets = 0, layers = 0;
	time_t start = time(NULL);
	DIR *d;

	(void)state;
	d = opendir(dir);
	if (!d)
		skip();
	while ((de = readdir(d)) != NULL && time(NULL) - start < 30) {
		struct pcap_pkthdr *h;
		const u_char *data;
		pcap_t *pc;
		int lt;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		pc = pcap_open_offline(path, errbuf);
		if (!pc)
			continue;
		files++;
		lt = pcap_datalink(pc);
		while (pcap_next_ex(pc, &h, &data) == 1) {
			decode_packet(&pkt, lt, data, h->caplen, h->len);
			assert_true(pkt.nlayers <= PKT_MAX_LAYERS);
			assert_true(pkt.anomaly < ANOMALY_COUNT);
			packets++;
			layers += pkt.nlayers;
		}
		pcap_close(pc);
	}
	closedir(d);
	print_message("decoded %lu packets (%lu layers) from %lu captures\n",
		      packets, layers, files);
	assert_true(files > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eth_ipv4_tcp),
		cmocka_unit_test(test_eth_padding),
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_linktype_table),
		cmocka_unit_test(test_non_ip),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_pppoe),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv4_hostile),
		cmocka_unit_test(test_tcp_hostile),
		cmocka_unit_test(test_udp_hostile),
		cmocka_unit_test(test_snaplen),
		cmocka_unit_test(test_ipv6_chain),
		cmocka_unit_test(test_ipv6_hostile),
		cmocka_unit_test(test_ipv6_jumbo),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_icmpv6_sctp),
		cmocka_unit_test(test_gre),
		cmocka_unit_test(test_vxlan),
		cmocka_unit_test(test_geneve),
		cmocka_unit_test(test_gtpu),
		cmocka_unit_test(test_ipip_6in4),
		cmocka_unit_test(test_layer_cap),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_every_cut_more),
		cmocka_unit_test(test_pcap_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
