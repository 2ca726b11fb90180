/*
** event.c -- stage 4 of the coder: events.
**
** Who is the same actor (same_entity: equal codes, or a state and its state organs;
** a state and its opposition, parliament, courts, parties or citizens are different,
** so domestic events are coded), intent mapping (072 -> 0332 ...), the evidence text,
** and emit: the same (source, target, root) once per sentence, never an actor towards
** itself, meetings both ways (042 <-> 043), then deliver to the caller's callback.
*/
#include "coder.h"

/* one entity for domestic coding: equal codes, or a state and one of its state organs
** ("Rusland" and "de Russische regering", "het Russische leger"); a state and its
** opposition, parliament, courts, parties, citizens ... are different actors, so
** USAOPP -> USAGOV and NLDPTYPVV -> NLDGOV are events (GUIDE.md: domestic events) */
static int state_organ(const char *sfx) {
    return !*sfx || !strcmp(sfx, "GOV") || !strcmp(sfx, "MIL") || !strcmp(sfx, "SPY") || !strcmp(sfx, "COP");
}

int kc_same_entity(const char *a, const char *b) {
    if (!strcmp(a, b)) return 1;
    size_t la = strlen(a), lb = strlen(b);
    if (la < 3 || lb < 3 || memcmp(a, b, 3) || !strncmp(a, "IGO", 3)) return 0;
    /* a state and its courts or prosecutors ("Iran" and "an Iranian prosecutor") */
    if ((!a[3] && !strcmp(b + 3, "JUD")) || (!b[3] && !strcmp(a + 3, "JUD"))) return 1;
    return state_organ(a + 3) && state_organ(b + 3);
}

int kc_same_actor(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (!strcmp(a, b)) return 1;
    /* RUSGOV vs RUS: same state */
    if (la >= 3 && lb >= 3 && !memcmp(a, b, 3) && (la == 3 || lb == 3) && strncmp(a, "IGO", 3)) return 1;
    if (la >= 3 && lb >= 3 && !memcmp(a, b, 3) && strncmp(a, "IGO", 3)) return 1;
    return 0;
}

const char *kc_map_intent(const kr_coder *c, const char *code) {
    const kr_lang *L = c->L;
    size_t best = 0; const char *to = NULL;
    for (uint32_t i = 0; i < L->nintent; i++) {
        size_t l = strlen(L->intent[i].from);
        if (l > best && !strncmp(code, L->intent[i].from, l)) { best = l; to = L->intent[i].to; }
    }
    return to;
}

void kc_span_text(const kr_coder *c, uint32_t s, uint32_t e, char *out, size_t cap) {
    if (e <= s) { out[0] = 0; return; }
    uint32_t off = c->tok[s].off, end = c->tok[e-1].off + c->tok[e-1].len;
    size_t l = end - off; if (l >= cap) l = cap - 1;
    memcpy(out, c->text.p + off, l); out[l] = 0;
}

void kc_group_text(const kr_coder *c, int g, char *out, size_t cap) {
    if (g < 0) { out[0] = 0; return; }
    uint32_t s = c->m[g].s, e = c->m[g].e;
    for (int k = g; k < c->nm; k++) if (c->m[k].group == g && c->m[k].e > e) e = c->m[k].e;
    kc_span_text(c, s, e, out, cap);
}

/* the words of this sentence's first mention with the code (members of "Rusland en de VS") */
void kc_code_text(const kr_coder *c, const char *code, char *out, size_t cap) {
    out[0] = 0;
    for (int k = 0; k < c->nm; k++) if (!strcmp(c->m[k].code, code)) { kc_span_text(c, c->m[k].s, c->m[k].e, out, cap); return; }
    /* an actor of the sentences before ("beide landen", "they"): the words that named it */
    for (int i = 0; i < c->nrecent_m; i++) if (!strcmp(c->recent_m[i], code)) { kc_span_text(c, c->recent_m_tok[i][0], c->recent_m_tok[i][1], out, cap); return; }
}

