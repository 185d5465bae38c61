// Safe meta-training on a set of training CMDPs that share states and actions (safe_meta_tasks.hpp),
// after the Hessian-free safe meta-training of Xu & Zhu (NeurIPS 2025; see safe_adaptation.hpp and
// src/mdp/README.md, "What two sources show of the paper's meta-step"):
//
//   meta-objective:  max_φ  (1/M) Σ_τ J_r^τ(A_τ(π_φ))    s.t.  J_c^τ(π_φ) ≤ (1 − m)·b  for every training τ
//   where A_τ is the closed-form safe adaptation step (SafeStepRule: the CPO-bound step, or the KL
//   dual's, whose logits φ + (A_r − u*A_c)/η are the same form with α = 1/η, λ* = u*) and m a safety
//   margin (ours: the paper's problem (2), as a summary quotes it, is J_c^τ(π_φ) ≤ d + δ_c, i.e. m = 0
//   with δ_c = 0; the margin helps the meta-policy stay safe on unseen tasks). π_φ = softmax(φ), tabular.
//   Hessian-free step: the adapted logits are φ′_τ = φ + α(A_r − λ*A_c), and we drop the derivative
//   of the advantages and of λ* with respect to φ (dφ′/dφ ≈ I, first-order MAML) — the paper's
//   Proposition 3 as the summary quotes it, and what the SafeMeta.py that Ni & Kamgarpour (ICML 2026)
//   build on Xu & Zhu's code does (a TRPO step on mean_τ E_{π_τ}[A^{π_τ}·π_φ/π_φ,old]). Our step is the
//   natural gradient with the adapted policies' advantages (Agarwal et al. 2021: the NPG of a softmax
//   policy is A^π/(1 − γ)):   φ ← φ + η (1/M) Σ_τ A_r^{τ, A_τ(π_φ)}.
//   (Reading: TRPO's Fisher preconditioning weights A by π_τ/π_φ and d^{π_τ}/d̄, and its step is a KL
//   radius, not a fixed η: MetaUpdate::Trpo, `meta_update = trpo`, takes the step that way.)
//   Constraint handling, CRPO-style (Xu, Liang & Lan, ICML 2021; the paper's Algorithm 1 as the summary
//   describes it): while some training task has J_c^τ(π_φ) > (1 − m)·b the step descends the cost of
//   those tasks instead:   φ ← φ − η (1/|V|) Σ_{τ∈V} A_c^{τ, π_φ}.
//   (Reading: SafeMeta.py checks the tasks' mean adapted cost and takes the cost step before a reward step.)
#pragma once
#include <vector>

#include "mdp/safe_adaptation.hpp"
#include "mdp/safe_meta_tasks.hpp"

namespace klab::mdp {

// How a meta-step moves the logits: the lab's fixed-step natural gradient (above), or one TRPO step as the
// SafeMeta.py built on Xu & Zhu's code takes it (below, trpo_logit_step) on the same first-order surrogate.
enum class MetaUpdate { NaturalGradient, Trpo };

struct MetaTrainingSettings {
  double meta_step = 1.0;   // η (MetaUpdate::NaturalGradient)
  MetaUpdate update = MetaUpdate::NaturalGradient;
  double max_kl = 0.01;     // δ (MetaUpdate::Trpo): the trust region's KL radius
  SafeStepRule step;        // the inner safe step (α of the CPO-bound step, or the KL dual's λ, λ_c)
  double margin = 0.3;      // m
  double budget = 0.1;      // b
};

// One TRPO step (Schulman et al., ICML 2015) of tabular softmax logits φ (π = softmax(φ)) on the surrogate
//   L(φ′) = Σ_{s,a} g(s,a)·π_φ′(a|s)/π_φ(a|s)      (g(s,a) = mean_τ d^{π_τ}(s) π_τ(a|s) A^{π_τ}(s,a): the
//                                                   adapted policies' advantages on their own state-actions)
// within the trust region Σ_s d(s) KL(π_φ(·|s) ‖ π_φ′(·|s)) ≤ δ in its quadratic form (the Fisher matrix
// F = ⊕_s d(s)(diag π − ππᵀ)), as the TRPO code of ni-tingting/constrained-meta-rl-locomotion (algos/trpo.py,
// trpo_step, read, not copied) takes it: the direction x = F⁻¹∇L (here exact, x(s,a) = g(s,a)/(d(s)π(a|s)),
// since every state's g sums to 0), the full step √(2δ/xᵀFx)·x, then backtracking by halves (at most 10)
// until the surrogate's gain is positive and at least 0.1 of its linear prediction. `pi` must be softmax(φ)
// and every state's g must sum to 0 (as advantages of π_τ under π_τ do). Returns the fraction of the full
// step taken (0: none was accepted, φ unchanged).
double trpo_logit_step(const Mdp& m, Eigen::VectorXd& logits, const Policy& pi, const Eigen::VectorXd& g, const Eigen::VectorXd& d,
                       double max_kl);

class SafeMetaTrainer {
 public:
  SafeMetaTrainer(const std::vector<MetaTask>& tasks, const MetaTrainingSettings& s);
  // One meta-step; afterwards the statistics of the policy it started from. The same in pieces
  // (for resumable runs): add_task(t) for every training task, then apply().
  void iterate();
  void add_task(size_t t);
  void apply();
  const Policy& policy() const { return pi_; }
  double adapted_reward() const { return adapted_reward_; }  // mean J_r of the adapted policies (before the step)
  double worst_excess() const { return worst_excess_; }      // max_τ J_c^τ(π_φ) − b (before the step)

 private:
  const std::vector<MetaTask>& tasks_;
  MetaTrainingSettings s_;
  Eigen::VectorXd logits_;
  Policy pi_;
  double adapted_reward_ = 0.0, worst_excess_ = 0.0;
  // the meta-step being accumulated: the natural-gradient steps, and TRPO's surrogate weights g and state weights d
  Eigen::VectorXd reward_step_, cost_step_;
  Eigen::VectorXd reward_g_, cost_g_, reward_d_, cost_d_;
  int violated_ = 0;
  double reward_sum_ = 0.0, excess_max_ = 0.0;
  size_t added_ = 0;
};

}  // namespace klab::mdp
