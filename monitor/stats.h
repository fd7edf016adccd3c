/*
 * stats.h: the run's counters, named once.
 *
 * STATS_COUNTERS generates the fields, their names in statistics records
 * and in --stats output. Decoder anomalies have their own list in packet.h
 * and are kept in an array beside these. Counters owned by other modules
 * (flow table, fragment table, libpcap) are copied in when a report is made.
 */
#ifndef BERGERIE_STATS_H
#define BERGERIE_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "alerts.h"
#include "names.h"
#include "packet.h"
#include "syslog.h"

#define STATS_COUNTERS(X)                                                   \
	X(packets_read, "packets read from the capture")                    \
	X(frame_bytes, "frame bytes read (wire length)")                    \
	X(packets_decoded, "packets with at least one IP layer")            \
	X(packets_malformed, "packets with a malformation (by reason below)") \
	X(packets_non_ip, "frames that are not IP (ARP, STP, ...)")         \
	X(packets_no_flow, "IP packets that joined no flow (orphan fragments)") \
	X(icmp_errors_matched, "ICMP errors counted toward the flow they quote") \
	X(ts_backwards, "packets whose time went backwards")                \
	X(flows_created, "flows created")                                   \
	X(flows_ended, "flows ended")                                       \
	X(flows_interim, "interim flow records (active timeout)")           \
	X(flow_memcap_evictions, "flows evicted at the flow memory cap")    \
	X(flows_active, "flows alive now")                                  \
	X(frag_orphans, "later fragments whose first fragment was not seen") \
	X(frag_memcap_evictions, "fragment entries evicted at the cap")     \
	X(geo_cache_memcap_evictions, "classifications evicted at --geo-cache-memcap (engine in force)") \
	X(records_written, "JSON records written")                         \
	X(records_dropped, "records dropped: output queue full (live)")     \
	X(pcap_received, "packets the kernel received (live)")              \
	X(pcap_dropped, "packets the kernel dropped: buffer full (live)")   \
	X(pcap_if_dropped, "packets the interface dropped (live)")        \
	X(capture_retries, "attempts to reopen a lost interface (--retry)") \
	NAMES_COUNTERS(X)                                                   \
	X(flows_flagged, "flows the policy flagged at their alert decision") \
	X(flows_fail_on, "flagged flows with a --fail-on verdict")          \
	ALERTS_COUNTERS(X)                                                  \
	SYSLOG_COUNTERS(X)

struct stats {
#define X(name, help) uint64_t name;
	STATS_COUNTERS(X)
#undef X
	uint64_t anomaly[ANOMALY_COUNT];
};

/* "name value" lines, then one line per non-zero anomaly counter. */
void stats_print(const struct stats *s, FILE *out);

#endif
