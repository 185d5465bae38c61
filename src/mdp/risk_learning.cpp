#include "mdp/risk_learning.hpp"

#include <algorithm>
#include <cmath>

#include "core/adam.hpp"
#include "core/lab_math.hpp"
#include "core/portable.hpp"

namespace klab::mdp {
namespace {

constexpr double kPi2Over6 = 1.6449340668482264;  // π²/6 = Li₂(1)

// σ(x) = 1/(1 + e^{−x}), with the exponential of −|x| only (no overflow at large |x|).
double sigmoid(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + math::exp(-x));
  const double e = math::exp(x);
  return e / (1.0 + e);
}

// The softplus loss's ℓ·β² as a function of x = βδ, from t = e^{−|x|} ∈ (0, 1] only:
//   x ≤ 0:  2x log(1 + eˣ) + 2 Li₂(−eˣ) + π²/6
//   x > 0:  x² + 2x log(1 + e⁻ˣ) − 2 Li₂(−e⁻ˣ) − π²/6
// (the second from the first by log(1 + eˣ) = x + log(1 + e⁻ˣ) and the inversion of Li₂ below −1).
double softplus_loss_scaled(double x) {
  const double t = math::exp(-std::fabs(x)), log1p_t = math::log1p(t), li = dilogarithm(-t);
  return x <= 0.0 ? 2.0 * x * log1p_t + 2.0 * li + kPi2Over6 : x * x + 2.0 * x * log1p_t - 2.0 * li - kPi2Over6;
}

// The one-sample target y = r + max_a′ Q_{h+1}(s′, a′) of outcome o (next: Q_{h+1}, null at h = H − 1).
double outcome_target(const Mdp& m, const StockLattice& L, const double* next, int o) {
  const double w = next ? *std::max_element(next + m.first_pair[L.next[o]], next + m.first_pair[L.next[o] + 1]) : 0.0;
  return static_cast<double>(L.units[o]) * L.quantum + w;
}

}  // namespace

double dilogarithm(double z) {
  if (z == 0.0) return 0.0;
  if (z < -1.0) {  // inversion: Li₂(z) + Li₂(1/z) = −π²/6 − ½ log²(−z)
    const double l = math::log(-z);
    return -kPi2Over6 - 0.5 * l * l - dilogarithm(1.0 / z);
  }
  // Landen, z ∈ [−1, 0): Li₂(z) = −Li₂(w) − ½ log²(1 − z), w = z/(z − 1) ∈ (0, ½], Li₂(w) = Σ wᵏ/k².
  const double w = z / (z - 1.0), l = math::log1p(-z);
  double sum = 0.0, power = w;
  for (int k = 1; power > 1e-17 * w; ++k, power *= w) sum += power / (static_cast<double>(k) * k);
  return -sum - 0.5 * l * l;
}

double entropic_loss(EntropicLoss loss, double v, double y, double beta) {
  switch (loss) {
    case EntropicLoss::ItakuraSaito: {
      const double d = beta * (v - y);
      return (math::exp(d) - d - 1.0) / (beta * beta);
    }
    case EntropicLoss::ExponentialMse: {
      const double diff = math::exp(-beta * v) - math::exp(-beta * y);
      return 0.5 * diff * diff / (beta * beta);
    }
    case EntropicLoss::Squared:
      return 0.5 * (v - y) * (v - y);
    case EntropicLoss::Softplus:
      return softplus_loss_scaled(beta * (v - y)) / (beta * beta);
  }
  return NAN;
}

double entropic_loss_gradient(EntropicLoss loss, double v, double y, double beta) {
  switch (loss) {
    case EntropicLoss::ItakuraSaito:
      return (math::exp(beta * (v - y)) - 1.0) / beta;
    case EntropicLoss::ExponentialMse: {
      const double z = math::exp(-beta * v);  // computed as the paper's loss is: e^{−βV} and e^{−βy} apart
      return -z * (z - math::exp(-beta * y)) / beta;
    }
    case EntropicLoss::Squared:
      return v - y;
    case EntropicLoss::Softplus:
      return 2.0 * (v - y) * sigmoid(beta * (v - y));
  }
  return NAN;
}

double entropic_step_size(const EntropicLearnerSettings& s, int k) {
  constexpr double kWarmupStart = 0.01;  // the paper's start factor
  double eta = s.rate / math::pow(static_cast<double>(k) + 1.0, s.decay);
  const double kk = static_cast<double>(k), total = static_cast<double>(s.total_sweeps), warm = s.warmup * total;
  if (kk < warm) eta *= kWarmupStart + (1.0 - kWarmupStart) * kk / warm;
  if (s.schedule == EntropicSchedule::Cosine && 2.0 * kk >= total) eta *= 0.5 * (1.0 + math::cos(kPi * (2.0 * kk - total) / total));
  return eta;
}

