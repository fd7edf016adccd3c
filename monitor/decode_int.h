/*
 * decode_int.h: the internal API between the decoder files, and nothing
 * else's business. Only decode*.c include it.
 *
 *   decode.c            entry point, link-type table, anomaly/tunnel names
 *   decode_link.c       Ethernet, VLAN, MPLS, PPPoE, PPP, SLL, SLL2, NULL/LOOP
 *   decode_ip.c         IPv4, IPv6 + extension headers, the protocol demux,
 *                       quoted packets inside ICMP errors
 *   decode_transport.c  TCP, UDP, ICMP, ICMPv6, SCTP
 *   decode_tunnel.c     GRE, VXLAN, Geneve, GTP-U, IP-in-IP, 6in4
 *
 * Every function takes the walk state (struct decode_ctx) and a cursor whose
 * window is exactly the bytes of the header it decodes and what it carries.
 * Functions return nothing: the outcome is in ctx->pkt (layers, anomaly,
 * non_ip). After an anomaly nobody decodes further.
 */
#ifndef BERGERIE_DECODE_INT_H
#define BERGERIE_DECODE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "cursor.h"
#include "packet.h"

/* State of one walk through one frame; lives on decode_packet()'s stack. */
struct decode_ctx {
	struct packet *pkt;

	/*
	 * True while the current window may end before the packet's real end
	 * because the capture's snaplen cut it (caplen < wirelen). Once an IP
	 * or UDP length fits in what was captured, the window ends at a real
	 * boundary and a header claiming more is lying, not cut.
	 */
	bool cut;

	/* VLAN IDs met so far; copied into each IP layer. */
	uint16_t vlan[PKT_MAX_VLANS];
	uint8_t nvlan;
	/* The VLANs above came from an outer frame: a tag in a tunnelled
	 * Ethernet frame replaces them rather than adding to them. */
	bool vlan_inherited;

	/* How the next IP layer is carried; set by a tunnel before it decodes
	 * its payload. */
	enum tunnel_type tunnel;
	uint32_t vni;
	bool has_vni;

	/* Encapsulations walked (tags, labels, IP headers, tunnel headers),
	 * capped at DECODE_MAX_DEPTH. */
	unsigned walk;
};

/* Records the first anomaly of the frame; later ones are ignored. */
static inline void decode_anomaly(struct decode_ctx *ctx,
				  enum decode_anomaly a)
{
	if (ctx->pkt->anomaly == ANOMALY_NONE)
		ctx->pkt->anomaly = a;
}

/* A frame (or tunnel payload) that is not IP. It marks the frame non-IP only
 * when no IP layer was found above it: an ARP frame inside VXLAN still
 * leaves an IP packet. */
static inline void decode_not_ip(struct decode_ctx *ctx)
{
	if (ctx->pkt->nlayers == 0)
		ctx->pkt->non_ip = true;
}

/*
 * One more encapsulation. False (with too_many_layers) once the walk has
 * gone DECODE_MAX_DEPTH deep: a frame of a thousand VLAN tags or MPLS labels
 * must cost a bounded amount of work (Suricata's PacketIncreaseCheckLayers).
 */
static inline bool decode_enter(struct decode_ctx *ctx)
{
	if (++ctx->walk > DECODE_MAX_DEPTH) {
		decode_anomaly(ctx, ANOMALY_TOO_MANY_LAYERS);
		return false;
	}
	return true;
}

/* Ethertypes (IEEE 802 numbers) the link decoders and GRE/Geneve share. */
enum ethertype {
	ETHERTYPE_NUM_IPV4 = 0x0800,
	ETHERTYPE_NUM_ARP = 0x0806,
	ETHERTYPE_NUM_TEB = 0x6558,	/* transparent Ethernet bridging */
	ETHERTYPE_NUM_VLAN = 0x8100,	/* 802.1Q C-tag */
	ETHERTYPE_NUM_IPV6 = 0x86dd,
	ETHERTYPE_NUM_PPP = 0x880b,	/* PPTP's enhanced GRE */
	ETHERTYPE_NUM_MPLS = 0x8847,
	ETHERTYPE_NUM_MPLS_MC = 0x8848,
	ETHERTYPE_NUM_PPPOE_DISC = 0x8863,
	ETHERTYPE_NUM_PPPOE_SESS = 0x8864,
	ETHERTYPE_NUM_QINQ = 0x88a8,	/* 802.1ad S-tag */
	ETHERTYPE_NUM_QINQ_OLD = 0x9100,	/* pre-802.1ad QinQ */
};

