#!/bin/sh
# geo.sh -- issue 14: geolocation (src/geo.c).  The place an event's sentence names
# (location, location_text) gives geo_* fields in JSON Lines, the ActionGeo columns of
# GDELT TSV (FIPS country codes) and PLOVER's event_loc; a name the gazetteer lacks
# gives the country's centroid (type 1); a first-level division is type 2 (GeoNames admin1);
# no location, no geo fields.
# Run from the repository root: sh tests/cli/geo.sh  (KRONIEK=path to test another binary)
set -u
K=${KRONIEK:-./kroniek}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
nfail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; nfail=$((nfail + 1)); }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }

mkdir "$T/in"
printf 'date 2022-01-10\nRusland en de Verenigde Staten zijn in Genève besprekingen begonnen.\n' > "$T/in/nl-geneve.txt"
printf 'date 2022-01-10\nRussia and the United States began talks in Geneva on Monday.\n' > "$T/in/en-geneve.txt"
printf 'date 2022-01-10\nRussia and Ukraine held talks in Turkey on Monday.\n' > "$T/in/en-turkey.txt"
printf 'date 2022-01-10\nRussia criticized the United States on Monday, the foreign ministry said.\n' > "$T/in/en-none.txt"
printf 'date 2022-01-10\nThe Taliban and the United States held talks in Kabul on Monday.\n' > "$T/in/en-kabul.txt"

$K code "$T/in/nl-geneve.txt" > "$T/nl.jsonl"
$K code "$T/in/en-geneve.txt" > "$T/en.jsonl"
$K code "$T/in/en-turkey.txt" > "$T/tr.jsonl"
$K code "$T/in/en-none.txt" > "$T/none.jsonl"
$K code "$T/in/en-kabul.txt" > "$T/kabul.jsonl"
$K code --format tsv "$T/in/nl-geneve.txt" > "$T/nl.tsv"
$K code --format tsv "$T/in/en-turkey.txt" > "$T/tr.tsv"
$K code --format tsv "$T/in/en-none.txt" > "$T/none.tsv"
$K code --format plover "$T/in/nl-geneve.txt" > "$T/nl.plover"

# the geo fields of the first event, as "type country lat lon id adm1 name"
geo() {
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "geo_type" not in r: print("none", r["location"])
    else: print(r["geo_type"], r["geo_country"], round(r["geo_lat"], 1), round(r["geo_lon"], 1), r["geo_id"], r["geo_adm1"], r["geo_name"])
    break
' "$1"
}
check "nl Genève: a place in Switzerland (FIPS SZ), type 3, 46.2 N 6.1 E, GeoNames id" [ "$(geo $T/nl.jsonl)" = "3 SZ 46.2 6.1 2660646 SZGE Genève" ]
check "en Geneva: the same place" [ "$(geo $T/en.jsonl)" = "3 SZ 46.2 6.1 2660646 SZGE Genève" ]
check "en Kabul: a place in Afghanistan (FIPS AF)" sh -c "geo_out='$(geo $T/kabul.jsonl)'; case \"\$geo_out\" in '3 AF 34.5 69.2 1138958 '*) exit 0;; *) echo \"\$geo_out\"; exit 1;; esac"
check "in Turkey: the country (type 1, FIPS TU, its centroid, id = FIPS)" sh -c "case '$(geo $T/tr.jsonl)' in '1 TU 39.'*' TU TU '*) exit 0;; *) exit 1;; esac"
check "no location: no geo fields" [ "$(geo $T/none.jsonl)" = "none " ]
check "every event of a located sentence has the geo fields" [ "$(grep -c '"geo_type"' $T/nl.jsonl)" -eq "$(wc -l < $T/nl.jsonl)" ]

# GDELT TSV: ActionGeo_Type (50), FullName, CountryCode, ADM1Code, Lat, Long, FeatureID (56)
check "tsv rows still have 58 columns" awk -F'\t' 'NF != 58 { bad = 1 } END { exit bad }' "$T/nl.tsv" "$T/tr.tsv" "$T/none.tsv"
check "tsv: Genève as a world city (4), FIPS SZ, ADM1 SZGE, lat/long, GeoNames id" \
  awk -F'\t' '$50 != 4 || $51 != "Genève, Switzerland" || $52 != "SZ" || $53 != "SZGE" || $54 < 46.1 || $54 > 46.3 || $55 < 6.0 || $55 > 6.3 || $56 != "2660646" { bad = 1 } END { exit bad || NR == 0 }' "$T/nl.tsv"
check "tsv: a country match is type 1 with the FIPS code as ADM1 and FeatureID" \
  awk -F'\t' '$50 != 1 || $52 != "TU" || $53 != "TU" || $56 != "TU" || $54 == "" { bad = 1 } END { exit bad || NR == 0 }' "$T/tr.tsv"
