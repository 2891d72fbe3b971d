// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by iSCSI, ext4 and many storage formats.
// SSE4.2 / ARMv8 CRC instructions when present, a byte table otherwise; both give the same values.
#include "ck_internal.h"

static uint32_t table[256];

__attribute__((constructor)) static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc_sw(uint32_t crc, const uint8_t *p, size_t len) {
    for (size_t i = 0; i < len; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("sse4.2"))) static uint32_t crc_hw(uint32_t crc, const uint8_t *p, size_t len) {
    uint64_t c = crc;
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t v;
        __builtin_memcpy(&v, p, 8);
        c = _mm_crc32_u64(c, v);
    }
    uint32_t c32 = (uint32_t)c;
    for (; len > 0; p++, len--) c32 = _mm_crc32_u8(c32, *p);
    return c32;
}
static int has_hw(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}
#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#include <arm_acle.h>
static uint32_t crc_hw(uint32_t crc, const uint8_t *p, size_t len) {
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t v;
        __builtin_memcpy(&v, p, 8);
        crc = __crc32cd(crc, v);
    }
    for (; len > 0; p++, len--) crc = __crc32cb(crc, *p);
    return crc;
}
static int has_hw(void) { return 1; }
#else
static uint32_t crc_hw(uint32_t crc, const uint8_t *p, size_t len) { return crc_sw(crc, p, len); }
static int has_hw(void) { return 0; }
#endif

uint32_t ck_crc32c(uint32_t crc, const void *data, size_t len) {
    static int hw = -1;
    if (hw < 0) hw = has_hw();
    crc = ~crc;
    crc = hw ? crc_hw(crc, (const uint8_t *)data, len) : crc_sw(crc, (const uint8_t *)data, len);
    return ~crc;
}
