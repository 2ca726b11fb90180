/*
** store.h -- the archive: articles, sentences, actor mentions and events in SQLite
** (default, embedded, FTS5 search) or PostgreSQL (libpq, "postgresql://..." URIs).
** Used by the ingest/search/events/timeline/export commands (src/cmd_store.c) and by
** the HTTP server (src/serve.c).
**
** Ownership: a kr_store is owned by its opener and closed with kr_store_close().
** Strings passed to row callbacks are borrowed for the duration of the callback.
** Every function returns KR_OK or an error; kr_store_error() gives the message
** ("kroniek.db: database is locked", ...).  One kr_store per thread.
*/
#ifndef KR_STORE_H
#define KR_STORE_H
#include "kroniek.h"

typedef struct kr_store kr_store;

/* Open (and create/migrate when create != 0) an archive.  uri: a file path for
** SQLite, or postgresql://... / postgres://... for PostgreSQL.  readonly: open for
** queries only.  On failure returns NULL and writes a message to err. */
kr_store *kr_store_open(const char *uri, int create, int readonly, char *err, size_t errlen);
void kr_store_close(kr_store *s);
const char *kr_store_error(const kr_store *s);
const char *kr_store_backend(const kr_store *s);     /* "sqlite" or "postgresql" */
int kr_store_schema_version(kr_store *s);

/* ---- ingest ---- */
kr_status kr_store_begin(kr_store *s);
kr_status kr_store_commit(kr_store *s);
kr_status kr_store_rollback(kr_store *s);
/* 1 if an article with this exact text (hash) is stored, or this id with this text;
** 2 if this id is stored with another text (a conflict: the caller rejects the
** article); 0 if neither; <0 error */
int kr_store_seen(kr_store *s, const char *id, const char *text_hash);
/* Store one coded article: the coder's state for the last coded article (normalized
** text, sentences, actor mentions) and its events.  Call inside begin/commit.
** KR_ERR_ARG: this article was refused (no id, an id longer than KR_MAX_ID, a date
** kr_article_date() refuses, or on SQLite a constraint or size error of its own);
** nothing of it is stored and the batch goes on.  Any other error: the batch failed,
** roll it back.  A timestamp date is stored as its date. */
kr_status kr_store_put(kr_store *s, const kr_article *a, const char *text_hash,
                       kr_coder *c, const kr_event *ev, int nev);

/* ---- queries ---- */
typedef struct {
    const char *actor;      /* source or target; "RUS" matches RUSGOV (prefix) */
    const char *source, *target;
    const char *dyad_a, *dyad_b;   /* either direction between a and b (prefixes) */
    const char *code;       /* exact CAMEO code or prefix ("04", "043") */
    int quad;               /* 1..4, 0 = any */
    const char *from, *to;  /* ISO dates, inclusive, NULL = open */
    const char *lang;       /* "nl", "en", NULL */
    const char *text;       /* full-text query restricting the articles */
    const char *doc;        /* one article id */
    long limit, offset;     /* limit 0 = no limit */
    int desc;               /* kr_store_events: newest first (the exact reverse of the
                               default order: date, article id, sentence, event) */
} kr_query;

typedef struct {
    long id;                /* event row id */
    kr_event ev;            /* doc, date, sentence, source, target, code, ... text */
    const char *title, *lang, *label;
    const char *url, *publisher;   /* the article's url and source as ingested (may be NULL) */
} kr_event_row;

typedef int (*kr_event_row_fn)(void *ctx, const kr_event_row *r);   /* nonzero stops */
kr_status kr_store_events(kr_store *s, const kr_query *q, kr_event_row_fn fn, void *ctx, long *total);

