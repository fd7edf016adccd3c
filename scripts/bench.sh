#!/bin/sh
# bench.sh: bergerie's replay speed against a bare libpcap read loop.
#
# Generates the bench captures once into build/bench/ (IMIX and all
# minimum-size frames, 200,000 flows, about 3 million packets each; kept
# between runs), then for each capture runs the bare loop
# (build/tools/bare_loop) and `./bergerie -r FILE --flows /dev/null`
# alternately RUNS times (default 5), whole processes timed from outside,
# and prints the median packets per second of each, the ratio
# bergerie/bare (goal >= 0.6, CONTRACT.md section 9), bergerie's peak RSS
# and the bytes per flow. A benchmark, not a test: it exits 0 below the
# goal too. Environment: RUNS, BENCH_DIR, BERGERIE (default ./bergerie),
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

for name in imix min; do
	f=$DIR/$name.pcap
	# shellcheck disable=SC2046
	set -- $(cat "$DIR/$name.info")	# flows N packets M bytes B
	flows=$2
	packets=$4
	: > "$DIR/bare.t"
	: > "$DIR/berg.t"
	: > "$DIR/berg.rss"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t0=$(now)
		build/tools/bare_loop "$f" > /dev/null
		t1=$(now)
		calc "$t1 - $t0" >> "$DIR/bare.t"
		if [ $have_bergerie = yes ]; then
			t0=$(now)
			if [ -n "$TIMEF" ]; then
				# shellcheck disable=SC2086
				$TIMEF -f %M -o "$DIR/rss.one" "$BERGERIE" -r "$f" \
					--flows /dev/null $BERGERIE_ARGS \
					> /dev/null 2> "$DIR/berg.err"
				cat "$DIR/rss.one" >> "$DIR/berg.rss"
			else
				# shellcheck disable=SC2086
				"$BERGERIE" -r "$f" --flows /dev/null $BERGERIE_ARGS \
					> /dev/null 2> "$DIR/berg.err"
			fi
			t1=$(now)
			calc "$t1 - $t0" >> "$DIR/berg.t"
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
		berg_s=$(median < "$DIR/berg.t")
		berg_pps=$(calc "$packets / $berg_s")
		ratio=$(calc "$berg_pps / $bare_pps")
		verdict=$(awk -v r="$ratio" -v g="$GOAL" \
			'BEGIN { print (r >= g) ? "PASS" : "BELOW GOAL" }')
		printf '  bergerie            %12.0f packets/s  (median of %d, %.3f s)\n' \
			"$berg_pps" "$RUNS" "$berg_s"
		printf '  ratio bergerie/bare %12.3f  (goal >= %s): %s\n' \
			"$ratio" "$GOAL" "$verdict"
		if [ -s "$DIR/berg.rss" ]; then
			rss=$(sort -n "$DIR/berg.rss" | tail -1)
			printf '  peak RSS            %12d KiB, %.0f bytes per flow\n' \
				"$rss" "$(calc "$rss * 1024 / $flows")"
		fi
	fi
done
exit 0
