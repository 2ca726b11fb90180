/*
** tabari_rules.c -- TABARI's own rules, for foreign (TABARI/PETRARCH) dictionaries.
**
** Triggers loaded from TABARI/PETRARCH files are coded the way TABARI codes them:
** OPTION settings given per article (kr_article.options), comma-delimited asides,
** clauses cut at conjunctions, patterns matched around the verb, defaults, FORWARD.
** kroniek's own dictionaries never take these paths (docs/FOREIGN-DICTS.md).
*/
#include "coder.h"

/* TABARI's OPTION settings, given per article in kr_article.options (lines separated
** by ';' or newlines, applied in order to the settings below) and used only when
** coding foreign triggers.  Without options foreign coding uses TABARI's standard
** options file (COMPLEX: VERBS[5] CONJ[4] NOACTPRIOR; CODE BY CLAUSE; COMMA: MIN = 2
** MAX = 10 EMIN = 2 EMAX = 10 BMIN = 255 BMAX = 0; CHECK DOMINANT; no DEFAULT, FORWARD,
** agent conversion or minimum sentence length).  docs/FOREIGN-DICTS.md lists them. */

static void f_opts_default(struct fopts *o) {
    memset(o, 0, sizeof *o);
    o->check_dominant = 1;
    o->cx_verbs = 5; o->cx_conj = 4; o->cx_noactprior = 1;
    o->cmin = 2; o->cmax = 10; o->emin = 2; o->emax = 10; o->bmin = 255; o->bmax = 0;
}

/* one option line, upper case, blanks collapsed, none before '[' or around '=' */
static void f_opt_norm(const char *s, size_t n, char *out, size_t cap) {
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char ch = s[i];
        if (ch == '\t' || ch == '\r' || ch == '\n') ch = ' ';
        if (ch == ' ') {
            if (!k || out[k-1] == ' ' || out[k-1] == '=') continue;
            size_t j = i; while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) j++;
            if (j >= n || s[j] == '[' || s[j] == '=') continue;
        }
        out[k++] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    }
    while (k && out[k-1] == ' ') k--;
    out[k] = 0;
}

static int f_opt_bool(const char *v, int *out) {
    if (!strcmp(v, "TRUE") || !strcmp(v, "ON") || !strcmp(v, "YES") || !strcmp(v, "1")) { *out = 1; return 1; }
    if (!strcmp(v, "FALSE") || !strcmp(v, "OFF") || !strcmp(v, "NO") || !strcmp(v, "0")) { *out = 0; return 1; }
    return 0;
}

static int f_opt_int(const char *v, int *out) {
    char *e; long x = strtol(v, &e, 10);
    if (e == v || *e || x < 0 || x > 100000) return 0;
    *out = (int)x; return 1;
}

/* "[CODE]" -> CODE into out */
static int f_opt_code(const char *v, char *out) {
    size_t l = strlen(v);
    if (l < 3 || v[0] != '[' || v[l-1] != ']' || l - 2 >= CODELEN) return 0;
    memcpy(out, v + 1, l - 2); out[l - 2] = 0;
    return out[0] != 0;
}

