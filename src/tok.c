/*
** tok.c -- tokenizer and sentence splitter.
** Tokens: words (letters and digits, with inner hyphens, apostrophes and dots as in
** "Oost-Europa", "U.S", "o.a"), numbers ("3,5", "2022-01-10"), clitics split off
** ("Russia's" -> "Russia" "'s", "didn't" -> "did" "n't"), and single punctuation marks.
** A hyphenated word the dictionaries do not know is split into its parts
** ("NAVO-landen" -> "NAVO" "landen").  Each token carries its folded form (lower case,
** accents stripped), its vocabulary id and its capitalization class.
** Sentences end at . ! ? followed by a capital, digit, quote or the end, unless the
** word before is a known abbreviation or an initial; a blank line always ends one.
** Longer than KR_MAX_TOKENS tokens or KR_MAX_SENTENCE bytes, a sentence is cut into pieces.
*/
#include "kr_int.h"

/* byte classes, one table look-up per byte: C_WORD letters, digits and every byte >= 0x80;
** C_ALPHA the same without digits; C_DIGIT 0-9; C_UP A-Z; C_LOW a-z */
enum { C_WORD = 1, C_ALPHA = 2, C_DIGIT = 4, C_UP = 8, C_LOW = 16 };
#define R10(x) x,x,x,x,x,x,x,x,x,x
#define R16(x) x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x
static const unsigned char cls[256] = {
    R16(0), R16(0), R16(0),                              /* 0x00-0x2F */
    R10(C_WORD | C_DIGIT), 0, 0, 0, 0, 0, 0,              /* 0x30-0x3F */
    0, R16(C_WORD | C_ALPHA | C_UP), R10(C_WORD | C_ALPHA | C_UP), 0, 0, 0, 0, 0,   /* 0x40-0x5F */
    0, R16(C_WORD | C_ALPHA | C_LOW), R10(C_WORD | C_ALPHA | C_LOW), 0, 0, 0, 0, 0, /* 0x60-0x7F */
    R16(C_WORD | C_ALPHA), R16(C_WORD | C_ALPHA), R16(C_WORD | C_ALPHA), R16(C_WORD | C_ALPHA), /* 0x80-0xBF */
    R16(C_WORD | C_ALPHA), R16(C_WORD | C_ALPHA), R16(C_WORD | C_ALPHA), R16(C_WORD | C_ALPHA)  /* 0xC0-0xFF */
};
#undef R10
#undef R16
static inline int is_word_byte(unsigned char c) { return cls[c] & C_WORD; }
static inline int is_alpha_byte(unsigned char c) { return cls[c] & C_ALPHA; }
static inline int is_digit(unsigned char c) { return cls[c] & C_DIGIT; }



/* U+FFFD (EF BF BD) and other non-letters >= 0x80 left after normalization count as
** letters; that is harmless for matching. */

/* what push needs besides the token: the text, the vocabulary, where tokens go, and
** free room for folded forms, taken from the arena in blocks (one allocation per block,
** not one per token) of at most FOLD_BLOCK bytes: a short text (a one-sentence article)
** gets a block of about twice its length, enough for the folds of all its ASCII words */
enum { FOLD_BLOCK = 16384, FOLD_MAX = 256 };
typedef struct {
    const char *text; const kr_lang *L; kr_arena *ar;
    kr_tok *toks; uint32_t ntok, cap;      /* the caller's, written back at the end */
    char *room, *room_end;
    size_t block;
} tok_ctx;

/* room for a folded form of up to FOLD_MAX - 1 bytes and its NUL */
static char *fold_room(tok_ctx *x) {
    if (x->room_end - x->room < FOLD_MAX) { x->room = kr_alloc(x->ar, x->block); x->room_end = x->room + x->block; }
    return x->room;
}

