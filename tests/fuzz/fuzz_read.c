/*
** fuzz_read.c -- the article reader (read.c) on an arbitrary file: format detection,
** the seed format ("date YYYY-MM-DD" then the text) and JSON Lines.  Every record is
** either an article with all required fields or an error naming the file; reading
** always ends.  Each article is then normalized and split (kr_split_article).
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64];
    int fd = fz_memfile(data, size, path, sizeof path);
    if (fd < 0) return 0;
    static kr_coder *c;
    if (!c) c = kr_coder_new(fz_builtin());
    kr_reader *r = kr_reader_open(path);
    kr_article a; kr_status st;
    long n = 0;
    while ((st = kr_reader_next(r, &a)) != KR_EOF) {
        FZ_CHECK(++n <= (long)size + 2);          /* at most one record per line */
        if (st != KR_OK) { FZ_CHECK(strstr(kr_reader_error(r), path) != NULL); continue; }
        fz_check_article(&a);
        FZ_CHECK(strstr(a.origin, path) == a.origin);
        kr_split_article(c, &a);
    }
    kr_reader_free(r);
    close(fd);
    return 0;
}
