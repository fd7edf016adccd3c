/*
 * capture.c: libpcap, offline and live, behind one next-packet call.
 *
 * Jobs: open files (pcap and pcapng; nanosecond timestamps requested so
 * nothing is lost from pcapng or nanosecond pcap), open interfaces
 * (promiscuous, snaplen, buffer in KiB, immediate mode, non-blocking),
 * apply the BPF filter, check each link type against the decoders, hand
 * out packets in order, and keep libpcap's drop counters.
 *
 * Must never: decode packets, or wait longer than the caller's timeout.
 */
#include "capture.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "decode.h"

enum { DEFAULT_SNAPLEN = 262144 };

struct capture_input {
	pcap_t *p;
	const char *name;
	int linktype;
	int fd;			/* live: selectable descriptor */
	bool nano;		/* timestamps are in nanoseconds */
	bool done;		/* file read to its end */
};

struct capture {
	struct capture_input *in;
	size_t nin;
	size_t cur;		/* files: the one being read */
	size_t next_live;	/* live: round-robin start */
	bool live;
	char err[PCAP_ERRBUF_SIZE + 512];
};

static bool apply_filter(struct capture_input *in, const char *bpf, char *err,
			 size_t errlen)
{
	struct bpf_program prog;

	if (!bpf || !*bpf)
		return true;
	if (pcap_compile(in->p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "filter '%s': %s", bpf,
			 pcap_geterr(in->p));
		return false;
	}
	if (pcap_setfilter(in->p, &prog) != 0) {
		snprintf(err, errlen, "%s: cannot set filter: %s", in->name,
			 pcap_geterr(in->p));
		pcap_freecode(&prog);
		return false;
	}
	pcap_freecode(&prog);
	return true;
}

static bool check_linktype(struct capture_input *in, char *err, size_t errlen)
{
	const char *dlt_name;

	in->linktype = pcap_datalink(in->p);
	if (decode_linktype_supported(in->linktype))
		return true;
	dlt_name = pcap_datalink_val_to_name(in->linktype);
	snprintf(err, errlen,
		 "%s: unsupported link type %s (%d); bergerie reads EN10MB, "
		 "LINUX_SLL, LINUX_SLL2, RAW, IPV4, IPV6, NULL and LOOP",
		 in->name, dlt_name ? dlt_name : "unknown", in->linktype);
	return false;
}

static bool open_file(struct capture_input *in, const char *path,
		      const struct capture_config *cfg,
		      enum capture_open_error *why, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";

	in->name = strcmp(path, "-") == 0 ? "(standard input)" : path;
	in->p = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!in->p) {
		/* libpcap names the file itself in some messages ("x.pcap: No
		 * such file or directory"); name it once. */
		if (strncmp(perr, path, strlen(path)) == 0)
			snprintf(err, errlen, "%s", perr);
		else
			snprintf(err, errlen, "%s: %s", in->name, perr);
		return false;
	}
	in->nano = pcap_get_tstamp_precision(in->p) ==
		   PCAP_TSTAMP_PRECISION_NANO;
	if (!check_linktype(in, err, errlen))
		return false;
	if (!apply_filter(in, cfg->bpf, err, errlen)) {
		*why = CAPTURE_OPEN_BAD_FILTER;
		return false;
	}
	return true;
}

static bool open_live(struct capture_input *in, const char *iface,
		      const struct capture_config *cfg,
		      enum capture_open_error *why, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	int rc;

	in->name = iface;
	in->p = pcap_create(iface, perr);
	if (!in->p) {
		snprintf(err, errlen, "%s: %s", iface, perr);
		return false;
	}
	pcap_set_snaplen(in->p, cfg->snaplen ? (int)cfg->snaplen
					     : DEFAULT_SNAPLEN);
	pcap_set_promisc(in->p, cfg->promisc);
	/* The read timeout only bounds batching; idleness is handled by
	 * poll() below because TPACKET_V3's timeout does not fire on an idle
	 * link. */
	pcap_set_timeout(in->p, 100);
	if (cfg->buffer_kib)
		pcap_set_buffer_size(in->p, (int)(cfg->buffer_kib > 2097151
						   ? 2097151 : cfg->buffer_kib) * 1024);
	if (cfg->immediate)
		pcap_set_immediate_mode(in->p, 1);
	in->nano = pcap_set_tstamp_precision(in->p,
					     PCAP_TSTAMP_PRECISION_NANO) == 0;
	rc = pcap_activate(in->p);
	if (rc < 0) {
		const char *msg = pcap_geterr(in->p);

		snprintf(err, errlen, "%s: %s%s%s", iface, pcap_statustostr(rc),
			 msg && *msg ? ": " : "", msg ? msg : "");
		return false;
	}
	if (!check_linktype(in, err, errlen))
		return false;
	if (!apply_filter(in, cfg->bpf, err, errlen)) {
		*why = CAPTURE_OPEN_BAD_FILTER;
		return false;
	}
	if (pcap_setnonblock(in->p, 1, perr) != 0) {
		snprintf(err, errlen, "%s: %s", iface, perr);
		return false;
	}
	in->fd = pcap_get_selectable_fd(in->p);
	if (in->fd < 0) {
		snprintf(err, errlen, "%s: no selectable descriptor", iface);
		return false;
	}
	return true;
}