EntropicQLearner::EntropicQLearner(const Mdp& m, const StockLattice& lattice, const EntropicLearnerSettings& settings)
    : m_(&m), lattice_(&lattice), settings_(settings), q_(static_cast<size_t>(lattice.horizon) * m.pairs(), 0.0) {
  const double lo = lattice.horizon * static_cast<double>(std::min<int64_t>(lattice.reward_lo, 0)) * lattice.quantum;
  const double hi = lattice.horizon * static_cast<double>(std::max<int64_t>(lattice.reward_hi, 0)) * lattice.quantum;
  const double width = std::max(hi - lo, 1.0);
  lowest_ = lo - width, highest_ = hi + width;
  if (settings_.step == EntropicStep::Adam) first_moment_.assign(q_.size(), 0.0), second_moment_.assign(q_.size(), 0.0);
}

void EntropicQLearner::sweep(Rng& rng) {
  if (diverged_) return;
  const Mdp& m = *m_;
  const StockLattice& L = *lattice_;
  const size_t SA = static_cast<size_t>(m.pairs());
  const double eta = entropic_step_size(settings_, sweeps_);
  const bool adam = settings_.step == EntropicStep::Adam;
  // Adam's bias corrections: every entry is updated once per sweep, so t = sweeps_ + 1 for all.
  const AdamStep adam_step(sweeps_ + 1.0, settings_.adam_beta1);
  for (int h = L.horizon - 1; h >= 0; --h) {
    double* qh = q_.data() + static_cast<size_t>(h) * SA;
    const double* next = h + 1 < L.horizon ? q_.data() + static_cast<size_t>(h + 1) * SA : nullptr;
    for (int i = 0; i < m.pairs(); ++i) {
      const double u = rng.uniform();
      int o = L.first[i];
      double cumulative = L.prob[o];
      while (o + 1 < L.first[i + 1] && u >= cumulative) cumulative += L.prob[++o];  // the last outcome takes any remainder
      const double y = outcome_target(m, L, next, o);
      double g = entropic_loss_gradient(settings_.loss, qh[i], y, settings_.beta);
      if (settings_.clip > 0.0) g = std::clamp(g, -settings_.clip, settings_.clip);  // NaN stays NaN: divergence is still seen
      if (adam) {
        const size_t k = static_cast<size_t>(h) * SA + static_cast<size_t>(i);
        adam_step.apply(qh[i], first_moment_[k], second_moment_[k], g, eta);
      } else {
        qh[i] -= eta * g;
      }
      if (!(qh[i] >= lowest_ && qh[i] <= highest_)) diverged_ = true;  // NaN fails both
    }
  }
  ++sweeps_;
}

std::vector<double> loss_fixed_point(const Mdp& m, const StockLattice& L, EntropicLoss loss, double beta) {
  const size_t SA = static_cast<size_t>(m.pairs());
  std::vector<double> q(static_cast<size_t>(L.horizon) * SA, 0.0), y;
  for (int h = L.horizon - 1; h >= 0; --h) {
    const double* next = h + 1 < L.horizon ? q.data() + static_cast<size_t>(h + 1) * SA : nullptr;
    for (int i = 0; i < m.pairs(); ++i) {
      y.clear();
      for (int o = L.first[i]; o < L.first[i + 1]; ++o) y.push_back(outcome_target(m, L, next, o));
      double lo = *std::min_element(y.begin(), y.end()), hi = *std::max_element(y.begin(), y.end());
      for (int k = 0; k < 100 && lo < hi; ++k) {
        const double mid = 0.5 * (lo + hi);
        double g = 0.0;
        for (size_t j = 0; j < y.size(); ++j) g += L.prob[static_cast<size_t>(L.first[i]) + j] * entropic_loss_gradient(loss, mid, y[j], beta);
        (g > 0.0 ? hi : lo) = mid;
      }
      q[static_cast<size_t>(h) * SA + static_cast<size_t>(i)] = 0.5 * (lo + hi);
    }
  }
  return q;
}

double max_abs_error(const std::vector<double>& q, const std::vector<double>& reference) {
  double e = 0.0;
  for (size_t k = 0; k < q.size(); ++k) {
    if (!std::isfinite(q[k])) return INFINITY;
    e = std::max(e, std::fabs(q[k] - reference[k]));
  }
  return e;
}

}  // namespace klab::mdp
