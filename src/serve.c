/*
** serve.c -- `kroniek serve`: the HTTP layer over the archive (src/store.h).
**
** A libmicrohttpd daemon with a thread pool answers GET (and HEAD) requests:
**   /api/...   JSON built with jansson from the archive, one route table below;
**   /, /NAME   the web page: files under web/ compiled into the binary (build/data.c,
**              kr_builtin_files) or, with --web DIR, the regular files directly in DIR.
** Only names in that set are served; there is no path resolution, so "..", "%2e%2e",
** absolute paths and symlinks never reach the file system.
**
** Safety defaults: bind to 127.0.0.1; GET/HEAD only (405 otherwise); no request body
** (413); bounded URL, parameter count and parameter sizes (414/400); parameters are
** validated before they reach the store, which binds them as SQL parameters; strict
** JSON errors {"error": "..."}; '<', '>' and '&' are \u-escaped in every JSON body;
** CORS only with --cors ORIGIN; security headers (nosniff, CSP, no framing) on all
** responses.
**
** Threads and memory: every connection has its own thread (MHD thread-per-connection),
** so a slow client or a slow query holds only its own; a request borrows a read-only
** kr_store from a small pool guarded by a mutex (one kr_store per thread at any moment,
** as store.h requires).  Full-text requests are "heavy": at most --threads of them run
** at once, and the pool has one handle more, so cheap requests always find one.
**
** Abuse limits (issue 15; docs/API.md "Limits"): a time budget per request (the store
** interrupts the query, 503) that also stops when the client hangs up; at most 8
** prefix terms in a full-text query; connections per address capped below the total;
** a deadline for the request head (a reaper thread shuts down connections that are
** too slow to send it); a raw NUL in the request line, a control character in a header, an HTTP/1.1 request without
** exactly one Host header, a bad Content-Length are 400; --web files are opened
** without blocking and must be regular files; /api/article pages its sentences.  The CAMEO dictionary is loaded once and shared
** read-only.  Response bodies: JSON bodies are malloc'ed and handed to MHD with
** MHD_RESPMEM_MUST_FREE; built-in files are static (MHD_RESPMEM_PERSISTENT); files read
** from --web DIR are malloc'ed (MUST_FREE).
*/
#include "kr_int.h"
#include "store.h"
#include "serve.h"
#include <microhttpd.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <malloc.h>
#include <sqlite3.h>

/* ---- limits (documented in docs/API.md) ---- */
#define SRV_MAX_PATH      1024      /* bytes of the (decoded) path */
#define SRV_MAX_URL       4096      /* path + all parameter names and values */
#define SRV_MAX_PARAMS    32        /* query parameters per request */
#define SRV_MAX_VALUE     1024      /* bytes of one parameter value */
#define SRV_MAX_TEXT      512       /* bytes of a full-text query (q, text) */
#define SRV_MAX_ROWS      20000     /* timeline rows in one response */
#define SRV_MAX_OFFSET    100000000L
#define SRV_MAX_FILE      (8u << 20) /* a file served from --web DIR */
#define SRV_MEM_LIMIT     (64u << 10) /* per-connection buffer: request line + headers */
#define SRV_TIMEOUT       30        /* seconds of idle before a connection is closed */
#define SRV_MAX_CONN      512
#define SRV_MAX_PER_IP    64        /* connections from one address (below SRV_MAX_CONN) */
#define SRV_HEAD_MS       10000     /* default deadline for a whole request head (ms) */
#define SRV_BUDGET_MS     3000      /* default time budget of one API request (ms) */
#define SRV_MAX_PARTS     2000      /* sentences in one /api/article answer */
#define SRV_BUCKETS       4096      /* addresses tracked by the rate limit (hashed) */
#define SRV_TRIM_BYTES    (64u << 10) /* answers this big give memory back when done */
#ifdef __SANITIZE_ADDRESS__
#define SRV_STACK         (8u << 20)
#else
#define SRV_STACK         (1u << 20) /* stack of a connection thread */
#endif
#define SRV_CACHE_N       256       /* cached API answers */
#define SRV_CACHE_BYTES   (32u << 20)


/* ------------------------------------------------------------------ server state */

/* A cached API answer: the serialized body of a 200 response, keyed by path and
** decoded parameters.  Valid while the archive files are unchanged (see cache_stamp). */
typedef struct { char *key; size_t klen; char *body; size_t len; unsigned long used; } srv_cached;

/* One per connection (MHD_OPTION_NOTIFY_CONNECTION), on the reaper's list. */
typedef struct srv_conn {
    struct srv_conn *next, *prev;
    int fd;
    int in_head;                 /* waiting for a request head (since t0) */
    int reaped;                  /* shut down by the reaper */
    double t0;                   /* ms: accepted, or the last answer was done */
    const char *uri;             /* the raw request target as MHD split it ... */
    size_t ulen;                 /* ... and its length as a C string (NUL check) */
    size_t last_body;            /* size of the last answer (memory trim) */
    size_t inflight;             /* its bytes counted in srv_ctx.inflight */
    unsigned char addr[16];      /* client address (IPv4 mapped into 16 bytes) */
} srv_conn;

typedef struct {
    const char *db;
    kr_dict *dict;               /* CAMEO labels; read-only after load */
    kr_names *names;             /* actor names (nl, en); read-only after load */
    /* articles per date and language (SQLite archives), for the timeline's "articles" */
    pthread_mutex_t amu;
    char astamp[200];
    struct srv_adate { char date[11]; char lang[3]; long n; } *adates;
    int nadates;
    long budget_ms, head_ms;     /* per-request time budget; request head deadline */
    /* heavy (full-text) requests running, at most heavy_max */
    int heavy, heavy_max;
    pthread_cond_t hcv;          /* with mu */
    /* connections, for the head deadline */
    pthread_mutex_t conn_mu;
    srv_conn *conns;
    pthread_t reaper;
    int reaper_on;
    volatile int stopping, want_trim;
    /* facing a network (item 13) */
    const char *token;           /* required access token, or NULL */
    double rate;                 /* requests per second per address, 0 = no limit */
    size_t mem_cap, inflight;    /* bytes of answers being sent (under conn_mu) */
    struct srv_bucket { unsigned char addr[16]; double tokens, t; } *buckets;   /* SRV_BUCKETS */
    /* pool of read-only archive handles */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    kr_store **idle;
    int nidle, nopen, max;
    /* web files from --web DIR (NULL: the built-in ones) */
    const char *web_dir;
    char **web_names;
    int nweb;
    const char *cors;            /* Access-Control-Allow-Origin value, or NULL */
    int log;
    /* answer cache (SQLite archives only) */
    int cache;
    pthread_mutex_t cmu;
    srv_cached ent[SRV_CACHE_N];
    int nent;
    size_t cbytes;
    unsigned long tick;
    char stamp[200];
    volatile int starting;       /* MHD diagnostics are printed only while starting */
    char csp[256];
} srv_ctx;

/* Borrow an archive handle; NULL (message in err) if none could be opened. */
static kr_store *pool_get(srv_ctx *S, char *err, size_t errlen) {
    kr_store *st = NULL;
    pthread_mutex_lock(&S->mu);
    while (S->nidle == 0 && S->nopen >= S->max) pthread_cond_wait(&S->cv, &S->mu);
    if (S->nidle) st = S->idle[--S->nidle];
    else S->nopen++;
    pthread_mutex_unlock(&S->mu);
    if (st) return st;
    st = kr_store_open(S->db, 0, 1, err, errlen);
    if (!st) {
        pthread_mutex_lock(&S->mu);
        S->nopen--;
        pthread_cond_signal(&S->cv);
        pthread_mutex_unlock(&S->mu);
    }
    return st;
}

static void pool_put(srv_ctx *S, kr_store *st) {
    if (!st) return;
    pthread_mutex_lock(&S->mu);
    S->idle[S->nidle++] = st;
    pthread_cond_signal(&S->cv);
    pthread_mutex_unlock(&S->mu);
}

/* ------------------------------------------------------------------ answer cache */

/* A fingerprint of the archive files (inode, size, modification time of DB and
** DB-wal): any committed write changes it.  Returns 0, or -1 when the archive is not a
** file (PostgreSQL), in which case nothing is cached. */
static int db_stamp(srv_ctx *S, char *out, size_t n) {
    struct stat a, w;
    char wal[4200];
    if (stat(S->db, &a) || !S_ISREG(a.st_mode)) return -1;
    snprintf(wal, sizeof wal, "%s-wal", S->db);
    int hw = stat(wal, &w) == 0;
    snprintf(out, n, "%lu:%lld:%lld.%09ld|%lld:%lld.%09ld", (unsigned long)a.st_ino, (long long)a.st_size,
             (long long)a.st_mtim.tv_sec, a.st_mtim.tv_nsec, hw ? (long long)w.st_size : -1LL,
             hw ? (long long)w.st_mtim.tv_sec : 0LL, hw ? w.st_mtim.tv_nsec : 0L);
    return 0;
}
static int cache_stamp(srv_ctx *S, char *out, size_t n) { return S->cache ? db_stamp(S, out, n) : -1; }

static void cache_flush(srv_ctx *S) {
    for (int i = 0; i < S->nent; i++) { free(S->ent[i].key); free(S->ent[i].body); }
    S->nent = 0;
    S->cbytes = 0;
}

/* Under S->cmu: forget everything if the archive changed since the entries were made. */
static void cache_sync(srv_ctx *S, const char *stamp) {
    if (strcmp(S->stamp, stamp)) {
        cache_flush(S);
        snprintf(S->stamp, sizeof S->stamp, "%s", stamp);
    }
}

/* A malloc'ed copy of the cached body for key, or NULL. */
static char *cache_get(srv_ctx *S, const char *stamp, const char *key, size_t klen, size_t *len) {
    char *body = NULL;
    pthread_mutex_lock(&S->cmu);
    cache_sync(S, stamp);
    for (int i = 0; i < S->nent; i++) {
        srv_cached *e = &S->ent[i];
        if (e->klen == klen && !memcmp(e->key, key, klen)) {
            if ((body = malloc(e->len ? e->len : 1))) { memcpy(body, e->body, e->len); *len = e->len; }
            e->used = ++S->tick;
            break;
        }
    }
    pthread_mutex_unlock(&S->cmu);
    return body;
}

/* Keep a copy of body under key; stamp is the fingerprint taken before the query ran. */
static void cache_put(srv_ctx *S, const char *stamp, const char *key, size_t klen, const char *body, size_t len) {
    if (len > SRV_CACHE_BYTES / 8) return;
    char *k = malloc(klen), *b = malloc(len ? len : 1);
    if (!k || !b) { free(k); free(b); return; }
    memcpy(k, key, klen);
    memcpy(b, body, len);
    pthread_mutex_lock(&S->cmu);
    cache_sync(S, stamp);
    while (S->nent && (S->nent == SRV_CACHE_N || S->cbytes + len > SRV_CACHE_BYTES)) {
        int lru = 0;                   /* evict the least recently used */
        for (int i = 1; i < S->nent; i++) if (S->ent[i].used < S->ent[lru].used) lru = i;
        S->cbytes -= S->ent[lru].len;
        free(S->ent[lru].key);
        free(S->ent[lru].body);
        S->ent[lru] = S->ent[--S->nent];
    }
    S->ent[S->nent++] = (srv_cached){k, klen, b, len, ++S->tick};
    S->cbytes += len;
    pthread_mutex_unlock(&S->cmu);
}

/* ------------------------------------------------------------------ JSON helpers */

/* Copy of s[0..n) with invalid UTF-8 replaced by U+FFFD; malloc'ed. */
static char *utf8_repair(const char *s, size_t n) {
    char *o = kr_xmalloc(n * 3 + 1), *w = o;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t l = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        int ok = l && i + l <= n;
        for (size_t k = 1; ok && k < l; k++) if ((p[i + k] & 0xC0) != 0x80) ok = 0;
        if (ok && l > 1) {
            unsigned cp = l == 2 ? c & 0x1F : l == 3 ? c & 0x0F : c & 0x07;
            for (size_t k = 1; k < l; k++) cp = cp << 6 | (p[i + k] & 0x3F);
            if ((l == 2 && cp < 0x80) || (l == 3 && cp < 0x800) || (l == 4 && cp < 0x10000) ||
                cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) ok = 0;
        }
        if (ok && c == 0) ok = 0;
        if (ok) { memcpy(w, p + i, l); w += l; i += l; }
        else { memcpy(w, "\xEF\xBF\xBD", 3); w += 3; i++; }
    }
    *w = 0;
    return o;
}

/* A JSON string from n bytes (repaired if not valid UTF-8). */
static json_t *jstrn(const char *s, size_t n) {
    if (!s) return json_null();
    json_t *j = json_stringn(s, n);
    if (j) return j;
    char *r = utf8_repair(s, n);
    j = json_string(r);
    free(r);
    return j ? j : json_string("");
}
/* A JSON string, or null for NULL. */
static json_t *jstr(const char *s) { return s ? jstrn(s, strlen(s)) : json_null(); }
/* A JSON string, "" for NULL. */
static json_t *jstr0(const char *s) { return jstr(s ? s : ""); }
static json_t *jreal(double x) { return isfinite(x) ? json_real(x) : json_null(); }

