#include "diffusion/kinetic.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "core/portable.hpp"
#include "diffusion/marginal.hpp"

namespace klab::diffusion {

namespace {

// Probabilists' Hermite He_n(x) and He_{n−1}(x) by He_{k+1} = x He_k − k He_{k−1}.
void hermite(int n, double x, double* hn, double* hn1) {
  double prev = 1.0, cur = x;  // He_0, He_1
  for (int k = 1; k < n; ++k) {
    const double next = x * cur - k * prev;
    prev = cur;
    cur = next;
  }
  *hn = cur;
  *hn1 = prev;
}

// Nodes and weights of E_{z ~ N(0,1)} f(z) ≈ Σ w_i f(z_i): the n roots of He_n (bracketed on a grid,
// then bisected to the last bit), w_i = n! / (n He_{n−1}(z_i))².
struct HermiteRule {
  std::vector<double> z, w;
  explicit HermiteRule(int n) {
    double factorial = 1.0;
    for (int k = 2; k <= n; ++k) factorial *= k;
    const double bound = std::sqrt(4.0 * n + 2.0) + 0.5;  // every root of He_n is inside (−bound, bound)
    const int cells = 4000;
    auto he = [n](double x) {
      double a, b;
      hermite(n, x, &a, &b);
      return a;
    };
    for (int i = 0; i < cells; ++i) {
      double lo = -bound + 2.0 * bound * i / cells, hi = -bound + 2.0 * bound * (i + 1) / cells;
      const double flo = he(lo);
      if ((flo < 0) == (he(hi) < 0)) continue;
      for (int it = 0; it < 200; ++it) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        ((he(mid) < 0) == (flo < 0) ? lo : hi) = mid;
      }
      const double x = 0.5 * (lo + hi);
      double a, b;
      hermite(n, x, &a, &b);
      z.push_back(x);
      w.push_back(factorial / (n * b * n * b));
    }
    // The weights sum to 1 up to rounding; dividing by their sum makes E[1] = 1 to the last bit.
    double total = 0.0;
    for (double v : w) total += v;
    for (double& v : w) v /= total;
  }
};

// (sin φ, cos φ) with tan φ = e^λ: the unit point (α, σ) of log-SNR λ.
void unit_point(double lambda, double* a, double* s) {
  const double e = math::exp(lambda), n = std::sqrt(1.0 + e * e);
  *a = e / n;
  *s = 1.0 / n;
}

}  // namespace

void path_metric_at(const Mixture& m, double lambda, double g[3]) {
  static const HermiteRule rule(kHermiteNodes);
  double a, s;
  unit_point(lambda, &a, &s);
  const Marginal p = marginal_of(m, a, s);
  const int k = static_cast<int>(p.terms.size());
  g[0] = g[1] = g[2] = 0.0;
  for (const Component& c : m.components) {
    // x ~ N(α μ, S), S = α² Σ + σ² I = L Lᵀ: x = α μ + L (z_i, z_j).
    const double sxx = a * a * c.sxx + s * s, sxy = a * a * c.sxy, syy = a * a * c.syy + s * s;
    const double l11 = std::sqrt(sxx), l21 = sxy / l11, l22 = std::sqrt(syy - l21 * l21);
    for (int i = 0; i < kHermiteNodes; ++i)
      for (int j = 0; j < kHermiteNodes; ++j) {
        const double zi = rule.z[static_cast<size_t>(i)], zj = rule.z[static_cast<size_t>(j)];
        const double w = c.weight * rule.w[static_cast<size_t>(i)] * rule.w[static_cast<size_t>(j)];
        const double x = a * c.mx + l11 * zi, y = a * c.my + l21 * zi + l22 * zj;
        double gx, gy;
        score(p.terms.data(), k, x, y, &gx, &gy);
        // ε̂ = −σ ∇log p, x̂₀ = (x + σ² ∇log p)/α (Tweedie)
        const double ex = -s * gx, ey = -s * gy, dx = (x + s * s * gx) / a, dy = (y + s * s * gy) / a;
        g[0] += w * (dx * dx + dy * dy);
        g[1] += w * (dx * ex + dy * ey);
        g[2] += w * (ex * ex + ey * ey);
      }
  }
}

