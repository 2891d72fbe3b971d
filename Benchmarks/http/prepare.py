#!/usr/bin/env python3
"""Inputs for the HTTP benchmark from docs384: the 97,149 passages with their vectors as Kura JSONL records,
and wrk request bodies (one JSON body a line) for vector and text queries, for Kura and for Chroma."""
import gzip, json, os, sys

import numpy as np

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
base = np.load(os.path.join(src, "base.f16.npy")).astype(np.float32)
with gzip.open(os.path.join(src, "passages.jsonl.gz"), "rt") as f, open(os.path.join(out, "records.jsonl"), "w") as w:
    for row, line in enumerate(f):
        p = json.loads(line)
        rec = {"id": p["id"], "text": p["text"], "metadata": {"doc": p["doc"]}, "vector": [round(float(x), 6) for x in base[row]]}
        w.write(json.dumps(rec, separators=(",", ":")) + "\n")
queries = np.fromfile(os.path.join(src, "dev.queries.fvecs"), dtype=np.int32).reshape(-1, 385)[:, 1:].view(np.float32)
texts = [json.loads(l)["text"] for l in open(os.path.join(src, "dev.queries.jsonl"))]
with open(os.path.join(out, "kura-vector.bodies"), "w") as kv, open(os.path.join(out, "chroma-vector.bodies"), "w") as cv, \
        open(os.path.join(out, "kura-text.bodies"), "w") as kt, open(os.path.join(out, "kura-question.bodies"), "w") as kq:
    for q, t in zip(queries, texts):
        v = [round(float(x), 6) for x in q]
        kv.write(json.dumps({"vector": v, "k": 10}) + "\n")
        cv.write(json.dumps({"query_embeddings": [v], "n_results": 10, "include": ["documents", "metadatas", "distances"]}) + "\n")
        kt.write(json.dumps({"query": t, "k": 10}) + "\n")
        # A question-sized query: the passage's first 12 words.
        kq.write(json.dumps({"query": " ".join(t.split()[:12]), "k": 10}) + "\n")
print(f"{len(base)} records, {len(queries)} queries -> {out}")
