/*
** cmd_code.c -- `kroniek code`: read articles, code them, write events.  Every
** rejected article is reported on stderr with its file:line and reason; with --stats
** the summary says articles in = coded + rejected.
*/
#include "kroniek.h"
#include "cmd.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <malloc.h>
#include <unistd.h>
#include <errno.h>

typedef struct { FILE *out; kr_format fmt; const kr_dict *d; long seq, nev; } outctx;

static int on_event(void *vctx, const kr_event *e) {
    outctx *o = vctx;
    kr_write_event(o->out, o->fmt, e, o->d, ++o->seq);
    o->nev++;
    return 0;
}

/* ---- parallel coding: the main thread reads the next round of articles while the
** workers code the current one; each worker writes into its own memory stream and the
** main thread writes the streams in input order, so output does not depend on -j. */
typedef struct { kr_article a; char *mem[8]; char *raw; size_t rawlen; } owned_article;

static void own(owned_article *o, const kr_article *a) {
    const char *src[8] = { a->id, a->date, a->lang, a->title, a->text, a->url, a->source, a->origin };
    for (int i = 0; i < 8; i++) o->mem[i] = src[i] ? strdup(src[i]) : NULL;
    o->a.id = o->mem[0]; o->a.date = o->mem[1]; o->a.lang = o->mem[2]; o->a.title = o->mem[3];
    o->a.text = o->mem[4]; o->a.url = o->mem[5]; o->a.source = o->mem[6]; o->a.origin = o->mem[7];
    o->a.options = NULL;     /* set when a JSON Lines record is parsed (kept in mem[7]); seed files have none */
}
static char *kr_memdup(const char *p, size_t n) { char *c = malloc(n + 1); if (!c) { fprintf(stderr, "kroniek: out of memory\n"); exit(2); } memcpy(c, p, n); c[n] = 0; return c; }
static void disown(owned_article *o) { for (int i = 0; i < 8; i++) { free(o->mem[i]); o->mem[i] = NULL; } free(o->raw); o->raw = NULL; }

typedef struct {
    owned_article *arts; int n;        /* this round */
    long base;                         /* input index of arts[0] */
    char *rej; size_t rejn;            /* reader errors, written before the round */
    int next;                          /* next article to take (atomic): workers share the round */
    struct { int w; long ooff, olen, eoff, elen; } *pos;   /* where each article's output went */
} round_t;

typedef struct worker {
    pthread_t th; int idx;
    kr_coder *c; const kr_dict *d; kr_format fmt; const char *lang; int split_only;
    round_t *rd;                        /* the round being coded */
    char *out; size_t outn; FILE *fo;
    char *err; size_t errn; FILE *fe;
    long nev, ncoded, nrej, nsent, nbad;
    pthread_mutex_t mu; pthread_cond_t cv; int go, done, quit;
} worker;

static void code_one(worker *w, outctx *op, int i);
static void code_slice(worker *w) {
    w->fo = open_memstream(&w->out, &w->outn);
    w->fe = open_memstream(&w->err, &w->errn);
    outctx o = { w->fo, w->fmt, w->d, 0, 0 };
    for (;;) {
        /* take the next article of the round: fast workers take more (no barrier per slice) */
        int i = __atomic_fetch_add(&w->rd->next, 1, __ATOMIC_RELAXED);
        if (i >= w->rd->n) break;
        w->rd->pos[i].w = w->idx;
        w->rd->pos[i].ooff = ftell(w->fo); w->rd->pos[i].eoff = ftell(w->fe);
        code_one(w, &o, i);
        w->rd->pos[i].olen = ftell(w->fo) - w->rd->pos[i].ooff;
        w->rd->pos[i].elen = ftell(w->fe) - w->rd->pos[i].eoff;
    }
    w->nev += o.nev;
    fclose(w->fo); fclose(w->fe);
}

