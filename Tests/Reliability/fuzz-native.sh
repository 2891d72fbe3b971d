#!/usr/bin/env bash
# libFuzzer with AddressSanitizer over the tokenizer, the chunker, the segment reader, the analyzers and the document
# loaders (ZIP, XML, PDF), seeded with real documents and a real segment file. Usage: fuzz-native.sh [SECONDS per target] (default 20, the short form in
# `make test`; releases run 600). A crash leaves its input under .build-fuzz/crashes/ and fails the run.
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=${1:-20}
export LSAN_OPTIONS=suppressions=$root/Tests/Reliability/lsan.supp
export KURA_FUZZ=1 KURA_MODEL_DIR=${KURA_MODEL_DIR:-$root/models/all-MiniLM-L6-v2}
flags=(-c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
for t in FuzzTokenizer FuzzChunker FuzzSegment FuzzAnalyzer FuzzDocument; do swift build "${flags[@]}" --product "$t" >"$work/build-$t.log" 2>&1 || {
  tail -30 "$work/build-$t.log" >&2
  fail "building $t"
}; done
bin=$(swift build "${flags[@]}" --show-bin-path)

# Seeds: a few documents of the Kubernetes corpus, and a sealed segment of a small collection.
mkdir -p "$work/text" "$work/seg" "$work/docs" .build-fuzz/crashes
cp Tests/KuraIngestTests/Documents/*.{pdf,docx,pptx,odt,odp,epub} "$work/docs/"
# sed reads the whole list: with pipefail, head closing the pipe early could fail the run with SIGPIPE.
find corpora/kubernetes -type f -name '*.txt' | sort | sed -n '1,20p' | while read -r f; do head -c 4000 "$f" >"$work/text/$(basename "$f")"; done
printf '# Title\n\nSome *markdown* with `code`.\n\n## Section\n\nText.\n' >"$work/text/seed.md"
# Japanese man pages (mixed with English identifiers), and Chinese and Korean lines, for the analyzers.
python3 -c 'import gzip, json, sys; [open(f"{sys.argv[2]}/ja{i}.txt", "w").write(json.loads(l)["text"][:4000]) for i, l in zip(range(5), gzip.open(sys.argv[1]))]' \
  "$root/../shared/quality/manpages-ja/corpus.jsonl.gz" "$work/text"
printf '我们的数据库支持全文检索。\n한국어 검색 엔진을 테스트합니다.\nＦｕｌｌ－ｗｉｄｔｈ ｶﾀｶﾅ\n' >"$work/text/cjk.txt"
"$kura" collections create s --dimension 8 --data-dir "$work/data" >/dev/null
python3 -c 'import json; [print(json.dumps({"id": f"d{i}", "text": f"t{i}", "vector": [((i * 7 + j) % 11) / 10 - 0.5 for j in range(8)]})) for i in range(40)]' >"$work/v.jsonl"
"$kura" ingest "$work/v.jsonl" --vectors --collection s --data-dir "$work/data" >/dev/null
"$kura" compact --collection s --data-dir "$work/data" >/dev/null
find "$work/data/segments" -type f -exec cp {} "$work/seg/" \;

run() {
  local target=$1 seeds=$2
  mkdir -p "$work/corpus-$target"
  "$bin/$target" "$work/corpus-$target" "$seeds" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536 \
    -artifact_prefix=.build-fuzz/crashes/ -print_final_stats=1 >"$work/$target.log" 2>&1 || {
    tail -40 "$work/$target.log" >&2
    fail "$target found a crash (input saved under .build-fuzz/crashes/)"
  }
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$work/$target.log")
  echo "{\"suite\": \"libfuzzer\", \"target\": \"$target\", \"seconds\": $seconds, \"runs\": ${runs:-0}, \"crashes\": 0}"
}
# FUZZ_TARGETS picks some of them (a rerun after a fix).
for t in ${FUZZ_TARGETS:-FuzzTokenizer FuzzChunker FuzzSegment FuzzAnalyzer FuzzDocument}; do
  case $t in FuzzSegment) run "$t" "$work/seg" ;; FuzzDocument) run "$t" "$work/docs" ;; *) run "$t" "$work/text" ;; esac
done
