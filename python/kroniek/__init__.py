"""kroniek: CAMEO political events from Dutch and English news, over libkroniek (ctypes).

    >>> import kroniek
    >>> evs = kroniek.code("Rusland en de Verenigde Staten begonnen besprekingen in Genève.",
    ...                    "2022-01-10")
    >>> [(e["source"], e["code"], e["target"]) for e in evs]
    [('RUS', '040', 'USA'), ('USA', '040', 'RUS')]
    >>> kroniek.code_file("examples/")                      # like `kroniek code examples/`
    >>> with kroniek.Archive("k.db") as a:                  # made by `kroniek ingest --db k.db`
    ...     a.events(dyad="RUS,USA", from_="2022-01", root=4).to_pandas()

Each event is a dict with the fields of `kroniek code`: doc, date, sentence, source,
target, code, root, quad, goldstein, location, source_text, target_text, verb_text, text,
and where the event has a place the geo_* fields (GEO_FIELDS; archive events have none,
but also id, lang, title, url, publisher, label).  Errors of the library
(a bad date, an unknown language, a bad record, a bad filter) raise KroniekError with the
library's message.  The library is found as described in kroniek._lib (KRONIEK_LIB first).
"""

import ctypes
import os
import threading
import warnings

from . import _lib
from ._lib import KroniekError

__all__ = ["code", "code_file", "Archive", "Events", "KroniekError", "library_path", "FIELDS", "GEO_FIELDS"]
__version__ = "0.1.0"

FIELDS = ("doc", "date", "sentence", "source", "target", "code", "root", "quad", "goldstein",
          "location", "source_text", "target_text", "verb_text", "text")
# the fields of a located event after FIELDS (as `kroniek code` writes them; issue 14)
GEO_FIELDS = ("geo_type", "geo_name", "geo_fullname", "geo_country", "geo_adm1", "geo_lat",
              "geo_lon", "geo_id")
ARCHIVE_FIELDS = ("id",) + FIELDS + ("lang", "title", "url", "publisher", "label")


def library_path():
    """The path (or name) of the libkroniek that was loaded."""
    return _lib.path()


class Events(list):
    """A list of event dicts; .to_pandas() makes a DataFrame (pandas needed).  From
    Archive.events, .total is the number of matching events without limit and offset."""

    total = None
    columns = FIELDS

    def to_pandas(self):
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas() needs pandas (apt-get install python3-pandas)") from None
        return pandas.DataFrame(list(self), columns=list(self.columns))


def _event(e):
    return {"doc": _lib.text(e.doc), "date": _lib.text(e.date), "sentence": e.sentence,
            "source": _lib.text(e.source), "target": _lib.text(e.target),
            "code": _lib.text(e.code), "root": _lib.text(e.root), "quad": e.quad,
            "goldstein": e.goldstein, "location": _lib.text(e.location),
            "source_text": _lib.text(e.source_text), "target_text": _lib.text(e.target_text),
            "verb_text": _lib.text(e.verb_text), "text": _lib.text(e.text)}


def _coded_event(e):
    """An event of the coder: the fields and, when its place is located, the geo_*
    fields of `kroniek code` (issue 14, src/geo.c)."""
    d = _event(e)
    g = _lib.Geo()
    if _lib.load().kr_geolocate_event(ctypes.byref(e), None, ctypes.byref(g)):
        d.update({"geo_type": g.type, "geo_name": _lib.text(g.name),
                  "geo_fullname": _lib.text(g.full_name), "geo_country": _lib.text(g.fips),
                  "geo_adm1": _lib.text(g.adm1), "geo_lat": round(g.lat, 4),
                  "geo_lon": round(g.lon, 4), "geo_id": _lib.text(g.id)})
    return d


# ---- the coder: one dictionary for the process (read-only, shared), one coder per thread

_dict = None
_dict_lock = threading.Lock()
_local = threading.local()


def _dictionary():
    global _dict
    if _dict is not None:
        return _dict
    with _dict_lock:
        if _dict is None:
            L = _lib.load()
            d = L.kr_dict_new()
            if not d:
                raise KroniekError("out of memory", "KR_ERR_NOMEM")
            data = os.environ.get("KRONIEK_DATA")     # as the CLI: a data directory instead
            st = L.kr_dict_load_dir(d, _lib.enc(data)) if data else L.kr_dict_load_builtin(d)
            if st == 0:
                st = L.kr_dict_finish(d)
            if st != 0:
                msg = _lib.text(L.kr_dict_error(d)) or _lib.text(L.kr_strerror(st))
                L.kr_dict_free(d)
                raise KroniekError("dictionaries: " + msg, _lib.status_name(st))
            _dict = d
    return _dict