PathMetric path_metric(const Mixture& m, double lo, double hi, int points) {
  PathMetric g;
  g.lo = lo;
  g.hi = hi;
  for (int i = 0; i < points; ++i) {
    double v[3];
    path_metric_at(m, lo + (hi - lo) * i / (points - 1), v);
    g.g00.push_back(v[0]);
    g.g01.push_back(v[1]);
    g.g11.push_back(v[2]);
  }
  return g;
}

void PathMetric::locate(double lambda, size_t* i, double* f) const {
  const double u = std::clamp((lambda - lo) / (hi - lo), 0.0, 1.0) * static_cast<double>(g00.size() - 1);
  *i = std::min(static_cast<size_t>(u), g00.size() - 2);
  *f = u - static_cast<double>(*i);
}

void PathMetric::at(double lambda, double g[3]) const {
  size_t i;
  double f;
  locate(lambda, &i, &f);
  g[0] = (1 - f) * g00[i] + f * g00[i + 1];
  g[1] = (1 - f) * g01[i] + f * g01[i + 1];
  g[2] = (1 - f) * g11[i] + f * g11[i + 1];
}

double kinetic_energy(const NoiseSchedule& s, const PathMetric& g, int steps) {
  const double l0 = s.lambda(1.0), l1 = s.lambda(s.t_end);
  double ke = 0.0, t = 1.0, a = s.alpha(1.0), sg = s.sigma(1.0);
  for (int i = 1; i <= steps; ++i) {
    const double t2 = i == steps ? s.t_end : s.t_of_lambda(l0 + (l1 - l0) * i / steps);
    const double a2 = s.alpha(t2), s2 = s.sigma(t2), da = a2 - a, ds = s2 - sg;
    double m[3];
    g.at(l0 + (l1 - l0) * (i - 0.5) / steps, m);
    ke += (da * da * m[0] + 2.0 * da * ds * m[1] + ds * ds * m[2]) / (t - t2);
    t = t2;
    a = a2;
    sg = s2;
  }
  return ke;
}

NoiseSchedule cond_ot_path(const NoiseSchedule& ends) {
  NoiseSchedule s;
  s.process = Process::Path;
  s.t_end = ends.t_end;
  PathKnots& k = s.path;
  k.count = 2;
  k.t[0] = ends.t_end;
  k.t[1] = 1.0;
  k.alpha[0] = ends.alpha(ends.t_end);
  k.alpha[1] = ends.alpha(1.0);
  k.sigma[0] = ends.sigma(ends.t_end);
  k.sigma[1] = ends.sigma(1.0);
  k.dalpha[0] = k.dalpha[1] = (k.alpha[1] - k.alpha[0]) / (1.0 - ends.t_end);
  k.dsigma[0] = k.dsigma[1] = (k.sigma[1] - k.sigma[0]) / (1.0 - ends.t_end);
  return s;
}

namespace {

// The curve γ_j = e^{r_j} v_j, v_j = (sin φ_j, cos φ_j) at J + 1 equal steps of λ from λ(1) (j = 0)
// to λ(t_end) (j = J), and its discrete length Σ_j ℓ_j, ℓ_j² = d_jᵀ M_j d_j, d_j = γ_{j+1} − γ_j,
// M_j = G at the step's middle λ.
struct Curve {
  std::vector<double> va, vs;  // (J + 1) the unit points
  std::vector<double> m;       // (J, 3) the metric of each step

