// Shared by the per-ISA kernel files; not part of the public header.
#ifndef CK_INTERNAL_H
#define CK_INTERNAL_H
#include "kura_kernels.h"
#include <math.h>

/// Every instruction set finishes a cosine the same way, so exact partial sums give identical results.
static inline float ck_cos_finish(float dot, float qq, float xx) {
    float d = qq * xx;
    return d > 0.0f ? dot / sqrtf(d) : 0.0f;
}

#if defined(__x86_64__)
/// Whether the active kernel set is AVX-512 (so KURA_KERNELS=avx2 runs the embedder as a CPU without it
/// would) and this CPU has `feature` (a string literal for __builtin_cpu_supports): what each of the
/// embedder's AVX-512 16-bit and int8 kernels needs.
#define CK_AVX512_WITH(feature)                                                                                                  \
    (__builtin_cpu_init(), ck_active()->isa == CK_ISA_AVX512 && __builtin_cpu_supports(feature) &&                             \
                               __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&                      \
                               __builtin_cpu_supports("avx512vl"))
#endif

static inline float ck_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { // subnormal: renormalise
            int e = -1;
            do { e++; man <<= 1; } while ((man & 0x400u) == 0);
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ffu) << 13);
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    __builtin_memcpy(&f, &bits, 4);
    return f;
}

/// A prepared query (see ck_i8q_prepare): a 64-byte header holding 1/s, then int16 values padded to 32.
#define CK_I8Q_HEADER 64
static inline size_t ck_i8q_padded(size_t n) { return (n + 31) / 32 * 32; }
/// The prepared query's int16 values and the one way every set finishes the sum.
static inline const int16_t *ck_i8q_values(const void *prepared) { return (const int16_t *)((const char *)prepared + CK_I8Q_HEADER); }
static inline float ck_i8q_finish(int32_t sum, const void *prepared, float scale) {
    return ((float)sum * *(const float *)prepared) * scale;
}

/// Prefetch distance for batch kernels, in rows.
#define CK_PREFETCH_AHEAD 4
/// Cache lines of each upcoming row to prefetch (the hardware streamer fetches the rest).
#define CK_PREFETCH_LINES 8

static inline void ck_prefetch_row(const void *row, size_t bytes) {
    const char *p = (const char *)row;
    size_t lines = (bytes + 63) / 64;
    if (lines > CK_PREFETCH_LINES) lines = CK_PREFETCH_LINES;
    for (size_t i = 0; i < lines; i++) __builtin_prefetch(p + i * 64, 0, 3);
}

/// Defines one batch kernel: NAME over rows of type T (ELEM bytes per component), each scored by CALL,
/// in which `x` is the row and `i` its position in `ids`. The first rows are prefetched before any is
/// scored, then each row CK_PREFETCH_AHEAD ahead of its turn, with its scale when rows have one: at
/// millions of rows every one is a miss to memory, and a batch is a node's unvisited neighbours.
#define CK_BATCH(NAME, SUFFIX, ATTR, T, ELEM, CALL)                                                     \
    ATTR static void NAME##_batch_##SUFFIX(const float *q, const void *base, size_t stride,             \
                                           const float *scales, const uint32_t *ids, size_t count,      \
                                           size_t n, float *out) {                                      \
        const char *b = (const char *)base;                                                             \
        for (size_t i = 0; i < count && i < CK_PREFETCH_AHEAD; i++) {                                   \
            ck_prefetch_row(b + (size_t)ids[i] * stride, n * ELEM);                                     \
            if (scales) __builtin_prefetch(scales + ids[i], 0, 3);                                      \
        }                                                                                               \
        for (size_t i = 0; i < count; i++) {                                                            \
            if (i + CK_PREFETCH_AHEAD < count) {                                                        \
                ck_prefetch_row(b + (size_t)ids[i + CK_PREFETCH_AHEAD] * stride, n * ELEM);             \
                if (scales) __builtin_prefetch(scales + ids[i + CK_PREFETCH_AHEAD], 0, 3);              \
            }                                                                                           \
            const T *x = (const T *)(b + (size_t)ids[i] * stride);                                      \
            out[i] = CALL;                                                                              \
        }                                                                                               \
    }

