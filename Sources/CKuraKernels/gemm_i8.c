// int8 quantisation, packing and the scalar reference product; the AVX512-VNNI kernel is in
// gemm_i8_avx512.c. See kura_gemm.h for the arithmetic and the layout.
#include "ck_internal.h"
#include "kura_gemm.h"
#include <math.h>
#include <string.h>

#define CK_NB 32

#if defined(__x86_64__)
void ck_i8_gemm_avx512(const uint8_t *xq, size_t m, size_t k, const int8_t *packed, size_t n, int32_t *acc, size_t ldacc);
void ck_i8_quantize_avx512(const float *x, size_t m, size_t k, uint8_t *out, float *row_scales);
void ck_i8_finish_avx512(int32_t *acc, size_t m, size_t n, const float *scales, const int32_t *sums, const float *bias,
                         const float *row_scales, float *y);
#endif

int ck_i8_native(void) {
#if defined(__x86_64__)
    return CK_AVX512_WITH("avx512vnni");
#else
    return 0;
#endif
}

size_t ck_i8_packed_count(size_t n, size_t k) { return (n % CK_NB == 0 && k % 4 == 0 && n && k && k < 66000) ? n * k : 0; }

void ck_i8_pack(const float *w, size_t n, size_t k, int8_t *packed, float *scales, int32_t *sums) {
    for (size_t j = 0; j < n; j++) {
        float top = 0;
        for (size_t p = 0; p < k; p++) top = fmaxf(top, fabsf(w[j * k + p]));
        scales[j] = top > 0 ? top / 127.0f : 1.0f;
        sums[j] = 0;
    }
    for (size_t nb = 0; nb < n; nb += CK_NB)
        for (size_t p = 0; p < k / 4; p++)
            for (size_t j = nb; j < nb + CK_NB; j++)
                for (size_t t = 0; t < 4; t++) {
                    float v = rintf(w[j * k + 4 * p + t] / scales[j]);
                    int8_t q = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
                    *packed++ = q;
                    sums[j] += q;
                }
}

// Each row to unsigned bytes around 128, with its scale. A row of zeros (or of NaN) gets scale 0.
static void quantize_rows(const float *x, size_t m, size_t k, uint8_t *out, float *row_scales) {
    for (size_t i = 0; i < m; i++) {
        const float *r = x + i * k;
        float top = 0;
        for (size_t p = 0; p < k; p++) top = fmaxf(top, fabsf(r[p]));
        float inv = top > 0 ? 127.0f / top : 0;
        row_scales[i] = top / 127.0f;
        for (size_t p = 0; p < k; p++) {
            float v = rintf(r[p] * inv);
            if (!(v == v)) v = -127;  // NaN, as the vector conversion clamps it
            v = v > 127 ? 127 : v < -127 ? -127 : v;
            out[i * k + p] = (uint8_t)(int)(v + 128);
        }
    }
}

static void finish(const int32_t *acc, size_t m, size_t n, const float *scales, const int32_t *sums, const float *bias,
                   const float *row_scales, float *y) {
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            y[i * n + j] = row_scales[i] * scales[j] * (float)(acc[i * n + j] - 128 * sums[j]) + (bias ? bias[j] : 0.0f);
}

void ck_i8_gemm_reference(const float *x, size_t m, size_t k, const int8_t *packed, const float *scales, const int32_t *sums,
                          const float *bias, size_t n, float *y, uint8_t *scratch, float *row_scales) {
    quantize_rows(x, m, k, scratch, row_scales);
    // The integer sums go in y's storage (same size), then become floats in place.
    int32_t *acc = (int32_t *)y;
    for (size_t i = 0; i < m; i++)
        for (size_t col = 0; col < n; col++) {
            const int8_t *b = packed + (col / CK_NB) * k * CK_NB + (col % CK_NB) * 4;
            const uint8_t *a = scratch + i * k;
            int32_t sum = 0;
            for (size_t p = 0; p < k / 4; p++, b += 4 * CK_NB)
                for (size_t t = 0; t < 4; t++) sum += (int32_t)a[4 * p + t] * (int32_t)b[t];
            acc[i * n + col] = sum;
        }
    finish(acc, m, n, scales, sums, bias, row_scales, y);
}

void ck_i8_gemm(const float *x, size_t m, size_t k, const int8_t *packed, const float *scales, const int32_t *sums, const float *bias,
                size_t n, float *y, uint8_t *scratch, float *row_scales) {
#if defined(__x86_64__)
    if (ck_i8_native()) {
        ck_i8_quantize_avx512(x, m, k, scratch, row_scales);
        ck_i8_gemm_avx512(scratch, m, k, packed, n, (int32_t *)y, n);
        ck_i8_finish_avx512((int32_t *)y, m, n, scales, sums, bias, row_scales, y);
        return;
    }
#endif
    ck_i8_gemm_reference(x, m, k, packed, scales, sums, bias, n, y, scratch, row_scales);
}
