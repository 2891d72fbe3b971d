// The bf16 matrix product on AVX512-BF16 (see kura_gemm.h). A register block is 8 rows × 32 outputs:
// 16 accumulators; per pair of inputs, two loads of packed W and 16 VDPBF16PS, each broadcasting one
// (x[2p], x[2p+1]) pair straight from memory. Rows are taken 96 at a time so their bf16 copy stays in
// L2 while every block of outputs passes over it.
#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "ck_internal.h"

#define CK_BF16_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
#define CK_NB 32
#define CK_MR 8
#define CK_MC 96

void ck_bf16_gemm_avx512(const uint16_t *xb, size_t m, size_t k, const uint16_t *packed, size_t n, float *y);
void ck_bf16_convert_avx512(const float *x, size_t count, uint16_t *out);

CK_BF16_ATTR void ck_bf16_convert_avx512(const float *x, size_t count, uint16_t *out) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m256bh b = _mm512_cvtneps_pbh(_mm512_loadu_ps(x + i));
        _mm256_storeu_si256((__m256i *)(out + i), (__m256i)b);
    }
    if (i < count) {
        __mmask16 mask = (__mmask16)((1u << (count - i)) - 1);
        __m256bh b = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, x + i));
        _mm256_mask_storeu_epi16(out + i, mask, (__m256i)b);
    }
}

// ROWS is a constant at every call, so the accumulators live in registers.
__attribute__((always_inline)) CK_BF16_ATTR static inline void block(const uint16_t *a, size_t k, const uint16_t *b, float *c,
                                                                     size_t ldc, int rows) {
    __m512 acc[CK_MR][2];
    for (int r = 0; r < CK_MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (size_t p = 0; p < k / 2; p++, b += 2 * CK_NB) {
        __m512bh b0 = (__m512bh)_mm512_loadu_si512(b);
        __m512bh b1 = (__m512bh)_mm512_loadu_si512(b + CK_NB);
        for (int r = 0; r < rows; r++) {
            uint32_t pair;
            memcpy(&pair, a + (size_t)r * k + 2 * p, 4);
            __m512bh ar = (__m512bh)_mm512_set1_epi32((int)pair);
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], ar, b0);
            acc[r][1] = _mm512_dpbf16_ps(acc[r][1], ar, b1);
        }
    }
    for (int r = 0; r < rows; r++) {
        _mm512_storeu_ps(c + (size_t)r * ldc, acc[r][0]);
        _mm512_storeu_ps(c + (size_t)r * ldc + 16, acc[r][1]);
    }
}

CK_BF16_ATTR static void block_rows(const uint16_t *a, size_t k, const uint16_t *b, float *c, size_t ldc, size_t rows) {
#define CK_BLOCK(r) block(a, k, b, c, ldc, r)
    CK_ROWS_SWITCH(rows, CK_BLOCK)
#undef CK_BLOCK
}

CK_BF16_ATTR void ck_bf16_gemm_avx512(const uint16_t *xb, size_t m, size_t k, const uint16_t *packed, size_t n, float *y) {
    for (size_t i0 = 0; i0 < m; i0 += CK_MC) {
        size_t mc = m - i0 < CK_MC ? m - i0 : CK_MC;
        for (size_t nb = 0; nb < n; nb += CK_NB) {
            const uint16_t *b = packed + nb * k;
            for (size_t i = 0; i < mc; i += CK_MR) {
                size_t rows = mc - i < CK_MR ? mc - i : CK_MR;
                block_rows(xb + (i0 + i) * k, k, b, y + (i0 + i) * n + nb, n, rows);
            }
        }
    }
}
#endif
