/*
** mention.c -- stage 1 of the coder: actors.
**
** Dictionary phrases are matched longest first (match_piece) and assembled into noun
** phrases with one code each (find_mentions): adjective + role -> RUSGOV, a person by
** the office held at the article date, role + unknown name -> an alias for the rest of
** the article, "X's minister", "minister van X", "de regering van (president) X",
** hyphen compounds (NAVO-landen), "het buurland", "zijn land", "die eisen" -> who made
** them, a role word alone ("de oppositie", "the police") for the state of the sentence
** or the article's own country (find_home); an adjective before an ordinary noun is a
** weak mention (a target only).  Also TABARI's actor/agent joining for foreign
** dictionaries.
*/
#include "coder.h"

#define FGAP_MAX 2        /* words that may stand between two words joined by a blank */

/* combine a base code with an agent code ("~GOV") */
static void with_sector(char *out, const char *base, const char *agent) {
    size_t bl = strlen(base);
    if (bl >= CODELEN) bl = CODELEN - 1;
    memcpy(out, base, bl); out[bl] = 0;
    if (!agent || agent[0] != '~' || !agent[1]) return;
    if (bl != 3) return;                 /* IGO codes and codes with a sector keep theirs */
    size_t al = strlen(agent + 1);
    if (bl + al < CODELEN) memcpy(out + bl, agent + 1, al + 1);
}

/* YYYYMMDD -> a day count that is monotonic and close enough for "within a month" */
static int pseudo_days(int d) { return d / 10000 * 372 + d / 100 % 100 * 31 + d % 100; }

static uint32_t person_code(const kr_coder *c, uint32_t p) {
    const kr_person *P = &c->d->persons[p];
    uint32_t undated = 0, recent = 0; int recent_to = 0;
    for (uint32_t i = 0; i < P->off_n; i++) {
        const kr_office *o = &c->d->offices[P->off_start + i];
        if (!o->from && !o->to) { undated = o->code; continue; }
        if ((!o->from || c->date >= o->from) && (!o->to || c->date <= o->to)) return o->code;
        /* an office that ended in the month before the article: news of the end itself
        ** ("the killing of Soleimani", a resignation) still names the office holder */
        if (o->to && c->date > o->to && pseudo_days(c->date) - pseudo_days(o->to) <= 31 && o->to > recent_to) { recent = o->code; recent_to = o->to; }
    }
    return recent ? recent : undated;
}

/* longest dictionary phrase at token t (not past end); kind filter 0 = any */
int kc_match_piece(const kr_coder *c, uint32_t t, uint32_t end, piece *out) {
    const kr_lang *L = c->L;
    out->foreign = 0; out->genitive = 0;         /* also for the alias answer below (found by Valgrind) */
    uint32_t node = 0, best_len = 0;
    const kr_actor_entry *best = NULL;
    uint32_t best_code = 0;
    for (uint32_t k = t; k < end && k - t < 12; k++) {
        if (is_punct(c, k) && first_char(c, k) != '.') break;
        node = kr_trie_child(L, node, c->tok[k].wid);
        if (!node) break;
        for (uint32_t e = L->node_entry[node]; e; e = L->ent[e-1].next) {
            const kr_actor_entry *a = &L->ent[e-1];
            int ok = 1;
            for (uint32_t w = 0; w < a->nwords && ok; w++) {
                uint8_t need = a->caps[w], have = c->tok[t + w].cap;
                if (need == 2 && have != 2) ok = 0;
                else if (need == 1 && have == 0) ok = 0;
            }
            if (!ok) continue;
            uint32_t code = a->code;
            if (a->kind == AK_PERSON) { code = person_code(c, a->person); if (!code) continue; }
            else if ((a->from && c->date < a->from) || (a->to && c->date > a->to)) continue;
            if (k - t + 1 > best_len || (k - t + 1 == best_len && best && best->kind == AK_PLACE)) {
                best_len = k - t + 1; best = a; best_code = code;
            }
        }
    }
    if (best) {
        out->len = best_len; out->kind = best->kind; out->code = best_code; out->person = best->person; out->foreign = best->foreign;
        return 1;
    }
    /* article aliases (surnames seen with a role or full name) */
    if (c->tok[t].cap && c->nalias && !is_punct(c, t)) {
        uint32_t a = kr_map_get(&c->alias, c->tok[t].fold, c->tok[t].flen);
        /* Dutch genitive: "Mays deal", "Poetins plan" */
        /* (of a person with an office or party: a bare state code is a name the
        ** dictionaries do not know, and "de Mulders" is a family) */
        if (!a && c->lang == 0 && c->tok[t].flen >= 4 && c->tok[t].fold[c->tok[t].flen - 1] == 's') {
            a = kr_map_get(&c->alias, c->tok[t].fold, c->tok[t].flen - 1);
            if (a && strlen(c->aliases[a - 1]) <= 3) a = 0;
            if (a) { out->len = 1; out->kind = AK_PERSON; out->code = 0; out->person = a; out->genitive = 1; return 2; }
        }
        if (a) { out->len = 1; out->kind = AK_PERSON; out->code = 0; out->person = a; return 2; }
    }
    return 0;
}

void kc_add_alias(kr_coder *c, uint32_t t, const char *code) {
    if (!c->tok[t].cap || !c->tok[t].flen || c->tok[t].flen < 3) return;
    if (c->tok[t].wid && (c->L->wclass[c->tok[t].wid])) return;   /* function words */
    if (c->nalias == c->aliascap) { c->aliascap = c->aliascap ? c->aliascap * 2 : 16; c->aliases = kr_xrealloc(c->aliases, c->aliascap * sizeof *c->aliases); }
    kc_code_copy(c->aliases[c->nalias], code);
    c->nalias++;
    kr_map_put(&c->alias, c->tok[t].fold, c->tok[t].flen, c->nalias);
}

static void note_state(kr_coder *c, const char *code) {
    if (strlen(code) < 3 || !strncmp(code, "IGO", 3)) return;
    char s[4]; memcpy(s, code, 3); s[3] = 0;
    if (c->nrecent && !strcmp(c->recent_state[0], s)) return;
    memmove(c->recent_state[1], c->recent_state[0], sizeof c->recent_state[0] * 7);
    kc_code_copy(c->recent_state[0], s);
    if (c->nrecent < 8) c->nrecent++;
}

/* mat: the tokens of mention k point to it, unless an earlier one covers them */
static void mark_mention(kr_coder *c, int k) {
    for (uint32_t t = c->m[k].s; t < c->m[k].e; t++) if (t >= c->msa && t - c->msa < KR_MAX_TOKENS && !c->mat[t - c->msa]) c->mat[t - c->msa] = (int16_t)(k + 1);
}

int kc_add_mention(kr_coder *c, uint32_t s, uint32_t e, const char *code, int kind) {
    if (c->nm >= MAXM || !code[0]) return -1;
    mention *m = &c->m[c->nm];
    memset(m, 0, sizeof *m);
    m->s = s; m->e = e; m->kind = (uint8_t)kind; m->group = c->nm;
    kc_code_copy(m->code, code);
    mark_mention(c, c->nm);
    for (uint32_t t = s; t < e; t++) if (wcls(c, t) & WC_PLURAL) m->plural = 1;
    return c->nm++;
}

