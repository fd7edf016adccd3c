/*
 * decode_tunnel.c: tunnels whose payload is another IP packet.
 *
 * Jobs: read the tunnel header (GRE, VXLAN, Geneve, GTP-U; IP-in-IP and
 * 6in4 have none), note how the next IP layer is carried (type, VNI / key /
 * TEID) and hand the payload to the Ethernet or IP decoder. The outer layer
 * is committed before any of this runs: whatever goes wrong inside, the
 * tunnel itself stays a flow. A payload that is not IP or Ethernet where the
 * tunnel says it must be is tunnel_bad_inner; a malformed inner packet is
 * counted under its own name (ipv4_truncated...). Payloads a tunnel may
 * legitimately carry but that we do not follow (ERSPAN, NSH, signalling)
 * end the walk quietly.
 *
 * Must never: allocate, or read a byte but through the cursor.
 */
#include "cursor.h"
#include "decode_int.h"
#include "packet.h"

enum {
	UDP_PORT_GTPU = 2152,	/* 3GPP TS 29.281 4.4.2.3 */
	UDP_PORT_VXLAN = 4789,	/* RFC 7348 section 5 */
	UDP_PORT_GENEVE = 6081,	/* RFC 8926 section 3.3 */
};

static void tunnel_set(struct decode_ctx *ctx, enum tunnel_type type,
		       uint32_t vni, bool has_vni)
{
	ctx->tunnel = type;
	ctx->vni = vni;
	ctx->has_vni = has_vni;
}

/* An Ethernet frame inside a tunnel: its VLAN tags are its own. */
static void tunnel_ether(struct decode_ctx *ctx, struct cursor *c)
{
	ctx->vlan_inherited = true;
	decode_ether(ctx, c);
}

/*
 * GRE flags word: C (checksum present), R (routing present, RFC 1701), K
 * (key present, RFC 2890), S (sequence present, RFC 2890), then the
 * version in the low 3 bits. Version 1 adds A (acknowledgment, RFC 2637).
 */
enum {
	GRE_C = 0x8000,
	GRE_R = 0x4000,
	GRE_K = 0x2000,
	GRE_S = 0x1000,
	GRE_A = 0x0080,
	GRE_VERSION = 0x0007,
	/* RFC 1701 source route entries walked before giving up. */
	GRE_MAX_SRE = 16,
};

/*
 * RFC 1701 section 2.1: source route entries (address family, SRE offset,
 * SRE length, routing information), ended by one of family 0 and length 0.
 * RFC 2784 dropped them, but a receiver "implementing RFC 1701" may accept
 * them, and walking them costs little.
 */
static bool gre_skip_routing(struct cursor *c)
{
	unsigned i;
	uint16_t family;
	uint8_t len;

	for (i = 0; i < GRE_MAX_SRE; i++) {
		family = cursor_be16(c);
		cursor_skip(c, 1);
		len = cursor_u8(c);
		if (!cursor_ok(c))
			return false;
		if (family == 0 && len == 0)
			return true;
		cursor_skip(c, len);
	}
	return false;
}

/* GRE version 0 (RFC 2784, keys and sequence numbers RFC 2890). */
static void decode_gre_v0(struct decode_ctx *ctx, struct cursor *c,
			  uint16_t flags, uint16_t proto)
{
	uint32_t key = 0;

	if (flags & (GRE_C | GRE_R))
		cursor_skip(c, 4);	/* checksum, reserved1 / offset */
	if (flags & GRE_K)
		key = cursor_be32(c);
	if (flags & GRE_S)
		cursor_skip(c, 4);
	if (!cursor_ok(c) || ((flags & GRE_R) && !gre_skip_routing(c))) {
		decode_anomaly(ctx, ANOMALY_GRE_TRUNCATED);
		return;
	}

	tunnel_set(ctx, TUNNEL_GRE, key, flags & GRE_K);
	switch (proto) {
	case ETHERTYPE_NUM_IPV4:
		decode_ipv4(ctx, c);
		break;
	case ETHERTYPE_NUM_IPV6:
		decode_ipv6(ctx, c);
		break;
	case ETHERTYPE_NUM_TEB:
		tunnel_ether(ctx, c);
		break;
	case ETHERTYPE_NUM_MPLS:
	case ETHERTYPE_NUM_MPLS_MC:
		/* RFC 4023 MPLS-in-GRE */
		decode_mpls(ctx, c);
		break;
	default:
		/* keepalives, ERSPAN, WCCP, NSH...: not followed */
		break;
	}
}

