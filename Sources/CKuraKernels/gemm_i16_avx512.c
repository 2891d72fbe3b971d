// The 12-bit integer product on AVX512-VNNI (see kura_gemm.h). A register block is 6 rows × 32 outputs:
// 12 int32 accumulators for the current block of 128 inputs (VPDPWSSD: two int16 products per lane, each
// broadcasting one row's pair of inputs) and 12 float sums they are added to after each block, 27 of the 32
// registers with the two loads of packed W and the broadcast; the sums are scaled and biased as they are
// stored. Rows are taken 96 at a time so that their int16 copy stays in L1/L2 while every block of outputs
// passes over it.
#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "ck_avx512.h"
#include "ck_internal.h"

#define CK_I16_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define CK_NB 32
#define CK_MR 6
#define CK_MC 96

void ck_i16_gemm_avx512(const int16_t *xq, size_t m, size_t k, const int16_t *packed, size_t n, float *y, const float *scales,
                        const float *bias, const float *row_scales);
void ck_i16_quantize_avx512(const float *x, size_t m, size_t k, int16_t *out, float *row_scales);

// The same rounding as the reference (to nearest, ties to even: the default MXCSR mode) and the same
// clamping, so both give the same integers.
CK_I16_ATTR void ck_i16_quantize_avx512(const float *x, size_t m, size_t k, int16_t *out, float *row_scales) {
    const __m512i lo = _mm512_set1_epi32(-4095), hi = _mm512_set1_epi32(4095);
    for (size_t i = 0; i < m; i++) {
        const float *r = x + i * k;
        __m512 top = _mm512_setzero_ps();
        for (size_t p = 0; p < k; p += 16) {
            __mmask16 mask = k - p >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - p)) - 1);
            top = _mm512_max_ps(top, _mm512_abs_ps(_mm512_maskz_loadu_ps(mask, r + p)));
        }
        float t = _mm512_reduce_max_ps(top);
        float inv = t > 0 ? 4095.0f / t : 0;
        row_scales[i] = t / 4095.0f;
        __m512 vinv = _mm512_set1_ps(inv);
        for (size_t p = 0; p < k; p += 16) {
            __mmask16 mask = k - p >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - p)) - 1);
            __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(mask, r + p), vinv));
            q = _mm512_min_epi32(_mm512_max_epi32(q, lo), hi);
            _mm256_mask_storeu_epi16(out + i * k + p, mask, _mm512_cvtepi32_epi16(q));
        }
    }
}

// ROWS is a constant at every call, so the accumulators live in registers.
__attribute__((always_inline)) CK_I16_ATTR static inline void block(const int16_t *a, size_t k, const int16_t *b, float *c, size_t ldc,
                                                                    const float *scales, const float *bias, const float *row_scales,
                                                                    int rows) {
    __m512 sum[CK_MR][2];
    for (int r = 0; r < CK_MR; r++) sum[r][0] = sum[r][1] = _mm512_setzero_ps();
    for (size_t p0 = 0; p0 < k; p0 += CK_I16_BLOCK) {
        __m512i acc[CK_MR][2];
        for (int r = 0; r < CK_MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
        size_t end = p0 + CK_I16_BLOCK < k ? p0 + CK_I16_BLOCK : k;
        for (size_t p = p0; p < end; p += 2, b += 2 * CK_NB) {
            __m512i b0 = _mm512_loadu_si512(b);
            __m512i b1 = _mm512_loadu_si512(b + CK_NB);
            for (int r = 0; r < rows; r++) {
                uint32_t pair;
                memcpy(&pair, a + (size_t)r * k + p, 4);
                __m512i ar = _mm512_set1_epi32((int)pair);
                acc[r][0] = ck_dpwssd(acc[r][0], ar, b0);
                acc[r][1] = ck_dpwssd(acc[r][1], ar, b1);
            }
        }
        for (int r = 0; r < rows; r++) {
            sum[r][0] = _mm512_add_ps(sum[r][0], _mm512_cvtepi32_ps(acc[r][0]));
            sum[r][1] = _mm512_add_ps(sum[r][1], _mm512_cvtepi32_ps(acc[r][1]));
        }
    }
    // The finish in the store, in the reference's order: (row scale · output scale) · sum, then + bias.
    __m512 sc0 = _mm512_loadu_ps(scales), sc1 = _mm512_loadu_ps(scales + 16);
    __m512 b0 = bias ? _mm512_loadu_ps(bias) : _mm512_setzero_ps(), b1 = bias ? _mm512_loadu_ps(bias + 16) : _mm512_setzero_ps();
    for (int r = 0; r < rows; r++) {
        __m512 rs = _mm512_set1_ps(row_scales[r]);
        _mm512_storeu_ps(c + (size_t)r * ldc, _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(rs, sc0), sum[r][0]), b0));
        _mm512_storeu_ps(c + (size_t)r * ldc + 16, _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(rs, sc1), sum[r][1]), b1));
    }
}

CK_I16_ATTR static void block_rows(const int16_t *a, size_t k, const int16_t *b, float *c, size_t ldc, const float *scales,
                                   const float *bias, const float *row_scales, size_t rows) {
    switch (rows) {
    case 6: block(a, k, b, c, ldc, scales, bias, row_scales, 6); break;
    case 5: block(a, k, b, c, ldc, scales, bias, row_scales, 5); break;
    case 4: block(a, k, b, c, ldc, scales, bias, row_scales, 4); break;
    case 3: block(a, k, b, c, ldc, scales, bias, row_scales, 3); break;
    case 2: block(a, k, b, c, ldc, scales, bias, row_scales, 2); break;
    default: block(a, k, b, c, ldc, scales, bias, row_scales, 1); break;
    }
}

CK_I16_ATTR void ck_i16_gemm_avx512(const int16_t *xq, size_t m, size_t k, const int16_t *packed, size_t n, float *y, const float *scales,
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
