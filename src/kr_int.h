/*
** kr_int.h -- internal declarations shared by the modules of libkroniek.
** Not installed; the public API is include/kroniek.h.
**
** Memory: dictionaries live in one arena owned by kr_dict; per-article data lives in
** an arena owned by the coder and reset at the start of each article.
*/
#ifndef KR_INT_H
#define KR_INT_H

#include "kroniek.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KR_UNUSED(x) (void)(x)
#define NLANG 2          /* 0 = nl, 1 = en */

/* ---- util.c: arena, growable buffer, string hash map ---- */
typedef struct kr_arena_blk kr_arena_blk;
typedef struct { kr_arena_blk *head; size_t total; } kr_arena;
void *kr_alloc(kr_arena *a, size_t n);            /* zeroed, 8-aligned; aborts on OOM */
char *kr_strndup(kr_arena *a, const char *s, size_t n);
void kr_arena_reset(kr_arena *a);                 /* keep the first block */
void kr_arena_free(kr_arena *a);
void *kr_xmalloc(size_t n);
void *kr_xrealloc(void *p, size_t n);

typedef struct { char *p; size_t len, cap; } kr_buf;
void kr_buf_add(kr_buf *b, const char *s, size_t n);
void kr_buf_addc(kr_buf *b, char c);
void kr_buf_addf(kr_buf *b, const char *fmt, ...);
void kr_buf_free(kr_buf *b);

/* open-addressing map from byte string to uint32 value (0 = absent); a slot holds a key
** of up to 8 bytes in itself (no pointer to follow), a longer one as a copy in ar */
typedef struct {
    union { const char *p; char s[8]; } key;
    uint32_t val, len1;          /* len1: key length + 1, 0 for an empty slot */
} kr_map_slot;
typedef struct { kr_map_slot *slot; uint32_t cap, n; kr_arena *ar; } kr_map;
void kr_map_init(kr_map *m, kr_arena *ar);
void kr_map_free(kr_map *m);
uint32_t kr_map_get(const kr_map *m, const char *k, size_t n);
uint32_t kr_map_get_h(const kr_map *m, const char *k, size_t n, uint64_t h);   /* h = kr_hash(k, n) */
void kr_map_put(kr_map *m, const char *k, size_t n, uint32_t v);   /* copies key into ar */
uint64_t kr_hash(const char *s, size_t n);
/* kr_hash byte by byte (FNV-1a): h = KR_HASH_INIT, then h = kr_hash_add(h, c) per byte */
#define KR_HASH_INIT 1469598103934665603ULL
static inline uint64_t kr_hash_add(uint64_t h, unsigned char c) { return (h ^ c) * 1099511628211ULL; }

/* Eight bytes at a time (SWAR): scanners skip a run of ordinary bytes a word at a time
** and look at bytes one by one only in a word that holds some other byte.  The tests
** are exact for the word as a whole (Bit Twiddling Hacks, "haszero"/"hasless"). */
#define KR_ONES8 0x0101010101010101ULL
#define KR_HIGH8 0x8080808080808080ULL
static inline uint64_t kr_load8(const unsigned char *p) { uint64_t x; memcpy(&x, p, 8); return x; }
/* nonzero if a byte of x is below b (b <= 0x80) */
static inline uint64_t kr_has_below8(uint64_t x, unsigned b) { return (x - KR_ONES8 * b) & ~x & KR_HIGH8; }
/* nonzero if a byte of x is b */
static inline uint64_t kr_has_byte8(uint64_t x, unsigned b) { return kr_has_below8(x ^ (KR_ONES8 * b), 1); }

/* growable array of uint32 */
typedef struct { uint32_t *v; uint32_t n, cap; } kr_u32v;
void kr_u32v_push(kr_u32v *a, uint32_t x);

/* ---- text.c ---- */
/* Repair UTF-8 (invalid -> U+FFFD, counted in *bad), NFC-normalize, map curly quotes,
** dashes and odd spaces to ASCII.  Result in out (NUL-terminated). */
void kr_text_normalize(const char *in, size_t n, kr_buf *out, int *bad);
/* Fold for matching: lower case, accents stripped.  Writes to out, returns length. */
size_t kr_fold(const char *s, size_t n, char *out, size_t outcap);
/* capitalization class of a word: 0 lower/other, 1 initial capital, 2 all capitals */
int kr_capclass(const char *s, size_t n);
int kr_utf8_valid(const char *s, size_t n);
/* length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid */
int kr_utf8_seqlen(const unsigned char *s, size_t n);

