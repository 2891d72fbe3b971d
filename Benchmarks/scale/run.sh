#!/usr/bin/env bash
# make bench-scale: Kura against hnswlib and usearch (f32, bf16, i8) at 1M vectors, built on 2 threads and
# queried on 1, in one run; Kura's queries read its saved segment through mmap, its resident pages split
# into anonymous and file. SCALE="1m 10m" adds Kura alone at 10M: 10M upserts into a collection (sealed every
# 50k), compacted, then its one segment searched inside 8 GiB and 4 GiB memory cgroups (SCALE=10m runs only that).
# Data comes from ../shared/datasets/scale/make.py into data/scale/ (ignored by git; 1M is 0.8 GB, 10M 7.7 GB).
# Writes Benchmarks/results/scale-1m.{md,svg}, store-1m.jsonl, store-10m.jsonl, scale-10m-limits.jsonl and the
# JSON lines beside them. At 10M the disk needs about 70 GB: base 7.7, sealed segments 21, the merge's rows 15 and
# the compacted segment 21.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-$(cd ../shared && pwd)}
data=${DATA:-data/scale}
out=${RESULTS:-Benchmarks/results}
venv=Benchmarks/.venv
kura=${KURA:-.build/release/kura} # KURA=a copy, so that builds during a long run leave it alone
efs=${EF:-10,16,24,32,48,64,96,128,192,256}
mkdir -p "$out" "$data"
Benchmarks/peers/run.sh --help > /dev/null # creates the venv with numpy and the peers

dataset() { # N DIR [BLOCK]: makes the set once; the block size is part of what the seed draws
  # (blocks of 250k rows keep make.py near 6 GB at 10M; 1M-row blocks peak above 20 GB there)
  [ -f "$2/gt.ivecs" ] || "$venv/bin/python" "$SHARED/datasets/scale/make.py" "$1" "$2" ${3:+--block "$3"}
}

kura_run() { # NAME DIR [LIMIT]: build on 2 threads and save, then search the mapped segment on 1 thread
  local name=$1 dir=$2 limit=${3:-}
  local files=(--queries "$dir/queries.fvecs" --truth "$dir/gt.ivecs")
  # a segment from an earlier run is kept unless REBUILD=1
  if [ "${REBUILD:-0}" = 1 ] || [ ! -f "$dir/kura.kseg" ] || [ ! -f "$out/$name-kura-build.jsonl" ]; then
    $kura bench ann --base "$dir/base.f16.npy" "${files[@]}" --threads 2 --save "$dir/kura.kseg" --ef 64 --json |
      tee "$out/$name-kura-build.jsonl"
  fi
  $kura bench ann --load "$dir/kura.kseg" "${files[@]}" --threads 1 --ef "$efs" --json ${limit:+--memory-limit "$limit"} |
    tee "$out/$name-kura-search.jsonl"
  # one file in the shape peers.py reads: the 2-thread build, then the 1-thread points and memory
  { head -1 "$out/$name-kura-build.jsonl"; tail -n +2 "$out/$name-kura-search.jsonl"; } > "$out/$name-kura.jsonl"
}

limits() { # LIMIT...: Kura's 1M segment searched inside memory cgroups, appended to scale-1m.md
  : > "$out/scale-1m-limits.jsonl"
  for limit in "$@"; do
    $kura bench ann --load "$data/1m/kura.kseg" --queries "$data/1m/queries.fvecs" --truth "$data/1m/gt.ivecs" --threads 1 \
      --ef 32,64,128,192 --memory-limit "$limit" --json | sed "s/^{/{\"limit\":\"$limit\",/" >> "$out/scale-1m-limits.jsonl"
  done
  python3 - "$out/scale-1m-limits.jsonl" >> "$out/scale-1m.md" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("\n## Under a memory limit (the 1M segment, 2.1 GB, searched inside a cgroup; 1 thread)\n")
print("| limit | ef | recall@10 | QPS | p50 µs | p99 µs |\n|---|---|---|---|---|---|")
for r in rows:
    if "ef" in r:
        print(f"| {r['limit']} | {r['ef']} | {r['recall']:.4f} | {r['qps']:.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} |")
print("\n| limit | cgroup peak MB | anonymous MB | file MB |\n|---|---|---|---|")
for r in rows:
    if "cgroup_peak" in r:
        print(f"| {r['limit']} | {r['cgroup_peak'] / 1e6:.0f} | {r['cgroup_anon'] / 1e6:.0f} | {r['cgroup_file'] / 1e6:.0f} |")
PY
}

