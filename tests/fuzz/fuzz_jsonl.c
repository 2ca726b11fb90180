/*
** fuzz_jsonl.c -- the JSON Lines reader (read.c + jansson): the input is forced to
** start with '{' so the reader always takes the JSON Lines path.  Checks as in
** fuzz_read.c, plus: an error names "file:line".  Each article is coded.  The file is
** read a second time the way `kroniek code` does on threads (kr_reader_next_raw, then
** kr_article_parse_json): both ways must give the same records.
*/
#include "fuzz.h"

static int on_event(void *ctx, const kr_event *e) { (void)ctx; (void)e; return 0; }

/* fold one record (status and fields) into a running hash */
static uint64_t mix(uint64_t h, kr_status st, const kr_article *a) {
    h = h * 1099511628211ULL ^ (uint64_t)st;
    if (st != KR_OK) return h;
    const char *f[] = { a->id, a->date, a->lang, a->title, a->text, a->url, a->source };
    for (int i = 0; i < 7; i++) h = h * 31 + (f[i] ? kr_hash(f[i], strlen(f[i])) : 7);
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *buf = malloc(size + 1);
    buf[0] = '{'; memcpy(buf + 1, data, size);
    char path[64];
    int fd = fz_memfile(buf, size + 1, path, sizeof path);
    free(buf);
    if (fd < 0) return 0;
    static kr_coder *c;
    if (!c) c = kr_coder_new(fz_builtin());
    kr_reader *r = kr_reader_open(path);
    kr_article a; kr_status st;
    long n = 0;
    uint64_t h1 = 0, h2 = 0;
    char where[80]; snprintf(where, sizeof where, "%s:", path);
    while ((st = kr_reader_next(r, &a)) != KR_EOF) {
        FZ_CHECK(++n <= (long)size + 2);
        h1 = mix(h1, st, &a);
        if (st != KR_OK) { FZ_CHECK(strstr(kr_reader_error(r), where) != NULL); continue; }
        fz_check_article(&a);
        kr_code_article(c, &a, on_event, NULL);
    }
    kr_reader_free(r);
    /* the threaded way */
    r = kr_reader_open(path);
    const char *raw; size_t rawlen;
    while ((st = kr_reader_next_raw(r, &a, &raw, &rawlen)) != KR_EOF) {
        if (st == KR_OK && raw) {
            char *hold[8], err[1200];
            FZ_CHECK(a.origin != NULL);
            kr_article b;
            st = kr_article_parse_json(raw, rawlen, a.origin, &b, hold, err, sizeof err);
            if (st != KR_OK) FZ_CHECK(strstr(err, where) != NULL);
            h2 = mix(h2, st, &b);
            kr_article_release(hold);
        } else h2 = mix(h2, st, &a);
    }
    kr_reader_free(r);
    if (h1 != h2) { fprintf(stderr, "kr_reader_next and kr_reader_next_raw + kr_article_parse_json disagree\n"); abort(); }
    close(fd);
    return 0;
}
