/*
** trigger.c -- stage 3 of the coder: triggers and patterns.
**
** find_triggers finds verb, noun and phrase forms of the verb dictionary (separable
** Dutch verbs need their particle in the clause); run_pattern matches a trigger's
** patterns in its clause (words, &SETs, prefixes, + target, $ source, <> reciprocal,
** subordinators that let a match go on into a subordinate clause); resolve_roots
** gives each trigger its root.
*/
#include "coder.h"

/* a number, in digits (not a year) or words (word class numeral: "5", "vijf", "two") */
static int numeral(const kr_coder *c, uint32_t t) {
    if (c->tok[t].flags & TF_NUM) return c->tok[t].flen < 4;    /* (not a year: "In 2018 maakte Brussel ...") */
    return (wcls(c, t) & WC_NUMERAL) != 0;
}

void kc_find_triggers(kr_coder *c, uint32_t a, uint32_t b) {
    const kr_lang *L = c->L;
    c->nth = 0;
    for (uint32_t t = a; t < b && c->nth < MAXM; t++) {
        uint32_t w = c->tok[t].wid;
        if (!w || w >= L->tf_cap || !L->tf_first[w]) continue;
        if (kc_mention_at(c, t) >= 0) continue;
        /* a capitalized word inside a sentence is part of a name ("Free Trade Area")
        ** (foreign verbs: code_foreign decides, also for all-capitals text) */
        int capword = c->tok[t].cap && t > a && !is_punct(c, t - 1);
        int ci = kc_clause_of(c, t);
        if (ci < 0) continue;
        int have_particle_form = 0, start = c->nth;
        for (uint32_t f = L->tf_first[w]; f; f = L->tf[f-1].next) {
            const kr_tform *F = &L->tf[f-1];
            if (F->nseq > 1) {
                if (t + F->nseq > b) continue;
                int ok = 1;
                for (uint32_t k = 1; k < F->nseq && ok; k++) if (c->tok[t+k].wid != F->seq[k]) ok = 0;
                if (!ok) continue;
            }
            const kr_trigger *T = &L->trig[F->trig];
            if (capword && !(T->flags & TRIG_FOREIGN)) continue;
            /* "de aanvallen", "zijn oproepen": a verb form after an article is a noun
            ** (foreign verbs: code_foreign decides, the TABARI way) */
            if (T->kind == TK_VERB && t > a && !(T->flags & TRIG_FOREIGN)) {
                uint64_t pw = wcls(c, t - 1);
                /* (English "X and Y both criticised", "they all condemned": after an actor or a
                ** pronoun "both", "all", "each" are no articles) */
                const char *pf = c->tok[t-1].fold; size_t pl = c->tok[t-1].flen;
                int floating = c->lang == 1 && t > a + 1 && ((pl == 4 && (!memcmp(pf, "both", 4) || !memcmp(pf, "each", 4))) || (pl == 3 && !memcmp(pf, "all", 3))) &&
                               (kc_mention_at(c, t - 2) >= 0 || (wcls(c, t - 2) & WC_PRON));
                if ((pw & (WC_DET | WC_POSS)) && !(pw & (WC_REL | WC_PRON | WC_PASS_AUX | WC_SUB_DAT)) && !floating) continue;
                /* ... also with an adjective between ("strikte eisen", "de nieuwe eisen"):
                ** a lower-case word of no class, not a verb form itself, Dutch adjectives
                ** ending in -e */
                if (c->lang == 0 && t > a + 1 && !pw && !c->tok[t-1].cap && !is_punct(c, t - 1) && c->tok[t-1].flen > 2 &&
                    c->tok[t-1].fold[c->tok[t-1].flen - 1] == 'e' && !is_trigger_form(c, t - 1) && kc_mention_at(c, t - 1) < 0) continue;
                /* ... or a number before it ("vijf prijzen", "two attacks") */
                if (numeral(c, t - 1)) continue;
                /* ... or an actor's adjective between ("de Russische eisen", "haar Amerikaanse
                ** aanvallen": the actor's demands, no verb) */
                if (c->lang == 0 && t > a + 1 && kc_mention_at(c, t - 1) >= 0 && c->m[kc_mention_at(c, t - 1)].kind == AK_ADJ &&
                    c->m[kc_mention_at(c, t - 1)].s == t - 1 && (wcls(c, t - 2) & (WC_DET | WC_POSS)) && !(wcls(c, t - 2) & (WC_REL | WC_PRON))) continue;
            }
            if (F->needs_particle) {
                int found = 0;
                for (uint32_t k = c->cl[ci].s; k < c->cl[ci].e; k++) {
                    if (k == t || c->tok[k].wid != T->particle) continue;
                    /* a separated particle follows the verb ("trekt ... terug") or stands
                    ** before "te" ("terug te trekken"); before the verb it is a preposition
                    ** ("komt uit Zuid-Afrika ... gezet") */
                    if (k < t && !(k + 2 == t && (wcls(c, t - 1) & WC_TE))) continue;
                    found = 1; break;
                }
                if (!found) continue;
                have_particle_form = 1;
            }
            /* one hit per trigger */
            int dup = 0;
            for (int h = start; h < c->nth; h++) if (c->th[h].trig == F->trig) dup = 1;
            if (dup || c->nth >= MAXM) continue;
            trig_hit *h = &c->th[c->nth++];
            h->tok = t; h->ntok = F->nseq; h->trig = F->trig; h->clause = ci; h->nopat = 0;
            h->root = code_root(c->d, T->code);
            if (!h->root && T->npat) h->root = T->pat[0].code >= 0 ? code_root(c->d, T->pat[0].code) : 0;
            h->inf = t > a && (wcls(c, t - 1) & WC_TE);
            if (t > a + 1 && !h->inf && (wcls(c, t - 2) & WC_TE) && (wcls(c, t - 1) & WC_FUTURE)) h->inf = 1;   /* te zullen bewapenen */
            if (t > a + 1 && !h->inf && (wcls(c, t - 2) & WC_TE) && c->tok[t-1].wid == L->trig[F->trig].particle) h->inf = 1;  /* terug te trekken */
        }
        /* a longer form wins at the same word: "backed down" over "backed" */
        if (c->nth - start > 1) {
            uint32_t maxn = 0;
            for (int h = start; h < c->nth; h++) if (c->th[h].ntok > maxn) maxn = c->th[h].ntok;
            int n = start;
            for (int h = start; h < c->nth; h++) if (c->th[h].ntok == maxn) c->th[n++] = c->th[h];
            c->nth = n;
        }
        if (have_particle_form) {
            /* the separable reading wins over a plain verb with the same form */
            int n = start;
            for (int h = start; h < c->nth; h++) if (L->trig[c->th[h].trig].particle) c->th[n++] = c->th[h];
            c->nth = n;
        }
        if (c->nth > start && c->th[start].ntok > 1) t += c->th[start].ntok - 1;
    }
    /* a verb's objects end at "and" + the next verb of the clause ("issued arrest
    ** warrants for 36 people and demanded from Interpol ...": the warrants are not for
    ** Interpol); the hits are in token order */
    for (int h = 0; h < c->nth; h++) {
        trig_hit *H = &c->th[h];
        H->cend = c->cl[H->clause].e;
        for (int g = h + 1; g < c->nth; g++) {
            const trig_hit *G = &c->th[g];
            if (G->clause != H->clause || G->tok <= H->tok + H->ntok) continue;
            if (wcls(c, G->tok - 1) & WC_AND) { H->cend = G->tok - 1; break; }
        }
    }
}

