#!/bin/sh
# tests/cli/serve-names.sh -- the API for the page of issue 14: actor names in events,
# dyads and articles (names=nl|en), the actor look-up (/api/actors?q=), events per
# country (/api/countries), downloads (/api/export: csv, jsonl, gdelt, plover), one a
# day in /api/events, and the articles per period in /api/timeline.
#
# Run from the repository root with ./kroniek built:  sh tests/cli/serve-names.sh
# Prints "N passed, N failed"; exits non-zero on any failure.
set -u
K=${K:-./kroniek}
SHARED=${SHARED:-../shared}
T=$(mktemp -d "${TMPDIR:-/tmp}/kroniek-serve-names.XXXXXX")
. "$(dirname "$0")/../lib/serve-start.sh"    # serve_start NAME ARGS..., serve_cleanup
trap serve_cleanup EXIT INT TERM
die() { echo "serve-names.sh: $*" >&2; exit 1; }
command -v python3 >/dev/null || die "python3 is needed"
[ -x "$K" ] || die "$K not built"

"$K" ingest --db "$T/a.db" "$SHARED/data/news/seed-2022-01-geneve.txt" "$SHARED/data/news/nl-dpgmedia2019.jsonl" \
  tests/browser/evil.jsonl > "$T/ingest.log" 2>&1 || { cat "$T/ingest.log"; die "ingest failed"; }
DB="$T/a.db" SERVE_START_TRIES=100
url=$(serve_start serve) || die "server did not start"

python3 - "$url" <<'PY'
import json, sys, urllib.request, urllib.error, urllib.parse
base = sys.argv[1].rstrip('/')
passed = failed = 0
def check(name, ok, detail=""):
    global passed, failed
    if ok: passed += 1
    else:
        failed += 1
        print("FAIL", name, str(detail)[:400])
def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=30) as r:
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict((k.lower(), v) for k, v in e.headers.items()), e.read()
def j(path, want=200):
    st, hd, body = get(path)
    check(path + " status %d" % want, st == want, "%d %r" % (st, body[:200]))
    return json.loads(body)
q = urllib.parse.quote

# names in events, both languages; lang stays the article-language filter
ev = j("/api/events?dyad=RUS,USA&limit=100")
check("events: every event has source_name and target_name", ev["events"] and all(e["source_name"] and e["target_name"] for e in ev["events"]))
names = {e["source"]: e["source_name"] for e in ev["events"]}
check("events: English names by default", names.get("RUS") == "Russia" and names.get("USA") == "United States", names)
nl = j("/api/events?dyad=RUS,USA&limit=100&names=nl")
nln = {e["source"]: e["source_name"] for e in nl["events"]}
check("events: names=nl gives Dutch names", nln.get("RUS") == "Rusland" and nln.get("USA") == "Verenigde Staten", nln)
check("events: RUSGOV is a government", any(e["source_name"] == "Russia: government" for e in ev["events"] if e["source"] == "RUSGOV"))
j("/api/events?names=fr", 400)
j("/api/events?lang=en&names=nl")
art = j("/api/article/seed-2022-01-geneve?names=nl")
check("article: events named", all(e["source_name"] for e in art["events"]) and any(e["source_name"] == "Rusland" for e in art["events"]))
dy = j("/api/dyads?limit=3&actor=RUS")
check("dyads: a_name and b_name", all(d["a_name"] and d["b_name"] for d in dy["dyads"]), dy["dyads"][:1])

# one a day
od = j("/api/events?dyad=RUS,USA&one_a_day=1&limit=1000")
keys = [(e["date"], e["source"], e["target"], e["code"]) for e in od["events"]]
check("one_a_day: no (date, source, target, code) twice", len(keys) == len(set(keys)) and od["one_a_day"] is True)
allkeys = set((e["date"], e["source"], e["target"], e["code"]) for e in ev["events"])
check("one_a_day: every group once", set(keys) == allkeys and od["total"] == len(allkeys), (od["total"], len(allkeys)))
tl = j("/api/timeline?dyad=RUS,USA")
check("one_a_day: total equals the timeline's count_daily", od["total"] == sum(r["count_daily"] for r in tl["rows"]))
p2 = j("/api/events?dyad=RUS,USA&one_a_day=1&limit=3&offset=3&order=desc")
full = j("/api/events?dyad=RUS,USA&one_a_day=1&limit=1000&order=desc")
check("one_a_day: paging", [e["id"] for e in p2["events"]] == [e["id"] for e in full["events"][3:6]])
j("/api/events?one_a_day=2", 400)

