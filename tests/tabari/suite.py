#!/usr/bin/env python3
"""tests/tabari/suite.py -- run TABARI's validation suite through kroniek.

Reads the suite's records (tabari_validate.jsonl: the records of Validate.text as JSON
Lines), writes them as kroniek articles (id, date from YYMMDD, lang en, text), codes
them with the TABARI dictionaries (--actors TABARI.Demo.actors --agents Validate.agents
--verbs TABARI.Demo.verbs, replacing kroniek's own English actors and verbs), and prints
per record category (DEMO, COMPOUND, ...) how many records give exactly the expected
(source, target, code) events.  OPTION records switch TABARI settings: each article
carries the options in force for its record ("options": TABARI's standard options file
Validate.options, TABARI's built-in minimum sentence length, then every OPTION line of
the suite so far, in order), and kroniek's coder applies them to the foreign
dictionaries (docs/FOREIGN-DICTS.md).

usage: suite.py [--kroniek BIN] [--tabari DIR] [--data DIR] [--show-fail] [--json OUT]
                [--min-events PCT] [--min-none PCT]
Exit status 0 whenever the suite ran and the figures reach --min-events / --min-none
(default 0: report only); 1 when a figure is below its minimum.
"""
import argparse, collections, json, os, shutil, subprocess, sys, tempfile

import re

# The settings of TABARI's standard options file (Validate.options) that the suite
# starts from; an OPTION record that sets one of these values restores the default.
DEFAULTS = {
    "COMPLEX": "VERBS[5] CONJ[4] NOACTPRIOR EXPLAIN", "SET: TIME SHIFT": "FALSE",
    "DEFAULT": "OFF", "SET: CONVERT AGENT": "FALSE", "SET: YYYY": "FALSE",
    "SET: CODE": "BY CLAUSE", "FORWARD": "OFF", "OUTPUT": None,
    "COMMA": "MIN = 2 MAX = 10 EMIN = 2 EMAX = 10 BMIN = 255 BMAX = 0",
    "SET: MINIMUM WORDS": "8",
}

def option_family(o):
    """("family", "value") of an OPTION line, e.g. ("SET: TIME SHIFT", "TRUE")."""
    o = " ".join(o.split())
    if o.startswith("SET:") and "=" in o:
        k, v = o.split("=", 1)
        return k.strip(), v.strip()
    if o.startswith("SET: CODE"):
        return "SET: CODE", o[len("SET: CODE"):].strip()
    if o.startswith("FORWARD:"):
        return "FORWARD", "OFF" if o.endswith(" OFF") else "ON"
    k, _, v = o.partition(":")
    return k.strip(), v.strip()

def record_options(r):
    """OPTION lines of a record (the JSON's list, plus ones only in the comment)."""
    opts = list(r.get("options", []))
    for m in re.finditer(r"OPTION:\s*(SET: MINIMUM WORDS\s*=\s*\d+)", r.get("comment", "")):
        if m.group(1) not in opts:
            opts.append(m.group(1))
    return opts

# option families kroniek's coder applies, and the ones it accepts without effect
APPLIED = ("COMPLEX", "DEFAULT", "SET: CONVERT AGENT", "SET: CODE", "FORWARD", "COMMA",
           "SET: MINIMUM WORDS", "SET: CHECK DOMINANT")
NO_EFFECT = {"SET: TIME SHIFT": "kroniek does not shift event dates (the suite compares source/target/code only)",
             "SET: YYYY": "kroniek reads ISO dates, so two- and four-digit years need no switch",
             "OUTPUT": "output format of TABARI's event file"}

def base_options(tabari_dir):
    """The options every record starts from: the non-comment lines of TABARI's standard
    options file (LABEL: lines name codes in TABARI's output and are left out), and the
    minimum sentence length TABARI uses when none is set (8 words: the suite's own
    MINWRD-Cancel record restores it as "the default")."""
    lines = []
    try:
        for l in open(os.path.join(tabari_dir, "Validate.options"), encoding="latin-1"):
            l = l.split("//", 1)[0].strip()
            if l and not l.startswith("LABEL:") and not l.startswith("~"):
                lines.append(" ".join(l.split()))
            if l.startswith("~"):
                break
    except OSError:
        lines.append("COMPLEX: " + DEFAULTS["COMPLEX"])
    lines.append("SET: MINIMUM WORDS = " + DEFAULTS["SET: MINIMUM WORDS"])
    return lines

