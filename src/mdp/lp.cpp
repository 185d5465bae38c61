#include "mdp/lp.hpp"

#include "mdp/occupancy.hpp"

namespace klab::mdp {

OccupancySolution solve_occupancy_lp(const Mdp& m, const double* budget) {
  const int n = m.pairs(), rows = m.states + (budget ? 1 : 0);
  LinearProgram lp;
  lp.objective = Eigen::Map<const Eigen::VectorXd>(m.reward.data(), n);
  lp.a = Eigen::MatrixXd::Zero(rows, n);
  lp.b = Eigen::VectorXd::Zero(rows);
  lp.relation.assign(static_cast<size_t>(rows), Relation::Equal);
  for (int s = 0; s < m.states; ++s) {
    lp.b[s] = m.start[static_cast<size_t>(s)];
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      lp.a(s, i) += 1.0;
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) lp.a(m.next_state[e], i) -= m.discount * m.next_prob[e];
    }
  }
  if (budget) {
    for (int i = 0; i < n; ++i) lp.a(m.states, i) = m.cost[static_cast<size_t>(i)];
    lp.b[m.states] = *budget;
    lp.relation.back() = Relation::LessEqual;
  }
  const LpSolution sol = solve_lp(lp);
  OccupancySolution out;
  out.status = sol.status;
  out.pivots = sol.pivots;
  if (sol.status != LpStatus::Optimal) return out;
  out.mu = sol.x;
  out.policy = policy_from_occupancy(m, sol.x);
  out.v = sol.duals.head(m.states);
  out.reward = sol.value;
  out.cost = budget ? lp.a.row(m.states).dot(sol.x) : Eigen::Map<const Eigen::VectorXd>(m.cost.data(), n).dot(sol.x);
  out.lambda = budget ? sol.duals[m.states] : 0.0;
  for (int s = 0; s < m.states; ++s) {
    int support = 0;
    double visits = 0.0;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      visits += sol.x[i];
      support += out.policy[static_cast<size_t>(i)] > 1e-9 ? 1 : 0;
    }
    if (visits > 1e-12 && support > 1) ++out.randomised_states;
  }
  return out;
}

}  // namespace klab::mdp