class _Coder:
    def __init__(self):
        self.L = _lib.load()
        self.c = self.L.kr_coder_new(_dictionary())
        if not self.c:
            raise KroniekError("out of memory", "KR_ERR_NOMEM")

    def __del__(self):
        try:
            if self.c:
                self.L.kr_coder_free(self.c)
                self.c = None
        except Exception:
            pass

    def code(self, art, out):
        """code a kr_article, appending event dicts to out; raises KroniekError"""
        failed = []

        def on_event(ctx, ev):
            try:
                out.append(_coded_event(ev.contents))
                return 0
            except BaseException as e:          # ctypes would only print it: stop, raise below
                failed.append(e)
                return 1
        fn = _lib.EVENT_FN(on_event)
        st = self.L.kr_code_article(self.c, ctypes.byref(art), fn, None)
        if failed:
            raise failed[0]
        if st != 0:
            raise KroniekError(_lib.text(self.L.kr_coder_error(self.c)), _lib.status_name(st))


def _coder():
    c = getattr(_local, "coder", None)
    if c is None:
        c = _local.coder = _Coder()
    return c


def _check_lang(lang):
    if lang is not None and lang not in ("", "nl", "en"):
        raise KroniekError("unsupported language '%s' (nl, en, or None to detect)" % lang, "KR_ERR_ARG")


def code(text, date, lang=None, doc="text", title=None):
    """Code one article.  text: str; date: "YYYY-MM-DD", "YYYY-MM", an ISO timestamp
    or a datetime.date; lang: "nl", "en" or None (detected); doc: the id events carry.
    Returns Events (a list of dicts, see FIELDS)."""
    L = _lib.load()
    if not isinstance(text, str):
        raise TypeError("text must be a str, not %s" % type(text).__name__)
    if hasattr(date, "isoformat") and not isinstance(date, str):
        date = date.isoformat()[:10]
    norm = ctypes.create_string_buffer(11)
    if date is None or not L.kr_article_date(_lib.enc(date), norm):
        raise KroniekError("bad date '%s' (want YYYY-MM-DD, YYYY-MM, YYYY-MM-DDThh:mm:ss with Z "
                           "or +hh:mm, or YYMMDD; years 1900-2100)" % (date,), "KR_ERR_PARSE")
    if "\0" in text:
        raise KroniekError("text contains a NUL character", "KR_ERR_ARG")
    doc = str(doc)
    if not doc or len(doc.encode("utf-8")) > 256:
        raise KroniekError("doc must be an id of 1 to 256 bytes", "KR_ERR_ARG")
    keep = [_lib.enc(x) for x in (doc, norm.value.decode(), lang or None, title, text)]
    art = _lib.Article(id=keep[0], date=keep[1], lang=keep[2], title=keep[3], text=keep[4],
                       origin=b"<python>")
    out = Events()
    _coder().code(art, out)
    return out


def code_file(path, lang=None, errors="raise"):
    """Code a file or directory as `kroniek code PATH` does: the seed format (first line
    `date YYYY-MM-DD`, then the text), JSON Lines {id, date, lang?, title?, text, ...},
    or a directory of such files (*.txt, *.jsonl, *.json).  lang: the language of articles
    that do not say.  errors: what a bad record does (a bad date, invalid JSON, ...):
    "raise" (KroniekError with file:line, the default), "warn" (a warning, the other
    articles are coded) or "ignore".  Returns Events."""
    if errors not in ("raise", "warn", "ignore"):
        raise ValueError("errors must be 'raise', 'warn' or 'ignore'")
    _check_lang(lang)
    path = os.fspath(path)
    L = _lib.load()
    if path != "-" and not os.path.exists(path):
        raise KroniekError("%s: no such file or directory" % path, "KR_ERR_IO")
    c = _coder()
    r = L.kr_reader_open(_lib.enc(path))
    if not r:
        raise KroniekError("out of memory", "KR_ERR_NOMEM")
    out = Events()
    blang = _lib.enc(lang) if lang else None

    def bad(msg, st):
        if errors == "raise":
            raise KroniekError(msg, _lib.status_name(st))
        if errors == "warn":
            warnings.warn("kroniek: " + msg, RuntimeWarning, stacklevel=3)

    try:
        while True:
            a = _lib.Article()
            st = L.kr_reader_next(r, ctypes.byref(a))
            if st == _lib.KR_EOF:
                break
            if st != _lib.KR_OK:
                bad(_lib.text(L.kr_reader_error(r)), st)
                continue
            if blang and not a.lang:
                a.lang = blang
            try:
                c.code(a, out)
            except KroniekError as e:
                bad("%s: article %s rejected: %s" % (_lib.text(a.origin) or path, _lib.text(a.id), e), 2)
    finally:
        L.kr_reader_free(r)
    return out


