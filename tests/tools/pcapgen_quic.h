/*
 * pcapgen_quic.h: QUIC v1 and v2 connections for pcapgen, with real,
 * decryptable Initial packets. Included once, by pcapgen.c, after its
 * conversation helpers.
 *
 * Initial protection as RFC 9001 section 5 describes it (RFC 9369 section
 * 3.3 for v2's salt and labels): initial_secret = HKDF-Extract(salt,
 * client's first DCID); client_in / server_in = HKDF-Expand-Label(
 * initial_secret, "client in" / "server in", "", 32); key, iv and hp from
 * "quic key", "quic iv", "quic hp" ("quicv2 ..." for v2); the payload
 * sealed with AES-128-GCM (nonce = iv xor packet number, the header as
 * associated data), then header protection: AES-128-ECB of the 16 bytes
 * 4 bytes after the packet number's start, its first byte masking the low
 * 4 bits of the first byte, the next four the packet number. The same
 * construction as tests/unit/test_quic.c's sealing helper, which
 * reproduces RFC 9001 appendix A.2 byte for byte; written here with
 * OpenSSL's HMAC and EVP directly (pcapgen links libcrypto, not
 * bergerie's code).
 *
 * A connection (quic_session): the client's ClientHello (pcapgen_proto.h's
 * TLS 1.3 hello, ALPN h3) split inside its server_name across two CRYPTO
 * frames in two Initial packets, each in its own 1200-byte datagram (RFC
 * 9000 section 14.1); the server's Initial (ACK + ServerHello, sealed with
 * the server's keys) and a Handshake packet (opaque: its keys come from
 * the key exchange); the client's Handshake packet and first 1-RTT packet
 * (opaque); then the server's 1-RTT data, the client ACKing every second
 * packet. Short-header packets carry the peer's 8-byte connection ID.
 *
 * Sizes (UDP payload bytes; IPv4 adds 28, IPv6 48 for IP bytes):
 *   client: Initial 1200, Initial 1200, Handshake 120, 1-RTT 60, then one
 *           35-byte ACK per two data packets (and after an odd last one)
 *   server: Initial 1200, Handshake 1200, then ndata 1-RTT packets of 1252
 * so for ndata packets, IPv4: client 4 + ceil(ndata / 2) packets, 2 * 1228
 * + 148 + 88 + 63 * ceil(ndata / 2) bytes; server 2 + ndata packets,
 * 2 * 1228 + 1280 * ndata bytes.
 */
#ifndef BERGERIE_PCAPGEN_QUIC_H
#define BERGERIE_PCAPGEN_QUIC_H

#include <openssl/evp.h>
#include <openssl/hmac.h>

enum {
	QV1 = 0x00000001,
	QV2 = 0x6b3343cf,
	Q_CID = 8,
	Q_DGRAM = 1200,		/* Initial datagrams, RFC 9000 14.1 */
	Q_HS_CLIENT = 120,
	Q_REQ = 60,
	Q_ACK = 35,
	Q_DATA = 1252,
};

struct qkeys {
	uint8_t key[16], iv[12], hp[16];
};

static void q_die(const char *what)
{
	fprintf(stderr, "pcapgen: OpenSSL: %s failed\n", what);
	exit(1);
}

/* HKDF-Expand-Label (RFC 8446 section 7.1) with an empty context, for
 * outputs of at most 32 bytes (one HMAC-SHA256 block). */
static void q_expand_label(const uint8_t prk[32], const char *label,
			   uint8_t *out, size_t len)
{
	uint8_t info[64], t[32];
	size_t n = 0, ll = strlen(label);
	unsigned tl = 0;

	info[n++] = (uint8_t)(len >> 8);
	info[n++] = (uint8_t)len;
	info[n++] = (uint8_t)(6 + ll);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, ll);
	n += ll;
	info[n++] = 0;		/* context */
	info[n++] = 1;		/* T(1) */
	if (!HMAC(EVP_sha256(), prk, 32, info, n, t, &tl) || tl != 32)
		q_die("HMAC");
	memcpy(out, t, len);
}