/* Serialize j (compact, '<' '>' '&' as \u escapes so a body can never be read as
** markup).  Returns a malloc'ed buffer and its length in *len, NULL on failure. */
/* The body for JSON text s[0..n): '<' '>' '&' as \u escapes, a newline at the end. */
static char *body_of(const char *s, size_t n, size_t *len) {
    size_t extra = 0;
    for (size_t i = 0; i < n; i++) if (s[i] == '<' || s[i] == '>' || s[i] == '&') extra += 5;
    char *o = malloc(n + extra + 2);
    if (!o) return NULL;
    char *w = o;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '<') { memcpy(w, "\\u003c", 6); w += 6; }
        else if (s[i] == '>') { memcpy(w, "\\u003e", 6); w += 6; }
        else if (s[i] == '&') { memcpy(w, "\\u0026", 6); w += 6; }
        else *w++ = s[i];
    }
    *w++ = '\n';
    *w = 0;
    *len = (size_t)(w - o);
    return o;
}

static char *json_body(const json_t *j, size_t *len) {
    char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
    if (!s) return NULL;
    char *o = body_of(s, strlen(s), len);
    free(s);
    return o;
}

/* ---- JSON written directly, for answers with many rows (the same text as json_dumps
** with JSON_COMPACT | JSON_REAL_PRECISION(10) would give) ---- */

#define BUF_LIT(b, lit) kr_buf_add((b), (lit), sizeof(lit) - 1)

/* a value made by jansson */
static void raw_json(kr_buf *b, json_t *j) {
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
    if (s) { kr_buf_add(b, s, strlen(s)); free(s); }
    else BUF_LIT(b, "null");
    json_decref(j);
}

/* a string (NULL: null); plain ones directly, others through jansson */
static void raw_str(kr_buf *b, const char *s) {
    if (!s) { BUF_LIT(b, "null"); return; }
    size_t n = 0;
    for (; s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        if (!(isalnum(c) || c == '-' || c == '_' || c == '.' || c == ' ' || c == ':')) { raw_json(b, jstr(s)); return; }
    }
    kr_buf_addc(b, '"');
    kr_buf_add(b, s, n);
    kr_buf_addc(b, '"');
}

/* a real as jansson writes it with precision 10 ("%.10g", ".0" if it looks like an
** integer, no '+' or leading zeros in the exponent); null if not finite */
static void raw_real(kr_buf *b, double x) {
    if (!isfinite(x)) { BUF_LIT(b, "null"); return; }
    char t[64];
    int n = snprintf(t, sizeof t - 3, "%.10g", x);
    if (n < 0 || n >= (int)sizeof t - 3) { raw_json(b, json_real(x)); return; }
    if (!strchr(t, '.') && !strchr(t, 'e')) { t[n++] = '.'; t[n++] = '0'; t[n] = 0; }
    char *e = strchr(t, 'e');
    if (e) {
        char *start = e + 1, *end = start + 1;
        if (*start == '-') start++;
        while (*end == '0') end++;
        if (end != start) { memmove(start, end, (size_t)(t + n - end) + 1); n -= (int)(end - start); }
    }
    kr_buf_add(b, t, (size_t)n);
}

/* ------------------------------------------------------------------ requests */

typedef struct { const char *k, *v; size_t vlen; } srv_param;

typedef struct {
    srv_ctx *S;
    struct MHD_Connection *c;
    const char *path;            /* decoded path */
    const char *tail;            /* path after a prefix route ("/api/article/" ...) */
    srv_param p[SRV_MAX_PARAMS];
    int np;
    size_t url_bytes;
    int bad;                     /* 1 too many, 2 NUL byte, 3 bad UTF-8, 4 control char, 5 value too long */
    const char *bad_key;
    kr_store *st;
    srv_conn *cc;                /* the connection (NULL in no case we know of) */
    double deadline;             /* ms: end of the time budget */
    double next_check;           /* ms: next look at the socket */
    int stopped;                 /* 1 budget spent, 2 client gone */
    int heavy;                   /* holds a heavy slot */
    unsigned status;             /* HTTP status of an error */
    char err[512];               /* its message */
    json_t *out;                 /* the answer, when status is 200 */
    kr_buf raw;                  /* ... or its JSON text (when raw.len) */
    const char *ctype;           /* a download (/api/export): raw is the body, of this type */
    char filename[64];           /* ... and its file name */
    int empty;                   /* ... and it is empty */
} srv_req;

static int fail(srv_req *r, unsigned status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    r->status = status;
    return -1;
}

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                     size_t key_size, const char *value, size_t value_size) {
    srv_req *r = cls;
    (void)kind;
    r->url_bytes += key_size + value_size + 2;
    if (r->bad) return MHD_YES;
    if (r->np == SRV_MAX_PARAMS) { r->bad = 1; return MHD_YES; }
    if (strlen(key) != key_size || (value && strlen(value) != value_size)) { r->bad = 2; r->bad_key = key; return MHD_YES; }
    if (!kr_utf8_valid(key, key_size) || (value && !kr_utf8_valid(value, value_size))) { r->bad = 3; r->bad_key = key; return MHD_YES; }
    if (value) for (size_t i = 0; i < value_size; i++)
        if ((unsigned char)value[i] < 0x20 || value[i] == 0x7F) { r->bad = 4; r->bad_key = key; return MHD_YES; }
    if (value_size > SRV_MAX_VALUE) { r->bad = 5; r->bad_key = key; return MHD_YES; }
    r->p[r->np].k = key;
    r->p[r->np].v = value ? value : "";
    r->p[r->np].vlen = value ? value_size : 0;
    r->np++;
    return MHD_YES;
}

static const char *param(const srv_req *r, const char *k) {
    for (int i = 0; i < r->np; i++) if (!strcmp(r->p[i].k, k)) return r->p[i].v;
    return NULL;
}

/* A parameter that is absent or empty counts as not given. */
static const char *param_ne(const srv_req *r, const char *k) {
    const char *v = param(r, k);
    return v && *v ? v : NULL;
}

/* Check the parameters against the route's list: unknown or repeated ones are 400. */
static int check_params(srv_req *r, const char *const *allowed) {
    for (int i = 0; i < r->np; i++) {
        int ok = 0;
        for (int k = 0; allowed && allowed[k]; k++) if (!strcmp(allowed[k], r->p[i].k)) { ok = 1; break; }
        if (!ok) {
            char list[400] = "";
            for (int k = 0; allowed && allowed[k]; k++) {
                if (k) strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, allowed[k], sizeof list - strlen(list) - 1);
            }
            return fail(r, 400, "unknown parameter '%.64s' (this endpoint takes: %s)", r->p[i].k, *list ? list : "none");
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(r->p[j].k, r->p[i].k)) return fail(r, 400, "parameter '%.64s' given more than once", r->p[i].k);
    }
    return 0;
}

/* Integer parameter in [lo, hi]; def when absent. */
static int param_long(srv_req *r, const char *k, long def, long lo, long hi, long *out) {
    const char *v = param_ne(r, k);
    if (!v) { *out = def; return 0; }
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (!isdigit((unsigned char)v[0]) || *end || errno) return fail(r, 400, "parameter '%s' must be a whole number", k);
    if (x < lo || x > hi) return fail(r, 400, "parameter '%s' must be between %ld and %ld", k, lo, hi);
    *out = x;
    return 0;
}

/* ------------------------------------------------------------------ time budget */

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* 1 if the client has closed its side of the connection (it will not read the answer). */
static int client_gone(const srv_conn *cc) {
    if (!cc || cc->fd < 0) return 0;
    struct pollfd pf = {cc->fd, POLLIN | POLLRDHUP, 0};
    if (poll(&pf, 1, 0) <= 0) return 0;
    if (pf.revents & (POLLHUP | POLLERR | POLLRDHUP)) return 1;
    char b;
    return recv(cc->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* The store's stop callback: the budget is spent, or the client left (looked at every
** 20 ms at most). */
static int req_stop(void *ctx) {
    srv_req *r = ctx;
    double t = now_ms();
    if (t > r->deadline) { r->stopped = 1; return 1; }
    if (t < r->next_check) return 0;
    r->next_check = t + 20;
    if (client_gone(r->cc)) { r->stopped = 2; return 1; }
    return 0;
}

/* Take a heavy slot, waiting at most until the deadline (or until the client leaves).
** 0, or -1 with the error set. */
static int heavy_get(srv_req *r) {
    srv_ctx *S = r->S;
    pthread_mutex_lock(&S->mu);
    while (S->heavy >= S->heavy_max) {
        double t = now_ms();
        if (t >= r->deadline || client_gone(r->cc)) break;
        double until = t + 50 < r->deadline ? t + 50 : r->deadline;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        long add = (long)((until - t) * 1e6);
        ts.tv_nsec += add % 1000000000L; ts.tv_sec += add / 1000000000L + ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&S->hcv, &S->mu, &ts);
    }
    int ok = S->heavy < S->heavy_max;
    if (ok) { S->heavy++; r->heavy = 1; }
    pthread_mutex_unlock(&S->mu);
    if (!ok) return fail(r, 503, "busy: %d full-text queries are running; try again", S->heavy_max);
    return 0;
}

static void heavy_put(srv_req *r) {
    if (!r->heavy) return;
    srv_ctx *S = r->S;
    pthread_mutex_lock(&S->mu);
    S->heavy--;
    r->heavy = 0;
    pthread_cond_signal(&S->hcv);
    pthread_mutex_unlock(&S->mu);
}

/* ------------------------------------------------------------------ filters */

typedef struct {
    kr_query q;
    char actor[65], source[65], target[65], da[65], db[65], code[8];
} srv_filter;

/* An actor code: letters and digits (CAMEO codes are upper-case; folded here). */
static int actor_code(srv_req *r, const char *name, const char *v, size_t n, char *out) {
    if (n == 0 || n > 64) return fail(r, 400, "parameter '%s': an actor code has 1 to 64 letters or digits", name);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (!isalnum(ch)) return fail(r, 400, "parameter '%s': '%.64s' is not an actor code (letters and digits, e.g. RUS or USAGOV)", name, v);
        out[i] = (char)toupper(ch);
    }
    out[n] = 0;
    return 0;
}

static int date_param(srv_req *r, const char *name, const char **out) {
    const char *v = param_ne(r, name);
    *out = NULL;
    if (!v) return 0;
    size_t n = strlen(v);
    if ((n != 7 && n != 10) || !kr_parse_date(v))
        return fail(r, 400, "parameter '%s' must be a date YYYY-MM-DD or YYYY-MM", name);
    *out = v;
    return 0;
}

static int text_param(srv_req *r, const char *name, const char **out) {
    const char *v = param_ne(r, name);
    *out = v;
    if (v && strlen(v) > SRV_MAX_TEXT) return fail(r, 414, "parameter '%s' is longer than %d bytes", name, SRV_MAX_TEXT);
    return 0;
}

/* The filter parameters shared by events, search, timeline and dyads. */
#define FILTER_PARAMS "actor", "source", "target", "dyad", "code", "root", "quad", "from", "to", "lang", "text", "doc"

static int parse_filter(srv_req *r, srv_filter *f) {
    memset(f, 0, sizeof *f);
    const char *v;
    if ((v = param_ne(r, "actor"))) { if (actor_code(r, "actor", v, strlen(v), f->actor)) return -1; f->q.actor = f->actor; }
    if ((v = param_ne(r, "source"))) { if (actor_code(r, "source", v, strlen(v), f->source)) return -1; f->q.source = f->source; }
    if ((v = param_ne(r, "target"))) { if (actor_code(r, "target", v, strlen(v), f->target)) return -1; f->q.target = f->target; }
    if ((v = param_ne(r, "dyad"))) {
        const char *comma = strchr(v, ',');
        if (!comma || strchr(comma + 1, ','))
            return fail(r, 400, "parameter 'dyad' must be two actor codes separated by a comma, e.g. RUS,USA");
        if (actor_code(r, "dyad", v, (size_t)(comma - v), f->da) ||
            actor_code(r, "dyad", comma + 1, strlen(comma + 1), f->db)) return -1;
        f->q.dyad_a = f->da;
        f->q.dyad_b = f->db;
    }
    const char *code = param_ne(r, "code"), *root = param_ne(r, "root");
    if (code && root) return fail(r, 400, "give 'code' or 'root', not both");
    if (code) {
        size_t n = strlen(code);
        if (n < 2 || n > 4 || strspn(code, "0123456789") != n)
            return fail(r, 400, "parameter 'code' must be a CAMEO code or prefix of 2 to 4 digits, e.g. 04 or 043");
        memcpy(f->code, code, n + 1);
        f->q.code = f->code;
    }
    if (root) {
        size_t n = strlen(root);
        int x = n == 2 && isdigit((unsigned char)root[0]) && isdigit((unsigned char)root[1]) ? atoi(root) : 0;
        if (n == 1 && isdigit((unsigned char)root[0])) x = root[0] - '0';
        if (x < 1 || x > 20) return fail(r, 400, "parameter 'root' must be a CAMEO root code 01 to 20");
        snprintf(f->code, sizeof f->code, "%02d", x);
        f->q.code = f->code;
    }
    long quad;
    if (param_long(r, "quad", 0, 1, 4, &quad)) return -1;
    f->q.quad = (int)quad;
    if (date_param(r, "from", &f->q.from) || date_param(r, "to", &f->q.to)) return -1;
    if (f->q.from && f->q.to && kr_parse_date(f->q.from) > kr_parse_date(f->q.to))
        return fail(r, 400, "'from' (%s) is after 'to' (%s)", f->q.from, f->q.to);
    if ((v = param_ne(r, "lang"))) {
        if (strcmp(v, "nl") && strcmp(v, "en")) return fail(r, 400, "parameter 'lang' must be nl or en");
        f->q.lang = v;
    }
    if (text_param(r, "text", &f->q.text)) return -1;
    if ((v = param_ne(r, "doc"))) {
        if (strlen(v) > 256) return fail(r, 400, "parameter 'doc' is longer than 256 bytes");
        f->q.doc = v;
    }
    return 0;
}

