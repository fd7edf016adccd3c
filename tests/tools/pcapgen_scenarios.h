/*
 * pcapgen_scenarios.h: the small, hand-counted scenarios of pcapgen.
 * Included once, by pcapgen.c, after its framing and conversation helpers.
 *
 * Conventions in the comments: "C" is the initiator (source in the flow
 * record), "S" the responder; "5/300" means 5 packets, 300 IP bytes.
 * Times are seconds after 2026-03-02T09:00:00Z. Timeouts are CONTRACT.md
 * section 3's defaults (TCP 300 s idle, 30 s unanswered SYN, 5 s linger;
 * UDP and ICMP 60 s; active 300 s).
 */

/* One DNS query and its answer on cv at t (answer 2 ms later). */
static void dns_exchange(struct gen *g, struct conv *cv, double t,
			 uint16_t id, const char *name, uint16_t qtype,
			 const char *const *cnames, int ncname,
			 const struct addr *addrs, int naddr)
{
	uint8_t b[512];
	size_t n;

	n = dns_query(b, sizeof(b), id, name, qtype);
	udp_dgram(g, cv, 0, b, n, SEC(t));
	n = dns_answer(b, sizeof(b), id, name, qtype, cnames, ncname, addrs,
		       naddr);
	udp_dgram(g, cv, 1, b, n, SEC(t + 0.002));
}

/*
 * tcp-basic (Ethernet, IPv4). Four flows, all initiated by 10.1.0.20.
 *
 *  A  10.1.0.20:50001 -> 51.91.10.10:443, t 0.000-0.052: SYN, SYN-ACK, ACK,
 *     C 200 bytes, S 1000 + 500 bytes, C ACK, FIN both ways, last ACK.
 *     C 6/440 (40+40+240+40+40+40), S 4/1660 (40+1040+540+40); end fin.
 *  B  10.1.0.20:50002 -> 88.198.1.1:80, t 1.000-1.030: handshake, C 100
 *     bytes, S RST-ACK. C 3/220 (40+40+140), S 2/80; end rst.
 *  C  10.1.0.20:50003 -> 52.94.1.1:443, a SYN at t 2, 3 and 5 (same
 *     sequence number: retransmissions), never answered. C 3/120, S 0/0;
 *     end idle_timeout (30 s unanswered-SYN timeout, at t 35, before the
 *     next packet at t 40).
 *  D  10.1.0.20:50004 -> 116.202.1.1:443, t 40.000-40.052; the capture
 *     starts at the SYN-ACK (116.202.1.1 -> 10.1.0.20): the initiator must
 *     be corrected to 10.1.0.20. C ACK, 300 bytes, FIN, last ACK: 4/460
 *     (40+340+40+40); S SYN-ACK, 1200 bytes, FIN: 3/1320 (40+1240+40);
 *     end fin.
 * tshark -z conv,tcp: 4 conversations.
 */
static void sc_tcp_basic(struct gen *g, const char *out)
{
	struct conv cv;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);

	conv_init(&cv, "A tcp 10.1.0.20:50001 51.91.10.10:443", HOST4, 50001,
		  addr4(51, 91, 10, 10), 443, 6);
	tcp_open(g, &cv, 0.000, 0.010);
	tcp_seg(g, &cv, 0, F_PA, NULL, 200, SEC(0.020));
	tcp_seg(g, &cv, 1, F_ACK, NULL, 1000, SEC(0.030));
	tcp_seg(g, &cv, 1, F_PA, NULL, 500, SEC(0.031));
	tcp_seg(g, &cv, 0, F_ACK, NULL, 0, SEC(0.032));
	tcp_close(g, &cv, 0.040, 0.010);

	conv_init(&cv, "B tcp 10.1.0.20:50002 88.198.1.1:80", HOST4, 50002,
		  addr4(88, 198, 1, 1), 80, 6);
	tcp_open(g, &cv, 1.000, 0.010);
	tcp_seg(g, &cv, 0, F_PA, NULL, 100, SEC(1.020));
	tcp_seg(g, &cv, 1, F_RA, NULL, 0, SEC(1.030));

	conv_init(&cv, "C tcp 10.1.0.20:50003 52.94.1.1:443", HOST4, 50003,
		  addr4(52, 94, 1, 1), 443, 6);
	tcp_seg(g, &cv, 0, F_SYN, NULL, 0, SEC(2.0));
	cv.seq[0]--;
	tcp_seg(g, &cv, 0, F_SYN, NULL, 0, SEC(3.0));
	cv.seq[0]--;
	tcp_seg(g, &cv, 0, F_SYN, NULL, 0, SEC(5.0));

	conv_init(&cv, "D tcp 10.1.0.20:50004 116.202.1.1:443", HOST4, 50004,
		  addr4(116, 202, 1, 1), 443, 6);
	cv.seq[0]++;	/* the client's SYN went by before the capture */
	tcp_seg(g, &cv, 1, F_SA, NULL, 0, SEC(40.000));
	tcp_seg(g, &cv, 0, F_ACK, NULL, 0, SEC(40.001));
	tcp_seg(g, &cv, 0, F_PA, NULL, 300, SEC(40.010));
	tcp_seg(g, &cv, 1, F_PA, NULL, 1200, SEC(40.020));
	tcp_close(g, &cv, 40.040, 0.010);

	gen_close(g);
}

