// Attention of one head of width 32 in 12-bit integers on AVX512-VNNI (see kura_nn.h): the two products
// (scores Q·Kᵀ and the weighted sum P·V) are VPDPWSSD, two multiply-adds per lane where float has one;
// softmax stays in float.
//
// Quantisation, every value to [-4095, 4095] (P to [0, 4095]):
//   - Q and K per token: q = round(Q[i] · 4095 / max|Q[i]|), so score[i][j] = sQ[i] · sK[j] · Σ_c q·k,
//     exact in int32 (32 · 4095² < 2^31);
//   - P per query row after the softmax's exp (whose largest value is 1): u = round(e · 4095); the row is
//     normalised by Σ_j u, the weights actually used, not by Σ e;
//   - V per column over the sequence: sV[c] = max_j |V[j][c]| / 4095;
//   - P·V is summed exactly in int32 over blocks of 128 keys (128 · 4095² < 2^31), the blocks in float.
// Layouts (int16 pairs along the summed dimension, as VPDPWSSD takes them): kt holds for each pair of
// head columns p and key j the pair (k[j][2p], k[j][2p+1]), 16 × npad pairs; vt holds for each pair of keys
// and column c the pair (v[2t][c], v[2t+1][c]), npad/2 × 32 pairs. npad is n rounded up to 16; padded keys
// have K and V zero and weight 0.
#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ck_avx512.h"

#define CK_ATTR __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vnni,fma")))
#define CK_INLINE __attribute__((always_inline)) CK_ATTR static inline
#define CK_HD 32
#define CK_AR 6
#define CK_TOP 4095.0f
#define CK_KEYS 128

void ck_attention32_i16_avx512(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                               float *scratch);
size_t ck_attention32_i16_avx512_scratch(size_t n);

// One row of 32 floats as 32 int16 (in one register) with its scale, max |x| / 4095 (0 for a row of zeros).
CK_INLINE __m512i quantize_row(const float *x, float *row_scale) {
    __m512 a = _mm512_loadu_ps(x), b = _mm512_loadu_ps(x + 16);
    float top = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(a), _mm512_abs_ps(b)));
    __m512 inv = _mm512_set1_ps(top > 0 ? CK_TOP / top : 0);
    *row_scale = top / CK_TOP;
    __m256i lo = _mm512_cvtepi32_epi16(_mm512_cvtps_epi32(_mm512_mul_ps(a, inv)));
    __m256i hi = _mm512_cvtepi32_epi16(_mm512_cvtps_epi32(_mm512_mul_ps(b, inv)));
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

// qq (n × 32 int16) and sq (scales times `scale`); kt and sk; vt and sv.
CK_ATTR static void pack(const float *q, const float *k, const float *v, size_t ld, size_t n, size_t npad, float scale, int16_t *qq,
                         float *sq, int32_t *kt, float *sk, int32_t *vt, float *sv) {
    for (size_t i = 0; i < n; i++) {
        _mm512_storeu_si512(qq + i * CK_HD, quantize_row(q + i * ld, sq + i));
        sq[i] *= scale;
    }
    for (size_t j0 = 0; j0 < npad; j0 += 16) {  // 16 keys' int16 rows, as 16 int32 pairs each, transposed
        __m512 r[16];
        for (size_t j = 0; j < 16; j++) {
            sk[j0 + j] = 0;
            r[j] = j0 + j < n ? _mm512_castsi512_ps(quantize_row(k + (j0 + j) * ld, sk + j0 + j)) : _mm512_setzero_ps();
        }
        ck_transpose16(r);
        for (size_t p = 0; p < 16; p++) _mm512_storeu_ps((float *)kt + p * npad + j0, r[p]);
    }
    __m512 top0 = _mm512_setzero_ps(), top1 = _mm512_setzero_ps();
    for (size_t j = 0; j < n; j++) {
        top0 = _mm512_max_ps(top0, _mm512_abs_ps(_mm512_loadu_ps(v + j * ld)));
        top1 = _mm512_max_ps(top1, _mm512_abs_ps(_mm512_loadu_ps(v + j * ld + 16)));
    }
    __m512 div = _mm512_set1_ps(1 / CK_TOP), zero = _mm512_setzero_ps();
    _mm512_storeu_ps(sv, _mm512_mul_ps(top0, div));
    _mm512_storeu_ps(sv + 16, _mm512_mul_ps(top1, div));
    __mmask16 m0 = _mm512_cmp_ps_mask(top0, zero, _CMP_GT_OQ), m1 = _mm512_cmp_ps_mask(top1, zero, _CMP_GT_OQ);
    __m512 inv0 = _mm512_maskz_div_ps(m0, _mm512_set1_ps(CK_TOP), top0), inv1 = _mm512_maskz_div_ps(m1, _mm512_set1_ps(CK_TOP), top1);
    __m512i low = _mm512_set1_epi32(0xFFFF);
    for (size_t t = 0; t < npad / 2; t++) {
        __m512i half[2][2];
        for (size_t e = 0; e < 2; e++) {
            size_t j = 2 * t + e;
            __m512 a = j < n ? _mm512_loadu_ps(v + j * ld) : zero, b = j < n ? _mm512_loadu_ps(v + j * ld + 16) : zero;
            half[e][0] = _mm512_cvtps_epi32(_mm512_mul_ps(a, inv0));
            half[e][1] = _mm512_cvtps_epi32(_mm512_mul_ps(b, inv1));
        }
        for (size_t c = 0; c < 2; c++)
            _mm512_storeu_si512(vt + t * CK_HD + 16 * c,
                                _mm512_or_si512(_mm512_and_si512(half[0][c], low), _mm512_slli_epi32(half[1][c], 16)));
    }
}