/* Map a store failure to an HTTP error: bad arguments (e.g. full-text syntax) are 400,
** everything else 500 with the detail in the server log only. */
static int store_fail(srv_req *r, kr_status st, const char *what) {
    const char *msg = kr_store_error(r->st);
    if (st == KR_ERR_ARG) return fail(r, 400, "%s", msg && *msg ? msg : "bad query");
    if (st == KR_ERR_LIMIT || r->stopped) {
        if (r->stopped == 2 || (!r->stopped && client_gone(r->cc))) return fail(r, 499, "client closed the connection");
        return fail(r, 503, "the query took longer than the time budget of %ld ms: narrow it (fewer words or prefix "
                    "terms, a date range, other filters)", r->S->budget_ms);
    }
    fprintf(stderr, "kroniek serve: %s %s: %s (%s)\n", what, r->path, msg ? msg : "", kr_strerror(st));
    /* a text changed behind kroniek's back: say which, never hand it out (issue 15) */
    if (st == KR_ERR_DAMAGED) return fail(r, 500, "%s", msg);
    return fail(r, 500, "internal error while reading the archive (see the server log)");
}

/* ------------------------------------------------------------------ handlers */

typedef struct { json_t *arr; const kr_dict *d; const kr_names *nm; const char *nl; } ev_ctx;

/* The names parameter: "nl" or "en" (default) for source_name, target_name, name. */
static int names_param(srv_req *r, const char **out) {
    const char *v = param_ne(r, "names");
    *out = "en";
    if (!v) return 0;
    if (strcmp(v, "nl") && strcmp(v, "en")) return fail(r, 400, "parameter 'names' must be nl or en");
    *out = v;
    return 0;
}

/* The display name of an actor code as a JSON string ("" for no code). */
static json_t *jname(const kr_names *nm, const char *code, const char *lang) {
    if (!nm || !code || !*code) return json_string("");
    char buf[256];
    return jstr(kr_actor_name(nm, code, lang, buf, sizeof buf));
}

static json_t *event_json(const kr_event_row *row, const kr_dict *d, const kr_names *nm, const char *nl) {
    const kr_event *e = &row->ev;
    const char *label = row->label && *row->label ? row->label : (e->code ? kr_cameo_label(d, e->code) : NULL);
    char root[3] = {e->root[0], e->root[1], 0};
    if (!root[0] && e->code && e->code[0] && e->code[1]) { root[0] = e->code[0]; root[1] = e->code[1]; }
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(row->id));
    json_object_set_new(o, "doc", jstr0(e->doc));
    json_object_set_new(o, "date", jstr0(e->date));
    json_object_set_new(o, "sentence", json_integer(e->sentence));
    json_object_set_new(o, "source", jstr0(e->source));
    json_object_set_new(o, "target", jstr0(e->target));
    json_object_set_new(o, "code", jstr0(e->code));
    json_object_set_new(o, "root", jstr0(root));
    json_object_set_new(o, "label", jstr(label));
    json_object_set_new(o, "quad", json_integer(e->quad));
    json_object_set_new(o, "goldstein", jreal(e->goldstein));
    json_object_set_new(o, "location", jstr0(e->location));
    json_object_set_new(o, "source_text", jstr0(e->source_text));
    json_object_set_new(o, "target_text", jstr0(e->target_text));
    json_object_set_new(o, "verb_text", jstr0(e->verb_text));
    json_object_set_new(o, "text", jstr0(e->text));
    json_object_set_new(o, "title", jstr(row->title));
    json_object_set_new(o, "lang", jstr(row->lang));
    json_object_set_new(o, "source_name", jname(nm, e->source, nl));
    json_object_set_new(o, "target_name", jname(nm, e->target, nl));
    json_object_set_new(o, "url", jstr(row->url));
    return o;
}

static int ev_cb(void *ctx, const kr_event_row *row) {
    ev_ctx *x = ctx;
    json_array_append_new(x->arr, event_json(row, x->d, x->nm, x->nl));
    return 0;
}

static json_t *query_json(const kr_query *q) {
    json_t *o = json_object();
    if (q->actor) json_object_set_new(o, "actor", jstr(q->actor));
    if (q->source) json_object_set_new(o, "source", jstr(q->source));
    if (q->target) json_object_set_new(o, "target", jstr(q->target));
    if (q->dyad_a) { json_t *a = json_array(); json_array_append_new(a, jstr(q->dyad_a)); json_array_append_new(a, jstr(q->dyad_b)); json_object_set_new(o, "dyad", a); }
    if (q->code) json_object_set_new(o, "code", jstr(q->code));
    if (q->quad) json_object_set_new(o, "quad", json_integer(q->quad));
    if (q->from) json_object_set_new(o, "from", jstr(q->from));
    if (q->to) json_object_set_new(o, "to", jstr(q->to));
    if (q->lang) json_object_set_new(o, "lang", jstr(q->lang));
    if (q->text) json_object_set_new(o, "text", jstr(q->text));
    if (q->doc) json_object_set_new(o, "doc", jstr(q->doc));
    return o;
}

/* the flag parameters: absent, 0 or 1 */
static int flag_param(srv_req *r, const char *k, int *out) {
    long v;
    if (param_long(r, k, 0, 0, 1, &v)) return -1;
    *out = (int)v;
    return 0;
}

/* ---- one-a-day: one event per (date, source, target, code), the first in the order
** read; its events, articles and publishers counted (kr_daily, store_daily.c) */
typedef struct { ev_ctx e; kr_daily seen; long skip, limit, total; } daily_ctx;
static int daily_cb(void *ctx, const kr_event_row *row) {
    daily_ctx *x = ctx;
    int isnew;
    kr_daily_group(&x->seen, &row->ev, &isnew);
    if (!isnew) return 0;
    x->total++;
    if (x->skip > 0) { x->skip--; return 0; }
    if ((long)json_array_size(x->e.arr) < x->limit) json_array_append_new(x->e.arr, event_json(row, x->e.d, x->e.nm, x->e.nl));
    return 0;
}

/* GET /api/events: events matching the filters, a page at a time, oldest first (the
** store's order: date, article, sentence) or, with order=desc, newest first (the exact
** reverse of that order, so paging stays stable).  one_a_day=1: the first event of each
** (date, source, target, code) in that order, paged here. */
static int h_events(srv_req *r) {
    srv_filter f;
    long limit, offset;
    int daily;
    const char *order = param_ne(r, "order"), *nl;
    if (parse_filter(r, &f) || param_long(r, "limit", 50, 1, 1000, &limit) ||
        param_long(r, "offset", 0, 0, SRV_MAX_OFFSET, &offset) || names_param(r, &nl) || flag_param(r, "one_a_day", &daily)) return -1;
    if (order && strcmp(order, "asc") && strcmp(order, "desc")) return fail(r, 400, "parameter 'order' must be asc or desc");
    int desc = order && !strcmp(order, "desc");
    ev_ctx x = {json_array(), r->S->dict, r->S->names, nl};
    long total = -1;
    f.q.desc = desc;
    kr_status st;
    if (daily) {
        daily_ctx dx;
        memset(&dx, 0, sizeof dx);
        dx.e = x;
        dx.skip = offset;
        dx.limit = limit;
        kr_daily_init(&dx.seen);
        st = kr_store_events(r->st, &f.q, daily_cb, &dx, NULL);
        kr_daily_free(&dx.seen);
        total = dx.total;
    } else {
        f.q.limit = limit;
        f.q.offset = offset;
        st = kr_store_events(r->st, &f.q, ev_cb, &x, &total);
    }
    if (st != KR_OK) { json_decref(x.arr); return store_fail(r, st, "events"); }
    r->out = json_object();
    json_object_set_new(r->out, "total", json_integer(total >= 0 ? total : (long)json_array_size(x.arr) + offset));
    json_object_set_new(r->out, "limit", json_integer(limit));
    json_object_set_new(r->out, "offset", json_integer(offset));
    json_object_set_new(r->out, "order", jstr(desc ? "desc" : "asc"));
    json_object_set_new(r->out, "one_a_day", json_boolean(daily));
    json_object_set_new(r->out, "filter", query_json(&f.q));
    json_object_set_new(r->out, "events", x.arr);
    return 0;
}

/* GET /api/export?format=csv|jsonl|gdelt|plover: the whole selection as a file to
** download (at most limit events, default and cap SRV_MAX_EXPORT).  jsonl: the objects
** of /api/events (with names); csv, gdelt, plover: the writers of `kroniek export`. */
#define SRV_MAX_EXPORT 200000
typedef struct { srv_req *r; FILE *f; kr_format fmt; int jsonl, daily; const char *nl; long n, limit; int cut;
                 kr_daily seen, *counts; } exp_ctx;
static int exp_cb(void *ctx, const kr_event_row *row) {
    exp_ctx *x = ctx;
    const kr_event *e = &row->ev;
    if (x->daily) { int isnew; kr_daily_group(&x->seen, e, &isnew); if (!isnew) return 0; }
    if (x->n >= x->limit) { x->cut = 1; return 1; }
    if (x->jsonl) {
        json_t *o = event_json(row, x->r->S->dict, x->r->S->names, x->nl);
        char *t = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
        json_decref(o);
        if (t) { fputs(t, x->f); fputc('\n', x->f); free(t); }
        x->n++;
        return 0;
    }
    kr_event_info info = {row->url, row->title, row->lang, row->publisher, 0, 0, 0, x->r->S->names};
    if (x->counts) {
        uint32_t gi = kr_daily_group(x->counts, e, NULL);
        const kr_daily_grp *g = &x->counts->g[gi - 1];
        info.mentions = g->mentions; info.articles = g->articles; info.sources = g->sources;
    }
    if (kr_write_event_info(x->f, x->fmt, e, x->r->S->dict, row->id, &info)) x->n++;
    return 0;
}

static int h_export(srv_req *r) {
    srv_filter f;
    long limit;
    int daily, header;
    const char *fmt = param_ne(r, "format"), *nl;
    if (parse_filter(r, &f) || param_long(r, "limit", SRV_MAX_EXPORT, 1, SRV_MAX_EXPORT, &limit) || names_param(r, &nl) ||
        flag_param(r, "one_a_day", &daily) || flag_param(r, "header", &header)) return -1;
    if (!fmt) fmt = "jsonl";
    exp_ctx x;
    memset(&x, 0, sizeof x);
    x.r = r; x.daily = daily; x.nl = nl; x.limit = limit;
    const char *ext;
    if (!strcmp(fmt, "jsonl")) { x.jsonl = 1; r->ctype = "application/x-ndjson; charset=utf-8"; ext = "jsonl"; }
    else if (!strcmp(fmt, "csv")) { x.fmt = KR_FMT_CSV; r->ctype = "text/csv; charset=utf-8"; ext = "csv"; }
    else if (!strcmp(fmt, "gdelt")) { x.fmt = KR_FMT_TSV; r->ctype = "text/tab-separated-values; charset=utf-8"; ext = "tsv"; }
    else if (!strcmp(fmt, "plover")) { x.fmt = KR_FMT_PLOVER; r->ctype = "application/x-ndjson; charset=utf-8"; ext = "plover.jsonl"; }
    else return fail(r, 400, "parameter 'format' must be csv, jsonl, gdelt or plover");
    snprintf(r->filename, sizeof r->filename, "kroniek-events%s.%s", daily ? "-one-a-day" : "", ext);
    char *buf = NULL;
    size_t len = 0;
    x.f = open_memstream(&buf, &len);
    if (!x.f) return fail(r, 500, "out of memory");
    kr_daily counts;
    kr_status st = KR_OK;
    if (x.fmt == KR_FMT_TSV && !x.jsonl) {        /* GDELT counts: a first pass over the selection */
        kr_daily_init(&counts);
        x.counts = &counts;
        st = kr_store_events(r->st, &f.q, kr_daily_count, &counts, NULL);
    }
    if (daily) kr_daily_init(&x.seen);
    if (!x.jsonl && (x.fmt == KR_FMT_CSV || (x.fmt == KR_FMT_TSV && header))) kr_write_header(x.f, x.fmt);
    if (st == KR_OK) st = kr_store_events(r->st, &f.q, exp_cb, &x, NULL);
    fclose(x.f);
    if (x.counts) kr_daily_free(&counts);
    if (daily) kr_daily_free(&x.seen);
    if (st != KR_OK) { free(buf); return store_fail(r, st, "export"); }
    if (len) kr_buf_add(&r->raw, buf, len);
    else r->empty = 1;
    free(buf);
    return 0;
}

static int search_cb(void *ctx, const kr_search_row *s) {
    json_t *o = json_object();
    json_object_set_new(o, "id", jstr0(s->id));
    json_object_set_new(o, "date", jstr0(s->date));
    json_object_set_new(o, "lang", jstr(s->lang));
    json_object_set_new(o, "title", jstr(s->title));
    json_object_set_new(o, "snippet", jstr0(s->snippet));
    json_object_set_new(o, "rank", jreal(s->rank));
    json_array_append_new(ctx, o);
    return 0;
}

