/*
** store_pg.c -- the PostgreSQL backend of the archive (libpq), for archives shared by
** many users: the same tables as the SQLite backend, the same queries, the same
** results.
**
** Full text: the tokens of kr_fts_tokenize() (folded and stemmed here, in C) are
** written as a tsvector literal with their positions (title first, then the body two
** positions on, so a phrase never spans them), and queries are rendered by
** kr_fq_tsquery() as a tsquery literal; PostgreSQL's own parsers and dictionaries are
** not used, so matching is exactly that of the SQLite FTS5 index.  Ranking is
** ts_rank() (SQLite uses BM25), so the order of results may differ, the set does not.
**
** Ingest: a batch is one transaction holding an advisory lock (concurrent ingests take
** turns per batch); rows are buffered and sent with COPY at commit, or earlier when
** the buffers pass 32 MB; the batch's aggregates (store.h: daily, days, dyad_months,
** actors, counters) are written at commit through temporary tables, in SQL.  Article
** ids come from a sequence, event ids from bigserial.
** Schema versions live in kroniek_meta; migrations run under an advisory lock.
*/
#define KR_STORE_INTERNAL
#include "store.h"
#include <libpq-fe.h>
#include <stdio.h>
#include <stdarg.h>
#include <math.h>

#define PG_VERSION 3
#define PG_LOCK_SCHEMA 0x6B726F6E00000001LL
#define PG_LOCK_INGEST 0x6B726F6E00000002LL
#define PG_FLUSH_BYTES (32u << 20)
#define PG_MAXPOS 16383            /* tsvector limits */
#define PG_MAXNPOS 256
#define PG_MAXLEX (900u << 10)

static const char *pg_migrations[PG_VERSION] = {
    /* 0 -> 1: the first schema */
    "CREATE TABLE kroniek_meta(key text PRIMARY KEY, value text NOT NULL);"
    "CREATE SEQUENCE articles_aid_seq;"
    "CREATE TABLE articles("
    "  aid bigint PRIMARY KEY, id text COLLATE \"C\" NOT NULL UNIQUE, date text NOT NULL, day integer NOT NULL,"
    "  lang text NOT NULL, title text, url text, source text, text text NOT NULL,"
    "  text_hash text NOT NULL UNIQUE, nsent integer NOT NULL, nevents integer NOT NULL,"
    "  added timestamptz NOT NULL DEFAULT now(), fts tsvector NOT NULL);"
    "CREATE INDEX articles_day ON articles(day);"
    "CREATE INDEX articles_fts ON articles USING gin(fts);"
    "CREATE TABLE sentences(article bigint NOT NULL, n integer NOT NULL, off integer NOT NULL,"
    "  len integer NOT NULL, PRIMARY KEY(article, n));"
    "CREATE TABLE mentions(article bigint NOT NULL, sentence integer NOT NULL, code text COLLATE \"C\" NOT NULL, text text NOT NULL);"
    "CREATE INDEX mentions_code ON mentions(code);"
    "CREATE TABLE events("
    "  id bigserial PRIMARY KEY, article bigint NOT NULL, sentence integer NOT NULL,"
    "  date text NOT NULL, day integer NOT NULL, source text COLLATE \"C\" NOT NULL, target text COLLATE \"C\" NOT NULL,"
    "  code text COLLATE \"C\" NOT NULL, root text NOT NULL, quad integer NOT NULL, goldstein double precision NOT NULL,"
    "  location text NOT NULL, source_text text NOT NULL, target_text text NOT NULL,"
    "  verb_text text NOT NULL, text text NOT NULL);"
    "CREATE INDEX events_day ON events(day);"
    "CREATE INDEX events_source ON events(source, day);"
    "CREATE INDEX events_target ON events(target, day);"
    "CREATE INDEX events_code ON events(code);"
    "CREATE INDEX events_article ON events(article);"
    "CREATE TABLE codes(code text COLLATE \"C\" PRIMARY KEY, label text, goldstein double precision, quad integer);"
    "INSERT INTO kroniek_meta VALUES('created', now()::text);",
    /* 1 -> 2: aggregates kept at ingest (daily, days, dyad_months, actors, the counts in
    ** kroniek_meta), an index that pages events in date order, first/last dates */
    "CREATE TABLE daily(day integer NOT NULL, date text COLLATE \"C\" NOT NULL, source text COLLATE \"C\" NOT NULL,"
    "  target text COLLATE \"C\" NOT NULL, code text COLLATE \"C\" NOT NULL, lang text COLLATE \"C\" NOT NULL,"
    "  n bigint NOT NULL, g10 bigint NOT NULL, q1 bigint NOT NULL, q2 bigint NOT NULL, q3 bigint NOT NULL, q4 bigint NOT NULL,"
    "  g1 bigint NOT NULL, g2 bigint NOT NULL, g3 bigint NOT NULL, g4 bigint NOT NULL,"
    "  PRIMARY KEY(day, date, source, target, code, lang));"
    "INSERT INTO daily SELECT day, date, source, target, code, lang, count(*), sum(g),"
    "  count(*) FILTER (WHERE quad = 1), count(*) FILTER (WHERE quad = 2), count(*) FILTER (WHERE quad = 3), count(*) FILTER (WHERE quad = 4),"
    "  coalesce(sum(g) FILTER (WHERE quad = 1), 0), coalesce(sum(g) FILTER (WHERE quad = 2), 0),"
    "  coalesce(sum(g) FILTER (WHERE quad = 3), 0), coalesce(sum(g) FILTER (WHERE quad = 4), 0)"
    "  FROM (SELECT e.day, e.date, e.source, e.target, e.code, a.lang, e.quad, round(e.goldstein * 10)::bigint AS g"
    "        FROM events e JOIN articles a ON a.aid = e.article) x"
    "  GROUP BY day, date, source, target, code, lang;"
    "CREATE TABLE days(day integer PRIMARY KEY, n bigint NOT NULL, groups bigint NOT NULL, g10 bigint NOT NULL,"
    "  q1 bigint NOT NULL, q2 bigint NOT NULL, q3 bigint NOT NULL, q4 bigint NOT NULL);"
    "INSERT INTO days SELECT day, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4) FROM ("
    "  SELECT day, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4"
    "  FROM daily GROUP BY day, date, source, target, code) x GROUP BY day;"
    "CREATE TABLE dyad_months(month integer NOT NULL, source text COLLATE \"C\" NOT NULL, target text COLLATE \"C\" NOT NULL,"
    "  n bigint NOT NULL, groups bigint NOT NULL, g10 bigint NOT NULL,"
    "  q1 bigint NOT NULL, q2 bigint NOT NULL, q3 bigint NOT NULL, q4 bigint NOT NULL, PRIMARY KEY(month, source, target));"
    "INSERT INTO dyad_months SELECT day / 100, source, target, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4) FROM ("
    "  SELECT day, source, target, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4"
    "  FROM daily GROUP BY day, date, source, target, code) x GROUP BY day / 100, source, target;"
    "CREATE TABLE actors(code text COLLATE \"C\" PRIMARY KEY, events bigint NOT NULL, mentions bigint NOT NULL);"
    "INSERT INTO actors SELECT code, sum(ev), sum(mn) FROM ("
    "  SELECT source AS code, count(*) AS ev, 0 AS mn FROM events GROUP BY source UNION ALL"
    "  SELECT target, count(*), 0 FROM events GROUP BY target UNION ALL"
    "  SELECT code, 0, count(*) FROM mentions GROUP BY code) x GROUP BY code;"
    "INSERT INTO kroniek_meta SELECT 'count_articles', count(*)::text FROM articles ON CONFLICT (key) DO UPDATE SET value = excluded.value;"
    "INSERT INTO kroniek_meta SELECT 'count_sentences', count(*)::text FROM sentences ON CONFLICT (key) DO UPDATE SET value = excluded.value;"
    "INSERT INTO kroniek_meta SELECT 'count_events', count(*)::text FROM events ON CONFLICT (key) DO UPDATE SET value = excluded.value;"
    "INSERT INTO kroniek_meta SELECT 'count_events_daily', count(*)::text FROM (SELECT DISTINCT day, date, source, target, code FROM daily) x"
    "  ON CONFLICT (key) DO UPDATE SET value = excluded.value;"
    "CREATE INDEX events_page ON events(day, source, target, code, quad, article, sentence);"
    "DROP INDEX events_day;"
    "CREATE INDEX articles_date ON articles(date);",
    /* 2 -> 3 (issue 15): a checksum of the text as stored (text_hash is of the text as
    ** given), set by the server when a row is inserted, so `ingest --check` finds a
    ** text changed later; filled here for the stored rows */
    "ALTER TABLE articles ADD COLUMN text_sum text;"
    "UPDATE articles SET text_sum = md5(text);"
    "CREATE OR REPLACE FUNCTION kroniek_text_sum() RETURNS trigger LANGUAGE plpgsql AS"
    "  $$BEGIN NEW.text_sum := md5(NEW.text); RETURN NEW; END$$;"
    "CREATE TRIGGER articles_text_sum BEFORE INSERT ON articles FOR EACH ROW EXECUTE PROCEDURE kroniek_text_sum();"
};

