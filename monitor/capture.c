/*
 * capture.c: libpcap, offline and live, behind one next-packet call and
 * one dispatch call (files read by pcap_dispatch, no call per packet).
 *
 * Jobs: open files (pcap and pcapng; nanosecond timestamps requested so
 * nothing is lost from pcapng or nanosecond pcap), open interfaces
 * (promiscuous, snaplen, buffer in KiB, immediate mode, non-blocking),
 * apply the BPF filter, check each link type against the decoders, hand
 * out packets in order, and keep libpcap's drop counters. An interface
 * that goes down or away ends the run (CAPTURE_ERROR), or with retry is
 * closed and reopened with a doubling, capped backoff until it is back
 * (CAPTURE_NOTICE each way), its drop counters carried over.
 *
 * Must never: decode packets, or wait longer than the caller's timeout.
 */
#include "capture.h"

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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
	bool lost;		/* live, --retry: closed, waiting to reopen */
	uint64_t retry_at_ms;	/* monotonic time of the next attempt */
	uint32_t backoff_ms;	/* wait before the next attempt */
};

struct capture {
	struct capture_input *in;
	size_t nin;
	size_t cur;		/* files: the one being read */
	size_t next_live;	/* live: round-robin start */
	bool live;
	struct capture_config cfg;	/* for reopening (strings are the
					 * caller's, alive for the run) */
	struct capture_stats gone;	/* counters of closed handles */
	char err[PCAP_ERRBUF_SIZE + 512];
};

enum { RETRY_FIRST_MS = 1000 };

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

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
	if (n > CAPTURE_MAX_INPUTS) {
		snprintf(err, errlen, "at most %d inputs", CAPTURE_MAX_INPUTS);
		return NULL;
	}
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
	c->cfg = *cfg;
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

/* Is the interface administratively up? Reopening a down one would
 * succeed on some kernels and report nothing until it is up again. Needs
 * no privilege. "any" and unknown names answer yes: pcap_activate()
 * decides. */
static bool iface_up(const char *name)
{
	struct ifreq ifr;
	int s;
	bool up = true;

	if (strlen(name) >= sizeof(ifr.ifr_name) || strcmp(name, "any") == 0)
		return true;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return true;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		up = false;	/* ENODEV: not there (yet) */
	else
		up = (ifr.ifr_flags & IFF_UP) != 0;
	close(s);
	return up;
}

static void add_stats(struct capture_stats *s, pcap_t *p)
{
	struct pcap_stat ps;

	if (p && pcap_stats(p, &ps) == 0) {
		s->received += ps.ps_recv;
		s->dropped += ps.ps_drop;
		s->if_dropped += ps.ps_ifdrop;
	}
}

/*
 * An interface stopped delivering: libpcap said so ("The interface went
 * down", ENETDOWN, a hang-up on the socket) or poll() flagged its socket.
 * Without retry the run ends; with it the handle is closed (its counters
 * kept) and reopened later. Either way c->err holds one line for stderr.
 */
static enum capture_status input_lost(struct capture *c,
				      struct capture_input *in,
				      const char *why)
{
	char reason[PCAP_ERRBUF_SIZE + 64];

	snprintf(reason, sizeof(reason), "%s", why && *why ? why
					 : "interface went down or away");
	if (!c->cfg.retry) {
		snprintf(c->err, sizeof(c->err),
			 "%s: capture stopped: %s (--retry waits for it)",
			 in->name, reason);
		return CAPTURE_ERROR;
	}
	add_stats(&c->gone, in->p);
	pcap_close(in->p);
	in->p = NULL;
	in->fd = -1;
	in->lost = true;
	in->backoff_ms = RETRY_FIRST_MS;
	in->retry_at_ms = mono_ms() + in->backoff_ms;
	snprintf(c->err, sizeof(c->err),
		 "%s: capture lost: %s; flows kept, reopening in 1 s, then "
		 "at most every %u s", in->name, reason, c->cfg.retry_max_s);
	return CAPTURE_NOTICE;
}

/* One reopening attempt of a lost interface; CAPTURE_NOTICE when it is
 * back, CAPTURE_IDLE when the next attempt was scheduled. */
static enum capture_status input_retry(struct capture *c,
				       struct capture_input *in, uint64_t now)
{
	enum capture_open_error why;
	char err[sizeof(c->err)];
	uint64_t cap_ms = (uint64_t)(c->cfg.retry_max_s ? c->cfg.retry_max_s
							 : 1) * 1000u;

	c->gone.retries++;
	if (iface_up(in->name) &&
	    open_live(in, in->name, &c->cfg, &why, err, sizeof(err))) {
		in->lost = false;
		snprintf(c->err, sizeof(c->err),
			 "%s: capture resumed", in->name);
		return CAPTURE_NOTICE;
	}
	if (in->p) {
		pcap_close(in->p);
		in->p = NULL;
	}
	in->fd = -1;
	in->backoff_ms = (uint64_t)in->backoff_ms * 2 > cap_ms
				 ? (uint32_t)cap_ms : in->backoff_ms * 2;
	in->retry_at_ms = now + in->backoff_ms;
	return CAPTURE_IDLE;
}

