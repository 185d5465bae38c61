#include "mdp/value_iteration.hpp"

#include <cmath>

namespace klab::mdp {

Eigen::VectorXd bellman_backup_reference(const Mdp& m, const Eigen::VectorXd& v) {
  const Eigen::VectorXd q = q_from_v(m, v, m.reward);
  Eigen::VectorXd out(m.states);
  for (int s = 0; s < m.states; ++s) out[s] = q.segment(m.first_pair[s], m.actions(s)).maxCoeff();
  return out;
}

std::vector<int> greedy_actions(const Mdp& m, const Eigen::VectorXd& q) {
  std::vector<int> a(static_cast<size_t>(m.states));
  for (int s = 0; s < m.states; ++s) {
    int best = 0;
    for (int k = 1; k < m.actions(s); ++k)
      if (q[m.first_pair[s] + k] > q[m.first_pair[s] + best]) best = k;
    a[static_cast<size_t>(s)] = best;
  }
  return a;
}

double bellman_residual(const Mdp& m, const Eigen::VectorXd& v) {
  return (bellman_backup_reference(m, v) - v).lpNorm<Eigen::Infinity>();
}

Eigen::VectorXd value_iteration(const Mdp& m, double tol, int max_iter,
                                const std::function<void(int, const Eigen::VectorXd&, double)>& each) {
  const MdpView mv = view(m);
  Eigen::VectorXd v = Eigen::VectorXd::Zero(m.states), next(m.states);
  for (int k = 1; k <= max_iter; ++k) {
    const double change = bellman_sweep(mv, v.data(), next.data(), nullptr);
    v.swap(next);
    if (each) each(k, v, change);
    if (change <= tol) break;
  }
  return v;
}

FiniteValues solve_finite(const Mdp& m, const std::vector<double>& signal, std::vector<int>* greedy) {
  const int h_max = m.horizon, n_s = m.states, n_sa = m.pairs();
  FiniteValues out{std::vector<double>(static_cast<size_t>(h_max + 1) * n_s, 0.0), std::vector<double>(static_cast<size_t>(h_max) * n_sa)};
  if (greedy) greedy->assign(static_cast<size_t>(h_max) * n_s, 0);
  for (int h = h_max - 1; h >= 0; --h) {
    const double* v_next = &out.v[static_cast<size_t>(h + 1) * n_s];
    double* q = &out.q[static_cast<size_t>(h) * n_sa];
    for (int s = 0; s < n_s; ++s) {
      int best = m.first_pair[s];
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
        double sum = 0.0;
        for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) sum += m.next_prob[e] * v_next[m.next_state[e]];
        q[i] = signal[static_cast<size_t>(i)] + m.discount * sum;
        if (q[i] > q[best]) best = i;
      }
      out.v[static_cast<size_t>(h) * n_s + s] = q[best];
      if (greedy) (*greedy)[static_cast<size_t>(h) * n_s + s] = best - m.first_pair[s];
    }
  }
  return out;
}

}  // namespace klab::mdp
