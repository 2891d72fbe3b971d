// Picks the kernel set once, when the library loads, from what the CPU reports.
#include "ck_internal.h"
#include <stdlib.h>
#include <string.h>

static const ck_kernels *g_active = &ck_scalar_kernels;

static int cpu_has(ck_isa isa) {
    switch (isa) {
    case CK_ISA_SCALAR:
        return 1;
#if defined(__x86_64__)
    case CK_ISA_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    case CK_ISA_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && cpu_has(CK_ISA_AVX2);
#endif
#if defined(__aarch64__)
    case CK_ISA_NEON:
        return 1;
#endif
    default:
        return 0;
    }
}

const ck_kernels *ck_kernels_for(ck_isa isa) {
    if (!cpu_has(isa)) return NULL;
    switch (isa) {
    case CK_ISA_SCALAR:
        return &ck_scalar_kernels;
#if defined(__x86_64__)
    case CK_ISA_AVX2:
        return &ck_avx2_kernels;
    case CK_ISA_AVX512:
        return &ck_avx512_kernels;
#endif
#if defined(__aarch64__)
    case CK_ISA_NEON:
        return &ck_neon_kernels;
#endif
    default:
        return NULL;
    }
}

const ck_kernels *ck_active(void) { return g_active; }

int ck_select(ck_isa isa) {
    const ck_kernels *k = ck_kernels_for(isa);
    if (!k) return -1;
    g_active = k;
    return 0;
}

int ck_isa_named(const char *name) {
    if (!name) return -1;
    if (strcmp(name, "scalar") == 0) return CK_ISA_SCALAR;
    if (strcmp(name, "avx2") == 0) return CK_ISA_AVX2;
    if (strcmp(name, "avx512") == 0) return CK_ISA_AVX512;
    if (strcmp(name, "neon") == 0) return CK_ISA_NEON;
    return -1;
}

int ck_select_name(const char *name) {
    if (name && *name) {
        int isa = ck_isa_named(name);
        if (isa >= 0 && ck_select((ck_isa)isa) == 0) return 0;
        ck_select(CK_ISA_SCALAR);
        return -1;
    }
    if (ck_select(CK_ISA_AVX512) == 0 || ck_select(CK_ISA_AVX2) == 0 || ck_select(CK_ISA_NEON) == 0) return 0;
    return ck_select(CK_ISA_SCALAR);
}

__attribute__((constructor)) static void ck_init(void) { ck_select_name(getenv("KURA_KERNELS")); }

void ck_prefetch(const void *p, size_t bytes) {
    const char *c = (const char *)p;
    for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(c + off, 0, 3);
}
