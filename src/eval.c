/*
** eval.c -- scoring predictions against gold files exactly as ../shared/eval/GUIDE.md
** says: per article, one-to-one matching of predicted and gold events on (source key,
** target key, root code or alt root) and sentence; 3-letter gold keys compare the first
** three letters of the prediction, longer keys compare whole.  The sentence: a gold event
** with a `quote` matches a prediction whose evidence sentence (its `text`) contains the
** quote, both folded by fold_quote(); a gold event without one matches a prediction whose
** sentence number is within one of its own.  Optional gold events that match are removed
** from both sides.  The matching is a maximum bipartite matching (augmenting paths),
** required gold first, so the score does not depend on order.  The report: misses and
** false events per article, then a table per CAMEO root (gold, matched, recall; predicted,
** correct, precision).
**
** A quote cannot match when the coder's splitter cut the annotator's sentence so that the
** quote runs over two of its sentences (or over a piece of a sentence longer than
** KR_MAX_TOKENS tokens / KR_MAX_SENTENCE bytes): that gold event is then a miss.
*/
#include "kr_int.h"
#include <jansson.h>
#include <utf8proc.h>
#include <stdio.h>

typedef struct { char src[32], tgt[32], root[3]; char alt[8][3]; int nalt; int optional; int sentence; char *quote, *fquote; } gev;
typedef struct { char src[32], tgt[32], root[3]; int sentence; char code[8]; char *ftext; } pev;
typedef struct { char *id; gev *g; int ng, gcap; pev *p; int np, pcap; int has_gold; } art;

typedef struct { art *a; int n, cap; kr_map idx; kr_arena ar; } artset;

static art *get_art(artset *s, const char *id) {
    uint32_t i = kr_map_get(&s->idx, id, strlen(id));
    if (i) return &s->a[i-1];
    if (s->n == s->cap) { s->cap = s->cap ? s->cap * 2 : 64; s->a = kr_xrealloc(s->a, s->cap * sizeof *s->a); }
    art *a = &s->a[s->n++];
    memset(a, 0, sizeof *a);
    a->id = strdup(id);
    kr_map_put(&s->idx, id, strlen(id), (uint32_t)s->n);
    return a;
}

/* Quote marks.  After kr_text_normalize the curly, low-9, reversed, prime and guillemet
** marks are already ' or "; the rest are listed for text that did not pass through it. */
static int is_quote_mark(int32_t cp) {
    switch (cp) {
    case '\'': case '"': case '`': case 0x00AB: case 0x00B4: case 0x00BB: case 0x2032: case 0x2033:
    case 0x2039: case 0x203A: case 0x275B: case 0x275C: case 0x275D: case 0x275E:
    case 0x301D: case 0x301E: case 0x301F: case 0xFF02: case 0xFF07: return 1;
    }
    return cp >= 0x2018 && cp <= 0x201F;
}

static int is_white(int32_t cp) {
    if (cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85) return 1;
    utf8proc_category_t k = utf8proc_category(cp);
    return k == UTF8PROC_CATEGORY_ZS || k == UTF8PROC_CATEGORY_ZL || k == UTF8PROC_CATEGORY_ZP;
}

/* The folding under which a prediction's `text` must contain a gold `quote` (GUIDE.md:
** "after folding case, runs of white space and quote marks").  Both sides go through it:
**  1. kr_text_normalize, the normalization the coder applies before it writes `text`
**     (UTF-8 repaired, NFC, typographic quotes to ' and ", dashes to " - ", special
**     spaces to ' ', invisible characters such as the soft hyphen dropped, U+2026 to
**     "..."), so a quote copied from the raw article meets the coder's sentence; on
**     kroniek's own `text` it changes nothing;
**  2. Unicode case folding (utf8proc; accents are kept: "Genève" != "Geneve");
**  3. each quote mark becomes a space: straight and curly, single and double, low-9,
**     guillemets, the backtick; the Dutch ,, (a run of two or more commas; an odd run
**     keeps one comma) -- the Dutch closing '' is two single marks.  A space rather than
**     nothing, so that `zei:"Nee` and `zei: "Nee` fold alike; an apostrophe is a quote
**     mark too (straight and curly ones are one character after step 1), so "Rusland's"
**     is "rusland s" on both sides;
**  4. each run of white space (any Unicode space or line break) becomes one space; the
**     ends are trimmed.
** The result is a new string (free it).  Containment is then plain substring search. */
static char *fold_quote(const char *s) {
    kr_buf nb = {0};
    kr_text_normalize(s, strlen(s), &nb, NULL);
    utf8proc_uint8_t *cf = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)(nb.p ? nb.p : ""), (utf8proc_ssize_t)nb.len, &cf,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    const char *p = r >= 0 && cf ? (const char *)cf : (nb.p ? nb.p : "");
    size_t n = r >= 0 && cf ? (size_t)r : nb.len;
    char *out = kr_xmalloc(n + 1);     /* no step makes the text longer */
    size_t k = 0;
    int blank = 1;                     /* the last byte written was a space (or none yet) */
    for (size_t i = 0; i < n; ) {
        int32_t cp;
        utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (l <= 0) { l = 1; cp = (unsigned char)p[i]; }      /* cannot happen after step 1 */
        if (cp == ',' && i + 1 < n && p[i+1] == ',') {
            size_t j = i;
            while (j < n && p[j] == ',') j++;
            if ((j - i) & 1) { out[k++] = ','; blank = 0; }
            if (!blank) { out[k++] = ' '; blank = 1; }
            i = j; continue;
        }
        if (is_quote_mark(cp) || is_white(cp)) { if (!blank) { out[k++] = ' '; blank = 1; } }
        else {
            if (cp < 0x80 && cp >= 'A' && cp <= 'Z') out[k++] = (char)(cp + 32);   /* r < 0: ASCII case at least */
            else { memcpy(out + k, p + i, (size_t)l); k += (size_t)l; }
            blank = 0;
        }
        i += (size_t)l;
    }
    while (k && out[k-1] == ' ') k--;
    out[k] = 0;
    free(cf); kr_buf_free(&nb);
    return out;
}

