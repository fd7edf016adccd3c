/*
 * test_quic.c: QUIC Initial key derivation and decryption.
 *
 * The RFC 9001 appendix A vectors (v1) and the RFC 9369 appendix A vectors
 * (v2): keys from the DCID 0x8394c8f03e515708, the published protected
 * client Initial opened, its ClientHello read. Then packets sealed here
 * (with the same derivation, checked above against the RFCs) to split the
 * ClientHello across CRYPTO frames, packets and datagrams, and hostile
 * ones: flipped bits, cut packets, lying lengths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "monitor/cursor.h"
#include "monitor/quic.h"

static const uint8_t rfc_dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };

/* RFC 9001 appendix A.2: the protected client Initial, 1200 bytes. */
static const char v1_packet_hex[] =
	"c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11"
	"d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f399"
	"1c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
	"8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212"
	"30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5"
	"457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
	"4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
	"4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3"
	"485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
	"059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c"
	"7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f8"
	"9937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
	"be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74"
	"68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
	"c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
	"f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632"
	"291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe58964"
	"25c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
	"14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff"
	"ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198"
	"e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
	"c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73"
	"203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77f"
	"cb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
	"fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade"
	"a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e724047"
	"90a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
	"162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
	"40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca0"
	"6948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
	"8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0"
	"be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f09400"
	"54da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
	"760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9"
	"f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
	"056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
	"7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241"
	"e221af44860018ab0856972e194cd934";

/* RFC 9369 appendix A.2: the same ClientHello in a v2 Initial. */
static const char v2_packet_hex[] =
	"d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485"
	"dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad04"
	"9f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d"
	"250f2c4f0e0202b70785b7946e992e58a59ac52dea6774d4f03b55545243cf1a"
	"12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500"
	"cb9122faa9f1df66c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd68"
	"18f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
	"12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3"
	"d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
	"6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520"
	"bcfb7966fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045"
	"636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1f"
	"ac7cf4ed77f322e8fa894b6a83810a34b361901751a6f5eb65a0326e07de7c12"
	"16ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
	"4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4"
	"fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a37cbb08b847741c3b"
	"8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de7"
	"14d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
	"9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91"
	"abfe43960977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd"
	"80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
	"848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18"
	"d703dd84045a274ae8bfa73379661388d6991fe39b0d93debb41700b41f90a15"
	"c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc"
	"7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d7740f81193e8238e61"
	"f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e70710"
	"10d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
	"3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
	"06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce"
	"8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d1"
	"34b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1"
	"e86215c2d54e6670e07383a27bbffb5addf47d66aa85a0c6f9f32e59d85a44dd"
	"5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e3"
	"8d209d0fa6536d27a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89"
	"d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
	"6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
	"9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96b"
	"a18b2faa745b6fe189cf772a9f84cbfc";

/* RFC 9001 appendix A.2: the CRYPTO frame of the unprotected payload. */
static const char crypto_frame_hex[] =
	"060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
	"04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
	"616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
	"04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
	"baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
	"0d0010000e0403050306030203080408050806002d00020101001c0002400100"
	"3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
	"75300901100f088394c8f03e51570806048000ffff";

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			assert_true(n < cap);
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

static void check_hex(const uint8_t *got, size_t n, const char *want)
{
	uint8_t w[64];

	assert_int_equal(unhex(want, w, sizeof(w)), n);
	assert_memory_equal(got, w, n);
}

static struct quic_ctx *q;

static int setup(void **state)
{
	(void)state;
	q = quic_ctx_new();
	return q ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	quic_ctx_free(q);
	return 0;
}