static void code_one(worker *w, outctx *op, int i) {
    outctx o = *op;
    {
        owned_article *oa = &w->rd->arts[i];
        if (oa->raw) {
            char err[1200];
            char *origin = oa->mem[7];
            oa->mem[7] = NULL;
            kr_status ps = kr_article_parse_json(oa->raw, oa->rawlen, origin ? origin : "?", &oa->a, oa->mem, err, sizeof err);
            free(origin);
            if (ps != KR_OK) { fprintf(w->fe, "kroniek: %s\n", err); w->nrej++; op->nev = o.nev; return; }
        }
        kr_article a2 = oa->a;
        o.seq = (w->rd->base + i + 1) * 1000;   /* event ids: article number * 1000 + n, independent of -j */
        if (w->lang && (!a2.lang || !a2.lang[0])) a2.lang = w->lang;
        kr_status st;
        if (w->split_only) st = kr_split_article(w->c, &a2) < 0 ? KR_ERR_PARSE : KR_OK;
        else st = kr_code_article(w->c, &a2, on_event, &o);
        if (st != KR_OK) {
            fprintf(w->fe, "kroniek: %s: article %s rejected: %s\n", a2.origin ? a2.origin : "?", a2.id ? a2.id : "?", kr_coder_error(w->c));
            w->nrej++; op->nev = o.nev; return;
        }
        w->ncoded++; w->nsent += kr_coder_nsentences(w->c);
        if (kr_coder_bad_bytes(w->c)) {
            w->nbad += kr_coder_bad_bytes(w->c);
            fprintf(w->fe, "kroniek: %s: article %s: %d invalid UTF-8 byte(s) replaced\n", a2.origin ? a2.origin : "?", a2.id ? a2.id : "?", kr_coder_bad_bytes(w->c));
        }
    }
    op->nev = o.nev;
}

static void *worker_main(void *arg) {
    worker *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->go && !w->quit) pthread_cond_wait(&w->cv, &w->mu);
        if (w->quit) { pthread_mutex_unlock(&w->mu); return NULL; }
        w->go = 0;
        pthread_mutex_unlock(&w->mu);
        code_slice(w);
        pthread_mutex_lock(&w->mu);
        w->done = 1; pthread_cond_signal(&w->cv);
        pthread_mutex_unlock(&w->mu);
    }
}

/* read up to max articles into rd; returns 0 at end of all input */
typedef struct { const char **inputs; int nin, cur; kr_reader *r; long nread, nrej_read; int failed; } input_state;

static int read_round(input_state *in, round_t *rd, int max) {
    rd->n = 0;
    FILE *fe = open_memstream(&rd->rej, &rd->rejn);
    while (rd->n < max) {
        if (!in->r) {
            if (in->cur >= in->nin) break;
            in->r = kr_reader_open(in->inputs[in->cur++]);
            if (!in->r) { fprintf(stderr, "kroniek: out of memory\n"); exit(2); }
        }
        kr_article a;
        const char *raw; size_t rawlen;
        kr_status st = kr_reader_next_raw(in->r, &a, &raw, &rawlen);
        if (st == KR_EOF) { kr_reader_free(in->r); in->r = NULL; continue; }
        if (st != KR_OK) {
            fprintf(fe, "kroniek: %s\n", kr_reader_error(in->r));
            in->failed = 1;
            if (st != KR_ERR_IO) { in->nread++; in->nrej_read++; }
            continue;
        }
        in->nread++;
        owned_article *oa = &rd->arts[rd->n++];
        own(oa, &a);
        if (raw) { oa->raw = kr_memdup(raw, rawlen); oa->rawlen = rawlen; }
    }
    fclose(fe);
    return rd->n > 0 || rd->rejn > 0;
}

