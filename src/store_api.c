/*
** store_api.c -- kr_archive: the public, read-only face of the archive (include/kroniek.h),
** for programs and bindings (python/kroniek) that do not include src/store.h.  A thin
** layer over kr_store_open / kr_store_events with the filters of `kroniek events`:
** values are checked when set, actor names resolved (src/names.c) when queried.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kroniek.h"
#include "store.h"

enum { F_ACTOR, F_SOURCE, F_TARGET, F_DYAD, F_CODE, F_ROOT, F_QUAD, F_FROM, F_TO, F_LANG, F_TEXT, F_DOC,
       F_LIMIT, F_OFFSET, F_DESC, F_N };
static const char *const keys[F_N] = { "actor", "source", "target", "dyad", "code", "root", "quad", "from", "to",
    "lang", "text", "doc", "limit", "offset", "desc" };

struct kr_archive {
    kr_store *s;
    kr_names *nm;                 /* made on the first name to resolve */
    char *val[F_N];               /* filters as given (copies) */
    char err[1024];
};

kr_archive *kr_archive_open(const char *uri, char *err, size_t errlen) {
    if (!uri || !*uri) { if (err && errlen) snprintf(err, errlen, "no archive given"); return NULL; }
    char e[1024];
    kr_store *s = kr_store_open(uri, 0, 1, e, sizeof e);
    if (!s) { if (err && errlen) snprintf(err, errlen, "%s", e); return NULL; }
    kr_archive *a = calloc(1, sizeof *a);
    if (!a) { kr_store_close(s); if (err && errlen) snprintf(err, errlen, "out of memory"); return NULL; }
    a->s = s;
    return a;
}

void kr_archive_clear(kr_archive *a) {
    if (!a) return;
    for (int i = 0; i < F_N; i++) { free(a->val[i]); a->val[i] = NULL; }
}

void kr_archive_close(kr_archive *a) {
    if (!a) return;
    kr_archive_clear(a);
    if (a->nm) kr_names_free(a->nm);
    kr_store_close(a->s);
    free(a);
}

const char *kr_archive_error(const kr_archive *a) { return a ? a->err : "no archive"; }

/* yyyymmdd of a from/to value (YYYY, YYYY-MM, YYYY-MM-DD, ISO time); upper: the last day
** of a year or month; 0 if not a date (as `kroniek events` reads --from and --to) */
static int bound_day(const char *v, int upper) {
    char d[11];
    if (strlen(v) == 4 && isdigit((unsigned char)v[0]) && isdigit((unsigned char)v[1]) &&
        isdigit((unsigned char)v[2]) && isdigit((unsigned char)v[3]))
        return atoi(v) * 10000 + (upper ? 1231 : 101);
    int x = kr_article_date(v, d);
    if (x && strlen(d) == 7 && upper) x = x / 100 * 100 + 31;
    return x;
}

static int whole(const char *v, long *out) {
    char *end;
    if (!isdigit((unsigned char)*v)) return 0;
    long x = strtol(v, &end, 10);
    if (*end || x < 0) return 0;
    *out = x;
    return 1;
}