/* ---- dictionary structures (dict.c) ---- */
enum { AK_STATE = 1, AK_ORG, AK_CAPITAL, AK_ADJ, AK_PEOPLE, AK_AGENT, AK_PERSON, AK_PLACE,
       AK_NULL,          /* foreign dictionaries: a phrase that is no actor (TABARI [---]) */
       AK_DISCARD };     /* foreign dictionaries: the sentence is not coded (TABARI [###], [+++]) */

/* word classes (words.txt) -- bit flags on a vocabulary entry */
enum {
    WC_DET = 1u << 0, WC_POSS = 1u << 1, WC_PREP = 1u << 2, WC_AND = 1u << 3,
    WC_SUB_DAT = 1u << 4, WC_SUB_COND = 1u << 5, WC_SUB_QUEST = 1u << 6,
    WC_SUB_PURPOSE = 1u << 7, WC_SUB_OM = 1u << 8, WC_SUB_OTHER = 1u << 9,
    WC_REL = 1u << 10, WC_COORD = 1u << 11, WC_NEG = 1u << 12, WC_PRON = 1u << 13,
    WC_PRON_SG = 1u << 14, WC_MODAL = 1u << 15, WC_FUTURE = 1u << 16,
    WC_INTENT = 1u << 17, WC_GOV = 1u << 18, WC_PASS_AUX = 1u << 19, WC_BY = 1u << 20,
    WC_TE = 1u << 21, WC_PLACE_PREP = 1u << 22, WC_QPREV = 1u << 23, WC_PLURAL = 1u << 24,
    WC_NEIGHBOUR = 1u << 25, WC_DEMONSTR = 1u << 26, WC_GENITIVE = 1u << 27,
    WC_OF = 1u << 28, WC_SKIP = 1u << 29, WC_SELF = 1u << 30, WC_COUNTRY = 1u << 31
};
#define WC_PRON_OBJ (1ull << 32)
#define WC_NOT_ACTOR (1ull << 33)   /* "US dollars", "Niger's capital": the state name is a modifier */
#define WC_SAY (1ull << 34)         /* "said": a following subject starts a that-clause without "that" */
#define WC_QUANT (1ull << 35)       /* "duizenden", "many": a people noun after it is a crowd, not a state */
#define WC_SPEAKER (1ull << 36)     /* "zei", "said", "aldus": names the speaker of a quotation next to it */
#define WC_FIRST (1ull << 37)       /* "ik", "we", "I": inside a quotation, the speaker */
#define WC_FUT_TIME (1ull << 38)    /* "morgen", "tomorrow": the clause is about the future */
#define WC_FUT_MOD (1ull << 39)     /* "volgende", "next", "later" + a period ("week"): the future */
#define WC_PERIOD (1ull << 40)      /* "week", "maand", "month" */
#define WC_EVAL_NEG (1ull << 41)    /* "schandalig", "unacceptable": a judgement that, stated by an actor, disapproves (11) */
#define WC_EVAL_POS (1ull << 42)    /* "uitstekend", "great": a judgement that, calling an actor so, praises (051) */
#define WC_LABEL (1ull << 43)       /* "noemde", "called": calling an actor names */
#define WC_OBLIGE (1ull << 44)      /* "moet", "must", "should": in reported speech, a demand on the subject */
#define WC_ALLEGE (1ull << 45)      /* "beweerde", "claimed", "alleged": what follows about an actor accuses it (112) */
#define WC_COPULA (1ull << 46)      /* "is", "blijft", "are": with "tegen"/"against" after it, opposition (120) */
#define WC_AGAINST (1ull << 47)     /* "tegen", "against" */
#define WC_POLICY (1ull << 48)      /* "plan", "voorstel", "deal": what an actor proposes, whose opponent opposes the actor */
#define WC_CALENDAR (1ull << 49)    /* day and month names: a line of them and numbers is a dateline, no sentence */
#define WC_PARTY_REF (1ull << 50)   /* "de partij", "the party": the party named last */
#define WC_SAY_ADV (1ull << 51)     /* "announced yesterday she ...": words between a verb of saying and its clause */
#define WC_PERSON_NOUN (1ull << 52) /* "de man", "the suspect": a person who is no actor; no implied target then */
#define WC_JOINT (1ull << 53)      /* "gezamenlijk", "jointly": what a compound subject does together is cooperation */
#define WC_PAIR (1ull << 56)       /* "beide", "both": with a pair noun, the pair or list named before */
#define WC_PAIR_NOUN (1ull << 57)  /* "landen", "sides": "beide landen", "de twee landen", "the two sides" */
#define WC_NUMERAL (1ull << 58)    /* "vijf", "two": a number in words; a verb form after it is a noun ("vijf prijzen") */

