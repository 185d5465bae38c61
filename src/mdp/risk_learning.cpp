#include "mdp/risk_learning.hpp"

#include <algorithm>
#include <cmath>

#include "core/adam.hpp"
#include "core/lab_math.hpp"

namespace klab::mdp {

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
  }
  return NAN;
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
  const double eta = settings_.rate / math::pow(static_cast<double>(sweeps_) + 1.0, settings_.decay);
  const bool adam = settings_.step == EntropicStep::Adam;
  // Adam's bias corrections: every entry is updated once per sweep, so t = sweeps_ + 1 for all.
  const AdamStep adam_step(sweeps_ + 1.0);
  for (int h = L.horizon - 1; h >= 0; --h) {
    double* qh = q_.data() + static_cast<size_t>(h) * SA;
    const double* next = h + 1 < L.horizon ? q_.data() + static_cast<size_t>(h + 1) * SA : nullptr;
    for (int i = 0; i < m.pairs(); ++i) {
      const double u = rng.uniform();
      int o = L.first[i];
      double cumulative = L.prob[o];
      while (o + 1 < L.first[i + 1] && u >= cumulative) cumulative += L.prob[++o];  // the last outcome takes any remainder
      double w = 0.0;  // max_a′ Q_{h+1}(s′, a′)
      if (next) {
        const int s = L.next[o];
        w = *std::max_element(next + m.first_pair[s], next + m.first_pair[s + 1]);
      }
      const double y = static_cast<double>(L.units[o]) * L.quantum + w;
      const double g = entropic_loss_gradient(settings_.loss, qh[i], y, settings_.beta);
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

double max_abs_error(const std::vector<double>& q, const std::vector<double>& reference) {
  double e = 0.0;
  for (size_t k = 0; k < q.size(); ++k) {
    if (!std::isfinite(q[k])) return INFINITY;
    e = std::max(e, std::fabs(q[k] - reference[k]));
  }
  return e;
}

}  // namespace klab::mdp
