// The interface through which FiniteSumGame (halpern.hpp) runs its data- or matrix-defined finite-sum problems,
// dro_least_squares (halpern_dro.hpp), wdro_logistic (halpern_wdro.hpp), matrix_game (halpern_matrix_game.hpp) and
// quadratic_program (halpern_qp.hpp, C = ℝ^{2n}): 0 ∈ F(z) + N_C(z), F = (1/n) Σ F_i.
#pragma once
#include <cmath>

#include "optim/vecz.hpp"

namespace klab::optim {

struct ConstrainedSum {
  virtual ~ConstrainedSum() = default;
  virtual VecZ component(long long i, const VecZ& z) const = 0;  // F_i(z)
  virtual VecZ full(const VecZ& z) const = 0;                     // F(z)
  virtual void project(VecZ* z) const = 0;                        // z ← Π_C(z)
  // A number ≤ the natural residual ‖z − Π_C(z − F(z))‖ as FiniteSumGame::residual computes it (bit for bit), cheaper than it,
  // for the Experiment's monitor (halpern_experiment.cpp); 0 where none is offered.
  virtual double residual_lower_bound(const VecZ& /*z*/) const { return 0.0; }
  virtual VecZ start(double x, double y) const = 0;               // z₀ with the live view's plane coordinates (x, y)
  virtual const VecZ& solution() const = 0;                       // z* (empty where not computed: matrix_game)
  // ‖z₀ − z*‖, or an upper bound on it where z* is not computed (the bounds' distance; Halpern's bounds hold with any upper bound).
  virtual double solution_distance(const VecZ& z0) const {
    const VecZ& z = solution();
    double d2 = 0.0;
    for (size_t j = 0; j < z.size(); ++j) d2 += (z0[j] - z[j]) * (z0[j] - z[j]);
    return std::sqrt(d2);
  }
  virtual double lipschitz() const = 0;                           // L_lip
  virtual double average_lipschitz() const = 0;                   // L_avg
  virtual double cocoercivity() const = 0;                        // L_F (+∞ where F is not cocoercive)
  virtual double average_cocoercivity() const = 0;                // L (+∞ likewise)
};

}  // namespace klab::optim
