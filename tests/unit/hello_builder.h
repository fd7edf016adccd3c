/*
 * hello_builder.h: TLS ClientHellos built byte by byte for the unit tests
 * (tls, names). Header-only, static functions: each test includes it.
 *
 * A ClientHello as a TLS 1.3 client sends it (RFC 8446 section 4.1.2):
 * legacy_version 0x0303, a fixed random, a 32-byte session id, cipher
 * suites, null compression, then extensions in this order: optional GREASE
 * (RFC 8701, 0x0a0a, empty), server_name (when sni is non-NULL),
 * supported_versions, ALPN "h2", optional encrypted_client_hello (0xfe0d,
 * outer variant with 32 bytes of payload), optional padding.
 */
#ifndef HELLO_BUILDER_H
#define HELLO_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct hb {
	uint8_t b[20000];
	size_t n;
};

static inline void hb8(struct hb *h, unsigned v)
{
	h->b[h->n++] = (uint8_t)v;
}

static inline void hb16(struct hb *h, unsigned v)
{
	hb8(h, v >> 8);
	hb8(h, v & 0xff);
}

static inline void hbn(struct hb *h, const void *p, size_t n)
{
	memcpy(h->b + h->n, p, n);
	h->n += n;
}

static inline void hbset16(struct hb *h, size_t at, size_t v)
{
	h->b[at] = (uint8_t)(v >> 8);
	h->b[at + 1] = (uint8_t)v;
}

struct hello_opts {
	const char *sni;	/* NULL: no server_name extension */
	size_t sni_len;		/* 0: strlen(sni) */
	bool grease;
	bool ech;
	size_t padding;		/* bytes of padding extension */
};

/* The handshake message (type 1, 24-bit length, body) into h. */
static inline void hello_build(struct hb *h, const struct hello_opts *o)
{
	size_t len_at, ext_at;

	h->n = 0;
	hb8(h, 1);		/* client_hello */
	len_at = h->n;
	hb8(h, 0);
	hb16(h, 0);
	hb16(h, 0x0303);
	for (int i = 0; i < 32; i++)
		hb8(h, i);	/* random */
	hb8(h, 32);
	for (int i = 0; i < 32; i++)
		hb8(h, 0xa0 + i);	/* session id */
	hb16(h, 6);
	hb16(h, o->grease ? 0x2a2a : 0x1302);
	hb16(h, 0x1301);
	hb16(h, 0x1303);
	hb8(h, 1);
	hb8(h, 0);		/* null compression */
	ext_at = h->n;
	hb16(h, 0);
	if (o->grease) {
		hb16(h, 0x0a0a);
		hb16(h, 0);
	}
	if (o->sni) {
		size_t sl = o->sni_len ? o->sni_len : strlen(o->sni);

		hb16(h, 0x0000);
		hb16(h, sl + 5);
		hb16(h, sl + 3);
		hb8(h, 0);	/* host_name */
		hb16(h, sl);
		hbn(h, o->sni, sl);
	}
	hb16(h, 0x002b);	/* supported_versions */
	hb16(h, 3);
	hb8(h, 2);
	hb16(h, 0x0304);
	hb16(h, 0x0010);	/* ALPN */
	hb16(h, 5);
	hb16(h, 3);
	hb8(h, 2);
	hbn(h, "h2", 2);
	if (o->ech) {
		hb16(h, 0xfe0d);
		hb16(h, 1 + 4 + 1 + 2 + 2 + 32);
		hb8(h, 0);	/* outer */
		hb16(h, 0x0001);	/* HKDF-SHA256 */
		hb16(h, 0x0001);	/* AES-128-GCM */
		hb8(h, 7);	/* config id */
		hb16(h, 0);	/* enc */
		hb16(h, 32);
		for (int i = 0; i < 32; i++)
			hb8(h, 0x55);
	}
	if (o->padding) {
		hb16(h, 0x0015);
		hb16(h, o->padding);
		for (size_t i = 0; i < o->padding; i++)
			hb8(h, 0);
	}
	hbset16(h, ext_at, h->n - ext_at - 2);
	h->b[len_at] = (uint8_t)((h->n - 4) >> 16);
	hbset16(h, len_at + 1, h->n - 4);
}

/* Wraps handshake bytes hs in TLS records of at most rec bytes each. */
static inline void records_wrap(struct hb *out, const uint8_t *hs, size_t n,
				size_t rec)
{
	out->n = 0;
	for (size_t off = 0; off < n; off += rec) {
		size_t k = n - off < rec ? n - off : rec;

		hb8(out, 22);
		hb16(out, 0x0301);
		hb16(out, k);
		hbn(out, hs + off, k);
	}
}

#endif
