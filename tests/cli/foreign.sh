#!/bin/sh
# tests/cli/foreign.sh -- foreign dictionaries that would load as nothing (issue 12):
# PETRARCH-1 <!-- ... --> comment blocks are read as comments (tests/foreign/
# petrarch1-comments.verbs.txt codes its verbs, and what a block hides codes nothing); an
# unclosed block, and a file that yields far fewer entries than its lines suggest, are
# errors with file:line and exit status 2, never silence.  Runs ./kroniek (or $KRONIEK)
# and, when it is there, build/kroniek-asan (ASan+UBSan: no report, same results).
set -u
K=${KRONIEK:-./kroniek}
KA=${KA:-build/kroniek-asan}
SHARED=${SHARED:-../shared}
F=tests/foreign
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

# actors for the sentences: TABARI's demo actors when the shared data is there, else two
# written here in TABARI's format
A=$SHARED/data/peer/tabari/TABARI.Demo.actors
if [ ! -f "$A" ]; then A=$T/two.actors; printf 'ARNOR_ [ARN]\nGONDOR_ [GON]\n' > "$A"; fi
printf '%s\n' '{"id":"p1","date":"2022-01-10","lang":"en","text":"Arnor consulted with Gondor on Monday. Arnor accused Gondor of war. Gondor denounced Arnor."}' > $T/a.jsonl

run() {   # run BINARY LABEL
  k=$1; l=$2
  "$k" dict check --verbs $F/petrarch1-comments.verbs.txt > $T/p1.check 2>&1
  check "$l: PETRARCH-1 comment blocks: dict check has no message about the file" "! grep -q 'petrarch1-comments.verbs.txt:' $T/p1.check"
  "$k" dict convert --verbs $F/petrarch1-comments.verbs.txt > $T/p1.conv 2>&1
  check "$l: the verbs outside the blocks are read" "grep -q '^verb consult' $T/p1.conv && grep -q '^verb denounce' $T/p1.conv && grep -q '^verb aid' $T/p1.conv && grep -q '^&CURRENCY = dollar' $T/p1.conv"
  check "$l: what a block holds is not read" "! grep -qi 'accuse' $T/p1.conv"
  "$k" code --actors "$A" --verbs $F/petrarch1-comments.verbs.txt $T/a.jsonl > $T/p1.jsonl 2> $T/p1.err
  check "$l: code exit 0" "test $? -eq 0"
  check "$l: codes CONSULT (040) and DENOUNCE (111), not ACCUSE (in a block)" \
    "grep -q '\"code\":\"040\"' $T/p1.jsonl && grep -q '\"code\":\"111\"' $T/p1.jsonl && ! grep -q '\"code\":\"112\"' $T/p1.jsonl"

  "$k" code --actors "$A" --verbs $F/petrarch1-unclosed.verbs.txt $T/a.jsonl > /dev/null 2> $T/un.err
  check "$l: unclosed '<!--': exit 2" "test $? -eq 2"
  check "$l: unclosed '<!--': file:line error" "grep -q 'petrarch1-unclosed.verbs.txt:5: error: comment block' $T/un.err"
  "$k" dict check --verbs $F/section-swallows.verbs > $T/sw.err 2>&1
  check "$l: 42 lines, 1 entry: dict check reports an error" "test $? -ne 0 && grep -q 'section-swallows.verbs:1: error: 42 lines of TABARI verbs yield only 1 entry' $T/sw.err"
  "$k" code --add-dicts --verbs $F/section-swallows.verbs $T/a.jsonl > /dev/null 2> $T/sw2.err
  check "$l: ... and code exits 2, even with --add-dicts" "test $? -eq 2 && grep -q 'section-swallows.verbs:1: error' $T/sw2.err"
  printf '<NOTES>\nABANDON [---]\nACCEPT [030]\n' > $T/sec.verbs
  "$k" code --add-dicts --verbs $T/sec.verbs $T/a.jsonl > /dev/null 2> $T/sec.err
  check "$l: lines that yield no entries: exit 2, file:line" "test $? -eq 2 && grep -q 'sec.verbs:1: error: 3 line(s) of TABARI verbs yield no entries' $T/sec.err"
}

run "$K" kroniek
if [ -x "$KA" ] && [ "$KA" != "$K" ]; then run "$KA" asan; fi
exit $fail