/* GET /api/search?q=...: articles matching a full-text query (best first). */
static int h_search(srv_req *r) {
    srv_filter f;
    long limit, offset;
    const char *q;
    if (text_param(r, "q", &q) || parse_filter(r, &f) || param_long(r, "limit", 20, 1, 200, &limit) ||
        param_long(r, "offset", 0, 0, SRV_MAX_OFFSET, &offset)) return -1;
    if (!q) return fail(r, 400, "parameter 'q' (the full-text query) is required");
    f.q.limit = limit;
    f.q.offset = offset;
    json_t *arr = json_array();
    long total = -1;
    kr_status st = kr_store_search(r->st, q, &f.q, search_cb, arr, &total);
    if (st != KR_OK) { json_decref(arr); return store_fail(r, st, "search"); }
    r->out = json_object();
    json_object_set_new(r->out, "q", jstr(q));
    json_object_set_new(r->out, "total", json_integer(total >= 0 ? total : (long)json_array_size(arr) + offset));
    json_object_set_new(r->out, "limit", json_integer(limit));
    json_object_set_new(r->out, "offset", json_integer(offset));
    json_object_set_new(r->out, "filter", query_json(&f.q));
    json_object_set_new(r->out, "results", arr);
    return 0;
}

typedef struct { kr_buf rows; long n; int truncated; kr_map *arts; } tl_ctx;

/* ---- articles per period (the timeline's "articles", for counts per article) ----
** The store has no query for it, so for a SQLite archive the server reads the
** articles' dates and languages itself (a read-only connection; one small GROUP BY,
** kept until the archive files change).  PostgreSQL: no article counts. */
static int articles_load(srv_ctx *S) {
    char stamp[200];
    if (db_stamp(S, stamp, sizeof stamp)) return -1;
    pthread_mutex_lock(&S->amu);
    int ok = S->adates && !strcmp(stamp, S->astamp);
    if (!ok) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        struct srv_adate *v = NULL;
        int n = 0, cap = 0, rc = sqlite3_open_v2(S->db, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, "SELECT date, lang, count(*) FROM articles GROUP BY date, lang", -1, &st, NULL);
        while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
            const char *d = (const char *)sqlite3_column_text(st, 0), *l = (const char *)sqlite3_column_text(st, 1);
            if (!d || (strlen(d) != 7 && strlen(d) != 10)) continue;
            if (n == cap) { cap = cap ? cap * 2 : 1024; v = kr_xrealloc(v, (size_t)cap * sizeof *v); }
            snprintf(v[n].date, sizeof v[n].date, "%s", d);
            snprintf(v[n].lang, sizeof v[n].lang, "%s", l ? l : "");
            v[n++].n = (long)sqlite3_column_int64(st, 2);
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        if (rc == SQLITE_OK) {
            free(S->adates);
            S->adates = v ? v : kr_xmalloc(sizeof *v);
            S->nadates = n;
            snprintf(S->astamp, sizeof S->astamp, "%s", stamp);
            ok = 1;
        } else free(v);
    }
    pthread_mutex_unlock(&S->amu);
    return ok ? 0 : -1;
}

/* the period of a date as the store writes it: 2022-01, 2022-W03 (ISO), 2022-01-10; a
** month-dated article counts as the first of its month */
static void period_of(const char *date, const char *by, char *out, size_t n) {
    if (!strcmp(by, "month")) { snprintf(out, n, "%.7s", date); return; }
    char d[11];
    snprintf(d, sizeof d, "%.7s-%s", date, strlen(date) == 10 ? date + 8 : "01");
    if (!strcmp(by, "day")) { snprintf(out, n, "%s", d); return; }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = atoi(d) - 1900; tm.tm_mon = atoi(d + 5) - 1; tm.tm_mday = atoi(d + 8); tm.tm_hour = 12;
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    strftime(out, n, "%G-W%V", &tm);
}

/* articles per period (of lang, or all) into m: period -> count + 1 */
static int articles_map(srv_ctx *S, const char *by, const char *lang, kr_map *m) {
    if (articles_load(S)) return -1;
    pthread_mutex_lock(&S->amu);
    char per[16];
    for (int i = 0; i < S->nadates; i++) {
        if (lang && strcmp(lang, S->adates[i].lang)) continue;
        period_of(S->adates[i].date, by, per, sizeof per);
        size_t pn = strlen(per);
        uint32_t v = kr_map_get(m, per, pn);
        kr_map_put(m, per, pn, (v ? v : 1) + (uint32_t)S->adates[i].n);
    }
    pthread_mutex_unlock(&S->amu);
    return 0;
}

/* a timeline row, written as JSON text (thousands of rows: jansson's objects cost more
** than the query) */
static int tl_cb(void *ctx, const kr_timeline_row *t) {
    tl_ctx *x = ctx;
    if (x->n >= SRV_MAX_ROWS) { x->truncated = 1; return 1; }
    kr_buf *b = &x->rows;
    if (x->n) kr_buf_addc(b, ',');
    BUF_LIT(b, "{\"period\":"); raw_str(b, t->period ? t->period : "");
    if (t->source && *t->source) { BUF_LIT(b, ",\"source\":"); raw_str(b, t->source); }
    if (t->target && *t->target) { BUF_LIT(b, ",\"target\":"); raw_str(b, t->target); }
    kr_buf_addf(b, ",\"count\":%ld,\"count_daily\":%ld,", t->count, t->count_daily);
    if (x->arts) {
        const char *per = t->period ? t->period : "";
        uint32_t a = kr_map_get(x->arts, per, strlen(per));
        kr_buf_addf(b, "\"articles\":%ld,", a ? (long)a - 1 : 0L);
    }
    BUF_LIT(b, "\"goldstein_sum\":");
    raw_real(b, t->goldstein_sum);
    BUF_LIT(b, ",\"goldstein_mean\":"); raw_real(b, t->goldstein_mean);
    BUF_LIT(b, ",\"quad_share\":[");
    for (int k = 1; k <= 4; k++) { if (k > 1) kr_buf_addc(b, ','); raw_real(b, t->quad_share[k]); }
    BUF_LIT(b, "],\"quad_count\":[");
    for (int k = 1; k <= 4; k++) kr_buf_addf(b, "%s%lld", k > 1 ? "," : "", (long long)llround(t->quad_share[k] * (double)t->count));
    BUF_LIT(b, "]}");
    x->n++;
    return 0;
}

static int bucket_param(srv_req *r, const char **by) {
    *by = param_ne(r, "by");
    if (!*by) *by = "month";
    if (strcmp(*by, "day") && strcmp(*by, "week") && strcmp(*by, "month"))
        return fail(r, 400, "parameter 'by' must be day, week or month");
    return 0;
}

/* GET /api/timeline: counts, Goldstein sums and quad-class shares per period. */
static int h_timeline(srv_req *r) {
    srv_filter f;
    const char *by, *group = param_ne(r, "group");
    if (parse_filter(r, &f) || bucket_param(r, &by)) return -1;
    if (group && strcmp(group, "dyad")) return fail(r, 400, "parameter 'group' must be 'dyad' (or absent)");
    tl_ctx x = {{0}, 0, 0, NULL};
    kr_arena ar;
    kr_map arts;
    memset(&ar, 0, sizeof ar);
    kr_map_init(&arts, &ar);
    if (articles_map(r->S, by, f.q.lang, &arts) == 0) x.arts = &arts;
    kr_status st = kr_store_timeline(r->st, &f.q, by, group != NULL, tl_cb, &x);
    kr_map_free(&arts);
    kr_arena_free(&ar);
    if (st != KR_OK) { kr_buf_free(&x.rows); return store_fail(r, st, "timeline"); }
    kr_buf *b = &r->raw;
    BUF_LIT(b, "{\"by\":"); raw_str(b, by);
    BUF_LIT(b, ",\"group\":"); raw_str(b, group);
    BUF_LIT(b, ",\"filter\":"); raw_json(b, query_json(&f.q));
    kr_buf_addf(b, ",\"truncated\":%s,\"rows\":[", x.truncated ? "true" : "false");
    if (x.rows.len) kr_buf_add(b, x.rows.p, x.rows.len);
    BUF_LIT(b, "]}");
    kr_buf_free(&x.rows);
    return 0;
}

/* ---- /api/dyads: the most active dyads (either direction), from the timeline by dyad */

typedef struct { char a[65], b[65]; long count, ab, ba, quad[5]; double gsum; char first[16], last[16]; } dyad_acc;
typedef struct { kr_arena ar; kr_map idx; dyad_acc *v; uint32_t n, cap; } dyad_ctx;

static int dyad_cb(void *ctx, const kr_timeline_row *t) {
    dyad_ctx *x = ctx;
    const char *s = t->source ? t->source : "", *g = t->target ? t->target : "";
    if (strlen(s) > 64 || strlen(g) > 64) return 0;
    int swap = strcmp(s, g) > 0;
    const char *a = swap ? g : s, *b = swap ? s : g;
    char key[130];
    int kn = snprintf(key, sizeof key, "%s\t%s", a, b);
    uint32_t i = kr_map_get(&x->idx, key, (size_t)kn);
    if (!i) {
        if (x->n == x->cap) { x->cap = x->cap ? x->cap * 2 : 256; x->v = kr_xrealloc(x->v, x->cap * sizeof *x->v); }
        dyad_acc *d = &x->v[x->n];
        memset(d, 0, sizeof *d);
        strcpy(d->a, a);
        strcpy(d->b, b);
        kr_map_put(&x->idx, key, (size_t)kn, ++x->n);
        i = x->n;
    }
    dyad_acc *d = &x->v[i - 1];
    d->count += t->count;
    if (swap) d->ba += t->count; else d->ab += t->count;
    for (int k = 1; k <= 4; k++) d->quad[k] += llround(t->quad_share[k] * (double)t->count);
    d->gsum += t->goldstein_sum;
    if (t->period) {
        if (!d->first[0] || strcmp(t->period, d->first) < 0) snprintf(d->first, sizeof d->first, "%s", t->period);
        if (strcmp(t->period, d->last) > 0) snprintf(d->last, sizeof d->last, "%s", t->period);
    }
    return 0;
}

static int dyad_cmp(const void *pa, const void *pb) {
    const dyad_acc *a = pa, *b = pb;
    if (a->count != b->count) return a->count < b->count ? 1 : -1;
    int c = strcmp(a->a, b->a);
    return c ? c : strcmp(a->b, b->b);
}

static int h_dyads(srv_req *r) {
    srv_filter f;
    long limit;
    const char *nl;
    if (parse_filter(r, &f) || param_long(r, "limit", 10, 1, 100, &limit) || names_param(r, &nl)) return -1;
    dyad_ctx x;
    memset(&x, 0, sizeof x);
    kr_map_init(&x.idx, &x.ar);
    kr_status st = kr_store_timeline(r->st, &f.q, "month", 1, dyad_cb, &x);
    if (st == KR_OK) {
        if (x.n) qsort(x.v, x.n, sizeof *x.v, dyad_cmp);
        json_t *arr = json_array();
        for (uint32_t i = 0; i < x.n && i < (uint32_t)limit; i++) {
            dyad_acc *d = &x.v[i];
            json_t *o = json_object(), *q = json_array();
            json_object_set_new(o, "a", jstr(d->a));
            json_object_set_new(o, "b", jstr(d->b));
            json_object_set_new(o, "a_name", jname(r->S->names, d->a, nl));
            json_object_set_new(o, "b_name", jname(r->S->names, d->b, nl));
            json_object_set_new(o, "count", json_integer(d->count));
            json_object_set_new(o, "a_to_b", json_integer(d->ab));
            json_object_set_new(o, "b_to_a", json_integer(d->ba));
            for (int k = 1; k <= 4; k++) json_array_append_new(q, json_integer(d->quad[k]));
            json_object_set_new(o, "quad_count", q);
            json_object_set_new(o, "goldstein_sum", jreal(d->gsum));
            json_object_set_new(o, "first", jstr(d->first));
            json_object_set_new(o, "last", jstr(d->last));
            json_array_append_new(arr, o);
        }
        r->out = json_object();
        json_object_set_new(r->out, "total", json_integer(x.n));
        json_object_set_new(r->out, "filter", query_json(&f.q));
        json_object_set_new(r->out, "dyads", arr);
    }
    kr_map_free(&x.idx);
    kr_arena_free(&x.ar);
    free(x.v);
    return st == KR_OK ? 0 : store_fail(r, st, "dyads");
}

typedef struct {
    json_t *arr; const kr_names *nm; const char *nl;
    char q[256]; size_t qn;          /* look-up: the folded query, or qn 0 */
    char qcode[65];                  /* ... the query as a code prefix, or "" */
    char (*exact)[KR_CODE_MAX]; int nexact;   /* ... codes the query names exactly */
    json_t *named;                   /* ... the actors the query names exactly, listed first */
    long limit;
} actors_ctx;

/* 1 if the folded name contains the folded query at the start of a word */
static int name_match(const char *name, const char *q, size_t qn) {
    char f[512];
    size_t n = kr_fold(name, strlen(name), f, sizeof f);
    if (n >= sizeof f) n = sizeof f - 1;
    f[n] = 0;
    for (const char *p = f; (p = strstr(p, q)); p++)
        if (p == f || !isalnum((unsigned char)p[-1])) return 1;
    (void)qn;
    return 0;
}

