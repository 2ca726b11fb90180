/*
** cmd_store.c -- the archive commands: `ingest` (code articles and store them with
** their sentences, actor mentions and events), `search` (full-text), `events`
** (filtered event rows), `timeline` (counts per day, week or month) and `export`
** (GDELT TSV, CSV, JSON Lines, PLOVER).  The archive is an SQLite file (default
** kroniek.db, or $KRONIEK_DB) or a postgresql:// URI; see docs/ARCHIVE.md.
**
** Exit status: 0 success; 1 some article was rejected (reported on stderr with its
** file:line, the others are stored: bad input, an id stored with another text, an
** article the archive refuses); 2 usage errors, a bad query, an archive that cannot
** be opened or written (the message says why; committed data is never lost), or a
** stored text `search` would show that no longer matches its checksum (named).
*/
#include "kroniek.h"
#include "cmd.h"
#include "store.h"
#include "kr_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <pthread.h>
#include <stdatomic.h>

/* ------------------------------------------------------------------ shared options */

typedef enum { OUT_TABLE, OUT_CSV, OUT_JSONL } out_fmt;

typedef struct {
    const char *db;
    out_fmt fmt; int fmt_set;
    kr_query q;
    char actor[72], source[72], target[72], da[72], db_[72], code[16];
    const char *bucket; int by_dyad;
    const char *inputs[4096]; int nin;
    /* actor options as given (codes or names, resolved by resolve_actors) */
    const char *raw_actor, *raw_source, *raw_target, *raw_da, *raw_db;
    int one_a_day;               /* events, export: one event per (date, source, target, code) */
    int country_dyads;           /* timeline --dyad-level country */
    const char *names;           /* --names nl|en|codes: how tables show actors */
    int header;                  /* export --header (GDELT TSV) */
} opts;

static const char *default_db(void) {
    const char *e = getenv("KRONIEK_DB");
    return e && *e ? e : "kroniek.db";
}

static void upcase(char *dst, size_t n, const char *src) {
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++) dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = 0;
}

static int parse_out(const char *cmd, const char *v, opts *o) {
    if (!strcmp(v, "table")) o->fmt = OUT_TABLE;
    else if (!strcmp(v, "csv")) o->fmt = OUT_CSV;
    else if (!strcmp(v, "jsonl") || !strcmp(v, "json")) o->fmt = OUT_JSONL;
    else { fprintf(stderr, "kroniek %s: unknown format '%s' (table, csv, jsonl)\n", cmd, v); return -1; }
    o->fmt_set = 1;
    return 0;
}

/* Parse the query options shared by search, events, timeline and export.  Returns 1
** if argv[*i] was consumed, 0 if not ours, -1 on error (message printed). */
static int query_opt(const char *cmd, opts *o, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    int has = *i + 1 < argc;
    const char *v = has ? argv[*i + 1] : NULL;
    static const char *want_value[] = {"--db", "--actor", "--source", "--target", "--dyad", "--code", "--root",
        "--quad", "--from", "--to", "--lang", "--text", "--limit", "--offset", "--doc", "--format", "--by",
        "--names", "--dyad-level", NULL};
    for (int k = 0; want_value[k]; k++) if (!strcmp(a, want_value[k]) && !has) {
        fprintf(stderr, "kroniek %s: %s needs a value\n", cmd, a); return -1;
    }
    if (!strcmp(a, "--db")) o->db = v;
    else if (!strcmp(a, "--actor")) { upcase(o->actor, sizeof o->actor, v); o->q.actor = o->actor; o->raw_actor = v; }
    else if (!strcmp(a, "--source")) { upcase(o->source, sizeof o->source, v); o->q.source = o->source; o->raw_source = v; }
    else if (!strcmp(a, "--target")) { upcase(o->target, sizeof o->target, v); o->q.target = o->target; o->raw_target = v; }
    else if (!strcmp(a, "--dyad")) {
        const char *c = strchr(v, ',');
        if (!c || c == v || !c[1] || strchr(c + 1, ',')) { fprintf(stderr, "kroniek %s: --dyad wants two actors A,B (codes or names, e.g. RUS,IGOWSTNAT or Rusland,NAVO)\n", cmd); return -1; }
        char tmp[72]; size_t n = (size_t)(c - v) < sizeof tmp - 1 ? (size_t)(c - v) : sizeof tmp - 1;
        memcpy(tmp, v, n); tmp[n] = 0;
        upcase(o->da, sizeof o->da, tmp); upcase(o->db_, sizeof o->db_, c + 1);
        o->q.dyad_a = o->da; o->q.dyad_b = o->db_;
        o->raw_da = v; o->raw_db = c + 1;
    }
    else if (!strcmp(a, "--names")) {
        if (strcmp(v, "nl") && strcmp(v, "en") && strcmp(v, "codes")) { fprintf(stderr, "kroniek %s: --names wants nl, en or codes\n", cmd); return -1; }
        o->names = v;
    }
    else if (!strcmp(a, "--dyad-level")) {
        if (strcmp(v, "country") && strcmp(v, "code")) { fprintf(stderr, "kroniek %s: --dyad-level wants country or code\n", cmd); return -1; }
        o->country_dyads = !strcmp(v, "country");
    }
    else if (!strcmp(a, "--one-a-day")) { o->one_a_day = 1; return 1; }
    else if (!strcmp(a, "--code")) { snprintf(o->code, sizeof o->code, "%s", v); o->q.code = o->code; }
    else if (!strcmp(a, "--root")) {
        if (strlen(v) > 2 || !isdigit((unsigned char)v[0])) { fprintf(stderr, "kroniek %s: --root wants a CAMEO root code 01..20\n", cmd); return -1; }
        snprintf(o->code, sizeof o->code, "%s%s", v[1] ? "" : "0", v); o->q.code = o->code;
    }
    else if (!strcmp(a, "--quad")) {
        char *end; long x = strtol(v, &end, 10);
        if (*end || x < 1 || x > 4) { fprintf(stderr, "kroniek %s: --quad wants 1..4\n", cmd); return -1; }
        o->q.quad = (int)x;
    }
    else if (!strcmp(a, "--from")) o->q.from = v;
    else if (!strcmp(a, "--to")) o->q.to = v;
    else if (!strcmp(a, "--lang")) o->q.lang = v;
    else if (!strcmp(a, "--text")) o->q.text = v;
    else if (!strcmp(a, "--doc")) o->q.doc = v;
    else if (!strcmp(a, "--limit") || !strcmp(a, "--offset")) {
        char *end; long x = strtol(v, &end, 10);
        if (*end || x < 0) { fprintf(stderr, "kroniek %s: %s wants a whole number >= 0\n", cmd, a); return -1; }
        if (a[2] == 'l') o->q.limit = x; else o->q.offset = x;
    }
    else if (!strcmp(a, "--format")) { if (parse_out(cmd, v, o)) return -1; }
    else if (!strcmp(a, "--by")) {
        if (strcmp(v, "day") && strcmp(v, "week") && strcmp(v, "month")) { fprintf(stderr, "kroniek %s: --by wants day, week or month\n", cmd); return -1; }
        o->bucket = v;
    }
    else if (!strcmp(a, "--by-dyad")) { o->by_dyad = 1; return 1; }
    else return 0;
    ++*i;
    return 1;
}

/* terminal output unless --format says otherwise; JSON Lines into pipes */
static void pick_format(opts *o) {
    if (!o->fmt_set) o->fmt = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_JSONL;
}

static kr_store *open_store(const char *cmd, const char *db, int create, int readonly) {
    char err[1024];
    kr_store *s = kr_store_open(db, create, readonly, err, sizeof err);
    if (!s) fprintf(stderr, "kroniek %s: %s\n", cmd, err);
    return s;
}

static int term_width(void) {
    struct winsize w;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col >= 40) return w.ws_col;
    return 120;
}

/* print s in at most w code points, padded to w when pad; newlines become spaces */
static void cellw(FILE *f, const char *s, int w, int pad) {
    int n = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p && n < w) {
        size_t l = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        if (n == w - 1 && p[l]) { fputs("~", f); n++; break; }     /* cut */
        if (*p == '\n' || *p == '\t' || *p == '\r') putc(' ', f);
        else for (size_t k = 0; k < l && p[k]; k++) putc(p[k], f);
        p += l; n++;
    }
    if (pad) for (; n < w; n++) putc(' ', f);
}