typedef struct {
    uint32_t code;       /* interned code string id (index into d->strs) */
    uint8_t kind;
    uint8_t foreign;     /* from a TABARI/PETRARCH file (dictfmt.c): coded the TABARI way */
    int from, to;        /* yyyymmdd, 0 = open */
    uint32_t person;     /* AK_PERSON: person index */
    const uint8_t *caps; /* per word: 0 any, 1 initial cap, 2 all caps */
    uint16_t nwords;
    const char *file; int line;
    uint32_t next;       /* next entry at the same trie node (index+1) */
} kr_actor_entry;

typedef struct { uint32_t code; int from, to; } kr_office;
typedef struct { const char *name; uint32_t off_start, off_n; const char *file; int line; } kr_person;

enum { PE_WORD = 1, PE_PREFIX, PE_TARGET, PE_SOURCE, PE_RECIP, PE_SUB, PE_SET,
       PE_VERB,          /* foreign patterns: the trigger's position (TABARI/PETRARCH '*') */
       PE_SKIP };        /* foreign patterns: pass over one actor (TABARI '^') */
typedef struct {
    uint8_t type;
    uint8_t sorted;      /* PE_SET: alts in ascending order (kc_tok_matches searches them) */
    uint8_t adjacent;    /* PE_TARGET/SOURCE right after a word; foreign patterns: any
                         ** element that must directly follow the previous one (TABARI '_') */
    uint32_t wid;        /* PE_WORD/PE_SUB: word; foreign PE_TARGET/PE_SOURCE: 1 if added by the
                         ** loader (TABARI's default target: the pattern itself names none) */
    uint32_t nalt; const uint32_t *alts;   /* PE_WORD alternatives, PE_SET words */
    const char *prefix; uint32_t plen;     /* PE_PREFIX (folded) */
    const char *const *prefixes; uint32_t nprefix;  /* PE_SET prefixes */
} kr_pelem;

typedef struct {
    const kr_pelem *el; uint32_t nel;
    int code;            /* index into cameo table; -1 = discard ([###]); -2 = foreign [###]/[+++]:
                         ** the sentence is not coded */
    const char *file; int line;
} kr_pattern;

enum { TK_VERB = 1, TK_NOUN, TK_PHRASE,
       TK_DISCARD };     /* foreign discard phrase: the sentence (TRIG_STORY: article) is not coded */
/* kr_trigger.flags (foreign dictionaries) */
enum { TRIG_WEAK = 1,      /* TABARI code?: codes only when no other trigger of the sentence does */
       TRIG_DOMINANT = 2,  /* TABARI code!: when it codes, the other triggers of the sentence do not */
       TRIG_STORY = 4,     /* TK_DISCARD of the whole article (PETRARCH '+' discard) */
       TRIG_FOREIGN = 8 }; /* from a TABARI/PETRARCH file: its patterns encode negation,
                           ** modality and the like themselves */
typedef struct {
    uint8_t kind;
    uint8_t flags;       /* TRIG_* (0 for kroniek's own files) */
    int code;            /* cameo index or -1 for --- */
    uint32_t particle;   /* separable particle wid (nl), 0 none */
    const kr_pattern *pat; uint32_t npat;
    const char *lemma, *file; int line;
    const struct kr_fidx *fx;   /* foreign triggers: their patterns by required word (NULL: none) */
} kr_trigger;

