#!/bin/sh
# tests/cli/serve-abuse.sh -- `kroniek serve` under protocol abuse (issue 15): a raw NUL
# in the request line (item 7), bad Content-Length, Host missing or twice (item 12), a
# FIFO in --web DIR (item 9), a 200,000-sentence article (item 5: paged parts, bounded
# answer and memory), and the options for facing a network (item 13: refusing a
# non-loopback address without a token, the access token, TLS, rate limit).
#
# Run from the repository root:  sh tests/cli/serve-abuse.sh   (K=path/to/kroniek)
# Loopback only; every loop is bounded.  Prints "N passed, N failed".
set -u
K=${K:-./kroniek}
SHARED=${SHARED:-../shared}
T=$(mktemp -d "${TMPDIR:-/tmp}/kroniek-abuse.XXXXXX")
. "$(dirname "$0")/../lib/serve-start.sh"    # serve_start NAME ARGS..., serve_cleanup
trap serve_cleanup EXIT INT TERM
die() { echo "serve-abuse.sh: $*" >&2; exit 1; }
command -v python3 >/dev/null || die "python3 is needed"
[ -x "$K" ] || die "$K not built"

# the archive: the seed, and one article of 200,000 short sentences (2.6 MB)
python3 -c "
import json
t = ' '.join('Wij ook %d.' % i for i in range(200000))
print(json.dumps({'id': 'huge', 'date': '2022-01-10', 'lang': 'nl', 'text': t}))
" > "$T/huge.jsonl"
DB="$T/a.db"
"$K" ingest --db "$DB" "$SHARED/data/news/seed-2022-01-geneve.txt" "$T/huge.jsonl" > "$T/ingest.log" 2>&1 ||
  { cat "$T/ingest.log"; die "ingest failed"; }


# --web DIR with a file that becomes a FIFO once the server has listed the directory
mkdir -p "$T/web"
echo '<!doctype html><title>w</title>' > "$T/web/index.html"
echo 'x' > "$T/web/pipe.html"
BASE=$(serve_start main --no-cache) || die "server did not start"
WEB=$(serve_start web --threads 1 --web "$T/web") || die "server with --web did not start"
rm "$T/web/pipe.html" && mkfifo "$T/web/pipe.html"

# the memory check means nothing under ASan (freed memory stays in its quarantine)
ASAN=0; ldd "$K" 2>/dev/null | grep -q libasan && ASAN=1
python3 - "$BASE" "$WEB" "$(cat "$T/main.pid")" "$ASAN" <<'PY'
import json, socket, sys, threading, time, urllib.parse
base, web, pid, asan = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
u = urllib.parse.urlsplit(base); HOST, PORT = u.hostname, u.port
WPORT = urllib.parse.urlsplit(web).port
passed = failed = 0
def check(name, ok, detail=""):
    global passed, failed
    if ok: passed += 1
    else:
        failed += 1; print("FAIL", name, str(detail)[:300])

def raw(data, port=PORT, timeout=10):
    """send bytes as they are; the whole answer until the server closes"""
    s = socket.create_connection((HOST, port), timeout=timeout)
    buf = b""
    try:
        s.sendall(data)
        while True:
            c = s.recv(65536)
            if not c: break
            buf += c
    except (socket.timeout, ConnectionResetError):
        pass
    finally:
        s.close()
    return buf

def status(buf):
    try: return int(buf.split(b"\r\n", 1)[0].split()[1])
    except Exception: return 0

def req(target, headers="Host: x\r\n", version="HTTP/1.1", port=PORT):
    return raw(b"GET " + target + b" " + version.encode() + b"\r\n" + headers.encode() + b"Connection: close\r\n\r\n", port)

# ---- item 7: a raw NUL in the request line is a 400, not a request cut short ----
for t in [b"/api/events?limit=1\x00&actor=ZZZ", b"/app.js\x00.html", b"/api/stats\x00", b"/\x00/../etc/passwd"]:
    b = req(t)
    check("400 for a raw NUL in %r" % t, status(b) == 400 and b"NUL" in b, b[:200])
check("a clean request still works", status(req(b"/api/events?limit=1&actor=ZZZ")) == 200)
check("%00 stays a 400 for parameters", status(req(b"/api/events?actor=RUS%00USA")) == 400)
# ... and a control character in a header is a 400 too ("Host: \x01\x00"; a NUL after
# visible bytes ends MHD's string there, which no header check can see)
for h in ["Host: \x01\x00\r\nX-A: 1\r\n", "Host: x\r\nX-Note: a\x07b\r\n", "Host: x\x1b\r\n"]:
    b = raw(b"GET /api/stats HTTP/1.1\r\n" + h.encode("latin-1") + b"Connection: close\r\n\r\n")
    check("400 for a control character or NUL in a header %r" % h, status(b) == 400, b[:200])
check("a tab in a header value is fine", status(req(b"/api/stats", "Host: x\r\nX-Note: a\tb\r\n")) == 200)