/* RFC 9001 A.1 and RFC 9369 A.1. */
static void test_keys_v1_v2(void **state)
{
	struct quic_keys k;

	(void)state;
	assert_true(quic_derive_client_keys(q, QUIC_V1, rfc_dcid, 8, &k));
	check_hex(k.key, 16, "1f369613dd76d5467730efcbe3b1a22d");
	check_hex(k.iv, 12, "fa044b2f42a3fd3b46fb255c");
	check_hex(k.hp, 16, "9f50449e04a0e810283a1e9933adedd2");
	assert_true(quic_derive_client_keys(q, QUIC_V2, rfc_dcid, 8, &k));
	check_hex(k.key, 16, "8b1a0bc121284290a29e0971b5cd045d");
	check_hex(k.iv, 12, "91f73e2351d8fa91660e909f");
	check_hex(k.hp, 16, "45b95e15235d6f45a6b19cbcb0294ba9");
	assert_false(quic_derive_client_keys(q, 0xff00001d, rfc_dcid, 8, &k));
}

static void open_rfc_packet(const char *hex, uint32_t version,
			    const char *want_header)
{
	uint8_t pkt[1200], plain[1200], frame[512];
	struct quic_keys k;
	size_t n = unhex(hex, pkt, sizeof(pkt)), poff, plen, fl;
	uint64_t pn;

	assert_int_equal(n, 1200);
	assert_true(quic_is_initial(pkt, n));
	assert_true(quic_derive_client_keys(q, version, rfc_dcid, 8, &k));
	/* pn_offset: 1 + 4 + 1 + 8 + 1 + 1 (token length 0) + 2 (length) */
	assert_true(quic_open_packet(q, &k, pkt, n, 18, plain, &poff, &plen, &pn));
	assert_int_equal(pn, 2);
	assert_int_equal(poff, 22);
	assert_int_equal(plen, 1200 - 16);
	check_hex(plain, 22, want_header);
	fl = unhex(crypto_frame_hex, frame, sizeof(frame));
	assert_int_equal(fl, 4 + 241);
	assert_memory_equal(plain + poff, frame, fl);
	for (size_t i = poff + fl; i < plen; i++)
		assert_int_equal(plain[i], 0);	/* PADDING */
}

static void test_rfc9001_a2_open(void **state)
{
	(void)state;
	open_rfc_packet(v1_packet_hex, QUIC_V1,
			"c300000001088394c8f03e5157080000449e00000002");
}

static void test_rfc9369_a2_open(void **state)
{
	(void)state;
	open_rfc_packet(v2_packet_hex, QUIC_V2,
			"d36b3343cf088394c8f03e5157080000449e00000002");
}

static void datagram_sni(const char *hex, const char *want)
{
	uint8_t pkt[1200];
	size_t n = unhex(hex, pkt, sizeof(pkt));
	struct quic_flow *qf = calloc(1, sizeof(*qf));
	struct tls_hello h;
	unsigned initials = 0, failed = 0;

	assert_non_null(qf);
	assert_int_equal(quic_datagram(q, qf, pkt, n, &h, &initials, &failed),
			 QUIC_HELLO);
	assert_int_equal(initials, 1);
	assert_int_equal(failed, 0);
	assert_true(h.has_sni);
	assert_string_equal(h.sni, want);
	assert_true(h.has_alpn);
	assert_string_equal(h.alpn, "alpn");
	assert_false(h.ech);
	free(qf);
}

static void test_rfc_datagrams_sni(void **state)
{
	(void)state;
	datagram_sni(v1_packet_hex, "example.com");
	datagram_sni(v2_packet_hex, "example.com");
}

/* Every bit of the RFC packet flipped in turn, and every cut: never
 * HELLO unless the bit is in bytes nothing protects (none are), never a
 * crash under the sanitizers. */
static void test_flipped_and_cut(void **state)
{
	uint8_t pkt[1200], bad[1200];
	size_t n = unhex(v1_packet_hex, pkt, sizeof(pkt));
	struct quic_flow *qf = malloc(sizeof(*qf));
	struct tls_hello h;
	unsigned a = 0, b = 0;

	(void)state;
	assert_non_null(qf);
	for (size_t i = 0; i < n; i += 7) {
		memcpy(bad, pkt, n);
		bad[i] ^= 0x10;
		memset(qf, 0, sizeof(*qf));
		assert_int_not_equal(quic_datagram(q, qf, bad, n, &h, &a, &b),
				     QUIC_HELLO);
	}
	for (size_t cut = 0; cut < n; cut += 13) {
		memset(qf, 0, sizeof(*qf));
		assert_int_not_equal(quic_datagram(q, qf, pkt, cut, &h, &a, &b),
				     QUIC_HELLO);
	}
	free(qf);
}

