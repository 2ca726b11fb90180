/*
** discourse.c -- actors across clauses, sentences and speakers.
**
** quote_speaker: the speaker of a quotation (",,...'', zei Rutte", '"...," Trump
** said', 'X said: "..."', "..., aldus Wang") is the subject of the quoted clauses that
** have none, or "ik"/"we"/"I"; a speaker the dictionaries do not know speaks for the
** article's country (unknown_speaker).  judgement: a negative judgement stated by an
** actor is disapproval (111).  implied_target: a demand, criticism, rejection, threat,
** appeal, protest or coercion that names no one is aimed at an actor of another clause,
** else the latest other actor of the last TARGET_REACH sentences; protest by citizens
** or the opposition with no one named is aimed at their government.
*/
#include "coder.h"

/* a speaker the dictionaries do not know ("twitterde Valérie Boyer", '"...," Jan
** Jansen said'): a name of two or more capitalised words next to the reporting verb
** speaks for the article's own country (an actor of that state, sector unknown); the
** surname then names the same person in the rest of the article */
static int unknown_speaker(kr_coder *c, uint32_t a, uint32_t b, uint32_t v) {
    if (!c->home[0]) return -1;
    uint32_t s = b, e = b;
    uint32_t t = v + 1;
    while (t < b && (wcls(c, t) & WC_DET)) t++;
    uint32_t u = t;
    while (u < b && c->tok[u].cap && !is_punct(c, u) && !(c->tok[u].wid && c->L->wclass[c->tok[u].wid]) && kc_mention_at(c, u) < 0) u++;
    if (u - t >= 2 && u - t <= 4) { s = t; e = u; }
    else if (v > a) {           /* '"...," Jan Jansen said' */
        u = v;
        while (u > a && c->tok[u-1].cap && !is_punct(c, u - 1) && !(c->tok[u-1].wid && c->L->wclass[c->tok[u-1].wid]) && kc_mention_at(c, u - 1) < 0) u--;
        if (v - u >= 2 && v - u <= 4 && u > a && is_quote(c, u - 1 - ((c->tok[u-1].flags & TF_COMMA) && u - 1 > a ? 1 : 0))) { s = u; e = v; }
    }
    if (s == b) return -1;
    int mi = kc_add_mention(c, s, e, c->home, AK_PERSON);
    if (mi < 0) return -1;
    c->m[mi].named = 1;
    kc_add_alias(c, e - 1, c->home);
    return mi;
}

void kc_quote_speaker(kr_coder *c, uint32_t a, uint32_t b) {
    int nq = 0;
    for (uint32_t t = a; t < b; t++) if (is_quote(c, t)) nq++;
    int aldus = 0, spk0 = -1, before = 0;
    uint32_t v = b;
    for (uint32_t t = a; t < b && v == b; t++) {
        if (!(wcls(c, t) & WC_SPEAKER) || kc_mention_at(c, t) >= 0) continue;
        /* after the quotation: '..."' [,] said/zei; or "..., aldus X" */
        uint32_t u = t;
        while (u > a && (c->tok[u-1].flags & TF_COMMA) && !is_quote(c, u - 1)) u--;
        if (u > a && is_quote(c, u - 1)) { v = t; break; }
        /* '"...," Trump said': the speaker stands between the quotation and the verb */
        if (t > a && kc_mention_at(c, t - 1) >= 0) {
            int mi = kc_mention_at(c, t - 1);
            u = c->m[mi].s;
            while (u > a && (wcls(c, u - 1) & (WC_DET | WC_POSS))) u--;
            while (u > a && (c->tok[u-1].flags & TF_COMMA) && !is_quote(c, u - 1)) u--;
            if (u > a && is_quote(c, u - 1)) { v = t; spk0 = c->m[mi].group; break; }
        }
        if (nq == 0 && t > a && (c->tok[t-1].flags & TF_COMMA) && c->tok[t].flen == 5 && !memcmp(c->tok[t].fold, "aldus", 5)) { v = t; aldus = 1; break; }
        /* before it: 'X said: "...' / 'X said, "...' (the speaker is the verb's subject,
        ** never the first actor of the quotation) */
        u = t + 1;
        while (u < b && (c->tok[u].flags & (TF_COMMA | TF_COLON)) && !is_quote(c, u)) u++;
        if (u < b && is_quote(c, u)) { v = t; before = 1; break; }
    }
    /* English 'Fellow Democrats were more supportive in their comments: "..."': with no
    ** verb of saying, a quotation right after a colon is the words of the clause before
    ** it, whose subject speaks */
    if (v == b && c->lang == 1)
        for (uint32_t t = a; t + 1 < b && v == b; t++) {
            if (!(c->tok[t].flags & TF_COLON) || !is_quote(c, t + 1)) continue;
            for (int i = 0; i < c->ncl; i++)
                if (t >= c->cl[i].s && t < c->cl[i].e && c->cl[i].type == CL_MAIN && (c->cl[i].subj >= 0 || c->cl[i].pron_subj >= 0)) { v = t; before = 1; }
        }
    if (v == b) return;
    /* the speaker: the actor right after the verb ("zei May", "said Prime Minister
    ** Johnson"), else the subject of the verb's clause */
    int spk = spk0;
    for (int m = 0; m < c->nm && spk < 0 && !before; m++) {
        const mention *M = &c->m[m];
        if (M->s <= v || M->skip || M->weak || M->in_pp) continue;
        if (M->s > v + 4) break;
        spk = M->group; break;
    }
    int vc = -1;
    for (int i = 0; i < c->ncl; i++) if (v >= c->cl[i].s && v < c->cl[i].e) vc = i;
    if (spk < 0 && (vc < 0 || (c->cl[vc].subj < 0 && c->cl[vc].pron_subj < 0))) spk = unknown_speaker(c, a, b, v);
    codeset cs; cs.n = 0;
    if (spk >= 0) kc_codeset_from_group(c, spk, &cs);
    else if (vc >= 0) kc_subject_codes(c, &c->cl[vc], &cs);
    if (!cs.n || c->npron >= MAXC) return;
    int pi = c->npron;
    c->pron[c->npron++] = cs;
    c->spk_pron = pi;
    c->last_spk = cs; c->last_spk_sent = c->cur_sent;
    (void)aldus;
    for (int i = 0; i < c->ncl; i++) {
        clause *k = &c->cl[i];
        if (i == vc || (spk0 >= 0 && c->m[spk0].s >= c->cl[i].s && c->m[spk0].s < c->cl[i].e)) continue;
        if (i < 64) c->spk_cl |= 1ull << i;
        int first = 0;
        if (k->subj >= 0 || k->pron_subj >= 0) {
            /* "we"/"ik" before the subject found */
            for (uint32_t t = k->s; t < k->e && t < k->s + 3; t++) if (wcls(c, t) & WC_FIRST) first = 1;
            /* ('"Thank you [X] for ...": the speaker thanks X (English) */
            for (uint32_t t = k->s; c->lang == 1 && t + 1 < k->e && t < k->s + 2; t++)
                if (((c->tok[t].flen == 5 && !memcmp(c->tok[t].fold, "thank", 5)) || (c->tok[t].flen == 6 && !memcmp(c->tok[t].fold, "thanks", 6))) &&
                    ((c->tok[t+1].flen == 3 && !memcmp(c->tok[t+1].fold, "you", 3)) || kc_mention_at(c, t + 1) >= 0 || is_punct(c, t + 1))) first = 1;
            if (!first) continue;
        }
        k->subj = -1; k->pron_subj = pi;
    }
}

