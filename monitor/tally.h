/*
 * tally.h: bounded counting tables for the replay summary and report.
 *
 * A tally maps a short text key ("FR", "Amazon Web Services", an address)
 * to flows and bytes. It holds at most `cap` keys; once full, new keys are
 * added to one "(other)" row and counted in overflow, so a capture of a
 * million destinations cannot grow it without limit.
 */
#ifndef BERGERIE_TALLY_H
#define BERGERIE_TALLY_H

#include <stddef.h>
#include <stdint.h>

enum { TALLY_KEY_MAX = 128, TALLY_EXTRA_MAX = 64 };

struct tally_row {
	char key[TALLY_KEY_MAX];
	char extra[TALLY_EXTRA_MAX];	/* e.g. the operator's jurisdiction */
	uint64_t flows;
	uint64_t bytes_out;		/* sent by the home end */
	uint64_t bytes_in;
	int verdict;			/* the worst verdict seen, -1 none */
};

struct tally;

struct tally *tally_new(size_t cap);
void tally_free(struct tally *t);

/* Adds to key's row (created if new). extra is kept from the first add. */
void tally_add(struct tally *t, const char *key, const char *extra,
	       uint64_t bytes_out, uint64_t bytes_in, int verdict,
	       int (*worse)(int a, int b));

/* A copy of the rows sorted by bytes_out, then flows, then key (stable for
 * golden output), "(other)" included. The caller frees it; NULL when out
 * of memory. */
struct tally_row *tally_sorted(const struct tally *t, size_t *n);

uint64_t tally_overflow(const struct tally *t);

/* Adds every row of src to dst, as if src's adds had been made on dst
 * after dst's own (src's "(other)" row joins dst's). */
void tally_merge(struct tally *dst, const struct tally *src,
		 int (*worse)(int a, int b));

#endif
