/*
** util.c -- arena allocator, growable buffers, string hash map.
** The arena hands out zeroed memory that lives until kr_arena_reset/free; nothing
** allocated from it is freed individually.
*/
#include "kr_int.h"
#include <stdarg.h>
#include <stdio.h>

struct kr_arena_blk { kr_arena_blk *next; size_t used, cap; char mem[]; };

void *kr_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) { fprintf(stderr, "kroniek: out of memory (%zu bytes)\n", n); abort(); }
    return p;
}
void *kr_xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) { fprintf(stderr, "kroniek: out of memory (%zu bytes)\n", n); abort(); }
    return q;
}

void *kr_alloc(kr_arena *a, size_t n) {
    n = (n + 7) & ~(size_t)7;
    kr_arena_blk *b = a->head;
    if (!b || b->used + n > b->cap) {
        size_t cap = 64 * 1024;
        if (n > cap / 4) cap = n;   /* big requests get their own block */
        kr_arena_blk *nb = kr_xmalloc(sizeof *nb + cap);
        nb->used = 0; nb->cap = cap;
        if (b && n == cap && b->used + 4096 < b->cap) {  /* keep filling the current block */
            nb->next = b->next; b->next = nb;
            a->total += cap;
            memset(nb->mem, 0, n); nb->used = n;
            return nb->mem;
        }
        nb->next = b; a->head = nb; b = nb;
        a->total += cap;
    }
    void *p = b->mem + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *kr_strndup(kr_arena *a, const char *s, size_t n) {
    char *p = kr_alloc(a, n + 1);
    memcpy(p, s, n); p[n] = 0;
    return p;
}

void kr_arena_reset(kr_arena *a) {
    kr_arena_blk *b = a->head, *keep = NULL;
    while (b) {
        kr_arena_blk *nx = b->next;
        if (!nx && b->cap == 64 * 1024) { keep = b; break; }
        free(b); b = nx;
    }
    if (keep) { keep->used = 0; keep->next = NULL; a->total = keep->cap; } else a->total = 0;
    a->head = keep;
}

void kr_arena_free(kr_arena *a) {
    kr_arena_blk *b = a->head;
    while (b) { kr_arena_blk *nx = b->next; free(b); b = nx; }
    a->head = NULL; a->total = 0;
}

void kr_buf_add(kr_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 256;
        while (c < b->len + n + 1) c *= 2;
        b->p = kr_xrealloc(b->p, c); b->cap = c;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n; b->p[b->len] = 0;
}
void kr_buf_addc(kr_buf *b, char c) { kr_buf_add(b, &c, 1); }
void kr_buf_addf(kr_buf *b, const char *fmt, ...) {
    char tmp[1024];
    va_list ap; va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) { kr_buf_add(b, tmp, (size_t)n); return; }
    char *big = kr_xmalloc((size_t)n + 1);
    va_start(ap, fmt); vsnprintf(big, (size_t)n + 1, fmt, ap); va_end(ap);
    kr_buf_add(b, big, (size_t)n); free(big);
}
void kr_buf_free(kr_buf *b) { free(b->p); b->p = NULL; b->len = b->cap = 0; }

uint64_t kr_hash(const char *s, size_t n) {      /* FNV-1a, 64 bit */
    uint64_t h = KR_HASH_INIT;
    for (size_t i = 0; i < n; i++) h = kr_hash_add(h, (unsigned char)s[i]);
    return h;
}

void kr_map_init(kr_map *m, kr_arena *ar) { memset(m, 0, sizeof *m); m->ar = ar; }
void kr_map_free(kr_map *m) { free(m->slot); memset(m, 0, sizeof *m); }

/* does slot x hold the key k[0..n)?  A key of 4..8 bytes is compared as two 4-byte
** words that overlap (its first and its last four bytes), a shorter one byte by byte:
** fixed-size loads, no call to memcmp. */
static inline int slot_is(const kr_map_slot *x, const char *k, size_t n) {
    if (x->len1 != n + 1) return 0;
    if (n > 8) return !memcmp(x->key.p, k, n);
    const char *s = x->key.s;
    if (n >= 4) {
        uint32_t a, b, c, d;
        memcpy(&a, s, 4); memcpy(&b, k, 4); memcpy(&c, s + n - 4, 4); memcpy(&d, k + n - 4, 4);
        return a == b && c == d;
    }
    return !n || (s[0] == k[0] && s[n / 2] == k[n / 2] && s[n - 1] == k[n - 1]);
}

/* kr_map_get with the key's kr_hash already computed (the tokenizer hashes a word while
** folding it, in the same pass) */
uint32_t kr_map_get_h(const kr_map *m, const char *k, size_t n, uint64_t h) {
    if (!m->cap) return 0;
    uint32_t mask = m->cap - 1, i = (uint32_t)h & mask;
    while (m->slot[i].len1) {
        if (slot_is(&m->slot[i], k, n)) return m->slot[i].val;
        i = (i + 1) & mask;
    }
    return 0;
}

uint32_t kr_map_get(const kr_map *m, const char *k, size_t n) { return kr_map_get_h(m, k, n, kr_hash(k, n)); }

static const char *slot_key(const kr_map_slot *x) { return x->len1 <= 9 ? x->key.s : x->key.p; }

static void map_grow(kr_map *m) {
    uint32_t oc = m->cap, nc = oc ? oc * 2 : 64;
    kr_map_slot *os = m->slot;
    m->slot = calloc(nc, sizeof *m->slot);
    if (!m->slot) { fprintf(stderr, "kroniek: out of memory\n"); abort(); }
    m->cap = nc;
    for (uint32_t i = 0; i < oc; i++) if (os[i].len1) {
        uint32_t j = (uint32_t)kr_hash(slot_key(&os[i]), os[i].len1 - 1) & (nc - 1);
        while (m->slot[j].len1) j = (j + 1) & (nc - 1);
        m->slot[j] = os[i];
    }
    free(os);
}

