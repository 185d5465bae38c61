#!/usr/bin/env bash
# Issue 12, failure 3: two runs started together into one fresh --out. Exactly one may write it;
# the other must stop with a message (the lock, or the results already there), and the folder
# must hold one run's files, never a mix. 20 pairs of real processes.
source "$(dirname "$0")/common.sh"
for i in $(seq 1 20); do
  out="$scratch/pair$i"
  # One thread each, the same work: the two end together (the old code let both write 17 times in 20).
  args=(run kl.categorical --runs 2000 --threads 1 --quiet --out "$out")
  "$klab" "${args[@]}" --seed 1 >"$scratch/a.log" 2>&1 &
  a=$!
  "$klab" "${args[@]}" --seed 2 >"$scratch/b.log" 2>&1 &
  b=$!
  set +e
  wait $a; rc_a=$?
  wait $b; rc_b=$?
  set -e
  winners=$(( (rc_a == 0) + (rc_b == 0) ))
  [ $winners -eq 1 ] || fail "pair $i: exit codes $rc_a and $rc_b (exactly one run may write $out): $(cat "$scratch/a.log" "$scratch/b.log")"
  loser_log="$scratch/b.log"; [ $rc_a -ne 0 ] && loser_log="$scratch/a.log"
  grep -qE "another klab run is writing to|already holds results" "$loser_log" ||
    fail "pair $i: the refused run says: $(cat "$loser_log")"
  check_whole "$out"
done
echo "ok: 20 pairs, one writer each, no mix"
