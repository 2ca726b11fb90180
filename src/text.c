/*
** text.c -- Unicode handling: UTF-8 repair, NFC normalization (utf8proc), mapping of
** typographic quotes, dashes and spaces to ASCII, and the case/accent folding used for
** dictionary matching.  Pure ASCII input takes a fast path that never calls utf8proc.
*/
#include "kr_int.h"
#include <utf8proc.h>

/* Length of a valid UTF-8 sequence at s (max n bytes), or 0 if invalid. */
int kr_utf8_seqlen(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;          /* overlong */
        if (c == 0xED && s[1] >= 0xA0) return 0;         /* surrogates */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0;
        if (c == 0xF4 && s[1] >= 0x90) return 0;
        return 4;
    }
    return 0;
}

int kr_utf8_valid(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (n - i >= 8 && !(kr_load8(p + i) & KR_HIGH8)) { i += 8; continue; }   /* eight ASCII bytes */
        int l = kr_utf8_seqlen(p + i, n - i);
        if (!l) return 0;
        i += (size_t)l;
    }
    return 1;
}

/* ASCII replacement for typographic characters, or NULL to keep the code point. */
static const char *ascii_for(int32_t cp) {
    switch (cp) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x00B4: return "'";
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB: case 0x00BB: return "\"";
    case 0x2010: case 0x2011: return "-";                 /* hyphens */
    case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212: return " - ";  /* dashes */
    case 0x00A0: case 0x2002: case 0x2003: case 0x2009: case 0x202F: case 0x2007: case 0x200A: return " ";
    case 0x200B: case 0x200C: case 0x200D: case 0xFEFF: case 0x00AD: return "";   /* invisible */
    case 0x2026: return "...";
    }
    return NULL;
}

/* NFC of t[0..n), appended to out, one stretch at a time: a stretch is a run of non-ASCII
** bytes with the ASCII character before it ("e" + U+0301 composes to "é").  The text
** between stretches is ASCII and is copied as it is.  NFC changes nothing across the
** start of an ASCII character (a starter that composes with nothing before it: a safe
** break of UAX #15), so the stretches give what the whole text gives, and a long article
** with one "ṭ" is not sent through utf8proc whole.  -1 if utf8proc fails. */
static int nfc_stretches(const char *t, size_t n, kr_buf *out) {
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && (unsigned char)t[j] < 0x80) j++;
        if (j == n) { kr_buf_add(out, t + i, n - i); break; }
        size_t s = j > i ? j - 1 : j, e = j;
        int marks = 0;      /* a code point >= U+0300 (lead byte >= 0xCC): else NFC keeps it */
        while (e < n && (unsigned char)t[e] >= 0x80) { if ((unsigned char)t[e] >= 0xCC) marks = 1; e++; }
        if (!marks) { kr_buf_add(out, t + i, e - i); i = e; continue; }
        kr_buf_add(out, t + i, s - i);
        utf8proc_uint8_t *res = NULL;
        utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)t + s, (utf8proc_ssize_t)(e - s), &res,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (r < 0) { free(res); return -1; }
        kr_buf_add(out, (const char *)res, (size_t)r);
        free(res);
        i = e;
    }
    return 0;
}

