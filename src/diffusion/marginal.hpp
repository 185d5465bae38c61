// The exact marginal of the forward process and its score.
//
// If x_0 ~ Σ_k w_k N(μ_k, Σ_k) and x_t = α_t x_0 + σ_t ε, ε ~ N(0, I), then
//     p_t(x) = Σ_k w_k N(x; α_t μ_k, α_t² Σ_k + σ_t² I)                       (a Gaussian mixture)
//     ∇log p_t(x) = Σ_k r_k(x) · (−P_k (x − α_t μ_k)),  P_k = (α_t² Σ_k + σ_t² I)⁻¹,
//     r_k(x) = w_k N_k(x) / Σ_j w_j N_j(x)                                      (responsibilities)
// and the model predictions every sampler uses are exact:
//     noise  ε̂(x, t) = −σ_t ∇log p_t(x)
//     data   x̂₀(x, t) = (x + σ_t² ∇log p_t(x)) / α_t = E[x_0 | x_t = x]          (Tweedie)
#pragma once
#include <vector>

#include "core/lab_math.hpp"
#include "core/portable.hpp"
#include "diffusion/mixture2d.hpp"
#include "diffusion/noise_schedule.hpp"

namespace klab::diffusion {

// One component of p_t, ready for the score: mean, precision P = Σ_t⁻¹ and
// log_coef = log w − ½ log det Σ_t − log 2π.
struct Term {
  double mx, my;
  double pxx, pxy, pyy;
  double log_coef;
};

// p_t for one t: its K terms and (α_t, σ_t).
struct Marginal {
  std::vector<Term> terms;  // (K)
  double alpha = 1.0, sigma = 0.0;
};

Marginal marginal_at(const Mixture& m, const NoiseSchedule& s, double t);
// p for x = α x₀ + σ ε at any (α, σ) (marginal_at is this at (α_t, σ_t)).
Marginal marginal_of(const Mixture& m, double alpha, double sigma);
// A mixture as a Marginal with α = 1, σ = 0 (the data density itself).
Marginal data_marginal(const Mixture& m);

// ∇log p at (x, y) into (gx, gy); returns log p(x, y). Two passes over the K ≤ kMaxComponents
// terms: the exponents, then their soft-max weights (stable log-sum-exp). This is the hot loop
// of every sampler (bench/diffusion_bench.cpp: particle-score evaluations per second).
KLAB_INLINE double score(const Term* terms, int k, double x, double y, double* gx, double* gy) {
  double e[kMaxComponents];
  double top = -1e300;
  for (int i = 0; i < k; ++i) {
    const Term& c = terms[i];
    const double dx = x - c.mx, dy = y - c.my;
    e[i] = c.log_coef - 0.5 * (c.pxx * dx * dx + 2.0 * c.pxy * dx * dy + c.pyy * dy * dy);
    top = e[i] > top ? e[i] : top;
  }
  double total = 0.0, sx = 0.0, sy = 0.0;
  for (int i = 0; i < k; ++i) {
    // Terms below e^{−40} ≈ 4e-18 of the largest change no sum by more than a 2⁻⁵⁷ relative part
    // of it; skipping their exponentials is the main saving far from all but a few components.
    if (e[i] - top < -40.0) continue;
    const Term& c = terms[i];
    const double r = math::exp(e[i] - top);
    const double dx = x - c.mx, dy = y - c.my;
    total += r;
    sx -= r * (c.pxx * dx + c.pxy * dy);
    sy -= r * (c.pxy * dx + c.pyy * dy);
  }
  *gx = sx / total;
  *gy = sy / total;
  return top + math::log(total);
}

inline double score(const Marginal& p, double x, double y, double* gx, double* gy) {
  return score(p.terms.data(), static_cast<int>(p.terms.size()), x, y, gx, gy);
}

// First two moments of p_t (mean (2), covariance (3: xx, xy, yy)), closed form.
struct Moments {
  double mx, my, cxx, cxy, cyy;
};
Moments marginal_moments(const Mixture& m, const NoiseSchedule& s, double t);

}  // namespace klab::diffusion
