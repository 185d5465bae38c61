#!/usr/bin/env bash
# The GPU check: one command that verifies KL Lab's CUDA path on a GPU machine (H100/H200) in
# under 8 minutes, and builds everything (skipping what needs a GPU, and saying so) elsewhere.
#
# The machine may be bare and offline: it needs nvcc, CMake, a host g++ (ninja if present) and the
# header-only libraries that scripts/gpu_prepare.sh copied into build/gpu-prefix on a machine with
# Debian's packages (ship that folder with the tree). Steps, each under its own timeout:
#   1. the GPU (nvidia-smi: name, driver) and the tools;
#   2. configure two builds, release and strict (KLAB_STRICT_FP: the lab's own elementary functions,
#      no fused multiply-add), with -DKLAB_CUDA=ON -DKLAB_BUILD_GUI=OFF and the prefix; if the
#      configure fails, one direct nvcc command builds the bandits CUDA test instead (fallback);
#   3. build the CUDA tests and benchmarks of both with all cores;
#   4. run them with KLAB_REQUIRE_GPU=1 (a missing GPU is then a failure, not a skip): the RNG
#      kernel, bandits.regret's, diffusion.samplers', blackbox.es's, blackbox.nsga2's, mdp.learning's and
#      offline.edge_of_reach's and offline.dice's engines against their CPU twins;
#   5. confirm sm_90 machine code (cuobjdump --list-elf; the ctest cuda_architectures also checks
#      the default and its override with a fresh configure);
#   6. compute-sanitizer (memcheck, racecheck) on the small tests (`--quick`);
#   7. the throughput of every CUDA engine and its speed-up over all CPU cores (bench/cuda_bench);
#   8. the CLI end to end: `klab run <demo> --backend cuda` against `--backend cpu`.
# Prints one table and writes it, row by row as the steps end, with every step's log, to the output
# folder: $KLAB_GPU_CHECK_OUT, else $OUT (the device tool's folder that comes back), else
# build/gpu-check. With a GPU the whole run keeps within KLAB_GPU_CHECK_BUDGET (540 s).
#
# Without a GPU (no nvidia-smi answer) the GPU steps are skipped with the reason and the script
# exits 0 if everything else passed — unless KLAB_REQUIRE_GPU=1, which makes a missing GPU a
# failure. KLAB_GPU_CHECK_FALLBACK=1 runs the fallback build even when the configure succeeds.
#
#   scripts/gpu_check.sh            (bench/README.md: how to run it on the lent GPU machine)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
start=$SECONDS
out=${KLAB_GPU_CHECK_OUT:-${OUT:-build/gpu-check}}
prefix=${KLAB_GPU_PREFIX:-$root/build/gpu-prefix}
jobs=$(nproc)
mkdir -p "$out/logs"
out=$(cd "$out" && pwd)
require_gpu=${KLAB_REQUIRE_GPU:-0}
[ "$require_gpu" = "0" ] && require_gpu=""

export PATH="$PATH:/usr/local/cuda/bin:/usr/local/cuda/compute-sanitizer"
rows=()    # step | verdict | seconds | detail
failed=0
# Each row also goes to the table file at once, so that a run cut short still returns its rows.
row() {
  rows+=("$1|$2|$3|$4")
  [ "$2" = FAIL ] || [ "$2" = TIMEOUT ] && failed=1
  printf '%-44s %-8s %5ss  %s\n' "$1" "$2" "$3" "$4"
  printf '| %-44s | %-7s | %5ss | %s\n' "$1" "$2" "$3" "$4" >>"$out/gpu_check.txt"
}

