/*
** eval.c -- scoring predictions against gold files exactly as ../shared/eval/GUIDE.md
** says: per article, one-to-one matching of predicted and gold events on (source key,
** target key, root code or alt root); 3-letter gold keys compare the first three
** letters of the prediction, longer keys compare whole.  Optional gold events that
** match are removed from both sides.  The matching is a maximum bipartite matching
** (augmenting paths), required gold first, so the score does not depend on order.
*/
#include "kr_int.h"
#include <jansson.h>
#include <stdio.h>

typedef struct { char src[32], tgt[32], root[3]; char alt[8][3]; int nalt; int optional; int sentence; } gev;
typedef struct { char src[32], tgt[32], root[3]; int sentence; char code[8]; } pev;
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

static int key_match(const char *gold, const char *pred) {
    size_t gl = strlen(gold);
    if (gl == 3) return strlen(pred) >= 3 && !strncmp(gold, pred, 3);
    return !strcmp(gold, pred);
}

static int ev_match(const gev *g, const pev *p) {
    if (!key_match(g->src, p->src) || !key_match(g->tgt, p->tgt)) return 0;
    if (!strcmp(g->root, p->root)) return 1;
    for (int i = 0; i < g->nalt; i++) if (!strcmp(g->alt[i], p->root)) return 1;
    return 0;
}

static int augment(const art *a, int gi, int *match_p, int *seen, const int *allowed) {
    for (int pi = 0; pi < a->np; pi++) {
        if (seen[pi] || !ev_match(&a->g[gi], &a->p[pi])) continue;
        seen[pi] = 1;
        if (match_p[pi] < 0 || (allowed[match_p[pi]] && augment(a, match_p[pi], match_p, seen, allowed))) {
            match_p[pi] = gi; return 1;
        }
    }
    return 0;
}

static void root_of(const char *code, char *root) {
    root[0] = root[1] = root[2] = 0;
    if (code && strlen(code) >= 2) { root[0] = code[0]; root[1] = code[1]; }
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
            if (a->ng == a->gcap) { a->gcap = a->gcap ? a->gcap * 2 : 16; a->g = kr_xrealloc(a->g, a->gcap * sizeof *a->g); }
            gev *g = &a->g[a->ng++];
            memset(g, 0, sizeof *g);
            snprintf(g->src, sizeof g->src, "%s", src); snprintf(g->tgt, sizeof g->tgt, "%s", tgt);
            root_of(code, g->root);
            json_t *alt = json_object_get(e, "alt"), *x; size_t j;
            json_array_foreach(alt, j, x) if (json_is_string(x) && g->nalt < 8) root_of(json_string_value(x), g->alt[g->nalt++]);
            g->optional = json_is_true(json_object_get(e, "optional"));
            g->sentence = (int)json_integer_value(json_object_get(e, "sentence"));
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
        snprintf(p->src, sizeof p->src, "%s", src); snprintf(p->tgt, sizeof p->tgt, "%s", tgt);
        snprintf(p->code, sizeof p->code, "%s", code);
        root_of(code, p->root);
        p->sentence = (int)json_integer_value(json_object_get(o, "sentence"));
        json_decref(o);
    }
    free(line); if (f != stdin) fclose(f);
    return rc;
}

kr_status kr_eval_files(const char *gold, const char *pred, FILE *rep, kr_score *out, char *err, size_t errlen) {
    artset s; memset(&s, 0, sizeof s);
    kr_map_init(&s.idx, &s.ar);
    kr_status st = KR_OK;
    memset(out, 0, sizeof *out);
    if (load_gold(gold, &s, err, errlen) || load_pred(pred, &s, err, errlen)) { st = KR_ERR_PARSE; goto done; }
    for (int ai = 0; ai < s.n; ai++) {
        art *a = &s.a[ai];
        if (!a->has_gold) continue;       /* predictions for articles without gold are not scored */
        int *match_p = kr_xmalloc(sizeof(int) * (size_t)(a->np + 1));
        int *seen = kr_xmalloc(sizeof(int) * (size_t)(a->np + 1));
        int *allowed = kr_xmalloc(sizeof(int) * (size_t)(a->ng + 1));
        for (int i = 0; i < a->np; i++) match_p[i] = -1;
        /* required gold first, then optional gold may take what is left */
        for (int i = 0; i < a->ng; i++) allowed[i] = !a->g[i].optional;
        for (int gi = 0; gi < a->ng; gi++) if (!a->g[gi].optional) { memset(seen, 0, sizeof(int) * (size_t)(a->np + 1)); augment(a, gi, match_p, seen, allowed); }
        for (int gi = 0; gi < a->ng; gi++) if (a->g[gi].optional) { memset(seen, 0, sizeof(int) * (size_t)(a->np + 1)); augment(a, gi, match_p, seen, allowed); }
        int matched = 0, optm = 0, req = 0;
        for (int gi = 0; gi < a->ng; gi++) if (!a->g[gi].optional) req++;
        for (int pi = 0; pi < a->np; pi++) if (match_p[pi] >= 0) { if (a->g[match_p[pi]].optional) optm++; else matched++; }
        out->matched += matched; out->optional_matched += optm;
        out->predicted += a->np - optm; out->gold_required += req;
        if (rep) {
            int header = 0;
            for (int gi = 0; gi < a->ng; gi++) {
                if (a->g[gi].optional) continue;
                int hit = 0; for (int pi = 0; pi < a->np; pi++) if (match_p[pi] == gi) hit = 1;
                if (!hit) { if (!header++) fprintf(rep, "article %s:\n", a->id); fprintf(rep, "  miss   %s %s %s (sentence %d)\n", a->g[gi].src, a->g[gi].root, a->g[gi].tgt, a->g[gi].sentence); }
            }
            for (int pi = 0; pi < a->np; pi++) if (match_p[pi] < 0) { if (!header++) fprintf(rep, "article %s:\n", a->id); fprintf(rep, "  false  %s %s %s (sentence %d)\n", a->p[pi].src, a->p[pi].code, a->p[pi].tgt, a->p[pi].sentence); }
        }
        free(match_p); free(seen); free(allowed);
    }
    out->precision = out->predicted ? (double)out->matched / out->predicted : 0;
    out->recall = out->gold_required ? (double)out->matched / out->gold_required : 0;
    out->f1 = out->precision + out->recall > 0 ? 2 * out->precision * out->recall / (out->precision + out->recall) : 0;
done:
    for (int i = 0; i < s.n; i++) { free(s.a[i].id); free(s.a[i].g); free(s.a[i].p); }
    free(s.a); kr_map_free(&s.idx); kr_arena_free(&s.ar);
    return st;
}
