/*
** read.c -- article readers: the seed format (first line "date YYYY-MM[-DD]", the text
** may start on the same line), JSON Lines ({id, date, lang?, title?, text, url?,
** source?}, parsed with jansson), directories (recursively, sorted by name) and stdin.
** A bad record yields an error naming file and line; the reader then goes on with the
** next record.  Lines longer than KR_MAX_LINE are skipped with an error.
*/
#include "kr_int.h"
#include <jansson.h>
#include <stdio.h>
#include <errno.h>
#include <dirent.h>
#include <sys/stat.h>
#include <ctype.h>

struct kr_reader {
    char **paths; size_t npaths, cur;    /* files still to read */
    FILE *f; const char *fname; int is_stdin;
    int mode;                              /* 0 unknown, 1 seed, 2 jsonl */
    long line;
    char *buf; size_t bufcap;
    json_t *obj;
    char *id, *date, *lang, *title, *text, *url, *source, *origin;
    char err[1024];
    int done_seed;
};

static void collect(kr_reader *r, const char *path, int top) {
    struct stat st;
    if (!strcmp(path, "-") || stat(path, &st) || !S_ISDIR(st.st_mode)) {
        if (!top) {     /* inside directories only article files */
            const char *dot = strrchr(path, '.');
            if (!dot || (strcmp(dot, ".txt") && strcmp(dot, ".jsonl") && strcmp(dot, ".json"))) return;
        }
        r->paths = kr_xrealloc(r->paths, (r->npaths + 1) * sizeof *r->paths);
        r->paths[r->npaths++] = strdup(path);
        return;
    }
    DIR *d = opendir(path);
    if (!d) { r->paths = kr_xrealloc(r->paths, (r->npaths + 1) * sizeof *r->paths); r->paths[r->npaths++] = strdup(path); return; }
    char **names = NULL; size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        names = kr_xrealloc(names, (n + 1) * sizeof *names);
        size_t l = strlen(path) + strlen(de->d_name) + 2;
        names[n] = kr_xmalloc(l);
        snprintf(names[n], l, "%s/%s", path, de->d_name);
        n++;
    }
    closedir(d);
    for (size_t i = 1; i < n; i++) for (size_t j = i; j > 0 && strcmp(names[j-1], names[j]) > 0; j--) { char *t = names[j]; names[j] = names[j-1]; names[j-1] = t; }
    for (size_t i = 0; i < n; i++) { collect(r, names[i], 0); free(names[i]); }
    free(names);
}

kr_reader *kr_reader_open(const char *path) {
    kr_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    collect(r, path, 1);
    return r;
}

static void clear_rec(kr_reader *r) {
    if (r->obj) { json_decref(r->obj); r->obj = NULL; }
    free(r->id); free(r->date); free(r->lang); free(r->title); free(r->text); free(r->url); free(r->source); free(r->origin);
    r->id = r->date = r->lang = r->title = r->text = r->url = r->source = r->origin = NULL;
}

static void close_file(kr_reader *r) {
    if (r->f && !r->is_stdin) fclose(r->f);
    r->f = NULL; r->mode = 0; r->line = 0; r->done_seed = 0;
}

void kr_reader_free(kr_reader *r) {
    if (!r) return;
    close_file(r);
    clear_rec(r);
    for (size_t i = 0; i < r->npaths; i++) free(r->paths[i]);
    free(r->paths); free(r->buf);
    free(r);
}

const char *kr_reader_error(const kr_reader *r) { return r->err; }

