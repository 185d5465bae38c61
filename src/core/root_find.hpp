// Safeguarded Newton–bisection for a monotone increasing function on a bracket [lo, hi].
//
// Each iteration shrinks the bracket by the sign of f, then takes the Newton step
// q - f(q)/f'(q) when it lands strictly inside the bracket and halves the bracket otherwise. This keeps
// Newton's quadratic convergence near the root and bisection's guarantee everywhere (it cannot
// diverge, cycle or leave the bracket), which matters for kl-confidence levels whose derivative
// vanishes at the left end of the bracket.
#pragma once
#include <cmath>

#include "core/portable.hpp"

namespace klab {

// Finds x in [lo, hi] with f(x) = 0 for increasing f with f(lo) <= 0 <= f(hi), starting at x0.
// fdf(x, &f, &df) evaluates f and its derivative. Returns once |f| <= f_tol (taking the final
// Newton step, whose error is then quadratically small) or once the bracket is narrower than
// x_tol. For a convex f started right of the root (as kl-confidence levels are), Newton
// descends monotonically and converges in a handful of steps; where f cannot be resolved that
// finely (e.g. near a pole), bisection still closes the bracket.
template <class FDF>
KLAB_HD double solve_increasing(FDF fdf, double lo, double hi, double x0, double f_tol, double x_tol = 1e-15,
                                int max_iter = 200) {
  double x = x0;
  for (int i = 0; i < max_iter; ++i) {
    double f, df;
    fdf(x, &f, &df);
    if (f == 0.0) return x;
    if (f < 0.0) lo = x; else hi = x;
    const double newton = (df > 0.0) ? x - f / df : lo - 1.0;
    const bool inside = newton > lo && newton < hi;
    if (fabs(f) <= f_tol) return inside ? newton : x;
    if (hi - lo <= x_tol) return 0.5 * (lo + hi);
    x = inside ? newton : 0.5 * (lo + hi);
  }
  return x;
}

}  // namespace klab