/// Defines the six batch kernels of one instruction set from its pair kernels.
#define CK_DEFINE_BATCHES(SUFFIX, ATTR)                                                                 \
    CK_BATCH(dot_f32, SUFFIX, ATTR, float, 4, dot_f32_##SUFFIX(q, x, n))                                \
    CK_BATCH(l2sq_f32, SUFFIX, ATTR, float, 4, l2sq_f32_##SUFFIX(q, x, n))                              \
    CK_BATCH(dot_f16, SUFFIX, ATTR, uint16_t, 2, dot_f16_##SUFFIX(q, x, n))                             \
    CK_BATCH(l2sq_f16, SUFFIX, ATTR, uint16_t, 2, l2sq_f16_##SUFFIX(q, x, n))                           \
    CK_BATCH(dot_i8, SUFFIX, ATTR, int8_t, 1, dot_i8_##SUFFIX(q, x, scales[ids[i]], n))                 \
    CK_BATCH(l2sq_i8, SUFFIX, ATTR, int8_t, 1, l2sq_i8_##SUFFIX(q, x, scales[ids[i]], n))                \
    CK_BATCH(dot_i8q, SUFFIX, ATTR, int8_t, 1, dot_i8q_##SUFFIX(q, x, scales[ids[i]], n))

#define CK_TABLE(SUFFIX, ISA, NAME)                                                                       \
    {ISA, NAME,                                                                                           \
     dot_f32_##SUFFIX, l2sq_f32_##SUFFIX, cos_f32_##SUFFIX,                                               \
     dot_f16_##SUFFIX, l2sq_f16_##SUFFIX, cos_f16_##SUFFIX,                                               \
     dot_i8_##SUFFIX, l2sq_i8_##SUFFIX, cos_i8_##SUFFIX,                                                  \
     dot_f32_batch_##SUFFIX, l2sq_f32_batch_##SUFFIX,                                                     \
     dot_f16_batch_##SUFFIX, l2sq_f16_batch_##SUFFIX,                                                     \
     dot_i8_batch_##SUFFIX, l2sq_i8_batch_##SUFFIX,                                                       \
     dot_i8q_##SUFFIX, dot_i8q_batch_##SUFFIX}

extern const ck_kernels ck_scalar_kernels;
#if defined(__x86_64__)
extern const ck_kernels ck_avx2_kernels;
extern const ck_kernels ck_avx512_kernels;
#endif
#if defined(__aarch64__)
extern const ck_kernels ck_neon_kernels;
#endif

// Inputs summed exactly in int32 before a 12-bit product's partial sum becomes a float: 128 products of
// at most 4095 · 4095 stay below 2^31 (see kura_gemm.h).
#define CK_I16_BLOCK 128

// Calls CALL(r) with r the constant 1..8 equal to `rows`, so that each call inlines a register block of
// that height (the matrix kernels' tails).
#define CK_ROWS_SWITCH(rows, CALL)                                                                                              \
    switch (rows) {                                                                                                            \
    case 8: CALL(8); break;                                                                                                    \
    case 7: CALL(7); break;                                                                                                    \
    case 6: CALL(6); break;                                                                                                    \
    case 5: CALL(5); break;                                                                                                    \
    case 4: CALL(4); break;                                                                                                    \
    case 3: CALL(3); break;                                                                                                    \
    case 2: CALL(2); break;                                                                                                    \
    default: CALL(1); break;                                                                                                   \
    }

/// ck_exp's constants (nn.c), shared by its vector copies: log2(e), ln 2 split into a part exact in float
/// and the rest (x = n ln2 + r), and the polynomial for e^r, highest degree first.
#define CK_EXP_LOG2E 1.44269504088896341f
#define CK_EXP_LN2_HI 0.693359375f
#define CK_EXP_LN2_LO 2.12194440e-4f
#define CK_EXP_P5 1.9875691500e-4f
#define CK_EXP_P4 1.3981999507e-3f
#define CK_EXP_P3 8.3334519073e-3f
#define CK_EXP_P2 4.1665795894e-2f
#define CK_EXP_P1 1.6666665459e-1f
#define CK_EXP_P0 5.0000001201e-1f

#endif