/* Foreign (TABARI/PETRARCH) patterns indexed by one word element each needs (dictfmt.c
** builds it at load): a pattern can match only when a token of the clause matches that
** element, so tabari_rules.c tries only the patterns whose key some token of the clause
** has.  Keys: a word (PE_WORD/PE_SET alternative) is its wid; a prefix (PE_PREFIX/PE_SET
** prefix) of length l is kr_fkey_step's hash of its first min(l, KR_FKEY_PLEN) bytes,
** tagged with that length (a collision only adds a candidate). */
#define KR_FKEY_PLEN 7
typedef struct kr_fidx {
    const uint32_t *key, *pat; uint32_t n;   /* n entries, sorted by key, then pattern */
    const uint32_t *any; uint32_t nany;      /* patterns with no usable word element: always tried */
    uint32_t lens;                           /* bit l: some key is a prefix of length l; bit 0: a word */
    const uint64_t *bloom; uint32_t bmask;   /* bit kr_fkey_bit(key, bmask) set for every key */
} kr_fidx;
static inline uint32_t kr_fkey_bit(uint32_t key, uint32_t mask) { return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & mask; }
static inline uint32_t kr_fkey_step(uint32_t h, unsigned char ch) { return (h ^ ch) * 16777619u; }
#define KR_FKEY_H0 2166136261u
#define KR_FKEY_WORDMAX 0x1FFFFFFFu          /* wids above it are not keys */
static inline uint32_t kr_fkey_prefix(uint32_t h, uint32_t l) { return (l << 29) | (h & KR_FKEY_WORDMAX); }
/* kr_lang.fkey_all: one filter of every key of every foreign trigger, so a sentence's
** tokens give only the keys some pattern has (a bit kr_fkey_all_bit per key) */
#define KR_FKEY_ALLMASK ((1u << 19) - 1)
static inline uint32_t kr_fkey_all_bit(uint32_t key) { return (uint32_t)((key * 0xC2B2AE3D27D4EB4Full) >> 37) & KR_FKEY_ALLMASK; }

/* a trigger form indexed by its first word */
typedef struct {
    uint32_t trig;       /* trigger index */
    uint8_t needs_particle;   /* base verb form of a separable verb */
    uint8_t nseq;        /* words in the form (>=1) */
    const uint32_t *seq; /* the words (seq[0] is the key) */
    uint32_t next;       /* next form with the same first word (index+1) */
} kr_tform;

typedef struct { uint32_t parent, wid; } kr_trie_key;

typedef struct {
    kr_map vocab;                /* folded word -> wid */
    uint32_t nwords;
    uint64_t *wclass;            /* per wid flags (WC_*) */
    uint32_t wclass_cap;
    /* actor trie: node ids; (parent,wid) -> child via hash, one slot per key (child 0: empty) */
    struct kr_trie_slot { uint32_t parent, wid, child; } *trie; uint32_t trie_cap, trie_n;
    uint32_t nnodes;
    uint32_t *node_entry, node_cap;      /* first entry+1 per node */
    uint32_t *first_word_node;           /* per wid: node id for 1-word prefix (0 none), sized with vocab */
    uint32_t fw_cap;
    kr_actor_entry *ent; uint32_t nent, entcap;
    kr_trigger *trig; uint32_t ntrig, trigcap;
    kr_tform *tf; uint32_t ntf, tfcap;
    uint32_t *tf_first; uint32_t tf_cap;  /* per wid: first form index+1 */
    /* sets */
    kr_map sets;                 /* "&NAME" -> set index+1 */
    struct kr_wset { uint32_t *w; uint32_t n, cap; char **pre; uint32_t npre, precap; } *wsets;
    uint32_t nwsets, wsetcap;
    /* intent / conditional code mappings: from code prefix -> code */
    struct kr_cmap { char from[8]; char to[8]; } *intent; uint32_t nintent, intentcap;
    /* event references: noun wid -> root */
    kr_map eventref;             /* folded noun -> root number (1..20) */
    kr_map abbrev;               /* folded abbreviation without final '.' -> 1 */
    int loaded;
    /* foreign (TABARI) actor phrases with a blank connector: other words may come between
    ** word i-1 and word i where gap[i] is set ("ITHILEN TELEVISION" finds "Ithilen
    ** state-run television").  dictfmt.c fills them (arena memory), code.c matches them. */
    struct kr_gphrase { const uint32_t *w; const uint8_t *gap; uint16_t nw; uint8_t kind; uint32_t code;
                        int from, to; const char *file; int line; uint32_t next; } *gph;
    uint32_t ngph, gphcap;
    uint32_t *gph_head, gph_headcap;     /* per first-word wid: first phrase index+1 */
    uint64_t *fkey_all;                  /* foreign pattern keys (KR_FKEY_ALLMASK + 1 bits, arena), NULL: none */
} kr_lang;

typedef struct { char code[8]; double goldstein; int quad; const char *label; } kr_cameo;

