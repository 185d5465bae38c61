#include "kl/gaussian_fit.hpp"

#include <algorithm>
#include <cmath>

#include "core/samplers.hpp"

namespace klab::kl {
namespace {

constexpr double kLogSqrt2Pi = 0.91893853320467274178;

double log_normal_pdf(double x, double mu, double sd) {
  const double z = (x - mu) / sd;
  return -0.5 * z * z - std::log(sd) - kLogSqrt2Pi;
}

// Trapezoidal ∫ f over [lo, hi] with a step fine enough for the narrowest bump.
template <class F>
double integrate(F f, double lo, double hi, double narrowest, int min_points) {
  const int n = std::clamp(static_cast<int>((hi - lo) / (narrowest / 10.0)), min_points, 40001);
  const double h = (hi - lo) / (n - 1);
  double s = 0.5 * (f(lo) + f(hi));
  for (int i = 1; i < n - 1; ++i) s += f(lo + h * i);
  return s * h;
}

}  // namespace

Mixture make_mixture(const std::vector<double>& means, const std::vector<double>& sds, const std::vector<double>& weights) {
  Mixture m{means, sds, weights};
  double total = 0.0;
  for (double w : m.weights) total += w;
  for (double& w : m.weights) w /= total;
  return m;
}

double Mixture::log_density(double x) const {
  double best = -INFINITY;
  double terms[64];
  const size_t k = std::min<size_t>(means.size(), 64);
  for (size_t i = 0; i < k; ++i) {
    terms[i] = weights[i] > 0 ? std::log(weights[i]) + log_normal_pdf(x, means[i], sds[i]) : -INFINITY;
    best = std::max(best, terms[i]);
  }
  if (!std::isfinite(best)) return -INFINITY;
  double s = 0.0;
  for (size_t i = 0; i < k; ++i) s += std::exp(terms[i] - best);
  return best + std::log(s);
}

double Mixture::score(double x) const {
  // ∇ ln p = Σ_k r_k(x) · (m_k - x)/s_k², responsibilities r_k = w_k N_k(x) / p(x), from one
  // pass of log-sum-exp terms.
  double terms[64], best = -INFINITY;
  const size_t k = std::min<size_t>(means.size(), 64);
  for (size_t i = 0; i < k; ++i) {
    terms[i] = weights[i] > 0 ? std::log(weights[i]) + log_normal_pdf(x, means[i], sds[i]) : -INFINITY;
    best = std::max(best, terms[i]);
  }
  double total = 0.0, g = 0.0;
  for (size_t i = 0; i < k; ++i) {
    const double r = std::exp(terms[i] - best);
    total += r;
    g += r * (means[i] - x) / (sds[i] * sds[i]);
  }
  return g / total;
}

double Mixture::mean() const {
  double m = 0.0;
  for (size_t i = 0; i < means.size(); ++i) m += weights[i] * means[i];
  return m;
}

double Mixture::variance() const {
  const double mu = mean();
  double v = 0.0;
  for (size_t i = 0; i < means.size(); ++i) v += weights[i] * (sds[i] * sds[i] + (means[i] - mu) * (means[i] - mu));
  return v;
}

double Mixture::quadrature_step() const { return *std::min_element(sds.begin(), sds.end()) / 16.0; }

void Mixture::support(double* lo, double* hi) const {
  *lo = INFINITY;
  *hi = -INFINITY;
  for (size_t i = 0; i < means.size(); ++i) {
    *lo = std::min(*lo, means[i] - 8 * sds[i]);
    *hi = std::max(*hi, means[i] + 8 * sds[i]);
  }
}

void kl_gradient(const Mixture& p, const Gaussian& q, const FitConfig& cfg, Rng& rng, double* d_mu, double* d_log_sd) {
  const double sd = std::exp(q.log_sd), var = sd * sd;
  double e1 = 0.0, e2 = 0.0;  // the two expectations of the chosen direction
  if (cfg.direction == Direction::Forward) {
    // e1 = E_p[x - μ], e2 = E_p[(x - μ)²]
    if (cfg.estimator == Estimator::Quadrature) {
      const double d = p.mean() - q.mu;
      e1 = d;
      e2 = p.variance() + d * d;
    } else {
      for (int s = 0; s < cfg.mc_samples; ++s) {
        const size_t k = sample_categorical(rng, p.weights.data(), p.weights.size());
        const double d = sample_normal(rng, p.means[k], p.sds[k]) - q.mu;
        e1 += d;
        e2 += d * d;
      }
      e1 /= cfg.mc_samples;
      e2 /= cfg.mc_samples;
    }
    *d_mu = -e1 / var;
    *d_log_sd = 1.0 - e2 / var;
  } else {
    // e1 = E_ε[∇ ln p(μ + σε)], e2 = E_ε[∇ ln p(μ + σε) · σε]
    if (cfg.estimator == Estimator::Quadrature) {
      for_gaussian_nodes(q.mu, sd, p.quadrature_step(), [&](double x, double w) {
        const double g = p.score(x);  // one evaluation for both expectations
        e1 += w * g;
        e2 += w * g * (x - q.mu);
      });
    } else {
      for (int s = 0; s < cfg.mc_samples; ++s) {
        const double eps = sample_normal(rng);
        const double g = p.score(q.mu + sd * eps);
        e1 += g;
        e2 += g * sd * eps;
      }
      e1 /= cfg.mc_samples;
      e2 /= cfg.mc_samples;
    }
    *d_mu = -e1;
    *d_log_sd = -1.0 - e2;
  }
}

void fit_step(const Mixture& p, Gaussian& q, const FitConfig& cfg, Rng& rng) {
  double d_mu, d_log_sd;
  kl_gradient(p, q, cfg, rng, &d_mu, &d_log_sd);
  q.mu -= cfg.learning_rate * d_mu;
  q.log_sd -= cfg.learning_rate * d_log_sd;
  q.log_sd = std::clamp(q.log_sd, -7.0, 5.0);  // keep σ in [1e-3, 150]: the grid quadrature's range
}

double neg_entropy(const Mixture& p) {
  double lo, hi;
  p.support(&lo, &hi);
  const double narrowest = *std::min_element(p.sds.begin(), p.sds.end());
  return integrate(
      [&](double x) {
        const double lp = p.log_density(x);
        return std::isfinite(lp) ? std::exp(lp) * lp : 0.0;
      },
      lo, hi, narrowest / 2.0, 2001);  // step narrowest/20
}

double kl_p_q(const Mixture& p, double neg_entropy_p, const Gaussian& q) {
  const double sd = std::exp(q.log_sd), d = p.mean() - q.mu;
  const double e_log_q = -q.log_sd - kLogSqrt2Pi - (p.variance() + d * d) / (2.0 * sd * sd);
  return neg_entropy_p - e_log_q;
}

double kl_q_p(const Mixture& p, const Gaussian& q) {
  const double sd = std::exp(q.log_sd);
  const double e_log_p = expect_gaussian(q.mu, sd, p.quadrature_step(), [&](double x) { return p.log_density(x); });
  const double entropy_q = q.log_sd + kLogSqrt2Pi + 0.5;
  return -entropy_q - e_log_p;
}

}  // namespace klab::kl
