#include "mdp/policy_iteration.hpp"

#include <cmath>

#include "mdp/value_iteration.hpp"

namespace klab::mdp {

std::vector<int> improve(const Mdp& m, const Eigen::VectorXd& q, const std::vector<int>& current) {
  std::vector<int> next = current;
  const std::vector<int> best = greedy_actions(m, q);
  for (int s = 0; s < m.states; ++s) {
    const double q_best = q[m.first_pair[s] + best[static_cast<size_t>(s)]];
    const double q_now = q[m.first_pair[s] + current[static_cast<size_t>(s)]];
    if (q_best > q_now + 1e-12 * (1.0 + std::fabs(q_best))) next[static_cast<size_t>(s)] = best[static_cast<size_t>(s)];
  }
  return next;
}

std::vector<int> policy_iteration(const Mdp& m, std::vector<int> actions, int max_iter,
                                  const std::function<void(int, const std::vector<int>&, const Eigen::VectorXd&)>& each) {
  for (int k = 0;; ++k) {
    const Eigen::VectorXd v = evaluate(m, deterministic_policy(m, actions), m.reward);
    if (each) each(k, actions, v);
    if (k == max_iter) return actions;
    std::vector<int> next = improve(m, q_from_v(m, v, m.reward), actions);
    if (next == actions) return actions;
    actions.swap(next);
  }
}

Optimum solve_optimal(const Mdp& m) {
  const Eigen::VectorXd r = Eigen::Map<const Eigen::VectorXd>(m.reward.data(), m.pairs());
  Optimum o;
  o.actions = policy_iteration(m, greedy_actions(m, r), 100000);
  o.v = evaluate(m, deterministic_policy(m, o.actions), m.reward);
  o.q = q_from_v(m, o.v, m.reward);
  return o;
}

}  // namespace klab::mdp
