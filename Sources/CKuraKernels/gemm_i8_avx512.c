// The int8 matrix product on AVX512-VNNI (see kura_gemm.h). A register block is 8 rows × 32 outputs:
// 16 int32 accumulators; per group of four inputs, two loads of packed W and 16 VPDPBUSD, each
// broadcasting the row's four unsigned bytes. Rows are taken 96 at a time so that their bytes stay in
// L1/L2 while every block of outputs passes over them.
#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "ck_internal.h"

#define CK_I8_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define CK_NB 32
#define CK_MR 8
#define CK_MC 96

void ck_i8_gemm_avx512(const uint8_t *xq, size_t m, size_t k, const int8_t *packed, size_t n, int32_t *acc, size_t ldacc);
void ck_i8_quantize_avx512(const float *x, size_t m, size_t k, uint8_t *out, float *row_scales);
void ck_i8_finish_avx512(int32_t *acc, size_t m, size_t n, const float *scales, const int32_t *sums, const float *bias,
                         const float *row_scales, float *y);

// The same rounding as the reference (to nearest, ties to even: the default MXCSR mode) and the same
// clamping, so both give the same bytes. NaN converts to INT_MIN and clamps to -127, where the
// reference makes it 0; a NaN input gives a NaN embedding either way.
CK_I8_ATTR void ck_i8_quantize_avx512(const float *x, size_t m, size_t k, uint8_t *out, float *row_scales) {
    const __m512i lo = _mm512_set1_epi32(-127), hi = _mm512_set1_epi32(127), shift = _mm512_set1_epi32(128);
    for (size_t i = 0; i < m; i++) {
        const float *r = x + i * k;
        __m512 top = _mm512_setzero_ps();
        size_t p = 0;
        for (; p + 16 <= k; p += 16) top = _mm512_max_ps(top, _mm512_abs_ps(_mm512_loadu_ps(r + p)));
        __mmask16 tail = (__mmask16)((1u << (k - p)) - 1);
        if (tail) top = _mm512_max_ps(top, _mm512_abs_ps(_mm512_maskz_loadu_ps(tail, r + p)));
        float t = _mm512_reduce_max_ps(top);
        float inv = t > 0 ? 127.0f / t : 0;
        row_scales[i] = t / 127.0f;
        __m512 vinv = _mm512_set1_ps(inv);
        for (p = 0; p < k; p += 16) {
            __mmask16 mask = k - p >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - p)) - 1);
            __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(mask, r + p), vinv));
            q = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(q, lo), hi), shift);
            _mm_mask_storeu_epi8(out + i * k + p, mask, _mm512_cvtepi32_epi8(q));
        }
    }
}

CK_I8_ATTR void ck_i8_finish_avx512(int32_t *acc, size_t m, size_t n, const float *scales, const int32_t *sums, const float *bias,
                                    const float *row_scales, float *y) {
    const __m512i zero = _mm512_set1_epi32(128);
    for (size_t i = 0; i < m; i++) {
        __m512 rs = _mm512_set1_ps(row_scales[i]);
        for (size_t j = 0; j < n; j += 16) {
            __m512i a = _mm512_sub_epi32(_mm512_loadu_si512(acc + i * n + j), _mm512_mullo_epi32(zero, _mm512_loadu_si512(sums + j)));
            __m512 v = _mm512_mul_ps(_mm512_mul_ps(rs, _mm512_loadu_ps(scales + j)), _mm512_cvtepi32_ps(a));
            if (bias) v = _mm512_add_ps(v, _mm512_loadu_ps(bias + j));
            _mm512_storeu_ps(y + i * n + j, v);
        }
    }
}

// ROWS is a constant at every call, so the accumulators live in registers.
__attribute__((always_inline)) CK_I8_ATTR static inline void block(const uint8_t *a, size_t k, const int8_t *b, int32_t *c, size_t ldc,
                                                                   int rows) {
    __m512i acc[CK_MR][2];
    for (int r = 0; r < CK_MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
    for (size_t p = 0; p < k / 4; p++, b += 4 * CK_NB) {
        __m512i b0 = _mm512_loadu_si512(b);
        __m512i b1 = _mm512_loadu_si512(b + 2 * CK_NB);
        for (int r = 0; r < rows; r++) {
            uint32_t quad;
            memcpy(&quad, a + (size_t)r * k + 4 * p, 4);
            __m512i ar = _mm512_set1_epi32((int)quad);
            acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], ar, b0);
            acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], ar, b1);
        }
    }
    for (int r = 0; r < rows; r++) {
        _mm512_storeu_si512(c + (size_t)r * ldc, acc[r][0]);
        _mm512_storeu_si512(c + (size_t)r * ldc + 16, acc[r][1]);
    }
}

CK_I8_ATTR static void block_rows(const uint8_t *a, size_t k, const int8_t *b, int32_t *c, size_t ldc, size_t rows) {
#define CK_BLOCK(r) block(a, k, b, c, ldc, r)
    CK_ROWS_SWITCH(rows, CK_BLOCK)
#undef CK_BLOCK
}

CK_I8_ATTR void ck_i8_gemm_avx512(const uint8_t *xq, size_t m, size_t k, const int8_t *packed, size_t n, int32_t *acc, size_t ldacc) {
    for (size_t i0 = 0; i0 < m; i0 += CK_MC) {
        size_t mc = m - i0 < CK_MC ? m - i0 : CK_MC;
        for (size_t nb = 0; nb < n; nb += CK_NB) {
            const int8_t *b = packed + nb * k;
            for (size_t i = 0; i < mc; i += CK_MR) {
                size_t rows = mc - i < CK_MR ? mc - i : CK_MR;
                block_rows(xq + (i0 + i) * k, k, b, acc + (i0 + i) * ldacc + nb, ldacc, rows);
            }
        }
    }
}
#endif
