/*
** cmd.h -- the kroniek command-line program: shared option handling and the
** sub-commands implemented in the cmd_*.c files.
*/
#ifndef KR_CMD_H
#define KR_CMD_H
#include "kroniek.h"

typedef struct {
    const char *data_dir;         /* --data DIR or $KRONIEK_DATA */
    const char *extra[64][2];     /* --actors F etc: {kind, path} */
    int nextra;
    int add_dicts;                /* keep the built-in dictionaries too */
} kr_dictopts;

/* the help text of the dictionary options (cli.c), for every command's --help */
extern const char kr_dictopts_help[];
/* parse a dictionary option at argv[*i]; returns 1 if consumed */
int kr_dictopt(kr_dictopts *o, int argc, char **argv, int *i);
/* load dictionaries per the options; prints errors; NULL on failure */
kr_dict *kr_load_dicts(const kr_dictopts *o, int quiet);

/* 1 if path is a directory without any *.txt, *.jsonl or *.json file (cli.c) */
int kr_dir_without_input(const char *path);

int cmd_code(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_dict(int argc, char **argv);
int cmd_test(int argc, char **argv);
/* archive commands (src/cmd_store.c) */
int cmd_ingest(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_export(int argc, char **argv);
/* HTTP server (src/cmd_serve.c) */
int cmd_serve(int argc, char **argv);
#endif
