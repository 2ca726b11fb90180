/*
** kroniek.h -- the one public header of libkroniek.
**
** kroniek turns dated news articles (Dutch and English) into CAMEO-coded political
** events: who did what to whom, when and where.  The pipeline, in order:
**
**   read (kr_reader)  ->  normalize + split + tokenize  ->  match actors
**   ->  segment clauses, find subjects  ->  match verb patterns  ->  events
**
** Ownership rules, for every function below:
**   - A kr_xxx_new() result is owned by the caller and released with kr_xxx_free().
**   - Pointers inside a kr_article or kr_event handed to a callback are borrowed: they
**     stay valid only until the callback returns.  Copy what you keep.
**   - Strings passed in are copied when they must outlive the call.
** Errors: functions return a kr_status; a human-readable message with context (file and
** line where known) is available from kr_dict_error() / kr_reader_error().
*/
#ifndef KRONIEK_H
#define KRONIEK_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KRONIEK_VERSION "0.1.0"

typedef enum {
    KR_OK = 0,
    KR_ERR_IO,        /* file could not be opened or read */
    KR_ERR_PARSE,     /* malformed input (dictionary line, JSON, date) */
    KR_ERR_NOMEM,     /* allocation failed */
    KR_ERR_LIMIT,     /* input exceeds a documented limit */
    KR_ERR_ARG,       /* bad argument */
    KR_ERR_DB,        /* database error */
    KR_EOF,           /* no more input (readers) */
    KR_ERR_DAMAGED    /* stored data does not match its checksum (the archive was changed
                         behind kroniek's back: the data is not handed out) */
} kr_status;

const char *kr_strerror(kr_status st);

/* ---- limits (documented in docs/TESTING.md) ---- */
#define KR_MAX_LINE      (64u << 20)   /* longest input line (JSONL record) */
#define KR_MAX_ARTICLE   (16u << 20)   /* longest article text, bytes */
#define KR_MAX_SENTENCE  4096          /* longer sentences are cut into pieces */
#define KR_MAX_TOKENS    512           /* tokens per sentence piece */
#define KR_MAX_ID        256           /* longest article id, bytes */
#define KR_MAX_DICT      (64u << 20)   /* largest dictionary file, bytes */

/* ---- articles ---- */
typedef struct {
    const char *id;      /* article id (JSONL id, or file name without extension) */
    const char *date;    /* as given: YYYY-MM-DD or YYYY-MM */
    const char *lang;    /* "nl", "en", or NULL/"" to detect */
    const char *title;   /* may be NULL */
    const char *text;    /* UTF-8 (invalid bytes are repaired and counted) */
    const char *url;     /* may be NULL */
    const char *source;  /* publisher, may be NULL */
    const char *origin;  /* "file:line" the article came from, may be NULL */
    /* TABARI-style coder options for foreign (TABARI/PETRARCH) dictionaries, NULL for
    ** none: option lines separated by ';' or newlines, applied in order to TABARI's
    ** standard settings, e.g. "SET: CODE ALL; DEFAULT: SOURCE [XXX] PRIOR".  See
    ** docs/FOREIGN-DICTS.md; kroniek's own dictionaries ignore them.  (Added last, so
    ** initializers that stop at origin leave it NULL.) */
    const char *options;
} kr_article;

/* Parse YYYY-MM-DD, YYYY-MM or YYMMDD into yyyymmdd (day 1 for month precision).
** Returns 0 on error (bad month/day, year outside 1900..2100). */
int kr_parse_date(const char *s);

/* The one rule for article dates and date filters: YYYY-MM-DD, YYYY-MM, or an ISO
** timestamp YYYY-MM-DDThh:mm:ss followed by Z or +hh:mm / -hh:mm, which is normalised to
** its date as written (no time-zone conversion); also YYMMDD, the date of TABARI
** records, kept as written.  Nothing else: no white space, no other separators, years
** 1900..2100, real calendar days and times.  Writes the
** normalised date ("2022-01-10" or "2022-01") to out (at least 11 bytes) and returns
** yyyymmdd (day 1 for YYYY-MM), or 0 if the date is not valid. */
int kr_article_date(const char *s, char out[11]);
#define KR_DATE_RULE "YYYY-MM-DD, YYYY-MM, YYYY-MM-DDThh:mm:ss with Z or +hh:mm, or YYMMDD; years 1900-2100"

