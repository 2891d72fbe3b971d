// f32 <-> IEEE binary16 conversion. Scalar on purpose: it runs once per vector at insert or load time,
// and a bit-exact software rounding keeps stored f16 identical on every CPU.
#include "ck_internal.h"

static uint16_t float_to_half(float f) {
    uint32_t x;
    __builtin_memcpy(&x, &f, 4);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    uint32_t exp = (x >> 23) & 0xffu;
    uint32_t man = x & 0x7fffffu;
    if (exp == 0xff) return sign | 0x7c00u | (man ? (uint16_t)(0x200u | (man >> 13)) : 0); // inf / NaN
    int e = (int)exp - 127 + 15;
    if (e >= 0x1f) return sign | 0x7c00u; // overflow to infinity
    if (e <= 0) {                         // subnormal or zero
        if (e < -10) return sign;
        man |= 0x800000u;
        uint32_t shift = (uint32_t)(14 - e);
        uint32_t half = man >> shift;
        uint32_t rem = man & ((1u << shift) - 1u);
        uint32_t mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1u))) half++;
        return sign | (uint16_t)half;
    }
    uint32_t half = ((uint32_t)e << 10) | (man >> 13);
    uint32_t rem = man & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) half++; // may carry into the exponent: correct
    return sign | (uint16_t)half;
}

void ck_f32_to_f16(const float *src, uint16_t *dst, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = float_to_half(src[i]);
}

void ck_f16_to_f32(const uint16_t *src, float *dst, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = ck_half_to_float(src[i]);
}
