/*
 * bare_loop: the benchmark's baseline, the cheapest useful read of a
 * capture with libpcap. Opens FILE with pcap_open_offline, reads every
 * packet with pcap_dispatch and sums caplen (so the loop cannot be
 * optimised away), then prints packets, bytes and seconds.
 *
 *   bare_loop FILE
 *   -> packets 3000000 bytes 1062000000 seconds 0.812345 pps 3692934
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct sums {
	uint64_t packets;
	uint64_t bytes;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct sums *s = (struct sums *)user;

	(void)bytes;
	s->packets++;
	s->bytes += h->caplen;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct sums s = { 0, 0 };
	pcap_t *p;
	double t0, t;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: bare_loop FILE\n");
		return 2;
	}
	t0 = now();
	p = pcap_open_offline(argv[1], errbuf);
	if (!p) {
		fprintf(stderr, "bare_loop: %s: %s\n", argv[1], errbuf);
		return 3;
	}
	while ((r = pcap_dispatch(p, -1, on_packet, (u_char *)&s)) > 0)
		;
	if (r == PCAP_ERROR) {
		fprintf(stderr, "bare_loop: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 3;
	}
	pcap_close(p);
	t = now() - t0;
	printf("packets %llu bytes %llu seconds %.6f pps %.0f\n",
	       (unsigned long long)s.packets, (unsigned long long)s.bytes, t,
	       t > 0 ? (double)s.packets / t : 0.0);
	return 0;
}
