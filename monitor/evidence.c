/*
 * evidence.c: pcap files of alerting flows.
 *
 * State per flow lives in a table of its own keyed by the flow's address
 * (checked against its creation sequence), so the flow table and struct
 * flow stay as they are and a run without --evidence pays nothing. A
 * flow's pending packets are one byte buffer of (header, bytes) records;
 * files are written through libpcap (pcap_dump on a dead handle of the
 * flow's link type), which also maps DLT values to pcap link types.
 */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "community_id.h"

enum { PCAP_FILE_HEADER = 24, PCAP_RECORD_HEADER = 16, MAX_LINKTYPES = 8 };

/* One packet held in a flow's buffer; the bytes follow. */
struct held {
	uint64_t ts_ns;
	uint32_t caplen, wirelen;
};

struct ev_flow {
	struct ev_flow *next;
	const struct flow *f;
	uint64_t seq;
	uint8_t *buf;			/* struct held + bytes, repeated */
	size_t len, cap;
	uint32_t npkts;			/* of the first N, kept or not */
	int linktype;
	bool alerted;
	char *path;			/* once alerted */
};

struct dead {
	int linktype;
	pcap_t *p;
};

struct evidence {
	struct evidence_config cfg;
	struct ev_flow **buckets;
	size_t nbuckets, nflows;	/* nbuckets: a power of two */
	uint64_t held;			/* bytes in every buffer */
	struct dead dead[MAX_LINKTYPES];
	size_t ndead;
	char last_path[PATH_MAX];	/* evidence_flow_alert()'s answer */
	uint64_t last_bytes;
	struct evidence_stats st;
};

