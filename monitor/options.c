/*
 * options.c: the one table of options, and everything that reads it.
 *
 * Jobs: defaults; command line (getopt_long built from the table); the
 * configuration file; --help; the tab-separated dump the man page and the
 * completion are generated from. tcpdump's letters keep tcpdump's meaning
 * (-i -r -s -B -c -v -Z); everything else is a long option.
 *
 * Must never: open captures or outputs. It only fills struct config.
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "flow_table.h"
#include "frag_table.h"
#include "dns_cache.h"
#include "evidence.h"
#include "names.h"

#define DEFAULT_CONFIG_PATH "/etc/bergerie/bergerie.conf"

enum opt_type {
	OPT_FLAG,	/* bool, set to true */
	OPT_UNFLAG,	/* bool, set to false (--no-x) */
	OPT_COUNTER,	/* int, incremented (-v) */
	OPT_STRING,	/* const char * */
	OPT_LIST,	/* appended to an array of const char * */
	OPT_U32,
	OPT_U64,
	OPT_SIZE,	/* bytes, K/M/G suffixes */
	OPT_SECONDS,	/* uint32 seconds, s/m/h suffixes */
	OPT_ACTION,	/* --help, --version, --config: handled by the parser */
};

struct option_def {
	const char *name;	/* long name, also the config-file key */
	int letter;		/* short option, 0 if none */
	enum opt_type type;
	const char *arg;	/* argument name for --help, NULL for flags */
	size_t offset;		/* into struct config */
	size_t count_offset;	/* OPT_LIST: offset of the size_t count */
	const char *help;
};

#define OFF(f) offsetof(struct config, f)

/* Action codes live in the offset column of OPT_ACTION rows. */
enum { ACT_HELP = 1, ACT_VERSION, ACT_CONFIG, ACT_DUMP };

