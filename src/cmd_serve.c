/*
** cmd_serve.c -- `kroniek serve`: options for the HTTP server in src/serve.c.
**
**   kroniek serve [--db DB] [--listen 127.0.0.1:8080] [--web DIR] [--cors ORIGIN]
**                 [--threads N] [--no-cache] [--log] [--budget MS] [--head-timeout MS]
**                 [--per-ip N] [--tls-cert PEM --tls-key PEM] [--token-file F]
**                 [--public] [--rate N] [--mem-cap MB]
**
** Exit status: 0 after SIGINT/SIGTERM, 2 on a usage or setup error (archive missing,
** address in use, a non-loopback address without a token or --public).
*/
#include "cmd.h"
#include "serve.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static void serve_usage(FILE *f) {
    fprintf(f,
"usage: kroniek serve [--db DB] [--listen HOST:PORT] [--web DIR] [--cors ORIGIN]\n"
"                     [--threads N] [--no-cache] [--log] [--budget MS]\n"
"                     [--head-timeout MS] [--per-ip N] [--tls-cert PEM --tls-key PEM]\n"
"                     [--token-file FILE] [--public] [--rate N] [--mem-cap MB]\n"
"\n"
"Serve a JSON API (/api/...) over an archive and the web page that uses it.\n"
"\n"
"  --db DB            archive: SQLite file or postgresql://... (default: $KRONIEK_DB,\n"
"                     else kroniek.db)\n"
"  --listen HOST:PORT address to bind (default 127.0.0.1:8080; port 0 picks a free\n"
"                     port; the URL is printed on stderr).  An address beyond loopback\n"
"                     needs an access token (--token-file) or --public.\n"
"  --web DIR          serve the page from DIR instead of the built-in copy of web/\n"
"  --cors ORIGIN      allow cross-origin API reads from ORIGIN (e.g.\n"
"                     https://example.org, or *); off by default\n"
"  --threads N        full-text queries run at once (default 4); every connection has\n"
"                     its own thread, the archive N+1 read-only handles\n"
"  --no-cache         do not keep answers in memory (by default the answers of a\n"
"                     SQLite archive are cached until its files change)\n"
"  --log              one line per request on stderr\n"
"  --budget MS        time budget of one API request (default 3000): a query still\n"
"                     running then is stopped and answered 503\n"
"  --head-timeout MS  a client must send its whole request head within MS (default\n"
"                     10000), or the connection is closed\n"
"  --per-ip N         connections from one address (default 64, at most 256 of 512)\n"
"  --tls-cert PEM, --tls-key PEM\n"
"                     serve HTTPS with this certificate (chain) and private key\n"
"  --token-file FILE  require the access token in FILE (first line) on every request:\n"
"                     'Authorization: Bearer TOKEN' or basic auth with TOKEN as the\n"
"                     password (also $KRONIEK_TOKEN)\n"
"  --public           listen beyond loopback without a token (anyone can read all)\n"
"  --rate N           API requests per second per address (default 0 = no limit;\n"
"                     bursts of 4*N); more is 429\n"
"  --mem-cap MB       memory for answers being built or sent (default 512); over it\n"
"                     new API requests get 503\n"
"\n"
"Endpoints and limits: docs/API.md, or GET /api.\n");
}

/* ORIGIN: "*" or scheme://host[:port] without path, so no header injection. */
static int valid_origin(const char *o) {
    if (!strcmp(o, "*")) return 1;
    const char *p = !strncmp(o, "http://", 7) ? o + 7 : !strncmp(o, "https://", 8) ? o + 8 : NULL;
    if (!p || !*p || strlen(o) > 200) return 0;
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']')) return 0;
    return 1;
}

/* A whole number in [lo, hi] for option name; -1 after a message. */
static int num_opt(const char *name, const char *v, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < lo || n > hi) {
        fprintf(stderr, "kroniek serve: %s takes a whole number from %ld to %ld\n", name, lo, hi);
        return -1;
    }
    *out = n;
    return 0;
}

