/*
** coder.h -- the coder's shared state and stage interfaces (internal to src/).
**
** The coder turns one article into events, sentence by sentence, in stages that each
** have their file (docs/ARCHITECTURE.md):
**   mention.c    actors: dictionary phrases -> mentions (noun phrases with a code)
**   clause.c     clauses: segmentation, subjects, pronouns, negation, modality
**   discourse.c  across sentences and speakers: quotation speakers, implied targets,
**                judgements stated by an actor
**   trigger.c    triggers and their patterns (verb dictionary)
**   event.c      events: actor identity, intent mapping, delivery to the caller
**   tabari_rules.c  TABARI's own rules for foreign (TABARI/PETRARCH) dictionaries
**   code.c       the article loop and code_sentence, calling the stages in order
**
** Ownership: a kr_coder owns everything here; mentions, clauses and triggers live for
** one sentence, codesets may point (token spans) into the article text, which lives
** until the next article.  Functions named kc_* are shared between these files only.
*/
#ifndef KR_CODER_H
#define KR_CODER_H
#include "kr_int.h"
#include <stdio.h>

#define MAXM 256          /* mentions per sentence */
#define MAXC 64           /* clauses per sentence */
#define CODELEN 24
/* copy an actor code into a CODELEN buffer, cut at CODELEN - 1 bytes: what
** snprintf(dst, CODELEN, "%s", src) does, without the formatting machinery (a code is
** copied several times per mention) */
static inline void kc_code_copy(char *dst, const char *src) {
    size_t n = strnlen(src, CODELEN - 1);
    memmove(dst, src, n);
    dst[n] = 0;
}
#define PRON_REACH 3      /* a subject pronoun refers to a subject at most this many sentences back */

typedef struct {
    uint32_t s, e;        /* token range */
    char code[CODELEN];
    uint8_t kind, in_pp, loc_only, skip, plural;
    uint8_t weak;         /* adjective + ordinary noun ("Russian border posts"): a target only */
    uint8_t named;        /* names a person ("Merkel", "de Duitse bondskanselier Merkel") */
    uint8_t crowd;        /* counted people ("duizenden Georgiërs"): civilians */
    uint8_t bare;         /* a role word alone ("de oppositie"), its state supplied by the context */
    uint8_t unknown;      /* a name the dictionaries do not know, taken for a person of the article's country */
    uint8_t genitive;     /* a Dutch possessive name ("Mays deal"): the owner of the next noun */
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
    int nopat;            /* set by the event loop: no pattern of the trigger matched (a light
                          ** verb, "uitte dit dreigement", "made a plea": its object codes) */
} trig_hit;

/* a pronoun resolved to a group of codes */
#define CS_MAX 8          /* actors of one list ("Duitsland, Oostenrijk, Denemarken, België en Luxemburg") */
typedef struct { char code[CS_MAX][CODELEN]; int n; uint32_t ts, te; } codeset;   /* ts..te: the words that name it (te = 0: none) */

