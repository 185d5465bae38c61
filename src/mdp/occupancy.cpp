#include "mdp/occupancy.hpp"

#include <algorithm>
#include <cmath>

namespace klab::mdp {

Eigen::VectorXd state_distribution(const Mdp& m, const Policy& pi) {
  const Eigen::VectorXd rho = Eigen::Map<const Eigen::VectorXd>(m.start.data(), m.states);
  return (1.0 - m.discount) * Resolvent(induced_transitions(m, pi), m.discount, true).solve(rho);
}

Eigen::VectorXd occupancy(const Mdp& m, const Policy& pi) {
  const Eigen::VectorXd d = state_distribution(m, pi) / (1.0 - m.discount);
  Eigen::VectorXd mu(m.pairs());
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) mu[i] = d[s] * pi[static_cast<size_t>(i)];
  return mu;
}

std::vector<double> occupancy_finite(const Mdp& m, const Policy& pi) {
  const int n_s = m.states, n_sa = m.pairs();
  const bool stationary = pi.size() == static_cast<size_t>(n_sa);
  std::vector<double> mu(static_cast<size_t>(m.horizon) * n_sa, 0.0);
  std::vector<double> d(m.start), next(static_cast<size_t>(n_s));
  for (int h = 0; h < m.horizon; ++h) {
    std::fill(next.begin(), next.end(), 0.0);
    const size_t off = stationary ? 0 : static_cast<size_t>(h) * n_sa;
    for (int s = 0; s < n_s; ++s)
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
        const double w = d[static_cast<size_t>(s)] * pi[off + static_cast<size_t>(i)];
        mu[static_cast<size_t>(h) * n_sa + i] = w;
        for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) next[static_cast<size_t>(m.next_state[e])] += w * m.next_prob[e];
      }
    d.swap(next);
  }
  return mu;
}

Policy policy_from_occupancy(const Mdp& m, const Eigen::VectorXd& mu) {
  Policy pi(static_cast<size_t>(m.pairs()));
  for (int s = 0; s < m.states; ++s) {
    double total = 0.0;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) total += std::max(0.0, mu[i]);
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i)
      pi[static_cast<size_t>(i)] = total > 0.0 ? std::max(0.0, mu[i]) / total : 1.0 / m.actions(s);
  }
  return pi;
}

double flow_violation(const Mdp& m, const Eigen::VectorXd& mu) {
  Eigen::VectorXd balance = Eigen::Map<const Eigen::VectorXd>(m.start.data(), m.states);
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      balance[s] -= mu[i];
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) balance[m.next_state[e]] += m.discount * m.next_prob[e] * mu[i];
    }
  return balance.lpNorm<Eigen::Infinity>();
}

}  // namespace klab::mdp