void kr_text_normalize(const char *in, size_t n, kr_buf *out, int *bad) {
    const unsigned char *p = (const unsigned char *)in;
    int nbad = 0;
    /* pass 1, straight into out: repair, ASCII for typographic characters and control
    ** characters; note whether a code point >= U+0300 (one NFC may change) occurs */
    out->len = 0;
    kr_buf_add(out, "", 0);
    size_t i = 0;
    int need_nfc = 0;
    while (i < n) {
        unsigned c = p[i];
        /* fast path: a run of printable ASCII is copied at once */
        if (c >= 0x20 && c < 0x7F) {
            size_t j = i + 1;
            for (uint64_t x; n - j >= 8; j += 8) {   /* eight at a time */
                x = kr_load8(p + j);
                if ((x & KR_HIGH8) | kr_has_below8(x, 0x20) | kr_has_byte8(x, 0x7F)) break;
            }
            while (j < n && p[j] >= 0x20 && p[j] < 0x7F) j++;
            kr_buf_add(out, in + i, j - i);
            i = j;
            continue;
        }
        if (c < 0x80) {
            if (c == 0) { kr_buf_addc(out, ' '); nbad++; }
            else if (c == '\r') { if (i + 1 < n && p[i+1] == '\n') {} else kr_buf_addc(out, '\n'); }
            else if (c < 0x20 && c != '\n' && c != '\t') kr_buf_addc(out, ' ');
            else kr_buf_addc(out, (char)c);
            i++; continue;
        }
        int l = kr_utf8_seqlen(p + i, n - i);
        if (!l) { kr_buf_add(out, "\xEF\xBF\xBD", 3); nbad++; i++; continue; }
        int32_t cp = l == 2 ? (int32_t)(p[i] & 0x1F) << 6 | (p[i+1] & 0x3F)       /* a valid sequence */
                   : l == 3 ? (int32_t)(p[i] & 0x0F) << 12 | (p[i+1] & 0x3F) << 6 | (p[i+2] & 0x3F)
                   : (int32_t)(p[i] & 0x07) << 18 | (p[i+1] & 0x3F) << 12 | (p[i+2] & 0x3F) << 6 | (p[i+3] & 0x3F);
        const char *rep = ascii_for(cp);
        if (rep) kr_buf_add(out, rep, strlen(rep));
        else { kr_buf_add(out, in + i, (size_t)l); if (cp >= 0x300) need_nfc = 1; }
        i += (size_t)l;
    }
    if (bad) *bad = nbad;
    /* text made only of code points below U+0300 (ASCII, Latin-1, Latin Extended) holds
    ** no combining marks and is already in NFC: skip utf8proc */
    if (!need_nfc) return;
    /* pass 2: NFC from the text of pass 1 (out's buffer, taken over) into out */
    kr_buf tmp = *out;
    out->p = NULL; out->len = out->cap = 0;
    kr_buf_add(out, "", 0);
    if (nfc_stretches(tmp.p, tmp.len, out)) { out->len = 0; kr_buf_add(out, tmp.p, tmp.len); }
    kr_buf_free(&tmp);
}

/* lower-case ASCII base letter of U+00C0..U+017F, 0 if none (e.g. Æ, ß) */
static const char latin_base[192] =
    "aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0\0aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0yaaaaaaccccccccdd\0\0eeeeeeeeeegggg"
    "gggghh\0\0iiiiiiiiii\0\0jjkkkllllll\0\0\0\0nnnnnnn\0\0oooooo\0\0rrrrrrsssssssstttt\0\0uuuuuuuuuuuuwwyyyzzzzzzs";
static size_t fold_latin(const char *s, size_t n, char *out, size_t outcap) {
    size_t i = 0, k = 0;
    while (i < n && k + 1 < outcap) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) { out[k++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c; i++; continue; }
        if ((c == 0xC3 || c == 0xC4 || c == 0xC5) && i + 1 < n) {
            unsigned cp = ((c & 0x1Fu) << 6) | ((unsigned char)s[i+1] & 0x3Fu);
            if (cp >= 0xC0 && cp < 0x180 && latin_base[cp - 0xC0]) { out[k++] = latin_base[cp - 0xC0]; i += 2; continue; }
        }
        return (size_t)-1;      /* something else: let utf8proc do it */
    }
    out[k] = 0;
    return k;
}

size_t kr_fold(const char *s, size_t n, char *out, size_t outcap) {
    size_t i, k = 0;
    int ascii = 1;
    if (outcap < 2) { if (outcap) out[0] = 0; return 0; }
    for (i = 0; i < n; i++) if ((unsigned char)s[i] >= 0x80) { ascii = 0; break; }
    if (ascii) {
        for (i = 0; i < n && k + 1 < outcap; i++) {
            char c = s[i];
            out[k++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        out[k] = 0;
        return k;
    }
    k = fold_latin(s, n, out, outcap);
    if (k != (size_t)-1) return k;
    utf8proc_uint8_t *res = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &res,
        UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
    if (r < 0) {   /* cannot happen on repaired text; copy as is */
        k = n < outcap - 1 ? n : outcap - 1;
        memcpy(out, s, k); out[k] = 0; return k;
    }
    k = (size_t)r < outcap - 1 ? (size_t)r : outcap - 1;
    memcpy(out, res, k); out[k] = 0;
    free(res);
    return k;
}

int kr_capclass(const char *s, size_t n) {
    int32_t cp; size_t i = 0; int nup = 0, nlow = 0, first = -1;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {     /* ASCII: what utf8proc_isupper/islower say of it, without the call */
            if (c >= 'A' && c <= 'Z') { nup++; if (first < 0) first = 1; }
            else if (c >= 'a' && c <= 'z') { nlow++; if (first < 0) first = 0; }
            i++; continue;
        }
        utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (l <= 0) { i++; continue; }
        i += (size_t)l;
        if (utf8proc_isupper(cp)) { nup++; if (first < 0) first = 1; }
        else if (utf8proc_islower(cp)) { nlow++; if (first < 0) first = 0; }
    }
    if (nup >= 2 && nlow == 0) return 2;
    if (nup == 1 && nlow == 0 && n == 1) return 2;
    return first == 1 ? 1 : 0;
}