/* a CSV cell; one that starts with = + - @ gets a ' in front (kr_csv_risky: a
** spreadsheet would run it as a formula) */
static void csv_cell(FILE *f, const char *s) {
    putc('"', f);
    if (kr_csv_risky(s)) putc('\'', f);
    for (s = s ? s : ""; *s; s++) { if (*s == '"') putc('"', f); putc(*s == '\n' || *s == '\r' ? ' ' : *s, f); }
    putc('"', f);
}

static int finish_output(const char *cmd) {
    fflush(stdout);
    if (ferror(stdout)) { fprintf(stderr, "kroniek %s: error writing output\n", cmd); return 1; }
    return 0;
}

/* ------------------------------------------------------------------ actor names */

/* the names of actor codes (src/names.c): the dictionaries compiled in, or $KRONIEK_DATA */
static kr_names *load_names(void) {
    const char *dir = getenv("KRONIEK_DATA");
    return kr_names_new(dir && *dir ? dir : NULL);
}

/* the language of names in tables: --names, else nl when $LANG says Dutch, else en */
static const char *names_lang(const opts *o) {
    if (o->names) return o->names;
    const char *l = getenv("LANG");
    return l && !strncmp(l, "nl", 2) ? "nl" : "en";
}

static int count_actor(void *ctx, const kr_actor_row *r) { (void)r; ++*(long *)ctx; return 1; }

/* One actor option: a code (capitals and digits, RUS, USAGOV; any case) that the
** dictionaries name or the archive holds, else a name ("Rusland", "Russia", "NAVO",
** "Rusland: regering") resolved to its code.  Writes the code to out (72 bytes).
** Returns 0, or 1 after saying on stderr that the value is no actor or several. */
static int resolve_one(const char *cmd, const char *opt, kr_store *s, const kr_names *nm, const char *given, char *out) {
    char up[72];
    upcase(up, sizeof up, given);
    int code = *up != 0;
    for (const char *p = up; *p; p++) if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) code = 0;
    if (code && strlen(up) % 3 == 0) {
        long n = 0;
        if (kr_actor_known(nm, up) || (kr_store_actors(s, up, 1, count_actor, &n) == KR_OK && n > 0)) { strcpy(out, up); return 0; }
    }
    char codes[8][KR_CODE_MAX];
    int k = kr_actor_lookup(nm, given, codes, 8);
    if (k == 1) { snprintf(out, 72, "%s", codes[0]); return 0; }
    if (k > 1) {
        fprintf(stderr, "kroniek %s: %s '%s' is more than one actor:", cmd, opt, given);
        for (int i = 0; i < k && i < 8; i++) {
            char nmb[256];
            fprintf(stderr, "%s %s (%s)", i ? "," : "", codes[i], kr_actor_name(nm, codes[i], "en", nmb, sizeof nmb));
        }
        fprintf(stderr, "%s; give a code\n", k > 8 ? ", ..." : "");
        return 1;
    }
    if (code) {
        fprintf(stderr, "kroniek %s: %s '%s': no actor has this code or name (not in the dictionaries, not in the archive)\n", cmd, opt, given);
    } else {
        fprintf(stderr, "kroniek %s: %s '%s': no actor has this name (a state, people or organisation of the\n"
                        "  dictionaries in Dutch or English, e.g. Rusland, Russia, NAVO, 'Rusland: regering'; or a code)\n", cmd, opt, given);
    }
    return 1;
}

/* resolve --actor, --source, --target and --dyad; 0, or 1 after a message */
static int resolve_actors(const char *cmd, opts *o, kr_store *s, const kr_names *nm) {
    if (o->raw_actor && resolve_one(cmd, "--actor", s, nm, o->raw_actor, o->actor)) return 1;
    if (o->raw_source && resolve_one(cmd, "--source", s, nm, o->raw_source, o->source)) return 1;
    if (o->raw_target && resolve_one(cmd, "--target", s, nm, o->raw_target, o->target)) return 1;
    if (o->raw_da) {
        char a[72];
        const char *c = strchr(o->raw_da, ',');
        size_t n = (size_t)(c - o->raw_da) < sizeof a - 1 ? (size_t)(c - o->raw_da) : sizeof a - 1;
        memcpy(a, o->raw_da, n); a[n] = 0;
        if (resolve_one(cmd, "--dyad", s, nm, a, o->da) || resolve_one(cmd, "--dyad", s, nm, o->raw_db, o->db_)) return 1;
    }
    return 0;
}

/* yyyymmdd of a --from/--to value (YYYY, YYYY-MM, YYYY-MM-DD, ISO time), upper: the
** last day of a year or month; 0 if not a date */
static int bound_day(const char *v, int upper) {
    char d[11];
    size_t n = strlen(v);
    if (n == 4 && isdigit((unsigned char)v[0]) && isdigit((unsigned char)v[1]) && isdigit((unsigned char)v[2]) && isdigit((unsigned char)v[3]))
        return atoi(v) * 10000 + (upper ? 1231 : 101);
    int x = kr_article_date(v, d);
    if (x && strlen(d) == 7 && upper) x = x / 100 * 100 + 31;
    return x;
}

/* --from after --to is an error, not an empty answer */
static int check_dates(const char *cmd, const opts *o) {
    if (!o->q.from || !o->q.to) return 0;
    int f = bound_day(o->q.from, 0), t = bound_day(o->q.to, 1);
    if (f && t && f > t) { fprintf(stderr, "kroniek %s: --from %s is after --to %s\n", cmd, o->q.from, o->q.to); return 1; }
    return 0;
}

/* ------------------------------------------------------------------ ingest */

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) { (void)sig; stop_flag = 1; }

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Count the articles in the inputs (for the ETA): one per .txt file, one per
** non-empty line of .jsonl/.json files.  -1 if unknown (stdin, or too much to scan). */
static long count_path(const char *path, int top, long long *budget) {
    struct stat st;
    if (!strcmp(path, "-")) return -1;
    if (stat(path, &st)) return 0;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) return 0;
        long n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.') continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            long k = count_path(sub, 0, budget);
            if (k < 0) { n = -1; break; }
            n += k;
        }
        closedir(d);
        return n;
    }
    const char *dot = strrchr(path, '.');
    int jsonl = dot && (!strcmp(dot, ".jsonl") || !strcmp(dot, ".json"));
    if (!top && !jsonl && !(dot && !strcmp(dot, ".txt"))) return 0;
    if (!jsonl) {
        /* a top-level file of another name may be JSON Lines too: peek */
        FILE *f = fopen(path, "r");
        if (!f) return 0;
        int c;
        while ((c = getc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t') {}
        fclose(f);
        if (c != '{') return 1;
    }
    if ((*budget -= st.st_size) < 0) return -1;
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char buf[65536];
    long n = 0; int nonblank = 0;
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < r; i++) {
            if (buf[i] == '\n') { n += nonblank; nonblank = 0; }
            else if (buf[i] != ' ' && buf[i] != '\r' && buf[i] != '\t') nonblank = 1;
        }
    n += nonblank;
    fclose(f);
    return n;
}

/* ---- the ingest pipeline: a producer thread reads, hashes and codes the articles,
** copies what the archive keeps of each into a queue slot (kr_store_prep_coder), and
** the main thread stores them in input order, in batches.  The queue is deep (1024
** articles, 64 MB) so that coding goes on while a batch commits, which takes a while
** (the full-text index is written then).  Folding and stemming for the index is done
** by the producer while the queue is long (the writer is the slower side), otherwise
** by the writer.  Articles already in the archive are recognised before coding
** through a second, read-only handle; the writer checks again inside its transaction,
** which is what makes ingest idempotent. ---- */

#define NSLOT 1024
#define QUEUE_BYTES ((size_t)64 << 20)
#define ANALYSE_DEPTH 256         /* queue length from which the producer analyses */

typedef struct {
    kr_article a;                /* strings in pool */
    kr_event *ev; int nev, evcap;   /* strings in pool */
    char *pool; size_t poolcap;
    char hash[65];
    kr_store_prep *prep;
    size_t bytes;                /* memory held, counted against QUEUE_BYTES */
} slot;