/* tokens that may stand between an adjective and its role word: lower-case words
** that are not function words ("diplomatieke", "voormalige") */
int kc_is_filler(const kr_coder *c, uint32_t t) {
    if (is_punct(c, t) || c->tok[t].cap) return 0;
    uint64_t w = wcls(c, t);
    return !(w & (WC_PREP | WC_AND | WC_COORD | WC_SUB_DAT | WC_SUB_COND | WC_SUB_QUEST | WC_SUB_OM |
                  WC_SUB_OTHER | WC_REL | WC_NEG | WC_PRON | WC_MODAL | WC_FUTURE | WC_PASS_AUX | WC_OF | WC_DET));
}

/* capitalized name tokens after a role: up to 4, stop at function words */
static uint32_t take_names(kr_coder *c, uint32_t t, uint32_t end, const char *code, char *override) {
    uint32_t k = t, last = 0;
    override[0] = 0;
    /* "van Buitenlandse Zaken", "of State": department names */
    if (k + 1 < end && (wcls(c, k) & WC_OF) && c->tok[k+1].cap && !is_punct(c, k + 1)) {
        uint32_t j = k + 1;
        while (j < end && c->tok[j].cap && !is_punct(c, j) && j - k < 5) j++;
        piece p;
        if (j > k + 1 && !(j < end && kc_match_piece(c, k + 1, end, &p) == 1 && p.kind != AK_PERSON)) k = j;
    }
    uint32_t names = k;
    while (k < end && k - t < 7 && c->tok[k].cap && !is_punct(c, k) && !(c->tok[k].flags & TF_NUM)) {
        piece p;
        int r = kc_match_piece(c, k, end, &p);
        if (r == 1 && p.kind == AK_PERSON) {
            kc_code_copy(override, kr_str(c->d, p.code));
            k += p.len; last = k; break;
        }
        if (r == 1 && p.kind != AK_PERSON) break;
        if (wcls(c, k) & (WC_PREP | WC_DET | WC_PRON | WC_AND | WC_SUB_DAT | WC_COORD)) break;
        last = ++k;
    }
    if (last > t) {
        if (last > names) c->took_name = 1;      /* a person's name, not only a department */
        kc_add_alias(c, last - 1, override[0] ? override : code);
        return last;
    }
    return t;
}

/* the longest foreign phrase with blank connectors at token i that ends after the
** regular match (*r, p): the words in order, up to FGAP_MAX other words (a hyphenated
** word counts once) where the phrase has a blank, no punctuation or actor in between */
static void f_gapped(const kr_coder *c, uint32_t i, uint32_t b, piece *p, int *r) {
    const kr_lang *L = c->L;
    uint32_t w = c->tok[i].wid;
    if (!w || w >= L->gph_headcap || !L->gph_head[w] || is_punct(c, i)) return;
    uint32_t best = *r == 1 ? i + p->len : i + 1;
    for (uint32_t k = L->gph_head[w]; k; k = L->gph[k-1].next) {
        const struct kr_gphrase *g = &L->gph[k-1];
        if ((g->from && c->date < g->from) || (g->to && c->date > g->to)) continue;
        uint32_t t = i + 1; int ok = 1;
        for (uint16_t j = 1; j < g->nw && ok; j++) {
            if (!g->gap[j]) { if (t < b && c->tok[t].wid == g->w[j]) t++; else ok = 0; continue; }
            int words = 0; ok = 0;
            for (uint32_t u = t; u < b && !is_punct(c, u); u++) {
                if (c->tok[u].wid == g->w[j]) { ok = 1; t = u + 1; break; }
                piece q;
                if (kc_match_piece(c, u, b, &q)) break;
                int cont = u > t && (c->tok[u].flags & TF_HYPH_PART) && (c->tok[u-1].flags & TF_HYPH_PART) &&
                           c->tok[u-1].off + c->tok[u-1].len + 1 == c->tok[u].off;
                if (!cont && ++words > FGAP_MAX) break;
            }
        }
        if (ok && t > best) {
            best = t;
            p->len = t - i; p->kind = g->kind; p->code = g->code; p->person = 0; p->foreign = 1;
            *r = 1;
        }
    }
}

/* a foreign compound code [FRO/BIL/SAM]: one mention per code over the same words, in
** one group */
static void f_split_compound(kr_coder *c, int mi) {
    char all[CODELEN];
    snprintf(all, sizeof all, "%s", c->m[mi].code);
    uint32_t s = c->m[mi].s, e = c->m[mi].e; int kind = c->m[mi].kind;
    char *sv = NULL, *part = strtok_r(all, "/", &sv);
    if (!part) return;
    kc_code_copy(c->m[mi].code, part);
    while ((part = strtok_r(NULL, "/", &sv))) {
        int k = kc_add_mention(c, s, e, part, kind);
        if (k >= 0) c->m[k].group = mi;
    }
}

/* "former" before an agent makes it ~ELI (TABARI's FORMER conversion) */
static int f_is_former(const kr_coder *c, uint32_t t) {
    return !is_punct(c, t) && c->tok[t].flen == 6 && !memcmp(c->tok[t].fold, "former", 6);
}

/* actor code + agent code, TABARI style: a suffix agent ~XXX appends the three-letter
** groups the code does not have yet (USAGOV + ~GOV = USAGOV, USAGOV + ~ELI = USAGOVELI,
** HGWGOVMED + ~GOVMED = HGWGOVMED); a prefix agent XXX~ goes in front unless the code
** starts with it (NGM~ + GON = NGMGON, NGM~ + NGM = NGM); former: the agent is ~ELI */
static void f_with_agent(char *out, const char *base, const char *agent, int former) {
    if (strchr(base, '/')) {                 /* a compound code: each of its actors */
        char all[CODELEN], res[CODELEN] = "", one[CODELEN], *sv = NULL;
        snprintf(all, sizeof all, "%s", base);
        for (char *part = strtok_r(all, "/", &sv); part; part = strtok_r(NULL, "/", &sv)) {
            f_with_agent(one, part, agent, former);
            size_t l = strlen(res), ol = strlen(one);
            if (l + (l != 0) + ol >= sizeof res) break;          /* no room for this actor */
            if (l) res[l++] = '/';
            memcpy(res + l, one, ol + 1);
        }
        kc_code_copy(out, res);
        return;
    }
    char res[CODELEN]; snprintf(res, sizeof res, "%s", base);
    size_t al = strlen(agent), bl = strlen(res);
    if (al > 1 && agent[al-1] == '~' && !former) {
        if (strncmp(res, agent, al - 1)) { char t[2 * CODELEN]; snprintf(t, sizeof t, "%.*s%s", (int)(al - 1), agent, res); snprintf(out, CODELEN, "%.*s", CODELEN - 1, t); }
        else kc_code_copy(out, res);
        return;
    }
    const char *suf = former ? "ELI" : agent[0] == '~' ? agent + 1 : agent;
    for (size_t g = 0; suf[g]; g += 3) {
        size_t gl = strlen(suf + g) < 3 ? strlen(suf + g) : 3;
        int have = 0;
        for (size_t k = 3; k + gl <= bl && !have; k += 3) if (!memcmp(res + k, suf + g, gl)) have = 1;
        if (!have && bl + gl < CODELEN) { memcpy(res + bl, suf + g, gl); bl += gl; res[bl] = 0; }
        if (gl < 3) break;
    }
    kc_code_copy(out, res);
}

