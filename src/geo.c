/*
** geo.c -- geolocation of an event's place (issue 14): the words that name the place
** (kr_event.location_text) and the state code (kr_event.location) to a point, as GDELT's
** ActionGeo columns and PLOVER's event_loc carry it.
**
** The gazetteer is compiled in (data/geo/ (*.geo files), embedded by tools/embed like the
** dictionaries): places.geo holds every place and capital kroniek's dictionaries name
** (data/common/places.actors, `capital` entries of data/{nl,en}/states.actors) with the
** point, GeoNames id and admin1 code of the GeoNames city it was matched to, and every
** first-level division (type 2: GeoNames admin1 names, a point made from its cities);
** countries.geo holds every ISO 3166 state with its ISO2 and FIPS 10-4 codes and a
** centroid.  Both are made by tools/geo/make.js (README.md: Geolocation).  A name not in
** places.geo gives the country (type 1, its centroid).  The tables are read once, on
** first use (pthread_once), and are read-only afterwards: threads may share them.
*/
#include "kr_int.h"
#include <pthread.h>
#include <stdio.h>

typedef struct {
    char iso3[4], iso2[3], fips[3];
    double lat, lon;
    const char *name;
} geo_country;

/* where a name comes from (places.geo's kind column), for the sentence scan */
enum { GK_PLACE, GK_CAPITAL, GK_STATE, GK_DIVISION };

typedef struct {
    const char *gname, *adm1, *id;
    uint32_t country;            /* index into countries */
    int type;                    /* 1 a name known without a point (the country), 2 division, 3 place */
    int kind;                    /* GK_*: a dictionary place, capital or state, or a GeoNames division */
    double lat, lon;
} geo_place;

static pthread_once_t geo_once = PTHREAD_ONCE_INIT;
static kr_arena geo_ar;
static kr_map geo_cidx, geo_pidx;       /* ISO3 -> country + 1; folded name \t ISO3 -> place + 1 */
static geo_country *geo_c; static uint32_t geo_nc;
static geo_place *geo_p; static uint32_t geo_np;
static size_t geo_maxname;              /* the longest folded name (bytes), for scanning a sentence */
static kr_map geo_words;                /* folded word -> 1 place preposition, 2 determiner or possessive */

/* the lookup key of a name: folded (case and accents), runs of white space as one space */
static size_t geo_key(const char *s, size_t n, const char *iso3, char *out, size_t cap) {
    char f[512];
    size_t fl = kr_fold(s, n < 400 ? n : 400, f, sizeof f), k = 0;
    int sp = 0;
    for (size_t i = 0; i < fl && k + 6 < cap; i++) {
        char c = f[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { sp = k > 0; continue; }
        if (sp) { out[k++] = ' '; sp = 0; }
        out[k++] = c;
    }
    out[k++] = '\t';
    memcpy(out + k, iso3, 3); k += 3;
    out[k] = 0;
    return k;
}

/* the tab-separated fields of one line into f[] (at most max); returns how many */
static int split_tabs(char *line, char **f, int max) {
    int n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t) break;
        *t = 0; p = t + 1;
    }
    return n;
}

static const kr_embedded *geo_file(const char *name) {
    for (size_t i = 0; i < kr_builtin_nfiles; i++)
        if (kr_builtin_files[i].name && !strcmp(kr_builtin_files[i].name, name)) return &kr_builtin_files[i];
    return NULL;
}

/* calls fn for each line that is not a comment, as a NUL-terminated copy in the arena */
static void geo_lines(const kr_embedded *e, void (*fn)(char *)) {
    if (!e) return;
    const char *p = e->data, *end = e->data + e->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (l && p[0] != '#') fn(kr_strndup(&geo_ar, p, l));
        p += l + 1;
    }
}

static uint32_t geo_ccap, geo_pcap;

static void country_line(char *l) {
    char *f[6];
    if (split_tabs(l, f, 6) < 6 || strlen(f[0]) != 3) return;
    if (geo_nc == geo_ccap) { geo_ccap = geo_ccap ? geo_ccap * 2 : 256; geo_c = kr_xrealloc(geo_c, geo_ccap * sizeof *geo_c); }
    geo_country *c = &geo_c[geo_nc];
    snprintf(c->iso3, sizeof c->iso3, "%s", f[0]); snprintf(c->iso2, sizeof c->iso2, "%s", f[1]);
    snprintf(c->fips, sizeof c->fips, "%s", f[2]);
    c->lat = strtod(f[3], NULL); c->lon = strtod(f[4], NULL); c->name = f[5];
    kr_map_put(&geo_cidx, c->iso3, 3, ++geo_nc);
}

