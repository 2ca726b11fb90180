#!/bin/sh
# tests/cli/hostile.sh -- the hostile-input catalogue: every case of
# tests/hostile/cases.tsv is run with ./kroniek and with build/kroniek-asan (ASan+UBSan)
# and must give the expected exit status, summary counts and messages.  For every
# `code --stats` run it also checks that nothing is lost: articles read = coded +
# rejected, and each rejected article has its own line on stderr naming the file (and
# line) and the reason.  The sanitizer build must report nothing.
#
# Run from the repository root:  sh tests/cli/hostile.sh [CASE...]
# Large inputs (a 50 MB line, a 10^6-entry dictionary, ...) are generated into a
# temporary directory ($G in the catalogue); the small ones are tests/hostile/files ($F).
# Prints one line per case and binary, then "N passed, N failed"; exits 1 on a failure.
# A case marked xfail (xfail-asan: only under the sanitizers) is a known bug, see
# docs/TESTING.md: it is run and reported as XFAIL without failing the suite, and as
# XPASS when it passes.
set -u
K=${K:-./kroniek}
KA=${KA:-build/kroniek-asan}
H=tests/hostile
F=$H/files
G=$(mktemp -d "${TMPDIR:-/tmp}/kroniek-hostile.XXXXXX")
trap 'rm -rf "$G"' EXIT; trap 'exit 1' INT TERM
export F G
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
[ -x "$K" ] || { echo "hostile.sh: $K not built" >&2; exit 1; }
bins=$K
if [ -x "$KA" ]; then bins="$K $KA"; else echo "hostile.sh: $KA not built, plain binary only" >&2; fi
TO=$(command -v timeout >/dev/null && echo "timeout 300" || echo "")
have_py=0; command -v python3 >/dev/null && have_py=1

