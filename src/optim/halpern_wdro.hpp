// optim.halpern's Wasserstein distributionally robust logistic regression (problem = wdro_logistic), in the min-max form of
// Yu, Lin, Mazumdar & Jordan, "Fast Distributionally Robust Learning with Variance-Reduced Min-Max Optimization",
// AISTATS 2022 (arXiv:2104.13326; the authors' public code yaodongyu/FastDRO-MinMaxOpt, read, not copied, gives the same
// operator and projections). Cai, Alacaoglu, Diakonikolas (ICLR 2024) motivate finite-sum monotone inclusions with DRO of
// this kind; their own public experiment scripts (zephyr-cai/Finite-Sum-Halpern-Iteration) run a matrix game and a quadratic
// program only, so the DRO instance here is Yu et al.'s formulation, not a figure of the Halpern paper.
//
// Ambiguity set: the Wasserstein-1 ball of radius ρ around the empirical distribution of (x_i, y_i), y_i ∈ {±1}, with the
// transport cost ‖x − x'‖₂ + κ·1[y ≠ y'] (κ: the price of flipping a label). Shafieezadeh-Abadeh, Mohajerin Esfahani & Kuhn
// (NeurIPS 2015) turn min_β sup_{Q: W(Q, P_n) ≤ ρ} E_Q log(1 + e^{−y xᵀβ}) into the convex program
//     min_{λ ≥ ‖β‖₂} λρ + (1/n) Σ_i max(ℓ(t_i), ℓ(−t_i) − λκ),   ℓ(t) = log(1 + e^{−t}),  t_i = y_i x_iᵀβ,
// and since ℓ(−t) = ℓ(t) + t, max(ℓ(t), ℓ(−t) − λκ) = ℓ(t) + max(0, t − λκ) = ℓ(t) + max_{γ ∈ [−1, 1]} (1 + γ)(t − λκ)/2.
// Yu et al.'s saddle problem (no regulariser; μ is not used):
//     min_{(β, λ) ∈ K} max_{γ ∈ [−1, 1]ⁿ} Φ(β, λ, γ) = λρ + (1/n) Σ_i [ℓ(t_i) + (1 + γ_i)(t_i − λκ)/2],   K = {‖β‖₂ ≤ λ},
// convex in (β, λ), linear in γ: F = (∇_β Φ, ∂_λ Φ, −∇_γ Φ) is monotone, and the problem is 0 ∈ F(z) + N_C(z) with
// C = K × [−1, 1]ⁿ. State z = (β₁ … β_d, λ, γ₁ … γ_n) ∈ ℝ^{d+1+n}; F = (1/n) Σ_i F_i with component i reading data point i:
//     F_i(z) = (s_i y_i x_i,  ρ − κ(1 + γ_i)/2,  −e_i (t_i − λκ)/2),   s_i = ℓ'(t_i) + (1 + γ_i)/2,  ℓ'(t) = −1/(1 + e^t).
// F's γ-block is (1/n)-scaled ((1/n)Σ_i e_i(·)), as in Yu et al.'s operator; the adversary's weights move slowly under
// full-operator steps and by O(1) under a component's, which is where variance reduction pays.
// Π_C is exact and costs O(d + n) (no sort): the second-order cone in closed form (‖β‖ ≤ λ: unchanged; ‖β‖ ≤ −λ: 0;
// otherwise (β, λ) ← ((‖β‖ + λ)/2)(β/‖β‖, 1)) and the box by clipping.
// Constants (bounds valid on all of ℝ^{d+1+n}, from the Jacobian [[H, 0, B], [0, 0, c], [−Bᵀ, −cᵀ, 0]], H = (1/n) Σ ℓ''(t_i)
// x_i x_iᵀ ≤ XᵀX/(4n), B = (y_i x_i/(2n))_i, c = (−κ/(2n))_i):
//     L_lip = λ_max(XᵀX/n)/4 + (Σ_i (‖x_i‖² + κ²))^{1/2}/(2n)                 (‖H‖ + ‖[B; c]‖_F)
//     L_avg = ((1/n) Σ_i (‖x_i‖²/4 + (‖x_i‖² + κ²)^{1/2}/2)²)^{1/2}           (each F_i's Jacobian, the same split)
// F is not cocoercive (linear in λ and γ), so halpern and vr_halpern do not apply.
// Data: x_i ~ N(0, I_d), y_i = sign(x_iᵀθ + σξ_i), θ = (1, −1), σ = ½, from the experiment's seed (Yu et al.'s demo draws
// Gaussian features and signs of a noisy linear model the same way, with d = 50).
// The solution z* (not available in closed form: points on the hinge t_i = λκ have γ_i strictly inside [−1, 1]) comes from
// projected extragradient in the metric diag(I, I/n), i.e. with the γ-block's step n times larger, which undoes F's 1/n
// scaling of that block (the projections are unchanged: C is a product of the cone and coordinatewise boxes), run until
// the natural residual is below 10⁻¹³ (tested: ‖z* − Π_C(z* − F(z*))‖ < 10⁻¹⁰).
#pragma once
#include <cstdint>
#include <vector>

#include "core/portable.hpp"
#include "optim/constrained_sum.hpp"
#include "optim/halpern_sparse.hpp"
#include "optim/vecz.hpp"

namespace klab::optim {

// Euclidean projection of (β, λ) ∈ ℝ^d × ℝ onto the second-order cone {‖β‖₂ ≤ λ}, in place.
void project_second_order_cone(double* beta, int d, double* lambda);

struct WdroLogistic final : ConstrainedSum {
  static constexpr int kDim = 2;          // d: β ∈ ℝ² (the live view's plane is all of β)
  static constexpr size_t kLambda = kDim;  // index of λ in z; γ_i sits at kDim + 1 + i

  WdroLogistic(long long n, double radius, double flip_cost, uint64_t seed);

  long long n;
  double radius, flip_cost;  // ρ, κ
  std::vector<double> x;     // (n, d) row-major: features x_i
  std::vector<double> y;     // (n) labels ±1

  double margin(long long i, const double* beta) const;  // t_i = y_i x_iᵀβ
  // F_i(z) on the head (β, λ) and on γ_i, from the head and γ_i alone (halpern_sparse.hpp); component() spreads it out.
  SparseComponent sparse_component(long long i, const double* head, double gamma_i) const;
  VecZ component(long long i, const VecZ& z) const override;  // F_i(z)
  VecZ full(const VecZ& z) const override;                     // F(z)
  void project(VecZ* z) const override;                        // z ← Π_C(z)
  VecZ start(double beta1, double beta2) const override;       // z₀ = (β₀, 1 + ‖β₀‖, −𝟙): the empirical distribution (no flips)
  double objective(const double* beta, double lambda) const;  // max_γ Φ = λρ + (1/n) Σ [ℓ(t_i) + max(0, t_i − λκ)]
  const VecZ& solution() const override { return solution_; }
  double lipschitz() const override { return lipschitz_; }
  double average_lipschitz() const override { return average_lipschitz_; }
  // F is linear in (λ, γ): monotone but not cocoercive for any constant (the table refuses halpern and vr_halpern here).
  double cocoercivity() const override { return kInf; }
  double average_cocoercivity() const override { return kInf; }

 private:
  VecZ solve() const;
  double lipschitz_ = 0, average_lipschitz_ = 0;
  double moment_max_ = 0, coupling2_ = 0;  // λ_max(XᵀX/n), Σ_i (‖x_i‖² + κ²)
  VecZ solution_;                          // (d + 1 + n)
};

}  // namespace klab::optim
