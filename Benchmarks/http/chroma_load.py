#!/usr/bin/env python3
"""Loads the benchmark records (with their vectors) into a running Chroma server, cosine HNSW, and prints the
collection's query URL path for wrk."""
import json, sys, time

import chromadb

host, port, records = sys.argv[1], int(sys.argv[2]), sys.argv[3]
client = chromadb.HttpClient(host=host, port=port)
try:
    client.delete_collection("docs")
except Exception:
    pass
col = client.create_collection("docs", metadata={"hnsw:space": "cosine"}, embedding_function=None)
t0, batch = time.time(), []


def flush():
    col.add(ids=[r["id"] for r in batch], embeddings=[r["vector"] for r in batch], documents=[r["text"] for r in batch],
            metadatas=[r["metadata"] for r in batch])
    batch.clear()


for line in open(records):
    batch.append(json.loads(line))
    if len(batch) == 2000:
        flush()
if batch:
    flush()
print(json.dumps({"lib": "chroma", "phase": "load", "rows": col.count(), "seconds": round(time.time() - t0, 1)}), file=sys.stderr)
print(f"/api/v2/tenants/default_tenant/databases/default_database/collections/{col.id}/query")