# the actor look-up
a = j("/api/actors?q=Rusl&limit=5")
check("look-up: Rusl -> RUS first, with names", a["actors"] and a["actors"][0]["code"] == "RUS" and a["actors"][0]["name_nl"] == "Rusland", a["actors"][:1])
check("look-up: only Russian actors for Rusl", all(x["code"].startswith("RUS") for x in a["actors"]), [x["code"] for x in a["actors"]])
check("look-up: NAVO -> IGOWSTNAT", [x["code"] for x in j("/api/actors?q=navo")["actors"]][:1] == ["IGOWSTNAT"])
vs = j("/api/actors?q=" + q("Verenigde Staten"))
check("look-up: a full Dutch name", vs["actors"] and vs["actors"][0]["code"] == "USA", vs["actors"][:2])
check("look-up: accents ignored", [x["code"] for x in j("/api/actors?q=" + q("rüsland"))["actors"]][:1] == ["RUS"])
check("look-up: a code prefix", all(x["code"].startswith("NLD") for x in j("/api/actors?q=nld&limit=10")["actors"]))
check("look-up: names=nl", j("/api/actors?q=rege&names=nl&limit=50")["actors"][0]["name"].endswith("regering"))
check("look-up: nothing for nonsense", j("/api/actors?q=xyzzyqq")["actors"] == [])
j("/api/actors?q=" + "a" * 200, 400)
j("/api/actors?q=" + q("--"), 400)

# countries
c = j("/api/countries?dyad=RUS,USA")
codes = sorted(x["code"] for x in c["countries"])
check("countries: a dyad gives its two countries", codes == ["RUS", "USA"], codes)
tot = len(ev["events"])
check("countries: counts add up", all(x["events"] == tot for x in c["countries"]), [(x["code"], x["events"]) for x in c["countries"]])
c2 = j("/api/countries?names=nl&from=2022-01&to=2022-01")
by = {x["code"]: x for x in c2["countries"]}
check("countries: Dutch names, as source/target", by["RUS"]["name"] == "Rusland" and by["RUS"]["as_source"] + by["RUS"]["as_target"] >= by["RUS"]["events"])
j("/api/countries?limit=3", 400)

# export
st, hd, body = get("/api/export?format=csv&dyad=RUS,USA")
lines = body.decode().strip().split("\n")
check("export csv: type and file name", st == 200 and hd["content-type"].startswith("text/csv") and 'filename="kroniek-events.csv"' in hd.get("content-disposition", ""), hd)
check("export csv: header and one row per event", lines[0].startswith("doc,date,") and len(lines) == 1 + ev["total"], len(lines))
st, hd, body = get("/api/export?format=jsonl&dyad=RUS,USA&one_a_day=1&names=nl")
objs = [json.loads(l) for l in body.decode().strip().split("\n")]
check("export jsonl: one a day, names, file name", len(objs) == od["total"] and all(o["source_name"] for o in objs) and "one-a-day.jsonl" in hd["content-disposition"], len(objs))
check("export jsonl: the objects of /api/events", set(objs[0]) == set(ev["events"][0]))
st, hd, body = get("/api/export?format=gdelt&header=1&dyad=RUS,USA")
g = body.decode().strip().split("\n")
check("export gdelt: header and columns", g[0].startswith("GLOBALEVENTID\t") and len(g) == 1 + ev["total"] and all(len(l.split("\t")) == len(g[0].split("\t")) for l in g), len(g))
st, hd, body = get("/api/export?format=gdelt&dyad=RUS,USA")
check("export gdelt: no header unless asked", not body.startswith(b"GLOBALEVENTID"))
st, hd, body = get("/api/export?format=plover&dyad=RUS,USA")
check("export plover: JSON Lines", st == 200 and all(json.loads(l) for l in body.decode().strip().split("\n")))
st, hd, body = get("/api/export?format=csv&actor=ZZZZ")
check("export: an empty selection is a header only", st == 200 and body.decode().strip().count("\n") == 0, body[:100])
st, hd, body = get("/api/export?format=csv&limit=5")
check("export: limit", st == 200 and body.decode().strip().count("\n") == 5)
j("/api/export?format=xml", 400)
j("/api/export?limit=200001", 400)
st, hd, body = get("/api/export?format=csv&text=" + q("<script>"))
check("export: markup in a query is fine", st in (200, 400))
st, hd, body = get("/api/export?format=jsonl&doc=" + q("evil-<b>1</b>"))
check("export jsonl: markup stays text", st == 200 and b"<script>alert(1)</script>" in body, body[:200])

# articles per period
stats = j("/api/stats")
for by in ("month", "week", "day"):
    rows = j("/api/timeline?by=" + by)["rows"]
    check("timeline %s: rows have articles" % by, all("articles" in r for r in rows))
    # periods with articles but no events are not rows, so the sum is at most the archive's
    check("timeline %s: articles at most the archive's" % by, 0 < sum(r["articles"] for r in rows) <= stats["articles"])
m = j("/api/timeline")["rows"]
mnl = {r["period"]: r["articles"] for r in j("/api/timeline?lang=nl")["rows"]}
men = {r["period"]: r["articles"] for r in j("/api/timeline?lang=en")["rows"]}
check("timeline: articles per language add up", all(r["articles"] == mnl.get(r["period"], 0) + men.get(r["period"], 0) for r in m), m[:2])
jan = [r for r in j("/api/timeline?dyad=RUS,USA")["rows"] if r["period"] == "2022-01"]
check("timeline: articles do not depend on the actor filters", jan and jan[0]["articles"] == [r for r in m if r["period"] == "2022-01"][0]["articles"])
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