/* apply one normalized option line; 0 and a message in err if it is not understood */
static int f_opt_line(struct fopts *o, char *l, char *err, size_t errlen) {
    char *colon = strchr(l, ':');
    if (!colon) { snprintf(err, errlen, "not an option line (want NAME: VALUE)"); return 0; }
    *colon = 0;
    char *name = l, *rest = colon + 1;
    while (*rest == ' ') rest++;
    char *tok[32], *sv = NULL; int nt = 0;
    for (char *p = strtok_r(rest, " ", &sv); p && nt < 32; p = strtok_r(NULL, " ", &sv)) tok[nt++] = p;
    if (!strcmp(name, "COMPLEX")) {
        o->cx_verbs = o->cx_conj = o->cx_noactprior = 0;
        for (int i = 0; i < nt; i++) {
            int v;
            if (!strncmp(tok[i], "VERBS[", 6) && tok[i][strlen(tok[i]) - 1] == ']') { tok[i][strlen(tok[i]) - 1] = 0; if (!f_opt_int(tok[i] + 6, &v)) goto bad; o->cx_verbs = v; }
            else if (!strncmp(tok[i], "CONJ[", 5) && tok[i][strlen(tok[i]) - 1] == ']') { tok[i][strlen(tok[i]) - 1] = 0; if (!f_opt_int(tok[i] + 5, &v)) goto bad; o->cx_conj = v; }
            else if (!strcmp(tok[i], "NOACTPRIOR")) o->cx_noactprior = 1;
            else if (strcmp(tok[i], "EXPLAIN")) { snprintf(err, errlen, "COMPLEX: '%.100s' not understood (VERBS[n] CONJ[n] NOACTPRIOR EXPLAIN)", tok[i]); return 0; }
        }
        return 1;
    }
    if (!strcmp(name, "DEFAULT")) {
        for (int i = 0; i < nt; i++) {
            if (!strcmp(tok[i], "OFF")) { o->defsrc[0] = o->deftar[0] = 0; o->def_prior = o->def_after = 0; }
            else if (!strncmp(tok[i], "SOURCE[", 7)) { if (!f_opt_code(tok[i] + 6, o->defsrc)) goto bad; }
            else if (!strncmp(tok[i], "TARGET[", 7)) { if (!f_opt_code(tok[i] + 6, o->deftar)) goto bad; }
            else if (!strcmp(tok[i], "PRIOR")) o->def_prior = 1;
            else if (!strcmp(tok[i], "AFTER")) o->def_after = 1;
            else { snprintf(err, errlen, "DEFAULT: '%.100s' not understood (SOURCE [CODE] PRIOR TARGET [CODE] AFTER, or OFF)", tok[i]); return 0; }
        }
        return 1;
    }
    if (!strcmp(name, "FORWARD")) {
        o->fwd_on = 1;
        for (int i = 0; i < nt; i++) {
            if (!strcmp(tok[i], "OFF")) o->fwd_on = 0;
            else if (!strcmp(tok[i], "DOC")) continue;
            else if (i == 0 && strlen(tok[i]) < sizeof o->fwd_tmpl) snprintf(o->fwd_tmpl, sizeof o->fwd_tmpl, "%s", tok[i]);
            else goto bad;
        }
        if (!o->fwd_tmpl[0] || !strchr(o->fwd_tmpl, 'N')) o->fwd_on = 0;
        return 1;
    }
    if (!strcmp(name, "COMMA")) {
        if (nt == 1 && !strcmp(tok[0], "OFF")) { o->comma_off = 1; return 1; }
        o->comma_off = 0;
        for (int i = 0; i < nt; i++) {
            char *eq = strchr(tok[i], '=');
            int v;
            if (!eq || !f_opt_int(eq + 1, &v)) goto bad;
            *eq = 0;
            if (!strcmp(tok[i], "MIN")) o->cmin = v; else if (!strcmp(tok[i], "MAX")) o->cmax = v;
            else if (!strcmp(tok[i], "EMIN")) o->emin = v; else if (!strcmp(tok[i], "EMAX")) o->emax = v;
            else if (!strcmp(tok[i], "BMIN")) o->bmin = v; else if (!strcmp(tok[i], "BMAX")) o->bmax = v;
            else { snprintf(err, errlen, "COMMA: '%.100s' not understood (MIN MAX EMIN EMAX BMIN BMAX = n, or OFF)", tok[i]); return 0; }
        }
        return 1;
    }
    if (!strcmp(name, "SET")) {
        /* SET: CODE ALL | CODE BY CLAUSE | CODE BY SENTENCE, else SET: NAME = VALUE */
        char whole[512] = ""; size_t wl = 0;       /* the line is shorter than 512 */
        for (int i = 0; i < nt && wl < sizeof whole; i++) wl += (size_t)snprintf(whole + wl, sizeof whole - wl, "%s%s", i ? " " : "", tok[i]);
        if (wl >= sizeof whole) goto bad;
        if (!strcmp(whole, "CODE ALL")) { o->code_by = FO_ALL; return 1; }
        if (!strcmp(whole, "CODE BY CLAUSE")) { o->code_by = FO_BY_CLAUSE; return 1; }
        if (!strcmp(whole, "CODE BY SENTENCE")) { o->code_by = FO_BY_SENTENCE; return 1; }
        char *eq = strchr(whole, '=');
        if (!eq) { snprintf(err, errlen, "SET: '%.100s' not understood (CODE ALL, CODE BY CLAUSE, CODE BY SENTENCE, or NAME = VALUE)", whole); return 0; }
        *eq = 0;
        char *key = whole, *val = eq + 1;
        size_t kl = strlen(key); while (kl && key[kl-1] == ' ') key[--kl] = 0;
        static const char *const no_effect[] = { "TIME SHIFT", "YYYY", "SKIP RECORDS", "VERB USAGE", "ACTOR USAGE",
            "AGENT USAGE", "LABEL", "DUP WARNING", "FBIS", "ALLCAPS", NULL };
        if (!strcmp(key, "CONVERT AGENT")) { if (!f_opt_bool(val, &o->convert_agent)) goto bad; return 1; }
        if (!strcmp(key, "CHECK DOMINANT")) { if (!f_opt_bool(val, &o->check_dominant)) goto bad; return 1; }
        if (!strcmp(key, "MINIMUM WORDS")) { if (!f_opt_int(val, &o->minwords)) goto bad; return 1; }
        for (int i = 0; no_effect[i]; i++) if (!strcmp(key, no_effect[i])) return 1;   /* output, dates: nothing to code */
        snprintf(err, errlen, "SET: '%.100s' is not a TABARI setting kroniek knows", key);
        return 0;
    }
    if (!strcmp(name, "OUTPUT") || !strcmp(name, "LABEL")) return 1;     /* TABARI's output file */
    snprintf(err, errlen, "'%.100s:' is not a TABARI option kroniek knows (COMPLEX, DEFAULT, FORWARD, COMMA, SET, OUTPUT, LABEL)", name);
    return 0;
bad:
    snprintf(err, errlen, "%.100s: value not understood", name);
    return 0;
}

/* read the article's options into c->fo (kept while the options string stays the same) */
static kr_status f_set_options(kr_coder *c, const char *opts) {
    if (c->fo_parsed && ((!opts && !c->fo_text) || (opts && c->fo_text && !strcmp(opts, c->fo_text)))) return KR_OK;
    free(c->fo_text); c->fo_text = NULL; c->fo_parsed = 0;
    f_opts_default(&c->fo);
    for (const char *p = opts; p && *p;) {
        const char *e = p;
        while (*e && *e != ';' && *e != '\n') e++;
        char line[512], err[300];
        f_opt_norm(p, (size_t)(e - p), line, sizeof line);
        if (line[0] && !f_opt_line(&c->fo, line, err, sizeof err)) {
            snprintf(c->err, sizeof c->err, "option '%.*s': %s", (int)((e - p) < 120 ? (e - p) : 120), p, err);
            f_opts_default(&c->fo);
            return KR_ERR_PARSE;
        }
        p = *e ? e + 1 : e;
    }
    if (opts) { c->fo_text = strdup(opts); if (!c->fo_text) return KR_ERR_NOMEM; }
    c->fo_parsed = 1;
    return KR_OK;
}

/* FORWARD: the story of an article from its id -- the characters at the template's N
** positions (S marks the sentence number, other characters are ignored); kroniek's ids
** have no TABARI header columns, so the template is aligned with the end of the id */
static void f_story(const kr_coder *c, const char *id, char *out, size_t cap) {
    size_t k = 0, tl = strlen(c->fo.fwd_tmpl), il = id ? strlen(id) : 0;
    out[0] = 0;
    if (!c->fo.fwd_on || !il) return;
    for (size_t i = 0; i < tl && k + 1 < cap; i++) {
        if (c->fo.fwd_tmpl[i] != 'N' || il + i < tl) continue;
        out[k++] = id[il + i - tl];
    }
    out[k] = 0;
}

/* per article, foreign dictionaries only: options and the story forwarded into it */
kr_status kc_f_article_start(kr_coder *c, const kr_article *a) {
    kr_status st = f_set_options(c, a->options);
    if (st != KR_OK) return st;
    char story[64];
    f_story(c, a->id, story, sizeof story);
    if (story[0] && !strcmp(story, c->fwd_story) && c->fwd_mem.n) c->fprev = c->fwd_mem;  /* pronouns at the start */
    else c->fwd_mem.n = 0;
    memcpy(c->fwd_story, story, strlen(story) + 1);      /* both 64 bytes (once per article: no snprintf) */
    return KR_OK;
}