/*
 * PPTP's enhanced GRE (RFC 2637 section 4.1): K always set, the key being
 * payload length (16 bits) and call ID (16 bits); sequence and
 * acknowledgment numbers optional; the payload is a PPP frame. The call ID
 * names the session, so it is what goes in vni.
 */
static void decode_gre_v1(struct decode_ctx *ctx, struct cursor *c,
			  uint16_t flags, uint16_t proto)
{
	uint16_t plen, call_id;

	plen = cursor_be16(c);
	call_id = cursor_be16(c);
	if (flags & GRE_S)
		cursor_skip(c, 4);
	if (flags & GRE_A)
		cursor_skip(c, 4);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_GRE_TRUNCATED);
		return;
	}
	/* Not PPTP-shaped, or an acknowledgment alone: nothing to follow. */
	if (!(flags & GRE_K) || proto != ETHERTYPE_NUM_PPP || plen == 0 ||
	    !(flags & GRE_S))
		return;
	cursor_limit(c, plen);
	tunnel_set(ctx, TUNNEL_GRE, call_id, true);
	decode_ppp(ctx, c, ANOMALY_GRE_TRUNCATED);
}

void decode_gre(struct decode_ctx *ctx, struct cursor *c)
{
	uint16_t flags, proto;

	if (!decode_enter(ctx))
		return;
	flags = cursor_be16(c);
	proto = cursor_be16(c);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_GRE_TRUNCATED);
		return;
	}
	switch (flags & GRE_VERSION) {
	case 0:
		decode_gre_v0(ctx, c, flags, proto);
		break;
	case 1:
		decode_gre_v1(ctx, c, flags, proto);
		break;
	default:
		/* RFC 2784 2.3.1: other versions MUST be discarded. */
		decode_anomaly(ctx, ANOMALY_GRE_BAD_VERSION);
		break;
	}
}

/*
 * VXLAN (RFC 7348 section 5): flags with I (0x08) saying the VNI is valid,
 * 24 reserved bits, the 24-bit VNI, 8 reserved bits; an Ethernet frame
 * follows. Without I the header is not VXLAN as we know it: not followed.
 */
void decode_vxlan(struct decode_ctx *ctx, struct cursor *c)
{
	uint8_t flags;
	uint32_t vni;

	if (!decode_enter(ctx))
		return;
	flags = cursor_u8(c);
	cursor_skip(c, 3);
	vni = cursor_be24(c);
	cursor_skip(c, 1);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_VXLAN_TRUNCATED);
		return;
	}
	if (!(flags & 0x08))
		return;
	tunnel_set(ctx, TUNNEL_VXLAN, vni, true);
	tunnel_ether(ctx, c);
}

/*
 * Geneve (RFC 8926 section 3.4): version (2 bits, 0), options length in
 * 4-byte words (6 bits), O (control message) and C bits, protocol type (an
 * ethertype), 24-bit VNI, reserved; then the options. Unknown versions MUST
 * be dropped (3.4); control messages (O) carry no tenant traffic.
 */
void decode_geneve(struct decode_ctx *ctx, struct cursor *c)
{
	uint8_t b0, b1;
	uint16_t proto;
	uint32_t vni;

	if (!decode_enter(ctx))
		return;
	b0 = cursor_u8(c);
	b1 = cursor_u8(c);
	proto = cursor_be16(c);
	vni = cursor_be24(c);
	cursor_skip(c, 1);
	cursor_skip(c, (size_t)(b0 & 0x3f) * 4);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_GENEVE_TRUNCATED);
		return;
	}
	if (b0 >> 6 != 0 || (b1 & 0x80))
		return;
	tunnel_set(ctx, TUNNEL_GENEVE, vni, true);
	switch (proto) {
	case ETHERTYPE_NUM_TEB:
		tunnel_ether(ctx, c);
		break;
	case ETHERTYPE_NUM_IPV4:
		decode_ipv4(ctx, c);
		break;
	case ETHERTYPE_NUM_IPV6:
		decode_ipv6(ctx, c);
		break;
	default:
		break;
	}
}

/* GTP-U flag bits (3GPP TS 29.281 5.1). */
enum {
	GTP_PT = 0x10,		/* protocol type: 1 GTP, 0 GTP' */
	GTP_E = 0x04,		/* extension header follows */
	GTP_S = 0x02,		/* sequence number present */
	GTP_PN = 0x01,		/* N-PDU number present */
	GTP_MSG_GPDU = 255,	/* a user packet (T-PDU) follows */
	GTP_MAX_EXT = 8,	/* extension headers walked before giving up */
};

