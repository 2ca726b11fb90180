#!/bin/sh
# tests/cli/valgrind.sh -- the coder under Valgrind memcheck: zero errors, no leaks
# (definite, indirect or possible).  Runs ./kroniek (the normal -O2 build) on
#   - all of ../shared/data/news (or, with VALGRIND_SAMPLE=N, the first N records of
#     each JSON Lines file and every seed-format file), on one thread and on two, and a
#     sample of 100 records per file as TSV;
#   - the small files of the hostile-input catalogue (tests/hostile/files), which
#     exercise every error path of the reader and the coder;
#   - `dict check` of the hostile dictionaries.
# Run from the repository root: sh tests/cli/valgrind.sh.  About 20 seconds; exits 1 if
# Valgrind reports anything.
set -u
K=${K:-./kroniek}
SHARED=${SHARED:-../shared}
N=${VALGRIND_SAMPLE:-all}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed (make test-deps)" >&2; exit 1; }
[ -x "$K" ] || { echo "valgrind.sh: $K not built" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/kroniek-valgrind.XXXXXX")
trap 'rm -rf "$T"' EXIT; trap 'exit 1' INT TERM
mkdir "$T/news" "$T/sample"
for f in "$SHARED"/data/news/*.jsonl; do
    [ -f "$f" ] || continue
    if [ "$N" = all ]; then cp "$f" "$T/news/"; else head -n "$N" "$f" > "$T/news/$(basename "$f")"; fi
    head -n 100 "$f" > "$T/sample/$(basename "$f")"
done
for f in "$SHARED"/data/news/*.txt; do [ -f "$f" ] && cp "$f" "$T/news/" && cp "$f" "$T/sample/"; done
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
        what=$(grep -E 'articles read' "$T/err" | sed 's/^kroniek: //')
        [ -n "$what" ] || what=$(grep -E 'error\(s\)' "$T/out" | tail -1)
        echo "PASS $name ($what, $(( $(date +%s) - t0 ))s)"
    fi
}
run news code --stats "$T/news"
run news-j2 code --stats -j 2 "$T/news"
run sample-tsv code --stats --format tsv "$T/sample"
run hostile-files code --stats tests/hostile/files
run hostile-dicts dict check --lang nl tests/hostile/files/dict/bad-lines.actors tests/hostile/files/dict/bad-lines.verbs tests/hostile/files/dict/sets-cycle.verbs tests/hostile/files/dict/duplicates.actors tests/hostile/files/dict/words.txt
exit $fail
