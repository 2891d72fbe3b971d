#!/usr/bin/env bash
# Disk full: a 6 MiB tmpfs as the data directory. Writes fail with 507 and a JSON error on Kura's routes
# and KAITO's alike, reads go on, and after a kill -9 with room again every acknowledged document is there
# and the store verifies clean. The tmpfs is mounted as root, or else in a user and mount namespace of its
# own; where neither can be done the test fails, for a test that cannot run has shown nothing.
set -euo pipefail
if [ -z "${KURA_DISK_FULL_NS:-}" ] && [ "$(id -u)" != 0 ]; then
  exec env KURA_DISK_FULL_NS=1 unshare --user --map-root-user --mount "$0" "$@"
fi
source "$(dirname "$0")/common.sh"
expect_message() {
  [ "$status" = "$1" ] || fail "$3: expected $1, got $status: $body"
  python3 -c 'import json, sys; o = json.loads(sys.argv[1]); m = o.get("detail") if sys.argv[2] == "detail" else o["error"]["message"]; assert m, o' "$body" "$2" ||
    fail "$3: no JSON error message: $body"
}

small=$work/small
mkdir -p "$small"
if ! mount -t tmpfs -o size=6m tmpfs "$small" 2>"$work/mount.err"; then
  [ -z "${KURA_DISK_FULL_NS:-}" ] || fail "cannot mount a tmpfs even in a namespace of its own: $(cat "$work/mount.err")"
  rm -rf "$work"
  exec env KURA_DISK_FULL_NS=1 unshare --user --map-root-user --mount "$0" "$@"
fi
trap 'cleanup_disk' EXIT
cleanup_disk() { { kill -9 "$kura_pid" && wait "$kura_pid"; } 2>/dev/null || true; umount "$small" 2>/dev/null || true; cleanup; }
start_kura --data-dir "$small/data" --embedder hash --embed-dimension 16
req POST /v1/collections '{"name": "c"}'
acked=0
filler=$(python3 -c 'print("lorem ipsum dolor sit amet " * 400)')
for i in $(seq 1000); do
  req POST /v1/collections/c/documents "{\"documents\": [{\"id\": \"d$i\", \"text\": \"$filler $i\"}]}"
  [ "$status" = 200 ] || break
  acked=$i
done
expect_message 507 error "an upsert on a full disk"
req POST /index "{\"index_name\": \"c\", \"documents\": [{\"text\": \"$filler kaito\"}]}"
expect_message 507 detail "a KAITO index on a full disk"
req GET /healthz
expect_status 200 "health on a full disk"
req POST /v1/collections/c/query '{"query": "lorem", "k": 3}'
expect_status 200 "a query on a full disk"
# After a kill -9, with room again, every acknowledged document is there and the store verifies clean.
{ kill -9 "$kura_pid" && wait "$kura_pid"; } 2>/dev/null || true
mount -t tmpfs -o remount,size=64m tmpfs "$small"
"$kura" verify --data-dir "$small/data" >"$work/verify.txt" 2>&1 || fail "kura verify after a full disk: $(cat "$work/verify.txt")"
kept=$("$kura" export --collection c --data-dir "$small/data" | wc -l)
[ "$kept" = "$acked" ] || fail "$acked documents were acknowledged, $kept exported"
start_kura --data-dir "$small/data" --embedder hash --embed-dimension 16
req POST /v1/collections/c/documents '{"documents": [{"id": "again", "text": "room again"}]}'
expect_status 200 "an upsert once there is room"
echo "{\"suite\": \"disk-full\", \"acknowledged\": $acked, \"exported_after_kill\": $kept, \"namespace\": ${KURA_DISK_FULL_NS:-0}, \"result\": \"507 with a JSON error on Kura's and KAITO's routes, reads served, verify clean\"}"