typedef struct {
    pthread_mutex_t mu; pthread_cond_t cv;
    slot *s;                     /* NSLOT */
    long head, tail;             /* slots tail..head-1 are full; guarded by mu */
    size_t qbytes;               /* guarded by mu */
    int done, abort;             /* producer finished; writer failed (guarded by mu) */
    const char **inputs; int nin;
    const char *lang;
    kr_coder *c;                 /* the producer's */
    kr_fts *fts;                 /* the producer's stemmers */
    kr_store *ro;                /* read-only handle for the pre-check (may be NULL) */
    kr_event *ev; int nev, evcap;   /* events of the article being coded ... */
    kr_arena ar;                 /* ... and their strings */
    int progress;
    atomic_long nread, nskip, nrej;
    atomic_int failed;
} pipeline;

/* the coder's event strings are borrowed: copy them */
static const char *cpe(kr_arena *ar, const char *s) { return s ? kr_strndup(ar, s, strlen(s)) : ""; }
static int keep_event(void *ctx, const kr_event *e) {
    pipeline *p = ctx;
    if (p->nev == p->evcap) { p->evcap = p->evcap ? p->evcap * 2 : 32; p->ev = kr_xrealloc(p->ev, (size_t)p->evcap * sizeof *p->ev); }
    kr_event *d = &p->ev[p->nev++];
    *d = *e;
    kr_arena *ar = &p->ar;
    d->doc = cpe(ar, e->doc); d->date = cpe(ar, e->date); d->source = cpe(ar, e->source); d->target = cpe(ar, e->target);
    d->code = cpe(ar, e->code); d->location = cpe(ar, e->location); d->source_text = cpe(ar, e->source_text);
    d->target_text = cpe(ar, e->target_text); d->verb_text = cpe(ar, e->verb_text); d->text = cpe(ar, e->text);
    return 0;
}

/* copy the article and its events into the slot's pool */
static size_t sz(const char *s) { return s ? strlen(s) + 1 : 0; }
static const char *put_str(char **w, const char *s) {
    if (!s) return NULL;
    size_t l = strlen(s) + 1;
    memcpy(*w, s, l);
    const char *r = *w;
    *w += l;
    return r;
}
static void pack(slot *sl, const kr_article *a, const kr_event *ev, int nev) {
    size_t need = sz(a->id) + sz(a->date) + sz(a->lang) + sz(a->title) + sz(a->text) + sz(a->url) + sz(a->source) + sz(a->origin);
    for (int i = 0; i < nev; i++)
        need += sz(ev[i].doc) + sz(ev[i].date) + sz(ev[i].source) + sz(ev[i].target) + sz(ev[i].code) + sz(ev[i].location) +
                sz(ev[i].source_text) + sz(ev[i].target_text) + sz(ev[i].verb_text) + sz(ev[i].text);
    if (need > sl->poolcap || (sl->poolcap > (1u << 20) && need < sl->poolcap / 4)) {
        free(sl->pool);
        sl->poolcap = need > 4096 ? need : 4096;
        sl->pool = kr_xmalloc(sl->poolcap);
    }
    char *w = sl->pool;
    kr_article *d = &sl->a;
    d->id = put_str(&w, a->id); d->date = put_str(&w, a->date); d->lang = put_str(&w, a->lang);
    d->title = put_str(&w, a->title); d->text = put_str(&w, a->text); d->url = put_str(&w, a->url);
    d->source = put_str(&w, a->source); d->origin = put_str(&w, a->origin);
    if (nev > sl->evcap) { sl->evcap = nev; sl->ev = kr_xrealloc(sl->ev, (size_t)nev * sizeof *sl->ev); }
    for (int i = 0; i < nev; i++) {
        kr_event *e = &sl->ev[i];
        *e = ev[i];
        e->doc = put_str(&w, ev[i].doc); e->date = put_str(&w, ev[i].date); e->source = put_str(&w, ev[i].source);
        e->target = put_str(&w, ev[i].target); e->code = put_str(&w, ev[i].code); e->location = put_str(&w, ev[i].location);
        e->source_text = put_str(&w, ev[i].source_text); e->target_text = put_str(&w, ev[i].target_text);
        e->verb_text = put_str(&w, ev[i].verb_text); e->text = put_str(&w, ev[i].text);
    }
    sl->nev = nev;
}

static void clear_progress(const pipeline *p) { if (p->progress) fputs("\r\033[K", stderr); }