/* ---- packets sealed here ---- */

static size_t put_varint(uint8_t *p, uint64_t v)
{
	if (v < 64) {
		p[0] = (uint8_t)v;
		return 1;
	}
	assert_true(v < 16384);
	p[0] = (uint8_t)(0x40 | v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

/* A client Initial carrying payload (frames), padded to 1162 bytes of
 * payload like the RFC's, 4-byte packet number. Returns its length. */
static size_t seal(uint32_t version, const uint8_t *dcid, size_t dlen,
		   uint32_t pn, const uint8_t *frames, size_t flen,
		   uint8_t *out)
{
	struct quic_keys k;
	uint8_t payload[1162], nonce[12], mask[16];
	size_t n = 0, pn_off, plen = sizeof(payload);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl;

	assert_true(flen <= plen);
	memset(payload, 0, plen);
	memcpy(payload, frames, flen);
	assert_true(quic_derive_client_keys(q, version, dcid, dlen, &k));
	out[n++] = version == QUIC_V1 ? 0xc3 : 0xd3;
	out[n++] = (uint8_t)(version >> 24);
	out[n++] = (uint8_t)(version >> 16);
	out[n++] = (uint8_t)(version >> 8);
	out[n++] = (uint8_t)version;
	out[n++] = (uint8_t)dlen;
	memcpy(out + n, dcid, dlen);
	n += dlen;
	out[n++] = 0;	/* SCID */
	out[n++] = 0;	/* token */
	out[n++] = (uint8_t)(0x40 | (4 + plen + 16) >> 8);
	out[n++] = (uint8_t)(4 + plen + 16);
	pn_off = n;
	out[n++] = (uint8_t)(pn >> 24);
	out[n++] = (uint8_t)(pn >> 16);
	out[n++] = (uint8_t)(pn >> 8);
	out[n++] = (uint8_t)pn;
	memcpy(nonce, k.iv, 12);
	for (int i = 0; i < 4; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k.key,
					    nonce), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)n), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, out + n, &outl, payload,
					   (int)plen), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, out + n + plen, &outl), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
					     out + n + plen), 1);
	n += plen + 16;
	EVP_CIPHER_CTX_free(ctx);
	ctx = EVP_CIPHER_CTX_new();
	assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k.hp,
					    NULL), 1);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	assert_int_equal(EVP_EncryptUpdate(ctx, mask, &outl, out + pn_off + 4,
					   16), 1);
	EVP_CIPHER_CTX_free(ctx);
	out[0] ^= mask[0] & 0x0f;
	for (int i = 0; i < 4; i++)
		out[pn_off + i] ^= mask[1 + i];
	return n;
}

/* The RFC's ClientHello (245 bytes, without the CRYPTO frame header). */
static size_t rfc_hello(uint8_t *out)
{
	uint8_t frame[512];
	size_t fl = unhex(crypto_frame_hex, frame, sizeof(frame));

	memcpy(out, frame + 4, fl - 4);
	return fl - 4;
}

static size_t crypto_frame(uint8_t *p, uint64_t off, const uint8_t *d,
			   size_t n)
{
	size_t k = 0;

	p[k++] = 0x06;
	k += put_varint(p + k, off);
	k += put_varint(p + k, n);
	memcpy(p + k, d, n);
	return k + n;
}

/* The sealing helper agrees with the RFC's own packet byte for byte. */
static void test_seal_matches_rfc(void **state)
{
	uint8_t hello[512], frames[600], out[1300], rfc[1200];
	size_t hl = rfc_hello(hello), fl = crypto_frame(frames, 0, hello, hl);

	(void)state;
	/* The RFC writes the CRYPTO length on two bytes (0x40f1). */
	assert_int_equal(seal(QUIC_V1, rfc_dcid, 8, 2, frames, fl, out), 1200);
	unhex(v1_packet_hex, rfc, sizeof(rfc));
	assert_memory_equal(out, rfc, 1200);
}

