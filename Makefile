# kroniek -- one Makefile.  `make deps` installs the Debian packages, `make` builds
# ./kroniek, `make test` runs every test, `make bench` the benchmarks, `make fuzz` the
# fuzz targets.  See README.md.

CC       ?= cc
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Wshadow -Wno-unused-parameter -Wno-sign-compare
OPT      ?= -O2 -g
PKGS     := jansson libutf8proc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   += $(CSTD) $(WARN) $(OPT) -Iinclude -Isrc $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lpthread

LIB_SRC  := src/util.c src/text.c src/tok.c src/dict.c src/dictfmt.c src/code.c src/read.c src/output.c src/eval.c
CLI_SRC  := src/cli.c src/cmd_code.c src/cmd_test.c
DATA     := $(sort $(shell find data -type f \( -name '*.actors' -o -name '*.verbs' -o -name 'words.txt' -o -name 'abbrev.txt' -o -name '*.tsv' \)))
SHARED   ?= ../shared

DEBIAN_PKGS := build-essential pkg-config libjansson-dev libutf8proc-dev libsqlite3-dev \
	libmicrohttpd-dev libpq-dev libstemmer-dev postgresql valgrind clang python3

.PHONY: all deps test test-asan test-cases test-seed test-news clean bench fuzz check-dict

all: kroniek

build:
	mkdir -p build build/asan

build/embed: tools/embed.c | build
	$(CC) -O1 -o $@ $<

build/data.c: build/embed $(DATA)
	build/embed $@ $(DATA)

build/%.o: src/%.c include/kroniek.h src/kr_int.h src/cmd.h | build
	$(CC) $(CFLAGS) -c -o $@ $<

build/data.o: build/data.c | build
	$(CC) -O0 -c -o $@ $<

OBJ := $(patsubst src/%.c,build/%.o,$(LIB_SRC) $(CLI_SRC)) build/data.o

kroniek: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(LDLIBS)

# sanitizer build (ASan + UBSan) used by `make test`
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
build/asan/%.o: src/%.c include/kroniek.h src/kr_int.h src/cmd.h | build
	$(CC) $(CSTD) $(WARN) $(ASAN_FLAGS) -Iinclude -Isrc $(PKG_CFLAGS) -c -o $@ $<
ASAN_OBJ := $(patsubst src/%.c,build/asan/%.o,$(LIB_SRC) $(CLI_SRC)) build/data.o
build/kroniek-asan: $(ASAN_OBJ)
	$(CC) $(ASAN_FLAGS) -o $@ $(ASAN_OBJ) $(LDLIBS)

deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEBIAN_PKGS)

check-dict: kroniek
	./kroniek dict check > build/dict-check.txt || (cat build/dict-check.txt; exit 1)
	@tail -4 build/dict-check.txt

test: kroniek build/kroniek-asan
	sh tests/run.sh

clean:
	rm -rf build kroniek
