/*
** store_daily.c -- one-a-day groups of archive events, shared by `kroniek events/export
** --one-a-day` (cmd_store.c) and the server's daily and export endpoints (serve.c): one
** group per (date, source, target, code), counting its events, articles and publishers
** (GDELT NumMentions, NumArticles, NumSources).  Declared in store.h.
*/
#include <stdlib.h>
#include <string.h>
#include "store.h"

void kr_daily_init(kr_daily *G) {
    memset(G, 0, sizeof *G);
    kr_map_init(&G->idx, &G->ar); kr_map_init(&G->pubs, &G->ar);
}

void kr_daily_free(kr_daily *G) {
    kr_map_free(&G->idx); kr_map_free(&G->pubs); free(G->g); kr_buf_free(&G->key); kr_arena_free(&G->ar);
}

uint32_t kr_daily_group(kr_daily *G, const kr_event *e, int *isnew) {
    G->key.len = 0;
    kr_buf_addf(&G->key, "%s\t%s\t%s\t%s", e->date ? e->date : "", e->source ? e->source : "",
                e->target ? e->target : "", e->code ? e->code : "");
    uint32_t i = kr_map_get(&G->idx, G->key.p, G->key.len);
    if (isnew) *isnew = !i;
    if (!i) {
        if (G->n == G->cap) { G->cap = G->cap ? G->cap * 2 : 1024; G->g = kr_xrealloc(G->g, G->cap * sizeof *G->g); }
        memset(&G->g[G->n], 0, sizeof *G->g);
        kr_map_put(&G->idx, G->key.p, G->key.len, ++G->n);
        i = G->n;
    }
    return i;
}

int kr_daily_count(void *ctx, const kr_event_row *r) {
    kr_daily *G = ctx;
    uint32_t gi = kr_daily_group(G, &r->ev, NULL);     /* may move G->g: not in one expression */
    kr_daily_grp *g = &G->g[gi - 1];
    const char *doc = r->ev.doc ? r->ev.doc : "";
    g->mentions++;
    if (!g->lastdoc || strcmp(g->lastdoc, doc)) {      /* events come in article order within a day */
        g->articles++;
        g->lastdoc = kr_strndup(&G->ar, doc, strlen(doc));
    }
    const char *pub = r->publisher ? r->publisher : "";
    kr_buf_addc(&G->key, '\t'); kr_buf_add(&G->key, pub, strlen(pub));
    if (!kr_map_get(&G->pubs, G->key.p, G->key.len)) { kr_map_put(&G->pubs, G->key.p, G->key.len, 1); g->sources++; }
    return 0;
}