static void code_usage(FILE *f) {
    fprintf(f,
"usage: kroniek code [--format jsonl|tsv|csv|plover] [--lang nl|en] [-j N] [--stats]\n"
"                    [--trace] [dictionary options] [FILE|DIR|-]...\n"
"  Codes articles (seed format: a first line with the date, then the text; or JSON\n"
"  Lines {id,date,lang?,title?,text,url?,source?}; a directory: every file in it;\n"
"  - or nothing: standard input) and writes one event per line on standard output.\n"
"  --format F            jsonl (default), tsv (the 58 GDELT 1.0 columns, a header row only\n"
"                        with --header), csv (cells starting with = + - @ get a ' in front),\n"
"                        plover (PLOVER JSON Lines; CAMEO roots 01, 02 are left out)\n"
"  --lang L              language of articles that do not say (default: detected)\n"
"  -j N, --threads N     code on N threads, output in input order (1..64)\n"
"  --stats               print \"N articles read: X coded, Y rejected\" and more on stderr\n"
"  --trace               print clauses, actors and triggers on stderr (one thread)\n"
"%s"
"exit status: 0 all articles coded, 1 some input rejected (file:line on stderr),\n"
"             2 usage or dictionary error\n", kr_dictopts_help);
}

int cmd_code(int argc, char **argv) {
    kr_dictopts dopt = {0};
    kr_format fmt = KR_FMT_JSONL;
    const char *lang = NULL;
    int stats = 0, trace = 0, threads = 1, split_only = 0, header = 0;
    /* every argument is kept: argv outlives the command, so point into it */
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs); int nin = 0;
    if (!inputs) { fprintf(stderr, "kroniek: out of memory\n"); return 2; }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (kr_dictopt(&dopt, argc, argv, &i)) continue;
        if (!strcmp(a, "--format") && i + 1 < argc) {
            if (!kr_format_parse(argv[++i], &fmt)) { fprintf(stderr, "kroniek code: unknown format '%s' (jsonl, tsv, csv, plover)\n", argv[i]); return 2; }
        } else if (!strcmp(a, "--lang") && i + 1 < argc) {
            lang = argv[++i];
            if (strcmp(lang, "nl") && strcmp(lang, "en")) { fprintf(stderr, "kroniek code: --lang must be nl or en\n"); return 2; }
        } else if ((!strcmp(a, "-j") || !strcmp(a, "--threads")) && i + 1 < argc) {
            threads = atoi(argv[++i]);
            if (threads < 1 || threads > 64) { fprintf(stderr, "kroniek code: -j wants 1..64\n"); return 2; }
        } else if (!strcmp(a, "--split-only")) split_only = 1;   /* benchmark floor: read, normalize, split */
        else if (!strncmp(a, "-j", 2) && a[2]) {
            threads = atoi(a + 2);
            if (threads < 1 || threads > 64) { fprintf(stderr, "kroniek code: -j wants 1..64\n"); return 2; }
        } else if (!strcmp(a, "--stats")) stats = 1;
        else if (!strcmp(a, "--header")) header = 1;
        else if (!strcmp(a, "--trace")) trace = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { code_usage(stdout); free(inputs); return 0; }
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "kroniek code: unknown option '%s'\n", a); code_usage(stderr); free(inputs); return 2; }
        else inputs[nin++] = a;
    }
    if (!nin) {
        inputs[nin++] = "-";
        if (isatty(STDIN_FILENO))
            fprintf(stderr, "kroniek code: reading articles from standard input (end with Ctrl-D; give files or\n"
                            "  directories as arguments, see kroniek code --help)\n");
    }
    int empty_dir = 0;
    for (int i = 0; i < nin; i++) if (kr_dir_without_input(inputs[i])) {
        fprintf(stderr, "kroniek code: %s: no articles in this directory (no *.txt, *.jsonl or *.json files)\n", inputs[i]);
        empty_dir = 1;
    }
    if (trace) threads = 1;
    /* flat memory on any input size: large buffers (long articles, output of a round)
    ** come from mmap and go back to the system when freed */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    kr_dict *d = kr_load_dicts(&dopt, 0);
    if (!d) { free(inputs); return 2; }
    /* GDELT files have no header row (tools read them by column position): only on request */
    if ((fmt == KR_FMT_TSV && header) || fmt == KR_FMT_CSV) kr_write_header(stdout, fmt);

    enum { PER_WORKER = 128 };
    int roundmax = PER_WORKER * threads;
    round_t rounds[2];
    for (int i = 0; i < 2; i++) {
        rounds[i].arts = calloc((size_t)roundmax, sizeof(owned_article)); rounds[i].n = 0; rounds[i].rej = NULL; rounds[i].rejn = 0;
        rounds[i].pos = calloc((size_t)roundmax, sizeof *rounds[i].pos);
    }
    worker *W = calloc((size_t)threads, sizeof *W);
    for (int t = 0; t < threads; t++) {
        W[t].idx = t; W[t].d = d; W[t].fmt = fmt; W[t].lang = lang; W[t].split_only = split_only;
        W[t].c = kr_coder_new(d);
        if (trace) kr_coder_trace(W[t].c, stderr);
        pthread_mutex_init(&W[t].mu, NULL); pthread_cond_init(&W[t].cv, NULL);
        if (threads > 1) pthread_create(&W[t].th, NULL, worker_main, &W[t]);
    }
    input_state in = { inputs, nin, 0, NULL, 0, 0, 0 };
    int cur = 0;
    int have = read_round(&in, &rounds[cur], roundmax);
    rounds[cur].base = 0;
    while (have) {
        round_t *rd = &rounds[cur];
        /* start the workers on this round */
        rd->next = 0;
        for (int t = 0; t < threads; t++) {
            W[t].rd = rd;
            if (threads > 1) { pthread_mutex_lock(&W[t].mu); W[t].done = 0; W[t].go = 1; pthread_cond_signal(&W[t].cv); pthread_mutex_unlock(&W[t].mu); }
        }
        if (threads == 1) code_slice(&W[0]);
        /* meanwhile read the next round */
        int nxt = 1 - cur;
        have = read_round(&in, &rounds[nxt], roundmax);
        rounds[nxt].base = rd->base + rd->n;
        if (threads > 1) for (int t = 0; t < threads; t++) {
            pthread_mutex_lock(&W[t].mu);
            while (!W[t].done) pthread_cond_wait(&W[t].cv, &W[t].mu);
            pthread_mutex_unlock(&W[t].mu);
        }
        /* write this round in input order */
        if (rd->rejn) fwrite(rd->rej, 1, rd->rejn, stderr);
        for (int i = 0; i < rd->n; i++) {
            const worker *w = &W[rd->pos[i].w];
            if (rd->pos[i].elen) fwrite(w->err + rd->pos[i].eoff, 1, (size_t)rd->pos[i].elen, stderr);
            if (rd->pos[i].olen) fwrite(w->out + rd->pos[i].ooff, 1, (size_t)rd->pos[i].olen, stdout);
        }
        for (int t = 0; t < threads; t++) {
            free(W[t].out); W[t].out = NULL; W[t].outn = 0;
            free(W[t].err); W[t].err = NULL; W[t].errn = 0;
        }
        for (int i = 0; i < rd->n; i++) disown(&rd->arts[i]);
        if ((rd->base / roundmax) % 64 == 63) malloc_trim(0);   /* give freed heap back now and then */
        free(rd->rej); rd->rej = NULL; rd->rejn = 0; rd->n = 0;
        cur = nxt;
    }
    long ncoded = 0, nrej = in.nrej_read, nsent = 0, nbad = 0, nev = 0;
    for (int t = 0; t < threads; t++) {
        if (threads > 1) {
            pthread_mutex_lock(&W[t].mu); W[t].quit = 1; pthread_cond_signal(&W[t].cv); pthread_mutex_unlock(&W[t].mu);
            pthread_join(W[t].th, NULL);
        }
        ncoded += W[t].ncoded; nrej += W[t].nrej; nsent += W[t].nsent; nbad += W[t].nbad; nev += W[t].nev;
        kr_coder_free(W[t].c);
        pthread_mutex_destroy(&W[t].mu); pthread_cond_destroy(&W[t].cv);
    }
    free(W);
    for (int i = 0; i < 2; i++) { free(rounds[i].arts); free(rounds[i].pos); free(rounds[i].rej); }   /* rej: the last, empty round's memstream too */
    fflush(stdout);
    if (stats) fprintf(stderr, "kroniek: %ld articles read: %ld coded, %ld rejected; %ld sentences, %ld events, %ld bad bytes\n", in.nread, ncoded, nrej, nsent, nev, nbad);
    kr_dict_free(d);
    free(inputs);
    if (ferror(stdout)) { fprintf(stderr, "kroniek: error writing output\n"); return 1; }
    return (in.failed || nrej || empty_dir) ? 1 : 0;
}

