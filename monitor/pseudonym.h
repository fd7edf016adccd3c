/*
 * pseudonym.h: keyed, prefix-preserving address pseudonyms (Crypto-PAn).
 *
 * Jobs: load a 32-byte key file (--pseudonymize KEYFILE); map an IPv4
 * address over 32 bits and an IPv6 address over 128 bits to its pseudonym,
 * the same for a given key (CONTRACT.md section 7). Two addresses sharing
 * their first k bits get pseudonyms sharing exactly their first k bits, so
 * a shared report still shows which hosts sit in the same subnet.
 *
 * The construction is the reference implementation's (Xu, Fan, Ammar,
 * Moon, "Prefix-preserving IP address anonymization", 2002; panonymizer.cpp):
 * AES-128 (OpenSSL) keyed with the key file's first 16 bytes; the pad is
 * the encryption of its last 16 bytes. Bit i of the one-time pad is the
 * first bit of AES(first i bits of the address . the pad's bits after i);
 * the pseudonym is the address XOR that pad.
 *
 * Thread-safe: the packet thread (alerts, the report) and the output
 * thread (flow records) share one handle.
 *
 * Must never: decide which addresses are home (the caller does).
 */
#ifndef BERGERIE_PSEUDONYM_H
#define BERGERIE_PSEUDONYM_H

#include <stddef.h>
#include <stdint.h>

enum { PSEUDONYM_KEY_LEN = 32 };

struct pseudonym;

/* From the 32 key bytes: NULL when out of memory or OpenSSL fails. */
struct pseudonym *pseudonym_new(const uint8_t key[PSEUDONYM_KEY_LEN]);

/* From a key file of exactly 32 bytes. NULL with err naming the file. */
struct pseudonym *pseudonym_load(const char *path, char *err, size_t errlen);

void pseudonym_free(struct pseudonym *p);

/* in and out may be the same buffer. */
void pseudonym_v4(struct pseudonym *p, const uint8_t in[4], uint8_t out[4]);
void pseudonym_v6(struct pseudonym *p, const uint8_t in[16], uint8_t out[16]);

/* family 4 (b[0..3]) or 6 (b[0..15]); other bytes of out are copied. */
void pseudonym_addr(struct pseudonym *p, uint8_t family, const uint8_t in[16],
		    uint8_t out[16]);

#endif
