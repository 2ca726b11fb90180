/*
** fuzz_search.c -- the full-text query parser of the archive (store.c: kr_fq_parse)
** and the search over a small SQLite archive (kr_store_search).  The input is the
** query; byte 0 also picks a filter (the same text as the article filter, a language).
** A query is either searched (KR_OK) or refused with a message (KR_ERR_ARG); a query
** that passes the parser but that SQLite rejects (KR_ERR_DB) is a bug.  The PostgreSQL
** rendering and the snippet maker run on every parsed query too.
*/
#define KR_STORE_INTERNAL
#include "fuzz_store.h"

static kr_store *st;
static void close_store(void) { kr_store_close(st); }

static void setup(void) {
    char err[512];
    st = kr_store_open(fz_archive(), 0, 1, err, sizeof err);
    if (!st) { fprintf(stderr, "fuzz_search: %s\n", err); abort(); }
    atexit(close_store);
}

static int on_row(void *ctx, const kr_search_row *r) {
    (void)ctx;
    FZ_CHECK(r->id && r->date && r->snippet);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 8192) return 0;
    if (!st) setup();
    char *q = kr_xmalloc(size); memcpy(q, data + 1, size - 1); q[size - 1] = 0;
    kr_query f = {0};
    if (data[0] & 1) f.text = q;
    if (data[0] & 2) f.lang = (data[0] & 4) ? "en" : "nl";
    long total = -1;
    kr_status r = kr_store_search(st, q, &f, on_row, NULL, &total);
    if (r != KR_OK && r != KR_ERR_ARG) { fprintf(stderr, "query '%s': status %d: %s\n", q, r, kr_store_error(st)); abort(); }
    if (r == KR_ERR_ARG) FZ_CHECK(kr_store_error(st)[0] != 0);
    else FZ_CHECK(total >= 0);
    char err[512];
    kr_status chk = kr_store_query_check(q, err, sizeof err);
    FZ_CHECK(chk == KR_OK || chk == KR_ERR_ARG);
    if (r == KR_OK) FZ_CHECK(chk == KR_OK);
    /* the PostgreSQL rendering and the snippets, without a server */
    kr_fts *ft = kr_fts_new();
    kr_fq *fq = kr_fq_parse(ft, q, err, sizeof err);
    FZ_CHECK((fq != NULL) == (chk == KR_OK));
    if (fq) {
        kr_buf b = {0};
        kr_fq_tsquery(fq, &b); kr_buf_free(&b);
        kr_fq_fts5(fq, &b); kr_buf_free(&b);
        for (size_t i = 0; i < sizeof fz_docs / sizeof *fz_docs; i++) free(kr_fq_snippet(ft, fq, fz_docs[i].text, strlen(fz_docs[i].text), kr_fts_lang(fz_docs[i].lang)));
        free(kr_fq_snippet(ft, fq, q, strlen(q), KR_FTS_BOTH));
        kr_fq_free(fq);
    }
    kr_fts_free(ft);
    free(q);
    return 0;
}
