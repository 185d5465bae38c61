// Euclidean projection onto the truncated simplex Δ_δ = {w : w_i ≥ δ, Σ w_i = 1}, sort-free and in a
// fixed order, so that the CPU engine (mixture.cpp), the CUDA engine's host twin and a GPU block
// (mixture_engine.cu) round every operation the same way.
//
// With v = w − δ and z = 1 − Mδ the projection is δ + max(0, v_i − τ), τ the threshold with
// Σ_i max(0, v_i − τ) = z; i.e. τ = (Σ_{i∈A} v_i − z)/|A| for the active set A = {i : v_i > τ}.
// Michelot's method (C. Michelot, "A finite algorithm for finding the projection of a point onto the
// canonical simplex of ℝⁿ", J. Optim. Theory Appl. 50(1), 1986) finds it without sorting:
//     A_0 = all,  τ_k = (Σ_{i∈A_k} v_i − z)/|A_k|,  A_{k+1} = {i : v_i > τ_k},  until A_{k+1} = A_k.
// In exact arithmetic τ_k only grows, so the sets are nested and it stops after at most M passes
// (in practice a handful). Here the running maximum of the τ_k is the threshold, which keeps the
// sets nested under rounding too, and "the count did not change" is the stopping test.
// Each pass is a reduction over the components: per chunk of kComponentChunk consecutive components
// one sequential sum and count (simplex_chunk_sum), then the chunks added by the pairwise tree of
// mixture_kernels.hpp (the GPU block's parallel levels). Equals the sort-based projection
// (Held–Wolfe–Crowder 1974 / Duchi et al. 2008) to rounding: tests/unit/optim_mixture_test.cpp.
#pragma once

#include "core/portable.hpp"
#include "optim/mixture_kernels.hpp"

namespace klab::optim {

// The threshold τ of Michelot's passes: threshold() for the next pass's active set, update() with
// that pass's Σ_{A} v and |A|; false once |A| stopped changing (τ final).
struct SimplexThreshold {
  double z = 1.0;         // the mass of v = w − δ: 1 − Mδ
  double tau = -kInf;     // running maximum of the τ_k (−∞: every component is active in pass 0)
  double active = -1.0;   // |A| of the last pass (−1 before the first)
  KLAB_INLINE bool update(double sum, double count) {
    if (count == active || !(count > 0.0)) return false;
    const double t = (sum - z) / count;
    tau = t > tau ? t : tau;
    active = count;
    return true;
  }
};

// Σ and count over i ∈ [a, b) of v_i = w_i − δ for the i with v_i > τ, in index order; the count into *count.
KLAB_INLINE double simplex_chunk_sum(const double* w, double floor, double tau, int a, int b, double* count) {
  double sum = 0.0, n = 0.0;
  for (int i = a; i < b; ++i) {
    const double v = w[i] - floor;
    if (v > tau) sum += v, n += 1.0;
  }
  *count = n;
  return sum;
}

// The projected value of w_i once τ is final: δ + max(0, w_i − δ − τ).
KLAB_INLINE double simplex_projected(double w, double floor, double tau) {
  const double v = w - floor - tau;
  return floor + (v > 0.0 ? v : 0.0);
}

// The whole projection, chunk after chunk (sums, counts: scratch of component_chunks(m) doubles each).
KLAB_INLINE void project_truncated_simplex_chunked(double* w, int m, double floor, double* sums, double* counts) {
  const int chunks = component_chunks(m);
  SimplexThreshold th;
  th.z = 1.0 - m * floor;
  bool more = true;
  while (more) {
    for (int c = 0; c < chunks; ++c) {
      const int a = c * kComponentChunk, b = a + kComponentChunk < m ? a + kComponentChunk : m;
      sums[c] = simplex_chunk_sum(w, floor, th.tau, a, b, &counts[c]);
    }
    const double sum = pairwise_combine(sums, chunks), count = pairwise_combine(counts, chunks);
    more = th.update(sum, count);
  }
  for (int i = 0; i < m; ++i) w[i] = simplex_projected(w[i], floor, th.tau);
}

}  // namespace klab::optim
