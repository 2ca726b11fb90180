/*
** store_sqlite.c -- the SQLite backend of the archive (the default: one file, embedded),
** beside store_pg.c; store.c reaches both through their kr_store_ops tables and holds
** what they share (full-text tokens, the query language, filters as SQL, aggregates).
**
** Layout (schema version 3, PRAGMA user_version, application_id 'KRNK'): articles,
** sentences, mentions, events, codes, kroniek_meta, the aggregates kept at ingest
** (daily, days, dyad_months, actors, counters in kroniek_meta; see store.h) and
** articles_fts, a contentless FTS5 table using the tokenizer "kroniek" registered on
** every connection.  Documents reach FTS5 already analysed ("\x02" + tokens, see
** kr_store_prep; the analysis may run on another thread) and the tokenizer replays
** them; queries go through kr_fts_tokenize(), so SQLite and PostgreSQL match the same
** words.  WAL mode, synchronous=NORMAL: a killed process never loses a committed batch
** nor leaves half a batch.  An archive that cannot be written is opened for reading
** (immutable when its directory cannot be written either).  See docs/ARCHIVE.md.
*/
#define KR_STORE_INTERNAL
#include "store.h"
#include <sqlite3.h>
#include <stdio.h>
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#define KR_APP_ID 0x4B524E4B            /* 'KRNK' */
#define SQ_VERSION 3

/* Migrations: entry i brings the schema from version i to i+1.  Never edit one that has
** shipped; append a new one. */
static const char *sq_migrations[SQ_VERSION] = {
    /* 0 -> 1: the first schema */
    "CREATE TABLE kroniek_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE articles("
    "  aid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, date TEXT NOT NULL, day INTEGER NOT NULL,"
    "  lang TEXT NOT NULL, title TEXT, url TEXT, source TEXT, text TEXT NOT NULL,"
    "  text_hash TEXT NOT NULL UNIQUE, nsent INTEGER NOT NULL, nevents INTEGER NOT NULL,"
    "  added TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE INDEX articles_day ON articles(day);"
    "CREATE TABLE sentences(article INTEGER NOT NULL, n INTEGER NOT NULL, off INTEGER NOT NULL,"
    "  len INTEGER NOT NULL, PRIMARY KEY(article, n)) WITHOUT ROWID;"
    "CREATE TABLE mentions(article INTEGER NOT NULL, sentence INTEGER NOT NULL, code TEXT NOT NULL, text TEXT NOT NULL);"
    "CREATE INDEX mentions_code ON mentions(code);"
    "CREATE TABLE events("
    "  id INTEGER PRIMARY KEY, article INTEGER NOT NULL, sentence INTEGER NOT NULL,"
    "  date TEXT NOT NULL, day INTEGER NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,"
    "  code TEXT NOT NULL, root TEXT NOT NULL, quad INTEGER NOT NULL, goldstein REAL NOT NULL,"
    "  location TEXT NOT NULL, source_text TEXT NOT NULL, target_text TEXT NOT NULL,"
    "  verb_text TEXT NOT NULL, text TEXT NOT NULL);"
    "CREATE INDEX events_day ON events(day);"
    "CREATE INDEX events_source ON events(source, day);"
    "CREATE INDEX events_target ON events(target, day);"
    "CREATE INDEX events_code ON events(code);"
    "CREATE INDEX events_article ON events(article);"
    "CREATE TABLE codes(code TEXT PRIMARY KEY, label TEXT, goldstein REAL, quad INTEGER) WITHOUT ROWID;"
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='', tokenize='kroniek');"
    "INSERT INTO kroniek_meta VALUES('created', strftime('%Y-%m-%dT%H:%M:%SZ','now'));",
    /* 1 -> 2: aggregates kept at ingest (daily, actors, the counts in kroniek_meta),
    ** an index that pages events in date order without reading them, first/last dates */
    "CREATE TABLE daily(day INTEGER NOT NULL, date TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,"
    "  code TEXT NOT NULL, lang TEXT NOT NULL, n INTEGER NOT NULL, g10 INTEGER NOT NULL,"
    "  q1 INTEGER NOT NULL, q2 INTEGER NOT NULL, q3 INTEGER NOT NULL, q4 INTEGER NOT NULL,"
    "  g1 INTEGER NOT NULL, g2 INTEGER NOT NULL, g3 INTEGER NOT NULL, g4 INTEGER NOT NULL,"
    "  PRIMARY KEY(day, date, source, target, code, lang)) WITHOUT ROWID;"
    "INSERT INTO daily SELECT day, date, source, target, code, lang, count(*), sum(g),"
    "  sum(quad = 1), sum(quad = 2), sum(quad = 3), sum(quad = 4),"
    "  sum(CASE WHEN quad = 1 THEN g ELSE 0 END), sum(CASE WHEN quad = 2 THEN g ELSE 0 END),"
    "  sum(CASE WHEN quad = 3 THEN g ELSE 0 END), sum(CASE WHEN quad = 4 THEN g ELSE 0 END)"
    "  FROM (SELECT e.day, e.date, e.source, e.target, e.code, a.lang, e.quad, CAST(round(e.goldstein * 10) AS INTEGER) AS g"
    "        FROM events e JOIN articles a ON a.aid = e.article)"
    "  GROUP BY day, date, source, target, code, lang;"
    "CREATE TABLE days(day INTEGER PRIMARY KEY, n INTEGER NOT NULL, groups INTEGER NOT NULL, g10 INTEGER NOT NULL,"
    "  q1 INTEGER NOT NULL, q2 INTEGER NOT NULL, q3 INTEGER NOT NULL, q4 INTEGER NOT NULL);"
    "INSERT INTO days SELECT day, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4) FROM ("
    "  SELECT day, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4"
    "  FROM daily GROUP BY day, date, source, target, code) GROUP BY day;"
    "CREATE TABLE dyad_months(month INTEGER NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,"
    "  n INTEGER NOT NULL, groups INTEGER NOT NULL, g10 INTEGER NOT NULL,"
    "  q1 INTEGER NOT NULL, q2 INTEGER NOT NULL, q3 INTEGER NOT NULL, q4 INTEGER NOT NULL,"
    "  PRIMARY KEY(month, source, target)) WITHOUT ROWID;"
    "INSERT INTO dyad_months SELECT day / 100, source, target, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4) FROM ("
    "  SELECT day, source, target, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4"
    "  FROM daily GROUP BY day, date, source, target, code) GROUP BY day / 100, source, target;"
    "CREATE TABLE actors(code TEXT PRIMARY KEY, events INTEGER NOT NULL, mentions INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO actors SELECT code, sum(ev), sum(mn) FROM ("
    "  SELECT source AS code, count(*) AS ev, 0 AS mn FROM events GROUP BY source UNION ALL"
    "  SELECT target, count(*), 0 FROM events GROUP BY target UNION ALL"
    "  SELECT code, 0, count(*) FROM mentions GROUP BY code) GROUP BY code;"
    "INSERT OR REPLACE INTO kroniek_meta VALUES('count_articles', (SELECT count(*) FROM articles));"
    "INSERT OR REPLACE INTO kroniek_meta VALUES('count_sentences', (SELECT count(*) FROM sentences));"
    "INSERT OR REPLACE INTO kroniek_meta VALUES('count_events', (SELECT count(*) FROM events));"
    "INSERT OR REPLACE INTO kroniek_meta VALUES('count_events_daily',"
    "  (SELECT count(*) FROM (SELECT DISTINCT day, date, source, target, code FROM daily)));"
    "CREATE INDEX events_page ON events(day, source, target, code, quad, article, sentence);"
    "DROP INDEX events_day;"
    "CREATE INDEX articles_date ON articles(date);",
    /* 2 -> 3 (issue 15): a checksum of the text as stored (text_hash is of the text as
    ** given, before normalisation), so `ingest --check` finds a damaged text; filled
    ** here for the stored rows, by ingest for new ones */
    "ALTER TABLE articles ADD COLUMN text_sum TEXT;"
    "UPDATE articles SET text_sum = kroniek_text_sum(text);"
};

enum { SQ_SEEN, SQ_ART, SQ_SENT, SQ_MENT, SQ_EV, SQ_FTS, SQ_CODE, SQ_DUPD, SQ_DGRP, SQ_DINS, SQ_AUPS, SQ_CNT,
       SQ_DAYS, SQ_DYM, SQ_NSTMT };
