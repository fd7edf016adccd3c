/*
 * pcapgen_office.h: the "office" scenario, the README's sample capture.
 * Included once, by pcapgen.c.
 *
 * About two minutes (t 0-118 s after 2026-03-02T09:00:00Z) of a small
 * office's egress: twelve hosts in 10.1.0.0/16 (10.1.0.21-32) and a few in
 * fd00:10::/48 (ULA, so not a documentation prefix), a resolver at
 * 10.1.0.2 / fd00:10::2. Each named session is a DNS query to the resolver
 * (its own UDP flow, answers carrying the real-looking CNAME chain), then a
 * TCP connection: a real TLS 1.3 ClientHello with SNI, ALPN and
 * supported_versions, a ServerHello, then application_data records; or an
 * HTTP/1.1 request with Host. Bulk transfers use full 1460-byte segments,
 * ACKed every second segment. The addresses are in the operators' real
 * prefixes; the verdict column is what the default policy should reach
 * with good data (GeoIP may disagree: that is the point of cloud ranges).
 *
 *  t   host          name (CNAME)                       address          port  operator / place                 verdict
 *  1   10.1.0.21     www.google.com                     142.250.179.100  443   Google, Paris                    eu_foreign_control (GeoIP may say US)
 *  2   10.1.0.2      (NTP)                              162.159.200.123  123   Cloudflare anycast (UDP)         eu_foreign_control w/ sensor_country, else GeoIP
 *  4   10.1.0.22     files.acme-partner.fr (->
 *                    acme-partner-alb-1234.eu-west-3.elb.amazonaws.com)
 *                                                       35.180.112.34    443   AWS eu-west-3, FR                eu_foreign_control
 *  5   10.1.0.22     push.bergerie-demo.fr              51.91.100.11     443   OVHcloud, FR; kept open to the
 *                                                                              end, a keepalive every 20 s      eu (end_of_input)
 *  8   10.1.0.23     contoso-erp.francecentral.cloudapp.azure.com
 *                                                       20.19.48.10      443   Azure France Central             eu_foreign_control
 *  9   10.1.0.23     ocsp.digicert.com (-> fp2e7a.wpc.phicdn.net)
 *                                                       72.21.91.29      80    Edgecast/Edgio, US; HTTP/1.1     third_country
 *  12  10.1.0.24     contoso-fr.azurewebsites.net (->
 *                    waws-prod-par-001.sip.azurewebsites.windows.net)
 *                                                       20.74.197.5      443   Azure France Central             eu_foreign_control
 *  15  10.1.0.24     cloudflare-dns.com                 1.1.1.1          443   Cloudflare anycast (DoH)         anycast: see CONTRACT 6
 *  20  10.1.0.25     backup.bergerie-demo.fr            51.91.100.10     443   OVHcloud, FR: 400 kB upload      eu
 *  25  10.1.0.26     mail.bergerie-demo.fr              51.68.170.20     993   OVHcloud, FR (IMAPS)             eu
 *  28  10.1.0.27     git.bergerie-demo.fr               51.15.200.5      443   Scaleway, FR                     eu
 *  30  10.1.0.5      (SMB, no DNS)                      10.1.0.10        445   internal                         local
 *  32  10.1.0.28     nextcloud.partner-gmbh.de          116.202.114.9    443   Hetzner, DE: 250 kB download     eu
 *  36  fd00:10::29   cloud.partner-gmbh.de              2a01:4f8:c17:3b5a::1 443 Hetzner, DE (IPv6)             eu
 *  38  10.1.0.29     status.partner-gmbh.de             88.198.20.30     443   Hetzner, DE                      eu
 *  40.5 10.1.0.25    www.youtube.com (-> youtube-ui.l.google.com), QUIC v1 over UDP
 *                                                       142.250.179.110  443   Google, Paris                    eu_foreign_control (GeoIP may say US)
 *  44.5 10.1.0.26    www.cloudflare.com, QUIC v2 over UDP
 *                                                       104.16.132.229   443   Cloudflare anycast               GeoIP (US) unless anycast-marked
 *  42  10.1.0.30     api.otc-customer.de                80.158.35.20     443   Open Telekom Cloud (Deutsche
 *                                                                              Telekom / T-Systems), DE         eu
 *  46  10.1.0.21     kdrive.infomaniak.com              83.166.143.50    443   Infomaniak, CH                   adequate
 *  50  10.1.0.22     www.bbc.co.uk                      212.58.236.1     443   BBC, GB                          adequate
 *  55  10.1.0.24     www.supplier-tokyo.co.jp           60.32.10.10      443   NTT Communications (OCN), JP     adequate
 *  60  10.1.0.25     acme-corp.s3.us-east-1.amazonaws.com (->
 *                    s3-1-w.amazonaws.com)              52.217.100.20    443   AWS us-east-1: 300 kB upload     third_country
 *  66  10.1.0.26     acme.my.salesforce.com             13.110.54.10     443   Salesforce, US                   third_country
 *  70  10.1.0.27     dynamodb.us-east-1.amazonaws.com   52.94.0.10       443   AWS us-east-1                    third_country
 *  75  10.1.0.28     www.cn-supplier.com.cn             47.96.10.20      443   Alibaba Cloud, Hangzhou, CN      third_country
 *  80  10.1.0.31     yandex.ru                          77.88.55.88      443   Yandex, RU                       third_country
 *  85  10.1.0.32     www.uol.com.br                     200.147.35.149   443   UOL, BR                          third_country
 *  90  10.1.0.30     (DNS straight to 8.8.8.8, UDP)     8.8.8.8          53    Google Public DNS, anycast       GeoIP (US) unless anycast-marked
 *  95  fd00:10::30   telemetry.example-iot.net          2a10:cc40::10    443   recently allocated RIPE block    unknown (GeoIP may know nothing)
 *  98  10.1.0.31     update.example-iot.net             192.88.99.10     443   ex-6to4 relay block (RFC 7526)   unknown (in no GeoIP database)
 *  100 fd00:10::21   www.youtube.com (-> youtube-ui.l.google.com)
 *                                                       2a00:1450:4007:80c::200e 443 Google, Paris (IPv6)       eu_foreign_control
 *  105 89.248.165.10 (inbound SYN to 10.1.0.30:22, RST) 10.1.0.30        22    scanner, NL                      inbound; eu
 *  110 10.1.0.2      (NTP again, new flow after 108 s)  162.159.200.123  123
 *
 * Expected flows (61): pcapgen -e office prints each with packets and IP
 * bytes each way (pcaps/README.md has the table): 29 DNS flows (28 to the
 * resolver, 1 to 8.8.8.8), 28 TCP flows (27 outbound or internal, 1
 * inbound scan), 2 NTP flows, 2 QUIC flows (pcapgen_quic.h: the client's
 * SNI split over two Initial packets; both after the 1000th packet, at
 * t 31.2, so office-count1000 sees the same packets as before). Still open at the end (end_of_input):
 * push.bergerie-demo.fr (keepalive, no FIN) and the flows younger than
 * their idle timeout; the inbound scan ends rst.
 */

