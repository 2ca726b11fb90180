/*
** output.c -- event writers: JSON Lines (the field names are the interface other tools
** rely on), GDELT 1.0 event columns as TSV, CSV (cells neutralised for spreadsheets),
** and PLOVER JSON Lines with the codebook's field names (docs/ARCHIVE.md: Exports).
** The place of an event (location, location_text) is geolocated by src/geo.c: geo_*
** fields in JSON Lines, the ActionGeo columns in GDELT TSV, event_loc in PLOVER.
*/
#include "kr_int.h"
#include <stdio.h>
#include <pthread.h>

void kr_json_str(FILE *f, const char *s) {
    putc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20) fprintf(f, "\\u%04x", *p);
            else if (*p < 0x80) putc(*p, f);
            else {
                /* issue 7: invalid UTF-8 (a Latin-1 file name as the doc id) made the line
                ** invalid JSON; such a byte is written as U+FFFD */
                size_t l = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
                if (strnlen((const char *)p, l) == l && kr_utf8_valid((const char *)p, l)) { fwrite(p, 1, l, f); p += l - 1; }
                else fputs("\\ufffd", f);
            }
        }
    }
    putc('"', f);
}

int kr_format_parse(const char *name, kr_format *f) {
    if (!strcmp(name, "jsonl") || !strcmp(name, "json")) *f = KR_FMT_JSONL;
    else if (!strcmp(name, "tsv") || !strcmp(name, "gdelt")) *f = KR_FMT_TSV;
    else if (!strcmp(name, "csv")) *f = KR_FMT_CSV;
    else if (!strcmp(name, "plover")) *f = KR_FMT_PLOVER;
    else return 0;
    return 1;
}

static const char *gdelt_cols[] = {
    "GLOBALEVENTID","SQLDATE","MonthYear","Year","FractionDate","Actor1Code","Actor1Name","Actor1CountryCode",
    "Actor1KnownGroupCode","Actor1EthnicCode","Actor1Religion1Code","Actor1Religion2Code","Actor1Type1Code",
    "Actor1Type2Code","Actor1Type3Code","Actor2Code","Actor2Name","Actor2CountryCode","Actor2KnownGroupCode",
    "Actor2EthnicCode","Actor2Religion1Code","Actor2Religion2Code","Actor2Type1Code","Actor2Type2Code",
    "Actor2Type3Code","IsRootEvent","EventCode","EventBaseCode","EventRootCode","QuadClass","GoldsteinScale",
    "NumMentions","NumSources","NumArticles","AvgTone","Actor1Geo_Type","Actor1Geo_FullName",
    "Actor1Geo_CountryCode","Actor1Geo_ADM1Code","Actor1Geo_Lat","Actor1Geo_Long","Actor1Geo_FeatureID",
    "Actor2Geo_Type","Actor2Geo_FullName","Actor2Geo_CountryCode","Actor2Geo_ADM1Code","Actor2Geo_Lat",
    "Actor2Geo_Long","Actor2Geo_FeatureID","ActionGeo_Type","ActionGeo_FullName","ActionGeo_CountryCode",
    "ActionGeo_ADM1Code","ActionGeo_Lat","ActionGeo_Long","ActionGeo_FeatureID","DATEADDED","SOURCEURL" };

void kr_write_header(FILE *f, kr_format fmt) {
    if (fmt == KR_FMT_TSV) {
        for (size_t i = 0; i < sizeof gdelt_cols / sizeof *gdelt_cols; i++) fprintf(f, "%s%s", i ? "\t" : "", gdelt_cols[i]);
        putc('\n', f);
    } else if (fmt == KR_FMT_CSV) {
        fputs("doc,date,sentence,source,target,code,root,quad,goldstein,location,label,source_text,target_text,verb_text,text\n", f);
    }
}