check "tsv: no location, empty ActionGeo columns" awk -F'\t' '$50$51$52$53$54$55$56 != "" { bad = 1 } END { exit bad || NR == 0 }' "$T/none.tsv"

# PLOVER: event_loc with the codebook's location fields
check "plover: event_loc with the place, GeoNames id, lat/lon, resolution 4" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    l = json.loads(line)["event_loc"]
    assert l["extracted_place"] == "Genève" and l["geonameid"] == 2660646 and abs(l["lat"] - 46.2) < 0.1, l
    assert l["country_code"] == "CHE" and l["resolution"] == 4, l
' "$T/nl.plover"

# the archive keeps the state, not the words: its exports find the place again in the sentence
if $K ingest --db "$T/k.db" "$T/in" > /dev/null 2>&1; then
  $K export --db "$T/k.db" --format gdelt > "$T/x.gdelt" 2>/dev/null
  check "archive export gdelt: the place found again in the sentence (4, SZ)" \
    awk -F'\t' '$58 ~ /geneve/ { n++; if ($50 != 4 || $52 != "SZ" || $56 != "2660646") bad = 1 } END { exit bad || n == 0 }' "$T/x.gdelt"
fi

# a sentence that names no place: the place of one of the two sentences before it, then
# the state both actors belong to (src/event.c: kc_fallback_place); nothing otherwise
printf 'date 2022-01-10\nRussia and Ukraine held talks in Turkey on Monday.\nRussia later accused Ukraine of lying.\nThe weather was fine.\nIt rained.\nIt was cold.\nRussia criticized Ukraine again.\n' > "$T/in/en-prev.txt"
printf 'date 2019-03-10\nPremier Mark Rutte heeft PVV-leider Geert Wilders maandag tijdens het debat in de Kamer scherp bekritiseerd.\n' > "$T/in/nl-dom.txt"
$K code "$T/in/en-prev.txt" > "$T/prev.jsonl"
$K code "$T/in/nl-dom.txt" > "$T/dom.jsonl"
locs() { python3 -c '
import json, sys
print(" ".join("%d:%s:%s" % (r["sentence"], r["code"], r["location"] or "-") for r in map(json.loads, open(sys.argv[1]))))' "$1"; }
check "the next sentence keeps the place named before it; four sentences on, no place" \
  [ "$(locs $T/prev.jsonl)" = "1:040:TUR 1:040:TUR 2:112:TUR 6:111:-" ]
check "a domestic event without a place: the actors' state (NLD), at its centroid" \
  [ "$(locs $T/dom.jsonl)" = "1:111:NLD" -a "$(geo $T/dom.jsonl | cut -d' ' -f1,2)" = "1 NL" ]
# ... and a material act (quad class 2 or 4) in the state of its target
printf 'date 2022-03-01\nThe weather was fine.\nRussian forces attacked the Ukrainian army on Monday.\n' > "$T/in/en-mat.txt"
$K code "$T/in/en-mat.txt" > "$T/mat.jsonl"
check "a material act without a place: the target's state (UKR)" \
  [ "$(locs $T/mat.jsonl)" = "2:190:UKR" ]

# first-level divisions (GeoNames admin1, type 2; GDELT ADM1): a dictionary name of a
# division in Dutch or English gives its point (the mean of its cities weighted by
# population), FIPS country + admin1 code as ADM1 and FeatureID; a namesake city that lies
# in it stays the city; "California" is the state, not the town of that name in Maryland
printf 'date 2022-01-10\nRussia and the United States began talks in Bavaria on Monday.\n' > "$T/in/en-bavaria.txt"
printf 'date 2022-01-10\nRusland en Oekraïne zijn maandag in Noord-Holland besprekingen begonnen.\n' > "$T/in/nl-nh.txt"
printf 'date 2022-01-10\nRussia and the United States began talks in Utrecht on Monday.\n' > "$T/in/en-utrecht.txt"
printf 'date 2022-01-10\nRussia and the United States began talks in California on Monday.\n' > "$T/in/en-ca.txt"
for f in en-bavaria nl-nh en-utrecht en-ca; do $K code "$T/in/$f.txt" > "$T/$f.jsonl"; done
$K code --format tsv "$T/in/en-ca.txt" > "$T/ca.tsv"
$K code --format tsv "$T/in/en-bavaria.txt" > "$T/bavaria.tsv"
$K code --format plover "$T/in/en-bavaria.txt" > "$T/bavaria.plover"
check "en Bavaria: a division (type 2), ADM1 GM02, 48.8 N 11.3 E, FeatureID the ADM1 code" [ "$(geo $T/en-bavaria.jsonl)" = "2 GM 48.8 11.3 GM02 GM02 Bavaria" ]
check "nl Noord-Holland: the division North Holland (NL07)" [ "$(geo $T/nl-nh.jsonl)" = "2 NL 52.4 4.9 NL07 NL07 North Holland" ]
check "Utrecht: the city (type 3, GeoNames id), not the province it lies in" [ "$(geo $T/en-utrecht.jsonl)" = "3 NL 52.1 5.1 2745912 NL09 Utrecht" ]
check "California: the state (USCA, west of 115 W), not California, Maryland" sh -c "case '$(geo $T/en-ca.jsonl)' in '2 US 35.'*' -119.'*' USCA USCA California') exit 0;; *) exit 1;; esac"
check "tsv: a US state is ActionGeo type 2, a division elsewhere type 5, ADM1 and FeatureID the ADM1 code" sh -c "
  awk -F'\t' '\$50 != 2 || \$53 != \"USCA\" || \$56 != \"USCA\" { bad = 1 } END { exit bad || NR == 0 }' '$T/ca.tsv' &&
  awk -F'\t' '\$50 != 5 || \$51 != \"Bavaria, Germany\" || \$53 != \"GM02\" { bad = 1 } END { exit bad || NR == 0 }' '$T/bavaria.tsv'"
check "plover: a division is resolution 2, without a geonameid it does not have" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    l = json.loads(line)["event_loc"]
    assert l["resolution"] == 2 and l["resolved_place"] == "Bavaria" and "geonameid" not in l, l
' "$T/bavaria.plover"

# an event placed at its actors' state finds a division of that state that its sentence
# names, also one the dictionaries do not name (Limburg, NL05)
printf 'date 2019-03-10\nPremier Mark Rutte heeft PVV-leider Geert Wilders maandag tijdens een bezoek aan Limburg scherp bekritiseerd.\n' > "$T/in/nl-limburg.txt"
$K code "$T/in/nl-limburg.txt" > "$T/limburg.jsonl"
check "a fallback place: the division the sentence names (Limburg, NL05)" [ "$(geo $T/limburg.jsonl)" = "2 NL 51.1 5.9 NL05 NL05 Limburg" ]

# the archive keeps the state, not the words: its exports find the coder's place again,
# passing over a state's own name that is no place ("de Verenigde Staten ... in Texas")
mkdir "$T/in2"
printf 'date 2022-01-10\nRusland en de Verenigde Staten zijn maandag in Texas besprekingen begonnen.\n' > "$T/in2/nl-texas.txt"
$K code --format tsv "$T/in2/nl-texas.txt" | cut -f50-56 > "$T/texas.code"
if $K ingest --db "$T/k2.db" "$T/in2" > /dev/null 2>&1; then
  $K export --db "$T/k2.db" --format gdelt | cut -f50-56 > "$T/texas.export"
  check "archive export = code: Texas (USTX), not the United States named before it" sh -c "
    grep -q '^2	Texas, United States of America	US	USTX	' '$T/texas.code' && cmp -s '$T/texas.code' '$T/texas.export'"
fi

# the third fallback: a state's court, police or parliament acts at home
printf 'date 2020-01-10\nA Thai court sentenced a Dutch man to ten years in prison on Monday.\n' > "$T/in/en-thai.txt"
printf 'date 2020-01-10\nThe Iraqi parliament voted on Sunday to expel American troops.\n' > "$T/in/en-iraq.txt"
$K code "$T/in/en-thai.txt" > "$T/thai.jsonl"
$K code "$T/in/en-iraq.txt" > "$T/iraq.jsonl"
check "a court's event without a place: its state (THAJUD -> THA)" [ "$(locs $T/thai.jsonl)" = "1:116:THA" ]
check "a parliament's event without a place: its state (IRQLEG -> IRQ)" [ "$(locs $T/iraq.jsonl)" = "1:174:IRQ" ]

# the gazetteer: a country row for every ISO state, FIPS codes unique
check "gazetteer: 246 countries, FIPS codes unique" sh -c "
  test \$(grep -vc '^#' data/geo/countries.geo) -ge 240 &&
  test -z \"\$(grep -v '^#' data/geo/countries.geo | cut -f3 | grep . | sort | uniq -d)\""

check "gazetteer: 3,000 or more first-level divisions (type 2), each with a point" sh -c "
  test \$(awk -F'\t' '!/^#/ && \$3 == 2 && \$4 != \"\" && \$5 != \"\"' data/geo/places.geo | wc -l) -ge 3000 &&
  test \$(awk -F'\t' '!/^#/ && \$3 == 2 && (\$4 == \"\" || \$5 == \"\")' data/geo/places.geo | wc -l) -eq 0"

echo "geo: $nfail failed"
[ "$nfail" -eq 0 ]