static void *producer(void *arg) {
    pipeline *p = arg;
    int stop = 0;
    for (int f = 0; f < p->nin && !stop; f++) {
        kr_reader *r = kr_reader_open(p->inputs[f]);
        if (!r) { fprintf(stderr, "kroniek ingest: out of memory\n"); p->failed = 1; break; }
        kr_article a;
        kr_status st;
        while ((st = kr_reader_next(r, &a)) != KR_EOF) {
            if (stop_flag) { stop = 1; break; }
            if (st != KR_OK) {
                clear_progress(p);
                fprintf(stderr, "kroniek: %s\n", kr_reader_error(r));
                p->failed = 1;
                if (st != KR_ERR_IO) { p->nread++; p->nrej++; }
                continue;
            }
            p->nread++;
            char hash[65];
            kr_store_text_hash(a.text, a.text ? strlen(a.text) : 0, hash);
            if (p->ro && kr_store_seen(p->ro, a.id, hash) == 1) { p->nskip++; continue; }
            pthread_mutex_lock(&p->mu);
            while ((p->head - p->tail == NSLOT || p->qbytes > QUEUE_BYTES) && !p->abort) pthread_cond_wait(&p->cv, &p->mu);
            int ab = p->abort;
            long depth = p->head - p->tail;
            pthread_mutex_unlock(&p->mu);
            if (ab) { stop = 1; break; }
            if (!a.lang || !a.lang[0]) a.lang = p->lang;
            const char *where = a.origin ? a.origin : p->inputs[f];
            p->nev = 0;
            kr_arena_reset(&p->ar);
            st = kr_code_article(p->c, &a, keep_event, p);
            if (st != KR_OK) {
                clear_progress(p);
                fprintf(stderr, "kroniek: %s: article %s rejected: %s\n", where, a.id ? a.id : "?", kr_coder_error(p->c));
                p->nrej++; p->failed = 1;
                continue;
            }
            if (kr_coder_bad_bytes(p->c)) {
                clear_progress(p);
                fprintf(stderr, "kroniek: %s: article %s: %d invalid UTF-8 byte(s) replaced\n", where, a.id ? a.id : "?", kr_coder_bad_bytes(p->c));
            }
            slot *sl = &p->s[p->head % NSLOT];         /* ours until published */
            pack(sl, &a, p->ev, p->nev);
            memcpy(sl->hash, hash, sizeof hash);
            kr_store_prep_coder(sl->prep, &sl->a, p->c);
            if (depth >= ANALYSE_DEPTH) kr_store_prep_analyse(sl->prep, p->fts, &sl->a);
            sl->bytes = kr_store_prep_bytes(sl->prep) + sl->poolcap;
            pthread_mutex_lock(&p->mu);
            p->qbytes += sl->bytes;
            p->head++;
            pthread_cond_broadcast(&p->cv);
            pthread_mutex_unlock(&p->mu);
        }
        kr_reader_free(r);
    }
    pthread_mutex_lock(&p->mu);
    p->done = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void print_stats(kr_store *s, FILE *f) {
    kr_stats_row r;
    if (kr_store_stats(s, &r) != KR_OK) { fprintf(stderr, "kroniek ingest: %s\n", kr_store_error(s)); return; }
    fprintf(f, "backend %s, schema %d\narticles %ld (%s .. %s)\nsentences %ld\nevents %ld (one-a-day: %ld)\nactors %ld\n",
            kr_store_backend(s), kr_store_schema_version(s), r.articles, r.first ? r.first : "", r.last ? r.last : "",
            r.sentences, r.events, r.events_daily, r.actors);
}

static void ingest_usage(FILE *f) {
    fprintf(f, "usage: kroniek ingest [--db DB] [--batch N] [--lang nl|en] [-q] [dictionary options] [FILE|DIR|-]...\n"
               "       kroniek ingest [--db DB] --check | --stats\n"
               "  DB is an SQLite file (default $KRONIEK_DB or kroniek.db) or postgresql://...\n"
               "  articles already stored (same id or same text) are skipped; a killed ingest\n"
               "  loses nothing committed: run it again to store the rest\n");
}

int cmd_ingest(int argc, char **argv) {
    kr_dictopts dopt = {0};
    const char *db = default_db(), *lang = NULL;
    long batch = 200;
    int quiet = 0, check = 0, stats = 0;
    static const char *inputs[4096]; int nin = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (kr_dictopt(&dopt, argc, argv, &i)) continue;
        if (!strcmp(a, "--db") && i + 1 < argc) db = argv[++i];
        else if (!strcmp(a, "--batch") && i + 1 < argc) {
            char *end; batch = strtol(argv[++i], &end, 10);
            if (*end || batch < 1 || batch > 1000000) { fprintf(stderr, "kroniek ingest: --batch wants 1..1000000\n"); return 2; }
        } else if (!strcmp(a, "--lang") && i + 1 < argc) {
            lang = argv[++i];
            if (strcmp(lang, "nl") && strcmp(lang, "en")) { fprintf(stderr, "kroniek ingest: --lang must be nl or en\n"); return 2; }
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) quiet = 1;
        else if (!strcmp(a, "--check")) check = 1;
        else if (!strcmp(a, "--stats")) stats = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { ingest_usage(stdout); return 0; }
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "kroniek ingest: unknown option '%s'\n", a); ingest_usage(stderr); return 2; }
        else if (nin < 4096) inputs[nin++] = a;
        else { fprintf(stderr, "kroniek ingest: more than 4096 inputs; give directories instead\n"); return 2; }
    }
    if (check || stats) {
        if (nin) { fprintf(stderr, "kroniek ingest: --check and --stats only report; give no files\n"); return 2; }
        kr_store *s = open_store("ingest", db, 0, 0);
        if (!s) return 2;
        int rc = 0;
        if (stats) print_stats(s, stdout);
        if (check) {
            char msg[4096];
            kr_status st = kr_store_check(s, msg, sizeof msg);
            if (st == KR_OK) printf("%s: %s\n", db, msg);
            else { fprintf(stderr, "kroniek ingest: %s\n%s", kr_store_error(s), msg); rc = 1; }
        }
        kr_store_close(s);
        return rc;
    }
    if (!nin) {
        inputs[nin++] = "-";
        if (isatty(STDIN_FILENO)) fprintf(stderr, "kroniek ingest: reading articles from standard input (end with Ctrl-D)\n");
    }
    int empty_dir = 0;
    for (int i = 0; i < nin; i++) if (kr_dir_without_input(inputs[i])) {
        fprintf(stderr, "kroniek ingest: %s: no articles in this directory (no *.txt, *.jsonl or *.json files)\n", inputs[i]);
        empty_dir = 1;
    }

    kr_dict *d = kr_load_dicts(&dopt, 0);
    if (!d) return 2;
    kr_store *s = open_store("ingest", db, 1, 0);
    if (!s) { kr_dict_free(d); return 2; }
    if (kr_store_read_only(s)) {         /* issue 15: say so before reading anything */
        fprintf(stderr, "kroniek ingest: archive %s is read-only (%s): cannot ingest into it\n", db, kr_store_read_only(s));
        kr_store_close(s); kr_dict_free(d);
        return 2;
    }
    kr_store_set_dict(s, d);

    static pipeline P;
    pipeline *p = &P;
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->inputs = inputs; p->nin = nin; p->lang = lang;
    p->progress = !quiet && isatty(STDERR_FILENO);
    char err[1024];
    /* articles already stored are recognised before coding, through a second handle;
    ** only an optimisation (the writer checks again), and useless on an empty archive */
    if (kr_store_empty(s) == 0) p->ro = kr_store_open(db, 0, 1, err, sizeof err);
    p->fts = kr_fts_new();
    p->c = kr_coder_new(d);
    p->s = calloc(NSLOT, sizeof *p->s);
    int oom = !p->fts || !p->c || !p->s;
    for (int i = 0; i < NSLOT && !oom; i++) oom = !(p->s[i].prep = kr_store_prep_new());
    if (oom) { fprintf(stderr, "kroniek ingest: out of memory\n"); return 2; }
    long total = -1;
    if (p->progress) {
        long long budget = 2LL << 30;      /* scan at most 2 GB for the ETA */
        total = 0;
        for (int f = 0; f < nin && total >= 0; f++) { long k = count_path(inputs[f], 1, &budget); total = k < 0 ? -1 : total + k; }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    pthread_t th;
    if (pthread_create(&th, NULL, producer, p)) { fprintf(stderr, "kroniek ingest: cannot start a thread\n"); return 2; }

    long nstored = 0, nskip = 0, nev = 0, inbatch = 0, evbatch = 0;   /* nstored, nev: committed */
    int fatal = 0, intx = 0;
    double t0 = now_s(), tbatch = t0, tshow = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        if (p->tail == p->head && !p->done) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 250000000L;
            if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
            pthread_cond_timedwait(&p->cv, &p->mu, &ts);
        }
        int have = p->tail < p->head, end = p->done && !have;
        pthread_mutex_unlock(&p->mu);
        if (end) break;
        double t = now_s();
        if (have) {
            slot *sl = &p->s[p->tail % NSLOT];
            if (!intx) {
                if (kr_store_begin(s) != KR_OK) { fatal = 1; break; }
                intx = 1; tbatch = t;
            }
            int seen = kr_store_seen(s, sl->a.id, sl->hash);
            if (seen < 0) { fatal = 1; break; }
            /* issue 15: a bad article is rejected alone, with its file:line; before, an
            ** empty id rolled back the whole batch, and every rerun stopped there */
            const char *why = seen == 2 ? "another article with this id and a different text is already stored" : NULL;
            kr_status pst = KR_OK;
            if (seen == 1) nskip++;
            else if (!why && (pst = kr_store_put_prep(s, &sl->a, sl->hash, sl->ev, sl->nev, sl->prep)) == KR_OK) {
                inbatch++; evbatch += sl->nev;
            } else if (why || pst == KR_ERR_ARG) {
                clear_progress(p);
                fprintf(stderr, "kroniek: %s: article %.200s rejected: %s\n", sl->a.origin ? sl->a.origin : "?", sl->a.id ? sl->a.id : "?",
                        why ? why : kr_store_error(s));
                p->nrej++; p->failed = 1;
            } else { fatal = 1; break; }
            pthread_mutex_lock(&p->mu);
            p->qbytes -= sl->bytes;
            p->tail++;
            pthread_cond_broadcast(&p->cv);
            pthread_mutex_unlock(&p->mu);
        }
        /* commit full batches, and every 2 s so a slow input does not hold the lock */
        if (intx && (inbatch >= batch || t - tbatch >= 2.0)) {
            int rc = kr_store_commit(s);
            intx = 0;
            if (rc != KR_OK) { fatal = 1; break; }
            nstored += inbatch; nev += evbatch; inbatch = evbatch = 0;
        }
        if (p->progress && t - tshow >= 0.25) {
            tshow = t;
            long nread = p->nread;
            double rate = (double)nread / (t - t0 > 1e-3 ? t - t0 : 1e-3);
            fprintf(stderr, "\r\033[Kkroniek ingest: %ld", nread);
            if (total > 0) fprintf(stderr, "/%ld articles (%ld%%)", total, nread * 100 / total); else fputs(" articles", stderr);
            fprintf(stderr, ", %ld stored, %ld events, %.0f articles/s", nstored + inbatch, nev + evbatch, rate);
            if (total > nread && rate > 0) { long eta = (long)((double)(total - nread) / rate); fprintf(stderr, ", ETA %ld:%02ld", eta / 60, eta % 60); }
        }
    }
    if (fatal) {
        pthread_mutex_lock(&p->mu);
        p->abort = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    pthread_join(th, NULL);
    if (intx) {
        if (fatal) kr_store_rollback(s);
        else if (kr_store_commit(s) != KR_OK) fatal = 1;
        else { nstored += inbatch; nev += evbatch; }
    }
    clear_progress(p);
    if (fatal) fprintf(stderr, "kroniek ingest: %s\n", kr_store_error(s));
    double dt = now_s() - t0;
    long nread = p->nread;
    nskip += p->nskip;
    if (!quiet || fatal || stop_flag)
        fprintf(stderr, "kroniek ingest: %ld articles read: %ld stored, %ld already stored, %ld rejected; %ld events; %.1f s (%.0f articles/s)%s%s\n",
                nread, nstored, nskip, (long)p->nrej, nev, dt, dt > 0 ? (double)nread / dt : 0.0,
                stop_flag && !fatal ? "; interrupted: run again to store the rest" : "",
                fatal ? "; stopped: the last batch was rolled back, earlier batches are kept" : "");
    for (int i = 0; i < NSLOT; i++) { free(p->s[i].ev); free(p->s[i].pool); kr_store_prep_free(p->s[i].prep); }
    free(p->s);
    free(p->ev);
    kr_arena_free(&p->ar);
    kr_coder_free(p->c);
    kr_fts_free(p->fts);
    kr_store_close(p->ro);
    kr_store_close(s);
    kr_dict_free(d);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    if (fatal) return 2;
    if (stop_flag) return 130;
    return p->failed || empty_dir ? 1 : 0;
}

