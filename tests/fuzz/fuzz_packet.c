/*
 * fuzz_packet.c: the packet path, as monitor/pipeline.c runs it, minus the
 * geo engine and the outputs: decode_packet() over every supported link
 * type, then each layer through the fragment table, the flow table (ICMP
 * errors to the flow they quote) and the names (DNS, TLS, QUIC, HTTP).
 *
 * Input: byte 0 picks the link type (index into link_types[]); then
 * frames, each as
 *     len (2 bytes, big-endian)  dt (1 byte)  frame (len bytes)
 * the last frame taking what is left when len says more. dt advances the
 * packet clock: dt < 128 by dt * 10 ms, else by (dt - 127) s, so the small
 * timeouts below (and the caps) are reached within a few frames.
 * tests/fuzz/mkseeds.c writes pcaps/ in this form.
 *
 * Invariants checked (abort on failure):
 *  - after every packet: flow memory_used <= memcap, flows_active <=
 *    flows_max, frags_tracked <= frags_max, names memory <= names cap;
 *  - every record: a reason, at least one packet, a side that sent nothing
 *    has no bytes and no times, first <= last on each side, start and last
 *    the extremes of the sides' times, a sanitised server name;
 *  - the flush emits exactly flows_active records, leaving none active and
 *    the names' memory at zero (every flow's state released);
 *  - every packet the table counted is in exactly one final record (sums
 *    of packets and bytes over final records equal what was counted), and
 *    flows_created equals the number of final records.
 */
#include <pcap/dlt.h>

#include "fuzz_common.h"
#include "monitor/decode.h"
#include "monitor/flow_table.h"
#include "monitor/frag_table.h"
#include "monitor/names.h"

static const int link_types[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, 12, 14, 101,
	DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP,
};
#define NLINK (sizeof(link_types) / sizeof(link_types[0]))

enum {
	FLOW_MEMCAP = 48 * 1024,	/* a few dozen flows: eviction is reached */
	FRAG_MEMCAP = 2 * 1024,
	FRAG_TIMEOUT = 5,
	NAMES_MEMCAP = 96 * 1024,	/* a handful of reassembly buffers */
	DNS_CACHE_MEMCAP = 16 * 1024,
};

struct run {
	struct names *names;
	uint64_t clock;
	uint64_t emitted_final;		/* records of ended flows */
	uint64_t emitted_interim;
	uint64_t emitted_in_flush;
	bool flushing;
	uint64_t final_packets, final_bytes;	/* summed over final records */
	uint64_t counted_packets, counted_bytes;	/* what went in */
};

static void check_flow(const struct flow *f, enum flow_end_reason why)
{
	uint64_t first = UINT64_MAX, last = 0;

	FUZZ_CHECK(why != FLOW_END_NONE);
	FUZZ_CHECK(f->side[0].packets + f->side[1].packets >= 1);
	for (int s = 0; s < 2; s++) {
		const struct flow_side *sd = &f->side[s];

		if (sd->packets == 0) {
			FUZZ_CHECK(sd->bytes == 0);
			FUZZ_CHECK(sd->first_ns == 0 && sd->last_ns == 0);
			FUZZ_CHECK(sd->tcp_flags == 0);
			continue;
		}
		FUZZ_CHECK(sd->first_ns != 0);
		FUZZ_CHECK(sd->first_ns <= sd->last_ns);
		if (sd->first_ns < first)
			first = sd->first_ns;
		if (sd->last_ns > last)
			last = sd->last_ns;
	}
	FUZZ_CHECK(f->start_ns == first);
	FUZZ_CHECK(f->last_ns == last);
	FUZZ_CHECK(f->key.family == 4 || f->key.family == 6);
	if (f->key.proto != IPPROTO_NUM_TCP)
		FUZZ_CHECK(f->tcp_state == TCP_STATE_NONE);
}

static void on_emit(void *ctx, struct flow *f, enum flow_end_reason why)
{
	struct run *r = ctx;

	check_flow(f, why);
	fuzz_check_name(names_flow_name(f, NULL));
	fuzz_check_name(names_flow_dns_name(f));
	fuzz_check_name(names_flow_sni(f));
	if (why == FLOW_END_ACTIVE_TIMEOUT) {
		FUZZ_CHECK(!r->flushing);
		r->emitted_interim++;
		return;
	}
	r->emitted_final++;
	if (r->flushing)
		r->emitted_in_flush++;
	r->final_packets += f->side[0].packets + f->side[1].packets;
	r->final_bytes += f->side[0].bytes + f->side[1].bytes;
	names_flow_release(r->names, f);
}

static void check_caps(struct flow_table *ft, struct frag_table *gt,
		       struct names *nm)
{
	struct flow_table_stats fs;
	struct frag_table_stats gs;
	struct names_stats ns;

	flow_table_stats(ft, &fs);
	frag_table_stats(gt, &gs);
	names_stats(nm, &ns);
	FUZZ_CHECK(fs.memory_used <= FLOW_MEMCAP);
	FUZZ_CHECK(fs.flows_active <= fs.flows_max);
	FUZZ_CHECK(gs.frags_tracked <= gs.frags_max);
	FUZZ_CHECK(ns.names_memory <= NAMES_MEMCAP);
}

