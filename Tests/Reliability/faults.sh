#!/usr/bin/env bash
# Faults around a live server: the embedding server slow, down, failing with 500, answering garbage or the
# wrong dimension; the inference server down; the disk full (a small tmpfs, disk-full.sh). Each write must fail with a clear
# JSON error and leave nothing half-written, and the server must keep serving reads. The disk-full case is
# disk-full.sh.
set -euo pipefail
source "$(dirname "$0")/common.sh"

start_fake() {
  python3 Tests/Fixtures/fake_openai.py --port "${1:-0}" --dim 16 >"$work/llm.out" 2>&1 &
  fake_pid=$!
  pids+=($fake_pid)
  for _ in $(seq 100); do grep -q PORT "$work/llm.out" && break; sleep 0.1; done
  fake_port=$(awk '/PORT/ {print $2}' "$work/llm.out")
}
expect_error() {
  [ "$status" = "$1" ] || fail "$2: expected $1, got $status: $body"
  python3 -c 'import json, sys; m = json.loads(sys.argv[1])["error"]["message"]; assert m, m' "$body" || fail "$2: no JSON error message: $body"
}
doc() { echo "{\"documents\": [{\"id\": \"$1\", \"text\": \"$2\"}]}"; }
fault() { curl -fsS "http://127.0.0.1:$fake_port/fault" --data "{\"fault\": \"$1\"}" >/dev/null; }
documents() { req GET /v1/collections/c && python3 -c 'import json, sys; print(json.loads(sys.argv[1])["stats"]["documents"])' "$body"; }
vector_query() { req POST /v1/collections/c/query "{\"vector\": [$(python3 -c 'print(",".join(["0.25"] * 16))')], \"k\": 5}"; }

start_fake
start_kura --data-dir "$work/data" --embedder openai --embed-url "http://127.0.0.1:$fake_port" --embed-model m \
  --inference-url "http://127.0.0.1:$fake_port"
req POST /v1/collections '{"name": "c"}'
req POST /v1/collections/c/documents "$(doc a 'kubectl drain evicts pods')"
expect_status 200 "a healthy upsert"
checks=0
for f in "fail500:1000" "fail429:1000" "garbage" "dim:5" "short" "bad400"; do
  fault "$f"
  req POST /v1/collections/c/documents "$(doc "b-$f" 'a service gives pods an address')"
  expect_error 502 "upsert with the embedder answering $f"
  [ "$(documents)" = 1 ] || fail "a failed upsert ($f) wrote something"
  vector_query
  expect_status 200 "a vector query while the embedder answers $f"
  checks=$((checks + 1))
done
fault "delay:2"
started=$(date +%s.%N)
req POST /v1/collections/c/documents "$(doc slow 'slow but fine')"
expect_status 200 "a slow embedder"
fault ""

# The embedding server down, then back on the same port.
{ kill -9 "$fake_pid" && wait "$fake_pid"; } 2>/dev/null || true
req POST /v1/collections/c/documents "$(doc down 'nobody embeds this')"
expect_error 502 "upsert with the embedder down"
vector_query
expect_status 200 "a vector query with the embedder down"
req POST /v1/chat/completions '{"model": "m", "messages": [{"role": "user", "content": "hi"}]}'
expect_error 502 "chat with the inference server down"
start_fake "$fake_port"
req POST /v1/collections/c/documents "$(doc back 'the embedder is back')"
expect_status 200 "upsert once the embedder is back"
[ "$(documents)" = 3 ] || fail "expected 3 documents (a, slow, back), got $(documents)"
checks=$((checks + 4))
echo "{\"suite\": \"faults\", \"embedder_faults\": $checks, \"result\": \"clear 502s, nothing half-written, reads served\"}"

# Disk full, in a script of its own: it may need a mount namespace.
{ kill -9 "$kura_pid" && wait "$kura_pid"; } 2>/dev/null || true
Tests/Reliability/disk-full.sh
