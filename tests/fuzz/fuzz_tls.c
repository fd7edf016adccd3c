/*
 * fuzz_tls.c: the ClientHello parser (monitor/tls.h), with and without the
 * record layer, and the join of a handshake message split over records.
 *
 * Input: byte 0 holds flags (bit 0: final; bit 1: handshake bytes without
 * records, as QUIC hands them; bits 2-3 pick the join buffer's size, small
 * ones reaching "more than the scratch reads as final"); bytes 1-2 a cut
 * point; the rest is the client's stream.
 *
 * Invariants: a status from the enum; a HELLO's names sanitised, ALPN
 * printable; has_sni and sni_ip_literal never both; partial only when
 * final or when the record join had to stop; and reassembly is monotonic: when a prefix of the stream already
 * yields a whole (not partial) ClientHello, the whole stream yields the
 * same one; when the whole stream yields a whole ClientHello, no prefix of
 * it that fits the join buffer is "not a ClientHello" or malformed.
 */
#include "fuzz_common.h"
#include "monitor/tls.h"

static const size_t scratch_sizes[] = { 16384, 8192, 512, 64 };
static uint8_t scratch[16384];

static enum tls_status parse(const uint8_t *p, size_t len, bool final,
			     bool raw, size_t scratch_len, struct tls_hello *h)
{
	enum tls_status st;

	memset(h, 0xa5, sizeof(*h));
	if (raw)
		st = tls_parse_handshake(p, len, final, h);
	else
		st = tls_parse_records(p, len, final, scratch, scratch_len, h);
	FUZZ_CHECK(st == TLS_HELLO || st == TLS_NEED_MORE ||
		   st == TLS_NOT_HELLO || st == TLS_MALFORMED);
	FUZZ_CHECK(tls_status_name(st) != NULL);
	if (st == TLS_HELLO) {
		FUZZ_CHECK(!(h->has_sni && h->sni_ip_literal));
		/* partial: the caller said final, or (records) a record of
		 * another type or a full join buffer ended the stream. */
		FUZZ_CHECK(!h->partial || final || !raw);
		if (h->has_sni)
			fuzz_check_name(h->sni);
		if (h->has_alpn) {
			size_t n = strlen(h->alpn);

			FUZZ_CHECK(n <= TLS_ALPN_MAX);
			for (size_t i = 0; i < n; i++)
				FUZZ_CHECK(h->alpn[i] >= 0x20 &&
					   h->alpn[i] <= 0x7e);
		}
	}
	return st;
}

static bool same_hello(const struct tls_hello *a, const struct tls_hello *b)
{
	if (a->has_sni != b->has_sni || a->ech != b->ech ||
	    a->has_alpn != b->has_alpn || a->sni_invalid != b->sni_invalid ||
	    a->sni_ip_literal != b->sni_ip_literal)
		return false;
	if (a->has_sni && strcmp(a->sni, b->sni) != 0)
		return false;
	return !a->has_alpn || strcmp(a->alpn, b->alpn) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_hello whole, part;
	enum tls_status sw, sp;
	bool final, raw;
	size_t slen, cut;
	const uint8_t *p;

	if (size < 3)
		return 0;
	final = data[0] & 1;
	raw = data[0] & 2;
	slen = scratch_sizes[(data[0] >> 2) & 3];
	cut = (size_t)data[1] << 8 | data[2];
	p = data + 3;
	size -= 3;
	if (cut > size)
		cut = size;

	sw = parse(p, size, final, raw, slen, &whole);
	sp = parse(p, cut, false, raw, slen, &part);
	if (sp == TLS_HELLO && !part.partial) {
		FUZZ_CHECK(sw == TLS_HELLO);
		FUZZ_CHECK(same_hello(&whole, &part));
	}
	/* Unless the prefix filled the join buffer (which reads as final,
	 * while the whole may take the no-copy path). */
	if (sw == TLS_HELLO && !whole.partial && (raw || cut <= slen))
		FUZZ_CHECK(sp == TLS_HELLO || sp == TLS_NEED_MORE);
	return 0;
}
