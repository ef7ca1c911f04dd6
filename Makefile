# Stockade: plain GNU Makefile.
#
#   make            install missing Debian packages, build build/bin/stockade,
#                   build/bin/stockade-pool, build/bin/stockade-fcgi and
#                   build/bin/stockade-judge (what `stockade judge` runs)
#   make test       the same, then every test through prove (TAP)
#   make asan       build with AddressSanitizer + UBSan into build/asan, run the tests
#   make bench      benchmarks (tests/bench): figures and ratios, never pass/fail
#   make run        build, start the whole stack in the foreground (Ctrl-C stops it)
#   make install    install the binaries, config and snippets (see README.md)

BUILD   ?= build
BIN     := $(BUILD)/bin
# plain `make` builds the binaries (the first rule below is a dependency line)
.DEFAULT_GOAL := all
OBJ     := $(BUILD)/obj
PREFIX  ?= /usr/local
CC      ?= gcc
PKGS    := libseccomp jansson
# linked dynamically always: Debian's security updates of the XML parser and the
# memcached client apply without rebuilding
DYN_PKGS := libxml-2.0 libmemcached
# stockade-fcgi only: the FastCGI library and libcrypto (SHA-256 of keys and code)
FCGI_LIBS = -lfcgi $(shell pkg-config --libs libcrypto)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral
HARDEN  := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS  ?= -O2 -g
SAN     ?=
# Deferred (=): pkg-config runs after build/deps.sh has installed the libraries.
ALL_CFLAGS = -std=gnu11 $(WARN) $(HARDEN) $(CFLAGS) $(SAN) -iquote sandbox -iquote conf -iquote fcgi \
             $(shell pkg-config --cflags $(PKGS) $(DYN_PKGS))
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(SAN) $(LDFLAGS)
# libseccomp and jansson are linked statically by default: `stockade run` starts once
# per program, and loading two shared objects costs ~0.2 ms of a ~20 ms run. With
# STATIC_DEPS=0 they are linked dynamically, so Debian's updates of them apply without
# rebuilding Stockade.
STATIC_DEPS ?= 1
ifeq ($(STATIC_DEPS),1)
LDLIBS  = -Wl,-Bstatic $(shell pkg-config --libs $(PKGS)) -Wl,-Bdynamic
else
LDLIBS  = $(shell pkg-config --libs $(PKGS))
endif
LDLIBS += $(shell pkg-config --libs $(DYN_PKGS)) -lpthread

# The sandbox library: everything but the command's main.
SBX_SRC := sandbox/buf.c sandbox/cell.c sandbox/cgroup.c sandbox/check.c sandbox/filter.c \
           sandbox/lang.c sandbox/limit.c sandbox/result.c sandbox/run.c sandbox/slot.c \
           sandbox/util.c sandbox/compare.c sandbox/spare.c sandbox/judge.c sandbox/judge_cli.c sandbox/pool_judge.c \
           sandbox/client.c sandbox/proto.c sandbox/pool_dir.c sandbox/warm.c sandbox/runners.c \
           conf/conf.c conf/schema.c
SBX_OBJ := $(SBX_SRC:%.c=$(OBJ)/%.o)

# The web service's library: everything in fcgi/ but the daemon's main.
API_SRC := $(filter-out fcgi/main.c,$(wildcard fcgi/*.c))
API_OBJ := $(API_SRC:%.c=$(OBJ)/%.o)

# Files compiled into the binaries with .incbin: the config schema and the runners.
$(OBJ)/conf/schema.o: conf/stockade.rng
$(OBJ)/sandbox/runners.o: $(wildcard sandbox/runners/*.py sandbox/runners/*.js sandbox/runners/*.sh)

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BIN)/tests/%)

# Every test prove runs: compiled unit tests and executable scripts, each printing TAP.
TESTS = $(UNIT_BIN) $(sort $(wildcard tests/cli/*.t)) $(sort $(wildcard tests/security/*.t)) \
        $(sort $(wildcard tests/judge/*.t)) $(sort $(wildcard tests/pool/*.t)) \
        $(sort $(wildcard tests/api/*.t))

.PHONY: all deps test asan bench run install clean
.DELETE_ON_ERROR:
# keep the unit tests' objects (make would delete them as intermediates)
.SECONDARY:

all: $(BIN)/stockade $(BIN)/stockade-pool $(BIN)/stockade-fcgi $(BIN)/stockade-judge

deps:
	@build/deps.sh

$(OBJ)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(OBJ)/libsbx.a: $(SBX_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/stockade: $(OBJ)/sandbox/stockade.o $(OBJ)/libsbx.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# `stockade judge` execs it: the judge reads conf/stockade.xml (libxml2), which
# `stockade run` must not load on every start
$(BIN)/stockade-judge: $(OBJ)/sandbox/judge_tool.o $(OBJ)/libsbx.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/stockade-pool: $(OBJ)/sandbox/pool.o $(OBJ)/libsbx.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(OBJ)/libapi.a: $(API_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/stockade-fcgi: $(OBJ)/fcgi/main.o $(OBJ)/libapi.a $(OBJ)/libsbx.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS) $(FCGI_LIBS)

$(BIN)/tests/%: $(OBJ)/tests/unit/%.o $(OBJ)/libapi.a $(OBJ)/libsbx.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS) $(FCGI_LIBS)

$(OBJ)/tests/unit/%.o: ALL_CFLAGS += -iquote tests/unit

test: all $(UNIT_BIN)
	STOCKADE_BIN=$(abspath $(BIN))/stockade STOCKADE_BIN_DIR=$(abspath $(BIN)) prove --exec '' $(TESTS)

asan:
	$(MAKE) BUILD=build/asan CFLAGS="-O1 -g" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		test

bench: all
	@STOCKADE_DEPS_BENCH=1 build/deps.sh
	STOCKADE_BIN=$(abspath $(BIN))/stockade tests/bench/oneshot
	STOCKADE_BIN=$(abspath $(BIN))/stockade tests/bench/pool
	STOCKADE_BIN=$(abspath $(BIN))/stockade tests/bench/http
	STOCKADE_BIN=$(abspath $(BIN))/stockade tests/bench/judge

run: all
	@build/run.sh

# Binaries under $(PREFIX)/bin; the example config (kept if one is there), the nginx,
# syslog-ng and memcached snippets and the systemd units under $(PREFIX)/share/stockade,
# the pages nginx serves under $(PREFIX)/share/stockade/www. The snippets are not
# activated: see README.md, "Running it as a service".
SHARE := $(DESTDIR)$(PREFIX)/share/stockade
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/www $(SHARE)/nginx $(SHARE)/syslog-ng \
		$(SHARE)/systemd $(DESTDIR)/etc/stockade
	install -m 0755 $(BIN)/stockade $(BIN)/stockade-pool $(BIN)/stockade-fcgi $(BIN)/stockade-judge \
		$(DESTDIR)$(PREFIX)/bin/
	install -m 0644 www/index.html $(SHARE)/www/
	install -m 0644 conf/nginx/stockade.conf $(SHARE)/nginx/
	install -m 0644 conf/syslog-ng/stockade.conf conf/syslog-ng/seal.conf $(SHARE)/syslog-ng/
	install -m 0644 conf/systemd/*.service $(SHARE)/systemd/
	install -m 0644 conf/memcached.conf conf/stockade.rng $(SHARE)/
	[ -e $(DESTDIR)/etc/stockade/stockade.xml ] || \
		install -m 0640 conf/stockade.xml $(DESTDIR)/etc/stockade/stockade.xml

clean:
	rm -rf build/bin build/obj build/asan

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