static const char *sq_stmt_sql[SQ_NSTMT] = {
    "SELECT 1 FROM articles WHERE text_hash = ?2 UNION ALL SELECT 2 FROM articles WHERE id = ?1 LIMIT 1",
    "INSERT INTO articles(id, date, day, lang, title, url, source, text, text_hash, nsent, nevents, text_sum)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "INSERT INTO sentences(article, n, off, len) VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO mentions(article, sentence, code, text) VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO events(article, sentence, date, day, source, target, code, root, quad, goldstein,"
    " location, source_text, target_text, verb_text, text) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
    "INSERT INTO articles_fts(rowid, title, body) VALUES(?1, ?2, ?3)",
    "INSERT OR IGNORE INTO codes(code, label, goldstein, quad) VALUES(?1, ?2, ?3, ?4)",
    "UPDATE daily SET n = n + ?7, g10 = g10 + ?8, q1 = q1 + ?9, q2 = q2 + ?10, q3 = q3 + ?11, q4 = q4 + ?12,"
    " g1 = g1 + ?13, g2 = g2 + ?14, g3 = g3 + ?15, g4 = g4 + ?16"
    " WHERE day = ?1 AND date = ?2 AND source = ?3 AND target = ?4 AND code = ?5 AND lang = ?6",
    "SELECT lang FROM daily WHERE day = ?1 AND date = ?2 AND source = ?3 AND target = ?4 AND code = ?5",
    "INSERT INTO daily(day, date, source, target, code, lang, n, g10, q1, q2, q3, q4, g1, g2, g3, g4)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    "INSERT INTO actors(code, events, mentions) VALUES(?1, ?2, ?3)"
    " ON CONFLICT(code) DO UPDATE SET events = events + excluded.events, mentions = mentions + excluded.mentions",
    "INSERT INTO kroniek_meta(key, value) VALUES(?1, ?2)"
    " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER)",
    "INSERT INTO days(day, n, groups, g10, q1, q2, q3, q4) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT(day) DO UPDATE SET n = n + excluded.n, groups = groups + excluded.groups, g10 = g10 + excluded.g10,"
    " q1 = q1 + excluded.q1, q2 = q2 + excluded.q2, q3 = q3 + excluded.q3, q4 = q4 + excluded.q4",
    "INSERT INTO dyad_months(month, source, target, n, groups, g10, q1, q2, q3, q4) VALUES(?1, ?9, ?10, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT(month, source, target) DO UPDATE SET n = n + excluded.n, groups = groups + excluded.groups,"
    " g10 = g10 + excluded.g10, q1 = q1 + excluded.q1, q2 = q2 + excluded.q2, q3 = q3 + excluded.q3, q4 = q4 + excluded.q4",
};

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *st[SQ_NSTMT];
    kr_map codes; kr_arena codes_ar;   /* codes recorded in this session */
    int busy_ms, in_tx;
    char first[16], last[16];    /* kr_store_stats strings */
    kr_agg agg;                  /* the batch's aggregates, written at commit */
} sq_be;

#define SQ(s) ((sq_be *)(s)->be)

/* Set the handle's message from an SQLite result code, with advice for the common
** failures.  Returns the kroniek status. */
static kr_status sq_fail(kr_store *s, int rc, const char *what) {
    sq_be *b = SQ(s);
    const char *m = b && b->db ? sqlite3_errmsg(b->db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_BUSY: case SQLITE_LOCKED:
        kr_store_seterr(s, "%s: the database is locked: another process is writing to it (waited %.1f s; set KRONIEK_BUSY_TIMEOUT in ms to wait longer)", s->name, (b ? b->busy_ms : 0) / 1000.0);
        break;
    case SQLITE_FULL:
        kr_store_seterr(s, "%s: the disk is full (%s); the current batch was rolled back, everything committed before it is kept", s->name, m);
        break;
    case SQLITE_NOTADB:
        kr_store_seterr(s, "%s: not an archive: the file is not an SQLite database (corrupt, or another kind of file); it was not changed", s->name);
        break;
    case SQLITE_CORRUPT:
        kr_store_seterr(s, "%s: the archive is corrupt (%s); restore a backup, or try 'sqlite3 %s .recover'", s->name, m, s->name);
        break;
    case SQLITE_READONLY:
        kr_store_seterr(s, "%s: cannot write: %s", s->name, m);
        break;
    case SQLITE_IOERR:
        kr_store_seterr(s, "%s: I/O error while %s (%s; disk full or file too large?); the current batch was rolled back", s->name, what, m);
        break;
    case SQLITE_CANTOPEN:
        kr_store_seterr(s, "%s: cannot open the archive (%s)", s->name, m);
        break;
    case SQLITE_INTERRUPT:
        kr_store_seterr(s, "%s: query interrupted (time budget of %ld ms spent, or the caller stopped it)", s->name, s->budget_ms);
        return KR_ERR_LIMIT;
    default:
        kr_store_seterr(s, "%s: %s: %s", s->name, what, m);
    }
    return KR_ERR_DB;
}

/* kr_store_set_budget: interrupt a statement past the deadline or when stop() says so */
static int sq_progress(void *p) { return kr_store_out_of_time(p); }

static void sq_budget(kr_store *s) {
    sqlite3_progress_handler(SQ(s)->db, s->deadline_ms > 0 || s->stop ? 4000 : 0, s->deadline_ms > 0 || s->stop ? sq_progress : NULL, s);
}

static void sq_release(kr_store *s) { sqlite3_db_release_memory(SQ(s)->db); }

/* ---- the FTS5 tokenizer "kroniek" ---- */

typedef struct { void *ctx; int (*x)(void *, int, const char *, int, int, int); int rc, skip; } sq_tokctx;

static int sq_tok_cb(void *c, const char *term, int len, int start, int end, int coloc) {
    sq_tokctx *t = c;
    t->rc = t->x(t->ctx, coloc ? FTS5_TOKEN_COLOCATED : 0, term, len, start + t->skip, end + t->skip);
    return t->rc != SQLITE_OK;
}

static int sq_tok_create(void *ud, const char **az, int n, Fts5Tokenizer **out) { (void)az; (void)n; *out = (Fts5Tokenizer *)ud; return SQLITE_OK; }
static void sq_tok_delete(Fts5Tokenizer *t) { (void)t; }

/* Documents arrive analysed ("\x02" + tokens, see kr_store_prep) and are replayed;
** queries are folded and stemmed with both stemmers (alternatives at one position);
** prefix queries are only folded. */
static int sq_tok_tokenize(Fts5Tokenizer *tk, void *ctx, int flags, const char *text, int n,
                           int (*x)(void *, int, const char *, int, int, int)) {
    kr_fts *ft = (kr_fts *)tk;
    sq_tokctx t = {ctx, x, SQLITE_OK, 0};
    if (!(flags & FTS5_TOKENIZE_QUERY) && n >= 1 && text[0] == 2) {
        t.skip = 1;
        kr_fts_replay(text + 1, (size_t)(n - 1), sq_tok_cb, &t);
        return t.rc;
    }
    int fold_only = (flags & FTS5_TOKENIZE_QUERY) && (flags & FTS5_TOKENIZE_PREFIX);
    kr_fts_tokenize(ft, text, (size_t)n, KR_FTS_BOTH, fold_only, sq_tok_cb, &t);
    return t.rc;
}

/* kroniek_text_sum(text): the checksum of a stored text (articles.text_sum), BLAKE2b-256
** hex of its bytes; NULL for NULL */
static void sq_text_sum(sqlite3_context *cx, int argc, sqlite3_value **argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) { sqlite3_result_null(cx); return; }
    const char *t = sqlite3_value_blob(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    char hex[65];
    kr_store_text_hash(t ? t : "", (size_t)(n > 0 ? n : 0), hex);
    sqlite3_result_text(cx, hex, 64, SQLITE_TRANSIENT);
}

/* 1 if the text in column tc of a row matches the checksum in column sc (the rule of
** kroniek_text_sum and --check, computed here so only the rows handed out are hashed) */
static int sq_text_ok(sqlite3_stmt *st, int tc, int sc) {
    if (sqlite3_column_type(st, sc) == SQLITE_NULL) return sqlite3_column_type(st, tc) == SQLITE_NULL;
    const char *t = sqlite3_column_blob(st, tc);
    int n = sqlite3_column_bytes(st, tc);
    char hex[65];
    kr_store_text_hash(t ? t : "", (size_t)(n > 0 ? n : 0), hex);
    const char *sum = (const char *)sqlite3_column_text(st, sc);
    return sum && !strcmp(sum, hex);
}

static int sq_register(sqlite3 *db, kr_fts *ft) {
    if (sqlite3_create_function(db, "kroniek_text_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                NULL, sq_text_sum, NULL, NULL) != SQLITE_OK) return SQLITE_ERROR;
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return SQLITE_ERROR;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api || api->iVersion < 2) return SQLITE_ERROR;
    static fts5_tokenizer tok = {sq_tok_create, sq_tok_delete, sq_tok_tokenize};
    return api->xCreateTokenizer(api, "kroniek", ft, &tok, NULL);
}

/* ---- helpers ---- */

static int sq_exec(kr_store *s, const char *sql) {
    char *m = NULL;
    int rc = sqlite3_exec(SQ(s)->db, sql, NULL, NULL, &m);
    sqlite3_free(m);
    return rc;
}

static int sq_int(sqlite3 *db, const char *sql, long *out) {
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) { *out = (long)sqlite3_column_int64(st, 0); rc = SQLITE_OK; }
    else if (rc == SQLITE_DONE) { *out = 0; rc = SQLITE_OK; }
    sqlite3_finalize(st);
    return rc;
}

