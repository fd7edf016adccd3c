/*
 * siphash.h: SipHash (Aumasson and Bernstein, "SipHash: a fast short-input
 * PRF", 2012), the keyed hash behind the flow and fragment tables.
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

/*
 * SipHash-1-3, same key and input conventions: about half the rounds, for
 * hash tables on the per-packet path, where the key only has to keep an
 * attacker from predicting collisions (Rust's HashMap and Linux's
 * hsiphash make the same choice). The flow and fragment tables use it.
 */
uint64_t siphash13(const uint8_t key[SIPHASH_KEY_LEN], const void *data,
		   size_t len);

#endif
