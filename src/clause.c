/*
** clause.c -- stage 2 of the coder: clauses.
**
** segment cuts a sentence at subordinators, relatives, coordinators, punctuation and
** after a reporting verb followed by a subject ("said Ukraine attacked"); 
** analyse_clauses gives each clause its type (main, that, condition, whether, purpose,
** infinitive, relative), subject (first mention outside a prepositional phrase, a
** pronoun resolved up to PRON_REACH sentences back, the antecedent of a relative, the
** subject of an om/te clause's parent), passive agent, negation, modality and future
** (also "morgen", "volgende week"); mark_irrealis marks what did not happen.
*/
#include "coder.h"

/* word classes of words that are no nouns */
#define NOT_A_NOUN (WC_DET | WC_POSS | WC_PREP | WC_PRON | WC_AND | WC_COORD | WC_NEG | WC_MODAL | WC_FUTURE | WC_GOV | WC_PASS_AUX | \
                    WC_SUB_DAT | WC_SUB_COND | WC_SUB_QUEST | WC_SUB_PURPOSE | WC_SUB_OM | WC_SUB_OTHER | WC_SAY | WC_SPEAKER | WC_TE)

/* "When Russia attacked Ukraine, ...": when/toen + a past tense is a fact, not a
** condition (a verb ending in -ed, or was/were/had/did, within the next words) */
static int past_when(const kr_coder *c, uint32_t t, uint32_t b) {
    if (c->lang != 1 || c->tok[t].flen != 4 || memcmp(c->tok[t].fold, "when", 4)) return 0;
    for (uint32_t u = t + 1; u < b && u < t + 8 && !is_punct(c, u); u++) {
        const char *f = c->tok[u].fold; size_t n = c->tok[u].flen;
        if (n > 3 && !memcmp(f + n - 2, "ed", 2) && kc_mention_at(c, u) < 0) return 1;
        if ((n == 3 && (!memcmp(f, "was", 3) || !memcmp(f, "had", 3) || !memcmp(f, "did", 3))) || (n == 4 && !memcmp(f, "were", 4))) return 1;
    }
    return 0;
}

/* a word between a verb of saying and its clause: "yesterday", "on Monday", "last week" */
static int time_word(const kr_coder *c, uint32_t t) {
    return (c->tok[t].flags & TF_NUM) || (wcls(c, t) & (WC_SAY_ADV | WC_CALENDAR | WC_PERIOD));
}

/* English "so" is a purpose only in "so that", "so as to"; else it is "therefore" ("so
** we told the president") or a degree ("so many lawsuits") */
static int so_not_purpose(const kr_coder *c, uint32_t t, uint32_t b) {
    if (c->lang != 1 || c->tok[t].flen != 2 || memcmp(c->tok[t].fold, "so", 2)) return 0;
    if (t + 1 < b && ((c->tok[t+1].flen == 4 && !memcmp(c->tok[t+1].fold, "that", 4)) || (c->tok[t+1].flen == 2 && !memcmp(c->tok[t+1].fold, "as", 2)))) return 0;
    return 1;
}

/* English "yet" after a negation or an auxiliary ("has not yet conceded", "have yet to
** decide") is an adverb, not "but" */
static int yet_adverb(const kr_coder *c, uint32_t t, uint32_t a) {
    if (c->lang != 1 || c->tok[t].flen != 3 || memcmp(c->tok[t].fold, "yet", 3) || t <= a) return 0;
    if (wcls(c, t - 1) & (WC_NEG | WC_PASS_AUX)) return 1;
    const char *f = c->tok[t-1].fold; size_t n = c->tok[t-1].flen;
    return (n == 3 && (!memcmp(f, "has", 3) || !memcmp(f, "had", 3))) || (n == 4 && !memcmp(f, "have", 4)) || (n == 2 && !memcmp(f, "as", 2));
}

static void new_clause(kr_coder *c, uint32_t s, int type) {
    if (c->ncl >= MAXC) return;
    if (c->ncl) c->cl[c->ncl - 1].e = s;
    clause *k = &c->cl[c->ncl++];
    memset(k, 0, sizeof *k);
    k->s = s; k->type = type; k->subj = -1; k->pron_subj = -1; k->by = -1; k->parent = -1; k->antecedent = -1;
}

