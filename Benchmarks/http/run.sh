#!/usr/bin/env bash
# HTTP query throughput on docs384 (97,149 chunks, 384 dimensions): wrk at $CONNS connections against Kura's
# POST /v1/collections/docs/query with vector queries, then text queries (embedded by the server), and against
# Chroma's server (`chroma run`) with the same vectors and k. Recall@10 of both is measured first, so the speed
# is compared at known quality. Writes Benchmarks/results/$NAME.{jsonl,md} (NAME defaults to http-query).
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${DOCS384:-$(cd ../shared/datasets/docs384 && pwd)}
CONNS=${CONNS:-32}
DURATION=${DURATION:-20s}
THREADS=${WRK_THREADS:-2}
work=${WORK:-$(mktemp -d)}
venv=${CHROMA_VENV:-.build/chroma-venv}
kura=.build/release/kura
out=Benchmarks/results
name=${NAME:-http-query}
mkdir -p "$out"
pids=()
# Servers run in their own process groups (set -m), so stopping one stops its workers too.
set -m
stop() { kill -9 -- "-$1" 2>/dev/null || kill -9 "$1" 2>/dev/null || true; }
# Chroma's CLI leaves its server behind when only the CLI is killed; anything serving this run's data goes too.
trap 'for p in "${pids[@]}"; do stop "$p"; done; pkill -9 -f "chroma run --path $work/chroma" 2>/dev/null || true' EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; exit 1; }
# bench LABEL BODIES URL: a 3 s warm-up, then the measured run; one JSON line.
bench() {
  BODIES=$2 wrk -t"$THREADS" -c"$CONNS" -d3s --timeout 30s -s Benchmarks/http/bodies.lua "$3" >/dev/null
  BODIES=$2 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 30s -s Benchmarks/http/bodies.lua "$3" | tail -1 |
    python3 -c 'import json, sys; r = json.loads(sys.stdin.read()); r.update(label=sys.argv[1], connections=int(sys.argv[2])); print(json.dumps(r))' "$1" "$CONNS"
}

# memory LIB PID: peak RSS, and the RSS now split into anonymous memory and mapped files (the catalog and
# segments are memory-mapped, so their pages count in RSS while the page cache holds them).
memory() {
  local hwm=0 anon=0 file=0
  for p in $2 $(pgrep -P "$2" || true); do
    hwm=$((hwm + $(awk '/VmHWM/ {print $2}' /proc/$p/status)))
    anon=$((anon + $(awk '/RssAnon/ {print $2}' /proc/$p/status)))
    file=$((file + $(awk '/RssFile/ {print $2}' /proc/$p/status)))
  done
  echo "{\"lib\": \"$1\", \"phase\": \"memory\", \"peak_rss_mb\": $((hwm / 1024)), \"anon_mb\": $((anon / 1024)), \"file_mb\": $((file / 1024))}"
}

if ! "$venv/bin/python" -c 'import chromadb, numpy' 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install --quiet chromadb numpy
fi
[ -f "$work/kura-question.bodies" ] || "$venv/bin/python" Benchmarks/http/prepare.py "$D" "$work"
{
  # Kura: pre-embedded records, compacted into one sealed segment.
  if [ ! -d "$work/kura" ]; then
    "$kura" collections create docs --dimension 384 --metric cosine --data-dir "$work/kura" >/dev/null
    "$kura" ingest "$work/records.jsonl" --vectors --collection docs --data-dir "$work/kura" >/dev/null
    "$kura" compact --collection docs --data-dir "$work/kura" >/dev/null
  fi
  port=$(free_port)
  "$kura" serve --host 127.0.0.1 --port "$port" --data-dir "$work/kura" >"$work/kura.log" 2>&1 &
  pids+=($!)
  wait_up "http://127.0.0.1:$port/readyz"
  url=http://127.0.0.1:$port/v1/collections/docs/query
  "$venv/bin/python" Benchmarks/http/recall.py kura "$url" "$work/kura-vector.bodies" "$D"
  bench kura-vector "$work/kura-vector.bodies" "$url"
  bench kura-question "$work/kura-question.bodies" "$url"
  python3 -c 'import json, sys; [print(json.dumps(dict(json.loads(l), mode="dense"))) for l in open(sys.argv[1])]' \
    "$work/kura-question.bodies" >"$work/kura-question-dense.bodies"
  bench kura-question-dense "$work/kura-question-dense.bodies" "$url"
  python3 -c 'import json, sys; [print(json.dumps(dict(json.loads(l), mode="lexical"))) for l in open(sys.argv[1])]' \
    "$work/kura-question.bodies" >"$work/kura-question-lexical.bodies"
  bench kura-question-lexical "$work/kura-question-lexical.bodies" "$url"
  bench kura-passage "$work/kura-text.bodies" "$url"
  # Hybrid's own cost: the questions with their vectors given, so nothing is embedded.
  python3 -c 'import json, sys; [print(json.dumps(dict(json.loads(q), vector=json.loads(v)["vector"], mode="hybrid"))) for q, v in zip(open(sys.argv[1]), open(sys.argv[2]))]' \
    "$work/kura-question.bodies" "$work/kura-vector.bodies" >"$work/kura-hybrid-vector.bodies"
  bench kura-hybrid-vector "$work/kura-hybrid-vector.bodies" "$url"
  # Dense and hybrid text alternately, $ALTERNATE times each, so their ratio is read over runs of one build.
  for run in $(seq "${ALTERNATE:-3}"); do
    bench "kura-question-dense-run$run" "$work/kura-question-dense.bodies" "$url"
    bench "kura-question-run$run" "$work/kura-question.bodies" "$url"
  done
  memory kura "${pids[-1]}"
  stop "${pids[-1]}"

  # Chroma: the same records and vectors, cosine HNSW with its defaults.
  port=$(free_port)
  rm -rf "$work/chroma"
  "$venv/bin/chroma" run --path "$work/chroma" --host 127.0.0.1 --port "$port" >"$work/chroma.log" 2>&1 &
  pids+=($!)
  wait_up "http://127.0.0.1:$port/api/v2/heartbeat"
  path=$("$venv/bin/python" Benchmarks/http/chroma_load.py 127.0.0.1 "$port" "$work/records.jsonl")
  url=http://127.0.0.1:$port$path
  "$venv/bin/python" Benchmarks/http/recall.py chroma "$url" "$work/chroma-vector.bodies" "$D"
  bench chroma-vector "$work/chroma-vector.bodies" "$url"
  memory chroma "${pids[-1]}"
} | tee "$out/$name.jsonl"