int kc_tok_matches(const kr_coder *c, uint32_t t, const kr_pelem *e) {
    const kr_tok *k = &c->tok[t];
    if (e->type == PE_WORD) { for (uint32_t i = 0; i < e->nalt; i++) if (k->wid == e->alts[i]) return 1; return 0; }
    if (e->type == PE_PREFIX) return k->flen >= e->plen && !memcmp(k->fold, e->prefix, e->plen);
    if (e->type == PE_SET) {
        if (e->sorted) {        /* binary search */
            uint32_t lo = 0, hi = e->nalt;
            while (lo < hi) { uint32_t mid = lo + (hi - lo) / 2; if (e->alts[mid] < k->wid) lo = mid + 1; else hi = mid; }
            if (lo < e->nalt && e->alts[lo] == k->wid) return 1;
        } else for (uint32_t i = 0; i < e->nalt; i++) if (k->wid == e->alts[i]) return 1;
        for (uint32_t i = 0; i < e->nprefix; i++) {     /* the folded form starts with the prefix */
            const char *q = e->prefixes[i];
            uint32_t m = 0;
            while (q[m] && m < k->flen && q[m] == k->fold[m]) m++;
            if (!q[m]) return 1;
        }
        return 0;
    }
    return 0;
}

/* first mention group starting at or after t within [t, e) that is usable; adjacent:
** only determiners, possessives and lower-case fillers in between */
static int mention_from(const kr_coder *c, uint32_t t, uint32_t e, int adjacent, int not_group) {
    for (int k = 0; k < c->nm; k++) {
        const mention *m = &c->m[k];
        if (m->s < t || m->s >= e || m->skip || m->group == not_group) continue;
        if (adjacent) {
            /* only articles, possessives, ordinary words and one "van"/"of" between:
            ** "op de uitspraken van Poetin", "met zijn Amerikaanse collega" */
            /* (a possessor starts the count anew: "at the capital city's Democratic
            ** mayor Muriel Bowser"; a capitalised adjective is a filler there) */
            int nof = 0, nfill = 0;
            uint32_t from = t;
            for (uint32_t x = t; x < m->s; x++) {
                if (x - from > 4) return -1;
                uint64_t w = wcls(c, x);
                if ((w & WC_OF) && !nof && x > t) { nof = 1; continue; }
                if (w & WC_GENITIVE) { if (x == t) return -1; from = x + 1; nfill = 0; continue; }
                if (w & (WC_DET | WC_POSS)) continue;
                if (c->tok[x].flags & TF_OPEN && c->tok[x].len == 1 && c->text.p[c->tok[x].off] == '[') continue;   /* an editor's bracket: "to [Bill de Blasio]" */
                if (is_trigger_form(c, x)) return -1;   /* "to leave the EU": a verb between */
                int capfill = from > t && c->tok[x].cap && !is_punct(c, x) && !w;
                if ((!kc_is_filler(c, x) && !capfill) || ++nfill > 2) return -1;
            }
        }
        return m->group == k ? k : m->group;
    }
    return -1;
}