void kc_segment(kr_coder *c, uint32_t a, uint32_t b) {
    c->ncl = 0;
    new_clause(c, a, CL_MAIN);
    for (uint32_t t = a; t < b; t++) {
        uint64_t w = wcls(c, t);
        int in_m = kc_mention_at(c, t) >= 0;
        clause *cur = &c->cl[c->ncl - 1];
        if (c->tok[t].flags & TF_COLON) { new_clause(c, t + 1, CL_MAIN); continue; }
        if (c->tok[t].flags & TF_COMMA) {
            /* a comma inside a list of actors does not end a clause */
            int prev_m = t > a && kc_mention_at(c, t - 1) >= 0;
            uint32_t k = t + 1; while (k < b && (wcls(c, k) & (WC_DET | WC_AND))) k++;
            int next_m = k < b && kc_mention_at(c, k) >= 0;
            if (prev_m && next_m && kc_mention_at(c, t - 1) >= 0 && c->m[kc_mention_at(c, k)].group == c->m[kc_mention_at(c, t - 1)].group) continue;
            if (t + 1 < b && (wcls(c, t + 1) & (WC_SUB_DAT | WC_SUB_COND | WC_SUB_QUEST | WC_SUB_PURPOSE | WC_SUB_OM | WC_SUB_OTHER | WC_REL | WC_COORD))) continue;  /* the word starts it */
            new_clause(c, t + 1, CL_MAIN);
            continue;
        }
        /* "Russia said Ukraine attacked ...": a subject right after a reporting verb opens
        ** a that-clause without "that" (the verb is not part of an actor: "the said
        ** agreement" has no subject after it) */
        if (t > cur->s && (wcls(c, t - 1) & WC_SAY) && kc_mention_at(c, t - 1) < 0 && kc_next_is_actor(c, t, b) &&
            !(wcls(c, t) & WC_PRON_OBJ)) {
            new_clause(c, t, CL_DAT); continue;
        }
        /* ... also after when it was said: "announced yesterday she would endorse",
        ** "said on Monday Israel had attacked" (English) */
        if (c->lang == 1 && t > cur->s + 1 && time_word(c, t - 1) && !time_word(c, t) && kc_next_is_actor(c, t, b) && !(wcls(c, t) & WC_PRON_OBJ)) {
            uint32_t v = t - 1;
            while (v > cur->s && time_word(c, v)) v--;
            if ((wcls(c, v) & WC_SAY) && kc_mention_at(c, v) < 0 && v + 4 >= t - 1) { new_clause(c, t, CL_DAT); continue; }
        }
        if (in_m || t == cur->s) {
            /* a clause-initial subordinator sets the type of the current clause */
            if (t == cur->s && t == a) {
                /* (English "if"/"unless" always open a condition: "If the talks fail, ...";
                ** Dutch "als" only before an actor -- "Als premier heeft hij ...") */
                int cond_word = c->lang == 1 && ((c->tok[t].flen == 2 && !memcmp(c->tok[t].fold, "if", 2)) || (c->tok[t].flen == 6 && !memcmp(c->tok[t].fold, "unless", 6)));
                if (w & WC_SUB_COND && (cond_word || kc_next_is_actor(c, t + 1, b))) cur->type = past_when(c, t, b) ? CL_OTHER : CL_COND;
                else if ((w & WC_SUB_OTHER) && !(w & WC_SUB_DAT)) cur->type = CL_OTHER;
                continue;
            }
            if (t == cur->s && !in_m) {
                if ((w & WC_SUB_DAT) && !(t + 1 < b && kr_map_get(&c->L->eventref, c->tok[t+1].fold, c->tok[t+1].flen))) cur->type = CL_DAT;
                else if (w & WC_SUB_COND) cur->type = past_when(c, t, b) ? CL_OTHER : CL_COND;
                else if (w & WC_SUB_QUEST) cur->type = CL_QUEST;
                else if ((w & WC_SUB_PURPOSE) && !so_not_purpose(c, t, b)) cur->type = CL_PURPOSE;
                else if (w & WC_SUB_OM) cur->type = CL_OM;
                else if (w & WC_SUB_OTHER) cur->type = CL_OTHER;
                else if (w & WC_REL) cur->type = CL_REL;
            }
            continue;
        }
        if (is_punct(c, t)) continue;
        /* "if we can't resolve it then I will raise it": "then" after an if-clause opens
        ** the main clause (English) */
        if (c->lang == 1 && cur->type == CL_COND && t > cur->s + 1 && c->tok[t].flen == 4 && !memcmp(c->tok[t].fold, "then", 4) && !c->tok[t].cap) {
            new_clause(c, t, CL_MAIN); continue;
        }
        int prev_comma = t > a && (c->tok[t-1].flags & TF_COMMA);
        if ((w & WC_COORD) && !yet_adverb(c, t, a)) { new_clause(c, t, CL_MAIN); continue; }
        /* "..., en de VS reageerden": "en" + a new subject after a verb starts a clause */
        if ((w & WC_AND) && t > cur->s && kc_mention_at(c, t - 1) < 0 && kc_next_is_actor(c, t + 1, b)) {
            int verb_before = 0;
            for (uint32_t k = cur->s; k < t; k++) if (is_trigger_form(c, k) && kc_mention_at(c, k) < 0) verb_before = 1;
            if (verb_before) { new_clause(c, t, CL_MAIN); continue; }
        }
        if ((w & WC_SUB_DAT) && t > a) {
            /* "dat" after a determiner-less position: subordinator; before an event noun: demonstrative */
            if (t + 1 < b && kr_map_get(&c->L->eventref, c->tok[t+1].fold, c->tok[t+1].flen)) continue;
            /* "dat moment", "that agreement": a determiner before an ordinary noun */
            if (c->lang == 0 && t + 1 < b && !is_punct(c, t - 1) && !is_punct(c, t + 1) && !c->tok[t+1].cap && !(wcls(c, t + 1) & ~WC_PERSON_NOUN) && kc_mention_at(c, t + 1) < 0 &&
                !is_trigger_form(c, t + 1) && !(wcls(c, t - 1) & (WC_SPEAKER | WC_SAY | WC_ALLEGE))) continue;   /* ("vinden dat ook ...": after a verb of saying "dat" subordinates) */
            if (c->lang == 1 && (wcls(c, t - 1) & WC_PREP)) continue;     /* "of that agreement" */
            /* "the sanctions that the EU imposed": after a noun of a noun phrase (an article
            ** or possessive one or two words before it) "that" opens a relative clause */
            if (c->lang == 1 && t >= a + 2 && !is_punct(c, t - 1) && !(wcls(c, t - 1) & NOT_A_NOUN) && !c->tok[t-1].cap &&
                ((wcls(c, t - 2) & (WC_DET | WC_POSS)) || (t >= a + 3 && (wcls(c, t - 3) & (WC_DET | WC_POSS)) && !is_trigger_form(c, t - 2) && !is_trigger_form(c, t - 1))) &&
                t + 1 < b && ((wcls(c, t + 1) & (WC_DET | WC_POSS | WC_PRON)) || kc_mention_at(c, t + 1) >= 0)) {
                new_clause(c, t, CL_REL); continue;
            }
            new_clause(c, t, CL_DAT); continue;
        }
        if ((w & WC_SUB_COND) && kc_next_is_actor(c, t + 1, b)) { new_clause(c, t, past_when(c, t, b) ? CL_OTHER : CL_COND); continue; }
        /* (", who was arrested in May": after a comma a word that is also a relative
        ** pronoun opens a relative clause, not a question) */
        if ((w & WC_SUB_QUEST) && !((w & WC_REL) && prev_comma) && (prev_comma || (t > a && (wcls(c, t - 1) & WC_QPREV)))) { new_clause(c, t, CL_QUEST); continue; }
        if ((w & WC_SUB_PURPOSE) && so_not_purpose(c, t, b)) {
            /* ("..., so we told the president": "so" + a subject opens a main clause) */
            if (t + 1 < b && ((wcls(c, t + 1) & WC_PRON) || kc_mention_at(c, t + 1) >= 0)) new_clause(c, t, CL_MAIN);
            continue;
        }
        if (w & WC_SUB_PURPOSE) { new_clause(c, t, CL_PURPOSE); continue; }
        if (w & WC_SUB_OM) {
            int te = 0;
            for (uint32_t k = t + 1; k < b && k < t + 14; k++) if (wcls(c, k) & WC_TE) { te = 1; break; }
            if (te) { new_clause(c, t, CL_OM); continue; }
        }
        if ((w & WC_SUB_OTHER) && !(w & WC_PREP)) { new_clause(c, t, CL_OTHER); continue; }
        if (w & WC_SUB_OTHER && kc_next_is_actor(c, t + 1, b)) { new_clause(c, t, CL_OTHER); continue; }
        /* relative pronoun after an actor, a comma, or an ordinary noun ("overeenkomsten
        ** die Moskou met Venezuela sloot") */
        int after_noun = t > a && !is_punct(c, t - 1) && !(wcls(c, t - 1) & ~WC_PERSON_NOUN) && !c->tok[t-1].cap && c->lang == 0 &&
                         t + 1 < b && ((wcls(c, t + 1) & (WC_DET | WC_POSS | WC_PRON)) || kc_mention_at(c, t + 1) >= 0);
        if ((w & WC_REL) && t > a && (kc_mention_at(c, t - 1) >= 0 || prev_comma || after_noun)) {
            if (t + 1 < b && kr_map_get(&c->L->eventref, c->tok[t+1].fold, c->tok[t+1].flen)) continue;
            int ante = kc_mention_at(c, t - 1);
            if (ante < 0 && prev_comma && t >= a + 2) ante = kc_mention_at(c, t - 2);
            if (ante >= 0 && c->m[ante].weak) ante = -1;     /* "de Franse selectie die ..." */
            new_clause(c, t, CL_REL);
            c->cl[c->ncl - 1].antecedent = ante;
            continue;
        }
    }
    c->cl[c->ncl - 1].e = b;
    /* drop empty clauses */
    int n = 0;
    for (int i = 0; i < c->ncl; i++) if (c->cl[i].e > c->cl[i].s) c->cl[n++] = c->cl[i];
    c->ncl = n;
    /* an apposition between commas (", a US peace envoy,", ", Mike Pence,") is not a
    ** clause: a short comma-delimited piece without a subordinator joins its neighbours */
    for (int i = 1; i + 1 < c->ncl; i++) {
        clause *k = &c->cl[i];
        if (k->type != CL_MAIN || k->e - k->s > 15) continue;
        if (!(c->tok[k->s - 1].flags & TF_COMMA) || !(c->tok[k->e - 1].flags & TF_COMMA)) continue;
        /* (a longer piece, "een van de indieners van de klimaatwet in de Tweede Kamer", only
        ** when no verb stands in it) */
        if (k->e - k->s > 7) {
            int verb = 0;
            for (uint32_t t = k->s; t < k->e; t++) if (is_trigger_form(c, t) && kc_mention_at(c, t) < 0 && !(t > k->s && (wcls(c, t - 1) & (WC_DET | WC_PREP | WC_POSS)))) verb = 1;
            if (verb) continue;
        }
        if (wcls(c, k->s) & (WC_COORD | WC_AND)) continue;
        int has_m = 0;
        for (uint32_t t = k->s; t < k->e; t++) if (kc_mention_at(c, t) >= 0) has_m = 1;
        if (!has_m && !(c->cl[i-1].type == CL_MAIN)) continue;
        /* merge i-1, i and i+1 when i+1 continues the main clause */
        if (c->cl[i+1].type != CL_MAIN) continue;
        /* (", including Molotov cocktails, but others did not ...": a clause opened by
        ** "but"/"maar" is a clause of its own; the piece joins the clause before) */
        if (wcls(c, c->cl[i+1].s) & WC_COORD) {
            c->cl[i-1].e = k->e;
            for (int j = i + 1; j < c->ncl; j++) c->cl[j-1] = c->cl[j];
            c->ncl -= 1;
            i--;
            continue;
        }
        c->cl[i-1].e = c->cl[i+1].e;
        for (int j = i + 2; j < c->ncl; j++) c->cl[j-2] = c->cl[j];
        c->ncl -= 2;
        i--;
    }
    /* "The Vice President, Mike Pence, said ...": a sentence that opens with an actor
    ** and its apposition (one mention) and a comma goes on with its verb (English) */
    if (c->lang == 1 && c->ncl >= 2 && c->cl[0].type == CL_MAIN && c->cl[1].type == CL_MAIN && (c->tok[c->cl[1].s - 1].flags & TF_COMMA)) {
        clause *k0 = &c->cl[0], *k1 = &c->cl[1];
        int only_m = 1, has_m = 0;
        for (uint32_t t = k0->s; t + 1 < k0->e && only_m; t++) {
            int mi = kc_mention_at(c, t);
            if (mi >= 0) { if (!c->m[mi].in_pp && !c->m[mi].skip) has_m = 1; t = c->m[mi].e - 1; continue; }
            if (!(wcls(c, t) & (WC_DET | WC_POSS)) && !(c->tok[t].cap && !wcls(c, t) && !is_punct(c, t))) only_m = 0;   /* ("The Senate Minority Leader, Chuck Schumer,") */
        }
        int verb = 0;
        for (uint32_t t = k1->s; t < k1->e && t < k1->s + 3; t++) {
            if (is_punct(c, t) || c->tok[t].cap || kc_mention_at(c, t) >= 0 || (wcls(c, t) & (WC_DET | WC_POSS | WC_PREP | WC_PRON | WC_SUB_DAT | WC_REL))) break;
            if (is_trigger_form(c, t) || (wcls(c, t) & (WC_SAY | WC_SPEAKER))) { verb = 1; break; }
        }
        if (only_m && has_m && verb) {
            k0->e = k1->e;
            for (int j = 2; j < c->ncl; j++) c->cl[j-1] = c->cl[j];
            c->ncl -= 1;
        }
    }
}

