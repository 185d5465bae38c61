// Generic f-divergence D_f(p‖q) = Σ_i q_i f(p_i / q_i) for convex f with f(1) = 0
// (Csiszár 1967; Ali & Silvey 1966). A term with q_i = 0 < p_i contributes p_i·f'(∞), where
// f'(∞) = lim_{t→∞} f(t)/t. Known members: KL (t ln t), reverse KL (-ln t), total variation
// (½|t-1|), Pearson χ² ((t-1)²) and squared Hellinger (½(√t-1)², giving 1 - Σ sqrt(p q)).
#pragma once
#include <cmath>
#include <cstddef>

#include "core/portable.hpp"

namespace klab {

// Generators f of common f-divergences, with slope_at_infinity = lim_{t→∞} f(t)/t.
struct FGenerator {
  double (*f)(double t);
  double slope_at_infinity;
};
namespace fgen {
inline double kl(double t) { return t > 0.0 ? t * log(t) : 0.0; }
inline double reverse_kl(double t) { return t > 0.0 ? -log(t) : kInf; }
inline double tv(double t) { return 0.5 * fabs(t - 1.0); }
inline double chi2(double t) { return (t - 1.0) * (t - 1.0); }
inline double squared_hellinger(double t) {  // D_f = 1 - Σ sqrt(p q) = H²
  const double r = sqrt(t) - 1.0;
  return 0.5 * r * r;
}
}  // namespace fgen
constexpr FGenerator kFKl{fgen::kl, kInf};
constexpr FGenerator kFReverseKl{fgen::reverse_kl, 0.0};
constexpr FGenerator kFTv{fgen::tv, 0.5};
constexpr FGenerator kFChi2{fgen::chi2, kInf};
constexpr FGenerator kFSquaredHellinger{fgen::squared_hellinger, 0.5};

inline double f_divergence(const double* p, const double* q, size_t n, FGenerator g) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (q[i] > 0.0) s += q[i] * g.f(p[i] / q[i]);
    else if (p[i] > 0.0) s += p[i] * g.slope_at_infinity;
  }
  return s;
}

}  // namespace klab
