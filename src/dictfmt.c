/*
** dictfmt.c -- the CAMEO community's dictionary formats, read into kroniek's
** structures: TABARI (actors with date-ranged codes, agents, verbs with <SYNSETS> and
** patterns), PETRARCH-1/-2 (Phoenix actors and agents with !SUBST! sets and plural
** lists, CAMEO.2.0 verb blocks with synonym sets, discards).  kr_dict_write writes what
** was read in kroniek's own format (`kroniek dict convert`).
**
** Each file is read in two steps: its lines are parsed into a small textual form
** (phrases with their dated codes; triggers with their forms; patterns as element
** lists), and that form is either built into the dictionary (sink_* with pc->d) or
** written out as kroniek text (sink_* with pc->out).  Both come from one parse, so
** `dict convert` shows what kroniek codes with.  The mapping and what is not supported
** are in docs/FOREIGN-DICTS.md; every problem is a file:line message, never a crash.
*/
#include "kr_int.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

static const char *const fmt_names[] = { "kroniek", "TABARI", "PETRARCH-1", "PETRARCH-2" };

#define MAXEL 64          /* elements of one pattern */
#define MAXVAR 256        /* variants one pattern may expand into ({a|b}, multi-word set members) */
#define MAXW 16           /* words of one phrase */

/* a foreign file kept for kr_dict_write (copied into the dictionary's arena) */
struct kr_fsrc {
    const char *name, *kind, *buf;
    size_t len;
    int lang, fmt;
    struct kr_fsrc *next;
};

/* ------------------------------------------------------------ parsed form */

/* pattern element types */
enum { X_WORD = 1, X_PREFIX, X_SET, X_TARGET, X_SOURCE, X_RECIP, X_VERB, X_SKIP, X_ALT };

typedef struct xel xel;
typedef struct { xel *el; int n; } xseq;
struct xel {
    uint8_t type;
    uint8_t adj;            /* must directly follow the previous element (TABARI '_') */
    uint8_t part;           /* X_SET: only its single-word members (the others are expanded) */
    const char *w, *w2;     /* X_WORD: word and an optional second form (plural); X_PREFIX: stem */
    int set;                /* X_SET: synset index */
    xseq *alt; int nalt;    /* X_ALT: alternatives */
};

typedef struct {                      /* a synonym set (&NAME) */
    const char *name;
    xseq *alt; int nalt, cap;
    int simple;                       /* every member one plain word: a kroniek word set */
    int built;                        /* build mode: wset index + 1 */
} xsyn;

typedef struct { const char **w; int n; } xform;   /* folded words (n of them, in the scratch
                                                   ** arena: 84,000 forms of the master verbs) */

typedef struct {                      /* one code of an actor entry */
    const char *code;                 /* "" for null/discard */
    int from, to;                     /* yyyymmdd, 0 open */
    uint8_t special;                  /* 0 code, 1 null [---], 2 discard [###], 3 complex [+++] */
} xcode;

typedef struct {                      /* a pattern: elements, codes ("" none, "###" discard) */
    xel *el; int n;
    const char *code, *code2;         /* code2: reverse event of a paired code [032:033] */
    int line, nlit, nchar, nset;     /* literal elements, their letters, sets: for the order */
} xpat;

typedef struct {                      /* a trigger: forms and codes */
    xform *forms; int nforms, fcap;
    const char *lemma, *code, *code2;
    uint8_t flags, discard;
    int line;
} xtrig;

/* ------------------------------------------------------------ parse context */

typedef struct {
    kr_dict *d;               /* build into this dictionary (NULL: write text) */
    const kr_dict *cd;        /* code table */
    kr_lang *L;
    int lang, fmt;
    const char *file; int line;
    FILE *out;                /* write kroniek text here */
    kr_arena sa;              /* scratch, freed after the file */
    xsyn *syn; int nsyn, syncap;
    struct { const char *name; const char **v; int n; } subst[32]; int nsubst;   /* !NAME! sets */
    xtrig *trig; int ntrig, tcap;     /* the current verb block */
    xpat *pat; int npat, pcap;
    int truncated;            /* warned about a pattern with too many variants */
    int sets_written;         /* write mode: the &SET lines are out */
    int dup_warned;           /* the current entry's phrase was reported as a duplicate */
    struct xvar *vbuf;        /* phrase variants of one entry */
    kr_map written;           /* write mode: phrases written (one code per phrase, as loaded) */
    int written_init;
    xel *pat_el;              /* add_pattern's element and variant buffers, allocated once per */
    xseq *pat_var;            /* file (per pattern they took 7 KB each: 110 MB for 15,582 patterns) */
} pctx;

/* A problem in a foreign file: like TABARI and PETRARCH, kroniek skips the line and goes
** on, so problems are warnings (is_err: the line or entry is skipped) and the
** dictionary can still be used; `dict check` lists them all. */
static void msg(pctx *p, int is_err, const char *fmt, ...) {
    if (!p->d) return;
    char b[512];
    va_list ap; va_start(ap, fmt); vsnprintf(b, sizeof b, fmt, ap); va_end(ap);
    kr_dict_msg(p->d, 0, p->file, p->line, "%s%s", b, is_err ? "; skipped" : "");
}

/* grow an array in the scratch arena (old copies are left behind; scratch is short-lived) */
static void *grow(kr_arena *a, void *v, int n, int *cap, size_t sz) {
    if (n < *cap) return v;
    int nc = *cap ? *cap * 2 : 8;
    void *q = kr_alloc(a, (size_t)nc * sz);
    if (n) memcpy(q, v, (size_t)n * sz);
    *cap = nc;
    return q;
}

static const char *sdup(pctx *p, const char *s, size_t n) { return kr_strndup(&p->sa, s, n); }

/* fold a word like the tokenizer does: lower case, accents off, final dots off */
static const char *fold(pctx *p, const char *s, size_t n) {
    char b[256];
    if (n > 200) n = 200;
    size_t k = kr_fold(s, n, b, sizeof b);
    while (k > 1 && b[k-1] == '.') k--;
    return sdup(p, b, k);
}

/* ------------------------------------------------------------ lines */

typedef struct { const char *p, *end; int line; } lrd;

/* next line without its end of line; 0 at the end of the buffer */
static int raw_line(lrd *r, const char **s, size_t *n) {
    if (r->p >= r->end) return 0;
    const char *b = r->p, *e = memchr(b, '\n', (size_t)(r->end - b));
    if (!e) e = r->end;
    r->p = e < r->end ? e + 1 : e;
    r->line++;
    while (e > b && (e[-1] == '\r')) e--;
    *s = b; *n = (size_t)(e - b);
    return 1;
}

/* cut a comment (';' or '#' outside brackets) and trailing space; sets *indent */
static size_t strip(const char *s, size_t n, int *indent) {
    int depth = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '[') depth++;
        else if (c == ']' && depth) depth--;
        else if ((c == ';' || c == '#') && !depth) break;
    }
    while (i && isspace((unsigned char)s[i-1])) i--;
    *indent = n && (s[0] == ' ' || s[0] == '\t');
    return i;
}

static const char *skipsp(const char *s, const char *e) { while (s < e && isspace((unsigned char)*s)) s++; return s; }

/* ------------------------------------------------------------ dates and codes */

static int leap(int y) { return (y % 4 == 0 && y % 100) || y % 400 == 0; }
static int mdays(int y, int m) { static const int d[] = {31,28,31,30,31,30,31,31,30,31,30,31}; return d[m-1] + (m == 2 && leap(y)); }

static int day_add(int ymd, int delta) {
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (delta > 0) { if (++d > mdays(y, m)) { d = 1; if (++m > 12) { m = 1; y++; } } }
    else if (--d < 1) { if (--m < 1) { m = 12; y--; } d = mdays(y, m); }
    return y * 10000 + m * 100 + d;
}

/* YYMMDD or YYYYMMDD.  Two-digit years below 30 are 20YY, the others 19YY: the Phoenix
** dictionaries date offices back to the 1930s ("331108-730717") and forward with
** four digits ("20120219"). */
static int fdate(const char *s, size_t n) {
    char b[16];
    for (size_t i = 0; i < n; i++) if (!isdigit((unsigned char)s[i])) return 0;
    if (n == 6) { snprintf(b, sizeof b, "%s%.2s-%.2s-%.2s", (s[0] - '0') * 10 + (s[1] - '0') < 30 ? "20" : "19", s, s + 2, s + 4); return kr_parse_date(b); }
    if (n == 8) { snprintf(b, sizeof b, "%.4s-%.2s-%.2s", s, s + 4, s + 6); return kr_parse_date(b); }
    return 0;
}

/* date restriction after a code: "<D", ">D", "D-D" (blanks allowed); 1 if fine */
static int parse_restriction(const char *s, size_t n, int *from, int *to) {
    char b[64]; size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof b; i++) if (!isspace((unsigned char)s[i])) b[k++] = s[i];
    b[k] = 0;
    *from = *to = 0;
    if (!k) return 1;
    if (b[0] == '<') { int d = fdate(b + 1, k - 1); if (!d) return 0; *to = day_add(d, -1); return 1; }
    if (b[0] == '>') { int d = fdate(b + 1, k - 1); if (!d) return 0; *from = day_add(d, 1); return 1; }
    char *dash = strchr(b, '-');
    if (!dash) return 0;
    *from = fdate(b, (size_t)(dash - b)); *to = fdate(dash + 1, strlen(dash + 1));
    return *from && *to && *from <= *to;
}

/* "[CODE restriction]" contents -> xcode; 1 if fine */
static int parse_actor_code(pctx *p, const char *s, size_t n, xcode *c) {
    const char *e = s + n;
    s = skipsp(s, e);
    const char *t = s;
    while (t < e && !isspace((unsigned char)*t) && *t != '<' && *t != '>') t++;
    memset(c, 0, sizeof *c);
    size_t cl = (size_t)(t - s);
    if (cl == 3 && !memcmp(s, "---", 3)) c->special = 1;
    else if (cl == 3 && !memcmp(s, "###", 3)) c->special = 2;
    else if (cl == 3 && !memcmp(s, "+++", 3)) c->special = 3;
    else {
        int letters = 0;
        for (const char *q = s; q < t; q++) {
            if (isupper((unsigned char)*q)) letters++;
            else if (!isdigit((unsigned char)*q) && *q != '~' && *q != '/') { letters = -1; break; }
        }
        if (letters <= 0 && !(cl == 1 && *s == '~')) {
            msg(p, 1, "bad actor code '[%.*s]' (want [CODE], [CODE <YYMMDD], [CODE >YYMMDD] or [CODE YYMMDD-YYMMDD])", (int)n, s);
            return 0;
        }
        if (cl > 20) { msg(p, 1, "actor code '%.*s' is too long", (int)cl, s); return 0; }
        c->code = sdup(p, s, cl);
    }
    if (!c->code) c->code = "";
    if (!parse_restriction(t, (size_t)(e - t), &c->from, &c->to)) {
        msg(p, 1, "bad date restriction '%.*s' (want <YYMMDD, >YYMMDD or YYMMDD-YYMMDD)", (int)(e - t), t);
        return 0;
    }
    return 1;
}

/* an event code in a verb file: "043", "032:033", ":110", "---", "###", "+++", "023?", "031!" */
static int parse_event_code(pctx *p, const char *s, size_t n, const char **code, const char **code2, uint8_t *flags) {
    const char *e = s + n, *s0 = s;           /* s0, n: the code as written, for messages */
    s = skipsp(s, e);
    while (e > s && isspace((unsigned char)e[-1])) e--;
    *code = ""; *code2 = NULL;
    if (e > s && e[-1] == '?') { *flags |= TRIG_WEAK; e--; }
    else if (e > s && e[-1] == '!') { *flags |= TRIG_DOMINANT; e--; }
    const char *colon = memchr(s, ':', (size_t)(e - s));
    for (int part = 0; part < 2; part++) {
        if (part && !colon) break;
        const char *a = part ? colon + 1 : s, *b = part ? e : (colon ? colon : e);
        size_t l = (size_t)(b - a);
        const char *v;
        if (!l && (colon || part)) v = "";                    /* ":110" */
        else if ((l == 3 && (!memcmp(a, "---", 3))) || (l == 5 && !memcmp(a, "- - -", 5))) v = "";
        else if (l == 3 && (!memcmp(a, "###", 3) || !memcmp(a, "+++", 3))) v = "###";
        else {
            int ok = l >= 2 && l <= 5 && isdigit((unsigned char)a[0]) && isdigit((unsigned char)a[1]);
            for (size_t i = 0; i < l && ok; i++) ok = isdigit((unsigned char)a[i]) || (i == l - 1 && isupper((unsigned char)a[i]));
            if (!ok) { msg(p, 1, "bad event code '[%.*s]'", (int)n, s0); return 0; }
            v = sdup(p, a, l);
        }
        if (part) *code2 = v; else *code = v;
    }
    return 1;
}