/* a foreign agent piece p at [s, *e) without a person after it: the actor after it
** (directly, or after of/in and articles) takes the agent ("human rights activists in
** Arnor" NGMARN); else, under SET: CONVERT AGENT, the agent is an actor of its own
** (~MOS).  Returns 1 with code and *e set. */
static int f_agent_actor(kr_coder *c, uint32_t a, uint32_t b, uint32_t s, uint32_t *e, const piece *p, char *code) {
    int former = s > a && f_is_former(c, s - 1);
    const char *ag = kr_str(c->d, p->code);
    uint32_t k = *e;
    if (k < b && ((wcls(c, k) & WC_OF) || (c->tok[k].flen == 2 && !memcmp(c->tok[k].fold, "in", 2)))) k++;
    while (k < b && (wcls(c, k) & WC_DET)) k++;
    piece q;
    if (k < b && kc_match_piece(c, k, b, &q) == 1 && (q.kind == AK_STATE || q.kind == AK_ORG || q.kind == AK_CAPITAL)) {
        f_with_agent(code, kr_str(c->d, q.code), ag, former);
        *e = k + q.len;
        return 1;
    }
    if (c->fo.convert_agent) {
        if (former) snprintf(code, CODELEN, "~ELI"); else kc_code_copy(code, ag);
        return 1;
    }
    return 0;
}

/* a foreign actor at [s, *e) followed by an agent ('s, "former" may come between, or
** "former" before the actor): code becomes actor + agent, *e the end of the agent */
static int f_actor_agent(kr_coder *c, uint32_t a, uint32_t b, uint32_t s, uint32_t *e, char *code) {
    uint32_t j = *e;
    int former = s > a && f_is_former(c, s - 1);
    if (j < b && (wcls(c, j) & WC_GENITIVE)) j++;
    if (j < b && f_is_former(c, j)) { former = 1; j++; }
    piece q;
    if (j >= b || kc_match_piece(c, j, b, &q) != 1 || q.kind != AK_AGENT || !q.foreign) return 0;
    char tmp[CODELEN], ov[CODELEN];
    f_with_agent(tmp, code, kr_str(c->d, q.code), former);
    kc_code_copy(code, tmp);
    *e = take_names(c, j + q.len, b, code, ov);
    if (ov[0]) kc_code_copy(code, ov);
    return 1;
}

/* name particles that may stand inside a person's name */
static int name_particle(const kr_coder *c, uint32_t t) {
    static const char *const w[] = { "van", "de", "der", "den", "ter", "ten", "von", "al", "bin", "da", "dos", "del", "di", "le", "la", "el", NULL };
    if (c->tok[t].cap) return 0;
    for (int i = 0; w[i]; i++) if (c->tok[t].flen == strlen(w[i]) && !memcmp(c->tok[t].fold, w[i], c->tok[t].flen)) return 1;
    return 0;
}

/* a capitalised word that is no function word and no dictionary phrase */
static int name_word(const kr_coder *c, uint32_t t, uint32_t b) {
    if (is_punct(c, t) || c->tok[t].cap != 1 || (c->tok[t].flags & TF_NUM) || c->tok[t].flen < 2) return 0;
    if (c->tok[t].wid && c->L->wclass[c->tok[t].wid]) return 0;
    piece p;
    return !kc_match_piece(c, t, b, &p);
}

/* the length (2..5 tokens) of an unknown personal name at t, or 0: capitalised words,
** with particles between them, not after a place preposition ("in West Virginia", "bij
** de Financial Times") */
static uint32_t unknown_name(kr_coder *c, uint32_t a, uint32_t t, uint32_t b) {
    if (!name_word(c, t, b)) return 0;
    uint32_t u = t;
    while (u > a && (wcls(c, u - 1) & (WC_DET | WC_POSS))) u--;
    if (u > a && (wcls(c, u - 1) & (WC_PLACE_PREP | WC_PREP)) && !(wcls(c, u - 1) & WC_BY)) return 0;
    if (u < t) return 0;                 /* "de Financial Times", "het Witte Huis": a name with an article is no person */
    uint32_t e = t + 1, caps = 1;
    while (e < b && e - t < 5) {
        if (name_word(c, e, b)) { e++; caps++; continue; }
        /* (not right after a sentence's first word: "Nu de Houthavens") */
        if (name_particle(c, e) && !(t == a && e == t + 1) && e + 1 < b && (name_word(c, e + 1, b) || name_particle(c, e + 1))) { e++; continue; }
        break;
    }
    while (e > t && !c->tok[e-1].cap) e--;
    return caps >= 2 && caps <= 4 ? e - t : 0;
}

/* Two mentions in apposition: nothing, one comma, or a portfolio ("van Gezondheidszorg",
** "of State") between them. */
static int apposed(const kr_coder *c, const mention *p, const mention *m, int role_first) {
    uint32_t t = p->e;
    if (t == m->s) return 1;
    /* (after a comma the second one ends its piece: "Abdurrahman Mangal, spokesperson for
    ** the provincial governor, said" is left to the clause splitter) */
    if (c->tok[t].flags & TF_COMMA) {
        uint32_t u = t + 1;
        while (u < m->s && (wcls(c, u) & WC_DET)) u++;          /* ", the defense secretary," */
        return u == m->s && (m->e >= c->ntok || is_punct(c, m->e));
    }
    if (!role_first || !(wcls(c, t) & WC_OF)) return 0;
    uint32_t n = 0;
    for (t++; t < m->s; t++, n++) if (!c->tok[t].cap || is_punct(c, t) || kc_mention_at(c, t) >= 0) return 0;
    return n >= 1 && n <= 3;
}

