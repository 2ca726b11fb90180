/* tests/bench/helper.c -- `make bench` helper (build/bench-helper), two commands:
**
** helper split FILE: kroniek's own sentence split of the articles in FILE, one sentence
** a line on stdout as "DATE<TAB>SENTENCE" (the date as the article gives it).  bench.py turns the lines into the same sentences for TABARI
** (its record format) and for kroniek (one JSON Lines article per sentence).  Sentences
** that hold a newline or tab are written with blanks instead.  Built by the bench rule
** of the Makefile, linked with the library; not part of ./kroniek.
*/
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "kroniek.h"

static int run(int argc, char **argv) {
    const char *dir = NULL;
    if (argc > 1 && !strcmp(argv[0], "-C")) { dir = argv[1]; argv += 2; argc -= 2; }
    if (argc < 1) return 2;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 2; }
    if (pid == 0) {
        if (dir && chdir(dir) != 0) { perror(dir); _exit(127); }
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) { dup2(nul, 0); dup2(nul, 1); close(nul); }
        execvp(argv[0], argv);
        perror(argv[0]); _exit(127);
    }
    int st = 0; struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0) { perror("wait4"); return 2; }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("%.4f %.4f %ld %d\n", wall, cpu, ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 2 && !strcmp(argv[1], "run")) return run(argc - 2, argv + 2);
    if (argc != 3 || strcmp(argv[1], "split")) { fprintf(stderr, "usage: %s split ARTICLES | run [-C DIR] CMD...\n", argv[0]); return 2; }
    argv++;
    kr_dict *d = kr_dict_new();
    if (kr_dict_load_builtin(d) != KR_OK || kr_dict_finish(d) != KR_OK) {
        fprintf(stderr, "sentences: dictionaries: %s\n", kr_dict_error(d)); return 2;
    }
    kr_coder *c = kr_coder_new(d);
    kr_reader *r = kr_reader_open(argv[1]);
    if (!r) { fprintf(stderr, "sentences: cannot open %s\n", argv[1]); return 2; }
    kr_article a;
    kr_status st;
    long n = 0;
    while ((st = kr_reader_next(r, &a)) != KR_EOF) {
        if (st != KR_OK) continue;
        int ns = kr_split_article(c, &a);
        for (int i = 0; i < ns; i++) {
            int len = 0;
            const char *s = kr_coder_sentence(c, i, &len);
            if (!s || len <= 0) continue;
            fputs(a.date ? a.date : "", stdout);
            putchar('\t');
            for (int k = 0; k < len; k++) putchar(s[k] == '\n' || s[k] == '\t' || s[k] == '\r' ? ' ' : s[k]);
            putchar('\n');
            n++;
        }
    }
    kr_reader_free(r);
    kr_coder_free(c);
    kr_dict_free(d);
    fprintf(stderr, "sentences: %ld\n", n);
    return 0;
}
