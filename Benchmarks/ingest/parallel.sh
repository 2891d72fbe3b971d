#!/usr/bin/env bash
# Bulk ingest of corpora/kubernetes three ways, measured in one run on this machine, each into a fresh data
# directory: one local `kura ingest` (all cores); one `--url` worker whose server embeds; WORKERS workers with
# `--shard I/WORKERS --embed-locally --threads CORES/WORKERS` against one server that only stores. Every way
# must end with the same number of documents and chunks. Writes Benchmarks/results/ingest-parallel.{jsonl,md}.
# Usage: Benchmarks/ingest/parallel.sh [WORKERS] [ROUNDS]   (defaults 2 and 3; needs a release build and the model)
set -euo pipefail
source "$(dirname "$0")/../../Tests/Reliability/common.sh"
workers=${1:-2}
rounds=${2:-3}
threads=$(( $(nproc) / workers > 0 ? $(nproc) / workers : 1 ))
out=Benchmarks/results
jsonl=$out/ingest-parallel.jsonl
: >"$jsonl"
ingest=(ingest corpora/kubernetes --glob '*/**' --collection k8s --json)
now() { date +%s.%N; }
# record WAY ROUND START END: the time, with the collection's counts as the running server reports them.
record() {
  local counts
  counts=$(curl -fsS "$base/v1/collections/k8s")
  python3 -c 'import json, sys
s = json.loads(sys.argv[5])["stats"]
print(json.dumps({"way": sys.argv[1], "round": int(sys.argv[2]), "seconds": float(sys.argv[4]) - float(sys.argv[3]),
                  "documents": s["documents"], "chunks": s["chunks"]}))' "$1" "$2" "$3" "$4" "$counts" >>"$jsonl"
}
stop_kura() { kill -TERM "$kura_pid" && wait "$kura_pid" 2>/dev/null || true; }
for round in $(seq "$rounds"); do
  t0=$(now)
  "$kura" "${ingest[@]}" --data-dir "$work/local-$round" >/dev/null
  t1=$(now)
  start_kura --data-dir "$work/local-$round" # only to read the counts as the other ways do
  record local "$round" "$t0" "$t1"
  stop_kura

  start_kura --data-dir "$work/server-$round"
  t0=$(now)
  "$kura" "${ingest[@]}" --url "$base" >/dev/null
  t1=$(now)
  record server-embeds "$round" "$t0" "$t1"
  stop_kura

  start_kura --data-dir "$work/workers-$round"
  t0=$(now)
  for i in $(seq 0 $((workers - 1))); do
    "$kura" "${ingest[@]}" --url "$base" --shard "$i/$workers" --embed-locally --threads "$threads" >"$work/worker$i.out" &
    pids+=($!)
  done
  for i in $(seq 0 $((workers - 1))); do wait "${pids[-1 - i]}"; done
  t1=$(now)
  record "$workers-workers-embed" "$round" "$t0" "$t1"
  stop_kura
done
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(grep -qm1 avx512f /proc/cpuinfo && echo with || echo without) AVX-512"
python3 - "$jsonl" "$cpu" "$workers" "$threads" >"$out/ingest-parallel.md" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ways = list(dict.fromkeys(r["way"] for r in rows))
counts = {(r["documents"], r["chunks"]) for r in rows}
assert len(counts) == 1, f"the ways loaded different collections: {counts}"
docs, chunks = counts.pop()
med = {w: statistics.median(r["seconds"] for r in rows if r["way"] == w) for w in ways}
print(f"# Bulk ingest of corpora/kubernetes ({docs} documents, {chunks} chunks)\n")
print(f"CPU: {sys.argv[2]}. {len([r for r in rows if r['way'] == ways[0]])} rounds of each way, interleaved; workers: {sys.argv[3]}, "
      f"{sys.argv[4]} embedding thread(s) each, all on this one machine.\n")
print("| way | median s | range s | chunks/s (median) | best chunks/s | ÷ local |\n|---|---|---|---|---|---|")
for w in ways:
    s = sorted(r["seconds"] for r in rows if r["way"] == w)
    print(f"| {w} | {med[w]:.1f} | {s[0]:.1f}–{s[-1]:.1f} | {chunks / med[w]:.1f} | {chunks / s[0]:.1f} | {med['local'] / med[w]:.2f} |")
PY
cat "$out/ingest-parallel.md"