/*
 * udp-dns-like (Ethernet). DNS over IPv4 and IPv6, and NTP with a gap.
 * DNS sizes: header 12, question name + 4; an A/AAAA answer record with a
 * compressed owner is 16/28 bytes, a CNAME record 12 + the encoded target.
 *
 *  1  10.1.0.20:40001 -> 10.1.0.2:53, t 0: A www.example.com (query 33
 *     bytes), answer 93.184.215.14. C 1/61, S 1/77.
 *  2  10.1.0.20:40002 -> 10.1.0.2:53, t 0.001: AAAA www.example.com.
 *     C 1/61, S 1/89.
 *  3  [fd00:10::20]:40003 -> [fd00:10::2]:53, t 1: A mail.example.org
 *     (query 34), CNAME mx.example.org (28) + A (16). C 1/82, S 1/126.
 *  4  10.1.0.20:40004 -> 1.1.1.1:53, t 2: A www.wikipedia.org (query 35),
 *     CNAME dyna.wikimedia.org (32) + A 185.15.59.224. C 1/63, S 1/111.
 *  5  [fd00:10::20]:40005 -> [2606:4700:4700::1111]:53, t 3: AAAA
 *     www.wikipedia.org, CNAME + AAAA 2a02:ec80:300:ed1a::1. C 1/83, S 1/143.
 *  6  10.1.0.20:123 -> 162.159.200.1:123 (NTP, 48 bytes), t 10 and 10.02:
 *     C 1/76, S 1/76; end idle_timeout at 70.02 (60 s UDP timeout).
 *  7  the same tuple resumed after 61 s, t 71.02 and 71.04: a new flow,
 *     C 1/76, S 1/76; end end_of_input.
 * Flows 1-5 are idle from t <= 3.002 and the clock reaches 71.02, so they
 * end idle_timeout (last packet + 60 s), as flow 6 does.
 * 7 flow records; tshark -z conv,udp shows 6 conversations (it does not
 * split on idle time).
 */
static void sc_udp_dns(struct gen *g, const char *out)
{
	static const char *const wiki_cname[] = { "dyna.wikimedia.org" };
	static const char *const mx_cname[] = { "mx.example.org" };
	struct addr a;
	struct conv cv;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);

	conv_init(&cv, "1 udp 10.1.0.20:40001 10.1.0.2:53", HOST4, 40001,
		  RESOLVER4, 53, 17);
	a = addr4(93, 184, 215, 14);
	dns_exchange(g, &cv, 0.000, 0x1001, "www.example.com", DNS_A, NULL, 0,
		     &a, 1);
	conv_init(&cv, "2 udp 10.1.0.20:40002 10.1.0.2:53", HOST4, 40002,
		  RESOLVER4, 53, 17);
	a = addr6(0x2606, 0x2800, 0x21f, 0xcb07, 0x6820, 0x80da, 0xaf6b,
		  0x8b2c);
	dns_exchange(g, &cv, 0.001, 0x1002, "www.example.com", DNS_AAAA, NULL,
		     0, &a, 1);
	conv_init(&cv, "3 udp [fd00:10::20]:40003 [fd00:10::2]:53", HOST6,
		  40003, RESOLVER6, 53, 17);
	a = addr4(51, 68, 170, 25);
	dns_exchange(g, &cv, 1.000, 0x1003, "mail.example.org", DNS_A,
		     mx_cname, 1, &a, 1);
	conv_init(&cv, "4 udp 10.1.0.20:40004 1.1.1.1:53", HOST4, 40004,
		  addr4(1, 1, 1, 1), 53, 17);
	a = addr4(185, 15, 59, 224);
	dns_exchange(g, &cv, 2.000, 0x1004, "www.wikipedia.org", DNS_A,
		     wiki_cname, 1, &a, 1);
	conv_init(&cv, "5 udp [fd00:10::20]:40005 [2606:4700:4700::1111]:53",
		  HOST6, 40005, addr6(0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111),
		  53, 17);
	a = addr6(0x2a02, 0xec80, 0x300, 0xed1a, 0, 0, 0, 1);
	dns_exchange(g, &cv, 3.000, 0x1005, "www.wikipedia.org", DNS_AAAA,
		     wiki_cname, 1, &a, 1);

	conv_init(&cv, "6 udp 10.1.0.20:123 162.159.200.1:123", HOST4, 123,
		  addr4(162, 159, 200, 1), 123, 17);
	udp_dgram(g, &cv, 0, NULL, 48, SEC(10.00));
	udp_dgram(g, &cv, 1, NULL, 48, SEC(10.02));
	cv.name = "7 udp 10.1.0.20:123 162.159.200.1:123 (after 61 s)";
	udp_dgram(g, &cv, 0, NULL, 48, SEC(71.02));
	udp_dgram(g, &cv, 1, NULL, 48, SEC(71.04));

	gen_close(g);
}

/*
 * vlan-qinq-mpls-pppoe (Ethernet). The same small TCP exchange (handshake,
 * C 100 bytes, S 400 bytes, FIN both ways, last ACK) five times, one second
 * apart, each C 5/300, S 3/520, end fin:
 *
 *  1  untagged         10.1.0.20:50100 -> 51.91.20.20:443, t 0
 *  2  802.1Q VLAN 10   same five-tuple, t 1 (network.vlan.id "10")
 *  3  QinQ: S-tag 100 (TPID 0x88a8), C-tag 20 (0x8100), same five-tuple,
 *     t 2 (network.vlan.id "100", network.inner.vlan.id "20")
 *  4  MPLS labels 1000, 2000 (bottom of stack), 10.1.0.20:50102, t 3
 *  5  PPPoE session 0x0042 (PPP protocol 0x0021), 10.1.0.20:50103, t 4
 *
 * Flows 1-3 share a five-tuple: VLAN IDs in the key keep them apart.
 * 5 flows; tshark -z conv,tcp shows 3 (it ignores VLANs).
 */
static void sc_l2(struct gen *g, const char *out)
{
	struct path pv = { .enc = ENC_VLAN, .vid = { 10, 0 } };
	struct path pq = { .enc = ENC_QINQ, .vid = { 100, 20 } };
	struct path pm = { .enc = ENC_MPLS, .label = { 1000, 2000 } };
	struct path pp = { .enc = ENC_PPPOE, .session = 0x0042 };
	struct addr srv = addr4(51, 91, 20, 20);
	struct conv cv;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);
	conv_init(&cv, "1 untagged tcp 10.1.0.20:50100 51.91.20.20:443", HOST4,
		  50100, srv, 443, 6);
	tcp_small(g, &cv, 0, 400);
	conv_init(&cv, "2 vlan 10 tcp 10.1.0.20:50100 51.91.20.20:443", HOST4,
		  50100, srv, 443, 6);
	cv.path = &pv;
	tcp_small(g, &cv, 1, 400);
	conv_init(&cv, "3 qinq 100/20 tcp 10.1.0.20:50100 51.91.20.20:443",
		  HOST4, 50100, srv, 443, 6);
	cv.path = &pq;
	tcp_small(g, &cv, 2, 400);
	conv_init(&cv, "4 mpls tcp 10.1.0.20:50102 51.91.20.20:443", HOST4,
		  50102, srv, 443, 6);
	cv.path = &pm;
	tcp_small(g, &cv, 3, 400);
	conv_init(&cv, "5 pppoe tcp 10.1.0.20:50103 51.91.20.20:443", HOST4,
		  50103, srv, 443, 6);
	cv.path = &pp;
	tcp_small(g, &cv, 4, 400);
	gen_close(g);
}