static void place_line(char *l) {
    char *f[9];
    int nf = split_tabs(l, f, 9);
    if (nf < 8 || strlen(f[1]) != 3) return;
    uint32_t ci = kr_map_get(&geo_cidx, f[1], 3);
    if (!ci) return;
    char key[600];
    size_t kl = geo_key(f[0], strlen(f[0]), f[1], key, sizeof key);
    if (kr_map_get(&geo_pidx, key, kl)) return;          /* the first row of a name wins */
    if (geo_np == geo_pcap) {
        geo_pcap = geo_pcap ? geo_pcap * 2 : 1024;
        geo_p = kr_xrealloc(geo_p, geo_pcap * sizeof *geo_p);
    }
    if (kl - 4 > geo_maxname) geo_maxname = kl - 4;
    geo_place *p = &geo_p[geo_np];
    p->country = ci - 1; p->type = atoi(f[2]);
    if (p->type < 1 || p->type > 3) p->type = 3;
    p->lat = strtod(f[3], NULL); p->lon = strtod(f[4], NULL);
    p->id = f[5]; p->adm1 = f[6]; p->gname = f[7];
    const char *k = nf > 8 ? f[8] : "place";
    p->kind = !strcmp(k, "capital") ? GK_CAPITAL : !strcmp(k, "state") ? GK_STATE : !strcmp(k, "division") ? GK_DIVISION : GK_PLACE;
    kr_map_put(&geo_pidx, key, kl, ++geo_np);
}

/* the word classes place-prep (1), det and poss (2) of the dictionaries' words.txt, which
** the coder uses to tell "in Turkey" (a place) from "Turkey" (an actor) */
static void words_line(char *l) {
    char *hash = strchr(l, '#');
    if (hash) *hash = 0;
    size_t cl = strcspn(l, " \t");
    uint32_t v = cl == 10 && !strncmp(l, "place-prep", 10) ? 1 : (cl == 3 && !strncmp(l, "det", 3)) || (cl == 4 && !strncmp(l, "poss", 4)) ? 2 : 0;
    if (!v) return;
    for (char *w = strtok(l + cl, "|"); w; w = strtok(NULL, "|")) {
        while (*w == ' ' || *w == '\t') w++;
        size_t n = strlen(w);
        while (n && (w[n - 1] == ' ' || w[n - 1] == '\t' || w[n - 1] == '\r')) n--;
        char f[128];
        size_t fl = n ? kr_fold(w, n, f, sizeof f) : 0;
        if (fl && fl < sizeof f) kr_map_put(&geo_words, kr_strndup(&geo_ar, f, fl), fl, v);
    }
}

static void geo_init(void) {
    kr_map_init(&geo_cidx, &geo_ar); kr_map_init(&geo_pidx, &geo_ar);
    geo_lines(geo_file("data/geo/countries.geo"), country_line);
    geo_lines(geo_file("data/geo/places.geo"), place_line);
    kr_map_init(&geo_words, &geo_ar);
    geo_lines(geo_file("data/nl/words.txt"), words_line);
    geo_lines(geo_file("data/en/words.txt"), words_line);
}

int kr_geo_count(int *countries, int *places) {
    pthread_once(&geo_once, geo_init);
    if (countries) *countries = (int)geo_nc;
    if (places) *places = (int)geo_np;
    return geo_nc > 0;
}

int kr_geolocate(const char *location, const char *location_text, const char *lang, kr_geo *out) {
    KR_UNUSED(lang);
    memset(out, 0, sizeof *out);
    if (!location || strlen(location) < 3) return 0;
    pthread_once(&geo_once, geo_init);
    uint32_t ci = kr_map_get(&geo_cidx, location, 3);
    if (!ci) return 0;
    const geo_country *c = &geo_c[ci - 1];
    snprintf(out->iso3, sizeof out->iso3, "%s", c->iso3);
    snprintf(out->iso2, sizeof out->iso2, "%s", c->iso2);
    snprintf(out->fips, sizeof out->fips, "%s", c->fips);
    out->country = c->name;
    const geo_place *p = NULL;
    if (location_text && *location_text) {
        char key[600];
        size_t kl = geo_key(location_text, strlen(location_text), c->iso3, key, sizeof key);
        uint32_t pi = kr_map_get(&geo_pidx, key, kl);
        if (pi && geo_p[pi - 1].type > 1) p = &geo_p[pi - 1];     /* type 1: a name without a point */
    }
    if (p) {
        out->type = p->type; out->name = p->gname;
        out->lat = p->lat; out->lon = p->lon;
        snprintf(out->id, sizeof out->id, "%s", p->id);
        if (*p->adm1 && *c->fips) snprintf(out->adm1, sizeof out->adm1, "%s%s", c->fips, p->adm1);
        /* a division without a GeoNames id: its ADM1 code, as GDELT's FeatureID has it */
        if (!*out->id && p->type == 2) snprintf(out->id, sizeof out->id, "%s", out->adm1);
        snprintf(out->full_name, sizeof out->full_name, "%s, %s", p->gname, c->name);
    } else {
        out->type = 1; out->name = c->name;
        out->lat = c->lat; out->lon = c->lon;
        snprintf(out->id, sizeof out->id, "%s", *c->fips ? c->fips : c->iso3);
        snprintf(out->adm1, sizeof out->adm1, "%s", c->fips);
        snprintf(out->full_name, sizeof out->full_name, "%s", c->name);
    }
    return 1;
}

