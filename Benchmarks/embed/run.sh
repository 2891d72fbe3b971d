#!/usr/bin/env bash
# The native embedder against the numpy reference (../shared/tools/minilm_ref.py) on the same passages,
# one thread each, measured in one run; then Kura on 2 threads, agreement of the two sets of vectors,
# and end-to-end `kura ingest` of corpora/kubernetes. Writes Benchmarks/results/$NAME.{jsonl,md} (NAME defaults to embed-minilm).
# Usage: Benchmarks/embed/run.sh [PASSAGES]   (default 400 passages of shared/quality/pydocs)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-400}
SHARED=${SHARED:-$(cd ../shared && pwd)}
MODEL=${KURA_MODEL_DIR:-models/all-MiniLM-L6-v2}
out=Benchmarks/results
name=${NAME:-embed-minilm}
venv=Benchmarks/.venv
mkdir -p "$out"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import numpy, scipy, tokenizers, safetensors, onnx, onnxruntime" 2>/dev/null ||
  "$venv/bin/pip" install -q numpy scipy tokenizers safetensors onnx onnxruntime
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 -c "import gzip, itertools, sys; sys.stdout.writelines(itertools.islice(gzip.open(sys.argv[1], 'rt'), int(sys.argv[2])))" \
  "$SHARED/quality/pydocs/chunks.jsonl.gz" "$N" > "$dir/passages.jsonl"
kura=.build/release/kura
: > "$out/$name.jsonl"
MINILM_DIR="$MODEL" "$venv/bin/python" "$SHARED/tools/minilm_ref.py" < "$dir/passages.jsonl" > "$dir/ref.jsonl" 2>/dev/null
for round in 1 2; do
  # onnxruntime on an ONNX graph built from the safetensors, float and dynamically quantised int8, 1 thread.
  OMP_NUM_THREADS=1 "$venv/bin/python" Benchmarks/embed/onnx_peer.py "$MODEL" "$dir/passages.jsonl" "$dir/ref.jsonl" "$dir" 2>/dev/null |
    python3 -c "import json,sys; [print(json.dumps(dict(json.loads(l), round=$round))) for l in sys.stdin]" >> "$out/$name.jsonl"
  OPENBLAS_NUM_THREADS=1 MINILM_DIR="$MODEL" "$venv/bin/python" "$SHARED/tools/minilm_ref.py" --no-output \
    < "$dir/passages.jsonl" 2> "$dir/ref.txt"
  python3 - "$dir/ref.txt" "$round" >> "$out/$name.jsonl" <<'PY'
import json, re, sys
m = re.search(r"(\d+) texts, (\d+) tokens in ([\d.]+) s", open(sys.argv[1]).read())
n, tok, s = int(m[1]), int(m[2]), float(m[3])
print(json.dumps({"embedder": "numpy-reference", "threads": 1, "round": int(sys.argv[2]), "passages": n, "tokens": tok,
                  "seconds": s, "tokens_per_s": tok / s}))
PY
  # The default precision (the fastest that agrees with float, measured at start) on 1 and 2 threads, float on 1, binary16 on 1
  # where the CPU has AVX512-FP16, int8 on 1 where it has AVX512-VNNI, 12-bit integers on 1 where it has AVX2.
  runs=("1 " "2 " "1 f32")
  grep -qw avx512_fp16 /proc/cpuinfo && runs+=("1 f16")
  grep -qw avx512_vnni /proc/cpuinfo && runs+=("1 int8")
  grep -qw avx2 /proc/cpuinfo && runs+=("1 int16")
  for run in "${runs[@]}"; do
    set -- $run
    KURA_MINILM_PRECISION=${2:-} $kura bench embed --input "$dir/passages.jsonl" --threads "$1" --json |
      python3 -c "import json,sys; r=json.loads(sys.stdin.read()); r['round']=$round; r['asked']='${2:-default}'; print(json.dumps(r))" >> "$out/$name.jsonl"
  done
