/*
** read.c -- article readers: the seed format (first line "date YYYY-MM[-DD]", the text
** may start on the same line), JSON Lines ({id, date, lang?, title?, text, url?,
** source?, options?}: the usual record read straight from the line by fast_fields, any
** other one parsed with jansson), directories (recursively, sorted by name) and stdin.
** A bad record yields an error naming file and line; the reader then goes on with the
** next record.  Ids and dates are checked here, so `code` and `ingest` take the same
** records: an id is 1..KR_MAX_ID bytes, not blank; dates follow kr_article_date().  Lines longer than KR_MAX_LINE are skipped with an error.
*/
#include "kr_int.h"
#include <jansson.h>
#include <stdio.h>
#include <errno.h>
#include <dirent.h>
#include <sys/stat.h>
#include <ctype.h>
#include <utf8proc.h>

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
    struct { dev_t dev; ino_t ino; } *dirs; size_t ndirs;   /* directories collected */
};

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

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
    /* issue 7: a directory reached twice (symlink loop "ln -s . x") is read once;
    ** before, its articles came out again for every level of the loop */
    for (size_t i = 0; i < r->ndirs; i++) if (r->dirs[i].dev == st.st_dev && r->dirs[i].ino == st.st_ino) return;
    r->dirs = kr_xrealloc(r->dirs, (r->ndirs + 1) * sizeof *r->dirs);
    r->dirs[r->ndirs].dev = st.st_dev; r->dirs[r->ndirs].ino = st.st_ino; r->ndirs++;
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
    /* issue 7: qsort, not an insertion sort: 30000 files took 8 s in the sort alone */
    if (n > 1) qsort(names, n, sizeof *names, cmp_names);
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
    free(r->paths); free(r->buf); free(r->dirs);
    free(r);
}

const char *kr_reader_error(const kr_reader *r) { return r->err; }

/* read one line (without the newline) into r->buf; returns length, -1 at EOF,
** -2 if the line exceeded the limit (the rest of it is skipped) */
static long read_line(kr_reader *r) {
    ssize_t n = getline(&r->buf, &r->bufcap, r->f);
    if (n < 0) return -1;
    r->line++;
    if (n > 0 && r->buf[n-1] == '\n') r->buf[--n] = 0;
    if ((size_t)n > KR_MAX_LINE) {
        /* do not keep a huge buffer around */
        free(r->buf); r->buf = NULL; r->bufcap = 0;
        return -2;
    }
    return (long)n;
}

static char *base_id(const char *path) {
    const char *b = strrchr(path, '/'); b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t l = dot && dot > b ? (size_t)(dot - b) : strlen(b);
    char *s = kr_xmalloc(l + 1); memcpy(s, b, l); s[l] = 0;
    return s;
}


static void fill(kr_reader *r, kr_article *a) {
    a->id = r->id; a->date = r->date; a->lang = r->lang; a->title = r->title; a->text = r->text;
    a->url = r->url; a->source = r->source; a->origin = r->origin;
}

static int check_id(const char *id, const char *origin, char *err, size_t errlen);

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
        if (p < e && *p == '[')     /* issue 7: say why a JSON array file is not read */
            snprintf(r->err, sizeof r->err, "%s:1: a JSON array: kroniek reads JSON Lines, one {...} object per line", r->fname);
        else
            snprintf(r->err, sizeof r->err, "%s:1: expected the first line to be 'date YYYY-MM-DD' (or 'date YYYY-MM')%s", r->fname, b.len ? "" : " -- the file is empty");
        kr_buf_free(&b); return KR_ERR_PARSE;
    }
    p += 4;
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    const char *ds = p;
    while (p < e && !isspace((unsigned char)*p)) p++;
    char date[32], day[11]; size_t dl = (size_t)(p - ds);
    if (dl >= sizeof date) dl = sizeof date - 1;
    memcpy(date, ds, dl); date[dl] = 0;
    if (!kr_article_date(date, day)) {
        snprintf(r->err, sizeof r->err, "%s:1: bad date '%s' (want " KR_DATE_RULE ")", r->fname, date);
        kr_buf_free(&b); return KR_ERR_PARSE;
    }
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    clear_rec(r);
    r->id = base_id(r->fname);
    char o1[600]; snprintf(o1, sizeof o1, "%s:1", r->fname);
    if (check_id(r->id, o1, r->err, sizeof r->err)) { kr_buf_free(&b); return KR_ERR_PARSE; }
    r->date = strdup(day);
    /* issue 7: a NUL byte ended the text there, silently (strndup); it now becomes a
    ** space, as \u0000 does in JSON Lines */
    size_t tl = (size_t)(e - p);
    r->text = kr_xmalloc(tl + 1); memcpy(r->text, p, tl); r->text[tl] = 0;
    for (size_t i = 0; i < tl; i++) if (!r->text[i]) r->text[i] = ' ';
    char o[600]; snprintf(o, sizeof o, "%s:1", r->fname); r->origin = strdup(o);
    kr_buf_free(&b);
    fill(r, a);
    return KR_OK;
}

