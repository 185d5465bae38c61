// mdp.planning: exact planning methods on a known MDP (planner.hpp), one iteration at a time —
// value iteration, policy iteration, soft VI, exact tabular MDPO with a step-size schedule, softmax
// policy gradient and (optional) policy iteration on the Taylor expansion of discount factors —
// with their suboptimality V*(ρ) − V^{π_k}(ρ) and Bellman residual against the iteration k. On a
// random world every run solves its own random MDP (a batch over MDPs).
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "mdp/planner.hpp"
#include "mdp/world.hpp"

namespace klab::mdp {

struct PlanningParams {
  std::vector<std::string> methods;  // planning method ids, in series order
  Preset world = Preset::Random;     // world parameters (world.hpp)
  int size = 50, actions = 4, branching = 5;
  double slip = 0.0, wind = 0.0;
  long long world_seed = 1;
  bool vary_world = true;
  std::string mdp_file;
  std::string grid;  // the edited gridworld (world.hpp)
  double gamma = 0.95;
  int horizon = 0;                   // planning is discounted (not a parameter)
  int iterations = 300;
  double tolerance = 1e-6;           // ε: "iterations" counts k until V*(ρ) − V^{π_k}(ρ) ≤ ε·(1 + max|V*|)
  double tau = 0.05;
  double mdpo_step = 1.0;
  StepSchedule mdpo_schedule = StepSchedule::Geometric;
  double pg_lr = 1.0;
  int taylor_order = 1;
  double taylor_gamma = 0.8;
};

const std::vector<std::string>& plan_method_ids();  // "vi", "pi", "soft_vi", "mdpo", "softmax_pg", "taylor_pi"

class PlanningExperiment final : public ExperimentOf<PlanningParams, PlanningExperiment> {
 public:
  PlanningExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The CUDA engine (planning_cuda.cpp: batched value iteration, vi_engine.hpp): "vi" only.
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks) const override;

  WorldParams world() const { return world_params_of(p()); }
  PlanSettings settings() const;
  Expected<std::shared_ptr<const World>> world_for(uint64_t seed, uint32_t run) const { return cache_.get(world(), static_cast<const Experiment&>(*this).params().version(), seed, run);
  }

 private:
  WorldCache cache_;
};

DemoInfo planning_demo();

}  // namespace klab::mdp
