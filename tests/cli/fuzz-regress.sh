#!/bin/sh
# tests/cli/fuzz-regress.sh -- the fuzz targets as regression tests: builds every
# tests/fuzz/fuzz_*.c (clang, libFuzzer + ASan + UBSan) and replays its seed corpus
# (tests/fuzz/corpus/N) and its crash reproducers (tests/fuzz/regress/N) once, without
# fuzzing (tests/fuzz/run.sh 0).  The library is compiled once into $B/fuzz-obj and
# linked into each target, which is quicker than `make fuzz` (one compile per target);
# flags and sources are the Makefile's.  Run from the repository root; exits 1 if a
# target does not build or an input crashes it.
set -u
B=${B:-build}
O=$B/fuzz-obj
command -v clang >/dev/null || { echo "fuzz-regress.sh: clang is not installed (make test-deps)" >&2; exit 1; }
mkvar() { make -s --no-print-directory B="$B" --eval='print-%: ; @echo $($*)' "print-$1"; }
CFL="$(mkvar CSTD) -g -O1 -Iinclude -Isrc $(mkvar PKG_CFLAGS)"
LIBS=$(mkvar LDLIBS)
SRCS="$(mkvar FUZZ_LIB) $B/data.c"
make -s B="$B" "$B/data.c" >/dev/null || exit 1
mkdir -p "$O" "$B/fuzz"
newest_h=$(ls -t include/*.h src/*.h | head -1)
# compile what changed, two at a time
todo=""
for s in $SRCS; do
    o=$O/$(basename "$s" .c).o
    if [ ! -f "$o" ] || [ "$s" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then todo="$todo $s"; fi
done
if [ -n "$todo" ]; then
    # shellcheck disable=SC2086
    printf '%s\n' $todo | xargs -P 2 -I{} sh -c 'clang '"$CFL"' -fsanitize=fuzzer-no-link,address,undefined -c {} -o '"$O"'/$(basename {} .c).o' || { echo "FAIL: the library does not build with clang"; exit 1; }
fi
objs=""; for s in $SRCS; do objs="$objs $O/$(basename "$s" .c).o"; done
for t in tests/fuzz/fuzz_*.c; do
    bin=$B/fuzz/$(basename "$t" .c)
    # shellcheck disable=SC2086
    clang $CFL -fsanitize=fuzzer,address,undefined -o "$bin" "$t" $objs $LIBS || { echo "FAIL: $t does not build"; exit 1; }
done
B=$B sh tests/fuzz/run.sh 0
