#!/usr/bin/env python3
"""Where a hybrid query's time goes, without the embedder: one connection, the kinds interleaved, per-request
latency of a dense vector query (k 10 and 50), a hybrid query given its vector and text (so nothing is
embedded), and lexical queries (k 10 and 50), on bench-http's data (its 12-word questions and query vectors).
Usage: WORK=DIR parts.py PORT [N], DIR a folder bench-http filled (`WORK=DIR make bench-http`), with
`kura serve --data-dir DIR/kura` on PORT; ONLY=KIND runs one kind (for perf)."""
import http.client, json, os, sys, time, statistics
port = int(sys.argv[1]); n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
work = os.environ["WORK"]
qs = [json.loads(l)["query"] for l in open(f"{work}/kura-question.bodies")][:n]
vs = [json.loads(l)["vector"] for l in open(f"{work}/kura-vector.bodies")][:n]
kinds = {
    "dense-vector": lambda i: {"vector": vs[i], "k": 10, "mode": "dense"},
    "hybrid-vector+text": lambda i: {"vector": vs[i], "query": qs[i], "k": 10, "mode": "hybrid"},
    "lexical-k10": lambda i: {"query": qs[i], "k": 10, "mode": "lexical"},
    "lexical-k50": lambda i: {"query": qs[i], "k": 50, "mode": "lexical"},
    "dense-vector-k50": lambda i: {"vector": vs[i], "k": 50, "mode": "dense"},
}
if os.environ.get("ONLY"): kinds = {k: v for k, v in kinds.items() if k == os.environ["ONLY"]}
c = http.client.HTTPConnection("127.0.0.1", port)
times = {k: [] for k in kinds}
for i in range(n):
    for k, f in kinds.items():
        body = json.dumps(f(i))
        t = time.perf_counter()
        c.request("POST", "/v1/collections/docs/query", body, {"Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        times[k].append((time.perf_counter() - t) * 1000)
        assert r.status == 200, r.status
for k, v in times.items():
    v.sort()
    print(f"{k:22s} mean {statistics.mean(v):6.2f} ms  p50 {v[len(v)//2]:6.2f}  p90 {v[int(len(v)*.9)]:6.2f}")
