/*
** fuzz_code.c -- the coder (code.c: actors, clauses, triggers, patterns) with the
** fixed built-in dictionary, on arbitrary article text.  Byte 0 picks the language
** (nl, en, detect) and byte 1 the article date (so dated offices and entries are
** exercised); the rest is the text.  Every event is checked (known CAMEO code, quad
** 1..4, Goldstein -10..10, sentence in range, text inside the article) and written in
** all four output formats (output.c).  The coder is reused across inputs, as the
** program does, and each input is coded twice: the events must be the same (nothing
** of an article may leak into the next).
*/
#include "fuzz.h"

static const char *dates[] = { "2022-01-10", "2022-02", "2019-05-20", "2014-03-01", "2024-12-31", "2001-09-11", "1999-12" };
static FILE *null;
static uint64_t evhash;        /* of the events of the current run */

static int on_event(void *ctx, const kr_event *e) {
    const kr_coder *c = ctx;
    const kr_dict *d = fz_builtin();
    FZ_CHECK(e->doc && e->date && e->source && e->target && e->code && e->location);
    FZ_CHECK(e->source_text && e->target_text && e->verb_text && e->text);
    /* an actor never acts on itself; two named persons with one code are two actors */
    FZ_CHECK(e->source[0] && e->target[0] && (strcmp(e->source, e->target) || strcmp(e->source_text, e->target_text)));
    FZ_CHECK(kr_cameo_label(d, e->code) != NULL);
    FZ_CHECK(e->quad >= 1 && e->quad <= 4 && e->goldstein >= -10 && e->goldstein <= 10);
    FZ_CHECK(e->sentence >= 1 && e->sentence <= kr_coder_nsentences(c));
    FZ_CHECK(!strncmp(e->root, e->code, 2));
    size_t tl; kr_coder_text(c, &tl);
    FZ_CHECK(e->sent_off >= 0 && e->sent_len >= 0 && (size_t)e->sent_off + (size_t)e->sent_len <= tl);
    for (int f = KR_FMT_JSONL; f <= KR_FMT_PLOVER; f++) kr_write_event(null, (kr_format)f, e, d, 1);
    const char *fs[] = { e->source, e->target, e->code, e->location, e->source_text, e->target_text, e->verb_text, e->text };
    evhash = evhash * 1099511628211ULL + (uint64_t)e->sentence;
    for (int i = 0; i < 8; i++) evhash = evhash * 31 + kr_hash(fs[i], strlen(fs[i]));
    return 0;
}

static void on_actor(void *ctx, int sent, const char *code, const char *text) {
    FZ_CHECK(sent >= 1 && code && code[0] && text);
    (void)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    static kr_coder *c;
    if (!c) { c = kr_coder_new(fz_builtin()); null = fopen("/dev/null", "w"); }
    static const char *langs[] = { "nl", "en", NULL };
    char *text = kr_xmalloc(size - 1);
    memcpy(text, data + 2, size - 2); text[size - 2] = 0;   /* C string: stops at a NUL */
    kr_article a = { "fuzz", dates[data[1] % (sizeof dates / sizeof *dates)], langs[data[0] % 3], NULL, text, NULL, NULL, "fuzz:1" };
    evhash = 0;
    kr_status st1 = kr_code_article(c, &a, on_event, c);
    uint64_t h1 = evhash;
    evhash = 0;
    kr_status st2 = kr_code_article(c, &a, on_event, c);
    if (st1 != st2 || h1 != evhash) { fprintf(stderr, "coding the same article twice gave different events\n"); abort(); }
    if (st2 == KR_OK) {
        kr_coder_actors(c, on_actor, NULL);
        for (int i = 0; i < kr_coder_nsentences(c); i++) { int l; const char *s = kr_coder_sentence(c, i, &l); FZ_CHECK(s && l >= 0); }
    } else FZ_CHECK(kr_coder_error(c)[0] != 0);
    free(text);
    return 0;
}
