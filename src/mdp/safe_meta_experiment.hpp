// mdp.safe_meta: safe meta-RL on a distribution of gridworld CMDPs (safe_meta_tasks.hpp), after
// Xu & Zhu, "Efficient Safe Meta-Reinforcement Learning: Provable Near-Optimality and Anytime
// Safety" (NeurIPS 2025). Each run draws its training and unseen test tasks, meta-trains a policy
// (safe_meta_training.hpp), then adapts on every unseen task for K steps, each step one exact
// evaluation of the current policy, and compares:
//   meta_safe           meta-policy + closed-form safe adaptation (safe_adaptation.hpp; `adaptation`:
//                       the CPO-bound step, or the paper's KL-dual step as a secondary source quotes it)
//   meta_unconstrained  meta-policy + the unconstrained step π′ ∝ π exp(α A_r)  (MAML-style)
//   uniform_safe        the untrained uniform policy + closed-form safe adaptation
//   meta_primal_dual    meta-policy + iterative primal-dual adaptation (one evaluation per iteration)
// against the exact per-task CMDP optimum (occupancy LP) as the ceiling.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "core/rng.hpp"
#include "mdp/safe_adaptation.hpp"
#include "mdp/safe_meta_tasks.hpp"
#include "mdp/safe_meta_training.hpp"

namespace klab::mdp {

struct SafeMetaParams {
  std::vector<std::string> methods;
  int size = 6, hazards = 4;
  double slip = 0.1, wind = 0.0, gamma = 0.8, budget = 0.1;
  int train_tasks = 10, test_tasks = 16, meta_iterations = 60, adapt_steps = 10, pd_iterations = 20;
  double meta_step = 1.0, adapt_step = 5.0, margin = 0.3, dual_step = 20.0;
  Certificate certificate = Certificate::Bound;
  SafeRule adaptation = SafeRule::CpoBound;     // the safe step: CPO bound (ours) or the paper's KL dual (a reading)
  double kl_lambda = 0.2, kl_lambda_c = 1.0;    // the KL dual's λ, λ_c (safe_adaptation.hpp)
  MetaUpdate meta_update = MetaUpdate::NaturalGradient;  // the meta-step: fixed-step natural gradient (ours) or TRPO
  double meta_kl = 0.01;                                 // TRPO's KL radius δ
  std::string grid;  // non-empty: a painted grid as the tasks' base layout (safe_meta_tasks.hpp)
};

const std::vector<std::string>& safe_meta_method_ids();  // meta_safe, meta_unconstrained, uniform_safe, meta_primal_dual

// The pieces a run is made of, shared by the Runs tab's cursor and the live view.
constexpr double kSafeMetaViolationTolerance = 1e-9;  // J_c > b + this counts as over budget (exact values)
// The task spec of the parameters (the painted grid parsed: "parameter 'grid': …" when it does not).
Expected<MetaTaskSpec> safe_meta_task_spec(const SafeMetaParams& p);
MetaTrainingSettings safe_meta_training_settings(const SafeMetaParams& p);
SafeStepRule safe_meta_step_rule(const SafeMetaParams& p);  // the safe step of adaptation and meta-training
// The stream run `run` draws its training (or its unseen) tasks from, one task at a time.
Rng safe_meta_task_rng(uint64_t seed, uint32_t run, bool training);

// One method's adaptation on one task: J_r and J_c of π_0 … π_K and, when kept, the policies.
struct AdaptationPath {
  std::vector<double> reward, cost;  // (K + 1)
  std::vector<Policy> policies;      // (K + 1) when kept, else empty
  int match = -1;                    // primal-dual: the first iteration k ≥ 1 with at least the target reward within budget
};
// One method's adaptation on one task, a step at a time (the functions below run it to the end;
// mdp.safe_meta's live view steps every method side by side): evaluate() evaluates π_k exactly and
// appends J_r, J_c (and π_k when kept) to the path while k ≤ K; adapt() moves to π_{k+1} by the rule.
enum class AdaptationRule { Safe, Unconstrained, PrimalDual };
class Adaptation {
 public:
  Adaptation(const SafeMetaParams& p, const Mdp& task, Policy start, AdaptationRule rule, bool keep_policies);
  const PolicyStats& evaluate();
  void adapt();  // after evaluate()
  const AdaptationPath& path() const { return path_; }
  const Policy& policy() const { return pi_; }  // π_k

 private:
  const SafeMetaParams& p_;
  const Mdp& task_;
  Policy pi_;
  AdaptationRule rule_;
  bool keep_;
  PolicyStats stats_;
  double lambda_ = 0.0;  // primal-dual's multiplier λ_k
  AdaptationPath path_;
};

// K = adapt_steps steps of closed-form adaptation from `start`: the certified safe step (`safe`)
// or the unconstrained one π′ ∝ π exp(α A_r).
AdaptationPath closed_form_adaptation(const SafeMetaParams& p, const Mdp& task, Policy start, bool safe, bool keep_policies);
// π_{k+1} ∝ π_k exp(α(A_r − λ_k A_c)), λ_{k+1} = [λ_k + η_λ(J_c(π_k) − b)]₊ from λ_0 = 0: the path
// keeps k ≤ K; the iterations go on (up to pd_iterations) until one has `target` reward within budget.
AdaptationPath primal_dual_adaptation(const SafeMetaParams& p, const Mdp& task, Policy start, double target, bool keep_policies);

class SafeMetaExperiment final : public ExperimentOf<SafeMetaParams, SafeMetaExperiment> {
 public:
  SafeMetaExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo safe_meta_demo();

}  // namespace klab::mdp
