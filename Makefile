# typosentry — build, test, demo, install.
#
#   make            build ./typosentry
#   make check      install missing dependencies, build, run every test
#                   (unit, end-to-end, tshark oracle, schema, and the same
#                   suites again under AddressSanitizer + UBSan)
#   make demo       replay pcaps/demo.pcap with the default configuration,
#                   one readable line per alert
#   make install    PREFIX=/usr/local DESTDIR= (binary, man page, default
#                   configuration, systemd units, logrotate snippet)
#   make asan       build build/asan/typosentry with sanitizers
#   make fuzz       build the libFuzzer targets of tests/fuzz with clang and
#                   run each for FUZZ_SECONDS (default 20) from its corpus
#   make lint       cppcheck and clang-tidy (scripts/lint.sh)
#   make clean

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SYSCONFDIR ?= $(PREFIX)/etc
MANDIR	?= $(PREFIX)/share/man
UNITDIR	?= $(PREFIX)/lib/systemd/system
LOGROTATEDIR ?= $(SYSCONFDIR)/logrotate.d
LOGDIR	?= /var/log/typosentry
RUNDIR	?= /run/typosentry
DESTDIR	?=

CC	?= cc
PKGS	 = libpcap ldns yaml-0.1 libpsl libidn2 icu-uc icu-i18n hiredis
WARN	 = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wcast-qual \
	   -Wstrict-prototypes -Wmissing-prototypes
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) \
	   $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS	 = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread

SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=undefined

