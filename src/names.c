/*
** names.c -- display names of CAMEO actor codes in Dutch and English, and the reverse:
** names to codes.  "RUSGOV" -> "Rusland: regering" / "Russia: government",
** "NLDPTYVVD" -> "Nederland: VVD", "IGOWSTNAT" -> "NAVO" / "NATO".
**
** Built from the actor dictionaries (the first phrase of a code's `state` or `org`
** entry, preferring an entry still in force: states.actors, then orgs.actors, then the
** other *.actors files) and from data/{nl,en}/sectors.txt, the names of the 3-letter
** parts that are not states or organisations (GOV regering, MIL leger, IGO ...).
** A code is named by its state and sectors when every part after the state is a
** sector; else by its own entry, with the state in front ("Nederland: VVD"); else by
** its longest named prefix and the sectors after it.  The look-up takes any phrase of
** a state, people or org entry, or a display name, folded (case and accents ignored).
*/
#include "kr_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <dirent.h>
#include <sys/stat.h>

typedef struct { const char *code; const char *name[2]; int prio[2]; int state; } nm_code;
typedef struct { uint32_t code; uint32_t next; } nm_link;       /* code: index+1 into c */
typedef struct { const char *code; const char *name[2]; const char *file[2]; int line[2]; } nm_sector;

struct kr_names {
    kr_arena ar;
    kr_map cidx; nm_code *c; uint32_t nc, ccap;          /* code -> index+1 */
    kr_map sidx; nm_sector *s; uint32_t ns, scap;        /* sector code -> index+1 */
    kr_map snames;                                       /* folded sector name -> index+1 */
    kr_map pidx; nm_link *l; uint32_t nl, lcap;          /* folded phrase -> link+1 */
    kr_buf msg; int nerr, nwarn;
};

static void nm_msg(kr_names *n, int err, const char *file, int line, const char *fmt, ...) {
    va_list ap;
    kr_buf_addf(&n->msg, "%s:%d: %s: ", file, line, err ? "error" : "warning");
    char tmp[512];
    va_start(ap, fmt); vsnprintf(tmp, sizeof tmp, fmt, ap); va_end(ap);
    kr_buf_add(&n->msg, tmp, strlen(tmp));
    kr_buf_addc(&n->msg, '\n');
    if (err) n->nerr++; else n->nwarn++;
}

static uint32_t code_index(kr_names *n, const char *code, size_t len) {
    uint32_t i = kr_map_get(&n->cidx, code, len);
    if (i) return i;
    if (n->nc == n->ccap) { n->ccap = n->ccap ? n->ccap * 2 : 256; n->c = kr_xrealloc(n->c, n->ccap * sizeof *n->c); }
    nm_code *c = &n->c[n->nc];
    memset(c, 0, sizeof *c);
    c->code = kr_strndup(&n->ar, code, len);
    c->prio[0] = c->prio[1] = 1 << 20;
    kr_map_put(&n->cidx, code, len, ++n->nc);
    return n->nc;
}

static void add_phrase(kr_names *n, const char *p, size_t len, uint32_t code) {
    char f[512];
    size_t fl = kr_fold(p, len, f, sizeof f);
    if (!fl) return;
    uint32_t head = kr_map_get(&n->pidx, f, fl);
    for (uint32_t k = head; k; k = n->l[k - 1].next) if (n->l[k - 1].code == code) return;
    if (n->nl == n->lcap) { n->lcap = n->lcap ? n->lcap * 2 : 1024; n->l = kr_xrealloc(n->l, n->lcap * sizeof *n->l); }
    n->l[n->nl] = (nm_link){code, head};
    kr_map_put(&n->pidx, f, fl, ++n->nl);
}

static const char *base_of(const char *p) { const char *b = strrchr(p, '/'); return b ? b + 1 : p; }

/* 0 nl, 1 en, -1 both (common/): from a ".../nl/x" path */
static int lang_of(const char *path) {
    const char *b = base_of(path);
    if (b - path >= 3 && (b - path == 3 || b[-4] == '/')) {
        if (!strncmp(b - 3, "nl/", 3)) return 0;
        if (!strncmp(b - 3, "en/", 3)) return 1;
    }
    return -1;
}