/* the end of what can be the object of trigger H, looked for from token from (right
** after the trigger): in English an infinitive of its own, two or more words on, ends it
** ("was to meet on Monday to discuss the nomination of X": X is discussed, not met; but
** "threatened to arrest the protesters", "denied plans to attack Ukraine": the
** infinitive completes the trigger) */
uint32_t kc_obj_end(const kr_coder *c, const trig_hit *H, uint32_t from) {
    if (c->lang != 1) return H->cend;
    for (uint32_t x = from + 2; x + 1 < H->cend; x++)
        if ((wcls(c, x) & WC_TE) && is_trigger_form(c, x + 1) && kc_mention_at(c, x + 1) < 0) return x;
    return H->cend;
}

void kc_subject_codes(const kr_coder *c, const clause *k, codeset *cs) {
    cs->n = 0; cs->ts = cs->te = 0;
    if (k->subj >= 0) kc_codeset_from_group(c, k->subj, cs);
    else if (k->pron_subj >= 0) *cs = c->pron[k->pron_subj];
}

int kc_run_pattern(const kr_coder *c, const trig_hit *h, const kr_pattern *P, const codeset *subj, int subj_group, match_res *r) {
    int ci = h->clause;
    uint32_t pos = c->cl[ci].s;
    int prev_word = 0, prev_sub = 0;
    r->explicit_src = r->recip = r->words_only = 0; r->tgt.n = 0; r->tgt_head = -1;
    int have_target = 0, last_word = -1;
    for (uint32_t i = 0; i < P->nel; i++) {
        const kr_pelem *e = &P->el[i];
        if (e->type == PE_WORD || e->type == PE_PREFIX || e->type == PE_SET) {
            int found = -1;
            /* English is SVO: a pattern's first word follows the verb ("spoke with +" does
            ** not match the "to" of "urged X to reconsider and spoke with Y") */
            if (i == 0 && c->lang == 1 && ci == h->clause && pos < h->tok + h->ntok && !(c->cl[ci].passive && c->cl[ci].by >= 0) &&
                c->L->trig[h->trig].kind == TK_VERB)
                pos = h->tok + h->ntok;
            for (uint32_t t = pos; t < c->cl[ci].e; t++) {
                if (t >= h->tok && t < h->tok + h->ntok) continue;
                /* (English: a verb of saying does not reach into the quotation it opens --
                ** 'said "We made a plea to the president"' says nothing to the president) */
                if (c->lang == 1 && t > h->tok && is_quote(c, t) && (wcls(c, h->tok) & (WC_SAY | WC_SPEAKER))) break;
                if (kc_tok_matches(c, t, e)) { found = (int)t; break; }
            }
            /* in a relative clause the antecedent noun belongs to the verb too:
            ** "overeenkomsten die Moskou met Venezuela sloot" */
            if (found < 0 && c->cl[ci].type == CL_REL && c->cl[ci].s > 0 && !is_punct(c, c->cl[ci].s - 1) && (pos <= c->cl[ci].s + 1 || (i == 0 && c->lang == 1)) &&
                kc_tok_matches(c, c->cl[ci].s - 1, e)) found = (int)c->cl[ci].s;
            /* a subordinator word may open a following clause */
            if (found < 0 && e->type == PE_WORD && (c->L->wclass[e->alts[0]] & (WC_SUB_DAT | WC_SUB_COND | WC_SUB_QUEST | WC_SUB_OM | WC_SUB_PURPOSE | WC_SUB_OTHER | WC_REL))) {
                for (int cj = ci + 1; cj < c->ncl; cj++) {
                    if (kc_tok_matches(c, c->cl[cj].s, e)) { ci = cj; found = (int)c->cl[cj].s; break; }
                }
                if (found >= 0) { pos = (uint32_t)found + 1; prev_sub = 1; prev_word = 0; continue; }
            }
            if (found < 0) return 0;
            pos = (uint32_t)found + 1; prev_word = 1; prev_sub = 0; last_word = found;
            continue;
        }
        if (e->type == PE_TARGET || e->type == PE_SOURCE) {
            int g;
            codeset cs;
            if (prev_sub) {
                const clause *k = &c->cl[ci];
                kc_subject_codes(c, k, &cs);
                if (!cs.n) return 0;
                g = k->subj;
            } else {
                /* English is SVO: a bare + at the start of a pattern is the object after the verb */
                if (i == 0 && c->lang == 1 && e->type == PE_TARGET && pos < h->tok + h->ntok) pos = h->tok + h->ntok;
                /* "met +": the actor follows the preposition; "&TROEPEN +": any later actor */
                int adj = e->adjacent && prev_word && i > 0 && P->el[i-1].type == PE_WORD && P->el[i-1].nalt &&
                          (c->L->wclass[P->el[i-1].alts[0]] & (WC_PREP | WC_OF | WC_BY | WC_TE));
                /* (English, a bare + first: the verb's object, which ends at an infinitive
                ** of its own, kc_obj_end) */
                uint32_t bound = i == 0 && c->lang == 1 && e->type == PE_TARGET ? kc_obj_end(c, h, pos) : ci == h->clause ? h->cend : c->cl[ci].e;
                g = mention_from(c, pos, bound, adj, subj_group);
                if (g < 0 && c->relax_target && e->type == PE_TARGET) { prev_word = prev_sub = 0; continue; }
                if (g < 0) return 0;
                kc_codeset_from_group(c, g, &cs);
                pos = c->m[g].e;
                for (int k = g; k < c->nm; k++) if (c->m[k].group == g && c->m[k].e > pos) pos = c->m[k].e;
            }
            if (e->type == PE_TARGET) { if (!have_target) { r->tgt = cs; r->tgt_head = g; have_target = 1; } }
            else { r->src = cs; r->explicit_src = 1; }
            prev_word = prev_sub = 0;
            continue;
        }
        if (e->type == PE_RECIP) {
            r->recip = 1;
            if (i == 0 && subj && subj->n >= 2) { r->src = *subj; r->explicit_src = 1; continue; }
            if (i == 0) return 0;      /* a bare <> is for a compound subject only */
            int radj = i > 0 && P->el[i-1].type == PE_WORD && P->el[i-1].nalt && (c->L->wclass[P->el[i-1].alts[0]] & WC_PREP);
            int g = mention_from(c, pos, c->cl[ci].e, radj, subj_group);
            if (g >= 0) {
                codeset cs; kc_codeset_from_group(c, g, &cs);
                if (cs.n >= 2) { r->src = cs; r->explicit_src = 1; pos = c->m[g].e; continue; }
                /* a single subject and one other actor is not reciprocal: the pattern
                ** fails and the trigger's own code (if any) codes A -> B */
                return 0;
            }
            if (subj && subj->n >= 2) { r->src = *subj; r->explicit_src = 1; continue; }
            return 0;
        }
    }
    r->code = P->code;
    if (r->recip) return 1;
    if (c->relax_target && !have_target) return 1;
    if (!have_target && !r->explicit_src) {
        /* a pattern of words only (one with +, $ or <> has returned above): its last
        ** word inside an actor makes that actor the target ("expelled 45 Russian
        ** diplomats": &DIPLOMATS is the role word of RUSGOV); otherwise the pattern
        ** gives only the code and the caller finds the target as for a trigger with no
        ** pattern ("expressed condolences") */
        if (!P->nel) return 0;
        const clause *hk = &c->cl[h->clause];
        int passive_subj = hk->passive && hk->by >= 0;      /* "diplomats were expelled by Russia" */
        int mi = last_word >= 0 ? kc_mention_at(c, (uint32_t)last_word) : -1;
        if (mi >= 0 && !c->m[mi].skip && (c->m[mi].group != subj_group || passive_subj) && c->m[mi].s >= hk->s) {
            kc_codeset_from_group(c, c->m[mi].group, &r->tgt); r->tgt_head = c->m[mi].group;
        } else r->words_only = 1;
    }
    return 1;
}

