// Safeguarded Newton–bisection for a monotone increasing function on a bracket [lo, hi].
//
// Each iteration takes the Newton step q - f(q)/f'(q) when it lands strictly inside the current
// bracket and halves the bracket otherwise, then shrinks the bracket by the sign of f. This keeps
// Newton's quadratic convergence near the root and bisection's guarantee everywhere (it cannot
// diverge, cycle or leave the bracket), which matters for kl-confidence levels whose derivative
// vanishes at the left end of the bracket.
#pragma once
#include <cmath>

#include "core/portable.hpp"

namespace klab {

// Finds x in [lo, hi] with f(x) = 0 for increasing f with f(lo) <= 0 <= f(hi).
// fdf(x, &f, &df) evaluates f and its derivative. Stops when the bracket is narrower than `tol`.
template <class FDF>
KLAB_HD double solve_increasing(FDF fdf, double lo, double hi, double tol = 1e-15, int max_iter = 200) {
  double x = 0.5 * (lo + hi);
  for (int i = 0; i < max_iter && hi - lo > tol; ++i) {
    double f, df;
    fdf(x, &f, &df);
    if (f == 0.0) return x;
    if (f < 0.0) lo = x; else hi = x;
    const double newton = (df > 0.0) ? x - f / df : lo - 1.0;
    x = (newton > lo && newton < hi) ? newton : 0.5 * (lo + hi);
  }
  return x;
}

}  // namespace klab
