/*
 * mkseeds.c: seed inputs for the fuzz targets, from captures and from
 * messages built byte by byte (tests/fuzz/README.md says how the committed
 * corpora were made from them).
 *
 *   build/fuzz/mkseeds OUTDIR [-s SNAP] FILE.pcap...
 *
 * -s cuts the frames of the packet seeds of the captures after it to SNAP
 * bytes (0: whole), to keep the corpus small.
 *
 * writes OUTDIR/<target>/<hash> files:
 *  - packet: runs of up to 4 frames (the first 64 frames) of each capture
 *    in fuzz_packet.c's form (link type byte, then length, time step and
 *    frame): short runs keep the merged corpus small;
 *  - dns: DNS responses (UDP from port 53 or 5353, TCP from port 53 without
 *    its length prefix);
 *  - tls: TCP client data starting with a handshake record, plus
 *    ClientHellos from tests/unit/hello_builder.h (GREASE, ECH, split over
 *    records, without records);
 *  - http: TCP data starting with a request line;
 *  - quic: QUIC Initial datagrams (raw mode), plus sealed-mode inputs
 *    carrying a built ClientHello in CRYPTO frames (in order, reversed,
 *    coalesced; v1 and v2).
 * The policy and cloud range seeds are plain files (tests/fuzz/README.md).
 * Names are a hash of the content, so a rerun rewrites the same files.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "monitor/decode.h"
#include "monitor/quic.h"
#include "tests/unit/hello_builder.h"

static const char *outdir;
static uint32_t snap;

enum { RUN_FRAMES = 4, RUN_MAX_FRAMES = 64 };

/* fuzz_packet.c's link type table, in the same order. */
static const int link_types[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, 12, 14, 101,
	DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP,
};

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void put(const char *target, const uint8_t *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/%s/%016llx", outdir, target,
		 (unsigned long long)fnv1a(p, n));
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "mkseeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* A prefix of flags/cut bytes, then the bytes: the tls and http form. */
static void put_cut(const char *target, uint8_t flags, const uint8_t *p,
		    size_t n)
{
	uint8_t *b = malloc(n + 3);
	size_t cut = n / 2;

	if (!b)
		exit(1);
	b[0] = flags;
	b[1] = (uint8_t)(cut >> 8);
	b[2] = (uint8_t)cut;
	memcpy(b + 3, p, n);
	put(target, b, n + 3);
	free(b);
}

static bool looks_http(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && i < 16 && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	return i >= 3 && i < n && p[i] == ' ';
}

static void payload_seeds(const struct pkt_layer *l)
{
	const uint8_t *p = l->payload;
	size_t n = l->payload_len;

	if (!n || !l->has_ports)
		return;
	if (l->t.proto == IPPROTO_NUM_UDP) {
		if (l->t.sport == 53 || l->t.sport == 5353)
			put("dns", p, n);
		if (quic_is_initial(p, n) && n <= 4000) {
			uint8_t b[4003];

			b[0] = 0;
			b[1] = (uint8_t)(n >> 8);
			b[2] = (uint8_t)n;
			memcpy(b + 3, p, n);
			put("quic", b, n + 3);
		}
	} else if (l->t.proto == IPPROTO_NUM_TCP) {
		if (l->t.sport == 53 && n > 2)
			put("dns", p + 2, n - 2);
		if (p[0] == 0x16)
			put_cut("tls", 0, p, n);
		if (looks_http(p, n))
			put_cut("http", 0, p, n);
	}
}

/* fuzz_packet.c's time step: < 128 is 10 ms units, else whole seconds. */
static uint8_t time_step(uint64_t dns)
{
	if (dns < 1280000000ull)
		return (uint8_t)(dns / 10000000ull);
	dns = (dns + 999999999ull) / 1000000000ull;
	return dns > 128 ? 255 : (uint8_t)(127 + dns);
}