/*
 * fragments (Ethernet).
 *
 *  1  10.1.0.20:40010 -> 51.15.1.1:5000 UDP, t 0: a 3000-byte payload
 *     (UDP length 3008) in 3 IPv4 fragments, id 0x4242: offsets 0 (1480
 *     data bytes, carries the UDP header, MF), 1480 (1480, MF), 2960 (48).
 *     IP bytes 1500 + 1500 + 68. Reply at t 0.05: 100 bytes, unfragmented.
 *     C 3/3068, S 1/128.
 *  2  [fd00:10::20]:40011 -> [2a01:4f8::1]:5001 UDP, t 1: a 2000-byte
 *     payload (UDP length 2008) in 2 IPv6 fragments (fragment header,
 *     id 0x12345678): 1232 data bytes at offset 0 (M), 776 at 1232.
 *     IP bytes 40+8+1232 = 1280 and 40+8+776 = 824. Reply 50 bytes: 98.
 *     C 2/2104, S 1/98.
 *  3  an orphan: 10.1.0.20 -> 51.15.1.2, protocol UDP, id 0x7777, offset
 *     1480, no MF, 100 data bytes (IP 120), t 2; its first fragment never
 *     appears, so its ports are unknown. Expected: no ports; either a
 *     portless UDP flow 10.1.0.20 -> 51.15.1.2 of 1/120 when the fragment
 *     table gives up on it, or a counted drop (the decoder's choice; say
 *     which in the golden file).
 * 2 flows with ports (+ the orphan). tshark reassembles 1 and 2:
 * -z conv,udp shows 2 conversations with frame counts 4 and 3.
 */
static void sc_fragments(struct gen *g, const char *out)
{
	struct addr c = HOST4, s = addr4(51, 15, 1, 1);
	struct addr c6 = HOST6, s6 = addr6(0x2a01, 0x4f8, 0, 0, 0, 0, 0, 1);
	const char *n1 = "1 udp 10.1.0.20:40010 51.15.1.1:5000 (3 fragments)";
	const char *n2 = "2 udp [fd00:10::20]:40011 [2a01:4f8::1]:5001 (2 fragments)";
	struct pkt *p = &g->p, *q = &g->q;
	struct conv cv;
	size_t off, n, total;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);

	/* The whole datagram first, so the UDP checksum covers all of it. */
	pkt_reset(q);
	pkt_push_fill(q, 3000, 1);
	pkt_push_udp(q, &c, &s, 40010, 5000);
	total = pkt_len(q);
	for (off = 0; off < total; off += n) {
		n = total - off > 1480 ? 1480 : total - off;
		pkt_reset(p);
		pkt_push_bytes(p, pkt_data(q) + off, n);
		pkt_push_ipv4x(p, &c, &s, 17, 0x4242,
			       (uint16_t)((off + n < total ? 0x2000 : 0) |
					  off / 8), 64, NULL, 0);
		tally_add(g, n1, 0, pkt_len(p));
		emit(g, NULL, p, 0, SEC(0.001 * (double)(off / 1480)));
	}
	conv_init(&cv, n1, c, 40010, s, 5000, 17);
	udp_dgram(g, &cv, 1, NULL, 100, SEC(0.050));

	pkt_reset(q);
	pkt_push_fill(q, 2000, 2);
	pkt_push_udp(q, &c6, &s6, 40011, 5001);
	total = pkt_len(q);
	for (off = 0; off < total; off += n) {
		uint8_t *h;

		n = total - off > 1232 ? 1232 : total - off;
		pkt_reset(p);
		pkt_push_bytes(p, pkt_data(q) + off, n);
		h = pkt_push(p, 8);	/* RFC 8200 4.5 */
		h[0] = 17;
		put16(h + 2, (uint16_t)(off | (off + n < total ? 1 : 0)));
		put32(h + 4, 0x12345678);
		pkt_push_ipv6(p, &c6, &s6, 44, 0);
		tally_add(g, n2, 0, pkt_len(p));
		emit(g, NULL, p, 0, SEC(1.0 + 0.001 * (double)(off / 1232)));
	}
	conv_init(&cv, n2, c6, 40011, s6, 5001, 17);
	udp_dgram(g, &cv, 1, NULL, 50, SEC(1.050));

	/* The orphan: a last fragment whose first never comes. */
	s = addr4(51, 15, 1, 2);
	pkt_reset(p);
	pkt_push_fill(p, 100, 3);
	pkt_push_ipv4x(p, &c, &s, 17, 0x7777, 1480 / 8, 64, NULL, 0);
	tally_add(g, "3 orphan fragment 10.1.0.20 51.15.1.2 udp (no ports)", 0,
		  pkt_len(p));
	emit(g, NULL, p, 0, SEC(2.0));

	gen_close(g);
}

/*
 * ipv6-ext (Ethernet).
 *
 *  1  [fd00:10::20]:50200 -> [2a01:4f8::2]:443, t 0: the small exchange
 *     (C 100, S 300 bytes). Each C packet carries hop-by-hop (8 bytes,
 *     PadN), routing (type 4 SRH, 24 bytes, segments left 0) and
 *     destination options (8 bytes, PadN): 40 extra bytes. S packets have
 *     none. C 5/600 (100+100+200+100+100), S 3/480 (60+360+60); end fin.
 *  2  [fd00:10::20]:50201 -> [2a01:4f8::3]:443, t 1: the small exchange
 *     (C 100, S 150 bytes) with an AH header (24 bytes) on every packet,
 *     both ways. C 5/520 (84+84+184+84+84), S 3/402 (84+234+84); end fin.
 * 2 flows; tshark -z conv,tcp shows 2.
 */
