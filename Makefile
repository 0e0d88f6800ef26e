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
VERSION := 0.1.0

WARN := -Wall -Wextra -Wshadow -Wformat=2
# BPF_PROG() declares a ctx that handlers reading only their arguments leave unused.
BPF_WARN := -Wall -Wextra -Wno-unused-parameter
# cmocka's test functions all take a state they rarely use.
TEST_WARN := $(WARN) -Wno-unused-parameter
CFLAGS ?= -g -O2
CPPFLAGS += -Iinclude -I$(OUT) -D_GNU_SOURCE -DPT_VERSION='"$(VERSION)"'
LDLIBS += -lbpf -lelf -lz -lcap
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
# live source (the only files that know the skeleton or the loader) are kept
# apart from the pure code that unit tests link.
SRC_DIRS := src src/source src/model src/write src/view
SKEL_SRCS := $(wildcard src/source/loader.c src/source/live.c)
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

.PHONY: all deps vmlinux test unit readme-check integration check-asan demo install clean format lint workloads bench stress

all: deps $(OUT)/proctrace

# Installs missing Debian packages (needs root only when something is missing).
# Every compile waits for it (order-only), so `make -j` on a fresh machine
# does not race the installation of the headers it needs.
deps:
	$(Q)scripts/setup-deps.sh

$(BPF_OBJ): bpf/proctrace.bpf.c $(wildcard bpf/*.h) include/proctrace/event.h $(VMLINUX) | $(OUT) deps
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
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/asan/proctrace: $(ASAN_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN) $^ $(LDLIBS) -o $@

$(OUT)/asan/tests/%: tests/unit/%.c $(CORE_ASAN_OBJS)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -g -O1 $(SAN) $(TEST_WARN) $^ -lcmocka -lcap -o $@

$(OUT)/workloads/%: tests/workloads/%.c $(wildcard tests/workloads/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -g -O2 -Wall -Wextra -D_GNU_SOURCE $< -lpthread -o $@

workloads: $(WORKLOADS)

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

test: unit readme-check integration
check-asan: test

demo: deps $(OUT)/proctrace $(OUT)/workloads/demo
	$(Q)scripts/demo.sh $(OUT)/proctrace $(OUT)/workloads/demo

# Benchmark: slowdown ratios against the untraced machine and peer tools;
# prints a table and writes bench/results.md.
bench: deps $(OUT)/proctrace
	$(Q)OUT=$(OUT) bench/run.sh $(OUT)/proctrace

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

install: $(OUT)/proctrace
	install -D -m 0755 $(OUT)/proctrace $(DESTDIR)$(PREFIX)/bin/proctrace

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX).tmp
	mv $(VMLINUX).tmp $(VMLINUX)

format:
	clang-format -i bpf/*.c bpf/*.h $(addsuffix /*.c,$(SRC_DIRS)) $(wildcard src/*/*.h) include/proctrace/*.h \
		tests/unit/*.c tests/workloads/*.c

# The generated skeleton (in loader.c) trips the analyzer's leak check on
# bpftool's own code: that one check is off for loader.c.
lint: $(SKEL)
	clang-tidy --quiet $(filter-out src/source/loader.c,$(APP_SRCS)) -- $(CPPFLAGS)
	clang-tidy --quiet --checks=-clang-analyzer-unix.Malloc src/source/loader.c -- $(CPPFLAGS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--suppress=missingIncludeSystem $(CPPFLAGS) src tests/unit

clean:
	rm -rf $(OUT)
