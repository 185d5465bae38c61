// Chi-square quantiles, for confidence bounds on a variance: with n Gaussian answers the sample
// variance satisfies (n - 1) σ̂² / σ² ~ χ²_{n-1}, so
//     σ² ≤ (n - 1) σ̂² / q_δ(n - 1)   and   σ² ≥ (n - 1) σ̂² / q_{1-δ}(n - 1)   each w.p. ≥ 1 - δ,
// q_p(ν) being the p-quantile of χ²_ν. For ν < 30 the quantile solves P(ν/2, x/2) = p for the
// regularised lower incomplete gamma function P (series below a + 1, Lentz's continued fraction
// for the upper tail above; Abramowitz & Stegun 6.5.29 and 6.5.31) by bisection; for ν ≥ 30 the
// Wilson–Hilferty approximation q_p(ν) ≈ ν (1 - 2/(9ν) + z_p √(2/(9ν)))³ is accurate to < 1%.
#pragma once
#include <cmath>

namespace klab::bandits {

// P(a, x) = γ(a, x) / Γ(a).
inline double gamma_p(double a, double x) {
  if (x <= 0.0) return 0.0;
  const double log_prefix = a * std::log(x) - x - std::lgamma(a);
  if (x < a + 1.0) {  // γ(a, x) = x^a e^{-x} Σ_k x^k / (a (a+1) ... (a+k))
    double term = 1.0 / a, sum = term;
    for (int k = 1; k < 1000 && std::fabs(term) > 1e-16 * std::fabs(sum); ++k) sum += term *= x / (a + k);
    return sum * std::exp(log_prefix);
  }
  // Γ(a, x) = x^a e^{-x} / (x + 1 - a - 1·(1 - a)/(x + 3 - a - 2·(2 - a)/(x + 5 - a - ...))), by Lentz.
  const double tiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    d = std::fabs(d) < tiny ? tiny : d;
    c = b + an / c;
    c = std::fabs(c) < tiny ? tiny : c;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < 1e-16) break;
  }
  return 1.0 - std::exp(log_prefix) * h;
}

// z with Φ(z) = p (bisection on erfc).
inline double normal_quantile(double p) {
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// q with P(χ²_ν ≤ q) = p; z = Φ⁻¹(p) (callers that need many ν at one p compute it once).
inline double chi_square_quantile(double nu, double p, double z) {
  if (nu >= 30.0) {
    const double s = 2.0 / (9.0 * nu), r = 1.0 - s + z * std::sqrt(s);
    return nu * r * r * r;
  }
  double lo = 0.0, hi = nu + 40.0 * std::sqrt(2.0 * nu) + 100.0;  // far beyond any p < 1 - 1e-300
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    // bisect in the geometric mean while the bracket spans decades (tiny lower quantiles)
    const double mid = lo > 0.0 && hi / lo > 4.0 ? std::sqrt(lo * hi) : (lo == 0.0 ? hi * 1e-3 : 0.5 * (lo + hi));
    (gamma_p(0.5 * nu, 0.5 * mid) < p ? lo : hi) = mid;
    if (lo == 0.0 && hi < 1e-300) break;
  }
  return 0.5 * (lo + hi);
}

inline double chi_square_quantile(double nu, double p) { return chi_square_quantile(nu, p, nu >= 30.0 ? normal_quantile(p) : 0.0); }

}  // namespace klab::bandits
