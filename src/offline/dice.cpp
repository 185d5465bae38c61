#include "offline/dice.hpp"

#include <algorithm>
#include <cmath>

namespace klab::offline {

void Features::list_nonzeros() {
  const int states = dim > 0 ? static_cast<int>(phi.size() / static_cast<size_t>(dim)) : 0;
  first_nonzero.assign(1, 0);
  nonzero.clear();
  for (int s = 0; s < states; ++s) {
    for (int j = 0; j < dim; ++j)
      if (of(s)[j] != 0.0) nonzero.push_back(j);
    first_nonzero.push_back(static_cast<int>(nonzero.size()));
  }
}

Features tabular_features(int states) {
  Features f;
  f.dim = states;
  f.phi.assign(static_cast<size_t>(states) * states, 0.0);
  for (int s = 0; s < states; ++s) f.phi[static_cast<size_t>(s) * states + s] = 1.0;
  f.list_nonzeros();
  return f;
}

Features radial_features(const mdp::GridLayout& g, int states, double spacing, bool one_hot) {
  std::vector<double> cx, cy;
  for (double y = 0.0; y < g.rows + 0.5 * spacing; y += spacing)
    for (double x = 0.0; x < g.cols + 0.5 * spacing; x += spacing) cx.push_back(x), cy.push_back(y);
  const int bumps = static_cast<int>(cx.size());
  Features f;
  f.dim = bumps + 1 + (one_hot ? states : 0);
  f.phi.assign(static_cast<size_t>(states) * f.dim, 0.0);
  for (int s = 0; s < states; ++s) {
    const int cell = g.cell_of_state[static_cast<size_t>(s)];
    const double x = cell % g.cols + 0.5, y = cell / g.cols + 0.5;
    double* row = f.phi.data() + static_cast<size_t>(s) * f.dim;
    for (int j = 0; j < bumps; ++j) {
      const double dx = x - cx[j], dy = y - cy[j];
      row[j] = std::exp(-(dx * dx + dy * dy) / (2.0 * spacing * spacing));
    }
    row[bumps] = 1.0;
    if (one_hot) row[bumps + 1 + s] = 1.0;
  }
  f.list_nonzeros();
  return f;
}

namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) { return dice_dot(a.data(), b.data(), static_cast<int>(a.size())); }

}  // namespace

double pearson_conjugate(double y) { return y >= -2.0 ? y + 0.25 * y * y : -1.0; }

double dice_cosine(double ff, double bb, double fb) { return ff > 0.0 && bb > 0.0 ? fb / std::sqrt(ff * bb) : __builtin_nan(""); }

double DiceGradient::cosine() const { return dice_cosine(dot(forward, forward), dot(backward, backward), dot(forward, backward)); }

double DiceGradient::agreement() const {
  const double ff = dot(forward, forward), bb = dot(backward, backward), fb = dot(forward, backward);
  const double parts = std::sqrt(ff) + std::sqrt(bb);
  return parts > 0.0 ? std::sqrt(std::max(0.0, ff + 2.0 * fb + bb)) / parts : __builtin_nan("");
}

DiceLearner::DiceLearner(const mdp::Mdp& m, const Dataset& d, const Features& f, const DiceSettings& s)
    : m_(&m), d_(&d), f_(&f), s_(s), theta_(static_cast<size_t>(f.dim), 0.0) {
  last_.base = last_.forward = last_.backward = theta_;
}

DiceWorld DiceLearner::world() const { return {f_->view(), d_->transitions.data(), static_cast<uint32_t>(d_->transitions.size()), m_->discount}; }

DiceGradient DiceLearner::gradient(const std::vector<int>& transitions) const {
  DiceGradient g;
  g.base.assign(static_cast<size_t>(f_->dim), 0.0);
  g.forward = g.backward = g.base;
  const DiceWorld w = world();
  const double scale = 1.0 / static_cast<double>(transitions.size());
  for (int index : transitions)
    dice_accumulate(w, s_, theta_.data(), d_->transitions[static_cast<size_t>(index)], scale, g.base.data(), g.forward.data(), g.backward.data());
  return g;
}

std::vector<double> DiceLearner::direction(const DiceGradient& g) const {
  const int n = static_cast<int>(g.forward.size());
  const double along = dice_rule_along(s_, g.forward.data(), g.backward.data(), n);
  std::vector<double> d(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) d[static_cast<size_t>(i)] = dice_direction(s_, g.base.data(), g.forward.data(), g.backward.data(), along, i);
  return d;
}