/* the first actor of clause i that is not the source (group src_group, codes of src) */
static int other_actor(const kr_coder *c, int i, int src_group, const codeset *src, uint32_t from) {
    for (int m = 0; m < c->nm; m++) {
        const mention *M = &c->m[m];
        if (M->group != m || M->skip || M->s < c->cl[i].s || M->s >= c->cl[i].e || M->s < from || M->group == src_group) continue;
        if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) continue;
        if (kc_same_entity(M->code, src->code[0])) continue;
        return m;
    }
    return -1;
}

/* this sentence coded an event src -> tgt of a root from lo to hi already */
static int seen_pair(const kr_coder *c, const char *src, const char *tgt, int lo, int hi) {
    for (int k = 0; k < c->nseen; k++)
        if (c->seen[k].root >= lo && c->seen[k].root <= hi && !strcmp(c->seen[k].s, src) && !strcmp(c->seen[k].t, tgt)) return 1;
    return 0;
}

static void stance_emit(kr_coder *c, int sent_no, const kr_sent *S, const codeset *src, int tg, const codeset *tgt,
                        const char *code, uint32_t at) {
    char vt[128], st[256], tt[256];
    kc_span_text(c, at, at + 1, vt, sizeof vt);
    if (src->te > src->ts) kc_span_text(c, src->ts, src->te, st, sizeof st); else st[0] = 0;
    if (tg >= 0) kc_group_text(c, tg, tt, sizeof tt); else if (tgt->te > tgt->ts) kc_span_text(c, tgt->ts, tgt->te, tt, sizeof tt); else tt[0] = 0;
    for (int i = 0; i < src->n; i++) for (int j = 0; j < tgt->n; j++) {
        /* a trigger said it already ("noemde het voorstel onaanvaardbaar": 12) */
        if (!seen_pair(c, src->code[i], tgt->code[j], 10, 13)) kc_emit(c, sent_no, S, src->code[i], tgt->code[j], code, vt, st, tt);
    }
}