  size_t steps() const { return m.size() / 3; }
  double segment(const std::vector<double>& r, size_t j) const {
    const double ea = math::exp(r[j]), eb = math::exp(r[j + 1]);
    const double dx = eb * va[j + 1] - ea * va[j], dy = eb * vs[j + 1] - ea * vs[j];
    const double* mj = &m[3 * j];
    return std::sqrt(mj[0] * dx * dx + 2.0 * mj[1] * dx * dy + mj[2] * dy * dy);
  }
  double length(const std::vector<double>& r) const {
    double l = 0.0;
    for (size_t j = 0; j < steps(); ++j) l += segment(r, j);
    return l;
  }
  // Gradient (J + 1) and tridiagonal Hessian (diagonal J + 1, upper J) of the length in r.
  // With u = r_j, w = r_{j+1}: ∂d/∂u = q = −e^u v_j, ∂d/∂w = p = e^w v_{j+1}, ∂²d/∂u² = q,
  // ∂²d/∂w² = p, ∂²d/∂u∂w = 0; Q = dᵀMd, ℓ = √Q, ℓ_x = Q_x/(2ℓ), ℓ_xy = Q_xy/(2ℓ) − Q_x Q_y/(4ℓ³).
  void derivatives(const std::vector<double>& r, std::vector<double>* grad, std::vector<double>* diag, std::vector<double>* upper) const {
    grad->assign(r.size(), 0.0);
    diag->assign(r.size(), 0.0);
    upper->assign(r.size() - 1, 0.0);
    for (size_t j = 0; j < steps(); ++j) {
      const double ea = math::exp(r[j]), eb = math::exp(r[j + 1]);
      const double qx = -ea * va[j], qy = -ea * vs[j], px = eb * va[j + 1], py = eb * vs[j + 1];
      const double dx = px + qx, dy = py + qy;
      const double* mj = &m[3 * j];
      auto dot = [mj](double ax, double ay, double bx, double by) { return mj[0] * ax * bx + mj[1] * (ax * by + ay * bx) + mj[2] * ay * by; };
      const double l = std::sqrt(dot(dx, dy, dx, dy));
      if (!(l > 0.0)) continue;
      const double qu = 2.0 * dot(dx, dy, qx, qy), qw = 2.0 * dot(dx, dy, px, py);
      const double quu = 2.0 * dot(qx, qy, qx, qy) + qu, qww = 2.0 * dot(px, py, px, py) + qw, quw = 2.0 * dot(qx, qy, px, py);
      (*grad)[j] += qu / (2.0 * l);
      (*grad)[j + 1] += qw / (2.0 * l);
      (*diag)[j] += quu / (2.0 * l) - qu * qu / (4.0 * l * l * l);
      (*diag)[j + 1] += qww / (2.0 * l) - qw * qw / (4.0 * l * l * l);
      (*upper)[j] += quw / (2.0 * l) - qu * qw / (4.0 * l * l * l);
    }
  }
};

// Solves the tridiagonal system (diag + μ·scale, upper) x = b on the interior indices 1 .. n − 2
// (Thomas); the end entries of x are 0. Returns false when a pivot is not positive.
bool solve_interior(const std::vector<double>& diag, const std::vector<double>& upper, double mu, const std::vector<double>& scale,
                    const std::vector<double>& b, std::vector<double>* x) {
  const size_t n = diag.size();
  std::vector<double> c(n, 0.0), d(n, 0.0);
  x->assign(n, 0.0);
  double prev_c = 0.0, prev_d = 0.0;
  for (size_t i = 1; i + 1 < n; ++i) {
    const double sub = i > 1 ? upper[i - 1] : 0.0;
    const double pivot = diag[i] + mu * scale[i] - sub * prev_c;
    if (!(pivot > 0.0)) return false;
    c[i] = i + 2 < n ? upper[i] / pivot : 0.0;
    d[i] = (b[i] - sub * prev_d) / pivot;
    prev_c = c[i];
    prev_d = d[i];
  }
  for (size_t i = n - 2; i >= 1; --i) {
    (*x)[i] = d[i] - (i + 2 < n ? c[i] * (*x)[i + 1] : 0.0);
    if (i == 1) break;
  }
  return true;
}

// Knot slopes of a path whose α falls and σ rises with t.
void set_monotone_slopes(PathKnots& k) {
  // Slopes: the three-point derivative on unequal spacing (one-sided, second order, at the ends).
  auto slope = [&k](const double* y, int i) {
    if (i == 0 || i == k.count - 1) {
      // the quadratic through knots a, a + 1, a + 2 in Newton form, differentiated at t_i
      const int a = i == 0 ? 0 : i - 2;
      const double d0 = (y[a + 1] - y[a]) / (k.t[a + 1] - k.t[a]), d1 = (y[a + 2] - y[a + 1]) / (k.t[a + 2] - k.t[a + 1]);
      const double c2 = (d1 - d0) / (k.t[a + 2] - k.t[a]);
      return d0 + c2 * ((k.t[i] - k.t[a]) + (k.t[i] - k.t[a + 1]));
    }
    const double h0 = k.t[i] - k.t[i - 1], h1 = k.t[i + 1] - k.t[i];
    return (h0 * h0 * y[i + 1] - h1 * h1 * y[i - 1] + (h1 * h1 - h0 * h0) * y[i]) / (h0 * h1 * (h0 + h1));
  };
  for (int i = 0; i < k.count; ++i) {
    k.dalpha[i] = slope(k.alpha, i);
    k.dsigma[i] = slope(k.sigma, i);
  }
  // α falls and σ rises with t along the curve (λ is monotone): Fritsch–Carlson's limiter keeps both
  // Hermite interpolants monotone, so λ(t) stays monotone between the knots too.
  for (double* dy : {k.dalpha, k.dsigma}) {
    const double* y = dy == k.dalpha ? k.alpha : k.sigma;
    for (int i = 0; i + 1 < k.count; ++i) {
      const double secant = (y[i + 1] - y[i]) / (k.t[i + 1] - k.t[i]);
      if (secant == 0.0) {
        dy[i] = dy[i + 1] = 0.0;
        continue;
      }
      if (dy[i] / secant < 0.0) dy[i] = 0.0;
      if (dy[i + 1] / secant < 0.0) dy[i + 1] = 0.0;
      const double a = dy[i] / secant, b = dy[i + 1] / secant, r = a * a + b * b;
      if (r > 9.0) {
        dy[i] *= 3.0 / std::sqrt(r);
        dy[i + 1] *= 3.0 / std::sqrt(r);
      }
    }
  }
}

}  // namespace

