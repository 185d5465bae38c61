// The per-component pieces of optim.mixture that the CPU code (mixture.cpp), the CUDA engine
// (mixture_engine.cu) and its host twin (mixture_engine_host.cpp) all run, KLAB_INLINE, so that a
// GPU block and this CPU round every operation the same way.
//
// The M components are cut into fixed chunks of kComponentChunk consecutive indices. Everything
// that is sequential over the components is sequential within a chunk only:
//   * f_i(x) of 1-D bumps: from the chunk's centre nearest to x outwards by the recurrence
//         f_{i±1} = f_i r_i,  r_{i±1} = r_i e^{−h²/σ²},  r_i = exp((±h(x − μ_i) − h²/2)/σ²),
//     each chunk starting from the closed form N(x; μ_e, σ²) at its own start e (the chunk's index
//     nearest to x's nearest centre j). With M ≤ kComponentChunk there is one chunk and e = j: the
//     single recurrence from the nearest centre outwards of the original code.
//   * p_w(x) = Σ_i w_i f_i: per chunk, four interleaved partial sums (s_{i mod 4}, the tail into s_0)
//     combined as (s_0 + s_1) + (s_2 + s_3); the chunks' sums then added pairwise in a fixed tree
//     (pairwise_combine). With M ≤ kComponentChunk this is the original four-way sum.
// 2-D bumps: f_{b·s+a}(x, y) = N(y; b h, σ²) N(x; a h, σ²) from the two rows of s ≤ 100 values (one
// chunk each, as above), then products; their p_w is chunked like any other.
// A chunk is one GPU thread's work; the tree's levels are the block's parallel steps.
#pragma once
#include <cstdint>

#include "core/lab_math.hpp"
#include "core/portable.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"

namespace klab::optim {

enum class Dictionary { Categorical, Bumps, Bumps2d };

constexpr int kMaxGridSide = 100;  // bumps2d: s ≤ 100, M = s² ≤ 10⁴

// A sample: the category index (categorical) or the value (bumps) in x; bumps2d: the point (x, y).
struct MixturePoint {
  double x = 0.0, y = 0.0;
};

constexpr int kComponentChunk = 256;
constexpr int kMaxMixtureComponents = 100000;  // the parameter table's limit on M
constexpr int kMaxComponentChunks = (kMaxMixtureComponents + kComponentChunk - 1) / kComponentChunk;

constexpr uint32_t kMixtureSampleStream = 0;  // a run's samples: Rng(seed, run, kMixtureSampleStream)

KLAB_INLINE int component_chunks(int m) { return (m + kComponentChunk - 1) / kComponentChunk; }

// The index of the centre μ_j = j h nearest to x among n (clamped to 0..n − 1).
KLAB_INLINE int nearest_centre(int n, double h, double x) {
  const double j = floor(x / h + 0.5);
  return static_cast<int>(j < 0.0 ? 0.0 : (j > n - 1 ? static_cast<double>(n - 1) : j));
}

// N(x; i h, σ²) for i in [a, b) into f[a..b), from e = clamp(j, a, b − 1) outwards (header comment);
// q = e^{−h²/σ²}, s2 = σ².
KLAB_INLINE void bump_chunk(int j, int a, int b, double h, double width, double s2, double q, double x, double* f) {
  const int e = j < a ? a : (j > b - 1 ? b - 1 : j);
  const double d = x - e * h;
  f[e] = math::exp(-0.5 * d * d / s2) / (width * 2.5066282746310002);
  if (e + 1 < b) {  // upwards: f_{i+1}/f_i = exp((h(x − μ_i) − h²/2)/σ²)
    double r = math::exp((h * d - 0.5 * h * h) / s2);
    for (int i = e; i + 1 < b; ++i) {
      f[i + 1] = f[i] * r;
      r *= q;
    }
  }
  if (e > a) {  // downwards: f_{i−1}/f_i = exp((−h(x − μ_i) − h²/2)/σ²)
    double r = math::exp((-h * d - 0.5 * h * h) / s2);
    for (int i = e; i > a; --i) {
      f[i - 1] = f[i] * r;
      r *= q;
    }
  }
}

// N(x; i h, σ²) for the n centres i h into f (n), chunk by chunk.
KLAB_INLINE void bump_row(int n, double h, double width, double x, double* f) {
  const double s2 = width * width, q = math::exp(-h * h / s2);  // q = r_{i+1}/r_i
  const int j = nearest_centre(n, h, x);
  for (int a = 0; a < n; a += kComponentChunk) bump_chunk(j, a, a + kComponentChunk < n ? a + kComponentChunk : n, h, width, s2, q, x, f);
}

// Σ_{i ∈ [a, b)} w_i f_i as four interleaved partial sums (header comment).
KLAB_INLINE double chunk_density(const double* w, const double* f, int a, int b) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  int i = a;
  for (; i + 4 <= b; i += 4) {
    s0 += w[i] * f[i];
    s1 += w[i + 1] * f[i + 1];
    s2 += w[i + 2] * f[i + 2];
    s3 += w[i + 3] * f[i + 3];
  }
  for (; i < b; ++i) s0 += w[i] * f[i];
  return (s0 + s1) + (s2 + s3);
}

// One level of the pairwise tree over n values: s[i] += s[i + stride] for i = 0, 2 stride, 4 stride, …
// with i + stride < n. Levels stride = 1, 2, 4, … < n leave the total in s[0]; within a level the
// additions are independent (the GPU block does them in parallel, index `i` by index).
KLAB_INLINE void pairwise_add(double* s, int n, int stride, int i) {
  if (i + stride < n) s[i] += s[i + stride];
}
KLAB_INLINE double pairwise_combine(double* s, int n) {
  for (int stride = 1; stride < n; stride *= 2)
    for (int i = 0; i < n; i += 2 * stride) pairwise_add(s, n, stride, i);
  return s[0];
}

// Walker's alias draw over raw tables (accept, alias: n entries).
KLAB_INLINE uint32_t sample_alias(const double* accept, const uint32_t* alias, uint32_t n, Rng& rng) {
  const uint32_t i = rng.below(n);
  return rng.uniform() < accept[i] ? i : alias[i];
}

// One sample x ∼ p: the index i ∼ w* (categorical), μ_i + σ z with z ∼ N(0, 1) (bumps), or
// μ_k + σ(z₁, z₂) (bumps2d, k = b·s + a on the s × s grid); h: the centres' spacing.
KLAB_INLINE MixturePoint sample_point(Dictionary d, int side, const double* accept, const uint32_t* alias, uint32_t n, double h, double width,
                                      Rng& rng) {
  const uint32_t i = sample_alias(accept, alias, n, rng);
  switch (d) {
    case Dictionary::Categorical: return {static_cast<double>(i), 0.0};
    case Dictionary::Bumps: return {i * h + width * sample_normal(rng), 0.0};
    case Dictionary::Bumps2d: {
      const uint32_t s = static_cast<uint32_t>(side);
      const double x = (i % s) * h + width * sample_normal(rng);
      const double y = (i / s) * h + width * sample_normal(rng);
      return {x, y};
    }
  }
  return {};
}

// The entropic step's factor on w_i: (1 − η) + (η/p) f_i (mixture.hpp).
KLAB_INLINE double entropic_factor(double keep, double gain, double f) { return keep + gain * f; }

// η_t of entropic SMD at sample t (0-based): c/(t + 1 + c + t₀), t₀ = `delay` (mixture.hpp; t₀ = 0: c/(t + 1 + c)).
KLAB_INLINE double entropic_eta(double c, double delay, double t) { return c / (t + 1.0 + c + delay); }

}  // namespace klab::optim
