// mdp.robust: robust planning against a static uncertainty set of gridworld models (robust.hpp) —
// IWOCS (Zouitine, Geist & Rachelson 2024) against (s,a)-rectangular robust value iteration, the
// nominal optimal policy and domain randomisation. The set is a grid of slip × wind values of one
// gridworld preset, or of a random MDP drawn per run (robust_random.hpp); the headline is each policy's worst-case value min_θ V^π_θ(ρ) against IWOCS's
// iteration, with the heat map of V^π_θ(ρ) over the set and the worst cases IWOCS found marked.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/robust.hpp"

namespace klab::mdp {

enum class RobustGrid { Cliff, FourRooms, HazardMaze, Random };

struct RobustParams {
  std::vector<std::string> methods;
  RobustGrid grid = RobustGrid::Cliff;
  Direction wind_direction = Direction::South;
  double slip_min = 0.0, slip_max = 0.3;
  double wind_min = 0.0, wind_max = 0.3;
  int points = 7;  // values per axis (one when min = max)
  int size = 50, actions = 4, branching = 5;  // the random world: S, A, successors per (s, a)
  double gamma = 0.95;
  int iterations = 8;
};

const std::vector<std::string>& robust_method_ids();  // nominal, domain_rand, robust_vi, iwocs

// The uncertainty set of these parameters: model k = j·(slip values) + i has slip value i and wind
// value j (row-major from the lowest wind up); model 0 — the lowest slip and wind — is the nominal one.
// The gridworlds are the same in every run; the random world is drawn from (seed, run).
struct RobustWorld {
  ModelSet set;
  std::vector<double> slips, winds;  // the axis values
  GridLayout layout;                 // the grid (every model shares it); rows = 0 for the random world
};
Expected<RobustWorld> robust_world(const RobustParams& p, uint64_t seed, uint32_t run);

// (s,a)-rectangular robust VI on the set at the demo's tolerance (the Runs tab and the live view).
RobustVi demo_robust_vi(const ModelSet& set);

// V^π_θ(ρ) over the set as a heat map on (slip, wind), the found models numbered in the order
// found and the worst model in gold (the Runs figure and the live view).
struct SetMapInput {
  std::vector<double> slips, winds;  // the set's axes (RobustWorld)
  std::vector<double> values;  // (models) V^π_θ(ρ), NaN: not shown
  std::vector<int> found;      // models, in the order found
  std::string title;
  double vmin = plot::kAuto, vmax = plot::kAuto;
};
plot::Plot set_value_map(const SetMapInput& in);

class RobustExperiment final : public ExperimentOf<RobustParams, RobustExperiment> {
 public:
  RobustExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo robust_demo();

}  // namespace klab::mdp
