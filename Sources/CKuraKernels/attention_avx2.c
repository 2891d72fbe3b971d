// Attention of one head of width 32 on AVX2 (see kura_nn.h), the AVX-512 kernel's plan in 8-lane
// registers, of which there are 16: K transposed 8 keys at a time into `kt` (32 × npad, npad = n rounded
// up to 8) and V copied into `vc` (n × 32), as there; per block of 4 query rows, scores for 16 keys at a
// time (8 accumulators), softmax with the 1/sum left for the end, and the output accumulated two rows at a
// time (8 accumulators over the 32 columns). The generic body's 4 × 64 block needs 32 of these registers.
#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "ck_internal.h"
#include "kura_nn.h"

#define CK_ATTR __attribute__((target("avx2,fma")))
#define CK_INLINE __attribute__((always_inline)) CK_ATTR static inline
#define CK_HD 32
#define CK_AR 4

void ck_attention32_avx2(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                         float *scratch);

// The polynomial of ck_exp (nn.c) on 8 lanes, 2^n built in the exponent bits.
CK_INLINE __m256 exp8(__m256 x) {
    x = _mm256_max_ps(_mm256_min_ps(x, _mm256_set1_ps(88.0f)), _mm256_set1_ps(-87.0f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(CK_EXP_LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(CK_EXP_LN2_HI), x);
    r = _mm256_fmadd_ps(n, _mm256_set1_ps(CK_EXP_LN2_LO), r);
    __m256 p = _mm256_set1_ps(CK_EXP_P5);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_EXP_P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_EXP_P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_EXP_P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_EXP_P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_EXP_P0));
    __m256 y = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(bits));
}

// Rows r[0..7] (8 floats each) become columns.
CK_INLINE void transpose8(__m256 r[8]) {
    __m256 t[8], u[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int g = 0; g < 2; g++) {  // in each 128-bit lane L: u[4g + i] holds column 4L + i of rows 4g..4g+3
        u[4 * g + 0] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], _MM_SHUFFLE(1, 0, 1, 0));
        u[4 * g + 1] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], _MM_SHUFFLE(3, 2, 3, 2));
        u[4 * g + 2] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], _MM_SHUFFLE(1, 0, 1, 0));
        u[4 * g + 3] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(u[i], u[4 + i], 0x20);
        r[4 + i] = _mm256_permute2f128_ps(u[i], u[4 + i], 0x31);
    }
}

CK_ATTR static void pack_kv(const float *k, const float *v, size_t ld, size_t n, size_t npad, float *kt, float *vc) {
    for (size_t j0 = 0; j0 < npad; j0 += 8)
        for (size_t d = 0; d < CK_HD; d += 8) {
            __m256 r[8];
            for (size_t j = 0; j < 8; j++) r[j] = j0 + j < n ? _mm256_loadu_ps(k + (j0 + j) * ld + d) : _mm256_setzero_ps();
            transpose8(r);
            for (size_t c = 0; c < 8; c++) _mm256_storeu_ps(kt + (d + c) * npad + j0, r[c]);
        }
    for (size_t j = 0; j < n; j++)
        for (size_t d = 0; d < CK_HD; d += 8) _mm256_storeu_ps(vc + j * CK_HD + d, _mm256_loadu_ps(v + j * ld + d));
}

// s[r][jb .. jb + 8·VB) for ROWS query rows.
CK_INLINE void scores(const float (*qs)[CK_HD], const float *kt, size_t npad, size_t jb, float *s, int rows, int vb) {
    __m256 acc[CK_AR][2];
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < vb; b++) acc[r][b] = _mm256_setzero_ps();
    for (int c = 0; c < CK_HD; c++) {
        __m256 kv[2];
        for (int b = 0; b < vb; b++) kv[b] = _mm256_loadu_ps(kt + c * npad + jb + 8 * b);
        for (int r = 0; r < rows; r++) {
            __m256 qb = _mm256_broadcast_ss(&qs[r][c]);
            for (int b = 0; b < vb; b++) acc[r][b] = _mm256_fmadd_ps(qb, kv[b], acc[r][b]);
        }
    }
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < vb; b++) _mm256_storeu_ps(s + r * npad + jb + 8 * b, acc[r][b]);
}

