#!/usr/bin/env bash
# Start a throw-away skiffd master and run every real-client scenario against it:
# kubectl 1.33, 1.30 (google-cloud-sdk), 1.20 (Debian, fetched on demand) and the Python client.
#
#   run-all.sh [SKIFFD]        (default: .build/debug/skiffd of this checkout)
#
# One master serves all clients in sequence (the scenarios use per-run names). Clients that
# are not installed are reported as skipped. Exit status 1 if any scenario failed.
# SKC_KEEP_GOING=1 is passed on to the scenarios.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SKIFFD=${1:-$ROOT/.build/debug/skiffd}
SDK=/usr/lib/google-cloud-sdk/bin

DIR=$(mktemp -d /tmp/skc.XXXXXX)   # short: api.sock must fit in 108 bytes
"$SKIFFD" master --data-dir "$DIR" --listen 127.0.0.1:0 >"$DIR/master.log" 2>&1 &
MASTER=$!
trap 'kill "$MASTER" 2>/dev/null || true; wait "$MASTER" 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do [[ -s "$DIR/kubeconfig" ]] && break; sleep 0.1; done
[[ -s "$DIR/kubeconfig" ]] || { echo "skiffd wrote no kubeconfig"; cat "$DIR/master.log"; exit 1; }

failed=0
scenario() { # LABEL CMD...
  local label=$1; shift
  echo "=== $label"
  if "$@"; then echo "=== $label: passed"; else echo "=== $label: FAILED"; failed=1; fi
}
for v in 1.33 1.30; do
  if [[ -x "$SDK/kubectl.$v" ]]; then scenario "kubectl $v" "$HERE/kubectl-scenario.sh" "$SDK/kubectl.$v" "$DIR/kubeconfig"
  else echo "=== kubectl $v: skipped (not installed)"; fi
done
if K120=$("$HERE/fetch-kubectl-1.20.sh" "$ROOT/.tools/kubectl-1.20" 2>/dev/null | tail -n1); then
  scenario "kubectl 1.20" "$HERE/kubectl-scenario.sh" "$K120" "$DIR/kubeconfig"
else echo "=== kubectl 1.20: skipped (could not fetch kubernetes-client)"; fi
if PY=$("$HERE/setup-python.sh" "$ROOT/.tools/venv" 2>/dev/null | tail -n1); then
  scenario "python kubernetes" "$PY" "$HERE/python_client.py" "$DIR/kubeconfig"
else echo "=== python kubernetes: skipped (pip install kubernetes failed)"; fi
exit $failed
