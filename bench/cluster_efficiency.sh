#!/usr/bin/env bash
# Parallel efficiency of `klab run` under MPI on this machine: wall time of one process (one thread),
# of `mpirun -np 1` and of `mpirun -np 2` (one thread per rank), and E(2) = T(1 rank) / (2 T(2 ranks)).
# Wall time includes mpirun's start-up and the writing of the result folder. Prints figures only.
#   bench/cluster_efficiency.sh [path/to/klab]     (default build/native/src/app/klab)
set -euo pipefail
klab=$(realpath "${1:-build/native/src/app/klab}")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/klab_cluster_bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mpi=(mpirun --oversubscribe --allow-run-as-root)
wall() {  # seconds of the command
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}
printf '%-48s %9s %9s %9s %7s\n' "job" "1 proc" "np 1" "np 2" "E(2)"
for job in "bandits.regret --runs 256" "mdp.planning --runs 96" "alignment.offline --runs 96"; do
  read -r -a args <<<"$job"
  one=$(wall "$klab" run "${args[@]}" --threads 1 --quiet --out "$scratch/one")
  np1=$(wall "${mpi[@]}" -np 1 "$klab" run "${args[@]}" --threads 1 --quiet --out "$scratch/np1")
  np2=$(wall "${mpi[@]}" -np 2 "$klab" run "${args[@]}" --threads 1 --quiet --out "$scratch/np2")
  cmp -s "$scratch/one/curves.csv" "$scratch/np2/curves.csv" || { echo "curves.csv differs under 2 ranks" >&2; exit 1; }
  printf '%-48s %8.2fs %8.2fs %8.2fs %6.0f%%\n' "$job" "$one" "$np1" "$np2" "$(awk -v a="$np1" -v b="$np2" 'BEGIN { print 100 * a / (2 * b) }')"
  rm -rf "$scratch"/one "$scratch"/np1 "$scratch"/np2
done
