#!/bin/sh
# tests/run.sh -- everything `make test` runs.  Each step prints PASS/FAIL with the
# seconds it took; the last line is "N passed, N failed" (and the total time); the script
# exits non-zero if any step fails.  SHARED points at the read-only data (../shared).
set -u
SHARED=${SHARED:-../shared}
K=./kroniek
KA=build/kroniek-asan
fail=0 npass=0 nfail=0
now() { date +%s.%N; }
T0=$(now)
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
step() {
  name=$1; shift; t=$(now)
  if "$@" > build/test-$name.log 2>&1; then echo "PASS $name ($(secs $t) s)"; npass=$((npass + 1))
  else echo "FAIL $name ($(secs $t) s; build/test-$name.log)"; tail -20 build/test-$name.log; fail=1; nfail=$((nfail + 1)); fi
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# dictionaries are valid
step dict-check $K dict check
# sentence cases (data files), plain and under ASan+UBSan
for f in tests/cases/*.cases; do
  [ -f "$f" ] || continue
  b=$(basename $f .cases)
  step cases-$b $K test --min-pass ${MIN_PASS:-0.95} $f
  step cases-asan-$b $KA test --min-pass ${MIN_PASS:-0.95} $f
done
# the founding example
step seed-eval $K eval --gold $SHARED/eval/seed-gold.jsonl --min-precision 0.85 --min-recall 0.85 $SHARED/data/news/seed-2022-01-geneve.txt
# every gold set present is scored (reported, not gated, except the seed)
for g in $SHARED/eval/*.jsonl; do
  echo "== $g"; $K eval --gold $g --quiet $SHARED/data/news/ 2>/dev/null | tail -1
done
# our own annotation of a sample of the real news (tests/gold/README.md): reported, not gated
for g in tests/gold/*.jsonl; do
  [ -f "$g" ] || continue
  echo "== $g"; $K eval --gold $g --quiet $SHARED/data/news/ 2>/dev/null | tail -1
done
# the bundled examples, both formats
step examples sh -c "$K code examples/ > build/examples.jsonl && test -s build/examples.jsonl"
# scripted behaviour tests (tests/cli/*.sh)
for t in tests/cli/*.sh; do
  [ -f "$t" ] || continue
  step cli-$(basename $t .sh) sh $t
done
# the scripted tests again with the ASan+UBSan build: a step fails on a non-zero exit or on
# any sanitizer report written by any process it started (log_path collects them, so a
# report from a server or a killed child is not lost in a script's redirections).
# hostile.sh and tabari.sh run both builds themselves; valgrind.sh cannot run under ASan.
asan_step() {
  t=$1; d=build/asan-logs/$t; rm -rf "$d"; mkdir -p "$d"
  step cli-asan-$t sh -c "ASAN_OPTIONS=$ASAN_OPTIONS:log_path=$d/report UBSAN_OPTIONS=$UBSAN_OPTIONS:log_path=$d/report KRONIEK=$KA K=$KA sh tests/cli/$t.sh && if ls $d | grep -q .; then echo 'sanitizer reports:'; cat $d/*; exit 1; fi"
}
for t in code store records serve serve-abuse serve-load pg crash browser names readonly; do
  [ -f tests/cli/$t.sh ] && asan_step $t
done
# all news under ASan+UBSan: no crash, no sanitizer report
step news-asan sh -c "$KA code --stats $SHARED/data/news/ > /dev/null"
echo "$npass passed, $nfail failed ($(secs $T0) s)"
exit $fail
