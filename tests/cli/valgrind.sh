#!/bin/sh
# tests/cli/valgrind.sh -- the coder under Valgrind memcheck: zero errors, no leaks
# (definite, indirect or possible).  Runs ./kroniek (the normal -O2 build) on
#   - a sample of every news file in ../shared/data/news (the first $VALGRIND_SAMPLE
#     records of each JSON Lines file, default 30, and every seed-format file), on one
#     thread and on two;
#   - the small files of the hostile-input catalogue (tests/hostile/files), which
#     exercise every error path of the reader and the coder;
#   - `dict check` of the hostile dictionaries.
# Run from the repository root: sh tests/cli/valgrind.sh.  About a minute; exits 1 if
# Valgrind reports anything.
set -u
K=${K:-./kroniek}
SHARED=${SHARED:-../shared}
N=${VALGRIND_SAMPLE:-30}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed (make deps)" >&2; exit 1; }
[ -x "$K" ] || { echo "valgrind.sh: $K not built" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/kroniek-valgrind.XXXXXX")
trap 'rm -rf "$T"' EXIT; trap 'exit 1' INT TERM
mkdir "$T/news"
for f in "$SHARED"/data/news/*.jsonl; do [ -f "$f" ] && head -n "$N" "$f" > "$T/news/$(basename "$f")"; done
for f in "$SHARED"/data/news/*.txt; do [ -f "$f" ] && cp "$f" "$T/news/"; done
VG="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --num-callers=30 -q"
fail=0
# run NAME ARGS...: kroniek under memcheck; any Valgrind message fails
run() {
    name=$1; shift
    t0=$(date +%s)
    # shellcheck disable=SC2086
    $VG "$K" "$@" > "$T/out" 2> "$T/err" < /dev/null
    rc=$?
    if [ $rc -eq 99 ] || grep -q '^==[0-9]*==' "$T/err"; then
        echo "FAIL $name: Valgrind reports errors or leaks"; grep '^==[0-9]*==' "$T/err" | head -60; fail=1
    elif [ $rc -gt 2 ]; then
        echo "FAIL $name: exit status $rc"; tail -5 "$T/err"; fail=1
    else
        echo "PASS $name ($(grep -E 'articles read' "$T/err" | sed 's/^kroniek: //'), $(( $(date +%s) - t0 ))s)"
    fi
}
run news-sample code --stats "$T/news"
run news-sample-j2 code --stats -j 2 "$T/news"
run news-sample-tsv code --stats --format tsv "$T/news"
run hostile-files code --stats tests/hostile/files
run hostile-dicts dict check --lang nl tests/hostile/files/dict/bad-lines.actors tests/hostile/files/dict/bad-lines.verbs tests/hostile/files/dict/sets-cycle.verbs tests/hostile/files/dict/duplicates.actors tests/hostile/files/dict/words.txt
exit $fail
