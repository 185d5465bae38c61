// Gaussian-process regression, the surrogate of Bayesian optimisation.
//
// Paper: P. I. Frazier. A Tutorial on Bayesian Optimization. arXiv:1807.02811 (2018), §3.
// Prior f ~ GP(μ₀, k); observations y_i = f(x_i) + ε_i, ε_i ~ N(0, τ²). With K = k(X, X) + τ²I
// (n × n) and its Cholesky factor K = LLᵀ:
//   posterior mean      μ_n(x) = μ₀ + k(x, X) K⁻¹ (y − μ₀)            (tutorial eq. 3)
//   posterior variance  σ²_n(x) = k(x, x) − k(x, X) K⁻¹ k(X, x)  =  k(x, x) − ‖L⁻¹k(X, x)‖²
//   covariance          Σ_n(x, x′) = k(x, x′) − (L⁻¹k(X, x))ᵀ(L⁻¹k(X, x′))
//   log marginal likelihood  log p(y | X) = −½(y − μ₀)ᵀK⁻¹(y − μ₀) − Σ_i log L_ii − (n/2) log 2π
// Kernels (r = ‖x − x′‖, one length scale ℓ for every coordinate, signal variance s):
//   squared exponential  k = s·exp(−r²/(2ℓ²))          (the tutorial's "power exponential", power 2)
//   Matérn 5/2           k = s·(1 + √5 r/ℓ + 5r²/(3ℓ²))·exp(−√5 r/ℓ)
// Adding an observation appends one row to L: l = L⁻¹k(X, x), d = √(k(x, x) + τ² − lᵀl), O(n²)
// instead of the O(n³) refactorisation (equals Eigen's LLT of the whole K: test
// "blackbox.bo: the appended Cholesky factor equals Eigen's LLT").
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "core/status.hpp"

namespace klab::blackbox {

enum class KernelKind { SquaredExponential, Matern52 };

// Points as rows (m × dim), row-major so that a point's coordinates are contiguous.
using PointMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct GpHyper {
  KernelKind kernel = KernelKind::Matern52;
  double signal = 1.0;   // s = k(x, x)
  double length = 0.2;   // ℓ
  double noise = 1e-6;   // τ²
  double mean = 0.0;     // μ₀
};

double kernel_value(const GpHyper& h, const double* a, const double* b, int dim);

class Gp {
 public:
  Gp(const GpHyper& h, int dim) : h_(h), dim_(dim) {}
  // Appends an observation (an O(n²) update of the Cholesky factor and of K⁻¹(y − μ₀)).
  // Fails, leaving the GP unchanged, if K stops being positive definite.
  Status add(const double* x, double y);
  int size() const { return n_; }
  int dim() const { return dim_; }
  const GpHyper& hyper() const { return h_; }
  // μ_n(x) and σ²_n(x) (the variance clipped at 0).
  void predict(const double* x, double* mean, double* variance) const;
  // Mean (m), and the whitened cross-covariances V = L⁻¹k(X, A) (n × m) of m points A (rows of a
  // m × dim matrix), from which Σ_n(a, a′) = k(a, a′) − V_aᵀV_a′.
  void predict_many(const PointMatrix& points, Eigen::VectorXd* mean, Eigen::MatrixXd* whitened) const;
  double log_marginal_likelihood() const;
  Eigen::MatrixXd factor() const { return l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>(); }  // L (n × n)
  const double* input(int i) const { return x_.data() + static_cast<size_t>(i) * dim_; }  // x_i (dim)
  double target(int i) const { return y_[i]; }

 private:
  void refresh_weights();  // α = K⁻¹(y − μ₀) by two triangular solves
  GpHyper h_;
  int dim_;
  int n_ = 0;
  std::vector<double> x_;  // (n, dim) row-major
  Eigen::VectorXd y_;  // (capacity)
  Eigen::MatrixXd l_;  // (capacity, capacity), lower-triangular block 0..n−1
  Eigen::VectorXd alpha_;  // (n)
};

}  // namespace klab::blackbox