static const char foreign_label[] = "(code of a foreign dictionary)";

/* a code of kroniek's CAMEO table (not one added for a foreign dictionary) */
static int is_cameo(const kr_dict *d, const char *code) {
    int i = kr_cameo_index(d, code);
    return i >= 0 && d->cameo[i].label != foreign_label;
}

/* event code text -> cameo index; codes the table lacks are added (Goldstein 0) */
static int code_index(pctx *p, const char *code) {
    if (!code[0]) return -1;
    if (!strcmp(code, "###")) return -2;
    int i = kr_cameo_index(p->d, code);
    if (i >= 0) return i;
    kr_dict *d = p->d;
    msg(p, 0, "event code %s is not in the CAMEO code table; kept as it is (Goldstein 0)", code);
    if (d->ncameo == d->cameocap) { d->cameocap = d->cameocap ? d->cameocap * 2 : 512; d->cameo = kr_xrealloc(d->cameo, d->cameocap * sizeof *d->cameo); }
    kr_cameo *c = &d->cameo[d->ncameo++];
    memset(c, 0, sizeof *c);
    snprintf(c->code, sizeof c->code, "%s", code);
    int root = (code[0] - '0') * 10 + (code[1] - '0');
    c->quad = root >= 1 && root <= 5 ? 1 : root <= 9 ? 2 : root <= 14 ? 3 : root <= 20 ? 4 : 0;
    if (!root) c->quad = 0;
    c->label = foreign_label;
    kr_map_put(&d->cameo_idx, code, strlen(code), d->ncameo);
    return (int)d->ncameo - 1;
}

/* ------------------------------------------------------------ words */

/* split a dictionary phrase ('_' and ' ' between words) into folded words the way the
** tokenizer splits text: clitics ('s n't 're 've 'll 'd) and a final "'" or "-" are
** words of their own.  Returns the number of words, -1 if too many. */
static int split_words(pctx *p, const char *s, size_t n, const char **w) {
    int k = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '_' || s[i] == '\t')) i++;
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '_' && s[j] != '\t') j++;
        if (j == i) break;
        const char *a = s + i; size_t l = j - i;
        const char *tail[2]; int nt = 0;
        while (l > 1 && strchr(",;:()\"", a[0])) { if (k >= MAXW) return -1; w[k++] = sdup(p, a, 1); a++; l--; }
        while (l > 1 && strchr(",;:()\"", a[l-1]) && nt < 2) { tail[nt++] = sdup(p, a + l - 1, 1); l--; }
        const char *cl = NULL; size_t cll = 0;
        if (l > 3 && (a[l-1] == 't' || a[l-1] == 'T') && a[l-2] == '\'' && (a[l-3] == 'n' || a[l-3] == 'N')) { cl = a + l - 3; cll = 3; }
        else if (l > 2 && a[l-2] == '\'' && strchr("sSdD", a[l-1])) { cl = a + l - 2; cll = 2; }
        else if (l > 3 && a[l-3] == '\'' && (!strncasecmp(a + l - 2, "re", 2) || !strncasecmp(a + l - 2, "ve", 2) || !strncasecmp(a + l - 2, "ll", 2))) { cl = a + l - 3; cll = 3; }
        else if (l > 1 && (a[l-1] == '\'' || a[l-1] == '-')) { cl = a + l - 1; cll = 1; }
        if (k + 2 + nt > MAXW) return -1;
        w[k++] = fold(p, a, l - cll);
        if (cl) w[k++] = fold(p, cl, cll);
        while (nt) w[k++] = tail[--nt];
        i = j;
    }
    return k;
}

static int is_vowel(char c) { return c && strchr("aeiou", c) != NULL; }

/* out = at most n bytes of w, then the suffix c (if not 0) and sfx, cut at 63 bytes: what
** snprintf(out, 64, "%.*s%c%s", n, w, c, sfx) writes, without snprintf (a verbs file
** makes tens of thousands of forms) */
static void form_of(char out[64], const char *w, size_t n, char c, const char *sfx) {
    size_t k = strnlen(w, n);
    if (k > 63) k = 63;
    memcpy(out, w, k);
    if (c && k < 63) out[k++] = c;
    for (; *sfx && k < 63; sfx++) out[k++] = *sfx;
    out[k] = 0;
}

/* regular English verb forms of a lemma (PETRARCH) into out; returns count */
static int verb_forms(const char *w, char out[][64], int max) {
    size_t n = strlen(w);
    int k = 0;
    if (!n || n > 50 || max < 6) return 0;
    char last = w[n-1], prev = n > 1 ? w[n-2] : 0;
    form_of(out[k++], w, n, 0, "");
    if (last == 'e') {
        form_of(out[k++], w, n, 0, "s"); form_of(out[k++], w, n, 0, "d");
        form_of(out[k++], w, n - 1, 0, "ing");
    } else if (last == 'y' && !is_vowel(prev)) {
        form_of(out[k++], w, n - 1, 0, "ies"); form_of(out[k++], w, n - 1, 0, "ied");
        form_of(out[k++], w, n, 0, "ing");
    } else {
        int es = strchr("sxz", last) || (n > 1 && (!strcmp(w + n - 2, "ch") || !strcmp(w + n - 2, "sh")));
        form_of(out[k++], w, n, 0, es ? "es" : "s");
        form_of(out[k++], w, n, 0, "ed"); form_of(out[k++], w, n, 0, "ing");
        /* consonant-vowel-consonant: stop -> stopped, stopping */
        if (n >= 3 && !is_vowel(last) && !strchr("wxy", last) && is_vowel(prev) && !is_vowel(w[n-3])) {
            form_of(out[k++], w, n, last, "ed"); form_of(out[k++], w, n, last, "ing");
        }
    }
    return k;
}

/* forms a TABARI stem stands for ("RESTOR" matches restore, restored, restoration ...):
** TABARI matches any word that starts with the stem; kroniek matches whole words, so
** the usual English endings are listed. */
static const char *const verb_endings[] = {
    "", "s", "es", "e", "ed", "d", "en", "ing", "ion", "ions", "ation", "ations", "ition", "ption",
    "action", "ication", "ment", "ments", "al", "ial", "er", "ers", "or", "ors", "y", "ies", "ied",
    "ying", "ize", "izes", "ized", "izing", "ise", "ises", "ised", "ising", "ism", "ze", "zes", "zed",
    "zing", "se", "ses", "sed", "sing", "sm", "t", "ts", "ds", "ding", "old", "olds", "olding", "eld",
    "ance", "ence", "ive", "ure", "ures", NULL };
static const char *const name_endings[] = {
    "", "s", "es", "n", "ns", "an", "ans", "ian", "ians", "i", "is", "ese", "ish", "ic", "a", "as",
    "ia", "e", "y", "ay", "on", "ine", "ines", "ite", "ites", "ean", "eans", "egian", "egians", "er",
    "ers", NULL };

/* forms of the last word of a phrase: how: 'o' open stem (verb or name endings), '_'
** closed with regular endings, '=' exact, 'n' noun: word + plural */
static int word_forms(const char *w, int how, int verb, char out[][64], int max) {
    size_t n = strlen(w);
    int k = 0;
    if (n > 50) n = 50;
    if (how == '=') { form_of(out[k++], w, n, 0, ""); return k; }
    if (how == 'o' && !verb && n < 4) how = 'n';        /* short names (PLA, UAE) are not stems */
    if (how == 'n') {
        form_of(out[k++], w, n, 0, "");
        if (n > 2 && w[n-1] == 's' && w[n-2] != 's') return k;   /* already a plural */
        if (n && w[n-1] == 'y' && n > 1 && !is_vowel(w[n-2])) form_of(out[k++], w, n - 1, 0, "ies");
        else form_of(out[k++], w, n, 0, (n && strchr("sxz", w[n-1])) ? "es" : "s");
        return k;
    }
    if (how == '_') {
        static const char *const reg[] = { "", "s", "es", "ed", "en", "ing", NULL };
        for (int i = 0; reg[i] && k < max; i++) form_of(out[k++], w, n, 0, reg[i]);
        if (!verb) return k;
        if (n && w[n-1] == 'e' && k + 2 <= max) { form_of(out[k++], w, n, 0, "d"); form_of(out[k++], w, n - 1, 0, "ing"); }
        return k;
    }
    const char *const *end = verb ? verb_endings : name_endings;
    for (int i = 0; end[i] && k < max; i++) form_of(out[k++], w, n, 0, end[i]);
    if (verb && n > 2 && w[n-1] == 'e') {
        static const char *const drop[] = { "ing", "ion", "ions", "ation", "al", "ure", NULL };
        for (int i = 0; drop[i] && k < max; i++) form_of(out[k++], w, n - 1, 0, drop[i]);
    }
    if (verb && n >= 3 && !is_vowel(w[n-1]) && !strchr("wxy", w[n-1]) && is_vowel(w[n-2]) && !is_vowel(w[n-3]) && k + 3 <= max) {
        form_of(out[k++], w, n, w[n-1], "ed"); form_of(out[k++], w, n, w[n-1], "ing");
        form_of(out[k++], w, n, w[n-1], "er");
    }
    return k;
}

/* ------------------------------------------------------------ sinks: build or write */

static int is_org_code(const char *c) {
    static const char *const pre[] = { "IGO", "NGO", "NGM", "MNC", "IMG", "UNO", "UIS", "PAL", NULL };
    for (int i = 0; pre[i]; i++) if (!strncmp(c, pre[i], 3)) return 1;
    return 0;
}

static void write_range(FILE *f, int from, int to) {
    if (!from && !to) return;
    fputs("  [", f);
    if (from) fprintf(f, "%04d-%02d-%02d", from / 10000, from / 100 % 100, from % 100);
    fputs("..", f);
    if (to) fprintf(f, "%04d-%02d-%02d", to / 10000, to / 100 % 100, to % 100);
    fputc(']', f);
}

/* walk the trie for a phrase that is already there: its node, or 0 */
static uint32_t phrase_node(const kr_lang *L, const char *const *w, int n) {
    uint32_t node = 0;
    for (int i = 0; i < n && (i == 0 || node); i++) {
        uint32_t wid = kr_wid(L, w[i], strlen(w[i]));
        node = wid ? kr_trie_child(L, node, wid) : 0;
    }
    return node;
}

/* one phrase with one code over one date range */
static void sink_actor(pctx *p, const char *const *w, int nw, const char *code, int kind, int from, int to) {
    if (p->out) return;           /* written per entry by write_entry */
    kr_lang *L = p->L;
    /* the same phrase again (TABARI "AL_GORE" and "AL GORE" are one phrase here) */
    uint32_t node = phrase_node(L, w, nw);
    if (node && node < L->node_cap) {
        for (uint32_t e = L->node_entry[node]; e; e = L->ent[e-1].next) {
            const kr_actor_entry *a = &L->ent[e-1];
            int a1 = a->from ? a->from : 0, b1 = a->to ? a->to : 99999999, a2 = from ? from : 0, b2 = to ? to : 99999999;
            if (a->file == p->file && a1 <= b2 && a2 <= b1 && a->kind != AK_PERSON) {
                if (!p->dup_warned++ && ((kind == AK_NULL || kind == AK_DISCARD) ? a->kind != kind : strcmp(kr_str(p->d, a->code), code)))
                    msg(p, 0, "phrase '%s%s%s' already has code %s (line %d); this code is not used for it",
                        w[0], nw > 1 ? " " : "", nw > 1 ? w[1] : "", a->kind == AK_NULL ? "[---]" : a->kind == AK_DISCARD ? "[###]" : kr_str(p->d, a->code), a->line);
                return;
            }
        }
    }
    char b[1024]; size_t k = 0;
    for (int i = 0; i < nw; i++) {
        size_t l = strlen(w[i]);
        if (k + l + 2 >= sizeof b) break;
        if (i) b[k++] = ' ';
        memcpy(b + k, w[i], l); k += l;
    }
    uint32_t cid = code[0] ? kr_intern(p->d, code, strlen(code)) : 0;
    uint32_t before = L->nent;
    kr_dict_add_actor(p->d, L, b, k, cid, kind, from, to, 0, p->file, p->line);
    if (L->nent > before) L->ent[L->nent - 1].foreign = 1;
}

/* ------------------------------------------------------------ actors and agents */

typedef struct {
    const char **phr; int nphr, pcap;          /* raw phrases (TABARI text) */
    const char **plur; int nplur, plcap;       /* PETRARCH agents: {PLURALS} */
    int has_plur;                              /* a {} list was given (maybe empty) */
    xcode *codes; int ncodes, ccap;
    int line, bad;
} xentry;

/* the phrase variants of a raw TABARI/PETRARCH phrase: words[variant][word] */
typedef struct xvar { const char *w[MAXW]; int n; } xvar;
#define MAXVARS 256