static int is_sp(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static void load_actors(kr_names *n, const char *path, const char *buf, size_t len) {
    const char *b = base_of(path);
    int li = lang_of(path);
    int rank = !strcmp(b, "states.actors") ? 0 : !strcmp(b, "orgs.actors") ? 1 : 2;
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e) e = end;
        const char *q = p, *le = e;
        p = e + 1;
        if (q == le || is_sp(*q) || *q == '#' || *q == '~') continue;     /* offices of a person, comments, roles */
        const char *h = memchr(q, '#', (size_t)(le - q));
        if (h) le = h;
        const char *c0 = q; while (q < le && !is_sp(*q)) q++;
        size_t clen = (size_t)(q - c0);
        while (q < le && is_sp(*q)) q++;
        const char *k0 = q; while (q < le && !is_sp(*q)) q++;
        size_t klen = (size_t)(q - k0);
        int kind = klen == 5 && !memcmp(k0, "state", 5) ? 0 : klen == 3 && !memcmp(k0, "org", 3) ? 1 :
                   klen == 6 && !memcmp(k0, "people", 6) ? 2 : -1;
        if (kind < 0 || clen < 3 || clen > 64) continue;
        int closed = 0;
        const char *br = memchr(q, '[', (size_t)(le - q));
        if (br) {
            const char *dd = memchr(br, '.', (size_t)(le - br)), *cb = memchr(br, ']', (size_t)(le - br));
            if (dd && cb && dd + 2 <= cb) { const char *t = dd + 2; while (t < cb && is_sp(*t)) t++; closed = t < cb; }
            le = br;
        }
        uint32_t ci = code_index(n, c0, clen);
        nm_code *c = &n->c[ci - 1];
        if (kind == 0) c->state = 1;
        int first = 1;
        while (q < le) {
            while (q < le && (is_sp(*q) || *q == '|')) q++;
            const char *s0 = q;
            while (q < le && *q != '|') q++;
            const char *s1 = q;
            while (s1 > s0 && is_sp(s1[-1])) s1--;
            if (s1 == s0) continue;
            add_phrase(n, s0, (size_t)(s1 - s0), ci);
            if (first && kind < 2) {
                int prio = (kind == 0 ? 0 : 10 + rank) + (closed ? 5 : 0);
                for (int l = 0; l < 2; l++) if ((li < 0 || li == l) && prio < c->prio[l]) {
                    c->prio[l] = prio;
                    c->name[l] = kr_strndup(&n->ar, s0, (size_t)(s1 - s0));
                }
            }
            first = 0;
        }
    }
}

static void load_sectors(kr_names *n, const char *path, const char *buf, size_t len) {
    int li = lang_of(path);
    if (li < 0) { nm_msg(n, 1, path, 0, "sector names belong to a language directory (nl/, en/)"); return; }
    const char *p = buf, *end = buf + len;
    int line = 0;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e) e = end;
        const char *q = p, *le = e;
        p = e + 1;
        line++;
        const char *h = memchr(q, '#', (size_t)(le - q));
        if (h) le = h;
        while (q < le && is_sp(*q)) q++;
        while (le > q && is_sp(le[-1])) le--;
        if (q == le) continue;
        const char *c0 = q; while (q < le && !is_sp(*q)) q++;
        size_t clen = (size_t)(q - c0);
        while (q < le && is_sp(*q)) q++;
        int ok = clen == 3;
        for (size_t i = 0; i < clen && ok; i++) ok = c0[i] >= 'A' && c0[i] <= 'Z';
        if (!ok) { nm_msg(n, 1, path, line, "'%.*s' is not a sector code (three capitals A-Z)", (int)(clen > 40 ? 40 : clen), c0); continue; }
        if (q == le) { nm_msg(n, 1, path, line, "%.3s has no name (CODE  name)", c0); continue; }
        uint32_t si = kr_map_get(&n->sidx, c0, 3);
        if (!si) {
            if (n->ns == n->scap) { n->scap = n->scap ? n->scap * 2 : 64; n->s = kr_xrealloc(n->s, n->scap * sizeof *n->s); }
            memset(&n->s[n->ns], 0, sizeof *n->s);
            n->s[n->ns].code = kr_strndup(&n->ar, c0, 3);
            kr_map_put(&n->sidx, c0, 3, ++n->ns);
            si = n->ns;
        }
        nm_sector *s = &n->s[si - 1];
        if (s->name[li]) { nm_msg(n, 1, path, line, "%.3s named twice (also line %d)", c0, s->line[li]); continue; }
        s->name[li] = kr_strndup(&n->ar, q, (size_t)(le - q));
        s->file[li] = kr_strndup(&n->ar, path, strlen(path));
        s->line[li] = line;
        char f[256];
        size_t fl = kr_fold(q, (size_t)(le - q), f, sizeof f);
        if (fl && !kr_map_get(&n->snames, f, fl)) kr_map_put(&n->snames, f, fl, si);
    }
}

