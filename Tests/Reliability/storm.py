#!/usr/bin/env python3
"""The long fuzz run: REQUESTS seeded random requests over every route (Kura's, KAITO's, chat completions
against the fake model server, embeddings, MCP, probes) from THREADS threads at once, with bodies that are
mostly right and partly anything (every JSON type, the numeric extremes, huge strings, deep nesting).
Every answer must pass fuzzlib.problem. Usage: storm.py HOST PORT DIMENSION REQUESTS [THREADS] [SEED].
Prints one JSON summary with the requests per route family; exits 1 on any failure or a dead server."""
import sys
import threading
import time
from urllib.parse import quote

import fuzzlib
from jsongen import Random, dumps

host, port, dim, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 4
base_seed = int(sys.argv[6]) if len(sys.argv) > 6 else 1
client = fuzzlib.Client(host, port)
tally = fuzzlib.Tally()
COLLECTIONS = ["fz", "fz", "s1", "s2", "nope"]
INDEXES = ["kfz", "kfz", "k1", "nope"]


def param(g, name):
    value = g.r.choice([str(g.r.randint(0, 200)), g.r.choice(fuzzlib.EXTREMES), g.text()[:20], ""])
    return f"{name}={quote(value, safe='')}"


def kura(g):
    name = g.r.choice(COLLECTIONS)
    vector = [g.r.uniform(-1, 1) for _ in range(dim)] if g.r.random() < 0.8 else g.value()
    doc = lambda: g.fields({"id": f"d{g.r.randint(0, 50)}", "text": "kubectl drain evicts pods " + g.text(), "metadata": {"kind": g.r.choice(["a", "b"]), "n": g.r.randint(0, 9)}})
    query = {"query": "drain " + g.text(), "k": g.r.randint(1, 20), "mode": g.r.choice(["dense", "lexical", "hybrid"]), "filter": {"kind": "a"},
             "ef": g.r.randint(1, 200), "mmr_lambda": g.r.random(), "budget_tokens": g.r.randint(1, 400)}
    choices = [
        ("POST", "/v1/collections", lambda: g.fields({"name": g.r.choice(["s1", "s2", "t" + str(g.r.randint(0, 9))]), "dimension": dim, "metric": "cosine"})),
        ("GET", "/v1/collections", None), ("GET", f"/v1/collections/{name}", None),
        ("POST", f"/v1/collections/{name}/documents", lambda: {"documents": [doc() for _ in range(g.r.randint(1, 3))]} if g.r.random() < 0.8 else g.value()),
        ("POST", f"/v1/collections/{name}/documents", lambda: {"documents": [dict(doc(), vector=vector)]}),
        ("GET", f"/v1/collections/{name}/documents?{param(g, 'limit')}&{param(g, 'cursor')}", None),
        ("GET", f"/v1/collections/{name}/documents/d{g.r.randint(0, 60)}", None),
        ("POST", f"/v1/collections/{name}/query", lambda: g.fields(query)),
        ("POST", f"/v1/collections/{name}/query", lambda: g.fields({"vector": vector, "k": g.r.randint(1, 20), "ef": 64})),
        ("POST", f"/v1/collections/{name}/context", lambda: g.fields(query)),
    ]
    if g.r.random() < 0.02:
        choices.append(("DELETE", f"/v1/collections/{g.r.choice(['s1', 's2', 't1'])}", None))
        choices.append(("DELETE", f"/v1/collections/{name}/documents/d{g.r.randint(0, 60)}", None))
    return g.r.choice(choices)