/* issue 15: the one rule for ids, for `code` and `ingest` alike (an empty id stopped
** ingest and rolled back its batch, while code wrote it out): an id is 1..KR_MAX_ID
** bytes and not only white space.  A JSON record without "id" gets FILE:LINE. */
static int check_id(const char *id, const char *origin, char *err, size_t errlen) {
    const char *p = id;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    if (!*p) { snprintf(err, errlen, "%s: article rejected: empty \"id\" (leave the field out and the id is FILE:LINE)", origin); return -1; }
    if (strlen(id) > KR_MAX_ID) { snprintf(err, errlen, "%s: article rejected: \"id\" longer than %u bytes", origin, KR_MAX_ID); return -1; }
    return 0;
}

/* ---- JSON Lines records: a fast path for the common record, jansson for the rest ----
** Nearly every record is one object whose keys are plain strings and whose values are
** strings, null, true or false.  fast_fields reads such a record straight from the line:
** one pass over the bytes, the wanted strings decoded into their own buffers, no tree.
** Whatever it does not handle (numbers, arrays, nested objects, escapes in keys, invalid
** UTF-8, syntax errors, duplicate keys, more than FAST_MAX_KEYS keys) it leaves to
** jansson_fields, which parses the line as before; so every record it accepts is one
** jansson accepts, with the same strings, and every error message is jansson's. */

static const char *const field_names[8] = {"id", "date", "lang", "title", "text", "url", "source", "options"};
static const unsigned char field_len[8] = {2, 4, 4, 5, 4, 3, 6, 7};

/* which of field_names the key s[0..n) is, -1 none */
static int field_index(const char *s, size_t n) {
    for (int i = 0; i < 8; i++) if (field_len[i] == n && !memcmp(field_names[i], s, n)) return i;
    return -1;
}

static int hexval(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
static long hex4(const unsigned char *p, const unsigned char *e) {
    if (e - p < 4) return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) { int h = hexval(p[i]); if (h < 0) return -1; v = v * 16 + h; }
    return v;
}

