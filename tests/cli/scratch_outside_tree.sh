#!/usr/bin/env bash
# Issue 12, failure 9: without KLAB_TMP the unit tests write to a fresh temporary folder, never
# into the current directory (they once left cli_seed7_a/ ... in the repository).
set -euo pipefail
tests=$(realpath "${1:?usage: $0 path/to/klab_tests}")
here=$(mktemp -d "${TMPDIR:-/tmp}/klab_cwd.XXXXXX")
trap 'rm -rf "$here"' EXIT
cd "$here"
env -u KLAB_TMP "$tests" -tc='determinism*,write_run_outputs*' >/dev/null
left=$(ls -A)
[ -z "$left" ] || { echo "FAIL: the unit tests wrote into the current directory: $left" >&2; exit 1; }
echo "ok: nothing written into the current directory"