/* CRYPTO frames out of order, across two packets in two datagrams, with
 * PING and ACK frames between, for v1 and v2. */
static void test_split_across_packets(void **state)
{
	uint8_t hello[512], f1[700], f2[700], d1[1300], d2[1300];
	size_t hl = rfc_hello(hello), n1 = 0, n2 = 0, l1, l2;
	struct quic_flow *qf = calloc(1, sizeof(*qf));
	struct tls_hello h;
	unsigned a = 0, b = 0;

	(void)state;
	assert_non_null(qf);
	/* Packet 1: PING, the third part, then an ACK frame. */
	f1[n1++] = 0x01;
	n1 += crypto_frame(f1 + n1, 200, hello + 200, hl - 200);
	f1[n1++] = 0x02;
	f1[n1++] = 0x00;	/* largest */
	f1[n1++] = 0x00;	/* delay */
	f1[n1++] = 0x01;	/* one more range */
	f1[n1++] = 0x00;	/* first range */
	f1[n1++] = 0x00;	/* gap */
	f1[n1++] = 0x00;	/* length */
	/* Packet 2: the second part, then the first (out of order). */
	n2 += crypto_frame(f2 + n2, 100, hello + 100, 100);
	n2 += crypto_frame(f2 + n2, 0, hello, 100);
	l1 = seal(QUIC_V1, rfc_dcid, 8, 0, f1, n1, d1);
	l2 = seal(QUIC_V1, rfc_dcid, 8, 1, f2, n2, d2);
	assert_int_equal(quic_datagram(q, qf, d1, l1, &h, &a, &b),
			 QUIC_NEED_MORE);
	assert_int_equal(quic_datagram(q, qf, d2, l2, &h, &a, &b), QUIC_HELLO);
	assert_string_equal(h.sni, "example.com");
	assert_int_equal(a, 2);
	assert_int_equal(b, 0);

	/* v2 likewise. */
	memset(qf, 0, sizeof(*qf));
	l1 = seal(QUIC_V2, rfc_dcid, 8, 0, f1, n1, d1);
	l2 = seal(QUIC_V2, rfc_dcid, 8, 1, f2, n2, d2);
	assert_int_equal(quic_datagram(q, qf, d1, l1, &h, &a, &b),
			 QUIC_NEED_MORE);
	assert_int_equal(quic_datagram(q, qf, d2, l2, &h, &a, &b), QUIC_HELLO);
	assert_string_equal(h.sni, "example.com");
	free(qf);
}

/* Two Initials coalesced in one datagram, then a 0-RTT-typed packet the
 * parser must skip by its Length. */
static void test_coalesced(void **state)
{
	uint8_t hello[512], f1[700], f2[700], dg[4000];
	size_t hl = rfc_hello(hello), n1, n2, l = 0;
	struct quic_flow *qf = calloc(1, sizeof(*qf));
	struct tls_hello h;
	unsigned a = 0, b = 0;

	(void)state;
	assert_non_null(qf);
	n1 = crypto_frame(f1, 0, hello, 120);
	n2 = crypto_frame(f2, 120, hello + 120, hl - 120);
	l += seal(QUIC_V1, rfc_dcid, 8, 0, f2, n2, dg + l);
	l += seal(QUIC_V1, rfc_dcid, 8, 1, f1, n1, dg + l);
	/* 0-RTT (type 01 in v1): header, length 3, three bytes. */
	dg[l++] = 0xd0;
	dg[l++] = 0; dg[l++] = 0; dg[l++] = 0; dg[l++] = 1;
	dg[l++] = 0;	/* DCID */
	dg[l++] = 0;	/* SCID */
	dg[l++] = 3;
	dg[l++] = 0xaa; dg[l++] = 0xbb; dg[l++] = 0xcc;
	assert_int_equal(quic_datagram(q, qf, dg, l, &h, &a, &b), QUIC_HELLO);
	assert_string_equal(h.sni, "example.com");
	assert_int_equal(a, 2);
	free(qf);
}