# step NAME TIMEOUT_S COMMAND...: runs it with its output in logs/NAME.log and records the verdict
# (exit 0 PASS, 77 SKIP, 124/137 TIMEOUT, else FAIL); the detail is the log's last line, or
# DETAIL_GREP's matches.
step() {
  local name=$1 limit=$2
  shift 2
  local safe
  safe=$(tr -c 'A-Za-z0-9._-' '_' <<<"$name" | sed 's/__*/_/g; s/_$//')  # plain names travel back
  local log="$out/logs/$safe.log" t0=$SECONDS rc
  if [ -n "$budget" ]; then  # never past the whole run's budget
    local left=$((budget - (SECONDS - start)))
    if [ $left -lt 15 ]; then
      row "$name" TIMEOUT 0 "not started: the run's ${budget}s budget is spent"
      return 124
    fi
    [ "$limit" -gt "$left" ] && limit=$left
  fi
  timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
  rc=$?
  local verdict=FAIL detail
  case $rc in
    0) verdict=PASS ;;
    77) verdict=SKIP ;;
    124 | 137) verdict=TIMEOUT ;;
  esac
  detail=$(grep -E "${DETAIL_GREP:-.}" "$log" | tail -1 | cut -c1-150)
  [ "$verdict" = TIMEOUT ] && detail="killed after ${limit}s; $detail"
  row "$name" "$verdict" $((SECONDS - t0)) "$detail"
  return $rc
}

# ---- 1. the GPU and the tools ---------------------------------------------------------------
gpu_name="none" driver="none" gpu=""
if command -v nvidia-smi >/dev/null 2>&1 && smi=$(timeout 60 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1); then
  gpu_name=$(head -1 <<<"$smi" | cut -d, -f1 | sed 's/^ *//')
  driver=$(head -1 <<<"$smi" | cut -d, -f2 | sed 's/^ *//')
  gpu="$(head -1 <<<"$smi" | sed 's/, */, /g')"
  no_gpu_reason=""
