#!/bin/sh
# names.sh -- issue 14: actor names (kroniek dict names, --actor by name, names in the
# tables and JSON), faithful exports (PLOVER checked against the codebook's field list
# and the CAMEO-to-PLOVER table in ../shared/docs/plover, GDELT header/url/counts, CSV
# cells neutralised), --one-a-day for events and export, zero rows in the timeline,
# --dyad-level, and the rough edges (dates, empty directory, empty gold file, lower-case
# search operators, eval --help's GUIDE path).
# Run from the repository root: sh tests/cli/names.sh  (KRONIEK=path to test another binary)
set -u
SHARED=${SHARED:-../shared}
K=${KRONIEK:-./kroniek}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
SEED=$SHARED/data/news/seed-2022-01-geneve.txt
PLOVER=$SHARED/docs/plover
nfail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; nfail=$((nfail + 1)); }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }

# ---------------------------------------------------------------- names
$K dict names RUSGOV NLDPTYVVD IGOWSTNAT USAGOVMIL RUSXYZ > "$T/names"; rc=$?
check "dict names exits 0" [ $rc -eq 0 ]
check "RUSGOV: Rusland: regering / Russia: government" grep -q "^RUSGOV	Rusland: regering	Russia: government$" "$T/names"
check "NLDPTYVVD: Nederland: VVD" grep -q "^NLDPTYVVD	Nederland: VVD	Netherlands: VVD$" "$T/names"
check "IGOWSTNAT: NAVO / NATO" grep -q "^IGOWSTNAT	NAVO	NATO$" "$T/names"
check "two sectors: regering, leger" grep -q "^USAGOVMIL	Verenigde Staten: regering, leger	United States: government, military$" "$T/names"
check "an unknown part stays a code" grep -q "^RUSXYZ	Rusland: XYZ	Russia: XYZ$" "$T/names"
$K dict names Rusland Russia NAVO "Rusland: regering" "russia: government" > "$T/codes"
check "names to codes" [ "$(cut -f2 "$T/codes" | tr '\n' ' ')" = "RUS RUS IGOWSTNAT RUSGOV RUSGOV " ]
$K dict names Narnia > /dev/null 2> "$T/err"; rc=$?
check "dict names: a name without a code exits 1 with a message" [ $rc -eq 1 ] && grep -q "Narnia" "$T/err"
$K dict check > "$T/check"
check "dict check reads the sector files (no sector errors)" sh -c "! grep -q 'sectors.txt' '$T/check'"
mkdir -p "$T/data/nl" "$T/data/en" "$T/data/cameo"
cp data/cameo/codes.tsv "$T/data/cameo/"      # a directory with no dictionary at all trips dict.c's qsort (UBSan)
printf 'GOV  regering\nGOV  kabinet\nxx  bad\n' > "$T/data/nl/sectors.txt"
printf 'GOV  government\nMIL  military\n' > "$T/data/en/sectors.txt"
$K dict check --data "$T/data" > "$T/check2" 2>&1
check "dict check: a sector named twice" grep -q "sectors.txt:2: error: GOV named twice" "$T/check2"
check "dict check: a bad sector code" grep -q "sectors.txt:3: error: 'xx' is not a sector code" "$T/check2"
check "dict check: a sector without its Dutch name" grep -q "MIL has no Dutch name" "$T/check2"

# ---------------------------------------------------------------- archive
printf '%s\n' '{"id":"u-1","date":"2022-01-10","lang":"en","url":"https://example.org/a?x=1","source":"Example Post","text":"Russia and the United States held talks in Geneva. Russia criticized NATO."}' \
    '{"id":"u-2","date":"2022-01-10","lang":"en","url":"https://example.org/b","source":"Other Daily","text":"Russian officials criticized NATO on Monday. The United States and Russia held talks in Geneva."}' \
    '{"id":"u-3","date":"2022-03-02","lang":"en","title":"=HYPERLINK(\"http://evil\")","text":"=cmd|calc Russia criticized NATO."}' > "$T/u.jsonl"
DB=$T/k.db
$K ingest --db "$DB" "$SEED" examples/ "$T/u.jsonl" 2> "$T/ingest.err"
check "ingest exits 0" [ $? -eq 0 ]