static void sc_ipv6_ext(struct gen *g, const char *out)
{
	struct addr s1 = addr6(0x2a01, 0x4f8, 0, 0, 0, 0, 0, 2);
	uint8_t ext[40];
	struct conv cv;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);

	memset(ext, 0, sizeof(ext));
	ext[0] = 43;		/* HBH: next is routing */
	ext[1] = 0;
	ext[2] = 1;		/* PadN, 4 bytes */
	ext[3] = 4;
	ext[8] = 60;		/* routing: next is destination options */
	ext[9] = 2;		/* (2 + 1) * 8 = 24 bytes */
	ext[10] = 4;		/* segment routing header, RFC 8754 */
	ext[11] = 0;		/* segments left */
	ext[12] = 0;		/* last entry */
	memcpy(ext + 16, s1.b, 16);
	ext[32] = 6;		/* destination options: next is TCP */
	ext[33] = 0;
	ext[34] = 1;
	ext[35] = 4;

	conv_init(&cv, "1 tcp [fd00:10::20]:50200 [2a01:4f8::2]:443 (HBH+RH+DO)",
		  HOST6, 50200, s1, 443, 6);
	cv.ext[0] = ext;
	cv.extlen[0] = sizeof(ext);
	cv.ext_nh[0] = 0;
	tcp_small(g, &cv, 0, 300);

	conv_init(&cv, "2 tcp [fd00:10::20]:50201 [2a01:4f8::3]:443 (AH)",
		  HOST6, 50201, addr6(0x2a01, 0x4f8, 0, 0, 0, 0, 0, 3), 443, 6);
	cv.ah = true;
	tcp_small(g, &cv, 1, 150);

	gen_close(g);
}

/* An echo request (dir 0) or reply (dir 1) of 56 data bytes. */
static void icmp_echo(struct gen *g, const char *name, const struct addr *c,
		      const struct addr *s, int dir, uint16_t id, uint16_t seq,
		      double t)
{
	struct pkt *p = &g->p;
	const struct addr *src = dir ? s : c, *dst = dir ? c : s;

	pkt_reset(p);
	pkt_push_fill(p, 56, seq);
	if (c->family == 4) {
		pkt_push_icmp(p, dir ? 0 : 8, 0, (uint32_t)id << 16 | seq);
		pkt_push_ipv4(p, src, dst, 1, (uint16_t)(id + seq + dir));
	} else {
		pkt_push_icmp6(p, src, dst, dir ? 129 : 128, 0,
			       (uint32_t)id << 16 | seq);
		pkt_push_ipv6(p, src, dst, 58, 0);
	}
	tally_add(g, name, dir, pkt_len(p));
	emit(g, NULL, p, dir, SEC(t));
}

/*
 * icmp (Ethernet).
 *
 *  1  ICMP echo 10.1.0.20 -> 8.8.8.8, identifier 0x1111, sequences 1 and
 *     2, 56 data bytes (IP 84), t 0 and 1. C 2/168, S 2/168.
 *  2  ICMP echo 10.1.0.20 -> 8.8.8.8, identifier 0x2222, sequence 1, t 2.
 *     C 1/84, S 1/84. (The identifier keeps it apart from flow 1.)
 *  3  ICMPv6 echo fd00:10::20 -> 2001:4860:4860::8888, identifier 0x3333,
 *     sequences 1 and 2 (IP 40+8+56 = 104), t 3 and 4. C 2/208, S 2/208.
 *  4  UDP 10.1.0.20:40020 -> 51.68.1.1:9999, 20-byte datagrams (IP 48) at
 *     t 5 and 6; 51.68.1.1 answers the second with ICMP port unreachable
 *     (type 3 code 3) quoting the whole 48-byte datagram: IP 20+8+48 = 76.
 *     The error counts toward the UDP flow: C 2/96, S 1/76.
 * bergerie.icmp.type/code of flows 1, 2: 8/0; flow 3: 128/0.
 * 4 flows (ICMP flows end idle_timeout or end_of_input; none is closed).
 */
static void sc_icmp(struct gen *g, const char *out)
{
	struct addr c = HOST4, s = addr4(8, 8, 8, 8);
	struct addr c6 = HOST6;
	struct addr s6 = addr6(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888);
	struct addr u = addr4(51, 68, 1, 1);
	const char *n1 = "1 icmp 10.1.0.20 8.8.8.8 id 0x1111";
	const char *n2 = "2 icmp 10.1.0.20 8.8.8.8 id 0x2222";
	const char *n3 = "3 ipv6-icmp fd00:10::20 2001:4860:4860::8888 id 0x3333";
	const char *n4 = "4 udp 10.1.0.20:40020 51.68.1.1:9999 (+ICMP error)";
	struct pkt *p = &g->p;
	struct conv cv;
	int i;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);
	for (i = 0; i < 2; i++) {
		icmp_echo(g, n1, &c, &s, 0, 0x1111, (uint16_t)(i + 1), i);
		icmp_echo(g, n1, &c, &s, 1, 0x1111, (uint16_t)(i + 1), i + 0.012);
	}
	icmp_echo(g, n2, &c, &s, 0, 0x2222, 1, 2);
	icmp_echo(g, n2, &c, &s, 1, 0x2222, 1, 2.012);
	for (i = 0; i < 2; i++) {
		icmp_echo(g, n3, &c6, &s6, 0, 0x3333, (uint16_t)(i + 1), 3 + i);
		icmp_echo(g, n3, &c6, &s6, 1, 0x3333, (uint16_t)(i + 1),
			  3.012 + i);
	}

	conv_init(&cv, n4, c, 40020, u, 9999, 17);
	udp_dgram(g, &cv, 0, NULL, 20, SEC(5));
	udp_dgram(g, &cv, 0, NULL, 20, SEC(6));
	/* Rebuild the second datagram as it left (same IP id: ipid - 1). */
	pkt_reset(p);
	pkt_push_fill(p, 20, (uint32_t)(40020 + 20));
	pkt_push_udp(p, &c, &u, 40020, 9999);
	pkt_push_ipv4(p, &c, &u, 17, (uint16_t)(cv.ipid[0] - 1));
	pkt_push_icmp(p, 3, 3, 0);
	pkt_push_ipv4x(p, &u, &c, 1, 0x5151, 0, 60, NULL, 0);
	tally_add(g, n4, 1, pkt_len(p));
	emit(g, NULL, p, 1, SEC(6.015));
	gen_close(g);
}