static void sq_bind(sqlite3_stmt *st, const kr_sqlparams *p) {
    for (int i = 0; i < p->n; i++) {
        if (p->isint[i]) sqlite3_bind_int64(st, i + 1, atoll(p->v[i]));
        else sqlite3_bind_text(st, i + 1, p->v[i], -1, SQLITE_STATIC);
    }
}

static const char *col(sqlite3_stmt *st, int i) { const char *s = (const char *)sqlite3_column_text(st, i); return s ? s : ""; }
static const char *coln(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static void sq_close(kr_store *s) {
    sq_be *b = SQ(s);
    if (!b) return;
    if (b->in_tx) sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < SQ_NSTMT; i++) sqlite3_finalize(b->st[i]);
    if (b->db) sqlite3_close_v2(b->db);
    kr_map_free(&b->codes); kr_arena_free(&b->codes_ar);
    kr_agg_free(&b->agg);
    free(b);
    s->be = NULL;
}

static kr_status sq_prepare_all(kr_store *s) {
    sq_be *b = SQ(s);
    for (int i = 0; i < SQ_NSTMT; i++) {
        if (b->st[i]) continue;
        int rc = sqlite3_prepare_v3(b->db, sq_stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &b->st[i], NULL);
        if (rc != SQLITE_OK) return sq_fail(s, rc, "preparing");
    }
    return KR_OK;
}

static kr_status sq_begin(kr_store *s) {
    sq_be *b = SQ(s);
    if (b->in_tx) { kr_store_seterr(s, "%s: a batch is already open", s->name); return KR_ERR_ARG; }
    kr_status st = sq_prepare_all(s);
    if (st != KR_OK) return st;
    int rc = sq_exec(s, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) return sq_fail(s, rc, "starting a batch");
    b->in_tx = 1;
    kr_agg_reset(&b->agg);
    return KR_OK;
}

/* SQLite's round(x) for the Goldstein tenths (half away from zero), as the migration
** and the check compute them in SQL */
static long long sq_round10(double g) {
    double r = g * 10;
    return r >= 0 ? (long long)(r + 0.5) : -(long long)(-r + 0.5);
}

static int sq_step_reset(sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc;
}