// exp(row - max) in place over n values (the padding after them is not read); returns 1 / their sum.
CK_INLINE float softmax_row(float *row, size_t n) {
    size_t full = n / 8 * 8;
    __m256 m8 = _mm256_set1_ps(-INFINITY);
    for (size_t j = 0; j < full; j += 8) m8 = _mm256_max_ps(m8, _mm256_loadu_ps(row + j));
    float m[8];
    _mm256_storeu_ps(m, m8);
    float top = m[0];
    for (int i = 1; i < 8; i++) top = m[i] > top ? m[i] : top;
    for (size_t j = full; j < n; j++) top = row[j] > top ? row[j] : top;
    __m256 t8 = _mm256_set1_ps(top), sum8 = _mm256_setzero_ps();
    for (size_t j = 0; j < full; j += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), t8));
        _mm256_storeu_ps(row + j, e);
        sum8 = _mm256_add_ps(sum8, e);
    }
    float parts[8], sum = 0;
    _mm256_storeu_ps(parts, sum8);
    for (int i = 0; i < 8; i++) sum += parts[i];
    for (size_t j = full; j < n; j++) sum += row[j] = ck_exp(row[j] - top);
    return 1.0f / sum;
}

// out rows r0, r0 + 1 (PAIR of them) = Σ_j s[r][j] · vc[j], times inv[r].
CK_INLINE void weighted_sum(const float *s, size_t npad, const float *vc, size_t n, const float *inv, float *out, size_t ldo, int pair) {
    __m256 o[2][4];
    for (int r = 0; r < pair; r++)
        for (int d = 0; d < 4; d++) o[r][d] = _mm256_setzero_ps();
    for (size_t j = 0; j < n; j++) {
        __m256 vv[4];
        for (int d = 0; d < 4; d++) vv[d] = _mm256_loadu_ps(vc + j * CK_HD + 8 * d);
        for (int r = 0; r < pair; r++) {
            __m256 p = _mm256_broadcast_ss(s + r * npad + j);
            for (int d = 0; d < 4; d++) o[r][d] = _mm256_fmadd_ps(p, vv[d], o[r][d]);
        }
    }
    for (int r = 0; r < pair; r++)
        for (int d = 0; d < 4; d++) _mm256_storeu_ps(out + r * ldo + 8 * d, _mm256_mul_ps(o[r][d], _mm256_set1_ps(inv[r])));
}

CK_INLINE void query_block(const float *q, size_t ld, size_t n, size_t npad, float scale, const float *kt, const float *vc, float *s,
                           float *out, size_t ldo, int rows) {
    float qs[CK_AR][CK_HD];
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < CK_HD; c += 8) _mm256_storeu_ps(&qs[r][c], _mm256_mul_ps(_mm256_loadu_ps(q + r * ld + c), _mm256_set1_ps(scale)));
    size_t jb = 0;
    for (; jb + 16 <= npad; jb += 16) scores(qs, kt, npad, jb, s, rows, 2);
    if (jb < npad) scores(qs, kt, npad, jb, s, rows, 1);
    float inv[CK_AR];
    for (int r = 0; r < rows; r++) inv[r] = softmax_row(s + r * npad, n);
    for (int r = 0; r < rows; r += 2) {
        if (rows - r >= 2)
            weighted_sum(s + r * npad, npad, vc, n, inv + r, out + r * ldo, ldo, 2);
        else
            weighted_sum(s + r * npad, npad, vc, n, inv + r, out + r * ldo, ldo, 1);
    }
}

// The scratch is ck_attention32_scratch(n) floats (nn.c): kt and vc take 2 · 32 · npad, the scores CK_AR · npad.
CK_ATTR void ck_attention32_avx2(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                                 float *scratch) {
    size_t npad = (n + 7) / 8 * 8;
    float *kt = scratch, *vc = scratch + CK_HD * npad, *s = scratch + 2 * CK_HD * npad;
    pack_kv(k, v, ld, n, npad, kt, vc);
    size_t i = 0;
    for (; i + CK_AR <= n; i += CK_AR) query_block(q + i * ld, ld, n, npad, scale, kt, vc, s, out + i * ldo, ldo, CK_AR);
    switch (n - i) {
    case 3: query_block(q + i * ld, ld, n, npad, scale, kt, vc, s, out + i * ldo, ldo, 3); break;
    case 2: query_block(q + i * ld, ld, n, npad, scale, kt, vc, s, out + i * ldo, ldo, 2); break;
    case 1: query_block(q + i * ld, ld, n, npad, scale, kt, vc, s, out + i * ldo, ldo, 1); break;
    default: break;
    }
}
#endif
