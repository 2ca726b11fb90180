/*
** code.c -- the coder: from one article to its events.
**
** This file holds the article loop and code_sentence, which runs the stages in
** order; each stage has its file (src/coder.h lists them).
**
** Per article: normalize (text.c), tokenize and split (tok.c), then per sentence:
**   1. actors: match dictionary phrases and assemble noun phrases into mentions
**      (adjective + role -> RUSGOV, person by office at the article date, role +
**      unknown name -> alias for the rest of the article, "X's minister", "minister
**      van X", "de regering van (president) X", hyphen compounds, "het buurland",
**      "die eisen" -> who made them; an adjective before an ordinary noun ("Russian
**      border posts") is a weak mention: a target, never a subject or antecedent);
**   2. clauses: cut at subordinators, relatives, coordinators, punctuation and after a
**      reporting verb followed by a subject ("said Ukraine attacked"); give
**      each clause a type (main, that, condition, whether, purpose, infinitive,
**      relative), its subject (first mention outside a prepositional phrase, a
**      resolved pronoun, the antecedent of a relative, or the subject inherited by an
**      om/te clause), passive agent, negation, modality and future;
**   3. triggers: verb, noun and phrase forms from the verb dictionary (separable Dutch
**      verbs need their particle in the clause);
**   4. events: the first matching pattern of each trigger gives code and target, else
**      the trigger's code with the nearest other actor (violence with none: the state
**      where it happened, "bombed targets in Syria"; "attacked" a named person is
**      criticism, 111); a pattern of words only gives its code with the actor its
**      last word belongs to ("expelled Russian diplomats"); negated and irrealis clauses
**      code nothing; future and stated intent map material actions to 03/13 codes;
**      a material threat with a condition ("als Rusland aanvalt") is a THREATEN
**      towards the condition's subject.  Duplicate (source, target, root) within a
**      sentence are dropped, as are events of an actor towards itself.
*/
#include "coder.h"

kr_coder *kr_coder_new(const kr_dict *d) {
    kr_coder *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->d = d;
    kr_map_init(&c->alias, &c->alias_ar);
    return c;
}

void kr_coder_free(kr_coder *c) {
    if (!c) return;
    kr_arena_free(&c->ar); kr_buf_free(&c->text);
    free(c->tok); free(c->sent); free(c->aliases); free(c->am);
    kr_map_free(&c->alias); kr_arena_free(&c->alias_ar);
    free(c->fo_text);     /* foreign options */
    free(c);
}

const char *kr_coder_error(const kr_coder *c) { return c->err; }

const char *kr_coder_lang(const kr_coder *c) { return c->langname ? c->langname : ""; }

int kr_coder_bad_bytes(const kr_coder *c) { return c->bad; }

int kr_coder_nsentences(const kr_coder *c) { return (int)c->nsent; }

void kr_coder_trace(kr_coder *c, FILE *f) { c->trace = f; }

const char *kr_coder_sentence(const kr_coder *c, int i, int *len) {
    if (i < 0 || (uint32_t)i >= c->nsent) { if (len) *len = 0; return ""; }
    if (len) *len = (int)c->sent[i].len;
    return c->text.p + c->sent[i].off;
}

const char *kr_coder_text(const kr_coder *c, size_t *len) { if (len) *len = c->text.len; return c->text.p ? c->text.p : ""; }

void kr_coder_actors(const kr_coder *c, void (*fn)(void *, int, const char *, const char *), void *ctx) {
    char buf[512];
    for (uint32_t i = 0; i < c->nam; i++) {
        uint32_t l = c->am[i].len < sizeof buf - 1 ? c->am[i].len : sizeof buf - 1;
        memcpy(buf, c->text.p + c->am[i].off, l); buf[l] = 0;
        fn(ctx, c->am[i].sent, c->am[i].code, buf);
    }
}

/* a year two or more years before the article's in the clause ("in 2006", "sinds 1989") */
int kc_past_year(const kr_coder *c, const clause *k) {
    int year = c->date / 10000;
    uint32_t s = k->s;
    /* "In 2006, ...": a short piece before the clause, cut off by its comma */
    for (int i = 1; i < c->ncl; i++) if (&c->cl[i] == k && c->cl[i-1].e - c->cl[i-1].s <= 4) s = c->cl[i-1].s;
    /* (English "In 2015, Saudi Arabia started ..., providing airstrikes": a year that
    ** opens the sentence is the time of all its clauses) */
    int open = c->lang == 1 && c->ncl > 1 && k != &c->cl[0] && c->cl[0].e - c->cl[0].s <= 4;
    for (int pass = open ? 0 : 1; pass < 2; pass++)
        for (uint32_t t = pass ? s : c->cl[0].s; t < (pass ? k->e : c->cl[0].e); t++) {
            if (!(c->tok[t].flags & TF_NUM) || c->tok[t].len != 4) continue;
            const char *p = c->text.p + c->tok[t].off;
            int y = 0, ok = 1;
            for (int i = 0; i < 4; i++) { if (p[i] < '0' || p[i] > '9') ok = 0; else y = y * 10 + (p[i] - '0'); }
            if (ok && y >= 1800 && y <= year - 2) return 1;
        }
    return 0;
}

/* "De SP is niet te spreken over ...": the clause's only negation is a word of the
** trigger phrase itself, which means what it says */
static int neg_in_trigger(const kr_coder *c, const clause *k, const trig_hit *H) {
    if (!(wcls(c, H->tok) & WC_NEG)) return 0;
    for (uint32_t t = k->s; t < k->e; t++) if ((t < H->tok || t >= H->tok + H->ntok) && (wcls(c, t) & WC_NEG)) return 0;
    return 1;
}

/* "at", "on", "against", "op", "tegen": what an act is aimed at follows */
static int aimed_prep(const kr_coder *c, uint32_t t) {
    const char *f = c->tok[t].fold;
    size_t n = c->tok[t].flen;
    return (n == 2 && (!memcmp(f, "at", 2) || !memcmp(f, "on", 2) || !memcmp(f, "op", 2))) || (wcls(c, t) & WC_AGAINST);
}

/* the object right after the trigger is a person who is no actor ("veroordeelde de
** man", "sentenced the suspect"): the act is aimed at that person */
static int person_object(const kr_coder *c, const trig_hit *H, const clause *k) {
    for (uint32_t t = H->tok + H->ntok; t < k->e && t < H->tok + H->ntok + 5; t++) {
        /* (one preposition may open it: "fired a shot at the attacker") */
        if ((wcls(c, t) & WC_PREP) && t <= H->tok + H->ntok + 3 && aimed_prep(c, t)) continue;
        if (is_punct(c, t) || kc_mention_at(c, t) >= 0 || (wcls(c, t) & WC_PREP)) return 0;
        if (wcls(c, t) & WC_PERSON_NOUN) return 1;
    }
    return 0;
}

/* English: the verb's direct object is a noun phrase with no actor in it ("urged
** residents to evacuate", "asked his countrymen to stay home", "encouraged public schools
** to reopen", "ask hard questions."): an appeal to no actor. Returns the object's end
** ("to" or the punctuation after it), or 0 when the object is an actor, a pronoun or a
** pair ("both sides"), when another preposition follows it, or when there is none. */
static uint32_t nonactor_object(const kr_coder *c, const trig_hit *H, const clause *k) {
    uint32_t t = H->tok + H->ntok;
    if (t >= k->e || is_punct(c, t) || kc_mention_at(c, t) >= 0 || c->tok[t].cap) return 0;
    uint64_t w = wcls(c, t);
    if (w & (WC_PREP | WC_PRON_OBJ | WC_PAIR | WC_TE | WC_SUB_DAT | WC_SUB_OM | WC_NEG | WC_AND | WC_COORD | WC_SAY_ADV | WC_REL)) return 0;
    if (w & ~(uint64_t)(WC_DET | WC_POSS | WC_QUANT | WC_PERSON_NOUN | WC_PLURAL)) return 0;
    for (uint32_t u = t; u < k->e && u < t + 4; u++) {
        if (u > t && is_punct(c, u)) return u;
        if (is_punct(c, u) || kc_mention_at(c, u) >= 0 || c->tok[u].cap) return 0;
        uint64_t x = wcls(c, u);
        if (x & (WC_PAIR | WC_PAIR_NOUN)) return 0;
        if (u > t && (x & WC_TE)) return u;
        if (u > t && (x & WC_PREP)) return c->tok[u].flen == 2 && !memcmp(c->tok[u].fold, "to", 2) ? u : 0;
    }
    return 0;
}