# ---- the archive

_FILTERS = ("actor", "source", "target", "dyad", "code", "root", "quad", "from", "to", "lang",
            "text", "doc", "limit", "offset", "desc")


class Archive:
    """An archive made by `kroniek ingest --db PATH` (SQLite file or postgresql://...),
    opened read-only.  Use as a context manager or call close()."""

    def __init__(self, path):
        L = _lib.load()
        if not hasattr(L, "kr_archive_open"):
            raise KroniekError("%s has no archive (a CORE_ONLY build)" % _lib.path(), "KR_ERR_ARG")
        self._L = L
        err = ctypes.create_string_buffer(1024)
        self.path = os.fspath(path)
        self._a = L.kr_archive_open(_lib.enc(self.path), err, len(err))
        if not self._a:
            raise KroniekError(_lib.text(err.value), "KR_ERR_DB")

    def close(self):
        if getattr(self, "_a", None):
            self._L.kr_archive_close(self._a)
            self._a = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _err(self, st):
        return KroniekError(_lib.text(self._L.kr_archive_error(self._a)), _lib.status_name(st))

    def events(self, one_a_day=False, **filters):
        """Stored events, with the filters of `kroniek events`: actor, source, target
        (codes -- a prefix: "RUS" matches RUSGOV -- or names: "Rusland", "Russia",
        "NAVO"), dyad ("A,B" or a pair, either direction), code ("04", "043"), root (4 or
        "04"), quad (1..4), from_ / to ("YYYY", "YYYY-MM", "YYYY-MM-DD" or a date;
        inclusive), lang ("nl", "en"), text (a full-text query), doc (an article id),
        limit, offset, desc (newest first).  one_a_day: one event per (date, source,
        target, code), the first in archive order (as --one-a-day).  Returns Events with
        .total (matching events without limit and offset)."""
        if not self._a:
            raise KroniekError("archive is closed", "KR_ERR_ARG")
        L = self._L
        L.kr_archive_clear(self._a)
        limit = offset = None
        for k, v in filters.items():
            key = k[:-1] if k.endswith("_") else k          # from_ (from is a keyword)
            if key not in _FILTERS:
                raise KroniekError("unknown filter '%s' (%s, one_a_day)" % (k, ", ".join(
                    f + "_" if f == "from" else f for f in _FILTERS)), "KR_ERR_ARG")
            if v is None:
                continue
            if key == "dyad" and isinstance(v, (tuple, list)):
                if len(v) != 2:
                    raise KroniekError("dyad wants two actors", "KR_ERR_ARG")
                v = "%s,%s" % tuple(v)
            elif key == "desc":
                v = "1" if v else "0"
            elif hasattr(v, "isoformat"):
                v = v.isoformat()[:10]
            elif isinstance(v, bool):
                raise KroniekError("%s: want a value, not %r" % (key, v), "KR_ERR_ARG")
            if one_a_day and key in ("limit", "offset"):
                # applied to the one-a-day events, below
                if not isinstance(v, int) or v < 0:
                    raise KroniekError("%s '%s': want a whole number >= 0" % (key, v), "KR_ERR_ARG")
                if key == "limit":
                    limit = v
                else:
                    offset = v
                continue
            st = L.kr_archive_filter(self._a, key.encode(), _lib.enc(v))
            if st != 0:
                raise self._err(st)
        out = Events()
        out.columns = ARCHIVE_FIELDS
        seen = set()

        failed = []

        def on_row(ctx, p):
            try:
                return row(p.contents)
            except BaseException as e:          # ctypes would only print it: stop, raise below
                failed.append(e)
                return 1

        def row(r):
            d = {"id": r.id}
            d.update(_event(r.ev))
            d.update(lang=_lib.text(r.lang), title=_lib.text(r.title), url=_lib.text(r.url),
                     publisher=_lib.text(r.publisher), label=_lib.text(r.label))
            if one_a_day:
                k = (d["date"], d["source"], d["target"], d["code"])
                if k in seen:
                    return 0
                seen.add(k)
            out.append(d)
            return 0

        total = ctypes.c_long(-1)
        st = L.kr_archive_events(self._a, _lib.ARCHIVE_FN(on_row), None, ctypes.byref(total))
        L.kr_archive_clear(self._a)
        if failed:
            raise failed[0]
        if st != 0:
            raise self._err(st)
        if one_a_day:
            out.total = len(out)
            lo = offset or 0
            out[:] = out[lo:lo + limit] if limit else out[lo:]
        else:
            out.total = total.value if total.value >= 0 else len(out)
        return out

    def to_pandas(self, **filters):
        """events(**filters).to_pandas()"""
        return self.events(**filters).to_pandas()
