// offline.weighting: a mixed dataset of expert and random trajectories whose expert share sweeps a
// grid; behaviour cloning and tabular CQL trained on uniformly drawn transitions vs on
// return-weighted (RW) and advantage-weighted (AW) draws. The normalised exact return of each
// learned policy over the stochastic start states. Algorithms: weighting.hpp. Paper: Hong, Agrawal,
// Tachet des Combes, Laroche, ICLR 2023.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "mdp/world.hpp"
#include "offline/weighting.hpp"

namespace klab::offline {

struct WeightingParams {
  std::vector<std::string> methods;  // "bc_uniform", "bc_rw", "bc_aw", "cql_uniform", "cql_rw", "cql_aw"
  mdp::Preset world = mdp::Preset::FourRooms;
  int size = 6, actions = 4, branching = 3;
  double slip = 0.0, wind = 0.0;
  long long world_seed = 1;
  bool vary_world = false;
  std::string mdp_file;
  std::string grid;  // the edited gridworld (world.hpp)
  double gamma = 0.9;
  int horizon = 0;  // discounted (not a parameter)
  int episodes = 100, episode_length = 60;
  std::vector<double> shares;  // expert shares of the mixed datasets
  double temperature = 0.1;
  int updates = 20000;
  double step_size = 0.3, cql_weight = 0.1;
};

const std::vector<std::string>& weighting_method_ids();

class WeightingExperiment final : public ExperimentOf<WeightingParams, WeightingExperiment> {
 public:
  WeightingExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;

 private:
  mdp::WorldCache cache_;
};

DemoInfo weighting_demo();

}  // namespace klab::offline