/* Lying lengths in the long header and frames. */
static void test_hostile_headers(void **state)
{
	uint8_t hello[512], f[700], d[1300], bad[1300];
	size_t hl = rfc_hello(hello), n, l;
	struct quic_flow *qf = calloc(1, sizeof(*qf));
	struct tls_hello h;
	unsigned a = 0, b = 0;

	(void)state;
	assert_non_null(qf);
	/* DCID length 21 (over 20): not read. */
	n = crypto_frame(f, 0, hello, hl);
	l = seal(QUIC_V1, rfc_dcid, 8, 0, f, n, d);
	memcpy(bad, d, l);
	bad[5] = 21;
	assert_false(quic_is_initial(bad, l));
	assert_int_equal(quic_datagram(q, qf, bad, l, &h, &a, &b),
			 QUIC_NOT_INITIAL);
	/* Length field past the datagram. */
	memcpy(bad, d, l);
	bad[16] = 0x7f;
	bad[17] = 0xff;
	memset(qf, 0, sizeof(*qf));
	assert_int_equal(quic_datagram(q, qf, bad, l, &h, &a, &b),
			 QUIC_NOT_INITIAL);
	/* A CRYPTO frame whose length runs past the payload: sealed as
	 * valid ciphertext, so only the frame parser can catch it. */
	n = 0;
	f[n++] = 0x06;
	f[n++] = 0x00;
	f[n++] = 0x7f;	/* 2-byte varint: 0x3fff bytes */
	f[n++] = 0xff;
	l = seal(QUIC_V1, rfc_dcid, 8, 0, f, n, d);
	memset(qf, 0, sizeof(*qf));
	assert_int_equal(quic_datagram(q, qf, d, l, &h, &a, &b), QUIC_FAILED);
	/* A CRYPTO offset far past the buffer: ignored, still incomplete. */
	n = 0;
	f[n++] = 0x06;
	f[n++] = 0x80;	/* 4-byte varint offset 0x00100000 */
	f[n++] = 0x10;
	f[n++] = 0x00;
	f[n++] = 0x00;
	f[n++] = 0x01;
	f[n++] = 0x01;
	l = seal(QUIC_V1, rfc_dcid, 8, 0, f, n, d);
	memset(qf, 0, sizeof(*qf));
	assert_int_equal(quic_datagram(q, qf, d, l, &h, &a, &b),
			 QUIC_NEED_MORE);
	free(qf);
}

static void test_varint(void **state)
{
	/* RFC 9000 appendix A.1 examples. */
	static const uint8_t v8[] = { 0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c };
	static const uint8_t v4[] = { 0x9d, 0x7f, 0x3e, 0x7d };
	static const uint8_t v2[] = { 0x7b, 0xbd };
	static const uint8_t v1[] = { 0x25 };
	struct cursor c;

	(void)state;
	cursor_init(&c, v8, 8);
	assert_true(quic_varint(&c) == 151288809941952652ull);
	cursor_init(&c, v4, 4);
	assert_int_equal(quic_varint(&c), 494878333);
	cursor_init(&c, v2, 2);
	assert_int_equal(quic_varint(&c), 15293);
	cursor_init(&c, v1, 1);
	assert_int_equal(quic_varint(&c), 37);
	cursor_init(&c, v8, 7);
	assert_int_equal(quic_varint(&c), 0);
	assert_false(cursor_ok(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_v1_v2),
		cmocka_unit_test(test_rfc9001_a2_open),
		cmocka_unit_test(test_rfc9369_a2_open),
		cmocka_unit_test(test_rfc_datagrams_sni),
		cmocka_unit_test(test_flipped_and_cut),
		cmocka_unit_test(test_seal_matches_rfc),
		cmocka_unit_test(test_split_across_packets),
		cmocka_unit_test(test_coalesced),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_varint),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
