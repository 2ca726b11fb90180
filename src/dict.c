/*
** dict.c -- loading kroniek's own dictionary files (docs/DICTIONARIES.md):
** data/cameo/codes.tsv, *.actors (including person blocks), *.verbs, words.txt and
** abbrev.txt.  Builds, per language, the vocabulary (folded word -> id), the actor
** phrase trie, the trigger form index and the word classes.  Every problem is reported
** as "file:line: error|warning: message" in the dictionary's message buffer; loading
** goes on after an error so that one run shows all problems.
*/
#include "kr_int.h"
#include <stdarg.h>
#include <stdio.h>
#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>

/* ------------------------------------------------------------------ basics */

void kr_dict_msg(kr_dict *d, int is_err, const char *file, int line, const char *fmt, ...) {
    char tmp[600];
    va_list ap; va_start(ap, fmt); vsnprintf(tmp, sizeof tmp, fmt, ap); va_end(ap);
    /* one message, one line: text quoted from the input may hold line breaks and other
    ** control characters (a TABARI entry that runs over a line end) */
    for (char *q = tmp; *q; q++) if ((unsigned char)*q < 0x20 || *q == 0x7f) *q = ' ';
    if (is_err) d->nerr++; else d->nwarn++;
    if (d->nerr + d->nwarn > 2000) return;     /* keep the report readable */
    if (line > 0) kr_buf_addf(&d->msgs, "%s:%d: %s: %s\n", file, line, is_err ? "error" : "warning", tmp);
    else kr_buf_addf(&d->msgs, "%s: %s: %s\n", file, is_err ? "error" : "warning", tmp);
    if (is_err && !d->err[0]) snprintf(d->err, sizeof d->err, "%.200s:%d: %.300s", file, line, tmp);
}

int kr_lang_index(const char *lang) {
    if (!lang || !*lang) return -1;
    if (!strcmp(lang, "nl")) return 0;
    if (!strcmp(lang, "en")) return 1;
    return -1;
}

kr_dict *kr_dict_new(void) {
    kr_dict *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    kr_map_init(&d->strs, &d->ar);
    kr_map_init(&d->cameo_idx, &d->ar);
    for (int l = 0; l < NLANG; l++) {
        kr_lang *L = &d->lang[l];
        kr_map_init(&L->vocab, &d->ar);
        kr_map_init(&L->sets, &d->ar);
        kr_map_init(&L->eventref, &d->ar);
        kr_map_init(&L->abbrev, &d->ar);
        L->nnodes = 1;   /* node 0 = root */
    }
    d->max_file = KR_MAX_DICT;
    return d;
}

void kr_dict_free(kr_dict *d) {
    if (!d) return;
    for (int l = 0; l < NLANG; l++) {
        kr_lang *L = &d->lang[l];
        kr_map_free(&L->vocab); kr_map_free(&L->sets); kr_map_free(&L->eventref); kr_map_free(&L->abbrev);
        free(L->wclass); free(L->trie);
        free(L->node_entry); free(L->first_word_node); free(L->ent); free(L->trig); free(L->tf);
        free(L->tf_first);
        for (uint32_t i = 0; i < L->nwsets; i++) { free(L->wsets[i].w); free(L->wsets[i].pre); }
        free(L->wsets); free(L->intent);
    }
    kr_map_free(&d->strs); kr_map_free(&d->cameo_idx);
    free(d->str); free(d->cameo); free(d->persons); free(d->offices);
    kr_buf_free(&d->msgs);
    kr_arena_free(&d->ar);
    free(d);
}

int kr_dict_nerrors(const kr_dict *d) { return d->nerr; }
int kr_dict_nwarnings(const kr_dict *d) { return d->nwarn; }
const char *kr_dict_messages(const kr_dict *d) { return d->msgs.p ? d->msgs.p : ""; }
const char *kr_dict_error(const kr_dict *d) { return d->err; }

uint32_t kr_intern(kr_dict *d, const char *s, size_t n) {
    uint32_t id = kr_map_get(&d->strs, s, n);
    if (id) return id;
    if (d->nstr == d->strcap) { d->strcap = d->strcap ? d->strcap * 2 : 256; d->str = kr_xrealloc(d->str, d->strcap * sizeof *d->str); }
    d->str[d->nstr++] = kr_strndup(&d->ar, s, n);
    kr_map_put(&d->strs, s, n, d->nstr);
    return d->nstr;
}

uint32_t kr_wid(const kr_lang *L, const char *fold, size_t n) { return kr_map_get(&L->vocab, fold, n); }


uint32_t kr_wid_add(kr_dict *d, kr_lang *L, const char *fold, size_t n) {
    KR_UNUSED(d);
    uint32_t w = kr_map_get(&L->vocab, fold, n);
    if (w) return w;
    w = ++L->nwords;
    kr_map_put(&L->vocab, fold, n, w);
    if (w >= L->wclass_cap) {
        uint32_t nc = L->wclass_cap ? L->wclass_cap * 2 : 1024;
        while (nc <= w) nc *= 2;
        L->wclass = kr_xrealloc(L->wclass, nc * sizeof *L->wclass);
        memset(L->wclass + L->wclass_cap, 0, (nc - L->wclass_cap) * sizeof *L->wclass);
        L->wclass_cap = nc;
    }
    return w;
}

int kr_cameo_index(const kr_dict *d, const char *code) {
    uint32_t v = kr_map_get(&d->cameo_idx, code, strlen(code));
    return v ? (int)v - 1 : -1;
}

const char *kr_cameo_label(const kr_dict *d, const char *code) {
    int i = kr_cameo_index(d, code);
    return i < 0 ? NULL : d->cameo[i].label;
}

int kr_cameo_lookup(const kr_dict *d, const char *code, double *g, int *q) {
    int i = kr_cameo_index(d, code);
    if (i < 0) return 0;
    if (g) *g = d->cameo[i].goldstein;
    if (q) *q = d->cameo[i].quad;
    return 1;
}

/* ------------------------------------------------------------------ lines */

typedef struct { const char *p, *end, *name; int line; } lines;

/* next line, comment stripped, trailing space trimmed; returns 0 at end.
** *indent is set if the line starts with white space. */
static int next_line(lines *ls, const char **s, size_t *n, int *indent) {
    while (ls->p < ls->end) {
        const char *b = ls->p, *e = memchr(b, '\n', (size_t)(ls->end - b));
        if (!e) e = ls->end;
        ls->p = e < ls->end ? e + 1 : e;
        ls->line++;
        /* '#' starts a comment, except in the discard code "###" */
        const char *h = b;
        while (h < e) {
            if (*h == '#') {
                if (e - h >= 3 && h[1] == '#' && h[2] == '#' && (e - h == 3 || isspace((unsigned char)h[3]) || h[3] == ']') && (h == b || isspace((unsigned char)h[-1]) || h[-1] == '[')) { h += 3; continue; }
                break;
            }
            h++;
        }
        const char *t = h;
        while (t > b && isspace((unsigned char)t[-1])) t--;
        const char *f = b;
        while (f < t && isspace((unsigned char)*f)) f++;
        if (f == t) continue;
        *indent = f > b;
        *s = f; *n = (size_t)(t - f);
        return 1;
    }
    return 0;
}

static size_t fold_word(const char *s, size_t n, char *out, size_t cap) {
    size_t k = kr_fold(s, n, out, cap);
    while (k > 1 && out[k-1] == '.') k--;     /* "U.S." -> "u.s" like the tokenizer */
    out[k] = 0;
    return k;
}

/* split s[0..n) on '|' calling fn for each trimmed, non-empty piece */
typedef void (*piece_fn)(void *ctx, const char *s, size_t n);
static void each_piece(const char *s, size_t n, piece_fn fn, void *ctx) {
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && s[j] != '|') j++;
        size_t a = i, b = j;
        while (a < b && isspace((unsigned char)s[a])) a++;
        while (b > a && isspace((unsigned char)s[b-1])) b--;
        if (b > a) fn(ctx, s + a, b - a);
        i = j + 1;
    }
}

