/*
** fuzz_dict.c -- the dictionary loaders (dict.c, dictfmt.c via kr_dict_load_mem) on
** an arbitrary file.  Byte 0 picks what the file is (codes.tsv, actors, verbs, words,
** abbreviations; Dutch, English or common; or a TABARI/PETRARCH file given as actors,
** agents, verbs or discards, or detected); it is loaded on top of the built-in code
** table and word lists, then finished, checked, and used to code the input itself
** plus two fixed articles.  Every message must start with a file name.
**
** Byte 0 bit 7 (issue 15): the file is read from disk by kr_dict_load_file, as a
** regular file (bit 6 clear) or through a FIFO (bit 6 set: the unknown-size path that
** stops /dev/zero), with the dictionary's size limit lowered to the file's size (bit 5
** clear: it is read, and gives what the same bytes give from memory) or to one byte
** less (bit 5 set: KR_ERR_LIMIT, one error naming the file and the limit, nothing
** loaded).
*/
#include "fuzz.h"
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

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

/* a dictionary with the built-in code table and word lists */
static kr_dict *base_dict(void) {
    kr_dict *d = kr_dict_new();
    for (size_t i = 0; i < kr_builtin_nfiles; i++) {
        const char *n = kr_builtin_files[i].name;
        if (strstr(n, "codes.tsv") || strstr(n, "words.txt") || strstr(n, "abbrev.txt"))
            kr_dict_load_mem(d, n, kr_builtin_files[i].data, kr_builtin_files[i].len, NULL, "kroniek");
    }
    FZ_CHECK(kr_dict_nerrors(d) == 0);
    return d;
}

/* the directory for files read from disk: DIR/{nl,en,common,cameo}/, removed at exit */
static char dir[64];
static void rm_dir(void) {
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) {}
}
static const char *disk_dir(void) {
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz_dict.XXXXXX");
        FZ_CHECK(mkdtemp(dir) != NULL);
        static const char *sub[] = {"nl", "en", "common", "cameo"};
        char p[96];
        for (int i = 0; i < 4; i++) { snprintf(p, sizeof p, "%s/%s", dir, sub[i]); FZ_CHECK(mkdir(p, 0700) == 0); }
        signal(SIGPIPE, SIG_IGN);
        atexit(rm_dir);
    }
    return dir;
}

/* the writing end of the FIFO, on its own thread (open waits for the reader) */
typedef struct { const char *path; const uint8_t *p; size_t n; } fifo_job;
static void *fifo_write(void *arg) {
    fifo_job *j = arg;
    int fd = open(j->path, O_WRONLY);
    if (fd < 0) return NULL;
    for (size_t off = 0; off < j->n; ) { ssize_t w = write(fd, j->p + off, j->n - off); if (w <= 0) break; off += (size_t)w; }
    close(fd);
    return NULL;
}

/* Load data[0..n) as the file path with the size limit max, from a regular file or a
** FIFO, and check what the limit promises against want (the same bytes from memory). */
static void load_disk(kr_dict *d, const char *path, const uint8_t *p, size_t n, const char *kind, size_t max,
                      int fifo, const kr_dict *want) {
    unlink(path);
    pthread_t th; fifo_job j = {path, p, n};
    if (fifo) {
        FZ_CHECK(mkfifo(path, 0600) == 0);
        FZ_CHECK(pthread_create(&th, NULL, fifo_write, &j) == 0);
    } else {
        FILE *f = fopen(path, "wb");
        FZ_CHECK(f && fwrite(p, 1, n, f) == n && fclose(f) == 0);
    }
    size_t before = kr_dict_nentries(d), mlen = strlen(kr_dict_messages(d));
    int nerr = kr_dict_nerrors(d);
    d->max_file = max;
    kr_status st = kr_dict_load_file(d, path, NULL, kind);
    if (fifo) {
        int fd = open(path, O_RDONLY | O_NONBLOCK);    /* frees a writer still waiting to open */
        pthread_join(th, NULL);
        if (fd >= 0) close(fd);
    }
    if (n > max) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: error: larger than %zu bytes (the limit for a dictionary file), not read\n", path, max);
        FZ_CHECK(st == KR_ERR_LIMIT && kr_dict_nerrors(d) == nerr + 1 && kr_dict_nentries(d) == before);
        FZ_CHECK(!strcmp(kr_dict_messages(d) + mlen, msg));
    } else {
        FZ_CHECK(st != KR_ERR_LIMIT && st != KR_ERR_IO);
        FZ_CHECK(kr_dict_nentries(d) == kr_dict_nentries(want) && kr_dict_nerrors(d) == kr_dict_nerrors(want) &&
                 kr_dict_nwarnings(d) == kr_dict_nwarnings(want));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const char *name = files[data[0] % (sizeof files / sizeof *files)].name;
    const char *kind = files[data[0] % (sizeof files / sizeof *files)].kind;
    kr_dict *d = base_dict();
    char path[128];
    if (data[0] & 128) {
        kr_dict *want = base_dict();
        kr_dict_load_mem(want, name, (const char *)data + 1, size - 1, NULL, kind);
        snprintf(path, sizeof path, "%s/%s", disk_dir(), name);
        size_t max = (data[0] & 32) && size > 1 ? size - 2 : size - 1;
        load_disk(d, path, data + 1, size - 1, kind, max, data[0] & 64, want);
        kr_dict_free(want);
        name = path;
    } else kr_dict_load_mem(d, name, (const char *)data + 1, size - 1, NULL, kind);
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
