/*
 * syslog.c: RFC 5424 messages over UDP, TCP (RFC 6587 octet counting) or a
 * unix datagram socket.
 *
 * TCP keeps a backlog of whole frames: [start, len) of backlog holds
 * frames, the first of which has head_sent bytes already on the wire. A
 * broken connection drops only that half-sent frame (a receiver would
 * read the rest as garbage) and keeps every whole one for the next
 * connection.
 */
#include "syslog.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "timefmt.h"

enum transport { T_UDP, T_TCP, T_UNIX };

enum {
	HEADER_MAX = 512,
	TCP_MAX_MESSAGE = 1 << 20,	/* no transport limit: a sanity cap */
	BACKOFF_MIN_MS = 1000,
	BACKOFF_MAX_MS = 60000,
};

struct syslog {
	enum transport kind;
	int fd;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char *url;
	int facility;
	char host[256];
	long pid;
	char *msg;			/* the message being built */
	size_t msgcap;

	/* TCP */
	char *backlog;
	size_t start, len;		/* frames in backlog[start, len) */
	size_t head_sent;
	bool connecting, connected;
	uint64_t next_try_ms;
	uint32_t backoff_ms;

#define X(name, help) _Atomic uint64_t name;
	SYSLOG_COUNTERS(X)
#undef X
};

static const struct {
	const char *name;
	int code;
} facilities[] = {
	{"kern", 0},	  {"user", 1},	    {"mail", 2},     {"daemon", 3},
	{"auth", 4},	  {"syslog", 5},    {"lpr", 6},	     {"news", 7},
	{"uucp", 8},	  {"cron", 9},	    {"authpriv", 10}, {"ftp", 11},
	{"local0", 16},	  {"local1", 17},   {"local2", 18},  {"local3", 19},
	{"local4", 20},	  {"local5", 21},   {"local6", 22},  {"local7", 23},
};

bool syslog_parse_facility(const char *s, int *out)
{
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(s, facilities[i].name) == 0) {
			*out = facilities[i].code;
			return true;
		}
	if (!isdigit((unsigned char)*s))
		return false;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 23)
		return false;
	*out = (int)v;
	return true;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* HOSTNAME is PRINTUSASCII without spaces (RFC 5424 6.2.4), at most 255. */
static void set_hostname(struct syslog *s, const char *h)
{
	size_t n = 0;

	for (; h && *h && n + 1 < sizeof(s->host); h++)
		s->host[n++] = *h > 32 && *h < 127 ? *h : '-';
	if (n == 0)
		s->host[n++] = '-';
	s->host[n] = '\0';
}

static bool parse_inet(struct syslog *s, const char *hp, int socktype,
		       char *err, size_t errlen)
{
	char host[256];
	const char *port;
	struct addrinfo hints, *res;
	int rc;

	if (*hp == '[') {
		const char *close = strchr(hp, ']');

		if (!close || close[1] != ':' ||
		    (size_t)(close - hp) >= sizeof(host)) {
			snprintf(err, errlen, "%s: expected [ADDRESS]:PORT", s->url);
			return false;
		}
		memcpy(host, hp + 1, (size_t)(close - hp - 1));
		host[close - hp - 1] = '\0';
		port = close + 2;
	} else {
		const char *colon = strrchr(hp, ':');

		if (!colon || colon == hp || (size_t)(colon - hp) >= sizeof(host)) {
			snprintf(err, errlen, "%s: expected HOST:PORT", s->url);
			return false;
		}
		memcpy(host, hp, (size_t)(colon - hp));
		host[colon - hp] = '\0';
		port = colon + 1;
	}
	/* 1 to 65535: getaddrinfo() takes a larger number modulo 65536
	 * (udp://HOST:99999 went to port 34463) and port 0 reaches nothing;
	 * either is a usage error (CONTRACT.md section 4), not a silent
	 * redirection. */
	if (!*port || strspn(port, "0123456789") != strlen(port) ||
	    strlen(port) > 5 || atoi(port) < 1 || atoi(port) > 65535) {
		snprintf(err, errlen, "%s: the port must be a number from 1 to 65535",
			 s->url);
		return false;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = socktype;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", s->url, gai_strerror(rc));
		return false;
	}
	memcpy(&s->addr, res->ai_addr, res->ai_addrlen);
	s->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return true;
}

static bool open_dgram(struct syslog *s, char *err, size_t errlen)
{
	s->fd = socket(s->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 ||
	    connect(s->fd, (struct sockaddr *)&s->addr, s->addrlen) != 0) {
		snprintf(err, errlen, "%s: %s", s->url, strerror(errno));
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return false;
	}
	return true;
}

/* Length of the first frame in the backlog ("LEN SP MSG"). */
static size_t head_len(const struct syslog *s)
{
	size_t flen = 0, i = s->start;

	while (i < s->len && isdigit((unsigned char)s->backlog[i]))
		flen = flen * 10 + (size_t)(s->backlog[i++] - '0');
	return i + 1 + flen - s->start;
}