/* The JSON string starting after the opening quote at *pp: checked, and decoded into a
** new buffer if out is not NULL (a NUL from \u0000 becomes a space, as json_field
** does).  *pp is left after the closing quote.  0 on success, -1 if jansson is to
** decide (an error, or something this path does not read). */
static int jstr(const unsigned char **pp, const unsigned char *e, char **out) {
    const unsigned char *p = *pp, *s = p;
    int esc = 0;
    for (;;) {          /* first pass: find the end, check UTF-8 and the escapes */
        for (uint64_t x; e - p >= 8; p += 8) {      /* eight plain ASCII bytes at a time */
            x = kr_load8(p);
            if ((x & KR_HIGH8) | kr_has_below8(x, 0x20) | kr_has_byte8(x, '"') | kr_has_byte8(x, '\\')) break;
        }
        while (p < e && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') p++;
        if (p >= e || *p < 0x20) return -1;      /* no end; a control character */
        if (*p == '"') break;
        if (*p >= 0x80) { int l = kr_utf8_seqlen(p, (size_t)(e - p)); if (!l) return -1; p += l; continue; }
        esc = 1;        /* a backslash */
        if (p + 1 >= e) return -1;
        unsigned char c = p[1];
        if (c == 'u') {
            long u = hex4(p + 2, e);
            if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF)) return -1;
            p += 6;
            if (u >= 0xD800 && u <= 0xDBFF) {    /* a high surrogate needs a low one */
                if (e - p < 2 || p[0] != '\\' || p[1] != 'u') return -1;
                long lo = hex4(p + 2, e);
                if (lo < 0xDC00 || lo > 0xDFFF) return -1;
                p += 6;
            }
            continue;
        }
        if (!strchr("\"\\/bfnrt", c) || !c) return -1;
        p += 2;
    }
    *pp = p + 1;
    if (!out) return 0;
    size_t n = (size_t)(p - s);
    char *o = kr_xmalloc(n + 1);
    if (!esc) { memcpy(o, s, n); o[n] = 0; *out = o; return 0; }
    size_t k = 0;
    for (const unsigned char *q = s; q < p; ) {        /* second pass: decode */
        if (*q != '\\') { o[k++] = (char)*q++; continue; }
        unsigned char c = q[1];
        if (c != 'u') {
            o[k++] = c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : (char)c;
            q += 2; continue;
        }
        long u = hex4(q + 2, p);
        q += 6;
        if (u >= 0xD800 && u <= 0xDBFF) { u = 0x10000 + ((u - 0xD800) << 10) + (hex4(q + 2, p) - 0xDC00); q += 6; }
        if (u == 0) o[k++] = ' ';
        else k += (size_t)utf8proc_encode_char((utf8proc_int32_t)u, (utf8proc_uint8_t *)o + k);
    }
    o[k] = 0;
    *out = o;
    return 0;
}

static const unsigned char *jws(const unsigned char *p, const unsigned char *e) {
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

enum { FAST_MAX_KEYS = 32 };

/* OUT: v[8], the fields of field_names (malloc'ed, NULL if absent or null).  1 if the
** record was read here, 0 if it is jansson's (v is then all NULL). */
static int fast_fields(const char *line, size_t n, char *v[8]) {
    const unsigned char *p = (const unsigned char *)line, *e = p + n;
    struct { const unsigned char *s; size_t n; } keys[FAST_MAX_KEYS];
    int nkeys = 0;
    for (int i = 0; i < 8; i++) v[i] = NULL;
    p = jws(p, e);
    if (p >= e || *p != '{') goto no;
    p = jws(p + 1, e);
    if (p < e && *p == '}') { p++; goto end; }
    for (;;) {
        if (p >= e || *p != '"' || nkeys == FAST_MAX_KEYS) goto no;
        const unsigned char *ks = ++p;
        while (p < e && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80) p++;
        if (p >= e || *p != '"') goto no;        /* escapes and non-ASCII keys: jansson */
        size_t kl = (size_t)(p - ks);
        for (int i = 0; i < nkeys; i++) if (keys[i].n == kl && !memcmp(keys[i].s, ks, kl)) goto no;
        keys[nkeys].s = ks; keys[nkeys].n = kl; nkeys++;
        p = jws(p + 1, e);
        if (p >= e || *p != ':') goto no;
        p = jws(p + 1, e);
        if (p >= e) goto no;
        int f = field_index((const char *)ks, kl);
        if (*p == '"') {
            p++;
            if (jstr(&p, e, f >= 0 ? &v[f] : NULL)) goto no;
        } else if (e - p >= 4 && !memcmp(p, "null", 4)) p += 4;
        else if (f < 0 && e - p >= 4 && !memcmp(p, "true", 4)) p += 4;
        else if (f < 0 && e - p >= 5 && !memcmp(p, "false", 5)) p += 5;
        else goto no;                            /* numbers, arrays, objects, errors */
        p = jws(p, e);
        if (p < e && *p == ',') { p = jws(p + 1, e); continue; }
        if (p < e && *p == '}') { p++; break; }
        goto no;
    }
end:
    if (jws(p, e) != e) goto no;
    return 1;
no:
    for (int i = 0; i < 8; i++) { free(v[i]); v[i] = NULL; }
    return 0;
}

static char *json_field(json_t *o, const char *k, int allow_num) {
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v)) return NULL;
    if (json_is_string(v)) {
        size_t l = json_string_length(v);
        char *c = kr_xmalloc(l + 1);
        memcpy(c, json_string_value(v), l); c[l] = 0;
        for (size_t i = 0; i < l; i++) if (!c[i]) c[i] = ' ';   /* \u0000 would cut the text */
        return c;
    }
    if (allow_num && json_is_integer(v)) { char b[32]; snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v)); return strdup(b); }
    return (char *)-1;
}

