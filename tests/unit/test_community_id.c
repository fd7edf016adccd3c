/*
 * test_community_id.c: Community ID v1 against published values.
 *
 * Sources of the expected strings:
 *  [B] github.com/corelight/community-id-spec, baseline/baseline_deflt.json
 *      (seed 0; for ICMP the file lists the port equivalents, here the
 *      packet's type and code are given, as the flow table passes them);
 *  [P] github.com/corelight/pycommunityid, tests/communityid_test.py
 *      (seed 0 and seed 1 columns).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "monitor/community_id.h"

struct vec {
	uint8_t proto;
	const char *src, *dst;
	uint16_t sport, dport;	/* ICMP: type, code */
	uint16_t seed;
	const char *id;
};

static const struct vec vectors[] = {
	/* [B] TCP over IPv4 and IPv6, both directions. */
	{ 6, "128.232.110.120", "66.35.250.204", 34855, 80, 0,
	  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ 6, "66.35.250.204", "128.232.110.120", 80, 34855, 0,
	  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a",
	  63943, 25, 0, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	{ 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887",
	  25, 63943, 0, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	/* [P] pycommunityid issue 3: ports that compare differently as
	 * bytes and as numbers. */
	{ 6, "10.0.0.1", "10.0.0.2", 10, 11569, 0,
	  "1:SXBGMX1lBOwhhoDrZynfROxnhnM=" },
	/* [B] UDP. */
	{ 17, "192.168.1.52", "8.8.8.8", 54585, 53, 0,
	  "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	{ 17, "8.8.8.8", "192.168.1.52", 53, 54585, 0,
	  "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	/* [B] SCTP, equal ports. */
	{ 132, "192.168.170.8", "192.168.170.56", 7, 7, 0,
	  "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
	{ 132, "192.168.170.56", "192.168.170.8", 7, 7, 0,
	  "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
	/* [P] SCTP, different ports. */
	{ 132, "192.168.170.8", "192.168.170.56", 7, 80, 0,
	  "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=" },
	{ 132, "192.168.170.56", "192.168.170.8", 80, 7, 0,
	  "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=" },
	/* [B] Another IP protocol (46, RSVP): addresses only. */
	{ 46, "10.1.12.1", "10.1.12.2", 0, 0, 0,
	  "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	{ 46, "10.1.12.2", "10.1.12.1", 0, 0, 0,
	  "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	/* [P] */
	{ 46, "10.1.24.4", "10.1.12.1", 0, 0, 0,
	  "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=" },
	{ 46, "10.1.12.1", "10.1.24.4", 0, 0, 0,
	  "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=" },
	/* [B] ICMP echo request and reply: one ID. */
	{ 1, "192.168.0.89", "192.168.0.1", 8, 0, 0,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ 1, "192.168.0.1", "192.168.0.89", 0, 0, 0,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	/* [B] ICMP time exceeded: one way. */
	{ 1, "10.0.0.1", "10.0.0.2", 11, 0, 0,
	  "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
	/* [P] type 20 is one way, so its code is hashed; an echo reply's
	 * code is not. */
	{ 1, "192.168.0.89", "192.168.0.1", 20, 0, 0,
	  "1:3o2RFccXzUgjl7zDpqmY7yJi8rI=" },
	{ 1, "192.168.0.89", "192.168.0.1", 20, 1, 0,
	  "1:tz/fHIDUHs19NkixVVoOZywde+I=" },
	{ 1, "192.168.0.1", "192.168.0.89", 0, 20, 0,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	/* [B] ICMPv6 neighbour solicitation / advertisement pairs. */
	{ 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 0,
	  0, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 0,
	  0, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 0,
	  0, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
	{ 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 0,
	  0, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
	/* [B] ICMPv6 errors (one way) and echo. */
	{ 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3,
	  0, 0, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
	{ 58, "3ffe:501:410:0:2c0:dfff:fe47:33e",
	  "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, 0,
	  "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
	{ 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 0,
	  0, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 0,
	  0, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 0, 0,
	  "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
	{ 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 0, 0,
	  "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
	/* [P] ICMPv6 one way: the two directions differ. */
	{ 58, "3ffe:507:0:1:260:97ff:fe07:69ea",
	  "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, 0,
	  "1:NdobDX8PQNJbAyfkWxhtL2Pqp5w=" },
	{ 58, "3ffe:507:0:1:200:86ff:fe05:80da",
	  "3ffe:507:0:1:260:97ff:fe07:69ea", 3, 0, 0,
	  "1:/OGBt9BN1ofenrmSPWYicpij2Vc=" },
	/* [P] seed 1. */
	{ 1, "192.168.0.89", "192.168.0.1", 8, 0, 1,
	  "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ 6, "66.35.250.204", "128.232.110.120", 80, 34855, 1,
	  "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ 17, "192.168.1.52", "8.8.8.8", 54585, 53, 1,
	  "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ 46, "10.1.24.4", "10.1.12.1", 0, 0, 1,
	  "1:BK3BVW3U2eemuwVQVN3zd/GULno=" },
	{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 0,
	  1, "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ 132, "192.168.170.8", "192.168.170.56", 7, 80, 1,
	  "1:Y1/0jQg6e+I3ZwZZ9LP65DNbTXU=" },
};

static void make_tuple(const struct vec *v, struct flow_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->family = strchr(v->src, ':') ? 6 : 4;
	assert_int_equal(inet_pton(t->family == 6 ? AF_INET6 : AF_INET,
				   v->src, t->src.b), 1);
	assert_int_equal(inet_pton(t->family == 6 ? AF_INET6 : AF_INET,
				   v->dst, t->dst.b), 1);
	t->proto = v->proto;
	t->sport = v->sport;
	t->dport = v->dport;
}

static void test_published_vectors(void **state)
{
	(void)state;

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct flow_tuple t;
		uint8_t h[20];
		char s[COMMUNITY_ID_STRLEN];

		make_tuple(&vectors[i], &t);
		community_id_hash(&t, vectors[i].seed, h);
		community_id_format(h, s);
		assert_string_equal(s, vectors[i].id);
	}
}

/* The unformatted digest of [P]'s no-base64 column for the UDP vector. */
static void test_raw_digest(void **state)
{
	static const uint8_t want[20] = {
		0x77, 0xf1, 0x4f, 0xe4, 0x45, 0xb7, 0xc2, 0x26, 0x35, 0xbc,
		0x29, 0xdd, 0x87, 0x09, 0x5e, 0x45, 0x12, 0x87, 0xa3, 0x04,
	};
	struct flow_tuple t;
	uint8_t h[20];
	(void)state;

	make_tuple(&vectors[5], &t);
	community_id_hash(&t, 0, h);
	assert_memory_equal(h, want, sizeof(want));
}

/* Ports of a protocol that has none must not enter the hash. */
static void test_portless_ignores_ports(void **state)
{
	struct vec v = vectors[11];
	struct flow_tuple t;
	uint8_t h[20];
	char s[COMMUNITY_ID_STRLEN];
	(void)state;

	v.sport = 1234;
	v.dport = 99;
	make_tuple(&v, &t);
	community_id_hash(&t, 0, h);
	community_id_format(h, s);
	assert_string_equal(s, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_vectors),
		cmocka_unit_test(test_raw_digest),
		cmocka_unit_test(test_portless_ignores_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
