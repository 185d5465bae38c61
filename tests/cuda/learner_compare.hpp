// How the offline chapter's CUDA tests compare a learner's output arrays (θ snapshots, final Q
// tables) with the host twin's: bit for bit in a strict build; in a release build (fused multiply-adds
// and CUDA's libm move last bits) within 1e-6·(1 + max |host value|) (NaN = NaN: a value a learner does
// not have, like behaviour cloning's Q̂), and at most 1% of the learners (plus `spare`) may differ (a
// moved bit can flip a decision at a kink or a near tie).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstring>

#include "strict_fp.hpp"

namespace klab::test {

inline bool few_enough_learners(size_t differing, size_t learners, size_t spare = 0) { return kStrict ? differing == 0 : differing <= spare + learners / 100; }

// One learner's n values in both outcomes.
inline bool same_learner(const double* gpu, const double* cpu, size_t n) {
  if (kStrict) return std::memcmp(gpu, cpu, n * sizeof(double)) == 0;
  double scale = 0.0;
  for (size_t k = 0; k < n; ++k) scale = std::fmax(scale, std::fabs(cpu[k]));
  for (size_t k = 0; k < n; ++k)
    if (!(gpu[k] == cpu[k] || (std::isnan(gpu[k]) && std::isnan(cpu[k])) || std::fabs(gpu[k] - cpu[k]) <= 1e-6 * (1.0 + scale))) return false;
  return true;
}

}  // namespace klab::test
