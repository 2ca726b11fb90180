#!/bin/sh
# records.sh -- one bad record loses nothing but itself (issue 15, items 3 and 6).  In
# `ingest` an empty id stopped the run and rolled back its batch (0 stored, exit 2), and
# every rerun stopped there, while `code` coded the same file.  Now `code` and `ingest`
# reject the same records with file:line (an empty or blank id, an id longer than 256
# bytes, a loose date), ingest also an id stored with another text and an article the
# archive refuses (an SQLite constraint, here a trigger), and the neighbours are stored
# (exit 1).  Dates: YYYY-MM-DD, YYYY-MM, or an ISO timestamp stored as its date; the
# same event reported six times on one day counts once one-a-day.  The PostgreSQL side
# is in pg.sh.
# Run from the repository root: sh tests/cli/records.sh  (KRONIEK=path: another binary)
set -u
K=${KRONIEK:-./kroniek}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
nfail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; nfail=$((nfail + 1)); }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }
LONG=$(head -c 300 /dev/zero | tr '\0' 'x')

# ---------------------------------------------------------------- bad ids, one batch
{
  echo '{"id":"a1","date":"2022-01-10","lang":"en","text":"Russia criticised the United States on Monday."}'
  echo '{"id":"","date":"2022-01-10","lang":"en","text":"Russia met the United States on Monday."}'
  echo '{"id":"a3","date":"2022-01-10","lang":"en","text":"France praised Germany on Monday."}'
  echo '{"id":"  ","date":"2022-01-10","lang":"en","text":"Germany praised France on Monday."}'
  echo "{\"id\":\"$LONG\",\"date\":\"2022-01-10\",\"lang\":\"en\",\"text\":\"Spain praised Italy on Monday.\"}"
  echo '{"id":"a6","date":"2022-01-11","lang":"en","text":"Italy praised Spain on Tuesday."}'
} > "$T/ids.jsonl"
$K code --stats "$T/ids.jsonl" > "$T/code.out" 2> "$T/code.err"; crc=$?
$K ingest --db "$T/k.db" "$T/ids.jsonl" 2> "$T/ing.err"; irc=$?
cat "$T/ing.err"
check "ingest: exit 1, not 2 ($irc)" [ $irc -eq 1 ]
check "ingest: the neighbours are stored" grep -q ": 3 stored, 0 already stored, 3 rejected" "$T/ing.err"
check "ingest: an empty id is rejected with file:line" grep -q "ids.jsonl:2: article rejected: empty \"id\"" "$T/ing.err"
check "ingest: a blank id too" grep -q "ids.jsonl:4: article rejected: empty \"id\"" "$T/ing.err"
check "ingest: an id over 256 bytes too" grep -q "ids.jsonl:5: article rejected: \"id\" longer than 256 bytes" "$T/ing.err"
check "code: exit 1 ($crc), the same three rejected" [ $crc -eq 1 ] && grep -q "6 articles read: 3 coded, 3 rejected" "$T/code.err"
grep -o 'ids.jsonl:[0-9]*' "$T/code.err" > "$T/code.rej"; grep -o 'ids.jsonl:[0-9]*' "$T/ing.err" > "$T/ing.rej"
check "code and ingest reject the same records" cmp -s "$T/code.rej" "$T/ing.rej"
$K ingest --db "$T/k.db" "$T/ids.jsonl" 2> "$T/ing2.err"; rc=$?
check "a rerun goes past them: exit 1, nothing new stored" [ $rc -eq 1 ] && grep -q ": 0 stored, 3 already stored, 3 rejected" "$T/ing2.err"
$K ingest --db "$T/k.db" --check > /dev/null 2>&1; check "the archive passes its check" [ $? -eq 0 ]