static int phrase_variants(pctx *p, const char *raw, int agent, xvar *out, int max) {
    size_t n = strlen(raw);
    while (n && isspace((unsigned char)raw[n-1])) n--;
    int how = 'o';
    if (n && raw[n-1] == '_') { how = '_'; n--; }
    else if (n && raw[n-1] == '=') { how = '='; n--; }
    if (agent && how == 'o') how = 'n';          /* role nouns: word and plural */
    else if (how == '_') how = agent ? 'n' : 'n';
    xvar base;
    base.n = split_words(p, raw, n, base.w);
    if (base.n < 0) { msg(p, 1, "phrase '%s' has more than %d words", raw, MAXW); return 0; }
    if (base.n == 0) return 0;
    char forms[64][64];
    const char *last = base.w[base.n - 1];
    int nf = strchr("'-,;:()\"", last[0]) && !last[1] ? 0 : word_forms(last, how, 0, forms, 64);
    int k = 0;
    if (!nf) out[k++] = base;
    for (int i = 0; i < nf && k < max; i++) {
        int dup = 0;
        for (int j = 0; j < i; j++) if (!strcmp(forms[i], forms[j])) dup = 1;
        if (dup) continue;
        out[k] = base;
        out[k].w[base.n - 1] = sdup(p, forms[i], strlen(forms[i]));
        k++;
    }
    /* a blank between two words lets TABARI pass over words in between ("PRINCE
    ** DOL_AMROTH" finds "Prince of Dol Amroth"); kroniek adds the usual ones: of, the */
    int gap = -1, word = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (raw[i] == '_' || raw[i] == ' ') {
            if (raw[i] == ' ' && gap < 0) gap = word;
            while (i + 1 < n && (raw[i+1] == '_' || raw[i+1] == ' ')) i++;
            word++;
        }
    }
    static const char *const fill[][2] = { {"of", NULL}, {"the", NULL}, {"of", "the"} };
    for (int f = 0; gap >= 0 && gap + 1 < base.n && f < 3 && k < max && base.n + 2 <= MAXW; f++) {
        xvar v; v.n = 0;
        for (int i = 0; i < base.n; i++) {
            v.w[v.n++] = base.w[i];
            if (i == gap) for (int j = 0; j < 2 && fill[f][j]; j++) v.w[v.n++] = fill[f][j];
        }
        out[k++] = v;
    }
    return k;
}

static const char *kind_name(int kind) {
    switch (kind) { case AK_AGENT: return "agent"; case AK_ORG: return "org"; default: return "state"; }
}

/* write one entry's variants in kroniek's format (a phrase keeps its first code, as
** when loading; what kroniek's format cannot say is written as a comment) */
static void write_entry(pctx *p, xvar *v, int nv, const char *code, int kind, int from, int to, int special) {
    FILE *f = p->out;
    if (!p->written_init) { kr_map_init(&p->written, &p->sa); p->written_init = 1; }
    kr_buf list = {0};
    for (int i = 0; i < nv; i++) {
        char b[600]; size_t k = (size_t)snprintf(b, sizeof b, "%d|%d|%d|", kind == AK_AGENT, from, to);
        for (int j = 0; j < v[i].n && k < sizeof b - 80; j++) k += (size_t)snprintf(b + k, sizeof b - k, "%s%s", j ? " " : "", v[i].w[j]);
        if (k >= sizeof b) k = sizeof b - 1;
        if (kr_map_get(&p->written, b, k)) continue;
        kr_map_put(&p->written, b, k, 1);
        if (list.len) kr_buf_add(&list, " | ", 3);
        for (int j = 0; j < v[i].n; j++) { if (j) kr_buf_addc(&list, ' '); kr_buf_add(&list, v[i].w[j], strlen(v[i].w[j])); }
    }
    if (!list.len) { kr_buf_free(&list); return; }          /* every phrase is above with another code */
    size_t cl = strlen(code);
    int ok = 1;
    if (kind != AK_AGENT) { ok = cl && cl % 3 == 0; for (size_t i = 0; i < cl; i++) if (!isupper((unsigned char)code[i]) && !isdigit((unsigned char)code[i])) ok = 0; }
    if (special) fprintf(f, "# %s: ", special == 1 ? "null code [---], not an actor" : "discard code [###]/[+++], the sentence is not coded");
    else if (kind == AK_AGENT && code[0] != '~') fprintf(f, "# prefix agent %s (not in kroniek's format): ", code);
    else {
        if (!ok) fprintf(f, "# code %s is not made of 3-letter CAMEO parts: ", code);
        fprintf(f, "%-10s %-6s ", code, kind_name(kind));
    }
    fwrite(list.p, 1, list.len, f);
    write_range(f, from, to);
    fputc('\n', f);
    kr_buf_free(&list);
}

/* TABARI's blank connector: gf[i] = 1 when other words may come between word i-1 and
** word i of the phrase (as split_words splits it); returns the word count, 0 when the
** phrase has no blank between words */
static int gap_flags(pctx *p, const char *raw, uint8_t *gf) {
    size_t n = strlen(raw);
    while (n && (isspace((unsigned char)raw[n-1]) || raw[n-1] == '_' || raw[n-1] == '=')) n--;
    int k = 0, any = 0;
    size_t i = 0;
    while (i < n) {
        int blank = 0;
        while (i < n && (raw[i] == ' ' || raw[i] == '_' || raw[i] == '\t')) { if (raw[i] != '_') blank = 1; i++; }
        size_t j = i;
        while (j < n && raw[j] != ' ' && raw[j] != '_' && raw[j] != '\t') j++;
        if (j == i) break;
        const char *w[MAXW];
        int nw = split_words(p, raw + i, j - i, w);
        if (nw < 0 || k + nw > MAXW) return 0;
        for (int m = 0; m < nw; m++) { gf[k + m] = (uint8_t)(m == 0 && k > 0 && blank); any |= gf[k + m]; }
        k += nw; i = j;
    }
    return any ? k : 0;
}

/* a phrase variant with blank connectors, for the coder's gapped matching */
static void sink_gapped(pctx *p, const char *const *w, int nw, const uint8_t *gf, const char *code, int kind, int from, int to) {
    if (p->out || nw < 2 || nw > MAXW) return;
    kr_dict *d = p->d; kr_lang *L = p->L;
    uint32_t *wid = kr_alloc(&d->ar, sizeof *wid * (size_t)nw);
    uint8_t *gap = kr_alloc(&d->ar, (size_t)nw);
    for (int i = 0; i < nw; i++) { wid[i] = kr_wid_add(d, L, w[i], strlen(w[i])); gap[i] = gf[i]; }
    if (L->ngph == L->gphcap) {
        uint32_t nc = L->gphcap ? L->gphcap * 2 : 64;
        struct kr_gphrase *g = kr_alloc(&d->ar, sizeof *g * nc);
        if (L->ngph) memcpy(g, L->gph, sizeof *g * L->ngph);
        L->gph = g; L->gphcap = nc;
    }
    if (wid[0] >= L->gph_headcap) {
        uint32_t nc = L->gph_headcap ? L->gph_headcap : 1024;
        while (nc <= wid[0]) nc *= 2;
        uint32_t *h = kr_alloc(&d->ar, sizeof *h * nc);
        if (L->gph_headcap) memcpy(h, L->gph_head, sizeof *h * L->gph_headcap);
        L->gph_head = h; L->gph_headcap = nc;
    }
    struct kr_gphrase *g = &L->gph[L->ngph];
    memset(g, 0, sizeof *g);
    g->w = wid; g->gap = gap; g->nw = (uint16_t)nw; g->kind = (uint8_t)kind;
    g->code = code[0] ? kr_intern(d, code, strlen(code)) : 0;
    g->from = from; g->to = to; g->file = p->file; g->line = p->line;
    g->next = L->gph_head[wid[0]];
    L->gph_head[wid[0]] = ++L->ngph;
}

/* an entry is complete: split its codes over date segments and add every phrase */
static void entry_done(pctx *p, xentry *e) {
    if (!e->nphr) return;
    int save = p->line;
    p->dup_warned = 0;
    p->line = e->line;
    if (!e->ncodes) {
        if (!e->bad) msg(p, 1, "'%s' has no code (want PHRASE [CODE] or a [CODE] line after it)", e->phr[0]);
        goto out;
    }
    /* agents: codes ~XXX (suffix) or XXX~ (prefix) */
    int agent = 0;
    for (int i = 0; i < e->ncodes; i++) if (strchr(e->codes[i].code, '~')) agent = 1;
    /* date segments: boundaries of every dated code; in each segment the first dated code
    ** that covers it, else the first undated one */
    int pts[130]; int np = 0;
    pts[np++] = 0;
    for (int i = 0; i < e->ncodes && np < 126; i++) {
        if (e->codes[i].from) pts[np++] = e->codes[i].from;
        if (e->codes[i].to) pts[np++] = day_add(e->codes[i].to, 1);
    }
    for (int i = 1; i < np; i++) for (int j = i; j > 0 && pts[j] < pts[j-1]; j--) { int t = pts[j]; pts[j] = pts[j-1]; pts[j-1] = t; }
    struct { int from, to, ci; } seg[130]; int ns = 0;
    for (int i = 0; i < np; i++) {
        if (i && pts[i] == pts[i-1]) continue;
        int a = pts[i], b = 0;
        for (int j = i + 1; j < np; j++) if (pts[j] != a) { b = day_add(pts[j], -1); break; }
        int ci = -1;
        for (int c = 0; c < e->ncodes && ci < 0; c++) {
            const xcode *x = &e->codes[c];
            if (!x->from && !x->to) continue;
            int xa = x->from, xb = x->to ? x->to : 99999999;
            if (xa <= a && (b ? b : 99999999) <= xb) ci = c;
        }
        for (int c = 0; c < e->ncodes && ci < 0; c++) if (!e->codes[c].from && !e->codes[c].to) ci = c;
        if (ns && seg[ns-1].ci == ci && ci >= 0) { seg[ns-1].to = b; continue; }
        seg[ns].from = a; seg[ns].to = b; seg[ns].ci = ci; ns++;
    }
    if (!p->vbuf) p->vbuf = kr_alloc(&p->sa, sizeof *p->vbuf * MAXVARS);
    xvar *v = p->vbuf;
    for (int s = 0; s < ns; s++) {
        if (seg[s].ci < 0) continue;
        const xcode *x = &e->codes[seg[s].ci];
        int kind = x->special == 1 ? AK_NULL : x->special ? AK_DISCARD : agent ? AK_AGENT : is_org_code(x->code) ? AK_ORG : AK_STATE;
        /* compound codes "A/B/C": the coder makes one actor of each code, joined as a
        ** compound; kroniek's own format has one code per phrase (dict convert: the first) */
        char first[32];
        snprintf(first, sizeof first, "%s", x->code);
        char *slash = strchr(first, '/');
        if (slash) {
            *slash = 0;
            if (p->out) msg(p, 0, "compound code [%s]: kroniek's format keeps one actor per phrase and uses %s", x->code, first);
        }
        if (slash && strlen(x->code) > 23 && !p->out) {   /* the coder's codes have 23 characters at most */
            msg(p, 0, "compound code [%s] is longer than 23 characters: only %s is used", x->code, first);
            slash = NULL;
        }
        const char *code = kind == AK_NULL || kind == AK_DISCARD ? "" : slash ? x->code : first;
        for (int i = 0; i < e->nphr; i++) {
            int nv;
            if (agent && e->has_plur) {     /* PETRARCH agent with its plurals: as written */
                nv = phrase_variants(p, e->phr[i], 0, v, 1);
                for (int j = 0; j < e->nplur && nv < MAXVARS - 1; j++) nv += phrase_variants(p, e->plur[j], 0, v + nv, 1);
            } else nv = phrase_variants(p, e->phr[i], agent, v, 64);
            if (p->out) { write_entry(p, v, nv, first, kind, seg[s].from, seg[s].to, x->special); continue; }
            for (int k = 0; k < nv; k++) sink_actor(p, v[k].w, v[k].n, code, kind, seg[s].from, seg[s].to);
            /* TABARI actors with a blank connector also match with other words between */
            uint8_t gf[MAXW]; int ngf;
            if (p->fmt == KR_DFMT_TABARI && !agent && (ngf = gap_flags(p, e->phr[i], gf)) > 0)
                for (int k = 0; k < nv; k++) if (v[k].n == ngf) sink_gapped(p, v[k].w, v[k].n, gf, code, kind, seg[s].from, seg[s].to);
        }
    }
out:
    p->line = save;
    memset(e, 0, sizeof *e);
}

