// Beta variates for Thompson sampling, where every pull draws K of them.
//
// Thompson's Beta(1 + S, 1 + F) posteriors always have both shapes ≥ 1:
//   min(a, b) > 1   Cheng's algorithm BB (R. C. H. Cheng, "Generating beta variates with
//                   nonintegral shape parameters", Comm. ACM 21(4), 1978): with a ≤ b,
//                   α = a + b, β = √((α - 2)/(2ab - α)), γ = a + 1/β, propose
//                   V = β ln(U1/(1 - U1)), W = a e^V, and accept with the squeezes
//                   S + 1 + ln 5 ≥ 5Z, S ≥ ln Z, or R + α ln(α/(b + W)) ≥ ln Z
//                   (Z = U1² U2, R = γV - ln 4, S = a + R - W); X = W/(b + W).
//                   About one logarithm and one exponential per draw, against two gamma
//                   variates (each a Box–Muller normal and up to three logarithms) for X/(X + Y).
//   a = 1 or b = 1  inversion: Beta(a, 1) = U^(1/a), Beta(1, b) = 1 - U^(1/b).
//   otherwise       core's gamma-ratio sample_beta.
// Both are exact samplers of the Beta law; the tests compare them with core's sample_beta.
#pragma once
#include <cmath>

#include "core/lab_math.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"

namespace klab::bandits {

KLAB_INLINE double sample_beta_fast(Rng& rng, double a0, double b0) {
  if (a0 == 1.0 && b0 == 1.0) return rng.uniform();
  if (b0 == 1.0 && a0 > 1.0) return math::pow(rng.uniform(), 1.0 / a0);
  if (a0 == 1.0 && b0 > 1.0) return 1.0 - math::pow(rng.uniform(), 1.0 / b0);
  if (!(a0 > 1.0 && b0 > 1.0)) return sample_beta(rng, a0, b0);
  const double a = a0 < b0 ? a0 : b0, b = a0 < b0 ? b0 : a0;
  const double alpha = a + b, beta = sqrt((alpha - 2.0) / (2.0 * a * b - alpha)), gamma = a + 1.0 / beta;
  const double kLog4 = 1.3862943611198906, kOnePlusLog5 = 2.6094379124341003;
  double w;
  for (;;) {
    const double u1 = rng.uniform_open(), u2 = rng.uniform();
    const double v = beta * math::log(u1 / (1.0 - u1));
    w = v > 700.0 ? 1e300 : a * math::exp(v);
    const double z = u1 * u1 * u2, r = gamma * v - kLog4, s = a + r - w;
    if (s + kOnePlusLog5 >= 5.0 * z) break;
    const double t = math::log(z);
    if (s >= t) break;
    if (r + alpha * math::log(alpha / (b + w)) >= t) break;
  }
  return a0 == a ? w / (b + w) : b / (b + w);
}

}  // namespace klab::bandits
