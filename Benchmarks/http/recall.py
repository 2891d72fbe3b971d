#!/usr/bin/env python3
"""Recall@10 of a server's answers to the vector query bodies against docs384's exact top-10."""
import json, sys, urllib.request

import numpy as np

kind, url, bodies, src = sys.argv[1:5]
ids = open(f"{src}/base.ids.txt").read().split("\n")
truth = np.fromfile(f"{src}/dev.gt.ivecs", dtype=np.int32).reshape(-1, 101)[:, 1:11]
hit = total = 0
for row, body in enumerate(open(bodies)):
    req = urllib.request.Request(url, data=body.encode(), headers={"Content-Type": "application/json"})
    answer = json.load(urllib.request.urlopen(req))
    got = [r["document_id"] for r in answer["results"]] if kind == "kura" else answer["ids"][0]
    want = {ids[i] for i in truth[row]}
    hit += len(want & set(got))
    total += 10
print(json.dumps({"lib": kind, "phase": "recall", "queries": row + 1, "recall@10": round(hit / total, 4)}))
