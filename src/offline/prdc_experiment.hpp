// offline.prdc: PRDC against TD3+BC, behaviour cloning and unregularised TD3 on offline datasets of the
// 2-D point-mass world (point_mass.hpp), with small MLP actors and critics: the return of each learned
// policy and the overestimation Q̂(s, π(s)) − Q^π(s, π(s)), Q^π by Monte Carlo rollouts in the true world.
// Algorithms: td3.hpp. Paper: Ran, Li, Zhang, Yu, ICML 2023, arXiv:2306.06569.
#pragma once
#include <mutex>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "offline/measures.hpp"
#include "offline/prdc_engine.hpp"  // the streams and the sizes of a check
#include "offline/td3.hpp"

namespace klab::offline {

struct PrdcParams {
  std::vector<std::string> methods;  // "prdc", "td3_bc", "bc", "td3"
  PointBehaviour behaviour = PointBehaviour::Noisy;
  int episodes = 10, episode_length = 40;
  double noise = 0.5, expert_fraction = 0.2, random_starts = 0.0;
  bool wall = true;
  double alpha = 2.5, beta = 2.0;
  int steps = 2000;
  int batch = 32, hidden = 16;
  double lr = 1e-3, tau = 0.05, gamma = 0.9;
};

const std::vector<std::string>& prdc_method_ids();

// The world under p (the wall, γ).
PointMassWorld prdc_world(const PrdcParams& p);

// A method's learner settings under p.
Td3Settings prdc_settings(const PrdcParams& p, const std::string& id);

// One run: its dataset and every learner, stepped together (the Experiment's runs, the figure's run 1
// and the live view).
class PrdcRun {
 public:
  // with_learners = false: the dataset, its measures and the evaluation states alone (the CUDA engine trains the learners).
  PrdcRun(const PrdcParams& p, uint64_t seed, uint32_t run, bool with_learners = true);
  PrdcRun(const PrdcRun&) = delete;  // the learners point at data_
  PrdcRun& operator=(const PrdcRun&) = delete;
  void step();  // one step of every learner
  int steps_done() const { return done_; }
  size_t methods() const { return ids_.size(); }
  const std::string& method(size_t i) const { return ids_[i]; }
  const PointMassWorld& world() const { return world_; }
  const PointDataset& dataset() const { return dataset_; }
  const DatasetMeasures& measures() const { return measures_; }  // TQ and SACo of the dataset (measures.hpp)
  const Td3Learner& learner(size_t i) const { return learners_[i]; }
  const std::vector<Point2>& eval_states() const { return eval_states_; }
  double expert_return() const;  // the expert controller's return from the evaluation starts

  const Td3Data& data() const { return data_; }
  const std::vector<Point2>& starts() const { return starts_; }
  int horizon() const { return horizon_; }

  using Check = Td3Check;   // return, Q̂, Q^π and their difference (td3_core.hpp)
  Check check(size_t i) const;

 private:
  PointMassWorld world_;
  PointDataset dataset_;
  DatasetMeasures measures_;
  Td3Data data_;
  std::vector<std::string> ids_;
  std::vector<Td3Learner> learners_;
  std::vector<Rng> rngs_;
  std::vector<Point2> starts_, eval_states_;
  int horizon_ = 0;
  int done_ = 0;
};

// The world of run `run` with everything on it: the wall and goal, the dataset (states and action arrows),
// learner `shown`'s policy on a grid of states, and for each grid state the dataset point (ŝ, â) PRDC
// pulls π(s) towards (a line from s to ŝ).
plot::Plot prdc_map(const PrdcRun& run, size_t shown, const std::string& title);

class PrdcExperiment final : public ExperimentOf<PrdcParams, PrdcExperiment> {
 public:
  PrdcExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // What a run writes: learner `series`'s check at checkpoint k (the curves), and after training (the finals).
  static void record_check(RunRecord& out, size_t series, size_t k, const Td3Check& c);
  static void record_finals(RunRecord& out, size_t series, const Td3Check& c, const PrdcRun& run, double expert_return);

  // The CUDA engine (prdc_engine.hpp, prdc_cuda.cpp): every learner's training and checks on the GPU; the
  // datasets, their measures and KD-trees on this CPU.
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks) const override;

  // Run 1's map after training (cached per parameter version and seed: the Runs tab rebuilds every frame).
  std::vector<plot::Plot> run_maps(uint64_t seed) const;

 private:
  struct MapCache {
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

DemoInfo prdc_demo();

}  // namespace klab::offline
