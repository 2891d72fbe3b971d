// Inline AVX-512 pieces shared by the embedder's kernels; each is compiled into its caller's target.
#ifndef CK_AVX512_H
#define CK_AVX512_H
#if defined(__x86_64__)
#include <immintrin.h>

#include "ck_internal.h"

#define CK_AVX512_ATTR __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma")))
#define CK_AVX512_INLINE __attribute__((always_inline)) CK_AVX512_ATTR static inline
#define CK_VNNI_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

// The polynomial of ck_exp (nn.c) on 16 lanes, with 2^n applied by VSCALEFPS.
CK_AVX512_INLINE __m512 ck_exp16(__m512 x) {
    x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.0f)), _mm512_set1_ps(-87.0f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(CK_EXP_LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(CK_EXP_LN2_HI), x);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(CK_EXP_LN2_LO), r);
    __m512 p = _mm512_set1_ps(CK_EXP_P5);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_EXP_P4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_EXP_P3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_EXP_P2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_EXP_P1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_EXP_P0));
    __m512 y = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(y, n);
}

// Rows r[0..15] (16 floats each) become columns: r[c] holds what was element c of every row.
CK_AVX512_INLINE void ck_transpose16(__m512 r[16]) {
    __m512 t[16], u[16];
    for (int g = 0; g < 4; g++) {
        t[4 * g + 0] = _mm512_unpacklo_ps(r[4 * g], r[4 * g + 1]);
        t[4 * g + 1] = _mm512_unpackhi_ps(r[4 * g], r[4 * g + 1]);
        t[4 * g + 2] = _mm512_unpacklo_ps(r[4 * g + 2], r[4 * g + 3]);
        t[4 * g + 3] = _mm512_unpackhi_ps(r[4 * g + 2], r[4 * g + 3]);
    }
    for (int g = 0; g < 4; g++) {  // u[4g + i]: in 128-bit lane L, column 4L + i of rows 4g..4g+3
        __m512d a = _mm512_castps_pd(t[4 * g]), b = _mm512_castps_pd(t[4 * g + 1]);
        __m512d c = _mm512_castps_pd(t[4 * g + 2]), d = _mm512_castps_pd(t[4 * g + 3]);
        u[4 * g + 0] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        u[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        u[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
        u[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    for (int i = 0; i < 4; i++) {
        __m512 xlo = _mm512_shuffle_f32x4(u[i], u[4 + i], _MM_SHUFFLE(2, 0, 2, 0));
        __m512 xhi = _mm512_shuffle_f32x4(u[i], u[4 + i], _MM_SHUFFLE(3, 1, 3, 1));
        __m512 ylo = _mm512_shuffle_f32x4(u[8 + i], u[12 + i], _MM_SHUFFLE(2, 0, 2, 0));
        __m512 yhi = _mm512_shuffle_f32x4(u[8 + i], u[12 + i], _MM_SHUFFLE(3, 1, 3, 1));
        r[i] = _mm512_shuffle_f32x4(xlo, ylo, _MM_SHUFFLE(2, 0, 2, 0));
        r[4 + i] = _mm512_shuffle_f32x4(xhi, yhi, _MM_SHUFFLE(2, 0, 2, 0));
        r[8 + i] = _mm512_shuffle_f32x4(xlo, ylo, _MM_SHUFFLE(3, 1, 3, 1));
        r[12 + i] = _mm512_shuffle_f32x4(xhi, yhi, _MM_SHUFFLE(3, 1, 3, 1));
    }
}

// One VPDPWSSD (acc += pairwise int16 products a · b, per 32-bit lane). Written out because LLVM rewrites the
// intrinsic into VPMADDWD + VPADDD, two instructions where the CPU runs one: 0.76x the product's rate on an
// AMD EPYC.
__attribute__((always_inline)) CK_VNNI_ATTR static inline __m512i ck_dpwssd(__m512i acc, __m512i a, __m512i b) {
    __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(a), "v"(b));
    return acc;
}

#endif
#endif