/* The fields of the record with jansson.  OUT: v[8] as fast_fields' (freed again on an
** error, with the message in err). */
static kr_status jansson_fields(const char *line, size_t n, const char *origin, char *v[8], char *err, size_t errlen) {
    for (int i = 0; i < 8; i++) v[i] = NULL;
    json_error_t je;
    json_t *o = json_loadb(line, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!o) { snprintf(err, errlen, "%s: invalid JSON: %s (column %d)", origin, je.text, je.column); return KR_ERR_PARSE; }
    if (!json_is_object(o)) { json_decref(o); snprintf(err, errlen, "%s: expected a JSON object per line", origin); return KR_ERR_PARSE; }
    for (int i = 0; i < 8; i++) {
        char *x = json_field(o, field_names[i], i == 0);
        if (x == (char *)-1) {
            snprintf(err, errlen, "%s: field \"%s\" must be a string", origin, field_names[i]);
            json_decref(o);
            for (int j = 0; j < i; j++) { free(v[j]); v[j] = NULL; }
            return KR_ERR_PARSE;
        }
        v[i] = x;
    }
    json_decref(o);
    return KR_OK;
}

/* one JSON Lines record -> article; strings are malloc'ed into hold[] */
kr_status kr_article_parse_json(const char *line, size_t n, const char *origin, kr_article *a,
                                char *hold[8], char *err, size_t errlen) {
    memset(a, 0, sizeof *a);
    for (int i = 0; i < 8; i++) hold[i] = NULL;
    char *v[8];
    if (!fast_fields(line, n, v)) {
        kr_status st = jansson_fields(line, n, origin, v, err, errlen);
        if (st != KR_OK) return st;
    }
#ifdef KR_JSON_CHECK
    else {      /* a build with -DKR_JSON_CHECK: jansson must read the same record */
        char *w[8];
        if (jansson_fields(line, n, origin, w, err, errlen) != KR_OK) { fprintf(stderr, "KR_JSON_CHECK: %s: jansson rejects: %s\n", origin, err); abort(); }
        for (int i = 0; i < 8; i++) {
            if ((v[i] == NULL) != (w[i] == NULL) || (v[i] && strcmp(v[i], w[i]))) { fprintf(stderr, "KR_JSON_CHECK: %s: field %s differs\n", origin, field_names[i]); abort(); }
            free(w[i]);
        }
    }
#endif
    for (int i = 0; i < 7; i++) hold[i] = v[i];
    /* "options" (TABARI-style coder options, docs/FOREIGN-DICTS.md): hold[] has no slot
    ** left, so the string is kept after origin's NUL in hold[7] ("origin\0options\0") */
    char *opts = v[7];
    size_t ol = strlen(origin), pl = opts ? strlen(opts) : 0;
    hold[7] = kr_xmalloc(ol + pl + 2);
    memcpy(hold[7], origin, ol + 1);
    if (opts) memcpy(hold[7] + ol + 1, opts, pl + 1); else hold[7][ol + 1] = 0;
    free(opts);
    if (!hold[0]) hold[0] = strdup(origin);
    a->id = hold[0]; a->date = hold[1]; a->lang = hold[2]; a->title = hold[3]; a->text = hold[4];
    a->url = hold[5]; a->source = hold[6]; a->origin = hold[7];
    a->options = opts ? hold[7] + ol + 1 : NULL;
    if (check_id(a->id, origin, err, errlen)) return KR_ERR_PARSE;
    if (!a->text) { snprintf(err, errlen, "%s: article %s has no \"text\"", origin, a->id); return KR_ERR_PARSE; }
    if (!a->date) { snprintf(err, errlen, "%s: article %s has no \"date\"", origin, a->id); return KR_ERR_PARSE; }
    /* the date rule of kr_article_date; a timestamp becomes its date (hold[1] is long enough) */
    char day[11];
    if (!kr_article_date(a->date, day)) {
        snprintf(err, errlen, "%s: article %s rejected: bad or missing date '%.40s' (want " KR_DATE_RULE ")", origin, a->id, a->date);
        return KR_ERR_PARSE;
    }
    strcpy(hold[1], day);
    return KR_OK;
}

