/*
 * decode_ip.c: IPv4 and IPv6 headers, and the next-protocol demux they share.
 *
 * Jobs: check the IP header (version, header length, total/payload length,
 * fragment fields), walk IPv6 extension headers, start the flow layer with
 * addresses, protocol, VLANs and tunnel data, narrow the cursor to the
 * packet's declared length (link padding is never payload) and hand the
 * payload to the transport or tunnel decoder. Also reads the IP header an
 * ICMP error quotes.
 *
 * Lengths: a packet the capture's snaplen cut short, with whole headers, is
 * not malformed. ip_bytes comes from the header and payload_len is what was
 * captured. A packet shorter than its header says in a frame that was NOT
 * cut is truncated (tcpdump's "truncated-ip", Suricata's IPV4_TRUNC_PKT).
 *
 * Must never: allocate, or read a byte but through the cursor.
 */
#include <string.h>

#include "cursor.h"
#include "decode_int.h"
#include "packet.h"

enum {
	IPV4_MIN_HDR_LEN = 20,
	IPV6_HDR_LEN = 40,
	IPV6_FRAG_HDR_LEN = 8,
	IP_MAX_DATAGRAM = 65535,
	/*
	 * RFC 8200 section 4.1 lists six extension header types, each at most
	 * once but Destination Options (twice), before ESP ends the chain: a
	 * legal chain has at most 7. Eight leaves a margin and bounds the
	 * work a hostile chain costs.
	 */
	IPV6_MAX_EXTHDRS = 8,
};

/* Starts the layer in the next free slot, or counts too_many_layers. */
static const struct pkt_layer zero_layer;

static struct pkt_layer *layer_begin(struct decode_ctx *ctx, uint8_t family)
{
	struct packet *pkt = ctx->pkt;
	struct pkt_layer *l;
	uint8_t i;

	if (pkt->nlayers >= PKT_MAX_LAYERS) {
		decode_anomaly(ctx, ANOMALY_TOO_MANY_LAYERS);
		return NULL;
	}
	l = &pkt->layer[pkt->nlayers];
	/* Every field starts zeroed. A copy of a zero layer, not memset():
	 * the compiler makes that a handful of vector stores, where memset()
	 * of this size becomes a rep stos costing more than the decode. */
	*l = zero_layer;
	l->t.family = family;
	for (i = 0; i < ctx->nvlan; i++)
		l->vlan[i] = ctx->vlan[i];
	l->nvlan = ctx->nvlan;
	l->depth = pkt->nlayers;
	l->tunnel = ctx->tunnel;
	l->vni = ctx->vni;
	l->has_vni = ctx->has_vni;
	return l;
}

void decode_layer_commit(struct decode_ctx *ctx)
{
	ctx->pkt->nlayers++;
}

/*
 * Fits the window to the length an IP (or UDP) header declares, after the
 * header. False when the packet is shorter than declared and that is not
 * the capture's doing.
 */
static bool window_fit(struct decode_ctx *ctx, struct cursor *c, size_t len)
{
	if (len <= cursor_remaining(c)) {
		cursor_limit(c, len);
		ctx->cut = false;
		return true;
	}
	return ctx->cut;
}

/*
 * IPv4 (RFC 791 section 3.1).
 */
