#!/bin/sh
# tests/bench/serve.sh -- load test of `kroniek serve` on loopback: requests per second
# and latency percentiles (p50, p99) of /api/timeline and /api/events on an archive of
# at least 100,000 events.  Run from the repository root: sh tests/bench/serve.sh
#
# The archive: `kroniek code` runs over ../shared/data/news; the evidence sentences of
# the events it finds become a pool per language, and synthetic articles (12-28 pooled
# sentences each, dates spread over 2015-2022, ids bench-N) are generated and ingested
# with `kroniek ingest` until the archive holds BENCH_SERVE_EVENTS events (default
# 100000; about 4,500 articles, 10 s).  So every event went through the real coder and
# the real store; only the mix of sentences is synthetic.
#
# The load: wrk (Debian package wrk) with CONN connections on 2 threads for SECS seconds
# per endpoint, never more than REQS requests (a Lua counter stops the threads; the
# req/s figure assumes the time bound ended the run, as it does at the defaults); a small
# Python client replaces wrk when it is not installed.  Two rounds: the server started
# with --no-cache (every request runs its queries: the cost of a first visit), then with
# its default answer cache (the same URLs again).  All traffic goes to 127.0.0.1.
# Knobs: BENCH_SERVE_EVENTS, BENCH_SERVE_REQS (default 100000), BENCH_SERVE_SECS
# (default 6), BENCH_SERVE_CONN (default 4), BENCH_SERVE_THREADS (server threads,
# default 4), KRONIEK (binary).  Exits non-zero when a request fails.
set -u
K=${KRONIEK:-./kroniek}
SHARED=${SHARED:-../shared}
EVENTS=${BENCH_SERVE_EVENTS:-100000}
REQS=${BENCH_SERVE_REQS:-100000}
SECS=${BENCH_SERVE_SECS:-6}
CONN=${BENCH_SERVE_CONN:-4}
STHREADS=${BENCH_SERVE_THREADS:-4}
T=$(mktemp -d "${TMPDIR:-/tmp}/kroniek-bench-serve.XXXXXX")
. "$(dirname "$0")/../lib/serve-start.sh"    # serve_start NAME ARGS..., serve_cleanup
trap serve_cleanup EXIT INT TERM
die() { echo "bench serve: $*" >&2; exit 1; }
[ -x "$K" ] || die "$K not built"
now_ms() { date +%s%3N; }

# ---- the archive ----
t0=$(now_ms)
"$K" code "$SHARED/data/news/" > "$T/ev.jsonl" 2> /dev/null
[ -s "$T/ev.jsonl" ] || die "kroniek code found no events to build the archive from"
cat > "$T/gen.py" <<'PY'
import datetime, glob, json, os, random, sys
evfile, news, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
lang_of = {}
for f in glob.glob(os.path.join(news, "*.jsonl")):
    for line in open(f, encoding="utf-8"):
        try:
            a = json.loads(line)
        except ValueError:
            continue
        lang_of[a.get("id")] = a.get("lang") or ("en" if "wikinews" in f else "nl")
count, lang = {}, {}
for line in open(evfile, encoding="utf-8"):
    e = json.loads(line)
    t = e["text"].strip()
    count[t] = count.get(t, 0) + 1
    lang[t] = lang_of.get(e["doc"], "nl")
pool = {l: [t for t in count if lang[t] == l] for l in ("nl", "en")}
rnd = random.Random(seed)
day0 = datetime.date(2015, 1, 1).toordinal()
for i in range(n):
    l = "en" if pool["en"] and (rnd.random() < 0.4 or not pool["nl"]) else "nl"
    sents = [rnd.choice(pool[l]) for _ in range(rnd.randint(12, 28))]
    day = datetime.date.fromordinal(day0 + rnd.randrange(2922))
    print(json.dumps({"id": "bench-%d-%d" % (seed, i), "date": day.isoformat(), "lang": l,
                      "title": "Synthetic article %d" % i, "text": " ".join(sents) + " (%d/%d)" % (seed, i)},
                     ensure_ascii=False))
PY
have=0
round=1
while [ "$have" -lt "$EVENTS" ] && [ $round -le 6 ]; do
  # about 25 events per article: ask for what is missing, plus 10%
  need=$(( (EVENTS - have) * 11 / 250 + 100 ))
  python3 "$T/gen.py" "$T/ev.jsonl" "$SHARED/data/news" "$need" "$round" > "$T/in.jsonl" || die "generator failed"
  "$K" ingest --db "$T/b.db" "$T/in.jsonl" > "$T/ingest.log" 2>&1 || { cat "$T/ingest.log"; die "ingest failed"; }
  got=$(sed -n 's/.*[;,] \([0-9][0-9]*\) events.*/\1/p' "$T/ingest.log" | tail -1)
  [ -n "$got" ] || { cat "$T/ingest.log"; die "cannot read the event count from kroniek ingest"; }
  have=$((have + got))
  round=$((round + 1))