/* What an actor says about another, when no trigger says it:
**   - a negative judgement ("walgelijk", "onaanvaardbaar", "a dastardly act") in a
**     quotation with its speaker or in the that-clause of a reporting verb ("Orbán zei
**     dat de kritiek onterecht is") is disapproval (111) of whom it is about: an actor
**     of the judged words, else the implied one;
**   - "Y moet ...", "Y should ..." in the same places is a demand (100) on Y ("Ook de SP
**     vindt dat Koolmees alle middelen moet inzetten");
**   - calling an actor names ("Baudet noemde de plannen van het kabinet 'een van de
**     allerstomste voornemens'", "called the move a 'smash and grab'") is disapproval
**     (111) with a negative word or a label in quotation marks, praise (051) with a
**     positive word ("'Mijn beste vriend', noemde Tsipras zijn collega Zaev"). */
/* "Frankrijk en Duitsland publiceerden een gezamenlijk voorstel", "France and Germany
** jointly announced": what a compound subject does together is cooperation (050) between
** its members, both ways */
void kc_joint(kr_coder *c, int sent_no, const kr_sent *S) {
    for (int i = 0; i < c->ncl && !c->stop; i++) {
        const clause *k = &c->cl[i];
        uint32_t at;
        if (k->neg || k->irrealis || kc_past_year(c, k) || !kc_has_class(c, k, WC_JOINT, &at)) continue;
        /* (Dutch "samen" before "met" or at the end of its clause is a verb's particle:
        ** "brengt het OM en de politie samen met collega's", "werken samen") */
        if (c->lang == 0 && c->tok[at].flen == 5 && (at + 1 >= k->e || is_punct(c, at + 1) || (wcls(c, at + 1) & WC_PREP))) continue;
        /* (... nor a sum: "gezamenlijk ongeveer 11 procent", "together 40 seats") */
        if (at + 1 < k->e && ((c->tok[at+1].flags & TF_NUM) || (wcls(c, at + 1) & WC_QUANT))) continue;
        codeset cs; kc_subject_codes(c, k, &cs);
        if (cs.n < 2) continue;
        /* (one compound actor only: "the US and its allies", not a list of states and
        ** their organs) */
        for (int a = 0; a < cs.n; a++) for (int b = 0; b < cs.n; b++) {
            if (a == b || kc_same_entity(cs.code[a], cs.code[b])) continue;
            /* (a trigger coded their cooperation already: "held joint exercises", 062) */
            if (seen_pair(c, cs.code[a], cs.code[b], 3, 8)) continue;
            codeset s1 = cs, t1 = cs;
            s1.n = 1; memcpy(s1.code[0], cs.code[a], CODELEN);
            t1.n = 1; memcpy(t1.code[0], cs.code[b], CODELEN);
            stance_emit(c, sent_no, S, &s1, -1, &t1, "050", at);
        }
    }
}

/* trigger hit h is a verb (not an event noun or phrase) */
static int L_kind_verb(const kr_coder *c, int h) { return c->L->trig[c->th[h].trig].kind == TK_VERB; }