/* Triggers from TABARI/PETRARCH dictionaries (TRIG_FOREIGN) are coded the way TABARI
** codes: comma-delimited asides are dropped, the sentence is cut into clauses at
** conjunctions that start a new verb, and in each clause the first verb that codes
** gives the events (weak "?" verbs only when no other does).  Patterns are matched
** around the verb: elements before '*' backwards from it, the others forwards; an
** adjacent element ('_') must be directly next to the one before; '+', '$' and '%'
** may take any actor, also the subject; '^' passes over one actor.  Negation,
** modality and intent are what the patterns say: kroniek's own rules do not apply. */

/* emit an event of a foreign trigger (the caller dedupes on source, target, code) */
static void emit_foreign(kr_coder *c, int sent_no, const kr_sent *S, const char *src, const char *tgt, const char *code, const char *vtext) {
    if (c->stop || !src[0] || !tgt[0]) return;
    kc_deliver(c, sent_no, S, src, tgt, code, vtext, src, tgt);
}

/* foreign coding groups actors like TABARI: "Fornost and the evil awful Gondor" is one
** compound (kroniek's own groups allow only articles in between); c->fg[k] is the
** head of mention k's group */
static void f_make_groups(kr_coder *c) {
    int *fg = c->fg;
    for (int k = 0; k < c->nm; k++) {
        fg[k] = k;
        if (!k) continue;
        if (c->m[k].s == c->m[k-1].s && c->m[k].e == c->m[k-1].e) { fg[k] = fg[k-1]; continue; }   /* [A/B/C] */
        uint32_t gap = c->m[k].s - c->m[k-1].e, joins = 0; int ok = gap <= 6;
        for (uint32_t t = c->m[k-1].e; t < c->m[k].s && ok; t++) {
            const char *f = c->tok[t].fold;
            if ((wcls(c, t) & WC_AND) || (c->tok[t].flags & TF_COMMA) || !strcmp(f, "or") || !strcmp(f, "nor")) joins++;
            else if (wcls(c, t) & (WC_SUB_DAT | WC_SUB_COND | WC_SUB_QUEST | WC_SUB_OTHER | WC_REL | WC_PREP)) ok = 0;
            else if (!(wcls(c, t) & (WC_DET | WC_POSS)) && !(kc_is_filler(c, t) && !(c->tok[t].flags & TF_NUM))) ok = 0;
            /* a verb between them ("Ithilen or assail Arnor") ends the compound */
            for (int h = 0; h < c->nth && ok; h++) if (c->th[h].tok == t && (c->L->trig[c->th[h].trig].flags & TRIG_FOREIGN)) ok = 0;
        }
        if (ok && joins) fg[k] = fg[k-1];
    }
}

/* mention group (head index) that covers token t, or -1 */
static int f_group_at(const kr_coder *c, uint32_t t) {
    for (int k = 0; k < c->nm; k++) if (c->m[k].s <= t && t < c->m[k].e && !c->m[k].skip) return c->fg[k];
    return -1;
}

static void f_group_span(const kr_coder *c, int g, uint32_t *s, uint32_t *e) {
    *s = c->m[g].s; *e = c->m[g].e;
    for (int k = g; k < c->nm; k++) if (c->fg[k] == g && c->m[k].e > *e) *e = c->m[k].e;
}

static void f_codeset(const kr_coder *c, int head, codeset *cs) {
    cs->n = 0;
    for (int k = head; k < c->nm && cs->n < 4; k++) {
        if (c->fg[k] != head || c->m[k].skip) continue;
        int dup = 0;
        for (int j = 0; j < cs->n; j++) if (!strcmp(cs->code[j], c->m[k].code)) dup = 1;
        if (!dup) kc_code_copy(cs->code[cs->n++], c->m[k].code);
    }
}

static int f_is_obj_pron(const kr_coder *c, uint32_t t) {
    const char *f = c->tok[t].fold;
    return !strcmp(f, "him") || !strcmp(f, "her") || !strcmp(f, "them");
}

typedef struct {
    codeset src, tgt;
    int have_src, have_tgt, recip, swap;
    int tgt_group, src_group;      /* -2: a pronoun */
} fbind;

static int f_is_word_el(const kr_pelem *e) { return e->type == PE_WORD || e->type == PE_PREFIX || e->type == PE_SET; }