/*
 * GTP-U (3GPP TS 29.281 section 5): version 1, PT 1, flags, message type,
 * length of everything after the first 8 bytes, TEID. With any of E, S, PN
 * the sequence number, N-PDU number and next extension type follow (4
 * bytes, section 5.1); each extension header is a length in 4-byte units,
 * content, and the next type, 0 ending the chain (5.2). Only G-PDUs carry a
 * user packet; echo, error indication and end marker messages do not.
 */
void decode_gtpu(struct decode_ctx *ctx, struct cursor *c)
{
	uint8_t flags, type, next;
	uint16_t len;
	uint32_t teid;
	unsigned n;
	size_t ext_len;

	if (!decode_enter(ctx))
		return;
	flags = cursor_u8(c);
	type = cursor_u8(c);
	len = cursor_be16(c);
	teid = cursor_be32(c);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_GTPU_TRUNCATED);
		return;
	}
	if (flags >> 5 != 1 || !(flags & GTP_PT) || type != GTP_MSG_GPDU)
		return;
	if (len > cursor_remaining(c) && !ctx->cut) {
		decode_anomaly(ctx, ANOMALY_GTPU_TRUNCATED);
		return;
	}
	cursor_limit(c, len);

	if (flags & (GTP_E | GTP_S | GTP_PN)) {
		cursor_skip(c, 3);	/* sequence number, N-PDU number */
		next = cursor_u8(c);
		if (!cursor_ok(c)) {
			decode_anomaly(ctx, ANOMALY_GTPU_TRUNCATED);
			return;
		}
		if (!(flags & GTP_E))
			next = 0;	/* the field is only meaningful with E */
		for (n = 0; next != 0; n++) {
			if (n == GTP_MAX_EXT) {
				decode_anomaly(ctx, ANOMALY_GTPU_BAD_HEADER);
				return;
			}
			if (!cursor_has(c, 1)) {
				decode_anomaly(ctx, ANOMALY_GTPU_TRUNCATED);
				return;
			}
			ext_len = (size_t)cursor_peek_u8(c, 0) * 4;
			if (ext_len == 0) {	/* 5.2.1: length is never 0 */
				decode_anomaly(ctx, ANOMALY_GTPU_BAD_HEADER);
				return;
			}
			next = cursor_peek_u8(c, ext_len - 1);
			cursor_skip(c, ext_len);
			if (!cursor_ok(c)) {
				decode_anomaly(ctx, ANOMALY_GTPU_TRUNCATED);
				return;
			}
		}
	}

	if (!cursor_has(c, 1)) {
		/* A G-PDU without its T-PDU: cut by the snaplen, or empty. */
		decode_anomaly(ctx, ctx->cut ? ANOMALY_GTPU_TRUNCATED :
					       ANOMALY_TUNNEL_BAD_INNER);
		return;
	}
	tunnel_set(ctx, TUNNEL_GTPU, teid, true);
	decode_ip_any(ctx, c, ANOMALY_TUNNEL_BAD_INNER);
}

void decode_udp_tunnel(struct decode_ctx *ctx, struct cursor *c,
		       uint16_t sport, uint16_t dport)
{
	(void)sport;
	switch (dport) {
	case UDP_PORT_VXLAN:
		decode_vxlan(ctx, c);
		break;
	case UDP_PORT_GENEVE:
		decode_geneve(ctx, c);
		break;
	case UDP_PORT_GTPU:
		decode_gtpu(ctx, c);
		break;
	default:
		break;
	}
}

/*
 * IPv4 in IP (protocol 4, RFC 2003) and IPv6 in IP (protocol 41; over IPv4
 * that is 6in4, RFC 4213 section 3.5). No header of their own.
 */
void decode_ip_in_ip(struct decode_ctx *ctx, struct cursor *c, uint8_t proto,
		     uint8_t outer_family)
{
	if (proto == IPPROTO_NUM_IPV6 && outer_family == 4)
		tunnel_set(ctx, TUNNEL_6IN4, 0, false);
	else
		tunnel_set(ctx, TUNNEL_IPIP, 0, false);
	if (proto == IPPROTO_NUM_IPIP)
		decode_ipv4(ctx, c);
	else
		decode_ipv6(ctx, c);
}
