/*
 * fuzz_quic.c: QUIC client Initials (monitor/quic.h): long headers,
 * coalesced packets, key derivation, header protection, AEAD, frames, and
 * the CRYPTO stream joined by offset into a ClientHello.
 *
 * Random bytes never pass AES-GCM, so the target seals what the fuzzer
 * writes. Input: byte 0 picks the mode.
 *  - even: raw datagrams, each as len (2 bytes, big-endian) + bytes, all
 *    fed to one flow (headers, lengths, tokens, coalescing, Retry).
 *  - odd: sealed. Byte 1: bit 0 picks v1 or v2; byte 2: DCID length
 *    (mod 21) followed by the DCID; then packets, each as
 *        flags (1 byte)  len (2 bytes)  plaintext frames (len bytes)
 *    sealed here as client Initials with the keys the DCID gives (RFC 9001
 *    section 5), packet numbers counting up, 1 to 4 bytes long (flags
 *    bits 0-1, lengthened as RFC 9000 section 17.1 requires). Flags bit 2 coalesces the packet with the next one into
 *    one datagram; bit 3 corrupts one ciphertext byte (a packet that must
 *    fail to open and count as failed); bit 4 adds a 1-byte token.
 *
 * Invariants: failed <= initials; contig within the buffer and every
 * byte below it filled; a HELLO's names sanitised, and the same as
 * tls_parse_handshake() reads from the joined CRYPTO bytes; a datagram the
 * target sealed unharmed always opens (no failure is counted for it).
 */
#include <openssl/evp.h>

#include "fuzz_common.h"
#include "monitor/quic.h"

static struct quic_ctx *q;
static struct quic_flow qf;

static void check_after(enum quic_status st, const struct tls_hello *h,
			unsigned initials, unsigned failed)
{
	struct tls_hello again;

	FUZZ_CHECK(failed <= initials);
	FUZZ_CHECK(qf.contig <= QUIC_CRYPTO_MAX);
	for (unsigned i = 0; i < qf.contig; i++)
		FUZZ_CHECK(qf.filled[i / 8] & (1u << (i % 8)));
	FUZZ_CHECK(qf.dcid_len <= QUIC_MAX_CID);
	if (st == QUIC_HELLO) {
		if (h->has_sni)
			fuzz_check_name(h->sni);
		FUZZ_CHECK(tls_parse_handshake(qf.crypto, qf.contig,
					       qf.contig >= QUIC_CRYPTO_MAX,
					       &again) == TLS_HELLO);
		FUZZ_CHECK(again.has_sni == h->has_sni);
		FUZZ_CHECK(!h->has_sni || strcmp(again.sni, h->sni) == 0);
	}
}

static void datagram(const uint8_t *p, size_t len, bool expect_open)
{
	struct tls_hello h;
	unsigned initials = 0, failed = 0;
	enum quic_status st;

	st = quic_datagram(q, &qf, p, len, &h, &initials, &failed);
	FUZZ_CHECK(st == QUIC_NOT_INITIAL || st == QUIC_NEED_MORE ||
		   st == QUIC_HELLO || st == QUIC_FAILED);
	FUZZ_CHECK(st != QUIC_NOT_INITIAL || initials == 0);
	if (expect_open)
		FUZZ_CHECK(failed == 0 && initials >= 1);
	check_after(st, &h, initials, failed);
}

/* One client Initial around frames[0..flen), appended at out (room for
 * QUIC_MAX_PACKET). Returns its length, 0 when it would not fit. */