void kc_codeset_from_group(const kr_coder *c, int head, codeset *cs) {
    cs->n = 0; cs->ts = c->m[head].s; cs->te = c->m[head].e;
    for (int k = head; k < c->nm; k++) if (c->m[k].group == head && c->m[k].e > cs->te) cs->te = c->m[k].e;
    for (int k = head; k < c->nm && cs->n < CS_MAX; k++) {
        if (c->m[k].group != head || c->m[k].skip) continue;
        if (c->m[k].weak && !c->m[head].weak) continue;     /* "Duitsland en zijn Europese partners" */
        /* "Member of Parliament (MP) Yvette Cooper": a role word right before the named
        ** person it belongs to (only brackets between) is that person, one actor (English) */
        if (c->lang == 1 && c->m[k].kind == AK_AGENT && !c->m[k].named) {
            int same = 0;
            for (int j = k + 1; j < c->nm && c->m[j].group == head && !same; j++) {
                int gap = 0;
                for (uint32_t t = c->m[k].e; t < c->m[j].s && !gap; t++) if ((!is_punct(c, t) || (c->tok[t].flags & TF_COMMA)) && kc_mention_at(c, t) < 0) gap = 1;
                if (gap) break;
                if (c->m[j].kind == AK_PERSON && c->m[j].named && !c->m[j].unknown) same = 1;
            }
            if (same) continue;
        }
        int dup = 0;
        for (int j = 0; j < cs->n; j++) if (!strcmp(cs->code[j], c->m[k].code)) dup = 1;
        if (!dup) kc_code_copy(cs->code[cs->n++], c->m[k].code);
    }
}