static void push(tok_ctx *x, uint32_t off, uint32_t len, uint32_t flags) {
    if (x->ntok == x->cap) { x->cap = x->cap ? x->cap * 2 : 1024; x->toks = kr_xrealloc(x->toks, x->cap * sizeof *x->toks); }
    kr_tok *t = &x->toks[x->ntok++];
    t->off = off; t->len = len; t->flags = flags; t->wid = 0; t->cap = 0;
    const unsigned char *s = (const unsigned char *)x->text + off;
    char *f = fold_room(x);
    size_t fl;
    if (len < 200) {
        /* the common case, an ASCII word: fold (A-Z to a-z), count capitals and small
        ** letters and hash the folded form (kr_hash, FNV-1a) in one pass over the bytes;
        ** the same results as kr_fold + the capitalization rule + kr_map_get */
        uint64_t h = KR_HASH_INIT;
        int up = 0, low = 0, first = -1;
        uint32_t i = 0;
        for (; i < len; i++) {
            unsigned char c = s[i], k = cls[c];
            if (c >= 0x80) break;
            if (k & C_UP) { up++; if (first < 0) first = 1; c = (unsigned char)(c + 32); }
            else if (k & C_LOW) { low++; if (first < 0) first = 0; }
            f[i] = (char)c;
            h = kr_hash_add(h, c);
        }
        if (i == len) {
            f[len] = 0;
            x->room += len + 1;
            t->cap = (up >= 1 && low == 0 && (up >= 2 || len == 1)) ? 2 : first == 1 ? 1 : 0;
            t->fold = f;
            t->flen = len;
            t->wid = len ? kr_map_get_h(&x->L->vocab, f, len, h) : 0;
            return;
        }
        fl = kr_fold((const char *)s, len, f, FOLD_MAX);
    } else { fl = 0; f[0] = 0; }
    x->room += fl + 1;
    int ascii = 1;
    for (uint32_t i = 0; i < len; i++) if (s[i] >= 0x80) { ascii = 0; break; }
    if (ascii) {
        int up = 0, low = 0, first = -1;
        for (uint32_t i = 0; i < len; i++) {
            char c = (char)s[i];
            if (c >= 'A' && c <= 'Z') { up++; if (first < 0) first = 1; }
            else if (c >= 'a' && c <= 'z') { low++; if (first < 0) first = 0; }
        }
        t->cap = (up >= 1 && low == 0 && (up >= 2 || len == 1)) ? 2 : first == 1 ? 1 : 0;
    } else t->cap = (uint8_t)kr_capclass((const char *)s, len);
    t->fold = f;
    t->flen = (uint32_t)fl;
    t->wid = fl ? kr_wid(x->L, f, fl) : 0;
}