done
# Agreement: Kura's vectors against the reference's on every passage, in the default precision and in the integer ones.
for precision in default int8 int16; do
  [ $precision = int8 ] && ! grep -qw avx512_vnni /proc/cpuinfo && continue
  [ $precision = int16 ] && ! grep -qw avx2 /proc/cpuinfo && continue
  KURA_MINILM_PRECISION=${precision#default} $kura embed --threads 2 < "$dir/passages.jsonl" > "$dir/kura.jsonl"
  "$venv/bin/python" - "$dir/kura.jsonl" "$dir/ref.jsonl" $precision >> "$out/$name.jsonl" <<'PY'
import json, sys, numpy as np
a = np.array([json.loads(l)["embedding"] for l in open(sys.argv[1])])
b = np.array([json.loads(l)["embedding"] for l in open(sys.argv[2])])
cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
print(json.dumps({"agreement": True, "asked": sys.argv[3], "passages": len(a), "min_cosine": float(cos.min()), "mean_cosine": float(cos.mean()),
                  "max_abs_diff": float(np.abs(a - b).max())}))
PY
done
# End to end: the Kubernetes corpus with the native embedder, into a fresh data directory.
$kura ingest corpora/kubernetes --glob '*/**' --collection k8s --data-dir "$dir/data" --json | tail -n 1 |
  python3 -c "import json,sys; r=json.loads(sys.stdin.read()); r['ingest']='corpora/kubernetes'; print(json.dumps(r))" >> "$out/$name.jsonl"
cpu="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) vCPU, $(grep -m1 '^flags' /proc/cpuinfo | grep -ow 'avx2\|avx512f\|avx512_bf16\|avx512_fp16\|avx512_vnni\|avx_vnni\|amx_int8' | sort -u | tr '\n' ' ')"
python3 - "$out/$name.jsonl" "$cpu" > "$out/$name.md" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
runs = [r for r in rows if "tokens_per_s" in r]
def best(name, t, asked="default"):
    # A run asked for float is told apart by what was asked: where the CPU has no AVX512-BF16 the default is float too.
    mine = [r for r in runs if r["embedder"].startswith(name) and r["threads"] == t and r.get("asked", "default") == asked]
    return max(mine, key=lambda r: r["tokens_per_s"])
ref, k1f, k1, k2 = best("numpy", 1), best("minilm", 1, "f32"), best("minilm", 1), best("minilm", 2)
k1i = [best("minilm", 1, "int8")] if any(r.get("asked") == "int8" for r in runs) else []
k1h = [best("minilm", 1, "f16")] if any(r.get("asked") == "f16" for r in runs) else []
k1w = [best("minilm", 1, "int16")] if any(r.get("asked") == "int16" for r in runs) else []
ort = [best(e, 1) for e in ("onnxruntime-f32", "onnxruntime-int8") if any(r["embedder"] == e for r in runs)]
agreements = [r for r in rows if r.get("agreement")]
ing = next(r for r in rows if r.get("ingest"))
print(f"# Native MiniLM embedder ({ref['passages']} pydocs passages, {ref['tokens']} tokens; best of 2 rounds)\n")
print(f"CPU: {sys.argv[2]}\n")
print("| embedder | asked | precision | threads | tokens/s | passages/s | ÷ numpy reference (1 thread) |\n|---|---|---|---|---|---|---|")
for r in [ref] + ort + [k1f, k1, k2] + k1h + k1i + k1w:
    print(f"| {r['embedder']} | {r.get('asked', '-')} | {r.get('precision', 'int8' if r['embedder'].endswith('int8') else 'f32')} | {r['threads']} | {r['tokens_per_s']:.0f} | {r['passages'] / r['seconds']:.1f} | {r['tokens_per_s'] / ref['tokens_per_s']:.2f} |")
print(f"\n- 2 threads ÷ 1 thread: {k2['tokens_per_s'] / k1['tokens_per_s']:.2f}")
for o in ort:
    print(f"- Kura's default ÷ {o['embedder']} per thread: {k1['tokens_per_s'] / o['tokens_per_s']:.2f}"
          + (f"; Kura int8 ÷ {o['embedder']}: {k1i[0]['tokens_per_s'] / o['tokens_per_s']:.2f}" if k1i else "")
          + (f"; Kura int16 ÷ {o['embedder']}: {k1w[0]['tokens_per_s'] / o['tokens_per_s']:.2f}" if k1w else "")
          + f" ({o['embedder']}'s cosine to the reference: mean {o['mean_cosine']:.5f}, min {o['min_cosine']:.5f})")
if k1.get("precision_reason"):
    print(f"- the default's precision, measured at start: {k1['precision']} ({k1['precision_reason']})")
for agree in agreements:
    print(f"- agreement with the reference over {agree['passages']} passages, {agree.get('asked', 'default')}: min cosine {agree['min_cosine']:.7f}, "
          f"mean {agree.get('mean_cosine', float('nan')):.7f}, max |diff| {agree['max_abs_diff']:.2e}")
print(f"- `kura ingest corpora/kubernetes` (2 threads): {ing['files']} files, {ing['chunks']} chunks, {ing['tokens']} tokens in {ing['seconds']:.1f} s: "
      f"{ing['chunks'] / ing['seconds']:.1f} chunks/s, {ing['tokens'] / ing['seconds']:.0f} tokens/s; embedding {100 * ing['embed_seconds'] / ing['seconds']:.1f}% of the time")
PY
cat "$out/$name.md"
