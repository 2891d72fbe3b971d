// Attention of one head of width 32 on AVX-512 (see kura_nn.h), written with intrinsics so the register
// blocks are what we choose. Per sequence and head: K is transposed 16 keys at a time into `kt`
// (32 × npad, npad = n rounded up to 16, so at most 15 padded keys) and V copied into `vc` (n × 32); in
// place their rows are 3 × hidden floats apart, a stride that maps them to a few L1 sets. Then per block
// of CK_AR query rows: scores for 64 keys at a time (CK_AR × 4 accumulators, one broadcast of a scaled
// query value per 4 loads of keys), the tail in blocks of 16; softmax with the 1/sum left for the end;
// and the CK_AR output rows (2 registers each) accumulated over the keys.
#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stddef.h>

#include "ck_avx512.h"

#define CK_ATTR CK_AVX512_ATTR
#define CK_INLINE CK_AVX512_INLINE
#define CK_HD 32
#define CK_AR 6

void ck_attention32_avx512(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                           float *scratch);

// kt (CK_HD × npad) = Kᵀ with zeros past n; vc (n × CK_HD) = V packed.
CK_ATTR static void pack_kv(const float *k, const float *v, size_t ld, size_t n, size_t npad, float *kt, float *vc) {
    for (size_t j0 = 0; j0 < npad; j0 += 16)
        for (size_t half = 0; half < CK_HD; half += 16) {
            __m512 r[16];
            for (size_t j = 0; j < 16; j++) r[j] = j0 + j < n ? _mm512_loadu_ps(k + (j0 + j) * ld + half) : _mm512_setzero_ps();
            ck_transpose16(r);
            for (size_t c = 0; c < 16; c++) _mm512_storeu_ps(kt + (half + c) * npad + j0, r[c]);
        }
    for (size_t j = 0; j < n; j++) {
        _mm512_storeu_ps(vc + j * CK_HD, _mm512_loadu_ps(v + j * ld));
        _mm512_storeu_ps(vc + j * CK_HD + 16, _mm512_loadu_ps(v + j * ld + 16));
    }
}

// s[r][jb .. jb + 16·VB) = Σ_c qs[r][c] · kt[c][..] for ROWS query rows.
CK_INLINE void scores(const float (*qs)[CK_HD], const float *kt, size_t npad, size_t jb, float *s, int rows, int vb) {
    __m512 acc[CK_AR][4];
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < vb; b++) acc[r][b] = _mm512_setzero_ps();
    for (int c = 0; c < CK_HD; c++) {
        __m512 kv[4];
        for (int b = 0; b < vb; b++) kv[b] = _mm512_loadu_ps(kt + c * npad + jb + 16 * b);
        for (int r = 0; r < rows; r++) {
            __m512 qb = _mm512_set1_ps(qs[r][c]);
            for (int b = 0; b < vb; b++) acc[r][b] = _mm512_fmadd_ps(qb, kv[b], acc[r][b]);
        }
    }
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < vb; b++) _mm512_storeu_ps(s + r * npad + jb + 16 * b, acc[r][b]);
}