cpu="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(grep -q avx512f /proc/cpuinfo && echo with || echo without) AVX-512"
python3 - "$out/$name.jsonl" "$CONNS" "$("$venv/bin/python" -c 'import chromadb; print(chromadb.__version__)')" "$cpu" >"$out/$name.md" <<'PY'
import json, sys
chroma_version = sys.argv[3]
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
get = lambda **kw: next(r for r in rows if all(r.get(k) == v for k, v in kw.items()))
kv, kq, kd, kl, kp, cv = (get(label=l) for l in ("kura-vector", "kura-question", "kura-question-dense", "kura-question-lexical", "kura-passage", "chroma-vector"))
rk, rc = get(lib="kura", phase="recall"), get(lib="chroma", phase="recall")
print(f"# HTTP query throughput: docs384 (97,149 chunks × 384), k=10, wrk at {sys.argv[2]} connections, 2 cores shared by server and wrk\n")
print(f"CPU: {sys.argv[4]}.\n")
print("| server | queries | recall@10 | requests/s | p50 ms | p99 ms | errors | ÷ Chroma |\n|---|---|---|---|---|---|---|---|")
kinds = {id(kv): "vector", id(kq): "text, 12 words, hybrid (embedded by the server)", id(kd): "text, 12 words, dense (embedded by the server)", id(kl): "text, 12 words, lexical (BM25)",
         id(kp): "text, the whole passage (40-200 words), hybrid", id(cv): "vector"}
for name, r, rec in (("Kura", kv, rk["recall@10"]), ("Kura", kq, None), ("Kura", kd, None), ("Kura", kl, None), ("Kura", kp, None), ("Chroma " + chroma_version, cv, rc["recall@10"])):
    kind = kinds[id(r)]
    print(f"| {name} | {kind} | {rec if rec is not None else '-'} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors'] + r['non2xx']} | {r['rps'] / cv['rps']:.1f}× |")
kh = next((r for r in rows if r.get("label") == "kura-hybrid-vector"), None)
if kh:
    print(f"| Kura | 12 words and their vector, hybrid (nothing embedded: hybrid's own cost) | - | {kh['rps']:.0f} | {kh['p50_ms']:.2f} | {kh['p99_ms']:.2f} | {kh['errors'] + kh['non2xx']} | {kh['rps'] / cv['rps']:.1f}× |")
runs = lambda prefix: sorted(r["rps"] for r in rows if r.get("label", "").startswith(prefix + "-run"))
dense_runs, hybrid_runs = runs("kura-question-dense"), runs("kura-question")
if dense_runs and hybrid_runs:
    median = lambda v: v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2
    p99 = lambda prefix: sorted(r["p99_ms"] for r in rows if r.get("label", "").startswith(prefix + "-run"))
    print(f"\nDense and hybrid text queries alternately, {len(dense_runs)} runs each: dense median {median(dense_runs):.1f} req/s "
          f"({dense_runs[0]:.1f}–{dense_runs[-1]:.1f}, p99 {p99('kura-question-dense')[0]:.0f}–{p99('kura-question-dense')[-1]:.0f} ms); "
          f"hybrid median {median(hybrid_runs):.1f} ({hybrid_runs[0]:.1f}–{hybrid_runs[-1]:.1f}, p99 {p99('kura-question')[0]:.0f}–{p99('kura-question')[-1]:.0f} ms); "
          f"hybrid ÷ dense of the medians {median(hybrid_runs) / median(dense_runs):.2f}.")
mk, mc = get(lib="kura", phase="memory"), get(lib="chroma", phase="memory")
print(f"\nMemory after the runs: Kura {mk['anon_mb']} MB anonymous + {mk['file_mb']} MB of mapped files (peak RSS {mk['peak_rss_mb']} MB); "
      f"Chroma {mc['anon_mb']} MB anonymous + {mc['file_mb']} MB mapped (peak RSS {mc['peak_rss_mb']} MB). Chroma does not embed on the server, "
      "so text queries are Kura only. Text queries that arrive together are embedded in one forward pass (the coalescer). "
      "A hybrid text query is a dense one (most of its time is the embedder's) plus a BM25 top-30 over the segment's postings (run on another thread while the query waits in the embedder's queue) "
      f"and the fusion's read of its candidates' documents (from the segments' postings; the catalog only for documents of several chunks); hybrid ÷ dense text: {kq['rps'] / kd['rps']:.2f}.")
PY
cat "$out/$name.md"