# ---- generated inputs (sizes per docs/TESTING.md)
gen() {
    S='De NAVO eist dat Rusland zich terugtrekt en dat het leger naar huis gaat. '
    # a 50 MB single line: as one JSON Lines record (then a good record), and as a seed text
    { printf '{"id":"huge","date":"2022-01-10","lang":"nl","text":"'
      yes "$S" | tr -d '\n' | head -c 52428800
      printf '"}\n{"id":"after","date":"2022-01-10","lang":"nl","text":"%s"}\n' "$S"; } > "$G/line-50mb.jsonl"
    { printf 'date 2022-01-10\n'; yes "$S" | tr -d '\n' | head -c 52428800; printf '\n'; } > "$G/line-50mb.txt"
    # a line past KR_MAX_LINE (64 MiB), then a good record
    { printf '{"id":"over","text":"'; head -c 68157440 /dev/zero | tr '\0' 'a'; printf '"}\n'
      printf '{"id":"after","date":"2022-01-10","lang":"nl","text":"%s"}\n' "$S"; } > "$G/line-65mb.jsonl"
    # an article of 12 MB (under KR_MAX_ARTICLE): coded
    { printf 'date 2022-01-10\n'; yes 'De NAVO eist dat Rusland zich terugtrekt uit Oekraïne. De VS steunen de NAVO.' | head -c 12582912; } > "$G/article-12mb.txt"
    # an article of 17 MB in JSON Lines (over KR_MAX_ARTICLE): rejected by the coder
    { printf '{"id":"big","date":"2022-01-10","lang":"nl","text":"'; yes "$S" | tr -d '\n' | head -c 17825792; printf '"}\n'; } > "$G/article-17mb.jsonl"
    # one sentence of 1 MB without a full stop; one token of 1 MB; 2 MB of punctuation
    { printf 'date 2022-01-10\n'; yes 'de Russische president sprak met de Franse president over Oekraïne en de NAVO' | tr '\n' ' ' | head -c 1048576; } > "$G/sentence-1mb.txt"
    { printf 'date 2022-01-10\n%s' "$S"; head -c 1048576 /dev/zero | tr '\0' 'x'; printf ' is een woord.\n'; } > "$G/token-1mb.txt"
    { printf 'date 2022-01-10\n%s' "$S"; yes '.,;:!?()[]"' | tr -d '\n' | head -c 2097152; } > "$G/punct-2mb.txt"
    # 100000-deep parentheses around a sentence; 5000 actors and 3000 clauses in a sentence
    { printf 'date 2022-01-10\n'; yes '(' | head -n 100000 | tr -d '\n'; printf '%s' "$S"; yes ')' | head -n 100000 | tr -d '\n'; printf '.\n'; } > "$G/parens.txt"
    { printf 'date 2022-01-10\n'; yes 'Rusland Oekraïne de VS de NAVO Poetin' | head -n 1000 | tr '\n' ' '; printf 'praten.\n\n';
      yes 'Rusland, Oekraïne en de VS, die praten, dat als Rusland' | head -n 3000 | tr '\n' ' '; printf 'aanvalt.\n'; } > "$G/many-actors.txt"
    # 20000 articles in one JSON Lines file
    awk 'BEGIN { for (i = 1; i <= 20000; i++) printf "{\"id\":\"a%d\",\"date\":\"2022-01-10\",\"lang\":\"nl\",\"text\":\"De NAVO eist dat Rusland zich terugtrekt.\"}\n", i }' > "$G/many-20000.jsonl"
    # 200000-deep JSON nesting, and an unterminated one
    { printf '{"id":"deep","date":"2022-01-10","lang":"nl","text":"%s","x":' "$S"; yes '[' | head -n 200000 | tr -d '\n'; yes ']' | head -n 200000 | tr -d '\n'; printf '}\n'; printf '{"id":"ok","date":"2022-01-10","lang":"nl","text":"%s"}\n' "$S"; } > "$G/deep.jsonl"
    { printf '{"id":"open","x":'; yes '{"a":' | head -n 100000 | tr -d '\n'; printf '\n'; } > "$G/deep-open.jsonl"
    # a binary file: the first MB of the program itself
    head -c 1048576 "$K" > "$G/binary.bin"
    # a directory: good, bad, ignored and empty files, a subdirectory and a symlink loop
    mkdir -p "$G/dir/sub"
    cp "$F/crlf.txt" "$G/dir/a.txt"; cp "$F/truncated.jsonl" "$G/dir/b.jsonl"
    echo 'not an article' > "$G/dir/notes.md"; : > "$G/dir/empty.json"; cp "$F/bom.txt" "$G/dir/.hidden.txt"
    cp "$F/nul-bytes.txt" "$G/dir/sub/c.txt"; ln -s .. "$G/dir/sub/loop"; ln -s . "$G/dir/self"
    # dictionaries: 10^6 entries; one phrase 100000 times; a 1 MB phrase line
    awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "RUS state naam%d\n", i }' > "$G/million.actors"
    awk 'BEGIN { for (i = 0; i < 100000; i++) printf "RUS state Ruritanie\n" }' > "$G/same-100000.actors"
    { printf 'RUS state '; head -c 1048576 /dev/zero | tr '\0' 'a'; printf '\n'; } > "$G/long-line.actors"
    # a directory of 30000 articles
    mkdir -p "$G/dir30000"
    awk -v d="$G/dir30000" 'BEGIN { for (i = 0; i < 30000; i++) { f = d "/a" (i * 7919 % 30000) ".txt"; printf "date 2022-01-10\nDe NAVO eist dat Rusland zich terugtrekt en dat het zo is.\n" > f; close(f) } }'
    # a file name that is not UTF-8 (Latin-1 'é'): its id must still come out as valid JSON
    mkdir -p "$G/latin1"; cp "$F/crlf.txt" "$G/latin1/caf$(printf '\351').txt"
    # the archive: a query of 1 MB (ten arguments of 100 KiB), and 3000 articles in
    # three files for concurrent writers
    head -c 102400 /dev/zero | tr '\0' 'q' > "$G/q100k"
    awk 'BEGIN { for (i = 1; i <= 3000; i++) printf "{\"id\":\"w%d\",\"date\":\"2022-01-10\",\"lang\":\"nl\",\"text\":\"De NAVO eist dat Rusland zich terugtrekt uit regio %d.\"}\n", i, i }' > "$G/w-all.jsonl"
    awk -v g="$G" '{ print > (g "/w-part" (NR % 3) ".jsonl") }' "$G/w-all.jsonl"
}
gen