/* ---- events ---- */
typedef struct {
    const char *doc, *date;
    int sentence;                 /* 1-based within the text */
    const char *source, *target;  /* CAMEO actor codes */
    const char *code;             /* CAMEO event code, e.g. "043" */
    char root[3];                 /* "04" */
    int quad;                     /* 1..4 */
    double goldstein;             /* -10..10 */
    const char *location;         /* country code of the event's place, or "": the place its
                                  ** sentence names; else one named in the two sentences
                                  ** before; else the state both actors belong to */
    const char *source_text, *target_text, *verb_text, *text;
    int sent_off, sent_len;       /* the sentence within the normalized text */
    const char *location_text;    /* the words of the sentence that name the place ("Genève",
                                  ** "Idlib"), or "" (none, or a place from the fallbacks) */
} kr_event;

/* ---- dictionaries ---- */
typedef struct kr_dict kr_dict;

kr_dict *kr_dict_new(void);
void kr_dict_free(kr_dict *d);
/* The dictionaries compiled into the binary (data/ at build time). */
kr_status kr_dict_load_builtin(kr_dict *d);
/* A data directory laid out like data/ (cameo/, common/, nl/, en/). */
kr_status kr_dict_load_dir(kr_dict *d, const char *dir);
/* One file; lang "nl", "en" or NULL for both; kind "actors","agents","verbs",
** "discards" or NULL to detect from the name and content.  Formats detected from
** content: kroniek, TABARI, PETRARCH-1, PETRARCH-2. */
kr_status kr_dict_load_file(kr_dict *d, const char *path, const char *lang, const char *kind);
/* Load from memory (name used in messages). */
kr_status kr_dict_load_mem(kr_dict *d, const char *name, const char *buf, size_t len,
                           const char *lang, const char *kind);
/* Leave parts of the built-in (or --data) dictionaries out, before loading them: used
** when foreign dictionaries replace kroniek's own.  KR_SKIP_ACTORS skips the actor
** files except the gazetteer (common/places.actors); KR_SKIP_VERBS the verb files. */
#define KR_SKIP_ACTORS 1
#define KR_SKIP_VERBS  2
void kr_dict_set_skip(kr_dict *d, int what);
/* Finish loading (build indexes).  Must be called before coding. */
kr_status kr_dict_finish(kr_dict *d);
/* Diagnostics: number of errors/warnings seen while loading, and the messages
** ("file:line: error: ..."), newline-separated; owned by d. */
int kr_dict_nerrors(const kr_dict *d);
int kr_dict_nwarnings(const kr_dict *d);
const char *kr_dict_messages(const kr_dict *d);
const char *kr_dict_error(const kr_dict *d);
/* Run the semantic checks of `kroniek dict check` (unknown codes, duplicates,
** overlapping date ranges); messages are appended, returns the error count. */
int kr_dict_check(kr_dict *d);
/* Write the loaded dictionaries in kroniek's own format. */
kr_status kr_dict_write(const kr_dict *d, FILE *out, const char *what);
/* Counts for reports. */
void kr_dict_stats(const kr_dict *d, FILE *out);

/* CAMEO code table (from data/cameo/codes.tsv). NULL label if unknown. */
const char *kr_cameo_label(const kr_dict *d, const char *code);
int kr_cameo_lookup(const kr_dict *d, const char *code, double *goldstein, int *quad);