/*
 * tunnels (Ethernet). Each tunnel is one outer flow and one inner flow
 * (bergerie.tunnel.depth 1). Outer overheads: GRE with key 20+8 = 28;
 * VXLAN and Geneve 20+8+8+14 (inner Ethernet) = 50; 6in4 20; GTP-U
 * 20+8+8 = 36.
 *
 *  GRE key 0x1234 (RFC 2890), outer 10.1.0.1 <-> 51.68.2.2 (gre):
 *   inner tcp 10.1.5.10:50300 -> 192.168.50.10:22, small exchange with
 *   200 bytes back: C 5/300, S 3/320; outer C 5/440, S 3/404.
 *  VXLAN VNI 42, outer udp 10.1.0.1:4789 <-> 51.91.3.3:4789 (both VTEPs
 *   use 4789 as source port, so one outer flow), t 1:
 *   inner udp 192.168.60.10:40030 -> 192.168.60.20:5000, C 100, S 300,
 *   C 100, S 300 bytes: C 2/256, S 2/656; outer C 2/356, S 2/756.
 *  6in4 (protocol 41), outer 10.1.0.1 <-> 216.66.84.46, t 2:
 *   inner tcp [2001:470:1f12:10::2]:50301 -> [2a00:1450:4007:80c::200e]:443,
 *   small exchange, 200 bytes back: C 5/400, S 3/380; outer C 5/500,
 *   S 3/440.
 *  Geneve VNI 7, outer udp 10.1.0.1:6081 <-> 51.15.4.4:6081, t 3:
 *   inner udp 192.168.70.10:40031 -> 192.168.70.20:8080, 64 and 128
 *   bytes: C 1/92, S 1/156; outer C 1/142, S 1/206.
 *  GTP-U TEID 0x00abcdef, outer udp 10.1.0.1:2152 <-> 84.130.10.1:2152,
 *   t 4: inner udp 100.64.1.10:40032 -> 8.8.8.8:53, DNS A www.google.com
 *   (32 bytes) and its answer (48): C 1/60, S 1/76; outer C 1/96,
 *   S 1/112.
 * 10 flows. tshark -z conv,udp counts outer and inner UDP conversations
 * (3 outer + 3 inner = 6); -z conv,tcp 2 (inner).
 */
static void sc_tunnels(struct gen *g, const char *out)
{
	struct path gre = { .tun = TUN_GRE, .oc = addr4(10, 1, 0, 1),
			    .os = addr4(51, 68, 2, 2), .key = 0x1234,
			    .outer = "GRE outer gre 10.1.0.1 51.68.2.2" };
	struct path vx = { .tun = TUN_VXLAN, .oc = addr4(10, 1, 0, 1),
			   .os = addr4(51, 91, 3, 3), .key = 42,
			   .outer = "VXLAN outer udp 10.1.0.1:4789 51.91.3.3:4789" };
	struct path s4 = { .tun = TUN_6IN4, .oc = addr4(10, 1, 0, 1),
			   .os = addr4(216, 66, 84, 46),
			   .outer = "6in4 outer ipv6(41) 10.1.0.1 216.66.84.46" };
	struct path gn = { .tun = TUN_GENEVE, .oc = addr4(10, 1, 0, 1),
			   .os = addr4(51, 15, 4, 4), .key = 7,
			   .outer = "Geneve outer udp 10.1.0.1:6081 51.15.4.4:6081" };
	struct path gt = { .tun = TUN_GTPU, .oc = addr4(10, 1, 0, 1),
			   .os = addr4(84, 130, 10, 1), .key = 0x00abcdef,
			   .outer = "GTP-U outer udp 10.1.0.1:2152 84.130.10.1:2152" };
	struct conv cv;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);

	conv_init(&cv, "GRE inner tcp 10.1.5.10:50300 192.168.50.10:22",
		  addr4(10, 1, 5, 10), 50300, addr4(192, 168, 50, 10), 22, 6);
	cv.path = &gre;
	tcp_small(g, &cv, 0, 200);

	conv_init(&cv, "VXLAN inner udp 192.168.60.10:40030 192.168.60.20:5000",
		  addr4(192, 168, 60, 10), 40030, addr4(192, 168, 60, 20), 5000,
		  17);
	cv.path = &vx;
	udp_dgram(g, &cv, 0, NULL, 100, SEC(1.00));
	udp_dgram(g, &cv, 1, NULL, 300, SEC(1.01));
	udp_dgram(g, &cv, 0, NULL, 100, SEC(1.02));
	udp_dgram(g, &cv, 1, NULL, 300, SEC(1.03));

	conv_init(&cv, "6in4 inner tcp [2001:470:1f12:10::2]:50301 [2a00:1450:4007:80c::200e]:443",
		  addr6(0x2001, 0x470, 0x1f12, 0x10, 0, 0, 0, 2), 50301,
		  addr6(0x2a00, 0x1450, 0x4007, 0x80c, 0, 0, 0, 0x200e), 443, 6);
	cv.path = &s4;
	tcp_small(g, &cv, 2, 200);

	conv_init(&cv, "Geneve inner udp 192.168.70.10:40031 192.168.70.20:8080",
		  addr4(192, 168, 70, 10), 40031, addr4(192, 168, 70, 20), 8080,
		  17);
	cv.path = &gn;
	udp_dgram(g, &cv, 0, NULL, 64, SEC(3.00));
	udp_dgram(g, &cv, 1, NULL, 128, SEC(3.01));

	conv_init(&cv, "GTP-U inner udp 100.64.1.10:40032 8.8.8.8:53",
		  addr4(100, 64, 1, 10), 40032, addr4(8, 8, 8, 8), 53, 17);
	cv.path = &gt;
	{
		struct addr a = addr4(142, 250, 179, 100);

		dns_exchange(g, &cv, 4.00, 0x4001, "www.google.com", DNS_A,
			     NULL, 0, &a, 1);
	}

	gen_close(g);
}

