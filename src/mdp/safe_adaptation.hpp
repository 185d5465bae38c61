// One-step safe policy adaptation and safe meta-training on tabular CMDPs, after Xu & Zhu,
// "Efficient Safe Meta-Reinforcement Learning: Provable Near-Optimality and Anytime Safety"
// (NeurIPS 2025). The paper's text past its abstract was not reachable from this lab; the rules
// below are our reading of the abstract ("a one-step safe policy adaptation method that admits a
// closed-form solution, ensuring monotonic improvement, constraint satisfaction at every step";
// "a Hessian-free meta-training algorithm that incorporates safety constraints on the meta-policy
// and leverages the analytical form of the adapted policy"), built from standard pieces:
//
// Adaptation of a policy π on a task (r, c, budget b), from one exact evaluation of π:
//   KL-regularised, linearised problem (per state s, weighted by d^π):
//     max_π′ Σ_s d^π(s) ⟨π′(·|s), A_r^π(s,·)⟩ − (1/α) KL(π′ ‖ π)   s.t.  U(π′) ≤ b
//   whose Lagrangian maximiser is closed-form for every multiplier λ ≥ 0:
//     π_{α,λ}(a|s) ∝ π(a|s) exp(α (A_r^π(s,a) − λ A_c^π(s,a))).
//   U is the upper bound of Achiam, Held, Tamar & Abbeel ("Constrained Policy Optimization",
//   ICML 2017, Corollary 2) on the cost of π′ from quantities of π alone:
//     J_c(π′) ≤ U(π′) = J_c(π) + 1/(1 − γ) Σ_s d^π(s) [ ⟨π′, A_c^π⟩(s) + 2γ ε/(1 − γ) · TV(π′, π)(s) ],
//     ε = max_s |⟨π′, A_c^π⟩(s)|,   d^π = (1 − γ) ρᵀ(I − γP^π)⁻¹ (normalised).
//   λ* is the smallest λ with U(π_{α,λ}) ≤ b (bisection on the scalar dual), α halves until one
//   exists (α → 0 gives π′ → π, so a feasible π always has one: anytime safety is a theorem
//   here, not an observation). No λ at any α (π itself infeasible): the candidate of least U.
//   Cost per step: one evaluation of π and O(SA) per trial λ — no further policy evaluations.
//   Option (not the paper's): certify with the exact cost J_c(π_{α,λ}) instead of U — one policy
//   evaluation per trial λ, and as safe, since the constraint is then checked exactly; it shows how
//   much of the gap to the optimum is the price of certifying from π's data alone.
//
// The SafeMeta.py of ni-tingting/constrained-meta-rl-locomotion (built on Xu & Zhu's earlier, ICLR 2025
// code, per its README) adapts a network policy by 100 Adam steps on (L_r + u·L_c)/λ + KL(π ‖ π′) with
// the multiplier u ← clip(u + (L_c − (b − J_c(π))/Σ_t γ^t), 0, 8): the KL-dual problem with the
// linearised cost alone (adaptation = kl_dual with kl_lambda_c = 0 here), solved iteratively; see
// src/mdp/README.md, "What two sources show of the paper's meta-step".
//
// Unconstrained adaptation (MAML-style one natural-gradient step): π′ ∝ π exp(α A_r^π).
// Iterative primal-dual adaptation: π_{k+1} ∝ π_k exp(α (A_r^{π_k} − λ_k A_c^{π_k})),
//   λ_{k+1} = [λ_k + η_λ (J_c(π_k) − b)]₊ — one evaluation per iteration, no certificate.
#pragma once
#include <Eigen/Dense>

#include "mdp/evaluation.hpp"

