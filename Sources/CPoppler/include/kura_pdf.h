#ifndef KURA_PDF_H
#define KURA_PDF_H
// A C face for Poppler's C++ API (Debian libpoppler-cpp-dev): open a PDF held in memory and read each
// page's text in reading order, as pdftotext lays it out by default. No C++ exception crosses it.
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kura_pdf kura_pdf;

enum { KURA_PDF_OK = 0, KURA_PDF_DAMAGED = 1, KURA_PDF_ENCRYPTED = 2 };

// Opens `length` bytes at `bytes`, which must outlive the returned handle (they are not copied).
// Returns NULL with *status set to KURA_PDF_DAMAGED or KURA_PDF_ENCRYPTED.
kura_pdf *kura_pdf_open(const void *bytes, size_t length, int *status);

int kura_pdf_pages(const kura_pdf *pdf);

// The UTF-8 text of page `index` (from 0), malloc'd, not NUL-terminated: *length bytes. NULL when the
// page cannot be read.
char *kura_pdf_page_text(const kura_pdf *pdf, int index, size_t *length);

void kura_pdf_close(kura_pdf *pdf);

#ifdef __cplusplus
}
#endif
#endif
