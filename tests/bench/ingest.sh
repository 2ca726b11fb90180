#!/bin/sh
# ingest.sh -- ingest throughput into SQLite as a ratio to `kroniek code` alone on the
# same input (target: >= 0.5).  The input is the news of ../shared/data/news repeated
# BENCH_COPIES times (default 8) with distinct ids and texts, so that start-up costs do
# not dominate; each side is timed 3 times (a fresh archive each time) and the medians
# are compared.  Prints one summary line; exits 1 below the target only when
# BENCH_STRICT=1 (timings on a shared machine are noisy).
# Run from the repository root: sh tests/bench/ingest.sh  (KRONIEK=path to another binary)
set -u
SHARED=${SHARED:-../shared}
K=${KRONIEK:-./kroniek}
COPIES=${BENCH_COPIES:-8}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
now_ms() { date +%s%3N; }
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

for c in $(seq 1 "$COPIES"); do
    for f in "$SHARED"/data/news/*.jsonl; do
        sed -e "s/\"id\": *\"/\"id\": \"c$c-/" -e "s/\"text\": *\"/\"text\": \"($c) /" "$f"
    done
done > "$T/in.jsonl"
n=$(wc -l < "$T/in.jsonl")
mb=$(( $(wc -c < "$T/in.jsonl") / 1048576 ))

code_ms=""; ing_ms=""
for i in 1 2 3; do
    t0=$(now_ms); $K code "$T/in.jsonl" > /dev/null || { echo "kroniek code failed"; exit 2; }; t1=$(now_ms)
    code_ms="$code_ms $((t1 - t0))"
    rm -f "$T/b.db" "$T/b.db-wal" "$T/b.db-shm"
    t0=$(now_ms); $K ingest -q --db "$T/b.db" "$T/in.jsonl" || { echo "kroniek ingest failed"; exit 2; }; t1=$(now_ms)
    ing_ms="$ing_ms $((t1 - t0))"
done
c=$(median3 $code_ms); g=$(median3 $ing_ms)
[ "$c" -gt 0 ] || c=1; [ "$g" -gt 0 ] || g=1
awk -v n="$n" -v mb="$mb" -v c="$c" -v g="$g" -v cr="$code_ms" -v gr="$ing_ms" -v strict="${BENCH_STRICT:-0}" 'BEGIN {
    ratio = c / g
    printf "ingest: %d articles (%d MB): code %d ms (%.0f articles/s; runs%s), ingest into SQLite %d ms (%.0f articles/s; runs%s): ratio %.2f (target >= 0.5) %s\n",
        n, mb, c, n * 1000 / c, cr, g, n * 1000 / g, gr, ratio, (ratio >= 0.5 ? "OK" : "BELOW TARGET")
    if (strict && ratio < 0.5) exit 1; exit 0
}'