# ---- one run: $1 binary, then the case fields; sets $why on failure
check() {
    bin=$1 name=$2 cmd=$3 exp_rc=$4 counts=$5 expect=$6 checks=$7
    out=$G/out.$$ err=$G/err.$$
    c0=$(date +%s)
    case $cmd in
    '!'*) K="$bin" $TO sh -c "${cmd#!}" < /dev/null > "$out" 2> "$err" ;;     # a shell line; $K is the program
    *) $TO sh -c "exec \"\$0\" $cmd" "$bin" < /dev/null > "$out" 2> "$err" ;;
    esac
    rc=$?
    dt=$(( $(date +%s) - c0 ))
    why=""
    [ "$rc" = "$exp_rc" ] || why="exit $rc, want $exp_rc"
    if grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$err"; then why="$why; sanitizer report"; fi
    stats=$(grep -E '^kroniek: [0-9]+ articles read: ' "$err" | tail -1)
    if [ -n "$stats" ]; then
        nr=$(echo "$stats" | sed 's/^kroniek: \([0-9]*\) articles read: \([0-9]*\) coded, \([0-9]*\) rejected; \([0-9]*\) sentences.*/\1 \2 \3 \4/')
        set -- $nr
        [ $# -eq 4 ] || why="$why; bad summary line"
        if [ $# -eq 4 ]; then
            [ "$1" -eq $(($2 + $3)) ] || why="$why; read $1 != coded $2 + rejected $3"
            # one line per rejected article, naming the file (and line) and the reason
            nrej=$(grep '^kroniek: ' "$err" | grep -v -E '^kroniek: [0-9]+ articles read: |invalid UTF-8 byte\(s\) replaced$|: cannot (open|read directory)|^kroniek: error writing output$' | grep -c .)
            [ "$nrej" -eq "$3" ] || why="$why; $nrej rejection lines for $3 rejected"
            bad=$(grep '^kroniek: ' "$err" | grep -v -E '^kroniek: [0-9]+ articles read: |^kroniek: error writing output$' | grep -v -c -E '^kroniek: [^ ]+(:[0-9]+)?: [^ ].{4,}')
            [ "$bad" -eq 0 ] || why="$why; $bad stderr line(s) without file and reason"
            if [ "$counts" != "-" ]; then
                got="$1/$2/$3"; want=$counts
                case $counts in */*/*/*) got="$got/$4" ;; esac
                [ "$got" = "$want" ] || why="$why; counts $got, want $want"
            fi
        fi
    elif [ "$counts" != "-" ]; then why="$why; no summary line (want $counts)"; fi
    if [ "$expect" != "-" ]; then
        rest=$expect
        while [ -n "$rest" ]; do
            case $rest in *" && "*) one=${rest%% && *}; rest=${rest#* && } ;; *) one=$rest; rest="" ;; esac
            if ! grep -q -F -- "$one" "$out" "$err"; then why="$why; no '$one'"; fi
        done
    fi
    for c in $checks; do
        case $c in
        json) if [ $have_py = 1 ] && ! python3 -c '
import json, sys
for n, l in enumerate(open(sys.argv[1], encoding="utf-8", errors="strict"), 1):
    o = json.loads(l)
    assert isinstance(o, dict), n
' "$out" 2>/dev/null; then why="$why; stdout is not valid JSON Lines"; fi ;;
        events) [ -s "$out" ] || why="$why; no events on stdout" ;;
        noevents) [ -s "$out" ] && why="$why; events on stdout" ;;
        maxsec=*) [ "$dt" -le "${c#maxsec=}" ] || why="$why; took ${dt}s, limit ${c#maxsec=}s" ;;
        noasan|xfail|xfail-asan|-) ;;
        *) why="$why; unknown check $c" ;;
        esac
    done
    rm -f "$out" "$err"
    [ -z "$why" ]
}

pass=0 failn=0 xfail=0
tab=$(printf '\t')
while IFS="$tab" read -r name desc cmd exp_rc counts expect checks; do
    case $name in ''|'#'*) continue ;; esac
    if [ $# -gt 0 ]; then sel=0; for a in "$@"; do [ "$a" = "$name" ] && sel=1; done; [ $sel = 1 ] || continue; fi
    for b in $bins; do
        case " $checks " in *" noasan "*) [ "$b" = "$KA" ] && continue ;; esac
        t0=$(date +%s)
        xf=0
        case " $checks " in *" xfail "*) xf=1 ;; *" xfail-asan "*) [ "$b" = "$KA" ] && xf=1 ;; esac
        if check "$b" "$name" "$cmd" "$exp_rc" "$counts" "$expect" "${checks:--}"; then
            case $xf in
            1) echo "XPASS $name ($(basename "$b")): the known bug did not show this time" ;;
            *) echo "PASS $name ($(basename "$b"), $(( $(date +%s) - t0 ))s)" ;;
            esac
            pass=$((pass + 1))
        else
            case $xf in
            1) xfail=$((xfail + 1)); echo "XFAIL $name ($(basename "$b")): ${why#; } -- known bug, see docs/TESTING.md" ;;
            *) failn=$((failn + 1)); echo "FAIL $name ($(basename "$b")): ${why#; } -- $desc" ;;
            esac
        fi
    done
done < "$H/cases.tsv"
echo "$pass passed, $failn failed, $xfail known failures (xfail)"
[ "$failn" -eq 0 ]
