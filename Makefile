# SPDX-License-Identifier: ISC
#
# valise: one non-recursive Makefile for both programs, the tests, the fuzz
# targets and the benchmarks.
#
#   make            build valise and valised into $(BUILD)/
#   make check      install dependencies, build, run the TAP suite under prove
#   make check-asan the same suite rebuilt with ASan+UBSan in build-asan/
#   make check-reliability  the reliability suite at full size (issue 9)
#   make check-valgrind     the suite under valgrind memcheck
#   make fuzz       build the libFuzzer targets and run each FUZZ_SECONDS
#   make fuzz-long  the same for FUZZ_LONG_SECONDS (hours)
#   make bench      run the benchmarks in tests/bench/
#   make demo       a small federation of nodes on this machine
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        the Debian package build/valise_VERSION_ARCH.deb
#   make check-deb  build it, lintian, install, check, purge (root only)
#
# Sources are found by directory, so a new module needs no edit here:
#   crypto/*.c keys/*.c policy/*.c     library layers
#   node/cli.c node/cmd_*.c            the `valise` command
#   node/daemon*.c                     the `valised` daemon
#   node/*.c (the rest)                node services, shared by both
#   tests/t_*.c                        one TAP program per module
#   tests/*.t                          TAP scripts (executable, checked in)
#   tests/fuzz/fuzz_*.c                libFuzzer targets
#   tests/bench/bench_*.c              benchmark programs

VERSION   = 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
BUILD    ?= build
CC       ?= cc
FUZZ_CC  ?= clang
FUZZ_SECONDS ?= 30
PROVE    ?= prove

PKGS = libsodium libzmq sqlcipher libconfig jansson libxml-2.0

ifneq ($(V),1)
Q = @
say = @printf '  %-6s %s\n' $(1) $(2);
else
Q =
say =
endif

# pkg-config is asked once per make run; a missing library is reported by
# $(BUILD)/.configured with a clear message rather than by the compiler.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

HARDEN   = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
WARN     = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla \
           -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CSTD     = -std=c11 -D_GNU_SOURCE
