/*
** fuzz_dict.c -- the dictionary loaders (dict.c, dictfmt.c via kr_dict_load_mem) on
** an arbitrary file.  Byte 0 picks what the file is (codes.tsv, actors, verbs, words,
** abbreviations; Dutch, English or common; or a TABARI/PETRARCH file given as actors,
** agents, verbs or discards, or detected); it is loaded on top of the built-in code
** table and word lists, then finished, checked, and used to code the input itself
** plus two fixed articles.  Every message must start with a file name.
*/
#include "fuzz.h"

static const struct { const char *name, *kind; } files[] = {
    {"cameo/codes.tsv", NULL}, {"nl/f.actors", NULL}, {"en/f.actors", NULL}, {"common/f.actors", NULL},
    {"nl/f.verbs", NULL}, {"en/f.verbs", NULL}, {"nl/words.txt", NULL}, {"en/words.txt", NULL},
    {"nl/abbrev.txt", NULL}, {"en/abbrev.txt", NULL}, {"f.dat", NULL},
    {"en/f.txt", "actors"}, {"en/f.txt", "agents"}, {"en/f.txt", "verbs"}, {"en/f.txt", "discards"},
    {"nl/f.txt", "verbs"},
};
static const kr_article fixed[] = {
    { "nl", "2022-02-20", "nl", NULL, "De Russische president Poetin eist dat de NAVO zich terugtrekt. Rusland veroordeelt de VS en Oekraïne, zei Blinken.", NULL, NULL, NULL },
    { "en", "2021-06-16", "en", NULL, "Russian President Vladimir Putin met Joe Biden in Geneva. The US accused Russia of attacks; it denied that.", NULL, NULL, NULL },
};

static int on_event(void *ctx, const kr_event *e) {
    (void)ctx;
    FZ_CHECK(e->source && e->target && e->code && e->text && e->sentence >= 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const char *name = files[data[0] % (sizeof files / sizeof *files)].name;
    const char *kind = files[data[0] % (sizeof files / sizeof *files)].kind;
    kr_dict *d = kr_dict_new();
    for (size_t i = 0; i < kr_builtin_nfiles; i++) {
        const char *n = kr_builtin_files[i].name;
        if (strstr(n, "codes.tsv") || strstr(n, "words.txt") || strstr(n, "abbrev.txt"))
            kr_dict_load_mem(d, n, kr_builtin_files[i].data, kr_builtin_files[i].len, NULL, "kroniek");
    }
    FZ_CHECK(kr_dict_nerrors(d) == 0);
    kr_dict_load_mem(d, name, (const char *)data + 1, size - 1, NULL, kind);
    kr_dict_finish(d);
    kr_dict_check(d);
    FILE *null = fopen("/dev/null", "w");
    kr_dict_stats(d, null);
    kr_dict_write(d, null, NULL);            /* `dict convert` */
    fclose(null);
    /* every message line is "FILE:LINE: ..." or "FILE: ..." */
    const char *m = kr_dict_messages(d);
    for (const char *p = m; *p; ) {
        FZ_CHECK(!strncmp(p, name, strlen(name)) || !strncmp(p, "data/", 5));
        const char *e = strchr(p, '\n');
        FZ_CHECK(e != NULL);
        p = e + 1;
    }
    kr_coder *c = kr_coder_new(d);
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) kr_code_article(c, &fixed[i], on_event, NULL);
    size_t n = size - 1 < 4096 ? size - 1 : 4096;
    char *text = kr_xmalloc(n + 1); memcpy(text, data + 1, n); text[n] = 0;
    kr_article self = { "self", "2022-01-10", (data[0] & 16) ? "en" : "nl", NULL, text, NULL, NULL, NULL };
    kr_code_article(c, &self, on_event, NULL);
    free(text);
    kr_coder_free(c);
    kr_dict_free(d);
    return 0;
}