def iso(yymmdd):
    y, m, d = int(yymmdd[0:2]), yymmdd[2:4], yymmdd[4:6]
    return "%04d-%s-%s" % (y + (2000 if y < 50 else 1900), m, d)

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser()
    ap.add_argument("--kroniek", default=os.path.join(root, "kroniek"))
    ap.add_argument("--tabari", default=os.path.join(root, "..", "shared", "data", "peer", "tabari"))
    ap.add_argument("--data", help="base data directory (codes.tsv, en/words.txt, en/abbrev.txt); made from data/ if absent")
    ap.add_argument("--show-fail", action="store_true", help="print every record that does not match")
    ap.add_argument("--json", help="write per-record results here")
    ap.add_argument("--min-events", type=float, default=0, help="exit 1 when the records with events that match are below this percentage")
    ap.add_argument("--min-none", type=float, default=0, help="exit 1 when the no-event records that give none are below this percentage")
    a = ap.parse_args()

    recs = [json.loads(l) for l in open(os.path.join(a.tabari, "tabari_validate.jsonl"), encoding="utf-8") if l.strip()]
    tmp = tempfile.mkdtemp(prefix="kroniek-tabari-")
    try:
        return run(a, root, recs, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

def run(a, root, recs, tmp):
    base = a.data
    if not base:
        # kroniek's word lists and code table only: the TABARI dictionaries replace
        # kroniek's own actors and verbs
        base = os.path.join(tmp, "data")
        for sub, names in (("cameo", ["codes.tsv"]), ("en", ["words.txt", "abbrev.txt"])):
            os.makedirs(os.path.join(base, sub))
            for n in names:
                with open(os.path.join(root, "data", sub, n), "rb") as f, open(os.path.join(base, sub, n), "wb") as g:
                    g.write(f.read())
    arts = os.path.join(tmp, "suite.jsonl")
    inforce = base_options(a.tabari)
    with open(arts, "w", encoding="utf-8") as f:
        for i, r in enumerate(recs):
            # an OPTION record changes the settings from that record on
            inforce += [" ".join(o.split()) for o in record_options(r)]
            f.write(json.dumps({"id": "%03d:%s" % (i, r["id"]), "date": iso(r["date"]), "lang": "en", "text": r["text"],
                                "options": "; ".join(inforce)}) + "\n")
    cmd = [a.kroniek, "code", "--data", base,
           "--actors", os.path.join(a.tabari, "TABARI.Demo.actors"),
           "--agents", os.path.join(a.tabari, "Validate.agents"),
           "--verbs", os.path.join(a.tabari, "TABARI.Demo.verbs"), arts]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        print("cannot run kroniek (%s): %s; build it first (make)" % (a.kroniek, e))
        return 1 if (a.min_events or a.min_none) else 0
    if p.returncode not in (0, 1) or (p.returncode and not p.stdout):
        sys.stderr.write(p.stderr)
        print("kroniek failed (exit %d): %s" % (p.returncode, " ".join(cmd)))
        return 1 if (a.min_events or a.min_none) else 0
    rejected = [l for l in p.stderr.splitlines() if "rejected" in l]
    if rejected:
        print("kroniek rejected %d record(s), e.g.: %s" % (len(rejected), rejected[0]))
    got = collections.defaultdict(set)
    for line in p.stdout.splitlines():
        e = json.loads(line)
        got[e["doc"]].add((e["source"], e["target"], e["code"]))

    cats = collections.OrderedDict()
    switched = collections.OrderedDict()     # OPTION line -> family
    results = []
    n_ev = ok_ev = n_none = ok_none = 0
    n_def = ok_def = 0              # records run under the standard settings only
    shifted = 0
    active = {}                     # option family -> non-default value in force
    for i, r in enumerate(recs):
        opts = record_options(r)
        for o in opts:
            fam, val = option_family(o)
            if fam == "OUTPUT":
                continue
            switched[o] = fam
            if DEFAULTS.get(fam) is not None and " ".join(DEFAULTS[fam].split()) == " ".join(val.split()):
                active.pop(fam, None)
            else:
                active[fam] = val
        if not r.get("standard", True) or r.get("skip_check"):
            continue
        if opts and not r["events"]:
            continue            # OPTION record: switches a setting, codes nothing
        if any("date" in e and e["date"] != r["date"] for e in r["events"]):
            shifted += 1
        cat = r["id"].split("-")[0]
        want = set((e["source"], e["target"], e["code"]) for e in r["events"])
        have = got.get("%03d:%s" % (i, r["id"]), set())
        ok = want == have
        c = cats.setdefault(cat, [0, 0])
        c[0] += 1; c[1] += ok
        if want:
            n_ev += 1; ok_ev += ok
        else:
            n_none += 1; ok_none += ok
        if not active:
            n_def += 1; ok_def += ok
        results.append({"id": r["id"], "cat": cat, "ok": ok, "want": sorted(want), "have": sorted(have),
                        "text": r["text"], "options": sorted("%s %s" % kv for kv in active.items())})
        if a.show_fail and not ok:
            print("FAIL %-14s want %s\n%20s have %s\n%20s %s" % (r["id"], sorted(want), "", sorted(have), "", r["text"][:160]))
    print("TABARI validation suite (%s), coded by kroniek with TABARI.Demo.actors, Validate.agents, TABARI.Demo.verbs" % os.path.basename(a.tabari.rstrip("/")))
    print("%-10s %7s %7s %6s" % ("category", "records", "exact", "%"))
    for cat, (n, k) in cats.items():
        print("%-10s %7d %7d %5.0f%%" % (cat, n, k, 100.0 * k / n))
    print("records with expected events that match exactly: %d/%d = %.1f%% (target 85%%)" % (ok_ev, n_ev, 100.0 * ok_ev / max(n_ev, 1)))
    print("records without events that give none:           %d/%d = %.1f%% (target 90%%)" % (ok_none, n_none, 100.0 * ok_none / max(n_none, 1)))
    print("all records exact: %d/%d = %.1f%%" % (ok_ev + ok_none, n_ev + n_none, 100.0 * (ok_ev + ok_none) / max(n_ev + n_none, 1)))
    print("records coded under the standard options only (no OPTION change in force): %d/%d = %.1f%%"
          % (ok_def, n_def, 100.0 * ok_def / max(n_def, 1)))
    print("(events are compared as source/target/code; %d records expect time-shifted dates, which kroniek does not do)" % shifted)
    if switched:
        print("OPTION settings the suite switches (passed to kroniek with each record, see docs/FOREIGN-DICTS.md):")
        for o, fam in switched.items():
            print("  %-55s %s" % (o, "applied" if fam in APPLIED else "accepted, no effect: " + NO_EFFECT.get(fam, "not supported")))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    pe, pn = 100.0 * ok_ev / max(n_ev, 1), 100.0 * ok_none / max(n_none, 1)
    if pe < a.min_events or pn < a.min_none:
        print("FAIL: below the required figures (records with events %.1f%% < %.1f%% or no-event records %.1f%% < %.1f%%)"
              % (pe, a.min_events, pn, a.min_none))
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