/* expand !NAME! substitutions in an agent phrase (PETRARCH); returns the count */
static int substitute(pctx *p, const char *raw, const char **out, int max) {
    const char *a = strchr(raw, '!');
    if (!a) { out[0] = raw; return 1; }
    const char *b = strchr(a + 1, '!');
    if (!b) { msg(p, 1, "unclosed !SUBSTITUTION! in '%s'", raw); return 0; }
    for (int i = 0; i < p->nsubst; i++) {
        if (strlen(p->subst[i].name) != (size_t)(b - a + 1) || memcmp(p->subst[i].name, a, (size_t)(b - a + 1))) continue;
        int k = 0;
        for (int j = 0; j < p->subst[i].n && k < max; j++) {
            char t[512];
            snprintf(t, sizeof t, "%.*s%s%s", (int)(a - raw), raw, p->subst[i].v[j], b + 1);
            k += substitute(p, sdup(p, t, strlen(t)), out + k, max - k);
        }
        return k;
    }
    msg(p, 1, "unknown substitution set %.*s (define it with '%.*s = WORD, WORD')", (int)(b - a + 1), a, (int)(b - a + 1), a);
    return 0;
}

static void entry_add_phrase(pctx *p, xentry *e, const char *s, size_t n) {
    const char *v[64];
    int nv = substitute(p, sdup(p, s, n), v, 64);
    for (int i = 0; i < nv; i++) {
        e->phr = grow(&p->sa, e->phr, e->nphr, &e->pcap, sizeof *e->phr);
        e->phr[e->nphr++] = v[i];
    }
}

/* the rest of an entry line after its phrase: {PLURALS} and [CODE] blocks */
static void entry_codes(pctx *p, xentry *e, const char *s, const char *end) {
    while ((s = skipsp(s, end)) < end) {
        if (*s == '{') {
            const char *c = memchr(s, '}', (size_t)(end - s));
            if (!c) { msg(p, 1, "unclosed '{'"); e->bad = 1; return; }
            e->has_plur = 1;
            for (const char *q = s + 1; q < c; ) {
                q = skipsp(q, c);
                const char *t = q; while (t < c && !isspace((unsigned char)*t)) t++;
                if (t > q) {
                    const char *v[64]; int nv = substitute(p, sdup(p, q, (size_t)(t - q)), v, 64);
                    for (int i = 0; i < nv; i++) { e->plur = grow(&p->sa, e->plur, e->nplur, &e->plcap, sizeof *e->plur); e->plur[e->nplur++] = v[i]; }
                }
                q = t;
            }
            s = c + 1;
            continue;
        }
        if (*s != '[') { msg(p, 1, "unexpected '%.*s' (want [CODE])", (int)(end - s), s); e->bad = 1; return; }
        const char *c = s + 1;
        while (c < end && *c != ']' && *c != '[') c++;
        if (c >= end || *c != ']') { msg(p, 1, "unclosed '[' in '%.*s'", (int)(end - s), s); e->bad = 1; return; }
        xcode x;
        if (parse_actor_code(p, s + 1, (size_t)(c - s - 1), &x)) {
            e->codes = grow(&p->sa, e->codes, e->ncodes, &e->ccap, sizeof *e->codes);
            e->codes[e->ncodes++] = x;
        } else e->bad = 1;
        s = c + 1;
    }
}

static void load_actor_file(pctx *p, const char *buf, size_t len) {
    lrd r = { buf, buf + len, 0 };
    const char *s; size_t n;
    xentry e; memset(&e, 0, sizeof e);
    int section = 0;                       /* inside <NOUN>, <ADJECTIVE> ... */
    while (raw_line(&r, &s, &n)) {
        p->line = r.line;
        if (n >= 2 && s[0] == '~' && s[1] == '~') break;          /* ~~FINISH */
        int ind;
        n = strip(s, n, &ind);
        const char *e0 = s + n, *t = skipsp(s, e0);
        if (t >= e0) continue;
        if (*t == '<') {
            if (t + 1 < e0 && t[1] == '/') section = 0;
            else { entry_done(p, &e); section = 1; msg(p, 0, "section %.*s: kroniek does not use word type lists", (int)(e0 - t), t); }
            continue;
        }
        if (section) continue;
        const char *bang = *t == '!' ? memchr(t + 1, '!', (size_t)(e0 - t - 1)) : NULL;
        if (bang && *skipsp(bang + 1, e0) == '=') {     /* !NAME! = A, B, C */
            const char *b = bang, *eq = skipsp(bang + 1, e0);
            if (p->nsubst == 32) { msg(p, 1, "too many substitution sets (max 32)"); continue; }
            int k = p->nsubst++;
            p->subst[k].name = sdup(p, t, (size_t)(b - t + 1)); p->subst[k].n = 0;
            int cap = 0;
            for (const char *q = eq + 1; q < e0; ) {
                q = skipsp(q, e0);
                const char *c = q; while (c < e0 && *c != ',') c++;
                const char *ce = c; while (ce > q && isspace((unsigned char)ce[-1])) ce--;
                if (ce > q) { p->subst[k].v = grow(&p->sa, p->subst[k].v, p->subst[k].n, &cap, sizeof *p->subst[k].v); p->subst[k].v[p->subst[k].n++] = sdup(p, q, (size_t)(ce - q)); }
                q = c + 1;
            }
            continue;
        }
        if (*t == '[') {                   /* code line of the current entry */
            if (!e.nphr) { msg(p, 1, "code line without an entry"); continue; }
            entry_codes(p, &e, t, e0);
            continue;
        }
        /* a phrase: "+SYNONYM ..." adds to the entry, otherwise a new entry */
        int syn = *t == '+';
        if (syn) { t = skipsp(t + 1, e0); if (!e.nphr) { msg(p, 1, "synonym '+...' without an entry"); continue; } }
        else if (e.nphr && !e.ncodes && !e.bad) {
            /* names without a code take the codes of the entry that follows (PETRARCH:
            ** "IVO_JOSIPOVIC_", "PRESIDENT_JOSIPOVIC_", "JOSIPOVIC_ [HRVGOV >20120219]") */
        } else { entry_done(p, &e); e.line = r.line; }
        const char *q = t;
        while (q < e0 && *q != '[' && *q != '{') q++;
        const char *pe = q; while (pe > t && isspace((unsigned char)pe[-1])) pe--;
        if (pe == t) { msg(p, 1, "entry without a phrase"); continue; }
        entry_add_phrase(p, &e, t, (size_t)(pe - t));
        entry_codes(p, &e, q, e0);
    }
    p->line = r.line;
    entry_done(p, &e);
}

/* ------------------------------------------------------------ patterns */

static int find_syn(pctx *p, const char *name, size_t n) {
    for (int i = 0; i < p->nsyn; i++) if (strlen(p->syn[i].name) == n && !memcmp(p->syn[i].name, name, n)) return i;
    return -1;
}

static int push_el(pctx *p, xseq *q, const xel *x) {
    if (q->n >= MAXEL) { msg(p, 1, "pattern has more than %d elements", MAXEL); return 0; }
    q->el[q->n++] = *x;
    return 1;
}

/* parse pattern text (TABARI or PETRARCH) into elements; 1 if fine */
static int parse_elems(pctx *p, const char *s, const char *e, xseq *q, int depth) {
    int pending = 0;                       /* next element is connected ('_') */
    if (depth > 6) { msg(p, 1, "pattern nested too deeply"); return 0; }
    while (s < e) {
        char c = *s;
        if (isspace((unsigned char)c)) { pending = 0; s++; continue; }
        if (c == '_' || (c == '~' && s + 1 < e && s[1] == '_')) {
            int open = c == '~';
            if (c == '~') s++;
            s++;
            /* the word before it is closed (whole word) unless '~_' */
            if (!open && q->n && q->el[q->n-1].type == X_PREFIX) q->el[q->n-1].type = X_WORD;
            if (!open && q->n && q->el[q->n-1].type == X_WORD) q->el[q->n-1].w2 = NULL;
            pending = s < e && !isspace((unsigned char)*s);
            continue;
        }
        if (c == '~') { s++; continue; }
        xel x; memset(&x, 0, sizeof x);
        x.adj = (uint8_t)pending;
        pending = 0;
        if (c == '*' || c == '+' || c == '$' || c == '%' || c == '^') {
            x.type = c == '*' ? X_VERB : c == '+' ? X_TARGET : c == '$' ? X_SOURCE : c == '%' ? X_RECIP : X_SKIP;
            /* PETRARCH "(TO +)": the actor right after the preposition */
            if ((x.type == X_TARGET || x.type == X_SOURCE) && depth && q->n && q->el[q->n-1].type == X_WORD) x.adj = 1;
            if (!push_el(p, q, &x)) return 0;
            s++;
            continue;
        }
        if (c == '&') {
            const char *a = s + 1, *b = a;
            while (b < e && (isalnum((unsigned char)*b) || *b == '_')) b++;
            const char *t = b;
            while (t > a && t[-1] == '_') t--;
            int si = -1;
            while (t > a) {                                     /* longest defined name */
                si = find_syn(p, a, (size_t)(t - a));
                if (si >= 0) break;
                while (t > a && t[-1] != '_') t--;
                while (t > a && t[-1] == '_') t--;
            }
            if (si < 0) { msg(p, 1, "unknown synonym set &%.*s (define it before use)", (int)(b - a), a); return 0; }
            x.type = X_SET; x.set = si;
            if (!push_el(p, q, &x)) return 0;
            s = t;
            continue;
        }
        if (c == '{' || c == '(') {
            char close = c == '{' ? '}' : ')';
            int lvl = 0, bar = 0;
            const char *t = s;
            for (; t < e; t++) {
                if (*t == '{' || *t == '(') lvl++;
                else if (*t == '}' || *t == ')') { if (--lvl == 0) break; }
                else if (*t == '|' && lvl == 1) bar = 1;
            }
            if (t >= e || *t != close) { msg(p, 1, "unclosed '%c' in pattern", c); return 0; }
            if (c == '{' && bar) {                               /* TABARI { A | B C } */
                x.type = X_ALT;
                x.alt = kr_alloc(&p->sa, sizeof *x.alt * 32);
                const char *a = s + 1;
                for (const char *b = s + 1; b <= t && x.nalt < 32; b++) {
                    if (b < t && *b != '|') continue;
                    xseq *al = &x.alt[x.nalt];
                    /* parsed on the stack, kept at its size (not MAXEL elements each) */
                    xel tmp[MAXEL];
                    memset(tmp, 0, sizeof tmp);
                    al->el = tmp; al->n = 0;
                    if (!parse_elems(p, a, b, al, depth + 1)) { al->el = NULL; al->n = 0; return 0; }
                    al->el = kr_alloc(&p->sa, sizeof *al->el * (size_t)(al->n ? al->n : 1));
                    if (al->n) memcpy(al->el, tmp, sizeof *al->el * (size_t)al->n);
                    if (al->n) x.nalt++;
                    a = b + 1;
                }
                if (!push_el(p, q, &x)) return 0;
            } else {                                             /* PETRARCH {NOUN PHRASE} or (PP) */
                int first = q->n;
                if (!parse_elems(p, s + 1, t, q, depth + 1)) return 0;
                if (c == '{') for (int i = first + 1; i < q->n; i++) q->el[i].adj = 1;
                if (q->n > first) q->el[first].adj = x.adj;
            }
            s = t + 1;
            continue;
        }
        if (c == '|' || c == '}' || c == ')' || c == '[' || c == ']') { msg(p, 1, "unexpected '%c' in pattern", c); return 0; }
        /* a word */
        const char *b = s;
        while (b < e && !isspace((unsigned char)*b) && !strchr("_~*+$%^&{}()|[]", *b)) b++;
        int exact = b < e && *b == '=';
        if (exact) b++;
        const char *w[MAXW];
        int nw = split_words(p, s, (size_t)(b - s - exact), w);
        if (nw < 0) { msg(p, 1, "word too long"); return 0; }
        for (int i = 0; i < nw; i++) {
            xel y; memset(&y, 0, sizeof y);
            y.adj = i ? 1 : x.adj;
            y.w = w[i];
            int last = i == nw - 1, punct = !w[i][1] && strchr("'-,;:()\"", w[i][0]);
            if (!last || exact || punct) y.type = X_WORD;
            else if (p->fmt == KR_DFMT_TABARI) y.type = X_PREFIX;          /* TABARI: a stem */
            else {                                                        /* PETRARCH: word or plural */
                char f[4][64]; int k = word_forms(w[i], 'n', 0, f, 4);
                y.type = X_WORD;
                if (k > 1) y.w2 = sdup(p, f[1], strlen(f[1]));
            }
            if (!push_el(p, q, &y)) return 0;
        }
        s = b;
    }
    return 1;
}

/* expand alternatives and multi-word set members into flat variants */
typedef struct { xseq *v; int n; } xvars;

