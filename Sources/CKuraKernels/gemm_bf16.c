// bf16 packing, rounding and the scalar reference product; the AVX512-BF16 kernel is in
// gemm_bf16_avx512.c. See kura_gemm.h for the layout.
#include "ck_internal.h"
#include "kura_gemm.h"
#include <string.h>

#define CK_NB 32

#if defined(__x86_64__)
void ck_bf16_gemm_avx512(const uint16_t *xb, size_t m, size_t k, const uint16_t *packed, size_t n, float *y);
void ck_bf16_convert_avx512(const float *x, size_t count, uint16_t *out);
#endif

uint16_t ck_bf16_round(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u); // quiet NaN
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

static float bf16_to_float(uint16_t b) {
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

int ck_bf16_native(void) {
#if defined(__x86_64__)
    return CK_AVX512_WITH("avx512bf16");
#else
    return 0;
#endif
}

size_t ck_bf16_packed_count(size_t n, size_t k) { return (n % CK_NB == 0 && k % 2 == 0 && n && k) ? n * k : 0; }

void ck_bf16_pack(const float *w, size_t n, size_t k, uint16_t *packed) {
    for (size_t nb = 0; nb < n; nb += CK_NB)
        for (size_t p = 0; p < k / 2; p++)
            for (size_t j = 0; j < CK_NB; j++) {
                const float *row = w + (nb + j) * k + 2 * p;
                *packed++ = ck_bf16_round(row[0]);
                *packed++ = ck_bf16_round(row[1]);
            }
}

static void to_bf16(const float *x, size_t count, uint16_t *out) {
    for (size_t i = 0; i < count; i++) out[i] = ck_bf16_round(x[i]);
}

void ck_bf16_gemm_reference(const float *x, size_t m, size_t k, const uint16_t *packed, size_t n, float *y, uint16_t *scratch) {
    to_bf16(x, m * k, scratch);
    for (size_t i = 0; i < m; i++) {
        const uint16_t *a = scratch + i * k;
        for (size_t col = 0; col < n; col++) {
            const uint16_t *b = packed + (col / CK_NB) * (k / 2) * 2 * CK_NB + (col % CK_NB) * 2;
            float acc = 0.0f;
            for (size_t p = 0; p < k / 2; p++, b += 2 * CK_NB) {
                acc += bf16_to_float(a[2 * p + 1]) * bf16_to_float(b[1]);
                acc += bf16_to_float(a[2 * p]) * bf16_to_float(b[0]);
            }
            y[i * n + col] = acc;
        }
    }
}

void ck_bf16_gemm(const float *x, size_t m, size_t k, const uint16_t *packed, size_t n, float *y, uint16_t *scratch) {
#if defined(__x86_64__)
    if (ck_bf16_native()) {
        ck_bf16_convert_avx512(x, m * k, scratch);
        ck_bf16_gemm_avx512(scratch, m, k, packed, n, y);
        return;
    }
#endif
    ck_bf16_gemm_reference(x, m, k, packed, n, y, scratch);
}
