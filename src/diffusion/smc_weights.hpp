// The weights of an SMC run of diffusion.tsmc (tsmc.hpp): the ESS and systematic resampling, shared
// verbatim by the CPU (smc_backend.cpp: HostSmcBackend, and run_smc's final resampling in tsmc.cpp)
// and the GPU (tsmc_engine.cu: weigh_kernel, systematic_kernel), so that both give the same bits.
//
// From N log weights l_i, top = max_i l_i and w_i = e^{l_i − top} ∈ [0, 1]:
//   c_i = (…((w_0 + w_1) + w_2) … + w_i)   the cumulative weights, added LEFT TO RIGHT,
//   s = c_{N−1},  s₂ = (…(w_0² + w_1²) … + w_{N−1}²)   (the same order),
//   ESS/N = s² / s₂ / N,
//   systematic resampling to M indices with one uniform u: output j is the first i with
//   c_i ≥ (u + j)/M · s, the last particle if none.
// The order of the additions is the point: floating-point addition is not associative, and this
// left-to-right order is the one the CPU engine has always used (so `klab run diffusion.tsmc` keeps
// its bits). A parallel scan would round differently; the GPU runs this very chain on one thread
// (weight_chain, tile by tile), the exponentials and the search in parallel. The maximum is exact in
// any order (with a NaN weight the engines may pick different tops, but s is NaN for both, so
// neither resamples). The search: since c is non-decreasing and the targets are too (rounding is monotone),
// the CPU's forward merge from i = 0 and a binary search for one output give the same index, so an
// output can be found on its own (one GPU thread) — systematic_range does both.
#pragma once
#include <cstddef>

#include "core/portable.hpp"

namespace klab::diffusion {

// The sums of one weights' pass: top = max l, s = Σ w, s₂ = Σ w² (in the order above).
struct WeightSums {
  double top = 0.0, s = 0.0, s2 = 0.0;
};

// ESS/N = s² / s₂ / N.
KLAB_INLINE double ess_fraction(const WeightSums& w, size_t n) { return w.s * w.s / w.s2 / static_cast<double>(n); }

// Adds w[0 .. n) to the running sums *s and *s2 in order and writes c[i] = *s after w[i] (c may be w).
KLAB_INLINE void weight_chain(const double* w, size_t n, double* s, double* s2, double* c) {
  double a = *s, b = *s2;
  for (size_t i = 0; i < n; ++i) {
    const double v = w[i];
    a += v;
    b += v * v;
    c[i] = a;
  }
  *s = a;
  *s2 = b;
}

// Systematic resampling's target of output j of m: (u + j)/m · s.
KLAB_INLINE double systematic_target(double u, size_t j, size_t m, double s) { return (u + static_cast<double>(j)) / static_cast<double>(m) * s; }

// Outputs [first, last) of m: idx[j] = the first i < n with c[i] ≥ target_j (n − 1 if none). Output
// `first` by a binary search (none for first = 0: the CPU's loop as it always was), the rest by the
// forward merge.
template <class Index>
KLAB_INLINE void systematic_range(const double* c, size_t n, double s, double u, size_t m, size_t first, size_t last, Index* idx) {
  size_t i = 0;
  if (first > 0) {
    const double target = systematic_target(u, first, m, s);
    size_t hi = n - 1;
    while (i < hi) {
      const size_t mid = i + (hi - i) / 2;
      if (c[mid] < target)
        i = mid + 1;
      else
        hi = mid;
    }
  }
  for (size_t j = first; j < last; ++j) {
    const double target = systematic_target(u, j, m, s);
    while (i + 1 < n && c[i] < target) ++i;
    idx[j] = static_cast<Index>(i);
  }
}

}  // namespace klab::diffusion