/* ---- actor names (src/names.c) ----
** Display names of actor codes, from the dictionaries: the first phrase of a code's
** `state` or `org` entry (data/{nl,en}/states.actors, orgs.actors, domestic*.actors,
** common/domestic-*.actors; an entry still in force first) and the names of the
** 3-letter parts in data/{nl,en}/sectors.txt.  "RUSGOV" -> "Rusland: regering" (nl),
** "Russia: government" (en); "NLDPTYVVD" -> "Nederland: VVD"; "IGOWSTNAT" -> "NAVO".
** A kr_names is owned by the caller (kr_names_free); it is read-only once made, so
** threads may share it. */
typedef struct kr_names kr_names;
#define KR_CODE_MAX 32                 /* longest actor code kr_actor_lookup writes, with NUL */
/* From the dictionaries compiled in (dir NULL) or a data directory laid out like data/.
** Never NULL (aborts when out of memory); problems in sectors.txt: kr_names_messages. */
kr_names *kr_names_new(const char *dir);
void kr_names_free(kr_names *n);
/* "file:line: error: ..." lines (owned by n; "" if none) and their counts (may be NULL). */
const char *kr_names_messages(const kr_names *n, int *nerrors, int *nwarnings);
/* The name of code in lang ("nl"; anything else is English), written into buf (size
** bytes, cut at a UTF-8 boundary); returns buf.  An unknown code is its own name; an
** unknown part stays a code ("Rusland: XYZ"). */
const char *kr_actor_name(const kr_names *n, const char *code, const char *lang, char *buf, size_t size);
/* 1 if every part of code has a name (its state or organisation and the sectors). */
int kr_actor_known(const kr_names *n, const char *code);
/* The codes a name stands for: a phrase of a state, people or org entry in either
** language ("Rusland", "Russia", "NAVO", "VVD") or a display name ("Rusland: regering",
** "Nederland: VVD"); case and accents ignored.  Up to max codes are copied into codes;
** returns how many there are (0 none; may be more than max). */
int kr_actor_lookup(const kr_names *n, const char *name, char (*codes)[KR_CODE_MAX], int max);

/* ---- the coder ---- */
typedef struct kr_coder kr_coder;
typedef int (*kr_event_fn)(void *ctx, const kr_event *ev);   /* nonzero stops */

/* The coder borrows d; d must outlive it.  One coder per thread. */
kr_coder *kr_coder_new(const kr_dict *d);
void kr_coder_free(kr_coder *c);
/* Code one article; ev is called for each event in text order.  Returns KR_OK or an
** error (message in kr_coder_error).  Sets the detected language in *lang_out if
** non-NULL ("nl"/"en", or "" if unknown). */
kr_status kr_code_article(kr_coder *c, const kr_article *a, kr_event_fn ev, void *ctx);
const char *kr_coder_error(const kr_coder *c);
const char *kr_coder_lang(const kr_coder *c);      /* language of the last article */
int kr_coder_bad_bytes(const kr_coder *c);          /* invalid UTF-8 repaired, last article */
int kr_coder_nsentences(const kr_coder *c);         /* sentences of the last article */
/* Sentence i (0-based) of the last article: its normalized text. */
const char *kr_coder_sentence(const kr_coder *c, int i, int *len);
/* Normalized text of the last article. */
const char *kr_coder_text(const kr_coder *c, size_t *len);
/* Actor mentions of the last article, for indexing: calls fn(ctx, sentence, code, text). */
void kr_coder_actors(const kr_coder *c, void (*fn)(void *, int, const char *, const char *), void *ctx);
/* Debug trace of clauses and mentions to f (NULL = off). */
void kr_coder_trace(kr_coder *c, FILE *f);

/* Split only (the floor the coder can approach): returns sentence count. */
int kr_split_article(kr_coder *c, const kr_article *a);

/* ---- readers ---- */
typedef struct kr_reader kr_reader;
/* path "-" is stdin; a directory is read recursively (*.txt, *.jsonl, *.json). */
kr_reader *kr_reader_open(const char *path);
void kr_reader_free(kr_reader *r);
/* Next article: KR_OK, KR_EOF, or an error for one bad record (message in
** kr_reader_error, naming file and line); reading can go on after an error. */
kr_status kr_reader_next(kr_reader *r, kr_article *a);
const char *kr_reader_error(const kr_reader *r);
/* Like kr_reader_next, but a JSON Lines record comes back unparsed: *raw (borrowed until
** the next call, *rawlen bytes) with a->origin set and the other fields NULL, so that
** parsing can happen on another thread.  Seed-format files come back parsed (*raw NULL). */
kr_status kr_reader_next_raw(kr_reader *r, kr_article *a, const char **raw, size_t *rawlen);
/* Parse one JSON Lines record; the strings are malloc'ed into hold[0..7] (release with
** kr_article_release, also after an error).  origin ("file:line") prefixes messages.
** An "options" string field is kept in the same block as origin (hold[7]). */
kr_status kr_article_parse_json(const char *line, size_t n, const char *origin, kr_article *a,
                                char *hold[8], char *err, size_t errlen);
