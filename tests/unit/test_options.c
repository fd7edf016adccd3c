/* Unit tests: the options table, the command line and the config file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/options.h"

static char tmpdir[] = "/tmp/bergerie-options-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static const char *write_conf(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static enum options_result parse(struct config *cfg, char *err, size_t errlen,
				 int argc, char **argv)
{
	options_defaults(cfg);
	return options_parse(cfg, argc, argv, err, errlen);
}

static void test_sizes(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(options_parse_size("1000", &v));
	assert_int_equal(v, 1000);
	assert_true(options_parse_size("64K", &v));
	assert_int_equal(v, 65536);
	assert_true(options_parse_size("512M", &v));
	assert_int_equal(v, 512ull << 20);
	assert_true(options_parse_size("2G", &v));
	assert_int_equal(v, 2ull << 30);
	assert_true(options_parse_size("2GiB", &v));
	assert_int_equal(v, 2ull << 30);
	assert_false(options_parse_size("", &v));
	assert_false(options_parse_size("-1", &v));
	assert_false(options_parse_size("12X", &v));
	assert_false(options_parse_size("1KK", &v));
	assert_false(options_parse_size("99999999999999999999G", &v));
	assert_false(options_parse_size("17179869184G", &v));	/* 2^64 */
}

static void test_tcpdump_letters_and_bpf(void **state)
{
	struct config cfg;
	char err[256];
	char *argv[] = {"bergerie", "-r", "a.pcap", "-r", "b.pcap",
			      "-s", "96", "-B", "4096", "-c", "10", "-v", "-v",
			      "tcp", "port", "443", NULL};

	(void)state;
	assert_int_equal(parse(&cfg, err, sizeof(err), 16, argv), OPTIONS_RUN);
	assert_int_equal(cfg.nread_files, 2);
	assert_string_equal(cfg.read_files[0], "a.pcap");
	assert_string_equal(cfg.read_files[1], "b.pcap");
	assert_int_equal(cfg.snaplen, 96);
	assert_int_equal(cfg.buffer_kib, 4096);
	assert_int_equal(cfg.count, 10);
	assert_int_equal(cfg.verbose, 2);
	assert_string_equal(cfg.bpf, "tcp port 443");
	options_free(&cfg);
}

static void test_defaults_per_contract(void **state)
{
	struct config cfg;

	(void)state;
	options_defaults(&cfg);
	assert_int_equal(cfg.tcp_timeout, 300);
	assert_int_equal(cfg.tcp_syn_timeout, 30);
	assert_int_equal(cfg.tcp_linger, 5);
	assert_int_equal(cfg.udp_timeout, 60);
	assert_int_equal(cfg.icmp_timeout, 60);
	assert_int_equal(cfg.other_timeout, 60);
	assert_int_equal(cfg.active_timeout, 300);
	assert_int_equal(cfg.stats_interval, 60);
}

static void test_bad_values(void **state)
{
	struct config cfg;
	char err[256];
	char *a1[] = {"bergerie", "--flow-memcap", "lots", NULL};
	char *a2[] = {"bergerie", "--udp-timeout", "5x", NULL};
	char *a3[] = {"bergerie", "--no-such-thing", NULL};
	char *a4[] = {"bergerie", "-r", NULL};

	(void)state;
	assert_int_equal(parse(&cfg, err, sizeof(err), 3, a1), OPTIONS_ERROR);
	assert_string_equal(err, "--flow-memcap: invalid size (use K, M or G) 'lots'");
	assert_int_equal(parse(&cfg, err, sizeof(err), 3, a2), OPTIONS_ERROR);
	assert_non_null(strstr(err, "--udp-timeout"));
	assert_int_equal(parse(&cfg, err, sizeof(err), 2, a3), OPTIONS_ERROR);
	assert_non_null(strstr(err, "--no-such-thing"));
	assert_int_equal(parse(&cfg, err, sizeof(err), 2, a4), OPTIONS_ERROR);
	assert_non_null(strstr(err, "-r"));
	options_free(&cfg);
}