/* ------------------------------------------------------------------ codes.tsv */

static void load_codes(kr_dict *d, lines *ls) {
    const char *s; size_t n; int ind;
    while (next_line(ls, &s, &n, &ind)) {
        char buf[1024];
        if (n >= sizeof buf) { kr_dict_msg(d, 1, ls->name, ls->line, "line too long"); continue; }
        memcpy(buf, s, n); buf[n] = 0;
        if (!strncmp(buf, "code\t", 5)) continue;
        char *f[4] = {0}; int nf = 0; char *p = buf;
        while (nf < 4) { f[nf++] = p; char *t = strchr(p, '\t'); if (!t) break; *t = 0; p = t + 1; }
        if (nf < 4) { kr_dict_msg(d, 1, ls->name, ls->line, "expected code<TAB>goldstein<TAB>quad<TAB>label"); continue; }
        size_t cl = strlen(f[0]);
        int ok = cl >= 2 && cl <= 4;
        for (size_t i = 0; i < cl; i++) if (!isdigit((unsigned char)f[0][i])) ok = 0;
        char *e1, *e2;
        double g = strtod(f[1], &e1); long q = strtol(f[2], &e2, 10);
        if (!ok || *e1 || *e2 || q < 1 || q > 4 || g < -10 || g > 10) {
            kr_dict_msg(d, 1, ls->name, ls->line, "bad CAMEO code line '%s'", f[0]); continue;
        }
        if (kr_cameo_index(d, f[0]) >= 0) { kr_dict_msg(d, 1, ls->name, ls->line, "duplicate CAMEO code %s", f[0]); continue; }
        if (d->ncameo == d->cameocap) { d->cameocap = d->cameocap ? d->cameocap * 2 : 512; d->cameo = kr_xrealloc(d->cameo, d->cameocap * sizeof *d->cameo); }
        kr_cameo *c = &d->cameo[d->ncameo++];
        memset(c, 0, sizeof *c);
        memcpy(c->code, f[0], cl + 1);
        c->goldstein = g; c->quad = (int)q;
        c->label = kr_strndup(&d->ar, f[3], strlen(f[3]));
        kr_map_put(&d->cameo_idx, f[0], cl, d->ncameo);
    }
}

/* ------------------------------------------------------------------ actor trie */

static uint64_t tk(uint32_t parent, uint32_t wid) { return ((uint64_t)parent << 32) | wid; }

static uint32_t trie_slot(const kr_lang *L, uint32_t parent, uint32_t wid) {
    uint32_t mask = L->trie_cap - 1;
    uint64_t h = tk(parent, wid) * 0x9E3779B97F4A7C15ULL;
    uint32_t i = (uint32_t)(h >> 32) & mask;
    while (L->trie[i].child && !(L->trie[i].parent == parent && L->trie[i].wid == wid)) i = (i + 1) & mask;
    return i;
}

uint32_t kr_trie_child(const kr_lang *L, uint32_t node, uint32_t wid) {
    if (!L->trie_cap || !wid) return 0;
    if (node == 0 && wid < L->fw_cap) return L->first_word_node[wid];
    return L->trie[trie_slot(L, node, wid)].child;
}

static void trie_grow(kr_lang *L) {
    uint32_t oc = L->trie_cap, nc = oc ? oc * 2 : 4096;
    struct kr_trie_slot *os = L->trie;
    L->trie = calloc(nc, sizeof *L->trie);
    if (!L->trie) abort();
    L->trie_cap = nc;
    for (uint32_t i = 0; i < oc; i++) if (os[i].child) L->trie[trie_slot(L, os[i].parent, os[i].wid)] = os[i];
    free(os);
}

static uint32_t trie_insert(kr_lang *L, uint32_t parent, uint32_t wid) {
    if ((L->trie_n + 1) * 2 > L->trie_cap) trie_grow(L);
    struct kr_trie_slot *x = &L->trie[trie_slot(L, parent, wid)];
    if (x->child) return x->child;
    x->parent = parent; x->wid = wid; x->child = L->nnodes++;
    L->trie_n++;
    if (L->nnodes > L->node_cap) {
        uint32_t nc = L->node_cap ? L->node_cap * 2 : 4096;
        L->node_entry = kr_xrealloc(L->node_entry, nc * 4);
        memset(L->node_entry + L->node_cap, 0, (nc - L->node_cap) * 4);
        L->node_cap = nc;
    }
    return x->child;
}

static int cmp_wids(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* split a phrase into words (space separated), fold each, return count */
#define MAXPW 16
static int phrase_words(kr_dict *d, kr_lang *L, const char *s, size_t n, uint32_t *wids, uint8_t *caps, int add) {
    int nw = 0; size_t i = 0;
    while (i < n) {
        while (i < n && s[i] == ' ') i++;
        size_t j = i;
        while (j < n && s[j] != ' ') j++;
        if (j > i) {
            if (nw == MAXPW) return -1;
            char f[256];
            size_t fl = fold_word(s + i, j - i, f, sizeof f);
            uint32_t w = add ? kr_wid_add(d, L, f, fl) : kr_wid(L, f, fl);
            if (!w) return 0;
            wids[nw] = w;
            if (caps) caps[nw] = (uint8_t)kr_capclass(s + i, j - i);
            nw++;
        }
        i = j;
    }
    return nw;
}

static void add_actor(kr_dict *d, kr_lang *L, const char *phrase, size_t n, uint32_t code, int kind,
                      int from, int to, uint32_t person, const char *file, int line) {
    uint32_t w[MAXPW]; uint8_t caps[MAXPW];
    int nw = phrase_words(d, L, phrase, n, w, caps, 1);
    if (nw <= 0) { kr_dict_msg(d, 1, file, line, "phrase '%.*s' has too many words", (int)n, phrase); return; }
    uint32_t node = 0;
    for (int i = 0; i < nw; i++) node = trie_insert(L, node, w[i]);
    if (L->nent == L->entcap) { L->entcap = L->entcap ? L->entcap * 2 : 4096; L->ent = kr_xrealloc(L->ent, L->entcap * sizeof *L->ent); }
    kr_actor_entry *e = &L->ent[L->nent++];
    memset(e, 0, sizeof *e);
    e->code = code; e->kind = (uint8_t)kind; e->from = from; e->to = to; e->person = person;
    uint8_t *c = kr_alloc(&d->ar, (size_t)nw);
    memcpy(c, caps, (size_t)nw);
    e->caps = c; e->nwords = (uint16_t)nw; e->file = file; e->line = line;
    e->next = L->node_entry[node];
    L->node_entry[node] = L->nent;
}

/* "FROM..TO" with ISO dates, either end open */
static int parse_range(const char *s, size_t n, int *from, int *to) {
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < n; i++) if (s[i] == '.' && s[i+1] == '.') { dots = s + i; break; }
    if (!dots) return 0;
    char a[32], b[32];
    size_t la = (size_t)(dots - s), lb = n - la - 2;
    if (la >= sizeof a || lb >= sizeof b) return 0;
    memcpy(a, s, la); a[la] = 0; memcpy(b, dots + 2, lb); b[lb] = 0;
    *from = la ? kr_parse_date(a) : 0;
    *to = lb ? kr_parse_date(b) : 0;
    if ((la && !*from) || (lb && !*to)) return 0;
    if (*from && *to && *from > *to) return 0;
    return 1;
}

static int valid_actor_code(const char *s, size_t n) {
    if (n == 0 || n > 15) return 0;
    for (size_t i = 0; i < n; i++) if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i])) return 0;
    return n % 3 == 0;
}

static int kind_of(const char *s, size_t n) {
    static const char *k[] = {"", "state", "org", "capital", "adj", "people", "agent", "person", "place"};
    for (int i = 1; i <= 8; i++) if (strlen(k[i]) == n && !memcmp(k[i], s, n)) return i;
    /* a region that is no actor and no one state's place ("Oost-Europa", "Midden-Oosten"):
    ** its words name nothing ("Europa" in "Oost-Europa" is not the EU) */
    if (n == 6 && !memcmp(s, "region", 6)) return AK_NULL;
    /* a phrase that names no actor although its words would ("Zuid-Koreaanse Democratische
    ** Partij" is not the US Democrats): listed so that the longer match wins */
    if (n == 4 && !memcmp(s, "none", 4)) return AK_NULL;
    return 0;
}

