/*
 * dns.h: DNS responses -> (queried name, answer addresses with TTL).
 *
 * Jobs: read one DNS message (RFC 1035 section 4) over a cursor; take the
 * question's name; follow CNAME chains from the question name so that an
 * A or AAAA record at the end of a chain names the address by the name the
 * client asked for; with no question (mDNS answers, RFC 6762 section 6)
 * each A/AAAA names its address by its own owner name.
 *
 * Hostile input: compression pointers may only point backwards, to before
 * the pointer itself, with at most DNS_MAX_HOPS jumps (no loop can form);
 * a label is at most 63 bytes and the labels 0x40/0x80 kinds are refused;
 * a name is at most 255 wire bytes; counts are never trusted: at most
 * DNS_MAX_RRS answer records are read, whatever ANCOUNT says, and reading
 * stops at the first record that does not fit.
 *
 * Must never: allocate, or keep state between messages.
 */
#ifndef BERGERIE_DNS_H
#define BERGERIE_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "name.h"

enum {
	DNS_MAX_RRS = 32,	/* answer records read per message */
	DNS_MAX_ANSWERS = 16,	/* A/AAAA kept per message */
	DNS_MAX_NAMES = 4,	/* owner names kept when there is no question */
	DNS_MAX_HOPS = 16,	/* compression pointers followed per name */
	DNS_MAX_WIRE = 255,	/* RFC 1035 section 3.1 */
	DNS_PORT = 53,
	MDNS_PORT = 5353,
};

enum dns_status {
	DNS_OK,			/* a response: out is filled */
	DNS_NOT_RESPONSE,	/* a query, or another opcode: nothing to learn */
	DNS_MALFORMED,		/* header or question unreadable */
};

struct dns_answer {
	uint8_t family;		/* 4 or 6 */
	uint8_t addr[16];	/* IPv4 in the first 4 bytes, rest 0 */
	uint8_t name;		/* index into dns_result.names */
	uint32_t ttl;		/* seconds, as sent */
};

/* A name in canonical wire form: lowercased labels, each with its length
 * byte, no terminating zero (wlen 0 is the root). */
struct dns_wire_name {
	uint8_t b[DNS_MAX_WIRE];
	uint8_t wlen;
};

struct dns_result {
	bool has_question;
	bool truncated_records;	/* records stopped early (cut or capped) */
	bool name_invalid;	/* a kept name needed escaping or cutting */
	uint8_t nnames;
	uint8_t nanswers;
	char names[DNS_MAX_NAMES][NAME_MAX_LEN + 1];	/* [0]: question */
	struct dns_answer ans[DNS_MAX_ANSWERS];

	/* Scratch for the CNAME walk; kept here so the parser needs no
	 * large stack frame and allocates nothing. */
	struct dns_wire_name scratch_alias[DNS_MAX_RRS / 2];
	struct dns_wire_name scratch_owner[DNS_MAX_RRS];
	struct dns_wire_name scratch_target[DNS_MAX_RRS];
};

/*
 * Parses one DNS message (UDP payload, or one TCP message without its
 * length prefix). DNS_OK for a standard-query response (QR=1, opcode 0),
 * whatever its rcode; out->names[0] is the question's name when
 * out->has_question (it may be "" for the root).
 */
enum dns_status dns_parse_response(const uint8_t *msg, size_t len,
				   struct dns_result *out);

struct cursor;

/*
 * Reads a possibly compressed name at the cursor into canonical wire form;
 * the cursor's window must be the whole message (pointers are offsets from
 * its start) and moves past the name as it appears at that position. False
 * (and the cursor failed) on any violation: pointer forward or to itself,
 * too many hops, label > 63, name > 255 wire bytes, reserved label kinds,
 * cut.
 */
bool dns_read_name(struct cursor *c, struct dns_wire_name *out);

/* Wire form -> dotted text, sanitised (name.h). Returns the text length. */
size_t dns_name_text(const struct dns_wire_name *w, char out[NAME_MAX_LEN + 1],
		     bool *invalid);

#endif