void kr_article_release(char *hold[8]);

/* ---- output ---- */
typedef enum { KR_FMT_JSONL, KR_FMT_TSV, KR_FMT_CSV, KR_FMT_PLOVER } kr_format;
int kr_format_parse(const char *name, kr_format *f);
void kr_write_header(FILE *f, kr_format fmt);
void kr_write_event(FILE *f, kr_format fmt, const kr_event *e, const kr_dict *d, long seq);
/* JSON string escaping into f. */
void kr_json_str(FILE *f, const char *s);
/* 1 if a CSV cell with this text would run as a formula in a spreadsheet (it starts
** with = + - @ or a tab or carriage return): the writers put a ' in front of it. */
int kr_csv_risky(const char *s);
/* What is known of an event beyond kr_event, for the writers that use it (every field
** may be NULL / 0).  The archive gives url, title, lang and publisher; counts come from
** its one-a-day groups (GDELT NumMentions = events of the group, NumArticles =
** articles, NumSources = publishers); names: the actor names of PLOVER's country_name
** (NULL: the built-in dictionaries' names). */
typedef struct {
    const char *url, *title, *lang, *publisher;
    long mentions, articles, sources;
    const kr_names *names;
} kr_event_info;
/* kr_write_event with what else is known (x may be NULL).  PLOVER: one JSON object per
** event with the codebook's field names (docs/ARCHIVE.md); an event of CAMEO roots 01 or
** 02, which PLOVER drops, writes nothing and returns 0; otherwise returns 1.  CSV: a
** cell that starts with = + - @ (or tab / carriage return) gets a ' in front, so that
** spreadsheets do not run it as a formula. */
int kr_write_event_info(FILE *f, kr_format fmt, const kr_event *e, const kr_dict *d, long seq, const kr_event_info *x);

/* ---- PLOVER (src/plover.c) ---- */
typedef struct {
    const char *event;      /* "CONSULT", ... */
    const char *mode;       /* "visit", or "" */
    const char *context;    /* "diplomatic", several separated by ';', or "" */
    int quad;               /* PLOVER quad class 1..4 */
    double scale;           /* PLOVER score of category and mode, -10..10 */
} kr_plover;
/* The PLOVER category, mode and context of a CAMEO code (CAMEO2PLOVER-2021); 0 if PLOVER
** has none (roots 01 and 02). */
int kr_plover_map(const char *cameo, kr_plover *out);

/* ---- geolocation (src/geo.c) ----
** The point of an event's place, as GDELT's ActionGeo columns and PLOVER's event_loc
** carry it, from a compiled-in gazetteer (data/geo/: the places and capitals the
** dictionaries name, matched to GeoNames cities; a centroid for every ISO 3166 state;
** README.md: Geolocation).
** Ownership: a kr_geo is filled by the caller's call; its char arrays are its own, its
** name and country point into the built-in tables, which live as long as the program
** (read once on first use, thread-safe, never freed). */
typedef struct {
    int type;               /* 1 country (centroid), 2 first-level division, 3 city or place */
    const char *name;       /* the GeoNames name of the place ("Genève"), or the country's name */
    const char *country;    /* the country's English name ("Switzerland") */
    char full_name[256];    /* "Genève, Switzerland" (GDELT FullName) */
    char iso3[4], iso2[3];  /* "CHE", "CH" */
    char fips[3];           /* FIPS 10-4 country code ("SZ"; GDELT's CountryCode), "" if none */
    char adm1[12];          /* FIPS country + GeoNames admin1 code ("SZGE"); a country: its FIPS code */
    char id[16];            /* GeoNames id of the place ("2660646"); a country: its FIPS code */
    double lat, lon;        /* decimal degrees */
} kr_geo;
/* Locate an event: location is its state code (kr_event.location, ISO 3166 alpha-3),
** location_text the words that name the place (kr_event.location_text, may be NULL or
** ""), lang the article's language ("nl", "en" or NULL; names of both languages are
** known whatever it is).  A name the gazetteer has in that state gives the place (type
** 2 or 3); any other name, or none, the country (type 1, its centroid).  Returns 1 and
** fills out, or 0 (out zeroed) when location is "" or no state the table knows
** ("IGO", historical states). */
int kr_geolocate(const char *location, const char *location_text, const char *lang, kr_geo *out);
/* kr_geolocate for an event: its location_text, or, when that is "" (events read back
** from an archive, which keeps the state but not the words), the first name in the
** event's sentence (text) of a place the gazetteer has in that state. */
int kr_geolocate_event(const kr_event *e, const char *lang, kr_geo *out);
/* GDELT 1.0's ActionGeo_Type of a located place: 1 country, 2 US state, 3 US city,
** 4 city elsewhere, 5 first-level division elsewhere. */
int kr_geo_gdelt_type(const kr_geo *g);
/* Sizes of the built-in gazetteer (either may be NULL); returns 1 if it is there. */
int kr_geo_count(int *countries, int *places);

