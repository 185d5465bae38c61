// Divergences between probability distributions (the lab's theme).
//
// Bernoulli: kl(p, q) = p ln(p/q) + (1-p) ln((1-p)/(1-q)), with 0 ln 0 = 0.
// KL-UCB confidence levels (Garivier & Cappé, "The KL-UCB algorithm for bounded stochastic
// bandits and beyond", COLT 2011):
//   upper(p, ℓ) = max{ q ∈ [p, 1] : kl(p, q) ≤ ℓ },   lower(p, ℓ) = min{ q ∈ [0, p] : kl(p, q) ≤ ℓ }.
// Pinsker (kl ≥ 2(q-p)²) brackets the root within p ± sqrt(ℓ/2), which is also the Hoeffding
// bound, so KL-UCB's bound is never looser than Hoeffding's.
//
// Discrete distributions (arrays p[0..n), q[0..n) that each sum to 1):
//   KL(p‖q) = Σ p_i ln(p_i/q_i)                       (∞ if some q_i = 0 < p_i)
//   TV(p,q) = ½ Σ |p_i - q_i|
//   χ²(p‖q) = Σ (p_i - q_i)² / q_i                    (Pearson)
//   H(p,q)  = sqrt(1 - Σ sqrt(p_i q_i))               (Hellinger distance, in [0, 1])
//   IS(p‖q) = Σ (p_i/q_i - ln(p_i/q_i) - 1)           (Itakura–Saito: Bregman divergence of -ln;
//                                                      not an f-divergence, needs p_i, q_i > 0)
// The generic f-divergence D_f is in f_divergence.hpp (host only: it takes function pointers).
// Gaussian: KL(N(μ1,σ1²)‖N(μ2,σ2²)) = ln(σ2/σ1) + (σ1² + (μ1-μ2)²)/(2σ2²) - ½.
#pragma once
#include <cmath>
#include <cstddef>

#include "core/portable.hpp"
#include "core/root_find.hpp"

namespace klab {

// x ln(x/y) with the conventions 0 ln(0/y) = 0 and x ln(x/0) = ∞ for x > 0.
KLAB_INLINE double x_log_x_over_y(double x, double y) {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return kInf;
  return x * log(x / y);
}

KLAB_INLINE double kl_bernoulli(double p, double q) {
  return x_log_x_over_y(p, q) + x_log_x_over_y(1.0 - p, 1.0 - q);
}

// ∂kl(p, q)/∂q = (q - p) / (q (1 - q)).
KLAB_INLINE double kl_bernoulli_dq(double p, double q) { return (q - p) / (q * (1.0 - q)); }

// max{ q ∈ [p, 1] : kl(p, q) ≤ level } to ~1e-15.
KLAB_INLINE double kl_bernoulli_upper(double p, double level) {
  if (level <= 0.0 || p >= 1.0) return p < 1.0 ? (p > 0.0 ? p : 0.0) : 1.0;
  if (!(level < kInf)) return 1.0;  // infinite (or NaN) level: no information
  double hi = p + sqrt(0.5 * level);  // Pinsker / Hoeffding bracket
  // Start at the bracket's right end (right of the root): on the convex q ↦ kl(p, q) Newton then
  // descends monotonically. At q = 1 the curve is infinite, so start from the middle instead.
  double start = hi;
  if (hi >= 1.0) hi = 1.0, start = 0.5 * (p + 1.0);
  auto fdf = [p, level](double q, double* f, double* df) {
    *f = kl_bernoulli(p, q) - level;
    *df = kl_bernoulli_dq(p, q);
  };
  // kl is evaluated to ~1e-16 relative, so 1e-13·level is a residual Newton always reaches where
  // q is resolvable; the final Newton step then leaves an error far below 1e-15.
  return solve_increasing(fdf, p, hi, start, 1e-13 * level);
}

// min{ q ∈ [0, p] : kl(p, q) ≤ level }, by symmetry kl(p, q) = kl(1-p, 1-q).
KLAB_INLINE double kl_bernoulli_lower(double p, double level) { return 1.0 - kl_bernoulli_upper(1.0 - p, level); }

KLAB_INLINE double kl_gaussian(double mu1, double var1, double mu2, double var2) {
  const double d = mu1 - mu2;
  return 0.5 * log(var2 / var1) + (var1 + d * d) / (2.0 * var2) - 0.5;
}

KLAB_INLINE double kl_categorical(const double* p, const double* q, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) s += x_log_x_over_y(p[i], q[i]);
  return s;
}

KLAB_INLINE double total_variation(const double* p, const double* q, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) s += fabs(p[i] - q[i]);
  return 0.5 * s;
}

KLAB_INLINE double chi_squared(const double* p, const double* q, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double d = p[i] - q[i];
    if (d == 0.0) continue;
    if (q[i] <= 0.0) return kInf;
    s += d * d / q[i];
  }
  return s;
}

KLAB_INLINE double hellinger(const double* p, const double* q, size_t n) {
  double affinity = 0.0;  // Bhattacharyya coefficient Σ sqrt(p_i q_i)
  for (size_t i = 0; i < n; ++i) affinity += sqrt(p[i] * q[i]);
  const double h2 = 1.0 - affinity;
  return h2 > 0.0 ? sqrt(h2) : 0.0;
}

KLAB_INLINE double itakura_saito(const double* p, const double* q, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] <= 0.0 || q[i] <= 0.0) return kInf;
    const double r = p[i] / q[i];
    s += r - log(r) - 1.0;
  }
  return s;
}

}  // namespace klab
