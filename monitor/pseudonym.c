/*
 * pseudonym.c: Crypto-PAn over 32 and 128 bits with OpenSSL's AES-128.
 *
 * The blocks for every prefix length do not depend on each other (each is
 * the original address's first i bits followed by the pad), so all 32 (or
 * 128) are built first and encrypted in one ECB call: AES-NI pipelines
 * them and one address costs about a microsecond, which is why there is
 * no cache (a record pseudonymises at most two addresses).
 */
#include "pseudonym.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

enum { BLOCK = 16, MAX_BITS = 128 };

struct pseudonym {
	pthread_mutex_t lock;		/* an EVP context is not shareable */
	EVP_CIPHER_CTX *ctx;		/* AES-128-ECB, encrypt, no padding */
	uint8_t pad[BLOCK];		/* AES(key[16..31]) */
};

static bool ecb(EVP_CIPHER_CTX *ctx, const uint8_t *in, uint8_t *out, int len)
{
	int n = 0;

	return EVP_EncryptUpdate(ctx, out, &n, in, len) == 1 && n == len;
}

struct pseudonym *pseudonym_new(const uint8_t key[PSEUDONYM_KEY_LEN])
{
	struct pseudonym *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->ctx = EVP_CIPHER_CTX_new();
	if (!p->ctx ||
	    EVP_EncryptInit_ex(p->ctx, EVP_aes_128_ecb(), NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(p->ctx, 0) != 1 ||
	    !ecb(p->ctx, key + BLOCK, p->pad, BLOCK) ||
	    pthread_mutex_init(&p->lock, NULL) != 0) {
		EVP_CIPHER_CTX_free(p->ctx);
		free(p);
		return NULL;
	}
	return p;
}

struct pseudonym *pseudonym_load(const char *path, char *err, size_t errlen)
{
	uint8_t key[PSEUDONYM_KEY_LEN + 1];
	FILE *f = fopen(path, "rb");
	size_t n;
	struct pseudonym *p;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	n = fread(key, 1, sizeof(key), f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(f);
		return NULL;
	}
	fclose(f);
	if (n != PSEUDONYM_KEY_LEN) {
		if (n > PSEUDONYM_KEY_LEN)
			snprintf(err, errlen, "%s: longer than %d bytes (a key "
				 "file is 16 bytes of AES key, then 16 of pad)",
				 path, PSEUDONYM_KEY_LEN);
		else
			snprintf(err, errlen, "%s: %zu bytes, expected %d (16 "
				 "bytes of AES key, then 16 of pad)", path, n,
				 PSEUDONYM_KEY_LEN);
		return NULL;
	}
	p = pseudonym_new(key);
	memset(key, 0, sizeof(key));
	if (!p)
		snprintf(err, errlen, "%s: cannot set up AES-128", path);
	return p;
}

void pseudonym_free(struct pseudonym *p)
{
	if (!p)
		return;
	EVP_CIPHER_CTX_free(p->ctx);
	pthread_mutex_destroy(&p->lock);
	memset(p->pad, 0, sizeof(p->pad));
	free(p);
}

/* The reference construction over nbits (32 or 128) of in. */
static void anonymise(struct pseudonym *p, const uint8_t *in, uint8_t *out,
		      int nbits)
{
	uint8_t blocks[MAX_BITS * BLOCK], enc[MAX_BITS * BLOCK];
	uint8_t otp[BLOCK] = {0};
	int nbytes = nbits / 8;
	bool ok;

	for (int pos = 0; pos < nbits; pos++) {
		uint8_t *b = blocks + pos * BLOCK;
		int whole = pos / 8, rest = pos % 8;

		/* The first pos bits of the address, then the pad's. */
		memcpy(b, p->pad, BLOCK);
		memcpy(b, in, (size_t)whole);
		if (rest) {
			uint8_t mask = (uint8_t)(0xff << (8 - rest));

			b[whole] = (uint8_t)((in[whole] & mask) |
					     (p->pad[whole] & ~mask));
		}
	}
	pthread_mutex_lock(&p->lock);
	ok = ecb(p->ctx, blocks, enc, nbits * BLOCK);
	pthread_mutex_unlock(&p->lock);
	if (!ok) {
		/* Never let a real address through: a constant instead. */
		memset(out, 0, (size_t)nbytes);
		return;
	}
	for (int pos = 0; pos < nbits; pos++)
		otp[pos / 8] |= (uint8_t)((enc[pos * BLOCK] >> 7) << (7 - pos % 8));
	for (int i = 0; i < nbytes; i++)
		out[i] = in[i] ^ otp[i];
}

void pseudonym_v4(struct pseudonym *p, const uint8_t in[4], uint8_t out[4])
{
	anonymise(p, in, out, 32);
}

void pseudonym_v6(struct pseudonym *p, const uint8_t in[16], uint8_t out[16])
{
	anonymise(p, in, out, 128);
}

void pseudonym_addr(struct pseudonym *p, uint8_t family, const uint8_t in[16],
		    uint8_t out[16])
{
	if (out != in)
		memcpy(out, in, 16);
	anonymise(p, in, out, family == 6 ? 128 : 32);
}