void kr_map_put(kr_map *m, const char *k, size_t n, uint32_t v) {
    if ((m->n + 1) * 2 > m->cap) map_grow(m);
    uint32_t mask = m->cap - 1, i = (uint32_t)kr_hash(k, n) & mask;
    while (m->slot[i].len1) {
        if (slot_is(&m->slot[i], k, n)) { m->slot[i].val = v; return; }
        i = (i + 1) & mask;
    }
    kr_map_slot *x = &m->slot[i];
    if (n <= 8) { memset(x->key.s, 0, 8); memcpy(x->key.s, k, n); }
    else x->key.p = kr_strndup(m->ar, k, n);
    x->len1 = (uint32_t)n + 1; x->val = v; m->n++;
}

void kr_u32v_push(kr_u32v *a, uint32_t x) {
    if (a->n == a->cap) { a->cap = a->cap ? a->cap * 2 : 8; a->v = kr_xrealloc(a->v, a->cap * 4); }
    a->v[a->n++] = x;
}

const char *kr_strerror(kr_status st) {
    switch (st) {
    case KR_OK: return "ok";
    case KR_ERR_IO: return "input/output error";
    case KR_ERR_PARSE: return "parse error";
    case KR_ERR_NOMEM: return "out of memory";
    case KR_ERR_LIMIT: return "limit exceeded";
    case KR_ERR_ARG: return "bad argument";
    case KR_ERR_DB: return "database error";
    case KR_EOF: return "end of input";
    case KR_ERR_DAMAGED: return "stored data does not match its checksum";
    }
    return "unknown error";
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* n digits at s as a number, or -1 */
static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) { if (s[i] < '0' || s[i] > '9') return -1; v = v * 10 + (s[i] - '0'); }
    return v;
}

/* issue 15: ' 2022-01-10', '2022-01-10 ', '2022-01-10T' and '2022-01-10T25:61:61Z' were
** accepted (kr_parse_date is lenient, for dictionaries) and stored as given */
int kr_article_date(const char *s, char out[11]) {
    out[0] = 0;
    if (!s) return 0;
    size_t n = strlen(s);
    if (n == 6 && digits(s, 6) >= 0) {      /* YYMMDD, TABARI's record dates: kept as written */
        int v = kr_parse_date(s);
        if (v) memcpy(out, s, 7);
        return v;
    }
    if (n != 7 && n != 10 && n != 20 && n != 25) return 0;
    int y = digits(s, 4), m = s[4] == '-' ? digits(s + 5, 2) : -1, d = 1;
    if (y < 1900 || y > 2100 || m < 1 || m > 12) return 0;
    if (n > 7) {
        if (s[7] != '-' || (d = digits(s + 8, 2)) < 1) return 0;
        static const int mdays[] = {31,28,31,30,31,30,31,31,30,31,30,31};
        if (d > mdays[m-1] + (m == 2 && leap(y))) return 0;
    }
    if (n > 10) {                        /* Thh:mm:ss then Z or +hh:mm / -hh:mm */
        if (s[10] != 'T' || s[13] != ':' || s[16] != ':') return 0;
        int hh = digits(s + 11, 2), mm = digits(s + 14, 2), ss = digits(s + 17, 2);
        if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return 0;
        if (n == 20 && s[19] != 'Z') return 0;
        if (n == 25) {
            int oh = digits(s + 20, 2), om = digits(s + 23, 2);
            if ((s[19] != '+' && s[19] != '-') || s[22] != ':' || oh < 0 || oh > 23 || om < 0 || om > 59) return 0;
        }
    }
    memcpy(out, s, n > 10 ? 10 : n);
    out[n > 10 ? 10 : n] = 0;
    return y * 10000 + m * 100 + d;
}

int kr_parse_date(const char *s) {
    if (!s) return 0;
    while (*s == ' ') s++;
    int y = 0, m = 0, dd = 1, i;
    size_t n = strlen(s);
    while (n && (s[n-1] == ' ' || s[n-1] == '\n' || s[n-1] == '\r')) n--;
    if (n == 6) {                       /* YYMMDD (TABARI) */
        for (i = 0; i < 6; i++) if (s[i] < '0' || s[i] > '9') return 0;
        y = (s[0]-'0')*10 + (s[1]-'0'); y += y < 50 ? 2000 : 1900;
        m = (s[2]-'0')*10 + (s[3]-'0'); dd = (s[4]-'0')*10 + (s[5]-'0');
    } else if (n == 7 || n == 10 || (n > 10 && (s[10] == 'T' || s[10] == ' '))) {
        for (i = 0; i < 4; i++) if (s[i] < '0' || s[i] > '9') return 0;
        if (s[4] != '-' || s[5] < '0' || s[5] > '9' || s[6] < '0' || s[6] > '9') return 0;
        y = atoi(s); m = (s[5]-'0')*10 + (s[6]-'0');
        if (n >= 10) {
            if (s[7] != '-' || s[8] < '0' || s[8] > '9' || s[9] < '0' || s[9] > '9') return 0;
            dd = (s[8]-'0')*10 + (s[9]-'0');
        }
    } else return 0;
    static const int mdays[] = {31,28,31,30,31,30,31,31,30,31,30,31};
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || dd < 1) return 0;
    if (dd > mdays[m-1] + (m == 2 && leap(y))) return 0;
    return y * 10000 + m * 100 + dd;
}