/* English: a verb form used as a noun, after an article, a possessive or "'s" with only
** ordinary lower-case words between ("a full and unconditional pardon") */
static int en_noun_use(const kr_coder *c, const trig_hit *H, const clause *k) {
    for (uint32_t t = H->tok, n = 0; t > k->s && n < 4; t--, n++) {
        uint64_t w = wcls(c, t - 1);
        if (w & (WC_DET | WC_POSS | WC_GENITIVE)) return 1;
        if ((w & ~(uint64_t)WC_AND) || is_punct(c, t - 1) || c->tok[t - 1].cap || kc_mention_at(c, t - 1) >= 0) return 0;
    }
    return 0;
}

/* "veroordeelde de aanval op Oekraïne", "condemned the attack on Ukraine": the actor after
** an attack noun and a preposition of aim (aimed_prep: op/tegen/on/at/against) is its victim -- not whom a condemnation, demand
** or threat about the attack is aimed at (that is the attacker: "deze aanval", the owner,
** or the actor in mind) */
static int victim(const kr_coder *c, const mention *M) {
    if (!M->in_pp || M->s < 2) return 0;
    uint32_t t = M->s;
    while (t > 1 && (wcls(c, t - 1) & (WC_DET | WC_POSS))) t--;
    const kr_tok *n = &c->tok[t-2];
    return aimed_prep(c, t - 1) && n->flen && kr_map_get(&c->L->eventref, n->fold, n->flen) >= 18;
}

/* the owner of a subject that is no actor ("Het plan van de minister", "X's plan"): the
** first actor before the trigger outside any prepositional phrase but "van"/"of" (not one
** that is the same entity as src, nor the passive's agent group), or -1 */
static int subject_owner(const kr_coder *c, const clause *k, const trig_hit *H, const char *src, int agent) {
    for (int m = 0; m < c->nm; m++) {
        const mention *M = &c->m[m];
        if (M->group != m || M->skip || M->s < k->s || M->s >= H->tok || M->group == agent) continue;
        if (M->in_pp && !(M->prep && (c->L->wclass[M->prep] & WC_OF))) continue;
        /* (with a passive's agent, only a "van"/"of" owner or a genitive: not "haar Britse
        ** paspoort") */
        if (agent >= 0 && !M->in_pp && !M->genitive) continue;
        if (src && kc_same_entity(M->code, src)) continue;
        return m;
    }
    return -1;
}

static int topic_noun(const kr_coder *c, const trig_hit *H, const clause *k) {
    if (!kc_in_pp_noun(c, H, k)) return 0;
    uint32_t t = H->tok;
    while (t > k->s && !(wcls(c, t - 1) & (WC_PREP | WC_OF))) t--;
    if (t == k->s) return 0;
    const kr_tok *p = &c->tok[t-1];
    return (p->flen == 4 && !memcmp(p->fold, "over", 4)) || (p->flen == 5 && !memcmp(p->fold, "about", 5));
}

static int be_form(const kr_coder *c, uint32_t t) {
    const char *f = c->tok[t].fold;
    size_t n = c->tok[t].flen;
    return (n == 2 && !memcmp(f, "is", 2)) || (n == 3 && (!memcmp(f, "are", 3) || !memcmp(f, "was", 3))) || (n == 4 && !memcmp(f, "were", 4));
}

/* --trace: why a trigger codes nothing (one line per dropped trigger) */
#define DROP(why) { if (c->trace) fprintf(c->trace, "  x %s (C%d): %s\n", L->trig[H->trig].lemma, H->clause, why); continue; }