done
t1=$(now_ms)
[ "$have" -ge "$EVENTS" ] || die "archive has only $have events"

# ---- the server ----
DB="$T/b.db" SERVE_START_TRIES=100
start_server() {  # start_server [ARGS]: sets $url
  [ -f "$T/serve.pid" ] && { kill "$(cat "$T/serve.pid")" 2>/dev/null; sleep 0.3; }
  url=$(serve_start serve --threads "$STHREADS" "$@") || die "server did not start"
}

ENDPOINTS="api/timeline
api/timeline?by=week&dyad=RUS,USA
api/events?limit=50
api/events?limit=50&order=desc
api/events?limit=50&offset=50000
api/events?limit=50&dyad=RUS,USA&order=desc"

if command -v wrk > /dev/null; then
  cat > "$T/count.lua" <<'LUA'
-- stop each wrk thread after its share of the requests (wrk counts non-2xx itself)
local max = tonumber(os.getenv("WRK_MAX") or "1000")
local n = 0
function response(status, headers, body)
  n = n + 1
  if n >= max then wrk.thread:stop() end
end
LUA
fi

load() {  # load LABEL: every endpoint against $url
  label=$1
  if command -v wrk > /dev/null; then
    echo "$ENDPOINTS" | while read -r ep; do
      python3 -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1]).read()" "$url$ep" || { echo "FAIL $ep"; exit 1; }
      WRK_MAX=$((REQS / 2)) wrk -t2 -c"$CONN" -d"${SECS}s" --timeout 10s --latency -s "$T/count.lua" "$url$ep" > "$T/wrk.out" 2>&1
      awk -v ep="/$ep" -v label="$label" '
        /Requests\/sec:/ { rps = $2 }
        /requests in/ { n = $1 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        /Socket errors:/ { serr = $0 }
        $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
        END {
          printf "bench serve (%s): %-46s %8.1f req/s  p50 %8s  p99 %8s  (%d requests%s%s)\n", label, ep, rps, p50, p99, n,
            bad ? ", " bad " non-2xx" : "", serr ? "; " serr : ""
          if (bad || n == 0) exit 1
        }' "$T/wrk.out" || { echo "FAIL $ep"; cat "$T/wrk.out"; exit 1; }
    done
  else
    python3 - "$url" "$REQS" "$SECS" "$CONN" "$label" "$ENDPOINTS" <<'PY'
import http.client, sys, threading, time, urllib.parse
base, reqs, secs, conn, label, eps = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6].split()
u = urllib.parse.urlsplit(base)
bad = 0
for ep in eps:
    lat, errs, left, lock = [], [0], [reqs], threading.Lock()
    end = time.time() + secs
    def worker():
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        while time.time() < end:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            t = time.perf_counter()
            c.request("GET", "/" + ep)
            r = c.getresponse(); r.read()
            d = time.perf_counter() - t
            with lock:
                lat.append(d)
                errs[0] += r.status != 200
        c.close()
    t0 = time.perf_counter()
    th = [threading.Thread(target=worker) for _ in range(conn)]
    [t.start() for t in th]; [t.join() for t in th]
    el = time.perf_counter() - t0
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else 0
    print("bench serve (%s): %-46s %8.1f req/s  p50 %6.1fms  p99 %6.1fms  (%d requests%s)" % (
        label, "/" + ep, len(lat) / el, p(0.50), p(0.99), len(lat), ", %d non-200" % errs[0] if errs[0] else ""))
    bad += errs[0]
sys.exit(1 if bad else 0)
PY
  fi
}

command -v wrk > /dev/null || echo "bench serve: wrk not found (apt-get install wrk); using a Python client"
start_server --no-cache
events=$(python3 -c "import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + 'api/stats'))['events'])" "$url")
echo "bench serve: archive of $events events ($(( $(wc -c < "$T/b.db") / 1048576 )) MB) built in $(( (t1 - t0) / 1000 )) s; server: $STHREADS threads on $(nproc) cores; load: $CONN connections, at most $REQS requests or ${SECS} s per endpoint"
fail=0
load "no cache" || fail=1
start_server
load "cached" || fail=1
exit $fail