static void expand(pctx *p, const xel *done, int nd, const xel *rest, int nr, xvars *out, int depth) {
    if (out->n >= MAXVAR) { p->truncated = 1; return; }
    int i = 0;
    xel cur[MAXEL * 2]; int nc = nd;
    if (nd) memcpy(cur, done, sizeof *cur * (size_t)nd);
    for (; i < nr; i++) {
        const xel *x = &rest[i];
        const xseq *alts = NULL; int nalt = 0;
        if (x->type == X_ALT) { alts = x->alt; nalt = x->nalt; }
        else if (x->type == X_SET && !x->part && !p->syn[x->set].simple) { alts = p->syn[x->set].alt; nalt = p->syn[x->set].nalt; }
        if (!alts) { if (nc < MAXEL) cur[nc++] = *x; continue; }
        if (depth > 8) { msg(p, 1, "synonym sets refer to each other too deeply"); return; }
        /* a set with single-word members keeps those in one element; the others expand */
        int single = 0;
        for (int a = 0; a < nalt; a++) {
            const xseq *al = &alts[a];
            if (x->type == X_SET && al->n == 1 && (al->el[0].type == X_WORD || al->el[0].type == X_PREFIX)) { single = 1; continue; }
            xel nrest[MAXEL * 2]; int nn = 0;
            for (int k = 0; k < al->n && nn < MAXEL; k++) nrest[nn++] = al->el[k];
            if (nn) nrest[0].adj |= x->adj;
            for (int k = i + 1; k < nr && nn < MAXEL * 2; k++) nrest[nn++] = rest[k];
            expand(p, cur, nc, nrest, nn, out, depth + 1);
        }
        if (single) {                 /* the single-word members as one set element */
            xel y = *x; y.type = X_SET; y.part = 1;
            xel nrest[MAXEL * 2]; int nn = 0;
            nrest[nn++] = y;
            for (int k = i + 1; k < nr && nn < MAXEL * 2; k++) nrest[nn++] = rest[k];
            expand(p, cur, nc, nrest, nn, out, depth + 1);
        }
        return;
    }
    if (out->n >= MAXVAR) { p->truncated = 1; return; }
    xseq *v = &out->v[out->n++];
    /* one element more: add_pattern may append the default target in place */
    v->el = kr_alloc(&p->sa, sizeof *v->el * (size_t)(nc + 1));
    if (nc) memcpy(v->el, cur, sizeof *cur * (size_t)nc);
    v->n = nc;
}

/* ------------------------------------------------------------ building triggers */

static uint32_t build_wset(pctx *p, int si) {
    xsyn *sy = &p->syn[si];
    if (sy->built) return (uint32_t)sy->built - 1;
    kr_dict *d = p->d; kr_lang *L = p->L;
    if (L->nwsets == L->wsetcap) { L->wsetcap = L->wsetcap ? L->wsetcap * 2 : 64; L->wsets = kr_xrealloc(L->wsets, L->wsetcap * sizeof *L->wsets); }
    struct kr_wset *ws = &L->wsets[L->nwsets];
    memset(ws, 0, sizeof *ws);
    for (int a = 0; a < sy->nalt; a++) {
        const xseq *al = &sy->alt[a];
        if (al->n != 1) continue;
        const xel *x = &al->el[0];
        if (x->type == X_PREFIX) {
            if (ws->npre == ws->precap) { ws->precap = ws->precap ? ws->precap * 2 : 4; ws->pre = kr_xrealloc(ws->pre, ws->precap * sizeof *ws->pre); }
            ws->pre[ws->npre++] = kr_strndup(&d->ar, x->w, strlen(x->w));
        } else if (x->type == X_WORD) {
            for (int k = 0; k < 2; k++) {
                const char *w = k ? x->w2 : x->w;
                if (!w) continue;
                if (ws->n == ws->cap) { ws->cap = ws->cap ? ws->cap * 2 : 8; ws->w = kr_xrealloc(ws->w, ws->cap * 4); }
                ws->w[ws->n++] = kr_wid_add(d, L, w, strlen(w));
            }
        }
    }
    char key[300];
    int kl = snprintf(key, sizeof key, "&%s@%s", sy->name, p->file);
    if (kl >= (int)sizeof key) kl = sizeof key - 1;
    kr_map_put(&L->sets, key, (size_t)kl, ++L->nwsets);
    sy->built = (int)L->nwsets;
    return L->nwsets - 1;
}

/* kroniek pattern from a flat variant; swap: + and $ trade places (reverse event) */
/* shortest word or stem of synonym set si as build_wset takes them (for the key choice) */
static size_t set_minlen(const pctx *p, int si) {
    const xsyn *sy = &p->syn[si];
    size_t m = (size_t)-1;
    for (int a = 0; a < sy->nalt; a++) {
        const xseq *al = &sy->alt[a];
        if (al->n != 1) continue;
        const xel *x = &al->el[0];
        if (x->type == X_PREFIX || x->type == X_WORD) { size_t l = strlen(x->w); if (l < m) m = l; }
        if (x->type == X_WORD && x->w2) { size_t l = strlen(x->w2); if (l < m) m = l; }
    }
    return m == (size_t)-1 ? 64 : m;
}

/* build_pattern: *key is the element to index the pattern by (-1: none), the word
** element with the longest shortest word (a rough guess at the rarest), fewer
** alternatives first; a stem of no letters matches every token and is no key */
static void build_pattern(pctx *p, const xpat *xp, int code, int swap, kr_pattern *out, int *key) {
    kr_dict *d = p->d; kr_lang *L = p->L;
    kr_pelem *el = kr_alloc(&d->ar, sizeof *el * (size_t)(xp->n ? xp->n : 1));
    int ne = 0, best = -1; long bscore = 0;
    for (int i = 0; i < xp->n; i++) {
        const xel *x = &xp->el[i];
        kr_pelem *e = &el[ne];
        e->adjacent = x->adj;
        size_t klen = 0; uint32_t kn = 0; int keyable = 0;
        switch (x->type) {
        case X_WORD: {
            uint32_t *a = kr_alloc(&d->ar, 8);
            a[0] = kr_wid_add(d, L, x->w, strlen(x->w)); e->nalt = 1;
            if (x->w2) a[e->nalt++] = kr_wid_add(d, L, x->w2, strlen(x->w2));
            e->type = PE_WORD; e->wid = a[0]; e->alts = a;
            klen = strlen(x->w); if (x->w2 && strlen(x->w2) < klen) klen = strlen(x->w2);
            kn = e->nalt; keyable = 1;
            break;
        }
        case X_PREFIX: e->type = PE_PREFIX; e->prefix = kr_strndup(&d->ar, x->w, strlen(x->w)); e->plen = (uint32_t)strlen(x->w);
            klen = e->plen; kn = 1; keyable = e->plen > 0; break;
        case X_SET: {
            uint32_t si = build_wset(p, x->set);
            struct kr_wset *ws = &L->wsets[si];
            e->type = PE_SET; e->wid = si; e->alts = ws->w; e->nalt = ws->n;
            e->prefixes = (const char *const *)ws->pre; e->nprefix = ws->npre;
            klen = set_minlen(p, x->set); kn = e->nalt + e->nprefix; keyable = 1;
            for (uint32_t j = 0; j < e->nprefix; j++) if (!e->prefixes[j][0]) keyable = 0;
            break;
        }
        case X_TARGET: e->type = swap ? PE_SOURCE : PE_TARGET; e->wid = x->part; break;   /* wid 1: TABARI's default target */
        case X_SOURCE: e->type = swap ? PE_TARGET : PE_SOURCE; e->wid = x->part; break;
        case X_RECIP: e->type = PE_RECIP; break;
        case X_VERB: e->type = PE_VERB; break;
        case X_SKIP: e->type = PE_SKIP; break;
        default: continue;
        }
        if (keyable) {
            for (uint32_t j = 0; j < e->nalt && keyable; j++) if (e->alts[j] > KR_FKEY_WORDMAX) keyable = 0;
            long score = (long)(klen < 64 ? klen : 64) * 1024 - (kn < 1023 ? kn : 1023);
            if (keyable && (best < 0 || score > bscore)) { best = ne; bscore = score; }
        }
        ne++;
    }
    out->el = el; out->nel = (uint32_t)ne; out->code = code; out->file = p->file; out->line = xp->line;
    *key = best;
}

/* the index of a foreign trigger's patterns (kr_fidx in kr_int.h); key[i]: the element
** of pattern i to index it by, -1 none */
static int cmp_fent(const void *a, const void *b) {
    const uint32_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : 0;
}

static const kr_fidx *build_fidx(kr_dict *d, kr_lang *L, const kr_pattern *pats, uint32_t np, const int *key) {
    kr_fidx *fx = kr_alloc(&d->ar, sizeof *fx);
    size_t n = 0, nany = 0;
    for (uint32_t i = 0; i < np; i++) {
        if (key[i] < 0) { nany++; continue; }
        const kr_pelem *e = &pats[i].el[key[i]];
        n += e->type == PE_PREFIX ? 1 : (size_t)e->nalt + (e->type == PE_SET ? e->nprefix : 0);
    }
    uint32_t *ent = kr_xmalloc((n ? n : 1) * 2 * sizeof *ent);
    uint32_t *any = kr_alloc(&d->ar, (nany ? nany : 1) * sizeof *any);
    size_t k = 0; nany = 0;
    for (uint32_t i = 0; i < np; i++) {
        if (key[i] < 0) { any[nany++] = i; continue; }
        const kr_pelem *e = &pats[i].el[key[i]];
        uint32_t npre = e->type == PE_PREFIX ? 1 : e->type == PE_SET ? e->nprefix : 0;
        if (e->type != PE_PREFIX) for (uint32_t j = 0; j < e->nalt; j++) { ent[2*k] = e->alts[j]; ent[2*k+1] = i; k++; fx->lens |= 1; }
        for (uint32_t j = 0; j < npre; j++) {
            const char *pre = e->type == PE_PREFIX ? e->prefix : e->prefixes[j];
            size_t pl = e->type == PE_PREFIX ? e->plen : strlen(pre);
            uint32_t h = KR_FKEY_H0, l = 0;
            for (; l < pl && l < KR_FKEY_PLEN; l++) h = kr_fkey_step(h, (unsigned char)pre[l]);
            ent[2*k] = kr_fkey_prefix(h, l); ent[2*k+1] = i; k++; fx->lens |= 1u << l;
        }
    }
    if (k > 1) qsort(ent, k, 2 * sizeof *ent, cmp_fent);
    uint32_t *ks = kr_alloc(&d->ar, (k ? k : 1) * sizeof *ks), *ps = kr_alloc(&d->ar, (k ? k : 1) * sizeof *ps);
    size_t m = 0;
    for (size_t j = 0; j < k; j++) {
        if (m && ks[m-1] == ent[2*j] && ps[m-1] == ent[2*j+1]) continue;     /* a word twice in a set */
        ks[m] = ent[2*j]; ps[m] = ent[2*j+1]; m++;
    }
    free(ent);
    uint32_t bits = 512;                        /* a filter before the search: 8 bits a key or more */
    while (bits < 8 * m && bits < (1u << 20)) bits *= 2;
    uint64_t *bloom = kr_alloc(&d->ar, bits / 8);
    for (size_t j = 0; j < m; j++) { uint32_t b = kr_fkey_bit(ks[j], bits - 1); bloom[b >> 6] |= 1ull << (b & 63); }
    fx->bloom = bloom; fx->bmask = bits - 1;
    if (!L->fkey_all && m) L->fkey_all = kr_alloc(&d->ar, (KR_FKEY_ALLMASK + 1) / 8);
    for (size_t j = 0; j < m; j++) { uint32_t b = kr_fkey_all_bit(ks[j]); L->fkey_all[b >> 6] |= 1ull << (b & 63); }
    fx->key = ks; fx->pat = ps; fx->n = (uint32_t)m; fx->any = any; fx->nany = (uint32_t)nany;
    return fx;
}

static uint32_t new_trigger(kr_lang *L) {
    if (L->ntrig == L->trigcap) { L->trigcap = L->trigcap ? L->trigcap * 2 : 1024; L->trig = kr_xrealloc(L->trig, L->trigcap * sizeof *L->trig); }
    memset(&L->trig[L->ntrig], 0, sizeof *L->trig);
    return L->ntrig++;
}

static void add_tform(pctx *p, uint32_t trig, const xform *f) {
    kr_dict *d = p->d; kr_lang *L = p->L;
    if (L->ntf == L->tfcap) { L->tfcap = L->tfcap ? L->tfcap * 2 : 4096; L->tf = kr_xrealloc(L->tf, L->tfcap * sizeof *L->tf); }
    kr_tform *t = &L->tf[L->ntf++];
    uint32_t *s = kr_alloc(&d->ar, (size_t)f->n * 4);
    for (int i = 0; i < f->n; i++) s[i] = kr_wid_add(d, L, f->w[i], strlen(f->w[i]));
    t->trig = trig; t->needs_particle = 0; t->nseq = (uint8_t)f->n; t->seq = s; t->next = 0;
}

/* has the pattern a target ('+' or '%')?  TABARI's target is otherwise the next actor */
static int has_target(const xpat *xp) {
    for (int i = 0; i < xp->n; i++) if (xp->el[i].type == X_TARGET || xp->el[i].type == X_RECIP) return 1;
    return 0;
}