scale_1m() {
  dataset 1000000 "$data/1m"
  kura_run scale-1m "$data/1m"
  Benchmarks/peers/run.sh --base "$data/1m/base.f16.npy" --queries "$data/1m/queries.fvecs" --truth "$data/1m/gt.ivecs" \
    --threads 1 --build-threads 2 --ef "$efs" --libs hnswlib,usearch,usearch-bf16,usearch-i8 \
    --kura-json "$out/scale-1m-kura.jsonl" --out "$out" --name scale-1m
  limits ${LIMITS:-1Gi 768Mi 512Mi} # the 1M segment under pod limits below its size (2.1 GB)
  { echo; echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"; } >> "$out/scale-1m.md"
  # Building as a collection: 1M upserts sealed every 50k rows, opened, searched, compacted; anonymous memory peaks.
  store_run 1m
}

store_run() { # SIZE: upserts into a fresh collection, open, search, compaction; the data directory is kept
  rm -rf "$data/store-$1"
  $kura bench store --base "$data/$1/base.f16.npy" --queries "$data/$1/queries.fvecs" --truth "$data/$1/gt.ivecs" \
    --data-dir "$data/store-$1" --rounds 1 --no-memory-peer | tee "$out/store-$1.jsonl"
}

monitor() { # DIR LOG: every minute, the anonymous memory of Kura's processes, free disk, the 10M store's segment files
  while sleep 60; do
    local anon=0 pid
    for pid in $(pgrep -f "bench (store|ann)"); do
      anon=$((anon + $(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
    done
    echo "$(date +%T) anonKB=$anon diskfree=$(df -h --output=avail "$1" | tail -1 | tr -d ' ')" \
      "segments=$(find "$1/store-10m" -name '*.kseg' 2>/dev/null | wc -l)" >> "$2"
  done
}

scale_10m() {
  dataset 10000000 "$data/10m" 250000
  monitor "$data" "$out/scale-10m-monitor.log" &
  local watcher=$!
  trap "kill $watcher 2>/dev/null" EXIT # expanded now: the local is gone when the script exits
  store_run 10m
  local segment
  segment=$(ls "$data"/store-10m/round-0/segments/*/*.kseg)
  : > "$out/scale-10m-limits.jsonl"
  limit_run() { # LIMIT EFS RESCORE: the compacted segment searched inside a memory cgroup, re-scoring RESCORE f32 rows per result
    # a collection numbers its chunks from 1, the ground truth its rows from 0; a limit that thrashes is stopped after
    # LIMIT_S seconds and says so
    local s=${LIMIT_S:-900} rc=0
    timeout "$s" $kura bench ann --load "$segment" --queries "$data/10m/queries.fvecs" --truth "$data/10m/gt.ivecs" --truth-offset 1 \
      --threads 1 --ef "$2" --rescore "$3" --memory-limit "$1" --json | sed "s/^{/{\"limit\":\"$1\",\"rescore\":$3,/" >> "$out/scale-10m-limits.jsonl" ||
      rc=${PIPESTATUS[0]}
    [ "$rc" = 124 ] && echo "{\"limit\":\"$1\",\"rescore\":$3,\"stopped_after_s\":$s,\"note\":\"not finished at ef $2\"}" >> "$out/scale-10m-limits.jsonl"
    [ "$rc" = 0 ] || [ "$rc" = 124 ] || { echo "bench ann under $1 failed ($rc)" >&2; exit "$rc"; }
  }
  # 8 GiB holds the int8 copy and graph (5.2 GB at 10M) with room for re-scored rows; 4 GiB does not, so there
  # every hop may fault and one ef point is run. At 10M the true neighbours lie close together and int8 order
  # among them is noisy, so more f32 re-scoring is measured too.
  limit_run 8Gi "${EF_10M:-64,128,192,256,384,512}" 2
  limit_run 8Gi "${EF_10M_RESCORE:-128,256,512}" 8
  limit_run 4Gi "${EF_10M_4GI:-256}" 2
  "$venv/bin/python" Benchmarks/scale/report_10m.py "$out"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$data/store-10m" # KEEP=1 keeps the collection (about 40 GB)
}

for size in ${SCALE:-1m}; do "scale_$size"; done
