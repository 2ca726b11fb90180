#!/bin/sh
# tests/bench/run.sh -- `make bench`: kroniek side by side with TABARI on the same
# sentences (TABARI built from $SHARED/data/peer/tabari-src into build/tabari/), then
# speed and memory on the repeated shared news, each figure a median of several runs,
# speeds also as a ratio to the read+split pass measured in the same run.  Then the
# archive and server benchmarks when present.  Arguments go to bench.py.
set -e
SHARED=${SHARED:-../shared}
K=${KRONIEK:-./kroniek}
python3 tests/bench/bench.py --shared "$SHARED" --kroniek "$K" \
    --helper "${BENCH_HELPER:-build/bench-helper}" "$@"
for b in tests/bench/ingest.sh tests/bench/serve.sh; do
  [ -f "$b" ] && KRONIEK="$K" sh "$b"
done
exit 0