namespace klab::mdp {

// What one exact evaluation of π on a task gives: the adaptation needs nothing else.
struct PolicyStats {
  Eigen::VectorXd ar, ac;  // (SA) advantages A_r^π, A_c^π
  Eigen::VectorXd d;       // (S) normalised discounted state distribution d^π_ρ
  double reward = 0.0, cost = 0.0;  // J_r(π) = ρᵀV_r^π, J_c(π) = ρᵀV_c^π
};
PolicyStats policy_stats(const Mdp& m, const Policy& pi);

// π_{α,λ}(a|s) ∝ π(a|s) exp(α (A_r − λ A_c)) into `out` (SA).
void tilted_policy(const Mdp& m, const Policy& pi, const PolicyStats& st, double alpha, double lambda, Policy& out);
// U(π′): the bound above on J_c(π′).
double cost_bound(const Mdp& m, const Policy& pi, const PolicyStats& st, const Policy& next);

struct SafeStep {
  Policy policy;               // the adapted policy
  double alpha = 0.0, lambda = 0.0, bound = 0.0;  // bound: U, the exact cost (Certificate::Exact), or S (kl_dual_step)
  bool certified = false;      // bound ≤ b (the KL dual: its surrogate S, not a bound)
};
enum class Certificate { Bound, Exact };
// The closed-form safe step of step size at most `alpha` (see above).
SafeStep safe_adaptation_step(const Mdp& m, const Policy& pi, const PolicyStats& st, double budget, double alpha,
                              Certificate certificate = Certificate::Bound);

// The paper's own rule, a reading of a secondary source: Xu & Zhu's problem (1), closed form
// (Proposition 1) and dual (3) as quoted by a machine-written summary of the NeurIPS 2025 paper
// (src/mdp/README.md, mdp.safe_meta, "Adaptation"), not read in the paper itself. With KL weights
// λ (objective) and λ_c (constraint), δ_c = 0:
//   max_π′ Σ_s d^π(s) ⟨π′, A_r^π⟩(s) − λ Σ_s d^π(s) KL(π′ ‖ π)(s)
//   s.t.   S(π′) = J_c(π) + 1/(1 − γ) Σ_s d^π(s) ⟨π′, A_c^π⟩(s) + λ_c Σ_s d^π(s) KL(π′ ‖ π)(s) ≤ b
//   π′(a|s) ∝ π(a|s) exp((A_r^π(s,a) − u* A_c^π(s,a)) / η),   η = λ + (1 − γ) u* λ_c,
// u* ≥ 0 the minimiser of the convex dual g(u) = Σ_s d^π(s) η log Σ_a π exp((A_r − u A_c)/η)
// + (1 − γ) u (b − J_c(π)), whose derivative is g′(u) = (1 − γ)(b − S(π_u)) (envelope theorem):
// S(π_u) does not increase with u. The paper solves the dual by projected gradient; with one
// constraint it is a 1-D problem, solved here exactly: u* = 0 if S(π_0) ≤ b, else the root of
// S(π_u) = b by bisection (to ≈ 10⁻¹⁵ of its bracket). S is not the CPO bound: it bounds J_c(π′)
// only where λ_c·KL covers the linearisation's error, so the step is not certified by it.
struct KlTerms {
  double reward = 0.0, cost = 0.0, kl = 0.0;  // Σ_s d^π(s) of ⟨π′, A_r^π⟩, ⟨π′, A_c^π⟩, KL(π′ ‖ π)
};
KlTerms kl_terms(const Mdp& m, const Policy& pi, const PolicyStats& st, const Policy& next);
// S(π′) from its terms.
double kl_surrogate_cost(const Mdp& m, const PolicyStats& st, const KlTerms& t, double cost_kl_weight);
// The step: policy π′, alpha = 1/η, lambda = u*, bound = S(π′), certified = S(π′) ≤ b (the
// surrogate, not the exact cost). No u with S(π_u) ≤ b: the last of the scan (u ≈ 10⁷, least S).
SafeStep kl_dual_step(const Mdp& m, const Policy& pi, const PolicyStats& st, double budget, double kl_weight, double cost_kl_weight);

// Which safe step a run takes (mdp.safe_meta's `adaptation`), with its settings.
enum class SafeRule { CpoBound, KlDual };
struct SafeStepRule {
  SafeRule rule = SafeRule::CpoBound;
  double alpha = 5.0;                               // CPO bound: the largest step size
  Certificate certificate = Certificate::Bound;     // CPO bound: how it certifies
  double kl_weight = 0.2, cost_kl_weight = 1.0;     // KL dual: λ, λ_c
};
SafeStep safe_step(const Mdp& m, const Policy& pi, const PolicyStats& st, double budget, const SafeStepRule& rule);

}  // namespace klab::mdp
