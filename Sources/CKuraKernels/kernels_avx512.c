// AVX-512 (F, BW, VL) kernels: sixteen lanes, masked loads for the tail, so there is no scalar loop.
#if defined(__x86_64__)
#include "ck_internal.h"
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))

AVX512 static inline __mmask16 tail_mask(size_t rem) { return (__mmask16)((1u << rem) - 1u); }

AVX512 static inline __m512 load_f32(const float *p) { return _mm512_loadu_ps(p); }
AVX512 static inline __m512 load_f32_m(const float *p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }
AVX512 static inline __m512 load_f16(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
}
AVX512 static inline __m512 load_f16_m(const uint16_t *p, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
}
AVX512 static inline __m512 load_i8(const int8_t *p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)p)));
}
AVX512 static inline __m512 load_i8_m(const int8_t *p, __mmask16 m) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, p)));
}

// L(ptr) loads sixteen stored lanes, LM(ptr, mask) a masked tail.
#define DOT_BODY(L, LM)                                                                         \
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();                                  \
    size_t i = 0;                                                                               \
    for (; i + 32 <= n; i += 32) {                                                              \
        a0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), L(x + i), a0);                             \
        a1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16), L(x + i + 16), a1);                   \
    }                                                                                           \
    if (i + 16 <= n) {                                                                          \
        a0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), L(x + i), a0);                             \
        i += 16;                                                                                \
    }                                                                                           \
    if (i < n) {                                                                                \
        __mmask16 m = tail_mask(n - i);                                                         \
        a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, q + i), LM(x + i, m), a1);                \
    }                                                                                           \
    float s = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));

#define L2_BODY(L, LM)                                                                          \
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();                                  \
    size_t i = 0;                                                                               \
    for (; i + 32 <= n; i += 32) {                                                              \
        __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(q + i), L(x + i));                            \
        __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(q + i + 16), L(x + i + 16));                  \
        a0 = _mm512_fmadd_ps(d0, d0, a0);                                                       \
        a1 = _mm512_fmadd_ps(d1, d1, a1);                                                       \
    }                                                                                           \
    if (i + 16 <= n) {                                                                          \
        __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(q + i), L(x + i));                            \
        a0 = _mm512_fmadd_ps(d0, d0, a0);                                                       \
        i += 16;                                                                                \
    }                                                                                           \
    if (i < n) {                                                                                \
        __mmask16 m = tail_mask(n - i);                                                         \
        __m512 d1 = _mm512_sub_ps(_mm512_maskz_loadu_ps(m, q + i), LM(x + i, m));               \
        a1 = _mm512_fmadd_ps(d1, d1, a1);                                                       \
    }                                                                                           \
    float s = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));

#define COS_BODY(L, LM)                                                                         \
    __m512 ad = _mm512_setzero_ps(), aq = _mm512_setzero_ps(), ax = _mm512_setzero_ps();        \
    size_t i = 0;                                                                               \
    for (; i + 16 <= n; i += 16) {                                                              \
        __m512 vq = _mm512_loadu_ps(q + i), vx = L(x + i);                                      \
        ad = _mm512_fmadd_ps(vq, vx, ad);                                                       \
        aq = _mm512_fmadd_ps(vq, vq, aq);                                                       \
        ax = _mm512_fmadd_ps(vx, vx, ax);                                                       \
    }                                                                                           \
    if (i < n) {                                                                                \
        __mmask16 m = tail_mask(n - i);                                                         \
        __m512 vq = _mm512_maskz_loadu_ps(m, q + i), vx = LM(x + i, m);                         \
        ad = _mm512_fmadd_ps(vq, vx, ad);                                                       \
        aq = _mm512_fmadd_ps(vq, vq, aq);                                                       \
        ax = _mm512_fmadd_ps(vx, vx, ax);                                                       \
    }                                                                                           \
    float d = _mm512_reduce_add_ps(ad), qq = _mm512_reduce_add_ps(aq), xx = _mm512_reduce_add_ps(ax);

#define I8S(p) _mm512_mul_ps(load_i8(p), vs)
#define I8S_M(p, m) _mm512_mul_ps(load_i8_m(p, m), vs)

AVX512 static float dot_f32_avx512(const float *q, const float *x, size_t n) { DOT_BODY(load_f32, load_f32_m) return s; }
AVX512 static float l2sq_f32_avx512(const float *q, const float *x, size_t n) { L2_BODY(load_f32, load_f32_m) return s; }
AVX512 static float cos_f32_avx512(const float *q, const float *x, size_t n) {
    COS_BODY(load_f32, load_f32_m)
    return ck_cos_finish(d, qq, xx);
}
AVX512 static float dot_f16_avx512(const float *q, const uint16_t *x, size_t n) { DOT_BODY(load_f16, load_f16_m) return s; }
AVX512 static float l2sq_f16_avx512(const float *q, const uint16_t *x, size_t n) { L2_BODY(load_f16, load_f16_m) return s; }
AVX512 static float cos_f16_avx512(const float *q, const uint16_t *x, size_t n) {
    COS_BODY(load_f16, load_f16_m)
    return ck_cos_finish(d, qq, xx);
}
AVX512 static float dot_i8_avx512(const float *q, const int8_t *x, float scale, size_t n) {
    DOT_BODY(load_i8, load_i8_m)
    return s * scale;
}
AVX512 static float dot_i8q_avx512(const void *prepared, const int8_t *x, float scale, size_t n) {
    const int16_t *q = ck_i8q_values(prepared);
    __m512i a = _mm512_setzero_si512();
    for (size_t i = 0; i < n; i += 32) { // zero query padding cancels the row bytes past n
        __m512i xv = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(x + i)));
        a = _mm512_add_epi32(a, _mm512_madd_epi16(xv, _mm512_load_si512((const void *)(q + i))));
    }
    return ck_i8q_finish(_mm512_reduce_add_epi32(a), prepared, scale);
}

AVX512 static float l2sq_i8_avx512(const float *q, const int8_t *x, float scale, size_t n) {
    __m512 vs = _mm512_set1_ps(scale);
    L2_BODY(I8S, I8S_M)
    return s;
}
AVX512 static float cos_i8_avx512(const float *q, const int8_t *x, float scale, size_t n) {
    (void)scale;
    COS_BODY(load_i8, load_i8_m)
    return ck_cos_finish(d, qq, xx);
}

CK_DEFINE_BATCHES(avx512, AVX512)

const ck_kernels ck_avx512_kernels = CK_TABLE(avx512, CK_ISA_AVX512, "avx512");
#endif
