#!/bin/sh
# pg.sh -- the PostgreSQL backend gives the same results as SQLite.  Starts a throwaway
# PostgreSQL server on loopback (initdb in a temporary directory, a free port, as the
# postgres user when run as root), ingests the seed and the Dutch news into both
# backends, and compares events, timelines, exports, stats and search results (the
# sets and the snippets; the rank values differ: BM25 in SQLite, ts_rank here), and the
# aggregates kept at ingest (tests/cli/aggregates.awk).  Also:
# idempotent re-ingest, two concurrent ingests, a foreign database, a server that is
# not there, bad records, a stored text damaged afterwards (found by the check, refused
# by search and the server).  Installs nothing (`make test-deps` installs postgresql); the server is stopped
# at the end.
# Run from the repository root: sh tests/cli/pg.sh  (KRONIEK=path to test another binary)
set -u
SHARED=${SHARED:-../shared}
K=${KRONIEK:-./kroniek}
case $K in /*) ;; *) K=$(pwd)/$K ;; esac
NEWS=$SHARED/data/news
SEED=$NEWS/seed-2022-01-geneve.txt
NL=$NEWS/nl-dpgmedia2019.jsonl
T=$(mktemp -d)
PGDATA=$T/pg/data
nfail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; nfail=$((nfail + 1)); }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }
die() { echo "FAIL: $*"; exit 1; }

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || { rm -rf "$T"; die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (make test-deps installs postgresql)"; }
# as root the server runs as postgres, which must be able to reach the directory
if [ "$(id -u)" = 0 ]; then
    id postgres > /dev/null 2>&1 || { rm -rf "$T"; die "running as root but there is no postgres user"; }
    AS="runuser -u postgres --"
    command -v runuser > /dev/null 2>&1 || AS="su postgres -s /bin/sh -c"
    chmod 711 "$T"
    mkdir -p "$T/pg"; chown postgres "$T/pg"
else
    AS=""
    mkdir -p "$T/pg"
fi
. "$(dirname "$0")/../lib/serve-start.sh"    # serve_start NAME ARGS..., serve_cleanup
as_pg() { if [ -z "$AS" ]; then "$@"; elif [ "${AS#su }" != "$AS" ]; then su postgres -s /bin/sh -c "$*"; else $AS "$@"; fi; }
stop() {
    [ -f "$PGDATA/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop > /dev/null 2>&1
    serve_cleanup     # any kroniek server started, then rm -rf $T
}
trap stop EXIT INT TERM

as_pg "$PGBIN/initdb" -D "$PGDATA" -U kroniek -A trust -E UTF8 --no-locale > "$T/initdb.log" 2>&1 || { cat "$T/initdb.log"; die "initdb failed"; }
started=0
for try in 1 2 3 4 5; do
    PORT=$(( 20000 + ($$ * 7 + try * 1237 + $(date +%s) * 13) % 20000 ))
    if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$T/pg/log" -w -t 30 \
         -o "-k $T/pg -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" start > /dev/null 2>&1; then
        started=1; break
    fi
done
[ $started = 1 ] || { cat "$T/pg/log" 2> /dev/null; die "cannot start PostgreSQL"; }
BASE=postgresql://kroniek@127.0.0.1:$PORT
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U kroniek kr || die "createdb failed"
U=$BASE/kr
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }') on 127.0.0.1:$PORT"

# ---------------------------------------------------------------- ingest into both
$K ingest --db "$T/s.db" "$SEED" "$NL" 2> "$T/si.err"; src=$?
$K ingest --db "$U" "$SEED" "$NL" 2> "$T/pi.err"; prc=$?
cat "$T/pi.err"
check "ingest into PostgreSQL exits like SQLite ($prc)" [ $src -eq $prc -a $prc -eq 0 ]
sed 's/; [0-9.]* s (.*//' "$T/si.err" > "$T/si.sum"; sed 's/; [0-9.]* s (.*//' "$T/pi.err" > "$T/pi.sum"
check "ingest summaries are the same" cmp -s "$T/si.sum" "$T/pi.sum"
$K ingest --db "$U" --check > /dev/null 2>&1; check "the PostgreSQL archive passes its check" [ $? -eq 0 ]
$K ingest --db "$U" "$SEED" "$NL" 2> "$T/pi2.err"; rc=$?
check "second ingest into PostgreSQL stores nothing" [ $rc -eq 0 ] && grep -q ": 0 stored" "$T/pi2.err"

# ---------------------------------------------------------------- same results
same() {   # same DESC CMD ARGS...: output and exit status equal on both backends
    desc=$1; shift
    $K "$@" --db "$T/s.db" > "$T/a.out" 2>&1; echo "exit $?" >> "$T/a.out"
    $K "$@" --db "$U" > "$T/b.out" 2>&1; echo "exit $?" >> "$T/b.out"
    sed -i -e 's/"id":[0-9]*,//' -e "s#$T/s.db#DB#; s#$U#DB#" -e '/^backend /d' "$T/a.out" "$T/b.out"
    if cmp -s "$T/a.out" "$T/b.out"; then ok "same on both: $desc ($(($(wc -l < "$T/a.out") - 1)) lines)"
    else bad "same on both: $desc"; diff "$T/a.out" "$T/b.out" | head -6; fi
}
same "stats" ingest --stats
same "events" events --format jsonl
same "events csv" events --format csv --limit 0
same "events --actor RUS" events --actor RUS --format jsonl
same "events --dyad RUS,IGOWSTNAT" events --dyad RUS,IGOWSTNAT --format jsonl
same "events --dyad NLD,USA --from 2019-03 --to 2019-04-15" events --dyad NLD,USA --from 2019-03 --to 2019-04-15 --format jsonl
same "events --root 4 --quad 1" events --root 4 --quad 1 --format jsonl
same "events --code 1 (prefix)" events --code 1 --format jsonl
same "events --source USA --target RUS" events --source USA --target RUS --format jsonl
same "events --text 'navo OR nato'" events --text 'navo OR nato' --format jsonl
same "events --lang nl --limit 5 --offset 3" events --lang nl --limit 5 --offset 3 --format jsonl
same "events table" events --format table --limit 10
same "timeline by month" timeline --format csv
same "timeline by week, by dyad" timeline --by week --by-dyad --format csv
same "timeline by day, jsonl" timeline --by day --format jsonl
same "timeline --actor RUS --by-dyad" timeline --actor RUS --by-dyad --format jsonl
same "timeline --text trump" timeline --text trump --format csv
same "export jsonl" export --format jsonl
same "export csv" export --format csv
same "export plover" export --format plover
$K export --db "$T/s.db" --format gdelt | cut -f2- > "$T/g1"; $K export --db "$U" --format gdelt | cut -f2- > "$T/g2"
check "same on both: export gdelt (all but GLOBALEVENTID)" cmp -s "$T/g1" "$T/g2"
same "bad query" search '"unterminated'
same "bad filter" events --dyad RUS
for q in 'Genève' 'geneve' 'besprekingen' 'bespreking' '"Oost-Europa"' 'navo NOT trump' 'trump OR poetin' \
         'bespr*' '(rusland OR oekraine) AND sancties' '"de VS"' 'Rjabkov AND Sherman' 'kabinet' 'Den Haag'; do
    $K search --db "$T/s.db" --limit 0 --format jsonl -- "$q" | sed 's/"rank":[^,]*,//' | sort > "$T/q1"
    $K search --db "$U" --limit 0 --format jsonl -- "$q" | sed 's/"rank":[^,]*,//' | sort > "$T/q2"
    check "same on both: search '$q' ($(wc -l < "$T/q1") articles, snippets too)" cmp -s "$T/q1" "$T/q2"
done
$K search --db "$U" --limit 0 --format jsonl --from 2019-03-01 --to 2019-03-31 --lang nl kabinet | sed 's/"rank":[^,]*,//' | sort > "$T/q2"
$K search --db "$T/s.db" --limit 0 --format jsonl --from 2019-03-01 --to 2019-03-31 --lang nl kabinet | sed 's/"rank":[^,]*,//' | sort > "$T/q1"
check "same on both: search with dates and language" cmp -s "$T/q1" "$T/q2"
for q in Genève geneve besprekingen; do
    check "PostgreSQL: search '$q' finds the seed" sh -c "$K search --db '$U' --limit 0 --format jsonl '$q' | grep -q seed-2022-01-geneve"
done

# ---------------------------------------------------------------- aggregates
# the aggregates kept at ingest (one-a-day groups in both languages, month-only dates,
# small batches, two runs) give the same answers on both backends, and the same as the
# path over the stored events (--text kroniekalle matches every article)
awk -f tests/cli/aggregates.awk > "$T/agg.jsonl"; head -300 "$T/agg.jsonl" > "$T/agg1.jsonl"
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U kroniek agg || die "createdb agg failed"
for db in "$T/agg.db" "$BASE/agg"; do
    $K ingest -q --batch 7 --db "$db" "$T/agg1.jsonl" && $K ingest -q --batch 50 --db "$db" "$T/agg.jsonl" || bad "ingest agg.jsonl into $db"
done
$K ingest --db "$BASE/agg" --check > /dev/null 2>&1; check "aggregates: the PostgreSQL archive passes its check" [ $? -eq 0 ]
same_agg() {   # same_agg DESC CMD ARGS...: as same, on the aggregates archives
    desc=$1; shift
    $K "$@" --db "$T/agg.db" > "$T/a.out" 2>&1; echo "exit $?" >> "$T/a.out"
    $K "$@" --db "$BASE/agg" > "$T/b.out" 2>&1; echo "exit $?" >> "$T/b.out"
    sed -i -e 's/"id":[0-9]*,//' -e '/^backend /d' "$T/a.out" "$T/b.out"
    if cmp -s "$T/a.out" "$T/b.out"; then ok "same on both: $desc ($(($(wc -l < "$T/a.out") - 1)) lines)"
    else bad "same on both: $desc"; diff "$T/a.out" "$T/b.out" | head -6; fi
}
same_agg "aggregates: stats" ingest --stats
for f in "" "--by week --by-dyad" "--actor RUS --by-dyad" "--code 13 --by day" "--quad 3 --lang nl" "--from 2020-03 --to 2020-03 --by-dyad"; do
    same_agg "aggregates: timeline $f" timeline $f --format csv
    $K timeline --db "$BASE/agg" $f --format csv > "$T/tla"
    $K timeline --db "$BASE/agg" $f --text kroniekalle --format csv > "$T/tlb"
    check "aggregates: PostgreSQL timeline $f == the same over the stored events" cmp -s "$T/tla" "$T/tlb"
done
for off in 0 999 1000 1234; do
    same_agg "aggregates: events --offset $off" events --limit 40 --offset $off --format jsonl
    same_agg "aggregates: events --actor RUS --offset $off" events --actor RUS --limit 40 --offset $off --format jsonl
done

# an archive of schema version 2 (no text checksums) is upgraded by ingest --check and
# then passes it: the migration fills text_sum for the stored rows
"$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U kroniek -d agg -c "DROP TRIGGER articles_text_sum ON articles;
    DROP FUNCTION kroniek_text_sum(); ALTER TABLE articles DROP COLUMN text_sum;
    UPDATE kroniek_meta SET value = '2' WHERE key = 'schema_version'" || bad "psql downgrade to version 2"
$K events --db "$BASE/agg" --limit 1 > /dev/null 2> "$T/v2.err"; rc=$?
check "a version 2 archive is refused by a reader, which asks for an ingest" [ $rc -eq 2 ] && grep -q "run kroniek ingest" "$T/v2.err"
$K ingest --db "$BASE/agg" --check > /dev/null 2>&1; check "ingest --check upgrades a version 2 archive, which passes its check" [ $? -eq 0 ]
n=$("$PGBIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U kroniek -d agg -c "SELECT count(*) FROM articles WHERE text_sum IS NULL")
check "... with a checksum for every stored text" [ "$n" = 0 ]

# ---------------------------------------------------------------- many users
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U kroniek kr2 || die "createdb kr2 failed"
$K ingest -q --db "$BASE/kr2" "$SEED" "$NL" 2> "$T/c1.err" & p1=$!
$K ingest -q --db "$BASE/kr2" "$SEED" "$NL" 2> "$T/c2.err" & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
check "two concurrent ingests both succeed" [ $r1 -eq 0 -a $r2 -eq 0 ]
$K ingest --db "$BASE/kr2" --stats | grep -v '^backend' > "$T/c.stats"
$K ingest --db "$U" --stats | grep -v '^backend' > "$T/u.stats"
check "... and store every article once" cmp -s "$T/c.stats" "$T/u.stats"

# ---------------------------------------------------------------- errors
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U kroniek other || die "createdb other failed"
"$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U kroniek -d other -c "CREATE TABLE articles(x int); INSERT INTO articles VALUES (1)" || die "psql failed"
$K ingest --db "$BASE/other" "$SEED" 2> "$T/e1"; rc=$?
check "a database of another program: exit 2, 'not a kroniek archive'" [ $rc -eq 2 ] && grep -q "not a kroniek archive" "$T/e1"
n=$("$PGBIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U kroniek -d other -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
check "... and it is left as it was" [ "$n" = 1 ]
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U kroniek empty || die "createdb empty failed"
$K events --db "$BASE/empty" 2> "$T/e2"; rc=$?
check "querying a database without an archive: exit 2, 'no kroniek archive'" [ $rc -eq 2 ] && grep -q "no kroniek archive" "$T/e2"
"$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U kroniek -d kr2 -c "UPDATE kroniek_meta SET value = '99' WHERE key = 'schema_version'"
$K events --db "$BASE/kr2" 2> "$T/e3"; rc=$?
check "an archive of a newer schema: exit 2, 'newer'" [ $rc -eq 2 ] && grep -q "newer" "$T/e3"
$K events --db "postgresql://kroniek:secret@127.0.0.1:1/kr" 2> "$T/e4"; rc=$?
check "no server: exit 2, 'cannot connect'" [ $rc -eq 2 ] && grep -q "cannot connect" "$T/e4"
check "... and the password is not shown" sh -c "! grep -q secret '$T/e4'"

# ---------------------------------------------------------------- one bad record (issue 15)
# an empty id stopped ingest and rolled back its batch; an id over PostgreSQL's b-tree
# limit (2704 bytes) failed the whole COPY.  Now each is rejected with file:line, an id
# stored with another text too, and the neighbours are stored, as on SQLite.
LONG=$(head -c 3000 /dev/zero | tr '\0' 'x')
{
  echo '{"id":"r1","date":"2022-01-10","lang":"en","text":"Russia criticised the United States on Monday."}'
  echo '{"id":"","date":"2022-01-10","lang":"en","text":"Russia met the United States on Monday."}'
  echo "{\"id\":\"$LONG\",\"date\":\"2022-01-10\",\"lang\":\"en\",\"text\":\"Spain praised Italy on Monday.\"}"
  echo '{"id":"r1","date":"2022-01-10","lang":"en","text":"Russia praised the United States on Monday."}'
  echo '{"id":"r5","date":"2022-01-10T22:00:00+01:00","lang":"en","text":"France praised Germany on Monday."}'
  echo '{"id":"r6","date":"2022-01-10T25:61:61Z","lang":"en","text":"Germany praised France on Monday."}'
} > "$T/recs.jsonl"
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U kroniek recs || die "createdb recs failed"
$K ingest --db "$BASE/recs" "$T/recs.jsonl" 2> "$T/r.err"; rc=$?
$K ingest --db "$T/recs.db" "$T/recs.jsonl" 2> "$T/rs.err"
cat "$T/r.err"
check "bad records: exit 1 ($rc), the good ones stored" [ $rc -eq 1 ] && grep -q ": 2 stored, 0 already stored, 4 rejected" "$T/r.err"
check "... each rejected with file:line" grep -q "recs.jsonl:2: article rejected: empty" "$T/r.err" && grep -q "recs.jsonl:3: article rejected: \"id\" longer than 256" "$T/r.err" \
  && grep -q "recs.jsonl:4: article r1 rejected: another article with this id" "$T/r.err" && grep -q "recs.jsonl:6: article r6 rejected: bad or missing date" "$T/r.err"
sed 's/; [0-9.]* s (.*//; s#^kroniek: [^ ]*/#kroniek: #' "$T/r.err" > "$T/r.sum"; sed 's/; [0-9.]* s (.*//; s#^kroniek: [^ ]*/#kroniek: #' "$T/rs.err" > "$T/rs.sum"
sort -o "$T/r.sum" "$T/r.sum"; sort -o "$T/rs.sum" "$T/rs.sum"
check "... the same as on SQLite" cmp -s "$T/r.sum" "$T/rs.sum"
$K events --db "$BASE/recs" --format csv | cut -d, -f2,3 | sort > "$T/r.ev"
check "the timestamp is stored as its date" grep -q '"r5","2022-01-10"' "$T/r.ev"
$K ingest --db "$BASE/recs" "$T/recs.jsonl" 2> "$T/r2.err"; rc=$?
check "a rerun goes past them: exit 1, nothing new" [ $rc -eq 1 ] && grep -q ": 0 stored, 2 already stored, 4 rejected" "$T/r2.err"
$K ingest --db "$BASE/recs" --check > /dev/null 2>&1; check "... and the archive passes its check" [ $? -eq 0 ]

# ---------------------------------------------------------------- damaged text (issue 15)
# a byte of a stored text changed behind kroniek's back: the check finds it by the
# checksum the server keeps of every stored text (articles.text_sum)
"$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U kroniek -d recs -c "UPDATE articles SET text = overlay(text placing 'X' from 3 for 1) WHERE id = 'r5'" || bad "psql damage"
$K ingest --db "$BASE/recs" --check > "$T/d.out" 2> "$T/d.err"; rc=$?
cat "$T/d.err"
check "a damaged text: --check exits 1 and names the article" [ $rc -eq 1 ] && grep -q "damaged text: 1 article .*'r5'" "$T/d.err"
check "... and the undamaged one is not named" sh -c "! grep -q \"'r1'\" '$T/d.err'"
# readers verify the checksum (md5 by the server) of every text they hand out and refuse
# a damaged one: search, /api/article, /api/search name it
dmg="article 'r5': the stored text does not match its checksum.*run kroniek ingest --check"
$K search --db "$BASE/recs" --format jsonl monday > "$T/d.s" 2> "$T/d.se"; rc=$?
cat "$T/d.se"
check "search reaching the damaged text: exit 2, names the article, says to run --check" [ $rc -eq 2 ] && grep -q "^kroniek search: $dmg" "$T/d.se"
check "... and shows nothing of it" sh -c "! grep -q '\"r5\"' '$T/d.s'"
$K search --db "$BASE/recs" --format jsonl russia > "$T/d.s2" 2>&1; rc=$?
check "... a search that does not reach it: exit 0, with its result" [ $rc -eq 0 ] && grep -q '"r1"' "$T/d.s2"
if command -v curl > /dev/null 2>&1; then
    url=$(DB=$BASE/recs; serve_start dmg) || bad "serve on the archive with a damaged text did not start"
    for p in article/r5 "search?q=monday"; do
        code=$(curl -s -o "$T/d.h" -w '%{http_code}' "${url%/}/api/$p")
        check "/api/$p on the damaged text: 500 with an error naming the article ($code)" [ "$code" = 500 ] && grep -q "\"error\":\"$dmg" "$T/d.h"
    done
    check "... and the intact article is served (200)" [ "$(curl -s -o /dev/null -w '%{http_code}' "${url%/}/api/article/r1")" = 200 ]
    kill "$(cat "$T/dmg.pid")" 2> /dev/null
else echo "note: no curl; the server's answer to a damaged text is not checked"; fi

[ $nfail -eq 0 ] || { echo "$nfail check(s) failed"; exit 1; }
echo "PASS: PostgreSQL gives the same results as SQLite"
