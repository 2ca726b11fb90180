/*
** cli.c -- main() of the kroniek program: dispatches sub-commands, loads dictionaries,
** and implements `code`, `eval` and `dict`.  Exit status: 0 success, 1 some input
** failed (reported on stderr with file and line), 2 usage or setup error.
*/
#include "kroniek.h"
#include "cmd.h"
#include "kr_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

static void usage(FILE *f) {
    fprintf(f,
"kroniek %s -- political event data from Dutch and English news (CAMEO)\n"
"\n"
"usage: kroniek COMMAND [OPTIONS] [ARGS]\n"
"\n"
"  code [FILE|DIR|-]...     code articles, write one event per line (JSON Lines)\n"
"      --format jsonl|tsv|csv|plover   output format (tsv: GDELT 1.0 columns)\n"
"      --lang nl|en          language when articles do not say (default: detect)\n"
"      -j N, --threads N     code on N threads (output stays in input order)\n"
"      --stats               print a summary on stderr\n"
"      --trace               print clauses, actors and triggers on stderr\n"
"  eval --gold GOLD.jsonl (--pred EVENTS.jsonl | ARTICLES...)\n"
"      [--min-precision P] [--min-recall R] [--quiet]\n"
"  dict check|stats|convert [FILES...]   dict names CODE|NAME...  (RUSGOV: Russia: government)\n"
"  test CASES...            run sentence test cases (tests/cases/*.cases)\n"
"  ingest [--db DB] [--batch N] FILES... | --check | --stats   code and store articles\n"
"                           (SQLite file, default kroniek.db, or postgresql://...)\n"
"  search [--db DB] [--from D --to D --lang L --limit N --format F] QUERY\n"
"                           full-text search: words, \"phrases\", w*, AND OR NOT\n"
"  events [--db DB] [--actor X --source X --target X --dyad A,B --code C --root R\n"
"          --quad Q --from D --to D --lang L --text Q] [--one-a-day] [--format table|csv|jsonl]\n"
"                           actors: codes (RUS, USAGOV) or names (Rusland, Russia, NAVO)\n"
"  timeline [--db DB] [--by day|week|month] [--by-dyad] [--dyad-level country|code] [filters]\n"
"  export [--db DB] [filters] [--one-a-day] --format gdelt|csv|jsonl|plover [--header]\n"
"  serve [--db DB] [--listen 127.0.0.1:8080] [--web DIR] [--cors ORIGIN]\n"
"                           JSON API and web page (docs/API.md)\n"
"\n"
"%s", KRONIEK_VERSION, kr_dictopts_help);
}

const char kr_dictopts_help[] =
"dictionary options (all commands that code):\n"
"  --data DIR            read dictionaries from DIR instead of the built-in ones\n"
"                        (also $KRONIEK_DATA)\n"
"  --actors F  --agents F  --verbs F  --discards F\n"
"                        extra dictionaries (kroniek, TABARI or PETRARCH format,\n"
"                        detected), repeatable; they replace the built-in ones of\n"
"                        their kind unless --add-dicts is given\n"
"  --add-dicts           keep the built-in dictionaries as well\n";

int kr_dictopt(kr_dictopts *o, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    if (!strcmp(a, "--data") && *i + 1 < argc) { o->data_dir = argv[++*i]; return 1; }
    if (!strcmp(a, "--add-dicts")) { o->add_dicts = 1; return 1; }
    static const char *kinds[] = {"--actors", "--agents", "--verbs", "--discards", NULL};
    for (int k = 0; kinds[k]; k++) if (!strcmp(a, kinds[k])) {
        if (*i + 1 >= argc) { fprintf(stderr, "kroniek: %s needs a file\n", a); exit(2); }
        if (o->nextra == 64) { fprintf(stderr, "kroniek: too many dictionary files\n"); exit(2); }
        o->extra[o->nextra][0] = kinds[k] + 2; o->extra[o->nextra][1] = argv[++*i]; o->nextra++;
        return 1;
    }
    return 0;
}