/* A role word and the name of the one who holds it are one actor: "minister van
** Gezondheidszorg Agnès Buzyn", "Energieminister Luis Motta", "Delfin Lorenzana, Defence
** Secretary", "een van de onderministers, Richard Harrington".  The pair keeps the more
** specific code (the role's sector for a name the dictionaries do not know), and the
** name stands for it in the rest of the article. */
static void merge_appositions(kr_coder *c) {
    int w = 0;
    for (int k = 0; k < c->nm; k++) {
        if (w > 0) {
            mention *p = &c->m[w-1], *m = &c->m[k];
            /* (a role: "ambassadeur", or an adjective with one, "de Duitse ambassadeur") */
            int pr = p->kind == AK_AGENT || (p->kind == AK_ADJ && strlen(p->code) > 3 && !p->weak),
                mr = m->kind == AK_AGENT || (m->kind == AK_ADJ && strlen(m->code) > 3 && !m->weak);
            int pn = p->kind == AK_PERSON, mn = m->kind == AK_PERSON;
            /* (not a role before a list of names: "Two Democratic Representatives, Collin
            ** Peterson and Jeff Van Drew") */
            int list = 0;
            if (pr && k + 1 < c->nm) {
                uint32_t t = m->e;
                while (t < c->m[k+1].s && ((wcls(c, t) & WC_AND) || (c->tok[t].flags & TF_COMMA))) t++;
                list = t == c->m[k+1].s && t > m->e;
            }
            /* (a name the dictionaries do not know has the article's state as a guess only:
            ** "de Duitse ambassadeur, Daniel Kriener," in a story about Venezuela) */
            int guess = (mn && m->unknown) || (pn && p->unknown);
            if (((pr && mn) || (pn && mr)) && !list && (!strncmp(p->code, m->code, 3) || guess) && apposed(c, p, m, pr)) {
                mention *role = pr ? p : m, *name = pr ? m : p;
                char code[CODELEN];
                snprintf(code, sizeof code, "%s", strlen(name->code) > 3 && !name->unknown ? name->code : role->code);
                if (name->unknown) kc_add_alias(c, name->e - 1, code);
                uint8_t bare = role->bare && name->unknown;
                p->e = m->e; p->kind = AK_PERSON; p->named = 1; p->unknown = 0; p->bare = bare;
                p->plural = 0; p->weak = 0;
                kc_code_copy(p->code, code);
                continue;
            }
        }
        if (w != k) c->m[w] = c->m[k];
        c->m[w].group = w;
        w++;
    }
    if (w == c->nm) return;
    c->nm = w;
    memset(c->mat, 0, sizeof c->mat);
    for (int k = 0; k < c->nm; k++) mark_mention(c, k);
}