/* the first word of class cls in clause k that is no part of an actor (its token in *at,
** if at): "vindt" in "De SP vindt dat ..." */
int kc_has_class(const kr_coder *c, const clause *k, uint64_t cls, uint32_t *at) {
    for (uint32_t t = k->s; t < k->e; t++) if ((wcls(c, t) & cls) && kc_mention_at(c, t) < 0) { if (at) *at = t; return 1; }
    return 0;
}

/* all members of group head, also skipped ones (the members of "volgens Nederland en
** Australië", "according to X and Y"), with their words */
void kc_codeset_members(const kr_coder *c, int head, codeset *cs) {
    cs->n = 0; cs->ts = c->m[head].s; cs->te = c->m[head].e;
    for (int j = head; j < c->nm && cs->n < CS_MAX; j++) if (c->m[j].group == head) {
        kc_code_copy(cs->code[cs->n++], c->m[j].code);
        if (c->m[j].e > cs->te) cs->te = c->m[j].e;
    }
}

static int group_plural(const kr_coder *c, int head) {
    int n = 0, pl = 0;
    for (int k = head; k < c->nm; k++) if (c->m[k].group == head) { n++; if (c->m[k].plural) pl = 1; }
    return n > 1 || pl;
}

/* "het fundament van ...": a word that is both article and pronoun, before an ordinary
** word that is not a verb form of the dictionaries and is itself followed by a
** preposition, punctuation or a verb form, is an article ("het gebruikt de dreiging":
** a determiner after the word makes it a verb, so "het" is the pronoun) */
static int article_before_noun(const kr_coder *c, uint32_t t, uint32_t e) {
    if (!(wcls(c, t) & WC_DET) || t + 2 >= e) return 0;
    uint32_t n = t + 1, nn = t + 2;
    if (!kc_is_filler(c, n) || wcls(c, n)) return 0;
    if (is_trigger_form(c, n)) return 0;
    if (is_punct(c, nn)) return 1;
    uint64_t w2 = wcls(c, nn);
    if (w2 & (WC_DET | WC_POSS | WC_PRON | WC_NEG)) return 0;
    if (kc_mention_at(c, nn) >= 0) return 0;
    if (w2 & (WC_PREP | WC_AND | WC_OF)) return 1;
    if (is_trigger_form(c, nn)) return 1;
    return 0;
}

/* "zou/zouden ... hebben/zijn" with a participle after it (ge-... or a known verb form) */
static int reported_past(const kr_coder *c, uint32_t t, uint32_t e) {
    for (uint32_t u = t + 1; u < e; u++) {
        const char *f = c->tok[u].fold; size_t n = c->tok[u].flen;
        if ((n == 6 && !memcmp(f, "hebben", 6)) || (n == 4 && !memcmp(f, "zijn", 4))) return 1;
    }
    return 0;
}

/* token t is a form of a verb trigger */
static int verb_form(const kr_coder *c, uint32_t t) {
    uint32_t w = c->tok[t].wid;
    if (!w || w >= c->L->tf_cap) return 0;
    for (uint32_t f = c->L->tf_first[w]; f; f = c->L->tf[f-1].next) if (c->L->trig[c->L->tf[f-1].trig].kind == TK_VERB) return 1;
    return 0;
}

/* "beide landen", "beiden", "de twee landen", "both countries", "the two sides" at t */
static int pair_ref(const kr_coder *c, uint32_t t, uint32_t e) {
    if (c->lang == 0 && c->tok[t].flen == 6 && !memcmp(c->tok[t].fold, "beiden", 6)) return 1;
    if (t + 1 < e && (wcls(c, t) & WC_DET) && (wcls(c, t + 1) & WC_PAIR) && (c->tok[t+1].flags & TF_NUM || (wcls(c, t + 1) & WC_QUANT))) t++;
    else if (!(wcls(c, t) & WC_PAIR) || (wcls(c, t) & WC_QUANT)) return 0;
    return t + 1 < e && (wcls(c, t + 1) & WC_PAIR_NOUN);
}

/* ... as the subject: not after a copula ("Dat zijn de twee landen die ...") */
static int pair_subject(const kr_coder *c, const clause *k, uint32_t t) {
    for (uint32_t u = k->s; u < t; u++) if (wcls(c, u) & WC_COPULA) return 0;
    return pair_ref(c, t, k->e);
}

/* the latest list of two or more actors of the sentences before (within PRON_REACH) */
static int latest_list(const kr_coder *c, codeset *cs) {
    for (int i = 0; i < c->nrecent_m; i++) {
        if (c->recent_m_sent[i] >= c->cur_sent) continue;
        if (c->cur_sent - c->recent_m_sent[i] > PRON_REACH) return 0;
        int g = c->recent_m_grp[i];
        cs->n = 0; cs->ts = cs->te = 0;
        for (int j = i; j < c->nrecent_m && cs->n < CS_MAX; j++) {
            if (c->recent_m_grp[j] != g) break;
            int dup = 0;
            for (int n = 0; n < cs->n; n++) if (kc_same_entity(cs->code[n], c->recent_m[j])) dup = 1;
            if (!dup) kc_code_copy(cs->code[cs->n++], c->recent_m[j]);
        }
        if (cs->n >= 2) {
            /* (the list in the order it was named) */
            for (int a = 0, b = cs->n - 1; a < b; a++, b--) { char tmp[CODELEN]; memcpy(tmp, cs->code[a], CODELEN); memcpy(cs->code[a], cs->code[b], CODELEN); memcpy(cs->code[b], tmp, CODELEN); }
            return 1;
        }
        while (i + 1 < c->nrecent_m && c->recent_m_grp[i+1] == g) i++;
    }
    return 0;
}

/* Dutch "zou"/"zouden" in a that-clause of a verb of saying, with no other modal after it
** and no condition in the sentence */
static int future_in_past(const kr_coder *c, int i, uint32_t t) {
    const clause *k = &c->cl[i];
    if (c->lang != 0 || i == 0 || k->type != CL_DAT || c->tok[t].flen < 3 || memcmp(c->tok[t].fold, "zou", 3)) return 0;
    for (uint32_t u = t + 1; u < k->e; u++) if (wcls(c, u) & (WC_MODAL | WC_SUB_COND)) return 0;
    for (int j = 0; j < c->ncl; j++) if (c->cl[j].type == CL_COND) return 0;
    return kc_has_class(c, &c->cl[i - 1], WC_SAY | WC_SPEAKER, NULL);
}

