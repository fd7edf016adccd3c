/*
 * test_tls.c: the ClientHello parser on ClientHellos built byte by byte
 * (hello_builder.h): SNI, GREASE, ECH, ALPN, records split anywhere, a
 * ClientHello cut at every byte, lying lengths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hello_builder.h"
#include "monitor/tls.h"

static uint8_t scratch[16384];

static void test_plain_sni(void **state)
{
	struct hb hs, rec;
	struct hello_opts o = { .sni = "WWW.Example.COM" };
	struct tls_hello h;

	(void)state;
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 16384);
	assert_int_equal(tls_parse_records(rec.b, rec.n, false, scratch,
					   sizeof(scratch), &h), TLS_HELLO);
	assert_true(h.has_sni);
	assert_string_equal(h.sni, "www.example.com");
	assert_false(h.sni_invalid);
	assert_false(h.ech);
	assert_true(h.has_alpn);
	assert_string_equal(h.alpn, "h2");
	/* The same message without records, as QUIC carries it. */
	assert_int_equal(tls_parse_handshake(hs.b, hs.n, false, &h), TLS_HELLO);
	assert_string_equal(h.sni, "www.example.com");
}

static void test_grease_and_ech(void **state)
{
	struct hb hs, rec;
	struct hello_opts o = { .sni = "public.ech-provider.example",
				.grease = true, .ech = true, .padding = 200 };
	struct tls_hello h;

	(void)state;
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 16384);
	assert_int_equal(tls_parse_records(rec.b, rec.n, false, scratch,
					   sizeof(scratch), &h), TLS_HELLO);
	assert_true(h.ech);
	assert_string_equal(h.sni, "public.ech-provider.example");
}

static void test_no_sni_and_ip_literal(void **state)
{
	struct hb hs, rec;
	struct hello_opts o = { .sni = NULL };
	struct tls_hello h;

	(void)state;
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 16384);
	assert_int_equal(tls_parse_records(rec.b, rec.n, false, scratch,
					   sizeof(scratch), &h), TLS_HELLO);
	assert_false(h.has_sni);
	o.sni = "192.0.2.7";
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 16384);
	assert_int_equal(tls_parse_records(rec.b, rec.n, false, scratch,
					   sizeof(scratch), &h), TLS_HELLO);
	assert_false(h.has_sni);
	assert_true(h.sni_ip_literal);
	o.sni = "2001:db8::1";
	hello_build(&hs, &o);
	assert_int_equal(tls_parse_handshake(hs.b, hs.n, false, &h), TLS_HELLO);
	assert_false(h.has_sni);
}

static void test_hostile_sni_bytes(void **state)
{
	struct hb hs;
	static const char evil[] = "a\x1b[31m\\b\xff.example.";
	struct hello_opts o = { .sni = evil, .sni_len = sizeof(evil) - 1 };
	struct tls_hello h;

	(void)state;
	hello_build(&hs, &o);
	assert_int_equal(tls_parse_handshake(hs.b, hs.n, false, &h), TLS_HELLO);
	assert_true(h.sni_invalid);
	assert_string_equal(h.sni, "a\\x1b[31m\\x5cb\\xff.example");
}

/* Split into records of every size from 1 byte: the same answer. */
static void test_split_records(void **state)
{
	struct hb hs, rec;
	struct hello_opts o = { .sni = "split.example.org", .grease = true };
	struct tls_hello h;

	(void)state;
	hello_build(&hs, &o);
	for (size_t r = 1; r <= hs.n; r++) {
		records_wrap(&rec, hs.b, hs.n, r);
		assert_int_equal(tls_parse_records(rec.b, rec.n, false, scratch,
						   sizeof(scratch), &h),
				 TLS_HELLO);
		assert_string_equal(h.sni, "split.example.org");
	}
}

/* Cut at every byte: NEED_MORE, never a wrong answer; with final set,
 * HELLO (partial) only once the SNI is whole. */
