/*
 * privs.h: run as an unprivileged user with no capabilities once every
 * capture and output is open (CONTRACT.md section 10).
 *
 * Three steps, in this order:
 *   privs_plan()      before anything is opened: which user, and whether
 *                     it exists (an unknown -Z USER is a usage error);
 *   privs_give_fd()   for each output file: owned by that user, so a
 *                     SIGHUP after rotation can reopen it;
 *   privs_drop()      before any thread starts (capabilities are per
 *                     thread): groups, gid, uid, then every capability,
 *                     except CAP_NET_RAW with --retry (to reopen a
 *                     vanished interface).
 *
 * Started as root: the user is -Z USER, default _bergerie, or nobody
 * with a warning when _bergerie does not exist. -Z root keeps uid 0 on
 * purpose, but still without capabilities. Started as another user (file
 * capabilities: setcap cap_net_raw,cap_net_admin+eip bergerie): no user
 * change is possible; -Z naming another user is a usage error; the
 * capabilities are dropped all the same.
 */
#ifndef BERGERIE_PRIVS_H
#define BERGERIE_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PRIVS_DEFAULT_USER "_bergerie"
#define PRIVS_FALLBACK_USER "nobody"

struct privs {
	bool switch_user;	/* setgroups/setgid/setuid to uid/gid */
	uid_t uid;
	gid_t gid;
	char user[64];
	bool keep_net_raw;	/* --retry: CAP_NET_RAW stays permitted and
				 * effective */
};

/*
 * user: -Z USER, NULL for the default. warn gets a one-line warning (the
 * nobody fallback) or "". False with err set when the user is unknown or
 * cannot be switched to (exit 2).
 */
bool privs_plan(struct privs *p, const char *user, bool keep_net_raw,
		char *warn, size_t warnlen, char *err, size_t errlen);

/* Makes the file behind fd owned by the run-as user (a no-op when the
 * user does not change). False with err set. */
bool privs_give_fd(const struct privs *p, int fd, char *err, size_t errlen);

/* Drops the user and the capabilities, and checks they are gone. Call
 * before any thread is started. False with err set. */
bool privs_drop(const struct privs *p, char *err, size_t errlen);

#endif
