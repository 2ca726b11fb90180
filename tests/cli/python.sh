#!/bin/sh
# tests/cli/python.sh -- the Python package (python/kroniek, ctypes over libkroniek) and
# `make install`.  Builds the shared library ($B/libkroniek.so) if needed, runs
# tests/python/test_kroniek.py (unittest) with Debian's python3, then installs into a
# temporary DESTDIR and checks the installed program, header, man page, library and
# Python package, and `make uninstall`.  One line per check; exit 1 if any failed.
# B and BIN: the build directory and program, as for make (default build, ./kroniek).
set -u
B=${B:-build}
BIN=${BIN:-kroniek}
case $BIN in /*) KBIN=$BIN ;; *) KBIN=$PWD/$BIN ;; esac
case $B in /*) LIB=$B/libkroniek.so ;; *) LIB=$PWD/$B/libkroniek.so ;; esac
if [ -n "${PYTHON:-}" ]; then PY=$PYTHON; elif [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi
fail=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
MAKE="make -s --no-print-directory B=$B BIN=$BIN"
export PYTHONDONTWRITEBYTECODE=1     # no __pycache__ in the source tree

if $MAKE "$B/libkroniek.so" "$BIN" >/dev/null; then ok "build $B/libkroniek.so and $BIN"
else bad "build $B/libkroniek.so"; exit 1; fi

# the unit tests; with the default build directory the package must find the library
# on its own (python/kroniek -> build/libkroniek.so)
if [ "$B" = build ]; then unset KRONIEK_LIB; else KRONIEK_LIB=$LIB; export KRONIEK_LIB; fi
if KRONIEK_BIN=$KBIN PYTHONPATH=python "$PY" tests/python/test_kroniek.py 2>&1; then ok "tests/python/test_kroniek.py ($PY)"
else bad "tests/python/test_kroniek.py ($PY)"; fi

# the exported symbols a C program or binding needs
for f in kr_code_article kr_reader_next kr_archive_open kr_archive_filter kr_archive_events kr_archive_close; do
  if nm -D --defined-only "$B/libkroniek.so" | grep -q " T $f\$"; then ok "libkroniek.so exports $f"
  else bad "libkroniek.so does not export $f"; fi
done

# make install DESTDIR=... then run what was installed
T=$(mktemp -d /tmp/kroniek-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/root
if $MAKE install DESTDIR="$D" PREFIX=/usr/local PYTHON="$PY" >"$T/install.log" 2>&1; then ok "make install DESTDIR=$D"
else bad "make install"; cat "$T/install.log"; exit 1; fi
for f in usr/local/bin/kroniek usr/local/lib/libkroniek.so usr/local/lib/libkroniek.so.0 usr/local/include/kroniek.h \
         usr/local/share/man/man1/kroniek.1; do
  if [ -e "$D/$f" ]; then ok "installed /$f"; else bad "missing /$f"; fi
done
PYDIR=$(dirname "$(find "$D" -path '*/kroniek/__init__.py' | head -1)")
PYDIR=$(dirname "$PYDIR")
case $PYDIR in
  "$D"/usr/local/lib/python3*/dist-packages) ok "python package in ${PYDIR#$D}" ;;
  *) bad "python package not under /usr/local/lib/python3*/dist-packages: '$PYDIR'" ;;
esac
if "$D/usr/local/bin/kroniek" --help >/dev/null 2>&1 && "$D/usr/local/bin/kroniek" code examples/ > "$T/code.jsonl" && [ -s "$T/code.jsonl" ]; then
  ok "installed kroniek runs (code examples/: $(wc -l < "$T/code.jsonl") events)"
else bad "installed kroniek does not run"; fi
if man -l "$D/usr/local/share/man/man1/kroniek.1" 2>"$T/man.err" | grep -q "kroniek code" && ! [ -s "$T/man.err" ]; then ok "man page renders"
else
  if command -v man >/dev/null 2>&1; then bad "man page: $(cat "$T/man.err")"; else ok "man page installed (no man(1) to render it)"; fi
fi
# the installed package, from another directory, with no hint where the library is: it
# must load the installed one (PREFIX/lib beside its dist-packages)
out=$(cd / && env -u KRONIEK_LIB PYTHONPATH="$PYDIR" "$PY" -c '
import kroniek
evs = kroniek.code("Rusland en de Verenigde Staten begonnen besprekingen in Genève.", "2022-01-10")
print(kroniek.__file__)
print(kroniek.library_path())
print(sorted((e["source"], e["code"], e["target"]) for e in evs))
' 2>&1)
echo "$out" | sed 's/^/     /'
case $(echo "$out" | sed -n 1p) in "$PYDIR"/kroniek/__init__.py) ok "installed package imports from PYTHONPATH" ;; *) bad "installed package import" ;; esac
case $(echo "$out" | sed -n 2p) in "$D"/usr/local/lib/libkroniek.so) ok "installed package loads the installed library" ;; *) bad "installed package loads '$(echo "$out" | sed -n 2p)'" ;; esac
if [ "$(echo "$out" | sed -n 3p)" = "[('RUS', '040', 'USA'), ('USA', '040', 'RUS')]" ]; then ok "installed package codes RUS 040 USA / USA 040 RUS"
else bad "installed package coding"; fi
# a C program against the installed header and library
cat > "$T/use.c" <<'EOF'
#include <kroniek.h>
#include <stdio.h>
static int on_event(void *ctx, const kr_event *e) { (void)ctx; printf("%s %s %s\n", e->source, e->code, e->target); return 0; }
int main(void) {
    kr_dict *d = kr_dict_new();
    if (kr_dict_load_builtin(d) != KR_OK || kr_dict_finish(d) != KR_OK) return 1;
    kr_coder *c = kr_coder_new(d);
    kr_article a = { "x", "2022-01-10", "nl", NULL, "Rusland en de Verenigde Staten begonnen besprekingen in Genève.", NULL, NULL, NULL, NULL };
    kr_status st = kr_code_article(c, &a, on_event, NULL);
    kr_coder_free(c); kr_dict_free(d);
    return st != KR_OK;
}
EOF
if cc -std=c11 -I"$D/usr/local/include" -o "$T/use" "$T/use.c" -L"$D/usr/local/lib" -lkroniek 2>"$T/cc.err" &&
   [ "$(LD_LIBRARY_PATH=$D/usr/local/lib "$T/use" | sort | tr '\n' ';')" = "RUS 040 USA;USA 040 RUS;" ]; then
  ok "a C program links with the installed -lkroniek and codes"
else bad "C program against the installed library: $(cat "$T/cc.err")"; fi
if $MAKE uninstall DESTDIR="$D" PREFIX=/usr/local PYTHON="$PY" >"$T/uninstall.log" 2>&1 && [ -z "$(find "$D" ! -type d)" ]; then
  ok "make uninstall removes every installed file"
else bad "make uninstall left: $(find "$D" ! -type d | tr '\n' ' ')"; fi

[ $fail = 0 ] && echo "python.sh: all checks passed" || echo "python.sh: some checks FAILED"
exit $fail