static void test_cut_anywhere(void **state)
{
	struct hb hs, rec;
	struct hello_opts o = { .sni = "cut.example.net", .padding = 64 };
	struct tls_hello h;
	size_t sni_end;

	(void)state;
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 100);
	/* The SNI's last byte in the record stream: 5-byte header per
	 * 100 bytes of handshake. */
	{
		const uint8_t *p = memmem(hs.b, hs.n, "cut.example.net", 15);
		size_t at = (size_t)(p - hs.b) + 15;

		sni_end = at + 5 * ((at + 99) / 100);
	}
	for (size_t cut = 0; cut < rec.n; cut++) {
		enum tls_status st = tls_parse_records(rec.b, cut, false,
						       scratch, sizeof(scratch),
						       &h);

		assert_int_equal(st, TLS_NEED_MORE);
		st = tls_parse_records(rec.b, cut, true, scratch,
				       sizeof(scratch), &h);
		if (cut >= sni_end) {
			assert_int_equal(st, TLS_HELLO);
			assert_string_equal(h.sni, "cut.example.net");
			assert_true(h.partial);
		} else {
			assert_int_not_equal(st, TLS_HELLO);
		}
	}
}

static void test_not_hello(void **state)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	static const uint8_t alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
	static const uint8_t server_hello[] = { 0x16, 0x03, 0x03, 0x00, 0x04, 0x02,
						0x00, 0x00, 0x00 };
	static const uint8_t bad_version[] = { 0x16, 0x05, 0x01 };
	struct tls_hello h;

	(void)state;
	assert_int_equal(tls_parse_records(http, sizeof(http) - 1, false,
					   scratch, sizeof(scratch), &h),
			 TLS_NOT_HELLO);
	assert_int_equal(tls_parse_records(alert, sizeof(alert), false,
					   scratch, sizeof(scratch), &h),
			 TLS_NOT_HELLO);
	assert_int_equal(tls_parse_records(server_hello, sizeof(server_hello),
					   false, scratch, sizeof(scratch), &h),
			 TLS_NOT_HELLO);
	assert_int_equal(tls_parse_records(bad_version, sizeof(bad_version),
					   false, scratch, sizeof(scratch), &h),
			 TLS_NOT_HELLO);
	assert_int_equal(tls_parse_records(server_hello, 1, false, scratch,
					   sizeof(scratch), &h),
			 TLS_NEED_MORE);
}

/* Every length field made to lie, one at a time. */
static void test_lying_lengths(void **state)
{
	struct hb hs, bad;
	struct hello_opts o = { .sni = "lie.example", .grease = true };
	struct tls_hello h;

	(void)state;
	hello_build(&hs, &o);
	for (size_t i = 4; i < hs.n; i++) {
		for (unsigned v = 0; v < 256; v += 51) {
			bad = hs;
			bad.b[i] = (uint8_t)v;
			(void)tls_parse_handshake(bad.b, bad.n, false, &h);
			(void)tls_parse_handshake(bad.b, bad.n, true, &h);
			if (h.has_sni)
				assert_true(strlen(h.sni) <= NAME_MAX_LEN);
		}
	}
	/* session id longer than 32 */
	bad = hs;
	bad.b[4 + 2 + 32] = 33;
	assert_int_equal(tls_parse_handshake(bad.b, bad.n, false, &h),
			 TLS_MALFORMED);
	/* an extensions length that disagrees with the message */
	bad = hs;
	bad.b[4 + 2 + 32 + 1 + 32 + 2 + 6 + 2] ^= 0x01;
	assert_int_equal(tls_parse_handshake(bad.b, bad.n, false, &h),
			 TLS_MALFORMED);
}

static void test_scratch_cap(void **state)
{
	struct hb hs, rec;
	struct hello_opts o = { .sni = "big.example", .padding = 9000 };
	struct tls_hello h;
	uint8_t small[4096];

	(void)state;
	hello_build(&hs, &o);
	records_wrap(&rec, hs.b, hs.n, 1000);
	/* The joined message does not fit: read as final, the SNI is
	 * early enough to be found. */
	assert_int_equal(tls_parse_records(rec.b, rec.n, false, small,
					   sizeof(small), &h), TLS_HELLO);
	assert_true(h.partial);
	assert_string_equal(h.sni, "big.example");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_sni),
		cmocka_unit_test(test_grease_and_ech),
		cmocka_unit_test(test_no_sni_and_ip_literal),
		cmocka_unit_test(test_hostile_sni_bytes),
		cmocka_unit_test(test_split_records),
		cmocka_unit_test(test_cut_anywhere),
		cmocka_unit_test(test_not_hello),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_scratch_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
