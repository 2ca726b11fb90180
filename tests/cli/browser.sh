#!/bin/sh
# tests/cli/browser.sh -- the web page in real headless Chromium (Debian `chromium`),
# driven by playwright-core from npm (tests/browser/).  Ingests the seed, the Dutch news
# file and a hostile article into a temporary archive, starts `kroniek serve` on a free
# loopback port and runs tests/browser/serve.test.js.  Screenshots: build/screenshots/.
#
# Run from the repository root with ./kroniek built:  sh tests/cli/browser.sh
# Needs chromium, node and npm (`make test-deps`); `npm install` runs in tests/browser when
# playwright-core is missing.  Exits non-zero on failure.
set -u
K=${K:-./kroniek}
SHARED=${SHARED:-../shared}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)}
export CHROMIUM
die() { echo "browser.sh: $*" >&2; exit 1; }
[ -x "$K" ] || die "$K not built"
[ -x "$CHROMIUM" ] || die "chromium not found (apt-get install chromium, or make test-deps)"
command -v node > /dev/null || die "node not found (apt-get install nodejs npm, or make test-deps)"

if [ ! -f tests/browser/node_modules/playwright-core/package.json ]; then
  command -v npm > /dev/null || die "npm not found (apt-get install npm, or make test-deps)"
  (cd tests/browser && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/kroniek-browser.XXXXXX")
. "$(dirname "$0")/../lib/serve-start.sh"    # serve_start NAME ARGS..., serve_cleanup
trap serve_cleanup EXIT INT TERM

"$K" ingest --db "$T/a.db" "$SHARED/data/news/seed-2022-01-geneve.txt" "$SHARED/data/news/nl-dpgmedia2019.jsonl" \
  tests/browser/evil.jsonl > "$T/ingest.log" 2>&1 || { cat "$T/ingest.log"; die "ingest failed"; }

DB="$T/a.db" SERVE_START_TRIES=100
url=$(serve_start serve) || die "server did not start"

mkdir -p build/screenshots
# the page's one-a-day download must hold what the command line gives for the same dyad
daily=$("$K" events --db "$T/a.db" --dyad RUS,USA --one-a-day --format jsonl | wc -l | tr -d ' ')
[ "$daily" -gt 0 ] || die "no one-a-day RUS-USA events in the test archive"
KRONIEK_URL=$url KRONIEK_DAILY_RUS_USA=$daily SCREENSHOTS=$(pwd)/build/screenshots timeout 240 node tests/browser/serve.test.js
rc=$?
[ $rc -eq 0 ] || { echo "server log:"; tail -20 "$T/serve.log"; }
exit $rc
