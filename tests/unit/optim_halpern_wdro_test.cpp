// Known answers of optim.halpern's Wasserstein DRO logistic regression (src/optim/halpern_wdro.hpp, problem wdro_logistic):
// the projection onto C = {‖β‖ ≤ λ} × [−1, 1]ⁿ against a brute-force search over the cone's rays, F against finite
// differences of Yu et al.'s Φ, the components averaging to F, F monotone with L_lip and L_avg bounding it on random pairs,
// and z* a fixed point of Π_C(z − F(z)) whose (β*, λ*) minimises the primal objective among nearby feasible points.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "optim/halpern.hpp"

using namespace klab::optim;

namespace {

constexpr size_t kL = WdroLogistic::kLambda;

FiniteSumGame wdro_game(long long n, double radius, double flip_cost, uint64_t seed) {
  FiniteSumGame g;
  g.problem = HalpernProblem::WdroLogistic;
  g.n = n;
  g.radius = radius;
  g.flip_cost = flip_cost;
  g.prepare(seed);
  return g;
}

VecZ random_point(const FiniteSumGame& g, klab::Rng& rng, double scale) {
  VecZ z(g.dimension());
  for (double& v : z) v = scale * (2.0 * rng.uniform() - 1.0);
  return z;
}

// Φ(β, λ, γ) = λρ + (1/n) Σ [log(1 + e^{−t_i}) + (1 + γ_i)(t_i − λκ)/2], t_i = y_i x_iᵀβ, written out independently.
double phi(const WdroLogistic& w, const VecZ& z) {
  double s = 0.0;
  for (long long i = 0; i < w.n; ++i) {
    const double t = w.y[i] * (w.x[2 * i] * z[0] + w.x[2 * i + 1] * z[1]);
    s += std::log1p(std::exp(-t)) + 0.5 * (1.0 + z[kL + 1 + i]) * (t - z[kL] * w.flip_cost);
  }
  return z[kL] * w.radius + s / static_cast<double>(w.n);
}

}  // namespace

TEST_CASE("optim.halpern wdro: the projection onto the cone and the box against a brute-force search") {
  klab::Rng rng(31, 0, 0);
  for (int trial = 0; trial < 300; ++trial) {
    const double b0 = 6.0 * rng.uniform() - 3.0, b1 = 6.0 * rng.uniform() - 3.0, l = 6.0 * rng.uniform() - 3.0;
    double beta[2] = {b0, b1}, lambda = l;
    project_second_order_cone(beta, 2, &lambda);
    CHECK(std::hypot(beta[0], beta[1]) <= lambda + 1e-12);
    // Reference: the cone is the union of the rays s(cos θ, sin θ, 1), s ≥ 0; the nearest point of a ray is max(0, ⟨v, u⟩)u
    // for its unit direction u. Search θ on a grid of 2000, then ternary search around the best (unimodal there; the squared
    // distance is flat to rounding within ≈ 1e-8 of the optimal θ, hence the 1e-7 tolerance).
    // Inside the cone the point itself.
    double best[3] = {b0, b1, l};
    if (std::hypot(b0, b1) > l) {
      const auto nearest = [&](double th, double* p) {
        const double r = 1.0 / std::sqrt(2.0), u[3] = {r * std::cos(th), r * std::sin(th), r};
        const double s = std::max(0.0, b0 * u[0] + b1 * u[1] + l * u[2]);
        for (int k = 0; k < 3; ++k) p[k] = s * u[k];
        return (p[0] - b0) * (p[0] - b0) + (p[1] - b1) * (p[1] - b1) + (p[2] - l) * (p[2] - l);
      };
      const double step = 2.0 * 3.14159265358979323846 / 2000.0;
      double p[3], best_th = 0.0, best_d2 = 1e300;
      for (int k = 0; k < 2000; ++k)
        if (const double d2 = nearest(k * step, p); d2 < best_d2) best_d2 = d2, best_th = k * step;
      double lo = best_th - step, hi = best_th + step;
      for (int it = 0; it < 200; ++it) {
        const double m1 = lo + (hi - lo) / 3.0, m2 = hi - (hi - lo) / 3.0;
        if (nearest(m1, p) < nearest(m2, p)) hi = m2;
        else lo = m1;
      }
      nearest(0.5 * (lo + hi), best);
    }
    CHECK(beta[0] == doctest::Approx(best[0]).epsilon(1e-7).scale(1.0));
    CHECK(beta[1] == doctest::Approx(best[1]).epsilon(1e-7).scale(1.0));
    CHECK(lambda == doctest::Approx(best[2]).epsilon(1e-7).scale(1.0));
  }
  // The whole Π_C on a small n: the cone part as above, every γ_i clipped to [−1, 1], idempotent.
  const FiniteSumGame g = wdro_game(5, 0.1, 1.0, 4);
  const VecZ v = random_point(g, rng, 3.0);
  VecZ p = v;
  g.constrain(&p);
  for (size_t j = kL + 1; j < v.size(); ++j) CHECK(p[j] == std::clamp(v[j], -1.0, 1.0));
  VecZ q = p;
  g.constrain(&q);
  CHECK(distance(p, q) == 0.0);
}

