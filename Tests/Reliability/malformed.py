#!/usr/bin/env python3
"""Hand-made malformed requests against a live Kura: each must get a 4xx with a JSON error message (never a
5xx, never a dropped connection), and the server must stay alive and keep answering. Prints one JSON summary."""
import http.client, json, sys

host, port = sys.argv[1], int(sys.argv[2])
dim = int(sys.argv[3]) if len(sys.argv) > 3 else 64


def send(method, path, body=b"", headers=None):
    c = http.client.HTTPConnection(host, port, timeout=60)
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


status, _ = send("POST", "/v1/collections", json.dumps({"name": "fz"}).encode())
assert status in (201, 409), status
send("POST", "/v1/collections/fz/documents", json.dumps({"documents": [{"id": "d1", "text": "kubectl drain evicts pods"}]}).encode())
vec = [0.1] * dim
cases = [
    ("POST", "/v1/collections/fz/query", b"{bad json"),
    ("POST", "/v1/collections/fz/query", b""),
    ("POST", "/v1/collections/fz/query", b"[]"),
    ("POST", "/v1/collections/fz/query", b"null"),
    ("POST", "/v1/collections/fz/query", json.dumps({"vector": [1, 2, 3]}).encode()),
    ("POST", "/v1/collections/fz/query", json.dumps({"vector": vec[:-1] + ["x"]}).encode()),
    ("POST", "/v1/collections/fz/query", ('{"vector": [' + ",".join(["NaN"] * dim) + "]}").encode()),
    ("POST", "/v1/collections/fz/query", ('{"vector": [' + ",".join(["1e39"] * dim) + "]}").encode()),
    ("POST", "/v1/collections/fz/query", ('{"vector": [' + ",".join(["Infinity"] * dim) + "]}").encode()),
    ("POST", "/v1/collections/fz/query", ('{"vector": [' + ",".join(["0x1p3"] * dim) + "]}").encode()),
    ("POST", "/v1/collections/fz/query", json.dumps({"vector": vec, "vector2": 1, "k": -1}).encode()),
    ("POST", "/v1/collections/fz/query", json.dumps({"query": "x", "k": 10**12}).encode()),
    ("POST", "/v1/collections/fz/query", json.dumps({"query": "x", "ef": 0}).encode()),
    ("POST", "/v1/collections/fz/query", json.dumps({"query": "x", "mode": 7}).encode()),
    ("POST", "/v1/collections/fz/query", json.dumps({"query": "x", "filter": {"$where": "1"}}).encode()),
    ("POST", "/v1/collections/fz/query", json.dumps({"query": "x", "filter": {"a') OR 1=1 --": 1}}).encode()),
    ("POST", "/v1/collections/fz/query", json.dumps({"query": "x", "filter": {"n": {"$gt": [1]}}}).encode()),
    ("POST", "/v1/collections/fz/query", b'{"query": "\xff\xfe invalid utf-8"}'),
    ("POST", "/v1/collections/fz/context", json.dumps({"query": "x", "budget_tokens": -5}).encode()),
    ("POST", "/v1/collections/nope/query", json.dumps({"query": "x"}).encode()),
    ("GET", "/v1/collections/nope", b""),
    ("DELETE", "/v1/collections/nope", b""),
    ("POST", "/v1/collections", json.dumps({"name": "../../etc/passwd"}).encode()),
    ("POST", "/v1/collections", json.dumps({"name": "a/b"}).encode()),
    ("POST", "/v1/collections", json.dumps({"name": ""}).encode()),
    ("POST", "/v1/collections", json.dumps({"name": "x" * 10000}).encode()),
    ("POST", "/v1/collections", json.dumps({"name": "ok", "dimension": -3}).encode()),
    ("POST", "/v1/collections", json.dumps({"name": "ok2", "dimension": 10**9}).encode()),
    ("POST", "/v1/collections", json.dumps({"name": "ok3", "metric": "manhattan"}).encode()),
    ("GET", "/v1/collections/..%2F..%2Fetc", b""),
    ("GET", "/v1/collections/fz/documents/..%2F..%2Fcatalog.sqlite", b""),
    ("GET", "/v1/collections/fz/documents?limit=-1", b""),
    ("GET", "/v1/collections/fz/documents?cursor=zzz", b""),
    ("POST", "/v1/collections/fz/documents", json.dumps({"documents": [{"id": "", "text": "x"}]}).encode()),
    ("POST", "/v1/collections/fz/documents", json.dumps({"documents": [{"id": "a", "text": "x", "metadata": [1]}]}).encode()),
    ("POST", "/v1/collections/fz/documents", json.dumps({"documents": [{"id": "a", "text": "x", "vector": [float("nan")] * dim}]}).replace("NaN", "NaN").encode()),
    ("POST", "/v1/collections/fz/documents", json.dumps({"documents": [{"id": "a", "text": "x", "vector": [1.0] * (dim + 1)}]}).encode()),
    ("POST", "/v1/collections/fz/documents", json.dumps({"documents": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]}).encode()),
    ("POST", "/v1/collections/fz/documents", json.dumps({"documents": "nope"}).encode()),
    ("POST", "/v1/collections/fz/documents", b"x" * (100 * 1024 * 1024)),
    ("POST", "/index", json.dumps({"index_name": "k", "documents": [{"metadata": {}}]}).encode()),
    ("POST", "/index", json.dumps({"index_name": "../x", "documents": [{"text": "t"}]}).encode()),
    ("POST", "/retrieve", json.dumps({"index_name": "nope", "query": "x"}).encode()),
    ("POST", "/retrieve", json.dumps({"index_name": "fz", "query": ""}).encode()),
    ("POST", "/retrieve", json.dumps({"index_name": "fz", "query": "x", "max_node_count": 100000}).encode()),
    ("GET", "/indexes/nope/documents?limit=1000", b""),
    ("GET", "/indexes/fz/documents?metadata_filter=%7Bbad", b""),
    ("POST", "/persist/fz?path=/etc/kura-should-not-write", b""),
    ("POST", "/load/x?path=/nonexistent", b""),
    ("POST", "/v1/chat/completions", b"{"),
    ("POST", "/v1/embeddings", json.dumps({"input": [1, 2]}).encode()),
    ("POST", "/v1/embeddings", json.dumps({"input": []}).encode()),
    ("POST", "/mcp", b"not json-rpc"),
    ("GET", "/no/such/route", b""),
]
# Odd but valid: these may succeed; they must still never fail the server.
valid = [
    ("POST", "/v1/collections/fz/query", json.dumps({"query": "x" * 100000, "mode": "lexical"}).encode()),
    ("POST", "/v1/collections/fz/query", json.dumps({"query": "drain " * 5000}).encode()),
    ("POST", "/v1/collections/fz/query", b'{"query": "\\ud800 lone surrogate"}'),
    ("POST", "/v1/collections/fz/query", json.dumps({"query": "NEAR(a b) OR \"x\" AND NOT * ^ -"}).encode()),
    ("POST", "/v1/collections/fz/query", json.dumps({"query": "\u0000\u0001 control"}).encode()),
]
bad = []
for method, path, body in valid:
    status, data = send(method, path, body)
    if status >= 500:
        bad.append(f"{method} {path[:60]} (valid) -> {status}: {data[:200]!r}")
for method, path, body in cases:
    try:
        status, data = send(method, path, body)
    except Exception as e:  # a dropped connection is a failure
        bad.append(f"{method} {path[:60]}: {e!r}")
        continue
    ok_error = 400 <= status < 500 or path.startswith("/mcp")
    if status >= 500 or not ok_error:
        bad.append(f"{method} {path[:60]} -> {status}: {data[:200]!r}")
        continue
    if not path.startswith("/mcp"):
        try:
            j = json.loads(data)
            message = j.get("detail") or (j.get("error") or {}).get("message")
            assert message, j
        except Exception:
            bad.append(f"{method} {path[:60]} -> {status} without a JSON error message: {data[:200]!r}")
alive, _ = send("GET", "/healthz")
print(json.dumps({"suite": "malformed", "requests": len(cases) + len(valid), "failures": len(bad), "alive": alive == 200}))
for b in bad:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad or alive != 200 else 0)