/* the root each trigger will code (first matching pattern, else its own code): needed
** before coding to know which clauses are governed by demands, threats, appeals ... */
void kc_resolve_roots(kr_coder *c) {
    const kr_lang *L = c->L;
    kc_fkeys fkeys, *fk = &fkeys; int have_fk = 0;    /* foreign triggers: the sentence's pattern keys */
    for (int h = 0; h < c->nth; h++) {
        trig_hit *H = &c->th[h];
        const kr_trigger *T = &L->trig[H->trig];
        codeset subj; kc_subject_codes(c, &c->cl[H->clause], &subj);
        match_res r; memset(&r, 0, sizeof r);
        H->root = code_root(c->d, T->code);      /* 0 for --- unless a pattern matches */
        /* foreign triggers: only the patterns whose words the sentence has (the words a
        ** pattern takes lie in the clauses, or just before one) */
        uint64_t bm[KR_FBM_WORDS];
        if (T->fx && !have_fk) {
            uint32_t s = UINT32_MAX, e = 0;
            for (int k = 0; k < c->ncl; k++) { if (c->cl[k].s < s) s = c->cl[k].s; if (c->cl[k].e > e) e = c->cl[k].e; }
            if (s && s != UINT32_MAX) s--;
            if (s < e) kc_fkeys_of(c, s, e, fk); else fk->n = 0, fk->over = 1;
            have_fk = 1;
        }
        if (T->fx && kc_pattern_candidates_k(T, fk, 0, UINT32_MAX, bm)) {
            int done = 0;
            for (uint32_t w = 0; w < (T->npat + 63) / 64 && !done; w++)
                for (uint64_t x = bm[w]; x && !done; x &= x - 1) {
                    uint32_t p = w * 64 + (uint32_t)__builtin_ctzll(x);
                    if (kc_run_pattern(c, H, &T->pat[p], &subj, c->cl[H->clause].subj, &r)) { H->root = r.code >= 0 ? code_root(c->d, r.code) : 0; done = 1; }
#ifdef KR_FIDX_CHECK
                    if (done) for (uint32_t q = 0; q < p; q++) { match_res r2; memset(&r2, 0, sizeof r2);
                        if (!(bm[q >> 6] >> (q & 63) & 1) && kc_run_pattern(c, H, &T->pat[q], &subj, c->cl[H->clause].subj, &r2)) { fprintf(stderr, "KR_FIDX_CHECK roots: %s:%d\n", T->pat[q].file, T->pat[q].line); abort(); } }
#endif
                }
#ifdef KR_FIDX_CHECK
            if (!done) for (uint32_t q = 0; q < T->npat; q++) { match_res r2; memset(&r2, 0, sizeof r2);
                if (kc_run_pattern(c, H, &T->pat[q], &subj, c->cl[H->clause].subj, &r2)) { fprintf(stderr, "KR_FIDX_CHECK roots: %s:%d\n", T->pat[q].file, T->pat[q].line); abort(); } }
#endif
            continue;
        }
        for (uint32_t p = 0; p < T->npat; p++)
            if (kc_run_pattern(c, H, &T->pat[p], &subj, c->cl[H->clause].subj, &r)) { H->root = r.code >= 0 ? code_root(c->d, r.code) : 0; break; }
    }
}