static void eval_usage(FILE *f) {
    fprintf(f,
"usage: kroniek eval --gold GOLD.jsonl (--pred EVENTS.jsonl | ARTICLES...)\n"
"                    [--min-precision P] [--min-recall R] [--quiet] [dictionary options]\n"
"  Scores events against a gold file (format and rules: ../shared/eval/GUIDE.md, the\n"
"  shared data next to this repository): the events of\n"
"  --pred (JSON Lines as written by kroniek code), or of the ARTICLES coded now.\n"
"  A gold event with a \"quote\" matches an event whose \"text\" contains it (case,\n"
"  white space and quote marks folded); one without, an event within one sentence.\n"
"  Prints misses and false events per article (unless --quiet), a table per CAMEO\n"
"  root (gold, matched, recall; predicted, correct, precision), then precision,\n"
"  recall and F1 on the last line.\n"
"  --min-precision P, --min-recall R   exit 1 if a score is below (0..1)\n"
"%s"
"exit status: 0, 1 below a minimum, 2 usage or file error\n", kr_dictopts_help);
}

/* eval.c: kr_eval_files with the misses and the per-root table on two streams (either
** may be NULL), so that --quiet keeps the table; not part of the public header */
kr_status kr_eval_files_rep(const char *gold, const char *pred, FILE *rep, FILE *table, kr_score *out,
                            char *err, size_t errlen);