static int actor_cb(void *ctx, const kr_actor_row *a) {
    actors_ctx *x = ctx;
    char en[256], nl[256];
    kr_actor_name(x->nm, a->code, "en", en, sizeof en);
    kr_actor_name(x->nm, a->code, "nl", nl, sizeof nl);
    if (x->qn) {
        int ok = x->qcode[0] && !strncmp(a->code, x->qcode, strlen(x->qcode));
        for (int i = 0; !ok && i < x->nexact; i++) ok = !strncmp(a->code, x->exact[i], strlen(x->exact[i]));
        if (!ok) ok = name_match(en, x->q, x->qn) || name_match(nl, x->q, x->qn);
        if (!ok) return 0;
    }
    int named = 0;
    for (int i = 0; x->qn && i < x->nexact; i++) if (!strcmp(a->code, x->exact[i])) named = 1;
    if ((long)(json_array_size(x->arr) + (x->named ? json_array_size(x->named) : 0)) >= x->limit && !named) return x->qn ? 0 : 1;
    json_t *o = json_object();
    json_object_set_new(o, "code", jstr0(a->code));
    json_object_set_new(o, "name", jstr(!strcmp(x->nl, "nl") ? nl : en));
    json_object_set_new(o, "name_en", jstr(en));
    json_object_set_new(o, "name_nl", jstr(nl));
    json_object_set_new(o, "events", json_integer(a->events));
    json_object_set_new(o, "mentions", json_integer(a->mentions));
    json_array_append_new(named && x->named ? x->named : x->arr, o);
    return 0;
}

/* GET /api/actors?prefix=RUS: actor codes with their names and event and mention
** counts, most active first.  q=Rusl: a look-up by code prefix or by a word start of
** the Dutch or English name (case and accents ignored; "Rusland", "NAVO", "rege"). */
static int h_actors(srv_req *r) {
    long limit;
    char prefix[65] = "";
    const char *p = param_ne(r, "prefix"), *q, *nl;
    if (p && actor_code(r, "prefix", p, strlen(p), prefix)) return -1;
    if (param_long(r, "limit", 50, 1, 1000, &limit) || text_param(r, "q", &q) || names_param(r, &nl)) return -1;
    if (q && strlen(q) > 128) return fail(r, 400, "parameter 'q' is longer than 128 bytes");
    actors_ctx x;
    memset(&x, 0, sizeof x);
    x.arr = json_array(); x.nm = r->S->names; x.nl = nl; x.limit = limit;
    char exact[16][KR_CODE_MAX];
    if (q) {
        x.qn = kr_fold(q, strlen(q), x.q, sizeof x.q);
        if (x.qn >= sizeof x.q) x.qn = sizeof x.q - 1;
        x.q[x.qn] = 0;
        size_t n = strlen(q);
        if (n <= 64 && strspn(q, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == n)
            for (size_t i = 0; i <= n; i++) x.qcode[i] = (char)toupper((unsigned char)q[i]);
        int k = kr_actor_lookup(r->S->names, q, exact, 16);
        x.exact = exact;
        x.nexact = k > 16 ? 16 : k;
        int word = 0;
        for (size_t i = 0; i < x.qn; i++) if (isalnum((unsigned char)x.q[i]) || (unsigned char)x.q[i] >= 0x80) word = 1;
        if (!word) { json_decref(x.arr); return fail(r, 400, "parameter 'q' has no letters or digits"); }
    }
    /* a look-up reads every actor of the archive (the actors table: one row per code) */
    if (q) x.named = json_array();
    kr_status st = kr_store_actors(r->st, prefix[0] ? prefix : NULL, q ? 0 : limit, actor_cb, &x);
    if (st != KR_OK) { json_decref(x.arr); json_decref(x.named); return store_fail(r, st, "actors"); }
    /* "Verenigde Staten": the actor the query names exactly first (USA before USAGOV,
    ** whatever their counts), then the others, most active first, up to the limit */
    if (x.named) {
        json_array_extend(x.named, x.arr);
        json_decref(x.arr);
        while ((long)json_array_size(x.named) > limit) json_array_remove(x.named, json_array_size(x.named) - 1);
        x.arr = x.named;
    }
    r->out = json_object();
    json_object_set_new(r->out, "prefix", jstr(prefix[0] ? prefix : NULL));
    json_object_set_new(r->out, "q", jstr(q));
    json_object_set_new(r->out, "actors", x.arr);
    return 0;
}

/* ---- /api/countries: events per country (the first three letters of the source's and
** the target's codes) for the filters; an event between two actors of one country
** counts once */
typedef struct { char code[4]; long events, as_source, as_target, quad[5]; } ctry_acc;
typedef struct { kr_arena ar; kr_map idx; ctry_acc *v; uint32_t n, cap; } ctry_ctx;

static ctry_acc *ctry_get(ctry_ctx *x, const char *code) {
    char c[4] = {0};
    for (int i = 0; i < 3; i++) {
        if (!isalpha((unsigned char)code[i])) return NULL;
        c[i] = code[i];
    }
    uint32_t i = kr_map_get(&x->idx, c, 3);
    if (!i) {
        if (x->n == x->cap) { x->cap = x->cap ? x->cap * 2 : 64; x->v = kr_xrealloc(x->v, x->cap * sizeof *x->v); }
        memset(&x->v[x->n], 0, sizeof *x->v);
        memcpy(x->v[x->n].code, c, 4);
        kr_map_put(&x->idx, c, 3, ++x->n);
        i = x->n;
    }
    return &x->v[i - 1];
}

static int ctry_cb(void *ctx, const kr_timeline_row *t) {
    ctry_ctx *x = ctx;
    const char *s = t->source ? t->source : "", *g = t->target ? t->target : "";
    ctry_acc *a = ctry_get(x, s);
    size_t ia = a ? (size_t)(a - x->v) : (size_t)-1;
    ctry_acc *b = ctry_get(x, g);             /* may move x->v */
    a = ia != (size_t)-1 ? &x->v[ia] : NULL;
    long q[5];
    for (int k = 1; k <= 4; k++) q[k] = llround(t->quad_share[k] * (double)t->count);
    if (a) { a->as_source += t->count; a->events += t->count; for (int k = 1; k <= 4; k++) a->quad[k] += q[k]; }
    if (b) {
        b->as_target += t->count;
        if (b != a) { b->events += t->count; for (int k = 1; k <= 4; k++) b->quad[k] += q[k]; }
    }
    return 0;
}

static int ctry_cmp(const void *pa, const void *pb) {
    const ctry_acc *a = pa, *b = pb;
    if (a->events != b->events) return a->events < b->events ? 1 : -1;
    return strcmp(a->code, b->code);
}

static int h_countries(srv_req *r) {
    srv_filter f;
    const char *nl;
    if (parse_filter(r, &f) || names_param(r, &nl)) return -1;
    ctry_ctx x;
    memset(&x, 0, sizeof x);
    kr_map_init(&x.idx, &x.ar);
    kr_status st = kr_store_timeline(r->st, &f.q, "month", 1, ctry_cb, &x);
    if (st == KR_OK) {
        if (x.n) qsort(x.v, x.n, sizeof *x.v, ctry_cmp);
        json_t *arr = json_array();
        for (uint32_t i = 0; i < x.n; i++) {
            ctry_acc *c = &x.v[i];
            json_t *o = json_object(), *q = json_array();
            json_object_set_new(o, "code", jstr(c->code));
            json_object_set_new(o, "name", jname(r->S->names, c->code, nl));
            json_object_set_new(o, "events", json_integer(c->events));
            json_object_set_new(o, "as_source", json_integer(c->as_source));
            json_object_set_new(o, "as_target", json_integer(c->as_target));
            for (int k = 1; k <= 4; k++) json_array_append_new(q, json_integer(c->quad[k]));
            json_object_set_new(o, "quad_count", q);
            json_array_append_new(arr, o);
        }
        r->out = json_object();
        json_object_set_new(r->out, "filter", query_json(&f.q));
        json_object_set_new(r->out, "countries", arr);
    }
    kr_map_free(&x.idx);
    kr_arena_free(&x.ar);
    free(x.v);
    return st == KR_OK ? 0 : store_fail(r, st, "countries");
}

typedef struct { json_t *o; long first, count; } art_ctx;

#define SRV_PART_BYTES (1u << 20)   /* sentence text in one /api/article page (at least one sentence) */

/* The article text cut into parts: sentences ({"n": 1, "t": ...}) and the text
** between them ({"t": ...}), so a client can highlight a sentence without byte offsets.
** One page: sentences first..first+count-1 (1-based), up to SRV_PART_BYTES of text,
** with the text before the first sentence on the first page and after the last one on
** the last page, so the parts of all pages in order rebuild the text.  *next is the
** first sentence of the next page, or 0 on the last page. */
static json_t *article_parts(const kr_article_row *a, long first, long count, long *next) {
    json_t *parts = json_array();
    const char *t = a->text ? a->text : "";
    size_t n = strlen(t), pos = 0;
    int ok = a->nsent > 0 && a->sent_off && a->sent_len;
    *next = 0;
    for (int i = 0; ok && i < a->nsent; i++) {
        if (a->sent_off[i] < 0 || a->sent_len[i] < 0 || (size_t)a->sent_off[i] < pos ||
            (size_t)a->sent_off[i] + (size_t)a->sent_len[i] > n) ok = 0;
        else pos = (size_t)a->sent_off[i] + (size_t)a->sent_len[i];
    }
    if (!ok) {                       /* no usable sentences: the text as one part */
        json_t *o = json_object();
        json_object_set_new(o, "t", jstrn(t, n));
        json_array_append_new(parts, o);
        return parts;
    }
    long i0 = first - 1;
    if (i0 >= a->nsent) return parts;
    pos = i0 == 0 ? 0 : (size_t)a->sent_off[i0 - 1] + (size_t)a->sent_len[i0 - 1];
    size_t bytes = 0;
    long i = i0;
    for (; i < a->nsent && i - i0 < count && (i == i0 || bytes < SRV_PART_BYTES); i++) {
        size_t off = (size_t)a->sent_off[i], len = (size_t)a->sent_len[i];
        if (off > pos) {
            json_t *g = json_object();
            json_object_set_new(g, "t", jstrn(t + pos, off - pos));
            json_array_append_new(parts, g);
        }
        json_t *o = json_object();
        json_object_set_new(o, "n", json_integer(i + 1));
        json_object_set_new(o, "t", jstrn(t + off, len));
        json_array_append_new(parts, o);
        bytes += off + len - pos;
        pos = off + len;
    }
    if (i < a->nsent) *next = i + 1;
    else if (pos < n) {
        json_t *g = json_object();
        json_object_set_new(g, "t", jstrn(t + pos, n - pos));
        json_array_append_new(parts, g);
    }
    return parts;
}

static int article_cb(void *ctx, const kr_article_row *a) {
    art_ctx *x = ctx;
    json_t *o = json_object();
    long next = 0;
    json_t *parts = article_parts(a, x->first, x->count, &next);
    int whole = x->first == 1 && !next;
    json_object_set_new(o, "id", jstr0(a->id));
    json_object_set_new(o, "date", jstr0(a->date));
    json_object_set_new(o, "lang", jstr(a->lang));
    json_object_set_new(o, "title", jstr(a->title));
    json_object_set_new(o, "url", jstr(a->url));
    json_object_set_new(o, "source", jstr(a->source));
    /* the whole text only when this page holds all of it (else: rebuild from the parts) */
    json_object_set_new(o, "text", whole ? jstr0(a->text) : json_null());
    json_object_set_new(o, "sentences", json_integer(a->nsent));
    json_object_set_new(o, "first", json_integer(x->first));
    json_object_set_new(o, "next", next ? json_integer(next) : json_null());
    json_object_set_new(o, "parts", parts);
    if (x->o) json_decref(x->o);
    x->o = o;
    return 1;
}

/* GET /api/article/{id}[?first=N&count=M]: the stored (normalized) text, its sentences
** (a page of at most SRV_MAX_PARTS) and its events (at most 1000). */
static int h_article(srv_req *r) {
    const char *id = r->tail;
    if (!id || !*id) return fail(r, 404, "give an article id: /api/article/{id}");
    if (strlen(id) > 256) return fail(r, 400, "article id longer than 256 bytes");
    if (!kr_utf8_valid(id, strlen(id))) return fail(r, 400, "article id is not valid UTF-8");
    art_ctx x = {NULL, 1, SRV_MAX_PARTS};
    const char *nl;
    if (param_long(r, "first", 1, 1, 100000000L, &x.first) || param_long(r, "count", SRV_MAX_PARTS, 1, SRV_MAX_PARTS, &x.count) ||
        names_param(r, &nl))
        return -1;
    kr_status st = kr_store_article(r->st, id, article_cb, &x);
    if (st == KR_EOF || (st == KR_OK && !x.o)) { json_decref(x.o); return fail(r, 404, "no article with id '%.256s'", id); }
    if (st != KR_OK) { json_decref(x.o); return store_fail(r, st, "article"); }
    kr_query q;
    memset(&q, 0, sizeof q);
    q.doc = id;
    q.limit = 1000;
    ev_ctx e = {json_array(), r->S->dict, r->S->names, nl};
    long total = 0;
    st = kr_store_events(r->st, &q, ev_cb, &e, &total);
    if (st != KR_OK) { json_decref(e.arr); json_decref(x.o); return store_fail(r, st, "article events"); }
    json_object_set_new(x.o, "events_total", json_integer(total));
    json_object_set_new(x.o, "events", e.arr);
    r->out = x.o;
    return 0;
}

/* GET /api/stats: what the archive holds. */
static int h_stats(srv_req *r) {
    kr_stats_row s;
    memset(&s, 0, sizeof s);
    kr_status st = kr_store_stats(r->st, &s);
    if (st != KR_OK) return store_fail(r, st, "stats");
    r->out = json_object();
    json_object_set_new(r->out, "backend", jstr(kr_store_backend(r->st)));
    json_object_set_new(r->out, "schema", json_integer(kr_store_schema_version(r->st)));
    json_object_set_new(r->out, "articles", json_integer(s.articles));
    json_object_set_new(r->out, "sentences", json_integer(s.sentences));
    json_object_set_new(r->out, "events", json_integer(s.events));
    json_object_set_new(r->out, "events_daily", json_integer(s.events_daily));
    json_object_set_new(r->out, "actors", json_integer(s.actors));
    json_object_set_new(r->out, "first", jstr(s.first));
    json_object_set_new(r->out, "last", jstr(s.last));
    json_object_set_new(r->out, "version", jstr(KRONIEK_VERSION));
    return 0;
}

/* GET /api/codes[?code=043]: the CAMEO code table (label, Goldstein weight, quad). */
static int h_codes(srv_req *r) {
    const kr_dict *d = r->S->dict;
    const char *want = param_ne(r, "code");
    if (want && (strlen(want) > 4 || strspn(want, "0123456789") != strlen(want)))
        return fail(r, 400, "parameter 'code' must be 1 to 4 digits");
    json_t *arr = json_array();
    for (uint32_t i = 0; d && i < d->ncameo; i++) {
        const kr_cameo *c = &d->cameo[i];
        if (want && strncmp(c->code, want, strlen(want))) continue;
        json_t *o = json_object();
        json_object_set_new(o, "code", jstr(c->code));
        json_object_set_new(o, "label", jstr(c->label));
        json_object_set_new(o, "goldstein", jreal(c->goldstein));
        json_object_set_new(o, "quad", json_integer(c->quad));
        json_array_append_new(arr, o);
    }
    if (want && json_array_size(arr) == 0) { json_decref(arr); return fail(r, 404, "no CAMEO code '%s'", want); }
    r->out = json_object();
    json_object_set_new(r->out, "codes", arr);
    return 0;
}

static int h_index(srv_req *r);

typedef int (*srv_handler)(srv_req *);
static const char *const P_NONE[] = {NULL};
static const char *const P_EVENTS[] = {FILTER_PARAMS, "limit", "offset", "order", "names", "one_a_day", NULL};
static const char *const P_EXPORT[] = {FILTER_PARAMS, "format", "limit", "names", "one_a_day", "header", NULL};
static const char *const P_COUNTRIES[] = {FILTER_PARAMS, "names", NULL};
static const char *const P_SEARCH[] = {"q", FILTER_PARAMS, "limit", "offset", NULL};
static const char *const P_TIMELINE[] = {FILTER_PARAMS, "by", "group", NULL};
static const char *const P_DYADS[] = {FILTER_PARAMS, "limit", "names", NULL};
static const char *const P_ACTORS[] = {"prefix", "q", "limit", "names", NULL};
static const char *const P_CODES[] = {"code", NULL};
static const char *const P_ARTICLE[] = {"first", "count", "names", NULL};

/* The routes: exact paths, or a prefix ending in '/' whose remainder is r->tail. */
static const struct srv_route {
    const char *path;
    int prefix, needs_store;
    srv_handler fn;
    const char *const *params;
    const char *doc;
} routes[] = {
    {"/api/events",   0, 1, h_events,   P_EVENTS,   "events matching the filters, paged"},
    {"/api/search",   0, 1, h_search,   P_SEARCH,   "articles matching a full-text query q"},
    {"/api/timeline", 0, 1, h_timeline, P_TIMELINE, "counts and Goldstein sums per day, week or month"},
    {"/api/dyads",    0, 1, h_dyads,    P_DYADS,    "the most active dyads, either direction"},
    {"/api/actors",   0, 1, h_actors,   P_ACTORS,   "actor codes with names and event and mention counts; q: look-up by name"},
    {"/api/countries", 0, 1, h_countries, P_COUNTRIES, "events per country (of source or target) for the filters"},
    {"/api/export",   0, 1, h_export,   P_EXPORT,   "the selection as a file: format csv, jsonl, gdelt or plover"},
    {"/api/article/", 1, 1, h_article,  P_ARTICLE,  "one article: text, sentences (paged), events"},
    {"/api/stats",    0, 1, h_stats,    P_NONE,     "what the archive holds"},
    {"/api/codes",    0, 0, h_codes,    P_CODES,    "the CAMEO code table"},
    {"/api",          0, 0, h_index,    P_NONE,     "this list"},
};

static int h_index(srv_req *r) {
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        json_t *o = json_object(), *ps = json_array();
        char p[64];
        snprintf(p, sizeof p, "%s%s", routes[i].path, routes[i].prefix ? "{id}" : "");
        json_object_set_new(o, "path", jstr(p));
        json_object_set_new(o, "about", jstr(routes[i].doc));
        for (const char *const *k = routes[i].params; *k; k++) json_array_append_new(ps, jstr(*k));
        json_object_set_new(o, "params", ps);
        json_array_append_new(arr, o);
    }
    r->out = json_object();
    json_object_set_new(r->out, "version", jstr(KRONIEK_VERSION));
    json_object_set_new(r->out, "endpoints", arr);
    return 0;
}