static int key_match(const char *gold, const char *pred) {
    size_t gl = strlen(gold);
    if (gl == 3) return strlen(pred) >= 3 && !strncmp(gold, pred, 3);
    return !strcmp(gold, pred);
}

static int ev_match(const gev *g, const pev *p) {
    if (!key_match(g->src, p->src) || !key_match(g->tgt, p->tgt)) return 0;
    if (g->fquote) { if (!p->ftext || !strstr(p->ftext, g->fquote)) return 0; }
    else if (p->sentence < g->sentence - 1 || p->sentence > g->sentence + 1) return 0;
    if (!strcmp(g->root, p->root)) return 1;
    for (int i = 0; i < g->nalt; i++) if (!strcmp(g->alt[i], p->root)) return 1;
    return 0;
}

/* ok[gi * np + pi]: gold gi and prediction pi may be matched (computed once per article) */
static int augment(const art *a, const unsigned char *ok, int gi, int *match_p, int *seen, const int *allowed) {
    for (int pi = 0; pi < a->np; pi++) {
        if (seen[pi] || !ok[(size_t)gi * (size_t)a->np + (size_t)pi]) continue;
        seen[pi] = 1;
        if (match_p[pi] < 0 || (allowed[match_p[pi]] && augment(a, ok, match_p[pi], match_p, seen, allowed))) {
            match_p[pi] = gi; return 1;
        }
    }
    return 0;
}

static void root_of(const char *code, char *root) {
    root[0] = root[1] = root[2] = 0;
    if (code && strlen(code) >= 2) { root[0] = code[0]; root[1] = code[1]; }
}

/* row of the per-root table: 1..20 for "01".."20", 0 for anything else */
static int root_row(const char *root) {
    if (root[0] < '0' || root[0] > '2' || root[1] < '0' || root[1] > '9') return 0;
    int r = (root[0] - '0') * 10 + (root[1] - '0');
    return r >= 1 && r <= 20 ? r : 0;
}

