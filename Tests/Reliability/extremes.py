#!/usr/bin/env python3
"""The numeric-extremes pass: every operation of /openapi.yaml, each integer or number field of its body
and query (nested ones, array items and JSON-RPC ids included) set in turn to each of fuzzlib.EXTREMES;
each string field set to a 1 MiB string; each object field nested past the parser's depth limit and
within it; the whole body nested 10,000 deep. Chat completions run twice, streaming and not. Every answer
is checked by fuzzlib.problem. Usage: extremes.py HOST PORT DIMENSION [ROUNDS]. Prints one JSON summary;
exits 1 on any failure or if the server stops answering."""
import copy
import json
import sys
import uuid
from urllib.parse import quote

import yaml

import fuzzlib

host, port, dim = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 1
client = fuzzlib.Client(host, port)
tally = fuzzlib.Tally()
SENTINEL = "@@value@@"

# Values a request needs to get past the first checks, by field name.
GOOD = {
    "query": "drain a node", "index_name": "kfz", "collection": "fz", "text": "kubectl drain evicts pods", "id": "d1",
    "input": "drain", "model": "m", "jsonrpc": "2.0", "method": "tools/call", "role": "user", "content": "how do I drain a node?",
    "doc_ids": ["nope"], "protocolVersion": "2025-03-26",
}


def resolve(schema, root):
    while isinstance(schema, dict) and "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema or {}


def fields(schema, root, want, path=()):
    """Paths to the fields of `schema` whose type is in `want`."""
    schema = resolve(schema, root)
    out = []
    for alt in schema.get("oneOf", []) + schema.get("anyOf", []):
        out += fields(alt, root, want, path)
    if schema.get("type") in want and path:
        out.append(path)
    for key, sub in schema.get("properties", {}).items():
        out += fields(sub, root, want, path + (key,))
    if schema.get("type") == "array" and "items" in schema:
        out += fields(schema["items"], root, want, path + (0,))
    return list(dict.fromkeys(out))


def example(schema, root, name=None):
    """A valid value for `schema`."""
    schema = resolve(schema, root)
    if name in GOOD:
        return copy.deepcopy(GOOD[name])
    if "oneOf" in schema:
        return example(schema["oneOf"][0], root, name)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {k: example(v, root, k) for k, v in schema.get("properties", {}).items() if k in schema.get("required", [])}
    if kind == "array":
        return [example(schema.get("items", {}), root)] if schema.get("minItems") or name == "documents" else []
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return schema.get("minimum", 0.5)
    if kind == "boolean":
        return False
    return "x"


def put(body, path, value):
    node = body
    for i, key in enumerate(path[:-1]):
        nxt = path[i + 1]
        if isinstance(key, int):
            while len(node) <= key:
                node.append({} if isinstance(nxt, str) else [])
            node = node[key]
        else:
            if not isinstance(node.get(key), (dict, list)):
                node[key] = {} if isinstance(nxt, str) else []
            node = node[key]
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def nested(depth):
    return "".join('{"a":' for _ in range(depth)) + "1" + "}" * depth


def send(method, path, body_text):
    fuzzlib.check(client, tally, method, path, body_text.encode())


def operation(method, path, op, root):
    schema = (((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
    base = example(schema, root) if schema else None
    if path == "/mcp" and base is not None:
        base["id"] = 1
        base["params"] = {"name": "search", "arguments": {"collection": "fz", "query": "drain"}}
    if path == "/v1/chat/completions" and base is not None:
        base["index_name"] = "fz"
    concrete = path.replace("{name}", "fz").replace("{index}", "kfz").replace("{id}", "d1")
    query = [p for p in op.get("parameters", []) if p.get("in") == "query"]

    def body_with(field, raw):
        b = copy.deepcopy(base)
        if "name" in b and path == "/v1/collections":
            b["name"] = "x" + uuid.uuid4().hex[:8]
        put(b, field, SENTINEL)
        return json.dumps(b).replace(f'"{SENTINEL}"', raw)

    variants = [base] if path != "/v1/chat/completions" else [dict(base, stream=False), dict(base, stream=True)]
    for variant in variants if base is not None else []:
        base = variant
        for field in fields(schema, root, {"integer", "number"}):
            for raw in fuzzlib.EXTREMES:
                send(method.upper(), concrete, body_with(field, raw))
        for field in fields(schema, root, {"string"}):
            send(method.upper(), concrete, body_with(field, json.dumps("y" * (1 << 20))))
        for field in fields(schema, root, {"object"}):
            for depth in (100, 600):
                send(method.upper(), concrete, body_with(field, nested(depth)))
        send(method.upper(), concrete, "[" * 10000 + "]" * 10000)
    for p in query:
        kind = resolve(p.get("schema", {}), root).get("type")
        values = fuzzlib.EXTREMES if kind in ("integer", "number") else ["y" * 8192, "%ff%fe", "{" * 600]
        for raw in values:
            send(method.upper(), f"{concrete}?{p['name']}={quote(raw, safe='')}", "")


status, _, data = client.send("GET", "/openapi.yaml")
doc = yaml.safe_load(data)
fuzzlib.check(client, tally, "POST", "/v1/collections", json.dumps({"name": "fz"}).encode())
fuzzlib.check(client, tally, "POST", "/v1/collections/fz/documents",
              json.dumps({"documents": [{"id": "d1", "text": "kubectl drain evicts pods before maintenance"}]}).encode())
fuzzlib.check(client, tally, "POST", "/index", json.dumps({"index_name": "kfz", "documents": [{"text": "drain a node"}]}).encode())
operations = 0
for _ in range(rounds):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            # DELETE would remove the fixtures the rest of the pass needs; the fuzz suites reach it.
            if method in ("get", "post", "put", "patch"):
                operation(method, path, op, doc)
                operations += 1
ok = fuzzlib.alive(client)
print(tally.summary("extremes", operations=operations, alive=ok))
for f in tally.failures:
    print("  " + f, file=sys.stderr)
sys.exit(1 if tally.failures or not ok else 0)
