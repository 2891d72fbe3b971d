#!/usr/bin/env bash
# Kura's API driven by real clients on a live server, with no mock of Kura: curl through the KAITO flow
# (index -> list -> retrieve -> chat -> delete), the openai package (embeddings, chat plain and streaming),
# the mcp package (tools), the Kubeflow pipeline's steps, then graceful shutdown: SIGTERM while a slow chat is in flight.
# The LLM is Tests/Fixtures/fake_openai.py on loopback. Needs a release build and the MiniLM model.
set -euo pipefail
source "$(dirname "$0")/../Reliability/common.sh"
py=$(venv clients -r Tests/Clients/requirements.txt)/bin/python

python3 Tests/Fixtures/fake_openai.py --port 0 >"$work/llm.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q PORT "$work/llm.out" && break; sleep 0.1; done
llm_port=$(awk '/PORT/ {print $2}' "$work/llm.out")
[ -n "$llm_port" ] || fail "the fake LLM did not start"
start_kura --data-dir "$work/data" --inference-url "http://127.0.0.1:$llm_port"

# call METHOD PATH [BODY]: prints the body, fails on a non-2xx status.
call() {
  local out status
  out=$(curl -sS -X "$1" "$base$2" -H 'Content-Type: application/json' ${3:+--data "$3"} -w '\n%{http_code}')
  status=${out##*$'\n'}
  [[ $status == 2* ]] || fail "$1 $2 -> $status: ${out%$'\n'*}"
  printf '%s' "${out%$'\n'*}"
}
# expect JSON PYTHON-EXPRESSION: the expression, over the parsed JSON `j`, must hold.
expect() { python3 -c 'import json, sys; j = json.loads(sys.argv[1]); assert eval(sys.argv[2]), j' "$1" "$2" || fail "expected $2"; }

# The KAITO flow, with curl.
docs='{"index_name": "k8s", "documents": [
  {"text": "To drain a node before maintenance, run kubectl drain NODE; it evicts the pods safely.", "metadata": {"kind": "task"}},
  {"text": "A Service gives a set of pods one stable virtual IP address and DNS name.", "metadata": {"kind": "concept"}},
  {"text": "A ConfigMap holds configuration data as key-value pairs for pods to read.", "metadata": {"kind": "concept"}}]}'
out=$(call POST /index "$docs")
expect "$out" 'len(j) == 3 and all(len(d["doc_id"]) == 64 for d in j)'
drain_id=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])[0]["doc_id"])' "$out")
expect "$(call GET /indexes)" 'j == ["k8s"]'
expect "$(call GET '/indexes/k8s/documents?limit=2')" 'j["count"] == 2 and j["total_items"] == 3'
out=$(call POST /retrieve '{"index_name": "k8s", "query": "how do I drain a node", "max_node_count": 2}')
expect "$out" "j['count'] == 2 and j['results'][0]['doc_id'] == '$drain_id' and j['results'][0]['score'] >= j['results'][1]['score']"
out=$(call POST /retrieve '{"index_name": "k8s", "query": "pods", "metadata_filter": {"kind": "concept"}}')
expect "$out" 'j["count"] == 2 and all(r["metadata"]["kind"] == "concept" for r in j["results"])'
out=$(call POST /v1/chat/completions '{"index_name": "k8s", "model": "fake-model", "messages": [{"role": "user", "content": "How do I drain a node?"}]}')
expect "$out" "j['choices'][0]['message']['content'].startswith('echo') and j['source_nodes'][0]['doc_id'] == '$drain_id'"
echo "curl: KAITO index, indexes, documents, retrieve (filtered), chat ok"

"$py" Tests/Clients/openai_client.py "$base" k8s || fail "openai client"
"$py" Tests/Clients/mcp_client.py "$base/mcp" k8s || fail "mcp client"