/* ------------------------------------------------------------------ responses */

static enum MHD_Result count_host(void *cls, enum MHD_ValueKind kind, const char *key, const char *value);
static enum MHD_Result bad_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t ks, const char *value, size_t vs);
static int authorized(srv_ctx *S, struct MHD_Connection *c);
static int rate_ok(srv_ctx *S, const srv_conn *cc);

static srv_conn *conn_of(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? (srv_conn *)ci->socket_context : NULL;
}

static void common_headers(srv_ctx *S, struct MHD_Response *resp, int api) {
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Content-Security-Policy", S->csp);
    if (api) {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        if (S->cors) {
            MHD_add_response_header(resp, "Access-Control-Allow-Origin", S->cors);
            MHD_add_response_header(resp, "Vary", "Origin");
        }
    } else MHD_add_response_header(resp, "Cache-Control", "no-cache");
}

/* Queue a response; body (len bytes) is taken over with mode; disp: a
** Content-Disposition value, or NULL. */
static enum MHD_Result respond_ex(srv_ctx *S, struct MHD_Connection *c, unsigned status, const char *ctype,
                                  void *body, size_t len, enum MHD_ResponseMemoryMode mode, int api, const char *disp) {
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, mode);
    if (!resp) { if (mode == MHD_RESPMEM_MUST_FREE) free(body); return MHD_NO; }
    if (ctype) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (disp) MHD_add_response_header(resp, "Content-Disposition", disp);
    common_headers(S, resp, api);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, S->cors ? "GET, HEAD, OPTIONS" : "GET, HEAD");
    if (status == MHD_HTTP_SERVICE_UNAVAILABLE) MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    srv_conn *cc = conn_of(c);
    if (cc) {
        cc->last_body = len;
        pthread_mutex_lock(&S->conn_mu);
        S->inflight += len - cc->inflight;
        cc->inflight = len;
        pthread_mutex_unlock(&S->conn_mu);
    }
    if (status == MHD_HTTP_UNAUTHORIZED) MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic realm=\"kroniek\", charset=\"UTF-8\"");
    if (status == MHD_HTTP_TOO_MANY_REQUESTS) MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    enum MHD_Result ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result respond(srv_ctx *S, struct MHD_Connection *c, unsigned status, const char *ctype,
                               void *body, size_t len, enum MHD_ResponseMemoryMode mode, int api) {
    return respond_ex(S, c, status, ctype, body, len, mode, api, NULL);
}
static enum MHD_Result respond_disp(srv_ctx *S, struct MHD_Connection *c, unsigned status, const char *ctype,
                                    void *body, size_t len, const char *disp) {
    return respond_ex(S, c, status, ctype, body, len, MHD_RESPMEM_MUST_FREE, 1, disp);
}

static enum MHD_Result send_json(srv_ctx *S, struct MHD_Connection *c, unsigned status, json_t *j) {
    size_t len = 0;
    char *body = json_body(j, &len);
    json_decref(j);
    if (!body) {
        static const char oom[] = "{\"error\":\"out of memory\"}\n";
        return respond(S, c, 500, "application/json; charset=utf-8", (void *)oom, sizeof oom - 1, MHD_RESPMEM_PERSISTENT, 1);
    }
    return respond(S, c, status, "application/json; charset=utf-8", body, len, MHD_RESPMEM_MUST_FREE, 1);
}

static enum MHD_Result send_error(srv_ctx *S, struct MHD_Connection *c, unsigned status, const char *msg) {
    json_t *j = json_object();
    json_object_set_new(j, "error", jstr(msg));
    json_object_set_new(j, "status", json_integer(status));
    return send_json(S, c, status, j);
}

/* ------------------------------------------------------------------ web files */

static const char *content_type(const char *name) {
    const char *dot = strrchr(name, '.');
    if (!dot) return "application/octet-stream";
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
        {".ico", "image/x-icon"}, {".json", "application/json; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".webmanifest", "application/manifest+json"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) if (!strcasecmp(dot, map[i][0])) return map[i][1];
    return "application/octet-stream";
}

/* The names of the regular files directly in dir (no dot files, no symlinks). */
static int web_scan(srv_ctx *S, const char *dir) {
    DIR *dp = opendir(dir);
    if (!dp) { fprintf(stderr, "kroniek serve: --web %s: %s\n", dir, strerror(errno)); return -1; }
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (de->d_name[0] == '.' || strlen(de->d_name) > 200) continue;
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (lstat(path, &sb) || !S_ISREG(sb.st_mode)) continue;
        S->web_names = kr_xrealloc(S->web_names, (size_t)(S->nweb + 1) * sizeof *S->web_names);
        S->web_names[S->nweb++] = strdup(de->d_name);
    }
    closedir(dp);
    return 0;
}

/* Serve /NAME from the web set; 404 for anything else. */
static enum MHD_Result serve_file(srv_ctx *S, struct MHD_Connection *c, const char *path) {
    const char *name = path[0] == '/' ? path + 1 : path;
    if (!*name) name = "index.html";
    if (S->web_dir) {
        for (int i = 0; i < S->nweb; i++) if (!strcmp(S->web_names[i], name)) {
            char fp[4096];
            snprintf(fp, sizeof fp, "%s/%s", S->web_dir, S->web_names[i]);
            /* O_NONBLOCK: a FIFO put in place of the file would block open() for ever;
            ** then only a regular file is read */
            int fd = open(fp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
            struct stat sb;
            if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > SRV_MAX_FILE) {
                if (fd >= 0) close(fd);
                return send_error(S, c, 404, "not found");
            }
            size_t n = (size_t)sb.st_size, got = 0;
            char *buf = malloc(n ? n : 1);
            while (buf && got < n) {
                ssize_t k = read(fd, buf + got, n - got);
                if (k <= 0) break;
                got += (size_t)k;
            }
            close(fd);
            if (!buf || got != n) { free(buf); return send_error(S, c, 500, "could not read the file"); }
            return respond(S, c, 200, content_type(name), buf, n, MHD_RESPMEM_MUST_FREE, 0);
        }
        return send_error(S, c, 404, "not found");
    }
    for (size_t i = 0; i < kr_builtin_nfiles; i++) {
        const kr_embedded *f = &kr_builtin_files[i];
        if (f->name && !strncmp(f->name, "web/", 4) && !strcmp(f->name + 4, name))
            return respond(S, c, 200, content_type(name), (void *)f->data, f->len, MHD_RESPMEM_PERSISTENT, 0);
    }
    return send_error(S, c, 404, "not found");
}