/* match pattern P around hit H within [cs, ce) (del: dropped tokens from a); subj: the
** subject group; pron: what a pronoun stands for */
static int f_match(const kr_coder *c, const trig_hit *H, const kr_pattern *P, uint32_t cs, uint32_t ce,
                   const uint8_t *del, uint32_t a, int subj, const codeset *pron, fbind *b) {
    int vi = -1;
    for (uint32_t i = 0; i < P->nel; i++) if (P->el[i].type == PE_VERB) { vi = (int)i; break; }
    memset(b, 0, sizeof *b); b->tgt_group = b->src_group = -1;
    /* elements before the verb, from the verb backwards */
    int64_t pos = (int64_t)H->tok - 1;
    int next_adj = vi >= 0 && P->el[vi].adjacent;
    for (int i = vi - 1; i >= 0; i--) {
        const kr_pelem *e = &P->el[i];
        int adj = next_adj;
        next_adj = e->adjacent;
        while (pos >= (int64_t)cs && del[pos - a]) pos--;
        if (f_is_word_el(e)) {
            int64_t found = -1;
            for (int64_t t = pos; t >= (int64_t)cs; t--) {
                if (del[t - a]) continue;
                if (kc_tok_matches(c, (uint32_t)t, e)) { found = t; break; }
                if (adj) break;
            }
            if (found < 0) return 0;
            pos = found - 1;
            continue;
        }
        if (e->type == PE_VERB) continue;
        if ((e->type == PE_TARGET || e->type == PE_SOURCE) && e->wid == 1) { if (e->type == PE_SOURCE) b->swap = 1; continue; }
        int g = -1, is_pron = 0; int64_t t = pos;
        for (; t >= (int64_t)cs; t--) {
            if (del[t - a]) continue;
            g = f_group_at(c, (uint32_t)t);
            if (g >= 0) break;
            if ((wcls(c, (uint32_t)t) & WC_PRON) && pron && pron->n && (e->type == PE_SOURCE || e->type == PE_TARGET)) { is_pron = 1; break; }
            if (adj && !(wcls(c, (uint32_t)t) & (WC_DET | WC_POSS))) return 0;
        }
        if (g < 0 && !is_pron) return 0;
        codeset cs2;
        if (is_pron) { cs2 = *pron; pos = t - 1; }
        else { uint32_t s0, e0; f_group_span(c, g, &s0, &e0); f_codeset(c, g, &cs2); pos = (int64_t)s0 - 1; }
        if (e->type == PE_SKIP) continue;
        if (e->type == PE_RECIP) { if (cs2.n < 2) return 0; b->src = cs2; b->recip = 1; b->have_src = 1; continue; }
        if (e->type == PE_TARGET) { b->tgt = cs2; b->have_tgt = 1; b->tgt_group = is_pron ? -2 : g; }
        else { b->src = cs2; b->have_src = 1; b->src_group = is_pron ? -2 : g; }
    }
    /* the elements after the verb (all of them when there is no '*'), forwards */
    uint32_t fpos = H->tok + H->ntok;
    int prev_word = 1;
    for (uint32_t i = (uint32_t)(vi + 1); i < P->nel; i++) {
        const kr_pelem *e = &P->el[i];
        int adj = e->adjacent && prev_word;
        while (fpos < ce && del[fpos - a]) fpos++;
        if (f_is_word_el(e)) {
            int64_t found = -1;
            for (uint32_t t = fpos; t < ce; t++) {
                if (del[t - a] || (t >= H->tok && t < H->tok + H->ntok)) continue;
                if (kc_tok_matches(c, t, e)) { found = t; break; }
                if (adj) break;
            }
            if (found < 0) return 0;
            fpos = (uint32_t)found + 1; prev_word = 1;
            continue;
        }
        if (e->type == PE_VERB) continue;
        if ((e->type == PE_TARGET || e->type == PE_SOURCE) && e->wid == 1) { if (e->type == PE_SOURCE) b->swap = 1; continue; }
        int g = -1;
        for (uint32_t t = fpos; t < ce; t++) {
            if (del[t - a]) continue;
            g = f_group_at(c, t);
            if (g >= 0) break;
            if (adj && !(wcls(c, t) & (WC_DET | WC_POSS)) && !kc_is_filler(c, t)) return 0;
        }
        if (g < 0) return 0;
        uint32_t s0, e0; f_group_span(c, g, &s0, &e0);
        fpos = e0; prev_word = 0;
        codeset cs2; f_codeset(c, g, &cs2);
        if (e->type == PE_SKIP) continue;
        if (e->type == PE_RECIP) { if (cs2.n < 2) return 0; b->src = cs2; b->recip = 1; b->have_src = 1; continue; }
        if (e->type == PE_TARGET) { if (!b->have_tgt) { b->tgt = cs2; b->have_tgt = 1; b->tgt_group = g; } }
        else { b->src = cs2; b->have_src = 1; b->src_group = g; }
    }
    return 1;
}

/* the index keys (kr_fidx) of the tokens [s, e) that some foreign pattern has (the
** filter kr_lang.fkey_all), each with its token; k->over when there are too many */
void kc_fkeys_of(const kr_coder *c, uint32_t s, uint32_t e, kc_fkeys *k) {
    const uint64_t *all = c->L->fkey_all;
    k->n = 0; k->over = 0;
    if (!all) return;
#define F_PUSH(K) do { uint32_t key_ = (K), b_ = kr_fkey_all_bit(key_); \
        if (all[b_ >> 6] >> (b_ & 63) & 1) { if (k->n == KR_FKEYS_MAX) { k->over = 1; return; } k->key[k->n] = key_; k->tok[k->n++] = t; } } while (0)
    for (uint32_t t = s; t < e; t++) {
        const kr_tok *tk = &c->tok[t];
        if (tk->wid <= KR_FKEY_WORDMAX) F_PUSH(tk->wid);
        uint32_t h = KR_FKEY_H0;
        for (uint32_t l = 1; l <= tk->flen && l <= KR_FKEY_PLEN; l++) {
            h = kr_fkey_step(h, (unsigned char)tk->fold[l - 1]);
            F_PUSH(kr_fkey_prefix(h, l));
        }
    }
#undef F_PUSH
}

/* the patterns of T that can match with the tokens [s, e) (keys in k): bit i of bm
** (KR_FBM_WORDS words) for pattern i.  A pattern needs a token for every word element,
** so only the patterns whose index key (kr_fidx) a token has are candidates, and those
** without a key.  del (from token a; NULL: none) and the hit H (NULL: none) are tokens
** no word element can take.  0 when T has no index, k is incomplete or T has too many
** patterns for bm: then every pattern is to be tried */
static int f_candidates(const kr_trigger *T, const kc_fkeys *k, const trig_hit *H, uint32_t cs, uint32_t ce,
                        const uint8_t *del, uint32_t a, uint64_t *bm) {
    const kr_fidx *fx = T->fx;
    if (!fx || k->over || T->npat > KR_FBM_WORDS * 64 || T->npat < 4) return 0;
    uint32_t nw = (T->npat + 63) / 64;
    memset(bm, 0, nw * sizeof *bm);
    for (uint32_t i = 0; i < fx->nany; i++) bm[fx->any[i] >> 6] |= 1ull << (fx->any[i] & 63);
    if (!fx->n) return 1;
    const uint32_t *ks = fx->key;
    for (uint32_t q = 0; q < k->n; q++) {
        uint32_t t = k->tok[q], key = k->key[q];
        if (t < cs || t >= ce || (del && del[t - a]) || (H && t >= H->tok && t < H->tok + H->ntok)) continue;
        if (!(fx->lens >> (key >> 29) & 1)) continue;
        uint32_t bit = kr_fkey_bit(key, fx->bmask);
        if (!(fx->bloom[bit >> 6] >> (bit & 63) & 1)) continue;
        uint32_t lo = 0, hi = fx->n;
        while (lo < hi) { uint32_t mid = lo + (hi - lo) / 2; if (ks[mid] < key) lo = mid + 1; else hi = mid; }
        for (; lo < fx->n && ks[lo] == key; lo++) bm[fx->pat[lo] >> 6] |= 1ull << (fx->pat[lo] & 63);
    }
    return 1;
}