void kr_article_release(char *hold[8]) { for (int i = 0; i < 8; i++) { free(hold[i]); hold[i] = NULL; } }

/* next non-blank line of a JSON Lines file: 1, 0 at EOF, -1 error (message set) */
static int next_json_line(kr_reader *r, long *n) {
    for (;;) {
        *n = read_line(r);
        if (*n == -1) return 0;
        if (*n == -2) { snprintf(r->err, sizeof r->err, "%s:%ld: line longer than %u bytes, skipped", r->fname, r->line, KR_MAX_LINE); return -1; }
        char *s = r->buf; while (*s == ' ' || *s == '\t' || *s == '\r') s++;
        if (*s) return 1;
    }
}

/* OUT: o, "FILE:LINE" of the current line (lines count from 1), cut to cap - 1 bytes as
** snprintf would (without snprintf: this runs once per record) */
static void line_origin(const kr_reader *r, char *o, size_t cap) {
    char num[24]; size_t nl = sizeof num;
    unsigned long v = (unsigned long)r->line;
    do num[--nl] = (char)('0' + v % 10); while (v /= 10);
    size_t fl = strlen(r->fname), k = 0;
    for (size_t i = 0; i < fl && k + 1 < cap; i++) o[k++] = r->fname[i];
    if (k + 1 < cap) o[k++] = ':';
    for (size_t i = nl; i < sizeof num && k + 1 < cap; i++) o[k++] = num[i];
    o[k] = 0;
}

static kr_status read_json(kr_reader *r, kr_article *a) {
    long n;
    int k = next_json_line(r, &n);
    if (k == 0) return KR_EOF;
    if (k < 0) return KR_ERR_LIMIT;
    clear_rec(r);
    char origin[600]; line_origin(r, origin, sizeof origin);
    char *hold[8];
    kr_status st = kr_article_parse_json(r->buf, (size_t)n, origin, a, hold, r->err, sizeof r->err);
    r->id = hold[0]; r->date = hold[1]; r->lang = hold[2]; r->title = hold[3]; r->text = hold[4];
    r->url = hold[5]; r->source = hold[6]; r->origin = hold[7];
    return st;
}

static kr_status reader_next(kr_reader *r, kr_article *a, const char **raw, size_t *rawlen);
kr_status kr_reader_next(kr_reader *r, kr_article *a) { return reader_next(r, a, NULL, NULL); }
kr_status kr_reader_next_raw(kr_reader *r, kr_article *a, const char **raw, size_t *rawlen) {
    *raw = NULL; *rawlen = 0;
    return reader_next(r, a, raw, rawlen);
}

static kr_status reader_next(kr_reader *r, kr_article *a, const char **raw, size_t *rawlen) {
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
        kr_status st;
        if (raw) {
            /* JSON Lines record handed back unparsed (parsed by the caller's worker) */
            long n;
            int k = next_json_line(r, &n);
            if (k == 0) st = KR_EOF;
            else if (k < 0) st = KR_ERR_LIMIT;
            else {
                clear_rec(r);
                char o[600]; line_origin(r, o, sizeof o);
                r->origin = strdup(o);
                a->origin = r->origin;
                *raw = r->buf; *rawlen = (size_t)n;
                return KR_OK;
            }
        } else st = read_json(r, a);
        if (st == KR_EOF) { if (ferror(r->f)) { snprintf(r->err, sizeof r->err, "%s: read error", r->fname); close_file(r); return KR_ERR_IO; } close_file(r); continue; }
        return st;
    }
}