/* One-a-day groups (store_daily.c): one per (date, source, target, code), in the order
** events are read, counting each group's events, articles and publishers (GDELT
** NumMentions, NumArticles, NumSources).  Ownership: a kr_daily owns its table and copies
** of the keys; kr_daily_free releases them.  kr_daily_group returns the group of e
** (index + 1; G->g[index] is valid until the next call), adding it if new (*isnew, may be
** NULL); kr_daily_count is a kr_event_row_fn that counts a row into a kr_daily. */
#include "kr_int.h"
typedef struct { long mentions, articles, sources; const char *lastdoc; } kr_daily_grp;
typedef struct { kr_arena ar; kr_map idx, pubs; kr_daily_grp *g; uint32_t n, cap; kr_buf key; } kr_daily;
void kr_daily_init(kr_daily *G);
void kr_daily_free(kr_daily *G);
uint32_t kr_daily_group(kr_daily *G, const kr_event *e, int *isnew);
int kr_daily_count(void *ctx, const kr_event_row *r);

typedef struct {
    const char *id, *date, *lang, *title, *snippet;   /* snippet: highlighted with [ ] */
    double rank;            /* BM25, lower is better (SQLite convention) */
} kr_search_row;
typedef int (*kr_search_fn)(void *ctx, const kr_search_row *r);
/* query: FTS5 syntax (words, "phrases", AND/OR/NOT); accents folded; Dutch and English
** stemming.  Bad query syntax is KR_ERR_ARG with a clear message. */
kr_status kr_store_search(kr_store *s, const char *query, const kr_query *filter,
                          kr_search_fn fn, void *ctx, long *total);

typedef struct {
    const char *period;     /* "2022-01", "2022-W03", "2022-01-10" */
    const char *source, *target;   /* dyad, or "" when not grouped by dyad */
    long count;             /* events (one per article) */
    long count_daily;       /* one-a-day: distinct (date, source, target, code) */
    double goldstein_sum, goldstein_mean;
    double quad_share[5];   /* [1..4] shares of the count */
} kr_timeline_row;
typedef int (*kr_timeline_fn)(void *ctx, const kr_timeline_row *r);
/* bucket: "day", "week", "month"; by_dyad: group by (source, target) too */
kr_status kr_store_timeline(kr_store *s, const kr_query *q, const char *bucket, int by_dyad,
                            kr_timeline_fn fn, void *ctx);

typedef struct { const char *code; long events, mentions; } kr_actor_row;
typedef int (*kr_actor_fn)(void *ctx, const kr_actor_row *r);
kr_status kr_store_actors(kr_store *s, const char *prefix, long limit, kr_actor_fn fn, void *ctx);

typedef struct {
    const char *id, *date, *lang, *title, *url, *source, *text;
    int nsent; const int *sent_off, *sent_len;   /* sentences within text */
} kr_article_row;
typedef int (*kr_article_fn)(void *ctx, const kr_article_row *r);
kr_status kr_store_article(kr_store *s, const char *id, kr_article_fn fn, void *ctx);  /* KR_EOF if absent */

typedef struct { long articles, sentences, events, events_daily, actors; const char *first, *last; } kr_stats_row;
kr_status kr_store_stats(kr_store *s, kr_stats_row *out);

/* integrity check (PRAGMA integrity_check / consistency queries); 0 ok */
kr_status kr_store_check(kr_store *s, char *msg, size_t len);