struct evidence *evidence_new(const struct evidence_config *cfg, char *err,
			      size_t errlen)
{
	struct evidence *ev;
	struct stat sb;

	if (stat(cfg->dir, &sb) != 0) {
		snprintf(err, errlen, "--evidence %s: %s", cfg->dir,
			 strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(sb.st_mode) || access(cfg->dir, W_OK | X_OK) != 0) {
		snprintf(err, errlen, "--evidence %s: not a writable folder",
			 cfg->dir);
		return NULL;
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ev->cfg = *cfg;
	if (!ev->cfg.packets)
		ev->cfg.packets = EVIDENCE_DEFAULT_PACKETS;
	if (!ev->cfg.memcap)
		ev->cfg.memcap = EVIDENCE_DEFAULT_MEMCAP;
	if (!ev->cfg.buffer_memcap)
		ev->cfg.buffer_memcap = EVIDENCE_DEFAULT_BUFFER_MEMCAP;
	ev->nbuckets = 1024;
	ev->buckets = calloc(ev->nbuckets, sizeof(*ev->buckets));
	if (!ev->buckets) {
		free(ev);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return ev;
}

static void ev_flow_free(struct evidence *ev, struct ev_flow *s)
{
	/* held counts allocated buffers, not the bytes in them: realloc
	 * doubles, and the cap is about memory (review finding). */
	ev->held -= s->cap;
	free(s->buf);
	free(s->path);
	free(s);
}

void evidence_free(struct evidence *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->nbuckets; i++) {
		struct ev_flow *s = ev->buckets[i], *next;

		for (; s; s = next) {
			next = s->next;
			ev_flow_free(ev, s);
		}
	}
	for (size_t i = 0; i < ev->ndead; i++)
		pcap_close(ev->dead[i].p);
	free(ev->buckets);
	free(ev);
}

void evidence_stats(const struct evidence *ev, struct evidence_stats *out)
{
	*out = ev->st;
}

/* --- The table -------------------------------------------------------- */

static size_t slot_of(const struct evidence *ev, const struct flow *f)
{
	uint64_t h = (uint64_t)(uintptr_t)f * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & (ev->nbuckets - 1);
}

static struct ev_flow **find(struct evidence *ev, const struct flow *f)
{
	struct ev_flow **pp = &ev->buckets[slot_of(ev, f)];

	while (*pp && ((*pp)->f != f || (*pp)->seq != f->seq))
		pp = &(*pp)->next;
	return pp;
}

static void grow(struct evidence *ev)
{
	size_t nb = ev->nbuckets * 2, old = ev->nbuckets;
	struct ev_flow **b = calloc(nb, sizeof(*b)), **ob = ev->buckets;

	if (!b)
		return;		/* longer chains, still correct */
	ev->buckets = b;
	ev->nbuckets = nb;
	for (size_t i = 0; i < old; i++) {
		struct ev_flow *s = ob[i], *next;

		for (; s; s = next) {
			size_t k = slot_of(ev, s->f);

			next = s->next;
			s->next = b[k];
			b[k] = s;
		}
	}
	free(ob);
}

static struct ev_flow *add(struct evidence *ev, const struct flow *f,
			   int linktype)
{
	struct ev_flow *s = calloc(1, sizeof(*s));
	size_t k;

	if (!s)
		return NULL;
	if (ev->nflows >= ev->nbuckets * 2)
		grow(ev);
	k = slot_of(ev, f);
	s->f = f;
	s->seq = f->seq;
	s->linktype = linktype;
	s->next = ev->buckets[k];
	ev->buckets[k] = s;
	ev->nflows++;
	return s;
}

static void forget(struct evidence *ev, struct ev_flow **pp)
{
	struct ev_flow *s = *pp;

	*pp = s->next;
	ev->nflows--;
	ev_flow_free(ev, s);
}

/* --- Files ------------------------------------------------------------ */

static pcap_t *dead_handle(struct evidence *ev, int linktype)
{
	pcap_t *p;

	for (size_t i = 0; i < ev->ndead; i++)
		if (ev->dead[i].linktype == linktype)
			return ev->dead[i].p;
	if (ev->ndead == MAX_LINKTYPES)
		return NULL;
	p = pcap_open_dead_with_tstamp_precision(linktype, EVIDENCE_SNAPLEN,
						 PCAP_TSTAMP_PRECISION_NANO);
	if (p) {
		ev->dead[ev->ndead].linktype = linktype;
		ev->dead[ev->ndead++].p = p;
	}
	return p;
}

/* Writes s's held packets to d within the memcap; empties the buffer. */
static void dump_held(struct evidence *ev, struct ev_flow *s, pcap_dumper_t *d)
{
	size_t off = 0;

	while (off + sizeof(struct held) <= s->len) {
		struct held h;
		struct pcap_pkthdr ph;
		uint64_t rec;

		memcpy(&h, s->buf + off, sizeof(h));
		off += sizeof(h);
		rec = PCAP_RECORD_HEADER + (uint64_t)h.caplen;
		if (ev->st.evidence_bytes + rec > ev->cfg.memcap) {
			ev->st.evidence_memcap_dropped++;
		} else {
			/* Nanosecond precision: tv_usec carries nanoseconds. */
			ph.ts.tv_sec = (time_t)(h.ts_ns / 1000000000ull);
			ph.ts.tv_usec = (suseconds_t)(h.ts_ns % 1000000000ull);
			ph.caplen = h.caplen;
			ph.len = h.wirelen;
			pcap_dump((u_char *)d, &ph, s->buf + off);
			ev->st.evidence_bytes += rec;
			ev->last_bytes += rec;
			ev->st.evidence_packets++;
		}
		off += h.caplen;
	}
	s->len = 0;	/* the buffer stays allocated and counted in held */
}

/* DIR/<Community ID, '/' and '+' made file-safe>[-N].pcap, created new. */
static FILE *create_file(struct evidence *ev, const struct flow *f, char *path,
			 size_t len)
{
	char cid[COMMUNITY_ID_STRLEN], name[COMMUNITY_ID_STRLEN];
	size_t n = 0;

	community_id_format(f->community_id, cid);
	for (const char *c = cid + 2; *c && n + 1 < sizeof(name); c++)
		if (*c == '=')
			break;
		else
			name[n++] = *c == '/' ? '_' : *c == '+' ? '-' : *c;
	name[n] = '\0';
	for (int i = 1; i < 1000; i++) {
		int fd;

		if (i == 1)
			snprintf(path, len, "%s/%s.pcap", ev->cfg.dir, name);
		else
			snprintf(path, len, "%s/%s-%d.pcap", ev->cfg.dir, name, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd >= 0) {
			FILE *fp = fdopen(fd, "wb");

			if (!fp)
				close(fd);
			return fp;
		}
		if (errno != EEXIST)
			return NULL;
	}
	return NULL;
}

const char *evidence_flow_alert(struct evidence *ev, const struct flow *f)
{
	struct ev_flow **pp = find(ev, f), *s = *pp;
	pcap_t *dead;
	pcap_dumper_t *d;
	FILE *fp;

	ev->last_bytes = 0;
	if (!s)
		return NULL;	/* its link type has no dead handle, or no memory */
	if (ev->st.evidence_bytes + PCAP_FILE_HEADER > ev->cfg.memcap) {
		ev->st.evidence_memcap_dropped += s->npkts;
		forget(ev, pp);
		return NULL;
	}
	dead = dead_handle(ev, s->linktype);
	fp = dead ? create_file(ev, f, ev->last_path, sizeof(ev->last_path))
		  : NULL;
	d = fp ? pcap_dump_fopen(dead, fp) : NULL;
	if (!d) {
		if (fp)
			fclose(fp);
		ev->st.evidence_errors++;
		forget(ev, pp);
		return NULL;
	}
	ev->st.evidence_bytes += PCAP_FILE_HEADER;
	ev->last_bytes = PCAP_FILE_HEADER;
	ev->st.evidence_files++;
	dump_held(ev, s, d);
	if (pcap_dump_flush(d) != 0)
		ev->st.evidence_errors++;
	pcap_dump_close(d);
	s->alerted = true;
	s->path = strdup(ev->last_path);
	if (!s->path || s->npkts >= ev->cfg.packets)
		forget(ev, pp);
	return ev->last_path;
}

void evidence_flow_discard(struct evidence *ev, const struct flow *f)
{
	struct ev_flow **pp = find(ev, f);

	if (*pp)
		forget(ev, pp);
	if (ev->last_path[0] && unlink(ev->last_path) == 0) {
		ev->st.evidence_files--;
		ev->st.evidence_bytes -= ev->last_bytes;
	}
	ev->last_path[0] = '\0';
	ev->last_bytes = 0;
}

/* Appends what s holds to its file. */
static void append(struct evidence *ev, struct ev_flow *s)
{
	pcap_t *dead = dead_handle(ev, s->linktype);
	pcap_dumper_t *d;

	if (!s->len)
		return;
	d = dead ? pcap_dump_open_append(dead, s->path) : NULL;
	if (!d) {
		ev->st.evidence_errors++;
		return;
	}
	dump_held(ev, s, d);
	if (pcap_dump_flush(d) != 0)
		ev->st.evidence_errors++;
	pcap_dump_close(d);
}

void evidence_flow_end(struct evidence *ev, const struct flow *f)
{
	struct ev_flow **pp = find(ev, f);

	if (!*pp)
		return;
	if ((*pp)->alerted)
		append(ev, *pp);
	forget(ev, pp);
}

void evidence_packet(struct evidence *ev, const struct flow *f,
		     const struct capture_packet *cp)
{
	struct ev_flow **pp = find(ev, f), *s = *pp;
	uint32_t caplen = cp->caplen < EVIDENCE_SNAPLEN ? cp->caplen
						     : EVIDENCE_SNAPLEN;
	size_t need = sizeof(struct held) + caplen;
	struct held h;

	if (!s) {
		/* Decided without an alert, or its file is complete. */
		if (f->decided)
			return;
		s = add(ev, f, cp->linktype);
		if (!s)
			return;
	} else if (!s->alerted && f->decided) {
		forget(ev, pp);		/* decided without an alert */
		return;
	}
	if (s->npkts >= ev->cfg.packets || cp->linktype != s->linktype)
		return;
	s->npkts++;
	if (s->len + need > s->cap) {
		size_t cap = s->cap ? s->cap : 2048;
		uint8_t *b;

		while (cap < s->len + need)
			cap *= 2;
		/* The cap is checked before allocating, on what the buffer
		 * will hold once grown. */
		if (ev->held - s->cap + cap > ev->cfg.buffer_memcap) {
			ev->st.evidence_buffer_memcap_dropped++;
			return;
		}
		b = realloc(s->buf, cap);
		if (!b) {
			ev->st.evidence_buffer_memcap_dropped++;
			return;
		}
		ev->held += cap - s->cap;
		s->buf = b;
		s->cap = cap;
	}
	h.ts_ns = cp->ts_ns;
	h.caplen = caplen;
	h.wirelen = cp->wirelen;
	memcpy(s->buf + s->len, &h, sizeof(h));
	memcpy(s->buf + s->len + sizeof(h), cp->data, caplen);
	s->len += need;
	if (s->alerted && s->npkts >= ev->cfg.packets) {
		append(ev, s);
		forget(ev, find(ev, f));
	}
}