void DiceLearner::step(Rng& rng) {
  dice_step(world(), s_, theta_.data(), last_.base.data(), last_.forward.data(), last_.backward.data(), rng);
}

std::vector<double> DiceLearner::values(const std::vector<double>& theta) const {
  std::vector<double> v(static_cast<size_t>(m_->states));
  for (int s = 0; s < m_->states; ++s) v[s] = dice_dot(theta.data(), f_->of(s), f_->dim) / s_.reward_scale;
  return v;
}

std::vector<double> DiceLearner::residuals(const std::vector<double>& theta) const {
  const std::vector<double> v = values(theta);  // V̂ = θᵀφ/c
  const double c = s_.reward_scale;
  std::vector<double> r;
  r.reserve(d_->transitions.size());
  for (const Transition& t : d_->transitions) r.push_back(c * (t.reward + (t.terminal ? 0.0 : m_->discount * v[t.next]) - v[t.state]));
  return r;
}

std::vector<double> DiceLearner::policy_weights(const std::vector<double>& theta) const {
  constexpr double kIqlBeta = 3.0, kIqlMaxWeight = 100.0;
  std::vector<double> w = residuals(theta);
  for (double& x : w) x = s_.update == DiceUpdate::Expectile ? std::min(std::exp(kIqlBeta * x), kIqlMaxWeight) : pearson_conjugate_slope(x);
  return w;
}

double DiceLearner::objective() const {
  if (s_.update == DiceUpdate::Expectile || d_->transitions.empty()) return __builtin_nan("");
  const std::vector<double> v = values(), delta = residuals();
  double total = 0.0;
  for (size_t i = 0; i < delta.size(); ++i)
    total += (1.0 - s_.lambda) * s_.reward_scale * v[d_->transitions[i].state] + s_.lambda * pearson_conjugate(delta[i]);
  return total / static_cast<double>(delta.size());
}

std::vector<double> weight_cloning(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& weights) {
  std::vector<double> weighted(static_cast<size_t>(m.pairs()), 0.0), counts(weighted.size(), 0.0);
  for (size_t i = 0; i < d.transitions.size(); ++i) {
    weighted[d.transitions[i].pair] += weights[i];
    counts[d.transitions[i].pair] += 1.0;
  }
  std::vector<double> pi(weighted.size());
  for (int s = 0; s < m.states; ++s) {
    double w = 0.0, c = 0.0;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) w += weighted[i], c += counts[i];
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i)
      pi[i] = w > 0.0 ? weighted[i] / w : c > 0.0 ? counts[i] / c : 1.0 / m.actions(s);
  }
  return pi;
}

std::vector<int> lookahead_policy(const mdp::Mdp& m, const std::vector<double>& v) {
  const std::vector<char> absorbing = absorbing_states(m);
  std::vector<int> actions(static_cast<size_t>(m.states), 0);
  for (int s = 0; s < m.states; ++s) {
    double best = -1e300;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      double q = m.reward[i];
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e)
        if (!absorbing[m.next_state[e]]) q += m.discount * m.next_prob[e] * v[m.next_state[e]];
      if (q > best) best = q, actions[s] = i - m.first_pair[s];
    }
  }
  return actions;
}

std::vector<double> dice_policy(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& v, const std::vector<double>& weights) {
  std::vector<double> pi = weight_cloning(m, d, weights);
  const std::vector<int> ahead = lookahead_policy(m, v);
  std::vector<char> visited(static_cast<size_t>(m.states), 0);
  for (const Transition& t : d.transitions) visited[t.state] = 1;
  for (int s = 0; s < m.states; ++s)
    if (!visited[s])
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) pi[i] = i - m.first_pair[s] == ahead[s] ? 1.0 : 0.0;
  return pi;
}

std::vector<double> return_to_support(const mdp::Mdp& m, const std::vector<double>& policy, const std::vector<char>& support, int steps) {
  std::vector<double> h(static_cast<size_t>(m.states)), next(h.size());
  for (int s = 0; s < m.states; ++s) h[s] = support[s] ? 1.0 : 0.0;
  for (int t = 0; t < steps; ++t) {
    for (int s = 0; s < m.states; ++s) {
      if (support[s]) {
        next[s] = 1.0;
        continue;
      }
      double p = 0.0;
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i)
        for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) p += policy[i] * m.next_prob[e] * h[m.next_state[e]];
      next[s] = p;
    }
    h.swap(next);
  }
  return h;
}

}  // namespace klab::offline