static void q_keys(uint32_t version, const uint8_t *dcid, size_t dlen,
		   int server, struct qkeys *k)
{
	static const uint8_t salt_v1[20] = {
		0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
		0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
	};
	static const uint8_t salt_v2[20] = {
		0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
		0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
	};
	uint8_t initial[32], secret[32];
	unsigned tl = 0;
	int v2 = version == QV2;

	if (!HMAC(EVP_sha256(), v2 ? salt_v2 : salt_v1, 20, dcid, dlen,
		  initial, &tl) || tl != 32)
		q_die("HMAC");
	q_expand_label(initial, server ? "server in" : "client in", secret, 32);
	q_expand_label(secret, v2 ? "quicv2 key" : "quic key", k->key, 16);
	q_expand_label(secret, v2 ? "quicv2 iv" : "quic iv", k->iv, 12);
	q_expand_label(secret, v2 ? "quicv2 hp" : "quic hp", k->hp, 16);
}

/* Long-header type bits: v1 Initial 0, Handshake 2; v2 Initial 1,
 * Handshake 3 (RFC 9369 section 3.2). */
static uint8_t q_type(uint32_t version, int handshake)
{
	if (version == QV2)
		return handshake ? 3 : 1;
	return handshake ? 2 : 0;
}

/* The long header up to and including the 2-byte Length (a 4-byte packet
 * number follows); returns its size. */
static size_t q_long_header(uint8_t *out, uint32_t version, int handshake,
			    const uint8_t *dcid, const uint8_t *scid,
			    size_t rest)
{
	size_t n = 0;

	out[n++] = (uint8_t)(0xc0 | q_type(version, handshake) << 4 | 3);
	put32(out + n, version);
	n += 4;
	out[n++] = Q_CID;
	memcpy(out + n, dcid, Q_CID);
	n += Q_CID;
	out[n++] = Q_CID;
	memcpy(out + n, scid, Q_CID);
	n += Q_CID;
	if (!handshake)
		out[n++] = 0;	/* token length */
	put16(out + n, (uint16_t)(0x4000 | rest));
	return n + 2;
}

/* A protected Initial of exactly total bytes: frames, then PADDING. */
static size_t q_seal_initial(uint8_t *out, size_t total, uint32_t version,
			     const struct qkeys *k, const uint8_t *dcid,
			     const uint8_t *scid, uint32_t pn,
			     const uint8_t *frames, size_t flen)
{
	uint8_t plain[Q_DGRAM], nonce[12], mask[16];
	size_t hl = 1 + 4 + 1 + Q_CID + 1 + Q_CID + 1 + 2;
	size_t plen = total - hl - 4 - 16, n;
	EVP_CIPHER_CTX *ctx;
	int outl, i;

	if (total > sizeof(plain) || flen > plen) {
		fprintf(stderr, "pcapgen: QUIC frames too long\n");
		exit(1);
	}
	memset(plain, 0, plen);
	memcpy(plain, frames, flen);
	n = q_long_header(out, version, 0, dcid, scid, 4 + plen + 16);
	put32(out + n, pn);
	n += 4;
	memcpy(nonce, k->iv, 12);
	for (i = 0; i < 4; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k->key, nonce) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)n) != 1 ||
	    EVP_EncryptUpdate(ctx, out + n, &outl, plain, (int)plen) != 1 ||
	    EVP_EncryptFinal_ex(ctx, out + n + plen, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
				out + n + plen) != 1)
		q_die("AES-128-GCM");
	EVP_CIPHER_CTX_free(ctx);
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k->hp, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx, mask, &outl, out + hl + 4, 16) != 1)
		q_die("AES-128-ECB");
	EVP_CIPHER_CTX_free(ctx);
	out[0] ^= mask[0] & 0x0f;
	for (i = 0; i < 4; i++)
		out[hl + i] ^= mask[1 + i];
	return total;
}