/* One layer, as pipeline.c's layer_to_flow() does it. */
static void layer(struct run *r, struct flow_table *ft, struct frag_table *gt,
		  struct packet *pkt, int i)
{
	struct pkt_layer *l = &pkt->layer[i];
	struct flow *f;
	int side;

	if (l->fragment) {
		if (l->first_fragment)
			frag_table_learn(gt, l, r->clock);
		else if (!frag_table_resolve(gt, l, r->clock))
			return;
	}
	if (l->icmp_error && l->has_quoted) {
		f = flow_table_find_quoted(ft, l, &side);
		if (f) {
			FUZZ_CHECK(side == 0 || side == 1);
			flow_table_count(ft, f, 1 - side, l->ip_bytes, r->clock);
			r->counted_packets++;
			r->counted_bytes += l->ip_bytes;
			return;
		}
	}
	f = flow_table_packet(ft, l, r->clock, 0, &side);
	if (!f)
		return;
	FUZZ_CHECK(side == 0 || side == 1);
	r->counted_packets++;
	r->counted_bytes += l->ip_bytes;
	names_packet(r->names, f, side, l, r->clock);
	fuzz_check_name(names_flow_name(f, NULL));
	if (i > 0 && flow_is_new(f)) {
		f->outer_src = pkt->layer[i - 1].t.src;
		f->outer_dst = pkt->layer[i - 1].t.dst;
		f->outer_family = pkt->layer[i - 1].t.family;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t seed[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
					  9, 10, 11, 12, 13, 14, 15, 16 };
	struct flow_table_config cfg;
	struct names_config nc;
	struct run r;
	struct flow_table *ft;
	struct frag_table *gt;
	struct flow_table_stats fs, fs0;
	struct names_stats ns;
	static struct packet pkt;
	char err[256];
	int linktype;
	size_t off = 1;

	if (size < 1)
		return 0;
	linktype = link_types[data[0] % NLINK];
	FUZZ_CHECK(decode_linktype_supported(linktype));

	memset(&r, 0, sizeof(r));
	memset(&cfg, 0, sizeof(cfg));
	cfg.memcap = FLOW_MEMCAP;
	/* Short timeouts, in the defaults' proportions, so that a few
	 * frames reach each of them. */
	cfg.timeouts = (struct flow_timeouts){ .tcp_idle = 30, .tcp_syn = 4,
					       .tcp_linger = 2, .udp = 8,
					       .icmp = 8, .other = 8,
					       .active = 20 };
	memcpy(cfg.seed, seed, sizeof(seed));
	memset(&nc, 0, sizeof(nc));
	nc.dns_cache_memcap = DNS_CACHE_MEMCAP;
	nc.names_memcap = NAMES_MEMCAP;
	memcpy(nc.seed, seed, sizeof(seed));

	r.names = names_new(&nc);
	FUZZ_CHECK(r.names);
	ft = flow_table_new(&cfg, on_emit, &r, err, sizeof(err));
	FUZZ_CHECK(ft);
	gt = frag_table_new(FRAG_MEMCAP, FRAG_TIMEOUT, seed);
	FUZZ_CHECK(gt);
	flow_table_stats(ft, &fs0);
	r.clock = 1700000000ull * 1000000000ull;

	while (off + 3 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		uint8_t dt = data[off + 2];

		off += 3;
		if (len > size - off)
			len = size - off;
		r.clock += dt < 128 ? dt * 10000000ull
				    : (dt - 127) * 1000000000ull;
		flow_table_advance(ft, r.clock);
		pkt.ts_ns = r.clock;
		decode_packet(&pkt, linktype, data + off, (uint32_t)len,
			      (uint32_t)len);
		FUZZ_CHECK(pkt.nlayers <= PKT_MAX_LAYERS);
		FUZZ_CHECK(pkt.anomaly < ANOMALY_COUNT);
		for (int i = 0; i < pkt.nlayers; i++) {
			const struct pkt_layer *l = &pkt.layer[i];

			FUZZ_CHECK(l->t.family == 4 || l->t.family == 6);
			FUZZ_CHECK(l->payload_len == 0 ||
				   (l->payload >= data + off &&
				    l->payload + l->payload_len <=
					    data + off + len));
			layer(&r, ft, gt, &pkt, i);
		}
		check_caps(ft, gt, r.names);
		off += len;
	}

	flow_table_stats(ft, &fs);
	r.flushing = true;
	flow_table_flush(ft, FLOW_END_END_OF_INPUT);
	FUZZ_CHECK(r.emitted_in_flush == fs.flows_active);
	flow_table_stats(ft, &fs);
	FUZZ_CHECK(fs.flows_active == 0);
	/* Flow slabs stay allocated for reuse: memory stays, under the cap. */
	FUZZ_CHECK(fs.memory_used >= fs0.memory_used);
	FUZZ_CHECK(fs.memory_used <= FLOW_MEMCAP);
	FUZZ_CHECK(fs.flows_created == r.emitted_final);
	FUZZ_CHECK(fs.flows_ended == r.emitted_final);
	FUZZ_CHECK(fs.flows_interim == r.emitted_interim);
	FUZZ_CHECK(r.final_packets == r.counted_packets);
	FUZZ_CHECK(r.final_bytes == r.counted_bytes);
	names_stats(r.names, &ns);
	FUZZ_CHECK(ns.names_memory == 0);

	frag_table_free(gt);
	flow_table_free(ft);
	names_free(r.names);
	return 0;
}
