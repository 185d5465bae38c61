#include "offline/weighting.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/samplers.hpp"

namespace klab::offline {

std::vector<double> transition_probabilities(const Dataset& d, Sampler sampler, double temperature) {
  const int b = d.trajectories();
  std::vector<double> score(static_cast<size_t>(b), 0.0);  // the exponent of each trajectory's transitions
  if (sampler != Sampler::Uniform) {
    std::vector<double> g(static_cast<size_t>(b), 0.0);
    for (int k = 0; k < b; ++k)
      for (int i = d.trajectory_start[k]; i < d.trajectory_start[k + 1]; ++i) g[k] += d.transitions[i].reward;
    std::map<int, std::pair<double, int>> by_start;  // s₀ → (Σ G, count)
    if (sampler == Sampler::AdvantageWeighted)
      for (int k = 0; k < b; ++k) {
        auto& e = by_start[d.transitions[d.trajectory_start[k]].state];
        e.first += g[k], e.second += 1;
      }
    for (int k = 0; k < b; ++k) {
      double baseline = 0.0;
      if (sampler == Sampler::AdvantageWeighted) {
        const auto& e = by_start[d.transitions[d.trajectory_start[k]].state];
        baseline = e.first / e.second;
      }
      score[k] = (g[k] - baseline) / temperature;
    }
  }
  // softmax over transitions, stabilised by the largest exponent
  double top = -1e300;
  for (int k = 0; k < b; ++k)
    if (d.trajectory_start[k + 1] > d.trajectory_start[k]) top = std::max(top, score[k]);
  std::vector<double> p(d.transitions.size());
  double total = 0.0;
  for (int k = 0; k < b; ++k)
    for (int i = d.trajectory_start[k]; i < d.trajectory_start[k + 1]; ++i) total += p[i] = std::exp(score[k] - top);
  for (double& x : p) x /= total;
  return p;
}

std::vector<double> weighted_behaviour_cloning(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& p) {
  std::vector<double> pi(static_cast<size_t>(m.pairs()), 0.0);
  for (size_t i = 0; i < d.transitions.size(); ++i) pi[d.transitions[i].pair] += p[i];
  for (int s = 0; s < m.states; ++s) {
    double total = 0.0;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) total += pi[i];
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) pi[i] = total > 0.0 ? pi[i] / total : 1.0 / m.actions(s);
  }
  return pi;
}

CqlLearner::CqlLearner(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& p, const CqlSettings& s)
    : m_(&m), d_(&d), s_(s), cumulative_(p.size()), q_(static_cast<size_t>(m.pairs()), 0.0) {
  double c = 0.0;
  for (size_t i = 0; i < p.size(); ++i) cumulative_[i] = c += p[i];
}

void CqlLearner::train(int updates, Rng& rng) {
  const mdp::Mdp& m = *m_;
  std::vector<double>& q = q_;
  const double c = cumulative_.empty() ? 0.0 : cumulative_.back();
  for (int u = 0; u < updates; ++u) {
    const double x = rng.uniform() * c;
    const size_t k = std::min(cumulative_.size() - 1, static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), x) - cumulative_.begin()));
    const Transition& t = d_->transitions[k];
    double next = 0.0;
    if (!t.terminal) {
      next = q[m.first_pair[t.next]];
      for (int j = m.first_pair[t.next] + 1; j < m.first_pair[t.next + 1]; ++j) next = std::max(next, q[j]);
    }
    const double td = t.reward + m.discount * next - q[t.pair];
    // CQL(H): the gradient of log Σ_b exp Q(s, b) − Q(s, a) is softmax(Q(s, ·)) − 1[b = a].
    const int begin = m.first_pair[t.state], end = m.first_pair[t.state + 1];
    double top = q[begin];
    for (int j = begin + 1; j < end; ++j) top = std::max(top, q[j]);
    soft_.assign(static_cast<size_t>(end - begin), 0.0);
    double z = 0.0;
    for (int j = begin; j < end; ++j) z += soft_[j - begin] = std::exp(q[j] - top);
    q[t.pair] += s_.step_size * td;
    for (int j = begin; j < end; ++j) q[j] -= s_.step_size * s_.weight * (soft_[j - begin] / z - (j == t.pair ? 1.0 : 0.0));
  }
}

std::vector<int> CqlLearner::greedy() const {
  std::vector<int> actions(static_cast<size_t>(m_->states));
  for (int st = 0; st < m_->states; ++st) {
    int best = m_->first_pair[st];
    for (int i = best + 1; i < m_->first_pair[st + 1]; ++i)
      if (q_[i] > q_[best]) best = i;
    actions[st] = best - m_->first_pair[st];
  }
  return actions;
}

std::vector<double> train_cql(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& p, const CqlSettings& s, Rng& rng) {
  CqlLearner learner(m, d, p, s);
  learner.train(s.updates, rng);
  return learner.values();
}

std::vector<double> state_draw_shares(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& p) {
  std::vector<double> share(static_cast<size_t>(m.states), 0.0);
  for (size_t i = 0; i < d.transitions.size(); ++i) share[d.transitions[i].state] += p[i];
  return share;
}

}  // namespace klab::offline