/* ---- helpers (additions; the functions above keep their signatures) ---- */
/* The duplicate key of an article: hex BLAKE2b-256 of its text as given.  OUT: hex[65] */
void kr_store_text_hash(const char *text, size_t len, char hex[65]);
/* Dictionary used at ingest to record the labels, Goldstein weights and quad classes of
** the CAMEO codes it stores (borrowed; must outlive the ingest).  May be NULL. */
void kr_store_set_dict(kr_store *s, const kr_dict *d);
/* Validate a full-text query without running it: KR_OK, or KR_ERR_ARG with a message
** in err ("unbalanced quote at column 5", ...). */
kr_status kr_store_query_check(const char *query, char *err, size_t errlen);
/* Rows stored by this handle since it was opened (for progress lines). */
long kr_store_put_count(const kr_store *s);
/* 1 if the archive holds no article, 0 if it does, <0 on error */
int kr_store_empty(kr_store *s);
/* A time budget for the queries that follow (the server's per-request limit): on
** SQLite a statement still running ms milliseconds after this call (0: no limit), or
** when stop(ctx) returns nonzero (polled every few thousand VM steps; NULL: never), is
** interrupted and the call fails with KR_ERR_LIMIT ("query interrupted").  On
** PostgreSQL ms becomes the session's statement_timeout (per statement); stop is not
** polled.  kr_store_set_budget(s, 0, NULL, NULL) lifts the limit. */
void kr_store_set_budget(kr_store *s, long ms, int (*stop)(void *ctx), void *ctx);
/* Give back the memory the handle caches (SQLite: its page cache) after a big query. */
void kr_store_release_memory(kr_store *s);
/* Why the archive cannot be written ("its directory /x cannot be written: Read-only
** file system"), or NULL when it can (always NULL on PostgreSQL).  An SQLite archive
** whose file or directory cannot be written is opened for reading even when writing
** was asked for (kr_store_begin then fails): readers, `ingest --check` and `--stats`
** work on it, and an ingest says it is read-only before it starts. */
const char *kr_store_read_only(const kr_store *s);

/* ---- ingest on two threads (optional) ----
** kr_store_put() takes what it stores from the coder and folds and stems the text for
** the full-text index, all on the calling thread.  A program that codes on one thread
** and stores on another can queue articles instead: kr_store_prep_coder() copies from
** the coder what the archive keeps of its last article (normalized text, language,
** sentences, actor mentions), so the coder can go on with the next one;
** kr_store_prep_analyse() optionally does the folding and stemming, with the Snowball
** stemmers of a kr_fts (one per thread); kr_store_put_prep() stores the article (and
** analyses it first if that was not done).  A kr_store_prep holds one article and may
** move between threads (used by one at a time); big buffers are released on reuse. */
typedef struct kr_fts kr_fts;
kr_fts *kr_fts_new(void);
void kr_fts_free(kr_fts *ft);
typedef struct kr_store_prep kr_store_prep;
kr_store_prep *kr_store_prep_new(void);
void kr_store_prep_free(kr_store_prep *p);
void kr_store_prep_coder(kr_store_prep *p, const kr_article *a, kr_coder *c);
void kr_store_prep_analyse(kr_store_prep *p, kr_fts *ft, const kr_article *a);
int kr_store_prep_analysed(const kr_store_prep *p);
size_t kr_store_prep_bytes(const kr_store_prep *p);      /* memory held, for queue limits */
kr_status kr_store_put_prep(kr_store *s, const kr_article *a, const char *text_hash,
                            const kr_event *ev, int nev, kr_store_prep *p);

#ifdef KR_STORE_INTERNAL
/* ---- internals: the common layer (store.c) that the backends (store_sqlite.c,
** store_pg.c) share, and the backend table ----------------------------------------
** Not part of the API: the server and the commands do not define KR_STORE_INTERNAL. */
#include "kr_int.h"

/* Full-text tokens: runs of letters, digits and marks; folded (lower case, accents
** stripped) and stemmed with Snowball (Dutch or English).  One token stream feeds the
** SQLite FTS5 index, the PostgreSQL tsvector, the query parser and the snippets, so
** both backends match the same words. */
/* fn(ctx, term, len, start, end, colocated): term borrowed until fn returns; start/end
** are byte offsets in the input; colocated != 0 means an alternative stem at the same
** position as the previous token.  Nonzero from fn stops. */
typedef int (*kr_fts_fn)(void *ctx, const char *term, int len, int start, int end, int colocated);
#define KR_FTS_BOTH (-1)                  /* lang: stem with both, as alternatives */
#define KR_FTS_MAXTOK 64                  /* longer tokens are cut (bytes) */
void kr_fts_tokenize(kr_fts *ft, const char *text, size_t n, int lang, int fold_only,
                     kr_fts_fn fn, void *ctx);
/* language index for a stored article: 0 nl, 1 en, KR_FTS_BOTH unknown */
int kr_fts_lang(const char *lang);

