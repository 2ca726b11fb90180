/*
** store.c -- the archive: the common layer (dispatch, full-text tokens, the query
** language, snippets, filters, timeline aggregation) and the SQLite backend.
**
** Both backends index the same tokens: kr_fts_tokenize() splits text into runs of
** letters, digits and marks, folds them (lower case, accents stripped: "Genève" ->
** "geneve") and stems them with Snowball in the article's language ("besprekingen" ->
** "besprek").  Queries are parsed here (kr_fq_parse: an FTS5 subset) and rendered as an
** FTS5 MATCH string for SQLite or a tsquery for PostgreSQL, stemming each query word
** with both stemmers as alternatives, so "bespreking", "besprekingen", "geneve" and
** "Genève" all find the seed article on either backend.  Snippets are cut here too, so
** they are the same on both backends.
**
** SQLite layout (schema version 3, PRAGMA user_version, application_id 'KRNK'):
** articles, sentences, mentions, events, codes, kroniek_meta, the aggregates kept at
** ingest (daily, days, dyad_months, actors, counters in kroniek_meta; see store.h) and
** articles_fts, a contentless FTS5 table using the tokenizer "kroniek" registered on
** every connection.
** Documents reach FTS5 already analysed ("\x02" + tokens, see kr_store_prep; the
** analysis may run on another thread) and the tokenizer replays them.  WAL mode,
** synchronous=NORMAL: a killed process never loses a committed batch nor leaves half a
** batch.  See docs/ARCHIVE.md.
*/
#define KR_STORE_INTERNAL
#include "store.h"
#include <sqlite3.h>
#include <libstemmer.h>
#include <utf8proc.h>
#include <stdarg.h>
#include <stdio.h>
#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

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

/* pg: 1 PostgreSQL ($N placeholders); 0 SQLite; KR_SQL_NOIDX SQLite with the event
** columns written +e.x, so that SQLite does not drive the query from their indexes
** (used to page through events_page in date order) */
#define KR_SQL_NOIDX 2
static void ph(kr_buf *sql, int pg, int n) { kr_buf_addf(sql, pg == 1 ? "$%d" : "?%d", n); }

/* "col >= lo AND col < hi" for a code prefix (RUS matches RUSGOV) */
static void prefix_cond(kr_buf *sql, int pg, kr_sqlparams *p, const char *col, const char *prefix) {
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
        kr_buf_add(sql, " AND (", 6); prefix_cond(sql, pg, p, src, q->actor);
        kr_buf_add(sql, " OR ", 4); prefix_cond(sql, pg, p, tgt, q->actor); kr_buf_addc(sql, ')');
    }
    if (q->source && *q->source) { kr_buf_add(sql, " AND ", 5); prefix_cond(sql, pg, p, src, q->source); }
    if (q->target && *q->target) { kr_buf_add(sql, " AND ", 5); prefix_cond(sql, pg, p, tgt, q->target); }
    if (da) {
        kr_buf_add(sql, " AND ((", 7); prefix_cond(sql, pg, p, src, q->dyad_a);
        kr_buf_add(sql, " AND ", 5); prefix_cond(sql, pg, p, tgt, q->dyad_b);
        kr_buf_add(sql, ") OR (", 6); prefix_cond(sql, pg, p, src, q->dyad_b);
        kr_buf_add(sql, " AND ", 5); prefix_cond(sql, pg, p, tgt, q->dyad_a); kr_buf_add(sql, "))", 2);
    }
    if (q->code && *q->code) { kr_buf_add(sql, " AND ", 5); prefix_cond(sql, pg, p, pg == KR_SQL_NOIDX ? "+e.code" : "e.code", q->code); }
    if (q->quad) { kr_sql_param_int(p, q->quad); kr_buf_addf(sql, " AND %se.quad = ", pg == KR_SQL_NOIDX ? "+" : ""); ph(sql, pg, p->n); }
    return 0;
}