int kc_pattern_candidates_k(const kr_trigger *T, const kc_fkeys *k, uint32_t s, uint32_t e, uint64_t *bm) {
    return f_candidates(T, k, NULL, s, e, NULL, 0, bm);
}

int kc_pattern_candidates(const kr_coder *c, const kr_trigger *T, uint32_t s, uint32_t e, uint64_t *bm) {
    if (!T->fx) return 0;
    kc_fkeys *k = kr_xmalloc(sizeof *k);
    kc_fkeys_of(c, s, e, k);
    int r = f_candidates(T, k, NULL, s, e, NULL, 0, bm);
    free(k);
    return r;
}

/* the events of a sentence, kept until the sentence is done (SET: CODE ALL with CHECK
** DOMINANT keeps only the events of dominant verbs when there are any) */
#define FSEEN_MAX 128
typedef struct { char s[CODELEN], t[CODELEN], code[8]; const char *vt; uint8_t dom; } fseen;

static int f_emit(kr_coder *c, fseen *seen, int *nseen, const char *src, const char *tgt, const char *code, const char *vt, int dom) {
    /* an actor towards itself is no event: the same code, or a state and its own agent
    ** (USA and USAGOV); two agents of one state are two actors (USAGOV and USACVL, NGMARN
    ** and NGMGON, DEFSRC and DEFTAR), as CAMEO's domestic events have them */
    size_t sl = strlen(src), tl = strlen(tgt);
    if (!sl || !tl || !strncmp(src, tgt, sl < tl ? sl : tl)) return 0;
    for (int i = 0; i < *nseen; i++) if (!strcmp(seen[i].s, src) && !strcmp(seen[i].t, tgt) && !strcmp(seen[i].code, code)) { if (dom) seen[i].dom = 1; return 0; }
    if (*nseen >= FSEEN_MAX) return 0;
    fseen *f = &seen[(*nseen)++];
    kc_code_copy(f->s, src); kc_code_copy(f->t, tgt); snprintf(f->code, 8, "%s", code);
    f->vt = kr_strndup(&c->ar, vt, strlen(vt)); f->dom = (uint8_t)(dom != 0);
    return 1;
}

static void f_flush(kr_coder *c, int sent_no, const kr_sent *S, const fseen *seen, int nseen) {
    int dom = 0;
    if (c->fo.code_by == FO_ALL && c->fo.check_dominant) for (int i = 0; i < nseen; i++) if (seen[i].dom) dom = 1;
    for (int i = 0; i < nseen && !c->stop; i++) if (!dom || seen[i].dom) emit_foreign(c, sent_no, S, seen[i].s, seen[i].t, seen[i].code, seen[i].vt);
}

/* FORWARD: the actor code of mention k without its agent ("Fornost President" FORGOVPRS
** forwards FOR, as TABARI does) */
static void f_base_code(const kr_coder *c, int k, char *out) {
    const mention *M = &c->m[k];
    kc_code_copy(out, M->code);
    for (uint32_t t = M->s; t < M->e; t++) {
        piece p;
        if (kc_match_piece(c, t, M->e, &p) != 1) continue;
        if (p.kind == AK_AGENT || p.kind == AK_NULL || p.kind == AK_DISCARD || p.kind == AK_PLACE) { t += p.len - 1; continue; }
        const char *pc = kr_str(c->d, p.code);
        size_t l = strlen(pc);
        if (l && !strncmp(M->code, pc, l)) kc_code_copy(out, pc);
        return;
    }
}

/* words (tokens that are not punctuation) in [s, e) */
static int f_words(const kr_coder *c, uint32_t s, uint32_t e) {
    int n = 0;
    for (uint32_t t = s; t < e; t++) if (!is_punct(c, t)) n++;
    return n;
}

/* words of a sentence as TABARI counts them for SET: MINIMUM WORDS (blank-separated) */
static int f_nwords(const kr_coder *c, const kr_sent *S) {
    int n = 0, in = 0;
    for (uint32_t i = 0; i < S->len; i++) {
        char ch = c->text.p[S->off + i];
        int sp = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
        if (!sp && !in) n++;
        in = !sp;
    }
    return n;
}

/* first actor group after token t in [t, ce), not group not_g; -1 if none */
static int f_next_actor(const kr_coder *c, uint32_t t, uint32_t ce, const uint8_t *del, uint32_t a, int not_g) {
    for (; t < ce; t++) {
        if (del[t - a]) continue;
        int g = f_group_at(c, t);
        if (g >= 0 && g != not_g) return g;
    }
    return -1;
}

/* TABARI's DEFAULT: SOURCE [S] PRIOR TARGET [T] AFTER, for a verb at H without a source
** or target.  No source: with PRIOR the default source; without it the first actor after
** the verb is the source and the next one the target (the default source only when
** there is no actor at all).  No target: with AFTER the default target, also in place
** of an actor before the verb; without it a compound source gives its first member as
** source and the others as targets, else the default target. */
static void f_defaults(const kr_coder *c, const trig_hit *H, uint32_t ce, const uint8_t *del, uint32_t a,
                       codeset *src, codeset *tgt, int tgt_before) {
    const struct fopts *o = &c->fo;
    if (!src->n && o->defsrc[0]) {
        int g = o->def_prior ? -1 : f_next_actor(c, H->tok + H->ntok, ce, del, a, -1);
        if (g >= 0) {
            codeset cs; f_codeset(c, g, &cs);
            src->n = 1; kc_code_copy(src->code[0], cs.code[0]);
            tgt->n = 0; tgt_before = 0;
            for (int i = 1; i < cs.n; i++) kc_code_copy(tgt->code[tgt->n++], cs.code[i]);
            if (!tgt->n) {
                uint32_t s0, e0; f_group_span(c, g, &s0, &e0);
                int g2 = f_next_actor(c, e0, ce, del, a, g);
                if (g2 >= 0) f_codeset(c, g2, tgt);
            }
        } else { src->n = 1; kc_code_copy(src->code[0], o->defsrc); }
    }
    if (!src->n || !o->deftar[0]) return;
    if (tgt->n && !(o->def_after && tgt_before)) return;
    if (!o->def_after && src->n >= 2) {
        tgt->n = 0;
        for (int i = 1; i < src->n; i++) kc_code_copy(tgt->code[tgt->n++], src->code[i]);
        src->n = 1;
        return;
    }
    tgt->n = 1; kc_code_copy(tgt->code[0], o->deftar);
}