/* ------------------------------------------------------------------ dispatch */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size,
                                  void **con_cls) {
    srv_ctx *S = cls;
    (void)version; (void)upload_data;
    if (*con_cls) {                  /* body bytes after an early response: drop them */
        *upload_size = 0;
        return MHD_YES;
    }
    *con_cls = S;
    double t0 = S->log ? now_ms() : 0;
    int api = !strncmp(url, "/api", 4) && (url[4] == 0 || url[4] == '/');
    enum MHD_Result ret;
    unsigned status = 200;
    srv_conn *cc = conn_of(c);
    if (cc) cc->in_head = 0;
    /* MHD's strings end at a raw NUL, which would silently drop the rest of the request
    ** line ("/app.js<NUL>.html", "?limit=1<NUL>&actor=X"): the target it logged must end
    ** right before the version (see srv_uri_log) */
    if (cc && cc->uri && version != cc->uri + cc->ulen + 1) {
        ret = send_error(S, c, status = 400, "NUL byte in the request line");
        goto out;
    }
    /* a raw NUL or another control character in a header ("Host: \x01\x00"): MHD's string
    ** would end early and hide what follows, so the request is malformed (400) */
    {
        int badh = 0;
        MHD_get_connection_values_n(c, MHD_HEADER_KIND, bad_header, &badh);
        if (badh) { ret = send_error(S, c, status = 400, "a control character or NUL byte in a header"); goto out; }
    }
    if (!strcmp(version, MHD_HTTP_VERSION_1_1)) {
        int nhost = 0;
        MHD_get_connection_values(c, MHD_HEADER_KIND, count_host, &nhost);
        if (nhost != 1) {
            ret = send_error(S, c, status = 400, nhost ? "more than one Host header" : "an HTTP/1.1 request needs a Host header");
            goto out;
        }
    }
    if (!rate_ok(S, cc)) {
        ret = send_error(S, c, status = 429, "too many requests from this address; slow down");
        goto out;
    }
    /* the access token, on every request but a CORS preflight (which carries none) */
    if (S->token && !(S->cors && api && !strcmp(method, "OPTIONS")) && !authorized(S, c)) {
        ret = send_error(S, c, status = 401, "this server needs the access token: Authorization: Bearer TOKEN, or the "
                         "password of basic auth");
        goto out;
    }
    if (api && S->mem_cap) {
        pthread_mutex_lock(&S->conn_mu);
        size_t inflight = S->inflight;
        pthread_mutex_unlock(&S->conn_mu);
        if (inflight > S->mem_cap) {
            ret = send_error(S, c, status = 503, "server busy: too many answers being sent; try again");
            goto out;
        }
    }
    if (!strcmp(method, "OPTIONS") && S->cors && api) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!resp) return MHD_NO;
        common_headers(S, resp, 1);
        MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Content-Type");
        MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
        ret = MHD_queue_response(c, status = 204, resp);
        MHD_destroy_response(resp);
        goto out;
    }
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        ret = send_error(S, c, status = 405, "method not allowed: use GET");
        goto out;
    }
    const char *clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if ((clen && strtoull(clen, NULL, 10) > 0) || te) {
        ret = send_error(S, c, status = 413, "request body not accepted (GET takes no body)");
        goto out;
    }
    srv_req *r = calloc(1, sizeof *r);
    if (!r) return MHD_NO;
    r->S = S;
    r->c = c;
    r->path = url;
    size_t plen = strlen(url);
    r->url_bytes = plen;
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_param, r);
    if (plen > SRV_MAX_PATH || r->url_bytes > SRV_MAX_URL) {
        fail(r, 414, "URL too long (at most %d bytes of path and parameters)", SRV_MAX_URL);
    } else if (r->bad == 1) fail(r, 414, "too many parameters (at most %d)", SRV_MAX_PARAMS);
    else if (r->bad == 5) fail(r, 414, "parameter '%.64s' is longer than %d bytes", r->bad_key, SRV_MAX_VALUE);
    else if (r->bad == 2) fail(r, 400, "parameter '%.64s' contains a NUL byte", r->bad_key);
    else if (r->bad == 3) fail(r, 400, "parameter is not valid UTF-8");
    else if (r->bad == 4) fail(r, 400, "parameter '%.64s' contains a control character", r->bad_key);
    else if (!api) {
        free(r);
        ret = serve_file(S, c, url);
        status = 0;
        goto out;
    } else {
        const struct srv_route *rt = NULL;
        for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
            size_t n = strlen(routes[i].path);
            if (routes[i].prefix ? !strncmp(url, routes[i].path, n) : !strcmp(url, routes[i].path)) {
                rt = &routes[i];
                r->tail = url + n;
                break;
            }
        }
        if (!rt) fail(r, 404, "no such endpoint: %.200s (see /api)", url);
        else if (check_params(r, rt->params) == 0) {
            char err[512] = "", stamp[200];
            /* the cache key: path and parameters as received (NUL-free, so \1 \2 separate) */
            kr_buf key = {0};
            int cacheable = rt->needs_store && rt->fn != h_export && cache_stamp(S, stamp, sizeof stamp) == 0;
            if (cacheable) {
                kr_buf_add(&key, url, strlen(url));
                for (int i = 0; i < r->np; i++) {
                    kr_buf_addc(&key, '\1');
                    kr_buf_add(&key, r->p[i].k, strlen(r->p[i].k));
                    kr_buf_addc(&key, '\2');
                    kr_buf_add(&key, r->p[i].v, r->p[i].vlen);
                }
                size_t blen = 0;
                char *body = cache_get(S, stamp, key.p, key.len, &blen);
                if (body) {
                    kr_buf_free(&key);
                    free(r);
                    ret = respond(S, c, status = 200, "application/json; charset=utf-8", body, blen, MHD_RESPMEM_MUST_FREE, 1);
                    goto out;
                }
            }
            r->cc = cc;
            r->deadline = now_ms() + (double)S->budget_ms;
            if (rt->needs_store && (param_ne(r, "q") || param_ne(r, "text")) && heavy_get(r)) {
                /* error set: busy */
            } else if (rt->needs_store && !(r->st = pool_get(S, err, sizeof err))) {
                fprintf(stderr, "kroniek serve: %s: %s\n", S->db, err);
                fail(r, 500, "the archive could not be opened (see the server log)");
            } else {
                if (r->st) kr_store_set_budget(r->st, S->budget_ms, req_stop, r);
                if (rt->fn(r) == 0 && !r->out && !r->raw.len && !r->empty) fail(r, 500, "no answer");
                if (r->st) kr_store_set_budget(r->st, S->budget_ms, NULL, NULL);
            }
            heavy_put(r);
            /* a big answer (a long article, many rows): the handle's page cache goes back */
            if (r->st && (rt->fn == h_article || r->raw.len >= SRV_TRIM_BYTES)) kr_store_release_memory(r->st);
            pool_put(S, r->st);
            if (r->status == 499) {      /* the client left: no answer, close */
                if (r->out) json_decref(r->out);
                kr_buf_free(&r->raw);
                kr_buf_free(&key);
                free(r);
                status = 499;
                ret = MHD_NO;
                goto out;
            }
            if (cacheable && (r->out || r->raw.len) && !r->status) {
                size_t blen = 0;
                char *body = r->raw.len ? body_of(r->raw.p, r->raw.len, &blen) : json_body(r->out, &blen);
                if (r->out) json_decref(r->out);
                r->out = NULL;
                kr_buf_free(&r->raw);
                if (body) cache_put(S, stamp, key.p, key.len, body, blen);
                kr_buf_free(&key);
                free(r);
                if (body) ret = respond(S, c, status = 200, "application/json; charset=utf-8", body, blen, MHD_RESPMEM_MUST_FREE, 1);
                else ret = send_error(S, c, status = 500, "out of memory");
                goto out;
            }
            kr_buf_free(&key);
        }
    }
    if (r->ctype && !r->status) {          /* a download: the body as it is */
        char *body = malloc(r->raw.len ? r->raw.len : 1);
        if (body) {
            if (r->raw.len) memcpy(body, r->raw.p, r->raw.len);
            char disp[128];
            snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", r->filename);
            ret = respond_disp(S, c, status = 200, r->ctype, body, r->raw.len, disp);
        } else ret = send_error(S, c, status = 500, "out of memory");
    } else if (r->raw.len && !r->status) {
        size_t blen = 0;
        char *body = body_of(r->raw.p, r->raw.len, &blen);
        if (body) ret = respond(S, c, status = 200, "application/json; charset=utf-8", body, blen, MHD_RESPMEM_MUST_FREE, 1);
        else ret = send_error(S, c, status = 500, "out of memory");
        if (r->out) json_decref(r->out);
    } else if (r->out && !r->status) ret = send_json(S, c, status = 200, r->out);
    else {
        if (r->out) json_decref(r->out);
        ret = send_error(S, c, status = r->status ? r->status : 500, r->err);
    }
    kr_buf_free(&r->raw);
    free(r);
out:
    if (S->log) fprintf(stderr, "%s %s %u %.1fms\n", method, url, status, now_ms() - t0);
    return ret;
}

/* ------------------------------------------------------------------ access (item 13) */

/* Equal strings, in time that depends only on the length of b. */
static int same_secret(const char *a, size_t an, const char *b, size_t bn) {
    unsigned char d = an != bn;
    for (size_t i = 0; i < bn; i++) d |= (unsigned char)(i < an ? a[i] : 0) ^ (unsigned char)b[i];
    return d == 0;
}

/* Base64 of s (at most 700 bytes) into out; -1 if not base64. */
static int b64_decode(const char *s, char *out, size_t cap, size_t *n) {
    unsigned v = 0; int bits = 0; size_t o = 0;
    for (; *s && *s != '='; s++) {
        const char *al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", *p = strchr(al, *s);
        if (!p || !*s) return -1;
        v = v << 6 | (unsigned)(p - al); bits += 6;
        if (bits >= 8) { bits -= 8; if (o + 1 >= cap) return -1; out[o++] = (char)(v >> bits & 0xff); }
    }
    out[o] = 0; *n = o;
    return 0;
}

/* The request carries the token: "Authorization: Bearer TOKEN", or basic auth with
** TOKEN as the password (any user name; what a browser's login box sends). */
static int authorized(srv_ctx *S, struct MHD_Connection *c) {
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    size_t tn = strlen(S->token);
    if (!h || strlen(h) > 700) return 0;
    if (!strncasecmp(h, "Bearer ", 7)) return same_secret(h + 7, strlen(h + 7), S->token, tn);
    if (!strncasecmp(h, "Basic ", 6)) {
        char dec[600]; size_t n;
        if (b64_decode(h + 6, dec, sizeof dec, &n)) return 0;
        const char *colon = memchr(dec, ':', n);
        return colon && same_secret(colon + 1, n - (size_t)(colon + 1 - dec), S->token, tn);
    }
    return 0;
}

/* Token bucket per address (hashed into SRV_BUCKETS slots; a collision shares a
** bucket): rate a second, bursts of 4*rate.  1 if this request may go on. */
static int rate_ok(srv_ctx *S, const srv_conn *cc) {
    if (S->rate <= 0 || !cc || !S->buckets) return 1;
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++) h = (h ^ cc->addr[i]) * 16777619u;
    double t = now_ms() / 1e3, burst = S->rate * 4;
    pthread_mutex_lock(&S->conn_mu);
    struct srv_bucket *b = &S->buckets[h % SRV_BUCKETS];
    if (memcmp(b->addr, cc->addr, 16) || b->t == 0) { memcpy(b->addr, cc->addr, 16); b->tokens = burst; b->t = t; }
    b->tokens += (t - b->t) * S->rate;
    if (b->tokens > burst) b->tokens = burst;
    b->t = t;
    int ok = b->tokens >= 1;
    if (ok) b->tokens -= 1;
    pthread_mutex_unlock(&S->conn_mu);
    return ok;
}

/* ------------------------------------------------------------------ connections */

/* a header with a NUL or a control character (but a tab) in its name or value */
static enum MHD_Result bad_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t ks, const char *value, size_t vs) {
    (void)kind;
    for (size_t i = 0; key && i < ks; i++) if ((unsigned char)key[i] < 0x20 || key[i] == 0x7f) { *(int *)cls = 1; return MHD_NO; }
    for (size_t i = 0; value && i < vs; i++) if (((unsigned char)value[i] < 0x20 && value[i] != '\t') || value[i] == 0x7f) { *(int *)cls = 1; return MHD_NO; }
    return MHD_YES;
}

static enum MHD_Result count_host(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind; (void)value;
    if (!strcasecmp(key, MHD_HTTP_HEADER_HOST)) (*(int *)cls)++;
    return MHD_YES;
}

/* The connection thread's connection: every connection has its own thread, so MHD's
** diagnostics for it (srv_mhd_log) can be tied to it. */
static __thread srv_conn *tl_conn;

/* MHD_OPTION_URI_LOG_CALLBACK: the request target before MHD cuts it at '?' and
** unescapes it; MHD has already ended it (and so the version begins right after it,
** unless a raw NUL ended it earlier -- checked in on_request). */
static void *srv_uri_log(void *cls, const char *uri, struct MHD_Connection *c) {
    (void)cls;
    srv_conn *cc = conn_of(c);
    if (cc) { cc->uri = uri; cc->ulen = strlen(uri); }
    tl_conn = cc;
    return NULL;
}

static void srv_notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code) {
    srv_ctx *S = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        srv_conn *cc = calloc(1, sizeof *cc);
        if (!cc) return;
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        cc->fd = ci ? ci->connect_fd : -1;
        const union MHD_ConnectionInfo *ai = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ai && ai->client_addr) {
            if (ai->client_addr->sa_family == AF_INET) {
                cc->addr[10] = cc->addr[11] = 0xff;
                memcpy(cc->addr + 12, &((const struct sockaddr_in *)ai->client_addr)->sin_addr, 4);
            } else if (ai->client_addr->sa_family == AF_INET6)
                memcpy(cc->addr, &((const struct sockaddr_in6 *)ai->client_addr)->sin6_addr, 16);
        }
        cc->in_head = 1;
        cc->t0 = now_ms();
        pthread_mutex_lock(&S->conn_mu);
        cc->next = S->conns;
        if (S->conns) S->conns->prev = cc;
        S->conns = cc;
        pthread_mutex_unlock(&S->conn_mu);
        *socket_context = cc;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        srv_conn *cc = *socket_context;
        if (!cc) return;
        pthread_mutex_lock(&S->conn_mu);   /* MHD closes the socket after this returns */
        S->inflight -= cc->inflight;
        if (cc->prev) cc->prev->next = cc->next; else S->conns = cc->next;
        if (cc->next) cc->next->prev = cc->prev;
        pthread_mutex_unlock(&S->conn_mu);
        if (tl_conn == cc) tl_conn = NULL;
        free(cc);
        *socket_context = NULL;
    }
}