static void test_seconds_suffixes(void **state)
{
	struct config cfg;
	char err[256];
	char *argv[] = {"bergerie", "--tcp-timeout", "5m",
			      "--active-timeout", "1h", "--udp-timeout", "90s",
			      NULL};

	(void)state;
	assert_int_equal(parse(&cfg, err, sizeof(err), 7, argv), OPTIONS_RUN);
	assert_int_equal(cfg.tcp_timeout, 300);
	assert_int_equal(cfg.active_timeout, 3600);
	assert_int_equal(cfg.udp_timeout, 90);
	options_free(&cfg);
}

static void test_config_file_then_command_line(void **state)
{
	struct config cfg;
	char err[256];
	const char *path = write_conf("ok.conf",
				      "# a sensor\n"
				      "\n"
				      "  udp-timeout = 120  \n"
				      "flows = /var/log/bergerie/flows.json\n"
				      "read = one.pcap\n"
				      "read = two.pcap\n"
				      "stats\n"
				      "no-promisc = false\n");
	char pathbuf[256];
	char *argv[] = {"bergerie", "--udp-timeout", "30", "--config",
			pathbuf, NULL};

	(void)state;
	snprintf(pathbuf, sizeof(pathbuf), "%s", path);
	assert_int_equal(parse(&cfg, err, sizeof(err), 5, argv), OPTIONS_RUN);
	/* The command line wins whatever its position. */
	assert_int_equal(cfg.udp_timeout, 30);
	assert_string_equal(cfg.flows_path, "/var/log/bergerie/flows.json");
	assert_int_equal(cfg.nread_files, 2);
	assert_string_equal(cfg.read_files[1], "two.pcap");
	assert_true(cfg.stats);
	assert_false(cfg.no_promisc);
	options_free(&cfg);
}

static void expect_conf_error(const char *text, const char *want_suffix)
{
	struct config cfg;
	char err[512], want[512];
	const char *path = write_conf("bad.conf", text);

	options_defaults(&cfg);
	assert_false(options_load_file(&cfg, path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:%s", path, want_suffix);
	assert_string_equal(err, want);
	options_free(&cfg);
}

static void test_config_errors_have_positions(void **state)
{
	(void)state;
	expect_conf_error("udp-timeout = 60\nudp-timeot = 60\n",
			  "2:1: unknown option 'udp-timeot'");
	expect_conf_error("\n   flow-memcap = huge\n",
			  "2:18: --flow-memcap: invalid size (use K, M or G) 'huge'");
	expect_conf_error("flows\n", "1:6: 'flows' needs a value");
	expect_conf_error("stats = maybe\n", "1:9: 'stats' takes true or false");
	expect_conf_error("udp-timeout 60\n", "1:13: expected '=' after 'udp-timeout'");
	expect_conf_error("help\n", "1:1: unknown option 'help'");
}

static void test_missing_config_file(void **state)
{
	struct config cfg;
	char err[256];
	char *argv[] = {"bergerie", "--config", "/nonexistent/b.conf", NULL};

	(void)state;
	assert_int_equal(parse(&cfg, err, sizeof(err), 3, argv), OPTIONS_ERROR);
	assert_string_equal(err, "/nonexistent/b.conf: No such file or directory");
	options_free(&cfg);
}

static void test_help_lists_every_option(void **state)
{
	char *help = NULL, *dump = NULL;
	size_t hlen = 0, dlen = 0;
	FILE *h = open_memstream(&help, &hlen);
	FILE *d = open_memstream(&dump, &dlen);
	char *save = NULL, *line;
	int n = 0;

	(void)state;
	options_print_help(h, "bergerie");
	options_dump(d);
	fclose(h);
	fclose(d);
	/* Every option of the dump appears in --help as --name. */
	for (line = strtok_r(dump, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64], needle[70];

		assert_int_equal(sscanf(line, "%63[^\t]", name), 1);
		snprintf(needle, sizeof(needle), "--%s", name);
		assert_non_null(strstr(help, needle));
		n++;
	}
	assert_true(n > 20);
	free(help);
	free(dump);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_tcpdump_letters_and_bpf),
		cmocka_unit_test(test_defaults_per_contract),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_seconds_suffixes),
		cmocka_unit_test(test_config_file_then_command_line),
		cmocka_unit_test(test_config_errors_have_positions),
		cmocka_unit_test(test_missing_config_file),
		cmocka_unit_test(test_help_lists_every_option),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
