/*
 * capture.h: packets in, from capture files or live interfaces (libpcap).
 *
 * Files given with several -r are read in order as one stream (- is
 * standard input). Live capture polls every interface's selectable file
 * descriptor, at most timeout_ms at a time, and reports an idle tick when
 * nothing came, so the caller can move its clock on a quiet link
 * (CONTRACT.md section 3). libpcap's error text reaches the user with the
 * file or interface named. An interface that goes down or away is an
 * error, or with retry a notice, and is reopened with a capped backoff
 * while the caller keeps its flows.
 */
#ifndef BERGERIE_CAPTURE_H
#define BERGERIE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture_config {
	const char *const *files;	/* -r, in order */
	size_t nfiles;
	const char *const *interfaces;	/* -i */
	size_t ninterfaces;
	const char *bpf;		/* NULL: no filter */
	uint32_t snaplen;		/* 0: 262144 */
	uint32_t buffer_kib;		/* 0: libpcap's default */
	bool promisc;
	bool immediate;
	bool retry;		/* live: reopen a lost interface */
	uint32_t retry_max_s;	/* longest wait between attempts */
};

enum { CAPTURE_MAX_INPUTS = 64 };

struct capture_packet {
	uint64_t ts_ns;
	uint32_t caplen;
	uint32_t wirelen;
	const uint8_t *data;
	int linktype;
	uint16_t input_index;	/* which file or interface */
};

enum capture_status {
	CAPTURE_PACKET,		/* *pkt is filled */
	CAPTURE_IDLE,		/* live: nothing arrived within the timeout */
	CAPTURE_END,		/* every file was read to its end */
	CAPTURE_ERROR,		/* capture_error() says what */
	CAPTURE_NOTICE,		/* live, retry: an interface was lost or is
				 * back; capture_error() says which. The run
				 * goes on. */
};

/* Why an open failed: exit status 2 for a bad filter, 3 for the rest. */
enum capture_open_error {
	CAPTURE_OPEN_OK = 0,
	CAPTURE_OPEN_BAD_FILTER,
	CAPTURE_OPEN_FAILED,
};

struct capture;

/* Opens every input up front, so a missing file or an unsupported link
 * type stops the run before a packet is read. NULL with err set. */
struct capture *capture_open(const struct capture_config *cfg,
			     enum capture_open_error *why, char *err,
			     size_t errlen);
void capture_close(struct capture *c);

enum capture_status capture_next(struct capture *c, struct capture_packet *pkt,
				 int timeout_ms);

/*
 * Called per packet by capture_dispatch(); pkt and its data are valid
 * during the call only. Returning false stops the dispatch after this
 * packet (a signal, a packet count reached).
 */
typedef bool (*capture_fn)(void *ctx, const struct capture_packet *pkt);

/*
 * Hands packets to fn until it returns false or none is left:
 * CAPTURE_PACKET when fn asked to stop (call again to go on), then as
 * capture_next() (CAPTURE_END after every file, CAPTURE_ERROR, and live
 * CAPTURE_IDLE, CAPTURE_NOTICE). Files are read with pcap_dispatch(), in
 * order, without a call per packet; live capture hands out one packet per
 * call, as capture_next() does.
 */
enum capture_status capture_dispatch(struct capture *c, capture_fn fn,
				     void *ctx, int timeout_ms);

/* "FILE: message" for the last CAPTURE_ERROR. */
const char *capture_error(const struct capture *c);

bool capture_is_live(const struct capture *c);
size_t capture_input_count(const struct capture *c);
const char *capture_input_name(const struct capture *c, uint16_t index);

struct capture_stats {
	uint64_t received, dropped, if_dropped;	/* sums over interfaces */
	uint64_t retries;	/* attempts to reopen a lost interface */
};

void capture_stats(struct capture *c, struct capture_stats *s);

#endif