void decode_ipv4(struct decode_ctx *ctx, struct cursor *c)
{
	const uint8_t *h;
	struct pkt_layer *l;
	unsigned hlen, tot_len, frag, frag_off;
	bool more_frags;

	if (!decode_enter(ctx))
		return;
	if (cursor_has(c, 1) && cursor_peek_u8(c, 0) >> 4 != 4) {
		decode_anomaly(ctx, ANOMALY_IPV4_BAD_VERSION);
		return;
	}
	h = cursor_peek(c, IPV4_MIN_HDR_LEN);
	if (!h) {
		decode_anomaly(ctx, ANOMALY_IPV4_TRUNCATED);
		return;
	}
	/* IHL counts 32-bit words; 5 is the header without options. */
	hlen = (h[0] & 0x0fu) * 4;
	if (hlen < IPV4_MIN_HDR_LEN) {
		decode_anomaly(ctx, ANOMALY_IPV4_BAD_IHL);
		return;
	}
	/* Total length counts the header too (RFC 791 3.1, "Total Length"). */
	tot_len = (unsigned)h[2] << 8 | h[3];
	/*
	 * Total length 0 is what a host sees of its own segments when the
	 * NIC segments them (TSO, GSO, BIG TCP): the kernel leaves the field
	 * for the hardware to fill. tcpdump (print-ip.c, GUESS_TSO) and
	 * Wireshark take the frame's length then; so do we, or every
	 * upload captured on the sending host would be lost.
	 */
	if (tot_len == 0) {
		tot_len = (unsigned)cursor_remaining(c);
		if (ctx->cut)
			tot_len += ctx->pkt->wirelen - ctx->pkt->caplen;
	}
	if (tot_len < hlen) {
		decode_anomaly(ctx, ANOMALY_IPV4_BAD_TOTAL_LENGTH);
		return;
	}
	/* Options running past what was captured. */
	if (!cursor_has(c, hlen)) {
		decode_anomaly(ctx, ANOMALY_IPV4_TRUNCATED);
		return;
	}
	if (!window_fit(ctx, c, tot_len)) {
		decode_anomaly(ctx, ANOMALY_IPV4_TRUNCATED);
		return;
	}
	/* Flags (reserved, DF, MF) and the offset in 8-byte units. A fragment
	 * reaching past 65535 bytes cannot be reassembled (RFC 791 3.2; the
	 * "ping of death"). */
	frag = (unsigned)h[6] << 8 | h[7];
	frag_off = (frag & 0x1fffu) * 8;
	more_frags = frag & 0x2000u;
	if ((frag_off || more_frags) &&
	    frag_off + (tot_len - hlen) > IP_MAX_DATAGRAM) {
		decode_anomaly(ctx, ANOMALY_IPV4_BAD_FRAGMENT);
		return;
	}

	l = layer_begin(ctx, 4);
	if (!l)
		return;
	memcpy(l->t.src.b, h + 12, 4);
	memcpy(l->t.dst.b, h + 16, 4);
	l->t.proto = h[9];
	l->ip_bytes = tot_len;
	if (frag_off || more_frags) {
		l->fragment = true;
		l->first_fragment = frag_off == 0;
		l->frag_id = (uint32_t)h[4] << 8 | h[5];
	}
	cursor_skip(c, hlen);	/* options are not needed for flows */
	decode_ip_demux(ctx, l, c, tot_len - hlen);
}

/* What an IPv6 extension header chain leads to. */
struct ipv6_chain {
	uint8_t nh;		/* in: first header; out: upper-layer protocol */
	uint32_t consumed;	/* bytes of extension headers walked */
	bool fragment;
	uint32_t frag_off;	/* bytes */
	bool more_frags;
	uint32_t frag_id;
	uint32_t frag_end;	/* consumed up to the end of the Fragment header */
};

/*
 * Walks extension headers (RFC 8200 section 4) until an upper-layer header,
 * ESP, No Next Header, or a later fragment (whose chain continues in its
 * first fragment only). Returns the anomaly met, ANOMALY_NONE if none.
 */
static enum decode_anomaly ipv6_walk_chain(struct cursor *c,
					   struct ipv6_chain *ch)
{
	unsigned n = 0;
	uint16_t off_flags;
	size_t len;

