#!/bin/sh
# tests/cli/code.sh -- `kroniek code` behaviour: ordered output under -j, formats, ids,
# language detection, and bad input reported with file:line while the rest is coded.
set -u
K=${KRONIEK:-./kroniek}
SHARED=${SHARED:-../shared}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

$K code -j 1 $SHARED/data/news/ > $T/j1.jsonl
$K code -j 2 $SHARED/data/news/ > $T/j2.jsonl
$K code -j 4 $SHARED/data/news/ > $T/j4.jsonl
check "-j 2 output identical to -j 1" "cmp -s $T/j1.jsonl $T/j2.jsonl"
check "-j 4 output identical to -j 1" "cmp -s $T/j1.jsonl $T/j4.jsonl"
$K code -j 2 --format tsv $SHARED/data/news/ > $T/j2.tsv
$K code -j 1 --format tsv $SHARED/data/news/ > $T/j1.tsv
check "-j 2 tsv identical to -j 1 (event ids too)" "cmp -s $T/j1.tsv $T/j2.tsv"
check "tsv rows have the 58 GDELT columns" "awk -F'\t' 'NF != 58 { bad = 1 } END { exit bad }' $T/j1.tsv"
check "tsv event ids are unique" "test \$(cut -f1 $T/j1.tsv | sort | uniq -d | wc -l) -eq 0"
$K code --format csv examples/ > $T/ex.csv
check "csv has a header" "head -1 $T/ex.csv | grep -q '^doc,date,sentence,source,target,code'"

# seed format: id from the file name, date from the first line
$K code $SHARED/data/news/seed-2022-01-geneve.txt > $T/seed.jsonl
check "seed id is the file name" "grep -q '\"doc\":\"seed-2022-01-geneve\"' $T/seed.jsonl"
check "every event has the documented fields" "python3 -c \"
import json,sys
need=['doc','date','sentence','source','target','code','root','quad','goldstein','location','source_text','target_text','verb_text','text']
for l in open('$T/seed.jsonl'):
    e=json.loads(l)
    assert all(k in e for k in need), e
    assert e['code'].startswith(e['root']) and 1 <= e['quad'] <= 4 and -10 <= e['goldstein'] <= 10
\""
check "the seed's demand RUS->NATO is there" "grep -q '\"source\":\"RUS\",\"target\":\"IGOWSTNAT\",\"code\":\"10' $T/seed.jsonl"

# language detection: a record without lang
printf '{"id":"d1","date":"2022-01-20","text":"Rusland eiste gisteren dat de NAVO zich terugtrekt uit Oost-Europa."}\n{"id":"d2","date":"2022-01-20","text":"Russia demanded that NATO withdraw from Eastern Europe."}\n' > $T/nolang.jsonl
$K code $T/nolang.jsonl > $T/nolang.out
check "Dutch and English detected without lang" "test \$(grep -c IGOWSTNAT $T/nolang.out) -eq 2"

# bad records: reported with file:line, the others still coded, exit status 1
printf '{"id":"ok1","date":"2022-01-20","lang":"en","text":"Russia attacked Ukraine."}\n{"id":"bad-json"\n{"id":"bad-date","date":"2022-13-45","lang":"en","text":"Russia attacked Ukraine."}\n{"id":"no-text","date":"2022-01-20"}\n{"id":"ok2","date":"2022-01-20","lang":"nl","text":"Rusland viel Oekraïne aan."}\n' > $T/mixed.jsonl
$K code --stats $T/mixed.jsonl > $T/mixed.out 2> $T/mixed.err; rc=$?
check "exit status 1 when an article is rejected" "test $rc -eq 1"
check "bad JSON named with file:line" "grep -q 'mixed.jsonl:2: invalid JSON' $T/mixed.err"
check "bad date named with file:line" "grep -q 'mixed.jsonl:3: article bad-date rejected: bad or missing date' $T/mixed.err"
check "missing text named" "grep -q 'mixed.jsonl:4: article no-text has no \"text\"' $T/mixed.err"
check "the good articles were coded" "test \$(grep -c '\"code\":\"19' $T/mixed.out) -eq 2"
check "articles in = coded + rejected" "grep -q '5 articles read: 2 coded, 3 rejected' $T/mixed.err"

# missing file: clear error, exit 1, the other input still coded
$K code /nonexistent/file.jsonl $T/nolang.jsonl > $T/nf.out 2> $T/nf.err; rc=$?
check "missing file reported and the rest coded" "test $rc -eq 1 && grep -q 'nonexistent/file.jsonl: cannot open' $T/nf.err && test -s $T/nf.out"
# --help everywhere: usage on stdout, exit 0; an unknown option: usage on stderr, exit 2
for c in code eval dict test ingest search events timeline export serve; do
  check "$c --help" "$K $c --help > $T/h.out 2>&1 && grep -q 'usage: kroniek $c' $T/h.out"
  check "help $c" "$K help $c > $T/h2.out 2>&1 && cmp -s $T/h.out $T/h2.out"
  check "$c --no-such-option: exit 2" "$K $c --no-such-option > /dev/null 2> $T/h.err; test \$? -eq 2 && grep -q 'usage: kroniek $c\\|unknown' $T/h.err"
done
$K --help > $T/h.out; check "kroniek --help lists the commands" "test \$? -eq 0 && grep -q 'serve' $T/h.out"
exit $fail