typedef struct { kr_dict *d; kr_lang *L; uint32_t code; int kind, from, to; uint32_t person; const char *file; int line; int nlang; kr_lang *Ls[NLANG]; } actor_ctx;

static void actor_piece(void *vctx, const char *s, size_t n) {
    actor_ctx *c = vctx;
    for (int l = 0; l < c->nlang; l++) add_actor(c->d, c->Ls[l], s, n, c->code, c->kind, c->from, c->to, c->person, c->file, c->line);
}

static void load_actors(kr_dict *d, lines *ls, int lang) {
    const char *s; size_t n; int ind;
    actor_ctx ac = { .d = d, .file = ls->name };
    if (lang < 0) { ac.nlang = NLANG; for (int l = 0; l < NLANG; l++) ac.Ls[l] = &d->lang[l]; }
    else { ac.nlang = 1; ac.Ls[0] = &d->lang[lang]; }
    int cur_person = -1;
    const char *pnames = NULL; size_t pnl = 0; int pline = 0;
    int cur_offices = 0;
    while (1) {
        int more = next_line(ls, &s, &n, &ind);
        /* close a person block when a non-indented line or the end comes */
        if (cur_person >= 0 && (!more || !ind)) {
            if (!cur_offices) kr_dict_msg(d, 1, ls->name, pline, "person without any office line");
            ac.code = 0; ac.kind = AK_PERSON; ac.from = ac.to = 0; ac.person = (uint32_t)cur_person; ac.line = pline;
            each_piece(pnames, pnl, actor_piece, &ac);
            cur_person = -1;
        }
        if (!more) break;
        ac.line = ls->line;
        /* first two fields */
        size_t i = 0;
        while (i < n && !isspace((unsigned char)s[i])) i++;
        const char *f1 = s; size_t l1 = i;
        while (i < n && isspace((unsigned char)s[i])) i++;
        if (ind) {
            if (cur_person < 0) { kr_dict_msg(d, 1, ls->name, ls->line, "indented line outside a person block"); continue; }
            int from = 0, to = 0;
            if (!valid_actor_code(f1, l1)) { kr_dict_msg(d, 1, ls->name, ls->line, "bad actor code '%.*s'", (int)l1, f1); continue; }
            if (i < n) {
                size_t j = i; while (j < n && !isspace((unsigned char)s[j])) j++;
                if (!parse_range(s + i, j - i, &from, &to)) { kr_dict_msg(d, 1, ls->name, ls->line, "bad date range '%.*s' (want YYYY-MM-DD..YYYY-MM-DD, either end may be empty)", (int)(j - i), s + i); continue; }
            }
            if (d->noffices == d->officecap) { d->officecap = d->officecap ? d->officecap * 2 : 1024; d->offices = kr_xrealloc(d->offices, d->officecap * sizeof *d->offices); }
            kr_office *o = &d->offices[d->noffices++];
            o->code = kr_intern(d, f1, l1); o->from = from; o->to = to;
            d->persons[cur_person].off_n++;
            cur_offices++;
            continue;
        }
        if (l1 == 6 && !memcmp(f1, "person", 6)) {
            if (d->npersons == d->personcap) { d->personcap = d->personcap ? d->personcap * 2 : 1024; d->persons = kr_xrealloc(d->persons, d->personcap * sizeof *d->persons); }
            kr_person *p = &d->persons[d->npersons];
            pnames = s + i; pnl = n - i; pline = ls->line;
            size_t e = 0; while (e < pnl && pnames[e] != '|') e++;
            while (e && pnames[e-1] == ' ') e--;
            p->name = kr_strndup(&d->ar, pnames, e);
            p->off_start = d->noffices; p->off_n = 0; p->file = ls->name; p->line = ls->line;
            cur_person = (int)d->npersons++;
            cur_offices = 0;
            if (!pnl) kr_dict_msg(d, 1, ls->name, ls->line, "person without a name");
            continue;
        }
        const char *f2 = s + i; size_t j = i;
        while (j < n && !isspace((unsigned char)s[j])) j++;
        size_t l2 = j - i;
        int kind = kind_of(f2, l2);
        if (!kind || kind == AK_PERSON) { kr_dict_msg(d, 1, ls->name, ls->line, "unknown kind '%.*s' (state, org, capital, adj, people, agent, place, region, none)", (int)l2, f2); continue; }
        if (kind == AK_NULL) {
            if (l1 != 3 || memcmp(f1, "---", 3)) { kr_dict_msg(d, 1, ls->name, ls->line, "a region's or none's code is ---, not '%.*s'", (int)l1, f1); continue; }
        } else if (kind == AK_AGENT) {
            if (f1[0] != '~' || (l1 > 1 && !valid_actor_code(f1 + 1, l1 - 1))) { kr_dict_msg(d, 1, ls->name, ls->line, "agent code must be ~ or ~SECTOR, not '%.*s'", (int)l1, f1); continue; }
        } else if (!valid_actor_code(f1, l1)) { kr_dict_msg(d, 1, ls->name, ls->line, "bad actor code '%.*s'", (int)l1, f1); continue; }
        while (j < n && isspace((unsigned char)s[j])) j++;
        size_t pe = n;
        int from = 0, to = 0;
        if (pe > j && s[pe-1] == ']') {
            size_t b = pe - 1; while (b > j && s[b] != '[') b--;
            if (s[b] != '[' || !parse_range(s + b + 1, pe - b - 2, &from, &to)) { kr_dict_msg(d, 1, ls->name, ls->line, "bad date range '%.*s'", (int)(pe - b), s + b); continue; }
            pe = b;
        }
        if (pe <= j) { kr_dict_msg(d, 1, ls->name, ls->line, "no phrase"); continue; }
        ac.code = kr_intern(d, f1, l1); ac.kind = kind; ac.from = from; ac.to = to; ac.person = 0;
        each_piece(s + j, pe - j, actor_piece, &ac);
    }
}

/* ------------------------------------------------------------------ words.txt */

static const struct { const char *name; uint64_t flag; } wclasses[] = {
    {"det", WC_DET}, {"poss", WC_POSS}, {"prep", WC_PREP}, {"and", WC_AND},
    {"sub-that", WC_SUB_DAT}, {"sub-cond", WC_SUB_COND}, {"sub-whether", WC_SUB_QUEST},
    {"sub-purpose", WC_SUB_PURPOSE}, {"sub-inf", WC_SUB_OM}, {"sub-other", WC_SUB_OTHER},
    {"relative", WC_REL}, {"coord", WC_COORD}, {"neg", WC_NEG}, {"pron", WC_PRON},
    {"pron-sg", WC_PRON_SG}, {"modal", WC_MODAL}, {"future", WC_FUTURE}, {"intent-word", WC_INTENT},
    {"irrealis", WC_GOV}, {"passive-aux", WC_PASS_AUX}, {"by", WC_BY}, {"inf", WC_TE},
    {"place-prep", WC_PLACE_PREP}, {"before-whether", WC_QPREV}, {"plural", WC_PLURAL},
    {"neighbour", WC_NEIGHBOUR}, {"demonstrative", WC_DEMONSTR}, {"genitive", WC_GENITIVE},
    {"of", WC_OF}, {"skip", WC_SKIP}, {"self", WC_SELF}, {"own-country", WC_COUNTRY}, {"pron-obj", WC_PRON_OBJ}, {"not-actor-after", WC_NOT_ACTOR},
    {"say", WC_SAY}, {"quantity", WC_QUANT}, {"speaker", WC_SPEAKER}, {"pron-first", WC_FIRST},
    {"future-time", WC_FUT_TIME}, {"future-mod", WC_FUT_MOD}, {"period", WC_PERIOD}, {"judgement-neg", WC_EVAL_NEG}, {"judgement-pos", WC_EVAL_POS}, {"label", WC_LABEL}, {"obligation", WC_OBLIGE}, {"allege", WC_ALLEGE}, {"copula", WC_COPULA}, {"against", WC_AGAINST}, {"policy", WC_POLICY}, {"calendar", WC_CALENDAR}, {"party-ref", WC_PARTY_REF}, {"say-adverb", WC_SAY_ADV}, {"person-noun", WC_PERSON_NOUN}, {"joint", WC_JOINT}, {"pair", WC_PAIR}, {"pair-noun", WC_PAIR_NOUN}, {"numeral", WC_NUMERAL},
};

