#include "mdp/soft_vi.hpp"

#include <cmath>

namespace klab::mdp {

Eigen::VectorXd soft_backup(const Mdp& m, const Eigen::VectorXd& v, double tau) {
  const Eigen::VectorXd q = q_from_v(m, v, m.reward);
  Eigen::VectorXd out(m.states);
  for (int s = 0; s < m.states; ++s) {
    const double top = q.segment(m.first_pair[s], m.actions(s)).maxCoeff();
    double total = 0.0;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) total += std::exp((q[i] - top) / tau);
    out[s] = top + tau * std::log(total);
  }
  return out;
}

Policy softmax_policy(const Mdp& m, const Eigen::VectorXd& x, double tau) {
  Policy pi(static_cast<size_t>(m.pairs()));
  for (int s = 0; s < m.states; ++s) {
    const double top = x.segment(m.first_pair[s], m.actions(s)).maxCoeff();
    double total = 0.0;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) total += pi[static_cast<size_t>(i)] = std::exp((x[i] - top) / tau);
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) pi[static_cast<size_t>(i)] /= total;
  }
  return pi;
}

}  // namespace klab::mdp