static void load_one(kr_names *n, const char *path, const char *buf, size_t len) {
    const char *b = base_of(path);
    size_t bl = strlen(b);
    if (bl > 7 && !strcmp(b + bl - 7, ".actors")) load_actors(n, path, buf, len);
    else if (!strcmp(b, "sectors.txt")) load_sectors(n, path, buf, len);
}

static void load_dir(kr_names *n, const char *dir, int depth) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st)) continue;
        if (S_ISDIR(st.st_mode)) { if (depth == 0) load_dir(n, path, 1); continue; }
        size_t bl = strlen(de->d_name);
        if (!(bl > 7 && !strcmp(de->d_name + bl - 7, ".actors")) && strcmp(de->d_name, "sectors.txt")) continue;
        if (st.st_size > (off_t)KR_MAX_DICT) { nm_msg(n, 1, path, 0, "larger than the limit for dictionaries, not read"); continue; }
        FILE *f = fopen(path, "rb");
        if (!f) { nm_msg(n, 1, path, 0, "cannot read"); continue; }
        kr_buf b = {0};
        char tmp[65536]; size_t r;
        while ((r = fread(tmp, 1, sizeof tmp, f)) > 0) kr_buf_add(&b, tmp, r);
        fclose(f);
        load_one(n, path, b.p ? b.p : "", b.len);
        kr_buf_free(&b);
    }
    closedir(d);
}

/* states' and organisations' entries must be read before the display names are
** chosen; the order of files does not matter otherwise (priorities decide) */
kr_names *kr_names_new(const char *dir) {
    kr_names *n = kr_xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    kr_map_init(&n->cidx, &n->ar); kr_map_init(&n->sidx, &n->ar);
    kr_map_init(&n->snames, &n->ar); kr_map_init(&n->pidx, &n->ar);
    if (dir) load_dir(n, dir, 0);
    else for (size_t i = 0; i < kr_builtin_nfiles; i++)
        load_one(n, kr_builtin_files[i].name, kr_builtin_files[i].data, kr_builtin_files[i].len);
    /* every sector named in both languages */
    for (uint32_t i = 0; i < n->ns; i++) for (int l = 0; l < 2; l++)
        if (!n->s[i].name[l]) nm_msg(n, 1, n->s[i].file[1 - l], n->s[i].line[1 - l], "%s has no %s name (add it to %s/sectors.txt)",
                                     n->s[i].code, l ? "English" : "Dutch", l ? "en" : "nl");
    kr_buf_add(&n->msg, "", 0);
    return n;
}

void kr_names_free(kr_names *n) {
    if (!n) return;
    kr_map_free(&n->cidx); kr_map_free(&n->sidx); kr_map_free(&n->snames); kr_map_free(&n->pidx);
    free(n->c); free(n->s); free(n->l);
    kr_buf_free(&n->msg);
    kr_arena_free(&n->ar);
    free(n);
}

