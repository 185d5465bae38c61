#include "mdp/evaluation.hpp"

#include <algorithm>
#include <cmath>

#include "mdp/backup.hpp"

namespace klab::mdp {

Policy uniform_policy(const Mdp& m) {
  Policy pi(static_cast<size_t>(m.pairs()));
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) pi[static_cast<size_t>(i)] = 1.0 / m.actions(s);
  return pi;
}

Policy deterministic_policy(const Mdp& m, const std::vector<int>& actions) {
  Policy pi(static_cast<size_t>(m.pairs()), 0.0);
  for (int s = 0; s < m.states; ++s) pi[static_cast<size_t>(m.first_pair[s] + actions[static_cast<size_t>(s)])] = 1.0;
  return pi;
}

Policy mix_policies(const Policy& a, const Policy& b, double w) {
  Policy out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = (1.0 - w) * a[i] + w * b[i];
  return out;
}

Eigen::SparseMatrix<double, Eigen::RowMajor> induced_transitions(const Mdp& m, const Policy& pi, size_t offset) {
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(static_cast<size_t>(m.transitions()));
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      const double w = pi[offset + static_cast<size_t>(i)];
      if (w == 0.0) continue;
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) entries.emplace_back(s, m.next_state[e], w * m.next_prob[e]);
    }
  Eigen::SparseMatrix<double, Eigen::RowMajor> p(m.states, m.states);
  p.setFromTriplets(entries.begin(), entries.end());  // duplicates (two actions to one s′) are summed
  return p;
}

Eigen::VectorXd induced_signal(const Mdp& m, const Policy& pi, const std::vector<double>& signal, size_t offset) {
  Eigen::VectorXd r = Eigen::VectorXd::Zero(m.states);
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) r[s] += pi[offset + static_cast<size_t>(i)] * signal[static_cast<size_t>(i)];
  return r;
}

Resolvent::Resolvent(const Eigen::SparseMatrix<double, Eigen::RowMajor>& m, double gamma, bool transpose)
    : m_(transpose ? Eigen::SparseMatrix<double>(m.transpose()) : Eigen::SparseMatrix<double>(m)), gamma_(gamma), direct_(m.rows() <= kDirectSolveStates) {
  if (direct_) {
    Eigen::MatrixXd a = -gamma * Eigen::MatrixXd(m_);
    a.diagonal().array() += 1.0;
    lu_.compute(a);  // I − γM is strictly diagonally dominant (by rows or columns) for γ < 1: never singular
    return;
  }
  a_.resize(m_.rows(), m_.cols());
  a_.setIdentity();
  a_ -= gamma * m_;
  bicg_.setTolerance(1e-14);
  bicg_.setMaxIterations(2000);
  bicg_.compute(a_);
}

Eigen::VectorXd Resolvent::solve(const Eigen::VectorXd& b) const {
  if (direct_) return lu_.solve(b);
  Eigen::VectorXd x = bicg_.solve(b);
  if (bicg_.info() == Eigen::Success && x.allFinite()) return x;
  if (!x.allFinite()) x = b;
  for (int k = 0; k < 100000; ++k) {
    const Eigen::VectorXd next = b + gamma_ * (m_ * x);
    const double change = (next - x).lpNorm<Eigen::Infinity>();
    x = next;
    if (change <= 1e-14 * (1.0 + x.lpNorm<Eigen::Infinity>())) break;
  }
  return x;
}

Eigen::VectorXd evaluate(const Mdp& m, const Policy& pi, const std::vector<double>& signal) {
  return Resolvent(induced_transitions(m, pi), m.discount).solve(induced_signal(m, pi, signal));
}

Eigen::VectorXd evaluate_iterative(const Mdp& m, const Policy& pi, const std::vector<double>& signal, double tol) {
  const auto p = induced_transitions(m, pi);
  const Eigen::VectorXd r = induced_signal(m, pi, signal);
  Eigen::VectorXd v = Eigen::VectorXd::Zero(m.states);
  for (;;) {
    const Eigen::VectorXd next = r + m.discount * (p * v);
    const double change = (next - v).lpNorm<Eigen::Infinity>();
    v = next;
    if (change <= tol) return v;
  }
}

Eigen::VectorXd q_from_v(const Mdp& m, const Eigen::VectorXd& v, const std::vector<double>& signal) {
  Eigen::VectorXd q(m.pairs());
  const MdpView mv = view(m);
  for (int i = 0; i < m.pairs(); ++i) q[i] = pair_backup(mv, signal.data(), v.data(), i);
  return q;
}

double start_value(const Mdp& m, const Eigen::VectorXd& v) {
  double total = 0.0;
  for (int s = 0; s < m.states; ++s) total += m.start[static_cast<size_t>(s)] * v[s];
  return total;
}

FiniteValues evaluate_finite(const Mdp& m, const Policy& pi, const std::vector<double>& signal) {
  const int h_max = m.horizon, n_s = m.states, n_sa = m.pairs();
  const bool stationary = pi.size() == static_cast<size_t>(n_sa);
  FiniteValues out{std::vector<double>(static_cast<size_t>(h_max + 1) * n_s, 0.0), std::vector<double>(static_cast<size_t>(h_max) * n_sa)};
  for (int h = h_max - 1; h >= 0; --h) {
    const double* v_next = &out.v[static_cast<size_t>(h + 1) * n_s];
    double* q = &out.q[static_cast<size_t>(h) * n_sa];
    const double* p = &pi[stationary ? 0 : static_cast<size_t>(h) * n_sa];
    for (int s = 0; s < n_s; ++s) {
      double v = 0.0;
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
        double sum = 0.0;
        for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) sum += m.next_prob[e] * v_next[m.next_state[e]];
        q[i] = signal[static_cast<size_t>(i)] + m.discount * sum;
        v += p[i] * q[i];
      }
      out.v[static_cast<size_t>(h) * n_s + s] = v;
    }
  }
  return out;
}

}  // namespace klab::mdp
