/*
 * quic.h: the server name in a QUIC client's Initial packets.
 *
 * Jobs: read long-header packets (RFC 9000 section 17.2) of QUIC v1
 * (0x00000001) and v2 (0x6b3343cf, RFC 9369), coalesced in one datagram
 * (RFC 9000 section 12.2); derive the client's Initial keys from the
 * Destination Connection ID of its first Initial (RFC 9001 section 5.2;
 * RFC 9369 section 3.3 for v2's salt and labels); remove header protection
 * (RFC 9001 section 5.4: AES-128-ECB over a 16-byte sample) and open the
 * payload (AES-128-GCM, nonce = IV xor packet number, the header as
 * associated data); walk the frames, keep CRYPTO data by offset (frames
 * out of order, across packets and datagrams, duplicates harmless) into a
 * bounded buffer, and hand its contiguous prefix to the TLS ClientHello
 * parser (tls.h), since QUIC carries TLS handshake messages without a
 * record layer (RFC 9001 section 4).
 *
 * Keys: HKDF-SHA256 through OpenSSL's EVP_KDF, AES through EVP_CIPHER; the
 * algorithms are fetched once per quic_ctx, a context per thread.
 *
 * Must never: allocate per packet, or decrypt anything but client Initials.
 */
#ifndef BERGERIE_QUIC_H
#define BERGERIE_QUIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tls.h"

enum {
	QUIC_V1 = 0x00000001,
	QUIC_V2 = 0x6b3343cf,
	QUIC_MAX_CID = 20,		/* RFC 9000 section 17.2 */
	QUIC_CRYPTO_MAX = 4096,		/* CRYPTO bytes kept per flow */
	QUIC_MAX_PACKET = 4096,		/* larger Initials are not opened */
	QUIC_KEY_LEN = 16,
	QUIC_IV_LEN = 12,
	QUIC_HP_LEN = 16,
	QUIC_TAG_LEN = 16,
};

struct quic_keys {
	uint8_t key[QUIC_KEY_LEN];
	uint8_t iv[QUIC_IV_LEN];
	uint8_t hp[QUIC_HP_LEN];
};

/* Per-flow state, kept while the ClientHello is incomplete. */
struct quic_flow {
	struct quic_keys keys;
	uint32_t version;
	uint8_t dcid[QUIC_MAX_CID];
	uint8_t dcid_len;
	bool have_keys;
	uint16_t contig;		/* CRYPTO bytes known from offset 0 */
	uint8_t filled[QUIC_CRYPTO_MAX / 8];	/* one bit per byte */
	uint8_t crypto[QUIC_CRYPTO_MAX];
};

enum quic_status {
	QUIC_NOT_INITIAL,	/* no client Initial of v1/v2 in the datagram */
	QUIC_NEED_MORE,		/* Initial(s) read, ClientHello incomplete */
	QUIC_HELLO,		/* the ClientHello: see the tls_hello */
	QUIC_FAILED,		/* undecryptable, or CRYPTO not a ClientHello */
};

struct quic_ctx;

/* NULL when OpenSSL lacks HKDF or AES-128-GCM/ECB. */
struct quic_ctx *quic_ctx_new(void);
void quic_ctx_free(struct quic_ctx *q);

/* Cheap test: does the datagram start with a long-header Initial of v1 or
 * v2? (first byte, version, type bits) */
bool quic_is_initial(const uint8_t *p, size_t len);

/* The client's Initial secrets: key, IV and header-protection key. */
bool quic_derive_client_keys(struct quic_ctx *q, uint32_t version,
			     const uint8_t *dcid, size_t dcid_len,
			     struct quic_keys *out);

/*
 * Opens one protected Initial packet, p[0..len) with len its full length
 * (header to tag), whose packet number starts at pn_offset. On success,
 * plain holds the unprotected header followed by the plaintext payload,
 * *payload_off is where the payload starts in plain, *plain_len the total,
 * *pn the packet number. plain must hold len bytes.
 */
bool quic_open_packet(struct quic_ctx *q, const struct quic_keys *k,
		      const uint8_t *p, size_t len, size_t pn_offset,
		      uint8_t *plain, size_t *payload_off, size_t *plain_len,
		      uint64_t *pn);

/*
 * One client datagram of a flow. qf starts zeroed. *initials counts the
 * Initial packets met, *failed those that would not open.
 */
enum quic_status quic_datagram(struct quic_ctx *q, struct quic_flow *qf,
			       const uint8_t *p, size_t len,
			       struct tls_hello *out, unsigned *initials,
			       unsigned *failed);

/* RFC 9000 section 16 variable-length integer. */
struct cursor;
uint64_t quic_varint(struct cursor *c);

#endif