static const struct option_def option_table[] = {
	/* Input */
	{"read", 'r', OPT_LIST, "FILE", OFF(read_files), OFF(nread_files),
	 "read a pcap or pcapng file (repeatable, read in order; - is stdin)"},
	{"interface", 'i', OPT_LIST, "IFACE", OFF(interfaces), OFF(ninterfaces),
	 "capture live on IFACE (repeatable)"},
	{"snaplen", 's', OPT_U32, "BYTES", OFF(snaplen), 0,
	 "live capture: bytes kept of each packet (default libpcap's)"},
	{"buffer-size", 'B', OPT_U32, "KIB", OFF(buffer_kib), 0,
	 "live capture: kernel buffer size in KiB, as tcpdump -B"},
	{"count", 'c', OPT_U64, "COUNT", OFF(count), 0,
	 "stop after COUNT packets"},
	{"no-promisc", 0, OPT_FLAG, NULL, OFF(no_promisc), 0,
	 "live capture: do not put the interface in promiscuous mode"},
	{"immediate", 0, OPT_FLAG, NULL, OFF(immediate), 0,
	 "live capture: deliver packets at once (libpcap immediate mode)"},
	{"retry", 0, OPT_FLAG, NULL, OFF(retry), 0,
	 "live capture: when an interface goes down or away, keep the flows and reopen it"},
	{"retry-max", 0, OPT_SECONDS, "SECONDS", OFF(retry_max), 0,
	 "--retry: wait 1 s, then twice as long each time, at most this (default 30)"},

	/* Output */
	{"flows", 0, OPT_STRING, "FILE", OFF(flows_path), 0,
	 "append a JSON flow record per ended or interim flow (- is stdout)"},
	{"metrics", 0, OPT_STRING, "FILE", OFF(metrics_path), 0,
	 "append JSON statistics records (- is stdout)"},
	{"alerts", 0, OPT_STRING, "FILE", OFF(alerts_path), 0,
	 "append a JSON alert record per flow the policy flags (- is stdout)"},
	{"alert-window", 0, OPT_SECONDS, "SECONDS", OFF(alert_window), 0,
	 "fold repeats of an alert (host, remote, rule) this long (default 60; 0 off)"},
	{"alert-window-memcap", 0, OPT_SIZE, "SIZE", OFF(alert_window_memcap), 0,
	 "memory for open dedup windows; at the cap the oldest close early"},
	{"alert-rate", 0, OPT_U64, "N", OFF(alert_rate), 0,
	 "at most N alerts a second of packet time (default 1000 live, none in replay)"},
	{"syslog", 0, OPT_STRING, "URL", OFF(syslog_url), 0,
	 "also send alerts to syslog: udp://HOST:PORT, tcp://HOST:PORT, unix:PATH"},
	{"syslog-facility", 0, OPT_STRING, "NAME", OFF(syslog_facility), 0,
	 "syslog facility of alerts: user (default), daemon, local0-7, ..."},
	{"report", 0, OPT_STRING, "FILE", OFF(report_path), 0,
	 "write a JSON report for auditors at the end (- is stdout)"},
	{"fail-on", 0, OPT_STRING, "VERDICT,...", OFF(fail_on), 0,
	 "exit 1 when the policy flagged a flow with one of these verdicts"},
	{"stats-interval", 0, OPT_SECONDS, "SECONDS", OFF(stats_interval), 0,
	 "write a statistics record every SECONDS of packet time (default 60)"},
	{"stats", 0, OPT_FLAG, NULL, OFF(stats), 0,
	 "print every counter on standard error at the end"},
	{"observer-name", 0, OPT_STRING, "NAME", OFF(observer_name), 0,
	 "name of this sensor in records ([A-Za-z0-9_-]{1,64}; default host name)"},
	{"pseudonymize", 0, OPT_STRING, "KEYFILE", OFF(pseudonymize_path), 0,
	 "replace home addresses in every output by Crypto-PAn pseudonyms (32-byte key)"},
	{"evidence", 0, OPT_STRING, "DIR", OFF(evidence_dir), 0,
	 "write the first packets of each alerting flow to DIR/<community-id>.pcap"},
	{"evidence-packets", 0, OPT_U32, "N", OFF(evidence_packets), 0,
	 "packets kept per alerting flow (default 20)"},
	{"evidence-memcap", 0, OPT_SIZE, "SIZE", OFF(evidence_memcap), 0,
	 "total size of the evidence files (default 256M)"},
	{"evidence-buffer-memcap", 0, OPT_SIZE, "SIZE", OFF(evidence_buffer_memcap), 0,
	 "memory for packets of flows not yet decided (default 16M)"},
	{"verbose", 'v', OPT_COUNTER, NULL, OFF(verbose), 0,
	 "say more on standard error (repeatable)"},
	{"quiet", 'q', OPT_FLAG, NULL, OFF(quiet), 0,
	 "print nothing but errors (no summary)"},

	/* Flow table */
	{"flow-memcap", 0, OPT_SIZE, "SIZE", OFF(flow_memcap), 0,
	 "memory for live flows; at the cap the longest-idle flow is evicted"},
	{"frag-memcap", 0, OPT_SIZE, "SIZE", OFF(frag_memcap), 0,
	 "memory for the IP fragment table"},
	{"tcp-timeout", 0, OPT_SECONDS, "SECONDS", OFF(tcp_timeout), 0,
	 "idle timeout of an established TCP flow (default 300)"},
	{"tcp-syn-timeout", 0, OPT_SECONDS, "SECONDS", OFF(tcp_syn_timeout), 0,
	 "idle timeout of an unanswered TCP SYN (default 30)"},
	{"tcp-linger", 0, OPT_SECONDS, "SECONDS", OFF(tcp_linger), 0,
	 "time a TCP flow lingers after FIN both ways or RST (default 5)"},
	{"udp-timeout", 0, OPT_SECONDS, "SECONDS", OFF(udp_timeout), 0,
	 "idle timeout of a UDP flow (default 60)"},
	{"icmp-timeout", 0, OPT_SECONDS, "SECONDS", OFF(icmp_timeout), 0,
	 "idle timeout of an ICMP flow (default 60)"},
	{"other-timeout", 0, OPT_SECONDS, "SECONDS", OFF(other_timeout), 0,
	 "idle timeout of flows of other protocols (default 60)"},
	{"active-timeout", 0, OPT_SECONDS, "SECONDS", OFF(active_timeout), 0,
	 "interim record for a flow active this long (default 300)"},

	/* Jurisdiction engine */
	{"data-dir", 0, OPT_STRING, "DIR", OFF(data_dir), 0,
	 "folder of GeoIP databases and jurisdiction data"},
	{"geoip-country", 0, OPT_STRING, "FILE", OFF(geoip_country), 0,
	 "country database (GeoLite2/GeoIP2 Country or City, DB-IP, IPinfo Lite)"},
	{"geoip-asn", 0, OPT_STRING, "FILE", OFF(geoip_asn), 0,
	 "AS database (GeoLite2-ASN, DB-IP ASN, bergerie's)"},
	{"policy", 0, OPT_STRING, "FILE", OFF(policy_path), 0,
	 "jurisdiction policy (JSON; default: the built-in policy)"},
	{"cloud-ranges", 0, OPT_STRING, "DIR", OFF(cloud_ranges_dir), 0,
	 "folder of cloud providers' published IP range files"},
	{"geo-cache-memcap", 0, OPT_SIZE, "SIZE", OFF(geo_cache_memcap), 0,
	 "memory for the address classification cache"},
	{"names-memcap", 0, OPT_SIZE, "SIZE", OFF(names_memcap), 0,
	 "memory for server-name state (ClientHello reassembly, QUIC Initials)"},
	{"dns-cache-memcap", 0, OPT_SIZE, "SIZE", OFF(dns_cache_memcap), 0,
	 "memory for the passive DNS cache (answers to names)"},
	{"no-geoip", 0, OPT_FLAG, NULL, OFF(no_geoip), 0,
	 "run without GeoIP databases (remote ends are 'unknown')"},
	{"json", 0, OPT_FLAG, NULL, OFF(json), 0,
	 "explain: one JSON object per line"},

	/* Dashboard */
	{"tui", 0, OPT_FLAG, NULL, OFF(tui), 0,
	 "show the live dashboard (default with -i on a terminal, no JSON on stdout)"},
	{"no-tui", 0, OPT_FLAG, NULL, OFF(no_tui), 0,
	 "never show the dashboard (wins over --tui)"},
	{"speed", 0, OPT_STRING, "N|max", OFF(speed), 0,
	 "replay N times real time, or max (default: 1 with --tui, else max)"},
	{"refresh", 0, OPT_STRING, "SECONDS", OFF(refresh), 0,
	 "dashboard: seconds between snapshots, 0.1 to 60 (default 1)"},

	/* Process */
	{"user", 'Z', OPT_STRING, "USER", OFF(user), 0,
	 "after opening captures and outputs, run as USER (default _bergerie as root)"},
	{"config", 0, OPT_ACTION, "FILE", ACT_CONFIG, 0,
	 "read options from FILE (default " DEFAULT_CONFIG_PATH ")"},
	{"help", 'h', OPT_ACTION, NULL, ACT_HELP, 0, "show this help"},
	{"version", 'V', OPT_ACTION, NULL, ACT_VERSION, 0, "show the version"},
	{"dump-options", 0, OPT_ACTION, NULL, ACT_DUMP, 0,
	 "list options as tab-separated text (for the man page)"},
};