/* a verb opens the words from t: up to three adverbs or auxiliaries ("later", "has",
** "subsequently", "nu") and then a trigger form, with no actor, article, pronoun or
** preposition before it; 1 + the number of words before the verb, else 0 */
static int verb_first(const kr_coder *c, uint32_t t, uint32_t e) {
    for (uint32_t u = t; u < e && u < t + 4; u++) {
        if (is_punct(c, u) || c->tok[u].cap || kc_mention_at(c, u) >= 0) return 0;
        if (wcls(c, u) & (WC_DET | WC_POSS | WC_PREP | WC_PRON | WC_SUB_DAT | WC_REL)) return 0;
        if (is_trigger_form(c, u)) return 1 + (int)(u - t);
    }
    return 0;
}

/* '"...," said Trump', 'said the minister': a verb of saying at the start of clause k with
** an actor right after it -- the subject stands after the verb */
static int say_inversion(const kr_coder *c, const clause *k) {
    for (uint32_t t = k->s; t < k->e && t < k->s + 4; t++) {
        if (is_punct(c, t) || is_quote(c, t)) continue;
        if (!(wcls(c, t) & (WC_SAY | WC_SPEAKER))) return 0;
        for (uint32_t u = t + 1; u < k->e && u < t + 4; u++) {
            if (kc_mention_at(c, u) >= 0) return 1;
            if (!(wcls(c, u) & (WC_DET | WC_POSS)) && !c->tok[u].cap) return 0;
        }
        return 0;
    }
    return 0;
}

/* a relative word that stands for a place, a possessor or an object ("waarin", "waarmee",
** "where", "whose", "whom") */
static int rel_not_subject(const kr_coder *c, uint32_t t) {
    const char *f = c->tok[t].fold;
    size_t n = c->tok[t].flen;
    return (n > 4 && !memcmp(f, "waar", 4)) || (n == 5 && (!memcmp(f, "where", 5) || !memcmp(f, "whose", 5))) || (n == 4 && !memcmp(f, "whom", 4));
}

/* "riepen leuzen als 'Geen vijfde mandaat'", "the 'no deal' option": a negation inside a
** short quotation without a verb that opens inside the clause is the quoted words', not
** the clause's */
static int quoted_words(const kr_coder *c, const clause *k, uint32_t t) {
    uint32_t o = t;
    while (o > k->s && !is_quote(c, o - 1)) o--;
    if (o <= k->s + 1) return 0;              /* no quotation opened after the clause's first word */
    o--;
    uint32_t e = t + 1;
    while (e < k->e && !is_quote(c, e)) e++;
    if (e - o > 8) return 0;
    for (uint32_t u = o + 1; u < e; u++) if (is_trigger_form(c, u) && !(wcls(c, u) & (WC_NEG | WC_DET))) return 0;
    return 1;
}