enum { B_ART, B_SENT, B_MENT, B_EV, B_NBUF };
static const char *pg_copy_sql[B_NBUF] = {
    "COPY articles(aid, id, date, day, lang, title, url, source, text, text_hash, nsent, nevents, fts) FROM STDIN",
    "COPY sentences(article, n, off, len) FROM STDIN",
    "COPY mentions(article, sentence, code, text) FROM STDIN",
    ("COPY events(article, sentence, date, day, source, target, code, root, quad, goldstein, location,"
     " source_text, target_text, verb_text, text) FROM STDIN"),
};

typedef struct {
    PGconn *conn;
    int in_tx;
    long timeout_ms;             /* statement_timeout set by pg_budget (0: the default) */
    kr_buf buf[B_NBUF];          /* COPY text rows not yet sent */
    kr_buf codes;                /* INSERT of new codes, not yet sent */
    kr_map pend; kr_arena pend_ar;   /* ids and hashes of the unsent articles */
    kr_map codes_seen; kr_arena codes_ar;
    long long aid[256]; int naid, aid_used;   /* ids reserved from the sequence */
    char first[16], last[16];
    /* tsvector building */
    kr_map lex; kr_arena lex_ar;
    struct pg_lex { const char *s; int len, npos; uint16_t pos[PG_MAXNPOS]; } *lx; uint32_t nlx, lxcap;
    size_t lexbytes;
    int pos, pos_base;
    kr_agg agg;                  /* the batch's aggregates, written at commit */
} pg_be;

#define PG(s) ((pg_be *)(s)->be)

static void trim(char *m) { size_t n = strlen(m); while (n && (m[n - 1] == '\n' || m[n - 1] == ' ')) m[--n] = 0; }

static kr_status pg_fail(kr_store *s, const char *what, const PGresult *r) {
    char m[800];
    snprintf(m, sizeof m, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(PG(s)->conn));
    if (!m[0]) snprintf(m, sizeof m, "%s", PQerrorMessage(PG(s)->conn));
    trim(m);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (state && !strcmp(state, "57014")) {      /* query_canceled: statement_timeout */
        kr_store_seterr(s, "%s: query interrupted (time budget of %ld ms spent)", s->name, s->budget_ms);
        return KR_ERR_LIMIT;
    }
    if (state && !strcmp(state, "53100"))
        kr_store_seterr(s, "%s: the server's disk is full (%s); the current batch was rolled back, everything committed before it is kept", s->name, m);
    else if (state && (!strcmp(state, "55P03") || !strcmp(state, "40P01")))
        kr_store_seterr(s, "%s: the archive is locked by another session (%s)", s->name, m);
    else if (PQstatus(PG(s)->conn) != CONNECTION_OK)
        kr_store_seterr(s, "%s: lost the connection to the server while %s (%s)", s->name, what, m);
    else kr_store_seterr(s, "%s: %s: %s", s->name, what, m);
    return KR_ERR_DB;
}

/* run a command; KR_OK if it succeeded */
static kr_status pg_cmd(kr_store *s, const char *sql, const char *what) {
    PGresult *r = PQexec(PG(s)->conn, sql);
    ExecStatusType t = PQresultStatus(r);
    kr_status k = (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK) ? KR_OK : pg_fail(s, what, r);
    PQclear(r);
    return k;
}

static PGresult *pg_params(kr_store *s, const char *sql, const kr_sqlparams *p) {
    return PQexecParams(PG(s)->conn, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0);
}

static kr_status pg_long(kr_store *s, const char *sql, const kr_sqlparams *p, long *out) {
    PGresult *r = pg_params(s, sql, p);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) { kr_status k = pg_fail(s, "reading", r); PQclear(r); return k; }
    *out = PQntuples(r) && !PQgetisnull(r, 0, 0) ? atol(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return KR_OK;
}

/* ---- COPY text format ---- */

static void copy_str(kr_buf *b, const char *s, size_t n) {
    if (!s) { kr_buf_add(b, "\\N", 2); return; }
    size_t i = 0, run = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (i < n) {
        /* invalid UTF-8 (possible in ids made from file names) would fail the whole COPY */
        int l = p[i] < 0x80 ? 1 : 0;
        if (!l) {
            l = p[i] >= 0xC2 && p[i] < 0xE0 ? 2 : p[i] >= 0xE0 && p[i] < 0xF0 ? 3 : p[i] >= 0xF0 && p[i] < 0xF5 ? 4 : 0;
            if (l && (i + (size_t)l > n || !kr_utf8_valid(s + i, (size_t)l))) l = 0;
        }
        char c = s[i];
        if (l == 1 && c != '\\' && c != '\t' && c != '\n' && c != '\r' && c) { i++; run++; continue; }
        if (l > 1) { i += (size_t)l; run += (size_t)l; continue; }
        kr_buf_add(b, s + i - run, run); run = 0;
        if (!l) kr_buf_addc(b, '?');
        else if (c == '\\') kr_buf_add(b, "\\\\", 2);
        else if (c == '\t') kr_buf_add(b, "\\t", 2);
        else if (c == '\n') kr_buf_add(b, "\\n", 2);
        else if (c == '\r') kr_buf_add(b, "\\r", 2);
        else kr_buf_addc(b, ' ');
        i++;
    }
    kr_buf_add(b, s + i - run, run);
}
static void copy_s(kr_buf *b, const char *s) { copy_str(b, s, s ? strlen(s) : 0); }
static void copy_tab(kr_buf *b) { kr_buf_addc(b, '\t'); }

/* ---- tsvector ---- */

static int lex_tok(void *ctx, const char *term, int len, int start, int end, int coloc) {
    pg_be *b = ctx;
    (void)start; (void)end;
    if (!coloc) b->pos++;
    int pos = b->pos_base + b->pos;
    if (pos > PG_MAXPOS) return 0;
    uint32_t i = kr_map_get(&b->lex, term, (size_t)len);
    if (!i) {
        if (b->lexbytes + (size_t)len > PG_MAXLEX) return 0;
        if (b->nlx == b->lxcap) { b->lxcap = b->lxcap ? b->lxcap * 2 : 256; b->lx = kr_xrealloc(b->lx, b->lxcap * sizeof *b->lx); }
        struct pg_lex *x = &b->lx[b->nlx];
        x->s = kr_strndup(&b->lex_ar, term, (size_t)len); x->len = len; x->npos = 0;
        kr_map_put(&b->lex, term, (size_t)len, ++b->nlx);
        b->lexbytes += (size_t)len;
        i = b->nlx;
    }
    struct pg_lex *x = &b->lx[i - 1];
    if (x->npos < PG_MAXNPOS && (!x->npos || x->pos[x->npos - 1] != pos)) x->pos[x->npos++] = (uint16_t)pos;
    return 0;
}

/* the tsvector literal of an analysed article, escaped for COPY, appended to out */
static void tsvector(kr_store *s, kr_buf *out, const kr_store_prep *pr) {
    pg_be *b = PG(s);
    kr_map_free(&b->lex); kr_arena_reset(&b->lex_ar);
    kr_map_init(&b->lex, &b->lex_ar);
    b->nlx = 0; b->lexbytes = 0; b->pos = 0; b->pos_base = 0;
    kr_fts_replay(pr->t[0].p + 1, pr->t[0].len - 1, lex_tok, b);
    b->pos_base = b->pos + 1;          /* a gap: no phrase across title and body */
    b->pos = 0;
    kr_fts_replay(pr->t[1].p + 1, pr->t[1].len - 1, lex_tok, b);
    for (uint32_t i = 0; i < b->nlx; i++) {
        struct pg_lex *x = &b->lx[i];
        if (i) kr_buf_addc(out, ' ');
        kr_buf_addc(out, '\'');
        for (int k = 0; k < x->len; k++) {
            char c = x->s[k];
            if (c == '\'') kr_buf_add(out, "''", 2);
            else if (c == '\\') kr_buf_add(out, "\\\\\\\\", 4);   /* tsvector escape, then COPY escape */
            else kr_buf_addc(out, c);
        }
        kr_buf_addc(out, '\'');
        for (int k = 0; k < x->npos; k++) kr_buf_addf(out, "%c%d", k ? ',' : ':', x->pos[k]);
    }
}

