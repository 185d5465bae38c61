#!/usr/bin/env bash
# Runs every test of KL Lab (the README's test command; .ci/run calls it):
#   1. native build and ctest: unit + claims, scipy references, headless UI, CUDA (skipped without a GPU),
#      the real klab binary against the file system (tests/cli), the fuzz corpora replayed
#   1b. sanitizer build (native-asan: clang, ASan + UBSan) and its ctest: unit, CLI, fuzz corpora
#       (not the claim tests: they repeat the unit tests' code paths at statistical sizes, 240 s under ASan);
#       the ctest runs beside the wasm build (step 2)
#   2. wasm build and ctest under node: the same unit and headless-UI programs (the UI's layout
#      checks run natively only)
#   3. native vs wasm parity: core fingerprints and a CLI run compared value by value
#   4. browser end-to-end in headless Chromium against the served page
# Installs what is missing first (scripts/bootstrap.sh --test, idempotent).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh --test
jobs=$(nproc)
export NODE_PATH=/usr/share/nodejs
t0=$SECONDS
step() { printf '\n\033[1;34m== %s\033[0m (%ds)\n' "$*" $((SECONDS - t0)); }

step "native build"
cmake --preset native >/dev/null
cmake --build --preset native -j"$jobs"
step "native tests"
ctest --preset native -j"$jobs"

step "sanitizer build (native-asan: ASan + UBSan)"
cmake --preset native-asan >/dev/null
cmake --build --preset native-asan -j"$jobs"
# The sanitizer tests keep about one core of two busy: they run beside the wasm build, their
# output kept in a log and shown when both are done.
step "sanitizer tests (beside the wasm build; output below when both are done)"
asan_log=build/native-asan/ctest.log
ctest --preset native-asan -j"$jobs" >"$asan_log" 2>&1 &
asan_tests=$!

step "wasm build (the lab, the CLI and the test programs; the wasm benches: --preset wasm)"
cmake --preset wasm >/dev/null
cmake --build --preset wasm-tests -j"$jobs"
step "sanitizer tests: result"
asan_rc=0
wait "$asan_tests" || asan_rc=$?
cat "$asan_log"
[ "$asan_rc" = 0 ] || { echo "test.sh: the sanitizer tests failed (exit $asan_rc; log: $asan_log)" >&2; exit 1; }
step "wasm tests (node)"
ctest --preset wasm -j"$jobs"

step "native vs wasm parity"
scripts/check_parity.sh

step "browser end-to-end (headless Chromium)"
node tests/e2e/lab.test.mjs --screenshots build/e2e-screenshots

step "all tests passed"
