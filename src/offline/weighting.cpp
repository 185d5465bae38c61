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

std::vector<double> cumulative_probabilities(const std::vector<double>& p) {
  std::vector<double> cumulative(p.size());
  double c = 0.0;
  for (size_t i = 0; i < p.size(); ++i) cumulative[i] = c += p[i];
  return cumulative;
}

std::vector<int> cql_greedy(const mdp::Mdp& m, const double* q) {
  std::vector<int> actions(static_cast<size_t>(m.states));
  for (int st = 0; st < m.states; ++st) {
    int best = m.first_pair[st];
    for (int i = best + 1; i < m.first_pair[st + 1]; ++i)
      if (q[i] > q[best]) best = i;
    actions[st] = best - m.first_pair[st];
  }
  return actions;
}

CqlLearner::CqlLearner(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& p, const CqlSettings& s)
    : m_(&m), d_(&d), s_(s), cumulative_(cumulative_probabilities(p)), q_(static_cast<size_t>(m.pairs()), 0.0), soft_(static_cast<size_t>(m.max_actions())) {}

void CqlLearner::train(int updates, Rng& rng) {
  const CqlWorld w{m_->first_pair.data(), m_->discount, d_->transitions.data(), cumulative_.data(), static_cast<uint32_t>(cumulative_.size())};
  cql_train(w, s_, updates, q_.data(), soft_.data(), rng);
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
