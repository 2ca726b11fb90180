#!/bin/sh
# readonly.sh -- an SQLite archive whose file and directory cannot be written (issue 15,
# item 8): the readers (search, events, timeline, export, serve) and `ingest --check` /
# `--stats` work on it, exit 0 and say nothing about writing; their answers are those of
# the same archive when it was writable; no -wal or -shm file is needed; `ingest` into it
# fails before it starts, with exit 2 and "archive X is read-only ...: cannot ingest into
# it", and leaves it as it was.  A new archive in a read-only directory: exit 2, "cannot
# create".
#
# Root ignores file permissions, so as root the archive is made unwritable for real: a
# read-only bind mount of its directory in a private mount namespace (unshare -m), else
# chattr +i on the file and the directory, else the commands run as nobody (setpriv)
# with the modes a-w.  Not root: chmod a-w.  If none of these really stops a write (the
# script tries one first), the test is skipped with a message (exit 0).
# Run from the repository root: sh tests/cli/readonly.sh  (KRONIEK=path to test another binary)
set -u
K=${KRONIEK:-./kroniek}
case $K in /*) ;; *) K=$(pwd)/$K ;; esac
T=$(mktemp -d)
D=$T/ro                     # the directory made read-only
METHOD=
cleanup() {
    [ "$METHOD" = chattr ] && chattr -i "$D/k.db" "$D" 2> /dev/null
    chmod -R u+w "$T" 2> /dev/null
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
nfail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; nfail=$((nfail + 1)); }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }
mkdir -p "$D"
chmod 755 "$T" "$D"

# ---------------------------------------------------------------- a small archive
cat > "$T/a1.txt" << 'EOF'
date 2022-01-10
Rusland en de Verenigde Staten hielden maandag in Genève besprekingen over de veiligheid in Europa.
De Russische onderhandelaar Rjabkov noemde de gesprekken moeilijk maar nuttig.
EOF
cat > "$T/a2.txt" << 'EOF'
date 2022-01-12
The Netherlands criticised Russia on Wednesday. NATO met Russia in Brussels.
EOF
$K ingest -q --db "$D/k.db" "$T/a1.txt" "$T/a2.txt" || { echo "FAIL: ingest of the small archive"; exit 1; }
$K ingest --db "$D/k.db" --check > /dev/null 2>&1 || { echo "FAIL: the small archive fails its check"; exit 1; }
rm -f "$D/k.db-wal" "$D/k.db-shm"
# the answers while it is writable
answers() {   # answers PREFIX: the readers' outputs into $T/PREFIX.*
    $RUN $K search --db "$D/k.db" --format jsonl geneve > "$T/$1.search" 2> "$T/$1.search.err"; echo $? > "$T/$1.search.rc"
    $RUN $K events --db "$D/k.db" --format jsonl > "$T/$1.events" 2> "$T/$1.events.err"; echo $? > "$T/$1.events.rc"
    $RUN $K timeline --db "$D/k.db" --by day --format csv > "$T/$1.timeline" 2> "$T/$1.timeline.err"; echo $? > "$T/$1.timeline.rc"
    $RUN $K export --db "$D/k.db" --format gdelt > "$T/$1.export" 2> "$T/$1.export.err"; echo $? > "$T/$1.export.rc"
    $RUN $K ingest --db "$D/k.db" --stats > "$T/$1.stats" 2> "$T/$1.stats.err"; echo $? > "$T/$1.stats.rc"
    $RUN $K ingest --db "$D/k.db" --check > "$T/$1.check" 2> "$T/$1.check.err"; echo $? > "$T/$1.check.rc"
}
RUN=
answers rw
check "the writable archive answers (events: $(wc -l < "$T/rw.events"))" [ -s "$T/rw.events" ] && [ -s "$T/rw.search" ]

# ---------------------------------------------------------------- make it read-only
# RUN is a prefix that runs one command with the archive unwritable
ro_bind() {   # run "$@" with $D mounted read-only (private mount namespace)
    unshare -m sh -c 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"' "$D" "$@"
}
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
probe() {     # true if, under $RUN, a shell runs and cannot write the archive nor into $D
    out=$($RUN sh -c 'echo ran; { true >> "$0/k.db"; } 2> /dev/null && exit 0; { true > "$0/probe"; } 2> /dev/null && exit 0; exit 3' "$D" 2> /dev/null)
    [ $? -eq 3 ] && [ "$out" = ran ]
}
if [ "$(id -u)" != 0 ]; then
    chmod a-w "$D/k.db" "$D"; METHOD=chmod; RUN=
    probe || METHOD=
else
    # RO_METHOD=bind|chattr|nobody tries only that one
    want=${RO_METHOD:-any}
    if [ "$want" = any -o "$want" = bind ] && command -v unshare > /dev/null 2>&1 && ro_bind true 2> /dev/null; then
        METHOD=bind; RUN=ro_bind
        probe || METHOD=
    fi
    if [ -z "$METHOD" ] && [ "$want" = any -o "$want" = chattr ] && command -v chattr > /dev/null 2>&1 && chattr +i "$D/k.db" "$D" 2> /dev/null; then
        METHOD=chattr; RUN=
        probe || { chattr -i "$D/k.db" "$D"; METHOD=; }
    fi
    if [ -z "$METHOD" ] && [ "$want" = any -o "$want" = nobody ] && command -v setpriv > /dev/null 2>&1; then
        chmod a-w "$D/k.db" "$D"; chmod a+r "$D/k.db"; METHOD=nobody; RUN=as_nobody
        { as_nobody "$K" --version > /dev/null 2>&1 || as_nobody test -r "$D/k.db"; } && probe || { chmod u+w "$D/k.db" "$D"; METHOD=; }
    fi
fi
rm -f "$D/probe" 2> /dev/null
if [ -z "$METHOD" ]; then
    echo "SKIP: no way to make a file unwritable for this process here (tried: unshare -m with a read-only bind mount, chattr +i, setpriv as nobody, chmod a-w)"
    exit 0
fi
echo "the archive is made read-only by: $METHOD"

# ---------------------------------------------------------------- readers
answers ro
for c in search events timeline export stats check; do
    rc=$(cat "$T/ro.$c.rc")
    [ "$c" = stats ] || [ "$c" = check ] && name="ingest --$c" || name=$c
    check "$name on the read-only archive exits 0 ($rc)" [ "$rc" = 0 ]
    check "... and says nothing about writing" sh -c "! grep -qi 'writ\|readonly' '$T/ro.$c' '$T/ro.$c.err'"
    [ -s "$T/ro.$c.err" ] && { echo "   stderr:"; sed 's/^/   /' "$T/ro.$c.err"; }
done
for c in search events timeline export stats; do
    check "$c: the same answer as when it was writable" cmp -s "$T/rw.$c" "$T/ro.$c"
done
check "ingest --check says ok" grep -q "^$D/k.db: ok" "$T/ro.check"
check "no -wal or -shm file was made" sh -c "! ls '$D' | grep -q -- '-wal\|-shm'"

# serve answers from it
if command -v curl > /dev/null 2>&1; then
    # (under a wrapper, $! is the shell running the wrapper, not the server: the server
    # writes its own pid to its log first, so that it can be stopped)
    $RUN sh -c 'echo "serve pid $$" >&2; exec "$@"' sh $K serve --db "$D/k.db" --listen 127.0.0.1:0 > /dev/null 2> "$T/serve.log" &
    spid=$!
    url=; i=0
    while [ $i -lt 100 ] && [ -z "$url" ]; do
        url=$(sed -n 's/^kroniek serve: \(http:[^ ]*\) .*/\1/p' "$T/serve.log" | head -1)
        [ -n "$url" ] || { kill -0 $spid 2> /dev/null || break; sleep 0.1; }
        i=$((i + 1))
    done
    if [ -n "$url" ]; then
        curl -s -o "$T/serve.stats" -w '%{http_code}' "${url%/}/api/stats" > "$T/serve.code"
        curl -s "${url%/}/api/events?limit=5" > "$T/serve.events"
        check "serve on the read-only archive: /api/stats 200" [ "$(cat "$T/serve.code")" = 200 ]
        check "... and /api/events has the events" grep -q '"source"' "$T/serve.events"
    else bad "serve on the read-only archive did not start"; cat "$T/serve.log"; fi
    srv=$(sed -n 's/^serve pid //p' "$T/serve.log" | head -1)
    [ -n "$srv" ] && kill "$srv" 2> /dev/null
    kill $spid 2> /dev/null; wait $spid 2> /dev/null
    check "... and says nothing about writing" sh -c "! grep -qi 'writ\|readonly' '$T/serve.log'"