/* read one line (without the newline) into r->buf; returns length, -1 at EOF,
** -2 if the line exceeded the limit (the rest of it is skipped) */
static long read_line(kr_reader *r) {
    size_t n = 0; int c, over = 0;
    if (!r->buf) { r->bufcap = 4096; r->buf = kr_xmalloc(r->bufcap); }
    while ((c = getc(r->f)) != EOF) {
        if (c == '\n') break;
        if (over) continue;
        if (n + 2 > r->bufcap) {
            if (r->bufcap >= KR_MAX_LINE) { over = 1; continue; }
            r->bufcap *= 2; r->buf = kr_xrealloc(r->buf, r->bufcap);
        }
        r->buf[n++] = (char)c;
    }
    if (c == EOF && n == 0 && !over) return -1;
    r->buf[n] = 0;
    r->line++;
    return over ? -2 : (long)n;
}

static char *base_id(const char *path) {
    const char *b = strrchr(path, '/'); b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t l = dot && dot > b ? (size_t)(dot - b) : strlen(b);
    char *s = kr_xmalloc(l + 1); memcpy(s, b, l); s[l] = 0;
    return s;
}

static char *dupstr(const char *s) { return s ? strdup(s) : NULL; }

static char *json_field(json_t *o, const char *k, int allow_num) {
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v)) return NULL;
    if (json_is_string(v)) return strndup(json_string_value(v), json_string_length(v));
    if (allow_num && json_is_integer(v)) { char b[32]; snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v)); return strdup(b); }
    return (char *)-1;
}

static void fill(kr_reader *r, kr_article *a) {
    a->id = r->id; a->date = r->date; a->lang = r->lang; a->title = r->title; a->text = r->text;
    a->url = r->url; a->source = r->source; a->origin = r->origin;
}

static kr_status read_seed(kr_reader *r, kr_article *a) {
    /* the whole file is one article */
    kr_buf b = {0};
    char tmp[65536]; size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, r->f)) > 0) {
        if (b.len + n > KR_MAX_ARTICLE + 4096) { kr_buf_free(&b); snprintf(r->err, sizeof r->err, "%s: article larger than %u bytes", r->fname, KR_MAX_ARTICLE); r->done_seed = 1; return KR_ERR_LIMIT; }
        kr_buf_add(&b, tmp, n);
    }
    r->done_seed = 1;
    if (!b.p) kr_buf_add(&b, "", 0);
    const char *p = b.p, *e = b.p + b.len;
    if (e - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) p += 3;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    if (e - p < 5 || strncmp(p, "date", 4) || !isspace((unsigned char)p[4])) {
        snprintf(r->err, sizeof r->err, "%s:1: expected the first line to be 'date YYYY-MM-DD' (or 'date YYYY-MM')%s", r->fname, b.len ? "" : " -- the file is empty");
        kr_buf_free(&b); return KR_ERR_PARSE;
    }
    p += 4;
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    const char *ds = p;
    while (p < e && !isspace((unsigned char)*p)) p++;
    char date[32]; size_t dl = (size_t)(p - ds);
    if (dl >= sizeof date) dl = sizeof date - 1;
    memcpy(date, ds, dl); date[dl] = 0;
    if (!kr_parse_date(date) || (dl != 7 && dl != 10)) {
        snprintf(r->err, sizeof r->err, "%s:1: bad date '%s' (want YYYY-MM-DD or YYYY-MM, 1900-2100)", r->fname, date);
        kr_buf_free(&b); return KR_ERR_PARSE;
    }
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    clear_rec(r);
    r->id = base_id(r->fname); r->date = strdup(date);
    r->text = strndup(p, (size_t)(e - p));
    char o[600]; snprintf(o, sizeof o, "%s:1", r->fname); r->origin = strdup(o);
    kr_buf_free(&b);
    fill(r, a);
    return KR_OK;
}

