// 12-bit integer products in int16 lanes: quantisation, packing and the scalar reference; the AVX512-VNNI
// kernel is in gemm_i16_avx512.c, the AVX2 one in gemm_i16_avx2.c. See kura_gemm.h for the arithmetic and
// the layout.
#include "ck_internal.h"
#include "kura_gemm.h"
#include <math.h>
#include <string.h>

#define CK_NB 32
#define CK_I16_TOP 4095.0f

#if defined(__x86_64__)
void ck_i16_gemm_avx512(const int16_t *xq, size_t m, size_t k, const int16_t *packed, size_t n, float *y, const float *scales,
                        const float *bias, const float *row_scales);
void ck_i16_quantize_avx512(const float *x, size_t m, size_t k, int16_t *out, float *row_scales);
void ck_i16_gemm_avx2(const int16_t *xq, size_t m, size_t k, const int16_t *packed, size_t n, float *y, const float *scales,
                      const float *bias, const float *row_scales);
void ck_i16_quantize_avx2(const float *x, size_t m, size_t k, int16_t *out, float *row_scales);
#endif

// VPDPWSSD where the active kernel set is AVX-512 and the CPU has VNNI; else VPMADDWD where it is AVX2 or
// AVX-512 (KURA_KERNELS applies). Both give the reference's integers, so the choice never changes a result.
int ck_i16_vnni(void) {
#if defined(__x86_64__)
    return CK_AVX512_WITH("avx512vnni");
#else
    return 0;
#endif
}

static int i16_avx2(void) {
#if defined(__x86_64__)
    return ck_active()->isa == CK_ISA_AVX2 || ck_active()->isa == CK_ISA_AVX512;
#else
    return 0;
#endif
}

int ck_i16_native(void) { return ck_i16_vnni() || i16_avx2(); }

size_t ck_i16_packed_count(size_t n, size_t k) { return (n % CK_NB == 0 && k % 2 == 0 && n && k) ? n * k : 0; }

void ck_i16_pack(const float *w, size_t n, size_t k, int16_t *packed, float *scales) {
    for (size_t j = 0; j < n; j++) {
        float top = 0;
        for (size_t p = 0; p < k; p++) top = fmaxf(top, fabsf(w[j * k + p]));
        scales[j] = top > 0 ? top / CK_I16_TOP : 1.0f;
    }
    for (size_t nb = 0; nb < n; nb += CK_NB)
        for (size_t p = 0; p < k / 2; p++)
            for (size_t j = nb; j < nb + CK_NB; j++)
                for (size_t t = 0; t < 2; t++) {
                    float v = rintf(w[j * k + 2 * p + t] / scales[j]);
                    *packed++ = (int16_t)(v > CK_I16_TOP ? CK_I16_TOP : v < -CK_I16_TOP ? -CK_I16_TOP : v);
                }
}

// Each row to integers in [-4095, 4095] with its scale. A row of zeros (or of NaN) gets scale 0.
static void quantize_rows(const float *x, size_t m, size_t k, int16_t *out, float *row_scales) {
    for (size_t i = 0; i < m; i++) {
        const float *r = x + i * k;
        float top = 0;
        for (size_t p = 0; p < k; p++) top = fmaxf(top, fabsf(r[p]));
        float inv = top > 0 ? CK_I16_TOP / top : 0;
        row_scales[i] = top / CK_I16_TOP;
        for (size_t p = 0; p < k; p++) {
            float v = rintf(r[p] * inv);
            if (!(v == v)) v = -CK_I16_TOP;  // NaN, as the vector conversion clamps it
            out[i * k + p] = (int16_t)(v > CK_I16_TOP ? CK_I16_TOP : v < -CK_I16_TOP ? -CK_I16_TOP : v);
        }
    }
}

void ck_i16_gemm_reference(const float *x, size_t m, size_t k, const int16_t *packed, const float *scales, const float *bias, size_t n,
                           float *y, int16_t *scratch, float *row_scales) {
    quantize_rows(x, m, k, scratch, row_scales);
    for (size_t i = 0; i < m; i++)
        for (size_t col = 0; col < n; col++) {
            const int16_t *b = packed + (col / CK_NB) * k * CK_NB + (col % CK_NB) * 2;
            const int16_t *a = scratch + i * k;
            float total = 0;
            for (size_t p0 = 0; p0 < k; p0 += CK_I16_BLOCK) {  // exact in int32 within a block
                int32_t sum = 0;
                size_t end = p0 + CK_I16_BLOCK < k ? p0 + CK_I16_BLOCK : k;
                for (size_t p = p0; p < end; p += 2, b += 2 * CK_NB) sum += (int32_t)a[p] * b[0] + (int32_t)a[p + 1] * b[1];
                total += (float)sum;
            }
            float scaled = row_scales[i] * scales[col];
            scaled *= total;  // two statements: the vector finish multiplies, then adds, with no fused step
            y[i * n + col] = scaled + (bias ? bias[col] : 0.0f);
        }
}

void ck_i16_gemm(const float *x, size_t m, size_t k, const int16_t *packed, const float *scales, const float *bias, size_t n, float *y,
                 int16_t *scratch, float *row_scales) {
#if defined(__x86_64__)
    if (ck_i16_vnni()) {
        ck_i16_quantize_avx512(x, m, k, scratch, row_scales);
        ck_i16_gemm_avx512(scratch, m, k, packed, n, y, scales, bias, row_scales);
        return;
    }
    if (i16_avx2()) {
        ck_i16_quantize_avx2(x, m, k, scratch, row_scales);
        ck_i16_gemm_avx2(scratch, m, k, packed, n, y, scales, bias, row_scales);
        return;
    }
#endif
    ck_i16_gemm_reference(x, m, k, packed, scales, bias, n, y, scratch, row_scales);
}
