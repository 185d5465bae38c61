#!/usr/bin/env bash
# The GPU check: one command that verifies KL Lab's CUDA path on a GPU machine (H100/H200) within a
# time budget, and builds everything (skipping what needs a GPU, and saying so) elsewhere.
#
# The machine may be bare and offline: it needs nvcc, CMake, a host g++ (ninja if present) and the
# header-only libraries that scripts/gpu_prepare.sh copied into build/gpu-prefix on a machine with
# Debian's packages (ship that folder with the tree). Every CUDA engine is one line of the table
# `engines` below (its test, whether its kernel shares memory, its CLI comparison); a chapter that
# adds an engine adds its line there and in bench/cuda_bench.cpp. The steps run most valuable first,
# so that a run cut short by the budget still answers the main questions:
#   1. the GPU (nvidia-smi: name, driver) and the tools;
#   2. the strict build (KLAB_STRICT_FP: the lab's own elementary functions, no fused multiply-add;
#      -DKLAB_CUDA=ON -DKLAB_BUILD_GUI=OFF and the prefix), all cores; if the configure fails, one
#      direct nvcc command builds and runs the bandits CUDA test instead (fallback);
#   3. every engine's test in the strict build (KLAB_REQUIRE_GPU=1: a missing GPU fails, not
#      skips): bit-identical to its CPU twin;
#   4. the CLI end to end in the strict build: `klab run <demo> --backend cuda` = `--backend cpu`,
#      summary.json (timing aside) and curves.csv byte for byte; then the same under `mpirun -np 2`
#      (issue 14; Open MPI from the machine, else the relocatable copy in the prefix);
#   5. the release build; every engine's test there (agreement within tolerance; the tests print
#      their kernels' throughput), then bench/cuda_bench (every engine's throughput and speed-up
#      over all CPU cores);
#   6. compute-sanitizer on the small tests (`--quick`): memcheck, and the engine's own tools
#      (racecheck where the kernel shares memory, synccheck where it has barriers);
#   7. the full-scale figure (10^7 seeds of KL-UCB), sm_90 machine code (cuobjdump --list-elf; the
#      ctest cuda_architectures checks the default and its override), the strict build's bench.
# Prints one table and writes it, row by row as the steps end, with every step's log, to the output
# folder: $KLAB_GPU_CHECK_OUT, else $OUT (the device tool's folder that comes back), else
# build/gpu-check. With a GPU the whole run keeps within KLAB_GPU_CHECK_BUDGET seconds (420); a
# step that would start past it is reported "not started".
#
# KLAB_GPU_CHECK_ONLY=key,key…: only the engines whose keys start with one of these (a rerun of
# what failed; e.g. KLAB_GPU_CHECK_ONLY=mdp,offline.dice); the builds then make only their targets.
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
[ -d "$prefix" ] && prefix=$(cd "$prefix" && pwd)  # absolute: OPAL_PREFIX below must be
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
# Open MPI (issue 14): the machine's own, else the copy scripts/gpu_prepare.sh put in the prefix,
# relocated by OPAL_PREFIX (its libraries and plugins) and PMIX_INSTALL_PREFIX; Debian's
# /etc/openmpi settings, which do not move with the prefix, as OMPI_MCA_* variables; no single-copy
# shared memory (a container may refuse cross-memory attach). The builds then find mpicxx on PATH
# and turn KLAB_MPI on.
if ! command -v mpicxx >/dev/null 2>&1 && [ -x "$prefix/openmpi/bin/orterun" ]; then
  export OPAL_PREFIX=$prefix/openmpi
  export PMIX_INSTALL_PREFIX=$OPAL_PREFIX/lib/x86_64-linux-gnu/pmix2
  export PMIX_MCA_mca_base_component_path=$PMIX_INSTALL_PREFIX/lib/pmix
  export PATH=$OPAL_PREFIX/bin:$PATH
  export LD_LIBRARY_PATH=$OPAL_PREFIX/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export OMPI_MCA_btl_base_warn_component_unused=0 OMPI_MCA_mtl='^ofi' OMPI_MCA_btl='^uct,openib,ofi' \
    OMPI_MCA_pml='^ucx' OMPI_MCA_osc='^ucx,pt2pt' OMPI_MCA_mca_base_component_show_load_errors=0 \
    OMPI_MCA_btl_vader_single_copy_mechanism=none
  echo "MPI: the copy in $OPAL_PREFIX ($(mpirun --version 2>&1 | head -1))"