typedef struct { kr_dict *d; kr_lang *L; uint64_t flag; int root; const char *file; int line; } word_ctx;

static void word_piece(void *vctx, const char *s, size_t n) {
    word_ctx *c = vctx;
    char f[256];
    if (memchr(s, ' ', n)) { kr_dict_msg(c->d, 1, c->file, c->line, "'%.*s': one word per entry", (int)n, s); return; }
    size_t fl = fold_word(s, n, f, sizeof f);
    if (c->root) { kr_map_put(&c->L->eventref, f, fl, (uint32_t)c->root); return; }
    uint32_t w = kr_wid_add(c->d, c->L, f, fl);
    c->L->wclass[w] |= c->flag;
}

static void abbrev_piece(void *vctx, const char *s, size_t n) {
    word_ctx *c = vctx;
    char f[256];
    size_t fl = fold_word(s, n, f, sizeof f);
    kr_map_put(&c->L->abbrev, f, fl, 1);
}

static void load_words(kr_dict *d, lines *ls, int lang, int abbrev) {
    const char *s; size_t n; int ind;
    if (lang < 0) { kr_dict_msg(d, 1, ls->name, 0, "words and abbreviations belong to a language directory (nl/, en/)"); return; }
    word_ctx wc = { .d = d, .L = &d->lang[lang], .file = ls->name };
    while (next_line(ls, &s, &n, &ind)) {
        wc.line = ls->line;
        if (abbrev) { each_piece(s, n, abbrev_piece, &wc); continue; }
        size_t i = 0;
        while (i < n && !isspace((unsigned char)s[i])) i++;
        const char *cls = s; size_t cl = i;
        while (i < n && isspace((unsigned char)s[i])) i++;
        /* issue 7: sscanf/atoi read past the line (into the next line, or past the end of
        ** a buffer that is not NUL-terminated): they get a copy of the rest of the line */
        char rest[64]; size_t rl = n - i < sizeof rest - 1 ? n - i : sizeof rest - 1;
        memcpy(rest, s + i, rl); rest[rl] = 0;
        if (cl == 6 && !memcmp(cls, "intent", 6)) {       /* intent FROM TO */
            char a[16], b[16];
            /* issue 7: a FROM of 8+ characters overflowed intent[].from (char[8]) */
            if (sscanf(rest, "%15s %15s", a, b) != 2 || kr_cameo_index(d, b) < 0 || strlen(a) >= sizeof wc.L->intent->from) {
                kr_dict_msg(d, 1, ls->name, ls->line, "intent line wants: intent FROMCODE TOCODE (known CAMEO code)"); continue;
            }
            kr_lang *L = wc.L;
            if (L->nintent == L->intentcap) { L->intentcap = L->intentcap ? L->intentcap * 2 : 32; L->intent = kr_xrealloc(L->intent, L->intentcap * sizeof *L->intent); }
            strcpy(L->intent[L->nintent].from, a); strcpy(L->intent[L->nintent].to, b); L->nintent++;
            continue;
        }
        if (cl == 8 && !memcmp(cls, "eventref", 8)) {     /* eventref ROOT noun | noun */
            int root = atoi(rest);
            if (root < 1 || root > 20) { kr_dict_msg(d, 1, ls->name, ls->line, "eventref wants a root code 01..20"); continue; }
            while (i < n && !isspace((unsigned char)s[i])) i++;
            wc.root = root; wc.flag = 0;
            each_piece(s + i, n - i, word_piece, &wc);
            wc.root = 0;
            continue;
        }
        uint64_t flag = 0;
        for (size_t k = 0; k < sizeof wclasses / sizeof *wclasses; k++)
            if (strlen(wclasses[k].name) == cl && !memcmp(wclasses[k].name, cls, cl)) flag = wclasses[k].flag;
        if (!flag) { kr_dict_msg(d, 1, ls->name, ls->line, "unknown word class '%.*s'", (int)cl, cls); continue; }
        wc.flag = flag;
        each_piece(s + i, n - i, word_piece, &wc);
    }
}

/* ------------------------------------------------------------------ verbs */

static kr_trigger *new_trigger(kr_lang *L) {
    if (L->ntrig == L->trigcap) { L->trigcap = L->trigcap ? L->trigcap * 2 : 1024; L->trig = kr_xrealloc(L->trig, L->trigcap * sizeof *L->trig); }
    kr_trigger *t = &L->trig[L->ntrig++];
    memset(t, 0, sizeof *t);
    return t;
}

static void add_form(kr_dict *d, kr_lang *L, uint32_t trig, const uint32_t *seq, int nseq, int needs_particle) {
    if (L->ntf == L->tfcap) { L->tfcap = L->tfcap ? L->tfcap * 2 : 4096; L->tf = kr_xrealloc(L->tf, L->tfcap * sizeof *L->tf); }
    kr_tform *f = &L->tf[L->ntf++];
    uint32_t *s = kr_alloc(&d->ar, (size_t)nseq * 4);
    memcpy(s, seq, (size_t)nseq * 4);
    f->trig = trig; f->needs_particle = (uint8_t)needs_particle; f->nseq = (uint8_t)nseq; f->seq = s; f->next = 0;
}

static void add_form_word(kr_dict *d, kr_lang *L, uint32_t trig, const char *w, size_t n, int needs_particle) {
    char f[256];
    size_t fl = fold_word(w, n, f, sizeof f);
    uint32_t wid = kr_wid_add(d, L, f, fl);
    add_form(d, L, trig, &wid, 1, needs_particle);
}

/* Regular forms when none are listed: Dutch and English spelling rules (over-generating
** is harmless: a form that is not a word never occurs). */
static void gen_forms(kr_dict *d, kr_lang *L, uint32_t trig, const char *lemma, int lang, int needs_particle, const char *particle) {
    char b[300]; size_t n = strlen(lemma);
    if (n < 3 || n > 200) return;
    char forms[8][300]; int nf = 0;
    if (lang == 0) {
        if (n > 2 && !strcmp(lemma + n - 2, "en")) {
            char stem[256]; size_t sl = n - 2;
            memcpy(stem, lemma, sl); stem[sl] = 0;
            if (sl >= 2 && stem[sl-1] == stem[sl-2]) stem[--sl] = 0;             /* zeggen -> zeg */
            else if (sl >= 3 && strchr("aeiou", stem[sl-2]) && !strchr("aeiou", stem[sl-1]) && !strchr("aeiou", stem[sl-3])) {
                /* open syllable: maken -> maak */
                memmove(stem + sl - 1, stem + sl - 2, 2); stem[++sl] = 0; stem[sl-2] = stem[sl-3];
            }
            if (sl && stem[sl-1] == 'v') stem[sl-1] = 'f';
            if (sl && stem[sl-1] == 'z') stem[sl-1] = 's';
            int kofschip = sl && strchr("tkfschp", stem[sl-1]);
            snprintf(forms[nf++], 300, "%s", stem);
            snprintf(forms[nf++], 300, "%s%s", stem, stem[sl-1] == 't' ? "" : "t");
            snprintf(forms[nf++], 300, "%s%s", stem, kofschip ? "te" : "de");
            snprintf(forms[nf++], 300, "%s%s", stem, kofschip ? "ten" : "den");
            if (!needs_particle) snprintf(forms[nf++], 300, "ge%s%s", stem, (stem[sl-1] == 't' || stem[sl-1] == 'd') ? "" : (kofschip ? "t" : "d"));
            else snprintf(forms[nf++], 300, "%.40sge%.200s%s", particle, stem, (stem[sl-1] == 't' || stem[sl-1] == 'd') ? "" : (kofschip ? "t" : "d"));
        }
    } else {
        const char *e = lemma + n - 1;
        if (*e == 'e') { snprintf(forms[nf++], 300, "%ss", lemma); snprintf(forms[nf++], 300, "%sd", lemma); snprintf(forms[nf++], 300, "%.*sing", (int)n - 1, lemma); }
        else if (*e == 'y' && !strchr("aeiou", e[-1])) { snprintf(forms[nf++], 300, "%.*sies", (int)n - 1, lemma); snprintf(forms[nf++], 300, "%.*sied", (int)n - 1, lemma); snprintf(forms[nf++], 300, "%sing", lemma); }
        else {
            snprintf(forms[nf++], 300, "%s%s", lemma, (strchr("sxz", *e) || (n > 2 && (!strcmp(e - 1, "ch") || !strcmp(e - 1, "sh")))) ? "es" : "s");
            snprintf(forms[nf++], 300, "%sed", lemma); snprintf(forms[nf++], 300, "%sing", lemma);
        }
    }
    for (int i = 0; i < nf; i++) {
        if (needs_particle && lang == 0 && strncmp(forms[i], particle, strlen(particle)) == 0) {
            add_form_word(d, L, trig, forms[i], strlen(forms[i]), 0);
            continue;
        }
        add_form_word(d, L, trig, forms[i], strlen(forms[i]), needs_particle);
        if (needs_particle) { snprintf(b, sizeof b, "%s%s", particle, forms[i]); add_form_word(d, L, trig, b, strlen(b), 0); }
    }
}

