#include "kura_icu.h"

#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/utext.h>

int32_t kura_nfkc_casefold(const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFKCCasefoldInstance(&err);
    if (U_FAILURE(err)) return -1;
    int32_t out = unorm2_normalize(n, (const UChar *)src, len, (UChar *)dst, cap, &err);
    if (err == U_BUFFER_OVERFLOW_ERROR) return out;
    return U_FAILURE(err) ? -1 : out;
}

struct kura_words {
    UBreakIterator *it;
};

kura_words *kura_words_new(void) {
    UErrorCode err = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(UBRK_WORD, "", NULL, 0, &err);
    if (U_FAILURE(err)) return NULL;
    kura_words *w = malloc(sizeof *w);
    if (!w) {
        ubrk_close(it);
        return NULL;
    }
    w->it = it;
    return w;
}

void kura_words_free(kura_words *w) {
    if (!w) return;
    ubrk_close(w->it);
    free(w);
}

static int32_t collect(UBreakIterator *it, int32_t *starts, int32_t *ends, int32_t cap);

int32_t kura_words_find_utf8(kura_words *w, const char *text, int32_t len, int32_t *starts, int32_t *ends, int32_t cap) {
    UErrorCode err = U_ZERO_ERROR;
    UText ut = UTEXT_INITIALIZER;
    utext_openUTF8(&ut, text, len, &err);
    if (U_FAILURE(err)) return -1;
    ubrk_setUText(w->it, &ut, &err);
    int32_t n = U_FAILURE(err) ? -1 : collect(w->it, starts, ends, cap);
    err = U_ZERO_ERROR;
    ubrk_setText(w->it, NULL, 0, &err);
    utext_close(&ut);
    return n;
}

static int32_t collect(UBreakIterator *it, int32_t *starts, int32_t *ends, int32_t cap) {
    int32_t n = 0;
    int32_t start = ubrk_first(it);
    for (int32_t end = ubrk_next(it); end != UBRK_DONE; start = end, end = ubrk_next(it)) {
        // Rule status UBRK_WORD_NONE (0-99) marks spaces and punctuation.
        if (ubrk_getRuleStatus(it) < UBRK_WORD_NONE_LIMIT) continue;
        if (n < cap) {
            starts[n] = start;
            ends[n] = end;
        }
        n++;
    }
    return n;
}
