#!/usr/bin/env python3
"""Runs the compiled Kubeflow pipeline (deploy/kubeflow/kura-pipeline.yaml) here, step by step, as the KFP
launcher would: tasks in dependency order, importers resolved to local files, each container's command and
args with their placeholders replaced by local paths and parameters, `kura` from the PATH. So the commands the
pipeline gives Kura's image are the ones tested. Usage: kubeflow_local.py PIPELINE WORK CORPUS QUERIES QRELS"""
import json
import os
import re
import subprocess
import sys

import yaml

pipeline, work, corpus, queries, qrels = sys.argv[1:6]
spec = yaml.safe_load(open(pipeline))
tasks = spec["root"]["dag"]["tasks"]
params = {k: v.get("defaultValue") for k, v in spec["root"]["inputDefinitions"]["parameters"].items()}
params.update(corpus_uri=corpus, queries_uri=queries, qrels_uri=qrels, collection="pydocs")
outputs = {}  # (task, key) -> local path


def order():
    done, left = [], dict(tasks)
    while left:
        ready = [t for t, s in left.items() if all(d in done for d in s.get("dependentTasks", []))]
        assert ready, f"a cycle among {list(left)}"
        for t in sorted(ready):
            done.append(t)
            del left[t]
    return done


def value(binding):
    if "componentInputParameter" in binding:
        v = params[binding["componentInputParameter"]]
        return int(v) if isinstance(v, float) and v.is_integer() else v
    return binding["runtimeValue"]["constant"]


for name in order():
    task = tasks[name]
    component = spec["components"][task["componentRef"]["name"]]
    executor = spec["deploymentSpec"]["executors"][component["executorLabel"]]
    inputs = task.get("inputs", {})
    values = {k: value(b) for k, b in inputs.get("parameters", {}).items()}
    if "importer" in executor:
        outputs[(name, "artifact")] = values[executor["importer"]["artifactUri"]["runtimeParameter"]]
        continue
    paths = {("inputs", k): outputs[(b["taskOutputArtifact"]["producerTask"], b["taskOutputArtifact"]["outputArtifactKey"])]
             for k, b in inputs.get("artifacts", {}).items()}
    for key in component.get("outputDefinitions", {}).get("artifacts", {}):
        paths[("outputs", key)] = outputs[(name, key)] = os.path.join(work, name, key)

    def fill(text):
        text = re.sub(r"\{\{\$\.(inputs|outputs)\.artifacts\['([^']+)'\]\.path\}\}", lambda m: paths[(m[1], m[2])], str(text))
        return re.sub(r"\{\{\$\.inputs\.parameters\['([^']+)'\]\}\}", lambda m: str(values[m[1]]), text)

    container = executor["container"]
    argv = [fill(a) for a in container["command"] + container.get("args", [])]
    assert container["image"].endswith("/kura:0.1.0"), container["image"]
    run = subprocess.run(argv, capture_output=True, text=True)
    assert run.returncode == 0, f"{name}: {argv} exited {run.returncode}: {run.stderr[-2000:]}"
    print(f"kubeflow step {name}: ok")

report = [json.loads(line) for line in open(outputs[("quality", "report")])]
assert {r["mode"] for r in report} == {"dense", "lexical", "hybrid"}, report
lexical = next(r for r in report if r["mode"] == "lexical")
assert lexical["queries"] > 250 and lexical["mrr@10"] > 0.6, lexical
print(f"kubeflow pipeline run locally: ingest, verify, quality (lexical MRR@10 {lexical['mrr@10']:.3f} over {lexical['queries']} queries)")