static int load_gold(const char *path, artset *s, char *err, size_t errlen) {
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, errlen, "%s: cannot open", path); return -1; }
    char *line = NULL; size_t cap = 0; ssize_t n; long ln = 0;
    int rc = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        ln++;
        json_error_t je;
        json_t *o = json_loadb(line, (size_t)n, 0, &je);
        if (!o) { if (strspn(line, " \t\r\n") == (size_t)n) continue; snprintf(err, errlen, "%s:%ld: invalid JSON: %s", path, ln, je.text); rc = -1; break; }
        const char *id = json_string_value(json_object_get(o, "id"));
        json_t *evs = json_object_get(o, "events");
        if (!id || !json_is_array(evs)) { snprintf(err, errlen, "%s:%ld: gold line wants \"id\" and \"events\"", path, ln); json_decref(o); rc = -1; break; }
        art *a = get_art(s, id);
        a->has_gold = 1;
        size_t i; json_t *e;
        json_array_foreach(evs, i, e) {
            const char *src = json_string_value(json_object_get(e, "source"));
            const char *tgt = json_string_value(json_object_get(e, "target"));
            const char *code = json_string_value(json_object_get(e, "code"));
            if (!src || !tgt || !code) { snprintf(err, errlen, "%s:%ld: event %zu wants source, target, code", path, ln, i + 1); rc = -1; break; }
            json_t *q = json_object_get(e, "quote");
            if (q && !json_is_null(q) && !json_is_string(q)) { snprintf(err, errlen, "%s:%ld: event %zu: \"quote\" wants a string", path, ln, i + 1); rc = -1; break; }
            char *fq = json_is_string(q) ? fold_quote(json_string_value(q)) : NULL;
            if (fq && !fq[0]) { snprintf(err, errlen, "%s:%ld: event %zu: \"quote\" is empty once case, white space and quote marks are folded", path, ln, i + 1); free(fq); rc = -1; break; }
            if (a->ng == a->gcap) { a->gcap = a->gcap ? a->gcap * 2 : 16; a->g = kr_xrealloc(a->g, a->gcap * sizeof *a->g); }
            gev *g = &a->g[a->ng++];
            memset(g, 0, sizeof *g);
            snprintf(g->src, sizeof g->src, "%s", src); snprintf(g->tgt, sizeof g->tgt, "%s", tgt);
            root_of(code, g->root);
            json_t *alt = json_object_get(e, "alt"), *x; size_t j;
            json_array_foreach(alt, j, x) if (json_is_string(x) && g->nalt < 8) root_of(json_string_value(x), g->alt[g->nalt++]);
            g->optional = json_is_true(json_object_get(e, "optional"));
            g->sentence = (int)json_integer_value(json_object_get(e, "sentence"));
            if (fq) { g->fquote = fq; g->quote = strdup(json_string_value(q)); }
        }
        json_decref(o);
        if (rc) break;
    }
    free(line); fclose(f);
    return rc;
}

static int load_pred(const char *path, artset *s, char *err, size_t errlen) {
    FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "r");
    if (!f) { snprintf(err, errlen, "%s: cannot open", path); return -1; }
    char *line = NULL; size_t cap = 0; ssize_t n; long ln = 0; int rc = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        ln++;
        if (strspn(line, " \t\r\n") == (size_t)n) continue;
        json_error_t je;
        json_t *o = json_loadb(line, (size_t)n, 0, &je);
        if (!o) { snprintf(err, errlen, "%s:%ld: invalid JSON: %s", path, ln, je.text); rc = -1; break; }
        const char *doc = json_string_value(json_object_get(o, "doc"));
        const char *src = json_string_value(json_object_get(o, "source"));
        const char *tgt = json_string_value(json_object_get(o, "target"));
        const char *code = json_string_value(json_object_get(o, "code"));
        if (!doc || !src || !tgt || !code) { snprintf(err, errlen, "%s:%ld: event wants doc, source, target, code", path, ln); json_decref(o); rc = -1; break; }
        art *a = get_art(s, doc);
        if (a->np == a->pcap) { a->pcap = a->pcap ? a->pcap * 2 : 16; a->p = kr_xrealloc(a->p, a->pcap * sizeof *a->p); }
        pev *p = &a->p[a->np++];
        memset(p, 0, sizeof *p);
        snprintf(p->src, sizeof p->src, "%s", src); snprintf(p->tgt, sizeof p->tgt, "%s", tgt);
        snprintf(p->code, sizeof p->code, "%s", code);
        root_of(code, p->root);
        p->sentence = (int)json_integer_value(json_object_get(o, "sentence"));
        /* no `text` (another coder's output): it can match gold events without a quote only */
        const char *text = json_string_value(json_object_get(o, "text"));
        if (text) p->ftext = fold_quote(text);
        json_decref(o);
    }
    free(line); if (f != stdin) fclose(f);
    return rc;
}

/* the per-root table: t[r] = {required gold, matched gold, predicted, correct}; row 0
** (roots other than 01..20, e.g. a malformed code) only when it has counts */
static void print_roots(FILE *f, int (*t)[4]) {
    fprintf(f, "root   gold matched recall    pred correct precision\n");
    for (int r = 1; r <= 21; r++) {
        int *x = t[r % 21];
        if (!x[0] && !x[2]) continue;
        char rec[8] = "    -", pre[8] = "    -";
        if (x[0]) snprintf(rec, sizeof rec, "%5.3f", (double)x[1] / x[0]);
        if (x[2]) snprintf(pre, sizeof pre, "%5.3f", (double)x[3] / x[2]);
        if (r == 21) fprintf(f, "other");
        else fprintf(f, "%02d   ", r);
        fprintf(f, " %5d %7d %s  %6d %7d %s\n", x[0], x[1], rec, x[2], x[3], pre);
    }
}

