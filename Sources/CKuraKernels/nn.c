// The embedder's element-wise loops. One branch-free body per operation, inlined into a wrapper per
// instruction set so the compiler vectorises it for that set; dispatch follows ck_active().
#include "ck_internal.h"
#include "kura_gemm.h"
#include "kura_nn.h"
#include <string.h>

#define CK_INLINE static inline __attribute__((always_inline))

// erf on [-4, 4] as x * P(x^2) / Q(x^2); erf(±4) rounds to ±1 in float.
CK_INLINE float erf_body(float x) {
    x = x < -4.0f ? -4.0f : (x > 4.0f ? 4.0f : x);
    float x2 = x * x;
    float p = -2.72614225801306e-10f;
    p = p * x2 + 2.77068142495902e-08f;
    p = p * x2 + -2.10102402082508e-06f;
    p = p * x2 + -5.69250639462346e-05f;
    p = p * x2 + -7.34990630326855e-04f;
    p = p * x2 + -2.95459980854025e-03f;
    p = p * x2 + -1.60960333262415e-02f;
    float q = -1.45660718464996e-05f;
    q = q * x2 + -2.13374055278905e-04f;
    q = q * x2 + -1.68282697438203e-03f;
    q = q * x2 + -7.37332916720468e-03f;
    q = q * x2 + -1.42647390514189e-02f;
    return x * p / q;
}

// exp by range reduction x = n ln2 + r, a degree-6 polynomial for e^r, and 2^n built in the exponent bits.
CK_INLINE float exp_body(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    float t = x * CK_EXP_LOG2E + 12582912.0f; // 1.5 * 2^23 rounds to nearest integer
    float n = t - 12582912.0f;
    float r = x - n * CK_EXP_LN2_HI + n * CK_EXP_LN2_LO;
    float p = CK_EXP_P5;
    p = p * r + CK_EXP_P4;
    p = p * r + CK_EXP_P3;
    p = p * r + CK_EXP_P2;
    p = p * r + CK_EXP_P1;
    p = p * r + CK_EXP_P0;
    float y = p * r * r + r + 1.0f;
    int bits = ((int)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, 4);
    return y * scale;
}

// Reductions keep CK_LANES partial results so the compiler can vectorise them without reassociating.
#define CK_LANES 16

CK_INLINE float lane_sum(const float *v, size_t n) {
    float acc[CK_LANES] = {0};
    size_t j = 0;
    for (; j + CK_LANES <= n; j += CK_LANES)
        for (size_t l = 0; l < CK_LANES; l++) acc[l] += v[j + l];
    float s = 0.0f;
    for (; j < n; j++) s += v[j];
    for (size_t l = 0; l < CK_LANES; l++) s += acc[l];
    return s;
}

CK_INLINE float lane_max(const float *v, size_t n) {
    float acc[CK_LANES];
    for (size_t l = 0; l < CK_LANES; l++) acc[l] = v[0];
    size_t j = 0;
    for (; j + CK_LANES <= n; j += CK_LANES)
        for (size_t l = 0; l < CK_LANES; l++) acc[l] = v[j + l] > acc[l] ? v[j + l] : acc[l];
    float m = v[0];
    for (; j < n; j++) m = v[j] > m ? v[j] : m;
    for (size_t l = 0; l < CK_LANES; l++) m = acc[l] > m ? acc[l] : m;
    return m;
}

CK_INLINE float lane_sq_dev(const float *v, size_t n, float mean) {
    float acc[CK_LANES] = {0};
    size_t j = 0;
    for (; j + CK_LANES <= n; j += CK_LANES)
        for (size_t l = 0; l < CK_LANES; l++) {
            float d = v[j + l] - mean;
            acc[l] += d * d;
        }
    float s = 0.0f;
    for (; j < n; j++) s += (v[j] - mean) * (v[j] - mean);
    for (size_t l = 0; l < CK_LANES; l++) s += acc[l];
    return s;
}

CK_INLINE void gelu_body(float *x, const float *bias, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * cols;
        for (size_t j = 0; j < cols; j++) {
            float v = row[j] + bias[j];
            row[j] = 0.5f * v * (1.0f + erf_body(v * 0.70710678118654752f));
        }
    }
}