/* The state where an event took place when its sentence names no place (its words are
** then "": geolocation gives that state, or a place of it the sentence names):
**  1. the place named in one of the two sentences before it ("In Genève ... . The talks
**     ... ."): a report stays where it is for a while;
**  2. the state both actors belong to (NLDGOV criticises NLDOPP): domestic politics
**     happens at home;
**  3. the state of a source that acts only at home, its courts, police and parliament:
**     THAJUD jails a Dutchman in Thailand, IRQLEG votes in Iraq to expel US troops (not
**     its government or army, which act abroad too).
**  4. a material act (quad class 2 or 4: aid, arrests, attacks) happens in the state of
**     its target, whoever does it (an air strike on Syria, aid delivered to Yemen).
** Otherwise "" (no place): a foreign minister's criticism of another state has no place
** we can tell. */
const char *kc_fallback_place(kr_coder *c, int sent_no, const char *src, const char *tgt, int quad) {
    static const char *const at_home[] = {"JUD", "COP", "LEG"};
    kr_geo g;
    if (c->prev_loc[0] && c->prev_loc_sent && sent_no - c->prev_loc_sent <= 2) return c->prev_loc;
    const char *st = NULL;
    if (strlen(src) >= 3 && strlen(tgt) >= 3 && !strncmp(src, tgt, 3)) st = src;
    for (size_t i = 0; !st && strlen(src) >= 6 && i < sizeof at_home / sizeof *at_home; i++)
        if (!strncmp(src + 3, at_home[i], 3)) st = src;
    if (!st && (quad == 2 || quad == 4) && strlen(tgt) >= 3 && strncmp(tgt, "IGO", 3)) st = tgt;
    if (st) {
        memcpy(c->fb_loc, st, 3); c->fb_loc[3] = 0;
        if (kr_geolocate(c->fb_loc, NULL, NULL, &g)) return c->fb_loc;
    }
    return "";
}

/* fill in an event and hand it to the caller's callback (own and foreign triggers) */
void kc_deliver(kr_coder *c, int sent_no, const kr_sent *S, const char *src, const char *tgt, const char *code,
                    const char *vtext, const char *stext, const char *ttext) {
    kr_event ev;
    memset(&ev, 0, sizeof ev);
    ev.doc = c->art->id ? c->art->id : ""; ev.date = c->art->date ? c->art->date : "";
    ev.sentence = sent_no; ev.source = src; ev.target = tgt; ev.code = code;
    ev.root[0] = code[0]; ev.root[1] = code[1]; ev.root[2] = 0;
    kr_cameo_lookup(c->d, code, &ev.goldstein, &ev.quad);
    ev.location = c->loc;
    ev.location_text = c->loc[0] && c->loc_e > c->loc_s ? kr_strndup(&c->ar, c->text.p + c->tok[c->loc_s].off,
                           c->tok[c->loc_e - 1].off + c->tok[c->loc_e - 1].len - c->tok[c->loc_s].off) : "";
    if (!c->loc[0]) ev.location = kc_fallback_place(c, sent_no, src, tgt, ev.quad);
    ev.source_text = stext; ev.target_text = ttext; ev.verb_text = vtext;
    ev.text = kr_strndup(&c->ar, c->text.p + S->off, S->len); ev.sent_off = (int)S->off; ev.sent_len = (int)S->len;
    if (c->fn && c->fn(c->ctx, &ev)) c->stop = 1;
}

void kc_emit(kr_coder *c, int sent_no, const kr_sent *S, const char *src, const char *tgt, const char *code,
                 const char *vtext, const char *stext, const char *ttext) {
    if (c->stop || c->question || !src[0] || !tgt[0] || (kc_same_entity(src, tgt) && !c->distinct)) return;
    /* (two "distinct" persons named by the same words are one: a surname seen twice) */
    if (kc_same_entity(src, tgt) && stext && ttext && stext[0] && !strcmp(stext, ttext)) return;
    int root = (code[0] - '0') * 10 + (code[1] - '0');
    for (int i = 0; i < c->nseen && !c->repeat; i++)
        if (c->seen[i].root == root && !strcmp(c->seen[i].s, src) && !strcmp(c->seen[i].t, tgt)) return;
    if (c->nseen < 128) {
        kc_code_copy(c->seen[c->nseen].s, src); kc_code_copy(c->seen[c->nseen].t, tgt);
        c->seen[c->nseen++].root = root;
    }
    if (root >= 1 && root <= 20) kc_code_copy(c->last_src[root], src);
    kc_deliver(c, sent_no, S, src, tgt, code, vtext, stext, ttext);
    /* a meeting, a call, a visit or talks go both ways (GUIDE.md): the visited hosts the
    ** visit (042 <-> 043); mediation (045) does not */
    if (root == 4 && strcmp(code, "045") && c->both_ways) {
        const char *back = !strcmp(code, "042") ? "043" : !strcmp(code, "043") ? "042" : code;
        int rep = c->repeat;
        c->both_ways = 0;           /* (once: the way back has no way back) */
        if (!strcmp(src, tgt)) c->repeat = 1;     /* (two persons of one code: the way back is no repeat) */
        kc_emit(c, sent_no, S, tgt, src, back, vtext, ttext, stext);
        c->both_ways = 1; c->repeat = rep;
    }
}