/* The token: the first line of FILE, printable ASCII without spaces, 16 to 256 bytes. */
static char *read_token(const char *path, const char *from) {
    static char tok[300];
    if (path) {
        FILE *f = fopen(path, "r");
        if (!f) { fprintf(stderr, "kroniek serve: --token-file %s: %s\n", path, strerror(errno)); return NULL; }
        if (!fgets(tok, sizeof tok, f)) tok[0] = 0;
        fclose(f);
    } else snprintf(tok, sizeof tok, "%s", from);
    size_t n = strcspn(tok, "\r\n");
    tok[n] = 0;
    for (size_t i = 0; i < n; i++)
        if (tok[i] <= ' ' || tok[i] > '~') n = 0;
    if (n < 16 || n > 256) {
        fprintf(stderr, "kroniek serve: the access token (%s) must be 16 to 256 printable characters without spaces\n",
                path ? path : "$KRONIEK_TOKEN");
        return NULL;
    }
    return tok;
}

int cmd_serve(int argc, char **argv) {
    kr_serve_opts o;
    memset(&o, 0, sizeof o);
    const char *db = getenv("KRONIEK_DB"), *token_file = NULL;
    o.listen = "127.0.0.1:8080";
    o.threads = 4;
    o.cache = 1;
    o.mem_mb = 512;
    o.db = db && *db ? db : "kroniek.db";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        long n;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { serve_usage(stdout); return 0; }
        else if (!strcmp(a, "--db") && more) o.db = argv[++i];
        else if (!strcmp(a, "--listen") && more) o.listen = argv[++i];
        else if (!strcmp(a, "--web") && more) o.web_dir = argv[++i];
        else if (!strcmp(a, "--cors") && more) o.cors = argv[++i];
        else if ((!strcmp(a, "--threads") || !strcmp(a, "-j")) && more) {
            if (num_opt("--threads", argv[++i], 1, 64, &n)) return 2;
            o.threads = (int)n;
        } else if (!strcmp(a, "--budget") && more) {
            if (num_opt("--budget", argv[++i], 10, 600000, &o.budget_ms)) return 2;
        } else if (!strcmp(a, "--head-timeout") && more) {
            if (num_opt("--head-timeout", argv[++i], 100, 600000, &o.head_ms)) return 2;
        } else if (!strcmp(a, "--per-ip") && more) {
            if (num_opt("--per-ip", argv[++i], 1, 256, &n)) return 2;
            o.per_ip = (int)n;
        } else if (!strcmp(a, "--rate") && more) {
            if (num_opt("--rate", argv[++i], 0, 100000, &n)) return 2;
            o.rate = (double)n;
        } else if (!strcmp(a, "--mem-cap") && more) {
            if (num_opt("--mem-cap", argv[++i], 16, 1 << 20, &o.mem_mb)) return 2;
        } else if (!strcmp(a, "--tls-cert") && more) o.tls_cert = argv[++i];
        else if (!strcmp(a, "--tls-key") && more) o.tls_key = argv[++i];
        else if (!strcmp(a, "--token-file") && more) token_file = argv[++i];
        else if (!strcmp(a, "--public")) o.public_ok = 1;
        else if (!strcmp(a, "--log")) o.log = 1;
        else if (!strcmp(a, "--no-cache")) o.cache = 0;
        else {
            fprintf(stderr, "kroniek serve: unknown or incomplete option '%s'\n\n", a);
            serve_usage(stderr);
            return 2;
        }
    }
    if (o.cors && !valid_origin(o.cors)) {
        fprintf(stderr, "kroniek serve: --cors takes * or an origin like https://example.org (no path)\n");
        return 2;
    }
    if (!o.tls_cert != !o.tls_key) {
        fprintf(stderr, "kroniek serve: --tls-cert and --tls-key go together\n");
        return 2;
    }
    const char *envtok = getenv("KRONIEK_TOKEN");
    if (token_file || (envtok && *envtok)) {
        if (!(o.token = read_token(token_file, envtok))) return 2;
    }
    return kr_serve_run(&o);
}
