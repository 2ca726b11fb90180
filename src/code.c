/*
** code.c -- the coder: from one article to its events.
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
#include "kr_int.h"
#include <stdio.h>

#define MAXM 256          /* mentions per sentence */
#define MAXC 64           /* clauses per sentence */
#define CODELEN 24
#define PRON_REACH 3      /* a subject pronoun refers to a subject at most this many sentences back */

typedef struct {
    uint32_t s, e;        /* token range */
    char code[CODELEN];
    uint8_t kind, in_pp, loc_only, skip, plural;
    uint8_t weak;         /* adjective + ordinary noun ("Russian border posts"): a target only */
    uint8_t named;        /* names a person ("Merkel", "de Duitse bondskanselier Merkel") */
    uint8_t crowd;        /* counted people ("duizenden Georgiërs"): civilians */
    uint8_t bare;         /* a role word alone ("de oppositie"), its state supplied by the context */
    uint32_t prep;        /* wid of the governing preposition */
    int group;            /* index of the first member */
} mention;

enum { CL_MAIN = 0, CL_DAT, CL_COND, CL_QUEST, CL_PURPOSE, CL_OM, CL_OTHER, CL_REL };

typedef struct {
    uint32_t s, e;
    int type;
    int subj;             /* mention index of the subject (group head), -1 none */
    int pron_subj;        /* subject is a resolved pronoun: index into c->pron */
    int by;               /* passive agent mention, -1 */
    int passive, true_passive, neg, modal, future, intent, gov, governed, irrealis;
    int parent;
    int antecedent;
} clause;

typedef struct {
    uint32_t tok, ntok;   /* trigger position and length */
    uint32_t trig;
    int clause;
    int inf;              /* preceded by te / to */
    int root;             /* root number of the trigger code (0 if ---) */
    uint32_t cend;        /* end of its conjunct: "and"/"en" before the next trigger of the clause */
} trig_hit;

/* a pronoun resolved to a group of codes */
typedef struct { char code[4][CODELEN]; int n; uint32_t ts, te; } codeset;   /* ts..te: the words that name it (te = 0: none) */

struct kr_coder {
    const kr_dict *d;
    const kr_lang *L;
    int lang, date;
    kr_arena ar;
    kr_buf text;
    kr_tok *tok; uint32_t ntok, tokcap;
    kr_sent *sent; uint32_t nsent, sentcap;
    mention m[MAXM]; int nm;
    clause cl[MAXC]; int ncl;
    trig_hit th[MAXM]; int nth;
    codeset pron[MAXC]; int npron;
    kr_map alias; kr_arena alias_ar;       /* per article: folded name -> index+1 into aliases */
    char (*aliases)[CODELEN]; uint32_t nalias, aliascap;
    codeset last_subj; int last_subj_plural;
    codeset prev_subj; int prev_subj_plural;
    char last_src[21][CODELEN];            /* per root: source of the latest event */
    char recent_state[8][CODELEN]; int nrecent;
    char recent_m[8][CODELEN]; int nrecent_m;   /* latest actor codes of the article */
    uint32_t recent_m_tok[8][2];                /* ... the words that named them */
    int recent_m_sent[8];                       /* ... and the sentence each was seen in */
    int cur_sent, last_subj_sent;
    int quotes_since_subj;  /* whole-quotation sentences since last_subj_sent */
    char prev_codes[8][CODELEN]; int nprev_codes;   /* distinct actors of the previous sentence */
    char cur_codes[8][CODELEN]; int ncur_codes;
    char loc[CODELEN];
    uint32_t loc_s, loc_e;  /* the words that name the place */
    char home[4];           /* the article's own country: most named state ("" none) */
    /* per-sentence dedupe */
    struct { char s[CODELEN], t[CODELEN]; int root; } seen[128]; int nseen;
    char err[512];
    const char *langname;
    int bad;
    FILE *trace;
    /* actor mentions of the article for kr_coder_actors */
    struct { int sent; char code[CODELEN]; uint32_t off, len; } *am; uint32_t nam, amcap;
    /* event emission */
    kr_event_fn fn; void *ctx; const kr_article *art; int stop;
    char verbbuf[256], srcbuf[512], tgtbuf[512];
    int relax_target;     /* run_pattern: a missing + does not fail the pattern */
    int both_ways;        /* emit: a consultation is coded both ways (not for a trigger in a PP) */
    int spk_pron;         /* this sentence's quotation speaker (index into pron), -1 none */
    uint64_t spk_cl;      /* ... and the clauses it speaks (bit per clause) */
    int fdiscard;         /* this sentence has a foreign discard actor ([###]/[+++]) */
    int fstory_discard;   /* a foreign story discard was seen: the rest of the article is not coded */
    codeset fprev;        /* foreign coding: the source of the previous clause */
    /* ---- foreign coding: TABARI OPTION settings (kr_article.options) and FORWARD ---- */
    struct fopts {
        int code_by;                        /* FO_BY_CLAUSE, FO_BY_SENTENCE, FO_ALL */
        int check_dominant;                 /* SET: CHECK DOMINANT */
        char defsrc[CODELEN], deftar[CODELEN]; int def_prior, def_after;   /* DEFAULT: */
        int cx_verbs, cx_conj, cx_noactprior;                               /* COMPLEX: (0 = no limit) */
        int convert_agent;                  /* SET: CONVERT AGENT */
        int fwd_on; char fwd_tmpl[64];      /* FORWARD: template */
        int comma_off, cmin, cmax, emin, emax, bmin, bmax;                  /* COMMA: */
        int minwords;                       /* SET: MINIMUM WORDS (0 = none) */
    } fo;
    char *fo_text;                          /* the options string fo was read from (malloc'ed) */
    int fo_parsed;
    char fwd_story[64];                     /* FORWARD: story of the previous article ("" none) */
    codeset fwd_mem;                        /* ... and the first actor of its last sentence with one */
    int fg[MAXM];                           /* foreign coding: compound group of each mention */
    /* ---- end foreign options ---- */
};

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

/* ------------------------------------------------------------ helpers */

static inline uint64_t wcls(const kr_coder *c, uint32_t t) {
    uint32_t w = c->tok[t].wid;
    return w ? c->L->wclass[w] : 0;
}
static inline int is_punct(const kr_coder *c, uint32_t t) { return (c->tok[t].flags & TF_PUNCT) != 0; }
/* token t is a form of some trigger of the verb dictionary (a verb, as far as the coder knows) */
static inline int is_trigger_form(const kr_coder *c, uint32_t t) {
    uint32_t w = c->tok[t].wid;
    return w && w < c->L->tf_cap && c->L->tf_first[w];
}
/* werd/worden/was/were/been/being: a real passive auxiliary (is/zijn/are also make
** perfects and copulas) */
static int true_passive_aux(const char *f) {
    return !strcmp(f, "werd") || !strcmp(f, "werden") || !strcmp(f, "wordt") || !strcmp(f, "worden") ||
           !strcmp(f, "was") || !strcmp(f, "were") || !strcmp(f, "been") || !strcmp(f, "being");
}
static inline char first_char(const kr_coder *c, uint32_t t) { return c->text.p[c->tok[t].off]; }

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

/* one entity for domestic coding: equal codes, or a state and one of its state organs
** ("Rusland" and "de Russische regering", "het Russische leger"); a state and its
** opposition, parliament, courts, parties, citizens ... are different actors, so
** USAOPP -> USAGOV and NLDPTYPVV -> NLDGOV are events (GUIDE.md: domestic events) */
static int state_organ(const char *sfx) {
    return !*sfx || !strcmp(sfx, "GOV") || !strcmp(sfx, "MIL") || !strcmp(sfx, "SPY") || !strcmp(sfx, "COP");
}
static int same_entity(const char *a, const char *b) {
    if (!strcmp(a, b)) return 1;
    size_t la = strlen(a), lb = strlen(b);
    if (la < 3 || lb < 3 || memcmp(a, b, 3) || !strncmp(a, "IGO", 3)) return 0;
    return state_organ(a + 3) && state_organ(b + 3);
}

static int same_actor(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (!strcmp(a, b)) return 1;
    /* RUSGOV vs RUS: same state */
    if (la >= 3 && lb >= 3 && !memcmp(a, b, 3) && (la == 3 || lb == 3) && strncmp(a, "IGO", 3)) return 1;
    if (la >= 3 && lb >= 3 && !memcmp(a, b, 3) && strncmp(a, "IGO", 3)) return 1;
    return 0;
}

/* ------------------------------------------------------------ actor pieces */

typedef struct { uint32_t len; uint8_t kind; uint32_t code; uint32_t person; uint8_t foreign; } piece;

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
static int match_piece(const kr_coder *c, uint32_t t, uint32_t end, piece *out) {
    const kr_lang *L = c->L;
    out->foreign = 0;          /* also for the alias answer below (found by Valgrind) */
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
        if (a) { out->len = 1; out->kind = AK_PERSON; out->code = 0; out->person = a; return 2; }
    }
    return 0;
}

static void add_alias(kr_coder *c, uint32_t t, const char *code) {
    if (!c->tok[t].cap || !c->tok[t].flen || c->tok[t].flen < 3) return;
    if (c->tok[t].wid && (c->L->wclass[c->tok[t].wid])) return;   /* function words */
    if (c->nalias == c->aliascap) { c->aliascap = c->aliascap ? c->aliascap * 2 : 16; c->aliases = kr_xrealloc(c->aliases, c->aliascap * sizeof *c->aliases); }
    snprintf(c->aliases[c->nalias], CODELEN, "%s", code);
    c->nalias++;
    kr_map_put(&c->alias, c->tok[t].fold, c->tok[t].flen, c->nalias);
}

static void note_state(kr_coder *c, const char *code) {
    if (strlen(code) < 3 || !strncmp(code, "IGO", 3)) return;
    char s[4]; memcpy(s, code, 3); s[3] = 0;
    if (c->nrecent && !strcmp(c->recent_state[0], s)) return;
    memmove(c->recent_state[1], c->recent_state[0], sizeof c->recent_state[0] * 7);
    snprintf(c->recent_state[0], CODELEN, "%s", s);
    if (c->nrecent < 8) c->nrecent++;
}

static int add_mention(kr_coder *c, uint32_t s, uint32_t e, const char *code, int kind) {
    if (c->nm >= MAXM || !code[0]) return -1;
    mention *m = &c->m[c->nm];
    memset(m, 0, sizeof *m);
    m->s = s; m->e = e; m->kind = (uint8_t)kind; m->group = c->nm;
    snprintf(m->code, CODELEN, "%s", code);
    for (uint32_t t = s; t < e; t++) if (wcls(c, t) & WC_PLURAL) m->plural = 1;
    return c->nm++;
}

