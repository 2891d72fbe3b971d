#!/usr/bin/env bash
# Store benchmark on docs384: ingest into a fresh collection, open time (against hnswlib loading the same
# index), and search on the sealed and compacted collection against an in-memory index. Writes
# Benchmarks/results/store-docs384.{jsonl,md}.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${DOCS384:-$(cd ../shared/datasets/docs384 && pwd)}
out=Benchmarks/results
mkdir -p "$out"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
.build/release/kura bench store --base "$D/base.f16.npy" --queries "$D/dev.queries.fvecs" --truth "$D/dev.gt.ivecs" \
  --data-dir "$dir/data" | tee "$out/store-docs384.jsonl"
Benchmarks/peers/run.sh --one hnswlib-load --base "$D/base.f16.npy" --queries "$D/dev.queries.fvecs" --truth "$D/dev.gt.ivecs" \
  --threads 2 | tee -a "$out/store-docs384.jsonl"
python3 - "$out/store-docs384.jsonl" > "$out/store-docs384.md" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
get = lambda **kw: next(r for r in rows if all(r.get(k) == v for k, v in kw.items()))
ing, op, hl = get(phase="ingest"), get(phase="open"), get(lib="hnswlib-load")
mem = get(phase="search", index="memory")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
print(f"# Store benchmark: docs384 (97,149 × 384), M=16, ef_construction=200, 2 cores of {cpu}\n")
print(f"- ingest, pre-embedded, batches of {ing['batch']}, growing graph included: **{ing['vectors_per_s']:.0f} vectors/s** "
      f"({ing['seconds']:.1f} s; median of {ing['rounds']} fresh collections, {ing['min_vectors_per_s']:.0f}–{ing['max_vectors_per_s']:.0f})")
print(f"- open the sealed collection ({op['segments']} segments, {op['vectors']} vectors): **{op['ms_median']:.1f} ms** median; "
      f"hnswlib load_index of the same data: {hl['load_ms_median']:.0f} ms ({hl['load_ms_median'] / op['ms_median']:.0f}× slower)")
print("\n| index | segments | ef | recall@10 | QPS | p50 µs | p99 µs | QPS ÷ in-memory |\n|---|---|---|---|---|---|---|---|")
for label in ("sealed", "compacted", "memory"):
    r = get(phase="search", index=label)
    print(f"| {label} | {r.get('segments', 0)} | {r['ef']} | {r['recall']:.4f} | {r['qps']:.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} | {r['qps'] / mem['qps']:.2f} |")
PY
cat "$out/store-docs384.md"
