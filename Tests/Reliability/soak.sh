#!/usr/bin/env bash
# Soak: mixed ingest and query load on a live server with the native embedder, memory sampled every second.
# Usage: soak.sh [SECONDS] (default 60, the short form in `make test`; releases run 1800).
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=${1:-60}
start_kura --data-dir "$work/data"
python3 Tests/Reliability/soak.py 127.0.0.1 "$port" "$kura_pid" "$seconds" || fail "soak"
curl -fsS "$base/healthz" >/dev/null || fail "the server died"