static void from_pcap(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	static struct packet pkt;
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t *run = NULL;
	size_t rn = 0, frames = 0, li;
	uint64_t prev = 0;
	int lt;

	if (!pc) {
		fprintf(stderr, "mkseeds: %s\n", errbuf);
		return;
	}
	lt = pcap_datalink(pc);
	for (li = 0; li < sizeof(link_types) / sizeof(link_types[0]); li++)
		if (link_types[li] == lt)
			break;
	if (li == sizeof(link_types) / sizeof(link_types[0])) {
		pcap_close(pc);
		return;
	}
	run = malloc(RUN_FRAMES * (65535 + 3) + 1);
	if (!run)
		exit(1);
	while (pcap_next_ex(pc, &h, &d) == 1) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull +
			      (uint64_t)h->ts.tv_usec;
		uint32_t len = h->caplen > 65535 ? 65535 : h->caplen;

		if (snap && len > snap)
			len = snap;

		pkt.ts_ns = ts;
		decode_packet(&pkt, lt, d, h->caplen, h->len);
		for (int i = 0; i < pkt.nlayers; i++)
			payload_seeds(&pkt.layer[i]);
		if (rn == 0) {
			run[rn++] = (uint8_t)li;
			prev = ts;
		}
		run[rn++] = (uint8_t)(len >> 8);
		run[rn++] = (uint8_t)len;
		run[rn++] = time_step(ts > prev ? ts - prev : 0);
		memcpy(run + rn, d, len);
		rn += len;
		prev = ts;
		if (++frames % RUN_FRAMES == 0) {
			put("packet", run, rn);
			rn = 0;
			if (frames == RUN_MAX_FRAMES)
				break;
		}
	}
	if (rn)
		put("packet", run, rn);
	free(run);
	pcap_close(pc);
}

static void tls_seeds(void)
{
	static struct hb hs, rec;
	struct hello_opts o[] = {
		{ .sni = "www.example.com" },
		{ .sni = "public.ech-provider.example", .grease = true,
		  .ech = true, .padding = 200 },
		{ .sni = NULL },
		{ .sni = "192.0.2.1" },
		{ .sni = "Caf\xc3\xa9.EXAMPLE." },
	};

	for (size_t i = 0; i < sizeof(o) / sizeof(o[0]); i++) {
		hello_build(&hs, &o[i]);
		records_wrap(&rec, hs.b, hs.n, 16384);
		put_cut("tls", 0, rec.b, rec.n);
		put_cut("tls", 1, rec.b, rec.n);
		records_wrap(&rec, hs.b, hs.n, 40);	/* split over records */
		put_cut("tls", 0, rec.b, rec.n);
		put_cut("tls", 4 | 8, rec.b, rec.n);	/* small join buffer */
		put_cut("tls", 2, hs.b, hs.n);		/* no records (QUIC) */
	}
}

static size_t varint(uint8_t *p, uint64_t v)
{
	if (v < 64) {
		p[0] = (uint8_t)v;
		return 1;
	}
	p[0] = (uint8_t)(0x40 | v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

/* A sealed-mode input: CRYPTO frames for hs split in two, in order or
 * reversed, each packet on its own or coalesced. */
static void quic_seed(bool v2, bool reversed, bool coalesce,
		      const struct hb *hs)
{
	static uint8_t b[8192];
	uint8_t frames[2][4096];
	size_t fl[2], n = 0, half = hs->n / 2;

	for (int k = 0; k < 2; k++) {
		size_t off = k ? half : 0, len = k ? hs->n - half : half, m = 0;

		frames[k][m++] = 0x06;
		m += varint(frames[k] + m, off);
		m += varint(frames[k] + m, len);
		memcpy(frames[k] + m, hs->b + off, len);
		fl[k] = m + len;
	}
	b[n++] = 1;
	b[n++] = v2;
	b[n++] = 8;
	memcpy(b + n, "\x83\x94\xc8\xf0\x3e\x51\x57\x08", 8);
	n += 8;
	for (int k = 0; k < 2; k++) {
		int j = reversed ? 1 - k : k;

		b[n++] = (uint8_t)(3 | (coalesce && k == 0 ? 4 : 0));
		b[n++] = (uint8_t)(fl[j] >> 8);
		b[n++] = (uint8_t)fl[j];
		memcpy(b + n, frames[j], fl[j]);
		n += fl[j];
	}
	put("quic", b, n);
}

static void quic_seeds(void)
{
	static struct hb hs;
	struct hello_opts o = { .sni = "quic.example.net", .grease = true };

	hello_build(&hs, &o);
	for (int m = 0; m < 8; m++)
		quic_seed(m & 1, m & 2, m & 4, &hs);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: mkseeds OUTDIR [FILE.pcap...]\n");
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0777);
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			snap = (uint32_t)strtoul(argv[++i], NULL, 10);
		else
			from_pcap(argv[i]);
	}
	tls_seeds();
	quic_seeds();
	return 0;
}