/* a state named as a place in the clause ("in Pakistan"), or -1 */
int kc_place_state(const kr_coder *c, const clause *k) {
    for (int m = 0; m < c->nm; m++) {
        const mention *M = &c->m[m];
        if (M->s < k->s || M->s >= k->e || M->skip || M->group != m || M->kind != AK_STATE) continue;
        if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) return m;
    }
    return -1;
}

/* an event noun inside a prepositional phrase: a preposition before it with only
** articles, possessives, ordinary adjectives and "het begin van" between */
int kc_in_pp_noun(const kr_coder *c, const trig_hit *H, const clause *k) {
    const kr_trigger *T = &c->L->trig[H->trig];
    if (T->kind != TK_NOUN) return 0;
    for (uint32_t t = H->tok, n = 0; t > k->s && n < 6; t--, n++) {
        uint64_t w = wcls(c, t - 1);
        /* "op bezoek in", "on a visit to": the visit is what the clause says, not a background */
        if ((w & (WC_PREP | WC_OF)) && ((c->tok[t-1].flen == 2 && (!memcmp(c->tok[t-1].fold, "op", 2) || !memcmp(c->tok[t-1].fold, "on", 2))))) return 0;
        if (w & (WC_PREP | WC_OF)) return 1;
        if (w & (WC_DET | WC_POSS)) continue;
        if (is_punct(c, t - 1) || c->tok[t-1].cap || kc_mention_at(c, t - 1) >= 0) return 0;
    }
    return 0;
}

/* two tokens of the same word (folded) */
static int same_word(const kr_tok *x, const kr_tok *y) {
    return x->flen == y->flen && !memcmp(x->fold, y->fold, x->flen);
}

/* ... and a pronoun's antecedent (words ts..te, "she" = "Elizabeth Warren") and the
** named person of group tg */
int kc_distinct_span(const kr_coder *c, uint32_t ts, uint32_t te, const char *code, int tg) {
    if (te <= ts || tg < 0 || tg >= c->nm || !c->m[tg].named || !c->tok[te - 1].cap) return 0;
    if (c->m[tg].unknown && strlen(code) <= 3) return 0;      /* (two guesses, as above) */
    if (ts >= c->m[tg].s && te <= c->m[tg].e) return 0;
    return !same_word(&c->tok[te - 1], &c->tok[c->m[tg].e - 1]);
}

/* How many different named persons of group g have the code: "Bernie Sanders and
** Barack Obama announced their support" is two events USAPTYDEM -> USAPTYDEM (1 for a
** group without such persons, or g < 0). */
int kc_group_times(const kr_coder *c, int g, const char *code) {
    if (g < 0 || g >= c->nm) return 1;
    int n = 0; uint32_t last[CS_MAX];
    for (int k = g; k < c->nm && n < CS_MAX; k++) {
        const mention *M = &c->m[k];
        if (M->group != g || M->skip || !M->named || M->unknown || strcmp(M->code, code)) continue;   /* (persons the dictionaries know) */
        int seen = 0;
        for (int i = 0; i < n; i++) if (same_word(&c->tok[M->e - 1], &c->tok[last[i]])) seen = 1;
        if (!seen) last[n++] = M->e - 1;
    }
    return n ? n : 1;
}

/* Two named persons are two actors even when their codes are the same ("Warren endorsed
** Biden": USAPTYDEM and USAPTYDEM): mention groups sg and tg both name a person, by
** different last words. */
int kc_distinct(const kr_coder *c, int sg, int tg) {
    if (sg < 0 || tg < 0 || sg == tg || sg >= c->nm || tg >= c->nm) return 0;
    const mention *A = &c->m[sg], *B = &c->m[tg];
    if (!A->named || !B->named) return 0;
    /* (two names the dictionaries do not know are guesses of the article's country, not
    ** two actors of its politics: "West met Kim Kardashian") */
    if (A->unknown && B->unknown) return 0;
    return !same_word(&c->tok[A->e - 1], &c->tok[B->e - 1]);
}
