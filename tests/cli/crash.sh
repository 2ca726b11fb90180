#!/bin/sh
# crash.sh -- `kroniek ingest` of the news JSON Lines is killed with SIGKILL at random
# moments (24 times, in chains of up to 4 kills on the same archive).  After every kill the
# archive passes `kroniek ingest --check` (PRAGMA integrity_check, the full-text index
# check, and: no article stored without all of its sentences, mentions and events), and
# a rerun on a copy of it ends with exactly the articles and events of an uninterrupted
# ingest (sorted exports and article lists compared).
# Run from the repository root: sh tests/cli/crash.sh  (KRONIEK=path to test another binary)
set -u
SHARED=${SHARED:-../shared}
K=${KRONIEK:-./kroniek}
KILLS=${CRASH_KILLS:-24}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
IN="$SHARED/data/news/en-wikinews-2019-2021.jsonl $SHARED/data/news/nl-dpgmedia2019.jsonl"
fail() { echo "FAIL: $*"; exit 1; }
now_ms() { date +%s%3N; }
have_sqlite3=0; command -v sqlite3 >/dev/null 2>&1 && have_sqlite3=1

# what an archive holds, to compare: counts, the article list, the events
snapshot() {   # snapshot DB OUT
    $K ingest --db "$1" --stats > "$2.stats" || return 1
    $K export --db "$1" --format jsonl | sort > "$2.events" || return 1
    if [ $have_sqlite3 = 1 ]; then
        sqlite3 "$1" "SELECT id, date, lang, text_hash, nsent, nevents FROM articles ORDER BY id" > "$2.articles" || return 1
    else : > "$2.articles"; fi
}

# the reference: one uninterrupted ingest
t0=$(now_ms)
$K ingest -q --db "$T/ref.db" $IN || fail "reference ingest failed"
t1=$(now_ms)
dur=$((t1 - t0)); [ $dur -lt 100 ] && dur=100
snapshot "$T/ref.db" "$T/ref" || fail "reference snapshot"
echo "reference ingest: ${dur} ms; $(grep '^articles' "$T/ref.stats"); $(grep '^events' "$T/ref.stats")"

# kill delays: uniform in [0, 0.9 x the reference time] for a fresh archive, in
# [0, 0.4 x] when resuming (less is left to do); batch sizes vary so that kills land
# in commits as well as between them.  Attempts whose ingest finished before the kill
# do not count; we go on until KILLS ingests were really killed.
seed=${CRASH_SEED:-$(( $(date +%s) % 100000 ))}
echo "seed $seed (CRASH_SEED=$seed reproduces the delays)"
delays=$(awk -v n="$((KILLS * 3))" -v s="$seed" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%.4f ", rand() }')
i=0; killed=0; fresh=1
for u in $delays; do
    [ $killed -ge $KILLS ] && break
    i=$((i + 1))
    if [ $fresh = 1 ]; then
        rm -f "$T/db" "$T/db-wal" "$T/db-shm"
        d=$(awk -v u="$u" -v d="$dur" 'BEGIN { printf "%.3f", u * d * 0.9 / 1000 }')
    else
        d=$(awk -v u="$u" -v d="$dur" 'BEGIN { printf "%.3f", u * d * 0.4 / 1000 }')
    fi
    case $((i % 4)) in 0) b=1 ;; 1) b=7 ;; 2) b=50 ;; *) b=200 ;; esac
    $K ingest -q --batch $b --db "$T/db" $IN 2> "$T/err" &
    pid=$!
    sleep "$d"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    st=$?
    [ $st -eq 0 ] || [ $st -eq 137 ] || { cat "$T/err"; fail "attempt $i: ingest exited with $st"; }
    if [ $st -eq 137 ]; then killed=$((killed + 1)); fresh=0; [ $((killed % 4)) -eq 0 ] && fresh=1
    else fresh=1; fi
    # the archive as the kill left it: intact, and no half-stored article
    if [ -f "$T/db" ]; then
        if [ $have_sqlite3 = 1 ]; then
            ic=$(sqlite3 "$T/db" "PRAGMA integrity_check") || fail "attempt $i (after ${d}s): sqlite3 cannot read the archive"
            [ "$ic" = ok ] || fail "attempt $i: PRAGMA integrity_check: $ic"
            ntab=$(sqlite3 "$T/db" "SELECT count(*) FROM sqlite_master")
        else ntab=1; fi
        if [ "$ntab" != 0 ]; then
            $K ingest --db "$T/db" --check > "$T/check" 2>&1 || { cat "$T/check"; fail "attempt $i (after ${d}s, batch $b): check failed"; }
        fi
        n=$($K ingest --db "$T/db" --stats 2>/dev/null | awk '/^articles/ { print $2 }')
    else n=0; fi
    # a rerun on a copy completes the job exactly
    rm -f "$T/r.db" "$T/r.db-wal" "$T/r.db-shm"
    [ -f "$T/db" ] && cp "$T/db" "$T/r.db"
    [ -f "$T/db-wal" ] && cp "$T/db-wal" "$T/r.db-wal"
    $K ingest -q --db "$T/r.db" $IN || fail "attempt $i: rerun failed"
    snapshot "$T/r.db" "$T/r" || fail "attempt $i: snapshot"
    for part in stats articles events; do
        cmp -s "$T/ref.$part" "$T/r.$part" || { diff "$T/ref.$part" "$T/r.$part" | head -5; fail "attempt $i: $part differ from the uninterrupted ingest"; }
    done
    if [ $st -eq 137 ]; then what="killed after ${d}s"; else what="finished before the kill"; fi
    echo "attempt $i (batch $b): $what; ${n:-0} articles stored; check ok; rerun identical"
done
[ $killed -ge $KILLS ] && [ $killed -ge 20 ] || fail "only $killed ingests were killed in $i attempts (need $KILLS, at least 20)"
echo "PASS: $killed kills, every archive intact, every rerun identical to the uninterrupted ingest"