void kc_judgement(kr_coder *c, int sent_no, const kr_sent *S) {
    /* labels: a label verb with a subject and an actor after it */
    for (int i = 0; i < c->ncl && !c->stop; i++) {
        const clause *k = &c->cl[i];
        uint32_t lv;
        if (k->neg || !kc_has_class(c, k, WC_LABEL, &lv)) continue;
        /* "zou Y ... noemen", "might call": not said (a modal after the verb belongs to a
        ** relative the clause did not cut off: "voornemens die hij zich kan heugen") */
        int unreal = 0;
        for (uint32_t t = k->s; t < lv; t++) if (wcls(c, t) & (WC_MODAL | WC_GOV)) unreal = 1;
        if (unreal) continue;
        codeset src; kc_subject_codes(c, k, &src);
        if (!src.n) continue;
        int pos = 0, neg = 0; uint32_t at = lv;
        for (int j = 0; j < c->ncl; j++) {
            uint32_t t;
            if (kc_has_class(c, &c->cl[j], WC_EVAL_POS, &t)) pos = 1;
            if (kc_has_class(c, &c->cl[j], WC_EVAL_NEG, &t)) { neg = 1; at = t; }
        }
        /* the label in quotation marks; whom it names stands outside them */
        int quoted = 0, inq = 0, tg = -1;
        for (uint32_t t = S->tok0; t < S->tok0 + S->ntok; t++) {
            if ((c->tok[t].flags & TF_QUOTE) && !(wcls(c, t) & WC_GENITIVE) && !(t + 1 < S->tok0 + S->ntok && c->tok[t+1].flen == 1 && c->tok[t+1].fold[0] == 's' && c->tok[t+1].off == c->tok[t].off + 1)) {
                quoted = 1; inq = !inq; continue;
            }
            int mi = kc_mention_at(c, t);
            if (inq || mi < 0 || tg >= 0 || t < k->s || t >= k->e) continue;
            const mention *M = &c->m[mi];
            if (M->group == k->subj || M->weak || M->skip || (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP))) continue;
            if (kc_same_entity(M->code, src.code[0])) continue;
            tg = M->group;
        }
        const char *code = neg ? "111" : pos ? "051" : quoted ? "111" : NULL;
        if (!code) continue;
        codeset tgt; tgt.n = 0; tgt.ts = tgt.te = 0;
        if (tg >= 0) kc_codeset_from_group(c, tg, &tgt);
        else {
            /* "Corbyn called the move a 'smash and grab'": what is labelled is an act or plan
            ** (word class policy), whose actor the reader has in mind */
            int policy = 0;
            for (uint32_t t = lv + 1; t < k->e && t < lv + 5; t++) if (wcls(c, t) & WC_POLICY) policy = 1;
            /* ... or a word pointing back at it, with a negative word: "Ik vind het
            ** immoreel", "Dat lidmaatschap vinden veel EVP'ers problematisch" */
            if (neg && lv + 1 < k->e && ((wcls(c, lv + 1) & WC_DEMONSTR) || (c->tok[lv+1].flen == 3 && !memcmp(c->tok[lv+1].fold, "het", 3)))) policy = 1;
            if (neg && (wcls(c, k->s) & WC_DEMONSTR) && k->s < lv) policy = 1;
            if (!policy) continue;
            trig_hit h; memset(&h, 0, sizeof h); h.tok = lv; h.ntok = 1; h.clause = i;
            kc_implied_target(c, &h, k, k->subj, &src, 11, &tgt, &tg);
        }
        if (tgt.n) stance_emit(c, sent_no, S, &src, tg, &tgt, code, at);
    }
    /* "Ook de oppositie was tegen de sporthijab", "Nederland blijft mordicus tegen deze
    ** plannen", "Five states are against the proposal": opposition (120) to whom the
    ** thing opposed belongs, else to the implied target */
    for (int i = 0; i < c->ncl && !c->stop; i++) {
        const clause *k = &c->cl[i];
        if (k->neg || k->irrealis || k->modal || (k->type != CL_MAIN && k->type != CL_DAT)) continue;
        uint32_t cop, ag = 0;
        if (!kc_has_class(c, k, WC_COPULA, &cop)) continue;
        /* only adverbs (and "volgens X") between: "blijft mordicus tegen", "is daar fel tegen" */
        int found = 0, words = 0;
        for (uint32_t t = cop + 1; t < k->e && words < 4; t++) {
            int mi = kc_mention_at(c, t);
            if (mi >= 0) { if (!c->m[mi].skip) break; t = c->m[mi].e - 1; continue; }
            if ((wcls(c, t) & WC_AGAINST)) { ag = t; found = 1; break; }
            if (is_punct(c, t) || (wcls(c, t) & (WC_DET | WC_POSS)) || (is_trigger_form(c, t) && !(wcls(c, t) & (WC_PREP | WC_SKIP)))) break;
            words++;
        }
        if (!found) continue;
        /* what is opposed: an actor's, or a plan, proposal, deal ... */
        int policy = 0;
        for (uint32_t t = ag + 1; t < k->e && t < ag + 6; t++) if (wcls(c, t) & WC_POLICY) policy = 1;
        codeset src; kc_subject_codes(c, k, &src);
        if (!src.n) continue;
        int tg = -1;
        for (int m = 0; m < c->nm && tg < 0; m++) {
            const mention *M = &c->m[m];
            if (M->group != m || M->skip || M->s <= ag || M->s >= k->e || M->group == k->subj) continue;
            if (kc_same_entity(M->code, src.code[0])) continue;
            tg = m;
        }
        codeset tgt; tgt.n = 0; tgt.ts = tgt.te = 0;
        if (tg >= 0) kc_codeset_from_group(c, tg, &tgt);
        else if (policy) { trig_hit h; memset(&h, 0, sizeof h); h.tok = ag; h.ntok = 1; h.clause = i; kc_implied_target(c, &h, k, k->subj, &src, 12, &tgt, &tg); }
        if (tgt.n) stance_emit(c, sent_no, S, &src, tg, &tgt, "120", ag);
    }
    /* reported speech: the quotation's speaker, or a reporting verb's subject and its
    ** that-clauses */
    uint64_t region = c->spk_cl;
    codeset src; src.n = 0; src.ts = src.te = 0;
    int src_group = -1;
    if (c->spk_pron >= 0) src = c->pron[c->spk_pron];
    else {
        /* "volgens X", "according to X": X says the clause it stands in */
        for (int m = 0; m < c->nm && !src.n; m++) {
            const mention *M = &c->m[m];
            if (!M->skip || !M->in_pp || M->group != m) continue;
            uint32_t t = M->s;
            while (t > c->cl[0].s && (wcls(c, t - 1) & (WC_DET | WC_POSS))) t--;
            if (!(t > c->cl[0].s && ((wcls(c, t - 1) & WC_SKIP) || (t > c->cl[0].s + 1 && (wcls(c, t - 2) & WC_SKIP))))) continue;
            int ci = kc_clause_of(c, M->s);
            if (ci < 0 || ci >= 64) continue;
            /* (the members of "volgens X" are skipped mentions: take them all the same) */
            kc_codeset_members(c, m, &src);
            c->last_spk = src; c->last_spk_sent = c->cur_sent;
            src_group = m;
            region |= 1ull << ci;
            /* "Volgens X, Y ..." -- the comma may have cut the clause */
            if (ci + 1 < c->ncl && ci + 1 < 64 && c->cl[ci].subj < 0 && c->cl[ci + 1].type == CL_MAIN) region |= 1ull << (ci + 1);
        }
        for (int i = 0; i < c->ncl && i < 64 && !src.n; i++) {
            const clause *k = &c->cl[i];
            if (k->type != CL_DAT || k->parent < 0) continue;
            const clause *p = &c->cl[k->parent];
            if (!kc_has_class(c, p, WC_SPEAKER | WC_SAY | WC_ALLEGE, NULL)) continue;
            codeset cs; kc_subject_codes(c, p, &cs);
            if (!cs.n) continue;
            src = cs; src_group = p->subj; region |= 1ull << i;
        }
    }
    if (!src.n || !region || c->stop) return;
    /* an allegation: "X claimed (that) Y ...", "X zei dat Y ... aanviel": what is said of
    ** Y after a verb of alleging, or a hostile act of Y that X reports, accuses Y (112) */
    if (c->spk_pron < 0) for (int i = 0; i < c->ncl && i < 64; i++) {
        if (!(region >> i & 1)) continue;
        const clause *k = &c->cl[i];
        if (k->neg || k->type != CL_DAT || k->parent < 0) continue;
        uint32_t av = c->cl[k->parent].s;
        int alleged = kc_has_class(c, &c->cl[k->parent], WC_ALLEGE, &av), hostile = 0;
        int ys = k->subj;
        /* "claimed violent protesters were sent by the government": a passive's agent is
        ** whom the allegation is about (English) */
        if (alleged && c->lang == 1 && k->passive && k->by >= 0) ys = k->by;
        if (ys < 0 && alleged) {              /* "Iran claimed Israeli agents had ...": a weak first actor */
            for (int m = 0; m < c->nm; m++) if (c->m[m].group == m && c->m[m].s >= k->s && c->m[m].s < k->e && !c->m[m].skip) { ys = m; break; }
        }
        if (ys < 0) continue;
        uint32_t at = av;     /* the verb of alleging ("alleged"), else the parent's first word */
        for (int h = 0; h < c->nth; h++) if (c->th[h].clause == i && c->th[h].root >= 11) { hostile = 1; at = c->th[h].tok; }
        if (!alleged && !hostile) continue;
        codeset y; kc_codeset_from_group(c, ys, &y);
        /* ("Hotak alleged the central government are hiding ...": a person coded as the bare
        ** state -- a name the dictionaries do not know, or its surname later -- alleging of
        ** its government is someone of the country against it) (English) */
        int uo = alleged && c->lang == 1 && src_group >= 0 && c->m[src_group].kind == AK_PERSON && c->m[src_group].named && strlen(src.code[0]) == 3 &&
                 !c->m[ys].named && !c->m[ys].weak && strlen(y.code[0]) > 3 && !strncmp(y.code[0], src.code[0], 3);
        if (!y.n || (kc_same_entity(y.code[0], src.code[0]) && !uo) || ys == src_group || (c->m[ys].weak && !alleged)) continue;
        c->distinct = uo;
        stance_emit(c, sent_no, S, &src, ys, &y, "112", at);
        c->distinct = 0;
    }
    /* a demand: "Y moet ..." */
    for (int i = 0; i < c->ncl && i < 64; i++) {
        if (!(region >> i & 1)) continue;
        const clause *k = &c->cl[i];
        uint32_t at;
        if (k->neg || (k->type != CL_MAIN && k->type != CL_DAT) || !kc_has_class(c, k, WC_OBLIGE, &at)) continue;
        /* the one on whom it is demanded: the clause's subject, else a weak first actor
        ** ("dat ook de Griekse schoolboeken onder de loep moeten") */
        int ys = k->subj;
        if (ys < 0) for (int m = 0; m < c->nm; m++) if (c->m[m].group == m && c->m[m].weak && c->m[m].s >= k->s && c->m[m].s < at) { ys = m; break; }
        if (ys < 0) continue;
        codeset y; kc_codeset_from_group(c, ys, &y);
        if (!y.n || kc_same_entity(y.code[0], src.code[0]) || ys == src_group) continue;
        stance_emit(c, sent_no, S, &src, ys, &y, "100", at);
    }
    /* "Volgens X doet de minister er niks aan": what Y fails to do, said by X, faults Y */
    for (int i = 0; i < c->ncl && i < 64; i++) {
        if (!(region >> i & 1)) continue;
        const clause *k = &c->cl[i];
        if (!k->neg || k->subj < 0 || k->modal || (k->type != CL_MAIN && k->type != CL_DAT)) continue;
        /* (English: an act not done, a verb of the dictionaries in the clause -- "had no
        ** say in the matter" is no failure; Dutch "wilde nog geen klimaatbeleid" is) */
        int act = c->lang == 0;
        for (int h = 0; h < c->nth; h++) if (c->th[h].clause == i && L_kind_verb(c, h)) act = 1;
        if (!act) continue;
        codeset y; kc_codeset_from_group(c, k->subj, &y);
        if (!y.n || c->m[k->subj].weak || c->m[k->subj].skip || kc_same_entity(y.code[0], src.code[0]) || k->subj == src_group) continue;
        uint32_t at = k->s;
        for (uint32_t t = k->s; t < k->e; t++) if (wcls(c, t) & WC_NEG) { at = t; break; }
        stance_emit(c, sent_no, S, &src, k->subj, &y, "111", at);
    }
    /* a negative judgement */
    int cl = -1; uint32_t at = 0;
    for (int i = 0; i < c->ncl && i < 64 && cl < 0; i++) {
        if (!(region >> i & 1) || c->cl[i].neg) continue;
        if (kc_has_class(c, &c->cl[i], WC_EVAL_NEG, &at)) cl = i;
    }
    if (cl < 0) return;
    codeset tgt; tgt.n = 0; tgt.ts = tgt.te = 0;
    int tg = -1;
    for (int i = 0; i < c->ncl && i < 64 && tg < 0; i++) if (region >> i & 1) tg = other_actor(c, i, src_group, &src, 0);
    if (tg >= 0) kc_codeset_from_group(c, tg, &tgt);
    else {
        trig_hit h; memset(&h, 0, sizeof h); h.tok = at; h.ntok = 1; h.clause = cl;
        kc_implied_target(c, &h, &c->cl[cl], src_group, &src, 11, &tgt, &tg);
    }
    if (tgt.n) stance_emit(c, sent_no, S, &src, tg, &tgt, "111", at);
}

