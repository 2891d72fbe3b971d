#include "kura_pdf.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

struct kura_pdf {
    std::unique_ptr<poppler::document> doc;
};

// Poppler reports syntax errors of damaged files on stderr; the caller reports the file's failure itself.
static void quiet(const std::string &, void *) {}

extern "C" kura_pdf *kura_pdf_open(const void *bytes, size_t length, int *status) {
    static const bool silenced = (poppler::set_debug_error_function(quiet, nullptr), true);
    (void)silenced;
    *status = KURA_PDF_DAMAGED;
    if (bytes == nullptr || length == 0 || length > INT_MAX) return nullptr;
    try {
        std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(static_cast<const char *>(bytes), int(length)));
        if (!doc) return nullptr;
        if (doc->is_locked()) {
            *status = KURA_PDF_ENCRYPTED;
            return nullptr;
        }
        *status = KURA_PDF_OK;
        return new kura_pdf{std::move(doc)};
    } catch (...) {
        return nullptr;
    }
}

extern "C" int kura_pdf_pages(const kura_pdf *pdf) { return pdf->doc->pages(); }

extern "C" char *kura_pdf_page_text(const kura_pdf *pdf, int index, size_t *length) {
    try {
        std::unique_ptr<poppler::page> page(pdf->doc->create_page(index));
        if (!page) return nullptr;
        poppler::byte_array utf8 = page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
        char *out = static_cast<char *>(std::malloc(utf8.size() + 1));
        if (out == nullptr) return nullptr;
        if (!utf8.empty()) std::memcpy(out, utf8.data(), utf8.size());
        *length = utf8.size();
        return out;
    } catch (...) {
        return nullptr;
    }
}

extern "C" void kura_pdf_close(kura_pdf *pdf) { delete pdf; }