int cmd_eval(int argc, char **argv) {
    const char *gold = NULL, *pred = NULL;
    double minp = -1, minr = -1;
    int quiet = 0;
    kr_dictopts dopt = {0};
    /* every argument is kept: argv outlives the command, so point into it */
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs); int nin = 0;
    if (!inputs) { fprintf(stderr, "kroniek: out of memory\n"); return 2; }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (kr_dictopt(&dopt, argc, argv, &i)) continue;
        if (!strcmp(a, "--gold") && i + 1 < argc) gold = argv[++i];
        else if (!strcmp(a, "--pred") && i + 1 < argc) pred = argv[++i];
        else if (!strcmp(a, "--min-precision") && i + 1 < argc) minp = atof(argv[++i]);
        else if (!strcmp(a, "--min-recall") && i + 1 < argc) minr = atof(argv[++i]);
        else if (!strcmp(a, "--quiet")) quiet = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { eval_usage(stdout); free(inputs); return 0; }
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "kroniek eval: unknown option '%s'\n", a); eval_usage(stderr); free(inputs); return 2; }
        else inputs[nin++] = a;
    }
    if (!gold || (!pred && !nin)) { eval_usage(stderr); free(inputs); return 2; }
    /* a gold file without events would score anything as perfect recall: an error */
    {
        FILE *g = fopen(gold, "r");
        if (!g) { fprintf(stderr, "kroniek eval: %s: cannot read: %s\n", gold, strerror(errno)); free(inputs); return 2; }
        int c, any = 0;
        while (!any && (c = getc(g)) != EOF) any = !(c == ' ' || c == '\n' || c == '\r' || c == '\t');
        fclose(g);
        if (!any) { fprintf(stderr, "kroniek eval: %s: the gold file holds no events\n", gold); free(inputs); return 2; }
    }
    for (int i = 0; i < nin; i++) if (kr_dir_without_input(inputs[i])) {
        fprintf(stderr, "kroniek eval: %s: no articles in this directory (no *.txt, *.jsonl or *.json files)\n", inputs[i]);
        free(inputs); return 2;
    }
    char tmpl[] = "/tmp/kroniek-eval-XXXXXX";
    if (!pred) {
        int fd = mkstemp(tmpl);
        if (fd < 0) { perror("kroniek eval: temporary file"); return 2; }
        FILE *f = fdopen(fd, "w");
        kr_dict *d = kr_load_dicts(&dopt, 0);
        if (!d) return 2;
        kr_coder *c = kr_coder_new(d);
        outctx o = { f, KR_FMT_JSONL, d, 0, 0 };
        for (int i = 0; i < nin; i++) {
            kr_reader *r = kr_reader_open(inputs[i]);
            kr_article a; kr_status st;
            while ((st = kr_reader_next(r, &a)) != KR_EOF) {
                if (st != KR_OK) { fprintf(stderr, "kroniek: %s\n", kr_reader_error(r)); continue; }
                if (kr_code_article(c, &a, on_event, &o) != KR_OK) fprintf(stderr, "kroniek: article %s rejected: %s\n", a.id, kr_coder_error(c));
            }
            kr_reader_free(r);
        }
        fclose(f);
        kr_coder_free(c); kr_dict_free(d);
        pred = tmpl;
    }
    kr_score s; char err[1024] = "";
    kr_status st = kr_eval_files_rep(gold, pred, quiet ? NULL : stdout, stdout, &s, err, sizeof err);
    free(inputs);
    if (pred == tmpl) remove(tmpl);
    if (st != KR_OK) { fprintf(stderr, "kroniek eval: %s\n", err); return 2; }
    printf("precision %.3f (%d/%d)  recall %.3f (%d/%d)  F1 %.3f  (optional matched: %d)\n",
           s.precision, s.matched, s.predicted, s.recall, s.matched, s.gold_required, s.f1, s.optional_matched);
    if ((minp >= 0 && s.precision < minp) || (minr >= 0 && s.recall < minr)) {
        fprintf(stderr, "kroniek eval: below the required precision %.2f / recall %.2f\n", minp, minr);
        return 1;
    }
    return 0;
}