fi

# ---------------------------------------------------------------- writers
$RUN $K ingest --db "$D/k.db" "$T/a1.txt" > /dev/null 2> "$T/in.err"; rc=$?
cat "$T/in.err"
check "ingest into the read-only archive: exit 2 ($rc)" [ $rc -eq 2 ]
check "... with 'archive $D/k.db is read-only (...): cannot ingest into it'" grep -q "archive $D/k.db is read-only (.*): cannot ingest into it" "$T/in.err"
check "... said once, and no 'attempt to write'" sh -c "[ \$(wc -l < '$T/in.err') -eq 1 ] && ! grep -qi 'attempt to write\|readonly' '$T/in.err'"
$RUN $K ingest --db "$D/k.db" --stats > "$T/ro.stats2" 2>&1
check "... and the archive is as it was" cmp -s "$T/rw.stats" "$T/ro.stats2"
$RUN $K ingest --db "$D/new.db" "$T/a1.txt" > /dev/null 2> "$T/new.err"; rc=$?
cat "$T/new.err"
check "a new archive in the read-only directory: exit 2, 'cannot create'" [ $rc -eq 2 ] && grep -q "cannot create the archive: its directory" "$T/new.err"

[ $nfail -eq 0 ] || { echo "$nfail check(s) failed"; exit 1; }
echo "PASS: a read-only archive is read without writing; ingest into it is refused clearly"