/* ------------------------------------------------------------------ search */

typedef struct { out_fmt fmt; long n; int width; } sctx;

static int search_row(void *ctx, const kr_search_row *r) {
    sctx *x = ctx;
    x->n++;
    if (x->fmt == OUT_JSONL) {
        fputs("{\"id\":", stdout); kr_json_str(stdout, r->id);
        fputs(",\"date\":", stdout); kr_json_str(stdout, r->date);
        fputs(",\"lang\":", stdout); kr_json_str(stdout, r->lang);
        fputs(",\"title\":", stdout); kr_json_str(stdout, r->title);
        printf(",\"rank\":%.6g,\"snippet\":", r->rank); kr_json_str(stdout, r->snippet);
        fputs("}\n", stdout);
    } else if (x->fmt == OUT_CSV) {
        csv_cell(stdout, r->id); putchar(','); csv_cell(stdout, r->date); putchar(','); csv_cell(stdout, r->lang);
        printf(",%.6g,", r->rank); csv_cell(stdout, r->title); putchar(','); csv_cell(stdout, r->snippet); putchar('\n');
    } else {
        printf("%3ld  %-10s  ", x->n, r->date);
        cellw(stdout, r->id, 24, 1);
        printf("  %-2s  ", r->lang);
        cellw(stdout, r->title ? r->title : "", x->width - 47 > 10 ? x->width - 47 : 10, 0);
        fputs("\n     ", stdout);
        cellw(stdout, r->snippet, x->width - 5, 0);
        fputs("\n", stdout);
    }
    return 0;
}

/* 'venezuela and maduro' searches for the word "and" too: say that operators are upper
** case when a lower-case and/or/not stands between two terms (outside quotes) */
static void lower_ops_note(const char *cmd, const char *q) {
    int inq = 0, prev_term = 0;
    const char *p = q;
    while (*p) {
        if (*p == '"') { inq = !inq; prev_term = 1; p++; continue; }
        if (inq || *p == ' ' || *p == '\t' || *p == '(' || *p == ')') { p++; continue; }
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '"' && *p != '(' && *p != ')') p++;
        size_t n = (size_t)(p - w);
        int op = (n == 3 && (!strncmp(w, "and", 3) || !strncmp(w, "not", 3))) || (n == 2 && !strncmp(w, "or", 2));
        if (op && prev_term) {
            const char *r = p;
            while (*r == ' ' || *r == '\t') r++;
            if (*r && *r != ')') {
                char up[4]; for (size_t i = 0; i < n; i++) up[i] = (char)(w[i] - 32); up[n] = 0;
                fprintf(stderr, "kroniek %s: note: operators are upper case: '%.*s' is searched as a word (write %s for the operator)\n",
                        cmd, (int)n, w, up);
                return;
            }
        }
        prev_term = 1;
    }
}

static void search_usage(FILE *f) {
    fprintf(f, "usage: kroniek search [--db DB] [--from D] [--to D] [--lang nl|en] [--limit N] [--offset N]\n"
               "                      [--format table|csv|jsonl] [--] QUERY\n"
               "  QUERY: words (stemmed, accents ignored), \"a phrase\", prefix*, AND, OR, NOT, ( )\n"
               "  e.g.  kroniek search 'Genève AND (besprekingen OR talks) NOT Kyiv'\n");
}

int cmd_search(int argc, char **argv) {
    opts o = {0};
    o.db = default_db();
    o.q.limit = 20;
    kr_buf query = {0};
    int rest = 0;                        /* after "--" everything is the query */
    for (int i = 1; i < argc; i++) {
        if (!rest && !strcmp(argv[i], "--")) { rest = 1; continue; }
        if (rest) {
            if (query.len) kr_buf_addc(&query, ' ');
            kr_buf_add(&query, argv[i], strlen(argv[i]));
            continue;
        }
        int k = query_opt("search", &o, argc, argv, &i);
        if (k < 0) return 2;
        if (k) continue;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { search_usage(stdout); return 0; }
        if (argv[i][0] == '-' && argv[i][1] == '-') { fprintf(stderr, "kroniek search: unknown option '%s'\n", argv[i]); search_usage(stderr); return 2; }
        if (query.len) kr_buf_addc(&query, ' ');
        kr_buf_add(&query, argv[i], strlen(argv[i]));
    }
    if (!query.len) { search_usage(stderr); return 2; }
    pick_format(&o);
    /* a bad query is reported before the archive is touched */
    char err[512];
    if (kr_store_query_check(query.p, err, sizeof err) != KR_OK) {
        fprintf(stderr, "kroniek search: bad query: %s\n", err);
        kr_buf_free(&query);
        return 2;
    }
    lower_ops_note("search", query.p);
    kr_store *s = open_store("search", o.db, 0, 1);
    if (!s) { kr_buf_free(&query); return 2; }
    sctx x = {o.fmt, o.q.offset, term_width()};
    if (o.fmt == OUT_CSV) puts("id,date,lang,rank,title,snippet");
    long total = -1;
    kr_status st = kr_store_search(s, query.p, &o.q, search_row, &x, o.fmt == OUT_TABLE ? &total : NULL);
    int rc = 0;
    if (st != KR_OK) { fprintf(stderr, "kroniek search: %s\n", kr_store_error(s)); rc = 2; }
    else if (o.fmt == OUT_TABLE) printf("%ld of %ld article(s)\n", x.n - o.q.offset, total);
    kr_store_close(s);
    kr_buf_free(&query);
    return rc ? rc : finish_output("search") ? 1 : 0;
}

/* ------------------------------------------------------------------ events, export */

typedef struct {
    out_fmt fmt; int width; long n; kr_format xfmt; int export; const kr_dict *d;
    const kr_names *nm; const char *lang;          /* names in tables and JSON/CSV */
    int one_a_day; long skip, limit, total;        /* one-a-day: paging done here */
    kr_daily seen;                                 /* one-a-day: groups written */
    kr_daily *counts;                                /* GDELT: counts of the groups */
    long dropped;                                  /* PLOVER: events without a category */
} ectx;