void kc_analyse_clauses(kr_coder *c) {
    for (int i = 0; i < c->ncl; i++) {
        clause *k = &c->cl[i];
        k->parent = i > 0 ? i - 1 : (c->ncl > 1 ? 1 : -1);
        if (k->type != CL_MAIN && i > 0) {
            /* parent: nearest earlier clause that is not a sibling of the same kind */
            k->parent = i - 1;
        }
        for (uint32_t t = k->s; t < k->e; t++) {
            uint64_t w = wcls(c, t);
            if (kc_mention_at(c, t) >= 0) continue;
            /* "niet alleen ... maar ook", "not only": no negation; "warned X not to
            ** interfere": the negation belongs to the infinitive, not to the warning */
            /* "een niet onderbouwd verzoek", "the not unreasonable request": negation inside a
            ** noun phrase negates nothing else */
            /* (not at the clause's end: "accepteert dit niet") */
            if ((w & WC_NEG) && t > k->s && (wcls(c, t - 1) & WC_DET) && !(wcls(c, t) & WC_DET) &&
                t + 1 < k->e && !is_punct(c, t + 1) && !is_quote(c, t + 1)) continue;
            if ((w & WC_NEG) && quoted_words(c, k, t)) continue;
            /* "a no-deal Brexit", "a no-fly zone": "no" as the first part of a hyphenated
            ** word belongs to its noun (English) */
            if ((w & WC_NEG) && c->lang == 1 && (c->tok[t].flags & TF_HYPH_PART) && t + 1 < k->e && (c->tok[t+1].flags & TF_HYPH_PART) &&
                c->tok[t+1].off == c->tok[t].off + c->tok[t].len + 1) continue;
            /* "kon het niet laten om ...", "could not resist": did it all the same */
            if ((w & WC_NEG) && t + 1 < k->e && ((c->tok[t+1].flen == 5 && !memcmp(c->tok[t+1].fold, "laten", 5)) ||
                                                  (c->tok[t+1].flen == 6 && !memcmp(c->tok[t+1].fold, "resist", 6)))) continue;
            if ((w & WC_NEG) && !(t + 1 < k->e && ((c->tok[t+1].flen == 6 && !memcmp(c->tok[t+1].fold, "alleen", 6)) ||
                                                  (c->tok[t+1].flen == 4 && !memcmp(c->tok[t+1].fold, "only", 4)) ||
                                                  (c->lang == 1 && (wcls(c, t + 1) & WC_TE))))) k->neg = 1;
            /* "Kim zou Trump hebben gevraagd": zou + hebben/zijn + participle reports what
            ** reportedly happened, it is no condition */
            /* ("in May": the capitalised month is no modal) */
            if ((w & WC_MODAL) && !((w & WC_CALENDAR) && c->tok[t].cap) && !(c->lang == 0 && c->tok[t].flen >= 3 && !memcmp(c->tok[t].fold, "zou", 3) && reported_past(c, t, k->e))) {
                /* "Rutte zei dat hij Poetin zou bellen": zou in what a speaker said is the
                ** future of then, a stated intent -- not with another modal ("zou kunnen")
                ** or a condition in the sentence */
                if (future_in_past(c, i, t)) k->future = 1;
                else k->modal = 1;
            }
            if (w & WC_FUTURE) k->future = 1;
            /* "morgen", "volgende week", "later this week": what is planned has not happened */
            if (w & WC_FUT_TIME) k->future = 1;
            if ((w & WC_FUT_MOD) && ((t + 1 < k->e && (wcls(c, t + 1) & WC_PERIOD)) || (t + 2 < k->e && (wcls(c, t + 2) & WC_PERIOD)) ||
                                     (t + 3 < k->e && (wcls(c, t + 3) & WC_PERIOD)))) k->future = 1;
            /* intent words; Dutch "plan" only in "van plan" ("steunen zijn plan" is no intent) */
            if ((w & WC_INTENT) && !(c->tok[t].flen == 4 && !memcmp(c->tok[t].fold, "plan", 4) && c->lang == 0 &&
                                      !(t > k->s && c->tok[t-1].flen == 3 && !memcmp(c->tok[t-1].fold, "van", 3)))) k->intent = 1;
            if (w & WC_GOV) k->gov = 1;
            if (w & WC_PASS_AUX) k->passive = 1;
            if (w & WC_PASS_AUX && !(w & WC_POSS) && c->tok[t].wid && true_passive_aux(c->tok[t].fold)) k->true_passive = 1;
        }
        /* passive agent: a mention after door/by */
        k->by = -1;
        for (int m = 0; m < c->nm; m++) if (c->m[m].s >= k->s && c->m[m].s < k->e && c->m[m].in_pp && c->m[m].prep && (c->L->wclass[c->m[m].prep] & WC_BY)) { k->by = c->m[m].group; break; }
        if (!k->passive) k->by = -1;
        /* subject */
        /* (not after "waarin", "waarmee", "where", "whom", "whose": "een brief naar May
        ** waarin ze zich uitspreken tegen ..." -- the relative is no subject there; a
        ** passive there without its agent is the antecedent's act: "een motie van het
        ** CDA, waarin de minister wordt gevraagd ..." = asked by the CDA's motion) */
        /* "De vrouw die Baudet bedreigde": after a person who is no actor the relative
        ** pronoun is the subject, the actor in the clause its object */
        if (k->type == CL_REL && k->antecedent < 0 && k->s > 0 && (wcls(c, k->s - 1) & WC_PERSON_NOUN) && (wcls(c, k->s) & WC_REL) &&
            !rel_not_subject(c, k->s)) continue;
        if (k->type == CL_REL && k->antecedent >= 0) {
            if (!rel_not_subject(c, k->s)) { k->subj = c->m[k->antecedent].group; continue; }
            if (k->passive && k->by < 0) k->by = c->m[k->antecedent].group;
        }
        if (k->type == CL_OM && k->parent >= 0) {
            /* the om/te clause has the subject of its parent */
            clause *p = &c->cl[k->parent];
            k->subj = p->subj; k->pron_subj = p->pron_subj;
            continue;
        }
        /* "..., en beschuldigt de AKP van bedrog", "and later criticised Merkel": "en"/
        ** "and" + a verb (a few adverbs or auxiliaries may come first) goes on with the
        ** subject of the main clause before (the actor after the verb is its object).
        ** (Tried and left out: a verb right after a relative clause between commas, "IS,
        ** which is linked to Abu Sayyaf, subsequently claimed ...": the subject came out
        ** right, but the implied targets of such clauses were mostly wrong.) */
        if (k->type == CL_MAIN && i > 0) {
            int coord = (wcls(c, k->s) & (WC_AND | WC_COORD)) != 0;
            int j = i - 1;
            while (j > 0 && c->cl[j].type != CL_MAIN) j--;
            /* (a passive goes on with the subject only right after "and": "..., en veelal
            ** gevangengezet" has lost its agent) */
            int vf = coord ? verb_first(c, k->s + 1, k->e) : 0;
            if (vf > 1 && k->passive) vf = 0;
            if (coord && vf && c->cl[j].type == CL_MAIN &&
                (c->cl[j].subj >= 0 || c->cl[j].pron_subj >= 0)) {
                k->subj = c->cl[j].subj; k->pron_subj = c->cl[j].pron_subj;
                /* "... door de regering ontslagen, en veelal gevangengezet": a participle
                ** with no auxiliary of its own shares the passive and its agent */
                if (c->cl[j].passive && !k->passive) { k->passive = 1; k->true_passive = c->cl[j].true_passive; k->by = c->cl[j].by; }
                continue;
            }
        }
        /* Dutch "De Britse premier, die er niet in slaagde ..., vraagt nu om meer tijd": a
        ** verb opening a main clause after a relative clause goes on with the subject the
        ** relative clause interrupted (a piece of words before it with no verb) */
        if (c->lang == 0 && k->type == CL_MAIN && i >= 2 && k->subj < 0 && verb_first(c, k->s, k->e) == 1 && c->cl[i-1].type != CL_MAIN) {
            int j = i - 1;
            while (j > 0 && c->cl[j].type != CL_MAIN) j--;
            const clause *f = &c->cl[j];
            int verbless = f->type == CL_MAIN && f->subj >= 0 && c->cl[j+1].type == CL_REL && j + 1 < i;
            for (uint32_t t = f->s; t < f->e && verbless; t++)
                if (kc_mention_at(c, t) < 0 && is_trigger_form(c, t) && !(wcls(c, t) & (WC_DET | WC_POSS | WC_PREP | WC_PRON))) verbless = 0;
            if (verbless) { k->subj = f->subj; k->pron_subj = f->pron_subj; continue; }
        }
        /* ", met verwijten aan het adres van de VVD": a piece after a comma that opens
        ** with a preposition and has no verb of its own continues the clause before it */
        if (k->type == CL_MAIN && i > 0 && (wcls(c, k->s) & WC_PREP) && !(wcls(c, k->s) & (WC_SUB_OTHER | WC_SKIP)) &&
            (c->tok[k->s - 1].flags & TF_COMMA) && c->cl[i-1].type == CL_MAIN && (c->cl[i-1].subj >= 0 || c->cl[i-1].pron_subj >= 0)) {
            int verb = 0;
            for (uint32_t t = k->s; t < k->e; t++) if (is_trigger_form(c, t) && !(wcls(c, t) & WC_PREP) && kc_mention_at(c, t) < 0 && !(t > k->s && (wcls(c, t - 1) & (WC_DET | WC_PREP)))) verb = 1;
            /* (English "..., with sanctions restricting the purchase": "with" + a noun + an
            ** -ing form is a clause of its own, whose doer is that noun) */
            if (c->lang == 1 && c->tok[k->s].flen == 4 && !memcmp(c->tok[k->s].fold, "with", 4))
                for (uint32_t t = k->s + 2; t < k->e; t++)
                    if (c->tok[t].flen > 4 && !c->tok[t].cap && !memcmp(c->tok[t].fold + c->tok[t].flen - 3, "ing", 3) && kc_mention_at(c, t) < 0 && !(wcls(c, t - 1) & (WC_DET | WC_PREP | WC_POSS))) verb = 1;
            if (!verb) { k->subj = c->cl[i-1].subj; k->pron_subj = c->cl[i-1].pron_subj; continue; }
        }
        /* (tried: an English clause opening with a verb after a comma goes on with the
        ** subject before -- "Two Republican senators, Mitt Romney and Susan Collins,
        ** opposed ..."; "..., chanting slogans against ...": the subjects came out right,
        ** but the targets the reader has in mind for such clauses were mostly wrong) */
        /* (English: an actor after the verb is its object, not its subject -- "I really urge
        ** Lam": the subject is the speaker; but '..., said Trump' has its subject after) */
        uint32_t subj_end = k->e;
        if (c->lang == 1 && !say_inversion(c, k)) {
            for (uint32_t t = k->s; t < k->e; t++) {
                if (kc_mention_at(c, t) >= 0 || (wcls(c, t) & WC_PRON)) break;
                if (is_trigger_form(c, t) && !c->tok[t].cap && !(wcls(c, t) & (WC_PREP | WC_DET)) &&
                    !(t > k->s && (wcls(c, t - 1) & (WC_DET | WC_PREP | WC_POSS | WC_OF)))) { subj_end = t; break; }
            }
        }
        /* Dutch "Het rapport bekritiseerde het kabinet": a main clause opening with an
        ** article and a noun that is no actor, then its verb -- that noun is the subject
        ** and the actor after the verb its object */
        if (c->lang == 0 && k->type == CL_MAIN && k->s + 2 < k->e && (wcls(c, k->s) & WC_DET) && !(wcls(c, k->s) & (WC_DEMONSTR | WC_PAIR)) && kc_mention_at(c, k->s) < 0) {
            for (uint32_t t = k->s + 1; t < k->e && t < k->s + 5; t++) {
                if (kc_mention_at(c, t) >= 0 || is_punct(c, t) || (wcls(c, t) & (WC_PREP | WC_OF | WC_AND | WC_PRON | WC_REL))) break;
                if (t > k->s + 1 && is_trigger_form(c, t) && !c->tok[t].cap && !(wcls(c, t) & WC_DET) && verb_form(c, t)) { subj_end = k->s; break; }
            }
        }
        /* "The House passed two articles of impeachment. The first charged Trump with abuse
        ** of power, and the second accused him ...": "the first", "the second" with a verb
        ** right after stand for what the sentence before named, the act of its subject
        ** (English) */
        if (c->lang == 1 && k->subj < 0 && k->pron_subj < 0 && c->npron < MAXC && c->last_subj.n && c->last_subj_sent == c->cur_sent - 1) {
            uint32_t t = k->s;
            if (t < k->e && (wcls(c, t) & (WC_AND | WC_COORD))) t++;
            if (t + 2 < k->e && c->tok[t].flen == 3 && !memcmp(c->tok[t].fold, "the", 3) &&
                ((c->tok[t+1].flen == 5 && !memcmp(c->tok[t+1].fold, "first", 5)) || (c->tok[t+1].flen == 6 && !memcmp(c->tok[t+1].fold, "second", 6))) &&
                is_trigger_form(c, t + 2) && kc_mention_at(c, t + 2) < 0 && !(wcls(c, t + 2) & (WC_PREP | WC_DET | WC_PASS_AUX)) &&
                c->tok[t+2].flen > 3 && !memcmp(c->tok[t+2].fold + c->tok[t+2].flen - 2, "ed", 2)) {    /* (a past tense: "the first attack was" is a noun) */
                c->pron[c->npron] = c->last_subj;
                k->pron_subj = c->npron++;
                continue;
            }
        }
        for (uint32_t t = k->s; t < subj_end; t++) {
            /* "beide landen", "the two sides": the pair named before */
            if (c->npron < MAXC && pair_subject(c, k, t) && latest_list(c, &c->pron[c->npron])) { k->pron_subj = c->npron++; break; }
            int mi = kc_mention_at(c, t);
            /* Dutch "Wij veroordelen Rusland": "wij", "ik", "we" is the subject (the speaker's
            ** side, discourse.c), never the actor after it */
            if (mi < 0 && c->lang == 0 && (wcls(c, t) & WC_FIRST) && !(wcls(c, t) & WC_PRON) && !(t > c->cl[0].s && (wcls(c, t - 1) & WC_PREP))) break;
            /* "Some members of opposition parties have claimed ...": a person noun + "of" +
            ** an actor as the subject stands for that actor (English) */
            if (mi < 0 && c->lang == 1 && (wcls(c, t) & WC_PERSON_NOUN) && t + 2 < subj_end && (wcls(c, t + 1) & WC_OF)) {
                uint32_t u = t + 2;
                while (u < subj_end && (wcls(c, u) & (WC_DET | WC_POSS))) u++;
                int pm = u < subj_end ? kc_mention_at(c, u) : -1;
                if (pm >= 0 && c->m[pm].s == u && !c->m[pm].skip && !c->m[pm].loc_only && !c->m[pm].weak && c->m[pm].group == pm) { k->subj = pm; break; }
            }
            if (mi >= 0) {
                mention *m = &c->m[mi];
                /* a weak mention is a subject only as the target of a passive with its agent */
                if (m->in_pp || m->skip || m->loc_only || (m->weak && !(k->passive && k->by >= 0))) { t = m->e - 1; continue; }
                k->subj = m->group;
                break;
            }
            uint64_t w = wcls(c, t);
            /* a pronoun is a subject unless it follows a preposition ("bij het begin")
            ** or is an article before a name ("het Kremlin") */
            if ((w & WC_PRON) && !(t > c->cl[0].s && (wcls(c, t - 1) & WC_PREP)) &&
                !((w & WC_DET) && t + 1 < k->e && kc_mention_at(c, t + 1) >= 0) && !article_before_noun(c, t, k->e)) {
                /* resolve to the latest subject (singular pronouns skip plural ones) */
                if (c->npron >= MAXC) break;
                codeset *cs = &c->pron[c->npron];
                /* in a subordinate clause a singular pronoun refers back to an actor of the
                ** governing clause other than its subject: "warned Russia that it ..." */
                if (k->type != CL_MAIN && (w & WC_PRON_SG) && i > 0) {
                    int psubj = c->cl[k->parent >= 0 ? k->parent : 0].subj;
                    int found = -1;
                    const clause *pk = &c->cl[k->parent >= 0 ? k->parent : 0];
                    for (int m = c->nm - 1; m >= 0; m--) {
                        if (c->m[m].s >= t || c->m[m].skip || c->m[m].plural || c->m[m].weak) continue;
                        if (psubj >= 0 && c->m[m].group == psubj) continue;
                        /* (English: the governing clause's object -- "warned Russia that it";
                        ** "On Sunday in Argentina's National Congress, President Fernández
                        ** announced he ...": an actor of another clause or in a prepositional
                        ** phrase is not whom "he" means) */
                        if (c->lang == 1 && (c->m[m].in_pp || c->m[m].s < pk->s || c->m[m].s >= pk->e)) continue;
                        found = m; break;
                    }
                    if (found >= 0) {
                        cs->n = 1; memcpy(cs->code[0], c->m[found].code, CODELEN); cs->ts = c->m[found].s; cs->te = c->m[found].e;
                        k->pron_subj = c->npron++;
                        break;
                    }
                }
                /* across sentences only from the sentence before: a pronoun further away
                ** is more often someone the dictionaries do not know */
                /* (a sentence that is only a quotation does not count: "Guaidó veroordeelde
                ** ... \"Ze bedreigen ...\" Ook roept hij Europa op ...") */
                if (c->cur_sent - c->last_subj_sent - c->quotes_since_subj > PRON_REACH) break;
                const codeset *src = &c->last_subj;
                int pl = c->last_subj_plural;
                /* "Volgens PVV-Kamerlid De Jong doet de minister niks. Hij vindt dat ...": the
                ** pronoun of a verb of saying or judging goes on with the speaker of the
                ** sentence before, not its subject */
                if (c->last_spk.n && c->last_spk_sent == c->cur_sent - 1 && !(w & WC_FIRST) && kc_has_class(c, k, WC_SAY | WC_SPEAKER | WC_LABEL, NULL)) { src = &c->last_spk; pl = 0; }
                if ((w & WC_PRON_SG) && pl && c->prev_subj.n && !c->prev_subj_plural) src = &c->prev_subj;
                if (!src->n) break;
                *cs = *src;
                k->pron_subj = c->npron++;
                break;
            }
        }
        if (k->subj >= 0 || k->pron_subj >= 0) {
            codeset cs;
            int pl;
            if (k->subj >= 0) { kc_codeset_from_group(c, k->subj, &cs); pl = group_plural(c, k->subj); }
            else { cs = c->pron[k->pron_subj]; pl = c->last_subj_plural; }
            /* (a subordinate clause's subject does not replace the main clause's of the same
            ** sentence: "West criticised Trump, expressing disappointment at reports Trump
            ** hid. He ..." -- "He" is West) */
            int main_set = c->last_subj_sent == c->cur_sent && c->last_subj_main;
            if (cs.n && (k->subj >= 0) && !(main_set && k->type != CL_MAIN)) {
                c->prev_subj = c->last_subj; c->prev_subj_plural = c->last_subj_plural;
                c->last_subj = cs; c->last_subj_plural = pl; c->last_subj_sent = c->cur_sent; c->quotes_since_subj = 0;
                c->last_subj_main = k->type == CL_MAIN;
            }
        }
    }
}