enum { NOPTIONS = sizeof(option_table) / sizeof(option_table[0]) };

/* Strings the config file and the BPF join allocated; freed at exit. */
struct owned_strings {
	char **v;
	size_t n, cap;
};

static struct owned_strings owned;

static char *own(char *s)
{
	if (!s)
		return NULL;
	if (owned.n == owned.cap) {
		size_t cap = owned.cap ? owned.cap * 2 : 16;
		char **v = realloc(owned.v, cap * sizeof(*v));

		if (!v) {
			free(s);
			return NULL;
		}
		owned.v = v;
		owned.cap = cap;
	}
	owned.v[owned.n++] = s;
	return s;
}

void options_free(struct config *cfg)
{
	for (size_t i = 0; i < owned.n; i++)
		free(owned.v[i]);
	free(owned.v);
	owned.v = NULL;
	owned.n = owned.cap = 0;
	cfg->bpf = NULL;
}

void options_defaults(struct config *cfg)
{
	struct flow_timeouts to;

	memset(cfg, 0, sizeof(*cfg));
	flow_timeouts_default(&to);
	cfg->tcp_timeout = to.tcp_idle;
	cfg->tcp_syn_timeout = to.tcp_syn;
	cfg->tcp_linger = to.tcp_linger;
	cfg->udp_timeout = to.udp;
	cfg->icmp_timeout = to.icmp;
	cfg->other_timeout = to.other;
	cfg->active_timeout = to.active;
	cfg->flow_memcap = flow_table_default_memcap();
	cfg->frag_memcap = frag_table_default_memcap();
	cfg->geo_cache_memcap = 16u << 20;
	cfg->names_memcap = NAMES_DEFAULT_MEMCAP;
	cfg->alert_window_memcap = ALERTS_DEFAULT_WINDOW_MEMCAP;
	cfg->dns_cache_memcap = DNS_CACHE_DEFAULT_MEMCAP;
	cfg->stats_interval = 60;
	cfg->retry_max = 30;
	cfg->alert_window = ALERTS_DEFAULT_WINDOW;
	cfg->alert_rate = CONFIG_ALERT_RATE_AUTO;
	cfg->evidence_packets = EVIDENCE_DEFAULT_PACKETS;
	cfg->evidence_memcap = EVIDENCE_DEFAULT_MEMCAP;
	cfg->evidence_buffer_memcap = EVIDENCE_DEFAULT_BUFFER_MEMCAP;
}