void kr_tokenize(const char *text, size_t n, const kr_lang *L, kr_arena *ar,
                 kr_tok **toks, uint32_t *ntok, uint32_t *cap) {
    size_t i = 0;
    const unsigned char *p = (const unsigned char *)text;
    tok_ctx x = { text, L, ar, *toks, *ntok, *cap, NULL, NULL, n < FOLD_BLOCK / 2 ? 2 * n + FOLD_MAX : FOLD_BLOCK };
    while (i < n) {
        unsigned char c = p[i];
        if (c == ' ' || c == '\n' || c == '\t') { i++; continue; }
        if (is_word_byte(c)) {
            size_t j = i;
            int hyph = 0;
            while (j < n) {
                if (is_word_byte(p[j])) { j++; continue; }
                /* inner connectors */
                if (j + 1 < n && is_word_byte(p[j+1]) && j > i) {
                    if (p[j] == '-' || p[j] == '_') { hyph = 1; j++; continue; }
                    if (p[j] == '.' && is_alpha_byte(p[j-1]) && is_alpha_byte(p[j+1])) {
                        /* "U.S", "o.a" -- but not "word.Next" sentence glue: require short parts */
                        size_t a = j; while (a > i && is_alpha_byte(p[a-1])) a--;
                        if (j - a <= 2) { j++; continue; }
                    }
                    if ((p[j] == '.' || p[j] == ',') && is_digit(p[j-1]) && is_digit(p[j+1])) { j++; continue; }
                    if (p[j] == '\'' && is_alpha_byte(p[j+1])) {
                        /* clitics: 's, n't, 're, 've, 'll, 'd */
                        size_t k = j + 1; while (k < n && is_alpha_byte(p[k])) k++;
                        size_t cl = k - j - 1;
                        if ((cl == 1 && (p[j+1] == 's' || p[j+1] == 'd' || p[j+1] == 'S')) || (cl == 2 && (!memcmp(p + j + 1, "re", 2) || !memcmp(p + j + 1, "ve", 2) || !memcmp(p + j + 1, "ll", 2)))) break;
                        if (cl == 1 && p[j+1] == 't' && j > i && (p[j-1] == 'n' || p[j-1] == 'N')) break;
                        j++; continue;      /* O'Brien, d'Ivoire */
                    }
                }
                break;
            }
            /* n't: "didn't" -> did + n't */
            if (j < n && p[j] == '\'' && j + 1 < n && p[j+1] == 't' && j > i + 1 && (p[j-1] == 'n' || p[j-1] == 'N')) {
                push(&x, (uint32_t)i, (uint32_t)(j - 1 - i), 0);
                push(&x, (uint32_t)(j - 1), 3, 0);
                i = j + 2;
                continue;
            }
            uint32_t flags = is_digit(c) ? TF_NUM : 0;
            if (hyph) {
                uint32_t before = x.ntok;
                push(&x, (uint32_t)i, (uint32_t)(j - i), flags);
                if (!x.toks[before].wid) {
                    /* unknown compound: split into parts */
                    x.ntok = before;
                    size_t a = i;
                    while (a < j) {
                        size_t b = a; while (b < j && p[b] != '-' && p[b] != '_') b++;
                        if (b > a) push(&x, (uint32_t)a, (uint32_t)(b - a), flags | TF_HYPH_PART);
                        a = b + 1;
                    }
                }
            } else push(&x, (uint32_t)i, (uint32_t)(j - i), flags);
            /* clitic 's / 're ... */
            if (j < n && p[j] == '\'' && j + 1 < n && is_alpha_byte(p[j+1])) {
                size_t k = j + 1; while (k < n && is_alpha_byte(p[k])) k++;
                push(&x, (uint32_t)j, (uint32_t)(k - j), 0);
                j = k;
            }
            i = j;
            continue;
        }
        /* punctuation; multi-byte non-letters are words by the rule above */
        uint32_t flags = TF_PUNCT;
        if (c == '(' || c == '[') flags |= TF_OPEN;
        if (c == ')' || c == ']') flags |= TF_CLOSE;
        if (c == '"' || c == '\'') flags |= TF_QUOTE;
        if (c == ',') flags |= TF_COMMA;
        if (c == ':' || c == ';') flags |= TF_COLON;
        /* "'s" at word start (Dutch 's-Gravenhage, 's avonds) is fine as quote + word */
        size_t j = i + 1;
        if (c == '.') while (j < n && p[j] == '.') j++;
        /* Dutch newspapers open quotes with ",," and close them with '' */
        if (c == ',' && j < n && p[j] == ',') { j++; flags = TF_PUNCT | TF_QUOTE | TF_OPEN; }
        else if (c == '\'' && j < n && p[j] == '\'') { j++; flags = TF_PUNCT | TF_QUOTE; }
        push(&x, (uint32_t)i, (uint32_t)(j - i), flags);
        i = j;
    }
    *toks = x.toks; *ntok = x.ntok; *cap = x.cap;
}

static int blank_line_between(const char *text, uint32_t a, uint32_t b) {
    int nl = 0;
    for (uint32_t i = a; i < b; i++) {
        if (text[i] == '\n') { if (++nl >= 2) return 1; }
        else if (text[i] != ' ' && text[i] != '\t') nl = 0;
    }
    return 0;
}