/* A demand, criticism, rejection, threat, appeal, protest or coercion whose clause names
** no one it is aimed at is aimed at whom the reader has in mind: an actor of another
** clause of the sentence ("Volgens Orbán is de kritiek onterecht"), else the latest
** other actor of the last few sentences ("In de Kamer klinkt kritiek.", "Protesters
** rallied again."); protest by citizens or the opposition with no one named is aimed
** at their government. */
#define TARGET_REACH 3      /* sentences back for an implied target */
/* a continent or part of one (CAMEO region codes: Africa, Asia, Latin, South and North
** America, the Middle East ...): named as where something happens, no one the reader has
** in mind as a target (the West, WST, and Europe's bodies are actors) */
static int continent(const char *code) {
    static const char *const reg[] = { "AFR", "ASA", "LAM", "SAM", "NMR", "MEA", "CAS", "SAS", "SEA", "EAF", "WAF", "NAF", "SAF", "CFR", "CAU", "BLK", "SCN" };
    for (size_t i = 0; i < sizeof reg / sizeof reg[0]; i++) if (!strncmp(code, reg[i], 3) && !code[3]) return 1;
    return 0;
}
static int implied_root(int root) {
    return root == 2 || root == 10 || root == 11 || root == 12 || root == 13 || root == 14 || root == 16 || root == 17;
}

