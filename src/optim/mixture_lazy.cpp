// The O(support) entropic step of mixture_lazy.hpp (derivations there).
#include "optim/mixture_lazy.hpp"

#include <algorithm>

namespace klab::optim {

namespace {
constexpr double kFoldBelow = 1e-100;  // fold before s or A underflows
constexpr double kMaxExcess = 8.0;     // fold when A·C/s exceeds this (the average's cancellation, mixture_lazy.hpp)
}  // namespace

LazyEntropic::LazyEntropic(const std::vector<double>& start, bool average, long long fold_every)
    : v_(start), fold_every_(std::max(1LL, fold_every)) {
  if (average) u_ = start;  // w̄₀ = w₀: A = 1, C = 0
}

bool LazyEntropic::step(const int* index, const double* value, int k, double eta, double a) {
  double dot = 0.0;  // Σ_{i∈supp} v_i f_i
  for (int j = 0; j < k; ++j) dot += v_[static_cast<size_t>(index[j])] * value[j];
  const double p = s_ * dot;
  const bool moved = p > 0.0;
  if (moved) {
    const double gain = eta / ((1.0 - eta) * p);  // v_i ← v_i (1 + gain f_i)
    for (int j = 0; j < k; ++j) {
      double& v = v_[static_cast<size_t>(index[j])];
      const double dv = v * gain * value[j];
      if (!u_.empty()) u_[static_cast<size_t>(index[j])] -= c_ * dv;  // keeps u + C v, i.e. w̄
      v += dv;
    }
    s_ *= 1.0 - eta;
  }
  if (!u_.empty()) {
    if (a >= 1.0) {  // w̄ = w: u = 0, A = 1, C = s
      std::fill(u_.begin(), u_.end(), 0.0);
      a_scale_ = 1.0;
      c_ = s_;
    } else {
      a_scale_ *= 1.0 - a;
      c_ += a * s_ / a_scale_;
    }
  }
  if (++since_fold_ >= fold_every_ || s_ < kFoldBelow || a_scale_ < kFoldBelow || a_scale_ * c_ > kMaxExcess * s_) fold();
  return moved;
}

void LazyEntropic::fold() {
  if (!u_.empty())
    for (size_t i = 0; i < u_.size(); ++i) u_[i] = a_scale_ * (u_[i] + c_ * v_[i]);
  for (double& v : v_) v *= s_;
  s_ = a_scale_ = 1.0;
  c_ = 0.0;
  since_fold_ = 0;
  ++folds_;
}

void LazyEntropic::weights(std::vector<double>& w) const {
  w.resize(v_.size());
  for (size_t i = 0; i < v_.size(); ++i) w[i] = s_ * v_[i];
}

void LazyEntropic::average(std::vector<double>& w) const {
  w.resize(v_.size());
  for (size_t i = 0; i < v_.size(); ++i) w[i] = a_scale_ * (u_[i] + c_ * v_[i]);
}

}  // namespace klab::optim
