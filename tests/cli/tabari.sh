#!/bin/sh
# tests/cli/tabari.sh -- TABARI's validation suite and the PETRARCH-2 dictionaries, coded
# by kroniek (issue 3, docs/FOREIGN-DICTS.md).  Prints, per record category, how many
# suite records give exactly the expected events, the two overall figures, and a
# PETRARCH-2 load-and-code check.  Exits 1 when the suite's figures fall below the
# issue's targets (TABARI_MIN_EVENTS, default 85: % of records with events that match
# exactly; TABARI_MIN_NONE, default 90: % of no-event records that give none), else 0;
# 0 also when the shared data is not there.  Needs python3 and the shared data (../shared).
# KRONIEK=build/kroniek-asan runs it under ASan+UBSan.
set -u
K=${KRONIEK:-./kroniek}
SHARED=${SHARED:-../shared}
TAB=$SHARED/data/peer/tabari
P2=$SHARED/data/dictionaries/petrarch2
if [ ! -f "$TAB/tabari_validate.jsonl" ]; then echo "tabari: $TAB not found, skipped"; exit 0; fi

echo "== TABARI validation suite"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
python3 tests/tabari/suite.py --kroniek "$K" --tabari "$TAB" ${TABARI_SHOW_FAIL:+--show-fail} \
    --min-events "${TABARI_MIN_EVENTS:-85}" --min-none "${TABARI_MIN_NONE:-90}"
rc=$?
# the same under ASan+UBSan when that build is there: no sanitizer report, same figures
KA=${KA:-build/kroniek-asan}
if [ -x "$KA" ] && [ "$KA" != "$K" ]; then
  if python3 tests/tabari/suite.py --kroniek "$KA" --tabari "$TAB" --min-events "${TABARI_MIN_EVENTS:-85}" --min-none "${TABARI_MIN_NONE:-90}" > "${TMPDIR:-/tmp}/tabari-asan.$$" 2>&1; then
    echo "under ASan+UBSan ($KA), no sanitizer report: $(grep 'match exactly\|give none' "${TMPDIR:-/tmp}/tabari-asan.$$" | sed 's/.*: *//; s/ (target.*//' | tr '\n' ' ')"
  else
    echo "under ASan+UBSan ($KA): FAILED"; tail -5 "${TMPDIR:-/tmp}/tabari-asan.$$"; rc=1
  fi
  rm -f "${TMPDIR:-/tmp}/tabari-asan.$$"
fi

echo
echo "== dictionary problems come as file:line messages, never a crash"
tmp=$(mktemp -d)
printf 'ARNOR [ARN\nGONDOR [GON 991301-990101]\n+\n[XYZ]\nFOO [~]\n' > "$tmp/bad.actors.txt"
printf 'ABANDON [3x5]\nACCORD [---]\n- * {A | B [021]\n- &NOSET * [010]\n- * ( [020]\n- * X [021\n' > "$tmp/bad.verbs.txt"
"$K" dict check --actors "$tmp/bad.actors.txt" --verbs "$tmp/bad.verbs.txt" 2>&1 | grep "bad\.\(actors\|verbs\)\.txt:[0-9]" | head -12
echo "exit status of dict check on them: $("$K" dict check --actors "$tmp/bad.actors.txt" --verbs "$tmp/bad.verbs.txt" >/dev/null 2>&1; echo $?) (0 or 1; a crash would be >= 128)"

echo
echo "== kroniek dict convert (first lines)"
"$K" dict convert --actors "$TAB/TABARI.Demo.actors" 2>/dev/null | grep -v '^#' | head -5
"$K" dict convert --verbs "$TAB/TABARI.Demo.verbs" 2>/dev/null | grep '^verb restor' -A3 | cut -c1-120

if [ -f "$P2/CAMEO.2.0.txt" ]; then
  echo
  echo "== PETRARCH-2 dictionaries on $SHARED/data/news/en-wikinews-2019-2021.jsonl"
  base=$tmp/data; mkdir -p "$base/cameo" "$base/en"
  cp data/cameo/codes.tsv "$base/cameo/"; cp data/en/words.txt data/en/abbrev.txt "$base/en/"
  D="--data $base --actors $P2/Phoenix.Countries.actors.txt --actors $P2/Phoenix.International.actors.txt --actors $P2/Phoenix.MilNonState.actors.txt --agents $P2/Phoenix.agents.txt --verbs $P2/CAMEO.2.0.txt --discards $P2/Phoenix.discards.txt"
  t0=$(date +%s%N)
  "$K" dict stats $D > "$tmp/p2stats.txt" 2>&1
  t1=$(date +%s%N)
  echo "load: $(( (t1 - t0) / 1000000 )) ms (target < 2000 ms); $(grep '^en:' "$tmp/p2stats.txt")"
  "$K" code $D "$SHARED/data/news/en-wikinews-2019-2021.jsonl" > "$tmp/p2.jsonl" 2>/dev/null
  "$K" code "$SHARED/data/news/en-wikinews-2019-2021.jsonl" > "$tmp/own.jsonl" 2>/dev/null
  python3 - "$tmp/p2.jsonl" "$tmp/own.jsonl" <<'PY'
import json, sys, collections
c = [collections.Counter(json.loads(l)["root"] for l in open(f)) for f in sys.argv[1:3]]
print("events per CAMEO root   PETRARCH-2   kroniek's own English dictionaries")
for r in sorted(set(c[0]) | set(c[1])):
    print("  %-4s %20d %12d" % (r, c[0][r], c[1][r]))
print("  all  %20d %12d" % (sum(c[0].values()), sum(c[1].values())))
PY
fi
rm -rf "$tmp"
[ $rc -eq 0 ] || echo "tabari: the suite's figures are below the targets (see FAIL above)"
exit $rc
