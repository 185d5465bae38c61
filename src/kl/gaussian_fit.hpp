// Forward vs reverse KL: fitting one Gaussian q = N(μ, σ²) to a Gaussian mixture p.
//
//   forward  KL(p‖q) = E_p[ln p] - E_p[ln q]   "mass-covering": q must put mass wherever p does;
//            its minimiser matches moments, μ = E_p[x], σ² = Var_p[x] (Bishop, PRML §10.1.2).
//   reverse  KL(q‖p) = E_q[ln q] - E_q[ln p]   "mode-seeking": q is penalised for mass where p is
//            small, so it locks onto one mode (Minka, "Divergence measures and message passing",
//            MSR-TR-2005-173).
// Gradient descent on θ = (μ, s = ln σ):
//   forward  ∂μ = -E_p[x - μ]/σ²,              ∂s = 1 - E_p[(x - μ)²]/σ²
//   reverse  (x = μ + σε, ε ~ N(0,1), reparametrisation)
//            ∂μ = -E_ε[∇ ln p(x)],              ∂s = -1 - E_ε[∇ ln p(x)·σε]
// Expectations are computed either deterministically ("quadrature": the forward ones exactly
// from the mixture's moments, E_p[x - μ] = m - μ and E_p[(x - μ)²] = v + (m - μ)²; the reverse
// ones by a fine trapezoidal rule in ε) or by Monte Carlo with M samples per step (stochastic
// gradients). The trapezoid's step is 1/16 of the narrowest component's sd: the mixture's score
// switches from one component's slope to the next within about s²/Δ, and a coarse rule (e.g.
// Gauss–Hermite with a few dozen nodes) aliases that switch into spurious stationary points.
// Divergence values: KL(p‖q) = -H(p) - E_p[ln q], with the mixture's entropy H(p) by the fine
// trapezoid (once per mixture) and E_p[ln q] in closed form,
//   E_p[ln q] = -ln σ - ½ ln 2π - (Var_p + (E_p[x] - μ)²) / (2σ²);
// KL(q‖p) = -H(q) - E_q[ln p] with H(q) = ½ ln(2πeσ²) and E_q[ln p] by the fine trapezoid.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace klab::kl {

struct Mixture {
  std::vector<double> means, sds, weights;  // weights normalised to sum 1
  double log_density(double x) const;
  double score(double x) const;  // d/dx ln p(x)
  double mean() const;
  double variance() const;
  // An interval holding essentially all of p's mass (±8 component sds).
  void support(double* lo, double* hi) const;
  // The quadrature step in x: 1/16 of the narrowest component's sd.
  double quadrature_step() const;
};

// Normalises weights; `means`, `sds`, `weights` must have equal lengths (checked by the demo's
// parameter rules).
Mixture make_mixture(const std::vector<double>& means, const std::vector<double>& sds, const std::vector<double>& weights);

// The trapezoidal rule for q = N(μ, σ²) in ε = (x - μ)/σ over [-9, 9] with an x-step of `step`
// (129 to 8193 nodes): calls visit(x, w) for each node, weights summing to ≈ 1.
template <class Visit>
void for_gaussian_nodes(double mu, double sd, double step, Visit visit);
// E_q[f(x)] by that rule.
template <class F>
double expect_gaussian(double mu, double sd, double step, F f) {
  double s = 0.0;
  for_gaussian_nodes(mu, sd, step, [&](double x, double w) { s += w * f(x); });
  return s;
}

enum class Direction { Forward, Reverse };
enum class Estimator { Quadrature, MonteCarlo };

struct Gaussian {
  double mu = 0.0, log_sd = 0.0;
};

struct FitConfig {
  Direction direction = Direction::Forward;
  Estimator estimator = Estimator::Quadrature;
  double learning_rate = 0.05;
  int mc_samples = 64;
};

// The gradient of the chosen KL with respect to (μ, ln σ).
void kl_gradient(const Mixture& p, const Gaussian& q, const FitConfig& cfg, Rng& rng, double* d_mu, double* d_log_sd);
// One gradient-descent step θ ← θ - η ∇θ KL.
void fit_step(const Mixture& p, Gaussian& q, const FitConfig& cfg, Rng& rng);

// -H(p) = E_p[ln p] by trapezoidal quadrature with a step of 1/20 of the narrowest component.
double neg_entropy(const Mixture& p);
// KL(p‖q) given neg_entropy(p).
double kl_p_q(const Mixture& p, double neg_entropy_p, const Gaussian& q);
// KL(q‖p) by the fine trapezoid.
double kl_q_p(const Mixture& p, const Gaussian& q);

template <class Visit>
void for_gaussian_nodes(double mu, double sd, double step, Visit visit) {
  int n = static_cast<int>(18.0 * sd / step) + 1;
  n = n < 129 ? 129 : n > 8193 ? 8193 : n;
  const double h = 18.0 / (n - 1);                     // in ε
  const double norm = h * 0.39894228040143267794;      // h / sqrt(2π)
  for (int i = 0; i < n; ++i) {
    const double eps = -9.0 + h * i;
    const double w = (i == 0 || i == n - 1) ? 0.5 : 1.0;
    visit(mu + sd * eps, w * norm * std::exp(-0.5 * eps * eps));
  }
}

}  // namespace klab::kl
