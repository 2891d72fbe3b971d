// The binary16 matrix product on AVX512-FP16 (see kura_gemm.h). A register block is 4 rows × 32 outputs.
// Per pair of inputs: two loads of packed W (16 outputs × an (even, odd) pair each) and, per row, one
// 32-bit broadcast of its (x[2p], x[2p+1]) pair and two VFMADD231PH into binary16 partial sums. A 32-bit
// broadcast is a plain load; the 16-bit one that a row-by-column layout needs costs a shuffle on the port
// the multiply-adds share, which halves their rate. Every CK_F16_RUN pairs the partial sums are widened
// and added into 16 float accumulators, which hold (even, odd) pairs until the end. Rows are taken 96 at
// a time so that their binary16 copy stays in L2 while every block of outputs passes over it, and inputs in
// passes of CK_KC pairs so that a block's weights stay in L1 while the rows pass over them.
#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "ck_internal.h"
#include "kura_gemm.h"

#define CK_F16_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512fp16")))
#define CK_NB 32
#define CK_MR 4
#define CK_MC 96
#define CK_KC 192 /* input pairs per pass: 32 outputs' weights for it (24 KB) stay in L1 */

void ck_f16_gemm_avx512(const uint16_t *xh, size_t m, size_t k, const uint16_t *packed, const float *bias, size_t n, float *y);
void ck_f16_convert_avx512(const float *x, size_t count, uint16_t *out);

CK_F16_ATTR void ck_f16_convert_avx512(const float *x, size_t count, uint16_t *out) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) _mm256_storeu_si256((__m256i *)(out + i), _mm256_castph_si256(_mm512_cvtxps_ph(_mm512_loadu_ps(x + i))));
    if (i < count) {
        __mmask16 mask = (__mmask16)((1u << (count - i)) - 1);
        _mm256_mask_storeu_epi16(out + i, mask, _mm256_castph_si256(_mm512_cvtxps_ph(_mm512_maskz_loadu_ps(mask, x + i))));
    }
}

// Adds the binary16 partial sums h (32 lanes) into two float accumulators (lanes 0–15, 16–31).
#define CK_WIDEN(acc0, acc1, h)                                                                                                  \
    do {                                                                                                                         \
        acc0 = _mm512_add_ps(acc0, _mm512_cvtxph_ps(_mm512_castph512_ph256(h)));                                               \
        acc1 = _mm512_add_ps(acc1, _mm512_cvtxph_ps(_mm256_castsi256_ph(_mm512_extracti64x4_epi64(_mm512_castph_si512(h), 1)))); \
    } while (0)

// `pairs` input pairs from row stride `lda`; the sums go to c, or are added to it when `add` is set (a pass
// after the first). ROWS is a constant at every call, so the accumulators live in registers.
__attribute__((always_inline)) CK_F16_ATTR static inline void block(const uint16_t *a, size_t lda, size_t pairs, const uint16_t *b,
                                                                    const float *bias, int add, float *c, size_t ldc, int rows) {
    __m512 acc[CK_MR][4];
    for (int r = 0; r < CK_MR; r++) acc[r][0] = acc[r][1] = acc[r][2] = acc[r][3] = _mm512_setzero_ps();
    for (size_t p0 = 0; p0 < pairs; p0 += CK_F16_RUN) {
        size_t end = p0 + CK_F16_RUN < pairs ? p0 + CK_F16_RUN : pairs;
        __m512h h[CK_MR][2];
        for (int r = 0; r < CK_MR; r++) h[r][0] = h[r][1] = _mm512_setzero_ph();
        for (size_t p = p0; p < end; p++, b += 2 * CK_NB) {
            __m512h b0 = _mm512_castsi512_ph(_mm512_loadu_si512(b));
            __m512h b1 = _mm512_castsi512_ph(_mm512_loadu_si512(b + CK_NB));
            for (int r = 0; r < rows; r++) {
                uint32_t pair;
                memcpy(&pair, a + (size_t)r * lda + 2 * p, 4);
                __m512h ar = _mm512_castsi512_ph(_mm512_set1_epi32((int)pair));
                h[r][0] = _mm512_fmadd_ph(ar, b0, h[r][0]);
                h[r][1] = _mm512_fmadd_ph(ar, b1, h[r][1]);
            }
        }
        for (int r = 0; r < rows; r++) {
            CK_WIDEN(acc[r][0], acc[r][1], h[r][0]);
            CK_WIDEN(acc[r][2], acc[r][3], h[r][1]);
        }
    }
    // Lane 2j holds output j's even sum, lane 2j + 1 its odd one: add the pairs, and the bias.
    const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
    for (int r = 0; r < rows; r++)
        for (int half = 0; half < 2; half++) {
            __m512 lo = acc[r][2 * half], hi = acc[r][2 * half + 1];
            __m512 sum = _mm512_add_ps(_mm512_permutex2var_ps(lo, even, hi), _mm512_permutex2var_ps(lo, odd, hi));
            float *out = c + (size_t)r * ldc + 16 * half;
            if (add) sum = _mm512_add_ps(sum, _mm512_loadu_ps(out));
            else if (bias) sum = _mm512_add_ps(sum, _mm512_loadu_ps(bias + 16 * half));
            _mm512_storeu_ps(out, sum);
        }
}

CK_F16_ATTR static void block_rows(const uint16_t *a, size_t lda, size_t pairs, const uint16_t *b, const float *bias, int add, float *c,
                                   size_t ldc, size_t rows) {
#define CK_BLOCK(r) block(a, lda, pairs, b, bias, add, c, ldc, r)
    switch (rows) {
    case 4: CK_BLOCK(4); break;
    case 3: CK_BLOCK(3); break;
    case 2: CK_BLOCK(2); break;
    default: CK_BLOCK(1); break;
    }
#undef CK_BLOCK
}

CK_F16_ATTR void ck_f16_gemm_avx512(const uint16_t *xh, size_t m, size_t k, const uint16_t *packed, const float *bias, size_t n, float *y) {
    for (size_t i0 = 0; i0 < m; i0 += CK_MC) {
        size_t mc = m - i0 < CK_MC ? m - i0 : CK_MC;
        // Long rows (the feed-forward's second product) go in passes of CK_KC pairs, each over every block.
        for (size_t p0 = 0; p0 < k / 2; p0 += CK_KC) {
            size_t pairs = k / 2 - p0 < CK_KC ? k / 2 - p0 : CK_KC;
            for (size_t nb = 0; nb < n; nb += CK_NB) {
                const uint16_t *b = packed + nb * k + p0 * 2 * CK_NB;
                for (size_t i = 0; i < mc; i += CK_MR) {
                    size_t rows = mc - i < CK_MR ? mc - i : CK_MR;
                    block_rows(xh + (i0 + i) * k + 2 * p0, k, pairs, b, bias ? bias + nb : NULL, p0 > 0, y + (i0 + i) * n + nb, n, rows);
                }
            }
        }
    }
}
#endif
