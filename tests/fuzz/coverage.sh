#!/bin/sh
# tests/fuzz/coverage.sh -- line coverage of the library reached by the fuzz corpora.
# Builds each target with clang's source-based coverage (no sanitizers), runs it once
# over its corpus ($B/fuzz/corpus/fuzz_N, the one `make fuzz` grows, plus the seeds and
# reproducers in tests/fuzz) and prints llvm-cov's report per source file, per target
# and for all targets together.  Usage: B=build sh tests/fuzz/coverage.sh [TARGET...]
set -u
B=${B:-build}
DIR=$(dirname "$0")
C=$B/fuzz-cov
mkdir -p "$C"
mkvar() { make -s --no-print-directory B="$B" --eval='print-%: ; @echo $($*)' "print-$1"; }
CFL="$(mkvar CSTD) -g -O1 -Iinclude -Isrc $(mkvar PKG_CFLAGS)"
LIBS=$(mkvar LDLIBS)
SRCS="$(mkvar FUZZ_LIB) $B/data.c"
make -s B="$B" "$B/data.c" >/dev/null || exit 1
targets=$*
[ -n "$targets" ] || targets=$(cd "$DIR" && ls fuzz_*.c | sed 's/\.c$//')
# file, lines, line coverage, branch coverage
table() { awk '/^---/ { next } NR == 1 { printf "%-14s %7s %9s %9s\n", "file", "lines", "lines%", "branches%"; next } { printf "%-14s %7s %9s %9s\n", $1, $8, $10, $13 }'; }
profs=""
for t in $targets; do
    n=${t#fuzz_}
    # shellcheck disable=SC2086
    clang $CFL -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping -o "$C/$t" "$DIR/$t.c" $SRCS $LIBS || exit 1
    dirs=""; for d in "$B/fuzz/corpus/$t" "$DIR/corpus/$n" "$DIR/regress/$n"; do [ -d "$d" ] && dirs="$dirs $d"; done
    # shellcheck disable=SC2086
    LLVM_PROFILE_FILE="$C/$t.profraw" "$C/$t" -runs=0 $dirs > "$C/$t.log" 2>&1
    llvm-profdata merge -sparse "$C/$t.profraw" -o "$C/$t.profdata"
    echo "== $t"
    llvm-cov report "$C/$t" -instr-profile="$C/$t.profdata" $(mkvar FUZZ_LIB) | table
    profs="$profs $C/$t.profraw"
done
# all targets together (one binary's mapping per file is enough for the library files)
# shellcheck disable=SC2086
llvm-profdata merge -sparse $profs -o "$C/all.profdata"
objs=""; for t in $targets; do if [ -z "$objs" ]; then objs="$C/$t"; else objs="$objs -object $C/$t"; fi; done
echo "== all targets"
# shellcheck disable=SC2086
llvm-cov report $objs -instr-profile="$C/all.profdata" $(mkvar FUZZ_LIB) | table
