// mdp.safe_meta: safe meta-RL on a distribution of gridworld CMDPs (safe_meta_tasks.hpp), after
// Xu & Zhu, "Efficient Safe Meta-Reinforcement Learning: Provable Near-Optimality and Anytime
// Safety" (NeurIPS 2025). Each run draws its training and unseen test tasks, meta-trains a policy
// (safe_meta_training.hpp), then adapts on every unseen task for K steps, each step one exact
// evaluation of the current policy, and compares:
//   meta_safe           meta-policy + closed-form safe adaptation (safe_adaptation.hpp)
//   meta_unconstrained  meta-policy + the unconstrained step π′ ∝ π exp(α A_r)  (MAML-style)
//   uniform_safe        the untrained uniform policy + closed-form safe adaptation
//   meta_primal_dual    meta-policy + iterative primal-dual adaptation (one evaluation per iteration)
// against the exact per-task CMDP optimum (occupancy LP) as the ceiling.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "mdp/safe_adaptation.hpp"

namespace klab::mdp {

struct SafeMetaParams {
  std::vector<std::string> methods;
  int size = 6, hazards = 4;
  double slip = 0.1, gamma = 0.8, budget = 0.1;
  int train_tasks = 10, test_tasks = 16, meta_iterations = 60, adapt_steps = 10, pd_iterations = 20;
  double meta_step = 1.0, adapt_step = 5.0, margin = 0.3, dual_step = 20.0;
  Certificate certificate = Certificate::Bound;
};

const std::vector<std::string>& safe_meta_method_ids();  // meta_safe, meta_unconstrained, uniform_safe, meta_primal_dual

class SafeMetaExperiment final : public ExperimentOf<SafeMetaParams, SafeMetaExperiment> {
 public:
  SafeMetaExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo safe_meta_demo();

}  // namespace klab::mdp
