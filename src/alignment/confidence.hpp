// Student-t quantiles for the high-confidence safety test of HC-RLHF (any confidence level 1 - δ).
//
// The t distribution's CDF through the regularised incomplete beta function,
//     F_ν(t) = 1 - ½ I_{ν/(ν+t²)}(ν/2, ½)   (t ≥ 0),
// with I_x(a, b) evaluated by its continued fraction (modified Lentz; Press et al., Numerical
// Recipes §6.4, using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where the fraction converges slowly),
// and the quantile t_{q,ν} found by bisection (F is increasing).
#pragma once
#include <cmath>

namespace klab::alignment {

inline double incomplete_beta_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-15;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    // even step: d_{2m} = m(b - m)x / ((a + 2m - 1)(a + 2m))
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    // odd step: d_{2m+1} = -(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1))
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEps) break;
  }
  return h;
}

// I_x(a, b) for a, b > 0, x ∈ [0, 1].
inline double regularized_incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * incomplete_beta_fraction(a, b, x) / a;
  return 1.0 - front * incomplete_beta_fraction(b, a, 1.0 - x) / b;
}

inline double student_t_cdf(double t, double nu) {
  const double tail = 0.5 * regularized_incomplete_beta(0.5 * nu, 0.5, nu / (nu + t * t));
  return t >= 0 ? 1.0 - tail : tail;
}

// t_{q, ν}: P(T ≤ t) = q, for q ∈ (0, 1).
inline double student_t_quantile(double q, double nu) {
  if (q == 0.5) return 0.0;
  if (q < 0.5) return -student_t_quantile(1.0 - q, nu);
  double lo = 0.0, hi = 1.0;
  while (student_t_cdf(hi, nu) < q && hi < 1e8) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (student_t_cdf(mid, nu) < q) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace klab::alignment
