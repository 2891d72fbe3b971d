#!/usr/bin/env bash
# Fuzzing a live server, every surface: hand-made malformed requests; the numeric-extremes pass over every
# operation of /openapi.yaml (extremes.py); schemathesis generating requests from the document; Hypothesis
# over MCP (mcp_fuzz.py) and over chat completions against the fake model server, streaming and not
# (chat_fuzz.py); then, when STORM > 0, that many seeded random requests over every route from 4 threads
# (storm.py). Passes with no 5xx but a 502/503/504 naming the model server, every error and every JSON
# answer valid JSON, and the same server process alive at the end.
# Usage: fuzz.sh [EXAMPLES] [STORM]: EXAMPLES per schemathesis operation (10 in `make test`; MCP gets 20x,
# chat 10x as many Hypothesis examples); `make reliability` runs 200 and a storm of 100,000.
set -euo pipefail
source "$(dirname "$0")/common.sh"
examples=${1:-10}
storm=${2:-0}
requirements=Tests/Reliability/requirements.txt
py=$(venv "reliability-$(sha1sum "$requirements" | cut -c1-8)" -r "$requirements")/bin
python3 Tests/Fixtures/fake_openai.py --port 0 >"$work/llm.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q PORT "$work/llm.out" && break; sleep 0.1; done
start_kura --data-dir "$work/data" --embedder hash --embed-dimension 64 --inference-url "http://127.0.0.1:$(awk '/PORT/ {print $2}' "$work/llm.out")"
cd Tests/Reliability
"$py/python" malformed.py 127.0.0.1 "$port" 64 || fail "malformed requests"
"$py/python" extremes.py 127.0.0.1 "$port" 64 || fail "the numeric-extremes pass"
"$py/schemathesis" run "$base/openapi.yaml" --checks not_a_server_error --max-examples "$examples" --seed 7 \
  --request-timeout 30 --generation-database none --no-color >"$work/st.log" 2>&1 || {
  tail -80 "$work/st.log" >&2
  fail "schemathesis found a server error"
}
operations=$(grep -Eo "[0-9]+ passed" "$work/st.log" | head -1 || true)
cases=$(grep -Eo "[0-9]+ generated" "$work/st.log" | head -1 || true)
echo "{\"suite\": \"schemathesis\", \"examples_per_operation\": $examples, \"operations\": \"${operations:-?}\", \"test_cases\": \"${cases:-?}\", \"server_errors\": 0}"
"$py/python" mcp_fuzz.py 127.0.0.1 "$port" $((examples * 20)) || fail "MCP fuzzing"
"$py/python" chat_fuzz.py 127.0.0.1 "$port" $((examples * 10)) || fail "chat fuzzing"
if [ "$storm" -gt 0 ]; then "$py/python" storm.py 127.0.0.1 "$port" 64 "$storm" 4 || fail "the storm"; fi
curl -fsS "$base/healthz" >/dev/null || fail "the server died"
kill -0 "$kura_pid" || fail "the server exited"
echo "{\"suite\": \"fuzz\", \"server\": \"the same process alive throughout\"}"