static void code_sentence(kr_coder *c, int sent_no, const kr_sent *S) {
    const kr_dict *d = c->d;
    const kr_lang *L = c->L;
    uint32_t a = S->tok0, b = S->tok0 + S->ntok;
    c->loc[0] = 0; c->nseen = 0; c->npron = 0; c->fdiscard = 0; c->spk_pron = -1; c->spk_cl = 0;
    /* a question asks, it reports no act ("Had Red Hat considered this?", an interviewer's
    ** "Did any NGO help you?", "Wat is het verwijt van de Catalanen?") */
    c->question = kc_is_question(c, a, b);
    if (c->fstory_discard) return;
    kc_find_mentions(c, a, b);
    kc_segment(c, a, b);
    kc_analyse_clauses(c);
    /* lists that act (a clause's subject) are remembered as one possible implied target */
    for (int i = 0; i < c->ncl; i++) if (c->cl[i].subj >= 0)
        for (int j = 0; j < c->nrecent_m; j++) if (c->recent_m_grp[j] == c->cur_sent * MAXM + c->cl[i].subj) c->recent_m_acted[j] = 1;
    kc_quote_speaker(c, a, b);
    kc_find_triggers(c, a, b);
    kc_resolve_roots(c);
    kc_mark_irrealis(c);
    for (int k = 0; k < c->nm && c->am; k++) {}
    for (int k = 0; k < c->nm; k++) {
        if (c->nam == c->amcap) { c->amcap = c->amcap ? c->amcap * 2 : 64; c->am = kr_xrealloc(c->am, c->amcap * sizeof *c->am); }
        c->am[c->nam].sent = sent_no; kc_code_copy(c->am[c->nam].code, c->m[k].code);
        c->am[c->nam].off = c->tok[c->m[k].s].off;
        c->am[c->nam].len = c->tok[c->m[k].e - 1].off + c->tok[c->m[k].e - 1].len - c->am[c->nam].off;
        c->nam++;
    }
    if (c->trace) {
        fprintf(c->trace, "S%d:", sent_no);
        for (int k = 0; k < c->nm; k++) { char t[200]; kc_span_text(c, c->m[k].s, c->m[k].e, t, sizeof t); fprintf(c->trace, " [%s=%s%s g%d]", t, c->m[k].code, c->m[k].in_pp ? " pp" : "", c->m[k].group); }
        fputc('\n', c->trace);
        for (int i = 0; i < c->ncl; i++) {
            char t[400]; kc_span_text(c, c->cl[i].s, c->cl[i].e, t, sizeof t);
            codeset cs; kc_subject_codes(c, &c->cl[i], &cs);
            fprintf(c->trace, "  C%d type=%d subj=%s%s par=%d%s%s%s%s%s: %s\n", i, c->cl[i].type, cs.n ? cs.code[0] : "-", c->cl[i].pron_subj >= 0 ? "(pron)" : "",
                    c->cl[i].parent, c->cl[i].neg ? " NEG" : "", c->cl[i].irrealis ? " IRR" : "", c->cl[i].future ? " FUT" : "", c->cl[i].passive ? " PASS" : "", c->cl[i].governed ? " GOV" : "", t);
        }
        for (int h = 0; h < c->nth; h++) fprintf(c->trace, "  T %s (C%d%s)\n", L->trig[c->th[h].trig].lemma, c->th[h].clause, c->th[h].inf ? " inf" : "");
    }
    kc_code_foreign(c, sent_no, S);
    for (int h = 0; h < c->nth && !c->stop; h++) {
        trig_hit *H = &c->th[h];
        const kr_trigger *T = &L->trig[H->trig];
        clause *k = &c->cl[H->clause];
        if (T->flags & TRIG_FOREIGN) continue;       /* coded by code_foreign */
        if (k->neg && !neg_in_trigger(c, k, H)) DROP("negated")
        if (k->irrealis) DROP("irrealis")
        /* "In 2006, Abqaiq was the target of an attack", "de moord op honderden Roemenen in
        ** 1989": history told as background, not news of the article's days */
        if (kc_past_year(c, k)) DROP("past year")
        /* "een debat over de mislukte top tussen Kim en Trump", "talks about the attack": an
        ** event noun after "over"/"about" is what is talked about, not news of the day */
        if (topic_noun(c, H, k)) DROP("topic of talk")
        /* an action after "hopes", "considers", "refuses" ... in the same clause did not happen */
        {
            int after_gov = 0;
            for (uint32_t t = k->s; t < H->tok; t++) if ((wcls(c, t) & WC_GOV) && !(wcls(c, t) & WC_INTENT)) {
                int is_own = 0;
                for (int g = 0; g < c->nth; g++) if (c->th[g].tok == t && g != h) is_own = 1;
                (void)is_own;
                after_gov = 1;
            }
            if (after_gov && !H->inf) DROP("after a governing word")
        }
        /* an event noun that is the object of another trigger ("condemned the attack",
        ** "demanded guarantees", "arrived for talks") reports background, not an event */
        if (!H->inf) {
            int embedded = 0;
            for (int g = 0; g < c->nth && !embedded; g++) {
                if (g == h || c->th[g].clause != H->clause || c->th[g].inf || !c->th[g].root || c->th[g].nopat) continue;
                /* a trigger that is itself a noun phrase ("Russia's demands", "die eisen")
                ** does not take an object */
                uint32_t gt = c->th[g].tok;
                if (gt > 0 && (wcls(c, gt - 1) & (WC_GENITIVE | WC_DET | WC_DEMONSTR | WC_POSS))) continue;
                /* ... nor one inside a prepositional phrase ("In gesprek met Der Spiegel
                ** roept hij Europa op") */
                if ((gt > 0 && (wcls(c, gt - 1) & WC_PREP)) || (wcls(c, gt) & WC_PREP)) continue;
                if (c->th[g].tok < H->tok) {
                    /* an earlier trigger makes this one its object, unless "and" joins them */
                    int joined = 0;
                    for (uint32_t t = c->th[g].tok + c->th[g].ntok; t < H->tok; t++) if (wcls(c, t) & (WC_AND | WC_COORD)) joined = 1;
                    if (!joined) embedded = 1;
                } else if (H->tok > 0 && (wcls(c, H->tok - 1) & WC_GENITIVE)) embedded = 1;   /* "Russia's demands are unacceptable" */
            }
            if (embedded) DROP("object of another trigger")
        }
        /* a te/to infinitive under a governing verb or an irrealis word is not coded;
        ** under an intent word (bereid, van plan, ready to) it is an intent */
        int intent = k->future || k->intent;
        if (k->future && !k->intent && (wcls(c, H->tok) & WC_FUTURE)) {
            /* the future word is the trigger itself ("May gaat naar Berlijn"): future
            ** only if another one is in the clause */
            intent = 0;
            for (uint32_t t = k->s; t < k->e; t++) if (t != H->tok && (wcls(c, t) & WC_FUTURE)) intent = 1;
        }
        if (k->type == CL_OM && k->parent >= 0 && c->cl[k->parent].intent) intent = 1;   /* "bereid om ... te praten" */
        if (H->inf) {
            int gov = 0, inten = 0, gov_first = 0;
            for (uint32_t t = k->s; t < H->tok; t++) {
                if ((wcls(c, t) & WC_GOV) && !(wcls(c, t) & WC_INTENT) && !inten) gov_first = 1;
                if (wcls(c, t) & WC_GOV) gov = 1;
                if (wcls(c, t) & WC_INTENT) inten = 1;
            }
            if (gov_first && inten) DROP("denied intent")     /* "denied plans to attack": the intent is denied */
            for (int g = 0; g < c->nth; g++) if (g != h && c->th[g].clause == H->clause && c->th[g].tok < H->tok && governing_root(c->th[g].root)) gov = 1;
            if (gov && !inten) DROP("infinitive under a governing word")
            if (inten) intent = 1;
            /* "The Senate was to meet on Monday": what is to happen is planned */
            if (c->lang == 1 && H->tok >= k->s + 2 && (wcls(c, H->tok - 1) & WC_TE) && be_form(c, H->tok - 2)) intent = 1;
        }
        /* a passive without its agent ("worden vastgehouden in Syrië") names no source */
        int near_aux = 1;
        if (c->lang == 1 && k->true_passive) {
            /* English: the auxiliary stands right before its participle ("was expelled",
            ** "has been widely criticized"); "believed to have been involved" elsewhere in
            ** the clause does not make "issued" passive */
            near_aux = 0;
            for (uint32_t t = H->tok > k->s + 3 ? H->tok - 3 : k->s; t < H->tok; t++) if (true_passive_aux(c->tok[t].fold)) near_aux = 1;
        }
        /* Dutch: "nadat Rusland Oekraïne was binnengevallen" is a pluperfect with "zijn",
        ** not a passive: a subject and an object stand before the participle */
        if (c->lang == 0 && k->true_passive && k->by < 0 && k->subj >= 0) {
            int objs = 0;
            for (int m = 0; m < c->nm; m++) if (c->m[m].group == m && c->m[m].s >= k->s && c->m[m].s < H->tok && !c->m[m].in_pp && !c->m[m].skip && !c->m[m].genitive) objs++;
            if (objs >= 2) near_aux = 0;
        }
        if (k->true_passive && near_aux && k->by < 0 && T->kind == TK_VERB) {
            const char *vf = c->tok[H->tok].fold;
            size_t vl = c->tok[H->tok].flen;
            /* Dutch participles: ge- (also after a particle: "binnengevallen"), or be-/ver-/
            ** ont-/her-/er- with -d/-t/-en; an infinitive after "te" is none ("bereid was
            ** het kabinet te steunen": "was" is a copula there) */
            int nl_part = vl > 3 && (strstr(vf, "ge") != NULL ||
                          ((!strncmp(vf, "be", 2) || !strncmp(vf, "ver", 3) || !strncmp(vf, "ont", 3) || !strncmp(vf, "her", 3) || !strncmp(vf, "er", 2)) &&
                           (vf[vl-1] == 'd' || vf[vl-1] == 't' || !strcmp(vf + vl - 2, "en"))));
            int participle = !H->inf && ((c->lang == 0 && nl_part) || (c->lang == 1 && vl > 2 && (!strcmp(vf + vl - 2, "ed") || !strcmp(vf + vl - 1, "n") || !strcmp(vf + vl - 1, "t"))));
            if (participle) DROP("passive without agent")
        }
        /* English '"likes dropping bombs on people, and killing them"': what follows a verb
        ** of liking and an -ing form, in its clause or one joined to it by "and", is a habit
        ** or a taste, no act */
        if (c->lang == 1) {
            static const char *const likes[] = { "like", "likes", "liked", "love", "loves", "loved", "enjoy", "enjoys", "enjoyed", "hate", "hates", "hated", NULL };
            uint32_t from = k->s;
            if (H->clause > 0 && (wcls(c, k->s) & (WC_AND | WC_COORD))) from = c->cl[H->clause - 1].s;
            int taste = 0;
            for (uint32_t t = from; t + 1 < H->tok + 1 && t + 1 < c->ntok && !taste; t++) {
                const kr_tok *n = &c->tok[t + 1];
                if (n->flen < 5 || strcmp(n->fold + n->flen - 3, "ing") || kc_mention_at(c, t) >= 0 || (t > from && (wcls(c, t - 1) & (WC_DET | WC_PREP)))) continue;
                for (int i = 0; likes[i] && !taste; i++)
                    if (c->tok[t].flen == strlen(likes[i]) && !memcmp(c->tok[t].fold, likes[i], c->tok[t].flen)) taste = 1;
            }
            if (taste) DROP("a habit or a taste, no act")
        }
        /* English "when asked whether ...", "if elected", "once approved": a subordinator
        ** right before a participle is a passive whose agent is not named */
        if (c->lang == 1 && T->kind == TK_VERB && H->tok > k->s && (wcls(c, H->tok - 1) & (WC_SUB_COND | WC_SUB_OTHER)) && !(wcls(c, H->tok - 1) & (WC_SUB_DAT | WC_REL)) &&
            c->tok[H->tok].flen > 3 && !strcmp(c->tok[H->tok].fold + c->tok[H->tok].flen - 2, "ed") && !(k->passive && k->by >= 0))
            DROP("passive without agent")
        codeset subj; kc_subject_codes(c, k, &subj);
        int subj_group = k->subj;
        /* English "interrupted by protesting legislators", "Protesting lawmakers shouted at
        ** Lam": a protest verb in -ing right before an actor is that actor's act, aimed at
        ** the clause's own subject when that is another actor */
        int ing_src = -1, ing_tgt = -1;
        if (c->lang == 1 && T->kind == TK_VERB && H->root == 14 && H->ntok == 1 && c->tok[H->tok].flen > 4 &&
            !strcmp(c->tok[H->tok].fold + c->tok[H->tok].flen - 3, "ing") && H->tok + 1 < k->e) {
            int mi = kc_mention_at(c, H->tok + 1);
            if (mi >= 0 && c->m[mi].s == H->tok + 1 && !c->m[mi].skip && !c->m[mi].weak) {
                ing_src = c->m[mi].group;
                if (subj_group >= 0 && subj_group != ing_src) ing_tgt = subj_group;
                else for (int m = 0; m < c->nm && ing_tgt < 0; m++)
                    if (c->m[m].group == m && m != ing_src && !c->m[m].skip && c->m[m].s >= k->s && c->m[m].s < k->e && c->m[m].s > H->tok &&
                        !(c->m[m].in_pp && c->m[m].prep && (L->wclass[c->m[m].prep] & WC_PLACE_PREP))) ing_tgt = m;
                subj_group = ing_src; kc_codeset_from_group(c, ing_src, &subj);
            }
        }
        if (c->lang == 1 && subj_group >= 0 && ing_src < 0) {
            /* English is SVO: the subject is the actor closest before the verb ("Fars
            ** reported Iran issued warrants"), unless an earlier verb joined by "and"
            ** shares the clause subject; an actor after the verb is its object */
            int joined = 0;
            for (int g = 0; g < c->nth; g++) if (g != h && c->th[g].clause == H->clause && c->th[g].tok < H->tok) joined = 1;
            /* (not for an event noun after a preposition: "troops there to eliminate Islamic
            ** State elements in cooperation with Iraqi forces" -- the clause subject acts) */
            if (T->kind == TK_NOUN && H->tok > k->s && (wcls(c, H->tok - 1) & WC_PREP) && !(wcls(c, H->tok - 1) & WC_SKIP)) joined = 1;
            if (!joined) {
                int best = -1;
                for (int m = 0; m < c->nm; m++) {
                    const mention *M = &c->m[m];
                    if (M->s < k->s || M->e > H->tok || M->in_pp || M->skip || M->weak) continue;
                    /* ("the general manager of Abu Dhabi Media, Dr Ali bin Tamim, attributed":
                    ** a name the dictionaries do not know in apposition between commas names
                    ** the actor before it) */
                    if (best >= 0 && M->unknown && M->s > k->s && (c->tok[M->s - 1].flags & TF_COMMA) && M->e < H->tok && (c->tok[M->e].flags & TF_COMMA)) continue;
                    best = M->group;
                }
                if (best >= 0 && best != subj_group) {
                    /* ("Senate Minority Whip Dick Durbin and incoming chair of the House
                    ** Intelligence Committee Adam Schiff both questioned": two actors joined by
                    ** "and" with no verb between are the subject together) */
                    int both = 0;
                    uint32_t se = c->m[subj_group].e;
                    for (int m = subj_group; m < c->nm; m++) if (c->m[m].group == subj_group && c->m[m].e > se) se = c->m[m].e;
                    if (se <= c->m[best].s && !c->m[subj_group].in_pp && !c->m[subj_group].weak && !c->m[best].unknown && !c->m[subj_group].unknown) {
                        int and_ = 0, verb = 0;
                        for (uint32_t t = se; t < c->m[best].s; t++) {
                            if (wcls(c, t) & WC_AND) and_ = 1;
                            if (is_trigger_form(c, t) && kc_mention_at(c, t) < 0 && !c->tok[t].cap && !(wcls(c, t - 1) & (WC_DET | WC_PREP | WC_POSS))) verb = 1;
                            if (is_punct(c, t) && !(c->tok[t].flags & TF_COMMA)) verb = 1;
                        }
                        both = and_ && !verb;
                    }
                    codeset first = subj;
                    subj_group = best; kc_codeset_from_group(c, best, &subj);
                    if (both) for (int i = 0; i < first.n && subj.n < CS_MAX; i++) {
                        int dup = 0;
                        for (int j = 0; j < subj.n; j++) if (!strcmp(subj.code[j], first.code[i])) dup = 1;
                        if (!dup) kc_code_copy(subj.code[subj.n++], first.code[i]);
                    }
                }
            }
            if (c->m[subj_group].s > H->tok && !(k->passive && k->by >= 0)) { subj.n = 0; subj_group = -1; }
        } else if (c->lang == 0 && subj_group >= 0 && c->m[subj_group].s > H->tok + H->ntok + 3 && !(k->passive && k->by >= 0)) {
            /* Dutch: a subject after the verb stands right behind it (inversion: "Vrijdag
            ** ontmoette minister Hoekstra ..."); an actor further on is not the subject */
            subj.n = 0; subj_group = -1;
        } else if (c->lang == 0 && subj_group >= 0 && c->m[subj_group].s > H->tok && k->type == CL_MAIN && !(k->passive && k->by >= 0) &&
                   H->tok > k->s + 1 && (wcls(c, k->s) & WC_DET) && kc_mention_at(c, k->s) < 0 && kc_mention_at(c, k->s + 1) < 0) {
            /* ... but "De voetballer bekritiseerde de Argentijnse regering": a noun phrase
            ** before the verb is its subject (an actor or not); the actor after it is the
            ** object (not "De afgelopen week ontmoette X": a time before the verb) */
            int time = 0;
            for (uint32_t t = k->s; t < H->tok; t++) if ((wcls(c, t) & (WC_PERIOD | WC_CALENDAR)) || (c->tok[t].flags & TF_NUM)) time = 1;
            if (!time) {
                /* ("Het hoofd van de CHP beschuldigt de AKP": the noun phrase's owner acts) */
                subj.n = 0; subj_group = -1;
                for (int m = 0; m < c->nm; m++) {
                    const mention *M = &c->m[m];
                    if (M->group != m || M->skip || M->s <= k->s || M->s >= H->tok || !M->in_pp || !M->prep || !(c->L->wclass[M->prep] & WC_OF)) continue;
                    kc_codeset_from_group(c, m, &subj); subj_group = m;
                    break;
                }
            }
        }
        /* an event noun takes its source from before it ("Rusland voerde gesprekken"),
        ** not from a later clause subject ("ondanks oproepen van X maken landen ...") */
        if (T->kind == TK_NOUN && subj_group >= 0 && c->m[subj_group].s > H->tok) { subj.n = 0; subj_group = -1; }
        /* ... nor from a quotation's speaker ('"The sanctions on Iran are illegal," said X':
        ** the sanctions are not X's) */
        if (T->kind == TK_NOUN && k->subj < 0 && k->pron_subj >= 0 && k->pron_subj == c->spk_pron) {
            /* ('"We made a plea to the president," said Schumer': a verb or "we" before the
            ** noun makes it the speaker's act) */
            int own = 0;
            for (uint32_t t = k->s; t < H->tok; t++) if ((is_trigger_form(c, t) && !(wcls(c, t) & (WC_PREP | WC_DET))) || (wcls(c, t) & WC_FIRST)) own = 1;
            if (!own) { subj.n = 0; subj_group = -1; }
        }
        /* ... but a noun that opens a quotation is its speaker's ('Sanders wrote,
        ** "Congratulations to Bill de Blasio ..."') (English) */
        if (c->lang == 1 && T->kind == TK_NOUN && !subj.n && c->spk_pron >= 0 && H->clause < 64 && (c->spk_cl >> H->clause & 1) && H->tok > k->s && is_quote(c, H->tok - 1))
            subj = c->pron[c->spk_pron];
        /* an event noun with no subject takes the actor whose it is from a phrase before it
        ** ("In de Kamer klinkt kritiek op Koolmees", "criticism from Democrats"): in, van,
        ** uit, from, of, among -- an organisation or role, not a state named as a place */
        if (T->kind == TK_NOUN && !subj.n) {
            for (int m = 0; m < c->nm; m++) {
                const mention *M = &c->m[m];
                if (M->group != m || M->skip || M->weak || !M->in_pp || M->s < k->s || M->s >= k->e) continue;
                if (M->s > H->tok + H->ntok + 1) break;
                const char *pf = c->tok[M->s].off ? NULL : NULL; (void)pf;
                uint32_t pw = M->prep;
                if (!pw) continue;
                const char *f = NULL; size_t fl = 0;
                for (uint32_t t = M->s; t > k->s; t--) if (c->tok[t-1].wid == pw) { f = c->tok[t-1].fold; fl = c->tok[t-1].flen; break; }
                if (!f) continue;
                int ok = (fl == 3 && (!memcmp(f, "van", 3) || !memcmp(f, "uit", 3))) || (fl == 2 && (!memcmp(f, "in", 2) || !memcmp(f, "of", 2))) ||
                         (fl == 4 && !memcmp(f, "from", 4)) || (fl == 5 && !memcmp(f, "among", 5));
                if (!ok || ((M->kind == AK_STATE || M->kind == AK_CAPITAL) && (c->L->wclass[pw] & WC_PLACE_PREP))) continue;
                if (M->s > H->tok && !(fl == 4 || fl == 3 || (fl == 2 && !memcmp(f, "of", 2)))) continue;
                kc_codeset_from_group(c, m, &subj); subj_group = m;
                break;
            }
        }
        /* "the Russian offensive", "de Amerikaanse sancties": an adjective actor right
        ** before an event noun is whose act it is */
        if (T->kind == TK_NOUN && !subj.n && H->tok > k->s) {
            int mi = kc_mention_at(c, H->tok - 1);
            if (mi >= 0 && c->m[mi].weak && !c->m[mi].in_pp && !c->m[mi].skip && c->m[mi].e == H->tok) {
                kc_codeset_from_group(c, c->m[mi].group, &subj); subj_group = c->m[mi].group;
            }
        }
        match_res r; memset(&r, 0, sizeof r);
        int matched = 0;
        for (uint32_t p = 0; p < T->npat; p++) {
            if (kc_run_pattern(c, H, &T->pat[p], &subj, subj_group, &r)) { matched = 1; break; }
        }
        if (!matched && T->code < 0) {
            /* "..., zullen de VS sancties opleggen" under a condition: the condition gives
            ** the target, so a pattern may match without one */
            int has_cond = 0;
            for (int i = 0; i < c->ncl; i++) if (c->cl[i].type == CL_COND && (i == H->clause + 1 || i == H->clause - 1)) has_cond = 1;
            if (has_cond) {
                c->relax_target = 1;
                for (uint32_t p = 0; p < T->npat; p++) if (kc_run_pattern(c, H, &T->pat[p], &subj, subj_group, &r)) { matched = 1; break; }
                c->relax_target = 0;
                if (matched && r.code >= 0 && code_root(d, r.code) < 15) matched = 0;
            }
        }
        if (!matched && k->passive && k->by >= 0 && subj_group >= 0) {
            /* a passive with its agent: the subject is the target a pattern's + stands for
            ** ("De minister wordt door de Kamer gevraagd om een helmplicht") */
            c->relax_target = 1;
            for (uint32_t p = 0; p < T->npat; p++) if (kc_run_pattern(c, H, &T->pat[p], &subj, subj_group, &r)) { matched = 1; break; }
            c->relax_target = 0;
            if (matched && (r.words_only || r.explicit_src || r.recip)) matched = 0;
        }
        if (matched && r.code < 0) DROP("discard pattern")          /* discard pattern */
        int own_code = T->code, words_only = 0;
        if (matched && r.words_only) { matched = 0; own_code = r.code; words_only = 1; }
        /* "Serbians protested": a people protesting are its civilians (CVL) */
        if (subj_group >= 0 && c->m[subj_group].kind == AK_PEOPLE && code_root(d, matched ? r.code : T->code) == 14)
            for (int i = 0; i < subj.n; i++) if (strlen(subj.code[i]) == 3 && strncmp(subj.code[i], "IGO", 3)) memcpy(subj.code[i] + 3, "CVL", 4);
        codeset src = subj, tgt;
        int code = -1;
        int tgt_group = -1;
        int implied_tg = 0;     /* the target is the one the reader has in mind (kc_implied_target) */
        tgt.n = 0; tgt.ts = tgt.te = 0;
        if (matched) {
            code = r.code;
            if (r.recip) {
                /* all ordered pairs among src (compound) or src x tgt both ways */
                const codeset *A = r.explicit_src ? &r.src : &subj;
                if (r.tgt.n) {
                    codeset both = *A;
                    for (int i = 0; i < r.tgt.n && both.n < CS_MAX; i++) kc_code_copy(both.code[both.n++], r.tgt.code[i]);
                    A = &both;
                    src = *A;
                } else src = *A;
                char vt[256]; kc_span_text(c, H->tok, H->tok + H->ntok, vt, sizeof vt);
                const char *cs = d->cameo[code].code;
                char mt[CS_MAX][128];
                for (int i = 0; i < src.n; i++) kc_code_text(c, src.code[i], mt[i], sizeof mt[i]);
                for (int i = 0; i < src.n; i++) for (int j = 0; j < src.n; j++) if (i != j)
                    kc_emit(c, sent_no, S, src.code[i], src.code[j], intent && kc_map_intent(c, cs) ? kc_map_intent(c, cs) : cs, vt, mt[i], mt[j]);
                continue;
            }
            if (r.explicit_src) {
                src = r.src; tgt = subj; tgt_group = subj_group;
                if (r.tgt.n) { tgt = r.tgt; tgt_group = r.tgt_head; }
                /* "Het plan van de minister stuit op kritiek bij de oppositie": with no actor
                ** as the subject, the owner of the subject ("van X", "X's plan") before the
                ** trigger is the target */
                if (!tgt.n) { int m = subject_owner(c, k, H, r.src.n ? r.src.code[0] : NULL, -1); if (m >= 0) { kc_codeset_from_group(c, m, &tgt); tgt_group = m; } }
            }
            else { tgt = r.tgt; tgt_group = r.tgt_head; }
            /* violence against a role word alone hits the state named as the place: "air
            ** strikes on a militant camp in Pakistan" */
            if (tgt_group >= 0 && c->m[tgt_group].bare && code_root(d, code) >= 18) {
                int pg = kc_place_state(c, k);
                if (pg >= 0) { kc_codeset_from_group(c, pg, &tgt); tgt_group = pg; }
                else if (c->loc[0] && subj.n && strncmp(c->loc, subj.code[0], 3)) { tgt.n = 1; kc_code_copy(tgt.code[0], c->loc); tgt.ts = c->loc_s; tgt.te = c->loc_e; tgt_group = -1; }
            }
            /* passive: "Zelensky was welcomed by Biden" -- the by-agent acts on the subject */
            if (k->passive && k->by >= 0 && !r.explicit_src) {
                kc_codeset_from_group(c, k->by, &src);
                if (tgt_group == k->by || tgt_group < 0) { tgt = subj; tgt_group = subj_group; }
            }
        } else {
            if (own_code < 0) { H->nopat = 1; DROP("no pattern matched") }
            code = own_code;
            /* a plain statement (010) has an addressee only as the direct object right
            ** after the verb ("told Blinken", "sprak het parlement toe"); otherwise the
            ** nearest actor is what it is about, not whom it addresses */
            int plain_statement = !strcmp(d->cameo[code].code, "010") && !(k->passive && k->by >= 0);
            if (k->passive && k->by >= 0) {
                kc_codeset_from_group(c, k->by, &src);
                tgt = subj; tgt_group = subj_group;
                /* "Het plan van de minister werd door de Kamer verworpen": no actor as the
                ** subject, its owner; "The proceedings were criticised by the archbishop":
                ** the implied one */
                if (!tgt.n) { int m = subject_owner(c, k, H, src.n ? src.code[0] : NULL, k->by); if (m >= 0) { kc_codeset_from_group(c, m, &tgt); tgt_group = m; } }
                if (!tgt.n) kc_implied_target(c, H, k, k->by, &src, code_root(d, code), &tgt, &tgt_group);
            } else {
                /* nearest other actor in the clause: after the trigger, else before */
                int g = -1;
                uint32_t oend = kc_obj_end(c, H, H->tok + H->ntok);
                /* (a state after "in"/"at" is where it happened, not whom it concerned) */
                for (int m = 0; m < c->nm; m++) {
                    const mention *M = &c->m[m];
                    if (M->s < k->s || M->s >= k->e || M->skip || M->group == subj_group || M->group != m) continue;
                    if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) continue;
                    if (victim(c, M) && code_root(d, code) >= 10 && code_root(d, code) <= 13) continue;
                    if (M->s >= H->tok + H->ntok && M->s < oend) { g = m; break; }
                }
                /* (in English a words-only pattern takes its target after the trigger only) */
                /* (English: a verb used as a verb takes no object before it -- "the population
                ** of penguins in Punta Tombo declined", "Upgrades provide a chance to our users";
                ** as a noun it may: "granted Milken a full pardon") */
                if (g < 0 && !(words_only && c->lang == 1) && !(c->lang == 1 && T->kind == TK_VERB && !en_noun_use(c, H, k))) for (int m = c->nm - 1; m >= 0; m--) {
                    const mention *M = &c->m[m];
                    if (M->s < k->s || M->s >= H->tok || M->skip || (M->weak && c->lang == 1) || M->group == subj_group) continue;   /* Dutch objects stand before a final verb */
                    if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) continue;
                    g = M->group; break;
                }
                if (g >= 0 && plain_statement && (c->m[g].in_pp || c->m[g].s < H->tok || c->m[g].s > H->tok + H->ntok + 3)) g = -1;
                /* a role word alone is a weak target for violence when a state is named as
                ** the place ("air strikes on a militant camp in Pakistan") */
                int bare_loc = 0, pobj = 0;
                if (g >= 0 && c->m[g].bare && code_root(d, code) >= 18) {
                    int pg = kc_place_state(c, k);
                    if (pg >= 0) g = pg;
                    else if (c->loc[0] && src.n && strncmp(c->loc, src.code[0], 3)) bare_loc = 1;
                }
                /* violence (18-20) with no other target hits the state where it happens
                ** ("bombardeerde doelen in Syrië", "air strikes on a camp in Pakistan"), or
                ** the state of the place named in the sentence ("positions in Idlib") */
                int at_place = g < 0 && code_root(d, code) >= 18 && subj_group >= 0 && c->m[subj_group].s >= k->s;
                if (at_place) for (int m = 0; m < c->nm; m++) {
                    const mention *M = &c->m[m];
                    if (M->s < k->s || M->s >= k->e || M->skip || M->group == subj_group || M->group != m || M->kind != AK_STATE) continue;
                    if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) { g = m; break; }
                }
                if (bare_loc) { tgt.n = 1; kc_code_copy(tgt.code[0], c->loc); tgt.ts = c->loc_s; tgt.te = c->loc_e; }
                else if (g >= 0) { kc_codeset_from_group(c, g, &tgt); tgt_group = g; }
                else if (at_place && c->loc[0] && strncmp(c->loc, c->m[subj_group].code, 3)) {
                    tgt.n = 1; kc_code_copy(tgt.code[0], c->loc); tgt.ts = c->loc_s; tgt.te = c->loc_e;
                }
                else if (src.n && (pobj = person_object(c, H, k)) && code_root(d, code) >= 17 && strncmp(src.code[0], "IGO", 3)) {
                    /* coercion or violence against a person who is no actor: one of the
                    ** state's civilians ("Police detained eight people") */
                    tgt.n = 1; tgt.ts = tgt.te = 0; snprintf(tgt.code[0], CODELEN, "%.3sCVL", src.code[0]);
                }
                /* (English: a lawsuit or a sentence, 115, 116, names whom it is against: "sued
                ** over the controversy", "was sentenced to fourteen years" aim at no one named before) */
                else if (c->lang == 1 && (!strcmp(d->cameo[code].code, "115") || !strcmp(d->cameo[code].code, "116"))) { }
                else if (src.n && !plain_statement && !pobj) { kc_implied_target(c, H, k, subj_group, &src, !strcmp(d->cameo[code].code, "015") ? 99 : code_root(d, code), &tgt, &tgt_group); implied_tg = 1; }
            }
        }
        if (code < 0) DROP("no code")
        if (ing_src >= 0 && ing_tgt >= 0) { kc_codeset_from_group(c, ing_src, &src); kc_codeset_from_group(c, ing_tgt, &tgt); tgt_group = ing_tgt; implied_tg = 0; }
        /* (English: an appeal whose object is no actor is aimed at no actor named elsewhere:
        ** people urged to do something are the state's own -- "urged residents to evacuate"
        ** is an appeal to its civilians --, anything else no one: "ask hard questions") */
        if (c->lang == 1 && T->kind == TK_VERB && code_root(d, code) == 2 && !k->passive && src.n) {
            uint32_t oe = nonactor_object(c, H, k);
            /* ("appealed the decision to the court": "to" before a noun phrase is a
            ** preposition; with no target found the trigger codes nothing anyway) */
            if (oe && oe + 1 < k->e && ((wcls(c, oe + 1) & (WC_DET | WC_POSS)) || c->tok[oe + 1].cap || kc_mention_at(c, oe + 1) >= 0)) oe = 0;
            if (oe && tgt.n && (tgt_group < 0 || c->m[tgt_group].s >= oe || implied_tg)) {
                int to = c->tok[oe].flen == 2 && !memcmp(c->tok[oe].fold, "to", 2);
                if (!to || !strncmp(src.code[0], "IGO", 3) || !strncmp(src.code[0], "NGO", 3)) DROP("object is no actor")
                tgt.n = 1; tgt.ts = tgt.te = 0; snprintf(tgt.code[0], CODELEN, "%.3sCVL", src.code[0]);
                tgt_group = -1; implied_tg = 0;
            }
        }
        /* "Rusland is volgens Nederland aansprakelijk": who holds the subject responsible
        ** is the one the clause is according to */
        if (T->kind == TK_PHRASE && code_root(d, code) == 11 && subj_group >= 0) {
            for (int m = 0; m < c->nm; m++) {
                const mention *M = &c->m[m];
                if (M->group != m || !M->skip || !M->in_pp || M->s < k->s || M->s >= k->e) continue;
                tgt = subj; tgt_group = subj_group;
                /* (the members of "volgens Nederland en Australië" are skipped mentions) */
                kc_codeset_members(c, m, &src);
                break;
            }
        }
        /* "attacked" with a named person as target is words, not force: "Le Maire viel
        ** Hoekstra aan", "Trump attacked Pelosi" (specific violence, 191-196, stays) */
        /* ... as are "aanvallen op de EU", attacks on a party, parliament, court or the media */
        if (!strcmp(d->cameo[code].code, "190") && tgt.n) {
            const char *tc = tgt.code[0]; size_t tl = strlen(tc);
            int verbal = (!strncmp(tc, "IGO", 3) && strcmp(tc, "IGOWSTNAT")) ||
                         (tl >= 6 && (!strcmp(tc + 3, "LEG") || !strcmp(tc + 3, "JUD") || !strcmp(tc + 3, "MED") || !strncmp(tc + 3, "PTY", 3)));
            /* (... but not by those who attack with force: "journalists were injured after
            ** being attacked by protesters") */
            if (verbal && src.n && strlen(src.code[0]) >= 6) {
                const char *ss = src.code[0] + 3;
                if (!strcmp(ss, "CVL") || !strcmp(ss, "REB") || !strcmp(ss, "UAF") || !strcmp(ss, "MIL") || !strcmp(ss, "COP") || !strcmp(ss, "CRM")) verbal = 0;
            }
            if (verbal) { int v = kr_cameo_index(d, "111"); if (v >= 0) code = v; }
        }
        /* an attack by civilians or criminals is an assault (18), not military force (19);
        ** against their state's police, army or government it is violent protest (145,
        ** below) */
        if (!strcmp(d->cameo[code].code, "190") && src.n && strlen(src.code[0]) >= 6 && (!strcmp(src.code[0] + 3, "CVL") || !strcmp(src.code[0] + 3, "CRM")) &&
            !(tgt.n && strlen(tgt.code[0]) == 6 && !strncmp(tgt.code[0], src.code[0], 3) && (!strcmp(tgt.code[0] + 3, "COP") || !strcmp(tgt.code[0] + 3, "MIL") || !strcmp(tgt.code[0] + 3, "GOV")))) {
            int v = kr_cameo_index(d, "180");
            if (v >= 0) code = v;
        }
        if (!strcmp(d->cameo[code].code, "190") && tgt_group >= 0 && c->m[tgt_group].named) {
            int v = kr_cameo_index(d, "111");
            if (v >= 0) code = v;
        }
        /* "The articles of impeachment charged Trump with abuse of power": a legislature,
        ** party or opposition charges by words, it does not arrest (173 -> 112) (English) */
        if (c->lang == 1 && !strcmp(d->cameo[code].code, "173") && src.n && strlen(src.code[0]) >= 6 &&
            (!strcmp(src.code[0] + 3, "LEG") || !strcmp(src.code[0] + 3, "OPP") || !strncmp(src.code[0] + 3, "PTY", 3))) {
            int v = kr_cameo_index(d, "112");
            if (v >= 0) code = v;
        }
        const char *cs = d->cameo[code].code;
        /* "The protesters clashed with the police": civilians or the opposition fighting
        ** their own state's police or army protest violently (145) */
        if (code_root(d, code) == 19 && src.n && tgt.n && !strncmp(src.code[0], tgt.code[0], 3) && strlen(src.code[0]) == 6 && strlen(tgt.code[0]) == 6 &&
            (!strcmp(src.code[0] + 3, "CVL") || !strcmp(src.code[0] + 3, "OPP")) &&
            (!strcmp(tgt.code[0] + 3, "COP") || !strcmp(tgt.code[0] + 3, "MIL") || !strcmp(tgt.code[0] + 3, "GOV"))) {
            int v = kr_cameo_index(d, "145");
            if (v >= 0) { code = v; cs = d->cameo[code].code; }
        }
        /* 'Watson called May's deal "lousy"': calling something names is no phone call */
        if (!strncmp(cs, "041", 3) && (wcls(c, H->tok) & WC_LABEL)) {
            int q = 0;
            for (uint32_t t = H->tok; t < k->e; t++) if (c->tok[t].flags & TF_QUOTE) q = 1;
            if (q) DROP("a label, no phone call")
        }
        /* a material action under a condition ("... als Rusland aanvalt") threatens the
        ** condition's subject */
        int root = code_root(d, code);
        int cond_cl = -1;
        if (root >= 15) {
            for (int i = 0; i < c->ncl; i++) if (c->cl[i].type == CL_COND && (i == H->clause + 1 || i == H->clause - 1 || c->cl[i].parent == H->clause)) { cond_cl = i; break; }
        }
        codeset cc; cc.n = 0; cc.ts = cc.te = 0;
        if (cond_cl >= 0) kc_subject_codes(c, &c->cl[cond_cl], &cc);
        if (cc.n && kc_map_intent(c, cs) && src.n && !kc_same_actor(cc.code[0], src.code[0])) {
            tgt = cc; cs = kc_map_intent(c, cs); tgt_group = c->cl[cond_cl].subj;
        } else if (!src.n || !tgt.n) DROP(!src.n ? (tgt.n ? "no source" : "no source, no target") : "no target")
        /* "The protesters clashed with the police and threw rocks": an act of the same kind
        ** the sentence coded already with its target goes on with that act (English) */
        if (c->lang == 1 && implied_tg) {
            int again = 0;
            for (int i = 0; i < c->nseen; i++) if (c->seen[i].root == root && !strcmp(c->seen[i].s, src.code[0])) again = 1;
            if (again) DROP("the same act, coded with its target")
        }
        else if (intent) {
            const char *m = kc_map_intent(c, cs);
            if (m) cs = m;
            /* "De vakbonden willen weer gaan staken": a protest planned is none held (CAMEO
            ** has no intent to protest) */
            else if (cs[0] == '1' && cs[1] == '4') DROP("a protest planned, not held")
        }
        if (subj_group >= 0 && c->m[subj_group].crowd && cs[0] == '0' && cs[1] == '4') DROP("a crowd's visit")   /* tourists are no visit */
        /* an interview ("in gesprek met het Duitse weekblad") is no consultation */
        if (cs[0] == '0' && cs[1] == '4' && tgt.n == 1 && strlen(tgt.code[0]) >= 6 && !strcmp(tgt.code[0] + strlen(tgt.code[0]) - 3, "MED")) DROP("an interview")
        /* ... nor is telling reporters or one's own media a statement to them (01) */
        if (cs[0] == '0' && cs[1] == '1' && tgt.n == 1 && strlen(tgt.code[0]) >= 6 && !strcmp(tgt.code[0] + strlen(tgt.code[0]) - 3, "MED")) DROP("telling the media")
        char vt[256], st[256], tt[256];
        kc_span_text(c, H->tok, H->tok + H->ntok, vt, sizeof vt);
        /* the evidence is the article's own words, also for an actor named sentences back:
        ** those of the subject the source codes came from (subj_group, which the English
        ** rule "the actor closest before the verb" may have moved off the clause subject) */
        if (subj_group >= 0 && !r.explicit_src && !(k->passive && k->by >= 0)) kc_group_text(c, subj_group, st, sizeof st);
        else if (src.te > src.ts) kc_span_text(c, src.ts, src.te, st, sizeof st); else st[0] = 0;
        if (tgt_group >= 0) kc_group_text(c, tgt_group, tt, sizeof tt);
        else if (tgt.te > tgt.ts) kc_span_text(c, tgt.ts, tgt.te, tt, sizeof tt); else tt[0] = 0;
        /* "voor het begin van de gesprekken met X", "na een werkdiner met X": a meeting in
        ** a prepositional phrase is the background of a one-way act */
        c->both_ways = !(H->tok > k->s && kc_in_pp_noun(c, H, k));
        int sg = r.explicit_src ? -1 : (k->passive && k->by >= 0) ? k->by : subj_group;
        for (int i = 0; i < src.n; i++) for (int j = 0; j < tgt.n; j++) {
            c->distinct = kc_distinct(c, r.explicit_src ? -1 : subj_group, tgt_group) ||
                          (!r.explicit_src && subj_group < 0 && kc_distinct_span(c, src.ts, src.te, src.code[i], tgt_group));
            kc_emit(c, sent_no, S, src.code[i], tgt.code[j], cs, vt, st, tt);
            /* several persons with one code: an event each */
            int times = kc_group_times(c, sg, src.code[i]) * kc_group_times(c, tgt_group, tgt.code[j]);
            for (int n = 1; n < times && !c->stop; n++) { c->repeat = 1; kc_emit(c, sent_no, S, src.code[i], tgt.code[j], cs, vt, st, tt); c->repeat = 0; }
            c->distinct = 0;
        }
        c->both_ways = 0;
    }
    if (!c->stop && !c->d->foreign) kc_judgement(c, sent_no, S);
    if (!c->stop && !c->d->foreign) kc_joint(c, sent_no, S);
    if (!c->stop && !c->d->foreign) kc_unattributed(c, sent_no, S);
}

