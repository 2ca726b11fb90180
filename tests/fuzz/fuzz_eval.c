/*
** fuzz_eval.c -- the scorer (eval.c, kr_eval_files): a gold file and a predictions file,
** both JSON Lines, cut from one input at its first NUL byte.  Either the files are
** refused with a message naming file and line, or the score is consistent: matched <=
** predicted, matched <= required gold, precision, recall and F1 within 0..1.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *cut = memchr(data, 0, size);
    size_t gl = cut ? (size_t)(cut - data) : size;
    char gold[64], pred[64];
    int fg = fz_memfile(data, gl, gold, sizeof gold);
    int fp = fz_memfile(cut ? cut + 1 : data + size, cut ? size - gl - 1 : 0, pred, sizeof pred);
    static FILE *null;
    if (!null) null = fopen("/dev/null", "w");
    if (fg >= 0 && fp >= 0) {
        kr_score s; char err[1024] = "";
        kr_status st = kr_eval_files(gold, pred, null, &s, err, sizeof err);
        if (st != KR_OK) FZ_CHECK(err[0] && (strstr(err, gold) || strstr(err, pred)));
        else {
            FZ_CHECK(s.matched >= 0 && s.matched <= s.predicted + s.optional_matched && s.matched <= s.gold_required);
            FZ_CHECK(s.precision >= 0 && s.precision <= 1 && s.recall >= 0 && s.recall <= 1 && s.f1 >= 0 && s.f1 <= 1);
        }
    }
    if (fg >= 0) close(fg);
    if (fp >= 0) close(fp);
    return 0;
}
