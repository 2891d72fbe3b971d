// NEON kernels for arm64 (ARMv8.0: FMA and f16 conversion are baseline there). Four lanes, two accumulators.
#if defined(__aarch64__)
#include "ck_internal.h"
#include <arm_neon.h>

static inline float32x4_t load_f32(const float *p) { return vld1q_f32(p); }
static inline float32x4_t load_f16(const uint16_t *p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
static inline float32x4_t load_i8(const int8_t *p) {
    int8x8_t b = vld1_s8(p); // reads 8 bytes; only used where i + 8 <= n
    return vcvtq_f32_s32(vmovl_s16(vget_low_s16(vmovl_s8(b))));
}

// The int8 loader reads eight bytes for four lanes, so its main loop stops four elements earlier.
#define DOT_BODY(L, TAIL, SLACK)                                                                \
    float32x4_t a0 = vdupq_n_f32(0), a1 = vdupq_n_f32(0);                                       \
    size_t i = 0;                                                                               \
    for (; i + 8 + SLACK <= n; i += 8) {                                                        \
        a0 = vfmaq_f32(a0, vld1q_f32(q + i), L(x + i));                                         \
        a1 = vfmaq_f32(a1, vld1q_f32(q + i + 4), L(x + i + 4));                                 \
    }                                                                                           \
    float s = vaddvq_f32(vaddq_f32(a0, a1));                                                    \
    for (; i < n; i++) s += q[i] * TAIL(i);

#define L2_BODY(L, TAIL, SLACK)                                                                 \
    float32x4_t a0 = vdupq_n_f32(0), a1 = vdupq_n_f32(0);                                       \
    size_t i = 0;                                                                               \
    for (; i + 8 + SLACK <= n; i += 8) {                                                        \
        float32x4_t d0 = vsubq_f32(vld1q_f32(q + i), L(x + i));                                 \
        float32x4_t d1 = vsubq_f32(vld1q_f32(q + i + 4), L(x + i + 4));                         \
        a0 = vfmaq_f32(a0, d0, d0);                                                             \
        a1 = vfmaq_f32(a1, d1, d1);                                                             \
    }                                                                                           \
    float s = vaddvq_f32(vaddq_f32(a0, a1));                                                    \
    for (; i < n; i++) {                                                                        \
        float d = q[i] - TAIL(i);                                                               \
        s += d * d;                                                                             \
    }

#define COS_BODY(L, TAIL, SLACK)                                                                \
    float32x4_t ad = vdupq_n_f32(0), aq = vdupq_n_f32(0), ax = vdupq_n_f32(0);                  \
    size_t i = 0;                                                                               \
    for (; i + 4 + SLACK <= n; i += 4) {                                                        \
        float32x4_t vq = vld1q_f32(q + i), vx = L(x + i);                                       \
        ad = vfmaq_f32(ad, vq, vx);                                                             \
        aq = vfmaq_f32(aq, vq, vq);                                                             \
        ax = vfmaq_f32(ax, vx, vx);                                                             \
    }                                                                                           \
    float d = vaddvq_f32(ad), qq = vaddvq_f32(aq), xx = vaddvq_f32(ax);                         \
    for (; i < n; i++) {                                                                        \
        float v = TAIL(i);                                                                      \
        d += q[i] * v;                                                                          \
        qq += q[i] * q[i];                                                                      \
        xx += v * v;                                                                            \
    }

#define F32_TAIL(i) x[i]
#define F16_TAIL(i) ck_half_to_float(x[i])
#define I8_TAIL(i) ((float)x[i])
#define I8S(p) vmulq_n_f32(load_i8(p), scale)
#define I8S_TAIL(i) ((float)x[i] * scale)

static float dot_f32_neon(const float *q, const float *x, size_t n) { DOT_BODY(load_f32, F32_TAIL, 0) return s; }
static float l2sq_f32_neon(const float *q, const float *x, size_t n) { L2_BODY(load_f32, F32_TAIL, 0) return s; }
static float cos_f32_neon(const float *q, const float *x, size_t n) {
    COS_BODY(load_f32, F32_TAIL, 0)
    return ck_cos_finish(d, qq, xx);
}
static float dot_f16_neon(const float *q, const uint16_t *x, size_t n) { DOT_BODY(load_f16, F16_TAIL, 0) return s; }
static float l2sq_f16_neon(const float *q, const uint16_t *x, size_t n) { L2_BODY(load_f16, F16_TAIL, 0) return s; }
static float cos_f16_neon(const float *q, const uint16_t *x, size_t n) {
    COS_BODY(load_f16, F16_TAIL, 0)
    return ck_cos_finish(d, qq, xx);
}
static float dot_i8q_neon(const void *prepared, const int8_t *x, float scale, size_t n) {
    const int16_t *q = ck_i8q_values(prepared);
    int32x4_t a0 = vdupq_n_s32(0), a1 = vdupq_n_s32(0);
    for (size_t i = 0; i < n; i += 16) { // zero query padding cancels the row bytes past n
        int8x16_t xv = vld1q_s8(x + i);
        int16x8_t xl = vmovl_s8(vget_low_s8(xv)), xh = vmovl_s8(vget_high_s8(xv));
        int16x8_t ql = vld1q_s16(q + i), qh = vld1q_s16(q + i + 8);
        a0 = vmlal_s16(a0, vget_low_s16(xl), vget_low_s16(ql));
        a1 = vmlal_high_s16(a1, xl, ql);
        a0 = vmlal_s16(a0, vget_low_s16(xh), vget_low_s16(qh));
        a1 = vmlal_high_s16(a1, xh, qh);
    }
    return ck_i8q_finish(vaddvq_s32(vaddq_s32(a0, a1)), prepared, scale);
}

static float dot_i8_neon(const float *q, const int8_t *x, float scale, size_t n) {
    DOT_BODY(load_i8, I8_TAIL, 4)
    return s * scale;
}
static float l2sq_i8_neon(const float *q, const int8_t *x, float scale, size_t n) {
    L2_BODY(I8S, I8S_TAIL, 4)
    return s;
}
static float cos_i8_neon(const float *q, const int8_t *x, float scale, size_t n) {
    (void)scale;
    COS_BODY(load_i8, I8_TAIL, 4)
    return ck_cos_finish(d, qq, xx);
}

CK_DEFINE_BATCHES(neon, )

const ck_kernels ck_neon_kernels = CK_TABLE(neon, CK_ISA_NEON, "neon");
#endif