static void add_sent(kr_sent **s, uint32_t *ns, uint32_t *cap, const kr_tok *t, uint32_t a, uint32_t b) {
    if (b <= a) return;
    /* long sentences are cut into pieces of at most KR_MAX_TOKENS tokens */
    while (a < b) {
        uint32_t e = b - a > KR_MAX_TOKENS ? a + KR_MAX_TOKENS : b;
        /* issue 7: and of at most KR_MAX_SENTENCE bytes, as documented (a single longer
        ** token stays whole) */
        while (e > a + 1 && t[e-1].off + t[e-1].len - t[a].off > KR_MAX_SENTENCE) e--;
        if (*ns == *cap) { *cap = *cap ? *cap * 2 : 64; *s = kr_xrealloc(*s, *cap * sizeof **s); }
        kr_sent *x = &(*s)[(*ns)++];
        x->tok0 = a; x->ntok = e - a; x->off = t[a].off; x->len = t[e-1].off + t[e-1].len - t[a].off;
        a = e;
    }
}

/* A dateline ("Friday, January 4, 2019", "maandag 4 maart 2019") is no sentence: only
** day and month names (word class calendar), numbers and commas, with a month and a
** number. */
static int is_dateline(const kr_tok *t, uint32_t a, uint32_t b, const kr_lang *L) {
    if (b <= a || b - a > 8) return 0;
    int month = 0, num = 0;
    for (uint32_t i = a; i < b; i++) {
        if (t[i].flags & TF_NUM) { num = 1; continue; }
        if (t[i].flags & TF_COMMA) continue;
        if (t[i].wid && (L->wclass[t[i].wid] & WC_CALENDAR)) { month = 1; continue; }
        return 0;
    }
    return month && num;
}

/* a heading on a line of its own, without a full stop ("Chagrijn\n", "Reactions\n"):
** few words, the line ends without punctuation, the next line opens with a capital */
static int heading_break(const char *text, const kr_tok *t, uint32_t start, uint32_t i) {
    if (i - start > 10 || (t[i-1].flags & TF_PUNCT) || !t[i].cap) return 0;
    for (uint32_t k = t[i-1].off + t[i-1].len; k < t[i].off; k++) if (text[k] == '\n') return 1;
    return 0;
}

/* ... or glued to the sentence after it (the line break lost): "Afstel Zij stemden in
** januari tegen", "Verborgen camera's De premier riep": one to four words opening with a
** capital and no punctuation, then a capitalised word that opens sentences (an article,
** pronoun, conjunction, subordinator or preposition) and a lower-case word.  Names keep
** their capitalised parts ("De Telegraaf", "Van Engelshoven": a capital follows). */
static int glued_heading(const kr_tok *t, uint32_t ntok, uint32_t start, uint32_t i, const kr_lang *L) {
    if (i - start < 1 || i - start > 4 || i + 1 >= ntok || t[i].cap != 1 || !t[start].cap || !t[i].wid) return 0;
    if (!(L->wclass[t[i].wid] & (WC_DET | WC_PRON | WC_COORD | WC_SUB_OTHER | WC_SUB_COND | WC_PREP | WC_FIRST))) return 0;
    if ((t[i+1].flags & (TF_PUNCT | TF_QUOTE)) || t[i+1].cap) return 0;
    for (uint32_t k = start; k < i; k++) if (t[k].flags & (TF_PUNCT | TF_QUOTE | TF_OPEN | TF_CLOSE)) return 0;
    return 1;
}

static void add_text_sent(kr_sent **s, uint32_t *ns, uint32_t *cap, const kr_tok *t, uint32_t a, uint32_t b, const kr_lang *L) {
    if (is_dateline(t, a, b, L)) return;
    add_sent(s, ns, cap, t, a, b);
}

