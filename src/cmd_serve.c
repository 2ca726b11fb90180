/*
** cmd_serve.c -- `kroniek serve`: options for the HTTP server in src/serve.c.
**
**   kroniek serve [--db DB] [--listen 127.0.0.1:8080] [--web DIR] [--cors ORIGIN]
**                 [--threads N] [--no-cache] [--log]
**
** Exit status: 0 after SIGINT/SIGTERM, 2 on a usage or setup error (archive missing,
** address in use).
*/
#include "cmd.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* src/serve.c */
int kr_serve_run(const char *db, const char *listen_addr, const char *web_dir,
                 const char *cors, int threads, int log_requests, int cache);

static void serve_usage(FILE *f) {
    fprintf(f,
"usage: kroniek serve [--db DB] [--listen HOST:PORT] [--web DIR] [--cors ORIGIN]\n"
"                     [--threads N] [--no-cache] [--log]\n"
"\n"
"Serve a JSON API (/api/...) over an archive and the web page that uses it.\n"
"\n"
"  --db DB            archive: SQLite file or postgresql://... (default: $KRONIEK_DB,\n"
"                     else kroniek.db)\n"
"  --listen HOST:PORT address to bind (default 127.0.0.1:8080; port 0 picks a free\n"
"                     port; the URL is printed on stderr).  Binding to anything but\n"
"                     loopback exposes the archive to the network.\n"
"  --web DIR          serve the page from DIR instead of the built-in copy of web/\n"
"  --cors ORIGIN      allow cross-origin API reads from ORIGIN (e.g.\n"
"                     https://example.org, or *); off by default\n"
"  --threads N        worker threads, each with its own archive handle (default 4)\n"
"  --no-cache         do not keep answers in memory (by default the answers of a\n"
"                     SQLite archive are cached until its files change)\n"
"  --log              one line per request on stderr\n"
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

int cmd_serve(int argc, char **argv) {
    const char *db = getenv("KRONIEK_DB"), *listen_addr = "127.0.0.1:8080", *web = NULL, *cors = NULL;
    int threads = 4, log_requests = 0, cache = 1;
    if (!db || !*db) db = "kroniek.db";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { serve_usage(stdout); return 0; }
        else if (!strcmp(a, "--db") && more) db = argv[++i];
        else if (!strcmp(a, "--listen") && more) listen_addr = argv[++i];
        else if (!strcmp(a, "--web") && more) web = argv[++i];
        else if (!strcmp(a, "--cors") && more) cors = argv[++i];
        else if ((!strcmp(a, "--threads") || !strcmp(a, "-j")) && more) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 64) { fprintf(stderr, "kroniek serve: --threads takes 1 to 64\n"); return 2; }
            threads = (int)n;
        } else if (!strcmp(a, "--log")) log_requests = 1;
        else if (!strcmp(a, "--no-cache")) cache = 0;
        else {
            fprintf(stderr, "kroniek serve: unknown or incomplete option '%s'\n\n", a);
            serve_usage(stderr);
            return 2;
        }
    }
    if (cors && !valid_origin(cors)) {
        fprintf(stderr, "kroniek serve: --cors takes * or an origin like https://example.org (no path)\n");
        return 2;
    }
    return kr_serve_run(db, listen_addr, web, cors, threads, log_requests, cache);
}