static int event_row(void *ctx, const kr_event_row *r) {
    ectx *x = ctx;
    const kr_event *e = &r->ev;
    if (x->one_a_day) {
        int isnew;
        kr_daily_group(&x->seen, e, &isnew);
        if (!isnew) return 0;
        x->total++;
        if (x->skip > 0) { x->skip--; return 0; }
        if (x->limit > 0 && x->n >= x->limit) return x->fmt == OUT_TABLE && !x->export ? 0 : 1;   /* the table counts on */
    }
    x->n++;
    if (x->export) {
        kr_event_info info = {r->url, r->title, r->lang, r->publisher, 0, 0, 0, x->nm};
        if (x->counts) {
            uint32_t gi = kr_daily_group(x->counts, e, NULL);
            const kr_daily_grp *g = &x->counts->g[gi - 1];
            info.mentions = g->mentions; info.articles = g->articles; info.sources = g->sources;
        }
        if (!kr_write_event_info(stdout, x->xfmt, e, x->d, r->id, &info)) { x->n--; x->dropped++; }
        return 0;
    }
    char sn[256], tn[256];
    kr_actor_name(x->nm, e->source, x->lang, sn, sizeof sn);
    kr_actor_name(x->nm, e->target, x->lang, tn, sizeof tn);
    if (x->fmt == OUT_JSONL) {
        printf("{\"id\":%ld,\"doc\":", r->id); kr_json_str(stdout, e->doc);
        fputs(",\"date\":", stdout); kr_json_str(stdout, e->date);
        printf(",\"sentence\":%d,\"source\":", e->sentence); kr_json_str(stdout, e->source);
        fputs(",\"target\":", stdout); kr_json_str(stdout, e->target);
        fputs(",\"code\":", stdout); kr_json_str(stdout, e->code);
        fputs(",\"root\":", stdout); kr_json_str(stdout, e->root);
        printf(",\"quad\":%d,\"goldstein\":%.1f,\"location\":", e->quad, e->goldstein); kr_json_str(stdout, e->location);
        fputs(",\"label\":", stdout); kr_json_str(stdout, r->label);
        fputs(",\"lang\":", stdout); kr_json_str(stdout, r->lang);
        fputs(",\"title\":", stdout); kr_json_str(stdout, r->title);
        fputs(",\"source_text\":", stdout); kr_json_str(stdout, e->source_text);
        fputs(",\"target_text\":", stdout); kr_json_str(stdout, e->target_text);
        fputs(",\"verb_text\":", stdout); kr_json_str(stdout, e->verb_text);
        fputs(",\"text\":", stdout); kr_json_str(stdout, e->text);
        fputs(",\"source_name\":", stdout); kr_json_str(stdout, sn);
        fputs(",\"target_name\":", stdout); kr_json_str(stdout, tn);
        fputs(",\"url\":", stdout); kr_json_str(stdout, r->url);
        fputs("}\n", stdout);
    } else if (x->fmt == OUT_CSV) {
        printf("%ld,", r->id); csv_cell(stdout, e->doc); putchar(','); csv_cell(stdout, e->date);
        printf(",%d,", e->sentence); csv_cell(stdout, e->source); putchar(','); csv_cell(stdout, e->target);
        putchar(','); csv_cell(stdout, e->code); putchar(','); csv_cell(stdout, e->root);
        printf(",%d,%.1f,", e->quad, e->goldstein); csv_cell(stdout, e->location); putchar(',');
        csv_cell(stdout, r->label); putchar(','); csv_cell(stdout, r->lang); putchar(',');
        csv_cell(stdout, e->source_text); putchar(','); csv_cell(stdout, e->target_text); putchar(',');
        csv_cell(stdout, e->verb_text); putchar(','); csv_cell(stdout, e->text); putchar(',');
        csv_cell(stdout, sn); putchar(','); csv_cell(stdout, tn); putchar(','); csv_cell(stdout, r->url); putchar('\n');
    } else {
        int codes = !strcmp(x->lang, "codes");
        printf("%-10s  ", e->date);
        cellw(stdout, e->doc, 20, 1); putchar(' ');
        cellw(stdout, codes ? e->source : sn, codes ? 12 : 22, 1); putchar(' ');
        cellw(stdout, codes ? e->target : tn, codes ? 12 : 22, 1);
        printf(" %-4s ", e->code);
        cellw(stdout, r->label ? r->label : "", 22, 1);
        printf(" %5.1f  ", e->goldstein);
        int used = codes ? 95 : 115;
        cellw(stdout, e->text, x->width - used > 20 ? x->width - used : 20, 0);
        putchar('\n');
    }
    return 0;
}

static void events_usage(FILE *f, const char *cmd) {
    int ex = !strcmp(cmd, "export");
    fprintf(f, "usage: kroniek %s [--db DB] [--actor A] [--source A] [--target A] [--dyad A,B] [--code C]\n"
               "          [--root R] [--quad Q] [--from D] [--to D] [--lang nl|en] [--text QUERY] [--doc ID]\n"
               "          [--limit N] [--offset N] [--one-a-day] %s\n"
               "  actors are codes (RUS matches RUSGOV: a prefix) or names of the dictionaries in Dutch\n"
               "  or English (Rusland, Russia, NAVO, VVD, 'Rusland: regering'); --dyad matches either\n"
               "  direction; --code 04 matches 040..0499; dates YYYY, YYYY-MM or YYYY-MM-DD, inclusive;\n"
               "  --one-a-day: one event per (date, source, target, code), the first in archive order\n%s",
            cmd, ex ? "--format gdelt|csv|jsonl|plover [--header] [dictionary options]"
                    : "[--format table|csv|jsonl] [--names nl|en|codes]",
            ex ? "  --format gdelt: the GDELT 1.0 columns, a header row only with --header; SOURCEURL is\n"
                 "  the article's url (else its id); NumMentions, NumArticles, NumSources count the events,\n"
                 "  articles and publishers of the event's one-a-day group in the selection\n"
                 "  --format plover: PLOVER JSON Lines (docs/ARCHIVE.md); CAMEO roots 01, 02 have no PLOVER\n"
                 "  category and are left out (counted on stderr)\n"
                 "  --format csv: cells starting with = + - @ get a ' in front (spreadsheet formulas)\n"
               : "  --names: actor names in the table (default: en, or nl when $LANG is Dutch); JSON Lines\n"
                 "  and CSV carry source_name and target_name too\n");
}

static int events_or_export(int argc, char **argv, int export) {
    const char *cmd = export ? "export" : "events";
    opts o = {0};
    o.db = default_db();
    kr_dictopts dopt = {0};
    kr_format xfmt = KR_FMT_JSONL;
    for (int i = 1; i < argc; i++) {
        if (export && kr_dictopt(&dopt, argc, argv, &i)) continue;
        if (export && !strcmp(argv[i], "--format") && i + 1 < argc) {
            if (!kr_format_parse(argv[++i], &xfmt)) { fprintf(stderr, "kroniek export: unknown format '%s' (gdelt, csv, jsonl, plover)\n", argv[i]); return 2; }
            continue;
        }
        if (export && !strcmp(argv[i], "--header")) { o.header = 1; continue; }
        int k = query_opt(cmd, &o, argc, argv, &i);
        if (k < 0) return 2;
        if (k) continue;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { events_usage(stdout, cmd); return 0; }
        fprintf(stderr, "kroniek %s: unknown option or argument '%s'\n", cmd, argv[i]);
        events_usage(stderr, cmd);
        return 2;
    }
    if (o.by_dyad || o.bucket) { fprintf(stderr, "kroniek %s: --by and --by-dyad are timeline options\n", cmd); return 2; }
    if (o.country_dyads) { fprintf(stderr, "kroniek %s: --dyad-level is a timeline option\n", cmd); return 2; }
    if (check_dates(cmd, &o)) return 2;
    pick_format(&o);
    if (o.q.text) {
        char err[512];
        if (kr_store_query_check(o.q.text, err, sizeof err) != KR_OK) { fprintf(stderr, "kroniek %s: bad --text query: %s\n", cmd, err); return 2; }
    }
    kr_dict *d = NULL;
    if (export && xfmt == KR_FMT_CSV && !(d = kr_load_dicts(&dopt, 1))) return 2;   /* CAMEO labels */
    kr_store *s = open_store(cmd, o.db, 0, 1);
    if (!s) { kr_dict_free(d); return 2; }
    kr_names *nm = load_names();
    if (resolve_actors(cmd, &o, s, nm)) { kr_names_free(nm); kr_store_close(s); kr_dict_free(d); return 1; }
    ectx x;
    memset(&x, 0, sizeof x);
    x.fmt = o.fmt; x.width = term_width(); x.xfmt = xfmt; x.export = export; x.d = d;
    x.nm = nm; x.lang = names_lang(&o); x.one_a_day = o.one_a_day;
    kr_daily counts;
    int rc = 0;
    kr_status st = KR_OK;
    if (export && xfmt == KR_FMT_TSV) {
        /* the counts of the groups first: a pass over the same selection */
        kr_daily_init(&counts);
        kr_query all = o.q; all.limit = 0; all.offset = 0;
        st = kr_store_events(s, &all, kr_daily_count, &counts, NULL);
        x.counts = &counts;
    }
    if (o.one_a_day) {
        kr_daily_init(&x.seen);
        x.skip = o.q.offset; x.limit = o.q.limit;
        o.q.offset = 0; o.q.limit = 0;
    }
    if (export && ((xfmt == KR_FMT_TSV && o.header) || xfmt == KR_FMT_CSV)) kr_write_header(stdout, xfmt);
    else if (!export && o.fmt == OUT_CSV) puts("id,doc,date,sentence,source,target,code,root,quad,goldstein,location,label,lang,source_text,target_text,verb_text,text,source_name,target_name,url");
    long total = -1;
    if (st == KR_OK) st = kr_store_events(s, &o.q, event_row, &x, !export && o.fmt == OUT_TABLE && !o.one_a_day ? &total : NULL);
    if (st != KR_OK) { fprintf(stderr, "kroniek %s: %s\n", cmd, kr_store_error(s)); rc = 2; }
    else if (!export && o.fmt == OUT_TABLE) printf("%ld of %ld event(s)%s\n", x.n, o.one_a_day ? x.total : total, o.one_a_day ? ", one a day" : "");
    if (x.dropped) fprintf(stderr, "kroniek export: %ld event(s) of CAMEO roots 01 and 02 left out: PLOVER has no category for them\n", x.dropped);
    if (x.counts) kr_daily_free(&counts);
    if (o.one_a_day) kr_daily_free(&x.seen);
    kr_names_free(nm);
    kr_store_close(s);
    kr_dict_free(d);
    return rc ? rc : finish_output(cmd) ? 1 : 0;
}

