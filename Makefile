# bergerie: data-residency network flow monitor.
#
#   make            ./bergerie (optimised)
#   make test       everything the test suite checks (sanitizer build)
#   make bench      replay benchmark against a bare libpcap loop
#   make fuzz       the long fuzz pass
#   make lint       cppcheck and clang-tidy
#   make install    PREFIX=/usr/local DESTDIR= (mk/install.mk; also uninstall)

VERSION := 0.1.0

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wpointer-arith -Wcast-qual
CPPFLAGS += -I. -D_GNU_SOURCE -DBERGERIE_VERSION='"$(VERSION)"'
LIBS    := -lpcap -lmaxminddb -ljansson -lncursesw -lcrypto -lpthread -lm

SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined
SAN_LDFLAGS := -fsanitize=address,undefined

SRC      := $(sort $(wildcard monitor/*.c geo/*.c ui/*.c))
LIB_SRC  := $(filter-out monitor/main.c,$(SRC))
REL_OBJ  := $(SRC:%.c=build/rel/%.o)
SAN_OBJ  := $(SRC:%.c=build/san/%.o)
SAN_LIB  := $(LIB_SRC:%.c=build/san/%.o)

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/san/tests/%)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=build/tools/%)

.PHONY: all test unit-test capture-test robust-test peer-test bench fuzz \
        fuzz-build fuzz-onefile \
        lint clean pcaps peers geo-extract

all: bergerie

bergerie: $(REL_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

build/rel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SAN_CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

build/san/bergerie: $(SAN_OBJ)
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(LIBS)

build/san/tests/%: tests/unit/%.c $(SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SAN_CFLAGS) $(WARN) -MMD -MP -o $@ $< $(SAN_LIB) \
		$(SAN_LDFLAGS) $(LIBS) -lcmocka

build/tools/%: tests/tools/%.c $(wildcard tests/tools/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O2 -g $(WARN) -o $@ $< $(LIBS)

# Fuzz targets (tests/fuzz/README.md). Each builds twice: with gcc and
# ASan+UBSan around tests/fuzz/onefile.c, a regression runner over the
# committed corpus (part of the tests); and with clang's libFuzzer into
# build/fuzz/ (the short pass in the tests, the long one in `make fuzz`).
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_ONE_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/san/fuzz/%)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_CC      ?= clang
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_OBJ     := $(LIB_SRC:%.c=build/fuzz/obj/%.o)
FUZZ_SECONDS ?= 600

build/san/fuzz/%: tests/fuzz/%.c tests/fuzz/onefile.c tests/fuzz/fuzz_common.h $(SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SAN_CFLAGS) $(WARN) -o $@ $< tests/fuzz/onefile.c \
		$(SAN_LIB) $(SAN_LDFLAGS) $(LIBS)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
		$(WARN) -MMD -MP -c -o $@ $<

build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_common.h $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		$(WARN) -o $@ $< $(FUZZ_OBJ) $(LIBS)

build/fuzz/mkseeds: tests/fuzz/mkseeds.c $(SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SAN_CFLAGS) $(WARN) -o $@ $< $(SAN_LIB) $(SAN_LDFLAGS) $(LIBS)

fuzz-onefile: $(FUZZ_ONE_BIN)
fuzz-build: $(FUZZ_BIN)

# The long fuzz pass: every target FUZZ_SECONDS (default 600), two at a
# time, from the committed corpus; new inputs in build/fuzz/corpus/.
fuzz: $(FUZZ_BIN)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh long

# The test suite: unit tests, then whole captures against expected output,
# then the robustness corpus, then the peer (tshark) tables.
test: build/san/bergerie $(UNIT_BIN) $(TOOL_BIN) $(FUZZ_ONE_BIN)
	tests/run-all.sh

-include $(shell find build -name '*.d' 2>/dev/null)

# Regenerates the project's own captures in pcaps/ (committed).
pcaps: build/tools/pcapgen
	scripts/make-pcaps.sh

# Replay benchmark against a bare libpcap read loop (not part of the tests).
bench: bergerie build/tools/benchgen build/tools/bare_loop
	scripts/bench.sh

# Regenerates the committed tshark peer tables in tests/peers/ (needs tshark).
peers: bergerie
	scripts/peers.sh
	scripts/peers-names.sh

# Regenerates geo/asn-check.csv from the pinned ASN data.
geo-extract:
	scripts/geo-extract.sh

# Static analysis: cppcheck, then clang-tidy with the checks in .clang-tidy.
lint:
	cppcheck --enable=warning,performance,portability --inline-suppr -q \
		--error-exitcode=1 -I. -D_GNU_SOURCE --suppress=missingIncludeSystem \
		monitor geo ui
	clang-tidy -quiet $(SRC) -- $(CPPFLAGS)

clean:
	rm -rf build bergerie

# Installation, man page, completion, sample configuration (issue 8).
include mk/install.mk