struct kr_dict {
    kr_arena ar;
    kr_lang lang[NLANG];
    kr_map strs; const char **str; uint32_t nstr, strcap;   /* interned strings */
    kr_cameo *cameo; uint32_t ncameo, cameocap; kr_map cameo_idx;
    kr_person *persons; uint32_t npersons, personcap;
    kr_office *offices; uint32_t noffices, officecap;
    kr_buf msgs; int nerr, nwarn;
    char err[512];
    int finished;
    struct kr_fsrc *foreign;     /* foreign dictionaries loaded (dictfmt.c), kept for kr_dict_write */
    int skip;                    /* KR_SKIP_* for the built-in / directory loaders */
    size_t max_file;             /* largest file kr_dict_load_file reads: KR_MAX_DICT
                                    (fuzz_dict lowers it to reach the limit) */
};

uint32_t kr_intern(kr_dict *d, const char *s, size_t n);     /* 1-based id */
static inline const char *kr_str(const kr_dict *d, uint32_t id) { return id ? d->str[id - 1] : ""; }
uint32_t kr_wid(const kr_lang *L, const char *fold, size_t n); /* 0 if unknown */
uint32_t kr_wid_add(kr_dict *d, kr_lang *L, const char *fold, size_t n);
int kr_cameo_index(const kr_dict *d, const char *code);       /* -1 if unknown */
void kr_dict_msg(kr_dict *d, int is_err, const char *file, int line, const char *fmt, ...);
size_t kr_dict_nentries(const kr_dict *d);     /* entries of all kinds loaded so far */
uint32_t kr_trie_child(const kr_lang *L, uint32_t node, uint32_t wid);
int kr_lang_index(const char *lang);                           /* 0 nl, 1 en, -1 */

/* for dictfmt.c (defined in dict.c): one actor phrase, words separated by spaces */
void kr_dict_add_actor(kr_dict *d, kr_lang *L, const char *phrase, size_t n, uint32_t code, int kind,
                       int from, int to, uint32_t person, const char *file, int line);
/* for dictfmt.c: a file in kroniek's own format whose kind ("actors", "agents",
** "verbs") is known whatever its name; lang -1 = both (actors) or English (verbs) */
kr_status kr_dict_load_kroniek(kr_dict *d, const char *file, const char *buf, size_t len,
                               int lang, const char *kind);

/* foreign formats (dictfmt.c) */
enum { KR_DFMT_KRONIEK = 0, KR_DFMT_TABARI, KR_DFMT_PETRARCH1, KR_DFMT_PETRARCH2 };
int kr_detect_format(const char *buf, size_t len);     /* KR_DFMT_*: 0 kroniek, else foreign */
kr_status kr_load_foreign(kr_dict *d, const char *name, const char *buf, size_t len,
                          int lang, const char *kind);

/* builtin data (generated by tools/embed into build/data.c) */
typedef struct { const char *name; const char *data; size_t len; } kr_embedded;
extern const kr_embedded kr_builtin_files[];
extern const size_t kr_builtin_nfiles;

/* ---- tok.c ---- */
enum { TF_PUNCT = 1, TF_NUM = 2, TF_OPEN = 4, TF_CLOSE = 8, TF_SENT_END = 16, TF_HYPH_PART = 32, TF_QUOTE = 64, TF_COMMA = 128, TF_COLON = 256 };
typedef struct {
    uint32_t off, len;   /* in the normalized article text */
    uint32_t wid;        /* vocabulary id of the folded form, 0 unknown */
    uint32_t flags;
    uint8_t cap;         /* 0 lower, 1 initial capital, 2 all caps */
    const char *fold; uint32_t flen;
} kr_tok;

typedef struct { uint32_t tok0, ntok; uint32_t off, len; } kr_sent;

/* Tokenize text[0..n) appending tokens; folds with the language's vocabulary. */
void kr_tokenize(const char *text, size_t n, const kr_lang *L, kr_arena *ar,
                 kr_tok **toks, uint32_t *ntok, uint32_t *cap);
/* Split tokens into sentences (abbreviations from the language's words). */
void kr_split(const char *text, const kr_tok *t, uint32_t ntok, const kr_lang *L,
              kr_sent **s, uint32_t *ns, uint32_t *cap);
int kr_detect_lang(const char *text, size_t n);   /* 0 nl, 1 en, -1 unknown */

#endif
