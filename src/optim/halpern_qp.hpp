// optim.halpern's quadratic program (problem = quadratic_program), the second experiment of Cai, Alacaoglu, Diakonikolas
// (ICLR 2024) as their public script defines it (github.com/zephyr-cai/Finite-Sum-Halpern-Iteration,
// quadratic_programming.py, read, not copied): the min-max form of an equality-constrained QP,
//     min_{x ∈ ℝⁿ} max_{y ∈ ℝⁿ} ½xᵀHx − hᵀx − yᵀ(Ax − b),   F(x, y) = (Hx − h − Aᵀy,  Ax − b) = M z − q,
// with (0-based indices) A_{i, n−1−i} = ¼, A_{i, n−2−i} = −¼ (i < n − 1), H = 2AᵀA, b = 𝟙/4, h = e_{n−1}/4 (Ouyang & Xu's
// lower-bound instance for bilinear saddle problems, as the script builds it; H is tridiagonal: ¼ on the diagonal, ⅛ in
// the last entry, −⅛ beside it). Unconstrained (C = ℝ^{2n}, Π_C the identity); residual ‖F(z)‖ (the script's `res`);
// start z₀ = (𝟙/n, 𝟙/n) as in the script. The finite sum, as the script's mini-batch estimator splits it:
//     F_i(x, y) = n (H_{·i} x_i − A_{i·}ᵀ y_i,  A_{·i} x_i) − (h, b),   (1/n) Σ_i F_i = F,
// so a component reads column i of H and A and row i of A (at most 7 numbers; the dense result costs O(n) here).
// M = [[H, −Aᵀ], [A, 0]] has ⟨Mz, z⟩ = xᵀHx ≥ 0: monotone; not cocoercive (⟨Mz, z⟩ = 0 on (0, y) while Mz ≠ 0).
// A is invertible (anti-bidiagonal), so z* is unique: Ax* = b gives x*_j = j + 1 and Aᵀy* = Hx* − h gives y* = −½𝟙 (tested:
// F(z*) = 0). ‖z₀ − z*‖ ≈ n^{3/2}/√3, which is what makes the instance hard for every O(1/k) method (the paper runs 10⁶ passes).
// Constants: L_lip ≤ √(‖M‖₁ ‖M‖_∞) = ‖M‖_∞ (= 1 for every n ≥ 3: the script's extragradient step 0.5 is 1/(2L_lip));
//     L_avg = √n · max_i σ_max([u_i v_i]),  u_i = (H_{·i}; A_{·i}), v_i = (−A_{i·}ᵀ; 0)   (exact: the components' differences are
//     n Σ_i ‖x-block, y-block‖² of the 2n × 2 matrices [u_i v_i] applied to (Δx_i, Δy_i)).
// The paper's size is n = 200.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "core/portable.hpp"
#include "optim/constrained_sum.hpp"
#include "optim/vecz.hpp"

namespace klab::optim {

struct HardQuadratic final : ConstrainedSum {
  using Sparse = std::vector<std::pair<long long, double>>;  // (index, value) of one row or column

  explicit HardQuadratic(long long n);

  long long n;
  std::vector<Sparse> a_row, a_column, h_column;  // (n) A_{i·}, A_{·i}, H_{·i}

  VecZ component(long long i, const VecZ& z) const override;  // F_i(z), z = (x, y)
  VecZ full(const VecZ& z) const override;                     // F(z) = Mz − q
  void project(VecZ*) const override {}                        // C = ℝ^{2n}
  VecZ start(double, double) const override;                   // the script's z₀ = (𝟙/n, 𝟙/n); the plane coordinates are ignored
  const VecZ& solution() const override { return solution_; }  // (x* = (1, 2, …, n), y* = −½𝟙)
  double lipschitz() const override { return lipschitz_; }
  double average_lipschitz() const override { return average_lipschitz_; }
  double cocoercivity() const override { return kInf; }  // not cocoercive (the table refuses halpern, vr_halpern)
  double average_cocoercivity() const override { return kInf; }

 private:
  double lipschitz_ = 0, average_lipschitz_ = 0;
  VecZ solution_;  // (2n)
};

}  // namespace klab::optim
