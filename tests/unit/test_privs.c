/*
 * test_privs.c: the run-as user plan, and the drop itself in a child
 * process (a drop cannot be undone, so the test process never does it).
 *
 * As root: the default user is _bergerie, or nobody with a warning; -Z root
 * keeps uid 0; an unknown user is refused. The child drops to nobody, with
 * and without --retry, and reports its uid and capability sets through
 * its exit status. Not as root: only the plan's refusals are checked.
 */
#include <linux/capability.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "monitor/privs.h"

static void test_unknown_user(void **state)
{
	struct privs p;
	char warn[256], err[256];

	(void)state;
	assert_false(privs_plan(&p, "bergerie-no-such-user", false, warn,
				sizeof(warn), err, sizeof(err)));
	assert_non_null(strstr(err, "bergerie-no-such-user"));
	assert_false(privs_plan(&p, "", false, warn, sizeof(warn), err,
				sizeof(err)));
}

static void test_default_user(void **state)
{
	struct privs p;
	char warn[256], err[256];
	bool have = getpwnam(PRIVS_DEFAULT_USER) != NULL;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_true(privs_plan(&p, NULL, false, warn, sizeof(warn), err,
			       sizeof(err)));
	assert_true(p.switch_user);
	if (have) {
		assert_string_equal(p.user, PRIVS_DEFAULT_USER);
		assert_string_equal(warn, "");
	} else {
		assert_string_equal(p.user, PRIVS_FALLBACK_USER);
		assert_non_null(strstr(warn, PRIVS_DEFAULT_USER));
	}
}

static void test_root_stays(void **state)
{
	struct privs p;
	char warn[256], err[256];

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_true(privs_plan(&p, "root", true, warn, sizeof(warn), err,
			       sizeof(err)));
	assert_false(p.switch_user);
	assert_true(p.keep_net_raw);
	/* Handing a file over is a no-op then. */
	assert_true(privs_give_fd(&p, 1, err, sizeof(err)));
}

/* Exit status of a child that dropped: 0 when uid, gid and capabilities
 * are as expected, else a code saying which check failed. */
static int drop_in_child(bool keep_net_raw)
{
	struct privs p;
	char warn[256], err[256];
	struct passwd *pw = getpwnam("nobody");
	pid_t pid;
	int status;

	if (!pw)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
		};
		struct __user_cap_data_struct d[2];
		uint32_t raw = keep_net_raw ? CAP_TO_MASK(CAP_NET_RAW) : 0;

		if (!privs_plan(&p, "nobody", keep_net_raw, warn, sizeof(warn),
				err, sizeof(err)))
			_exit(10);
		if (!privs_drop(&p, err, sizeof(err)))
			_exit(11);
		if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
		    getgid() != pw->pw_gid)
			_exit(12);
		if (syscall(SYS_capget, &h, d) != 0)
			_exit(13);
		if (d[0].permitted != raw || d[0].effective != raw ||
		    d[1].permitted || d[1].effective || d[0].inheritable)
			_exit(14);
		if (setuid(0) == 0)
			_exit(15);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -2;
	return WEXITSTATUS(status);
}

static void test_drop(void **state)
{
	(void)state;
	if (geteuid() != 0 || !getpwnam("nobody"))
		skip();
	assert_int_equal(drop_in_child(false), 0);
	assert_int_equal(drop_in_child(true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_user),
		cmocka_unit_test(test_default_user),
		cmocka_unit_test(test_root_stays),
		cmocka_unit_test(test_drop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