void kr_split(const char *text, const kr_tok *t, uint32_t ntok, const kr_lang *L,
              kr_sent **s, uint32_t *ns, uint32_t *cap) {
    uint32_t start = 0;
    for (uint32_t i = 0; i < ntok; i++) {
        /* (a blank line needs two newlines: a gap of one byte or none, the usual one, holds none) */
        if (i > start && ((t[i].off - (t[i-1].off + t[i-1].len) >= 2 && blank_line_between(text, t[i-1].off + t[i-1].len, t[i].off)) ||
                          heading_break(text, t, start, i) || glued_heading(t, ntok, start, i, L))) {
            add_text_sent(s, ns, cap, t, start, i, L);
            start = i;
        }
        if (!(t[i].flags & TF_PUNCT)) continue;
        char c = text[t[i].off];
        if (c != '.' && c != '!' && c != '?') continue;
        uint32_t end = i + 1;
        /* closing quotes / brackets belong to this sentence */
        while (end < ntok && (t[end].flags & (TF_QUOTE | TF_CLOSE)) && (end + 1 >= ntok || t[end].off > t[end-1].off)) {
            /* a quote attached to the next word opens the next sentence (". ,,Maar", '. "But') */
            if ((t[end].flags & TF_QUOTE) && end + 1 < ntok && t[end+1].off == t[end].off + t[end].len && !(t[end+1].flags & TF_PUNCT) &&
                t[end].off > t[end-1].off + t[end-1].len) break;
            end++;
        }
        if (c == '.' && i > start && t[i].len == 1) {
            const kr_tok *w = &t[i-1];
            if (w->off + w->len == t[i].off && !(w->flags & TF_PUNCT)) {
                /* "vs." is an abbreviation, "VS." (all capitals, no inner dot) ends a sentence */
                int caps_word = w->cap == 2 && w->len > 1 && !memchr(text + w->off, '.', w->len);
                /* an abbreviation ends a sentence only when a capitalised function word
                ** follows ("at 5 p.m. The police ...", "in the U.S. They ...") */
                int opens = end < ntok && t[end].cap && t[end].wid && (L->wclass[t[end].wid] & (WC_DET | WC_PRON | WC_COORD | WC_SUB_OTHER | WC_SUB_COND));
                if (w->flen && !caps_word && !opens && kr_map_get(&L->abbrev, w->fold, w->flen)) continue;
                if (w->len == 1 && w->cap) continue;                 /* initial: J. Biden */
                if (memchr(w->fold, '.', w->flen) && w->flen <= 6 && end < ntok && t[end].cap == 0) continue;  /* o.a. */
            }
        }
        if (end < ntok) {
            const kr_tok *nx = &t[end];
            unsigned char f = (unsigned char)text[nx->off];
            int starts = nx->cap || (f >= '0' && f <= '9') || (nx->flags & (TF_QUOTE | TF_OPEN)) || f >= 0x80 || f == '-';
            if (!starts) continue;
        }
        add_text_sent(s, ns, cap, t, start, end, L);
        start = end;
        i = end - 1;
    }
    add_text_sent(s, ns, cap, t, start, ntok, L);
}

int kr_detect_lang(const char *text, size_t n) {
    static const char *nl[] = {"de", "het", "een", "en", "van", "is", "dat", "niet", "zijn", "op", "met", "voor", "ook", "wordt", "naar", "heeft", NULL};
    static const char *en[] = {"the", "and", "of", "to", "is", "that", "was", "for", "with", "on", "has", "are", "by", "from", "have", "it", NULL};
    int snl = 0, sen = 0, nw = 0;
    /* issue 7: the first 700 words, not the first 4000 bytes (about as many words in
    ** prose): a prefix without words (a table, 4000 parentheses) hid the language */
    size_t lim = n, i = 0;
    while (i < lim && nw < 700) {
        while (i < lim && !((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z'))) i++;
        size_t j = i;
        while (j < lim && ((text[j] >= 'a' && text[j] <= 'z') || (text[j] >= 'A' && text[j] <= 'Z'))) j++;
        size_t l = j - i;
        if (l) nw++;
        if (l && l <= 6) {
            char w[8];
            for (size_t k = 0; k < l; k++) w[k] = (char)(text[i+k] | 0x20);
            w[l] = 0;
            for (int k = 0; nl[k]; k++) if (!strcmp(w, nl[k])) { snl++; break; }
            for (int k = 0; en[k]; k++) if (!strcmp(w, en[k])) { sen++; break; }
        }
        i = j;
    }
    if (snl + sen < 3) return -1;
    if (snl > sen * 3 / 2) return 0;
    if (sen > snl * 3 / 2) return 1;
    return -1;
}
