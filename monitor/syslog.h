/*
 * syslog.h: alerts to a syslog receiver (--syslog), RFC 5424 messages
 * with the JSON record as MSG.
 *
 *   udp://HOST:PORT   one datagram per message (RFC 5426), at most
 *                     SYSLOG_UDP_MAX bytes
 *   tcp://HOST:PORT   octet-counting framing (RFC 6587 3.4.1: "LEN SP MSG")
 *   unix:PATH         a SOCK_DGRAM socket such as /dev/log; the socket's
 *                     own limit applies (EMSGSIZE)
 *
 * HEADER: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, then "-" for
 * STRUCTURED-DATA. APP-NAME is "bergerie", PROCID the process id,
 * TIMESTAMP the record's own time (packet time), PRI the facility
 * (--syslog-facility) and the alert's severity.
 *
 * A message too long for the transport is counted (syslog_too_long) and
 * not sent: never cut mid-JSON. TCP never blocks the caller: the socket is
 * non-blocking, messages wait in a bounded backlog (SYSLOG_TCP_BACKLOG
 * bytes) while the receiver is slow or away, and a lost connection is
 * retried with exponential backoff (1 s doubling to 60 s); a message that
 * does not fit the backlog, or was half sent when the connection broke, is
 * counted in syslog_lost. syslog_close() gives the backlog a bounded time
 * (SYSLOG_CLOSE_MS) to drain.
 *
 * Not thread-safe: one thread sends (the writer thread); counters may be
 * read from any thread.
 */
#ifndef BERGERIE_SYSLOG_H
#define BERGERIE_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SYSLOG_UDP_MAX = 65000,
	SYSLOG_TCP_BACKLOG = 4 << 20,
	SYSLOG_CLOSE_MS = 3000,
	SYSLOG_DEFAULT_FACILITY = 1,	/* user */
};

/* syslog severities (RFC 5424 6.2.1) used for alerts. */
enum syslog_severity {
	SYSLOG_SEV_CRIT = 2,
	SYSLOG_SEV_ERR = 3,
	SYSLOG_SEV_WARNING = 4,
	SYSLOG_SEV_NOTICE = 5,
	SYSLOG_SEV_INFO = 6,
};

#define SYSLOG_COUNTERS(X)                                                  \
	X(syslog_sent, "syslog messages sent")                               \
	X(syslog_too_long, "syslog messages too long for the transport")     \
	X(syslog_lost, "syslog messages lost: receiver away, backlog full")  \
	X(syslog_reconnects, "syslog TCP connections (re)established")

struct syslog_stats {
#define X(name, help) uint64_t name;
	SYSLOG_COUNTERS(X)
#undef X
};

struct syslog;

/* "user", "daemon", "local0".."local7", ... or a number 0-23. */
bool syslog_parse_facility(const char *s, int *out);

/*
 * Opens url (see above). hostname goes in the HOSTNAME field (NILVALUE
 * when empty). A name that does not resolve, a bad URL or a unix socket
 * that cannot be reached is an error ("URL: reason" in err); a TCP
 * receiver that is away is not (it is retried).
 */
struct syslog *syslog_open(const char *url, int facility, const char *hostname,
			   char *err, size_t errlen);

/*
 * Sends one message: msg (len bytes, no newline) under msgid at ts_ns.
 * False when it was not sent or queued (too long, lost: counted).
 */
bool syslog_send(struct syslog *s, enum syslog_severity sev, uint64_t ts_ns,
		 const char *msgid, const char *msg, size_t len);

/*
 * Gives the TCP backlog up to SYSLOG_CLOSE_MS to reach the receiver and
 * counts what is left as lost, so a last statistics record can tell. Call
 * from the sending thread or while it is idle (after writer_sync()).
 */
void syslog_drain(struct syslog *s);

/* Drains (as above), closes, frees. */
void syslog_close(struct syslog *s);

void syslog_stats(const struct syslog *s, struct syslog_stats *out);

#endif