int kc_clause_of(const kr_coder *c, uint32_t t) {
    for (int i = 0; i < c->ncl; i++) if (c->cl[i].s <= t && t < c->cl[i].e) return i;
    return -1;
}

void kc_mark_irrealis(kr_coder *c) {
    /* a trailing fragment after a relative clause (", nog altijd niet.") belongs to the
    ** main clause the relative clause interrupted */
    /* (and its modal: ",,Een nieuwe minister, die niet is ingewerkt, kan de verbeteringen
    ** niet sneller doorvoeren'': the minister is said to be unable, not to fail) */
    for (int i = 2; i < c->ncl; i++) {
        clause *k = &c->cl[i];
        if (k->type != CL_MAIN || !(k->neg || k->modal) || (c->cl[i-1].type != CL_REL && c->cl[i-1].type != CL_DAT)) continue;
        int has_m = 0, has_t = 0;
        for (int m = 0; m < c->nm; m++) if (c->m[m].s >= k->s && c->m[m].s < k->e) has_m = 1;
        for (int h = 0; h < c->nth; h++) if (c->th[h].clause == i) has_t = 1;
        if (!has_m && !has_t) { if (k->neg) c->cl[i-2].neg = 1; if (k->modal) c->cl[i-2].modal = 1; }
    }
    for (int i = 0; i < c->ncl; i++) {
        clause *k = &c->cl[i];
        if (k->type == CL_COND || k->type == CL_QUEST || k->type == CL_PURPOSE || k->modal) k->irrealis = 1;
        if (k->type != CL_MAIN && k->type != CL_REL && k->type != CL_OTHER && k->parent >= 0) {
            clause *p = &c->cl[k->parent];
            int gov = p->gov || (p->irrealis && p->type != CL_COND && k->type == CL_OM) ||
                      (p->modal && k->type == CL_DAT);      /* "Wellicht gaan we zien dat ..." */
            for (int h = 0; h < c->nth; h++) if (c->th[h].clause == k->parent && governing_root(c->th[h].root)) gov = 1;
            if (p->governed && (k->type == CL_DAT || k->type == CL_OM)) gov = 1;
            /* "Tamim claimed Houthis have attacked journalists": what is alleged is not
            ** established (the allegation itself is coded, discourse.c) */
            if (k->type == CL_DAT) for (uint32_t t = p->s; t < p->e && !gov; t++) if ((wcls(c, t) & WC_ALLEGE) && kc_mention_at(c, t) < 0) gov = 1;
            if (gov) { k->governed = 1; k->irrealis = 1; }
        }
        /* "als Baudet ..., dan verwelkomt hij ...", "if ..., then he welcomes ...": the
        ** consequence of a condition has not happened (what someone says they will do
        ** then is a conditional intent or threat, coded as such: "then I will raise it") */
        if (k->type == CL_MAIN && i > 0 && !k->future && !k->intent && ((c->tok[k->s].flen == 3 && !memcmp(c->tok[k->s].fold, "dan", 3)) ||
                                            (c->tok[k->s].flen == 4 && !memcmp(c->tok[k->s].fold, "then", 4))))
            for (int j = 0; j < i; j++) if (c->cl[j].type == CL_COND) k->irrealis = 1;
    }
    /* a sentence that is a question reports nothing */
    if (c->question) for (int i = 0; i < c->ncl; i++) c->cl[i].irrealis = 1;
}

/* The sentence a..b is a question: the first of ".", "!", "?" after its last word is "?"
** (closing quotes and brackets may stand between; "... gaat. ?!" is no question) */
int kc_is_question(const kr_coder *c, uint32_t a, uint32_t b) {
    uint32_t w = b;
    while (w > a && is_punct(c, w - 1)) w--;
    for (uint32_t t = w; t < b; t++) {
        if (c->tok[t].len != 1) continue;
        char ch = c->text.p[c->tok[t].off];
        if (ch == '.' || ch == '!') return 0;
        if (ch == '?') return 1;
    }
    return 0;
}