/* decode_link.c */
void decode_ether(struct decode_ctx *ctx, struct cursor *c);
void decode_ethertype(struct decode_ctx *ctx, struct cursor *c, uint16_t type);
void decode_mpls(struct decode_ctx *ctx, struct cursor *c);
void decode_ppp(struct decode_ctx *ctx, struct cursor *c,
		enum decode_anomaly trunc);
void decode_sll(struct decode_ctx *ctx, struct cursor *c);
void decode_sll2(struct decode_ctx *ctx, struct cursor *c);
void decode_null(struct decode_ctx *ctx, struct cursor *c);
void decode_loop(struct decode_ctx *ctx, struct cursor *c);

/* decode_ip.c */
void decode_ipv4(struct decode_ctx *ctx, struct cursor *c);
void decode_ipv6(struct decode_ctx *ctx, struct cursor *c);
/* IP by its version nibble; bad_version when it is neither 4 nor 6. */
void decode_ip_any(struct decode_ctx *ctx, struct cursor *c,
		   enum decode_anomaly bad_version);
/*
 * The next-protocol demux shared by IPv4 and IPv6 (tcpdump's
 * print-ip-demux.c). l is the layer being built (not yet committed); c the IP
 * payload window; ip_plen the payload length the IP header declares (it may
 * exceed the window under a short snaplen).
 */
void decode_ip_demux(struct decode_ctx *ctx, struct pkt_layer *l,
		     struct cursor *c, uint32_t ip_plen);
/* Appends the layer being built (pkt->layer[pkt->nlayers]). */
void decode_layer_commit(struct decode_ctx *ctx);
/*
 * The IP header an ICMP error quotes (RFC 792, RFC 4443 §2.4 c), and the
 * first 8 bytes of its transport, into *out. Never an anomaly: a quote is
 * usually cut short. False when not even the IP header is there.
 */
bool decode_ip_quoted(struct cursor *c, uint8_t family, struct flow_tuple *out);

/* decode_transport.c */
void decode_tcp(struct decode_ctx *ctx, struct pkt_layer *l, struct cursor *c,
		uint32_t ip_plen);
void decode_udp(struct decode_ctx *ctx, struct pkt_layer *l, struct cursor *c,
		uint32_t ip_plen);
void decode_icmp(struct decode_ctx *ctx, struct pkt_layer *l, struct cursor *c);
void decode_icmpv6(struct decode_ctx *ctx, struct pkt_layer *l,
		   struct cursor *c);
void decode_sctp(struct decode_ctx *ctx, struct pkt_layer *l, struct cursor *c);
/* True for ICMP/ICMPv6 messages with an identifier (echo and kin). */
bool decode_icmp_echo_like(uint8_t proto, uint8_t type);

/* decode_tunnel.c: each is called with the outer layer already committed
 * and c on the tunnel header. */
void decode_gre(struct decode_ctx *ctx, struct cursor *c);
void decode_vxlan(struct decode_ctx *ctx, struct cursor *c);
void decode_geneve(struct decode_ctx *ctx, struct cursor *c);
void decode_gtpu(struct decode_ctx *ctx, struct cursor *c);
/* IP-in-IP (protocol 4) and IPv6-in-IP (41) over an IP layer of outer_family. */
void decode_ip_in_ip(struct decode_ctx *ctx, struct cursor *c, uint8_t proto,
		     uint8_t outer_family);
/* A tunnel on a UDP port (VXLAN, Geneve, GTP-U), if the port names one. */
void decode_udp_tunnel(struct decode_ctx *ctx, struct cursor *c,
		       uint16_t sport, uint16_t dport);

#endif