/* ---- evaluation (eval/GUIDE.md) ---- */
typedef struct {
    int matched, predicted, gold_required, optional_matched;
    double precision, recall, f1;
} kr_score;
/* Score predicted events (JSONL file, one event per line) against a gold file;
** report per-article misses and false events to rep (may be NULL). */
kr_status kr_eval_files(const char *gold, const char *pred, FILE *rep, kr_score *out,
                        char *err, size_t errlen);

/* ---- the archive, read only (src/store_api.c) ----
** The stored events of an archive made by `kroniek ingest`, with the filters of
** `kroniek events`; for programs and bindings (python/kroniek) that do not use the
** internal store API (src/store.h).  Not in a CORE_ONLY build.
** Ownership: kr_archive_open()'s result is owned by the caller and released with
** kr_archive_close(); filter values are copied; a kr_archive_event handed to the
** callback, and every string in it, is borrowed until the callback returns.  One
** kr_archive per thread. */
typedef struct kr_archive kr_archive;
/* Open an archive for queries: an SQLite file path or postgresql://...  A missing file
** is an error (nothing is created).  NULL on failure, with a message in err. */
kr_archive *kr_archive_open(const char *uri, char *err, size_t errlen);
void kr_archive_close(kr_archive *a);
/* The message of the last error ("--from 2020-01-01 is after --to 2019-01-01", ...);
** owned by a. */
const char *kr_archive_error(const kr_archive *a);
/* Set one filter (replacing an earlier value of the same key); value NULL or "" clears it.
** Keys, as the options of `kroniek events`: actor, source, target (codes, a prefix:
** "RUS" matches RUSGOV, or names in Dutch or English: "Rusland", "Russia", "NAVO",
** "Rusland: regering"), dyad ("A,B", either direction), code ("04", "043"), root
** ("4", "04"), quad ("1".."4"), from, to (YYYY, YYYY-MM, YYYY-MM-DD; inclusive), lang
** ("nl", "en"), text (a full-text query), doc (an article id), limit, offset (whole
** numbers >= 0), desc ("1": newest first).  KR_ERR_ARG with a message for an unknown
** key or a bad value; actor names are resolved by kr_archive_events. */
kr_status kr_archive_filter(kr_archive *a, const char *key, const char *value);
void kr_archive_clear(kr_archive *a);        /* drop every filter */
typedef struct {
    long id;                                  /* event row id */
    kr_event ev;                              /* doc, date, sentence, source, ... text */
    const char *lang, *title, *url, *publisher;   /* the article's (may be NULL) */
    const char *label;                        /* the CAMEO code's label (may be NULL) */
} kr_archive_event;
typedef int (*kr_archive_fn)(void *ctx, const kr_archive_event *e);   /* nonzero stops */
/* Call fn for each event matching the filters, in archive order (date, article,
** sentence, event; reversed with desc).  total (may be NULL): the number of matching
** events without limit and offset.  KR_ERR_ARG (bad filters: an unknown actor name, a
** name that is several actors, from after to, a bad full-text query) or KR_ERR_DB, with
** the message in kr_archive_error. */
kr_status kr_archive_events(kr_archive *a, kr_archive_fn fn, void *ctx, long *total);

#ifdef __cplusplus
}
#endif
#endif
