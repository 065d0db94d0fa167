#!/usr/bin/env bash
# Fetch Debian's kubectl 1.20 (package kubernetes-client) into DEST_DIR without installing it:
# `apt-get install` would replace /usr/bin/kubectl (the google-cloud-cli dispatcher).
# Result: DEST_DIR/usr/bin/kubectl. Idempotent: does nothing if it is already there.
set -euo pipefail
DEST=${1:?usage: fetch-kubectl-1.20.sh DEST_DIR}
if [[ -x "$DEST/usr/bin/kubectl" ]]; then
  echo "$DEST/usr/bin/kubectl"
  exit 0
fi
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
# apt-get download runs as the _apt user when it can; a root-owned mktemp dir is not writable by it.
chmod 0777 "$TMP"
if ! apt-get download kubernetes-client >/dev/null 2>&1; then
  apt-get update >/dev/null
  apt-get download kubernetes-client >/dev/null
fi
deb=$(ls kubernetes-client_*.deb | head -n1)
dpkg -x "$deb" "$DEST"
if [[ ! -x "$DEST/usr/bin/kubectl" ]]; then
  echo "fetch-kubectl-1.20: $deb did not contain usr/bin/kubectl" >&2
  exit 1
fi
echo "$DEST/usr/bin/kubectl"
