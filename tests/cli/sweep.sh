#!/usr/bin/env bash
# Issue 14, `klab sweep`: a 2 × 2 grid writes one complete result folder per point (each equal to
# the `klab run` of that point), a tidy sweep.csv with a row per point × series × metric and the
# swept parameters as columns, and sweep.svg; bad grids are refused before any work with a message
# naming the problem (and the range, for a value out of it), leaving --out untouched.
source "$(dirname "$0")/common.sh"
cd "$scratch"
common=(--set policies=ucb1,klucb --runs 40 --threads 2 --quiet)
"$klab" sweep bandits.regret --grid horizon=500,2000 --grid c=0,3 "${common[@]}" --out sw || fail "the sweep failed"
[ "$(ls sw | tr '\n' ' ')" = "point-001 point-002 point-003 point-004 sweep.csv sweep.json sweep.svg " ] || fail "sw holds: $(ls sw)"
for p in sw/point-*; do check_whole "$p"; done
# point-003 is horizon=2000, c=0 (the last --grid varies fastest); it equals that point's `klab run`.
"$klab" run bandits.regret --set horizon=2000 --set c=0 "${common[@]}" --out single || fail "the single run failed"
same_results sw/point-003 single "point-003 vs klab run"
cmp -s sw/point-003/config.json single/config.json || fail "point-003/config.json must rerun that point: $(diff sw/point-003/config.json single/config.json)"
[ "$(head -1 sw/sweep.csv)" = "point,horizon,c,series,metric,mean,stderr,ci95_lo,ci95_hi,runs" ] || fail "sweep.csv header: $(head -1 sw/sweep.csv)"
[ "$(wc -l < sw/sweep.csv)" -eq $((1 + 4 * 2 * 2)) ] || fail "sweep.csv: 4 points × 2 series × 2 metrics rows expected, got $(wc -l < sw/sweep.csv)"
grep -q "^point-003,2000,0,klucb,regret," sw/sweep.csv || fail "sweep.csv lacks point-003's klucb regret row"
# The row's mean is the point's summary.json mean (the same statistic, written by format_real).
mean_csv=$(grep "^point-003,2000,0,klucb,regret," sw/sweep.csv | cut -d, -f6)
grep -qF "\"mean\": $mean_csv," single/summary.json || fail "sweep.csv mean $mean_csv is not in summary.json"
grep -q "<svg" sw/sweep.svg && grep -q "klucb (c=3)" sw/sweep.svg || fail "sweep.svg must draw a line per series and value of c"
# Into the finished sweep again: refused, naming the sweep's own file (a sweep folder has no summary.json).
set +e; "$klab" sweep bandits.regret --grid horizon=500,2000 --grid c=0,3 "${common[@]}" --out sw 2>again.log; rc=$?; set -e
[ $rc -eq 2 ] && grep -qF "'sw' already holds results (sw/sweep.json)" again.log || fail "a second sweep into sw: rc $rc, $(cat again.log)"

refused() {  # expected message, then the arguments
  local want=$1; shift
  set +e; "$klab" sweep bandits.regret "$@" --runs 16 --out bad 2>bad.log; local rc=$?; set -e
  [ $rc -eq 2 ] && grep -qF -- "$want" bad.log || fail "klab sweep $*: want rc 2 and '$want', got rc $rc: $(cat bad.log)"
  [ ! -e bad ] || fail "a refused sweep created --out"
}
refused "a sweep needs at least one --grid key=v1,v2,…"
refused "--grid horizon has no values" --grid horizon=
refused "--grid needs key=v1,v2,…" --grid
refused "unknown parameter 'alpha' (this demo has: arms," --grid alpha=1,2
refused "parameter 'horizon' must be an integer in [10, 10000000] (got '5')" --grid horizon=100,5
refused "parameter 'c' must be a real number in [0, 5] (got '7')" --grid c=7
refused "--grid horizon: value 2 of 3 is empty" --grid horizon=100,,200
refused "'c' is both swept (--grid) and fixed (--set)" --grid c=0,1 --set c=1
refused "the grid has 1331 points (11 × 11 × 11); a sweep has at most 1000 points" \
  --grid horizon=10,11,12,13,14,15,16,17,18,19,20 --grid etc_m=1,2,3,4,5,6,7,8,9,10,11 --grid eps_c=1,2,3,4,5,6,7,8,9,10,11
echo "ok: a 2 × 2 sweep (folders, sweep.csv, sweep.svg) equal to its runs; 9 bad grids refused by name"