# ---- item 12: Content-Length and Host ----
for cl, want in [("-1", 400), ("abc", 400), ("1 2", 400), ("99999999999999999999999", 413)]:
    b = req(b"/api/stats", "Host: x\r\nContent-Length: %s\r\n" % cl)
    check("Content-Length: %s -> %d" % (cl, want), status(b) == want, b[:200])
    check("Content-Length: %s: one status line" % cl, b.count(b"HTTP/1.1 ") == 1, b[:400])
    head, _, body = b.partition(b"\r\n\r\n")
    check("Content-Length: %s: JSON error body" % cl, body.startswith(b"{\"error\""), body[:100])
b = req(b"/api/stats", "")
check("HTTP/1.1 without Host -> 400", status(b) == 400 and b"Host" in b, b[:200])
b = req(b"/api/stats", "Host: a\r\nHost: b\r\n")
check("two Host headers -> 400", status(b) == 400 and b"Host" in b, b[:200])
b = req(b"/api/stats", "Host: a\r\nhost: a\r\n")
check("two Host headers in other case -> 400", status(b) == 400, b[:200])
check("HTTP/1.0 without Host is fine", status(req(b"/api/stats", "", "HTTP/1.0")) == 200)
check("HTTP/1.1 with one Host is fine", status(req(b"/api/stats")) == 200)

# ---- item 9: a FIFO in --web DIR ----
t0 = time.time()
b = req(b"/pipe.html", port=WPORT)
check("FIFO in --web DIR -> 404 at once", status(b) == 404 and time.time() - t0 < 2, "%r %.1fs" % (b[:80], time.time() - t0))
b = req(b"/", port=WPORT)
check("--web server (one thread) still answers", status(b) == 200 and b"<title>w</title>" in b, b[:100])

# ---- item 5: a 200,000-sentence article: paged parts, bounded answer, memory back ----
def rss():
    for l in open("/proc/%d/status" % pid):
        if l.startswith("VmRSS:"): return int(l.split()[1]) * 1024
def jget(path):
    b = req(path.encode())
    head, _, body = b.partition(b"\r\n\r\n")
    return status(b), body
st, body = jget("/api/article/huge")
check("huge article: 200", st == 200, body[:200])
check("huge article: answer under 1.2 MB", len(body) < 1200000, len(body))
a = json.loads(body or b"{}")
check("huge article: a page of at most 2000 sentences", sum(1 for p in a.get("parts", []) if "n" in p) <= 2000 and a.get("next") == 2001, (a.get("next"), len(a.get("parts", []))))
check("huge article: no whole text on a partial page", a.get("text") is None and a.get("sentences") == 200000, a.get("sentences"))
# pages rebuild the text: first three pages, and the last one ends the text
got, nxt, pages = "", 1, 0
while nxt and pages < 3:
    st, body = jget("/api/article/huge?first=%d" % nxt)
    p = json.loads(body); got += "".join(x["t"] for x in p["parts"]); nxt = p["next"]; pages += 1
check("pages follow each other", got.startswith("Wij ook 0. Wij ook 1.") and "Wij ook 5999." in got and "Wij ook 6000." not in got, got[-60:])
st, body = jget("/api/article/huge?first=199500")
p = json.loads(body or b"{}")
check("last page", st == 200 and p.get("next") is None and "".join(x["t"] for x in p.get("parts", [])).endswith("Wij ook 199999."), body[-200:])
check("count is bounded", jget("/api/article/huge?count=5000")[0] == 400)
check("first past the end: no parts", json.loads(jget("/api/article/huge?first=300000")[1]).get("parts") == [])
small = json.loads(jget("/api/article/seed-2022-01-geneve")[1])
check("small article: whole text and parts as before", small.get("text") and "".join(x["t"] for x in small["parts"]) == small["text"] and small.get("next") is None)
r0 = rss()
res = []
def grab():
    for i in range(3):
        res.append(jget("/api/article/huge?first=%d" % (1 + 2000 * i))[0])
ths = [threading.Thread(target=grab) for _ in range(8)]
[t.start() for t in ths]; [t.join() for t in ths]
time.sleep(0.5)
r1 = rss()
check("24 huge-article pages from 8 clients: all 200", res.count(200) == 24, res)
check("memory after them: less than 60 MB more (%.0f -> %.0f MB)" % (r0 / 2**20, r1 / 2**20), asan or r1 - r0 < 60 * 2**20)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
rc=$?

