/*
** store.c -- the archive's common layer: the public kr_store_* functions, which pick a
** backend (the table `backends` below: store_sqlite.c, store_pg.c, each a kr_store_ops
** of function pointers) and call it only through that table, and what both backends
** share: the duplicate key (BLAKE2b), full-text tokens, the query language, snippets,
** query filters as SQL, the aggregates kept at ingest, and the timeline's periods.
**
** Both backends index the same tokens: kr_fts_tokenize() splits text into runs of
** letters, digits and marks, folds them (lower case, accents stripped: "Genève" ->
** "geneve") and stems them with Snowball in the article's language ("besprekingen" ->
** "besprek").  Queries are parsed here (kr_fq_parse: an FTS5 subset) and rendered as an
** FTS5 MATCH string for SQLite or a tsquery for PostgreSQL, stemming each query word
** with both stemmers as alternatives, so "bespreking", "besprekingen", "geneve" and
** "Genève" all find the seed article on either backend.  Snippets are cut here too, so
** they are the same on both backends.  A backend calls this layer (store.h, under
** KR_STORE_INTERNAL), never the other backend.  See docs/ARCHIVE.md.
*/
#define KR_STORE_INTERNAL
#include "store.h"
#include <libstemmer.h>
#include <utf8proc.h>
#include <stdarg.h>
#include <stdio.h>
#include <ctype.h>
#include <time.h>

/* ================================================================== BLAKE2b */

/* The duplicate key of an article is BLAKE2b-256 (RFC 7693) of its text: a
** cryptographic digest, so a crafted text cannot pass for another, at a quarter of the
** cost of SHA-256 in portable C. */

static const uint64_t b2_iv[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL };
static const uint8_t b2_sigma[12][16] = {
    {0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15}, {14,10,4,8,9,15,13,6,1,12,0,2,11,7,5,3},
    {11,8,12,0,5,2,15,13,10,14,3,6,7,1,9,4}, {7,9,3,1,13,12,11,14,2,6,5,10,4,0,15,8},
    {9,0,5,7,2,4,10,15,14,1,11,12,6,8,3,13}, {2,12,6,10,0,11,8,3,4,13,7,5,15,14,1,9},
    {12,5,1,15,14,13,4,10,0,7,6,3,9,2,8,11}, {13,11,7,14,12,1,3,9,5,0,15,4,8,6,2,10},
    {6,15,14,9,11,3,0,8,12,2,13,7,1,4,10,5}, {10,2,8,4,7,6,1,5,15,11,9,14,3,12,13,0},
    {0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15}, {14,10,4,8,9,15,13,6,1,12,0,2,11,7,5,3} };

#define ROR64(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
#define B2G(a, b, c, d, x, y) do { \
    v[a] = v[a] + v[b] + (x); v[d] = ROR64(v[d] ^ v[a], 32); \
    v[c] = v[c] + v[d];       v[b] = ROR64(v[b] ^ v[c], 24); \
    v[a] = v[a] + v[b] + (y); v[d] = ROR64(v[d] ^ v[a], 16); \
    v[c] = v[c] + v[d];       v[b] = ROR64(v[b] ^ v[c], 63); } while (0)