void kc_find_mentions(kr_coder *c, uint32_t a, uint32_t b) {
    c->nm = 0;
    c->msa = a; memset(c->mat, 0, sizeof c->mat);
    for (uint32_t i = a; i < b;) {
        if (is_punct(c, i)) { i++; continue; }
        uint64_t wc = wcls(c, i);
        /* "het buurland": the latest other state */
        if (wc & WC_NEIGHBOUR) {
            const char *first = c->nm ? c->m[0].code : "";
            for (int k = 0; k < c->nrecent; k++) if (strncmp(c->recent_state[k], first, 3)) {
                int mi = kc_add_mention(c, i, i + 1, c->recent_state[k], AK_STATE);
                if (mi >= 0 && (wc & WC_PLURAL)) c->m[mi].plural = 1;
                break;
            }
            i++; continue;
        }
        /* "de partij", "the party": the party named last, a few sentences back at most */
        if ((wc & WC_PARTY_REF) && i > a && (wcls(c, i - 1) & (WC_DET | WC_DEMONSTR)) &&
            !(i + 1 < b && ((wcls(c, i + 1) & WC_OF) || (c->tok[i+1].cap && !is_punct(c, i + 1))))) {
            int found = -1;
            for (int k = 0; k < c->nrecent_m && found < 0; k++) {
                if (c->cur_sent - c->recent_m_sent[k] > PRON_REACH) break;
                if (strlen(c->recent_m[k]) >= 9 && !memcmp(c->recent_m[k] + 3, "PTY", 3)) found = k;
            }
            if (found >= 0) {
                char pc[CODELEN]; snprintf(pc, sizeof pc, "%s", c->recent_m[found]);
                kc_add_mention(c, i, i + 1, pc, AK_ORG);
                i++; continue;
            }
        }
        /* "zijn land", "its country": the country of the latest subject */
        if ((wc & WC_COUNTRY) && i > a && (wcls(c, i - 1) & WC_POSS)) {
            const char *who = c->last_subj.n ? c->last_subj.code[0] : NULL;
            for (int k = c->nm - 1; k >= 0; k--) {      /* the latest actor of this sentence outside a PP */
                uint32_t t = c->m[k].s;
                while (t > a && (wcls(c, t - 1) & (WC_DET | WC_POSS))) t--;
                if (t > a && (wcls(c, t - 1) & WC_PREP)) continue;
                who = c->m[k].code; break;
            }
            if (!who) { i++; continue; }
            char cc[4]; snprintf(cc, sizeof cc, "%.3s", who);
            if (strncmp(cc, "IGO", 3)) { kc_add_mention(c, i - 1, i + 1, cc, AK_STATE); i++; continue; }
        }
        /* object pronoun ("him", "hen"): resolved only when the previous sentence had
        ** exactly one actor besides this sentence's subject ("Truss met Lavrov. She
        ** warned him.") -- otherwise it stays unresolved rather than guessed */
        if ((wc & WC_PRON_OBJ) && !(wc & WC_POSS && i + 1 < b && !is_punct(c, i + 1) && !(wcls(c, i + 1) & (WC_PREP | WC_DET)))) {
            const char *subj = c->nm ? c->m[0].code : (c->last_subj.n ? c->last_subj.code[0] : "");
            /* the first actor is the subject only if no verb stands before it */
            if (c->nm) for (uint32_t t = a; t < c->m[0].s; t++) if (is_trigger_form(c, t)) { subj = ""; break; }
            const char *who = NULL; int n = 0;
            /* "The first charged Trump ..., and the second accused him": an earlier object
            ** of this sentence, one actor only, not the sentence's opening subject */
            for (int k = 0; k < c->nm; k++) {
                const mention *M = &c->m[k];
                if (M->weak || M->skip || !strcmp(M->code, subj)) continue;
                if (!who || strcmp(who, M->code)) { who = M->code; n++; }
            }
            if (n != 1) { who = NULL; n = 0; for (int k = 0; k < c->nprev_codes; k++) if (!kc_same_actor(c->prev_codes[k], subj)) { who = c->prev_codes[k]; n++; } }
            if (n == 1) { char tmp[CODELEN]; snprintf(tmp, sizeof tmp, "%s", who); kc_add_mention(c, i, i + 1, tmp, AK_STATE); }
            i++; continue;
        }
        /* "die eisen": whoever made the latest demand; "deze aanval": whoever attacked --
        ** what is said of an attack is aimed at its doer, who does nothing in the clause
        ** (a target only: "These attacks are our right, we warn ...") */
        if (i > a && (wcls(c, i - 1) & WC_DEMONSTR) && c->tok[i].flen) {
            uint32_t root = kr_map_get(&c->L->eventref, c->tok[i].fold, c->tok[i].flen);
            if (root && c->last_src[root][0]) {
                int mi = kc_add_mention(c, i - 1, i + 1, c->last_src[root], AK_STATE);
                if (mi >= 0 && root >= 18) c->m[mi].weak = 1;
                i++; continue;
            }
        }
        piece p;
        int r = kc_match_piece(c, i, b, &p);
        if (c->L->ngph) f_gapped(c, i, b, &p, &r);       /* foreign: TABARI's blank connector */
        if (!r) {
            /* a name the dictionaries do not know ("Pedro Fernandez", "Leon de Jong"): a
            ** person of the article's own country; the surname names them from then on */
            uint32_t nl = unknown_name(c, a, i, b);
            if (nl && c->home[0]) {
                /* "Ruud Bosgraaf van Amnesty International": the organisation's person */
                char ucode[CODELEN]; snprintf(ucode, sizeof ucode, "%s", c->home);
                uint32_t u = i + nl;
                if (u + 1 < b && (wcls(c, u) & WC_OF)) {
                    u++;
                    while (u < b && (wcls(c, u) & WC_DET)) u++;
                    piece q5;
                    if (u < b && kc_match_piece(c, u, b, &q5) == 1 && (q5.kind == AK_ORG || q5.kind == AK_STATE)) snprintf(ucode, sizeof ucode, "%s", kr_str(c->d, q5.code));
                }
                int mi = kc_add_mention(c, i, i + nl, ucode, AK_PERSON);
                if (mi >= 0) { c->m[mi].named = 1; c->m[mi].unknown = 1; kc_add_alias(c, i + nl - 1, ucode); }
                i += nl; continue;
            }
            i++; continue;
        }
        char code[CODELEN] = "", ov[CODELEN];
        c->took_name = 0;
        uint32_t s = i, e = i + p.len;
        uint32_t prev = i;
        while (prev > a && (wcls(c, prev - 1) & (WC_DET | WC_POSS))) prev--;
        int after_place = prev > a && (wcls(c, prev - 1) & WC_PLACE_PREP);
        if (r == 2) {                            /* alias */
            kc_code_copy(code, c->aliases[p.person - 1]);
        } else switch (p.kind) {
        case AK_PLACE:
            if (!c->loc[0]) { snprintf(c->loc, CODELEN, "%.3s", kr_str(c->d, p.code)); c->loc_s = s; c->loc_e = e; }
            i = e; continue;
        case AK_CAPITAL:
            /* "in Europa", "in Brussel": where it happened, but no state's place */
            if (after_place && !strncmp(kr_str(c->d, p.code), "IGO", 3)) { i = e; continue; }
            if (after_place) { if (!c->loc[0]) { snprintf(c->loc, CODELEN, "%.3s", kr_str(c->d, p.code)); c->loc_s = s; c->loc_e = e; } i = e; continue; }
            /* fall through */
        case AK_STATE: case AK_ORG: case AK_PEOPLE:
            kc_code_copy(code, kr_str(c->d, p.code));
            if (after_place && p.kind == AK_STATE && !c->loc[0]) { snprintf(c->loc, CODELEN, "%.3s", code); c->loc_s = s; c->loc_e = e; }
            break;
        case AK_PERSON:
            kc_code_copy(code, kr_str(c->d, p.code));
            /* the surname alone refers to this person for the rest of the article */
            if (p.len > 1) kc_add_alias(c, e - 1, code);
            /* ... and in East Asian order the family name stands first ("Kim Jong-un":
            ** "Kim", "Xi Jinping": "Xi"): a first word of three letters or less, or a
            ** hyphenated given name after it */
            if (p.len > 1) {
                int hy = 0;
                for (uint32_t t = s + 1; t < e; t++) if (c->tok[t].flags & TF_HYPH_PART) hy = 1;
                if (hy || c->tok[s].flen <= 3) kc_add_alias(c, s, code);
            }
            break;
        case AK_ADJ: {
            uint32_t j = e, nf = 0;
            piece q; int rq = 0;
            /* "Russische en Oekraïense onderhandelaars": each adjective gets the role */
            uint32_t other_code[4], other_tok[4]; int nother = 0;
            /* an organisation's adjective ("Europese") takes no role: "Europese landen"
            ** are not the EU; it can only be a weak target ("op Europese auto's") */
            int igo_adj = !p.foreign && !strncmp(kr_str(c->d, p.code), "IGO", 3);
            while (j < b && nf <= 4 && !igo_adj) {
                rq = kc_match_piece(c, j, b, &q);
                if (rq == 1 && q.kind == AK_AGENT) break;
                if (rq == 1 && q.kind == AK_ADJ) { j += q.len; nf++; rq = 0; continue; }
                rq = 0;
                if (j + 1 < b && ((wcls(c, j) & WC_AND) || (c->tok[j].flags & TF_COMMA)) && nother < 4) {
                    piece q2;
                    if (kc_match_piece(c, j + 1, b, &q2) == 1 && q2.kind == AK_ADJ) {
                        other_code[nother] = p.code; other_tok[nother] = s; nother++;
                        p = q2; s = j + 1; j += 1 + q2.len; e = j; nf++;
                        continue;
                    }
                }
                if (!kc_is_filler(c, j)) break;
                j++; nf++;
            }
            if (!rq) {
                /* "attacked Russian border posts", "rejected the American proposal": an
                ** adjective of a state before an ordinary noun names the state, but only
                ** as a target (a weak mention is never a subject or an antecedent) */
                const char *ac = kr_str(c->d, p.code);
                /* an organisation's adjective only after op/tegen/on/against: "heffingen
                ** op Europese auto's" (not "een Europees land", "de Europese identiteit") */
                int igo_ok = 0;
                if (!strncmp(ac, "IGO", 3)) {
                    uint32_t u = s;
                    while (u > a && (wcls(c, u - 1) & (WC_DET | WC_POSS))) u--;
                    if (u > a) {
                        const char *f = c->tok[u-1].fold;
                        igo_ok = !strcmp(f, "op") || !strcmp(f, "tegen") || !strcmp(f, "on") || !strcmp(f, "against");
                    }
                }
                if (!p.foreign && (strlen(ac) == 3 || igo_ok) && !nother && e < b && kc_is_filler(c, e) && !(c->tok[e].flags & TF_NUM)) {
                    /* the mention is the adjective alone, so the noun can still be a
                    ** trigger ("repelled Russian attacks") */
                    int mi = kc_add_mention(c, s, e, ac, AK_ADJ);
                    if (mi >= 0) c->m[mi].weak = 1;
                    i = e; continue;
                }
                i = e; continue;
            }
            for (int k = 0; k < nother; k++) {
                char oc[CODELEN]; with_sector(oc, kr_str(c->d, other_code[k]), kr_str(c->d, q.code));
                kc_add_mention(c, other_tok[k], other_tok[k] + 1, oc, AK_ADJ);
            }
            with_sector(code, kr_str(c->d, p.code), kr_str(c->d, q.code));
            e = j + q.len;
            e = take_names(c, e, b, code, ov);
            if (ov[0]) kc_code_copy(code, ov);
            break;
        }
        case AK_AGENT: {
            /* role + person, or role + van/of + state */
            uint32_t j = e;
            piece q;
            /* (not a plural role: "vijftig andere landen Guaidó hebben erkend") */
            if (j < b && !(wcls(c, j - 1) & WC_PLURAL) && kc_match_piece(c, j, b, &q) == 1 && q.kind == AK_PERSON) {
                kc_code_copy(code, kr_str(c->d, q.code)); e = j + q.len;
                c->took_name = 1;
                if (q.len > 1) kc_add_alias(c, e - 1, code);
                break;
            }
            /* foreign agent (TABARI): of/in + actor, prefix agents, FORMER, CONVERT AGENT */
            if (p.foreign) { if (f_agent_actor(c, a, b, s, &e, &p, code)) break; i = e; continue; }
            int bare = 1;
            if (j + 1 < b && (wcls(c, j) & WC_OF)) {
                uint32_t k = j + 1;
                while (k < b && (wcls(c, k) & WC_DET)) k++;
                if (k < b && kc_match_piece(c, k, b, &q) == 1 && (q.kind == AK_STATE || q.kind == AK_ORG || q.kind == AK_CAPITAL)) {
                    with_sector(code, kr_str(c->d, q.code), kr_str(c->d, p.code));
                    e = k + q.len;
                    break;
                }
                /* "de regering van (president) Maduro": the role of the person's state */
                piece q2; uint32_t k2 = k;
                if (k < b && kc_match_piece(c, k, b, &q) == 1 && q.kind == AK_AGENT && !q.foreign) k2 = k + q.len;
                if (k2 < b && kc_match_piece(c, k2, b, &q2) == 1 && q2.kind == AK_PERSON) {
                    char pc[4]; snprintf(pc, sizeof pc, "%.3s", kr_str(c->d, q2.code));
                    if (strlen(pc) == 3 && strncmp(pc, "IGO", 3)) {
                        with_sector(code, pc, kr_str(c->d, p.code));
                        e = k2 + q2.len;
                        if (q2.len > 1) kc_add_alias(c, e - 1, kr_str(c->d, q2.code));
                        break;
                    }
                }
                piece q3;
                if (k < b && kc_match_piece(c, k, b, &q3)) bare = 0;       /* "de president van de Raad": not ours to guess */
            }
            /* a role word alone ("de oppositie", "the police", "het kabinet") acts for the
            ** article's own country */
            const char *ag = kr_str(c->d, p.code);
            /* "oppositiepartij CHP", "de Republikeinse senator Ted Cruz": a role word
            ** right before a name is that name's role, no actor of its own */
            if (bare && e < b) { piece q4; int r4 = kc_match_piece(c, e, b, &q4); if ((r4 == 1 && (q4.kind == AK_ORG || q4.kind == AK_PERSON)) || r4 == 2) bare = 0; }
            if (bare && c->home[0] && ag[0] == '~' && ag[1]) {
                /* the state of the latest actor of the sentence ("Syrian forces attacked
                ** rebel positions"), else the article's own country */
                const char *st = c->home;
                for (int k = c->nm - 1; k >= 0; k--) if (!c->m[k].bare && strlen(c->m[k].code) >= 3 && strncmp(c->m[k].code, "IGO", 3)) { st = c->m[k].code; break; }
                /* ("oppositiepartij LKP ... over de top tussen Kim en Trump ... om de regering te
                ** bekritiseren": a government named with an opposition or a party of the
                ** sentence is that party's own) */
                if (!strcmp(ag, "~GOV"))
                    for (int k = c->nm - 1; k >= 0; k--)
                        if (strlen(c->m[k].code) >= 6 && strncmp(c->m[k].code, "IGO", 3) &&
                            (!memcmp(c->m[k].code + 3, "OPP", 3) || !memcmp(c->m[k].code + 3, "PTY", 3))) { st = c->m[k].code; break; }
                /* (English: "the embassy" after "the US Embassy" a few sentences back is that
                ** embassy: a diplomatic role word names the actor of the last sentences named
                ** by the same word -- an embassy or envoy is mostly another state's) */
                const char *rf = c->tok[e-1].fold; size_t rn = c->tok[e-1].flen;
                int diplo = (rn == 7 && !memcmp(rf, "embassy", 7)) || (rn == 9 && !memcmp(rf, "consulate", 9)) || (rn == 10 && !memcmp(rf, "ambassador", 10)) ||
                            (rn == 5 && !memcmp(rf, "envoy", 5));
                if (c->lang == 1 && diplo) for (int k = 0; k < c->nrecent_m; k++) {
                    if (c->recent_m_sent[k] >= c->cur_sent) continue;
                    if (c->cur_sent - c->recent_m_sent[k] > PRON_REACH) break;
                    uint32_t rl = c->recent_m_tok[k][1] - 1;
                    if (c->recent_m_tok[k][1] - c->recent_m_tok[k][0] < 2 || c->tok[rl].flen != c->tok[e-1].flen || memcmp(c->tok[rl].fold, c->tok[e-1].fold, c->tok[rl].flen)) continue;
                    if (strlen(c->recent_m[k]) < 3 || !strncmp(c->recent_m[k], "IGO", 3)) continue;
                    st = c->recent_m[k];
                    break;
                }
                char st3[4]; snprintf(st3, sizeof st3, "%.3s", st);
                with_sector(code, st3, ag);
                int mi = kc_add_mention(c, s, e, code, AK_AGENT);
                if (mi >= 0) c->m[mi].bare = 1;
                i = e; continue;
            }
            i = e; continue;
        }
        default: if (p.kind == AK_DISCARD) c->fdiscard = 1; i = e; continue;
        }
        /* foreign actor + agent the TABARI way ("Arnor former security officials") */
        int fdone = p.foreign && p.kind != AK_ADJ && p.kind != AK_AGENT && f_actor_agent(c, a, b, s, &e, code);
        /* base actor followed by 's + role, or a hyphen compound with a role (NAVO-landen) */
        if (!fdone && p.kind != AK_ADJ && p.kind != AK_AGENT && e < b) {
            uint32_t j = e;
            int gen = (wcls(c, j) & WC_GENITIVE) != 0;
            if (gen) j++;
            piece q;
            /* "Russia's foreign minister", "NAVO-landen", "US Secretary of State" */
            int adjunct = gen || (c->tok[j].flags & TF_HYPH_PART) || p.kind == AK_STATE || p.kind == AK_ORG;
            if (j < b && adjunct && kc_match_piece(c, j, b, &q) == 1 && q.kind == AK_AGENT) {
                char tmp[CODELEN]; with_sector(tmp, code, kr_str(c->d, q.code));
                /* "Johnson's critics": the opposition of a person's or organ's state, not
                ** the person (English) */
                if (c->lang == 1 && gen && strlen(code) > 3 && strncmp(code, "IGO", 3) && !strcmp(kr_str(c->d, q.code), "~OPP")) snprintf(tmp, CODELEN, "%.3sOPP", code);
                kc_code_copy(code, tmp);
                e = j + q.len;
                if (p.kind != AK_PERSON) { e = take_names(c, e, b, code, ov); if (ov[0]) kc_code_copy(code, ov); }
            }
        }
        /* "US dollars", "Niger's capital": the name only modifies the next word */
        if ((p.kind == AK_STATE || p.kind == AK_ORG || p.kind == AK_CAPITAL) && e < b) {
            uint32_t j = e + ((wcls(c, e) & WC_GENITIVE) ? 1 : 0);
            if (j < b && (wcls(c, j) & WC_NOT_ACTOR)) { i = e; continue; }
        }
        /* "EU-lidmaatschap", "UK-based": a state or organisation as the first part of a
        ** hyphenated word names no actor (unless the second part is a role, above) */
        if ((p.kind == AK_STATE || p.kind == AK_ORG || p.kind == AK_CAPITAL) && e < b && (c->tok[e-1].flags & TF_HYPH_PART) &&
            (c->tok[e].flags & TF_HYPH_PART) && c->tok[e].off == c->tok[e-1].off + c->tok[e-1].len + 1) { i = e; continue; }
        int mi = kc_add_mention(c, s, e, code, p.kind);
        if (mi >= 0 && r == 2) { c->m[mi].kind = AK_PERSON; c->m[mi].genitive = p.genitive; }
        if (mi >= 0 && (c->m[mi].kind == AK_PERSON || c->took_name || ((p.kind == AK_ADJ || p.kind == AK_AGENT) && e - s >= 3 && c->tok[e-1].cap)))
            c->m[mi].named = 1;
        if (mi >= 0 && p.foreign && strchr(code, '/')) f_split_compound(c, mi);   /* foreign: TABARI [A/B/C] */
        i = e;
    }
    merge_appositions(c);
    /* prepositional phrases, loc-only and skipped mentions */
    for (int k = 0; k < c->nm; k++) {
        mention *m = &c->m[k];
        uint32_t t = m->s;
        while (t > a && (wcls(c, t - 1) & (WC_DET | WC_POSS) || (c->tok[t-1].flags & TF_NUM))) t--;
        /* "by the mainland Chinese government": one plain lower-case word between an
        ** article and the actor is an adjective of the phrase */
        if (t == m->s && t > a + 2 && !wcls(c, t - 1) && !c->tok[t-1].cap && !is_punct(c, t - 1) && !is_trigger_form(c, t - 1) &&
            (wcls(c, t - 2) & WC_DET) && (wcls(c, t - 3) & WC_PREP)) t -= 2;
        /* "After Russia annexed Crimea, ...": a word that is a preposition and a
        ** subordinator, opening the sentence or a comma piece, with a verb right after
        ** the actor, is the subordinator and the actor is a subject */
        /* (also inside the sentence: "resigned after Russia attacked Ukraine") */
        int sub_here = t > a && (wcls(c, t - 1) & WC_SUB_OTHER) && m->e < b && is_trigger_form(c, m->e) && !(wcls(c, m->e) & (WC_PREP | WC_DET | WC_AND));
        /* "Thousands of Polish protesters", "tienduizenden van hen": after a quantity
        ** "of"/"van" is no preposition, the actor is the head of the phrase */
        /* (also "een van de ministers", "one of the rebels") */
        int quantity_of = t > a + 1 && (wcls(c, t - 1) & WC_OF) && ((wcls(c, t - 2) & WC_QUANT) || (c->tok[t-2].flags & TF_NUM) ||
                                                             !strcmp(c->tok[t-2].fold, c->lang ? "one" : "een"));
        if (t > a && (wcls(c, t - 1) & WC_PREP) && !sub_here && !quantity_of) {
            m->in_pp = 1; m->prep = c->tok[t-1].wid;
            if (wcls(c, t - 1) & WC_SKIP) m->skip = 1;
            if (t > a + 1 && (wcls(c, t - 2) & WC_SKIP)) m->skip = 1;     /* "according to the BBC" */
        }
        /* "erkennen Guaidó als het wettige staatshoofd van Venezuela": a role after
        ** als/as describes the actor before it and is no actor of its own */
        if (m->kind == AK_AGENT && k > 0) {
            uint32_t u = m->s, n = 0;
            while (u > a && n < 3 && ((wcls(c, u - 1) & (WC_DET | WC_POSS)) || kc_is_filler(c, u - 1))) { u--; n++; }
            if (u > a && !strcmp(c->tok[u-1].fold, c->lang ? "as" : "als") && c->m[k-1].e == u - 1) m->skip = 1;
        }
        /* "honderdduizenden Nederlanders", "300 Syrians": people counted are a crowd
        ** (civilians, CVL), who protest but do not consult or visit for their state */
        if (m->kind == AK_PEOPLE && m->s > a && ((c->tok[m->s-1].flags & TF_NUM) || (wcls(c, m->s - 1) & WC_QUANT))) {
            m->crowd = 1;
            if (strlen(m->code) == 3) memcpy(m->code + 3, "CVL", 4);
        }
        /* "anti-government protests", "anti-EU-campagne": what the prefix is against is a
        ** target only */
        if (m->s > a && (c->tok[m->s].flags & TF_HYPH_PART) && (c->tok[m->s - 1].flags & TF_HYPH_PART) &&
            c->tok[m->s - 1].flen == 4 && !memcmp(c->tok[m->s - 1].fold, "anti", 4)) m->weak = 1;
        /* a parenthesized repeat "(OVSE)" is the same actor */
        if (k > 0 && m->s > a && (c->tok[m->s - 1].flags & TF_OPEN) && m->s - 1 == c->m[k-1].e && !strcmp(m->code, c->m[k-1].code)) m->skip = 1;
    }
    /* groups: mentions joined by en/and, parentheses, or commas in a list that ends
    ** with en/and ("Rusland, China en Iran"); a lone comma ("..., the US will") is not
    ** a join */
    /* "Peter van Dalen (ChristenUnie-SGP)", "Lodewijk Asscher (PvdA)": a party in
    ** parentheses right after a person is the person's party, no actor of its own (a
    ** person known only by name and state takes its code) */
    for (int k = 1; k < c->nm; k++) {
        mention *p = &c->m[k-1], *m = &c->m[k];
        if (p->kind != AK_PERSON || !strstr(m->code + 3, "PTY") || strncmp(p->code, m->code, 3) || m->e >= b || !(c->tok[m->e].flags & TF_CLOSE)) continue;
        uint32_t t = p->e;
        if (t >= m->s || !(c->tok[t].flags & TF_OPEN)) continue;
        for (t++; t < m->s && (c->tok[t].flags & TF_HYPH_PART); t++) {}
        if (t != m->s) continue;
        if (strlen(p->code) == 3) kc_code_copy(p->code, m->code);
        m->skip = 1;
    }
    int join[MAXM];     /* join[k]: how m[k-1] and m[k] are joined: 0 no, 1 comma, 2 and/paren */
    for (int k = 1; k < c->nm; k++) {
        mention *p = &c->m[k-1], *m = &c->m[k];
        uint32_t gap = m->s - p->e, ok = gap <= 5;
        int ands = 0, commas = 0, fill = 0;
        for (uint32_t t = p->e; t < m->s && ok; t++) {
            uint64_t w = wcls(c, t);
            if (w & WC_AND) ands++;
            else if (c->tok[t].flags & (TF_OPEN | TF_CLOSE)) ands++;
            else if (c->tok[t].flags & TF_COMMA) commas++;
            /* ("Bernie Sanders and former president Barack Obama": an adjective or two
            ** after the "and") */
            else if (ands && !commas && kc_is_filler(c, t) && !is_trigger_form(c, t) && !(c->tok[t].flags & TF_NUM) && !(w & WC_QUANT) && ++fill <= 2) continue;
            else if (!(w & (WC_DET | WC_POSS))) ok = 0;
        }
        join[k] = !ok ? 0 : ands ? 2 : commas ? 1 : 0;
    }
    for (int k = 1; k < c->nm; k++) {
        if (!join[k]) continue;
        if (join[k] == 1) {
            int j = k + 1, closes = 0;
            while (j < c->nm && join[j]) { if (join[j] == 2) { closes = 1; break; } j++; }
            if (!closes) continue;
        }
        mention *p = &c->m[k-1], *m = &c->m[k];
        m->group = p->group; m->in_pp = c->m[p->group].in_pp; m->prep = c->m[p->group].prep; if (c->m[p->group].skip) m->skip = 1;
    }
    c->ncur_codes = 0;
    for (int k = 0; k < c->nm; k++) {
        const mention *M = &c->m[k];
        if (M->skip || M->weak || (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP))) continue;
        int dup = 0;
        for (int j = 0; j < c->ncur_codes; j++) if (kc_same_actor(c->cur_codes[j], M->code)) dup = 1;
        if (!dup && c->ncur_codes < 8) {
            size_t l = strnlen(M->code, CODELEN - 1);
            memcpy(c->cur_codes[c->ncur_codes], M->code, l);
            c->cur_codes[c->ncur_codes++][l] = 0;
        }
    }
    for (int k = 0; k < c->nm; k++) {
        if (c->m[k].weak) continue;
        note_state(c, c->m[k].code);
        if (c->nrecent_m && !strcmp(c->recent_m[0], c->m[k].code)) continue;
        memmove(c->recent_m[1], c->recent_m[0], sizeof c->recent_m[0] * 7);
        memmove(c->recent_m_tok[1], c->recent_m_tok[0], sizeof c->recent_m_tok[0] * 7);
        c->recent_m_tok[0][0] = c->m[k].s; c->recent_m_tok[0][1] = c->m[k].e;
        memmove(c->recent_m_sent + 1, c->recent_m_sent, sizeof c->recent_m_sent[0] * 7);
        memmove(c->recent_m_grp + 1, c->recent_m_grp, sizeof c->recent_m_grp[0] * 7);
        memmove(c->recent_m_acted + 1, c->recent_m_acted, sizeof c->recent_m_acted[0] * 7);
        c->recent_m_grp[0] = c->cur_sent * MAXM + c->m[k].group;
        c->recent_m_acted[0] = 0;
        kc_code_copy(c->recent_m[0], c->m[k].code);
        c->recent_m_sent[0] = c->cur_sent;
        if (c->nrecent_m < 8) c->nrecent_m++;
    }
}

