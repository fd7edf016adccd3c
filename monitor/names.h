/*
 * names.h: the server name of every flow (issue 5), as the pipeline sees it.
 *
 * Jobs: learn DNS answers from every DNS response that passes (UDP source
 * port 53 or 5353; TCP source port 53, the server's stream joined by
 * sequence number: a message split over segments, out of order, is read
 * once whole, at most NAMES_REASM_CAP bytes joined ahead of the next
 * unread message, a longer message skipped and counted in
 * dns_tcp_dropped) into the passive DNS cache; give a new flow the name
 * its client resolved for the responder's address, else any client's
 * (dns_cache.h); look for the name the client itself sent: a TLS
 * ClientHello's SNI at the start of the client's data and at the start of
 * each of its first NAMES_MAX_SEGMENTS payload segments after that
 * (STARTTLS without a parser per protocol, CONTRACT.md section 5), the
 * Host of an HTTP/1.x first request, the SNI of a QUIC v1/v2 client
 * Initial. A name from the flow itself wins over DNS; the DNS one is kept
 * beside it when they differ.
 *
 * TCP reassembly: only of the client's first bytes, only while a
 * ClientHello or request head is incomplete, at most NAMES_REASM_CAP bytes
 * from where it started. Segments are placed by sequence number relative
 * to the client's ISN (the SYN's, else the SYN-ACK's acknowledgement, else
 * the first payload segment's), so out-of-order and retransmitted
 * segments land where they belong; a retransmission is not counted as a
 * new segment. Data beyond the cap is ignored.
 *
 * Memory: per-flow state is allocated only for flows that need it (TCP
 * flows from their SYN or first client payload, UDP flows whose first
 * client datagram is a QUIC Initial, flows named by DNS, DNS-over-TCP
 * flows from the server's first segment), reassembly and
 * QUIC buffers only while a name is pending; all of it counts against
 * --names-memcap (bytes), and what does not fit is counted in
 * names_memcap_drops (the flow goes unnamed by its own bytes). A flow with
 * nothing left to look at costs one branch per packet.
 *
 * Must never: allocate per packet, print, or keep a pointer into a packet.
 */
#ifndef BERGERIE_NAMES_H
#define BERGERIE_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"
#include "name.h"
#include "packet.h"

enum {
	NAMES_MAX_SEGMENTS = 16,	/* segments after the first */
	NAMES_REASM_CAP = 8192,		/* bytes joined per flow */
};

/* Default --names-memcap: 64 MiB. */
#define NAMES_DEFAULT_MEMCAP (64ull << 20)

struct names_config {
	uint64_t dns_cache_memcap;	/* --dns-cache-memcap, bytes */
	uint64_t names_memcap;		/* --names-memcap, bytes */
	uint8_t seed[16];		/* DNS cache hash key */
};

/*
 * Counters: name in statistics, help. One list makes the struct fields
 * and lets the pipeline write them by name.
 */
#define NAMES_COUNTERS(X)                                                     \
	X(name_invalid, "names that needed escaping or cutting")              \
	X(dns_responses, "DNS responses parsed")                              \
	X(dns_answers, "DNS A/AAAA answers learned")                          \
	X(dns_malformed, "DNS responses that could not be read")              \
	X(dns_tcp_dropped, "DNS-over-TCP messages longer than the join cap")  \
	X(dns_cache_memcap_evictions, "DNS cache entries evicted at the cap") \
	X(tls_client_hellos, "TLS ClientHellos read")                         \
	X(tls_malformed, "TLS ClientHellos that broke their lengths")         \
	X(tls_ech, "ClientHellos with encrypted_client_hello")                \
	X(quic_initials, "QUIC client Initial packets met")                   \
	X(quic_decrypt_failed, "QUIC client Initials that would not open")    \
	X(http_requests, "HTTP/1.x first requests read")                      \
	X(names_memcap_drops, "flows or buffers refused at the names cap")    \
	X(names_from_dns, "flows named by DNS at their first packet")         \
	X(names_from_flow, "flows named by their own bytes")

struct names_stats {
#define X(field, help) uint64_t field;
	NAMES_COUNTERS(X)
#undef X
	uint64_t names_memory;		/* bytes now held (gauge) */
	uint64_t dns_cache_entries;	/* gauge */
};

struct names;

/* NULL when out of memory. QUIC needs OpenSSL's HKDF and AES; without
 * them QUIC flows go unnamed (everything else works). */
struct names *names_new(const struct names_config *cfg);
void names_free(struct names *n);

/*
 * For every packet layer the pipeline joined to flow f, right after
 * flow_table_packet() (side as it returned: 0 = sent by the initiator),
 * at packet time now_ns. Learns DNS answers carried by the layer, and
 * looks for f's server name. Returns true when f's server name became
 * known (or changed: an in-flow name after a DNS one) with this packet.
 */
bool names_packet(struct names *n, struct flow *f, int side,
		  const struct pkt_layer *l, uint64_t now_ns);

/* The flow's name: the in-flow one if any, else DNS; *src says which
 * (may be NULL). NULL (and NAME_SRC_NONE) when none. */
const char *names_flow_name(const struct flow *f, enum name_source *src);

/* The DNS name, only when the flow also has an in-flow name that differs
 * (bergerie.dns_name); NULL otherwise. */
const char *names_flow_dns_name(const struct flow *f);

/* The SNI of a TLS or QUIC ClientHello (tls.client.server_name; with ECH,
 * the outer SNI: the ECH provider's name). NULL when none. */
const char *names_flow_sni(const struct flow *f);

/* The ClientHello carried encrypted_client_hello (bergerie.tls.ech). */
bool names_flow_ech(const struct flow *f);

/* The flow ends (not an interim record): frees its state. */
void names_flow_release(struct names *n, struct flow *f);

void names_stats(const struct names *n, struct names_stats *out);

#endif
