// oracle = sparse: optim.halpern's two data problems (dro_least_squares, wdro_logistic) with O(1)-sized component results,
// and the representation that lets a method combine them without O(n) work per call where the projection allows.
//
// A point of these problems is z = (head, block): head ∈ ℝ^h (dro_least_squares: x, h = d = 2; wdro_logistic: (β, λ),
// h = d + 1 = 3), block ∈ ℝⁿ (the weights q, the label flips γ). Component i reads data point i, so F_i(z) is nonzero on the
// head and on block entry i only, and it reads only the head and z[h + i]: SparseComponent holds those h + 1 numbers (the
// dense F_i of halpern_dro.hpp / halpern_wdro.hpp is built from it, so both paths evaluate the same expressions).
//
// What stays O(n) per call (halpern.cpp's sparse steps, equations there):
// - dro_least_squares' projection onto the capped simplex couples every weight through one shift τ (halpern_dro.hpp), so
//   every projected step costs O(n) (expected: capped_simplex.hpp's breakpoint search) whatever the components cost; the
//   sparse path only drops the dense component vectors and their combinations.
// - wdro_logistic's projection is the cone on the head and a clip of each γ_j: separable. Between two snapshot refreshes
//   (VR extragradient's w, VR-FoRB's w) every block entry the step's component does not touch follows one fixed map
//   x_j ← clip(a x_j + c_j, −1, 1) (a, c_j from the snapshot), which LazyClippedBlock applies lazily: a step costs O(h),
//   a refresh (n oracle calls) O(n).
#pragma once
#include <cstddef>
#include <vector>

namespace klab::optim {

enum class HalpernOracle { Dense, Sparse };

// F_i(z) of a data problem: its head (h entries) and its block entry i, F_i(z)[h + i].
struct SparseComponent {
  static constexpr int kMaxHead = 3;
  double head[kMaxHead] = {};  // (h)
  double own = 0.0;            // F_i(z)[h + i]
};

// n coordinates x_j ∈ [lo, hi] that all take the step x_j ← clip(a x_j + c_j, lo, hi), 0 < a < 1, until a step touches them,
// kept lazily: coordinate j holds its value as of step stamp_j, and its m = steps − stamp_j pending steps are one closed form,
//     f^m(x) = clip(a^m x + c S_m, lo, hi),   S_m = Σ_{t<m} a^t,   for f(x) = clip(ax + c, lo, hi) and x ∈ [lo, hi]:
// unclipped, the iterates a^m x + c S_m move monotonically from x towards f's fixed point c/(1 − a); if it lies in [lo, hi] no
// clip ever acts; if it lies above hi (c > (1 − a)hi), an iterate that reaches hi stays there (a·hi + c > hi), which is what
// clipping the unclipped iterate gives; likewise below lo. a^m and S_m come from tables grown by one product per new m (no
// transcendental function: the same numbers natively and in wasm). The result differs from m clipped steps by rounding only.
class LazyClippedBlock {
 public:
  // Starts an epoch (every coordinate up to date): from now on the step has slope a and offsets c (n).
  void reset(double a, std::vector<double> c, double lo, double hi);
  void clear() { stamp_.clear(); }
  bool active() const { return !stamp_.empty(); }
  long long steps() const { return steps_; }
  void step() { ++steps_; }  // every coordinate took one more step (lazily)
  // Brings x[j] (x: the block) up to date / every coordinate up to date.
  void settle(double* x, long long j);
  void settle_all(double* x);
  // x[j] was written by the caller as its value after the current step.
  void touch(long long j) { stamp_[static_cast<size_t>(j)] = steps_; }

 private:
  double a_ = 0.0, lo_ = 0.0, hi_ = 0.0;
  long long steps_ = 0;
  std::vector<double> c_;                      // (n) offsets c_j
  std::vector<long long> stamp_;               // (n) the step each coordinate is up to date with
  std::vector<double> power_{1.0}, sum_{0.0};  // a^m, S_m for m = 0, 1, … (grown on demand)
};

}  // namespace klab::optim
