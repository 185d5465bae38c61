// optim.halpern's policeman-and-burglar matrix game (problem = matrix_game), the first experiment of Cai, Alacaoglu,
// Diakonikolas (ICLR 2024) as their public script defines it (github.com/zephyr-cai/Finite-Sum-Halpern-Iteration,
// matrix_game.py, read, not copied; the game itself is Nemirovski's classic test problem).
//
// A burglar picks a house i ∈ {1 … n} to rob, a policeman a house j to watch; house i holds wealth w_i and the policeman
// catches the burglar with probability e^{−θ|i − j|}. The script builds the n × n matrix
//     A_ij = w_j (1 − e^{−θ|i − j|}),   w_j = |ξ_j|, ξ_j ~ N(0, 1),   θ = 0.8,
// (numpy's `w * C` scales column j by w_j; the textbook game scales row i, see the README) and solves
//     min_{x ∈ Δ_n} max_{y ∈ Δ_n} yᵀA x,   F(x, y) = (Aᵀy, −A x),   C = Δ_n × Δ_n,
// from the uniform start x₀ = y₀ = 𝟙/n, with the natural residual ‖z − Π_C(z − F(z))‖ on the plot (the script's `res`).
// The finite sum (the script's mini-batch estimator: the x-block reads rows, the y-block columns, scaled by n):
//     F_i(x, y) = n (y_i A_{i·}ᵀ,  −x_i A_{·i}),   (1/n) Σ_i F_i = F,
// so a component reads one row and one column of A: O(n), and a full F (n² entries) costs n calls. F is linear and skew
// (⟨F(u) − F(v), u − v⟩ = 0): monotone, not cocoercive. Constants:
//     L_lip = ‖A‖₂ (power iteration on AᵀA),
//     L_avg = √n · max_i max(‖A_{i·}‖, ‖A_{·i}‖)   (exact: (1/n) Σ ‖F_i(u) − F_i(v)‖² = n Σ_i (‖A_{i·}‖² Δy_i² + ‖A_{·i}‖² Δx_i²)).
// The script steps with ‖A‖_F in place of L_avg (VR-EG 3√p/‖A‖_F, Algorithm 1 5/‖A‖_F); ‖A‖_F ≤ L_avg.
// Π_C: Michelot's sort-free simplex projection (project_truncated_simplex with δ = 0, mixture.hpp), O(n) per pass. The paper's size is n = 500.
// z* is not computed: the script's game is degenerate (A's columns scale with w_j, so the minimiser x sits on or near the
// poorest houses, where the maximiser's payoffs differ by ≈ w_min e^{−θ·distance} and y converges very slowly: restarted
// Halpern-PDHG stalled at a natural residual of 10⁻⁴ at n = 16 and 2·10⁻³ at n = 200 after 20 000 iterations). The bounds use
// the upper bound ‖z₀ − z*‖ ≤ D(z₀) = (max_j ‖x₀ − e_j‖² + max_i ‖y₀ − e_i‖²)^{1/2} (the farthest point of a simplex is a vertex;
// √(2(1 − 1/n)) from the uniform start), and the picture shows where the two players stand on average (mean house / (n − 1)).
#pragma once
#include <cstdint>
#include <vector>

#include "core/portable.hpp"
#include "optim/constrained_sum.hpp"
#include "optim/vecz.hpp"

namespace klab::optim {

struct PolicemanBurglar final : ConstrainedSum {
  static constexpr double kTheta = 0.8;  // θ, the script's default

  PolicemanBurglar(long long n, uint64_t seed);

  long long n;
  std::vector<double> wealth;  // (n) w_j
  std::vector<double> a;       // (n, n) row-major: A_ij

  VecZ component(long long i, const VecZ& z) const override;  // F_i(z), z = (x, y)
  VecZ full(const VecZ& z) const override;                     // F(z) = (Aᵀy, −Ax)
  void project(VecZ* z) const override;                        // both blocks onto Δ_n
  VecZ start(double, double) const override;                   // the script's z₀ = (𝟙/n, 𝟙/n); the plane coordinates are ignored
  const VecZ& solution() const override { return solution_; }  // empty: not computed (see above)
  double solution_distance(const VecZ& z0) const override;      // D(z₀) ≥ ‖z₀ − z*‖
  double lipschitz() const override { return lipschitz_; }
  double average_lipschitz() const override { return average_lipschitz_; }
  double frobenius() const { return frobenius_; }  // ‖A‖_F (the script's `l2_norm`, its steps' scale: halpern_steps.hpp)
  double cocoercivity() const override { return kInf; }  // skew: not cocoercive (the table refuses halpern, vr_halpern)
  double average_cocoercivity() const override { return kInf; }

 private:
  double lipschitz_ = 0, average_lipschitz_ = 0, frobenius_ = 0;
  VecZ solution_;  // (0)
};

}  // namespace klab::optim
