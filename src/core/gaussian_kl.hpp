// KL divergence between multivariate normal distributions (Eigen):
//   KL(N0‖N1) = ½ [ tr(Σ1⁻¹ Σ0) + (μ1-μ0)ᵀ Σ1⁻¹ (μ1-μ0) - k + ln det Σ1 - ln det Σ0 ]
// computed with Cholesky factors (ln det Σ = 2 Σ ln L_ii), so it needs Σ0, Σ1 positive definite.
// Returns NaN when a covariance is not positive definite.
#pragma once
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cmath>
#include <limits>

namespace klab {

template <class Vec, class Mat>
double kl_gaussian_mv(const Vec& mu0, const Mat& cov0, const Vec& mu1, const Mat& cov1) {
  const Eigen::LLT<Mat> l0(cov0), l1(cov1);
  if (l0.info() != Eigen::Success || l1.info() != Eigen::Success) return std::numeric_limits<double>::quiet_NaN();
  const auto k = static_cast<double>(mu0.size());
  const Mat solved = l1.solve(cov0);     // Σ1⁻¹ Σ0
  const Vec diff = mu1 - mu0;
  const double mahalanobis = diff.dot(l1.solve(diff));
  double logdet0 = 0.0, logdet1 = 0.0;
  for (Eigen::Index i = 0; i < mu0.size(); ++i) {
    logdet0 += 2.0 * std::log(l0.matrixL()(i, i));
    logdet1 += 2.0 * std::log(l1.matrixL()(i, i));
  }
  return 0.5 * (solved.trace() + mahalanobis - k + logdet1 - logdet0);
}

}  // namespace klab