/* What the archive stores of one coded article (see kr_store_prep_coder). */
struct kr_store_prep {
    kr_buf text;                 /* the coder's normalized text */
    char lang[8];                /* "nl", "en" or "" */
    int nsent, scap; int *soff, *slen;        /* sentences (byte spans of text) */
    int nment, mcap; int *msent;              /* mentions: sentence (1-based) ... */
    kr_buf ment;                 /* ... and "code\0text\0" for each, in order */
    int analysed;
    kr_buf t[2];                 /* tokens of title and text: "\x02" then the tokens in
                                    order, ' ' between positions, '|' before an
                                    alternative stem at the same position */
};
/* replay such a token list (after the "\x02") into fn */
void kr_fts_replay(const char *s, size_t n, kr_fts_fn fn, void *ctx);

/* A parsed full-text query (FTS5 subset: words, "phrases", word*, AND, OR, NOT, ( )). */
typedef struct kr_fq kr_fq;
kr_fq *kr_fq_parse(kr_fts *ft, const char *q, char *err, size_t errlen);
void kr_fq_free(kr_fq *q);
void kr_fq_fts5(const kr_fq *q, kr_buf *out);       /* FTS5 MATCH string */
void kr_fq_tsquery(const kr_fq *q, kr_buf *out);    /* PostgreSQL tsquery literal */
/* Highlighted snippet of text (malloc'd, caller frees): the window with most query
** words, matches between [ and ]. */
char *kr_fq_snippet(kr_fts *ft, const kr_fq *q, const char *text, size_t n, int lang);

/* SQL parameters, all passed as text (PostgreSQL) or bound by type (SQLite) */
#define KR_SQL_MAXPARAM 40
typedef struct { int n; const char *v[KR_SQL_MAXPARAM]; char own[KR_SQL_MAXPARAM][72]; int isint[KR_SQL_MAXPARAM]; } kr_sqlparams;
/* The pg argument below: 1 PostgreSQL ($N placeholders); 0 SQLite (?N); KR_SQL_NOIDX
** SQLite with the event columns written +e.x, so that SQLite does not drive the query
** from their indexes (used to page through events_page in date order) */
#define KR_SQL_NOIDX 2
/* Append " AND ..." conditions for q to sql.  articles == 0: over events e JOIN
** articles a; articles != 0: over articles a, event filters through EXISTS.  pg selects
** $N placeholders.  text_fmt is the full-text condition as a printf format with one %s
** for the placeholder of fts_arg (the rendered query), or NULL.  Returns 0, or -1 with a
** message in err (bad code, date, language). */
int kr_sql_where(kr_buf *sql, const kr_query *q, int pg, int articles, kr_sqlparams *p, const char *text_fmt,
                 const char *fts_arg, char *err, size_t errlen);
const char *kr_sql_param(kr_sqlparams *p, const char *s);     /* copies s */
/* "(col >= lo AND col < hi)" for a code prefix (RUS matches RUSGOV), as parameters */
void kr_sql_prefix(kr_buf *sql, int pg, kr_sqlparams *p, const char *col, const char *prefix);
/* 1 if q filters on the events themselves (actors, dyad, code, quad) */
int kr_sql_event_filter(const kr_query *q);
const char *kr_sql_param_int(kr_sqlparams *p, long long v);

/* Raw timeline groups: one per (date, source, target, code), or a summary row of
** several (day != 0: their day, a month's as yyyymm01; groups: how many) */
typedef struct { const char *date, *source, *target, *code; long n; long g10; long quad[5]; int day; long groups; } kr_tl_group;
typedef int (*kr_tl_group_fn)(void *ctx, const kr_tl_group *g);