OPT     ?= -O2 -g
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
ifeq ($(SAN),1)
EXTRA_CFLAGS  += $(SAN_FLAGS)
EXTRA_LDFLAGS += $(SAN_FLAGS)
HARDEN   = -fstack-protector-strong -fPIE
endif
ALL_CFLAGS  = $(CSTD) $(OPT) $(WARN) $(HARDEN) -I. $(PKG_CFLAGS) \
              -DVALISE_VERSION='"$(VERSION)"' -MMD -MP $(EXTRA_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(EXTRA_LDFLAGS) $(LDFLAGS)
LIBS        = $(PKG_LIBS) -lm

CRYPTO_SRCS = $(sort $(wildcard crypto/*.c))
KEYS_SRCS   = $(sort $(wildcard keys/*.c))
POLICY_SRCS = $(sort $(wildcard policy/*.c))
# valise-offline holds the commands that need libxml2 or SQLCipher, so
# that valise itself starts without loading them (node/cli.c).
OFFLINE_SRCS= node/cli_offline.c node/cmd_audit.c node/cmd_label.c
CLI_SRCS    = node/cli.c $(filter-out $(OFFLINE_SRCS),$(sort $(wildcard node/cmd_*.c)))
DAEMON_SRCS = $(sort $(wildcard node/daemon*.c))
NODE_SRCS   = $(filter-out $(CLI_SRCS) $(OFFLINE_SRCS) $(DAEMON_SRCS),$(sort $(wildcard node/*.c)))
LIB_SRCS    = $(CRYPTO_SRCS) $(KEYS_SRCS) $(POLICY_SRCS) $(NODE_SRCS)
TEST_SRCS   = $(sort $(wildcard tests/t_*.c))
TEST_SCRIPTS= $(sort $(wildcard tests/*.t))
FUZZ_SRCS   = $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRCS  = $(sort $(wildcard tests/bench/bench_*.c))
TOOL_SRCS   = $(sort $(wildcard tests/tool_*.c))

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
LIB     = $(BUILD)/libvalise.a
VALISE  = $(BUILD)/valise
OFFLINE = $(BUILD)/valise-offline
VALISED = $(BUILD)/valised
TESTS   = $(patsubst tests/%.c,$(BUILD)/tests/%.t,$(TEST_SRCS))
BENCHES = $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
TOOLS   = $(patsubst tests/%.c,$(BUILD)/tests/%,$(TOOL_SRCS))

ALL_OBJS = $(call obj,$(LIB_SRCS) $(CLI_SRCS) $(OFFLINE_SRCS) $(DAEMON_SRCS))

.PHONY: all deps check check-run check-asan check-reliability check-valgrind \
        fuzz fuzz-build fuzz-long bench demo \
        install deb check-deb clean depcheck format-check tests
.DEFAULT_GOAL := all
.SECONDARY:

all: $(VALISE) $(OFFLINE) $(VALISED)

$(BUILD)/.configured: packaging/check-versions.sh
	$(Q)sh packaging/check-versions.sh
	$(Q)mkdir -p $(@D) && touch $@

$(BUILD)/%.o: %.c | $(BUILD)/.configured
	$(call say,CC,$<)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(call obj,$(LIB_SRCS))
	$(call say,AR,$@)rm -f $@
	$(Q)ar rcs $@ $^

# --as-needed: valise loads only the libraries its commands use.
$(VALISE): $(call obj,$(CLI_SRCS)) $(LIB)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -Wl,--as-needed -o $@ $^ $(LIBS)

$(OFFLINE): $(call obj,$(OFFLINE_SRCS)) $(LIB)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(VALISED): $(call obj,$(DAEMON_SRCS)) $(LIB)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%.t: $(BUILD)/tests/%.o $(LIB)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Helper programs the shell tests run (tests/tool_*.c), not tests themselves.
$(BUILD)/tests/tool_%: $(BUILD)/tests/tool_%.o $(LIB)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(LIB)
	$(call say,LD,$@)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

tests: all $(TESTS) $(TOOLS)

# --- tests -------------------------------------------------------------------

deps:
	$(Q)sh packaging/deps.sh

# The test programs and scripts find the binaries through VALISE_BUILD.
check-run: tests
	$(Q)VALISE_BUILD=$(abspath $(BUILD)) VALISE_SRC=$(CURDIR) \
	    $(PROVE) --exec '' $(TESTS) $(TEST_SCRIPTS)

check: deps
	$(Q)$(MAKE) --no-print-directory check-run

# Any sanitizer report aborts the program, so prove sees the failure.
# The instrumented programs run two to three times slower: the tests' waits
# scale by VALISE_SLOW (docs/development.md), as under valgrind.
ASAN_ENV = VALISE_SLOW=$${VALISE_SLOW:-2} \
           ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1 \
           UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
           LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
check-asan: deps
	$(Q)$(ASAN_ENV) $(MAKE) --no-print-directory BUILD=build-asan SAN=1 check-run

# The reliability suite at full size (issue 9): tests/rel_*.t (which
# `make check` runs reduced) and the slow tests/reliability/*.t; one TAP
# line per scenario.  check-valgrind: the whole suite under memcheck.
REL_SCRIPTS = $(sort $(wildcard tests/rel_*.t tests/reliability/*.t))
check-reliability: deps
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)REL_FULL=1 VALISE_BUILD=$(abspath $(BUILD)) VALISE_SRC=$(CURDIR) \
	    $(PROVE) -v --exec '' $(REL_SCRIPTS)

# Slow (see docs/development.md): one run at a time on a shared machine.
check-valgrind: deps
	$(Q)sh packaging/deps.sh --valgrind
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)VALISE_SRC=$(CURDIR) PROVE=$(PROVE) sh tests/valgrind.sh \
	    $(abspath $(BUILD)) $(TESTS) -- $(TEST_SCRIPTS)

# --- fuzzing -----------------------------------------------------------------
# A sub-make rebuilds the library with clang, ASan+UBSan and the fuzzer's
# coverage instrumentation into build-fuzz/; each target links against it.
ifeq ($(FUZZ),1)
EXTRA_CFLAGS  += -fsanitize=fuzzer-no-link
endif

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(LIB)
	$(call say,LD,$@)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build:
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz CC=$(FUZZ_CC) SAN=1 FUZZ=1 \
	    $(patsubst tests/fuzz/%.c,build-fuzz/fuzz/%,$(FUZZ_SRCS))

# New inputs go to a scratch directory; the checked-in corpus is only read.
fuzz: deps
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)set -e; for f in $(patsubst tests/fuzz/%.c,build-fuzz/fuzz/%,$(FUZZ_SRCS)); do \
	    n=$${f##*/}; c=tests/fuzz/corpus/$${n#fuzz_}; \
	    rm -rf build-fuzz/new/$$n; mkdir -p build-fuzz/new/$$n; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS)s on $$c"; \
	    $(ASAN_ENV) $$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 -artifact_prefix=build-fuzz/$$n- \
	        build-fuzz/new/$$n $$c >build-fuzz/$$n.log 2>&1 || \
	        { tail -n 40 build-fuzz/$$n.log; exit 1; }; \
	    grep -h 'stat::number_of_executed_units' build-fuzz/$$n.log; \
	done

# Hours: FUZZ_LONG_SECONDS per target (default 2 h each).
FUZZ_LONG_SECONDS ?= 7200
fuzz-long:
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_LONG_SECONDS)

# --- benchmarks, demo --------------------------------------------------------

bench:
	$(Q)sh packaging/deps.sh --bench
	$(Q)$(MAKE) --no-print-directory OPT='-O2 -g -DNDEBUG' all $(BENCHES)
	$(Q)VALISE_BUILD=$(abspath $(BUILD)) sh tests/bench/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)VALISE_BUILD=$(abspath $(BUILD)) VALISE_SRC=$(CURDIR) sh tests/demo.sh