static void write_pattern(pctx *p, const xpat *xp, const char *code, int swap) {
    FILE *f = p->out;
    int bad = code[0] && strcmp(code, "###") && !is_cameo(p->cd, code);
    int skip = 0;
    fputs(bad ? "# not a CAMEO code: - " : "- ", f);
    for (int i = 0; i < xp->n; i++) {
        const xel *x = &xp->el[i];
        switch (x->type) {
        case X_WORD: fprintf(f, "%s%s%s ", x->w, x->w2 ? "|" : "", x->w2 ? x->w2 : ""); break;
        case X_PREFIX: fprintf(f, "%s* ", x->w); break;
        case X_SET: fprintf(f, "&%s ", p->syn[x->set].name); break;
        case X_TARGET: fputs(swap ? "$ " : "+ ", f); break;
        case X_SOURCE: fputs(swap ? "+ " : "$ ", f); break;
        case X_RECIP: fputs("<> ", f); break;
        case X_VERB: fputs("* ", f); break;
        case X_SKIP: skip = 1; break;
        }
    }
    fprintf(f, "%s", !code[0] ? "###" : code);     /* kroniek's format: ### = the pattern codes nothing */
    if (skip) fputs("   # '^' (skip an actor) is not in kroniek's format", f);
    fprintf(f, "   # line %d\n", xp->line);
}

static void write_sets(pctx *p) {
    for (int i = 0; i < p->nsyn; i++) {
        xsyn *sy = &p->syn[i];
        int any = 0;
        for (int a = 0; a < sy->nalt; a++) {
            const xseq *al = &sy->alt[a];
            if (al->n != 1 || (al->el[0].type != X_WORD && al->el[0].type != X_PREFIX)) continue;
            fprintf(p->out, "%s%s%s%s%s", any ? " | " : "", any ? "" : "&", any ? "" : sy->name, any ? "" : " = ", "");
            if (al->el[0].type == X_PREFIX) fprintf(p->out, "%s*", al->el[0].w);
            else fprintf(p->out, "%s%s%s", al->el[0].w, al->el[0].w2 ? " | " : "", al->el[0].w2 ? al->el[0].w2 : "");
            any = 1;
        }
        if (any) fputc('\n', p->out);
        if (!sy->simple) fprintf(p->out, "# &%s has multi-word members: the patterns that use it are expanded below\n", sy->name);
    }
    fputc('\n', p->out);
}

/* like TABARI: longer patterns first; at equal length the one with more letters, then
** literal words before synonym sets, then the order of the file */
static int cmp_pat(const void *a, const void *b) {
    const xpat *x = a, *y = b;
    if (x->nlit != y->nlit) return y->nlit - x->nlit;
    if (x->nchar != y->nchar) return y->nchar - x->nchar;
    if (x->nset != y->nset) return x->nset - y->nset;
    return x->line != y->line ? x->line - y->line : (x < y ? -1 : 1);
}

/* the verb block is complete: patterns (sorted, longest first, like TABARI) go to
** every trigger of the block; a paired code [A:B] makes a reverse trigger */
static void block_done(pctx *p) {
    if (!p->ntrig) { if (p->npat) msg(p, 1, "patterns without a verb"); p->npat = 0; return; }
    if (p->npat > 1) qsort(p->pat, (size_t)p->npat, sizeof *p->pat, cmp_pat);
    int paired = 0;
    for (int i = 0; i < p->npat; i++) if (p->pat[i].code2) paired = 1;
    const kr_fidx *fx_last[2] = { NULL, NULL }; int fx_n[2] = { 0, 0 };
    for (int t = 0; t < p->ntrig; t++) {
        xtrig *T = &p->trig[t];
        int mirror = paired || T->code2;
        if (p->out) {
            FILE *f = p->out;
            if (!p->sets_written) { write_sets(p); p->sets_written = 1; }
            for (int pass = 0; pass < 1 + mirror; pass++) {
                if (pass) fprintf(f, "# reverse events of the paired codes above (target -> source)\n");
                for (int fi = 0; fi < T->nforms; fi++) {
                    const xform *F = &T->forms[fi];
                    int camel = T->code[0] && strcmp(T->code, "###") && is_cameo(p->cd, T->code);
                    const char *code = pass || !camel ? "---" : T->code;
                    if (T->discard) {
                        fprintf(f, "# discard phrase%s (line %d): ", T->flags & TRIG_STORY ? " (whole article)" : "", T->line);
                        for (int j = 0; j < F->n; j++) fprintf(f, "%s%s", j ? " " : "", F->w[j]);
                        fputc('\n', f);
                        continue;
                    }
                    if (F->n > 1) {
                        fputs("phrase", f);
                        for (int j = 0; j < F->n; j++) fprintf(f, " %s", F->w[j]);
                        fprintf(f, " %s", code);
                    } else if (fi == 0) {
                        fprintf(f, "verb %s {", F->w[0]);
                        int any = 0;
                        for (int j = 1; j < T->nforms; j++) if (T->forms[j].n == 1) { fprintf(f, "%s%s", any ? " " : "", T->forms[j].w[0]); any = 1; }
                        fprintf(f, "} %s", code);
                    } else continue;
                    if (!pass && T->code[0] && !camel) fprintf(f, "   # code %s is not a CAMEO code", T->code);
                    if (T->flags & TRIG_WEAK) fputs("   # TABARI '?': codes only when nothing else does (not in kroniek's format)", f);
                    if (T->flags & TRIG_DOMINANT) fputs("   # TABARI '!': dominant (not in kroniek's format)", f);
                    fprintf(f, "   # line %d\n", T->line);
                    for (int i = 0; i < p->npat; i++) {
                        const xpat *P = &p->pat[i];
                        write_pattern(p, P, pass ? (P->code2 ? P->code2 : "---") : P->code, pass);
                    }
                    if (pass && T->code2) fprintf(f, "- $ %s\n", T->code2);
                }
            }
            continue;
        }
        for (int pass = 0; pass < 1 + mirror; pass++) {
            kr_lang *L = p->L;
            uint32_t ti = new_trigger(L);
            kr_trigger *K = &L->trig[ti];
            K->kind = T->discard ? TK_DISCARD : T->forms[0].n > 1 ? TK_PHRASE : TK_VERB;
            K->flags = T->flags | TRIG_FOREIGN;
            K->file = p->file; K->line = T->line;
            K->lemma = kr_strndup(&p->d->ar, T->lemma, strlen(T->lemma));
            int save = p->line; p->line = T->line;
            K->code = pass ? -1 : T->discard ? -1 : code_index(p, T->code);
            if (K->code == -2) K->code = -1;
            int np = T->discard ? 1 : p->npat + (pass && T->code2 ? 1 : 0);
            kr_pattern *pats = kr_alloc(&p->d->ar, sizeof *pats * (size_t)(np ? np : 1));
            int *key = kr_xmalloc(sizeof *key * (size_t)(np ? np : 1));
            int k = 0;
            if (T->discard) { pats[k].el = NULL; pats[k].nel = 0; pats[k].code = -2; pats[k].file = p->file; pats[k].line = T->line; key[k] = -1; k++; }
            else for (int i = 0; i < p->npat; i++) {
                const xpat *P = &p->pat[i];
                p->line = P->line;
                int c = pass ? (P->code2 ? code_index(p, P->code2) : -1) : code_index(p, P->code);
                if (pass && c == -2) c = -1;
                build_pattern(p, P, c, pass, &pats[k], &key[k]); k++;
            }
            if (pass && T->code2) {
                xel src; memset(&src, 0, sizeof src); src.type = X_SOURCE; src.part = 1;   /* reverse of the default event */
                xpat catchall; memset(&catchall, 0, sizeof catchall);
                catchall.el = &src; catchall.n = 1; catchall.line = T->line;
                build_pattern(p, &catchall, code_index(p, T->code2), 0, &pats[k], &key[k]); k++;
            }
            p->line = save;
            /* the verbs of a block share their patterns' words: one index per pattern count */
            const kr_fidx *fx = !T->discard && fx_n[pass] == k + 1 ? fx_last[pass] : NULL;
            if (!fx) { fx = build_fidx(p->d, L, pats, (uint32_t)k, key); if (!T->discard) { fx_last[pass] = fx; fx_n[pass] = k + 1; } }
            free(key);
            K = &L->trig[ti];          /* code_index cannot move it, but be safe */
            K->pat = pats; K->npat = (uint32_t)k; K->fx = fx;
            for (int fi = 0; fi < T->nforms; fi++) add_tform(p, ti, &T->forms[fi]);
        }
    }
    p->ntrig = 0; p->npat = 0;
}

/* add a pattern "- ... [code]" to the current block */
static void add_pattern(pctx *p, const char *s, const char *e) {
    const char *lb = NULL;
    for (const char *q = e; q > s; q--) if (q[-1] == '[') { lb = q - 1; break; }
    if (!lb) { msg(p, 1, "pattern without a [code]"); return; }
    const char *rb = memchr(lb, ']', (size_t)(e - lb));
    if (!rb) { msg(p, 1, "unclosed '[' in pattern"); return; }
    const char *code, *code2; uint8_t fl = 0;
    if (!parse_event_code(p, lb + 1, (size_t)(rb - lb - 1), &code, &code2, &fl)) return;
    /* q.el and vars.v are scratch of this call only (the variants are copied into P.el):
    ** one buffer each per file, cleared as kr_alloc would have */
    if (!p->pat_el) { p->pat_el = kr_alloc(&p->sa, sizeof *p->pat_el * MAXEL); p->pat_var = kr_alloc(&p->sa, sizeof *p->pat_var * MAXVAR); }
    else { memset(p->pat_el, 0, sizeof *p->pat_el * MAXEL); memset(p->pat_var, 0, sizeof *p->pat_var * MAXVAR); }
    xseq q; q.el = p->pat_el; q.n = 0;
    if (!parse_elems(p, s, lb, &q, 0)) return;
    if (!q.n) { msg(p, 1, "empty pattern"); return; }
    xvars vars; vars.v = p->pat_var; vars.n = 0;
    p->truncated = 0;
    expand(p, NULL, 0, q.el, q.n, &vars, 0);
    if (p->truncated) msg(p, 0, "pattern has more than %d variants; the rest are not used", MAXVAR);
    for (int v = 0; v < vars.n; v++) {
        xpat P; memset(&P, 0, sizeof P);
        P.n = vars.v[v].n;
        P.el = vars.v[v].el;          /* expand left room for one more element */
        /* kroniek needs an actor slot: TABARI's default target is the next actor */
        if (!has_target(&P)) { memset(&P.el[P.n], 0, sizeof *P.el); P.el[P.n].type = X_TARGET; P.el[P.n++].part = 1; }
        for (int i = 0; i < P.n; i++) {
            const xel *x = &P.el[i];
            if (x->type == X_WORD || x->type == X_PREFIX || x->type == X_SET) P.nlit++;
            if (x->type == X_WORD || x->type == X_PREFIX) P.nchar += (int)strlen(x->w);
            if (x->type == X_SET) P.nset++;
        }
        P.code = code; P.code2 = code2; P.line = p->line;
        p->pat = grow(&p->sa, p->pat, p->npat, &p->pcap, sizeof *p->pat);
        p->pat[p->npat++] = P;
    }
}

/* forms of one verb phrase; verb: index of the inflected word (-1: first) */
static void trig_add_forms(pctx *p, xtrig *T, const char *s, size_t n, int petrarch) {
    const char *w[MAXW];
    int vi = 0;
    /* PETRARCH marks the verb of a multi-word form with '+' (+ASK_FOR) */
    char buf[512] = ""; size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof buf; i++) {
        if (s[i] == '+') {
            int words = 0;
            for (size_t j = 0; j < k; j++) if ((buf[j] == '_' || buf[j] == ' ') && j + 1 < k && buf[j+1] != '_' && buf[j+1] != ' ') words++;
            vi = k ? words + 1 : 0;
            continue;
        }
        buf[k++] = s[i];
    }
    size_t bl = k;
    int how = 'o';
    if (bl && buf[bl-1] == '_') { how = '_'; bl--; }
    else if (bl && buf[bl-1] == '=') { how = '='; bl--; }
    /* TABARI: the first word's ending decides ("CALLED_ON": CALLED closed) */
    int nw = split_words(p, buf, bl, w);
    if (nw <= 0) { msg(p, 1, "verb phrase '%.*s' is empty or too long", (int)n, s); return; }
    if (vi >= nw) vi = 0;
    if (nw > 1 && how != '=') {
        /* a '_' right after the verb word closes it */
        int word = 0;
        for (size_t i = 0; i < bl; i++) {
            if (buf[i] == ' ' || buf[i] == '_') {
                if (word == vi) { how = buf[i] == '_' ? '_' : (petrarch ? 'p' : 'o'); break; }
                while (i + 1 < bl && (buf[i+1] == ' ' || buf[i+1] == '_')) i++;
                word++;
            }
        }
        if (how == 'o' && petrarch) how = 'p';
    } else if (nw == 1 && petrarch && how != '=') how = 'p';
    char forms[80][64];
    int nf;
    if (how == 'p') nf = verb_forms(w[vi], forms, 80);
    else if (how == '_' && petrarch) nf = verb_forms(w[vi], forms, 80);
    else nf = word_forms(w[vi], how, 1, forms, 80);
    size_t flen[80];        /* (lengths first: most forms of a stem differ in length) */
    for (int i = 0; i < nf; i++) flen[i] = strlen(forms[i]);
    for (int i = 0; i < nf; i++) {
        int dup = 0;
        for (int j = 0; j < i && !dup; j++) if (flen[i] == flen[j] && !memcmp(forms[i], forms[j], flen[i])) dup = 1;
        if (dup) continue;
        T->forms = grow(&p->sa, T->forms, T->nforms, &T->fcap, sizeof *T->forms);
        xform *F = &T->forms[T->nforms++];
        F->n = nw;
        F->w = kr_alloc(&p->sa, sizeof *F->w * (size_t)nw);
        for (int j = 0; j < nw; j++) F->w[j] = j == vi ? sdup(p, forms[i], strlen(forms[i])) : w[j];
    }
    if (!T->lemma) {
        char l[256]; size_t ll = 0;
        for (int j = 0; j < nw && ll + strlen(w[j]) + 2 < sizeof l; j++) { if (j) l[ll++] = ' '; memcpy(l + ll, w[j], strlen(w[j])); ll += strlen(w[j]); }
        T->lemma = sdup(p, l, ll);
    }
}

