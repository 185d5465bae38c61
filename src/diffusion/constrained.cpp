#include "diffusion/constrained.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"

namespace klab::diffusion {
namespace {

bool alignment(const ConstrainedProblem& pr) { return pr.kind == ConstrainedKind::Alignment; }

// Σθ_i r_i = −(A/2)‖x − c̄‖² − C.
struct CombinedReward {
  double a = 0.0, cx = 0.0, cy = 0.0, c = 0.0;
};

CombinedReward combine(const ConstrainedProblem& pr, const std::vector<double>& theta) {
  CombinedReward q;
  double sx = 0.0, sy = 0.0, s2 = 0.0;
  for (size_t i = 0; i < pr.rewards.size(); ++i) {
    const QuadraticReward& r = pr.rewards[i];
    const double w = theta[i] * r.a;
    q.a += w;
    sx += w * r.cx;
    sy += w * r.cy;
    s2 += w * (r.cx * r.cx + r.cy * r.cy);
  }
  if (q.a > 0.0) {
    q.cx = sx / q.a;
    q.cy = sy / q.a;
    q.c = 0.5 * s2 - 0.5 * q.a * (q.cx * q.cx + q.cy * q.cy);
  }
  return q;
}

// log Z(θ) = log E_q exp(θᵀr) = −C + log Σ_k w_k det(I + AΣ_k)^{−½} exp(−½ A dᵀ(I + AΣ_k)⁻¹ d), d = c̄ − μ_k
// (∫N(x; μ, Σ) e^{−(A/2)‖x − c‖²} dx in a form that stays finite as A → 0).
double log_partition(const Mixture& q, const CombinedReward& r) {
  double top = -1e300;
  std::vector<double> e;
  for (const Component& k : q.components) {
    const double mxx = 1.0 + r.a * k.sxx, mxy = r.a * k.sxy, myy = 1.0 + r.a * k.syy, det = mxx * myy - mxy * mxy;
    const double dx = r.cx - k.mx, dy = r.cy - k.my;
    const double quad = (myy * dx * dx - 2.0 * mxy * dx * dy + mxx * dy * dy) / det;
    e.push_back(math::log(k.weight) - 0.5 * math::log(det) - 0.5 * r.a * quad);
    top = std::max(top, e.back());
  }
  double s = 0.0;
  for (double v : e) s += math::exp(v - top);
  return top + math::log(s) - r.c;
}

// E_p[−(a/2)‖x − c‖²] for a mixture p.
double expected_reward(const Mixture& p, const QuadraticReward& r) {
  double s = 0.0;
  for (const Component& k : p.components) {
    const double dx = k.mx - r.cx, dy = k.my - r.cy;
    s += k.weight * (dx * dx + dy * dy + k.sxx + k.syy);
  }
  return -0.5 * r.a * s;
}

// KL(N(m, S) ‖ N(m_i, S_i)) = ½[tr(S_i⁻¹S) + (m_i − m)ᵀS_i⁻¹(m_i − m) − 2 + log(det S_i / det S)].
double gaussian_kl(const Component& p, const Component& q) {
  const double dq = q.sxx * q.syy - q.sxy * q.sxy, dp = p.sxx * p.syy - p.sxy * p.sxy;
  const double ixx = q.syy / dq, ixy = -q.sxy / dq, iyy = q.sxx / dq;
  const double trace = ixx * p.sxx + 2.0 * ixy * p.sxy + iyy * p.syy;
  const double dx = q.mx - p.mx, dy = q.my - p.my;
  return 0.5 * (trace + ixx * dx * dx + 2.0 * ixy * dx * dy + iyy * dy * dy - 2.0 + math::log(dq / dp));
}

// log N(x; m_i, S_i), one expert's log density (T_i of the composition).
double expert_log_density(const Component& k, double x, double y) {
  const double det = k.sxx * k.syy - k.sxy * k.sxy, dx = x - k.mx, dy = y - k.my;
  return -0.5 * (k.syy * dx * dx - 2.0 * k.sxy * dx * dy + k.sxx * dy * dy) / det - 0.5 * math::log(det) - math::log(2.0 * kPi);
}

// The exact gradient of the dual g at λ, as the ascent direction the projection uses.
std::vector<double> dual_gradient(const ConstrainedProblem& pr, const std::vector<double>& lambda) {
  const ConstrainedValues v = exact_values(pr, lambda, lambda);
  std::vector<double> g(pr.size());
  for (size_t i = 0; i < g.size(); ++i) g[i] = alignment(pr) ? pr.thresholds[i] - v.values[i] : v.values[i];
  return g;
}

}  // namespace

Mixture tilt_model(const ConstrainedProblem& pr, const std::vector<double>& theta) {
  if (alignment(pr)) {
    const CombinedReward r = combine(pr, theta);
    if (r.a <= 0.0) return pr.base;
    return tilted_mixture(pr.base, QuadraticReward{r.cx, r.cy, r.a}, 1.0);
  }
  double pxx = 0.0, pxy = 0.0, pyy = 0.0, hx = 0.0, hy = 0.0;
  for (size_t i = 0; i < pr.experts.size(); ++i) {
    const Component& k = pr.experts[i];
    const double det = k.sxx * k.syy - k.sxy * k.sxy, ixx = k.syy / det, ixy = -k.sxy / det, iyy = k.sxx / det;
    pxx += theta[i] * ixx;
    pxy += theta[i] * ixy;
    pyy += theta[i] * iyy;
    hx += theta[i] * (ixx * k.mx + ixy * k.my);
    hy += theta[i] * (ixy * k.mx + iyy * k.my);
  }
  const double det = pxx * pyy - pxy * pxy;
  Component c;
  c.sxx = pyy / det;
  c.sxy = -pxy / det;
  c.syy = pxx / det;
  c.mx = c.sxx * hx + c.sxy * hy;
  c.my = c.sxy * hx + c.syy * hy;
  Mixture m;
  m.components.push_back(c);
  return m;
}

ConstrainedValues exact_values(const ConstrainedProblem& pr, const std::vector<double>& theta, const std::vector<double>& lambda) {
  ConstrainedValues v;
  const Mixture p = tilt_model(pr, theta);
  if (alignment(pr)) {
    double tilt = 0.0;  // E_θ[θᵀr]
    for (size_t i = 0; i < pr.rewards.size(); ++i) {
      v.values.push_back(expected_reward(p, pr.rewards[i]));
      tilt += theta[i] * v.values.back();
    }
    v.objective = std::max(0.0, tilt - log_partition(pr.base, combine(pr, theta)));  // KL(p_θ‖q) = E_θ[θᵀr] − log Z(θ) ≥ 0
    v.lagrangian = v.objective;
    for (size_t i = 0; i < v.values.size(); ++i) v.lagrangian -= lambda[i] * (v.values[i] - pr.thresholds[i]);
    return v;
  }
  v.objective = 0.0;
  for (size_t i = 0; i < pr.experts.size(); ++i) {
    v.values.push_back(gaussian_kl(p.components[0], pr.experts[i]));
    v.objective = std::max(v.objective, v.values.back());
    v.lagrangian += lambda[i] * v.values.back();
  }
  return v;
}

double violation(const ConstrainedProblem& pr, const std::vector<double>& values, double optimum) {
  double worst = -1e300;
  for (size_t i = 0; i < values.size(); ++i) worst = std::max(worst, alignment(pr) ? pr.thresholds[i] - values[i] : values[i] - optimum);
  return worst;
}

std::vector<double> project(const ConstrainedProblem& pr, std::vector<double> v) {
  if (alignment(pr)) {
    for (double& x : v) x = std::max(0.0, x);
    return v;
  }
  // Euclidean projection onto {v ≥ 0, Σv = 1}: v_i − τ clipped at 0, τ from the sorted values
  // (Held, Wolfe, Crowder 1974).
  std::vector<double> s = v;
  std::sort(s.begin(), s.end(), [](double a, double b) { return a > b; });
  double sum = 0.0, tau = 0.0;
  for (size_t k = 0; k < s.size(); ++k) {
    sum += s[k];
    const double t = (sum - 1.0) / static_cast<double>(k + 1);
    if (s[k] - t > 0.0) tau = t;
  }
  for (double& x : v) x = std::max(0.0, x - tau);
  return v;
}

std::vector<double> exact_multipliers(const ConstrainedProblem& pr) {
  const size_t m = pr.size();
  std::vector<double> lambda = project(pr, std::vector<double>(m, alignment(pr) ? 0.0 : 1.0 / static_cast<double>(m)));
  double step = 1.0, g = exact_values(pr, lambda, lambda).lagrangian;
  for (int it = 0; it < 20000; ++it) {
    const std::vector<double> grad = dual_gradient(pr, lambda);
    for (int tries = 0; tries < 60; ++tries) {
      std::vector<double> next = lambda;
      for (size_t i = 0; i < m; ++i) next[i] += step * grad[i];
      next = project(pr, next);
      double lin = 0.0, move = 0.0, norm = 0.0;
      for (size_t i = 0; i < m; ++i) {
        lin += grad[i] * (next[i] - lambda[i]);
        move += (next[i] - lambda[i]) * (next[i] - lambda[i]);
        norm += lambda[i] * lambda[i];
      }
      const double g_next = exact_values(pr, next, next).lagrangian;
      // Sufficient ascent of a concave function with a step 1/L no larger than `step`.
      if (g_next >= g + lin - 0.5 * move / step - 1e-15 * (1.0 + std::fabs(g))) {
        const bool converged = std::sqrt(move) < 1e-12 * (1.0 + std::sqrt(norm));
        lambda = next;
        g = g_next;
        step *= 1.5;
        if (converged) return lambda;
        break;
      }
      step *= 0.5;
    }
  }
  return lambda;
}

void primal_dual_step(const ConstrainedProblem& pr, const Particles& samples, double primal_rate, double dual_rate, std::vector<double>& theta,
                      std::vector<double>& lambda) {
  const size_t m = pr.size(), n = samples.size();
  const Mixture model = tilt_model(pr, theta);
  // Sample means of T and of log p_θ, and the covariance of T (two passes).
  std::vector<double> mean(m, 0.0), cov(m * m, 0.0), t(m);
  double mean_log_p = 0.0;
  auto stats = [&](size_t j) {
    for (size_t i = 0; i < m; ++i)
      t[i] = alignment(pr) ? pr.rewards[i](samples.x[j], samples.y[j]) : expert_log_density(pr.experts[i], samples.x[j], samples.y[j]);
  };
  for (size_t j = 0; j < n; ++j) {
    stats(j);
    for (size_t i = 0; i < m; ++i) mean[i] += t[i] / static_cast<double>(n);
    if (!alignment(pr)) mean_log_p += log_density(model, samples.x[j], samples.y[j]) / static_cast<double>(n);
  }
  for (size_t j = 0; j < n; ++j) {
    stats(j);
    for (size_t a = 0; a < m; ++a)
      for (size_t b = 0; b < m; ++b) cov[a * m + b] += (t[a] - mean[a]) * (t[b] - mean[b]) / static_cast<double>(n > 1 ? n - 1 : 1);
  }
  // Both steps in units of the curvature tr Ĉov(T): the Hessian of the primal objective in θ and, at
  // θ = λ, minus that of the dual g (∇²g = −Cov_λ(T)), so that the rates are free of the reward's scale.
  double curvature = 0.0;
  for (size_t a = 0; a < m; ++a) curvature += cov[a * m + a];
  curvature = std::max(curvature, 1e-12);
  std::vector<double> next_theta = theta, next_lambda = lambda;
  for (size_t a = 0; a < m; ++a) {
    double g = 0.0;
    for (size_t b = 0; b < m; ++b) g += cov[a * m + b] * (theta[b] - lambda[b]);
    next_theta[a] -= primal_rate * g / curvature;
    next_lambda[a] += dual_rate * (alignment(pr) ? pr.thresholds[a] - mean[a] : mean_log_p - mean[a]) / curvature;
  }
  theta = project(pr, next_theta);
  lambda = project(pr, next_lambda);
}

}  // namespace klab::diffusion