/* A request is done: the head deadline starts again for the next one on this
** connection; a big answer gives its memory back to the system. */
static void srv_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
    (void)cls; (void)con_cls; (void)toe;
    srv_conn *cc = conn_of(c);
    if (!cc) return;
    cc->uri = NULL;
    cc->t0 = now_ms();
    cc->in_head = 1;
    srv_ctx *S = cls;
    if (cc->last_body >= SRV_TRIM_BYTES) S->want_trim = 1;   /* the reaper trims */
    pthread_mutex_lock(&S->conn_mu);
    S->inflight -= cc->inflight;
    cc->inflight = 0;
    pthread_mutex_unlock(&S->conn_mu);
    cc->last_body = 0;
}

/* The reaper: gives memory back after big answers (malloc_trim, every 100 ms at most)
** and shuts down connections that have not sent a whole request head within
** head_ms (a client sending one byte every few seconds keeps MHD's idle timeout from
** ever firing).  shutdown() under conn_mu: the socket is still open (see above). */
static void *srv_reaper(void *arg) {
    srv_ctx *S = arg;
    while (!S->stopping) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        double t = now_ms();
        pthread_mutex_lock(&S->conn_mu);
        for (srv_conn *cc = S->conns; cc; cc = cc->next)
            if (cc->in_head && !cc->reaped && cc->fd >= 0 && t - cc->t0 > (double)S->head_ms) {
                shutdown(cc->fd, SHUT_RDWR);
                cc->reaped = 1;
            }
        pthread_mutex_unlock(&S->conn_mu);
        if (S->want_trim) { S->want_trim = 0; malloc_trim(0); }   /* big answers are done: memory back */
    }
    return NULL;
}

/* ------------------------------------------------------------------ start and stop */

/* URL decoding for the path and the parameters (MHD has already turned '+' into ' ' in
** parameters): %XX is decoded except %00, which stays literal so that no C string is
** cut short ("/index.html%00.js" is not "/index.html").  Returns the new length. */
static size_t srv_unescape(void *cls, struct MHD_Connection *c, char *s) {
    (void)cls; (void)c;
    char *r = s, *w = s;
    while (*r) {
        if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
            char hex[3] = {r[1], r[2], 0};
            unsigned v = (unsigned)strtoul(hex, NULL, 16);
            if (v) { *w++ = (char)v; r += 3; continue; }
        }
        *w++ = *r++;
    }
    *w = 0;
    return (size_t)(w - s);
}

/* libmicrohttpd 0.9.75 writes its 400/413 status line and headers twice when it refuses
** a Content-Length ("-1", "abc", too large): its state machine builds the error response,
** then builds the headers again.  On that diagnostic, this connection's thread (see
** tl_conn) answers once itself and shuts the socket, so MHD's copies go nowhere. */
static void srv_clen_fix(srv_ctx *S, const char *fmt) {
    srv_conn *cc = tl_conn;
    if (!cc || cc->fd < 0 || !strstr(fmt, "Content-Length")) return;
    int big = strstr(fmt, "large") != NULL;
    char body[160], resp[700];
    int bl = snprintf(body, sizeof body, "{\"error\":\"%s\",\"status\":%d}\n",
                      big ? "Content-Length too large (GET takes no body)" : "bad Content-Length header", big ? 413 : 400);
    int n = snprintf(resp, sizeof resp, "HTTP/1.1 %s\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n"
                     "Content-Length: %d\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n"
                     "Content-Security-Policy: %s\r\n\r\n%s",
                     big ? "413 Content Too Large" : "400 Bad Request", bl, S->csp, body);
    if (n > 0 && n < (int)sizeof resp) (void)!send(cc->fd, resp, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    shutdown(cc->fd, SHUT_RDWR);
    cc->fd = -1;
}

static void srv_mhd_log(void *cls, const char *fmt, va_list ap) {
    srv_ctx *S = cls;
    srv_clen_fix(S, fmt);
    if (!S->starting && !S->log) return;
    fputs("kroniek serve: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* Parse "HOST:PORT", "[V6]:PORT", ":PORT" or "PORT" into a socket address. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sl, int *v6) {
    char host[256] = "127.0.0.1";
    const char *port = spec;
    if (spec[0] == '[') {
        const char *e = strchr(spec, ']');
        if (!e || e[1] != ':' || (size_t)(e - spec - 1) >= sizeof host) return -1;
        memcpy(host, spec + 1, (size_t)(e - spec - 1));
        host[e - spec - 1] = 0;
        port = e + 2;
    } else {
        const char *colon = strrchr(spec, ':');
        if (colon) {
            if ((size_t)(colon - spec) >= sizeof host) return -1;
            if (colon > spec) { memcpy(host, spec, (size_t)(colon - spec)); host[colon - spec] = 0; }
            port = colon + 1;
        }
    }
    if (!*port || strspn(port, "0123456789") != strlen(port) || atol(port) > 65535) return -1;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (strcmp(host, "localhost") ? AI_NUMERICHOST : 0);
    if (getaddrinfo(host, port, &hints, &res) || !res) return -1;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *sl = res->ai_addrlen;
    *v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return 0;
}

/* A PEM file into a malloc'ed string (at most 1 MB); NULL after a message. */
static char *read_pem(const char *opt, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "kroniek serve: %s %s: %s\n", opt, path, strerror(errno)); return NULL; }
    char *buf = malloc((1u << 20) + 1);
    size_t n = buf ? fread(buf, 1, 1u << 20, f) : 0;
    int big = buf && n == (1u << 20) && fgetc(f) != EOF;
    fclose(f);
    if (!buf || big || !n || !strstr((buf[n] = 0, buf), "-----BEGIN ")) {
        fprintf(stderr, "kroniek serve: %s %s: %s\n", opt, path, big ? "larger than 1 MB" : "not a PEM file");
        free(buf);
        return NULL;
    }
    return buf;
}

/* 1 for 127.0.0.0/8, ::1 and ::ffff:127.x.x.x */
static int is_loopback(const struct sockaddr_storage *ss, int v6) {
    if (!v6) return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

/* Serve until SIGINT or SIGTERM.  Returns the exit status (0, or 2 on a setup error). */
int kr_serve_run(const kr_serve_opts *o) {
    const char *db = o->db, *listen_addr = o->listen, *web_dir = o->web_dir, *cors = o->cors;
    srv_ctx S;
    memset(&S, 0, sizeof S);
    S.db = db;
    S.cache = o->cache;
    pthread_mutex_init(&S.cmu, NULL);
    pthread_mutex_init(&S.amu, NULL);
    pthread_mutex_init(&S.conn_mu, NULL);
    pthread_cond_init(&S.hcv, NULL);
    S.cors = cors;
    S.log = o->log;
    S.budget_ms = o->budget_ms > 0 ? o->budget_ms : SRV_BUDGET_MS;
    S.head_ms = o->head_ms > 0 ? o->head_ms : SRV_HEAD_MS;
    S.heavy_max = o->threads < 1 ? 1 : o->threads > 64 ? 64 : o->threads;
    S.max = S.heavy_max + 1;         /* one archive handle more: cheap requests always find one */
    S.idle = kr_xmalloc((size_t)S.max * sizeof *S.idle);
    pthread_mutex_init(&S.mu, NULL);
    pthread_cond_init(&S.cv, NULL);
    snprintf(S.csp, sizeof S.csp, "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
             "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    S.token = o->token;
    S.rate = o->rate;
    S.mem_cap = o->mem_mb > 0 ? (size_t)o->mem_mb << 20 : 0;
    if (S.rate > 0) S.buckets = calloc(SRV_BUCKETS, sizeof *S.buckets);
    int rc = 2;
    struct MHD_Daemon *mhd = NULL;
    char *cert = NULL, *key = NULL;

    /* the archive must open before we listen */
    char err[512] = "";
    kr_store *st = kr_store_open(db, 0, 1, err, sizeof err);
    if (!st) { fprintf(stderr, "kroniek serve: %s\n", err[0] ? err : "cannot open the archive"); goto out; }
    kr_stats_row stats;
    memset(&stats, 0, sizeof stats);
    long nevents = kr_store_stats(st, &stats) == KR_OK ? stats.events : -1;
    S.idle[S.nidle++] = st;
    S.nopen = 1;

    /* CAMEO labels: the built-in code table (dictionary diagnostics do not matter here) */
    S.dict = kr_dict_new();
    if (S.dict) { kr_dict_load_builtin(S.dict); kr_dict_finish(S.dict); }
    if (!S.dict || !S.dict->ncameo)
        fprintf(stderr, "kroniek serve: warning: CAMEO code table not loaded; labels will be missing\n");
    S.names = kr_names_new(NULL);     /* actor names from the built-in dictionaries */

    if (web_dir && web_scan(&S, web_dir)) goto out;
    S.web_dir = web_dir;

    struct sockaddr_storage ss;
    socklen_t sl = 0;
    int v6 = 0;
    if (parse_listen(listen_addr, &ss, &sl, &v6)) {
        fprintf(stderr, "kroniek serve: --listen %s: expected HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)\n", listen_addr);
        goto out;
    }
    if (!is_loopback(&ss, v6) && !o->token && !o->public_ok) {
        fprintf(stderr, "kroniek serve: --listen %s is beyond loopback: anyone who can connect could read the whole "
                "archive.  Give an access token (--token-file FILE or $KRONIEK_TOKEN; better with --tls-cert/--tls-key "
                "or behind an HTTPS reverse proxy, docs/API.md), or --public to serve it to everyone\n", listen_addr);
        goto out;
    }
    int tls = o->tls_cert && o->tls_key;
    if (tls) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            fprintf(stderr, "kroniek serve: this libmicrohttpd was built without TLS; use a reverse proxy (docs/API.md)\n");
            goto out;
        }
        if (!(cert = read_pem("--tls-cert", o->tls_cert)) || !(key = read_pem("--tls-key", o->tls_key))) goto out;
    }

    json_object_seed(0);             /* jansson's hash seed, set once before the threads start */

    /* signals go to the main thread only: block them before MHD starts its threads */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (pthread_create(&S.reaper, NULL, srv_reaper, &S) == 0) S.reaper_on = 1;
    int per_ip = o->per_ip > 0 ? o->per_ip : SRV_MAX_PER_IP;
    if (per_ip > SRV_MAX_CONN / 2) per_ip = SRV_MAX_CONN / 2;

    S.starting = 1;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO |
                     MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0) | (tls ? MHD_USE_TLS : 0);
    mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &S,
                           MHD_OPTION_EXTERNAL_LOGGER, srv_mhd_log, (void *)&S,
                           MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                           MHD_OPTION_THREAD_STACK_SIZE, (size_t)SRV_STACK,
                           MHD_OPTION_NOTIFY_CONNECTION, srv_notify_conn, (void *)&S,
                           MHD_OPTION_NOTIFY_COMPLETED, srv_completed, (void *)&S,
                           MHD_OPTION_URI_LOG_CALLBACK, srv_uri_log, (void *)&S,
                           MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)per_ip,
                           MHD_OPTION_CONNECTION_LIMIT, (unsigned)SRV_MAX_CONN,
                           MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SRV_TIMEOUT,
                           MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_MEM_LIMIT,
                           MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)256,
                           MHD_OPTION_UNESCAPE_CALLBACK, srv_unescape, (void *)NULL,
                           tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
                           MHD_OPTION_HTTPS_MEM_KEY, key,
                           MHD_OPTION_END);
    S.starting = 0;
    if (!mhd) {
        fprintf(stderr, "kroniek serve: cannot listen on %s (%s)\n", listen_addr, errno ? strerror(errno) : "address in use?");
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT);
    char shown[300];
    char hostbuf[INET6_ADDRSTRLEN] = "?";
    if (v6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, hostbuf, sizeof hostbuf);
    else inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, hostbuf, sizeof hostbuf);
    snprintf(shown, sizeof shown, v6 ? "%s://[%s]:%u/" : "%s://%s:%u/", tls ? "https" : "http", hostbuf, info ? (unsigned)info->port : 0u);
    char probe[200];
    fprintf(stderr, "kroniek serve: %s (archive %s, %ld events, %d threads%s%s%s%s)\n", shown, db, nevents, S.heavy_max,
            cache_stamp(&S, probe, sizeof probe) == 0 ? ", answer cache" : "", cors ? ", CORS for " : "", cors ? cors : "",
            S.token ? ", access token required" : "");
    if (!is_loopback(&ss, v6) && !tls)
        fprintf(stderr, "kroniek serve: warning: plain HTTP beyond loopback: the token and the answers travel unencrypted "
                "(--tls-cert/--tls-key, or an HTTPS reverse proxy)\n");
    fflush(stderr);

    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "kroniek serve: stopping (signal %d)\n", sig);
    rc = 0;
out:
    if (mhd) MHD_stop_daemon(mhd);
    S.stopping = 1;
    if (S.reaper_on) pthread_join(S.reaper, NULL);
    for (int i = 0; i < S.nidle; i++) kr_store_close(S.idle[i]);
    free(S.idle);
    for (int i = 0; i < S.nweb; i++) free(S.web_names[i]);
    free(S.web_names);
    kr_dict_free(S.dict);
    if (S.names) kr_names_free(S.names);
    free(S.adates);
    pthread_mutex_destroy(&S.amu);
    cache_flush(&S);
    pthread_mutex_destroy(&S.cmu);
    pthread_mutex_destroy(&S.mu);
    pthread_cond_destroy(&S.cv);
    pthread_cond_destroy(&S.hcv);
    pthread_mutex_destroy(&S.conn_mu);
    free(S.buckets);
    if (key) { memset(key, 0, strlen(key)); free(key); }
    free(cert);
    return rc;
}
