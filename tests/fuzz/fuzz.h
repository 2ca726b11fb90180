/*
** fuzz.h -- helpers shared by the libFuzzer targets in tests/fuzz/fuzz_*.c: the
** built-in dictionary loaded once per process, an in-memory file for the readers,
** and a check macro that aborts (a crash the fuzzer records) when an invariant fails.
*/
#ifndef KR_FUZZ_H
#define KR_FUZZ_H
#include "kr_int.h"
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>

#define FZ_CHECK(cond) do { if (!(cond)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); abort(); } } while (0)

/* the dictionaries compiled into the binary; loaded once, never freed (leak checks
** only look at memory allocated while running one input) */
static const kr_dict *fz_builtin(void) {
    static kr_dict *d;
    if (!d) {
        d = kr_dict_new();
        kr_dict_load_builtin(d);
        kr_dict_finish(d);
    }
    return d;
}

/* Write data to an anonymous in-memory file; OUT: *path names it ("/proc/self/fd/N").
** Returns the descriptor (close it when done) or -1. */
static int fz_memfile(const uint8_t *data, size_t size, char *path, size_t cap) {
    int fd = memfd_create("fuzz", 0);
    if (fd < 0) return -1;
    size_t off = 0;
    while (off < size) { ssize_t w = write(fd, data + off, size - off); if (w <= 0) { close(fd); return -1; } off += (size_t)w; }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}

/* every pointer of an article the reader returned with KR_OK is usable */
static void fz_check_article(const kr_article *a) {
    FZ_CHECK(a->id && a->date && a->text && a->origin);
    (void)strlen(a->id); (void)strlen(a->text);
    if (a->title) (void)strlen(a->title);
    if (a->lang) (void)strlen(a->lang);
}
#endif
