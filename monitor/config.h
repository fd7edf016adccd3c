/*
 * config.h: every setting of a run, as the options table fills it.
 *
 * Defaults come first, then the configuration file (--config, default
 * /etc/bergerie/bergerie.conf when it exists), then the command line
 * (CONTRACT.md section 4). Nothing here is read from the wire.
 */
#ifndef BERGERIE_CONFIG_H
#define BERGERIE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CONFIG_MAX_INPUTS = 64 };

/* --alert-rate not given: 1,000 live, no cap in replay (CONTRACT.md 7). */
#define CONFIG_ALERT_RATE_AUTO UINT64_MAX

struct config {
	/* Inputs */
	const char *read_files[CONFIG_MAX_INPUTS];	/* -r, in order */
	size_t nread_files;
	const char *interfaces[CONFIG_MAX_INPUTS];	/* -i */
	size_t ninterfaces;
	char *bpf;			/* trailing expression, NULL if none */
	char **args;			/* the trailing words themselves */
	int nargs;
	uint32_t snaplen;		/* -s, 0 = libpcap's default */
	uint32_t buffer_kib;		/* -B, 0 = libpcap's default */
	uint64_t count;			/* -c, 0 = no limit */
	bool no_promisc;
	bool immediate;
	bool retry;			/* --retry: reopen a lost interface */
	uint32_t retry_max;		/* --retry-max: longest wait, seconds */

	/* Outputs */
	const char *flows_path;		/* --flows, "-" = stdout */
	const char *metrics_path;	/* --metrics */
	const char *alerts_path;	/* --alerts, "-" = stdout */
	const char *syslog_url;		/* --syslog */
	const char *syslog_facility;	/* --syslog-facility, NULL: user */
	uint32_t alert_window;		/* seconds of packet time; 0: no folding */
	uint64_t alert_window_memcap;	/* bytes held by open dedup windows */
	uint64_t alert_rate;		/* a second; CONFIG_ALERT_RATE_AUTO */
	const char *report_path;	/* --report, "-" = stdout */
	const char *fail_on;		/* --fail-on VERDICT[,VERDICT...] */
	bool stats;			/* --stats: counters on stderr at the end */
	uint32_t stats_interval;	/* seconds of packet time */
	const char *observer_name;	/* --observer-name */
	const char *pseudonymize_path;	/* --pseudonymize KEYFILE */
	const char *evidence_dir;	/* --evidence DIR */
	uint32_t evidence_packets;	/* first packets of an alerting flow */
	uint64_t evidence_memcap;	/* bytes of every evidence file */
	uint64_t evidence_buffer_memcap;	/* packets of undecided flows */
	int verbose;			/* -v */
	bool quiet;			/* -q */

	/* Flow table */
	uint64_t flow_memcap;
	uint64_t frag_memcap;
	uint32_t tcp_timeout, tcp_syn_timeout, tcp_linger;
	uint32_t udp_timeout, icmp_timeout, other_timeout, active_timeout;

	/* Jurisdiction engine */
	const char *data_dir;
	const char *geoip_country;
	const char *geoip_asn;
	const char *policy_path;
	const char *cloud_ranges_dir;
	uint64_t geo_cache_memcap;
	uint64_t names_memcap;		/* server-name state and reassembly */
	uint64_t dns_cache_memcap;
	bool no_geoip;			/* run without GeoIP databases */
	bool json;			/* explain: JSON lines */

	/* Dashboard (ui/) */
	bool tui;			/* --tui: the dashboard, required */
	bool no_tui;			/* --no-tui: never (wins over --tui) */
	const char *speed;		/* --speed: replay pace, "max" or N */
	const char *refresh;		/* --refresh: seconds between redraws */

	/* Process */
	const char *config_path;
	const char *user;		/* -Z / --user */
};

#endif
