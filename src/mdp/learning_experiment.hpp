// mdp.learning: learning from interaction in episodes of H steps (episodic.hpp).
//   control     Q-learning, SARSA, expected SARSA with ε schedules (td_learning.hpp) and UCBVI
//               (ucbvi.hpp): cumulative regret Σ_k (V*_0(ρ) − G_k) and the error max |Q_h − Q*_h|;
//   evaluation  off-policy evaluation of an ε-greedy target from a more exploratory ε-greedy behaviour with eligibility
//               traces — Retrace, tree backup and RBIS (traces.hpp): the error |V̂^π(ρ) − V^π(ρ)|
//               of the start value over episodes at the chosen λ, and after the last episode for a
//               grid of λ.
// All learners face the same random outcomes (common random numbers, episodic.hpp).
#pragma once
#include <string>
#include <variant>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "mdp/control_learner.hpp"
#include "mdp/td_learning.hpp"
#include "mdp/traces.hpp"
#include "mdp/world.hpp"

namespace klab::mdp {

struct LearningParams {
  std::vector<std::string> methods;
  Preset world = Preset::RiverSwim;
  int size = 6, actions = 2, branching = 3;
  double slip = 0.0, wind = 0.0;
  long long world_seed = 1;
  bool vary_world = true;
  std::string mdp_file;
  std::string grid;  // the edited gridworld (world.hpp)
  double gamma = 1.0;
  int horizon = 20;
  long long episodes = 1000;
  EpsilonSchedule eps_schedule = EpsilonSchedule::Linear;
  double eps0 = 1.0, eps_min = 0.05, eps_decay = 0.5;
  StepRule step_rule = StepRule::RescaledLinear;
  double alpha = 0.1, omega = 0.8;
  double bonus_scale = 0.005, delta = 0.05;
  double lambda = 0.9, ope_alpha = 0.2, target_eps = 0.1, behaviour_eps = 0.5;
};

const std::vector<std::string>& learning_method_ids();  // q_learning, sarsa, expected_sarsa, ucbvi, retrace, tree_backup, rbis
// What a method id runs: a control learner (ControlLearner) or an off-policy evaluator (TraceEvaluator).
using LearningMethod = std::variant<ControlMethod, TraceMethod>;
LearningMethod learning_method(const std::string& id);  // id: one of learning_method_ids()

class LearningExperiment final : public ExperimentOf<LearningParams, LearningExperiment> {
 public:
  LearningExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The CUDA engine (learning_cuda.cpp): Q-learning, SARSA and expected SARSA only.
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                         std::vector<SlotStats>* blocks) const override;

  WorldParams world() const { return world_params_of(p()); }
  TdSettings td_settings() const;
  // td_settings() with the episodes K and UCBVI's c and δ (the control learners' settings).
  ControlSettings control_settings() const;
  Expected<std::shared_ptr<const World>> world_for(uint64_t seed, uint32_t run) const {
    return cache_.get(world(), static_cast<const Experiment&>(*this).params().version(), seed, run);
  }

 private:
  WorldCache cache_;
};

// The curves and final metrics of LearningExperiment::layout(), in order.
enum LearningCurve { kLearningCurveRegret, kLearningCurveQError, kLearningCurveOpeError, kLearningCurveOpeVsLambda };
enum LearningFinal { kLearningFinalRegret, kLearningFinalQError, kLearningFinalOpeError };

// The λ grid of the "ope_error_vs_lambda" curve.
const std::vector<double>& trace_lambdas();

DemoInfo learning_demo();

}  // namespace klab::mdp