# --- install, housekeeping ---------------------------------------------------

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(PREFIX)/libexec/valise
	install -m 0755 $(VALISE) $(DESTDIR)$(BINDIR)/valise
	install -m 0755 $(OFFLINE) $(DESTDIR)$(PREFIX)/libexec/valise/
	install -m 0755 $(VALISED) $(DESTDIR)$(SBINDIR)/valised
	if [ -d docs/man ]; then \
	    for p in docs/man/*.[1-8]; do s=$${p##*.}; \
	        install -d $(DESTDIR)$(MANDIR)/man$$s; \
	        install -m 0644 $$p $(DESTDIR)$(MANDIR)/man$$s/; done; fi

# A package from a staged tree (packaging/mkdeb.sh); check-deb installs it
# on this machine and purges it again, so it is a CI step, not part of check.
deb: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh packaging/mkdeb.sh $(BUILD) $(VERSION)

check-deb: deb
	$(Q)sh packaging/deps.sh --deb
	$(Q)VALISE_BUILD=$(abspath $(BUILD)) VALISE_SRC=$(CURDIR) \
	    VALISE_VERSION=$(VERSION) $(PROVE) tests/pkg/deb.t

# Dependencies point down only: crypto and policy never see node or keys.
LOWER_FILES = $(wildcard crypto/*.[ch] keys/*.[ch] policy/*.[ch])
depcheck:
	$(Q)! grep -nE '#include "(node|keys)/' $(filter-out keys/%,$(LOWER_FILES)) /dev/null \
	    || { echo "depcheck: crypto/ or policy/ includes an upper layer" >&2; exit 1; }
	$(Q)! grep -nE '#include "node/' $(LOWER_FILES) /dev/null \
	    || { echo "depcheck: a library layer includes node/" >&2; exit 1; }
	$(Q)! grep -nE '#include "(crypto|keys|node)/|#include <' $(wildcard policy/*.[ch]) /dev/null \
	    | grep -vE '<(ctype|errno|limits|stdbool|stddef|stdint|stdio|stdlib|string)\.h>' \
	    || { echo "depcheck: policy/ must be pure (libc only)" >&2; exit 1; }
	@echo "depcheck: ok"

clean:
	rm -rf build build-asan build-fuzz bench-results.json

-include $(patsubst %.o,%.d,$(ALL_OBJS) $(call obj,$(TEST_SRCS) $(TOOL_SRCS) $(BENCH_SRCS) $(FUZZ_SRCS)))