static int parse_code(kr_dict *d, const char *s, size_t n, const char *file, int line, int *code) {
    if ((n == 3 && !memcmp(s, "---", 3))) { *code = -1; return 1; }
    if (n == 3 && !memcmp(s, "###", 3)) { *code = -2; return 1; }
    char b[16];
    if (n >= sizeof b) { kr_dict_msg(d, 1, file, line, "bad event code '%.*s'", (int)n, s); return 0; }
    memcpy(b, s, n); b[n] = 0;
    int i = kr_cameo_index(d, b);
    if (i < 0) { kr_dict_msg(d, 1, file, line, "unknown CAMEO event code '%s'", b); return 0; }
    *code = i;
    return 1;
}

/* split on white space */
static int fields(const char *s, size_t n, const char **f, size_t *fl, int max) {
    int k = 0; size_t i = 0;
    while (i < n && k < max) {
        while (i < n && isspace((unsigned char)s[i])) i++;
        if (i >= n) break;
        size_t j = i;
        if (s[i] == '{') { while (j < n && s[j] != '}') j++; if (j < n) j++; }
        else while (j < n && !isspace((unsigned char)s[j])) j++;
        f[k] = s + i; fl[k] = j - i; k++;
        i = j;
    }
    return k;
}

typedef struct { kr_dict *d; kr_lang *L; uint32_t set; } set_ctx;
static void set_piece(void *vctx, const char *s, size_t n) {
    set_ctx *c = vctx;
    struct kr_wset *ws = &c->L->wsets[c->set];
    char f[256];
    int pre = n > 1 && s[n-1] == '*';
    size_t fl = fold_word(s, pre ? n - 1 : n, f, sizeof f);
    if (pre) {
        if (ws->npre == ws->precap) { ws->precap = ws->precap ? ws->precap * 2 : 4; ws->pre = kr_xrealloc(ws->pre, ws->precap * sizeof *ws->pre); }
        ws->pre[ws->npre++] = kr_strndup(&c->d->ar, f, fl);
        return;
    }
    /* multi-word set members: only the words matter for matching; take each word */
    if (ws->n == ws->cap) { ws->cap = ws->cap ? ws->cap * 2 : 8; ws->w = kr_xrealloc(ws->w, ws->cap * 4); }
    ws->w[ws->n++] = kr_wid_add(c->d, c->L, f, fl);
}

static int parse_pattern(kr_dict *d, kr_lang *L, kr_trigger *t, const char *s, size_t n, const char *file, int line, kr_pattern *out) {
    const char *f[64]; size_t fl[64];
    int nf = fields(s, n, f, fl, 64);
    if (nf < 1) { kr_dict_msg(d, 1, file, line, "empty pattern"); return 0; }
    int code = t->code;
    /* the code usually stands last, but is accepted anywhere ("- ### +"): move it last */
    for (int i = 0; i < nf - 1; i++) {
        int isc = fl[i] == 3 && (!memcmp(f[i], "---", 3) || !memcmp(f[i], "###", 3));
        if (!isc && fl[i] >= 2 && fl[i] <= 4) { isc = 1; for (size_t k = 0; k < fl[i]; k++) if (!isdigit((unsigned char)f[i][k])) isc = 0; }
        if (!isc) continue;
        const char *cf = f[i]; size_t cl = fl[i];
        for (int j = i + 1; j < nf; j++) { f[j-1] = f[j]; fl[j-1] = fl[j]; }
        f[nf-1] = cf; fl[nf-1] = cl;
        break;
    }
    int last = nf - 1;
    if (fl[last] == 3 && (!memcmp(f[last], "---", 3) || !memcmp(f[last], "###", 3))) { if (!parse_code(d, f[last], fl[last], file, line, &code)) return 0; nf--; }
    else if (isdigit((unsigned char)f[last][0])) { if (!parse_code(d, f[last], fl[last], file, line, &code)) return 0; nf--; }
    if (code == -1) { kr_dict_msg(d, 1, file, line, "pattern has no code and its trigger codes nothing (---)"); return 0; }
    kr_pelem *el = kr_alloc(&d->ar, sizeof *el * (size_t)(nf ? nf : 1));
    int ne = 0, ntarget = 0, star = 0;
    for (int i = 0; i < nf; i++) {
        const char *w = f[i]; size_t wl = fl[i];
        kr_pelem *e = &el[ne];
        int after_word = !star && ne > 0 && (el[ne-1].type == PE_WORD || el[ne-1].type == PE_SET || el[ne-1].type == PE_PREFIX || el[ne-1].type == PE_SUB);
        if (wl == 1 && w[0] == '*') { star = 1; continue; }   /* "anything between": lifts adjacency */
        star = 0;
        if (wl == 1 && w[0] == '+') { e->type = PE_TARGET; e->adjacent = after_word; ntarget++; }
        else if (wl == 1 && w[0] == '$') { e->type = PE_SOURCE; e->adjacent = after_word; }
        else if (wl == 2 && w[0] == '<' && w[1] == '>') e->type = PE_RECIP;
        else {
            /* alternatives a|b|&SET|pre*: words, word sets and prefixes, merged */
            uint32_t alts[256]; uint32_t na = 0;
            const char *pres[64]; uint32_t npre = 0;
            size_t a = 0;
            int nparts = 0, only_word = 1;
            while (a < wl) {
                size_t b = a; while (b < wl && w[b] != '|') b++;
                if (b > a) {
                    nparts++;
                    if (w[a] == '&') {
                        uint32_t si = kr_map_get(&L->sets, w + a, b - a);
                        if (!si) { kr_dict_msg(d, 1, file, line, "unknown word set %.*s (define it with '%.*s = ...' above)", (int)(b - a), w + a, (int)(b - a), w + a); return 0; }
                        struct kr_wset *ws = &L->wsets[si - 1];
                        for (uint32_t k = 0; k < ws->n && na < 256; k++) alts[na++] = ws->w[k];
                        for (uint32_t k = 0; k < ws->npre && npre < 64; k++) pres[npre++] = ws->pre[k];
                        only_word = 0;
                    } else {
                        char fw[256];
                        int pre = w[b-1] == '*';
                        size_t fwl = fold_word(w + a, pre ? b - a - 1 : b - a, fw, sizeof fw);
                        if (pre) { if (npre < 64) pres[npre++] = kr_strndup(&d->ar, fw, fwl); only_word = 0; }
                        else if (na < 256) alts[na++] = kr_wid_add(d, L, fw, fwl);
                    }
                }
                a = b + 1;
            }
            if (!na && !npre) { kr_dict_msg(d, 1, file, line, "empty pattern element"); return 0; }
            uint32_t *ap = kr_alloc(&d->ar, (na ? na : 1) * 4); memcpy(ap, alts, na * 4);
            e->alts = ap; e->nalt = na;
            if (only_word && nparts >= 1) { e->type = PE_WORD; e->wid = alts[0]; }
            else {
                const char **pp = kr_alloc(&d->ar, sizeof *pp * (npre ? npre : 1));
                memcpy(pp, pres, sizeof *pp * npre);
                e->type = PE_SET; e->prefixes = (const char *const *)pp; e->nprefix = npre;
                /* the words of a set in order of their ids: the coder asks of each word of
                ** a clause whether a set has it, and a set has tens of words */
                qsort(ap, na, sizeof *ap, cmp_wids); e->sorted = 1;
            }
        }
        ne++;
    }
    if (ntarget > 1) kr_dict_msg(d, 0, file, line, "pattern with more than one + uses the first");
    out->el = el; out->nel = (uint32_t)ne; out->code = code; out->file = file; out->line = line;
    return 1;
}

