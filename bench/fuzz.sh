#!/usr/bin/env bash
# Coverage-guided fuzzing of KL Lab's input parsers with libFuzzer (clang, ASan + UBSan, the
# `fuzz` preset). Targets (tests/fuzz/<target>_fuzz.cpp):
#   url     the URL hash codec over every demo's table
#   params  the parameter parser over every demo's table
#   config  config files (size and depth limits, duplicate keys, numbers as written, params)
#   cli     `klab run` flags (parse_run_args and plan_run; nothing is run)
#   run     the experiments, run: a demo's small configuration with a few parameters at in-range
#           extremes, 1–2 runs as `klab run` and as the browser steps them (tests/fuzz/run_fuzz.cpp)
#   world   world files (klab.mdp, klab.gridworld) and the `grid` parameter: every reader, round trips,
#           the MDP invariants, small worlds solved (tests/fuzz/world_fuzz.cpp)
# One target at a time, for the chosen time each. New inputs go to build/fuzz/corpus/<target>
# (seeded from tests/fuzz/corpus/<target>); a failing input is saved in build/fuzz/crashes/<target>/
# and stops the script. Prints figures only.
#
#   bench/fuzz.sh [--seconds N] [--merge] [target ...]     (default: 600 s each, all six targets)
#   --merge   afterwards, add the new inputs that reach new edges to tests/fuzz/corpus/<target>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=600
merge=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    url|params|config|cli|run|world) targets+=("$1"); shift ;;
    *) echo "usage: bench/fuzz.sh [--seconds N] [--merge] [url|params|config|cli|run|world ...]" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(url params config cli run world)

echo "== building the fuzz targets (build/fuzz)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"${KLAB_JOBS:-2}" --target "${targets[@]/#/klab_fuzz_}" >/dev/null
for t in "${targets[@]}"; do
  work=build/fuzz/corpus/$t crashes=build/fuzz/crashes/$t
  mkdir -p "$work" "$crashes"
  echo "== $t: ${seconds} s ($(date -u +%H:%M:%S) UTC; machine load $(cut -d' ' -f1-3 /proc/loadavg))"
  build/fuzz/tests/fuzz/klab_fuzz_"$t" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -dict=tests/fuzz/klab.dict -artifact_prefix="$crashes/" "$work" "tests/fuzz/corpus/$t" 2>&1 |
    grep -E '^(#[0-9]+[[:space:]]+DONE|INFO: Seed|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|fuzz check failed)' || true
  if ls "$crashes"/* >/dev/null 2>&1; then
    echo "== $t: FAILING INPUTS in $crashes:"; ls -l "$crashes"; exit 1
  fi
  echo "== $t: no crash, no failed check; corpus $(ls "$work" | wc -l) inputs"
  if [ $merge = 1 ]; then
    build/fuzz/tests/fuzz/klab_fuzz_"$t" -merge=1 -use_counters=0 "tests/fuzz/corpus/$t" "$work" 2>&1 |
      grep -E '^MERGE-OUTER: [0-9]+ new files' || true
  fi
done
