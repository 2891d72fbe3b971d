#!/usr/bin/env bash
# Fuzzing a live server: hand-made malformed requests (bad JSON, wrong dimension, NaN/Inf, a 100 MB body,
# invalid UTF-8, unknown collections, path traversal), then schemathesis generating requests from
# /openapi.yaml. Passes with 0 5xx answers and the server still alive. Usage: fuzz.sh [EXAMPLES] (default 10
# per operation, the short form in `make test`; releases run 200).
set -euo pipefail
source "$(dirname "$0")/common.sh"
examples=${1:-10}
st=$(venv fuzz schemathesis==4.32.5)
python3 Tests/Fixtures/fake_openai.py --port 0 >"$work/llm.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q PORT "$work/llm.out" && break; sleep 0.1; done
start_kura --data-dir "$work/data" --embedder hash --embed-dimension 64 --inference-url "http://127.0.0.1:$(awk '/PORT/ {print $2}' "$work/llm.out")"
python3 Tests/Reliability/malformed.py 127.0.0.1 "$port" 64 || fail "malformed requests"
"$st/bin/schemathesis" run "$base/openapi.yaml" --checks not_a_server_error --max-examples "$examples" --seed 7 \
  --request-timeout 30 --generation-database none --no-color >"$work/st.log" 2>&1 || {
  tail -80 "$work/st.log" >&2
  fail "schemathesis found a server error"
}
operations=$(grep -Eo "[0-9]+ passed" "$work/st.log" | head -1 || true)
cases=$(grep -Eo "[0-9]+ generated" "$work/st.log" | head -1 || true)
curl -fsS "$base/healthz" >/dev/null || fail "the server died"
kill -0 "$kura_pid" || fail "the server exited"
echo "{\"suite\": \"schemathesis\", \"examples_per_operation\": $examples, \"operations\": \"${operations:-?}\", \"test_cases\": \"${cases:-?}\", \"server_errors\": 0, \"alive\": true}"