/* ---- ingest ---- */

static void pg_reset_batch(pg_be *b) {
    kr_agg_reset(&b->agg);
    for (int i = 0; i < B_NBUF; i++) b->buf[i].len = 0;
    b->codes.len = 0;
    kr_map_free(&b->pend); kr_arena_reset(&b->pend_ar);
    kr_map_init(&b->pend, &b->pend_ar);
}

static kr_status pg_begin(kr_store *s) {
    pg_be *b = PG(s);
    if (b->in_tx) { kr_store_seterr(s, "%s: a batch is already open", s->name); return KR_ERR_ARG; }
    char sql[128];
    snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%lld)", PG_LOCK_INGEST);
    kr_status k = pg_cmd(s, sql, "starting a batch");
    if (k != KR_OK) { pg_cmd(s, "ROLLBACK", "rolling back"); return k; }
    b->in_tx = 1;
    pg_reset_batch(b);
    return KR_OK;
}

/* COPY the text rows in buf with the COPY command sql */
static kr_status pg_copy(kr_store *s, const char *sql, const kr_buf *buf) {
    pg_be *b = PG(s);
    PGresult *r = PQexec(b->conn, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) { kr_status k = pg_fail(s, "storing", r); PQclear(r); return k; }
    PQclear(r);
    if (PQputCopyData(b->conn, buf->p, (int)buf->len) != 1 || PQputCopyEnd(b->conn, NULL) != 1)
        return pg_fail(s, "storing", NULL);
    kr_status k = KR_OK;
    while ((r = PQgetResult(b->conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && k == KR_OK) k = pg_fail(s, "storing", r);
        PQclear(r);
    }
    return k;
}

/* send the buffered rows (inside the open transaction) */
static kr_status pg_flush(kr_store *s) {
    pg_be *b = PG(s);
    for (int i = 0; i < B_NBUF; i++) {
        if (!b->buf[i].len) continue;
        kr_status k = pg_copy(s, pg_copy_sql[i], &b->buf[i]);
        if (k != KR_OK) return k;
        b->buf[i].len = 0;
    }
    if (b->codes.len) {
        kr_buf sql = {0};
        kr_buf_addf(&sql, "INSERT INTO codes(code, label, goldstein, quad) VALUES %s ON CONFLICT DO NOTHING", b->codes.p);
        kr_status k = pg_cmd(s, sql.p, "storing codes");
        kr_buf_free(&sql);
        if (k != KR_OK) return k;
        b->codes.len = 0;
    }
    kr_map_free(&b->pend); kr_arena_reset(&b->pend_ar);
    kr_map_init(&b->pend, &b->pend_ar);
    return KR_OK;
}

/* PostgreSQL's round() of the Goldstein tenths (rint: half to even) */
static long long pg_round10(double g) { return (long long)rint(g * 10); }

/* Write the batch's aggregates (inside its transaction, after its rows): the daily rows
** go to a temporary table, and from there into daily, days, dyad_months and the counts;
** a group is new if daily had no row of it before this batch. */
static kr_status pg_flush_agg(kr_store *s) {
    pg_be *b = PG(s);
    kr_agg *g = &b->agg;
    if (!g->articles) return KR_OK;
    kr_status k = pg_cmd(s,
        "CREATE TEMP TABLE IF NOT EXISTS kr_b_daily(day integer, date text COLLATE \"C\", source text COLLATE \"C\","
        " target text COLLATE \"C\", code text COLLATE \"C\", lang text COLLATE \"C\", n bigint, g10 bigint,"
        " q1 bigint, q2 bigint, q3 bigint, q4 bigint, g1 bigint, g2 bigint, g3 bigint, g4 bigint) ON COMMIT DELETE ROWS;"
        "CREATE TEMP TABLE IF NOT EXISTS kr_b_new(day integer, date text COLLATE \"C\", source text COLLATE \"C\","
        " target text COLLATE \"C\", code text COLLATE \"C\") ON COMMIT DELETE ROWS;"
        "CREATE TEMP TABLE IF NOT EXISTS kr_b_actors(code text COLLATE \"C\", events bigint, mentions bigint) ON COMMIT DELETE ROWS",
        "storing daily counts");
    if (k != KR_OK) return k;
    kr_buf o = {0};
    for (uint32_t i = 0; i < g->nd; i++) {
        const kr_agg_day *d = &g->d[i];
        kr_buf_addf(&o, "%d\t", d->day);
        copy_s(&o, d->date); copy_tab(&o); copy_s(&o, d->source); copy_tab(&o); copy_s(&o, d->target); copy_tab(&o);
        copy_s(&o, d->code); copy_tab(&o); copy_s(&o, d->lang);
        kr_buf_addf(&o, "\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\n", d->s.n, d->s.g10,
                    d->s.q[1], d->s.q[2], d->s.q[3], d->s.q[4], d->s.g[1], d->s.g[2], d->s.g[3], d->s.g[4]);
    }
    if (o.len) k = pg_copy(s, "COPY kr_b_daily FROM STDIN", &o);
    o.len = 0;
    for (uint32_t i = 0; k == KR_OK && i < g->na; i++) {
        copy_s(&o, g->a[i].code);
        kr_buf_addf(&o, "\t%ld\t%ld\n", g->a[i].events, g->a[i].mentions);
    }
    if (k == KR_OK && o.len) k = pg_copy(s, "COPY kr_b_actors FROM STDIN", &o);
    if (k == KR_OK) {
        o.len = 0;
        static const char *upd =
            "INSERT INTO kr_b_new SELECT DISTINCT b.day, b.date, b.source, b.target, b.code FROM kr_b_daily b"
            " WHERE NOT EXISTS (SELECT 1 FROM daily d WHERE d.day = b.day AND d.date = b.date AND d.source = b.source"
            "  AND d.target = b.target AND d.code = b.code);"
            "INSERT INTO daily SELECT * FROM kr_b_daily ON CONFLICT (day, date, source, target, code, lang) DO UPDATE SET"
            " n = daily.n + excluded.n, g10 = daily.g10 + excluded.g10, q1 = daily.q1 + excluded.q1, q2 = daily.q2 + excluded.q2,"
            " q3 = daily.q3 + excluded.q3, q4 = daily.q4 + excluded.q4, g1 = daily.g1 + excluded.g1, g2 = daily.g2 + excluded.g2,"
            " g3 = daily.g3 + excluded.g3, g4 = daily.g4 + excluded.g4;"
            "INSERT INTO days SELECT x.day, x.n, coalesce(w.c, 0), x.g10, x.q1, x.q2, x.q3, x.q4 FROM"
            " (SELECT day, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4"
            "  FROM kr_b_daily GROUP BY day) x"
            " LEFT JOIN (SELECT day, count(*) AS c FROM kr_b_new GROUP BY day) w ON w.day = x.day"
            " ON CONFLICT (day) DO UPDATE SET n = days.n + excluded.n, groups = days.groups + excluded.groups,"
            " g10 = days.g10 + excluded.g10, q1 = days.q1 + excluded.q1, q2 = days.q2 + excluded.q2,"
            " q3 = days.q3 + excluded.q3, q4 = days.q4 + excluded.q4;"
            "INSERT INTO dyad_months SELECT x.month, x.source, x.target, x.n, coalesce(w.c, 0), x.g10, x.q1, x.q2, x.q3, x.q4 FROM"
            " (SELECT day / 100 AS month, source, target, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2,"
            "  sum(q3) AS q3, sum(q4) AS q4 FROM kr_b_daily GROUP BY day / 100, source, target) x"
            " LEFT JOIN (SELECT day / 100 AS month, source, target, count(*) AS c FROM kr_b_new GROUP BY day / 100, source, target) w"
            "  ON w.month = x.month AND w.source = x.source AND w.target = x.target"
            " ON CONFLICT (month, source, target) DO UPDATE SET n = dyad_months.n + excluded.n,"
            " groups = dyad_months.groups + excluded.groups, g10 = dyad_months.g10 + excluded.g10,"
            " q1 = dyad_months.q1 + excluded.q1, q2 = dyad_months.q2 + excluded.q2, q3 = dyad_months.q3 + excluded.q3,"
            " q4 = dyad_months.q4 + excluded.q4;"
            "INSERT INTO actors SELECT * FROM kr_b_actors ON CONFLICT (code) DO UPDATE SET"
            " events = actors.events + excluded.events, mentions = actors.mentions + excluded.mentions;";
        kr_buf_add(&o, upd, strlen(upd));
        long add[3] = {g->articles, g->sentences, g->events};
        for (int i = 0; i < 3; i++)
            kr_buf_addf(&o, "INSERT INTO kroniek_meta VALUES('%s', '%ld') ON CONFLICT (key) DO UPDATE SET"
                        " value = (kroniek_meta.value::bigint + excluded.value::bigint)::text;", kr_count_keys[i], add[i]);
        kr_buf_addf(&o, "INSERT INTO kroniek_meta SELECT '%s', count(*)::text FROM kr_b_new ON CONFLICT (key) DO UPDATE SET"
                    " value = (kroniek_meta.value::bigint + excluded.value::bigint)::text", kr_count_keys[3]);
        k = pg_cmd(s, o.p, "storing daily counts");
    }
    kr_buf_free(&o);
    return k;
}

static kr_status pg_commit(kr_store *s) {
    pg_be *b = PG(s);
    if (!b->in_tx) return KR_OK;
    kr_status k = pg_flush(s);
    if (k == KR_OK) k = pg_flush_agg(s);
    if (k == KR_OK) k = pg_cmd(s, "COMMIT", "committing");
    else pg_cmd(s, "ROLLBACK", "rolling back");
    b->in_tx = 0;
    pg_reset_batch(b);
    return k;
}

static kr_status pg_rollback(kr_store *s) {
    pg_be *b = PG(s);
    if (!b->in_tx) return KR_OK;
    b->in_tx = 0;
    pg_reset_batch(b);
    return pg_cmd(s, "ROLLBACK", "rolling back");
}

static int pg_seen(kr_store *s, const char *id, const char *hash) {
    pg_be *b = PG(s);
    char key[80];
    if (b->in_tx) {
        snprintf(key, sizeof key, "\x01%s", hash ? hash : "");
        if (kr_map_get(&b->pend, key, strlen(key))) return 1;
        if (id && kr_map_get(&b->pend, id, strlen(id))) return 2;
    }
    kr_sqlparams p = {0};
    kr_sql_param(&p, id ? id : "");
    kr_sql_param(&p, hash ? hash : "");
    /* 1: this text is stored; 2: this id is, with another text */
    PGresult *r = pg_params(s, "SELECT min(CASE WHEN text_hash = $2 THEN 1 ELSE 2 END) FROM articles WHERE id = $1 OR text_hash = $2", &p);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) { pg_fail(s, "looking up an article", r); PQclear(r); return -1; }
    int n = PQntuples(r) && !PQgetisnull(r, 0, 0) ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return n;
}

