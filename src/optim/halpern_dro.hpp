// optim.halpern's constrained problem: distributionally robust least squares with n data points as the finite sum's
// components (problem = dro_least_squares). Reading, not the paper's own instance: Cai, Alacaoglu, Diakonikolas (ICLR 2024)
// run their methods on a DRO problem in their experiments, but its exact formulation could not be read in this session;
// this is a standard convex-concave DRO of that kind, a χ²-penalised ambiguity set capped like CVaR:
//
//     min_{‖x‖ ≤ R} max_{p ∈ Δ_n, p_i ≤ c/n}  Σ_i p_i ℓ_i(x) − (λ/2) χ²(p ‖ 1/n) + (μ/2)‖x‖²,   ℓ_i(x) = ½(a_iᵀx − b_i)²,
//
// with χ²(p ‖ 1/n) = n Σ_i (p_i − 1/n)². The state holds the weights q = n p (mean 1, so every coordinate is O(1) for every
// n): z = (x, q) ∈ ℝ^{d+n}, C = {‖x‖ ≤ R} × Q, Q = {q ∈ [0, c]ⁿ, Σ_i q_i = n}, and
//     L(x, q) = (1/n) Σ_i [q_i ℓ_i(x) − (λ/2)(q_i − 1)²] + (μ/2)‖x‖²
//     F(x, q) = (∇_x L, −∇_q L) = ((1/n) Σ_i q_i ∇ℓ_i(x) + μx,  (1/n)(λ(q_i − 1) − ℓ_i(x))_i) = (1/n) Σ_i F_i(x, q),
//     F_i(x, q) = (q_i ∇ℓ_i(x) + μx,  e_i (λ(q_i − 1) − ℓ_i(x))),   ∇ℓ_i(x) = a_i r_i, r_i = a_iᵀx − b_i:
// component i reads data point i only. L is convex in x for q ≥ 0 and λ/n-strongly concave in q, so F is monotone on C
// (⟨F(u) − F(v), u − v⟩ ≥ μ‖Δx‖² + (λ/n)‖Δq‖²) and the problem is the inclusion 0 ∈ F(z) + N_C(z). Every method handles
// N_C by a projected step (forward-backward / projected extragradient; the resolvent of F + N_C inside Algorithm 2).
// Residual: the natural residual ‖z − Π_C(z − F(z))‖ (= ‖F(z)‖ unconstrained; ≤ dist(0, F(z) + N_C(z))).
// Data: a_i ~ N(0, I_d), b_i = a_iᵀβ + σ ξ_i with β = (1, −1), σ = 1/2, ξ_i ~ N(0, 1), drawn from the experiment's seed.
// Constants (valid bounds on C, used for the steps): with ρ_i = ‖a_i‖R + |b_i| ≥ |r_i| on the ball,
//     L_lip = max(min(c λ_max(AᵀA/n), max‖a_i‖²) + μ, λ/n) + (1/n)(Σ_i ρ_i²‖a_i‖²)^{1/2}   (Jacobian [[H, B], [−Bᵀ, λI/n]]:
//            ‖H‖ = ‖(1/n)Σ q_i a_i a_iᵀ + μI‖ for q ∈ Q, plus ‖B‖ ≤ ‖B‖_F, B = (a_i r_i/n)_i)
//     L_avg = ((1/n) Σ_i (max(c‖a_i‖² + μ, λ) + ρ_i‖a_i‖)²)^{1/2}                           (each F_i's Jacobian)
// and for μ > 0 the cocoercivity moduli L_F = L_lip²/m, L = L_avg²/m with m = min(μ, λ/n) (strongly monotone ⇒ cocoercive).
// The solution: x* minimises φ(x) = max_{q∈Q} L(x, q), whose maximiser is q(x) = Π_Q(𝟙 + ℓ(x)/λ) (complete the square), by
// gradient descent with backtracking on the smooth convex φ (∇φ = ∇_x L(x, q(x)), Danskin), then damped Newton steps;
// z* = (x*, q(x*)).
#pragma once
#include <cstdint>
#include <vector>

#include "optim/capped_simplex.hpp"
#include "optim/constrained_sum.hpp"
#include "optim/halpern_sparse.hpp"
#include "optim/vecz.hpp"

namespace klab::optim {

struct DroLeastSquares final : ConstrainedSum {
  static constexpr int kDim = 2;             // d: x ∈ ℝ² (the live view's plane is all of x)
  static constexpr double kRadius = 4.5;     // R: the ball for x (holds every start in [−3, 3]²)
  static constexpr double kCap = 4.0;        // c: q_i ≤ c, i.e. p_i ≤ c/n (CVaR at level 1/c)

  DroLeastSquares(long long n, double mu, double lambda, uint64_t seed);

  long long n;
  double mu, lambda;
  std::vector<double> a;  // (n, d) row-major: data a_i
  std::vector<double> b;  // (n) targets b_i

  double residual_of(long long i, const double* x) const;  // r_i = a_iᵀx − b_i
  // F_i(z) on x and on q_i, from x and q_i alone (halpern_sparse.hpp); component() spreads it out.
  SparseComponent sparse_component(long long i, const double* x, double q_i) const;
  VecZ component(long long i, const VecZ& z) const override;  // F_i(z), z = (x, q)
  VecZ full(const VecZ& z) const override;                     // F(z)
  void project(VecZ* z) const override;                        // z ← Π_C(z)
  // ‖x − Π_B(x − F_x(z))‖, the x-block's part of the natural residual: C = B × Q is a product, so Π_C acts blockwise, and
  // FiniteSumGame::residual's sum of squares starts with these two terms, computed by the same operations (F_x by evaluate,
  // as full() does), so the bound is ≤ the residual bit for bit. One pass over the data, without Q's projection.
  double residual_lower_bound(const VecZ& z) const override;
  VecZ start(double x1, double x2) const override;             // z₀ = (x, 𝟙): the uniform p
  std::vector<double> best_weights(const double* x) const;     // q(x) = Π_Q(𝟙 + ℓ(x)/λ)
  const VecZ& solution() const override { return solution_; }  // z* = (x*, q(x*))
  double lipschitz() const override { return lipschitz_; }
  double average_lipschitz() const override { return average_lipschitz_; }
  double strong_monotonicity() const;  // m = min(μ, λ/n)
  // Strongly monotone with m and Lipschitz, so cocoercive with L_lip²/m (and L_avg²/m on average).
  double cocoercivity() const override { return lipschitz_ * lipschitz_ / strong_monotonicity(); }
  double average_cocoercivity() const override { return average_lipschitz_ * average_lipschitz_ / strong_monotonicity(); }

 private:
  // F(z)'s x-block into fx (kD numbers) and, unless block is null, its q-block into block (n numbers).
  void evaluate(const VecZ& z, double* fx, double* block) const;
  VecZ solve() const;
  double lipschitz_ = 0, average_lipschitz_ = 0;
  VecZ solution_;  // (d + n)
};

}  // namespace klab::optim
