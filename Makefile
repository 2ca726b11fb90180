# kroniek -- one Makefile.  `make deps` installs the Debian packages to build and run,
# `make` builds ./kroniek, `make test` runs every test (installing the test tools first
# when one is missing: `make test-deps`), `make bench` the benchmarks, `make fuzz` the
# fuzz targets.  See README.md.

CC       ?= cc
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Wshadow -Wno-unused-parameter -Wno-sign-compare
OPT      ?= -O2 -g
PKGS     := jansson libutf8proc sqlite3 libmicrohttpd libpq
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   += $(CSTD) $(WARN) $(OPT) -Iinclude -Isrc $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lstemmer -lpthread -lm
B        ?= build
BIN      ?= kroniek

# library modules (pipeline order) + optional modules that exist when their issue landed
LIB_SRC  := src/util.c src/text.c src/tok.c src/dict.c src/dictfmt.c src/mention.c src/clause.c src/discourse.c src/trigger.c src/event.c src/tabari_rules.c src/code.c src/read.c src/output.c src/geo.c src/names.c src/plover.c src/eval.c \
            $(wildcard src/store*.c) $(wildcard src/serve*.c)
CLI_SRC  := src/cli.c src/cmd_code.c src/cmd_test.c $(filter-out src/cmd_code.c src/cmd_test.c,$(wildcard src/cmd_*.c))
WEB      := $(sort $(wildcard web/*))
ifdef CORE_ONLY
LIB_SRC  := $(filter-out src/store%.c src/serve%.c,$(LIB_SRC))
CLI_SRC  := $(filter-out src/cmd_store.c src/cmd_serve.c,$(CLI_SRC)) src/stubs/cmd_stubs.c
endif
DATA     := $(sort $(shell find data -type f \( -name '*.actors' -o -name '*.verbs' -o -name 'words.txt' -o -name 'abbrev.txt' -o -name 'sectors.txt' -o -name '*.tsv' \)))
# the geolocation gazetteer (src/geo.c), made once by tools/geo/make.js and committed;
# not *.tsv, which the dictionary loader reads as CAMEO codes
DATA     += $(sort $(wildcard data/geo/*.geo))
SHARED   ?= ../shared

# `make deps`: what building and running need -- a C compiler, make, pkg-config and the
# libraries' headers (their shared libraries come with them); not build-essential, whose
# g++ and dpkg-dev nothing here uses.  About 67 MB to download on Debian 12 (README.md).
DEBIAN_PKGS := gcc make libc6-dev pkg-config libjansson-dev libutf8proc-dev libsqlite3-dev \
	libmicrohttpd-dev libpq-dev libstemmer-dev
# `make test-deps` (and `make test` when one is missing, tests/deps.sh): the test tools --
# a PostgreSQL server (pg.sh), Chromium, Node and npm (browser.sh, with playwright-core
# from npm), Valgrind, clang (fuzz-regress.sh), wrk (serve-load.sh), openssl (TLS in
# serve-abuse.sh), python3, the sqlite3 shell, curl, xz.  About 340 MB more to download.
TEST_PKGS := postgresql valgrind clang python3 chromium nodejs wrk openssl sqlite3 curl xz-utils
# TEST_DEPS=0: `make test` installs nothing
TEST_DEPS ?= 1

.PHONY: all deps test-deps test test-asan test-cases test-seed test-news clean bench fuzz check-dict lib python install uninstall

all: $(BIN)

HDRS := include/kroniek.h $(wildcard src/*.h)

$(B)/.dir:
	mkdir -p $(B)/asan && touch $@

$(B)/embed: tools/embed.c | $(B)/.dir
	$(CC) -O1 -o $@ $<

# dictionaries and web files are compiled into the binary
$(B)/data.c: $(B)/embed $(DATA) $(WEB)
	$(B)/embed $@ $(DATA) $(WEB)

# the page's map (web/countries.json, committed): Natural Earth outlines from npm
# (world-atlas, topojson-client, i18n-iso-countries), made only when the file is missing
WEB := $(sort $(WEB) web/countries.json)
$(B)/data.c: web/countries.json
web/countries.json:
	cd tools/worldmap && npm install --no-audit --no-fund --loglevel=error && node make.js > ../../$@.tmp
	mv $@.tmp $@

$(B)/%.o: src/%.c $(HDRS) | $(B)/.dir
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/stubs/%.o: src/stubs/%.c $(HDRS) | $(B)/.dir
	mkdir -p $(B)/stubs && $(CC) $(CFLAGS) -c -o $@ $<

$(B)/data.o: $(B)/data.c
	$(CC) -O0 -c -o $@ $<

OBJ := $(patsubst src/%.c,$(B)/%.o,$(LIB_SRC) $(CLI_SRC)) $(B)/data.o

$(BIN): $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(LDLIBS)

# sanitizer build (ASan + UBSan) used by `make test`
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
$(B)/asan/%.o: src/%.c $(HDRS) | $(B)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(ASAN_FLAGS) -Iinclude -Isrc $(PKG_CFLAGS) -c -o $@ $<
ASAN_OBJ := $(patsubst src/%.c,$(B)/asan/%.o,$(LIB_SRC) $(CLI_SRC)) $(B)/data.o
$(B)/kroniek-asan: $(ASAN_OBJ)
	$(CC) $(ASAN_FLAGS) -o $@ $(ASAN_OBJ) $(LDLIBS)

# fuzz targets: every tests/fuzz/fuzz_*.c is a libFuzzer target linked with the library
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
FUZZ_LIB := $(filter-out src/cli.c src/cmd_%.c,$(LIB_SRC))
FUZZ_TIME ?= 60
$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) $(HDRS) $(B)/data.c
	mkdir -p $(B)/fuzz
	clang $(CSTD) -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc $(PKG_CFLAGS) -o $@ $< $(FUZZ_LIB) $(B)/data.c $(LDLIBS)
fuzz: $(FUZZ_BIN)
	sh tests/fuzz/run.sh $(FUZZ_TIME)

deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEBIAN_PKGS)

test-deps:
	sh tests/deps.sh install $(TEST_PKGS)

check-dict: $(BIN)
	./kroniek dict check > build/dict-check.txt || (cat build/dict-check.txt; exit 1)
	@tail -4 build/dict-check.txt

test: $(BIN) $(B)/kroniek-asan
	@if [ "$(TEST_DEPS)" != 0 ]; then sh tests/deps.sh ensure $(TEST_PKGS); fi
	sh tests/run.sh

# the bench helper (tests/bench/helper.c: kroniek's sentence split for the TABARI comparison,
# and a small launcher that measures CPU time and peak RSS), linked with the library
BENCH_LIB := $(patsubst src/%.c,$(B)/%.o,$(filter-out src/cli.c src/cmd_%.c,$(LIB_SRC))) $(B)/data.o
$(B)/bench-helper: tests/bench/helper.c $(BENCH_LIB) $(HDRS)
	$(CC) $(CFLAGS) -o $@ $< $(BENCH_LIB) $(LDLIBS)

bench: $(BIN) $(B)/bench-helper
	BENCH_HELPER=$(B)/bench-helper KRONIEK=$(abspath $(BIN)) sh tests/bench/run.sh

# ---- the shared library (libkroniek.so, for python/kroniek and other programs) ----
# The library's modules again with -fPIC in $(B)/pic/, so the program's objects stay as
# they are; the program itself stays statically linked.
VERSION  := $(shell sed -n 's/^\#define KRONIEK_VERSION "\(.*\)"/\1/p' include/kroniek.h)
PIC_OBJ  := $(patsubst src/%.c,$(B)/pic/%.o,$(filter-out src/cli.c src/cmd_%.c,$(LIB_SRC))) $(B)/pic/data.o
$(B)/pic/%.o: src/%.c $(HDRS) | $(B)/.dir
	@mkdir -p $(B)/pic
	$(CC) $(CFLAGS) -fPIC -c -o $@ $<
$(B)/pic/data.o: $(B)/data.c
	@mkdir -p $(B)/pic
	$(CC) -O0 -fPIC -c -o $@ $<
$(B)/libkroniek.so: $(PIC_OBJ)
	$(CC) -shared -Wl,-soname,libkroniek.so.0 -Wl,--no-undefined -o $@ $(PIC_OBJ) $(LDLIBS)
lib python: $(B)/libkroniek.so

# ---- make install / make uninstall (PREFIX, DESTDIR; README.md) ----
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PYTHON     ?= python3
# Debian's python3 looks in /usr/local/lib/python3.N/dist-packages and /usr/lib/python3/dist-packages
PYVER       = $(or $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null),3)
PYTHONDIR  ?= $(if $(filter /usr,$(PREFIX)),$(LIBDIR)/python3/dist-packages,$(LIBDIR)/python$(PYVER)/dist-packages)
PY_FILES   := $(wildcard python/kroniek/*.py)

install: $(BIN) $(B)/libkroniek.so
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PYTHONDIR)/kroniek
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/kroniek
	install -m 755 $(B)/libkroniek.so $(DESTDIR)$(LIBDIR)/libkroniek.so.$(VERSION)
	ln -sf libkroniek.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libkroniek.so.0
	ln -sf libkroniek.so.0 $(DESTDIR)$(LIBDIR)/libkroniek.so
	install -m 644 include/kroniek.h $(DESTDIR)$(INCLUDEDIR)/kroniek.h
	install -m 644 man/kroniek.1 $(DESTDIR)$(MANDIR)/man1/kroniek.1
	install -m 644 $(PY_FILES) $(DESTDIR)$(PYTHONDIR)/kroniek/
	printf '# written by make install\nLIBDIR = %s\n' "'$(LIBDIR)'" > $(DESTDIR)$(PYTHONDIR)/kroniek/_installed.py
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1; then ldconfig || true; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kroniek $(DESTDIR)$(INCLUDEDIR)/kroniek.h $(DESTDIR)$(MANDIR)/man1/kroniek.1
	rm -f $(DESTDIR)$(LIBDIR)/libkroniek.so $(DESTDIR)$(LIBDIR)/libkroniek.so.0 $(DESTDIR)$(LIBDIR)/libkroniek.so.$(VERSION)
	rm -rf $(DESTDIR)$(PYTHONDIR)/kroniek

clean:
	rm -rf $(B) $(BIN)
