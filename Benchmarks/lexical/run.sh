#!/usr/bin/env bash
# Kura's lexical engine against Tantivy and bm25s on docs384's passages and dev query texts, one thread,
# back to back: writes $RESULTS/lexical-docs384.{jsonl,md}. Peers install into Benchmarks/.venv-lexical.
set -euo pipefail
cd "$(dirname "$0")/../.."
results=${RESULTS:-Benchmarks/results}
docs=${DOCS384:-../shared/datasets/docs384}
venv=Benchmarks/.venv-lexical
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import tantivy, bm25s, Stemmer' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check tantivy==0.27.0 bm25s==0.3.16 PyStemmer==3.1.0 numpy==2.4.6 scipy==1.17.1
fi
mkdir -p "$results"
top=$(mktemp)
trap 'rm -f "$top"' EXIT
out=$results/lexical-docs384.jsonl
cpu="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) vCPU, $(grep -m1 '^flags' /proc/cpuinfo | grep -ow 'avx2\|avx512f\|avx512bw' | sort -u | tr '\n' ' ')"
# Kura as it serves (a query's 16 rarest terms: a pasted passage), then with every term, as the peers search.
.build/release/kura bench lexical --passages "$docs/passages.jsonl.gz" --queries "$docs/dev.queries.jsonl" --json | tee "$out"
.build/release/kura bench lexical --passages "$docs/passages.jsonl.gz" --queries "$docs/dev.queries.jsonl" --max-terms 0 --top "$top" --json | tee -a "$out"
"$venv/bin/python" Benchmarks/lexical/peers.py "$docs/passages.jsonl.gz" "$docs/dev.queries.jsonl" --kura-top "$top" | tee -a "$out"
python3 - "$out" "$cpu" >"$results/lexical-docs384.md" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"Lexical top-10, docs384 (97,149 passages), 1,000 dev query texts, one thread, 3 runs; CPU: {sys.argv[2]}\n")
print("| engine | QPS median (range) | p50 µs | p99 µs | index build s | top-10 overlap with Kura (all terms) |")
print("|---|---|---|---|---|---|")
for r in rows:
    build = r.get("build_s", round(r.get("analyze_s", 0) + r.get("write_s", 0), 1))
    print(f"| {r['engine']} | {r['qps_median']:.0f} ({r['qps_min']:.0f}-{r['qps_best']:.0f}) | {r['p50_us']:.0f} | {r['p99_us']:.0f} | {build} | {r.get('overlap_with_kura', '-')} |")
PY
cat "$results/lexical-docs384.md"
