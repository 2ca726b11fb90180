/*
** dictfmt.c -- reading the CAMEO community's dictionary formats (TABARI, PETRARCH-1,
** PETRARCH-2) into kroniek's structures.  See docs/DICTIONARIES.md.
*/
#include "kr_int.h"
#include <stdio.h>

int kr_detect_format(const char *buf, size_t len) {
    KR_UNUSED(buf); KR_UNUSED(len);
    return 0;
}

kr_status kr_load_foreign(kr_dict *d, const char *name, const char *buf, size_t len, int lang, const char *kind) {
    KR_UNUSED(buf); KR_UNUSED(len); KR_UNUSED(lang);
    kr_dict_msg(d, 1, name, 0, "unsupported dictionary file (kind %s): kroniek reads *.actors, *.verbs, words.txt, abbrev.txt, codes.tsv", kind ? kind : "unknown");
    return KR_ERR_PARSE;
}

kr_status kr_dict_write(const kr_dict *d, FILE *out, const char *what) {
    KR_UNUSED(d); KR_UNUSED(out); KR_UNUSED(what);
    return KR_ERR_ARG;
}