static void load_verbs(kr_dict *d, lines *ls, int lang) {
    if (lang < 0) { kr_dict_msg(d, 1, ls->name, 0, "verb files belong to a language directory (nl/, en/)"); return; }
    kr_lang *L = &d->lang[lang];
    const char *s; size_t n; int ind;
    int cur = -1;
    kr_pattern pats[256]; int npat = 0;
    #define FLUSH() do { if (cur >= 0) { kr_pattern *p = kr_alloc(&d->ar, sizeof *p * (size_t)(npat ? npat : 1)); memcpy(p, pats, sizeof *p * (size_t)npat); L->trig[cur].pat = p; L->trig[cur].npat = (uint32_t)npat; } cur = -1; npat = 0; } while (0)
    while (next_line(ls, &s, &n, &ind)) {
        if (s[0] == '-' && n >= 1 && (n == 1 || isspace((unsigned char)s[1]))) {
            if (cur < 0) { kr_dict_msg(d, 1, ls->name, ls->line, "pattern line before any trigger line"); continue; }
            if (npat == 256) { kr_dict_msg(d, 1, ls->name, ls->line, "too many patterns for one trigger (max 256)"); continue; }
            if (parse_pattern(d, L, &L->trig[cur], s + 1, n - 1, ls->name, ls->line, &pats[npat])) npat++;
            continue;
        }
        if (s[0] == '&') {                        /* &SET = a | b */
            FLUSH();
            const char *eq = memchr(s, '=', n);
            if (!eq) { kr_dict_msg(d, 1, ls->name, ls->line, "word set wants: &NAME = word | word"); continue; }
            size_t nl = (size_t)(eq - s); while (nl && isspace((unsigned char)s[nl-1])) nl--;
            if (kr_map_get(&L->sets, s, nl)) { kr_dict_msg(d, 1, ls->name, ls->line, "word set %.*s defined twice", (int)nl, s); continue; }
            if (L->nwsets == L->wsetcap) { L->wsetcap = L->wsetcap ? L->wsetcap * 2 : 64; L->wsets = kr_xrealloc(L->wsets, L->wsetcap * sizeof *L->wsets); }
            memset(&L->wsets[L->nwsets], 0, sizeof *L->wsets);
            kr_map_put(&L->sets, s, nl, ++L->nwsets);
            set_ctx sc = { d, L, L->nwsets - 1 };
            /* issue 7: "&A = x | &A" (or &A -> &B -> &A) was taken silently */
            if (memchr(eq + 1, '&', n - (size_t)(eq + 1 - s))) kr_dict_msg(d, 0, ls->name, ls->line, "a word set cannot contain a word set: the '&' member is a word that never matches");
            each_piece(eq + 1, n - (size_t)(eq + 1 - s), set_piece, &sc);
            continue;
        }
        FLUSH();
        const char *f[64]; size_t fl[64];
        int nf = fields(s, n, f, fl, 64);
        int kind = 0;
        if (fl[0] == 4 && !memcmp(f[0], "verb", 4)) kind = TK_VERB;
        else if (fl[0] == 4 && !memcmp(f[0], "noun", 4)) kind = TK_NOUN;
        else if (fl[0] == 6 && !memcmp(f[0], "phrase", 6)) kind = TK_PHRASE;
        if (!kind) { kr_dict_msg(d, 1, ls->name, ls->line, "expected a trigger line (verb|noun|phrase ...), a pattern line (- ...) or a word set (&NAME = ...)"); continue; }
        if (nf < 3) { kr_dict_msg(d, 1, ls->name, ls->line, "trigger line wants: %.*s LEMMA [{FORMS}] CODE", (int)fl[0], f[0]); continue; }
        int code;
        if (!parse_code(d, f[nf-1], fl[nf-1], ls->name, ls->line, &code)) continue;
        if (code == -2) code = -1;
        kr_trigger *t = new_trigger(L);
        uint32_t ti = L->ntrig - 1;
        t->kind = (uint8_t)kind; t->code = code; t->file = ls->name; t->line = ls->line;
        cur = (int)ti;
        if (kind == TK_PHRASE) {
            uint32_t seq[MAXPW]; int ns = 0;
            char lem[512]; size_t ll = 0;
            for (int i = 1; i < nf - 1 && ns < MAXPW; i++) {
                char fw[256]; size_t k = fold_word(f[i], fl[i], fw, sizeof fw);
                seq[ns++] = kr_wid_add(d, L, fw, k);
                if (ll + fl[i] + 2 < sizeof lem) { if (ll) lem[ll++] = ' '; memcpy(lem + ll, f[i], fl[i]); ll += fl[i]; }
            }
            t->lemma = kr_strndup(&d->ar, lem, ll);
            add_form(d, L, ti, seq, ns, 0);
            continue;
        }
        const char *lemma = f[1]; size_t ll = fl[1];
        const char *bar = memchr(lemma, '|', ll);
        char particle[128] = "", base[256];
        if (bar) {
            size_t pl = (size_t)(bar - lemma);
            if (pl >= sizeof particle || kind != TK_VERB) { kr_dict_msg(d, 1, ls->name, ls->line, "bad separable verb '%.*s'", (int)ll, lemma); continue; }
            fold_word(lemma, pl, particle, sizeof particle);
            size_t bl = fold_word(bar + 1, ll - pl - 1, base, sizeof base);
            char pf[256]; size_t pfl = fold_word(lemma, pl, pf, sizeof pf);
            t->particle = kr_wid_add(d, L, pf, pfl);
            char full[400]; snprintf(full, sizeof full, "%s%s", particle, base);
            t->lemma = kr_strndup(&d->ar, full, strlen(full));
            add_form_word(d, L, ti, full, strlen(full), 0);
            add_form_word(d, L, ti, base, bl, 1);
        } else {
            char lw[256]; size_t k = fold_word(lemma, ll, lw, sizeof lw);
            t->lemma = kr_strndup(&d->ar, lw, k);
            add_form_word(d, L, ti, lw, k, 0);
        }
        int have_forms = 0;
        for (int i = 2; i < nf - 1; i++) {
            if (f[i][0] != '{' || f[i][fl[i]-1] != '}') { kr_dict_msg(d, 1, ls->name, ls->line, "unexpected '%.*s' (forms go in {braces})", (int)fl[i], f[i]); continue; }
            const char *p = f[i] + 1, *e = f[i] + fl[i] - 1;
            while (p < e) {
                while (p < e && isspace((unsigned char)*p)) p++;
                const char *q = p; while (q < e && !isspace((unsigned char)*q)) q++;
                have_forms = 1;            /* "{}" too: the forms are given (none) */
                if (q > p) {
                    if (bar) {
                        char fw[256]; size_t k = fold_word(p, (size_t)(q - p), fw, sizeof fw);
                        char full[400];
                        int is_part = k > 2 && fw[0] == 'g' && fw[1] == 'e';
                        add_form_word(d, L, ti, fw, k, 1);
                        snprintf(full, sizeof full, "%s%s", particle, fw);
                        add_form_word(d, L, ti, full, strlen(full), 0);
                        KR_UNUSED(is_part);
                    } else add_form_word(d, L, ti, p, (size_t)(q - p), 0);
                }
                p = q;
            }
        }
        if (!have_forms && kind == TK_VERB) gen_forms(d, L, ti, bar ? base : t->lemma, lang, bar != NULL, particle);
        if (!have_forms && kind == TK_NOUN) {
            char pl[300]; size_t k = strlen(t->lemma);
            if (lang == 1) snprintf(pl, sizeof pl, "%s%s", t->lemma, (k && t->lemma[k-1] == 's') ? "es" : "s");
            else snprintf(pl, sizeof pl, "%sen", t->lemma);
            add_form_word(d, L, ti, pl, strlen(pl), 0);
        }
    }
    FLUSH();
    #undef FLUSH
}