/* One SCTP packet: a single chunk built by the caller in g->p. */
static void sctp_send(struct gen *g, struct conv *cv, int dir, uint32_t vtag,
		      double t)
{
	pkt_push_sctp(&g->p, dir ? cv->sp : cv->cp, dir ? cv->cp : cv->sp,
		      vtag);
	conv_ip(g, cv, &g->p, dir, 132, SEC(t));
}

/*
 * sctp (Ethernet). An association 10.1.0.20:36000 -> 51.68.5.5:3868
 * (Diameter over SCTP), t 0-0.05: INIT (chunk 20 bytes, IP 52), INIT-ACK
 * (chunk 40 with a 20-byte state cookie, IP 72), COOKIE-ECHO (20, IP 52),
 * COOKIE-ACK (4, IP 36), DATA (16 + 100, IP 148), SACK (16, IP 48).
 * C 3/252, S 3/156. 1 flow (network.transport "sctp"), end idle/EOI.
 * CRC32c checksums are correct.
 */
static void sc_sctp(struct gen *g, const char *out)
{
	struct pkt *p = &g->p;
	struct conv cv;
	uint8_t *h;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);
	conv_init(&cv, "sctp 10.1.0.20:36000 51.68.5.5:3868", HOST4, 36000,
		  addr4(51, 68, 5, 5), 3868, 132);

	pkt_reset(p);
	h = pkt_push(p, 20);
	h[0] = 1;			/* INIT */
	put16(h + 2, 20);
	put32(h + 4, 0x11111111);
	put32(h + 8, 65536);
	put16(h + 12, 10);
	put16(h + 14, 10);
	put32(h + 16, 1000);
	sctp_send(g, &cv, 0, 0, 0.000);

	pkt_reset(p);
	pkt_push_fill(p, 16, 7);	/* the cookie */
	h = pkt_push(p, 24);
	h[0] = 2;			/* INIT-ACK */
	put16(h + 2, 40);
	put32(h + 4, 0x22222222);
	put32(h + 8, 65536);
	put16(h + 12, 10);
	put16(h + 14, 10);
	put32(h + 16, 5000);
	put16(h + 20, 7);		/* State Cookie parameter */
	put16(h + 22, 20);
	sctp_send(g, &cv, 1, 0x11111111, 0.010);

	pkt_reset(p);
	pkt_push_fill(p, 16, 7);
	h = pkt_push(p, 4);
	h[0] = 10;			/* COOKIE-ECHO */
	put16(h + 2, 20);
	sctp_send(g, &cv, 0, 0x22222222, 0.011);

	pkt_reset(p);
	h = pkt_push(p, 4);
	h[0] = 11;			/* COOKIE-ACK */
	put16(h + 2, 4);
	sctp_send(g, &cv, 1, 0x11111111, 0.021);

	pkt_reset(p);
	pkt_push_fill(p, 100, 8);
	h = pkt_push(p, 16);
	h[0] = 0;			/* DATA, B and E set */
	h[1] = 0x03;
	put16(h + 2, 116);
	put32(h + 4, 1000);
	put32(h + 12, 46);		/* PPID: Diameter */
	sctp_send(g, &cv, 0, 0x22222222, 0.030);

	pkt_reset(p);
	h = pkt_push(p, 16);
	h[0] = 3;			/* SACK */
	put16(h + 2, 16);
	put32(h + 4, 1000);
	put32(h + 8, 65536);
	sctp_send(g, &cv, 1, 0x11111111, 0.040);

	gen_close(g);
}

/*
 * linktypes: OUTFILE is a prefix. One small exchange:
 *   T  tcp 10.1.0.20:50400 -> 51.91.6.6:443, t 0: handshake, C 100,
 *      S 200 bytes, FIN both ways, last ACK. C 5/300, S 3/320; end fin.
 *   U  udp [fd00:10::20]:40040 -> [2a01:4f8::4]:9000, t 1: C 30 bytes,
 *      S 60 bytes, C 30 bytes (IP 78, 108, 78). C 2/156, S 1/108.
 * written as:
 *   PREFIX-en10mb.pcap        Ethernet (1), microsecond pcap
 *   PREFIX-en10mb-ns.pcap     Ethernet, nanosecond pcap (magic a1b23c4d)
 *   PREFIX-en10mb.pcapng      Ethernet, pcapng (SHB, IDB, EPB), us
 *   PREFIX-en10mb-ns.pcapng   Ethernet, pcapng with if_tsresol = 9
 *   PREFIX-sll.pcap           Linux cooked (113)
 *   PREFIX-sll2.pcap          Linux cooked v2 (276)
 *   PREFIX-raw.pcap           raw IP (101)
 *   PREFIX-ipv4.pcap          IPv4 (228): T only
 *   PREFIX-ipv6.pcap          IPv6 (229): U only
 *   PREFIX-null.pcap          BSD loopback (0), host-order family: 2 for
 *                             IPv4; the three IPv6 packets use 24, 28, 30
 *   PREFIX-loop.pcap          OpenBSD loopback (108), network order 2/24
 * 2 flows in each file but -ipv4 and -ipv6 (1 each). -e prints the tally
 * of the last file written, PREFIX-en10mb.pcap.
 */
