/*
** serve.h -- the options of `kroniek serve` (src/cmd_serve.c parses them, src/serve.c
** runs the server).  Limits and their defaults: docs/API.md.
*/
#ifndef KR_SERVE_H
#define KR_SERVE_H

typedef struct {
    const char *db, *listen, *web_dir, *cors;
    int threads;                 /* full-text queries at once (archive handles: one more) */
    int log, cache;
    long budget_ms;              /* time budget of one API request */
    long head_ms;                /* deadline for a whole request head */
    int per_ip;                  /* connections from one address */
    /* facing a network */
    const char *tls_cert, *tls_key;   /* PEM files: serve HTTPS */
    const char *token;           /* required access token (Bearer, ?token= is not taken) */
    int public_ok;               /* --public: listen beyond loopback without a token */
    double rate;                 /* API requests per second per address (0: no limit) */
    long mem_mb;                 /* memory cap for answers in flight (MB; 0: none) */
} kr_serve_opts;

/* Serve until SIGINT or SIGTERM.  Returns the exit status (0, or 2 on a setup error). */
int kr_serve_run(const kr_serve_opts *o);

#endif