/* explicit forms in braces: "{ ACTING_ ACTXD_ ACTUALITY }" or "{+ASKED_FOR +ASKING_FOR}" */
static void trig_brace_forms(pctx *p, xtrig *T, const char *s, const char *e) {
    for (const char *q = s; q < e; ) {
        while (q < e && (isspace((unsigned char)*q) || *q == ',')) q++;       /* blanks or commas between */
        const char *t = q; while (t < e && !isspace((unsigned char)*t) && *t != ',') t++;
        if (t > q) {
            if (p->fmt == KR_DFMT_TABARI) trig_add_forms(p, T, q, (size_t)(t - q), 0);
            else {                  /* PETRARCH: irregular forms, written as they are */
                char b[256]; size_t k = 0;
                for (const char *c = q; c < t && k + 2 < sizeof b; c++) if (*c != '+') b[k++] = *c;
                b[k++] = '=';
                trig_add_forms(p, T, b, k, 0);
            }
        }
        q = t;
    }
}

/* a verb line: "PHRASE [code] {forms}" */
static void add_verb(pctx *p, const char *s, const char *e, const char *block_code, const char *block_code2) {
    const char *q = s;
    while (q < e && *q != '[' && *q != '{') q++;
    const char *pe = q; while (pe > s && isspace((unsigned char)pe[-1])) pe--;
    if (pe == s) { msg(p, 1, "verb line without a verb"); return; }
    p->trig = grow(&p->sa, p->trig, p->ntrig, &p->tcap, sizeof *p->trig);
    xtrig *T = &p->trig[p->ntrig];
    memset(T, 0, sizeof *T);
    T->line = p->line;
    T->code = block_code ? block_code : ""; T->code2 = block_code2;
    int petrarch = p->fmt != KR_DFMT_TABARI;
    int have_code = block_code != NULL;
    while (q < e) {
        q = skipsp(q, e);
        if (q >= e) break;
        if (*q == '[') {
            const char *rb = memchr(q, ']', (size_t)(e - q));
            if (!rb) { msg(p, 1, "unclosed '['"); return; }
            if (!parse_event_code(p, q + 1, (size_t)(rb - q - 1), &T->code, &T->code2, &T->flags)) return;
            have_code = 1;
            q = rb + 1;
        } else if (*q == '{') {
            const char *rb = memchr(q, '}', (size_t)(e - q));
            if (!rb) { msg(p, 1, "unclosed '{'"); return; }
            trig_add_forms(p, T, s, (size_t)(pe - s), petrarch);
            trig_brace_forms(p, T, q + 1, rb);
            q = rb + 1;
            s = pe = NULL;
        } else { msg(p, 1, "unexpected '%.*s' after the verb", (int)(e - q), q); return; }
    }
    if (s) trig_add_forms(p, T, s, (size_t)(pe - s), petrarch);
    if (!have_code) { msg(p, 1, "verb '%s' has no [code]", T->lemma ? T->lemma : "?"); T->code = ""; }
    if (!strcmp(T->code, "###")) { T->discard = 1; if (T->nforms > 1) T->nforms = 1; }   /* a discard phrase as written */
    if (T->nforms) p->ntrig++;
}

/* a synonym set member line "+WORDS" */
static void add_syn_member(pctx *p, int si, const char *s, const char *e) {
    xsyn *sy = &p->syn[si];
    xseq q; q.el = kr_alloc(&p->sa, sizeof *q.el * MAXEL); q.n = 0;
    if (!parse_elems(p, s, e, &q, 0) || !q.n) return;
    sy->alt = grow(&p->sa, sy->alt, sy->nalt, &sy->cap, sizeof *sy->alt);
    sy->alt[sy->nalt++] = q;
    if (q.n != 1 || (q.el[0].type != X_WORD && q.el[0].type != X_PREFIX)) sy->simple = 0;
}

static int new_syn(pctx *p, const char *s, const char *e) {
    const char *a = s + 1, *b = a;
    while (b < e && (isalnum((unsigned char)*b) || *b == '_')) b++;
    while (b > a && b[-1] == '_') b--;
    if (b == a) { msg(p, 1, "synonym set without a name"); return -1; }
    if (find_syn(p, a, (size_t)(b - a)) >= 0) { msg(p, 1, "synonym set &%.*s defined twice", (int)(b - a), a); return -1; }
    p->syn = grow(&p->sa, p->syn, p->nsyn, &p->syncap, sizeof *p->syn);
    xsyn *sy = &p->syn[p->nsyn];
    memset(sy, 0, sizeof *sy);
    sy->name = sdup(p, a, (size_t)(b - a)); sy->simple = 1;
    return p->nsyn++;
}

static void load_verb_file(pctx *p, const char *buf, size_t len) {
    lrd r = { buf, buf + len, 0 };
    const char *s; size_t n;
    enum { S_NONE, S_SYN, S_TIME, S_OTHER, S_TRANSFORM } sec = S_NONE;
    int cur_syn = -1, ntime = 0, ntrans = 0, time_line = 0, trans_line = 0;
    const char *bcode = NULL, *bcode2 = NULL;      /* PETRARCH block code */
    int in_block = 0;
    if (p->out) fprintf(p->out, "# converted from %s (%s verbs) by kroniek dict convert\n\n", p->file, fmt_names[p->fmt]);
    while (raw_line(&r, &s, &n)) {
        p->line = r.line;
        if (n >= 2 && s[0] == '~' && s[1] == '~') break;
        if (sec == S_TRANSFORM) { int ind; if (strip(s, n, &ind)) ntrans++; continue; }
        if (n && s[0] == '#' && memmem(s, n, "TRANSFORMATIONS", 15)) { block_done(p); sec = S_TRANSFORM; trans_line = r.line; continue; }
        int ind;
        if (skipsp(s, s + n) == s + n) { if (p->fmt != KR_DFMT_TABARI) cur_syn = -1; continue; }   /* a blank line ends a set */
        n = strip(s, n, &ind);
        const char *e = s + n, *t = skipsp(s, e);
        if (t >= e) continue;
        if (*t == '<') {
            int close = t + 1 < e && t[1] == '/';
            const char *nm = t + 1 + close;
            if (close) { sec = S_NONE; cur_syn = -1; continue; }
            block_done(p);
            /* (the line ends at e, the buffer may end there too: "<" or "<SYN" last) */
            if (e - nm >= 7 && !strncasecmp(nm, "SYNSETS", 7)) sec = S_SYN;
            else if (e - nm >= 4 && !strncasecmp(nm, "TIME", 4)) { sec = S_TIME; time_line = r.line; }
            else { sec = S_OTHER; msg(p, 0, "section %.*s is not used by kroniek", (int)(e - t), t); }
            continue;
        }
        if (sec == S_OTHER) continue;
        if (sec == S_TIME) {
            /* date shifts are not supported; [###] and [+++] phrases discard the sentence */
            if (*t == '-') continue;
            const char *lb = memchr(t, '[', (size_t)(e - t));
            if (lb && (memmem(lb, (size_t)(e - lb), "###", 3) || memmem(lb, (size_t)(e - lb), "+++", 3))) { add_verb(p, t, e, NULL, NULL); block_done(p); }
            else ntime++;
            continue;
        }
        if (*t == '&') {                            /* synonym set */
            if (in_block && p->fmt == KR_DFMT_TABARI) block_done(p);
            cur_syn = new_syn(p, t, e);
            continue;
        }
        if (*t == '+' && cur_syn >= 0 && (sec == S_SYN || p->fmt != KR_DFMT_TABARI)) { add_syn_member(p, cur_syn, t + 1, e); continue; }
        if (sec == S_SYN) { msg(p, 1, "expected &NAME or +MEMBER in <SYNSETS>"); continue; }
        cur_syn = -1;
        if (t + 3 <= e && !memcmp(t, "---", 3) && (t + 3 == e || isspace((unsigned char)t[3]))) {   /* --- NAME [code] --- */
            block_done(p);
            in_block = 1;
            const char *lb = memchr(t, '[', (size_t)(e - t)), *rb = lb ? memchr(lb, ']', (size_t)(e - lb)) : NULL;
            bcode = ""; bcode2 = NULL;
            uint8_t fl = 0;
            if (!lb || !rb) msg(p, 1, "block line wants: --- NAME [CODE] ---");
            else if (!parse_event_code(p, lb + 1, (size_t)(rb - lb - 1), &bcode, &bcode2, &fl)) bcode = "";
            continue;
        }
        if (*t == '-') {                            /* pattern */
            if (!p->ntrig) { msg(p, 1, "pattern line before any verb"); continue; }
            add_pattern(p, t + 1, e);
            continue;
        }
        if (*t == '{' && p->ntrig) {                /* TABARI: more forms of the verb above */
            const char *rb = memchr(t, '}', (size_t)(e - t));
            if (!rb) { msg(p, 1, "unclosed '{'"); continue; }
            trig_brace_forms(p, &p->trig[p->ntrig - 1], t + 1, rb);
            continue;
        }
        /* a verb line */
        if (p->fmt == KR_DFMT_TABARI) { block_done(p); add_verb(p, t, e, NULL, NULL); }
        else {
            if (!in_block) { msg(p, 1, "verb line outside a '--- NAME [CODE] ---' block"); continue; }
            if (p->npat) { msg(p, 1, "verb line after the patterns of its block"); continue; }
            add_verb(p, t, e, bcode, bcode2);
        }
        in_block = in_block || p->fmt == KR_DFMT_TABARI;
    }
    block_done(p);
    if (ntime) { p->line = time_line; msg(p, 0, "<TIME> section: %d date shifts are not supported (TABARI SET: TIME SHIFT); its [###] and [+++] phrases are used", ntime); }
    if (ntrans) { p->line = trans_line; msg(p, 0, "TRANSFORMATIONS section: %d rules are not supported (they need PETRARCH-2's parse trees)", ntrans); }
    if (p->out && !p->sets_written && p->nsyn) write_sets(p);
}

/* ------------------------------------------------------------ discards */

static void load_discard_file(pctx *p, const char *buf, size_t len) {
    lrd r = { buf, buf + len, 0 };
    const char *s; size_t n;
    while (raw_line(&r, &s, &n)) {
        p->line = r.line;
        int ind;
        n = strip(s, n, &ind);
        const char *e = s + n, *t = skipsp(s, e);
        if (t >= e) continue;
        int story = *t == '+';
        if (story) t = skipsp(t + 1, e);
        const char *q = t; while (q < e && *q != '[') q++;
        while (q > t && isspace((unsigned char)q[-1])) q--;
        if (q == t) { msg(p, 1, "discard line without a phrase"); continue; }
        xtrig T; memset(&T, 0, sizeof T);
        T.line = r.line; T.code = ""; T.discard = 1; T.flags = story ? TRIG_STORY : 0;
        const char *w[MAXW];
        int nw = split_words(p, t, (size_t)(q - t), w);
        if (nw <= 0) { msg(p, 1, "discard phrase is empty or has more than %d words", MAXW); continue; }
        char f[4][64]; int nf = word_forms(w[nw-1], 'n', 0, f, 4);
        if (isdigit((unsigned char)w[nw-1][0])) nf = 1;
        for (int i = 0; i < nf; i++) {
            T.forms = grow(&p->sa, T.forms, T.nforms, &T.fcap, sizeof *T.forms);
            xform *F = &T.forms[T.nforms++];
            F->n = nw;
            F->w = kr_alloc(&p->sa, sizeof *F->w * (size_t)nw);
            for (int j = 0; j < nw; j++) F->w[j] = w[j];
            F->w[nw-1] = sdup(p, f[i], strlen(f[i]));
        }
        T.lemma = w[0];
        p->trig = grow(&p->sa, p->trig, p->ntrig, &p->tcap, sizeof *p->trig);
        p->trig[p->ntrig++] = T;
        block_done(p);
    }
}

