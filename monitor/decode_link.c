/*
 * decode_link.c: link layers down to the IP header.
 *
 * Jobs: Ethernet II and 802.3 LLC/SNAP, 802.1Q/802.1ad VLAN tags, MPLS label
 * stacks (with the pseudowire control word), PPPoE sessions and the PPP
 * protocol field, Linux cooked headers (SLL, SLL2) and BSD loopback
 * (NULL, LOOP). Each hands the rest of the frame to the next decoder; IP goes
 * to decode_ip.c, anything else is "not IP" and ends the walk quietly.
 *
 * Must never: allocate, or read a byte but through the cursor.
 */
#include "cursor.h"
#include "decode_int.h"
#include "packet.h"

enum {
	ETHER_ADDRS_LEN = 12,		/* destination and source MAC */
	ETHER_MIN_TYPE = 0x0600,	/* below: an 802.3 length (IEEE 802.3 3.2.6) */
	ETHER_MAX_LENGTH = 1500,
	PW_CONTROL_WORD_LEN = 4,
	SLL_HDR_LEN = 16,
	SLL2_HDR_LEN = 20,
};

/* PPP protocol numbers (RFC 1332 IPCP's IPv4, RFC 5072 IPv6). */
enum {
	PPP_PROTO_IPV4 = 0x0021,
	PPP_PROTO_IPV6 = 0x0057,
};

/*
 * 802.1Q tag (IEEE 802.1Q 9.6): TCI (PCP 3, DEI 1, VID 12), then the next
 * ethertype. The first two VIDs go in the layer, a third is walked past.
 */
static void decode_vlan(struct decode_ctx *ctx, struct cursor *c)
{
	uint16_t tci, type;

	if (!decode_enter(ctx))
		return;
	tci = cursor_be16(c);
	type = cursor_be16(c);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_VLAN_TRUNCATED);
		return;
	}
	/* A tag inside a tunnelled frame starts the inner frame's own list. */
	if (ctx->vlan_inherited) {
		ctx->nvlan = 0;
		ctx->vlan_inherited = false;
	}
	/* VID 0 is a priority tag: it names no VLAN (802.1Q Table 9-2). */
	if ((tci & 0x0fff) != 0 && ctx->nvlan < PKT_MAX_VLANS)
		ctx->vlan[ctx->nvlan++] = tci & 0x0fff;
	decode_ethertype(ctx, c, type);
}

/*
 * PPPoE session stage (RFC 2516 section 4): VER 1, TYPE 1, CODE 0, session
 * id, LENGTH of the PPPoE payload (the PPP protocol field and the packet).
 */
static void decode_pppoe(struct decode_ctx *ctx, struct cursor *c)
{
	uint8_t vertype;
	uint16_t len;

	if (!decode_enter(ctx))
		return;
	vertype = cursor_u8(c);
	cursor_skip(c, 3);	/* code, session id */
	len = cursor_be16(c);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_PPPOE_TRUNCATED);
		return;
	}
	if (vertype != 0x11) {
		decode_anomaly(ctx, ANOMALY_PPPOE_BAD_VERSION);
		return;
	}
	if (len > cursor_remaining(c) && !ctx->cut) {
		decode_anomaly(ctx, ANOMALY_PPPOE_BAD_LENGTH);
		return;
	}
	if (len <= cursor_remaining(c))
		ctx->cut = false;
	cursor_limit(c, len);	/* Ethernet padding is not PPP */
	decode_ppp(ctx, c, ANOMALY_PPPOE_TRUNCATED);
}

/*
 * A PPP frame after its link framing: an optional address/control pair
 * 0xff 0x03 (RFC 1662 section 3; absent when ACFC was negotiated) and the
 * protocol field, one byte when compressed (RFC 1661 section 6.5: a
 * protocol number's first byte is even, its last odd). Only IP goes on.
 * trunc names the carrier's anomaly when the protocol field is cut.
 */
void decode_ppp(struct decode_ctx *ctx, struct cursor *c,
		enum decode_anomaly trunc)
{
	uint16_t proto;