static void sql_lit(kr_buf *b, const char *s) {
    kr_buf_addc(b, '\'');
    for (; s && *s; s++) { if (*s == '\'') kr_buf_addc(b, '\''); kr_buf_addc(b, *s); }
    kr_buf_addc(b, '\'');
}

static kr_status pg_put(kr_store *s, const kr_article *a, const char *hash, const kr_event *ev, int nev,
                        const kr_store_prep *pr) {
    pg_be *b = PG(s);
    if (!b->in_tx) { kr_store_seterr(s, "%s: kr_store_put outside a batch", s->name); return KR_ERR_ARG; }
    if (b->aid_used == b->naid) {             /* reserve article ids, 256 at a time */
        PGresult *r = PQexec(b->conn, "SELECT nextval('articles_aid_seq') FROM generate_series(1, 256)");
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) { kr_status k = pg_fail(s, "numbering articles", r); PQclear(r); return k; }
        b->naid = PQntuples(r) < 256 ? PQntuples(r) : 256;
        for (int i = 0; i < b->naid; i++) b->aid[i] = atoll(PQgetvalue(r, i, 0));
        b->aid_used = 0;
        PQclear(r);
    }
    long long aid = b->aid[b->aid_used++];
    int day = kr_store_day(a->date);
    kr_buf *o = &b->buf[B_ART];
    kr_buf_addf(o, "%lld\t", aid);
    copy_s(o, a->id); copy_tab(o); copy_s(o, a->date ? a->date : ""); kr_buf_addf(o, "\t%d\t", day);
    copy_s(o, pr->lang); copy_tab(o); copy_s(o, a->title); copy_tab(o); copy_s(o, a->url); copy_tab(o);
    copy_s(o, a->source); copy_tab(o); copy_str(o, pr->text.p, pr->text.len); copy_tab(o); copy_s(o, hash ? hash : "");
    kr_buf_addf(o, "\t%d\t%d\t", pr->nsent, nev);
    tsvector(s, o, pr);
    kr_buf_addc(o, '\n');
    o = &b->buf[B_SENT];
    for (int i = 0; i < pr->nsent; i++) kr_buf_addf(o, "%lld\t%d\t%d\t%d\n", aid, i + 1, pr->soff[i], pr->slen[i]);
    o = &b->buf[B_MENT];
    const char *mp = pr->ment.p;
    for (int i = 0; i < pr->nment; i++) {
        const char *code = mp, *text = code + strlen(code) + 1;
        mp = text + strlen(text) + 1;
        kr_buf_addf(o, "%lld\t%d\t", aid, pr->msent[i]);
        copy_s(o, code); copy_tab(o); copy_s(o, text); kr_buf_addc(o, '\n');
    }
    o = &b->buf[B_EV];
    for (int i = 0; i < nev; i++) {
        const kr_event *e = &ev[i];
        kr_buf_addf(o, "%lld\t%d\t", aid, e->sentence);
        copy_s(o, a->date ? a->date : ""); kr_buf_addf(o, "\t%d\t", day);
        copy_s(o, e->source ? e->source : ""); copy_tab(o); copy_s(o, e->target ? e->target : ""); copy_tab(o);
        copy_s(o, e->code ? e->code : ""); copy_tab(o); copy_s(o, e->root);
        kr_buf_addf(o, "\t%d\t%.17g\t", e->quad, e->goldstein);
        copy_s(o, e->location ? e->location : ""); copy_tab(o); copy_s(o, e->source_text ? e->source_text : ""); copy_tab(o);
        copy_s(o, e->target_text ? e->target_text : ""); copy_tab(o); copy_s(o, e->verb_text ? e->verb_text : ""); copy_tab(o);
        copy_s(o, e->text ? e->text : ""); kr_buf_addc(o, '\n');
        const char *code = e->code ? e->code : "";
        if (!kr_map_get(&b->codes_seen, code, strlen(code))) {
            double g = e->goldstein; int quad = e->quad;
            const char *label = s->dict ? kr_cameo_label(s->dict, code) : NULL;
            if (s->dict) kr_cameo_lookup(s->dict, code, &g, &quad);
            if (b->codes.len) kr_buf_addc(&b->codes, ',');
            kr_buf_addc(&b->codes, '('); sql_lit(&b->codes, code); kr_buf_addc(&b->codes, ',');
            if (label) sql_lit(&b->codes, label); else kr_buf_add(&b->codes, "NULL", 4);
            kr_buf_addf(&b->codes, ",%.17g,%d)", g, quad);
            kr_map_put(&b->codes_seen, code, strlen(code), 1);
        }
    }
    kr_map_put(&b->pend, a->id, strlen(a->id), 1);
    char key[80];
    snprintf(key, sizeof key, "\x01%s", hash ? hash : "");
    kr_map_put(&b->pend, key, strlen(key), 1);
    kr_agg_put(&b->agg, a, pr, ev, nev);
    size_t total = 0;
    for (int i = 0; i < B_NBUF; i++) total += b->buf[i].len;
    if (total > PG_FLUSH_BYTES) return pg_flush(s);
    return KR_OK;
}

