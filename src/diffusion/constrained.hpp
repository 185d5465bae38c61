// The constrained problems of diffusion.constrained (Khalafi, Hounie, Ding, Ribeiro, "Composition and
// Alignment of Diffusion Models using Constrained Learning", NeurIPS 2025):
//
//   alignment    min_p KL(p‖q)  s.t.  E_p[r_i] ≥ b_i  (i = 1..m)
//                Lagrangian L(p, λ) = KL(p‖q) − λᵀ(E_p r − b), λ ≥ 0; for a fixed λ its minimiser is the
//                reward-weighted model q_λ ∝ q·exp(λᵀr) (the paper's characterisation of the solution);
//   composition  min_{p,u} u  s.t.  KL(p‖q_i) ≤ u  (i = 1..m): the reverse-KL ("product", AND) composition,
//                the smallest largest KL to the pretrained models. Minimising over u puts the multipliers μ
//                on the simplex (Σμ_i = 1); for a fixed μ the minimiser of Σμ_i KL(p‖q_i) is the product
//                p_μ ∝ Π q_i^{μ_i} (reading of the paper and of its 2-D notebook, where each pretrained model
//                is one Gaussian).
//
// Both minimisers form an exponential family p_θ ∝ h·exp(θᵀT(x)), with (h, T) = (q, r) and (1, log q_i).
// That family is the model trained here, its parameters θ the tilt weights, chosen because it holds the
// exact answer for every multiplier and its members stay Gaussian mixtures, so the samplers run on their
// exact noised score (marginal.hpp) and every reference value is closed form:
//   rewards  r_i(x) = −(a_i/2)‖x − c_i‖² (quadratic): Σθ_i r_i is one isotropic quadratic
//            −(A/2)‖x − c̄‖² − C, A = Σθ_i a_i, c̄ = Σθ_i a_i c_i / A, so q_θ is tilt.hpp's tilted mixture;
//   experts  q_i = N(m_i, S_i): Π N_i^{θ_i} = N(m, S), S⁻¹ = Σθ_i S_i⁻¹, m = S Σθ_i S_i⁻¹ m_i.
// (Linear rewards would also stay in the family; quadratic ones say "near c_i", the 2-D analogue of the
// paper's image rewards, and reuse the tilt of diffusion.tsmc. A product of powers of mixtures is not a
// mixture, hence one Gaussian per expert, as in the paper's own 2-D experiment.)
//
// Both Lagrangians have the gradient ∇_θ L(p_θ, λ) = Cov_θ(T)(θ − λ) (alignment: KL = θᵀE r − log Z;
// composition: Σμ_i KL_i = (θ − μ)ᵀE T − log Z with Σμ_i = 1), estimated from samples of the model.
#pragma once
#include <string>
#include <vector>

#include "diffusion/mixture2d.hpp"
#include "diffusion/solvers.hpp"
#include "diffusion/tilt.hpp"

namespace klab::diffusion {

enum class ConstrainedKind { Alignment, Composition };

struct ConstrainedProblem {
  ConstrainedKind kind = ConstrainedKind::Alignment;
  Mixture base;                          // alignment: the pretrained q
  std::vector<QuadraticReward> rewards;  // alignment: r_i
  std::vector<double> thresholds;        // alignment: b_i
  std::vector<Component> experts;        // composition: q_i = N(m_i, S_i) (weights ignored)
  size_t size() const { return kind == ConstrainedKind::Alignment ? rewards.size() : experts.size(); }
};

// The model p_θ as a Gaussian mixture (θ ≥ 0; composition: θ on the simplex).
Mixture tilt_model(const ConstrainedProblem& pr, const std::vector<double>& theta);

// Exact values at p_θ: each constraint's quantity (E r_i, or KL(p_θ‖q_i)), the objective (KL(p_θ‖q), or
// max_i KL_i) and the Lagrangian L(p_θ, λ).
struct ConstrainedValues {
  std::vector<double> values;
  double objective = 0.0;
  double lagrangian = 0.0;
};
ConstrainedValues exact_values(const ConstrainedProblem& pr, const std::vector<double>& theta, const std::vector<double>& lambda);

// Largest constraint violation: max_i (b_i − E r_i), or max_i KL_i − u* (u* = `optimum`, the exact
// smallest largest KL). Positive: violated.
double violation(const ConstrainedProblem& pr, const std::vector<double>& values, double optimum);

// Π: the non-negative orthant (alignment) or the probability simplex (composition).
std::vector<double> project(const ConstrainedProblem& pr, std::vector<double> v);

// λ* by projected gradient ascent on the concave dual g(λ) = L(p_λ, λ) with exact gradients
// (b − E_λ r, or KL(p_μ‖q_i): on the simplex a common shift does not move the projection) and
// backtracking; stops when a step moves λ by < 1e-12 (1 + ‖λ‖).
std::vector<double> exact_multipliers(const ConstrainedProblem& pr);

// One primal-dual iteration from samples x ~ p_θ (drawn by the diffusion sampler):
//   primal  θ ← Π(θ − (η_θ/c) Ĉov(T)(θ − λ))
//   dual    alignment: λ ← Π(λ − (η_λ/c)(Ê r − b));  composition: μ ← Π(μ + (η_λ/c) K̂L), K̂L_i = mean(log p_θ − log q_i)
// with c = tr Ĉov(T), the curvature of both the primal objective and (at θ = λ) the dual, so that the
// rates η are free of the rewards' and KLs' scale (a reading: the paper gives plain learning rates).
// Both steps use the multipliers and model of the start of the iteration (simultaneous steps).
void primal_dual_step(const ConstrainedProblem& pr, const Particles& samples, double primal_rate, double dual_rate, std::vector<double>& theta,
                      std::vector<double>& lambda);

}  // namespace klab::diffusion