/* kr_eval_files with the per-article misses and the per-root table on separate streams
** (either may be NULL); `kroniek eval --quiet` wants the table without the misses. */
kr_status kr_eval_files_rep(const char *gold, const char *pred, FILE *rep, FILE *table, kr_score *out, char *err, size_t errlen) {
    artset s; memset(&s, 0, sizeof s);
    kr_map_init(&s.idx, &s.ar);
    kr_status st = KR_OK;
    int roots[21][4];
    memset(roots, 0, sizeof roots);
    memset(out, 0, sizeof *out);
    if (load_gold(gold, &s, err, errlen) || load_pred(pred, &s, err, errlen)) { st = KR_ERR_PARSE; goto done; }
    for (int ai = 0; ai < s.n; ai++) {
        art *a = &s.a[ai];
        if (!a->has_gold) continue;       /* predictions for articles without gold are not scored */
        int *match_p = kr_xmalloc(sizeof(int) * (size_t)(a->np + 1));
        int *seen = kr_xmalloc(sizeof(int) * (size_t)(a->np + 1));
        int *allowed = kr_xmalloc(sizeof(int) * (size_t)(a->ng + 1));
        unsigned char *ok = kr_xmalloc((size_t)a->ng * (size_t)a->np + 1);
        for (int gi = 0; gi < a->ng; gi++)
            for (int pi = 0; pi < a->np; pi++) ok[(size_t)gi * (size_t)a->np + (size_t)pi] = (unsigned char)ev_match(&a->g[gi], &a->p[pi]);
        for (int i = 0; i < a->np; i++) match_p[i] = -1;
        /* required gold first, then optional gold may take what is left */
        for (int i = 0; i < a->ng; i++) allowed[i] = !a->g[i].optional;
        for (int gi = 0; gi < a->ng; gi++) if (!a->g[gi].optional) { memset(seen, 0, sizeof(int) * (size_t)(a->np + 1)); augment(a, ok, gi, match_p, seen, allowed); }
        for (int gi = 0; gi < a->ng; gi++) if (a->g[gi].optional) { memset(seen, 0, sizeof(int) * (size_t)(a->np + 1)); augment(a, ok, gi, match_p, seen, allowed); }
        int matched = 0, optm = 0, req = 0;
        for (int gi = 0; gi < a->ng; gi++) if (!a->g[gi].optional) { req++; roots[root_row(a->g[gi].root)][0]++; }
        for (int pi = 0; pi < a->np; pi++) {
            int r = root_row(a->p[pi].root);
            if (match_p[pi] >= 0 && a->g[match_p[pi]].optional) { optm++; continue; }
            roots[r][2]++;
            if (match_p[pi] >= 0) { matched++; roots[r][3]++; roots[root_row(a->g[match_p[pi]].root)][1]++; }
        }
        out->matched += matched; out->optional_matched += optm;
        out->predicted += a->np - optm; out->gold_required += req;
        if (rep) {
            int header = 0;
            for (int gi = 0; gi < a->ng; gi++) {
                if (a->g[gi].optional) continue;
                int hit = 0; for (int pi = 0; pi < a->np; pi++) if (match_p[pi] == gi) hit = 1;
                if (hit) continue;
                if (!header++) fprintf(rep, "article %s:\n", a->id);
                fprintf(rep, "  miss   %s %s %s (sentence %d)", a->g[gi].src, a->g[gi].root, a->g[gi].tgt, a->g[gi].sentence);
                if (a->g[gi].quote) { fputs(" quote ", rep); kr_json_str(rep, a->g[gi].quote); }
                putc('\n', rep);
            }
            for (int pi = 0; pi < a->np; pi++) if (match_p[pi] < 0) { if (!header++) fprintf(rep, "article %s:\n", a->id); fprintf(rep, "  false  %s %s %s (sentence %d)\n", a->p[pi].src, a->p[pi].code, a->p[pi].tgt, a->p[pi].sentence); }
        }
        free(match_p); free(seen); free(allowed); free(ok);
    }
    out->precision = out->predicted ? (double)out->matched / out->predicted : 0;
    out->recall = out->gold_required ? (double)out->matched / out->gold_required : 0;
    out->f1 = out->precision + out->recall > 0 ? 2 * out->precision * out->recall / (out->precision + out->recall) : 0;
    if (table) print_roots(table, roots);
done:
    for (int i = 0; i < s.n; i++) {
        for (int j = 0; j < s.a[i].ng; j++) { free(s.a[i].g[j].quote); free(s.a[i].g[j].fquote); }
        for (int j = 0; j < s.a[i].np; j++) free(s.a[i].p[j].ftext);
        free(s.a[i].id); free(s.a[i].g); free(s.a[i].p);
    }
    free(s.a); kr_map_free(&s.idx); kr_arena_free(&s.ar);
    return st;
}

kr_status kr_eval_files(const char *gold, const char *pred, FILE *rep, kr_score *out, char *err, size_t errlen) {
    return kr_eval_files_rep(gold, pred, rep, rep, out, err, errlen);
}