/* ---- queries (rows streamed one at a time) ---- */

static const char *PG_TEXT_FMT = "a.fts @@ %s::tsquery";

/* Send a query in single-row mode; then call pg_row() until it returns 0. */
static kr_status pg_send(kr_store *s, const char *sql, const kr_sqlparams *p) {
    pg_be *b = PG(s);
    if (!PQsendQueryParams(b->conn, sql, p->n, NULL, p->v, NULL, NULL, 0)) return pg_fail(s, "querying", NULL);
    PQsetSingleRowMode(b->conn);
    return KR_OK;
}

/* next row: 1 (in *r, PQclear it), 0 at the end, -1 on error (message set) */
static int pg_row(kr_store *s, PGresult **r) {
    pg_be *b = PG(s);
    int ret = 0;
    PGresult *x;
    while ((x = PQgetResult(b->conn))) {
        ExecStatusType t = PQresultStatus(x);
        if (t == PGRES_SINGLE_TUPLE) { *r = x; return 1; }
        if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK && ret == 0) { pg_fail(s, "reading", x); ret = -1; }
        PQclear(x);
    }
    return ret;
}

/* stop reading a result early */
static void pg_drain(kr_store *s) {
    PGconn *c = PG(s)->conn;
    PGcancel *cn = PQgetCancel(c);
    if (cn) { char e[256]; PQcancel(cn, e, sizeof e); PQfreeCancel(cn); }
    PGresult *x;
    while ((x = PQgetResult(c))) PQclear(x);
}

static const char *v(PGresult *r, int i) { return PQgetvalue(r, 0, i); }
static const char *vn(PGresult *r, int i) { return PQgetisnull(r, 0, i) ? NULL : PQgetvalue(r, 0, i); }

static void limit_sql(kr_buf *sql, const kr_query *q) {
    if (q->limit > 0) kr_buf_addf(sql, " LIMIT %ld", q->limit);
    if (q->offset > 0) kr_buf_addf(sql, " OFFSET %ld", q->offset);
}

/* The number of events matching q, from daily. */
static kr_status pg_daily_total(kr_store *s, const kr_query *q, long *total) {
    kr_buf where = {0}, sql = {0};
    kr_sqlparams p = {0};
    if (kr_sql_where_daily(&where, q, 1, &p, s->err, sizeof s->err)) { kr_buf_free(&where); return KR_ERR_ARG; }
    if (q->quad) kr_buf_addf(&sql, "SELECT coalesce(sum(e.q%d), 0) FROM daily e WHERE true%s", q->quad, where.p);
    else kr_buf_addf(&sql, "SELECT coalesce(sum(e.n), 0) FROM daily e WHERE true%s", where.p);
    kr_status k = pg_long(s, sql.p, &p, total);
    kr_buf_free(&where); kr_buf_free(&sql);
    return k;
}

/* For a page at q->offset: the day of its first event (*day, 0 if none) and the number
** of matching events before that day in the order of q (*before). */
static kr_status pg_skip_days(kr_store *s, const kr_query *q, long *day, long *before) {
    kr_buf where = {0}, sql = {0};
    kr_sqlparams p = {0};
    *day = 0; *before = 0;
    if (kr_sql_where_daily(&where, q, 1, &p, s->err, sizeof s->err)) { kr_buf_free(&where); return KR_ERR_ARG; }
    if (q->quad) kr_buf_addf(&sql, "SELECT e.day, sum(e.q%d) FROM daily e WHERE true%s GROUP BY e.day ORDER BY e.day%s",
                             q->quad, where.p, q->desc ? " DESC" : "");
    else kr_buf_addf(&sql, "SELECT e.day, sum(e.n) FROM daily e WHERE true%s GROUP BY e.day ORDER BY e.day%s",
                     where.p, q->desc ? " DESC" : "");
    kr_status k = pg_send(s, sql.p, &p);
    if (k == KR_OK) {
        PGresult *r;
        int got;
        long cum = 0;
        while ((got = pg_row(s, &r)) == 1) {
            long n = atol(v(r, 1));
            if (cum + n > q->offset) { *day = atol(v(r, 0)); *before = cum; PQclear(r); pg_drain(s); got = 0; break; }
            cum += n;
            PQclear(r);
        }
        if (got < 0) k = KR_ERR_DB;
    }
    kr_buf_free(&where); kr_buf_free(&sql);
    return k;
}

#define PG_ORDER_ASC  " ORDER BY e.day, a.id, e.sentence, e.id"
#define PG_ORDER_DESC " ORDER BY e.day DESC, a.id DESC, e.sentence DESC, e.id DESC"
#define PG_EV_COLS "SELECT e.id, a.id, e.date, e.sentence, e.source, e.target, e.code, e.root, e.quad, e.goldstein," \
    " e.location, e.source_text, e.target_text, e.verb_text, e.text, a.title, a.lang, c.label, a.url, a.source"

