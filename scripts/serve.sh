#!/usr/bin/env bash
# Serves the browser lab at http://127.0.0.1:${PORT:-8080}/ .
# Installs what is missing (scripts/bootstrap.sh, idempotent), builds the WebAssembly lab
# (CMake preset "wasm", output in web/dist/), then serves the repository root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
export NODE_PATH=/usr/share/nodejs
echo "[serve] building the WebAssembly lab (first time: a few minutes)"
cmake --preset wasm >/dev/null
cmake --build --preset wasm --target klab_gui -j"$(nproc)"
exec node scripts/serve.mjs --root . --port "${PORT:-8080}"