	for (;;) {
		switch (ch->nh) {
		case IPPROTO_NUM_HOPOPTS:
		case IPPROTO_NUM_ROUTING:
		case IPPROTO_NUM_DSTOPTS:
		case IPPROTO_NUM_AH:
			break;
		case IPPROTO_NUM_FRAGMENT:
			break;
		default:
			return ANOMALY_NONE;
		}
		if (++n > IPV6_MAX_EXTHDRS)
			return ANOMALY_IPV6_TOO_MANY_EXTHDRS;
		if (!cursor_has(c, 2))
			return ANOMALY_IPV6_EXTHDR_TRUNCATED;

		if (ch->nh == IPPROTO_NUM_FRAGMENT) {
			/* RFC 8200 4.5: next header, reserved, offset (13
			 * bits, 8-byte units), 2 reserved bits, M; id. */
			uint8_t next = cursor_u8(c);

			cursor_skip(c, 1);
			off_flags = cursor_be16(c);
			ch->frag_id = cursor_be32(c);
			if (!cursor_ok(c))
				return ANOMALY_IPV6_EXTHDR_TRUNCATED;
			if (ch->fragment)	/* two Fragment headers */
				return ANOMALY_IPV6_BAD_FRAGMENT;
			ch->consumed += IPV6_FRAG_HDR_LEN;
			ch->frag_end = ch->consumed;
			ch->frag_off = off_flags & 0xfff8u;
			ch->more_frags = off_flags & 1;
			ch->nh = next;
			/* Offset 0 without M is an atomic fragment (RFC 6946):
			 * a whole packet, processed as one. */
			if (ch->frag_off == 0 && !ch->more_frags)
				continue;
			ch->fragment = true;
			if (ch->frag_off != 0)
				return ANOMALY_NONE;
			continue;
		}

		/* Hop-by-Hop, Routing, Destination Options: length in 8-byte
		 * units beyond the first 8 (RFC 8200 4.3-4.6). AH: in 4-byte
		 * units minus 2 (RFC 4302 2.2). */
		len = cursor_peek_u8(c, 1);
		len = ch->nh == IPPROTO_NUM_AH ? (len + 2) * 4 : (len + 1) * 8;
		ch->nh = cursor_peek_u8(c, 0);
		cursor_skip(c, len);
		if (!cursor_ok(c))
			return ANOMALY_IPV6_EXTHDR_TRUNCATED;
		ch->consumed += (uint32_t)len;
	}
}

/*
 * The Jumbo Payload option (RFC 2675 section 2: type 0xc2, length 4, a
 * 32-bit length over 65535) in the Hop-by-Hop header at the cursor. Returns
 * the jumbo length, 0 when there is none or it is impossible.
 */
static uint32_t ipv6_jumbo_length(const struct cursor *c)
{
	struct cursor opts = *c;
	size_t hbh_len;
	uint8_t type, len;

	if (!cursor_has(&opts, 2))
		return 0;
	hbh_len = ((size_t)cursor_peek_u8(&opts, 1) + 1) * 8;
	if (!cursor_has(&opts, hbh_len))
		return 0;
	opts = cursor_sub(&opts, hbh_len);
	cursor_skip(&opts, 2);
	/* Options are TLVs; Pad1 (type 0) is a single byte (RFC 8200 4.2). */
	while (cursor_remaining(&opts) > 0) {
		type = cursor_u8(&opts);
		if (type == 0)
			continue;
		len = cursor_u8(&opts);
		if (type == 0xc2 && len == 4) {
			uint32_t jumbo = cursor_be32(&opts);

			return cursor_ok(&opts) && jumbo > IP_MAX_DATAGRAM ?
				       jumbo : 0;
		}
		cursor_skip(&opts, len);
		if (!cursor_ok(&opts))
			return 0;
	}
	return 0;
}

/*
 * Linux BIG TCP (since 6.3) sends TCP segments over 64 KiB with payload
 * length 0 and no Jumbo option at all, also inside UDP tunnels (VXLAN,
 * Geneve, with UDP length 0), and its own capture sees them so (tcpdump's
 * bigtcp-ipv6* tests). Only a frame too long for any real payload length is
 * taken for one: its length is the frame's.
 */
static uint32_t ipv6_big_tcp_length(const struct decode_ctx *ctx,
				    const struct cursor *c)
{
	uint64_t len = cursor_remaining(c);

	if (ctx->cut)
		len += ctx->pkt->wirelen - ctx->pkt->caplen;
	return len > IP_MAX_DATAGRAM && len <= UINT32_MAX - IPV6_HDR_LEN ?
		       (uint32_t)len : 0;
}