/* ------------------------------------------------------------------ for dictfmt.c */

void kr_dict_add_actor(kr_dict *d, kr_lang *L, const char *phrase, size_t n, uint32_t code, int kind,
                       int from, int to, uint32_t person, const char *file, int line) {
    add_actor(d, L, phrase, n, code, kind, from, to, person, file, line);
}

kr_status kr_dict_load_kroniek(kr_dict *d, const char *file, const char *buf, size_t len, int lang, const char *kind) {
    lines ls = { buf, buf + len, file, 0 };
    int before = d->nerr;
    if (kind && !strcmp(kind, "verbs")) load_verbs(d, &ls, lang < 0 ? 1 : lang);
    else load_actors(d, &ls, lang);
    return d->nerr > before ? KR_ERR_PARSE : KR_OK;
}

/* ------------------------------------------------------------------ dispatch */

static const char *base_name(const char *p) { const char *s = strrchr(p, '/'); return s ? s + 1 : p; }
static int ends_with(const char *s, const char *suf) { size_t a = strlen(s), b = strlen(suf); return a >= b && !strcmp(s + a - b, suf); }

/* language from a path like ".../nl/x.verbs" */
static int path_lang(const char *name) {
    const char *b = base_name(name);
    if (b - name >= 3) {
        const char *dir = b - 3;
        if (dir == name || dir[-1] == '/') {
            if (!strncmp(dir, "nl/", 3)) return 0;
            if (!strncmp(dir, "en/", 3)) return 1;
        }
    }
    return -1;
}

kr_status kr_dict_load_mem(kr_dict *d, const char *name, const char *buf, size_t len, const char *lang, const char *kind) {
    int li = lang ? kr_lang_index(lang) : path_lang(name);
    if (lang && li < 0 && strcmp(lang, "all")) { kr_dict_msg(d, 1, name, 0, "unknown language '%s' (nl, en)", lang); return KR_ERR_ARG; }
    const char *file = kr_strndup(&d->ar, name, strlen(name));
    /* issue 7: a UTF-8 byte order mark (editors on Windows) made the first entry fail */
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) { buf += 3; len -= 3; }
    lines ls = { buf, buf + len, file, 0 };
    int before = d->nerr;
    const char *b = base_name(name);
    if (memchr(buf, 0, len)) { kr_dict_msg(d, 1, file, 0, "binary file (NUL byte), not a dictionary"); return KR_ERR_PARSE; }
    if (!kr_utf8_valid(buf, len)) kr_dict_msg(d, 0, file, 0, "invalid UTF-8; bad bytes do not match anything");
    if (kind && strcmp(kind, "kroniek")) return kr_load_foreign(d, file, buf, len, li, kind);
    if (ends_with(b, ".tsv") || (kind && !strcmp(kind, "codes"))) load_codes(d, &ls);
    else if (ends_with(b, ".actors")) {
        if (kr_detect_format(buf, len)) return kr_load_foreign(d, file, buf, len, li, "actors");
        load_actors(d, &ls, li);
    }
    else if (ends_with(b, ".verbs")) {
        if (kr_detect_format(buf, len)) return kr_load_foreign(d, file, buf, len, li, "verbs");
        load_verbs(d, &ls, li);
    }
    else if (!strcmp(b, "words.txt")) load_words(d, &ls, li, 0);
    else if (!strcmp(b, "abbrev.txt")) load_words(d, &ls, li, 1);
    else return kr_load_foreign(d, file, buf, len, li, NULL);
    return d->nerr > before ? KR_ERR_PARSE : KR_OK;
}

/* issue 15: at most max bytes (KR_MAX_DICT) are read (-2 past it); /dev/zero or
** /dev/urandom as a dictionary was read until memory ran out */
static int read_file(const char *path, size_t max, char **buf, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) { fclose(f); return -2; }
    kr_buf b = {0};
    char tmp[65536]; size_t r;
    while ((r = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (b.len + r > max) { kr_buf_free(&b); fclose(f); return -2; }
        kr_buf_add(&b, tmp, r);
    }
    int err = ferror(f);
    fclose(f);
    if (err) { kr_buf_free(&b); return -1; }
    if (!b.p) kr_buf_add(&b, "", 0);
    *buf = b.p; *len = b.len;
    return 0;
}

kr_status kr_dict_load_file(kr_dict *d, const char *path, const char *lang, const char *kind) {
    char *buf; size_t len;
    int rf = read_file(path, d->max_file, &buf, &len);
    if (rf == -2) { kr_dict_msg(d, 1, path, 0, "larger than %zu bytes (the limit for a dictionary file), not read", d->max_file); return KR_ERR_LIMIT; }
    if (rf) { kr_dict_msg(d, 1, path, 0, "cannot read: %s", strerror(errno)); return KR_ERR_IO; }
    kr_status st = kr_dict_load_mem(d, path, buf, len, lang, kind);
    free(buf);
    return st;
}

/* load order matters: codes, then words, then actors, then verbs */
static int file_rank(const char *name) {
    const char *b = base_name(name);
    if (ends_with(b, ".tsv")) return 0;
    if (!strcmp(b, "words.txt") || !strcmp(b, "abbrev.txt")) return 1;
    if (ends_with(b, ".actors")) return 2;
    if (ends_with(b, ".verbs")) return 3;
    return 9;
}

static int cmp_names(const void *a, const void *b) {
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rx = file_rank(x), ry = file_rank(y);
    return rx != ry ? rx - ry : strcmp(x, y);
}

void kr_dict_set_skip(kr_dict *d, int what) { d->skip = what; }

/* is this built-in/dir file left out by kr_dict_set_skip? */
static int skipped(const kr_dict *d, const char *name) {
    const char *b = base_name(name);
    if ((d->skip & KR_SKIP_ACTORS) && ends_with(b, ".actors") && strcmp(b, "places.actors")) return 1;
    if ((d->skip & KR_SKIP_VERBS) && ends_with(b, ".verbs")) return 1;
    return 0;
}

kr_status kr_dict_load_builtin(kr_dict *d) {
    const char **names = kr_xmalloc(sizeof *names * (kr_builtin_nfiles + 1));
    for (size_t i = 0; i < kr_builtin_nfiles; i++) names[i] = kr_builtin_files[i].name;
    qsort(names, kr_builtin_nfiles, sizeof *names, cmp_names);
    kr_status st = KR_OK;
    for (size_t i = 0; i < kr_builtin_nfiles; i++) {
        for (size_t j = 0; j < kr_builtin_nfiles; j++) if (kr_builtin_files[j].name == names[i]) {
            if (file_rank(names[i]) == 9 || skipped(d, names[i])) continue;
            kr_status s = kr_dict_load_mem(d, names[i], kr_builtin_files[j].data, kr_builtin_files[j].len, NULL, "kroniek");
            if (s != KR_OK) st = s;
        }
    }
    free(names);
    return st;
}

