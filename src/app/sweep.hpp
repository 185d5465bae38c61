// `klab sweep <demo-id> --grid key=v1,v2,… [--grid key2=…] [--set …] [--runs N] [--seed S] --out DIR`:
// the Cartesian product of the grids, each point a `klab run` of the same runs and seed.
//
// DIR (published as a whole, core/result_folder.hpp FolderKind::Sweep) holds
//   point-NNN/   the four files of `klab run` for point NNN (its config.json reruns that point)
//   sweep.json   the demo, the grid, the other parameters, runs, seed, the points' values, the command
//   sweep.csv    tidy: point, one column per swept parameter, series, metric, mean, stderr,
//                ci95_lo, ci95_hi, runs (one row per point × series × final metric)
//   sweep.svg    each final metric against the first swept parameter, a line per series (and per
//                value of the other swept parameters), with 95% confidence bands
// Points are ordered with the last --grid varying fastest. Values are separated by commas; for a
// list-valued parameter (a list of reals or of ids) by semicolons: --grid means='0.5,0.4;0.5,0.3'.
// Every value is checked (parse_value: named, with its range) and every point's parameters are
// checked together before any work; a grid of more than kMaxSweepPoints points is refused.
// Interrupted, a sweep checkpoints every point's completed blocks and resumes with --resume,
// like `klab run`; under MPI the (point, block) pairs are the unit of work (dist/cluster.hpp).
#pragma once
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "app/cli.hpp"

namespace klab {

constexpr size_t kMaxSweepPoints = 1000;

int sweep_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// A sweep's grid, parsed and checked against the demo's parameter table: each swept key with its
// values in canonical text (format_value).
struct SweepGrid {
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  size_t points() const;
  // The (key, value) pairs of point i (the last axis varies fastest).
  std::vector<std::pair<std::string, std::string>> point(size_t i) const;
};
// `grids`: the texts after each --grid, in order; `sets`: the --set keys (not to be swept as well).
Expected<SweepGrid> parse_grid(const std::vector<std::string>& grids, const ParamSet& params,
                               const std::vector<std::pair<std::string, std::string>>& sets);

}  // namespace klab