/* word characters for the boundaries of a name in folded text (letters, digits, UTF-8) */
static int geo_wordc(unsigned char ch) { return ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); }

/* 1 if the word before offset s of the folded text f, past determiners and possessives
** ("in the", "in het"), is a place preposition */
static int geo_after_prep(const char *f, size_t s) {
    size_t e = s;
    for (int i = 0; i < 4; i++) {
        while (e > 0 && f[e - 1] == ' ') e--;
        size_t b = e;
        while (b > 0 && geo_wordc((unsigned char)f[b - 1])) b--;
        uint32_t v = b < e ? kr_map_get(&geo_words, f + b, e - b) : 0;
        if (v != 2) return v == 1;
        e = b;
    }
    return 0;
}

/* The gazetteer name of the state ci that a sentence names first (leftmost, then longest),
** copied into out; 0 if none.  First as the coder finds a place: a dictionary place
** anywhere, a capital or a state's own name only after a place preposition ("in Turkey",
** not "Turkey said"), so that an event read back from an archive gets the place the coder
** gave it; then, when there is none, a capital anywhere ("the Serbian capital Belgrade")
** or a division the dictionaries do not name ("Maidan Wardak province").  Every
** stretch of the folded sentence that starts and ends at a word boundary, up to the
** longest name, is looked up in the name index. */
static int geo_scan(uint32_t ci, const char *text, char *out, size_t cap) {
    size_t n = strlen(text);
    char *f = kr_xmalloc(n * 3 + 8);
    size_t fl = kr_fold(text, n, f, n * 3 + 8);
    char *key = kr_xmalloc(geo_maxname + 8);
    /* the word ends e after s, and the kr_hash of f[s..e) up to each: the hash of a key
    ** "NAME\tISO" is the hash of its NAME carried on, so the stretches from s cost one
    ** pass over their bytes, not one per stretch */
    size_t *ends = kr_xmalloc((geo_maxname + 1) * sizeof *ends);
    uint64_t *hs = kr_xmalloc((geo_maxname + 1) * sizeof *hs);
    int found = 0;
    for (int pass = 0; pass < 2 && !found; pass++)
        for (size_t s = 0; s < fl && !found; s++) {
            if (s > 0 && geo_wordc((unsigned char)f[s - 1])) continue;
            size_t lim = s + geo_maxname < fl ? s + geo_maxname : fl, ne = 0;
            uint64_t h = KR_HASH_INIT;
            for (size_t e = s + 1; e <= lim; e++) {
                h = kr_hash_add(h, (unsigned char)f[e - 1]);
                if (e == fl || !geo_wordc((unsigned char)f[e])) { ends[ne] = e; hs[ne] = h; ne++; }
            }
            while (ne--) {      /* longest first */
                size_t e = ends[ne];
                uint64_t hk = kr_hash_add(hs[ne], '\t');
                for (int i = 0; i < 3; i++) hk = kr_hash_add(hk, (unsigned char)geo_c[ci].iso3[i]);
                memcpy(key, f + s, e - s);
                key[e - s] = '\t';
                memcpy(key + e - s + 1, geo_c[ci].iso3, 3);
                uint32_t pi = kr_map_get_h(&geo_pidx, key, e - s + 4, hk);
                if (!pi) continue;
                int k = geo_p[pi - 1].kind;
                if (pass == 0 ? k == GK_DIVISION || (k != GK_PLACE && !geo_after_prep(f, s)) : k != GK_DIVISION && k != GK_CAPITAL) continue;
                snprintf(out, cap, "%.*s", (int)(e - s), f + s);
                found = 1;
                break;
            }
        }
    free(key); free(ends); free(hs);
    free(f);
    return found;
}

int kr_geolocate_event(const kr_event *e, const char *lang, kr_geo *out) {
    if (e->location_text && *e->location_text) return kr_geolocate(e->location, e->location_text, lang, out);
    memset(out, 0, sizeof *out);
    if (!e->location || strlen(e->location) < 3) return 0;
    pthread_once(&geo_once, geo_init);
    uint32_t ci = kr_map_get(&geo_cidx, e->location, 3);
    char name[512];
    if (ci && e->text && geo_scan(ci - 1, e->text, name, sizeof name)) return kr_geolocate(e->location, name, lang, out);
    return kr_geolocate(e->location, NULL, lang, out);
}

int kr_geo_gdelt_type(const kr_geo *g) {
    int us = !strcmp(g->iso3, "USA");
    return g->type == 1 ? 1 : g->type == 2 ? (us ? 2 : 5) : (us ? 3 : 4);
}