kr_status kr_archive_filter(kr_archive *a, const char *key, const char *value) {
    if (!a) return KR_ERR_ARG;
    int k = 0;
    while (k < F_N && (!key || strcmp(key, keys[k]))) k++;
    if (k == F_N) {
        snprintf(a->err, sizeof a->err, "unknown filter '%.60s' (actor, source, target, dyad, code, root, quad, "
                 "from, to, lang, text, doc, limit, offset, desc)", key ? key : "");
        return KR_ERR_ARG;
    }
    if (!value || !*value) { free(a->val[k]); a->val[k] = NULL; return KR_OK; }
    size_t n = strlen(value);
    long x;
    const char *bad = NULL;
    switch (k) {
    case F_ACTOR: case F_SOURCE: case F_TARGET:
        if (n >= 72) bad = "an actor code or name of at most 71 bytes";
        break;
    case F_DYAD: {
        const char *c = strchr(value, ',');
        if (!c || c == value || !c[1] || strchr(c + 1, ',') || (size_t)(c - value) >= 72 || strlen(c + 1) >= 72)
            bad = "two actors A,B (codes or names, e.g. RUS,IGOWSTNAT or Rusland,NAVO)";
        break;
    }
    case F_CODE:
        for (size_t i = 0; i < n; i++) if (!isdigit((unsigned char)value[i])) bad = "a CAMEO code or its start (04, 043)";
        if (n > 4) bad = "a CAMEO code or its start (04, 043)";
        break;
    case F_ROOT:
        if (n > 2 || !isdigit((unsigned char)value[0]) || (n == 2 && !isdigit((unsigned char)value[1])) ||
            atoi(value) < 1 || atoi(value) > 20) bad = "a CAMEO root code 01..20";
        break;
    case F_QUAD:
        if (!whole(value, &x) || x < 1 || x > 4) bad = "a quad class 1..4";
        break;
    case F_FROM: case F_TO:
        if (!bound_day(value, 0)) bad = "a date YYYY, YYYY-MM or YYYY-MM-DD";
        break;
    case F_LANG:
        if (strcmp(value, "nl") && strcmp(value, "en")) bad = "nl or en";
        break;
    case F_TEXT: {
        char e[512];
        if (kr_store_query_check(value, e, sizeof e) != KR_OK) {
            snprintf(a->err, sizeof a->err, "bad text query: %s", e);
            return KR_ERR_ARG;
        }
        break;
    }
    case F_DOC:
        if (n > KR_MAX_ID) bad = "an article id of at most 256 bytes";
        break;
    case F_LIMIT: case F_OFFSET:
        if (!whole(value, &x)) bad = "a whole number >= 0";
        break;
    case F_DESC:
        if (strcmp(value, "0") && strcmp(value, "1")) bad = "0 or 1";
        break;
    }
    if (bad) {
        snprintf(a->err, sizeof a->err, "%s '%.80s': want %s", keys[k], value, bad);
        return KR_ERR_ARG;
    }
    char *copy = strdup(value);
    if (!copy) { snprintf(a->err, sizeof a->err, "out of memory"); return KR_ERR_NOMEM; }
    free(a->val[k]);
    a->val[k] = copy;
    return KR_OK;
}

static int count_actor(void *ctx, const kr_actor_row *r) { (void)r; ++*(long *)ctx; return 1; }

/* an actor filter: a code the dictionaries name or the archive holds (any case), else a
** name resolved to its one code (as `kroniek events` does).  out: 72 bytes. */
static kr_status resolve(kr_archive *a, const char *key, const char *given, char *out) {
    char up[72];
    size_t i = 0;
    for (; given[i] && i + 1 < sizeof up; i++) up[i] = (char)toupper((unsigned char)given[i]);
    up[i] = 0;
    int code = *up != 0;
    for (const char *p = up; *p; p++) if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) code = 0;
    if (!a->nm) {
        const char *dir = getenv("KRONIEK_DATA");
        a->nm = kr_names_new(dir && *dir ? dir : NULL);
    }
    if (code && strlen(up) % 3 == 0) {
        long n = 0;
        if (kr_actor_known(a->nm, up) || (kr_store_actors(a->s, up, 1, count_actor, &n) == KR_OK && n > 0)) {
            strcpy(out, up);
            return KR_OK;
        }
    }
    char codes[8][KR_CODE_MAX];
    int k = kr_actor_lookup(a->nm, given, codes, 8);
    if (k == 1) { snprintf(out, 72, "%s", codes[0]); return KR_OK; }
    if (k > 1) {
        size_t o = (size_t)snprintf(a->err, sizeof a->err, "%s '%.80s' is more than one actor:", key, given);
        for (int j = 0; j < k && j < 8 && o < sizeof a->err; j++) {
            char nmb[256];
            o += (size_t)snprintf(a->err + o, sizeof a->err - o, "%s %s (%s)", j ? "," : "", codes[j],
                                  kr_actor_name(a->nm, codes[j], "en", nmb, sizeof nmb));
        }
        if (o < sizeof a->err) snprintf(a->err + o, sizeof a->err - o, "%s; give a code", k > 8 ? ", ..." : "");
        return KR_ERR_ARG;
    }
    snprintf(a->err, sizeof a->err, "%s '%.80s': no actor has this %s", key, given,
             code ? "code or name (not in the dictionaries, not in the archive)"
                  : "name (a state, people or organisation of the dictionaries in Dutch or English, or a code)");
    return KR_ERR_ARG;
}

