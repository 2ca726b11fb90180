"""Finding and declaring libkroniek (ctypes).  Internal to the kroniek package.

The library is looked for, in order:
  1. $KRONIEK_LIB (the path of the .so; an error if it is set and does not load),
  2. next to the package (kroniek/libkroniek.so),
  3. the source tree's build directory (python/kroniek -> build/libkroniek.so),
  4. where `make install` put it (PREFIX/lib, found relative to
     PREFIX/lib/python3.N/dist-packages/kroniek, then the LIBDIR recorded at install),
  5. the system's library path (libkroniek.so.0, libkroniek.so).
"""

import ctypes
import ctypes.util
import os
import threading

from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double, c_int,
                    c_long, c_size_t, c_void_p)

_here = os.path.dirname(os.path.abspath(__file__))


class KroniekError(Exception):
    """An error from libkroniek; str() is the library's message (with file and line
    where the library knows them); .status the kr_status name ("KR_ERR_PARSE", ...)."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


_STATUS = ["KR_OK", "KR_ERR_IO", "KR_ERR_PARSE", "KR_ERR_NOMEM", "KR_ERR_LIMIT", "KR_ERR_ARG",
           "KR_ERR_DB", "KR_EOF", "KR_ERR_DAMAGED"]
KR_OK, KR_EOF = 0, 7


def status_name(st):
    return _STATUS[st] if 0 <= st < len(_STATUS) else "kr_status %d" % st


class Article(Structure):          # kr_article
    _fields_ = [(n, c_char_p) for n in
                ("id", "date", "lang", "title", "text", "url", "source", "origin", "options")]


class Event(Structure):            # kr_event
    _fields_ = [("doc", c_char_p), ("date", c_char_p), ("sentence", c_int),
                ("source", c_char_p), ("target", c_char_p), ("code", c_char_p),
                ("root", c_char * 3), ("quad", c_int), ("goldstein", c_double),
                ("location", c_char_p), ("source_text", c_char_p), ("target_text", c_char_p),
                ("verb_text", c_char_p), ("text", c_char_p),
                ("sent_off", c_int), ("sent_len", c_int), ("location_text", c_char_p)]


class ArchiveEvent(Structure):     # kr_archive_event
    _fields_ = [("id", c_long), ("ev", Event), ("lang", c_char_p), ("title", c_char_p),
                ("url", c_char_p), ("publisher", c_char_p), ("label", c_char_p)]


class Geo(Structure):              # kr_geo (src/geo.c)
    _fields_ = [("type", c_int), ("name", c_char_p), ("country", c_char_p),
                ("full_name", c_char * 256), ("iso3", c_char * 4), ("iso2", c_char * 3),
                ("fips", c_char * 3), ("adm1", c_char * 12), ("id", c_char * 16),
                ("lat", c_double), ("lon", c_double)]


EVENT_FN = CFUNCTYPE(c_int, c_void_p, POINTER(Event))
ARCHIVE_FN = CFUNCTYPE(c_int, c_void_p, POINTER(ArchiveEvent))

# name: (restype, argtypes); the archive functions are optional (a CORE_ONLY build)
_PROTOS = {
    "kr_strerror": (c_char_p, [c_int]),
    "kr_article_date": (c_int, [c_char_p, c_char_p]),
    "kr_dict_new": (c_void_p, []),
    "kr_dict_free": (None, [c_void_p]),
    "kr_dict_load_builtin": (c_int, [c_void_p]),
    "kr_dict_load_dir": (c_int, [c_void_p, c_char_p]),
    "kr_dict_finish": (c_int, [c_void_p]),
    "kr_dict_error": (c_char_p, [c_void_p]),
    "kr_coder_new": (c_void_p, [c_void_p]),
    "kr_coder_free": (None, [c_void_p]),
    "kr_code_article": (c_int, [c_void_p, POINTER(Article), EVENT_FN, c_void_p]),
    "kr_coder_error": (c_char_p, [c_void_p]),
    "kr_geolocate_event": (c_int, [POINTER(Event), c_char_p, POINTER(Geo)]),
    "kr_reader_open": (c_void_p, [c_char_p]),
    "kr_reader_free": (None, [c_void_p]),
    "kr_reader_next": (c_int, [c_void_p, POINTER(Article)]),
    "kr_reader_error": (c_char_p, [c_void_p]),
}
_OPTIONAL = {
    "kr_archive_open": (c_void_p, [c_char_p, c_char_p, c_size_t]),
    "kr_archive_close": (None, [c_void_p]),
    "kr_archive_error": (c_char_p, [c_void_p]),
    "kr_archive_filter": (c_int, [c_void_p, c_char_p, c_char_p]),
    "kr_archive_clear": (None, [c_void_p]),
    "kr_archive_events": (c_int, [c_void_p, ARCHIVE_FN, c_void_p, POINTER(c_long)]),
}


def candidates():
    """The paths tried, in order (see the module's doc)."""
    out = [os.path.join(_here, "libkroniek.so"),
           os.path.normpath(os.path.join(_here, "..", "..", "build", "libkroniek.so")),
           os.path.normpath(os.path.join(_here, "..", "..", "..", "libkroniek.so"))]
    try:
        from . import _installed            # written by make install
        out.append(os.path.join(_installed.LIBDIR, "libkroniek.so"))
    except ImportError:
        pass
    return out


_lock = threading.Lock()
_lib = None
_path = None


def load():
    """The loaded library (loaded on first use)."""
    global _lib, _path
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        env = os.environ.get("KRONIEK_LIB")
        tried = []
        lib = None
        if env:
            try:
                lib, path = ctypes.CDLL(env), env
            except OSError as e:
                raise KroniekError("KRONIEK_LIB=%s: %s" % (env, e)) from None
        else:
            for p in candidates():
                if os.path.exists(p):
                    try:
                        lib, path = ctypes.CDLL(p), p
                        break
                    except OSError as e:
                        tried.append("%s (%s)" % (p, e))
                else:
                    tried.append(p)
            if lib is None:
                for name in ("libkroniek.so.0", "libkroniek.so", ctypes.util.find_library("kroniek")):
                    if not name:
                        continue
                    try:
                        lib, path = ctypes.CDLL(name), name
                        break
                    except OSError:
                        tried.append(name)
            if lib is None:
                raise KroniekError("libkroniek not found; tried: %s.  Build it with `make lib` "
                                   "or set KRONIEK_LIB to its path" % ", ".join(tried))
        for name, (res, args) in list(_PROTOS.items()) + list(_OPTIONAL.items()):
            try:
                f = getattr(lib, name)
            except AttributeError:
                if name in _OPTIONAL:
                    continue
                raise KroniekError("%s: no %s in it (not libkroniek, or too old)" % (path, name)) from None
            f.restype, f.argtypes = res, args
        _lib, _path = lib, path
        return _lib


def path():
    load()
    return _path


def has(name):
    return hasattr(load(), name)


def text(b):
    """bytes from C (or None) -> str"""
    return "" if b is None else b.decode("utf-8", "replace")


def enc(s):
    return None if s is None else str(s).encode("utf-8")