static void dict_usage(FILE *f) {
    fprintf(f,
"usage: kroniek dict check|stats|convert [--lang nl|en] [dictionary options] [FILES...]\n"
"       kroniek dict names [--data DIR] CODE|NAME...\n"
"  check     load the dictionaries (the built-in ones, --data DIR, or FILES on top of\n"
"            the CAMEO code table and word lists) and report every problem as\n"
"            file:line: message, the sector names (nl/sectors.txt, en/sectors.txt)\n"
"            included; exit 1 if there are errors, 2 if a file is\n"
"            larger than the limit for dictionaries (64 MiB)\n"
"  names     the Dutch and English names of actor codes (RUSGOV: Rusland: regering,\n"
"            Russia: government), or the codes of names (Rusland, NAVO, VVD); exit 1\n"
"            if a name has no code\n"
"  stats     count entries per file and kind\n"
"  convert   write FILES (TABARI or PETRARCH format, detected) in kroniek's format\n"
"  --lang L  language of FILES whose name does not say\n"
"%s", kr_dictopts_help);
}

/* `kroniek dict names CODE|NAME...`: a code (capitals and digits) gets its names, a name
** its codes */
static int dict_names(int argc, char **argv) {
    const char *dir = getenv("KRONIEK_DATA");
    int rc = 0, n = 0;
    for (int i = 1; i < argc; i++) if (!strcmp(argv[i], "--data") && i + 1 < argc) { dir = argv[++i]; argv[i - 1] = argv[i] = NULL; }
    kr_names *nm = kr_names_new(dir && *dir ? dir : NULL);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!a) continue;
        n++;
        int code = *a != 0;
        for (const char *p = a; *p; p++) if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) code = 0;
        char codes[16][KR_CODE_MAX];
        int k = code && kr_actor_known(nm, a) ? 0 : kr_actor_lookup(nm, a, codes, 16);
        if (code && !k) {
            char nl[256], en[256];
            printf("%s\t%s\t%s\n", a, kr_actor_name(nm, a, "nl", nl, sizeof nl), kr_actor_name(nm, a, "en", en, sizeof en));
            continue;
        }
        if (!k) { fprintf(stderr, "kroniek dict names: no actor is called '%s'\n", a); rc = 1; continue; }
        for (int j = 0; j < k && j < 16; j++) {
            char nl[256], en[256];
            printf("%s\t%s\t%s\t%s\n", a, codes[j], kr_actor_name(nm, codes[j], "nl", nl, sizeof nl), kr_actor_name(nm, codes[j], "en", en, sizeof en));
        }
    }
    kr_names_free(nm);
    if (!n) { fprintf(stderr, "usage: kroniek dict names [--data DIR] CODE|NAME...\n"); return 2; }
    return rc;
}