struct capture *capture_open(const struct capture_config *cfg,
			     enum capture_open_error *why, char *err,
			     size_t errlen)
{
	struct capture *c;
	size_t n = cfg->nfiles + cfg->ninterfaces;
	size_t stdin_uses = 0;

	*why = CAPTURE_OPEN_FAILED;
	if (n == 0) {
		snprintf(err, errlen, "nothing to read: give -r FILE or -i IFACE");
		return NULL;
	}
	if (cfg->nfiles && cfg->ninterfaces) {
		snprintf(err, errlen, "-r and -i cannot be mixed");
		return NULL;
	}
	for (size_t i = 0; i < cfg->nfiles; i++)
		stdin_uses += strcmp(cfg->files[i], "-") == 0;
	if (stdin_uses > 1) {
		snprintf(err, errlen, "-r -: standard input can be read once");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->in = calloc(n, sizeof(*c->in)))) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->nin = n;
	c->live = cfg->ninterfaces > 0;
	for (size_t i = 0; i < n; i++) {
		bool ok = c->live
			  ? open_live(&c->in[i], cfg->interfaces[i], cfg, why,
				      err, errlen)
			  : open_file(&c->in[i], cfg->files[i], cfg, why, err,
				      errlen);
		if (!ok) {
			capture_close(c);
			return NULL;
		}
	}
	*why = CAPTURE_OPEN_OK;
	return c;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nin; i++)
		if (c->in[i].p)
			pcap_close(c->in[i].p);
	free(c->in);
	free(c);
}

static uint64_t ts_of(const struct capture_input *in,
		      const struct pcap_pkthdr *h)
{
	uint64_t frac = (uint64_t)(uint32_t)h->ts.tv_usec;

	/* A negative time (before 1970) is clamped: nothing real has one. */
	if (h->ts.tv_sec < 0)
		return 0;
	if (!in->nano)
		frac *= 1000;
	return (uint64_t)h->ts.tv_sec * 1000000000ull + frac;
}

static void fill(struct capture_packet *pkt, const struct capture_input *in,
		 size_t index, const struct pcap_pkthdr *h, const u_char *data)
{
	pkt->ts_ns = ts_of(in, h);
	pkt->caplen = h->caplen;
	pkt->wirelen = h->len;
	pkt->data = data;
	pkt->linktype = in->linktype;
	pkt->input_index = (uint16_t)index;
}

static enum capture_status next_file(struct capture *c,
				     struct capture_packet *pkt)
{
	while (c->cur < c->nin) {
		struct capture_input *in = &c->in[c->cur];
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(in->p, &h, &data);

		if (rc == 1) {
			fill(pkt, in, c->cur, h, data);
			return CAPTURE_PACKET;
		}
		if (rc == PCAP_ERROR_BREAK) {	/* end of this file */
			in->done = true;
			c->cur++;
			continue;
		}
		snprintf(c->err, sizeof(c->err), "%s: %s", in->name,
			 pcap_geterr(in->p));
		return CAPTURE_ERROR;
	}
	return CAPTURE_END;
}

static enum capture_status next_live(struct capture *c,
				     struct capture_packet *pkt, int timeout_ms)
{
	struct pollfd pfd[64];
	size_t npoll = c->nin < 64 ? c->nin : 64;

	for (int round = 0; round < 2; round++) {
		for (size_t k = 0; k < c->nin; k++) {
			size_t i = (c->next_live + k) % c->nin;
			struct capture_input *in = &c->in[i];
			struct pcap_pkthdr *h;
			const u_char *data;
			int rc = pcap_next_ex(in->p, &h, &data);

			if (rc == 1) {
				/* Start the next call after this interface,
				 * so a busy one cannot starve the others. */
				c->next_live = (i + 1) % c->nin;
				fill(pkt, in, i, h, data);
				return CAPTURE_PACKET;
			}
			if (rc < 0) {
				snprintf(c->err, sizeof(c->err), "%s: %s",
					 in->name, pcap_geterr(in->p));
				return CAPTURE_ERROR;
			}
		}
		if (round == 1)
			break;
		for (size_t i = 0; i < npoll; i++) {
			pfd[i].fd = c->in[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, npoll, timeout_ms) <= 0)
			return CAPTURE_IDLE;	/* timeout or a signal */
		for (size_t i = 0; i < npoll; i++)
			if (pfd[i].revents & (POLLERR | POLLNVAL)) {
				snprintf(c->err, sizeof(c->err),
					 "%s: interface went away",
					 c->in[i].name);
				return CAPTURE_ERROR;
			}
	}
	return CAPTURE_IDLE;
}

enum capture_status capture_next(struct capture *c, struct capture_packet *pkt,
				 int timeout_ms)
{
	return c->live ? next_live(c, pkt, timeout_ms) : next_file(c, pkt);
}

const char *capture_error(const struct capture *c)
{
	return c->err;
}

bool capture_is_live(const struct capture *c)
{
	return c->live;
}

size_t capture_input_count(const struct capture *c)
{
	return c->nin;
}

const char *capture_input_name(const struct capture *c, uint16_t index)
{
	return index < c->nin ? c->in[index].name : "";
}

void capture_stats(struct capture *c, struct capture_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!c->live)
		return;
	for (size_t i = 0; i < c->nin; i++) {
		struct pcap_stat ps;

		if (pcap_stats(c->in[i].p, &ps) == 0) {
			s->received += ps.ps_recv;
			s->dropped += ps.ps_drop;
			s->if_dropped += ps.ps_ifdrop;
		}
	}
}