/* Drops the first frame, unsent or half sent: lost. */
static void drop_head(struct syslog *s)
{
	s->start += head_len(s);
	s->head_sent = 0;
	if (s->start >= s->len)
		s->start = s->len = 0;
	atomic_fetch_add(&s->syslog_lost, 1);
}

static void tcp_disconnect(struct syslog *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->connecting = s->connected = false;
	/* The receiver saw part of this frame: never resend a part. */
	if (s->head_sent)
		drop_head(s);
	s->next_try_ms = mono_ms() + s->backoff_ms;
	s->backoff_ms = s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
							   : s->backoff_ms * 2;
}

static void tcp_connect(struct syslog *s)
{
	s->fd = socket(s->addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		tcp_disconnect(s);
		return;
	}
	if (connect(s->fd, (struct sockaddr *)&s->addr, s->addrlen) == 0) {
		s->connected = true;
	} else if (errno == EINPROGRESS) {
		s->connecting = true;
	} else {
		tcp_disconnect(s);
		return;
	}
	if (s->connected)
		atomic_fetch_add(&s->syslog_reconnects, 1);
}

/* Counts whole frames that left the backlog. */
static void tcp_consume(struct syslog *s, size_t n)
{
	s->head_sent += n;
	while (s->start < s->len) {
		size_t flen = head_len(s);

		if (s->head_sent < flen)
			break;
		s->head_sent -= flen;
		s->start += flen;
		atomic_fetch_add(&s->syslog_sent, 1);
	}
	if (s->start == s->len)
		s->start = s->len = 0;
}

/* Moves what it can without waiting. */
static void tcp_pump(struct syslog *s)
{
	if (s->fd < 0) {
		if (mono_ms() < s->next_try_ms)
			return;
		tcp_connect(s);
		if (s->fd < 0)
			return;
	}
	if (s->connecting) {
		struct pollfd p = {s->fd, POLLOUT, 0};
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		if (poll(&p, 1, 0) <= 0)
			return;
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 ||
		    soerr) {
			tcp_disconnect(s);
			return;
		}
		s->connecting = false;
		s->connected = true;
		s->backoff_ms = BACKOFF_MIN_MS;
		atomic_fetch_add(&s->syslog_reconnects, 1);
	}
	while (s->start < s->len) {
		size_t off = s->start + s->head_sent;
		ssize_t n = send(s->fd, s->backlog + off, s->len - off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			tcp_consume(s, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
			      errno == EINTR))
			return;
		tcp_disconnect(s);
		return;
	}
}

/* Waits up to ms for the socket to take more, then pumps. */
static void tcp_wait(struct syslog *s, int ms)
{
	struct pollfd p = {s->fd, POLLOUT, 0};

	if (s->fd >= 0)
		poll(&p, 1, ms);
	tcp_pump(s);
}

struct syslog *syslog_open(const char *url, int facility, const char *hostname,
			   char *err, size_t errlen)
{
	struct syslog *s = calloc(1, sizeof(*s));

	if (!s || !(s->url = strdup(url))) {
		free(s);
		snprintf(err, errlen, "%s: out of memory", url);
		return NULL;
	}
	s->fd = -1;
	s->facility = facility;
	s->pid = (long)getpid();
	s->backoff_ms = BACKOFF_MIN_MS;
	set_hostname(s, hostname);
	if (strncmp(url, "udp://", 6) == 0) {
		s->kind = T_UDP;
		if (!parse_inet(s, url + 6, SOCK_DGRAM, err, errlen) ||
		    !open_dgram(s, err, errlen))
			goto fail;
	} else if (strncmp(url, "tcp://", 6) == 0) {
		s->kind = T_TCP;
		if (!parse_inet(s, url + 6, SOCK_STREAM, err, errlen))
			goto fail;
		s->backlog = malloc(SYSLOG_TCP_BACKLOG);
		if (!s->backlog) {
			snprintf(err, errlen, "%s: out of memory", url);
			goto fail;
		}
		tcp_connect(s);
	} else if (strncmp(url, "unix:", 5) == 0) {
		struct sockaddr_un *un = (struct sockaddr_un *)&s->addr;

		s->kind = T_UNIX;
		if (strlen(url + 5) == 0 || strlen(url + 5) >= sizeof(un->sun_path)) {
			snprintf(err, errlen, "%s: bad socket path", url);
			goto fail;
		}
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, url + 5, strlen(url + 5) + 1);
		s->addrlen = sizeof(*un);
		if (!open_dgram(s, err, errlen))
			goto fail;
	} else {
		snprintf(err, errlen,
			 "%s: use udp://HOST:PORT, tcp://HOST:PORT or unix:PATH",
			 url);
		goto fail;
	}
	return s;
fail:
	free(s->backlog);
	free(s->url);
	free(s);
	return NULL;
}

