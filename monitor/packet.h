/*
 * packet.h: what the decoders make of one captured frame.
 *
 * A frame becomes a stack of IP layers ("flow layers"): the outer packet and,
 * for tunnels (GRE, VXLAN, Geneve, IP-in-IP, 6in4, GTP-U), each inner packet.
 * Every layer is a flow of its own; the layer below an inner one holds the
 * tunnel's outer endpoints. A layer is added only once its IP and transport
 * headers were read whole, so a layer in the stack can be trusted.
 *
 * Anomalies are named once, in DECODE_ANOMALIES below: the X-macro makes the
 * enum, the counter names and the statistics output from the same list.
 *
 * Decoders fill these structs and allocate nothing; the payload pointers
 * point into the capture buffer and live only as long as the packet.
 */
#ifndef BERGERIE_PACKET_H
#define BERGERIE_PACKET_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Malformed-packet reasons. The first column is the enum suffix, the second
 * the counter name in statistics. Truncated means a header did not fit in
 * the captured bytes; invalid means a field holds an impossible value.
 */
#define DECODE_ANOMALIES(X)                                   \
	X(LINK_TRUNCATED, "link_truncated")                   \
	X(ETH_TRUNCATED, "eth_truncated")                     \
	X(SLL_TRUNCATED, "sll_truncated")                     \
	X(NULL_TRUNCATED, "null_truncated")                   \
	X(VLAN_TRUNCATED, "vlan_truncated")                   \
	X(MPLS_TRUNCATED, "mpls_truncated")                   \
	X(PPPOE_TRUNCATED, "pppoe_truncated")                 \
	X(PPPOE_BAD_VERSION, "pppoe_bad_version")             \
	X(PPPOE_BAD_LENGTH, "pppoe_bad_length")               \
	X(IPV4_TRUNCATED, "ipv4_truncated")                   \
	X(IPV4_BAD_VERSION, "ipv4_bad_version")               \
	X(IPV4_BAD_IHL, "ipv4_bad_ihl")                       \
	X(IPV4_BAD_TOTAL_LENGTH, "ipv4_bad_total_length")     \
	X(IPV4_BAD_FRAGMENT, "ipv4_bad_fragment")             \
	X(IPV6_TRUNCATED, "ipv6_truncated")                   \
	X(IPV6_BAD_VERSION, "ipv6_bad_version")               \
	X(IPV6_BAD_PAYLOAD_LENGTH, "ipv6_bad_payload_length") \
	X(IPV6_EXTHDR_TRUNCATED, "ipv6_exthdr_truncated")     \
	X(IPV6_TOO_MANY_EXTHDRS, "ipv6_too_many_exthdrs")     \
	X(IPV6_BAD_FRAGMENT, "ipv6_bad_fragment")             \
	X(IP_BAD_VERSION, "ip_bad_version")                   \
	X(TCP_TRUNCATED, "tcp_truncated")                     \
	X(TCP_BAD_OFFSET, "tcp_bad_offset")                   \
	X(UDP_TRUNCATED, "udp_truncated")                     \
	X(UDP_BAD_LENGTH, "udp_bad_length")                   \
	X(ICMP_TRUNCATED, "icmp_truncated")                   \
	X(ICMPV6_TRUNCATED, "icmpv6_truncated")               \
	X(SCTP_TRUNCATED, "sctp_truncated")                   \
	X(GRE_TRUNCATED, "gre_truncated")                     \
	X(GRE_BAD_VERSION, "gre_bad_version")                 \
	X(VXLAN_TRUNCATED, "vxlan_truncated")                 \
	X(GENEVE_TRUNCATED, "geneve_truncated")               \
	X(GTPU_TRUNCATED, "gtpu_truncated")                   \
	X(GTPU_BAD_HEADER, "gtpu_bad_header")                 \
	X(TUNNEL_BAD_INNER, "tunnel_bad_inner")               \
	X(TOO_MANY_LAYERS, "too_many_layers")

enum decode_anomaly {
	ANOMALY_NONE = 0,
#define X(sym, name) ANOMALY_##sym,
	DECODE_ANOMALIES(X)
#undef X
	ANOMALY_COUNT
};

/* Counter name of an anomaly ("ipv4_truncated"); "none" for ANOMALY_NONE. */
const char *decode_anomaly_name(enum decode_anomaly a);

