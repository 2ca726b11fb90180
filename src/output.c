/*
** output.c -- event writers: JSON Lines (the field names are the interface other tools
** rely on), GDELT 1.0 event columns as TSV, CSV, and PLOVER-style JSON.
*/
#include "kr_int.h"
#include <stdio.h>

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

/* text for a TSV/CSV cell: tabs and newlines become spaces */
static void cell(FILE *f, const char *s, int csv) {
    if (!s) s = "";
    if (csv) {
        putc('"', f);
        for (; *s; s++) { if (*s == '"') putc('"', f); putc(*s == '\n' || *s == '\r' ? ' ' : *s, f); }
        putc('"', f);
        return;
    }
    for (; *s; s++) putc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
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

void kr_write_event(FILE *f, kr_format fmt, const kr_event *e, const kr_dict *d, long seq) {
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
        fputs("}\n", f);
    } else if (fmt == KR_FMT_TSV) {
        char c1[8], t1[8], c2[8], t2[8];
        split_code(e->source, c1, t1); split_code(e->target, c2, t2);
        int y = date / 10000, m = date / 100 % 100, dd = date % 100;
        char base[4] = {0}; memcpy(base, e->code, strlen(e->code) >= 3 ? 3 : 2);
        fprintf(f, "%ld\t%08d\t%04d%02d\t%04d\t%.4f\t", seq, date, y, m, y, y + ((m - 1) * 30.4 + dd) / 365.0);
        cell(f, e->source, 0); putc('\t', f); cell(f, e->source_text, 0); fprintf(f, "\t%s\t\t\t\t\t%s\t\t\t", c1, t1);
        cell(f, e->target, 0); putc('\t', f); cell(f, e->target_text, 0); fprintf(f, "\t%s\t\t\t\t\t%s\t\t\t", c2, t2);
        fprintf(f, "1\t%s\t%s\t%s\t%d\t%.1f\t1\t1\t1\t\t", e->code, base, e->root, e->quad, e->goldstein);
        fputs("\t\t\t\t\t\t\t", f);           /* Actor1Geo */
        fputs("\t\t\t\t\t\t\t", f);           /* Actor2Geo */
        fprintf(f, "%s\t\t%s\t\t\t\t\t", e->location && e->location[0] ? "1" : "", e->location ? e->location : "");
        fprintf(f, "%08d\t", date);
        cell(f, e->doc, 0);
        putc('\n', f);
    } else if (fmt == KR_FMT_CSV) {
        cell(f, e->doc, 1); putc(',', f); cell(f, e->date, 1);
        fprintf(f, ",%d,", e->sentence); cell(f, e->source, 1); putc(',', f); cell(f, e->target, 1);
        putc(',', f); cell(f, e->code, 1); putc(',', f); cell(f, e->root, 1);
        fprintf(f, ",%d,%.1f,", e->quad, e->goldstein); cell(f, e->location, 1); putc(',', f);
        cell(f, d ? kr_cameo_label(d, e->code) : "", 1); putc(',', f);
        cell(f, e->source_text, 1); putc(',', f); cell(f, e->target_text, 1); putc(',', f);
        cell(f, e->verb_text, 1); putc(',', f); cell(f, e->text, 1); putc('\n', f);
    } else {
        /* PLOVER-style record: CAMEO code kept, with the PLOVER-like mode fields */
        fprintf(f, "{\"id\":\"%ld\",\"date\":", seq); kr_json_str(f, e->date);
        fputs(",\"actor\":", f); kr_json_str(f, e->source);
        fputs(",\"recipient\":", f); kr_json_str(f, e->target);
        fputs(",\"cameo\":", f); kr_json_str(f, e->code);
        fprintf(f, ",\"quad\":%d,\"goldstein\":%.1f,\"location\":", e->quad, e->goldstein); kr_json_str(f, e->location);
        fputs(",\"doc\":", f); kr_json_str(f, e->doc);
        fputs(",\"text\":", f); kr_json_str(f, e->text);
        fputs("}\n", f);
    }
}
