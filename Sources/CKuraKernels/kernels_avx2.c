// AVX2 + FMA + F16C kernels (Haswell and later, Zen). Eight lanes, two accumulators, scalar tail.
#if defined(__x86_64__)
#include "ck_internal.h"
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))

AVX2 static inline float hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v);
    __m128 hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    __m128 sh = _mm_movehdup_ps(lo);
    lo = _mm_add_ps(lo, sh);
    sh = _mm_movehl_ps(sh, lo);
    lo = _mm_add_ss(lo, sh);
    return _mm_cvtss_f32(lo);
}

AVX2 static inline __m256 load_f16x8(const uint16_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}

AVX2 static inline __m256 load_i8x8(const int8_t *p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}

// LOAD(ptr) yields eight f32 lanes of the stored vector; TAIL(i) one scalar element.
#define DOT_BODY(LOAD, TAIL)                                                                    \
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();                                  \
    size_t i = 0;                                                                               \
    for (; i + 16 <= n; i += 16) {                                                              \
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), LOAD(x + i), a0);                          \
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), LOAD(x + i + 8), a1);                  \
    }                                                                                           \
    if (i + 8 <= n) {                                                                           \
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), LOAD(x + i), a0);                          \
        i += 8;                                                                                 \
    }                                                                                           \
    float s = hsum256(_mm256_add_ps(a0, a1));                                                   \
    for (; i < n; i++) s += q[i] * TAIL(i);

#define L2_BODY(LOAD, TAIL)                                                                     \
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();                                  \
    size_t i = 0;                                                                               \
    for (; i + 16 <= n; i += 16) {                                                              \
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(q + i), LOAD(x + i));                         \
        __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(q + i + 8), LOAD(x + i + 8));                 \
        a0 = _mm256_fmadd_ps(d0, d0, a0);                                                       \
        a1 = _mm256_fmadd_ps(d1, d1, a1);                                                       \
    }                                                                                           \
    if (i + 8 <= n) {                                                                           \
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(q + i), LOAD(x + i));                         \
        a0 = _mm256_fmadd_ps(d0, d0, a0);                                                       \
        i += 8;                                                                                 \
    }                                                                                           \
    float s = hsum256(_mm256_add_ps(a0, a1));                                                   \
    for (; i < n; i++) {                                                                        \
        float d = q[i] - TAIL(i);                                                               \
        s += d * d;                                                                             \
    }

#define COS_BODY(LOAD, TAIL)                                                                    \
    __m256 ad = _mm256_setzero_ps(), aq = _mm256_setzero_ps(), ax = _mm256_setzero_ps();        \
    size_t i = 0;                                                                               \
    for (; i + 8 <= n; i += 8) {                                                                \
        __m256 vq = _mm256_loadu_ps(q + i), vx = LOAD(x + i);                                   \
        ad = _mm256_fmadd_ps(vq, vx, ad);                                                       \
        aq = _mm256_fmadd_ps(vq, vq, aq);                                                       \
        ax = _mm256_fmadd_ps(vx, vx, ax);                                                       \
    }                                                                                           \
    float d = hsum256(ad), qq = hsum256(aq), xx = hsum256(ax);                                  \
    for (; i < n; i++) {                                                                        \
        float v = TAIL(i);                                                                      \
        d += q[i] * v;                                                                          \
        qq += q[i] * q[i];                                                                      \
        xx += v * v;                                                                            \
    }

#define F32_LOAD(p) _mm256_loadu_ps(p)
#define F32_TAIL(i) x[i]
#define F16_TAIL(i) ck_half_to_float(x[i])
#define I8_TAIL(i) ((float)x[i])
#define I8S_LOAD(p) _mm256_mul_ps(load_i8x8(p), vs)
#define I8S_TAIL(i) ((float)x[i] * scale)

AVX2 static float dot_f32_avx2(const float *q, const float *x, size_t n) { DOT_BODY(F32_LOAD, F32_TAIL) return s; }
AVX2 static float l2sq_f32_avx2(const float *q, const float *x, size_t n) { L2_BODY(F32_LOAD, F32_TAIL) return s; }
AVX2 static float cos_f32_avx2(const float *q, const float *x, size_t n) {
    COS_BODY(F32_LOAD, F32_TAIL)
    return ck_cos_finish(d, qq, xx);
}
AVX2 static float dot_f16_avx2(const float *q, const uint16_t *x, size_t n) { DOT_BODY(load_f16x8, F16_TAIL) return s; }
AVX2 static float l2sq_f16_avx2(const float *q, const uint16_t *x, size_t n) { L2_BODY(load_f16x8, F16_TAIL) return s; }
AVX2 static float cos_f16_avx2(const float *q, const uint16_t *x, size_t n) {
    COS_BODY(load_f16x8, F16_TAIL)
    return ck_cos_finish(d, qq, xx);
}
AVX2 static float dot_i8q_avx2(const void *prepared, const int8_t *x, float scale, size_t n) {
    const int16_t *q = ck_i8q_values(prepared);
    __m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256();
    for (size_t i = 0; i < n; i += 32) { // zero query padding cancels the row bytes past n
        __m256i x0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + i)));
        __m256i x1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + i + 16)));
        a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(x0, _mm256_load_si256((const __m256i *)(q + i))));
        a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(x1, _mm256_load_si256((const __m256i *)(q + i + 16))));
    }
    __m256i a = _mm256_add_epi32(a0, a1);
    __m128i h = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4e));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xb1));
    return ck_i8q_finish(_mm_cvtsi128_si32(h), prepared, scale);
}

AVX2 static float dot_i8_avx2(const float *q, const int8_t *x, float scale, size_t n) {
    DOT_BODY(load_i8x8, I8_TAIL)
    return s * scale;
}
AVX2 static float l2sq_i8_avx2(const float *q, const int8_t *x, float scale, size_t n) {
    __m256 vs = _mm256_set1_ps(scale);
    L2_BODY(I8S_LOAD, I8S_TAIL)
    return s;
}
AVX2 static float cos_i8_avx2(const float *q, const int8_t *x, float scale, size_t n) {
    (void)scale;
    COS_BODY(load_i8x8, I8_TAIL)
    return ck_cos_finish(d, qq, xx);
}

CK_DEFINE_BATCHES(avx2, AVX2)

const ck_kernels ck_avx2_kernels = CK_TABLE(avx2, CK_ISA_AVX2, "avx2");
#endif
