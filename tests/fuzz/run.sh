#!/bin/sh
# tests/fuzz/run.sh -- run the libFuzzer targets (`make fuzz FUZZ_TIME=S` builds them and
# calls this).  Usage: sh tests/fuzz/run.sh SECONDS [TARGET...]
#   SECONDS  time per target; 0 only replays the seed corpus and the crash reproducers
#            (the regression test that tests/cli/fuzz-regress.sh runs)
#   TARGET   e.g. fuzz_dict (default: every built $B/fuzz/fuzz_* binary)
# Environment: B (build directory, default build; make passes its own), FUZZ_JOBS
# (targets run at once, default 1), FUZZ_KEEP_GOING=1 (fork mode: record every crash in
# the artifacts and go on fuzzing, for a target with a known open bug).  Each target T (fuzz_N) first replays tests/fuzz/regress/N,
# tests/fuzz/corpus/N and the grown corpus tests/fuzz/grown/N.tar.xz, then fuzzes with a working corpus in $B/fuzz/corpus/T.  Figures
# go to $B/fuzz/T.log and one line per run to $B/fuzz/stats.tsv.  A crash leaves
# $B/fuzz/artifacts/T-crash-*; move it to tests/fuzz/regress/N/ once fixed.  Exits 1
# if any target crashed.
set -u
SECS=${1:-60}
[ $# -gt 0 ] && shift
B=${B:-build}
DIR=$(dirname "$0")
JOBS=${FUZZ_JOBS:-1}
# undefined behaviour is a crash too (the fuzz build lets UBSan recover otherwise)
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p "$B/fuzz/artifacts"
targets=$*
[ -n "$targets" ] || targets=$(cd "$B/fuzz" 2>/dev/null && ls fuzz_* 2>/dev/null | grep -v '\.')
[ -n "$targets" ] || { echo "no fuzz targets in $B/fuzz (run make fuzz)"; exit 1; }

# per-target options: dictionary and the largest input tried
opts() {
    case $1 in
    fuzz_text|fuzz_code) echo "-dict=$DIR/text.dict -max_len=16384" ;;
    fuzz_read|fuzz_jsonl) echo "-dict=$DIR/jsonl.dict -max_len=16384" ;;
    fuzz_dict) echo "-dict=$DIR/dict.dict -max_len=32768" ;;
    *) if [ -f "$DIR/${1#fuzz_}.dict" ]; then echo "-dict=$DIR/${1#fuzz_}.dict -max_len=16384"; else echo "-max_len=16384"; fi ;;
    esac
}

run_one() {
    t=$1; bin=$B/fuzz/$t; log=$B/fuzz/$t.log
    [ -x "$bin" ] || { echo "FAIL $t: $bin not built"; return 1; }
    mkdir -p "$B/fuzz/corpus/$t"
    n=${t#fuzz_}
    # the corpus grown by fuzzing, merged (-merge=1, inputs cut at 2 KiB) and kept as
    # tests/fuzz/grown/N.tar.xz: unpacked once per build directory
    g=$DIR/grown/$n.tar.xz; gd=$B/fuzz/grown/$n
    if [ -f "$g" ] && { [ ! -d "$gd" ] || [ "$g" -nt "$gd" ]; }; then
        rm -rf "$gd"; mkdir -p "$gd" && tar -xJf "$g" -C "$gd" && touch "$gd" || { echo "FAIL $t: cannot unpack $g"; return 1; }
    fi
    seeds=""; for d in "$DIR/regress/$n" "$DIR/corpus/$n" "$gd"; do [ -d "$d" ] && seeds="$seeds $d"; done
    # 1. replay every seed and reproducer once (libFuzzer runs file arguments once)
    files=$(for d in $seeds; do find "$d" -type f; done)
    if [ -n "$files" ]; then
        # shellcheck disable=SC2086
        if ! "$bin" -runs=1 $(opts $t) $files > "$log.replay" 2>&1; then
            echo "FAIL $t: a seed or reproducer crashes (see $log.replay)"; tail -30 "$log.replay"; return 1
        fi
    fi
    [ "$SECS" -gt 0 ] || { echo "PASS $t: replayed $(echo "$files" | grep -c .) inputs"; return 0; }
    # 2. fuzz
    start=$(date +%s); touch "$B/fuzz/.start-$t"
    # shellcheck disable=SC2086
    keep=""; [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && keep="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
    "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 $keep \
        -artifact_prefix="$B/fuzz/artifacts/$t-" $(opts $t) "$B/fuzz/corpus/$t" $seeds > "$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    if [ -n "$keep" ]; then     # fork mode prints "#N: cov: .. exec/s: .. crash: a/b/c"
        execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
        eps=$(echo "$last" | sed -n 's/.*exec\/s:* \([0-9]*\).*/\1/p')
        ncrash=$(find "$B/fuzz/artifacts" -name "$t-*" -newer "$B/fuzz/.start-$t" | wc -l)
        [ "$ncrash" -gt 0 ] && rc=1
    fi
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
    [ -n "$keep" ] || execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    [ -n "$keep" ] || eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    res=ok; [ $rc -eq 0 ] || res="CRASH rc=$rc"
    printf '%s\t%s\t%ss\texecs=%s\texec/s=%s\tcov=%s\tft=%s\tcorpus=%s\t%s\n' \
        "$(date -u +%Y-%m-%dT%H:%MZ)" "$t" "$secs" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$res" | tee -a "$B/fuzz/stats.tsv"
    if [ $rc -ne 0 ]; then grep -E 'ERROR|SUMMARY|invariant|artifact' "$log" | head -10; return 1; fi
    return 0
}

fail=0
if [ "$JOBS" -gt 1 ]; then
    for t in $targets; do (run_one "$t" || touch "$B/fuzz/.failed") & 
        while [ "$(jobs -p | wc -l)" -ge "$JOBS" ]; do sleep 1; done
    done
    wait
    [ -f "$B/fuzz/.failed" ] && { rm -f "$B/fuzz/.failed"; fail=1; }
else
    for t in $targets; do run_one "$t" || fail=1; done
fi
exit $fail