/* IANA protocol numbers the decoders and flows care about. */
enum ip_proto {
	IPPROTO_NUM_HOPOPTS = 0,
	IPPROTO_NUM_ICMP = 1,
	IPPROTO_NUM_IPIP = 4,
	IPPROTO_NUM_TCP = 6,
	IPPROTO_NUM_UDP = 17,
	IPPROTO_NUM_IPV6 = 41,
	IPPROTO_NUM_ROUTING = 43,
	IPPROTO_NUM_FRAGMENT = 44,
	IPPROTO_NUM_GRE = 47,
	IPPROTO_NUM_ESP = 50,
	IPPROTO_NUM_AH = 51,
	IPPROTO_NUM_ICMPV6 = 58,
	IPPROTO_NUM_NONE = 59,
	IPPROTO_NUM_DSTOPTS = 60,
	IPPROTO_NUM_SCTP = 132,
};

enum tunnel_type {
	TUNNEL_NONE = 0,
	TUNNEL_GRE,
	TUNNEL_VXLAN,
	TUNNEL_GENEVE,
	TUNNEL_IPIP,	/* IPv4 or IPv6 in IPv4/IPv6 (protocol 4 or 41 over v6) */
	TUNNEL_6IN4,	/* IPv6 in IPv4, protocol 41 */
	TUNNEL_GTPU,
};

/* Name as written in bergerie.tunnel.type ("gre"), NULL for TUNNEL_NONE. */
const char *tunnel_type_name(enum tunnel_type t);

/*
 * An address of either family. IPv4 sits in the first 4 bytes, the other 12
 * are zero, so keys compare with memcmp. An IPv6 address that happens to be
 * IPv4-mapped stays a 16-byte IPv6 address (family 6).
 */
struct ip_addr {
	uint8_t b[16];
};

/* The five-tuple of one layer, as seen on the wire (not yet ordered). */
struct flow_tuple {
	struct ip_addr src, dst;
	uint16_t sport, dport;	/* host order; 0 when the protocol has none */
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* IANA protocol number */
};

enum {
	PKT_MAX_LAYERS = 4,	/* outer packet plus up to three tunnels */
	PKT_MAX_VLANS = 2,	/* QinQ: outer (S-tag) and inner (C-tag) */
	DECODE_MAX_DEPTH = 16,	/* encapsulations walked before giving up */
};

/* TCP flag bits, as in the header's 13th byte (plus ECE/CWR). */
enum {
	TCPF_FIN = 0x01,
	TCPF_SYN = 0x02,
	TCPF_RST = 0x04,
	TCPF_PSH = 0x08,
	TCPF_ACK = 0x10,
	TCPF_URG = 0x20,
	TCPF_ECE = 0x40,
	TCPF_CWR = 0x80,
};

struct pkt_layer {
	struct flow_tuple t;

	uint32_t ip_bytes;	/* IPv4 total length; IPv6 payload length + 40 */
	uint16_t vlan[PKT_MAX_VLANS];	/* VLAN IDs met before this layer */
	uint8_t nvlan;
	uint8_t depth;		/* 0 for the outer packet, 1 for the first inner */
	enum tunnel_type tunnel;	/* how this layer was carried; NONE at depth 0 */
	uint32_t vni;		/* VXLAN / Geneve VNI, GRE key, GTP-U TEID */
	bool has_vni;

	bool has_ports;		/* sport/dport are real (not a later fragment) */

	/* Fragments (IPv4 and IPv6 alike). A first fragment has offset 0 and
	 * carries the transport header; later ones join its flow by frag_id. */
	bool fragment;
	bool first_fragment;
	uint32_t frag_id;

	/* TCP */
	uint8_t tcp_flags;
	uint32_t tcp_seq;
	uint32_t tcp_ack;

	/* ICMP / ICMPv6: type and code; echo identifier is in sport = dport. */
	uint8_t icmp_type;
	uint8_t icmp_code;
	bool icmp_error;	/* an error quoting an earlier packet */
	bool has_quoted;	/* quoted is the offending packet's tuple */
	struct flow_tuple quoted;

	/* Transport payload, clipped to the IP length and to what was captured.
	 * payload_len may be less than the wire length under a short snaplen. */
	const uint8_t *payload;
	uint32_t payload_len;
};

struct packet {
	uint64_t ts_ns;		/* capture time, ns since the epoch */
	uint32_t caplen;
	uint32_t wirelen;
	int linktype;

	uint8_t nlayers;	/* valid entries in layer[] */
	struct pkt_layer layer[PKT_MAX_LAYERS];

	/* First malformation met, ANOMALY_NONE when the frame decoded cleanly.
	 * Layers completed before the anomaly stay valid and are counted. */
	enum decode_anomaly anomaly;
	bool non_ip;		/* not IP at all (ARP, LLDP, STP...): not malformed */
};

#endif
