// binary16 packing and the scalar reference product; the AVX512-FP16 kernel is in gemm_f16_avx512.c.
// See kura_gemm.h for the layout and the partial sums.
#include "ck_internal.h"
#include "kura_gemm.h"
#include "kura_kernels.h"
#include <math.h>

#define CK_NB 32

#if defined(__x86_64__)
void ck_f16_gemm_avx512(const uint16_t *xh, size_t m, size_t k, const uint16_t *packed, const float *bias, size_t n, float *y);
void ck_f16_convert_avx512(const float *x, size_t count, uint16_t *out);
#endif

int ck_f16_native(void) {
#if defined(__x86_64__)
    return CK_AVX512_WITH("avx512fp16") && __builtin_cpu_supports("avx512dq");
#else
    return 0;
#endif
}

size_t ck_f16_packed_count(size_t n, size_t k) { return ck_bf16_packed_count(n, k); }

void ck_f16_pack(const float *w, size_t n, size_t k, uint16_t *packed) {
    for (size_t nb = 0; nb < n; nb += CK_NB)
        for (size_t p = 0; p < k / 2; p++)
            for (size_t j = 0; j < CK_NB; j++) {
                ck_f32_to_f16(w + (nb + j) * k + 2 * p, packed, 2);
                packed += 2;
            }
}

static float round_half(float x) {
    uint16_t h;
    ck_f32_to_f16(&x, &h, 1);
    return ck_half_to_float(h);
}

void ck_f16_gemm_reference(const float *x, size_t m, size_t k, const uint16_t *packed, const float *bias, size_t n, float *y,
                           uint16_t *scratch) {
    ck_f32_to_f16(x, scratch, m * k);
    for (size_t i = 0; i < m; i++) {
        const uint16_t *a = scratch + i * k;
        for (size_t col = 0; col < n; col++) {
            const uint16_t *b = packed + (col / CK_NB) * (k / 2) * 2 * CK_NB + (col % CK_NB) * 2;
            float even = 0, odd = 0;
            for (size_t p0 = 0; p0 < k / 2; p0 += CK_F16_RUN) {
                float he = 0, ho = 0;
                size_t end = p0 + CK_F16_RUN < k / 2 ? p0 + CK_F16_RUN : k / 2;
                for (size_t p = p0; p < end; p++) {
                    const uint16_t *bp = b + p * 2 * CK_NB;
                    he = round_half(fmaf(ck_half_to_float(a[2 * p]), ck_half_to_float(bp[0]), he));
                    ho = round_half(fmaf(ck_half_to_float(a[2 * p + 1]), ck_half_to_float(bp[1]), ho));
                }
                even += he;
                odd += ho;
            }
            y[i * n + col] = even + odd + (bias ? bias[col] : 0.0f);
        }
    }
}

void ck_f16_gemm(const float *x, size_t m, size_t k, const uint16_t *packed, const float *bias, size_t n, float *y, uint16_t *scratch) {
#if defined(__x86_64__)
    if (ck_f16_native()) {
        ck_f16_convert_avx512(x, m * k, scratch);
        ck_f16_gemm_avx512(scratch, m, k, packed, bias, n, y);
        return;
    }
#endif
    ck_f16_gemm_reference(x, m, k, packed, bias, n, y, scratch);
}