/* ---- the aggregates kept at ingest (schema version 2) ----
** daily: one row per (day, date, source, target, code, lang) with the number of events,
** their Goldstein sum in tenths, and both per quad class; a one-a-day group (date,
** source, target, code) is one row, or one per language when articles of both
** languages reported it.  days: per day, and dyad_months: per (month, source, target),
** the events, one-a-day groups, Goldstein tenths and quad counts over all languages.
** actors: events (as source plus as target) and mentions per actor code.
** kroniek_meta: the counts of articles, sentences, events and one-a-day groups.  The
** backends collect a batch in a kr_agg (kr_agg_put, from their put) and write it in the
** batch's transaction (commit), so the aggregates always match the rows.  A timeline or
** an event count that only filters on what an aggregate has is answered from the
** smallest one that can (kr_tl_source). */
typedef struct { long n, g10, q[5], g[5]; } kr_agg_sums;          /* q, g: [1..4] */
typedef struct { int day; const char *date, *source, *target, *code, *lang; kr_agg_sums s; } kr_agg_day;
typedef struct { const char *code; long events, mentions; } kr_agg_actor;
/* a row of days (month 0) or of dyad_months */
typedef struct { int day, month; const char *source, *target; long n, groups, g10, q[5]; } kr_agg_sum;
typedef struct {
    kr_arena ar;
    kr_map dmap, amap, smap;
    kr_agg_day *d; uint32_t nd, dcap;
    kr_agg_actor *a; uint32_t na, acap;
    kr_agg_sum *sm; uint32_t nsm, smcap;
    long articles, sentences, events;
    long long (*round10)(double g);    /* Goldstein to tenths, as the backend's SQL rounds */
    kr_buf key;
} kr_agg;
void kr_agg_init(kr_agg *g, long long (*round10)(double));
void kr_agg_reset(kr_agg *g);
void kr_agg_free(kr_agg *g);
void kr_agg_put(kr_agg *g, const kr_article *a, const kr_store_prep *p, const kr_event *ev, int nev);
/* sort the daily rows by their key (day, date, source, target, code, lang) */
void kr_agg_sort(kr_agg *g);
/* add daily row d (newgroup: its group was not stored before) to the days and
** dyad_months rows of the batch (g->sm) */
void kr_agg_summarize(kr_agg *g, const kr_agg_day *d, int newgroup);
/* the kroniek_meta keys of the counters, in the order of kr_agg articles..events_daily */
extern const char *const kr_count_keys[4];
/* 1 if q can be answered from daily (no text or doc filter) */
int kr_daily_ok(const kr_query *q);
/* Which aggregate answers the timeline groups of q: KR_TL_DAYS (only dates filter, not
** by dyad), KR_TL_DYAD_MONTHS (by month, actor/dyad filters and whole months), KR_TL_DAILY,
** or KR_TL_EVENTS.  For KR_TL_DYAD_MONTHS, *m0 and *m1 are the months (yyyymm, 0 open). */
enum { KR_TL_EVENTS, KR_TL_DAILY, KR_TL_DAYS, KR_TL_DYAD_MONTHS };
int kr_tl_source(const kr_query *q, const char *bucket, int by_dyad, int *m0, int *m1);
/* " AND ..." over dyad_months e: the actor conditions of q and the months */
int kr_sql_where_months(kr_buf *sql, const kr_query *q, int pg, int m0, int m1, kr_sqlparams *p, char *err, size_t errlen);
/* " AND ..." conditions for q over daily e (as kr_sql_where; lang as e.lang).  With a
** quad filter k the rows are those with qk > 0. */
int kr_sql_where_daily(kr_buf *sql, const kr_query *q, int pg, kr_sqlparams *p, char *err, size_t errlen);
/* Merge consecutive daily rows of one group (they differ only in lang) into one
** kr_tl_group.  Feed rows in (day, date, source, target, code) order, then call
** kr_tl_merge_end.  With quad k the sums are those of quad k only. */
typedef struct {
    kr_tl_group_fn fn; void *ctx; int quad, have, stop;
    kr_buf k;                    /* date\0source\0target\0code\0 of the pending group */
    kr_tl_group g;
} kr_tl_merge;
void kr_tl_merge_init(kr_tl_merge *m, int quad, kr_tl_group_fn fn, void *ctx);
/* returns nonzero when fn asked to stop */
int kr_tl_merge_row(kr_tl_merge *m, const char *date, const char *source, const char *target, const char *code,
                    const kr_agg_sums *s);
