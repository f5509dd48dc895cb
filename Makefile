# tocsin - build, test, demo and benchmarks.
#
#   make          build/tocsin and build/libtocsin.a
#   make demo     install what is missing, build, run a bundled incident
#   make check    install what is missing, build, run every test
#   make asan     the suite under AddressSanitizer + UBSan
#   make fuzz     libFuzzer targets for the parsers (build/fuzz/)
#   make bench    the benchmarks of DESIGN §12 (see BENCHMARKS.md)
#
# Every library comes from Debian and is found with pkg-config. The
# pkg-config calls are deferred ('=' not ':=') and the top-level targets
# re-enter make after 'deps', so a fresh machine installs first and
# configures second.

CC       ?= cc
BUILD    ?= build
OPT      ?= -O2
WERROR   ?= -Werror
SAN      ?=
PKGS     = lua5.4 libcurl libgit2 jansson icu-uc icu-i18n libxml-2.0 sqlite3 \
           libcrypto libcmark
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CFLAGS   = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g $(OPT) \
           -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation -Wvla $(WERROR) $(SAN) \
           -Iinclude -Isrc $(PKG_CFLAGS)
LDLIBS   = $(PKG_LIBS) -lcsv -lm -lpthread
LDFLAGS  = $(SAN)

# Debian packages: to build, to test, to benchmark.
DEPS_BUILD = gcc make pkg-config git liblua5.4-dev libcurl4-openssl-dev \
             libgit2-dev libjansson-dev libicu-dev libxml2-dev libsqlite3-dev \
             libssl-dev libcsv-dev libcmark-dev
DEPS_TEST  = libcmocka-dev python3 python3-pytest python3-aiosmtpd lua-check \
             sqlite3 openssl fiu-utils libfiu-dev chromium clang \
             libclang-rt-14-dev
DEPS_BENCH = postfix nginx-light wrk swaks apprise hyperfine valgrind \
             time sqlite3

PYTHON   = /usr/bin/python3
CONFORMANCE ?= $(abspath ../shared/conformance)

SRCS     := $(sort $(wildcard src/*.c))
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
OBJS     := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen_embedded.o
EMBED_FILES := $(sort $(wildcard lua/*.lua lua/*/*.lua playbooks/*.lua \
                 playbooks/samples/*.csv playbooks/samples/*.txt))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all deps bench-deps demo demo-run check check-run asan fuzz \
        fuzz-smoke bench bench-run lint-src clean units

all: $(BUILD)/tocsin $(BUILD)/libtocsin.a

deps:
	@tools/deps.sh $(DEPS_BUILD) $(DEPS_TEST)

bench-deps:
	@tools/deps.sh $(DEPS_BUILD) $(DEPS_BENCH)

$(BUILD)/obj/%.o: src/%.c $(wildcard include/tocsin/*.h src/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj $(BUILD)/tests $(BUILD)/gen $(BUILD)/fuzz:
	@mkdir -p $@

$(BUILD)/embed: tools/embed.c | $(BUILD)/obj
	$(CC) -O1 -o $@ $<

$(BUILD)/gen/embedded.c: $(BUILD)/embed $(EMBED_FILES) | $(BUILD)/gen
	$(BUILD)/embed $@ $(EMBED_FILES)

$(BUILD)/obj/gen_embedded.o: $(BUILD)/gen/embedded.c src/embedded.h
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libtocsin.a: $(OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tocsin: $(BUILD)/obj/main.o $(BUILD)/libtocsin.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libtocsin.a | $(BUILD)/tests
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libtocsin.a $(LDFLAGS) \
	    $(LDLIBS) -lcmocka

units: $(UNIT_BINS)

# ---- the two commands --------------------------------------------------

demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo.sh $(BUILD)/tocsin

check: deps
	@$(MAKE) --no-print-directory check-run

check-run: all units
	@TOCSIN_BUILD=$(BUILD) TOCSIN_CONFORMANCE=$${TOCSIN_CONFORMANCE:-$(CONFORMANCE)} \
	    $(PYTHON) tests/run.py

# The suite under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: deps
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    check-run

# ---- fuzzing (clang's libFuzzer) ---------------------------------------

fuzz: deps
	@$(MAKE) --no-print-directory CC=clang BUILD=build-fuzz OPT=-O1 \
	    SAN="-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -Wno-unknown-warning-option" \
	    fuzz-targets

fuzz-targets: $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libtocsin.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libtocsin.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libtocsin.a | $(BUILD)/fuzz
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libtocsin.a \
	    $(LDFLAGS) $(LDLIBS)

# ---- benchmarks --------------------------------------------------------

bench: bench-deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh $(BUILD)/tocsin

clean:
	rm -rf build build-asan build-fuzz
