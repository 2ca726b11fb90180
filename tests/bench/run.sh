#!/bin/sh
# tests/bench/run.sh -- `make bench`: speed and memory of kroniek on the shared news,
# each figure a median of several runs, speeds also as a ratio to the read+split pass
# measured in the same run.  Then the archive and server benchmarks when present.
set -e
SHARED=${SHARED:-../shared}
python3 tests/bench/bench.py --shared "$SHARED" --kroniek ./kroniek "$@"
for b in tests/bench/ingest.sh tests/bench/serve.sh; do
  [ -f "$b" ] && sh "$b"
done
exit 0
