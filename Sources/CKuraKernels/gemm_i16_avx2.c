// The 12-bit integer product on AVX2 (see kura_gemm.h), for CPUs without AVX512-VNNI (AMD's Zen 2 and 3,
// Intel's before Ice Lake): VPMADDWD multiplies int16 pairs into exact int32 pair sums, VPADDD adds them
// up, the same integers VPDPWSSD sums, so the result is bit-identical to the reference: 16 products an
// instruction against float FMA's 8. A register block is 2 rows × 32 outputs (a packed block): 8
// accumulators, four loads of packed W, the broadcast and a product, 14 of the 16 registers (4 rows × 16
// outputs took 9% longer: a broadcast per two products instead of per four). After each block of 128
// inputs the int32 sums are converted and added into y (stored by the first block), in the reference's
// order; the scales and bias are applied after the last.
#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ck_internal.h"

#define CK_I16_AVX2_ATTR __attribute__((target("avx2,fma")))
#define CK_NB 32
#define CK_MR 2
#define CK_NV 4  // vectors of 8 outputs per row: the whole packed block of 32
#define CK_MC 96
#define CK_TOP 4095.0f

void ck_i16_quantize_avx2(const float *x, size_t m, size_t k, int16_t *out, float *row_scales);
void ck_i16_gemm_avx2(const int16_t *xq, size_t m, size_t k, const int16_t *packed, size_t n, float *y, const float *scales,
                      const float *bias, const float *row_scales);

// The reference's rounding (to nearest, ties to even) and clamping, 8 values at a time.
CK_I16_AVX2_ATTR void ck_i16_quantize_avx2(const float *x, size_t m, size_t k, int16_t *out, float *row_scales) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256i lo = _mm256_set1_epi32(-4095), hi = _mm256_set1_epi32(4095);
    for (size_t i = 0; i < m; i++) {
        const float *r = x + i * k;
        __m256 top = _mm256_setzero_ps();
        size_t p = 0;
        for (; p + 8 <= k; p += 8) top = _mm256_max_ps(top, _mm256_andnot_ps(sign, _mm256_loadu_ps(r + p)));
        __m128 t4 = _mm_max_ps(_mm256_castps256_ps128(top), _mm256_extractf128_ps(top, 1));
        t4 = _mm_max_ps(t4, _mm_movehl_ps(t4, t4));
        t4 = _mm_max_ss(t4, _mm_shuffle_ps(t4, t4, 1));
        float t = _mm_cvtss_f32(t4);
        for (; p < k; p++) t = fmaxf(t, fabsf(r[p]));
        float inv = t > 0 ? CK_TOP / t : 0;
        row_scales[i] = t / CK_TOP;
        __m256 vinv = _mm256_set1_ps(inv);
        for (p = 0; p + 8 <= k; p += 8) {
            __m256i q = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(r + p), vinv));
            q = _mm256_min_epi32(_mm256_max_epi32(q, lo), hi);
            __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi32(q, q), 0x08);  // lanes 0 and 2: the 8 values in order
            _mm_storeu_si128((__m128i *)(out + i * k + p), _mm256_castsi256_si128(packed));
        }
        for (; p < k; p++) {
            float v = rintf(r[p] * inv);
            if (!(v == v)) v = -CK_TOP;
            out[i * k + p] = (int16_t)(v > CK_TOP ? CK_TOP : v < -CK_TOP ? -CK_TOP : v);
        }
    }
}

// ROWS is a constant at every call, so the accumulators live in registers. `b` is the packed block's first
// group.
__attribute__((always_inline)) CK_I16_AVX2_ATTR static inline void block(const int16_t *a, size_t k, const int16_t *b, float *c, size_t ldc,
                                                                         const float *scales, const float *bias, const float *row_scales,
                                                                         int rows) {
    for (size_t p0 = 0; p0 < k; p0 += CK_I16_BLOCK) {
        __m256i acc[CK_MR][CK_NV];
        for (int r = 0; r < CK_MR; r++)
            for (int v = 0; v < CK_NV; v++) acc[r][v] = _mm256_setzero_si256();
        size_t end = p0 + CK_I16_BLOCK < k ? p0 + CK_I16_BLOCK : k;
        const int16_t *bp = b + p0 * CK_NB;
        for (size_t p = p0; p < end; p += 2, bp += 2 * CK_NB) {
            __m256i bv[CK_NV];
            for (int v = 0; v < CK_NV; v++) bv[v] = _mm256_loadu_si256((const __m256i *)(bp + 16 * v));
            for (int r = 0; r < rows; r++) {
                uint32_t pair;
                memcpy(&pair, a + (size_t)r * k + p, 4);
                __m256i ar = _mm256_set1_epi32((int)pair);
                for (int v = 0; v < CK_NV; v++) acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(ar, bv[v]));
            }
        }
        for (int r = 0; r < rows; r++)
            for (int v = 0; v < CK_NV; v++) {
                float *dst = c + (size_t)r * ldc + 8 * v;
                __m256 s = _mm256_cvtepi32_ps(acc[r][v]);
                _mm256_storeu_ps(dst, p0 == 0 ? s : _mm256_add_ps(_mm256_loadu_ps(dst), s));
            }
    }
    for (int r = 0; r < rows; r++) {
        __m256 rs = _mm256_set1_ps(row_scales[r]);
        for (int v = 0; v < CK_NV; v++) {
            float *dst = c + (size_t)r * ldc + 8 * v;
            __m256 y = _mm256_mul_ps(_mm256_mul_ps(rs, _mm256_loadu_ps(scales + 8 * v)), _mm256_loadu_ps(dst));
            if (bias) y = _mm256_add_ps(y, _mm256_loadu_ps(bias + 8 * v));
            _mm256_storeu_ps(dst, y);
        }
    }
}

CK_I16_AVX2_ATTR static void block_rows(const int16_t *a, size_t k, const int16_t *b, float *c, size_t ldc, const float *scales,
                                        const float *bias, const float *row_scales, size_t rows) {
    if (rows == 2)
        block(a, k, b, c, ldc, scales, bias, row_scales, 2);
    else
        block(a, k, b, c, ldc, scales, bias, row_scales, 1);
}

CK_I16_AVX2_ATTR void ck_i16_gemm_avx2(const int16_t *xq, size_t m, size_t k, const int16_t *packed, size_t n, float *y, const float *scales,
                                       const float *bias, const float *row_scales) {
    for (size_t i0 = 0; i0 < m; i0 += CK_MC) {
        size_t mc = m - i0 < CK_MC ? m - i0 : CK_MC;
        for (size_t nb = 0; nb < n; nb += CK_NB) {
            const int16_t *b = packed + nb * k;
            for (size_t i = 0; i < mc; i += CK_MR) {
                size_t rows = mc - i < CK_MR ? mc - i : CK_MR;
                block_rows(xq + (i0 + i) * k, k, b, y + (i0 + i) * n + nb, n, scales + nb, bias ? bias + nb : NULL, row_scales + i0 + i, rows);
            }
        }
    }
}
#endif
