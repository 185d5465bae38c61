#include "blackbox/gp.hpp"

#include <cmath>

#include "core/lab_math.hpp"

namespace klab::blackbox {

double kernel_value(const GpHyper& h, const double* a, const double* b, int dim) {
  double r2 = 0.0;
  for (int i = 0; i < dim; ++i) r2 += (a[i] - b[i]) * (a[i] - b[i]);
  switch (h.kernel) {
    case KernelKind::SquaredExponential: return h.signal * math::exp(-0.5 * r2 / (h.length * h.length));
    case KernelKind::Matern52: {
      const double u = std::sqrt(5.0 * r2) / h.length;  // √5 r/ℓ
      return h.signal * (1.0 + u + u * u / 3.0) * math::exp(-u);
    }
  }
  return 0.0;
}

Status Gp::add(const double* x, double y) {
  const int n = n_;
  if (n == l_.rows()) {  // grow the capacity geometrically
    const int cap = n == 0 ? 16 : 2 * n;
    l_.conservativeResize(cap, cap);
    y_.conservativeResize(cap);
  }
  // New row of L: l = L⁻¹k(X, x), d² = k(x, x) + τ² − lᵀl.
  Eigen::VectorXd k(n);
  for (int i = 0; i < n; ++i) k[i] = kernel_value(h_, input(i), x, dim_);
  if (n > 0) l_.topLeftCorner(n, n).triangularView<Eigen::Lower>().solveInPlace(k);
  const double d2 = kernel_value(h_, x, x, dim_) + h_.noise - k.squaredNorm();
  if (!(d2 > 0.0)) return Status::error("the GP covariance is not positive definite (a repeated point with noise 0?)");
  l_.row(n).head(n) = k.transpose();
  l_(n, n) = std::sqrt(d2);
  x_.insert(x_.end(), x, x + dim_);
  y_[n] = y;
  n_ = n + 1;
  refresh_weights();
  return Status();
}

void Gp::refresh_weights() {
  const auto L = l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>();
  alpha_ = y_.head(n_).array() - h_.mean;
  L.solveInPlace(alpha_);
  L.transpose().solveInPlace(alpha_);
}

void Gp::predict(const double* x, double* mean, double* variance) const {
  Eigen::VectorXd k(n_);
  for (int i = 0; i < n_; ++i) k[i] = kernel_value(h_, input(i), x, dim_);
  *mean = h_.mean + k.dot(alpha_);
  if (n_ > 0) l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>().solveInPlace(k);
  const double v = kernel_value(h_, x, x, dim_) - k.squaredNorm();
  *variance = v > 0.0 ? v : 0.0;
}

void Gp::predict_many(const PointMatrix& points, Eigen::VectorXd* mean, Eigen::MatrixXd* whitened) const {
  const int m = static_cast<int>(points.rows());
  Eigen::MatrixXd k(n_, m);
  for (int j = 0; j < m; ++j)
    for (int i = 0; i < n_; ++i) k(i, j) = kernel_value(h_, input(i), points.row(j).data(), dim_);
  *mean = (k.transpose() * alpha_).array() + h_.mean;
  if (n_ > 0) l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>().solveInPlace(k);
  *whitened = std::move(k);
}

double Gp::log_marginal_likelihood() const {
  const Eigen::VectorXd r = y_.head(n_).array() - h_.mean;
  double log_det_half = 0.0;
  for (int i = 0; i < n_; ++i) log_det_half += math::log(l_(i, i));
  return -0.5 * r.dot(alpha_) - log_det_half - 0.5 * n_ * math::log(2.0 * kPi);
}

}  // namespace klab::blackbox