enum okind {
	OK_TLS,
	OK_HTTP,
	OK_PLAIN,	/* TCP, no DNS, filler payload (SMB) */
	OK_KEEP,	/* TLS kept open, keepalive records every 20 s */
};

struct osess {
	double t;
	struct addr host;
	const char *name;
	const char *cname;	/* NULL: none */
	struct addr dst;
	uint16_t port;
	enum okind kind;
	uint32_t up, down;	/* stream bytes each way */
	double rtt;
};

static uint8_t office_cbuf[512 * 1024];
static uint8_t office_sbuf[512 * 1024];

/* Sends n bytes of d (NULL: filler) in MSS-sized segments from dir, the
 * other side ACKing every second segment; advances *t. */
static void office_stream(struct gen *g, struct conv *cv, int dir,
			  const uint8_t *d, size_t n, double *t)
{
	size_t off, seg;
	int k = 0;

	for (off = 0; off < n; off += seg) {
		seg = n - off > 1460 ? 1460 : n - off;
		tcp_seg(g, cv, dir, off + seg == n ? F_PA : F_ACK,
			d ? d + off : NULL, seg, SEC(*t));
		*t += 0.0008;
		if (++k % 2 == 0 || off + seg == n) {
			tcp_seg(g, cv, !dir, F_ACK, NULL, 0,
				SEC(*t + cv->seq[0] % 3 * 0.0001));
			*t += 0.0002;
		}
	}
}