int cmd_events(int argc, char **argv) { return events_or_export(argc, argv, 0); }
int cmd_export(int argc, char **argv) { return events_or_export(argc, argv, 1); }

/* ------------------------------------------------------------------ timeline */

/* The timeline as printed: the archive's rows, dyads merged to their countries with
** --dyad-level country, and a zero row for every period (and dyad) without events
** between --from (else the first period) and --to (else the last). */
typedef struct { char *period, *source, *target; long count, daily; double gsum, q[5]; } trow;
typedef struct { trow *v; size_t n, cap; const kr_names *nm; int country; } tlist;

/* the country part of an actor code: its state, or the whole code for non-state actors */
static void country_of(const kr_names *nm, const char *code, char *out, size_t n) {
    char c3[4] = {0};
    if (strlen(code) > 3) {
        memcpy(c3, code, 3);
        char nl[8];
        /* a state has a name that is not a sector's (IGO, NGO, ...) */
        if (kr_actor_known(nm, c3) && strcmp(kr_actor_name(nm, c3, "nl", nl, sizeof nl), c3) &&
            strncmp(code, "IGO", 3) && strncmp(code, "NGO", 3) && strncmp(code, "IMG", 3) && strncmp(code, "MNC", 3)) {
            snprintf(out, n, "%s", c3); return;
        }
    }
    snprintf(out, n, "%s", code);
}

static int collect_row(void *ctx, const kr_timeline_row *r) {
    tlist *L = ctx;
    char s[72], t[72];
    if (L->country) { country_of(L->nm, r->source, s, sizeof s); country_of(L->nm, r->target, t, sizeof t); }
    else { snprintf(s, sizeof s, "%s", r->source); snprintf(t, sizeof t, "%s", r->target); }
    trow *w = NULL;
    if (L->country)      /* rows come sorted by period: merge within the period */
        for (size_t i = L->n; i-- > 0 && !strcmp(L->v[i].period, r->period);)
            if (!strcmp(L->v[i].source, s) && !strcmp(L->v[i].target, t)) { w = &L->v[i]; break; }
    if (!w) {
        if (L->n == L->cap) { L->cap = L->cap ? L->cap * 2 : 256; L->v = kr_xrealloc(L->v, L->cap * sizeof *L->v); }
        w = &L->v[L->n++];
        memset(w, 0, sizeof *w);
        w->period = strdup(r->period); w->source = strdup(s); w->target = strdup(t);
    }
    w->count += r->count; w->daily += r->count_daily; w->gsum += r->goldstein_sum;
    for (int k = 1; k <= 4; k++) w->q[k] += r->quad_share[k] * (double)r->count;
    return 0;
}

static int trow_cmp(const void *pa, const void *pb) {
    const trow *a = pa, *b = pb;
    int c = strcmp(a->period, b->period);
    if (!c) c = strcmp(a->source, b->source);
    return c ? c : strcmp(a->target, b->target);
}

/* calendar helpers for the periods (as the archive makes them: ISO weeks) */
static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static int mdays(int y, int m) { static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}; return m == 2 ? 28 + leap(y) : d[m - 1]; }
static int next_day(int d) {
    int y = d / 10000, m = d / 100 % 100, dd = d % 100;
    if (++dd > mdays(y, m)) { dd = 1; if (++m > 12) { m = 1; y++; } }
    return y * 10000 + m * 100 + dd;
}
static int wday(int y, int m, int d) {     /* 1 Monday .. 7 Sunday */
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3) y -= 1;
    int w = (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
    return w == 0 ? 7 : w;
}
static int doy(int y, int m, int d) { int n = d; for (int i = 1; i < m; i++) n += mdays(y, i); return n; }
static int isoweeks(int y) { int j = wday(y, 1, 1); return j == 4 || (j == 3 && leap(y)) ? 53 : 52; }
static void period_str(int day, const char *bucket, char *out, size_t n) {
    int y = day / 10000, m = day / 100 % 100, d = day % 100;
    if (bucket[0] == 'd') snprintf(out, n, "%04d-%02d-%02d", y, m, d);
    else if (bucket[0] == 'm') snprintf(out, n, "%04d-%02d", y, m);
    else {
        int w = (doy(y, m, d) - wday(y, m, d) + 10) / 7, wy = y;
        if (w < 1) { wy = y - 1; w = isoweeks(wy); }
        else if (w > isoweeks(y)) { wy = y + 1; w = 1; }
        snprintf(out, n, "%04d-W%02d", wy, w);
    }
}
/* the first day of a period string ("2022-01", "2022-W03", "2022-01-10"); 0 if bad */
static int period_day(const char *p) {
    int y, m, d;
    if (sscanf(p, "%4d-W%2d", &y, &m) == 2 && strchr(p, 'W')) {
        int day = y * 10000 + 104;                 /* 4 January is in week 1 */
        for (int back = wday(y, 1, 4) - 1; back > 0; back--) {      /* to its Monday */
            int dd = day % 100, mm = day / 100 % 100, yy = day / 10000;
            if (--dd < 1) { if (--mm < 1) { mm = 12; yy--; } dd = mdays(yy, mm); }
            day = yy * 10000 + mm * 100 + dd;
        }
        for (int i = 0; i < (m - 1) * 7; i++) day = next_day(day);
        return day;
    }
    if (sscanf(p, "%4d-%2d-%2d", &y, &m, &d) == 3) return y * 10000 + m * 100 + d;
    if (sscanf(p, "%4d-%2d", &y, &m) == 2) return y * 10000 + m * 100 + 1;
    return 0;
}

typedef struct { out_fmt fmt; int by_dyad; long n; const kr_names *nm; const char *lang; } tctx;