static void linktypes_one(struct gen *g, const char *prefix, const char *sfx,
			  int lt, enum pcapw_format fmt, int v4, int v6)
{
	char path[4096];
	struct conv cv;

	snprintf(path, sizeof(path), "%s-%s", prefix, sfx);
	g->ntally = 0;
	gen_open(g, path, lt, fmt);
	if (v4) {
		conv_init(&cv, "T tcp 10.1.0.20:50400 51.91.6.6:443", HOST4,
			  50400, addr4(51, 91, 6, 6), 443, 6);
		tcp_small(g, &cv, 0, 200);
	}
	if (v6) {
		conv_init(&cv, "U udp [fd00:10::20]:40040 [2a01:4f8::4]:9000",
			  HOST6, 40040, addr6(0x2a01, 0x4f8, 0, 0, 0, 0, 0, 4),
			  9000, 17);
		udp_dgram(g, &cv, 0, NULL, 30, SEC(1.00));
		udp_dgram(g, &cv, 1, NULL, 60, SEC(1.01));
		udp_dgram(g, &cv, 0, NULL, 30, SEC(1.02));
	}
	gen_close(g);
}

static void sc_linktypes(struct gen *g, const char *out)
{
	linktypes_one(g, out, "en10mb-ns.pcap", LT_EN10MB, PCAPW_PCAP_NS, 1, 1);
	linktypes_one(g, out, "en10mb.pcapng", LT_EN10MB, PCAPW_PCAPNG, 1, 1);
	linktypes_one(g, out, "en10mb-ns.pcapng", LT_EN10MB, PCAPW_PCAPNG_NS, 1, 1);
	linktypes_one(g, out, "sll.pcap", LT_LINUX_SLL, PCAPW_PCAP, 1, 1);
	linktypes_one(g, out, "sll2.pcap", LT_LINUX_SLL2, PCAPW_PCAP, 1, 1);
	linktypes_one(g, out, "raw.pcap", LT_RAW, PCAPW_PCAP, 1, 1);
	linktypes_one(g, out, "ipv4.pcap", LT_IPV4, PCAPW_PCAP, 1, 0);
	linktypes_one(g, out, "ipv6.pcap", LT_IPV6, PCAPW_PCAP, 0, 1);
	linktypes_one(g, out, "null.pcap", LT_NULL, PCAPW_PCAP, 1, 1);
	linktypes_one(g, out, "loop.pcap", LT_LOOP, PCAPW_PCAP, 1, 1);
	linktypes_one(g, out, "en10mb.pcap", LT_EN10MB, PCAPW_PCAP, 1, 1);
}

/*
 * timeouts (Ethernet), TCP 300 s idle and 300 s active timeouts.
 *
 *  1  10.1.0.20:50500 -> 51.91.7.7:443: handshake t 0, C 100 bytes t 0.4,
 *     S 100 t 0.5; silence of 299.0 s; C 100 t 299.5, S 100 t 299.51, FIN
 *     both ways and last ACK t 299.7-299.711. One record (duration 299.711
 *     s < 300, idle never reached): C 6/440 (40+40+140+140+40+40),
 *     S 4/360 (40+140+140+40); end fin.
 *  2  10.1.0.20:50501 -> 51.91.7.8:443: handshake t 1000, C 100 t 1000.4,
 *     S 100 t 1000.5; silence of 301 s; C 100 t 1301.5, S 100 t 1301.51,
 *     FIN both ways, last ACK t 1301.7-1301.711. Two records:
 *       2a  end idle_timeout (event.end 1000.5): C 3/220, S 2/180.
 *       2b  a new flow from t 1301.5, initiator 10.1.0.20 (first packet;
 *           no SYN): C 3/220 (140+40+40), S 2/180 (140+40); end fin.
 *     Note: flow 2a is 300 s old at 1300.0, before its idle deadline
 *     (1300.5), and the clock jumps from 1000.5 to 1301.5; we expect no
 *     interim record for a flow that expires idle (an interim record is
 *     due only for a flow still active). Make the golden file say so.
 *  3  10.1.0.20:50502 -> 51.91.7.9:443, 700 s: handshake t 2000, then one
 *     C data packet of 100 bytes every 10 s at t 2005, 2015, ... 2695 (70
 *     packets), FIN both ways and last ACK at t 2700-2700.011.
 *       3i1 interim (active_timeout) at 2300: packets before it:
 *           C 32/4280 (40+40+30*140), S 1/40.
 *       3i2 interim at 2600: C 62/8480, S 1/40 (cumulative).
 *       3   final, end fin: C 74/9960 (40+40+70*140+40+40), S 2/80.
 *     No data packet falls on a deadline (they are at ...5 s), so the
 *     counts do not depend on whether a deadline is checked before or
 *     after the packet that reveals it.
 * Records: 1, 2a, 2b, 3i1, 3i2, 3 = 6 (4 flows). -e prints the final
 * cumulative counts per flow (1, 2a, 2b, 3).
 */
static void sc_timeouts(struct gen *g, const char *out)
{
	struct conv cv;
	int k;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);

	conv_init(&cv, "1 tcp 10.1.0.20:50500 51.91.7.7:443 (299 s gap)",
		  HOST4, 50500, addr4(51, 91, 7, 7), 443, 6);
	tcp_open(g, &cv, 0, 0.010);
	tcp_seg(g, &cv, 0, F_PA, NULL, 100, SEC(0.4));
	tcp_seg(g, &cv, 1, F_PA, NULL, 100, SEC(0.5));
	tcp_seg(g, &cv, 0, F_PA, NULL, 100, SEC(299.5));
	tcp_seg(g, &cv, 1, F_PA, NULL, 100, SEC(299.51));
	tcp_close(g, &cv, 299.7, 0.010);

	conv_init(&cv, "2a tcp 10.1.0.20:50501 51.91.7.8:443 (before 301 s gap)",
		  HOST4, 50501, addr4(51, 91, 7, 8), 443, 6);
	tcp_open(g, &cv, 1000, 0.010);
	tcp_seg(g, &cv, 0, F_PA, NULL, 100, SEC(1000.4));
	tcp_seg(g, &cv, 1, F_PA, NULL, 100, SEC(1000.5));
	cv.name = "2b tcp 10.1.0.20:50501 51.91.7.8:443 (after 301 s gap)";
	tcp_seg(g, &cv, 0, F_PA, NULL, 100, SEC(1301.5));
	tcp_seg(g, &cv, 1, F_PA, NULL, 100, SEC(1301.51));
	tcp_close(g, &cv, 1301.7, 0.010);

	conv_init(&cv, "3 tcp 10.1.0.20:50502 51.91.7.9:443 (700 s)", HOST4,
		  50502, addr4(51, 91, 7, 9), 443, 6);
	tcp_open(g, &cv, 2000, 0.010);
	for (k = 0; k < 70; k++)
		tcp_seg(g, &cv, 0, F_PA, NULL, 100, SEC(2005.0 + 10.0 * k));
	tcp_close(g, &cv, 2700, 0.010);

	gen_close(g);
}