typedef struct { kr_archive_fn fn; void *ctx; } relay;

static int on_row(void *ctx, const kr_event_row *r) {
    relay *rl = ctx;
    kr_archive_event e;
    memset(&e, 0, sizeof e);
    e.id = r->id; e.ev = r->ev;
    if (!e.ev.location_text) e.ev.location_text = "";     /* not stored: the place's words */
    e.lang = r->lang; e.title = r->title; e.url = r->url; e.publisher = r->publisher; e.label = r->label;
    return rl->fn(rl->ctx, &e);
}

kr_status kr_archive_events(kr_archive *a, kr_archive_fn fn, void *ctx, long *total) {
    if (!a || !fn) return KR_ERR_ARG;
    a->err[0] = 0;
    char **v = a->val;
    char actor[72], source[72], target[72], da[72], db[72], code[8];
    kr_query q;
    memset(&q, 0, sizeof q);
    kr_status st = KR_OK;
    if (v[F_ACTOR] && (st = resolve(a, "actor", v[F_ACTOR], actor)) == KR_OK) q.actor = actor;
    if (st == KR_OK && v[F_SOURCE] && (st = resolve(a, "source", v[F_SOURCE], source)) == KR_OK) q.source = source;
    if (st == KR_OK && v[F_TARGET] && (st = resolve(a, "target", v[F_TARGET], target)) == KR_OK) q.target = target;
    if (st == KR_OK && v[F_DYAD]) {
        char first[72];
        const char *c = strchr(v[F_DYAD], ',');
        snprintf(first, sizeof first, "%.*s", (int)(c - v[F_DYAD]), v[F_DYAD]);
        if ((st = resolve(a, "dyad", first, da)) == KR_OK && (st = resolve(a, "dyad", c + 1, db)) == KR_OK) {
            q.dyad_a = da; q.dyad_b = db;
        }
    }
    if (st != KR_OK) return st;
    if (v[F_ROOT]) { snprintf(code, sizeof code, "%s%s", v[F_ROOT][1] ? "" : "0", v[F_ROOT]); q.code = code; }
    if (v[F_CODE]) q.code = v[F_CODE];          /* the more precise of the two wins */
    if (v[F_ROOT] && v[F_CODE] && strncmp(v[F_CODE], code, 2)) {
        snprintf(a->err, sizeof a->err, "code %s is not of root %s", v[F_CODE], code);
        return KR_ERR_ARG;
    }
    if (v[F_QUAD]) q.quad = atoi(v[F_QUAD]);
    q.from = v[F_FROM]; q.to = v[F_TO];
    if (q.from && q.to && bound_day(q.from, 0) > bound_day(q.to, 1)) {
        snprintf(a->err, sizeof a->err, "from %s is after to %s", q.from, q.to);
        return KR_ERR_ARG;
    }
    q.lang = v[F_LANG]; q.text = v[F_TEXT]; q.doc = v[F_DOC];
    if (v[F_LIMIT]) q.limit = strtol(v[F_LIMIT], NULL, 10);
    if (v[F_OFFSET]) q.offset = strtol(v[F_OFFSET], NULL, 10);
    q.desc = v[F_DESC] && !strcmp(v[F_DESC], "1");
    relay rl = { fn, ctx };
    st = kr_store_events(a->s, &q, on_row, &rl, total);
    if (st != KR_OK) snprintf(a->err, sizeof a->err, "%s", kr_store_error(a->s));
    return st;
}