static void office_session(struct gen *g, const struct osess *o, int i)
{
	char tname[160];
	char hs[INET6_ADDRSTRLEN], ds[INET6_ADDRSTRLEN];
	struct addr res = o->host.family == 4 ? RESOLVER4 : RESOLVER6;
	uint16_t sport = (uint16_t)(50000 + i * 13);
	size_t cn, sn, first, chl;
	struct conv cv;
	uint8_t hello[1024];
	size_t hlen;
	double t = o->t;

	addr_str(&o->host, hs, sizeof(hs));
	addr_str(&o->dst, ds, sizeof(ds));
	if (o->name && o->kind != OK_PLAIN) {
		const char *cn1[1] = { o->cname };
		char hname[160];

		snprintf(hname, sizeof(hname), "dns %s:%u %s (%s)", hs,
			 (unsigned)(52000 + i * 7), o->name,
			 o->dst.family == 4 ? "A" : "AAAA");
		conv_init(&cv, hname, o->host, (uint16_t)(52000 + i * 7), res,
			  53, 17);
		dns_exchange(g, &cv, t, (uint16_t)(0x2000 + i), o->name,
			     o->dst.family == 4 ? DNS_A : DNS_AAAA, cn1,
			     o->cname ? 1 : 0, &o->dst, 1);
		t += 0.020;
	}

	snprintf(tname, sizeof(tname), "tcp %s:%u %s:%u %s", hs, sport, ds,
		 o->port, o->name ? o->name : "(SMB, internal)");
	conv_init(&cv, tname, o->host, sport, o->dst, o->port, 6);
	tcp_open(g, &cv, t, o->rtt);
	t += o->rtt + 0.002;

	switch (o->kind) {
	case OK_TLS:
	case OK_KEEP:
		hlen = tls_client_hello(hello, sizeof(hello), o->name, "h2",
					"http/1.1", (uint32_t)i * 77u);
		chl = hlen;
		cn = tls_stream(office_cbuf, sizeof(office_cbuf), hello, hlen,
				o->up, (uint32_t)i);
		hlen = tls_server_hello(hello, sizeof(hello), (uint32_t)i * 91u);
		sn = tls_stream(office_sbuf, sizeof(office_sbuf), hello, hlen,
				o->down, (uint32_t)i + 1000u);
		first = sn > 4000 ? 4000 : sn;
		/* ClientHello alone, server's first flight, client rest,
		 * server rest. */
		tcp_seg(g, &cv, 0, F_PA, office_cbuf, chl, SEC(t));
		t += o->rtt;
		office_stream(g, &cv, 1, office_sbuf, first, &t);
		t += o->rtt / 2;
		office_stream(g, &cv, 0, office_cbuf + chl, cn - chl, &t);
		t += o->rtt;
		office_stream(g, &cv, 1, office_sbuf + first, sn - first, &t);
		break;
	case OK_HTTP:
		cn = (size_t)snprintf((char *)office_cbuf, sizeof(office_cbuf),
				      "GET /MFEwTzBNMEswSTAJBgUrDgMCGgUABBSAUQYBMq2awn1Rh6Doh%%2FsBYgFV7gQUA95QNVbRTLtm8KPiGxvDl7I90VUCEAUgRWz8o7UUKtZ8cmwdVfg%%3D HTTP/1.1\r\n"
				      "Host: %s\r\n"
				      "User-Agent: Microsoft-CryptoAPI/10.0\r\n"
				      "Accept: */*\r\n"
				      "Connection: Keep-Alive\r\n\r\n",
				      o->name);
		office_stream(g, &cv, 0, office_cbuf, cn, &t);
		t += o->rtt;
		sn = (size_t)snprintf((char *)office_sbuf, sizeof(office_sbuf),
				      "HTTP/1.1 200 OK\r\n"
				      "Content-Type: application/ocsp-response\r\n"
				      "Content-Length: 5\r\n"
				      "Cache-Control: max-age=172800, public\r\n\r\n");
		/* OCSPResponse { responseStatus unauthorized (6) } */
		memcpy(office_sbuf + sn, "\x30\x03\x0a\x01\x06", 5);
		sn += 5;
		office_stream(g, &cv, 1, office_sbuf, sn, &t);
		break;
	case OK_PLAIN:
		office_stream(g, &cv, 0, NULL, o->up, &t);
		t += o->rtt;
		office_stream(g, &cv, 1, NULL, o->down, &t);
		break;
	}

	if (o->kind == OK_KEEP) {
		/* Keepalive records until the end of the capture, no FIN. */
		for (t += 20; t < 118.0; t += 20) {
			tcp_seg(g, &cv, 0, F_PA, NULL, 40, SEC(t));
			tcp_seg(g, &cv, 1, F_PA, NULL, 40, SEC(t + o->rtt));
			tcp_seg(g, &cv, 0, F_ACK, NULL, 0,
				SEC(t + o->rtt + 0.001));
		}
		return;
	}
	tcp_close(g, &cv, t + 0.050, o->rtt);
}

