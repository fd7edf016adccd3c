/*
 * test_dns.c: the DNS response parser on messages written byte by byte:
 * compression, CNAME chains in any order, A and AAAA, mDNS without a
 * question; hostile ones: pointer loops and forward pointers, labels over
 * 63, names over 255, counts that lie, cuts at every byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/cursor.h"
#include "monitor/dns.h"

struct msg {
	uint8_t b[1024];
	size_t n;
};

static void m8(struct msg *m, unsigned v)
{
	assert_true(m->n < sizeof(m->b));
	m->b[m->n++] = (uint8_t)v;
}

static void m16(struct msg *m, unsigned v)
{
	m8(m, v >> 8);
	m8(m, v & 0xff);
}

static void m32(struct msg *m, uint32_t v)
{
	m16(m, v >> 16);
	m16(m, v & 0xffff);
}

static void mname(struct msg *m, const char *dotted)
{
	while (*dotted) {
		const char *dot = strchr(dotted, '.');
		size_t l = dot ? (size_t)(dot - dotted) : strlen(dotted);

		m8(m, (unsigned)l);
		memcpy(m->b + m->n, dotted, l);
		m->n += l;
		dotted += l + (dot ? 1 : 0);
	}
	m8(m, 0);
}

static void header(struct msg *m, unsigned flags, unsigned qd, unsigned an)
{
	m->n = 0;
	m16(m, 0xbeef);
	m16(m, flags);
	m16(m, qd);
	m16(m, an);
	m16(m, 0);
	m16(m, 0);
}

static struct dns_result *res;

static int setup(void **state)
{
	(void)state;
	res = malloc(sizeof(*res));
	return res ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(res);
	return 0;
}

/* www.Example.com CNAME edge.cdn.net; edge.cdn.net A 192.0.2.10 and
 * AAAA 2001:db8::10, the A record before the CNAME (order must not
 * matter). */
static void test_cname_chain(void **state)
{
	struct msg m;
	size_t q, cname_target;

	(void)state;
	header(&m, 0x8180, 1, 3);
	q = m.n;
	mname(&m, "www.Example.com");
	m16(&m, 1);
	m16(&m, 1);
	/* edge.cdn.net A (name written in full here, compressed later) */
	cname_target = m.n;
	mname(&m, "edge.cdn.net");
	m16(&m, 1);
	m16(&m, 1);
	m32(&m, 120);
	m16(&m, 4);
	m8(&m, 192); m8(&m, 0); m8(&m, 2); m8(&m, 10);
	/* www.example.com CNAME -> pointer to edge.cdn.net */
	m16(&m, 0xc000 | q);
	m16(&m, 5);
	m16(&m, 1);
	m32(&m, 60);
	m16(&m, 2);
	m16(&m, 0xc000 | cname_target);
	/* edge.cdn.net AAAA */
	m16(&m, 0xc000 | cname_target);
	m16(&m, 28);
	m16(&m, 1);
	m32(&m, 0x80000010);	/* high bit: treated as 0x10 (RFC 2181) */
	m16(&m, 16);
	m16(&m, 0x2001); m16(&m, 0x0db8);
	for (int i = 0; i < 5; i++)
		m16(&m, 0);
	m16(&m, 0x10);

	assert_int_equal(dns_parse_response(m.b, m.n, res), DNS_OK);
	assert_true(res->has_question);
	assert_string_equal(res->names[0], "www.example.com");
	assert_int_equal(res->nanswers, 2);
	assert_int_equal(res->ans[0].family, 4);
	assert_int_equal(res->ans[0].addr[3], 10);
	assert_int_equal(res->ans[0].ttl, 120);
	assert_int_equal(res->ans[1].family, 6);
	assert_int_equal(res->ans[1].addr[15], 0x10);
	assert_int_equal(res->ans[1].ttl, 0x10);
	assert_int_equal(res->ans[1].name, 0);

	/* Cut at every byte: never more than what is whole, never a crash. */
	for (size_t cut = 0; cut < m.n; cut++) {
		enum dns_status st = dns_parse_response(m.b, cut, res);

		if (cut < 12 + 21)
			assert_int_equal(st, DNS_MALFORMED);
		else
			assert_int_equal(st, DNS_OK);
	}
}

/* An answer not on the chain is not the question's. */
static void test_unrelated_answer(void **state)
{
	struct msg m;

	(void)state;
	header(&m, 0x8180, 1, 1);
	mname(&m, "a.example");
	m16(&m, 1);
	m16(&m, 1);
	mname(&m, "b.example");
	m16(&m, 1);
	m16(&m, 1);
	m32(&m, 10);
	m16(&m, 4);
	m32(&m, 0xc0000201);
	assert_int_equal(dns_parse_response(m.b, m.n, res), DNS_OK);
	assert_int_equal(res->nanswers, 0);
}

static void test_query_and_nxdomain(void **state)
{
	struct msg m;

	(void)state;
	header(&m, 0x0100, 1, 0);
	mname(&m, "q.example");
	m16(&m, 1);
	m16(&m, 1);
	assert_int_equal(dns_parse_response(m.b, m.n, res), DNS_NOT_RESPONSE);
	m.b[2] = 0x81;
	m.b[3] = 0x83;	/* NXDOMAIN: still a response with a question */
	assert_int_equal(dns_parse_response(m.b, m.n, res), DNS_OK);
	assert_string_equal(res->names[0], "q.example");
	assert_int_equal(res->nanswers, 0);
}

