# proctrace build: BPF object -> skeleton -> userspace binary, plus tests.
# `make V=1` shows the full commands.
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX := vmlinux/$(ARCH)/vmlinux.h
ifeq ($(wildcard $(VMLINUX)),)
ifeq ($(filter vmlinux deps clean,$(MAKECMDGOALS)),)
$(error no $(VMLINUX) for architecture '$(ARCH)': run 'make vmlinux' on a kernel with BTF)
endif
endif

OUT ?= build
CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# The one version number is the Debian package's, so the two cannot differ.
VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
# Run before every build; debian/rules sets it to `true`, its packages being
# the package's Build-Depends.
DEPS_CHECK ?= scripts/setup-deps.sh

WARN := -Wall -Wextra -Wshadow -Wformat=2
# BPF_PROG() declares a ctx that handlers reading only their arguments leave unused.
BPF_WARN := -Wall -Wextra -Wno-unused-parameter
# cmocka's test functions all take a state they rarely use.
TEST_WARN := $(WARN) -Wno-unused-parameter
CFLAGS ?= -g -O2
CPPFLAGS += -Iinclude -I$(OUT) -D_GNU_SOURCE -DPT_VERSION='"$(VERSION)"'
# What the core objects (src/ but main.c and the live source) link with.
CORE_LIBS := -lcap -lsqlite3 -lncursesw
LDLIBS += -lbpf -lelf -lz $(CORE_LIBS)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# Userspace, one folder per stage of the flow: source/ (kernel or file) ->
# the pipeline -> model/ and write/ -> view/ at the end. main.c and the
# live source (the only files that know the skeleton or the loader) and the
# --version report (features.c, which asks libbpf) are kept apart from the
# pure code that unit tests link.
SRC_DIRS := src src/source src/model src/write src/view
SKEL_SRCS := $(wildcard src/source/loader.c src/source/load.c src/source/loader_read.c src/source/loader_zombies.c src/source/live.c src/source/features.c src/source/map_room.c)
CORE_SRCS := $(filter-out src/main.c $(SKEL_SRCS),$(wildcard $(addsuffix /*.c,$(SRC_DIRS))))
APP_SRCS := src/main.c $(SKEL_SRCS) $(CORE_SRCS)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
WORKLOAD_SRCS := $(wildcard tests/workloads/*.c)

objs = $(patsubst %.c,$(1)/%.o,$(2))
APP_OBJS := $(call objs,$(OUT),$(APP_SRCS))
ASAN_OBJS := $(call objs,$(OUT)/asan,$(APP_SRCS))
CORE_ASAN_OBJS := $(call objs,$(OUT)/asan,$(CORE_SRCS))
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/asan/tests/%,$(UNIT_SRCS))
WORKLOADS := $(patsubst tests/workloads/%.c,$(OUT)/workloads/%,$(WORKLOAD_SRCS))
SKEL := $(OUT)/proctrace.skel.h
BPF_OBJ := $(OUT)/proctrace.bpf.o
# The man page is shipped built (docs/proctrace.8: man reads it without
# pandoc); `make man` makes it again from docs/proctrace.8.md, and
# `make man-check` (part of make test) checks that the two agree.
MAN := docs/proctrace.8
MAN_BUILT := $(OUT)/proctrace.8
COMPLETION := completion/proctrace.bash

# libFuzzer targets over the replay reader (tests/fuzz/), and the same
# harnesses as plain programs that replay saved inputs under gcc's ASan.
FUZZ_TARGETS := fuzz_replay_csv fuzz_replay_json fuzz_shell_words
FUZZ_S ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJS := $(call objs,$(OUT)/fuzz,$(CORE_SRCS))
FUZZ_BINS := $(addprefix $(OUT)/fuzz/bin/,$(FUZZ_TARGETS))
FUZZ_REGRESS_BINS := $(addprefix $(OUT)/asan/fuzz/,$(FUZZ_TARGETS))

.PHONY: all deps vmlinux test unit readme-check docs-check completion-test integration \
	check-asan demo man install uninstall install-test deb deb-test clean format lint workloads bench \
	bench-replay fuzz fuzz-deps fuzz-regress check-valgrind stress check-kernels man-check compare

all: deps $(OUT)/proctrace

# Installs missing Debian packages (needs root only when something is missing).
# Every compile waits for it (order-only), so `make -j` on a fresh machine
# does not race the installation of the headers it needs.
deps:
	$(Q)$(DEPS_CHECK)

$(BPF_OBJ): bpf/proctrace.bpf.c $(wildcard bpf/*.h) include/proctrace/event.h include/proctrace/sched.h include/proctrace/filter_rules.h $(VMLINUX) | $(OUT) deps
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) $(BPF_WARN) \
		-Iinclude -Ivmlinux/$(ARCH) -c $< -o $@
	$(Q)llvm-strip -g $@ 2>/dev/null || true

$(SKEL): $(BPF_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name proctrace_bpf > $@

$(OUT)/%.o: %.c $(wildcard include/proctrace/*.h src/*/*.h) | $(OUT) deps
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@

$(OUT)/asan/%.o: %.c $(wildcard include/proctrace/*.h src/*/*.h) | $(OUT) deps
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -g -O1 $(SAN) $(WARN) -c $< -o $@

# Objects that include the skeleton wait for it.
$(call objs,$(OUT),src/main.c $(SKEL_SRCS)) $(call objs,$(OUT)/asan,src/main.c $(SKEL_SRCS)): $(SKEL)

$(OUT)/proctrace: $(APP_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/asan/proctrace: $(ASAN_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN) $^ $(LDLIBS) -o $@

# A unit test is built again when a fixture header of tests/unit/ changes.
$(OUT)/asan/tests/%: tests/unit/%.c $(CORE_ASAN_OBJS) $(wildcard tests/unit/*.h)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -g -O1 $(SAN) $(TEST_WARN) $(filter-out %.h,$^) -lcmocka $(CORE_LIBS) -o $@

$(OUT)/workloads/%: tests/workloads/%.c $(wildcard tests/workloads/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -g -O2 -Wall -Wextra -D_GNU_SOURCE $< -lpthread -o $@

workloads: $(WORKLOADS)

fuzz-deps:
	$(Q)scripts/setup-deps.sh libclang-rt-14-dev

$(OUT)/fuzz/%.o: %.c $(wildcard include/proctrace/*.h src/*/*.h) | $(OUT) deps fuzz-deps
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(WARN) -c $< -o $@

$(OUT)/fuzz/bin/%: tests/fuzz/%.c tests/fuzz/replay_harness.h $(FUZZ_OBJS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) -Isrc/source -g -O1 -fsanitize=fuzzer $(FUZZ_SAN) $(TEST_WARN) \
		$< $(FUZZ_OBJS) $(CORE_LIBS) -o $@

$(OUT)/asan/fuzz/%: tests/fuzz/%.c tests/fuzz/run_inputs.c tests/fuzz/replay_harness.h $(CORE_ASAN_OBJS)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Isrc/source -g -O1 $(SAN) $(TEST_WARN) $< tests/fuzz/run_inputs.c \
		$(CORE_ASAN_OBJS) $(CORE_LIBS) -o $@

# The unit tests without sanitizers, for valgrind (which cannot run ASan's).
VG_OBJS := $(call objs,$(OUT)/valgrind,$(CORE_SRCS))
VG_UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/valgrind/tests/%,$(UNIT_SRCS))
# Kept between runs (make would delete them as intermediate files).
.SECONDARY: $(FUZZ_OBJS) $(VG_OBJS)

$(OUT)/valgrind/%.o: %.c $(wildcard include/proctrace/*.h src/*/*.h) | $(OUT) deps
	$(call msg,CC-VG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -g -O1 $(WARN) -c $< -o $@

$(OUT)/valgrind/tests/%: tests/unit/%.c $(VG_OBJS) $(wildcard tests/unit/*.h)
	$(call msg,TEST-VG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -g -O1 $(TEST_WARN) $(filter-out %.h,$^) -lcmocka $(CORE_LIBS) -o $@

check-valgrind: deps $(VG_UNIT_BINS) $(OUT)/proctrace
	$(Q)scripts/setup-deps.sh valgrind
	$(Q)scripts/check-valgrind.sh $(OUT)

# Each target for its share of FUZZ_S seconds; executions and coverage printed.
fuzz: deps fuzz-deps $(FUZZ_BINS)
	$(Q)scripts/fuzz.sh $(OUT) $(FUZZ_S) $(FUZZ_TARGETS)

# The seed corpus and every input that once crashed a target, replayed.
fuzz-regress: deps $(FUZZ_REGRESS_BINS)
	$(Q)fail=0; for t in $(FUZZ_TARGETS); do \
		$(OUT)/asan/fuzz/$$t $$(find tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t \
			-type f 2>/dev/null | sort) || fail=1; done; exit $$fail

$(OUT):
	$(Q)mkdir -p $@

# Unit tests run under AddressSanitizer and UndefinedBehaviorSanitizer.
unit: deps $(UNIT_BINS)
	$(Q)fail=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; $$t || fail=1; done; exit $$fail

# Integration tests load the real BPF programs: they need root, and the
# tracer under test is the sanitized build.
integration: deps $(OUT)/asan/proctrace $(OUT)/proctrace $(WORKLOADS)
	$(Q)PROCTRACE=$(OUT)/asan/proctrace WORKLOADS=$(OUT)/workloads \
		python3 tests/integration/run.py

# README.md's column table is what the program prints (--columns).
readme-check: $(OUT)/proctrace
	$(Q)python3 tests/integration/check_readme.py $(OUT)/proctrace README.md

# Every option of --help and every event kind of --columns is in the man
# page and the README, and their example commands (and --help's) still
# parse (--dry-run); docs/clickhouse.sql's columns are --columns'; every
# relative link of the README and docs/ leads to a file and a heading there.
docs-check: $(OUT)/proctrace
	$(Q)python3 tests/integration/check_options.py $(OUT)/proctrace docs/proctrace.8.md README.md
	$(Q)python3 tests/integration/check_links.py README.md docs/*.md
	$(Q)python3 tests/integration/clickhouse_sql.py $(OUT)/proctrace docs/clickhouse.sql

completion-test: $(OUT)/proctrace
	$(Q)PROCTRACE=$(OUT)/proctrace bash tests/package/test_completion.bash $(COMPLETION)

install-test: $(OUT)/proctrace $(MAN)
	$(Q)tests/package/test_install.sh

test: unit fuzz-regress readme-check docs-check man-check completion-test install-test integration \
	deb-test
check-asan: test

# The kernel matrix (scripts/kernels/matrix): Debian's packaged kernels booted
# under QEMU, the option sets loaded and the fact tests run in each; writes
# $(OUT)/kernels/report.md. KERNELS="6.1 sid" runs some lines only. docs/kernels.md.
check-kernels: deps $(OUT)/proctrace $(WORKLOADS)
	$(Q)OUT=$(OUT) scripts/kernels/check.sh $(KERNELS)

demo: deps $(OUT)/proctrace $(OUT)/workloads/demo
	$(Q)scripts/demo.sh $(OUT)/proctrace $(OUT)/workloads/demo

# Benchmark: slowdown ratios against the untraced machine and peer tools;
# prints a table and writes bench/results.md.
# The drivers link the core objects the Makefile builds (not a search of
# $(OUT), which may hold objects of sources since removed).
BENCH_ENV = OUT=$(OUT) BENCH_CORE_OBJS="$(APP_CORE_OBJS)"
APP_CORE_OBJS = $(call objs,$(OUT),$(CORE_SRCS))

bench: deps $(OUT)/proctrace
	$(Q)$(BENCH_ENV) bench/run.sh $(OUT)/proctrace

# Load held: 60-second storms (STRESS_S=) at full rate under proctrace at
# its defaults; fails when the loss counts disagree or RSS grows.
$(OUT)/bench/ptstorm: bench/storm.c | $(OUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 $(WARN) -D_GNU_SOURCE $< -lpthread -o $@

$(OUT)/bench/ptnop: bench/nop.c | $(OUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -static $< -o $@ 2>/dev/null || $(CC) -O2 $< -o $@

stress: deps $(OUT)/proctrace $(OUT)/bench/ptstorm $(OUT)/bench/ptnop
	$(Q)python3 bench/stress.py $(OUT)/proctrace $(OUT)/bench

# Side by side with forkstat, libbpf-tools (execsnoop, exitsnoop, sigsnoop,
# killsnoop), htop and strace -f on one shell workload (root): raw outputs
# and the capability table in $(OUT)/compare. docs/comparison.md.
compare: deps $(OUT)/proctrace $(OUT)/workloads/threads
	$(Q)scripts/setup-deps.sh forkstat libbpf-tools htop strace procps
	$(Q)bench/compare/run.sh $(OUT)/proctrace $(OUT)/workloads/threads $(OUT)/compare
	$(Q)python3 bench/compare/table.py $(OUT)/compare

# Only the replay speed (a 1,000,000-row capture, CSV and JSON Lines) and
# the writers' cost per event: no BPF, no root; writes bench/results-replay.md.
bench-replay: deps $(OUT)/proctrace
	$(Q)BENCH_ONLY=replay $(BENCH_ENV) bench/run.sh $(OUT)/proctrace


# The man page: Markdown converted by pandoc, its COLUMNS section filled
# from the program's own table (--columns), into $(MAN_BUILT); `make man`
# puts it in the tree.
man: $(MAN_BUILT)
	$(Q)cp $(MAN_BUILT) $(MAN)

man-check: $(MAN_BUILT)
	$(Q)diff -u $(MAN) $(MAN_BUILT) >/dev/null || { diff -u $(MAN) $(MAN_BUILT) | head -20; \
		echo "man-check: $(MAN) is not what docs/proctrace.8.md makes: run make man" >&2; \
		exit 1; }
	$(Q)w=$$(MANWIDTH=80 man --warnings -l $(MAN) 2>&1 >/dev/null); [ -z "$$w" ] || \
		{ echo "man-check: man -l $(MAN): $$w" >&2; exit 1; }
	$(Q)echo "man-check: $(MAN) is what docs/proctrace.8.md makes, and man reads it"

$(MAN_BUILT): docs/proctrace.8.md scripts/columns-man.awk $(OUT)/proctrace debian/changelog
	$(call msg,MAN,$@)
	$(Q)$(OUT)/proctrace --columns | awk -f scripts/columns-man.awk > $@.columns.md
	$(Q)sed -e '/^<!-- proctrace --columns -->$$/{r $@.columns.md' -e 'd;}' $< | \
		pandoc -f markdown -t man -s -M hyphenate=false \
		-M footer='proctrace $(VERSION)' -o $@
	$(Q)rm -f $@.columns.md

# The binary needs only libbpf, libelf and zlib at run time: the BPF object
# is inside it (the skeleton).
install: $(OUT)/proctrace $(MAN)
	install -D -m 0755 $(OUT)/proctrace $(DESTDIR)$(PREFIX)/bin/proctrace
	install -D -m 0644 $(MAN) $(DESTDIR)$(MANDIR)/man8/proctrace.8
	install -D -m 0644 $(COMPLETION) $(DESTDIR)$(BASHCOMPDIR)/proctrace

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/proctrace $(DESTDIR)$(MANDIR)/man8/proctrace.8 \
		$(DESTDIR)$(BASHCOMPDIR)/proctrace

# The Debian package, built by debhelper from a copy of this tree (so
# nothing is written beside it); the .deb lands in $(OUT)/deb.
DEB_DIR := $(OUT)/deb
DEB_ARCH = $(shell dpkg --print-architecture)
DEB := $(DEB_DIR)/proctrace_$(VERSION)_$(DEB_ARCH).deb

deb: deps
	$(call msg,DEB,$(DEB))
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/proctrace-$(VERSION)
	$(Q)tar -c --exclude-vcs --exclude=./$(OUT) --exclude=__pycache__ . | \
		tar -x -C $(DEB_DIR)/proctrace-$(VERSION)
	$(Q)cd $(DEB_DIR)/proctrace-$(VERSION) && \
		dpkg-buildpackage -b -us -uc > ../build.log 2>&1 || \
		{ tail -40 ../build.log; echo "make deb: failed, see $(DEB_DIR)/build.log" >&2; exit 1; }
	$(Q)test -f $(DEB)

# Builds the package, installs it with dpkg, runs the installed binary,
# removes it and checks that nothing of it is left (root).
deb-test: deb
	$(Q)python3 tests/package/test_deb.py $(DEB)

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX).tmp
	mv $(VMLINUX).tmp $(VMLINUX)

format:
	clang-format -i bpf/*.c bpf/*.h $(addsuffix /*.c,$(SRC_DIRS)) $(wildcard src/*/*.h) include/proctrace/*.h \
		tests/unit/*.c tests/workloads/*.c

# The generated skeleton (in the loader's files) trips the analyzer's leak
# check on bpftool's own code: that one check is off for them.
LOADER_SRCS := src/source/loader.c src/source/load.c src/source/loader_read.c
lint: $(SKEL)
	clang-tidy --quiet $(filter-out $(LOADER_SRCS),$(APP_SRCS)) -- $(CPPFLAGS)
	clang-tidy --quiet --checks=-clang-analyzer-unix.Malloc $(LOADER_SRCS) -- $(CPPFLAGS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--suppress=missingIncludeSystem $(CPPFLAGS) src tests/unit

clean:
	rm -rf $(OUT)