static void sc_office(struct gen *g, const char *out)
{
#define H4(x) addr4(10, 1, 0, x)
#define H6(x) addr6(0xfd00, 0x10, 0, 0, 0, 0, 0, x)
	const struct osess s[] = {
		{ 1, H4(21), "www.google.com", NULL,
		  addr4(142, 250, 179, 100), 443, OK_TLS, 2000, 60000, 0.008 },
		{ 4, H4(22), "files.acme-partner.fr",
		  "acme-partner-alb-1234.eu-west-3.elb.amazonaws.com",
		  addr4(35, 180, 112, 34), 443, OK_TLS, 30000, 8000, 0.009 },
		{ 5, H4(22), "push.bergerie-demo.fr", NULL,
		  addr4(51, 91, 100, 11), 443, OK_KEEP, 1000, 5000, 0.006 },
		{ 8, H4(23), "contoso-erp.francecentral.cloudapp.azure.com", NULL,
		  addr4(20, 19, 48, 10), 443, OK_TLS, 5000, 20000, 0.007 },
		{ 9, H4(23), "ocsp.digicert.com", "fp2e7a.wpc.phicdn.net",
		  addr4(72, 21, 91, 29), 80, OK_HTTP, 0, 5, 0.012 },
		{ 12, H4(24), "contoso-fr.azurewebsites.net",
		  "waws-prod-par-001.sip.azurewebsites.windows.net",
		  addr4(20, 74, 197, 5), 443, OK_TLS, 4000, 16000, 0.007 },
		{ 15, H4(24), "cloudflare-dns.com", NULL,
		  addr4(1, 1, 1, 1), 443, OK_TLS, 1500, 3000, 0.004 },
		{ 20, H4(25), "backup.bergerie-demo.fr", NULL,
		  addr4(51, 91, 100, 10), 443, OK_TLS, 400000, 5000, 0.006 },
		{ 25, H4(26), "mail.bergerie-demo.fr", NULL,
		  addr4(51, 68, 170, 20), 993, OK_TLS, 2000, 15000, 0.006 },
		{ 28, H4(27), "git.bergerie-demo.fr", NULL,
		  addr4(51, 15, 200, 5), 443, OK_TLS, 8000, 40000, 0.007 },
		{ 30, H4(5), NULL, NULL,
		  addr4(10, 1, 0, 10), 445, OK_PLAIN, 20000, 60000, 0.0005 },
		{ 32, H4(28), "nextcloud.partner-gmbh.de", NULL,
		  addr4(116, 202, 114, 9), 443, OK_TLS, 6000, 250000, 0.015 },
		{ 36, H6(0x29), "cloud.partner-gmbh.de", NULL,
		  addr6(0x2a01, 0x4f8, 0xc17, 0x3b5a, 0, 0, 0, 1), 443, OK_TLS,
		  3000, 12000, 0.015 },
		{ 38, H4(29), "status.partner-gmbh.de", NULL,
		  addr4(88, 198, 20, 30), 443, OK_TLS, 1500, 4000, 0.015 },
		{ 42, H4(30), "api.otc-customer.de", NULL,
		  addr4(80, 158, 35, 20), 443, OK_TLS, 12000, 9000, 0.014 },
		{ 46, H4(21), "kdrive.infomaniak.com", NULL,
		  addr4(83, 166, 143, 50), 443, OK_TLS, 50000, 3000, 0.012 },
		{ 50, H4(22), "www.bbc.co.uk", NULL,
		  addr4(212, 58, 236, 1), 443, OK_TLS, 2000, 30000, 0.010 },
		{ 55, H4(24), "www.supplier-tokyo.co.jp", NULL,
		  addr4(60, 32, 10, 10), 443, OK_TLS, 3000, 12000, 0.240 },
		{ 60, H4(25), "acme-corp.s3.us-east-1.amazonaws.com",
		  "s3-1-w.amazonaws.com", addr4(52, 217, 100, 20), 443, OK_TLS,
		  300000, 4000, 0.085 },
		{ 66, H4(26), "acme.my.salesforce.com", NULL,
		  addr4(13, 110, 54, 10), 443, OK_TLS, 6000, 25000, 0.090 },
		{ 70, H4(27), "dynamodb.us-east-1.amazonaws.com", NULL,
		  addr4(52, 94, 0, 10), 443, OK_TLS, 3000, 2000, 0.085 },
		{ 75, H4(28), "www.cn-supplier.com.cn", NULL,
		  addr4(47, 96, 10, 20), 443, OK_TLS, 2500, 9000, 0.260 },
		{ 80, H4(31), "yandex.ru", NULL,
		  addr4(77, 88, 55, 88), 443, OK_TLS, 2000, 18000, 0.055 },
		{ 85, H4(32), "www.uol.com.br", NULL,
		  addr4(200, 147, 35, 149), 443, OK_TLS, 2000, 22000, 0.190 },
		{ 95, H6(0x30), "telemetry.example-iot.net", NULL,
		  addr6(0x2a10, 0xcc40, 0, 0, 0, 0, 0, 0x10), 443, OK_TLS, 2500,
		  1500, 0.030 },
		{ 98, H4(31), "update.example-iot.net", NULL,
		  addr4(192, 88, 99, 10), 443, OK_TLS, 1500, 6000, 0.160 },
		{ 100, H6(0x21), "www.youtube.com", "youtube-ui.l.google.com",
		  addr6(0x2a00, 0x1450, 0x4007, 0x80c, 0, 0, 0, 0x200e), 443,
		  OK_TLS, 3000, 80000, 0.008 },
	};
	struct addr ntp = addr4(162, 159, 200, 123);
	struct conv cv;
	size_t i;
	struct addr a;

	gen_open(g, out, LT_EN10MB, PCAPW_PCAP);
	g->defer = true;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		office_session(g, &s[i], (int)i);

	/* NTP from the resolver box, twice (108 s apart: two flows). */
	conv_init(&cv, "udp 10.1.0.2:123 162.159.200.123:123 (NTP #1)",
		  RESOLVER4, 123, ntp, 123, 17);
	udp_dgram(g, &cv, 0, NULL, 48, SEC(2.0));
	udp_dgram(g, &cv, 1, NULL, 48, SEC(2.006));
	cv.name = "udp 10.1.0.2:123 162.159.200.123:123 (NTP #2)";
	udp_dgram(g, &cv, 0, NULL, 48, SEC(110.0));
	udp_dgram(g, &cv, 1, NULL, 48, SEC(110.006));

	/* A host asking 8.8.8.8 directly. */
	conv_init(&cv, "dns 10.1.0.30:53999 8.8.8.8:53 www.heise.de (A)",
		  H4(30), 53999, addr4(8, 8, 8, 8), 53, 17);
	a = addr4(193, 99, 144, 85);
	dns_exchange(g, &cv, 90.0, 0x3001, "www.heise.de", DNS_A, NULL, 0, &a,
		     1);

	/* QUIC, each after its DNS query: v1 to Google (40 data packets,
	 * C 24/3952, S 42/53656), v2 to Cloudflare (10, C 9/3007,
	 * S 12/15256); sizes in pcapgen_quic.h. */
	{
		const char *yt[1] = { "youtube-ui.l.google.com" };

		conv_init(&cv, "dns 10.1.0.25:53100 www.youtube.com (A)",
			  H4(25), 53100, RESOLVER4, 53, 17);
		a = addr4(142, 250, 179, 110);
		dns_exchange(g, &cv, 40.5, 0x3101, "www.youtube.com", DNS_A,
			     yt, 1, &a, 1);
		conv_init(&cv, "quic 10.1.0.25:51000 142.250.179.110:443 www.youtube.com (v1)",
			  H4(25), 51000, a, 443, 17);
		quic_session(g, &cv, 40.52, 0.008, QV1, "www.youtube.com", 40,
			     0x9101);
		conv_init(&cv, "dns 10.1.0.26:53107 www.cloudflare.com (A)",
			  H4(26), 53107, RESOLVER4, 53, 17);
		a = addr4(104, 16, 132, 229);
		dns_exchange(g, &cv, 44.5, 0x3102, "www.cloudflare.com", DNS_A,
			     NULL, 0, &a, 1);
		conv_init(&cv, "quic 10.1.0.26:51001 104.16.132.229:443 www.cloudflare.com (v2)",
			  H4(26), 51001, a, 443, 17);
		quic_session(g, &cv, 44.52, 0.005, QV2, "www.cloudflare.com",
			     10, 0x9102);
	}

	/* An inbound scan of 10.1.0.30:22, answered by RST. */
	conv_init(&cv, "tcp 89.248.165.10:54321 10.1.0.30:22 (inbound scan)",
		  addr4(89, 248, 165, 10), 54321, H4(30), 22, 6);
	tcp_seg(g, &cv, 0, F_SYN, NULL, 0, SEC(105.0));
	tcp_seg(g, &cv, 1, F_RA, NULL, 0, SEC(105.0003));

	gen_close(g);
#undef H4
#undef H6
}