# The Kubeflow pipeline as compiled (deploy/kubeflow), its steps run here with this kura: ingest pydocs, verify,
# bench quality. The hash embedder keeps it quick: the flow and the lexical scores are what is checked.
kfp_py=$(venv kfp -r deploy/kubeflow/requirements.txt)/bin/python
gunzip -c "$root/../shared/quality/pydocs/corpus.jsonl.gz" >"$work/pydocs.jsonl"
PATH="$(dirname "$kura"):$PATH" KURA_EMBEDDER=hash "$kfp_py" Tests/Clients/kubeflow_local.py deploy/kubeflow/kura-pipeline.yaml "$work/kfp" \
  "$work/pydocs.jsonl" "$root/../shared/quality/pydocs/queries.jsonl" "$root/../shared/quality/pydocs/qrels.tsv" || fail "the Kubeflow pipeline's steps"

out=$(call POST /indexes/k8s/documents/delete "{\"doc_ids\": [\"$drain_id\"]}")
expect "$out" "j['deleted_doc_ids'] == ['$drain_id']"
expect "$(call DELETE /indexes/k8s)" '"k8s" in j["message"]'
expect "$(call GET /indexes)" 'j == []'
echo "curl: KAITO delete documents, delete index ok"

# `kura ingest --url`: files loaded here, chunked and embedded by the server; a re-run changes nothing; a bad
# key is refused with a one-line error and a non-zero exit.
mkdir -p "$work/docs"
cp corpora/kubernetes/kubectl-man/kubectl-drain.1.txt corpora/kubernetes/kubectl-man/kubectl-cordon.1.txt "$work/docs/"
printf '# Taints\n\n## NoSchedule\n\nA NoSchedule taint keeps new pods off a node.\n' >"$work/docs/taints.md"
out=$("$kura" ingest "$work/docs" --url "$base" --collection remote --json | tail -1)
expect "$out" 'j["event"] == "done" and j["written"] == 3 and j["failed_files"] == 0'
out=$("$kura" ingest "$work/docs" --url "$base" --collection remote --json | tail -1)
expect "$out" 'j["written"] == 0 and j["unchanged"] == 3'
out=$(call POST /v1/collections/remote/query '{"query": "which taint keeps new pods off a node", "k": 1}')
expect "$out" 'j["results"][0]["document_id"] == "taints.md" and j["results"][0]["metadata"]["format"] == "markdown"'
"$kura" ingest "$work/docs" --url "http://127.0.0.1:1" --collection remote 2>"$work/err.txt" && fail "ingest to a closed port succeeded"
grep -q "127.0.0.1:1" "$work/err.txt" || fail "no clear error for a closed port: $(cat "$work/err.txt")"
echo "kura ingest --url: written, re-run unchanged, searchable, clear error when the server is down"

# Graceful shutdown: a chat the LLM answers after 2 s is in flight when SIGTERM arrives. It must complete,
# new connections must then be refused, and kura must exit 0.
curl -sS -o "$work/slow.json" -w '%{http_code}' "$base/v1/chat/completions" -H 'Content-Type: application/json' \
  --data '{"model": "delay:2", "messages": [{"role": "user", "content": "slow"}]}' >"$work/slow.status" &
slow=$!
sleep 0.5
kill -TERM "$kura_pid"
wait "$slow" || fail "the request in flight failed during shutdown"
[ "$(cat "$work/slow.status")" = 200 ] || fail "the request in flight got $(cat "$work/slow.status")"
for _ in $(seq 100); do kill -0 "$kura_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$kura_pid" 2>/dev/null && fail "kura did not exit after SIGTERM"
rc=0; wait "$kura_pid" || rc=$?
[ "$rc" = 0 ] || fail "kura exited $rc after SIGTERM"
curl -s "$base/healthz" >/dev/null && fail "kura still answers after shutdown"
grep -q "stopped" "$work/kura.log" || fail "kura did not log a clean stop"
echo "graceful shutdown: in-flight request finished, exit 0"
