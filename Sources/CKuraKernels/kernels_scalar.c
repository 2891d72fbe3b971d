// Scalar reference kernels: the oracle every SIMD kernel is tested against, and the fallback on any CPU.
#include "ck_internal.h"

static float dot_f32_scalar(const float *q, const float *x, size_t n) {
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) s += q[i] * x[i];
    return s;
}

static float l2sq_f32_scalar(const float *q, const float *x, size_t n) {
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float d = q[i] - x[i];
        s += d * d;
    }
    return s;
}

static float cos_f32_scalar(const float *q, const float *x, size_t n) {
    float d = 0.0f, qq = 0.0f, xx = 0.0f;
    for (size_t i = 0; i < n; i++) {
        d += q[i] * x[i];
        qq += q[i] * q[i];
        xx += x[i] * x[i];
    }
    return ck_cos_finish(d, qq, xx);
}

static float dot_f16_scalar(const float *q, const uint16_t *x, size_t n) {
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) s += q[i] * ck_half_to_float(x[i]);
    return s;
}

static float l2sq_f16_scalar(const float *q, const uint16_t *x, size_t n) {
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float d = q[i] - ck_half_to_float(x[i]);
        s += d * d;
    }
    return s;
}

static float cos_f16_scalar(const float *q, const uint16_t *x, size_t n) {
    float d = 0.0f, qq = 0.0f, xx = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float v = ck_half_to_float(x[i]);
        d += q[i] * v;
        qq += q[i] * q[i];
        xx += v * v;
    }
    return ck_cos_finish(d, qq, xx);
}

static float dot_i8_scalar(const float *q, const int8_t *x, float scale, size_t n) {
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) s += q[i] * (float)x[i];
    return s * scale;
}

static float dot_i8q_scalar(const void *prepared, const int8_t *x, float scale, size_t n) {
    const int16_t *q = ck_i8q_values(prepared);
    int32_t s = 0;
    for (size_t i = 0; i < n; i++) s += (int32_t)q[i] * (int32_t)x[i];
    return ck_i8q_finish(s, prepared, scale);
}

static float l2sq_i8_scalar(const float *q, const int8_t *x, float scale, size_t n) {
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float d = q[i] - (float)x[i] * scale;
        s += d * d;
    }
    return s;
}

static float cos_i8_scalar(const float *q, const int8_t *x, float scale, size_t n) {
    // The scale cancels in a cosine (for scale > 0), so it is computed on the raw integers.
    (void)scale;
    float d = 0.0f, qq = 0.0f, xx = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float v = (float)x[i];
        d += q[i] * v;
        qq += q[i] * q[i];
        xx += v * v;
    }
    return ck_cos_finish(d, qq, xx);
}

CK_DEFINE_BATCHES(scalar, )

const ck_kernels ck_scalar_kernels = CK_TABLE(scalar, CK_ISA_SCALAR, "scalar");