elif command -v mpicxx >/dev/null 2>&1; then
  echo "MPI: $(command -v mpicxx) ($(mpirun --version 2>&1 | head -1))"
else
  echo "MPI: none (no mpicxx, no $prefix/openmpi: scripts/gpu_prepare.sh copies Open MPI there)"
fi
if [ -z "$gpu" ] && [ -z "$require_gpu" ]; then
  echo "mode: no GPU: everything is built; the tests run to their skip path; the sanitizer and the benchmarks are skipped"
fi
# With a GPU (or when required), a test that cannot find the GPU fails instead of skipping.
if [ -n "$gpu" ] || [ -n "$require_gpu" ]; then export KLAB_REQUIRE_GPU=1; else unset KLAB_REQUIRE_GPU; fi
# Limits: on a GPU machine the whole run stays within KLAB_GPU_CHECK_BUDGET seconds (default 420,
# under the device tool's 600 s per command with room for the machine's start, so the table always
# comes back; 16 cores took 24-29 s per build in 2026-11). A machine without a GPU, often a 2-core
# one (7–18 minutes per build), gets 40 minutes per build and no overall budget.
build_limit=${KLAB_GPU_CHECK_BUILD_TIMEOUT:-300}
budget=${KLAB_GPU_CHECK_BUDGET:-420}
if [ -z "$gpu" ]; then
  [ -z "${KLAB_GPU_CHECK_BUILD_TIMEOUT:-}" ] && build_limit=2400
  [ -z "${KLAB_GPU_CHECK_BUDGET:-}" ] && budget=""
fi
{
  echo "KL Lab GPU check (in progress), started $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "GPU: ${gpu:-$no_gpu_reason}"
  echo
} >"$out/gpu_check.txt"