static void test_mdns_owner_names(void **state)
{
	struct msg m;

	(void)state;
	header(&m, 0x8400, 0, 2);
	mname(&m, "printer.local");
	m16(&m, 1);
	m16(&m, 0x8001);	/* cache-flush bit */
	m32(&m, 120);
	m16(&m, 4);
	m32(&m, 0xc0a80105);
	mname(&m, "nas.local");
	m16(&m, 1);
	m16(&m, 1);
	m32(&m, 120);
	m16(&m, 4);
	m32(&m, 0xc0a80106);
	assert_int_equal(dns_parse_response(m.b, m.n, res), DNS_OK);
	assert_false(res->has_question);
	assert_int_equal(res->nanswers, 2);
	assert_string_equal(res->names[res->ans[0].name], "printer.local");
	assert_string_equal(res->names[res->ans[1].name], "nas.local");
}

static bool read_name_at(const uint8_t *b, size_t n, size_t at,
			 struct dns_wire_name *w)
{
	struct cursor c;

	cursor_init(&c, b, n);
	cursor_skip(&c, at);
	return dns_read_name(&c, w);
}

static void test_hostile_names(void **state)
{
	struct dns_wire_name w;
	uint8_t b[600];
	char text[NAME_MAX_LEN + 1];
	bool inv = false;

	(void)state;
	/* A pointer to itself. */
	b[0] = 0xc0;
	b[1] = 0x00;
	assert_false(read_name_at(b, 2, 0, &w));
	/* Two pointers to each other: the second points forward. */
	b[0] = 0xc0; b[1] = 0x02; b[2] = 0xc0; b[3] = 0x00;
	assert_false(read_name_at(b, 4, 0, &w));
	assert_false(read_name_at(b, 4, 2, &w));
	/* A label of 64: the 0x40 kind is refused. */
	b[0] = 64;
	memset(b + 1, 'a', 64);
	b[65] = 0;
	assert_false(read_name_at(b, 66, 0, &w));
	/* Label length past the end. */
	b[0] = 10;
	memcpy(b + 1, "abc", 3);
	assert_false(read_name_at(b, 4, 0, &w));
	/* No terminating zero. */
	b[0] = 3;
	memcpy(b + 1, "abc", 3);
	assert_false(read_name_at(b, 4, 0, &w));
	/* 255 wire bytes is the most: 4 labels of 63 = 256 + 1 fails,
	 * 3 of 63 plus one of 61 = 254 + 1 = 255 passes. */
	for (int i = 0; i < 4; i++) {
		b[i * 64] = 63;
		memset(b + i * 64 + 1, 'x', 63);
	}
	b[256] = 0;
	assert_false(read_name_at(b, 257, 0, &w));
	b[192] = 61;
	b[192 + 62] = 0;
	assert_true(read_name_at(b, 255, 0, &w));
	assert_int_equal(w.wlen, 254);
	assert_int_equal(dns_name_text(&w, text, &inv), 253);
	assert_false(inv);
	/* A long pointer chain: each hop backwards, 17 hops > limit. */
	b[0] = 0;
	for (int i = 1; i <= 17; i++) {
		b[2 * i - 1] = 0xc0;
		b[2 * i] = (uint8_t)(2 * i - 3 < 0 ? 0 : 2 * i - 3);
	}
	b[2] = 0;	/* first pointer -> offset 0 (root) */
	assert_true(read_name_at(b, 35, 1, &w));
	assert_false(read_name_at(b, 35, 33, &w));
	/* Labels with dots and control bytes are escaped when shown. */
	b[0] = 3; b[1] = 'a'; b[2] = 0x07; b[3] = '\\'; b[4] = 0;
	assert_true(read_name_at(b, 5, 0, &w));
	inv = false;
	dns_name_text(&w, text, &inv);
	assert_string_equal(text, "a\\x07\\x5c");
	assert_true(inv);
}

/* ANCOUNT says 65535: only what is there is read, at most DNS_MAX_RRS. */
static void test_lying_counts(void **state)
{
	struct msg m;

	(void)state;
	header(&m, 0x8180, 1, 0xffff);
	mname(&m, "many.example");
	m16(&m, 1);
	m16(&m, 1);
	for (int i = 0; i < 40; i++) {
		m16(&m, 0xc00c);
		m16(&m, 1);
		m16(&m, 1);
		m32(&m, 5);
		m16(&m, 4);
		m32(&m, 0xc6336400u + (uint32_t)i);
	}
	assert_int_equal(dns_parse_response(m.b, m.n, res), DNS_OK);
	assert_true(res->truncated_records);
	assert_int_equal(res->nanswers, DNS_MAX_ANSWERS);
	/* QDCOUNT of 1000: refused outright. */
	m.b[4] = 0x03;
	m.b[5] = 0xe8;
	assert_int_equal(dns_parse_response(m.b, m.n, res), DNS_MALFORMED);
}

/* Random bytes after a valid header: never a crash under ASan. */
static void test_noise(void **state)
{
	uint8_t b[300];
	uint32_t x = 12345;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		for (size_t i = 0; i < sizeof(b); i++) {
			x = x * 1103515245u + 12345u;
			b[i] = (uint8_t)(x >> 16);
		}
		b[2] = 0x81;
		b[3] = 0x80;
		b[4] = 0;
		b[5] = (uint8_t)(round & 3);
		(void)dns_parse_response(b, (size_t)(x % sizeof(b)), res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_unrelated_answer),
		cmocka_unit_test(test_query_and_nxdomain),
		cmocka_unit_test(test_mdns_owner_names),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_lying_counts),
		cmocka_unit_test(test_noise),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