	if (cursor_peek_u8(c, 0) == 0xff && cursor_peek_u8(c, 1) == 0x03)
		cursor_skip(c, 2);
	if (cursor_peek_u8(c, 0) & 1)
		proto = cursor_u8(c);
	else
		proto = cursor_be16(c);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, trunc);
		return;
	}
	switch (proto) {
	case PPP_PROTO_IPV4:
		decode_ipv4(ctx, c);
		break;
	case PPP_PROTO_IPV6:
		decode_ipv6(ctx, c);
		break;
	default:
		/* LCP, IPCP, CCP, compressed or encrypted data... */
		decode_not_ip(ctx);
		break;
	}
}

/*
 * MPLS label stack (RFC 3032 section 2.1): 20-bit label, 3-bit TC, the
 * bottom-of-stack bit S and a TTL, until S is set. What follows the stack is
 * not named anywhere on the wire (RFC 3032 section 2.2): the labels
 * 0 (IPv4 explicit null) and 2 (IPv6 explicit null) say it; otherwise the
 * first nibble is guessed as routers do: 4 IPv4, 6 IPv6, 0 the pseudowire
 * control word of RFC 4385 section 3 followed by an Ethernet frame
 * (RFC 4448). Anything else (1: the G-ACh of RFC 5586) is not IP.
 */
void decode_mpls(struct decode_ctx *ctx, struct cursor *c)
{
	uint32_t entry;
	uint8_t nibble;

	do {
		if (!decode_enter(ctx))
			return;
		entry = cursor_be32(c);
		if (!cursor_ok(c)) {
			decode_anomaly(ctx, ANOMALY_MPLS_TRUNCATED);
			return;
		}
	} while (!(entry & 0x100));

	if (!cursor_has(c, 1)) {
		decode_anomaly(ctx, ANOMALY_MPLS_TRUNCATED);
		return;
	}
	switch (entry >> 12) {
	case 0:
		decode_ipv4(ctx, c);
		return;
	case 2:
		decode_ipv6(ctx, c);
		return;
	}
	nibble = cursor_peek_u8(c, 0) >> 4;
	switch (nibble) {
	case 4:
		decode_ipv4(ctx, c);
		break;
	case 6:
		decode_ipv6(ctx, c);
		break;
	case 0:
		cursor_skip(c, PW_CONTROL_WORD_LEN);
		if (!cursor_ok(c)) {
			decode_anomaly(ctx, ANOMALY_MPLS_TRUNCATED);
			return;
		}
		decode_ether(ctx, c);
		break;
	default:
		decode_not_ip(ctx);
		break;
	}
}

/* The demux on an Ethernet type, shared by Ethernet, SNAP, VLAN tags, SLL
 * and GRE/Geneve's protocol type. */
void decode_ethertype(struct decode_ctx *ctx, struct cursor *c, uint16_t type)
{
	switch (type) {
	case ETHERTYPE_NUM_IPV4:
		decode_ipv4(ctx, c);
		break;
	case ETHERTYPE_NUM_IPV6:
		decode_ipv6(ctx, c);
		break;
	case ETHERTYPE_NUM_VLAN:
	case ETHERTYPE_NUM_QINQ:
	case ETHERTYPE_NUM_QINQ_OLD:
		decode_vlan(ctx, c);
		break;
	case ETHERTYPE_NUM_MPLS:
	case ETHERTYPE_NUM_MPLS_MC:
		decode_mpls(ctx, c);
		break;
	case ETHERTYPE_NUM_PPPOE_SESS:
		decode_pppoe(ctx, c);
		break;
	default:
		/* ARP, PPPoE discovery, LLDP, MACsec, IPX, ... */
		decode_not_ip(ctx);
		break;
	}
}

/*
 * 802.3 frame with an 802.2 LLC header. Only SNAP (DSAP = SSAP = 0xaa,
 * control 0x03 UI) names an ethertype (RFC 1042), and only the
 * encapsulated-Ethernet OUIs (00-00-00 and 802.1H's 00-00-f8) mean it as one.
 */
static void decode_llc(struct decode_ctx *ctx, struct cursor *c)
{
	const uint8_t *llc = cursor_peek(c, 8);
	uint16_t type;

	if (!llc || llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03 ||
	    llc[3] != 0 || llc[4] != 0 || (llc[5] != 0 && llc[5] != 0xf8)) {
		decode_not_ip(ctx);
		return;
	}
	type = (uint16_t)(llc[6] << 8 | llc[7]);
	cursor_skip(c, 8);
	decode_ethertype(ctx, c, type);
}

