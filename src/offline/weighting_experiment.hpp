// offline.weighting: a mixed dataset of expert and random trajectories whose expert share sweeps a
// grid; behaviour cloning and tabular CQL trained on uniformly drawn transitions vs on
// return-weighted (RW) and advantage-weighted (AW) draws. The normalised exact return of each
// learned policy over the stochastic start states. Algorithms: weighting.hpp. Paper: Hong, Agrawal,
// Tachet des Combes, Laroche, ICLR 2023.
#pragma once
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "mdp/policy_iteration.hpp"
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
// Method `id` learns (a cql_* method) or clones (bc_*); the way its transitions are drawn.
bool weighting_method_trains(const std::string& id);
Sampler weighting_method_sampler(const std::string& id);
// CQL's draws on share k of a run come from (seed, run, kWeightingCqlStream + k).
constexpr uint32_t kWeightingCqlStream = 0x8B0;

// Where a run's CQL learners train: on this CPU (WeightingRun builds and trains them) or on the CUDA
// engine (weighting_cuda.cpp: the run holds the world, datasets and draw probabilities alone, and the
// CQL methods' returns come from the engine's Q tables through greedy_return).
enum class WeightingLearners { Cpu, Engine };

// One run: the world, one mixed dataset per expert share, and every method's learner on each, the CQL
// learners of a share trained together in chunks of updates (the Experiment's runs train each share at
// once; the live view the shares in turn, a chunk at a time). Behaviour cloning has no training.
class WeightingRun {
 public:
  WeightingRun(const WeightingParams& p, std::shared_ptr<const mdp::World> world, uint64_t seed, uint32_t run,
               WeightingLearners learners = WeightingLearners::Cpu);
  WeightingRun(const WeightingRun&) = delete;  // the learners point at datasets_
  WeightingRun& operator=(const WeightingRun&) = delete;
  // `updates` more updates (at most what is left of p.updates) of every CQL learner on dataset `share`
  // (none with WeightingLearners::Engine).
  void train(size_t share, int updates);
  int updates_done(size_t share) const { return updates_done_[share]; }
  int updates_total() const { return updates_total_; }
  size_t shares() const { return datasets_.size(); }
  size_t methods() const { return ids_.size(); }
  bool trains(size_t i) const;  // method i learns (CQL), or its policy is fixed (behaviour cloning)
  const mdp::World& world() const { return *world_; }
  const Dataset& dataset(size_t share) const { return datasets_[share]; }
  // The probability of drawing each transition of dataset `share` (N) under `sampler`.
  const std::vector<double>& probabilities(size_t share, Sampler sampler) const { return probabilities_[share][static_cast<size_t>(sampler)]; }
  // Method i's current policy on dataset `share`, evaluated exactly: mean V^π(s) / mean V*(s) over the
  // non-absorbing states (the data's starts). NaN when the dataset is empty. A CQL method's needs the
  // run's CPU learners (WeightingLearners::Cpu).
  double normalised_return(size_t share, size_t i) const;
  // The same for the greedy policy of a CQL learner's values q (SA) (the CUDA engine's, weighting_cuda.cpp).
  double greedy_return(const double* q) const;

 private:
  double policy_return(const mdp::Policy& pi) const;  // mean V^π / mean V* over the non-absorbing states

  std::shared_ptr<const mdp::World> world_;
  mdp::Optimum optimum_;
  std::vector<char> absorbing_;
  std::vector<std::string> ids_;
  std::vector<Dataset> datasets_;                               // (shares)
  std::vector<std::array<std::vector<double>, 3>> probabilities_;  // (shares) × uniform, RW, AW
  struct CqlSlot {
    CqlLearner learner;
    Rng rng;  // its draws
  };
  std::vector<std::vector<std::optional<CqlSlot>>> cql_;        // (shares, methods); none for BC methods, empty datasets and the Engine's runs
  std::vector<int> updates_done_;                               // (shares)
  int updates_total_;
};

class WeightingExperiment final : public ExperimentOf<WeightingParams, WeightingExperiment> {
 public:
  WeightingExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;

  Expected<std::shared_ptr<const mdp::World>> world(uint64_t seed, uint32_t run) const;
  // A run's record from its WeightingRun r (datasets and optimum) and each (share, method)'s return
  // ret(share, method), shares with an empty dataset skipped: what run() writes after training.
  void record(const WeightingRun& r, const std::function<double(size_t share, size_t method)>& ret, RunRecord& out) const;

  // The CUDA engine (weighting_engine.hpp, weighting_cuda.cpp): the CQL learners on the GPU; the
  // datasets, behaviour cloning and the exact evaluations on this CPU.
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks) const override;

 private:
  mdp::WorldCache cache_;
};

// Run 1's dataset of one share over the grid: the share of `sampler`'s draws that start in each state
// (heat map) and the weighted behaviour-cloning policy, π(a|s) ∝ Σ p over the data's (s, a), as arrows
// where the data go. Needs a grid world.
plot::Plot weighting_map(const WeightingRun& run, size_t share, Sampler sampler, const std::string& title);

DemoInfo weighting_demo();

}  // namespace klab::offline