static void b2_compress(uint64_t h[8], const uint8_t *blk, uint64_t t, int last) {
    uint64_t m[16], v[16];
    for (int i = 0; i < 16; i++) {
        uint64_t x = 0;
        for (int k = 7; k >= 0; k--) x = x << 8 | blk[8 * i + k];
        m[i] = x;
    }
    for (int i = 0; i < 8; i++) { v[i] = h[i]; v[i + 8] = b2_iv[i]; }
    v[12] ^= t;
    if (last) v[14] = ~v[14];
    for (int r = 0; r < 12; r++) {
        const uint8_t *s = b2_sigma[r];
        B2G(0, 4, 8, 12, m[s[0]], m[s[1]]);  B2G(1, 5, 9, 13, m[s[2]], m[s[3]]);
        B2G(2, 6, 10, 14, m[s[4]], m[s[5]]); B2G(3, 7, 11, 15, m[s[6]], m[s[7]]);
        B2G(0, 5, 10, 15, m[s[8]], m[s[9]]); B2G(1, 6, 11, 12, m[s[10]], m[s[11]]);
        B2G(2, 7, 8, 13, m[s[12]], m[s[13]]); B2G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

void kr_store_text_hash(const char *text, size_t len, char hex[65]) {
    uint64_t h[8];
    uint8_t last[128];
    const uint8_t *p = (const uint8_t *)(text ? text : "");
    memcpy(h, b2_iv, sizeof h);
    h[0] ^= 0x01010000ULL ^ 32;               /* no key, 32-byte digest */
    uint64_t t = 0;
    while (len > 128) { t += 128; b2_compress(h, p, t, 0); p += 128; len -= 128; }
    memset(last, 0, sizeof last);
    memcpy(last, p, len);
    t += len;
    b2_compress(h, last, t, 1);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", (unsigned)(h[i / 8] >> (8 * (i % 8))) & 0xff);
    hex[64] = 0;
}

/* ================================================================== tokens */

#define STEM_SLOTS 32768         /* per language, direct-mapped (pages are touched as used) */
#define STEM_MAXKEY 30           /* longer words are stemmed every time */
/* one slot is one 64-byte cache line: word and stem */
typedef struct { uint8_t klen, vlen; char key[STEM_MAXKEY]; char val[32]; } stem_slot;

struct kr_fts {
    struct sb_stemmer *st[2];    /* 0 dutch, 1 english (NULL: fold only) */
    stem_slot *cache[2];
    char tmp[2][KR_FTS_MAXTOK * 2 + 16];
};

kr_fts *kr_fts_new(void) {
    kr_fts *ft = calloc(1, sizeof *ft);
    if (!ft) return NULL;
    ft->st[0] = sb_stemmer_new("dutch", NULL);
    ft->st[1] = sb_stemmer_new("english", NULL);
    for (int i = 0; i < 2; i++) {
        ft->cache[i] = aligned_alloc(64, STEM_SLOTS * sizeof(stem_slot));
        if (ft->cache[i]) memset(ft->cache[i], 0, STEM_SLOTS * sizeof(stem_slot));
    }
    if (!ft->cache[0] || !ft->cache[1]) { kr_fts_free(ft); return NULL; }
    return ft;
}

void kr_fts_free(kr_fts *ft) {
    if (!ft) return;
    for (int i = 0; i < 2; i++) { if (ft->st[i]) sb_stemmer_delete(ft->st[i]); free(ft->cache[i]); }
    free(ft);
}

int kr_fts_lang(const char *lang) {
    if (lang && lang[0] == 'n' && lang[1] == 'l' && !lang[2]) return 0;
    if (lang && lang[0] == 'e' && lang[1] == 'n' && !lang[2]) return 1;
    return KR_FTS_BOTH;
}

/* Stem w (folded) with language li; result in ft->tmp[slot] (valid until the next
** call with the same slot).  OUT: *outlen */
static const char *fts_stem(kr_fts *ft, int li, const char *w, int n, int slot, int *outlen) {
    char *dst = ft->tmp[slot];
    if (!ft->st[li]) { memcpy(dst, w, (size_t)n); *outlen = n; return dst; }
    stem_slot *e = NULL;
    if (n <= STEM_MAXKEY) {
        e = &ft->cache[li][kr_hash(w, (size_t)n) & (STEM_SLOTS - 1)];
        if (e->klen == n && !memcmp(e->key, w, (size_t)n)) { *outlen = e->vlen; return e->val; }
    }
    const sb_symbol *r = sb_stemmer_stem(ft->st[li], (const sb_symbol *)w, n);
    int rl = r ? sb_stemmer_length(ft->st[li]) : 0;
    if (!r || rl <= 0 || rl > KR_FTS_MAXTOK * 2) { r = (const sb_symbol *)w; rl = n; }
    if (e && rl <= (int)sizeof e->val) {
        e->klen = (uint8_t)n; memcpy(e->key, w, (size_t)n);
        e->vlen = (uint8_t)rl; memcpy(e->val, r, (size_t)rl);
        *outlen = rl; return e->val;
    }
    memcpy(dst, r, (size_t)rl);
    *outlen = rl;
    return dst;
}

/* ASCII letters and digits */
static const uint8_t fts_ascii[128] = {
    ['0']=2,['1']=2,['2']=2,['3']=2,['4']=2,['5']=2,['6']=2,['7']=2,['8']=2,['9']=2,
    ['A']=1,['B']=1,['C']=1,['D']=1,['E']=1,['F']=1,['G']=1,['H']=1,['I']=1,['J']=1,['K']=1,['L']=1,['M']=1,
    ['N']=1,['O']=1,['P']=1,['Q']=1,['R']=1,['S']=1,['T']=1,['U']=1,['V']=1,['W']=1,['X']=1,['Y']=1,['Z']=1,
    ['a']=1,['b']=1,['c']=1,['d']=1,['e']=1,['f']=1,['g']=1,['h']=1,['i']=1,['j']=1,['k']=1,['l']=1,['m']=1,
    ['n']=1,['o']=1,['p']=1,['q']=1,['r']=1,['s']=1,['t']=1,['u']=1,['v']=1,['w']=1,['x']=1,['y']=1,['z']=1 };

/* Is the code point at p a word character?  OUT: *len bytes, *digit if a number */
static int fts_wordchar(const uint8_t *p, size_t n, int *len, int *digit) {
    if (p[0] < 0x80) { *len = 1; *digit = fts_ascii[p[0]] == 2; return fts_ascii[p[0]] != 0; }
    int32_t cp;
    utf8proc_ssize_t l = utf8proc_iterate(p, (utf8proc_ssize_t)(n < 4 ? n : 4), &cp);
    if (l <= 0) { *len = 1; *digit = 0; return 0; }
    *len = (int)l;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        *digit = 0; return 1;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        *digit = 1; return 1;
    default: *digit = 0; return 0;
    }
}

/* cut s to at most max bytes at a UTF-8 boundary */
static size_t utf8_cut(const char *s, size_t n, size_t max) {
    if (n <= max) return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return max;
}

void kr_fts_tokenize(kr_fts *ft, const char *text, size_t n, int lang, int fold_only,
                     kr_fts_fn fn, void *ctx) {
    const uint8_t *p = (const uint8_t *)text;
    char fold[KR_FTS_MAXTOK * 4 + 16];
    size_t i = 0;
    while (i < n) {
        int l, dig;
        if (!fts_wordchar(p + i, n - i, &l, &dig)) { i += (size_t)l; continue; }
        size_t start = i;
        int ascii = p[i] < 0x80, digit = dig;
        i += (size_t)l;
        while (i < n && fts_wordchar(p + i, n - i, &l, &dig)) { if (p[i] >= 0x80) ascii = 0; digit |= dig; i += (size_t)l; }
        size_t end = i, flen;
        if (ascii) {
            flen = end - start < KR_FTS_MAXTOK ? end - start : KR_FTS_MAXTOK;
            for (size_t k = 0; k < flen; k++) { char c = text[start + k]; fold[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }
        } else {
            size_t in = utf8_cut(text + start, end - start, KR_FTS_MAXTOK * 4);
            flen = kr_fold(text + start, in, fold, sizeof fold);
            flen = utf8_cut(fold, flen, KR_FTS_MAXTOK);
        }
        if (!flen) continue;            /* only marks: nothing left after folding */
        fold[flen] = 0;
        int r;
        if (fold_only || digit || flen < 3) r = fn(ctx, fold, (int)flen, (int)start, (int)end, 0);
        else if (lang >= 0) {
            int sl; const char *s = fts_stem(ft, lang, fold, (int)flen, 0, &sl);
            r = fn(ctx, s, sl, (int)start, (int)end, 0);
        } else {
            int l0, l1;
            const char *s0 = fts_stem(ft, 0, fold, (int)flen, 0, &l0);
            char keep[KR_FTS_MAXTOK * 2 + 16];
            memcpy(keep, s0, (size_t)l0);
            const char *s1 = fts_stem(ft, 1, fold, (int)flen, 1, &l1);
            r = fn(ctx, keep, l0, (int)start, (int)end, 0);
            if (!r && (l1 != l0 || memcmp(s1, keep, (size_t)l0))) r = fn(ctx, s1, l1, (int)start, (int)end, 1);
        }
        if (r) return;
    }
}

/* ---- prepared articles ---- */

static int prep_tok(void *ctx, const char *term, int len, int start, int end, int coloc) {
    kr_buf *b = ctx;
    (void)start; (void)end;
    if (b->len > 1) kr_buf_addc(b, coloc ? '|' : ' ');
    kr_buf_add(b, term, (size_t)len);
    return 0;
}

kr_store_prep *kr_store_prep_new(void) { return calloc(1, sizeof(kr_store_prep)); }

void kr_store_prep_free(kr_store_prep *p) {
    if (!p) return;
    kr_buf_free(&p->text); kr_buf_free(&p->ment); kr_buf_free(&p->t[0]); kr_buf_free(&p->t[1]);
    free(p->soff); free(p->slen); free(p->msent);
    free(p);
}

/* empty a buffer for reuse; one that grew past 1 MB for a big article is released */
static void buf_reuse(kr_buf *b) { if (b->cap > (1u << 20)) kr_buf_free(b); b->len = 0; kr_buf_add(b, "", 0); }

static void prep_mention(void *ctx, int sent, const char *code, const char *text) {
    kr_store_prep *p = ctx;
    if (p->nment == p->mcap) { p->mcap = p->mcap ? p->mcap * 2 : 64; p->msent = kr_xrealloc(p->msent, (size_t)p->mcap * sizeof *p->msent); }
    p->msent[p->nment++] = sent;
    kr_buf_add(&p->ment, code, strlen(code) + 1);
    kr_buf_add(&p->ment, text, strlen(text) + 1);
}

void kr_store_prep_coder(kr_store_prep *p, const kr_article *a, kr_coder *c) {
    size_t tlen;
    const char *text = kr_coder_text(c, &tlen);
    const char *lang = a->lang && *a->lang ? a->lang : kr_coder_lang(c);
    buf_reuse(&p->text); buf_reuse(&p->ment); buf_reuse(&p->t[0]); buf_reuse(&p->t[1]);
    kr_buf_add(&p->text, text, tlen);
    snprintf(p->lang, sizeof p->lang, "%s", lang ? lang : "");
    p->nsent = kr_coder_nsentences(c);
    if (p->nsent > p->scap || p->scap > 65536) {
        p->scap = p->nsent > 64 ? p->nsent : 64;
        p->soff = kr_xrealloc(p->soff, (size_t)p->scap * sizeof *p->soff);
        p->slen = kr_xrealloc(p->slen, (size_t)p->scap * sizeof *p->slen);
    }
    for (int i = 0; i < p->nsent; i++) {
        int len;
        const char *s = kr_coder_sentence(c, i, &len);
        p->soff[i] = (int)(s - text); p->slen[i] = len;
    }
    p->nment = 0;
    kr_coder_actors(c, prep_mention, p);
    p->analysed = 0;
}

void kr_store_prep_analyse(kr_store_prep *p, kr_fts *ft, const kr_article *a) {
    int lang = kr_fts_lang(p->lang);
    for (int i = 0; i < 2; i++) { p->t[i].len = 0; kr_buf_addc(&p->t[i], 2); }
    if (a && a->title) kr_fts_tokenize(ft, a->title, strlen(a->title), lang, 0, prep_tok, &p->t[0]);
    kr_fts_tokenize(ft, p->text.p ? p->text.p : "", p->text.len, lang, 0, prep_tok, &p->t[1]);
    p->analysed = 1;
}

int kr_store_prep_analysed(const kr_store_prep *p) { return p->analysed; }

size_t kr_store_prep_bytes(const kr_store_prep *p) {
    return sizeof *p + p->text.cap + p->ment.cap + p->t[0].cap + p->t[1].cap +
           (size_t)p->scap * 2 * sizeof(int) + (size_t)p->mcap * sizeof(int);
}

void kr_fts_replay(const char *s, size_t n, kr_fts_fn fn, void *ctx) {
    size_t i = 0;
    int coloc = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '|') j++;
        if (j > i && fn(ctx, s + i, (int)(j - i), (int)i, (int)j, coloc)) return;
        coloc = j < n && s[j] == '|';
        i = j + 1;
    }
}

/* ================================================================== queries */

enum { FQ_TERM, FQ_PHRASE, FQ_AND, FQ_OR, FQ_NOT };
#define FQ_MAXWORDS 64
#define FQ_MAXDEPTH 64
#define FQ_MAXPREFIX 8           /* word* terms in one query: each one scans every indexed
                                    word that starts with it (issue 15, item 1) */

typedef struct { char *fold; char *alt[2]; int nalt; } fq_word;
typedef struct fq_node {
    int kind, prefix, nw;
    fq_word *w;
    struct fq_node *l, *r;
} fq_node;

struct kr_fq {
    kr_arena ar;
    fq_node *root;
    int nwords, nprefix;
};

typedef struct {
    kr_fts *ft; kr_fq *q;
    const char *s; size_t n, i;
    char *err; size_t errlen;
    int depth, failed;
    /* lookahead */
    int tk;                      /* 0 end, 1 word, 2 phrase, 3 (, 4 ), 5 AND, 6 OR, 7 NOT */
    size_t tstart, tlen, tcol; int tprefix;
} fq_parser;

static void fq_error(fq_parser *P, const char *fmt, ...) {
    if (P->failed) return;
    P->failed = 1;
    va_list ap; va_start(ap, fmt);
    vsnprintf(P->err, P->errlen, fmt, ap);
    va_end(ap);
}

