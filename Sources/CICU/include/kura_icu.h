#ifndef KURA_ICU_H
#define KURA_ICU_H
// ICU's normalisation and word breaking behind names that do not change with ICU's version: Debian's
// headers rename every ICU function with a version suffix (ubrk_open -> ubrk_open_72).
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// NFKC with case folding (Unicode's NFKC_Casefold) of `len` UTF-16 units into `dst`. Returns the length of
/// the result, which is more than `cap` when `dst` was too small (call again with that much room), or -1.
int32_t kura_nfkc_casefold(const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap);

/// A reusable UAX #29 word break iterator; not thread-safe, one per thread.
typedef struct kura_words kura_words;
kura_words *kura_words_new(void);
void kura_words_free(kura_words *w);

/// The word segments of UTF-8 `text` (letters, numbers, kana, ideographs; spaces and punctuation left out)
/// as [start, end) byte offsets in `starts`/`ends`, at most `cap` of them. Returns how many there are (more
/// than `cap` when the arrays were too small), or -1 on error.
int32_t kura_words_find_utf8(kura_words *w, const char *text, int32_t len, int32_t *starts, int32_t *ends, int32_t cap);

#ifdef __cplusplus
}
#endif
#endif
