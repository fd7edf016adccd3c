/*
 * quic.c: QUIC Initial decryption and CRYPTO reassembly (quic.h).
 */
#include "quic.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "cursor.h"

struct quic_ctx {
	EVP_KDF *kdf;
	EVP_KDF_CTX *kctx;
	EVP_CIPHER *gcm, *ecb;
	EVP_CIPHER_CTX *aead, *hpctx;
	uint8_t plain[QUIC_MAX_PACKET];
};

/* RFC 9001 section 5.2. */
static const uint8_t salt_v1[20] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
};

/* RFC 9369 section 3.3.1. */
static const uint8_t salt_v2[20] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
};

struct quic_ctx *quic_ctx_new(void)
{
	struct quic_ctx *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	q->kctx = q->kdf ? EVP_KDF_CTX_new(q->kdf) : NULL;
	q->gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
	q->ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
	q->aead = EVP_CIPHER_CTX_new();
	q->hpctx = EVP_CIPHER_CTX_new();
	if (!q->kctx || !q->gcm || !q->ecb || !q->aead || !q->hpctx) {
		quic_ctx_free(q);
		return NULL;
	}
	return q;
}

void quic_ctx_free(struct quic_ctx *q)
{
	if (!q)
		return;
	EVP_CIPHER_CTX_free(q->aead);
	EVP_CIPHER_CTX_free(q->hpctx);
	EVP_CIPHER_free(q->gcm);
	EVP_CIPHER_free(q->ecb);
	EVP_KDF_CTX_free(q->kctx);
	EVP_KDF_free(q->kdf);
	free(q);
}

static bool hkdf(struct quic_ctx *q, int mode, const uint8_t *key,
		 size_t key_len, const uint8_t *salt_or_info, size_t sl,
		 uint8_t *out, size_t out_len)
{
	OSSL_PARAM params[5], *p = params;
	char digest[] = "SHA256";

	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)(uintptr_t)key, key_len);
	*p++ = OSSL_PARAM_construct_octet_string(
		mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY ? OSSL_KDF_PARAM_SALT
						       : OSSL_KDF_PARAM_INFO,
		(void *)(uintptr_t)salt_or_info, sl);
	*p = OSSL_PARAM_construct_end();
	EVP_KDF_CTX_reset(q->kctx);
	return EVP_KDF_derive(q->kctx, out, out_len, params) == 1;
}

/* HKDF-Expand-Label (RFC 8446 section 7.1) with an empty context. */
static bool expand_label(struct quic_ctx *q, const uint8_t secret[32],
			 const char *label, uint8_t *out, size_t out_len)
{
	uint8_t info[2 + 1 + 255 + 1];
	size_t ll = strlen("tls13 ") + strlen(label), n = 0;

	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)ll;
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, strlen(label));
	n += strlen(label);
	info[n++] = 0;	/* context length */
	return hkdf(q, EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, 32, info, n, out,
		    out_len);
}

bool quic_derive_client_keys(struct quic_ctx *q, uint32_t version,
			     const uint8_t *dcid, size_t dcid_len,
			     struct quic_keys *out)
{
	uint8_t initial[32], client[32];
	bool v2 = version == QUIC_V2;
	bool ok;

	if (version != QUIC_V1 && !v2)
		return false;
	ok = hkdf(q, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, dcid, dcid_len,
		  v2 ? salt_v2 : salt_v1, 20, initial, 32) &&
	     expand_label(q, initial, "client in", client, 32) &&
	     expand_label(q, client, v2 ? "quicv2 key" : "quic key", out->key,
			  QUIC_KEY_LEN) &&
	     expand_label(q, client, v2 ? "quicv2 iv" : "quic iv", out->iv,
			  QUIC_IV_LEN) &&
	     expand_label(q, client, v2 ? "quicv2 hp" : "quic hp", out->hp,
			  QUIC_HP_LEN);
	return ok;
}