/* read the next token of the query into the lookahead */
static void fq_next(fq_parser *P) {
    const char *s = P->s;
    while (P->i < P->n && isspace((unsigned char)s[P->i])) P->i++;
    P->tcol = P->i + 1; P->tprefix = 0;
    if (P->i >= P->n) { P->tk = 0; return; }
    char c = s[P->i];
    if (c == '(') { P->tk = 3; P->i++; return; }
    if (c == ')') { P->tk = 4; P->i++; return; }
    if (c == '*') { fq_error(P, "'*' at column %zu must follow a word (as in bespr*)", P->tcol); P->tk = 0; return; }
    if (c == '"') {
        size_t j = P->i + 1;
        for (;;) {
            if (j >= P->n) { fq_error(P, "unbalanced quote: the phrase at column %zu has no closing \"", P->tcol); P->tk = 0; return; }
            if (s[j] == '"') { if (j + 1 < P->n && s[j + 1] == '"') { j += 2; continue; } break; }
            j++;
        }
        P->tk = 2; P->tstart = P->i + 1; P->tlen = j - P->i - 1; P->i = j + 1;
        if (P->i < P->n && s[P->i] == '*') { P->tprefix = 1; P->i++; }
        return;
    }
    size_t j = P->i;
    while (j < P->n && !isspace((unsigned char)s[j]) && s[j] != '"' && s[j] != '(' && s[j] != ')' && s[j] != '*') j++;
    P->tstart = P->i; P->tlen = j - P->i; P->i = j;
    if (P->i < P->n && s[P->i] == '*') { P->tprefix = 1; P->i++; }
    const char *w = s + P->tstart;
    if (!P->tprefix && P->tlen == 3 && !memcmp(w, "AND", 3)) { P->tk = 5; return; }
    if (!P->tprefix && P->tlen == 2 && !memcmp(w, "OR", 2)) { P->tk = 6; return; }
    if (!P->tprefix && P->tlen == 3 && !memcmp(w, "NOT", 3)) { P->tk = 7; return; }
    if (P->tlen == 4 && !memcmp(w, "NEAR", 4) && P->i < P->n && s[P->i] == '(') { fq_error(P, "NEAR( ) at column %zu is not supported; use a \"phrase\" or AND", P->tcol); P->tk = 0; return; }
    if (w[0] == '-') { fq_error(P, "'-' at column %zu: to leave out a word write 'a NOT b'", P->tcol); P->tk = 0; return; }
    if (memchr(w, ':', P->tlen)) { fq_error(P, "':' at column %zu: column filters are not supported; put the word in quotes", P->tcol); P->tk = 0; return; }
    P->tk = 1;
}

typedef struct { kr_arena *ar; fq_word *w; int n, cap; } fq_collect;

static int fq_collect_fold(void *ctx, const char *t, int len, int start, int end, int coloc) {
    fq_collect *c = ctx;
    (void)start; (void)end; (void)coloc;
    if (c->n == c->cap) {
        int ncap = c->cap ? c->cap * 2 : 8;
        fq_word *nw = kr_alloc(c->ar, (size_t)ncap * sizeof *nw);
        if (c->n) memcpy(nw, c->w, (size_t)c->n * sizeof *nw);
        c->w = nw; c->cap = ncap;
    }
    c->w[c->n].fold = kr_strndup(c->ar, t, (size_t)len);
    c->w[c->n].nalt = 0;
    c->n++;
    return 0;
}

typedef struct { fq_word *w; kr_arena *ar; } fq_alt_ctx;

/* the stems of one folded word; copied, as the tokenizer's strings are borrowed */
static int fq_collect_alt(void *ctx, const char *t, int len, int start, int end, int coloc) {
    fq_alt_ctx *c = ctx;
    (void)start; (void)end;
    if (!coloc && c->w->nalt) return 1;         /* folding made two tokens: keep the first */
    if (c->w->nalt < 2) c->w->alt[c->w->nalt++] = kr_strndup(c->ar, t, (size_t)len);
    return 0;
}

/* a word or phrase node from query text s[0..n) */
static fq_node *fq_leaf(fq_parser *P, const char *s, size_t n, int prefix) {
    fq_collect c = { &P->q->ar, NULL, 0, 0 };
    kr_fts_tokenize(P->ft, s, n, KR_FTS_BOTH, 1, fq_collect_fold, &c);
    if (!c.n) return NULL;
    if (prefix && c.n > 1) { fq_error(P, "'*' at column %zu: a prefix must be a single word", P->tcol); return NULL; }
    if (prefix && ++P->q->nprefix > FQ_MAXPREFIX) { fq_error(P, "the query has more than %d prefix terms (word*)", FQ_MAXPREFIX); return NULL; }
    P->q->nwords += c.n;
    if (P->q->nwords > FQ_MAXWORDS) { fq_error(P, "the query has more than %d words", FQ_MAXWORDS); return NULL; }
    for (int k = 0; k < c.n; k++) {
        fq_word *w = &c.w[k];
        if (prefix) { w->alt[0] = w->fold; w->nalt = 1; continue; }
        fq_alt_ctx ac = {w, &P->q->ar};
        w->nalt = 0;
        kr_fts_tokenize(P->ft, w->fold, strlen(w->fold), KR_FTS_BOTH, 0, fq_collect_alt, &ac);
        if (!w->nalt) { w->alt[0] = w->fold; w->nalt = 1; }
    }
    fq_node *nd = kr_alloc(&P->q->ar, sizeof *nd);
    nd->kind = c.n == 1 ? FQ_TERM : FQ_PHRASE;
    nd->prefix = prefix; nd->nw = c.n; nd->w = c.w;
    return nd;
}

static fq_node *fq_bin(fq_parser *P, int kind, fq_node *l, fq_node *r) {
    fq_node *nd = kr_alloc(&P->q->ar, sizeof *nd);
    nd->kind = kind; nd->l = l; nd->r = r;
    return nd;
}

static fq_node *fq_or(fq_parser *P);

/* primary := word | "phrase" | ( or ).  *empty is set when a word had no letters. */
static fq_node *fq_primary(fq_parser *P, int *empty) {
    *empty = 0;
    if (P->failed) return NULL;
    if (P->tk == 1 || P->tk == 2) {
        /* a phrase's doubled quotes need no unescaping: '"' is not a word character */
        fq_node *nd = fq_leaf(P, P->s + P->tstart, P->tlen, P->tprefix);
        if (!nd && !P->failed) *empty = 1;
        fq_next(P);
        return nd;
    }
    if (P->tk == 3) {
        size_t col = P->tcol;
        if (++P->depth > FQ_MAXDEPTH) { fq_error(P, "the query is nested too deeply"); return NULL; }
        fq_next(P);
        fq_node *nd = fq_or(P);
        if (P->failed) return NULL;
        if (P->tk != 4) { fq_error(P, "unbalanced parenthesis: the '(' at column %zu is not closed", col); return NULL; }
        P->depth--;
        fq_next(P);
        if (!nd) *empty = 1;
        return nd;
    }
    if (P->tk == 7) { fq_error(P, "NOT at column %zu needs words on its left: write 'a NOT b'", P->tcol); return NULL; }
    static const char *what[] = {"the end of the query", "", "", "", "')'", "AND", "OR", "NOT"};
    if (P->tk == 0) fq_error(P, "the query ends where a word, \"phrase\" or '(' was expected");
    else fq_error(P, "%s at column %zu: a word, \"phrase\" or '(' was expected", what[P->tk], P->tcol);
    return NULL;
}

/* not := primary (NOT primary)* */
static fq_node *fq_not(fq_parser *P) {
    int empty;
    fq_node *l = fq_primary(P, &empty);
    while (!P->failed && P->tk == 7) {
        size_t ncol = P->tcol;
        fq_next(P);
        int e2;
        fq_node *r = fq_primary(P, &e2);
        if (P->failed) return NULL;
        if (!l) { fq_error(P, "NOT at column %zu needs words on its left: write 'a NOT b'", ncol); return NULL; }
        if (r) l = fq_bin(P, FQ_NOT, l, r);
    }
    return l;
}

static int fq_starts_primary(int tk) { return tk == 1 || tk == 2 || tk == 3; }

/* and := not ([AND] not)* */
static fq_node *fq_and(fq_parser *P) {
    fq_node *l = fq_not(P);
    while (!P->failed) {
        if (P->tk == 5) {
            size_t col = P->tcol;
            fq_next(P);
            if (!fq_starts_primary(P->tk)) { fq_error(P, "AND at column %zu needs words on both sides", col); return NULL; }
        } else if (!fq_starts_primary(P->tk)) break;
        fq_node *r = fq_not(P);
        if (P->failed) return NULL;
        l = !l ? r : !r ? l : fq_bin(P, FQ_AND, l, r);
    }
    return l;
}

/* or := and (OR and)* */
static fq_node *fq_or(fq_parser *P) {
    if (P->tk == 6 || P->tk == 5) { fq_error(P, "%s at column %zu needs words on both sides", P->tk == 6 ? "OR" : "AND", P->tcol); return NULL; }
    fq_node *l = fq_and(P);
    while (!P->failed && P->tk == 6) {
        size_t col = P->tcol;
        fq_next(P);
        if (!fq_starts_primary(P->tk)) { fq_error(P, "OR at column %zu needs words on both sides", col); return NULL; }
        fq_node *r = fq_and(P);
        if (P->failed) return NULL;
        l = !l ? r : !r ? l : fq_bin(P, FQ_OR, l, r);
    }
    return l;
}

kr_fq *kr_fq_parse(kr_fts *ft, const char *q, char *err, size_t errlen) {
    if (!q) q = "";
    size_t n = strlen(q);
    if (n > 4096) { snprintf(err, errlen, "the query is longer than 4096 bytes"); return NULL; }
    if (!kr_utf8_valid(q, n)) { snprintf(err, errlen, "the query is not valid UTF-8"); return NULL; }
    kr_fq *fq = calloc(1, sizeof *fq);
    if (!fq) { snprintf(err, errlen, "out of memory"); return NULL; }
    fq_parser P = { ft, fq, q, n, 0, err, errlen, 0, 0, 0, 0, 0, 0, 0 };
    fq_next(&P);
    fq_node *root = P.failed ? NULL : fq_or(&P);
    if (!P.failed && P.tk == 4) fq_error(&P, "unbalanced parenthesis: ')' at column %zu has no '('", P.tcol);
    else if (!P.failed && P.tk != 0) fq_error(&P, "unexpected text at column %zu", P.tcol);
    if (!P.failed && !root) fq_error(&P, "the query has no words to search for");
    if (P.failed) { kr_fq_free(fq); return NULL; }
    fq->root = root;
    return fq;
}

