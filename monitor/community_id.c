/*
 * community_id.c: Community ID v1 (github.com/corelight/community-id-spec,
 * README "Pseudo code" and community-id.py's packet_get_comm_id()).
 *
 * The hashed input, all in network byte order:
 *   seed (2) . saddr (4|16) . daddr (4|16) . proto (1) . 0 (1)
 *   . sport (2) . dport (2)
 * with the endpoints ordered so the smaller (address, port) comes first.
 * Ports are hashed for TCP, UDP, SCTP, ICMP and ICMPv6 only; other
 * protocols hash addresses and protocol alone.
 *
 * ICMP and ICMPv6 have no ports: the type takes the source port's place
 * and, for the request/reply types Zeek pairs, the counterpart type takes
 * the destination port's, so request and reply order alike. Any other type
 * is "one way": its code stands in for the destination port and the
 * endpoints keep the packet's order (pycommunityid icmp.py and icmp6.py,
 * mirroring Zeek's ICMP4_counterpart()/ICMP6_counterpart()).
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "community_id.h"

/* SHA-1, fetched once: SHA1() looks the algorithm up in OpenSSL 3's
 * provider tables on every call, half of its cost on a 40-byte input. */
static EVP_MD *sha1_md;
static pthread_once_t sha1_once = PTHREAD_ONCE_INIT;

static void sha1_fetch(void)
{
	sha1_md = EVP_MD_fetch(NULL, "SHA1", NULL);
}

static void sha1(const uint8_t *buf, size_t n, uint8_t out[20])
{
	pthread_once(&sha1_once, sha1_fetch);
	if (!sha1_md || !EVP_Digest(buf, n, out, NULL, sha1_md, NULL))
		SHA1(buf, n, out);
}

/* Counterpart of a two-way ICMPv4 type, -1 for a one-way type. */
static int icmp4_counterpart(uint8_t type)
{
	switch (type) {
	case 8: return 0;	/* echo -> echo reply */
	case 0: return 8;
	case 13: return 14;	/* timestamp */
	case 14: return 13;
	case 15: return 16;	/* information request */
	case 16: return 15;
	case 10: return 9;	/* router solicitation -> advertisement */
	case 9: return 10;
	case 17: return 18;	/* address mask */
	case 18: return 17;
	default: return -1;
	}
}

static int icmp6_counterpart(uint8_t type)
{
	switch (type) {
	case 128: return 129;	/* echo request -> reply */
	case 129: return 128;
	case 130: return 131;	/* MLD query -> report */
	case 131: return 130;
	case 133: return 134;	/* router solicitation -> advertisement */
	case 134: return 133;
	case 135: return 136;	/* neighbour solicitation -> advertisement */
	case 136: return 135;
	case 139: return 140;	/* node information ("who are you") */
	case 140: return 139;
	case 144: return 145;	/* home agent address discovery */
	case 145: return 144;
	default: return -1;
	}
}

static bool proto_has_ports(uint8_t proto)
{
	return proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP ||
	       proto == IPPROTO_NUM_SCTP || proto == IPPROTO_NUM_ICMP ||
	       proto == IPPROTO_NUM_ICMPV6;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void community_id_hash(const struct flow_tuple *t, uint16_t seed,
		       uint8_t out[20])
{
	/* 2 + 16 + 16 + 1 + 1 + 2 + 2: the largest input (IPv6 with ports). */
	uint8_t buf[40];
	size_t alen = t->family == 6 ? 16 : 4;
	const struct ip_addr *a1 = &t->src, *a2 = &t->dst;
	uint16_t p1 = t->sport, p2 = t->dport;
	bool one_way = false;
	bool ports = proto_has_ports(t->proto);
	size_t n = 0;
	int cmp;

	if (t->proto == IPPROTO_NUM_ICMP || t->proto == IPPROTO_NUM_ICMPV6) {
		int peer = t->proto == IPPROTO_NUM_ICMP ?
			   icmp4_counterpart((uint8_t)t->sport) :
			   icmp6_counterpart((uint8_t)t->sport);

		if (peer >= 0)
			p2 = (uint16_t)peer;
		else
			one_way = true;	/* p2 stays the code */
	}
	if (!ports)
		p1 = p2 = 0;

	cmp = memcmp(a1->b, a2->b, alen);
	if (!one_way && (cmp > 0 || (cmp == 0 && ports && p1 > p2))) {
		const struct ip_addr *ta = a1;
		uint16_t tp = p1;

		a1 = a2;
		a2 = ta;
		p1 = p2;
		p2 = tp;
	}

	put_be16(buf, seed);
	n = 2;
	memcpy(buf + n, a1->b, alen);
	n += alen;
	memcpy(buf + n, a2->b, alen);
	n += alen;
	buf[n++] = t->proto;
	buf[n++] = 0;
	if (ports) {
		put_be16(buf + n, p1);
		put_be16(buf + n + 2, p2);
		n += 4;
	}
	sha1(buf, n, out);
}

void community_id_format(const uint8_t hash[20],
			 char out[COMMUNITY_ID_STRLEN])
{
	out[0] = '1';
	out[1] = ':';
	/* 20 bytes make 28 base64 characters plus the NUL EVP writes. */
	EVP_EncodeBlock((unsigned char *)out + 2, hash, 20);
}