CK_INLINE void softmax_body(float *s, size_t rows, size_t cols, size_t ld) {
    for (size_t r = 0; r < rows; r++) {
        float *row = s + r * ld;
        float m = lane_max(row, cols);
        for (size_t j = 0; j < cols; j++) row[j] = exp_body(row[j] - m);
        float inv = 1.0f / lane_sum(row, cols);
        for (size_t j = 0; j < cols; j++) row[j] *= inv;
    }
}

CK_INLINE void layernorm_body(float *x, const float *bias, const float *res, const float *g, const float *b, size_t rows,
                              size_t dim, float eps) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * dim;
        if (bias)
            for (size_t j = 0; j < dim; j++) row[j] += bias[j];
        if (res) {
            const float *rr = res + r * dim;
            for (size_t j = 0; j < dim; j++) row[j] += rr[j];
        }
        float mean = lane_sum(row, dim) / (float)dim;
        float inv = 1.0f / sqrtf(lane_sq_dev(row, dim, mean) / (float)dim + eps);
        for (size_t j = 0; j < dim; j++) row[j] = (row[j] - mean) * inv * g[j] + b[j];
    }
}

// Attention of one head of one sequence with head width 32, blocked for registers: scores for 4 query
// rows × 64 keys stay in 16 vector registers while the 32 products accumulate, then each row's softmax,
// then 4 output rows × 32 values accumulate over the keys. Keys are transposed once into `kt`
// (32 × npad, zero-padded to a multiple of 64) and values copied into `vc` (n × 32): in place they sit
// 3 × hidden floats apart, a stride that maps every row to a few L1 sets and evicts them between the
// passes of query rows.
#define CK_HD 32
#define CK_KB 64

CK_INLINE void attention32_body(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out,
                                size_t ldo, float *scratch) {
    size_t npad = (n + CK_KB - 1) / CK_KB * CK_KB;
    float *kt = scratch;             // CK_HD × npad
    float *vc = scratch + CK_HD * npad;     // npad × CK_HD
    float *s = scratch + 2 * CK_HD * npad; // 4 × npad scores
    for (size_t c = 0; c < CK_HD; c++) {
        float *row = kt + c * npad;
        for (size_t j = 0; j < n; j++) row[j] = k[j * ld + c];
        for (size_t j = n; j < npad; j++) row[j] = 0.0f;
    }
    for (size_t j = 0; j < n; j++) memcpy(vc + j * CK_HD, v + j * ld, CK_HD * sizeof(float));
    for (size_t i = 0; i < n; i += 4) {
        size_t rows = n - i < 4 ? n - i : 4;
        float qs[4][CK_HD];
        for (size_t r = 0; r < 4; r++) {
            const float *qr = q + (i + (r < rows ? r : rows - 1)) * ld;
            for (size_t c = 0; c < CK_HD; c++) qs[r][c] = qr[c] * scale;
        }
        for (size_t jb = 0; jb < npad; jb += CK_KB) {
            float acc[4][CK_KB];
            for (size_t r = 0; r < 4; r++)
                for (size_t jj = 0; jj < CK_KB; jj++) acc[r][jj] = 0.0f;
            for (size_t c = 0; c < CK_HD; c++) {
                const float *kr = kt + c * npad + jb;
                for (size_t r = 0; r < 4; r++)
                    for (size_t jj = 0; jj < CK_KB; jj++) acc[r][jj] += qs[r][c] * kr[jj];
            }
            for (size_t r = 0; r < 4; r++)
                for (size_t jj = 0; jj < CK_KB; jj++) s[r * npad + jb + jj] = acc[r][jj];
        }
        softmax_body(s, rows, n, npad);
        float o[4][CK_HD];
        for (size_t r = 0; r < 4; r++)
            for (size_t c = 0; c < CK_HD; c++) o[r][c] = 0.0f;
        for (size_t j = 0; j < n; j++) {
            const float *vr = vc + j * CK_HD;
            for (size_t r = 0; r < 4; r++) {
                float p = s[r * npad + j];
                for (size_t c = 0; c < CK_HD; c++) o[r][c] += p * vr[c];
            }
        }
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < CK_HD; c++) out[(i + r) * ldo + c] = o[r][c];
    }
}

