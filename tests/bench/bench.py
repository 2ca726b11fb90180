#!/usr/bin/env python3
"""bench.py -- measurement harness for `make bench` (see docs/PERFORMANCE.md).

Builds inputs by repeating the shared news files (ids made unique per copy), then runs
`kroniek code` (1 and 2 threads), `kroniek code --split-only` (read + normalize +
tokenize + split: the floor), and dictionary loading, N times each, and reports medians:
sentences/s, MB/s, ratio to the split pass, peak RSS, and RSS growth from 10 MB to 1 GB.
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time

def build_input(src, target_mb, path):
    if os.path.exists(path) and os.path.getsize(path) >= target_mb * 1e6:
        return path
    lines = open(src, encoding="utf-8").read().splitlines()
    size, copy = 0, 0
    with open(path, "w", encoding="utf-8") as out:
        while size < target_mb * 1e6:
            for l in lines:
                o = json.loads(l)
                o["id"] = "%s#%d" % (o["id"], copy)
                s = json.dumps(o, ensure_ascii=False) + "\n"
                out.write(s)
                size += len(s.encode("utf-8"))
                if size >= target_mb * 1e6:
                    break
            copy += 1
    return path

def run(cmd):
    """run cmd, return (wall seconds, peak RSS KB of the child, stderr)"""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = p.communicate()
    _, status, ru = os.wait4(p.pid, 0) if False else (None, None, None)
    wall = time.perf_counter() - t0
    return wall, err.decode()

def run_rss(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    pid, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode()
    return wall, ru.ru_maxrss, err

def sentences_of(err):
    # "kroniek: N articles read: ...; S sentences, E events, ..."
    for part in err.replace(";", ",").split(","):
        part = part.strip()
        if part.endswith("sentences"):
            return int(part.split()[0])
    return 0

def median_run(cmd, n):
    walls, rss, sent = [], [], 0
    for _ in range(n):
        w, r, e = run_rss(cmd)
        walls.append(w); rss.append(r); sent = sentences_of(e) or sent
    return statistics.median(walls), max(rss), sent

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--kroniek", default="./kroniek")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--big-mb", type=int, default=1000)
    ap.add_argument("--tmp", default=os.environ.get("KRONIEK_BENCH_TMP", "/tmp/kroniek-bench"))
    a = ap.parse_args()
    os.makedirs(a.tmp, exist_ok=True)
    K = a.kroniek
    news = {"nl": os.path.join(a.shared, "data/news/nl-dpgmedia2019.jsonl"),
            "en": os.path.join(a.shared, "data/news/en-wikinews-2019-2021.jsonl")}
    out = []
    def say(s=""):
        print(s); out.append(s); sys.stdout.flush()
    say("kroniek benchmark -- medians of %d runs; machine: %d cores" % (a.runs, os.cpu_count()))
    say("")
    say("%-4s %-22s %8s %12s %8s %9s %9s" % ("lang", "pass", "seconds", "sentences/s", "MB/s", "vs split", "peak RSS"))
    for lang, src in news.items():
        inp = build_input(src, a.mb, os.path.join(a.tmp, "%s-%dmb.jsonl" % (lang, a.mb)))
        mb = os.path.getsize(inp) / 1e6
        base = None
        for name, extra in (("read+split (floor)", ["--split-only"]), ("code -j1", []), ("code -j2", ["-j", "2"])):
            w, rss, sent = median_run([K, "code", "--stats"] + extra + [inp], a.runs)
            if base is None: base = w
            say("%-4s %-22s %8.2f %12.0f %8.1f %8.2fx %7.1fMB" % (lang, name, w, sent / w, mb / w, base / w, rss / 1024))
            if name == "code -j1": j1 = w
            if name == "code -j2": say("%-4s %-22s %8s %12s %8s %8.2fx" % (lang, "  -j2 speed-up", "", "", "", j1 / w))
    say("")
    # memory growth: 10 MB vs 1 GB (Dutch)
    say("memory growth (nl, code -j1):")
    for mbs in (10, a.big_mb):
        inp = build_input(news["nl"], mbs, os.path.join(a.tmp, "nl-%dmb.jsonl" % mbs))
        w, rss, sent = median_run([K, "code", "--stats", inp], 1)
        say("  %5d MB input: %7.1f s, %10.0f sentences/s, peak RSS %.1f MB" % (mbs, w, sent / w, rss / 1024))
    say("")
    # dictionary load: built-in (median of 20 runs of `dict stats`, which loads + indexes)
    ts = []
    for _ in range(20):
        t0 = time.perf_counter(); subprocess.run([K, "dict", "stats"], stdout=subprocess.DEVNULL); ts.append(time.perf_counter() - t0)
    say("built-in dictionary load (process start + load + index, median of 20): %.1f ms" % (statistics.median(ts) * 1000))
    p2 = os.path.join(a.shared, "data/dictionaries/petrarch2")
    if os.path.isdir(p2):
        verbs = os.path.join(p2, "CAMEO.2.0.txt")
        actors = [os.path.join(p2, f) for f in sorted(os.listdir(p2)) if f.startswith("Phoenix") and "actors" in f]
        agents = [os.path.join(p2, f) for f in sorted(os.listdir(p2)) if "agents" in f]
        cmd = [K, "dict", "stats", "--verbs", verbs] + sum((["--actors", x] for x in actors), []) + sum((["--agents", x] for x in agents), [])
        ts = []
        ok = True
        for _ in range(5):
            t0 = time.perf_counter(); r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); ts.append(time.perf_counter() - t0)
            ok = ok and r.returncode == 0
        say("PETRARCH-2 dictionaries load (median of 5): %.1f ms%s" % (statistics.median(ts) * 1000, "" if ok else " (with load errors)"))
    os.makedirs("build", exist_ok=True)
    open("build/bench.txt", "w").write("\n".join(out) + "\n")

if __name__ == "__main__":
    main()
