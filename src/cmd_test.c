/*
** cmd_test.c -- `kroniek test FILE.cases...`: runs sentence test cases written as data
** (tests/cases/NAME.cases).  A case is a line "> text" followed by lines "= SOURCE TARGET
** CODE" (or "= none"); "@date YYYY-MM-DD" and "@lang nl|en" set the article date and
** language for the cases that follow (the language defaults to the file name: nl.cases);
** "@title TEXT" gives the next case's article a title.
** Codes of 2 digits compare the root only; 3-letter actor keys compare the first three
** letters of the prediction (as in eval/GUIDE.md).  Every failing case is printed with
** its file:line, what was expected and what came out.
*/
#include "kroniek.h"
#include "cmd.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char src[32], tgt[32], code[16]; } tev;
typedef struct { tev ev[64]; int n; } tevs;

static int on_ev(void *ctx, const kr_event *e) {
    tevs *t = ctx;
    if (t->n < 64) {
        snprintf(t->ev[t->n].src, 32, "%s", e->source); snprintf(t->ev[t->n].tgt, 32, "%s", e->target);
        snprintf(t->ev[t->n].code, 16, "%s", e->code); t->n++;
    }
    return 0;
}

static int key_eq(const char *want, const char *got) {
    if (strlen(want) == 3) return strlen(got) >= 3 && !strncmp(want, got, 3);
    return !strcmp(want, got);
}
static int code_eq(const char *want, const char *got) {
    return !strncmp(want, got, strlen(want)) && (strlen(want) == 2 || !strcmp(want, got));
}

/* exact one-to-one match of the two multisets (small: greedy with backtracking) */
static int match_rec(const tevs *want, int i, const tevs *got, int *used) {
    if (i == want->n) return 1;
    for (int j = 0; j < got->n; j++) {
        if (used[j]) continue;
        if (!key_eq(want->ev[i].src, got->ev[j].src) || !key_eq(want->ev[i].tgt, got->ev[j].tgt) || !code_eq(want->ev[i].code, got->ev[j].code)) continue;
        used[j] = 1;
        if (match_rec(want, i + 1, got, used)) return 1;
        used[j] = 0;
    }
    return 0;
}

static void test_usage(FILE *f) {
    fprintf(f,
"usage: kroniek test [-v] [--min-pass FRACTION] [dictionary options] CASES...\n"
"  Runs sentence test cases: \"> text\" lines, each followed by the events it must\n"
"  give (\"= SOURCE TARGET CODE\" or \"= none\"); \"@date YYYY-MM-DD\" and \"@lang nl|en\" set the\n"
"  article date and language (default: the file name, nl.cases; format: the comment\n  atop tests/cases/nl.cases); \"@title TEXT\" gives the next case a title.\n"
"  -v                   print every case, not only the failures\n"
"  --min-pass F         exit 1 if fewer than this fraction of the cases pass (default 1)\n"
"  dictionary options as for kroniek code (kroniek code --help)\n"
"exit status: 0, 1 too many failures, 2 usage or file error\n");
}