/* tokens that may stand between an adjective and its role word: lower-case words
** that are not function words ("diplomatieke", "voormalige") */
static int is_filler(const kr_coder *c, uint32_t t) {
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
        if (j > k + 1 && !(j < end && match_piece(c, k + 1, end, &p) == 1 && p.kind != AK_PERSON)) k = j;
    }
    while (k < end && k - t < 7 && c->tok[k].cap && !is_punct(c, k) && !(c->tok[k].flags & TF_NUM)) {
        piece p;
        int r = match_piece(c, k, end, &p);
        if (r == 1 && p.kind == AK_PERSON) {
            snprintf(override, CODELEN, "%s", kr_str(c->d, p.code));
            k += p.len; last = k; break;
        }
        if (r == 1 && p.kind != AK_PERSON) break;
        if (wcls(c, k) & (WC_PREP | WC_DET | WC_PRON | WC_AND | WC_SUB_DAT | WC_COORD)) break;
        last = ++k;
    }
    if (last > t) {
        add_alias(c, last - 1, override[0] ? override : code);
        return last;
    }
    return t;
}

/* ---- foreign actor phrases with TABARI's blank connector ---- */

#define FGAP_MAX 2        /* words that may stand between two words joined by a blank */

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
                if (match_piece(c, u, b, &q)) break;
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
    snprintf(c->m[mi].code, CODELEN, "%s", part);
    while ((part = strtok_r(NULL, "/", &sv))) {
        int k = add_mention(c, s, e, part, kind);
        if (k >= 0) c->m[k].group = mi;
    }
}