static enum capture_status next_live(struct capture *c,
				     struct capture_packet *pkt, int timeout_ms)
{
	struct pollfd pfd[CAPTURE_MAX_INPUTS];
	size_t who[CAPTURE_MAX_INPUTS];
	size_t npoll = 0;
	uint64_t now = mono_ms();

	for (size_t i = 0; i < c->nin; i++) {
		struct capture_input *in = &c->in[i];

		if (!in->lost)
			continue;
		if (now >= in->retry_at_ms &&
		    input_retry(c, in, now) == CAPTURE_NOTICE)
			return CAPTURE_NOTICE;
		/* Wake up for the next attempt. */
		if (in->retry_at_ms - now < (uint64_t)timeout_ms)
			timeout_ms = (int)(in->retry_at_ms - now);
	}
	for (int round = 0; round < 2; round++) {
		for (size_t k = 0; k < c->nin; k++) {
			size_t i = (c->next_live + k) % c->nin;
			struct capture_input *in = &c->in[i];
			struct pcap_pkthdr *h;
			const u_char *data;
			int rc;

			if (in->lost)
				continue;
			rc = pcap_next_ex(in->p, &h, &data);
			if (rc == 1) {
				/* Start the next call after this interface,
				 * so a busy one cannot starve the others. */
				c->next_live = (i + 1) % c->nin;
				fill(pkt, in, i, h, data);
				return CAPTURE_PACKET;
			}
			if (rc < 0)
				return input_lost(c, in, pcap_geterr(in->p));
		}
		if (round == 1)
			break;
		npoll = 0;
		for (size_t i = 0; i < c->nin; i++) {
			if (c->in[i].lost)
				continue;
			pfd[npoll].fd = c->in[i].fd;
			pfd[npoll].events = POLLIN;
			pfd[npoll].revents = 0;
			who[npoll++] = i;
		}
		/* Every interface lost: poll() on nothing is a sleep that a
		 * signal ends early. */
		if (poll(pfd, npoll, timeout_ms < 0 ? 0 : timeout_ms) <= 0)
			return CAPTURE_IDLE;	/* timeout or a signal */
		/* An error or a hang-up on the socket: give libpcap the
		 * first word (it reads SO_ERROR and says "The interface went
		 * down"); if it has none, say it ourselves, or poll() would
		 * return at once forever. */
		for (size_t k = 0; k < npoll; k++) {
			struct capture_input *in = &c->in[who[k]];
			struct pcap_pkthdr *h;
			const u_char *data;
			int rc;

			int soerr = 0;
			socklen_t sl = sizeof(soerr);

			if (!(pfd[k].revents & (POLLERR | POLLHUP | POLLNVAL)))
				continue;
			/* ENETDOWN: taken down, or removed (the kernel says
			 * the same for both). */
			if (getsockopt(in->fd, SOL_SOCKET, SO_ERROR, &soerr,
				       &sl) == 0 && soerr) {
				char why[128];

				snprintf(why, sizeof(why), "%s%s",
					 strerror(soerr), soerr == ENETDOWN
					 ? " (the interface went down or was "
					   "removed)" : "");
				return input_lost(c, in, why);
			}
			rc = pcap_next_ex(in->p, &h, &data);
			if (rc == 1) {
				c->next_live = (who[k] + 1) % c->nin;
				fill(pkt, in, who[k], h, data);
				return CAPTURE_PACKET;
			}
			return input_lost(c, in, rc < 0 ? pcap_geterr(in->p)
							: NULL);
		}
	}
	return CAPTURE_IDLE;
}

enum capture_status capture_next(struct capture *c, struct capture_packet *pkt,
				 int timeout_ms)
{
	return c->live ? next_live(c, pkt, timeout_ms) : next_file(c, pkt);
}

struct dispatch_state {
	const struct capture_input *in;
	uint16_t index;
	bool stop;
	capture_fn fn;
	void *ctx;
};

static void dispatch_one(u_char *user, const struct pcap_pkthdr *h,
			 const u_char *data)
{
	struct dispatch_state *s = (struct dispatch_state *)(void *)user;
	struct capture_packet pkt;

	fill(&pkt, s->in, s->index, h, data);
	if (!s->fn(s->ctx, &pkt)) {
		s->stop = true;
		pcap_breakloop(s->in->p);
	}
}

enum capture_status capture_dispatch(struct capture *c, capture_fn fn,
				     void *ctx, int timeout_ms)
{
	if (c->live) {
		struct capture_packet pkt;
		enum capture_status st = next_live(c, &pkt, timeout_ms);

		if (st == CAPTURE_PACKET)
			fn(ctx, &pkt);
		return st;
	}
	while (c->cur < c->nin) {
		struct capture_input *in = &c->in[c->cur];
		struct dispatch_state s = {in, (uint16_t)c->cur, false, fn, ctx};
		int rc = pcap_dispatch(in->p, -1, dispatch_one, (u_char *)&s);

		if (s.stop)
			return CAPTURE_PACKET;
		if (rc > 0 || rc == PCAP_ERROR_BREAK)
			continue;	/* a break flag left by the last stop */
		if (rc == 0) {		/* end of this file */
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
	*s = c->gone;	/* handles closed by a lost interface */
	for (size_t i = 0; i < c->nin; i++)
		if (!c->in[i].lost)
			add_stats(s, c->in[i].p);
}