bool options_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		shift = 10;
		end++;
		break;
	case 'M':
		shift = 20;
		end++;
		break;
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		return false;
	}
	/* Accept "64K", "64KB", "64KiB" alike. */
	if (shift && (*end == 'i' || *end == 'I'))
		end++;
	if (shift && (*end == 'b' || *end == 'B'))
		end++;
	if (*end != '\0')
		return false;
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return false;
	*out = v;
	return true;
}

static bool parse_seconds(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v, mult = 1;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	default:
		return false;
	}
	if (*end != '\0' && end[1] != '\0')
		return false;
	if (v > UINT32_MAX / mult)
		return false;
	*out = (uint32_t)(v * mult);
	return true;
}

/*
 * Stores one value. from_file says whether value must be duplicated (the
 * config file's line buffer is reused). err gets "--name: why".
 */
static bool option_set(struct config *cfg, const struct option_def *o,
		       const char *value, bool from_file, char *err,
		       size_t errlen)
{
	char *base = (char *)cfg;
	uint64_t u64;
	uint32_t u32;

	if (from_file && value && (o->type == OPT_STRING || o->type == OPT_LIST)) {
		value = own(strdup(value));
		if (!value) {
			snprintf(err, errlen, "out of memory");
			return false;
		}
	}
	switch (o->type) {
	case OPT_FLAG:
		*(bool *)(base + o->offset) = true;
		return true;
	case OPT_UNFLAG:
		*(bool *)(base + o->offset) = false;
		return true;
	case OPT_COUNTER:
		(*(int *)(base + o->offset))++;
		return true;
	case OPT_STRING:
		*(const char **)(base + o->offset) = value;
		return true;
	case OPT_LIST: {
		const char **arr = (const char **)(base + o->offset);
		size_t *n = (size_t *)(base + o->count_offset);

		if (*n >= CONFIG_MAX_INPUTS) {
			snprintf(err, errlen, "--%s: at most %d allowed", o->name,
				 CONFIG_MAX_INPUTS);
			return false;
		}
		arr[(*n)++] = value;
		return true;
	}
	case OPT_U32:
		if (!parse_u64(value, &u64) || u64 > UINT32_MAX)
			break;
		*(uint32_t *)(base + o->offset) = (uint32_t)u64;
		return true;
	case OPT_U64:
		if (!parse_u64(value, &u64))
			break;
		*(uint64_t *)(base + o->offset) = u64;
		return true;
	case OPT_SIZE:
		if (!options_parse_size(value, &u64))
			break;
		*(uint64_t *)(base + o->offset) = u64;
		return true;
	case OPT_SECONDS:
		if (!parse_seconds(value, &u32))
			break;
		*(uint32_t *)(base + o->offset) = u32;
		return true;
	case OPT_ACTION:
		break;
	}
	snprintf(err, errlen, "--%s: invalid %s '%s'", o->name,
		 o->type == OPT_SIZE ? "size (use K, M or G)" :
		 o->type == OPT_SECONDS ? "duration (seconds, or s/m/h)" :
		 "number", value ? value : "");
	return false;
}

