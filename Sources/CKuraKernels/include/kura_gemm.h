// Matrix products in bfloat16 with float accumulation, for the embedder's feed-forward layers.
//
// y = x · Wᵀ where W is (n outputs × k inputs), row-major as PyTorch stores it. W is packed once into
// bf16 (round to nearest even); x is rounded to bf16 per call; every product is accumulated in float.
// On CPUs with AVX512-BF16 one VDPBF16PS does 32 multiply-adds, twice the float FMA rate.
//
// Packed layout, for each block of 32 outputs (n must be a multiple of 32, k of 2): k/2 groups of
// 64 values, group p holding for each output j of the block the pair (W[j][2p], W[j][2p + 1]).
#ifndef KURA_GEMM_H
#define KURA_GEMM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Whether this CPU runs the bf16 product natively (AVX512-BF16). Without it, callers keep float sgemm.
int ck_bf16_native(void);

/// x rounded to the nearest bf16, ties to even (NaN stays NaN).
uint16_t ck_bf16_round(float x);

/// Values in the packed form of an n × k matrix; 0 if the shape is not supported.
size_t ck_bf16_packed_count(size_t n, size_t k);
void ck_bf16_pack(const float *w, size_t n, size_t k, uint16_t *packed);

/// y (m × n, row-major) = x (m × k) · Wᵀ. `scratch` holds m × k values (x in bf16).
/// Uses the native kernel when there is one, else the scalar reference.
void ck_bf16_gemm(const float *x, size_t m, size_t k, const uint16_t *packed, size_t n, float *y, uint16_t *scratch);

/// The scalar reference: the same rounding, and per output the same order of additions as one
/// VDPBF16PS lane (each pair: odd product added, then even).
void ck_bf16_gemm_reference(const float *x, size_t m, size_t k, const uint16_t *packed, size_t n, float *y, uint16_t *scratch);

#ifdef __cplusplus
}
#endif

#endif