static void collect(const char *dir, const char *rel, char ***v, size_t *n, size_t *cap) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    DIR *dp = opendir(path);
    if (!dp) return;
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (de->d_name[0] == '.') continue;
        char r[4096];
        snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        char full[8192]; snprintf(full, sizeof full, "%s/%s", dir, r);
        struct stat st;
        if (stat(full, &st)) continue;
        if (S_ISDIR(st.st_mode)) { if (!*rel) collect(dir, r, v, n, cap); continue; }
        if (file_rank(r) == 9) continue;
        if (*n == *cap) { *cap = *cap ? *cap * 2 : 32; *v = kr_xrealloc(*v, *cap * sizeof **v); }
        (*v)[(*n)++] = strdup(full);
    }
    closedir(dp);
}

kr_status kr_dict_load_dir(kr_dict *d, const char *dir) {
    char **v = NULL; size_t n = 0, cap = 0;
    struct stat st;
    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) { kr_dict_msg(d, 1, dir, 0, "not a directory"); return KR_ERR_IO; }
    collect(dir, "", &v, &n, &cap);
    if (n) qsort(v, n, sizeof *v, cmp_names);
    kr_status rs = KR_OK;
    for (size_t i = 0; i < n; i++) {
        if (skipped(d, v[i])) { free(v[i]); continue; }
        kr_status s = kr_dict_load_file(d, v[i], NULL, "kroniek");
        if (s != KR_OK) rs = s;
        free(v[i]);
    }
    free(v);
    if (!n) { kr_dict_msg(d, 1, dir, 0, "no dictionary files found"); return KR_ERR_IO; }
    return rs;
}

/* ------------------------------------------------------------------ finish */

kr_status kr_dict_finish(kr_dict *d) {
    for (int l = 0; l < NLANG; l++) {
        kr_lang *L = &d->lang[l];
        /* first-word fast path */
        free(L->first_word_node);
        L->fw_cap = L->nwords + 1;
        L->first_word_node = calloc(L->fw_cap, 4);
        for (uint32_t w = 1; w <= L->nwords; w++) {
            if (!L->trie_cap) break;
            L->first_word_node[w] = L->trie[trie_slot(L, 0, w)].child;
        }
        /* trigger form index */
        free(L->tf_first);
        L->tf_cap = L->nwords + 1;
        L->tf_first = calloc(L->tf_cap, 4);
        for (uint32_t i = L->ntf; i-- > 0;) {
            uint32_t k = L->tf[i].seq[0];
            L->tf[i].next = L->tf_first[k];
            L->tf_first[k] = i + 1;
        }
        L->loaded = L->nwords > 0;
    }
    d->finished = 1;
    return d->nerr ? KR_ERR_PARSE : KR_OK;
}

static int ranges_overlap(int f1, int t1, int f2, int t2) {
    int a1 = f1 ? f1 : 0, b1 = t1 ? t1 : 99999999, a2 = f2 ? f2 : 0, b2 = t2 ? t2 : 99999999;
    return a1 <= b2 && a2 <= b1;
}

int kr_dict_check(kr_dict *d) {
    int before = d->nerr;
    /* persons: overlapping offices with different codes are fine (two offices at once);
    ** the same code twice over overlapping ranges is a duplicate */
    for (uint32_t p = 0; p < d->npersons; p++) {
        kr_person *P = &d->persons[p];
        for (uint32_t i = 0; i < P->off_n; i++) for (uint32_t j = i + 1; j < P->off_n; j++) {
            kr_office *a = &d->offices[P->off_start + i], *b = &d->offices[P->off_start + j];
            /* consecutive offices may share their change-over day */
            if (a->code == b->code && ranges_overlap(a->from, a->to, b->from, b->to) &&
                !(a->to && b->from && a->to == b->from) && !(b->to && a->from && b->to == a->from))
                kr_dict_msg(d, 1, P->file, P->line, "%s: overlapping date ranges for %s", P->name, kr_str(d, a->code));
        }
    }
    for (int l = 0; l < NLANG; l++) {
        kr_lang *L = &d->lang[l];
        for (uint32_t node = 1; node < L->nnodes; node++) {
            uint32_t nchain = 0;
            for (uint32_t e = L->node_entry[node]; e; e = L->ent[e-1].next) {
                /* issue 7: entries of one phrase are compared pairwise; a phrase repeated
                ** 10^5 times took hours.  Past 64 entries only the first 64 are compared. */
                if (++nchain > 64) { kr_dict_msg(d, 0, L->ent[e-1].file, L->ent[e-1].line, "phrase has more than 64 entries; only 64 were compared"); break; }
                kr_actor_entry *a = &L->ent[e-1];
                uint32_t ninner = 0;
                for (uint32_t f = a->next; f && ninner++ < 64; f = L->ent[f-1].next) {
                    kr_actor_entry *b = &L->ent[f-1];
                    if (!ranges_overlap(a->from, a->to, b->from, b->to) && a->kind != AK_PERSON) continue;
                    if (a->kind == AK_PERSON && b->kind == AK_PERSON) {
                        if (a->person == b->person) {
                            if (a->file == b->file && a->line == b->line) continue;
                            kr_dict_msg(d, 0, b->file, b->line, "duplicate name (also at %s:%d)", a->file, a->line);
                            continue;
                        }
                        /* two persons sharing a name: error when both in office at once */
                        kr_person *pa = &d->persons[a->person], *pb = &d->persons[b->person];
                        for (uint32_t i = 0; i < pa->off_n; i++) for (uint32_t j = 0; j < pb->off_n; j++) {
                            kr_office *oa = &d->offices[pa->off_start + i], *ob = &d->offices[pb->off_start + j];
                            if (ranges_overlap(oa->from, oa->to, ob->from, ob->to)) {
                                kr_dict_msg(d, 1, pb->file, pb->line, "name shared by %s and %s (%s:%d) while both are in office", pb->name, pa->name, pa->file, pa->line);
                                i = pa->off_n; break;
                            }
                        }
                        continue;
                    }
                    if (a->kind == AK_PERSON || b->kind == AK_PERSON) continue;
                    if (a->kind == b->kind && a->code == b->code) {
                        if (l == 1 && a->file == b->file && a->line == b->line) continue;
                        if (a->file == b->file && a->line == b->line) continue;
                        kr_dict_msg(d, 0, b->file, b->line, "duplicate entry (also at %s:%d)", a->file, a->line);
                    } else if (a->kind == b->kind || ((a->kind == AK_STATE || a->kind == AK_ORG || a->kind == AK_CAPITAL) && (b->kind == AK_STATE || b->kind == AK_ORG || b->kind == AK_CAPITAL)))
                        kr_dict_msg(d, 1, b->file, b->line, "phrase has two codes: %s here, %s at %s:%d", kr_str(d, b->code), kr_str(d, a->code), a->file, a->line);
                }
            }
        }
        for (uint32_t t = 0; t < L->ntrig; t++) {
            kr_trigger *T = &L->trig[t];
            if (T->code < 0 && !T->npat) kr_dict_msg(d, 0, T->file, T->line, "trigger '%s' codes nothing (--- and no patterns)", T->lemma);
        }
    }
    return d->nerr - before;
}

/* entries of every kind loaded so far (actor phrases, persons and offices, triggers
** and their forms, word sets): kr_load_dicts tells an empty dictionary file by it */
size_t kr_dict_nentries(const kr_dict *d) {
    size_t n = (size_t)d->npersons + d->noffices;
    for (int l = 0; l < NLANG; l++) {
        const kr_lang *L = &d->lang[l];
        n += (size_t)L->nent + L->ngph + L->ntrig + L->ntf + L->nwsets;
    }
    return n;
}

void kr_dict_stats(const kr_dict *d, FILE *out) {
    fprintf(out, "CAMEO codes: %u\npersons: %u (offices %u)\n", d->ncameo, d->npersons, d->noffices);
    static const char *ln[] = {"nl", "en"};
    for (int l = 0; l < NLANG; l++) {
        const kr_lang *L = &d->lang[l];
        fprintf(out, "%s: %u words, %u actor phrases, %u triggers (%u forms), %u word sets\n",
                ln[l], L->nwords, L->nent, L->ntrig, L->ntf, L->nwsets);
    }
}