static const struct option_def *option_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (strlen(option_table[i].name) == len &&
		    memcmp(option_table[i].name, name, len) == 0)
			return &option_table[i];
	return NULL;
}

static bool takes_value(const struct option_def *o)
{
	return o->arg != NULL;
}

/*
 * The configuration file: "long-option = value" per line, '#' starts a
 * comment, blank lines ignored, a flag given as "flag" or "flag = true".
 * Values run to the end of the line (trailing blanks dropped), so a BPF-like
 * value with spaces needs no quoting.
 */
bool options_load_file(struct config *cfg, const char *path, char *err,
		       size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	unsigned lineno = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *key, *eq, *val, *end;
		const struct option_def *o;
		size_t keylen;
		char why[256];

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u:1: line too long", path,
				 lineno);
			goto fail;
		}
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		key = p;
		while (*p && (isalnum((unsigned char)*p) || *p == '-'))
			p++;
		keylen = (size_t)(p - key);
		o = option_find(key, keylen);
		if (!o || o->type == OPT_ACTION) {
			snprintf(err, errlen, "%s:%u:%u: unknown option '%.*s'",
				 path, lineno, (unsigned)(key - line) + 1,
				 (int)(keylen ? keylen : 1), key);
			goto fail;
		}
		while (isspace((unsigned char)*p))
			p++;
		eq = p;
		val = NULL;
		if (*p == '=') {
			p++;
			while (isspace((unsigned char)*p))
				p++;
			val = p;
		} else if (*p != '\0') {
			snprintf(err, errlen, "%s:%u:%u: expected '=' after '%s'",
				 path, lineno, (unsigned)(eq - line) + 1,
				 o->name);
			goto fail;
		}
		if (takes_value(o) && (!val || *val == '\0')) {
			snprintf(err, errlen, "%s:%u:%u: '%s' needs a value",
				 path, lineno, (unsigned)(p - line) + 1, o->name);
			goto fail;
		}
		if (!takes_value(o) && val) {
			if (strcmp(val, "true") == 0 || strcmp(val, "yes") == 0) {
				val = NULL;
			} else if (strcmp(val, "false") == 0 ||
				   strcmp(val, "no") == 0) {
				continue;
			} else {
				snprintf(err, errlen,
					 "%s:%u:%u: '%s' takes true or false",
					 path, lineno,
					 (unsigned)(val - line) + 1, o->name);
				goto fail;
			}
		}
		if (!option_set(cfg, o, val, true, why, sizeof(why))) {
			snprintf(err, errlen, "%s:%u:%u: %s", path, lineno,
				 val ? (unsigned)(val - line) + 1 : 1, why);
			goto fail;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	fclose(f);
	return true;
fail:
	fclose(f);
	return false;
}

/* --config is looked for before anything else, so the command line can
 * override what the file sets whatever the order of the arguments. */
static const char *find_config_arg(int argc, char **argv, bool *explicit_)
{
	*explicit_ = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			*explicit_ = true;
			return argv[i + 1];
		}
		if (strncmp(argv[i], "--config=", 9) == 0) {
			*explicit_ = true;
			return argv[i] + 9;
		}
	}
	return access(DEFAULT_CONFIG_PATH, R_OK) == 0 ? DEFAULT_CONFIG_PATH
						       : NULL;
}

