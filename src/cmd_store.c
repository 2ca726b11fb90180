/*
** cmd_store.c -- placeholder until the archive lands (issue 4).
*/
#include "cmd.h"
#include <stdio.h>
static int nyi(const char *c) { fprintf(stderr, "kroniek %s: the archive is not built yet\n", c); return 2; }
int cmd_ingest(int argc, char **argv) { (void)argc; (void)argv; return nyi("ingest"); }
int cmd_search(int argc, char **argv) { (void)argc; (void)argv; return nyi("search"); }
int cmd_events(int argc, char **argv) { (void)argc; (void)argv; return nyi("events"); }
int cmd_timeline(int argc, char **argv) { (void)argc; (void)argv; return nyi("timeline"); }
int cmd_export(int argc, char **argv) { (void)argc; (void)argv; return nyi("export"); }