/* A CRYPTO frame (RFC 9000 section 19.6), 2-byte varints. */
static size_t q_crypto(uint8_t *p, size_t off, const uint8_t *d, size_t n)
{
	p[0] = 0x06;
	put16(p + 1, (uint16_t)(0x4000 | off));
	put16(p + 3, (uint16_t)(0x4000 | n));
	memcpy(p + 5, d, n);
	return 5 + n;
}

/* A Handshake packet of total bytes whose protected part is opaque. */
static size_t q_opaque_handshake(uint8_t *out, size_t total, uint32_t version,
				 const uint8_t *dcid, const uint8_t *scid,
				 uint32_t seed)
{
	size_t hl = 1 + 4 + 1 + Q_CID + 1 + Q_CID + 2;
	struct bb o;

	q_long_header(out, version, 1, dcid, scid, total - hl);
	bb_init(&o, out + hl, total - hl);
	bb_fill(&o, total - hl, seed);
	return total;
}

/* A 1-RTT (short header) packet of total bytes: fixed bit, spin 0, key
 * phase 0, 2-byte packet number; the rest opaque. */
static size_t q_short(uint8_t *out, size_t total, const uint8_t *dcid,
		      uint32_t seed)
{
	struct bb o;

	out[0] = 0x41;
	memcpy(out + 1, dcid, Q_CID);
	bb_init(&o, out + 1 + Q_CID, total - 1 - Q_CID);
	bb_fill(&o, total - 1 - Q_CID, seed);
	return total;
}

/*
 * One QUIC connection from cv's initiator, starting at t: the client
 * Initials carry a ClientHello for sni split inside the name; ndata
 * server data packets. See the head comment for the sizes.
 */
static void quic_session(struct gen *g, struct conv *cv, double t, double rtt,
			 uint32_t version, const char *sni, unsigned ndata,
			 uint32_t seed)
{
	uint8_t hello[1024], frames[Q_DGRAM], dg[Q_DGRAM + 64];
	uint8_t dcid[Q_CID], ccid[Q_CID], scid[Q_CID];
	struct qkeys ck, sk;
	size_t hl, split, fl;
	const uint8_t *at;
	unsigned i, k = 0;
	struct bb o;

	bb_init(&o, dcid, Q_CID);
	bb_fill(&o, Q_CID, seed);
	bb_init(&o, ccid, Q_CID);
	bb_fill(&o, Q_CID, seed ^ 0x1111u);
	bb_init(&o, scid, Q_CID);
	bb_fill(&o, Q_CID, seed ^ 0x2222u);

	/* The handshake message without the record header (RFC 9001 4). */
	hl = tls_client_hello(hello, sizeof(hello), sni, "h3", NULL, seed) - 5;
	memmove(hello, hello + 5, hl);
	at = memmem(hello, hl, sni, strlen(sni));
	if (!at) {
		fprintf(stderr, "pcapgen: SNI not in the ClientHello\n");
		exit(1);
	}
	split = (size_t)(at - hello) + strlen(sni) / 2;

	q_keys(version, dcid, Q_CID, 0, &ck);
	q_keys(version, dcid, Q_CID, 1, &sk);
	fl = q_crypto(frames, 0, hello, split);
	q_seal_initial(dg, Q_DGRAM, version, &ck, dcid, ccid, 0, frames, fl);
	udp_dgram(g, cv, 0, dg, Q_DGRAM, SEC(t));
	fl = q_crypto(frames, split, hello + split, hl - split);
	q_seal_initial(dg, Q_DGRAM, version, &ck, dcid, ccid, 1, frames, fl);
	udp_dgram(g, cv, 0, dg, Q_DGRAM, SEC(t + 0.0001));

	/* Server: Initial (ACK of 0-1, ServerHello), then Handshake. */
	t += rtt;
	fl = 0;
	frames[fl++] = 0x02;	/* ACK: largest 1, delay 0, 0 ranges, 1 */
	frames[fl++] = 0x01;
	frames[fl++] = 0x00;
	frames[fl++] = 0x00;
	frames[fl++] = 0x01;
	hl = tls_server_hello(hello, sizeof(hello), seed ^ 0x4444u) - 5;
	fl += q_crypto(frames + fl, 0, hello + 5, hl);
	q_seal_initial(dg, Q_DGRAM, version, &sk, ccid, scid, 0, frames, fl);
	udp_dgram(g, cv, 1, dg, Q_DGRAM, SEC(t));
	q_opaque_handshake(dg, Q_DGRAM, version, ccid, scid, seed ^ 0x5555u);
	udp_dgram(g, cv, 1, dg, Q_DGRAM, SEC(t + 0.0002));

	/* Client: Handshake (Finished), then its request in 1-RTT. */
	t += rtt;
	q_opaque_handshake(dg, Q_HS_CLIENT, version, scid, ccid, seed ^ 0x6666u);
	udp_dgram(g, cv, 0, dg, Q_HS_CLIENT, SEC(t));
	q_short(dg, Q_REQ, scid, seed ^ 0x7777u);
	udp_dgram(g, cv, 0, dg, Q_REQ, SEC(t + 0.0001));

	/* Server data, client ACKs. */
	t += rtt;
	for (i = 0; i < ndata; i++) {
		q_short(dg, Q_DATA, ccid, seed + i);
		udp_dgram(g, cv, 1, dg, Q_DATA, SEC(t));
		t += 0.0003;
		if (++k % 2 == 0 || i + 1 == ndata) {
			q_short(dg, Q_ACK, scid, seed + 0x8000u + i);
			udp_dgram(g, cv, 0, dg, Q_ACK, SEC(t));
			t += 0.0002;
		}
	}
}

