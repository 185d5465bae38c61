// offline.dice: V-DICE value learning on a narrow dataset with the semi-gradient, the true gradient
// and O-DICE's orthogonal gradient, against an IQL-style action-level constraint and behaviour
// cloning: the exact return of each learner's policy, how often its policy leads back to the data
// from states the data never visit, V̂ − V^π, and whether the forward and backward gradients cancel.
// Algorithms: dice.hpp. Paper: Mao, Xu, Zhang, Zhan, ICLR 2024.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "offline/dice.hpp"
#include "offline/problem.hpp"

namespace klab::offline {

enum class FeatureKind { RadialOneHot, Tabular, Radial };  // the order of the `features` choices

struct DiceParams {
  std::vector<std::string> methods;  // "semi", "true", "orthogonal", "iql", "bc"
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
  double noise = 0.3, expert_fraction = 0.2, random_starts = 0.0;
  FeatureKind features = FeatureKind::RadialOneHot;
  double spacing = 2.0;
  double lambda = 0.7, eta = 1.0, tau = 0.7;
  double reward_scale = 100.0;
  double step_size = 0.5;
  int batch = 64;
  int steps = 1000;
  int support_steps = 10;
};

const std::vector<std::string>& dice_method_ids();

// The batches' random stream: (seed, run, kDiceBatchStream) for every learner of a run.
constexpr uint32_t kDiceBatchStream = 0x8C0;
// Method `method`'s learner settings; whether it learns a value (every method but "bc").
DiceSettings dice_settings(const DiceParams& p, const std::string& method);
bool dice_learns(const std::string& method);
Features dice_features(const DiceParams& p, const mdp::World& w);

// One run's learners step by step (the Experiment's runs, the figure's run 1 and the live view).
class DiceRun {
 public:
  DiceRun(const DiceParams& p, const OfflineProblem& problem, uint64_t seed, uint32_t run);
  // With the problem world's features already built (dice_features(p, *problem.world)): the CUDA
  // engine's records share one set per world.
  DiceRun(const DiceParams& p, const OfflineProblem& problem, std::shared_ptr<const Features> features, uint64_t seed, uint32_t run);
  DiceRun(const DiceRun&) = delete;  // the learners point at *features_
  DiceRun& operator=(const DiceRun&) = delete;
  void step();
  int steps_done() const { return done_; }
  size_t methods() const { return ids_.size(); }
  const DiceLearner& learner(size_t i) const { return learners_[i]; }
  const std::vector<int>& unseen() const { return unseen_; }  // non-absorbing states the data never visit
  const std::vector<char>& support() const { return support_; }

  struct Check {
    std::vector<double> value;   // V̂ (S); empty for behaviour cloning
    std::vector<double> policy;  // π (SA)
    std::vector<double> back;    // probability of entering a dataset state within support_steps (S)
    double ret = 0;              // V^π(ρ), exact
    double support_rate = 0;     // back's mean over the unseen states
    double overestimation = 0;   // mean over dataset states of V̂(s) − V^π(s) (NaN for behaviour cloning)
    double cosine = 0;           // cos∠(g→, g←) of the last batch (NaN unless a DICE learner)
  };
  Check check(size_t i) const;
  // The same check with learner i at parameters θ whose last batch had cos∠(g→, g←) = cosine (the
  // CUDA engine's snapshots, dice_cuda.cpp).
  Check check_at(size_t i, const std::vector<double>& theta, double cosine) const;

 private:
  const OfflineProblem* problem_;
  int support_steps_;
  std::shared_ptr<const Features> features_;
  std::vector<char> support_;
  std::vector<int> unseen_;
  std::vector<std::string> ids_;
  std::vector<DiceLearner> learners_;
  std::vector<Rng> rngs_;
  int done_ = 0;
};

class DiceExperiment final : public ExperimentOf<DiceParams, DiceExperiment> {
 public:
  DiceExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The CUDA engine (dice_engine.hpp, dice_cuda.cpp): the learners on the GPU, the checks on this CPU.
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks) const override;

  Expected<OfflineProblem> problem(uint64_t seed, uint32_t run) const;
  // Run 1's map: the orthogonal learner's (else the first's) probability of walking back to the data
  // from each state, with its policy and the dataset states. Empty when the world is not a grid.
  std::vector<plot::Plot> run_maps(uint64_t seed) const;

 private:
  mdp::WorldCache cache_;
  struct MapCache {  // run_maps for one (parameter version, seed): the Runs tab rebuilds every frame
    MapCache() = default;
    MapCache(const MapCache&) {}
    MapCache& operator=(const MapCache&) { return *this; }
    std::mutex mutex;
    bool valid = false;
    uint64_t version = 0, seed = 0;
    std::vector<plot::Plot> maps;
  };
  mutable MapCache maps_;
};

// A run's record, as the cursor writes it: checkpoint k's curves and the final values of one series.
void record_dice_checkpoint(RunRecord& out, size_t series, size_t k, const DiceRun::Check& c);
void record_dice_finals(RunRecord& out, size_t series, const DiceRun::Check& c, const OfflineProblem& problem, size_t unseen_states);
// The step counts of the layout's checkpoints.
std::vector<int> dice_checkpoint_steps(const RunLayout& layout);

// The support map of one learner on the grid (the Runs figure and the live view draw the same).
plot::Plot support_map(const OfflineProblem& problem, const DiceRun::Check& c, const std::string& title);

DemoInfo dice_demo();

}  // namespace klab::offline
