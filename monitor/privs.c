/*
 * privs.c: the run-as user and the capabilities (privs.h says when).
 *
 * Jobs: find the user; hand output files to it; drop supplementary
 * groups, gid and uid; empty the capability bounding, ambient, permitted
 * and effective sets (CAP_NET_RAW excepted with --retry); forbid new
 * privileges; check that root cannot be had back.
 *
 * libcap is not linked: capset(2) and prctl(2) are called directly, with
 * the version 3 (64-bit) capability structures.
 *
 * Must never: run after a thread has started (capset() changes the calling
 * thread only), or leave a capability it was not asked to keep.
 */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool user_lookup(const char *name, struct passwd *out, char *buf,
			size_t buflen)
{
	struct passwd *res = NULL;

	return getpwnam_r(name, out, buf, buflen, &res) == 0 && res;
}

bool privs_plan(struct privs *p, const char *user, bool keep_net_raw,
		char *warn, size_t warnlen, char *err, size_t errlen)
{
	struct passwd pw;
	char buf[4096];
	const char *name = user ? user : PRIVS_DEFAULT_USER;

	memset(p, 0, sizeof(*p));
	p->keep_net_raw = keep_net_raw;
	if (warnlen)
		warn[0] = '\0';
	if (user && (!*user || strlen(user) >= sizeof(p->user))) {
		snprintf(err, errlen, "--user: '%s' is not a user name", user);
		return false;
	}
	if (geteuid() != 0) {
		/* Capabilities from the file (setcap) or none: the user cannot
		 * change, and saying otherwise would be a lie. */
		if (!user)
			return true;
		if (!user_lookup(user, &pw, buf, sizeof(buf))) {
			snprintf(err, errlen, "--user: no such user '%s'", user);
			return false;
		}
		if (pw.pw_uid != geteuid()) {
			snprintf(err, errlen,
				 "--user %s: switching users needs root "
				 "(running as uid %u)", user,
				 (unsigned)geteuid());
			return false;
		}
		return true;
	}
	if (!user_lookup(name, &pw, buf, sizeof(buf))) {
		if (user) {
			snprintf(err, errlen, "--user: no such user '%s'", user);
			return false;
		}
		name = PRIVS_FALLBACK_USER;
		if (!user_lookup(name, &pw, buf, sizeof(buf))) {
			snprintf(err, errlen,
				 "neither %s nor %s exists: give --user USER",
				 PRIVS_DEFAULT_USER, PRIVS_FALLBACK_USER);
			return false;
		}
		snprintf(warn, warnlen,
			 "user %s does not exist (make install creates it); "
			 "running as %s", PRIVS_DEFAULT_USER, name);
	}
	snprintf(p->user, sizeof(p->user), "%s", name);
	/* -Z root (or any uid 0 account): asked for explicitly, so the uid
	 * stays; the capabilities still go. */
	if (pw.pw_uid == 0)
		return true;
	p->switch_user = true;
	p->uid = pw.pw_uid;
	p->gid = pw.pw_gid;
	return true;
}

bool privs_give_fd(const struct privs *p, int fd, char *err, size_t errlen)
{
	struct stat st;

	if (!p->switch_user || fd < 0)
		return true;
	/* Only regular files: a FIFO or a device given as an output keeps
	 * its owner. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return true;
	if (fchown(fd, p->uid, p->gid) != 0) {
		snprintf(err, errlen, "cannot give the file to %s: %s", p->user,
			 strerror(errno));
		return false;
	}
	return true;
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	char line[16];
	char *end;
	long n = CAP_LAST_CAP;

	if (f) {
		if (fgets(line, sizeof(line), f)) {
			n = strtol(line, &end, 10);
			if (end == line || n < 0 || n > 63)
				n = CAP_LAST_CAP;
		}
		fclose(f);
	}
	return (int)n;
}

/* The bounding set limits what an exec could gain. Emptying it needs
 * CAP_SETPCAP, which a setcap'd binary lacks: no_new_privs covers that
 * case. */
static void drop_bounding(bool keep_net_raw)
{
	int last = last_cap();

	for (int cap = 0; cap <= last; cap++) {
		if (keep_net_raw && cap == CAP_NET_RAW)
			continue;
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			(void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	}
}

static bool caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};

	memset(d, 0, 2 * sizeof(*d));
	return syscall(SYS_capget, &h, d) == 0;
}

static bool caps_set(bool keep_net_raw, char *err, size_t errlen)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct d[2], now[2];
	unsigned i = CAP_TO_INDEX(CAP_NET_RAW);
	uint32_t raw = CAP_TO_MASK(CAP_NET_RAW);

	/* Keep CAP_NET_RAW only if it is there to keep. */
	if (keep_net_raw && (!caps_get(now) || !(now[i].permitted & raw)))
		keep_net_raw = false;
	memset(d, 0, sizeof(d));
	if (keep_net_raw)
		d[i].permitted = d[i].effective = raw;
	if (syscall(SYS_capset, &h, d) != 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return false;
	}
	if (!caps_get(now)) {
		snprintf(err, errlen, "capget: %s", strerror(errno));
		return false;
	}
	for (int k = 0; k < 2; k++)
		if (now[k].permitted != d[k].permitted ||
		    now[k].effective != d[k].effective || now[k].inheritable) {
			snprintf(err, errlen, "capabilities still held after "
				 "capset");
			return false;
		}
	return true;
}

static bool switch_user(const struct privs *p, char *err, size_t errlen)
{
	uid_t ru, eu, su;

	if (initgroups(p->user, p->gid) != 0 && setgroups(1, &p->gid) != 0) {
		snprintf(err, errlen, "setgroups: %s", strerror(errno));
		return false;
	}
	if (setresgid(p->gid, p->gid, p->gid) != 0) {
		snprintf(err, errlen, "setgid %u: %s", (unsigned)p->gid,
			 strerror(errno));
		return false;
	}
	if (setresuid(p->uid, p->uid, p->uid) != 0) {
		snprintf(err, errlen, "setuid %u (%s): %s", (unsigned)p->uid,
			 p->user, strerror(errno));
		return false;
	}
	if (getresuid(&ru, &eu, &su) != 0 || ru != p->uid || eu != p->uid ||
	    su != p->uid) {
		snprintf(err, errlen, "setuid %u (%s) did not take",
			 (unsigned)p->uid, p->user);
		return false;
	}
	return true;
}

bool privs_drop(const struct privs *p, char *err, size_t errlen)
{
	/* Without KEEPCAPS, setuid() away from 0 empties the permitted set;
	 * with it, CAP_NET_RAW can be kept by the capset() below. */
	if (p->switch_user && p->keep_net_raw &&
	    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
		return false;
	}
	drop_bounding(p->keep_net_raw);
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (p->switch_user && !switch_user(p, err, errlen))
		return false;
	if (!caps_set(p->keep_net_raw, err, errlen))
		return false;
	(void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s",
			 strerror(errno));
		return false;
	}
	/* Paranoia, as OpenSSH's permanently_set_uid(): root must be out of
	 * reach now. */
	if (p->switch_user && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen, "root could be regained after the drop");
		return false;
	}
#if defined(__SANITIZE_ADDRESS__)
	/* The sanitizer build's leak checker attaches to the process with
	 * ptrace(), which a uid change forbids by clearing the dumpable
	 * flag. Release builds keep it cleared: a core or a ptrace peek
	 * would show the pseudonymisation key to the run-as user. */
	(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
	return true;
}
