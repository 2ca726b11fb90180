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

typedef struct { FILE *out; kr_format fmt; const kr_dict *d; long seq, nev; } outctx;

static int on_event(void *vctx, const kr_event *e) {
    outctx *o = vctx;
    kr_write_event(o->out, o->fmt, e, o->d, ++o->seq);
    o->nev++;
    return 0;
}

int cmd_code(int argc, char **argv) {
    kr_dictopts dopt = {0};
    kr_format fmt = KR_FMT_JSONL;
    const char *lang = NULL;
    int stats = 0, trace = 0, threads = 1;
    const char *inputs[4096]; int nin = 0;
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
            if (threads < 1 || threads > 256) { fprintf(stderr, "kroniek code: -j wants 1..256\n"); return 2; }
        } else if (!strcmp(a, "--stats")) stats = 1;
        else if (!strcmp(a, "--trace")) trace = 1;
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "kroniek code: unknown option '%s'\n", a); return 2; }
        else if (nin < 4096) inputs[nin++] = a;
    }
    if (!nin) inputs[nin++] = "-";
    kr_dict *d = kr_load_dicts(&dopt, 0);
    if (!d) return 2;
    kr_coder *c = kr_coder_new(d);
    if (trace) kr_coder_trace(c, stderr);
    outctx o = { stdout, fmt, d, 0, 0 };
    if (fmt == KR_FMT_TSV || fmt == KR_FMT_CSV) kr_write_header(stdout, fmt);
    long nread = 0, ncoded = 0, nrej = 0, nsent = 0, nbad = 0;
    int failed = 0;
    for (int f = 0; f < nin; f++) {
        kr_reader *r = kr_reader_open(inputs[f]);
        if (!r) { fprintf(stderr, "kroniek: out of memory\n"); return 2; }
        kr_article a;
        kr_status st;
        while ((st = kr_reader_next(r, &a)) != KR_EOF) {
            if (st != KR_OK) {
                fprintf(stderr, "kroniek: %s\n", kr_reader_error(r));
                failed = 1;
                if (st != KR_ERR_IO) { nread++; nrej++; }
                continue;
            }
            nread++;
            kr_article a2 = a;
            if (lang && (!a2.lang || !a2.lang[0])) a2.lang = lang;
            st = kr_code_article(c, &a2, on_event, &o);
            if (st != KR_OK) {
                fprintf(stderr, "kroniek: %s: article %s rejected: %s\n", a.origin ? a.origin : inputs[f], a.id ? a.id : "?", kr_coder_error(c));
                nrej++; failed = 1;
                continue;
            }
            ncoded++;
            nsent += kr_coder_nsentences(c);
            if (kr_coder_bad_bytes(c)) {
                nbad += kr_coder_bad_bytes(c);
                fprintf(stderr, "kroniek: %s: article %s: %d invalid UTF-8 byte(s) replaced\n", a.origin ? a.origin : inputs[f], a.id ? a.id : "?", kr_coder_bad_bytes(c));
            }
        }
        kr_reader_free(r);
    }
    fflush(stdout);
    if (stats) fprintf(stderr, "kroniek: %ld articles read: %ld coded, %ld rejected; %ld sentences, %ld events, %ld bad bytes\n", nread, ncoded, nrej, nsent, o.nev, nbad);
    kr_coder_free(c);
    kr_dict_free(d);
    if (ferror(stdout)) { fprintf(stderr, "kroniek: error writing output\n"); return 1; }
    (void)threads;
    return failed ? 1 : 0;
}

int cmd_eval(int argc, char **argv) {
    const char *gold = NULL, *pred = NULL;
    double minp = -1, minr = -1;
    int quiet = 0;
    kr_dictopts dopt = {0};
    const char *inputs[4096]; int nin = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (kr_dictopt(&dopt, argc, argv, &i)) continue;
        if (!strcmp(a, "--gold") && i + 1 < argc) gold = argv[++i];
        else if (!strcmp(a, "--pred") && i + 1 < argc) pred = argv[++i];
        else if (!strcmp(a, "--min-precision") && i + 1 < argc) minp = atof(argv[++i]);
        else if (!strcmp(a, "--min-recall") && i + 1 < argc) minr = atof(argv[++i]);
        else if (!strcmp(a, "--quiet")) quiet = 1;
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "kroniek eval: unknown option '%s'\n", a); return 2; }
        else if (nin < 4096) inputs[nin++] = a;
    }
    if (!gold || (!pred && !nin)) { fprintf(stderr, "usage: kroniek eval --gold GOLD.jsonl (--pred EVENTS.jsonl | ARTICLES...)\n"); return 2; }
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
    kr_status st = kr_eval_files(gold, pred, quiet ? NULL : stdout, &s, err, sizeof err);
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

int cmd_dict(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: kroniek dict check|stats|convert [--data DIR] [FILES...]\n"); return 2; }
    const char *sub = argv[1];
    kr_dictopts dopt = {0};
    const char *files[256]; int nf = 0;
    const char *lang = NULL;
    for (int i = 2; i < argc; i++) {
        if (kr_dictopt(&dopt, argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--lang") && i + 1 < argc) { lang = argv[++i]; continue; }
        if (argv[i][0] == '-' && argv[i][1]) { fprintf(stderr, "kroniek dict: unknown option '%s'\n", argv[i]); return 2; }
        if (nf < 256) files[nf++] = argv[i];
    }
    kr_dict *d = kr_dict_new();
    const char *dir = dopt.data_dir ? dopt.data_dir : getenv("KRONIEK_DATA");
    if (nf) {
        /* check given files on top of the CAMEO code table and word lists */
        if (dir) kr_dict_load_dir(d, dir); else kr_dict_load_builtin(d);
        for (int i = 0; i < nf; i++) kr_dict_load_file(d, files[i], lang, NULL);
    } else if (dir) kr_dict_load_dir(d, dir);
    else kr_dict_load_builtin(d);
    for (int i = 0; i < dopt.nextra; i++) kr_dict_load_file(d, dopt.extra[i][1], lang, dopt.extra[i][0]);
    kr_dict_finish(d);
    int rc = 0;
    if (!strcmp(sub, "check")) {
        kr_dict_check(d);
        fputs(kr_dict_messages(d), stdout);
        printf("%d error(s), %d warning(s)\n", kr_dict_nerrors(d), kr_dict_nwarnings(d));
        kr_dict_stats(d, stdout);
        rc = kr_dict_nerrors(d) ? 1 : 0;
    } else if (!strcmp(sub, "stats")) {
        kr_dict_stats(d, stdout);
        rc = kr_dict_nerrors(d) ? 1 : 0;
    } else if (!strcmp(sub, "convert")) {
        fputs(kr_dict_messages(d), stderr);
        kr_status st = kr_dict_write(d, stdout, NULL);
        rc = st != KR_OK || kr_dict_nerrors(d) ? 1 : 0;
    } else { fprintf(stderr, "kroniek dict: unknown sub-command '%s' (check, stats, convert)\n", sub); rc = 2; }
    kr_dict_free(d);
    return rc;
}
