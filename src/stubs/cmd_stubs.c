/*
** cmd_stubs.c -- used only by `make CORE_ONLY=1` (a build of the coder without the
** archive and the server, for developing the coder while those modules change).
*/
#include "cmd.h"
#include <stdio.h>
static int nyi(const char *c) { fprintf(stderr, "kroniek %s: not in this build (CORE_ONLY)\n", c); return 2; }
int cmd_ingest(int argc, char **argv) { (void)argc; (void)argv; return nyi("ingest"); }
int cmd_search(int argc, char **argv) { (void)argc; (void)argv; return nyi("search"); }
int cmd_events(int argc, char **argv) { (void)argc; (void)argv; return nyi("events"); }
int cmd_timeline(int argc, char **argv) { (void)argc; (void)argv; return nyi("timeline"); }
int cmd_export(int argc, char **argv) { (void)argc; (void)argv; return nyi("export"); }
int cmd_serve(int argc, char **argv) { (void)argc; (void)argv; return nyi("serve"); }