kr_dict *kr_load_dicts(const kr_dictopts *o, int quiet) {
    kr_dict *d = kr_dict_new();
    if (!d) { fprintf(stderr, "kroniek: out of memory\n"); return NULL; }
    const char *dir = o->data_dir ? o->data_dir : getenv("KRONIEK_DATA");
    kr_status st;
    if (o->nextra && !o->add_dicts) {
        /* dictionaries given on the command line replace kroniek's own of that kind
        ** (CAMEO codes, word lists and the gazetteer stay) */
        int skip = 0;
        for (int i = 0; i < o->nextra; i++) {
            if (!strcmp(o->extra[i][0], "actors") || !strcmp(o->extra[i][0], "agents")) skip |= KR_SKIP_ACTORS;
            if (!strcmp(o->extra[i][0], "verbs")) skip |= KR_SKIP_VERBS;
        }
        kr_dict_set_skip(d, skip);
    }
    st = dir && *dir ? kr_dict_load_dir(d, dir) : kr_dict_load_builtin(d);
    /* issue 15: files that replace the built-in actors or verbs and hold no entry at
    ** all (an empty file) would code nothing, silently: an error naming them */
    size_t added[2] = {0, 0};               /* entries from actor/agent files, verb files */
    int nread[2] = {0, 0};
    for (int i = 0; i < o->nextra; i++) {
        size_t before = kr_dict_nentries(d);
        kr_status s = kr_dict_load_file(d, o->extra[i][1], NULL, o->extra[i][0]);
        if (s != KR_OK) st = s;
        int k = !strcmp(o->extra[i][0], "verbs") ? 1 : strcmp(o->extra[i][0], "discards") ? 0 : -1;
        if (k >= 0 && s == KR_OK) { added[k] += kr_dict_nentries(d) - before; nread[k]++; }
    }
    for (int i = 0; i < o->nextra && !o->add_dicts; i++) {
        int k = !strcmp(o->extra[i][0], "verbs") ? 1 : strcmp(o->extra[i][0], "discards") ? 0 : -1;
        if (k >= 0 && nread[k] && !added[k])
            kr_dict_msg(d, 1, o->extra[i][1], 0, "no entries: this --%s file replaces the built-in %s, and nothing would be coded"
                        " (give --add-dicts to keep the built-in ones)", o->extra[i][0], k ? "verbs" : "actors");
    }
    (void)st;     /* errors are counted in the dictionary and reported below */
    kr_dict_finish(d);
    if (kr_dict_nerrors(d)) {
        fputs(kr_dict_messages(d), stderr);
        fprintf(stderr, "kroniek: %d dictionary error(s)%s\n", kr_dict_nerrors(d), quiet ? "" : "; run 'kroniek dict check' for details");
        kr_dict_free(d);
        return NULL;
    }
    return d;
}

int main(int argc, char **argv) {
    if (argc < 2) { usage(stderr); return 2; }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "code")) return cmd_code(argc - 1, argv + 1);
    if (!strcmp(cmd, "eval")) return cmd_eval(argc - 1, argv + 1);
    if (!strcmp(cmd, "dict")) return cmd_dict(argc - 1, argv + 1);
    if (!strcmp(cmd, "test")) return cmd_test(argc - 1, argv + 1);
    if (!strcmp(cmd, "ingest")) return cmd_ingest(argc - 1, argv + 1);
    if (!strcmp(cmd, "search")) return cmd_search(argc - 1, argv + 1);
    if (!strcmp(cmd, "events")) return cmd_events(argc - 1, argv + 1);
    if (!strcmp(cmd, "timeline")) return cmd_timeline(argc - 1, argv + 1);
    if (!strcmp(cmd, "export")) return cmd_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "serve")) return cmd_serve(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) { printf("kroniek %s\n", KRONIEK_VERSION); return 0; }
    if (!strcmp(cmd, "help") && argc > 2 && strcmp(argv[2], "help")) {
        /* kroniek help CMD is kroniek CMD --help */
        char *hargv[] = { argv[0], argv[2], "--help", NULL };
        return main(3, hargv);
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) { usage(stdout); return 0; }
    fprintf(stderr, "kroniek: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}

/* 1 if path is a directory that holds no input file (*.txt, *.jsonl, *.json), however
** deep; then the commands say so instead of reading nothing in silence */
int kr_dir_without_input(const char *path) {
    struct stat st;
    if (stat(path, &st) || !S_ISDIR(st.st_mode)) return 0;
    DIR *d = opendir(path);
    if (!d) return 0;
    struct dirent *de;
    int found = 0;
    while (!found && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        const char *dot = strrchr(de->d_name, '.');
        if (stat(sub, &st)) continue;
        if (S_ISDIR(st.st_mode)) found = !kr_dir_without_input(sub);
        else found = dot && (!strcmp(dot, ".txt") || !strcmp(dot, ".jsonl") || !strcmp(dot, ".json"));
    }
    closedir(d);
    return !found;
}
