#!/usr/bin/env python3
"""Tantivy and bm25s on the passages and queries Kura's `bench lexical` ran: index, then every query's text
one at a time for its top k, one thread. Prints one JSON line per engine (QPS median/min/max over runs,
p50/p99 of the median run, and top-k overlap with Kura's ids when given).
Usage: peers.py PASSAGES QUERIES [--k 10] [--runs 3] [--kura-top FILE] [--limit N]"""
import argparse, gzip, json, re, statistics, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("passages")
ap.add_argument("queries")
ap.add_argument("--k", type=int, default=10)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--kura-top")
ap.add_argument("--limit", type=int)
args = ap.parse_args()

opener = gzip.open if args.passages.endswith(".gz") else open
passages = [json.loads(l) for l in opener(args.passages, "rt")]
if args.limit:
    passages = passages[: args.limit]
queries = [json.loads(l)["text"] for l in open(args.queries)]
kura = [json.loads(l) for l in open(args.kura_top)] if args.kura_top else None


def report(engine, build_s, runs, tops, extra):
    qps = sorted(r[0] for r in runs)
    lat = sorted(runs[[r[0] for r in runs].index(qps[len(qps) // 2])][1])
    out = {"engine": engine, "documents": len(passages), "build_s": round(build_s, 2), "k": args.k, "runs": len(runs),
           "qps_median": round(qps[len(qps) // 2], 1), "qps_min": round(qps[0], 1), "qps_best": round(qps[-1], 1),
           "p50_us": round(lat[len(lat) // 2], 1), "p99_us": round(lat[len(lat) * 99 // 100], 1), **extra}
    if kura:
        out["overlap_with_kura"] = round(statistics.mean(len(set(a) & set(b)) / args.k for a, b in zip(tops, kura)), 3)
    print(json.dumps(out), flush=True)


def timed(search):
    runs, tops = [], None
    for _ in range(args.runs):
        lat, tops_run = [], []
        start = time.perf_counter()
        for q in queries:
            s = time.perf_counter()
            tops_run.append(search(q))
            lat.append((time.perf_counter() - s) * 1e6)
        runs.append((len(queries) / (time.perf_counter() - start), lat))
        tops = tops_run
    return runs, tops


# Tantivy, English stemming (its en_stem analyzer), BM25 over one segment after a merge.
import tantivy

builder = tantivy.SchemaBuilder()
builder.add_text_field("text", stored=False, tokenizer_name="en_stem")
builder.add_integer_field("row", stored=True, indexed=False, fast=True)
schema = builder.build()
index = tantivy.Index(schema)
t = time.perf_counter()
writer = index.writer(heap_size=512_000_000, num_threads=1)
for i, p in enumerate(passages):
    writer.add_document(tantivy.Document(text=p["text"], row=i))
writer.commit()
writer.wait_merging_threads()
index.reload()
build = time.perf_counter() - t
searcher = index.searcher()
clean = re.compile(r"[^\w]+")


def tantivy_search(q):
    words = clean.sub(" ", q).lower().split()  # lower case: AND, OR and NOT are operators to its parser
    if not words:
        return []
    query = index.parse_query(" ".join(words), ["text"])
    return [passages[searcher.doc(a)["row"][0]]["id"] for _, a in searcher.search(query, args.k).hits]


runs, tops = timed(tantivy_search)
report("tantivy", build, runs, tops, {"segments": searcher.num_segments})

# bm25s with Snowball English stemming and English stop words, its numpy backend.
import bm25s
import Stemmer

stemmer = Stemmer.Stemmer("english")
t = time.perf_counter()
corpus_tokens = bm25s.tokenize([p["text"] for p in passages], stopwords="en", stemmer=stemmer, show_progress=False)
retriever = bm25s.BM25(k1=1.2, b=0.75)
retriever.index(corpus_tokens, show_progress=False)
build = time.perf_counter() - t


def bm25s_search(q):
    tokens = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False)
    docs, _ = retriever.retrieve(tokens, k=args.k, show_progress=False, n_threads=1)
    return [passages[int(d)]["id"] for d in docs[0]]


runs, tops = timed(bm25s_search)
report("bm25s", build, runs, tops, {"version": bm25s.__version__})
