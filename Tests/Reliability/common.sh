# Shared by the live-server scripts (Tests/Clients, Tests/Reliability): a free port, a kura server in the background, cleanup on exit.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
kura=${KURA:-$root/.build/release/kura}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do { kill -9 "$p" && wait "$p"; } 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/kura.log" ] && tail -20 "$work/kura.log" >&2; exit 1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# start_kura ARGS...: serves on $port from $work/data (unless ARGS name a data dir); sets $base and $kura_pid.
start_kura() {
  port=$(free_port)
  base=http://127.0.0.1:$port
  "$kura" serve --host 127.0.0.1 --port "$port" "$@" >>"$work/kura.log" 2>&1 &
  kura_pid=$!
  pids+=($kura_pid)
  for _ in $(seq 300); do curl -fsS "$base/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "kura serve did not become ready"
}
# req METHOD PATH [BODY]: sets $status and $body.
req() {
  local out
  out=$(curl -sS -m 30 -X "$1" "$base$2" -H 'Content-Type: application/json' ${3:+--data "$3"} -w '\n%{http_code}')
  status=${out##*$'\n'}
  body=${out%$'\n'*}
}
expect_status() { [ "$status" = "$1" ] || fail "$2: expected $1, got $status: $body"; }
# A Python environment with the given pinned packages, kept under .build.
venv() {
  local dir=$root/.build/$1-venv
  shift
  if [ ! -f "$dir/.ready" ]; then
    python3 -m venv "$dir" && "$dir/bin/pip" install --quiet --disable-pip-version-check "$@" && touch "$dir/.ready"
  fi
  echo "$dir"
}
