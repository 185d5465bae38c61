#include "alignment/policy.hpp"

#include "alignment/softmax.hpp"

namespace klab::alignment {

VectorXd PolicySpace::reference_params() const {
  if (cls_ == PolicyClass::LogLinear) return world_->theta_ref;
  VectorXd t(dim());
  for (int x = 0; x < world_->P; ++x)
    for (int y = 0; y < world_->K; ++y) t[world_->row(x, y)] = world_->ref_logp(x, y);
  return t;
}

VectorXd PolicySpace::tilted_params(const VectorXd& reward_params, double beta) const {
  // ln π = ln π_ref + r/β - ln Z(x): the normaliser is absorbed by the softmax.
  return reference_params() + reward_params / beta;
}

MatrixXd PolicySpace::logits(const VectorXd& params) const {
  const World& w = *world_;
  MatrixXd z(w.P, w.K);
  if (cls_ == PolicyClass::Tabular) {
    for (int x = 0; x < w.P; ++x)
      for (int y = 0; y < w.K; ++y) z(x, y) = params[w.row(x, y)];
  } else {
    const VectorXd s = w.phi * params;
    for (int x = 0; x < w.P; ++x)
      for (int y = 0; y < w.K; ++y) z(x, y) = s[w.row(x, y)];
  }
  return z;
}

MatrixXd PolicySpace::log_probs(const VectorXd& params) const { return log_softmax_rows(logits(params)); }

VectorXd PolicySpace::pullback(const MatrixXd& grad_logits) const {
  const World& w = *world_;
  if (cls_ == PolicyClass::Tabular) {
    VectorXd g(dim());
    for (int x = 0; x < w.P; ++x)
      for (int y = 0; y < w.K; ++y) g[w.row(x, y)] = grad_logits(x, y);
    return g;
  }
  VectorXd flat(w.P * w.K);
  for (int x = 0; x < w.P; ++x)
    for (int y = 0; y < w.K; ++y) flat[w.row(x, y)] = grad_logits(x, y);
  return w.phi.transpose() * flat;
}

}  // namespace klab::alignment
