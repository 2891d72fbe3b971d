#include "kura_icu.h"

#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>

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

int32_t kura_words_find(kura_words *w, const uint16_t *text, int32_t len, int32_t *starts, int32_t *ends, int32_t cap) {
    UErrorCode err = U_ZERO_ERROR;
    ubrk_setText(w->it, (const UChar *)text, len, &err);
    if (U_FAILURE(err)) return -1;
    int32_t n = 0;
    int32_t start = ubrk_first(w->it);
    for (int32_t end = ubrk_next(w->it); end != UBRK_DONE; start = end, end = ubrk_next(w->it)) {
        // Rule status UBRK_WORD_NONE (0-99) marks spaces and punctuation.
        if (ubrk_getRuleStatus(w->it) < UBRK_WORD_NONE_LIMIT) continue;
        if (n < cap) {
            starts[n] = start;
            ends[n] = end;
        }
        n++;
    }
    // Leave the iterator pointing at nothing the caller may free.
    ubrk_setText(w->it, NULL, 0, &err);
    return n;
}