NoiseSchedule kinetic_optimal_path(const NoiseSchedule& ends, const PathMetric& g) {
  constexpr int kSteps = PathKnots::kMax - 1;
  const double t_end = ends.t_end, l0 = ends.lambda(1.0), l1 = ends.lambda(t_end);
  const double a1 = ends.alpha(1.0), s1 = ends.sigma(1.0), ae = ends.alpha(t_end), se = ends.sigma(t_end);
  Curve c;
  std::vector<double> r(kSteps + 1);
  for (int j = 0; j <= kSteps; ++j) {
    const double lam = l0 + (l1 - l0) * j / kSteps;
    double va, vs;
    unit_point(lam, &va, &vs);
    c.va.push_back(va);
    c.vs.push_back(vs);
    if (j < kSteps) {
      double m[3];
      g.at(l0 + (l1 - l0) * (j + 0.5) / kSteps, m);
      c.m.insert(c.m.end(), m, m + 3);
    }
  }
  // Start: r linear in λ between the end points (VP's own curve, the unit circle, when the ends are VP's).
  // Started at cond-OT's line instead it converges to the same curve (to 10⁻¹¹ in length), in 3× the iterations.
  r.front() = 0.5 * math::log(a1 * a1 + s1 * s1);
  r.back() = 0.5 * math::log(ae * ae + se * se);
  for (int j = 1; j < kSteps; ++j) r[static_cast<size_t>(j)] = r.front() + (r.back() - r.front()) * j / kSteps;
  // Levenberg–Marquardt on the interior r_1 .. r_{J−1}, damped by μ·|H_jj| (the curvature spans six
  // decades along the curve: nearly free near the noise end); every accepted step shortens the curve.
  double length = c.length(r), mu = 1e-3;
  std::vector<double> grad, diag, upper, step, minus_grad, trial, scale;
  for (int iter = 0; iter < 400; ++iter) {
    c.derivatives(r, &grad, &diag, &upper);
    double gmax = 0.0;
    for (size_t i = 1; i + 1 < grad.size(); ++i) gmax = std::max(gmax, std::fabs(grad[i]));
    if (gmax < 1e-10 * length) break;
    minus_grad.resize(grad.size());
    scale.resize(grad.size());
    double top = 0.0;
    for (double d : diag) top = std::max(top, std::fabs(d));
    for (size_t i = 0; i < grad.size(); ++i) {
      minus_grad[i] = -grad[i];
      scale[i] = std::max(std::fabs(diag[i]), 1e-12 * top);
    }
    bool accepted = false;
    while (mu < 1e12 && !accepted) {
      if (solve_interior(diag, upper, mu, scale, minus_grad, &step)) {
        trial = r;
        for (size_t i = 0; i < r.size(); ++i) trial[i] += step[i];
        const double l = c.length(trial);
        if (l < length) {
          accepted = true;
          r.swap(trial);
          length = l;
          mu = std::max(mu / 4.0, 1e-9);
          continue;
        }
      }
      mu *= 8.0;
    }
    if (!accepted) break;
  }
  // Knots in increasing t: knot i is curve point J − i; t = 1 − (1 − t_end)·(length from the noise end)/L.
  NoiseSchedule s;
  s.process = Process::Path;
  s.t_end = t_end;
  PathKnots& k = s.path;
  k.count = kSteps + 1;
  double walked = 0.0;
  for (int j = 0; j <= kSteps; ++j) {
    const size_t i = static_cast<size_t>(kSteps - j), jj = static_cast<size_t>(j);
    const double e = math::exp(r[jj]);
    k.t[i] = j == kSteps ? t_end : 1.0 - (1.0 - t_end) * walked / length;
    k.alpha[i] = j == 0 ? a1 : j == kSteps ? ae : e * c.va[jj];
    k.sigma[i] = j == 0 ? s1 : j == kSteps ? se : e * c.vs[jj];
    if (j < kSteps) walked += c.segment(r, jj);
  }
  set_monotone_slopes(k);
  return s;
}