$K events --db "$DB" --actor RUS --format jsonl > "$T/ev-code"
$K events --db "$DB" --actor Rusland --format jsonl > "$T/ev-nl"
$K events --db "$DB" --actor Russia --format jsonl > "$T/ev-en"
check "events --actor RUS finds events" [ -s "$T/ev-code" ]
check "--actor Rusland = --actor Russia = --actor RUS" sh -c "cmp -s '$T/ev-code' '$T/ev-nl' && cmp -s '$T/ev-code' '$T/ev-en'"
$K events --db "$DB" --dyad "Rusland: regering,Verenigde Staten" --format jsonl > "$T/ev-dyad"
check "--dyad with display names" grep -q '"source":"RUSGOV"' "$T/ev-dyad"
$K events --db "$DB" --actor Narnia > "$T/out" 2> "$T/err"; rc=$?
check "--actor Narnia: exit 1, a message, no output" [ $rc -eq 1 -a ! -s "$T/out" ] && grep -q "Narnia" "$T/err"
check "events JSON: source_name and target_name" grep -q '"source_name":"Russia' "$T/ev-code"
$K events --db "$DB" --actor RUS --format table --names nl > "$T/table"
check "events table: Dutch names" grep -q "Rusland" "$T/table"
check "events JSON: the url as ingested" grep -q '"url":"https://example.org/a?x=1"' "$T/ev-code"

# dates
$K events --db "$DB" --from 2020-01-01 --to 2019-01-01 > /dev/null 2> "$T/err"; rc=$?
check "--from after --to: exit 2 with a message" [ $rc -eq 2 ] && grep -q "after" "$T/err"
for bad in "2019-03-03 junk" "2019-3-3" "2019-02-30"; do
    $K events --db "$DB" --from "$bad" > /dev/null 2>&1; rc=$?
    check "events --from '$bad' is refused" [ $rc -eq 2 ]
done
$K events --db "$DB" --from 2022-01-10T00:00:00Z --format jsonl > /dev/null; check "an ISO time is a date" [ $? -eq 0 ]

# one a day
$K events --db "$DB" --format jsonl > "$T/all"
$K events --db "$DB" --one-a-day --format jsonl > "$T/oad"
ngroups=$(sed 's/.*"date":"\([^"]*\)".*"source":"\([^"]*\)","target":"\([^"]*\)","code":"\([^"]*\)".*/\1 \2 \3 \4/' "$T/all" | sort -u | wc -l)
check "events --one-a-day: one event per (date, source, target, code)" [ "$(wc -l < "$T/oad")" -eq "$ngroups" ]
check "events --one-a-day: fewer events than all" [ "$(wc -l < "$T/oad")" -lt "$(wc -l < "$T/all")" ]
$K export --db "$DB" --one-a-day --format jsonl > "$T/xoad"
check "export --one-a-day: the same count" [ "$(wc -l < "$T/xoad")" -eq "$ngroups" ]
$K events --db "$DB" --one-a-day --format jsonl --limit 2 --offset 1 > "$T/oadp"
check "events --one-a-day --limit 2 --offset 1: the 2nd and 3rd" [ "$(sed -n '2,3p' "$T/oad" | cut -d, -f1)" = "$(cut -d, -f1 "$T/oadp")" ]

# GDELT
$K export --db "$DB" --format gdelt > "$T/g"
check "gdelt: no header row" sh -c "! grep -q '^GLOBALEVENTID' '$T/g'"
$K export --db "$DB" --format gdelt --header | head -1 | grep -q '^GLOBALEVENTID'; check "gdelt --header: a header row" [ $? -eq 0 ]
check "gdelt: SOURCEURL is the article's url" awk -F'\t' '$58 == "https://example.org/a?x=1" { f = 1 } END { exit !f }' "$T/g"
check "gdelt: SOURCEURL is the id without a url" awk -F'\t' '$58 == "seed-2022-01-geneve" { f = 1 } END { exit !f }' "$T/g"
check "gdelt: two articles on one day report RUS-USA talks: NumMentions 2+, NumArticles 2, NumSources 2" \
    awk -F'\t' '$58 ~ /example.org/ && $27 ~ /^04/ && $32 >= 2 && $34 == 2 && $33 == 2 { f = 1 } END { exit !f }' "$T/g"

