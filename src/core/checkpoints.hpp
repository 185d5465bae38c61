// Curve axes of evenly spaced checkpoints, shared by the experiments that record a run's curves at
// fixed fractions of its length.
#pragma once
#include <cmath>
#include <vector>

namespace klab {

// Evenly spaced checkpoints over a run of `total` steps, for a curve axis: round(total·k/count)
// for k = 0..count, increasing, without the repeats rounding makes when total < count and without
// values below `smallest`.
inline std::vector<double> even_checkpoints(double total, int count, double smallest = 0.0) {
  std::vector<double> x;
  for (int k = 0; k <= count; ++k) {
    const double t = std::round(total * k / count);
    if (t >= smallest && (x.empty() || t > x.back())) x.push_back(t);
  }
  return x;
}

}  // namespace klab