static size_t seal(uint32_t version, const uint8_t *dcid, size_t dlen,
		   uint32_t pn, unsigned pnlen, bool token,
		   const uint8_t *frames, size_t flen, uint8_t *out,
		   size_t room)
{
	struct quic_keys k;
	uint8_t nonce[QUIC_IV_LEN], mask[16];
	size_t n = 0, pn_off, plen = flen, length;
	EVP_CIPHER_CTX *ctx;
	int outl;
	bool ok;

	/* The sample starts 4 bytes after the packet number (RFC 9001
	 * section 5.4.2): pad the payload so 16 bytes follow it. */
	if (plen + QUIC_TAG_LEN < 20 - pnlen)
		plen = 20 - pnlen - QUIC_TAG_LEN;
	length = pnlen + plen + QUIC_TAG_LEN;
	if (6 + dlen + 2 + (token ? 1 : 0) + 2 + length > room ||
	    length >= 16384)
		return 0;
	if (!quic_derive_client_keys(q, version, dcid, dlen, &k))
		return 0;
	out[n++] = (uint8_t)((version == QUIC_V1 ? 0xc0 : 0xd0) | (pnlen - 1));
	out[n++] = (uint8_t)(version >> 24);
	out[n++] = (uint8_t)(version >> 16);
	out[n++] = (uint8_t)(version >> 8);
	out[n++] = (uint8_t)version;
	out[n++] = (uint8_t)dlen;
	memcpy(out + n, dcid, dlen);
	n += dlen;
	out[n++] = 0;				/* SCID */
	if (token) {
		out[n++] = 1;
		out[n++] = 0x5a;
	} else {
		out[n++] = 0;
	}
	out[n++] = (uint8_t)(0x40 | length >> 8);
	out[n++] = (uint8_t)length;
	pn_off = n;
	for (unsigned i = 0; i < pnlen; i++)
		out[n++] = (uint8_t)(pn >> (8 * (pnlen - 1 - i)));
	memset(out + n, 0, plen);
	memcpy(out + n, frames, flen);
	memcpy(nonce, k.iv, sizeof(nonce));
	for (int i = 0; i < 4; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	ctx = EVP_CIPHER_CTX_new();
	FUZZ_CHECK(ctx);
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k.key, nonce) &&
	     EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)n) &&
	     EVP_EncryptUpdate(ctx, out + n, &outl, out + n, (int)plen) &&
	     EVP_EncryptFinal_ex(ctx, out + n + plen, &outl) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, QUIC_TAG_LEN,
				 out + n + plen);
	EVP_CIPHER_CTX_free(ctx);
	FUZZ_CHECK(ok);
	n += plen + QUIC_TAG_LEN;
	ctx = EVP_CIPHER_CTX_new();
	FUZZ_CHECK(ctx);
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k.hp, NULL) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_EncryptUpdate(ctx, mask, &outl, out + pn_off + 4, 16);
	EVP_CIPHER_CTX_free(ctx);
	FUZZ_CHECK(ok);
	out[0] ^= mask[0] & 0x0f;
	for (unsigned i = 0; i < pnlen; i++)
		out[pn_off + i] ^= mask[1 + i];
	return n;
}

static void sealed(const uint8_t *data, size_t size)
{
	static uint8_t dgram[2 * QUIC_MAX_PACKET];
	uint32_t version, pn = 0;
	uint8_t dcid[QUIC_MAX_CID];
	size_t dlen, off, dn = 0;
	bool harmed = false;

	if (size < 3)
		return;
	version = data[1] & 1 ? QUIC_V2 : QUIC_V1;
	dlen = data[2] % (QUIC_MAX_CID + 1);
	off = 3;
	if (size - off < dlen)
		return;
	memcpy(dcid, data + off, dlen);
	off += dlen;
	while (off + 3 <= size) {
		uint8_t flags = data[off];
		size_t len = (size_t)data[off + 1] << 8 | data[off + 2], n;
		unsigned pnlen;

		off += 3;
		if (len > size - off)
			len = size - off;
		pnlen = (flags & 3) + 1;
		/* RFC 9000 section 17.1: the encoding must cover twice the
		 * distance from the largest acknowledged (none: 0). */
		while (pnlen < 4 && (2ull * pn + 1) >> (8 * pnlen))
			pnlen++;
		n = seal(version, dcid, dlen, pn++, pnlen,
			 flags & 0x10, data + off, len, dgram + dn,
			 sizeof(dgram) - dn);
		off += len;
		if (n && (flags & 8)) {
			dgram[dn + n - 1 - (len % 16)] ^= 0x01;
			harmed = true;
		}
		dn += n;
		if (dn > 0 && (!(flags & 4) || off + 3 > size ||
			       dn >= QUIC_MAX_PACKET)) {
			/* Too long an Initial is refused unopened. */
			datagram(dgram, dn, !harmed && dn <= QUIC_MAX_PACKET &&
						    n != 0);
			dn = 0;
			harmed = false;
		}
	}
}

static void raw(const uint8_t *data, size_t size)
{
	size_t off = 1;

	while (off + 2 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];

		off += 2;
		if (len > size - off)
			len = size - off;
		datagram(data + off, len, false);
		off += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!q) {
		q = quic_ctx_new();
		FUZZ_CHECK(q);
	}
	if (size < 1)
		return 0;
	memset(&qf, 0, sizeof(qf));
	if (data[0] & 1)
		sealed(data, size);
	else
		raw(data, size);
	return 0;
}