/* Recomputes the IPv4 header checksum of the packet at the front of p. */
static void ipv4_fix_csum(struct pkt *p, size_t hl)
{
	uint8_t *h = pkt_data(p);

	put16(h + 10, 0);
	put16(h + 10, csum_fold(csum_add(0, h, hl)));
}

/*
 * malformed (Ethernet). A clean flow with a defective frame between each
 * of its packets; each defect raises exactly one counter:
 *
 *  t 0.100  a 10-byte Ethernet frame                  eth_truncated
 *  t 0.300  IPv4 with IHL 4 (16-byte header)          ipv4_bad_ihl
 *  t 0.500  IPv4 total length 12 (< 20)               ipv4_bad_total_length
 *  t 0.600  TCP data offset 4 (10.1.0.20:50601 ->
 *           51.91.8.9:443)                            tcp_bad_offset
 *  t 0.700  UDP length 4 (10.1.0.20:40050 ->
 *           51.91.8.9:53)                             udp_bad_length
 *  t 0.800  IPv6, next header hop-by-hop, payload
 *           length 4: the 8-byte header cannot fit     ipv6_exthdr_truncated
 *  t 0.900  GRE version 2 (10.1.0.1 -> 51.68.2.2)      gre_bad_version
 *
 * The clean flow, 10.1.0.20:50600 -> 51.91.8.8:443: handshake t 0, C 100
 * bytes t 0.2, S 200 t 0.4, FIN both ways and last ACK t 1.0-1.011:
 * C 5/300, S 3/320, end fin; it must come out intact.
 * The defective frames make no flow, except possibly the GRE one: its IPv4
 * header is whole, so the outer layer (gre 10.1.0.1 -> 51.68.2.2, 1/48)
 * may be counted as a flow with the inner packet left undecoded.
 */
static void sc_malformed(struct gen *g, const char *out)
{
	struct pkt *p = &g->p;
	struct addr c = HOST4, s = addr4(51, 91, 8, 9);
	struct addr c6 = HOST6, s6 = addr6(0x2a01, 0x4f8, 0, 0, 0, 0, 0, 5);
	struct addr gc = addr4(10, 1, 0, 1), gs = addr4(51, 68, 2, 2);
	struct conv cv;
	uint8_t *h;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);
	conv_init(&cv, "clean tcp 10.1.0.20:50600 51.91.8.8:443", HOST4, 50600,
		  addr4(51, 91, 8, 8), 443, 6);
	tcp_open(g, &cv, 0, 0.010);

	/* Truncated Ethernet: destination, half a source. */
	pkt_reset(p);
	pkt_push_eth(p, mac_gw, mac_host, NULL, 0, ET_IPV4);
	pcapw_write(&g->w, SEC(0.100), pkt_data(p), 10);

	tcp_seg(g, &cv, 0, F_PA, NULL, 100, SEC(0.2));

	/* IHL 4. */
	pkt_reset(p);
	pkt_push_fill(p, 12, 9);
	pkt_push_udp(p, &c, &s, 40051, 53);
	pkt_push_ipv4(p, &c, &s, 17, 0x0901);
	pkt_data(p)[0] = 0x44;
	ipv4_fix_csum(p, 16);
	emit(g, NULL, p, 0, SEC(0.300));

	tcp_seg(g, &cv, 1, F_PA, NULL, 200, SEC(0.4));

	/* Total length 12. */
	pkt_reset(p);
	pkt_push_fill(p, 12, 10);
	pkt_push_udp(p, &c, &s, 40052, 53);
	pkt_push_ipv4(p, &c, &s, 17, 0x0902);
	put16(pkt_data(p) + 2, 12);
	ipv4_fix_csum(p, 20);
	emit(g, NULL, p, 0, SEC(0.500));

	/* TCP data offset 4 (checksum still right for the bytes sent). */
	pkt_reset(p);
	pkt_push_tcp(p, &c, &s, 50601, 443, 1, 0, F_SYN, 64240, NULL, 0);
	h = pkt_data(p);
	h[12] = 0x40;
	put16(h + 16, 0);
	put16(h + 16, csum_fold(csum_add(pseudo_sum(&c, &s, 6, 20), h, 20)));
	pkt_push_ipv4(p, &c, &s, 6, 0x0903);
	emit(g, NULL, p, 0, SEC(0.600));

	/* UDP length 4. */
	pkt_reset(p);
	pkt_push_fill(p, 12, 11);
	pkt_push_udp(p, &c, &s, 40050, 53);
	put16(pkt_data(p) + 4, 4);
	pkt_push_ipv4(p, &c, &s, 17, 0x0904);
	emit(g, NULL, p, 0, SEC(0.700));

	/* IPv6 hop-by-hop header cut at 4 bytes by the payload length. */
	pkt_reset(p);
	h = pkt_push(p, 4);
	h[0] = 17;
	pkt_push_ipv6(p, &c6, &s6, 0, 0);
	emit(g, NULL, p, 0, SEC(0.800));

	/* GRE version 2 around a small IPv4 UDP packet. */
	pkt_reset(p);
	pkt_push_fill(p, 12, 12);
	pkt_push_udp(p, &c, &s, 40053, 53);
	pkt_push_ipv4(p, &c, &s, 17, 0x0905);
	h = pkt_push(p, 4);
	put16(h, 0x0002);
	put16(h + 2, ET_IPV4);
	pkt_push_ipv4(p, &gc, &gs, 47, 0x0906);
	emit(g, NULL, p, 0, SEC(0.900));

	tcp_close(g, &cv, 1.0, 0.010);
	gen_close(g);
}
