/*
 * name.c: the server-name sanitiser and IP-literal test (name.h).
 */
#include "name.h"

#include <arpa/inet.h>
#include <string.h>

const char *name_source_name(enum name_source s)
{
	switch (s) {
	case NAME_SRC_DNS:
		return "dns";
	case NAME_SRC_SNI:
		return "sni";
	case NAME_SRC_HTTP:
		return "http";
	case NAME_SRC_QUIC:
		return "quic";
	case NAME_SRC_NONE:
		break;
	}
	return NULL;
}

size_t name_sanitize(const uint8_t *in, size_t len, char out[NAME_MAX_LEN + 1],
		     bool *invalid)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	/* Trailing dots: "example.com." is the same name (RFC 1034 3.1). */
	while (len > 0 && in[len - 1] == '.')
		len--;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = in[i];

		if (c < 0x20 || c > 0x7e || c == '\\') {
			*invalid = true;
			if (o + 4 > NAME_MAX_LEN)
				break;	/* cut at an escape boundary */
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0x0f];
			continue;
		}
		if (o + 1 > NAME_MAX_LEN) {
			*invalid = true;
			break;
		}
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	/* A cut may leave a trailing dot behind it. */
	while (o > 0 && out[o - 1] == '.')
		o--;
	out[o] = '\0';
	return o;
}

bool name_is_ip_literal(const char *s)
{
	char buf[64];
	unsigned char addr[16];
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof(buf))
		return false;
	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']')
			return false;
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		return inet_pton(AF_INET6, buf, addr) == 1;
	}
	return inet_pton(AF_INET, s, addr) == 1 ||
	       inet_pton(AF_INET6, s, addr) == 1;
}
