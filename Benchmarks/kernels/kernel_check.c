// Cross-architecture check of the C kernels: every kernel set this CPU (or emulator) offers against the
// scalar reference, bit-exact on integer-valued data for every dimension 1..1024, as the Swift tests do on
// the build machine; and the embedder's 12-bit product in the active set (AVX512-VNNI, AVX2 or the
// reference itself) bit-exact against its reference. `check.sh` runs it natively, with each forced set, under valgrind (a CPU without AVX-512) and under qemu for arm64.
#include "kura_gemm.h"
#include "kura_kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long s = 1;
static int rnd(int lo, int hi) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + (int)((s >> 33) % (unsigned long long)(hi - lo + 1));
}

int main(void) {
    const ck_kernels *sc = ck_kernels_for(CK_ISA_SCALAR);
    int failures = 0, sets = 0;
    for (int isa = CK_ISA_AVX2; isa <= CK_ISA_NEON; isa++) {
        const ck_kernels *k = ck_kernels_for((ck_isa)isa);
        if (!k) continue;
        sets++;
        for (size_t n = 1; n <= 1024; n++) {
            float q[1024], x[1024];
            uint16_t h[1024];
            int8_t b[1024];
            for (size_t i = 0; i < n; i++) {
                q[i] = (float)rnd(-8, 8);
                x[i] = (float)rnd(-8, 8);
                b[i] = (int8_t)rnd(-100, 100);
            }
            ck_f32_to_f16(x, h, n);
#define SAME(expr_k, expr_s, what) if ((expr_k) != (expr_s)) { failures++; printf("%s %s n=%zu\n", k->name, what, n); }
            SAME(k->dot_f32(q, x, n), sc->dot_f32(q, x, n), "dot_f32")
            SAME(k->l2sq_f32(q, x, n), sc->l2sq_f32(q, x, n), "l2sq_f32")
            SAME(k->cos_f32(q, x, n), sc->cos_f32(q, x, n), "cos_f32")
            SAME(k->dot_f16(q, h, n), sc->dot_f16(q, h, n), "dot_f16")
            SAME(k->l2sq_f16(q, h, n), sc->l2sq_f16(q, h, n), "l2sq_f16")
            SAME(k->cos_f16(q, h, n), sc->cos_f16(q, h, n), "cos_f16")
            SAME(k->dot_i8(q, b, 0.5f, n), sc->dot_i8(q, b, 0.5f, n), "dot_i8")
            SAME(k->l2sq_i8(q, b, 0.5f, n), sc->l2sq_i8(q, b, 0.5f, n), "l2sq_i8")
            SAME(k->cos_i8(q, b, 0.5f, n), sc->cos_i8(q, b, 0.5f, n), "cos_i8")
        }
    }
    static float x[200 * 1536], w[64 * 1536], y[200 * 64], yr[200 * 64], bias[64], scales[64], rows[200];
    static int16_t packed[64 * 1536], scratch[200 * 1536];
    size_t shapes[][3] = {{1, 2, 32}, {5, 36, 64}, {13, 384, 32}, {97, 200, 64}, {200, 1536, 64}};
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        size_t m = shapes[t][0], k = shapes[t][1], n = shapes[t][2];
        for (size_t i = 0; i < m * k; i++) x[i] = (float)rnd(-3000, 3000) / 997.0f;
        for (size_t i = 0; i < n * k; i++) w[i] = (float)rnd(-1000, 1000) / 1009.0f;
        for (size_t j = 0; j < n; j++) bias[j] = (float)j / 8;
        ck_i16_pack(w, n, k, packed, scales);
        ck_i16_gemm(x, m, k, packed, scales, bias, n, y, scratch, rows);
        ck_i16_gemm_reference(x, m, k, packed, scales, bias, n, yr, scratch, rows);
        if (memcmp(y, yr, m * n * sizeof(float)) != 0) {
            failures++;
            printf("12-bit product (%s) differs from its reference at %zu x %zu x %zu\n", ck_i16_vnni() ? "VNNI" : ck_i16_native() ? "AVX2" : "reference", m, k, n);
        }
    }
    const char *want = getenv("KURA_KERNELS");
    if (want && *want && strcmp(want, ck_active()->name) != 0) {
        failures++;
        printf("KURA_KERNELS=%s but %s is active\n", want, ck_active()->name);
    }
    printf("active %s (12-bit product: %s), %d SIMD set(s) checked, %d failure(s)\n", ck_active()->name,
           ck_i16_vnni() ? "VNNI" : ck_i16_native() ? "AVX2" : "reference", sets, failures);
    return failures || !sets ? 1 : 0;
}
