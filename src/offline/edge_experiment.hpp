// offline.edge_of_reach: k-step rollouts in the TRUE dynamics from the states of a narrow dataset;
// MBPO/MOPO-style Q-learning (its uncertainty penalty is 0 under the true model) against RAVL's
// ensemble-minimum pessimism and against full-horizon rollouts. Every learner's Q̂ is compared with
// the exact Q^π of its own greedy policy. Algorithms: rollout_learner.hpp; the edge-of-reach set:
// reach.hpp. Paper: Sims, Lu, Foerster, Teh, NeurIPS 2024.
#pragma once
#include <mutex>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "offline/problem.hpp"
#include "offline/rollout_learner.hpp"
#include "offline/reach.hpp"

namespace klab::offline {

struct EdgeParams {
  std::vector<std::string> methods;  // "mopo", "ravl", "full_horizon"
  mdp::Preset world = mdp::Preset::FourRooms;
  int size = 6, actions = 4, branching = 3;
  double slip = 0.0, wind = 0.0;
  long long world_seed = 1;
  bool vary_world = false;
  std::string mdp_file;
  std::string grid;  // the edited gridworld (world.hpp)
  double gamma = 0.9;
  int horizon = 0;  // discounted (not a parameter)
  Behaviour behaviour = Behaviour::Noisy;
  int episodes = 10, episode_length = 60;
  double noise = 0.1, expert_fraction = 0.2, random_starts = 0.0;
  int rollout_length = 3;
  int full_length = 100;
  int ensemble = 10;
  double init_scale = 0.5;
  int iterations = 200;
  int updates_per_iteration = 250;
  int rollouts_per_iteration = 25;
  double real_fraction = 0.05;
  double step_size = 0.3;
  double epsilon = 0.2;
};

const std::vector<std::string>& edge_method_ids();

// Learner `method`'s settings under the parameters, and its random stream (the initial tables come
// from streams kEdgeInitStream + j, shared by every learner of a run).
RolloutSettings edge_rollout_settings(const EdgeParams& p, const std::string& method);
uint32_t edge_learner_stream(const std::string& method);
constexpr uint32_t kEdgeInitStream = 0x8F00;

// One run's learners, iteration by iteration (the Experiment's runs and the figure's run 1).
class EdgeRun {
 public:
  EdgeRun(const EdgeParams& p, const OfflineProblem& problem, uint64_t seed, uint32_t run);
  void step();  // one iteration (rollouts, then updates) of every learner
  int steps_done() const { return done_; }
  size_t methods() const { return learners_.size(); }
  const RolloutLearner& learner(size_t i) const { return learners_[i]; }
  const std::vector<int>& edge_states() const { return edge_; }  // the k-step edge of reach
  const std::vector<int>& reach() const { return reach_; }

  // The exact evaluation of learner i's greedy policy π̂.
  struct Check {
    std::vector<int> actions;   // π̂ (S)
    std::vector<double> gap;    // Q̂(s, π̂(s)) − Q^π̂(s, π̂(s)) per state (S)
    double overestimation = 0;  // the gap's mean over dataset states
    double edge_overestimation = 0;  // … over edge-of-reach states (NaN if none)
    double value = 0;           // V^π̂(ρ)
    // mean Q̂(s, π̂(s)) over dataset / edge-of-reach states, as a multiple of the mean V*(s) there
    // (above 1: the learner believes in more than any policy can get)
    double data_ratio = 0, edge_ratio = 0;
  };
  Check check(size_t i) const;

 private:
  const OfflineProblem* problem_;
  std::vector<RolloutLearner> learners_;
  std::vector<int> reach_, edge_;
  int done_ = 0;
};

// The check of a learner whose Q̂ is q_min (SA), against the exact values of its greedy policy.
EdgeRun::Check edge_check(const OfflineProblem& problem, const std::vector<int>& edge, const double* q_min);

// The record of series `series`: its curves at checkpoint `k` and its final values (the edge of reach
// has `edge_states` states).
void record_edge_checkpoint(RunRecord& out, size_t series, size_t k, const EdgeRun::Check& c);
void record_edge_finals(RunRecord& out, size_t series, const EdgeRun::Check& c, const OfflineProblem& problem, size_t edge_states);
// The iterations after which the CPU engine records checkpoint k (increasing; the layout's axis).
std::vector<int> edge_checkpoint_iterations(const EdgeParams& p, const RunLayout& layout);

class EdgeExperiment final : public ExperimentOf<EdgeParams, EdgeExperiment> {
 public:
  EdgeExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The CUDA engine (engine.hpp, edge_cuda.cpp): the learners on the GPU, the checks on this CPU.
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                         std::vector<SlotStats>* blocks) const override;

  Expected<OfflineProblem> problem(uint64_t seed, uint32_t run) const;
  // Run 1's grid picture: the first method's Q̂ − Q^π per state, the data, the edge of reach and every
  // method's greedy path from s₀. Empty when the world is not a grid.
  std::vector<plot::Plot> run_maps(uint64_t seed) const;

 private:
  mdp::WorldCache cache_;
  // run_maps for one (parameter version, seed): the Runs tab rebuilds the figure every frame.
  struct MapCache {
    MapCache() = default;
    MapCache(const MapCache&) {}  // a copy starts empty
    MapCache& operator=(const MapCache&) { return *this; }
    std::mutex mutex;
    bool valid = false;
    uint64_t version = 0, seed = 0;
    std::vector<plot::Plot> maps;
  };
  mutable MapCache maps_;
};

// Run `run`'s grid (run 1 in the figure and the live view), from `checks` (run.check(i) of every
// learner i): learner `shown`'s Q̂ − Q^π per state (heat map), the dataset's actions (arrows), the
// dataset states, the states k-step rollouts reach before their last step, the edge-of-reach states
// (gold), and every learner's greedy path from s₀. Needs a grid world.
plot::Plot edge_map(const EdgeParams& p, const OfflineProblem& problem, const EdgeRun& run, const std::vector<EdgeRun::Check>& checks, size_t shown,
                    const std::string& title);

DemoInfo edge_demo();

}  // namespace klab::offline