# CSV for spreadsheets
$K export --db "$DB" --format csv > "$T/x.csv"
check "export csv: a formula cell gets a quote" grep -q "\"'=cmd|calc" "$T/x.csv"
check "export csv: no cell starts with =" sh -c "! grep -q '\"=' '$T/x.csv'"
$K events --db "$DB" --format csv > "$T/e.csv"
check "events csv: a formula cell gets a quote" grep -q "\"'=cmd|calc" "$T/e.csv"

# PLOVER, against the codebook (PLOVER_MANUAL.tex: the JSON field table and the entity
# table) and the CAMEO-to-PLOVER table
$K export --db "$DB" --format plover > "$T/p" 2> "$T/perr"
check "plover export exits 0" [ $? -eq 0 ]
if command -v python3 > /dev/null 2>&1 && [ -f "$PLOVER/PLOVER_MANUAL.tex" ]; then
    python3 - "$PLOVER" "$T/p" "$T/all" > "$T/pcheck" 2>&1 <<'EOF'
import json, re, sys
d, path, allp = sys.argv[1], sys.argv[2], sys.argv[3]
tex = open(d + "/PLOVER_MANUAL.tex", encoding="utf-8").read()
def table(label):
    body = tex[:tex.index("\\label{%s}" % label)]
    body = body[body.rindex("\\begin{tabular}"):]
    names = []
    for line in body.split("\\\\"):
        cells = [c.strip() for c in line.split("&")]
        if len(cells) >= 2 and re.match(r"^[a-z][a-z\\_]*$", cells[0].split("\n")[-1].strip()):
            names.append(cells[0].split("\n")[-1].strip().replace("\\_", "_"))
    return names
fields, entity = table("tab:json"), table("tab:actorinfo")
cite = table("tab:citeinfo"); loc = table("tab:locations"); textinfo = table("tab:textinfo")
assert "actor" in fields and "event" in fields and "code" in entity, (fields, entity)
extra = {"cameo", "goldstein", "date_precision"}          # kroniek's own, documented
cats = {"AGREE","CONSULT","SUPPORT","CONCEDE","COOPERATE","AID","RETREAT","REQUEST","ACCUSE","REJECT",
        "THREATEN","PROTEST","SANCTION","MOBILIZE","COERCE","ASSAULT"}
quad = {"AGREE":1,"CONSULT":1,"SUPPORT":1,"CONCEDE":1,"COOPERATE":2,"AID":2,"RETREAT":2,"REQUEST":3,"ACCUSE":3,
        "REJECT":3,"SANCTION":3,"THREATEN":3,"PROTEST":4,"MOBILIZE":4,"COERCE":4,"ASSAULT":4}
mapping = {}
for line in open(d + "/CAMEO2PLOVER-2021.txt", encoding="utf-8"):
    m = re.match(r"^(\d{3,4}):\s*([A-Z]+)", line)
    if m and m.group(1) not in mapping: mapping[m.group(1)] = m.group(2)
n = 0; errors = []
for line in open(path):
    r = json.loads(line); n += 1
    for k in r:
        if k not in fields and k not in extra: errors.append("unknown field " + k)
    for k in ("id", "date", "actor", "event"):
        if k not in r: errors.append("missing " + k)
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", r["date"]): errors.append("date " + r["date"])
    for who in ("actor", "recipient"):
        for e in r.get(who, []):
            for k in e:
                if k not in entity and k not in {"country_name", "cameo"}: errors.append("unknown entity field " + k)
            if len(e["code"]) != 3: errors.append("code " + e["code"])
    if not set(r["event"]) <= cats: errors.append("event %s" % r["event"])
    if r["quad_code"] != quad[r["event"][0]]: errors.append("quad %s" % r)
    c = r["cameo"]
    want = mapping.get(c) or mapping.get(c[:3])
    if want and want != r["event"][0]: errors.append("%s: %s, table %s" % (c, r["event"][0], want))
    for k in r.get("cite_info", {}):
        if k not in cite: errors.append("unknown cite_info field " + k)
    for k in r.get("event_loc", {}) or {}:
        if k not in loc: errors.append("unknown event_loc field " + k)
    for k in r.get("text_info", {}):
        if k not in textinfo: errors.append("unknown text_info field " + k)
    if r["mode"] is not None and not isinstance(r["mode"], list): errors.append("mode not a list")