# ---- item 13: facing a network ----
net_fail=0
nfail() { echo "FAIL $*"; net_fail=$((net_fail + 1)); }
# beyond loopback without a token: refused before listening (exit 2, with a message)
timeout 20 "$K" serve --db "$DB" --listen 0.0.0.0:0 > /dev/null 2> "$T/pub.log"; r=$?
[ $r -eq 2 ] && grep -q 'beyond loopback' "$T/pub.log" || nfail "0.0.0.0 without a token or --public should exit 2 ($r)"
timeout 20 "$K" serve --db "$DB" --listen '[::]:0' > /dev/null 2>&1; [ $? -eq 2 ] || nfail "[::] without a token should exit 2"
echo 'short' > "$T/badtok"
timeout 20 "$K" serve --db "$DB" --token-file "$T/badtok" > /dev/null 2>&1; [ $? -eq 2 ] || nfail "a short token should exit 2"
timeout 20 "$K" serve --db "$DB" --tls-cert "$T/huge.jsonl" > /dev/null 2>&1; [ $? -eq 2 ] || nfail "--tls-cert without --tls-key should exit 2"
echo 'kroniek-test-token-0123456789' > "$T/tok"
TOK=$(serve_start tok --token-file "$T/tok" --rate 20) || die "server with a token did not start"
TLS=""
if command -v openssl > /dev/null 2>&1 &&
   openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 -subj /CN=localhost > /dev/null 2>&1; then
  timeout 20 "$K" serve --db "$DB" --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" --tls-key "$T/huge.jsonl" > /dev/null 2>&1
  [ $? -eq 2 ] || nfail "a key that is not PEM should exit 2"
  TLS=$(serve_start tls --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" --token-file "$T/tok") || die "server with TLS did not start"
else echo "(no openssl: TLS not tested)"; fi
python3 - "$TOK" "$TLS" <<'PY' || net_fail=$((net_fail + 1))
import base64, json, socket, ssl, sys, time, urllib.parse
tok_url, tls_url = sys.argv[1], sys.argv[2]
TOKEN = "kroniek-test-token-0123456789"
passed = failed = 0
def check(name, ok, detail=""):
    global passed, failed
    if ok: passed += 1
    else:
        failed += 1; print("FAIL", name, str(detail)[:300])
def get(url, path, headers="", tls=False):
    u = urllib.parse.urlsplit(url)
    s = socket.create_connection((u.hostname, u.port), timeout=10)
    if tls:
        ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s, server_hostname="localhost")
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n" % (path, headers)).encode())
    buf = b""
    try:
        while True:
            c = s.recv(65536)
            if not c: break
            buf += c
    except (OSError, ssl.SSLError):
        pass
    s.close()
    head, _, body = buf.partition(b"\r\n\r\n")
    try: st = int(head.split()[1])
    except Exception: st = 0
    return st, head.decode("latin-1").lower(), body
st, head, body = get(tok_url, "/api/stats")
check("token: none -> 401 with a basic-auth challenge", st == 401 and "www-authenticate: basic" in head, (st, head))
check("token: the page needs it too", get(tok_url, "/")[0] == 401)
check("token: a wrong bearer -> 401", get(tok_url, "/api/stats", "Authorization: Bearer kroniek-test-token-0123456788\r\n")[0] == 401)
check("token: a prefix of it -> 401", get(tok_url, "/api/stats", "Authorization: Bearer kroniek-test\r\n")[0] == 401)
check("token: bearer -> 200", get(tok_url, "/api/stats", "Authorization: Bearer %s\r\n" % TOKEN)[0] == 200)
b = base64.b64encode(("analyst:" + TOKEN).encode()).decode()
check("token: basic auth with it as the password -> 200", get(tok_url, "/", "Authorization: Basic %s\r\n" % b)[0] == 200)
b = base64.b64encode(b"analyst:nope").decode()
check("token: basic auth with another password -> 401", get(tok_url, "/", "Authorization: Basic %s\r\n" % b)[0] == 401)
# rate limit: 20 a second with bursts of 80; 150 requests at once get some 429s
sts = [get(tok_url, "/api/codes?code=04", "Authorization: Bearer %s\r\n" % TOKEN)[0] for _ in range(150)]
check("rate: bursts beyond 80 are 429", sts.count(429) > 0 and sts[:60].count(200) == 60, sorted(set(sts)))
time.sleep(1.0)
check("rate: allowed again a second later", get(tok_url, "/api/stats", "Authorization: Bearer %s\r\n" % TOKEN)[0] == 200)
if tls_url:
    check("TLS: URL is https", tls_url.startswith("https://127.0.0.1:"), tls_url)
    st, head, body = get(tls_url, "/api/stats", "Authorization: Bearer %s\r\n" % TOKEN, tls=True)
    check("TLS: stats over HTTPS with the token", st == 200 and json.loads(body).get("articles", 0) > 0, (st, body[:100]))
    check("TLS: without the token -> 401", get(tls_url, "/api/stats", tls=True)[0] == 401)
    check("TLS: plain HTTP gets no answer", get(tls_url, "/api/stats")[0] == 0)
print("network: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
[ $net_fail -eq 0 ] || rc=1
pid=$(cat "$T/web.pid")
kill -TERM "$pid"; i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then echo "FAIL the --web server (FIFO) did not stop on SIGTERM"; rc=1; fi
exit $rc
