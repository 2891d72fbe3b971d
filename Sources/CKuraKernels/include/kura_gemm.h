// Matrix products for the embedder: bfloat16 with float accumulation, and int8 (below).
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

/// Whether this CPU runs the bf16 product natively (AVX512-BF16, with AVX-512 the active kernel set, as for
/// every AVX-512 product below). Without it, callers keep float sgemm.
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

// binary16 products, on CPUs with AVX512-FP16. W is packed once into IEEE binary16 in the bf16 layout above
// (pairs of inputs per output, blocks of 32 outputs); x is rounded to binary16 per call. Each output keeps
// two binary16 partial sums (its even and its odd inputs), restarted every CK_F16_RUN pairs and added into
// float: one VFMADD231PH does 32 multiply-adds, and short runs keep binary16's 11-bit sums close to float's.
// Values beyond ±65504 do not fit binary16; the embedder's activations stay far below.

/// Input pairs per binary16 partial sum.
#define CK_F16_RUN 32

/// Whether this CPU runs the binary16 product natively (AVX512-FP16).
int ck_f16_native(void);

/// Values in the packed form of an n × k matrix; 0 if the shape is not supported.
size_t ck_f16_packed_count(size_t n, size_t k);
void ck_f16_pack(const float *w, size_t n, size_t k, uint16_t *packed);

/// y (m × n, row-major) = x (m × k) · Wᵀ + bias (bias may be NULL). `scratch` holds m × k values (x in
/// binary16). Uses the native kernel when there is one, else the scalar reference.
void ck_f16_gemm(const float *x, size_t m, size_t k, const uint16_t *packed, const float *bias, size_t n, float *y, uint16_t *scratch);

/// The scalar reference: the same roundings of x and W, and per output the same partial sums, each step
/// rounded to binary16 (after a float multiply-add, so a step may round twice where the kernel rounds once).
void ck_f16_gemm_reference(const float *x, size_t m, size_t k, const uint16_t *packed, const float *bias, size_t n, float *y,
                           uint16_t *scratch);

// int8 products for the embedder's linear layers, in the spirit of onnxruntime's dynamic quantisation.
//
// W (n × k) is quantised once per output channel: scale[j] = max |W[j]| / 127, q = round(W / scale[j]) in
// [-127, 127]. x is quantised per call and per row: s = max |x[i]| / 127, u = round(x / s) + 128 in
// [1, 255] (unsigned, as VPDPBUSD multiplies unsigned by signed bytes). Then
//     y[i][j] = s[i] · scale[j] · (Σ_p u[i][p] · q[j][p] − 128 · Σ_p q[j][p]) + bias[j],
// the sum exact in int32 (|Σ| ≤ 255 · 127 · k < 2^31 for k < 66,000).
//
// Packed layout, for each block of 32 outputs (n a multiple of 32, k of 4): k/4 groups of 128 bytes,
// group p holding for each output j of the block its four weights q[j][4p..4p+3].

/// Whether this CPU runs the int8 product natively (AVX512-VNNI). Without it the scalar reference runs,
/// which is slower than float: callers then keep float.
int ck_i8_native(void);

/// Bytes in the packed form of an n × k matrix; 0 if the shape is not supported.
size_t ck_i8_packed_count(size_t n, size_t k);

/// Quantises and packs W; `scales` and `sums` (Σ_p q[j][p]) get n values each.
void ck_i8_pack(const float *w, size_t n, size_t k, int8_t *packed, float *scales, int32_t *sums);

/// y (m × n) = x (m × k) · Wᵀ + bias (bias may be NULL). `scratch` holds m × k bytes and `row_scales` m
/// floats. Uses the native kernel when there is one, else the reference; both give the same integers,
/// so the same floats.
void ck_i8_gemm(const float *x, size_t m, size_t k, const int8_t *packed, const float *scales, const int32_t *sums, const float *bias,
                size_t n, float *y, uint8_t *scratch, float *row_scales);

/// The scalar reference of ck_i8_gemm.
void ck_i8_gemm_reference(const float *x, size_t m, size_t k, const int8_t *packed, const float *scales, const int32_t *sums,
                          const float *bias, size_t n, float *y, uint8_t *scratch, float *row_scales);

// 12-bit integer products in int16 lanes: as exact as float for the embedder (closer than bf16) at
// bf16's rate on any CPU with AVX512-VNNI, where many (Intel's Cascade Lake and Ice Lake) lack AVX512-BF16,
// and at twice float's multiply-add rate on AVX2 alone.
//
// W (n × k) is quantised once per output channel: scale[j] = max |W[j]| / 4095, q = round(W / scale[j]) in
// [-4095, 4095]; x per call and per row: s = max |x[i]| / 4095, u = round(x / s) in [-4095, 4095]. Then
//     y[i][j] = s[i] · scale[j] · Σ_blocks float(Σ_{p in block} u[i][p] · q[j][p]) + bias[j],
// each block of 128 inputs summed exactly in int32 (128 · 4095² < 2^31) by VPDPWSSD, the blocks in float.
//
// Packed layout, for each block of 32 outputs (n a multiple of 32, k even): k/2 groups of 64 int16,
// group p holding for each output j of the block its pair q[j][2p], q[j][2p+1].

/// Whether this CPU runs the 12-bit product natively: AVX512-VNNI's VPDPWSSD, or AVX2's VPMADDWD (the same
/// integers, half the rate: twice float's 8-lane FMA). Without either the scalar reference runs, which is
/// slower than float: callers then keep float. Follows the active kernel set (KURA_KERNELS).
int ck_i16_native(void);

/// Whether the 12-bit products run on AVX512-VNNI (the active kernel set is AVX-512 and the CPU has VNNI).
int ck_i16_vnni(void);

/// Values in the packed form of an n × k matrix; 0 if the shape is not supported.
size_t ck_i16_packed_count(size_t n, size_t k);

/// Quantises and packs W; `scales` gets n values.
void ck_i16_pack(const float *w, size_t n, size_t k, int16_t *packed, float *scales);

/// y (m × n) = x (m × k) · Wᵀ + bias (bias may be NULL). `scratch` holds m × k int16 and `row_scales` m
/// floats. Uses the native kernel when there is one, else the reference; both sum the same integers in
/// the same order, so give the same floats.
void ck_i16_gemm(const float *x, size_t m, size_t k, const int16_t *packed, const float *scales, const float *bias, size_t n, float *y,
                 int16_t *scratch, float *row_scales);

/// The scalar reference of ck_i16_gemm.
void ck_i16_gemm_reference(const float *x, size_t m, size_t k, const int16_t *packed, const float *scales, const float *bias, size_t n,
                           float *y, int16_t *scratch, float *row_scales);

#ifdef __cplusplus
}
#endif

#endif