static kr_status pg_events(kr_store *s, const kr_query *q, const kr_fq *t, kr_event_row_fn fn, void *ctx, long *total) {
    kr_buf where = {0}, sql = {0}, ts = {0};
    kr_sqlparams p = {0};
    kr_status k = KR_OK;
    long n = -1;
    if (t) kr_fq_tsquery(t, &ts);
    if (kr_sql_where(&where, q, 1, 0, &p, PG_TEXT_FMT, t ? ts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
    if (total && kr_daily_ok(q)) {
        if ((k = pg_daily_total(s, q, &n)) != KR_OK) goto out;
    } else if (total) {
        kr_buf_addf(&sql, "SELECT count(*) FROM events e JOIN articles a ON a.aid = e.article WHERE true%s", where.p);
        if ((k = pg_long(s, sql.p, &p, &n)) != KR_OK) goto out;
        sql.len = 0;
    }
    if (total) *total = n;
    if (n >= 0 && q->offset >= n) goto out;          /* nothing on this page */
    kr_query page = *q;
    if (q->limit > 0 && q->offset >= 1000 && kr_daily_ok(q)) {
        long day = 0, before = 0;
        if ((k = pg_skip_days(s, q, &day, &before)) != KR_OK) goto out;
        if (day) {
            page.offset -= before;
            kr_sql_param_int(&p, day);
            kr_buf_addf(&where, " AND e.day %s $%d", q->desc ? "<=" : ">=", p.n);
        }
    }
    q = &page;
    const char *order = q->desc ? PG_ORDER_DESC : PG_ORDER_ASC;
    if (q->limit > 0) {
        /* a page: its event ids first, then those events */
        kr_buf_addf(&sql, PG_EV_COLS " FROM (SELECT e.id AS pid FROM events e JOIN articles a ON a.aid = e.article"
                    " WHERE true%s%s", where.p, order);
        limit_sql(&sql, q);
        kr_buf_addf(&sql, ") pg JOIN events e ON e.id = pg.pid JOIN articles a ON a.aid = e.article"
                    " LEFT JOIN codes c ON c.code = e.code%s", order);
    } else {
        kr_buf_addf(&sql, PG_EV_COLS " FROM events e JOIN articles a ON a.aid = e.article LEFT JOIN codes c ON c.code = e.code"
                    " WHERE true%s%s", where.p, order);
        limit_sql(&sql, q);
    }
    if ((k = pg_send(s, sql.p, &p)) != KR_OK) goto out;
    PGresult *r;
    int got;
    while ((got = pg_row(s, &r)) == 1) {
        kr_event_row row;
        memset(&row, 0, sizeof row);
        row.id = atol(v(r, 0));
        row.ev.doc = v(r, 1); row.ev.date = v(r, 2); row.ev.sentence = atoi(v(r, 3));
        row.ev.source = v(r, 4); row.ev.target = v(r, 5); row.ev.code = v(r, 6);
        snprintf(row.ev.root, sizeof row.ev.root, "%s", v(r, 7));
        row.ev.quad = atoi(v(r, 8)); row.ev.goldstein = atof(v(r, 9));
        row.ev.location = v(r, 10); row.ev.source_text = v(r, 11); row.ev.target_text = v(r, 12);
        row.ev.verb_text = v(r, 13); row.ev.text = v(r, 14);
        row.title = vn(r, 15); row.lang = v(r, 16); row.label = vn(r, 17);
        row.url = vn(r, 18); row.publisher = vn(r, 19);
        int stop = fn(ctx, &row);
        PQclear(r);
        if (stop) { pg_drain(s); got = 0; break; }
    }
    if (got < 0) k = KR_ERR_DB;
out:
    kr_buf_free(&where); kr_buf_free(&sql); kr_buf_free(&ts);
    return k;
}

static kr_status pg_search(kr_store *s, const kr_fq *fq, const kr_query *q, const kr_fq *t, kr_search_fn fn, void *ctx, long *total) {
    kr_buf where = {0}, sql = {0}, m = {0}, ts = {0};
    kr_sqlparams p = {0};
    kr_status k = KR_OK;
    kr_fq_tsquery(fq, &m);
    kr_sql_param(&p, m.p);
    if (t) kr_fq_tsquery(t, &ts);
    if (kr_sql_where(&where, q, 1, 1, &p, PG_TEXT_FMT, t ? ts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
    if (total) {
        kr_buf_addf(&sql, "SELECT count(*) FROM articles a WHERE a.fts @@ $1::tsquery%s", where.p);
        if ((k = pg_long(s, sql.p, &p, total)) != KR_OK) goto out;
        sql.len = 0;
    }
    /* the checksum of each text handed out is verified outside the page, so only the
    ** texts of that page are hashed */
    kr_buf_addf(&sql, "SELECT id, date, lang, title, text, r, text_sum IS NOT DISTINCT FROM md5(text) FROM ("
                      "SELECT a.id, a.date, a.lang, a.title, a.text, a.text_sum, -ts_rank(a.fts, $1::tsquery, 1) AS r"
                      " FROM articles a WHERE a.fts @@ $1::tsquery%s ORDER BY r, a.id", where.p);
    limit_sql(&sql, q);
    kr_buf_addf(&sql, ") x ORDER BY r, id");
    if ((k = pg_send(s, sql.p, &p)) != KR_OK) goto out;
    PGresult *r;
    int got;
    while ((got = pg_row(s, &r)) == 1) {
        if (strcmp(v(r, 6), "t")) { k = kr_store_damaged(s, v(r, 0)); PQclear(r); pg_drain(s); got = 0; break; }
        const char *lang = v(r, 2);
        char *snip = kr_fq_snippet(s->fts, fq, v(r, 4), (size_t)PQgetlength(r, 0, 4), kr_fts_lang(lang));
        kr_search_row row = {v(r, 0), v(r, 1), lang, vn(r, 3), snip, atof(v(r, 5))};
        int stop = fn(ctx, &row);
        free(snip);
        PQclear(r);
        if (stop) { pg_drain(s); got = 0; break; }
    }
    if (got < 0) k = KR_ERR_DB;
out:
    kr_buf_free(&where); kr_buf_free(&sql); kr_buf_free(&m); kr_buf_free(&ts);
    return k;
}

static kr_status pg_groups(kr_store *s, const kr_query *q, const kr_fq *t, const char *bucket, int by_dyad,
                           kr_tl_group_fn fn, void *ctx) {
    kr_buf where = {0}, sql = {0}, ts = {0};
    kr_sqlparams p = {0};
    kr_status k = KR_OK;
    PGresult *r;
    int got, m0, m1, from = kr_tl_source(q, bucket, by_dyad, &m0, &m1);
    if (from == KR_TL_DAYS || from == KR_TL_DYAD_MONTHS) {
        if (from == KR_TL_DAYS) {
            kr_query c;
            memset(&c, 0, sizeof c);
            c.from = q->from; c.to = q->to;
            if (kr_sql_where(&where, &c, 1, 0, &p, NULL, NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
            kr_buf_addf(&sql, "SELECT e.day, '', '', e.n, e.groups, e.g10, e.q1, e.q2, e.q3, e.q4 FROM days e"
                        " WHERE e.day > 0%s ORDER BY e.day", where.p);
        } else {
            if (kr_sql_where_months(&where, q, 1, m0, m1, &p, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
            kr_buf_addf(&sql, "SELECT e.month * 100 + 1, e.source, e.target, e.n, e.groups, e.g10, e.q1, e.q2, e.q3, e.q4"
                        " FROM dyad_months e WHERE e.month > 0%s ORDER BY e.month, e.source, e.target", where.p);
        }
        if ((k = pg_send(s, sql.p, &p)) != KR_OK) goto out;
        while ((got = pg_row(s, &r)) == 1) {
            kr_tl_group g = {"", v(r, 1), v(r, 2), "", atol(v(r, 3)), atol(v(r, 5)), {0}, atoi(v(r, 0)), atol(v(r, 4))};
            for (int i = 1; i <= 4; i++) g.quad[i] = atol(v(r, 5 + i));
            int stop = fn(ctx, &g);
            PQclear(r);
            if (stop) { pg_drain(s); got = 0; break; }
        }
        if (got < 0) k = KR_ERR_DB;
        goto out;
    }
    if (from == KR_TL_DAILY) {
        /* from daily, in key order so a group's rows are adjacent */
        if (kr_sql_where_daily(&where, q, 1, &p, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
        kr_buf_addf(&sql, "SELECT e.date, e.source, e.target, e.code, e.n, e.g10, e.q1, e.q2, e.q3, e.q4,"
                    " e.g1, e.g2, e.g3, e.g4 FROM daily e WHERE true%s ORDER BY e.day, e.date, e.source, e.target, e.code",
                    where.p);
        if ((k = pg_send(s, sql.p, &p)) != KR_OK) goto out;
        kr_tl_merge m;
        kr_tl_merge_init(&m, q->quad, fn, ctx);
        while ((got = pg_row(s, &r)) == 1) {
            kr_agg_sums sm;
            memset(&sm, 0, sizeof sm);
            sm.n = atol(v(r, 4));
            sm.g10 = atol(v(r, 5));
            for (int i = 1; i <= 4; i++) { sm.q[i] = atol(v(r, 5 + i)); sm.g[i] = atol(v(r, 9 + i)); }
            int stop = kr_tl_merge_row(&m, v(r, 0), v(r, 1), v(r, 2), v(r, 3), &sm);
            PQclear(r);
            if (stop) { pg_drain(s); got = 0; break; }
        }
        if (got == 0) kr_tl_merge_end(&m);
        else { m.stop = 1; kr_tl_merge_end(&m); k = KR_ERR_DB; }
        goto out;
    }
    if (t) kr_fq_tsquery(t, &ts);
    if (kr_sql_where(&where, q, 1, 0, &p, PG_TEXT_FMT, t ? ts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
    kr_buf_addf(&sql,
        "SELECT e.date, e.source, e.target, e.code, count(*), sum(round(e.goldstein * 10)::bigint),"
        " count(*) FILTER (WHERE e.quad = 1), count(*) FILTER (WHERE e.quad = 2),"
        " count(*) FILTER (WHERE e.quad = 3), count(*) FILTER (WHERE e.quad = 4)"
        " FROM events e JOIN articles a ON a.aid = e.article WHERE true%s"
        " GROUP BY e.date, e.source, e.target, e.code", where.p);
    if ((k = pg_send(s, sql.p, &p)) != KR_OK) goto out;
    while ((got = pg_row(s, &r)) == 1) {
        kr_tl_group g = {v(r, 0), v(r, 1), v(r, 2), v(r, 3), atol(v(r, 4)), atol(v(r, 5)), {0}, 0, 1};
        for (int i = 1; i <= 4; i++) g.quad[i] = atol(v(r, 5 + i));
        int stop = fn(ctx, &g);
        PQclear(r);
        if (stop) { pg_drain(s); got = 0; break; }
    }
    if (got < 0) k = KR_ERR_DB;
out:
    kr_buf_free(&where); kr_buf_free(&sql); kr_buf_free(&ts);
    return k;
}

static kr_status pg_actors(kr_store *s, const char *prefix, long limit, kr_actor_fn fn, void *ctx) {
    kr_buf sql = {0};
    kr_sqlparams p = {0};
    const char *c = "";
    if (prefix && *prefix) {
        char hi[72];
        snprintf(hi, sizeof hi, "%s", prefix);
        size_t n = strlen(hi);
        if (n && (unsigned char)hi[n - 1] < 0x7f) hi[n - 1]++;
        kr_sql_param(&p, prefix); kr_sql_param(&p, hi);
        c = " WHERE code >= $1 AND code < $2";
    }
    kr_buf_addf(&sql, "SELECT code, events, mentions FROM actors%s ORDER BY events DESC, mentions DESC, code", c);
    if (limit > 0) kr_buf_addf(&sql, " LIMIT %ld", limit);
    kr_status k = pg_send(s, sql.p, &p);
    if (k == KR_OK) {
        PGresult *r;
        int got;
        while ((got = pg_row(s, &r)) == 1) {
            kr_actor_row row = {v(r, 0), atol(v(r, 1)), atol(v(r, 2))};
            int stop = fn(ctx, &row);
            PQclear(r);
            if (stop) { pg_drain(s); got = 0; break; }
        }
        if (got < 0) k = KR_ERR_DB;
    }
    kr_buf_free(&sql);
    return k;
}

static kr_status pg_article(kr_store *s, const char *id, kr_article_fn fn, void *ctx) {
    kr_sqlparams p = {0};
    kr_sql_param(&p, id ? id : "");
    PGresult *r = pg_params(s, "SELECT aid, id, date, lang, title, url, source, text, text_sum IS NOT DISTINCT FROM md5(text)"
                               " FROM articles WHERE id = $1", &p);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) { kr_status k = pg_fail(s, "reading an article", r); PQclear(r); return k; }
    if (!PQntuples(r)) { PQclear(r); kr_store_seterr(s, "no article '%.200s'", id ? id : ""); return KR_EOF; }
    if (strcmp(v(r, 8), "t")) { kr_status k = kr_store_damaged(s, v(r, 1)); PQclear(r); return k; }
    kr_sqlparams p2 = {0};
    kr_sql_param(&p2, PQgetvalue(r, 0, 0));
    PGresult *ss = pg_params(s, "SELECT off, len FROM sentences WHERE article = $1 ORDER BY n", &p2);
    if (PQresultStatus(ss) != PGRES_TUPLES_OK) { kr_status k = pg_fail(s, "reading sentences", ss); PQclear(ss); PQclear(r); return k; }
    int n = PQntuples(ss);
    int *off = kr_xmalloc((size_t)(n + 1) * sizeof *off), *len = kr_xmalloc((size_t)(n + 1) * sizeof *len);
    for (int i = 0; i < n; i++) { off[i] = atoi(PQgetvalue(ss, i, 0)); len[i] = atoi(PQgetvalue(ss, i, 1)); }
    kr_article_row row = {v(r, 1), v(r, 2), v(r, 3), vn(r, 4), vn(r, 5), vn(r, 6), v(r, 7), n, off, len};
    fn(ctx, &row);
    free(off); free(len);
    PQclear(ss); PQclear(r);
    return KR_OK;
}

static kr_status pg_stats(kr_store *s, kr_stats_row *out) {
    pg_be *b = PG(s);
    kr_status k;
    long *dst[4] = {&out->articles, &out->sentences, &out->events, &out->events_daily};
    PGresult *r = PQexec(b->conn, "SELECT key, value FROM kroniek_meta WHERE key LIKE 'count\\_%'");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) { k = pg_fail(s, "counting", r); PQclear(r); return k; }
    for (int row = 0; row < PQntuples(r); row++)
        for (int i = 0; i < 4; i++) if (!strcmp(PQgetvalue(r, row, 0), kr_count_keys[i])) *dst[i] = atol(PQgetvalue(r, row, 1));
    PQclear(r);
    if ((k = pg_long(s, "SELECT count(*) FROM actors", NULL, &out->actors))) return k;
    r = PQexec(b->conn, "SELECT coalesce((SELECT min(date) FROM articles), ''), coalesce((SELECT max(date) FROM articles), '')");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) { k = pg_fail(s, "counting", r); PQclear(r); return k; }
    snprintf(b->first, sizeof b->first, "%s", PQgetvalue(r, 0, 0));
    snprintf(b->last, sizeof b->last, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    out->first = b->first; out->last = b->last;
    return KR_OK;
}

/* the aggregates as computed from the rows (migration 2 fills them the same way) */
#define PG_DAILY_OF_EVENTS \
    "SELECT day, date, source, target, code, lang, count(*), sum(g)," \
    " count(*) FILTER (WHERE quad = 1), count(*) FILTER (WHERE quad = 2), count(*) FILTER (WHERE quad = 3), count(*) FILTER (WHERE quad = 4)," \
    " coalesce(sum(g) FILTER (WHERE quad = 1), 0), coalesce(sum(g) FILTER (WHERE quad = 2), 0)," \
    " coalesce(sum(g) FILTER (WHERE quad = 3), 0), coalesce(sum(g) FILTER (WHERE quad = 4), 0)" \
    " FROM (SELECT e.day, e.date, e.source, e.target, e.code, a.lang, e.quad, round(e.goldstein * 10)::bigint AS g" \
    "       FROM events e JOIN articles a ON a.aid = e.article) x" \
    " GROUP BY day, date, source, target, code, lang"
#define PG_GROUPS_OF_DAILY \
    "SELECT day, source, target, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4" \
    " FROM daily GROUP BY day, date, source, target, code"
#define PG_DAYS_OF_DAILY \
    "SELECT day, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4) FROM (" PG_GROUPS_OF_DAILY ") x GROUP BY day"
#define PG_MONTHS_OF_DAILY \
    "SELECT day / 100, source, target, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4)" \
    " FROM (" PG_GROUPS_OF_DAILY ") x GROUP BY day / 100, source, target"
#define PG_ACTORS_OF_EVENTS \
    "SELECT code, sum(ev), sum(mn) FROM (" \
    " SELECT source AS code, count(*) AS ev, 0 AS mn FROM events GROUP BY source UNION ALL" \
    " SELECT target, count(*), 0 FROM events GROUP BY target UNION ALL" \
    " SELECT code, 0, count(*) FROM mentions GROUP BY code) x GROUP BY code"
#define PG_SYMDIFF(T, Q) \
    "SELECT (SELECT count(*) FROM (SELECT * FROM " T " EXCEPT " Q ") x) + (SELECT count(*) FROM (" Q " EXCEPT SELECT * FROM " T ") y)"
#define PG_COUNTER(KEY, Q) \
    "(CASE WHEN (SELECT value::bigint FROM kroniek_meta WHERE key = '" KEY "') IS NOT DISTINCT FROM (" Q ") THEN 0 ELSE 1 END)"

static const char *pg_consistency[][2] = {
    {"SELECT count(*) FROM articles a WHERE nevents <> (SELECT count(*) FROM events e WHERE e.article = a.aid)", "articles whose events are incomplete"},
    {"SELECT count(*) FROM articles a WHERE nsent <> (SELECT count(*) FROM sentences t WHERE t.article = a.aid)", "articles whose sentences are incomplete"},
    {"SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.aid = e.article)", "events without their article"},
    {"SELECT count(*) FROM sentences t WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.aid = t.article)", "sentences without their article"},
    {"SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.aid = m.article)", "mentions without their article"},
    {PG_SYMDIFF("daily", PG_DAILY_OF_EVENTS), "daily counts that differ from the events"},
    {PG_SYMDIFF("days", PG_DAYS_OF_DAILY), "day totals that differ from the events"},
    {PG_SYMDIFF("dyad_months", PG_MONTHS_OF_DAILY), "dyad month totals that differ from the events"},
    {PG_SYMDIFF("actors", PG_ACTORS_OF_EVENTS), "actor counts that differ from the events and mentions"},
    {"SELECT " PG_COUNTER("count_articles", "SELECT count(*) FROM articles")
     " + " PG_COUNTER("count_sentences", "SELECT count(*) FROM sentences")
     " + " PG_COUNTER("count_events", "SELECT count(*) FROM events")
     " + " PG_COUNTER("count_events_daily", "SELECT count(*) FROM (SELECT DISTINCT date, source, target, code FROM events) x"),
     "counters that differ from the rows they count"},
};

static kr_status pg_check(kr_store *s, char *msg, size_t len) {
    kr_buf m = {0};
    for (size_t i = 0; i < sizeof pg_consistency / sizeof *pg_consistency; i++) {
        long n;
        kr_status k = pg_long(s, pg_consistency[i][0], NULL, &n);
        if (k != KR_OK) { kr_buf_free(&m); return k; }
        if (n) kr_buf_addf(&m, "consistency: %ld %s\n", n, pg_consistency[i][1]);
    }
    /* issue 15: a text that changed after it was stored (its checksum no longer matches) */
    PGresult *r = PQexec(PG(s)->conn, "SELECT id, count(*) OVER () FROM articles WHERE text_sum IS DISTINCT FROM md5(text) ORDER BY aid LIMIT 20");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) { kr_status k = pg_fail(s, "checking", r); PQclear(r); kr_buf_free(&m); return k; }
    int nr = PQntuples(r);
    if (nr) {
        long nbad = atol(PQgetvalue(r, 0, 1));
        kr_buf_addf(&m, "damaged text: %ld article%s whose stored text no longer matches its checksum (changed after ingest): ",
                    nbad, nbad == 1 ? "" : "s");
        for (int i = 0; i < nr; i++) kr_buf_addf(&m, "%s'%.200s'", i ? ", " : "", PQgetvalue(r, i, 0));
        kr_buf_addf(&m, "%s\n", nbad > nr ? ", ..." : "");
    }
    PQclear(r);
    kr_status k = KR_OK;
    if (m.len) {
        snprintf(msg, len, "%s", m.p);
        kr_store_seterr(s, "%s: the archive failed its check", s->name);
        k = KR_ERR_DB;
    } else snprintf(msg, len, "ok");
    kr_buf_free(&m);
    return k;
}

static void pg_close(kr_store *s) {
    pg_be *b = PG(s);
    if (!b) return;
    if (b->conn) {
        if (b->in_tx) pg_cmd(s, "ROLLBACK", "closing");
        PQfinish(b->conn);
    }
    for (int i = 0; i < B_NBUF; i++) kr_buf_free(&b->buf[i]);
    kr_buf_free(&b->codes);
    kr_map_free(&b->pend); kr_arena_free(&b->pend_ar);
    kr_map_free(&b->codes_seen); kr_arena_free(&b->codes_ar);
    kr_map_free(&b->lex); kr_arena_free(&b->lex_ar);
    kr_agg_free(&b->agg);
    free(b->lx);
    free(b);
    s->be = NULL;
}

static int pg_empty(kr_store *s) {
    long n;
    if (pg_long(s, "SELECT count(*) FROM (SELECT 1 FROM articles LIMIT 1) x", NULL, &n) != KR_OK) return -1;
    return n == 0;
}

/* kr_store_set_budget: the budget as statement_timeout, set when it changes */
static void pg_budget(kr_store *s) {
    pg_be *b = PG(s);
    if (!b || !b->conn || b->timeout_ms == s->budget_ms) return;
    char sql[64];
    snprintf(sql, sizeof sql, "SET statement_timeout = %ld", s->budget_ms);
    if (pg_cmd(s, sql, "setting the time budget") == KR_OK) b->timeout_ms = s->budget_ms;
}


/* the URI without its password, for messages */
static void safe_name(char *out, size_t n, const char *uri) {
    const char *at = strchr(uri, '@'), *sl = strstr(uri, "://");
    const char *colon = sl && at ? memchr(sl + 3, ':', (size_t)(at - sl - 3)) : NULL;
    if (colon) snprintf(out, n, "%.*s:***%s", (int)(colon - uri), uri, at);
    else snprintf(out, n, "%s", uri);
}

/* Check the schema and migrate it (under an advisory lock, so two first ingests do not
** both create it). */
static kr_status pg_schema(kr_store *s, int create, int readonly) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_lock(%lld)", PG_LOCK_SCHEMA);
    kr_status k = pg_cmd(s, sql, "locking the schema");
    if (k != KR_OK) return k;
    PGresult *r = PQexec(PG(s)->conn, "SELECT to_regclass('kroniek_meta') IS NOT NULL, to_regclass('articles') IS NOT NULL");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) { k = pg_fail(s, "opening", r); PQclear(r); goto out; }
    int meta = PQgetvalue(r, 0, 0)[0] == 't', arts = PQgetvalue(r, 0, 1)[0] == 't';
    PQclear(r);
    long ver = 0;
    if (meta) {
        if ((k = pg_long(s, "SELECT coalesce(max(value::int), 0) FROM kroniek_meta WHERE key = 'schema_version'", NULL, &ver)) != KR_OK) goto out;
    } else if (arts) {
        kr_store_seterr(s, "%s: not a kroniek archive: the database has an 'articles' table of another program; it was not changed", s->name);
        k = KR_ERR_DB; goto out;
    } else if (!create) {
        kr_store_seterr(s, "%s: no kroniek archive in this database (kroniek ingest --db URI FILES creates one)", s->name);
        k = KR_ERR_DB; goto out;
    }
    if (ver > PG_VERSION) {
        kr_store_seterr(s, "%s: archive schema version %ld is newer than this kroniek understands (%d); use a newer kroniek", s->name, ver, PG_VERSION);
        k = KR_ERR_DB; goto out;
    }
    if (ver < PG_VERSION && readonly) {
        kr_store_seterr(s, "%s: archive schema version %ld is older than this kroniek (%d); run kroniek ingest on it once to upgrade", s->name, ver, PG_VERSION);
        k = KR_ERR_DB; goto out;
    }
    for (long i = ver; i < PG_VERSION; i++) {
        if ((k = pg_cmd(s, "BEGIN", "creating the archive")) != KR_OK) goto out;
        k = pg_cmd(s, pg_migrations[i], "creating the archive");
        if (k == KR_OK) {
            snprintf(sql, sizeof sql, "INSERT INTO kroniek_meta VALUES('schema_version', '%ld')"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value", i + 1);
            k = pg_cmd(s, sql, "creating the archive");
        }
        if (k == KR_OK) k = pg_cmd(s, "COMMIT", "creating the archive");
        if (k != KR_OK) { pg_cmd(s, "ROLLBACK", "rolling back"); goto out; }
    }
    s->version = PG_VERSION;
out:
    snprintf(sql, sizeof sql, "SELECT pg_advisory_unlock(%lld)", PG_LOCK_SCHEMA);
    PGresult *u = PQexec(PG(s)->conn, sql);
    PQclear(u);
    return k;
}

static kr_store *pg_open(const char *uri, int create, int readonly, char *err, size_t errlen) {
    kr_store *s = calloc(1, sizeof *s);
    pg_be *b = calloc(1, sizeof *b);
    if (!s || !b) { free(s); free(b); snprintf(err, errlen, "out of memory"); return NULL; }
    s->ops = &kr_store_pg_ops; s->be = b; s->readonly = readonly;
    safe_name(s->name, sizeof s->name, uri);
    s->fts = kr_fts_new();
    kr_map_init(&b->pend, &b->pend_ar);
    kr_map_init(&b->codes_seen, &b->codes_ar);
    kr_map_init(&b->lex, &b->lex_ar);
    kr_agg_init(&b->agg, pg_round10);
    b->conn = PQconnectdb(uri);
    if (!b->conn || PQstatus(b->conn) != CONNECTION_OK) {
        char m[600];
        snprintf(m, sizeof m, "%s", b->conn ? PQerrorMessage(b->conn) : "out of memory");
        trim(m);
        snprintf(err, errlen, "%s: cannot connect to the server: %s", s->name, m);
        goto fail;
    }
    if (!s->fts) { snprintf(err, errlen, "out of memory"); goto fail; }
    if (pg_cmd(s, "SET client_encoding = 'UTF8'; SET client_min_messages = warning", "opening") != KR_OK ||
        pg_schema(s, create, readonly) != KR_OK) { snprintf(err, errlen, "%s", s->err); goto fail; }
    if (readonly && pg_cmd(s, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "opening") != KR_OK) { snprintf(err, errlen, "%s", s->err); goto fail; }
    return s;
fail:
    kr_store_close(s);
    return NULL;
}

static const char *const pg_schemes[] = {"postgresql://", "postgres://", NULL};

/* the --db values "postgresql://..." and "postgres://..." (libpq connection URIs) */
const kr_store_ops kr_store_pg_ops = {
    .name = "postgresql", .schemes = pg_schemes, .open = pg_open, .close = pg_close,
    .begin = pg_begin, .commit = pg_commit, .rollback = pg_rollback, .seen = pg_seen, .put = pg_put,
    .events = pg_events, .search = pg_search, .groups = pg_groups, .actors = pg_actors, .article = pg_article,
    .stats = pg_stats, .check = pg_check, .empty = pg_empty, .budget = pg_budget, .release = NULL,
};