double second_moment(const Mixture& m) {
  double m2 = 0.0;
  for (const Component& c : m.components) m2 += c.weight * (c.mx * c.mx + c.my * c.my + c.sxx + c.syy);
  return m2;
}

double separation_at(const PathMetric& g, double m2, double lambda) {
  double v[3];
  g.at(lambda, v);
  return v[0] / m2;
}

std::vector<double> separation_cone_f2(const PathMetric& g, double m2) {
  // f² at the table's nodes from their g00 (interpolated linearly in λ by the caller): (1 + s̃²)(1 − S) is smooth and
  // tends to 1 at both ends, while 1 − S alone falls like e^{−2λ} (interpolating S would leave f² the error of a
  // small difference).
  const double k2 = m2 / kDataDimension;
  std::vector<double> f2(g.g00.size());
  for (size_t i = 0; i < f2.size(); ++i) {
    const double lam = g.lo + (g.hi - g.lo) * static_cast<double>(i) / static_cast<double>(g.g00.size() - 1);
    const double s2 = k2 * math::exp(2.0 * lam);  // s̃² = k² e^{2λ}
    f2[i] = 1.0 - (1.0 + s2) * (1.0 - g.g00[i] / m2);
  }
  return f2;
}

NoiseSchedule separation_ko_path(const NoiseSchedule& ends, const PathMetric& g, double m2, double* energy) {
  constexpr int kSteps = PathKnots::kMax - 1, kSub = 32;  // knots at 128 equal λ-steps, the ODE on 32 sub-steps each
  const double t_end = ends.t_end, l0 = ends.lambda(1.0), l1 = ends.lambda(t_end), k = std::sqrt(m2 / kDataDimension);
  const double a1 = ends.alpha(1.0), s1 = ends.sigma(1.0), ae = ends.alpha(t_end), se = ends.sigma(t_end);
  // dψ/dλ = f(θ) dθ/dλ, dθ/dλ = s̃/(1 + s̃²) (s̃ = tan θ = k e^λ): Simpson's rule on each sub-step, ψ = 0 at t = 1.
  const std::vector<double> f2 = separation_cone_f2(g, m2);
  auto dpsi = [&](double lam) {
    const double st = k * math::exp(lam);
    size_t i;
    double f;
    g.locate(lam, &i, &f);
    return std::sqrt(std::max(0.0, (1 - f) * f2[i] + f * f2[i + 1])) * st / (1.0 + st * st);
  };
  std::vector<double> psi(kSteps + 1, 0.0);  // (J + 1) ψ at the knots' λ, from the noise end
  const double h = (l1 - l0) / (kSteps * kSub);
  double acc = 0.0;
  for (int j = 0; j < kSteps; ++j) {
    for (int q = 0; q < kSub; ++q) {
      const double a = l0 + h * (j * kSub + q);
      acc += h / 6.0 * (dpsi(a) + 4.0 * dpsi(a + 0.5 * h) + dpsi(a + h));
    }
    psi[static_cast<size_t>(j + 1)] = acc;
  }
  // The unrolled end points: P₁ = (r₁, 0), P_e = r_e (cos Ψ, sin Ψ), r = √(α̃² + σ²); the segment P(τ) = P₁ + τ D,
  // τ = (1 − t)/(1 − t_end); the knot at angle ψ_j is where the segment meets the ray (cos ψ_j, sin ψ_j).
  auto sin_of = [](double x) { return math::cos(0.5 * kPi - x); };
  const double r1 = std::sqrt(k * k * a1 * a1 + s1 * s1), re = std::sqrt(k * k * ae * ae + se * se), big_psi = psi.back();
  const double dx = re * math::cos(big_psi) - r1, dy = re * sin_of(big_psi);
  if (energy) *energy = kDataDimension * (dx * dx + dy * dy) / (1.0 - t_end);
  NoiseSchedule s;
  s.process = Process::Path;
  s.t_end = t_end;
  PathKnots& kn = s.path;
  kn.count = kSteps + 1;
  for (int j = 0; j <= kSteps; ++j) {
    const size_t i = static_cast<size_t>(kSteps - j);
    if (j == 0 || j == kSteps) {
      kn.t[i] = j == 0 ? 1.0 : t_end;
      kn.alpha[i] = j == 0 ? a1 : ae;
      kn.sigma[i] = j == 0 ? s1 : se;
      continue;
    }
    // Ψ < 10⁻⁶: the cone has no angle (data N(0, cI) have f ≡ 0), every θ profile costs the same: equal τ-steps.
    const double ux = math::cos(psi[static_cast<size_t>(j)]), uy = sin_of(psi[static_cast<size_t>(j)]);
    const double tau = big_psi < 1e-6 ? static_cast<double>(j) / kSteps : -(r1 * uy) / (dx * uy - dy * ux);  // P₁ = (r₁, 0)
    const double qx = r1 + tau * dx, qy = tau * dy;
    const double r = std::sqrt(qx * qx + qy * qy), st = k * math::exp(l0 + (l1 - l0) * j / kSteps), n = std::sqrt(1.0 + st * st);
    kn.t[i] = 1.0 - (1.0 - t_end) * tau;
    kn.alpha[i] = r * st / n / k;  // α̃ = r sin θ
    kn.sigma[i] = r / n;           // σ = r cos θ
  }
  // Where f vanishes (pure noise, centred data) ψ stalls and neighbouring knots share a t: keep t strictly increasing.
  for (int i = kn.count - 2; i >= 0; --i) kn.t[i] = std::min(kn.t[i], std::nextafter(kn.t[i + 1], 0.0));
  set_monotone_slopes(kn);
  return s;
}