else
  no_gpu_reason="no GPU answers here (nvidia-smi: ${smi:-not installed})"
  no_gpu_reason=${no_gpu_reason//$'\n'/ }
fi
nvcc_version=$(nvcc --version 2>/dev/null | sed -n 's/.*release \([0-9.]*\).*/\1/p')
generator="Unix Makefiles"
command -v ninja >/dev/null 2>&1 && generator=Ninja
echo "KL Lab GPU check: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "GPU: ${gpu:-$no_gpu_reason}"
echo "nvcc ${nvcc_version:-missing}, $(cmake --version | head -1), generator $generator, $jobs CPU cores, output $out"
[ -d "$prefix" ] || echo "note: $prefix is missing (scripts/gpu_prepare.sh makes it); the configure must then find Eigen, nlohmann-json and doctest elsewhere"
if [ -z "$gpu" ] && [ -z "$require_gpu" ]; then
  echo "mode: no GPU: everything is built; the tests run to their skip path; the sanitizer and the benchmarks are skipped"
fi
# With a GPU (or when required), a test that cannot find the GPU fails instead of skipping.
if [ -n "$gpu" ] || [ -n "$require_gpu" ]; then export KLAB_REQUIRE_GPU=1; else unset KLAB_REQUIRE_GPU; fi
# Limits: on a GPU machine the whole run stays within KLAB_GPU_CHECK_BUDGET seconds (default 540,
# under the device tool's 600 s per command, so the table always comes back; 16 cores take about
# 90 s per build). A machine without a GPU, often a 2-core one (7–18 minutes per build), gets 40
# minutes per build and no overall budget.
build_limit=${KLAB_GPU_CHECK_BUILD_TIMEOUT:-420}
budget=${KLAB_GPU_CHECK_BUDGET:-540}
if [ -z "$gpu" ]; then
  [ -z "${KLAB_GPU_CHECK_BUILD_TIMEOUT:-}" ] && build_limit=2400
  [ -z "${KLAB_GPU_CHECK_BUDGET:-}" ] && budget=""
fi
{
  echo "KL Lab GPU check (in progress), started $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "GPU: ${gpu:-$no_gpu_reason}"
  echo
} >"$out/gpu_check.txt"

# ---- 2. configure (release and strict), or the fallback ---------------------------------------
cuda_targets=(klab_cuda_tests klab_bandits_cuda_tests klab_diffusion_cuda_tests klab_blackbox_cuda_tests klab_mdp_cuda_tests cuda_bench klab)
cuda_targets+=(klab_offline_cuda_tests)  # offline.edge_of_reach's engine
cuda_targets+=(klab_blackbox_nsga2_cuda_tests)  # blackbox.nsga2's engine (its steps: the blackbox.nsga2 blocks below)
cuda_targets+=(klab_optim_cuda_tests)  # optim.mixture's engine (src/optim/mixture_engine.cu)
cuda_targets+=(klab_offline_dice_cuda_tests)  # offline.dice's engine (its steps: the offline.dice blocks below)
declare -A build_ok
configure_ok=1
for variant in release strict; do
  dir=build/gpu-$variant
  strict=OFF
  [ $variant = strict ] && strict=ON
  if step "configure $variant" 240 cmake -S . -B "$dir" -G "$generator" -DCMAKE_BUILD_TYPE=Release -DKLAB_CUDA=ON \
      -DKLAB_BUILD_GUI=OFF -DKLAB_BUILD_TESTS=ON -DKLAB_STRICT_FP=$strict "-DCMAKE_PREFIX_PATH=$prefix"; then
    arch=$(sed -n 's/^CMAKE_CUDA_ARCHITECTURES:[A-Z]*=//p' "$dir/CMakeCache.txt")
    DETAIL_GREP="Linking|error" step "build $variant (CUDA_ARCHITECTURES=$arch)" "$build_limit" \
      cmake --build "$dir" --target "${cuda_targets[@]}" -j"$jobs" && build_ok[$variant]=1
  else
    configure_ok=0
  fi
done

if [ $configure_ok = 0 ] || [ "${KLAB_GPU_CHECK_FALLBACK:-0}" = 1 ]; then
  # One nvcc command: the bandits CUDA test and everything it links (core, bandits, the device probe).
  mkdir -p build/gpu-fallback
  bandits_sources=()
  for f in src/bandits/*.cpp; do
    case $f in *_panel.cpp | */panels.cpp | */engine_none.cpp) ;; *) bandits_sources+=("$f") ;; esac
  done
  step "fallback: one nvcc command (sm_90)" "$build_limit" nvcc -std=c++17 -O3 -arch=sm_90 --expt-relaxed-constexpr -Xcompiler -ffp-contract=off \
    -Isrc -Itests/cuda -I"$prefix/include" -I"$prefix/include/eigen3" -I/usr/include/eigen3 \
    tests/cuda/bandits_cuda_test.cpp src/core/*.cpp "${bandits_sources[@]}" src/bandits/engine.cu src/cuda/device.cu \
    -o build/gpu-fallback/klab_bandits_cuda_tests -lpthread &&
    step "fallback: bandits CPU-vs-CUDA test" 300 build/gpu-fallback/klab_bandits_cuda_tests
fi

# ---- 3-4. tests ------------------------------------------------------------------------------
for variant in release strict; do
  [ -n "${build_ok[$variant]:-}" ] || continue
  dir=build/gpu-$variant
  DETAIL_GREP="FAIL|SKIP|runs:" step "test $variant: RNG + kl bound CPU = GPU" 120 "$dir/tests/klab_cuda_tests"
  DETAIL_GREP="FAIL|SKIP|differ from|pulls/s" step "test $variant: bandits CPU = GPU" 300 "$dir/tests/klab_bandits_cuda_tests"
  DETAIL_GREP="FAIL|SKIP|differ|evaluations/s" step "test $variant: diffusion CPU = GPU" 180 "$dir/tests/klab_diffusion_cuda_tests"
  DETAIL_GREP="FAIL|SKIP|differ|evaluations/s" step "test $variant: blackbox.es CPU = GPU" 150 "$dir/tests/klab_blackbox_cuda_tests"
  DETAIL_GREP="FAIL|SKIP|differ|steps/s" step "test $variant: mdp.learning CPU = GPU" 150 "$dir/tests/klab_mdp_cuda_tests"
  # offline.edge_of_reach's learners (src/offline/engine.cu)
  DETAIL_GREP="FAIL|SKIP|differ|updates/s" step "test $variant: offline.edge_of_reach CPU = GPU" 150 "$dir/tests/klab_offline_cuda_tests"
  # optim.mixture: entropic and Euclidean SMD, one block per run (weights bit for bit in strict; samples/s at M = 10^5).
  DETAIL_GREP="FAIL|SKIP|differ|outside|samples/s" step "test $variant: optim.mixture CPU = GPU" 150 "$dir/tests/klab_optim_cuda_tests"
done

# ---- 4, blackbox.nsga2: its engine against the host twin and the CPU engine (about 10-30 s per build) ----
for variant in release strict; do
  [ -n "${build_ok[$variant]:-}" ] || continue
  DETAIL_GREP="FAIL|SKIP|differ|evaluations/s|SE" step "test $variant: blackbox.nsga2 CPU = GPU" 120 "build/gpu-$variant/tests/klab_blackbox_nsga2_cuda_tests"
done

# ---- 4, offline.dice: its engine (src/offline/engine.cu, second kernel) against the host twin and the CPU engine ----
for variant in release strict; do
  [ -n "${build_ok[$variant]:-}" ] || continue
  DETAIL_GREP="FAIL|SKIP|differ|steps/s" step "test $variant: offline.dice CPU = GPU" 120 "build/gpu-$variant/tests/klab_offline_dice_cuda_tests"
done

# ---- 5. sm_90 machine code ---------------------------------------------------------------------
if [ -n "${build_ok[release]:-}" ]; then
  if command -v cuobjdump >/dev/null 2>&1; then
    for lib in build/gpu-release/src/bandits/libklab_bandits_cuda.a build/gpu-release/src/diffusion/libklab_diffusion_cuda.a \
      build/gpu-release/src/blackbox/libklab_blackbox_cuda.a build/gpu-release/src/mdp/libklab_mdp_cuda.a build/gpu-release/src/cuda/libklab_cuda.a \
      build/gpu-release/src/offline/libklab_offline_cuda.a build/gpu-release/src/optim/libklab_optim_cuda.a; do
      DETAIL_GREP="architectures" step "cuobjdump --list-elf $(basename "$lib")" 60 bash -c \
        'listing=$(cuobjdump --list-elf "$1") || exit 1; echo "$listing"
         archs=$(grep -o "sm_[0-9]*a\?" <<<"$listing" | sort -u | tr "\n" " ")
         echo "machine code architectures: $archs(expected: sm_90)"; [ "$archs" = "sm_90 " ]' _ "$lib"
    done
  else
    row "cuobjdump" SKIP 0 "cuobjdump not installed; the ctest below reads the embedded ptxas options instead"
  fi
  DETAIL_GREP="sm_|Passed|Failed|expected" step "ctest cuda_architectures (default 90, override)" 120 \
    ctest --test-dir build/gpu-release -R '^cuda_architectures$' --output-on-failure -V
fi

# ---- 6. compute-sanitizer -------------------------------------------------------------------
if [ -n "${build_ok[release]:-}" ]; then
  if [ -z "$gpu" ]; then
    row "compute-sanitizer" SKIP 0 "$no_gpu_reason"
  elif ! command -v compute-sanitizer >/dev/null 2>&1; then
    row "compute-sanitizer" SKIP 0 "compute-sanitizer not installed"
  else
    DETAIL_GREP="ERROR SUMMARY" step "memcheck: RNG test" 180 compute-sanitizer --tool memcheck --error-exitcode 3 build/gpu-release/tests/klab_cuda_tests
    DETAIL_GREP="ERROR SUMMARY" step "memcheck: bandits test --quick" 240 compute-sanitizer --tool memcheck --error-exitcode 3 \
      build/gpu-release/tests/klab_bandits_cuda_tests --quick
    DETAIL_GREP="ERROR SUMMARY|RACECHECK SUMMARY" step "racecheck: bandits test --quick" 240 compute-sanitizer --tool racecheck \
      --error-exitcode 3 build/gpu-release/tests/klab_bandits_cuda_tests --quick
    # (The diffusion kernel uses no shared memory, so racecheck has nothing to check there.)
    DETAIL_GREP="ERROR SUMMARY" step "memcheck: diffusion test --quick" 180 compute-sanitizer --tool memcheck --error-exitcode 3 \
      build/gpu-release/tests/klab_diffusion_cuda_tests --quick
    # (Nor does the blackbox.es kernel.)
    DETAIL_GREP="ERROR SUMMARY" step "memcheck: blackbox.es test --quick" 150 compute-sanitizer --tool memcheck --error-exitcode 3 \
      build/gpu-release/tests/klab_blackbox_cuda_tests --quick
    # (Nor does the mdp.learning kernel.)
    DETAIL_GREP="ERROR SUMMARY" step "memcheck: mdp.learning test --quick" 120 compute-sanitizer --tool memcheck --error-exitcode 3 \
      build/gpu-release/tests/klab_mdp_cuda_tests --quick
    # (Nor does the offline.edge_of_reach kernel.)
    DETAIL_GREP="ERROR SUMMARY" step "memcheck: offline.edge_of_reach test --quick" 120 compute-sanitizer --tool memcheck --error-exitcode 3 \
      build/gpu-release/tests/klab_offline_cuda_tests --quick
    # optim.mixture: the block's partial sums and the sample live in shared memory, hence racecheck too.
    DETAIL_GREP="ERROR SUMMARY" step "memcheck: optim.mixture test --quick" 120 compute-sanitizer --tool memcheck --error-exitcode 3 \
      build/gpu-release/tests/klab_optim_cuda_tests --quick
    DETAIL_GREP="ERROR SUMMARY|RACECHECK SUMMARY" step "racecheck: optim.mixture test --quick" 120 compute-sanitizer --tool racecheck \
      --error-exitcode 3 build/gpu-release/tests/klab_optim_cuda_tests --quick
  fi
fi

# ---- 6, blackbox.nsga2: memcheck on its small test (no shared memory: no racecheck) ----------------
if [ -n "${build_ok[release]:-}" ] && [ -n "$gpu" ] && command -v compute-sanitizer >/dev/null 2>&1; then
  DETAIL_GREP="ERROR SUMMARY" step "memcheck: blackbox.nsga2 test --quick" 120 compute-sanitizer --tool memcheck --error-exitcode 3 \
    build/gpu-release/tests/klab_blackbox_nsga2_cuda_tests --quick
fi

# ---- 6, offline.dice: memcheck on its small test (no shared memory: no racecheck) ----------------
if [ -n "${build_ok[release]:-}" ] && [ -n "$gpu" ] && command -v compute-sanitizer >/dev/null 2>&1; then
  DETAIL_GREP="ERROR SUMMARY" step "memcheck: offline.dice test --quick" 120 compute-sanitizer --tool memcheck --error-exitcode 3 \
    build/gpu-release/tests/klab_offline_dice_cuda_tests --quick
fi

# ---- 7. throughput ---------------------------------------------------------------------------
bench_rows=()
for variant in release strict; do
  [ -n "${build_ok[$variant]:-}" ] || continue
  if [ -z "$gpu" ] && [ -z "$require_gpu" ]; then
    row "bench $variant" SKIP 0 "$no_gpu_reason"
    continue
  fi
  DETAIL_GREP="speed-up|MISMATCH|FAIL" step "bench $variant: every CUDA engine" 240 "build/gpu-$variant/bench/cuda_bench"
  while read -r line; do
    bench_rows+=("$variant $line")
  done < <(sed -n 's/^CUDA_BENCH //p' "$out/logs/bench_${variant}_every_CUDA_engine.log")
done

# ---- 8. the CLI end to end: klab run --backend cuda ------------------------------------------------
# The user's path: `klab run bandits.regret --backend cuda` (and diffusion.samplers, blackbox.es, mdp.learning,
# offline.edge_of_reach) against
# `--backend cpu` on the same config (strict build: summary.json and curves.csv byte-identical;
# release: the comparison is reported, not required), then the full-scale figure: 10^7 seeds of
# KL-UCB at T = 10^4.
if [ -n "$gpu" ] || [ -n "$require_gpu" ]; then
  cli_cmp() {  # cli_cmp BUILD REQUIRE_IDENTICAL DEMO WHAT SETTINGS...
    local k=build/gpu-$1/src/app/klab d=$out/cli-$1-$3 require=$2 demo=$3 what=$4
    shift 4
    local set=("$@" --seed 7 --quiet --overwrite)
    rm -rf "$d"
    "$k" run "$demo" "${set[@]}" --backend cpu --out "$d/cpu" || return 1
    "$k" run "$demo" "${set[@]}" --backend cuda --out "$d/cuda" || return 1
    local same=1  # summary.json apart from its last field, "timing"
    cmp -s <(sed '/"timing"/,$d' "$d/cpu/summary.json") <(sed '/"timing"/,$d' "$d/cuda/summary.json") || same=0
    cmp -s "$d/cpu/curves.csv" "$d/cuda/curves.csv" || same=0
    if [ $same = 1 ]; then echo "$what: summary.json (timing aside) and curves.csv byte-identical, cpu = cuda"; return 0; fi
    echo "$what: cpu and cuda files differ ($(diff <(sed '/"timing"/,$d' "$d/cpu/summary.json") <(sed '/"timing"/,$d' "$d/cuda/summary.json") | grep -c '^<') summary lines, $(diff "$d/cpu/curves.csv" "$d/cuda/curves.csv" | grep -c '^<') curve rows)"
    [ "$require" = 1 ] && return 1 || return 0
  }
  bandits_cmp() { cli_cmp "$1" "$2" bandits.regret "2000 runs x 8 policies, T = 2000" --set horizon=2000 --runs 2000; }
  diffusion_cmp() { cli_cmp "$1" "$2" diffusion.samplers "diffusion.samplers, 4 runs x 6 samplers x 10 NFE, n = 2000" --set particles=2000 --runs 4; }
  blackbox_cmp() { cli_cmp "$1" "$2" blackbox.es "blackbox.es defaults, 64 runs" --runs 64; }
  mdp_cmp() { cli_cmp "$1" "$2" mdp.learning "mdp.learning, 3 TD learners, 256 runs" --set methods=q_learning,sarsa,expected_sarsa --runs 256; }
  scale() {
    local k=build/gpu-release/src/app/klab t0 t1
    t0=$(date +%s.%N)
    "$k" run bandits.regret --set policies=klucb --runs 10000000 --quiet --overwrite --backend cuda --out "$out/cli-scale" || return 1
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { s = b - a; printf "klab run bandits.regret --set policies=klucb --runs 10000000 --backend cuda: %.1f s, %.2e pulls/s end to end\n", s, 1e11 / s }'
  }
  export out
  offline_cmp() { cli_cmp "$1" "$2" offline.edge_of_reach "offline.edge_of_reach defaults, 32 runs" --runs 32; }
  export -f cli_cmp bandits_cmp diffusion_cmp blackbox_cmp mdp_cmp offline_cmp scale
  [ -n "${build_ok[strict]:-}" ] && step "cli strict: --backend cuda = cpu, bytes" 120 bash -c 'bandits_cmp strict 1'
  [ -n "${build_ok[release]:-}" ] && step "cli release: --backend cuda vs cpu" 120 bash -c 'bandits_cmp release 0'
  [ -n "${build_ok[strict]:-}" ] && step "cli strict: diffusion cuda = cpu, bytes" 120 bash -c 'diffusion_cmp strict 1'
  [ -n "${build_ok[strict]:-}" ] && step "cli strict: blackbox.es cuda = cpu, bytes" 60 bash -c 'blackbox_cmp strict 1'
  [ -n "${build_ok[strict]:-}" ] && step "cli strict: mdp.learning cuda = cpu, bytes" 60 bash -c 'mdp_cmp strict 1'
  # mdp.learning at its defaults: every method (TD learners, UCBVI, Retrace / tree backup / RBIS at every λ), 64 runs.
  mdp_all_cmp() { cli_cmp "$1" "$2" mdp.learning "mdp.learning defaults (7 methods, 25 jobs a run), 64 runs" --runs 64; }
  export -f mdp_all_cmp
  [ -n "${build_ok[strict]:-}" ] && step "cli strict: mdp.learning defaults cuda = cpu, bytes" 60 bash -c 'mdp_all_cmp strict 1'
  [ -n "${build_ok[strict]:-}" ] && step "cli strict: offline.edge_of_reach cuda = cpu, bytes" 60 bash -c 'offline_cmp strict 1'
  # optim.mixture: entropic SMD on 1-D bumps over 2 chunks (M = 300), 64 runs.
  mixture_cmp() { cli_cmp "$1" "$2" optim.mixture "optim.mixture, smd_entropic, bumps M = 300, 64 runs" --set methods=smd_entropic --set target=bumps --set components=300 --set samples=3000 --runs 64; }
  export -f mixture_cmp
  [ -n "${build_ok[strict]:-}" ] && step "cli strict: optim.mixture cuda = cpu, bytes" 60 bash -c 'mixture_cmp strict 1'
  # optim.mixture: Euclidean SMD (Michelot's projection, block reductions) and entropic SMD, 2-D bumps s = 20 (M = 400, 2 chunks), 64 runs.
  mixture_euclid_cmp() { cli_cmp "$1" "$2" optim.mixture "optim.mixture, smd_euclidean + smd_entropic, 2-D bumps s = 20, 64 runs" --set methods=smd_entropic,smd_euclidean --set target=bumps2d --set side=20 --set width=0.1 --set euclid_step=0.1 --set samples=2000 --runs 64; }
  export -f mixture_euclid_cmp
  [ -n "${build_ok[strict]:-}" ] && step "cli strict: optim.mixture Euclidean cuda = cpu, bytes" 60 bash -c 'mixture_euclid_cmp strict 1'
  [ -n "${build_ok[release]:-}" ] && step "cli release: 10^7 seeds of KL-UCB, T = 10^4" 200 bash -c scale
fi

# ---- 8, blackbox.nsga2: klab run --backend cuda against --backend cpu (strict build: byte-identical) ----
if { [ -n "$gpu" ] || [ -n "$require_gpu" ]; } && [ -n "${build_ok[strict]:-}" ]; then
  nsga2_cmp() { cli_cmp "$1" "$2" blackbox.nsga2 "blackbox.nsga2 defaults, 64 runs" --runs 64; }
  export -f nsga2_cmp
  step "cli strict: blackbox.nsga2 cuda = cpu, bytes" 60 bash -c 'nsga2_cmp strict 1'
fi

# ---- 8, offline.dice: klab run --backend cuda against --backend cpu (strict build: byte-identical) ----
if { [ -n "$gpu" ] || [ -n "$require_gpu" ]; } && [ -n "${build_ok[strict]:-}" ]; then
  dice_cmp() { cli_cmp "$1" "$2" offline.dice "offline.dice defaults, 32 runs" --runs 32; }
  export -f dice_cmp
  step "cli strict: offline.dice cuda = cpu, bytes" 60 bash -c 'dice_cmp strict 1'
fi

# ---- the table ---------------------------------------------------------------------------------
{
  echo "KL Lab GPU check, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $((SECONDS - start)) s in all"
  echo "GPU: $gpu_name | driver: $driver | nvcc ${nvcc_version:-?} | host: $jobs CPU cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
  [ -z "$gpu" ] && echo "GPU steps skipped: $no_gpu_reason"
  echo
  printf '| %-44s | %-7s | %6s | %s\n' step verdict time detail
  printf '|%s|%s|%s|%s\n' "----------------------------------------------" "---------" "--------" "------"
  for r in "${rows[@]}"; do
    IFS='|' read -r name verdict secs detail <<<"$r"
    printf '| %-44s | %-7s | %5ss | %s\n' "$name" "$verdict" "$secs" "$detail"
  done
  if [ ${#bench_rows[@]} -gt 0 ]; then
    echo
    printf '| %-16s | %-7s | %-14s | %-22s | %s\n' engine build "GPU per s" "CPU per s (all cores)" "speed-up"
    for b in "${bench_rows[@]}"; do
      variant=${b%% *}
      engine=$(sed -n 's/.*engine=\([^ ]*\).*/\1/p' <<<"$b")
      unit=$(sed -n 's/.*unit=\([^ ]*\).*/\1/p' <<<"$b")
      g=$(sed -n 's/.*gpu_per_s=\([^ ]*\).*/\1/p' <<<"$b")
      c=$(sed -n 's/.*cpu_per_s=\([^ ]*\).*/\1/p' <<<"$b")
      n=$(sed -n 's/.*cpu_threads=\([^ ]*\).*/\1/p' <<<"$b")
      x=$(sed -n 's/.*speedup=\([^ ]*\).*/\1/p' <<<"$b")
      printf '| %-16s | %-7s | %-14s | %-22s | %sx\n' "$engine" "$variant" "$g $unit" "$c ($n threads)" "$x"
    done
  fi
  echo
  if [ $failed = 1 ]; then echo "RESULT: FAIL (logs in $out/logs)"; else if [ -n "$gpu" ]; then echo "RESULT: PASS on $gpu_name"; else echo "RESULT: PASS (no GPU: GPU steps skipped)"; fi; fi
} >"$out/gpu_check.txt"
echo
cat "$out/gpu_check.txt"
exit $failed