/*
 * IPv6 (RFC 8200 section 3).
 */
void decode_ipv6(struct decode_ctx *ctx, struct cursor *c)
{
	const uint8_t *h;
	struct pkt_layer *l;
	struct ipv6_chain ch = { 0 };
	enum decode_anomaly a;
	uint32_t plen, frag_len;

	if (!decode_enter(ctx))
		return;
	if (cursor_has(c, 1) && cursor_peek_u8(c, 0) >> 4 != 6) {
		decode_anomaly(ctx, ANOMALY_IPV6_BAD_VERSION);
		return;
	}
	h = cursor_bytes(c, IPV6_HDR_LEN);
	if (!h) {
		decode_anomaly(ctx, ANOMALY_IPV6_TRUNCATED);
		return;
	}
	/* Payload length 0 with something to carry is a jumbogram (RFC 2675
	 * section 3): the length is in a Jumbo Payload option, which must
	 * then be in a Hop-by-Hop header. Without one it is invalid. */
	plen = (uint32_t)h[4] << 8 | h[5];
	ch.nh = h[6];
	if (plen == 0 && ch.nh != IPPROTO_NUM_NONE) {
		if (ch.nh == IPPROTO_NUM_HOPOPTS)
			plen = ipv6_jumbo_length(c);
		else if (ch.nh == IPPROTO_NUM_TCP || ch.nh == IPPROTO_NUM_UDP)
			plen = ipv6_big_tcp_length(ctx, c);
		if (plen == 0) {
			decode_anomaly(ctx, ANOMALY_IPV6_BAD_PAYLOAD_LENGTH);
			return;
		}
	}
	if (!window_fit(ctx, c, plen)) {
		decode_anomaly(ctx, ANOMALY_IPV6_TRUNCATED);
		return;
	}

	a = ipv6_walk_chain(c, &ch);
	if (a != ANOMALY_NONE) {
		decode_anomaly(ctx, a);
		return;
	}
	if (ch.fragment && plen > IP_MAX_DATAGRAM) {
		/* RFC 2675 section 3: a jumbogram has no Fragment header. */
		decode_anomaly(ctx, ANOMALY_IPV6_BAD_FRAGMENT);
		return;
	}
	if (ch.fragment) {
		/* RFC 8200 4.5: a fragment other than the last must be a
		 * multiple of 8 bytes long, and no fragment may reach past
		 * 65535 bytes of reassembled payload. */
		frag_len = plen - ch.frag_end;
		if ((ch.more_frags && frag_len % 8 != 0) ||
		    ch.frag_off + frag_len > IP_MAX_DATAGRAM) {
			decode_anomaly(ctx, ANOMALY_IPV6_BAD_FRAGMENT);
			return;
		}
	}

	l = layer_begin(ctx, 6);
	if (!l)
		return;
	memcpy(l->t.src.b, h + 8, 16);
	memcpy(l->t.dst.b, h + 24, 16);
	l->t.proto = ch.nh;
	l->ip_bytes = plen + IPV6_HDR_LEN;
	if (ch.fragment) {
		l->fragment = true;
		l->first_fragment = ch.frag_off == 0;
		l->frag_id = ch.frag_id;
	}
	decode_ip_demux(ctx, l, c, plen - ch.consumed);
}

void decode_ip_any(struct decode_ctx *ctx, struct cursor *c,
		   enum decode_anomaly bad_version)
{
	switch (cursor_peek_u8(c, 0) >> 4) {
	case 4:
		decode_ipv4(ctx, c);
		break;
	case 6:
		decode_ipv6(ctx, c);
		break;
	default:
		decode_anomaly(ctx, bad_version);
		break;
	}
}

/*
 * The protocol demux, one for both IP versions (tcpdump's print-ip-demux.c).
 * A later fragment carries no transport header: its layer is complete with
 * the IP header, and the bytes it carries are not the start of any payload.
 * Tunnels are not entered from fragments: the inner packet is whole only
 * after reassembly, which flows do not do; the outer flow counts it.
 */
