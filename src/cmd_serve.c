/*
** cmd_serve.c -- placeholder until the server lands (issue 5).
*/
#include "cmd.h"
#include <stdio.h>
int cmd_serve(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "kroniek serve: not built yet\n"); return 2; }