def kaito(g):
    index = g.r.choice(INDEXES)
    docs = lambda: [g.fields({"text": "drain a node " + g.text(), "metadata": {"kind": "a"}, "doc_id": "x"}) for _ in range(g.r.randint(1, 3))]
    choices = [
        ("POST", "/index", lambda: g.fields({"index_name": g.r.choice(INDEXES[:-1]), "documents": docs()})),
        ("GET", "/indexes", None), ("GET", "/health", None),
        ("GET", f"/indexes/{index}/documents?{param(g, 'limit')}&{param(g, 'offset')}&{param(g, 'max_text_length')}", None),
        # Under 64 KiB: a request head over 80 KiB is refused by the HTTP layer before Kura sees it.
        ("GET", f"/indexes/{index}/documents?metadata_filter={quote(dumps(g.value())[:4000], safe='')}", None),
        ("POST", f"/indexes/{index}/documents", lambda: g.fields({"documents": docs()})),
        ("POST", f"/indexes/{index}/documents/delete", lambda: g.fields({"doc_ids": ["x", g.text()]})),
        ("POST", "/retrieve", lambda: g.fields({"index_name": index, "query": "drain " + g.text(), "max_node_count": g.r.randint(1, 20), "metadata_filter": {"kind": "a"}})),
    ]
    if g.r.random() < 0.05:
        choices += [("POST", f"/persist/{index}?path={quote(g.r.choice(['p1', 'p2', '../x', g.text()]), safe='')}", None),
                    ("POST", f"/load/k1?path={g.r.choice(['p1', 'p2', 'none'])}&{param(g, 'overwrite')}", None)]
    if g.r.random() < 0.01:
        choices.append(("DELETE", "/indexes/k1", None))
    return g.r.choice(choices)


def mcp(g):
    arguments = g.fields({"collection": g.r.choice(COLLECTIONS), "query": "drain " + g.text(), "k": g.r.randint(1, 10),
                          "budget_tokens": g.r.randint(1, 300), "mode": "hybrid", "mmr_lambda": 0.5, "filter": {"kind": "a"}})
    method = g.r.choice(["tools/call", "tools/call", "tools/call", "tools/list", "initialize", "ping", "notifications/initialized", g.text()])
    params = {"name": g.r.choice(["search", "get_context", "list_collections", g.text()]), "arguments": arguments} if method == "tools/call" else \
        {"protocolVersion": g.r.choice(["2025-06-18", "2025-03-26", g.text()]), "capabilities": {}}
    envelope = g.fields({"jsonrpc": "2.0", "id": g.r.randint(1, 5), "method": method, "params": params})
    return ("POST", "/mcp", lambda: envelope if g.r.random() < 0.95 else [envelope])


def chat(g):
    messages = [g.fields({"role": "user", "content": "how do I drain a node? " + g.text()}) for _ in range(g.r.randint(1, 3))]
    body = g.fields({"model": g.r.choice(["m", "m", "m", "fail500:1", "bad400", "garbage", "cut", "fail429:1"]), "messages": messages,
                     "index_name": g.r.choice(["fz", "fz", "nope"]), "stream": g.r.random() < 0.5, "max_tokens": g.r.randint(1, 400),
                     "n": 1, "context_token_ratio": 0.5})
    return ("POST", "/v1/chat/completions", lambda: body)


def embeddings(g):
    return g.r.choice([("POST", "/v1/embeddings", lambda: g.fields({"input": [g.text() for _ in range(g.r.randint(1, 4))], "dimensions": dim, "model": "m"})),
                       ("GET", "/v1/models", None)])


def probes(g):
    return (g.r.choice(["GET", "GET", "POST"]), g.r.choice(["/healthz", "/readyz", "/metrics", "/openapi.yaml", "/no/such/route"]), None)


FAMILIES = [(kura, 30), (kaito, 20), (mcp, 20), (chat, 15), (embeddings, 10), (probes, 5)]


def seed_fixtures():
    fuzzlib.check(client, tally, "POST", "/v1/collections", b'{"name": "fz"}')
    fuzzlib.check(client, tally, "POST", "/v1/collections/fz/documents", b'{"documents": [{"id": "d1", "text": "kubectl drain evicts pods"}]}')
    fuzzlib.check(client, tally, "POST", "/index", b'{"index_name": "kfz", "documents": [{"text": "drain a node"}]}')


def worker(n, share):
    g = Random(base_seed * 1000 + n)
    generators = [f for f, w in FAMILIES for _ in range(w)]
    for i in range(share):
        if i % 2000 == 0:
            seed_fixtures()
        method, path, body = g.r.choice(generators)(g)
        fuzzlib.check(client, tally, method, path, dumps(body()).encode() if body else b"")


started = time.time()
seed_fixtures()
workers = [threading.Thread(target=worker, args=(n, total // threads)) for n in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
ok = fuzzlib.alive(client)
print(tally.summary("storm", seconds=round(time.time() - started, 1), threads=threads, alive=ok))
for f in tally.failures:
    print("  " + f, file=sys.stderr)
sys.exit(1 if tally.failures or not ok else 0)