int kc_mention_at(const kr_coder *c, uint32_t t) {
    if (t >= c->msa && t - c->msa < KR_MAX_TOKENS) return c->mat[t - c->msa] - 1;
    for (int k = 0; k < c->nm; k++) if (c->m[k].s <= t && t < c->m[k].e) return k;
    return -1;
}

int kc_next_is_actor(const kr_coder *c, uint32_t t, uint32_t b) {
    uint32_t k = t;
    while (k < b && (wcls(c, k) & (WC_DET | WC_POSS))) k++;
    if (k >= b) return 0;
    if (wcls(c, k) & WC_PRON) return 1;
    /* "claimed violent protesters were ...": an adjective or two before the actor */
    for (int n = 0; n < 2 && k < b && kc_mention_at(c, k) < 0 && kc_is_filler(c, k) && !is_trigger_form(c, k); n++) k++;
    return k < b && kc_mention_at(c, k) >= 0;
}

/* The article's own country, for role words that name no state ("de oppositie", "the
** police", "het kabinet"): the state named most often in the article (states,
** adjectives, people, capitals, persons; ties go to the earliest), else for Dutch
** articles the Netherlands (Dutch news without a state named is Dutch news). */
/* English: the first state the title names (also by its adjective, people, capital,
** city or a person of it), or "" -- a headline says where the story is ("UK urges US to
** waive immunity ...", "Arrests made in theft of gold toilet in England") */
static void title_state(kr_coder *c, char out[4]) {
    out[0] = 0;
    if (c->lang != 1 || !c->art || !c->art->title || !c->art->title[0]) return;
    size_t n = strlen(c->art->title);
    if (n > 1000) return;
    kr_buf b = {0};
    int bad = 0;
    kr_text_normalize(c->art->title, n, &b, &bad);
    kr_tok *save = c->tok; uint32_t sn = c->ntok;
    kr_tok *tt = NULL; uint32_t tn = 0, tcap = 0;
    if (b.p) kr_tokenize(b.p, b.len, c->L, &c->ar, &tt, &tn, &tcap);
    c->tok = tt; c->ntok = tn;
    for (uint32_t t = 0; t < tn && !out[0];) {
        piece p;
        if (is_punct(c, t) || kc_match_piece(c, t, tn, &p) != 1) { t++; continue; }
        t += p.len;
        if (p.foreign || !(p.kind == AK_STATE || p.kind == AK_ADJ || p.kind == AK_PEOPLE || p.kind == AK_CAPITAL || p.kind == AK_PERSON || p.kind == AK_PLACE)) continue;
        /* (a city's name before a capitalised word is part of a name: "Kobe Bryant") */
        if ((p.kind == AK_PLACE || p.kind == AK_CAPITAL) && t < tn && tt[t].cap && !is_punct(c, t)) continue;
        const char *code = kr_str(c->d, p.code);
        if (strlen(code) < 3 || !strncmp(code, "IGO", 3) || code[0] < 'A' || code[0] > 'Z') continue;
        snprintf(out, 4, "%.3s", code);
    }
    c->tok = save; c->ntok = sn;
    free(tt);
    kr_buf_free(&b);
}

