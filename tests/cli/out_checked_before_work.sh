#!/usr/bin/env bash
# Issue 12, failure 1: an unusable --out is found before the work, not after it. Each case asks
# for a run that would take hours (10^7 runs of 10^6 samples); it must be refused at once: a
# 60-second watchdog turns "refused after the work" into a failure.
source "$(dirname "$0")/common.sh"
huge=(run kl.bernoulli --runs 10000000 --set samples=1000000 --quiet)
expect_refusal() {
  local out=$1 says=$2 msg rc
  set +e
  msg=$(timeout 60 "$klab" "${huge[@]}" --out "$out" 2>&1)
  rc=$?
  set -e
  [ $rc -ne 124 ] || fail "--out $out: the run started instead of being refused"
  [ $rc -eq 2 ] || fail "--out $out: exit $rc, expected 2 ($msg)"
  grep -qF -- "$says" <<<"$msg" || fail "--out $out: '$msg' does not say '$says'"
  echo "ok: --out $out: $msg"
}
"$klab" run kl.categorical --runs 4 --quiet --out "$scratch/done"
expect_refusal "$scratch/done" "already holds results"
touch "$scratch/file"
expect_refusal "$scratch/file" "exists and is not a directory"
expect_refusal / "it is the filesystem root"
mkdir "$scratch/notes" && echo mine >"$scratch/notes/notes.txt"
expect_refusal "$scratch/notes" "holds files klab did not write"
# A place where nothing can be written: a read-only mount as root (permissions do not bind root),
# a read-only folder otherwise.
mkdir "$scratch/ro"
if [ "$(id -u)" = 0 ]; then
  if mount -t tmpfs -o ro,size=64k tmpfs "$scratch/ro" 2>/dev/null; then
    cleanups+=("umount '$scratch/ro'")
    expect_refusal "$scratch/ro/results" "Read-only file system"
  else
    echo "skipped the read-only case: cannot mount a tmpfs here"
  fi
else
  chmod 555 "$scratch/ro"
  cleanups+=("chmod 755 '$scratch/ro'")
  expect_refusal "$scratch/ro/results" "Permission denied"
fi