void kr_fq_free(kr_fq *q) {
    if (!q) return;
    kr_arena_free(&q->ar);
    free(q);
}

kr_status kr_store_query_check(const char *query, char *err, size_t errlen) {
    kr_fts *ft = kr_fts_new();
    if (!ft) { snprintf(err, errlen, "out of memory"); return KR_ERR_NOMEM; }
    kr_fq *q = kr_fq_parse(ft, query, err, errlen);
    kr_fts_free(ft);
    if (!q) return KR_ERR_ARG;
    kr_fq_free(q);
    return KR_OK;
}

/* The parsed query as a query of each backend: one walk over the tree; a dialect says
** how a term or phrase is written and what the operators are. */
typedef struct {
    void (*leaf)(const fq_node *nd, kr_buf *o);
    const char *op_and, *op_or, *op_not;
} fq_dialect;

static void fq_emit(const fq_node *nd, const fq_dialect *D, kr_buf *o) {
    if (nd->kind == FQ_TERM || nd->kind == FQ_PHRASE) { D->leaf(nd, o); return; }
    const char *op = nd->kind == FQ_AND ? D->op_and : nd->kind == FQ_OR ? D->op_or : D->op_not;
    kr_buf_addc(o, '(');
    fq_emit(nd->l, D, o);
    kr_buf_add(o, op, strlen(op));
    fq_emit(nd->r, D, o);
    kr_buf_addc(o, ')');
}

static void fq_render(const kr_fq *q, const fq_dialect *D, kr_buf *out) {
    out->len = 0;
    fq_emit(q->root, D, out);
    kr_buf_add(out, "", 0);
    out->p[out->len] = 0;
}

/* FTS5: "w1 w2" phrases of folded words (quotes doubled), "w" * for a prefix */
static void fts5_leaf(const fq_node *nd, kr_buf *o) {
    kr_buf_addc(o, '"');
    for (int i = 0; i < nd->nw; i++) {
        if (i) kr_buf_addc(o, ' ');
        for (const char *c = nd->w[i].fold; *c; c++) { if (*c == '"') kr_buf_addc(o, '"'); kr_buf_addc(o, *c); }
    }
    kr_buf_addc(o, '"');
    if (nd->prefix) kr_buf_add(o, " *", 2);
}

static const fq_dialect fq_fts5 = { fts5_leaf, " AND ", " OR ", " NOT " };

void kr_fq_fts5(const kr_fq *q, kr_buf *out) { fq_render(q, &fq_fts5, out); }

static void ts_lexeme(kr_buf *o, const char *s, int prefix) {
    kr_buf_addc(o, '\'');
    for (; *s; s++) { if (*s == '\'' || *s == '\\') kr_buf_addc(o, *s); kr_buf_addc(o, *s); }
    kr_buf_addc(o, '\'');
    if (prefix) kr_buf_add(o, ":*", 2);
}

static void ts_word(kr_buf *o, const fq_word *w, int prefix) {
    if (prefix) { ts_lexeme(o, w->fold, 1); return; }
    if (w->nalt == 1) { ts_lexeme(o, w->alt[0], 0); return; }
    kr_buf_addc(o, '(');
    ts_lexeme(o, w->alt[0], 0); kr_buf_add(o, " | ", 3); ts_lexeme(o, w->alt[1], 0);
    kr_buf_addc(o, ')');
}

/* tsquery: a term is its stem (or both stems), a phrase its words joined by <-> */
static void ts_leaf(const fq_node *nd, kr_buf *o) {
    if (nd->kind == FQ_TERM) { ts_word(o, &nd->w[0], nd->prefix); return; }
    kr_buf_addc(o, '(');
    for (int i = 0; i < nd->nw; i++) { if (i) kr_buf_add(o, " <-> ", 5); ts_word(o, &nd->w[i], 0); }
    kr_buf_addc(o, ')');
}

static const fq_dialect fq_tsquery = { ts_leaf, " & ", " | ", " & !" };

void kr_fq_tsquery(const kr_fq *q, kr_buf *out) { fq_render(q, &fq_tsquery, out); }

/* ---- snippets ---- */

#define SNIP_WORDS 24
typedef struct { const char *s[2 * FQ_MAXWORDS]; int n; const char *pre[FQ_MAXWORDS]; int npre; } fq_terms;

/* the words a matching document contains: everything not on the right of a NOT */
static void fq_positive(const fq_node *nd, fq_terms *t) {
    if (nd->kind == FQ_TERM || nd->kind == FQ_PHRASE) {
        for (int i = 0; i < nd->nw; i++) {
            if (nd->prefix) { if (t->npre < FQ_MAXWORDS) t->pre[t->npre++] = nd->w[i].fold; continue; }
            for (int a = 0; a < nd->w[i].nalt && t->n < 2 * FQ_MAXWORDS; a++) t->s[t->n++] = nd->w[i].alt[a];
        }
        return;
    }
    fq_positive(nd->l, t);
    if (nd->kind != FQ_NOT) fq_positive(nd->r, t);
}

typedef struct { int start, end, match; } snip_tok;
typedef struct { snip_tok *v; int n, cap; const fq_terms *t; } snip_ctx;

static int snip_tok_fn(void *ctx, const char *term, int len, int start, int end, int coloc) {
    snip_ctx *x = ctx;
    int m = 0;
    for (int i = 0; i < x->t->n && !m; i++) if ((int)strlen(x->t->s[i]) == len && !memcmp(x->t->s[i], term, (size_t)len)) m = i + 1;
    for (int i = 0; i < x->t->npre && !m; i++) { int pl = (int)strlen(x->t->pre[i]); if (pl <= len && !memcmp(x->t->pre[i], term, (size_t)pl)) m = 1000 + i; }
    if (coloc && x->n) { if (m && !x->v[x->n - 1].match) x->v[x->n - 1].match = m; return 0; }
    if (x->n == x->cap) { x->cap = x->cap ? x->cap * 2 : 256; x->v = kr_xrealloc(x->v, (size_t)x->cap * sizeof *x->v); }
    x->v[x->n++] = (snip_tok){start, end, m};
    return 0;
}

static void snip_add(kr_buf *o, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) kr_buf_addc(o, s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i]);
}

char *kr_fq_snippet(kr_fts *ft, const kr_fq *q, const char *text, size_t n, int lang) {
    fq_terms t = {{0}, 0, {0}, 0};
    fq_positive(q->root, &t);
    snip_ctx x = {NULL, 0, 0, &t};
    kr_fts_tokenize(ft, text, n, lang, 0, snip_tok_fn, &x);
    /* the window of SNIP_WORDS tokens starting at a match with the most distinct
    ** matched words, then the most matches; the first window if nothing matched */
    int best = 0, bestd = 0, besth = 0;
    for (int st = 0; st < x.n; st++) {
        if (!x.v[st].match) continue;
        int e = st + SNIP_WORDS < x.n ? st + SNIP_WORDS : x.n, d = 0, h = 0, seen[16], ns = 0;
        for (int k = st; k < e; k++) {
            if (!x.v[k].match) continue;
            h++;
            int dup = 0;
            for (int j = 0; j < ns; j++) if (seen[j] == x.v[k].match) dup = 1;
            if (!dup) { d++; if (ns < 16) seen[ns++] = x.v[k].match; }
        }
        if (d > bestd || (d == bestd && h > besth)) { best = st; bestd = d; besth = h; }
    }
    kr_buf o = {0};
    if (x.n) {
        /* start a few words before the first match so the match has context */
        int s = best;
        if (bestd > 0) { int back = SNIP_WORDS / 4; s = s > back ? s - back : 0; }
        int e = s + SNIP_WORDS < x.n ? s + SNIP_WORDS : x.n;
        if (s > 0) kr_buf_add(&o, "...", 3);
        size_t pos = (size_t)x.v[s].start;
        for (int k = s; k < e; k++) {
            snip_add(&o, text + pos, (size_t)x.v[k].start - pos);
            if (x.v[k].match) kr_buf_addc(&o, '[');
            snip_add(&o, text + x.v[k].start, (size_t)(x.v[k].end - x.v[k].start));
            if (x.v[k].match) kr_buf_addc(&o, ']');
            pos = (size_t)x.v[k].end;
        }
        if (e < x.n) kr_buf_add(&o, "...", 3);
        else snip_add(&o, text + pos, n - pos < 4 ? n - pos : 4);
    }
    kr_buf_add(&o, "", 0);
    free(x.v);
    return o.p;
}

/* ================================================================== filters */

const char *kr_sql_param(kr_sqlparams *p, const char *s) {
    if (p->n >= KR_SQL_MAXPARAM) return NULL;
    int i = p->n++;
    p->isint[i] = 0;
    if (strlen(s) < sizeof p->own[i]) { strcpy(p->own[i], s); p->v[i] = p->own[i]; }
    else p->v[i] = s;               /* long strings are borrowed */
    return p->v[i];
}