TEST_CASE("optim.halpern wdro: F is (∇_β Φ, ∂_λ Φ, −∇_γ Φ), the components average to it, it is monotone, L_lip and L_avg bound it") {
  klab::Rng rng(37, 0, 0);
  for (long long n : {3LL, 40LL, 300LL})
    for (double flip_cost : {0.3, 2.0}) {
      CAPTURE(n);
      CAPTURE(flip_cost);
      const FiniteSumGame g = wdro_game(n, 0.2, flip_cost, 11);
      const WdroLogistic& w = g.wdro();
      for (int trial = 0; trial < 8; ++trial) {
        const VecZ u = random_point(g, rng, 2.0), v = random_point(g, rng, 2.0), d = difference(u, v);
        // Central differences of Φ (step 1e-5: error ≈ 1e-10 relative on these O(1) functions).
        const VecZ f = g.full(u);
        for (size_t j = 0; j < std::min<size_t>(u.size(), 8); ++j) {
          VecZ up = u, down = u;
          up[j] += 1e-5, down[j] -= 1e-5;
          const double derivative = (phi(w, up) - phi(w, down)) / 2e-5;
          CHECK(f[j] == doctest::Approx(j > kL ? -derivative : derivative).epsilon(1e-6).scale(1e-3));
        }
        VecZ sum(u.size(), 0.0);
        double mean_square = 0.0;
        for (long long i = 0; i < n; ++i) {
          const VecZ fi = g.component(i, u), di = difference(fi, g.component(i, v));
          for (size_t j = 0; j < sum.size(); ++j) sum[j] += fi[j] / static_cast<double>(n);
          mean_square += dot_z(di, di) / static_cast<double>(n);
        }
        for (size_t j = 0; j < sum.size(); ++j) CHECK(sum[j] == doctest::Approx(f[j]).epsilon(1e-12).scale(1.0));
        const VecZ df = difference(f, g.full(v));
        CHECK(dot_z(df, d) >= -1e-12);
        CHECK(std::sqrt(dot_z(df, df)) <= g.lipschitz() * std::sqrt(dot_z(d, d)));
        CHECK(std::sqrt(mean_square) <= g.average_lipschitz() * std::sqrt(dot_z(d, d)));
      }
    }
}

TEST_CASE("optim.halpern wdro: z* is a fixed point of Π_C(z − F(z)), (β*, λ*) minimises the primal nearby, and the start is feasible") {
  klab::Rng rng(41, 0, 0);
  for (long long n : {4LL, 64LL, 256LL})
    for (double radius : {0.02, 0.1, 0.5}) {
      CAPTURE(n);
      CAPTURE(radius);
      const FiniteSumGame g = wdro_game(n, radius, 1.0, 3);
      const WdroLogistic& w = g.wdro();
      const VecZ s = g.solution();
      CHECK(g.residual(s) < 1e-10);
      // Φ(z*) is the primal objective (γ* maximises Φ at (β*, λ*)), and no feasible (β, λ) within 0.05 does better.
      const double best = w.objective(s.data(), s[kL]);
      CHECK(phi(w, s) == doctest::Approx(best).epsilon(1e-9));
      for (int trial = 0; trial < 50; ++trial) {
        double beta[2] = {s[0] + 0.1 * rng.uniform() - 0.05, s[1] + 0.1 * rng.uniform() - 0.05}, lambda = s[kL] + 0.1 * rng.uniform() - 0.05;
        project_second_order_cone(beta, 2, &lambda);
        CHECK(w.objective(beta, lambda) >= best - 1e-9);
      }
      VecZ z0 = g.start(-2.0, 2.0), projected = z0;
      g.constrain(&projected);
      CHECK(distance(z0, projected) == 0.0);
      CHECK(g.residual(z0) > 0.1);
    }
}
