/*
 * decode_transport.c: TCP, UDP, ICMP, ICMPv6 and SCTP headers.
 *
 * Jobs: read the transport header whole, fill ports (or the ICMP echo
 * identifier), TCP flags and numbers, ICMP type/code and the tuple an ICMP
 * error quotes, point the layer's payload at the transport payload, commit
 * the layer, and hand UDP payloads on tunnel ports to decode_tunnel.c.
 *
 * ip_plen is the IP payload length the IP header declares; the cursor may
 * hold less under a short snaplen. Checks against the header come from
 * ip_plen, checks against the capture from the cursor.
 *
 * Must never: allocate, or read a byte but through the cursor.
 */
#include "cursor.h"
#include "decode_int.h"
#include "packet.h"

enum {
	TCP_MIN_HDR_LEN = 20,
	UDP_HDR_LEN = 8,
	ICMP_HDR_LEN = 8,
	SCTP_COMMON_HDR_LEN = 12,
};

/* The rest of the window is the layer's payload; the layer is complete. */
static void layer_finish(struct decode_ctx *ctx, struct pkt_layer *l,
			 struct cursor *c)
{
	l->payload_len = (uint32_t)cursor_remaining(c);
	l->payload = cursor_bytes(c, l->payload_len);
	decode_layer_commit(ctx);
}

/*
 * TCP (RFC 9293 section 3.1). The data offset counts 32-bit words and may
 * neither be below 5 nor reach past the segment the IP header declares.
 */
void decode_tcp(struct decode_ctx *ctx, struct pkt_layer *l, struct cursor *c,
		uint32_t ip_plen)
{
	const uint8_t *h = cursor_peek(c, TCP_MIN_HDR_LEN);
	unsigned hlen;

	if (!h) {
		decode_anomaly(ctx, ANOMALY_TCP_TRUNCATED);
		return;
	}
	hlen = (unsigned)(h[12] >> 4) * 4;
	if (hlen < TCP_MIN_HDR_LEN || hlen > ip_plen) {
		decode_anomaly(ctx, ANOMALY_TCP_BAD_OFFSET);
		return;
	}
	if (!cursor_has(c, hlen)) {	/* options cut by the snaplen */
		decode_anomaly(ctx, ANOMALY_TCP_TRUNCATED);
		return;
	}
	l->t.sport = (uint16_t)(h[0] << 8 | h[1]);
	l->t.dport = (uint16_t)(h[2] << 8 | h[3]);
	l->has_ports = true;
	l->tcp_seq = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 |
		     (uint32_t)h[6] << 8 | h[7];
	l->tcp_ack = (uint32_t)h[8] << 24 | (uint32_t)h[9] << 16 |
		     (uint32_t)h[10] << 8 | h[11];
	l->tcp_flags = h[13];
	cursor_skip(c, hlen);
	layer_finish(ctx, l, c);
}

/*
 * UDP (RFC 768). The length counts the header, so below 8 it is impossible
 * (tcpdump's "undersized-udplength"); beyond the IP payload it lies, except
 * in a first fragment, whose IP payload is only part of the datagram. In an
 * IPv6 jumbogram the length is 0 and the IP payload length stands for it
 * (RFC 2675 section 4); Linux's BIG TCP in UDP tunnels does the same over
 * IPv4 (see decode_ipv4() on total length 0).
 */
