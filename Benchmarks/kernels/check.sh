#!/usr/bin/env bash
# Checks the C kernels beyond this CPU: natively, with each KURA_KERNELS value, under valgrind (whose
# virtual CPU has no AVX-512: the dispatcher must fall back to AVX2 without SIGILL), and for arm64 under
# qemu, where the NEON kernels are compared bit-exactly with the scalar reference. Installs what it needs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../Sources/CKuraKernels"
need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}"; fi
out=$(mktemp -d)
# gcc fuses a multiply and an add across statements by default; the references are written, as clang
# (the build's compiler) compiles them, with no fused step between statements.
nofuse=-ffp-contract=off
trap 'rm -rf "$out"' EXIT
cc -O2 $nofuse -I"$src/include" -I"$src" "$src"/*.c "$here/kernel_check.c" -lm -o "$out/native"
echo "native:";             "$out/native"
for isa in scalar avx2 avx512; do echo "KURA_KERNELS=$isa:"; KURA_KERNELS=$isa "$out/native"; done
echo "valgrind (no AVX-512):"; valgrind -q "$out/native"
aarch64-linux-gnu-gcc -O2 $nofuse -march=armv8-a+crc -I"$src/include" -I"$src" "$src"/*.c "$here/kernel_check.c" -lm -o "$out/arm64"
echo "arm64 under qemu:";   qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/arm64"
