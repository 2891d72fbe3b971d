// Element-wise pieces of a transformer forward pass, for the native embedder: the matrix products go
// to OpenBLAS, and these loops are what is left. Each runs over rows of a row-major matrix.
//
// The same C body is compiled for AVX-512, AVX2 and the baseline, and picked by the active kernel set
// (KURA_KERNELS applies); attention has its own AVX-512 and AVX2 kernels (attention_avx512.c,
// attention_avx2.c), a fifth of the forward pass's time on the 16-bit paths. erf and exp are polynomial
// approximations accurate to a few float ulps, so the GELU is the exact erf form, not the tanh approximation.
#ifndef KURA_NN_H
#define KURA_NN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// erf(x) to about 2 ulp (rational approximation on [-4, 4], ±1 outside).
float ck_erf(float x);
/// exp(x) to about 2 ulp for x in [-87, 88]; 0 below, +inf-free above (clamped).
float ck_exp(float x);

/// v = x + bias (per column), then x = 0.5 * v * (1 + erf(v / sqrt 2)), in place over `rows` rows.
void ck_gelu_bias(float *x, const float *bias, size_t rows, size_t cols);

/// Row-wise softmax of `rows` rows of `cols` values, `ld` floats apart, in place.
void ck_softmax_rows(float *s, size_t rows, size_t cols, size_t ld);

/// x = LayerNorm(x + bias + residual) * gamma + beta, row by row; `bias` (one row) and `residual`
/// (a matrix like x) may be NULL. Folding the bias in here saves a pass over the matrix.
void ck_layernorm_rows(float *x, const float *bias, const float *residual, const float *gamma, const float *beta,
                       size_t rows, size_t dim, float eps);

/// Scaled dot-product attention of one head of width 32 over one sequence of `n` tokens:
/// out = softmax(scale · Q Kᵀ) V, row by row. Q, K and V rows are `ld` floats apart (they can be
/// column blocks of one packed QKV matrix); output rows are `ldo` apart. `scratch` holds at least
/// ck_attention32_scratch(n) floats.
void ck_attention32(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                    float *scratch);
size_t ck_attention32_scratch(size_t n);

/// The same attention with its two products (Q·Kᵀ and P·V) in 12-bit integers where the 12-bit products
/// run on AVX512-VNNI (ck_i16_vnni; attention_i16_avx512.c: Q and K quantised per token, V per column, the softmax's weights to 1/4095 of
/// the row's largest), within about 1e-3 relative of float; elsewhere it is ck_attention32. `scratch`
/// holds at least ck_attention32_i16_scratch(n) floats.
void ck_attention32_i16(const float *q, const float *k, const float *v, size_t ld, size_t n, float scale, float *out, size_t ldo,
                        float *scratch);
size_t ck_attention32_i16_scratch(size_t n);

/// Copies `bias` into each of `rows` rows of `y` (`cols` wide), so a following sgemm with beta = 1 adds it.
void ck_fill_rows(float *y, const float *bias, size_t rows, size_t cols);

/// Adds `bias` to each of `rows` rows of `y` (`cols` wide).
void ck_add_rows(float *y, const float *bias, size_t rows, size_t cols);

#ifdef __cplusplus
}
#endif

#endif