const char *kr_sql_param_int(kr_sqlparams *p, long long v) {
    if (p->n >= KR_SQL_MAXPARAM) return NULL;
    int i = p->n++;
    p->isint[i] = 1;
    snprintf(p->own[i], sizeof p->own[i], "%lld", v);
    p->v[i] = p->own[i];
    return p->v[i];
}

/* pg: 1 PostgreSQL ($N placeholders); 0 SQLite; KR_SQL_NOIDX (store.h) */
static void ph(kr_buf *sql, int pg, int n) { kr_buf_addf(sql, pg == 1 ? "$%d" : "?%d", n); }

/* "col >= lo AND col < hi" for a code prefix (RUS matches RUSGOV) */
void kr_sql_prefix(kr_buf *sql, int pg, kr_sqlparams *p, const char *col, const char *prefix) {
    char hi[72];
    snprintf(hi, sizeof hi, "%s", prefix);
    size_t n = strlen(hi);
    kr_sql_param(p, prefix); int a = p->n;
    if (n && (unsigned char)hi[n - 1] < 0x7f) { hi[n - 1]++; kr_sql_param(p, hi); }
    else kr_sql_param(p, "\x7f\x7f\x7f");
    int b = p->n;
    kr_buf_addf(sql, "(%s >= ", col); ph(sql, pg, a); kr_buf_addf(sql, " AND %s < ", col); ph(sql, pg, b); kr_buf_addc(sql, ')');
}

/* a date bound as yyyymmdd: YYYY, or a date by the article rule (kr_article_date:
** YYYY-MM, YYYY-MM-DD, an ISO timestamp taken as its date); the upper bound of a year
** or month is its last day.  Returns 0 if bad. */
static int date_bound(const char *s, int upper) {
    size_t n = strlen(s);
    if (n == 4 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3])) {
        int y = atoi(s);
        if (y < 1900 || y > 2100) return 0;
        return y * 10000 + (upper ? 1231 : 101);
    }
    char day[11];
    int d = kr_article_date(s, day);
    if (!d) return 0;
    if (n == 7 && upper) d = d / 100 * 100 + 31;
    return d;
}

int kr_store_day(const char *date) { return date ? kr_parse_date(date) : 0; }

static int valid_code(const char *s, int digits) {
    if (!*s || strlen(s) > 60) return 0;
    for (; *s; s++) if (digits ? !isdigit((unsigned char)*s) : !isupper((unsigned char)*s) && !isdigit((unsigned char)*s)) return 0;
    return 1;
}

/* conditions on the events e of q: actors, dyad, code, quad */
static int event_conds(kr_buf *sql, const kr_query *q, int pg, kr_sqlparams *p, char *err, size_t errlen) {
    const char *acts[3][2] = {{q->actor, "actor"}, {q->source, "source"}, {q->target, "target"}};
    for (int i = 0; i < 3; i++) if (acts[i][0] && *acts[i][0] && !valid_code(acts[i][0], 0)) {
        snprintf(err, errlen, "bad %s code '%.60s' (upper-case letters and digits, e.g. RUS or USAGOV)", acts[i][1], acts[i][0]); return -1;
    }
    int da = q->dyad_a && *q->dyad_a, db = q->dyad_b && *q->dyad_b;
    if (da != db || (da && (!valid_code(q->dyad_a, 0) || !valid_code(q->dyad_b, 0)))) {
        snprintf(err, errlen, "bad dyad: want two actor codes A,B (e.g. RUS,IGOWSTNAT)"); return -1;
    }
    if (q->code && *q->code && !valid_code(q->code, 1)) { snprintf(err, errlen, "bad event code '%.60s' (digits, e.g. 04 or 043)", q->code); return -1; }
    if (q->quad < 0 || q->quad > 4) { snprintf(err, errlen, "bad quad class %d (1..4)", q->quad); return -1; }
    const char *src = pg == KR_SQL_NOIDX ? "+e.source" : "e.source", *tgt = pg == KR_SQL_NOIDX ? "+e.target" : "e.target";
    if (q->actor && *q->actor) {
        kr_buf_add(sql, " AND (", 6); kr_sql_prefix(sql, pg, p, src, q->actor);
        kr_buf_add(sql, " OR ", 4); kr_sql_prefix(sql, pg, p, tgt, q->actor); kr_buf_addc(sql, ')');
    }
    if (q->source && *q->source) { kr_buf_add(sql, " AND ", 5); kr_sql_prefix(sql, pg, p, src, q->source); }
    if (q->target && *q->target) { kr_buf_add(sql, " AND ", 5); kr_sql_prefix(sql, pg, p, tgt, q->target); }
    if (da) {
        kr_buf_add(sql, " AND ((", 7); kr_sql_prefix(sql, pg, p, src, q->dyad_a);
        kr_buf_add(sql, " AND ", 5); kr_sql_prefix(sql, pg, p, tgt, q->dyad_b);
        kr_buf_add(sql, ") OR (", 6); kr_sql_prefix(sql, pg, p, src, q->dyad_b);
        kr_buf_add(sql, " AND ", 5); kr_sql_prefix(sql, pg, p, tgt, q->dyad_a); kr_buf_add(sql, "))", 2);
    }
    if (q->code && *q->code) { kr_buf_add(sql, " AND ", 5); kr_sql_prefix(sql, pg, p, pg == KR_SQL_NOIDX ? "+e.code" : "e.code", q->code); }
    if (q->quad) { kr_sql_param_int(p, q->quad); kr_buf_addf(sql, " AND %se.quad = ", pg == KR_SQL_NOIDX ? "+" : ""); ph(sql, pg, p->n); }
    return 0;
}

int kr_sql_event_filter(const kr_query *q) {
    return (q->actor && *q->actor) || (q->source && *q->source) || (q->target && *q->target) ||
           (q->dyad_a && *q->dyad_a) || (q->dyad_b && *q->dyad_b) || (q->code && *q->code) || q->quad;
}

int kr_sql_where(kr_buf *sql, const kr_query *q, int pg, int articles, kr_sqlparams *p, const char *text_fmt,
                 const char *fts_arg, char *err, size_t errlen) {
    const char *day = articles ? "a.day" : "e.day";
    if (!articles && event_conds(sql, q, pg, p, err, errlen)) return -1;
    if (q->from && *q->from) {
        int d = date_bound(q->from, 0);
        if (!d) { snprintf(err, errlen, "bad date '%.40s' (want YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)", q->from); return -1; }
        kr_sql_param_int(p, d); kr_buf_addf(sql, " AND %s >= ", day); ph(sql, pg, p->n);
    }
    if (q->to && *q->to) {
        int d = date_bound(q->to, 1);
        if (!d) { snprintf(err, errlen, "bad date '%.40s' (want YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)", q->to); return -1; }
        kr_sql_param_int(p, d); kr_buf_addf(sql, " AND %s <= ", day); ph(sql, pg, p->n);
    }
    if (q->lang && *q->lang) {
        if (strcmp(q->lang, "nl") && strcmp(q->lang, "en")) { snprintf(err, errlen, "bad language '%.20s' (nl or en)", q->lang); return -1; }
        kr_sql_param(p, q->lang); kr_buf_add(sql, " AND a.lang = ", 14); ph(sql, pg, p->n);
    }
    if (q->doc && *q->doc) { kr_sql_param(p, q->doc); kr_buf_add(sql, " AND a.id = ", 12); ph(sql, pg, p->n); }
    if (fts_arg && text_fmt) {
        kr_sql_param(p, fts_arg);
        char phs[16]; snprintf(phs, sizeof phs, pg == 1 ? "$%d" : "?%d", p->n);
        kr_buf_add(sql, " AND ", 5);
        kr_buf_addf(sql, text_fmt, phs);
    }
    if (articles && kr_sql_event_filter(q)) {
        kr_buf_add(sql, " AND EXISTS (SELECT 1 FROM events e WHERE e.article = a.aid", 59);
        if (event_conds(sql, q, pg, p, err, errlen)) return -1;
        kr_buf_addc(sql, ')');
    }
    if (p->n >= KR_SQL_MAXPARAM) { snprintf(err, errlen, "too many filters"); return -1; }
    kr_buf_add(sql, "", 0);
    return 0;
}

/* ---- the daily aggregates (schema version 2; see store.h) ---- */

const char *const kr_count_keys[4] = {"count_articles", "count_sentences", "count_events", "count_events_daily"};

int kr_daily_ok(const kr_query *q) {
    return !(q->text && *q->text) && !(q->doc && *q->doc);
}

int kr_sql_where_daily(kr_buf *sql, const kr_query *q, int pg, kr_sqlparams *p, char *err, size_t errlen) {
    kr_query c = *q;
    c.quad = 0;
    if (q->quad < 0 || q->quad > 4) { snprintf(err, errlen, "bad quad class %d (1..4)", q->quad); return -1; }
    if (event_conds(sql, &c, pg, p, err, errlen)) return -1;
    if (q->quad) kr_buf_addf(sql, " AND e.q%d > 0", q->quad);     /* a digit 1..4, not request text */
    c.text = c.doc = NULL;
    c.actor = c.source = c.target = c.dyad_a = c.dyad_b = c.code = NULL;
    /* dates and language: kr_sql_where over events e (a.lang is e.lang here) */
    kr_buf tail = {0};
    const char *lang = c.lang;
    c.lang = NULL;
    if (kr_sql_where(&tail, &c, pg, 0, p, NULL, NULL, err, errlen)) { kr_buf_free(&tail); return -1; }
    if (tail.len) kr_buf_add(sql, tail.p, tail.len);
    kr_buf_free(&tail);
    if (lang && *lang) {
        if (strcmp(lang, "nl") && strcmp(lang, "en")) { snprintf(err, errlen, "bad language '%.20s' (nl or en)", lang); return -1; }
        kr_sql_param(p, lang); kr_buf_add(sql, " AND e.lang = ", 14); ph(sql, pg, p->n);
    }
    if (p->n >= KR_SQL_MAXPARAM) { snprintf(err, errlen, "too many filters"); return -1; }
    kr_buf_add(sql, "", 0);
    return 0;
}

