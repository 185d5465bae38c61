#!/usr/bin/env bash
# Issue 12, failure 2: --overwrite replaces a result folder as a whole or not at all.
#   - a full disk (a small tmpfs, as root): the new results do not fit; the old ones stay whole;
#   - a kill at each rename (strace's syscall fault injection): the folder is the old one or the
#     new one, whole; if the kill fell between the two renames, it is absent and both whole
#     folders are beside it.
source "$(dirname "$0")/common.sh"
ran=0

if [ "$(id -u)" = 0 ] && mkdir "$scratch/disk" && mount -t tmpfs -o size=1m tmpfs "$scratch/disk" 2>/dev/null; then
  cleanups+=("umount '$scratch/disk'")
  out="$scratch/disk/results"
  "$klab" run kl.categorical --runs 8 --seed 1 --quiet --out "$out"
  dd if=/dev/zero of="$scratch/disk/fill" bs=4096 2>/dev/null || true  # until the disk is full
  truncate -s -16K "$scratch/disk/fill"                                   # 16 KB free: the new config.json fits, not the rest
  set +e
  msg=$("$klab" run bandits.regret --runs 8 --seed 2 --quiet --overwrite --out "$out" 2>&1)
  rc=$?
  set -e
  [ $rc -eq 1 ] || fail "full disk: exit $rc, expected 1 ($msg)"
  grep -qF "No space left on device" <<<"$msg" || fail "full disk: '$msg'"
  grep -qF "is unchanged" <<<"$msg" || fail "full disk: '$msg'"
  check_whole "$out"
  [ "$(field "$out/summary.json" demo)" = kl.categorical ] || fail "full disk: the old results were replaced"
  [ -z "$(ls -A "$scratch/disk" | grep -v -e '^results$' -e '^fill$')" ] || fail "full disk: left $(ls -A "$scratch/disk")"
  echo "ok: full disk: $msg"
  ran=1
else
  echo "skipped the full-disk case: it needs root to mount a small tmpfs"
fi

if command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null; then
  for k in 1 2 3 4 5; do
    place="$scratch/kill$k"
    mkdir "$place"
    "$klab" run kl.categorical --runs 8 --seed 1 --quiet --out "$place/results"
    set +e
    strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 \
      -e inject=rename,renameat,renameat2:signal=KILL:when=$k \
      "$klab" run kl.categorical --runs 8 --seed 2 --quiet --overwrite --out "$place/results" >/dev/null 2>&1
    set -e
    if [ -d "$place/results" ]; then
      check_whole "$place/results"
    else  # killed between the two renames: the old and the new folder, each whole, beside it
      for d in "$place"/results.replaced-* "$place"/results.partial-*; do
        [ -d "$d" ] || fail "kill at rename $k: results absent and no $d"
        check_whole "$d"
      done
    fi
    echo "ok: kill at rename $k: $(ls "$place" | tr '\n' ' ')"
  done
  ran=1
else
  echo "skipped the kill cases: strace is missing or cannot trace here"
fi
[ $ran = 1 ] || skip "neither a tmpfs nor strace is available"