const char *kr_names_messages(const kr_names *n, int *nerrors, int *nwarnings) {
    if (nerrors) *nerrors = n->nerr;
    if (nwarnings) *nwarnings = n->nwarn;
    return n->msg.p ? n->msg.p : "";
}

static const nm_code *find_code(const kr_names *n, const char *code, size_t len) {
    uint32_t i = kr_map_get(&n->cidx, code, len);
    return i ? &n->c[i - 1] : NULL;
}
static const char *code_name(const nm_code *c, int li) {
    if (!c) return NULL;
    return c->name[li] ? c->name[li] : c->name[1 - li];
}
static const char *sector_name(const kr_names *n, const char *s, int li) {
    uint32_t i = kr_map_get(&n->sidx, s, 3);
    if (!i) return NULL;
    return n->s[i - 1].name[li] ? n->s[i - 1].name[li] : n->s[i - 1].name[1 - li];
}
/* every 3-letter part of code[from..len) is a sector (PTY only with nothing after it) */
static int all_sectors(const kr_names *n, const char *code, size_t from, size_t len) {
    if ((len - from) % 3) return 0;
    for (size_t i = from; i < len; i += 3) {
        if (!kr_map_get(&n->sidx, code + i, 3)) return 0;
        if (!memcmp(code + i, "PTY", 3) && i + 3 < len) return 0;
    }
    return 1;
}

