/*
 * evidence.h: --evidence DIR, the first packets of every alerting flow as a
 * pcap named in the alert (bergerie.evidence.path; CONTRACT.md section 7).
 *
 * Jobs: keep the first --evidence-packets packets (default 20) of every
 * flow while its alert decision is pending, since the decision may come
 * at the tenth payload packet; when the flow alerts, write them to
 * DIR/<Community ID>.pcap (the flow's link type, nanosecond timestamps)
 * and the ones that follow, up to the same count, when the flow ends or
 * the count is reached; forget a flow decided without an alert. A flow
 * whose alert was not written (folded into a dedup window, over the rate)
 * has its file removed: no file without an alert naming it.
 *
 * Caps (CONTRACT.md section 9: option and counter share a name):
 * --evidence-memcap bounds the bytes of every file written together
 * (packets over it are counted in evidence_memcap_dropped);
 * --evidence-buffer-memcap bounds the packets held for undecided flows
 * (evidence_buffer_memcap_dropped). A packet not kept still counts toward
 * a flow's first N, so a file never holds a later packet in its place.
 *
 * Runs on the packet thread: files are written only at the alert and at
 * the end of the flow (or its N-th packet), each in one go, so no file
 * stays open and a flood of alerts cannot exhaust descriptors.
 *
 * Must never: decide whether a flow alerts, or keep a flow pointer past
 * evidence_flow_end().
 */
#ifndef BERGERIE_EVIDENCE_H
#define BERGERIE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "flow.h"

enum {
	EVIDENCE_DEFAULT_PACKETS = 20,
	EVIDENCE_SNAPLEN = 262144,	/* libpcap's MAXIMUM_SNAPLEN */
};
#define EVIDENCE_DEFAULT_MEMCAP (256ull << 20)
#define EVIDENCE_DEFAULT_BUFFER_MEMCAP (16ull << 20)

struct evidence_config {
	const char *dir;		/* must exist and be writable */
	uint32_t packets;		/* per flow; 0: the default */
	uint64_t memcap;		/* bytes of all files; 0: the default */
	uint64_t buffer_memcap;		/* bytes held; 0: the default */
};

/* Counters: name in statistics records (with --evidence only), help. */
#define EVIDENCE_COUNTERS(X)                                                  \
	X(evidence_files, "evidence pcap files written, one per alerting flow") \
	X(evidence_packets, "packets written to evidence files")              \
	X(evidence_bytes, "bytes of evidence files, pcap headers included")   \
	X(evidence_memcap_dropped,                                            \
	  "evidence packets not written: --evidence-memcap reached")          \
	X(evidence_buffer_memcap_dropped,                                     \
	  "packets of undecided flows not kept: --evidence-buffer-memcap")    \
	X(evidence_errors, "evidence files that could not be written")

struct evidence_stats {
#define X(name, help) uint64_t name;
	EVIDENCE_COUNTERS(X)
#undef X
};

struct evidence;

/* NULL with err ("--evidence DIR: why") when DIR is not a writable
 * folder or memory is short. */
struct evidence *evidence_new(const struct evidence_config *cfg, char *err,
			      size_t errlen);

/* Frees what is still held (call after every flow ended). */
void evidence_free(struct evidence *ev);

/* A packet of f, before f's alert decision for this packet is taken. */
void evidence_packet(struct evidence *ev, const struct flow *f,
		     const struct capture_packet *cp);

/*
 * f alerts: writes its file with the packets so far. Returns the file's
 * path (valid until the next call), NULL when no file could be written
 * (--evidence-memcap reached, an I/O error).
 */
const char *evidence_flow_alert(struct evidence *ev, const struct flow *f);

/* The alert just announced by evidence_flow_alert() was not written:
 * removes its file and forgets the flow. */
void evidence_flow_discard(struct evidence *ev, const struct flow *f);

/* f ends (not an interim record): writes what is pending, forgets it. */
void evidence_flow_end(struct evidence *ev, const struct flow *f);

void evidence_stats(const struct evidence *ev, struct evidence_stats *out);

#endif
