/*
 * test_http.c: request line and Host header, on hand-written requests,
 * cut at every byte, and hostile ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/http.h"

static enum http_status parse(const char *s, bool final,
			      struct http_request *r)
{
	return http_parse_request((const uint8_t *)s, strlen(s), final, r);
}

static void test_host_forms(void **state)
{
	struct http_request r;

	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: Example.COM\r\n\r\n",
			       false, &r), HTTP_HOST);
	assert_string_equal(r.host, "example.com");
	assert_int_equal(parse("POST /x HTTP/1.0\nhost:\texample.org:8080\t\n\n",
			       false, &r), HTTP_HOST);
	assert_string_equal(r.host, "example.org");
	/* obs-fold joins with a space: the name gets a space, kept as is
	 * (printable), so the Host is visibly odd rather than lost. */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a.example\r\n b\r\n\r\n",
			       false, &r), HTTP_HOST);
	assert_string_equal(r.host, "a.example b");
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: [2001:db8::1]:80\r\n\r\n",
			       false, &r), HTTP_NO_HOST);
	assert_true(r.host_ip_literal);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: 192.0.2.1:8080\r\n\r\n",
			       false, &r), HTTP_NO_HOST);
	assert_true(r.host_ip_literal);
	assert_int_equal(parse("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", false,
			       &r), HTTP_NO_HOST);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: \x1b[2J.example\r\n\r\n",
			       false, &r), HTTP_HOST);
	assert_true(r.host_invalid);
	assert_string_equal(r.host, "\\x1b[2j.example");
}

static void test_not_requests(void **state)
{
	struct http_request r;

	(void)state;
	assert_int_equal(parse("SSH-2.0-OpenSSH_9.2\r\n", false, &r),
			 HTTP_NOT_REQUEST);
	assert_int_equal(parse("EHLO mail.example\r\n", false, &r),
			 HTTP_NOT_REQUEST);
	assert_int_equal(parse("GET / HTTP/2.0\r\n", false, &r),
			 HTTP_NOT_REQUEST);
	assert_int_equal(parse("GET  / HTTP/1.1\r\n", false, &r),
			 HTTP_NOT_REQUEST);
	assert_int_equal(parse("\x16\x03\x01", false, &r), HTTP_NOT_REQUEST);
	assert_int_equal(parse("AVERYLONGMETHODNAMEX / HTTP/1.1\r\n", false, &r),
			 HTTP_NOT_REQUEST);
	assert_int_equal(parse("GET /\x01 HTTP", false, &r), HTTP_NOT_REQUEST);
}

static void test_cut_anywhere(void **state)
{
	static const char req[] =
		"GET /a HTTP/1.1\r\nUser-Agent: t\r\nHost: cut.example\r\n\r\n";
	struct http_request r;
	size_t host_line_end = strstr(req, "cut.example") - req + 13;

	(void)state;
	for (size_t cut = 0; cut < sizeof(req) - 1; cut++) {
		enum http_status st = http_parse_request(
			(const uint8_t *)req, cut, false, &r);

		if (cut <= host_line_end)
			assert_int_equal(st, HTTP_NEED_MORE);
		else
			assert_int_equal(st, HTTP_HOST);
	}
	assert_int_equal(parse(req, false, &r), HTTP_HOST);
	assert_string_equal(r.host, "cut.example");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_forms),
		cmocka_unit_test(test_not_requests),
		cmocka_unit_test(test_cut_anywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
