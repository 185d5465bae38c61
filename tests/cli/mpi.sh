#!/usr/bin/env bash
# Issue 14, MPI: `mpirun -np 3 klab run …` writes the same summary.json (timing aside) and
# curves.csv, byte for byte, as one process, for a demo of each chapter; a 2 × 2 sweep under MPI
# equals the same sweep in one process. Three ranks on two cores (--oversubscribe); root is
# allowed because CI runs as root. Then SIGTERM to mpirun mid-way, --resume under 2 ranks: equal
# to one uninterrupted process. Skipped (77) only where klab was built without MPI.
source "$(dirname "$0")/common.sh"
[ "${2:-OFF}" = ON ] || skip "klab was built without MPI (KLAB_MPI=OFF: no MPI C++ compiler at configure time, or a preset without MPI such as native-asan; scripts/bootstrap.sh --test installs libopenmpi-dev)"
command -v mpirun >/dev/null || skip "mpirun not found (scripts/bootstrap.sh --test installs openmpi-bin)"
cd "$scratch"
mpi=(mpirun --oversubscribe --allow-run-as-root -np 3)
# 40 runs: blocks of 16, 16 and 8 (a short last block), handed out to three ranks.
cases=(
  "kl.bernoulli --set samples=2000"
  "bandits.regret --set horizon=2000 --set policies=ucb1,klucb,thompson"
  "alignment.offline --set steps=100 --set methods=dpo,ipo,kto"
  "mdp.planning --set size=20 --set iterations=100"
)
for i in "${!cases[@]}"; do
  read -r -a demo <<<"${cases[$i]}"
  "$klab" run "${demo[@]}" --runs 40 --seed 5 --quiet --out "one$i" || fail "${demo[0]}: the single-process run failed"
  "${mpi[@]}" "$klab" run "${demo[@]}" --runs 40 --seed 5 --quiet --out "ranks$i" >"mpi$i.log" 2>&1 ||
    fail "${demo[0]}: mpirun failed: $(cat "mpi$i.log")"
  check_whole "ranks$i"
  same_results "one$i" "ranks$i" "${demo[0]} under 3 ranks"
  cmp -s "one$i/config.json" "ranks$i/config.json" || fail "${demo[0]}: config.json differs under MPI"
done
sweep=(sweep bandits.regret --grid horizon=500,1500 --grid c=0,3 --set policies=ucb1,klucb --runs 40 --quiet)
"$klab" "${sweep[@]}" --out sweep_one || fail "the single-process sweep failed"
"${mpi[@]}" "$klab" "${sweep[@]}" --out sweep_ranks >sweep.log 2>&1 || fail "the MPI sweep failed: $(cat sweep.log)"
cmp -s sweep_one/sweep.csv sweep_ranks/sweep.csv || fail "sweep.csv differs under MPI: $(diff sweep_one/sweep.csv sweep_ranks/sweep.csv | head)"
cmp -s sweep_one/sweep.json sweep_ranks/sweep.json || fail "sweep.json differs under MPI"
for p in sweep_one/point-*; do same_results "$p" "sweep_ranks/$(basename "$p")" "MPI sweep $(basename "$p")"; done
# SIGTERM to mpirun (forwarded to every rank): rank 0 saves the blocks merged so far; resumed by
# two ranks, the result equals one uninterrupted process. The job takes about 13 s of CPU (7 s on two
# idle cores), several times the sleep before the kill; a kill that comes too late fails loudly.
args=(run bandits.regret --runs 768 --quiet)
"$klab" "${args[@]}" --out killed_one || fail "the single-process reference run failed"
"${mpi[@]}" "$klab" "${args[@]}" --out killed >killed.log 2>&1 &
pid=$!
sleep 2
kill -TERM $pid
set +e; wait $pid; set -e
[ -f .killed.klab-checkpoint ] && grep -q "interrupted by SIGTERM" killed.log || fail "SIGTERM under mpirun: $(cat killed.log)"
mpirun --oversubscribe --allow-run-as-root -np 2 "$klab" "${args[@]}" --out killed --resume >resumed.log 2>&1 || fail "the resume under 2 ranks failed: $(cat resumed.log)"
same_results killed_one killed "killed under 3 ranks, resumed under 2"
# --backend cuda under ranks: units of many blocks, sized by time, the leader's on a second thread.
# Without a GPU the test hook KLAB_CUDA_UNITS_ON_CPU=1 computes those units on the CPU (dist/units.hpp):
# 3 ranks with the CUDA path = 1 process on the CPU engine; a 2 × 2 sweep likewise. (On a GPU,
# scripts/gpu_check.sh compares the real engines.)
cuda=(run bandits.regret --set horizon=1000 --set policies=ucb1,klucb --runs 600 --seed 8 --quiet)
"$klab" "${cuda[@]}" --out cuda_cpu_one || fail "the CPU reference of the CUDA path failed"
"${mpi[@]}" -x KLAB_CUDA_UNITS_ON_CPU=1 "$klab" "${cuda[@]}" --backend cuda --out cuda_ranks >cuda.log 2>&1 ||
  fail "--backend cuda under 3 ranks (units on the CPU) failed: $(cat cuda.log)"
same_results cuda_cpu_one cuda_ranks "--backend cuda under 3 ranks (units on the CPU)"
# A unit failing on some rank (the hook's fail@B, as a CUDA error would): exit 1 with that rank's
# message, the completed blocks checkpointed; resumed without the failure, equal to one CPU process.
set +e
"${mpi[@]}" -x KLAB_CUDA_UNITS_ON_CPU=fail@20 "$klab" "${cuda[@]}" --backend cuda --out cuda_failed >failed.log 2>&1
rc=$?
set -e
[ $rc = 1 ] && grep -q "rank [0-2]: test hook: the unit of block 20 failed" failed.log && [ -f .cuda_failed.klab-checkpoint ] ||
  fail "a failed unit under 3 ranks: exit $rc, $(cat failed.log)"
"${mpi[@]}" -x KLAB_CUDA_UNITS_ON_CPU=1 "$klab" "${cuda[@]}" --backend cuda --out cuda_failed --resume >failed_resumed.log 2>&1 ||
  fail "the resume after a failed unit failed: $(cat failed_resumed.log)"
same_results cuda_cpu_one cuda_failed "a failed unit under 3 ranks, resumed"
"${mpi[@]}" -x KLAB_CUDA_UNITS_ON_CPU=1 "$klab" "${sweep[@]}" --backend cuda --out sweep_cuda >sweep_cuda.log 2>&1 ||
  fail "the MPI sweep with --backend cuda (units on the CPU) failed: $(cat sweep_cuda.log)"
cmp -s sweep_one/sweep.csv sweep_cuda/sweep.csv || fail "sweep.csv differs with --backend cuda under MPI: $(diff sweep_one/sweep.csv sweep_cuda/sweep.csv | head)"
echo "ok: 3 ranks = 1 process for kl, bandits, alignment and mdp demos and a 2 × 2 sweep; SIGTERM under 3 ranks + --resume under 2 = 1 process; the --backend cuda path under 3 ranks (units on the CPU) = 1 CPU process, and a failed unit resumes to it"