static void reset_article(kr_coder *c) {
    kr_arena_reset(&c->ar);
    c->ntok = c->nsent = 0;
    c->nalias = 0;
    kr_map_free(&c->alias); kr_arena_reset(&c->alias_ar); kr_map_init(&c->alias, &c->alias_ar);
    c->last_subj.n = c->prev_subj.n = 0; c->last_subj_plural = c->prev_subj_plural = 0;
    memset(c->last_src, 0, sizeof c->last_src);
    c->nrecent = 0; c->nrecent_m = 0; c->nam = 0; c->cur_sent = 0; c->last_subj_sent = -10; c->last_spk.n = 0; c->last_spk_sent = -10; c->quotes_since_subj = 0; c->nprev_codes = c->ncur_codes = 0; c->stop = 0; c->err[0] = 0;
    c->fstory_discard = 0; c->fprev.n = 0;
}

static kr_status prepare(kr_coder *c, const kr_article *a) {
    reset_article(c);
    if (!c->d->finished) { snprintf(c->err, sizeof c->err, "dictionaries not finished"); return KR_ERR_ARG; }
    const char *text = a->text ? a->text : "";
    size_t n = strlen(text);
    if (n > KR_MAX_ARTICLE) { snprintf(c->err, sizeof c->err, "article text of %zu bytes exceeds the limit of %u", n, KR_MAX_ARTICLE); return KR_ERR_LIMIT; }
    c->date = kr_parse_date(a->date);
    if (!c->date) { snprintf(c->err, sizeof c->err, "bad or missing date '%s' (want YYYY-MM-DD or YYYY-MM, 1900-2100)", a->date ? a->date : ""); return KR_ERR_PARSE; }
    kr_text_normalize(text, n, &c->text, &c->bad);
    int li = kr_lang_index(a->lang);
    if (a->lang && a->lang[0] && li < 0) { snprintf(c->err, sizeof c->err, "unsupported language '%s' (nl, en)", a->lang); return KR_ERR_ARG; }
    if (li < 0) li = kr_detect_lang(c->text.p, c->text.len);
    if (li < 0) {
        /* short texts: count words each language's dictionaries know */
        int hits[NLANG] = {0}, words = 0;
        const char *p = c->text.p, *e = c->text.p + (c->text.len < 4000 ? c->text.len : 4000);
        while (p < e) {
            while (p < e && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) p++;
            const char *q = p;
            while (q < e && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (unsigned char)*q >= 0x80)) q++;
            if (q - p >= 2 && q - p < 40) {
                char f[64]; size_t fl = kr_fold(p, (size_t)(q - p), f, sizeof f);
                words++;
                for (int l = 0; l < NLANG; l++) if (c->d->lang[l].loaded && kr_wid(&c->d->lang[l], f, fl)) hits[l]++;
            }
            p = q;
        }
        /* a clear majority of known words, so that German or French is not taken for Dutch */
        for (int l = 0; l < NLANG; l++) if (hits[l] >= 2 && hits[l] * 10 >= words * 5 && hits[l] >= 2 * hits[1 - l]) li = l;
    }
    if (li < 0) {
        if (c->text.len < 3) li = 0;
        else { snprintf(c->err, sizeof c->err, "language not recognized (neither Dutch nor English); set \"lang\""); c->langname = ""; return KR_ERR_ARG; }
    }
    c->lang = li; c->L = &c->d->lang[li]; c->langname = li == 0 ? "nl" : "en";

    kr_tokenize(c->text.p, c->text.len, c->L, &c->ar, &c->tok, &c->ntok, &c->tokcap);
    kr_split(c->text.p, c->tok, c->ntok, c->L, &c->sent, &c->nsent, &c->sentcap);
    return KR_OK;
}

