#include "diffusion/federated.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"
#include "core/samplers.hpp"
#include "diffusion/marginal.hpp"

namespace klab::diffusion {

Clients split_by_angle(const Mixture& data, int clients) {
  Mixture d = data;
  normalise(d);
  std::vector<size_t> order(d.components.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Angle in [0, 2π) of each mean (std::atan2 only orders the components: ties keep their index).
  auto angle = [&](size_t i) {
    const double a = std::atan2(d.components[i].my, d.components[i].mx);
    return a < 0.0 ? a + 2.0 * kPi : a;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return angle(a) < angle(b); });
  Clients c;
  const size_t k = order.size(), n = static_cast<size_t>(clients);
  for (size_t j = 0; j < n; ++j) {
    Mixture m;
    double share = 0.0;
    for (size_t i = j * k / n; i < (j + 1) * k / n; ++i) {
      m.components.push_back(d.components[order[i]]);
      share += d.components[order[i]].weight;
    }
    normalise(m);
    c.models.push_back(m);
    c.shares.push_back(share);
  }
  return c;
}

double GaussianMechanism::noise_multiplier() const { return epsilon > 0.0 ? std::sqrt(2.0 * math::log(1.25 / delta)) / epsilon : 0.0; }

PrivacyAccount account(const GaussianMechanism& dp, double messages) { return account_gaussian(messages, 2.0 * dp.clip, dp.noise_multiplier() * dp.clip, dp.delta); }

ScoreQuery federated_score(const Clients& clients, const NoiseSchedule& s, const GaussianMechanism& dp, Rng& rng) {
  return [&clients, s, dp, &rng](double t, const Particles& x, Particles& g) {
    const size_t n = clients.models.size();
    std::vector<Marginal> marginals;
    for (const Mixture& m : clients.models) marginals.push_back(marginal_at(m, s, t));
    const double sigma = marginals[0].sigma, noise = dp.noise_multiplier() * dp.clip;
    g.x.resize(x.size());
    g.y.resize(x.size());
    std::vector<double> log_w(n), ex(n), ey(n);
    for (size_t i = 0; i < x.size(); ++i) {
      double top = -1e300;
      for (size_t k = 0; k < n; ++k) {
        // Client k's message: ε̂_k (clipped and noised under DP) and ℓ_k.
        double gx, gy;
        log_w[k] = math::log(clients.shares[k]) + score(marginals[k], x.x[i], x.y[i], &gx, &gy);
        ex[k] = -sigma * gx;
        ey[k] = -sigma * gy;
        if (noise > 0.0) {
          const double norm = std::sqrt(ex[k] * ex[k] + ey[k] * ey[k]), scale = norm > dp.clip ? dp.clip / norm : 1.0;
          ex[k] = ex[k] * scale + noise * sample_normal(rng);
          ey[k] = ey[k] * scale + noise * sample_normal(rng);
        }
        top = std::max(top, log_w[k]);
      }
      // The server: ∇log p_t = Σ_k ρ_k ∇log p_{k,t} = −(1/σ_t) Σ_k ρ_k ε̂_k.
      double total = 0.0, sx = 0.0, sy = 0.0;
      for (size_t k = 0; k < n; ++k) {
        const double r = math::exp(log_w[k] - top);
        total += r;
        sx += r * ex[k];
        sy += r * ey[k];
      }
      g.x[i] = -sx / (total * sigma);
      g.y[i] = -sy / (total * sigma);
    }
  };
}

AnnealedLangevinPass::AnnealedLangevinPass(const NoiseSchedule& s, const AnnealedLangevin& o)
    : levels_(time_grid(s, StepSchedule::LogSnr, o.levels - 1)), o_(o) {}

void AnnealedLangevinPass::step(const ScoreQuery& score_of, Particles& x, Rng& rng) {
  if (done()) return;
  const double level = levels_[next_++];
  z_.x.resize(x.size());
  z_.y.resize(x.size());
  for (int m = 0; m < o_.steps; ++m) {
    score_of(level, x, g_);
    double zz = 0.0, gg = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
      z_.x[i] = sample_normal(rng);
      z_.y[i] = sample_normal(rng);
      zz += z_.x[i] * z_.x[i] + z_.y[i] * z_.y[i];
      gg += g_.x[i] * g_.x[i] + g_.y[i] * g_.y[i];
    }
    const double delta = 2.0 * o_.snr * o_.snr * zz / std::max(gg, 1e-300);  // 2(r‖z‖/‖g‖)², RMS norms
    const double noise = std::sqrt(2.0 * delta);
    for (size_t i = 0; i < x.size(); ++i) {
      x.x[i] += delta * g_.x[i] + noise * z_.x[i];
      x.y[i] += delta * g_.y[i] + noise * z_.y[i];
    }
  }
}

void annealed_langevin(const ScoreQuery& score_of, const NoiseSchedule& s, const AnnealedLangevin& o, Particles& x, Rng& rng) {
  AnnealedLangevinPass pass(s, o);
  while (!pass.done()) pass.step(score_of, x, rng);
}

}  // namespace klab::diffusion
