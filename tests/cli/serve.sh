#!/bin/sh
# tests/cli/serve.sh -- the HTTP API of `kroniek serve`: every endpoint, paging and
# filters, and hostile requests (oversized URLs and parameters, malformed values, path
# traversal, methods and bodies, script injection stored in an article, CORS defaults).
#
# Run from the repository root with ./kroniek built:  sh tests/cli/serve.sh
# It ingests the seed, the Dutch news file and one hostile article into a temporary
# archive (or uses $KRONIEK_TEST_DB if set, e.g. a postgresql:// URI that is already
# loaded), starts the server on a free loopback port and checks the answers with a
# small Python client (raw sockets where a normal client would clean the request).
# Prints "N passed, N failed"; exits non-zero on any failure.
set -u
K=${K:-./kroniek}
SHARED=${SHARED:-../shared}
T=$(mktemp -d "${TMPDIR:-/tmp}/kroniek-serve.XXXXXX")
. "$(dirname "$0")/../lib/serve-start.sh"    # serve_start NAME ARGS..., serve_cleanup
trap serve_cleanup EXIT INT TERM
die() { echo "serve.sh: $*" >&2; exit 1; }
command -v python3 >/dev/null || die "python3 is needed"
[ -x "$K" ] || die "$K not built"

# an article that tries to inject markup and script
cat > "$T/evil.jsonl" <<'EOF'
{"id": "evil-<b>1</b>", "date": "2021-06-01", "lang": "en", "title": "<script>alert('title')</script> Talks & <b>threats</b>", "text": "<script>alert(1)</script> Russia threatened Ukraine with sanctions on Monday. The United States met Russia in Geneva and talked about <img src=x onerror=alert(2)> security. \"Quotes\", back\\slashes and </textarea> stay text.", "url": "javascript:alert(3)"}
EOF

DB=${KRONIEK_TEST_DB:-}
if [ -z "$DB" ]; then
  DB="$T/a.db"
  "$K" ingest --db "$DB" "$SHARED/data/news/seed-2022-01-geneve.txt" "$SHARED/data/news/nl-dpgmedia2019.jsonl" \
    "$T/evil.jsonl" > "$T/ingest.log" 2>&1 || { cat "$T/ingest.log"; die "ingest failed"; }
fi

SERVE_START_TRIES=100

