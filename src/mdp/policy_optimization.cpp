#include "mdp/policy_optimization.hpp"

#include <algorithm>
#include <cmath>

namespace klab::mdp {

double step_size(StepSchedule schedule, double t0, int k, double gamma) {
  switch (schedule) {
    case StepSchedule::Constant: return t0;
    case StepSchedule::Linear: return t0 * (k + 1);
    // t0 γ^{−k} is infinite for γ = 0 (k ≥ 1) and overflows for large k (0.95^{−k} past k ≈ 13,800),
    // and ∞·Q made the logits NaN. Capped at kMaxMdpoStep: already the t → ∞ limit (a policy-
    // iteration step) to double precision wherever two actions' Q differ by more than 10⁻⁹.
    case StepSchedule::Geometric: return std::min(kMaxMdpoStep, t0 * std::pow(gamma, -static_cast<double>(k)));
  }
  return t0;
}

void mdpo_step(const Mdp& m, Eigen::VectorXd& logits, const Eigen::VectorXd& q, double t) {
  logits += t * q;
  for (int s = 0; s < m.states; ++s) {
    auto row = logits.segment(m.first_pair[s], m.actions(s));
    row.array() -= row.maxCoeff();
  }
}

Eigen::VectorXd softmax_pg_gradient(const Mdp& m, const Policy& pi, const Eigen::VectorXd& q, const Eigen::VectorXd& v,
                                    const Eigen::VectorXd& d) {
  Eigen::VectorXd g(m.pairs());
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) g[i] = d[s] * pi[static_cast<size_t>(i)] * (q[i] - v[s]) / (1.0 - m.discount);
  return g;
}

Eigen::VectorXd taylor_values(const Mdp& m, const Policy& pi, double gamma_e, int order) {
  const auto p = induced_transitions(m, pi);
  const Resolvent resolvent(p, gamma_e);
  Eigen::VectorXd term = resolvent.solve(induced_signal(m, pi, m.reward));  // V_{γ_e}
  Eigen::VectorXd total = term;
  for (int k = 1; k <= order; ++k) {
    term = (m.discount - gamma_e) * resolvent.solve(p * term);
    total += term;
  }
  return total;
}

}  // namespace klab::mdp
