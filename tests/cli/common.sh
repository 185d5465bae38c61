# Helpers shared by the tests of the real `klab` binary (sourced): a scratch folder removed at
# exit, failing with a message, and reading fields back from a result folder.
set -euo pipefail
klab=$(realpath "${1:?usage: $0 path/to/klab}")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/klab_cli_test.XXXXXX")
cleanups=()
on_exit() {
  for c in "${cleanups[@]}"; do eval "$c" || true; done
  rm -rf "$scratch"
}
trap on_exit EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
# The value of a top-level JSON field written by klab on its own line: "seed": 7,
field() { sed -n "s/^  \"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$1"; }
# A result folder is complete and from one run: exactly the four files, config.json and
# summary.json naming the same demo and seed.
check_whole() {
  local dir=$1
  [ "$(ls -A "$dir" | sort | tr '\n' ' ')" = "config.json curves.csv figure.svg summary.json " ] ||
    fail "$dir holds: $(ls -A "$dir" | tr '\n' ' ')"
  [ "$(field "$dir/config.json" demo) $(field "$dir/config.json" seed)" = \
    "$(field "$dir/summary.json" demo) $(field "$dir/summary.json" seed)" ] ||
    fail "$dir mixes two runs: config.json says $(field "$dir/config.json" demo) seed $(field "$dir/config.json" seed), summary.json $(field "$dir/summary.json" demo) seed $(field "$dir/summary.json" seed)"
}
# summary.json without its "timing" object (seconds and rates differ between any two runs).
untimed() { sed '/"timing"/,/}/d' "$1"; }
# Two result folders of one configuration hold the same results: curves.csv byte for byte,
# summary.json byte for byte apart from its timing.
same_results() {
  cmp -s "$1/curves.csv" "$2/curves.csv" || fail "$3: curves.csv differs ($1 vs $2): $(diff "$1/curves.csv" "$2/curves.csv" | head -5)"
  [ "$(untimed "$1/summary.json")" = "$(untimed "$2/summary.json")" ] ||
    fail "$3: summary.json differs ($1 vs $2): $(diff <(untimed "$1/summary.json") <(untimed "$2/summary.json") | head -5)"
}
