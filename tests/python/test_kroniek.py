"""tests/python/test_kroniek.py -- the Python package python/kroniek over libkroniek.

Run from the source tree by tests/cli/python.sh (which builds build/libkroniek.so):
    PYTHONPATH=python python3 -m unittest -v tests/python/test_kroniek.py
Environment: KRONIEK_BIN (the program, default ./kroniek) to compare with the CLI and
to build the archive; KRONIEK_LIB as the package reads it.  Debian's python3 only: no
pip packages; the pandas tests are skipped without pandas.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))

import kroniek  # noqa: E402

KBIN = os.environ.get("KRONIEK_BIN", os.path.join(ROOT, "kroniek"))
EXAMPLES = os.path.join(ROOT, "examples")

# our own sentences (not from the shared data): a meeting both ways, a condemnation
SEED_NL = ("date 2022-01-10\n"
           "Rusland en de Verenigde Staten begonnen besprekingen in Genève.\n"
           "De Nederlandse regering veroordeelde de aanval van Rusland op Oekraïne.\n")
SEED_EN = ("date 2022-01-11\n"
           "Russia and the United States began talks in Geneva on Monday. The Dutch government "
           "condemned the attack by Russia on Ukraine and said that it would support the people "
           "of the country.\n")


def triples(evs):
    return sorted((e["source"], e["code"], e["target"]) for e in evs)


def cli(*args):
    p = subprocess.run([KBIN] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    return p.returncode, [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()], p.stderr.decode()


try:
    import pandas  # noqa: F401
    HAVE_PANDAS = True
except ImportError:
    HAVE_PANDAS = False


class Code(unittest.TestCase):
    def test_code_nl_meeting_both_ways(self):
        evs = kroniek.code("Rusland en de Verenigde Staten begonnen besprekingen in Genève.", "2022-01-10")
        self.assertEqual(triples(evs), [("RUS", "040", "USA"), ("USA", "040", "RUS")])
        e = evs[0]
        self.assertEqual(tuple(e.keys()), kroniek.FIELDS + kroniek.GEO_FIELDS)     # located: Genève
        self.assertEqual((e["geo_country"], e["geo_type"], round(e["geo_lat"])), ("SZ", 3, 46))
        self.assertEqual((e["doc"], e["date"], e["sentence"], e["root"], e["quad"]), ("text", "2022-01-10", 1, "04", 1))
        self.assertEqual(e["goldstein"], 1.0)
        self.assertEqual(e["verb_text"], "besprekingen")
        self.assertIn("Genève", e["text"])

    def test_code_english_lang_doc_and_timestamp(self):
        evs = kroniek.code("Russia and the United States began talks in Geneva.", "2022-01-10T08:00:00Z",
                           lang="en", doc="mine")
        self.assertEqual(triples(evs), [("RUS", "040", "USA"), ("USA", "040", "RUS")])
        self.assertEqual({(e["doc"], e["date"]) for e in evs}, {("mine", "2022-01-10")})

    def test_code_date_object_and_month(self):
        import datetime
        self.assertEqual(kroniek.code("Rusland en de Verenigde Staten begonnen besprekingen in Genève.",
                                      datetime.date(2022, 1, 10))[0]["date"], "2022-01-10")
        self.assertEqual(kroniek.code("Rusland en de Verenigde Staten begonnen besprekingen in Genève.",
                                      "2022-01")[0]["date"], "2022-01")

    def test_code_nothing(self):
        self.assertEqual(kroniek.code("Het regende de hele dag in Utrecht en de wind was erg sterk, "
                                      "zei het weerbericht van de omroep.", "2022-01-10"), [])

    def test_code_threads(self):
        want = triples(kroniek.code(SEED_NL.split("\n", 1)[1], "2022-01-10"))
        got, errs = [], []

        def run():
            try:
                got.append(triples(kroniek.code(SEED_NL.split("\n", 1)[1], "2022-01-10")))
            except Exception as e:          # pragma: no cover
                errs.append(e)
        ts = [threading.Thread(target=run) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errs, [])
        self.assertEqual(got, [want] * 4)


class CodeFile(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kroniek-py-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_seed_file_like_cli(self):
        p = os.path.join(self.tmp, "eigen-2022-01.txt")
        with open(p, "w", encoding="utf-8") as f:
            f.write(SEED_NL)
        evs = kroniek.code_file(p)
        self.assertIn(("RUS", "040", "USA"), triples(evs))
        self.assertIn(("USA", "040", "RUS"), triples(evs))
        self.assertIn(("NLDGOV", "111", "RUS"), triples(evs))
        self.assertEqual({e["doc"] for e in evs}, {"eigen-2022-01"})
        rc, want, _ = cli("code", p)
        self.assertEqual(rc, 0)
        self.assertEqual(list(evs), want)

    def test_examples_like_cli(self):
        evs = kroniek.code_file(EXAMPLES)
        rc, want, _ = cli("code", EXAMPLES)
        self.assertEqual(rc, 0)
        self.assertGreater(len(evs), 5)
        self.assertEqual(list(evs), want)
        self.assertEqual({e["doc"] for e in evs} >= {"2022-02-kiev", "example-nl-1"}, True)

    def test_bad_record_raises_with_file_and_line(self):
        p = os.path.join(self.tmp, "mixed.jsonl")
        with open(p, "w", encoding="utf-8") as f:
            f.write(json.dumps({"id": "a", "date": "2022-01-10", "text": "Rusland en de Verenigde Staten begonnen besprekingen in Genève."}) + "\n")
            f.write(json.dumps({"id": "b", "date": "2022-13-45", "text": "Russia and the United States began talks in Geneva."}) + "\n")
            f.write("{not json\n")
            f.write(json.dumps({"id": "c", "date": "2022-01-12", "lang": "en", "text": "Russia and the United States began talks in Geneva."}) + "\n")
        with self.assertRaises(kroniek.KroniekError) as cm:
            kroniek.code_file(p)
        self.assertIn("mixed.jsonl:2", str(cm.exception))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            evs = kroniek.code_file(p, errors="warn")
        self.assertEqual(len(w), 2, [str(x.message) for x in w])
        self.assertIn("mixed.jsonl:3", str(w[1].message))
        self.assertEqual({e["doc"] for e in evs}, {"a", "c"})
        self.assertEqual(len(kroniek.code_file(p, errors="ignore")), len(evs))

    def test_missing_file(self):
        with self.assertRaises(kroniek.KroniekError) as cm:
            kroniek.code_file(os.path.join(self.tmp, "none.txt"))
        self.assertIn("none.txt", str(cm.exception))


class BadInput(unittest.TestCase):
    def test_bad_date(self):
        for d in ("2022-13-01", "2022-01-10 junk", "", "gisteren"):
            with self.assertRaises(kroniek.KroniekError, msg=d) as cm:
                kroniek.code("Rusland en de Verenigde Staten begonnen besprekingen.", d)
            self.assertIn("bad date", str(cm.exception))
            self.assertEqual(cm.exception.status, "KR_ERR_PARSE")

    def test_undetected_language(self):
        with self.assertRaises(kroniek.KroniekError) as cm:
            kroniek.code("Russland und die Vereinigten Staaten", "2022-01-10")
        self.assertIn("language not recognized", str(cm.exception))

    def test_unknown_language_is_the_librarys_message(self):
        with self.assertRaises(kroniek.KroniekError) as cm:
            kroniek.code("Russland und die USA", "2022-01-10", lang="de")
        self.assertIn("unsupported language 'de'", str(cm.exception))
        self.assertEqual(cm.exception.status, "KR_ERR_ARG")

    def test_too_long_text(self):
        with self.assertRaises(kroniek.KroniekError) as cm:
            kroniek.code("a " * (8 << 20) + "b", "2022-01-10")
        self.assertIn("exceeds the limit", str(cm.exception))

    def test_type_errors(self):
        with self.assertRaises(TypeError):
            kroniek.code(b"bytes", "2022-01-10")
        with self.assertRaises(kroniek.KroniekError):
            kroniek.code("tekst\0meer", "2022-01-10")


class ArchiveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kroniek-py-db-")
        seed = os.path.join(cls.tmp, "eigen-2022-01.txt")
        with open(seed, "w", encoding="utf-8") as f:
            f.write(SEED_NL)
        seed_en = os.path.join(cls.tmp, "own-2022-01.txt")
        with open(seed_en, "w", encoding="utf-8") as f:
            f.write(SEED_EN)
        cls.db = os.path.join(cls.tmp, "k.db")
        p = subprocess.run([KBIN, "ingest", "-q", "--db", cls.db, EXAMPLES, seed, seed_en],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise RuntimeError("ingest failed: " + p.stderr.decode())
        cls.a = kroniek.Archive(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.a.close()
        shutil.rmtree(cls.tmp)

    def same_as_cli(self, filters, args):
        got = self.a.events(**filters)
        rc, want, err = cli("events", "--db", self.db, "--format", "jsonl", *args)
        self.assertEqual(rc, 0, err)
        self.assertEqual([e["id"] for e in got], [e["id"] for e in want], (filters, args))
        return got

    def test_all_events(self):
        evs = self.same_as_cli({}, [])
        self.assertGreater(len(evs), 10)
        self.assertEqual(evs.total, len(evs))
        e = evs[0]
        self.assertEqual(tuple(e.keys()), kroniek.ARCHIVE_FIELDS)
        self.assertIn(e["lang"], ("nl", "en"))
        self.assertTrue(e["label"])

    def test_filters_like_cli(self):
        cases = [
            ({"actor": "RUS"}, ["--actor", "RUS"]),
            ({"actor": "Rusland"}, ["--actor", "Rusland"]),
            ({"source": "Russia"}, ["--source", "Russia"]),
            ({"target": "USA"}, ["--target", "USA"]),
            ({"dyad": "RUS,USA"}, ["--dyad", "RUS,USA"]),
            ({"dyad": ("Rusland", "Verenigde Staten")}, ["--dyad", "Rusland,Verenigde Staten"]),
            ({"code": "04"}, ["--code", "04"]),
            ({"root": 4}, ["--root", "4"]),
            ({"quad": 3}, ["--quad", "3"]),
            ({"from_": "2022-01-10", "to": "2022-01-31"}, ["--from", "2022-01-10", "--to", "2022-01-31"]),
            ({"from_": "2022"}, ["--from", "2022"]),
            ({"lang": "en"}, ["--lang", "en"]),
            ({"text": "Genève"}, ["--text", "Genève"]),
            ({"doc": "eigen-2022-01"}, ["--doc", "eigen-2022-01"]),
            ({"limit": 3, "offset": 2}, ["--limit", "3", "--offset", "2"]),
            ({"actor": "RUS", "root": 4, "lang": "nl"}, ["--actor", "RUS", "--root", "4", "--lang", "nl"]),
        ]
        for f, args in cases:
            with self.subTest(filters=f):
                evs = self.same_as_cli(f, args)
                self.assertGreater(len(evs), 0, f)

    def test_own_seed_stored(self):
        evs = self.a.events(doc="eigen-2022-01", dyad="RUS,USA")
        self.assertEqual(triples(evs), [("RUS", "040", "USA"), ("USA", "040", "RUS")])
        self.assertTrue(all(e["date"] == "2022-01-10" and e["lang"] == "nl" for e in evs))

    def test_total_limit_desc(self):
        allev = self.a.events()
        page = self.a.events(limit=2, offset=1)
        self.assertEqual(page.total, len(allev))
        self.assertEqual([e["id"] for e in page], [e["id"] for e in allev[1:3]])
        self.assertEqual([e["id"] for e in self.a.events(desc=True)], [e["id"] for e in reversed(allev)])

    def test_one_a_day(self):
        got = self.a.events(one_a_day=True)
        rc, want, err = cli("events", "--db", self.db, "--format", "jsonl", "--one-a-day")
        self.assertEqual(rc, 0, err)
        self.assertEqual([e["id"] for e in got], [e["id"] for e in want])
        keys = [(e["date"], e["source"], e["target"], e["code"]) for e in got]
        self.assertEqual(len(keys), len(set(keys)))
        self.assertEqual([e["id"] for e in self.a.events(one_a_day=True, limit=2, offset=1)],
                         [e["id"] for e in got[1:3]])

    def test_filters_are_not_kept(self):
        n = len(self.a.events())
        self.a.events(actor="RUS")
        self.assertEqual(len(self.a.events()), n)

    def test_bad_filters_raise(self):
        bad = [
            ({"from_": "2020-01-01", "to": "2019-01-01"}, "after"),
            ({"actor": "Atlantis"}, "no actor"),
            ({"quad": 7}, "quad"),
            ({"root": 33}, "root"),
            ({"lang": "de"}, "nl or en"),
            ({"from_": "2019-03-03 junk"}, "date"),
            ({"text": '"unbalanced'}, "bad text query"),
            ({"dyad": "RUS"}, "two actors"),
            ({"limit": -1}, "whole number"),
            ({"colour": "red"}, "unknown filter"),
        ]
        for f, msg in bad:
            with self.subTest(filters=f):
                with self.assertRaises(kroniek.KroniekError) as cm:
                    self.a.events(**f)
                self.assertIn(msg, str(cm.exception))
        self.assertGreater(len(self.a.events()), 0)      # still usable

    def test_missing_archive(self):
        with self.assertRaises(kroniek.KroniekError) as cm:
            kroniek.Archive(os.path.join(self.tmp, "none.db"))
        self.assertIn("none.db", str(cm.exception))

    def test_closed(self):
        with kroniek.Archive(self.db) as a:
            self.assertGreater(len(a.events(limit=1)), 0)
        with self.assertRaises(kroniek.KroniekError):
            a.events()

    @unittest.skipUnless(HAVE_PANDAS, "pandas not installed")
    def test_to_pandas(self):
        df = self.a.events(actor="RUS").to_pandas()
        self.assertEqual(list(df.columns), list(kroniek.ARCHIVE_FIELDS))
        self.assertEqual(len(df), len(self.a.events(actor="RUS")))
        self.assertEqual(len(kroniek.code_file(EXAMPLES).to_pandas()), len(kroniek.code_file(EXAMPLES)))

    def test_to_pandas_hands_rows_and_columns(self):
        # a stand-in pandas module, so the call is checked without pandas installed
        import types
        fake = types.ModuleType("pandas")
        fake.DataFrame = lambda rows, columns: ("df", rows, columns)
        saved = sys.modules.get("pandas")
        sys.modules["pandas"] = fake
        try:
            evs = self.a.events(actor="RUS")
            tag, rows, cols = evs.to_pandas()
            self.assertEqual((tag, rows, cols), ("df", list(evs), list(kroniek.ARCHIVE_FIELDS)))
            tag, rows, cols = kroniek.code("Rusland en de Verenigde Staten begonnen besprekingen in Genève.",
                                           "2022-01-10").to_pandas()
            self.assertEqual((len(rows), cols), (2, list(kroniek.FIELDS)))
        finally:
            if saved is None:
                del sys.modules["pandas"]
            else:
                sys.modules["pandas"] = saved

    @unittest.skipIf(HAVE_PANDAS, "pandas installed")
    def test_to_pandas_without_pandas(self):
        with self.assertRaises(ImportError) as cm:
            self.a.events().to_pandas()
        self.assertIn("pandas", str(cm.exception))


class Library(unittest.TestCase):
    def run_py(self, code, env):
        e = dict(os.environ)
        e.update(env)
        e["PYTHONPATH"] = os.path.join(ROOT, "python")
        return subprocess.run([sys.executable, "-c", code], env=e, cwd="/",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def test_bad_kroniek_lib(self):
        p = self.run_py("import kroniek\ntry:\n kroniek.code('x','2022-01-01')\nexcept kroniek.KroniekError as e:\n print('ERR', e)",
                        {"KRONIEK_LIB": "/nonexistent/libkroniek.so"})
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertIn("ERR KRONIEK_LIB=/nonexistent/libkroniek.so", p.stdout.decode())

    def test_path(self):
        self.assertTrue(os.path.exists(kroniek.library_path()))


if __name__ == "__main__":
    unittest.main(verbosity=2)