struct kr_coder {
    const kr_dict *d;
    const kr_lang *L;
    int lang, date;
    kr_arena ar;
    kr_buf text;
    kr_tok *tok; uint32_t ntok, tokcap;
    kr_sent *sent; uint32_t nsent, sentcap;
    mention m[MAXM]; int nm;
    uint32_t msa;                          /* the sentence's first token ... */
    int16_t mat[KR_MAX_TOKENS];            /* ... and per token of it the first mention covering it, +1 (0 none) */
    clause cl[MAXC]; int ncl;
    trig_hit th[MAXM]; int nth;
    codeset pron[MAXC]; int npron;
    kr_map alias; kr_arena alias_ar;       /* per article: folded name -> index+1 into aliases */
    char (*aliases)[CODELEN]; uint32_t nalias, aliascap;
    codeset last_subj; int last_subj_plural;
    codeset last_spk; int last_spk_sent;   /* the latest speaker (quotation, "volgens X") and its sentence */
    codeset prev_subj; int prev_subj_plural;
    char last_src[21][CODELEN];            /* per root: source of the latest event */
    char recent_state[8][CODELEN]; int nrecent;
    char recent_m[8][CODELEN]; int nrecent_m;   /* latest actor codes of the article */
    uint32_t recent_m_tok[8][2];                /* ... the words that named them */
    int recent_m_sent[8];                       /* ... and the sentence each was seen in */
    int recent_m_grp[8];                        /* ... and its list ("Frankrijk en Duitsland"): sentence * MAXM + group */
    uint8_t recent_m_acted[8];                  /* ... a clause had that list as its subject */
    int cur_sent, last_subj_sent;
    int last_subj_main;     /* last_subj was set by a main clause of sentence last_subj_sent */
    int quotes_since_subj;  /* whole-quotation sentences since last_subj_sent */
    char prev_codes[8][CODELEN]; int nprev_codes;   /* distinct actors of the previous sentence */
    char cur_codes[8][CODELEN]; int ncur_codes;
    char loc[CODELEN];
    uint32_t loc_s, loc_e;  /* the words that name the place */
    char prev_loc[CODELEN]; /* the state of the last place the article named ... */
    int prev_loc_sent;      /* ... and the sentence that named it (0 none yet) */
    char fb_loc[4];         /* the state kc_fallback_place gave the event being delivered */
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
    int distinct;         /* emit: source and target are two different named persons (same code allowed) */
    int spk_pron;         /* this sentence's quotation speaker (index into pron), -1 none */
    uint64_t spk_cl;      /* ... and the clauses it speaks (bit per clause) */
    int repeat;           /* emit: one more event of the same codes for another person of the group */
    int took_name;        /* mentions: the role phrase being read took a person's name ("President Trump") */
    int fdiscard;         /* this sentence has a foreign discard actor ([###]/[+++]) */
    int question;         /* this sentence is a question ("Did the government help you?"): no events */
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

typedef struct { uint32_t len; uint8_t kind; uint32_t code; uint32_t person; uint8_t foreign, genitive; } piece;

/* the result of matching one pattern (trigger.c) */
typedef struct match_res {
    int code;
    codeset src, tgt;
    int explicit_src, recip;
    int tgt_head;          /* mention group used as target */
    int words_only;        /* a pattern of words only matched: its code, the target as for a bare trigger */
} match_res;

/* TABARI OPTION: CODE BY (struct fopts.code_by) */
enum { FO_BY_CLAUSE = 0, FO_BY_SENTENCE, FO_ALL };

/* ---- small predicates used by every stage ---- */
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
static inline int true_passive_aux(const char *f) {
    return !strcmp(f, "werd") || !strcmp(f, "werden") || !strcmp(f, "wordt") || !strcmp(f, "worden") ||
           !strcmp(f, "was") || !strcmp(f, "were") || !strcmp(f, "been") || !strcmp(f, "being");
}
static inline char first_char(const kr_coder *c, uint32_t t) { return c->text.p[c->tok[t].off]; }
/* The speaker of a quotation is the subject of what it says: ",,Zonder meerderheid
** krijgen ze niets gedaan'', zei Asscher", '"We will act," said Johnson', 'Johnson
** said: "I will act"', "..., aldus Wang".  Clauses inside the quotation without a
** subject of their own, or with "ik"/"we"/"I" as subject, get the speaker. */
static inline int is_quote(const kr_coder *c, uint32_t t) { return (c->tok[t].flags & TF_QUOTE) != 0; }
static inline int code_root(const kr_dict *d, int code) {
    if (code < 0) return 0;
    const char *s = d->cameo[code].code;
    return (s[0] - '0') * 10 + (s[1] - '0');
}
static inline int governing_root(int r) { return r == 2 || r == 3 || r == 10 || r == 11 || r == 12 || r == 13; }

/* ---- mention.c ---- */
int kc_match_piece(const kr_coder *c, uint32_t t, uint32_t end, piece *out);
void kc_add_alias(kr_coder *c, uint32_t t, const char *code);
int kc_add_mention(kr_coder *c, uint32_t s, uint32_t e, const char *code, int kind);
int kc_is_filler(const kr_coder *c, uint32_t t);
void kc_find_mentions(kr_coder *c, uint32_t a, uint32_t b);
int kc_mention_at(const kr_coder *c, uint32_t t);
int kc_next_is_actor(const kr_coder *c, uint32_t t, uint32_t b);
void kc_find_home(kr_coder *c);
const char *kc_fallback_place(kr_coder *c, int sent_no, const char *src, const char *tgt, int quad);
/* ---- clause.c ---- */
void kc_segment(kr_coder *c, uint32_t a, uint32_t b);
void kc_codeset_from_group(const kr_coder *c, int head, codeset *cs);
void kc_codeset_members(const kr_coder *c, int head, codeset *cs);
int kc_has_class(const kr_coder *c, const clause *k, uint64_t cls, uint32_t *at);
void kc_analyse_clauses(kr_coder *c);
int kc_clause_of(const kr_coder *c, uint32_t t);
int kc_is_question(const kr_coder *c, uint32_t a, uint32_t b);
void kc_mark_irrealis(kr_coder *c);
/* ---- discourse.c ---- */
void kc_quote_speaker(kr_coder *c, uint32_t a, uint32_t b);
void kc_judgement(kr_coder *c, int sent_no, const kr_sent *S);
void kc_joint(kr_coder *c, int sent_no, const kr_sent *S);
void kc_unattributed(kr_coder *c, int sent_no, const kr_sent *S);
int kc_group_times(const kr_coder *c, int g, const char *code);
int kc_distinct_span(const kr_coder *c, uint32_t ts, uint32_t te, const char *code, int tg);
int kc_distinct(const kr_coder *c, int sg, int tg);
int kc_past_year(const kr_coder *c, const clause *k);
uint32_t kc_obj_end(const kr_coder *c, const trig_hit *H, uint32_t from);
void kc_implied_target(kr_coder *c, const trig_hit *H, const clause *k, int subj_group, const codeset *src, int root,
                           codeset *tgt, int *tgt_group);
/* ---- trigger.c ---- */
void kc_find_triggers(kr_coder *c, uint32_t a, uint32_t b);
int kc_tok_matches(const kr_coder *c, uint32_t t, const kr_pelem *e);
void kc_subject_codes(const kr_coder *c, const clause *k, codeset *cs);
int kc_run_pattern(const kr_coder *c, const trig_hit *h, const kr_pattern *P, const codeset *subj, int subj_group, match_res *r);
void kc_resolve_roots(kr_coder *c);
/* ---- event.c ---- */
int kc_same_entity(const char *a, const char *b);
int kc_same_actor(const char *a, const char *b);
const char *kc_map_intent(const kr_coder *c, const char *code);
void kc_span_text(const kr_coder *c, uint32_t s, uint32_t e, char *out, size_t cap);
void kc_group_text(const kr_coder *c, int g, char *out, size_t cap);
void kc_code_text(const kr_coder *c, const char *code, char *out, size_t cap);
void kc_deliver(kr_coder *c, int sent_no, const kr_sent *S, const char *src, const char *tgt, const char *code,
                    const char *vtext, const char *stext, const char *ttext);
void kc_emit(kr_coder *c, int sent_no, const kr_sent *S, const char *src, const char *tgt, const char *code,
                 const char *vtext, const char *stext, const char *ttext);
int kc_place_state(const kr_coder *c, const clause *k);
int kc_in_pp_noun(const kr_coder *c, const trig_hit *H, const clause *k);
/* ---- tabari_rules.c ---- */
kr_status kc_f_article_start(kr_coder *c, const kr_article *a);
void kc_code_foreign(kr_coder *c, int sent_no, const kr_sent *S);
/* foreign triggers (tabari_rules.c): the patterns of T that can match with the tokens
** [s, e) as bit i of bm[KR_FBM_WORDS] (the others need a word no token has); 0: T has no
** pattern index, try every pattern */
#define KR_FBM_WORDS 256
int kc_pattern_candidates(const kr_coder *c, const kr_trigger *T, uint32_t s, uint32_t e, uint64_t *bm);
/* the same with the index keys of a sentence's tokens found once (kc_fkeys_of) for all
** its triggers: then only the tokens [s, e) of k count */
#define KR_FKEYS_MAX 2048
typedef struct { uint32_t n; int over; uint32_t key[KR_FKEYS_MAX], tok[KR_FKEYS_MAX]; } kc_fkeys;
void kc_fkeys_of(const kr_coder *c, uint32_t s, uint32_t e, kc_fkeys *k);
int kc_pattern_candidates_k(const kr_trigger *T, const kc_fkeys *k, uint32_t s, uint32_t e, uint64_t *bm);

#endif
