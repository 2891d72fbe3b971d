#!/usr/bin/env python3
"""Kura in Kubeflow Pipelines: load a corpus into a Kura data directory, check it with `kura verify`, then
measure retrieval quality on a known-item set (`kura bench quality`). Each step is a container on Kura's image;
the data directory passes between them as an artifact. Compile: python3 pipeline.py kura-pipeline.yaml
(deploy/check.sh compiles it again and fails when the committed YAML differs)."""
import sys

from kfp import compiler, dsl

IMAGE = "registry.example.com/kura:0.1.0"


@dsl.container_component
def ingest(corpus: dsl.Input[dsl.Dataset], collection: str, chunk_tokens: int, data: dsl.Output[dsl.Artifact]):
    """Chunks, embeds and stores the corpus (JSONL of {"id","text","metadata"}, or files) in a new data directory."""
    return dsl.ContainerSpec(
        image=IMAGE,
        command=["kura", "ingest"],
        args=[corpus.path, "--collection", collection, "--chunk-tokens", chunk_tokens, "--data-dir", data.path, "--json"],
    )


@dsl.container_component
def verify(data: dsl.Input[dsl.Artifact]):
    """Checks every invariant of the store (segment CRCs, catalog against segments); fails the run on any problem."""
    return dsl.ContainerSpec(image=IMAGE, command=["kura", "verify"], args=["--data-dir", data.path])


@dsl.container_component
def quality(
    data: dsl.Input[dsl.Artifact],
    corpus: dsl.Input[dsl.Dataset],
    queries: dsl.Input[dsl.Dataset],
    qrels: dsl.Input[dsl.Dataset],
    collection: str,
    report: dsl.Output[dsl.Artifact],
):
    """Recall@1/5/10 and MRR@10 of dense, lexical and hybrid search over the loaded collection, as JSON lines."""
    return dsl.ContainerSpec(
        image=IMAGE,
        command=["sh", "-c", 'mkdir -p "$(dirname "$6")" && exec kura bench quality --data-dir "$1" --corpus "$2" --queries "$3" --qrels "$4" --collection "$5" --json >"$6"', "quality"],
        args=[data.path, corpus.path, queries.path, qrels.path, collection, report.path],
    )


@dsl.pipeline(name="kura-ingest-verify-quality", description="Load a corpus into Kura, verify the store, measure retrieval quality.")
def kura_pipeline(corpus_uri: str, queries_uri: str, qrels_uri: str, collection: str = "docs", chunk_tokens: int = 256):
    corpus = dsl.importer(artifact_uri=corpus_uri, artifact_class=dsl.Dataset, reimport=False)
    queries = dsl.importer(artifact_uri=queries_uri, artifact_class=dsl.Dataset, reimport=False)
    qrels = dsl.importer(artifact_uri=qrels_uri, artifact_class=dsl.Dataset, reimport=False)
    loaded = ingest(corpus=corpus.output, collection=collection, chunk_tokens=chunk_tokens)
    checked = verify(data=loaded.outputs["data"])
    quality(
        data=loaded.outputs["data"], corpus=corpus.output, queries=queries.output, qrels=qrels.output, collection=collection
    ).after(checked)


if __name__ == "__main__":
    compiler.Compiler().compile(kura_pipeline, sys.argv[1] if len(sys.argv) > 1 else "kura-pipeline.yaml")