/* ---- foreign agents: TABARI's way of joining actors and agents ---- */

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
        snprintf(out, CODELEN, "%s", res);
        return;
    }
    char res[CODELEN]; snprintf(res, sizeof res, "%s", base);
    size_t al = strlen(agent), bl = strlen(res);
    if (al > 1 && agent[al-1] == '~' && !former) {
        if (strncmp(res, agent, al - 1)) { char t[2 * CODELEN]; snprintf(t, sizeof t, "%.*s%s", (int)(al - 1), agent, res); snprintf(out, CODELEN, "%.*s", CODELEN - 1, t); }
        else snprintf(out, CODELEN, "%s", res);
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
    snprintf(out, CODELEN, "%s", res);
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
    if (k < b && match_piece(c, k, b, &q) == 1 && (q.kind == AK_STATE || q.kind == AK_ORG || q.kind == AK_CAPITAL)) {
        f_with_agent(code, kr_str(c->d, q.code), ag, former);
        *e = k + q.len;
        return 1;
    }
    if (c->fo.convert_agent) {
        if (former) snprintf(code, CODELEN, "~ELI"); else snprintf(code, CODELEN, "%s", ag);
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
    if (j >= b || match_piece(c, j, b, &q) != 1 || q.kind != AK_AGENT || !q.foreign) return 0;
    char tmp[CODELEN], ov[CODELEN];
    f_with_agent(tmp, code, kr_str(c->d, q.code), former);
    snprintf(code, CODELEN, "%s", tmp);
    *e = take_names(c, j + q.len, b, code, ov);
    if (ov[0]) snprintf(code, CODELEN, "%s", ov);
    return 1;
}

static void find_mentions(kr_coder *c, uint32_t a, uint32_t b) {
    c->nm = 0;
    for (uint32_t i = a; i < b;) {
        if (is_punct(c, i)) { i++; continue; }
        uint64_t wc = wcls(c, i);
        /* "het buurland": the latest other state */
        if (wc & WC_NEIGHBOUR) {
            const char *first = c->nm ? c->m[0].code : "";
            for (int k = 0; k < c->nrecent; k++) if (strncmp(c->recent_state[k], first, 3)) {
                int mi = add_mention(c, i, i + 1, c->recent_state[k], AK_STATE);
                if (mi >= 0 && (wc & WC_PLURAL)) c->m[mi].plural = 1;
                break;
            }
            i++; continue;
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
            if (strncmp(cc, "IGO", 3)) { add_mention(c, i - 1, i + 1, cc, AK_STATE); i++; continue; }
        }
        /* object pronoun ("him", "hen"): resolved only when the previous sentence had
        ** exactly one actor besides this sentence's subject ("Truss met Lavrov. She
        ** warned him.") -- otherwise it stays unresolved rather than guessed */
        if ((wc & WC_PRON_OBJ) && !(wc & WC_POSS && i + 1 < b && !is_punct(c, i + 1) && !(wcls(c, i + 1) & (WC_PREP | WC_DET)))) {
            const char *subj = c->nm ? c->m[0].code : (c->last_subj.n ? c->last_subj.code[0] : "");
            const char *who = NULL; int n = 0;
            for (int k = 0; k < c->nprev_codes; k++) if (!same_actor(c->prev_codes[k], subj)) { who = c->prev_codes[k]; n++; }
            if (n == 1) { char tmp[CODELEN]; snprintf(tmp, sizeof tmp, "%s", who); add_mention(c, i, i + 1, tmp, AK_STATE); }
            i++; continue;
        }
        /* "die eisen": whoever made the latest demand */
        if (i > a && (wcls(c, i - 1) & WC_DEMONSTR) && c->tok[i].flen) {
            uint32_t root = kr_map_get(&c->L->eventref, c->tok[i].fold, c->tok[i].flen);
            if (root && c->last_src[root][0]) { add_mention(c, i - 1, i + 1, c->last_src[root], AK_STATE); i++; continue; }
        }
        piece p;
        int r = match_piece(c, i, b, &p);
        if (c->L->ngph) f_gapped(c, i, b, &p, &r);       /* foreign: TABARI's blank connector */
        if (!r) { i++; continue; }
        char code[CODELEN] = "", ov[CODELEN];
        uint32_t s = i, e = i + p.len;
        uint32_t prev = i;
        while (prev > a && (wcls(c, prev - 1) & (WC_DET | WC_POSS))) prev--;
        int after_place = prev > a && (wcls(c, prev - 1) & WC_PLACE_PREP);
        if (r == 2) {                            /* alias */
            snprintf(code, CODELEN, "%s", c->aliases[p.person - 1]);
        } else switch (p.kind) {
        case AK_PLACE:
            if (!c->loc[0]) { snprintf(c->loc, CODELEN, "%.3s", kr_str(c->d, p.code)); c->loc_s = s; c->loc_e = e; }
            i = e; continue;
        case AK_CAPITAL:
            if (after_place) { if (!c->loc[0]) { snprintf(c->loc, CODELEN, "%.3s", kr_str(c->d, p.code)); c->loc_s = s; c->loc_e = e; } i = e; continue; }
            /* fall through */
        case AK_STATE: case AK_ORG: case AK_PEOPLE:
            snprintf(code, CODELEN, "%s", kr_str(c->d, p.code));
            if (after_place && p.kind == AK_STATE && !c->loc[0]) { snprintf(c->loc, CODELEN, "%.3s", code); c->loc_s = s; c->loc_e = e; }
            break;
        case AK_PERSON:
            snprintf(code, CODELEN, "%s", kr_str(c->d, p.code));
            /* the surname alone refers to this person for the rest of the article */
            if (p.len > 1) add_alias(c, e - 1, code);
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
                rq = match_piece(c, j, b, &q);
                if (rq == 1 && q.kind == AK_AGENT) break;
                if (rq == 1 && q.kind == AK_ADJ) { j += q.len; nf++; rq = 0; continue; }
                rq = 0;
                if (j + 1 < b && ((wcls(c, j) & WC_AND) || (c->tok[j].flags & TF_COMMA)) && nother < 4) {
                    piece q2;
                    if (match_piece(c, j + 1, b, &q2) == 1 && q2.kind == AK_ADJ) {
                        other_code[nother] = p.code; other_tok[nother] = s; nother++;
                        p = q2; s = j + 1; j += 1 + q2.len; e = j; nf++;
                        continue;
                    }
                }
                if (!is_filler(c, j)) break;
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
                if (!p.foreign && (strlen(ac) == 3 || igo_ok) && !nother && e < b && is_filler(c, e) && !(c->tok[e].flags & TF_NUM)) {
                    /* the mention is the adjective alone, so the noun can still be a
                    ** trigger ("repelled Russian attacks") */
                    int mi = add_mention(c, s, e, ac, AK_ADJ);
                    if (mi >= 0) c->m[mi].weak = 1;
                    i = e; continue;
                }
                i = e; continue;
            }
            for (int k = 0; k < nother; k++) {
                char oc[CODELEN]; with_sector(oc, kr_str(c->d, other_code[k]), kr_str(c->d, q.code));
                add_mention(c, other_tok[k], other_tok[k] + 1, oc, AK_ADJ);
            }
            with_sector(code, kr_str(c->d, p.code), kr_str(c->d, q.code));
            e = j + q.len;
            e = take_names(c, e, b, code, ov);
            if (ov[0]) snprintf(code, CODELEN, "%s", ov);
            break;
        }
        case AK_AGENT: {
            /* role + person, or role + van/of + state */
            uint32_t j = e;
            piece q;
            if (j < b && match_piece(c, j, b, &q) == 1 && q.kind == AK_PERSON) {
                snprintf(code, CODELEN, "%s", kr_str(c->d, q.code)); e = j + q.len;
                if (q.len > 1) add_alias(c, e - 1, code);
                break;
            }
            /* foreign agent (TABARI): of/in + actor, prefix agents, FORMER, CONVERT AGENT */
            if (p.foreign) { if (f_agent_actor(c, a, b, s, &e, &p, code)) break; i = e; continue; }
            int bare = 1;
            if (j + 1 < b && (wcls(c, j) & WC_OF)) {
                uint32_t k = j + 1;
                while (k < b && (wcls(c, k) & WC_DET)) k++;
                if (k < b && match_piece(c, k, b, &q) == 1 && (q.kind == AK_STATE || q.kind == AK_ORG || q.kind == AK_CAPITAL)) {
                    with_sector(code, kr_str(c->d, q.code), kr_str(c->d, p.code));
                    e = k + q.len;
                    break;
                }
                /* "de regering van (president) Maduro": the role of the person's state */
                piece q2; uint32_t k2 = k;
                if (k < b && match_piece(c, k, b, &q) == 1 && q.kind == AK_AGENT && !q.foreign) k2 = k + q.len;
                if (k2 < b && match_piece(c, k2, b, &q2) == 1 && q2.kind == AK_PERSON) {
                    char pc[4]; snprintf(pc, sizeof pc, "%.3s", kr_str(c->d, q2.code));
                    if (strlen(pc) == 3 && strncmp(pc, "IGO", 3)) {
                        with_sector(code, pc, kr_str(c->d, p.code));
                        e = k2 + q2.len;
                        if (q2.len > 1) add_alias(c, e - 1, kr_str(c->d, q2.code));
                        break;
                    }
                }
                piece q3;
                if (k < b && match_piece(c, k, b, &q3)) bare = 0;       /* "de president van de Raad": not ours to guess */
            }
            /* a role word alone ("de oppositie", "the police", "het kabinet") acts for the
            ** article's own country */
            const char *ag = kr_str(c->d, p.code);
            if (bare && c->home[0] && ag[0] == '~' && ag[1]) {
                /* the state of the latest actor of the sentence ("Syrian forces attacked
                ** rebel positions"), else the article's own country */
                const char *st = c->home;
                for (int k = c->nm - 1; k >= 0; k--) if (!c->m[k].bare && strlen(c->m[k].code) >= 3 && strncmp(c->m[k].code, "IGO", 3)) { st = c->m[k].code; break; }
                char st3[4]; snprintf(st3, sizeof st3, "%.3s", st);
                with_sector(code, st3, ag);
                int mi = add_mention(c, s, e, code, AK_AGENT);
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
            if (j < b && adjunct && match_piece(c, j, b, &q) == 1 && q.kind == AK_AGENT) {
                char tmp[CODELEN]; with_sector(tmp, code, kr_str(c->d, q.code));
                snprintf(code, CODELEN, "%s", tmp);
                e = j + q.len;
                if (p.kind != AK_PERSON) { e = take_names(c, e, b, code, ov); if (ov[0]) snprintf(code, CODELEN, "%s", ov); }
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
        int mi = add_mention(c, s, e, code, p.kind);
        if (mi >= 0 && r == 2) c->m[mi].kind = AK_PERSON;
        if (mi >= 0 && (c->m[mi].kind == AK_PERSON || ((p.kind == AK_ADJ || p.kind == AK_AGENT) && e - s >= 3 && c->tok[e-1].cap)))
            c->m[mi].named = 1;
        if (mi >= 0 && p.foreign && strchr(code, '/')) f_split_compound(c, mi);   /* foreign: TABARI [A/B/C] */
        i = e;
    }
    /* prepositional phrases, loc-only and skipped mentions */
    for (int k = 0; k < c->nm; k++) {
        mention *m = &c->m[k];
        uint32_t t = m->s;
        while (t > a && (wcls(c, t - 1) & (WC_DET | WC_POSS) || (c->tok[t-1].flags & TF_NUM))) t--;
        /* "After Russia annexed Crimea, ...": a word that is a preposition and a
        ** subordinator, opening the sentence or a comma piece, with a verb right after
        ** the actor, is the subordinator and the actor is a subject */
        int sub_here = t > a && (wcls(c, t - 1) & WC_SUB_OTHER) && (t - 1 == a || (c->tok[t-2].flags & TF_COMMA)) &&
                       m->e < b && is_trigger_form(c, m->e);
        if (t > a && (wcls(c, t - 1) & WC_PREP) && !sub_here) {
            m->in_pp = 1; m->prep = c->tok[t-1].wid;
            if (wcls(c, t - 1) & WC_SKIP) m->skip = 1;
        }
        /* "erkennen Guaidó als het wettige staatshoofd van Venezuela": a role after
        ** als/as describes the actor before it and is no actor of its own */
        if (m->kind == AK_AGENT && k > 0) {
            uint32_t u = m->s, n = 0;
            while (u > a && n < 3 && ((wcls(c, u - 1) & (WC_DET | WC_POSS)) || is_filler(c, u - 1))) { u--; n++; }
            if (u > a && !strcmp(c->tok[u-1].fold, c->lang ? "as" : "als") && c->m[k-1].e == u - 1) m->skip = 1;
        }
        /* "honderdduizenden Nederlanders", "300 Syrians": people counted are a crowd
        ** (civilians, CVL), who protest but do not consult or visit for their state */
        if (m->kind == AK_PEOPLE && m->s > a && ((c->tok[m->s-1].flags & TF_NUM) || (wcls(c, m->s - 1) & WC_QUANT))) {
            m->crowd = 1;
            if (strlen(m->code) == 3) memcpy(m->code + 3, "CVL", 4);
        }
        /* a parenthesized repeat "(OVSE)" is the same actor */
        if (k > 0 && m->s > a && (c->tok[m->s - 1].flags & TF_OPEN) && m->s - 1 == c->m[k-1].e && !strcmp(m->code, c->m[k-1].code)) m->skip = 1;
    }
    /* groups: mentions joined by en/and, parentheses, or commas in a list that ends
    ** with en/and ("Rusland, China en Iran"); a lone comma ("..., the US will") is not
    ** a join */
    int join[MAXM];     /* join[k]: how m[k-1] and m[k] are joined: 0 no, 1 comma, 2 and/paren */
    for (int k = 1; k < c->nm; k++) {
        mention *p = &c->m[k-1], *m = &c->m[k];
        uint32_t gap = m->s - p->e, ok = gap <= 5;
        int ands = 0, commas = 0;
        for (uint32_t t = p->e; t < m->s && ok; t++) {
            uint64_t w = wcls(c, t);
            if (w & WC_AND) ands++;
            else if (c->tok[t].flags & (TF_OPEN | TF_CLOSE)) ands++;
            else if (c->tok[t].flags & TF_COMMA) commas++;
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
        for (int j = 0; j < c->ncur_codes; j++) if (same_actor(c->cur_codes[j], M->code)) dup = 1;
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
        snprintf(c->recent_m[0], CODELEN, "%s", c->m[k].code);
        c->recent_m_sent[0] = c->cur_sent;
        if (c->nrecent_m < 8) c->nrecent_m++;
    }
}

/* ------------------------------------------------------------ clauses */

static int mention_at(const kr_coder *c, uint32_t t) {
    for (int k = 0; k < c->nm; k++) if (c->m[k].s <= t && t < c->m[k].e) return k;
    return -1;
}

static int next_is_actor(const kr_coder *c, uint32_t t, uint32_t b) {
    uint32_t k = t;
    while (k < b && (wcls(c, k) & (WC_DET | WC_POSS))) k++;
    if (k >= b) return 0;
    if (wcls(c, k) & WC_PRON) return 1;
    return mention_at(c, k) >= 0;
}

static void new_clause(kr_coder *c, uint32_t s, int type) {
    if (c->ncl >= MAXC) return;
    if (c->ncl) c->cl[c->ncl - 1].e = s;
    clause *k = &c->cl[c->ncl++];
    memset(k, 0, sizeof *k);
    k->s = s; k->type = type; k->subj = -1; k->pron_subj = -1; k->by = -1; k->parent = -1; k->antecedent = -1;
}

static void segment(kr_coder *c, uint32_t a, uint32_t b) {
    c->ncl = 0;
    new_clause(c, a, CL_MAIN);
    for (uint32_t t = a; t < b; t++) {
        uint64_t w = wcls(c, t);
        int in_m = mention_at(c, t) >= 0;
        clause *cur = &c->cl[c->ncl - 1];
        if (c->tok[t].flags & TF_COLON) { new_clause(c, t + 1, CL_MAIN); continue; }
        if (c->tok[t].flags & TF_COMMA) {
            /* a comma inside a list of actors does not end a clause */
            int prev_m = t > a && mention_at(c, t - 1) >= 0;
            uint32_t k = t + 1; while (k < b && (wcls(c, k) & (WC_DET | WC_AND))) k++;
            int next_m = k < b && mention_at(c, k) >= 0;
            if (prev_m && next_m && mention_at(c, t - 1) >= 0 && c->m[mention_at(c, k)].group == c->m[mention_at(c, t - 1)].group) continue;
            if (t + 1 < b && (wcls(c, t + 1) & (WC_SUB_DAT | WC_SUB_COND | WC_SUB_QUEST | WC_SUB_PURPOSE | WC_SUB_OM | WC_SUB_OTHER | WC_REL | WC_COORD))) continue;  /* the word starts it */
            new_clause(c, t + 1, CL_MAIN);
            continue;
        }
        /* "Russia said Ukraine attacked ...": a subject right after a reporting verb opens
        ** a that-clause without "that" (the verb is not part of an actor: "the said
        ** agreement" has no subject after it) */
        if (t > cur->s && (wcls(c, t - 1) & WC_SAY) && mention_at(c, t - 1) < 0 && next_is_actor(c, t, b) &&
            !(wcls(c, t) & WC_PRON_OBJ)) {
            new_clause(c, t, CL_DAT); continue;
        }
        if (in_m || t == cur->s) {
            /* a clause-initial subordinator sets the type of the current clause */
            if (t == cur->s && t == a) {
                if (w & WC_SUB_COND && next_is_actor(c, t + 1, b)) cur->type = CL_COND;
                else if ((w & WC_SUB_OTHER) && !(w & WC_SUB_DAT)) cur->type = CL_OTHER;
                continue;
            }
            if (t == cur->s && !in_m) {
                if ((w & WC_SUB_DAT) && !(t + 1 < b && kr_map_get(&c->L->eventref, c->tok[t+1].fold, c->tok[t+1].flen))) cur->type = CL_DAT;
                else if (w & WC_SUB_COND) cur->type = CL_COND;
                else if (w & WC_SUB_QUEST) cur->type = CL_QUEST;
                else if (w & WC_SUB_PURPOSE) cur->type = CL_PURPOSE;
                else if (w & WC_SUB_OM) cur->type = CL_OM;
                else if (w & WC_SUB_OTHER) cur->type = CL_OTHER;
                else if (w & WC_REL) cur->type = CL_REL;
            }
            continue;
        }
        if (is_punct(c, t)) continue;
        int prev_comma = t > a && (c->tok[t-1].flags & TF_COMMA);
        if (w & WC_COORD) { new_clause(c, t, CL_MAIN); continue; }
        /* "..., en de VS reageerden": "en" + a new subject after a verb starts a clause */
        if ((w & WC_AND) && t > cur->s && mention_at(c, t - 1) < 0 && next_is_actor(c, t + 1, b)) {
            int verb_before = 0;
            for (uint32_t k = cur->s; k < t; k++) if (is_trigger_form(c, k) && mention_at(c, k) < 0) verb_before = 1;
            if (verb_before) { new_clause(c, t, CL_MAIN); continue; }
        }
        if ((w & WC_SUB_DAT) && t > a) {
            /* "dat" after a determiner-less position: subordinator; before an event noun: demonstrative */
            if (t + 1 < b && kr_map_get(&c->L->eventref, c->tok[t+1].fold, c->tok[t+1].flen)) continue;
            /* "dat moment", "that agreement": a determiner before an ordinary noun */
            if (c->lang == 0 && t + 1 < b && !is_punct(c, t - 1) && !is_punct(c, t + 1) && !c->tok[t+1].cap && !wcls(c, t + 1) && mention_at(c, t + 1) < 0 &&
                !is_trigger_form(c, t + 1)) continue;
            if (c->lang == 1 && (wcls(c, t - 1) & WC_PREP)) continue;     /* "of that agreement" */
            new_clause(c, t, CL_DAT); continue;
        }
        if ((w & WC_SUB_COND) && next_is_actor(c, t + 1, b)) { new_clause(c, t, CL_COND); continue; }
        if ((w & WC_SUB_QUEST) && (prev_comma || (t > a && (wcls(c, t - 1) & WC_QPREV)))) { new_clause(c, t, CL_QUEST); continue; }
        if (w & WC_SUB_PURPOSE) { new_clause(c, t, CL_PURPOSE); continue; }
        if (w & WC_SUB_OM) {
            int te = 0;
            for (uint32_t k = t + 1; k < b && k < t + 14; k++) if (wcls(c, k) & WC_TE) { te = 1; break; }
            if (te) { new_clause(c, t, CL_OM); continue; }
        }
        if ((w & WC_SUB_OTHER) && !(w & WC_PREP)) { new_clause(c, t, CL_OTHER); continue; }
        if (w & WC_SUB_OTHER && next_is_actor(c, t + 1, b)) { new_clause(c, t, CL_OTHER); continue; }
        /* relative pronoun after an actor, a comma, or an ordinary noun ("overeenkomsten
        ** die Moskou met Venezuela sloot") */
        int after_noun = t > a && !is_punct(c, t - 1) && !wcls(c, t - 1) && !c->tok[t-1].cap && c->lang == 0 &&
                         t + 1 < b && ((wcls(c, t + 1) & (WC_DET | WC_POSS | WC_PRON)) || mention_at(c, t + 1) >= 0);
        if ((w & WC_REL) && t > a && (mention_at(c, t - 1) >= 0 || prev_comma || after_noun)) {
            if (t + 1 < b && kr_map_get(&c->L->eventref, c->tok[t+1].fold, c->tok[t+1].flen)) continue;
            int ante = mention_at(c, t - 1);
            if (ante < 0 && prev_comma && t >= a + 2) ante = mention_at(c, t - 2);
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
        if (k->type != CL_MAIN || k->e - k->s > 7) continue;
        if (!(c->tok[k->s - 1].flags & TF_COMMA) || !(c->tok[k->e - 1].flags & TF_COMMA)) continue;
        if (wcls(c, k->s) & (WC_COORD | WC_AND)) continue;
        int has_m = 0;
        for (uint32_t t = k->s; t < k->e; t++) if (mention_at(c, t) >= 0) has_m = 1;
        if (!has_m && !(c->cl[i-1].type == CL_MAIN)) continue;
        /* merge i-1, i and i+1 when i+1 continues the main clause */
        if (c->cl[i+1].type != CL_MAIN) continue;
        c->cl[i-1].e = c->cl[i+1].e;
        for (int j = i + 2; j < c->ncl; j++) c->cl[j-2] = c->cl[j];
        c->ncl -= 2;
        i--;
    }
}

static void codeset_from_group(const kr_coder *c, int head, codeset *cs) {
    cs->n = 0; cs->ts = c->m[head].s; cs->te = c->m[head].e;
    for (int k = head; k < c->nm; k++) if (c->m[k].group == head && c->m[k].e > cs->te) cs->te = c->m[k].e;
    for (int k = head; k < c->nm && cs->n < 4; k++) {
        if (c->m[k].group != head || c->m[k].skip) continue;
        if (c->m[k].weak && !c->m[head].weak) continue;     /* "Duitsland en zijn Europese partners" */
        int dup = 0;
        for (int j = 0; j < cs->n; j++) if (!strcmp(cs->code[j], c->m[k].code)) dup = 1;
        if (!dup) snprintf(cs->code[cs->n++], CODELEN, "%s", c->m[k].code);
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
    if (!is_filler(c, n) || wcls(c, n)) return 0;
    if (is_trigger_form(c, n)) return 0;
    if (is_punct(c, nn)) return 1;
    uint64_t w2 = wcls(c, nn);
    if (w2 & (WC_DET | WC_POSS | WC_PRON | WC_NEG)) return 0;
    if (mention_at(c, nn) >= 0) return 0;
    if (w2 & (WC_PREP | WC_AND | WC_OF)) return 1;
    if (is_trigger_form(c, nn)) return 1;
    return 0;
}

static void analyse_clauses(kr_coder *c) {
    for (int i = 0; i < c->ncl; i++) {
        clause *k = &c->cl[i];
        k->parent = i > 0 ? i - 1 : (c->ncl > 1 ? 1 : -1);
        if (k->type != CL_MAIN && i > 0) {
            /* parent: nearest earlier clause that is not a sibling of the same kind */
            k->parent = i - 1;
        }
        for (uint32_t t = k->s; t < k->e; t++) {
            uint64_t w = wcls(c, t);
            if (mention_at(c, t) >= 0) continue;
            /* "niet alleen ... maar ook", "not only": no negation; "warned X not to
            ** interfere": the negation belongs to the infinitive, not to the warning */
            if ((w & WC_NEG) && !(t + 1 < k->e && ((c->tok[t+1].flen == 6 && !memcmp(c->tok[t+1].fold, "alleen", 6)) ||
                                                  (c->tok[t+1].flen == 4 && !memcmp(c->tok[t+1].fold, "only", 4)) ||
                                                  (c->lang == 1 && (wcls(c, t + 1) & WC_TE))))) k->neg = 1;
            if (w & WC_MODAL) k->modal = 1;
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
        if (k->type == CL_REL && k->antecedent >= 0) { k->subj = c->m[k->antecedent].group; continue; }
        if (k->type == CL_OM && k->parent >= 0) {
            /* the om/te clause has the subject of its parent */
            clause *p = &c->cl[k->parent];
            k->subj = p->subj; k->pron_subj = p->pron_subj;
            continue;
        }
        for (uint32_t t = k->s; t < k->e; t++) {
            int mi = mention_at(c, t);
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
                !((w & WC_DET) && t + 1 < k->e && mention_at(c, t + 1) >= 0) && !article_before_noun(c, t, k->e)) {
                /* resolve to the latest subject (singular pronouns skip plural ones) */
                if (c->npron >= MAXC) break;
                codeset *cs = &c->pron[c->npron];
                /* in a subordinate clause a singular pronoun refers back to an actor of the
                ** governing clause other than its subject: "warned Russia that it ..." */
                if (k->type != CL_MAIN && (w & WC_PRON_SG) && i > 0) {
                    int psubj = c->cl[k->parent >= 0 ? k->parent : 0].subj;
                    int found = -1;
                    for (int m = c->nm - 1; m >= 0; m--) {
                        if (c->m[m].s >= t || c->m[m].skip || c->m[m].plural || c->m[m].weak) continue;
                        if (psubj >= 0 && c->m[m].group == psubj) continue;
                        found = m; break;
                    }
                    if (found >= 0) {
                        cs->n = 1; memcpy(cs->code[0], c->m[found].code, CODELEN);
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
            if (k->subj >= 0) { codeset_from_group(c, k->subj, &cs); pl = group_plural(c, k->subj); }
            else { cs = c->pron[k->pron_subj]; pl = c->last_subj_plural; }
            if (cs.n && (k->subj >= 0)) {
                c->prev_subj = c->last_subj; c->prev_subj_plural = c->last_subj_plural;
                c->last_subj = cs; c->last_subj_plural = pl; c->last_subj_sent = c->cur_sent; c->quotes_since_subj = 0;
            }
        }
    }
}

static void subject_codes(const kr_coder *c, const clause *k, codeset *cs);

/* ------------------------------------------------------------ quotations */

/* The speaker of a quotation is the subject of what it says: ",,Zonder meerderheid
** krijgen ze niets gedaan'', zei Asscher", '"We will act," said Johnson', 'Johnson
** said: "I will act"', "..., aldus Wang".  Clauses inside the quotation without a
** subject of their own, or with "ik"/"we"/"I" as subject, get the speaker. */
static int is_quote(const kr_coder *c, uint32_t t) { return (c->tok[t].flags & TF_QUOTE) != 0; }

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
    while (u < b && c->tok[u].cap && !is_punct(c, u) && !(c->tok[u].wid && c->L->wclass[c->tok[u].wid]) && mention_at(c, u) < 0) u++;
    if (u - t >= 2 && u - t <= 4) { s = t; e = u; }
    else if (v > a) {           /* '"...," Jan Jansen said' */
        u = v;
        while (u > a && c->tok[u-1].cap && !is_punct(c, u - 1) && !(c->tok[u-1].wid && c->L->wclass[c->tok[u-1].wid]) && mention_at(c, u - 1) < 0) u--;
        if (v - u >= 2 && v - u <= 4 && u > a && is_quote(c, u - 1 - ((c->tok[u-1].flags & TF_COMMA) && u - 1 > a ? 1 : 0))) { s = u; e = v; }
    }
    if (s == b) return -1;
    int mi = add_mention(c, s, e, c->home, AK_PERSON);
    if (mi < 0) return -1;
    c->m[mi].named = 1;
    add_alias(c, e - 1, c->home);
    return mi;
}

static void quote_speaker(kr_coder *c, uint32_t a, uint32_t b) {
    int nq = 0;
    for (uint32_t t = a; t < b; t++) if (is_quote(c, t)) nq++;
    int aldus = 0, spk0 = -1;
    uint32_t v = b;
    for (uint32_t t = a; t < b && v == b; t++) {
        if (!(wcls(c, t) & WC_SPEAKER) || mention_at(c, t) >= 0) continue;
        /* after the quotation: '..."' [,] said/zei; or "..., aldus X" */
        uint32_t u = t;
        while (u > a && (c->tok[u-1].flags & TF_COMMA) && !is_quote(c, u - 1)) u--;
        if (u > a && is_quote(c, u - 1)) { v = t; break; }
        /* '"...," Trump said': the speaker stands between the quotation and the verb */
        if (t > a && mention_at(c, t - 1) >= 0) {
            int mi = mention_at(c, t - 1);
            u = c->m[mi].s;
            while (u > a && (wcls(c, u - 1) & (WC_DET | WC_POSS))) u--;
            while (u > a && (c->tok[u-1].flags & TF_COMMA) && !is_quote(c, u - 1)) u--;
            if (u > a && is_quote(c, u - 1)) { v = t; spk0 = c->m[mi].group; break; }
        }
        if (nq == 0 && t > a && (c->tok[t-1].flags & TF_COMMA) && c->tok[t].flen == 5 && !memcmp(c->tok[t].fold, "aldus", 5)) { v = t; aldus = 1; break; }
        /* before it: 'X said: "...' / 'X said, "...' */
        u = t + 1;
        while (u < b && (c->tok[u].flags & (TF_COMMA | TF_COLON)) && !is_quote(c, u)) u++;
        if (u < b && is_quote(c, u)) { v = t; break; }
    }
    if (v == b) return;
    /* the speaker: the actor right after the verb ("zei May", "said Prime Minister
    ** Johnson"), else the subject of the verb's clause */
    int spk = spk0;
    for (int m = 0; m < c->nm && spk < 0; m++) {
        const mention *M = &c->m[m];
        if (M->s <= v || M->skip || M->weak || M->in_pp) continue;
        if (M->s > v + 4) break;
        spk = M->group; break;
    }
    int vc = -1;
    for (int i = 0; i < c->ncl; i++) if (v >= c->cl[i].s && v < c->cl[i].e) vc = i;
    if (spk < 0 && (vc < 0 || (c->cl[vc].subj < 0 && c->cl[vc].pron_subj < 0))) spk = unknown_speaker(c, a, b, v);
    codeset cs; cs.n = 0;
    if (spk >= 0) codeset_from_group(c, spk, &cs);
    else if (vc >= 0) subject_codes(c, &c->cl[vc], &cs);
    if (!cs.n || c->npron >= MAXC) return;
    int pi = c->npron;
    c->pron[c->npron++] = cs;
    c->spk_pron = pi;
    (void)aldus;
    for (int i = 0; i < c->ncl; i++) {
        clause *k = &c->cl[i];
        if (i == vc || (spk0 >= 0 && c->m[spk0].s >= c->cl[i].s && c->m[spk0].s < c->cl[i].e)) continue;
        if (i < 64) c->spk_cl |= 1ull << i;
        int first = 0;
        if (k->subj >= 0 || k->pron_subj >= 0) {
            /* "we"/"ik" before the subject found */
            for (uint32_t t = k->s; t < k->e && t < k->s + 3; t++) if (wcls(c, t) & WC_FIRST) first = 1;
            if (!first) continue;
        }
        k->subj = -1; k->pron_subj = pi;
    }
}

/* ------------------------------------------------------------ triggers */

static int clause_of(const kr_coder *c, uint32_t t) {
    for (int i = 0; i < c->ncl; i++) if (c->cl[i].s <= t && t < c->cl[i].e) return i;
    return -1;
}

static int code_root(const kr_dict *d, int code) {
    if (code < 0) return 0;
    const char *s = d->cameo[code].code;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static void find_triggers(kr_coder *c, uint32_t a, uint32_t b) {
    const kr_lang *L = c->L;
    c->nth = 0;
    for (uint32_t t = a; t < b && c->nth < MAXM; t++) {
        uint32_t w = c->tok[t].wid;
        if (!w || w >= L->tf_cap || !L->tf_first[w]) continue;
        if (mention_at(c, t) >= 0) continue;
        /* a capitalized word inside a sentence is part of a name ("Free Trade Area")
        ** (foreign verbs: code_foreign decides, also for all-capitals text) */
        int capword = c->tok[t].cap && t > a && !is_punct(c, t - 1);
        int ci = clause_of(c, t);
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
                if ((pw & (WC_DET | WC_POSS)) && !(pw & (WC_REL | WC_PRON | WC_PASS_AUX | WC_SUB_DAT))) continue;
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
            h->tok = t; h->ntok = F->nseq; h->trig = F->trig; h->clause = ci;
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

static int governing_root(int r) { return r == 2 || r == 3 || r == 10 || r == 11 || r == 12 || r == 13; }

static void subject_codes(const kr_coder *c, const clause *k, codeset *cs);
typedef struct match_res match_res;
static int run_pattern(const kr_coder *c, const trig_hit *h, const kr_pattern *P, const codeset *subj, int subj_group, match_res *r);

static void mark_irrealis(kr_coder *c) {
    /* a trailing fragment after a relative clause (", nog altijd niet.") belongs to the
    ** main clause the relative clause interrupted */
    for (int i = 2; i < c->ncl; i++) {
        clause *k = &c->cl[i];
        if (k->type != CL_MAIN || !k->neg || (c->cl[i-1].type != CL_REL && c->cl[i-1].type != CL_DAT)) continue;
        int has_m = 0, has_t = 0;
        for (int m = 0; m < c->nm; m++) if (c->m[m].s >= k->s && c->m[m].s < k->e) has_m = 1;
        for (int h = 0; h < c->nth; h++) if (c->th[h].clause == i) has_t = 1;
        if (!has_m && !has_t) c->cl[i-2].neg = 1;
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
            if (gov) { k->governed = 1; k->irrealis = 1; }
        }
    }
}

/* ------------------------------------------------------------ patterns */

static int tok_matches(const kr_coder *c, uint32_t t, const kr_pelem *e) {
    const kr_tok *k = &c->tok[t];
    if (e->type == PE_WORD) { for (uint32_t i = 0; i < e->nalt; i++) if (k->wid == e->alts[i]) return 1; return 0; }
    if (e->type == PE_PREFIX) return k->flen >= e->plen && !memcmp(k->fold, e->prefix, e->plen);
    if (e->type == PE_SET) {
        for (uint32_t i = 0; i < e->nalt; i++) if (k->wid == e->alts[i]) return 1;
        for (uint32_t i = 0; i < e->nprefix; i++) { size_t l = strlen(e->prefixes[i]); if (k->flen >= l && !memcmp(k->fold, e->prefixes[i], l)) return 1; }
        return 0;
    }
    return 0;
}

struct match_res {
    int code;
    codeset src, tgt;
    int explicit_src, recip;
    int tgt_head;          /* mention group used as target */
    int words_only;        /* a pattern of words only matched: its code, the target as for a bare trigger */
};

/* first mention group starting at or after t within [t, e) that is usable; adjacent:
** only determiners, possessives and lower-case fillers in between */
static int mention_from(const kr_coder *c, uint32_t t, uint32_t e, int adjacent, int not_group) {
    for (int k = 0; k < c->nm; k++) {
        const mention *m = &c->m[k];
        if (m->s < t || m->s >= e || m->skip || m->group == not_group) continue;
        if (adjacent) {
            /* only articles, possessives, ordinary words and one "van"/"of" between:
            ** "op de uitspraken van Poetin", "met zijn Amerikaanse collega" */
            int nof = 0, nfill = 0;
            for (uint32_t x = t; x < m->s; x++) {
                if (x - t > 4) return -1;
                uint64_t w = wcls(c, x);
                if ((w & WC_OF) && !nof && x > t) { nof = 1; continue; }
                if (w & (WC_DET | WC_POSS)) continue;
                if (is_trigger_form(c, x)) return -1;   /* "to leave the EU": a verb between */
                if (!is_filler(c, x) || ++nfill > 2) return -1;
            }
        }
        return m->group == k ? k : m->group;
    }
    return -1;
}

static void subject_codes(const kr_coder *c, const clause *k, codeset *cs) {
    cs->n = 0; cs->te = 0;
    if (k->subj >= 0) codeset_from_group(c, k->subj, cs);
    else if (k->pron_subj >= 0) *cs = c->pron[k->pron_subj];
}

static int run_pattern(const kr_coder *c, const trig_hit *h, const kr_pattern *P, const codeset *subj, int subj_group, match_res *r) {
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
            if (i == 0 && c->lang == 1 && ci == h->clause && pos < h->tok + h->ntok && !(c->cl[ci].passive && c->cl[ci].by >= 0))
                pos = h->tok + h->ntok;
            for (uint32_t t = pos; t < c->cl[ci].e; t++) {
                if (t >= h->tok && t < h->tok + h->ntok) continue;
                if (tok_matches(c, t, e)) { found = (int)t; break; }
            }
            /* in a relative clause the antecedent noun belongs to the verb too:
            ** "overeenkomsten die Moskou met Venezuela sloot" */
            if (found < 0 && c->cl[ci].type == CL_REL && c->cl[ci].s > 0 && !is_punct(c, c->cl[ci].s - 1) && pos <= c->cl[ci].s + 1 &&
                tok_matches(c, c->cl[ci].s - 1, e)) found = (int)c->cl[ci].s;
            /* a subordinator word may open a following clause */
            if (found < 0 && e->type == PE_WORD && (c->L->wclass[e->alts[0]] & (WC_SUB_DAT | WC_SUB_COND | WC_SUB_QUEST | WC_SUB_OM | WC_SUB_PURPOSE | WC_SUB_OTHER | WC_REL))) {
                for (int cj = ci + 1; cj < c->ncl; cj++) {
                    if (tok_matches(c, c->cl[cj].s, e)) { ci = cj; found = (int)c->cl[cj].s; break; }
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
                subject_codes(c, k, &cs);
                if (!cs.n) return 0;
                g = k->subj;
            } else {
                /* English is SVO: a bare + at the start of a pattern is the object after the verb */
                if (i == 0 && c->lang == 1 && e->type == PE_TARGET && pos < h->tok + h->ntok) pos = h->tok + h->ntok;
                /* "met +": the actor follows the preposition; "&TROEPEN +": any later actor */
                int adj = e->adjacent && prev_word && i > 0 && P->el[i-1].type == PE_WORD && P->el[i-1].nalt &&
                          (c->L->wclass[P->el[i-1].alts[0]] & (WC_PREP | WC_OF | WC_BY | WC_TE));
                g = mention_from(c, pos, ci == h->clause ? h->cend : c->cl[ci].e, adj, subj_group);
                if (g < 0 && c->relax_target && e->type == PE_TARGET) { prev_word = prev_sub = 0; continue; }
                if (g < 0) return 0;
                codeset_from_group(c, g, &cs);
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
                codeset cs; codeset_from_group(c, g, &cs);
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
        int mi = last_word >= 0 ? mention_at(c, (uint32_t)last_word) : -1;
        if (mi >= 0 && !c->m[mi].skip && (c->m[mi].group != subj_group || passive_subj) && c->m[mi].s >= hk->s) {
            codeset_from_group(c, c->m[mi].group, &r->tgt); r->tgt_head = c->m[mi].group;
        } else r->words_only = 1;
    }
    return 1;
}

/* the root each trigger will code (first matching pattern, else its own code): needed
** before coding to know which clauses are governed by demands, threats, appeals ... */
static void resolve_roots(kr_coder *c) {
    const kr_lang *L = c->L;
    for (int h = 0; h < c->nth; h++) {
        trig_hit *H = &c->th[h];
        const kr_trigger *T = &L->trig[H->trig];
        codeset subj; subject_codes(c, &c->cl[H->clause], &subj);
        match_res r; memset(&r, 0, sizeof r);
        H->root = code_root(c->d, T->code);      /* 0 for --- unless a pattern matches */
        for (uint32_t p = 0; p < T->npat; p++)
            if (run_pattern(c, H, &T->pat[p], &subj, c->cl[H->clause].subj, &r)) { H->root = r.code >= 0 ? code_root(c->d, r.code) : 0; break; }
    }
}

/* ------------------------------------------------------------ events */

static const char *map_intent(const kr_coder *c, const char *code) {
    const kr_lang *L = c->L;
    size_t best = 0; const char *to = NULL;
    for (uint32_t i = 0; i < L->nintent; i++) {
        size_t l = strlen(L->intent[i].from);
        if (l > best && !strncmp(code, L->intent[i].from, l)) { best = l; to = L->intent[i].to; }
    }
    return to;
}

static void span_text(const kr_coder *c, uint32_t s, uint32_t e, char *out, size_t cap) {
    if (e <= s) { out[0] = 0; return; }
    uint32_t off = c->tok[s].off, end = c->tok[e-1].off + c->tok[e-1].len;
    size_t l = end - off; if (l >= cap) l = cap - 1;
    memcpy(out, c->text.p + off, l); out[l] = 0;
}

static void group_text(const kr_coder *c, int g, char *out, size_t cap) {
    if (g < 0) { out[0] = 0; return; }
    uint32_t s = c->m[g].s, e = c->m[g].e;
    for (int k = g; k < c->nm; k++) if (c->m[k].group == g && c->m[k].e > e) e = c->m[k].e;
    span_text(c, s, e, out, cap);
}

/* the words of this sentence's first mention with the code (members of "Rusland en de VS") */
static void code_text(const kr_coder *c, const char *code, char *out, size_t cap) {
    out[0] = 0;
    for (int k = 0; k < c->nm; k++) if (!strcmp(c->m[k].code, code)) { span_text(c, c->m[k].s, c->m[k].e, out, cap); return; }
}

/* fill in an event and hand it to the caller's callback (own and foreign triggers) */
static void deliver(kr_coder *c, int sent_no, const kr_sent *S, const char *src, const char *tgt, const char *code,
                    const char *vtext, const char *stext, const char *ttext) {
    kr_event ev;
    memset(&ev, 0, sizeof ev);
    ev.doc = c->art->id ? c->art->id : ""; ev.date = c->art->date ? c->art->date : "";
    ev.sentence = sent_no; ev.source = src; ev.target = tgt; ev.code = code;
    ev.root[0] = code[0]; ev.root[1] = code[1]; ev.root[2] = 0;
    kr_cameo_lookup(c->d, code, &ev.goldstein, &ev.quad);
    ev.location = c->loc;
    ev.source_text = stext; ev.target_text = ttext; ev.verb_text = vtext;
    ev.text = kr_strndup(&c->ar, c->text.p + S->off, S->len); ev.sent_off = (int)S->off; ev.sent_len = (int)S->len;
    if (c->fn && c->fn(c->ctx, &ev)) c->stop = 1;
}

static void emit(kr_coder *c, int sent_no, const kr_sent *S, const char *src, const char *tgt, const char *code,
                 const char *vtext, const char *stext, const char *ttext) {
    if (c->stop || !src[0] || !tgt[0] || same_entity(src, tgt)) return;
    int root = (code[0] - '0') * 10 + (code[1] - '0');
    for (int i = 0; i < c->nseen; i++)
        if (c->seen[i].root == root && !strcmp(c->seen[i].s, src) && !strcmp(c->seen[i].t, tgt)) return;
    if (c->nseen < 128) {
        snprintf(c->seen[c->nseen].s, CODELEN, "%s", src); snprintf(c->seen[c->nseen].t, CODELEN, "%s", tgt);
        c->seen[c->nseen++].root = root;
    }
    if (root >= 1 && root <= 20) snprintf(c->last_src[root], CODELEN, "%s", src);
    deliver(c, sent_no, S, src, tgt, code, vtext, stext, ttext);
    /* a meeting, a call, a visit or talks go both ways (GUIDE.md): the visited hosts the
    ** visit (042 <-> 043); mediation (045) does not */
    if (root == 4 && strcmp(code, "045") && c->both_ways) {
        const char *back = !strcmp(code, "042") ? "043" : !strcmp(code, "043") ? "042" : code;
        emit(c, sent_no, S, tgt, src, back, vtext, ttext, stext);
    }
}

/* a state named as a place in the clause ("in Pakistan"), or -1 */
static int place_state(const kr_coder *c, const clause *k) {
    for (int m = 0; m < c->nm; m++) {
        const mention *M = &c->m[m];
        if (M->s < k->s || M->s >= k->e || M->skip || M->group != m || M->kind != AK_STATE) continue;
        if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) return m;
    }
    return -1;
}

/* an event noun inside a prepositional phrase: a preposition before it with only
** articles, possessives, ordinary adjectives and "het begin van" between */
static int in_pp_noun(const kr_coder *c, const trig_hit *H, const clause *k) {
    const kr_trigger *T = &c->L->trig[H->trig];
    if (T->kind != TK_NOUN) return 0;
    for (uint32_t t = H->tok, n = 0; t > k->s && n < 6; t--, n++) {
        uint64_t w = wcls(c, t - 1);
        if (w & (WC_PREP | WC_OF)) return 1;
        if (w & (WC_DET | WC_POSS)) continue;
        if (is_punct(c, t - 1) || c->tok[t-1].cap || mention_at(c, t - 1) >= 0) return 0;
    }
    return 0;
}

/* ------------------------------------------------------------ judgements */

/* A negative judgement stated by an actor ("walgelijk", "onaanvaardbaar", "a
** dastardly act") is disapproval (111) of whom it is about: in a quotation with a known
** speaker, or in the that-clause of a reporting verb ("Orbán zei dat de kritiek
** onterecht is"); the target is an actor of the judged words, else the implied one. */
static void implied_target(kr_coder *c, const trig_hit *H, const clause *k, int subj_group, const codeset *src, int root,
                           codeset *tgt, int *tgt_group);
static void judgement(kr_coder *c, int sent_no, const kr_sent *S) {
    uint64_t region = c->spk_cl;
    codeset src; src.n = 0; src.te = 0;
    int src_group = -1;
    if (c->spk_pron >= 0) src = c->pron[c->spk_pron];
    else {
        /* "X zei dat ...", "X says ...": a reporting verb with a subject and its that-clause */
        for (int i = 0; i < c->ncl && i < 64; i++) {
            const clause *k = &c->cl[i];
            if (k->type != CL_DAT || k->parent < 0) continue;
            const clause *p = &c->cl[k->parent];
            int rep = 0;
            for (uint32_t t = p->s; t < p->e; t++) if ((wcls(c, t) & (WC_SPEAKER | WC_SAY)) && mention_at(c, t) < 0) rep = 1;
            if (!rep) continue;
            codeset cs; subject_codes(c, p, &cs);
            if (!cs.n) continue;
            src = cs; src_group = p->subj; region |= 1ull << i;
        }
    }
    if (!src.n || !region) return;
    int cl = -1; uint32_t at = 0;
    for (int i = 0; i < c->ncl && i < 64 && cl < 0; i++) {
        if (!(region >> i & 1)) continue;
        const clause *k = &c->cl[i];
        if (k->neg) continue;
        for (uint32_t t = k->s; t < k->e; t++) if ((wcls(c, t) & WC_EVAL_NEG) && mention_at(c, t) < 0) { cl = i; at = t; break; }
    }
    if (cl < 0) return;
    codeset tgt; tgt.n = 0; tgt.te = 0;
    int tg = -1;
    for (int i = 0; i < c->ncl && i < 64 && tg < 0; i++) {
        if (!(region >> i & 1)) continue;
        for (int m = 0; m < c->nm; m++) {
            const mention *M = &c->m[m];
            if (M->group != m || M->skip || M->s < c->cl[i].s || M->s >= c->cl[i].e || M->group == src_group) continue;
            if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) continue;
            if (same_entity(M->code, src.code[0])) continue;
            tg = m; break;
        }
    }
    if (tg >= 0) codeset_from_group(c, tg, &tgt);
    else {
        trig_hit h; memset(&h, 0, sizeof h); h.tok = at; h.ntok = 1; h.clause = cl;
        implied_target(c, &h, &c->cl[cl], src_group, &src, 11, &tgt, &tg);
    }
    if (!tgt.n) return;
    char vt[128], st[256], tt[256];
    span_text(c, at, at + 1, vt, sizeof vt);
    if (src.te > src.ts) span_text(c, src.ts, src.te, st, sizeof st); else st[0] = 0;
    if (tg >= 0) group_text(c, tg, tt, sizeof tt); else if (tgt.te > tgt.ts) span_text(c, tgt.ts, tgt.te, tt, sizeof tt); else tt[0] = 0;
    for (int i = 0; i < src.n; i++) for (int j = 0; j < tgt.n; j++) emit(c, sent_no, S, src.code[i], tgt.code[j], "111", vt, st, tt);
}

/* ------------------------------------------------------------ implied targets */

/* A demand, criticism, rejection, threat, appeal, protest or coercion whose clause names
** no one it is aimed at is aimed at whom the reader has in mind: an actor of another
** clause of the sentence ("Volgens Orbán is de kritiek onterecht"), else the latest
** other actor of the last few sentences ("In de Kamer klinkt kritiek.", "Protesters
** rallied again."); protest by citizens or the opposition with no one named is aimed
** at their government. */
#define TARGET_REACH 2      /* sentences back for an implied target */
static int implied_root(int root) {
    return root == 2 || root == 10 || root == 11 || root == 12 || root == 13 || root == 14 || root == 16 || root == 17;
}
static void implied_target(kr_coder *c, const trig_hit *H, const clause *k, int subj_group, const codeset *src, int root,
                           codeset *tgt, int *tgt_group) {
    if (!implied_root(root) || !src->n) return;
    const char *s0 = src->code[0];
    /* another clause of this sentence */
    for (int m = 0; m < c->nm; m++) {
        const mention *M = &c->m[m];
        if (M->group != m || M->skip || M->group == subj_group || (M->s >= k->s && M->s < k->e)) continue;
        if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) continue;
        if (same_entity(M->code, s0)) continue;
        codeset_from_group(c, m, tgt); *tgt_group = m; return;
    }
    size_t sl = strlen(s0);
    if (root == 14 && sl == 6 && (!strcmp(s0 + 3, "CVL") || !strcmp(s0 + 3, "OPP") || !strcmp(s0 + 3, "LAB"))) {
        tgt->n = 1; tgt->te = 0; snprintf(tgt->code[0], CODELEN, "%.3sGOV", s0); return;
    }
    for (int i = 0; i < c->nrecent_m; i++) {
        if (c->recent_m_sent[i] >= c->cur_sent) continue;
        if (c->cur_sent - c->recent_m_sent[i] > TARGET_REACH) break;
        if (same_entity(c->recent_m[i], s0)) continue;
        tgt->n = 1; snprintf(tgt->code[0], CODELEN, "%s", c->recent_m[i]);
        tgt->ts = c->recent_m_tok[i][0]; tgt->te = c->recent_m_tok[i][1]; return;
    }
    (void)H;
}

/* ------------------------------------------------------------ foreign options */

/* TABARI's OPTION settings, given per article in kr_article.options (lines separated
** by ';' or newlines, applied in order to the settings below) and used only when
** coding foreign triggers.  Without options foreign coding uses TABARI's standard
** options file (COMPLEX: VERBS[5] CONJ[4] NOACTPRIOR; CODE BY CLAUSE; COMMA: MIN = 2
** MAX = 10 EMIN = 2 EMAX = 10 BMIN = 255 BMAX = 0; CHECK DOMINANT; no DEFAULT, FORWARD,
** agent conversion or minimum sentence length).  docs/FOREIGN-DICTS.md lists them. */
enum { FO_BY_CLAUSE = 0, FO_BY_SENTENCE, FO_ALL };

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
static kr_status f_article_start(kr_coder *c, const kr_article *a) {
    kr_status st = f_set_options(c, a->options);
    if (st != KR_OK) return st;
    char story[64];
    f_story(c, a->id, story, sizeof story);
    if (story[0] && !strcmp(story, c->fwd_story) && c->fwd_mem.n) c->fprev = c->fwd_mem;  /* pronouns at the start */
    else c->fwd_mem.n = 0;
    snprintf(c->fwd_story, sizeof c->fwd_story, "%s", story);
    return KR_OK;
}

/* ------------------------------------------------------------ foreign triggers */

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
    deliver(c, sent_no, S, src, tgt, code, vtext, src, tgt);
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
            else if (!(wcls(c, t) & (WC_DET | WC_POSS)) && !(is_filler(c, t) && !(c->tok[t].flags & TF_NUM))) ok = 0;
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
        if (!dup) snprintf(cs->code[cs->n++], CODELEN, "%s", c->m[k].code);
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
                if (tok_matches(c, (uint32_t)t, e)) { found = t; break; }
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
                if (tok_matches(c, t, e)) { found = t; break; }
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
            if (adj && !(wcls(c, t) & (WC_DET | WC_POSS)) && !is_filler(c, t)) return 0;
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
    snprintf(f->s, CODELEN, "%s", src); snprintf(f->t, CODELEN, "%s", tgt); snprintf(f->code, 8, "%s", code);
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
    snprintf(out, CODELEN, "%s", M->code);
    for (uint32_t t = M->s; t < M->e; t++) {
        piece p;
        if (match_piece(c, t, M->e, &p) != 1) continue;
        if (p.kind == AK_AGENT || p.kind == AK_NULL || p.kind == AK_DISCARD || p.kind == AK_PLACE) { t += p.len - 1; continue; }
        const char *pc = kr_str(c->d, p.code);
        size_t l = strlen(pc);
        if (l && !strncmp(M->code, pc, l)) snprintf(out, CODELEN, "%s", pc);
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
            src->n = 1; snprintf(src->code[0], CODELEN, "%s", cs.code[0]);
            tgt->n = 0; tgt_before = 0;
            for (int i = 1; i < cs.n; i++) snprintf(tgt->code[tgt->n++], CODELEN, "%s", cs.code[i]);
            if (!tgt->n) {
                uint32_t s0, e0; f_group_span(c, g, &s0, &e0);
                int g2 = f_next_actor(c, e0, ce, del, a, g);
                if (g2 >= 0) f_codeset(c, g2, tgt);
            }
        } else { src->n = 1; snprintf(src->code[0], CODELEN, "%s", o->defsrc); }
    }
    if (!src->n || !o->deftar[0]) return;
    if (tgt->n && !(o->def_after && tgt_before)) return;
    if (!o->def_after && src->n >= 2) {
        tgt->n = 0;
        for (int i = 1; i < src->n; i++) snprintf(tgt->code[tgt->n++], CODELEN, "%s", src->code[i]);
        src->n = 1;
        return;
    }
    tgt->n = 1; snprintf(tgt->code[0], CODELEN, "%s", o->deftar);
}

static void code_foreign(kr_coder *c, int sent_no, const kr_sent *S) {
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
                    for (uint32_t p = 0; p < T2->npat && !matched; p++)
                        if (f_match(c, H2, &T2->pat[p], cs, ce, del, a, subj, &pron, &bd)) { matched = 1; code = T2->pat[p].code; }
                    if (matched && code == -2) { f_flush(c, sent_no, S, seen, nseen); return; }   /* [###]: the rest is not coded */
                    if (!matched) { memset(&bd, 0, sizeof bd); bd.tgt_group = bd.src_group = -1; }
                    if (code < 0) { if (matched) coded = 1; continue; }
                    char vt[256]; span_text(c, H2->tok, H2->tok + H2->ntok, vt, sizeof vt);
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
                            else if (f_is_obj_pron(c, t) && objpron.n && !(src.n && same_actor(objpron.code[0], src.code[0]))) tgt = objpron;
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

static void code_sentence(kr_coder *c, int sent_no, const kr_sent *S) {
    const kr_dict *d = c->d;
    const kr_lang *L = c->L;
    uint32_t a = S->tok0, b = S->tok0 + S->ntok;
    c->loc[0] = 0; c->nseen = 0; c->npron = 0; c->fdiscard = 0; c->spk_pron = -1; c->spk_cl = 0;
    if (c->fstory_discard) return;
    find_mentions(c, a, b);
    segment(c, a, b);
    analyse_clauses(c);
    quote_speaker(c, a, b);
    find_triggers(c, a, b);
    resolve_roots(c);
    mark_irrealis(c);
    for (int k = 0; k < c->nm && c->am; k++) {}
    for (int k = 0; k < c->nm; k++) {
        if (c->nam == c->amcap) { c->amcap = c->amcap ? c->amcap * 2 : 64; c->am = kr_xrealloc(c->am, c->amcap * sizeof *c->am); }
        c->am[c->nam].sent = sent_no; snprintf(c->am[c->nam].code, CODELEN, "%s", c->m[k].code);
        c->am[c->nam].off = c->tok[c->m[k].s].off;
        c->am[c->nam].len = c->tok[c->m[k].e - 1].off + c->tok[c->m[k].e - 1].len - c->am[c->nam].off;
        c->nam++;
    }
    if (c->trace) {
        fprintf(c->trace, "S%d:", sent_no);
        for (int k = 0; k < c->nm; k++) { char t[200]; span_text(c, c->m[k].s, c->m[k].e, t, sizeof t); fprintf(c->trace, " [%s=%s%s g%d]", t, c->m[k].code, c->m[k].in_pp ? " pp" : "", c->m[k].group); }
        fputc('\n', c->trace);
        for (int i = 0; i < c->ncl; i++) {
            char t[400]; span_text(c, c->cl[i].s, c->cl[i].e, t, sizeof t);
            codeset cs; subject_codes(c, &c->cl[i], &cs);
            fprintf(c->trace, "  C%d type=%d subj=%s%s par=%d%s%s%s%s%s: %s\n", i, c->cl[i].type, cs.n ? cs.code[0] : "-", c->cl[i].pron_subj >= 0 ? "(pron)" : "",
                    c->cl[i].parent, c->cl[i].neg ? " NEG" : "", c->cl[i].irrealis ? " IRR" : "", c->cl[i].future ? " FUT" : "", c->cl[i].passive ? " PASS" : "", c->cl[i].governed ? " GOV" : "", t);
        }
        for (int h = 0; h < c->nth; h++) fprintf(c->trace, "  T %s (C%d%s)\n", L->trig[c->th[h].trig].lemma, c->th[h].clause, c->th[h].inf ? " inf" : "");
    }
    code_foreign(c, sent_no, S);
    for (int h = 0; h < c->nth && !c->stop; h++) {
        trig_hit *H = &c->th[h];
        const kr_trigger *T = &L->trig[H->trig];
        clause *k = &c->cl[H->clause];
        if (T->flags & TRIG_FOREIGN) continue;       /* coded by code_foreign */
        if (k->neg || k->irrealis) continue;
        /* an action after "hopes", "considers", "refuses" ... in the same clause did not happen */
        {
            int after_gov = 0;
            for (uint32_t t = k->s; t < H->tok; t++) if ((wcls(c, t) & WC_GOV) && !(wcls(c, t) & WC_INTENT)) {
                int is_own = 0;
                for (int g = 0; g < c->nth; g++) if (c->th[g].tok == t && g != h) is_own = 1;
                (void)is_own;
                after_gov = 1;
            }
            if (after_gov && !H->inf) continue;
        }
        /* an event noun that is the object of another trigger ("condemned the attack",
        ** "demanded guarantees", "arrived for talks") reports background, not an event */
        if (!H->inf) {
            int embedded = 0;
            for (int g = 0; g < c->nth && !embedded; g++) {
                if (g == h || c->th[g].clause != H->clause || c->th[g].inf || !c->th[g].root) continue;
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
            if (embedded) continue;
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
            if (gov_first && inten) continue;     /* "denied plans to attack": the intent is denied */
            for (int g = 0; g < c->nth; g++) if (g != h && c->th[g].clause == H->clause && c->th[g].tok < H->tok && governing_root(c->th[g].root)) gov = 1;
            if (gov && !inten) continue;
            if (inten) intent = 1;
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
        if (k->true_passive && near_aux && k->by < 0 && T->kind == TK_VERB) {
            const char *vf = c->tok[H->tok].fold;
            size_t vl = c->tok[H->tok].flen;
            int participle = (c->lang == 0 && (strstr(vf, "ge") != NULL || vl > 0)) || (c->lang == 1 && vl > 2 && (!strcmp(vf + vl - 2, "ed") || !strcmp(vf + vl - 1, "n") || !strcmp(vf + vl - 1, "t")));
            if (participle) continue;
        }
        codeset subj; subject_codes(c, k, &subj);
        int subj_group = k->subj;
        if (c->lang == 1 && subj_group >= 0) {
            /* English is SVO: the subject is the actor closest before the verb ("Fars
            ** reported Iran issued warrants"), unless an earlier verb joined by "and"
            ** shares the clause subject; an actor after the verb is its object */
            int joined = 0;
            for (int g = 0; g < c->nth; g++) if (g != h && c->th[g].clause == H->clause && c->th[g].tok < H->tok) joined = 1;
            if (!joined) {
                int best = -1;
                for (int m = 0; m < c->nm; m++) {
                    const mention *M = &c->m[m];
                    if (M->s < k->s || M->e > H->tok || M->in_pp || M->skip || M->weak) continue;
                    best = M->group;
                }
                if (best >= 0 && best != subj_group) { subj_group = best; codeset_from_group(c, best, &subj); }
            }
            if (c->m[subj_group].s > H->tok && !(k->passive && k->by >= 0)) { subj.n = 0; subj_group = -1; }
        } else if (c->lang == 0 && subj_group >= 0 && c->m[subj_group].s > H->tok + H->ntok + 3 && !(k->passive && k->by >= 0)) {
            /* Dutch: a subject after the verb stands right behind it (inversion: "Vrijdag
            ** ontmoette minister Hoekstra ..."); an actor further on is not the subject */
            subj.n = 0; subj_group = -1;
        }
        /* an event noun takes its source from before it ("Rusland voerde gesprekken"),
        ** not from a later clause subject ("ondanks oproepen van X maken landen ...") */
        if (T->kind == TK_NOUN && subj_group >= 0 && c->m[subj_group].s > H->tok) { subj.n = 0; subj_group = -1; }
        match_res r; memset(&r, 0, sizeof r);
        int matched = 0;
        for (uint32_t p = 0; p < T->npat; p++) {
            if (run_pattern(c, H, &T->pat[p], &subj, subj_group, &r)) { matched = 1; break; }
        }
        if (!matched && T->code < 0) {
            /* "..., zullen de VS sancties opleggen" under a condition: the condition gives
            ** the target, so a pattern may match without one */
            int has_cond = 0;
            for (int i = 0; i < c->ncl; i++) if (c->cl[i].type == CL_COND && (i == H->clause + 1 || i == H->clause - 1)) has_cond = 1;
            if (has_cond) {
                c->relax_target = 1;
                for (uint32_t p = 0; p < T->npat; p++) if (run_pattern(c, H, &T->pat[p], &subj, subj_group, &r)) { matched = 1; break; }
                c->relax_target = 0;
                if (matched && r.code >= 0 && code_root(d, r.code) < 15) matched = 0;
            }
        }
        if (matched && r.code < 0) continue;          /* discard pattern */
        int own_code = T->code, words_only = 0;
        if (matched && r.words_only) { matched = 0; own_code = r.code; words_only = 1; }
        codeset src = subj, tgt;
        int code = -1;
        int tgt_group = -1;
        tgt.n = 0; tgt.te = 0;
        if (matched) {
            code = r.code;
            if (r.recip) {
                /* all ordered pairs among src (compound) or src x tgt both ways */
                const codeset *A = r.explicit_src ? &r.src : &subj;
                if (r.tgt.n) {
                    codeset both = *A;
                    for (int i = 0; i < r.tgt.n && both.n < 4; i++) snprintf(both.code[both.n++], CODELEN, "%s", r.tgt.code[i]);
                    A = &both;
                    src = *A;
                } else src = *A;
                char vt[256]; span_text(c, H->tok, H->tok + H->ntok, vt, sizeof vt);
                const char *cs = d->cameo[code].code;
                char mt[4][128];
                for (int i = 0; i < src.n; i++) code_text(c, src.code[i], mt[i], sizeof mt[i]);
                for (int i = 0; i < src.n; i++) for (int j = 0; j < src.n; j++) if (i != j)
                    emit(c, sent_no, S, src.code[i], src.code[j], intent && map_intent(c, cs) ? map_intent(c, cs) : cs, vt, mt[i], mt[j]);
                continue;
            }
            if (r.explicit_src) { src = r.src; tgt = subj; tgt_group = subj_group; if (r.tgt.n) { tgt = r.tgt; tgt_group = r.tgt_head; } }
            else { tgt = r.tgt; tgt_group = r.tgt_head; }
            /* violence against a role word alone hits the state named as the place: "air
            ** strikes on a militant camp in Pakistan" */
            if (tgt_group >= 0 && c->m[tgt_group].bare && code_root(d, code) >= 18) {
                int pg = place_state(c, k);
                if (pg >= 0) { codeset_from_group(c, pg, &tgt); tgt_group = pg; }
                else if (c->loc[0] && subj.n && strncmp(c->loc, subj.code[0], 3)) { tgt.n = 1; snprintf(tgt.code[0], CODELEN, "%s", c->loc); tgt.ts = c->loc_s; tgt.te = c->loc_e; tgt_group = -1; }
            }
            /* passive: "Zelensky was welcomed by Biden" -- the by-agent acts on the subject */
            if (k->passive && k->by >= 0 && !r.explicit_src) {
                codeset_from_group(c, k->by, &src);
                if (tgt_group == k->by || tgt_group < 0) { tgt = subj; tgt_group = subj_group; }
            }
        } else {
            if (own_code < 0) continue;
            code = own_code;
            /* a plain statement (010) has an addressee only as the direct object right
            ** after the verb ("told Blinken", "sprak het parlement toe"); otherwise the
            ** nearest actor is what it is about, not whom it addresses */
            int plain_statement = !strcmp(d->cameo[code].code, "010") && !(k->passive && k->by >= 0);
            if (k->passive && k->by >= 0) {
                codeset_from_group(c, k->by, &src);
                tgt = subj; tgt_group = subj_group;
            } else {
                /* nearest other actor in the clause: after the trigger, else before */
                int g = -1;
                /* (a state after "in"/"at" is where it happened, not whom it concerned) */
                for (int m = 0; m < c->nm; m++) {
                    const mention *M = &c->m[m];
                    if (M->s < k->s || M->s >= k->e || M->skip || M->group == subj_group || M->group != m) continue;
                    if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) continue;
                    if (M->s >= H->tok + H->ntok && M->s < H->cend) { g = m; break; }
                }
                /* (in English a words-only pattern takes its target after the trigger only) */
                if (g < 0 && !(words_only && c->lang == 1)) for (int m = c->nm - 1; m >= 0; m--) {
                    const mention *M = &c->m[m];
                    if (M->s < k->s || M->s >= H->tok || M->skip || (M->weak && c->lang == 1) || M->group == subj_group) continue;   /* Dutch objects stand before a final verb */
                    if (M->in_pp && M->prep && (c->L->wclass[M->prep] & WC_PLACE_PREP)) continue;
                    g = M->group; break;
                }
                if (g >= 0 && plain_statement && (c->m[g].in_pp || c->m[g].s < H->tok || c->m[g].s > H->tok + H->ntok + 3)) g = -1;
                /* a role word alone is a weak target for violence when a state is named as
                ** the place ("air strikes on a militant camp in Pakistan") */
                int bare_loc = 0;
                if (g >= 0 && c->m[g].bare && code_root(d, code) >= 18) {
                    int pg = place_state(c, k);
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
                if (bare_loc) { tgt.n = 1; snprintf(tgt.code[0], CODELEN, "%s", c->loc); tgt.ts = c->loc_s; tgt.te = c->loc_e; }
                else if (g >= 0) { codeset_from_group(c, g, &tgt); tgt_group = g; }
                else if (at_place && c->loc[0] && strncmp(c->loc, c->m[subj_group].code, 3)) {
                    tgt.n = 1; snprintf(tgt.code[0], CODELEN, "%s", c->loc); tgt.ts = c->loc_s; tgt.te = c->loc_e;
                }
                else if (src.n && !plain_statement) implied_target(c, H, k, subj_group, &src, code_root(d, code), &tgt, &tgt_group);
            }
        }
        if (code < 0) continue;
        /* "attacked" with a named person as target is words, not force: "Le Maire viel
        ** Hoekstra aan", "Trump attacked Pelosi" (specific violence, 191-196, stays) */
        if (!strcmp(d->cameo[code].code, "190") && tgt_group >= 0 && c->m[tgt_group].named) {
            int v = kr_cameo_index(d, "111");
            if (v >= 0) code = v;
        }
        const char *cs = d->cameo[code].code;
        /* a material action under a condition ("... als Rusland aanvalt") threatens the
        ** condition's subject */
        int root = code_root(d, code);
        int cond_cl = -1;
        if (root >= 15) {
            for (int i = 0; i < c->ncl; i++) if (c->cl[i].type == CL_COND && (i == H->clause + 1 || i == H->clause - 1 || c->cl[i].parent == H->clause)) { cond_cl = i; break; }
        }
        codeset cc; cc.n = 0; cc.te = 0;
        if (cond_cl >= 0) subject_codes(c, &c->cl[cond_cl], &cc);
        if (cc.n && map_intent(c, cs) && src.n && !same_actor(cc.code[0], src.code[0])) {
            tgt = cc; cs = map_intent(c, cs); tgt_group = c->cl[cond_cl].subj;
        } else if (!src.n || !tgt.n) continue;
        else if (intent) {
            const char *m = map_intent(c, cs);
            if (m) cs = m;
        }
        if (subj_group >= 0 && c->m[subj_group].crowd && cs[0] == '0' && cs[1] == '4') continue;   /* tourists are no visit */
        /* an interview ("in gesprek met het Duitse weekblad") is no consultation */
        if (cs[0] == '0' && cs[1] == '4' && tgt.n == 1 && strlen(tgt.code[0]) >= 6 && !strcmp(tgt.code[0] + strlen(tgt.code[0]) - 3, "MED")) continue;
        /* ... nor is telling reporters or one's own media a statement to them (01) */
        if (cs[0] == '0' && cs[1] == '1' && tgt.n == 1 && strlen(tgt.code[0]) >= 6 && !strcmp(tgt.code[0] + strlen(tgt.code[0]) - 3, "MED") &&
            ((tgt_group >= 0 && c->m[tgt_group].bare) || (src.n && !strncmp(src.code[0], tgt.code[0], 3)))) continue;
        char vt[256], st[256], tt[256];
        span_text(c, H->tok, H->tok + H->ntok, vt, sizeof vt);
        /* the evidence is the article's own words, also for an actor named sentences back */
        if (k->subj >= 0 && !r.explicit_src && !(k->passive && k->by >= 0)) group_text(c, k->subj, st, sizeof st);
        else if (src.te > src.ts) span_text(c, src.ts, src.te, st, sizeof st); else st[0] = 0;
        if (tgt_group >= 0) group_text(c, tgt_group, tt, sizeof tt);
        else if (tgt.te > tgt.ts) span_text(c, tgt.ts, tgt.te, tt, sizeof tt); else tt[0] = 0;
        /* "voor het begin van de gesprekken met X", "na een werkdiner met X": a meeting in
        ** a prepositional phrase is the background of a one-way act */
        c->both_ways = !(H->tok > k->s && in_pp_noun(c, H, k));
        for (int i = 0; i < src.n; i++) for (int j = 0; j < tgt.n; j++)
            emit(c, sent_no, S, src.code[i], tgt.code[j], cs, vt, st, tt);
        c->both_ways = 0;
    }
    if (!c->stop && !c->d->foreign) judgement(c, sent_no, S);
}

/* ------------------------------------------------------------ articles */

/* The article's own country, for role words that name no state ("de oppositie", "the
** police", "het kabinet"): the state named most often in the article (states,
** adjectives, people, capitals, persons; ties go to the earliest), else for Dutch
** articles the Netherlands (Dutch news without a state named is Dutch news). */
static void find_home(kr_coder *c) {
    struct { char cc[4]; int n, first; } cnt[32]; int ncnt = 0;
    c->home[0] = 0;
    for (uint32_t t = 0; t < c->ntok;) {
        piece p;
        if (is_punct(c, t) || match_piece(c, t, c->ntok, &p) != 1) { t++; continue; }
        if (p.foreign || !(p.kind == AK_STATE || p.kind == AK_ADJ || p.kind == AK_PEOPLE || p.kind == AK_CAPITAL || p.kind == AK_PERSON)) { t += p.len; continue; }
        const char *code = kr_str(c->d, p.code);
        t += p.len;
        if (strlen(code) < 3 || !strncmp(code, "IGO", 3) || code[0] < 'A' || code[0] > 'Z') continue;
        int k = 0;
        while (k < ncnt && memcmp(cnt[k].cc, code, 3)) k++;
        if (k == ncnt) { if (ncnt == 32) continue; memcpy(cnt[k].cc, code, 3); cnt[k].cc[3] = 0; cnt[k].n = 0; cnt[k].first = (int)t; ncnt++; }
        cnt[k].n++;
    }
    int best = -1;
    for (int k = 0; k < ncnt; k++) if (best < 0 || cnt[k].n > cnt[best].n) best = k;
    if (best >= 0) memcpy(c->home, cnt[best].cc, 4);
    else if (c->lang == 0) memcpy(c->home, "NLD", 4);
}

static void reset_article(kr_coder *c) {
    kr_arena_reset(&c->ar);
    c->ntok = c->nsent = 0;
    c->nalias = 0;
    kr_map_free(&c->alias); kr_arena_reset(&c->alias_ar); kr_map_init(&c->alias, &c->alias_ar);
    c->last_subj.n = c->prev_subj.n = 0; c->last_subj_plural = c->prev_subj_plural = 0;
    memset(c->last_src, 0, sizeof c->last_src);
    c->nrecent = 0; c->nrecent_m = 0; c->nam = 0; c->cur_sent = 0; c->last_subj_sent = -10; c->quotes_since_subj = 0; c->nprev_codes = c->ncur_codes = 0; c->stop = 0; c->err[0] = 0;
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
    if (c->d->foreign && (st = f_article_start(c, a)) != KR_OK) return st;   /* foreign: TABARI options */
    c->fn = fn; c->ctx = ctx; c->art = a;
    if (!c->d->foreign) find_home(c);
    for (uint32_t i = 0; i < c->nsent && !c->stop; i++) {
        c->cur_sent = (int)i + 1;
        int last = c->last_subj_sent;
        code_sentence(c, (int)i + 1, &c->sent[i]);
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