/* Write the batch's aggregates (inside its transaction): daily rows, actor counts and
** the counters in kroniek_meta. */
static kr_status sq_flush_agg(kr_store *s) {
    sq_be *b = SQ(s);
    kr_agg *g = &b->agg;
    long newgroups = 0;
    int rc;
    /* in key order, so that the b-tree is walked rather than searched at random */
    kr_agg_sort(g);
    for (uint32_t i = 0; i < g->nd; i++) {
        const kr_agg_day *d = &g->d[i];
        /* which languages have a row of this group already */
        sqlite3_stmt *gs = b->st[SQ_DGRP];
        sqlite3_bind_int(gs, 1, d->day);
        sqlite3_bind_text(gs, 2, d->date, -1, SQLITE_STATIC);
        sqlite3_bind_text(gs, 3, d->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(gs, 4, d->target, -1, SQLITE_STATIC);
        sqlite3_bind_text(gs, 5, d->code, -1, SQLITE_STATIC);
        int rows = 0, mine = 0;
        while ((rc = sqlite3_step(gs)) == SQLITE_ROW) {
            rows++;
            if (!strcmp(col(gs, 0), d->lang)) mine = 1;
        }
        sqlite3_reset(gs);
        if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing daily counts");
        if (!rows) newgroups++;
        sqlite3_stmt *st = b->st[mine ? SQ_DUPD : SQ_DINS];
        sqlite3_bind_int(st, 1, d->day);
        sqlite3_bind_text(st, 2, d->date, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, d->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, d->target, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, d->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, d->lang, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, d->s.n);
        sqlite3_bind_int64(st, 8, d->s.g10);
        for (int k = 1; k <= 4; k++) {
            sqlite3_bind_int64(st, 8 + k, d->s.q[k]);
            sqlite3_bind_int64(st, 12 + k, d->s.g[k]);
        }
        if ((rc = sq_step_reset(st)) != SQLITE_DONE) return sq_fail(s, rc, "storing daily counts");
        kr_agg_summarize(g, d, !rows);
    }
    for (uint32_t i = 0; i < g->nsm; i++) {
        const kr_agg_sum *a = &g->sm[i];
        sqlite3_stmt *ss = b->st[a->month ? SQ_DYM : SQ_DAYS];
        sqlite3_bind_int(ss, 1, a->month ? a->month : a->day);
        sqlite3_bind_int64(ss, 2, a->n);
        sqlite3_bind_int64(ss, 3, a->groups);
        sqlite3_bind_int64(ss, 4, a->g10);
        for (int k = 1; k <= 4; k++) sqlite3_bind_int64(ss, 4 + k, a->q[k]);
        if (a->month) {
            sqlite3_bind_text(ss, 9, a->source, -1, SQLITE_STATIC);
            sqlite3_bind_text(ss, 10, a->target, -1, SQLITE_STATIC);
        }
        if ((rc = sq_step_reset(ss)) != SQLITE_DONE) return sq_fail(s, rc, "storing daily counts");
    }
    sqlite3_stmt *st = b->st[SQ_AUPS];
    for (uint32_t i = 0; i < g->na; i++) {
        sqlite3_bind_text(st, 1, g->a[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, g->a[i].events);
        sqlite3_bind_int64(st, 3, g->a[i].mentions);
        if ((rc = sq_step_reset(st)) != SQLITE_DONE) return sq_fail(s, rc, "storing actor counts");
    }
    long add[4] = {g->articles, g->sentences, g->events, newgroups};
    st = b->st[SQ_CNT];
    for (int i = 0; i < 4 && g->articles; i++) {
        sqlite3_bind_text(st, 1, kr_count_keys[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, add[i]);
        if ((rc = sq_step_reset(st)) != SQLITE_DONE) return sq_fail(s, rc, "storing counts");
    }
    kr_agg_reset(g);
    return KR_OK;
}

static kr_status sq_rollback(kr_store *s);

static kr_status sq_commit(kr_store *s) {
    sq_be *b = SQ(s);
    if (!b->in_tx) return KR_OK;
    kr_status k = sq_flush_agg(s);
    if (k != KR_OK) {                        /* the batch goes, with its aggregates */
        char keep[sizeof s->err];
        memcpy(keep, s->err, sizeof keep);
        sq_rollback(s);
        memcpy(s->err, keep, sizeof keep);
        return k;
    }
    int rc = sq_exec(s, "COMMIT");
    if (rc != SQLITE_OK) {
        kr_status st = sq_fail(s, rc, "committing");
        if (sqlite3_get_autocommit(b->db)) { b->in_tx = 0; kr_agg_reset(&b->agg); }   /* SQLite rolled back */
        return st;
    }
    b->in_tx = 0;
    return KR_OK;
}

static kr_status sq_rollback(kr_store *s) {
    sq_be *b = SQ(s);
    kr_agg_reset(&b->agg);
    if (!b->in_tx) return KR_OK;
    b->in_tx = 0;
    if (sqlite3_get_autocommit(b->db)) return KR_OK;
    int rc = sq_exec(s, "ROLLBACK");
    return rc == SQLITE_OK ? KR_OK : sq_fail(s, rc, "rolling back");
}

static int sq_seen(kr_store *s, const char *id, const char *hash) {
    sq_be *b = SQ(s);
    if (sq_prepare_all(s) != KR_OK) return -1;
    sqlite3_stmt *st = b->st[SQ_SEEN];
    sqlite3_bind_text(st, 1, id ? id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hash ? hash : "", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), which = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return which == 2 ? 2 : 1;   /* 2: the id, with another text */
    if (rc == SQLITE_DONE) return 0;
    sq_fail(s, rc, "looking up an article");
    return -1;
}

static kr_status sq_put1(kr_store *s, const kr_article *a, const char *hash, const kr_event *ev, int nev,
                         const kr_store_prep *pr);

/* Store one article; outside a batch it is a batch of its own (the aggregates are
** written with the rows). */
static kr_status sq_put(kr_store *s, const kr_article *a, const char *hash, const kr_event *ev, int nev,
                        const kr_store_prep *pr) {
    sq_be *b = SQ(s);
    if (b->in_tx) {
        /* issue 15: one article per savepoint, so that an error of this article's own
        ** (a constraint, a value too big) takes back only its rows: it is refused with
        ** KR_ERR_ARG and the batch goes on.  Other errors (disk, locks) end the batch. */
        int rc = sq_exec(s, "SAVEPOINT kr_article");
        if (rc != SQLITE_OK) return sq_fail(s, rc, "storing an article");
        kr_status k = sq_put1(s, a, hash, ev, nev, pr);
        if (k == KR_OK) {
            if ((rc = sq_exec(s, "RELEASE kr_article")) != SQLITE_OK) return sq_fail(s, rc, "storing an article");
            kr_agg_put(&b->agg, a, pr, ev, nev);
            return KR_OK;
        }
        int ec = sqlite3_errcode(b->db) & 0xff;
        if (sqlite3_get_autocommit(b->db) || (ec != SQLITE_CONSTRAINT && ec != SQLITE_TOOBIG && ec != SQLITE_MISMATCH && ec != SQLITE_RANGE))
            return k;
        char keep[sizeof s->err];
        memcpy(keep, s->err, sizeof keep);
        if (sq_exec(s, "ROLLBACK TO kr_article") != SQLITE_OK || sq_exec(s, "RELEASE kr_article") != SQLITE_OK) return k;
        memcpy(s->err, keep, sizeof keep);
        /* codes written by this article went with it: record them again when seen */
        kr_map_free(&b->codes); kr_arena_reset(&b->codes_ar);
        kr_map_init(&b->codes, &b->codes_ar);
        return KR_ERR_ARG;
    }
    kr_status k = sq_begin(s);
    if (k != KR_OK) return k;
    k = sq_put1(s, a, hash, ev, nev, pr);
    if (k == KR_OK) kr_agg_put(&b->agg, a, pr, ev, nev);
    if (k == KR_OK) k = sq_commit(s);
    if (k != KR_OK) { char keep[sizeof s->err]; memcpy(keep, s->err, sizeof keep); sq_rollback(s); memcpy(s->err, keep, sizeof keep); }
    return k;
}

static kr_status sq_put1(kr_store *s, const kr_article *a, const char *hash, const kr_event *ev, int nev,
                         const kr_store_prep *pr) {
    sq_be *b = SQ(s);
    kr_status kst = sq_prepare_all(s);
    if (kst != KR_OK) return kst;
    int rc;
    sqlite3_stmt *st = b->st[SQ_ART];
    sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->date ? a->date : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, kr_store_day(a->date));
    sqlite3_bind_text(st, 4, pr->lang, -1, SQLITE_STATIC);
    if (a->title) sqlite3_bind_text(st, 5, a->title, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 5);
    if (a->url) sqlite3_bind_text(st, 6, a->url, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 6);
    if (a->source) sqlite3_bind_text(st, 7, a->source, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 7);
    sqlite3_bind_text(st, 8, pr->text.p, (int)pr->text.len, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, hash ? hash : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 10, pr->nsent);
    sqlite3_bind_int(st, 11, nev);
    char sum[65];
    kr_store_text_hash(pr->text.p, pr->text.len, sum);
    sqlite3_bind_text(st, 12, sum, 64, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing an article");
    sqlite3_int64 aid = sqlite3_last_insert_rowid(b->db);

    st = b->st[SQ_SENT];
    for (int i = 0; i < pr->nsent; i++) {
        sqlite3_bind_int64(st, 1, aid);
        sqlite3_bind_int(st, 2, i + 1);
        sqlite3_bind_int(st, 3, pr->soff[i]);
        sqlite3_bind_int(st, 4, pr->slen[i]);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing sentences");
    }
    st = b->st[SQ_MENT];
    const char *mp = pr->ment.p;
    for (int i = 0; i < pr->nment; i++) {
        const char *code = mp, *text = code + strlen(code) + 1;
        mp = text + strlen(text) + 1;
        sqlite3_bind_int64(st, 1, aid);
        sqlite3_bind_int(st, 2, pr->msent[i]);
        sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing actor mentions");
    }

    st = b->st[SQ_EV];
    for (int i = 0; i < nev; i++) {
        const kr_event *e = &ev[i];
        sqlite3_bind_int64(st, 1, aid);
        sqlite3_bind_int(st, 2, e->sentence);
        sqlite3_bind_text(st, 3, a->date ? a->date : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, kr_store_day(a->date));
        sqlite3_bind_text(st, 5, e->source ? e->source : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, e->target ? e->target : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, e->code ? e->code : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, e->root, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 9, e->quad);
        sqlite3_bind_double(st, 10, e->goldstein);
        sqlite3_bind_text(st, 11, e->location ? e->location : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 12, e->source_text ? e->source_text : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 13, e->target_text ? e->target_text : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 14, e->verb_text ? e->verb_text : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 15, e->text ? e->text : "", -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing events");
        /* the code table: label, weight and class as the dictionary had them */
        const char *code = e->code ? e->code : "";
        if (!kr_map_get(&b->codes, code, strlen(code))) {
            sqlite3_stmt *cs = b->st[SQ_CODE];
            double g = e->goldstein; int quad = e->quad;
            const char *label = s->dict ? kr_cameo_label(s->dict, code) : NULL;
            if (s->dict) kr_cameo_lookup(s->dict, code, &g, &quad);
            sqlite3_bind_text(cs, 1, code, -1, SQLITE_STATIC);
            if (label) sqlite3_bind_text(cs, 2, label, -1, SQLITE_STATIC); else sqlite3_bind_null(cs, 2);
            sqlite3_bind_double(cs, 3, g);
            sqlite3_bind_int(cs, 4, quad);
            rc = sqlite3_step(cs);
            sqlite3_reset(cs);
            if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing codes");
            kr_map_put(&b->codes, code, strlen(code), 1);
        }
    }
    st = b->st[SQ_FTS];
    sqlite3_bind_int64(st, 1, aid);
    sqlite3_bind_text(st, 2, pr->t[0].p, (int)pr->t[0].len, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pr->t[1].p, (int)pr->t[1].len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, rc, "indexing the text");
    return KR_OK;
}

/* ---- queries ---- */

static const char *SQ_TEXT_FMT = "a.aid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH %s)";

static kr_status sq_query(kr_store *s, const char *sql, const kr_sqlparams *p, sqlite3_stmt **out) {
    int rc = sqlite3_prepare_v2(SQ(s)->db, sql, -1, out, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "querying");
    sq_bind(*out, p);
    return KR_OK;
}

/* run a count(*) query */
static kr_status sq_count(kr_store *s, const char *sql, const kr_sqlparams *p, long *total) {
    sqlite3_stmt *st;
    kr_status k = sq_query(s, sql, p, &st);
    if (k != KR_OK) return k;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *total = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return sq_fail(s, rc, "counting");
    return KR_OK;
}

/* FTS5 reports its own syntax errors as SQLITE_ERROR "fts5: ..." */
static kr_status sq_step_fail(kr_store *s, int rc) {
    const char *m = sqlite3_errmsg(SQ(s)->db);
    if (rc == SQLITE_ERROR && !strncmp(m, "fts5:", 5)) { kr_store_seterr(s, "bad query: %s", m); return KR_ERR_ARG; }
    return sq_fail(s, rc, "reading");
}

static void limit_clause(kr_buf *sql, const kr_query *q) {
    if (q->limit > 0) kr_buf_addf(sql, " LIMIT %ld", q->limit);
    else if (q->offset > 0) kr_buf_add(sql, " LIMIT -1", 9);
    if (q->offset > 0) kr_buf_addf(sql, " OFFSET %ld", q->offset);
}

/* The number of events matching q, from daily: sum of n (or of qk with quad k). */
static kr_status sq_daily_total(kr_store *s, const kr_query *q, long *total) {
    kr_buf where = {0}, sql = {0};
    kr_sqlparams p = {0};
    kr_status k = KR_OK;
    if (kr_sql_where_daily(&where, q, 0, &p, s->err, sizeof s->err)) { kr_buf_free(&where); return KR_ERR_ARG; }
    if (q->quad) kr_buf_addf(&sql, "SELECT coalesce(sum(e.q%d), 0) FROM daily e WHERE 1%s", q->quad, where.p);
    else kr_buf_addf(&sql, "SELECT coalesce(sum(e.n), 0) FROM daily e WHERE 1%s", where.p);
    k = sq_count(s, sql.p, &p, total);
    kr_buf_free(&where); kr_buf_free(&sql);
    return k;
}

/* For a page at q->offset: the day of its first event (*day, 0 if not found) and the
** number of matching events before that day in the order of q (*before). */
static kr_status sq_skip_days(kr_store *s, const kr_query *q, long *day, long *before) {
    kr_buf where = {0}, sql = {0};
    kr_sqlparams p = {0};
    *day = 0; *before = 0;
    if (kr_sql_where_daily(&where, q, 0, &p, s->err, sizeof s->err)) { kr_buf_free(&where); return KR_ERR_ARG; }
    if (q->quad) kr_buf_addf(&sql, "SELECT e.day, sum(e.q%d) FROM daily e WHERE 1%s GROUP BY e.day ORDER BY e.day%s",
                             q->quad, where.p, q->desc ? " DESC" : "");
    else kr_buf_addf(&sql, "SELECT e.day, sum(e.n) FROM daily e WHERE 1%s GROUP BY e.day ORDER BY e.day%s",
                     where.p, q->desc ? " DESC" : "");
    sqlite3_stmt *st;
    kr_status k = sq_query(s, sql.p, &p, &st);
    if (k == KR_OK) {
        int rc;
        long cum = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            long n = (long)sqlite3_column_int64(st, 1);
            if (cum + n > q->offset) { *day = (long)sqlite3_column_int64(st, 0); *before = cum; rc = SQLITE_DONE; break; }
            cum += n;
        }
        if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
        sqlite3_finalize(st);
    }
    kr_buf_free(&where); kr_buf_free(&sql);
    return k;
}

#define EV_ORDER_ASC  " ORDER BY e.day, a.id, e.sentence, e.id"
#define EV_ORDER_DESC " ORDER BY e.day DESC, a.id DESC, e.sentence DESC, e.id DESC"
#define EV_COLS "SELECT e.id, a.id, e.date, e.sentence, e.source, e.target, e.code, e.root, e.quad, e.goldstein," \
    " e.location, e.source_text, e.target_text, e.verb_text, e.text, a.title, a.lang, c.label, a.url, a.source"

static kr_status sq_events(kr_store *s, const kr_query *q, const kr_fq *t, kr_event_row_fn fn, void *ctx, long *total) {
    kr_buf where = {0}, sql = {0}, fts = {0};
    kr_sqlparams p = {0};
    if (t) kr_fq_fts5(t, &fts);
    kr_status k = KR_OK;
    int evfilter = kr_sql_event_filter(q), mode = 0;
    long n = -1;                          /* events matching q, when known */
    if (kr_sql_where(&where, q, 0, 0, &p, SQ_TEXT_FMT, t ? fts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
    kr_buf_add(&where, "", 0);
    if (kr_daily_ok(q) && (total || (q->limit > 0 && evfilter))) {
        if ((k = sq_daily_total(s, q, &n)) != KR_OK) goto out;
    } else if (total) {
        kr_buf_addf(&sql, "SELECT count(*) FROM events e JOIN articles a ON a.aid = e.article WHERE 1%s", where.p);
        if ((k = sq_count(s, sql.p, &p, &n)) != KR_OK) goto out;
        sql.len = 0;
    }
    if (total) *total = n;
    if (n >= 0 && q->offset >= n) goto out;          /* nothing on this page */
    if (q->limit > 0 && evfilter && n >= 0) {
        /* Walk events_page in date order and test the filters on its columns, or let
        ** SQLite start from the indexes on source, target and code and sort what they
        ** find: the walk reads about (offset + limit) / share of the index entries, the
        ** other costs a table lookup (20 index entries, say) per matching event. */
        long all = 0;
        if (sq_int(SQ(s)->db, "SELECT CAST(value AS INTEGER) FROM kroniek_meta WHERE key = 'count_events'", &all) != SQLITE_OK) all = 0;
        double walk = n > 0 ? (double)(q->offset + q->limit) * (double)all / (double)n : (double)all;
        if (walk > (double)all) walk = (double)all;
        if (walk < 20.0 * (double)n) mode = KR_SQL_NOIDX;
    }
    if (mode) {
        where.len = 0;
        memset(&p, 0, sizeof p);
        if (kr_sql_where(&where, q, mode, 0, &p, SQ_TEXT_FMT, t ? fts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
        kr_buf_add(&where, "", 0);
    }
    kr_query page = *q;               /* the page's offset, after the days skipped below */
    if (q->limit > 0 && q->offset >= 1000 && kr_daily_ok(q)) {
        /* a deep page: count the events per day in daily and start at the day that holds
        ** the page (the order is by day first), so the skipped days are not read */
        long day = 0, before = 0;
        if ((k = sq_skip_days(s, q, &day, &before)) != KR_OK) goto out;
        if (day) {
            page.offset -= before;
            kr_sql_param_int(&p, day);
            kr_buf_addf(&where, " AND e.day %s ?%d", q->desc ? "<=" : ">=", p.n);
            kr_buf_add(&where, "", 0);
        }
    }
    q = &page;
    const char *order = q->desc ? EV_ORDER_DESC : EV_ORDER_ASC;
    if (q->limit > 0) {
        /* a page: find its event ids first (from the index events_page and the article
        ** ids, without reading the events skipped by the offset), then read those */
        kr_buf_addf(&sql, EV_COLS " FROM (SELECT e.id AS pid FROM events e JOIN articles a ON a.aid = e.article"
                    " WHERE 1%s%s", where.p, order);
        limit_clause(&sql, q);
        kr_buf_addf(&sql, ") pg JOIN events e ON e.id = pg.pid JOIN articles a ON a.aid = e.article"
                    " LEFT JOIN codes c ON c.code = e.code%s", order);
    } else {
        kr_buf_addf(&sql, EV_COLS " FROM events e JOIN articles a ON a.aid = e.article LEFT JOIN codes c ON c.code = e.code"
                    " WHERE 1%s%s", where.p, order);
        limit_clause(&sql, q);
    }
    kr_buf_add(&sql, "", 0);
    sqlite3_stmt *st;
    if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        kr_event_row r;
        memset(&r, 0, sizeof r);
        r.id = (long)sqlite3_column_int64(st, 0);
        r.ev.doc = col(st, 1); r.ev.date = col(st, 2); r.ev.sentence = sqlite3_column_int(st, 3);
        r.ev.source = col(st, 4); r.ev.target = col(st, 5); r.ev.code = col(st, 6);
        snprintf(r.ev.root, sizeof r.ev.root, "%s", col(st, 7));
        r.ev.quad = sqlite3_column_int(st, 8); r.ev.goldstein = sqlite3_column_double(st, 9);
        r.ev.location = col(st, 10); r.ev.source_text = col(st, 11); r.ev.target_text = col(st, 12);
        r.ev.verb_text = col(st, 13); r.ev.text = col(st, 14);
        r.title = coln(st, 15); r.lang = col(st, 16); r.label = coln(st, 17);
        r.url = coln(st, 18); r.publisher = coln(st, 19);
        if (fn(ctx, &r)) { rc = SQLITE_DONE; break; }
    }
    if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
    sqlite3_finalize(st);
out:
    kr_buf_free(&where); kr_buf_free(&sql); kr_buf_free(&fts);
    return k;
}

static kr_status sq_search(kr_store *s, const kr_fq *fq, const kr_query *q, const kr_fq *t, kr_search_fn fn, void *ctx, long *total) {
    kr_buf where = {0}, sql = {0}, m = {0}, fts = {0};
    kr_sqlparams p = {0};
    kr_status k = KR_OK;
    kr_fq_fts5(fq, &m);
    kr_sql_param(&p, m.p);
    if (t) kr_fq_fts5(t, &fts);
    if (kr_sql_where(&where, q, 0, 1, &p, SQ_TEXT_FMT, t ? fts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
    kr_buf_add(&where, "", 0);
    if (total) {
        kr_buf_addf(&sql, "SELECT count(*) FROM articles_fts JOIN articles a ON a.aid = articles_fts.rowid"
                          " WHERE articles_fts MATCH ?1%s", where.p);
        sqlite3_stmt *st;
        if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) *total = (long)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW) { k = sq_step_fail(s, rc); goto out; }
        sql.len = 0;
    }
    kr_buf_addf(&sql, "SELECT a.id, a.date, a.lang, a.title, a.text, bm25(articles_fts, 2.0, 1.0) AS r, a.text_sum"
                      " FROM articles_fts JOIN articles a ON a.aid = articles_fts.rowid"
                      " WHERE articles_fts MATCH ?1%s ORDER BY r, a.id", where.p);
    limit_clause(&sql, q);
    kr_buf_add(&sql, "", 0);
    sqlite3_stmt *st;
    if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!sq_text_ok(st, 4, 6)) { k = kr_store_damaged(s, col(st, 0)); rc = SQLITE_DONE; break; }
        const char *text = col(st, 4), *lang = col(st, 2);
        char *snip = kr_fq_snippet(s->fts, fq, text, (size_t)sqlite3_column_bytes(st, 4), kr_fts_lang(lang));
        kr_search_row r = {col(st, 0), col(st, 1), lang, coln(st, 3), snip, sqlite3_column_double(st, 5)};
        int stop = fn(ctx, &r);
        free(snip);
        if (stop) { rc = SQLITE_DONE; break; }
    }
    if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
    sqlite3_finalize(st);
out:
    kr_buf_free(&where); kr_buf_free(&sql); kr_buf_free(&m); kr_buf_free(&fts);
    return k;
}

static kr_status sq_groups(kr_store *s, const kr_query *q, const kr_fq *t, const char *bucket, int by_dyad,
                           kr_tl_group_fn fn, void *ctx) {
    kr_buf where = {0}, sql = {0}, fts = {0};
    kr_sqlparams p = {0};
    kr_status k = KR_OK;
    sqlite3_stmt *st;
    int rc, m0, m1, from = kr_tl_source(q, bucket, by_dyad, &m0, &m1);
    if (from == KR_TL_DAYS || from == KR_TL_DYAD_MONTHS) {
        /* a summary: per day, or per month and dyad */
        int days = from == KR_TL_DAYS;
        if (days) {
            kr_query c;
            memset(&c, 0, sizeof c);
            c.from = q->from; c.to = q->to;
            if (kr_sql_where(&where, &c, 0, 0, &p, NULL, NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
            kr_buf_addf(&sql, "SELECT e.day, '', '', e.n, e.groups, e.g10, e.q1, e.q2, e.q3, e.q4 FROM days e"
                        " WHERE e.day > 0%s ORDER BY e.day", where.p);
        } else {
            if (kr_sql_where_months(&where, q, 0, m0, m1, &p, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
            kr_buf_addf(&sql, "SELECT e.month * 100 + 1, e.source, e.target, e.n, e.groups, e.g10, e.q1, e.q2, e.q3, e.q4"
                        " FROM dyad_months e WHERE e.month > 0%s ORDER BY e.month, e.source, e.target", where.p);
        }
        if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            kr_tl_group g = {"", col(st, 1), col(st, 2), "", (long)sqlite3_column_int64(st, 3), (long)sqlite3_column_int64(st, 5),
                             {0}, sqlite3_column_int(st, 0), (long)sqlite3_column_int64(st, 4)};
            for (int i = 1; i <= 4; i++) g.quad[i] = (long)sqlite3_column_int64(st, 5 + i);
            if (fn(ctx, &g)) { rc = SQLITE_DONE; break; }
        }
        if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
        sqlite3_finalize(st);
        goto out;
    }
    if (from == KR_TL_DAILY) {
        /* from the daily aggregates, in key order so a group's rows are adjacent */
        if (kr_sql_where_daily(&where, q, 0, &p, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
        kr_buf_addf(&sql, "SELECT e.date, e.source, e.target, e.code, e.n, e.g10, e.q1, e.q2, e.q3, e.q4,"
                    " e.g1, e.g2, e.g3, e.g4 FROM daily e WHERE 1%s ORDER BY e.day, e.date, e.source, e.target, e.code",
                    where.p);
        if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
        kr_tl_merge m;
        kr_tl_merge_init(&m, q->quad, fn, ctx);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            kr_agg_sums sm;
            memset(&sm, 0, sizeof sm);
            sm.n = (long)sqlite3_column_int64(st, 4);
            sm.g10 = (long)sqlite3_column_int64(st, 5);
            for (int i = 1; i <= 4; i++) {
                sm.q[i] = (long)sqlite3_column_int64(st, 5 + i);
                sm.g[i] = (long)sqlite3_column_int64(st, 9 + i);
            }
            if (kr_tl_merge_row(&m, col(st, 0), col(st, 1), col(st, 2), col(st, 3), &sm)) { rc = SQLITE_DONE; break; }
        }
        if (rc == SQLITE_DONE) kr_tl_merge_end(&m);
        else { m.stop = 1; kr_tl_merge_end(&m); k = sq_step_fail(s, rc); }
        sqlite3_finalize(st);
        goto out;
    }
    if (t) kr_fq_fts5(t, &fts);
    if (kr_sql_where(&where, q, 0, 0, &p, SQ_TEXT_FMT, t ? fts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
    kr_buf_add(&where, "", 0);
    /* the events themselves, grouped here (a hash is cheaper than SQLite's sort) */
    kr_buf_addf(&sql,
        "SELECT e.date, e.source, e.target, e.code, CAST(round(e.goldstein * 10) AS INTEGER), e.quad"
        " FROM events e JOIN articles a ON a.aid = e.article WHERE 1%s", where.p);
    if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
    kr_tl_hash h;
    kr_tl_hash_init(&h);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        kr_tl_hash_add(&h, col(st, 0), col(st, 1), col(st, 2), col(st, 3), (long)sqlite3_column_int64(st, 4), sqlite3_column_int(st, 5));
    if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
    else kr_tl_hash_emit(&h, fn, ctx);
    kr_tl_hash_free(&h);
    sqlite3_finalize(st);
out:
    kr_buf_free(&where); kr_buf_free(&sql); kr_buf_free(&fts);
    return k;
}

static kr_status sq_actors(kr_store *s, const char *prefix, long limit, kr_actor_fn fn, void *ctx) {
    kr_buf sql = {0};
    kr_sqlparams p = {0};
    kr_buf_add(&sql, "SELECT code, events, mentions FROM actors", 41);
    if (prefix && *prefix) { kr_buf_add(&sql, " WHERE ", 7); kr_sql_prefix(&sql, 0, &p, "code", prefix); }
    kr_buf_addf(&sql, " ORDER BY events DESC, mentions DESC, code");
    if (limit > 0) kr_buf_addf(&sql, " LIMIT %ld", limit);
    kr_buf_add(&sql, "", 0);
    sqlite3_stmt *st;
    kr_status k = sq_query(s, sql.p, &p, &st);
    if (k == KR_OK) {
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            kr_actor_row r = {col(st, 0), (long)sqlite3_column_int64(st, 1), (long)sqlite3_column_int64(st, 2)};
            if (fn(ctx, &r)) { rc = SQLITE_DONE; break; }
        }
        if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
        sqlite3_finalize(st);
    }
    kr_buf_free(&sql);
    return k;
}

static kr_status sq_article(kr_store *s, const char *id, kr_article_fn fn, void *ctx) {
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st = NULL, *ss = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT aid, id, date, lang, title, url, source, text, text_sum FROM articles WHERE id = ?1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "reading an article");
    sqlite3_bind_text(st, 1, id ? id : "", -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) { sqlite3_finalize(st); kr_store_seterr(s, "no article '%.200s'", id ? id : ""); return KR_EOF; }
    if (rc != SQLITE_ROW) { sqlite3_finalize(st); return sq_fail(s, rc, "reading an article"); }
    if (!sq_text_ok(st, 7, 8)) { kr_status k = kr_store_damaged(s, col(st, 1)); sqlite3_finalize(st); return k; }
    int *off = NULL, *len = NULL, n = 0, cap = 0;
    rc = sqlite3_prepare_v2(db, "SELECT off, len FROM sentences WHERE article = ?1 ORDER BY n", -1, &ss, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(ss, 1, sqlite3_column_int64(st, 0));
        while ((rc = sqlite3_step(ss)) == SQLITE_ROW) {
            if (n == cap) { cap = cap ? cap * 2 : 64; off = kr_xrealloc(off, (size_t)cap * sizeof *off); len = kr_xrealloc(len, (size_t)cap * sizeof *len); }
            off[n] = sqlite3_column_int(ss, 0); len[n] = sqlite3_column_int(ss, 1); n++;
        }
    }
    kr_status k = KR_OK;
    if (rc != SQLITE_DONE) k = sq_fail(s, rc, "reading sentences");
    else {
        kr_article_row r = {col(st, 1), col(st, 2), col(st, 3), coln(st, 4), coln(st, 5), coln(st, 6), col(st, 7), n, off, len};
        fn(ctx, &r);
    }
    free(off); free(len);
    sqlite3_finalize(ss); sqlite3_finalize(st);
    return k;
}

static kr_status sq_stats(kr_store *s, kr_stats_row *out) {
    sq_be *b = SQ(s);
    long *dst[4] = {&out->articles, &out->sentences, &out->events, &out->events_daily};
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(b->db, "SELECT key, value FROM kroniek_meta WHERE key LIKE 'count_%'", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "counting");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int i = 0; i < 4; i++) if (!strcmp(col(st, 0), kr_count_keys[i])) *dst[i] = (long)sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_fail(s, rc, "counting");
    if ((rc = sq_int(b->db, "SELECT count(*) FROM actors", &out->actors))) return sq_fail(s, rc, "counting");
    /* min and max from the index articles_date */
    rc = sqlite3_prepare_v2(b->db, "SELECT (SELECT min(date) FROM articles), (SELECT max(date) FROM articles)", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "counting");
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(b->first, sizeof b->first, "%s", col(st, 0));
        snprintf(b->last, sizeof b->last, "%s", col(st, 1));
    }
    sqlite3_finalize(st);
    out->first = b->first; out->last = b->last;
    return KR_OK;
}

/* daily and actors as computed from the rows (migration 2 fills them the same way) */
#define SQ_DAILY_OF_EVENTS \
    "SELECT day, date, source, target, code, lang, count(*), sum(g)," \
    " sum(quad = 1), sum(quad = 2), sum(quad = 3), sum(quad = 4)," \
    " sum(CASE WHEN quad = 1 THEN g ELSE 0 END), sum(CASE WHEN quad = 2 THEN g ELSE 0 END)," \
    " sum(CASE WHEN quad = 3 THEN g ELSE 0 END), sum(CASE WHEN quad = 4 THEN g ELSE 0 END)" \
    " FROM (SELECT e.day, e.date, e.source, e.target, e.code, a.lang, e.quad, CAST(round(e.goldstein * 10) AS INTEGER) AS g" \
    "       FROM events e JOIN articles a ON a.aid = e.article)" \
    " GROUP BY day, date, source, target, code, lang"
#define SQ_GROUPS_OF_DAILY \
    "SELECT day, source, target, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4" \
    " FROM daily GROUP BY day, date, source, target, code"
#define SQ_DAYS_OF_DAILY \
    "SELECT day, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4) FROM (" SQ_GROUPS_OF_DAILY ") GROUP BY day"
#define SQ_MONTHS_OF_DAILY \
    "SELECT day / 100, source, target, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4)" \
    " FROM (" SQ_GROUPS_OF_DAILY ") GROUP BY day / 100, source, target"
#define SQ_ACTORS_OF_EVENTS \
    "SELECT code, sum(ev), sum(mn) FROM (" \
    " SELECT source AS code, count(*) AS ev, 0 AS mn FROM events GROUP BY source UNION ALL" \
    " SELECT target, count(*), 0 FROM events GROUP BY target UNION ALL" \
    " SELECT code, 0, count(*) FROM mentions GROUP BY code) GROUP BY code"

/* Consistency of what ingest wrote: every article has all its sentences, events and
** its index entry; nothing points at a missing article. */
static const char *consistency_sql[][2] = {
    {"SELECT count(*) FROM articles a WHERE nevents <> (SELECT count(*) FROM events e WHERE e.article = a.aid)", "articles whose events are incomplete"},
    {"SELECT count(*) FROM articles a WHERE nsent <> (SELECT count(*) FROM sentences t WHERE t.article = a.aid)", "articles whose sentences are incomplete"},
    {"SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.aid = e.article)", "events without their article"},
    {"SELECT count(*) FROM sentences t WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.aid = t.article)", "sentences without their article"},
    {"SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.aid = m.article)", "mentions without their article"},
    /* the aggregates kept at ingest equal what they aggregate */
    {"SELECT (SELECT count(*) FROM (SELECT * FROM daily EXCEPT " SQ_DAILY_OF_EVENTS "))"
     " + (SELECT count(*) FROM (" SQ_DAILY_OF_EVENTS " EXCEPT SELECT * FROM daily))", "daily counts that differ from the events"},
    {"SELECT (SELECT count(*) FROM (SELECT * FROM days EXCEPT " SQ_DAYS_OF_DAILY "))"
     " + (SELECT count(*) FROM (" SQ_DAYS_OF_DAILY " EXCEPT SELECT * FROM days))", "day totals that differ from the events"},
    {"SELECT (SELECT count(*) FROM (SELECT * FROM dyad_months EXCEPT " SQ_MONTHS_OF_DAILY "))"
     " + (SELECT count(*) FROM (" SQ_MONTHS_OF_DAILY " EXCEPT SELECT * FROM dyad_months))", "dyad month totals that differ from the events"},
    {"SELECT (SELECT count(*) FROM (SELECT * FROM actors EXCEPT " SQ_ACTORS_OF_EVENTS "))"
     " + (SELECT count(*) FROM (" SQ_ACTORS_OF_EVENTS " EXCEPT SELECT * FROM actors))", "actor counts that differ from the events and mentions"},
    {"SELECT ((SELECT CAST(value AS INTEGER) FROM kroniek_meta WHERE key = 'count_articles') IS NOT (SELECT count(*) FROM articles))"
     " + ((SELECT CAST(value AS INTEGER) FROM kroniek_meta WHERE key = 'count_sentences') IS NOT (SELECT count(*) FROM sentences))"
     " + ((SELECT CAST(value AS INTEGER) FROM kroniek_meta WHERE key = 'count_events') IS NOT (SELECT count(*) FROM events))"
     " + ((SELECT CAST(value AS INTEGER) FROM kroniek_meta WHERE key = 'count_events_daily') IS NOT"
     "    (SELECT count(*) FROM (SELECT DISTINCT date, source, target, code FROM events)))", "counters that differ from the rows they count"},
};

static kr_status sq_check(kr_store *s, char *msg, size_t len) {
    sq_be *b = SQ(s);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(b->db, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "checking");
    kr_buf m = {0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *r = col(st, 0);
        if (strcmp(r, "ok")) kr_buf_addf(&m, "integrity: %s\n", r);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { kr_buf_free(&m); return sq_fail(s, rc, "checking"); }
    for (size_t i = 0; i < sizeof consistency_sql / sizeof *consistency_sql; i++) {
        long n;
        if ((rc = sq_int(b->db, consistency_sql[i][0], &n))) { kr_buf_free(&m); return sq_fail(s, rc, "checking"); }
        if (n) kr_buf_addf(&m, "consistency: %ld %s\n", n, consistency_sql[i][1]);
    }
    long na, nf;
    if ((rc = sq_int(b->db, "SELECT count(*) FROM articles", &na)) || (rc = sq_int(b->db, "SELECT count(*) FROM articles_fts_docsize", &nf))) {
        kr_buf_free(&m); return sq_fail(s, rc, "checking");
    }
    if (na != nf) kr_buf_addf(&m, "consistency: %ld articles but %ld in the full-text index\n", na, nf);
    /* issue 15: a text that changed after it was stored (its checksum no longer matches) */
    rc = sqlite3_prepare_v2(b->db, "SELECT id FROM articles WHERE text_sum IS NOT kroniek_text_sum(text) ORDER BY aid", -1, &st, NULL);
    if (rc != SQLITE_OK) { kr_buf_free(&m); return sq_fail(s, rc, "checking"); }
    long nbad = 0;
    kr_buf ids = {0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (nbad < 20) kr_buf_addf(&ids, "%s'%.200s'", nbad ? ", " : "", col(st, 0));
        nbad++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { kr_buf_free(&ids); kr_buf_free(&m); return sq_fail(s, rc, "checking"); }
    if (nbad) {
        kr_buf_add(&ids, "", 0);
        kr_buf_addf(&m, "damaged text: %ld article%s whose stored text no longer matches its checksum (changed after ingest): %s%s\n",
                    nbad, nbad == 1 ? "" : "s", ids.p, nbad > 20 ? ", ..." : "");
    }
    kr_buf_free(&ids);
    if (!s->readonly) {
        rc = sq_exec(s, "INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')");
        if (rc != SQLITE_OK) kr_buf_addf(&m, "full-text index: %s\n", sqlite3_errmsg(b->db));
    }
    kr_status k = KR_OK;
    if (m.len) {
        kr_buf_add(&m, "", 0);
        snprintf(msg, len, "%s", m.p);
        kr_store_seterr(s, "%s: the archive failed its check", s->name);
        k = KR_ERR_DB;
    } else if (s->readonly) snprintf(msg, len, "ok (read-only: the full-text index was checked against the articles, not its inner structure)");
    else snprintf(msg, len, "ok");
    kr_buf_free(&m);
    return k;
}

static int sq_empty(kr_store *s) {
    long n;
    int rc = sq_int(SQ(s)->db, "SELECT EXISTS (SELECT 1 FROM articles)", &n);
    if (rc != SQLITE_OK) { sq_fail(s, rc, "reading"); return -1; }
    return n == 0;
}

static kr_store *sq_open(const char *path, int create, int readonly, char *err, size_t errlen);

/* every --db value that no other backend claims: a file */
const kr_store_ops kr_store_sqlite_ops = {
    .name = "sqlite", .schemes = NULL, .open = sq_open, .close = sq_close,
    .begin = sq_begin, .commit = sq_commit, .rollback = sq_rollback, .seen = sq_seen, .put = sq_put,
    .events = sq_events, .search = sq_search, .groups = sq_groups, .actors = sq_actors, .article = sq_article,
    .stats = sq_stats, .check = sq_check, .empty = sq_empty, .budget = sq_budget, .release = sq_release,
};

/* Bring the schema to SQ_VERSION, one migration per transaction. */
static kr_status sq_migrate(kr_store *s, int from) {
    sq_be *mb = s->be;
    for (int v = from; v < SQ_VERSION; v++) {
        int rc = sq_exec(s, "BEGIN IMMEDIATE");
        /* another process may have migrated between our version read and the lock:
        ** read the version again inside the transaction (case writers-new) */
        if (rc == SQLITE_OK) {
            sqlite3_stmt *st = NULL; int now = -1;
            if (sqlite3_prepare_v2(mb->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) now = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
            if (now > v) { rc = sq_exec(s, "COMMIT"); if (rc == SQLITE_OK) { v = now - 1; continue; } }
        }
        if (rc == SQLITE_OK) rc = sq_exec(s, sq_migrations[v]);
        if (rc == SQLITE_OK) {
            char set[256];
            snprintf(set, sizeof set, "PRAGMA application_id = %d; PRAGMA user_version = %d;"
                     "INSERT OR REPLACE INTO kroniek_meta VALUES('schema_version', '%d')", KR_APP_ID, v + 1, v + 1);
            rc = sq_exec(s, set);
        }
        if (rc == SQLITE_OK) rc = sq_exec(s, "COMMIT");
        if (rc != SQLITE_OK) {
            kr_status k = sq_fail(s, rc, "creating the archive");
            sq_exec(s, "ROLLBACK");
            return k;
        }
    }
    s->version = SQ_VERSION;
    return KR_OK;
}

/* The directory of path (".", "/" or the part before the last slash). */
static void sq_dirname(const char *path, char *dir, size_t n) {
    const char *sl = strrchr(path, '/');
    if (!sl) snprintf(dir, n, ".");
    else if (sl == path) snprintf(dir, n, "/");
    else snprintf(dir, n, "%.*s", (int)(sl - path), path);
}

/* 0 if this process may write the file or directory (effective ids; root too is refused
** on a read-only mount or an immutable file), else errno */
static int sq_cannot_write(const char *f) {
    return faccessat(AT_FDCWD, f, W_OK, AT_EACCESS) == 0 ? 0 : (errno ? errno : EACCES);
}

/* issue 15: why an existing archive cannot be written (into why), or 0 if it can.  An
** archive needs its file and, for the write-ahead log, its directory. */
static int sq_unwritable(const char *path, char *why, size_t n) {
    char dir[4096];
    int e;
    if ((e = sq_cannot_write(path))) { snprintf(why, n, "the file cannot be written: %s", strerror(e)); return 1; }
    sq_dirname(path, dir, sizeof dir);
    if ((e = sq_cannot_write(dir))) { snprintf(why, n, "its directory %.300s cannot be written: %s", dir, strerror(e)); return 1; }
    return 0;
}

/* "file:PATH?immutable=1" for sqlite3_open_v2 with SQLITE_OPEN_URI: the archive is read
** as a file nobody changes, without -wal or -shm files (for a read-only directory) */
static void sq_immutable_uri(const char *path, kr_buf *u) {
    kr_buf_add(u, "file:", 5);
    if (path[0] == '/') while (path[1] == '/') path++;    /* "//x" would name a host */
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p == 0x7f) kr_buf_addf(u, "%%%02X", *p);
        else kr_buf_add(u, (const char *)p, 1);
    }
    kr_buf_add(u, "?immutable=1", 13);     /* with the NUL */
}

/* Open the SQLite file for reading.  A WAL archive needs a -shm file beside it: in a
** directory that cannot be written, and with no -wal file left (a cleanly closed
** archive has none), the archive is opened immutable instead.  Returns an SQLite code;
** on failure err says why. */
static int sq_open_read(kr_store *s, const char *path, char *err, size_t errlen) {
    sq_be *b = s->be;
    char wal[4200], dir[4096];
    snprintf(wal, sizeof wal, "%s-wal", path);
    struct stat ws;
    int has_wal = stat(wal, &ws) == 0 && ws.st_size > 0;
    sq_dirname(path, dir, sizeof dir);
    int dir_ro = sq_cannot_write(dir) != 0;
    char shm[4200];
    snprintf(shm, sizeof shm, "%s-shm", path);
    int has_shm = stat(shm, &ws) == 0;      /* a writer (of another user) may be at work */
    int rc = SQLITE_CANTOPEN;
    long n;
    if (!dir_ro || has_wal || has_shm) {
        rc = sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc == SQLITE_OK) rc = sq_int(b->db, "SELECT count(*) FROM sqlite_master", &n);
        if (rc == SQLITE_OK) return rc;
        int basic = rc & 0xff;
        if (has_wal || (basic != SQLITE_CANTOPEN && basic != SQLITE_READONLY)) {
            sq_fail(s, rc, "opening");
            if (has_wal && dir_ro)
                snprintf(err, errlen, "%s: cannot read the archive: its directory %s cannot be written and it has an unfinished write-ahead log (%s), which needs a -shm file there; open it once where it can be written (kroniek ingest --db %s --stats), or copy %s and %s to a writable directory",
                         path, dir, wal, path, path, wal);
            else snprintf(err, errlen, "%s", s->err);
            return rc;
        }
        sqlite3_close(b->db); b->db = NULL;
    }
    kr_buf u = {0};
    sq_immutable_uri(path, &u);
    rc = sqlite3_open_v2(u.p, &b->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
    kr_buf_free(&u);
    if (rc == SQLITE_OK) rc = sq_int(b->db, "SELECT count(*) FROM sqlite_master", &n);
    if (rc != SQLITE_OK) { sq_fail(s, rc, "opening"); snprintf(err, errlen, "%s", s->err); }
    return rc;
}

static kr_store *sq_open(const char *path, int create, int readonly, char *err, size_t errlen) {
    kr_store *s = calloc(1, sizeof *s);
    sq_be *b = calloc(1, sizeof *b);
    if (!s || !b) { free(s); free(b); snprintf(err, errlen, "out of memory"); return NULL; }
    s->ops = &kr_store_sqlite_ops; s->be = b; s->readonly = readonly;
    snprintf(s->name, sizeof s->name, "%s", path);
    s->fts = kr_fts_new();
    kr_map_init(&b->codes, &b->codes_ar);
    kr_agg_init(&b->agg, sq_round10);
    const char *bt = getenv("KRONIEK_BUSY_TIMEOUT");
    b->busy_ms = bt && *bt ? atoi(bt) : 5000;
    if (b->busy_ms < 0) b->busy_ms = 0;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && S_ISDIR(sb.st_mode)) { snprintf(err, errlen, "%s: is a directory, not an archive", path); goto fail; }
    if (!exists && !create) { snprintf(err, errlen, "%s: no such archive (kroniek ingest --db %s FILES creates it)", path, path); goto fail; }
    int rc;
    if (!exists) {
        char dir[4096];
        sq_dirname(path, dir, sizeof dir);
        int e = sq_cannot_write(dir);
        if (e && e != ENOENT) { snprintf(err, errlen, "%s: cannot create the archive: its directory %s cannot be written (%s)", path, dir, strerror(e)); goto fail; }
    }
    /* issue 15: an archive that cannot be written is opened for reading, whatever was
    ** asked; a writer learns it from kr_store_read_only() and kr_store_begin() */
    if (exists && sq_unwritable(path, s->ro_why, sizeof s->ro_why)) readonly = s->readonly = 1;
    if (readonly) {
        if (sq_open_read(s, path, err, errlen) != SQLITE_OK) goto fail;
    } else {
        rc = sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) { sq_fail(s, rc, "opening"); snprintf(err, errlen, "%s", s->err); goto fail; }
    }
    sqlite3_extended_result_codes(b->db, 0);
    sqlite3_busy_timeout(b->db, b->busy_ms);
    if (!s->fts || sq_register(b->db, s->fts) != SQLITE_OK) { snprintf(err, errlen, "%s: cannot register the full-text tokenizer (SQLite without FTS5?)", path); goto fail; }
    /* look before writing anything: a foreign or corrupt file is left as it is */
    long appid = 0, uver = 0, ntab = 0;
    if ((rc = sq_int(b->db, "SELECT count(*) FROM sqlite_master", &ntab)) ||
        (rc = sq_int(b->db, "PRAGMA application_id", &appid)) ||
        (rc = sq_int(b->db, "PRAGMA user_version", &uver))) {
        sq_fail(s, rc, "opening"); snprintf(err, errlen, "%s", s->err); goto fail;
    }
    if (ntab > 0 && appid != KR_APP_ID) {
        snprintf(err, errlen, "%s: not a kroniek archive (an SQLite database of another program); it was not changed", path);
        goto fail;
    }
    if (uver > SQ_VERSION) {
        snprintf(err, errlen, "%s: archive schema version %ld is newer than this kroniek understands (%d); use a newer kroniek", path, uver, SQ_VERSION);
        goto fail;
    }
    if (ntab == 0 && !create) { snprintf(err, errlen, "%s: empty archive (kroniek ingest --db %s FILES fills it)", path, path); goto fail; }
    if (!readonly) {
        /* a new archive: 16 KB pages (articles are a few KB; fewer overflow pages and
        ** writes); this must come before the first table */
        if (ntab == 0) sq_exec(s, "PRAGMA page_size = 16384");
        if ((rc = sq_exec(s, "PRAGMA journal_mode = WAL")) || (rc = sq_exec(s, "PRAGMA synchronous = NORMAL"))) {
            sq_fail(s, rc, "opening"); snprintf(err, errlen, "%s", s->err); goto fail;
        }
    }
    sq_exec(s, "PRAGMA cache_size = -32000");
    s->version = (int)uver;
    if (uver < SQ_VERSION) {
        if (readonly && s->ro_why[0]) { snprintf(err, errlen, "%s: archive schema version %ld is older than this kroniek (%d), and the archive is read-only (%s), so it cannot be upgraded here; upgrade a writable copy with kroniek ingest --db COPY --stats", path, uver, SQ_VERSION, s->ro_why); goto fail; }
        if (readonly) { snprintf(err, errlen, "%s: archive schema version %ld is older than this kroniek (%d); run kroniek ingest on it once to upgrade", path, uver, SQ_VERSION); goto fail; }
        if (sq_migrate(s, (int)uver) != KR_OK) { snprintf(err, errlen, "%s", s->err); goto fail; }
    }
    return s;
fail:
    kr_store_close(s);
    return NULL;
}
