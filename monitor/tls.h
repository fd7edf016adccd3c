/*
 * tls.h: the TLS ClientHello, for its server name.
 *
 * Jobs: read the record layer from the start of a client's byte stream,
 * joining the handshake message across records (RFC 8446 section 5.1: a
 * handshake message may be split over several records); read a ClientHello
 * (RFC 8446 section 4.1.2, and the TLS 1.0-1.2 forms, which share its
 * layout) for server_name (RFC 6066 section 3), ALPN (RFC 7301) and the
 * presence of encrypted_client_hello (0xfe0d, draft-ietf-tls-esni: the
 * cleartext SNI is then the outer one, the ECH provider's). QUIC hands its
 * CRYPTO stream to tls_parse_handshake() directly (RFC 9001 section 4).
 *
 * Status: a whole ClientHello (TLS_HELLO), bytes so far consistent with
 * one but cut (TLS_NEED_MORE), not a ClientHello at all (TLS_NOT_HELLO), or
 * a ClientHello that breaks its own lengths (TLS_MALFORMED). When `final`
 * is set the caller has no more bytes to give (its reassembly cap was
 * reached): a cut ClientHello whose server_name was read whole still
 * yields TLS_HELLO with `partial` set.
 *
 * Must never: allocate, or keep state between calls.
 */
#ifndef BERGERIE_TLS_H
#define BERGERIE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "name.h"

enum {
	TLS_RECORD_HEADER = 5,
	TLS_RECORD_MAX = 16384 + 2048,	/* RFC 5246 section 6.2.3 */
	TLS_EXT_SERVER_NAME = 0x0000,
	TLS_EXT_ALPN = 0x0010,
	TLS_EXT_ECH = 0xfe0d,
	TLS_ALPN_MAX = 32,
};

enum tls_status {
	TLS_HELLO,
	TLS_NEED_MORE,
	TLS_NOT_HELLO,
	TLS_MALFORMED,
};

struct tls_hello {
	bool has_sni;		/* sni holds a name (not an IP literal) */
	bool sni_invalid;	/* the name needed escaping or cutting */
	bool sni_ip_literal;	/* the client sent an address as SNI */
	bool ech;		/* encrypted_client_hello present */
	bool partial;		/* read from a cut ClientHello (final) */
	bool has_alpn;
	char sni[NAME_MAX_LEN + 1];
	char alpn[TLS_ALPN_MAX + 1];	/* first protocol offered, sanitised */
};

/*
 * Handshake bytes (no record layer) starting at a handshake message header.
 */
enum tls_status tls_parse_handshake(const uint8_t *p, size_t len, bool final,
				    struct tls_hello *out);

/*
 * Record-layer bytes from the start of a client's stream. A handshake
 * message split over records is joined in scratch (scratch_len bytes;
 * more than that reads as final). Without a split no copy is made.
 */
enum tls_status tls_parse_records(const uint8_t *p, size_t len, bool final,
				  uint8_t *scratch, size_t scratch_len,
				  struct tls_hello *out);

/* "need_more"... for diagnostics and tests. */
const char *tls_status_name(enum tls_status s);

#endif
