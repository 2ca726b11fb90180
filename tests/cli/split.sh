#!/bin/sh
# tests/cli/split.sh -- sentence splitting as the events show it (issue 13, item 5): a
# dateline ("Monday, March 4, 2019") is no sentence, "VS." (a state in capitals) ends a
# sentence where "vs." would not, "a.m."/"p.m." can end one; a heading glued to the next
# sentence ("Tegenzet Zij ...") is a sentence of its own, a name is not ("De VS").  Each line of the expected
# output is "SENTENCE SOURCE CODE TARGET" of one event, in order.
set -u
K=${KRONIEK:-./kroniek}
fail=0
check() {   # check FILE EXPECTED...
    f=$1; shift
    got=$($K code "tests/split/$f" | python3 -c 'import json,sys
for l in sys.stdin:
    e=json.loads(l); print(e["sentence"], e["source"][:3], e["code"][:2], e["target"][:3])')
    want=$(printf '%s\n' "$@")
    if [ "$got" = "$want" ]; then echo "ok   $f"; else echo "FAIL $f"; echo "  want: $want" | tr '\n' ' '; echo; echo "  got:  $got" | tr '\n' ' '; echo; fail=1; fi
}
check nl-dateline-vs.txt "1 RUS 11 USA" "2 USA 11 RUS"
check nl-glued-heading.txt "1 RUS 11 USA" "2 USA 11 RUS" "4 USA 11 RUS"
check en-dateline-pm.txt "1 RUS 11 USA" "2 USA 11 RUS" "3 CHN 05 RUS"
exit $fail
