#!/usr/bin/env bash
# The fuzz targets in the test suite (tests/fuzz/README.md):
#  1. every committed corpus (tests/fuzz/corpus/NAME) replayed through the
#     target's gcc build with ASan+UBSan (tests/fuzz/onefile.c): each file
#     a regression test, fast and deterministic;
#  2. the short libFuzzer pass: each target FUZZ_SHORT_SECONDS (20), two at
#     a time, failing on a crash or a coverage under tests/fuzz/floors.tsv.
# Without clang's libFuzzer, part 2 is skipped (exit 77) with a message.
set -u
cd "$(dirname "$0")/../.." || exit 1
MAKE=${MAKE:-make}

if ! $MAKE -s fuzz-onefile >/dev/null; then
	echo "FAIL: the onefile builds do not build"
	exit 1
fi
fail=0
for src in tests/fuzz/fuzz_*.c; do
	n=${src##*/fuzz_}
	n=${n%.c}
	corpus=tests/fuzz/corpus/$n
	if [ ! -d "$corpus" ]; then
		echo "FAIL replay $n: no corpus at $corpus"
		fail=1
		continue
	fi
	if out=$("build/san/fuzz/fuzz_$n" "$corpus" 2>&1); then
		echo "replay $n: ${out##*: }"
	else
		echo "FAIL replay $n"
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/    /'
		fail=1
	fi
done
[ "$fail" -eq 0 ] || exit 1

cc=${FUZZ_CC:-clang}
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! command -v "$cc" >/dev/null 2>&1 ||
	! "$cc" -fsanitize=fuzzer,address,undefined -o "$probe/p" "$probe/p.c" >/dev/null 2>&1; then
	echo "skipped: the short fuzz pass needs $cc with libFuzzer (Debian: clang libclang-rt-14-dev); the corpus replay passed"
	exit 77
fi
if ! $MAKE -s fuzz-build >/dev/null; then
	echo "FAIL: the libFuzzer targets do not build"
	exit 1
fi
tests/fuzz/run.sh short
