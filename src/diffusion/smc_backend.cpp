#include "diffusion/smc_backend.hpp"

#include <algorithm>

#include "core/lab_math.hpp"

namespace klab::diffusion {

namespace {

template <class T>
void gather(std::vector<T>& v, const std::vector<size_t>& idx) {
  std::vector<T> out(idx.size());
  for (size_t i = 0; i < idx.size(); ++i) out[i] = v[idx[i]];
  v.swap(out);
}

}  // namespace

WeightSums weigh_log_weights(const std::vector<double>& log_w, std::vector<double>* c) {
  WeightSums w;
  w.top = *std::max_element(log_w.begin(), log_w.end());
  c->resize(log_w.size());
  for (size_t i = 0; i < log_w.size(); ++i) (*c)[i] = math::exp(log_w[i] - w.top);
  weight_chain(c->data(), c->size(), &w.s, &w.s2, c->data());
  return w;
}

std::vector<size_t> systematic_indices(const std::vector<double>& c, double s, double u, size_t m) {
  std::vector<size_t> idx(m);
  systematic_range(c.data(), c.size(), s, u, m, 0, m, idx.data());
  return idx;
}

Status HostSmcBackend::start(const SmcPlan& plan, size_t n, const SmcRandom& r) {
  plan_ = &plan;
  x_.assign(n, 0.0), y_.assign(n, 0.0), mx_.assign(n, 0.0), my_.assign(n, 0.0), look_.assign(n, 0.0), log_w_.assign(n, 0.0);
  for (size_t i = 0; i < n; ++i) smc_prior(plan.prior_sd, r, i, &x_[i], &y_[i]);
  return {};
}

Status HostSmcBackend::predict(int k) {
  const SmcConfig& c = plan_->config;
  const SmcStep& s = plan_->steps[static_cast<size_t>(k)];
  const Term* terms = plan_->terms.data() + static_cast<size_t>(k) * static_cast<size_t>(c.components);
  for (size_t i = 0; i < x_.size(); ++i) smc_predict(c, s, terms, x_[i], y_[i], &mx_[i], &my_[i], &log_w_[i], &look_[i]);
  return {};
}

Status HostSmcBackend::weigh(WeightSums* out) {
  *out = sums_ = weigh_log_weights(log_w_, &cumulative_);
  return {};
}

Status HostSmcBackend::resample(double u, std::vector<size_t>* parents) {
  const std::vector<size_t> idx = systematic_indices(cumulative_, sums_.s, u, x_.size());
  if (parents) *parents = idx;
  gather(x_, idx), gather(y_, idx), gather(mx_, idx), gather(my_, idx), gather(look_, idx);
  log_w_.assign(idx.size(), 0.0);
  return {};
}

Status HostSmcBackend::propose(int k, const SmcRandom& r) {
  const SmcStep& s = plan_->steps[static_cast<size_t>(k)];
  for (size_t i = 0; i < x_.size(); ++i) smc_propose(plan_->config, s, r, i, mx_[i], my_[i], &x_[i], &y_[i], &log_w_[i]);
  return {};
}

Status HostSmcBackend::finish() {
  for (size_t i = 0; i < x_.size(); ++i) smc_finish(plan_->config, x_[i], y_[i], look_[i], &log_w_[i]);
  return {};
}

Status HostSmcBackend::read(SmcField f, std::vector<double>* out) {
  switch (f) {
    case SmcField::X: *out = x_; break;
    case SmcField::Y: *out = y_; break;
    case SmcField::MeanX: *out = mx_; break;
    case SmcField::MeanY: *out = my_; break;
    case SmcField::LogW: *out = log_w_; break;
  }
  return {};
}

}  // namespace klab::diffusion