# a --web directory with a page, a dot file and a symlink out of it
mkdir -p "$T/web"
echo '<!doctype html><title>from --web</title>' > "$T/web/index.html"
echo 'secret' > "$T/web/.hidden"
ln -s /etc/passwd "$T/web/passwd"
BASE=$(serve_start main) || die "server did not start"
CORS=$(serve_start cors --cors https://analyst.example) || die "server with --cors did not start"
WEB=$(serve_start web --web "$T/web") || die "server with --web did not start"

# setup errors: exit 2 with a message
pre_fail=0
timeout 20 "$K" serve --db "$T/missing.db" --listen 127.0.0.1:0 > /dev/null 2> "$T/e1.log"; [ $? -eq 2 ] || { echo "FAIL missing archive should exit 2"; pre_fail=$((pre_fail + 1)); }
timeout 20 "$K" serve --db "$DB" --listen nonsense:xx > /dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL bad --listen should exit 2"; pre_fail=$((pre_fail + 1)); }
timeout 20 "$K" serve --db "$DB" --cors 'https://a.example
X-Evil: 1' > /dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL bad --cors should exit 2"; pre_fail=$((pre_fail + 1)); }
timeout 20 "$K" serve --db "$DB" --bogus > /dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL unknown option should exit 2"; pre_fail=$((pre_fail + 1)); }

python3 - "$BASE" "$CORS" "$pre_fail" "$T/main.log" "$K" "$DB" "$T" "$WEB" <<'PY'
import json, os, socket, subprocess, sys, threading, urllib.parse, http.client, time

base, cors_base, pre_fail, log, kroniek, db, tmp, web_base = sys.argv[1:9]
pre_fail = int(pre_fail)
u = urllib.parse.urlsplit(base)
HOST, PORT = u.hostname, u.port
cu = urllib.parse.urlsplit(cors_base)
passed = failed = 0

def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", name, detail[:400])

def raw(data, port=PORT, timeout=10):
    """Send bytes as they are; return (status, headers dict, body bytes)."""
    s = socket.create_connection((HOST, port), timeout=timeout)
    try:
        s.sendall(data)
        buf = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            buf += chunk
            head, sep, rest = buf.partition(b"\r\n\r\n")
            if sep:
                hl = head.decode("latin-1").split("\r\n")
                hd = {}
                for line in hl[1:]:
                    k, _, v = line.partition(":")
                    hd[k.strip().lower()] = v.strip()
                n = int(hd.get("content-length", "-1"))
                if n >= 0 and len(rest) >= n:
                    break
    finally:
        s.close()
    head, sep, body = buf.partition(b"\r\n\r\n")
    if not sep:
        return 0, {}, b""
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hd = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hd[k.strip().lower()] = v.strip()
    return status, hd, body

def get(path, method="GET", port=PORT, headers=None, body=b""):
    h = "".join("%s: %s\r\n" % kv for kv in (headers or {}).items())
    req = ("%s %s HTTP/1.1\r\nHost: %s:%d\r\n%sConnection: close\r\n\r\n" % (method, path, HOST, port, h)).encode("latin-1") + body
    return raw(req, port)

def jget(path, want=200, name=None):
    st, hd, body = get(path)
    name = name or path[:80]
    check(name + " status", st == want, "got %d %r" % (st, body[:200]))
    check(name + " json type", hd.get("content-type", "").startswith("application/json"), repr(hd.get("content-type")))
    try:
        return json.loads(body)
    except Exception as e:
        check(name + " valid json", False, repr(body[:200]))
        return {}

def q(**kw):
    return urllib.parse.urlencode(kw)

# ---- every endpoint ----
idx = jget("/api")
paths = [e["path"] for e in idx.get("endpoints", [])]
for p in ["/api/events", "/api/search", "/api/timeline", "/api/actors", "/api/article/{id}", "/api/stats", "/api/codes", "/api/dyads"]:
    check("index lists " + p, p in paths)

stats = jget("/api/stats")
check("stats: articles", stats.get("articles", 0) >= 3, repr(stats))
check("stats: events", stats.get("events", 0) > 0, repr(stats))
check("stats: last date", str(stats.get("last", "")).startswith("2022-01"), repr(stats))

ev = jget("/api/events?limit=5")
check("events: page size", len(ev.get("events", [])) == min(5, ev.get("total", 0)), repr(ev)[:300])
check("events: total", ev.get("total", 0) == stats.get("events"), "%r vs %r" % (ev.get("total"), stats.get("events")))
e0 = ev["events"][0] if ev.get("events") else {}
for k in ["id", "doc", "date", "sentence", "source", "target", "code", "root", "label", "quad", "goldstein", "text"]:
    check("event field " + k, k in e0, repr(e0)[:300])
p2 = jget("/api/events?limit=5&offset=5")
ids1 = {e["id"] for e in ev.get("events", [])}
ids2 = {e["id"] for e in p2.get("events", [])}
check("events: pages do not overlap", not (ids1 & ids2), "%r %r" % (ids1, ids2))
check("events: offset echoed", p2.get("offset") == 5)

dy = jget("/api/events?" + q(dyad="RUS,USA", limit=1000))
check("dyad RUS,USA has events", dy.get("total", 0) > 0, repr(dy)[:200])
check("dyad filter holds", all({e["source"][:3], e["target"][:3]} == {"RUS", "USA"} for e in dy.get("events", [])))
dy2 = jget("/api/events?" + q(dyad="usa,rus", limit=1000))
check("dyad is either direction and case-folded", dy2.get("total") == dy.get("total"))
jan = jget("/api/events?" + q(**{"from": "2022-01", "to": "2022-01", "limit": 1000}))
check("date filter: 2022-01 events exist", jan.get("total", 0) > 0)
check("date filter holds", all(e["date"].startswith("2022-01") for e in jan.get("events", [])))
cd = jget("/api/events?" + q(root="13", limit=1000))
check("root filter holds", all(e["code"].startswith("13") for e in cd.get("events", [])))
cd = jget("/api/events?" + q(code="04", limit=1000))
check("code prefix filter holds", all(e["code"].startswith("04") for e in cd.get("events", [])))
qd = jget("/api/events?" + q(quad=4, limit=1000))
check("quad filter holds", all(e["quad"] == 4 for e in qd.get("events", [])))
nl = jget("/api/events?" + q(lang="en", limit=1000))
check("lang filter holds", all(e.get("lang") == "en" for e in nl.get("events", [])))
act = jget("/api/events?" + q(actor="RUS", limit=1000))
check("actor filter holds", all(e["source"].startswith("RUS") or e["target"].startswith("RUS") for e in act.get("events", [])))
doc = jget("/api/events?" + q(doc="seed-2022-01-geneve", limit=1000))
check("doc filter holds", doc.get("total", 0) > 0 and all(e["doc"] == "seed-2022-01-geneve" for e in doc.get("events", [])))
# order=desc is the exact reverse of the default order, page by page, with and without filters
for f in [{}, {"actor": "RUS"}, {"lang": "nl"}, {"quad": 3}, {"text": "sancties"}]:
    fa = jget("/api/events?" + q(limit=1000, **f)).get("events", [])
    n = len(fa)
    whole = [e["id"] for e in reversed(fa)]
    fd = jget("/api/events?" + q(limit=1000, order="desc", **f))
    check("order=desc reverses the order %r" % f, [e["id"] for e in fd.get("events", [])] == whole and fd.get("total") == n and fd.get("order") == "desc")
    got = []
    for off in range(0, n + 7, 7):
        got += [e["id"] for e in jget("/api/events?" + q(limit=7, offset=off, order="desc", **f)).get("events", [])]
    check("order=desc pages add up to the whole %r" % f, got == whole, "%d vs %d" % (len(got), len(whole)))
    last = jget("/api/events?" + q(limit=5, offset=max(n - 2, 0), order="desc", **f)).get("events", [])
    check("order=desc: the last page %r" % f, [e["id"] for e in last] == whole[max(n - 2, 0):])

tl = jget("/api/timeline?" + q(dyad="RUS,USA"))
periods = [r["period"] for r in tl.get("rows", [])]
check("timeline: RUS-USA in 2022-01", "2022-01" in periods, repr(periods))
r22 = [r for r in tl.get("rows", []) if r["period"] == "2022-01"]
check("timeline row fields", r22 and all(k in r22[0] for k in ["count", "count_daily", "goldstein_sum", "goldstein_mean", "quad_share", "quad_count"]), repr(r22))
check("timeline: conflict in 2022-01", r22 and (r22[0]["quad_count"][2] + r22[0]["quad_count"][3]) > 0, repr(r22))
tlw = jget("/api/timeline?by=week")
check("timeline by week", len(tlw.get("rows", [])) > 0 and "-W" in tlw["rows"][0]["period"], repr(tlw)[:200])
tld = jget("/api/timeline?by=day&from=2019-01-01&to=2019-12-31")
check("timeline by day", all(len(r["period"]) == 10 for r in tld.get("rows", [])), repr(tld)[:200])
tlg = jget("/api/timeline?group=dyad")
check("timeline grouped by dyad", all("source" in r and "target" in r for r in tlg.get("rows", [])) and tlg.get("rows"), repr(tlg)[:200])

dyads = jget("/api/dyads?limit=5")
check("dyads: at most limit", 0 < len(dyads.get("dyads", [])) <= 5, repr(dyads)[:200])
cnts = [d["count"] for d in dyads.get("dyads", [])]
check("dyads: sorted by count", cnts == sorted(cnts, reverse=True), repr(cnts))
lm = jget("/api/dyads?" + q(**{"from": "2022-01", "to": "2022-01"}))
check("dyads of 2022-01 include RUS-USA", any({d["a"], d["b"]} == {"RUS", "USA"} for d in lm.get("dyads", [])), repr(lm)[:300])

ac = jget("/api/actors?prefix=RU&limit=10")
check("actors: prefix holds", ac.get("actors") and all(a["code"].startswith("RU") for a in ac["actors"]), repr(ac)[:200])
check("actors: limit holds", len(ac.get("actors", [])) <= 10)

art = jget("/api/article/seed-2022-01-geneve")
check("article: text", "Gen" in art.get("text", ""), repr(art)[:200])
check("article: sentences as parts", sum(1 for p in art.get("parts", []) if "n" in p) == art.get("sentences"), repr(art.get("parts"))[:200])
check("article: parts rebuild the text", "".join(p["t"] for p in art.get("parts", [])) == art.get("text"))
check("article: events", len(art.get("events", [])) > 0)
sents = {p["n"]: p["t"] for p in art.get("parts", []) if "n" in p}
check("article: evidence sentence is the event's text",
      all(sents.get(e["sentence"], "").strip() == e["text"].strip() for e in art.get("events", [])),
      repr([(e["sentence"], e["text"][:40]) for e in art.get("events", [])])[:300])
jget("/api/article/no-such-article", 404)
jget("/api/article/", 404)
jget("/api/article/..%2f..%2fetc%2fpasswd", 404, "article id with traversal")

se = jget("/api/search?" + q(q="sancties"))
check("search finds the seed", any(r["id"] == "seed-2022-01-geneve" for r in se.get("results", [])), repr(se)[:300])
check("search: snippet marks", any("[" in r.get("snippet", "") for r in se.get("results", [])))
se2 = jget("/api/search?" + q(q="sancties", lang="en"))
check("search: filter holds", all(r["lang"] == "en" for r in se2.get("results", [])))
ft = jget("/api/events?" + q(text="Genève", limit=100))
check("events restricted by full text", ft.get("total", 0) > 0 and all(e["doc"] == "seed-2022-01-geneve" for e in ft.get("events", [])) or ft.get("total", 0) > 0, repr(ft)[:200])

codes = jget("/api/codes")
c043 = [c for c in codes.get("codes", []) if c["code"] == "043"]
check("codes: 043 has a label", c043 and c043[0]["label"], repr(c043))
check("codes: table is complete", len(codes.get("codes", [])) > 200)
jget("/api/codes?code=138")
jget("/api/codes?code=999", 404)

# ---- malformed parameters: 400 with a JSON error ----
bad = [
    "/api/events?limit=abc", "/api/events?limit=0", "/api/events?limit=100000", "/api/events?offset=-1",
    "/api/events?limit=1e3", "/api/events?limit=99999999999999999999999", "/api/events?quad=5", "/api/events?quad=x",
    "/api/events?from=2022-13-01", "/api/events?from=2022-02-30", "/api/events?to=yesterday",
    "/api/events?from=2022-02&to=2022-01", "/api/events?dyad=RUS", "/api/events?dyad=RUS,USA,CHN",
    "/api/events?actor=" + urllib.parse.quote("RUS';DROP TABLE events;--"),
    "/api/events?source=" + urllib.parse.quote("' OR 1=1 --"), "/api/events?code=1a", "/api/events?code=04%25",
    "/api/events?root=21", "/api/events?code=04&root=04", "/api/events?lang=de", "/api/timeline?by=year",
    "/api/timeline?group=actor", "/api/events?nonsense=1", "/api/events?limit=5&limit=6", "/api/stats?x=1",
    "/api/search", "/api/search?q=" + urllib.parse.quote('"unbalanced'), "/api/actors?prefix=R%25",
    "/api/events?actor=RUS%00USA", "/api/events?text=%ff%fe", "/api/events?actor=A%0d%0aX-Evil:%201",
    "/api/codes?code=abc",
]
for path in bad:
    st, hd, body = get(path)
    ok = st == 400
    try:
        msg = json.loads(body).get("error", "")
    except Exception:
        msg = ""
    check("400 for " + path, ok and msg, "got %d %r" % (st, body[:200]))
    check("no header injection " + path, "x-evil" not in hd)

# SQL-looking full text is data, not SQL: 200 or 400, never 500; the archive is intact
for t in ["' OR 1=1 --", "x\"; DROP TABLE events; --", "NEAR(a b", "*", "a OR", "\\", "%", "_"]:
    st, hd, body = get("/api/events?" + q(text=t))
    check("full text %r is not SQL" % t, st in (200, 400), "got %d %r" % (st, body[:200]))
    st, hd, body = get("/api/search?" + q(q=t))
    check("search %r is not SQL" % t, st in (200, 400), "got %d %r" % (st, body[:200]))
check("archive intact after injections", jget("/api/stats").get("events") == stats.get("events"))

# ---- oversized ----
st, hd, body = get("/api/events?text=" + "a" * 5000)
check("414 for a long parameter", st == 414 and b"error" in body, "got %d" % st)
st, hd, body = get("/api/events?" + "&".join("p%d=1" % i for i in range(40)))
check("414 for too many parameters", st == 414, "got %d" % st)
st, hd, body = get("/api/events?" + q(text="x" * 600))
check("414 for a long full-text query", st == 414, "got %d" % st)
st, hd, body = get("/api/events?" + "&".join("%s=%s" % (k, "A" * 1000) for k in ["actor", "source", "target", "doc", "lang"]))
check("414 for a long URL", st == 414, "got %d" % st)
st, hd, body = get("/" + "a" * 2000)
check("414 for a long path", st == 414, "got %d" % st)
st, hd, body = get("/api/events?text=" + "b" * 200000)
check("huge request line refused (413/414/431)", st in (413, 414, 431) or st == 0, "got %d" % st)
big = {"X-Big": "y" * 100000}
st, hd, body = get("/api/stats", headers=big)
check("huge header refused", st in (413, 414, 431) or st == 0, "got %d" % st)
st, hd, body = get("/api/stats", headers={"Content-Length": "5"}, body=b"hello")
check("413 for a GET with a body", st == 413, "got %d" % st)
st, hd, body = get("/api/stats", method="POST", headers={"Content-Length": "10000000"}, body=b"x" * 65536)
check("405 for POST with a big body", st in (405, 413), "got %d" % st)

# ---- methods ----
for m in ["POST", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS"]:
    st, hd, body = get("/api/events", method=m, headers={"Content-Length": "0"})
    check("405 for " + m, st == 405 and "GET" in hd.get("allow", ""), "got %d %r" % (st, hd))
st, hd, body = get("/api/stats", method="HEAD")
check("HEAD works", st == 200 and body == b"", "got %d %r" % (st, body[:50]))
jget("/api/nope", 404)
jget("/api/events/1", 404)

# ---- path traversal: only the web files are served ----
trav = ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/web/../src/serve.c", "/src/serve.c", "/index.html/../../../etc/passwd", "//etc/passwd", "/%2fetc%2fpasswd",
        "/....//....//etc/passwd", "/..\\..\\etc\\passwd", "/%c0%ae%c0%ae/etc/passwd", "/.git/config", "/web/index.html",
        "/Makefile", "/build/data.c", "/kroniek", "/index.html%00.js", "/./index.html/.", "/app.js/"]
for path in trav:
    st, hd, body = get(path)
    check("traversal refused " + path, st in (400, 404) and b"root:" not in body and b"#include" not in body
          and b"[core]" not in body, "got %d %r" % (st, body[:100]))

# ---- the page ----
st, hd, body = get("/")
check("/ serves the page", st == 200 and hd.get("content-type", "").startswith("text/html") and b"app.js" in body, "got %d" % st)
check("page has a CSP", "script-src 'self'" in hd.get("content-security-policy", ""))
check("page: nosniff", hd.get("x-content-type-options") == "nosniff")
check("page: no framing", hd.get("x-frame-options") == "DENY")
st, hd, body = get("/?dyad=RUS,USA&from=2022-01")
check("/ with a view in the query string", st == 200 and b"app.js" in body)
for f, ct in [("/app.js", "text/javascript"), ("/style.css", "text/css"), ("/index.html", "text/html")]:
    st, hd, body = get(f)
    check("serves " + f, st == 200 and hd.get("content-type", "").startswith(ct) and len(body) > 100, "got %d %r" % (st, hd.get("content-type")))
st, hd, body = get("/app.js")
import re
check("app.js never parses data as markup", not re.search(rb"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", body))
jget("/nothing-here.js", 404)

# ---- script injection stored in an article: JSON-escaped, never markup ----
evil_id = "evil-<b>1</b>"
st, hd, body = get("/api/article/" + urllib.parse.quote(evil_id, safe=""))
check("evil article found", st == 200, "got %d %r" % (st, body[:200]))
check("evil: no raw <script> in the body", b"<script" not in body and b"<img" not in body and b"<b>" not in body, repr(body[:300]))
check("evil: \\u003c escapes", b"\\u003cscript\\u003e" in body)
check("evil: json content type + nosniff", hd.get("content-type", "").startswith("application/json") and hd.get("x-content-type-options") == "nosniff")
a = json.loads(body or b"{}")
check("evil: text round-trips", "<script>alert(1)</script>" in a.get("text", "") and "</textarea>" in a.get("text", ""), repr(a.get("text"))[:200])
check("evil: title round-trips", a.get("title", "").startswith("<script>alert('title')</script>"), repr(a.get("title")))
st, hd, body = get("/api/search?" + q(q="threatened"))
check("evil search: escaped", st == 200 and b"<script" not in body, "got %d" % st)
st, hd, body = get("/api/events?" + q(doc=evil_id))
check("evil events: escaped", st == 200 and b"<script" not in body and b"<img" not in body, "got %d %r" % (st, body[:200]))
st, hd, body = get("/api/no<script>alert(1)</script>")
check("error messages are escaped", st == 404 and b"<script" not in body, "got %d %r" % (st, body[:200]))

# ---- CORS: off by default, on with --cors ----
st, hd, body = get("/api/stats", headers={"Origin": "https://evil.example"})
check("no CORS by default", st == 200 and "access-control-allow-origin" not in hd, repr(hd))
st, hd, body = get("/api/stats", port=cu.port, headers={"Origin": "https://analyst.example"})
check("--cors sets the origin", hd.get("access-control-allow-origin") == "https://analyst.example", repr(hd))
st, hd, body = get("/api/stats", method="OPTIONS", port=cu.port, headers={"Origin": "https://analyst.example", "Access-Control-Request-Method": "GET"})
check("--cors answers preflight", st == 204 and "GET" in hd.get("access-control-allow-methods", ""), "got %d %r" % (st, hd))

# ---- --web DIR: only its regular files ----
wp = urllib.parse.urlsplit(web_base).port
st, hd, body = get("/", port=wp)
check("--web serves its index.html", st == 200 and b"from --web" in body, "got %d %r" % (st, body[:100]))
for path in ["/.hidden", "/passwd", "/../index.html", "/app.js", "/%2e%2e/web/index.html"]:
    st, hd, body = get(path, port=wp)
    check("--web refuses " + path, st == 404 and b"secret" not in body and b"root:" not in body, "got %d %r" % (st, body[:100]))
st, hd, body = get("/api/stats", port=wp)
check("--web still answers the API", st == 200)

# ---- loopback by default, robustness ----
check("binds loopback", base.startswith("http://127.0.0.1:"), base)
idle = []
for i in range(20):      # idle half-open connections must not block others
    s = socket.create_connection((HOST, PORT)); s.sendall(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n"); idle.append(s)
st, hd, body = get("/api/stats")
check("serves while 20 connections dangle", st == 200, "got %d" % st)
for s in idle: s.close()
res = []
def worker():
    for i in range(10):
        st, hd, body = get("/api/events?limit=20&offset=%d" % (i * 3))
        res.append(st)
ths = [threading.Thread(target=worker) for _ in range(8)]
[t.start() for t in ths]; [t.join() for t in ths]
check("80 concurrent requests all 200", res.count(200) == 80, repr(sorted(set(res))))
c = http.client.HTTPConnection(HOST, PORT, timeout=10)
ok = True
for i in range(5):
    c.request("GET", "/api/stats"); r = c.getresponse(); r.read(); ok = ok and r.status == 200
c.close()
check("keep-alive: 5 requests on one connection", ok)
check("still alive at the end", jget("/api/stats").get("events") == stats.get("events"))
srvlog = open(log).read()
check("no internal errors logged", "internal" not in srvlog and "error" not in srvlog.lower(), srvlog[-500:])

# ---- answers are cached, but a new ingest shows at once ----
if os.path.isfile(db):
    s0 = jget("/api/stats")
    e0 = jget("/api/events?" + q(**{"from": "2022-02", "to": "2022-02"}))
    with open(os.path.join(tmp, "extra.jsonl"), "w") as f:
        f.write(json.dumps({"id": "extra-1", "date": "2022-02-01", "lang": "nl",
                            "text": "Rusland heeft Oekraïne gisteren gewaarschuwd voor harde maatregelen."}) + "\n")
    r = subprocess.run([kroniek, "ingest", "--db", db, os.path.join(tmp, "extra.jsonl")], capture_output=True, text=True)
    check("cache: ingest next to a running server", r.returncode == 0, r.stderr)
    s1 = jget("/api/stats")
    check("cache: new article visible in stats", s1.get("articles") == s0.get("articles", 0) + 1, "%r -> %r" % (s0, s1))
    e1 = jget("/api/events?" + q(**{"from": "2022-02", "to": "2022-02"}))
    check("cache: new events visible", e1.get("total", 0) >= e0.get("total", 0), "%r -> %r" % (e0.get("total"), e1.get("total")))

failed += pre_fail
print("%d passed, %d failed" % (passed + (4 - pre_fail), failed))
sys.exit(1 if failed else 0)
PY
rc=$?
# a clean stop on SIGTERM
pid=$(cat "$T/main.pid")
kill -TERM "$pid"
i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then echo "FAIL server did not stop on SIGTERM"; rc=1; fi
exit $rc
