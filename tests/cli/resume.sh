#!/usr/bin/env bash
# Issue 14, preemption: a `klab run` stopped by SIGTERM (as Slurm sends) saves its completed blocks
# in a checkpoint beside --out and exits 143 with the command that resumes it; --resume then ends
# with results identical to an uninterrupted run. A checkpoint of another configuration, or a
# damaged one, is refused with a message and left exactly as it was; a checkpoint is never
# silently ignored (a run without --resume into that --out stops). A sweep stopped by SIGINT
# resumes to the same files too.
source "$(dirname "$0")/common.sh"
cd "$scratch"
# The kills below land after a fixed sleep, so each job must last several times longer than it on an
# idle core: the run takes about 4.5 s of CPU (16 blocks), the sweep about 3 s; a kill that comes
# too late fails loudly (exit 0 instead of 143/130), never passes silently.
args=(run bandits.regret --runs 256 --threads 1 --quiet)
"$klab" "${args[@]}" --out whole || fail "the uninterrupted run failed"

# Stopped part-way (the kill lands after a few blocks), then resumed.
"$klab" "${args[@]}" --out part 2>stopped.log &
pid=$!
sleep 1.5
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
[ $rc -eq 143 ] || fail "a run stopped by SIGTERM exits 143 (got $rc; it may have finished before the signal): $(cat stopped.log)"
[ -f .part.klab-checkpoint ] || fail "no checkpoint beside part/: $(ls -A)"
[ ! -e part ] || fail "an interrupted run must not publish part/"
grep -q "interrupted by SIGTERM after" stopped.log && grep -q -- "--out part --resume" stopped.log ||
  fail "the message must say what happened and how to resume: $(cat stopped.log)"
cp .part.klab-checkpoint saved.checkpoint

# Killed before its first block of 16 runs (one run of diffusion.samplers takes about 2 s on one
# thread): the message says nothing was kept and a resume starts from the beginning.
"$klab" run diffusion.samplers --runs 16 --threads 1 --quiet --out early 2>early.log & early_pid=$!
sleep 1; kill -TERM $early_pid
set +e; wait $early_pid; rc=$?; set -e
[ $rc -eq 143 ] && grep -q "after 0 of 16 runs; no block of 16 runs was complete, so a resume starts from the beginning" early.log ||
  fail "a run killed before its first block: rc $rc, $(cat early.log)"

# Without --resume: refused, nothing lost.
set +e; "$klab" "${args[@]}" --out part 2>refused.log; rc=$?; set -e
[ $rc -eq 2 ] && grep -q "add --resume" refused.log || fail "a run into a checkpointed --out without --resume: rc $rc, $(cat refused.log)"
cmp -s .part.klab-checkpoint saved.checkpoint || fail "the refused run changed the checkpoint"

# Another configuration's checkpoint (another seed): refused by name, left as it was.
set +e; "$klab" "${args[@]}" --seed 2 --out part --resume 2>foreign.log; rc=$?; set -e
[ $rc -eq 2 ] && grep -q "another job: seed is 1 in the checkpoint, 2 here" foreign.log ||
  fail "a foreign checkpoint: rc $rc, $(cat foreign.log)"
cmp -s .part.klab-checkpoint saved.checkpoint || fail "the refused resume changed the checkpoint"
[ ! -e part ] || fail "a refused resume must not publish part/"
# Another parameter whose statistics have another shape (two policies): another job too, not "damaged".
set +e; "$klab" "${args[@]}" --set policies=ucb1,klucb --out part --resume 2>shape.log; rc=$?; set -e
[ $rc -eq 2 ] && grep -q "another job: params.policies is " shape.log && ! grep -q damaged shape.log ||
  fail "another job's checkpoint of another layout: rc $rc, $(cat shape.log)"
cmp -s .part.klab-checkpoint saved.checkpoint || fail "the refused resume changed the checkpoint"

# A damaged checkpoint (one digit of the statistics changed): refused, left as it was.
cp saved.checkpoint damaged.checkpoint
sed -i 's/"slots":"\(.\{100\}\)[0-9a-f]/"slots":"\1z/' damaged.checkpoint
cmp -s damaged.checkpoint saved.checkpoint && fail "the test did not damage the checkpoint"
cp damaged.checkpoint .part.klab-checkpoint
set +e; "$klab" "${args[@]}" --out part --resume 2>damaged.log; rc=$?; set -e
[ $rc -eq 2 ] && grep -q "the checkpoint is damaged" damaged.log || fail "a damaged checkpoint: rc $rc, $(cat damaged.log)"
cmp -s .part.klab-checkpoint damaged.checkpoint || fail "the refused resume changed the damaged checkpoint"
printf 'not json' > .part.klab-checkpoint
set +e; "$klab" "${args[@]}" --out part --resume 2>garbage.log; rc=$?; set -e
[ $rc -eq 2 ] && grep -q "the checkpoint is damaged (not a JSON object)" garbage.log || fail "a garbage checkpoint: rc $rc, $(cat garbage.log)"

# The real one back: the resumed run equals the uninterrupted one, and the checkpoint is gone.
cp saved.checkpoint .part.klab-checkpoint
"$klab" "${args[@]}" --out part --resume || fail "the resumed run failed"
check_whole part
same_results whole part "resumed run"
[ ! -e .part.klab-checkpoint ] || fail "the checkpoint must be removed once the results are published"
# Without --quiet and with stderr in a file (as in a Slurm job), progress comes as lines, the last at 100%.
"$klab" run kl.bernoulli --runs 2 --threads 1 --out logged >/dev/null 2>logged.log || fail "the logged run failed"
grep -q "100%  2/2 runs" logged.log || fail "a run whose stderr is a file must log its progress: $(cat logged.log)"

# A sweep, interrupted by SIGINT, resumes to the same files.
sweep=(sweep bandits.regret --grid horizon=1000,4000 --grid c=0,3 --set policies=ucb1,klucb,thompson --runs 256 --threads 1 --quiet)
"$klab" "${sweep[@]}" --out sweep_whole || fail "the uninterrupted sweep failed"
"$klab" "${sweep[@]}" --out sweep_part 2>sweep_stopped.log &
pid=$!
sleep 1
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
[ $rc -eq 130 ] && [ -f .sweep_part.klab-checkpoint ] || fail "a sweep stopped by SIGINT: rc $rc, $(cat sweep_stopped.log)"
"$klab" "${sweep[@]}" --out sweep_part --resume || fail "the resumed sweep failed"
cmp -s sweep_whole/sweep.csv sweep_part/sweep.csv || fail "the resumed sweep's sweep.csv differs"
cmp -s sweep_whole/sweep.json sweep_part/sweep.json || fail "the resumed sweep's sweep.json differs"
for p in sweep_whole/point-*; do same_results "$p" "sweep_part/$(basename "$p")" "resumed sweep $(basename "$p")"; done
echo "ok: SIGTERM + --resume equals an uninterrupted run; foreign and damaged checkpoints refused and kept; SIGINT + --resume of a sweep"