static int timeline_row(void *ctx, const kr_timeline_row *r) {
    tctx *x = ctx;
    x->n++;
    char sn[256] = "", tn[256] = "";
    if (x->by_dyad) { kr_actor_name(x->nm, r->source, x->lang, sn, sizeof sn); kr_actor_name(x->nm, r->target, x->lang, tn, sizeof tn); }
    if (x->fmt == OUT_JSONL) {
        fputs("{\"period\":", stdout); kr_json_str(stdout, r->period);
        if (x->by_dyad) {
            fputs(",\"source\":", stdout); kr_json_str(stdout, r->source); fputs(",\"target\":", stdout); kr_json_str(stdout, r->target);
            fputs(",\"source_name\":", stdout); kr_json_str(stdout, sn); fputs(",\"target_name\":", stdout); kr_json_str(stdout, tn);
        }
        printf(",\"count\":%ld,\"count_daily\":%ld,\"goldstein_sum\":%.1f,\"goldstein_mean\":%.3f,\"quad_share\":[%.4f,%.4f,%.4f,%.4f]}\n",
               r->count, r->count_daily, r->goldstein_sum, r->goldstein_mean, r->quad_share[1], r->quad_share[2], r->quad_share[3], r->quad_share[4]);
    } else if (x->fmt == OUT_CSV) {
        printf("%s,%s,%s,%ld,%ld,%.1f,%.3f,%.4f,%.4f,%.4f,%.4f,", r->period, r->source, r->target, r->count, r->count_daily,
               r->goldstein_sum, r->goldstein_mean, r->quad_share[1], r->quad_share[2], r->quad_share[3], r->quad_share[4]);
        csv_cell(stdout, sn); putchar(','); csv_cell(stdout, tn); putchar('\n');
    } else {
        int codes = !strcmp(x->lang, "codes");
        printf("%-10s  ", r->period);
        if (x->by_dyad) { cellw(stdout, codes ? r->source : sn, codes ? 14 : 24, 1); putchar(' '); cellw(stdout, codes ? r->target : tn, codes ? 14 : 24, 1); putchar(' '); }
        printf("%7ld %9ld %9.1f %7.2f   %4.0f%% %4.0f%% %4.0f%% %4.0f%%\n", r->count, r->count_daily, r->goldstein_sum, r->goldstein_mean,
               100 * r->quad_share[1], 100 * r->quad_share[2], 100 * r->quad_share[3], 100 * r->quad_share[4]);
    }
    return 0;
}

/* print the collected rows with zero rows for the empty periods; returns rows printed */
static void timeline_print(tlist *L, const opts *o, const char *bucket, tctx *x) {
    if (L->n > 1) qsort(L->v, L->n, sizeof *L->v, trow_cmp);
    int d0 = o->q.from ? bound_day(o->q.from, 0) : 0, d1 = o->q.to ? bound_day(o->q.to, 1) : 0;
    if (!d0 && L->n) d0 = period_day(L->v[0].period);
    if (!d1 && L->n) { d1 = period_day(L->v[L->n - 1].period); }
    /* the dyads (sorted, unique) */
    size_t nd = 0; trow **dy = NULL;
    if (o->by_dyad && L->n) {
        dy = kr_xmalloc(L->n * sizeof *dy);
        for (size_t i = 0; i < L->n; i++) dy[nd++] = &L->v[i];
        for (size_t i = 1; i < nd; i++) for (size_t j = i; j > 0; j--) {      /* few dyads: insertion sort */
            int c = strcmp(dy[j - 1]->source, dy[j]->source);
            if (!c) c = strcmp(dy[j - 1]->target, dy[j]->target);
            if (c <= 0) break;
            trow *t = dy[j]; dy[j] = dy[j - 1]; dy[j - 1] = t;
        }
        size_t u = 0;
        for (size_t i = 0; i < nd; i++) if (!u || strcmp(dy[u - 1]->source, dy[i]->source) || strcmp(dy[u - 1]->target, dy[i]->target)) dy[u++] = dy[i];
        nd = u;
    }
    long skip = o->q.offset, left = o->q.limit > 0 ? o->q.limit : -1;
    size_t ri = 0;
    char prev[16] = "", per[16];
    int stop = 0;
    for (int day = d0; day && day <= d1 && !stop; day = next_day(day)) {
        period_str(day, bucket, per, sizeof per);
        if (!strcmp(per, prev)) continue;
        snprintf(prev, sizeof prev, "%s", per);
        size_t k = o->by_dyad ? nd : 1;
        for (size_t j = 0; j < k && !stop; j++) {
            while (ri < L->n && strcmp(L->v[ri].period, per) < 0) ri++;        /* rows outside the range */
            const trow *w = NULL;
            if (ri < L->n && !strcmp(L->v[ri].period, per) &&
                (!o->by_dyad || (!strcmp(L->v[ri].source, dy[j]->source) && !strcmp(L->v[ri].target, dy[j]->target)))) w = &L->v[ri++];
            if (skip > 0) { skip--; continue; }
            kr_timeline_row r = {per, o->by_dyad ? dy[j]->source : "", o->by_dyad ? dy[j]->target : "", 0, 0, 0, 0, {0}};
            if (w) {
                r.count = w->count; r.count_daily = w->daily; r.goldstein_sum = w->gsum;
                r.goldstein_mean = w->count ? w->gsum / (double)w->count : 0;
                for (int q = 1; q <= 4; q++) r.quad_share[q] = w->count ? w->q[q] / (double)w->count : 0;
            }
            timeline_row(x, &r);
            if (left > 0 && --left == 0) stop = 1;
        }
    }
    free(dy);
}

int cmd_timeline(int argc, char **argv) {
    opts o = {0};
    o.db = default_db();
    for (int i = 1; i < argc; i++) {
        int k = query_opt("timeline", &o, argc, argv, &i);
        if (k < 0) return 2;
        if (k) continue;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: kroniek timeline [--db DB] [--by day|week|month] [--by-dyad] [--dyad-level country|code]\n"
                   "          [event filters as for events] [--format table|csv|jsonl] [--names nl|en|codes]\n"
                   "  per period (and dyad): events (one per article), one-a-day count (distinct date,\n"
                   "  source, target, code), Goldstein sum and mean, quad class shares.  Every period\n"
                   "  from --from (else the first with events) to --to (else the last) has a row, a zero\n"
                   "  row when nothing happened; with --by-dyad every dyad has a row in every period.\n"
                   "  --dyad-level country: dyads of countries (RUSGOV and RUSMIL count as RUS; non-state\n"
                   "  actors such as IGOWSTNAT stay whole); code (default): the full codes\n");
            return 0;
        }
        fprintf(stderr, "kroniek timeline: unknown option or argument '%s' (see kroniek timeline --help)\n", argv[i]);
        return 2;
    }
    if (o.one_a_day) { fprintf(stderr, "kroniek timeline: every row has the one-a-day count already (count_daily)\n"); return 2; }
    if (o.country_dyads && !o.by_dyad) o.by_dyad = 1;
    if (check_dates("timeline", &o)) return 2;
    pick_format(&o);
    if (o.q.text) {
        char err[512];
        if (kr_store_query_check(o.q.text, err, sizeof err) != KR_OK) { fprintf(stderr, "kroniek timeline: bad --text query: %s\n", err); return 2; }
    }
    kr_store *s = open_store("timeline", o.db, 0, 1);
    if (!s) return 2;
    kr_names *nm = load_names();
    if (resolve_actors("timeline", &o, s, nm)) { kr_names_free(nm); kr_store_close(s); return 1; }
    const char *bucket = o.bucket ? o.bucket : "month";
    tctx x = {o.fmt, o.by_dyad, 0, nm, names_lang(&o)};
    tlist L = {NULL, 0, 0, nm, o.country_dyads};
    kr_query q = o.q; q.limit = 0; q.offset = 0;          /* paging after the zero rows */
    kr_status st = kr_store_timeline(s, &q, bucket, o.by_dyad, collect_row, &L);
    int rc = 0;
    if (st != KR_OK) { fprintf(stderr, "kroniek timeline: %s\n", kr_store_error(s)); rc = 2; }
    else {
        if (o.fmt == OUT_CSV) puts("period,source,target,count,count_daily,goldstein_sum,goldstein_mean,verbal_coop,material_coop,verbal_conflict,material_conflict,source_name,target_name");
        else if (o.fmt == OUT_TABLE)
            printf("%-10s  %s%7s %9s %9s %7s   %5s %5s %5s %5s\n", "period",
                   !o.by_dyad ? "" : !strcmp(x.lang, "codes") ? "source         target         " : "source                   target                   ",
                   "count", "one-a-day", "Goldstein", "mean", "v.co", "m.co", "v.cf", "m.cf");
        timeline_print(&L, &o, bucket, &x);
    }
    for (size_t i = 0; i < L.n; i++) { free(L.v[i].period); free(L.v[i].source); free(L.v[i].target); }
    free(L.v);
    kr_names_free(nm);
    kr_store_close(s);
    return rc ? rc : finish_output("timeline") ? 1 : 0;
}