void kc_code_foreign(kr_coder *c, int sent_no, const kr_sent *S) {
    const kr_dict *d = c->d;
    const kr_lang *L = c->L;
    uint32_t a = S->tok0, b = S->tok0 + S->ntok;
    int any = 0;
    /* FORWARD: the first actor of the latest sentence that has one goes to the next
    ** article of the same story */
    if (c->fo.fwd_on) for (int k = 0; k < c->nm; k++) if (!c->m[k].skip) { c->fwd_mem.n = 1; f_base_code(c, k, c->fwd_mem.code[0]); break; }
    for (int h = 0; h < c->nth; h++) {
        const kr_trigger *T = &L->trig[c->th[h].trig];
        if (!(T->flags & TRIG_FOREIGN)) continue;
        any = 1;
        if (T->kind == TK_DISCARD) { if (T->flags & TRIG_STORY) c->fstory_discard = 1; return; }
    }
    if (!any || c->fdiscard) return;
    if (c->fo.minwords && f_nwords(c, S) < c->fo.minwords) return;     /* SET: MINIMUM WORDS */
    uint32_t n = b - a < KR_MAX_TOKENS ? b - a : KR_MAX_TOKENS;
    b = a + n;
    /* 1. comma-delimited clauses are dropped (TABARI's COMMA: the part before the first
    **    comma when it has BMIN..BMAX words; then, comma by comma, the part up to the
    **    next comma when it has MIN..MAX words (both commas are used up), or after the
    **    last comma when it has EMIN..EMAX.  Standard: MIN = 2 MAX = 10 EMIN = 2 EMAX =
    **    10, no initial part.  A comma inside a list of actors delimits nothing) */
    uint8_t del[KR_MAX_TOKENS + 8];
    memset(del, 0, sizeof del);
    uint32_t commas[64]; int nc = 0;
    for (uint32_t t = a; t < b && nc < 64; t++) if (c->tok[t].flags & TF_COMMA) commas[nc++] = t;
    f_make_groups(c);
    int clist[64];
    for (int j = 0; j < nc; j++) {
        int g0 = commas[j] > a ? f_group_at(c, commas[j] - 1) : -1, g1 = commas[j] + 1 < b ? f_group_at(c, commas[j] + 1) : -1;
        clist[j] = g0 >= 0 && g0 == g1;
    }
    for (int i = 0; i < nc && !c->fo.comma_off; ) {
        int initial = i == 0 && !clist[0] && f_words(c, a, commas[0]) >= c->fo.bmin && f_words(c, a, commas[0]) <= c->fo.bmax;
        if (initial) { for (uint32_t t = a; t <= commas[0]; t++) del[t - a] = 1; i++; continue; }
        if (clist[i]) { i++; continue; }
        uint32_t s0 = commas[i] + 1, e0 = i + 1 < nc ? commas[i+1] : b;
        int w = f_words(c, s0, e0);
        if (i + 1 < nc && !clist[i+1] && w >= c->fo.cmin && w <= c->fo.cmax) {
            for (uint32_t t = commas[i]; t <= commas[i+1]; t++) del[t - a] = 1;
            i += 2;
        } else {
            if (i + 1 == nc && w >= c->fo.emin && w <= c->fo.emax) for (uint32_t t = commas[i]; t < b; t++) del[t - a] = 1;
            i++;
        }
    }
    /* 2. clauses: cut at a conjunction when a verb comes right after it (the next four
    **    words, an actor counting as one) and one came before */
    struct { uint32_t s, e; } cl[64]; int ncl = 0;
    uint32_t start = a;
    for (uint32_t t = a + 1; t < b; t++) {
        const char *cf = c->tok[t].fold;
        int conj_and = (wcls(c, t) & WC_AND) || !strcmp(cf, "or") || !strcmp(cf, "nor");
        if (del[t - a] || !(conj_and || (wcls(c, t) & WC_COORD))) continue;
        if (conj_and && f_group_at(c, t - 1) >= 0 && t + 1 < b && f_group_at(c, t - 1) == f_group_at(c, t + 1 < b ? t + 1 : t)) continue;
        int inside = 0, before = 0, soon = 0;
        for (int h = 0; h < c->nth; h++) if (c->th[h].tok < t && t < c->th[h].tok + c->th[h].ntok) inside = 1;
        if (inside) continue;
        for (int h = 0; h < c->nth; h++) {
            if (!(L->trig[c->th[h].trig].flags & TRIG_FOREIGN)) continue;
            if (c->th[h].tok >= start && c->th[h].tok < t) before = 1;
            if (c->th[h].tok <= t) continue;
            uint32_t k = t + 1; int steps = 0;
            while (k < c->th[h].tok && steps < 3) {
                int g = f_group_at(c, k);
                if (g >= 0) { uint32_t s0, e0; f_group_span(c, g, &s0, &e0); k = e0; } else k++;
                steps++;
            }
            if (k == c->th[h].tok) soon = 1;
        }
        /* "... and then it requested": a conjunction before a subject pronoun */
        {
            uint32_t k = t + 1;
            while (k < b && (!strcmp(c->tok[k].fold, "then") || !strcmp(c->tok[k].fold, "also"))) k++;
            if (k < b && (wcls(c, k) & WC_PRON) && !f_is_obj_pron(c, k)) for (int h = 0; h < c->nth; h++)
                if ((L->trig[c->th[h].trig].flags & TRIG_FOREIGN) && c->th[h].tok > k) soon = 1;
        }
        if (before && soon && ncl < 63) { cl[ncl].s = start; cl[ncl].e = t; ncl++; start = t + 1; }
    }
    cl[ncl].s = start; cl[ncl].e = b; ncl++;
    /* a verb form that reads as a noun: capitalized inside the sentence ("To Restore",
    ** "March"; not in an all-capitals text), after the/a/an, or before 's */
    uint8_t noun[MAXM]; memset(noun, 0, sizeof noun);
    uint32_t ncap = 0, nw = 0;
    for (uint32_t t = a; t < b; t++) if (!is_punct(c, t)) { nw++; if (c->tok[t].cap == 2) ncap++; }
    int allcaps = ncap * 2 > nw;
    for (int h = 0; h < c->nth; h++) {
        uint32_t t = c->th[h].tok;
        if (!(L->trig[c->th[h].trig].flags & TRIG_FOREIGN)) continue;
        if (!allcaps && t > a && c->tok[t].cap && !(t > a && (c->tok[t-1].flags & (TF_QUOTE | TF_COLON)))) noun[h] = 1;
        if (t > a) { const char *f = c->tok[t-1].fold; if (!strcmp(f, "the") || !strcmp(f, "a") || !strcmp(f, "an")) noun[h] = 1; }
        if (t + c->th[h].ntok < b && (wcls(c, t + c->th[h].ntok) & WC_GENITIVE) && c->tok[t + c->th[h].ntok].fold[0] == '\'') noun[h] = 1;
    }
    /* TABARI's COMPLEX filter (standard options: VERBS[5] CONJ[4] NOACTPRIOR): five
    ** verbs, four conjunctions, or no actor before the first verb make the sentence too
    ** complex to code */
    {
        int nverb = 0, nconj = 0;
        for (int h = 0; h < c->nth; h++) {
            const kr_trigger *T = &L->trig[c->th[h].trig];
            if ((T->flags & TRIG_FOREIGN) && !noun[h] && !del[c->th[h].tok - a] && T->kind != TK_DISCARD && (h == 0 || c->th[h-1].tok != c->th[h].tok)) nverb++;
        }
        for (uint32_t t = a; t < b; t++) {
            const char *cf = c->tok[t].fold;
            if (del[t - a] || !((wcls(c, t) & (WC_AND | WC_COORD)) || !strcmp(cf, "or") || !strcmp(cf, "nor"))) continue;
            int g0 = t > a ? f_group_at(c, t - 1) : -1, g1 = t + 1 < b ? f_group_at(c, t + 1) : -1;
            int inside = 0;
            for (int h = 0; h < c->nth; h++) if (c->th[h].tok < t && t < c->th[h].tok + c->th[h].ntok) inside = 1;
            if (!inside && !(g0 >= 0 && g0 == g1)) nconj++;
        }
        if ((c->fo.cx_verbs && nverb >= c->fo.cx_verbs) || (c->fo.cx_conj && nconj >= c->fo.cx_conj)) return;
    }
    /* no actor before the first verb that codes anything: TABARI's NOACTPRIOR */
    for (int h = 0; h < c->nth && c->fo.cx_noactprior; h++) {
        const kr_trigger *T = &L->trig[c->th[h].trig];
        if (!(T->flags & TRIG_FOREIGN) || noun[h] || del[c->th[h].tok - a]) continue;
        if (T->code < 0) continue;                     /* a null-coded verb ("On accord ...") does not count */
        int actor = 0;
        for (uint32_t t = a; t < c->th[h].tok && !actor; t++) if (!del[t - a] && (f_group_at(c, t) >= 0 || (wcls(c, t) & WC_PRON))) actor = 1;
        if (!actor && !c->fprev.n) return;
        break;
    }
    fseen seen[FSEEN_MAX]; int nseen = 0;
    codeset prev_src = c->fprev;
    kc_fkeys fkeys, *fk = &fkeys;                  /* the tokens' pattern index keys, found once */
    int have_fk = 0;
    /* 3. in each clause the first verb that codes (SET: CODE BY CLAUSE); SET: CODE BY
    **    SENTENCE: only the first of the sentence; SET: CODE ALL: every verb */
    int all = c->fo.code_by == FO_ALL, sentence_done = 0;
    for (int ci = 0; ci < ncl && !sentence_done; ci++) {
        uint32_t cs = cl[ci].s, ce = cl[ci].e;
        int done = 0;
        for (int pass = 0; pass < 2 && !done; pass++) {           /* pass 1: weak verbs (code?) */
            for (int h = 0; h < c->nth && (all || !done); h++) {
                trig_hit *H = &c->th[h];
                const kr_trigger *T = &L->trig[H->trig];
                if (!(T->flags & TRIG_FOREIGN) || H->tok < cs || H->tok >= ce || del[H->tok - a] || noun[h]) continue;
                if (((T->flags & TRIG_WEAK) != 0) != pass) continue;
                /* at one word the verb with the longest entry ("ATTACKED" over "ATTACK") and its
                ** reverse-event twin (same line) */
                int best = h;
                for (int h2 = 0; h2 < c->nth; h2++) {
                    const kr_trigger *T2 = &L->trig[c->th[h2].trig];
                    if (c->th[h2].tok != H->tok || !(T2->flags & TRIG_FOREIGN) || T2->kind == TK_DISCARD) continue;
                    const kr_trigger *TB = &L->trig[c->th[best].trig];
                    if (c->th[h2].ntok > c->th[best].ntok || (c->th[h2].ntok == c->th[best].ntok && strlen(T2->lemma) > strlen(TB->lemma))) best = h2;
                }
                if (best != h && !(L->trig[c->th[best].trig].line == T->line && L->trig[c->th[best].trig].file == T->file)) continue;
                /* the subject: the first actor of the clause before the verb, else a
                ** pronoun or the source of the clause before */
                int subj = -1; codeset scs; scs.n = 0;
                codeset pron = prev_src.n ? prev_src : c->last_subj;
                for (uint32_t t = cs; t < H->tok && subj < 0 && !scs.n; t++) {
                    if (del[t - a]) continue;
                    if ((subj = f_group_at(c, t)) >= 0) f_codeset(c, subj, &scs);
                    else if ((wcls(c, t) & WC_PRON) && !f_is_obj_pron(c, t)) scs = pron;
                }
                if (subj < 0 && !scs.n) scs = prev_src;
                codeset objpron = pron;
                if (scs.n) pron = scs;
                int coded = 0;
                for (int h2 = 0; h2 < c->nth; h2++) {     /* paired codes: the twin at this word too */
                    trig_hit *H2 = &c->th[h2];
                    const kr_trigger *T2 = &L->trig[H2->trig];
                    if (H2->tok != H->tok || !(T2->flags & TRIG_FOREIGN) || T2->line != T->line || T2->file != T->file) continue;
                    fbind bd; int matched = 0, code = T2->code;
                    uint64_t bm[KR_FBM_WORDS];
                    if (T2->fx && !have_fk) { kc_fkeys_of(c, a, b, fk); have_fk = 1; }
                    if (f_candidates(T2, fk, H2, cs, ce, del, a, bm)) {
                        uint32_t nbw = (T2->npat + 63) / 64, mp = T2->npat;
                        for (uint32_t w = 0; w < nbw && !matched; w++)
                            for (uint64_t x = bm[w]; x && !matched; x &= x - 1) {
                                uint32_t p = w * 64 + (uint32_t)__builtin_ctzll(x);
                                if (f_match(c, H2, &T2->pat[p], cs, ce, del, a, subj, &pron, &bd)) { matched = 1; code = T2->pat[p].code; mp = p; }
                            }
#ifdef KR_FIDX_CHECK
                        /* a pattern left out must not match before the one that did */
                        for (uint32_t p = 0; p < mp; p++) {
                            fbind chk;
                            if (!(bm[p >> 6] >> (p & 63) & 1) && f_match(c, H2, &T2->pat[p], cs, ce, del, a, subj, &pron, &chk)) {
                                fprintf(stderr, "KR_FIDX_CHECK: %s:%d pattern %u of '%s' matches but was not a candidate\n", T2->pat[p].file, T2->pat[p].line, p, T2->lemma);
                                abort();
                            }
                        }
#else
                        (void)mp;
#endif
                    } else
                    for (uint32_t p = 0; p < T2->npat && !matched; p++)
                        if (f_match(c, H2, &T2->pat[p], cs, ce, del, a, subj, &pron, &bd)) { matched = 1; code = T2->pat[p].code; }
                    if (matched && code == -2) { f_flush(c, sent_no, S, seen, nseen); return; }   /* [###]: the rest is not coded */
                    if (!matched) { memset(&bd, 0, sizeof bd); bd.tgt_group = bd.src_group = -1; }
                    if (code < 0) { if (matched) coded = 1; continue; }
                    char vt[256]; kc_span_text(c, H2->tok, H2->tok + H2->ntok, vt, sizeof vt);
                    const char *code_s = d->cameo[code].code;
                    if (bd.recip) {
                        for (int i = 0; i < bd.src.n; i++) for (int j = 0; j < bd.src.n; j++)
                            if (i != j) coded |= f_emit(c, seen, &nseen, bd.src.code[i], bd.src.code[j], code_s, vt, T2->flags & TRIG_DOMINANT);
                        continue;
                    }
                    codeset src, tgt; src.n = tgt.n = 0;
                    if (bd.have_src) src = bd.src;
                    else if (bd.have_tgt && bd.tgt_group >= 0 && bd.tgt_group == subj) {
                        int g = f_next_actor(c, H2->tok + H2->ntok, ce, del, a, subj);   /* "+ WAS * DEAD": the source follows */
                        if (g >= 0) f_codeset(c, g, &src);
                    } else src = scs;
                    int tgt_before = 0;                 /* the target is an actor before the verb */
                    if (bd.have_tgt) tgt = bd.tgt;
                    else {
                        int sg = bd.have_src ? bd.src_group : subj;
                        for (uint32_t t = H2->tok + H2->ntok; t < ce && !tgt.n; t++) {
                            if (del[t - a]) continue;
                            int g = f_group_at(c, t);
                            if (g >= 0 && g != sg) f_codeset(c, g, &tgt);
                            /* "asked him"; not the source itself ("Elrond urged Bree to assist him") */
                            else if (f_is_obj_pron(c, t) && objpron.n && !(src.n && kc_same_actor(objpron.code[0], src.code[0]))) tgt = objpron;
                        }
                        /* none after the verb: the last other actor before it */
                        if (!tgt.n) tgt_before = 1;
                        for (uint32_t t = subj >= 0 ? c->m[subj].e : cs; !tgt.n && t < H2->tok; t++) {
                            if (del[t - a]) continue;
                            int g = f_group_at(c, t);
                            if (g >= 0 && g != sg && g != subj) { codeset tmp; f_codeset(c, g, &tmp); uint32_t s0, e0; f_group_span(c, g, &s0, &e0);
                                int later = 0; for (uint32_t u = e0; u < H2->tok; u++) if (!del[u - a] && f_group_at(c, u) >= 0 && f_group_at(c, u) != g) later = 1;
                                if (!later) tgt = tmp; }
                        }
                    }
                    if (!tgt.n && bd.have_src && bd.src_group != subj && scs.n) tgt = scs;     /* "$" after the verb */
                    if (bd.swap) { codeset t0 = src; src = tgt; tgt = t0; }
                    if (!matched && subj >= 0) {                        /* passive: "was opposed by X" */
                        int aux = 0, byg = -1;
                        for (uint32_t t = H2->tok >= cs + 3 ? H2->tok - 3 : cs; t < H2->tok; t++) if (wcls(c, t) & WC_PASS_AUX) aux = 1;
                        for (uint32_t t = H2->tok + H2->ntok; t + 1 < ce && t < H2->tok + H2->ntok + 3; t++)
                            if ((wcls(c, t) & WC_BY) && (byg = f_group_at(c, t + 1)) >= 0) break;
                        if (aux && byg >= 0) { f_codeset(c, byg, &src); tgt = scs; tgt_before = 0; }
                    }
                    if (c->fo.defsrc[0] || c->fo.deftar[0]) f_defaults(c, H2, ce, del, a, &src, &tgt, tgt_before);
                    for (int i = 0; i < src.n; i++) for (int j = 0; j < tgt.n; j++)
                        coded |= f_emit(c, seen, &nseen, src.code[i], tgt.code[j], code_s, vt, T2->flags & TRIG_DOMINANT);
                }
                if (coded) done = 1;
            }
        }
        if (done && c->fo.code_by == FO_BY_SENTENCE) sentence_done = 1;
        /* the source of this clause is the subject of the next when it has none */
        for (uint32_t t = cs; t < ce; t++) {
            int g = del[t - a] ? -1 : f_group_at(c, t);
            if (g >= 0) { f_codeset(c, g, &prev_src); break; }
        }
    }
    c->fprev = prev_src;
    f_flush(c, sent_no, S, seen, nseen);
}
