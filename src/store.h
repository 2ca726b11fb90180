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
/* 1 if an article with this id or this exact text (hash) is stored, 0 if not, <0 error */
int kr_store_seen(kr_store *s, const char *id, const char *text_hash);
/* Store one coded article: the coder's state for the last coded article (normalized
** text, sentences, actor mentions) and its events.  Call inside begin/commit. */
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
} kr_query;

typedef struct {
    long id;                /* event row id */
    kr_event ev;            /* doc, date, sentence, source, target, code, ... text */
    const char *title, *lang, *label;
} kr_event_row;

typedef int (*kr_event_row_fn)(void *ctx, const kr_event_row *r);   /* nonzero stops */
kr_status kr_store_events(kr_store *s, const kr_query *q, kr_event_row_fn fn, void *ctx, long *total);

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

#endif
