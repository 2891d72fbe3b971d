#!/usr/bin/env bash
# Creates Benchmarks/.venv with hnswlib, faiss-cpu and usearch from PyPI (once), then runs peers.py with
# the arguments given. Example:
#   Benchmarks/peers/run.sh --base B.npy --queries Q.fvecs --truth T.ivecs --kura-json kura.jsonl --out Benchmarks/results
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/../.venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import hnswlib, faiss, usearch' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet numpy hnswlib faiss-cpu usearch
fi
exec "$venv/bin/python" "$here/peers.py" "$@"