void decode_udp(struct decode_ctx *ctx, struct pkt_layer *l, struct cursor *c,
		uint32_t ip_plen)
{
	const uint8_t *h = cursor_bytes(c, UDP_HDR_LEN);
	unsigned ulen;

	if (!h) {
		decode_anomaly(ctx, ANOMALY_UDP_TRUNCATED);
		return;
	}
	ulen = (unsigned)h[4] << 8 | h[5];
	if (ulen == 0 && ip_plen > 65535)
		ulen = ip_plen;
	if (ulen < UDP_HDR_LEN || (!l->fragment && ulen > ip_plen)) {
		decode_anomaly(ctx, ANOMALY_UDP_BAD_LENGTH);
		return;
	}
	l->t.sport = (uint16_t)(h[0] << 8 | h[1]);
	l->t.dport = (uint16_t)(h[2] << 8 | h[3]);
	l->has_ports = true;
	/* Payload clipped to the UDP length: bytes after it are not data. */
	if (ulen - UDP_HDR_LEN <= cursor_remaining(c)) {
		cursor_limit(c, ulen - UDP_HDR_LEN);
		if (!l->fragment)
			ctx->cut = false;
	}
	layer_finish(ctx, l, c);

	if (!l->fragment) {
		struct cursor inner;

		cursor_init(&inner, l->payload, l->payload_len);
		decode_udp_tunnel(ctx, &inner, l->t.sport, l->t.dport);
	}
}

/* ICMP messages that carry an identifier and sequence: echo (RFC 792),
 * timestamp, information, address mask (RFC 950); ICMPv6 echo (RFC 4443
 * 4.1, 4.2). Their identifier keys the flow. */
bool decode_icmp_echo_like(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_NUM_ICMP)
		return type == 0 || type == 8 || (type >= 13 && type <= 18);
	if (proto == IPPROTO_NUM_ICMPV6)
		return type == 128 || type == 129;
	return false;
}

/* Errors that quote the offending packet. ICMP (RFC 792, RFC 1191):
 * unreachable 3, source quench 4, redirect 5, time exceeded 11, parameter
 * problem 12. ICMPv6 (RFC 4443 section 3): types 1 to 4. */
static bool icmp_is_error(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_NUM_ICMP)
		return (type >= 3 && type <= 5) || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

/*
 * ICMP and ICMPv6 share a shape: type, code, checksum, four bytes whose
 * meaning depends on the type (RFC 792, RFC 4443 2.1), then data. An echo's
 * identifier goes in both ports and has_ports stays false: ICMP flows have
 * no ports. An error's data is the quoted packet.
 */
static void decode_icmp_common(struct decode_ctx *ctx, struct pkt_layer *l,
			       struct cursor *c, enum decode_anomaly trunc)
{
	const uint8_t *h = cursor_bytes(c, ICMP_HDR_LEN);
	uint8_t proto = l->t.proto;

	if (!h) {
		decode_anomaly(ctx, trunc);
		return;
	}
	l->icmp_type = h[0];
	l->icmp_code = h[1];
	if (decode_icmp_echo_like(proto, h[0])) {
		l->t.sport = l->t.dport = (uint16_t)(h[4] << 8 | h[5]);
	} else if (icmp_is_error(proto, h[0])) {
		struct cursor quote = *c;

		l->icmp_error = true;
		l->has_quoted = decode_ip_quoted(&quote, l->t.family,
						 &l->quoted);
	}
	layer_finish(ctx, l, c);
}

void decode_icmp(struct decode_ctx *ctx, struct pkt_layer *l, struct cursor *c)
{
	decode_icmp_common(ctx, l, c, ANOMALY_ICMP_TRUNCATED);
}

void decode_icmpv6(struct decode_ctx *ctx, struct pkt_layer *l,
		   struct cursor *c)
{
	decode_icmp_common(ctx, l, c, ANOMALY_ICMPV6_TRUNCATED);
}

/* SCTP common header (RFC 9260 section 3.1): ports, verification tag,
 * checksum; the chunks follow. */
void decode_sctp(struct decode_ctx *ctx, struct pkt_layer *l, struct cursor *c)
{
	const uint8_t *h = cursor_bytes(c, SCTP_COMMON_HDR_LEN);

	if (!h) {
		decode_anomaly(ctx, ANOMALY_SCTP_TRUNCATED);
		return;
	}
	l->t.sport = (uint16_t)(h[0] << 8 | h[1]);
	l->t.dport = (uint16_t)(h[2] << 8 | h[3]);
	l->has_ports = true;
	layer_finish(ctx, l, c);
}