int kr_tl_merge_end(kr_tl_merge *m);
/* Group events by (date, source, target, code) in a hash, in any order. */
typedef struct { kr_arena ar; kr_map idx; kr_tl_group *v; uint32_t n, cap; kr_buf key; } kr_tl_hash;
void kr_tl_hash_init(kr_tl_hash *h);
void kr_tl_hash_add(kr_tl_hash *h, const char *date, const char *source, const char *target, const char *code,
                    long g10, int quad);
int kr_tl_hash_emit(kr_tl_hash *h, kr_tl_group_fn fn, void *ctx);     /* nonzero: fn stopped */
void kr_tl_hash_free(kr_tl_hash *h);

/* A backend: its name, the --db values it opens and its functions.  store.c holds the
** table of backends (kr_store_open picks one) and calls them only through these
** pointers; a backend calls store.c's common layer, never another backend. */
typedef struct {
    const char *name;                      /* kr_store_backend() */
    const char *const *schemes;            /* URI prefixes it opens, NULL-terminated; NULL:
                                              the default, every other --db value (a file) */
    kr_store *(*open)(const char *uri, int create, int readonly, char *err, size_t errlen);
    void (*close)(kr_store *s);
    kr_status (*begin)(kr_store *s);
    kr_status (*commit)(kr_store *s);
    kr_status (*rollback)(kr_store *s);
    int (*seen)(kr_store *s, const char *id, const char *hash);
    kr_status (*put)(kr_store *s, const kr_article *a, const char *hash, const kr_event *ev, int nev,
                     const kr_store_prep *p);
    kr_status (*events)(kr_store *s, const kr_query *q, const kr_fq *text, kr_event_row_fn fn, void *ctx, long *total);
    kr_status (*search)(kr_store *s, const kr_fq *fq, const kr_query *q, const kr_fq *text, kr_search_fn fn, void *ctx, long *total);
    kr_status (*groups)(kr_store *s, const kr_query *q, const kr_fq *text, const char *bucket, int by_dyad,
                        kr_tl_group_fn fn, void *ctx);
    kr_status (*actors)(kr_store *s, const char *prefix, long limit, kr_actor_fn fn, void *ctx);
    kr_status (*article)(kr_store *s, const char *id, kr_article_fn fn, void *ctx);
    kr_status (*stats)(kr_store *s, kr_stats_row *out);
    kr_status (*check)(kr_store *s, char *msg, size_t len);
    int (*empty)(kr_store *s);
    void (*budget)(kr_store *s);           /* apply budget_ms / stop (may be NULL) */
    void (*release)(kr_store *s);          /* kr_store_release_memory (may be NULL) */
} kr_store_ops;

struct kr_store {
    const kr_store_ops *ops;
    char err[1024];
    char name[256];          /* file name or URI without password, for messages */
    int version, readonly;
    kr_fts *fts;
    const kr_dict *dict;
    long nput;
    kr_store_prep *prep;     /* for kr_store_put */
    void *be;                /* backend state */
    /* kr_store_set_budget */
    long budget_ms; double deadline_ms;   /* CLOCK_MONOTONIC ms, 0 = none */
    int (*stop)(void *ctx); void *stop_ctx;
    char ro_why[512];        /* kr_store_read_only: "" when writable */
};
/* the backends (store_sqlite.c, store_pg.c) */
extern const kr_store_ops kr_store_sqlite_ops, kr_store_pg_ops;
void kr_store_seterr(kr_store *s, const char *fmt, ...);
/* KR_ERR_DAMAGED with the message for article id, whose stored text does not match its
** checksum (articles.text_sum); readers of a text return it instead of the text */
kr_status kr_store_damaged(kr_store *s, const char *id);
/* 1 once the time budget of kr_store_set_budget is spent or its stop() says so */
int kr_store_out_of_time(const kr_store *s);
/* a day number yyyymmdd for a stored date ("2022-01" -> 20220101), 0 if bad */
int kr_store_day(const char *date);
#endif

#endif