static bool join_bpf(struct config *cfg, int argc, char **argv, int first,
		     char *err, size_t errlen)
{
	size_t len = 0;
	char *s;

	if (first >= argc)
		return true;
	for (int i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = own(malloc(len));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	s[0] = '\0';
	for (int i = first; i < argc; i++) {
		if (i > first)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	cfg->bpf = s;
	return true;
}

enum options_result options_parse(struct config *cfg, int argc, char **argv,
				  char *err, size_t errlen)
{
	struct option longopts[NOPTIONS + 1];
	char shortopts[2 * NOPTIONS + 2];
	size_t ns = 0;
	bool explicit_config;
	const char *conf;
	int c, idx;
	enum options_result result = OPTIONS_RUN;

	/* '+' would stop at the first word; tcpdump lets options follow the
	 * expression's words too, so permute (glibc's default) instead. */
	shortopts[ns++] = ':';
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option_def *o = &option_table[i];

		longopts[i].name = o->name;
		longopts[i].has_arg = takes_value(o) ? required_argument
						     : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = 256 + (int)i;
		if (o->letter) {
			shortopts[ns++] = (char)o->letter;
			if (takes_value(o))
				shortopts[ns++] = ':';
		}
	}
	memset(&longopts[NOPTIONS], 0, sizeof(longopts[NOPTIONS]));
	shortopts[ns] = '\0';

	conf = find_config_arg(argc, argv, &explicit_config);
	if (conf) {
		cfg->config_path = conf;
		if (!options_load_file(cfg, conf, err, errlen))
			return OPTIONS_ERROR;
	}

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		const struct option_def *o = NULL;

		if (c == '?' || c == ':') {
			const char *what = c == '?' ? "unknown option"
						    : "missing value for";

			if (optopt && optopt < 256)
				snprintf(err, errlen, "%s -%c (see --help)",
					 what, optopt);
			else
				snprintf(err, errlen, "%s %s (see --help)", what,
					 argv[optind - 1]);
			return OPTIONS_ERROR;
		}
		if (c >= 256) {
			o = &option_table[c - 256];
		} else {
			for (size_t i = 0; i < NOPTIONS; i++)
				if (option_table[i].letter == c)
					o = &option_table[i];
		}
		if (!o)
			continue;
		if (o->type == OPT_ACTION) {
			switch (o->offset) {
			case ACT_HELP:
				result = OPTIONS_HELP;
				break;
			case ACT_VERSION:
				if (result == OPTIONS_RUN)
					result = OPTIONS_VERSION;
				break;
			case ACT_DUMP:
				result = OPTIONS_DUMP;
				break;
			default:	/* --config: already read */
				break;
			}
			continue;
		}
		if (!option_set(cfg, o, optarg, false, err, errlen))
			return OPTIONS_ERROR;
	}
	if (result != OPTIONS_RUN)
		return result;
	cfg->args = argv + optind;
	cfg->nargs = argc - optind;
	if (!join_bpf(cfg, argc, argv, optind, err, errlen))
		return OPTIONS_ERROR;
	return OPTIONS_RUN;
}

void options_print_help(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s [options] -r FILE... | -i IFACE... [BPF expression]\n"
		"       %s explain [--json] [options] ADDRESS...\n"
		"Data-residency flow monitor: where does our traffic go, and under "
		"which law?\n\n",
		prog, prog);
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option_def *o = &option_table[i];
		char left[48];

		if (o->letter)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->letter,
				 o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-30s %s\n", left, o->help);
	}
	fprintf(out, "\nExit status: 0 success (also after SIGINT/SIGTERM), "
		"1 --fail-on matched,\n2 usage, configuration, policy or "
		"database error, 3 capture error.\nSee bergerie(8).\n");
}

void options_dump(FILE *out)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option_def *o = &option_table[i];

		fprintf(out, "%s\t%c\t%s\t%s\n", o->name,
			o->letter ? o->letter : '-', o->arg ? o->arg : "-",
			o->help);
	}
}