# Everything but main.c goes into a library the tests link against.
LIB_SRCS = $(wildcard decoders/*.c) $(wildcard rules/*.c) \
	   $(filter-out sensor/main.c,$(wildcard sensor/*.c))
HDRS	 = $(wildcard decoders/*.h decoders/*.def rules/*.h sensor/*.h sensor/*.def)
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)

B	 = build
OBJS	 = $(LIB_SRCS:%.c=$(B)/obj/%.o)
ASAN_OBJS = $(LIB_SRCS:%.c=$(B)/asan/%.o)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
ASAN_UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(B)/asan/tests/%)
# Each fuzz target three ways: with libFuzzer (clang), and with the replay
# main() of tests/fuzz/replay.c, plain and sanitized (gcc), for make check.
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/fuzz/%)
REPLAY_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/replay/%)
ASAN_REPLAY_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/asan/replay/%)

.PHONY: all check demo install clean asan deps test-deps unit e2e bench bench-deps \
	fuzz fuzz-deps fuzz-build replay lint

all: typosentry

deps:
	@sh scripts/install-deps.sh --build

test-deps:
	@sh scripts/install-deps.sh --test

$(B)/default_config.c: etc/typosentry.yaml scripts/embed.sh
	@mkdir -p $(@D)
	sh scripts/embed.sh $< default_config_yaml > $@

# The sensor's own objects are compiled for link-time optimisation too
# (fat objects: the tests link them without it).  Across files, the
# decoders, the DNS outline and the rules inline into the packet loop:
# about 4% less CPU on the capture benchmark.
LTO	?= -flto=auto -ffat-lto-objects

$(B)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LTO) -c -o $@ $<

$(B)/asan/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

# The built-in configuration is in the library too: it holds the defaults
# of every key a user's file leaves out (rules/config.c).
$(B)/libtyposentry.a: $(OBJS) $(B)/obj/default_config.o
	$(AR) rcs $@ $^

$(B)/asan/libtyposentry.a: $(ASAN_OBJS) $(B)/asan/default_config.o
	$(AR) rcs $@ $^

typosentry: $(B)/obj/sensor/main.o $(B)/obj/default_config.o $(B)/libtyposentry.a
	$(CC) $(ALL_CFLAGS) $(LTO) -o $@ $^ $(LIBS)

$(B)/obj/default_config.o: $(B)/default_config.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-variable-declarations -c -o $@ $<

$(B)/asan/default_config.o: $(B)/default_config.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/asan/typosentry: $(B)/asan/sensor/main.o $(B)/asan/default_config.o $(B)/asan/libtyposentry.a
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LIBS)

asan: $(B)/asan/typosentry

$(B)/tests/%: tests/unit/%.c $(B)/libtyposentry.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libtyposentry.a $(LIBS) -lcmocka

$(B)/asan/tests/%: tests/unit/%.c $(B)/asan/libtyposentry.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $< $(B)/asan/libtyposentry.a $(LIBS) -lcmocka

unit: $(UNIT_BINS) $(ASAN_UNIT_BINS)

FUZZ_HDRS = tests/fuzz/fuzz.h tests/fuzz/fuzz_model.h

$(B)/replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(FUZZ_HDRS) $(B)/obj/default_config.o $(B)/libtyposentry.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DFUZZ_REPLAY -o $@ $< tests/fuzz/replay.c \
	    $(B)/obj/default_config.o $(B)/libtyposentry.a $(LIBS)

$(B)/asan/replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(FUZZ_HDRS) $(B)/asan/default_config.o $(B)/asan/libtyposentry.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -DFUZZ_REPLAY -o $@ $< tests/fuzz/replay.c \
	    $(B)/asan/default_config.o $(B)/asan/libtyposentry.a $(LIBS)

replay: $(REPLAY_BINS) $(ASAN_REPLAY_BINS)

# libFuzzer: the library is compiled with clang and coverage
# instrumentation, the target linked with libFuzzer's main().
FUZZ_CC	 = clang
FUZZ_SAN = -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
	   -fsanitize=address,undefined
FUZZ_OBJS = $(LIB_SRCS:%.c=$(B)/fuzz/obj/%.o)
FUZZ_SECONDS ?= 20

$(B)/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

$(B)/fuzz/default_config.o: $(B)/default_config.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -c -o $@ $<

$(B)/fuzz/libtyposentry.a: $(FUZZ_OBJS) $(B)/fuzz/default_config.o
	$(AR) rcs $@ $^

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_HDRS) $(B)/fuzz/default_config.o $(B)/fuzz/libtyposentry.a
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< \
	    $(B)/fuzz/default_config.o $(B)/fuzz/libtyposentry.a $(LIBS)

fuzz-deps:
	@sh scripts/install-deps.sh --fuzz

fuzz-build: $(FUZZ_BINS)

# make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="fuzz_dns fuzz_smtp"]: each
# target from its corpus for N seconds; new inputs go to build/fuzz/work,
# crashes to build/fuzz/crashes (tests/fuzz/README.md says what to do).
fuzz: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

lint:
	@sh scripts/lint.sh

# `make check` first installs what is missing, then builds in a second make
# so that pkg-config sees the freshly installed libraries.
check: test-deps
	@$(MAKE) --no-print-directory typosentry $(B)/asan/typosentry unit replay
	@sh tests/run.sh

# make bench: the typo model's detection benchmark (recall against dnstwist
# and the one-edit space, false alarms on the benign list) and its speed
# with 10,000 protected domains; the capture benchmarks; and policyd's
# decisions per second and latency with 50 connections.
bench-deps:
	@sh scripts/install-deps.sh --bench

$(B)/match_bench: bench/match_bench.c $(B)/libtyposentry.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libtyposentry.a $(LIBS)

# The capture benchmark: generated captures (seeded, deterministic) and a
# bare libpcap read loop, the floor typosentry is measured against.
$(B)/bench/gen_capture: bench/gen_capture.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $<

$(B)/bench/policy_bench: bench/policy_bench.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $<

$(B)/bench/floor: bench/floor.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(shell pkg-config --libs libpcap 2>/dev/null)

$(B)/bench/capture-%mb.pcap: $(B)/bench/gen_capture
	$(B)/bench/gen_capture $@ $* 6 ../shared/data/benign-domains.txt

# The same traffic as a cloud mirror delivers it, inside VXLAN.
$(B)/bench/capture-vxlan-%mb.pcap: $(B)/bench/gen_capture
	$(B)/bench/gen_capture --vxlan $@ $* 6 ../shared/data/benign-domains.txt

# The 500 MB capture only with 2 GB free (it stays in build/bench).
BENCH_CAPS = $(B)/bench/capture-50mb.pcap $(B)/bench/capture-500mb.pcap \
	     $(B)/bench/capture-vxlan-50mb.pcap

bench: bench-deps
	@$(MAKE) --no-print-directory typosentry $(B)/match_bench $(B)/bench/gen_capture \
		$(B)/bench/floor
	@echo "== machine: $$(nproc) cores, $$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	/usr/bin/python3 bench/detect.py ./typosentry
	$(B)/match_bench 10000 3
	@$(MAKE) --no-print-directory $(B)/bench/capture-50mb.pcap \
		$(B)/bench/capture-vxlan-50mb.pcap
	@if [ -s $(B)/bench/capture-500mb.pcap ] || \
	    [ "$$(df -Pk $(B)/bench | awk 'NR == 2 { print $$4 }')" -gt 2000000 ]; then \
		$(MAKE) --no-print-directory $(B)/bench/capture-500mb.pcap; \
	else echo "bench: less than 2 GB free, no 500 MB capture"; fi
	/usr/bin/python3 bench/run.py ./typosentry $(B)/bench/floor \
		$$(for f in $(BENCH_CAPS); do [ -s $$f ] && echo $$f; done)
	/usr/bin/python3 bench/live_rate.py ./typosentry $(B)/bench/floor \
		$(B)/bench/capture-50mb.pcap
	@if [ $$(nproc) -ge 2 ]; then \
		/usr/bin/python3 bench/workers.py ./typosentry \
		    $$(for f in $(B)/bench/capture-50mb.pcap $(B)/bench/capture-500mb.pcap; \
		    do [ -s $$f ] && echo $$f; done | tail -1); \
	else echo "bench: one CPU, no workers measurement"; fi
	@$(MAKE) --no-print-directory $(B)/bench/policy_bench
	/usr/bin/python3 bench/policy_rate.py ./typosentry $(B)/bench/policy_bench

demo: deps
	@$(MAKE) --no-print-directory typosentry
	./typosentry --format line -r pcaps/demo.pcap

# The unit file and the logrotate snippet name the installed paths.
SUBST	 = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	       -e 's|@LOGDIR@|$(LOGDIR)|g' -e 's|@RUNDIR@|$(RUNDIR)|g'

install: typosentry
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/typosentry \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(LOGROTATEDIR)
	install -m 0755 typosentry $(DESTDIR)$(BINDIR)/typosentry
	install -m 0644 etc/typosentry.yaml $(DESTDIR)$(SYSCONFDIR)/typosentry/typosentry.yaml
	install -m 0644 man/typosentry.8 $(DESTDIR)$(MANDIR)/man8/typosentry.8
	$(SUBST) etc/typosentry.service.in > $(DESTDIR)$(UNITDIR)/typosentry.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/typosentry.service
	$(SUBST) etc/typosentry-policyd.service.in > $(DESTDIR)$(UNITDIR)/typosentry-policyd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/typosentry-policyd.service
	$(SUBST) etc/logrotate.d/typosentry.in > $(DESTDIR)$(LOGROTATEDIR)/typosentry
	chmod 0644 $(DESTDIR)$(LOGROTATEDIR)/typosentry

clean:
	rm -rf $(B) typosentry
