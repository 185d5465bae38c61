// The project's own samplers on top of Rng (never std::*_distribution: their algorithms differ
// between libstdc++, libc++ and CUDA, and KL Lab needs identical draws in every build).
//
//   normal       Box–Muller: z = sqrt(-2 ln U1) cos(2π U2)
//   exponential  inversion: -ln U
//   gamma        Marsaglia & Tsang, "A simple method for generating gamma variables",
//                ACM TOMS 26(3), 2000; shape < 1 by the boost Γ(a) = Γ(a+1)·U^(1/a)
//   beta         X/(X+Y) with X ~ Γ(a), Y ~ Γ(b)
//   categorical  inversion of the cumulative sum
//   dirichlet    normalised independent gammas
#pragma once
#include <cmath>
#include <cstddef>

#include "core/lab_math.hpp"
#include "core/rng.hpp"

namespace klab {

KLAB_INLINE double sample_uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * rng.uniform(); }

KLAB_INLINE bool sample_bernoulli(Rng& rng, double p) { return rng.uniform() < p; }

KLAB_INLINE double sample_normal(Rng& rng) {
  const double u1 = rng.uniform_open();
  const double u2 = rng.uniform();
  return sqrt(-2.0 * math::log(u1)) * math::cos(2.0 * kPi * u2);
}

KLAB_INLINE double sample_normal(Rng& rng, double mean, double sd) { return mean + sd * sample_normal(rng); }

KLAB_INLINE double sample_exponential(Rng& rng) { return -math::log(rng.uniform_open()); }

// Gamma(shape, 1). Marsaglia–Tsang for shape >= 1: d = shape - 1/3, c = 1/sqrt(9d);
// propose v = (1 + c z)^3 with z ~ N(0,1), accept if ln U < z²/2 + d - d v + d ln v.
KLAB_INLINE double sample_gamma(Rng& rng, double shape) {
  double boost = 1.0;
  if (shape < 1.0) {
    boost = math::pow(rng.uniform_open(), 1.0 / shape);
    shape += 1.0;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    const double z = sample_normal(rng);
    double v = 1.0 + c * z;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = rng.uniform_open();
    if (math::log(u) < 0.5 * z * z + d - d * v + d * math::log(v)) return boost * d * v;
  }
}

KLAB_INLINE double sample_beta(Rng& rng, double a, double b) {
  const double x = sample_gamma(rng, a);
  const double y = sample_gamma(rng, b);
  return x / (x + y);
}

// Index i with probability weights[i] / Σ weights (weights need not be normalised).
KLAB_INLINE size_t sample_categorical(Rng& rng, const double* weights, size_t n) {
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) total += weights[i];
  double target = rng.uniform() * total;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (target < weights[i]) return i;
    target -= weights[i];
  }
  return n - 1;
}

// out[0..n) ~ Dirichlet(alpha, ..., alpha).
KLAB_INLINE void sample_dirichlet(Rng& rng, double alpha, double* out, size_t n) {
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) total += (out[i] = sample_gamma(rng, alpha));
  for (size_t i = 0; i < n; ++i) out[i] /= total;
}

}  // namespace klab
