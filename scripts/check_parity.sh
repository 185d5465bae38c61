#!/usr/bin/env bash
# Native vs wasm: the same programs built both ways must agree.
#   - klab_fingerprint: RNG words, sampler draws, kl bounds and every demo's batch statistics
#     (discrete values exactly, reals to a relative 1e-12);
#   - the CLI: `klab run kl.forward_reverse --seed 7` natively and under node give the same
#     summary.json apart from timing.
# Needs build/native and build/wasm (scripts/test.sh builds them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=build/parity
rm -rf "$out" && mkdir -p "$out"
node_run() { node --no-experimental-fetch "$@"; }

# The native and the wasm program side by side (each is single-threaded).
build/native/tests/klab_fingerprint >"$out/native.txt" &
native=$!
node_run build/wasm/tests/klab_fingerprint.js >"$out/wasm.txt"
wait $native
node scripts/compare_fingerprints.mjs "$out/native.txt" "$out/wasm.txt"

args=(run kl.forward_reverse --seed 7 --runs 64 --quiet)
build/native/src/app/klab "${args[@]}" --out "$out/cli-native" &
native=$!
node_run build/wasm/src/app/klab.js "${args[@]}" --out "$out/cli-wasm"
wait $native
node scripts/compare_summaries.mjs "$out/cli-native/summary.json" "$out/cli-wasm/summary.json"