void kc_implied_target(kr_coder *c, const trig_hit *H, const clause *k, int subj_group, const codeset *src, int root,
                           codeset *tgt, int *tgt_group) {
    /* root 99: a claim of responsibility (015), aimed at whom the claimed attack hit */
    if (root == 99) root = 18;
    else if (!implied_root(root)) return;
    /* (English: coercion and reduced relations, "seized these firearms", "impose bans on
    ** niqabs", are aimed at what the clause names, not at an actor named before) */
    if (c->lang == 1 && (root == 16 || root == 17)) return;
    if (!src->n) return;
    const char *s0 = src->code[0];
    /* another clause of this sentence */
    for (int m = 0; m < c->nm; m++) {
        const mention *M = &c->m[m];
        if (M->group != m || M->skip || M->group == subj_group || (M->s >= k->s && M->s < k->e)) continue;
        if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) continue;
        if (kc_same_entity(M->code, s0)) continue;
        kc_codeset_from_group(c, m, tgt); *tgt_group = m; return;
    }
    size_t sl = strlen(s0);
    if (root == 14 && sl == 6 && (!strcmp(s0 + 3, "CVL") || !strcmp(s0 + 3, "OPP") || !strcmp(s0 + 3, "LAB"))) {
        tgt->n = 1; tgt->ts = tgt->te = 0; snprintf(tgt->code[0], CODELEN, "%.3sGOV", s0); return;
    }
    for (int i = 0; i < c->nrecent_m; i++) {
        if (c->recent_m_sent[i] >= c->cur_sent) continue;
        if (c->cur_sent - c->recent_m_sent[i] > TARGET_REACH) break;
        if (kc_same_entity(c->recent_m[i], s0) || continent(c->recent_m[i])) continue;
        /* (a party, the opposition or citizens do not have their own country in mind: "de
        ** CDA-leider waarschuwde voor ..." after "Nederland" is not aimed at Nederland) */
        if (strlen(c->recent_m[i]) == 3 && sl > 3 && !strncmp(c->recent_m[i], s0, 3)) continue;
        tgt->n = 1; kc_code_copy(tgt->code[0], c->recent_m[i]);
        tgt->ts = c->recent_m_tok[i][0]; tgt->te = c->recent_m_tok[i][1];
        /* a list named there is the target as a whole: "Frankrijk en Duitsland willen een
        ** eurozonebudget. Hoekstra uitte dit dreigement." */
        for (int j = i + 1; j < c->nrecent_m && tgt->n < CS_MAX && c->recent_m_acted[i]; j++) {
            if (c->recent_m_grp[j] != c->recent_m_grp[i]) break;
            if (kc_same_entity(c->recent_m[j], s0)) continue;
            /* (a list of one state's parties or bodies stays one target: "de zeven indieners
            ** (VVD, CDA, D66 ...)") */
            int dup = 0;
            for (int n = 0; n < tgt->n; n++) if (!strncmp(tgt->code[n], c->recent_m[j], 3)) dup = 1;
            if (!dup) kc_code_copy(tgt->code[tgt->n++], c->recent_m[j]);
        }
        return;
    }
    (void)H;
}

