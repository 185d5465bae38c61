#include "offline/r2pvi.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <functional>

namespace klab::offline {
namespace {

double weighted_sum(const std::vector<double>& p, const std::vector<double>& v, const std::function<double(double)>& g) {
  double t = 0.0;
  for (size_t s = 0; s < p.size(); ++s) t += p[s] * g(v[s]);
  return t;
}

// sup_α E_p[V]_α − Var_p([V]_α)/(4λ) over α ∈ [min V, max V]. Between two consecutive values of V
// the objective is a quadratic in α (z = A + Bα, E[V]²_α = C + Bα², B = p(V > α)), so the supremum
// is at a value of V or at a stationary point α* = (A + 2λ)/(1 − B) inside an interval.
double chi_square_dual(const std::vector<double>& p, const std::vector<double>& v, double lambda) {
  const auto objective = [&](double alpha) {
    const double z = weighted_sum(p, v, [&](double x) { return std::min(x, alpha); });
    const double z2 = weighted_sum(p, v, [&](double x) { const double c = std::min(x, alpha); return c * c; });
    return z - (z2 - z * z) / (4.0 * lambda);
  };
  std::vector<double> knots = v;
  std::sort(knots.begin(), knots.end());
  knots.erase(std::unique(knots.begin(), knots.end()), knots.end());
  double best = objective(knots.front());
  for (size_t k = 0; k + 1 < knots.size(); ++k) {
    best = std::max(best, objective(knots[k + 1]));
    double a = 0.0, b = 0.0;  // A = Σ_{V ≤ knot k} p V, B = Σ_{V > knot k} p
    for (size_t s = 0; s < p.size(); ++s) (v[s] <= knots[k] ? a += p[s] * v[s] : b += p[s]);
    if (b >= 1.0) continue;  // no interior maximum (the quadratic is not concave)
    const double stationary = (a + 2.0 * lambda) / (1.0 - b);
    if (stationary > knots[k] && stationary < knots[k + 1]) best = std::max(best, objective(stationary));
  }
  return best;
}

// One backward pass: `factors(h)` gives the (estimated) factor measures of stage h (d × S), `bonus(h,
// pair)` the pessimism Γ_h(s, a) (0 when planning).
PviResult backward(const LinearMdp& m, Divergence f, double lambda, const std::function<Eigen::MatrixXd(int)>& factors,
                   const std::function<double(int, int)>& bonus) {
  const int n_sa = m.states * m.actions;
  PviResult out;
  out.actions.assign(static_cast<size_t>(m.horizon * m.states), 0);
  out.q.assign(static_cast<size_t>(m.horizon * n_sa), 0.0);
  std::vector<double> v_next(static_cast<size_t>(m.states), 0.0), row(static_cast<size_t>(m.states));
  for (int h = m.horizon - 1; h >= 0; --h) {
    const Eigen::MatrixXd mu = factors(h);  // (d, S)
    std::vector<double> w(static_cast<size_t>(m.dim));  // θ_h + ν_h
    for (int i = 0; i < m.dim; ++i) {
      for (int s = 0; s < m.states; ++s) row[static_cast<size_t>(s)] = mu(i, s);
      w[static_cast<size_t>(i)] = m.theta[static_cast<size_t>(h * m.dim + i)] + robust_expectation(f, row, v_next, lambda);
    }
    const double cap = m.horizon - h;  // Q_h ≤ H − h (rewards in [0, 1])
    std::vector<double> v(static_cast<size_t>(m.states), 0.0);
    for (int s = 0; s < m.states; ++s) {
      int best = 0;
      for (int a = 0; a < m.actions; ++a) {
        const int pair = s * m.actions + a;
        double q = -bonus(h, pair);
        for (int i = 0; i < m.dim; ++i) q += m.feature(pair, i) * w[static_cast<size_t>(i)];
        q = std::clamp(q, 0.0, cap);
        out.q[static_cast<size_t>(h * n_sa + pair)] = q;
        if (q > out.q[static_cast<size_t>(h * n_sa + s * m.actions + best)]) best = a;
      }
      out.actions[static_cast<size_t>(h * m.states + s)] = best;
      v[static_cast<size_t>(s)] = out.q[static_cast<size_t>(h * n_sa + s * m.actions + best)];
    }
    v_next = v;
  }
  return out;
}

}  // namespace

double robust_expectation(Divergence f, const std::vector<double>& p, const std::vector<double>& v, double lambda) {
  const double lo = *std::min_element(v.begin(), v.end()), hi = *std::max_element(v.begin(), v.end());
  switch (f) {
    case Divergence::None:
      return weighted_sum(p, v, [](double x) { return x; });
    case Divergence::Kl: {
      // −λ log E_p[exp(−V/λ)], shifted by min V against underflow; the estimate clipped to its true range.
      const double e = weighted_sum(p, v, [&](double x) { return std::exp(-(x - lo) / lambda); });
      return lo - lambda * std::log(std::clamp(e, std::exp(-(hi - lo) / lambda), 1.0));
    }
    case Divergence::ChiSquare:
      return chi_square_dual(p, v, lambda);
    case Divergence::Tv:
      return weighted_sum(p, v, [&](double x) { return std::min(x, lo + lambda); });
  }
  return 0.0;  // unreachable: every Divergence is handled above
}

PviResult pessimistic_vi(const LinearMdp& m, const std::vector<std::vector<LinearStep>>& data, const PviSettings& set) {
  std::vector<Eigen::MatrixXd> inverse(static_cast<size_t>(m.horizon));  // Λ_h⁻¹ (d, d)
  std::vector<Eigen::MatrixXd> estimate(static_cast<size_t>(m.horizon));  // μ̂_h (d, S)
  for (int h = 0; h < m.horizon; ++h) {
    Eigen::MatrixXd lambda = set.ridge * Eigen::MatrixXd::Identity(m.dim, m.dim);
    Eigen::MatrixXd moments = Eigen::MatrixXd::Zero(m.dim, m.states);  // Σ_τ φ_τ e_{s′_τ}ᵀ
    for (const LinearStep& t : data[static_cast<size_t>(h)]) {
      const Eigen::Map<const Eigen::VectorXd> phi(&m.phi[static_cast<size_t>(t.pair) * m.dim], m.dim);
      lambda.noalias() += phi * phi.transpose();
      moments.col(t.next) += phi;
    }
    inverse[static_cast<size_t>(h)] = lambda.inverse();
    estimate[static_cast<size_t>(h)] = inverse[static_cast<size_t>(h)] * moments;
  }
  const auto bonus = [&](int h, int pair) {
    const Eigen::Map<const Eigen::VectorXd> phi(&m.phi[static_cast<size_t>(pair) * m.dim], m.dim);
    const Eigen::MatrixXd& inv = inverse[static_cast<size_t>(h)];
    if (!set.robust_bonus) return set.beta * std::sqrt(phi.dot(inv * phi));  // β ‖φ‖_{Λ⁻¹}
    double g = 0.0;                                                           // β Σ_i φ_i ‖e_i‖_{Λ⁻¹}
    for (int i = 0; i < m.dim; ++i) g += phi[i] * std::sqrt(inv(i, i));
    return set.beta * g;
  };
  return backward(m, set.divergence, set.lambda, [&](int h) { return estimate[static_cast<size_t>(h)]; }, bonus);
}

PviResult plan(const LinearMdp& m, Divergence f, double lambda) {
  Eigen::MatrixXd mu(m.dim, m.states);
  for (int i = 0; i < m.dim; ++i)
    for (int s = 0; s < m.states; ++s) mu(i, s) = m.factor(i, s);
  return backward(m, f, lambda, [&](int) { return mu; }, [](int, int) { return 0.0; });
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
