// Exact (full-information) policy-space methods on softmax policies π_θ(a|s) ∝ exp θ(s, a):
//
// Mirror Descent Policy Optimization, exact tabular form (Tomar, Shani, Efroni & Ghavamzadeh,
// "Mirror Descent Policy Optimization", ICLR 2022): each step solves
//   π_{k+1}(·|s) = argmax_π ⟨Q^{π_k}(s, ·), π⟩ − (1/t_k) KL(π ‖ π_k(·|s)),
// whose solution is π_{k+1}(a|s) ∝ π_k(a|s) exp(t_k Q^{π_k}(s, a)), i.e. θ_{k+1} = θ_k + t_k Q^{π_k}.
// (The paper's deep-RL algorithm approximates this step with several SGD steps; the exact form
// is the tabular policy mirror descent it builds on.) t_k → ∞ is policy iteration.
// Step-size schedules: constant t; linear t_k = t·(k + 1); geometric t_k = t/γ^k (with geometric
// steps policy mirror descent converges linearly at rate γ like policy iteration: Xiao, JMLR 2022;
// Johnson, Pike-Burke & Rebeschini, NeurIPS 2023).
//
// Softmax policy gradient, exact (Agarwal, Kakade, Lee & Mahajan, JMLR 2021, Lemma C.1; Mei et
// al., ICML 2020): for the objective V^{π_θ}(ρ),
//   ∂V^{π_θ}(ρ)/∂θ(s, a) = 1/(1 − γ) · d^{π_θ}_ρ(s) · π_θ(a|s) · A^{π_θ}(s, a),   θ ← θ + η ∇.
// Its O(1/k) rate has constants that can be exponential in the chain length (Li, Wei, Chi, Gu &
// Chen, "Softmax policy gradient methods can take exponential time to converge", COLT 2021).
//
// Taylor expansion of discount factors (Tang, Rowland, Munos & Valko, ICML 2021). For γ_e < γ,
// (I − γP)⁻¹ = Σ_k [(γ − γ_e)(I − γ_e P)⁻¹ P]^k (I − γ_e P)⁻¹ (a Neumann series: the ratio has norm
// ≤ (γ − γ_e)/(1 − γ_e) < 1), so
//   V^π_γ = Σ_{k≥0} [(γ − γ_e)(I − γ_e P^π)⁻¹ P^π]^k V^π_{γ_e},
// and the K-th order truncation V_K interpolates between V_{γ_e} (K = 0) and V_γ (K → ∞). The
// identity is derived here from the paper's abstract ("a family of objectives that interpolate
// value functions of two distinct discount factors") and checked by a unit test; our use of
// Q_K = r + γ P V_K in place of Q^π_γ inside policy iteration is a reading, not the paper's
// experiment (its updates are sample-based deep-RL ones).
#pragma once
#include <Eigen/Dense>

#include "mdp/evaluation.hpp"

namespace klab::mdp {

enum class StepSchedule { Constant, Linear, Geometric };
// t_k for k = 0, 1, ..., at most kMaxMdpoStep (exp(−10¹²·10⁻⁹) underflows: the step is greedy).
constexpr double kMaxMdpoStep = 1e12;
double step_size(StepSchedule schedule, double t0, int k, double gamma);

// θ ← θ + t·Q, then each state's logits shifted so their maximum is 0 (π unchanged, no overflow).
void mdpo_step(const Mdp& m, Eigen::VectorXd& logits, const Eigen::VectorXd& q, double t);

// ∇_θ V^{π_θ}(ρ) (SA) from π_θ, its Q and V, and d^π_ρ (S, normalised: state_distribution()).
Eigen::VectorXd softmax_pg_gradient(const Mdp& m, const Policy& pi, const Eigen::VectorXd& q, const Eigen::VectorXd& v,
                                    const Eigen::VectorXd& d);

// V_K (S): the K-th order Taylor expansion of V^π_γ (γ = m.discount) around V^π_{γ_e}.
Eigen::VectorXd taylor_values(const Mdp& m, const Policy& pi, double gamma_e, int order);

}  // namespace klab::mdp
