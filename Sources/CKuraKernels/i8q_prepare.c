// Prepares a float query for the int8 dot kernels that take it in int16 (see kura_kernels.h).
#include "ck_internal.h"

size_t ck_i8q_bytes(size_t n) { return CK_I8Q_HEADER + 2 * ck_i8q_padded(n); }

void ck_i8q_prepare(const float *q, size_t n, void *prepared) {
    size_t padded = ck_i8q_padded(n);
    float peak = 0.0f;
    for (size_t i = 0; i < n; i++) peak = fmaxf(peak, fabsf(q[i]));
    // |Σ q16·x| ≤ padded · 128 · limit must stay below 2^31. In integers: 2^31 - 1 is not a float, and
    // rounding it up would allow exactly the overflow.
    uint64_t bound = 2147483647ull / (128ull * (padded ? padded : 1));
    float limit = (float)(bound < 32767 ? bound : 32767);
    float s = peak > 0.0f ? limit / peak : 0.0f;
    int16_t *v = (int16_t *)((char *)prepared + CK_I8Q_HEADER);
    for (size_t i = 0; i < n; i++) {
        float r = rintf(q[i] * s);
        v[i] = (int16_t)(r > limit ? limit : (r < -limit ? -limit : r));
    }
    for (size_t i = n; i < padded; i++) v[i] = 0;
    *(float *)prepared = s > 0.0f ? 1.0f / s : 0.0f;
}