/* Ethernet II / IEEE 802.3 (destination, source, type or length). */
void decode_ether(struct decode_ctx *ctx, struct cursor *c)
{
	uint16_t type;

	cursor_skip(c, ETHER_ADDRS_LEN);
	type = cursor_be16(c);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_ETH_TRUNCATED);
		return;
	}
	if (type >= ETHER_MIN_TYPE) {
		decode_ethertype(ctx, c, type);
	} else if (type <= ETHER_MAX_LENGTH) {
		cursor_limit(c, type);
		decode_llc(ctx, c);
	} else {
		/* 1501..1535: neither a length nor a type. */
		decode_not_ip(ctx);
	}
}

/*
 * The protocol field of a cooked header: an ethertype, or below 0x0600 one
 * of Linux's pseudo-protocols (ETH_P_802_2 LLC, ETH_P_802_3 raw Novell, CAN,
 * ...), none of which is IP without an LLC/SNAP header.
 */
static void decode_sll_protocol(struct decode_ctx *ctx, struct cursor *c,
				uint16_t proto)
{
	enum { LINUX_SLL_P_802_2 = 0x0004 };

	if (proto >= ETHER_MIN_TYPE)
		decode_ethertype(ctx, c, proto);
	else if (proto == LINUX_SLL_P_802_2)
		decode_llc(ctx, c);
	else
		decode_not_ip(ctx);
}

/*
 * Linux cooked capture v1 (libpcap's sll.h): packet type, ARPHRD type,
 * address length, 8 address bytes, protocol.
 */
void decode_sll(struct decode_ctx *ctx, struct cursor *c)
{
	uint16_t proto;

	cursor_skip(c, SLL_HDR_LEN - 2);
	proto = cursor_be16(c);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_SLL_TRUNCATED);
		return;
	}
	decode_sll_protocol(ctx, c, proto);
}

/*
 * Linux cooked capture v2: protocol first, reserved, interface index,
 * ARPHRD type, packet type, address length, 8 address bytes.
 */
void decode_sll2(struct decode_ctx *ctx, struct cursor *c)
{
	uint16_t proto;

	proto = cursor_be16(c);
	cursor_skip(c, SLL2_HDR_LEN - 2);
	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_SLL_TRUNCATED);
		return;
	}
	decode_sll_protocol(ctx, c, proto);
}

/*
 * BSD address families as loopback headers carry them. IPv6 has a different
 * number on each BSD (tcpdump's af.h); Linux's 10 appears in files written
 * by some tools.
 */
static void decode_family(struct decode_ctx *ctx, struct cursor *c,
			  uint32_t family)
{
	switch (family) {
	case 2:				/* AF_INET everywhere */
		decode_ipv4(ctx, c);
		break;
	case 10:			/* Linux */
	case 24:			/* NetBSD, OpenBSD, BSD/OS */
	case 28:			/* FreeBSD, DragonFly */
	case 30:			/* Darwin */
		decode_ipv6(ctx, c);
		break;
	default:
		decode_not_ip(ctx);
		break;
	}
}

/*
 * DLT_NULL: the family in the byte order of the host that captured, which
 * need not be ours. Families are small, so as tcpdump does, a value with
 * bits in its upper half is read the other way round.
 */
void decode_null(struct decode_ctx *ctx, struct cursor *c)
{
	uint32_t family = cursor_le32(c);

	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_NULL_TRUNCATED);
		return;
	}
	if (family & 0xffff0000u)
		family = __builtin_bswap32(family);
	decode_family(ctx, c, family);
}

/* DLT_LOOP (OpenBSD): the same family, always in network byte order. */
void decode_loop(struct decode_ctx *ctx, struct cursor *c)
{
	uint32_t family = cursor_be32(c);

	if (!cursor_ok(c)) {
		decode_anomaly(ctx, ANOMALY_NULL_TRUNCATED);
		return;
	}
	decode_family(ctx, c, family);
}
