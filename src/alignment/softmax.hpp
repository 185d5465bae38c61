// Numerically stable building blocks used by every loss of the chapter:
//   σ(z) = 1/(1 + e^{-z}),   softplus(z) = ln(1 + e^z) = -ln σ(-z),
//   log-softmax of a row: z_y - ln Σ_v e^{z_v} (max-shifted),
//   KL(p‖q) = Σ p (ln p - ln q) computed from log-probabilities.
#pragma once
#include <Eigen/Dense>
#include <cmath>

namespace klab::alignment {

inline double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// ln(1 + e^z) without overflow.
inline double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

// ln σ(z) = -softplus(-z).
inline double log_sigmoid(double z) { return -softplus(-z); }

inline double logsumexp(const Eigen::Ref<const Eigen::RowVectorXd>& z) {
  const double m = z.maxCoeff();
  return m + std::log((z.array() - m).exp().sum());
}

inline Eigen::MatrixXd log_softmax_rows(const Eigen::MatrixXd& z) {
  Eigen::MatrixXd out(z.rows(), z.cols());
  for (Eigen::Index r = 0; r < z.rows(); ++r) out.row(r) = z.row(r).array() - logsumexp(z.row(r));
  return out;
}

// KL(p‖q) for one prompt from the log-probabilities of p and q.
inline double kl_from_logp(const Eigen::Ref<const Eigen::RowVectorXd>& logp, const Eigen::Ref<const Eigen::RowVectorXd>& logq) {
  double s = 0.0;
  for (Eigen::Index i = 0; i < logp.size(); ++i) {
    const double pi = std::exp(logp[i]);
    if (pi > 0) s += pi * (logp[i] - logq[i]);
  }
  return std::max(0.0, s);
}

// Mean over prompts (rows) of KL(p_x‖q_x).
inline double mean_kl(const Eigen::MatrixXd& logp, const Eigen::MatrixXd& logq) {
  double s = 0.0;
  for (Eigen::Index r = 0; r < logp.rows(); ++r) s += kl_from_logp(logp.row(r), logq.row(r));
  return s / static_cast<double>(logp.rows());
}

// Mean over prompts of E_{π(·|x)}[f(x, ·)].
inline double mean_expectation(const Eigen::MatrixXd& logp, const Eigen::MatrixXd& f) {
  return (logp.array().exp() * f.array()).sum() / static_cast<double>(logp.rows());
}

// Chain rule through the softmax of each row: with G = ∂L/∂ln π, ∂L/∂z_y = G_y - π_y Σ_v G_v.
inline Eigen::MatrixXd logits_grad_from_logp_grad(const Eigen::MatrixXd& logp, const Eigen::MatrixXd& g_logp) {
  const Eigen::MatrixXd pi = logp.array().exp().matrix();
  Eigen::MatrixXd out = g_logp;
  for (Eigen::Index r = 0; r < logp.rows(); ++r) out.row(r) -= pi.row(r) * g_logp.row(r).sum();
  return out;
}

// ∂KL(π_x‖q_x)/∂z_y = π_y (ln π_y/q_y - KL) for each row: the gradient of an on-policy KL.
inline Eigen::MatrixXd kl_logits_grad(const Eigen::MatrixXd& logp, const Eigen::MatrixXd& logq) {
  Eigen::MatrixXd out(logp.rows(), logp.cols());
  for (Eigen::Index r = 0; r < logp.rows(); ++r) {
    const double kl = kl_from_logp(logp.row(r), logq.row(r));
    for (Eigen::Index c = 0; c < logp.cols(); ++c) out(r, c) = std::exp(logp(r, c)) * (logp(r, c) - logq(r, c) - kl);
  }
  return out;
}

// ∂E_π[f]/∂z_y = π_y (f_y - E_π f) for each row.
inline Eigen::MatrixXd expectation_logits_grad(const Eigen::MatrixXd& logp, const Eigen::MatrixXd& f) {
  Eigen::MatrixXd out(logp.rows(), logp.cols());
  for (Eigen::Index r = 0; r < logp.rows(); ++r) {
    const Eigen::RowVectorXd pi = logp.row(r).array().exp();
    const double mean = pi.dot(f.row(r));
    out.row(r) = pi.array() * (f.row(r).array() - mean);
  }
  return out;
}

}  // namespace klab::alignment
