#!/usr/bin/env bash
# Long crash run: N rounds (default 200) of kill -9 during `kura ingest` and `kura compact`, each followed by
# export (every acknowledged id present) and `kura verify`. The short form, 20 rounds, runs in `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
KURA_CRASH_ROUNDS="${1:-200}" swift test -c release --filter CrashTests