bool quic_open_packet(struct quic_ctx *q, const struct quic_keys *k,
		      const uint8_t *p, size_t len, size_t pn_offset,
		      uint8_t *plain, size_t *payload_off, size_t *plain_len,
		      uint64_t *pn)
{
	uint8_t mask[32], nonce[QUIC_IV_LEN];
	size_t pn_len, hdr, ct_len;
	int outl = 0, finl = 0;
	uint64_t num = 0;

	/* The sample starts 4 bytes after the packet number's start, as if
	 * it were 4 bytes long (RFC 9001 section 5.4.2). */
	if (pn_offset + 4 + 16 > len)
		return false;
	if (EVP_EncryptInit_ex(q->hpctx, q->ecb, NULL, k->hp, NULL) != 1)
		return false;
	EVP_CIPHER_CTX_set_padding(q->hpctx, 0);
	if (EVP_EncryptUpdate(q->hpctx, mask, &outl, p + pn_offset + 4, 16) != 1 ||
	    outl != 16)
		return false;
	memcpy(plain, p, pn_offset);
	plain[0] = (uint8_t)(p[0] ^ (mask[0] & 0x0f));	/* long header */
	pn_len = (size_t)(plain[0] & 0x03) + 1;
	for (size_t i = 0; i < pn_len; i++) {
		plain[pn_offset + i] = p[pn_offset + i] ^ mask[1 + i];
		num = num << 8 | plain[pn_offset + i];
	}
	hdr = pn_offset + pn_len;
	if (hdr + QUIC_TAG_LEN > len)
		return false;
	ct_len = len - hdr - QUIC_TAG_LEN;

	/* The client's first packet numbers are small: the truncated
	 * number is the full one (RFC 9000 appendix A.3 with none acked). */
	memcpy(nonce, k->iv, sizeof(nonce));
	for (int i = 0; i < 8; i++)
		nonce[QUIC_IV_LEN - 1 - i] ^= (uint8_t)(num >> (8 * i));

	if (EVP_DecryptInit_ex(q->aead, q->gcm, NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(q->aead, EVP_CTRL_GCM_SET_IVLEN, QUIC_IV_LEN,
				NULL) != 1 ||
	    EVP_DecryptInit_ex(q->aead, NULL, NULL, k->key, nonce) != 1 ||
	    EVP_DecryptUpdate(q->aead, NULL, &outl, plain, (int)hdr) != 1 ||
	    EVP_DecryptUpdate(q->aead, plain + hdr, &outl, p + hdr,
			      (int)ct_len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(q->aead, EVP_CTRL_GCM_SET_TAG, QUIC_TAG_LEN,
				(void *)(uintptr_t)(p + hdr + ct_len)) != 1 ||
	    EVP_DecryptFinal_ex(q->aead, plain + hdr + outl, &finl) != 1)
		return false;
	*payload_off = hdr;
	*plain_len = hdr + (size_t)outl + (size_t)finl;
	*pn = num;
	return true;
}

uint64_t quic_varint(struct cursor *c)
{
	uint8_t first = cursor_peek_u8(c, 0);
	unsigned n = 1u << (first >> 6);
	uint64_t v;

	if (!cursor_has(c, n)) {
		cursor_fail(c);
		return 0;
	}
	v = cursor_u8(c) & 0x3f;
	for (unsigned i = 1; i < n; i++)
		v = v << 8 | cursor_u8(c);
	return v;
}

/* Is the long-header type an Initial for this version? (RFC 9369 section
 * 3.2 swaps the type codes in v2.) */
static bool type_is_initial(uint32_t version, uint8_t first)
{
	unsigned type = (first >> 4) & 3;

	return version == QUIC_V1 ? type == 0 : type == 1;
}

bool quic_is_initial(const uint8_t *p, size_t len)
{
	uint32_t v;

	if (len < 7 || !(p[0] & 0x80))
		return false;
	v = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 |
	    p[4];
	return (v == QUIC_V1 || v == QUIC_V2) && type_is_initial(v, p[0]) &&
	       p[5] <= QUIC_MAX_CID;
}

/* CRYPTO frame data at offset off into the per-flow buffer. */
static void crypto_place(struct quic_flow *qf, uint64_t off,
			 const uint8_t *d, uint64_t n)
{
	if (off >= QUIC_CRYPTO_MAX)
		return;
	if (n > QUIC_CRYPTO_MAX - off)
		n = QUIC_CRYPTO_MAX - off;
	memcpy(qf->crypto + off, d, (size_t)n);
	for (uint64_t i = off; i < off + n; i++)
		qf->filled[i / 8] |= (uint8_t)(1u << (i % 8));
	while (qf->contig < QUIC_CRYPTO_MAX &&
	       (qf->filled[qf->contig / 8] & (1u << (qf->contig % 8))))
		qf->contig++;
}

/* The frames of one opened Initial (RFC 9000 section 19; section 17.2.2
 * lists the frames an Initial may carry). False on a malformed frame. */
static bool read_frames(struct quic_flow *qf, const uint8_t *p, size_t len)
{
	struct cursor c;

	cursor_init(&c, p, len);
	while (cursor_ok(&c) && cursor_remaining(&c) > 0) {
		uint64_t type = quic_varint(&c), off, n, cnt;
		const uint8_t *d;

		switch (type) {
		case 0x00:	/* PADDING */
		case 0x01:	/* PING */
			break;
		case 0x02:	/* ACK */
		case 0x03:	/* ACK with ECN counts */
			quic_varint(&c);	/* largest acknowledged */
			quic_varint(&c);	/* ack delay */
			cnt = quic_varint(&c);	/* range count */
			quic_varint(&c);	/* first range */
			for (uint64_t i = 0; i < cnt && cursor_ok(&c); i++) {
				quic_varint(&c);
				quic_varint(&c);
			}
			if (type == 0x03) {
				quic_varint(&c);
				quic_varint(&c);
				quic_varint(&c);
			}
			break;
		case 0x06:	/* CRYPTO */
			off = quic_varint(&c);
			n = quic_varint(&c);
			if (!cursor_ok(&c) || n > cursor_remaining(&c))
				return false;
			d = cursor_bytes(&c, (size_t)n);
			crypto_place(qf, off, d, n);
			break;
		case 0x1c:	/* CONNECTION_CLOSE: nothing more to read */
			return true;
		default:	/* not allowed in an Initial */
			return false;
		}
	}
	return cursor_ok(&c);
}

enum quic_status quic_datagram(struct quic_ctx *q, struct quic_flow *qf,
			       const uint8_t *p, size_t len,
			       struct tls_hello *out, unsigned *initials,
			       unsigned *failed)
{
	struct cursor c;
	bool any = false, bad = false;
	enum tls_status st;

	cursor_init(&c, p, len);
	while (cursor_remaining(&c) > 0) {
		size_t start = cursor_offset(&c), pn_offset, plen, poff;
		uint8_t first = cursor_u8(&c);
		uint32_t version = cursor_be32(&c);
		uint8_t dlen, slen;
		const uint8_t *dcid;
		uint64_t tlen, length, pn;
		bool initial;

		if (!cursor_ok(&c) || !(first & 0x80) ||
		    (version != QUIC_V1 && version != QUIC_V2))
			break;	/* short header or padding: the end */
		initial = type_is_initial(version, first);
		dlen = cursor_u8(&c);
		dcid = cursor_bytes(&c, dlen);
		slen = cursor_u8(&c);
		cursor_skip(&c, slen);
		if (dlen > QUIC_MAX_CID || slen > QUIC_MAX_CID)
			break;
		if (initial) {
			tlen = quic_varint(&c);
			if (tlen > cursor_remaining(&c))
				break;
			cursor_skip(&c, (size_t)tlen);	/* token */
		} else if (((first >> 4) & 3) == (version == QUIC_V1 ? 3 : 0)) {
			break;	/* Retry: no Length field */
		}
		length = quic_varint(&c);
		if (!cursor_ok(&c) || length > cursor_remaining(&c))
			break;
		pn_offset = cursor_offset(&c) - start;
		cursor_skip(&c, (size_t)length);
		if (!initial)
			continue;	/* 0-RTT, Handshake: not for us */
		any = true;
		++*initials;
		plen = pn_offset + (size_t)length;
		if (plen > QUIC_MAX_PACKET) {
			++*failed;
			bad = true;
			continue;
		}
		if (!qf->have_keys || qf->version != version) {
			if (!quic_derive_client_keys(q, version, dcid, dlen,
						     &qf->keys)) {
				++*failed;
				bad = true;
				continue;
			}
			qf->have_keys = true;
			qf->version = version;
			memcpy(qf->dcid, dcid, dlen);
			qf->dcid_len = dlen;
		}
		if (!quic_open_packet(q, &qf->keys, p + start, plen, pn_offset,
				      q->plain, &poff, &plen, &pn)) {
			/* After a Retry the client derives new keys from the
			 * DCID the server chose (RFC 9001 section 5.2). */
			struct quic_keys k2;

			if (dlen == qf->dcid_len &&
			    memcmp(dcid, qf->dcid, dlen) == 0) {
				++*failed;
				bad = true;
				continue;
			}
			if (!quic_derive_client_keys(q, version, dcid, dlen, &k2) ||
			    !quic_open_packet(q, &k2, p + start,
					      pn_offset + (size_t)length,
					      pn_offset, q->plain, &poff, &plen,
					      &pn)) {
				++*failed;
				bad = true;
				continue;
			}
			qf->keys = k2;
			memcpy(qf->dcid, dcid, dlen);
			qf->dcid_len = dlen;
			memset(qf->filled, 0, sizeof(qf->filled));
			qf->contig = 0;
		}
		if (!read_frames(qf, q->plain + poff, plen - poff))
			bad = true;
	}
	if (!any)
		return QUIC_NOT_INITIAL;
	if (qf->contig == 0)
		return bad ? QUIC_FAILED : QUIC_NEED_MORE;
	st = tls_parse_handshake(qf->crypto, qf->contig,
				 qf->contig >= QUIC_CRYPTO_MAX, out);
	if (st == TLS_HELLO)
		return QUIC_HELLO;
	if (st == TLS_NEED_MORE)
		return QUIC_NEED_MORE;
	return QUIC_FAILED;
}