void kc_find_home(kr_coder *c) {
    struct { char cc[4]; int n, org, first; } cnt[32]; int ncnt = 0;
    c->home[0] = 0;
    for (uint32_t t = 0; t < c->ntok;) {
        piece p;
        if (is_punct(c, t) || kc_match_piece(c, t, c->ntok, &p) != 1) { t++; continue; }
        /* (cities and regions count too: a local story in Tilburg or Christchurch is at home
        ** there, whatever other states it names once) */
        if (p.foreign || !(p.kind == AK_STATE || p.kind == AK_ADJ || p.kind == AK_PEOPLE || p.kind == AK_CAPITAL || p.kind == AK_PERSON || p.kind == AK_PLACE || p.kind == AK_ORG)) { t += p.len; continue; }
        const char *code = kr_str(c->d, p.code);
        t += p.len;
        if (strlen(code) < 3 || !strncmp(code, "IGO", 3) || code[0] < 'A' || code[0] > 'Z') continue;
        int k = 0;
        while (k < ncnt && memcmp(cnt[k].cc, code, 3)) k++;
        if (k == ncnt) { if (ncnt == 32) continue; memcpy(cnt[k].cc, code, 3); cnt[k].cc[3] = 0; cnt[k].n = 0; cnt[k].org = 0; cnt[k].first = (int)t; ncnt++; }
        if (p.kind == AK_ORG) cnt[k].org++;
        else cnt[k].n++;
    }
    /* a state's own institutions ("het Openbaar Ministerie", "de Nationale ombudsman")
    ** count for a state the article names ("een Tilburger in een Thaise cel") */
    for (int k = 0; k < ncnt; k++) if (cnt[k].n) cnt[k].n += cnt[k].org;
    int best = -1;
    for (int k = 0; k < ncnt; k++) if (best < 0 || cnt[k].n > cnt[best].n) best = k;
    /* (English: the state the title names first, when the text names it too) */
    char ts[4]; title_state(c, ts);
    if (ts[0]) for (int k = 0; k < ncnt; k++) if (!memcmp(cnt[k].cc, ts, 3) && cnt[k].n) best = k;
    if (best >= 0) memcpy(c->home, cnt[best].cc, 4);
    else if (c->lang == 0) memcpy(c->home, "NLD", 4);
}