#define CK_NN_VARIANT(suffix, attr)                                                                              \
    attr static void gelu_##suffix(float *x, const float *bias, size_t rows, size_t cols) {                       \
        gelu_body(x, bias, rows, cols);                                                                          \
    }                                                                                                            \
    attr static void softmax_##suffix(float *s, size_t rows, size_t cols, size_t ld) {                            \
        softmax_body(s, rows, cols, ld);                                                                         \
    }                                                                                                            \
    attr static void layernorm_##suffix(float *x, const float *bias, const float *res, const float *g,            \
                                        const float *b, size_t rows, size_t dim, float eps) {                    \
        layernorm_body(x, bias, res, g, b, rows, dim, eps);                                                      \
    }

CK_NN_VARIANT(base, )
#if defined(__x86_64__)
CK_NN_VARIANT(avx2, __attribute__((target("avx2,fma"))))
CK_NN_VARIANT(avx512, __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))))
void ck_attention32_avx512(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                           float *scratch);
void ck_attention32_avx2(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                         float *scratch);
#define CK_NN_DISPATCH(fn, ...)                                                                                  \
    switch (ck_active()->isa) {                                                                                  \
    case CK_ISA_AVX512: fn##_avx512(__VA_ARGS__); return;                                                        \
    case CK_ISA_AVX2: fn##_avx2(__VA_ARGS__); return;                                                            \
    default: fn##_base(__VA_ARGS__); return;                                                                     \
    }
#else
#define CK_NN_DISPATCH(fn, ...) fn##_base(__VA_ARGS__)
#endif

float ck_erf(float x) { return erf_body(x); }
float ck_exp(float x) { return exp_body(x); }

void ck_gelu_bias(float *x, const float *bias, size_t rows, size_t cols) { CK_NN_DISPATCH(gelu, x, bias, rows, cols); }

void ck_softmax_rows(float *s, size_t rows, size_t cols, size_t ld) {
    if (cols == 0) return;
    CK_NN_DISPATCH(softmax, s, rows, cols, ld);
}

void ck_layernorm_rows(float *x, const float *bias, const float *residual, const float *gamma, const float *beta,
                       size_t rows, size_t dim, float eps) {
    CK_NN_DISPATCH(layernorm, x, bias, residual, gamma, beta, rows, dim, eps);
}

// Room for any body: this one's kt, vc and 4 score rows over keys padded to 64, the AVX-512 kernel's over
// keys padded to 16 with 6 score rows, or the AVX2 kernel's over keys padded to 8 with 4.
size_t ck_attention32_scratch(size_t n) { return (2 * CK_HD + 8) * ((n + CK_KB - 1) / CK_KB * CK_KB); }

void ck_attention32(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                    float *scratch) {
    if (n == 0) return;
#if defined(__x86_64__)
    if (ck_active()->isa == CK_ISA_AVX512) {
        ck_attention32_avx512(q, k, v, ld, n, scale, out, ldo, scratch);
        return;
    }
    if (ck_active()->isa == CK_ISA_AVX2) {
        ck_attention32_avx2(q, k, v, ld, n, scale, out, ldo, scratch);
        return;
    }
#endif
    attention32_body(q, k, v, ld, n, scale, out, ldo, scratch);  // the baseline and NEON: the compiler's own vectors
}

#if defined(__x86_64__)
void ck_attention32_i16_avx512(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                               float *scratch);
size_t ck_attention32_i16_avx512_scratch(size_t n);
#endif

size_t ck_attention32_i16_scratch(size_t n) {
    size_t f = ck_attention32_scratch(n);
#if defined(__x86_64__)
    size_t i16 = ck_attention32_i16_avx512_scratch(n);
    if (i16 > f) return i16;
#endif
    return f;
}

void ck_attention32_i16(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                        float *scratch) {
    if (n == 0) return;
#if defined(__x86_64__)
    if (ck_i16_vnni()) {
        ck_attention32_i16_avx512(q, k, v, ld, n, scale, out, ldo, scratch);
        return;
    }
#endif
    ck_attention32(q, k, v, ld, n, scale, out, ldo, scratch);
}

void ck_fill_rows(float *y, const float *bias, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) memcpy(y + r * cols, bias, cols * sizeof(float));
}

void ck_add_rows(float *y, const float *bias, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) y[r * cols + c] += bias[c];
}