/* ------------------------------------------------------------ detection */

/* KR_DFMT_* from the content: kroniek's own lines ("CODE kind ...", "person", "verb",
** "noun", "phrase", "&SET = ...") against TABARI/PETRARCH marks ("[CODE]" blocks,
** "+SYNONYM", "--- NAME [CODE] ---", "<SYNSETS>", "!SUBST! =", "~~FINISH"). */
int kr_detect_format(const char *buf, size_t len) {
    lrd r = { buf, buf + len, 0 };
    const char *s; size_t n;
    int own = 0, foreign = 0, blocks = 0, pp = 0, transform = 0, seen = 0;
    static const char *const kinds[] = { "state", "org", "capital", "adj", "people", "agent", "person", "place", "region", "none", NULL };
    while (raw_line(&r, &s, &n) && seen < 400) {
        if (n && s[0] == '#') { if (memmem(s, n, "TRANSFORMATIONS", 15)) transform = 1; continue; }
        int ind;
        size_t m = strip(s, n, &ind);
        const char *e = s + m, *t = skipsp(s, e);
        if (t >= e) continue;
        seen++;
        const char *w2 = t; while (w2 < e && !isspace((unsigned char)*w2)) w2++;
        size_t l1 = (size_t)(w2 - t);
        const char *x = skipsp(w2, e), *x2 = x; while (x2 < e && !isspace((unsigned char)*x2)) x2++;
        size_t l2 = (size_t)(x2 - x);
        int is_kind = 0;
        for (int k = 0; kinds[k]; k++) if (strlen(kinds[k]) == l2 && !memcmp(kinds[k], x, l2)) is_kind = 1;
        if (is_kind || (l1 == 6 && !memcmp(t, "person", 6)) ||
            ((l1 == 4 && (!memcmp(t, "verb", 4) || !memcmp(t, "noun", 4))) || (l1 == 6 && !memcmp(t, "phrase", 6))) ||
            (*t == '&' && memchr(t, '=', (size_t)(e - t)))) { own++; continue; }
        if (ind && !memchr(t, '[', (size_t)(e - t)) && isupper((unsigned char)*t) && l1 % 3 == 0) { own++; continue; }  /* person office line */
        if (*t == '-' && l1 == 3 && !memcmp(t, "---", 3)) { blocks++; foreign++; continue; }
        if (*t == '(' || memchr(t, '(', (size_t)(e - t))) pp++;
        if (memchr(t, '[', (size_t)(e - t)) && memchr(t, ']', (size_t)(e - t))) { foreign++; continue; }
        if (*t == '+' || *t == '<' || (*t == '!' && memchr(t, '=', (size_t)(e - t))) || (n >= 2 && s[0] == '~' && s[1] == '~')) { foreign++; continue; }
        if (*t == '&') { foreign++; continue; }
    }
    if (own >= foreign || !foreign) return KR_DFMT_KRONIEK;
    if (blocks) return transform || pp ? KR_DFMT_PETRARCH2 : KR_DFMT_PETRARCH1;
    /* actors and agents: PETRARCH files comment with '#', TABARI files with ';' */
    size_t semi = 0, hash = 0;
    for (size_t i = 0; i < len && i < 200000; i++) { if (buf[i] == ';') semi++; else if (buf[i] == '#' && (i == 0 || buf[i-1] != '#') && (i + 1 >= len || buf[i+1] != '#')) hash++; }
    return hash > semi ? KR_DFMT_PETRARCH1 : KR_DFMT_TABARI;
}

/* what a foreign file holds when its kind is not given */
static const char *guess_kind(const char *buf, size_t len) {
    lrd r = { buf, buf + len, 0 };
    const char *s; size_t n;
    int verbs = 0, agents = 0, actors = 0, plain = 0;
    while (raw_line(&r, &s, &n) && verbs + agents + actors + plain < 2000) {
        int ind; size_t m = strip(s, n, &ind);
        const char *e = s + m, *t = skipsp(s, e);
        if (t >= e) continue;
        if (*t == '-' || (*t == '<' && t + 8 < e && !strncasecmp(t, "<SYNSETS", 8))) { verbs++; continue; }
        const char *lb = memchr(t, '[', (size_t)(e - t));
        if (lb) { const char *c = skipsp(lb + 1, e); if (*c == '~' || memchr(lb, '~', (size_t)(e - lb))) agents++; else actors++; }
        else if (*t == '!') agents++;
        else if (*t != '+') plain++;
    }
    if (verbs) return "verbs";
    if (agents > actors) return "agents";
    if (actors) return "actors";
    return "discards";
}

/* ------------------------------------------------------------ entry points */

static void parse_file(pctx *p, const char *buf, size_t len, const char *kind) {
    if (!strcmp(kind, "verbs")) load_verb_file(p, buf, len);
    else if (!strcmp(kind, "discards")) {
        if (p->out) fprintf(p->out, "# converted from %s (%s discards): kroniek's format has no discards;\n# kroniek reads them from the original file (--discards)\n", p->file, fmt_names[p->fmt]);
        load_discard_file(p, buf, len);
    } else {
        if (p->out) fprintf(p->out, "# converted from %s (%s %s) by kroniek dict convert\n", p->file, fmt_names[p->fmt], kind);
        load_actor_file(p, buf, len);
    }
}

static kr_status load_foreign(kr_dict *d, const char *name, const char *buf, size_t len, int lang, const char *kind);

/* PETRARCH-1 files open with, and hold, <!-- ... --> comment blocks that span lines (also
** within a line: "AID <!-- note --> ASSIST").  A copy of buf (malloc'd, *out) with every
** block replaced by blanks, line ends kept so that line numbers stay; NULL when buf holds
** none.  An unclosed block is an error at its line (it would hide the rest of the file). */
static char *blank_comment_blocks(kr_dict *d, const char *name, const char *buf, size_t len) {
    const char *o = len >= 4 ? memmem(buf, len, "<!--", 4) : NULL;
    if (!o) return NULL;
    char *c = kr_xmalloc(len + 1);
    memcpy(c, buf, len); c[len] = 0;
    size_t i = (size_t)(o - buf);
    while (i + 4 <= len) {
        char *op = memmem(c + i, len - i, "<!--", 4);
        if (!op) break;
        size_t a = (size_t)(op - c);
        char *cl = a + 4 <= len ? memmem(c + a + 4, len - a - 4, "-->", 3) : NULL;
        size_t b = cl ? (size_t)(cl - c) + 3 : len;
        if (!cl) {
            int line = 1;
            for (size_t k = 0; k < a; k++) line += c[k] == '\n';
            kr_dict_msg(d, 1, name, line, "comment block '<!--' is not closed by '-->': the rest of the file would be a comment");
        }
        for (size_t k = a; k < b; k++) if (c[k] != '\n' && c[k] != '\r') c[k] = ' ';
        i = b;
    }
    return c;
}

/* lines with dictionary content (not blank, not only a ';' or '#' comment) and the
** first of them */
static int content_lines(const char *buf, size_t len, int *first) {
    lrd r = { buf, buf + len, 0 };
    const char *s; size_t n; int k = 0;
    *first = 0;
    while (raw_line(&r, &s, &n)) {
        int ind; size_t m = strip(s, n, &ind);
        if (skipsp(s, s + m) == s + m) continue;
        if (!k++) *first = r.line;
    }
    return k;
}

static size_t lang_entries(const kr_lang *L) {
    size_t n = (size_t)L->nent + L->ngph + L->ntrig + L->nwsets;
    for (uint32_t i = 0; i < L->ntrig; i++) n += L->trig[i].npat;
    return n;
}

kr_status kr_load_foreign(kr_dict *d, const char *name, const char *buf, size_t len, int lang, const char *kind) {
    int before = d->nerr;
    char *blanked = blank_comment_blocks(d, name, buf, len);
    if (blanked) buf = blanked;
    kr_status st = load_foreign(d, name, buf, len, lang, kind);
    free(blanked);
    return st != KR_OK ? st : d->nerr > before ? KR_ERR_PARSE : KR_OK;
}

static kr_status load_foreign(kr_dict *d, const char *name, const char *buf, size_t len, int lang, const char *kind) {
    int fmt = kr_detect_format(buf, len);
    int before = d->nerr;
    if (kind && !strcmp(kind, "kroniek")) kind = NULL;
    if (fmt == KR_DFMT_KRONIEK && !(kind && !strcmp(kind, "discards"))) {
        if (!kind) {
            kr_dict_msg(d, 1, name, 0, "unknown dictionary file: kroniek reads *.actors, *.verbs, words.txt, abbrev.txt, codes.tsv and TABARI/PETRARCH files");
            return KR_ERR_PARSE;
        }
        if (strcmp(kind, "actors") && strcmp(kind, "agents") && strcmp(kind, "verbs")) {
            kr_dict_msg(d, 1, name, 0, "unknown dictionary kind '%s' (actors, agents, verbs, discards)", kind);
            return KR_ERR_ARG;
        }
        return kr_dict_load_kroniek(d, name, buf, len, lang, kind);
    }
    if (!kind) kind = guess_kind(buf, len);
    if (strcmp(kind, "actors") && strcmp(kind, "agents") && strcmp(kind, "verbs") && strcmp(kind, "discards")) {
        kr_dict_msg(d, 1, name, 0, "unknown dictionary kind '%s' (actors, agents, verbs, discards)", kind);
        return KR_ERR_ARG;
    }
    if (fmt == KR_DFMT_KRONIEK) fmt = KR_DFMT_PETRARCH1;        /* a plain discard list */
    if (lang < 0) lang = 1;                                     /* the CAMEO dictionaries are English */
    pctx p; memset(&p, 0, sizeof p);
    p.d = d; p.cd = d; p.L = &d->lang[lang]; p.lang = lang; p.fmt = fmt; p.file = name;
    size_t had = lang_entries(p.L);
    parse_file(&p, buf, len, kind);
    kr_arena_free(&p.sa);
    /* a file that yields nothing, or far less than its lines suggest (a format read
    ** wrongly, a section or comment that swallowed the rest), is an error, never silence:
    ** entries counted are actor phrases, triggers, patterns and word sets; the shared
    ** dictionaries give 1.1 (TABARI's demo verbs) to 34 (CAMEO.2.0.txt) per line */
    int first, lines = content_lines(buf, len, &first);
    size_t got = lang_entries(p.L) - had;
    if (lines && !got)
        kr_dict_msg(d, 1, name, first, "%d line(s) of %s %s yield no entries (is it a %s file? see docs/FOREIGN-DICTS.md)",
                    lines, fmt_names[fmt], kind, kind);
    else if (lines >= 20 && got * 5 < (size_t)lines)
        kr_dict_msg(d, 1, name, first, "%d lines of %s %s yield only %zu %s: most of the file was not read (see the warnings)",
                    lines, fmt_names[fmt], kind, got, got == 1 ? "entry" : "entries");
    /* keep the file for kr_dict_write */
    struct kr_fsrc *f = kr_alloc(&d->ar, sizeof *f);
    f->name = name; f->kind = kr_strndup(&d->ar, kind, strlen(kind));
    char *copy = kr_alloc(&d->ar, len + 1);
    if (len) memcpy(copy, buf, len);
    f->buf = copy; f->len = len; f->lang = lang; f->fmt = fmt;
    struct kr_fsrc **tail = &d->foreign;
    while (*tail) tail = &(*tail)->next;
    *tail = f;
    return d->nerr > before ? KR_ERR_PARSE : KR_OK;
}

kr_status kr_dict_write(const kr_dict *d, FILE *out, const char *what) {
    if (!d || !out) return KR_ERR_ARG;
    int n = 0;
    for (const struct kr_fsrc *f = d->foreign; f; f = f->next) {
        if (what && strcmp(what, f->kind) && !(!strcmp(what, "actors") && !strcmp(f->kind, "agents"))) continue;
        pctx p; memset(&p, 0, sizeof p);
        p.cd = d; p.lang = f->lang; p.fmt = f->fmt; p.file = f->name; p.out = out;
        if (n++) fputc('\n', out);
        parse_file(&p, f->buf, f->len, f->kind);
        if (p.written_init) kr_map_free(&p.written);
        kr_arena_free(&p.sa);
    }
    if (!n) {
        fprintf(out, "# no TABARI or PETRARCH dictionary was loaded: give --actors F, --agents F, --verbs F or --discards F\n");
        return KR_ERR_ARG;
    }
    return ferror(out) ? KR_ERR_IO : KR_OK;
}
