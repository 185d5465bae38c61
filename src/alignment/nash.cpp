#include "alignment/nash.hpp"

#include <algorithm>
#include <cmath>

#include "alignment/softmax.hpp"

namespace klab::alignment {
namespace {

VectorXd softmax(const VectorXd& z) {
  const double m = z.maxCoeff();
  VectorXd e = (z.array() - m).exp();
  return e / e.sum();
}

double kl_vec(const VectorXd& p, const VectorXd& logq) {
  double s = 0.0;
  for (Eigen::Index i = 0; i < p.size(); ++i)
    if (p[i] > 0) s += p[i] * (std::log(p[i]) - logq[i]);
  return std::max(0.0, s);
}

// τ = 0: the symmetric equilibrium of the skew-symmetric game A - ½ by support enumeration.
VectorXd minimax_winner(const MatrixXd& A) {
  const int K = static_cast<int>(A.rows());
  const MatrixXd S = A.array() - 0.5;
  VectorXd best = VectorXd::Constant(K, 1.0 / K);
  double best_violation = kInf;
  for (int size = 1; size <= K; ++size)
    for (unsigned mask = 1; mask < (1u << K); ++mask) {
      if (__builtin_popcount(mask) != size) continue;
      std::vector<int> idx;
      for (int i = 0; i < K; ++i)
        if (mask & (1u << i)) idx.push_back(i);
      // S_SS π_S = 0 (every supported response has value 0), Σ π_S = 1.
      MatrixXd M(size + 1, size);
      VectorXd rhs = VectorXd::Zero(size + 1);
      for (int r = 0; r < size; ++r)
        for (int c = 0; c < size; ++c) M(r, c) = S(idx[static_cast<size_t>(r)], idx[static_cast<size_t>(c)]);
      M.row(size).setOnes();
      rhs[size] = 1.0;
      const VectorXd sol = M.colPivHouseholderQr().solve(rhs);
      if ((M * sol - rhs).norm() > 1e-9 || sol.minCoeff() < -1e-12) continue;
      VectorXd pi = VectorXd::Zero(K);
      for (int r = 0; r < size; ++r) pi[idx[static_cast<size_t>(r)]] = std::max(0.0, sol[r]);
      pi /= pi.sum();
      const double violation = (S * pi).maxCoeff();
      if (violation < best_violation) {
        best_violation = violation;
        best = pi;
      }
      if (violation <= 1e-12) return pi;
    }
  return best;
}

}  // namespace

MatrixXd preference_matrix(const World& world, int x, double cycle) {
  const int K = world.K;
  MatrixXd A(K, K);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b)
      A(a, b) = a == b ? 0.5 : sigmoid(world.gold(x, a) - world.gold(x, b) + cycle * std::sin(2.0 * kPi * (a - b) / K));
  return A;
}

double duality_gap(const MatrixXd& A, const VectorXd& ref_logp, double tau, const VectorXd& pi) {
  const VectorXd payoff = A * pi;  // (Aπ)_y = P(y ≻ π)
  if (tau <= 0) return std::max(0.0, 2.0 * payoff.maxCoeff() - 1.0);
  const VectorXd z = ref_logp + payoff / tau;
  const double m = z.maxCoeff();
  const double M = tau * (m + std::log((z.array() - m).exp().sum()));
  return std::max(0.0, 2.0 * (M + tau * kl_vec(pi, ref_logp)) - 1.0);
}

VectorXd regularized_nash(const MatrixXd& A, const VectorXd& ref_logp, double tau, double* gap) {
  const int K = static_cast<int>(A.rows());
  VectorXd pi;
  if (tau <= 0) {
    pi = minimax_winner(A);
  } else {
    // Mirror-prox (extragradient with the entropy mirror map) on the regularised game:
    //   π½ ∝ π^{1-ητ} π_ref^{ητ} exp(η Aπ),   π⁺ ∝ π^{1-ητ} π_ref^{ητ} exp(η Aπ½).
    const double eta = std::min(0.5, 0.5 / tau);
    VectorXd logp = ref_logp.array() - std::log(ref_logp.array().exp().sum());
    pi = logp.array().exp();
    for (int it = 0; it < 20000; ++it) {
      const VectorXd half = softmax((1.0 - eta * tau) * logp + eta * tau * ref_logp + eta * A * pi);
      logp = (1.0 - eta * tau) * logp + eta * tau * ref_logp + eta * A * half;
      logp.array() -= logp.maxCoeff();
      pi = softmax(logp);
      logp = pi.array().max(1e-300).log();
      if (it % 50 == 0 && duality_gap(A, ref_logp, tau, pi) < 1e-10) break;
    }
    // Newton on G(π) = π - softmax(ln π_ref + Aπ/τ), Jacobian I - (diag s - ssᵀ) A/τ.
    for (int it = 0; it < 30; ++it) {
      const VectorXd s = softmax(ref_logp + A * pi / tau);
      const VectorXd G = pi - s;
      if (G.norm() < 1e-15) break;
      const MatrixXd J = MatrixXd::Identity(K, K) - (MatrixXd(s.asDiagonal()) - s * s.transpose()) * A / tau;
      const VectorXd next = pi - J.fullPivLu().solve(G);
      if (!next.allFinite() || next.minCoeff() <= 0) break;
      const double before = duality_gap(A, ref_logp, tau, pi);
      const VectorXd normalised = next / next.sum();
      if (duality_gap(A, ref_logp, tau, normalised) > before) break;
      pi = normalised;
    }
  }
  if (gap) *gap = duality_gap(A, ref_logp, tau, pi);
  return pi;
}

}  // namespace klab::alignment