static int days_before_month(int y, int m);
static int month_len(int y, int m) { return m == 12 ? 31 : days_before_month(y, m + 1) - days_before_month(y, m); }

int kr_tl_source(const kr_query *q, const char *bucket, int by_dyad, int *m0, int *m1) {
    *m0 = *m1 = 0;
    if (!kr_daily_ok(q)) return KR_TL_EVENTS;
    if ((q->lang && *q->lang) || (q->code && *q->code) || q->quad) return KR_TL_DAILY;
    int actors = kr_sql_event_filter(q);
    if (!actors && !by_dyad) return KR_TL_DAYS;
    if (bucket && bucket[0] == 'm') {
        int f = q->from && *q->from ? date_bound(q->from, 0) : -1, t = q->to && *q->to ? date_bound(q->to, 1) : -1;
        if (!f || !t) return KR_TL_DAILY;               /* a bad date: the daily path says so */
        if (f > 0 && f % 100 != 1) return KR_TL_DAILY;
        if (t > 0 && t % 100 < month_len(t / 10000, t / 100 % 100)) return KR_TL_DAILY;
        *m0 = f > 0 ? f / 100 : 0;
        *m1 = t > 0 ? t / 100 : 0;
        return KR_TL_DYAD_MONTHS;
    }
    return KR_TL_DAILY;
}

int kr_sql_where_months(kr_buf *sql, const kr_query *q, int pg, int m0, int m1, kr_sqlparams *p, char *err, size_t errlen) {
    kr_query c;
    memset(&c, 0, sizeof c);
    c.actor = q->actor; c.source = q->source; c.target = q->target; c.dyad_a = q->dyad_a; c.dyad_b = q->dyad_b;
    if (event_conds(sql, &c, pg, p, err, errlen)) return -1;
    if (m0) { kr_sql_param_int(p, m0); kr_buf_add(sql, " AND e.month >= ", 16); ph(sql, pg, p->n); }
    if (m1) { kr_sql_param_int(p, m1); kr_buf_add(sql, " AND e.month <= ", 16); ph(sql, pg, p->n); }
    if (p->n >= KR_SQL_MAXPARAM) { snprintf(err, errlen, "too many filters"); return -1; }
    kr_buf_add(sql, "", 0);
    return 0;
}

void kr_agg_init(kr_agg *g, long long (*round10)(double)) {
    memset(g, 0, sizeof *g);
    kr_map_init(&g->dmap, &g->ar);
    kr_map_init(&g->amap, &g->ar);
    kr_map_init(&g->smap, &g->ar);
    g->round10 = round10;
}

void kr_agg_reset(kr_agg *g) {
    kr_map_free(&g->dmap); kr_map_free(&g->amap); kr_map_free(&g->smap);
    kr_arena_reset(&g->ar);
    kr_map_init(&g->dmap, &g->ar);
    kr_map_init(&g->amap, &g->ar);
    kr_map_init(&g->smap, &g->ar);
    g->nd = g->na = g->nsm = 0;
    g->articles = g->sentences = g->events = 0;
}

void kr_agg_free(kr_agg *g) {
    kr_map_free(&g->dmap); kr_map_free(&g->amap); kr_map_free(&g->smap);
    kr_arena_free(&g->ar);
    free(g->d); free(g->a); free(g->sm);
    kr_buf_free(&g->key);
    memset(g, 0, sizeof *g);
}

static void agg_actor(kr_agg *g, const char *code, long ev, long mn) {
    size_t n = strlen(code);
    uint32_t i = kr_map_get(&g->amap, code, n);
    if (!i) {
        if (g->na == g->acap) { g->acap = g->acap ? g->acap * 2 : 256; g->a = kr_xrealloc(g->a, g->acap * sizeof *g->a); }
        g->a[g->na] = (kr_agg_actor){kr_strndup(&g->ar, code, n), 0, 0};
        kr_map_put(&g->amap, code, n, ++g->na);
        i = g->na;
    }
    g->a[i - 1].events += ev;
    g->a[i - 1].mentions += mn;
}

/* the strings of a key "date\0source\0target\0code\0lang\0" */
static void agg_key_add(kr_buf *k, const char *s) { kr_buf_add(k, s, strlen(s) + 1); }

void kr_agg_put(kr_agg *g, const kr_article *a, const kr_store_prep *p, const kr_event *ev, int nev) {
    const char *date = a->date ? a->date : "";
    int day = kr_store_day(a->date);
    g->articles++;
    g->sentences += p->nsent;
    g->events += nev;
    for (int i = 0; i < nev; i++) {
        const kr_event *e = &ev[i];
        const char *src = e->source ? e->source : "", *tgt = e->target ? e->target : "", *code = e->code ? e->code : "";
        kr_buf *k = &g->key;
        k->len = 0;
        agg_key_add(k, date); agg_key_add(k, src); agg_key_add(k, tgt); agg_key_add(k, code); agg_key_add(k, p->lang);
        uint32_t x = kr_map_get(&g->dmap, k->p, k->len);
        if (!x) {
            if (g->nd == g->dcap) { g->dcap = g->dcap ? g->dcap * 2 : 1024; g->d = kr_xrealloc(g->d, g->dcap * sizeof *g->d); }
            kr_agg_day *d = &g->d[g->nd];
            memset(d, 0, sizeof *d);
            char *c = kr_alloc(&g->ar, k->len);
            memcpy(c, k->p, k->len);
            d->day = day;
            d->date = c; c += strlen(c) + 1;
            d->source = c; c += strlen(c) + 1;
            d->target = c; c += strlen(c) + 1;
            d->code = c; c += strlen(c) + 1;
            d->lang = c;
            kr_map_put(&g->dmap, k->p, k->len, ++g->nd);
            x = g->nd;
        }
        kr_agg_sums *s = &g->d[x - 1].s;
        long g10 = (long)g->round10(e->goldstein);
        s->n++; s->g10 += g10;
        if (e->quad >= 1 && e->quad <= 4) { s->q[e->quad]++; s->g[e->quad] += g10; }
        agg_actor(g, src, 1, 0);
        agg_actor(g, tgt, 1, 0);
    }
    const char *mp = p->ment.p;
    for (int i = 0; i < p->nment; i++) {
        const char *code = mp, *text = code + strlen(code) + 1;
        mp = text + strlen(text) + 1;
        agg_actor(g, code, 0, 1);
    }
}

static int agg_day_cmp(const void *pa, const void *pb) {
    const kr_agg_day *a = pa, *b = pb;
    int c;
    if (a->day != b->day) return a->day < b->day ? -1 : 1;
    if ((c = strcmp(a->date, b->date)) || (c = strcmp(a->source, b->source)) || (c = strcmp(a->target, b->target)) ||
        (c = strcmp(a->code, b->code))) return c;
    return strcmp(a->lang, b->lang);
}

void kr_agg_sort(kr_agg *g) {
    if (g->nd > 1) qsort(g->d, g->nd, sizeof *g->d, agg_day_cmp);
    kr_map_free(&g->dmap);               /* its indexes are stale now */
    kr_map_init(&g->dmap, &g->ar);
    for (uint32_t i = 0; i < g->nd; i++) {
        kr_buf *k = &g->key;
        const kr_agg_day *d = &g->d[i];
        k->len = 0;
        agg_key_add(k, d->date); agg_key_add(k, d->source); agg_key_add(k, d->target); agg_key_add(k, d->code); agg_key_add(k, d->lang);
        kr_map_put(&g->dmap, k->p, k->len, i + 1);
    }
}

static void agg_sum(kr_agg *g, int day, int month, const char *source, const char *target, const kr_agg_day *d, int newgroup) {
    kr_buf *k = &g->key;
    k->len = 0;
    char num[16];
    int nl = snprintf(num, sizeof num, "%c%d", month ? 'M' : 'D', month ? month : day);
    kr_buf_add(k, num, (size_t)nl + 1);
    if (month) { agg_key_add(k, source); agg_key_add(k, target); }
    uint32_t x = kr_map_get(&g->smap, k->p, k->len);
    if (!x) {
        if (g->nsm == g->smcap) { g->smcap = g->smcap ? g->smcap * 2 : 256; g->sm = kr_xrealloc(g->sm, g->smcap * sizeof *g->sm); }
        kr_agg_sum *a = &g->sm[g->nsm];
        memset(a, 0, sizeof *a);
        a->day = month ? 0 : day; a->month = month; a->source = source; a->target = target;
        kr_map_put(&g->smap, k->p, k->len, ++g->nsm);
        x = g->nsm;
    }
    kr_agg_sum *a = &g->sm[x - 1];
    a->n += d->s.n; a->groups += newgroup; a->g10 += d->s.g10;
    for (int i = 1; i <= 4; i++) a->q[i] += d->s.q[i];
}

