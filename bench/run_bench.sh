#!/usr/bin/env bash
# Builds bench_core natively (build/native) and as WebAssembly (build/wasm), reusing those build
# folders, runs both, and prints the wasm/native time ratio of the core loop (KL-UCB indices:
# Philox uniforms + kl_bernoulli_upper inversions). Target: wasm within 1.3x of native.
# Prints figures only; it never fails on a timing.
#
#   bench/run_bench.sh [--quick]        (KLAB_DEPS_DIR=... to reuse another checkout's build/deps)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
quick=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=(--quick) ;;
    *) echo "usage: bench/run_bench.sh [--quick]" >&2; exit 2 ;;
  esac
done
jobs=${KLAB_JOBS:-2}
configure_args=()
if [ -n "${KLAB_DEPS_DIR:-}" ]; then configure_args+=("-DKLAB_DEPS_DIR=$KLAB_DEPS_DIR"); fi
export NODE_PATH=/usr/share/nodejs  # emcc's optimiser needs Debian's acorn (see TOOLCHAIN.md)

echo "== building bench_core (native: build/native, wasm: build/wasm)"
[ -f build/native/CMakeCache.txt ] || cmake --preset native "${configure_args[@]}" >/dev/null
cmake --build build/native --target bench_core -j"$jobs" >/dev/null
[ -f build/wasm/CMakeCache.txt ] || cmake --preset wasm "${configure_args[@]}" >/dev/null
cmake --build build/wasm --target bench_core -j"$jobs" >/dev/null

native=(build/native/bench/bench_core)
wasm=(node --no-experimental-fetch build/wasm/bench/bench_core.js)

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== native"
native_out=$("${native[@]}" "${quick[@]}")
echo "$native_out"
echo "== wasm (node $(node --version))"
wasm_out=$("${wasm[@]}" "${quick[@]}")
echo "$wasm_out"

# The core loop again, alternating native and wasm, so both see the same background load;
# each figure is the best (smallest) ns/index of its runs.
field() { sed -n 's/.* \([0-9.]*\) ns\/index.*/\1/p' <<<"$1"; }
checksum() { sed -n 's/.*checksum=\([0-9]*\).*/\1/p' <<<"$1"; }
n_best=$(field "$(grep '^core' <<<"$native_out")")
w_best=$(field "$(grep '^core' <<<"$wasm_out")")
for _ in 1 2; do
  n=$(field "$("${native[@]}" --core-only "${quick[@]}" | grep '^core')")
  w=$(field "$("${wasm[@]}" --core-only "${quick[@]}" | grep '^core')")
  n_best=$(awk -v a="$n_best" -v b="$n" 'BEGIN { print (b < a ? b : a) }')
  w_best=$(awk -v a="$w_best" -v b="$w" 'BEGIN { print (b < a ? b : a) }')
done
same="the same work (checksums equal)"
[ "$(checksum "$native_out")" = "$(checksum "$wasm_out")" ] || same="DIFFERENT checksums: the builds did not do the same work"
echo "== core loop (KL-UCB index: Philox uniform + kl_bernoulli_upper), best of 3 alternating runs"
awk -v n="$n_best" -v w="$w_best" -v same="$same" 'BEGIN {
  printf "native %.2f ns/index, wasm %.2f ns/index: wasm/native time ratio %.3f (target <= 1.3); %s\n", n, w, w / n, same
}'