static kr_status read_json(kr_reader *r, kr_article *a) {
    for (;;) {
        long n = read_line(r);
        if (n == -1) return KR_EOF;
        if (n == -2) { snprintf(r->err, sizeof r->err, "%s:%ld: line longer than %u bytes, skipped", r->fname, r->line, KR_MAX_LINE); return KR_ERR_LIMIT; }
        char *s = r->buf; while (*s == ' ' || *s == '\t' || *s == '\r') s++;
        if (!*s) continue;
        clear_rec(r);
        json_error_t je;
        json_t *o = json_loadb(r->buf, (size_t)n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
        if (!o) { snprintf(r->err, sizeof r->err, "%s:%ld: invalid JSON: %s (column %d)", r->fname, r->line, je.text, je.column); return KR_ERR_PARSE; }
        if (!json_is_object(o)) { json_decref(o); snprintf(r->err, sizeof r->err, "%s:%ld: expected a JSON object per line", r->fname, r->line); return KR_ERR_PARSE; }
        r->obj = o;
        const char *names[] = {"id", "date", "lang", "title", "text", "url", "source"};
        char **dst[] = {&r->id, &r->date, &r->lang, &r->title, &r->text, &r->url, &r->source};
        for (int i = 0; i < 7; i++) {
            char *v = json_field(o, names[i], i == 0);
            if (v == (char *)-1) { snprintf(r->err, sizeof r->err, "%s:%ld: field \"%s\" must be a string", r->fname, r->line, names[i]); *dst[i] = NULL; clear_rec(r); return KR_ERR_PARSE; }
            *dst[i] = v;
        }
        char o2[600]; snprintf(o2, sizeof o2, "%s:%ld", r->fname, r->line); r->origin = strdup(o2);
        if (!r->id) { char b[600]; snprintf(b, sizeof b, "%s:%ld", r->fname, r->line); r->id = strdup(b); }
        if (!r->text) { snprintf(r->err, sizeof r->err, "%s:%ld: article %s has no \"text\"", r->fname, r->line, r->id); fill(r, a); return KR_ERR_PARSE; }
        if (memchr(r->text, 0, strlen(r->text) + 1) != r->text + strlen(r->text)) {}
        if (!r->date) { snprintf(r->err, sizeof r->err, "%s:%ld: article %s has no \"date\"", r->fname, r->line, r->id); fill(r, a); return KR_ERR_PARSE; }
        fill(r, a);
        return KR_OK;
    }
}

kr_status kr_reader_next(kr_reader *r, kr_article *a) {
    memset(a, 0, sizeof *a);
    r->err[0] = 0;
    for (;;) {
        if (!r->f) {
            if (r->cur >= r->npaths) return KR_EOF;
            const char *p = r->paths[r->cur++];
            r->fname = p;
            r->line = 0; r->mode = 0; r->done_seed = 0;
            if (!strcmp(p, "-")) { r->f = stdin; r->is_stdin = 1; r->fname = "<stdin>"; }
            else {
                struct stat st;
                if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) { snprintf(r->err, sizeof r->err, "%s: cannot read directory", p); return KR_ERR_IO; }
                r->f = fopen(p, "rb"); r->is_stdin = 0;
                if (!r->f) { snprintf(r->err, sizeof r->err, "%s: cannot open: %s", p, strerror(errno)); return KR_ERR_IO; }
            }
            /* detect: JSON Lines start with '{' */
            int c;
            while ((c = getc(r->f)) != EOF && (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0xEF || c == 0xBB || c == 0xBF)) {
                if (c == '\n') r->line++;
            }
            if (c == EOF) {
                snprintf(r->err, sizeof r->err, "%s: empty file, no articles", r->fname);
                close_file(r);
                return KR_ERR_PARSE;
            }
            ungetc(c, r->f);
            r->mode = c == '{' ? 2 : 1;
        }
        if (r->mode == 1) {
            if (r->done_seed) { close_file(r); continue; }
            /* we consumed leading white space; the seed reader tolerates its absence */
            return read_seed(r, a);
        }
        kr_status st = read_json(r, a);
        if (st == KR_EOF) { if (ferror(r->f)) { snprintf(r->err, sizeof r->err, "%s: read error", r->fname); close_file(r); return KR_ERR_IO; } close_file(r); continue; }
        return st;
    }
}
