/*
 * siphash.h: SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012), the keyed hash behind the flow and fragment
 * tables.
 *
 * A keyed hash, with a random key per process, keeps a flood of crafted
 * addresses from piling into one bucket: without the key an attacker can
 * compute which tuples collide.
 */
#ifndef BERGERIE_SIPHASH_H
#define BERGERIE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

enum { SIPHASH_KEY_LEN = 16 };

/* SipHash-2-4 of len bytes under a 128-bit key (read little-endian, as the
 * reference implementation does). */
uint64_t siphash(const uint8_t key[SIPHASH_KEY_LEN], const void *data,
		 size_t len);

#endif
