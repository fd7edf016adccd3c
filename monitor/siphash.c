/*
 * siphash.c: SipHash-c-d, written from the paper's description (section 2):
 * four 64-bit words of state, c SipRounds per 8-byte message word, the
 * message length in the top byte of the last word, d rounds to finish.
 * SipHash-2-4 is the paper's; SipHash-1-3 the faster variant of the
 * reference repository, used by hash tables (Python, Rust, Linux's
 * hsiphash on 64-bit).
 */
#include "siphash.h"

#include <endian.h>
#include <string.h>

static inline uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

/* Little-endian load whatever the host order; memcpy makes it one load
 * where unaligned access is allowed. */
static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

#define SIPROUND(v0, v1, v2, v3)                         \
	do {                                             \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0;   \
		v0 = rotl(v0, 32);                       \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;   \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;   \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2;   \
		v2 = rotl(v2, 32);                       \
	} while (0)

/* Inlined into each caller with constant c and d, so the round loops
 * unroll. */
static inline __attribute__((always_inline)) uint64_t
siphash_cd(const uint8_t key[SIPHASH_KEY_LEN],
	   const void *data, size_t len, unsigned c, unsigned d)
{
	const uint8_t *p = data;
	const uint8_t *end = p + (len & ~(size_t)7);
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	/* "somepseudorandomlygeneratedbytes", the paper's constants. */
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m, b = (uint64_t)len << 56;

	for (; p != end; p += 8) {
		m = load_le64(p);
		v3 ^= m;
		for (unsigned i = 0; i < c; i++)
			SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}

	switch (len & 7) {
	case 7: b |= (uint64_t)p[6] << 48; /* fall through */
	case 6: b |= (uint64_t)p[5] << 40; /* fall through */
	case 5: b |= (uint64_t)p[4] << 32; /* fall through */
	case 4: b |= (uint64_t)p[3] << 24; /* fall through */
	case 3: b |= (uint64_t)p[2] << 16; /* fall through */
	case 2: b |= (uint64_t)p[1] << 8;  /* fall through */
	case 1: b |= (uint64_t)p[0];       /* fall through */
	default: break;
	}

	v3 ^= b;
	for (unsigned i = 0; i < c; i++)
		SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (unsigned i = 0; i < d; i++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t siphash(const uint8_t key[SIPHASH_KEY_LEN], const void *data,
		 size_t len)
{
	return siphash_cd(key, data, len, 2, 4);
}

uint64_t siphash13(const uint8_t key[SIPHASH_KEY_LEN], const void *data,
		   size_t len)
{
	return siphash_cd(key, data, len, 1, 3);
}