void kr_agg_summarize(kr_agg *g, const kr_agg_day *d, int newgroup) {
    agg_sum(g, d->day, 0, NULL, NULL, d, newgroup);
    agg_sum(g, d->day, d->day / 100, d->source, d->target, d, newgroup);
}

void kr_tl_hash_init(kr_tl_hash *h) {
    memset(h, 0, sizeof *h);
    kr_map_init(&h->idx, &h->ar);
}

void kr_tl_hash_add(kr_tl_hash *h, const char *date, const char *source, const char *target, const char *code,
                    long g10, int quad) {
    kr_buf *k = &h->key;
    k->len = 0;
    agg_key_add(k, date); agg_key_add(k, source); agg_key_add(k, target); agg_key_add(k, code);
    uint32_t i = kr_map_get(&h->idx, k->p, k->len);
    if (!i) {
        if (h->n == h->cap) { h->cap = h->cap ? h->cap * 2 : 1024; h->v = kr_xrealloc(h->v, h->cap * sizeof *h->v); }
        kr_tl_group *g = &h->v[h->n];
        memset(g, 0, sizeof *g);
        char *c = kr_alloc(&h->ar, k->len);
        memcpy(c, k->p, k->len);
        g->date = c; c += strlen(c) + 1;
        g->source = c; c += strlen(c) + 1;
        g->target = c; c += strlen(c) + 1;
        g->code = c;
        g->groups = 1;
        kr_map_put(&h->idx, k->p, k->len, ++h->n);
        i = h->n;
    }
    kr_tl_group *g = &h->v[i - 1];
    g->n++;
    g->g10 += g10;
    if (quad >= 1 && quad <= 4) g->quad[quad]++;
}

int kr_tl_hash_emit(kr_tl_hash *h, kr_tl_group_fn fn, void *ctx) {
    for (uint32_t i = 0; i < h->n; i++) if (fn(ctx, &h->v[i])) return 1;
    return 0;
}

void kr_tl_hash_free(kr_tl_hash *h) {
    kr_map_free(&h->idx);
    kr_arena_free(&h->ar);
    kr_buf_free(&h->key);
    free(h->v);
    memset(h, 0, sizeof *h);
}

void kr_tl_merge_init(kr_tl_merge *m, int quad, kr_tl_group_fn fn, void *ctx) {
    memset(m, 0, sizeof *m);
    m->fn = fn; m->ctx = ctx; m->quad = quad;
}

static int tl_merge_flush(kr_tl_merge *m) {
    if (!m->have || m->stop) return m->stop;
    m->have = 0;
    if (m->fn(m->ctx, &m->g)) m->stop = 1;
    return m->stop;
}

int kr_tl_merge_row(kr_tl_merge *m, const char *date, const char *source, const char *target, const char *code,
                    const kr_agg_sums *s) {
    if (m->stop) return 1;
    size_t ld = strlen(date), ls = strlen(source), lt = strlen(target), lc = strlen(code);
    int same = m->have && m->k.len == ld + ls + lt + lc + 4 &&
               !memcmp(m->g.date, date, ld + 1) && !memcmp(m->g.source, source, ls + 1) &&
               !memcmp(m->g.target, target, lt + 1) && !memcmp(m->g.code, code, lc + 1);
    if (!same) {
        if (tl_merge_flush(m)) return 1;
        kr_buf *k = &m->k;
        k->len = 0;
        kr_buf_add(k, date, ld + 1); kr_buf_add(k, source, ls + 1); kr_buf_add(k, target, lt + 1); kr_buf_add(k, code, lc + 1);
        memset(&m->g, 0, sizeof m->g);
        m->g.date = k->p; m->g.source = k->p + ld + 1; m->g.target = m->g.source + ls + 1; m->g.code = m->g.target + lt + 1;
        m->g.groups = 1;
        m->have = 1;
    }
    if (m->quad) {
        m->g.n += s->q[m->quad]; m->g.g10 += s->g[m->quad]; m->g.quad[m->quad] += s->q[m->quad];
    } else {
        m->g.n += s->n; m->g.g10 += s->g10;
        for (int i = 1; i <= 4; i++) m->g.quad[i] += s->q[i];
    }
    return 0;
}

int kr_tl_merge_end(kr_tl_merge *m) {
    int r = tl_merge_flush(m);
    kr_buf_free(&m->k);
    return r;
}

/* ================================================================== dispatch */

void kr_store_seterr(kr_store *s, const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
}

/* Issue 15: the text of article id no longer matches the checksum kept of it (it was
** changed after ingest).  Every reader that hands out a stored text (an article, a
** search snippet) checks it, one hash per article, and answers this instead. */
kr_status kr_store_damaged(kr_store *s, const char *id) {
    kr_store_seterr(s, "article '%.200s': the stored text does not match its checksum (it was changed after ingest, "
                    "so it is not shown); run kroniek ingest --check", id ? id : "");
    return KR_ERR_DAMAGED;
}

/* The backends: the first whose URI prefix (schemes) starts the --db value opens it;
** the one without schemes (SQLite) opens every other value. */
static const kr_store_ops *const backends[] = {&kr_store_pg_ops, &kr_store_sqlite_ops};

kr_store *kr_store_open(const char *uri, int create, int readonly, char *err, size_t errlen) {
    if (!uri || !*uri) { snprintf(err, errlen, "no archive given (--db FILE or postgresql://...)"); return NULL; }
    const kr_store_ops *dflt = NULL;
    for (size_t i = 0; i < sizeof backends / sizeof *backends; i++) {
        const kr_store_ops *b = backends[i];
        if (!b->schemes) { if (!dflt) dflt = b; continue; }
        for (const char *const *p = b->schemes; *p; p++)
            if (!strncmp(uri, *p, strlen(*p))) return b->open(uri, create, readonly, err, errlen);
    }
    return dflt->open(uri, create, readonly, err, errlen);
}

void kr_store_close(kr_store *s) {
    if (!s) return;
    s->ops->close(s);
    kr_fts_free(s->fts);
    kr_store_prep_free(s->prep);
    free(s);
}

const char *kr_store_error(const kr_store *s) { return s ? s->err : "no archive"; }
const char *kr_store_backend(const kr_store *s) { return s->ops->name; }
int kr_store_schema_version(kr_store *s) { return s->version; }
void kr_store_set_dict(kr_store *s, const kr_dict *d) { s->dict = d; }
long kr_store_put_count(const kr_store *s) { return s->nput; }
int kr_store_empty(kr_store *s) { return s->ops->empty(s); }

static double mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void kr_store_set_budget(kr_store *s, long ms, int (*stop)(void *ctx), void *ctx) {
    s->budget_ms = ms > 0 ? ms : 0;
    s->deadline_ms = ms > 0 ? mono_ms() + (double)ms : 0;
    s->stop = stop;
    s->stop_ctx = ctx;
    if (s->ops->budget) s->ops->budget(s);
}

int kr_store_out_of_time(const kr_store *s) {
    if (s->deadline_ms > 0 && mono_ms() > s->deadline_ms) return 1;
    return s->stop && s->stop(s->stop_ctx);
}

void kr_store_release_memory(kr_store *s) { if (s->ops->release) s->ops->release(s); }

const char *kr_store_read_only(const kr_store *s) { return s && s->ro_why[0] ? s->ro_why : NULL; }

static int ro_refuse(kr_store *s) {
    if (!s->readonly) return 0;
    if (s->ro_why[0]) kr_store_seterr(s, "archive %s is read-only (%s): cannot write to it", s->name, s->ro_why);
    else kr_store_seterr(s, "%s: opened for reading only", s->name);
    return 1;
}

kr_status kr_store_begin(kr_store *s) { return ro_refuse(s) ? KR_ERR_ARG : s->ops->begin(s); }
kr_status kr_store_commit(kr_store *s) { return s->ops->commit(s); }
kr_status kr_store_rollback(kr_store *s) { return s->ops->rollback(s); }
int kr_store_seen(kr_store *s, const char *id, const char *h) { return s->ops->seen(s, id, h); }

kr_status kr_store_put_prep(kr_store *s, const kr_article *a, const char *h, const kr_event *ev, int nev,
                            kr_store_prep *p) {
    if (ro_refuse(s)) return KR_ERR_ARG;
    /* issue 15: a bad article is refused alone (KR_ERR_ARG), the batch goes on; the
    ** readers apply the same rules, so these are for other callers of the library */
    if (!a || !a->id || !*a->id) { kr_store_seterr(s, "article without an id"); return KR_ERR_ARG; }
    if (strlen(a->id) > KR_MAX_ID) { kr_store_seterr(s, "article id longer than %u bytes", KR_MAX_ID); return KR_ERR_ARG; }
    char day[11];
    if (!kr_article_date(a->date, day)) { kr_store_seterr(s, "bad or missing date '%.40s' (want " KR_DATE_RULE ")", a->date ? a->date : ""); return KR_ERR_ARG; }
    kr_article na = *a;
    na.date = day;                       /* a timestamp is stored as its date */
    a = &na;
    if (!p || !p->text.p) { kr_store_seterr(s, "article %.200s: nothing prepared to store", a->id); return KR_ERR_ARG; }
    if (!p->analysed) kr_store_prep_analyse(p, s->fts, a);
    kr_status st = s->ops->put(s, a, h, ev, nev, p);
    if (st == KR_OK) s->nput++;
    return st;
}

