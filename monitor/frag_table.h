/*
 * frag_table.h: lets later fragments join the flow of their first fragment.
 *
 * Only the first fragment of an IP datagram carries the transport header.
 * The first fragment's ports are remembered under (family, protocol,
 * addresses, IP ID, VLANs, tunnel depth) for a short while; later fragments
 * of the same datagram take them. A later fragment seen before its first is
 * counted (frag_orphans) and joins no flow. The table has a memory cap and
 * counts what it evicts (frag_memcap_evictions).
 */
#ifndef BERGERIE_FRAG_TABLE_H
#define BERGERIE_FRAG_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

struct frag_table;

/*
 * memcap in bytes covers the entries and their buckets, all allocated here;
 * timeout_s is in packet time (an entry timeout_s old or more is gone);
 * seed keys the hash. NULL when the cap holds no entry or memory is short.
 */
struct frag_table *frag_table_new(uint64_t memcap, uint32_t timeout_s,
				  const uint8_t seed[16]);
void frag_table_free(struct frag_table *ft);

/* Default --frag-memcap: 4 MiB, about 40,000 datagrams in flight. */
uint64_t frag_table_default_memcap(void);

/* A first fragment (offset 0, more fragments): remember its ports (and,
 * for ICMP, the type, code and echo identifier). At the cap the oldest
 * entry is evicted and counted. A repeated first fragment refreshes it. */
void frag_table_learn(struct frag_table *ft, const struct pkt_layer *l,
		      uint64_t ts_ns);

/*
 * A later fragment: fill in the ports of its first fragment and set
 * has_ports as the first fragment had it (true for TCP, UDP, SCTP; ICMP
 * gets its echo identifier in the ports, its type and code, and keeps
 * has_ports false as its first fragment did). False (and counted as an
 * orphan) when the first was not seen or has expired.
 */
bool frag_table_resolve(struct frag_table *ft, struct pkt_layer *l,
			uint64_t ts_ns);

struct frag_table_stats {
	uint64_t frag_orphans;
	uint64_t frag_memcap_evictions;
	uint64_t frags_tracked;		/* entries held now */
	uint64_t frags_max;		/* entries the cap allows */
};

void frag_table_stats(const struct frag_table *ft, struct frag_table_stats *s);

#endif
