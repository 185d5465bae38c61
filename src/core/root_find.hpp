// Safeguarded Newton–bisection for a monotone increasing function on a bracket [lo, hi].
//
// Each iteration shrinks the bracket by the sign of f, then takes the Newton step
// q - f(q)/f'(q) when it lands strictly inside the bracket and halves the bracket otherwise. This keeps
// Newton's quadratic convergence near the root and bisection's guarantee everywhere (it cannot
// diverge, cycle or leave the bracket), which matters for kl-confidence levels whose derivative
// vanishes at the left end of the bracket.
//
// The iteration is a resumable state (NewtonBisection): the caller evaluates f at x and calls
// step() until done; the bandit argmax (bandits/policies.hpp) keeps several solves in one loop,
// so that GPU threads solving for different arms run the same step together.
#pragma once
#include <cmath>

#include "core/portable.hpp"

namespace klab {

// Finds x in [lo, hi] with f(x) = 0 for increasing f with f(lo) <= 0 <= f(hi). Ends (done, answer
// in x) once |f| <= f_tol (taking the final Newton step, whose error is then quadratically
// small), once the bracket is narrower than x_tol, or after max_iter evaluations. For a convex f
// started right of the root (as kl-confidence levels are), Newton descends monotonically and
// converges in a handful of steps; where f cannot be resolved that finely (e.g. near a pole),
// bisection still closes the bracket.
struct NewtonBisection {
  double lo, hi, x;  // bracket and current point
  double f_tol, x_tol;
  int iterations_left;
  bool done;

  KLAB_HD static NewtonBisection start(double lo, double hi, double x0, double f_tol, double x_tol = 1e-15,
                                       int max_iter = 200) {
    return NewtonBisection{lo, hi, x0, f_tol, x_tol, max_iter, max_iter <= 0};
  }
  KLAB_HD static NewtonBisection finished(double answer) { return NewtonBisection{answer, answer, answer, 0.0, 0.0, 0, true}; }

  // One iteration, given f = f(x) and the Newton correction f(x)/f'(x) (NaN or ±∞ where f' ≤ 0:
  // the point then falls outside the bracket and the bracket is halved).
  KLAB_HD void step(double f, double newton_correction) {
    if (f == 0.0) {
      done = true;
      return;
    }
    if (f < 0.0) lo = x; else hi = x;
    const double newton = x - newton_correction;
    const bool inside = newton > lo && newton < hi;
    if (fabs(f) <= f_tol) {
      x = inside ? newton : x;
      done = true;
    } else if (hi - lo <= x_tol) {
      x = 0.5 * (lo + hi);
      done = true;
    } else {
      x = inside ? newton : 0.5 * (lo + hi);
      done = --iterations_left <= 0;
    }
  }
};

}  // namespace klab