static int has_event_filter(const kr_query *q) {
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
    if (articles && has_event_filter(q)) {
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
    int actors = has_event_filter(q);
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

static kr_store *sqlite_open(const char *path, int create, int readonly, char *err, size_t errlen);

kr_store *kr_store_open(const char *uri, int create, int readonly, char *err, size_t errlen) {
    if (!uri || !*uri) { snprintf(err, errlen, "no archive given (--db FILE or postgresql://...)"); return NULL; }
    if (!strncmp(uri, "postgresql://", 13) || !strncmp(uri, "postgres://", 11)) return kr_store_open_pg(uri, create, readonly, err, errlen);
    return sqlite_open(uri, create, readonly, err, errlen);
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

/* ================================================================== SQLite */

#define KR_APP_ID 0x4B524E4B            /* 'KRNK' */
#define SQ_VERSION 3

/* Migrations: entry i brings the schema from version i to i+1.  Never edit one that has
** shipped; append a new one. */
static const char *sq_migrations[SQ_VERSION] = {
    /* 0 -> 1: the first schema */
    "CREATE TABLE kroniek_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE articles("
    "  aid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, date TEXT NOT NULL, day INTEGER NOT NULL,"
    "  lang TEXT NOT NULL, title TEXT, url TEXT, source TEXT, text TEXT NOT NULL,"
    "  text_hash TEXT NOT NULL UNIQUE, nsent INTEGER NOT NULL, nevents INTEGER NOT NULL,"
    "  added TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE INDEX articles_day ON articles(day);"
    "CREATE TABLE sentences(article INTEGER NOT NULL, n INTEGER NOT NULL, off INTEGER NOT NULL,"
    "  len INTEGER NOT NULL, PRIMARY KEY(article, n)) WITHOUT ROWID;"
    "CREATE TABLE mentions(article INTEGER NOT NULL, sentence INTEGER NOT NULL, code TEXT NOT NULL, text TEXT NOT NULL);"
    "CREATE INDEX mentions_code ON mentions(code);"
    "CREATE TABLE events("
    "  id INTEGER PRIMARY KEY, article INTEGER NOT NULL, sentence INTEGER NOT NULL,"
    "  date TEXT NOT NULL, day INTEGER NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,"
    "  code TEXT NOT NULL, root TEXT NOT NULL, quad INTEGER NOT NULL, goldstein REAL NOT NULL,"
    "  location TEXT NOT NULL, source_text TEXT NOT NULL, target_text TEXT NOT NULL,"
    "  verb_text TEXT NOT NULL, text TEXT NOT NULL);"
    "CREATE INDEX events_day ON events(day);"
    "CREATE INDEX events_source ON events(source, day);"
    "CREATE INDEX events_target ON events(target, day);"
    "CREATE INDEX events_code ON events(code);"
    "CREATE INDEX events_article ON events(article);"
    "CREATE TABLE codes(code TEXT PRIMARY KEY, label TEXT, goldstein REAL, quad INTEGER) WITHOUT ROWID;"
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='', tokenize='kroniek');"
    "INSERT INTO kroniek_meta VALUES('created', strftime('%Y-%m-%dT%H:%M:%SZ','now'));",
    /* 1 -> 2: aggregates kept at ingest (daily, actors, the counts in kroniek_meta),
    ** an index that pages events in date order without reading them, first/last dates */
    "CREATE TABLE daily(day INTEGER NOT NULL, date TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,"
    "  code TEXT NOT NULL, lang TEXT NOT NULL, n INTEGER NOT NULL, g10 INTEGER NOT NULL,"
    "  q1 INTEGER NOT NULL, q2 INTEGER NOT NULL, q3 INTEGER NOT NULL, q4 INTEGER NOT NULL,"
    "  g1 INTEGER NOT NULL, g2 INTEGER NOT NULL, g3 INTEGER NOT NULL, g4 INTEGER NOT NULL,"
    "  PRIMARY KEY(day, date, source, target, code, lang)) WITHOUT ROWID;"
    "INSERT INTO daily SELECT day, date, source, target, code, lang, count(*), sum(g),"
    "  sum(quad = 1), sum(quad = 2), sum(quad = 3), sum(quad = 4),"
    "  sum(CASE WHEN quad = 1 THEN g ELSE 0 END), sum(CASE WHEN quad = 2 THEN g ELSE 0 END),"
    "  sum(CASE WHEN quad = 3 THEN g ELSE 0 END), sum(CASE WHEN quad = 4 THEN g ELSE 0 END)"
    "  FROM (SELECT e.day, e.date, e.source, e.target, e.code, a.lang, e.quad, CAST(round(e.goldstein * 10) AS INTEGER) AS g"
    "        FROM events e JOIN articles a ON a.aid = e.article)"
    "  GROUP BY day, date, source, target, code, lang;"
    "CREATE TABLE days(day INTEGER PRIMARY KEY, n INTEGER NOT NULL, groups INTEGER NOT NULL, g10 INTEGER NOT NULL,"
    "  q1 INTEGER NOT NULL, q2 INTEGER NOT NULL, q3 INTEGER NOT NULL, q4 INTEGER NOT NULL);"
    "INSERT INTO days SELECT day, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4) FROM ("
    "  SELECT day, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4"
    "  FROM daily GROUP BY day, date, source, target, code) GROUP BY day;"
    "CREATE TABLE dyad_months(month INTEGER NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,"
    "  n INTEGER NOT NULL, groups INTEGER NOT NULL, g10 INTEGER NOT NULL,"
    "  q1 INTEGER NOT NULL, q2 INTEGER NOT NULL, q3 INTEGER NOT NULL, q4 INTEGER NOT NULL,"
    "  PRIMARY KEY(month, source, target)) WITHOUT ROWID;"
    "INSERT INTO dyad_months SELECT day / 100, source, target, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4) FROM ("
    "  SELECT day, source, target, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4"
    "  FROM daily GROUP BY day, date, source, target, code) GROUP BY day / 100, source, target;"
    "CREATE TABLE actors(code TEXT PRIMARY KEY, events INTEGER NOT NULL, mentions INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO actors SELECT code, sum(ev), sum(mn) FROM ("
    "  SELECT source AS code, count(*) AS ev, 0 AS mn FROM events GROUP BY source UNION ALL"
    "  SELECT target, count(*), 0 FROM events GROUP BY target UNION ALL"
    "  SELECT code, 0, count(*) FROM mentions GROUP BY code) GROUP BY code;"
    "INSERT OR REPLACE INTO kroniek_meta VALUES('count_articles', (SELECT count(*) FROM articles));"
    "INSERT OR REPLACE INTO kroniek_meta VALUES('count_sentences', (SELECT count(*) FROM sentences));"
    "INSERT OR REPLACE INTO kroniek_meta VALUES('count_events', (SELECT count(*) FROM events));"
    "INSERT OR REPLACE INTO kroniek_meta VALUES('count_events_daily',"
    "  (SELECT count(*) FROM (SELECT DISTINCT day, date, source, target, code FROM daily)));"
    "CREATE INDEX events_page ON events(day, source, target, code, quad, article, sentence);"
    "DROP INDEX events_day;"
    "CREATE INDEX articles_date ON articles(date);",
    /* 2 -> 3 (issue 15): a checksum of the text as stored (text_hash is of the text as
    ** given, before normalisation), so `ingest --check` finds a damaged text; filled
    ** here for the stored rows, by ingest for new ones */
    "ALTER TABLE articles ADD COLUMN text_sum TEXT;"
    "UPDATE articles SET text_sum = kroniek_text_sum(text);"
};

enum { SQ_SEEN, SQ_ART, SQ_SENT, SQ_MENT, SQ_EV, SQ_FTS, SQ_CODE, SQ_DUPD, SQ_DGRP, SQ_DINS, SQ_AUPS, SQ_CNT,
       SQ_DAYS, SQ_DYM, SQ_NSTMT };
static const char *sq_stmt_sql[SQ_NSTMT] = {
    "SELECT 1 FROM articles WHERE text_hash = ?2 UNION ALL SELECT 2 FROM articles WHERE id = ?1 LIMIT 1",
    "INSERT INTO articles(id, date, day, lang, title, url, source, text, text_hash, nsent, nevents, text_sum)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "INSERT INTO sentences(article, n, off, len) VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO mentions(article, sentence, code, text) VALUES(?1, ?2, ?3, ?4)",
    "INSERT INTO events(article, sentence, date, day, source, target, code, root, quad, goldstein,"
    " location, source_text, target_text, verb_text, text) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
    "INSERT INTO articles_fts(rowid, title, body) VALUES(?1, ?2, ?3)",
    "INSERT OR IGNORE INTO codes(code, label, goldstein, quad) VALUES(?1, ?2, ?3, ?4)",
    "UPDATE daily SET n = n + ?7, g10 = g10 + ?8, q1 = q1 + ?9, q2 = q2 + ?10, q3 = q3 + ?11, q4 = q4 + ?12,"
    " g1 = g1 + ?13, g2 = g2 + ?14, g3 = g3 + ?15, g4 = g4 + ?16"
    " WHERE day = ?1 AND date = ?2 AND source = ?3 AND target = ?4 AND code = ?5 AND lang = ?6",
    "SELECT lang FROM daily WHERE day = ?1 AND date = ?2 AND source = ?3 AND target = ?4 AND code = ?5",
    "INSERT INTO daily(day, date, source, target, code, lang, n, g10, q1, q2, q3, q4, g1, g2, g3, g4)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    "INSERT INTO actors(code, events, mentions) VALUES(?1, ?2, ?3)"
    " ON CONFLICT(code) DO UPDATE SET events = events + excluded.events, mentions = mentions + excluded.mentions",
    "INSERT INTO kroniek_meta(key, value) VALUES(?1, ?2)"
    " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER)",
    "INSERT INTO days(day, n, groups, g10, q1, q2, q3, q4) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT(day) DO UPDATE SET n = n + excluded.n, groups = groups + excluded.groups, g10 = g10 + excluded.g10,"
    " q1 = q1 + excluded.q1, q2 = q2 + excluded.q2, q3 = q3 + excluded.q3, q4 = q4 + excluded.q4",
    "INSERT INTO dyad_months(month, source, target, n, groups, g10, q1, q2, q3, q4) VALUES(?1, ?9, ?10, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT(month, source, target) DO UPDATE SET n = n + excluded.n, groups = groups + excluded.groups,"
    " g10 = g10 + excluded.g10, q1 = q1 + excluded.q1, q2 = q2 + excluded.q2, q3 = q3 + excluded.q3, q4 = q4 + excluded.q4",
};

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *st[SQ_NSTMT];
    kr_map codes; kr_arena codes_ar;   /* codes recorded in this session */
    int busy_ms, in_tx;
    char first[16], last[16];    /* kr_store_stats strings */
    kr_agg agg;                  /* the batch's aggregates, written at commit */
} sq_be;

#define SQ(s) ((sq_be *)(s)->be)

/* Set the handle's message from an SQLite result code, with advice for the common
** failures.  Returns the kroniek status. */
static kr_status sq_fail(kr_store *s, int rc, const char *what) {
    sq_be *b = SQ(s);
    const char *m = b && b->db ? sqlite3_errmsg(b->db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_BUSY: case SQLITE_LOCKED:
        kr_store_seterr(s, "%s: the database is locked: another process is writing to it (waited %.1f s; set KRONIEK_BUSY_TIMEOUT in ms to wait longer)", s->name, (b ? b->busy_ms : 0) / 1000.0);
        break;
    case SQLITE_FULL:
        kr_store_seterr(s, "%s: the disk is full (%s); the current batch was rolled back, everything committed before it is kept", s->name, m);
        break;
    case SQLITE_NOTADB:
        kr_store_seterr(s, "%s: not an archive: the file is not an SQLite database (corrupt, or another kind of file); it was not changed", s->name);
        break;
    case SQLITE_CORRUPT:
        kr_store_seterr(s, "%s: the archive is corrupt (%s); restore a backup, or try 'sqlite3 %s .recover'", s->name, m, s->name);
        break;
    case SQLITE_READONLY:
        kr_store_seterr(s, "%s: cannot write: %s", s->name, m);
        break;
    case SQLITE_IOERR:
        kr_store_seterr(s, "%s: I/O error while %s (%s; disk full or file too large?); the current batch was rolled back", s->name, what, m);
        break;
    case SQLITE_CANTOPEN:
        kr_store_seterr(s, "%s: cannot open the archive (%s)", s->name, m);
        break;
    case SQLITE_INTERRUPT:
        kr_store_seterr(s, "%s: query interrupted (time budget of %ld ms spent, or the caller stopped it)", s->name, s->budget_ms);
        return KR_ERR_LIMIT;
    default:
        kr_store_seterr(s, "%s: %s: %s", s->name, what, m);
    }
    return KR_ERR_DB;
}

/* kr_store_set_budget: interrupt a statement past the deadline or when stop() says so */
static int sq_progress(void *p) {
    kr_store *s = p;
    if (s->deadline_ms > 0 && mono_ms() > s->deadline_ms) return 1;
    return s->stop && s->stop(s->stop_ctx);
}

static void sq_budget(kr_store *s) {
    sqlite3_progress_handler(SQ(s)->db, s->deadline_ms > 0 || s->stop ? 4000 : 0, s->deadline_ms > 0 || s->stop ? sq_progress : NULL, s);
}

static void sq_release(kr_store *s) { sqlite3_db_release_memory(SQ(s)->db); }

/* ---- the FTS5 tokenizer "kroniek" ---- */

typedef struct { void *ctx; int (*x)(void *, int, const char *, int, int, int); int rc, skip; } sq_tokctx;

static int sq_tok_cb(void *c, const char *term, int len, int start, int end, int coloc) {
    sq_tokctx *t = c;
    t->rc = t->x(t->ctx, coloc ? FTS5_TOKEN_COLOCATED : 0, term, len, start + t->skip, end + t->skip);
    return t->rc != SQLITE_OK;
}

static int sq_tok_create(void *ud, const char **az, int n, Fts5Tokenizer **out) { (void)az; (void)n; *out = (Fts5Tokenizer *)ud; return SQLITE_OK; }
static void sq_tok_delete(Fts5Tokenizer *t) { (void)t; }

/* Documents arrive analysed ("\x02" + tokens, see kr_store_prep) and are replayed;
** queries are folded and stemmed with both stemmers (alternatives at one position);
** prefix queries are only folded. */
static int sq_tok_tokenize(Fts5Tokenizer *tk, void *ctx, int flags, const char *text, int n,
                           int (*x)(void *, int, const char *, int, int, int)) {
    kr_fts *ft = (kr_fts *)tk;
    sq_tokctx t = {ctx, x, SQLITE_OK, 0};
    if (!(flags & FTS5_TOKENIZE_QUERY) && n >= 1 && text[0] == 2) {
        t.skip = 1;
        kr_fts_replay(text + 1, (size_t)(n - 1), sq_tok_cb, &t);
        return t.rc;
    }
    int fold_only = (flags & FTS5_TOKENIZE_QUERY) && (flags & FTS5_TOKENIZE_PREFIX);
    kr_fts_tokenize(ft, text, (size_t)n, KR_FTS_BOTH, fold_only, sq_tok_cb, &t);
    return t.rc;
}

/* kroniek_text_sum(text): the checksum of a stored text (articles.text_sum), BLAKE2b-256
** hex of its bytes; NULL for NULL */
static void sq_text_sum(sqlite3_context *cx, int argc, sqlite3_value **argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) { sqlite3_result_null(cx); return; }
    const char *t = sqlite3_value_blob(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    char hex[65];
    kr_store_text_hash(t ? t : "", (size_t)(n > 0 ? n : 0), hex);
    sqlite3_result_text(cx, hex, 64, SQLITE_TRANSIENT);
}

/* 1 if the text in column tc of a row matches the checksum in column sc (the rule of
** kroniek_text_sum and --check, computed here so only the rows handed out are hashed) */
static int sq_text_ok(sqlite3_stmt *st, int tc, int sc) {
    if (sqlite3_column_type(st, sc) == SQLITE_NULL) return sqlite3_column_type(st, tc) == SQLITE_NULL;
    const char *t = sqlite3_column_blob(st, tc);
    int n = sqlite3_column_bytes(st, tc);
    char hex[65];
    kr_store_text_hash(t ? t : "", (size_t)(n > 0 ? n : 0), hex);
    const char *sum = (const char *)sqlite3_column_text(st, sc);
    return sum && !strcmp(sum, hex);
}

static int sq_register(sqlite3 *db, kr_fts *ft) {
    if (sqlite3_create_function(db, "kroniek_text_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                NULL, sq_text_sum, NULL, NULL) != SQLITE_OK) return SQLITE_ERROR;
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return SQLITE_ERROR;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api || api->iVersion < 2) return SQLITE_ERROR;
    static fts5_tokenizer tok = {sq_tok_create, sq_tok_delete, sq_tok_tokenize};
    return api->xCreateTokenizer(api, "kroniek", ft, &tok, NULL);
}

/* ---- helpers ---- */

static int sq_exec(kr_store *s, const char *sql) {
    char *m = NULL;
    int rc = sqlite3_exec(SQ(s)->db, sql, NULL, NULL, &m);
    sqlite3_free(m);
    return rc;
}

static int sq_int(sqlite3 *db, const char *sql, long *out) {
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) { *out = (long)sqlite3_column_int64(st, 0); rc = SQLITE_OK; }
    else if (rc == SQLITE_DONE) { *out = 0; rc = SQLITE_OK; }
    sqlite3_finalize(st);
    return rc;
}

static void sq_bind(sqlite3_stmt *st, const kr_sqlparams *p) {
    for (int i = 0; i < p->n; i++) {
        if (p->isint[i]) sqlite3_bind_int64(st, i + 1, atoll(p->v[i]));
        else sqlite3_bind_text(st, i + 1, p->v[i], -1, SQLITE_STATIC);
    }
}

static const char *col(sqlite3_stmt *st, int i) { const char *s = (const char *)sqlite3_column_text(st, i); return s ? s : ""; }
static const char *coln(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static void sq_close(kr_store *s) {
    sq_be *b = SQ(s);
    if (!b) return;
    if (b->in_tx) sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < SQ_NSTMT; i++) sqlite3_finalize(b->st[i]);
    if (b->db) sqlite3_close_v2(b->db);
    kr_map_free(&b->codes); kr_arena_free(&b->codes_ar);
    kr_agg_free(&b->agg);
    free(b);
    s->be = NULL;
}

static kr_status sq_prepare_all(kr_store *s) {
    sq_be *b = SQ(s);
    for (int i = 0; i < SQ_NSTMT; i++) {
        if (b->st[i]) continue;
        int rc = sqlite3_prepare_v3(b->db, sq_stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &b->st[i], NULL);
        if (rc != SQLITE_OK) return sq_fail(s, rc, "preparing");
    }
    return KR_OK;
}

static kr_status sq_begin(kr_store *s) {
    sq_be *b = SQ(s);
    if (b->in_tx) { kr_store_seterr(s, "%s: a batch is already open", s->name); return KR_ERR_ARG; }
    kr_status st = sq_prepare_all(s);
    if (st != KR_OK) return st;
    int rc = sq_exec(s, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) return sq_fail(s, rc, "starting a batch");
    b->in_tx = 1;
    kr_agg_reset(&b->agg);
    return KR_OK;
}

/* SQLite's round(x) for the Goldstein tenths (half away from zero), as the migration
** and the check compute them in SQL */
static long long sq_round10(double g) {
    double r = g * 10;
    return r >= 0 ? (long long)(r + 0.5) : -(long long)(-r + 0.5);
}

static int sq_step_reset(sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc;
}

/* Write the batch's aggregates (inside its transaction): daily rows, actor counts and
** the counters in kroniek_meta. */
static kr_status sq_flush_agg(kr_store *s) {
    sq_be *b = SQ(s);
    kr_agg *g = &b->agg;
    long newgroups = 0;
    int rc;
    /* in key order, so that the b-tree is walked rather than searched at random */
    kr_agg_sort(g);
    for (uint32_t i = 0; i < g->nd; i++) {
        const kr_agg_day *d = &g->d[i];
        /* which languages have a row of this group already */
        sqlite3_stmt *gs = b->st[SQ_DGRP];
        sqlite3_bind_int(gs, 1, d->day);
        sqlite3_bind_text(gs, 2, d->date, -1, SQLITE_STATIC);
        sqlite3_bind_text(gs, 3, d->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(gs, 4, d->target, -1, SQLITE_STATIC);
        sqlite3_bind_text(gs, 5, d->code, -1, SQLITE_STATIC);
        int rows = 0, mine = 0;
        while ((rc = sqlite3_step(gs)) == SQLITE_ROW) {
            rows++;
            if (!strcmp(col(gs, 0), d->lang)) mine = 1;
        }
        sqlite3_reset(gs);
        if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing daily counts");
        if (!rows) newgroups++;
        sqlite3_stmt *st = b->st[mine ? SQ_DUPD : SQ_DINS];
        sqlite3_bind_int(st, 1, d->day);
        sqlite3_bind_text(st, 2, d->date, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, d->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, d->target, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, d->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, d->lang, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, d->s.n);
        sqlite3_bind_int64(st, 8, d->s.g10);
        for (int k = 1; k <= 4; k++) {
            sqlite3_bind_int64(st, 8 + k, d->s.q[k]);
            sqlite3_bind_int64(st, 12 + k, d->s.g[k]);
        }
        if ((rc = sq_step_reset(st)) != SQLITE_DONE) return sq_fail(s, rc, "storing daily counts");
        kr_agg_summarize(g, d, !rows);
    }
    for (uint32_t i = 0; i < g->nsm; i++) {
        const kr_agg_sum *a = &g->sm[i];
        sqlite3_stmt *ss = b->st[a->month ? SQ_DYM : SQ_DAYS];
        sqlite3_bind_int(ss, 1, a->month ? a->month : a->day);
        sqlite3_bind_int64(ss, 2, a->n);
        sqlite3_bind_int64(ss, 3, a->groups);
        sqlite3_bind_int64(ss, 4, a->g10);
        for (int k = 1; k <= 4; k++) sqlite3_bind_int64(ss, 4 + k, a->q[k]);
        if (a->month) {
            sqlite3_bind_text(ss, 9, a->source, -1, SQLITE_STATIC);
            sqlite3_bind_text(ss, 10, a->target, -1, SQLITE_STATIC);
        }
        if ((rc = sq_step_reset(ss)) != SQLITE_DONE) return sq_fail(s, rc, "storing daily counts");
    }
    sqlite3_stmt *st = b->st[SQ_AUPS];
    for (uint32_t i = 0; i < g->na; i++) {
        sqlite3_bind_text(st, 1, g->a[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, g->a[i].events);
        sqlite3_bind_int64(st, 3, g->a[i].mentions);
        if ((rc = sq_step_reset(st)) != SQLITE_DONE) return sq_fail(s, rc, "storing actor counts");
    }
    long add[4] = {g->articles, g->sentences, g->events, newgroups};
    st = b->st[SQ_CNT];
    for (int i = 0; i < 4 && g->articles; i++) {
        sqlite3_bind_text(st, 1, kr_count_keys[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, add[i]);
        if ((rc = sq_step_reset(st)) != SQLITE_DONE) return sq_fail(s, rc, "storing counts");
    }
    kr_agg_reset(g);
    return KR_OK;
}

static kr_status sq_rollback(kr_store *s);

static kr_status sq_commit(kr_store *s) {
    sq_be *b = SQ(s);
    if (!b->in_tx) return KR_OK;
    kr_status k = sq_flush_agg(s);
    if (k != KR_OK) {                        /* the batch goes, with its aggregates */
        char keep[sizeof s->err];
        memcpy(keep, s->err, sizeof keep);
        sq_rollback(s);
        memcpy(s->err, keep, sizeof keep);
        return k;
    }
    int rc = sq_exec(s, "COMMIT");
    if (rc != SQLITE_OK) {
        kr_status st = sq_fail(s, rc, "committing");
        if (sqlite3_get_autocommit(b->db)) { b->in_tx = 0; kr_agg_reset(&b->agg); }   /* SQLite rolled back */
        return st;
    }
    b->in_tx = 0;
    return KR_OK;
}

static kr_status sq_rollback(kr_store *s) {
    sq_be *b = SQ(s);
    kr_agg_reset(&b->agg);
    if (!b->in_tx) return KR_OK;
    b->in_tx = 0;
    if (sqlite3_get_autocommit(b->db)) return KR_OK;
    int rc = sq_exec(s, "ROLLBACK");
    return rc == SQLITE_OK ? KR_OK : sq_fail(s, rc, "rolling back");
}

static int sq_seen(kr_store *s, const char *id, const char *hash) {
    sq_be *b = SQ(s);
    if (sq_prepare_all(s) != KR_OK) return -1;
    sqlite3_stmt *st = b->st[SQ_SEEN];
    sqlite3_bind_text(st, 1, id ? id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hash ? hash : "", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), which = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return which == 2 ? 2 : 1;   /* 2: the id, with another text */
    if (rc == SQLITE_DONE) return 0;
    sq_fail(s, rc, "looking up an article");
    return -1;
}

static kr_status sq_put1(kr_store *s, const kr_article *a, const char *hash, const kr_event *ev, int nev,
                         const kr_store_prep *pr);

/* Store one article; outside a batch it is a batch of its own (the aggregates are
** written with the rows). */
static kr_status sq_put(kr_store *s, const kr_article *a, const char *hash, const kr_event *ev, int nev,
                        const kr_store_prep *pr) {
    sq_be *b = SQ(s);
    if (b->in_tx) {
        /* issue 15: one article per savepoint, so that an error of this article's own
        ** (a constraint, a value too big) takes back only its rows: it is refused with
        ** KR_ERR_ARG and the batch goes on.  Other errors (disk, locks) end the batch. */
        int rc = sq_exec(s, "SAVEPOINT kr_article");
        if (rc != SQLITE_OK) return sq_fail(s, rc, "storing an article");
        kr_status k = sq_put1(s, a, hash, ev, nev, pr);
        if (k == KR_OK) {
            if ((rc = sq_exec(s, "RELEASE kr_article")) != SQLITE_OK) return sq_fail(s, rc, "storing an article");
            kr_agg_put(&b->agg, a, pr, ev, nev);
            return KR_OK;
        }
        int ec = sqlite3_errcode(b->db) & 0xff;
        if (sqlite3_get_autocommit(b->db) || (ec != SQLITE_CONSTRAINT && ec != SQLITE_TOOBIG && ec != SQLITE_MISMATCH && ec != SQLITE_RANGE))
            return k;
        char keep[sizeof s->err];
        memcpy(keep, s->err, sizeof keep);
        if (sq_exec(s, "ROLLBACK TO kr_article") != SQLITE_OK || sq_exec(s, "RELEASE kr_article") != SQLITE_OK) return k;
        memcpy(s->err, keep, sizeof keep);
        /* codes written by this article went with it: record them again when seen */
        kr_map_free(&b->codes); kr_arena_reset(&b->codes_ar);
        kr_map_init(&b->codes, &b->codes_ar);
        return KR_ERR_ARG;
    }
    kr_status k = sq_begin(s);
    if (k != KR_OK) return k;
    k = sq_put1(s, a, hash, ev, nev, pr);
    if (k == KR_OK) kr_agg_put(&b->agg, a, pr, ev, nev);
    if (k == KR_OK) k = sq_commit(s);
    if (k != KR_OK) { char keep[sizeof s->err]; memcpy(keep, s->err, sizeof keep); sq_rollback(s); memcpy(s->err, keep, sizeof keep); }
    return k;
}

static kr_status sq_put1(kr_store *s, const kr_article *a, const char *hash, const kr_event *ev, int nev,
                         const kr_store_prep *pr) {
    sq_be *b = SQ(s);
    kr_status kst = sq_prepare_all(s);
    if (kst != KR_OK) return kst;
    int rc;
    sqlite3_stmt *st = b->st[SQ_ART];
    sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->date ? a->date : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, kr_store_day(a->date));
    sqlite3_bind_text(st, 4, pr->lang, -1, SQLITE_STATIC);
    if (a->title) sqlite3_bind_text(st, 5, a->title, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 5);
    if (a->url) sqlite3_bind_text(st, 6, a->url, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 6);
    if (a->source) sqlite3_bind_text(st, 7, a->source, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 7);
    sqlite3_bind_text(st, 8, pr->text.p, (int)pr->text.len, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, hash ? hash : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 10, pr->nsent);
    sqlite3_bind_int(st, 11, nev);
    char sum[65];
    kr_store_text_hash(pr->text.p, pr->text.len, sum);
    sqlite3_bind_text(st, 12, sum, 64, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing an article");
    sqlite3_int64 aid = sqlite3_last_insert_rowid(b->db);

    st = b->st[SQ_SENT];
    for (int i = 0; i < pr->nsent; i++) {
        sqlite3_bind_int64(st, 1, aid);
        sqlite3_bind_int(st, 2, i + 1);
        sqlite3_bind_int(st, 3, pr->soff[i]);
        sqlite3_bind_int(st, 4, pr->slen[i]);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing sentences");
    }
    st = b->st[SQ_MENT];
    const char *mp = pr->ment.p;
    for (int i = 0; i < pr->nment; i++) {
        const char *code = mp, *text = code + strlen(code) + 1;
        mp = text + strlen(text) + 1;
        sqlite3_bind_int64(st, 1, aid);
        sqlite3_bind_int(st, 2, pr->msent[i]);
        sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing actor mentions");
    }

    st = b->st[SQ_EV];
    for (int i = 0; i < nev; i++) {
        const kr_event *e = &ev[i];
        sqlite3_bind_int64(st, 1, aid);
        sqlite3_bind_int(st, 2, e->sentence);
        sqlite3_bind_text(st, 3, a->date ? a->date : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, kr_store_day(a->date));
        sqlite3_bind_text(st, 5, e->source ? e->source : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, e->target ? e->target : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, e->code ? e->code : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, e->root, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 9, e->quad);
        sqlite3_bind_double(st, 10, e->goldstein);
        sqlite3_bind_text(st, 11, e->location ? e->location : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 12, e->source_text ? e->source_text : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 13, e->target_text ? e->target_text : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 14, e->verb_text ? e->verb_text : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 15, e->text ? e->text : "", -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing events");
        /* the code table: label, weight and class as the dictionary had them */
        const char *code = e->code ? e->code : "";
        if (!kr_map_get(&b->codes, code, strlen(code))) {
            sqlite3_stmt *cs = b->st[SQ_CODE];
            double g = e->goldstein; int quad = e->quad;
            const char *label = s->dict ? kr_cameo_label(s->dict, code) : NULL;
            if (s->dict) kr_cameo_lookup(s->dict, code, &g, &quad);
            sqlite3_bind_text(cs, 1, code, -1, SQLITE_STATIC);
            if (label) sqlite3_bind_text(cs, 2, label, -1, SQLITE_STATIC); else sqlite3_bind_null(cs, 2);
            sqlite3_bind_double(cs, 3, g);
            sqlite3_bind_int(cs, 4, quad);
            rc = sqlite3_step(cs);
            sqlite3_reset(cs);
            if (rc != SQLITE_DONE) return sq_fail(s, rc, "storing codes");
            kr_map_put(&b->codes, code, strlen(code), 1);
        }
    }
    st = b->st[SQ_FTS];
    sqlite3_bind_int64(st, 1, aid);
    sqlite3_bind_text(st, 2, pr->t[0].p, (int)pr->t[0].len, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pr->t[1].p, (int)pr->t[1].len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_fail(s, rc, "indexing the text");
    return KR_OK;
}

/* ---- queries ---- */

static const char *SQ_TEXT_FMT = "a.aid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH %s)";

static kr_status sq_query(kr_store *s, const char *sql, const kr_sqlparams *p, sqlite3_stmt **out) {
    int rc = sqlite3_prepare_v2(SQ(s)->db, sql, -1, out, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "querying");
    sq_bind(*out, p);
    return KR_OK;
}

/* run a count(*) query */
static kr_status sq_count(kr_store *s, const char *sql, const kr_sqlparams *p, long *total) {
    sqlite3_stmt *st;
    kr_status k = sq_query(s, sql, p, &st);
    if (k != KR_OK) return k;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *total = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return sq_fail(s, rc, "counting");
    return KR_OK;
}

/* FTS5 reports its own syntax errors as SQLITE_ERROR "fts5: ..." */
static kr_status sq_step_fail(kr_store *s, int rc) {
    const char *m = sqlite3_errmsg(SQ(s)->db);
    if (rc == SQLITE_ERROR && !strncmp(m, "fts5:", 5)) { kr_store_seterr(s, "bad query: %s", m); return KR_ERR_ARG; }
    return sq_fail(s, rc, "reading");
}

static void limit_clause(kr_buf *sql, const kr_query *q, int pg) {
    if (q->limit > 0) kr_buf_addf(sql, " LIMIT %ld", q->limit);
    else if (q->offset > 0) kr_buf_add(sql, pg ? " LIMIT ALL" : " LIMIT -1", pg ? 10 : 9);
    if (q->offset > 0) kr_buf_addf(sql, " OFFSET %ld", q->offset);
}

/* The number of events matching q, from daily: sum of n (or of qk with quad k). */
static kr_status sq_daily_total(kr_store *s, const kr_query *q, long *total) {
    kr_buf where = {0}, sql = {0};
    kr_sqlparams p = {0};
    kr_status k = KR_OK;
    if (kr_sql_where_daily(&where, q, 0, &p, s->err, sizeof s->err)) { kr_buf_free(&where); return KR_ERR_ARG; }
    if (q->quad) kr_buf_addf(&sql, "SELECT coalesce(sum(e.q%d), 0) FROM daily e WHERE 1%s", q->quad, where.p);
    else kr_buf_addf(&sql, "SELECT coalesce(sum(e.n), 0) FROM daily e WHERE 1%s", where.p);
    k = sq_count(s, sql.p, &p, total);
    kr_buf_free(&where); kr_buf_free(&sql);
    return k;
}

/* For a page at q->offset: the day of its first event (*day, 0 if not found) and the
** number of matching events before that day in the order of q (*before). */
static kr_status sq_skip_days(kr_store *s, const kr_query *q, long *day, long *before) {
    kr_buf where = {0}, sql = {0};
    kr_sqlparams p = {0};
    *day = 0; *before = 0;
    if (kr_sql_where_daily(&where, q, 0, &p, s->err, sizeof s->err)) { kr_buf_free(&where); return KR_ERR_ARG; }
    if (q->quad) kr_buf_addf(&sql, "SELECT e.day, sum(e.q%d) FROM daily e WHERE 1%s GROUP BY e.day ORDER BY e.day%s",
                             q->quad, where.p, q->desc ? " DESC" : "");
    else kr_buf_addf(&sql, "SELECT e.day, sum(e.n) FROM daily e WHERE 1%s GROUP BY e.day ORDER BY e.day%s",
                     where.p, q->desc ? " DESC" : "");
    sqlite3_stmt *st;
    kr_status k = sq_query(s, sql.p, &p, &st);
    if (k == KR_OK) {
        int rc;
        long cum = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            long n = (long)sqlite3_column_int64(st, 1);
            if (cum + n > q->offset) { *day = (long)sqlite3_column_int64(st, 0); *before = cum; rc = SQLITE_DONE; break; }
            cum += n;
        }
        if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
        sqlite3_finalize(st);
    }
    kr_buf_free(&where); kr_buf_free(&sql);
    return k;
}

#define EV_ORDER_ASC  " ORDER BY e.day, a.id, e.sentence, e.id"
#define EV_ORDER_DESC " ORDER BY e.day DESC, a.id DESC, e.sentence DESC, e.id DESC"
#define EV_COLS "SELECT e.id, a.id, e.date, e.sentence, e.source, e.target, e.code, e.root, e.quad, e.goldstein," \
    " e.location, e.source_text, e.target_text, e.verb_text, e.text, a.title, a.lang, c.label, a.url, a.source"

static kr_status sq_events(kr_store *s, const kr_query *q, const kr_fq *t, kr_event_row_fn fn, void *ctx, long *total) {
    kr_buf where = {0}, sql = {0}, fts = {0};
    kr_sqlparams p = {0};
    if (t) kr_fq_fts5(t, &fts);
    kr_status k = KR_OK;
    int evfilter = has_event_filter(q), mode = 0;
    long n = -1;                          /* events matching q, when known */
    if (kr_sql_where(&where, q, 0, 0, &p, SQ_TEXT_FMT, t ? fts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
    kr_buf_add(&where, "", 0);
    if (kr_daily_ok(q) && (total || (q->limit > 0 && evfilter))) {
        if ((k = sq_daily_total(s, q, &n)) != KR_OK) goto out;
    } else if (total) {
        kr_buf_addf(&sql, "SELECT count(*) FROM events e JOIN articles a ON a.aid = e.article WHERE 1%s", where.p);
        if ((k = sq_count(s, sql.p, &p, &n)) != KR_OK) goto out;
        sql.len = 0;
    }
    if (total) *total = n;
    if (n >= 0 && q->offset >= n) goto out;          /* nothing on this page */
    if (q->limit > 0 && evfilter && n >= 0) {
        /* Walk events_page in date order and test the filters on its columns, or let
        ** SQLite start from the indexes on source, target and code and sort what they
        ** find: the walk reads about (offset + limit) / share of the index entries, the
        ** other costs a table lookup (20 index entries, say) per matching event. */
        long all = 0;
        if (sq_int(SQ(s)->db, "SELECT CAST(value AS INTEGER) FROM kroniek_meta WHERE key = 'count_events'", &all) != SQLITE_OK) all = 0;
        double walk = n > 0 ? (double)(q->offset + q->limit) * (double)all / (double)n : (double)all;
        if (walk > (double)all) walk = (double)all;
        if (walk < 20.0 * (double)n) mode = KR_SQL_NOIDX;
    }
    if (mode) {
        where.len = 0;
        memset(&p, 0, sizeof p);
        if (kr_sql_where(&where, q, mode, 0, &p, SQ_TEXT_FMT, t ? fts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
        kr_buf_add(&where, "", 0);
    }
    kr_query page = *q;               /* the page's offset, after the days skipped below */
    if (q->limit > 0 && q->offset >= 1000 && kr_daily_ok(q)) {
        /* a deep page: count the events per day in daily and start at the day that holds
        ** the page (the order is by day first), so the skipped days are not read */
        long day = 0, before = 0;
        if ((k = sq_skip_days(s, q, &day, &before)) != KR_OK) goto out;
        if (day) {
            page.offset -= before;
            kr_sql_param_int(&p, day);
            kr_buf_addf(&where, " AND e.day %s ?%d", q->desc ? "<=" : ">=", p.n);
            kr_buf_add(&where, "", 0);
        }
    }
    q = &page;
    const char *order = q->desc ? EV_ORDER_DESC : EV_ORDER_ASC;
    if (q->limit > 0) {
        /* a page: find its event ids first (from the index events_page and the article
        ** ids, without reading the events skipped by the offset), then read those */
        kr_buf_addf(&sql, EV_COLS " FROM (SELECT e.id AS pid FROM events e JOIN articles a ON a.aid = e.article"
                    " WHERE 1%s%s", where.p, order);
        limit_clause(&sql, q, 0);
        kr_buf_addf(&sql, ") pg JOIN events e ON e.id = pg.pid JOIN articles a ON a.aid = e.article"
                    " LEFT JOIN codes c ON c.code = e.code%s", order);
    } else {
        kr_buf_addf(&sql, EV_COLS " FROM events e JOIN articles a ON a.aid = e.article LEFT JOIN codes c ON c.code = e.code"
                    " WHERE 1%s%s", where.p, order);
        limit_clause(&sql, q, 0);
    }
    kr_buf_add(&sql, "", 0);
    sqlite3_stmt *st;
    if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        kr_event_row r;
        memset(&r, 0, sizeof r);
        r.id = (long)sqlite3_column_int64(st, 0);
        r.ev.doc = col(st, 1); r.ev.date = col(st, 2); r.ev.sentence = sqlite3_column_int(st, 3);
        r.ev.source = col(st, 4); r.ev.target = col(st, 5); r.ev.code = col(st, 6);
        snprintf(r.ev.root, sizeof r.ev.root, "%s", col(st, 7));
        r.ev.quad = sqlite3_column_int(st, 8); r.ev.goldstein = sqlite3_column_double(st, 9);
        r.ev.location = col(st, 10); r.ev.source_text = col(st, 11); r.ev.target_text = col(st, 12);
        r.ev.verb_text = col(st, 13); r.ev.text = col(st, 14);
        r.title = coln(st, 15); r.lang = col(st, 16); r.label = coln(st, 17);
        r.url = coln(st, 18); r.publisher = coln(st, 19);
        if (fn(ctx, &r)) { rc = SQLITE_DONE; break; }
    }
    if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
    sqlite3_finalize(st);
out:
    kr_buf_free(&where); kr_buf_free(&sql); kr_buf_free(&fts);
    return k;
}

static kr_status sq_search(kr_store *s, const kr_fq *fq, const kr_query *q, const kr_fq *t, kr_search_fn fn, void *ctx, long *total) {
    kr_buf where = {0}, sql = {0}, m = {0}, fts = {0};
    kr_sqlparams p = {0};
    kr_status k = KR_OK;
    kr_fq_fts5(fq, &m);
    kr_sql_param(&p, m.p);
    if (t) kr_fq_fts5(t, &fts);
    if (kr_sql_where(&where, q, 0, 1, &p, SQ_TEXT_FMT, t ? fts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
    kr_buf_add(&where, "", 0);
    if (total) {
        kr_buf_addf(&sql, "SELECT count(*) FROM articles_fts JOIN articles a ON a.aid = articles_fts.rowid"
                          " WHERE articles_fts MATCH ?1%s", where.p);
        sqlite3_stmt *st;
        if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) *total = (long)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW) { k = sq_step_fail(s, rc); goto out; }
        sql.len = 0;
    }
    kr_buf_addf(&sql, "SELECT a.id, a.date, a.lang, a.title, a.text, bm25(articles_fts, 2.0, 1.0) AS r, a.text_sum"
                      " FROM articles_fts JOIN articles a ON a.aid = articles_fts.rowid"
                      " WHERE articles_fts MATCH ?1%s ORDER BY r, a.id", where.p);
    limit_clause(&sql, q, 0);
    kr_buf_add(&sql, "", 0);
    sqlite3_stmt *st;
    if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!sq_text_ok(st, 4, 6)) { k = kr_store_damaged(s, col(st, 0)); rc = SQLITE_DONE; break; }
        const char *text = col(st, 4), *lang = col(st, 2);
        char *snip = kr_fq_snippet(s->fts, fq, text, (size_t)sqlite3_column_bytes(st, 4), kr_fts_lang(lang));
        kr_search_row r = {col(st, 0), col(st, 1), lang, coln(st, 3), snip, sqlite3_column_double(st, 5)};
        int stop = fn(ctx, &r);
        free(snip);
        if (stop) { rc = SQLITE_DONE; break; }
    }
    if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
    sqlite3_finalize(st);
out:
    kr_buf_free(&where); kr_buf_free(&sql); kr_buf_free(&m); kr_buf_free(&fts);
    return k;
}

static kr_status sq_groups(kr_store *s, const kr_query *q, const kr_fq *t, const char *bucket, int by_dyad,
                           kr_tl_group_fn fn, void *ctx) {
    kr_buf where = {0}, sql = {0}, fts = {0};
    kr_sqlparams p = {0};
    kr_status k = KR_OK;
    sqlite3_stmt *st;
    int rc, m0, m1, from = kr_tl_source(q, bucket, by_dyad, &m0, &m1);
    if (from == KR_TL_DAYS || from == KR_TL_DYAD_MONTHS) {
        /* a summary: per day, or per month and dyad */
        int days = from == KR_TL_DAYS;
        if (days) {
            kr_query c;
            memset(&c, 0, sizeof c);
            c.from = q->from; c.to = q->to;
            if (kr_sql_where(&where, &c, 0, 0, &p, NULL, NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
            kr_buf_addf(&sql, "SELECT e.day, '', '', e.n, e.groups, e.g10, e.q1, e.q2, e.q3, e.q4 FROM days e"
                        " WHERE e.day > 0%s ORDER BY e.day", where.p);
        } else {
            if (kr_sql_where_months(&where, q, 0, m0, m1, &p, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
            kr_buf_addf(&sql, "SELECT e.month * 100 + 1, e.source, e.target, e.n, e.groups, e.g10, e.q1, e.q2, e.q3, e.q4"
                        " FROM dyad_months e WHERE e.month > 0%s ORDER BY e.month, e.source, e.target", where.p);
        }
        if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            kr_tl_group g = {"", col(st, 1), col(st, 2), "", (long)sqlite3_column_int64(st, 3), (long)sqlite3_column_int64(st, 5),
                             {0}, sqlite3_column_int(st, 0), (long)sqlite3_column_int64(st, 4)};
            for (int i = 1; i <= 4; i++) g.quad[i] = (long)sqlite3_column_int64(st, 5 + i);
            if (fn(ctx, &g)) { rc = SQLITE_DONE; break; }
        }
        if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
        sqlite3_finalize(st);
        goto out;
    }
    if (from == KR_TL_DAILY) {
        /* from the daily aggregates, in key order so a group's rows are adjacent */
        if (kr_sql_where_daily(&where, q, 0, &p, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
        kr_buf_addf(&sql, "SELECT e.date, e.source, e.target, e.code, e.n, e.g10, e.q1, e.q2, e.q3, e.q4,"
                    " e.g1, e.g2, e.g3, e.g4 FROM daily e WHERE 1%s ORDER BY e.day, e.date, e.source, e.target, e.code",
                    where.p);
        if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
        kr_tl_merge m;
        kr_tl_merge_init(&m, q->quad, fn, ctx);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            kr_agg_sums sm;
            memset(&sm, 0, sizeof sm);
            sm.n = (long)sqlite3_column_int64(st, 4);
            sm.g10 = (long)sqlite3_column_int64(st, 5);
            for (int i = 1; i <= 4; i++) {
                sm.q[i] = (long)sqlite3_column_int64(st, 5 + i);
                sm.g[i] = (long)sqlite3_column_int64(st, 9 + i);
            }
            if (kr_tl_merge_row(&m, col(st, 0), col(st, 1), col(st, 2), col(st, 3), &sm)) { rc = SQLITE_DONE; break; }
        }
        if (rc == SQLITE_DONE) kr_tl_merge_end(&m);
        else { m.stop = 1; kr_tl_merge_end(&m); k = sq_step_fail(s, rc); }
        sqlite3_finalize(st);
        goto out;
    }
    if (t) kr_fq_fts5(t, &fts);
    if (kr_sql_where(&where, q, 0, 0, &p, SQ_TEXT_FMT, t ? fts.p : NULL, s->err, sizeof s->err)) { k = KR_ERR_ARG; goto out; }
    kr_buf_add(&where, "", 0);
    /* the events themselves, grouped here (a hash is cheaper than SQLite's sort) */
    kr_buf_addf(&sql,
        "SELECT e.date, e.source, e.target, e.code, CAST(round(e.goldstein * 10) AS INTEGER), e.quad"
        " FROM events e JOIN articles a ON a.aid = e.article WHERE 1%s", where.p);
    if ((k = sq_query(s, sql.p, &p, &st)) != KR_OK) goto out;
    kr_tl_hash h;
    kr_tl_hash_init(&h);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        kr_tl_hash_add(&h, col(st, 0), col(st, 1), col(st, 2), col(st, 3), (long)sqlite3_column_int64(st, 4), sqlite3_column_int(st, 5));
    if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
    else kr_tl_hash_emit(&h, fn, ctx);
    kr_tl_hash_free(&h);
    sqlite3_finalize(st);
out:
    kr_buf_free(&where); kr_buf_free(&sql); kr_buf_free(&fts);
    return k;
}

static kr_status sq_actors(kr_store *s, const char *prefix, long limit, kr_actor_fn fn, void *ctx) {
    kr_buf sql = {0};
    kr_sqlparams p = {0};
    kr_buf_add(&sql, "SELECT code, events, mentions FROM actors", 41);
    if (prefix && *prefix) { kr_buf_add(&sql, " WHERE ", 7); prefix_cond(&sql, 0, &p, "code", prefix); }
    kr_buf_addf(&sql, " ORDER BY events DESC, mentions DESC, code");
    if (limit > 0) kr_buf_addf(&sql, " LIMIT %ld", limit);
    kr_buf_add(&sql, "", 0);
    sqlite3_stmt *st;
    kr_status k = sq_query(s, sql.p, &p, &st);
    if (k == KR_OK) {
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            kr_actor_row r = {col(st, 0), (long)sqlite3_column_int64(st, 1), (long)sqlite3_column_int64(st, 2)};
            if (fn(ctx, &r)) { rc = SQLITE_DONE; break; }
        }
        if (rc != SQLITE_DONE) k = sq_step_fail(s, rc);
        sqlite3_finalize(st);
    }
    kr_buf_free(&sql);
    return k;
}

static kr_status sq_article(kr_store *s, const char *id, kr_article_fn fn, void *ctx) {
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st = NULL, *ss = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT aid, id, date, lang, title, url, source, text, text_sum FROM articles WHERE id = ?1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "reading an article");
    sqlite3_bind_text(st, 1, id ? id : "", -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) { sqlite3_finalize(st); kr_store_seterr(s, "no article '%.200s'", id ? id : ""); return KR_EOF; }
    if (rc != SQLITE_ROW) { sqlite3_finalize(st); return sq_fail(s, rc, "reading an article"); }
    if (!sq_text_ok(st, 7, 8)) { kr_status k = kr_store_damaged(s, col(st, 1)); sqlite3_finalize(st); return k; }
    int *off = NULL, *len = NULL, n = 0, cap = 0;
    rc = sqlite3_prepare_v2(db, "SELECT off, len FROM sentences WHERE article = ?1 ORDER BY n", -1, &ss, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(ss, 1, sqlite3_column_int64(st, 0));
        while ((rc = sqlite3_step(ss)) == SQLITE_ROW) {
            if (n == cap) { cap = cap ? cap * 2 : 64; off = kr_xrealloc(off, (size_t)cap * sizeof *off); len = kr_xrealloc(len, (size_t)cap * sizeof *len); }
            off[n] = sqlite3_column_int(ss, 0); len[n] = sqlite3_column_int(ss, 1); n++;
        }
    }
    kr_status k = KR_OK;
    if (rc != SQLITE_DONE) k = sq_fail(s, rc, "reading sentences");
    else {
        kr_article_row r = {col(st, 1), col(st, 2), col(st, 3), coln(st, 4), coln(st, 5), coln(st, 6), col(st, 7), n, off, len};
        fn(ctx, &r);
    }
    free(off); free(len);
    sqlite3_finalize(ss); sqlite3_finalize(st);
    return k;
}

static kr_status sq_stats(kr_store *s, kr_stats_row *out) {
    sq_be *b = SQ(s);
    long *dst[4] = {&out->articles, &out->sentences, &out->events, &out->events_daily};
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(b->db, "SELECT key, value FROM kroniek_meta WHERE key LIKE 'count_%'", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "counting");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int i = 0; i < 4; i++) if (!strcmp(col(st, 0), kr_count_keys[i])) *dst[i] = (long)sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_fail(s, rc, "counting");
    if ((rc = sq_int(b->db, "SELECT count(*) FROM actors", &out->actors))) return sq_fail(s, rc, "counting");
    /* min and max from the index articles_date */
    rc = sqlite3_prepare_v2(b->db, "SELECT (SELECT min(date) FROM articles), (SELECT max(date) FROM articles)", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "counting");
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(b->first, sizeof b->first, "%s", col(st, 0));
        snprintf(b->last, sizeof b->last, "%s", col(st, 1));
    }
    sqlite3_finalize(st);
    out->first = b->first; out->last = b->last;
    return KR_OK;
}

/* daily and actors as computed from the rows (migration 2 fills them the same way) */
#define SQ_DAILY_OF_EVENTS \
    "SELECT day, date, source, target, code, lang, count(*), sum(g)," \
    " sum(quad = 1), sum(quad = 2), sum(quad = 3), sum(quad = 4)," \
    " sum(CASE WHEN quad = 1 THEN g ELSE 0 END), sum(CASE WHEN quad = 2 THEN g ELSE 0 END)," \
    " sum(CASE WHEN quad = 3 THEN g ELSE 0 END), sum(CASE WHEN quad = 4 THEN g ELSE 0 END)" \
    " FROM (SELECT e.day, e.date, e.source, e.target, e.code, a.lang, e.quad, CAST(round(e.goldstein * 10) AS INTEGER) AS g" \
    "       FROM events e JOIN articles a ON a.aid = e.article)" \
    " GROUP BY day, date, source, target, code, lang"
#define SQ_GROUPS_OF_DAILY \
    "SELECT day, source, target, sum(n) AS n, sum(g10) AS g10, sum(q1) AS q1, sum(q2) AS q2, sum(q3) AS q3, sum(q4) AS q4" \
    " FROM daily GROUP BY day, date, source, target, code"
#define SQ_DAYS_OF_DAILY \
    "SELECT day, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4) FROM (" SQ_GROUPS_OF_DAILY ") GROUP BY day"
#define SQ_MONTHS_OF_DAILY \
    "SELECT day / 100, source, target, sum(n), count(*), sum(g10), sum(q1), sum(q2), sum(q3), sum(q4)" \
    " FROM (" SQ_GROUPS_OF_DAILY ") GROUP BY day / 100, source, target"
#define SQ_ACTORS_OF_EVENTS \
    "SELECT code, sum(ev), sum(mn) FROM (" \
    " SELECT source AS code, count(*) AS ev, 0 AS mn FROM events GROUP BY source UNION ALL" \
    " SELECT target, count(*), 0 FROM events GROUP BY target UNION ALL" \
    " SELECT code, 0, count(*) FROM mentions GROUP BY code) GROUP BY code"

/* Consistency of what ingest wrote: every article has all its sentences, events and
** its index entry; nothing points at a missing article. */
static const char *consistency_sql[][2] = {
    {"SELECT count(*) FROM articles a WHERE nevents <> (SELECT count(*) FROM events e WHERE e.article = a.aid)", "articles whose events are incomplete"},
    {"SELECT count(*) FROM articles a WHERE nsent <> (SELECT count(*) FROM sentences t WHERE t.article = a.aid)", "articles whose sentences are incomplete"},
    {"SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.aid = e.article)", "events without their article"},
    {"SELECT count(*) FROM sentences t WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.aid = t.article)", "sentences without their article"},
    {"SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.aid = m.article)", "mentions without their article"},
    /* the aggregates kept at ingest equal what they aggregate */
    {"SELECT (SELECT count(*) FROM (SELECT * FROM daily EXCEPT " SQ_DAILY_OF_EVENTS "))"
     " + (SELECT count(*) FROM (" SQ_DAILY_OF_EVENTS " EXCEPT SELECT * FROM daily))", "daily counts that differ from the events"},
    {"SELECT (SELECT count(*) FROM (SELECT * FROM days EXCEPT " SQ_DAYS_OF_DAILY "))"
     " + (SELECT count(*) FROM (" SQ_DAYS_OF_DAILY " EXCEPT SELECT * FROM days))", "day totals that differ from the events"},
    {"SELECT (SELECT count(*) FROM (SELECT * FROM dyad_months EXCEPT " SQ_MONTHS_OF_DAILY "))"
     " + (SELECT count(*) FROM (" SQ_MONTHS_OF_DAILY " EXCEPT SELECT * FROM dyad_months))", "dyad month totals that differ from the events"},
    {"SELECT (SELECT count(*) FROM (SELECT * FROM actors EXCEPT " SQ_ACTORS_OF_EVENTS "))"
     " + (SELECT count(*) FROM (" SQ_ACTORS_OF_EVENTS " EXCEPT SELECT * FROM actors))", "actor counts that differ from the events and mentions"},
    {"SELECT ((SELECT CAST(value AS INTEGER) FROM kroniek_meta WHERE key = 'count_articles') IS NOT (SELECT count(*) FROM articles))"
     " + ((SELECT CAST(value AS INTEGER) FROM kroniek_meta WHERE key = 'count_sentences') IS NOT (SELECT count(*) FROM sentences))"
     " + ((SELECT CAST(value AS INTEGER) FROM kroniek_meta WHERE key = 'count_events') IS NOT (SELECT count(*) FROM events))"
     " + ((SELECT CAST(value AS INTEGER) FROM kroniek_meta WHERE key = 'count_events_daily') IS NOT"
     "    (SELECT count(*) FROM (SELECT DISTINCT date, source, target, code FROM events)))", "counters that differ from the rows they count"},
};

static kr_status sq_check(kr_store *s, char *msg, size_t len) {
    sq_be *b = SQ(s);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(b->db, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "checking");
    kr_buf m = {0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *r = col(st, 0);
        if (strcmp(r, "ok")) kr_buf_addf(&m, "integrity: %s\n", r);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { kr_buf_free(&m); return sq_fail(s, rc, "checking"); }
    for (size_t i = 0; i < sizeof consistency_sql / sizeof *consistency_sql; i++) {
        long n;
        if ((rc = sq_int(b->db, consistency_sql[i][0], &n))) { kr_buf_free(&m); return sq_fail(s, rc, "checking"); }
        if (n) kr_buf_addf(&m, "consistency: %ld %s\n", n, consistency_sql[i][1]);
    }
    long na, nf;
    if ((rc = sq_int(b->db, "SELECT count(*) FROM articles", &na)) || (rc = sq_int(b->db, "SELECT count(*) FROM articles_fts_docsize", &nf))) {
        kr_buf_free(&m); return sq_fail(s, rc, "checking");
    }
    if (na != nf) kr_buf_addf(&m, "consistency: %ld articles but %ld in the full-text index\n", na, nf);
    /* issue 15: a text that changed after it was stored (its checksum no longer matches) */
    rc = sqlite3_prepare_v2(b->db, "SELECT id FROM articles WHERE text_sum IS NOT kroniek_text_sum(text) ORDER BY aid", -1, &st, NULL);
    if (rc != SQLITE_OK) { kr_buf_free(&m); return sq_fail(s, rc, "checking"); }
    long nbad = 0;
    kr_buf ids = {0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (nbad < 20) kr_buf_addf(&ids, "%s'%.200s'", nbad ? ", " : "", col(st, 0));
        nbad++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { kr_buf_free(&ids); kr_buf_free(&m); return sq_fail(s, rc, "checking"); }
    if (nbad) {
        kr_buf_add(&ids, "", 0);
        kr_buf_addf(&m, "damaged text: %ld article%s whose stored text no longer matches its checksum (changed after ingest): %s%s\n",
                    nbad, nbad == 1 ? "" : "s", ids.p, nbad > 20 ? ", ..." : "");
    }
    kr_buf_free(&ids);
    if (!s->readonly) {
        rc = sq_exec(s, "INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')");
        if (rc != SQLITE_OK) kr_buf_addf(&m, "full-text index: %s\n", sqlite3_errmsg(b->db));
    }
    kr_status k = KR_OK;
    if (m.len) {
        kr_buf_add(&m, "", 0);
        snprintf(msg, len, "%s", m.p);
        kr_store_seterr(s, "%s: the archive failed its check", s->name);
        k = KR_ERR_DB;
    } else if (s->readonly) snprintf(msg, len, "ok (read-only: the full-text index was checked against the articles, not its inner structure)");
    else snprintf(msg, len, "ok");
    kr_buf_free(&m);
    return k;
}

static int sq_empty(kr_store *s) {
    long n;
    int rc = sq_int(SQ(s)->db, "SELECT EXISTS (SELECT 1 FROM articles)", &n);
    if (rc != SQLITE_OK) { sq_fail(s, rc, "reading"); return -1; }
    return n == 0;
}

static const kr_store_ops sqlite_ops = {
    "sqlite", sq_close, sq_begin, sq_commit, sq_rollback, sq_seen, sq_put,
    sq_events, sq_search, sq_groups, sq_actors, sq_article, sq_stats, sq_check, sq_empty, sq_budget, sq_release
};

/* Bring the schema to SQ_VERSION, one migration per transaction. */
static kr_status sq_migrate(kr_store *s, int from) {
    sq_be *mb = s->be;
    for (int v = from; v < SQ_VERSION; v++) {
        int rc = sq_exec(s, "BEGIN IMMEDIATE");
        /* another process may have migrated between our version read and the lock:
        ** read the version again inside the transaction (case writers-new) */
        if (rc == SQLITE_OK) {
            sqlite3_stmt *st = NULL; int now = -1;
            if (sqlite3_prepare_v2(mb->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) now = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
            if (now > v) { rc = sq_exec(s, "COMMIT"); if (rc == SQLITE_OK) { v = now - 1; continue; } }
        }
        if (rc == SQLITE_OK) rc = sq_exec(s, sq_migrations[v]);
        if (rc == SQLITE_OK) {
            char set[256];
            snprintf(set, sizeof set, "PRAGMA application_id = %d; PRAGMA user_version = %d;"
                     "INSERT OR REPLACE INTO kroniek_meta VALUES('schema_version', '%d')", KR_APP_ID, v + 1, v + 1);
            rc = sq_exec(s, set);
        }
        if (rc == SQLITE_OK) rc = sq_exec(s, "COMMIT");
        if (rc != SQLITE_OK) {
            kr_status k = sq_fail(s, rc, "creating the archive");
            sq_exec(s, "ROLLBACK");
            return k;
        }
    }
    s->version = SQ_VERSION;
    return KR_OK;
}

/* The directory of path (".", "/" or the part before the last slash). */
static void sq_dirname(const char *path, char *dir, size_t n) {
    const char *sl = strrchr(path, '/');
    if (!sl) snprintf(dir, n, ".");
    else if (sl == path) snprintf(dir, n, "/");
    else snprintf(dir, n, "%.*s", (int)(sl - path), path);
}

/* 0 if this process may write the file or directory (effective ids; root too is refused
** on a read-only mount or an immutable file), else errno */
static int sq_cannot_write(const char *f) {
    return faccessat(AT_FDCWD, f, W_OK, AT_EACCESS) == 0 ? 0 : (errno ? errno : EACCES);
}

/* issue 15: why an existing archive cannot be written (into why), or 0 if it can.  An
** archive needs its file and, for the write-ahead log, its directory. */
static int sq_unwritable(const char *path, char *why, size_t n) {
    char dir[4096];
    int e;
    if ((e = sq_cannot_write(path))) { snprintf(why, n, "the file cannot be written: %s", strerror(e)); return 1; }
    sq_dirname(path, dir, sizeof dir);
    if ((e = sq_cannot_write(dir))) { snprintf(why, n, "its directory %.300s cannot be written: %s", dir, strerror(e)); return 1; }
    return 0;
}

/* "file:PATH?immutable=1" for sqlite3_open_v2 with SQLITE_OPEN_URI: the archive is read
** as a file nobody changes, without -wal or -shm files (for a read-only directory) */
static void sq_immutable_uri(const char *path, kr_buf *u) {
    kr_buf_add(u, "file:", 5);
    if (path[0] == '/') while (path[1] == '/') path++;    /* "//x" would name a host */
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p == 0x7f) kr_buf_addf(u, "%%%02X", *p);
        else kr_buf_add(u, (const char *)p, 1);
    }
    kr_buf_add(u, "?immutable=1", 13);     /* with the NUL */
}

/* Open the SQLite file for reading.  A WAL archive needs a -shm file beside it: in a
** directory that cannot be written, and with no -wal file left (a cleanly closed
** archive has none), the archive is opened immutable instead.  Returns an SQLite code;
** on failure err says why. */
static int sq_open_read(kr_store *s, const char *path, char *err, size_t errlen) {
    sq_be *b = s->be;
    char wal[4200], dir[4096];
    snprintf(wal, sizeof wal, "%s-wal", path);
    struct stat ws;
    int has_wal = stat(wal, &ws) == 0 && ws.st_size > 0;
    sq_dirname(path, dir, sizeof dir);
    int dir_ro = sq_cannot_write(dir) != 0;
    char shm[4200];
    snprintf(shm, sizeof shm, "%s-shm", path);
    int has_shm = stat(shm, &ws) == 0;      /* a writer (of another user) may be at work */
    int rc = SQLITE_CANTOPEN;
    long n;
    if (!dir_ro || has_wal || has_shm) {
        rc = sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc == SQLITE_OK) rc = sq_int(b->db, "SELECT count(*) FROM sqlite_master", &n);
        if (rc == SQLITE_OK) return rc;
        int basic = rc & 0xff;
        if (has_wal || (basic != SQLITE_CANTOPEN && basic != SQLITE_READONLY)) {
            sq_fail(s, rc, "opening");
            if (has_wal && dir_ro)
                snprintf(err, errlen, "%s: cannot read the archive: its directory %s cannot be written and it has an unfinished write-ahead log (%s), which needs a -shm file there; open it once where it can be written (kroniek ingest --db %s --stats), or copy %s and %s to a writable directory",
                         path, dir, wal, path, path, wal);
            else snprintf(err, errlen, "%s", s->err);
            return rc;
        }
        sqlite3_close(b->db); b->db = NULL;
    }
    kr_buf u = {0};
    sq_immutable_uri(path, &u);
    rc = sqlite3_open_v2(u.p, &b->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
    kr_buf_free(&u);
    if (rc == SQLITE_OK) rc = sq_int(b->db, "SELECT count(*) FROM sqlite_master", &n);
    if (rc != SQLITE_OK) { sq_fail(s, rc, "opening"); snprintf(err, errlen, "%s", s->err); }
    return rc;
}

static kr_store *sqlite_open(const char *path, int create, int readonly, char *err, size_t errlen) {
    kr_store *s = calloc(1, sizeof *s);
    sq_be *b = calloc(1, sizeof *b);
    if (!s || !b) { free(s); free(b); snprintf(err, errlen, "out of memory"); return NULL; }
    s->ops = &sqlite_ops; s->be = b; s->readonly = readonly;
    snprintf(s->name, sizeof s->name, "%s", path);
    s->fts = kr_fts_new();
    kr_map_init(&b->codes, &b->codes_ar);
    kr_agg_init(&b->agg, sq_round10);
    const char *bt = getenv("KRONIEK_BUSY_TIMEOUT");
    b->busy_ms = bt && *bt ? atoi(bt) : 5000;
    if (b->busy_ms < 0) b->busy_ms = 0;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && S_ISDIR(sb.st_mode)) { snprintf(err, errlen, "%s: is a directory, not an archive", path); goto fail; }
    if (!exists && !create) { snprintf(err, errlen, "%s: no such archive (kroniek ingest --db %s FILES creates it)", path, path); goto fail; }
    int rc;
    if (!exists) {
        char dir[4096];
        sq_dirname(path, dir, sizeof dir);
        int e = sq_cannot_write(dir);
        if (e && e != ENOENT) { snprintf(err, errlen, "%s: cannot create the archive: its directory %s cannot be written (%s)", path, dir, strerror(e)); goto fail; }
    }
    /* issue 15: an archive that cannot be written is opened for reading, whatever was
    ** asked; a writer learns it from kr_store_read_only() and kr_store_begin() */
    if (exists && sq_unwritable(path, s->ro_why, sizeof s->ro_why)) readonly = s->readonly = 1;
    if (readonly) {
        if (sq_open_read(s, path, err, errlen) != SQLITE_OK) goto fail;
    } else {
        rc = sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) { sq_fail(s, rc, "opening"); snprintf(err, errlen, "%s", s->err); goto fail; }
    }
    sqlite3_extended_result_codes(b->db, 0);
    sqlite3_busy_timeout(b->db, b->busy_ms);
    if (!s->fts || sq_register(b->db, s->fts) != SQLITE_OK) { snprintf(err, errlen, "%s: cannot register the full-text tokenizer (SQLite without FTS5?)", path); goto fail; }
    /* look before writing anything: a foreign or corrupt file is left as it is */
    long appid = 0, uver = 0, ntab = 0;
    if ((rc = sq_int(b->db, "SELECT count(*) FROM sqlite_master", &ntab)) ||
        (rc = sq_int(b->db, "PRAGMA application_id", &appid)) ||
        (rc = sq_int(b->db, "PRAGMA user_version", &uver))) {
        sq_fail(s, rc, "opening"); snprintf(err, errlen, "%s", s->err); goto fail;
    }
    if (ntab > 0 && appid != KR_APP_ID) {
        snprintf(err, errlen, "%s: not a kroniek archive (an SQLite database of another program); it was not changed", path);
        goto fail;
    }
    if (uver > SQ_VERSION) {
        snprintf(err, errlen, "%s: archive schema version %ld is newer than this kroniek understands (%d); use a newer kroniek", path, uver, SQ_VERSION);
        goto fail;
    }
    if (ntab == 0 && !create) { snprintf(err, errlen, "%s: empty archive (kroniek ingest --db %s FILES fills it)", path, path); goto fail; }
    if (!readonly) {
        /* a new archive: 16 KB pages (articles are a few KB; fewer overflow pages and
        ** writes); this must come before the first table */
        if (ntab == 0) sq_exec(s, "PRAGMA page_size = 16384");
        if ((rc = sq_exec(s, "PRAGMA journal_mode = WAL")) || (rc = sq_exec(s, "PRAGMA synchronous = NORMAL"))) {
            sq_fail(s, rc, "opening"); snprintf(err, errlen, "%s", s->err); goto fail;
        }
    }
    sq_exec(s, "PRAGMA cache_size = -32000");
    s->version = (int)uver;
    if (uver < SQ_VERSION) {
        if (readonly && s->ro_why[0]) { snprintf(err, errlen, "%s: archive schema version %ld is older than this kroniek (%d), and the archive is read-only (%s), so it cannot be upgraded here; upgrade a writable copy with kroniek ingest --db COPY --stats", path, uver, SQ_VERSION, s->ro_why); goto fail; }
        if (readonly) { snprintf(err, errlen, "%s: archive schema version %ld is older than this kroniek (%d); run kroniek ingest on it once to upgrade", path, uver, SQ_VERSION); goto fail; }
        if (sq_migrate(s, (int)uver) != KR_OK) { snprintf(err, errlen, "%s", s->err); goto fail; }
    }
    return s;
fail:
    kr_store_close(s);
    return NULL;
}
