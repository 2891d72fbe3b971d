// Distance kernels for Kura: f32 vectors, and stored f16 / int8 vectors against an f32 query.
//
// One implementation per instruction set (scalar, AVX2+FMA+F16C, AVX-512 F/BW/VL, NEON), each in its own
// file and compiled with per-function target attributes, so the library itself needs no global -m flags.
// The best set the CPU supports is chosen once, at load time; KURA_KERNELS=scalar|avx2|avx512|neon forces
// one (falling back to scalar if the CPU lacks it).
//
// Conventions: `n` is the dimension; `dot` is the inner product, `l2sq` the squared Euclidean distance,
// `cos` the cosine similarity (0 when either vector is zero). int8 vectors are dequantised as
// x[i] * scale. f16 values are IEEE 754 binary16 bit patterns.
#ifndef KURA_KERNELS_H
#define KURA_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "kura_gemm.h"
#include "kura_nn.h"
#include "kura_spin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ck_isa { CK_ISA_SCALAR = 0, CK_ISA_AVX2 = 1, CK_ISA_AVX512 = 2, CK_ISA_NEON = 3 } ck_isa;

typedef float (*ck_f32_fn)(const float *q, const float *x, size_t n);
typedef float (*ck_f16_fn)(const float *q, const uint16_t *x, size_t n);
typedef float (*ck_i8_fn)(const float *q, const int8_t *x, float scale, size_t n);
/// An int8 dot product against a query prepared by ck_i8q_prepare (see there).
typedef float (*ck_i8q_fn)(const void *prepared, const int8_t *x, float scale, size_t n);

/// Distances from one query to `count` stored rows picked by `ids`: row r starts at
/// base + r * stride_bytes; `scales` holds one scale per row for int8 storage (NULL otherwise).
/// Prefetches upcoming rows while it computes, which is why it exists: graph search visits rows
/// in random order and is bound by memory latency.
typedef void (*ck_batch_fn)(const float *q, const void *base, size_t stride_bytes, const float *scales,
                            const uint32_t *ids, size_t count, size_t n, float *out);

typedef struct ck_kernels {
    ck_isa isa;
    const char *name;
    ck_f32_fn dot_f32, l2sq_f32, cos_f32;
    ck_f16_fn dot_f16, l2sq_f16, cos_f16;
    ck_i8_fn dot_i8, l2sq_i8, cos_i8;
    ck_batch_fn dot_f32_batch, l2sq_f32_batch;
    ck_batch_fn dot_f16_batch, l2sq_f16_batch;
    ck_batch_fn dot_i8_batch, l2sq_i8_batch;
    /// The int8 dot product with the query prepared in int16: the sum is exact integer arithmetic, one
    /// widening and one multiply-add per lane instead of a conversion and an FMA per float. Its batch
    /// form takes the prepared query where the others take `q`. Rows are read in whole 32-byte steps,
    /// so each must be readable up to n rounded up to 32 (stored rows are 64-byte strided).
    ck_i8q_fn dot_i8q;
    ck_batch_fn dot_i8q_batch;
} ck_kernels;

/// Bytes of a prepared query of dimension n (64-byte aligned buffers).
size_t ck_i8q_bytes(size_t n);
/// Prepares `q` for the i8q kernels: a float 1/s (bytes 0-3), then from byte 64 the values round(q·s) as
/// int16, zero-padded to a multiple of 32, with s chosen so the largest is ±32767 or less, small enough
/// that no int32 sum of products with int8 rows can overflow. The product is then
/// (float)Σ q16·x · (1/s) · scale.
void ck_i8q_prepare(const float *q, size_t n, void *prepared);

/// The kernels chosen at start-up.
const ck_kernels *ck_active(void);
/// The kernels of one instruction set, or NULL when not compiled in or not supported by this CPU.
const ck_kernels *ck_kernels_for(ck_isa isa);
/// Makes `isa` the active set; returns 0, or -1 when it is not available (nothing changes).
int ck_select(ck_isa isa);

/// Selects by name (`scalar`, `avx2`, `avx512`, `neon`), or the best the CPU has when `name` is NULL or
/// empty. An unknown or unsupported name selects scalar and returns -1; otherwise returns 0.
/// This is what `KURA_KERNELS` does at start-up.
int ck_select_name(const char *name);
/// The instruction set with this name, or -1.
int ck_isa_named(const char *name);

/// Conversions between f32 and IEEE binary16 (round to nearest even, with NaN and infinity kept).
void ck_f32_to_f16(const float *src, uint16_t *dst, size_t n);
void ck_f16_to_f32(const uint16_t *src, float *dst, size_t n);

/// Hints the CPU to load `bytes` starting at `p` into cache.
void ck_prefetch(const void *p, size_t bytes);

/// The same for the three cache lines from `p`, inlined where it is called: a search prefetches a
/// candidate's adjacency list (up to 48 ids) when it queues it, long before it expands it, and the head
/// of each unvisited neighbour's row as it finds it.
static inline void ck_prefetch3(const void *p) {
    __builtin_prefetch(p, 0, 3);
    __builtin_prefetch((const char *)p + 64, 0, 3);
    __builtin_prefetch((const char *)p + 128, 0, 3);
}

/// The same for the one cache line holding `p`.
static inline void ck_prefetch1(const void *p) { __builtin_prefetch(p, 0, 3); }

/// CRC-32C (Castagnoli), hardware accelerated where SSE4.2 / ARMv8 CRC is present.
/// Pass 0 as `crc` to start; feed the result back in to continue over more data.
uint32_t ck_crc32c(uint32_t crc, const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