int cmd_dict(int argc, char **argv) {
    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) { dict_usage(stdout); return 0; }
    if (argc < 2) { dict_usage(stderr); return 2; }
    const char *sub = argv[1];
    if (!strcmp(sub, "names")) return dict_names(argc - 1, argv + 1);
    if (strcmp(sub, "check") && strcmp(sub, "stats") && strcmp(sub, "convert")) {
        fprintf(stderr, "kroniek dict: unknown sub-command '%s' (check, stats, convert, names)\n", sub);
        dict_usage(stderr);
        return 2;
    }
    kr_dictopts dopt = {0};
    const char *files[256]; int nf = 0;
    const char *lang = NULL;
    for (int i = 2; i < argc; i++) {
        if (kr_dictopt(&dopt, argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--lang") && i + 1 < argc) { lang = argv[++i]; continue; }
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { dict_usage(stdout); return 0; }
        if (argv[i][0] == '-' && argv[i][1]) { fprintf(stderr, "kroniek dict: unknown option '%s'\n", argv[i]); dict_usage(stderr); return 2; }
        if (nf < 256) files[nf++] = argv[i];
    }
    kr_dict *d = kr_dict_new();
    const char *dir = dopt.data_dir ? dopt.data_dir : getenv("KRONIEK_DATA");
    int too_big = 0;                      /* a file over KR_MAX_DICT: exit 2, not 1 */
    if (nf) {
        /* check given files on top of the CAMEO code table and word lists */
        if (dir) kr_dict_load_dir(d, dir); else kr_dict_load_builtin(d);
        for (int i = 0; i < nf; i++) if (kr_dict_load_file(d, files[i], lang, NULL) == KR_ERR_LIMIT) too_big = 1;
    } else if (dir) kr_dict_load_dir(d, dir);
    else kr_dict_load_builtin(d);
    for (int i = 0; i < dopt.nextra; i++) if (kr_dict_load_file(d, dopt.extra[i][1], lang, dopt.extra[i][0]) == KR_ERR_LIMIT) too_big = 1;
    kr_dict_finish(d);
    int rc = 0;
    if (!strcmp(sub, "check")) {
        kr_dict_check(d);
        fputs(kr_dict_messages(d), stdout);
        /* the sector names of the display names (src/names.c) */
        int nerr = 0, nwarn = 0;
        kr_names *nm = nf ? NULL : kr_names_new(dir);
        if (nm) fputs(kr_names_messages(nm, &nerr, &nwarn), stdout);
        kr_names_free(nm);
        printf("%d error(s), %d warning(s)\n", kr_dict_nerrors(d) + nerr, kr_dict_nwarnings(d) + nwarn);
        kr_dict_stats(d, stdout);
        rc = kr_dict_nerrors(d) || nerr ? 1 : 0;
    } else if (!strcmp(sub, "stats")) {
        kr_dict_stats(d, stdout);
        rc = kr_dict_nerrors(d) ? 1 : 0;
    } else if (!strcmp(sub, "convert")) {
        fputs(kr_dict_messages(d), stderr);
        kr_status st = kr_dict_write(d, stdout, NULL);
        rc = st != KR_OK || kr_dict_nerrors(d) ? 1 : 0;
    }
    kr_dict_free(d);
    return rc && too_big ? 2 : rc;
}
