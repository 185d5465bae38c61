#include "offline/r2pvi.hpp"

#include <limits>

namespace klab::offline {
namespace {

PviResult empty_result(const LinearMdp& m) {
  PviResult out;
  out.actions.assign(static_cast<size_t>(m.horizon * m.states), 0);
  out.q.assign(static_cast<size_t>(m.horizon * m.states * m.actions), 0.0);
  return out;
}

}  // namespace

double robust_expectation(Divergence f, const std::vector<double>& p, const std::vector<double>& v, double lambda) {
  // robust_dual's χ² knots hold kLinearStates values.
  if (p.size() != v.size() || v.size() > static_cast<size_t>(kLinearStates)) return std::numeric_limits<double>::quiet_NaN();
  return robust_dual(f, p.data(), v.data(), static_cast<int>(v.size()), lambda);
}

RidgeFit ridge_fit(const LinearMdp& m, const std::vector<std::vector<LinearStep>>& data, double ridge) {
  RidgeFit fit;
  ridge_begin(m, ridge, fit);
  for (const std::vector<LinearStep>& stage : data)
    for (const LinearStep& t : stage) ridge_add(m, t, fit);
  ridge_finish(m, fit);
  return fit;
}

PviResult pessimistic_vi(const LinearMdp& m, const RidgeFit& fit, const PviSettings& s) {
  PviResult out = empty_result(m);
  pvi_backward(m, s, fit.estimate[0], kLinearDim * kLinearStates, fit.inverse[0], out.actions.data(), out.q.data());
  return out;
}

PviResult pessimistic_vi(const LinearMdp& m, const std::vector<std::vector<LinearStep>>& data, const PviSettings& s) {
  return pessimistic_vi(m, ridge_fit(m, data, s.ridge), s);
}

PviResult plan(const LinearMdp& m, Divergence f, double lambda) {
  PviResult out = empty_result(m);
  PviSettings s;
  s.divergence = f;
  s.lambda = lambda;
  pvi_backward(m, s, m.mu, 0, nullptr, out.actions.data(), out.q.data());
  return out;
}

std::vector<double> stage_policy(const LinearMdp& m, const PviResult& r) {
  const size_t n_sa = static_cast<size_t>(m.states * m.actions);
  std::vector<double> pi(static_cast<size_t>(m.horizon) * n_sa, 0.0);
  for (int h = 0; h < m.horizon; ++h)
    for (int s = 0; s < m.states; ++s)
      pi[static_cast<size_t>(h) * n_sa + static_cast<size_t>(s * m.actions + r.actions[static_cast<size_t>(h * m.states + s)])] = 1.0;
  return pi;
}

}  // namespace klab::offline
