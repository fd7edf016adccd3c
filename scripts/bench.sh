#!/bin/sh
# bench.sh: bergerie's replay speed against a bare libpcap read loop.
#
# Generates the bench captures once into build/bench/ (IMIX and all
# minimum-size frames, 200,000 flows, about 3 million packets each; kept
# between runs), then for each capture runs the bare loop
# (build/tools/bare_loop), `./bergerie -r FILE --flows /dev/null`,
# `./bergerie -r FILE` (analysis only: no flow records) and
# `./bergerie -r FILE --flows /dev/null --alerts /dev/null` with a policy
# flagging every non-local flow (every flow raises an alert) alternately
# RUNS times (default 5), whole processes timed from outside, and prints
# the median packets per second of each, the ratio bergerie/bare with flow
# records (the headline: goal >= 0.6, CONTRACT.md section 9) and without,
# the alerts per second, each run's median CPU time per thread (packet
# thread, output thread, as bergerie -v prints them), bergerie's peak RSS
# and the bytes per flow.
#
# Then, where tshark is installed, tshark with its GeoIP fields on a
# sample of the IMIX capture (its first TSHARK_PACKETS packets, default
# 200,000: tshark is too slow for the whole file), against bergerie and
# the bare loop on the same sample. tshark reads GeoLite2-schema databases
# only: the bench builds GeoLite2-Country from data/country.mmdb (DB-IP
# country, the database bergerie uses) with MaxMind::DB::Writer, and uses
# data/asn.mmdb (built by scripts/fetch-geoip.sh from data/asn-ipv*.csv
# with GeoLite2-ASN keys) as GeoLite2-ASN; both in build/bench/geolite2/,
# named to tshark by a private configuration folder
# (WIRESHARK_CONFIG_DIR, its maxmind_db_paths file). Last, packets per
# second for --threads 1..nproc, when bergerie accepts --threads.
#
# A benchmark, not a test: it exits 0 below the goal too. Environment:
# RUNS, BENCH_DIR, BERGERIE (default ./bergerie), BERGERIE_ARGS (extra
# options), FLOWS, PACKETS, TSHARK_PACKETS, TSHARK_RUNS (default 1).
set -eu
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-build/bench}
BERGERIE=${BERGERIE:-./bergerie}
BERGERIE_ARGS=${BERGERIE_ARGS:-}
FLOWS=${FLOWS:-200000}
PACKETS=${PACKETS:-3000000}
GOAL=0.6

for t in benchgen bare_loop; do
	if [ ! -x build/tools/$t ]; then
		make -s build/tools/$t
	fi
done
mkdir -p "$DIR"

gen() {	# gen NAME [benchgen options]
	name=$1
	shift
	if [ ! -s "$DIR/$name.pcap" ] || [ ! -s "$DIR/$name.info" ]; then
		echo "bench: generating $DIR/$name.pcap" >&2
		build/tools/benchgen "$DIR/$name.pcap" --flows "$FLOWS" \
			--packets "$PACKETS" "$@" > "$DIR/$name.info.tmp"
		mv "$DIR/$name.info.tmp" "$DIR/$name.info"
	fi
}
gen imix
gen min --min-size

# Every verdict but local raises an alert.
cat > "$DIR/flag-all.json" <<'EOF'
{"rules": [{"id": "bench.all", "name": "Everything not local",
  "action": "flag", "severity": "low",
  "verdict": ["eu", "eu_foreign_control", "adequate", "third_country", "unknown"]}]}
EOF

TIMEF=
if [ -x /usr/bin/time ]; then
	TIMEF=/usr/bin/time
else
	echo "bench: /usr/bin/time missing (apt-get install time): no RSS" >&2
fi

# Can bergerie replay with flow output discarded?
have_bergerie=no
if [ -x "$BERGERIE" ]; then
	# shellcheck disable=SC2086
	if "$BERGERIE" -r pcaps/tcp-basic.pcap --flows /dev/null $BERGERIE_ARGS \
		>/dev/null 2>"$DIR/probe.err"; then
		have_bergerie=yes
	else
		echo "bench: '$BERGERIE -r FILE --flows /dev/null' failed" \
		     "(see $DIR/probe.err): measuring the bare loop only" >&2
	fi
else
	echo "bench: $BERGERIE not built: measuring the bare loop only" >&2
fi

now() { date +%s.%N; }

calc() {	# calc EXPR: floating-point arithmetic without bc
	awk "BEGIN { printf \"%.6f\\n\", $1 }"
}