/* Builds "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG" at
 * s->msg + reserve (room left for a TCP frame's length); its length. */
static size_t build(struct syslog *s, size_t reserve, enum syslog_severity sev,
		    uint64_t ts_ns, const char *msgid, const char *msg,
		    size_t len)
{
	char tbuf[TIMEFMT_LEN];
	char header[HEADER_MAX];
	int h = snprintf(header, sizeof(header), "<%d>1 %s %s bergerie %ld %s - ",
			 s->facility * 8 + (int)sev,
			 timefmt_rfc3339(ts_ns, tbuf), s->host, s->pid, msgid);
	size_t need;

	if (h < 0 || (size_t)h >= sizeof(header))
		return 0;
	need = reserve + (size_t)h + len;
	if (need > s->msgcap) {
		char *m = realloc(s->msg, need);

		if (!m)
			return 0;
		s->msg = m;
		s->msgcap = need;
	}
	memcpy(s->msg + reserve, header, (size_t)h);
	memcpy(s->msg + reserve + (size_t)h, msg, len);
	return (size_t)h + len;
}

static bool send_dgram(struct syslog *s, size_t n)
{
	if (s->kind == T_UDP && n > SYSLOG_UDP_MAX) {
		atomic_fetch_add(&s->syslog_too_long, 1);
		return false;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		if (send(s->fd, s->msg, n, MSG_NOSIGNAL | MSG_DONTWAIT) ==
		    (ssize_t)n) {
			atomic_fetch_add(&s->syslog_sent, 1);
			return true;
		}
		if (errno == EMSGSIZE) {
			atomic_fetch_add(&s->syslog_too_long, 1);
			return false;
		}
		/* A restarted local daemon: connect again, once. */
		if (s->kind == T_UNIX && (errno == ECONNREFUSED ||
					  errno == ENOTCONN || errno == ENOENT)) {
			char e[64];

			close(s->fd);
			if (open_dgram(s, e, sizeof(e)))
				continue;
		}
		break;
	}
	atomic_fetch_add(&s->syslog_lost, 1);
	return false;
}

bool syslog_send(struct syslog *s, enum syslog_severity sev, uint64_t ts_ns,
		 const char *msgid, const char *msg, size_t len)
{
	char prefix[24];
	size_t n, frame;
	int p;

	if (s->kind != T_TCP) {
		n = build(s, 0, sev, ts_ns, msgid, msg, len);
		if (!n) {
			atomic_fetch_add(&s->syslog_lost, 1);
			return false;
		}
		if (s->fd < 0) {
			atomic_fetch_add(&s->syslog_lost, 1);
			return false;
		}
		return send_dgram(s, n);
	}
	n = build(s, sizeof(prefix), sev, ts_ns, msgid, msg, len);
	if (!n) {
		atomic_fetch_add(&s->syslog_lost, 1);
		return false;
	}
	if (n > TCP_MAX_MESSAGE) {
		atomic_fetch_add(&s->syslog_too_long, 1);
		return false;
	}
	p = snprintf(prefix, sizeof(prefix), "%zu ", n);
	frame = (size_t)p + n;
	tcp_pump(s);
	if (s->len + frame > SYSLOG_TCP_BACKLOG && s->start) {
		memmove(s->backlog, s->backlog + s->start, s->len - s->start);
		s->len -= s->start;
		s->start = 0;
	}
	if (s->len + frame > SYSLOG_TCP_BACKLOG) {
		atomic_fetch_add(&s->syslog_lost, 1);
		return false;
	}
	memcpy(s->backlog + s->len, prefix, (size_t)p);
	memcpy(s->backlog + s->len + (size_t)p, s->msg + sizeof(prefix), n);
	s->len += frame;
	tcp_pump(s);
	return true;
}

void syslog_drain(struct syslog *s)
{
	if (!s)
		return;
	if (s->kind == T_TCP) {
		uint64_t deadline = mono_ms() + SYSLOG_CLOSE_MS;

		if (s->fd < 0 && s->start < s->len)
			s->next_try_ms = 0;
		while (s->start < s->len && mono_ms() < deadline) {
			if (s->fd < 0 && mono_ms() < s->next_try_ms)
				break;
			tcp_wait(s, 50);
		}
		/* What is left never reached the receiver whole. */
		while (s->start < s->len)
			drop_head(s);
	}
}

void syslog_close(struct syslog *s)
{
	if (!s)
		return;
	syslog_drain(s);
	if (s->kind == T_TCP && s->fd >= 0)
		shutdown(s->fd, SHUT_WR);
	if (s->fd >= 0)
		close(s->fd);
	free(s->backlog);
	free(s->msg);
	free(s->url);
	free(s);
}

void syslog_stats(const struct syslog *s, struct syslog_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!s)
		return;
#define X(name, help) out->name = atomic_load(&s->name);
	SYSLOG_COUNTERS(X)
#undef X
}
