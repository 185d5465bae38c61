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
// Expectations are estimated either by Gauss–Hermite quadrature (deterministic; E_p component
// by component) or by Monte Carlo with M samples per step (stochastic gradients).
// Divergence values: KL(p‖q) = -H(p) - E_p[ln q], with the mixture's entropy H(p) by fine
// trapezoidal quadrature (once per mixture) and E_p[ln q] in closed form,
//   E_p[ln q] = -ln σ - ½ ln 2π - (Var_p + (E_p[x] - μ)²) / (2σ²);
// KL(q‖p) = -H(q) - E_q[ln p] with H(q) = ½ ln(2πeσ²) and E_q[ln p] by Gauss–Hermite quadrature.
#pragma once
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
};

// Normalises weights; `means`, `sds`, `weights` must have equal lengths (checked by the demo's
// parameter rules).
Mixture make_mixture(const std::vector<double>& means, const std::vector<double>& sds, const std::vector<double>& weights);

struct GaussHermite {
  std::vector<double> nodes, weights;  // E_{ε~N(0,1)}[f(ε)] ≈ Σ w_i f(x_i), Σ w_i = 1
};
// Probabilists' Gauss–Hermite rule with n nodes (Golub–Welsch: eigenvalues of the Jacobi matrix).
GaussHermite gauss_hermite(int n);

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
void kl_gradient(const Mixture& p, const Gaussian& q, const FitConfig& cfg, const GaussHermite& gh, Rng& rng,
                 double* d_mu, double* d_log_sd);
// One gradient-descent step θ ← θ - η ∇θ KL.
void fit_step(const Mixture& p, Gaussian& q, const FitConfig& cfg, const GaussHermite& gh, Rng& rng);

// -H(p) = E_p[ln p] by trapezoidal quadrature with a step of 1/20 of the narrowest component.
double neg_entropy(const Mixture& p);
// KL(p‖q) given neg_entropy(p).
double kl_p_q(const Mixture& p, double neg_entropy_p, const Gaussian& q);
// KL(q‖p) with the quadrature rule `gh` (64 nodes are plenty for these mixtures).
double kl_q_p(const Mixture& p, const Gaussian& q, const GaussHermite& gh);

}  // namespace klab::kl
