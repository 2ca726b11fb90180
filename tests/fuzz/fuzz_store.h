/*
** fuzz_store.h -- a small SQLite archive for the fuzz targets of the store and the
** server: three articles coded with the built-in dictionary and stored in a file
** under /tmp that is removed at exit.
*/
#ifndef KR_FUZZ_STORE_H
#define KR_FUZZ_STORE_H
#include "fuzz.h"
#include "store.h"

static char fz_dbpath[64];

static const kr_article fz_docs[] = {
    { "s1", "2022-01-10", "nl", "NAVO", "De NAVO eist dat Rusland zich terugtrekt uit Oekraïne. Rusland veroordeelt de VS.", NULL, NULL, "fuzz:1" },
    { "s2", "2021-06-16", "en", "Geneva", "Russian President Vladimir Putin met Joe Biden in Geneva. The US accused Russia of cyberattacks.", NULL, NULL, "fuzz:2" },
    { "s3", "2022-02-20", NULL, NULL, "De Franse president Macron heeft met de Russische president Poetin gesproken over de crisis.", NULL, NULL, "fuzz:3" },
};

/* events handed to the callback are borrowed: keep copies (strings in b->ar) */
typedef struct { kr_event ev[64]; int n; kr_arena ar; } fz_evbuf;
static const char *fz_cp(kr_arena *ar, const char *s) { return s ? kr_strndup(ar, s, strlen(s)) : NULL; }
static int fz_keep(void *ctx, const kr_event *e) {
    fz_evbuf *b = ctx;
    if (b->n == 64) return 0;
    kr_event *d = &b->ev[b->n++];
    *d = *e;
    d->doc = fz_cp(&b->ar, e->doc); d->date = fz_cp(&b->ar, e->date); d->source = fz_cp(&b->ar, e->source);
    d->target = fz_cp(&b->ar, e->target); d->code = fz_cp(&b->ar, e->code); d->location = fz_cp(&b->ar, e->location);
    d->source_text = fz_cp(&b->ar, e->source_text); d->target_text = fz_cp(&b->ar, e->target_text);
    d->verb_text = fz_cp(&b->ar, e->verb_text); d->text = fz_cp(&b->ar, e->text);
    return 0;
}

static void fz_unlink_db(void) {
    char p[80];
    unlink(fz_dbpath);
    snprintf(p, sizeof p, "%s-wal", fz_dbpath); unlink(p);
    snprintf(p, sizeof p, "%s-shm", fz_dbpath); unlink(p);
}

/* Create the archive (once per process); returns its path.  The writing handle is
** closed again: callers open their own. */
static const char *fz_archive(void) {
    if (fz_dbpath[0]) return fz_dbpath;
    char err[512];
    snprintf(fz_dbpath, sizeof fz_dbpath, "/tmp/kroniek-fuzz-%d.db", (int)getpid());
    fz_unlink_db();
    kr_store *st = kr_store_open(fz_dbpath, 1, 0, err, sizeof err);
    if (!st) { fprintf(stderr, "fuzz: %s\n", err); abort(); }
    kr_store_set_dict(st, fz_builtin());
    kr_coder *c = kr_coder_new(fz_builtin());
    static fz_evbuf b;
    FZ_CHECK(kr_store_begin(st) == KR_OK);
    for (size_t i = 0; i < sizeof fz_docs / sizeof *fz_docs; i++) {
        b.n = 0;
        FZ_CHECK(kr_code_article(c, &fz_docs[i], fz_keep, &b) == KR_OK);
        char h[65]; kr_store_text_hash(fz_docs[i].text, strlen(fz_docs[i].text), h);
        FZ_CHECK(kr_store_put(st, &fz_docs[i], h, c, b.ev, b.n) == KR_OK);
    }
    FZ_CHECK(kr_store_commit(st) == KR_OK);
    kr_coder_free(c);
    kr_arena_free(&b.ar);
    kr_store_close(st);
    atexit(fz_unlink_db);
    return fz_dbpath;
}
#endif