void decode_ip_demux(struct decode_ctx *ctx, struct pkt_layer *l,
		     struct cursor *c, uint32_t ip_plen)
{
	if (l->fragment && !l->first_fragment) {
		decode_layer_commit(ctx);
		return;
	}

	switch (l->t.proto) {
	case IPPROTO_NUM_TCP:
		decode_tcp(ctx, l, c, ip_plen);
		return;
	case IPPROTO_NUM_UDP:
		decode_udp(ctx, l, c, ip_plen);
		return;
	case IPPROTO_NUM_ICMP:
		if (l->t.family == 4) {
			decode_icmp(ctx, l, c);
			return;
		}
		break;
	case IPPROTO_NUM_ICMPV6:
		if (l->t.family == 6) {
			decode_icmpv6(ctx, l, c);
			return;
		}
		break;
	case IPPROTO_NUM_SCTP:
		decode_sctp(ctx, l, c);
		return;
	case IPPROTO_NUM_GRE:
		decode_layer_commit(ctx);
		if (!l->fragment)
			decode_gre(ctx, c);
		return;
	case IPPROTO_NUM_IPIP:
	case IPPROTO_NUM_IPV6:
		decode_layer_commit(ctx);
		if (!l->fragment)
			decode_ip_in_ip(ctx, c, l->t.proto, l->t.family);
		return;
	default:
		break;
	}
	/* ESP, OSPF, ...: a flow by protocol alone. */
	l->payload_len = (uint32_t)cursor_remaining(c);
	l->payload = cursor_bytes(c, l->payload_len);
	decode_layer_commit(ctx);
}

/*
 * The packet an ICMP error quotes: "as much of invoking packet as possible
 * without the ICMPv6 packet exceeding the minimum IPv6 MTU" (RFC 4443 2.4 c),
 * the IP header plus 64 bits of data for ICMP (RFC 792). Whatever is there
 * is read; nothing here is an anomaly.
 */
bool decode_ip_quoted(struct cursor *c, uint8_t family, struct flow_tuple *out)
{
	const uint8_t *h, *t;
	bool later_fragment = false;
	unsigned hlen;

	memset(out, 0, sizeof(*out));
	if (family == 4) {
		h = cursor_peek(c, IPV4_MIN_HDR_LEN);
		if (!h || h[0] >> 4 != 4)
			return false;
		hlen = (h[0] & 0x0fu) * 4;
		if (hlen < IPV4_MIN_HDR_LEN || !cursor_has(c, hlen))
			return false;
		memcpy(out->src.b, h + 12, 4);
		memcpy(out->dst.b, h + 16, 4);
		out->proto = h[9];
		later_fragment = (h[6] & 0x1f) != 0 || h[7] != 0;
		cursor_skip(c, hlen);
	} else {
		struct ipv6_chain ch = { 0 };

		h = cursor_bytes(c, IPV6_HDR_LEN);
		if (!h || h[0] >> 4 != 6)
			return false;
		memcpy(out->src.b, h + 8, 16);
		memcpy(out->dst.b, h + 24, 16);
		ch.nh = h[6];
		if (ipv6_walk_chain(c, &ch) != ANOMALY_NONE)
			return false;
		out->proto = ch.nh;
		later_fragment = ch.fragment && ch.frag_off != 0;
	}
	out->family = family;

	t = cursor_peek(c, 8);
	if (later_fragment || !t)
		return true;
	switch (out->proto) {
	case IPPROTO_NUM_TCP:
	case IPPROTO_NUM_UDP:
	case IPPROTO_NUM_SCTP:
		out->sport = (uint16_t)(t[0] << 8 | t[1]);
		out->dport = (uint16_t)(t[2] << 8 | t[3]);
		break;
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		/* An echo's identifier, as its flow is keyed. */
		if (decode_icmp_echo_like(out->proto, t[0]))
			out->sport = out->dport = (uint16_t)(t[4] << 8 | t[5]);
		break;
	default:
		break;
	}
	return true;
}