namespace {
constexpr const char* kPathIds[] = {"process", "cond_ot", "ko", "ko_sep"};
constexpr const char* kPathLabels[] = {"VP (the process)", "cond-OT", "KO geodesic", "KO separation"};
static_assert(static_cast<int>(std::size(kPathIds)) == kPathKinds && static_cast<int>(std::size(kPathLabels)) == kPathKinds, "one id and label per PathKind");
}  // namespace

const std::vector<std::string>& path_ids() {
  static const std::vector<std::string> ids(std::begin(kPathIds), std::end(kPathIds));
  return ids;
}

const std::vector<std::string>& path_labels() {
  static const std::vector<std::string> labels(std::begin(kPathLabels), std::end(kPathLabels));
  return labels;
}

GaussianPaths gaussian_paths(const Mixture& m, const NoiseSchedule& process) {
  GaussianPaths p;
  p.metric = path_metric(m, process.lambda(1.0), process.lambda(process.t_end));
  p.path[0] = process;
  p.path[1] = cond_ot_path(process);
  p.path[2] = kinetic_optimal_path(process, p.metric);
  p.path[3] = separation_ko_path(process, p.metric, second_moment(m), &p.separation_energy);
  for (int i = 0; i < kPathKinds; ++i) p.kinetic_energy[i] = kinetic_energy(p.path[i], p.metric);
  return p;
}

}  // namespace klab::diffusion
