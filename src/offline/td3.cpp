#include "offline/td3.hpp"

#include <algorithm>
#include <cmath>

#include "core/elementary.hpp"

namespace klab::offline {
namespace {

constexpr int kS = 2, kA = 2;  // state and action dimensions
constexpr double kSdFloor = 1e-3;

// tanh with the lab's own exp: the same bits on every target.
double portable_tanh(double z) { return 1.0 - 2.0 / (elementary::exp(2.0 * z) + 1.0); }

double clip(double v, double lo, double hi) { return std::min(hi, std::max(lo, v)); }

std::vector<int> net_sizes(int in, int hidden, int out) { return {in, hidden, hidden, out}; }

}  // namespace

void Td3Data::append(const PointTransition& x) {
  const Point2 sn = normalise(x.state), s2n = normalise(x.next);
  s.insert(s.end(), sn.begin(), sn.end());
  a.insert(a.end(), x.action.begin(), x.action.end());
  r.push_back(x.reward);
  s2.insert(s2.end(), s2n.begin(), s2n.end());
}

Td3Data make_td3_data(const PointDataset& d, double beta) {
  Td3Data t;
  t.beta = beta;
  const size_t n = d.transitions.size();
  for (int k = 0; k < kS; ++k) {
    double sum = 0.0;
    for (const PointTransition& x : d.transitions) sum += x.state[k];
    t.mean[k] = n ? sum / static_cast<double>(n) : 0.0;
    double ss = 0.0;
    for (const PointTransition& x : d.transitions) ss += (x.state[k] - t.mean[k]) * (x.state[k] - t.mean[k]);
    t.sd[k] = (n ? std::sqrt(ss / static_cast<double>(n)) : 0.0) + kSdFloor;
  }
  std::vector<double> keys;
  keys.reserve(n * 4);
  for (const PointTransition& x : d.transitions) {
    t.append(x);
    const Point2 s = t.normalise(x.state);
    keys.insert(keys.end(), {beta * s[0], beta * s[1], x.action[0], x.action[1]});
  }
  t.tree = KdTree(std::move(keys), 4);
  return t;
}

Td3Learner::Td3Learner(const Td3Data& data, const Td3Settings& s, Rng init) : data_(&data), settings_(s) {
  actor_ = Mlp(net_sizes(kS, s.hidden, kA), init);
  critic1_ = Mlp(net_sizes(kS + kA, s.hidden, 1), init);
  critic2_ = Mlp(net_sizes(kS + kA, s.hidden, 1), init);
  actor_target_ = actor_, critic1_target_ = critic1_, critic2_target_ = critic2_;
  actor_opt_ = Adam(actor_.parameter_count(), {s.actor_lr});
  critic1_opt_ = Adam(critic1_.parameter_count(), {s.critic_lr});
  critic2_opt_ = Adam(critic2_.parameter_count(), {s.critic_lr});
}

void Td3Learner::actions(const Mlp& actor, const double* s_norm, int batch, Mlp::Tape& tape, std::vector<double>& pi) const {
  actor.forward(s_norm, batch, tape);
  pi.resize(static_cast<size_t>(batch) * kA);
  for (size_t k = 0; k < pi.size(); ++k) pi[k] = portable_tanh(tape.output()[k]);
}

void Td3Learner::step(Rng& rng) {
  const int b = settings_.batch;
  std::vector<int> idx(static_cast<size_t>(b));
  for (int& i : idx) i = static_cast<int>(rng.below(static_cast<uint32_t>(data_->size())));
  ++steps_;
  if (!has_critic()) {
    actor_step(idx);  // behaviour cloning: an actor step every step
    return;
  }
  critic_step(idx, rng);
  if (steps_ % settings_.policy_delay == 0) {
    actor_step(idx);
    soft_update(actor_.parameters(), settings_.tau, actor_target_.parameters());
    soft_update(critic1_.parameters(), settings_.tau, critic1_target_.parameters());
    soft_update(critic2_.parameters(), settings_.tau, critic2_target_.parameters());
  }
}

void Td3Learner::critic_step(const std::vector<int>& idx, Rng& rng) {
  const int b = static_cast<int>(idx.size());
  std::vector<double> s2(static_cast<size_t>(b) * kS), sa(static_cast<size_t>(b) * (kS + kA)), sa2(sa.size());
  for (int n = 0; n < b; ++n) {
    const size_t i = static_cast<size_t>(idx[static_cast<size_t>(n)]);
    for (int k = 0; k < kS; ++k) {
      s2[static_cast<size_t>(n) * kS + k] = data_->s2[i * kS + k];
      sa[static_cast<size_t>(n) * (kS + kA) + k] = data_->s[i * kS + k];
    }
    for (int k = 0; k < kA; ++k) sa[static_cast<size_t>(n) * (kS + kA) + kS + k] = data_->a[i * kA + k];
  }
  // Target: ã′ = clip(π′(s′) + clip(ε, −c, c), −1, 1), y = r + γ min(Q′₁, Q′₂)(s′, ã′).
  Mlp::Tape tape, q1t, q2t;
  std::vector<double> pi2;
  actions(actor_target_, s2.data(), b, tape, pi2);
  for (int n = 0; n < b; ++n) {
    for (int k = 0; k < kS; ++k) sa2[static_cast<size_t>(n) * (kS + kA) + k] = s2[static_cast<size_t>(n) * kS + k];
    for (int k = 0; k < kA; ++k) {
      const double eps = clip(settings_.policy_noise * portable_normal(rng), -settings_.noise_clip, settings_.noise_clip);
      sa2[static_cast<size_t>(n) * (kS + kA) + kS + k] = clip(pi2[static_cast<size_t>(n) * kA + k] + eps, -1.0, 1.0);
    }
  }
  critic1_target_.forward(sa2.data(), b, q1t);
  critic2_target_.forward(sa2.data(), b, q2t);
  std::vector<double> y(static_cast<size_t>(b));
  for (int n = 0; n < b; ++n)
    y[static_cast<size_t>(n)] = data_->r[static_cast<size_t>(idx[static_cast<size_t>(n)])] + settings_.gamma * std::min(q1t.output()[n], q2t.output()[n]);
  // L(Q_j) = mean (Q_j − y)²: ∂L/∂Q_j = 2(Q_j − y)/B.
  for (int j = 0; j < 2; ++j) {
    Mlp& critic = j == 0 ? critic1_ : critic2_;
    Mlp::Tape t;
    critic.forward(sa.data(), b, t);
    std::vector<double> dq(static_cast<size_t>(b)), grad(critic.parameter_count(), 0.0);
    for (int n = 0; n < b; ++n) dq[static_cast<size_t>(n)] = 2.0 * (t.output()[n] - y[static_cast<size_t>(n)]) / b;
    critic.backward(t, dq.data(), grad.data(), nullptr);
    (j == 0 ? critic1_opt_ : critic2_opt_).step(critic.parameters(), grad);
  }
}

void Td3Learner::actor_step(const std::vector<int>& idx) {
  const int b = static_cast<int>(idx.size());
  std::vector<double> s(static_cast<size_t>(b) * kS);
  for (int n = 0; n < b; ++n)
    for (int k = 0; k < kS; ++k) s[static_cast<size_t>(n) * kS + k] = data_->s[static_cast<size_t>(idx[static_cast<size_t>(n)]) * kS + k];
  Mlp::Tape tape;
  std::vector<double> pi;
  actions(actor_, s.data(), b, tape, pi);
  std::vector<double> dpi(pi.size(), 0.0);  // ∂L/∂π (B × A)

  const ActorRegulariser reg = settings_.regulariser;
  if (reg != ActorRegulariser::CloneOnly) {
    // −λ mean Q₁(s, π(s)): ∂/∂π = −(λ/B) ∂Q₁/∂a.
    std::vector<double> sa(static_cast<size_t>(b) * (kS + kA));
    for (int n = 0; n < b; ++n) {
      for (int k = 0; k < kS; ++k) sa[static_cast<size_t>(n) * (kS + kA) + k] = s[static_cast<size_t>(n) * kS + k];
      for (int k = 0; k < kA; ++k) sa[static_cast<size_t>(n) * (kS + kA) + kS + k] = pi[static_cast<size_t>(n) * kA + k];
    }
    Mlp::Tape qt;
    critic1_.forward(sa.data(), b, qt);
    double lambda = 1.0;
    if (reg != ActorRegulariser::None) {
      double mean_abs = 0.0;
      for (int n = 0; n < b; ++n) mean_abs += std::fabs(qt.output()[n]);
      mean_abs /= b;
      lambda = mean_abs > 0.0 ? settings_.alpha / mean_abs : 0.0;  // Q₁ ≡ 0 (α = 0 or an untrained critic at exactly 0): no value term
    }
    std::vector<double> dq(static_cast<size_t>(b), -lambda / b), dsa(sa.size());
    critic1_.backward(qt, dq.data(), nullptr, dsa.data());
    for (int n = 0; n < b; ++n)
      for (int k = 0; k < kA; ++k) dpi[static_cast<size_t>(n) * kA + k] = dsa[static_cast<size_t>(n) * (kS + kA) + kS + k];
  }
  if (reg != ActorRegulariser::None) {
    // mean over B × A of (π − â)²: ∂/∂π = 2(π − â)/(B·A); â the sample's own action or PRDC's nearest neighbour's.
    for (int n = 0; n < b; ++n) {
      const size_t i = static_cast<size_t>(idx[static_cast<size_t>(n)]);
      const double* target = data_->a.data() + i * kA;
      if (reg == ActorRegulariser::NearestNeighbour) {
        const double key[4] = {data_->beta * s[static_cast<size_t>(n) * kS], data_->beta * s[static_cast<size_t>(n) * kS + 1],
                               pi[static_cast<size_t>(n) * kA], pi[static_cast<size_t>(n) * kA + 1]};
        const int near = data_->tree.nearest(key);  // −1 only for a NaN key (a diverged actor): then the sample's own action
        if (near >= 0) target = data_->a.data() + static_cast<size_t>(near) * kA;
      }
      for (int k = 0; k < kA; ++k)
        dpi[static_cast<size_t>(n) * kA + k] += 2.0 * (pi[static_cast<size_t>(n) * kA + k] - target[k]) / (static_cast<double>(b) * kA);
    }
  }
  // Through tanh: ∂π/∂z = 1 − π².
  for (size_t k = 0; k < dpi.size(); ++k) dpi[k] *= 1.0 - pi[k] * pi[k];
  std::vector<double> grad(actor_.parameter_count(), 0.0);
  actor_.backward(tape, dpi.data(), grad.data(), nullptr);
  actor_opt_.step(actor_.parameters(), grad);
}

Point2 Td3Learner::act(const Point2& state) const {
  const Point2 s = data_->normalise(state);
  double z[kA];
  actor_.predict(s.data(), z);
  return {portable_tanh(z[0]), portable_tanh(z[1])};
}

double Td3Learner::q(const Point2& state, const Point2& action) const {
  const Point2 s = data_->normalise(state);
  const double x[kS + kA] = {s[0], s[1], action[0], action[1]};
  double y = 0.0;
  critic1_.predict(x, &y);
  return y;
}

int Td3Learner::nearest(const Point2& state, const Point2& action) const {
  const Point2 s = data_->normalise(state);
  const double key[4] = {data_->beta * s[0], data_->beta * s[1], action[0], action[1]};
  return data_->tree.nearest(key);
}

double policy_return(const PointMassWorld& w, const Td3Learner& l, const std::vector<Point2>& starts, int horizon) {
  double total = 0.0;
  for (const Point2& s0 : starts) {
    Point2 s = s0;
    for (int t = 0; t < horizon; ++t) {
      const PointStep st = point_mass_step(w, s, l.act(s));
      total += st.reward;
      s = st.next;
    }
  }
  return starts.empty() ? 0.0 : total / static_cast<double>(starts.size());
}

double rollout_q(const PointMassWorld& w, const Td3Learner& l, const Point2& s0, const Point2& a0, int length) {
  double value = 0.0, discount = 1.0;
  Point2 s = s0, a = a0;
  for (int t = 0; t < length; ++t) {
    const PointStep st = point_mass_step(w, s, a);
    value += discount * st.reward;
    discount *= w.gamma;
    s = st.next;
    a = l.act(s);
  }
  return value;
}

}  // namespace klab::offline