typedef struct { char *p; size_t size, len; } outbuf;
static void put(outbuf *o, const char *s, size_t n) {
    if (!o->size) return;
    size_t room = o->size - 1 - o->len;
    if (n > room) {                       /* cut at a UTF-8 boundary */
        n = room;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = 0;
}
static void puts_(outbuf *o, const char *s) { put(o, s, strlen(s)); }

/* the parts code[from..len) as sector names (unknown parts as they are) */
static void put_sectors(const kr_names *n, outbuf *o, const char *code, size_t from, size_t len, int li, const char *sep) {
    for (size_t i = from; i < len; i += 3) {
        puts_(o, i == from ? sep : ", ");
        size_t k = len - i < 3 ? len - i : 3;
        const char *s = k == 3 ? sector_name(n, code + i, li) : NULL;
        if (s) puts_(o, s); else put(o, code + i, k);
    }
}

static void name_into(const kr_names *n, outbuf *o, const char *code, size_t len, int li) {
    const nm_code *st = len >= 3 ? find_code(n, code, 3) : NULL;
    if (st && !st->state) st = NULL;
    if (st && all_sectors(n, code, 3, len)) {
        puts_(o, code_name(st, li));
        put_sectors(n, o, code, 3, len, li, ": ");
        return;
    }
    /* a bare non-state prefix (IGO, NGO, IMG, MNC) is the kind, not one organisation
    ** that happens to be coded with it */
    if (len == 3 && !st && sector_name(n, code, li)) { puts_(o, sector_name(n, code, li)); return; }
    const nm_code *self = find_code(n, code, len);
    if (code_name(self, li)) {
        if (st && len > 3) { puts_(o, code_name(st, li)); puts_(o, ": "); }
        puts_(o, code_name(self, li));
        return;
    }
    /* the longest named prefix, then the rest as sectors */
    for (size_t k = len > 3 ? (len - 1) / 3 * 3 : 0; k >= 3; k -= 3) {
        const nm_code *pc = find_code(n, code, k);
        if (code_name(pc, li) || (k == 3 && sector_name(n, code, li))) {
            size_t before = o->len;
            if (code_name(pc, li)) name_into(n, o, code, k, li); else puts_(o, sector_name(n, code, li));
            put_sectors(n, o, code, k, len, li, memchr(o->p + before, ':', o->len - before) ? ", " : ": ");
            return;
        }
    }
    if (len == 3 && sector_name(n, code, li)) { puts_(o, sector_name(n, code, li)); return; }
    put(o, code, len);
}

const char *kr_actor_name(const kr_names *n, const char *code, const char *lang, char *buf, size_t size) {
    outbuf o = {buf, size, 0};
    if (size) buf[0] = 0;
    if (!code || !*code) return buf;
    if (!n) { put(&o, code, strlen(code)); return buf; }      /* no names loaded: the code itself */
    int li = lang && !strcmp(lang, "nl") ? 0 : 1;
    name_into(n, &o, code, strlen(code), li);
    return buf;
}

int kr_actor_known(const kr_names *n, const char *code) {
    if (!n || !code) return 0;
    size_t len = strlen(code);
    const nm_code *st = len >= 3 ? find_code(n, code, 3) : NULL;
    if (st && st->state && all_sectors(n, code, 3, len)) return 1;
    if (code_name(find_code(n, code, len), 0)) return 1;
    for (size_t k = len > 3 ? (len - 1) / 3 * 3 : 0; k >= 3; k -= 3)
        if (code_name(find_code(n, code, k), 0) || (k == 3 && kr_map_get(&n->sidx, code, 3)))
            return all_sectors(n, code, k, len);
    return len == 3 && kr_map_get(&n->sidx, code, 3) != 0;
}

static int add_result(char (*codes)[KR_CODE_MAX], int max, int k, const char *c) {
    for (int i = 0; i < k && i < max; i++) if (!strcmp(codes[i], c)) return k;
    if (k < max) {
        size_t l = strlen(c);
        if (l >= KR_CODE_MAX) l = KR_CODE_MAX - 1;
        memcpy(codes[k], c, l);
        codes[k][l] = 0;
    }
    return k + 1;
}

/* look up one folded phrase: all its codes */
static int lookup_phrase(const kr_names *n, const char *s, size_t len, char (*codes)[KR_CODE_MAX], int max) {
    char f[512];
    size_t fl = kr_fold(s, len, f, sizeof f);
    int k = 0;
    for (uint32_t i = kr_map_get(&n->pidx, f, fl); i; i = n->l[i - 1].next)
        k = add_result(codes, max, k, n->c[n->l[i - 1].code - 1].code);
    return k;
}

int kr_actor_lookup(const kr_names *n, const char *name, char (*codes)[KR_CODE_MAX], int max) {
    if (!n || !name) return 0;
    while (*name == ' ') name++;
    size_t len = strlen(name);
    while (len && name[len - 1] == ' ') len--;
    if (!len) return 0;
    int k = lookup_phrase(n, name, len, codes, max);
    if (k) return k;
    /* a display name: "Rusland: regering", "Russia: government, military", "Nederland: VVD" */
    const char *colon = memchr(name, ':', len);
    if (!colon) return 0;
    char left[8][KR_CODE_MAX];
    int nl = lookup_phrase(n, name, (size_t)(colon - name), left, 8);
    if (nl != 1 || strlen(left[0]) != 3) return 0;
    const char *r = colon + 1, *end = name + len;
    while (r < end && *r == ' ') r++;
    /* the right side as an organisation of that state */
    char right[16][KR_CODE_MAX];
    int nr = lookup_phrase(n, r, (size_t)(end - r), right, 16);
    for (int i = 0; i < nr && i < 16; i++)
        if (!strncmp(right[i], left[0], 3)) return add_result(codes, max, 0, right[i]);
    /* or as sector names separated by commas */
    char code[KR_CODE_MAX];
    size_t cl = 3;
    memcpy(code, left[0], 3);
    while (r < end) {
        const char *c = memchr(r, ',', (size_t)(end - r));
        if (!c) c = end;
        const char *t = c;
        while (t > r && t[-1] == ' ') t--;
        char f[256];
        size_t fl = kr_fold(r, (size_t)(t - r), f, sizeof f);
        uint32_t si = fl ? kr_map_get(&n->snames, f, fl) : 0;
        if (!si || cl + 3 >= sizeof code) return 0;
        memcpy(code + cl, n->s[si - 1].code, 3);
        cl += 3;
        r = c + 1;
        while (r < end && *r == ' ') r++;
    }
    code[cl] = 0;
    return add_result(codes, max, 0, code);
}
