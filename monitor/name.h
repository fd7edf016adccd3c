/*
 * name.h: the one sanitiser for server names read off the wire
 * (CONTRACT.md section 5).
 *
 * DNS, TLS SNI, QUIC SNI and HTTP Host all pass through name_sanitize()
 * before anything else sees them, so nothing unsanitised can reach jansson
 * (which refuses invalid UTF-8), the dashboard or the summary.
 *
 * Rules: ASCII letters are lowercased; a byte outside printable ASCII
 * (0x20..0x7e), and '\' itself, becomes "\xNN" (two lowercase hex digits);
 * trailing dots go; IDNA names stay in their "xn--" form (nothing is
 * decoded); the result holds at most NAME_MAX_LEN bytes, cut before an
 * escape that would not fit whole. A name that needed escaping or cutting
 * is flagged, so the caller counts it (name_invalid).
 *
 * Must never: allocate, or write more than NAME_MAX_LEN + 1 bytes.
 */
#ifndef BERGERIE_NAME_H
#define BERGERIE_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	NAME_MAX_LEN = 253,	/* RFC 1035 section 2.3.4: 255 wire bytes */
};

/* Where a flow's server name came from (bergerie.name_source). */
enum name_source {
	NAME_SRC_NONE = 0,
	NAME_SRC_DNS,
	NAME_SRC_SNI,
	NAME_SRC_HTTP,
	NAME_SRC_QUIC,
};

/* "dns", "sni", "http", "quic"; NULL for NAME_SRC_NONE. */
const char *name_source_name(enum name_source s);

/*
 * Sanitises len bytes into out (NUL-terminated) and returns the length
 * written; 0 means no name (empty, or only dots). *invalid is set to true
 * when escaping or cutting was needed, left alone otherwise.
 */
size_t name_sanitize(const uint8_t *in, size_t len, char out[NAME_MAX_LEN + 1],
		     bool *invalid);

/*
 * True when s (a sanitised name) is an IP literal rather than a name: a
 * dotted IPv4 address, an IPv6 address, or an IPv6 address in brackets.
 */
bool name_is_ip_literal(const char *s);

#endif
