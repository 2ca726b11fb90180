#!/bin/sh
# tests/cli/eval.sh -- `kroniek eval` scores as ../shared/eval/GUIDE.md says, checked on
# small gold and prediction files written by hand (tests/eval/; every figure is worked out
# in tests/eval/README.md): quote matching with case, white space and quote marks folded
# (curly, straight, Dutch ,, ''), a quote that finds another sentence than the numbered
# one, a quote over two sentences (a miss), the sentence-within-one rule without a quote,
# optional events, alt roots, 3-letter and whole keys, maximum matching whatever the order,
# the per-root table, --quiet, and errors in a gold file named with file:line.
set -u
K=${KRONIEK:-./kroniek}
E=tests/eval
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

$K eval --gold $E/gold.jsonl --pred $E/pred.jsonl > $T/full.txt; rc=$?
check "exit 0" "test $rc -eq 0"
check "the score line is the last line" "tail -1 $T/full.txt | grep -qx 'precision 0.556 (10/18)  recall 0.667 (10/15)  F1 0.606  (optional matched: 1)'"
$K eval --gold $E/gold.jsonl --pred $E/pred.jsonl --quiet > $T/quiet.txt
check "--quiet: the per-root table and the score line, exactly" "cmp -s $T/quiet.txt $E/expected-quiet.txt || diff $E/expected-quiet.txt $T/quiet.txt"
check "--quiet prints no misses" "! grep -q 'miss\|false\|^article' $T/quiet.txt"
check "without --quiet the table comes before the score line" "tail -13 $T/full.txt | cmp -s - $E/expected-quiet.txt"
# predictions in reverse order: the same matching (maximum, not greedy)
awk '{ l[NR] = $0 } END { for (i = NR; i > 0; i--) print l[i] }' $E/pred.jsonl > $T/rev.jsonl
$K eval --gold $E/gold.jsonl --pred $T/rev.jsonl --quiet > $T/rev.txt
check "reversed predictions score the same" "cmp -s $T/rev.txt $E/expected-quiet.txt"

article() { sed -n "/^article $1:/,/^[a-z]/p" $T/full.txt | grep '^  '; }
# t1: folding
check "case, white space runs, ,, '' against \"\", „” against \"\", – and no-break space against ' - '" "test \$(article t1-folding | wc -l) -eq 2 && ! article t1-folding | grep -v 'CHE' | grep -q ."
check "accents are not folded (Geneve is not Genève)" "article t1-folding | grep -q 'miss   RUS 04 CHE (sentence 6) quote \"de besprekingen in Geneve\"'"
# t2: the quote decides, not the sentence number
check "a quote matches its sentence 7 although gold says sentence 2" "! article t2-elsewhere | grep -q 'miss'"
check "a prediction at the gold's sentence number without the quote is false" "article t2-elsewhere | grep -qx '  false  RUS 040 USA (sentence 2)'"
# t3: no quote: sentence number within one
check "no quote: sentence 6 matches gold sentence 5" "! article t3-noquote | grep -q 'CHN 12 USA\|CHN 120 USA'"
check "no quote: sentence 7 does not match gold sentence 5" "article t3-noquote | grep -qx '  miss   CHN 12 TWN (sentence 5)' && article t3-noquote | grep -qx '  false  CHN 120 TWN (sentence 7)'"
check "a prediction without text cannot match a quoted gold event" "article t3-noquote | grep -qx '  false  USA 111 CHN (sentence 3)'"
check "a code outside 01..20 counts under 'other'" "grep -q '^other ' $T/quiet.txt"
# t4: optional, alt, keys, matching
check "optional gold matched by RUSGOV/USAGOV: neither side counts" "! article t4-matching | grep -q 'RUSGOV\|USA 04 RUS\|RUS 04 USA'"
check "alt roots and augmenting paths: 13 and 15 both matched" "! article t4-matching | grep -q 'UKR'"
check "whole keys: IGOWST is not IGOWSTNAT" "article t4-matching | grep -qx '  false  USA 030 IGOWST (sentence 3)'"
# t5: a quote across two of the coder's sentences cannot match
check "a quote over two sentences is a miss" "article t5-span | grep -q 'miss   RUS 16 USA' && test \$(article t5-span | grep -c false) -eq 2"
check "articles without gold are not scored" "! grep -q t6-nogold $T/full.txt"

# the whole chain: the coder's own normalized text against quotes copied from the raw
# article (curly quotes, an en dash, a double space, capitals)
$K eval --gold $E/live-gold.jsonl $E/live.txt > $T/live.txt
# (recall only: whether the coder also writes Biden -> Poetin is the coder's business)
check "coded article: both quoted events matched" "tail -1 $T/live.txt | grep -q 'recall 1.000 (2/2)'"

# errors name file and line; exit status 2
$K eval --gold $E/bad-quote.jsonl --pred $E/pred.jsonl > $T/out 2> $T/err; rc=$?
check "a quote that is not a string: exit 2, file:line" "test $rc -eq 2 && grep -q 'bad-quote.jsonl:2: event 2: \"quote\" wants a string' $T/err"
$K eval --gold $E/empty-quote.jsonl --pred $E/pred.jsonl > $T/out 2> $T/err; rc=$?
check "a quote of only quote marks: exit 2, file:line" "test $rc -eq 2 && grep -q 'empty-quote.jsonl:1: event 1: \"quote\" is empty' $T/err"
check "--help explains quote matching" "$K eval --help | grep -q 'quote'"
exit $fail
