/*
** fuzz_text.c -- the normalizer, tokenizer and sentence splitter (text.c, tok.c) on
** arbitrary bytes.  Byte 0 picks the language (nl, en, detect); the rest is the text,
** NUL bytes included.  Checks: the normalized text is valid UTF-8 without NUL; tokens
** and sentences lie inside it, in order; the tokens no sentence holds are datelines
** (which are no sentence); sentence pieces respect KR_MAX_TOKENS and
** KR_MAX_SENTENCE (a single longer token is its own piece).  The fast paths are
** checked against utf8proc: the normalized text is in NFC, and kr_fold of every token
** equals utf8proc's case fold with marks stripped.  kr_json_str of the raw input is
** valid JSON.
*/
#include "fuzz.h"
#include <utf8proc.h>
#include <jansson.h>

/* kr_json_str (output.c) makes a JSON string of any bytes, invalid UTF-8 included */
static void check_json_str(const char *in, size_t n) {
    char *s = kr_xmalloc(n + 1); memcpy(s, in, n); s[n] = 0;
    char *out = NULL; size_t ol = 0;
    FILE *f = open_memstream(&out, &ol);
    kr_json_str(f, s);
    fclose(f);
    json_error_t je;
    json_t *j = json_loadb(out, ol, JSON_DECODE_ANY, &je);
    if (!j || !json_is_string(j)) { fprintf(stderr, "kr_json_str gave invalid JSON (%s): %s\n", je.text, out); abort(); }
    json_decref(j);
    free(out); free(s);
}

/* the reference fold: what kr_fold computes without its ASCII and Latin fast paths.
** Known, accepted differences of the Latin table: dotless i, kra and n-apostrophe
** (U+0131, U+0138, U+0149) fold to i, k, n where utf8proc keeps them. */
static void check_fold(const char *s, size_t n) {
    char got[256];
    if (memmem(s, n, "\xC4\xB1", 2) || memmem(s, n, "\xC4\xB8", 2) || memmem(s, n, "\xC5\x89", 2)) return;
    size_t k = kr_fold(s, n, got, sizeof got);
    utf8proc_uint8_t *res = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &res,
        UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
    if (r >= 0 && (size_t)r < sizeof got) {
        if (k != (size_t)r || memcmp(got, res, k)) {
            fprintf(stderr, "kr_fold('%.*s') = '%s', utf8proc gives '%s'\n", (int)n, s, got, (char *)res);
            abort();
        }
    }
    free(res);
}

/* Tokens a..b, which no sentence holds, are datelines ("Friday, January 4, 2019"):
** numbers, commas and day or month names (word class calendar), with a number and a
** name (tok.c is_dateline; several datelines in a row make one gap). */
static void check_dateline(const kr_tok *t, uint32_t a, uint32_t b, const kr_lang *L) {
    int month = 0, num = 0;
    for (uint32_t i = a; i < b; i++) {
        if (t[i].flags & TF_NUM) num = 1;
        else if (t[i].wid && (L->wclass[t[i].wid] & WC_CALENDAR)) month = 1;
        else FZ_CHECK(t[i].flags & TF_COMMA);
    }
    FZ_CHECK(month && num);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const kr_dict *d = fz_builtin();
    int li = data[0] % 3 == 2 ? -1 : data[0] % 3;
    const char *in = (const char *)data + 1; size_t n = size - 1;
    check_json_str(in, n);
    kr_buf text = {0}; int bad = 0;
    kr_text_normalize(in, n, &text, &bad);
    FZ_CHECK(text.p && text.p[text.len] == 0 && strlen(text.p) == text.len);
    FZ_CHECK(kr_utf8_valid(text.p, text.len));
    FZ_CHECK(bad >= 0 && (size_t)bad <= n);
    {   /* already in NFC */
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)text.p, (utf8proc_ssize_t)text.len, &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        FZ_CHECK(r >= 0 && (size_t)r == text.len && !memcmp(nfc, text.p, text.len));
        free(nfc);
    }
    int det = kr_detect_lang(text.p, text.len);
    FZ_CHECK(det >= -1 && det <= 1);
    if (li < 0) li = det < 0 ? 0 : det;
    kr_arena ar = {0};
    kr_tok *tok = NULL; uint32_t ntok = 0, tcap = 0;
    kr_sent *s = NULL; uint32_t ns = 0, scap = 0;
    kr_tokenize(text.p, text.len, &d->lang[li], &ar, &tok, &ntok, &tcap);
    for (uint32_t i = 0; i < ntok; i++) {
        FZ_CHECK(tok[i].len > 0 && tok[i].off + tok[i].len <= text.len);
        FZ_CHECK(i == 0 || tok[i].off >= tok[i-1].off);
        FZ_CHECK(tok[i].fold && strlen(tok[i].fold) == tok[i].flen);
        if (tok[i].len < 200) check_fold(text.p + tok[i].off, tok[i].len);
    }
    kr_split(text.p, tok, ntok, &d->lang[li], &s, &ns, &scap);
    uint32_t next = 0;
    for (uint32_t i = 0; i < ns; i++) {
        FZ_CHECK(s[i].tok0 >= next && s[i].ntok > 0 && s[i].ntok <= KR_MAX_TOKENS);
        if (s[i].tok0 > next) check_dateline(tok, next, s[i].tok0, &d->lang[li]);
        next = s[i].tok0 + s[i].ntok;
        FZ_CHECK(next <= ntok && s[i].off + s[i].len <= text.len);
        FZ_CHECK(s[i].len <= KR_MAX_SENTENCE || s[i].ntok == 1);
    }
    FZ_CHECK(next <= ntok);
    if (next < ntok) check_dateline(tok, next, ntok, &d->lang[li]);
    free(tok); free(s); kr_arena_free(&ar); kr_buf_free(&text);
    return 0;
}