int cmd_test(int argc, char **argv) {
    kr_dictopts dopt = {0};
    int verbose = 0; double minpass = 1.0;
    const char *files[256]; int nf = 0;
    for (int i = 1; i < argc; i++) {
        if (kr_dictopt(&dopt, argc, argv, &i)) continue;
        if (!strcmp(argv[i], "-v")) verbose = 1;
        else if (!strcmp(argv[i], "--min-pass") && i + 1 < argc) minpass = atof(argv[++i]);
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { test_usage(stdout); return 0; }
        else if (argv[i][0] == '-' && argv[i][1]) { fprintf(stderr, "kroniek test: unknown option '%s'\n", argv[i]); test_usage(stderr); return 2; }
        else if (nf < 256) files[nf++] = argv[i];
    }
    if (!nf) { test_usage(stderr); return 2; }
    kr_dict *d = kr_load_dicts(&dopt, 0);
    if (!d) return 2;
    kr_coder *c = kr_coder_new(d);
    int total = 0, pass = 0, bad = 0;
    for (int fi = 0; fi < nf; fi++) {
        FILE *f = fopen(files[fi], "r");
        if (!f) { fprintf(stderr, "%s: cannot open\n", files[fi]); bad = 1; continue; }
        char date[32] = "2022-01-15", lang[8] = "";
        char title[512] = "";
        const char *b = strrchr(files[fi], '/'); b = b ? b + 1 : files[fi];
        if (!strncmp(b, "nl", 2)) strcpy(lang, "nl");
        if (!strncmp(b, "en", 2)) strcpy(lang, "en");
        char *line = NULL; size_t cap = 0; long ln = 0;
        char *text = NULL; long tline = 0; tevs want = {0}; int have_none = 0;
        int fpass = 0, ftotal = 0;
        for (;;) {
            ssize_t n = getline(&line, &cap, f);
            if (n > 0) { ln++; while (n && (line[n-1] == '\n' || line[n-1] == '\r')) line[--n] = 0; }
            int flush = n < 0 || (n > 0 && (line[0] == '>' || line[0] == '@'));
            if (flush && text) {
                tevs got = {0};
                char id[64]; snprintf(id, sizeof id, "case%ld", tline);
                kr_article a = { .id = id, .date = date, .lang = lang[0] ? lang : NULL, .text = text, .title = title[0] ? title : NULL };
                kr_status st = kr_code_article(c, &a, on_ev, &got);
                int used[64] = {0};
                int ok = st == KR_OK && got.n == want.n && match_rec(&want, 0, &got, used);
                total++; ftotal++;
                if (ok) { pass++; fpass++; }
                else {
                    printf("%s:%ld: FAIL: %s\n  want:", files[fi], tline, text);
                    if (!want.n) printf(" none");
                    for (int i = 0; i < want.n; i++) printf(" %s-%s-%s", want.ev[i].src, want.ev[i].code, want.ev[i].tgt);
                    printf("\n  got: ");
                    if (st != KR_OK) printf(" error: %s", kr_coder_error(c));
                    else if (!got.n) printf(" none");
                    for (int i = 0; i < got.n; i++) printf(" %s-%s-%s", got.ev[i].src, got.ev[i].code, got.ev[i].tgt);
                    printf("\n");
                }
                if (ok && verbose) printf("%s:%ld: ok\n", files[fi], tline);
                free(text); text = NULL; want.n = 0; have_none = 0; title[0] = 0;
            }
            if (n < 0) break;
            char *s = line; while (*s == ' ' || *s == '\t') s++;
            if (!*s || *s == '#') continue;
            if (!strncmp(s, "@title ", 7)) {
                size_t tl = strlen(s + 7);
                while (tl && (s[7 + tl - 1] == '\n' || s[7 + tl - 1] == '\r')) tl--;
                snprintf(title, sizeof title, "%.*s", (int)tl, s + 7);
                continue;
            }
            if (*s == '@') {
                char k[16], v[32];
                if (sscanf(s, "@%15s %31s", k, v) == 2) {
                    if (!strcmp(k, "date")) snprintf(date, sizeof date, "%s", v);
                    else if (!strcmp(k, "lang")) snprintf(lang, sizeof lang, "%.7s", v);
                    else { fprintf(stderr, "%s:%ld: unknown setting @%s\n", files[fi], ln, k); bad = 1; }
                } else { fprintf(stderr, "%s:%ld: bad setting line\n", files[fi], ln); bad = 1; }
                continue;
            }
            if (*s == '>') { s++; while (*s == ' ') s++; text = strdup(s); tline = ln; continue; }
            if (*s == '=') {
                if (!text) { fprintf(stderr, "%s:%ld: expectation without a '>' case line\n", files[fi], ln); bad = 1; continue; }
                char a1[32], a2[32], a3[16];
                s++; while (*s == ' ') s++;
                if (!strncmp(s, "none", 4)) { have_none = 1; continue; }
                if (sscanf(s, "%31s %31s %15s", a1, a2, a3) != 3 || want.n >= 64) { fprintf(stderr, "%s:%ld: want '= SOURCE TARGET CODE' or '= none'\n", files[fi], ln); bad = 1; continue; }
                snprintf(want.ev[want.n].src, 32, "%s", a1); snprintf(want.ev[want.n].tgt, 32, "%s", a2); snprintf(want.ev[want.n].code, 16, "%s", a3);
                want.n++;
                continue;
            }
            fprintf(stderr, "%s:%ld: unexpected line (want '>', '=', '@' or '#')\n", files[fi], ln); bad = 1;
        }
        (void)have_none;
        free(line); fclose(f);
        printf("%s: %d/%d cases pass\n", files[fi], fpass, ftotal);
    }
    printf("total: %d/%d cases pass (%.1f%%)\n", pass, total, total ? 100.0 * pass / total : 0);
    kr_coder_free(c); kr_dict_free(d);
    if (bad) return 2;
    return (total && (double)pass / total >= minpass - 1e-9) ? 0 : 1;
}
