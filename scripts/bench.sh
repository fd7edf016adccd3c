#!/bin/sh
# bench.sh: bergerie's replay speed against a bare libpcap read loop.
#
# Generates the bench captures once into build/bench/ (IMIX and all
# minimum-size frames, 200,000 flows, about 3 million packets each; kept
# between runs), then for each capture runs the bare loop
# (build/tools/bare_loop), `./bergerie -r FILE --flows /dev/null` and
# `./bergerie -r FILE` (analysis only: no flow records) alternately RUNS
# times (default 5), whole processes timed from outside, and prints the
# median packets per second of each, the ratio bergerie/bare with flow
# records (the headline: goal >= 0.6, CONTRACT.md section 9) and without,
# each run's median CPU time per thread (packet thread, output thread, as
# bergerie -v prints them), bergerie's peak RSS and the bytes per flow.
# A benchmark, not a test: it exits 0 below the goal too. Environment: RUNS, BENCH_DIR, BERGERIE (default ./bergerie),
# BERGERIE_ARGS (extra options), FLOWS, PACKETS.
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
		printf '  %-19s peak RSS %d KiB, %.0f bytes per flow\n' \
			"" "$rss" "$(calc "$rss * 1024 / $flows")"
	fi
}

for name in imix min; do
	f=$DIR/$name.pcap
	# shellcheck disable=SC2046
	set -- $(cat "$DIR/$name.info")	# flows N packets M bytes B
	flows=$2
	packets=$4
	for x in bare.t berg.t berg.rss berg.cpu ana.t ana.rss ana.cpu; do
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
		fi
		i=$((i + 1))
	done
	bare_s=$(median < "$DIR/bare.t")
	bare_pps=$(calc "$packets / $bare_s")
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
	fi
done
exit 0
