#!/usr/bin/env bash
# Create VENV_DIR with the official Kubernetes Python client (`pip install kubernetes`).
# Idempotent: does nothing if VENV_DIR/bin/python can already import kubernetes.
set -euo pipefail
VENV=${1:?usage: setup-python.sh VENV_DIR}
if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import kubernetes' 2>/dev/null; then
  echo "$VENV/bin/python"
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check kubernetes
"$VENV/bin/python" -c 'import kubernetes; print("kubernetes", kubernetes.__version__)' >&2
echo "$VENV/bin/python"