// Scores, softmax and output for ROWS query rows starting at row i.
CK_INLINE void query_block(const float *q, size_t ld, size_t n, size_t npad, float scale, const float *kt, const float *vc, float *s,
                           float *out, size_t ldo, int rows) {
    float qs[CK_AR][CK_HD];
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < CK_HD; c += 16)
            _mm512_storeu_ps(&qs[r][c], _mm512_mul_ps(_mm512_loadu_ps(q + r * ld + c), _mm512_set1_ps(scale)));
    size_t jb = 0;
    for (; jb + 64 <= npad; jb += 64) scores(qs, kt, npad, jb, s, rows, 4);
    switch ((npad - jb) / 16) {
    case 3: scores(qs, kt, npad, jb, s, rows, 3); break;
    case 2: scores(qs, kt, npad, jb, s, rows, 2); break;
    case 1: scores(qs, kt, npad, jb, s, rows, 1); break;
    default: break;
    }
    float inv[CK_AR];
    __mmask16 tail = (__mmask16)((1u << (n % 16)) - 1);
    size_t full = n / 16 * 16;
    for (int r = 0; r < rows; r++) {
        float *row = s + r * npad;
        __m512 m = _mm512_set1_ps(-INFINITY);
        for (size_t j = 0; j < full; j += 16) m = _mm512_max_ps(m, _mm512_loadu_ps(row + j));
        if (tail) m = _mm512_mask_max_ps(m, tail, m, _mm512_loadu_ps(row + full));
        __m512 top = _mm512_set1_ps(_mm512_reduce_max_ps(m)), sum = _mm512_setzero_ps();
        for (size_t j = 0; j < full; j += 16) {
            __m512 e = ck_exp16(_mm512_sub_ps(_mm512_loadu_ps(row + j), top));
            _mm512_storeu_ps(row + j, e);
            sum = _mm512_add_ps(sum, e);
        }
        if (tail) {
            __m512 e = _mm512_maskz_mov_ps(tail, ck_exp16(_mm512_sub_ps(_mm512_loadu_ps(row + full), top)));
            _mm512_storeu_ps(row + full, e);
            sum = _mm512_add_ps(sum, e);
        }
        inv[r] = 1.0f / _mm512_reduce_add_ps(sum);
    }
    __m512 o[CK_AR][2];
    for (int r = 0; r < rows; r++) o[r][0] = o[r][1] = _mm512_setzero_ps();
    for (size_t j = 0; j < n; j++) {
        __m512 v0 = _mm512_loadu_ps(vc + j * CK_HD), v1 = _mm512_loadu_ps(vc + j * CK_HD + 16);
        for (int r = 0; r < rows; r++) {
            __m512 p = _mm512_set1_ps(s[r * npad + j]);
            o[r][0] = _mm512_fmadd_ps(p, v0, o[r][0]);
            o[r][1] = _mm512_fmadd_ps(p, v1, o[r][1]);
        }
    }
    for (int r = 0; r < rows; r++) {
        __m512 f = _mm512_set1_ps(inv[r]);
        _mm512_storeu_ps(out + r * ldo, _mm512_mul_ps(o[r][0], f));
        _mm512_storeu_ps(out + r * ldo + 16, _mm512_mul_ps(o[r][1], f));
    }
}

// The scratch is ck_attention32_scratch(n) floats (nn.c): kt and vc take 2 · 32 · npad, the scores CK_AR · npad.
CK_ATTR void ck_attention32_avx512(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                                   float *scratch) {
    size_t npad = (n + 15) / 16 * 16;
    float *kt = scratch, *vc = scratch + CK_HD * npad, *s = scratch + 2 * CK_HD * npad;
    pack_kv(k, v, ld, n, npad, kt, vc);
    size_t i = 0;
    for (; i + CK_AR <= n; i += CK_AR) query_block(q + i * ld, ld, n, npad, scale, kt, vc, s, out + i * ldo, ldo, CK_AR);
    switch (n - i) {
    case 5: query_block(q + i * ld, ld, n, npad, scale, kt, vc, s, out + i * ldo, ldo, 5); break;
    case 4: query_block(q + i * ld, ld, n, npad, scale, kt, vc, s, out + i * ldo, ldo, 4); break;
    case 3: query_block(q + i * ld, ld, n, npad, scale, kt, vc, s, out + i * ldo, ldo, 3); break;
    case 2: query_block(q + i * ld, ld, n, npad, scale, kt, vc, s, out + i * ldo, ldo, 2); break;
    case 1: query_block(q + i * ld, ld, n, npad, scale, kt, vc, s, out + i * ldo, ldo, 1); break;
    default: break;
    }
}
#endif