int kr_split_article(kr_coder *c, const kr_article *a) {
    if (prepare(c, a) != KR_OK) return -1;
    return (int)c->nsent;
}

kr_status kr_code_article(kr_coder *c, const kr_article *a, kr_event_fn fn, void *ctx) {
    kr_status st = prepare(c, a);
    if (st != KR_OK) return st;
    if (c->d->foreign && (st = kc_f_article_start(c, a)) != KR_OK) return st;   /* foreign: TABARI options */
    c->fn = fn; c->ctx = ctx; c->art = a;
    if (!c->d->foreign) kc_find_home(c);
    c->prev_loc[0] = 0; c->prev_loc_sent = 0;
    for (uint32_t i = 0; i < c->nsent && !c->stop; i++) {
        c->cur_sent = (int)i + 1;
        int last = c->last_subj_sent;
        code_sentence(c, (int)i + 1, &c->sent[i]);
        if (c->loc[0]) { kc_code_copy(c->prev_loc, c->loc); c->prev_loc_sent = (int)i + 1; }
        /* a sentence that is a quotation from start to end ('"..."') and named no new
        ** subject leaves the pronoun context as it was */
        const kr_sent *S = &c->sent[i];
        const char *t = c->text.p + S->off;
        uint32_t n = S->len;
        while (n && (t[n-1] == ' ' || t[n-1] == '\n')) n--;
        if (n >= 2 && t[0] == '"' && (t[n-1] == '"' || (n >= 3 && t[n-2] == '"')) && c->last_subj_sent == last) c->quotes_since_subj++;
        memcpy(c->prev_codes, c->cur_codes, sizeof c->prev_codes); c->nprev_codes = c->ncur_codes;
    }
    return KR_OK;
}