// s[r][jb .. jb + 16·VB) = sq[r] · sk[j] · Σ_p qq[r] pair p · kt[p][j], for ROWS query rows. At most 12
// accumulators: with more, clang (-O2) keeps some in memory around the inline VPDPWSSD.
CK_INLINE void scores(const int16_t *qq, const float *sq, const int32_t *kt, const float *sk, size_t npad, size_t jb, float *s, int rows,
                      int vb) {
    __m512i acc[CK_AR][2];
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < vb; b++) acc[r][b] = _mm512_setzero_si512();
    for (int p = 0; p < CK_HD / 2; p++) {
        __m512i kv[2];
        for (int b = 0; b < vb; b++) kv[b] = _mm512_loadu_si512(kt + p * npad + jb + 16 * b);
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            int32_t pair;
            memcpy(&pair, qq + r * CK_HD + 2 * p, 4);
            __m512i qb = _mm512_set1_epi32(pair);
#pragma clang loop unroll(full)
            for (int b = 0; b < vb; b++) acc[r][b] = ck_dpwssd(acc[r][b], qb, kv[b]);
        }
    }
    for (int b = 0; b < vb; b++) {
        __m512 kscale = _mm512_loadu_ps(sk + jb + 16 * b);
        for (int r = 0; r < rows; r++)
            _mm512_storeu_ps(s + r * npad + jb + 16 * b, _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(acc[r][b]), _mm512_set1_ps(sq[r])), kscale));
    }
}

// Softmax of one row of n scores into weights u (int16, zero from n to npad); returns 1 / Σ u.
CK_INLINE float weights(const float *row, size_t n, int16_t *u) {
    __mmask16 tail = (__mmask16)((1u << (n % 16)) - 1);
    size_t full = n / 16 * 16;
    __m512 m = _mm512_set1_ps(-INFINITY);
    for (size_t j = 0; j < full; j += 16) m = _mm512_max_ps(m, _mm512_loadu_ps(row + j));
    if (tail) m = _mm512_mask_max_ps(m, tail, m, _mm512_loadu_ps(row + full));
    __m512 top = _mm512_set1_ps(_mm512_reduce_max_ps(m)), unit = _mm512_set1_ps(CK_TOP);
    __m512i sum = _mm512_setzero_si512();
    for (size_t j = 0; j < full; j += 16) {
        __m512i w = _mm512_cvtps_epi32(_mm512_mul_ps(ck_exp16(_mm512_sub_ps(_mm512_loadu_ps(row + j), top)), unit));
        _mm256_storeu_si256((__m256i *)(u + j), _mm512_cvtepi32_epi16(w));
        sum = _mm512_add_epi32(sum, w);
    }
    if (tail) {
        __m512i w = _mm512_maskz_cvtps_epi32(tail, _mm512_mul_ps(ck_exp16(_mm512_sub_ps(_mm512_loadu_ps(row + full), top)), unit));
        _mm256_storeu_si256((__m256i *)(u + full), _mm512_cvtepi32_epi16(w));
        sum = _mm512_add_epi32(sum, w);
    }
    return 1.0f / (float)_mm512_reduce_add_epi32(sum);
}