/* Acts whose doer the sentence does not name, coded as a reader codes them:
**   - "twenty people were arrested", "legislators were removed": coercion (17) in a
**     passive without its agent is the police's (STATE+COP) against whom it names, else
**     against civilians;
**   - "a car bombing killed five", "twin bombings struck the cathedral": violence (18-20)
**     in a sentence with a violence noun and no actor that did it is by unidentified
**     forces (STATE+UAF, the state of the place named, else the article's) against whom
**     it names, else against civilians. */
/* English: whom an act with no doer named is aimed at. A protest's target is the actor
** after "against" ("protests against the government"; else its government); violence hits
** an actor of its own clause -- not a by-agent ("reportedly conducted by the Taliban"), a
** source ("according to the Saudi Press Agency"), an owner before a noun ("Widodo's
** inauguration") */
static int en_unattr_target(const kr_coder *c, const mention *M, const clause *k, int protest) {
    if (protest) return M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_AGAINST);
    if (M->s < k->s || M->s >= k->e) return 0;
    if (M->in_pp && M->prep && (c->L->wclass[M->prep] & (WC_BY | WC_OF))) return 0;
    if (M->s > 0 && (wcls(c, M->s - 1) & WC_PREP) && c->tok[M->s - 1].flen == 9 && !memcmp(c->tok[M->s - 1].fold, "according", 9)) return 0;
    if (M->s >= 2 && c->tok[M->s - 1].flen == 2 && !memcmp(c->tok[M->s - 1].fold, "to", 2) && c->tok[M->s - 2].flen == 9 && !memcmp(c->tok[M->s - 2].fold, "according", 9)) return 0;
    if (M->e < c->ntok && (wcls(c, M->e) & WC_GENITIVE)) return 0;
    return 1;
}

static void unattributed_state(const kr_coder *c, char out[4]) {
    const char *st = c->loc[0] ? c->loc : c->home;
    snprintf(out, 4, "%.3s", st);
}