nall = sum(1 for l in open(allp) if not re.search(r'"root":"0[12]"', l))
if n != nall: errors.append("records %d, events outside roots 01, 02: %d" % (n, nall))
print("records", n, "errors", len(errors))
for e in errors[:20]: print(e)
sys.exit(1 if errors or n == 0 else 0)
EOF
    rc=$?
    check "plover: fields, entities, categories, quad classes per the codebook and the table" [ $rc -eq 0 ]
    [ $rc -eq 0 ] || cat "$T/pcheck"
else
    echo "skip plover field check (no python3 or no $PLOVER)"
fi
check "plover: CONSULT with mode visit for 042/043, or none" sh -c "! grep '\"cameo\":\"04[23]\"' '$T/p' | grep -v -q '\"mode\":\[\"visit\"\]'"
check "plover: the url in cite_info" grep -q '"cite_info":{"citation":"u-1","url":"https://example.org/a?x=1"' "$T/p"

# ---------------------------------------------------------------- timeline
$K timeline --db "$DB" --format csv > "$T/tl"
check "timeline: every month from the first to the last, zero rows between" \
    [ "$(cut -d, -f1 "$T/tl" | sed 1d | tr '\n' ' ')" = "2021-06 2021-07 2021-08 2021-09 2021-10 2021-11 2021-12 2022-01 2022-02 2022-03 " ]
check "timeline: a zero row has count 0" grep -q '^2021-07,,,0,0,0.0,' "$T/tl"
$K timeline --db "$DB" --by week --from 2022-01-01 --to 2022-01-31 --format csv > "$T/tlw"
check "timeline --by week --from --to: the weeks of the range" [ "$(cut -d, -f1 "$T/tlw" | sed 1d | tr '\n' ' ')" = "2021-W52 2022-W01 2022-W02 2022-W03 2022-W04 2022-W05 " ]
$K timeline --db "$DB" --by-dyad --format csv > "$T/tlc"
$K timeline --db "$DB" --by-dyad --dyad-level country --format csv > "$T/tlk"
check "timeline --dyad-level code: RUS->USA and RUSGOV->USAGOV are two dyads" sh -c "grep -q ',RUS,USA,' '$T/tlc' && grep -q ',RUSGOV,USAGOV,' '$T/tlc'"
check "timeline --dyad-level country: only RUS->USA" sh -c "grep -q ',RUS,USA,' '$T/tlk' && ! grep -q ',RUSGOV,' '$T/tlk'"
check "timeline --dyad-level country: the same total" \
    [ "$(awk -F, 'NR > 1 { s += $4 } END { print s }' "$T/tlc")" -eq "$(awk -F, 'NR > 1 { s += $4 } END { print s }' "$T/tlk")" ]
check "timeline csv: the names of the dyad" grep -q '"Russia","United States"' "$T/tlk"

# ---------------------------------------------------------------- rough edges
mkdir -p "$T/empty"
$K code "$T/empty" > /dev/null 2> "$T/err"; rc=$?
check "code on an empty directory: exit 1, says so" [ $rc -eq 1 ] && grep -q "no articles in this directory" "$T/err"
$K ingest --db "$T/e.db" "$T/empty" 2> "$T/err"; rc=$?
check "ingest of an empty directory: exit 1, says so" [ $rc -eq 1 ] && grep -q "no articles in this directory" "$T/err"
: > "$T/gold.jsonl"
$K eval --gold "$T/gold.jsonl" "$SEED" > /dev/null 2> "$T/err"; rc=$?
check "eval with an empty gold file: exit 2" [ $rc -eq 2 ] && grep -q "no events" "$T/err"
$K search --db "$DB" 'russia and nato' > /dev/null 2> "$T/err"
check "search 'russia and nato': a note on upper-case operators" grep -q "operators are upper case" "$T/err"
$K search --db "$DB" 'russia AND nato' > /dev/null 2> "$T/err"
check "search 'russia AND nato': no note" [ ! -s "$T/err" ]
$K search --db "$DB" '"russia and nato"' > /dev/null 2> "$T/err"
check "search in a phrase: no note" [ ! -s "$T/err" ]
guide=$($K eval --help | grep -o '[.a-z/]*GUIDE.md' | head -1)
check "eval --help names a GUIDE that exists ($guide)" [ -f "$guide" ]

[ $nfail -eq 0 ] && echo "names.sh: all passed" || echo "names.sh: $nfail failed"
exit $nfail