# ---- the engines ---------------------------------------------------------------------------------
# key | test target (build/gpu-*/tests/<target>; a target named twice runs once) | compute-sanitizer
# tools besides memcheck (racecheck: the kernel shares memory; synccheck: it has barriers) | demo |
# settings of the strict CLI comparison (none: no comparison)
engines=(
  "rng|klab_cuda_tests|||"
  "bandits.regret|klab_bandits_cuda_tests|racecheck|bandits.regret|--set horizon=2000 --runs 2000"
  "diffusion.samplers|klab_diffusion_cuda_tests||diffusion.samplers|--set particles=2000 --runs 4"
  # the weights' pass: one block per run, two tiles in shared memory between barriers
  "diffusion.tsmc|klab_diffusion_tsmc_cuda_tests|racecheck,synccheck|diffusion.tsmc|--set particles=2000 --set iterations=3 --runs 4"
  "blackbox.es|klab_blackbox_cuda_tests||blackbox.es|--runs 64"
  # bit strings: a thread per run, or a block per run (its phases separated by __syncthreads)
  "blackbox.nsga2|klab_blackbox_nsga2_cuda_tests|synccheck|blackbox.nsga2|--runs 64"
  # ZDT1 (SBX, polynomial mutation) runs in the block form only
  "blackbox.nsga2.zdt1|klab_blackbox_nsga2_cuda_tests|synccheck|blackbox.nsga2|--set benchmark=zdt1 --set n_min=10 --set n_max=30 --set n_points=2 --set budget_factor=1 --runs 32"
  "mdp.learning|klab_mdp_cuda_tests||mdp.learning|--set methods=q_learning,sarsa,expected_sarsa --runs 256"
  # the defaults: the TD learners, UCBVI and the trace evaluators (Retrace, tree backup, RBIS at every λ)
  "mdp.learning.all|klab_mdp_cuda_tests||mdp.learning|--runs 64"
  # value iteration batched over MDPs, a block per MDP, the iterates in shared memory
  "mdp.planning|klab_mdp_vi_cuda_tests|racecheck,synccheck|mdp.planning|--set methods=vi --runs 64"
  "offline.edge_of_reach|klab_offline_cuda_tests||offline.edge_of_reach|--runs 32"
  "offline.dice|klab_offline_dice_cuda_tests||offline.dice|--runs 32"
  "offline.weighting|klab_offline_weighting_cuda_tests||offline.weighting|--runs 32"
  "offline.robust|klab_offline_robust_cuda_tests||offline.robust|--runs 64"
  "offline.prdc|klab_offline_prdc_cuda_tests||offline.prdc|--set steps=200 --runs 32"
  # entropic SMD on 1-D bumps over 2 chunks of 256 components
  "optim.mixture|klab_optim_cuda_tests|racecheck|optim.mixture|--set methods=smd_entropic --set target=bumps --set components=300 --set samples=3000 --runs 64"
  # Euclidean SMD (Michelot's projection as block reductions) and entropic SMD on 2-D bumps, s = 20 (M = 400)
  "optim.mixture.euclidean|klab_optim_cuda_tests|racecheck|optim.mixture|--set methods=smd_entropic,smd_euclidean --set target=bumps2d --set side=20 --set width=0.1 --set euclid_step=0.1 --set samples=2000 --runs 64"
)
only=${KLAB_GPU_CHECK_ONLY:-}
selected=()
for e in "${engines[@]}"; do
  key=${e%%|*}
  if [ -n "$only" ]; then
    keep=""
    for prefix_key in ${only//,/ }; do [[ $key == "$prefix_key"* ]] && keep=1; done
    [ -n "$keep" ] || continue
  fi
  selected+=("$e")
done
if [ ${#selected[@]} -eq 0 ]; then
  echo "KLAB_GPU_CHECK_ONLY='$only' matches no engine; the keys are: $(for e in "${engines[@]}"; do printf '%s ' "${e%%|*}"; done)" >&2
  exit 2
fi
[ -n "$only" ] && echo "engines: $(for e in "${selected[@]}"; do printf '%s ' "${e%%|*}"; done)(KLAB_GPU_CHECK_ONLY=$only)"
cuda_targets=(cuda_bench klab)
declare -A seen_target
for e in "${selected[@]}"; do
  IFS='|' read -r _ target _ _ _ <<<"$e"
  [ -n "${seen_target[$target]:-}" ] && continue
  seen_target[$target]=1
  cuda_targets+=("$target")
done
have_gpu() { [ -n "$gpu" ] || [ -n "$require_gpu" ]; }

# build VARIANT: configure and build build/gpu-VARIANT; sets build_ok[VARIANT].
declare -A build_ok
configure_ok=1
build() {
  local variant=$1 dir=build/gpu-$1 strict=OFF arch
  [ "$1" = strict ] && strict=ON
  if step "configure $variant" 240 cmake -S . -B "$dir" -G "$generator" -DCMAKE_BUILD_TYPE=Release -DKLAB_CUDA=ON \
      -DKLAB_BUILD_GUI=OFF -DKLAB_BUILD_TESTS=ON -DKLAB_STRICT_FP=$strict "-DCMAKE_PREFIX_PATH=$prefix"; then
    arch=$(sed -n 's/^CMAKE_CUDA_ARCHITECTURES:[A-Z]*=//p' "$dir/CMakeCache.txt")
    DETAIL_GREP="Linking|error" step "build $variant (CUDA_ARCHITECTURES=$arch)" "$build_limit" \
      cmake --build "$dir" --target "${cuda_targets[@]}" -j"$jobs" && build_ok[$variant]=1
  else
    configure_ok=0
  fi
}

# run_tests VARIANT [ARGS]: every selected engine's test, once per target.
run_tests() {
  local variant=$1 e key target
  shift
  [ -n "${build_ok[$variant]:-}" ] || return 0
  declare -A ran
  for e in "${selected[@]}"; do
    IFS='|' read -r key target _ _ _ <<<"$e"
    [ -n "${ran[$target]:-}" ] && continue
    ran[$target]=1
    DETAIL_GREP="FAIL|SKIP|differ|mismatch|/s" step "test $variant: $key CPU = GPU" 150 "build/gpu-$variant/tests/$target" "$@"
  done
}

# same_outputs A B LABEL: summary.json (timing aside) and curves.csv of two result folders, byte for byte.
same_outputs() {
  local a=$1 b=$2 label=$3
  if cmp -s <(sed '/"timing"/,$d' "$a/summary.json") <(sed '/"timing"/,$d' "$b/summary.json") &&
      cmp -s "$a/curves.csv" "$b/curves.csv"; then
    echo "$label: summary.json (timing aside) and curves.csv byte-identical"
    return 0
  fi
  echo "$label: the files differ ($(diff <(sed '/"timing"/,$d' "$a/summary.json") <(sed '/"timing"/,$d' "$b/summary.json") | grep -c '^<') summary lines, $(diff "$a/curves.csv" "$b/curves.csv" | grep -c '^<') curve rows)"
  return 1
}

# cli_cmp BUILD REQUIRE_IDENTICAL KEY DEMO SETTINGS...: `klab run` with --backend cpu and cuda, in
# $out/cli-BUILD-KEY.
cli_cmp() {
  local k=build/gpu-$1/src/app/klab d=$out/cli-$1-$3 require=$2 demo=$4
  shift 4
  local set=("$@" --seed 7 --quiet --overwrite)
  rm -rf "$d"
  "$k" run "$demo" "${set[@]}" --backend cpu --out "$d/cpu" || return 1
  "$k" run "$demo" "${set[@]}" --backend cuda --out "$d/cuda" || return 1
  same_outputs "$d/cpu" "$d/cuda" "$demo $*, cpu = cuda" && return 0
  [ "$require" = 1 ] && return 1 || return 0
}

# mpi_cmp DEMO SETTINGS...: issue 14's CUDA under MPI: `mpirun -np 2 klab run … --backend cuda` (both
# ranks drive the one GPU: device = node-local rank mod devices) against one process on the CPU; no
# binding to cores (a sandboxed machine may not allow it).
mpi_cmp() {
  local k=build/gpu-strict/src/app/klab demo=$1
  shift
  local d=$out/cli-strict-mpi-$demo set=("$@" --seed 7 --quiet --overwrite)
  rm -rf "$d"
  "$k" run "$demo" "${set[@]}" --backend cpu --out "$d/cpu" || return 1
  mpirun --oversubscribe --allow-run-as-root --bind-to none -np 2 "$k" run "$demo" "${set[@]}" --backend cuda --out "$d/mpi-cuda" || return 1
  same_outputs "$d/cpu" "$d/mpi-cuda" "$demo $*, 2 ranks on cuda = 1 process on cpu"
}

# bench VARIANT: bench/cuda_bench on the selected engines; its records go to the table.
bench_rows=()
bench() {
  local variant=$1 keys=() e line
  [ -n "${build_ok[$variant]:-}" ] || return 0
  if ! have_gpu; then
    row "bench $variant" SKIP 0 "$no_gpu_reason"
    return 0
  fi
  [ -n "$only" ] && for e in "${selected[@]}"; do keys+=("${e%%|*}"); done
  DETAIL_GREP="speed-up|MISMATCH|FAIL" step "bench $variant: the CUDA engines" 240 "build/gpu-$variant/bench/cuda_bench" "${keys[@]}"
  while read -r line; do
    bench_rows+=("$variant $line")
  done < <(sed -n 's/^CUDA_BENCH //p' "$out/logs/bench_${variant}_the_CUDA_engines.log")
}

sanitizer_ok() {
  if ! have_gpu; then row "compute-sanitizer" SKIP 0 "$no_gpu_reason"; return 1; fi
  if ! command -v compute-sanitizer >/dev/null 2>&1; then row "compute-sanitizer" SKIP 0 "compute-sanitizer not installed"; return 1; fi
}

export out
export -f same_outputs cli_cmp mpi_cmp

# ---- 2-4. the strict build: equality with the CPU, tests and CLI ------------------------------------
build strict
run_tests strict
if have_gpu && [ -n "${build_ok[strict]:-}" ]; then
  for e in "${selected[@]}"; do
    IFS='|' read -r key _ _ demo settings <<<"$e"
    [ -n "$demo" ] || continue
    # shellcheck disable=SC2086  # the settings are words
    step "cli strict: $key cuda = cpu, bytes" 90 bash -c 'cli_cmp "$@"' _ strict 1 "$key" "$demo" $settings
  done
fi
# ---- 4b. issue 14: --backend cuda under mpirun, in the strict build ---------------------------------
if have_gpu && [ -n "${build_ok[strict]:-}" ] && [ -n "${seen_target[klab_bandits_cuda_tests]:-}" ]; then
  if ! grep -q '^KLAB_MPI:BOOL=ON' build/gpu-strict/CMakeCache.txt; then
    row "mpi strict: bandits.regret, 2 ranks on cuda" SKIP 0 "the strict build has no MPI (KLAB_MPI=OFF: no mpicxx)"
  else
    step "mpi strict: bandits.regret, 2 ranks cuda = 1 cpu" 120 bash -c 'mpi_cmp "$@"' _ bandits.regret --set horizon=2000 --runs 2000
  fi
fi

# ---- 5. the release build: tests (tolerance; the kernels' throughput) and the benchmark -------------
build release
run_tests release
bench release

# ---- 6. compute-sanitizer on the small tests ----------------------------------------------------------
if [ -n "${build_ok[release]:-}" ] && sanitizer_ok; then
  declare -A checked
  for e in "${selected[@]}"; do
    IFS='|' read -r key target tools _ _ <<<"$e"
    [ -n "${checked[$target]:-}" ] && continue
    checked[$target]=1
    quick=(--quick)
    [ "$target" = klab_cuda_tests ] && quick=()
    for tool in memcheck ${tools//,/ }; do
      DETAIL_GREP="ERROR SUMMARY|RACECHECK SUMMARY" step "$tool: $key test ${quick[*]}" 120 \
        compute-sanitizer --tool "$tool" --error-exitcode 3 "build/gpu-release/tests/$target" "${quick[@]}"
    done
  done
fi

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

# ---- 7. the full-scale figure, the machine code, the strict benchmark ---------------------------------
scale() {
  local k=build/gpu-release/src/app/klab t0 t1
  t0=$(date +%s.%N)
  "$k" run bandits.regret --set policies=klucb --runs 10000000 --quiet --overwrite --backend cuda --out "$out/cli-scale" || return 1
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { s = b - a; printf "klab run bandits.regret --set policies=klucb --runs 10000000 --backend cuda: %.1f s, %.2e pulls/s end to end\n", s, 1e11 / s }'
}
export -f scale
if have_gpu && [ -n "${build_ok[release]:-}" ] && [ -n "${seen_target[klab_bandits_cuda_tests]:-}" ]; then
  step "cli release: 10^7 seeds of KL-UCB, T = 10^4" 200 bash -c scale
fi
if [ -n "${build_ok[release]:-}" ]; then
  if command -v cuobjdump >/dev/null 2>&1; then
    while read -r lib; do
      DETAIL_GREP="architectures" step "cuobjdump --list-elf $(basename "$lib")" 60 bash -c \
        'listing=$(cuobjdump --list-elf "$1") || exit 1; echo "$listing"
         archs=$(grep -o "sm_[0-9]*a\?" <<<"$listing" | sort -u | tr "\n" " ")
         echo "machine code architectures: $archs(expected: sm_90)"; [ "$archs" = "sm_90 " ]' _ "$lib"
    done < <(find build/gpu-release/src -name 'libklab_*cuda.a' | sort)
  else
    row "cuobjdump" SKIP 0 "cuobjdump not installed; the ctest below reads the embedded ptxas options instead"
  fi
  DETAIL_GREP="sm_|Passed|Failed|expected" step "ctest cuda_architectures (default 90, override)" 120 \
    ctest --test-dir build/gpu-release -R '^cuda_architectures$' --output-on-failure -V
fi
bench strict

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