void kc_unattributed(kr_coder *c, int sent_no, const kr_sent *S) {
    const kr_lang *L = c->L;
    int vnoun = -1;
    for (int h = 0; h < c->nth && vnoun < 0; h++) {
        const kr_trigger *T = &L->trig[c->th[h].trig];
        if (T->kind == TK_VERB) continue;
        int r = c->th[h].root;
        /* a noun that codes only through its patterns ("autobom": ---) */
        for (uint32_t p = 0; p < T->npat && !(r >= 18 && r <= 20); p++) if (T->pat[p].code >= 0) r = code_root(c->d, T->pat[p].code);
        if (r >= 18 && r <= 20) vnoun = h;
    }
    for (int h = 0; h < c->nth && !c->stop; h++) {
        const trig_hit *H = &c->th[h];
        const kr_trigger *T = &L->trig[H->trig];
        const clause *k = &c->cl[H->clause];
        if (T->code < 0 || k->neg || k->irrealis || k->modal || kc_past_year(c, k)) continue;
        int root = H->root;
        int coerce = root == 17 && k->true_passive && k->by < 0 && T->kind == TK_VERB;
        int ksubj = k->subj;
        /* "Maria Kalesnikava, who was arrested in May": a name the dictionaries do not
        ** know before ", who" is a person of the article's country, whom it was done to */
        if (coerce && k->type == CL_REL && ksubj < 0 && c->lang == 1 && c->home[0] && k->s >= 3 && (c->tok[k->s-1].flags & TF_COMMA)) {
            uint32_t e = k->s - 1, u = e;
            while (u > 0 && e - u < 3 && c->tok[u-1].cap && !is_punct(c, u - 1) && !wcls(c, u - 1) && kc_mention_at(c, u - 1) < 0) u--;
            if (e - u >= 2 && u > 0 && !c->tok[u-1].cap) {
                int mi = kc_add_mention(c, u, e, c->home, AK_PERSON);
                if (mi >= 0) { c->m[mi].named = 1; ksubj = mi; }
            }
        }
        int subj_before = ksubj >= 0 && c->m[ksubj].s < H->tok;
        /* "Police director X said at least 71 people were arrested": counted people between
        ** the actor and the verb are whom it was done to */
        if (subj_before) for (uint32_t t = c->m[ksubj].e; t < H->tok; t++) if ((c->tok[t].flags & TF_NUM) || ((wcls(c, t) & WC_QUANT) && t + 1 < H->tok && !(wcls(c, t + 1) & WC_OF))) subj_before = 0;
        if (coerce && !subj_before) {           /* "twenty people were arrested": counted people */
            int num = 0;
            /* (people: a person word or an actor within two words of the count -- "73.000
            ** kilo coke werd onderschept" counts no people) */
            for (uint32_t t = k->s; t < H->tok; t++) if ((c->tok[t].flags & TF_NUM) || (wcls(c, t) & WC_QUANT))
                for (uint32_t u = t + 1; u < H->tok && u <= t + 3; u++) if ((wcls(c, u) & (WC_PERSON_NOUN | WC_PRON_OBJ)) || kc_mention_at(c, u) >= 0) num = 1;
            if (!num) coerce = 0;
        }
        int doer = (ksubj >= 0 && c->m[ksubj].s < H->tok) || (ksubj < 0 && k->pron_subj >= 0);
        int violence = root >= 18 && root <= 20 && vnoun >= 0 && !doer && !(k->passive && k->by >= 0);
        /* "Anti-government protests have been taking place", "Ook elders werd gedemonstreerd":
        ** protest with no one named as doing it is by civilians, against their government */
        int crowd = 0;          /* "several thousand people rallied" */
        for (uint32_t t = k->s; t < H->tok; t++) if ((c->tok[t].flags & TF_NUM) || (wcls(c, t) & WC_QUANT)) crowd = 1;
        /* ("Anti-government protests continue in Baghdad": an English verb form in -s with
        ** no doer is the plural noun) */
        /* (not after a preposition, "weeks of protests", "with protests ongoing"; not
        ** before "that", "demonstrates that"; not what will be) */
        int plural_noun = c->lang == 1 && H->ntok == 1 && c->tok[H->tok].flen > 3 && c->tok[H->tok].fold[c->tok[H->tok].flen - 1] == 's' && !k->future &&
                          !(H->tok > k->s && (wcls(c, H->tok - 1) & WC_PREP)) && !(H->tok + 1 < c->ntok && (wcls(c, H->tok + 1) & WC_SUB_DAT));
        int protest = root == 14 && !doer && !(k->passive && k->by >= 0) && (T->kind != TK_VERB || k->true_passive || crowd || plural_noun);
        /* English: "they will even attack", "its recent attack on ...": what will be is
        ** no act, and a possessive before the noun names its doer */
        if (c->lang == 1 && violence && k->future) violence = 0;
        if (c->lang == 1 && violence)
            for (uint32_t t = H->tok, n = 0; t > k->s && n < 3; t--, n++) {
                uint64_t w = wcls(c, t - 1);
                if (w & WC_POSS) { violence = 0; break; }
                if (w || is_punct(c, t - 1) || c->tok[t - 1].cap) break;
            }
        if (!coerce && !violence && !protest) continue;
        /* already coded with a doer in this sentence */
        int done = 0;
        for (int i = 0; i < c->nseen; i++) if (c->seen[i].root == root) done = 1;
        if (done) continue;
        char st[4]; unattributed_state(c, st);
        if (!st[0]) continue;
        codeset src; src.n = 1; src.ts = src.te = 0;
        codeset tgt; tgt.n = 0; tgt.ts = tgt.te = 0;
        int tg = -1;
        if (coerce && subj_before && !c->m[ksubj].weak) tg = ksubj;
        if (violence || protest) for (int m = 0; m < c->nm && tg < 0; m++) {
            const mention *M = &c->m[m];
            if (M->group != m || M->skip || M->weak) continue;
            if (M->in_pp && M->prep && (L->wclass[M->prep] & WC_PLACE_PREP)) continue;
            if (c->lang == 1 && !en_unattr_target(c, M, k, protest)) continue;
            tg = m;
        }
        if (tg >= 0) {
            kc_codeset_from_group(c, tg, &tgt); snprintf(st, sizeof st, "%.3s", tgt.code[0]);
            if (!strncmp(st, "IGO", 3)) continue;
            /* a person of the state with no office ("John Smith, who was arrested") is one
            ** of its civilians, not the state that arrests */
            if (coerce && c->m[tg].kind == AK_PERSON) for (int j = 0; j < tgt.n; j++) if (strlen(tgt.code[j]) == 3) memcpy(tgt.code[j] + 3, "CVL", 4);
        }
        else { tgt.n = 1; snprintf(tgt.code[0], CODELEN, "%s%s", st, protest ? "GOV" : "CVL"); }
        snprintf(src.code[0], CODELEN, "%s%s", st, coerce ? "COP" : protest ? "CVL" : "UAF");
        char vt[128], tt[256];
        kc_span_text(c, H->tok, H->tok + H->ntok, vt, sizeof vt);
        if (tg >= 0) kc_group_text(c, tg, tt, sizeof tt); else tt[0] = 0;
        /* (English: an attack by doers no one names is an assault, 180 -- not the
        ** military force, 190, of an army that is named) */
        const char *cs = c->d->cameo[T->code].code;
        if (c->lang == 1 && violence && !strcmp(cs, "190")) cs = "180";
        for (int j = 0; j < tgt.n; j++) kc_emit(c, sent_no, S, src.code[0], tgt.code[j], cs, vt, "", tt);
        (void)S;
    }
}