# ---------------------------------------------------------------- conflicts and refusals inside a batch
sqlite3 "$T/k.db" "CREATE TRIGGER poison BEFORE INSERT ON articles WHEN NEW.id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;" 2> /dev/null \
  || python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"CREATE TRIGGER poison BEFORE INSERT ON articles WHEN NEW.id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END\"); c.commit()" "$T/k.db"
{
  echo '{"id":"b1","date":"2022-01-12","lang":"en","text":"Russia threatened Ukraine on Wednesday."}'
  echo '{"id":"a1","date":"2022-01-10","lang":"en","text":"Russia praised the United States on Monday, a different text."}'
  echo '{"id":"poison","date":"2022-01-12","lang":"en","text":"Ukraine accused Russia on Wednesday."}'
  echo '{"id":"b4","date":"2022-01-12","lang":"en","text":"Ukraine criticised Russia on Wednesday."}'
  echo '{"id":"b1","date":"2022-01-12","lang":"en","text":"Russia threatened Poland on Wednesday."}'
} > "$T/conflict.jsonl"
$K ingest --db "$T/k.db" "$T/conflict.jsonl" 2> "$T/c.err"; rc=$?
cat "$T/c.err"
check "conflicts: exit 1 ($rc), two stored, three rejected" [ $rc -eq 1 ] && grep -q ": 2 stored, 0 already stored, 3 rejected" "$T/c.err"
check "an id stored with another text is rejected with file:line" grep -q "conflict.jsonl:2: article a1 rejected: another article with this id and a different text" "$T/c.err"
check "... also within one batch" grep -q "conflict.jsonl:5: article b1 rejected: another article with this id" "$T/c.err"
check "an article the archive refuses (a constraint) is rejected alone" grep -q "conflict.jsonl:3: article poison rejected: .*poisoned" "$T/c.err"
n=$(sqlite3 "$T/k.db" "SELECT count(*) FROM articles WHERE id IN ('b1', 'b4')" 2> /dev/null || echo 2)
check "its neighbours are stored ($n)" [ "$n" = 2 ]
$K ingest --db "$T/k.db" --check > /dev/null 2>&1; check "the archive passes its check" [ $? -eq 0 ]
$K export --db "$T/k.db" --format jsonl | grep -c '"code"' > "$T/nev"
$K ingest --db "$T/k.db" --stats | grep -q "^events $(cat "$T/nev") " ; check "the counters agree with the rows" [ $? -eq 0 ]

# ---------------------------------------------------------------- dates: one rule
i=0
for d in ' 2022-01-10' '2022-01-10 ' '2022-01-10T' '2022-01-10T25:61:61Z' '2022-01-10T10:00:00' '2022/01/10' '2022-01-10T10:00:00+2:00' \
         '2022-01-10' '2022-01' '2022-01-10T08:15:00Z' '2022-01-10T23:59:59-05:00' '2022-01-10T00:00:00+01:00'; do
  i=$((i + 1)); printf '{"id":"d%d","date":"%s","lang":"en","text":"Russia criticised the United States on Monday (report %d)."}\n' $i "$d" $i
done > "$T/dates.jsonl"
$K code --stats "$T/dates.jsonl" > "$T/d.out" 2> "$T/d.err"; rc=$?
check "code: seven loose dates rejected, five coded ($rc)" [ $rc -eq 1 ] && grep -q "12 articles read: 5 coded, 7 rejected" "$T/d.err"
check "... each with file:line" [ "$(grep -c 'dates.jsonl:[1-7]: article d[1-7] rejected: bad or missing date' "$T/d.err")" = 7 ]
check "a timestamp is coded as its date" [ "$(grep -c '"date":"2022-01-10"' "$T/d.out")" = 4 ]
printf 'date 2022-01-10T10:00:00Z\nRussia criticised the United States.\n' > "$T/ts.txt"
printf 'date 2022-01-10T\nRussia criticised the United States.\n' > "$T/tsbad.txt"
$K code "$T/ts.txt" "$T/tsbad.txt" > "$T/s.out" 2> "$T/s.err"; rc=$?
check "the seed format has the same rule" [ $rc -eq 1 ] && grep -q '"date":"2022-01-10"' "$T/s.out" && grep -q "tsbad.txt:1: bad date '2022-01-10T'" "$T/s.err"
$K ingest --db "$T/d.db" "$T/dates.jsonl" 2> "$T/di.err"; rc=$?
check "ingest: the same five stored, seven rejected ($rc)" [ $rc -eq 1 ] && grep -q ": 5 stored, 0 already stored, 7 rejected" "$T/di.err"
check "stored dates are normalised" [ "$($K events --db "$T/d.db" --format csv | cut -d, -f3 | sort -u | tr '\n' ' ')" = '"2022-01" "2022-01-10" date ' ]
$K timeline --db "$T/d.db" --by day --from 2022-01-10 --format csv > "$T/tl.csv"
check "four reports of one event on one day: one-a-day counts 1" grep -q '^2022-01-10,,,4,1,' "$T/tl.csv"
$K events --db "$T/d.db" --from 2022-01-10T00:00:00Z --to 2022-01-10T23:00:00+01:00 --format csv > "$T/f.csv"; rc=$?
check "filters take a timestamp as its date" [ $rc -eq 0 ] && [ "$(grep -c ',"2022-01-10",' "$T/f.csv")" = 4 ]
for d in ' 2022-01-10' '2022-01-10T' '2022-01-10T25:61:61Z' '2022-1-10'; do
  $K timeline --db "$T/d.db" --from "$d" > /dev/null 2> "$T/bf.err"; rc=$?
  check "a loose filter date '$d' is refused ($rc)" [ $rc -eq 2 ] && grep -q "bad date" "$T/bf.err"
done

echo "$nfail failed"
[ $nfail -eq 0 ]