// Scores, weights and output for ROWS query rows.
CK_INLINE void query_block(const int16_t *qq, const float *sq, const int32_t *kt, const float *sk, const int32_t *vt, const float *sv,
                           size_t n, size_t npad, float *s, int16_t *u, float *out, size_t ldo, int rows) {
    size_t jb = 0;
    for (; jb + 32 <= npad; jb += 32) scores(qq, sq, kt, sk, npad, jb, s, rows, 2);
    if (jb < npad) scores(qq, sq, kt, sk, npad, jb, s, rows, 1);
    float inv[CK_AR];
    for (int r = 0; r < rows; r++) inv[r] = weights(s + r * npad, n, u + r * npad);
    __m512 o[CK_AR][2];
    for (int r = 0; r < rows; r++) o[r][0] = o[r][1] = _mm512_setzero_ps();
    size_t pairs = (n + 1) / 2;
    for (size_t t0 = 0; t0 < pairs; t0 += CK_KEYS / 2) {
        size_t end = t0 + CK_KEYS / 2 < pairs ? t0 + CK_KEYS / 2 : pairs;
        __m512i acc[CK_AR][2];
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
        for (size_t t = t0; t < end; t++) {
            __m512i v0 = _mm512_loadu_si512(vt + t * CK_HD), v1 = _mm512_loadu_si512(vt + t * CK_HD + 16);
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) {
                int32_t pair;
                memcpy(&pair, u + r * npad + 2 * t, 4);
                __m512i pb = _mm512_set1_epi32(pair);
                acc[r][0] = ck_dpwssd(acc[r][0], pb, v0);
                acc[r][1] = ck_dpwssd(acc[r][1], pb, v1);
            }
        }
        for (int r = 0; r < rows; r++) {
            o[r][0] = _mm512_add_ps(o[r][0], _mm512_cvtepi32_ps(acc[r][0]));
            o[r][1] = _mm512_add_ps(o[r][1], _mm512_cvtepi32_ps(acc[r][1]));
        }
    }
    __m512 sv0 = _mm512_loadu_ps(sv), sv1 = _mm512_loadu_ps(sv + 16);
    for (int r = 0; r < rows; r++) {
        __m512 f = _mm512_set1_ps(inv[r]);
        _mm512_storeu_ps(out + r * ldo, _mm512_mul_ps(_mm512_mul_ps(o[r][0], f), sv0));
        _mm512_storeu_ps(out + r * ldo + 16, _mm512_mul_ps(_mm512_mul_ps(o[r][1], f), sv1));
    }
}

// The scratch, in floats: qq, kt and vt (32 int16 per padded key each), the scales (npad each for Q and K,
// 32 for V), and CK_AR rows of float scores and of int16 weights.
size_t ck_attention32_i16_avx512_scratch(size_t n) {
    size_t npad = (n + 15) / 16 * 16;
    return (3 * npad * CK_HD * 2 + (2 * npad + CK_HD) * 4 + CK_AR * npad * (4 + 2)) / 4;
}

CK_ATTR void ck_attention32_i16_avx512(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out,
                                       size_t ldo, float *scratch) {
    size_t npad = (n + 15) / 16 * 16;
    char *at = (char *)scratch;
    int16_t *qq = (int16_t *)at;
    int32_t *kt = (int32_t *)(at += npad * CK_HD * 2);
    int32_t *vt = (int32_t *)(at += npad * CK_HD * 2);
    float *sq = (float *)(at += npad * CK_HD * 2);
    float *sk = sq + npad, *sv = sk + npad, *s = sv + CK_HD;
    int16_t *u = (int16_t *)(s + CK_AR * npad);
    pack(q, k, v, ld, n, npad, scale, qq, sq, kt, sk, vt, sv);
    size_t i = 0;
    for (; i + CK_AR <= n; i += CK_AR) query_block(qq + i * CK_HD, sq + i, kt, sk, vt, sv, n, npad, s, u, out + i * ldo, ldo, CK_AR);
    switch (n - i) {
    case 5: query_block(qq + i * CK_HD, sq + i, kt, sk, vt, sv, n, npad, s, u, out + i * ldo, ldo, 5); break;
    case 4: query_block(qq + i * CK_HD, sq + i, kt, sk, vt, sv, n, npad, s, u, out + i * ldo, ldo, 4); break;
    case 3: query_block(qq + i * CK_HD, sq + i, kt, sk, vt, sv, n, npad, s, u, out + i * ldo, ldo, 3); break;
    case 2: query_block(qq + i * CK_HD, sq + i, kt, sk, vt, sv, n, npad, s, u, out + i * ldo, ldo, 2); break;
    case 1: query_block(qq + i * CK_HD, sq + i, kt, sk, vt, sv, n, npad, s, u, out + i * ldo, ldo, 1); break;
    default: break;
    }
}
#endif
