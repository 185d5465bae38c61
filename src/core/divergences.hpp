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

#include "core/lab_math.hpp"
#include "core/portable.hpp"
#include "core/root_find.hpp"

namespace klab {

// x ln(x/y) with the conventions 0 ln(0/y) = 0 and x ln(x/0) = ∞ for x > 0.
KLAB_INLINE double x_log_x_over_y(double x, double y) {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return kInf;
  return x * math::log(x / y);
}

KLAB_INLINE double kl_bernoulli(double p, double q) {
  return x_log_x_over_y(p, q) + x_log_x_over_y(1.0 - p, 1.0 - q);
}

// ∂kl(p, q)/∂q = (q - p) / (q (1 - q)).
KLAB_INLINE double kl_bernoulli_dq(double p, double q) { return (q - p) / (q * (1.0 - q)); }

// p ln p + (1-p) ln(1-p) (0 ln 0 = 0): kl(p, q) = negentropy(p) - p ln q - (1-p) ln(1-q), so a
// caller that keeps negentropy(p) pays two logarithms and no division per evaluation of kl(p, ·).
KLAB_INLINE double bernoulli_negentropy(double p) {
  return (p > 0.0 ? p * math::log(p) : 0.0) + (p < 1.0 ? (1.0 - p) * math::log(1.0 - p) : 0.0);
}

// upper(p, ℓ) = max{ q ∈ [p, 1] : kl(p, q) ≤ ℓ } to ~1e-15, as a resumable Newton–bisection
// (kl_upper_start, then kl_upper_step until root.done; the answer is root.x).
struct KlUpperSolve {
  double p, negentropy, level;
  NewtonBisection root;
};

KLAB_INLINE KlUpperSolve kl_upper_start(double p, double negentropy, double level) {
  if (level <= 0.0 || p >= 1.0) return {p, negentropy, level, NewtonBisection::finished(p < 1.0 ? (p > 0.0 ? p : 0.0) : 1.0)};
  if (!(level < kInf)) return {p, negentropy, level, NewtonBisection::finished(1.0)};  // infinite (or NaN) level: no information
  double hi = p + sqrt(0.5 * level);  // Pinsker / Hoeffding bracket
  // Start at the bracket's right end (right of the root): on the convex q ↦ kl(p, q) Newton then
  // descends monotonically. At q = 1 the curve is infinite, so start from the middle instead.
  double start = hi;
  if (hi >= 1.0) hi = 1.0, start = 0.5 * (p + 1.0);
  // kl is evaluated to ~1e-16 absolute, so 1e-13·level is a residual Newton always reaches where
  // q is resolvable; the final Newton step then leaves an error far below 1e-15.
  return {p, negentropy, level, NewtonBisection::start(p, hi, start, 1e-13 * level)};
}

// One Newton–bisection iteration on f(q) = kl(p, q) - ℓ, f'(q) = (q - p)/(q(1 - q)):
// two logarithms and one division (the Newton correction f·q(1 - q)/(q - p)).
KLAB_INLINE void kl_upper_step(KlUpperSolve& s) {
  const double q = s.root.x, p = s.p;
  const double f = s.negentropy - (p > 0.0 ? p * math::log(q) : 0.0) - (1.0 - p) * math::log(1.0 - q) - s.level;
  s.root.step(f, f * (q * (1.0 - q)) / (q - p));
}

KLAB_INLINE double kl_bernoulli_upper(double p, double level) {
  KlUpperSolve s = kl_upper_start(p, bernoulli_negentropy(p), level);
  while (!s.root.done) kl_upper_step(s);
  return s.root.x;
}

// min{ q ∈ [0, p] : kl(p, q) ≤ level }, by symmetry kl(p, q) = kl(1-p, 1-q).
KLAB_INLINE double kl_bernoulli_lower(double p, double level) { return 1.0 - kl_bernoulli_upper(1.0 - p, level); }

KLAB_INLINE double kl_gaussian(double mu1, double var1, double mu2, double var2) {
  const double d = mu1 - mu2;
  return 0.5 * math::log(var2 / var1) + (var1 + d * d) / (2.0 * var2) - 0.5;
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
    s += r - math::log(r) - 1.0;
  }
  return s;
}

}  // namespace klab
