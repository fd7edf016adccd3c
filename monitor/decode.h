/*
 * decode.h: frame bytes -> struct packet. The whole API of the decoders.
 *
 * decode_packet() walks the link layer named by the capture's link type,
 * then VLAN tags, MPLS label stacks, PPPoE sessions, IPv4 (options,
 * fragments) and IPv6 (extension headers), the transport header (TCP, UDP,
 * ICMP, ICMPv6, SCTP), and into tunnels (GRE, VXLAN on UDP 4789, Geneve on
 * UDP 6081, GTP-U on UDP 2152, IP-in-IP, 6in4), adding one flow layer per IP
 * packet found. It stops at the first malformation and records it.
 *
 * Must never: allocate, keep state between packets, or include anything
 * from the flow table, geo, output or ui.
 */
#ifndef BERGERIE_DECODE_H
#define BERGERIE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

/* Link types bergerie decodes (DLT_ / LINKTYPE_ values as libpcap reports
 * them from pcap_datalink()). */
bool decode_linktype_supported(int linktype);

/*
 * Decodes one frame. pkt->ts_ns is left as the caller set it; every other
 * field is (re)initialised. Never fails: problems end up in pkt->anomaly,
 * pkt->non_ip, and a short layer stack.
 */
void decode_packet(struct packet *pkt, int linktype, const uint8_t *data,
		   uint32_t caplen, uint32_t wirelen);

#endif