/* text for a TSV/CSV cell: tabs and newlines become spaces.  CSV (issue 15): a cell
** that starts with = + - @ or a tab / carriage return gets a ' in front, so that a
** spreadsheet shows it as text instead of running it as a formula. */
static void cell(FILE *f, const char *s, int csv) {
    if (!s) s = "";
    if (csv) {
        putc('"', f);
        if (kr_csv_risky(s)) putc('\'', f);
        for (; *s; s++) { if (*s == '"') putc('"', f); putc(*s == '\n' || *s == '\r' ? ' ' : *s, f); }
        putc('"', f);
        return;
    }
    for (; *s; s++) putc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

int kr_csv_risky(const char *s) {
    return s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r');
}

/* GDELT country and type parts of a CAMEO actor code: RUSGOV -> RUS + GOV */
static void split_code(const char *code, char *country, char *type) {
    country[0] = type[0] = 0;
    size_t n = strlen(code);
    if (n >= 3 && strncmp(code, "IGO", 3) && strncmp(code, "NGO", 3)) {
        memcpy(country, code, 3); country[3] = 0;
        if (n >= 6) { memcpy(type, code + 3, 3); type[3] = 0; }
    }
}

/* ---- PLOVER ---- */

static pthread_once_t names_once = PTHREAD_ONCE_INIT;
static kr_names *builtin_names;
static void names_init(void) { builtin_names = kr_names_new(NULL); }
static const kr_names *default_names(void) { pthread_once(&names_once, names_init); return builtin_names; }

/* PLOVER's sector names where CAMEO's differ: CAMEO MED (media) is JRN, HLH (health) MED */
static const char *plover_sector(const char *s, char out[4]) {
    if (!strncmp(s, "MED", 3)) return "JRN";
    if (!strncmp(s, "HLH", 3)) return "MED";
    memcpy(out, s, 3); out[3] = 0;
    return out;
}

/* an entity object: {"code","sector","entity_text","country_name","identifier_text","cameo"} */
static void plover_entity(FILE *f, const char *code, const char *text, const kr_names *nm) {
    size_t n = strlen(code);
    char top[8] = "", sector[8] = "", name[256] = "", cname[256] = "", tmp[4];
    size_t rest = 3;
    int nonstate = n >= 3 && (!strncmp(code, "IGO", 3) || !strncmp(code, "NGO", 3) || !strncmp(code, "IMG", 3) ||
                              !strncmp(code, "MNC", 3) || !strncmp(code, "ISM", 3));
    if (n >= 6 && !strncmp(code, "IGOUNO", 6)) { strcpy(top, "UNO"); kr_actor_name(nm, "IGOUNO", "en", cname, sizeof cname); rest = n; }
    else if (n >= 9 && !strncmp(code, "IGOEUREEC", 9)) { strcpy(top, "EUR"); kr_actor_name(nm, "IGOEUREEC", "en", cname, sizeof cname); rest = n; }
    else if (n >= 3) {
        memcpy(top, code, 3); top[3] = 0;
        if (!strcmp(top, "KSV")) strcpy(top, "KOS");       /* PLOVER's code for Kosovo */
        char c3[4] = {code[0], code[1], code[2], 0};
        kr_actor_name(nm, c3, "en", cname, sizeof cname);
        if (nonstate) rest = n;
    }
    /* sectors: the known 3-letter parts after the country (at most two: 3 or 6 chars) */
    int ns = 0, other = 0;
    for (size_t i = rest; i + 3 <= n; i += 3) {
        char part[4] = {code[i], code[i + 1], code[i + 2], 0};
        char probe[8]; snprintf(probe, sizeof probe, "USA%s", part);     /* a state + the part: known iff a sector */
        if (!strcmp(part, "PTY") || (kr_actor_known(nm, probe) && strcmp(part, "IGO") && strcmp(part, "NGO"))) {
            if (ns < 2) strcat(sector, plover_sector(part, tmp));
            ns++;
        } else other = 1;
    }
    if (other || nonstate || rest == n) {
        /* an organisation or party: its own name, without the state's in front */
        kr_actor_name(nm, code, "en", name, sizeof name);
        size_t cl = strlen(cname);
        if (cl && !strncmp(name, cname, cl) && name[cl] == ':' && name[cl + 1] == ' ') memmove(name, name + cl + 2, strlen(name + cl + 2) + 1);
        if (!strcmp(name, code) || !strcmp(name, cname)) name[0] = 0;
    }
    fputs("{\"code\":", f); kr_json_str(f, top);
    if (*sector) { fputs(",\"sector\":", f); kr_json_str(f, sector); }
    fputs(",\"entity_text\":", f); kr_json_str(f, text);
    if (*cname && strcmp(cname, top) && strncmp(cname, code, 3)) { fputs(",\"country_name\":", f); kr_json_str(f, cname); }
    if (*name) { fputs(",\"identifier_text\":", f); kr_json_str(f, name); }
    fputs(",\"cameo\":", f); kr_json_str(f, code);
    putc('}', f);
}

/* a ';'-separated list as a JSON array, or null when empty */
static void json_list(FILE *f, const char *s) {
    if (!s || !*s) { fputs("null", f); return; }
    putc('[', f);
    for (int first = 1; *s; first = 0) {
        const char *e = strchr(s, ';');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        char item[64]; snprintf(item, sizeof item, "%.*s", (int)(l < 63 ? l : 63), s);
        if (!first) putc(',', f);
        kr_json_str(f, item);
        s += l; if (*s) s++;
    }
    putc(']', f);
}

static int write_plover(FILE *f, const kr_event *e, long seq, const kr_event_info *x) {
    kr_plover pl;
    if (!kr_plover_map(e->code, &pl)) return 0;
    const kr_names *nm = x->names ? x->names : default_names();
    char date[11];
    int month = kr_article_date(e->date, date) && strlen(date) == 7;
    if (month) strcat(date, "-01");
    fprintf(f, "{\"id\":\"kroniek-%ld\",\"date\":", seq); kr_json_str(f, date);
    if (month) fputs(",\"date_precision\":\"month\"", f);
    fputs(",\"actor\":[", f); plover_entity(f, e->source, e->source_text, nm); putc(']', f);
    if (e->target && *e->target) { fputs(",\"recipient\":[", f); plover_entity(f, e->target, e->target_text, nm); putc(']', f); }
    fputs(",\"event\":[", f); kr_json_str(f, pl.event); putc(']', f);
    fputs(",\"mode\":", f); json_list(f, pl.mode);
    fputs(",\"context\":", f); json_list(f, pl.context);
    fprintf(f, ",\"quad_code\":%d,\"event_scale\":%.1f", pl.quad, pl.scale);
    fputs(",\"event_text\":[", f); kr_json_str(f, e->verb_text); putc(']', f);
    if (e->location && *e->location) {
        char cn[256];
        kr_geo g;
        int located = kr_geolocate_event(e, x->lang, &g);
        kr_actor_name(nm, e->location, "en", cn, sizeof cn);
        fputs(",\"event_loc\":{", f);
        if (e->location_text && *e->location_text) { fputs("\"extracted_place\":", f); kr_json_str(f, e->location_text); putc(',', f); }
        if (located) {
            /* PLOVER's location object (Mordecai's GeoNames fields); resolution 4 city, 2 province, 1 country */
            fputs("\"resolved_place\":", f); kr_json_str(f, g.name);
            if (g.type > 1 && *g.id && strspn(g.id, "0123456789") == strlen(g.id)) fprintf(f, ",\"geonameid\":%s", g.id);
            fprintf(f, ",\"lat\":%.4f,\"lon\":%.4f,", g.lat, g.lon);
            if (g.type == 3) { fputs("\"city\":", f); kr_json_str(f, g.name); putc(',', f); }
        }
        fputs("\"country_code\":", f); kr_json_str(f, e->location);
        if (strcmp(cn, e->location)) { fputs(",\"country\":", f); kr_json_str(f, cn); }
        if (located && g.type == 3) fputs(",\"feature_class\":\"P\"", f);
        fprintf(f, ",\"resolution\":%d}", located && g.type == 3 ? 4 : located && g.type == 2 ? 2 : 1);
    }
    fputs(",\"text\":", f); kr_json_str(f, e->text);
    fprintf(f, ",\"text_info\":{\"sequence\":%d}", e->sentence);
    fputs(",\"cite_info\":{\"citation\":", f); kr_json_str(f, e->doc);
    if (x->url && *x->url) { fputs(",\"url\":", f); kr_json_str(f, x->url); }
    if (x->title && *x->title) { fputs(",\"title\":", f); kr_json_str(f, x->title); }
    if (x->lang && *x->lang) { fputs(",\"language\":", f); kr_json_str(f, x->lang); }
    if (x->publisher && *x->publisher) { fputs(",\"publication\":", f); kr_json_str(f, x->publisher); }
    fputs(",\"codebook\":\"CAMEO 1.1b3 via CAMEO2PLOVER-2021 (PLOVER draft 0.8)\"}", f);
    fputs(",\"coder\":\"kroniek " KRONIEK_VERSION "\"", f);
    fputs(",\"cameo\":", f); kr_json_str(f, e->code);
    fprintf(f, ",\"goldstein\":%.1f}\n", e->goldstein);
    return 1;
}

void kr_write_event(FILE *f, kr_format fmt, const kr_event *e, const kr_dict *d, long seq) {
    kr_write_event_info(f, fmt, e, d, seq, NULL);
}

int kr_write_event_info(FILE *f, kr_format fmt, const kr_event *e, const kr_dict *d, long seq, const kr_event_info *x) {
    static const kr_event_info none;
    if (!x) x = &none;
    int date = kr_parse_date(e->date);
    if (fmt == KR_FMT_JSONL) {
        fputs("{\"doc\":", f); kr_json_str(f, e->doc);
        fputs(",\"date\":", f); kr_json_str(f, e->date);
        fprintf(f, ",\"sentence\":%d,\"source\":", e->sentence); kr_json_str(f, e->source);
        fputs(",\"target\":", f); kr_json_str(f, e->target);
        fputs(",\"code\":", f); kr_json_str(f, e->code);
        fputs(",\"root\":", f); kr_json_str(f, e->root);
        fprintf(f, ",\"quad\":%d,\"goldstein\":%.1f,\"location\":", e->quad, e->goldstein); kr_json_str(f, e->location);
        fputs(",\"source_text\":", f); kr_json_str(f, e->source_text);
        fputs(",\"target_text\":", f); kr_json_str(f, e->target_text);
        fputs(",\"verb_text\":", f); kr_json_str(f, e->verb_text);
        fputs(",\"text\":", f); kr_json_str(f, e->text);
        kr_geo g;
        if (kr_geolocate_event(e, x->lang, &g)) {   /* issue 14: only when located */
            fprintf(f, ",\"geo_type\":%d,\"geo_name\":", g.type); kr_json_str(f, g.name);
            fputs(",\"geo_fullname\":", f); kr_json_str(f, g.full_name);
            fputs(",\"geo_country\":", f); kr_json_str(f, g.fips);
            fputs(",\"geo_adm1\":", f); kr_json_str(f, g.adm1);
            fprintf(f, ",\"geo_lat\":%.4f,\"geo_lon\":%.4f,\"geo_id\":", g.lat, g.lon); kr_json_str(f, g.id);
        }
        fputs("}\n", f);
    } else if (fmt == KR_FMT_TSV) {
        char c1[8], t1[8], c2[8], t2[8];
        split_code(e->source, c1, t1); split_code(e->target, c2, t2);
        int y = date / 10000, m = date / 100 % 100, dd = date % 100;
        char base[4] = {0}; memcpy(base, e->code, strlen(e->code) >= 3 ? 3 : 2);
        fprintf(f, "%ld\t%08d\t%04d%02d\t%04d\t%.4f\t", seq, date, y, m, y, y + ((m - 1) * 30.4 + dd) / 365.0);
        cell(f, e->source, 0); putc('\t', f); cell(f, e->source_text, 0); fprintf(f, "\t%s\t\t\t\t\t%s\t\t\t", c1, t1);
        cell(f, e->target, 0); putc('\t', f); cell(f, e->target_text, 0); fprintf(f, "\t%s\t\t\t\t\t%s\t\t\t", c2, t2);
        fprintf(f, "1\t%s\t%s\t%s\t%d\t%.1f\t%ld\t%ld\t%ld\t\t", e->code, base, e->root, e->quad, e->goldstein,
                x->mentions > 0 ? x->mentions : 1, x->sources > 0 ? x->sources : 1, x->articles > 0 ? x->articles : 1);
        fputs("\t\t\t\t\t\t\t", f);           /* Actor1Geo */
        fputs("\t\t\t\t\t\t\t", f);           /* Actor2Geo */
        kr_geo g;          /* ActionGeo_Type, FullName, CountryCode (FIPS), ADM1Code, Lat, Long, FeatureID */
        if (kr_geolocate_event(e, x->lang, &g)) {
            fprintf(f, "%d\t", kr_geo_gdelt_type(&g)); cell(f, g.full_name, 0);
            fprintf(f, "\t%s\t%s\t%.4f\t%.4f\t%s\t", g.fips, g.adm1, g.lat, g.lon, g.id);
        } else fputs("\t\t\t\t\t\t\t", f);
        fprintf(f, "%08d\t", date);
        cell(f, x->url && *x->url ? x->url : e->doc, 0);     /* SOURCEURL: the article's url, else its id */
        putc('\n', f);
    } else if (fmt == KR_FMT_CSV) {
        cell(f, e->doc, 1); putc(',', f); cell(f, e->date, 1);
        fprintf(f, ",%d,", e->sentence); cell(f, e->source, 1); putc(',', f); cell(f, e->target, 1);
        putc(',', f); cell(f, e->code, 1); putc(',', f); cell(f, e->root, 1);
        fprintf(f, ",%d,%.1f,", e->quad, e->goldstein); cell(f, e->location, 1); putc(',', f);
        cell(f, d ? kr_cameo_label(d, e->code) : "", 1); putc(',', f);
        cell(f, e->source_text, 1); putc(',', f); cell(f, e->target_text, 1); putc(',', f);
        cell(f, e->verb_text, 1); putc(',', f); cell(f, e->text, 1); putc('\n', f);
    } else return write_plover(f, e, seq, x);
    return 1;
}