kr_status kr_store_put(kr_store *s, const kr_article *a, const char *h, kr_coder *c, const kr_event *ev, int nev) {
    if (!s->prep && !(s->prep = kr_store_prep_new())) { kr_store_seterr(s, "out of memory"); return KR_ERR_NOMEM; }
    if (!a || !c) { kr_store_seterr(s, "kr_store_put: no article or coder"); return KR_ERR_ARG; }
    kr_store_prep_coder(s->prep, a, c);
    return kr_store_put_prep(s, a, h, ev, nev, s->prep);
}

/* parse q->text into *out (NULL if none) */
static kr_status text_filter(kr_store *s, const kr_query *q, kr_fq **out) {
    *out = NULL;
    if (!q || !q->text || !*q->text) return KR_OK;
    char e[512];
    *out = kr_fq_parse(s->fts, q->text, e, sizeof e);
    if (!*out) { kr_store_seterr(s, "bad text query: %s", e); return KR_ERR_ARG; }
    return KR_OK;
}

kr_status kr_store_events(kr_store *s, const kr_query *q, kr_event_row_fn fn, void *ctx, long *total) {
    kr_query none = {0};
    if (!q) q = &none;
    kr_fq *t;
    kr_status st = text_filter(s, q, &t);
    if (st == KR_OK) st = s->ops->events(s, q, t, fn, ctx, total);
    kr_fq_free(t);
    return st;
}

kr_status kr_store_search(kr_store *s, const char *query, const kr_query *filter,
                          kr_search_fn fn, void *ctx, long *total) {
    kr_query none = {0};
    if (!filter) filter = &none;
    char e[512];
    kr_fq *fq = kr_fq_parse(s->fts, query, e, sizeof e);
    if (!fq) { kr_store_seterr(s, "bad query: %s", e); return KR_ERR_ARG; }
    kr_fq *t;
    kr_status st = text_filter(s, filter, &t);
    if (st == KR_OK) st = s->ops->search(s, fq, filter, t, fn, ctx, total);
    kr_fq_free(t);
    kr_fq_free(fq);
    return st;
}

kr_status kr_store_actors(kr_store *s, const char *prefix, long limit, kr_actor_fn fn, void *ctx) {
    if (prefix && *prefix && !valid_code(prefix, 0)) { kr_store_seterr(s, "bad actor code '%.60s'", prefix); return KR_ERR_ARG; }
    return s->ops->actors(s, prefix, limit, fn, ctx);
}
kr_status kr_store_article(kr_store *s, const char *id, kr_article_fn fn, void *ctx) { return s->ops->article(s, id, fn, ctx); }
kr_status kr_store_stats(kr_store *s, kr_stats_row *out) { memset(out, 0, sizeof *out); return s->ops->stats(s, out); }
kr_status kr_store_check(kr_store *s, char *msg, size_t len) { if (len) msg[0] = 0; return s->ops->check(s, msg, len); }

/* ---- timeline: the backends return (date, source, target, code) groups, the periods
** and the one-a-day counts are made here so both backends agree ---- */

static int days_before_month(int y, int m) {
    static const int cum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return cum[m - 1] + (m > 2 && leap);
}
static int weekday(int y, int m, int d) {     /* 1 Monday .. 7 Sunday */
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3) y -= 1;
    int w = (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;   /* 0 Sunday */
    return w == 0 ? 7 : w;
}
static int weeks_in_year(int y) {
    int p = (y + y / 4 - y / 100 + y / 400) % 7, y1 = y - 1;
    int q = (y1 + y1 / 4 - y1 / 100 + y1 / 400) % 7;
    return (p == 4 || q == 3) ? 53 : 52;
}
static void period_of(int day, const char *bucket, char *out, size_t n) {
    int y = day / 10000, m = day / 100 % 100, d = day % 100;
    if (bucket[0] == 'd') snprintf(out, n, "%04d-%02d-%02d", y, m, d);
    else if (bucket[0] == 'm') snprintf(out, n, "%04d-%02d", y, m);
    else {
        int doy = days_before_month(y, m) + d, w = (doy - weekday(y, m, d) + 10) / 7, wy = y;
        if (w < 1) { wy = y - 1; w = weeks_in_year(wy); }
        else if (w > weeks_in_year(y)) { wy = y + 1; w = 1; }
        snprintf(out, n, "%04d-W%02d", wy, w);
    }
}

typedef struct { char *key; const char *period, *source, *target; long count, daily, g10, quad[5]; } tl_acc;
typedef struct {
    const char *bucket; int by_dyad; kr_arena ar; kr_map idx; tl_acc *v; uint32_t n, cap;
    /* the groups come mostly in date order: remember the last date's period and the
    ** last key's row */
    char last_date[32], period[16], last_key[256]; int last_kn, last_ok, last_day; uint32_t last_i;
} tl_ctx;

static int tl_group(void *ctx, const kr_tl_group *g) {
    tl_ctx *x = ctx;
    if (g->day) {                        /* a summary row: its day is given */
        x->last_ok = 0;
        if (g->day != x->last_day) {
            x->last_day = g->day;
            period_of(g->day, x->bucket, x->period, sizeof x->period);
        }
    } else {
        size_t dl = strlen(g->date);
        x->last_day = 0;
        if (!x->last_ok || dl >= sizeof x->last_date || memcmp(g->date, x->last_date, dl + 1)) {
            int day = kr_store_day(g->date);
            x->last_ok = 0;
            if (!day) return 0;
            period_of(day, x->bucket, x->period, sizeof x->period);
            if (dl < sizeof x->last_date) { memcpy(x->last_date, g->date, dl + 1); x->last_ok = 1; }
        }
    }
    const char *period = x->period;
    char key[256];
    int kn = x->by_dyad ? snprintf(key, sizeof key, "%s\t%s\t%s", period, g->source, g->target) : snprintf(key, sizeof key, "%s", period);
    if (kn >= (int)sizeof key) kn = sizeof key - 1;
    uint32_t i;
    if (kn == x->last_kn && !memcmp(key, x->last_key, (size_t)kn)) i = x->last_i;
    else i = kr_map_get(&x->idx, key, (size_t)kn);
    if (!i) {
        if (x->n == x->cap) { x->cap = x->cap ? x->cap * 2 : 64; x->v = kr_xrealloc(x->v, x->cap * sizeof *x->v); }
        tl_acc *a = &x->v[x->n];
        memset(a, 0, sizeof *a);
        a->key = kr_strndup(&x->ar, key, (size_t)kn);
        a->period = kr_strndup(&x->ar, period, strlen(period));
        a->source = x->by_dyad ? kr_strndup(&x->ar, g->source, strlen(g->source)) : "";
        a->target = x->by_dyad ? kr_strndup(&x->ar, g->target, strlen(g->target)) : "";
        kr_map_put(&x->idx, key, (size_t)kn, ++x->n);
        i = x->n;
    }
    memcpy(x->last_key, key, (size_t)kn);
    x->last_kn = kn;
    x->last_i = i;
    tl_acc *a = &x->v[i - 1];
    a->count += g->n; a->daily += g->groups; a->g10 += g->g10;
    for (int k = 1; k <= 4; k++) a->quad[k] += g->quad[k];
    return 0;
}

static int tl_cmp(const void *pa, const void *pb) {
    const tl_acc *a = pa, *b = pb;
    int c = strcmp(a->period, b->period);
    if (c) return c;
    if ((c = strcmp(a->source, b->source))) return c;
    return strcmp(a->target, b->target);
}

kr_status kr_store_timeline(kr_store *s, const kr_query *q, const char *bucket, int by_dyad,
                            kr_timeline_fn fn, void *ctx) {
    kr_query none = {0};
    if (!q) q = &none;
    if (!bucket) bucket = "month";
    if (strcmp(bucket, "day") && strcmp(bucket, "week") && strcmp(bucket, "month")) {
        kr_store_seterr(s, "bad period '%.20s' (day, week or month)", bucket); return KR_ERR_ARG;
    }
    kr_fq *t;
    kr_status st = text_filter(s, q, &t);
    if (st != KR_OK) return st;
    tl_ctx x;
    memset(&x, 0, sizeof x);
    x.bucket = bucket; x.by_dyad = by_dyad;
    kr_map_init(&x.idx, &x.ar);
    st = s->ops->groups(s, q, t, bucket, by_dyad, tl_group, &x);
    kr_fq_free(t);
    if (st == KR_OK) {
        if (x.n > 1) qsort(x.v, x.n, sizeof *x.v, tl_cmp);   /* qsort(NULL, 0) is undefined (case timeline-empty) */
        long skip = q->offset > 0 ? q->offset : 0, left = q->limit > 0 ? q->limit : -1;
        for (uint32_t i = 0; i < x.n && left; i++) {
            if (skip) { skip--; continue; }
            tl_acc *a = &x.v[i];
            kr_timeline_row r = {a->period, a->source, a->target, a->count, a->daily, (double)a->g10 / 10.0, 0, {0}};
            r.goldstein_mean = a->count ? r.goldstein_sum / (double)a->count : 0;
            for (int k = 1; k <= 4; k++) r.quad_share[k] = a->count ? (double)a->quad[k] / (double)a->count : 0;
            if (fn(ctx, &r)) break;
            if (left > 0) left--;
        }
    }
    free(x.v);
    kr_map_free(&x.idx);
    kr_arena_free(&x.ar);
    return st;
}