stat_of() {	# stat_of NAME JSON_LINE: a counter of a statistics record
	printf '%s\n' "$2" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

median() {	# median of the numbers on standard input
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print 0; exit }
		if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run_berg TAG [options]: one timed bergerie run; appends its wall time,
# peak RSS and per-thread CPU to $DIR/TAG.{t,rss,cpu}.
run_berg() {
	tag=$1
	shift
	t0=$(now)
	if [ -n "$TIMEF" ]; then
		# shellcheck disable=SC2086
		$TIMEF -f %M -o "$DIR/rss.one" "$BERGERIE" -r "$f" -v "$@" \
			$BERGERIE_ARGS > /dev/null 2> "$DIR/berg.err"
		cat "$DIR/rss.one" >> "$DIR/$tag.rss"
	else
		# shellcheck disable=SC2086
		"$BERGERIE" -r "$f" -v "$@" $BERGERIE_ARGS \
			> /dev/null 2> "$DIR/berg.err"
	fi
	t1=$(now)
	calc "$t1 - $t0" >> "$DIR/$tag.t"
	# "cpu: packet thread 1.234 s, output thread 0.567 s"
	sed -n 's/^cpu: packet thread \([0-9.]*\) s, output thread \([0-9.]*\) s$/\1 \2/p' \
		"$DIR/berg.err" >> "$DIR/$tag.cpu"
}

# print_berg TAG LABEL: the row for a bergerie variant against the bare loop.
print_berg() {
	tag=$1
	label=$2
	berg_s=$(median < "$DIR/$tag.t")
	berg_pps=$(calc "$packets / $berg_s")
	ratio=$(calc "$berg_pps / $bare_pps")
	printf '  %-19s %12.0f packets/s  (median of %d, %.3f s), ratio %.3f\n' \
		"$label" "$berg_pps" "$RUNS" "$berg_s" "$ratio"
	if [ -s "$DIR/$tag.cpu" ]; then
		printf '  %-19s packet thread %.3f s, output thread %.3f s (medians)\n' \
			"" "$(cut -d' ' -f1 "$DIR/$tag.cpu" | median)" \
			"$(cut -d' ' -f2 "$DIR/$tag.cpu" | median)"
	fi
	if [ -s "$DIR/$tag.rss" ]; then
		rss=$(sort -n "$DIR/$tag.rss" | tail -1)
		if [ -n "$flows" ]; then
			printf '  %-19s peak RSS %d KiB, %.0f bytes per flow\n' \
				"" "$rss" "$(calc "$rss * 1024 / $flows")"
		else
			printf '  %-19s peak RSS %d KiB\n' "" "$rss"
		fi
	fi
}

for name in imix min; do
	f=$DIR/$name.pcap
	# shellcheck disable=SC2046
	set -- $(cat "$DIR/$name.info")	# flows N packets M bytes B
	flows=$2
	packets=$4
	for x in bare.t berg.t berg.rss berg.cpu ana.t ana.rss ana.cpu \
		alert.t alert.rss alert.cpu; do
		: > "$DIR/$x"
	done
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t0=$(now)
		build/tools/bare_loop "$f" > /dev/null
		t1=$(now)
		calc "$t1 - $t0" >> "$DIR/bare.t"
		if [ $have_bergerie = yes ]; then
			run_berg berg --flows /dev/null
			run_berg ana
			run_berg alert --flows /dev/null \
				--policy "$DIR/flag-all.json" --alerts /dev/null \
				--metrics "$DIR/alert.metrics" --stats-interval 0
		fi
		i=$((i + 1))
	done
	bare_s=$(median < "$DIR/bare.t")
	bare_pps=$(calc "$packets / $bare_s")
	cp "$DIR/bare.t" "$DIR/$name.bare.t"
	printf '%-5s %d packets, %d flows, %s\n' "$name" "$packets" "$flows" \
		"$(du -h "$f" | cut -f1)"
	printf '  bare libpcap loop   %12.0f packets/s  (median of %d, %.3f s)\n' \
		"$bare_pps" "$RUNS" "$bare_s"
	if [ $have_bergerie = yes ]; then
		print_berg berg "bergerie --flows"
		print_berg ana "bergerie, no records"
		berg_s=$(median < "$DIR/berg.t")
		ratio=$(calc "$bare_s / $berg_s")
		verdict=$(awk -v r="$ratio" -v g="$GOAL" \
			'BEGIN { print (r >= g) ? "PASS" : "BELOW GOAL" }')
		printf '  ratio bergerie/bare %12.3f  (with flow records; goal >= %s): %s\n' \
			"$ratio" "$GOAL" "$verdict"
		print_berg alert "bergerie --alerts"
		# The counters of the last run (the same in every run).
		last=$(tail -n 1 "$DIR/alert.metrics")
		alerts=$(stat_of alerts "$last")
		flagged=$(stat_of flows_flagged "$last")
		alert_s=$(median < "$DIR/alert.t")
		printf '  %-19s %12.0f alerts/s  (%s alerts, %s flows flagged)\n' \
			"" "$(calc "$alerts / $alert_s")" "$alerts" "$flagged"
	fi
done
# --- tshark with its GeoIP fields, on a sample of the IMIX capture -----
# build_geolite2 DIR: GeoLite2-Country from data/country.mmdb (DB-IP's
# "country ipvAll": IPv6 tree, IPv4 in ::/96) and GeoLite2-ASN as
# data/asn.mmdb (fetch-geoip.sh's, GeoLite2-ASN keys), rebuilt when the
# source is newer. About half a minute for the country tree.
build_geolite2() {
	geo=$1
	mkdir -p "$geo"
	if [ ! -s "$geo/GeoLite2-Country.mmdb" ] ||
		[ -n "$(find data/country.mmdb -newer "$geo/GeoLite2-Country.mmdb")" ]; then
		echo "bench: building $geo/GeoLite2-Country.mmdb from data/country.mmdb" >&2
		perl - data/country.mmdb "$geo/GeoLite2-Country.mmdb.tmp" <<'PERL' >&2 || return 1
use strict;
use warnings;
use MaxMind::DB::Reader;
use MaxMind::DB::Writer::Tree;
use Net::Works::Network;
my ($in, $out) = @ARGV;
my $r = MaxMind::DB::Reader->new(file => $in);
my %types = (country => 'map', registered_country => 'map');
my $t = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 24,
    database_type         => 'GeoLite2-Country',
    languages             => ['en'],
    description           => { en => 'GeoLite2 schema, from ' . $r->metadata->database_type },
    map_key_type_callback => sub { $types{ $_[0] } // 'utf8_string' },
    alias_ipv6_to_ipv4       => 1,
    remove_reserved_networks => 0,
    merge_strategy           => 'none',
);
my ($n, $skipped) = (0, 0);
$r->iterate_search_tree(sub {
    my ($ip, $len, $d) = @_;
    my $cc = ref $d eq 'HASH' ? $d->{country_code} : undef;
    return unless defined $cc && $cc =~ /^[A-Z]{2}$/;
    my $net = Net::Works::Network->new_from_integer(
        integer => $ip, prefix_length => $len, version => 6)->as_string;
    # The writer makes these aliases of the IPv4 tree itself.
    if ($net =~ /^(?:::ffff:|2001:0?:|2002:)/) { $skipped++; return }
    $t->insert_network($net, { country => { iso_code => $cc },
                               registered_country => { iso_code => $cc } });
    $n++;
});
open my $o, '>:raw', $out or die "$out: $!\n";
$t->write_tree($o);
close $o or die "$out: $!\n";
print STDERR "bench: GeoLite2-Country: $n networks ($skipped aliased skipped)\n";
PERL
		mv "$geo/GeoLite2-Country.mmdb.tmp" "$geo/GeoLite2-Country.mmdb"
	fi
	cp data/asn.mmdb "$geo/GeoLite2-ASN.mmdb"
}

tshark_bench() {
	if ! command -v tshark > /dev/null 2>&1; then
		echo "tshark: not installed (skipped)"
		return 0
	fi
	if [ ! -s data/country.mmdb ] || [ ! -s data/asn.mmdb ]; then
		echo "tshark: data/country.mmdb or data/asn.mmdb missing (scripts/fetch-geoip.sh): skipped"
		return 0
	fi
	if ! perl -MMaxMind::DB::Writer::Tree -MMaxMind::DB::Reader \
		-MNet::Works::Network -e 1 > /dev/null 2>&1; then
		echo "tshark: needs libmaxmind-db-writer-perl and libmaxmind-db-reader-perl for its databases: skipped"
		return 0
	fi
	geo=$(cd "$DIR" && pwd)/geolite2
	if ! build_geolite2 "$geo"; then
		echo "tshark: building the GeoLite2-schema databases failed: skipped"
		return 0
	fi
	n=${TSHARK_PACKETS:-200000}
	f=$DIR/imix-$n.pcap
	if [ ! -s "$f" ]; then
		if command -v editcap > /dev/null 2>&1; then
			editcap -r "$DIR/imix.pcap" "$f.tmp" "1-$n"
		else
			tcpdump -r "$DIR/imix.pcap" -c "$n" -w "$f.tmp" 2> /dev/null
		fi
		mv "$f.tmp" "$f"
	fi
	packets=$(build/tools/bare_loop "$f" | cut -d' ' -f2)
	flows=	# not counted in the sample: no bytes per flow
	conf=$DIR/tshark-conf
	mkdir -p "$conf"
	printf '"%s"\n' "$geo" > "$conf/maxmind_db_paths"
	for x in bare.t samp.t samp.rss samp.cpu tshark.t; do
		: > "$DIR/$x"
	done
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t0=$(now)
		build/tools/bare_loop "$f" > /dev/null
		t1=$(now)
		calc "$t1 - $t0" >> "$DIR/bare.t"
		if [ $have_bergerie = yes ]; then
			run_berg samp --flows /dev/null
		fi
		i=$((i + 1))
	done
	# -N m: no name resolution but MAC vendors (no DNS look-ups);
	# GeoIP look-ups go to the databases above (mmdbresolve).
	i=0
	while [ "$i" -lt "${TSHARK_RUNS:-1}" ]; do
		t0=$(now)
		WIRESHARK_CONFIG_DIR=$conf tshark -r "$f" -N m \
			-o ip.use_geoip:TRUE -o ipv6.use_geoip:TRUE -T fields \
			-e ip.geoip.country_iso -e ip.geoip.asnum \
			-e ipv6.geoip.country_iso -e ipv6.geoip.asnum \
			> "$DIR/tshark.out" 2> "$DIR/tshark.err"
		t1=$(now)
		calc "$t1 - $t0" >> "$DIR/tshark.t"
		i=$((i + 1))
	done
	located=$(awk -F'\t' '$1 != "" || $3 != ""' "$DIR/tshark.out" | wc -l)
	bare_s=$(median < "$DIR/bare.t")
	bare_pps=$(calc "$packets / $bare_s")
	ts_s=$(median < "$DIR/tshark.t")
	ts_pps=$(calc "$packets / $ts_s")
	printf 'tshark %d packets: the first of imix (a sample: tshark is too slow for the whole file)\n' "$packets"
	printf '  bare libpcap loop   %12.0f packets/s  (median of %d, %.3f s)\n' \
		"$bare_pps" "$RUNS" "$bare_s"
	if [ $have_bergerie = yes ]; then
		print_berg samp "bergerie --flows"
		berg_pps=$(calc "$packets / $(median < "$DIR/samp.t")")
	fi
	printf '  %-19s %12.0f packets/s  (median of %d, %.3f s), ratio %.3f to the bare loop\n' \
		"tshark GeoIP fields" "$ts_pps" "${TSHARK_RUNS:-1}" "$ts_s" \
		"$(calc "$ts_pps / $bare_pps")"
	if [ $have_bergerie = yes ]; then
		printf '  ratio tshark/bergerie %10.3f  (bergerie %.1fx faster)\n' \
			"$(calc "$ts_pps / $berg_pps")" "$(calc "$berg_pps / $ts_pps")"
	fi
	printf '  %-19s %d of %d packets with a country (GeoLite2-Country from data/country.mmdb, GeoLite2-ASN = data/asn.mmdb)\n' \
		"" "$located" "$packets"
}
tshark_bench

# --- threads ------------------------------------------------------------
if [ $have_bergerie = yes ] &&
	"$BERGERIE" -r pcaps/tcp-basic.pcap --flows /dev/null --threads 1 \
		> /dev/null 2>&1; then
	f=$DIR/imix.pcap
	# shellcheck disable=SC2046
	set -- $(cat "$DIR/imix.info")
	flows=$2
	packets=$4
	nmax=$(nproc 2> /dev/null || echo 1)
	bare_s=$(median < "$DIR/imix.bare.t")
	bare_pps=$(calc "$packets / $bare_s")
	echo "threads (imix, bergerie --flows /dev/null --threads N; ratio to the bare loop above)"
	n=1
	while [ "$n" -le "$nmax" ]; do
		for x in t rss cpu; do
			: > "$DIR/thr.$x"
		done
		i=0
		while [ "$i" -lt "$RUNS" ]; do
			run_berg thr --flows /dev/null --threads "$n"
			i=$((i + 1))
		done
		print_berg thr "--threads $n"
		n=$((n + 1))
	done
else
	echo "threads: not implemented (issue 7)"
fi
exit 0