/*
 * quic (Ethernet). Three connections, nothing else (no DNS):
 *
 *  A  v1, 10.1.0.21:51000 -> 142.250.179.110:443, SNI www.youtube.com,
 *     t 1.000, rtt 8 ms, 40 data packets. C 24/3952 (1228 + 1228 + 148
 *     + 88 + 20 * 63), S 42/53656 (1228 + 1228 + 40 * 1280).
 *  B  v2, 10.1.0.22:51001 -> 104.16.132.229:443, SNI www.cloudflare.com,
 *     t 2.000, rtt 5 ms, 10 data packets. C 9/3007 (2456 + 236 + 5 * 63),
 *     S 12/15256 (2456 + 10 * 1280).
 *  C  v1, [fd00:10::21]:51002 -> [2a00:1450:4007:80c::200e]:443, SNI
 *     www.google.com, t 3.000, rtt 8 ms, 3 data packets. C 6/2938
 *     (1248 + 1248 + 168 + 108 + 2 * 83), S 5/6396 (1248 + 1248 + 3 *
 *     1300).
 * All end idle_timeout (60 s after their last packet) or end_of_input.
 */
static void sc_quic(struct gen *g, const char *out)
{
	struct conv cv;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);
	g->defer = true;
	conv_init(&cv, "A udp 10.1.0.21:51000 142.250.179.110:443 (QUIC v1)",
		  addr4(10, 1, 0, 21), 51000, addr4(142, 250, 179, 110), 443,
		  17);
	quic_session(g, &cv, 1.0, 0.008, QV1, "www.youtube.com", 40, 0x9001);
	conv_init(&cv, "B udp 10.1.0.22:51001 104.16.132.229:443 (QUIC v2)",
		  addr4(10, 1, 0, 22), 51001, addr4(104, 16, 132, 229), 443,
		  17);
	quic_session(g, &cv, 2.0, 0.005, QV2, "www.cloudflare.com", 10,
		     0x9002);
	conv_init(&cv, "C udp [fd00:10::21]:51002 [2a00:1450:4007:80c::200e]:443 (QUIC v1)",
		  addr6(0xfd00, 0x10, 0, 0, 0, 0, 0, 0x21), 51002,
		  addr6(0x2a00, 0x1450, 0x4007, 0x80c, 0, 0, 0, 0x200e), 443,
		  17);
	quic_session(g, &cv, 3.0, 0.008, QV1, "www.google.com", 3, 0x9003);
	gen_close(g);
}

#endif
